// pages.test.mjs - the public pages and their files as HTTP sees them
// (src/ui/): every file of web/public/ and the Leaflet files taken from
// node_modules/ served byte for byte from the binary with its Content-Type,
// a strong ETag that is the SHA-256 of the bytes, 304 for a matching
// If-None-Match, Cache-Control, nosniff and the Content-Security-Policy;
// "/" and "/public" redirect; errors among the pages are HTML pages while
// the JSON API keeps its JSON errors.  What the pages do in a browser is
// tests/browser/.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, describe, test } from 'node:test';

import {
  addUser, assertError, createToken, fixtureDb, rawRequest, ROOT, staffSuite, ug,
} from './lib/server.mjs';

const suite = staffSuite({ makeDb: fixtureDb });
const { ws, servers, token } = suite;

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)));
}

// Address -> the file it must serve, byte for byte.
const WEB = join(ROOT, 'web/public');
const LEAFLET = join(ROOT, 'node_modules/leaflet');
const expected = new Map([
  ['/public/', join(WEB, 'report.html')],
  ['/public/follow', join(WEB, 'follow.html')],
]);
for (const f of filesUnder(join(WEB, 'assets'))) expected.set(`/public/assets/${f}`, join(WEB, 'assets', f));
for (const f of ['leaflet.js', 'leaflet.css', 'images/marker-icon.png', 'images/marker-icon-2x.png',
  'images/marker-shadow.png', 'images/layers.png', 'images/layers-2x.png']) {
  expected.set(`/public/assets/leaflet/${f}`, join(LEAFLET, 'dist', f));
}
expected.set('/public/assets/leaflet/LICENSE', join(LEAFLET, 'LICENSE'));

const TYPES = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  png: 'image/png',
  svg: 'image/svg+xml',
  '': 'text/plain; charset=utf-8',
};
function typeOf(file) {
  const m = /\.([a-z0-9]+)$/.exec(file);
  const t = TYPES[m ? m[1] : ''];
  assert.ok(t, `no expected type for ${file}: add it here and to src/ui/assets.c`);
  return t;
}

function assertPageHeaders(r) {
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  const csp = r.headers.get('content-security-policy') ?? '';
  assert.match(csp, /(^|; )default-src 'self'(;|$)/, csp);
  assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/, csp);
  assert.match(csp, /(^|; )object-src 'none'(;|$)/, csp);
  assert.doesNotMatch(csp, /unsafe-|https?:|\*/, `CSP allows too much: ${csp}`);
  assert.doesNotMatch(csp, /script-src|style-src/, 'scripts and styles fall back to default-src');
  assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
}

describe('every embedded file', () => {
  test('the list holds the pages, files of our own and Leaflet', () => {
    const own = [...expected.values()].filter((f) => f.startsWith(join(WEB, 'assets')));
    assert.ok(own.length >= 1, 'no files under web/public/assets');
    assert.ok(expected.has('/public/assets/leaflet/leaflet.js'));
  });

  for (const [path, file] of expected) {
    test(`GET ${path} serves ${relative(ROOT, file)}`, async () => {
      const want = readFileSync(file);
      const r = await suite.server.request('GET', path);
      assert.equal(r.status, 200, r.text);
      assert.ok(r.bytes.equals(want), `${path}: served bytes differ from ${file} (rebuild?)`);
      assert.equal(r.headers.get('content-type'), typeOf(file));
      assert.equal(r.headers.get('etag'), `"${sha256(want)}"`);
      assert.equal(r.headers.get('cache-control'), 'no-cache');
      assert.equal(r.headers.get('content-length'), String(want.length));
      assertPageHeaders(r);
    });
  }
});

describe('conditional requests', () => {
  const path = '/public/assets/app.css';
  let etag;
  before(async () => { etag = (await suite.server.request('GET', path)).headers.get('etag'); });

  for (const [label, value] of [
    ['the ETag', () => etag],
    ['the weak form', () => `W/${etag}`],
    ['a list holding it', () => `"nope", ${etag} ,W/"other"`],
    ['*', () => '*'],
  ]) {
    test(`If-None-Match with ${label} -> 304, no body, same ETag`, async () => {
      const r = await suite.server.request('GET', path, { headers: { 'If-None-Match': value() } });
      assert.equal(r.status, 304);
      assert.equal(r.bytes.length, 0);
      assert.equal(r.headers.get('etag'), etag);
      assert.equal(r.headers.get('cache-control'), 'no-cache');
    });
  }

  for (const [label, value] of [
    ['another tag', () => '"0000"'],
    ['the ETag of another file', async () => (await suite.server.request('GET', '/public/')).headers.get('etag')],
    ['the tag unquoted', () => etag.slice(1, -1)],
    ['the tag cut short', () => etag.slice(0, -2) + '"'],
    ['an unterminated tag', () => etag.slice(0, -1)],
    ['garbage after a tag', () => `"x"junk, ${etag}`],
    ['an empty value', () => ''],
  ]) {
    test(`If-None-Match with ${label} -> 200 with the file`, async () => {
      const r = await suite.server.request('GET', path, { headers: { 'If-None-Match': await value() } });
      assert.equal(r.status, 200);
      assert.ok(r.bytes.length > 0);
      assert.equal(r.headers.get('etag'), etag);
    });
  }

  test('HEAD answers like GET without a body', async () => {
    const get = await suite.server.request('GET', '/public/follow');
    const head = await suite.server.request('HEAD', '/public/follow');
    assert.equal(head.status, 200);
    assert.equal(head.bytes.length, 0);
    assert.equal(head.headers.get('etag'), get.headers.get('etag'));
    assert.equal(head.headers.get('content-type'), 'text/html; charset=utf-8');
    assertPageHeaders(head);
  });
});

describe('redirects', () => {
  for (const path of ['/', '/public', '/?x=1']) {
    test(`GET ${path} -> 302 to /public/`, async () => {
      const r = await suite.server.request('GET', path);
      assert.equal(r.status, 302);
      assert.equal(r.headers.get('location'), '/public/');
      assert.equal(r.headers.get('cache-control'), 'no-store');
      assertPageHeaders(r);
    });
  }

  test('GET / with a session cookie -> 302 to the console; /console -> /console/', async () => {
    const r = await suite.server.request('GET', '/', { headers: { Cookie: 'ug_session=whatever' } });
    assert.equal(r.status, 302);
    assert.equal(r.headers.get('location'), '/console/');
    const c = await suite.server.request('GET', '/console');
    assert.equal(c.status, 302);
    assert.equal(c.headers.get('location'), '/console/');
    assertPageHeaders(c);
  });

  test('a query string does not change the page (?lang=en is read by the script)', async () => {
    const plain = await suite.server.request('GET', '/public/');
    const en = await suite.server.request('GET', '/public/?lang=en');
    assert.equal(en.status, 200);
    assert.ok(en.bytes.equals(plain.bytes));
  });
});

describe('errors among the pages are HTML', () => {
  const notFound = ['/public/nope', '/public/assets/nope.js', '/public/assets/',
    '/public/assets', '/public/assets/report.html', '/public/follow/', '/public//',
    '/public/assets/leaflet/', '/public/assets/leaflet//leaflet.js', '/public/assets/LEAFLET/leaflet.js',
    '/public/assets/leaflet/dist/leaflet.js'];
  for (const path of notFound) {
    test(`GET ${path} -> 404 page`, async () => {
      const r = await suite.server.request('GET', path);
      assert.equal(r.status, 404);
      assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.match(r.text, /^<!doctype html>/);
      assert.match(r.text, /页面不存在/);
      assert.match(r.text, /Page not found/);
      assert.match(r.text, /href="\/public\/"/);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      assertPageHeaders(r);
    });
  }

  test('dot segments sent as they are find nothing (names are looked up, never opened)', async () => {
    for (const path of ['/public/assets/../report.html', '/public/assets/./app.css',
      '/public/assets/%2e%2e/report.html', '/public/assets/..%2freport.html']) {
      const r = await rawRequest(suite.server, { path });
      assert.equal(r.status, 404, path);
      assert.match(r.headers.get('content-type'), /^text\/html/, path);
    }
  });

  for (const [method, path] of [['POST', '/public/'], ['DELETE', '/public/follow'],
    ['PUT', '/public/assets/app.css'], ['POST', '/']]) {
    test(`${method} ${path} -> 405 page with Allow: GET, HEAD`, async () => {
      const r = await suite.server.request(method, path, { body: '{}' });
      assert.equal(r.status, 405);
      assert.equal(r.headers.get('allow'), 'GET, HEAD');
      assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.match(r.text, /Method not allowed/);
      assertPageHeaders(r);
    });
  }

  test('a GET of a page with a body of any type is served (no 415: pages read no body)', async () => {
    // fetch() refuses a GET with a body; node:http sends it.
    const r = await rawRequest(suite.server, {
      path: '/public/assets/app.css', headers: { 'Content-Type': 'text/plain' }, body: 'not json',
    });
    assert.equal(r.status, 200);
  });

  test('the JSON API keeps JSON errors, under /public/api/ too', async () => {
    assertError(await suite.server.request('GET', '/public/api/nope'), 404, 'not_found', null);
    assertError(await suite.server.request('GET', '/public/media/nope/x'), 404, 'not_found', null);
    assertError(await suite.server.request('GET', '/api/v1/nope'), 404, 'not_found', null);
    assertError(await suite.server.request('GET', '/publicx'), 404, 'not_found', null);
    const r = await suite.server.request('POST', '/api/v1/session', {
      body: 'x=1', headers: { 'Content-Type': 'text/plain' },
    });
    assertError(r, 415, 'unsupported_media_type', 'Content-Type');
  });
});
describe('what the pages refer to', () => {
  // The pages may load only what the binary serves: every src/href in
  // the HTML is an address under /public/ that answers 200.
  for (const page of ['/public/', '/public/follow']) {
    test(`${page}: every script, stylesheet and link is served here`, async () => {
      const html = (await suite.server.request('GET', page)).text;
      const refs = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
      assert.ok(refs.length >= 4, `too few references in ${page}: ${refs}`);
      assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/, 'inline script');
      assert.doesNotMatch(html, /\sstyle=|<style/, 'inline style');
      assert.doesNotMatch(html, /\son[a-z]+=/, 'inline event handler');
      for (const ref of refs) {
        assert.match(ref, /^\/public\//, `${page} refers outside /public/: ${ref}`);
        const r = await suite.server.request('GET', ref);
        assert.equal(r.status, 200, `${page} refers to ${ref}, which answers ${r.status}`);
      }
    });
  }
});

describe('the staff console', () => {
  test('one page naming its fingerprinted script and style; those cached for good', async () => {
    const page = await suite.server.request('GET', '/console/');
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), TYPES.html);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assertPageHeaders(page);
    const names = [...page.text.matchAll(/(?:src|href)="(assets\/[^"]+)"/g)].map((m) => m[1]);
    assert.equal(names.length, 2, page.text);
    assert.doesNotMatch(page.text, /<script>|<style>|style="/, 'no inline script or style');
    for (const name of names) {
      assert.match(name, /^assets\/console(-style)?-[A-Z0-9]{8}\.(js|css)$/);
      const r = await suite.server.request('GET', `/console/${name}`);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), typeOf(name));
      assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(r.headers.get('etag'), `"${sha256(r.bytes)}"`);
      // Nothing in it names another host: the console works offline.
      // Two names are text, never fetched: the SVG namespace, and the
      // link Leaflet's attribution control would show (the console
      // turns that control off).
      assert.doesNotMatch(r.text, /https?:\/\/(?!www\.w3\.org\/2000\/svg|leafletjs\.com)[a-z]/i,
        `${name} refers to another host`);
    }
    const missing = await suite.server.request('GET', '/console/assets/console-XXXXXXXX.js');
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type'), /^text\/html/);
  });
});

describe('the phone pages (/m/)', () => {
  test('/m -> /m/; one page naming its fingerprinted script and style, cached for good', async () => {
    const m = await suite.server.request('GET', '/m');
    assert.equal(m.status, 302);
    assert.equal(m.headers.get('location'), '/m/');
    const page = await suite.server.request('GET', '/m/');
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), TYPES.html);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assertPageHeaders(page);
    assert.doesNotMatch(page.text, /<script>|<style>|style="/, 'no inline script or style');
    const names = [...page.text.matchAll(/(?:src|href)="(assets\/[^"]+)"/g)].map((m2) => m2[1]);
    assert.equal(names.length, 2, page.text);
    for (const name of names) {
      assert.match(name, /^assets\/field(-style)?-[A-Z0-9]{8}\.(js|css)$/);
      const r = await suite.server.request('GET', `/m/${name}`);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), typeOf(name));
      assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.doesNotMatch(r.text, /https?:\/\/(?!www\.w3\.org\/2000\/svg|leafletjs\.com)[a-z]/i,
        `${name} refers to another host`);
    }
    assert.equal((await suite.server.request('GET', '/m/assets/field-XXXXXXXX.js')).status, 404);
  });

  test('the service worker: script type, no-cache, scope /m/, keeps exactly the page\'s files', async () => {
    const sw = await suite.server.request('GET', '/m/sw.js');
    assert.equal(sw.status, 200);
    assert.equal(sw.headers.get('content-type'), TYPES.js);
    assert.equal(sw.headers.get('cache-control'), 'no-cache');
    assert.equal(sw.headers.get('service-worker-allowed'), '/m/');
    assertPageHeaders(sw);
    // The build put in its version and the files it keeps: the page, its
    // two fingerprinted files and Leaflet's style - each of them served.
    assert.doesNotMatch(sw.text, /%VERSION%|%FILES%/);
    const files = JSON.parse(sw.text.match(/const FILES = (\[[^\]]*\]);/)[1]);
    const page = await suite.server.request('GET', '/m/');
    const named = [...page.text.matchAll(/(?:src|href)="(assets\/[^"]+)"/g)].map((m2) => `/m/${m2[1]}`);
    assert.deepEqual(files.sort(), ['/m/', '/public/assets/leaflet/leaflet.css', ...named].sort());
    for (const f of files) assert.equal((await suite.server.request('GET', f)).status, 200, f);
    // Revalidated like a page (ETag).
    const again = await suite.server.request('GET', '/m/sw.js', { headers: { 'If-None-Match': sw.headers.get('etag') } });
    assert.equal(again.status, 304);
    assert.equal(again.headers.get('service-worker-allowed'), '/m/');
  });
});

describe('serve --tiles: an intranet base map for the console', () => {
  test('GET /api/v1/map names it; the console page allows that origin for pictures and no other', async () => {
    addUser(ws.db, { name: 'map_reader', role: 'leader', unit: '110101', password: 'map-reader-password' });
    const token = createToken(ws.db, 'map_reader');
    const own = await servers.start(['--tiles', 'http://127.0.0.1:9/tiles/{z}/{x}/{y}.png', '--tiles-crs', 'gcj02']);
    const r = await own.request('GET', '/api/v1/map', { headers: { Authorization: `Bearer ${token}` } });
    assert.deepEqual(r.json, { tiles: { url: 'http://127.0.0.1:9/tiles/{z}/{x}/{y}.png', crs: 'gcj02' } });
    const page = await own.request('GET', '/console/');
    const csp = page.headers.get('content-security-policy');
    assert.match(csp, /(^|; )img-src 'self' blob: http:\/\/127\.0\.0\.1:9;/);
    assert.match(csp, /(^|; )default-src 'self'(;|$)/);
    // The public pages are not widened.
    const pub = await own.request('GET', '/public/');
    assert.doesNotMatch(pub.headers.get('content-security-policy'), /127\.0\.0\.1:9/);
    // Without --tiles: null.
    assert.deepEqual((await suite.server.request('GET', '/api/v1/map', { headers: { Authorization: `Bearer ${token}` } })).json,
      { tiles: null });
    await own.stop();
  });

  test('a template without {z}/{x}/{y}, another scheme or a crs we do not draw: usage error', () => {
    for (const [flags, re] of [
      [['--tiles', 'http://tiles.lan/tile.png'], /--tiles must be/],
      [['--tiles', 'ftp://tiles.lan/{z}/{x}/{y}.png'], /--tiles must be/],
      [['--tiles', "http://tiles.lan/{z}/{x}/{y}.png; script-src *"], /--tiles must be/],
      [['--tiles', 'http://tiles.lan/{z}/{x}/{y}.png', '--tiles-crs', 'bd09'], /--tiles-crs is wgs84 or gcj02/],
    ]) {
      const r = ug(['serve', '--db', ws.db, '--listen', '127.0.0.1:0', ...flags]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, re);
    }
  });
});

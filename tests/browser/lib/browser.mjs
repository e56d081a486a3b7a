// browser.mjs - what the browser suites share: Debian's chromium driven
// by playwright-core (npm), headless, with a fresh profile, offline by
// construction: every request a page makes is recorded, and any that
// would leave the loopback interface is refused before it goes and
// reported by assertClean().  Console errors and uncaught exceptions of
// the page are recorded too; a clean page has none.
//
// The server side (the real binary on a free loopback port, a fresh demo
// database) comes from tests/http/lib/server.mjs.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import zlib from 'node:zlib';

import { after, before } from 'node:test';

import { chromium } from 'playwright-core';

import { emptyDemoDb } from '../../http/lib/cases.mjs';
import {
  Client, createToken, startServer, workspace,
} from '../../http/lib/server.mjs';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// Flags for a quiet, reproducible headless run: no GPU, no background
// traffic of the browser's own (updates, sync, QUIC probes), no first-run
// pages.  Playwright gives every launch a fresh user-data-dir of its own.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// A phone (iPhone SE size) and a desktop.
export const PHONE = { width: 375, height: 667 };
export const DESKTOP = { width: 1280, height: 900 };

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

// A new context and page at `viewport`, recording what the page does.
// Options: locale, geolocation ({latitude, longitude}: granted),
// serviceWorkers ('block', the default, or 'allow': the phone pages'
// offline tests; a worker's own fetches are then not seen by the route
// below - it fetches only from the page's origin), timezoneId (default
// the demo city's, Asia/Shanghai: the pages' "today" and "this week" are
// the city's, as on its people's browsers, whatever this machine's zone).
// Returns { context, page, requests: [url], outside: [url], errors: [text] }.
export async function openPage(browser, {
  viewport = PHONE, locale = 'zh-CN', geolocation, serviceWorkers = 'block', timezoneId = 'Asia/Shanghai',
} = {}) {
  const context = await browser.newContext({
    viewport,
    locale,
    timezoneId,
    serviceWorkers,
    ...(geolocation ? { geolocation, permissions: ['geolocation'] } : {}),
  });
  const rec = { context, requests: [], outside: [], errors: [] };
  // Nothing leaves the machine: a request to any other host is aborted
  // here and remembered, so the test fails saying which.
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) && !LOOPBACK.test(url.hostname)) {
      rec.outside.push(url.href);
      return route.abort('blockedbyclient');
    }
    return route.fallback();
  });
  const page = await context.newPage();
  rec.page = page;
  page.on('request', (r) => {
    const url = new URL(r.url());
    rec.requests.push(r.url());
    if (!['data:', 'blob:'].includes(url.protocol) && !LOOPBACK.test(url.hostname)) {
      if (!rec.outside.includes(url.href)) rec.outside.push(url.href);
    }
  });
  page.on('console', (m) => { if (m.type() === 'error') rec.errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => rec.errors.push(`exception: ${e.message}`));
  return rec;
}

// The keys of the console's catalogue `name` ('zh' or 'en') in the text
// of web/console/src/lang.js.
export function catalogueKeys(lang, name) {
  return new Set([...lang.split(`export const ${name} = {`)[1].split('\n};')[0]
    .matchAll(/^ {2}'([^']+)':/gm)].map((m) => m[1]));
}

// No request left loopback and the page logged no error.  Chromium logs
// every 4xx answer a script fetched as "Failed to load resource"; a test
// that provoked such answers on purpose lists their statuses in
// `statuses`, and only those lines are let through.
export function assertClean(rec, { statuses = [] } = {}) {
  assert.deepEqual(rec.outside, [], 'requests to hosts other than loopback');
  const expected = (e) => statuses.some((s) => e === `console: Failed to load resource: the server responded with a status of ${s} (${STATUS_TEXT[s]})`);
  assert.deepEqual(rec.errors.filter((e) => !expected(e)), [], 'errors in the page');
}

const STATUS_TEXT = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 429: 'Too Many Requests' };

// Nothing on the page is wider than the window (no sideways scrolling).
export async function assertNoOverflow(page, what) {
  const r = await page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getClientRects().length && el.getBoundingClientRect().right > vw + 0.5)
      .filter((el) => !el.closest('.leaflet-container') || el.classList.contains('leaflet-container'))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className} right=${el.getBoundingClientRect().right}`);
    return { vw, scroll: document.documentElement.scrollWidth, wide };
  });
  assert.ok(r.scroll <= r.vw, `${what}: page ${r.scroll} px wide in a ${r.vw} px window: ${r.wide}`);
  assert.deepEqual(r.wide, [], `${what}: elements past the right edge`);
}

// With UG_SCREENSHOTS=DIR, save a full-page screenshot as DIR/NAME.png
// (for a person to look at; never committed).
export async function screenshot(page, name) {
  const dir = process.env.UG_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

// A real, decodable PNG of w x h pixels of one colour (the server's
// checks and the browser's <img> both read it).
export function pngImage(w = 16, h = 16, rgb = [29, 107, 87]) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array(w).fill(rgb).flat())]);
  const raw = Buffer.concat(Array(h).fill(row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

// What a browser suite runs against: a fresh demo city (no cases) served
// by the real binary, and a browser; started before the file's tests,
// stopped after them.  Returns an object whose fields are set by then:
// { ws, demo (emptyDemoDb's answer), server, browser, token (a Bearer
// token for each account named in `roles`) }, and as(who): an API Client
// with who's token; a file's own before() hook awaits `ready` first
// (hooks of the root do not wait for one another).  makeDb(ws): another
// database (e.g. demoDb, with cases); flags: more for `serve`.
export function demoSuite({ makeDb = emptyDemoDb, roles = [], flags = [] } = {}) {
  const suite = {
    ws: workspace(),
    token: {},
    as: (who) => new Client(suite.server, { bearer: suite.token[who] }),
  };
  let started;
  suite.ready = new Promise((resolve) => { started = resolve; });
  before(async () => {
    suite.demo = makeDb(suite.ws);
    for (const who of roles) suite.token[who] = createToken(suite.ws.db, who);
    suite.server = await startServer(suite.ws.db, flags);
    suite.browser = await launch();
    started();
  });
  after(async () => {
    try {
      await suite.browser?.close();
      if (suite.server) await suite.server.stop();
    } finally {
      await suite.server?.kill();
      suite.ws.cleanup();
    }
  });
  return suite;
}

// Through the API as `client` (a Client of tests/http/lib/server.mjs):
// take `action` on case c (at its version), insisting on 200; the case
// after it.
export async function actAs(client, c, action, body = {}) {
  const r = await client.post(`/api/v1/cases/${c.id}/actions/${action}`, { version: c.version, ...body });
  assert.equal(r.status, 200, `${action}: ${r.text}`);
  return r.json;
}

// Case `id` as `client` sees it, insisting on 200.
export async function caseAs(client, id) {
  const r = await client.get(`/api/v1/cases/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// Log in through the staff pages' form (the console's, the phone
// pages'): open `url`, fill it as `who`, wait for `shown`.  The page
// first asks who is logged in (GET /api/v1/session): before login that
// answer is 401, which chromium logs - that one line, and only it, is
// expected, and taken off rec.errors.
const PROBE_401 = 'console: Failed to load resource: the server responded with a status of 401 (Unauthorized)';
export async function logIn(rec, url, who, password, shown) {
  const { page } = rec;
  await page.goto(url);
  await page.locator('#login-username').waitFor();
  const probe = rec.errors.indexOf(PROBE_401);
  assert.ok(probe >= 0, `no 401 probe: ${rec.errors}`);
  rec.errors.splice(probe, 1);
  await page.locator('#login-username').fill(who);
  await page.locator('#login-password').fill(password);
  await page.locator('#login-password').press('Enter');
  await page.locator(shown).waitFor({ state: 'visible' });
  return rec;
}

// open311.test.mjs - Open311 GeoReport v2 on the demo city (no simulated
// cases): every endpoint in JSON and XML (XML checked well-formed and
// mapped to JSON by the standard's rules, so both formats must say the
// same), every error in the standard's shape, keys and anonymous reports,
// photos in multipart posts, tokens, the requests list's filters and
// dates, updates in both directions, personal data kept out of every
// public answer, rate limits, and the public pages' JSON API through a
// case's whole life to the citizen's rating.
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';

import { emptyDemoDb, JPEG, PNG } from './lib/cases.mjs';
import { assertO311Error, o311 } from './lib/open311.mjs';
import { Client, sql, staffSuite, startServer } from './lib/server.mjs';

const PHOTO_LIMIT = 4096;
const FMTS = ['json', 'xml'];
const W3C = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/;
// A point in street 110101001 of the demo city.
const AT = { lat: '39.9625', long: '116.417' };
const PERSONAL = { first_name: 'Ann', last_name: 'Leeperson', email: 'ann.secret@example.org',
  phone: '13812345678', device_id: 'device-secret-1', account_id: 'acct-secret-1' };

let key;
const suite = staffSuite({
  makeDb: emptyDemoDb,
  roles: ['api_client', 'inspector', 'shift_leader', 'dispatcher', 'handler', 'receptionist', 'admin'],
  prepare: ({ token }) => { key = token.api_client; },
  flags: ['--photo-limit', String(PHOTO_LIMIT), '--public-write-rate', '600', '--public-read-rate', '6000'],
});
const { ws, token, as } = suite;

// A report through POST requests.{fmt}; returns its service_request_id.
async function report(fmt = 'json', extra = {}) {
  const r = await o311(suite.server, 'POST', `requests.${fmt}`, {
    form: { api_key: key, service_code: '06001', description: '人行道私搭棚子', ...AT, ...extra },
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.value.length, 1, r.text);
  assert.equal(typeof r.value[0].service_request_id, 'string');
  assert.equal(r.value[0].token, undefined, 'an id and a token, never both');
  return r.value[0].service_request_id;
}

async function caseOf(number) {
  const r = await as('shift_leader').get(`/api/v1/cases?q=${number}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.cases.length, 1, r.text);
  return r.json.cases[0];
}

async function act(who, c, action, body = {}) {
  const r = await as(who).post(`/api/v1/cases/${c.id}/actions/${action}`,
    { version: c.version, ...body });
  assert.equal(r.status, 200, `${action}: ${r.text}`);
  return r.json;
}

// Walk a reported case to closed through the staff API.
async function close(number) {
  let c = await caseOf(number);
  c = await act('inspector', c, 'verify');
  c = await act('shift_leader', c, 'file');
  c = await act('dispatcher', c, 'dispatch', { department: '110101-HW' });
  c = await act('handler', c, 'handle', { note: '已拆除' });
  c = await act('inspector', c, 'check', { passed: true });
  return act('shift_leader', c, 'close');
}

describe('discovery and services', () => {
  test('discovery in both formats with the exact Content-Types', async () => {
    for (const fmt of FMTS) {
      const r = await o311(suite.server, 'GET', `discovery.${fmt}`);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), fmt === 'xml' ? 'text/xml' : 'application/json');
      if (fmt === 'xml') assert.equal(r.root, 'discovery');
      const d = r.value;
      assert.match(d.changeset, W3C);
      assert.ok(Date.parse(d.changeset) < Date.now());
      assert.ok(d.contact.length > 0 && d.key_service.length > 0);
      assert.equal(d.endpoints.length, 1);
      const e = d.endpoints[0];
      assert.equal(e.specification, 'http://wiki.open311.org/GeoReport_v2');
      assert.equal(e.url, `${suite.server.base}/open311/v2/`);
      assert.equal(e.type, 'production');
      assert.deepEqual(e.formats, ['text/xml', 'application/json']);
    }
  });

  test('services: every public class, both formats alike, English names', async () => {
    const j = await o311(suite.server, 'GET', 'services.json');
    const x = await o311(suite.server, 'GET', 'services.xml');
    assert.equal(x.root, 'services');
    assert.equal(j.value.length, 250);
    assert.equal(x.value.length, 250);
    const s = j.value.find((v) => v.service_code === '06001');
    assert.deepEqual(s, { service_code: '06001', service_name: '私搭乱建', description: '私搭乱建',
      metadata: true, type: 'realtime', keywords: '事件', group: '市容环境类' });
    const sx = x.value.find((v) => v.service_code === '06001');
    assert.deepEqual(sx, { ...s, metadata: 'true' });
    const en = await o311(suite.server, 'GET', 'services.json?locale=en');
    const cover = en.value.find((v) => v.service_code === '01001');
    assert.equal(cover.service_name, 'Water supply manhole cover');
    assert.equal(cover.keywords, 'component');
    assert.match(cover.group, /^[A-Z][a-z ]+/);
    // The city closes a class to the public (admin only): no service.
    const patch = (who, body) => as(who).request('PATCH', '/api/v1/categories/06002', { body });
    assert.equal((await patch('dispatcher', { public: false })).status, 403);
    assert.equal((await patch('admin', { public: 'no' })).json.error.field, 'public');
    assert.equal((await as('admin').request('PATCH', '/api/v1/categories/99999',
      { body: { public: false } })).status, 404);
    const closed = await patch('admin', { public: false });
    assert.equal(closed.status, 200, closed.text);
    assert.equal(closed.json.public, false);
    const less = await o311(suite.server, 'GET', 'services.json');
    assert.equal(less.value.length, 249);
    assertO311Error(await o311(suite.server, 'GET', 'services/06002.json'), 404);
    assertO311Error(await o311(suite.server, 'POST', 'requests.json', {
      form: { api_key: key, service_code: '06002', ...AT } }), 404, /service_code/);
    assert.equal((await patch('admin', { public: true })).json.public, true);
    assert.equal((await o311(suite.server, 'GET', 'services.json')).value.length, 250);
  });

  test('service definitions: attributes in order, components get their identifier', async () => {
    for (const fmt of FMTS) {
      const ev = await o311(suite.server, 'GET', `services/06001.${fmt}`);
      assert.equal(ev.status, 200);
      if (fmt === 'xml') assert.equal(ev.root, 'service_definition');
      assert.equal(ev.value.service_code, '06001');
      assert.deepEqual(ev.value.attributes.map((a) => a.code), ['urgency', 'impact']);
      const comp = await o311(suite.server, 'GET', `services/01001.${fmt}`);
      const attrs = comp.value.attributes;
      assert.deepEqual(attrs.map((a) => a.code), ['urgency', 'impact', 'component']);
      assert.deepEqual(attrs.map((a) => String(a.order)), ['1', '2', '3']);
      assert.equal(attrs[0].datatype, 'singlevaluelist');
      assert.deepEqual(attrs[0].values.map((v) => v.key), ['normal', 'pressing', 'urgent']);
      assert.equal(attrs[1].datatype, 'multivaluelist');
      assert.equal(attrs[2].datatype, 'string');
      assert.equal(attrs[2].values, undefined);
      assert.equal(String(attrs[0].variable), 'true');
      assert.equal(String(attrs[0].required), 'false');
    }
    const en = await o311(suite.server, 'GET', 'services/01001.json?locale=en');
    assert.equal(en.value.attributes[0].description, 'How urgent is it?');
  });

  test('unknown things are 404 in the standard error shape', async () => {
    assertO311Error(await o311(suite.server, 'GET', 'services/99999.xml'), 404, /service_code/);
    assertO311Error(await o311(suite.server, 'GET', 'services/99999.json'), 404, /service_code/);
    assertO311Error(await o311(suite.server, 'GET', 'services.csv'), 404);
    assertO311Error(await o311(suite.server, 'GET', 'services'), 404);
    assertO311Error(await o311(suite.server, 'GET', 'nothing.json'), 404);
    for (const path of ['/open311/p', '/open311/', '/open311/v1/services.xml']) {
      const r = await fetch(suite.server.url(path));
      assert.equal(r.status, 404, path);
      assert.match(await r.text(), /<errors><error><code>404<\/code>/);
    }
    assertO311Error(await o311(suite.server, 'GET', 'requests/123.json'), 404);
    assertO311Error(await o311(suite.server, 'GET', 'tokens/abc.xml'), 404);
    const r = await o311(suite.server, 'DELETE', 'services.json');
    assertO311Error(r, 405);
    assert.match(r.headers.get('allow'), /^GET/);
    assertO311Error(await o311(suite.server, 'GET', 'services.json?jurisdiction_id=elsewhere.gov'), 404,
      /jurisdiction_id/);
  });
});

describe('posting requests', () => {
  test('form-encoded with a key, in both formats; JSON bodies too', async () => {
    const x = await o311(suite.server, 'POST', 'requests.xml', {
      form: { api_key: key, service_code: '06001', ...AT, description: 'Deep hole' },
    });
    assert.equal(x.status, 200, x.text);
    assert.equal(x.root, 'service_requests');
    assert.match(x.value[0].service_request_id, /^\d{13}$/);
    assert.ok(x.value[0].service_notice.length > 0);
    const id = await report('json');
    assert.match(id, /^\d{13}$/);
    const j = await o311(suite.server, 'POST', 'requests.json', {
      json: { api_key: key, service_code: '06001', lat: 39.9625, long: 116.417,
        description: 'JSON body', attribute: { urgency: 'urgent', impact: ['traffic', 'safety'] } },
    });
    assert.equal(j.status, 200, j.text);
    const c = await caseOf(j.value[0].service_request_id);
    assert.equal(c.urgency, 'urgent');
    assert.equal(c.source, 'public');
    assert.equal(c.state, 'reported');
  });

  test('address alone, and anonymous reports filed as the public account', async () => {
    const r = await o311(suite.server, 'POST', 'requests.json', {
      form: { api_key: key, service_code: '06001', address_string: '东城区东华门大街 1 号',
        email: 'foo@bar.com', description: 'I know' },
    });
    assert.equal(r.status, 200, r.text);
    const anon = await o311(suite.server, 'POST', 'requests.json', {
      form: { service_code: '06001', ...AT, description: 'anonymous' },
    });
    assert.equal(anon.status, 200, anon.text);
    assert.equal((await caseOf(anon.value[0].service_request_id)).created_by, 'public');
  });

  test('attribute values: a set either way, bad values refused by name', async () => {
    const a = await report('json', { 'attribute[impact][]': 'traffic' });
    const form = new URLSearchParams({ api_key: key, service_code: '06001', ...AT,
      description: 'repeated' });
    form.append('attribute%5Bimpact%5D', 'x'); // a literal %5B is no bracket
    form.append('attribute[impact]', 'traffic');
    form.append('attribute[impact]', 'safety');
    form.append('attribute[impact][]', 'traffic');
    const r = await o311(suite.server, 'POST', 'requests.json', { form });
    assert.equal(r.status, 200, r.text);
    const stored = (n) => sql(ws.db, `SELECT attributes FROM open311_request o JOIN case_file c
      ON c.id = o.case_id WHERE c.number = '${n}'`);
    assert.equal(stored(a), '{"impact":["traffic"]}');
    assert.equal(stored(r.value[0].service_request_id), '{"impact":["traffic","safety"]}');
    // Brackets sent percent-encoded are decoded before matching.
    const enc = await o311(suite.server, 'POST', 'requests.json', {
      form: `api_key=${key}&service_code=06001&lat=39.9625&long=116.417&description=e` +
        '&attribute%5Burgency%5D=pressing',
    });
    assert.equal(enc.status, 200, enc.text);
    assert.equal((await caseOf(enc.value[0].service_request_id)).urgency, 'pressing');
    for (const fmt of FMTS) {
      assertO311Error(await o311(suite.server, 'POST', `requests.${fmt}`, {
        form: { api_key: key, service_code: '06001', ...AT, 'attribute[urgency]': 'whenever' },
      }), 400, /attribute\[urgency\]/);
    }
  });

  test('every bad field is a 400 naming it; keys 403; unknown service 404', async () => {
    const base = { api_key: key, service_code: '06001', ...AT, description: 'x' };
    const bad = async (form, status, re) => {
      for (const fmt of FMTS) {
        assertO311Error(await o311(suite.server, 'POST', `requests.${fmt}`, { form }), status, re);
      }
    };
    const { service_code: _, ...noCode } = base;
    await bad(noCode, 400, /service_code was not provided/);
    await bad({ ...base, service_code: '99999' }, 404, /service_code/);
    await bad({ ...base, api_key: 'ugt_wrong' }, 403, /api_key/);
    // A control character (not tab or a line end) in any text: the same
    // 400 in JSON and XML, where XML could not have carried it back.
    await bad({ ...base, description: 'bell\u0007' }, 400, /description holds the control character U\+0007/);
    await bad({ ...base, address_string: 'esc\u001b[31m' }, 400, /address_string/);
    // A point off the city (a phone without a fix sends 0,0).
    await bad({ ...base, lat: '0', long: '0' }, 400, /long.*outside the city|outside the city/);
    const { lat: _a, long: _b, ...nowhere } = base;
    await bad(nowhere, 400, /location/);
    const { long: _l, ...noLong } = base;
    await bad(noLong, 400, /long/);
    await bad({ ...base, lat: '91' }, 400, /lat/);
    await bad({ ...base, long: '-181' }, 400, /long/);
    await bad({ ...base, lat: 'abc' }, 400, /lat/);
    await bad({ ...base, lat: 'NaN' }, 400, /lat/);
    await bad({ ...base, lat: '0x10' }, 400, /lat/);
    await bad({ ...base, email: 'not-an-address' }, 400, /email/);
    await bad({ ...base, media_url: 'ftp://x/y.jpg' }, 400, /media_url/);
    await bad({ ...base, description: '字'.repeat(4001) }, 400, /description/);
    // A staff account's key is not a client's.
    await bad({ ...base, api_key: token.inspector }, 403, /api_key/);
  });

  test('4000 characters of description are kept exactly; unknown parameters ignored', async () => {
    const text = `${'城'.repeat(3990)}&<b>"\n末`.padEnd(4000, '市');
    assert.equal([...text].length, 4000);
    const id = await report('json', { description: text, deviceid: 'x', title: 't', foo: 'bar' });
    for (const fmt of FMTS) {
      const r = await o311(suite.server, 'GET', `requests/${id}.${fmt}`);
      assert.equal(r.value[0].description, text);
    }
  });

  test('a multipart photo becomes the media_url; bad parts refused, nothing stored', async () => {
    const before = sql(ws.db, 'SELECT count(*) FROM case_file');
    const fd = (photo, type = 'image/png') => {
      const f = new FormData();
      for (const [k, v] of Object.entries({ api_key: key, service_code: '06001', ...AT,
        description: 'with a photo' })) f.append(k, v);
      f.append('photo1', new Blob([photo], { type }), '1.full.png');
      return f;
    };
    assertO311Error(await o311(suite.server, 'POST', 'requests.xml',
      { multipart: fd(Buffer.from('hello, not an image'), 'image/png') }), 400, /photo1/);
    assertO311Error(await o311(suite.server, 'POST', 'requests.json',
      { multipart: fd(Buffer.concat([PNG, Buffer.alloc(PHOTO_LIMIT)])) }), 413, /photo/);
    assert.equal(sql(ws.db, 'SELECT count(*) FROM case_file'), before);
    const r = await o311(suite.server, 'POST', 'requests.json', { multipart: fd(PNG) });
    assert.equal(r.status, 200, r.text);
    const got = await o311(suite.server, 'GET', `requests/${r.value[0].service_request_id}.json`);
    const url = got.value[0].media_url;
    assert.match(url, /\/public\/media\/\d+$/);
    const img = await fetch(url);
    assert.equal(img.status, 200);
    assert.equal(img.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await img.arrayBuffer()), PNG);
    // A photo of a case closed to the public is not public either.
    const jpg = await o311(suite.server, 'POST', 'requests.json', { multipart: fd(JPEG, 'image/jpeg') });
    const jurl = (await o311(suite.server, 'GET',
      `requests/${jpg.value[0].service_request_id}.json`)).value[0].media_url;
    sql(ws.db, "UPDATE category SET public = 0 WHERE code = '06001'");
    assert.equal((await fetch(jurl)).status, 404);
    sql(ws.db, "UPDATE category SET public = 1 WHERE code = '06001'");
    assert.equal((await fetch(jurl)).status, 200);
  });
});

describe('what is refused rather than dropped', () => {
  test('multipart text must be text; files must be photos; one value per field', async () => {
    const fd = (extra) => {
      const f = new FormData();
      for (const [k, v] of Object.entries({ api_key: key, service_code: '06001', ...AT })) {
        f.append(k, v);
      }
      extra(f);
      return f;
    };
    // A text part whose bytes are not UTF-8 (FormData cannot send that).
    const b = 'XyZboundary';
    const raw = Buffer.concat([
      Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="api_key"\r\n\r\n${key}\r\n` +
        `--${b}\r\nContent-Disposition: form-data; name="service_code"\r\n\r\n06001\r\n` +
        `--${b}\r\nContent-Disposition: form-data; name="address_string"\r\n\r\nx\r\n` +
        `--${b}\r\nContent-Disposition: form-data; name="description"\r\n\r\nbad`),
      Buffer.from([0xff, 0xfe]), Buffer.from(`\r\n--${b}--\r\n`)]);
    assertO311Error(await o311(suite.server, 'POST', 'requests.json', { multipart: raw,
      headers: { 'Content-Type': `multipart/form-data; boundary=${b}` } }), 400, /description/);
    // A text field sent as a file is not a photo either.
    assertO311Error(await o311(suite.server, 'POST', 'requests.json', { multipart: fd((f) =>
      f.append('description', new Blob(['text']), 'd.txt')) }), 400, /description/);
    assertO311Error(await o311(suite.server, 'POST', 'requests.json', { multipart: fd((f) =>
      f.append('first_name', 'abc\0secret')) }), 400, /first_name/);
    assertO311Error(await o311(suite.server, 'POST', 'requests.json', { multipart: fd((f) =>
      f.append('file_plan', new Blob([PNG], { type: 'image/png' }), 'plan.png')) }), 400,
    /file_plan/);
    assertO311Error(await o311(suite.server, 'POST', 'requests.xml', {
      form: `api_key=${key}&service_code=06001&service_code=01001&lat=39.9625&long=116.417`,
    }), 400, /service_code was given more than once/);
    const many = new URLSearchParams({ api_key: key, service_code: '06001', ...AT });
    for (let i = 0; i < 300; i++) many.append(`x${i}`, '1');
    assertO311Error(await o311(suite.server, 'POST', 'requests.json', { form: many }), 400,
      /form fields/);
  });

  test('several media_url links are kept: the first in Open311, all for the public pages', async () => {
    const form = new URLSearchParams({ api_key: key, service_code: '06001', ...AT,
      description: 'links' });
    form.append('media_url', 'https://example.org/a.jpg');
    form.append('media_url', 'https://example.org/b.jpg');
    const r = await o311(suite.server, 'POST', 'requests.json', { form });
    assert.equal(r.status, 200, r.text);
    const id = r.value[0].service_request_id;
    const got = await o311(suite.server, 'GET', `requests/${id}.json`);
    assert.equal(got.value[0].media_url, 'https://example.org/a.jpg');
    const pub = await new Client(suite.server).get(`/public/api/reports/${id}`);
    assert.deepEqual(pub.json.media_url, ['https://example.org/a.jpg', 'https://example.org/b.jpg']);
  });

  test('a merged report is listed by the status of the case it joined', async () => {
    const target = await report();
    const dup = await report();
    const d = await caseOf(dup);
    await act('receptionist', d, 'merge', { target: (await caseOf(target)).id });
    const open = await o311(suite.server, 'GET', `requests.json?status=open&service_request_id=`);
    assert.ok(open.value.some((q) => q.service_request_id === dup));
    const one = open.value.find((q) => q.service_request_id === dup);
    assert.equal(one.status, 'open');
    const closed = await o311(suite.server, 'GET', 'requests.json?status=closed');
    assert.ok(!closed.value.some((q) => q.service_request_id === dup));
    const ext = await o311(suite.server, 'GET', `requests/${dup}.json?extensions=true`);
    assert.equal(ext.value[0].extended_attributes.parent_service_request_id, target);
    assert.equal(ext.value[0].extended_attributes.duplicate, true);
  });
});

describe('reading requests', () => {
  let ids;
  before(async () => {
    ids = [await report(), await report(), await report()];
  });

  test('requests/{id} and request/{id}: a list of one in both formats', async () => {
    for (const fmt of FMTS) {
      for (const path of [`requests/${ids[0]}.${fmt}`, `request/${ids[0]}.${fmt}`]) {
        const r = await o311(suite.server, 'GET', path);
        assert.equal(r.status, 200, r.text);
        if (fmt === 'xml') assert.equal(r.root, 'service_requests');
        assert.equal(r.value.length, 1);
        const q = r.value[0];
        assert.equal(q.service_request_id, ids[0]);
        assert.equal(q.status, 'open');
        assert.equal(q.service_code, '06001');
        assert.equal(q.service_name, '私搭乱建');
        assert.match(q.requested_datetime, W3C);
        assert.match(q.updated_datetime, W3C);
        assert.match(q.expected_datetime, W3C);
        assert.equal(Number(q.lat), 39.9625);
        assert.equal(Number(q.long), 116.417);
        assert.equal(q.status_notes, '已受理，等待核实');
        assert.equal(q.service_notice, `当前环节：核实，时限 ${q.expected_datetime}`);
        if (fmt === 'json') assert.equal(typeof q.lat, 'number');
      }
    }
  });

  test('the list: defaults, ids override everything, filters, empty parameters', async () => {
    const all = await o311(suite.server, 'GET', 'requests.json');
    assert.ok(all.value.length >= 3 && all.value.length <= 1000);
    const ninety = Date.now() - 90 * 86400e3;
    for (const q of all.value) assert.ok(Date.parse(q.requested_datetime) >= ninety - 1000);
    const some = await o311(suite.server, 'GET',
      `requests.xml?service_request_id=${ids[0]},${ids[2]},999&status=closed&start_date=2000-01-01T00:00:00Z`);
    assert.deepEqual(some.value.map((q) => q.service_request_id).sort(), [ids[0], ids[2]].sort());
    const open = await o311(suite.server, 'GET', 'requests.json?status=open&service_code=06001,01001');
    assert.ok(open.value.every((q) => q.status === 'open' && q.service_code === '06001'));
    const closed = await o311(suite.server, 'GET', 'requests.json?status=closed');
    assert.ok(closed.value.every((q) => q.status === 'closed'));
    const both = await o311(suite.server, 'GET', 'requests.json?status=open,closed');
    assert.equal(both.value.length, all.value.length);
    const empty = await o311(suite.server, 'GET', 'requests.json?status=&service_code=&start_date=');
    assert.equal(empty.value.length, all.value.length);
    assertO311Error(await o311(suite.server, 'GET', 'requests.json?status=pending'), 400, /status/);
    const page = await o311(suite.server, 'GET', 'requests.json?page_size=2&page=1');
    assert.equal(page.value.length, 2);
  });

  test('dates: W3C with a zone, a bare + restored, order and span checked', async () => {
    const now = new Date();
    const iso = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const start = iso(new Date(now - 3600e3));
    const end = iso(new Date(+now + 3600e3));
    const r = await o311(suite.server, 'GET', `requests.json?start_date=${start}&end_date=${end}`);
    assert.ok(r.value.some((q) => q.service_request_id === ids[0]));
    // The same window written in +08:00, once escaped and once with a bare
    // '+' (a space on arrival): the same answer, never local time.
    const cn = (d) => new Date(+d + 8 * 3600e3).toISOString().replace(/\.\d{3}Z$/, '+08:00');
    const s8 = cn(new Date(now - 3600e3));
    const e8 = cn(new Date(+now + 3600e3));
    const esc = await o311(suite.server, 'GET',
      `requests.json?start_date=${encodeURIComponent(s8)}&end_date=${encodeURIComponent(e8)}`);
    const bare = await o311(suite.server, 'GET', `requests.json?start_date=${s8}&end_date=${e8}`);
    assert.deepEqual(esc.value.map((q) => q.service_request_id),
      r.value.map((q) => q.service_request_id));
    assert.deepEqual(bare.value.map((q) => q.service_request_id),
      r.value.map((q) => q.service_request_id));
    for (const fmt of FMTS) {
      assertO311Error(await o311(suite.server, 'GET', `requests.${fmt}?start_date=yesterday`), 400,
        /start_date/);
      assertO311Error(await o311(suite.server, 'GET', `requests.${fmt}?start_date=2026-11-01T10:00:00`),
        400, /start_date/);
      assertO311Error(await o311(suite.server, 'GET',
        `requests.${fmt}?start_date=2026-11-02T00:00:00Z&end_date=2026-11-01T00:00:00Z`), 400,
      /end_date/);
      assertO311Error(await o311(suite.server, 'GET',
        `requests.${fmt}?start_date=2026-01-01T00:00:00Z&end_date=2026-11-01T00:00:00Z`), 400,
      /90 days/);
    }
  });

  test('extensions=true adds the public history and the channel', async () => {
    const r = await o311(suite.server, 'GET', `requests/${ids[1]}.json?extensions=true`);
    const q = r.value[0];
    assert.equal(q.extended_attributes.channel, 'public');
    assert.equal(q.notes.length, 1);
    assert.equal(q.notes[0].type, 'report');
    assert.match(q.notes[0].datetime, W3C);
    const x = await o311(suite.server, 'GET', `requests/${ids[1]}.xml?extensions=true`);
    assert.equal(x.value[0].notes[0].description, q.notes[0].description);
    const plain = await o311(suite.server, 'GET', `requests/${ids[1]}.json`);
    assert.equal(plain.value[0].notes, undefined);
  });

  test('personal data never appears in any public answer', async () => {
    const id = await report('json', PERSONAL);
    const c = await caseOf(id);
    const bodies = [];
    for (const fmt of FMTS) {
      bodies.push((await o311(suite.server, 'GET', `requests/${id}.${fmt}?extensions=true`)).text);
      bodies.push((await o311(suite.server, 'GET', `requests.${fmt}?extensions=true`)).text);
      bodies.push((await o311(suite.server, 'GET', `servicerequestupdates.${fmt}`)).text);
    }
    bodies.push((await new Client(suite.server).get(`/public/api/reports/${id}`)).text);
    for (const b of bodies) {
      for (const v of Object.values(PERSONAL)) assert.ok(!b.includes(v), `${v} in ${b.slice(0, 200)}`);
      assert.ok(!b.includes('5678'), 'phone digits in a public answer');
    }
    // Staff who call back see it.
    assert.equal(c.reporter.phone, '13812345678');
  });
});

describe('tokens, updates and ratings', () => {
  test('tokens resolve at once, or after verification when the city asks', async () => {
    const id = await report();
    const token = sql(ws.db, `SELECT token FROM open311_request o JOIN case_file c ON
      c.id = o.case_id WHERE c.number = '${id}'`);
    for (const fmt of FMTS) {
      const r = await o311(suite.server, 'GET', `tokens/${token}.${fmt}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.value, [{ service_request_id: id, token }]);
    }
    assertO311Error(await o311(suite.server, 'GET', 'tokens/0123456789abcdef01234567.json'), 404);
    // A second server on the same database, answering tokens first.
    const batch = await startServer(ws.db, ['--ids-after-verify']);
    try {
      const services = await o311(batch, 'GET', 'services.json');
      assert.ok(services.value.every((s) => s.type === 'batch'));
      const p = await o311(batch, 'POST', 'requests.xml', {
        form: { api_key: key, service_code: '06001', ...AT, description: 'batch' },
      });
      assert.equal(p.status, 200, p.text);
      assert.equal(p.value[0].service_request_id, undefined);
      const t = p.value[0].token;
      assert.match(t, /^[0-9a-f]{24}$/);
      const pending = await o311(batch, 'GET', `tokens/${t}.xml`);
      assert.deepEqual(pending.value, [{ service_request_id: '', token: t }]);
      const number = sql(ws.db, `SELECT c.number FROM open311_request o JOIN case_file c ON
        c.id = o.case_id WHERE o.token = '${t}'`);
      // Not told anywhere else either, until verified.
      assertO311Error(await o311(batch, 'GET', `requests/${number}.json`), 404);
      const listed = await o311(batch, 'GET', 'requests.json');
      assert.ok(!listed.value.some((q) => q.service_request_id === number));
      const pubMade = await fetch(batch.url('/public/api/reports'), { method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ service_code: '06001', ...AT, description: 'p' }).toString() });
      const made = await pubMade.json();
      assert.equal(pubMade.status, 201);
      assert.equal(made.number, undefined);
      assert.equal(made.service_request_id, undefined);
      const byToken = await new Client(batch).get(`/public/api/reports/${made.token}`);
      assert.equal(byToken.json.number, undefined);
      assert.equal((await new Client(batch).get(`/public/api/reports/${number}`)).status, 404);
      await act('inspector', await caseOf(number), 'verify');
      const ready = await o311(batch, 'GET', `tokens/${t}.json`);
      assert.deepEqual(ready.value, [{ service_request_id: number, token: t }]);
    } finally {
      await batch.stop();
    }
  });

  test('updates: state changes in the window, FixMyStreet statuses; comments posted back', async () => {
    const t0 = new Date(Date.now() - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const id = await report();
    await close(id);
    const t1 = new Date(Date.now() + 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    for (const fmt of FMTS) {
      const r = await o311(suite.server, 'GET',
        `servicerequestupdates.${fmt}?start_date=${t0}&end_date=${t1}&api_key=`);
      assert.equal(r.status, 200, r.text);
      if (fmt === 'xml') assert.equal(r.root, 'service_request_updates');
      const mine = r.value.filter((u) => u.service_request_id === id);
      assert.deepEqual(mine.map((u) => u.status), ['INVESTIGATING', 'ACTION_SCHEDULED',
        'IN_PROGRESS', 'IN_PROGRESS', 'FIXED', 'FIXED']);
      for (const u of r.value) {
        assert.match(u.update_id, /^\d+$/);
        assert.match(u.updated_datetime, W3C);
        const at = Date.parse(u.updated_datetime);
        assert.ok(at >= Date.parse(t0) && at <= Date.parse(t1));
        assert.equal(typeof u.description, 'string');
        assert.equal(u.media_url, '');
      }
      assert.match(mine[2].description, /^已派遣至/);
    }
    const post = (form) => o311(suite.server, 'POST', 'servicerequestupdates.xml', { form });
    const fms = { api_key: key, service_request_id: id, update_id: 'fms-77', status: 'OPEN',
      updated_datetime: t1, description: 'Still there', first_name: 'Ann', last_name: '-' };
    const ok = await post(fms);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.root, 'service_request_updates');
    assert.match(ok.value[0].update_id, /^\d+$/);
    assertO311Error(await post(fms), 400, /already/);
    assertO311Error(await post({ ...fms, update_id: 'fms-78', service_request_id: '999' }), 404);
    assertO311Error(await post({ ...fms, update_id: 'fms-79', api_key: '' }), 403, /api_key/);
    assertO311Error(await post({ ...fms, update_id: 'fms-80', description: '' }), 400,
      /description/);
    const history = await as('shift_leader').get(`/api/v1/cases/${(await caseOf(id)).id}`);
    assert.ok(history.json.history.some((e) => e.action === 'comment' && e.note === 'Still there'));
  });

  test('回访: a callback records the reporter\'s satisfaction once; then the reporter cannot rate', async () => {
    const pub = new Client(suite.server);
    const report = async () => {
      const f = new FormData();
      for (const [k, v] of Object.entries({ service_code: '06001', ...AT, description: '回访测试',
        name: '李四', phone: '13900002222' })) f.append(k, v);
      const res = await fetch(suite.server.url('/public/api/reports'), { method: 'POST', body: f });
      assert.equal(res.status, 201);
      return res.json();
    };
    const callback = async (c, body) => as('receptionist').post(`/api/v1/cases/${c.id}/actions/callback`,
      { version: c.version, ...body });
    const offered = (c) => c.actions.some((a) => (a.action ?? a) === 'callback');
    // Called back first.
    const one = await report();
    let c = await caseOf(one.number);
    let r = await callback(c, { rating: 'satisfied' });
    assert.equal(r.status, 409, 'not before it is closed');
    await close(one.number);
    c = (await as('receptionist').get(`/api/v1/cases/${c.id}`)).json;
    assert.ok(offered(c), JSON.stringify(c.actions));
    r = await callback(c, { rating: 'happy' });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.field, 'rating');
    r = await callback(c, { rating: 'dissatisfied', note: '电话回访：处理不彻底' });
    assert.equal(r.status, 200, r.text);
    assert.ok(!offered(r.json));
    const line = (await as('receptionist').get(`/api/v1/cases/${c.id}`)).json.history.at(-1);
    assert.equal(line.action, 'callback');
    assert.equal(line.note, '电话回访：处理不彻底');
    r = await callback(r.json, { rating: 'satisfied' });
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.field, 'rating');
    const seen = await pub.get(`/public/api/reports/${one.token}`);
    assert.equal(seen.json.rating, 'dissatisfied');
    assert.equal(seen.json.can_rate, false);
    r = await pub.post(`/public/api/reports/${one.token}/rating`, { rating: 'satisfied' });
    assert.equal(r.status, 409, r.text);
    // Rated by the reporter first: no callback offered or taken.
    const two = await report();
    await close(two.number);
    assert.equal((await pub.post(`/public/api/reports/${two.token}/rating`,
      { rating: 'basically_satisfied' })).status, 200);
    c = await caseOf(two.number);
    c = (await as('receptionist').get(`/api/v1/cases/${c.id}`)).json;
    assert.ok(!offered(c));
    r = await callback(c, { rating: 'satisfied' });
    assert.equal(r.status, 409, r.text);
    // A dispatcher may not call back.
    r = await as('dispatcher').post(`/api/v1/cases/${c.id}/actions/callback`,
      { version: c.version, rating: 'satisfied' });
    assert.equal(r.status, 403, r.text);
  });

  test('the public pages\' API: report with a photo, follow, rate once closed', async () => {
    const pub = new Client(suite.server);
    const f = new FormData();
    for (const [k, v] of Object.entries({ service_code: '06001', ...AT, description: '门口堆物',
      name: '张三', phone: '13900001111' })) f.append(k, v);
    f.append('photo', new Blob([JPEG], { type: 'image/jpeg' }), 'a.jpg');
    const res = await fetch(suite.server.url('/public/api/reports'), { method: 'POST', body: f });
    const made = await res.json();
    assert.equal(res.status, 201, JSON.stringify(made));
    assert.match(made.token, /^[0-9a-f]{24}$/);
    assert.equal(made.number, made.service_request_id);
    assert.equal(made.status, 'open');
    const byToken = await pub.get(`/public/api/reports/${made.token}`);
    assert.equal(byToken.status, 200, byToken.text);
    assert.equal(byToken.json.can_rate, false);
    assert.equal(byToken.json.media_url.length, 1);
    assert.equal(byToken.json.notes[0].type, 'report');
    const byId = await pub.get(`/public/api/reports/${made.number}?lang=en`);
    assert.equal(byId.json.service_name, 'Unauthorised building or structure');
    assert.equal(byId.json.group, 'City appearance and environment');
    assert.equal(byId.json.status_notes, 'Received, to be checked');
    assert.equal(byId.json.service_request_id, made.number);
    const rate = (token, body) => pub.post(`/public/api/reports/${token}/rating`, body);
    let r = await rate(made.token, { rating: 'satisfied' });
    assert.equal(r.status, 409, r.text);
    await close(made.number);
    const closed = await pub.get(`/public/api/reports/${made.token}`);
    assert.equal(closed.json.status, 'closed');
    assert.equal(closed.json.can_rate, true);
    assert.equal((await pub.get(`/public/api/reports/${made.number}`)).json.can_rate, false);
    r = await rate(made.token, { rating: 'great' });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.field, 'rating');
    r = await rate(made.token, { rating: 'basically_satisfied', comment: '处理及时' });
    assert.equal(r.status, 200, r.text);
    r = await rate(made.token, { rating: 'satisfied' });
    assert.equal(r.status, 409, r.text);
    assert.equal((await pub.get(`/public/api/reports/${made.token}`)).json.rating,
      'basically_satisfied');
    assert.equal((await pub.get('/public/api/reports/0123456789abcdef01234567')).status, 404);
    const map = await pub.get('/public/api/map');
    assert.equal(map.json.bbox.length, 4);
    const b = map.json.bbox;
    const grids = await pub.get(`/public/api/grids.geojson?bbox=${b.join(',')}&limit=5`);
    assert.equal(grids.json.type, 'FeatureCollection');
    assert.equal(grids.json.features.length, 5);
  });
});

describe('limits and the city\'s choices', () => {
  test('serve --site: a link inside the folder is served, one leading out of it is not', async () => {
    const site = join(ws.dir, 'site-links');
    mkdirSync(site);
    writeFileSync(join(site, '2026-12.html'), '<p>十二月通告</p>');
    writeFileSync(join(ws.dir, 'outside.html'), '<p>not the site</p>');
    symlinkSync('2026-12.html', join(site, 'latest.html'));
    symlinkSync('../outside.html', join(site, 'escape.html'));
    symlinkSync(ws.db, join(site, 'db.pdf'));
    const s = await startServer(ws.db, ['--site', site]);
    try {
      const latest = await fetch(s.url('/site/latest.html'));
      assert.equal(latest.status, 200);
      assert.equal(await latest.text(), '<p>十二月通告</p>');
      for (const out of ['escape.html', 'db.pdf']) {
        const r = await fetch(s.url(`/site/${out}`));
        assert.equal(r.status, 404, out);
        assert.doesNotMatch(await r.text(), /not the site|SQLite/);
      }
    } finally {
      await s.stop();
    }
  });

  test('anonymous reports refused when the city says so; rate limits answer 429', async () => {
    const site = join(ws.dir, 'site');
    mkdirSync(site);
    writeFileSync(join(site, 'notice.html'), '<p>通告</p>');
    writeFileSync(join(site, '.secret.txt'), 'no');
    writeFileSync(join(site, 'run.sh'), 'no');
    const strict = await startServer(ws.db, ['--anonymous-reports', '', '--public-write-rate', '1',
      '--public-read-rate', '3', '--api-key-rate', '1', '--site', site, '--body-limit', '2048']);
    try {
      // A body past the server's limit: 413, still in Open311's shape.
      for (const fmt of FMTS) {
        assertO311Error(await o311(strict, 'POST', `requests.${fmt}`,
          { form: { api_key: key, service_code: '06001', description: 'x'.repeat(3000) } }),
        413, /larger than 2048/);
      }
      const bare = await fetch(strict.url('/open311/v2/requests'), { method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'x'.repeat(3000) });
      assert.equal(bare.status, 413);
      assert.match(await bare.text(), /<errors><error><code>413<\/code>/);
      // The follow token is what rates a report, not the anonymous account.
      const pubReport = await fetch(suite.server.url('/public/api/reports'), { method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ service_code: '06001', ...AT, description: 'r' }).toString() });
      const { token: rateToken, number: rateNumber } = await pubReport.json();
      await close(rateNumber);
      const rated = await new Client(strict).post(`/public/api/reports/${rateToken}/rating`,
        { rating: 'satisfied' });
      assert.equal(rated.status, 200, rated.text);
      const big = await fetch(strict.url('/api/v1/cases'), { method: 'POST',
        headers: { 'Content-Type': 'application/json' }, body: `"${'x'.repeat(3000)}"` });
      assert.equal(big.status, 413);
      assert.equal((await big.json()).error.code, 'too_large');
      // The city's own files: plain names of known types, nothing else.
      const page = await fetch(strict.url('/site/notice.html'));
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(await page.text(), '<p>通告</p>');
      for (const bad of ['.secret.txt', 'run.sh', '..%2Fdb.sqlite', 'nope.html']) {
        assert.equal((await fetch(strict.url(`/site/${bad}`))).status, 404, bad);
      }
      assert.equal((await fetch(suite.server.url('/site/notice.html'))).status, 404);
      const anon = { service_code: '06001', ...AT, description: 'x' };
      assertO311Error(await o311(strict, 'POST', 'requests.xml', { form: anon }), 403, /api_key/);
      const pub = await fetch(strict.url('/public/api/reports'), { method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(anon).toString() });
      assert.equal(pub.status, 403);
      // Every request spends a read token of its address before its body
      // is parsed: bad posts too (a burst of 10, then 429).
      let bad400 = 0;
      let badLimited = null;
      for (let i = 0; i < 30 && !badLimited; i++) {
        const r = await o311(strict, 'POST', 'requests.json',
          { form: { ...anon, api_key: key, lat: 'abc' } });
        if (r.status === 429) badLimited = r;
        else { assert.equal(r.status, 400, r.text); bad400++; }
      }
      assert.ok(badLimited, 'bad posts were never limited');
      assert.ok(bad400 >= 1 && bad400 <= 10, `${bad400} bad posts before the 429`);
      // Reads: the same allowance, now spent.
      let limited = null;
      for (let i = 0; i < 30 && !limited; i++) {
        const r = await o311(strict, 'GET', 'discovery.json');
        if (r.status === 429) limited = r;
      }
      assert.ok(limited, 'no 429 after 30 reads at 3 a minute');
      assertO311Error(limited, 429);
      assert.match(limited.headers.get('retry-after'), /^\d+$/);
    } finally {
      await strict.stop();
    }
    // Writes per key, on a server whose reads are not limited.
    const keyedServer = await startServer(ws.db, ['--public-read-rate', '0',
      '--api-key-rate', '1']);
    try {
      let ok = 0;
      let keyed = null;
      for (let i = 0; i < 20 && !keyed; i++) {
        const r = await o311(keyedServer, 'POST', 'requests.json',
          { form: { service_code: '06001', ...AT, description: 'x', api_key: key } });
        if (r.status === 429) keyed = r;
        else { assert.equal(r.status, 200, r.text); ok++; }
      }
      assert.ok(keyed, 'no 429 after 20 writes at 1 a minute');
      assert.ok(ok >= 1 && ok <= 10, `${ok} writes before the 429`);
      assertO311Error(keyed, 429);
    } finally {
      await keyedServer.stop();
    }
  });

  test('a hotline call: source hotline, phone masked except for who calls back', async () => {
    const r = await as('receptionist').post('/api/v1/cases', { category: '06001',
      description: '12345 热线：门前堆放杂物', source: 'hotline', urgency: 'normal',
      area: '110101001', reporter_name: '王先生', reporter_phone: '13812345678' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.source, 'hotline');
    assert.equal(r.json.reporter.phone, '13812345678');
    const seen = await as('dispatcher').get(`/api/v1/cases/${r.json.id}`);
    assert.equal(seen.json.reporter.phone, '138****5678');
  });
});

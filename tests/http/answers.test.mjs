// answers.test.mjs - Open311's public reads kept for the next asker
// (web/anscache.h, serve --public-cache-mb): the same bytes and ETag while
// nothing changed, 304 to a client that has them; a new answer as soon as
// the case moves, a report is added, or an audited change (a class closed
// to the public) alters what may be shown; the public page's report read
// (/public/api/reports/{number or token}) kept the same way, a change
// seen at once, each language its own answer; no ETag with the cache off.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { emptyDemoDb } from './lib/cases.mjs';
import { staffSuite } from './lib/server.mjs';

const suite = staffSuite({
  makeDb: emptyDemoDb,
  roles: ['inspector', 'admin'],
  flags: ['--public-write-rate', '600', '--public-read-rate', '6000'],
});
const { servers, as } = suite;
const AT = { lat: '39.9625', long: '116.417' };

async function report(description) {
  const f = new FormData();
  for (const [k, v] of Object.entries({ service_code: '06001', ...AT, description })) f.append(k, v);
  const res = await fetch(suite.server.url('/public/api/reports'), { method: 'POST', body: f });
  assert.equal(res.status, 201);
  return res.json();
}

async function get(path, etag) {
  const res = await fetch(suite.server.url(path), { headers: etag ? { 'If-None-Match': etag } : {} });
  return { status: res.status, etag: res.headers.get('etag'), cache: res.headers.get('cache-control'),
    text: await res.text() };
}

test('one case: the same answer and tag until it moves; 304 to who has it', async () => {
  const made = await report('缓存测试');
  const path = `/open311/v2/requests/${made.number}.json`;
  const a = await get(path);
  assert.equal(a.status, 200);
  assert.match(a.etag, /^"a[0-9a-f.]+"$/);
  assert.equal(a.cache, 'no-cache');
  const b = await get(path);
  assert.equal(b.text, a.text);
  assert.equal(b.etag, a.etag);
  const c = await get(path, a.etag);
  assert.equal(c.status, 304);
  assert.equal(c.text, '');
  // The inspector verifies: the answer says so at once.
  const found = await as('inspector').get(`/api/v1/cases?q=${made.number}`);
  const kase = found.json.cases[0];
  const v = await as('inspector').post(`/api/v1/cases/${kase.id}/actions/verify`, { version: kase.version });
  assert.equal(v.status, 200, v.text);
  const d = await get(path, a.etag);
  assert.equal(d.status, 200);
  assert.notEqual(d.etag, a.etag);
  assert.notEqual(d.text, a.text);
  assert.notEqual(JSON.parse(d.text)[0].status_notes, JSON.parse(a.text)[0].status_notes);
  // XML is another answer of its own.
  const x = await get(`/open311/v2/requests/${made.number}.xml`);
  assert.match(x.text, /^<\?xml/);
  assert.notEqual(x.etag, d.etag);
});

test('an audited change counts too: a class closed to the public is gone at once', async () => {
  const made = await report('类别关闭测试');
  const path = `/open311/v2/requests/${made.number}.json`;
  assert.equal((await get(path)).status, 200);
  assert.equal((await get(path)).status, 200);
  const off = await as('admin').request('PATCH', '/api/v1/categories/06001', { body: { public: false } });
  assert.equal(off.status, 200, off.text);
  try {
    assert.equal((await get(path)).status, 404);
  } finally {
    assert.equal((await as('admin').request('PATCH', '/api/v1/categories/06001', { body: { public: true } })).status, 200);
  }
  assert.equal((await get(path)).status, 200);
});

test('the list: the same while nothing is added; the new report at once', async () => {
  const path = '/open311/v2/requests.json?extensions=true';
  const a = await get(path);
  const b = await get(path);
  assert.equal(b.etag, a.etag);
  assert.equal(b.text, a.text);
  const made = await report('列表缓存测试');
  const c = await get(path);
  assert.notEqual(c.etag, a.etag);
  assert.ok(JSON.parse(c.text).some((r) => r.service_request_id === made.number));
  // Arguments in another order are another key, never another's answer.
  const d = await get('/open311/v2/requests.json?status=open&extensions=true');
  const e = await get('/open311/v2/requests.json?extensions=true&status=open');
  assert.equal(d.text, e.text);
});

test('the public page\'s report: kept by number and by token, new at once when it moves', async () => {
  const made = await report('公众页面缓存测试');
  const byNumber = `/public/api/reports/${made.number}`;
  const byToken = `/public/api/reports/${made.token}`;
  const a = await get(byToken);
  assert.equal(a.status, 200, a.text);
  assert.match(a.etag, /^"a[0-9a-f.]+"$/);
  const b = await get(byToken, a.etag);
  assert.equal(b.status, 304);
  assert.equal(JSON.parse(a.text).can_rate, false);
  const en = await get(`${byToken}?lang=en`);
  assert.notEqual(en.etag, a.etag);
  assert.notEqual(JSON.parse(en.text).status_notes, JSON.parse(a.text).status_notes);
  // Verified through the staff API: the answer follows at once.
  const found = await as('admin').get(`/api/v1/cases?q=${made.number}`);
  const kase = found.json.cases[0];
  const v = await as('inspector').post(`/api/v1/cases/${kase.id}/actions/verify`, { version: kase.version });
  assert.equal(v.status, 200, v.text);
  const c = await get(byToken, a.etag);
  assert.equal(c.status, 200);
  assert.notEqual(JSON.parse(c.text).status_notes, JSON.parse(a.text).status_notes);
  // The number answers the same case, under a key of its own.
  const n1 = await get(byNumber);
  const n2 = await get(byNumber, n1.etag);
  assert.equal(n1.status, 200);
  assert.equal(n2.status, 304);
  assert.equal(JSON.parse(n1.text).number, made.number);
});

test('with --public-cache-mb 0 nothing is kept and no tag is given', async () => {
  const off = await servers.start(['--public-cache-mb', '0']);
  const res = await fetch(off.url('/open311/v2/requests.json'));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('etag'), null);
  assert.equal(res.headers.get('cache-control'), 'no-store');
});

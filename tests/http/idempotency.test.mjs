// idempotency.test.mjs - Idempotency-Key on the four writes that honour
// it (docs/api.md): the same key and request answer the first answer
// again and write nothing; the same key with another request is 409; keys
// are per user; a malformed key is 400; an answer lost on the way (the
// client gone before reading it) then a retry: exactly one write; two
// sends at once: one write.
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test } from 'node:test';

import { bytesRequest, emptyDemoDb, JPEG } from './lib/cases.mjs';
import { assertError, sleep, sql, staffSuite } from './lib/server.mjs';

const suite = staffSuite({ makeDb: emptyDemoDb, roles: ['inspector', 'shift_leader', 'receptionist'] });
const { ws, token, as } = suite;

const REPORT = {
  category: '06010', description: '路口有暴露垃圾', source: 'inspector', urgency: 'normal',
  lon: 116.4170, lat: 39.9625,
};

const count = (table, where = '1') => Number(sql(ws.db, `SELECT COUNT(*) FROM ${table} WHERE ${where}`));
let serial = 0;
const newKey = () => `k-${process.pid}-${Date.now()}-${serial++}`;

describe('POST /api/v1/cases with Idempotency-Key', () => {
  test('the same key and body answer the first answer again, with no second case', async () => {
    const key = newKey();
    const body = { ...REPORT, description: `once ${key}` };
    const first = await as('inspector').post('/api/v1/cases', body, { headers: { 'Idempotency-Key': key } });
    assert.equal(first.status, 201, first.text);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    const cases = count('case_file');
    const events = count('case_event');
    const again = await as('inspector').post('/api/v1/cases', body, { headers: { 'Idempotency-Key': key } });
    assert.equal(again.status, 201, again.text);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(again.text, first.text);
    assert.equal(again.headers.get('content-type'), 'application/json');
    assert.equal(count('case_file'), cases);
    assert.equal(count('case_event'), events);
    assert.equal(count('case_file', `description = 'once ${key}'`), 1);
  });

  test('the same key with another body is 409 naming Idempotency-Key, and writes nothing', async () => {
    const key = newKey();
    const first = await as('inspector').post('/api/v1/cases', { ...REPORT, description: `a ${key}` },
      { headers: { 'Idempotency-Key': key } });
    assert.equal(first.status, 201, first.text);
    const cases = count('case_file');
    const other = await as('inspector').post('/api/v1/cases', { ...REPORT, description: `b ${key}` },
      { headers: { 'Idempotency-Key': key } });
    assertError(other, 409, 'idempotency_key_reused', 'Idempotency-Key');
    assert.equal(count('case_file'), cases);
    // Another path with the key is another request too.
    const elsewhere = await as('inspector').post(`/api/v1/cases/${first.json.id}/actions/verify`,
      { version: 1 }, { headers: { 'Idempotency-Key': key } });
    assertError(elsewhere, 409, 'idempotency_key_reused', 'Idempotency-Key');
  });

  test("another user's equal key is another key", async () => {
    const key = newKey();
    const body = { ...REPORT, source: 'hotline', description: `shared ${key}` };
    const mine = await as('receptionist').post('/api/v1/cases', body, { headers: { 'Idempotency-Key': key } });
    assert.equal(mine.status, 201, mine.text);
    const theirs = await as('inspector').post('/api/v1/cases', { ...body, source: 'inspector' },
      { headers: { 'Idempotency-Key': key } });
    assert.equal(theirs.status, 201, theirs.text);
    assert.equal(theirs.headers.get('idempotent-replayed'), null);
    assert.notEqual(theirs.json.id, mine.json.id);
    assert.equal(count('case_file', `description = 'shared ${key}'`), 2);
  });

  test('a malformed key is 400 naming Idempotency-Key, before anything runs', async () => {
    const cases = count('case_file');
    for (const bad of ['has space', 'x'.repeat(129), 'tab\there', '中文']) {
      const r = await as('inspector').post('/api/v1/cases', REPORT,
        { headers: { 'Idempotency-Key': encodeURI(bad) === bad ? bad : Buffer.from(bad).toString('latin1') } });
      assertError(r, 400, 'invalid', 'Idempotency-Key');
    }
    assert.equal(count('case_file'), cases);
    const longest = await as('inspector').post('/api/v1/cases', { ...REPORT, description: 'k128' },
      { headers: { 'Idempotency-Key': 'x'.repeat(128) } });
    assert.equal(longest.status, 201, longest.text);
  });

  test('a failed request stores nothing: the retry with its key runs', async () => {
    const key = newKey();
    const bad = await as('inspector').post('/api/v1/cases', { ...REPORT, urgency: 'soon' },
      { headers: { 'Idempotency-Key': key } });
    assertError(bad, 400, 'invalid', 'urgency');
    assert.equal(count('idempotency_key', `idem_key = '${key}'`), 0);
    const good = await as('inspector').post('/api/v1/cases', REPORT, { headers: { 'Idempotency-Key': key } });
    assert.equal(good.status, 201, good.text);
    assert.equal(good.headers.get('idempotent-replayed'), null);
  });

  test('an answer lost on the way, then the retry: exactly one case', async () => {
    const key = newKey();
    const description = `lost ${key}`;
    const body = JSON.stringify({ ...REPORT, description });
    // Send the whole request and hang up without reading the answer.
    await new Promise((res, rej) => {
      const s = net.connect(suite.server.port, '127.0.0.1', () => {
        s.write(`POST /api/v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token.inspector}\r\n`
          + `Content-Type: application/json\r\nIdempotency-Key: ${key}\r\n`
          + `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`, () => { s.destroy(); res(); });
      });
      s.on('error', rej);
    });
    await sleep(50);
    const retry = await as('inspector').post('/api/v1/cases', body, { headers: { 'Idempotency-Key': key } });
    assert.equal(retry.status, 201, retry.text);
    const third = await as('inspector').post('/api/v1/cases', body, { headers: { 'Idempotency-Key': key } });
    assert.equal(third.headers.get('idempotent-replayed'), 'true');
    assert.equal(third.json.id, retry.json.id);
    assert.equal(count('case_file', `description = '${description}'`), 1);
  });

  test('two sends at once with one key: one case, the same answer twice', async () => {
    const key = newKey();
    const body = { ...REPORT, description: `twice ${key}` };
    const sends = await Promise.all([1, 2, 3].map(() => as('inspector').post('/api/v1/cases', body,
      { headers: { 'Idempotency-Key': key } })));
    for (const r of sends) assert.equal(r.status, 201, r.text);
    assert.equal(new Set(sends.map((r) => r.json.id)).size, 1);
    assert.equal(sends.filter((r) => r.headers.get('idempotent-replayed') === 'true').length, 2);
    assert.equal(count('case_file', `description = 'twice ${key}'`), 1);
  });
});

describe('actions and photos with Idempotency-Key', () => {
  test('an action sent twice is done once', async () => {
    const c = await as('inspector').post('/api/v1/cases', REPORT);
    assert.equal(c.status, 201, c.text);
    const key = newKey();
    const path = `/api/v1/cases/${c.json.id}/actions/file`;
    const first = await as('shift_leader').post(path, { version: 1 }, { headers: { 'Idempotency-Key': key } });
    assert.equal(first.status, 200, first.text);
    const lines = count('case_event', `case_id = ${c.json.id}`);
    const again = await as('shift_leader').post(path, { version: 1 }, { headers: { 'Idempotency-Key': key } });
    assert.equal(again.status, 200, again.text); // not 409 version: the first answer
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(again.text, first.text);
    assert.equal(count('case_event', `case_id = ${c.json.id}`), lines);
    // Without a key the same request runs and meets the version.
    const plain = await as('shift_leader').post(path, { version: 1 });
    assertError(plain, 409, 'conflict');
  });

  test('a photo sent twice is stored once', async () => {
    const c = await as('inspector').post('/api/v1/cases', REPORT);
    const key = newKey();
    const send = () => fetch(suite.server.url(`/api/v1/cases/${c.json.id}/attachments`), {
      method: 'POST',
      headers: { Authorization: `Bearer ${token.inspector}`, 'Content-Type': 'image/jpeg', 'Idempotency-Key': key },
      body: JPEG,
    });
    const first = await send();
    assert.equal(first.status, 201, await first.text());
    const again = await send();
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(count('attachment', `case_id = ${c.json.id}`), 1);
    // The same key with another photo is another request.
    const other = await bytesRequest(suite.server, 'POST', `/api/v1/cases/${c.json.id}/attachments`,
      { bearer: token.inspector, body: Buffer.concat([JPEG, Buffer.from([0])]), contentType: 'image/jpeg' });
    assert.equal(other.status, 201); // no key: runs
  });
});

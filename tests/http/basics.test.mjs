// basics.test.mjs - what every request gets whatever its route: GET
// /healthz, 404 for unknown paths, 405 with Allow, the X-Request-Id header
// (made up or echoed), and the access-log line on stderr (one per request:
// method, path, status, bytes, microseconds, user), including requests
// that try to forge log lines.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  assertError, Client, createToken, fixtureDb, sql, staffSuite, ugOk,
} from './lib/server.mjs';

const suite = staffSuite({
  makeDb: (ws) => fixtureDb(ws, [{ name: 'admin', role: 'admin', unit: '110101', password: 'admin-pass-1' }]),
});
const { ws, servers } = suite;

describe('GET /healthz', () => {
  test('200 with JSON status, the binary version and the schema version', async () => {
    const version = ugOk(['version']).trim().replace(/^urbangrid /, '');
    assert.match(version, /^\d+\.\d+\.\d+/);
    const r = await suite.server.request('GET', '/healthz');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    const schema = Number(sql(ws.db, 'SELECT MAX(version) FROM schema_version'));
    assert.ok(schema >= 1);
    const { detail, ...rest } = r.json;
    assert.deepEqual(rest, { status: 'ok', version, schema });
    // What needs a person but keeps the status ok (holidays.test.mjs
    // shows when the calendar item warns).
    assert.ok(['ok', 'warning'].includes(detail.calendar.status), JSON.stringify(detail));
  });

  test('HEAD answers like GET without a body', async () => {
    const r = await suite.server.request('HEAD', '/healthz');
    assert.equal(r.status, 200);
    assert.equal(r.text, '');
  });

  test('a query string does not change the route', async () => {
    const r = await suite.server.request('GET', '/healthz?verbose=1');
    assert.equal(r.status, 200);
    assert.equal(r.json.status, 'ok');
  });
});

describe('unknown paths and methods', () => {
  // "/" redirects to the public pages (pages.test.mjs).
  for (const path of ['/nope', '/api/v1', '/api/v1/session/', '/api/v1/divisions/',
    '/api/v1/divisions/110101/extra', '/healthz/', '/API/V1/SESSION']) {
    test(`GET ${path} -> 404 JSON error`, async () => {
      const r = await suite.server.request('GET', path);
      assertError(r, 404, 'not_found', null);
    });
  }

  const allowed = {
    '/healthz': ['GET', 'HEAD'],
    '/api/v1/session': ['POST', 'GET', 'DELETE', 'HEAD'],
    '/api/v1/users': ['GET', 'POST', 'HEAD'],
    '/api/v1/roles': ['GET', 'HEAD'],
    '/api/v1/departments': ['GET', 'POST', 'HEAD'],
    '/api/v1/divisions/110101': ['GET', 'HEAD'],
  };
  for (const [path, methods] of Object.entries(allowed)) {
    const wrong = methods.includes('POST') ? 'PUT' : 'POST';
    test(`${wrong} ${path} -> 405 with Allow: ${methods.join(', ')}`, async () => {
      const r = await suite.server.request(wrong, path, { body: {} });
      assertError(r, 405, 'method_not_allowed', null);
      const allow = r.headers.get('allow');
      assert.ok(allow, 'no Allow header');
      assert.deepEqual(allow.split(', ').sort(), [...methods].sort());
    });
  }

  test('PATCH and DELETE are refused the same way, before authentication', async () => {
    assertError(await suite.server.request('PATCH', '/api/v1/users'), 405, 'method_not_allowed');
    assertError(await suite.server.request('DELETE', '/api/v1/roles'), 405, 'method_not_allowed');
  });
});

describe('X-Request-Id', () => {
  test('every response carries a fresh one', async () => {
    const answers = await Promise.all([
      suite.server.request('GET', '/healthz'),
      suite.server.request('GET', '/nope'),
      suite.server.request('PUT', '/healthz'),
      suite.server.request('GET', '/api/v1/session'),
      suite.server.request('POST', '/api/v1/session', { body: '{' }),
    ]);
    assert.deepEqual(answers.map((r) => r.status), [200, 404, 405, 401, 400]);
    const ids = answers.map((r) => r.headers.get('x-request-id'));
    for (const id of ids) assert.match(id ?? '', /^[0-9a-f]{16}$/);
    assert.equal(new Set(ids).size, ids.length, 'request ids repeat');
  });

  test('a sane client-supplied id is echoed', async () => {
    for (const id of ['abc-123_X.y', 'a', 'x'.repeat(64)]) {
      const r = await suite.server.request('GET', '/healthz', { headers: { 'X-Request-Id': id } });
      assert.equal(r.headers.get('x-request-id'), id);
    }
    const r = await suite.server.request('GET', '/nope', { headers: { 'X-Request-Id': 'nf-1' } });
    assert.equal(r.status, 404);
    assert.equal(r.headers.get('x-request-id'), 'nf-1');
  });

  test('an unsafe or over-long id is replaced by a generated one', async () => {
    for (const id of ['x'.repeat(65), 'has space', 'semi;colon', 'slash/es', 'quo"te',
      'log\ttab', '%0a']) {
      const r = await suite.server.request('GET', '/healthz', { headers: { 'X-Request-Id': id } });
      assert.equal(r.status, 200);
      assert.match(r.headers.get('x-request-id'), /^[0-9a-f]{16}$/, `for ${id}`);
    }
  });
});

describe('serve --log-json', () => {
  test('every line is one JSON object: time, level, request_id, message; a bad byte of a path stays JSON', async () => {
    const s = await servers.start(['--log-json']);
    try {
      await fetch(s.url('/healthz'), { headers: { 'X-Request-Id': 'json-1' } });
      // %FF decodes to a byte that is not UTF-8; %E5%8C%BA is 区.
      await fetch(s.url('/nope/%FF/%E5%8C%BA'), { headers: { 'X-Request-Id': 'json-2' } });
      // Each request's line is written when its answer has gone out, by
      // the thread that served it: the first's may come after the
      // second's.  Wait for both.
      await s.waitForLog(/json-1/);
      await s.waitForLog(/json-2/);
      // The start line and the two waited for; other lines may come at
      // their own time (the calendar's reminder, from November on, is
      // written by the housekeeping loop: under ASan after these).
      const lines = s.stderr.split('\n').filter(Boolean);
      assert.ok(lines.length >= 3, s.stderr);
      const records = lines.map((l) => JSON.parse(l));
      for (const r of records) {
        assert.deepEqual(Object.keys(r), ['time', 'level', 'request_id', 'message']);
        assert.match(r.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
        assert.ok(['DEBUG', 'INFO', 'WARN', 'ERROR'].includes(r.level));
      }
      assert.equal(records[0].request_id, null);
      assert.match(records[0].message, /^urbangrid .* serving /);
      const first = records.find((r) => r.request_id === 'json-1');
      assert.match(first.message, /^access GET \/healthz 200 \d+ \d+us user=- addr=127\.0\.0\.1$/);
      const bad = records.find((r) => r.request_id === 'json-2');
      assert.match(bad.message, /^access GET \/nope\//);
      assert.ok(bad.message.includes('区'), bad.message);
    } finally {
      await s.stop();
    }
  });
});

describe('access log', () => {
  // Send a request with a unique request id and return the one access-log
  // line that names it (asserting there is exactly one).
  async function logged(client, method, path, opts = {}) {
    const id = `log-${Math.random().toString(36).slice(2)}`;
    const r = await client.request(method, path,
      { ...opts, headers: { ...opts.headers, 'X-Request-Id': id } });
    await suite.server.waitForLog(new RegExp(` ${id} access `));
    const lines = suite.server.stderr.split('\n').filter((l) => l.includes(id));
    assert.equal(lines.length, 1, `lines naming ${id}:\n${lines.join('\n')}`);
    const entry = suite.server.accessLog().find((e) => e.requestId === id);
    assert.ok(entry, `access line not in the expected format: ${lines[0]}`);
    assert.equal(entry.method, method);
    assert.equal(entry.status, r.status);
    assert.equal(entry.bytes, Buffer.byteLength(r.text), 'bytes = body length');
    assert.ok(entry.micros > 0);
    assert.equal(entry.addr, '127.0.0.1');
    assert.equal(entry.aborted, false);
    return { r, entry };
  }

  test('one line per request with method, path, status, bytes, µs and user', async () => {
    const anon = new Client(suite.server);
    let { entry } = await logged(anon, 'GET', '/healthz');
    assert.equal(entry.path, '/healthz');
    assert.equal(entry.user, '-');

    ({ entry } = await logged(anon, 'GET', '/nope'));
    assert.deepEqual([entry.path, entry.status, entry.user], ['/nope', 404, '-']);

    ({ entry } = await logged(anon, 'POST', '/api/v1/session',
      { body: { username: 'admin', password: 'wrong-password' } }));
    assert.deepEqual([entry.status, entry.user], [401, 'admin?']);

    const admin = new Client(suite.server);
    let r;
    ({ r, entry } = await logged(admin, 'POST', '/api/v1/session',
      { body: { username: 'admin', password: 'admin-pass-1' } }));
    assert.deepEqual([entry.path, entry.status, entry.user], ['/api/v1/session', 200, 'admin']);
    // argon2 makes a login take a while; the log says so.
    assert.ok(entry.micros > 10000, `login took only ${entry.micros} µs?`);
    admin.csrf = r.json.csrf_token;

    ({ entry } = await logged(admin, 'GET', '/api/v1/roles'));
    assert.deepEqual([entry.path, entry.status, entry.user], ['/api/v1/roles', 200, 'admin']);

    // Refused for want of the CSRF token: the log still says who it was.
    ({ entry } = await logged(admin, 'DELETE', '/api/v1/session', { csrf: false }));
    assert.deepEqual([entry.status, entry.user], [403, 'admin']);
  });

  test('the request counts match: n requests, n lines', async () => {
    const before = suite.server.accessLog().length;
    const n = 7;
    await Promise.all(Array.from({ length: n }, () => suite.server.request('GET', '/healthz')));
    const end = Date.now() + 5000;
    while (suite.server.accessLog().length < before + n && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(suite.server.accessLog().length, before + n);
  });

  test('a path with an encoded line break or space cannot forge or split a line', async () => {
    const { entry } = await logged(new Client(suite.server), 'GET',
      '/x%0A2026-01-01T00:00:00Z%20INFO%20forged%20access%20GET%20/%20200%200%201us%20user=admin%20addr=1.2.3.4');
    assert.equal(entry.status, 404);
    assert.ok(!entry.path.includes('\n'));
    assert.doesNotMatch(suite.server.stderr, /^\S+ INFO forged/m);
  });

  test('a login name with a line break cannot forge a line', async () => {
    const { entry } = await logged(new Client(suite.server), 'POST', '/api/v1/session', {
      body: { username: 'e\n2026 INFO forged access GET / 200 0 1us user=a addr=b', password: 'x' },
    });
    assert.equal(entry.status, 401);
    assert.doesNotMatch(suite.server.stderr, /^\S+ INFO forged/m);
    assert.doesNotMatch(entry.user, /\s/);
  });

  test('the user of a Bearer token is named too', async () => {
    const c = new Client(suite.server, { bearer: createToken(ws.db, 'admin') });
    const { entry } = await logged(c, 'GET', '/api/v1/roles');
    assert.deepEqual([entry.status, entry.user], [200, 'admin']);
  });
});

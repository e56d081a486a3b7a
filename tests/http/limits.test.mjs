// limits.test.mjs - serve flags that change answers: --body-limit (a body
// over it gets 413 with a JSON error whether announced by Content-Length
// or streamed chunked, and nothing is written; a body of exactly the limit
// is served; a client waiting on `Expect: 100-continue` is refused before
// it sends anything), --cookie-secure and --session-ttl on the session cookie.
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test } from 'node:test';

import {
  assertError, fixtureDb, loggedIn, parseRaw, rawRequest, sql, staffSuite,
} from './lib/server.mjs';

const LIMIT = 1024;
let admin;
const suite = staffSuite({
  // The account that creates users (the bodies measured) is the security
  // admin's role: accounts are its work.
  makeDb: (ws) => fixtureDb(ws, [{ name: 'admin', role: 'security_admin', unit: '110101', password: 'admin-pass-1' }]),
  roles: ['admin'],
  started: (s) => { admin = s.as('admin'); },
  flags: ['--body-limit', String(LIMIT), '--cookie-secure', '--session-ttl', '60'],
});
const { ws } = suite;

// A valid new-user body padded with JSON white space to `size` bytes.
function userBody(username, size) {
  const json = JSON.stringify({ username, role: 'inspector', unit: '110101001' });
  assert.ok(json.length <= size);
  return json + ' '.repeat(size - json.length);
}
const exists = (username) => sql(ws.db,
  `SELECT COUNT(*) FROM app_user WHERE username = '${username}'`) === '1';

describe('--body-limit', () => {
  test('a body of exactly the limit is served', async () => {
    const r = await admin.post('/api/v1/users', userBody('at-limit', LIMIT));
    assert.equal(r.status, 201, r.text);
    assert.ok(exists('at-limit'));
  });

  test('one byte over, announced by Content-Length: 413 JSON error, nothing written', async () => {
    const r = await admin.post('/api/v1/users', userBody('over-limit', LIMIT + 1));
    assertError(r, 413, 'too_large', 'body');
    assert.match(r.json.error.message, new RegExp(`${LIMIT} bytes`));
    assert.match(r.headers.get('x-request-id') ?? '', /^[0-9a-f]{16}$/);
    assert.equal(exists('over-limit'), false);
  });

  test('far over (1 MB), sent at once: the client reads the 413, nothing written', async () => {
    // Repeated: a server that closes on the unread body makes the client
    // see a reset instead of the answer only some of the time.
    for (let i = 0; i < 5; i++) {
      const r = await admin.post('/api/v1/users', userBody('way-over', 1 << 20));
      assertError(r, 413, 'too_large', 'body');
    }
    assert.equal(exists('way-over'), false);
  });

  test('1 GB announced with Expect: 100-continue: 413 at once, no body needed', { timeout: 5000 }, async () => {
    const text = await new Promise((res, rej) => {
      const sock = net.connect(suite.server.port, '127.0.0.1');
      let data = '';
      sock.setEncoding('utf8');
      sock.on('data', (d) => { data += d; });
      sock.on('end', () => res(data));
      sock.on('error', rej);
      sock.on('connect', () => sock.write('POST /api/v1/users HTTP/1.1\r\nHost: 127.0.0.1\r\n'
        + `Authorization: Bearer ${admin.bearer}\r\nContent-Type: application/json\r\n`
        + `Expect: 100-continue\r\nContent-Length: ${2 ** 30}\r\n\r\n`));
    });
    assert.doesNotMatch(text, /100 Continue/);
    assertError(parseRaw(text), 413, 'too_large', 'body');
  });

  test('over the limit in chunks without Content-Length: 413, nothing written', async () => {
    const body = userBody('chunked-over', 4 * LIMIT);
    const r = await rawRequest(suite.server, {
      method: 'POST', path: '/api/v1/users', body,
      headers: {
        'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked',
        Authorization: `Bearer ${admin.bearer}`,
      },
    });
    assertError(r, 413, 'too_large', 'body');
    assert.equal(exists('chunked-over'), false);
  });

  test('under the limit in chunks: served', async () => {
    const r = await rawRequest(suite.server, {
      method: 'POST', path: '/api/v1/users', body: userBody('chunked-ok', 300),
      headers: {
        'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked',
        Authorization: `Bearer ${admin.bearer}`,
      },
    });
    assert.equal(r.status, 201, r.text);
    assert.ok(exists('chunked-ok'));
  });

  test('the limit holds before authentication, and the access log has the 413', async () => {
    const r = await suite.server.request('POST', '/api/v1/session',
      { body: userBody('x', LIMIT + 100), headers: { 'X-Request-Id': 'too-big-1' } });
    assertError(r, 413, 'too_large', 'body');
    const line = await suite.server.waitForLog(/ too-big-1 access /);
    assert.match(line, / access POST \/api\/v1\/session 413 \d+ \d+us user=- /);
  });

  // Request smuggling needs two servers to disagree on where a body
  // ends: a proxy in front believing one length and us another.  Every
  // conflicting framing is refused before it reaches a handler (the HTTP
  // library does it; this keeps it so across its upgrades).  The same
  // length twice is one length (RFC 9110 §8.6 allows either answer).
  test('conflicting or ambiguous Content-Length and Transfer-Encoding: 400, nothing written', async () => {
    const body = userBody('smuggled', 300);
    const n = Buffer.byteLength(body);
    const framings = [
      `Content-Length: 5\r\nContent-Length: ${n}`,
      `Content-Length: 5, ${n}`,
      `Content-Length: ${n}\r\nTransfer-Encoding: chunked`,
      'Content-Length: -1',
      `Content-Length: 0x${n.toString(16)}`,
    ];
    for (const framing of framings) {
      const text = await new Promise((res, rej) => {
        const sock = net.connect(suite.server.port, '127.0.0.1');
        let data = '';
        sock.setEncoding('utf8');
        sock.setTimeout(3000, () => sock.destroy(new Error(`no answer to ${framing}`)));
        // The answer's status line is enough; the socket is not
        // half-closed first (a server may take an early end of the
        // stream for a client gone, and answer nothing).
        sock.on('data', (d) => {
          data += d;
          if (data.includes('\r\n')) { res(data); sock.destroy(); }
        });
        sock.on('close', () => res(data));
        sock.on('error', rej);
        sock.on('connect', () => sock.write('POST /api/v1/users HTTP/1.1\r\nHost: 127.0.0.1\r\n'
          + `Authorization: Bearer ${admin.bearer}\r\nContent-Type: application/json\r\n`
          + `${framing}\r\n\r\n${body}`));
      });
      assert.match(text, /^HTTP\/1\.1 400 /, `${framing}: ${text.slice(0, 80)}`);
    }
    assert.equal(exists('smuggled'), false);
  });

  test('the server still answers afterwards', async () => {
    const r = await suite.server.request('GET', '/healthz');
    assert.equal(r.status, 200);
  });
});

describe('session cookie flags', () => {
  test('--cookie-secure adds Secure; --session-ttl sets Max-Age and expires_at', async () => {
    const t0 = Date.now();
    const c = await loggedIn(suite.server, 'admin', 'admin-pass-1');
    assert.equal(c.cookies.size, 1);
    const r = await suite.server.request('POST', '/api/v1/session',
      { body: { username: 'admin', password: 'admin-pass-1' } });
    const attrs = r.headers.getSetCookie()[0].split(';').slice(1).map((s) => s.trim());
    assert.deepEqual(attrs.sort(), ['HttpOnly', 'Max-Age=60', 'Path=/', 'SameSite=Strict', 'Secure']);
    assert.ok(Math.abs(Date.parse(r.json.expires_at) - (t0 + 60e3)) < 5000, r.json.expires_at);
    const out = await c.delete('/api/v1/session');
    assert.equal(out.status, 204);
    assert.match(out.headers.getSetCookie()[0], /; Secure/);
  });
});

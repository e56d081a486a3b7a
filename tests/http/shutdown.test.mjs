// shutdown.test.mjs - SIGTERM/SIGINT: requests in flight (slow logins:
// argon2) still get their answers and the process exits 0 within 5 s; new
// connections are refused once the signal is handled; an idle keep-alive
// connection does not hold the exit up; a request that never finishes is
// cut off after --shutdown-grace.
//
// A request is known to be in flight (not merely queued in the kernel)
// when the server has answered its `Expect: 100-continue` headers; the
// tests hold requests that way instead of guessing with sleeps.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';

import {
  fixtureDb, heldRequest, loggedIn, parseRaw, sleep, startServer, workspace,
} from './lib/server.mjs';

const ws = workspace();
const servers = [];
const PW = 'admin-pass-1';

before(() => {
  fixtureDb(ws, [{ name: 'admin', role: 'admin', unit: '110101', password: PW }]);
});

after(async () => {
  for (const s of servers) await s.kill();
  ws.cleanup();
});

async function serve(flags = []) {
  const s = await startServer(ws.db, flags);
  servers.push(s);
  return s;
}

const LOGIN = JSON.stringify({ username: 'admin', password: PW });

// Resolves true once a new TCP connection to the port is refused.
async function refusedWithin(port, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const outcome = await new Promise((res) => {
      const s = net.connect(port, '127.0.0.1');
      s.on('connect', () => { s.destroy(); res('accepted'); });
      s.on('error', (e) => res(e.code));
    });
    if (outcome === 'ECONNREFUSED') return true;
    await sleep(20);
  }
  return false;
}

test('SIGTERM with slow logins in flight: each gets its answer, exit 0 within 5 s', async () => {
  const server = await serve();
  const n = 4;
  const held = await Promise.all(Array.from({ length: n },
    () => heldRequest(server, '/api/v1/session', Buffer.byteLength(LOGIN))));
  // Every request is now begun on the server; send the bodies and stop the
  // server at once, while argon2 is still working on them.
  const answers = held.map((h) => h.send(LOGIN));
  const stopped = server.stop('SIGTERM', 5000);
  const results = await Promise.all(answers);
  for (const { error, text } of results) {
    assert.equal(error, undefined, `connection error: ${error}`);
    const r = parseRaw(text);
    assert.equal(r.status, 200, text);
    assert.match(r.headers.get('set-cookie') ?? '', /^ug_session=[0-9a-f]{64};/);
    assert.equal(r.json.user.username, 'admin');
  }
  const { ms } = await stopped;
  assert.ok(ms < 5000, `exit took ${ms} ms`);
  assert.match(server.stderr, /stopping, letting requests in flight finish/);
  assert.doesNotMatch(server.stderr, /cut off/);
  // The access log has all of them, none aborted, all written after the
  // signal was taken: they really were in flight.
  const logins = server.accessLog().filter((e) => e.path === '/api/v1/session');
  assert.equal(logins.length, n);
  assert.ok(logins.every((e) => e.status === 200 && !e.aborted));
  const signalAt = server.stderr.indexOf('signal 15: stopping');
  assert.ok(logins.every((e) => server.stderr.indexOf(e.line) > signalAt),
    `a login finished before SIGTERM was handled:\n${server.stderr}`);
});

test('after SIGTERM new connections are refused while the request in flight finishes', async () => {
  const server = await serve();
  const h = await heldRequest(server, '/api/v1/session', Buffer.byteLength(LOGIN));
  const stopped = server.stop('SIGTERM', 10000);
  assert.ok(await refusedWithin(server.port, 3000), 'still accepting connections after SIGTERM');
  await assert.rejects(fetch(server.url('/healthz')));
  // The held request was begun before the signal: it is still served.
  const { error, text } = await h.send(LOGIN);
  assert.equal(error, undefined);
  assert.equal(parseRaw(text).status, 200, text);
  await stopped;
});

test('an idle keep-alive connection does not delay the exit', async () => {
  const server = await serve(['--shutdown-grace', '4500']);
  // fetch keeps this connection open for reuse.
  const c = await loggedIn(server, 'admin', PW);
  assert.equal((await c.get('/api/v1/session')).status, 200);
  const { ms } = await server.stop('SIGTERM', 5000);
  assert.ok(ms < 2000, `exit took ${ms} ms with only an idle connection open`);
});

test('a request that never completes is cut off after --shutdown-grace; exit is still 0', async () => {
  const server = await serve(['--shutdown-grace', '300']);
  const h = await heldRequest(server, '/api/v1/session', Buffer.byteLength(LOGIN));
  const { ms } = await server.stop('SIGTERM', 5000);
  assert.ok(ms >= 250 && ms < 3000, `exit took ${ms} ms with a 300 ms grace`);
  assert.match(server.stderr, /1 request\(s\) were cut off at shutdown/);
  const { text } = await h.response;
  assert.equal(text, '', 'the held request got an answer?');
});

test('SIGINT stops the server the same way', async () => {
  const server = await serve();
  assert.equal((await fetch(server.url('/healthz'))).status, 200);
  const { ms } = await server.stop('SIGINT', 5000);
  assert.ok(ms < 5000);
  assert.match(server.stderr, /signal 2: stopping/);
});

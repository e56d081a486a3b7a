// proxy.test.mjs - behind a reverse proxy: X-Forwarded-For is believed only
// from the proxies named with --trusted-proxy, read from the right (a
// forged entry on the left changes nothing), and then the access log, the
// rate limits and the login lock-out count the client, not the proxy.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { demoDb, startServer, ug, workspace } from './lib/server.mjs';

const ws = workspace();
let open; // no trusted proxy
let proxied; // 127.0.0.1 trusted

before(async () => {
  demoDb(ws);
  open = await startServer(ws.db, []);
  proxied = await startServer(ws.db, ['--trusted-proxy', '127.0.0.1,10.0.0.0/8',
    '--public-read-rate', '3']);
});

after(async () => {
  if (open) await open.stop();
  if (proxied) await proxied.stop();
  ws.cleanup();
});

const get = (server, path, xff) => fetch(server.url(path),
  { headers: xff ? { 'X-Forwarded-For': xff } : {} });

async function addrOf(server, xff) {
  const res = await get(server, '/healthz', xff);
  const id = res.headers.get('x-request-id');
  await server.waitForLog(new RegExp(` ${id} access `));
  return server.accessLog().find((l) => l.requestId === id).addr;
}

test('the header is believed from trusted proxies only, read from the right', async () => {
  assert.equal(await addrOf(open, '198.51.100.7'), '127.0.0.1');
  assert.equal(await addrOf(proxied, '198.51.100.7'), '198.51.100.7');
  assert.equal(await addrOf(proxied, '6.6.6.6, 198.51.100.7'), '198.51.100.7');
  assert.equal(await addrOf(proxied, '198.51.100.7, 10.1.2.3'), '198.51.100.7');
  assert.equal(await addrOf(proxied, '198.51.100.7, garbage'), '127.0.0.1');
  assert.equal(await addrOf(proxied, null), '127.0.0.1');
});

test('rate limits count each client behind the proxy', async () => {
  let limited = 0;
  for (let i = 0; i < 30 && !limited; i++) {
    if ((await get(proxied, '/open311/v2/discovery.json', '198.51.100.20')).status === 429) {
      limited = i;
    }
  }
  assert.ok(limited > 0, 'client A was never limited');
  assert.equal((await get(proxied, '/open311/v2/discovery.json', '198.51.100.20')).status, 429);
  assert.equal((await get(proxied, '/open311/v2/discovery.json', '198.51.100.21')).status, 200);
});

test('the login lock-out counts each client behind the proxy', async () => {
  const login = (xff, username) => fetch(proxied.url('/api/v1/session'), {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': xff },
    body: JSON.stringify({ username, password: 'wrong-password-1' }),
  });
  for (let i = 0; i < 5; i++) {
    assert.equal((await login('203.0.113.50', `nobody${i}`)).status, 401);
  }
  assert.equal((await login('203.0.113.50', 'nobody9')).status, 429);
  assert.equal((await login('203.0.113.51', 'nobody9')).status, 401);
});

test('a bad --trusted-proxy is refused at start', () => {
  const r = ug(['serve', '--db', ws.db, '--listen', '127.0.0.1:0', '--trusted-proxy', 'nginx']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--trusted-proxy: "nginx" is not an IP address/);
});

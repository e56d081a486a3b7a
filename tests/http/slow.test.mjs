// slow.test.mjs - one slow or hostile client must not starve the others
// (http/guard.h): a thousand slow connections from one address leave the
// server answering another within a second; a request whose headers or
// body trickle in is cut at its deadline; trusted proxies are not limited.
//
// The other client connects from 127.0.0.2 (the whole 127/8 is loopback
// on Linux): a different address, as a citizen next to an attacker is.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, test } from 'node:test';

import { fixtureDb, serverSet, sleep, workspace } from './lib/server.mjs';

const ws = workspace();
const servers = serverSet(ws);

before(() => { fixtureDb(ws); });
after(() => servers.close());

// A socket from `from` that sends `first` and then stays; resolves once
// connected (or closed at once).  .gone says whether it has closed.
function slowSocket(port, first, from = '127.0.0.1') {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1', localAddress: from });
    sock.gone = false;
    sock.on('error', () => {});
    sock.on('close', () => { sock.gone = true; });
    sock.on('end', () => { sock.gone = true; });
    sock.on('connect', () => { sock.write(first); resolve(sock); });
    // A connection refused at accept may close before 'connect' fires.
    sock.on('close', () => resolve(sock));
  });
}

// GET path from address `from`: { status, ms }.
function get(port, path, from) {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, localAddress: from, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - t0 }));
    });
    req.setTimeout(5000, () => req.destroy(new Error(`no answer to ${path} in 5 s`)));
    req.on('error', reject);
  });
}

async function until(what, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (what()) return true;
    await sleep(50);
  }
  return what();
}

test('1,000 slow connections from one address: past 64 refused at accept; another client is answered within 1 s', async () => {
  const s = await servers.start([]);
  const slow = [];
  try {
    for (let i = 0; i < 1000; i++) {
      slow.push(slowSocket(s.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
    }
    const socks = await Promise.all(slow);
    await until(() => socks.filter((x) => x.gone).length >= 1000 - 64, 3000);
    const open = socks.filter((x) => !x.gone).length;
    assert.ok(open <= 64, `${open} slow connections held open from one address`);
    assert.ok(open >= 60, `only ${open} held: the limit should let 64 in`);
    for (let i = 0; i < 5; i++) {
      const r = await get(s.port, '/healthz', '127.0.0.2');
      assert.equal(r.status, 200);
      assert.ok(r.ms < 1000, `answered in ${r.ms.toFixed(0)} ms`);
    }
    for (const x of socks) x.destroy();
  } finally {
    await s.stop();
  }
});

test('headers trickling in are cut at --header-timeout; a body at --request-timeout', async () => {
  const s = await servers.start(['--header-timeout', '1', '--request-timeout', '1']);
  try {
    // One header line every 300 ms, never the blank line: cut after ~1 s.
    const drip = await slowSocket(s.port, 'GET /healthz HTTP/1.1\r\n');
    const t0 = Date.now();
    const timer = setInterval(() => { if (!drip.gone) drip.write(`X-Drip-${Date.now()}: 1\r\n`); }, 300);
    assert.ok(await until(() => drip.gone, 4000), 'a trickle of headers was not cut');
    clearInterval(timer);
    const cutAfter = Date.now() - t0;
    assert.ok(cutAfter >= 800, `cut after ${cutAfter} ms, before its deadline`);
    // Headers in, the body announced and never finished: cut too.
    const body = await slowSocket(s.port, 'POST /api/v1/session HTTP/1.1\r\nHost: x\r\n'
      + 'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user');
    assert.ok(await until(() => body.gone, 4000), 'a body that never ends was not cut');
    // A prompt client on a kept-alive connection is answered as usual.
    const r = await get(s.port, '/healthz', '127.0.0.2');
    assert.equal(r.status, 200);
  } finally {
    await s.stop();
  }
});

test('a trusted proxy is not limited: behind nginx, nginx limits the clients', async () => {
  const s = await servers.start(['--trusted-proxy', '127.0.0.1', '--peer-connections', '4']);
  try {
    const socks = await Promise.all(Array.from({ length: 12 },
      () => slowSocket(s.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n')));
    await sleep(300);
    assert.equal(socks.filter((x) => x.gone).length, 0);
    // The same limit still holds for an address that is not the proxy.
    const other = await Promise.all(Array.from({ length: 8 },
      () => slowSocket(s.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n', '127.0.0.2')));
    await until(() => other.filter((x) => x.gone).length >= 4, 2000);
    assert.equal(other.filter((x) => !x.gone).length, 4);
    for (const x of [...socks, ...other]) x.destroy();
  } finally {
    await s.stop();
  }
});

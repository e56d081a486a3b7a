// bodies.test.mjs - request bodies are not held in memory: past 64 KiB a
// body goes to an unlinked temporary file (http/server.c), so forty
// anonymous clients each holding an 8.5 MiB body open (under the 10 MiB
// limit, never finished) grow the server by far less than the 340 MiB
// they send; a finished one is still answered in its door's shape, and a
// large photo still arrives byte for byte.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { test } from 'node:test';

import { bytesRequest, emptyDemoDb, JPEG } from './lib/cases.mjs';
import { sleep, staffSuite } from './lib/server.mjs';

let token;
const suite = staffSuite({
  makeDb: emptyDemoDb,
  roles: ['inspector'],
  flags: ['--photo-limit', String(8 << 20)],
  prepare: (s) => { token = s.token.inspector; },
});

const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

// A connection that announces `total` bytes of body and sends `sent` of
// them; resolves once they are written (the server has read them: the
// socket drained).
function heldBody(port, total, sent) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write(`POST /api/v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n`
        + `Content-Length: ${total}\r\n\r\n`);
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      let left = sent;
      const pump = () => {
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          left -= n;
          if (!s.write(chunk.subarray(0, n))) {
            s.once('drain', pump);
            return;
          }
        }
        resolve(s);
      };
      pump();
    });
    s.on('error', reject);
  });
}

test('forty held 8.5 MiB bodies do not grow the server by their size', async (t) => {
  const pid = suite.server.child.pid;
  const before = rssKiB(pid);
  const held = [];
  for (let i = 0; i < 40; i++) held.push(heldBody(suite.server.port, 9 << 20, (17 << 20) / 2));
  const socks = await Promise.all(held);
  await sleep(300); // the last chunks read and written
  const grown = rssKiB(pid) - before;
  t.diagnostic(`resident memory grew by ${(grown / 1024).toFixed(1)} MiB for 340 MiB held`);
  try {
    assert.ok(grown < 64 * 1024, `the server grew by ${Math.round(grown / 1024)} MiB`);
    // Still answering others meanwhile.
    const r = await fetch(suite.server.url('/healthz'));
    assert.equal(r.status, 200);
  } finally {
    for (const s of socks) s.destroy();
  }
});

test('a spilled body, finished, is answered as any other (401 for nobody, 400 for bad JSON)', async () => {
  const big = `{"description": "${'x'.repeat(200 * 1024)}"`; // no closing brace
  let r = await fetch(suite.server.url('/api/v1/cases'), {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: big,
  });
  assert.equal(r.status, 401);
  r = await fetch(suite.server.url('/api/v1/cases'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: big,
  });
  assert.equal(r.status, 400);
  assert.equal((await r.json()).error.field, 'body');
});

test('a 6 MiB photo arrives byte for byte', async () => {
  const c = await bytesRequest(suite.server, 'POST', '/api/v1/cases', {
    bearer: token, contentType: 'application/json',
    body: JSON.stringify({
      category: '06010', description: '大照片', source: 'inspector', urgency: 'normal',
      lon: 116.417, lat: 39.9625,
    }),
  });
  assert.equal(c.status, 201);
  const payload = Buffer.alloc(6 << 20);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 131) & 0xff;
  const photo = Buffer.concat([JPEG.subarray(0, 11), payload, Buffer.from([0xFF, 0xD9])]);
  const up = await bytesRequest(suite.server, 'POST', `/api/v1/cases/${c.json.id}/attachments?kind=report`, {
    bearer: token, contentType: 'image/jpeg', body: photo,
  });
  assert.equal(up.status, 201, up.bytes.toString());
  const back = await bytesRequest(suite.server, 'GET', up.json.url, { bearer: token });
  assert.equal(back.status, 200);
  assert.ok(back.bytes.equals(photo), 'the stored photo differs from the one sent');
});

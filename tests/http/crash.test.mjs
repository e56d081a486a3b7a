// crash.test.mjs - `kill -9` in the middle of intake: three rounds, each
// a server on the same database, 12 clients filing cases as fast as they
// can, the server killed with SIGKILL at a random moment, then the file
// looked at: every case the server answered 201 for is there with its
// number, and the database passes PRAGMA integrity_check.  (A killed
// process leaves its writes in the kernel's page cache, so this proves
// the process-level half of durability - nothing acknowledged before its
// commit returned; tests/unit/test_powercut.c proves the power-cut half.)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { emptyDemoDb } from './lib/cases.mjs';
import { Client, createToken, sleep, sql, startServer, workspace } from './lib/server.mjs';

const ws = workspace();
const CLIENTS = 12;
let token;
let server;

before(() => {
  emptyDemoDb(ws);
  token = createToken(ws.db, 'api_client');
});

after(async () => {
  if (server) await server.kill();
  ws.cleanup();
});

// One client: reports until its request fails (the server is gone);
// each 201 goes into acked as { id, number }.
async function reporter(n, acked) {
  const client = new Client(server, { bearer: token });
  for (let i = 0; ; i++) {
    let r;
    try {
      r = await client.post('/api/v1/cases', {
        category: '06010', description: `崩溃测试 ${n}-${i}`, source: 'external',
        urgency: 'normal', lon: 116.39 + Math.random() * 0.05, lat: 39.865 + Math.random() * 0.1,
      });
    } catch {
      return; // connection refused or reset: killed
    }
    assert.equal(r.status, 201, r.text);
    acked.push({ id: r.json.id, number: r.json.number });
  }
}

for (const round of [1, 2, 3]) {
  test(`round ${round}: every case answered 201 before kill -9 is kept, integrity ok`, async () => {
    server = await startServer(ws.db, ['--quiet']);
    const acked = [];
    const clients = Array.from({ length: CLIENTS }, (_, n) => reporter(n, acked));
    await sleep(300 + Math.floor(Math.random() * 500));
    server.child.kill('SIGKILL');
    const { signal } = await server.exited;
    assert.equal(signal, 'SIGKILL');
    await Promise.all(clients);
    assert.ok(acked.length > 10, `only ${acked.length} cases acknowledged`);

    assert.equal(sql(ws.db, 'PRAGMA integrity_check'), 'ok');
    const ids = acked.map((c) => c.id).join(',');
    const rows = sql(ws.db, `SELECT id || ' ' || number FROM case_file WHERE id IN (${ids})`);
    const kept = new Map(rows.split('\n').map((l) => l.split(' ')).map(([id, nr]) => [Number(id), nr]));
    const lost = acked.filter((c) => kept.get(c.id) !== c.number);
    assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged cases lost`);
  });
}

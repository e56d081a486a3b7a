// disk.test.mjs - a full disk: every write answers 503 with Retry-After
// (never 500), logins included; nothing is half-written; reads with the
// credentials a client already has go on.  The disk is "filled" by a file
// size limit on the server process (ulimit -f), which fails its writes as
// a full disk would, without filling the machine's.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { emptyDemoDb } from './lib/cases.mjs';
import {
  assertError, Client, createToken, sql, startServer, workspace,
} from './lib/server.mjs';

const ws = workspace();
let passwords;
let token;

before(() => {
  passwords = emptyDemoDb(ws).passwords;
  token = createToken(ws.db, 'inspector');
});
after(() => ws.cleanup());

const REPORT = {
  category: '06010', description: '磁盘满时的上报', source: 'inspector', urgency: 'normal',
  lon: 116.417, lat: 39.9625,
};

test('a full disk: writes 503 with Retry-After and nothing half-written; reads go on', async () => {
  assert.ok(statSync(ws.db).size > 512 * 1024, 'the database must be larger than the limit');
  // The write-ahead log may grow to 512 KiB: a few dozen cases, then the
  // writes fail - until a checkpoint lets the log start over, when a few
  // fit again: each write either happens whole or answers 503.
  const s = await startServer(ws.db, [], { fileLimitKiB: 512 });
  const inspector = new Client(s, { bearer: token });
  let made = 0;
  let full = null;
  const logins = new Set();
  try {
    for (let i = 0; i < 400; i++) {
      const r = await inspector.post('/api/v1/cases', { ...REPORT, description: `磁盘满时的上报 ${i}` });
      if (r.status === 201) {
        made++;
        continue;
      }
      full = r;
      assertError(r, 503, 'unavailable');
      assert.equal(r.headers.get('retry-after'), '60');
      assert.match(r.json.error.message, /storage full.*nothing was saved/);
      assert.doesNotMatch(r.text, /SQL|sqlite|\.db|wal/i, 'no internals to the client');
      // A login writes its session: in or 503, never 500.
      const login = await new Client(s).post('/api/v1/session',
        { username: 'shift_leader', password: passwords.shift_leader });
      logins.add(login.status);
      if (login.status !== 200) assertError(login, 503, 'unavailable');
    }
    assert.ok(full, 'the disk never filled');
    assert.ok(made > 0, 'nothing was written before the disk filled');
    assert.ok(logins.has(503), `logins answered ${[...logins]}: never refused for the full disk`);
    // Reads with the credentials a client has go on.
    const list = await inspector.get('/api/v1/cases?per_page=5');
    assert.equal(list.status, 200, list.text);
    assert.equal((await inspector.get('/healthz')).status, 200);
    assert.match(s.stderr, /unavailable: cannot write/);
  } finally {
    await s.stop();
  }
  // Nothing half-written: the file is whole, and exactly the cases
  // answered 201 are there, each with its report line.
  assert.equal(sql(ws.db, 'PRAGMA integrity_check'), 'ok');
  assert.equal(Number(sql(ws.db, "SELECT COUNT(*) FROM case_file WHERE description LIKE '磁盘满时的上报%'")), made);
  assert.equal(Number(sql(ws.db, "SELECT COUNT(*) FROM case_event e JOIN case_file c ON c.id = e.case_id"
    + " WHERE c.description LIKE '磁盘满时的上报%' AND e.action = 'report'")), made);
  // Room again (no limit): writes work at once.
  const again = await startServer(ws.db);
  try {
    const r = await new Client(again, { bearer: token }).post('/api/v1/cases', REPORT);
    assert.equal(r.status, 201, r.text);
  } finally {
    await again.stop();
  }
});

test('a full disk: a large body that cannot be kept while it arrives is 503, not 500', async () => {
  // Bodies past 64 KiB wait in an unlinked file beside the database; with
  // files limited to 256 KiB a 600 KiB body cannot.
  const s = await startServer(ws.db, [], { fileLimitKiB: 128 });
  try {
    const inspector = new Client(s, { bearer: token });
    const r = await inspector.post('/api/v1/cases', { ...REPORT, description: 'x'.repeat(600 * 1024) });
    assertError(r, 503, 'unavailable');
    assert.equal(r.headers.get('retry-after'), '60');
    assert.equal(r.json.error.field, 'body');
    // The log line may reach us a moment after the answer.
    await s.waitForLog(/request body: writing its temporary file/);
    // A small one still fits in memory and is answered on its merits.
    const small = await inspector.post('/api/v1/cases', { ...REPORT, lon: 'x' });
    assertError(small, 400, 'invalid');
  } finally {
    await s.stop();
  }
});

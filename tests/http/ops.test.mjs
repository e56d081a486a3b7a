// ops.test.mjs - `urbangrid backup` and `urbangrid check`
// (docs/operations.md): backups taken while four clients file reports are
// each one consistent snapshot (sound, checked, every case with its
// report line, as many cases as between before and after) that a server
// then serves; what backup refuses and how it fails, leaving nothing
// under the name; check on a sound database, and on one damaged three
// ways, each reported.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync, existsSync, openSync, readFileSync, statSync, writeFileSync, writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { emptyDemoDb } from './lib/cases.mjs';
import {
  BIN, Client, createToken, ROOT, sleep, sql, startServer, ug, ugOk, workspace,
} from './lib/server.mjs';

const ws = workspace();
let token;

before(() => {
  emptyDemoDb(ws);
  token = createToken(ws.db, 'inspector');
});
after(() => ws.cleanup());

const REPORT = {
  category: '06010', description: '备份时的上报', source: 'inspector', urgency: 'normal',
  lon: 116.417, lat: 39.9625,
};

// `urbangrid ARGS...` without blocking the event loop (the clients go on
// posting while it runs); resolves to { status, stdout, stderr }.
function ugAsync(args) {
  return new Promise((res, rej) => {
    const child = spawn(BIN, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (s) => { stdout += s; });
    child.stderr.on('data', (s) => { stderr += s; });
    child.on('error', rej);
    child.on('exit', (status) => res({ status, stdout, stderr }));
  });
}

const count = (db, table) => Number(sql(db, `SELECT COUNT(*) FROM ${table}`));

// What `check` printed for each check: { integrity: 'ok' | 'problem: …', … }.
function checkLines(stdout) {
  const lines = {};
  for (const m of stdout.matchAll(/^(integrity|foreign keys|schema|assessment) +(.*)$/gm)) {
    lines[m[1]] = m[2];
  }
  return lines;
}

describe('backup', () => {
  test('backups taken while four clients file reports are consistent and serve', async () => {
    const s = await startServer(ws.db);
    const client = new Client(s, { bearer: token });
    let stop = false;
    let made = 0;
    const posters = [0, 1, 2, 3].map(async (k) => {
      while (!stop) {
        const r = await client.post('/api/v1/cases', { ...REPORT, description: `备份时的上报 ${k}` });
        assert.equal(r.status, 201, r.text);
        made++;
      }
    });
    const copies = [];
    try {
      await sleep(200);
      const start = Date.now();
      // Backups one after the other for ~2 s, each while reports arrive.
      for (let i = 0; Date.now() - start < 2000; i++) {
        const out = join(ws.dir, `copy-${i}.db`);
        const was = made;
        const before = count(ws.db, 'case_file');
        const r = await ugAsync(['backup', '--db', ws.db, '-o', out]);
        const afterCount = count(ws.db, 'case_file');
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /: \d+ pages of \d+ bytes, \d+ bytes in [\d.]+ s; integrity ok\n$/);
        assert.ok(made > was, 'reports were filed while the backup ran');
        copies.push({ out, before, after: afterCount });
      }
    } finally {
      stop = true;
      await Promise.all(posters);
      await s.stop();
    }
    assert.ok(copies.length >= 2, `only ${copies.length} backups in 2 s`);
    assert.ok(made > 50, `only ${made} reports filed`);
    for (const { out, before: lo, after: hi } of copies) {
      assert.equal(statSync(out).mode & 0o777, 0o600, `${out} is not 0600`);
      assert.equal(existsSync(`${out}.tmp`), false);
      assert.equal(sql(out, 'PRAGMA integrity_check'), 'ok');
      // A file whole by itself: a rollback journal, no log beside it.
      assert.equal(sql(out, 'PRAGMA journal_mode'), 'delete');
      const n = count(out, 'case_file');
      assert.ok(n >= lo && n <= hi, `${n} cases, not between ${lo} and ${hi}`);
      assert.equal(Number(sql(out, `SELECT COUNT(*) FROM case_file c WHERE NOT EXISTS
        (SELECT 1 FROM case_event e WHERE e.case_id = c.id AND e.action = 'report')`)), 0,
      'a case without its report line');
      const r = ug(['check', '--db', out]);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /all checks ok/);
    }
    // A server starts on a backup and answers from it.
    const last = copies[copies.length - 1].out;
    const again = await startServer(last);
    try {
      const r = await new Client(again, { bearer: token }).get('/api/v1/cases?per_page=1');
      assert.equal(r.status, 200, r.text);
    } finally {
      await again.stop();
    }
  });

  test('an existing FILE is not replaced without --force (exit 2, nothing changed)', () => {
    const out = join(ws.dir, 'there.db');
    writeFileSync(out, 'what was there');
    const r = ug(['backup', '--db', ws.db, '-o', out]);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /there\.db exists already.*--force/);
    assert.equal(readFileSync(out, 'utf8'), 'what was there');
    assert.equal(existsSync(`${out}.tmp`), false);
    // --force replaces it with a sound copy.
    ugOk(['backup', '--db', ws.db, '--output', out, '--force']);
    assert.equal(sql(out, 'PRAGMA integrity_check'), 'ok');
    assert.equal(count(out, 'case_file'), count(ws.db, 'case_file'));
  });

  test('a FILE.tmp left by an interrupted backup is refused, and replaced with --force', () => {
    const out = join(ws.dir, 'interrupted.db');
    writeFileSync(`${out}.tmp`, 'half a copy');
    const r = ug(['backup', '--db', ws.db, '-o', out]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /interrupted\.db\.tmp exists already/);
    assert.equal(existsSync(out), false);
    assert.equal(readFileSync(`${out}.tmp`, 'utf8'), 'half a copy');
    ugOk(['backup', '--db', ws.db, '-o', out, '--force']);
    assert.equal(existsSync(`${out}.tmp`), false);
    assert.equal(sql(out, 'PRAGMA integrity_check'), 'ok');
  });

  test('a backup to an unwritable place fails cleanly: exit 1, no file left', () => {
    // /proc takes no new file, even from root (the tests may run as root,
    // who writes into a folder whatever its mode).
    for (const out of ['/proc/urbangrid-backup.db', join(ws.dir, 'no', 'such', 'dir', 'b.db')]) {
      const r = ug(['backup', '--db', ws.db, '-o', out]);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^urbangrid: cannot create .*b(ackup)?\.db\.tmp: /);
      assert.equal(existsSync(out), false);
      assert.equal(existsSync(`${out}.tmp`), false);
    }
  });

  test('a disk too small for the copy: exit 1, no file left', () => {
    // A file size limit fails the copy's writes as a full disk would.
    const out = join(ws.dir, 'small.db');
    const r = spawnSync('sh', ['-c', 'ulimit -f 256 && exec "$0" backup --db "$1" -o "$2"',
      BIN, ws.db, out], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^urbangrid: /);
    assert.equal(existsSync(out), false);
    assert.equal(existsSync(`${out}.tmp`), false);
  });

  test('usage: -o is required; an unknown letter is an unknown flag; no database', () => {
    let r = ug(['backup', '--db', ws.db]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /-o FILE is required/);
    r = ug(['backup', '--db', ws.db, '-x', 'y']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown flag -x /);
    const out = join(ws.dir, 'of-nothing.db');
    r = ug(['backup', '--db', join(ws.dir, 'absent.db'), '-o', out]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /cannot open database/);
    assert.equal(existsSync(out), false);
    assert.equal(existsSync(join(ws.dir, 'absent.db')), false);
  });
});

describe('check', () => {
  test('a sound database: every check ok, exit 0', () => {
    const r = ug(['check', '--db', ws.db]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.deepEqual(Object.keys(checkLines(r.stdout)),
      ['integrity', 'foreign keys', 'schema', 'assessment']);
    for (const [name, line] of Object.entries(checkLines(r.stdout))) {
      assert.match(line, /^ok/, `${name}: ${line}`);
    }
    assert.match(r.stdout, /all checks ok\n$/);
    const quick = ug(['check', '--db', ws.db, '--quick']);
    assert.equal(quick.status, 0, quick.stdout + quick.stderr);
  });

  test('a broken foreign key and a counter changed by hand are each reported, exit 1', () => {
    const db = join(ws.dir, 'damaged.db');
    ugOk(['backup', '--db', ws.db, '-o', db]);
    sql(db, `PRAGMA foreign_keys=OFF;
      UPDATE case_event SET case_id = 999999 WHERE id = (SELECT MAX(id) FROM case_event);`);
    let r = ug(['check', '--db', db]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    let lines = checkLines(r.stdout);
    assert.equal(lines.integrity, 'ok');
    assert.match(lines['foreign keys'], /^problem: 1 found/);
    assert.match(r.stdout, /^ {2}case_event row \d+ refers to a case_file row that does not exist/m);
    assert.match(r.stdout, /PROBLEMS/);

    // The line put back; a counter changed by hand instead.
    sql(db, `PRAGMA foreign_keys=OFF;
      UPDATE case_event SET case_id = (SELECT MAX(id) FROM case_file) WHERE case_id = 999999;
      UPDATE assess_day SET reported = reported + 1
        WHERE (day, kind, code) = (SELECT day, kind, code FROM assess_day LIMIT 1);`);
    r = ug(['check', '--db', db]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    lines = checkLines(r.stdout);
    assert.equal(lines['foreign keys'], 'ok');
    assert.match(lines.assessment, /^problem: \d+ day and month rows differ/);
  });

  test('a page overwritten in the file is reported by the integrity check, exit 1', () => {
    const db = join(ws.dir, 'corrupt.db');
    ugOk(['backup', '--db', ws.db, '-o', db]);
    // An index's first page, overwritten whole: the tables still read.
    const pageSize = Number(sql(db, 'PRAGMA page_size'));
    const root = Number(sql(db, "SELECT rootpage FROM sqlite_master WHERE name = 'case_file_category'"));
    assert.ok(root > 1);
    const fd = openSync(db, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (root - 1) * pageSize);
    closeSync(fd);
    for (const flags of [[], ['--quick']]) {
      const r = ug(['check', '--db', db, ...flags]);
      assert.equal(r.status, 1, r.stdout + r.stderr);
      assert.match(checkLines(r.stdout).integrity, /^problem: /, r.stdout);
      assert.match(r.stdout, /PROBLEMS/);
    }
    // backup checks what it copied: a damaged database is not kept.
    const out = join(ws.dir, 'from-corrupt.db');
    const r = ug(['backup', '--db', db, '-o', out]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /integrity check/);
    assert.equal(existsSync(out), false);
    assert.equal(existsSync(`${out}.tmp`), false);
  });

  test('a database of an older schema: the schema line says so, exit 1', () => {
    const db = join(ws.dir, 'old.db');
    ugOk(['backup', '--db', ws.db, '-o', db]);
    sql(db, 'DELETE FROM schema_version WHERE version = (SELECT MAX(version) FROM schema_version)');
    const r = ug(['check', '--db', db]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(checkLines(r.stdout).schema, /^problem: /);
    assert.equal(checkLines(r.stdout).assessment, undefined);
    // backup copies it as it is: the copy before an upgrade.
    const copy = join(ws.dir, 'old-copy.db');
    ugOk(['backup', '--db', db, '-o', copy]);
    assert.equal(sql(copy, 'SELECT MAX(version) FROM schema_version'),
      sql(db, 'SELECT MAX(version) FROM schema_version'));
  });
});

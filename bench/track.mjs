// track.mjs - what the phones' tracks cost the server: CPU time of
// `urbangrid serve` (utime + stime from /proc/PID/stat) per
// POST /api/v1/patrol/track of one point - what each inspector's open
// page sends every 30 s - from 200 inspectors with their own tokens,
// with and without an Idempotency-Key, against the peer in the same run:
// GET /api/v1/session with a token (authentication and a JSON answer,
// nothing written), the cheapest authenticated request there is.  Each
// measure: ROUNDS rounds of one request per inspector, 8 at a time; 5
// runs, the median.  Load of 200 inspectors at 1 post / 30 s = 6.67
// posts/s x CPU per post, as a share of one core.  Checks every post was
// answered 200 and stored its point.
//
//   node bench/track.mjs            (BIN=build/urbangrid, ROUNDS=15)
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = process.env.BIN ?? 'build/urbangrid';
const ROUNDS = Number(process.env.ROUNDS ?? 15);
const INSPECTORS = 200;
const RUNS = 5;
const TICK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
const dir = mkdtempSync(join(tmpdir(), 'ug-bench-track-'));
const db = join(dir, 'b.db');
const sql = (s) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, s]).toString().trim();

execFileSync(BIN, ['demo', '--db', db, '--days', '0']);
// 200 inspectors of street 110101001 (copies of the demo's, same password
// hash: nobody logs in), each with a token.
const rows = [];
for (let i = 0; i < INSPECTORS; i++) rows.push(`('bench_insp${i}')`);
sql(`CREATE TEMP TABLE n (u TEXT); INSERT INTO n VALUES ${rows.join(',')};
  INSERT INTO app_user (username, display_name, password_hash, role, unit_kind, unit_code, disabled, created_at,
    must_change_password, password_changed_at)
  SELECT n.u, n.u, a.password_hash, a.role, a.unit_kind, a.unit_code, 0, a.created_at, 0, a.created_at
  FROM n, app_user a WHERE a.username = 'inspector'`);
const tokens = [];
for (let i = 0; i < INSPECTORS; i++) {
  tokens.push(execFileSync(BIN, ['token', 'create', '--db', db, '--user', `bench_insp${i}`]).toString().trim().split('\n').pop());
}

const child = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
const base = await new Promise((res, rej) => {
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    const m = /listening on (http:\/\/\S+?)\/\n/.exec(out);
    if (m) res(m[1]);
  });
  child.on('exit', () => rej(new Error('serve exited')));
});

const cpu = () => {
  const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / TICK; // utime, stime (fields 14, 15)
};

// Each inspector walks 1 m/s east and back (1.2 km) along its own
// parallel, a point every 30 s, starting six hours ago (the offline
// queue's late points are fine).
const start = Math.floor(Date.now() / 1000) - 6 * 3600;
let step = 0;
const point = (i, k) => ({
  lon: 116.4100 + ((k % 80 < 40 ? k % 80 : 80 - (k % 80)) * 30) / 85000, lat: 39.9600 + i * 0.00002,
  t: new Date((start + k * 30) * 1000).toISOString(), accuracy: 10,
});

async function pool(n, fn) {
  let next = 0;
  const work = async () => { while (next < n) await fn(next++); };
  await Promise.all(Array.from({ length: 8 }, work));
}

let failures = 0;
async function run(kind) {
  const before = cpu();
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < ROUNDS; r++) {
    const k = step++;
    await pool(INSPECTORS, async (i) => {
      const headers = { Authorization: `Bearer ${tokens[i]}` };
      let res;
      if (kind === 'peer') {
        res = await fetch(`${base}/api/v1/session`, { headers });
      } else {
        headers['Content-Type'] = 'application/json';
        if (kind === 'track+key') headers['Idempotency-Key'] = `b-${i}-${k}`;
        res = await fetch(`${base}/api/v1/patrol/track`, {
          method: 'POST', headers, body: JSON.stringify({ points: [point(i, k)] }),
        });
      }
      const text = await res.text();
      if (res.status !== 200 && failures++ === 0) console.error(`${kind}: ${res.status} ${text}`);
    });
  }
  const n = ROUNDS * INSPECTORS;
  return { cpuUs: ((cpu() - before) / n) * 1e6, wallMs: Number(process.hrtime.bigint() - t0) / 1e6, n };
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const results = { track: [], 'track+key': [], peer: [] };
await run('track'); // warm-up: connections, statement caches
for (let r = 0; r < RUNS; r++) {
  for (const kind of Object.keys(results)) results[kind].push((await run(kind)).cpuUs);
}
child.kill('SIGTERM');
await new Promise((r) => child.on('exit', r));
const stored = Number(sql('SELECT COUNT(*) FROM patrol_point'));
const posted = (1 + 2 * RUNS) * ROUNDS * INSPECTORS;
rmSync(dir, { recursive: true, force: true });

const rate = INSPECTORS / 30;
console.log(`track bench: ${INSPECTORS} inspectors, ${ROUNDS} rounds per run, ${RUNS} runs, CPU of serve from /proc (tick ${1000 / TICK} ms)`);
for (const [kind, v] of Object.entries(results)) {
  const m = median(v);
  const what = kind === 'peer' ? 'GET /api/v1/session (peer)' : `POST /api/v1/patrol/track${kind === 'track+key' ? ' + Idempotency-Key' : ''}`;
  console.log(`${what}: CPU per request median ${m.toFixed(0)} us (runs ${v.map((x) => x.toFixed(0)).join(' / ')})`
    + (kind === 'peer' ? '' : `; 200 x 1/30 s = ${rate.toFixed(2)}/s -> ${((m * rate) / 1e4).toFixed(3)} % of one core`));
}
console.log(`track/peer: ${(median(results.track) / median(results.peer)).toFixed(2)}x;`
  + ` posts ${posted}, non-200 answers ${failures}, points stored ${stored}`);
if (failures || stored !== posted) process.exit(1);

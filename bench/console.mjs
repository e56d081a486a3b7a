// console.mjs - the staff console's queues at the size of a city that has
// run for years: 10,000 open cases and 100,000 closed ones
// (bench/console_data.sql on the demo district).
//
// Measures, in one run:
//   1. each queue page of the API (GET /api/v1/cases?...&sort=deadline,
//      20 a page, the dispatcher's token): median and p90 of ROUNDS
//      requests spread over the first pages, for the dispatch queue
//      (filed + returned: 2,000 cases), all open cases (10,000) and the
//      newest-first list of everything (110,000, not a queue);
//   2. the peer: the same page read straight from SQLite by the sqlite3
//      shell - the same COUNT and the same SELECT of the same columns
//      with the same conditions - median of ROUNDS, and the ratio;
//   3. the dispatcher's queue painted in Debian's chromium: from the
//      address to 20 rows with their department choices on screen,
//      median of 5 loads.
// Targets (issue 13): a queue page <= 20 ms median, painted <= 1 s.
//
//   node bench/console.mjs            (scripts/bench runs it)
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

const BIN = process.env.BIN ?? 'build/urbangrid';
const ROUNDS = Number(process.env.ROUNDS ?? 60);
const dir = mkdtempSync(join(tmpdir(), 'ug-console-'));
const db = join(dir, 'b.db');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];

function run(cmd, args, input) {
  return execFileSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 64 << 20 });
}

const demo = run(BIN, ['demo', '--db', db, '--days', '0']);
const pw = Object.fromEntries([...demo.matchAll(/^ {2}(\w+)\s+(\S+)\s+\S+\s+(\S{20})$/gm)]
  .map((m) => [m[2], m[3]]));
run('sqlite3', [db], readFileSync('bench/console_data.sql', 'utf8'));
const token = execFileSync(BIN, ['token', 'create', '--db', db, '--user', 'dispatcher'],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
const counts = run('sqlite3', [db, "SELECT state || ' ' || COUNT(*) FROM case_file GROUP BY state"]);

const server = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'ignore'] });
const base = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
    if (m) resolve(m[1]);
  });
  server.on('exit', () => reject(new Error(`server ended: ${out}`)));
});

const QUEUES = [
  ['dispatch queue (filed, returned)', 'state=filed,returned&sort=deadline'],
  ['all open cases', 'state=reported,verified,filed,dispatched,returned,hung,handled,checked&sort=deadline'],
  ['everything, newest first (not a queue)', 'sort=newest'],
];

async function apiTimes(query) {
  const times = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    const r = await fetch(`${base}/api/v1/cases?${query}&per_page=20&page=${1 + (i % 10)}`,
      { headers: { Authorization: `Bearer ${token}` } });
    const j = await r.json();
    times.push(performance.now() - t0);
    if (r.status !== 200 || j.cases.length !== 20) throw new Error(`${query}: ${r.status}`);
  }
  return times;
}

// The peer: the sqlite3 shell running the count and the page, ROUNDS
// times each, with .timer on; the page's time is count + select.
function peerTimes(query) {
  const states = new URLSearchParams(query).get('state');
  const inStates = states
    ? `state IN (${states.split(',').map((x) => `'${x}'`).join(', ')}) AND ` : '';
  const open = states ? " AND state NOT IN ('closed', 'rejected', 'void', 'merged')" : '';
  const order = query.includes('sort=deadline')
    ? 'deadline IS NULL, deadline, id' : 'created_at DESC, id DESC';
  const where = `WHERE ${inStates}substr(area, 1, 6) = '110101'${open}`;
  const cols = readFileSync('src/store/cases/cases.c', 'utf8')
    .match(/#define CASE_COLUMNS([\s\S]*?)\n\n/)[1].replace(/\\\n/g, ' ').replace(/"\s*"/g, '')
    .replace(/"/g, '').trim();
  let sql = '.timer on\n';
  for (let i = 0; i < ROUNDS; i++) {
    sql += `SELECT COUNT(*) FROM case_file ${where};\n`;
    sql += `SELECT ${cols} FROM case_file ${where} ORDER BY ${order} LIMIT 20 OFFSET ${20 * (i % 10)};\n`;
  }
  const out = run('sqlite3', [db], sql);
  const t = [...out.matchAll(/Run Time: real ([\d.]+)/g)].map((m) => Number(m[1]) * 1000);
  const pages = [];
  for (let i = 0; i + 1 < t.length; i += 2) pages.push(t[i] + t[i + 1]);
  return pages;
}

async function paintTimes() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/console/`);
  await page.locator('#login-username').fill('dispatcher');
  await page.locator('#login-password').fill(pw.dispatcher);
  await page.locator('#login-password').press('Enter');
  await page.locator('#me').waitFor({ state: 'visible' });
  const times = [];
  for (let i = 0; i < 5; i++) {
    await page.goto(`${base}/console/#/ws/cases`);
    await page.locator('table.queue').waitFor();
    const t0 = Date.now();
    await page.goto(`${base}/console/#/ws/dispatch?page=${i + 2}`);
    await page.locator('table.queue tbody tr select').nth(19).waitFor();
    times.push(Date.now() - t0);
  }
  await browser.close();
  return times;
}

try {
  console.log(`console bench: ${counts.trim().split('\n').join(', ')}; ${ROUNDS} requests per queue`);
  for (const [name, query] of QUEUES) {
    const api = await apiTimes(query);
    const peer = peerTimes(query);
    console.log(`${name}: API page median ${median(api).toFixed(1)} ms (p90 ${p90(api).toFixed(1)}), `
      + `sqlite3 shell median ${median(peer).toFixed(1)} ms, ratio ${(median(api) / median(peer)).toFixed(2)}`);
  }
  const paint = await paintTimes();
  console.log(`dispatch queue painted in chromium: median ${median(paint)} ms (${paint.join(', ')} ms)`);
} finally {
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

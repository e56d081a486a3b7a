// demo-live.test.mjs - `serve --demo-live` (docs/demo.md): on a demo
// database the running server keeps filing reports and moving cases along
// as the demo's users, which the live stream and the cases' histories
// show; it stops cleanly with the server; it never runs unless asked; and
// it refuses a database that `urbangrid demo` did not make.  Also what
// `urbangrid demo` now leaves: beats for every grid, a day of tracks, and
// drawn photos on the newest reports.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  REAL_DIVISIONS, createToken, fixtureDb, serverSet, sleep, sql, ug, ugOk, workspace,
} from './lib/server.mjs';

const ws = workspace();
const servers = serverSet(ws);
let leader;

// The demo is made as on yesterday afternoon (15:00 in Beijing), so that
// its inspectors walked that day on the beats they were given then, at
// whatever hour the suite runs.
const MADE = new Date(Date.now() - 86400000);
MADE.setUTCHours(7, 0, 0, 0);
const MADE_DAY = new Date(MADE.getTime() + 8 * 3600000).toISOString().slice(0, 10);

before(() => {
  // One day of cases: enough to have photos and open cases to move.
  const out = ugOk(['demo', '--db', ws.db, '--from', REAL_DIVISIONS, '--days', '1'],
    { env: { URBANGRID_TEST_CLOCK: MADE.toISOString() } });
  assert.match(out, /Patrol \(定人定岗\): \d+ grids given to \d+ inspectors/, out);
  leader = createToken(ws.db, 'leader');
});

after(() => servers.close());

const count = (q) => Number(sql(ws.db, q));

// Read the live stream for `ms`; returns the events' data.
async function listen(server, ms) {
  const abort = new AbortController();
  const res = await fetch(server.url('/api/v1/events'), {
    headers: { Authorization: `Bearer ${leader}` }, signal: abort.signal,
  });
  assert.equal(res.status, 200);
  const events = [];
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  const reading = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        pending += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = pending.indexOf('\n\n')) >= 0) {
          const data = /^data: (.*)$/m.exec(pending.slice(0, cut));
          pending = pending.slice(cut + 2);
          if (data) events.push(JSON.parse(data[1]));
        }
      }
    } catch (e) {
      if (e.name !== 'AbortError') throw e;
    }
  })();
  await sleep(ms);
  abort.abort();
  await reading;
  return events;
}

async function get(server, path) {
  const res = await fetch(server.url(path), { headers: { Authorization: `Bearer ${leader}` } });
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return res.json();
}

test('urbangrid demo leaves beats for every grid, a day of tracks and photos', async () => {
  const grids = count('SELECT COUNT(*) FROM grid WHERE deleted = 0');
  assert.ok(grids > 1000);
  assert.equal(count('SELECT COUNT(DISTINCT grid) FROM patrol_beat WHERE to_at IS NULL'), grids);
  assert.ok(count('SELECT COUNT(*) FROM patrol_point') > 1000);
  assert.ok(count("SELECT COUNT(*) FROM attachment WHERE kind = 'report'") > 10);
  assert.ok(count('SELECT COUNT(DISTINCT description) FROM case_file')
    > count('SELECT COUNT(*) FROM case_file') * 0.9, 'descriptions repeat');
  assert.equal(sql(ws.db, "SELECT COUNT(*) FROM setting WHERE key = 'demo.created_at'"), '1');
  // Coverage is computed from them, through the API.
  const server = await servers.start();
  const cov = await get(server, `/api/v1/patrol/coverage?date=${MADE_DAY}`);
  // 17 streets' inspectors and the `inspector` login.
  assert.equal(cov.rows.length, 18, JSON.stringify(cov).slice(0, 300));
  let assigned = 0;
  for (const r of cov.rows) {
    assert.ok(r.distance_m > 500 && r.on_shift_s > 3600, JSON.stringify(r).slice(0, 200));
    assert.ok(r.assigned > 0 && r.visited > 0 && r.visited <= r.assigned,
      JSON.stringify(r).slice(0, 200));
    // At walking speed: distance over time on shift.
    assert.ok(r.distance_m / r.on_shift_s < 2, JSON.stringify(r).slice(0, 200));
    assigned += r.assigned;
  }
  assert.equal(assigned, grids);
  await server.stop();
});

test('without --demo-live nothing moves', async () => {
  const events = count('SELECT COUNT(*) FROM case_event WHERE action <> \'overdue\'');
  const server = await servers.start();
  await sleep(2500);
  await server.stop();
  assert.equal(count('SELECT COUNT(*) FROM case_event WHERE action <> \'overdue\''), events);
  assert.doesNotMatch(server.stderr, /demo-live/);
});

test('--demo-live files reports and moves cases along, seen live, and stops with the server', async () => {
  const points = count('SELECT COUNT(*) FROM patrol_point');
  const lastCase = count('SELECT MAX(id) FROM case_file');
  const lastEvent = count('SELECT MAX(id) FROM case_event');
  const server = await servers.start(['--demo-live', '--demo-live-rate', '600',
    '--demo-live-anytime']);
  const events = await listen(server, 8000);
  // Each inspector posts first within 30 s of the start (not all in the
  // same second): most runs have several points by now; wait for one.
  for (let waited = 0; count('SELECT COUNT(*) FROM patrol_point') <= points && waited < 30000;
    waited += 250) await sleep(250);
  const { ms } = await server.stop();
  assert.ok(ms < 5000, `stopping took ${ms} ms`);
  assert.match(server.stderr,
    /demo-live: \d+ report\(s\), \d+ action\(s\), \d+ photo\(s\), \d+ track point\(s\), 0 move\(s\) failed/);
  // The inspectors walked on from where they were last seen (a point
  // each every 30 s, from a random second, none refused), and went off
  // shift with the server.
  assert.ok(count('SELECT COUNT(*) FROM patrol_point') > points, 'no track point');
  assert.doesNotMatch(server.stderr, /track point:/);
  assert.equal(count('SELECT COUNT(*) FROM patrol_shift WHERE ended_at IS NULL'), 0);
  // New cases, from inspectors and the public, with their photos.
  const added = count(`SELECT COUNT(*) FROM case_file WHERE id > ${lastCase}`);
  assert.ok(added > 0, 'no new case');
  const photos = count(`SELECT COUNT(*) FROM attachment WHERE case_id > ${lastCase} AND kind = 'report'`);
  assert.ok(photos > 0, 'new cases without photos');
  // Steps through the workflow, taken by the demo's users.
  const actions = new Set(events.map((e) => e.action));
  assert.ok(actions.has('report'), `no report on the stream: ${[...actions]}`);
  const moved = sql(ws.db, `SELECT DISTINCT action FROM case_event WHERE id > ${lastEvent}`).split('\n');
  assert.ok(moved.includes('report'), moved);
  // Which steps come up in 8 s is chance; at 600 a minute many do.
  const steps = ['verify', 'file', 'dispatch', 'handle', 'check', 'close', 'return',
    'extend-request', 'extend-approve', 'reject'];
  assert.ok(moved.filter((a) => steps.includes(a)).length >= 4, `only ${moved}`);
  // Some case taken through two steps or more in that time.
  assert.ok(count(`SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM case_event WHERE id > ${lastEvent}
    AND action <> 'overdue' GROUP BY case_id)`) >= 2);
  assert.equal(count(`SELECT COUNT(*) FROM case_event WHERE id > ${lastEvent}
    AND actor IN ('demo', 'cli', '')`), 0);
  assert.ok(events.length >= 20, `${events.length} events in 8 s at 600 a minute`);
  // Nothing after the stop.
  const end = count('SELECT MAX(id) FROM case_event');
  await sleep(1000);
  assert.equal(count('SELECT MAX(id) FROM case_event'), end);
  // A case that advanced shows it in its history, with its photo.
  const id = sql(ws.db, `SELECT case_id FROM case_event WHERE id > ${lastEvent}
    AND action = 'report' ORDER BY id LIMIT 1`);
  const again = await servers.start();
  const c = await get(again, `/api/v1/cases/${id}`);
  assert.ok(c.history.length >= 1);
  assert.equal(c.history[0].action, 'report');
  assert.ok(c.photos.report.length >= 1);
  const img = await fetch(again.url(c.photos.report[0].url), { headers: { Authorization: `Bearer ${leader}` } });
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/png');
  await again.stop();
});

test('--demo-live keeps to working hours unless told otherwise', async () => {
  // Sunday 2026-12-06 11:00 Beijing: no work by the demo's calendar.
  const env = { URBANGRID_TEST_CLOCK: '2026-12-06T03:00:00Z' };
  const last = count('SELECT MAX(id) FROM case_event');
  const server = await servers.start(['--demo-live', '--demo-live-rate', '600'], { env });
  await sleep(3000);
  await server.stop();
  assert.equal(count(`SELECT COUNT(*) FROM case_event WHERE id > ${last} AND action <> 'overdue'`), 0);
});

test('--demo-live refuses a database that is not a demo one', () => {
  const plain = workspace();
  try {
    fixtureDb(plain);
    const r = ug(['serve', '--db', plain.db, '--listen', '127.0.0.1:0', '--demo-live']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--demo-live: this database is not a demo database/);
    assert.doesNotMatch(r.stdout, /listening on/);
    assert.equal(sql(plain.db, 'SELECT COUNT(*) FROM case_file'), '0');
    // A bad pace is refused as any bad flag.
    const bad = ug(['serve', '--db', ws.db, '--listen', '127.0.0.1:0', '--demo-live',
      '--demo-live-rate', '0']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--demo-live-rate must be a whole number from 1 to 6000/);
  } finally {
    plain.cleanup();
  }
});

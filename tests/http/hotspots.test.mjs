// hotspots.test.mjs - GET /api/v1/hotspots and GET /api/v1/rebounds on
// the demo city with planted cases: a hot spot planted in a week of the
// demo's own cases comes first, with the count, baseline and p the
// formula gives; one planted in a quiet week against a baseline of 2 a
// week, and a smaller one in another street, come in order of p; a
// rebound after a clean-up is found (fell then came back), a series that
// fell and stayed and one that never fell are not; weeks and threshold
// move the answer; a street's staff see their street's grids only, a
// department's staff none; 400 naming period, category, area, since,
// weeks, threshold; 404 for an area out of sight.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { localMidnight, plantCases, plantWeeks as plantWeeksOf } from './lib/cases.mjs';
import { assertError, Client, demoDb, sql, staffSuite } from './lib/server.mjs';

const OFFSET = 8 * 3600; // the demo city's +08:00
const GRID_A = '110101001001002'; // street A (110101001): the inspector's
const GRID_A2 = '110101001001003';
const GRID_A3 = '110101001001001';
const GRID_B = '110101002001002'; // street B
const CAT = '06010';
const CAT2 = '01001';

// The ISO week ("2026-W47") of a local day given as ms since the epoch.
function isoWeek(ms) {
  const d = new Date(ms);
  const day = (d.getUTCDay() + 6) % 7; // Monday 0
  d.setUTCDate(d.getUTCDate() - day + 3); // that week's Thursday
  const year = d.getUTCFullYear();
  const week = 1 + Math.floor((d - Date.UTC(year, 0, 1)) / 864e5 / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

let planted = 0;
const plant = (grid, category, at, n, state = 'reported') =>
  plantCases(ws.db, { grid, category, at, n, state, tag: `HS${planted++}` });
const plantWeeks = (grid, category, first, counts) =>
  plantWeeksOf(ws.db, grid, category, first, counts, `HW${planted++}`);

let demoWeek; // a week full of the demo's own cases

const suite = staffSuite({
  makeDb: demoDb,
  roles: ['inspector', 'handler', 'leader', 'admin', 'auditor', ['insp_b', 'inspector.002']],
  prepare: () => {
    // Ten days before the demo's last case: inside its month of cases.
    const last = Number(sql(ws.db, 'SELECT max(created_at) FROM case_file'));
    demoWeek = isoWeek((last - 10 * 86400 + OFFSET) * 1000);
    const monday = sql(ws.db, `SELECT date(${last - 10 * 86400 + OFFSET}, 'unixepoch', 'weekday 0', '-6 days')`);
    // The demo's hot spot: 15 of one category in one grid, midweek.
    plant(GRID_B, CAT2, localMidnight(monday, 2), 15);
    // A quiet week (2026-W40, from Monday 2026-09-28): 2 a week for the
    // eight weeks before, then 12 in street A; 5 with no history in
    // street B; duplicates and voided ones do not count.
    plantWeeks(GRID_A, CAT, '2026-08-03', [2, 2, 2, 2, 2, 2, 2, 2, 12]);
    plant(GRID_B, CAT, localMidnight('2026-09-28', 1), 5);
    plant(GRID_A2, CAT, localMidnight('2026-09-28', 1), 9, 'merged');
    plant(GRID_A2, CAT, localMidnight('2026-09-28', 2), 9, 'void');
    // A clean-up from 2026-06-01: ten a week for eight weeks before, then
    // 2, 1, 9: fell and came back in the third week (GRID_A); 2 a week:
    // held (GRID_A2); 9 and 10: never fell (GRID_A3).
    const before8 = [10, 10, 10, 10, 10, 10, 10, 10];
    plantWeeks(GRID_A, CAT, '2026-04-06', [...before8, 2, 1, 9, 10, 10, 10, 10, 10]);
    plantWeeks(GRID_A2, CAT, '2026-04-06', [...before8, 2, 2, 2, 2, 2, 2, 2, 2]);
    plantWeeks(GRID_A3, CAT, '2026-04-06', [...before8, 9, 10, 10, 10, 9, 10, 10, 10]);
  },
});
const { ws, token, as: api } = suite;

async function get(who, path) {
  const r = await api(who).get(path);
  assert.equal(r.status, 200, `${who} ${path}: ${r.text}`);
  return r.json;
}

const key = (r) => `${r.code} ${r.category}`;

describe('hot spots', () => {
  test('the planted spot in a week of the demo\'s cases comes first', async () => {
    const j = await get('admin', `/api/v1/hotspots?period=${demoWeek}`);
    assert.equal(j.period.name, demoWeek);
    assert.ok(j.tested > 1, 'the demo\'s grids were tested too');
    assert.ok(j.rows.length >= 1);
    const top = j.rows[0];
    assert.equal(key(top), `${GRID_B} ${CAT2}`, JSON.stringify(j.rows.slice(0, 3)));
    assert.equal(top.count, 15);
    assert.equal(top.weeks.length, 9);
    assert.equal(top.weeks[8], 15);
    assert.equal(top.category_name, '供水井盖');
    assert.match(top.name, /网格$/);
    assert.ok(top.p < 1e-6);
    assert.equal(top.center.length, 2);
    assert.match(top.geometry, /^\/api\/v1\/grids\?bbox=/);
    // Every row flagged by the rule, most significant first.
    for (const [i, r] of j.rows.entries()) {
      assert.ok(r.p < j.params.alpha && r.count >= j.params.min_count, JSON.stringify(r));
      if (i > 0) assert.ok(j.rows[i - 1].p <= r.p);
    }
    // The geometry link answers with the grid.
    const g = await api('admin').get(top.geometry);
    assert.equal(g.status, 200);
    assert.ok(g.json.features.some((f) => (f.properties?.code ?? f.id) === GRID_B), g.text.slice(0, 200));
  });

  test('a quiet week: the formula\'s numbers, in order of p', async () => {
    const j = await get('admin', '/api/v1/hotspots?period=2026-W40');
    assert.equal(j.period.from, '2026-09-28');
    assert.equal(j.first_day, '2026-08-03');
    assert.deepEqual(j.rows.map(key), [`${GRID_A} ${CAT}`, `${GRID_B} ${CAT}`]);
    const [a, b] = j.rows;
    assert.deepEqual(a.weeks, [2, 2, 2, 2, 2, 2, 2, 2, 12]);
    assert.equal(a.count, 12);
    assert.equal(a.mean, 2);
    assert.equal(a.sd, 0);
    assert.equal(a.expected, 2);
    assert.equal(a.z, 7.07); // (12 - 2) / √2
    // P(X ≥ 12 | λ = 2), summed by hand: 1 - e^-2 Σ_{k<12} 2^k / k!
    let cdf = 0, term = Math.exp(-2);
    for (let k = 0; k < 12; k++) { cdf += term; term *= 2 / (k + 1); }
    assert.ok(Math.abs(a.p - (1 - cdf)) < 1e-12, `${a.p} vs ${1 - cdf}`);
    // 5 with no history: λ floored at 0.5.
    assert.equal(b.count, 5);
    assert.equal(b.expected, 0.5);
    assert.ok(b.p > a.p && b.p < 0.01);
    // Merged and voided reports are not counted: GRID_A2 is not there.
    const one = await get('admin', `/api/v1/hotspots?period=2026-W40&category=${CAT}&area=${GRID_A2}`);
    assert.deepEqual(one.rows, []);
    assert.equal(one.tested, 0);
    // Another category: none.
    assert.deepEqual((await get('admin', `/api/v1/hotspots?period=2026-W40&category=${CAT2}`)).rows, []);
  });

  test('scoped: a street\'s staff see their street, a department none', async () => {
    const a = await get('inspector', '/api/v1/hotspots?period=2026-W40');
    assert.deepEqual(a.rows.map(key), [`${GRID_A} ${CAT}`]);
    const b = await new Client(suite.server, { bearer: token.insp_b }).get('/api/v1/hotspots?period=2026-W40');
    assert.equal(b.status, 200);
    assert.deepEqual(b.json.rows.map(key), [`${GRID_B} ${CAT}`]);
    assert.equal((await get('leader', '/api/v1/hotspots?period=2026-W40')).rows.length, 2);
    assert.deepEqual((await get('handler', '/api/v1/hotspots?period=2026-W40')).rows, []);
    assertError(await api('inspector').get(`/api/v1/hotspots?period=2026-W40&area=${GRID_B}`),
      404, 'not_found', 'area');
    assertError(await api('handler').get('/api/v1/hotspots?period=2026-W40&area=110101001'),
      404, 'not_found', 'area');
    assertError(await api('auditor').get('/api/v1/hotspots?period=2026-W40'), 403, 'forbidden');
    assert.equal((await new Client(suite.server).get('/api/v1/hotspots?period=2026-W40')).status, 401);
  });

  test('400 naming period, category or area', async () => {
    const a = api('admin');
    assertError(await a.get('/api/v1/hotspots'), 400, 'invalid', 'period');
    for (const p of ['2026-11', '2026-11-23', '2026-W54', 'soon']) {
      assertError(await a.get(`/api/v1/hotspots?period=${p}`), 400, 'invalid', 'period');
    }
    assertError(await a.get('/api/v1/hotspots?period=2026-W40&category=99999'), 400, 'invalid', 'category');
    assertError(await a.get(`/api/v1/hotspots?period=2026-W40&category=${'9'.repeat(40)}`), 400, 'invalid', 'category');
    assertError(await a.get('/api/v1/hotspots?period=2026-W40&area=abc'), 400, 'invalid', 'area');
    assertError(await a.get('/api/v1/hotspots?period=2026-W40&area=110101999'), 404, 'not_found', 'area');
  });
});

describe('rebounds', () => {
  test('fell then came back is found; fell and stayed, never fell are not', async () => {
    const j = await get('admin', `/api/v1/rebounds?since=2026-06-01&category=${CAT}`);
    assert.equal(j.since, '2026-06-01');
    assert.equal(j.first_day, '2026-04-06');
    assert.deepEqual(j.params, { before_weeks: 8, weeks: 8, fall_percent: 50, threshold_percent: 80, min_level: 1 });
    assert.equal(j.tested, 3);
    assert.deepEqual(j.rows.map(key), [`${GRID_A} ${CAT}`]);
    const r = j.rows[0];
    assert.equal(r.level, 10);
    assert.equal(r.fell_week, 1);
    assert.equal(r.low, 1);
    assert.equal(r.back_week, 3);
    assert.equal(r.back_count, 9);
    assert.equal(r.back_percent, 90);
    assert.deepEqual(r.weeks.slice(8, 11), [2, 1, 9]);
    // Back to 95 % a week later; never to 105 %; not within two weeks;
    // to 90 % within three.
    const later = await get('admin', '/api/v1/rebounds?since=2026-06-01&threshold=95');
    assert.deepEqual(later.rows.map((x) => [x.back_week, x.back_count]), [[4, 10]]);
    assert.deepEqual((await get('admin', '/api/v1/rebounds?since=2026-06-01&threshold=105')).rows, []);
    assert.deepEqual((await get('admin', '/api/v1/rebounds?since=2026-06-01&weeks=2')).rows, []);
    assert.equal((await get('admin', '/api/v1/rebounds?since=2026-06-01&weeks=3&threshold=90')).rows.length, 1);
  });

  test('scoped, and 400 naming since, weeks or threshold', async () => {
    assert.equal((await get('inspector', '/api/v1/rebounds?since=2026-06-01')).rows.length, 1);
    const b = await new Client(suite.server, { bearer: token.insp_b }).get('/api/v1/rebounds?since=2026-06-01');
    assert.deepEqual(b.json.rows, []);
    assert.deepEqual((await get('handler', '/api/v1/rebounds?since=2026-06-01')).rows, []);
    const a = api('admin');
    assertError(await a.get('/api/v1/rebounds'), 400, 'invalid', 'since');
    for (const s of ['2026-06', '2026-02-30', 'June']) {
      assertError(await a.get(`/api/v1/rebounds?since=${s}`), 400, 'invalid', 'since');
    }
    for (const w of ['0', '53', 'x']) {
      assertError(await a.get(`/api/v1/rebounds?since=2026-06-01&weeks=${w}`), 400, 'invalid', 'weeks');
    }
    for (const t of ['0', '1001', '8.5x']) {
      assertError(await a.get(`/api/v1/rebounds?since=2026-06-01&threshold=${t}`), 400, 'invalid', 'threshold');
    }
    assertError(await a.get('/api/v1/rebounds?since=2026-06-01&category=nope'), 400, 'invalid', 'category');
    assertError(await a.get('/api/v1/rebounds?since=2026-06-01&area=110101999'), 404, 'not_found', 'area');
  });
});

// assessment.test.mjs - GET /api/v1/assessment/{kind} and the scheme, on
// the demo city (a month of cases walked through the workflow): every
// kind and every form of period, ranked by score then code with the
// grades of the bands; sums over departments and over streets equal the
// district's; "previous" is the ranking of the period before; 400s naming
// period, kind and area; who sees which rows (a street's staff, another
// street, a department's own row, the district's leader); the scheme's
// versions (admin only, audited, a period scored by the version in force
// at its end); `urbangrid assess rank` prints the same ranking.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';

import { assertError, Client, demoDb, sql, staffSuite, ug, ugOk } from './lib/server.mjs';

let month;     // the month most of the demo's cases are in, "YYYY-MM"
let prevMonth;
const suite = staffSuite({
  makeDb: demoDb,
  roles: ['inspector', 'receptionist', 'shift_leader', 'dispatcher', 'handler', 'leader',
    'admin', 'auditor', ['insp_b', 'inspector.002'], ['handler_sz', 'handler.sz']],
  prepare: ({ ws }) => {
    // The month with most history lines.
    const ym = sql(ws.db, 'SELECT month FROM assess_month GROUP BY month ORDER BY SUM(events) DESC LIMIT 1');
    month = `${ym.slice(0, 4)}-${ym.slice(4, 6)}`;
    const d = new Date(Date.UTC(Number(ym.slice(0, 4)), Number(ym.slice(4, 6)) - 2, 1));
    prevMonth = d.toISOString().slice(0, 7);
  },
});
const { ws, token, as: api } = suite;

const KINDS = ['inspectors', 'receptionists', 'shift_leaders', 'dispatchers', 'departments',
  'grids', 'communities', 'streets', 'districts'];
const DISTRICT = '110101';
const STREET_A = '110101001';
const STREET_B = '110101002';

// The city's days are at +08:00 (the demo's calendar).
const localDay = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 10);

async function ranking(who, kind, query) {
  const r = await api(who).get(`/api/v1/assessment/${kind}?${query}`);
  assert.equal(r.status, 200, `${who} ${kind} ${query}: ${r.text}`);
  return r.json;
}

// The grade the scheme's bands give a score.
function grade(scheme, score) {
  for (const g of ['A', 'B', 'C', 'D']) if (score >= scheme.bands[g]) return g;
  return 'E';
}

// Ranked by score (highest first), equal scores by code, unscored last by
// code; ranks 1..n of the scored; grades the bands'.
function assertRanked(j) {
  let scored = 0;
  j.rows.forEach((row, i) => {
    if (row.score === null) {
      assert.equal(row.rank, null, JSON.stringify(row));
      assert.equal(row.grade, null);
      if (i > 0 && j.rows[i - 1].score === null) assert.ok(j.rows[i - 1].code < row.code);
      return;
    }
    scored++;
    assert.equal(i, scored - 1, 'the scored rows come first');
    assert.equal(row.rank, i + 1);
    assert.ok(row.score >= 0 && row.score <= 100);
    assert.equal(row.grade, grade(j.scheme, row.score), JSON.stringify(row));
    for (const v of Object.values(row.rates)) assert.ok(v === null || (v >= 0 && v <= 100), JSON.stringify(row.rates));
    if (i > 0) {
      const p = j.rows[i - 1];
      assert.ok(p.score > row.score || (p.score === row.score && p.code < row.code),
        `${p.code} ${p.score} before ${row.code} ${row.score}`);
    }
  });
  return scored;
}

const sum = (rows, counter) => rows.reduce((n, r) => n + r.counters[counter], 0);

describe('rankings', () => {
  test('every kind, ranked by score then code, graded by the bands', async () => {
    for (const kind of KINDS) {
      const j = await ranking('admin', kind, `period=${month}`);
      assert.equal(j.kind, kind);
      assert.equal(j.period.name, month);
      assert.equal(j.period.from, `${month}-01`);
      assert.equal(j.previous_period.name, prevMonth);
      assert.equal(j.scheme.version, 0);
      assert.equal(j.ranked, j.rows.length);
      assert.ok(j.rows.length > 0, kind);
      const scored = assertRanked(j);
      // The demo's receptionists send no verifications: their only rate
      // has nothing to count, and the volume alone scores nothing
      // (below: one sent today is scored).
      if (kind === 'receptionists') assert.equal(scored, 0);
      else assert.ok(scored > 0, `${kind}: nothing scored`);
      for (const row of j.rows) {
        assert.equal(typeof row.code, 'string');
        assert.equal(typeof row.name, 'string');
        assert.equal(Object.keys(row.counters).length, 35);
        assert.ok('score' in row.previous && 'rank' in row.previous);
      }
    }
  });

  test('a receptionist who sends a verification is scored for the day', async () => {
    const r = api('receptionist');
    const made = await r.post('/api/v1/cases', {
      category: '06010', description: '路口有暴露垃圾', source: 'hotline', urgency: 'normal', area: STREET_A,
    });
    assert.equal(made.status, 201, made.text);
    const sent = await r.post(`/api/v1/cases/${made.json.id}/actions/verify-assign`,
      { version: made.json.version, inspector: 'inspector' });
    assert.equal(sent.status, 200, sent.text);
    const today = localDay(Date.now());
    const j = await ranking('admin', 'receptionists', `period=${today}`);
    const row = j.rows.find((x) => x.code === 'receptionist');
    assert.equal(row.counters.verify_sent, 1);
    assert.equal(row.counters.verify_sent_on_time, 1);
    assert.equal(row.rates.verify_sent_on_time_rate, 100);
    // The day's reports taken, per 30 days, on the default steps; then
    // 0.25 * volume + 0.75 * 100.
    const perMonth = row.counters.reported * 30;
    assert.equal(row.volume_per_30_days, perMonth);
    const volume = perMonth >= 2001 ? 100 : perMonth >= 1201 ? 90 : perMonth >= 501 ? 75 : perMonth >= 301 ? 60 : 0;
    assert.equal(row.rates.volume, volume);
    assert.equal(row.score, 0.25 * volume + 75);
    assert.equal(row.grade, grade(j.scheme, row.score));
    assert.equal(row.rank, 1);
  });

  test('the counters add up: departments and streets to the district, the district to the history', async () => {
    const departments = (await ranking('admin', 'departments', `period=${month}`)).rows;
    const streets = (await ranking('admin', 'streets', `period=${month}`)).rows;
    const [district] = (await ranking('admin', 'districts', `period=${month}`)).rows.filter((r) => r.code === DISTRICT);
    // Every dispatch, handling, check and closure is of a department.
    for (const c of ['dispatched', 'to_handle', 'handled', 'handled_on_time', 'rework', 'to_close', 'closed']) {
      assert.equal(sum(departments, c), district.counters[c], c);
    }
    for (const c of ['reported', 'filed', 'dispatched', 'handled', 'closed', 'valid_public']) {
      assert.equal(sum(streets, c), district.counters[c], c);
    }
    // An independent recount over the history: the month's local days.
    const [y, m] = month.split('-').map(Number);
    const from = Date.UTC(y, m - 1, 1) / 1000 - 8 * 3600;
    const to = Date.UTC(y, m, 1) / 1000 - 8 * 3600;
    const count = (where) => Number(sql(ws.db,
      `SELECT COUNT(*) FROM case_event WHERE at >= ${from} AND at < ${to} AND ${where}`));
    assert.equal(district.counters.reported, count("action = 'report'"));
    assert.equal(district.counters.closed, count("action = 'close'"));
    assert.equal(district.counters.dispatched, count("action = 'dispatch'"));
  });

  test('every form of period, with the period before', async () => {
    const day = `${month}-15`;
    const [y, m] = month.split('-').map(Number);
    const q = Math.floor((m - 1) / 3) + 1;
    const forms = {
      [day]: [day, day, 'previous day'],
      [`${y}-Q${q}`]: [`${y}-${String(3 * q - 2).padStart(2, '0')}-01`, null, 'quarter'],
      [`${y}`]: [`${y}-01-01`, `${y}-12-31`, 'year'],
      [`${month}-03..${month}-12`]: [`${month}-03`, `${month}-12`, 'range'],
      [month]: [`${month}-01`, null, 'month'],
    };
    for (const [period, [from, to]] of Object.entries(forms)) {
      const j = await ranking('admin', 'streets', `period=${encodeURIComponent(period)}`);
      assert.equal(j.period.from, from, period);
      if (to) assert.equal(j.period.to, to, period);
      assertRanked(j);
    }
    // An ISO week: Monday to Sunday, the one before it.
    const w = await ranking('admin', 'streets', 'period=2026-W48');
    assert.deepEqual(w.period, { name: '2026-W48', from: '2026-11-23', to: '2026-11-29' });
    assert.deepEqual(w.previous_period, { name: '2026-W47', from: '2026-11-16', to: '2026-11-22' });
    const w53 = await ranking('admin', 'streets', 'period=2026-W53');
    assert.deepEqual(w53.period, { name: '2026-W53', from: '2026-12-28', to: '2027-01-03' });
    const r = await ranking('admin', 'streets', `period=${month}-03..${month}-12`);
    assert.equal(r.previous_period.to, `${month}-02`);
    assert.equal(r.previous_period.name.split('..').length, 2);
  });

  test('"previous" is the ranking of the period before', async () => {
    // The week with the most lines and the week before it: both have
    // scored rows.
    for (const kind of ['streets', 'departments', 'inspectors']) {
      const now = await ranking('admin', kind, 'period=2026-W48');
      const before = await ranking('admin', kind, 'period=2026-W47');
      const was = Object.fromEntries(before.rows.map((row) => [row.code, { score: row.score, rank: row.rank }]));
      for (const row of now.rows) assert.deepEqual(row.previous, was[row.code], `${kind} ${row.code}`);
      assert.ok(now.rows.some((row) => row.previous.rank !== null), kind);
    }
  });

  test('400 naming period, kind or area; 404 for an area out of sight', async () => {
    const a = api('admin');
    assertError(await a.get(`/api/v1/assessment/streets`), 400, 'invalid', 'period');
    for (const p of ['2026-13', '2021-W53', '2026-Q5', '2026-02-29', '2026-11-15..2026-11-01', 'last-month']) {
      assertError(await a.get(`/api/v1/assessment/streets?period=${p}`), 400, 'invalid', 'period');
    }
    assertError(await a.get(`/api/v1/assessment/wards?period=${month}`), 400, 'invalid', 'kind');
    assertError(await a.get(`/api/v1/assessment/streets?period=${month}&area=abc`), 400, 'invalid', 'area');
    // A code of the right shape that is not a division: as one out of sight.
    assertError(await a.get(`/api/v1/assessment/streets?period=${month}&area=110101999`), 404, 'not_found', 'area');
    const other = await api('inspector').get(`/api/v1/assessment/grids?period=${month}&area=${STREET_B}`);
    assertError(other, 404, 'not_found', 'area');
    assert.doesNotMatch(other.text, new RegExp(`${STREET_B}\\d`));
  });
});

describe('who sees which rows', () => {
  test('a street\'s inspector: its street\'s grids, communities and inspectors', async () => {
    const grids = await ranking('inspector', 'grids', `period=${month}`);
    assert.ok(grids.rows.length > 0);
    assert.ok(grids.rows.every((r) => r.code.startsWith(STREET_A)), 'only street A\'s grids');
    assertRanked(grids);
    const all = await ranking('admin', 'grids', `period=${month}&area=${STREET_A}`);
    assert.deepEqual(grids.rows, all.rows, 'ranked among themselves, as the admin sees the street');
    const inspectors = await ranking('inspector', 'inspectors', `period=${month}`);
    const units = Object.fromEntries(sql(ws.db, "SELECT username || ' ' || unit_code FROM app_user WHERE role = 'inspector'")
      .split('\n').map((l) => l.split(' ')));
    assert.ok(inspectors.rows.length > 0);
    assert.ok(inspectors.rows.every((r) => units[r.code] === STREET_A));
    const streets = await ranking('inspector', 'streets', `period=${month}`);
    assert.deepEqual(streets.rows.map((r) => r.code), [STREET_A]);
    // Another street's inspector sees none of street A's.
    const b = await new Client(suite.server, { bearer: token.insp_b }).get(`/api/v1/assessment/grids?period=${month}`);
    assert.equal(b.status, 200);
    assert.ok(b.json.rows.length > 0);
    assert.ok(b.json.rows.every((r) => r.code.startsWith(STREET_B)));
    const narrowed = await ranking('inspector', 'grids', `period=${month}&area=${grids.rows[0].code.slice(0, 12)}`);
    assert.ok(narrowed.rows.length > 0 && narrowed.rows.length <= grids.rows.length);
  });

  test('a department sees its own row, ranked among all departments, and no area', async () => {
    const all = await ranking('admin', 'departments', `period=${month}`);
    for (const [who, code] of [['handler', '110101-HW'], ['handler_sz', '110101-SZ']]) {
      const mine = await ranking(who, 'departments', `period=${month}`);
      assert.equal(mine.rows.length, 1, who);
      assert.equal(mine.rows[0].code, code);
      assert.equal(mine.ranked, all.rows.length);
      assert.deepEqual(mine.rows[0], all.rows.find((r) => r.code === code));
      assert.deepEqual((await ranking(who, 'streets', `period=${month}`)).rows, []);
      assert.deepEqual((await ranking(who, 'inspectors', `period=${month}`)).rows, []);
    }
    assertError(await api('handler').get(`/api/v1/assessment/grids?period=${month}&area=${STREET_A}`),
      404, 'not_found', 'area');
  });

  test('the district\'s leader sees every street; the auditor none', async () => {
    const leader = await ranking('leader', 'streets', `period=${month}`);
    const admin = await ranking('admin', 'streets', `period=${month}`);
    assert.deepEqual(leader.rows, admin.rows);
    assert.equal(leader.rows.length, Number(sql(ws.db, "SELECT COUNT(*) FROM division WHERE level = 'street'")));
    assertError(await api('auditor').get(`/api/v1/assessment/streets?period=${month}`), 403, 'forbidden');
  });
});

describe('the scheme', () => {
  test('read by the staff, changed by the admin alone, every bad value refused', async () => {
    const g = await api('inspector').get('/api/v1/assessment/scheme');
    assert.equal(g.status, 200, g.text);
    assert.equal(g.json.current.version, 0);
    assert.deepEqual(g.json.current.bands, { A: 90, B: 75, C: 60, D: 40 });
    assert.deepEqual(g.json.versions, []);
    assertError(await api('leader').request('PUT', '/api/v1/assessment/scheme', { body: {} }), 403, 'forbidden');
    const a = api('admin');
    const put = (body) => a.request('PUT', '/api/v1/assessment/scheme', { body });
    assertError(await put({ weights: { inspectors: { valid_report_rate: 0.5, found_rate: 0.2,
      verify_on_time_rate: 0.2, check_on_time_rate: 0.2 } } }), 400, 'invalid', 'weights.inspectors');
    assertError(await put({ bands: { A: 90, B: 91, C: 60, D: 40 } }), 400, 'invalid', 'bands.B');
    assertError(await put({ volume: { areas: [[1, 100]] } }), 400, 'invalid', 'volume.areas');
    assertError(await put({ colour: 'red' }), 400, 'invalid', 'colour');
    assertError(await put({ bands: { A: 95, B: 80, C: 60, D: 40 }, effective: '2020-01-01T00:00:00+08:00' }),
      400, 'invalid', 'effective');
    assertError(await put({ effective: 'tomorrow' }), 400, 'invalid', 'effective');
    const still = await a.get('/api/v1/assessment/scheme');
    assert.deepEqual(still.json.versions, [], 'nothing refused was kept');
  });

  test('a period is scored by the version in force at its end; the edit is audited', async () => {
    const a = api('admin');
    // Version 1 from 2030: 2029-12 keeps version 0, 2030-01 has 1.
    const v1 = await a.request('PUT', '/api/v1/assessment/scheme', {
      body: { bands: { A: 95, B: 80, C: 65, D: 45 }, effective: '2030-01-01T00:00:00+08:00' },
    });
    assert.equal(v1.status, 200, v1.text);
    assert.equal(v1.json.version, 1);
    assert.equal((await ranking('admin', 'streets', 'period=2029-12')).scheme.version, 0);
    const jan = await ranking('admin', 'streets', 'period=2030-01');
    assert.equal(jan.scheme.version, 1);
    assert.equal(jan.scheme.bands.A, 95);
    assert.equal((await ranking('admin', 'streets', 'period=2029-12-31..2030-01-01')).scheme.version, 1);
    // Not before the last version's instant.
    assertError(await a.request('PUT', '/api/v1/assessment/scheme', {
      body: { effective: '2029-06-01T00:00:00+08:00' },
    }), 400, 'invalid', 'effective');
    // Version 2 from 2031, built on version 1: its bands kept, the
    // departments weighed by on-time handling alone.
    const v2 = await a.request('PUT', '/api/v1/assessment/scheme', {
      body: {
        effective: '2031-01-01T00:00:00+08:00',
        weights: { departments: { closure_rate: 0, handled_on_time_rate: 1, no_rework_rate: 0, satisfaction_rate: 0 } },
      },
    });
    assert.equal(v2.status, 200, v2.text);
    assert.equal(v2.json.version, 2);
    assert.equal(v2.json.bands.A, 95);
    const s = await a.get('/api/v1/assessment/scheme');
    assert.deepEqual(s.json.versions.map((v) => v.version), [2, 1]);
    assert.equal(s.json.current.version, 0, 'neither is in force yet');
    // Audited: before and after.
    const audit = await api('auditor').get('/api/v1/audit?action=assess.scheme');
    assert.equal(audit.status, 200, audit.text);
    assert.equal(audit.json.events.length, 2);
    assert.equal(audit.json.events[1].actor, 'admin');
    assert.equal(audit.json.events[1].before.bands.A, 90);
    assert.equal(audit.json.events[1].after.bands.A, 95);
    assert.equal(audit.json.events[0].detail.version, 2);
  });

  test('a version in force from now scores today, not yesterday', async () => {
    // The last version is from 2031: the command line cannot go back
    // either, so this runs on a copy of the database without them.
    const copy = `${ws.db}.now.db`;
    ugOk(['backup', '--db', ws.db, '--output', copy]);
    sql(copy, 'DELETE FROM assess_scheme');
    const file = `${ws.db}.scheme.json`;
    writeFileSync(file, JSON.stringify({ bands: { A: 99.5, B: 99, C: 98, D: 97 } }));
    const edit = ugOk(['assess', 'scheme', '--db', copy, '--set', file]);
    assert.equal(JSON.parse(edit).version, 1);
    const today = localDay(Date.now());
    const yesterday = localDay(Date.now() - 86400e3);
    const rank = (period) => JSON.parse(ugOk(['assess', 'rank', 'streets', '--db', copy, '--period', period, '--json']));
    const t = rank(today);
    assert.equal(t.scheme.version, 1);
    assertRanked(t);
    assert.equal(rank(yesterday).scheme.version, 0);
  });
});

test('urbangrid assess rank prints the API\'s ranking', async () => {
  for (const kind of ['streets', 'departments']) {
    const fromApi = await ranking('admin', kind, `period=${month}`);
    const cli = JSON.parse(ugOk(['assess', 'rank', kind, '--db', ws.db, '--period', month, '--json']));
    assert.deepEqual(cli.rows, fromApi.rows);
    const text = ugOk(['assess', 'rank', kind, '--db', ws.db, '--period', month]);
    const lines = text.trim().split('\n');
    assert.equal(lines.length, 2 + fromApi.rows.length);
    assert.match(lines[2], new RegExp(`^ +1 +${fromApi.rows[0].code} `));
  }
  const bad = ug(['assess', 'rank', 'wards', '--db', ws.db, '--period', month]);
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /kind must be/);
  const noPeriod = ug(['assess', 'rank', 'streets', '--db', ws.db]);
  assert.equal(noPeriod.status, 2, noPeriod.stderr);
});

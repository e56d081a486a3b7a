// assessment-hours.test.mjs - GET /api/v1/assessment/hours, the
// command-centre screen's numbers, on the demo city: the hours add up to
// the day's totals, and the totals equal the day's counters the rankings
// read (GET /api/v1/assessment/{kind}?period=DAY) for each caller's sight
// (the admin's whole city, the district's leader, a street's inspector, a
// department's handler); the reports by hour and by category against a
// recount in SQL over case_event written here; a report filed now shows
// in today's current hour; 400 naming `day`; who may ask.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { assertError, Client, demoDb, sql, staffSuite } from './lib/server.mjs';

const OFFSET = 8 * 3600; // the demo's calendar: +08:00
let day;       // the demo's busiest day, "YYYY-MM-DD"
let dayStart;  // its first instant, seconds
const suite = staffSuite({
  makeDb: demoDb,
  roles: ['inspector', 'leader', 'admin', 'handler', 'auditor', 'security_admin',
    ['insp_b', 'inspector.002']],
  prepare: ({ ws }) => {
    const d = sql(ws.db, 'SELECT day FROM assess_day GROUP BY day ORDER BY SUM(events) DESC, day LIMIT 1');
    day = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
    dayStart = Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8))) / 1000 - OFFSET;
  },
});
const { ws, as: api } = suite;

async function hours(who, query = `day=${day}`) {
  const r = await api(who).get(`/api/v1/assessment/hours?${query}`);
  assert.equal(r.status, 200, `${who}: ${r.text}`);
  return r.json;
}

function assertHoursAddUp(h) {
  for (const [name, list] of Object.entries(h.hours)) {
    assert.equal(list.length, 24, name);
    assert.equal(list.reduce((a, b) => a + b, 0), h.totals[name], name);
  }
}

// The counters of the row `code` of `kind` for the day, as the ranking
// gives them to `who`.
async function rowCounters(who, kind, code) {
  const r = await api(who).get(`/api/v1/assessment/${kind}?period=${day}`);
  assert.equal(r.status, 200, r.text);
  const row = r.json.rows.find((x) => x.code === code);
  assert.ok(row, `${who} sees no ${kind} row ${code}`);
  return row.counters;
}

describe('GET /api/v1/assessment/hours', () => {
  test('the admin: the whole city, the sum of the districts, reports recounted in SQL', async () => {
    const h = await hours('admin');
    assert.equal(h.day, day);
    assert.equal(h.from, `${day}T00:00:00+08:00`);
    assertHoursAddUp(h);
    assert.ok(h.totals.reported > 0 && h.totals.filed > 0, JSON.stringify(h.totals));
    const districts = await api('admin').get(`/api/v1/assessment/districts?period=${day}`);
    for (const name of Object.keys(h.totals)) {
      const sum = districts.json.rows.reduce((a, r) => a + r.counters[name], 0);
      assert.equal(h.totals[name], sum, name);
    }
    // Reports by local hour and by category, counted here from the history.
    const byHour = Object.fromEntries(sql(ws.db, `SELECT (at - ${dayStart}) / 3600, count(*) FROM case_event
      WHERE action = 'report' AND at >= ${dayStart} AND at < ${dayStart + 86400} GROUP BY 1`)
      .split('\n').filter(Boolean).map((l) => l.split('|').map(Number)));
    for (let k = 0; k < 24; k++) assert.equal(h.hours.reported[k], byHour[k] ?? 0, `hour ${k}`);
    const byCat = sql(ws.db, `SELECT c.category, count(*) FROM case_event e JOIN case_file c ON c.id = e.case_id
      WHERE e.action = 'report' AND e.at >= ${dayStart} AND e.at < ${dayStart + 86400}
      GROUP BY 1 ORDER BY 2 DESC, 1`).split('\n').filter(Boolean)
      .map((l) => { const [code, n] = l.split('|'); return { code, reported: Number(n) }; });
    assert.deepEqual(h.categories, byCat);
  });

  test("each caller's sight: the day's counters of its row", async () => {
    const leader = await hours('leader');
    assertHoursAddUp(leader);
    assert.deepEqual(leader.totals, await rowCounters('leader', 'districts', '110101'));
    const street = await hours('insp_b');
    assertHoursAddUp(street);
    assert.deepEqual(street.totals, await rowCounters('insp_b', 'streets', '110101002'));
    assert.ok(street.totals.reported < leader.totals.reported);
    const handler = await hours('handler');
    assertHoursAddUp(handler);
    const me = await api('handler').get('/api/v1/session');
    assert.deepEqual(handler.totals, await rowCounters('handler', 'departments', me.json.user.unit.code));
    assert.equal(handler.totals.reported, 0); // a department reports nothing
    assert.ok(handler.totals.dispatched > 0);
    // Narrowed to an area: the admin's street B is the street's row.
    const b = await hours('admin', `day=${day}&area=110101002`);
    assert.equal(b.area, '110101002');
    assert.deepEqual(b.totals, street.totals);
  });

  test('today by default: a report filed now counts in this hour', async () => {
    const before0 = await hours('leader', '');
    const now = Math.floor(Date.now() / 1000);
    const hour = Math.floor(((now + OFFSET) % 86400) / 3600);
    assert.equal(before0.day, new Date((now + OFFSET) * 1000).toISOString().slice(0, 10));
    const lat = Number(sql(ws.db, "SELECT lat FROM case_file WHERE area LIKE '110101001%' AND lat IS NOT NULL LIMIT 1"));
    const lon = Number(sql(ws.db, "SELECT lon FROM case_file WHERE area LIKE '110101001%' AND lat IS NOT NULL LIMIT 1"));
    const r = await api('inspector').post('/api/v1/cases', {
      category: '06010', description: '大屏测试：路口有暴露垃圾', source: 'inspector', urgency: 'normal', lon, lat,
    });
    assert.equal(r.status, 201, r.text);
    const after0 = await hours('leader', '');
    // The hour may have turned between the two reads: then the report is in the new one.
    const nowHour = Math.floor(((Math.floor(Date.now() / 1000) + OFFSET) % 86400) / 3600);
    assert.equal(after0.totals.reported, before0.totals.reported + 1);
    assert.ok(after0.hours.reported[nowHour] >= 1 && (hour !== nowHour
      || after0.hours.reported[hour] === before0.hours.reported[hour] + 1));
  });

  test('400 naming day or area; 404 for an area out of sight; 401; 403 for the roles that read no case', async () => {
    for (const bad of ['2026-02-30', '2026-11', '2026-W48', 'today', '2026-11-01..2026-11-02']) {
      assertError(await api('admin').get(`/api/v1/assessment/hours?day=${encodeURIComponent(bad)}`),
        400, 'invalid', 'day');
    }
    assertError(await api('admin').get(`/api/v1/assessment/hours?area=abc`), 400, 'invalid', 'area');
    // Outside the caller's sight, as one that does not exist; a department has no area.
    assertError(await api('insp_b').get(`/api/v1/assessment/hours?area=110101001`), 404, 'not_found', 'area');
    assertError(await api('handler').get(`/api/v1/assessment/hours?area=110101`), 404, 'not_found', 'area');
    assertError(await new Client(suite.server).get(`/api/v1/assessment/hours?day=${day}`), 401, 'unauthenticated');
    assertError(await api('auditor').get(`/api/v1/assessment/hours?day=${day}`), 403, 'forbidden');
    assertError(await api('security_admin').get(`/api/v1/assessment/hours?day=${day}`), 403, 'forbidden');
  });
});

// patrol.test.mjs - 定人定岗定责 (docs/patrol.md): beats assigned by a
// shift leader with effective dates (one inspector per grid at a time,
// the history kept, no change in the past), shifts, the track (late
// points welcome, impossible ones refused naming the point, nothing
// written), the day's coverage and tracks against figures worked out
// here, my day with its counters (漏报 included), idempotent track posts,
// and patrol prune.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { emptyDemoDb } from './lib/cases.mjs';
import { assertError, createToken, sql, staffSuite, ug, ugOk } from './lib/server.mjs';

const suite = staffSuite({
  makeDb: emptyDemoDb,
  roles: ['inspector', 'shift_leader', 'leader', 'admin', 'receptionist', 'security_admin'],
  opts: () => ({ env: { URBANGRID_TEST_CLOCK: iso(now()) } }),
  started: addStaff,
});
const { ws, servers, token, as } = suite;
const id = {};
const grid = {};

// Three points of street 110101001, each in its own unit grid (the demo
// city's), 85 m and 170 m apart along a parallel.
const P1 = [116.4170, 39.9625];
const P2 = [116.4180, 39.9625];
const P3 = [116.4200, 39.9625];

const DAY = 86400e3;
// The city's local day (UTC+8) of a JS time, as YYYY-MM-DD.
const localDay = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 10);
// The server's clock, and so the test's, is set to noon of the city's
// day (URBANGRID_TEST_CLOCK): the shift, the walk and the day's coverage
// then lie in one local day whenever the suite runs - at 00:10 local time
// a walk begun 20 minutes before was yesterday's.
const SHIFT = (() => {
  const local = Date.now() + 8 * 3600e3;
  return Math.floor(local / DAY) * DAY + 12 * 3600e3 - local;
})();
const now = () => Date.now() + SHIFT;
const today = () => localDay(now());
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const count = (table, where = '1') => Number(sql(ws.db, `SELECT COUNT(*) FROM ${table} WHERE ${where}`));

function haversine([lon1, lat1], [lon2, lat2]) {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2
    + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(a));
}

async function addStaff() {
  for (const [username, role, unit] of [
    ['insp_a2', 'inspector', '110101001'], ['insp_b', 'inspector', '110101002'],
    ['shift_b', 'shift_leader', '110101002'],
  ]) {
    const r = await as('security_admin').post('/api/v1/users',
      { username, role, unit, must_change_password: false });
    assert.equal(r.status, 201, r.text);
    token[username] = createToken(ws.db, username);
  }
  for (const u of ['inspector', 'insp_a2', 'insp_b']) {
    id[u] = Number(sql(ws.db, `SELECT id FROM app_user WHERE username = '${u}'`));
  }
  for (const [k, [lon, lat]] of Object.entries({ g1: P1, g2: P2, g3: P3 })) {
    const r = await as('admin').get(`/api/v1/locate?lon=${lon}&lat=${lat}`);
    assert.equal(r.status, 200, r.text);
    grid[k] = r.json.grid.code;
  }
  assert.equal(new Set(Object.values(grid)).size, 3, JSON.stringify(grid));
}

describe('beats', () => {
  test('a shift leader assigns grids from today; the inspector sees its own', async () => {
    const r = await as('shift_leader').post('/api/v1/patrol/beats',
      { inspector: id.inspector, grids: [grid.g1, grid.g2, grid.g3] });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json.beats.map((b) => [b.grid, b.inspector.username, b.from, b.to]),
      [[grid.g1, 'inspector', today(), null], [grid.g2, 'inspector', today(), null],
        [grid.g3, 'inspector', today(), null]]);
    const mine = await as('inspector').get('/api/v1/patrol/beats');
    assert.equal(mine.status, 200, mine.text);
    assert.deepEqual(mine.json.beats.map((b) => b.grid).sort(), [grid.g1, grid.g2, grid.g3].sort());
    const theirs = await as('insp_a2').get('/api/v1/patrol/beats');
    assert.deepEqual(theirs.json.beats, []); // an inspector sees only its own
    assertError(await as('insp_a2').get(`/api/v1/patrol/beats?inspector=${id.inspector}`), 404, 'not_found');
    const all = await as('leader').get(`/api/v1/patrol/beats?area=110101001&date=${today()}`);
    assert.equal(all.json.beats.length, 3);
  });

  test('assigning a grid from tomorrow ends its beat then; the history stays', async () => {
    const tomorrow = localDay(now() + DAY);
    const r = await as('shift_leader').post('/api/v1/patrol/beats',
      { inspector: id.insp_a2, grids: [grid.g3], from: tomorrow });
    assert.equal(r.status, 201, r.text);
    const current = await as('leader').get(`/api/v1/patrol/beats?area=${grid.g3}`);
    assert.deepEqual(current.json.beats.map((b) => [b.inspector.username, b.from, b.to]),
      [['inspector', today(), tomorrow]]);
    const then = await as('leader').get(`/api/v1/patrol/beats?area=${grid.g3}&date=${tomorrow}`);
    assert.deepEqual(then.json.beats.map((b) => [b.inspector.username, b.from, b.to]),
      [['insp_a2', tomorrow, null]]);
    assert.equal(count('patrol_beat', `grid = '${grid.g3}'`), 2);
    // Ended before it began: the grid has nobody's from tomorrow.
    const end = await as('shift_leader').delete(`/api/v1/patrol/beats/${grid.g3}?from=${tomorrow}`);
    assert.equal(end.status, 204, end.text);
    const none = await as('leader').get(`/api/v1/patrol/beats?area=${grid.g3}&date=${tomorrow}`);
    assert.deepEqual(none.json.beats, []);
    const today3 = await as('leader').get(`/api/v1/patrol/beats?area=${grid.g3}`);
    assert.equal(today3.json.beats[0].to, tomorrow);
    assertError(await as('shift_leader').delete(`/api/v1/patrol/beats/${grid.g3}?from=${tomorrow}`),
      404, 'not_found', 'grid');
  });

  test('bad assignments are refused naming the field, and write nothing', async () => {
    const beats = count('patrol_beat');
    const post = (who, body) => as(who).post('/api/v1/patrol/beats', body);
    assertError(await post('shift_leader', { inspector: id.inspector, grids: [grid.g1], from: localDay(now() - DAY) }),
      400, 'invalid', 'from');
    assertError(await post('shift_leader', { inspector: id.inspector, grids: [grid.g1], from: '2030-02-30' }),
      400, 'invalid', 'from');
    assertError(await post('shift_leader', { inspector: id.inspector, grids: [grid.g1, '1101'] }),
      400, 'invalid', 'grids[1]');
    assertError(await post('shift_leader', { inspector: id.inspector, grids: ['110101001999999'] }),
      400, 'invalid', 'grids[0]');
    assertError(await post('shift_leader', { inspector: id.inspector, grids: [grid.g1, grid.g1] }),
      400, 'invalid', 'grids[1]');
    // insp_b's street does not hold the grid; the receptionist is no inspector.
    assertError(await post('shift_leader', { inspector: id.insp_b, grids: [grid.g1] }), 400, 'invalid', 'inspector');
    assertError(await post('shift_leader', { inspector: 2, grids: [grid.g1] }), 400, 'invalid', 'inspector');
    // Another street's shift leader: the grid is out of its sight.
    assertError(await post('shift_b', { inspector: id.inspector, grids: [grid.g1] }), 404, 'not_found', 'grids[0]');
    assertError(await as('shift_b').delete(`/api/v1/patrol/beats/${grid.g1}`), 404, 'not_found');
    assertError(await as('shift_b').get('/api/v1/patrol/coverage?area=110101001'), 404, 'not_found', 'area');
    assert.equal(count('patrol_beat'), beats);
  });
});

describe('shifts and the track', () => {
  let shift;
  const start = now() - 20 * 60e3;
  // A walk every 30 s: P1 ... P2 ... P3, all within the shift.
  const walk = [
    { lon: P1[0], lat: P1[1], t: iso(start + 60e3), accuracy: 8 },
    { lon: P1[0] + 0.0003, lat: P1[1], t: iso(start + 90e3) },
    { lon: P2[0], lat: P2[1], t: iso(start + 120e3) },
    { lon: P2[0] + 0.0005, lat: P2[1], t: iso(start + 150e3) },
    { lon: P3[0], lat: P3[1], t: iso(start + 180e3) },
  ];

  test('an inspector starts a shift (late, from the offline queue); one at a time', async () => {
    assertError(await as('inspector').post('/api/v1/patrol/shifts', { at: iso(now() + 3600e3) }),
      400, 'invalid', 'at');
    assertError(await as('inspector').post('/api/v1/patrol/shifts', { at: iso(now() - 8 * DAY) }),
      400, 'invalid', 'at');
    assertError(await as('inspector').post('/api/v1/patrol/shifts', { at: 'yesterday' }), 400, 'invalid', 'at');
    const r = await as('inspector').post('/api/v1/patrol/shifts', { at: iso(start) });
    assert.equal(r.status, 201, r.text);
    assert.equal(Date.parse(r.json.started_at), Math.floor(start / 1000) * 1000);
    assert.equal(r.json.ended_at, null);
    shift = r.json.id;
    assertError(await as('inspector').post('/api/v1/patrol/shifts', {}), 409, 'conflict', 'shift');
    assertError(await as('insp_a2').post(`/api/v1/patrol/shifts/${shift}/end`, {}), 404, 'not_found');
  });

  test('the track is taken whole; the points come back in time order on the map', async () => {
    // Sent out of order: the server sorts them.
    const r = await as('inspector').post('/api/v1/patrol/track',
      { points: [walk[3], walk[0], walk[4], walk[1], walk[2]] });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { accepted: 5 });
    assert.equal(count('patrol_point', `inspector_id = ${id.inspector}`), 5);
    // The same point again is stored once.
    const again = await as('inspector').post('/api/v1/patrol/track', { crs: 'wgs84', points: [walk[2]] });
    assert.deepEqual(again.json, { accepted: 1 });
    assert.equal(count('patrol_point', `inspector_id = ${id.inspector}`), 5);
  });

  test('an impossible point refuses the whole request, naming it', async () => {
    const before = count('patrol_point');
    const later = (s) => iso(start + 400e3 + s * 1000);
    const bad = async (points, field) => {
      const r = await as('inspector').post('/api/v1/patrol/track', { points });
      assertError(r, 400, 'invalid', field);
    };
    const ok = { lon: P1[0], lat: P1[1], t: later(0) };
    await bad([ok, { lon: P1[0], lat: P1[1], t: iso(now() + 600e3) }], 'points[1].t');
    await bad([ok, { lon: P1[0], lat: P1[1], t: iso(now() - 8 * DAY) }], 'points[1].t');
    await bad([ok, { lon: P1[0], lat: P1[1], t: '2026-12-06 10:00' }], 'points[1].t');
    await bad([{ lon: 0, lat: 0, t: later(0) }], 'points[0].lon');
    await bad([ok, { lon: 121.47, lat: 31.23, t: later(30) }], 'points[1].lon'); // Shanghai
    await bad([ok, { lon: 'east', lat: P1[1], t: later(30) }], 'points[1].lon');
    await bad([ok, { lon: P1[0], lat: P1[1] }], 'points[1].t');
    await bad([ok, { lon: P1[0], lat: P1[1], t: later(30), accuracy: -1 }], 'points[1].accuracy');
    await bad([ok, { lon: P1[0], lat: P1[1], t: later(30), speed: 3 }], 'points[1].speed');
    await bad([ok, 7], 'points[1]');
    // 170 m in 2 s: 85 m/s.
    await bad([ok, { lon: P1[0], lat: P1[1], t: later(30) }, { lon: P3[0], lat: P3[1], t: later(32) }],
      'points[2].t');
    // Against the stored point before it: walk[4] at P3, then 2.3 km in 10 s.
    await bad([{ lon: P3[0] + 0.027, lat: P3[1], t: iso(start + 190e3) }], 'points[0].t');
    const none = await as('inspector').post('/api/v1/patrol/track', { points: [] });
    assertError(none, 400, 'invalid', 'points');
    const crs = await as('inspector').post('/api/v1/patrol/track', { crs: 'bd09', points: [ok] });
    assertError(crs, 400, 'invalid', 'crs');
    assert.equal(count('patrol_point'), before);
  });

  test('GCJ-02 points are stored as WGS84', async () => {
    const t = start + 600e3;
    // P1 shifted to GCJ-02 by hand is ~ +0.0062, +0.0014 here; send the
    // WGS84 point's own numbers as gcj02: stored shifted back.
    const r = await as('insp_a2').post('/api/v1/patrol/track',
      { crs: 'gcj02', points: [{ lon: P1[0], lat: P1[1], t: iso(t) }] });
    assert.equal(r.status, 200, r.text);
    const [lon, lat] = sql(ws.db, `SELECT lon, lat FROM patrol_point WHERE inspector_id = ${id.insp_a2}`)
      .split('|').map(Number);
    assert.ok(P1[0] - lon > 0.004 && P1[0] - lon < 0.008, String(lon));
    assert.ok(P1[1] - lat > 0.0005 && P1[1] - lat < 0.003, String(lat));
  });

  test('coverage, my day and the tracks say what the walk did', async () => {
    const points = walk.map((p) => [p.lon, p.lat]);
    let distance = 0;
    for (let i = 1; i < points.length; i++) distance += haversine(points[i - 1], points[i]);
    const cov = await as('leader').get('/api/v1/patrol/coverage?area=110101001');
    assert.equal(cov.status, 200, cov.text);
    assert.equal(cov.json.date, today());
    const row = cov.json.rows.find((x) => x.inspector.username === 'inspector');
    assert.ok(row, cov.text);
    assert.ok(Math.abs(row.distance_m - distance) < 0.5, `${row.distance_m} vs ${distance}`);
    assert.equal(row.assigned, 3);
    assert.equal(row.visited, 3);
    assert.equal(row.coverage, 1);
    assert.ok(row.on_shift_s >= 20 * 60 - 2 && row.on_shift_s <= 20 * 60 + 60, String(row.on_shift_s));
    assert.deepEqual(row.grids.map((g) => g.visited), [true, true, true]);
    // insp_a2 has a point but no shift and no beat today: nothing counted.
    const a2 = cov.json.rows.find((x) => x.inspector.username === 'insp_a2');
    assert.equal(a2, undefined);
    const me = await as('inspector').get('/api/v1/patrol/me');
    assert.equal(me.status, 200, me.text);
    assert.deepEqual(me.json.figures, { distance_m: row.distance_m, on_shift_s: me.json.figures.on_shift_s,
      assigned: 3, visited: 3, coverage: 1, grids: row.grids });
    assert.equal(me.json.shift.id, shift);
    assert.equal(me.json.beats.length, 3);
    assert.equal(typeof me.json.counters.reported, 'number');
    assert.equal(me.json.user.username, 'inspector');
    const tracks = await as('shift_leader').get('/api/v1/patrol/tracks');
    assert.equal(tracks.status, 200, tracks.text);
    assert.equal(tracks.json.type, 'FeatureCollection');
    const line = tracks.json.features.find((f) => f.properties.inspector.username === 'inspector');
    assert.equal(line.geometry.type, 'LineString');
    assert.equal(line.geometry.coordinates.length, points.length);
    line.geometry.coordinates.forEach(([lon, lat], i) => {
      assert.ok(Math.abs(lon - points[i][0]) < 1e-9 && Math.abs(lat - points[i][1]) < 1e-9,
        `${lon},${lat} vs ${points[i]}`);
    });
    assert.equal(line.properties.shift, shift);
    assert.equal(line.properties.points, 5);
    // Another day: nothing.
    const other = await as('leader').get(`/api/v1/patrol/coverage?area=110101001&date=${localDay(now() - 3 * DAY)}`);
    assert.deepEqual(other.json.rows, []);
    assertError(await as('leader').get('/api/v1/patrol/coverage?date=2026-13-01'), 400, 'invalid', 'date');
  });

  test('a shift ends once, not before it began', async () => {
    assertError(await as('inspector').post(`/api/v1/patrol/shifts/${shift}/end`, { at: iso(start - 60e3) }),
      400, 'invalid', 'at');
    const r = await as('inspector').post(`/api/v1/patrol/shifts/${shift}/end`, {});
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.ended_at);
    assertError(await as('inspector').post(`/api/v1/patrol/shifts/${shift}/end`, {}), 409, 'conflict', 'shift');
    // A new shift may not reach back into the one that ended.
    assertError(await as('inspector').post('/api/v1/patrol/shifts', { at: iso(start + 60e3) }),
      400, 'invalid', 'at');
  });

  test('a track post with an Idempotency-Key writes once', async () => {
    const key = `track-${now()}`;
    const body = { points: [{ lon: P2[0], lat: P2[1], t: iso(now() - 5e3) }] };
    const n = count('patrol_point');
    const a = await as('insp_b').post('/api/v1/patrol/track', body, { headers: { 'Idempotency-Key': key } });
    assert.equal(a.status, 200, a.text);
    const b = await as('insp_b').post('/api/v1/patrol/track', body, { headers: { 'Idempotency-Key': key } });
    assert.equal(b.headers.get('idempotent-replayed'), 'true');
    assert.equal(b.text, a.text);
    assert.equal(count('patrol_point'), n + 1);
  });
});

describe('漏报 and retention', () => {
  test("a hotline report filed in a grid counts as missed for its beat's inspector", async () => {
    const r = await as('receptionist').post('/api/v1/cases', {
      category: '06010', description: '路口有暴露垃圾', source: 'hotline', urgency: 'normal',
      lon: P1[0], lat: P1[1],
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.grid, grid.g1);
    const v = await as('inspector').post(`/api/v1/cases/${r.json.id}/actions/verify`, { version: 1 });
    assert.equal(v.status, 200, v.text);
    const before = (await as('inspector').get('/api/v1/patrol/me')).json.counters.missed;
    const f = await as('shift_leader').post(`/api/v1/cases/${r.json.id}/actions/file`, { version: v.json.version });
    assert.equal(f.status, 200, f.text);
    const after = (await as('inspector').get('/api/v1/patrol/me')).json.counters.missed;
    assert.equal(after, before + 1);
    // The rebuild from the history agrees.
    assert.match(ugOk(['assess', 'check', '--db', ws.db]), /the counters kept agree with the history/);
  });

  test('patrol prune removes the points older than the days kept', () => {
    const old = Math.floor(now() / 1000) - 200 * 86400;
    sql(ws.db, `INSERT INTO patrol_point (inspector_id, t, lon, lat) VALUES (${id.inspector}, ${old}, ${P1[0]}, ${P1[1]})`);
    const n = count('patrol_point');
    assert.match(ugOk(['patrol', 'prune', '--db', ws.db]), /^removed 1 track point\(s\) older than 180 days/);
    assert.equal(count('patrol_point'), n - 1);
    assert.match(ugOk(['patrol', 'prune', '--db', ws.db, '--keep-days', '1']), /^removed 0 /);
    const bad = ug(['patrol', 'prune', '--db', ws.db, '--keep-days', '0']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /keep-days/);
  });
});

// firstday.test.mjs - a real city's first day, with no `urbangrid demo`
// anywhere (docs/operations.md, "First day"): init, the county's
// divisions, the holiday calendar, departments and the three
// administrators by command; a grid cut from a community's boundary; then
// by the API the security admin makes the staff, each logs in with its
// generated password and must choose its own first, and one case goes
// reported -> filed -> dispatched to the new department (as the routing
// suggests) -> handled -> checked -> closed; the auditor reads what was
// done, the admin cannot.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import {
  assertError, Client, FIXTURE_DIVISIONS, ROOT, sql, staffSuite, ugOk,
} from './lib/server.mjs';

const suite = staffSuite({ makeDb: firstDay });
const { ws } = suite;
const db = () => ['--db', ws.db];

// A 300 m square boundary for 东一社区 (110101001001) near (116.4, 39.9),
// and a point inside it.
const M_LON = 1 / (111320 * Math.cos((39.9 * Math.PI) / 180));
const M_LAT = 1 / 110950;
const [X0, Y0, SIDE] = [116.4, 39.9, 300];
const BOUNDARY = {
  type: 'FeatureCollection',
  features: [{
    type: 'Feature', properties: {},
    geometry: {
      type: 'Polygon',
      coordinates: [[[X0, Y0], [X0 + SIDE * M_LON, Y0], [X0 + SIDE * M_LON, Y0 + SIDE * M_LAT],
        [X0, Y0 + SIDE * M_LAT], [X0, Y0]]],
    },
  }],
};
const SPOT = { lon: X0 + 150 * M_LON, lat: Y0 + 150 * M_LAT };

// `user add` for the three administrators, generated passwords.
function addAdmin(name, role) {
  const out = ugOk(['user', 'add', ...db(), '--name', name, '--role', role, '--unit', '110101']);
  const m = /^password: (\S{20})$/m.exec(out);
  assert.ok(m, out);
  return m[1];
}

const pw = {};

// The day before serving, by the CLI alone; then the server starts.
function firstDay() {
  // 1. The database, the divisions, the calendar.
  assert.match(ugOk(['init', ...db()]), /schema version \d+/);
  ugOk(['import', 'divisions', ...db(), '--area', '110101', '--from', FIXTURE_DIVISIONS]);
  ugOk(['import', 'calendar', ...db(), join(ROOT, 'node_modules/chinese-days/dist/holidays.ics')]);
  // 2. The departments.
  for (const [code, name, kind, type, areas, parent] of [
    ['110101-ZX', '甲区城市管理监督指挥中心', 'centre', 'centre', '110101'],
    ['110101-HW', '甲区环卫中心', 'professional', 'sanitation', '110101'],
    ['110101-ZF', '甲区城管执法局', 'professional', 'enforcement', '110101'],
    ['110101001-JD', '一号街道城管执法队', 'street_team', 'enforcement', '110101001', '110101-ZF'],
  ]) {
    const args = ['department', 'add', ...db(), '--code', code, '--name', name, '--kind', kind,
      '--type', type, '--areas', areas];
    if (parent) args.push('--parent', parent);
    assert.match(ugOk(args), new RegExp(`^added department ${code} `));
  }
  // 3. The three administrators, and a policy as an assessed site sets it.
  pw.sec = addAdmin('sec', 'security_admin');
  pw.admin = addAdmin('sysadmin', 'admin');
  pw.audit = addAdmin('audit', 'auditor');
  ugOk(['password-policy', ...db(), '--min-length', '10', '--min-classes', '3', '--not-username', '1']);
  // 4. A grid.
  const boundary = join(ws.dir, 'boundary.geojson');
  writeFileSync(boundary, JSON.stringify(BOUNDARY));
  assert.match(ugOk(['grid', 'generate', ...db(), '--boundary', boundary, '--community', '110101001001']),
    /cut into \d+ grids/);
  assert.equal(sql(ws.db, 'SELECT COUNT(*) FROM app_user'), '3');
  assert.equal(sql(ws.db, "SELECT COUNT(*) FROM app_user WHERE username IN ('inspector', 'admin', 'public')"),
    '0', 'no demo accounts');
}

test('the first day, from an empty database to a closed case', async () => {
  // The security admin makes the staff.
  const sec = new Client(suite.server);
  await sec.login('sec', pw.sec);
  const staff = {};
  for (const [username, role, unit] of [
    ['zhang.insp', 'inspector', '110101001'],
    ['li.shift', 'shift_leader', '110101'],
    ['wang.disp', 'dispatcher', '110101'],
    ['zhao.hw', 'handler', '110101-HW'],
  ]) {
    const r = await sec.post('/api/v1/users', { username, role, unit });
    assert.equal(r.status, 201, r.text);
    assert.match(r.json.password, /^[A-Za-z2-9]{20}$/);
    // Reset at once: the owner must choose its own at the first login.
    const reset = await sec.post(`/api/v1/users/${r.json.user.id}/password`, {});
    assert.equal(reset.status, 200, reset.text);
    staff[role] = { username, id: r.json.user.id, password: reset.json.password };
  }
  // Each logs in, is held until it chooses a password the policy takes.
  const as = {};
  for (const [role, s] of Object.entries(staff)) {
    const c = new Client(suite.server);
    const login = await c.login(s.username, s.password);
    assert.equal(login.json.password_change_required, true);
    assertError(await c.get('/api/v1/cases'), 403, 'password_change_required');
    assertError(await c.post(`/api/v1/users/${s.id}/password`,
      { old_password: s.password, password: `${s.username}-2026-X` }), 400, 'invalid', 'password');
    const changed = await c.post(`/api/v1/users/${s.id}/password`,
      { old_password: s.password, password: `Grid-${role}-2026` });
    assert.equal(changed.status, 200, changed.text);
    as[role] = c;
  }
  // The dispatch suggestion needs the routing: the standard's type
  // (sanitation for 暴露垃圾) finds 110101-HW serving the district.
  let c = (await as.inspector.post('/api/v1/cases', {
    category: '06010', description: '东一社区路口有暴露垃圾', source: 'inspector', urgency: 'normal',
    lon: SPOT.lon, lat: SPOT.lat,
  }));
  assert.equal(c.status, 201, c.text);
  c = c.json;
  assert.match(c.grid, /^110101001001\d{3}$/);
  assert.equal(c.state, 'reported');
  const act = async (who, action, body = {}) => {
    const r = await as[who].post(`/api/v1/cases/${c.id}/actions/${action}`, { version: c.version, ...body });
    assert.equal(r.status, 200, `${action}: ${r.text}`);
    c = r.json;
  };
  await act('shift_leader', 'file');
  const seen = await as.dispatcher.get(`/api/v1/cases/${c.id}`);
  assert.deepEqual(seen.json.dispatch_suggestion,
    { department: '110101-HW', name: '甲区环卫中心', reason: 'department_type' });
  await act('dispatcher', 'dispatch', { department: '110101-HW' });
  assert.equal(c.department, '110101-HW');
  await act('handler', 'handle', { note: '已清运' });
  await act('inspector', 'check', { passed: true });
  await act('shift_leader', 'close');
  assert.equal(c.state, 'closed');
  const history = (await as.shift_leader.get(`/api/v1/cases/${c.id}`)).json.history.map((e) => e.action);
  assert.deepEqual(history.slice(-5), ['file', 'dispatch', 'handle', 'check', 'close']);

  // The auditor reads the day; the admin cannot.
  const audit = new Client(suite.server);
  await audit.login('audit', pw.audit);
  const made = await audit.get('/api/v1/audit?action=user.create&limit=500');
  assert.equal(made.status, 200, made.text);
  assert.deepEqual(made.json.events.map((e) => `${e.actor} ${e.subject}`).sort(), [
    'cli audit', 'cli sec', 'cli sysadmin', 'sec li.shift', 'sec wang.disp', 'sec zhang.insp', 'sec zhao.hw',
  ]);
  const depts = await audit.get('/api/v1/audit?action=department.add');
  assert.equal(depts.json.events.length, 4);
  const logins = await audit.get('/api/v1/audit?action=login.success&limit=500');
  assert.ok(logins.json.events.length >= 6);
  const grids = await audit.get('/api/v1/audit?action=grids.generate');
  assert.equal(grids.json.events[0].subject, '110101001001');
  const admin = new Client(suite.server);
  await admin.login('sysadmin', pw.admin);
  assertError(await admin.get('/api/v1/audit'), 403, 'forbidden');
  assertError(await admin.post('/api/v1/users', { username: 'x.y.z', role: 'inspector', unit: '110101001' }),
    403, 'forbidden');
});

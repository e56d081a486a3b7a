// cases.test.mjs - the case API on the demo city without simulated cases
// (`demo --days 0`): intake (201 and each bad field), the whole path
// reported -> filed -> dispatched -> handled -> checked -> closed with
// every wrong role (403) and wrong state (409) refused on the way, sight
// (another department's handler, another street's inspector: 404), list
// filters and scoping, one case with history and dispatch suggestion, two
// dispatchers at once, photos, the due-time calculator on the domain
// README's worked examples, categories and standards, routing rules, and
// phone masking by role.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { bytesRequest, emptyDemoDb, JPEG, PNG, WEBP } from './lib/cases.mjs';
import {
  assertError, assertInvalidQueries, Client, createToken, loggedIn, sql, staffSuite,
} from './lib/server.mjs';

const PHOTO_LIMIT = 4096;
const DEMO = ['inspector', 'receptionist', 'shift_leader', 'dispatcher', 'handler',
  'leader', 'admin', 'api_client'];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/;

let demoPw;
const suite = staffSuite({
  makeDb: emptyDemoDb,
  // Accounts are the security admin's (三员分立), not the admin's.
  roles: [...DEMO, 'security_admin'],
  flags: ['--photo-limit', String(PHOTO_LIMIT)],
  prepare: (s) => { demoPw = s.made.passwords; },
  started: addAccounts,
});
const { ws, servers, token, as } = suite;
// Users made through POST /api/v1/users (by the security admin), logged
// in by session.
let szHandler; // handler of 110101-SZ
let dispatcher2; // a second dispatcher
let northInspector; // inspector of street 110101002
let hwLeader; // leader whose unit is the department 110101-HW

async function addAccounts() {
  const made = {};
  for (const [username, role, unit] of [
    ['sz_handler', 'handler', '110101-SZ'],
    ['dispatcher2', 'dispatcher', '110101'],
    ['north_inspector', 'inspector', '110101002'],
    ['hw_leader', 'leader', '110101-HW'],
  ]) {
    // Kept first passwords: these accounts work at once by session (a new
    // account's owner must otherwise change it first: users.test.mjs).
    const r = await as('security_admin').post('/api/v1/users',
      { username, role, unit, must_change_password: false });
    assert.equal(r.status, 201, r.text);
    made[username] = await loggedIn(suite.server, username, r.json.password);
  }
  // The other department's handler also gets a token, for photo uploads.
  token.sz_handler = createToken(ws.db, 'sz_handler');
  szHandler = made.sz_handler;
  dispatcher2 = made.dispatcher2;
  northInspector = made.north_inspector;
  hwLeader = made.hw_leader;
}

// ---- helpers ----------------------------------------------------------

// The demo draws its streets as bands from north to south (domain/
// demo_geo.c); these latitudes lie well inside the first three, and a
// report's point decides its grid, community and street.
const STREET_LAT = { '110101001': 39.9625, '110101002': 39.9562, '110101003': 39.9503 };

const REPORT = {
  category: '06010', description: '路口有暴露垃圾', source: 'inspector', urgency: 'normal',
  lon: 116.4170, lat: STREET_LAT['110101001'], address: '东华门街道某胡同口',
};

// File a report as `client` (a Client); asserts 201; returns the case.
async function intake(client, fields = {}) {
  const r = await client.post('/api/v1/cases', { ...REPORT, ...fields });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

const actionPath = (id, action) => `/api/v1/cases/${id}/actions/${action}`;

// POST an action with the version of `c`; returns the response.
const act = (client, c, action, body = {}) => client.post(actionPath(c.id, action),
  { version: c.version, ...body });

// Act and insist on 200; returns the new case.
async function actOk(client, c, action, body) {
  const r = await act(client, c, action, body);
  assert.equal(r.status, 200, `${action}: ${r.text}`);
  assert.equal(r.json.version, c.version + 1);
  return r.json;
}

async function getCase(client, id) {
  const r = await client.get(`/api/v1/cases/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// What each action needs, so that only the state or role can be at fault.
const INPUTS = {
  verify: {}, file: {}, reject: { reason: '不属实' }, dispatch: { department: '110101-HW' },
  return: { reason: '非本单位职责' }, handle: { note: '已清理' }, check: { passed: true },
  close: {}, hang: { reason: '需立项' }, unhang: { reason: '资金已到位' }, void: { reason: '重复' }, remind: {},
  supervise: { note: '尽快' }, 'extend-request': { reason: '工程量大', hours: 8 },
};

const due = (from, query) => as('inspector').get(
  `/api/v1/calendar/due?from=${encodeURIComponent(from)}&${query}`);

// ---- intake -------------------------------------------------------------

describe('POST /api/v1/cases', () => {
  test('a point off the city is 400 naming lon: 0,0, far away, beyond --city-margin of every grid', async () => {
    // The grid farthest east, and points east of it at the latitude of its middle.
    const [east, lat] = sql(ws.db, 'SELECT max_lon, (min_lat + max_lat) / 2 FROM grid'
      + ' WHERE deleted = 0 ORDER BY max_lon DESC LIMIT 1').split('|').map(Number);
    for (const [lon, la, why] of [[0, 0, 'a phone without a fix'], [121.47, 31.23, 'another city'],
      [east + 0.05, lat, 'about 4 km out']]) {
      const r = await as('inspector').post('/api/v1/cases', { ...REPORT, lon, lat: la });
      assertError(r, 400, 'invalid', 'lon');
      assert.match(r.json.error.message, /outside the city: more than 2000 m from every unit grid/, why);
    }
    // Within the margin (about 400 m out): taken, placed by the reporter's area.
    const near = await as('inspector').post('/api/v1/cases', { ...REPORT, lon: east + 0.005, lat });
    assert.equal(near.status, 201, near.text);
    assert.equal(near.json.grid, null);
  });

  test('text with a control character is 400 naming the field; tab and line ends are text', async () => {
    const r = await as('inspector').post('/api/v1/cases', { ...REPORT, description: '垃圾\u0000' });
    assertError(r, 400, 'invalid'); // NUL: not even JSON here
    for (const [field, value] of [['description', '垃圾\u0007'], ['address', '\u001b[2J某路']]) {
      const bad = await as('inspector').post('/api/v1/cases', { ...REPORT, [field]: value });
      assertError(bad, 400, 'invalid', field);
      assert.match(bad.json.error.message, /control character U\+00(07|1B)/);
    }
    const ok = await as('inspector').post('/api/v1/cases', { ...REPORT, description: '第一行\n\t第二行' });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.description, '第一行\n\t第二行');
  });

  test('201 with number, version, state, deadline in +08:00', async () => {
    const r = await as('inspector').post('/api/v1/cases', REPORT);
    assert.equal(r.status, 201, r.text);
    const c = r.json;
    assert.equal(typeof c.id, 'number');
    assert.match(c.number, /^\d{8}\d{5}$/);
    assert.equal(c.version, 1);
    assert.equal(c.state, 'reported');
    assert.equal(c.state_name, '上报');
    assert.equal(c.source, 'inspector');
    assert.equal(c.category, '06010');
    // The point places the case: its unit grid, and from the grid code
    // the community, street and district.
    assert.match(c.grid, /^110101001\d{6}$/);
    assert.equal(c.area, c.grid);
    assert.equal(c.community, c.grid.slice(0, 12));
    assert.equal(c.street, '110101001');
    assert.equal(c.district, '110101');
    assert.equal(c.department, null);
    assert.deepEqual(c.location, { lon: 116.417, lat: STREET_LAT['110101001'] });
    assert.match(c.deadline, ISO);
    assert.match(c.created_at, ISO);
    assert.match(c.stage_started_at, ISO);
    // An inspector's own report is filed within 1 working hour: the
    // deadline is the calendar's answer for the stage's start.
    assert.equal(c.stage, 'file');
    const d = await due(c.stage_started_at, 'working_hours=1');
    assert.equal(d.status, 200, d.text);
    assert.equal(c.deadline, d.json.due);
    assert.ok(['green', 'yellow', 'red'].includes(c.light));
    assert.ok(Array.isArray(c.likely_duplicates));
    // The number starts with the local date of filing.
    assert.equal(c.number.slice(0, 8), c.created_at.slice(0, 10).replaceAll('-', ''));
  });

  test('GET /api/v1/cases/duplicates: what a report being written would duplicate', async () => {
    const first = await intake(as('inspector'), { description: '重复预查', lon: 116.4181, lat: 39.9631 });
    const ask = (client, q) => client.get(`/api/v1/cases/duplicates?${q}`);
    const r = await ask(as('receptionist'), 'category=06010&lon=116.41812&lat=39.96312');
    assert.equal(r.status, 200, r.text);
    const hit = r.json.likely_duplicates.find((d) => d.id === first.id);
    assert.ok(hit, r.text);
    assert.equal(hit.number, first.number);
    assert.ok(hit.distance_m < 5);
    // Another category, or 200 m away: not a duplicate.
    assert.ok(!(await ask(as('receptionist'), 'category=06036&lon=116.41812&lat=39.96312'))
      .json.likely_duplicates.some((d) => d.id === first.id));
    assert.ok(!(await ask(as('receptionist'), 'category=06010&lon=116.4205&lat=39.96312'))
      .json.likely_duplicates.some((d) => d.id === first.id));
    assertError(await ask(as('receptionist'), 'lon=116.4&lat=39.9'), 400, 'invalid', 'category');
    assertError(await ask(as('receptionist'), 'category=06010&lat=39.9'), 400, 'invalid', 'lon');
    assertError(await ask(as('dispatcher'), 'category=06010&lon=116.4&lat=39.9'), 403, 'forbidden');
  });

  test('a second report at the same spot lists the first as a likely duplicate', async () => {
    const spot = { lon: 116.4001, lat: STREET_LAT['110101001'] + 0.0005 };
    const first = await intake(as('inspector'), spot);
    const second = await intake(as('inspector'), { ...spot, lat: spot.lat + 0.0001 });
    assert.equal(second.likely_duplicates.length, 1);
    assert.equal(second.likely_duplicates[0].id, first.id);
    assert.equal(second.likely_duplicates[0].number, first.number);
    assert.ok(Math.abs(second.likely_duplicates[0].distance_m - 11.1) < 0.5);
    // Another category at the same spot is no duplicate.
    const other = await intake(as('inspector'), { ...spot, category: '06036' });
    assert.deepEqual(other.likely_duplicates, []);
  });

  test('400 for each bad field, 403 for a source the role may not use', async () => {
    const post = (fields, who = 'inspector') => as(who).post('/api/v1/cases', { ...REPORT, ...fields });
    assertError(await post({ category: '06999' }), 400, 'invalid', 'category');
    assertError(await post({ urgency: 'asap' }), 400, 'invalid', 'urgency');
    assertError(await post({ source: 'rumour' }), 400, 'invalid', 'source');
    assertError(await post({ source: 'hotline' }), 403, 'forbidden', 'source');
    assertError(await post({ source: 'inspector', area: '110101001' }, 'receptionist'),
      403, 'forbidden', 'source');
    const { lat, ...noLat } = REPORT;
    assert.ok(lat);
    const r = await as('inspector').post('/api/v1/cases', noLat);
    assertError(r, 400, 'invalid', 'lat');
    const { lon, ...noLon } = REPORT;
    assert.ok(lon);
    assertError(await as('inspector').post('/api/v1/cases', noLon), 400, 'invalid', 'lon');
    assertError(await post({ lon: 180.5 }), 400, 'invalid', 'lon');
    assertError(await post({ lon: -181 }), 400, 'invalid', 'lon');
    assertError(await post({ lat: 91 }), 400, 'invalid', 'lat');
    assertError(await post({ lon: '116.4' }), 400, 'invalid', 'lon');
    assertError(await post({ description: '' }), 400, 'invalid', 'description');
    assertError(await post({ area: '110101002', lat: STREET_LAT['110101002'] }), 403, 'forbidden', 'area');
    // An area that does not hold the point contradicts it.
    assertError(await post({ area: '110101002' }), 400, 'invalid', 'area');
    assertError(await post({ area: '110101999' }), 400, 'invalid', 'area');
    assertError(await post({ reporter_phone: 'call me' }), 400, 'invalid', 'reporter_phone');
    const { category, ...noCategory } = REPORT;
    assert.ok(category);
    assertError(await as('inspector').post('/api/v1/cases', noCategory), 400, 'invalid', 'category');
    // Roles that do not file reports at all.
    for (const who of ['handler', 'dispatcher', 'shift_leader', 'admin']) {
      assertError(await post({ source: 'public', area: '110101001' }, who), 403, 'forbidden');
    }
    // Nothing of it was written.
    assert.equal(sql(ws.db, "SELECT COUNT(*) FROM case_file WHERE description = '' OR area = '110101999'"), '0');
  });
});

// ---- the whole path -------------------------------------------------------

describe('the path reported -> filed -> dispatched -> handled -> checked -> closed', () => {
  // Each step: the action, who takes it, who else tries and is refused by
  // role, and actions that the state refuses (by roles that could take
  // them in another state and can see the case).
  const steps = [
    {
      state: 'reported', action: 'file', by: 'shift_leader',
      allowed: ['shift_leader', 'receptionist'],
      wrongState: [['dispatch', 'dispatcher'], ['close', 'shift_leader'], ['check', 'inspector'],
        ['remind', 'dispatcher']],
    },
    {
      state: 'filed', action: 'dispatch', by: 'dispatcher', allowed: ['dispatcher'],
      wrongState: [['file', 'shift_leader'], ['verify', 'inspector'], ['close', 'shift_leader'],
        ['hang', 'dispatcher'], ['merge', 'receptionist']],
    },
    {
      state: 'dispatched', action: 'handle', by: 'handler', allowed: ['handler'],
      wrongState: [['dispatch', 'dispatcher'], ['check', 'inspector'], ['close', 'shift_leader'],
        ['file', 'receptionist']],
    },
    {
      state: 'handled', action: 'check', by: 'inspector', allowed: ['inspector'],
      wrongState: [['handle', 'handler'], ['return', 'handler'], ['dispatch', 'dispatcher'],
        ['close', 'shift_leader'], ['extend-request', 'handler']],
    },
    {
      state: 'checked', action: 'close', by: 'shift_leader', allowed: ['shift_leader'],
      wrongState: [['check', 'inspector'], ['handle', 'handler'], ['hang', 'shift_leader']],
    },
    {
      state: 'closed', action: null, allowed: [],
      wrongState: [['close', 'shift_leader'], ['void', 'receptionist'], ['remind', 'leader'],
        ['supervise', 'leader'], ['handle', 'handler'], ['dispatch', 'dispatcher']],
    },
  ];

  test('each step by the right role, every other role refused, wrong states refused', async () => {
    let c = await intake(as('inspector'), { description: '全流程案件' });
    const deadlineIn = {}; // state -> the deadline the case had there
    for (const step of steps) {
      assert.equal(c.state, step.state);
      deadlineIn[c.state] = c.deadline;
      for (const [action, who] of step.wrongState) {
        const body = action === 'merge' ? { target: c.id } : INPUTS[action];
        const r = await act(as(who), c, action, body);
        assertError(r, 409, 'conflict', 'state');
        assert.match(r.json.error.message, new RegExp(`state ${step.state}\\b`), r.text);
      }
      if (!step.action) break;
      for (const who of DEMO) {
        if (step.allowed.includes(who)) continue;
        const r = await act(as(who), c, step.action, INPUTS[step.action]);
        assertError(r, 403, 'forbidden');
      }
      // Refusals changed nothing.
      assert.equal((await getCase(as('admin'), c.id)).version, c.version);
      const next = await actOk(as(step.by), c, step.action, INPUTS[step.action]);
      c = next;
    }
    assert.equal(c.state, 'closed');
    assert.equal(c.deadline, null);
    assert.equal(c.light, 'none');
    assert.match(c.closed_at, ISO);
    assert.equal(c.department, '110101-HW');
    const full = await getCase(as('admin'), c.id);
    assert.deepEqual(full.history.map((e) => [e.action, e.actor, e.actor_role, e.from_state, e.to_state]), [
      ['report', 'inspector', 'inspector', null, 'reported'],
      ['file', 'shift_leader', 'shift_leader', 'reported', 'filed'],
      ['dispatch', 'dispatcher', 'dispatcher', 'filed', 'dispatched'],
      ['handle', 'handler', 'handler', 'dispatched', 'handled'],
      ['check', 'inspector', 'inspector', 'handled', 'checked'],
      ['close', 'shift_leader', 'shift_leader', 'checked', 'closed'],
    ]);
    assert.equal(full.history[3].note, '已清理');
    // The dispatch line keeps the stage it ended and that stage's
    // deadline (what assessment judges "on time" by).
    assert.match(deadlineIn.filed, ISO);
    assert.deepEqual(full.history[2].data,
      { department: '110101-HW', stage: 'dispatch', deadline: deadlineIn.filed });
    for (const e of full.history) assert.match(e.at, ISO);
  });

  test('a failed check is rework: back to the department, rework_count 1', async () => {
    let c = await intake(as('inspector'), { description: '返工案件' });
    c = await actOk(as('receptionist'), c, 'file');
    c = await actOk(as('dispatcher'), c, 'dispatch', { department: '110101-HW' });
    c = await actOk(as('handler'), c, 'handle', { note: '已处理' });
    c = await actOk(as('inspector'), c, 'check', { passed: false });
    assert.equal(c.state, 'dispatched');
    assert.equal(c.stage, 'handle');
    assert.equal(c.rework_count, 1);
    assert.equal(c.department, '110101-HW');
    // A hotline report must be verified first; then it may be filed.
    let h = await intake(as('receptionist'), { source: 'hotline', area: '110101001' });
    const r = await act(as('shift_leader'), h, 'file');
    assertError(r, 409, 'conflict');
    assert.match(r.json.error.message, /verified/);
    h = await actOk(as('inspector'), h, 'verify');
    h = await actOk(as('shift_leader'), h, 'file');
    assert.equal(h.state, 'filed');
  });

  test('missing inputs are 400 naming the field; a stale version is 409', async () => {
    let c = await intake(as('inspector'));
    assertError(await as('shift_leader').post(actionPath(c.id, 'file'), {}), 400, 'invalid', 'version');
    assertError(await act(as('shift_leader'), c, 'reject'), 400, 'invalid', 'reason');
    c = await actOk(as('shift_leader'), c, 'file');
    assertError(await act(as('dispatcher'), c, 'dispatch'), 400, 'invalid', 'department');
    assertError(await act(as('dispatcher'), c, 'dispatch', { department: '110101-XX' }),
      400, 'invalid', 'department');
    const stale = await act(as('dispatcher'), { ...c, version: c.version - 1 }, 'dispatch',
      { department: '110101-HW' });
    assertError(stale, 409, 'conflict', 'version');
    assert.match(stale.json.error.message, /state filed/);
    c = await actOk(as('dispatcher'), c, 'dispatch', { department: '110101-HW' });
    assertError(await act(as('handler'), c, 'handle'), 400, 'invalid', 'note');
    assertError(await act(as('handler'), c, 'extend-request', { reason: 'x' }), 400, 'invalid', 'hours');
    assertError(await act(as('handler'), c, 'extend-request', { reason: 'x', hours: 0 }),
      400, 'invalid', 'hours');
    c = await actOk(as('handler'), c, 'handle', { note: 'ok' });
    assertError(await act(as('inspector'), c, 'check'), 400, 'invalid', 'passed');
    assertError(await act(as('inspector'), c, 'check', { passed: 'yes' }), 400, 'invalid', 'passed');
    const unknown = await act(as('inspector'), c, 'teleport');
    assertError(unknown, 404, 'not_found', 'action');
  });

  test('extension, hang and supervise keep the case with its department', async () => {
    let c = await intake(as('inspector'));
    c = await actOk(as('shift_leader'), c, 'file');
    c = await actOk(as('dispatcher'), c, 'dispatch', { department: '110101-HW' });
    const deadline = c.deadline;
    c = await actOk(as('handler'), c, 'extend-request', { reason: '工程量大', hours: 8 });
    assert.equal(c.extension_requested_hours, 8);
    assert.equal(c.deadline, deadline);
    c = await actOk(as('shift_leader'), c, 'extend-approve');
    assert.equal(c.extension_requested_hours, null);
    // The deadline moved by 8 working hours.
    const d = await due(deadline, 'working_hours=8');
    assert.equal(c.deadline, d.json.due);
    c = await actOk(as('leader'), c, 'supervise', { note: '督办' });
    assert.equal(c.priority, 1);
    c = await actOk(as('dispatcher'), c, 'hang', { reason: '需立项' });
    assert.equal(c.state, 'hung');
    assert.equal(c.deadline, null);
    assert.equal(c.light, 'none');
    c = await actOk(as('handler'), c, 'handle', { note: '完工' });
    assert.equal(c.state, 'handled');
  });

  test('unhang: back to its department with the handling limit afresh', async () => {
    let c = await intake(as('inspector'));
    c = await actOk(as('shift_leader'), c, 'file');
    c = await actOk(as('dispatcher'), c, 'dispatch', { department: '110101-HW' });
    assertError(await act(as('shift_leader'), c, 'unhang', INPUTS.unhang), 409, 'conflict', 'state');
    c = await actOk(as('dispatcher'), c, 'hang', { reason: '需立项' });
    assertError(await act(as('handler'), c, 'unhang', INPUTS.unhang), 403, 'forbidden');
    assertError(await act(as('shift_leader'), c, 'unhang'), 400, 'invalid', 'reason');
    c = await actOk(as('shift_leader'), c, 'unhang', INPUTS.unhang);
    assert.equal(c.state, 'dispatched');
    assert.equal(c.stage, 'handle');
    assert.equal(c.department, '110101-HW');
    assert.equal(c.light, 'green');
    // 暴露垃圾, normal: 4 working hours from the moment the hold ends.
    assert.equal(c.deadline, (await due(c.stage_started_at, 'working_hours=4')).json.due);
    const full = await getCase(as('admin'), c.id);
    const last = full.history.at(-1);
    assert.deepEqual([last.action, last.from_state, last.to_state, last.note],
      ['unhang', 'hung', 'dispatched', '资金已到位']);
    // The department sees it in its worklist again, with its buttons.
    const mine = await getCase(as('handler'), c.id);
    assert.ok(mine.actions.includes('handle') && mine.actions.includes('return'), mine.actions);
  });

  test('an extension of a limit in natural time moves it by natural hours', async () => {
    // Urgent 暴露垃圾: handling within 1 natural hour.
    let c = await intake(as('inspector'), { urgency: 'urgent' });
    c = await actOk(as('shift_leader'), c, 'file');
    c = await actOk(as('dispatcher'), c, 'dispatch', { department: '110101-HW' });
    const deadline = c.deadline;
    assert.equal((await due(c.stage_started_at, 'hours=1')).json.due, deadline);
    c = await actOk(as('handler'), c, 'extend-request', { reason: '夜间作业', hours: 20 });
    c = await actOk(as('shift_leader'), c, 'extend-approve');
    assert.equal(c.deadline, (await due(deadline, 'hours=20')).json.due);
    assert.notEqual(c.deadline, (await due(deadline, 'working_hours=20')).json.due);
    const full = await getCase(as('admin'), c.id);
    assert.equal(full.history.at(-1).data.clock, 'natural');
  });
});

// ---- sight ------------------------------------------------------------------

describe('who sees and acts on whose case', () => {
  test('a handler of another department gets 404 and cannot act', async () => {
    let c = await intake(as('inspector'));
    c = await actOk(as('shift_leader'), c, 'file');
    c = await actOk(as('dispatcher'), c, 'dispatch', { department: '110101-HW' });
    assertError(await szHandler.get(`/api/v1/cases/${c.id}`), 404, 'not_found');
    for (const action of ['handle', 'return', 'extend-request']) {
      assertError(await act(szHandler, c, action, INPUTS[action]), 404, 'not_found');
    }
    assert.equal((await getCase(as('handler'), c.id)).version, c.version);
    // Returned and dispatched to SZ: now it is theirs, no longer HW's.
    c = await actOk(as('handler'), c, 'return', { reason: '非本单位' });
    c = await actOk(as('dispatcher'), c, 'dispatch', { department: '110101-SZ' });
    assertError(await as('handler').get(`/api/v1/cases/${c.id}`), 404, 'not_found');
    assertError(await act(as('handler'), c, 'handle', { note: 'x' }), 404, 'not_found');
    c = await actOk(szHandler, c, 'handle', { note: '已修复' });
    assert.equal(c.state, 'handled');
  });

  test("a department's leader supervises and reminds the department's cases only", async () => {
    let c = await intake(as('inspector'));
    c = await actOk(as('shift_leader'), c, 'file');
    // Not yet dispatched: not the department's.
    assertError(await act(hwLeader, c, 'supervise', { note: '督办' }), 404, 'not_found');
    c = await actOk(as('dispatcher'), c, 'dispatch', { department: '110101-HW' });
    c = await actOk(hwLeader, c, 'supervise', { note: '本部门督办' });
    assert.equal(c.priority, 1);
    c = await actOk(hwLeader, c, 'remind');
    const full = await getCase(as('admin'), c.id);
    assert.deepEqual(full.history.slice(-2).map((e) => [e.action, e.actor, e.actor_role]),
      [['supervise', 'hw_leader', 'leader'], ['remind', 'hw_leader', 'leader']]);
    // Another department's case stays out of reach.
    let other = await intake(as('inspector'));
    other = await actOk(as('shift_leader'), other, 'file');
    other = await actOk(as('dispatcher'), other, 'dispatch', { department: '110101-SZ' });
    assertError(await act(hwLeader, other, 'supervise', { note: '越权' }), 404, 'not_found');
    assertError(await act(hwLeader, other, 'remind'), 404, 'not_found');
    assert.equal((await getCase(as('admin'), other.id)).version, other.version);
  });

  test('an inspector of another street gets 404 and cannot act', async () => {
    let c = await intake(as('inspector'));
    assertError(await northInspector.get(`/api/v1/cases/${c.id}`), 404, 'not_found');
    assertError(await act(northInspector, c, 'verify'), 404, 'not_found');
    c = await actOk(as('shift_leader'), c, 'file');
    c = await actOk(as('dispatcher'), c, 'dispatch', { department: '110101-HW' });
    c = await actOk(as('handler'), c, 'handle', { note: 'ok' });
    assertError(await act(northInspector, c, 'check', { passed: true }), 404, 'not_found');
    // And may not report into this street either.
    assertError(await northInspector.post('/api/v1/cases', { ...REPORT, area: '110101001' }),
      403, 'forbidden', 'area');
    // Its own street is fine.
    const own = await intake(northInspector, { lat: STREET_LAT['110101002'] });
    assert.equal(own.street, '110101002');
    assertError(await as('inspector').get(`/api/v1/cases/${own.id}`), 404, 'not_found');
    assertError(await as('handler').get('/api/v1/cases/999999'), 404, 'not_found');
    assertError(await as('handler').get('/api/v1/cases/abc'), 400, 'invalid', 'id');
  });
});

// ---- lists ------------------------------------------------------------------

describe('GET /api/v1/cases', () => {
  const MARK = 'LISTSET7';
  const set = {};
  const ids = (r) => r.json.cases.map((c) => c.id);
  const list = (client, query) => client.get(`/api/v1/cases?q=${MARK}&${query}`);

  before(async () => {
    const desc = (n) => `${MARK} 案件${n}`;
    // A: 06010, street 001, dispatched to HW.
    let a = await intake(as('inspector'), { description: desc('A') });
    a = await actOk(as('shift_leader'), a, 'file');
    set.A = await actOk(as('dispatcher'), a, 'dispatch', { department: '110101-HW' });
    // B: 06036, street 001, reported.
    set.B = await intake(as('inspector'), { description: desc('B'), category: '06036' });
    // C: public 06010 in street 002, verified there, dispatched to SZ.
    let c = await intake(as('receptionist'), { description: desc('C'), source: 'public', area: '110101002', lat: STREET_LAT['110101002'] });
    c = await actOk(northInspector, c, 'verify');
    c = await actOk(as('receptionist'), c, 'file');
    set.C = await actOk(as('dispatcher'), c, 'dispatch', { department: '110101-SZ' });
    // D: hotline 09006 in street 003, reported.
    set.D = await intake(as('receptionist'), {
      description: desc('D'), source: 'hotline', category: '09006', area: '110101003',
      lat: STREET_LAT['110101003'],
    });
    // E: 06010, street 001, dispatched to HW and overdue (its deadline
    // set back: no test waits hours for a clock).
    let e = await intake(as('inspector'), { description: desc('E') });
    e = await actOk(as('shift_leader'), e, 'file');
    set.E = await actOk(as('dispatcher'), e, 'dispatch', { department: '110101-HW' });
    sql(ws.db, `UPDATE case_file SET deadline = CAST(strftime('%s','now') AS INTEGER) - 3600,
      warn_at = CAST(strftime('%s','now') AS INTEGER) - 7200 WHERE id = ${set.E.id}`);
  });

  const sorted = (...names) => names.map((n) => set[n].id).sort((x, y) => y - x);

  test('q finds the set, newest first, with total and paging', async () => {
    const r = await list(as('admin'), '');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(ids(r), sorted('A', 'B', 'C', 'D', 'E'));
    assert.equal(r.json.total, 5);
    assert.equal(r.json.page, 1);
    assert.equal(r.json.per_page, 50);
    const p1 = await list(as('admin'), 'per_page=2');
    assert.deepEqual(ids(p1), sorted('D', 'E'));
    assert.equal(p1.json.total, 5);
    const p3 = await list(as('admin'), 'per_page=2&page=3');
    assert.deepEqual(ids(p3), sorted('A'));
    const p4 = await list(as('admin'), 'per_page=2&page=4');
    assert.deepEqual(ids(p4), []);
    assert.equal(p4.json.total, 5);
    // By number, too.
    const byNumber = await as('admin').get(`/api/v1/cases?q=${set.C.number}`);
    assert.deepEqual(ids(byNumber), [set.C.id]);
  });

  test('filters: state, category, street, department, overdue', async () => {
    const admin = as('admin');
    assert.deepEqual(ids(await list(admin, 'state=reported')), sorted('B', 'D'));
    assert.deepEqual(ids(await list(admin, 'state=dispatched')), sorted('A', 'C', 'E'));
    assert.deepEqual(ids(await list(admin, 'state=reported,dispatched')),
      sorted('A', 'B', 'C', 'D', 'E'));
    assert.deepEqual(ids(await list(admin, 'state=closed')), []);
    assert.deepEqual(ids(await list(admin, 'category=06010')), sorted('A', 'C', 'E'));
    assert.deepEqual(ids(await list(admin, 'category=09006')), sorted('D'));
    assert.deepEqual(ids(await list(admin, 'street=110101002')), sorted('C'));
    assert.deepEqual(ids(await list(admin, 'street=110101001')), sorted('A', 'B', 'E'));
    assert.deepEqual(ids(await list(admin, 'department=110101-HW')), sorted('A', 'E'));
    assert.deepEqual(ids(await list(admin, 'department=110101-SZ')), sorted('C'));
    const overdue = await list(admin, 'overdue=1');
    assert.deepEqual(ids(overdue), sorted('E'));
    assert.equal(overdue.json.cases[0].light, 'red');
    assert.deepEqual(ids(await list(admin, 'category=06010&street=110101001&state=dispatched')),
      sorted('A', 'E'));
    // Every list answer on its own has the same filters.
    const all = await admin.get('/api/v1/cases?overdue=1');
    assert.ok(all.json.cases.every((c) => c.light === 'red'));
  });

  test('near=lon,lat: nearest first (the phone worklists), ties by id; bad points named', async () => {
    const admin = as('admin');
    // D lies in street 003 (south), C in 002, A B E together in 001.
    const south = await list(admin, `near=116.4170,${STREET_LAT['110101003']}&sort=deadline`);
    assert.equal(south.status, 200, south.text);
    assert.deepEqual(ids(south), [set.D.id, set.C.id, ...sorted('A', 'B', 'E').reverse()]);
    assert.equal(south.json.total, 5);
    const north = await list(admin, `near=116.4170,39.99&per_page=2&page=1`);
    assert.deepEqual(ids(north), sorted('A', 'B').reverse());
    // The handler's worklist: its department's cases alone, nearest first.
    const hw = await list(as('handler'), `near=116.4170,${STREET_LAT['110101003']}`);
    assert.deepEqual(ids(hw), sorted('A', 'E').reverse());
    for (const bad of ['116.4', '116.4,', 'x,39.9', '116.4,39.9,1', '181,39.9', '116.4,-91', 'nan,39.9']) {
      assertError(await list(admin, `near=${encodeURIComponent(bad)}`), 400, 'invalid', 'near');
    }
  });

  test('queues: earliest deadline first; light, source and community filters', async () => {
    const admin = as('admin');
    // A turns yellow: its yellow point set back (the deadline stays).
    sql(ws.db, `UPDATE case_file SET warn_at = CAST(strftime('%s','now') AS INTEGER) - 60 WHERE id = ${set.A.id}`);
    const q = await list(admin, 'sort=deadline');
    assert.equal(q.status, 200, q.text);
    assert.deepEqual([...ids(q)].sort(), [...sorted('A', 'B', 'C', 'D', 'E')].sort());
    const due = q.json.cases.map((c) => Date.parse(c.deadline));
    assert.deepEqual(due, [...due].sort((x, y) => x - y), q.text);
    assert.equal(q.json.cases[0].id, set.E.id);
    assert.equal(q.json.total, 5);
    const light = async (l) => ids(await list(admin, `light=${l}`)).sort();
    assert.deepEqual(await light('red'), [set.E.id]);
    assert.deepEqual(await light('yellow'), [set.A.id]);
    assert.deepEqual(await light('green'), sorted('B', 'C', 'D').sort());
    assert.deepEqual(await light('none'), []);
    // Each case's own light agrees with the filter that found it.
    for (const l of ['red', 'yellow', 'green']) {
      const r = await list(admin, `light=${l}`);
      assert.ok(r.json.cases.every((c) => c.light === l), r.text);
    }
    assert.deepEqual(ids(await list(admin, 'source=hotline')), sorted('D'));
    assert.deepEqual(ids(await list(admin, 'source=public')), sorted('C'));
    assert.deepEqual(ids(await list(admin, `community=${set.A.community}`)),
      sorted('A', 'B', 'E'));
    assert.deepEqual(ids(await list(admin, 'sort=deadline&light=green&per_page=1&page=2')).length, 1);
  });

  test('counts by state or department and light; extension and supervised filters', async () => {
    const admin = as('admin');
    const byState = await admin.get(`/api/v1/cases/stats?q=${MARK}`);
    assert.equal(byState.status, 200, byState.text);
    assert.equal(byState.json.by, 'state');
    const row = (red, yellow, green) => ({ red, yellow, green, none: 0, total: red + yellow + green });
    assert.deepEqual(byState.json.counts, { dispatched: row(1, 1, 1), reported: row(0, 0, 2) });
    const byDep = await admin.get(`/api/v1/cases/stats?q=${MARK}&by=department`);
    assert.deepEqual(byDep.json.counts, {
      '': row(0, 0, 2), '110101-HW': row(1, 1, 0), '110101-SZ': row(0, 0, 1),
    });
    // The caller's sight applies: the handler counts its department's.
    const mine = await as('handler').get(`/api/v1/cases/stats?q=${MARK}`);
    assert.deepEqual(mine.json.counts, { dispatched: row(1, 1, 0) });
    assertError(await admin.get('/api/v1/cases/stats?by=street'), 400, 'invalid', 'by');
    assertError(await admin.get('/api/v1/cases/stats?light=blue'), 400, 'invalid', 'light');
    // An extension request on C, a supervision of D.
    const c = await actOk(szHandler, await getCase(as('admin'), set.C.id), 'extend-request',
      { reason: '工程量大', hours: 8 });
    assert.deepEqual(ids(await list(admin, 'extension=1')), [c.id]);
    assert.deepEqual(ids(await list(admin, 'supervised=1')), []);
    await actOk(as('leader'), await getCase(as('admin'), set.D.id), 'supervise', { note: '尽快' });
    assert.deepEqual(ids(await list(admin, 'supervised=1')), [set.D.id]);
    assertError(await admin.get('/api/v1/cases?extension=2'), 400, 'invalid', 'extension');
  });

  test('GET /api/v1/cases/points: the located cases as [id, lon, lat, light], with the filters', async () => {
    const admin = as('admin');
    const r = await admin.get(`/api/v1/cases/points?q=${MARK}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.truncated, false);
    const byId = Object.fromEntries(r.json.points.map((p) => [p[0], p]));
    assert.deepEqual(Object.keys(byId).map(Number).sort((x, y) => x - y), sorted('A', 'B', 'C', 'D', 'E').reverse());
    assert.equal(byId[set.E.id][3], 'red');
    assert.ok(Math.abs(byId[set.A.id][1] - REPORT.lon) < 1e-9 && Math.abs(byId[set.A.id][2] - REPORT.lat) < 1e-9);
    const red = await admin.get(`/api/v1/cases/points?q=${MARK}&light=red`);
    assert.deepEqual(red.json.points.map((p) => p[0]), [set.E.id]);
    const two = await admin.get(`/api/v1/cases/points?q=${MARK}&limit=2`);
    assert.equal(two.json.points.length, 2);
    assert.equal(two.json.truncated, true);
    const mine = await as('handler').get(`/api/v1/cases/points?q=${MARK}`);
    assert.ok(mine.json.points.every((p) => [set.A.id, set.E.id].includes(p[0])), mine.text);
    assertError(await admin.get('/api/v1/cases/points?limit=0'), 400, 'invalid', 'limit');
  });

  test('suggest=1: each case waiting for dispatch comes with its suggestion', async () => {
    const c = await intake(as('inspector'), { description: '建议测试' });
    const filed = await actOk(as('shift_leader'), c, 'file');
    const r = await as('dispatcher').get(`/api/v1/cases?q=${filed.number}&suggest=1`);
    assert.equal(r.status, 200, r.text);
    const one = await getCase(as('dispatcher'), filed.id);
    assert.deepEqual(r.json.cases[0].dispatch_suggestion, one.dispatch_suggestion);
    assert.ok(one.dispatch_suggestion.department);
    // Cases not waiting for dispatch have none; without suggest=1, none.
    const others = await as('dispatcher').get(`/api/v1/cases?q=${MARK}&suggest=1&state=dispatched`);
    assert.ok(others.json.cases.length > 0 && others.json.cases.every((x) => !('dispatch_suggestion' in x)));
    const plain = await as('dispatcher').get(`/api/v1/cases?q=${filed.number}`);
    assert.equal('dispatch_suggestion' in plain.json.cases[0], false);
    assertError(await as('dispatcher').get('/api/v1/cases?suggest=2'), 400, 'invalid', 'suggest');
  });

  test('each case says which actions its caller may take now', async () => {
    const a = await as('handler').get(`/api/v1/cases/${set.A.id}`);
    assert.deepEqual(a.json.actions, ['return', 'handle', 'extend-request']);
    const d = await as('dispatcher').get(`/api/v1/cases/${set.A.id}`);
    assert.deepEqual(d.json.actions, ['hang', 'remind']);
    const s = await as('shift_leader').get(`/api/v1/cases/${set.D.id}`);
    // A hotline report: verified on site before it is filed - or given
    // to an inspector to verify.
    assert.deepEqual(s.json.actions, ['reject', 'void', 'merge', 'verify-assign']);
    const admin = await as('admin').get(`/api/v1/cases/${set.A.id}`);
    assert.deepEqual(admin.json.actions, []);
    // Lists carry them too.
    const r = await list(as('inspector'), 'state=reported');
    assert.deepEqual(r.json.cases.map((c) => c.actions), [['verify']]);
  });

  test('verify-assign (核实派遣): to an inspector of the place, whose task it becomes', async () => {
    let c = await intake(as('receptionist'), {
      description: '核实派遣测试', source: 'hotline', area: '110101001',
    });
    assert.equal(c.assignee, null);
    const who = await as('receptionist').get(`/api/v1/cases/${c.id}/inspectors`);
    assert.equal(who.status, 200, who.text);
    const names = who.json.inspectors.map((i) => i.username);
    assert.ok(names.includes('inspector'), who.text);
    assert.ok(!names.includes('north_inspector'), 'an inspector of another street');
    const wrong = await act(as('receptionist'), c, 'verify-assign', { inspector: 'north_inspector' });
    assertError(wrong, 400, 'invalid', 'inspector');
    assertError(await act(as('receptionist'), c, 'verify-assign', {}), 400, 'invalid', 'inspector');
    c = await actOk(as('receptionist'), c, 'verify-assign', { inspector: 'inspector' });
    assert.equal(c.state, 'reported');
    assert.equal(c.assignee, 'inspector');
    assert.equal(c.stage, 'verify');
    const mine = await as('inspector').get('/api/v1/cases?assignee=me&state=reported');
    assert.ok(mine.json.cases.some((x) => x.id === c.id));
    const theirs = await northInspector.get('/api/v1/cases?assignee=me');
    assert.ok(!theirs.json.cases.some((x) => x.id === c.id));
    assertError(await as('dispatcher').get(`/api/v1/cases/${c.id}/inspectors`), 403, 'forbidden');
    c = await actOk(as('inspector'), c, 'verify');
    assert.equal(c.state, 'verified');
    // An inspector's own report is not given to anyone to verify.
    const own = await intake(as('inspector'), { description: '核实派遣测试 自报' });
    assert.equal((await act(as('receptionist'), own, 'verify-assign', { inspector: 'inspector' })).status, 409);
  });

  test('unfounded (核实不属实): the inspector finds nothing; the report ends not filed', async () => {
    let c = await intake(as('receptionist'), {
      description: '核实不属实测试', source: 'hotline', area: '110101001',
    });
    c = await actOk(as('receptionist'), c, 'verify-assign', { inspector: 'inspector' });
    const seen = await as('inspector').get(`/api/v1/cases/${c.id}`);
    assert.ok(seen.json.actions.includes('unfounded'), JSON.stringify(seen.json.actions));
    assertError(await act(as('inspector'), c, 'unfounded', {}), 400, 'invalid', 'reason');
    assert.equal((await act(northInspector, c, 'unfounded', { reason: '现场无此问题' })).status, 404);
    c = await actOk(as('inspector'), c, 'unfounded', { reason: '现场无此问题' });
    assert.equal(c.state, 'rejected');
    const line = (await as('inspector').get(`/api/v1/cases/${c.id}`)).json.history.at(-1);
    assert.equal(line.action, 'unfounded');
    assert.equal(line.note, '现场无此问题');
    // An inspector's own report needs no verification, so it cannot be
    // found unfounded either.
    const own = await intake(as('inspector'), { description: '核实不属实测试 自报' });
    assert.equal((await act(as('inspector'), own, 'unfounded', { reason: '无' })).status, 409);
  });

  test('GET /api/v1/workflow: the table itself', async () => {
    const r = await as('handler').get('/api/v1/workflow');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.states.length, 12);
    assert.equal(r.json.actions.length, 20);
    assert.equal(r.json.stages.length, 7);
    const dispatch = r.json.actions.find((x) => x.action === 'dispatch');
    assert.deepEqual(dispatch, {
      action: 'dispatch', name: '派遣', from: ['filed', 'returned'], to: 'dispatched',
      to_failed: null, roles: ['dispatcher'], needs: ['department'],
    });
    const check = r.json.actions.find((x) => x.action === 'check');
    assert.equal(check.to_failed, 'dispatched');
    assert.deepEqual(r.json.actions.find((x) => x.action === 'unhang'), {
      action: 'unhang', name: '解除挂账', from: ['hung'], to: 'dispatched',
      to_failed: null, roles: ['shift_leader', 'dispatcher'], needs: ['reason'],
    });
    assert.deepEqual(r.json.actions.find((x) => x.action === 'callback'), {
      action: 'callback', name: '回访', from: ['closed'], to: null,
      to_failed: null, roles: ['receptionist', 'shift_leader'], needs: ['rating'],
    });
    assert.deepEqual(r.json.actions.find((x) => x.action === 'unfounded'), {
      action: 'unfounded', name: '核实不属实', from: ['reported'], to: 'rejected',
      to_failed: null, roles: ['inspector'], needs: ['reason'],
    });
    assert.deepEqual(r.json.states.find((x) => x.state === 'closed'),
      { state: 'closed', name: '已结案', stage: null, terminal: true });
    assert.deepEqual(r.json.sources.find((x) => x.source === 'hotline').roles, ['receptionist']);
  });

  test('bad filters are 400 naming the parameter', async () => {
    const admin = as('admin');
    await assertInvalidQueries(admin, '/api/v1/cases', [
      ['light=blue', 'light'],
      ['source=fax', 'source'],
      ['sort=oldest', 'sort'],
      ['state=lost', 'state'],
      ['per_page=0', 'per_page'],
      ['per_page=201', 'per_page'],
      ['page=0', 'page'],
      ['overdue=2', 'overdue'],
      ['from=yesterday', 'from'],
    ]);
  });

  test('scoping: a handler sees its department, an inspector its street', async () => {
    assert.deepEqual(ids(await list(as('handler'), '')), sorted('A', 'E'));
    assert.deepEqual(ids(await list(szHandler, '')), sorted('C'));
    assert.deepEqual(ids(await list(as('inspector'), '')), sorted('A', 'B', 'E'));
    assert.deepEqual(ids(await list(northInspector, '')), sorted('C'));
    assert.deepEqual(ids(await list(as('dispatcher'), '')), sorted('A', 'B', 'C', 'D', 'E'));
    // Filters cannot widen the scope.
    assert.deepEqual(ids(await list(as('handler'), 'department=110101-SZ')), []);
    // Without q: every case the handler sees is its department's.
    const r = await as('handler').get('/api/v1/cases?per_page=200');
    assert.ok(r.json.cases.length > 0);
    assert.ok(r.json.cases.every((c) => c.department === '110101-HW'), r.text);
    assert.equal(r.json.total,
      Number(sql(ws.db, "SELECT COUNT(*) FROM case_file WHERE department = '110101-HW'")));
    const i = await as('inspector').get('/api/v1/cases?per_page=200');
    assert.ok(i.json.cases.every((c) => c.area.startsWith('110101001')), i.text);
    // api_client has no case list.
    assertError(await as('api_client').get('/api/v1/cases'), 403, 'forbidden');
  });
});

// ---- one case ----------------------------------------------------------------

describe('GET /api/v1/cases/{id}', () => {
  test('history, photos and (while it waits for dispatch) a suggestion', async () => {
    let c = await intake(as('inspector'));
    let full = await getCase(as('dispatcher'), c.id);
    assert.equal(full.dispatch_suggestion, undefined);
    assert.deepEqual(full.photos, { report: [], handle: [], check: [], other: [] });
    assert.equal(full.history.length, 1);
    c = await actOk(as('shift_leader'), c, 'file');
    full = await getCase(as('dispatcher'), c.id);
    assert.deepEqual(full.dispatch_suggestion,
      { department: '110101-HW', name: '东城区环卫中心', reason: 'department_type' });
    assert.equal(full.history.length, 2);
    assert.equal(full.history[1].action, 'file');
    assert.equal(full.history[1].actor_role, 'shift_leader');
    assert.equal(full.history[1].from_state, 'reported');
    assert.equal(full.history[1].to_state, 'filed');
    assert.equal(full.stage, 'dispatch');
    c = await actOk(as('dispatcher'), c, 'dispatch', { department: full.dispatch_suggestion.department });
    full = await getCase(as('dispatcher'), c.id);
    assert.equal(full.dispatch_suggestion, undefined);
    // Returned: no longer the department's; suggested again.
    const handleDeadline = c.deadline;
    assert.match(handleDeadline, ISO);
    c = await actOk(as('handler'), c, 'return', { reason: '不归我们' });
    assert.equal(c.department, null);
    full = await getCase(as('dispatcher'), c.id);
    assert.equal(full.department, null);
    assert.equal(full.dispatch_suggestion.department, '110101-HW');
    assert.equal(full.history.at(-1).note, '不归我们');
    assert.equal(full.history.at(-1).actor, 'handler');
    assert.deepEqual(full.history.at(-1).data,
      { department: '110101-HW', stage: 'handle', deadline: handleDeadline });
    assertError(await as('handler').get(`/api/v1/cases/${c.id}`), 404, 'not_found');
    const mine = await as('handler').get('/api/v1/cases?state=returned&per_page=200');
    assert.ok(!mine.json.cases.some((x) => x.id === c.id), mine.text);
    const dept = await as('admin').get('/api/v1/cases?department=110101-HW&state=returned');
    assert.ok(!dept.json.cases.some((x) => x.id === c.id), dept.text);
  });

  test('likely duplicates list only cases the reporter may see', async () => {
    // Find where street 001 meets street 002 on one meridian (bisection
    // with /locate), then report 11 m either side of the line.
    const lon = 116.4231;
    let north = STREET_LAT['110101001'];
    let south = STREET_LAT['110101002'];
    const streetAt = async (lat) => (await as('admin').get(`/api/v1/locate?lon=${lon}&lat=${lat}`)).json.street.code;
    assert.equal(await streetAt(north), '110101001');
    assert.equal(await streetAt(south), '110101002');
    for (let i = 0; i < 30; i++) {
      const mid = (north + south) / 2;
      if (await streetAt(mid) === '110101001') north = mid; else south = mid;
    }
    const seen = await intake(as('inspector'), { description: '界线北侧', lon, lat: north + 0.0001 });
    assert.equal(seen.street, '110101001');
    const other = await intake(northInspector, { description: '界线南侧', lon, lat: south - 0.0001 });
    assert.equal(other.street, '110101002');
    // 22 m apart: the district's receptionist sees the pair, the other
    // street's inspector does not see the first case listed.
    assert.ok(!other.likely_duplicates.some((d) => d.id === seen.id));
    const third = await intake(as('receptionist'), { description: '同一处', source: 'public', lon, lat: south - 0.0001 });
    assert.ok(third.likely_duplicates.some((d) => d.id === seen.id));
    assert.ok(third.likely_duplicates.some((d) => d.id === other.id));
  });

  test('a merged report shows the outcome of the case it joined', async () => {
    // A spot of their own, so that the pair is alone within 30 m.
    const spot = { lon: 116.4325, lat: STREET_LAT['110101001'] };
    let target = await intake(as('inspector'), { description: '合并目标', ...spot });
    const dup = await intake(as('receptionist'), {
      description: '市民又报了一次', source: 'public', reporter_phone: '13800138000', ...spot,
    });
    assert.deepEqual(dup.likely_duplicates.map((d) => d.id), [target.id]);
    const merged = await actOk(as('receptionist'), dup, 'merge', { target: target.id });
    assert.equal(merged.state, 'merged');
    let full = await getCase(as('receptionist'), dup.id);
    assert.equal(full.merged_into, target.id);
    assert.deepEqual({ ...full.outcome }, {
      id: target.id, number: target.number, state: 'reported', state_name: '上报', closed_at: null,
    });
    assert.equal((await getCase(as('receptionist'), target.id)).history.at(-1).action, 'merged-in');
    // The outcome follows the target.
    target = await actOk(as('shift_leader'), target, 'file');
    full = await getCase(as('receptionist'), dup.id);
    assert.equal(full.outcome.state, 'filed');
    // A case that was not merged has no outcome member.
    assert.equal((await getCase(as('receptionist'), target.id)).outcome, undefined);
  });
});

// ---- concurrency ------------------------------------------------------------

describe('two dispatchers at once', () => {
  test('the same version dispatched twice: one 200, one 409, one dispatch', async () => {
    for (let round = 0; round < 3; round++) {
      let c = await intake(as('inspector'));
      c = await actOk(as('shift_leader'), c, 'file');
      const [a, b] = await Promise.all([
        act(as('dispatcher'), c, 'dispatch', { department: '110101-HW' }),
        act(dispatcher2, c, 'dispatch', { department: '110101-SZ' }),
      ]);
      assert.deepEqual([a.status, b.status].sort(), [200, 409], `${a.text}\n${b.text}`);
      const loser = a.status === 409 ? a : b;
      const winner = a.status === 200 ? a : b;
      assertError(loser, 409, 'conflict', 'version');
      const full = await getCase(as('admin'), c.id);
      assert.equal(full.version, c.version + 1);
      assert.equal(full.department, winner.json.department);
      assert.equal(full.history.filter((e) => e.action === 'dispatch').length, 1);
    }
  });
});

// ---- photos -------------------------------------------------------------------

describe('attachments', () => {
  let c;
  const upload = (who, bytes, type, kind = 'report', id = c.id) => bytesRequest(suite.server, 'POST',
    `/api/v1/cases/${id}/attachments?kind=${kind}`, { bearer: token[who], body: bytes, contentType: type });

  // Filed: report photos still come; dispatched by the first test.
  before(async () => {
    c = await intake(as('inspector'));
    c = await actOk(as('shift_leader'), c, 'file');
  });

  test('a JPEG is stored and streamed back as image/jpeg', async () => {
    const r = await upload('inspector', JPEG, 'image/jpeg');
    assert.equal(r.status, 201, r.bytes.toString());
    assert.equal(r.json.content_type, 'image/jpeg');
    assert.equal(r.json.size, JPEG.length);
    assert.equal(r.json.kind, 'report');
    assert.match(r.json.sha256, /^[0-9a-f]{64}$/);
    assert.equal(r.json.url, `/api/v1/attachments/${r.json.id}`);
    c = await actOk(as('dispatcher'), c, 'dispatch', { department: '110101-HW' });
    const g = await bytesRequest(suite.server, 'GET', r.json.url, { bearer: token.handler });
    assert.equal(g.status, 200);
    assert.equal(g.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(g.bytes, JPEG);
    // Another department cannot fetch it.
    const other = await szHandler.get(r.json.url);
    assertError(other, 404, 'not_found');
  });

  test('PNG and WebP are accepted, typed by their bytes', async () => {
    const p = await upload('handler', PNG, 'image/png', 'handle');
    assert.equal(p.status, 201, p.bytes.toString());
    assert.equal(p.json.content_type, 'image/png');
    // The declared type does not matter; the bytes do.
    const w = await upload('handler', WEBP, 'application/octet-stream', 'handle');
    assert.equal(w.status, 201, w.bytes.toString());
    assert.equal(w.json.content_type, 'image/webp');
    const g = await bytesRequest(suite.server, 'GET', w.json.url, { bearer: token.inspector });
    assert.equal(g.headers.get('content-type'), 'image/webp');
    assert.deepEqual(g.bytes, WEBP);
    const full = await getCase(as('inspector'), c.id);
    assert.equal(full.photos.report.length, 1);
    assert.deepEqual(full.photos.handle.map((a) => a.content_type), ['image/png', 'image/webp']);
  });

  test('a text body is 400, a photo over --photo-limit is 413, a bad kind 400', async () => {
    const t = await upload('inspector', Buffer.from('just some text, not a photo'), 'image/jpeg');
    assert.equal(t.status, 400);
    assert.equal(t.json.error.field, 'body');
    const t2 = await upload('inspector', Buffer.from('plain'), 'text/plain');
    assert.equal(t2.status, 400);
    const big = Buffer.concat([JPEG, Buffer.alloc(PHOTO_LIMIT, 0x44)]);
    const b = await upload('inspector', big, 'image/jpeg');
    assert.equal(b.status, 413);
    assert.equal(b.json.error.code, 'too_large');
    const k = await upload('inspector', JPEG, 'image/jpeg', 'selfie');
    assert.equal(k.status, 400);
    assert.equal(k.json.error.field, 'kind');
    // Nor onto a case out of sight.
    const n = await bytesRequest(suite.server, 'POST', `/api/v1/cases/${c.id}/attachments`,
      { bearer: undefined, body: JPEG, contentType: 'image/jpeg' });
    assert.equal(n.status, 401);
    const s = await upload('sz_handler', JPEG, 'image/jpeg');
    assert.equal(s.status, 404);
    assert.equal(s.json.error.code, 'not_found');
    const full = await getCase(as('inspector'), c.id);
    assert.equal(full.photos.report.length, 1);
  });

  test('each kind in its states and from its people; a closed case takes none', async () => {
    const refused = async (who, kind, status, field, re) => {
      const r = await upload(who, JPEG, 'image/jpeg', kind);
      assert.equal(r.status, status, r.bytes.toString());
      assert.equal(r.json.error.field, field);
      assert.match(r.json.error.message, re);
    };
    // Dispatched: the report's photos are done, the check's not begun.
    await refused('inspector', 'report', 409, 'state', /in state dispatched/);
    await refused('inspector', 'check', 409, 'state', /in state dispatched/);
    // After-photos come from the handling department only.
    await refused('inspector', 'handle', 403, 'kind', /department handling/);
    await refused('dispatcher', 'handle', 403, 'kind', /department handling/);
    c = await actOk(as('handler'), c, 'handle', { note: '已清理' });
    assert.equal((await upload('handler', JPEG, 'image/jpeg', 'handle')).status, 201);
    // The check's photos are the inspector's.
    await refused('handler', 'check', 403, 'kind', /inspectors/);
    const k = await upload('inspector', JPEG, 'image/jpeg', 'check');
    assert.equal(k.status, 201, k.bytes.toString());
    c = await actOk(as('inspector'), c, 'check', { passed: true });
    c = await actOk(as('shift_leader'), c, 'close');
    for (const [who, kind] of [['inspector', 'check'], ['inspector', 'other'], ['handler', 'handle']]) {
      await refused(who, kind, 409, 'state', /closed: it takes no more photos/);
    }
    const full = await getCase(as('admin'), c.id);
    assert.deepEqual(Object.fromEntries(Object.entries(full.photos).map(([k2, v]) => [k2, v.length])),
      { report: 1, handle: 3, check: 1, other: 0 });
  });
});

// ---- the due-time calculator ----------------------------------------------------

describe('GET /api/v1/calendar/due', () => {
  test("the domain README's four worked examples", async () => {
    for (const [from, hours, want] of [
      ['2026-09-30T16:00:00+08:00', 2, '2026-10-08T09:00:00+08:00'],
      ['2026-10-09T17:00:00+08:00', 1, '2026-10-10T09:00:00+08:00'],
      ['2026-02-13T12:30:00+08:00', 4, '2026-02-13T17:30:00+08:00'],
      ['2026-02-14T17:00:00+08:00', 1, '2026-02-24T09:00:00+08:00'],
    ]) {
      const r = await due(from, `working_hours=${hours}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.due, want, `${from} + ${hours} h`);
    }
    // The same instant written in UTC gives the same answer.
    const z = await due('2026-09-30T08:00:00Z', 'working_hours=2');
    assert.equal(z.json.due, '2026-10-08T09:00:00+08:00');
    // Other units.
    assert.equal((await due('2026-09-30T16:00:00+08:00', 'working_minutes=120')).json.due,
      '2026-10-08T09:00:00+08:00');
    assert.equal((await due('2026-09-30T10:00:00+08:00', 'working_days=1')).json.due,
      '2026-10-08T10:00:00+08:00');
    assert.equal((await due('2026-09-30T16:00:00+08:00', 'hours=2')).json.due,
      '2026-09-30T18:00:00+08:00');
    assert.equal((await due('2026-09-30T16:00:00+08:00', 'days=3')).json.due,
      '2026-10-03T16:00:00+08:00');
  });

  test('400 without a zone, without an amount, or with two', async () => {
    assertError(await due('2026-09-30T16:00:00', 'working_hours=2'), 400, 'invalid', 'from');
    assertError(await as('inspector').get('/api/v1/calendar/due?working_hours=2'), 400, 'invalid', 'from');
    assertError(await due('2026-09-30T16:00:00+08:00', ''), 400, 'invalid');
    assertError(await due('2026-09-30T16:00:00+08:00', 'working_hours=2&hours=1'), 400, 'invalid');
    assertError(await due('2026-09-30T16:00:00+08:00', 'working_hours=-1'), 400, 'invalid', 'working_hours');
    assertError(await due('2026-09-30T16:00:00+08:00', 'working_hours=two'), 400, 'invalid', 'working_hours');
  });

  test('400 naming calendar when the answer lies past the calendar, in natural units too', async () => {
    // 100,000 days is in 2300: the calendar covers 1901-2099.
    for (const q of ['days=100000', 'working_days=100000']) {
      assertError(await due('2026-09-30T16:00:00+08:00', q), 400, 'invalid', 'calendar');
    }
    assertError(await due('2099-12-31T16:00:00+08:00', 'days=2'), 400, 'invalid', 'calendar');
    assertError(await due('2099-12-31T16:00:00+08:00', 'hours=48'), 400, 'invalid', 'calendar');
    // 100,000 hours is in 2038: inside.
    assert.equal((await due('2026-09-30T16:00:00+08:00', 'hours=100000')).status, 200);
  });
});

// ---- categories and standards -----------------------------------------------------

describe('categories and standards', () => {
  test('GET /api/v1/categories: 10 majors, 250 minors', async () => {
    const r = await as('handler').get('/api/v1/categories');
    assert.equal(r.status, 200, r.text);
    const { majors } = r.json;
    assert.equal(majors.length, 10);
    assert.deepEqual(majors.map((m) => m.code),
      ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10']);
    assert.equal(majors.reduce((n, m) => n + m.categories.length, 0), 250);
    assert.deepEqual(majors.map((m) => m.kind), [...Array(5).fill('component'), ...Array(5).fill('event')]);
    const m06 = majors.find((m) => m.code === '06');
    assert.equal(m06.name, '市容环境类');
    assert.equal(m06.categories.length, 51);
    assert.ok(m06.name_en.length > 0, 'the major has its English name');
    assert.deepEqual(m06.categories.find((x) => x.code === '06010'),
      { code: '06010', name: '暴露垃圾', name_en: 'Exposed rubbish', standard: true, public: true });
  });

  test('GET/PUT a standard: admin only, versions, cases keep theirs', async () => {
    const before = await intake(as('inspector'), { category: '06036' });
    const g = await as('handler').get('/api/v1/categories/06036/standard');
    assert.equal(g.status, 200, g.text);
    assert.equal(g.json.version, 1);
    assert.equal(g.json.category, '06036');
    assert.equal(g.json.id, before.standard_id);
    assert.deepEqual(g.json.limits.normal.handle, { amount: 4, unit: 'wh' });
    assert.deepEqual(Object.keys(g.json.limits).sort(), ['normal', 'pressing', 'urgent']);

    for (const who of ['dispatcher', 'shift_leader', 'leader', 'handler']) {
      assertError(await as(who).request('PUT', '/api/v1/categories/06036/standard',
        { body: { limits: { normal: { handle: '2wh' } } } }), 403, 'forbidden');
    }
    const put = (body) => as('admin').request('PUT', '/api/v1/categories/06036/standard', { body });
    const p = await put({ limits: { normal: { handle: '2wh' } }, closing_condition: '已清理' });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.version, 2);
    assert.deepEqual(p.json.limits.normal.handle, { amount: 2, unit: 'wh' });
    assert.deepEqual(p.json.limits.urgent.handle, g.json.limits.urgent.handle);
    assert.equal(p.json.closing_condition, '已清理');
    assert.equal(p.json.created_by, 'admin');
    const p3 = await put({ department_type: 'enforcement' });
    assert.equal(p3.json.version, 3);
    assert.equal((await as('handler').get('/api/v1/categories/06036/standard')).json.version, 3);

    const bad = await put({ limits: { normal: { handle: '2xx' } } });
    assertError(bad, 400, 'invalid', 'limits.normal.handle');
    assertError(await put({ limits: { someday: { handle: '2wh' } } }), 400, 'invalid', 'limits.someday');
    assertError(await put({ limits: { normal: { lunch: '2wh' } } }), 400, 'invalid', 'limits.normal.lunch');
    assertError(await put({ department_type: 'plumbers' }), 400, 'invalid', 'department_type');
    assertError(await as('admin').request('PUT', '/api/v1/categories/06999/standard',
      { body: { closing_condition: 'x' } }), 404, 'not_found');
    assert.equal((await as('handler').get('/api/v1/categories/06036/standard')).json.version, 3);

    // The case filed before keeps version 1; a new one gets version 3.
    assert.equal((await getCase(as('admin'), before.id)).standard_id, g.json.id);
    const after = await intake(as('inspector'), { category: '06036' });
    assert.equal(after.standard_id, p3.json.id);
  });

  test('POST /api/v1/categories: a local category; 409 twice; 400 for a bad major', async () => {
    const post = (body, who = 'admin') => as(who).post('/api/v1/categories', body);
    assertError(await post({ code: '06901', name: '共享充电宝乱放' }, 'dispatcher'), 403, 'forbidden');
    const r = await post({ code: '06901', name: '共享充电宝乱放' });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json, { code: '06901', major: '06', name: '共享充电宝乱放', standard: false, public: true });
    assertError(await post({ code: '06901', name: '又一个' }), 409, 'conflict', 'code');
    assertError(await post({ code: '06010', name: '又一个' }), 409, 'conflict', 'code');
    assertError(await post({ code: '99001', name: '无大类' }), 400, 'invalid', 'code');
    assertError(await post({ code: '0690', name: '短' }), 400, 'invalid', 'code');
    assertError(await post({ code: '06902', name: '错模板', like: '09001' }), 400, 'invalid', 'like');
    assertError(await post({ code: '06903' }), 400, 'invalid', 'name');
    const tree = (await as('admin').get('/api/v1/categories')).json.majors;
    assert.equal(tree.reduce((n, m) => n + m.categories.length, 0), 251);
    const s = await as('admin').get('/api/v1/categories/06901/standard');
    assert.equal(s.json.version, 1);
    const c = await intake(as('inspector'), { category: '06901' });
    assert.equal(c.category, '06901');
    assert.equal(c.standard_id, s.json.id);
  });

  test('PATCH /api/v1/categories/{code}: a local name, the public flag; the national name stays', async () => {
    const patch = (code, body, who = 'admin') => as(who).request('PATCH', `/api/v1/categories/${code}`, { body });
    assert.equal((await as('admin').post('/api/v1/categories', { code: '07901', name: '夜市占道' })).status, 201);
    assertError(await patch('07901', { name: '夜市' }, 'dispatcher'), 403, 'forbidden');
    const r = await patch('07901', { name: '夜市占道经营', public: false });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { code: '07901', major: '07', name: '夜市占道经营', standard: false, public: false });
    const listed = (await as('receptionist').get('/api/v1/categories')).json.majors
      .flatMap((m) => m.categories).find((x) => x.code === '07901');
    assert.equal(listed.name, '夜市占道经营');
    assert.equal(listed.public, false);
    // A national class: its own name again is no change; another is 409.
    assert.equal((await patch('06010', { name: '暴露垃圾', public: true })).status, 200);
    assertError(await patch('06010', { name: '垃圾' }), 409, 'conflict', 'name');
    assertError(await patch('07901', { name: '' }), 400, 'invalid', 'name');
    assertError(await patch('07901', { name: 'x'.repeat(31) }), 400, 'invalid', 'name');
    assertError(await patch('07901', {}), 400, 'invalid', 'name');
    assertError(await patch('07901', { name: 3 }), 400, 'invalid', 'name');
    assertError(await patch('07999', { public: true }), 404, 'not_found');
    // Nothing refused was written.
    const again = (await as('admin').get('/api/v1/categories')).json.majors
      .flatMap((m) => m.categories);
    assert.equal(again.find((x) => x.code === '07901').name, '夜市占道经营');
    assert.equal(again.find((x) => x.code === '06010').name, '暴露垃圾');
    assert.equal(sql(ws.db, "SELECT before_state || ' ' || after_state FROM audit_event"
      + " WHERE action = 'category.edit' AND subject = '07901'"),
    '{"name":"夜市占道","public":true} {"name":"夜市占道经营","public":false}');
  });
});

// ---- routing rules -------------------------------------------------------------------

describe('routing rules', () => {
  test('admin edits, dispatcher reads, others may not; rules steer the suggestion', async () => {
    assert.equal((await as('admin').get('/api/v1/routing-rules')).status, 200);
    const list = await as('dispatcher').get('/api/v1/routing-rules');
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.rules, []);
    for (const who of ['handler', 'inspector', 'shift_leader', 'api_client']) {
      assertError(await as(who).get('/api/v1/routing-rules'), 403, 'forbidden');
    }
    const rule = { category: '06010', area: '110101001', department: '110101-SZ' };
    assertError(await as('dispatcher').post('/api/v1/routing-rules', rule), 403, 'forbidden');

    let c = await intake(as('inspector'));
    c = await actOk(as('shift_leader'), c, 'file');
    assert.equal((await getCase(as('dispatcher'), c.id)).dispatch_suggestion.reason, 'department_type');

    const r = await as('admin').post('/api/v1/routing-rules', rule);
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json, { id: r.json.id, ...rule, priority: 0 });
    assert.deepEqual((await getCase(as('dispatcher'), c.id)).dispatch_suggestion,
      { department: '110101-SZ', name: '东城区市政管理所', reason: 'rule' });
    // A rule on the whole district loses to the one on the street.
    const wide = await as('admin').post('/api/v1/routing-rules',
      { category: '06010', area: '110101', department: '110101-YL', priority: 50 });
    assert.equal(wide.status, 201, wide.text);
    assert.equal((await getCase(as('dispatcher'), c.id)).dispatch_suggestion.department, '110101-SZ');
    assert.deepEqual((await as('dispatcher').get('/api/v1/routing-rules')).json.rules.map((x) => x.id),
      [r.json.id, wide.json.id]);

    assertError(await as('admin').post('/api/v1/routing-rules', { ...rule, department: '110101-XX' }),
      400, 'invalid', 'department');
    assertError(await as('admin').post('/api/v1/routing-rules', { ...rule, area: '110199' }),
      400, 'invalid', 'area');
    assertError(await as('admin').post('/api/v1/routing-rules', { ...rule, category: '06999' }),
      400, 'invalid', 'category');
    assertError(await as('dispatcher').delete(`/api/v1/routing-rules/${r.json.id}`), 403, 'forbidden');

    assert.equal((await as('admin').delete(`/api/v1/routing-rules/${r.json.id}`)).status, 204);
    assert.equal((await getCase(as('dispatcher'), c.id)).dispatch_suggestion.department, '110101-YL');
    assert.equal((await as('admin').delete(`/api/v1/routing-rules/${wide.json.id}`)).status, 204);
    assert.deepEqual((await getCase(as('dispatcher'), c.id)).dispatch_suggestion,
      { department: '110101-HW', name: '东城区环卫中心', reason: 'department_type' });
    assertError(await as('admin').delete(`/api/v1/routing-rules/${r.json.id}`), 404, 'not_found');
    // The dispatcher may override the suggestion.
    c = await actOk(as('dispatcher'), c, 'dispatch', { department: '110101-YL' });
    assert.equal(c.department, '110101-YL');
  });
});

// ---- phone masking ---------------------------------------------------------------------

describe('reporter phone', () => {
  test('whole for the receptionist and shift leader, masked for the others', async () => {
    const r = await as('receptionist').post('/api/v1/cases', {
      ...REPORT, source: 'hotline', area: '110101001', reporter_name: '张先生',
      reporter_phone: '13812345678', description: '热线来电 PHONECASE',
    });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json.reporter, { name: '张先生', phone: '13812345678' });
    const id = r.json.id;
    for (const [who, phone] of [['receptionist', '13812345678'], ['shift_leader', '13812345678'],
      ['dispatcher', '138****5678'], ['inspector', '138****5678'], ['leader', '138****5678']]) {
      const c = await getCase(as(who), id);
      assert.equal(c.reporter.phone, phone, who);
      const l = await as(who).get('/api/v1/cases?q=PHONECASE');
      assert.equal(l.json.cases[0].reporter.phone, phone, `${who} (list)`);
      assert.ok(!l.text.includes('13812345678') || phone === '13812345678', who);
    }
    // The verifying inspector's answer masks it too.
    const v = await act(as('inspector'), r.json, 'verify');
    assert.equal(v.status, 200, v.text);
    assert.equal(v.json.reporter.phone, '138****5678');
  });
});

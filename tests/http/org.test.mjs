// org.test.mjs - reference data every signed-in role may read:
// GET /api/v1/divisions/{code} (district, street, community, city; 404
// unknown, 400 malformed) on the synthetic fixture divisions,
// GET /api/v1/roles, and GET /api/v1/departments on the demo city (and
// empty on a database without departments).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { assertError, demoDb, fixtureDb, staffSuite } from './lib/server.mjs';

let fxUser;  // a street inspector on the fixture divisions' server (Bearer)
let dmHandler; // the demo's department handler (Bearer)
// A server on the fixture divisions, and one on the demo city.
const fixture = staffSuite({
  makeDb: (ws) => fixtureDb(ws, [
    { name: 'inspector', role: 'inspector', unit: '110101001', password: 'inspector-pass-1' },
  ]),
  roles: ['inspector'],
  started: (s) => { fxUser = s.as('inspector'); },
});
const demo = staffSuite({
  makeDb: demoDb,
  roles: ['handler'],
  started: (s) => { dmHandler = s.as('handler'); },
});

describe('GET /api/v1/divisions/{code}', () => {
  // Each of a district, a 9-digit street and a 12-digit community (its
  // name holding quotes): the division and its children.
  for (const [title, code, name, level, parent, children] of [
    ['a district with its streets', '110101', '甲区', 'district', '110100',
      [['110101001', '一号街道'], ['110101002', '二号街道'], ['110101003', '三号街道']]],
    ['a 9-digit street with its communities', '110101001', '一号街道', 'street', '110101',
      [['110101001001', '东一社区居委会'], ['110101001002', '东二社区居委会'], ['110101001003', '东三社区居委会']]],
    ['a 12-digit community, its name holding quotes', '110101003001', '"引号"社区', 'community', '110101003', []],
  ]) {
    test(title, async () => {
      const r = await fxUser.get(`/api/v1/divisions/${code}`);
      assert.equal(r.status, 200, r.text);
      const childLevel = { district: 'street', street: 'community' }[level];
      assert.deepEqual(r.json, {
        code, name, level, parent,
        children: children.map(([c, n]) => ({ code: c, name: n, level: childLevel })),
      });
    });
  }

  test('the city, which has no parent', async () => {
    const r = await fxUser.get('/api/v1/divisions/110100');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.level, 'city');
    assert.equal(r.json.parent, null);
    assert.deepEqual(r.json.children.map((c) => c.code), ['110101']);
  });

  test('an unknown code of a valid shape: 404', async () => {
    for (const code of ['110102', '110101999', '110101001999', '120000', '110101001001001']) {
      assertError(await fxUser.get(`/api/v1/divisions/${code}`), 404, 'not_found');
    }
  });

  test('a malformed code: 400 naming "code"', async () => {
    for (const code of ['abc', '1101', '11010', '1101010', '11010100', '1101010011',
      '110101001x', '-110101', '11010１', '110101%2000']) {
      assertError(await fxUser.get(`/api/v1/divisions/${code}`), 400, 'invalid', 'code');
    }
  });

  test('without authentication: 401', async () => {
    assertError(await fixture.server.request('GET', '/api/v1/divisions/110101'), 401, 'unauthenticated');
  });
});

describe('GET /api/v1/roles', () => {
  test('the ten roles with their Chinese names and unit kinds', async () => {
    const r = await fxUser.get('/api/v1/roles');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, {
      roles: [
        { role: 'inspector', name: '监督员', unit_kind: 'division' },
        { role: 'receptionist', name: '受理员', unit_kind: 'division' },
        { role: 'shift_leader', name: '值班长', unit_kind: 'division' },
        { role: 'dispatcher', name: '派遣员', unit_kind: 'division' },
        { role: 'handler', name: '专业部门处置人员', unit_kind: 'department' },
        { role: 'leader', name: '领导', unit_kind: 'any' },
        { role: 'admin', name: '系统管理员', unit_kind: 'any' },
        { role: 'api_client', name: '外部系统', unit_kind: 'any' },
        { role: 'security_admin', name: '安全管理员', unit_kind: 'any' },
        { role: 'auditor', name: '安全审计员', unit_kind: 'any' },
      ],
    });
  });

  test('a department user may read them too', async () => {
    const r = await dmHandler.get('/api/v1/roles');
    assert.equal(r.status, 200);
    assert.equal(r.json.roles.length, 10);
  });

  test('without authentication: 401', async () => {
    assertError(await fixture.server.request('GET', '/api/v1/roles'), 401, 'unauthenticated');
  });
});

describe('GET /api/v1/departments', () => {
  test('the demo city\'s departments with kind, type, parent and areas', async () => {
    const r = await dmHandler.get('/api/v1/departments');
    assert.equal(r.status, 200, r.text);
    const deps = r.json.departments;
    const { departments } = demo.made; // how many the demo says it made
    assert.ok(departments >= 28, `demo made only ${departments} departments`);
    assert.equal(deps.length, departments);
    const byCode = Object.fromEntries(deps.map((d) => [d.code, d]));
    assert.equal(Object.keys(byCode).length, deps.length, 'codes repeat');
    assert.deepEqual(byCode['110101-HW'], {
      code: '110101-HW', name: '东城区环卫中心', kind: 'professional', type: 'sanitation',
      parent: null, areas: ['110101'], disabled: false,
    });
    assert.deepEqual(byCode['110101-ZX'], {
      code: '110101-ZX', name: '东城区城市管理监督指挥中心', kind: 'centre', type: 'centre',
      parent: null, areas: ['110101'], disabled: false,
    });
    const team = byCode['110101001-JD'];
    assert.equal(team.kind, 'street_team');
    assert.equal(team.parent, '110101-ZF');
    assert.equal(team.name, '东华门街道城管执法队');
    assert.deepEqual(team.areas, ['110101001']);
    for (const d of deps) {
      assert.ok(['centre', 'professional', 'responsible_unit', 'street_team'].includes(d.kind), d.kind);
    }
    for (const d of deps) {
      assert.ok(d.areas.length >= 1, `${d.code} serves no area`);
      if (d.parent !== null) assert.ok(byCode[d.parent], `${d.code}: unknown parent ${d.parent}`);
    }
  });

  test('a database without departments answers an empty list', async () => {
    const r = await fxUser.get('/api/v1/departments');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { departments: [] });
  });

  test('without authentication: 401', async () => {
    assertError(await demo.server.request('GET', '/api/v1/departments'), 401, 'unauthenticated');
  });
});

// users.test.mjs - GET /api/v1/users (the security admin sees everyone,
// a leader or shift leader their area, a street's shift leader only that
// street, other roles 403, nobody 401) and POST /api/v1/users (201 with a
// generated password shown once, the new user can log in; 409, 400 for
// each bad field, 403 for every role but the security admin) on the demo
// city plus a second district (西城区 110102) and a few users added with
// the CLI.  Accounts were the admin's until the separation of duties
// (三员分立) gave them to the security admin: the same tests, by it.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import {
  addUser, assertError, createToken, demoDb, loggedIn, REAL_DIVISIONS, sql, staffSuite, ugOk,
} from './lib/server.mjs';

// The usernames whose unit code starts with prefix, sorted.
const within = (prefix) => accounts.filter((a) => a.unit.startsWith(prefix))
  .map((a) => a.username).sort();

const EXTRA = [
  { name: 'sl_street', role: 'shift_leader', unit: '110101001' },
  { name: 'insp2', role: 'inspector', unit: '110101002' },
  { name: 'xc_leader', role: 'leader', unit: '110102' },
  { name: 'xc_insp', role: 'inspector', unit: '110102001' },
];

let demoPw;
let accounts; // every account in the database, { username, unit }
const suite = staffSuite({
  makeDb: demoDb,
  prepare: ({ ws, made: demo, token }) => {
    demoPw = demo.passwords;
    ugOk(['import', 'divisions', '--db', ws.db, '--area', '110102', '--from', REAL_DIVISIONS]);
    for (const u of EXTRA) addUser(ws.db, { ...u, password: `${u.name}-pass-1` });
    // The demo makes more accounts than it prints (one per department):
    // the expected lists come from the table itself.
    accounts = sql(ws.db, "SELECT username || ' ' || unit_code FROM app_user").split('\n')
      .map((line) => { const [username, unit] = line.split(' '); return { username, unit }; });
    for (const a of [...demo.accounts, ...EXTRA.map((u) => ({ username: u.name }))]) {
      assert.ok(accounts.some((b) => b.username === a.username), `${a.username} not in app_user`);
      token[a.username] = createToken(ws.db, a.username);
    }
  },
});
const { ws, servers, token, as } = suite; // token: username -> Bearer token

const names = (r) => r.json.users.map((u) => u.username);
const userCount = (username) => Number(sql(ws.db,
  `SELECT COUNT(*) FROM app_user WHERE username = '${username}'`));

describe('GET /api/v1/users', () => {
  test('the security admin (by session cookie) sees every user, sorted by name', async () => {
    const admin = await loggedIn(suite.server, 'security_admin', demoPw.security_admin);
    const r = await admin.get('/api/v1/users');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(names(r), within(''));
    assert.ok(names(r).includes('xc_insp') && names(r).includes('handler'));
  });

  test('a user is shown with role, unit and no password', async () => {
    const r = await as('security_admin').get('/api/v1/users');
    const handler = r.json.users.find((u) => u.username === 'handler');
    assert.equal(typeof handler.id, 'number');
    assert.equal(handler.role, 'handler');
    assert.equal(handler.role_name, '专业部门处置人员');
    assert.deepEqual(handler.unit, { kind: 'department', code: '110101-HW', name: '东城区环卫中心' });
    assert.equal(handler.disabled, false);
    assert.match(handler.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const xc = r.json.users.find((u) => u.username === 'xc_insp');
    assert.deepEqual(xc.unit, { kind: 'division', code: '110102001', name: '西长安街街道' });
    for (const u of r.json.users) {
      assert.deepEqual(Object.keys(u).sort(),
        ['created_at', 'disabled', 'display_name', 'id', 'role', 'role_name', 'unit', 'username']);
    }
  });

  test('the district leader sees the district\'s users (its departments too), not the next district\'s', async () => {
    const r = await as('leader').get('/api/v1/users');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(names(r), within('110101'));
    for (const who of ['handler', 'insp2', 'sl_street', 'admin']) assert.ok(names(r).includes(who), who);
    assert.ok(!names(r).some((n) => n.startsWith('xc_')));
  });

  test('the other district\'s leader sees only that district', async () => {
    const r = await as('xc_leader').get('/api/v1/users');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(names(r), ['xc_insp', 'xc_leader']);
  });

  test('a district shift leader sees the district', async () => {
    const r = await as('shift_leader').get('/api/v1/users');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(names(r), within('110101'));
  });

  test('a street\'s shift leader sees only that street\'s users', async () => {
    const r = await as('sl_street').get('/api/v1/users');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(names(r), within('110101001'));
    assert.ok(names(r).includes('inspector') && names(r).includes('sl_street'));
    assert.ok(!names(r).includes('insp2') && !names(r).includes('leader'));
  });

  for (const role of ['inspector', 'receptionist', 'dispatcher', 'handler', 'api_client', 'admin',
    'auditor']) {
    test(`${role}: 403`, async () => {
      assertError(await as(role).get('/api/v1/users'), 403, 'forbidden');
    });
  }

  test('an inspector by session cookie: 403 too', async () => {
    const c = await loggedIn(suite.server, 'inspector', demoPw.inspector);
    assertError(await c.get('/api/v1/users'), 403, 'forbidden');
  });

  test('unauthenticated: 401', async () => {
    const r = await suite.server.request('GET', '/api/v1/users');
    assertError(r, 401, 'unauthenticated');
    assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="urbangrid"');
  });
});

describe('POST /api/v1/users', () => {
  let admin; // by session cookie, with the CSRF token

  before(async () => { admin = await loggedIn(suite.server, 'security_admin', demoPw.security_admin); });

  test('201 with a generated password shown once; the new user can log in with it', async () => {
    const r = await admin.post('/api/v1/users',
      { username: 'new.inspector', display_name: '李四', role: 'inspector', unit: '110101003' });
    assert.equal(r.status, 201, r.text);
    assert.match(r.json.password, /^[A-Za-z2-9]{20}$/);
    assert.equal(r.json.user.username, 'new.inspector');
    assert.equal(r.json.user.display_name, '李四');
    assert.equal(r.json.user.role, 'inspector');
    assert.deepEqual(r.json.user.unit, { kind: 'division', code: '110101003', name: '交道口街道' });
    // Shown once: the list does not carry it.
    const list = await as('security_admin').get('/api/v1/users');
    assert.ok(!list.text.includes(r.json.password));
    const c = await loggedIn(suite.server, 'new.inspector', r.json.password);
    const me = await c.get('/api/v1/session');
    assert.equal(me.json.user.id, r.json.user.id);
    // The security admin knows that password: its owner replaces it first.
    assert.equal(me.json.password_change_required, true);
    assertError(await c.get('/api/v1/cases'), 403, 'password_change_required');
  });

  test('must_change_password: false keeps the first password usable at once', async () => {
    const r = await admin.post('/api/v1/users', {
      username: 'kept.pw', role: 'inspector', unit: '110101003', must_change_password: false,
    });
    assert.equal(r.status, 201, r.text);
    const c = await loggedIn(suite.server, 'kept.pw', r.json.password);
    assert.equal((await c.get('/api/v1/session')).json.password_change_required, false);
    assert.equal((await c.get('/api/v1/cases')).status, 200);
    assertError(await admin.post('/api/v1/users', {
      username: 'kept.pw2', role: 'inspector', unit: '110101003', must_change_password: 'no',
    }), 400, 'invalid', 'must_change_password');
  });

  test('with a chosen password: 201 without a password in the answer; it logs in', async () => {
    const r = await admin.post('/api/v1/users',
      { username: 'hw-worker', role: 'handler', unit: '110101-HW', password: '八个字符的密码啊' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.password, undefined);
    assert.equal(r.json.user.display_name, 'hw-worker', 'display_name defaults to the username');
    assert.deepEqual(r.json.user.unit, { kind: 'department', code: '110101-HW', name: '东城区环卫中心' });
    await loggedIn(suite.server, 'hw-worker', '八个字符的密码啊');
  });

  test('roles of kind "any" may sit in a division or a department', async () => {
    let r = await admin.post('/api/v1/users', { username: 'leader2', role: 'leader', unit: '110101-HW' });
    assert.equal(r.status, 201, r.text);
    r = await admin.post('/api/v1/users', { username: 'admin2', role: 'admin', unit: '110101001' });
    assert.equal(r.status, 201, r.text);
  });

  test('409 for a username that exists; the account is unchanged', async () => {
    const r = await admin.post('/api/v1/users', { username: 'inspector', role: 'admin', unit: '110101' });
    assertError(r, 409, 'conflict', 'username');
    assert.equal(userCount('inspector'), 1);
    assert.equal(sql(ws.db, "SELECT role FROM app_user WHERE username = 'inspector'"), 'inspector');
    await loggedIn(suite.server, 'inspector', demoPw.inspector);
  });

  const bad = [
    ['an unknown role', { username: 'bad1', role: 'mayor', unit: '110101' }, 'role'],
    ['a handler in a division', { username: 'bad2', role: 'handler', unit: '110101001' }, 'unit'],
    ['an inspector in a department', { username: 'bad3', role: 'inspector', unit: '110101-HW' }, 'unit'],
    ['an unknown unit', { username: 'bad4', role: 'inspector', unit: '110101999' }, 'unit'],
    ['an unknown department', { username: 'bad5', role: 'handler', unit: '110101-XX' }, 'unit'],
    ['a short password', { username: 'bad6', role: 'inspector', unit: '110101001', password: 'short77' }, 'password'],
    ['a long password', { username: 'bad7', role: 'inspector', unit: '110101001', password: 'p'.repeat(257) }, 'password'],
    ['a username with capitals', { username: 'BadName', role: 'inspector', unit: '110101001' }, 'username'],
    ['a username with a space', { username: 'bad name', role: 'inspector', unit: '110101001' }, 'username'],
    ['a username of 2 characters', { username: 'ab', role: 'inspector', unit: '110101001' }, 'username'],
    ['a username starting with a dot', { username: '.bad', role: 'inspector', unit: '110101001' }, 'username'],
    ['a username of 65 characters', { username: 'a'.repeat(65), role: 'inspector', unit: '110101001' }, 'username'],
    ['a display name of 101 characters', { username: 'bad8', display_name: '名'.repeat(101), role: 'inspector', unit: '110101001' }, 'display_name'],
    ['a missing role', { username: 'bad9', unit: '110101001' }, 'role'],
    ['a missing unit', { username: 'bad10', role: 'inspector' }, 'unit'],
    ['a missing username', { role: 'inspector', unit: '110101001' }, 'username'],
    ['a number for a string', { username: 'bad11', role: 'inspector', unit: 110101001 }, 'unit'],
    ['an unknown field', { username: 'bad12', role: 'admin', unit: '110101', is_admin: true }, 'is_admin'],
  ];
  for (const [what, body, field] of bad) {
    test(`400 for ${what}, nothing written`, async () => {
      const before = sql(ws.db, 'SELECT COUNT(*) FROM app_user');
      const r = await admin.post('/api/v1/users', body);
      assertError(r, 400, 'invalid', field);
      assert.equal(sql(ws.db, 'SELECT COUNT(*) FROM app_user'), before);
    });
  }

  test('400 for malformed JSON', async () => {
    assertError(await admin.post('/api/v1/users', '{"username":"x"'), 400, 'invalid', 'body');
  });

  for (const role of ['leader', 'shift_leader', 'inspector', 'receptionist', 'dispatcher',
    'handler', 'api_client', 'sl_street', 'admin', 'auditor']) {
    test(`403 for ${role}, nothing written`, async () => {
      const r = await as(role).post('/api/v1/users',
        { username: `by-${role.replace('_', '-')}`, role: 'admin', unit: '110101' });
      assertError(r, 403, 'forbidden');
      assert.equal(userCount(`by-${role.replace('_', '-')}`), 0);
    });
  }

  test('403 for a leader by session cookie with a valid CSRF token', async () => {
    const c = await loggedIn(suite.server, 'leader', demoPw.leader);
    const r = await c.post('/api/v1/users', { username: 'by-leader-cookie', role: 'admin', unit: '110101' });
    assertError(r, 403, 'forbidden');
    assert.equal(userCount('by-leader-cookie'), 0);
  });

  test('401 without authentication', async () => {
    const r = await suite.server.request('POST', '/api/v1/users',
      { body: { username: 'anon', role: 'admin', unit: '110101' } });
    assertError(r, 401, 'unauthenticated');
    assert.equal(userCount('anon'), 0);
  });

  test('the creation is audited with the acting security admin', async () => {
    const r = await as('security_admin').post('/api/v1/users', { username: 'audited', role: 'inspector', unit: '110101001' });
    assert.equal(r.status, 201, r.text);
    assert.equal(sql(ws.db,
      "SELECT actor || ' ' || action FROM audit_event WHERE subject = 'audited'"), 'security_admin user.create');
  });
});

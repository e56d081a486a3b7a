// accounts.test.mjs - administering people and systems without the demo's
// shortcuts, as the separation of duties (三员分立) wants it: the security
// admin changes and disables accounts (PATCH /api/v1/users/{id}), resets
// passwords (POST /api/v1/users/{id}/password; the owner must then choose
// one before anything else), sets the password policy, makes API tokens
// for systems and revokes any (GET/POST /api/v1/tokens, DELETE
// /api/v1/tokens/{id}); everyone changes its own password and lists and
// revokes its own tokens; only the auditor reads the trail (GET
// /api/v1/audit) of all of it, logins included; and the same from the
// command line (user edit|disable|enable|reset-password|list, token
// list|revoke, password-policy, audit list|prune).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { emptyDemoDb } from './lib/cases.mjs';
import {
  assertError, Client, createToken, loggedIn, sql, staffSuite, ug, ugOk,
} from './lib/server.mjs';

let demoPw;
const suite = staffSuite({
  makeDb: emptyDemoDb,
  roles: ['security_admin', 'auditor', 'admin', 'inspector', 'leader'],
  prepare: (s) => { demoPw = s.made.passwords; },
});
const { ws, token, as } = suite;
const idOf = (username) => Number(sql(ws.db, `SELECT id FROM app_user WHERE username = '${username}'`));

// A new inspector made by the security admin with a chosen password.
async function newInspector(username, password = 'first-pass-123') {
  const r = await as('security_admin').post('/api/v1/users',
    { username, role: 'inspector', unit: '110101002', password });
  assert.equal(r.status, 201, r.text);
  return r.json.user;
}

describe('PATCH /api/v1/users/{id}', () => {
  test('the security admin changes role, unit and name; audited with before and after', async () => {
    const u = await newInspector('zhou');
    const r = await as('security_admin').request('PATCH', `/api/v1/users/${u.id}`,
      { body: { role: 'handler', unit: '110101-SZ', display_name: '周处置' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.user.role, 'handler');
    assert.deepEqual(r.json.user.unit, { kind: 'department', code: '110101-SZ', name: '东城区市政管理所' });
    assert.equal(r.json.user.display_name, '周处置');
    const [before, after] = sql(ws.db, "SELECT before_state || char(10) || after_state FROM audit_event"
      + " WHERE action = 'user.edit' AND subject = 'zhou'").split('\n').map((t) => JSON.parse(t));
    assert.equal(before.role, 'inspector');
    assert.equal(after.role, 'handler');
    assert.equal(sql(ws.db, "SELECT actor || ' ' || address FROM audit_event WHERE action = 'user.edit'"
      + " AND subject = 'zhou'"), 'security_admin 127.0.0.1');
  });

  test('refusals name the field and change nothing', async () => {
    const u = await newInspector('wu.yi');
    const id = u.id;
    const cases = [
      [{ role: 'handler' }, 400, 'invalid', 'unit'],
      [{ role: 'mayor' }, 400, 'invalid', 'role'],
      [{ unit: '110101999' }, 400, 'invalid', 'unit'],
      [{ display_name: '' }, 400, 'invalid', 'display_name'],
      [{ disabled: 'no' }, 400, 'invalid', 'disabled'],
      [{ username: 'renamed' }, 400, 'invalid', 'username'],
    ];
    for (const [body, status, code, field] of cases) {
      assertError(await as('security_admin').request('PATCH', `/api/v1/users/${id}`, { body }),
        status, code, field);
    }
    assertError(await as('security_admin').request('PATCH', '/api/v1/users/999999', { body: {} }),
      404, 'not_found', 'id');
    assertError(await as('security_admin').request('PATCH', '/api/v1/users/x1', { body: {} }),
      400, 'invalid', 'id');
    // Nobody takes away its own role or disables itself.
    const self = idOf('security_admin');
    assertError(await as('security_admin').request('PATCH', `/api/v1/users/${self}`,
      { body: { disabled: true } }), 409, 'conflict', 'disabled');
    assertError(await as('security_admin').request('PATCH', `/api/v1/users/${self}`,
      { body: { role: 'admin' } }), 409, 'conflict', 'role');
    assert.equal(sql(ws.db, `SELECT role || ' ' || unit_code || ' ' || disabled FROM app_user WHERE id = ${id}`),
      'inspector 110101002 0');
    // The admin does not manage accounts (三员分立).
    assertError(await as('admin').request('PATCH', `/api/v1/users/${id}`, { body: { disabled: true } }),
      403, 'forbidden');
  });

  test('a disabled account: its sessions and tokens get 401 at once; enabled, the token works again', async () => {
    await newInspector('zheng', 'zheng-pass-123');
    const id = idOf('zheng');
    const session = await loggedIn(suite.server, 'zheng', 'zheng-pass-123');
    const bearer = new Client(suite.server, { bearer: createToken(ws.db, 'zheng') });
    assert.equal((await session.get('/api/v1/session')).status, 200);
    let r = await as('security_admin').request('PATCH', `/api/v1/users/${id}`, { body: { disabled: true } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.user.disabled, true);
    assertError(await session.get('/api/v1/session'), 401, 'unauthenticated');
    assertError(await bearer.get('/api/v1/session'), 401, 'unauthenticated');
    assertError(await suite.server.request('POST', '/api/v1/session',
      { body: { username: 'zheng', password: 'zheng-pass-123' } }), 401, 'unauthenticated');
    r = await as('security_admin').request('PATCH', `/api/v1/users/${id}`, { body: { disabled: false } });
    assert.equal(r.status, 200, r.text);
    assert.equal((await bearer.get('/api/v1/session')).status, 200);
    // The session that ended stays ended.
    assertError(await session.get('/api/v1/session'), 401, 'unauthenticated');
  });
});

describe('POST /api/v1/users/{id}/password', () => {
  test('one\'s own: the old password first; the other sessions end, this one stays', async () => {
    await newInspector('feng', 'feng-pass-123');
    const id = idOf('feng');
    const a = await loggedIn(suite.server, 'feng', 'feng-pass-123');
    const b = await loggedIn(suite.server, 'feng', 'feng-pass-123');
    assertError(await a.post(`/api/v1/users/${id}/password`, { password: 'feng-pass-456' }),
      400, 'invalid', 'old_password');
    assertError(await a.post(`/api/v1/users/${id}/password`,
      { old_password: 'nope-nope-1', password: 'feng-pass-456' }), 401, 'unauthenticated', 'old_password');
    assertError(await a.post(`/api/v1/users/${id}/password`,
      { old_password: 'feng-pass-123', password: 'short' }), 400, 'invalid', 'password');
    const r = await a.post(`/api/v1/users/${id}/password`,
      { old_password: 'feng-pass-123', password: 'feng-pass-456' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.password, undefined);
    assert.equal((await a.get('/api/v1/session')).status, 200);
    assertError(await b.get('/api/v1/session'), 401, 'unauthenticated');
    await loggedIn(suite.server, 'feng', 'feng-pass-456');
    // Another's password is nobody's but the security admin's: hidden.
    assertError(await a.post(`/api/v1/users/${idOf('inspector')}/password`,
      { old_password: 'x', password: 'y-123456789' }), 404, 'not_found', 'id');
  });

  test('the security admin\'s reset: shown once; before anything else, a new password', async () => {
    await newInspector('chen.li', 'chen-pass-123');
    const id = idOf('chen.li');
    const old = await loggedIn(suite.server, 'chen.li', 'chen-pass-123');
    const r = await as('security_admin').post(`/api/v1/users/${id}/password`, {});
    assert.equal(r.status, 200, r.text);
    assert.match(r.json.password, /^[A-Za-z2-9]{20}$/);
    assertError(await old.get('/api/v1/session'), 401, 'unauthenticated');
    // Logging in works and says so; everything but the change is refused.
    const c = new Client(suite.server);
    const login = await c.login('chen.li', r.json.password);
    assert.equal(login.json.password_change_required, true);
    const me = await c.get('/api/v1/session');
    assert.equal(me.status, 200);
    assert.equal(me.json.password_change_required, true);
    assert.equal((await c.get('/api/v1/password-policy')).status, 200);
    const refused = await c.get('/api/v1/cases');
    assertError(refused, 403, 'password_change_required');
    assert.match(refused.json.error.message, new RegExp(`/api/v1/users/${id}/password`));
    const changed = await c.post(`/api/v1/users/${id}/password`,
      { old_password: r.json.password, password: 'chen-pass-789' });
    assert.equal(changed.status, 200, changed.text);
    assert.equal((await c.get('/api/v1/cases')).status, 200);
    assert.equal((await c.get('/api/v1/session')).json.password_change_required, false);
    assert.equal(sql(ws.db, "SELECT group_concat(action, ' ') FROM (SELECT action FROM audit_event"
      + " WHERE subject = 'chen.li' AND action LIKE 'user.password.%' ORDER BY id)"),
    'user.password.reset user.password.change');
  });
});

describe('the password policy', () => {
  test('everyone reads it; the security admin sets it; it holds for every chosen password', async () => {
    const r0 = await as('inspector').get('/api/v1/password-policy');
    assert.deepEqual(r0.json, { min_length: 8, min_classes: 1, not_username: false, max_age_days: 0 });
    assertError(await as('admin').request('PUT', '/api/v1/password-policy', { body: { min_classes: 3 } }),
      403, 'forbidden');
    assertError(await as('security_admin').request('PUT', '/api/v1/password-policy',
      { body: { min_length: 7 } }), 400, 'invalid', 'min_length');
    assertError(await as('security_admin').request('PUT', '/api/v1/password-policy',
      { body: { min_classes: 5 } }), 400, 'invalid', 'min_classes');
    const r = await as('security_admin').request('PUT', '/api/v1/password-policy',
      { body: { min_length: 10, min_classes: 3, not_username: true } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { min_length: 10, min_classes: 3, not_username: true, max_age_days: 0 });
    const make = (username, password) => as('security_admin').post('/api/v1/users',
      { username, role: 'inspector', unit: '110101001', password });
    assertError(await make('sun.a', 'alllowercase'), 400, 'invalid', 'password');
    assertError(await make('sun.b', 'Sun.b-2026-x'), 400, 'invalid', 'password');
    assert.equal((await make('sun.c', 'Grid-2026-ok')).status, 201);
    assert.equal(sql(ws.db, "SELECT COUNT(*) FROM audit_event WHERE action = 'password_policy.edit'"), '1');
    // Back as it was, for the other tests.
    const back = await as('security_admin').request('PUT', '/api/v1/password-policy',
      { body: { min_length: 8, min_classes: 1, not_username: false } });
    assert.equal(back.status, 200, back.text);
  });
});

describe('API tokens', () => {
  test('made for a system, shown once, listed by id, revoked; people get none', async () => {
    const r = await as('security_admin').post('/api/v1/tokens', { username: 'api_client', label: '12345 热线' });
    assert.equal(r.status, 201, r.text);
    assert.match(r.json.token, /^ugt_[0-9a-f]{64}$/);
    assert.equal(r.json.user.username, 'api_client');
    assert.equal(r.json.label, '12345 热线');
    assert.equal(r.json.created_by, 'security_admin');
    assert.equal(r.json.last_used_at, null);
    const client = new Client(suite.server, { bearer: r.json.token });
    assert.equal((await client.get('/api/v1/session')).json.user.username, 'api_client');
    const list = await as('security_admin').get('/api/v1/tokens');
    const row = list.json.tokens.find((t) => t.id === r.json.id);
    assert.ok(row, 'the new token is listed');
    assert.equal(row.token, undefined, 'never the secret');
    assert.ok(!list.text.includes(r.json.token.slice(4)));
    assert.match(row.last_used_at, /^\d{4}-\d\d-\d\dT/);
    // People log in: no tokens for them from the API.
    assertError(await as('security_admin').post('/api/v1/tokens', { username: 'inspector' }),
      400, 'invalid', 'username');
    assertError(await as('security_admin').post('/api/v1/tokens', { username: 'nobody' }),
      404, 'not_found', 'username');
    assertError(await as('admin').post('/api/v1/tokens', { username: 'api_client' }), 403, 'forbidden');
    // Each sees its own; another's is not there to revoke.
    const mine = await as('inspector').get('/api/v1/tokens');
    assert.deepEqual([...new Set(mine.json.tokens.map((t) => t.user.username))], ['inspector']);
    assertError(await as('inspector').delete(`/api/v1/tokens/${r.json.id}`), 404, 'not_found', 'id');
    assert.equal((await as('security_admin').delete(`/api/v1/tokens/${r.json.id}`)).status, 204);
    assertError(await client.get('/api/v1/session'), 401, 'unauthenticated');
    assertError(await as('security_admin').delete(`/api/v1/tokens/${r.json.id}`), 404, 'not_found', 'id');
    assert.equal(sql(ws.db, "SELECT actor || ' ' || subject FROM audit_event WHERE action = 'token.revoke'"
      + ` AND detail = '{"id":${r.json.id}}'`), 'security_admin api_client');
  });
});

describe('GET /api/v1/audit', () => {
  test('the auditor reads who, from where, what, before and after; nobody else', async () => {
    await suite.server.request('POST', '/api/v1/session', { body: { username: 'leader', password: 'wrong-one-1' } });
    await loggedIn(suite.server, 'leader', demoPw.leader);
    for (const who of ['admin', 'security_admin', 'inspector', 'leader']) {
      assertError(await as(who).get('/api/v1/audit'), 403, 'forbidden');
    }
    const r = await as('auditor').get('/api/v1/audit?actor=leader&action=login.');
    assert.equal(r.status, 200, r.text);
    const [ok, failed] = r.json.events;
    assert.equal(ok.action, 'login.success');
    assert.equal(ok.address, '127.0.0.1');
    assert.equal(failed.action, 'login.failure');
    assert.deepEqual(failed.detail, { reason: 'wrong password' });
    assert.match(ok.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const edit = await as('auditor').get('/api/v1/audit?action=user.edit&subject=zhou');
    assert.equal(edit.json.events.length, 1);
    assert.equal(edit.json.events[0].before.role, 'inspector');
    assert.equal(edit.json.events[0].after.role, 'handler');
    assert.equal(edit.json.events[0].actor, 'security_admin');
  });

  test('pages newest first: next is the before of the next page', async () => {
    const all = (await as('auditor').get('/api/v1/audit?limit=500')).json.events;
    assert.ok(all.length > 6, `only ${all.length} events`);
    const ids = all.map((e) => e.id);
    assert.deepEqual(ids, [...ids].sort((x, y) => y - x));
    const seen = [];
    let next = null;
    do {
      const q = next === null ? '' : `&before=${next}`;
      const page = await as('auditor').get(`/api/v1/audit?limit=3${q}`);
      assert.equal(page.status, 200, page.text);
      assert.ok(page.json.events.length <= 3);
      seen.push(...page.json.events.map((e) => e.id));
      ({ next } = page.json);
    } while (next !== null);
    // The pages hold what one big page holds (and what came meanwhile:
    // the auditor's reads are no changes, so nothing).
    assert.deepEqual(seen, ids);
    for (const [q, field] of [['limit=0', 'limit'], ['limit=501', 'limit'], ['before=x', 'before'],
      ['from=yesterday', 'from']]) {
      assertError(await as('auditor').get(`/api/v1/audit?${q}`), 400, 'invalid', field);
    }
  });
});

describe('from the command line', () => {
  test('user edit, disable, enable, reset-password, list', () => {
    const db = ['--db', ws.db];
    let out = ugOk(['user', 'edit', ...db, 'zhou', '--display-name', '周工']);
    assert.match(out, /^changed user zhou 周工 \(handler, department 110101-SZ\)\n$/);
    out = ugOk(['user', 'disable', ...db, 'zhou']);
    assert.match(out, /^disabled user zhou .*, disabled\)\n$/);
    out = ugOk(['user', 'list', ...db]);
    assert.match(out, /^\d+ +zhou +handler +110101-SZ +disabled +周工$/m);
    ugOk(['user', 'enable', ...db, 'zhou']);
    out = ugOk(['user', 'reset-password', ...db, 'zhou']);
    assert.match(out, /must be changed at the next login/);
    assert.match(out, /^password: [A-Za-z2-9]{20}$/m);
    out = ugOk(['user', 'reset-password', ...db, 'zhou', '--password-stdin'], { input: 'zhou-pass-2027\n' });
    assert.doesNotMatch(out, /^password:/m);
    assert.equal(sql(ws.db, "SELECT must_change_password FROM app_user WHERE username = 'zhou'"), '1');
    let r = ug(['user', 'edit', ...db, 'nobody', '--role', 'admin']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no user named nobody/);
    r = ug(['user', 'edit', ...db, 'zhou']);
    assert.equal(r.status, 2);
    assert.equal(sql(ws.db, "SELECT COUNT(*) FROM audit_event WHERE actor = 'cli' AND address = 'local'"
      + " AND subject = 'zhou'"), '5');
  });

  test('a token revoked or an account disabled from the command line is refused at the next call', async () => {
    // The server keeps who a token is in memory (docs/operations.md, "Rows
    // kept in memory"): the change made beside it must not wait for it.
    const db = ['--db', ws.db];
    const mine = createToken(ws.db, 'auditor');
    const id = sql(ws.db, 'SELECT MAX(id) FROM api_token');
    const me = new Client(suite.server, { bearer: mine });
    for (let i = 0; i < 3; i++) assert.equal((await me.get('/api/v1/session')).status, 200);
    sql(ws.db, "UPDATE app_user SET disabled = 1 WHERE username = 'auditor'");
    assertError(await me.get('/api/v1/session'), 401, 'unauthenticated');
    sql(ws.db, "UPDATE app_user SET disabled = 0 WHERE username = 'auditor'");
    assert.equal((await me.get('/api/v1/session')).status, 200);
    ugOk(['token', 'revoke', ...db, id]);
    assertError(await me.get('/api/v1/session'), 401, 'unauthenticated');
    // The others' tokens work on.
    assert.equal((await as('auditor').get('/api/v1/session')).status, 200);
  });

  test('token list and revoke; password-policy; audit list and prune', () => {
    const db = ['--db', ws.db];
    createToken(ws.db, 'api_client');
    const id = sql(ws.db, 'SELECT MAX(id) FROM api_token');
    let out = ugOk(['token', 'list', ...db, '--user', 'api_client']);
    assert.match(out, /^ID +USER +ROLE +CREATED +LAST USED +BY +LABEL\n/);
    assert.match(out, new RegExp(`^${id} +api_client +api_client +\\S+ +never +cli`, 'm'));
    assert.doesNotMatch(out, /^\d+ +inspector/m);
    out = ugOk(['token', 'revoke', ...db, id]);
    assert.match(out, new RegExp(`^revoked token ${id} of api_client`));
    let r = ug(['token', 'revoke', ...db, id]);
    assert.equal(r.status, 1);
    r = ug(['token', 'revoke', ...db, 'abc']);
    assert.equal(r.status, 2);

    out = ugOk(['password-policy', ...db]);
    assert.equal(out, 'min_length 8\nmin_classes 1\nnot_username 0\nmax_age_days 0\n');
    out = ugOk(['password-policy', ...db, '--max-age-days', '90']);
    assert.match(out, /^max_age_days 90$/m);
    r = ug(['password-policy', ...db, '--min-classes', '9']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /min_classes must be between 1 and 4/);
    ugOk(['password-policy', ...db, '--max-age-days', '0']);

    out = ugOk(['audit', 'list', ...db, '--action', 'password_policy.', '--limit', '2']);
    const lines = out.trim().split('\n');
    assert.equal(lines[0], 'ID\tAT\tACTOR\tADDRESS\tACTION\tSUBJECT\tDETAIL\tBEFORE\tAFTER');
    assert.equal(lines.length, 3);
    assert.match(lines[1], /\tcli\tlocal\tpassword_policy\.edit\tpassword\t\{\}\t\{.*"max_age_days":90\}\t\{.*"max_age_days":0\}$/);
    // Six months at least: today's events stay.
    r = ug(['audit', 'prune', ...db, '--before', new Date().toISOString().slice(0, 10)]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /at least 180 days/);
    out = ugOk(['audit', 'prune', ...db, '--before', '2020-01-01']);
    assert.match(out, /^removed 0 audit event\(s\) before 2020-01-01\n$/);
    assert.equal(sql(ws.db, "SELECT COUNT(*) FROM audit_event WHERE action = 'audit.prune'"), '1');
  });
});

// departments.test.mjs - setting up the units cases are dispatched to:
// POST /api/v1/departments and PATCH /api/v1/departments/{code} (admin):
// what they answer, every refusal naming its field with nothing written,
// the audit trail; a disabled department takes no new dispatch, leaves
// the suggestion (its routing rules skipped and counted), keeps the case
// it holds; and the same through `urbangrid department add|edit|disable|
// enable|list`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { emptyDemoDb } from './lib/cases.mjs';
import { assertError, sql, staffSuite, ug, ugOk } from './lib/server.mjs';

const suite = staffSuite({
  makeDb: emptyDemoDb,
  roles: ['admin', 'inspector', 'shift_leader', 'dispatcher', 'handler'],
});
const { ws, as } = suite;

const auditCount = (action, subject) => Number(sql(ws.db,
  `SELECT COUNT(*) FROM audit_event WHERE action = '${action}' AND subject = '${subject}'`));

const NEW = {
  code: '110101-GL', name: '东城区古树管理站', kind: 'professional', type: 'landscaping',
  areas: ['110101001', '110101002'],
};

describe('POST /api/v1/departments', () => {
  test('201 with the department as stored, audited', async () => {
    const r = await as('admin').post('/api/v1/departments', { ...NEW, parent: '110101-YL' });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json, {
      ...NEW, parent: '110101-YL', disabled: false, routing_rules: 0,
    });
    const list = await as('dispatcher').get('/api/v1/departments');
    const got = list.json.departments.find((d) => d.code === NEW.code);
    assert.deepEqual(got, { ...NEW, parent: '110101-YL', disabled: false });
    assert.equal(auditCount('department.add', NEW.code), 1);
    const [before, after] = sql(ws.db, "SELECT COALESCE(before_state, 'null') || char(10) || after_state"
      + ` FROM audit_event WHERE action = 'department.add' AND subject = '${NEW.code}'`).split('\n');
    assert.equal(before, 'null');
    assert.equal(JSON.parse(after).name, NEW.name);
    assert.equal(JSON.parse(after).areas, '110101001,110101002');
  });

  test('every refusal names its field and writes nothing', async () => {
    const before = sql(ws.db, 'SELECT COUNT(*) FROM department');
    const cases = [
      [{ ...NEW }, 409, 'conflict', 'code'],
      [{ ...NEW, code: 'a b' }, 400, 'invalid', 'code'],
      [{ ...NEW, code: 'X'.repeat(33) }, 400, 'invalid', 'code'],
      [{ ...NEW, code: undefined }, 400, 'invalid', 'code'],
      [{ ...NEW, code: 'N1', kind: 'bureau' }, 400, 'invalid', 'kind'],
      [{ ...NEW, code: 'N1', type: 'cleaning' }, 400, 'invalid', 'type'],
      [{ ...NEW, code: 'N1', name: '' }, 400, 'invalid', 'name'],
      [{ ...NEW, code: 'N1', name: undefined }, 400, 'invalid', 'name'],
      [{ ...NEW, code: 'N1', parent: 'nobody' }, 400, 'invalid', 'parent'],
      [{ ...NEW, code: 'N1', areas: [] }, 400, 'invalid', 'areas'],
      [{ ...NEW, code: 'N1', areas: undefined }, 400, 'invalid', 'areas'],
      [{ ...NEW, code: 'N1', areas: ['110101', '999999'] }, 400, 'invalid', 'areas'],
      [{ ...NEW, code: 'N1', areas: ['110101', 7] }, 400, 'invalid', 'areas'],
      [{ ...NEW, code: 'N1', areas: '110101' }, 400, 'invalid', 'areas'],
      [{ ...NEW, code: 'N1', areas: Array(257).fill('110101') }, 400, 'invalid', 'areas'],
      [{ ...NEW, code: 'N1', boss: 'x' }, 400, 'invalid', 'boss'],
    ];
    for (const [body, status, code, field] of cases) {
      assertError(await as('admin').post('/api/v1/departments', body), status, code, field);
    }
    assert.equal(sql(ws.db, 'SELECT COUNT(*) FROM department'), before);
    assert.equal(auditCount('department.add', 'N1'), 0);
  });
});

describe('PATCH /api/v1/departments/{code}', () => {
  test('changes only what is given; before and after in the audit', async () => {
    const r = await as('admin').request('PATCH', `/api/v1/departments/${NEW.code}`,
      { body: { name: '东城区古树名木管理站', areas: ['110101003'] } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.name, '东城区古树名木管理站');
    assert.deepEqual(r.json.areas, ['110101003']);
    assert.equal(r.json.type, 'landscaping');
    assert.equal(r.json.parent, '110101-YL');
    const [before, after] = sql(ws.db, "SELECT before_state || char(10) || after_state FROM audit_event"
      + ` WHERE action = 'department.edit' AND subject = '${NEW.code}' ORDER BY id DESC LIMIT 1`)
      .split('\n').map((t) => JSON.parse(t));
    assert.equal(before.name, NEW.name);
    assert.equal(before.areas, '110101001,110101002');
    assert.equal(after.name, '东城区古树名木管理站');
    assert.equal(after.areas, '110101003');
  });

  test('clearing the parent; a loop, an unknown department, a bad field', async () => {
    let r = await as('admin').request('PATCH', `/api/v1/departments/${NEW.code}`,
      { body: { parent: '' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.parent, null);
    // 110101001-JD lies under 110101-ZF: ZF under the team is a loop.
    r = await as('admin').request('PATCH', '/api/v1/departments/110101-ZF',
      { body: { parent: '110101001-JD' } });
    assertError(r, 400, 'invalid', 'parent');
    assert.match(r.json.error.message, /loop/);
    assertError(await as('admin').request('PATCH', '/api/v1/departments/nobody',
      { body: { name: 'x' } }), 404, 'not_found', 'code');
    assertError(await as('admin').request('PATCH', `/api/v1/departments/${NEW.code}`,
      { body: { code: 'other' } }), 400, 'invalid', 'code');
    assertError(await as('admin').request('PATCH', `/api/v1/departments/${NEW.code}`,
      { body: { disabled: 'yes' } }), 400, 'invalid', 'disabled');
  });
});

describe('a department serving many divisions', () => {
  test('every one of them is stored, answered and audited, none cut off', async () => {
    // The district's streets and communities: some 190 codes of 9 and
    // 12 digits, over 2,000 characters as a list.
    const codes = sql(ws.db, "SELECT code FROM division WHERE code LIKE '110101_%' ORDER BY code").split('\n');
    assert.ok(codes.length > 150, `only ${codes.length} divisions`);
    const r = await as('admin').request('PATCH', '/api/v1/departments/110101-YL', { body: { areas: codes } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.areas, codes);
    const listed = (await as('dispatcher').get('/api/v1/departments')).json.departments
      .find((d) => d.code === '110101-YL');
    assert.deepEqual(listed.areas, codes);
    const after = JSON.parse(sql(ws.db, "SELECT after_state FROM audit_event WHERE action = 'department.edit'"
      + " AND subject = '110101-YL' ORDER BY id DESC LIMIT 1"));
    assert.equal(after.areas, codes.join(','));
  });
});

describe('a disabled department', () => {
  test('takes no new dispatch, leaves the suggestion, keeps its case', async () => {
    // A rule sends 暴露垃圾 to 环卫 anyway; one case dispatched there.
    const rule = await as('admin').post('/api/v1/routing-rules',
      { category: '06010', department: '110101-HW' });
    assert.equal(rule.status, 201, rule.text);
    const report = {
      category: '06010', description: '暴露垃圾', source: 'inspector', urgency: 'normal',
      lon: 116.4170, lat: 39.9625,
    };
    const newFiled = async () => {
      const c = (await as('inspector').post('/api/v1/cases', report)).json;
      const r = await as('shift_leader').post(`/api/v1/cases/${c.id}/actions/file`,
        { version: c.version });
      assert.equal(r.status, 200, r.text);
      return r.json;
    };
    const held = await newFiled();
    let r = await as('dispatcher').post(`/api/v1/cases/${held.id}/actions/dispatch`,
      { version: held.version, department: '110101-HW' });
    assert.equal(r.status, 200, r.text);

    r = await as('admin').request('PATCH', '/api/v1/departments/110101-HW',
      { body: { disabled: true } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.disabled, true);
    assert.equal(r.json.routing_rules, 1);

    const next = await newFiled();
    const seen = await as('dispatcher').get(`/api/v1/cases/${next.id}`);
    assert.notEqual(seen.json.dispatch_suggestion.department, '110101-HW');
    assert.equal(seen.json.dispatch_suggestion.reason, 'territorial');
    r = await as('dispatcher').post(`/api/v1/cases/${next.id}/actions/dispatch`,
      { version: next.version, department: '110101-HW' });
    assertError(r, 400, 'invalid', 'department');
    assert.match(r.json.error.message, /disabled/);
    assert.equal((await as('dispatcher').get(`/api/v1/cases/${next.id}`)).json.state, 'filed');

    // The case it held is still its own to handle.
    const mine = await as('handler').get(`/api/v1/cases/${held.id}`);
    assert.equal(mine.status, 200, mine.text);
    r = await as('handler').post(`/api/v1/cases/${held.id}/actions/handle`,
      { version: mine.json.version, note: '已清理' });
    assert.equal(r.status, 200, r.text);

    // Listed as disabled; enabled again, it is suggested again.
    const list = await as('dispatcher').get('/api/v1/departments');
    assert.equal(list.json.departments.find((d) => d.code === '110101-HW').disabled, true);
    r = await as('admin').request('PATCH', '/api/v1/departments/110101-HW',
      { body: { disabled: false } });
    assert.equal(r.status, 200, r.text);
    const again = await as('dispatcher').get(`/api/v1/cases/${next.id}`);
    assert.equal(again.json.dispatch_suggestion.department, '110101-HW');
    assert.equal(again.json.dispatch_suggestion.reason, 'rule');
  });
});

describe('urbangrid department', () => {
  test('add, edit, disable, enable, list', () => {
    const db = ['--db', ws.db];
    let out = ugOk(['department', 'add', ...db, '--code', 'CLI-1', '--name', '命令行测试队',
      '--kind', 'street_team', '--type', 'enforcement', '--areas', '110101001,110101002',
      '--parent', '110101-ZF']);
    assert.match(out, /^added department CLI-1 命令行测试队 \(street_team, type enforcement, under 110101-ZF\) serving 110101001,110101002\n$/);
    out = ugOk(['department', 'edit', ...db, 'CLI-1', '--name', '改名队', '--areas', '110101003']);
    assert.match(out, /^changed department CLI-1 改名队 .* serving 110101003\n$/);
    out = ugOk(['department', 'disable', ...db, 'CLI-1']);
    assert.match(out, /^disabled department CLI-1 .*, disabled\n$/);
    out = ugOk(['department', 'list', ...db]);
    assert.match(out, /^CODE +KIND +TYPE +STATE +PARENT +AREAS +NAME\n/);
    assert.match(out, /^CLI-1 +street_team +enforcement +disabled +110101-ZF +110101003 +改名队$/m);
    out = ugOk(['department', 'enable', ...db, 'CLI-1']);
    assert.match(out, /^enabled department CLI-1 /);
    assert.equal(auditCount('department.add', 'CLI-1'), 1);
    assert.equal(auditCount('department.edit', 'CLI-1'), 3);
    assert.equal(sql(ws.db, "SELECT DISTINCT actor FROM audit_event WHERE subject = 'CLI-1'"), 'cli');
  });

  test('refusals: usage 2 naming the problem, nothing written', () => {
    const db = ['--db', ws.db];
    const before = sql(ws.db, 'SELECT COUNT(*) FROM department');
    let r = ug(['department', 'add', ...db, '--code', 'CLI-2', '--name', 'x']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--code, --name, --kind, --type and --areas are required/);
    r = ug(['department', 'add', ...db, '--code', 'CLI-2', '--name', 'x', '--kind', 'professional',
      '--type', 'sanitation', '--areas', '110101,123']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown division 123/);
    r = ug(['department', 'edit', ...db, 'nobody', '--name', 'x']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no department with code nobody/);
    assert.equal(sql(ws.db, 'SELECT COUNT(*) FROM department'), before);
  });
});

// notify.test.mjs - serve --notify-command: a case dispatched, returned,
// supervised, with an extension asked, taken off hold or gone overdue
// reaches the operator's command
// (its SMS or messaging gateway) as one JSON line on its stdin, with the
// fields in the environment too, one command at a time and in order;
// other changes send nothing; a failing command is logged and the next
// notice still goes; one that runs past --notify-timeout is stopped.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { emptyDemoDb } from './lib/cases.mjs';
import {
  Client, createToken, serverSet, sleep, workspace,
} from './lib/server.mjs';

const ws = workspace();
const servers = serverSet(ws);
const token = {};
const out = join(ws.dir, 'notices.txt');

before(() => {
  emptyDemoDb(ws);
  for (const who of ['inspector', 'shift_leader', 'dispatcher', 'handler', 'leader']) {
    token[who] = createToken(ws.db, who);
  }
});

after(() => servers.close());

const REPORT = {
  category: '06010', description: '通知测试', source: 'inspector', urgency: 'normal', lon: 116.417, lat: 39.9625,
};

async function act(server, who, c, action, body = {}) {
  const r = await new Client(server, { bearer: token[who] })
    .post(`/api/v1/cases/${c.id}/actions/${action}`, { version: c.version, ...body });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function until(what, ms = 5000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = what();
    if (v) return v;
    await sleep(50);
  }
  return what();
}

const lines = () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : []);

test('the notable changes reach the command, in order, as JSON on stdin and in the environment', async () => {
  const server = await servers.start(['--notify-command',
    `cat >> '${out}'; echo "env $UG_NOTICE_ACTION $UG_NOTICE_NUMBER $UG_NOTICE_DEPARTMENT" >> '${out}'`]);
  const api = new Client(server, { bearer: token.inspector });
  let c = (await api.post('/api/v1/cases', REPORT)).json;
  c = await act(server, 'shift_leader', c, 'file');
  c = await act(server, 'dispatcher', c, 'dispatch', { department: '110101-HW' });
  c = await act(server, 'leader', c, 'supervise', { note: '尽快' });
  c = await act(server, 'handler', c, 'return', { reason: '非本单位' });
  const got = await until(() => (lines().length >= 6 ? lines() : null));
  assert.ok(got, `notices: ${lines()}`);
  const notices = got.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  assert.deepEqual(notices.map((x) => x.action), ['dispatch', 'supervise', 'return']);
  const d = notices[0];
  assert.equal(d.number, c.number);
  assert.equal(d.case_id, c.id);
  assert.equal(d.department, '110101-HW');
  assert.deepEqual(d.to, { department: '110101-HW', area: d.area });
  assert.match(d.at, /\+08:00$/);
  assert.match(d.text, new RegExp(`案件 ${c.number} 已派遣至 110101-HW`));
  assert.equal(d.actor, 'dispatcher');
  assert.ok(got.includes(`env dispatch ${c.number} 110101-HW`), got.join('\n'));
  // Reported and filed sent nothing.
  assert.equal(notices.length, 3);
  await server.stop();
});

test('a failing command is logged and the next notice still goes; a slow one is stopped', async () => {
  const server = await servers.start(['--notify-command',
    `read line; case "$UG_NOTICE_ACTION" in dispatch) exit 3;; supervise) sleep 30;; *) echo "$line" >> '${out}.2';; esac`,
  '--notify-timeout', '1']);
  const api = new Client(server, { bearer: token.inspector });
  let c = (await api.post('/api/v1/cases', REPORT)).json;
  c = await act(server, 'shift_leader', c, 'file');
  c = await act(server, 'dispatcher', c, 'dispatch', { department: '110101-HW' });
  c = await act(server, 'leader', c, 'supervise', { note: '尽快' });
  c = await act(server, 'handler', c, 'extend-request', { reason: '工程量大', hours: 4 });
  const third = await until(() => existsSync(`${out}.2`) && readFileSync(`${out}.2`, 'utf8'), 8000);
  assert.ok(third, `no third notice; log:\n${server.stderr}`);
  assert.equal(JSON.parse(third.trim()).action, 'extend-request');
  assert.match(server.stderr, /notify: the command failed \(exit 3\)/);
  assert.match(server.stderr, /notify: the command ran past 1 s and was stopped/);
  await server.stop();
});

// Overdue is a change in time: each server notes, with its minute chores
// (the first at start), the running stages past their deadline - a history
// line by `system` - and the hook sends it, unless it was noted over a day
// late (a server down long, an upgraded database): recorded, not sent.
// A case taken off hold goes back to its department, which hears of it.
test('a stage gone overdue, and a case taken off hold, reach the command; one noted a day late does not', async () => {
  const at = (clock, args = []) => servers.start(args, { env: { URBANGRID_TEST_CLOCK: clock } });
  const file = `${out}.3`;
  // Tuesday 1 December: a case dispatched (its 4 working hours end that day).
  let s = await at('2026-12-01T09:00:00+08:00');
  let old = (await new Client(s, { bearer: token.inspector }).post('/api/v1/cases', REPORT)).json;
  old = await act(s, 'shift_leader', old, 'file');
  old = await act(s, 'dispatcher', old, 'dispatch', { department: '110101-HW' });
  await s.stop();
  // Thursday morning, with the hook: the old deadline passed two days ago.
  s = await at('2026-12-03T09:00:00+08:00', ['--notify-command', `cat >> '${file}'; echo >> '${file}'`]);
  const late = await until(() => /1 overdue line\(s\) noted over a day late were not sent/.test(s.stderr), 5000);
  assert.ok(late, s.stderr);
  const hist = (await new Client(s, { bearer: token.shift_leader }).get(`/api/v1/cases/${old.id}`)).json;
  const line = hist.history.at(-1);
  assert.deepEqual([line.action, line.actor, line.from_state, line.to_state], ['overdue', 'system', 'dispatched', 'dispatched']);
  assert.equal(hist.version, old.version);
  assert.equal(hist.light, 'red');
  let c = (await new Client(s, { bearer: token.inspector }).post('/api/v1/cases', REPORT)).json;
  c = await act(s, 'shift_leader', c, 'file');
  c = await act(s, 'dispatcher', c, 'dispatch', { department: '110101-HW' });
  let held = (await new Client(s, { bearer: token.inspector }).post('/api/v1/cases', REPORT)).json;
  held = await act(s, 'shift_leader', held, 'file');
  held = await act(s, 'dispatcher', held, 'dispatch', { department: '110101-HW' });
  held = await act(s, 'dispatcher', held, 'hang', { reason: '需立项' });
  const dispatched = await until(() => (lines3(file).length >= 2 ? lines3(file) : null));
  assert.deepEqual(dispatched.map((x) => x.action), ['dispatch', 'dispatch'], 'nothing of the old case');
  await s.stop();
  // The same afternoon, after 17:30: c's 4 working hours have passed.
  s = await at('2026-12-03T17:45:00+08:00', ['--notify-command', `cat >> '${file}'; echo >> '${file}'`]);
  const overdue = await until(() => lines3(file).find((x) => x.action === 'overdue'));
  assert.ok(overdue, `notices: ${readFileSync(file, 'utf8')}\n${s.stderr}`);
  assert.equal(overdue.number, c.number);
  assert.deepEqual(overdue.to, { department: '110101-HW', area: c.area });
  assert.match(overdue.text, new RegExp(`案件 ${c.number} 处置超时（时限 2026-12-03T\\d\\d:\\d\\d:00\\+08:00），请尽快办理`));
  assert.equal(overdue.actor, 'system');
  // The hung case has no clock: nothing; taken off hold, its department hears.
  held = await act(s, 'shift_leader', held, 'unhang', { reason: '资金到位' });
  const back = await until(() => lines3(file).find((x) => x.action === 'unhang'));
  assert.ok(back, readFileSync(file, 'utf8'));
  assert.equal(back.department, '110101-HW');
  assert.match(back.text, new RegExp(`案件 ${held.number} 已解除挂账`));
  assert.equal(lines3(file).filter((x) => x.action === 'overdue').length, 1);
  await s.stop();
});

const lines3 = (file) => (existsSync(file)
  ? readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)) : []);

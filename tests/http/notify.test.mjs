// notify.test.mjs - serve --notify-command: a case dispatched, returned,
// supervised or with an extension asked reaches the operator's command
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

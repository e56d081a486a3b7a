// calendar.test.mjs - the working calendar on the demo city (`demo
// --days 0`, which loads chinese-days' holidays): a running server that
// follows changes made through the CLI (`calendar set`, `import
// calendar`) within about two seconds, without a restart, as
// `GET /api/v1/calendar/due` shows; bad values refused by the CLI naming
// the key; `calendar show`.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { emptyDemoDb } from './lib/cases.mjs';
import {
  Client, createToken, sleep, sql, startServer, ug, ugOk, workspace,
} from './lib/server.mjs';


const ws = workspace();
let server;
const token = {};
const as = (username) => new Client(server, { bearer: token[username] });

before(async () => {
  emptyDemoDb(ws);
  token.inspector = createToken(ws.db, 'inspector');
  server = await startServer(ws.db);
});

after(async () => {
  try {
    if (server) await server.stop();
  } finally {
    await server?.kill();
    ws.cleanup();
  }
});

const due = async (from, query) => {
  const r = await as('inspector').get(
    `/api/v1/calendar/due?from=${encodeURIComponent(from)}&${query}`);
  assert.equal(r.status, 200, r.text);
  return r.json.due;
};

// Ask `ask` until it answers something other than `was`, for at most
// `ms`; returns { answer, ms }.
async function until(ask, was, ms = 2500) {
  const start = Date.now();
  for (;;) {
    const answer = await ask();
    if (answer !== was) return { answer, ms: Date.now() - start };
    if (Date.now() - start > ms) assert.fail(`still ${was} after ${ms} ms`);
    await sleep(50);
  }
}

describe('a running server follows the CLI without a restart', () => {
  test('calendar set: a working Sunday', async () => {
    const sunday = '2026-11-22T10:00:00+08:00';
    const was = await due(sunday, 'working_hours=1');
    assert.equal(was, '2026-11-23T09:30:00+08:00');
    const out = ugOk(['calendar', 'set', '--db', ws.db, 'week.sun', '10:00-12:00']);
    assert.match(out, /^week\.sun = 10:00-12:00 \(was off\)/);
    const { answer, ms } = await until(() => due(sunday, 'working_hours=1'), was);
    assert.equal(answer, '2026-11-22T11:00:00+08:00');
    assert.ok(ms <= 2500, `${ms} ms`);
    ugOk(['calendar', 'set', '--db', ws.db, 'week.sun', 'off']);
    await until(() => due(sunday, 'working_hours=1'), answer);
  });

  test('calendar set: the offset, seen in every answer', async () => {
    const from = '2026-11-20T09:00:00+08:00';
    const was = await due(from, 'hours=1');
    assert.equal(was, '2026-11-20T10:00:00+08:00');
    ugOk(['calendar', 'set', '--db', ws.db, 'utc_offset', '+09:00']);
    const { answer } = await until(() => due(from, 'hours=1'), was);
    assert.equal(answer, '2026-11-20T11:00:00+09:00');
    ugOk(['calendar', 'set', '--db', ws.db, 'utc_offset', '+08:00']);
    await until(() => due(from, 'hours=1'), answer);
  });

  test('import calendar: a new day off', async () => {
    const friday = '2026-11-20T09:00:00+08:00';
    const was = await due(friday, 'working_hours=1');
    assert.equal(was, '2026-11-20T10:00:00+08:00');
    const ics = join(ws.dir, 'extra.ics');
    writeFileSync(ics, ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//ug test//EN',
      'BEGIN:VEVENT', 'UID:ug-test-extra-day@example.invalid', 'DTSTART;VALUE=DATE:20261120',
      'DTEND;VALUE=DATE:20261121', 'SUMMARY:城市清洁日(休)', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'));
    const out = ugOk(['import', 'calendar', '--db', ws.db, ics]);
    assert.match(out, /1 days off/);
    const { answer, ms } = await until(() => due(friday, 'working_hours=1'), was);
    assert.equal(answer, '2026-11-23T09:30:00+08:00');
    assert.ok(ms <= 2500, `${ms} ms`);
  });

  test('a bad value through the CLI is refused naming the key, exit 2, nothing written', () => {
    const rev = sql(ws.db, "SELECT value FROM calendar_rev WHERE name = 'calendar'");
    for (const [key, value, says] of [
      ['week.mon', '08:30-12:00,11:30-17:30', /week\.mon: period 2 \(11:30-17:30\) overlaps period 1/],
      ['week.sat', '12:00-09:00', /week\.sat: period 1 \(12:00-09:00\) must end after it starts/],
      ['utc_offset', 'Asia/Shanghai', /utc_offset must be \+HH:MM/],
      ['week.moon', '09:00-12:00', /unknown calendar setting "week\.moon"/],
    ]) {
      const r = ug(['calendar', 'set', '--db', ws.db, key, value]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, says);
      assert.equal(r.stdout, '');
    }
    assert.equal(sql(ws.db, "SELECT value FROM calendar_rev WHERE name = 'calendar'"), rev);
  });

  test('calendar show prints the settings and the days of a range', () => {
    const out = ugOk(['calendar', 'show', '--db', ws.db, '--from', '2026-11-20', '--to', '2026-11-21']);
    assert.match(out, /^ {2}utc_offset {2}\+08:00$/m);
    assert.match(out, /^ {2}week\.sun {4}off$/m);
    assert.match(out, /^ {2}week\.tue {4}08:30-12:00,13:30-17:30 +\(default\)$/m);
    assert.match(out, /^days off and make-up workdays from 2026-11-20 to 2026-11-21:$/m);
    assert.match(out, /^ {2}2026-11-20 {2}off {3}城市清洁日\(休\)$/m);
  });
});

// calendar.test.mjs - the working-calendar settings on the demo city
// (`demo --days 0`, which loads chinese-days' holidays): GET for any
// staff with the settings and the days of a range, PUT for admins only,
// every bad value a 400 naming its key with nothing written, several
// changes all or nothing; and a running server that follows changes made
// through the CLI (`calendar set`, `import calendar`) within about two
// seconds, without a restart, as `GET /api/v1/calendar/due` shows.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { emptyDemoDb } from './lib/cases.mjs';
import { assertError, ROOT, sql, staffSuite, ug, ugOk, until } from './lib/server.mjs';

const STAFF = ['inspector', 'receptionist', 'shift_leader', 'dispatcher', 'handler', 'leader', 'admin'];
const WEEKDAY = '08:30-12:00,13:30-17:30';

const suite = staffSuite({ makeDb: emptyDemoDb, roles: [...STAFF, 'api_client'] });
const { ws, as } = suite;
const SETTINGS = '/api/v1/calendar/settings';

const due = async (from, query) => {
  const r = await as('inspector').get(
    `/api/v1/calendar/due?from=${encodeURIComponent(from)}&${query}`);
  assert.equal(r.status, 200, r.text);
  return r.json.due;
};

const put = (body, who = 'admin') => as(who).request('PUT', SETTINGS, { body });
const setting = async (key) => (await as('admin').get(SETTINGS)).json.settings[key];

describe('GET /api/v1/calendar/settings', () => {
  test('every staff role reads the settings, defaults marked, and this year\'s days', async () => {
    for (const who of STAFF) {
      const r = await as(who).get(SETTINGS);
      assert.equal(r.status, 200, `${who}: ${r.text}`);
      assert.deepEqual(Object.keys(r.json.settings), ['utc_offset', 'week.mon', 'week.tue',
        'week.wed', 'week.thu', 'week.fri', 'week.sat', 'week.sun', 'workday']);
    }
    const r = await as('dispatcher').get(SETTINGS);
    assert.equal(r.json.settings.utc_offset, '+08:00');
    assert.equal(r.json.settings['week.mon'], WEEKDAY);
    assert.equal(r.json.settings['week.sat'], 'off');
    assert.equal(r.json.settings.workday, WEEKDAY);
    assert.equal(r.json.defaults.length, 9);
    assert.ok(r.json.revision >= 1, 'the demo imported holidays');
    const year = new Date().getFullYear();
    assert.equal(r.json.from, `${year}-01-01`);
    assert.equal(r.json.to, `${year}-12-31`);
    for (const d of r.json.days) {
      assert.ok(d.date.startsWith(`${year}-`), d.date);
      assert.ok(['off', 'work'].includes(d.kind));
      assert.equal(typeof d.note, 'string');
    }
    assertError(await as('api_client').get(SETTINGS), 403, 'forbidden');
    assertError(await suite.server.request('GET', SETTINGS), 401, 'unauthenticated');
  });

  test('the days of a range: National Day 2026 and its make-up Saturday', async () => {
    const r = await as('handler').get(`${SETTINGS}?from=2026-09-28&to=2026-10-10`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.from, '2026-09-28');
    assert.equal(r.json.to, '2026-10-10');
    const off = r.json.days.filter((d) => d.kind === 'off').map((d) => d.date);
    for (let d = 1; d <= 7; d++) assert.ok(off.includes(`2026-10-0${d}`), `2026-10-0${d} off`);
    assert.ok(r.json.days.some((d) => d.kind === 'work' && d.date === '2026-10-10'), r.text);
    assertError(await as('handler').get(`${SETTINGS}?from=2026-10-32`), 400, 'invalid', 'from');
    assertError(await as('handler').get(`${SETTINGS}?to=tomorrow`), 400, 'invalid', 'to');
    assertError(await as('handler').get(`${SETTINGS}?from=2026-10-10&to=2026-10-01`),
      400, 'invalid', 'to');
  });
});

describe('PUT /api/v1/calendar/settings', () => {
  test('admins only', async () => {
    for (const who of [...STAFF.filter((w) => w !== 'admin'), 'api_client']) {
      assertError(await put({ 'week.sat': '09:00-12:00' }, who), 403, 'forbidden');
    }
    assert.equal(await setting('week.sat'), 'off');
  });

  test('each bad value is 400 naming its key, and nothing is written', async () => {
    const before = (await as('admin').get(SETTINGS)).json;
    for (const [body, field, says] of [
      [{ 'week.mon': '13:30-17:30,08:30-12:00' }, 'week.mon', /period 2 \(08:30-12:00\) comes before period 1/],
      [{ 'week.mon': '08:30-12:00,11:00-13:00' }, 'week.mon', /overlaps period 1/],
      [{ 'week.tue': '08:00-25:00' }, 'week.tue', /outside the day/],
      [{ 'week.wed': 'nine to five' }, 'week.wed', /expected HH:MM-HH:MM/],
      [{ 'week.sun': '' }, 'week.sun', /or off for a day without work/],
      [{ workday: 'off' }, 'workday', /make-up workday/],
      [{ utc_offset: '+8' }, 'utc_offset', /\+HH:MM or -HH:MM/],
      [{ utc_offset: '+19:00' }, 'utc_offset', /from -18:00 to \+18:00/],
      [{ utc_offset: 8 }, 'utc_offset', /string/],
      [{ 'week.xyz': '09:00-12:00' }, 'week.xyz', /unknown/i],
      [{ 'week.sat': '09:00-12:00', 'week.sun': '10:00-09:00' }, 'week.sun', /must end after it starts/],
      [{ 'week.mon': 'off', 'week.tue': 'off', 'week.wed': 'off', 'week.thu': 'off', 'week.fri': 'off' },
        'week.fri', /no day of the week has working hours/],
    ]) {
      const r = await put(body);
      assertError(r, 400, 'invalid', field);
      assert.match(r.json.error.message, says, r.text);
    }
    // null is the same as leaving the key out (the API's convention).
    for (const body of [{}, { 'week.fri': null }]) {
      const empty = await put(body);
      assertError(empty, 400, 'invalid', null);
      assert.match(empty.json.error.message, /no calendar setting to change/);
    }
    assertError(await as('admin').request('PUT', SETTINGS, { body: '[1]' }), 400, 'invalid', 'body');
    // Nothing of it was written: the same settings, the same revision.
    const after = (await as('admin').get(SETTINGS)).json;
    assert.deepEqual(after.settings, before.settings);
    assert.equal(after.revision, before.revision);
    assert.equal(sql(ws.db, "SELECT COUNT(*) FROM calendar_setting WHERE key LIKE 'week.%'"), '0');
  });

  test('a change is stored canonically and in force for the very next request', async () => {
    const sat = '2026-11-21T09:00:00+08:00'; // a Saturday
    assert.equal(await due(sat, 'working_hours=1'), '2026-11-23T09:30:00+08:00');
    const before = (await as('admin').get(SETTINGS)).json.revision;
    const r = await put({ 'week.sat': ' 9:00 - 12:00 ', 'week.mon': '08:00-12:00, 14:00-18:00' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.settings['week.sat'], '09:00-12:00');
    assert.equal(r.json.settings['week.mon'], '08:00-12:00,14:00-18:00');
    assert.equal(r.json.revision, before + 1);
    assert.ok(!r.json.defaults.includes('week.sat'));
    assert.ok(r.json.defaults.includes('week.sun'));
    // No wait: the answer came after the server took the new table.
    assert.equal(await due(sat, 'working_hours=1'), '2026-11-21T10:00:00+08:00');
    assert.equal(sql(ws.db, "SELECT value FROM calendar_setting WHERE key = 'week.sat'"), '09:00-12:00');
    // And back.
    const back = await put({ 'week.sat': 'off', 'week.mon': WEEKDAY });
    assert.equal(back.status, 200, back.text);
    assert.equal(await due(sat, 'working_hours=1'), '2026-11-23T09:30:00+08:00');
  });
});

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
    const r = await as('admin').get(`${SETTINGS}?from=2026-11-20&to=2026-11-20`);
    assert.deepEqual(r.json.days, [{
      date: '2026-11-20', kind: 'off', note: '城市清洁日(休)', source: 'import', provisional: false,
    }]);
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
    assert.match(out, /^ {2}2026-11-20 {2}off {3}import {2}城市清洁日\(休\)$/m);
    assert.match(out, /^ {2}2026 {2}official {5}\(import holidays\.ics, by demo, /m);
  });
});

describe('the days through the API (the console\'s calendar page)', () => {
  const importIcs = (text, who = 'admin', name = 'test-2027.ics') => as(who).request(
    'POST', `/api/v1/calendar/import?name=${name}`, { body: text, headers: { 'Content-Type': 'text/calendar' } });

  test('POST /api/v1/calendar/import: a notice makes its year official, in force at once', async () => {
    const text = readFileSync(join(ROOT, 'tests/fixtures/calendar/test-2027.ics'), 'utf8');
    assertError(await importIcs(text, 'dispatcher'), 403, 'forbidden');
    const r = await importIcs(text);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.official, [2027]);
    assert.ok(r.json.days_off > 20 && r.json.workdays >= 3, r.text);
    const s = await as('admin').get(`${SETTINGS}?from=2027-02-19&to=2027-02-21`);
    assert.equal(s.json.years['2027'], 'official');
    assert.deepEqual(s.json.days.map((d) => [d.date, d.kind, d.source]),
      [['2027-02-20', 'work', 'import']]);
    // The audit names the file.
    assert.match(sql(ws.db, "SELECT subject FROM audit_event WHERE action = 'calendar.import' ORDER BY id DESC LIMIT 1"),
      /test-2027\.ics/);
  });

  test('a body that is not a calendar, or none, is 400 and nothing changes', async () => {
    const before = (await as('admin').get(SETTINGS)).json.revision;
    assertError(await importIcs(''), 400, 'invalid', 'body');
    const bad = await importIcs('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:2027133\r\nEND:VEVENT\r\n');
    assert.equal(bad.status, 400, bad.text);
    assertError(await importIcs('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', 'admin', '../x.ics'), 400, 'invalid', 'name');
    assert.equal((await as('admin').get(SETTINGS)).json.revision, before);
  });

  test('PUT /api/v1/calendar/days/{date} and POST /api/v1/calendar/years/{year}/official', async () => {
    const r = await as('admin').request('PUT', '/api/v1/calendar/days/2028-05-06', { body: { kind: 'work', note: '调休上班' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.days_changed, 1);
    const s = await as('admin').get(`${SETTINGS}?from=2028-05-06&to=2028-05-06`);
    assert.deepEqual(s.json.days.map((d) => [d.date, d.kind, d.note, d.source]),
      [['2028-05-06', 'work', '调休上班', 'manual']]);
    assertError(await as('admin').request('PUT', '/api/v1/calendar/days/2028-13-01', { body: { kind: 'off' } }),
      400, 'invalid', 'date');
    assertError(await as('admin').request('PUT', '/api/v1/calendar/days/2028-05-07', { body: { kind: 'holiday' } }),
      400, 'invalid', 'kind');
    const m = await as('admin').post('/api/v1/calendar/years/2028/official', {});
    assert.equal(m.status, 200, m.text);
    assert.deepEqual(m.json.official, [2028]);
    assert.equal((await as('admin').get(`${SETTINGS}?from=2028-01-01&to=2028-01-02`)).json.years['2028'], 'official');
    assertError(await as('admin').post('/api/v1/calendar/years/28/official', {}), 400, 'invalid', 'year');
    assertError(await as('leader').post('/api/v1/calendar/years/2029/official', {}), 403, 'forbidden');
  });
});

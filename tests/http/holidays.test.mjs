// holidays.test.mjs - the year after the last official schedule: the
// demo city (chinese-days, official up to 2026) counts 2027 and later by
// the statutory rules, marked provisional; deadlines across New Year 2027
// and National Day 2027 skip the holidays and say they are provisional,
// 2028 is answered; from 1 November the admins are told (settings notice,
// /healthz detail, one log line a day; not in October); importing an
// official 2027 file clears the flag and moves an open case's deadline
// with a history line; `calendar set-day` and `calendar mark-official`
// reach a running server.  The servers' clocks are set with
// URBANGRID_TEST_CLOCK.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { emptyDemoDb } from './lib/cases.mjs';
import {
  Client, ROOT, createToken, downgradeTo, serverSet, sql, startServer, ug, ugOk, until, workspace,
} from './lib/server.mjs';

const ws = workspace();
const SETTINGS = '/api/v1/calendar/settings';
const FIXTURE_2027 = join(ROOT, 'tests/fixtures/calendar/test-2027.ics');
const NOVEMBER = '2026-11-02T09:00:00+08:00';
const OCTOBER = '2026-10-15T09:00:00+08:00';
const BEFORE_SPRING = '2027-02-04T17:00:00+08:00';
const token = {};
const servers = serverSet(ws);
const serve = (clock) => servers.start([], { env: { URBANGRID_TEST_CLOCK: clock } });

const as = (server, who) => new Client(server, { bearer: token[who] });

async function due(server, from, query) {
  const r = await as(server, 'inspector').get(
    `/api/v1/calendar/due?from=${encodeURIComponent(from)}&${query}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

let november;
let october;

before(async () => {
  emptyDemoDb(ws);
  for (const who of ['inspector', 'admin', 'dispatcher']) token[who] = createToken(ws.db, who);
  november = await serve(NOVEMBER);
  october = await serve(OCTOBER);
});

after(() => servers.close());

describe('a year without its official schedule', () => {
  test('New Year\'s Day 2027 is no working day, and the answer says provisional', async () => {
    assert.deepEqual(await due(november, '2026-12-31T16:00:00+08:00', 'working_hours=8'),
      { due: '2027-01-04T16:30:00+08:00', provisional: true });
    assert.deepEqual(await due(november, '2027-09-30T16:00:00+08:00', 'working_hours=2'),
      { due: '2027-10-06T09:00:00+08:00', provisional: true });
    // Natural time does not depend on holidays.
    assert.deepEqual(await due(november, '2026-12-31T16:00:00+08:00', 'hours=8'),
      { due: '2027-01-01T00:00:00+08:00', provisional: false });
    // Inside the official year: not provisional.
    assert.deepEqual(await due(november, '2026-09-30T16:00:00+08:00', 'working_hours=2'),
      { due: '2026-10-08T09:00:00+08:00', provisional: false });
  });

  test('2028 is answered: by rule, 端午 Sunday made up on Monday', async () => {
    assert.deepEqual(await due(november, '2028-05-26T16:00:00+08:00', 'working_hours=8'),
      { due: '2028-05-30T16:30:00+08:00', provisional: true });
    assert.deepEqual(await due(november, '2028-03-01T10:00:00+08:00', 'working_days=1'),
      { due: '2028-03-02T10:00:00+08:00', provisional: false });
  });

  test('the days of 2027 by rule, each provisional; the years say which is which', async () => {
    const r = await as(november, 'dispatcher').get(`${SETTINGS}?from=2026-12-01&to=2027-12-31`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.years, { 2026: 'official', 2027: 'provisional' });
    const off = new Map(r.json.days.filter((d) => d.kind === 'off').map((d) => [d.date, d]));
    for (const date of ['2027-01-01', '2027-02-05', '2027-02-08', '2027-04-05', '2027-05-01',
      '2027-06-09', '2027-09-15', '2027-10-01']) {
      const d = off.get(date);
      assert.ok(d, `${date} is a day off`);
      assert.equal(d.provisional, true, date);
      assert.equal(d.source, 'rule', date);
    }
    assert.equal(off.get('2027-01-01').note, '元旦');
    assert.equal(off.get('2027-10-05').note, '国庆节(补假)');
    assert.ok(r.json.days.every((d) => d.provisional === d.date.startsWith('2027-')), r.text);
    assert.equal(r.json.days.filter((d) => d.date.startsWith('2027-')).length, 19);
  });

  test('from 1 November the admins are told: settings notice, /healthz detail, one log line', async () => {
    const r = await as(november, 'admin').get(SETTINGS);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.notice.code, 'calendar_provisional');
    assert.equal(r.json.notice.year, 2027);
    assert.match(r.json.notice.message, /mark-official 2027/);
    const h = await november.request('GET', '/healthz');
    assert.equal(h.status, 200);
    assert.equal(h.json.status, 'ok');
    assert.equal(h.json.detail.calendar.status, 'warning');
    assert.equal(h.json.detail.calendar.year, 2027);
    const lines = november.stderr.split('\n').filter((l) => / WARN - calendar: the holidays of 2027 are provisional/.test(l));
    assert.equal(lines.length, 1, november.stderr);
    assert.match(november.stderr, /URBANGRID_TEST_CLOCK is set: the clock reads 2026-11-02T01:00:0\dZ/);
  });

  test('in October nobody is told yet', async () => {
    const r = await as(october, 'admin').get(SETTINGS);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.notice, undefined);
    const h = await october.request('GET', '/healthz');
    assert.deepEqual(h.json.detail, { calendar: { status: 'ok' } });
    assert.doesNotMatch(october.stderr, /WARN - calendar:/);
  });
});

describe('the official schedule arrives', () => {
  let spring;
  let reported;

  before(async () => {
    spring = await serve(BEFORE_SPRING);
    // An inspector's report on the afternoon before the Spring Festival:
    // its one working hour for filing runs across the holiday.
    const r = await as(spring, 'inspector').post('/api/v1/cases', {
      category: '06010', description: '路口有暴露垃圾', source: 'inspector', urgency: 'normal',
      lon: 116.4170, lat: 39.9625, address: '东华门街道某胡同口',
    });
    assert.equal(r.status, 201, r.text);
    reported = r.json;
  });

  test('an open case\'s running deadline is provisional while its stage crosses a provisional day', () => {
    assert.equal(reported.stage, 'file');
    assert.match(reported.deadline, /^2027-02-11T09:00:\d\d\+08:00$/);
    assert.equal(reported.deadline_provisional, true);
  });

  test('importing an official 2027 file clears the flag and recomputes the case, with a history line', async () => {
    const seconds = reported.deadline.slice(17, 19);
    const out = ugOk(['import', 'calendar', '--db', ws.db, FIXTURE_2027],
      { env: { URBANGRID_TEST_CLOCK: BEFORE_SPRING } });
    assert.match(out, /^2027 is official now$/m);
    assert.match(out, /open cases whose deadlines moved: 1/);
    const get = async () => (await as(spring, 'inspector').get(`/api/v1/cases/${reported.id}`)).json;
    const { answer: c } = await until(async () => (await get()).deadline_provisional, true);
    assert.equal(c, false);
    const full = await get();
    assert.equal(full.deadline, `2027-02-15T09:00:${seconds}+08:00`);
    assert.equal(full.version, reported.version + 1);
    const last = full.history[full.history.length - 1];
    assert.equal(last.action, 'recompute');
    assert.equal(last.actor, 'system');
    assert.equal(last.from_state, 'reported');
    assert.equal(last.to_state, 'reported');
    assert.equal(last.note, `holidays imported from test-2027.ics: deadline ${reported.deadline} -> ${full.deadline}`);
    // The year is official: its days are the file's, none provisional.
    const r = await as(spring, 'dispatcher').get(`${SETTINGS}?from=2027-01-01&to=2027-12-31`);
    assert.deepEqual(r.json.years, { 2027: 'official' });
    assert.ok(r.json.days.length > 0);
    assert.ok(r.json.days.every((d) => d.provisional === false && d.source === 'import'), r.text);
    assert.deepEqual(await due(spring, '2026-12-31T16:00:00+08:00', 'working_hours=8'),
      { due: '2027-01-04T16:30:00+08:00', provisional: false });
    // The reminder is gone (the November server follows within a second).
    const { answer } = await until(async () => (await november.request('GET', '/healthz')).json.detail.calendar.status, 'warning');
    assert.equal(answer, 'ok');
  });

  test('calendar set-day reaches a running server; mark-official drops a year\'s rule days', async () => {
    const ask = async () => (await due(spring, '2027-02-26T17:00:00+08:00', 'working_hours=1')).due;
    const was = await ask();
    assert.equal(was, '2027-03-01T09:00:00+08:00');
    const out = ugOk(['calendar', 'set-day', '--db', ws.db, '--note', '测试', '2027-03-01', 'off']);
    assert.match(out, /^2027-03-01: off$/m);
    const { answer, ms } = await until(ask, was);
    assert.equal(answer, '2027-03-02T09:00:00+08:00');
    assert.ok(ms <= 2500, `${ms} ms`);

    let r = await as(spring, 'dispatcher').get(`${SETTINGS}?from=2028-01-01&to=2028-12-31`);
    assert.deepEqual(r.json.years, { 2028: 'provisional' });
    assert.ok(r.json.days.length > 10);
    const marked = ugOk(['calendar', 'mark-official', '--db', ws.db, '2028']);
    assert.match(marked, /^2028 is official now$/m);
    assert.match(ugOk(['calendar', 'mark-official', '--db', ws.db, '2028']), /2028 was official already/);
    await until(async () => (await as(spring, 'dispatcher').get(`${SETTINGS}?from=2028-01-01&to=2028-12-31`)).json.years, r.json.years);
    r = await as(spring, 'dispatcher').get(`${SETTINGS}?from=2028-01-01&to=2028-12-31`);
    assert.deepEqual(r.json.years, { 2028: 'official' });
    assert.deepEqual(r.json.days, []);
  });

  test('bad input to set-day and mark-official: exit 2 naming the field, nothing written', () => {
    for (const [args, says] of [
      [['2027-02-30', 'off'], /date must be a date YYYY-MM-DD/],
      [['2027-03-03', 'holiday'], /kind must be off .* work .* or clear/],
      [['2027-03-03', 'clear'], /2027-03-03 has no stored day/],
    ]) {
      const r = ug(['calendar', 'set-day', '--db', ws.db, ...args]);
      assert.equal(r.status, args[1] === 'clear' ? 1 : 2, r.stderr);
      assert.match(r.stderr, says);
      assert.equal(r.stdout, '');
    }
    for (const year of ['1900', 'next']) {
      const r = ug(['calendar', 'mark-official', '--db', ws.db, year]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /year must be/);
    }
  });
});

describe('upgrading a database whose deadlines were set before the rules', () => {
  const old = workspace();

  after(() => old.cleanup());

  test('init recomputes the open deadlines that cross a rule-derived day, with a history line', async () => {
    emptyDemoDb(old);
    const inspector = createToken(old.db, 'inspector');
    // New Year's Eve, 17:00: one working hour for filing.
    const s = await startServer(old.db, [], { env: { URBANGRID_TEST_CLOCK: '2026-12-31T17:00:00+08:00' } });
    let c;
    try {
      const r = await new Client(s, { bearer: inspector }).post('/api/v1/cases', {
        category: '06010', description: '路口有暴露垃圾', source: 'inspector', urgency: 'normal',
        lon: 116.4170, lat: 39.9625,
      });
      assert.equal(r.status, 201, r.text);
      c = r.json;
    } finally {
      await s.stop();
    }
    assert.match(c.deadline, /^2027-01-04T09:00:\d\d\+08:00$/);
    // What a binary before schema 7 wrote: 1 January counted as a working
    // day, and no trace of the rules in the schema (nor of the later
    // migrations).
    const right = Number(sql(old.db, `SELECT deadline FROM case_file WHERE id = ${c.id}`));
    const wrong = right - 3 * 86400;
    sql(old.db, `UPDATE case_file SET deadline = ${wrong} WHERE id = ${c.id};`);
    const latest = downgradeTo(old.db, 6);
    const out = ugOk(['init', '--db', old.db]);
    assert.match(out, new RegExp(`schema version ${latest} \\(${latest - 6} migrations applied\\)`));
    assert.match(out, /1 open case deadline\(s\) recomputed/);
    assert.equal(Number(sql(old.db, `SELECT deadline FROM case_file WHERE id = ${c.id}`)), right);
    assert.equal(sql(old.db, `SELECT actor || ' ' || action FROM case_event WHERE case_id = ${c.id} ORDER BY id DESC LIMIT 1`),
      'system recompute');
    assert.equal(sql(old.db, "SELECT group_concat(year || ':' || source) FROM calendar_year"),
      '2024:upgrade,2025:upgrade,2026:upgrade');
    // Once: a second init changes nothing.
    assert.doesNotMatch(ugOk(['init', '--db', old.db]), /recomputed/);
  });
});

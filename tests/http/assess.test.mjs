// assess.test.mjs - the assessment counters from the command line: on the
// demo city (a month of cases walked through the workflow) the counters
// kept as the history was written are what `assess check` recounts from
// it; a counter changed by hand is found (exit 1) and `assess rebuild`
// puts it right; `assess show` reads the sums; a database upgraded from
// schema 13 has empty counters until rebuilt.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { demoDb, downgradeTo, sql, ug, ugOk, workspace } from './lib/server.mjs';

const ws = workspace();

before(() => { demoDb(ws); });
after(() => { ws.cleanup(); });

// "20261106" -> "2026-11-06"
const iso = (day) => `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;

function check() {
  return ug(['assess', 'check', '--db', ws.db]);
}

// The counters `assess show` prints, as { name: n }.
function show(args) {
  const out = ugOk(['assess', 'show', '--db', ws.db, ...args]);
  return Object.fromEntries(out.trim().split('\n').map((l) => {
    const [name, n] = l.split(/\s+/);
    return [name, Number(n)];
  }));
}

test('the demo\'s counters are what its history says', () => {
  const r = check();
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /recounted (\d+) history lines of (\d+) cases/);
  assert.match(r.stdout, /agree with the history/);
  const [lines, cases] = /recounted (\d+) history lines of (\d+) cases/.exec(r.stdout).slice(1).map(Number);
  assert.equal(lines, Number(sql(ws.db, 'SELECT COUNT(*) FROM case_event')));
  assert.equal(cases, Number(sql(ws.db, 'SELECT COUNT(*) FROM case_file')));
  assert.ok(cases > 500, r.stdout);
});

test('assess show sums a district over the demo\'s days', () => {
  const [first, last] = sql(ws.db, 'SELECT MIN(day) || \' \' || MAX(day) FROM assess_day').split(' ');
  const all = show(['--kind', 'district', '--code', '110101', '--from', iso(first), '--to', iso(last)]);
  const count = (where) => Number(sql(ws.db, `SELECT COUNT(*) FROM case_event WHERE ${where}`));
  assert.equal(all.reported, count("action = 'report'"));
  assert.equal(all.filed, count("action = 'file'"));
  assert.equal(all.closed, count("action = 'close'"));
  assert.equal(all.rework, count("action = 'check' AND data LIKE '%\"passed\":false%'"));
  assert.equal(all.missed, 0); // no beats in this city (patrol.test.mjs counts them)
  // A street's grids are under it; the department counts what it handled.
  const street = sql(ws.db, "SELECT substr(code, 1, 9) FROM assess_day WHERE kind = 'place' LIMIT 1");
  const part = show(['--kind', 'street', '--code', street, '--from', iso(first), '--to', iso(last)]);
  assert.ok(part.reported > 0 && part.reported < all.reported);
  // Wrong flags: a usage error, one line.
  const bad = ug(['assess', 'show', '--db', ws.db, '--kind', 'district', '--code', '110101']);
  assert.equal(bad.status, 2, bad.stderr);
  const kind = ug(['assess', 'show', '--db', ws.db, '--kind', 'ward', '--code', '1', '--from', '2026-01-01']);
  assert.equal(kind.status, 2, kind.stderr);
  assert.match(kind.stderr, /kind must be/);
});

test('a counter changed by hand is found, and the rebuild puts it right', () => {
  sql(ws.db, "UPDATE assess_month SET closed = closed + 1 WHERE kind = 'department'");
  const r = check();
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /\d+ day and month rows differ/);
  const rebuilt = ugOk(['assess', 'rebuild', '--db', ws.db]);
  assert.match(rebuilt, /^rebuilt \d+ history lines/);
  assert.equal(check().status, 0);
});

test('a database upgraded from schema 13 has its counters once rebuilt', () => {
  const before = sql(ws.db, 'SELECT SUM(events), SUM(reported), SUM(closed_on_time) FROM assess_day');
  downgradeTo(ws.db, 13);
  ugOk(['init', '--db', ws.db]);
  assert.equal(sql(ws.db, 'SELECT COUNT(*) FROM assess_day'), '0');
  assert.equal(check().status, 1);
  ugOk(['assess', 'rebuild', '--db', ws.db]);
  assert.equal(check().status, 0);
  // The history the demo wrote carries everything the counting reads.
  assert.equal(sql(ws.db, 'SELECT SUM(events), SUM(reported), SUM(closed_on_time) FROM assess_day'), before);
});

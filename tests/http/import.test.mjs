// import.test.mjs - `urbangrid import cases` on the demo city (东城区,
// its grids and departments): an Open311 requests.json array and a CSV
// with a mapping file, bad rows reported on stderr by line with the
// reason, the summary on stdout, a second run importing nothing twice,
// --strict writing nothing, the counters agreeing with the history
// (`assess check`), and an imported case read back through the staff API
// with the history lines the import gave it.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { demoDb, loggedIn, sql, startServer, ug, ugOk, workspace } from './lib/server.mjs';

const ws = workspace();
let demo;
let point; // the centre of a grid: "lon,lat"

const file = (name, text) => {
  const path = join(ws.dir, name);
  writeFileSync(path, text);
  return path;
};

before(() => {
  demo = demoDb(ws);
  point = sql(ws.db, "SELECT printf('%.7f,%.7f', (min_lon + max_lon) / 2, (min_lat + max_lat) / 2) FROM grid WHERE code = '110101001001001'");
});
after(() => { ws.cleanup(); });

const map = () => file('map.csv', [
  'kind,source,code',
  'category,PTH,01001',
  'category,GRF,06011',
  'department,Public Works,110101-SZ',
  '',
].join('\n'));

const requests = () => {
  const [lon, lat] = point.split(',').map(Number);
  return file('requests.json', JSON.stringify([
    { service_request_id: '638344', status: 'closed', status_notes: '已修复', service_name: 'Pothole',
      service_code: 'PTH', description: '井盖破损', agency_responsible: 'Public Works',
      requested_datetime: '2025-04-14T09:00:00+08:00', updated_datetime: '2025-04-15T10:00:00+08:00',
      expected_datetime: null, address: '东城区某路1号', lat, long: lon, media_url: null },
    { service_request_id: 638345, status: 'open', service_code: 'GRF',
      requested_datetime: '2025-04-16T09:00:00+08:00', lat, long: lon },
    { service_request_id: '638346', status: 'open', service_code: 'NOPE',
      requested_datetime: '2025-04-16T09:00:00+08:00', lat, long: lon },
    { service_request_id: '638347', status: 'open', service_code: 'PTH',
      requested_datetime: '2025-04-16T09:00:00+08:00', lat: 0, long: 0 },
  ], null, 1));
};

const count = () => Number(sql(ws.db, 'SELECT COUNT(*) FROM case_file WHERE source_ref IS NOT NULL'));

test('--strict with bad rows imports nothing, exit 2', () => {
  const r = ug(['import', 'cases', '--db', ws.db, '--map', map(), '--strict', requests()]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /requests\.json:\d+: service_code NOPE is neither in the mapping file nor a category code/);
  assert.match(r.stderr, /2 bad rows; strict: nothing imported/);
  assert.equal(count(), 0);
  assert.equal(sql(ws.db, "SELECT COUNT(*) FROM case_event WHERE actor = 'import'"), '0');
});

test('Open311 JSON: good rows imported, bad ones reported by line', () => {
  const r = ug(['import', 'cases', '--db', ws.db, '--map', map(), requests()]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /4 rows: 2 imported, 0 imported before, 2 bad; 7 history lines/);
  const bad = r.stderr.trim().split('\n');
  assert.equal(bad.length, 2, r.stderr);
  // A row is named by the line of its '{': the one before its id's.
  const text = readFileSync(join(ws.dir, 'requests.json'), 'utf8').split('\n');
  const lineOf = (id) => text.findIndex((l) => l.includes(id));
  assert.match(bad[0], new RegExp(`requests\\.json:${lineOf('"638346"')}: service_code NOPE`));
  assert.match(bad[1], new RegExp(`requests\\.json:${lineOf('"638347"')}: the point 0\\.000000, 0\\.000000 is outside the city`));
  assert.equal(count(), 2);
  assert.equal(sql(ws.db, "SELECT state || ' ' || category || ' ' || department || ' ' || grid FROM case_file WHERE source_ref = '638344'"),
    'closed 01001 110101-SZ 110101001001001');
  assert.equal(ugOk(['assess', 'check', '--db', ws.db]).includes('the counters kept agree with the history'), true);
});

test('a second run imports nothing twice', () => {
  const before = sql(ws.db, 'SELECT COUNT(*), (SELECT COUNT(*) FROM case_event), (SELECT SUM(closed) FROM assess_day) FROM case_file');
  const r = ug(['import', 'cases', '--db', ws.db, '--map', map(), requests()]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /4 rows: 0 imported, 2 imported before, 2 bad; 0 history lines/);
  assert.equal(sql(ws.db, 'SELECT COUNT(*), (SELECT COUNT(*) FROM case_event), (SELECT SUM(closed) FROM assess_day) FROM case_file'), before);
});

test('CSV with the documented columns; a missing column refuses the file', () => {
  const [lon, lat] = point.split(',');
  const csv = file('cases.csv', [
    'number,category,description,address,lon,lat,requested,updated,closed,status,department',
    `H1,01001,"井盖, 破损",某路,${lon},${lat},2025-05-01 08:00:00,,2025-05-02 08:00:00,closed,110101-SZ`,
    `H2,01001,x,,${lon},${lat},2025-05-01T08:00:00+08:00,,,maybe,`,
    '',
  ].join('\n'));
  const r = ug(['import', 'cases', '--db', ws.db, csv]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /2 rows: 1 imported, 0 imported before, 1 bad; 5 history lines/);
  assert.match(r.stderr, /^.*cases\.csv:3: status must be open or closed, not "maybe"$/m);
  assert.equal(sql(ws.db, "SELECT description FROM case_file WHERE source_ref = 'H1'"), '井盖, 破损');
  const missing = ug(['import', 'cases', '--db', ws.db, file('bad.csv', 'number,category\nX,01001\n')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /the header has no column requested/);
  const nofile = ug(['import', 'cases', '--db', ws.db, join(ws.dir, 'none.json')]);
  assert.equal(nofile.status, 1);
  assert.match(nofile.stderr, /cannot read .*none\.json/);
});

test('an imported case through the staff API: its history by the actor import', async () => {
  const server = await startServer(ws.db);
  try {
    const admin = await loggedIn(server, 'admin', demo.passwords.admin);
    const id = sql(ws.db, "SELECT id FROM case_file WHERE source_ref = '638344'");
    const r = await admin.get(`/api/v1/cases/${id}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.state, 'closed');
    assert.deepEqual(r.json.history.map((h) => `${h.action} ${h.actor} ${h.from_state ?? '-'}>${h.to_state}`), [
      'report import ->reported', 'file import reported>filed', 'dispatch import filed>dispatched',
      'handle import dispatched>handled', 'close import handled>closed',
    ]);
    assert.equal(r.json.history[4].note, '已修复');
    assert.equal(r.json.history[0].at, '2025-04-14T09:00:00+08:00');
    assert.equal(r.json.history[4].at, '2025-04-15T10:00:00+08:00');
  } finally {
    await server.stop();
  }
});

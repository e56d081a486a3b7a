// grids-import.test.mjs - POST /api/v1/grids/import: unit grids uploaded
// as GeoJSON and checked as `urbangrid import grids` checks them; with
// check=1 the report says what would happen and nothing is written (the
// admin reads it before applying); strict=1 refuses a file with any
// problem, showing them; applied, the grids are in force for the next
// request (placing reports) and audited as the admin's.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { emptyDemoDb } from './lib/cases.mjs';
import { assertError, Client, createToken, sql, staffSuite } from './lib/server.mjs';

let community;
const suite = staffSuite({
  makeDb: emptyDemoDb,
  prepare: ({ ws }) => {
    community = sql(ws.db, "SELECT code FROM division WHERE level = 'community' AND code LIKE '110101001%' ORDER BY code LIMIT 1");
  },
});
const { ws } = suite;
const admin = () => new Client(suite.server, { bearer: createToken(ws.db, 'admin') });

// A square of about 100 m with its south-west corner at (lon, lat).
function square(code, lon, lat, props = {}) {
  const d = 0.001;
  return {
    type: 'Feature',
    properties: { code, ...props },
    geometry: {
      type: 'Polygon',
      coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d * 0.78], [lon, lat + d * 0.78], [lon, lat]]],
    },
  };
}

const upload = (fc, query = '') => admin().request('POST', `/api/v1/grids/import?${query}`, {
  body: JSON.stringify(fc), headers: { 'Content-Type': 'application/geo+json' },
});

test('check=1: the report, nothing written', async () => {
  const code = `${community}901`;
  const fc = { type: 'FeatureCollection', features: [square(code, 116.30, 39.80), square('123', 116.31, 39.80)] };
  const r = await upload(fc, 'check=1');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.applied, false);
  assert.equal(r.json.result.features, 2);
  assert.equal(r.json.result.imported, 1);
  assert.equal(r.json.result.skipped, 1);
  const bad = r.json.problems.find((p) => p.kind === 'feature');
  assert.equal(bad.feature, 1);
  assert.match(bad.message, /code/);
  assert.equal(sql(ws.db, `SELECT COUNT(*) FROM grid WHERE code = '${code}'`), '0');
});

test('strict=1 refuses a file with problems, showing them; without, the good grids apply', async () => {
  const code = `${community}902`;
  const fc = { type: 'FeatureCollection', features: [square(code, 116.30, 39.81), square('123', 116.31, 39.81)] };
  const refused = await upload(fc, 'strict=1');
  assert.equal(refused.status, 400, refused.text);
  assert.equal(refused.json.applied, false);
  assert.ok(refused.json.problems.length >= 1);
  assert.equal(sql(ws.db, `SELECT COUNT(*) FROM grid WHERE code = '${code}'`), '0');
  const applied = await upload(fc);
  assert.equal(applied.status, 200, applied.text);
  assert.equal(applied.json.applied, true);
  assert.equal(applied.json.result.imported, 1);
  assert.equal(sql(ws.db, `SELECT COUNT(*) FROM grid WHERE code = '${code}'`), '1');
  // In force at once: a point inside is placed on it.
  const at = await admin().get('/api/v1/locate?lon=116.3005&lat=39.8103');
  assert.equal(at.json.grid?.code, code, at.text);
  assert.equal(sql(ws.db, "SELECT actor FROM audit_event WHERE action = 'grids.import' ORDER BY id DESC LIMIT 1"),
    'admin');
});

test('bad requests are 400 naming the parameter; not the admin: 403', async () => {
  assertError(await admin().request('POST', '/api/v1/grids/import', { body: '' }), 400, 'invalid', 'body');
  assertError(await upload({ type: 'FeatureCollection', features: [] }, 'crs=mars'), 400, 'invalid', 'crs');
  assertError(await upload({ type: 'FeatureCollection', features: [] }, 'check=2'), 400, 'invalid', 'check');
  const notJson = await admin().request('POST', '/api/v1/grids/import', { body: 'not geojson' });
  assert.equal(notJson.status, 400, notJson.text);
  const leader = new Client(suite.server, { bearer: createToken(ws.db, 'leader') });
  assertError(await leader.request('POST', '/api/v1/grids/import', { body: '{}' }), 403, 'forbidden');
});

test('POST /api/v1/components/import: the census checked (check=1 writes nothing), then applied and placed', async () => {
  const csv = [
    'code,lon,lat,status,owner',
    '11010101001999101,116.417,39.9625,完好,区水务局',
    '11010101999999102,116.417,39.9625,完好,',
    '',
  ].join('\n');
  const send = (query) => admin().request('POST', `/api/v1/components/import?name=census.csv&${query}`, {
    body: csv, headers: { 'Content-Type': 'text/csv' },
  });
  const checked = await send('check=1');
  assert.equal(checked.status, 200, checked.text);
  assert.equal(checked.json.applied, false);
  assert.deepEqual(checked.json.result, { rows: 2, imported: 1, replaced: 0, skipped: 1, outside: 0 });
  assert.equal(checked.json.problems[0].where, 3);
  assert.match(checked.json.problems[0].message, /01999/);
  assert.equal(sql(ws.db, "SELECT COUNT(*) FROM component WHERE code = '11010101001999101'"), '0');
  const refused = await send('strict=1');
  assert.equal(refused.status, 400, refused.text);
  assert.equal(sql(ws.db, "SELECT COUNT(*) FROM component WHERE code = '11010101001999101'"), '0');
  const applied = await send('');
  assert.equal(applied.json.applied, true);
  assert.notEqual(sql(ws.db, "SELECT grid FROM component WHERE code = '11010101001999101'"), '');
  const near = await admin().get('/api/v1/locate?lon=116.417&lat=39.9625&class=01001');
  assert.ok(near.json.components.some((c) => c.code === '11010101001999101'), near.text);
  assertError(await admin().request('POST', '/api/v1/components/import?name=x.txt', { body: 'a' }), 400, 'invalid', 'file');
  assertError(await admin().request('POST', '/api/v1/components/import', { body: 'a' }), 400, 'invalid', 'name');
});

// ---- POST /api/v1/grids/generate --------------------------------------------

// A community's boundary: a box of about 255 m x 300 m (times k) at
// (lon, lat).
const boundary = (lon, lat, k = 1) => ({
  type: 'FeatureCollection',
  features: [{
    type: 'Feature', properties: {},
    geometry: { type: 'Polygon', coordinates: [[[lon, lat], [lon + 0.003 * k, lat], [lon + 0.003 * k, lat + 0.0027 * k], [lon, lat + 0.0027 * k], [lon, lat]]] },
  }],
});

const generate = (body, query) => admin().request('POST', `/api/v1/grids/generate?${query}`, {
  body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': 'application/geo+json' },
});

test('POST /api/v1/grids/generate: check=1 says what the cut would make and replace, writes nothing; then applied', async () => {
  const last = sql(ws.db, "SELECT code FROM division WHERE level = 'community' AND code LIKE '110101003%' ORDER BY code DESC LIMIT 1");
  const live = () => Number(sql(ws.db, `SELECT COUNT(*) FROM grid WHERE community = '${last}' AND deleted = 0`));
  const before = live();
  // Just east of the city's grids (a point must lie within 2 km of one).
  const [east, mid] = sql(ws.db, 'SELECT MAX(max_lon), (MIN(min_lat) + MAX(max_lat)) / 2 FROM grid').split('|').map(Number);
  const [lon, lat] = [east + 0.003, mid];
  // A case filed with a point where no grid is yet: its area only.
  const reception = new Client(suite.server, { bearer: createToken(ws.db, 'receptionist') });
  const early = await reception.post('/api/v1/cases', {
    category: '06010', description: '先报后划网格', source: 'hotline', urgency: 'normal',
    lon: lon + 0.0015, lat: lat + 0.0013, area: '110101003',
  });
  assert.equal(early.status, 201, early.text);
  assert.equal(early.json.grid, null);
  const all = sql(ws.db, "SELECT COUNT(*) || ' ' || MAX(rev) FROM grid");
  const checked = await generate(boundary(lon, lat), `community=${last}&check=1`);
  assert.equal(checked.status, 200, checked.text);
  assert.equal(checked.json.applied, false);
  assert.deepEqual(checked.json.problems, []);
  const r = checked.json.result;
  assert.equal(r.cell_m, 100);
  assert.equal(r.replaced, before);
  assert.equal(r.cases_located, undefined, 'a check places no case');
  assert.ok(r.grids >= 6 && r.grids <= 12, `grids ${r.grids}`);
  assert.ok(Math.abs(r.area_m2 - 255 * 300) < 0.05 * 255 * 300, `area ${r.area_m2}`);
  assert.equal(sql(ws.db, "SELECT COUNT(*) || ' ' || MAX(rev) FROM grid"), all, 'the check wrote nothing');

  // A larger cell cuts fewer grids; applied, they replace the community's.
  const applied = await generate(boundary(lon, lat), `community=${last}&cell=150`);
  assert.equal(applied.status, 200, applied.text);
  assert.equal(applied.json.applied, true);
  assert.equal(applied.json.result.cell_m, 150);
  assert.equal(applied.json.result.replaced, before);
  // ...and the case filed before is placed on its grid.
  assert.equal(applied.json.result.cases_located, 1);
  assert.equal(applied.json.result.cases_left, 0);
  assert.match(sql(ws.db, `SELECT grid FROM case_file WHERE id = ${early.json.id}`), new RegExp(`^${last}\\d{3}$`));
  assert.ok(applied.json.result.grids < r.grids);
  assert.equal(live(), applied.json.result.grids);
  assert.equal(sql(ws.db, `SELECT MIN(code) FROM grid WHERE community = '${last}' AND deleted = 0`), `${last}001`);
  // In force at once, and audited as the admin's.
  const at = await admin().get(`/api/v1/locate?lon=${lon + 0.0015}&lat=${lat + 0.0013}`);
  assert.match(at.json.grid?.code ?? '', new RegExp(`^${last}\\d{3}$`), at.text);
  assert.equal(sql(ws.db, "SELECT actor || ' ' || subject FROM audit_event WHERE action = 'grids.generate' ORDER BY id DESC LIMIT 1"),
    `admin ${last}`);
});

test('POST /api/v1/grids/generate: bad requests are 400 naming the parameter, nothing written; not the admin: 403', async () => {
  const all = sql(ws.db, "SELECT COUNT(*) || ' ' || MAX(rev) FROM grid");
  const b = boundary(116.33, 39.83);
  assertError(await generate(b, ''), 400, 'invalid', 'community');
  assertError(await generate(b, 'community=1101010030'), 400, 'invalid', 'community');
  assertError(await generate(b, 'community=110101003999'), 400, 'invalid', 'community');
  assertError(await generate(b, `community=${community}&cell=5`), 400, 'invalid', 'cell');
  assertError(await generate(b, `community=${community}&crs=mars`), 400, 'invalid', 'crs');
  assertError(await generate('', `community=${community}`), 400, 'invalid', 'body');
  assertError(await generate({ type: 'FeatureCollection', features: [] }, `community=${community}`), 400, 'invalid', 'boundary');
  // More than the 3-digit serial can number.
  assertError(await generate(boundary(116.33, 39.83, 2), `community=${community}&cell=10&check=1`), 400, 'invalid', 'cell');
  assert.equal(sql(ws.db, "SELECT COUNT(*) || ' ' || MAX(rev) FROM grid"), all);
  const leader = new Client(suite.server, { bearer: createToken(ws.db, 'leader') });
  assertError(await leader.request('POST', `/api/v1/grids/generate?community=${community}`, { body: JSON.stringify(b) }),
    403, 'forbidden');
});

// spatial.test.mjs - geography end to end on the synthetic divisions:
// `import grids` (report of bad features, --strict, 14-digit codes),
// `grid generate`, `import components` (bad rows by line), and the API:
// GET /api/v1/locate (wgs84, gcj02, bd09, 404 outside, 400s naming the
// parameter), GET /api/v1/grids (GeoJSON, bbox errors, simplification,
// truncation), a running server seeing a CLI import without a restart,
// and a case filed with a point getting its grid.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import {
  addUser, assertError, assertInvalidQueries, Client, fixtureDb, sleep, sql, staffSuite, ug, ugOk,
} from './lib/server.mjs';

let client;
const suite = staffSuite({
  makeDb: (ws) => fixtureDb(ws, [{ name: 'client', role: 'api_client', unit: '110101', password: 'pw-client-1234' }]),
  roles: ['client'],
  started: (s) => { client = s.as('client'); },
  prepare: ({ ws }) => {
    // Three 100 m grids in a row in 东一社区 (110101001001); the third
    // with an old 14-digit code.  Then two bad features.
    const grids = file('grids.geojson', collection([
      feature('110101001001001', square(0, 0, 100)),
      feature('110101001001002', square(100, 0, 100)),
      feature('11010100100103', square(200, 0, 100)),
      feature('110101001001004', {
        type: 'Polygon',
        coordinates: [[[116.41, 39.91], [116.411, 39.911], [116.411, 39.91], [116.41, 39.911], [116.41, 39.91]]],
      }),
      feature(null, square(400, 0, 100)),
    ]));
    const r = ug(['import', 'grids', '--db', ws.db, grids]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /5 features: 3 imported, 0 replaced, 2 skipped/);
    assert.match(r.stderr, /feature 3 \(110101001001004\): invalid geometry: .*Self-intersection/);
    assert.match(r.stderr, /feature 4: property code is missing/);
  },
});
const { ws } = suite;

// Metres to degrees near 39.9 N (test geometry only; the program
// projects properly).
const M_LON = 1 / (111320 * Math.cos((39.9 * Math.PI) / 180));
const M_LAT = 1 / 110950;
const LON0 = 116.4;
const LAT0 = 39.9;

// A square of `side` metres whose south-west corner is dx, dy metres
// east/north of (LON0, LAT0).
function square(dx, dy, side) {
  const x0 = LON0 + dx * M_LON;
  const y0 = LAT0 + dy * M_LAT;
  const x1 = x0 + side * M_LON;
  const y1 = y0 + side * M_LAT;
  return { type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] };
}

const feature = (code, geometry) => ({ type: 'Feature', properties: code ? { code } : {}, geometry });
const collection = (features) => JSON.stringify({ type: 'FeatureCollection', features });
const centre = (dx, dy) => ({ lon: LON0 + dx * M_LON, lat: LAT0 + dy * M_LAT });

function file(name, text) {
  const path = join(ws.dir, name);
  writeFileSync(path, text);
  return path;
}

describe('import grids', () => {
  test('codes are stored in 15 digits with community, street, district', () => {
    assert.equal(sql(ws.db, "SELECT code || ' ' || community || ' ' || street || ' ' || district FROM grid WHERE code LIKE '%003'"),
      '110101001001003 110101001001 110101001 110101');
    assert.equal(sql(ws.db, 'SELECT COUNT(*) FROM grid WHERE abs(area_m2 - 10000) < 50'), '3');
  });

  test('--strict: an overlap imports nothing and says why', () => {
    const path = file('overlap.geojson', collection([
      feature('110101001002001', square(0, 300, 100)),
      feature('110101001002002', square(50, 300, 100)),
    ]));
    const r = ug(['import', 'grids', '--db', ws.db, '--strict', path]);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /overlap: grid 110101001002001 \(feature 0\) and grid 110101001002002 share 5\d{3}\.\d m² near 116\.\d+, 39\.\d+/);
    assert.match(r.stderr, /--strict: nothing imported/);
    assert.equal(sql(ws.db, "SELECT COUNT(*) FROM grid WHERE community = '110101001002'"), '0');
  });

  test('a community that does not exist and a file that is not GeoJSON', () => {
    const path = file('nocomm.geojson', collection([feature('110101009001001', square(0, 600, 100))]));
    const r = ug(['import', 'grids', '--db', ws.db, path]);
    assert.equal(r.status, 0);
    assert.match(r.stderr, /110101009001 is not a known community/);
    const bad = ug(['import', 'grids', '--db', ws.db, file('bad.geojson', '{"type":"Feature"')]);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /urbangrid: /);
  });
});

describe('GET /api/v1/locate', () => {
  test('a point: its grid, community, street and district with names', async () => {
    const p = centre(150, 50);
    const r = await client.get(`/api/v1/locate?lon=${p.lon}&lat=${p.lat}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.grid.code, '110101001001002');
    assert.deepEqual(r.json.community, { code: '110101001001', name: '东一社区居委会' });
    assert.deepEqual(r.json.street, { code: '110101001', name: '一号街道' });
    assert.deepEqual(r.json.district, { code: '110101', name: '甲区' });
    assert.deepEqual(r.json.components, []);
    assert.ok(Math.abs(r.json.wgs84.lon - p.lon) < 1e-9);
  });

  test('a shared edge belongs to the grid east of it', async () => {
    const p = centre(100, 50);
    const r = await client.get(`/api/v1/locate?lon=${p.lon}&lat=${p.lat}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.grid.code, '110101001001002');
  });

  test('gcj02 and bd09 input is converted first', async () => {
    const p = centre(250, 50);
    for (const crs of ['gcj02', 'bd09']) {
      const out = ugOk(['coord', '--from', 'wgs84', '--to', crs], { input: `${p.lon} ${p.lat}\n` });
      const [x, y] = out.trim().split(/\s+/).map(Number);
      const r = await client.get(`/api/v1/locate?lon=${x}&lat=${y}&crs=${crs}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.grid.code, '110101001001003', crs);
      assert.ok(Math.abs(r.json.wgs84.lon - p.lon) < 1e-7 && Math.abs(r.json.wgs84.lat - p.lat) < 1e-7,
        `${crs}: ${JSON.stringify(r.json.wgs84)} vs ${JSON.stringify(p)}`);
    }
  });

  test('outside every grid: 404; bad parameters: 400 naming them', async () => {
    assertError(await client.get('/api/v1/locate?lon=100&lat=30'), 404, 'not_found');
    await assertInvalidQueries(client, '/api/v1/locate', [
      ['lon=181&lat=30', 'lon'],
      ['lon=116&lat=-91', 'lat'],
      ['lon=116', 'lat'],
      ['lon=abc&lat=39', 'lon'],
      ['lon=116&lat=39&crs=mars', 'crs'],
      ['lon=116&lat=39&crs=EPSG:4547', 'crs'],
      ['lon=116&lat=39&radius=900', 'radius'],
      ['lon=116&lat=39&class=1', 'class'],
    ]);
    assertError(await new Client(suite.server).get('/api/v1/locate?lon=116&lat=39'), 401, 'unauthenticated');
  });
});

describe('GET /api/v1/grids', () => {
  test('GeoJSON of the grids meeting a box', async () => {
    const r = await client.get(`/api/v1/grids?bbox=${LON0},${LAT0},${LON0 + 150 * M_LON},${LAT0 + 10 * M_LAT}`);
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type'), /^application\/geo\+json/);
    assert.equal(r.json.type, 'FeatureCollection');
    assert.deepEqual(r.json.features.map((f) => f.properties.code).sort(),
      ['110101001001001', '110101001001002']);
    assert.equal(r.json.truncated, false);
    const f = r.json.features[0];
    assert.equal(f.geometry.type, 'Polygon');
    assert.equal(f.properties.community, '110101001001');
    assert.ok(Math.abs(f.properties.area_m2 - 10000) < 50);
    const lim = await client.get(`/api/v1/grids?bbox=116,39,117,40&limit=1`);
    assert.equal(lim.json.features.length, 1);
    assert.equal(lim.json.truncated, true);
  });

  test('tolerance simplifies the outlines', async () => {
    // A 64-point circle of radius 100 m as one more grid.
    const ring = [];
    for (let i = 0; i < 64; i++) {
      const a = (2 * Math.PI * i) / 64;
      ring.push([LON0 + (1000 + 100 * Math.cos(a)) * M_LON, LAT0 + (1000 + 100 * Math.sin(a)) * M_LAT]);
    }
    ring.push(ring[0]);
    ugOk(['import', 'grids', '--db', ws.db, file('circle.geojson',
      collection([feature('110101001003001', { type: 'Polygon', coordinates: [ring] })]))]);
    const box = `${LON0 + 850 * M_LON},${LAT0 + 850 * M_LAT},${LON0 + 1150 * M_LON},${LAT0 + 1150 * M_LAT}`;
    const full = await client.get(`/api/v1/grids?bbox=${box}`);
    const simple = await client.get(`/api/v1/grids?bbox=${box}&tolerance=0.0002`);
    assert.equal(full.json.features[0].geometry.coordinates[0].length, 65);
    const n = simple.json.features[0].geometry.coordinates[0].length;
    assert.ok(n >= 4 && n < 30, `simplified to ${n} points`);
  });

  test('bad boxes: 400 naming bbox or tolerance', async () => {
    assertError(await client.get('/api/v1/grids'), 400, 'invalid', 'bbox');
    await assertInvalidQueries(client, '/api/v1/grids', [
      ['bbox=1,2,3', 'bbox'],
      ['bbox=1,2,3,4x', 'bbox'],
      ['bbox=117,39,116,40', 'bbox'],
      ['bbox=116,39,181,40', 'bbox'],
      ['bbox=116,39,117,40&tolerance=1', 'tolerance'],
    ]);
  });
});

describe('the running server follows the database', () => {
  test('grids generated by the CLI are located without a restart', async () => {
    const p = centre(0, 2000 + 50);
    assertError(await client.get(`/api/v1/locate?lon=${p.lon}&lat=${p.lat}`), 404, 'not_found');
    // A case filed there now has its area only...
    const early = await client.post('/api/v1/cases', {
      category: '06010', description: '先报后划网格', source: 'external', urgency: 'normal',
      lon: p.lon, lat: p.lat, area: '110101002',
    });
    assert.equal(early.status, 201, early.text);
    assert.equal(early.json.grid, null);
    assert.equal(early.json.area, '110101002');
    const boundary = file('boundary.geojson', collection([feature(null, square(-100, 2000, 210))]));
    const out = ugOk(['grid', 'generate', '--db', ws.db, '--boundary', boundary,
      '--community', '110101002001']);
    assert.match(out, /cut into 4 grids/);
    // ...and is located when the grids arrive, with a history line.
    assert.match(out, /cases filed before their grid existed: 1 located/);
    assert.match(sql(ws.db, `SELECT grid || ' ' || version FROM case_file WHERE id = ${early.json.id}`),
      /^110101002001\d{3} 2$/);
    assert.equal(sql(ws.db, `SELECT actor || ' ' || action FROM case_event WHERE case_id = ${early.json.id} ORDER BY id DESC LIMIT 1`),
      'system locate');
    let r;
    for (let i = 0; i < 30; i++) {
      r = await client.get(`/api/v1/locate?lon=${p.lon}&lat=${p.lat}`);
      if (r.status === 200) break;
      await sleep(100);
    }
    assert.equal(r.status, 200, r.text);
    assert.match(r.json.grid.code, /^110101002001\d{3}$/);
    assert.equal(r.json.street.code, '110101002');
  });

  test('the components census: bad rows by line, good ones near a point', async () => {
    const a = centre(20, 20);
    const b = centre(30, 20);
    const csv = file('census.csv', [
      'code,lon,lat,status,owner',
      `11010101001000001,${a.lon},${a.lat},完好,区水务局`,
      `1101010137000002,${b.lon},${b.lat},damaged,区城管委`,
      `11010101999000003,${a.lon},${a.lat},完好,`,
      '',
    ].join('\n'));
    const r = ug(['import', 'components', '--db', ws.db, csv]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /3 rows: 2 imported, 0 replaced, 1 skipped; 0 outside every grid/);
    assert.match(r.stderr, /line 4: class 01999 is not a component class of the standard/);
    assert.equal(sql(ws.db, "SELECT grid || ' ' || status FROM component WHERE code = '11010101037000002'"),
      '110101001001001 破损');
    let loc;
    for (let i = 0; i < 30; i++) {
      loc = await client.get(`/api/v1/locate?lon=${a.lon}&lat=${a.lat}&radius=20`);
      if (loc.json?.components?.length === 2) break;
      await sleep(100);
    }
    assert.deepEqual(loc.json.components.map((c) => c.code), ['11010101001000001', '11010101037000002']);
    assert.ok(loc.json.components[0].distance_m < 0.1);
    assert.ok(Math.abs(loc.json.components[1].distance_m - 10) < 0.3);
    const lamps = await client.get(`/api/v1/locate?lon=${a.lon}&lat=${a.lat}&radius=20&class=01037`);
    assert.deepEqual(lamps.json.components.map((c) => c.class), ['01037']);
  });

  test('a case filed with a point gets its grid', async () => {
    const p = centre(150, 50);
    const r = await client.post('/api/v1/cases', {
      category: '06010', description: '暴露垃圾', source: 'external', urgency: 'normal',
      lon: p.lon, lat: p.lat,
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.grid, '110101001001002');
    assert.equal(r.json.community, '110101001001');
    assert.equal(r.json.street, '110101001');
  });
});

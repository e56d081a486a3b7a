// grid-tiles.test.mjs - GET /api/v1/grids/tiles/{z}/{x}/{y}.png on the
// demo city: a 256 x 256 PNG (signature and IHDR read here) with the
// grids' outlines over the city and nothing far away, decoded pixel by
// pixel; crs=gcj02 draws them shifted, other datums are refused; bad z,
// x, y answer 400 naming the field; the ETag is the grids' version (304
// with If-None-Match, a new version once an import changed the grids);
// anonymous 401, the auditor 403.
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { test } from 'node:test';

import { emptyDemoDb } from './lib/cases.mjs';
import { assertError, Client, createToken, sql, staffSuite } from './lib/server.mjs';

const suite = staffSuite({
  makeDb: emptyDemoDb,
  roles: ['dispatcher'],
  started: (s) => { reader = s.as('dispatcher'); },
});
const { ws, servers } = suite;
let reader;

// The tile of zoom z holding (lon, lat), as a path.
function tilePath(z, lon, lat, query = '') {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const phi = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.asinh(Math.tan(phi)) / Math.PI) / 2) * n);
  return `/api/v1/grids/tiles/${z}/${x}/${y}.png${query}`;
}

// Inside the demo district (东城区: 116.39-116.44 E, 39.865-39.965 N) and
// far from it.
const CITY = [116.417, 39.9225];
const FAR = [100.0, 30.0];

// A PNG file: its IHDR, and the RGBA pixels (8-bit, colour type 6, no
// interlace: what the server writes) with the scanline filters undone.
function decodePng(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  let at = 8;
  let ihdr = null;
  const idat = [];
  while (at < bytes.length) {
    const len = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      ihdr = {
        width: data.readUInt32BE(0), height: data.readUInt32BE(4), depth: data[8], colour: data[9], interlace: data[12],
      };
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  assert.ok(ihdr, 'no IHDR');
  assert.equal(bytes.toString('latin1', 12, 16), 'IHDR', 'IHDR first');
  assert.deepEqual([ihdr.depth, ihdr.colour, ihdr.interlace], [8, 6, 0]);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = ihdr.width * 4;
  const px = Buffer.alloc(stride * ihdr.height);
  for (let y = 0; y < ihdr.height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= 4 ? px[y * stride + i - 4] : 0;
      const b = y > 0 ? px[(y - 1) * stride + i] : 0;
      const c = i >= 4 && y > 0 ? px[(y - 1) * stride + i - 4] : 0;
      let v = line[i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else assert.equal(filter, 0, `filter ${filter}`);
      px[y * stride + i] = v & 255;
    }
  }
  return { ...ihdr, px };
}

// Pixels with any opacity.
function painted(png) {
  let n = 0;
  for (let i = 3; i < png.px.length; i += 4) n += png.px[i] !== 0;
  return n;
}

async function tile(path, headers = {}, client = reader) {
  const r = await client.get(path, { headers });
  if (r.status !== 200) return r;
  assert.equal(r.headers.get('content-type'), 'image/png');
  return { ...r, png: decodePng(r.bytes) };
}

test('a 256 x 256 PNG with the outlines over the city; far away, fully transparent', async () => {
  const city = await tile(tilePath(14, ...CITY));
  assert.equal(city.status, 200, city.text);
  assert.equal(city.png.width, 256);
  assert.equal(city.png.height, 256);
  // 100 m grids at zoom 14 are about 20 px: a mesh of lines, not a fill.
  const n = painted(city.png);
  assert.ok(n > 2000 && n < 40000, `${n} pixels painted`);
  // The grids' colour (#5f7c8a) where a line is opaque enough to tell.
  const { px } = city.png;
  let seen = 0;
  for (let i = 0; i < px.length; i += 4) {
    if (px[i + 3] > 200) {
      assert.ok(Math.abs(px[i] - 0x5f) <= 3 && Math.abs(px[i + 1] - 0x7c) <= 3 && Math.abs(px[i + 2] - 0x8a) <= 3,
        `pixel ${i / 4}: ${px[i]} ${px[i + 1]} ${px[i + 2]}`);
      seen++;
    }
  }
  assert.ok(seen > 100, `${seen} opaque pixels`);
  assert.match(city.headers.get('cache-control'), /^private, max-age=\d+$/);
  assert.match(city.headers.get('etag'), /^"[0-9a-f]+-[0-9a-f]+"$/);

  const far = await tile(tilePath(14, ...FAR));
  assert.equal(far.status, 200, far.text);
  assert.equal(painted(far.png), 0);
  // The whole district in one tile at zoom 3 (grids far below a pixel):
  // still there, as a shade.
  const out = await tile(tilePath(3, ...CITY));
  assert.ok(painted(out.png) >= 1, 'the district vanished at zoom 3');
  // No limit: at zoom 11 every one of the demo's grids is in one or two
  // tiles; the picture covers the district's whole extent.
  const z11 = await tile(tilePath(11, ...CITY));
  assert.ok(painted(z11.png) > 1000);
});

test('crs=gcj02 draws the same grids shifted; other datums are refused', async () => {
  const wgs = await tile(tilePath(15, ...CITY));
  const gcj = await tile(tilePath(15, ...CITY, '?crs=gcj02'));
  assert.equal(gcj.status, 200, gcj.text);
  assert.ok(painted(gcj.png) > 1000);
  assert.ok(!wgs.png.px.equals(gcj.png.px), 'the same picture over GCJ-02 tiles');
  assert.equal((await tile(tilePath(15, ...CITY, '?crs=wgs84'))).png.px.equals(wgs.png.px), true);
  assertError(await reader.get(tilePath(15, ...CITY, '?crs=bd09')), 400, 'invalid', 'crs');
  assertError(await reader.get(tilePath(15, ...CITY, '?crs=EPSG:4545')), 400, 'invalid', 'crs');
  assertError(await reader.get(tilePath(15, ...CITY, '?crs=mars')), 400, 'invalid', 'crs');
});

test('a bad z, x or y answers 400 naming it', async () => {
  for (const [path, field] of [
    ['2/0/0.png', 'z'], ['21/0/0.png', 'z'], ['abc/0/0.png', 'z'], ['-3/0/0.png', 'z'], ['999999999/0/0.png', 'z'],
    ['14/16384/0.png', 'x'], ['14/x/0.png', 'x'], ['3/8/0.png', 'x'], ['14/1.5/0.png', 'x'],
    ['14/0/16384.png', 'y'], ['14/0/0', 'y'], ['14/0/0.jpg', 'y'], ['14/0/.png', 'y'], ['14/0/1.5.png', 'y'],
    ['3/0/8.png', 'y'],
  ]) {
    const r = await reader.get(`/api/v1/grids/tiles/${path}`);
    assertError(r, 400, 'invalid', field);
    assert.match(r.json.error.message, new RegExp(`^${field} `), path);
  }
  assert.equal((await reader.get('/api/v1/grids/tiles/14/0/0/0.png')).status, 404);
});

test('ETag: 304 while the grids stay; a new version once an import changed them', async () => {
  const path = tilePath(14, ...CITY);
  const first = await tile(path);
  const etag = first.headers.get('etag');
  const again = await reader.get(path, { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.bytes?.length ?? again.text.length, 0);
  assert.equal(again.headers.get('etag'), etag);
  assert.match(again.headers.get('cache-control'), /^private, max-age=\d+$/);
  assert.equal((await reader.get(path, { headers: { 'If-None-Match': `W/${etag}` } })).status, 304);
  assert.equal((await reader.get(path, { headers: { 'If-None-Match': '"other"' } })).status, 200);

  // A grid where there was none: its tile was empty, now it shows it,
  // and every old ETag is stale.
  const spot = [116.3005, 39.8003];
  const emptyTile = await tile(tilePath(14, ...spot));
  assert.equal(painted(emptyTile.png), 0);
  const community = sql(ws.db, "SELECT code FROM division WHERE level = 'community' AND code LIKE '110101001%' ORDER BY code LIMIT 1");
  const d = 0.001;
  const [lon, lat] = [116.30, 39.80];
  const admin = new Client(suite.server, { bearer: createToken(ws.db, 'admin') });
  const imported = await admin.request('POST', '/api/v1/grids/import', {
    headers: { 'Content-Type': 'application/geo+json' },
    body: JSON.stringify({
      type: 'FeatureCollection',
      features: [{
        type: 'Feature',
        properties: { code: `${community}977` },
        geometry: {
          type: 'Polygon',
          coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]],
        },
      }],
    }),
  });
  assert.equal(imported.status, 200, imported.text);
  assert.equal(imported.json.applied, true, imported.text);
  const now = await tile(tilePath(14, ...spot), { 'If-None-Match': emptyTile.headers.get('etag') });
  assert.equal(now.status, 200);
  assert.ok(painted(now.png) > 50, 'the new grid is not drawn');
  assert.notEqual(now.headers.get('etag'), emptyTile.headers.get('etag'));
  assert.equal((await reader.get(path, { headers: { 'If-None-Match': etag } })).status, 200);
});

test('anonymous 401, the auditor 403, like GET /api/v1/grids', async () => {
  const path = tilePath(14, ...CITY);
  assertError(await new Client(suite.server).get(path), 401, 'unauthenticated');
  assertError(await new Client(suite.server, { bearer: createToken(ws.db, 'auditor') }).get(path), 403, 'forbidden');
});

// coord.test.mjs - `urbangrid coord` against an independent implementation
// of the Chinese map offsets, the npm package gcoord: 5,000 seeded points
// across China through wgs84 -> gcj02 / bd09 (must agree within 1 cm) and
// back (our inverse, sent through gcoord's forward, must land within 1 cm
// of where it started; gcoord's own inverses are approximate and only
// compared loosely, see INVERSE_BOUND_M); a CGCS2000 Gauss-Krüger line;
// the line-numbered error of a bad line.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import gcoord from 'gcoord';

import { ug } from './lib/server.mjs';

const N = 5000;
const R = 6371008.8; // the mean Earth radius crs_distance_m() uses

// mulberry32: the same points on every run.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Points inside China's box (lon 72.004..137.8347, lat 0.8293..55.8271)
// and half a degree or more from its edges, where gcj02 jumps.
function chinaPoints(seed) {
  const rnd = prng(seed);
  const pts = [];
  for (let i = 0; i < N; i++) pts.push([73 + rnd() * 61.5, 18 + rnd() * 35]);
  return pts;
}

function distanceM([lon1, lat1], [lon2, lat2]) {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(Math.min(1, a)));
}

// Run `coord --from --to` on the points; one output point per input line.
function coord(from, to, pts) {
  const input = pts.map(([x, y]) => `${x} ${y}\n`).join('');
  const r = ug(['coord', '--from', from, '--to', to], { input });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const lines = r.stdout.split('\n');
  assert.equal(lines.pop(), '');
  assert.equal(lines.length, pts.length);
  return lines.map((l) => {
    assert.match(l, /^-?\d+\.\d{9} -?\d+\.\d{9}$/);
    return l.split(' ').map(Number);
  });
}

function maxDistance(a, b) {
  let max = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = distanceM(a[i], b[i]);
    if (d > max) { max = d; at = i; }
  }
  return { max, at };
}

const WITHIN_M = 0.01;

// gcoord's inverses are approximate: gcj02 -> wgs84 stops once each axis
// is within 1e-6 degree (up to ~0.11 m east-west plus ~0.11 m
// north-south), and bd09 -> gcj02 is the one-step closed form.  Measured
// on these points: gcj02 -> wgs84 differs from ours by at most 0.146 m
// (0.155 m over 100,000 points of the whole box), bd09 -> wgs84 by at
// most 0.219 m (see the test's diagnostics).  The bound is 1 m, about 4x
// the worst seen: only a gross disagreement fails here; the precision of
// our inverse is what the gcoord-forward check above asserts (1 cm).
const INVERSE_BOUND_M = 1;

describe('coord against gcoord 1.0.7', () => {
  for (const [to, G, seed] of [['gcj02', gcoord.GCJ02, 1], ['bd09', gcoord.BD09, 2]]) {
    test(`wgs84 -> ${to}: within 1 cm of gcoord`, (t) => {
      const pts = chinaPoints(seed);
      const ours = coord('wgs84', to, pts);
      const theirs = pts.map((p) => gcoord.transform(p, gcoord.WGS84, G));
      const { max, at } = maxDistance(ours, theirs);
      t.diagnostic(`wgs84 -> ${to}: max difference ${max.toExponential(2)} m`);
      assert.ok(max < WITHIN_M, `point ${pts[at]}: ${ours[at]} vs ${theirs[at]} (${max} m)`);
    });
  }

  for (const [from, G, seed] of [['gcj02', gcoord.GCJ02, 3], ['bd09', gcoord.BD09, 4]]) {
    test(`${from} -> wgs84: gcoord's forward of our inverse lands within 1 cm`, (t) => {
      const pts = chinaPoints(seed);
      const ours = coord(from, 'wgs84', pts);
      const forward = ours.map((q) => gcoord.transform(q, gcoord.WGS84, G));
      const fwd = maxDistance(forward, pts);
      t.diagnostic(`${from} -> wgs84 -> ${from} (gcoord forward): max ${fwd.max.toExponential(2)} m`);
      assert.ok(fwd.max < WITHIN_M,
        `point ${pts[fwd.at]}: back at ${forward[fwd.at]} (${fwd.max} m)`);

      // The inverse really moved the points (the test would pass
      // vacuously on an identity).
      assert.ok(maxDistance(ours, pts).max > 100);

      const theirs = pts.map((p) => gcoord.transform(p, G, gcoord.WGS84));
      const inv = maxDistance(ours, theirs);
      t.diagnostic(`${from} -> wgs84: gcoord's own inverse differs from ours by at most ${inv.max.toFixed(3)} m`);
      assert.ok(inv.max < INVERSE_BOUND_M,
        `point ${pts[inv.at]}: ours ${ours[inv.at]}, gcoord ${theirs[inv.at]} (${inv.max} m)`);
    });
  }
});

describe('coord: zones and errors', () => {
  test('EPSG:4547 easting/northing to lon/lat and back', () => {
    let r = ug(['coord', '--from', 'EPSG:4547'], { input: '510289.6287 2489170.7474\n' });
    assert.equal(r.status, 0, r.stderr);
    const [lon, lat] = r.stdout.trim().split(' ').map(Number);
    assert.ok(Math.abs(lon - 114.1) < 1e-8 && Math.abs(lat - 22.5) < 1e-8, r.stdout);
    r = ug(['coord', '--from', 'wgs84', '--to', 'epsg:4547'], { input: '114.1,22.5\n' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '510289.6287 2489170.7474\n');
  });

  test('a bad line: named on stderr, answered with an empty line, exit 1, the rest converted', () => {
    const input = '500000 2500000\n500000 north\n\n38500000 2500000\n500000,2400000\n';
    const r = ug(['coord', '--from', 'EPSG:4547', '--to', 'wgs84'], { input });
    assert.equal(r.status, 1);
    const out = r.stdout.split('\n');
    assert.equal(out.length, 6); // five lines and the final newline
    assert.match(out[0], /^114\.000000000 22\.\d{9}$/);
    assert.equal(out[1], '');
    assert.equal(out[2], '');
    assert.equal(out[3], '');
    assert.match(out[4], /^114\.000000000 21\.\d{9}$/);
    const err = r.stderr.split('\n').filter((l) => l !== '');
    assert.equal(err.length, 3, r.stderr);
    assert.match(err[0], /^urbangrid coord: line 2: y: expected a number, got "north"$/);
    assert.match(err[1], /^urbangrid coord: line 4: EPSG:4547: .*38500000/);
    assert.match(err[2], /^urbangrid coord: 2 of 5 lines failed$/);
  });

  test('an unknown system is a usage error naming what is accepted', () => {
    const r = ug(['coord', '--from', 'wgs84', '--to', 'EPSG:3857'], { input: '1 2\n' });
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^urbangrid coord: --to: unknown coordinate system "EPSG:3857": use wgs84 .*EPSG:4534\.\.EPSG:4554\n$/);
  });
});

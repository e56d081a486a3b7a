// cases.mjs - what the case suites need beyond server.mjs: the demo city
// without simulated cases (`demo --days 0`), and requests whose bodies or
// answers are bytes (photos), which server.mjs's JSON client does not do.
import assert from 'node:assert/strict';

import { REAL_DIVISIONS, cachedDemo, sql } from './server.mjs';

// `urbangrid demo --days 0`: the demo city and its accounts, no cases.
// Returns { passwords: { username: password }, output }.
export function emptyDemoDb(ws) {
  const out = cachedDemo(ws, ['--from', REAL_DIVISIONS, '--days', '0']);
  assert.match(out, /Cases of the last 0 days: 0 /, out);
  const passwords = {};
  for (const m of out.matchAll(/^ {2}(\w+)\s+(\S+)\s+(\S+)\s+(\S{20})$/gm)) {
    if (m[1] !== 'role') passwords[m[2]] = m[4];
  }
  for (const who of ['inspector', 'receptionist', 'shift_leader', 'dispatcher',
    'handler', 'leader', 'admin', 'api_client']) {
    assert.ok(passwords[who], `demo printed no password for ${who}:\n${out}`);
  }
  return { passwords, output: out };
}

// A request with a bytes body and/or a bytes answer, as `bearer`.
// Returns { status, headers, bytes (Buffer), json (when the answer is
// JSON) }.  Like server.mjs, it insists on an X-Request-Id.
export async function bytesRequest(server, method, path, { bearer, body, contentType } = {}) {
  const headers = {};
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (contentType) headers['Content-Type'] = contentType;
  const res = await fetch(server.url(path), { method, headers, body });
  assert.match(res.headers.get('x-request-id') ?? '', /^[A-Za-z0-9._-]{1,64}$/);
  const bytes = Buffer.from(await res.arrayBuffer());
  let json = null;
  if (/^application\/json/.test(res.headers.get('content-type') ?? '') && bytes.length) {
    json = JSON.parse(bytes.toString('utf8'));
  }
  return { status: res.status, headers: res.headers, bytes, json };
}

// Small images of each accepted type: the magic bytes and some payload.
export const JPEG = Buffer.concat([
  Buffer.from([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00]),
  Buffer.alloc(64, 0x11), Buffer.from([0xFF, 0xD9])]);
export const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), Buffer.alloc(48, 0x22)]);
export const WEBP = Buffer.concat([
  Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(32, 0x33)]);

// Cases written straight into the database, for the counts of hot spots
// and rebounds (hotspots.test.mjs, access.test.mjs): `n` cases of
// `category` in `grid` from instant `at` (seconds), `step` seconds apart
// (default an hour), in `state`, numbered `${tag}-0`...  (tag unique per
// call).
export function plantCases(db, { grid, category, at, n, state = 'reported', tag, step = 3600 }) {
  if (n === 0) return;
  sql(db, `WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < ${n})
    INSERT INTO case_file (number, version, state, source, category, standard_id, urgency, description,
      address, lon, lat, grid, community, street, district, area, created_by, created_at, updated_at)
    SELECT '${tag}-' || i, 1, '${state}', 'inspector', '${category}',
      (SELECT id FROM case_standard WHERE category = '${category}' ORDER BY version DESC LIMIT 1),
      'normal', 'planted', 'planted', NULL, NULL, '${grid}', substr('${grid}', 1, 12),
      substr('${grid}', 1, 9), substr('${grid}', 1, 6), '${grid}', 'inspector',
      ${at} + i * ${step}, ${at} + i * ${step} FROM k;`);
}

// Local midnight (+08:00, the demo city's) of day 'YYYY-MM-DD' plus
// `days`, in seconds.
export const localMidnight = (day, days = 0) => Date.parse(`${day}T00:00:00Z`) / 1000 - 8 * 3600 + days * 86400;

// plantCases week by week: counts[w] cases in the week from `first`
// (a local day) + 7w days, from 01:00.
export function plantWeeks(db, grid, category, first, counts, tag) {
  counts.forEach((n, w) => plantCases(db, {
    grid, category, at: localMidnight(first, 7 * w) + 3600, n, tag: `${tag}w${w}`,
  }));
}

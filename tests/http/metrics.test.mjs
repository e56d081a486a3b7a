// metrics.test.mjs - `serve --metrics-listen` (docs/operations.md): GET
// /metrics on its own listener in the Prometheus text format, with the
// requests the public listener answered counted by route and status
// exactly, cumulative latency histograms, the cases by state as the
// database holds them, the open live streams and the process's numbers;
// the public listener does not serve it, and a bad address is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { emptyDemoDb } from './lib/cases.mjs';
import { BIN, Client, sleep, sql, staffSuite, ug } from './lib/server.mjs';

let metricsUrl;
let token;
const suite = staffSuite({
  makeDb: emptyDemoDb,
  roles: ['inspector'],
  prepare: (s) => { token = s.token.inspector; },
  flags: ['--metrics-listen', '127.0.0.1:0'],
  started: async ({ server }) => {
    const end = Date.now() + 5000;
    for (;;) {
      const m = /^metrics on (http:\/\/127\.0\.0\.1:\d+\/metrics)$/m.exec(suite.server.stdout);
      if (m) { metricsUrl = m[1]; break; }
      assert.ok(Date.now() < end, `no "metrics on" line: ${suite.server.stdout}`);
      await sleep(20);
    }
  },
});
const { ws } = suite;

const REPORT = {
  category: '06010', description: '指标测试的上报', source: 'inspector', urgency: 'normal',
  lon: 116.417, lat: 39.9625,
};

// The scrape as { type: name -> type, value: series -> number, lines }.
async function scrape() {
  const res = await fetch(metricsUrl);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  const type = new Map();
  const value = new Map();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m = /^# TYPE ([a-z_]+) (counter|gauge|histogram)$/.exec(line);
    if (m) { type.set(m[1], m[2]); continue; }
    if (/^# HELP [a-z_]+ \S/.test(line)) continue;
    m = /^([a-z_]+)(\{(?:[a-z_]+="[^"\\]*",?)*\})? (-?[0-9.]+(?:e[+-]?\d+)?)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const base = m[1].replace(/_(bucket|sum|count)$/, '');
    assert.ok(type.has(m[1]) || type.get(base) === 'histogram', `no TYPE before ${line}`);
    assert.ok(!value.has(m[1] + (m[2] ?? '')), `series twice: ${line}`);
    value.set(m[1] + (m[2] ?? ''), Number(m[3]));
  }
  return { type, value, text };
}

const requests = (route, status) =>
  `urbangrid_http_requests_total{door="api",route="${route}",status="${status}"}`;

test('requests are counted by route and exact status; histograms are cumulative and end at the count', async () => {
  const client = new Client(suite.server, { bearer: token });
  for (let i = 0; i < 3; i++) assert.equal((await client.request('GET', '/healthz')).status, 200);
  for (let i = 0; i < 2; i++) assert.equal((await client.request('GET', '/no/such/thing')).status, 404);
  assert.equal((await client.request('POST', '/api/v1/cases', { body: { ...REPORT, lon: 'x' } })).status, 400);
  for (let i = 0; i < 2; i++) {
    assert.equal((await client.request('POST', '/api/v1/cases', { body: REPORT })).status, 201);
  }
  // The access log (and with it the count) may trail the answer by a
  // moment: the counters are written before it, at the dispatcher's end.
  await sleep(50);
  const { type, value } = await scrape();
  assert.equal(type.get('urbangrid_http_requests_total'), 'counter');
  assert.equal(type.get('urbangrid_http_request_duration_seconds'), 'histogram');
  assert.equal(value.get(requests('GET /healthz', 200)), 3);
  assert.equal(value.get(requests('', 404)), 2);
  assert.equal(value.get(requests('POST /api/v1/cases', 400)), 1);
  assert.equal(value.get(requests('POST /api/v1/cases', 201)), 2);
  assert.equal(value.get(requests('GET /healthz', 500)), undefined);
  // The two reports went through the group commit: at least two
  // transactions, carried by at most as many commits.
  const tx = value.get('urbangrid_db_transactions_total');
  const commits = value.get('urbangrid_db_commits_total');
  assert.equal(type.get('urbangrid_db_transactions_total'), 'counter');
  assert.ok(tx >= 2, `transactions ${tx}`);
  assert.ok(commits >= 1 && commits <= tx, `commits ${commits} of ${tx}`);
  assert.ok(value.get('urbangrid_db_batch_max') >= 1);
  // Each transaction took a turn on the writer, for some time.
  assert.equal(type.get('urbangrid_db_turns_total'), 'counter');
  assert.ok(value.get('urbangrid_db_turns_total') >= tx, 'a turn a transaction');
  assert.ok(value.get('urbangrid_db_turn_seconds_total') > 0);
  // Two reports do not fill the log: it was never started over.
  assert.equal(type.get('urbangrid_db_log_restarts_total'), 'counter');
  assert.equal(value.get('urbangrid_db_log_restarts_total'), 0);
  assert.equal(value.get('urbangrid_db_log_restart_seconds_total'), 0);

  const lbl = 'door="api",route="POST /api/v1/cases"';
  const buckets = [...value].filter(([k]) => k.startsWith(`urbangrid_http_request_duration_seconds_bucket{${lbl},`));
  assert.equal(buckets.length, 15, 'fourteen bounds and +Inf');
  for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i][1] >= buckets[i - 1][1], 'cumulative');
  assert.equal(buckets.at(-1)[0], `urbangrid_http_request_duration_seconds_bucket{${lbl},le="+Inf"}`);
  assert.equal(buckets.at(-1)[1], 3);
  assert.equal(value.get(`urbangrid_http_request_duration_seconds_count{${lbl}}`), 3);
  const sum = value.get(`urbangrid_http_request_duration_seconds_sum{${lbl}}`);
  assert.ok(sum > 0 && sum < 30, `sum ${sum}`);
});

test('open cases by state are what the database holds; the pool, the streams and the process are there', async () => {
  const { type, value } = await scrape();
  const held = {};
  for (const line of sql(ws.db, "SELECT state, count(*) FROM case_file WHERE state NOT IN ('closed', 'rejected', 'void', 'merged') GROUP BY state").trim().split('\n')) {
    if (!line) continue;
    const [state, n] = line.split('|');
    held[state] = Number(n);
  }
  const seen = {};
  for (const [k, v] of value) {
    const m = /^urbangrid_open_cases\{state="([a-z_]+)",light="(red|yellow|green|none)"\}$/.exec(k);
    if (m) seen[m[1]] = (seen[m[1]] ?? 0) + v;
  }
  assert.ok(Object.keys(held).length > 0);
  assert.deepEqual(seen, held);
  assert.equal(type.get('urbangrid_open_cases'), 'gauge');
  // The scrape's own connection is handed out while it is answered.
  assert.ok(value.get('urbangrid_db_connections{state="busy"}') >= 1);
  assert.ok(value.get('urbangrid_db_connections{state="idle"}') >= 0);
  assert.equal(value.get('urbangrid_live_streams'), 0);
  assert.ok(value.get('urbangrid_live_streams_max') > 0);
  assert.ok(value.get('process_resident_memory_bytes') > 1e6);
  // The heaps: glibc's, in use (the server's caches, the pool) and free
  // but kept.  Under AddressSanitizer, whose allocator is not glibc's,
  // glibc's heaps hold next to nothing: only their presence is checked.
  const inUse = value.get('urbangrid_heap_bytes{state="in_use"}');
  assert.ok(inUse >= (BIN.includes('/asan/') ? 0 : 1e6), `in use ${inUse}`);
  assert.ok(value.get('urbangrid_heap_bytes{state="free"}') >= 0);
  assert.equal(type.get('urbangrid_heap_bytes'), 'gauge');
  assert.ok(value.get('process_open_fds') > 3);
  assert.ok(value.get('process_cpu_seconds_total') >= 0);
  assert.match([...value.keys()].find((k) => k.startsWith('urbangrid_build_info')), /version="\d/);
});

test('an open live stream is counted while it is open', async () => {
  const abort = new AbortController();
  const res = await fetch(suite.server.url('/api/v1/events'), {
    headers: { Authorization: `Bearer ${token}` }, signal: abort.signal,
  });
  assert.equal(res.status, 200);
  try {
    assert.equal((await scrape()).value.get('urbangrid_live_streams'), 1);
  } finally {
    abort.abort();
  }
  // A waiting stream learns that its client left when it next writes:
  // the keep-alive comment every 5 s (the first write into a closed
  // socket may still succeed, so up to two of them).
  const end = Date.now() + 12000;
  while ((await scrape()).value.get('urbangrid_live_streams') !== 0) {
    assert.ok(Date.now() < end, 'the closed stream is still counted');
    await sleep(200);
  }
});

test('the public listener does not serve /metrics; the metrics listener serves nothing else', async () => {
  const r = await suite.server.request('GET', '/metrics');
  assert.equal(r.status, 404);
  const other = await fetch(metricsUrl.replace(/\/metrics$/, '/api/v1/cases'));
  assert.equal(other.status, 404);
  assert.equal(await other.text(), 'no such resource\n');
  const post = await fetch(metricsUrl, { method: 'POST' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET, HEAD');
});

test('a bad --metrics-listen is refused, naming it', () => {
  const r = ug(['serve', '--db', ws.db, '--listen', '127.0.0.1:0', '--metrics-listen', 'nowhere']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--metrics-listen must be HOST:PORT, got nowhere/);
});

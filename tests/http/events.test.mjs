// events.test.mjs - GET /api/v1/events, the live stream of case changes
// (Server-Sent Events): a change made by someone else reaches the streams
// of those who see the case within 2 s, and no one else's; a reconnect
// with Last-Event-ID replays what was missed; keep-alive comments; the
// bound on open streams (503 with Retry-After); bad input; a stopping
// server ends its streams.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { emptyDemoDb } from './lib/cases.mjs';
import { assertError, sleep, staffSuite } from './lib/server.mjs';

const suite = staffSuite({
  makeDb: emptyDemoDb,
  roles: ['inspector', 'receptionist', 'shift_leader', 'dispatcher', 'handler', 'leader', 'admin'],
});
const { servers, token, as: api } = suite;

// Open a stream as `who`; returns { events, comments, status, headers,
// waitFor(pred, ms), close() }.  Events are { id, event, data (parsed) }.
async function stream(who, { lastEventId, srv = suite.server, bearer = token[who] } = {}) {
  const abort = new AbortController();
  const headers = { Authorization: `Bearer ${bearer}` };
  if (lastEventId !== undefined) headers['Last-Event-ID'] = String(lastEventId);
  const res = await fetch(srv.url('/api/v1/events'), { headers, signal: abort.signal });
  const s = {
    status: res.status, headers: res.headers, events: [], comments: [], text: '', ended: false,
  };
  if (res.status !== 200) {
    s.body = await res.text();
    return s;
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  s.done = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        pending += decoder.decode(value, { stream: true });
        s.text += decoder.decode(value);
        let cut;
        while ((cut = pending.indexOf('\n\n')) >= 0) {
          const block = pending.slice(0, cut);
          pending = pending.slice(cut + 2);
          const ev = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) s.comments.push(line);
            const m = /^(\w+): ?(.*)$/.exec(line);
            if (m) ev[m[1]] = m[2];
          }
          if (ev.data) s.events.push({ id: Number(ev.id), event: ev.event, data: JSON.parse(ev.data) });
        }
      }
    } catch (e) {
      if (e.name !== 'AbortError') throw e;
    }
    s.ended = true;
  })();
  s.waitFor = async (pred, ms = 2000) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const found = s.events.find(pred);
      if (found) return found;
      await sleep(25);
    }
    return null;
  };
  s.close = async () => { abort.abort(); await s.done; };
  return s;
}

const REPORT = {
  category: '06010', description: '事件流测试', source: 'inspector', urgency: 'normal', lon: 116.417, lat: 39.9625,
};

async function act(who, c, action, body = {}) {
  const r = await api(who).post(`/api/v1/cases/${c.id}/actions/${action}`, { version: c.version, ...body });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

describe('GET /api/v1/events', () => {
  test('a change reaches, within 2 s, those who see the case and no one else', async () => {
    const handler = await stream('handler');
    const dispatcher = await stream('dispatcher');
    assert.equal(handler.status, 200);
    assert.match(handler.headers.get('content-type'), /^text\/event-stream/);
    assert.equal(handler.headers.get('cache-control'), 'no-store');
    let c = (await api('inspector').post('/api/v1/cases', REPORT)).json;
    const t0 = Date.now();
    const seen = await dispatcher.waitFor((e) => e.data.case_id === c.id && e.data.action === 'report');
    assert.ok(seen, `the dispatcher's stream missed the report: ${dispatcher.text}`);
    assert.ok(Date.now() - t0 < 2000);
    assert.equal(seen.event, 'case');
    assert.equal(seen.data.number, c.number);
    assert.equal(seen.data.actor, 'inspector');
    assert.match(seen.data.at, /\+08:00$/);
    // The handler's department does not see a case not dispatched to it.
    c = await act('shift_leader', c, 'file');
    assert.ok(await dispatcher.waitFor((e) => e.data.case_id === c.id && e.data.action === 'file'));
    assert.equal(handler.events.filter((e) => e.data.case_id === c.id).length, 0, handler.text);
    // Once dispatched to it, it does (the case as it is now decides).
    c = await act('dispatcher', c, 'dispatch', { department: '110101-HW' });
    const got = await handler.waitFor((e) => e.data.case_id === c.id && e.data.action === 'dispatch');
    assert.ok(got, handler.text);
    assert.equal(got.data.department, '110101-HW');
    assert.equal(got.data.state, 'dispatched');
    // Ids grow: they are the history's.
    const ids = dispatcher.events.map((e) => e.id);
    assert.deepEqual(ids, [...ids].sort((x, y) => x - y));
    await handler.close();
    await dispatcher.close();
  });

  test('a reconnect with Last-Event-ID gets what it missed, in order, once', async () => {
    const first = await stream('leader');
    let c = (await api('inspector').post('/api/v1/cases', REPORT)).json;
    const seen = await first.waitFor((e) => e.data.case_id === c.id);
    assert.ok(seen);
    await first.close();
    // Missed while away:
    c = await act('shift_leader', c, 'file');
    c = await act('leader', c, 'supervise', { note: '尽快' });
    const again = await stream('leader', { lastEventId: seen.id });
    const sup = await again.waitFor((e) => e.data.case_id === c.id && e.data.action === 'supervise');
    assert.ok(sup, again.text);
    const mine = again.events.filter((e) => e.data.case_id === c.id).map((e) => e.data.action);
    assert.deepEqual(mine, ['file', 'supervise']);
    assert.ok(again.events.every((e) => e.id > seen.id));
    await again.close();
  });

  test('bad Last-Event-ID is 400 naming it; no login is 401', async () => {
    const bad = await stream('leader', { lastEventId: 'x1' });
    assert.equal(bad.status, 400);
    assert.equal(JSON.parse(bad.body).error.field, 'Last-Event-ID');
    const anon = await fetch(suite.server.url('/api/v1/events'));
    assert.equal(anon.status, 401);
    await anon.body?.cancel();
    assertError(await api('admin').get('/api/v1/events?after=-1'), 400, 'invalid', 'Last-Event-ID');
  });

  test('at most --events-max streams: the next is 503 with Retry-After until one closes', async () => {
    const own = await servers.start(['--events-max', '3']);
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await stream('leader', { srv: own }));
    assert.ok(open.every((s) => s.status === 200));
    const over = await stream('leader', { srv: own });
    assert.equal(over.status, 503);
    assert.equal(over.headers.get('retry-after'), '30');
    assert.equal(JSON.parse(over.body).error.code, 'busy');
    // A stream the browser left frees its place at the next wake, within
    // 5 s (the keep-alive period).
    await open.pop().close();
    let next;
    for (let i = 0; i < 80; i++) {
      next = await stream('leader', { srv: own });
      if (next.status === 200) break;
      await sleep(100);
    }
    assert.equal(next.status, 200, 'a closed stream frees its place');
    open.push(next);
    // Keep-alive comments meanwhile.
    await sleep(5500);
    assert.ok(open[0].comments.some((c) => c.startsWith(': keep-alive')), open[0].text);
    await Promise.all(open.map((s) => s.close()));
  });

  test('a stopping server ends its streams', async () => {
    const own = await servers.start([]);
    const s = await stream('leader', { srv: own });
    assert.equal(s.status, 200);
    const t0 = Date.now();
    await own.stop();
    await Promise.race([s.done, sleep(5000)]);
    assert.ok(s.ended, 'the stream did not end');
    assert.ok(Date.now() - t0 < 5000);
  });
});

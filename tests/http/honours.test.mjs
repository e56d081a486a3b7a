// honours.test.mjs - the red and black lists (红黑榜) on the demo city: a
// draft is the rules of the scheme applied to the ranking of
// GET /api/v1/assessment/{kind} (checked here by an independent reading
// of the same rules over that ranking); leaders of an area and the admin
// draft and publish (audited; each publication a new, immutable
// version, all kept in the history), others get 403; a street's leader
// is held to its street; 400s name kind, period, area and comment; lists
// of posts are the staff's alone and the public read names no one of the
// staff; the rules are part of the scheme's versions.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  addUser, assertError, assertInvalidQueries, Client, createToken, demoDb, sql, staffSuite,
} from './lib/server.mjs';

const STREET_A = '110101001';
const STREET_B = '110101002';
let demo;
let month;
const suite = staffSuite({
  makeDb: demoDb,
  roles: ['inspector', 'receptionist', 'shift_leader', 'dispatcher', 'handler', 'leader',
    'admin', 'auditor'],
  prepare: ({ ws, made, token }) => {
    demo = made;
    addUser(ws.db, { name: 'leader_a', role: 'leader', unit: STREET_A, password: 'Leader-a-pass-2026', displayName: '孙街道' });
    addUser(ws.db, { name: 'leader_hw', role: 'leader', unit: '110101-HW', password: 'Leader-hw-pass-2026', displayName: '周部门' });
    token.leader_a = createToken(ws.db, 'leader_a');
    token.leader_hw = createToken(ws.db, 'leader_hw');
    const ym = sql(ws.db, 'SELECT month FROM assess_month GROUP BY month ORDER BY SUM(events) DESC LIMIT 1');
    month = `${ym.slice(0, 4)}-${ym.slice(4, 6)}`;
  },
});
const { ws, servers, token, as: api } = suite;
const anonymous = () => new Client(suite.server);

// The rules read independently: which rows of a ranking (in rank order)
// each list holds, red in rank order, black from the worst up.
function expectedLists(rows, rules) {
  const scored = rows.filter((r) => r.score !== null);
  const edge = (n, fromTop) => (n && scored.length
    ? scored[fromTop ? Math.min(n, scored.length) - 1 : scored.length - Math.min(n, scored.length)].score
    : null);
  const top = edge(rules.red.top, true);
  const bottom = edge(rules.black.bottom, false);
  const holds = (rule, count, inGrade, inCount) => {
    const byGrade = rule.grades !== '';
    const byCount = count > 0;
    if (!byGrade && !byCount) return false;
    return rule.match === 'all' ? (!byGrade || inGrade) && (!byCount || inCount)
      : (byGrade && inGrade) || (byCount && inCount);
  };
  const black = [];
  const red = [];
  for (const r of rows) {
    const s = r.score !== null;
    const b = holds(rules.black, rules.black.bottom, s && rules.black.grades.includes(r.grade),
      s && rules.black.bottom > 0 && r.score <= bottom)
      || (rules.black.overdue_above !== null && r.counters.overdue > rules.black.overdue_above);
    if (b) black.push(r);
    else if (s && holds(rules.red, rules.red.top, rules.red.grades.includes(r.grade),
      rules.red.top > 0 && r.score >= top)) red.push(r);
  }
  const worstFirst = [...black.filter((r) => r.score !== null).reverse(), ...black.filter((r) => r.score === null)];
  return { red: red.map((r) => r.code), black: worstFirst.map((r) => r.code) };
}

async function ranking(who, kind, query) {
  const r = await api(who).get(`/api/v1/assessment/${kind}?${query}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function draft(who, query) {
  const r = await api(who).get(`/api/v1/honours/draft?${query}`);
  assert.equal(r.status, 200, `${who} ${query}: ${r.text}`);
  return r.json;
}

// The draft equals the rules applied to the ranking the caller sees.
async function assertDraftOfRanking(who, kind, query) {
  const d = await draft(who, `kind=${kind}&${query}`);
  const rk = await ranking(who, kind, query);
  const want = expectedLists(rk.rows, rk.scheme.honours);
  assert.deepEqual(d.red.map((e) => e.code), want.red, `${kind} red`);
  assert.deepEqual(d.black.map((e) => e.code), want.black, `${kind} black`);
  assert.deepEqual(d.rules, rk.scheme.honours);
  assert.equal(d.ranked, rk.rows.length);
  for (const e of [...d.red, ...d.black]) {
    const row = rk.rows.find((r) => r.code === e.code);
    assert.equal(e.score, row.score);
    assert.equal(e.grade, row.grade);
    assert.equal(e.rank, row.rank);
    assert.equal(e.name, row.name);
    assert.ok(e.reasons.length > 0);
  }
  return d;
}

describe('drafts', () => {
  test('every kind: the scheme\'s rules over the ranking, for the leader and the admin', async () => {
    for (const kind of ['departments', 'streets', 'communities', 'grids', 'inspectors', 'dispatchers']) {
      const d = await assertDraftOfRanking('leader', kind, `period=${month}`);
      assert.equal(d.kind, kind);
      assert.equal(d.period.name, month);
      assert.equal(d.version, null);
      assert.equal(d.published_by, null);
      assert.equal(d.area.code, '110101');
    }
    const d = await assertDraftOfRanking('admin', 'streets', `period=${month}`);
    assert.equal(d.area, null, 'the admin ranks everything');
    // The default rules: red A within the top 3, black D-E within the
    // bottom 3, no overdue threshold.
    assert.deepEqual(d.rules, {
      red: { grades: 'A', top: 3, match: 'all' },
      black: { grades: 'DE', bottom: 3, match: 'all', overdue_above: null },
    });
  });

  test('a street\'s leader drafts its own street, not another', async () => {
    const d = await assertDraftOfRanking('leader_a', 'grids', `period=${month}`);
    assert.equal(d.area.code, STREET_A);
    for (const e of [...d.red, ...d.black]) assert.ok(e.code.startsWith(STREET_A), e.code);
    assertError(await api('leader_a').get(`/api/v1/honours/draft?kind=grids&period=${month}&area=${STREET_B}`),
      404, 'not_found', 'area');
  });

  test('others may not draft: 403 (a department\'s leader too), 401 without a login', async () => {
    for (const who of ['inspector', 'receptionist', 'shift_leader', 'dispatcher', 'handler', 'leader_hw']) {
      const r = await api(who).get(`/api/v1/honours/draft?kind=streets&period=${month}`);
      assertError(r, 403, 'forbidden');
    }
    assert.equal((await anonymous().get(`/api/v1/honours/draft?kind=streets&period=${month}`)).status, 401);
  });

  test('400 naming kind, period and area', async () => {
    await assertInvalidQueries(api('leader'), '/api/v1/honours/draft', [
      [`kind=people&period=${month}`, 'kind'],
      ['period=2026-11', 'kind'],
      ['kind=streets&period=2026-13', 'period'],
      ['kind=streets', 'period'],
      ['kind=streets&period=2026-11&area=12x', 'area'],
    ]);
  });
});

describe('publication and history', () => {
  const auditCount = () => Number(sql(ws.db, "SELECT COUNT(*) FROM audit_event WHERE action = 'honours.publish'"));

  test('the leader publishes: 201, version 1 then 2, audited, immutable, all in the history', async () => {
    const before = auditCount();
    const r1 = await api('leader').post('/api/v1/honours', { kind: 'streets', period: month, comment: '本月街道红黑榜' });
    assert.equal(r1.status, 201, r1.text);
    assert.equal(r1.json.version, 1);
    assert.equal(r1.json.comment, '本月街道红黑榜');
    assert.equal(r1.json.published_by, 'leader');
    assert.match(r1.json.published_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    const d = await draft('leader', `kind=streets&period=${month}`);
    assert.deepEqual(r1.json.red, d.red);
    assert.deepEqual(r1.json.black, d.black);
    const r2 = await api('leader').post('/api/v1/honours', { kind: 'streets', period: month });
    assert.equal(r2.status, 201, r2.text);
    assert.equal(r2.json.version, 2);
    assert.equal(r2.json.comment, null);
    assert.equal(auditCount(), before + 2);
    const detail = JSON.parse(sql(ws.db,
      "SELECT detail FROM audit_event WHERE action = 'honours.publish' ORDER BY id DESC LIMIT 1"));
    assert.deepEqual(detail, { id: r2.json.id, kind: 'streets', period: month, area: '110101', version: 2 });
    // Immutable in the database itself.
    assert.throws(() => sql(ws.db, `UPDATE honours_list SET comment = 'x' WHERE id = ${r1.json.id}`), /immutable/);
    assert.throws(() => sql(ws.db, `DELETE FROM honours_list WHERE id = ${r1.json.id}`), /immutable/);
    const h = await api('inspector').get(`/api/v1/honours?kind=streets&period=${month}`);
    assert.equal(h.status, 200, h.text);
    assert.deepEqual(h.json.lists.map((l) => l.version), [2, 1], 'newest first');
    assert.equal(h.json.lists[1].comment, '本月街道红黑榜');
    const latest = await api('inspector').get(`/api/v1/honours?kind=streets&period=${month}&latest=1`);
    assert.deepEqual(latest.json.lists.map((l) => l.version), [2]);
  });

  test('the admin publishes for a street; a street\'s leader for its own street only', async () => {
    const r = await api('admin').post('/api/v1/honours', { kind: 'communities', period: month, area: STREET_A });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.area.code, STREET_A);
    assert.equal(r.json.version, 1);
    const own = await api('leader_a').post('/api/v1/honours', { kind: 'communities', period: month });
    assert.equal(own.status, 201, own.text);
    assert.equal(own.json.area.code, STREET_A);
    assert.equal(own.json.version, 2, 'the same list (kind, period, area): its next version');
    assertError(await api('leader_a').post('/api/v1/honours', { kind: 'communities', period: month, area: STREET_B }),
      404, 'not_found', 'area');
  });

  test('others may not publish: 403, 401; nothing written', async () => {
    const count = () => Number(sql(ws.db, 'SELECT COUNT(*) FROM honours_list'));
    const n = count();
    for (const who of ['inspector', 'receptionist', 'shift_leader', 'dispatcher', 'handler', 'leader_hw']) {
      assertError(await api(who).post('/api/v1/honours', { kind: 'streets', period: month }), 403, 'forbidden');
    }
    assert.equal((await anonymous().post('/api/v1/honours', { kind: 'streets', period: month })).status, 401);
    assert.equal(count(), n);
  });

  test('400 naming kind, period, comment; nothing written', async () => {
    const count = () => Number(sql(ws.db, 'SELECT COUNT(*) FROM honours_list'));
    const n = count();
    assertError(await api('leader').post('/api/v1/honours', { kind: 'people', period: month }), 400, 'invalid', 'kind');
    assertError(await api('leader').post('/api/v1/honours', { period: month }), 400, 'invalid', 'kind');
    assertError(await api('leader').post('/api/v1/honours', { kind: 'streets', period: '2026-W54' }), 400, 'invalid', 'period');
    assertError(await api('leader').post('/api/v1/honours', { kind: 'streets' }), 400, 'invalid', 'period');
    assertError(await api('leader').post('/api/v1/honours', { kind: 'streets', period: month, comment: '长'.repeat(501) }),
      400, 'invalid', 'comment');
    assertError(await api('leader').post('/api/v1/honours', { kind: 'streets', period: month, colour: 'red' }),
      400, 'invalid', 'colour');
    assertError(await api('leader').get('/api/v1/honours?kind=people'), 400, 'invalid', 'kind');
    assertError(await api('leader').get('/api/v1/honours?period=2026-02-30'), 400, 'invalid', 'period');
    assertError(await api('leader').get('/api/v1/honours?latest=yes'), 400, 'invalid', 'latest');
    assert.equal(count(), n);
  });

  test('a list of posts is the staff\'s: seen inside its area, never by the public', async () => {
    const r = await api('leader').post('/api/v1/honours', { kind: 'inspectors', period: month, comment: '监督员' });
    assert.equal(r.status, 201, r.text);
    const seen = async (who) => (await api(who).get('/api/v1/honours?kind=inspectors')).json.lists.length;
    assert.equal(await seen('leader'), 1);
    assert.equal(await seen('admin'), 1);
    assert.equal(await seen('dispatcher'), 1, 'the district\'s dispatcher: the district\'s list');
    assert.equal(await seen('inspector'), 0, 'a street\'s inspector does not see the district\'s list of people');
    assert.equal(await seen('handler'), 0, 'a department sees no list of people');
    // Lists of units are read by every one of the staff (the public reads them).
    assert.ok((await api('handler').get('/api/v1/honours?kind=streets')).json.lists.length >= 2);
  });
});

describe('the public read', () => {
  test('the last version of each list of units, without anyone of the staff named', async () => {
    const r = await anonymous().get('/public/api/honours');
    assert.equal(r.status, 200, r.text);
    const lists = r.json.lists;
    assert.ok(lists.length >= 2);
    const kinds = new Set(lists.map((l) => l.kind));
    assert.ok(kinds.has('streets') && kinds.has('communities'));
    assert.ok(!kinds.has('inspectors'), 'no list of posts');
    // One per (kind, period, area): the last version.
    const streets = lists.filter((l) => l.kind === 'streets');
    assert.deepEqual(streets.map((l) => l.version), [2]);
    for (const l of lists) {
      assert.equal(l.published_by, undefined);
      assert.ok(['departments', 'grids', 'communities', 'streets', 'districts'].includes(l.kind));
      for (const e of [...l.red, ...l.black]) assert.match(e.code, /^(\d{6,15}|\d{6}-\w+)$/, e.code);
    }
    // No username and no person's name appears anywhere in the answer.
    for (const a of demo.accounts) {
      assert.ok(!r.text.includes(`"${a.username}"`), a.username);
    }
    for (const name of ['王监督', '赵领导', '孙街道', '系统管理员']) assert.ok(!r.text.includes(name), name);
  });
});

describe('the rules are the scheme\'s', () => {
  test('bad rules: 400 naming the field; a new version draws by its own rules', async () => {
    const put = (body) => api('admin').request('PUT', '/api/v1/assessment/scheme', { body });
    assertError(await put({ honours: { red: { grades: 'A', top: -1, match: 'all' } } }), 400, 'invalid', 'honours.red.top');
    assertError(await put({ honours: { red: { grades: 'AX', top: 1, match: 'all' } } }), 400, 'invalid', 'honours.red.grades');
    assertError(await put({ honours: { black: { grades: 'E', bottom: 1, match: 'some' } } }), 400, 'invalid', 'honours.black.match');
    assertError(await put({ honours: { black: { grades: 'E', bottom: 1, match: 'any', overdue_above: -2 } } }),
      400, 'invalid', 'honours.black.overdue_above');
    assertError(await put({ honours: { green: {} } }), 400, 'invalid', 'honours.green');
    // In force a second from now: the current year ends after it.
    const effective = new Date(Date.now() + 1500 + 8 * 3600e3).toISOString().slice(0, 19) + '+08:00';
    const rules = {
      red: { grades: '', top: 1, match: 'any' },
      black: { grades: 'E', bottom: 1, match: 'any', overdue_above: 0 },
    };
    const r = await put({ honours: rules, effective });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.honours, rules);
    await new Promise((res) => setTimeout(res, 1600));
    const year = month.slice(0, 4);
    const d = await assertDraftOfRanking('leader', 'departments', `period=${year}`);
    assert.equal(d.scheme_version, r.json.version);
    assert.deepEqual(d.rules, rules);
    assert.ok(d.red.length >= 1, 'the top one');
    // The month before keeps the defaults (its scheme: version 0).
    const old = await draft('leader', `kind=departments&period=${month}`);
    assert.equal(old.scheme_version, 0);
  });
});

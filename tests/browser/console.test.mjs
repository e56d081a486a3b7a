// console.test.mjs - the staff console in a real browser (headless
// chromium) against the real binary with a fresh demo city:
//
// - a hotline report taken by the receptionist, filed by the shift
//   leader, dispatched by the dispatcher, handled with a photo by the
//   handler and closed by the shift leader - the desk steps through the
//   UI only, each in its own browser context (verification and the check
//   on site are the inspector's, through the API until the phone pages
//   exist);
// - for each role, the buttons a case page shows in each state are the
//   actions the workflow table (GET /api/v1/workflow) gives that role in
//   that state, minus those a guard rules out - generated from the
//   table, not listed here;
// - someone else acting first (409): the page reloads the case, says
//   what changed, and keeps what was typed;
// - an admin adds a department, a security admin a user who then logs in
//   and must change the password first;
// - the login form: a wrong password, the lock-out's wait, keyboard only;
// - the language switch, and both catalogues complete;
// - on every page: no console error, no request off loopback.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';

import gcoord from 'gcoord';

import { emptyDemoDb } from '../http/lib/cases.mjs';
import {
  Client, ROOT, sql, startServer, workspace,
} from '../http/lib/server.mjs';
import {
  DESKTOP, actAs, assertClean, caseAs, catalogueKeys, demoSuite, logIn, openPage, pngImage, screenshot,
} from './lib/browser.mjs';

const suite = demoSuite({
  roles: ['inspector', 'receptionist', 'shift_leader', 'dispatcher', 'handler', 'leader',
    'admin', 'security_admin', 'auditor'],
});
const { ws, token, as: api } = suite;

// A point inside the demo's first street (110101001).
const STREET = '110101001';
const POINT = { lon: 116.417, lat: 39.9625 };

// ---- helpers ---------------------------------------------------------------

// A fresh context at desk size, logged in as `who` through the form.
async function desk(who, password = suite.demo.passwords[who], { srv = suite.server } = {}) {
  const rec = await openPage(suite.browser, { viewport: DESKTOP });
  return logIn(rec, srv.url('/console/'), who, password, '#me');
}

async function closeClean(rec, opts) {
  try {
    assertClean(rec, opts);
  } finally {
    await rec.context.close();
  }
}

const actApi = (who, c, action, body) => actAs(api(who), c, action, body);
const getCase = (id) => caseAs(api('admin'), id);

// Open a case page and wait for it to be drawn.
async function openCase(page, id) {
  await page.goto(suite.server.url(`/console/#/case/${id}`));
  await page.locator('h1', { hasText: /案件 \d{13}|Case \d{13}/ }).waitFor();
}

const shownActions = (page) => page.locator('.actions button').evaluateAll(
  (bs) => bs.map((b) => b.dataset.action));

// ---- the whole path through the desks ---------------------------------------

describe('a hotline report through the desks', () => {
  let number;
  let id;

  test('the receptionist takes the call', async () => {
    const rec = await desk('receptionist');
    const { page } = rec;
    await page.getByRole('link', { name: '受理登记' }).click();
    await page.locator('#in-category').fill('06010 暴露垃圾');
    await page.locator('#in-description').fill('控制台测试：东华门大街路边有一堆暴露垃圾');
    await page.locator('#in-source').selectOption('hotline');
    await page.locator('#in-area').selectOption(STREET);
    await page.locator('#in-address').fill('东华门大街 12 号');
    await page.locator('#in-reporter_name').fill('王先生');
    await page.locator('#in-reporter_phone').fill('13812345678');
    await screenshot(page, 'console-intake');
    await page.getByRole('button', { name: '登记' }).click();
    const done = page.locator('#created-h');
    await done.waitFor();
    number = (await done.textContent()).match(/\d{13}/)[0];
    const found = await api('admin').get(`/api/v1/cases?q=${number}`);
    id = found.json.cases[0].id;
    const c = await getCase(id);
    assert.equal(c.source, 'hotline');
    assert.equal(c.category, '06010');
    assert.equal(c.street, STREET);
    assert.equal(c.reporter.name, '王先生');
    // The call must be verified on site: the receptionist sends the
    // street's inspector (核实派遣) from the case page.
    await page.getByRole('link', { name: '打开案件' }).click();
    await page.locator('h1', { hasText: number }).waitFor();
    await page.locator('.actions button[data-action="verify-assign"]').click();
    await page.locator('#act-inspector').selectOption('inspector');
    await page.locator('form[data-action="verify-assign"] button[type="submit"]').click();
    await page.locator('.banner.ok', { hasText: '核实派遣' }).waitFor();
    const sent = await getCase(id);
    assert.equal(sent.assignee, 'inspector');
    assert.equal(sent.stage, 'verify');
    await closeClean(rec);
    // Verified on site by that inspector (phone pages: issue 14).
    await actApi('inspector', sent, 'verify');
  });

  test('the shift leader files it from the filing queue', async () => {
    const rec = await desk('shift_leader');
    const { page } = rec;
    await page.getByRole('link', { name: '立案队列' }).click();
    await page.getByRole('link', { name: number }).click();
    await page.locator('h1', { hasText: number }).waitFor();
    assert.deepEqual(await shownActions(page), ['file', 'reject', 'void', 'merge']);
    await page.locator('.actions button[data-action="file"]').click();
    await page.locator('form[data-action="file"] button[type="submit"]').click();
    await page.locator('.banner.ok', { hasText: '已立案' }).waitFor();
    assert.equal((await getCase(id)).state, 'filed');
    await closeClean(rec);
  });

  test('the dispatcher dispatches it with the suggestion pre-selected', async () => {
    const rec = await desk('dispatcher');
    const { page } = rec;
    await page.getByRole('link', { name: '派遣队列' }).click();
    const select = page.locator(`select[name="department-${id}"]`);
    await select.waitFor();
    const c = await getCase(id);
    assert.ok(c.dispatch_suggestion.department, JSON.stringify(c.dispatch_suggestion));
    assert.equal(await select.inputValue(), c.dispatch_suggestion.department);
    // Each department is offered with its load.
    assert.match(await select.locator('option:checked').textContent(), /在办 \d+/);
    await screenshot(page, 'console-dispatch');
    await page.getByRole('checkbox', { name: `选择案件 ${number}` }).check();
    await page.getByRole('button', { name: '派遣所选案件' }).click();
    await page.locator('.queue-status.ok').waitFor();
    const after = await getCase(id);
    assert.equal(after.state, 'dispatched');
    assert.equal(after.department, c.dispatch_suggestion.department);
    await closeClean(rec);
  });

  test('the handler handles it with an after-photo', async () => {
    const c = await getCase(id);
    assert.equal(c.department, '110101-HW', 'the demo handler is of 110101-HW');
    const rec = await desk('handler');
    const { page } = rec;
    await page.getByRole('link', { name: '本部门待办' }).click();
    await page.getByRole('link', { name: number }).click();
    await page.locator('h1', { hasText: number }).waitFor();
    assert.deepEqual(await shownActions(page), ['return', 'handle', 'extend-request']);
    await page.locator('.actions button[data-action="handle"]').click();
    await page.locator('#act-note').fill('已清运完毕');
    await page.locator('#act-photos').setInputFiles({
      name: 'after.png', mimeType: 'image/png', buffer: pngImage(32, 24, [40, 160, 60]),
    });
    await page.locator('form[data-action="handle"] button[type="submit"]').click();
    await page.locator('.banner.ok').waitFor();
    const after = await getCase(id);
    assert.equal(after.state, 'handled');
    assert.equal(after.photos.handle.length, 1);
    // The photo shows on the page, beside the (empty) report column.
    await page.locator('.photo-kind img').first().waitFor();
    assert.equal(await page.locator('.photo-kind img').evaluate((img) => img.naturalWidth), 32);
    await screenshot(page, 'console-case-handled');
    await closeClean(rec);
    await actApi('inspector', after, 'check', { passed: true });
  });

  test('the shift leader closes it from the closing queue', async () => {
    const rec = await desk('shift_leader');
    const { page } = rec;
    await page.getByRole('link', { name: '结案队列' }).click();
    await page.getByRole('link', { name: number }).click();
    await page.locator('h1', { hasText: number }).waitFor();
    await page.locator('.actions button[data-action="close"]').click();
    await page.locator('form[data-action="close"] button[type="submit"]').click();
    await page.locator('.banner.ok').waitFor();
    const c = await getCase(id);
    assert.equal(c.state, 'closed');
    assert.deepEqual(c.history.map((e) => e.action),
      ['report', 'verify-assign', 'verify', 'file', 'dispatch', 'handle', 'check', 'close']);
    await closeClean(rec);
  });
});

// ---- buttons from the workflow table -------------------------------------------

describe('the buttons of a case page', () => {
  // A case of the demo's first street in each state, made through the API:
  // the inspector's own report (filed without verification), dispatched
  // to the demo handler's department, no extension pending.
  async function caseIn(state) {
    let c = (await api('inspector').post('/api/v1/cases', {
      category: '06010', description: `按钮测试 ${state}`, source: 'inspector', urgency: 'normal', ...POINT,
    })).json;
    const path = {
      reported: [], verified: null, filed: [['shift_leader', 'file']],
      rejected: [['shift_leader', 'reject', { reason: '不属实' }]],
      void: [['shift_leader', 'void', { reason: '重复' }]],
      dispatched: [['shift_leader', 'file'], ['dispatcher', 'dispatch', { department: '110101-HW' }]],
      returned: [['shift_leader', 'file'], ['dispatcher', 'dispatch', { department: '110101-HW' }],
        ['handler', 'return', { reason: '非本单位' }]],
      hung: [['shift_leader', 'file'], ['dispatcher', 'dispatch', { department: '110101-HW' }],
        ['shift_leader', 'hang', { reason: '需立项' }]],
      handled: [['shift_leader', 'file'], ['dispatcher', 'dispatch', { department: '110101-HW' }],
        ['handler', 'handle', { note: '已处理' }]],
      checked: [['shift_leader', 'file'], ['dispatcher', 'dispatch', { department: '110101-HW' }],
        ['handler', 'handle', { note: '已处理' }], ['inspector', 'check', { passed: true }]],
      closed: [['shift_leader', 'file'], ['dispatcher', 'dispatch', { department: '110101-HW' }],
        ['handler', 'handle', { note: '已处理' }], ['inspector', 'check', { passed: true }],
        ['shift_leader', 'close']],
    }[state];
    if (state === 'verified') {
      c = (await api('receptionist').post('/api/v1/cases', {
        category: '06010', description: '按钮测试 verified', source: 'hotline', urgency: 'normal',
        area: STREET, ...POINT,
      })).json;
      return actApi('inspector', c, 'verify');
    }
    if (state === 'merged') {
      const target = c;
      const dup = (await api('inspector').post('/api/v1/cases', {
        category: '06010', description: '按钮测试 merged', source: 'inspector', urgency: 'normal', ...POINT,
      })).json;
      return actApi('receptionist', dup, 'merge', { target: target.id });
    }
    for (const [who, action, body] of path) c = await actApi(who, c, action, body);
    return c;
  }

  // What the table gives `role` on a case in `state`, less what a guard
  // rules out for these cases: extend-approve/deny need a pending request
  // (there is none); verify-assign and unfounded, a report to verify (an
  // inspector's own needs none); callback, a reporter to call; the handler sees only cases dispatched to its
  // department (none in the states before dispatch, nor once returned).
  function expected(table, role, c) {
    const handlerSees = c.department === '110101-HW';
    if (role === 'handler' && !handlerSees) return null; // the page says "not found"
    return table.actions
      .filter((a) => a.roles.includes(role) && a.from.includes(c.state))
      .filter((a) => !['extend-approve', 'extend-deny'].includes(a.action))
      // an inspector's own report needs no verification on site (nor can
      // it be found 不属实 there)
      .filter((a) => !(['verify-assign', 'unfounded'].includes(a.action) && c.source === 'inspector'))
      // a callback needs a reporter's phone to ring and no rating yet
      .filter((a) => !(a.action === 'callback' && (!c.reporter.phone || c.rating)))
      .map((a) => a.action);
  }

  test('for each role in each state: exactly the actions the workflow table allows', async () => {
    const table = (await api('admin').get('/api/v1/workflow')).json;
    const states = table.states.map((s) => s.state);
    const cases = {};
    for (const s of states) cases[s] = await caseIn(s);
    for (const s of states) assert.equal(cases[s].state, s);
    const roles = ['inspector', 'receptionist', 'shift_leader', 'dispatcher', 'handler', 'leader', 'admin'];
    const wrong = [];
    for (const role of roles) {
      const rec = await desk(role);
      for (const s of states) {
        const want = expected(table, role, cases[s]);
        await rec.page.goto(suite.server.url(`/console/#/case/${cases[s].id}`));
        if (want === null) {
          await rec.page.locator('.banner.error').waitFor();
          continue;
        }
        await rec.page.locator('h1', { hasText: cases[s].number }).waitFor();
        const got = await shownActions(rec.page);
        if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${role} on ${s}: shown ${got}, table ${want}`);
      }
      await closeClean(rec, { statuses: [404] });
    }
    assert.deepEqual(wrong, []);
  });
});

// ---- live -----------------------------------------------------------------------

test('live: a dispatch made elsewhere appears in the handler\'s worklist within 2 s, with a notice', async () => {
  let c = (await api('inspector').post('/api/v1/cases', {
    category: '06010', description: '实时测试', source: 'inspector', urgency: 'normal', ...POINT,
  })).json;
  c = await actApi('shift_leader', c, 'file');
  const rec = await desk('handler');
  const { page } = rec;
  await page.getByRole('link', { name: '本部门待办' }).click();
  await page.locator('h1', { hasText: '本部门待办' }).waitFor();
  assert.equal(await page.getByRole('link', { name: c.number }).count(), 0);
  // The stream is open (its answer has begun) before the change is made.
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/events') && r.status() === 200),
    page.reload(),
  ]);
  await page.locator('h1', { hasText: '本部门待办' }).waitFor();
  c = await actApi('dispatcher', c, 'dispatch', { department: '110101-HW' });
  const t0 = Date.now();
  await page.getByRole('link', { name: c.number }).first().waitFor({ timeout: 2000 });
  const took = Date.now() - t0;
  await page.locator('#notices li', { hasText: `新派遣案件 ${c.number}` }).waitFor({ timeout: 2000 });
  // The case page follows too: a change by someone else redraws it.
  await openCase(page, c.id);
  await actApi('leader', c, 'supervise', { note: '加快处理' });
  await page.locator('.banner.ok', { hasText: 'leader' }).waitFor({ timeout: 2000 });
  assert.match(await page.locator('dl.facts').textContent(), /1 级/);
  await closeClean(rec);
  assert.ok(took < 2000, `${took} ms`);
});

// ---- the intake's point and duplicates -------------------------------------------

// Click map `sel` at (lon, lat): the view is put there first.
async function clickMapAt(page, sel, lon, lat) {
  const at = await page.locator(sel).evaluate(async (box, [lo, la]) => {
    const map = box.leafletMap;
    await new Promise((resolve) => { map.once('moveend', resolve); map.setView([la, lo], 18, { animate: false }); });
    const p = map.latLngToContainerPoint([la, lo]);
    const r = box.getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, [lon, lat]);
  await page.mouse.click(at.x, at.y);
}

test('intake: the point picked on the map, the likely duplicates said before sending, merged in one click', async () => {
  const spot = { lon: POINT.lon + 0.001, lat: POINT.lat - 0.0005 };
  const earlier = (await api('inspector').post('/api/v1/cases', {
    category: '06010', description: '重复测试 先报', source: 'inspector', urgency: 'normal', ...spot,
  })).json;
  const rec = await desk('receptionist');
  const { page } = rec;
  await page.getByRole('link', { name: '受理登记' }).click();
  await page.locator('#in-point').waitFor();
  await page.waitForFunction(() => document.querySelector('#in-point')?.leafletMap);
  await page.locator('#in-category').fill('06010 暴露垃圾');
  await page.locator('#in-description').fill('重复测试 来电');
  await page.locator('#in-source').selectOption('hotline');
  await clickMapAt(page, '#in-point', spot.lon, spot.lat);
  await page.locator('#in-point-said', { hasText: '已选位置' }).waitFor();
  await page.locator('#in-category').dispatchEvent('change');
  const warn = page.locator('#in-duplicates .banner', { hasText: '附近已有' });
  await warn.waitFor();
  assert.match(await warn.textContent(), new RegExp(earlier.number));
  await page.getByRole('button', { name: '登记' }).click();
  await page.locator('#created-h').waitFor();
  const number = (await page.locator('#created-h').textContent()).match(/\d{13}/)[0];
  const made = (await api('admin').get(`/api/v1/cases?q=${number}`)).json.cases[0];
  assert.ok(Math.abs(made.location.lon - spot.lon) < 1e-5 && Math.abs(made.location.lat - spot.lat) < 1e-5);
  assert.equal(made.grid !== null, true, 'placed on its grid');
  await page.locator('.duplicates li', { hasText: earlier.number }).getByRole('button', { name: '并入此案件' }).click();
  await page.locator('.banner.ok', { hasText: `${number} 已并入 ${earlier.number}` }).waitFor();
  assert.equal((await getCase(made.id)).state, 'merged');
  // The case page shows where it is.
  await openCase(page, earlier.id);
  await page.waitForFunction(() => document.querySelector('.map.small')?.leafletMap);
  await closeClean(rec);
});

// ---- the map ------------------------------------------------------------------

test('the map draws the cases the dispatcher sees, grids under them; a click opens a case', async () => {
  await api('inspector').post('/api/v1/cases', {
    category: '06010', description: '地图测试', source: 'inspector', urgency: 'normal', lon: POINT.lon + 0.002, lat: POINT.lat,
  });
  const points = (await api('dispatcher').get(
    '/api/v1/cases/points?state=reported,verified,filed,dispatched,returned,hung,handled,checked')).json.points;
  assert.ok(points.length > 0, 'no located open case');
  const rec = await desk('dispatcher');
  const { page } = rec;
  await page.getByRole('link', { name: '案件地图' }).click();
  await page.locator('[role=status]', { hasText: `图上 ${points.length} 件` }).waitFor();
  // The grids are tiles the server draws (no base map): loaded, 256 px,
  // in their pane above the base map's and below the points.
  await page.waitForFunction(() => document.querySelector('.map canvas'));
  await page.waitForFunction(() => [...document.querySelectorAll('.map .leaflet-grids-pane img')]
    .some((img) => img.src.includes('/api/v1/grids/tiles/') && img.complete && img.naturalWidth === 256));
  const tiles = await page.locator('.map .leaflet-grids-pane img').evaluateAll(
    (imgs) => imgs.filter((i) => i.complete).map((i) => [new URL(i.src).pathname, i.naturalWidth]));
  assert.ok(tiles.length > 0 && tiles.every(([path, w]) => /^\/api\/v1\/grids\/tiles\/\d+\/\d+\/\d+\.png$/.test(path)
    && w === 256), JSON.stringify(tiles));
  // The cases were found on the map: no GeoJSON of the grids per view.
  assert.ok(!rec.requests.some((u) => u.includes('/api/v1/grids?')), 'grids asked for as GeoJSON');
  await page.waitForTimeout(300); // every tile in, for the picture
  await screenshot(page, 'console-map');
  // Zoom onto one case: its own point, not a cluster; click it.
  const [id, lon, lat] = points[points.length - 1];
  const at = await page.locator('.map').evaluate(async (box, [la, lo]) => {
    const map = box.leafletMap;
    await new Promise((resolve) => { map.once('moveend', resolve); map.setView([la, lo], 19, { animate: false }); });
    const p = map.latLngToContainerPoint([la, lo]);
    const r = box.getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, [lat, lon]);
  await page.mouse.click(at.x, at.y);
  await page.locator('h1', { hasText: /案件 \d{13}/ }).waitFor();
  assert.equal(await page.evaluate(() => window.location.hash), `#/case/${id}`);
  await closeClean(rec);
});

// ---- an intranet base map ------------------------------------------------------

test('serve --tiles: the maps draw the tile server\'s pictures; over GCJ-02 tiles the points are shifted to match', async () => {
  // A tile server on loopback: every tile the same small PNG.
  const png = pngImage(256, 256, [220, 225, 220]);
  const asked = [];
  const tileServer = http.createServer((req, res) => {
    asked.push(req.url);
    res.writeHead(200, { 'Content-Type': 'image/png' });
    res.end(png);
  });
  await new Promise((resolve) => tileServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${tileServer.address().port}/t/{z}/{x}/{y}.png`;
  const own = await startServer(ws.db, ['--tiles', url, '--tiles-crs', 'gcj02']);
  const c = (await new Client(own, { bearer: token.inspector }).post('/api/v1/cases', {
    category: '06010', description: '底图测试', source: 'inspector', urgency: 'normal', ...POINT,
  })).json;
  let rec;
  try {
    rec = await desk('dispatcher', suite.demo.passwords.dispatcher, { srv: own });
    const { page } = rec;
    await page.goto(own.url(`/console/#/case/${c.id}`));
    await page.waitForFunction(() => document.querySelector('.map.small')?.leafletMap);
    for (let i = 0; i < 100 && !asked.length; i++) await page.waitForTimeout(50);
    assert.ok(asked.some((u) => /^\/t\/17\/\d+\/\d+\.png$/.test(u)), `tiles asked: ${asked}`);
    // The grids' tiles drawn for GCJ-02 too, in the pane above the base map's.
    await page.waitForFunction(() => [...document.querySelectorAll('.map.small .leaflet-grids-pane img')]
      .some((img) => img.src.includes('/api/v1/grids/tiles/17/') && img.src.endsWith('.png?crs=gcj02')
        && img.complete && img.naturalWidth === 256));
    // The case's point is drawn where GCJ-02 tiles show its WGS84 place.
    const drawn = await page.locator('.map.small').evaluate((box) => {
      let ll = null;
      box.leafletMap.eachLayer((l) => { if (l.getRadius?.() === 8) ll = l.getLatLng(); });
      return ll;
    });
    const [lon, lat] = gcoord.transform([POINT.lon, POINT.lat], gcoord.WGS84, gcoord.GCJ02);
    assert.ok(Math.abs(drawn.lng - lon) < 1e-7 && Math.abs(drawn.lat - lat) < 1e-7, JSON.stringify(drawn));
    assert.ok(Math.abs(drawn.lng - POINT.lon) > 0.001, 'shifted from WGS84');
    assertClean(rec);
  } finally {
    await rec?.context.close();
    await own.stop();
    tileServer.close();
  }
});

// ---- someone else first -----------------------------------------------------

test('409: the case is reloaded, the change said, what was typed kept', async () => {
  let c = (await api('inspector').post('/api/v1/cases', {
    category: '06010', description: '冲突测试', source: 'inspector', urgency: 'normal', ...POINT,
  })).json;
  const rec = await desk('shift_leader');
  const { page } = rec;
  await openCase(page, c.id);
  await page.locator('.actions button[data-action="void"]').click();
  await page.locator('#act-reason').fill('与另一案件重复，作废');
  // Meanwhile the receptionist files it.
  c = await actApi('receptionist', c, 'file');
  await page.locator('form[data-action="void"] button[type="submit"]').click();
  const said = page.locator('.banner.error[role="alert"]', { hasText: '其他人已先处理' });
  await said.waitFor();
  assert.match(await said.textContent(), /上报 → 已立案/);
  assert.match(await said.textContent(), /receptionist/);
  // Void is still open from "filed": the form is back with the reason.
  assert.equal(await page.locator('#act-reason').inputValue(), '与另一案件重复，作废');
  assert.equal((await getCase(c.id)).state, 'filed');
  await closeClean(rec, { statuses: [409] });
});

// ---- administering ----------------------------------------------------------

test('an admin adds a department; a security admin a user, who must change the password', async () => {
  const admin = await desk('admin');
  await admin.page.getByRole('link', { name: '部门管理' }).click();
  await admin.page.locator('#dep-code').fill('110101-GS');
  await admin.page.locator('#dep-name').fill('东城区古树管理站');
  await admin.page.locator('#dep-kind').selectOption('professional');
  await admin.page.locator('#dep-type').selectOption('landscaping');
  await admin.page.locator('#dep-areas').fill('110101001, 110101002');
  await admin.page.getByRole('button', { name: '新增部门' }).click();
  await admin.page.locator('td', { hasText: '110101-GS' }).waitFor();
  const dep = (await api('admin').get('/api/v1/departments')).json.departments.find((d) => d.code === '110101-GS');
  assert.deepEqual(dep.areas, ['110101001', '110101002']);
  // A refusal lands next to its field: the code is taken now.
  await admin.page.locator('#dep-code').fill('110101-GS');
  await admin.page.locator('#dep-name').fill('重复');
  await admin.page.locator('#dep-areas').fill('110101001');
  await admin.page.getByRole('button', { name: '新增部门' }).click();
  await admin.page.locator('#dep-code-error').waitFor({ state: 'visible' });
  // A routing rule to it, then gone again; the department disabled.
  await admin.page.getByRole('link', { name: '派遣规则' }).click();
  await admin.page.locator('#r-category').fill('06010');
  await admin.page.locator('#r-area').fill('110101001');
  await admin.page.locator('#r-department').selectOption('110101-GS');
  await admin.page.getByRole('button', { name: '新增派遣规则' }).click();
  const added = admin.page.locator('.banner.ok', { hasText: '已新增规则' });
  await added.waitFor();
  const ruleId = Number((await added.textContent()).match(/规则 (\d+)/)[1]);
  const rule = (await api('admin').get('/api/v1/routing-rules')).json.rules.find((r) => r.id === ruleId);
  assert.deepEqual([rule.category, rule.area, rule.department], ['06010', '110101001', '110101-GS']);
  await admin.page.getByRole('button', { name: `删除规则 ${ruleId}` }).click();
  await admin.page.locator('.banner.ok', { hasText: `规则 ${ruleId} 已删除` }).waitFor();
  assert.equal((await api('admin').get('/api/v1/routing-rules')).json.rules.some((r) => r.id === ruleId), false);
  await admin.page.getByRole('link', { name: '部门管理' }).click();
  await admin.page.getByRole('button', { name: '停用 东城区古树管理站' }).click();
  await admin.page.locator('.banner.ok', { hasText: '已停用 东城区古树管理站' }).waitFor();
  assert.equal((await api('admin').get('/api/v1/departments')).json.departments
    .find((d) => d.code === '110101-GS').disabled, true);
  // A standard edited into a new version; a bad limit refused beside its
  // cell; a local category.
  const before = (await api('admin').get('/api/v1/categories/06036/standard')).json;
  await admin.page.getByRole('link', { name: '立案结案标准' }).click();
  await admin.page.locator('#s-pick').fill('06036');
  await admin.page.getByRole('button', { name: '打开' }).click();
  const cell = admin.page.locator('input[name="limits.normal.handle"]');
  await cell.waitFor();
  await cell.fill('3wd');
  await admin.page.getByRole('button', { name: '保存为新版本' }).click();
  await admin.page.locator('.banner.ok', { hasText: `第 ${before.version + 1} 版` }).waitFor();
  const after = (await api('admin').get('/api/v1/categories/06036/standard')).json;
  assert.equal(after.version, before.version + 1);
  assert.deepEqual(after.limits.normal.handle, { amount: 3, unit: 'wd' });
  assert.deepEqual(after.limits.urgent, before.limits.urgent);
  await admin.page.locator('input[name="limits.urgent.check"]').fill('5x');
  await admin.page.getByRole('button', { name: '保存为新版本' }).click();
  await admin.page.locator('input[name="limits.urgent.check"][aria-invalid="true"]').waitFor();
  assert.equal((await api('admin').get('/api/v1/categories/06036/standard')).json.version, after.version);
  await admin.page.locator('#c-code').fill('06901');
  await admin.page.locator('#c-name').fill('共享单车堆放');
  await admin.page.locator('#c-like').fill('06010');
  await admin.page.getByRole('button', { name: '新增本地类别' }).click();
  await admin.page.locator('.banner.ok', { hasText: '已新增类别 06901' }).waitFor();
  await closeClean(admin, { statuses: [400, 409] });

  const sec = await desk('security_admin');
  await sec.page.getByRole('link', { name: '用户管理' }).click();
  await sec.page.locator('#u-username').fill('zhao');
  await sec.page.locator('#u-display').fill('赵监督');
  await sec.page.locator('#u-role').selectOption('receptionist');
  await sec.page.locator('#u-unit').fill('110101');
  await sec.page.getByRole('button', { name: '新增用户' }).click();
  const made = sec.page.locator('.banner.ok', { hasText: '初始密码' });
  await made.waitFor();
  const first = (await made.textContent()).match(/初始密码：(\S{20})/)[1];
  await closeClean(sec);

  const zhao = await desk('zhao', first);
  await zhao.page.locator('#pw-old').waitFor();
  assert.match(await zhao.page.locator('.banner.info').textContent(), /重置/);
  // Only the password page: no workspaces until it is changed.
  assert.equal(await zhao.page.locator('#workspaces').isHidden(), true);
  await zhao.page.locator('#pw-old').fill(first);
  await zhao.page.locator('#pw-new').fill('Zhao-new-password-1');
  await zhao.page.locator('#pw-again').fill('Zhao-new-password-1');
  await zhao.page.getByRole('button', { name: '保存新密码' }).click();
  await zhao.page.getByRole('link', { name: '受理登记' }).waitFor();
  await closeClean(zhao);
  // The new password works, the first no longer.
  const again = await desk('zhao', 'Zhao-new-password-1');
  await again.page.getByRole('link', { name: '受理登记' }).waitFor();
  await closeClean(again);
});

test('the admin changes a department and a category in the page; a refusal lands beside its field, nothing typed lost', async () => {
  const made = await api('admin').post('/api/v1/departments', {
    code: '110101-QL', name: '东城区桥梁养护所', kind: 'professional', type: 'municipal', areas: ['110101001'],
  });
  assert.equal(made.status, 201, made.text);
  const dep = async () => (await api('admin').get('/api/v1/departments')).json.departments
    .find((d) => d.code === '110101-QL');
  const admin = await desk('admin');
  const { page } = admin;
  await page.getByRole('link', { name: '部门管理' }).click();
  await page.getByRole('button', { name: '修改 东城区桥梁养护所' }).click();
  // The form holds the department as it is.
  assert.equal(await page.locator('#de-code').inputValue(), '110101-QL');
  assert.equal(await page.locator('#de-name').inputValue(), '东城区桥梁养护所');
  assert.equal(await page.locator('#de-type').inputValue(), 'municipal');
  assert.equal(await page.locator('#de-areas').inputValue(), '110101001');
  // An unknown division: said beside the areas; the new name stays typed
  // and nothing is written.
  await page.locator('#de-name').fill('东城区桥梁隧道养护所');
  await page.locator('#de-parent').selectOption('110101-SZ');
  await page.locator('#de-areas').fill('110101001, 110101999');
  await page.getByRole('button', { name: '修改部门', exact: true }).click();
  await page.locator('#de-areas-error', { hasText: '110101999' }).waitFor();
  assert.equal(await page.locator('#de-areas').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#de-name').inputValue(), '东城区桥梁隧道养护所');
  assert.equal(await page.locator('#de-parent').inputValue(), '110101-SZ');
  assert.equal((await dep()).name, '东城区桥梁养护所');
  await page.locator('#de-areas').fill('110101001, 110101002');
  await page.getByRole('button', { name: '修改部门', exact: true }).click();
  await page.locator('.banner.ok', { hasText: '已修改部门：东城区桥梁隧道养护所' }).waitFor();
  const after = await dep();
  assert.equal(after.name, '东城区桥梁隧道养护所');
  assert.equal(after.parent, '110101-SZ');
  assert.equal(after.kind, 'professional');
  assert.deepEqual(after.areas, ['110101001', '110101002']);
  await page.getByRole('cell', { name: '东城区桥梁隧道养护所', exact: true }).waitFor();

  // A local category: renamed, closed to the public, opened again.
  assert.equal((await api('admin').post('/api/v1/categories', { code: '07902', name: '夜市摊点' })).status, 201);
  const category = async () => (await api('admin').get('/api/v1/categories')).json.majors
    .flatMap((m) => m.categories).find((c) => c.code === '07902');
  const service = async () => (await api('admin').get('/open311/v2/services.json')).json
    .find((x) => x.service_code === '07902');
  assert.equal((await service()).service_name, '夜市摊点');
  await page.getByRole('link', { name: '立案结案标准' }).click();
  await page.locator('#s-pick').fill('07902');
  await page.getByRole('button', { name: '打开' }).click();
  await page.locator('h2', { hasText: '类别 07902' }).waitFor();
  assert.equal(await page.locator('#cat-name').inputValue(), '夜市摊点');
  assert.equal(await page.locator('#cat-public').isChecked(), true);
  await page.locator('#cat-public').uncheck();
  await page.locator('#cat-name').fill('');
  await page.getByRole('button', { name: '保存类别' }).click();
  await page.locator('#cat-name-error', { hasText: 'name' }).waitFor();
  assert.equal(await page.locator('#cat-public').isChecked(), false);
  assert.deepEqual([(await category()).name, (await category()).public], ['夜市摊点', true]);
  await page.locator('#cat-name').fill('夜市占道摊点');
  await page.getByRole('button', { name: '保存类别' }).click();
  await page.locator('.banner.ok', { hasText: '已保存类别 07902 夜市占道摊点：仅由工作人员登记' }).waitFor();
  await screenshot(page, 'console-category');
  assert.deepEqual([(await category()).name, (await category()).public], ['夜市占道摊点', false]);
  assert.equal(await service(), undefined, 'a closed class is no Open311 service');
  await page.locator('#cat-public').check();
  await page.getByRole('button', { name: '保存类别' }).click();
  await page.locator('.banner.ok', { hasText: '已保存类别 07902 夜市占道摊点：市民可上报' }).waitFor();
  assert.equal((await service()).service_name, '夜市占道摊点');
  // A national class keeps the standard's name: the field is read only.
  await page.locator('#s-pick').fill('06010');
  await page.getByRole('button', { name: '打开' }).click();
  await page.locator('h2', { hasText: '类别 06010' }).waitFor();
  assert.equal(await page.locator('#cat-name').getAttribute('readonly'), '');
  await closeClean(admin, { statuses: [400] });
});

test('the admin keeps the working calendar: a notice imported, a day by hand, the hours', async () => {
  const rec = await desk('admin');
  const { page } = rec;
  await page.getByRole('link', { name: '工作日历' }).click();
  await page.locator('h1', { hasText: '工作日历' }).waitFor();
  // A notice for next year (the test file is 2027's; this machine's year
  // may be another: its import says which years it makes official).
  await page.locator('#cal-file').setInputFiles(join(ROOT, 'tests/fixtures/calendar/test-2027.ics'));
  await page.getByRole('button', { name: '导入' }).click();
  await page.locator('.banner.ok', { hasText: '正式年份：2027' }).waitFor();
  const s = (await api('admin').get('/api/v1/calendar/settings?from=2027-02-20&to=2027-02-20')).json;
  assert.equal(s.years['2027'], 'official');
  assert.deepEqual(s.days.map((d) => d.kind), ['work']);
  // One day by hand.
  await page.locator('#cal-date').fill('2027-06-12');
  await page.locator('#cal-kind').selectOption('work');
  await page.locator('#cal-note').fill('端午调休');
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await page.locator('.banner.ok', { hasText: '2027-06-12 已保存' }).waitFor();
  const day = (await api('admin').get('/api/v1/calendar/settings?from=2027-06-12&to=2027-06-12')).json.days[0];
  assert.deepEqual([day.kind, day.note, day.source], ['work', '端午调休', 'manual']);
  // A bad hours value is refused beside its field; nothing written.
  await page.locator('#cal-week\\.sat').fill('09:00-25:00');
  await page.getByRole('button', { name: '保存工作时间' }).click();
  await page.locator('#cal-week\\.sat-error').waitFor({ state: 'visible' });
  assert.equal((await api('admin').get('/api/v1/calendar/settings')).json.settings['week.sat'], 'off');
  await page.locator('#cal-week\\.sat').fill('09:00-12:00');
  await page.getByRole('button', { name: '保存工作时间' }).click();
  await page.locator('.banner.ok', { hasText: '工作时间已保存' }).waitFor();
  assert.equal((await api('admin').get('/api/v1/calendar/settings')).json.settings['week.sat'], '09:00-12:00');
  await closeClean(rec, { statuses: [400] });
});

test('the admin checks a grid file, reads the report, then imports it', async () => {
  const community = (await api('admin').get('/api/v1/divisions/110101002')).json.children[0].code;
  const code = `${community}950`;
  const d = 0.001;
  const fc = {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { code }, geometry: { type: 'Polygon', coordinates: [[[116.30, 39.79], [116.30 + d, 39.79], [116.30 + d, 39.79 + d], [116.30, 39.79 + d], [116.30, 39.79]]] } },
      { type: 'Feature', properties: { code: 'x1' }, geometry: { type: 'Polygon', coordinates: [[[116.31, 39.79], [116.311, 39.79], [116.311, 39.791], [116.31, 39.79]]] } },
    ],
  };
  const file = join(ws.dir, 'grids.geojson');
  writeFileSync(file, JSON.stringify(fc));
  const rec = await desk('admin');
  const { page } = rec;
  await page.getByRole('link', { name: '单元网格' }).click();
  await page.locator('h1', { hasText: '单元网格' }).waitFor();
  await page.locator('#g-file').setInputFiles(file);
  await page.getByRole('button', { name: '检查' }).click();
  await page.locator('#import-report .banner', { hasText: '检查结果（尚未导入）' }).waitFor();
  assert.match(await page.locator('#import-report .banner').textContent(), /将新增 1/);
  await page.locator('#import-report td', { hasText: '要素无效' }).waitFor();
  const count = () => api('admin').get(`/api/v1/grids?bbox=116.299,39.789,116.302,39.792`)
    .then((r) => r.json.features.filter((g) => g.properties.code === code).length);
  assert.equal(await count(), 0, 'the check wrote nothing');
  await page.getByRole('button', { name: '导入', exact: true }).click();
  await page.locator('#import-report .banner.ok', { hasText: '已导入：新增 1' }).waitFor();
  assert.equal(await count(), 1);
  // The components census the same way: a bad row reported by its line.
  const census = join(ws.dir, 'census.csv');
  writeFileSync(census, ['code,lon,lat,status', '11010101001999201,116.417,39.9625,完好',
    '11010101999999202,116.417,39.9625,完好', ''].join('\n'));
  await page.getByRole('link', { name: '部件普查' }).click();
  // Both pages have a #g-file: wait for the census page to replace the
  // grids page before choosing its file.
  await page.locator('h1', { hasText: '部件普查' }).waitFor();
  await page.locator('#g-file').setInputFiles(census);
  await page.getByRole('button', { name: '检查' }).click();
  await page.locator('#import-report .banner', { hasText: '检查结果（尚未导入）：2 行' }).waitFor();
  assert.equal(await page.locator('#import-report tbody td').first().textContent(), '3');
  await page.getByRole('button', { name: '导入', exact: true }).click();
  await page.locator('#import-report .banner.ok', { hasText: '已导入：新增 1' }).waitFor();
  const near = (await api('admin').get('/api/v1/locate?lon=116.417&lat=39.9625&class=01001')).json;
  assert.ok(near.components.some((x) => x.code === '11010101001999201'));
  await closeClean(rec);
});

test('the admin cuts a community\'s boundary into grids: checked first, refusals beside their field, then generated', async () => {
  const community = (await api('admin').get('/api/v1/divisions/110101003')).json.children.at(-1).code;
  const live = () => Number(sql(ws.db, `SELECT COUNT(*) FROM grid WHERE community = '${community}' AND deleted = 0`));
  const before = live();
  const [lon, lat] = [116.32, 39.83];
  const box = (k) => ({
    type: 'FeatureCollection',
    features: [{
      type: 'Feature', properties: {},
      geometry: { type: 'Polygon', coordinates: [[[lon, lat], [lon + 0.003 * k, lat], [lon + 0.003 * k, lat + 0.0027 * k], [lon, lat + 0.0027 * k], [lon, lat]]] },
    }],
  });
  const file = join(ws.dir, 'boundary.geojson');
  writeFileSync(file, JSON.stringify(box(1)));
  const empty = join(ws.dir, 'no-boundary.geojson');
  writeFileSync(empty, JSON.stringify({ type: 'FeatureCollection', features: [] }));
  const rec = await desk('admin');
  const { page } = rec;
  await page.getByRole('link', { name: '网格生成' }).click();
  await page.locator('h1', { hasText: '网格生成' }).waitFor();
  // The admin's communities are offered.
  assert.equal(await page.locator(`#g-communities option[value="${community}"]`).count(), 1);
  await page.locator('#g-community').fill(community);
  await page.locator('#g-cell').fill('5');
  await page.locator('#g-file').setInputFiles(file);
  await page.getByRole('button', { name: '检查' }).click();
  await page.locator('#g-cell-error', { hasText: 'cell' }).waitFor();
  assert.equal(await page.locator('#g-community').inputValue(), community, 'nothing typed lost');
  await page.locator('#g-cell').fill('100');
  await page.locator('#g-file').setInputFiles(empty);
  await page.getByRole('button', { name: '检查' }).click();
  await page.locator('#g-file-error', { hasText: 'boundary' }).waitFor();
  await page.locator('#g-file').setInputFiles(file);
  await page.getByRole('button', { name: '检查' }).click();
  const checked = page.locator('#import-report .banner', { hasText: '检查结果（尚未生成）' });
  await checked.waitFor();
  const [, grids, replaced] = (await checked.textContent()).match(/将生成 (\d+) 个网格.*原有的 (\d+) 个网格/);
  assert.equal(Number(replaced), before);
  assert.ok(Number(grids) >= 6, `grids ${grids}`);
  assert.equal(live(), before, 'the check wrote nothing');
  await page.getByRole('button', { name: '生成', exact: true }).click();
  await page.locator('#import-report .banner.ok', { hasText: `已生成 ${grids} 个网格` }).waitFor();
  await screenshot(page, 'console-generate');
  assert.equal(live(), Number(grids));
  const at = (await api('admin').get(`/api/v1/locate?lon=${lon + 0.0015}&lat=${lat + 0.0013}`)).json;
  assert.match(at.grid?.code ?? '', new RegExp(`^${community}\\d{3}$`));
  await closeClean(rec, { statuses: [400] });
});

test("the security admin disables, resets, makes and revokes tokens, sets the policy; the auditor reads it all", async () => {
  // An account to work on, through the API.
  const made = (await api('security_admin').post('/api/v1/users', {
    username: 'qian', role: 'dispatcher', unit: '110101', must_change_password: false,
  })).json;
  const sec = await desk('security_admin');
  const { page } = sec;
  await page.getByRole('link', { name: '用户管理' }).click();
  await screenshot(page, 'console-users');
  await page.getByRole('button', { name: '停用 qian' }).click();
  await page.locator('.banner.ok', { hasText: '已停用 qian' }).waitFor();
  assert.equal((await new Client(suite.server).post('/api/v1/session',
    { username: 'qian', password: made.password })).status, 401);
  await page.getByRole('button', { name: '启用 qian' }).click();
  await page.locator('.banner.ok', { hasText: '已启用 qian' }).waitFor();
  // A new post: qian becomes a handler of the sanitation centre; a unit
  // of the wrong kind is refused beside the field.
  await page.locator('#ue-user').selectOption(String(made.user.id));
  await page.locator('#ue-role').selectOption('handler');
  await page.locator('#ue-unit').fill('110101');
  await page.getByRole('button', { name: '修改账号' }).click();
  await page.locator('#ue-unit-error').waitFor({ state: 'visible' });
  await page.locator('#ue-unit').fill('110101-HW');
  await page.getByRole('button', { name: '修改账号' }).click();
  await page.locator('.banner.ok', { hasText: '已修改 qian' }).waitFor();
  const changed = (await api('security_admin').get('/api/v1/users')).json.users.find((u) => u.username === 'qian');
  assert.deepEqual([changed.role, changed.unit.code], ['handler', '110101-HW']);
  await page.getByRole('button', { name: '重置 qian 的密码' }).click();
  const reset = page.locator('.banner.ok', { hasText: 'qian 的新密码' });
  await reset.waitFor();
  const fresh = (await reset.textContent()).match(/新密码：(\S{20})/)[1];
  const held = await new Client(suite.server).post('/api/v1/session', { username: 'qian', password: fresh });
  assert.equal(held.status, 200);
  assert.equal(held.json.password_change_required, true);
  // A token for the API client, shown once; it works; revoked, it does not.
  await page.getByRole('link', { name: '接口令牌' }).click();
  await page.locator('#t-username').fill('api_client');
  await page.locator('#t-label').fill('12345 热线');
  await page.getByRole('button', { name: '新建令牌' }).click();
  const shown = page.locator('.banner.ok', { hasText: '新令牌' });
  await shown.waitFor();
  const tokenText = (await shown.textContent()).match(/(ugt_[0-9a-f]+)/)[1];
  assert.equal((await new Client(suite.server, { bearer: tokenText }).get('/api/v1/categories')).status, 200);
  const id = (await api('security_admin').get('/api/v1/tokens')).json.tokens.find((k) => k.label === '12345 热线').id;
  await page.getByRole('button', { name: `吊销令牌 ${id}` }).click();
  await page.locator('.banner.ok', { hasText: `令牌 ${id} 已吊销` }).waitFor();
  assert.equal((await new Client(suite.server, { bearer: tokenText }).get('/api/v1/categories')).status, 401);
  // The policy.
  await page.getByRole('link', { name: '密码策略' }).click();
  await page.locator('#p-min_length').fill('12');
  await page.getByRole('button', { name: '保存密码策略' }).click();
  await page.locator('.banner.ok', { hasText: '密码策略已保存' }).waitFor();
  assert.equal((await api('security_admin').get('/api/v1/password-policy')).json.min_length, 12);
  await page.locator('#p-min_length').fill('7');
  await page.getByRole('button', { name: '保存密码策略' }).click();
  await page.locator('#p-min_length-error').waitFor({ state: 'visible' });
  await closeClean(sec, { statuses: [400] });
  // The auditor finds all of it.
  const aud = await desk('auditor');
  await aud.page.locator('#a-subject').fill('qian');
  await aud.page.getByRole('button', { name: '筛选' }).click();
  await aud.page.locator('td', { hasText: 'user.password.reset' }).first().waitFor();
  const actions = await aud.page.locator('tbody tr td:nth-child(4)').allTextContents();
  assert.ok(actions.includes('user.edit') && actions.includes('user.create'), actions.join(','));
  assert.ok((await aud.page.locator('tbody tr td:nth-child(5)').allTextContents()).every((s) => s === 'qian'));
  await closeClean(aud);
});

// ---- leader, language, catalogue --------------------------------------------

test("the leader's overview counts by state and light; the language switch", async () => {
  // An open case, and one no longer open (rejected), which the overview
  // leaves out.
  await api('inspector').post('/api/v1/cases', {
    category: '06010', description: '总览测试 待核实', source: 'inspector', urgency: 'normal', ...POINT,
  });
  const gone = (await api('receptionist').post('/api/v1/cases', {
    category: '06010', description: '总览测试 不予立案', source: 'hotline', urgency: 'normal',
    area: STREET, ...POINT,
  })).json;
  await actApi('receptionist', gone, 'reject', { reason: '不属于城管' });
  const rec = await desk('leader');
  const { page } = rec;
  await page.locator('table.numbers').waitFor();
  // The open cases only: the demo's closed ones are not counted.
  const open = 'reported,verified,filed,dispatched,returned,hung,handled,checked';
  const sum = async (q) => Object.values((await api('leader').get(`/api/v1/cases/stats${q}`)).json.counts)
    .reduce((n, s) => n + s.total, 0);
  const total = await sum(`?state=${open}`);
  const all = await sum('');
  assert.ok(total > 0 && total < all, `open cases (${total}), and one rejected (all: ${all})`);
  assert.equal(await page.locator('table.numbers tfoot td').last().textContent(), String(total));
  assert.equal(await page.locator('table.numbers tbody th', { hasText: '不予立案' }).count(), 0);
  await screenshot(page, 'console-overview');
  await page.locator('#lang-toggle').click();
  await page.locator('h1', { hasText: 'Area overview' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await page.getByRole('link', { name: 'All open cases' }).click();
  await page.locator('th', { hasText: 'Case number' }).waitFor();
  await page.locator('#lang-toggle').click();
  await page.locator('th', { hasText: '案件编号' }).waitFor();
  await closeClean(rec);
});

test('both catalogues hold every word the console uses, and the same keys', async () => {
  const src = join(ROOT, 'web/console');
  const lang = readFileSync(join(src, 'src/lang.js'), 'utf8');
  const zh = catalogueKeys(lang, 'zh');
  const en = catalogueKeys(lang, 'en');
  assert.deepEqual([...zh].filter((k) => !en.has(k)), [], 'in zh, not in en');
  assert.deepEqual([...en].filter((k) => !zh.has(k)), [], 'in en, not in zh');
  // Keys written out in the code and the page.
  const used = new Set();
  for (const f of ['admin.js', 'assessment.js', 'case.js', 'format.js', 'intake.js', 'login.js', 'main.js',
    'map.js', 'overview.js', 'queue.js', 'reports.js']) {
    const text = readFileSync(join(src, 'src', f), 'utf8');
    for (const m of text.matchAll(/\bt\('([a-z_.-]+)'/g)) used.add(m[1]);
    for (const m of text.matchAll(/\['(case|sheet|col|dept|user|audit)\.([a-z_.-]+)'/g)) used.add(`${m[1]}.${m[2]}`);
    for (const m of text.matchAll(/return '(notice\.[a-z_.-]+)'/g)) used.add(m[1]);
  }
  for (const m of readFileSync(join(src, 'index.html'), 'utf8').matchAll(/data-i18n[a-z-]*="([^"]+)"/g)) used.add(m[1]);
  assert.deepEqual([...used].filter((k) => !zh.has(k)), [], 'used but in no catalogue');
  // The words built from the server's names: every state, action, source
  // and role it has.
  const table = (await api('admin').get('/api/v1/workflow')).json;
  const roles = (await api('admin').get('/api/v1/roles')).json.roles;
  const named = [
    ...table.states.map((s) => `state.${s.state}`), ...table.actions.map((a) => `action.${a.action}`),
    ...table.sources.map((s) => `source.${s.source}`), ...roles.map((r) => `role.${r.role}`),
    ...table.actions.flatMap((a) => a.needs).map((n) => `need.${n}`),
  ];
  assert.deepEqual(named.filter((k) => !zh.has(k)), [], 'server names without words');
});

// ---- the login form -----------------------------------------------------------

test('login: keyboard only, a wrong password said, the lock-out as a wait', async () => {
  // Its own server: the lock-out counts per client address.
  const lockWs = workspace();
  const lockPw = emptyDemoDb(lockWs).passwords;
  const lockServer = await startServer(lockWs.db, ['--login-max-failures', '2']);
  let rec;
  try {
    rec = await openPage(suite.browser, { viewport: DESKTOP });
    const { page } = rec;
    await page.goto(lockServer.url('/console/'));
    // The username field has the focus; Tab, Enter: no mouse.
    await page.locator('#login-username').waitFor();
    await screenshot(page, 'console-login');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'login-username');
    // Each try waits for its answer: the form is busy until then.
    const answer = () => page.waitForResponse((r) => r.url().endsWith('/api/v1/session')
      && r.request().method() === 'POST');
    await page.keyboard.type('dispatcher');
    await page.keyboard.press('Tab');
    await page.keyboard.type('not-the-password');
    await Promise.all([answer(), page.keyboard.press('Enter')]);
    await page.locator('.banner.error', { hasText: '用户名或密码不正确' }).waitFor();
    assert.equal(await page.locator('#login-username').inputValue(), 'dispatcher');
    await page.locator('#login-password').fill('still-wrong');
    await Promise.all([answer(), page.locator('#login-password').press('Enter')]);
    // Locked now: even the right password waits.
    await page.locator('#login-password').fill(lockPw.dispatcher);
    await Promise.all([answer(), page.locator('#login-password').press('Enter')]);
    const locked = page.locator('.banner.error', { hasText: '尝试次数过多' });
    await locked.waitFor();
    assert.match(await locked.textContent(), /请 \d+(分|小时)/);
    assertClean(rec, { statuses: [401, 429] });
  } finally {
    await rec?.context.close();
    await lockServer.stop();
    await lockServer.kill();
    lockWs.cleanup();
  }
});

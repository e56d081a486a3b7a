// field.test.mjs - the phone pages (/m/) in a real browser (headless
// chromium, a 375 x 740 phone with a mocked position and camera: the
// position set on the context, photos put into the camera's <input> as
// generated PNGs) against the real binary with a fresh demo city:
//
// - an inspector reports with a photo; checks a handled case; verifies a
//   public report given to it - each through the taps a person makes;
// - offline: once visited, the page loads without network (its service
//   worker), a report and a check made offline are kept and sent when the
//   network is back: exactly one case and one check recorded;
// - the first send's answer lost, then retried: exactly one case (the
//   server's Idempotency-Key);
// - a handler handles with a photo, asks for an extension, returns;
// - patrol: a shift started and ended, the track posted, and the
//   coverage of the beat it walked what the positions give;
// - the language switch and both catalogues complete;
// - on every page: no sideways scroll at 375 px, no console error, no
//   request off loopback.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { sql } from '../http/lib/server.mjs';
import { ROOT } from '../http/lib/server.mjs';
import {
  actAs, assertClean, assertNoOverflow, caseAs, demoSuite, logIn, openPage, pngImage, screenshot,
} from './lib/browser.mjs';

const suite = demoSuite({
  roles: ['inspector', 'receptionist', 'shift_leader', 'dispatcher', 'handler', 'admin'],
});
const { ws, as: api } = suite;

const PHONE = { width: 375, height: 740 };
// Inside the demo's first street (110101001), the inspector's.
const POINT = { lon: 116.417, lat: 39.9625 };

// ---- helpers ---------------------------------------------------------------

// A phone logged in as `who` through the form, standing at `at`.
async function phone(who, { at = POINT, serviceWorkers = 'block' } = {}) {
  const rec = await openPage(suite.browser, {
    viewport: PHONE, geolocation: { latitude: at.lat, longitude: at.lon }, serviceWorkers,
  });
  return logIn(rec, suite.server.url('/m/'), who, suite.demo.passwords[who], '#pages');
}

// Nothing wider than the 375 px screen.
async function assertFits(page, what) {
  const w = await page.evaluate(() => document.scrollingElement.scrollWidth);
  assert.ok(w <= 375, `${what}: ${w} px wide`);
  await assertNoOverflow(page, what);
}

async function done(rec, what, opts) {
  try {
    await assertFits(rec.page, what);
    assertClean(rec, opts);
  } finally {
    await rec.context.close();
  }
}

const actApi = (who, c, action, body) => actAs(api(who), c, action, body);
const getCase = (id) => caseAs(api('admin'), id);

// A case reported by the inspector, filed, dispatched to the handler's
// department; `handled` takes it one step further.
async function dispatched(description, { handled = false, at = POINT } = {}) {
  const r = await api('inspector').post('/api/v1/cases', {
    category: '06010', description, source: 'inspector', urgency: 'normal', lon: at.lon, lat: at.lat,
  });
  assert.equal(r.status, 201, r.text);
  let c = await actApi('shift_leader', r.json, 'file');
  c = await actApi('dispatcher', c, 'dispatch', { department: '110101-HW' });
  if (handled) c = await actApi('handler', c, 'handle', { note: '已清理' });
  return c;
}

const countCases = (description) => Number(sql(ws.db,
  `SELECT COUNT(*) FROM case_file WHERE description = '${description}'`));
const photoFile = (name, rgb) => ({ name, mimeType: 'image/png', buffer: pngImage(24, 24, rgb) });

// Report through the form: category by search, description, a photo.
async function report(page, description) {
  await page.locator('#nav-report').click();
  await page.locator('#rp-category-search').fill('06010');
  await page.locator('#rp-description').fill(description);
  await page.locator('#rp-photos').setInputFiles(photoFile('street.png', [200, 40, 40]));
  await page.locator('#rp-point').getByText(/116\.417/).waitFor();
  await page.getByRole('button', { name: '上报', exact: true }).click();
}

// ---- the inspector -----------------------------------------------------------

describe('the inspector on the phone', () => {
  test('reports with a photo: the point from the phone, one case with its photo', async () => {
    const rec = await phone('inspector');
    const { page } = rec;
    await page.locator('h1', { hasText: '我的任务' }).waitFor();
    await report(page, '手机上报：路边暴露垃圾');
    await page.locator('#said', { hasText: '已发送' }).waitFor();
    await page.locator('#today', { hasText: '上报 1' }).waitFor();
    await screenshot(page, 'field-tasks');
    assert.equal(countCases('手机上报：路边暴露垃圾'), 1);
    const id = Number(sql(ws.db, "SELECT id FROM case_file WHERE description = '手机上报：路边暴露垃圾'"));
    const c = await getCase(id);
    assert.equal(c.category, '06010');
    assert.equal(c.source, 'inspector');
    assert.ok(Math.abs(c.location.lon - POINT.lon) < 1e-6 && Math.abs(c.location.lat - POINT.lat) < 1e-6,
      JSON.stringify(c.location));
    assert.deepEqual(c.photos.report.map((p) => p.content_type), ['image/png']);
    // The category is remembered as recent on this phone.
    await page.locator('#nav-report').click();
    await page.locator('#rp-category optgroup[label="最近使用"] option[value="06010"]').waitFor({ state: 'attached' });
    await screenshot(page, 'field-report');
    await done(rec, 'report');
  });

  test('checks a handled case in two taps, with a photo; nearest first', async () => {
    const far = await dispatched('较远的已处置案件', { handled: true, at: { lon: POINT.lon + 0.004, lat: POINT.lat } });
    const near = await dispatched('门前的已处置案件', { handled: true });
    const rec = await phone('inspector');
    const { page } = rec;
    const items = page.locator('section', { hasText: '待核查' }).locator('li');
    await items.first().waitFor();
    const order = await items.evaluateAll((li) => li.map((l) => l.querySelector('a').getAttribute('href')));
    assert.ok(order.indexOf(`#/case/${near.id}`) < order.indexOf(`#/case/${far.id}`), order.join(' '));
    await page.locator(`a[href="#/case/${near.id}"]`).click();
    await page.getByRole('button', { name: '通过', exact: true }).click();       // tap 1
    await page.locator('#act-photos').setInputFiles(photoFile('checked.png', [40, 160, 40]));
    await page.getByRole('button', { name: '提交' }).click();                    // tap 2
    await page.locator('.banner.ok', { hasText: '已发送' }).waitFor();
    const c = await getCase(near.id);
    assert.equal(c.state, 'checked');
    assert.equal(c.photos.check.length, 1);
    await screenshot(page, 'field-check');
    await done(rec, 'check');
  });

  // A citizen's report by phone (receptionist), given to the inspector to
  // verify; the inspector's phone open on it.  Returns { r, rec, page }.
  async function toVerify(description) {
    const r = await api('receptionist').post('/api/v1/cases', {
      category: '06010', description, source: 'public', urgency: 'normal',
      lon: POINT.lon, lat: POINT.lat,
    });
    assert.equal(r.status, 201, r.text);
    await actApi('receptionist', r.json, 'verify-assign', { inspector: 'inspector' });
    const rec = await phone('inspector');
    const { page } = rec;
    await page.locator('section', { hasText: '待核实' }).locator(`a[href="#/case/${r.json.id}"]`).click();
    return { r, rec, page };
  }

  test('verifies a public report given to it (核实派遣), 属实 in two taps', async () => {
    const { r, rec, page } = await toVerify('市民来电：垃圾堆积');
    await page.getByRole('button', { name: '属实', exact: true }).click();
    await page.locator('#act-photos').setInputFiles(photoFile('seen.png', [90, 90, 200]));
    await page.getByRole('button', { name: '提交' }).click();
    await page.locator('.banner.ok', { hasText: '已发送' }).waitFor();
    const c = await getCase(r.json.id);
    assert.equal(c.state, 'verified');
    assert.equal(c.photos.other.length, 1);
    await done(rec, 'verify');
  });

  test('finds a public report not true on site (核实不属实): a reason and a photo, in two taps', async () => {
    const { r, rec, page } = await toVerify('市民来电：路灯不亮');
    await page.getByRole('button', { name: '核实不属实', exact: true }).click();
    await page.locator('#act-reason').fill('现场路灯正常');
    await page.locator('#act-photos').setInputFiles(photoFile('lamp.png', [200, 200, 90]));
    await page.getByRole('button', { name: '提交' }).click();
    await page.locator('.banner.ok', { hasText: '已发送' }).waitFor();
    const c = await getCase(r.json.id);
    assert.equal(c.state, 'rejected');
    assert.equal(c.history.at(-1).action, 'unfounded');
    assert.equal(c.history.at(-1).note, '现场路灯正常');
    assert.equal(c.photos.other.length, 1);
    await done(rec, 'unfounded');
  });
});

// ---- offline -------------------------------------------------------------------

describe('offline', () => {
  test('loads without network once visited; a report and a check made offline are sent once when back', async () => {
    const handled = await dispatched('离线核查的案件', { handled: true });
    const rec = await phone('inspector', { serviceWorkers: 'allow' });
    const { page, context } = rec;
    await page.evaluate(() => navigator.serviceWorker.ready);
    // Visit the case online once (its page is kept), then the report form.
    await page.locator(`a[href="#/case/${handled.id}"]`).click();
    await page.getByRole('button', { name: '通过', exact: true }).waitFor();
    await page.locator('#nav-report').click();
    await page.locator('#rp-category-search').waitFor();
    await page.goto(suite.server.url('/m/#/tasks'));
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller?.state));
    await page.locator(`a[href="#/case/${handled.id}"]`).waitFor();

    await context.setOffline(true);
    const offlineFrom = rec.errors.length;
    await page.reload();                                    // from the service worker
    await page.locator(`a[href="#/case/${handled.id}"]`).waitFor();
    await report(page, '离线上报的案件');
    await page.locator('#said', { hasText: '已保存在手机上' }).waitFor();
    await page.locator(`a[href="#/case/${handled.id}"]`).click();
    await page.getByRole('button', { name: '通过', exact: true }).click();
    await page.getByRole('button', { name: '提交' }).click();
    await page.locator('.banner', { hasText: '已保存在手机上' }).waitFor();
    await page.locator('#nav-outbox', { hasText: '待发送 2' }).waitFor();
    await page.locator('#nav-outbox').click();
    await page.locator('.outbox li').nth(1).waitFor();
    await screenshot(page, 'field-outbox');
    assert.equal(countCases('离线上报的案件'), 0);
    assert.equal((await getCase(handled.id)).state, 'handled');

    await context.setOffline(false);
    // While offline, chromium logs each request that could not go (the
    // ones the service worker had no copy of: my numbers today, the
    // queue's attempts): those lines, and only those, are let through.
    const offlineLines = rec.errors.splice(offlineFrom);
    assert.ok(offlineLines.every((e) => /ERR_INTERNET_DISCONNECTED|ERR_FAILED|Failed to fetch/.test(e)), offlineLines.join('\n'));
    await page.getByRole('button', { name: '立即重试' }).click().catch(() => {});
    await page.locator('#nav-outbox', { hasText: '待发送 0' }).waitFor();
    assert.equal(countCases('离线上报的案件'), 1);
    const c = await getCase(handled.id);
    assert.equal(c.state, 'checked');
    assert.equal(c.history.filter((e) => e.action === 'check').length, 1);
    const id = Number(sql(ws.db, "SELECT id FROM case_file WHERE description = '离线上报的案件'"));
    assert.equal((await getCase(id)).photos.report.length, 1);
    await done(rec, 'offline');
  });

  test('the first send\'s answer lost, then retried: exactly one case', async () => {
    const rec = await phone('inspector');
    const { page, context } = rec;
    let lost = 0;
    // The server takes the first POST and writes the case; its answer
    // never reaches the page (as when a phone loses the network then).
    await context.route('**/api/v1/cases', async (route) => {
      if (route.request().method() !== 'POST' || lost) return route.fallback();
      lost += 1;
      await route.fetch();
      return route.abort('internetdisconnected');
    });
    await report(page, '答复丢失的上报');
    await page.locator('#said', { hasText: '已保存在手机上' }).waitFor();
    assert.equal(countCases('答复丢失的上报'), 1);
    await page.locator('#nav-outbox').click();
    await page.getByRole('button', { name: '立即重试' }).click();
    await page.locator('#nav-outbox', { hasText: '待发送 0' }).waitFor();
    assert.equal(countCases('答复丢失的上报'), 1);
    const id = Number(sql(ws.db, "SELECT id FROM case_file WHERE description = '答复丢失的上报'"));
    assert.equal((await getCase(id)).photos.report.length, 1);
    rec.errors.splice(0, rec.errors.length, ...rec.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(e)));
    await done(rec, 'lost answer');
  });
});

// ---- the handler -----------------------------------------------------------------

describe('the handler on the phone', () => {
  test('handles a case of the department with an after-photo', async () => {
    const c0 = await dispatched('待处置：井盖破损');
    const rec = await phone('handler');
    const { page } = rec;
    await page.locator('h1', { hasText: '本部门待办' }).waitFor();
    await page.locator(`a[href="#/case/${c0.id}"]`).click();
    // The actions are the server's: handle, return, extend-request (read
    // once the case page has drawn them).
    await page.locator('.actions button').first().waitFor();
    const shown = await page.locator('.actions button').evaluateAll((bs) => bs.map((b) => b.dataset.action));
    const mine = (await api('handler').get(`/api/v1/cases/${c0.id}`)).json.actions;
    assert.deepEqual([...shown].sort(), [...mine].sort());
    await page.getByRole('button', { name: '处置反馈' }).click();
    await page.locator('#act-note').fill('已更换井盖');
    await page.locator('#act-photos').setInputFiles([photoFile('after1.png', [10, 10, 10]), photoFile('after2.png', [250, 250, 0])]);
    await page.getByRole('button', { name: '提交' }).click();
    await page.locator('.banner.ok', { hasText: '已发送' }).waitFor();
    const c = await getCase(c0.id);
    assert.equal(c.state, 'handled');
    assert.equal(c.photos.handle.length, 2);
    assert.equal(c.history.at(-1).note, '已更换井盖');
    await screenshot(page, 'field-handle');
    await done(rec, 'handle');
  });

  test('requests an extension: reason and hours', async () => {
    const c0 = await dispatched('需要延期的案件');
    const rec = await phone('handler');
    const { page } = rec;
    await page.locator(`a[href="#/case/${c0.id}"]`).click();
    await page.getByRole('button', { name: '延期申请' }).click();
    await page.locator('#act-reason').fill('需等待配件');
    await page.locator('#act-hours').fill('16');
    await page.getByRole('button', { name: '提交' }).click();
    await page.locator('.banner.ok', { hasText: '已发送' }).waitFor();
    const c = await getCase(c0.id);
    assert.equal(c.extension_requested_hours, 16);
    assert.equal(c.history.at(-1).action, 'extend-request');
    // A pending request: the server offers no second one, nor does the page.
    assert.equal(await page.getByRole('button', { name: '延期申请' }).count(), 0);
    await done(rec, 'extend');
  });

  test('returns with a reason (the reason is asked first)', async () => {
    const c0 = await dispatched('不属本部门的案件');
    const rec = await phone('handler');
    const { page } = rec;
    await page.locator(`a[href="#/case/${c0.id}"]`).click();
    await page.getByRole('button', { name: '回退' }).click();
    await page.getByRole('button', { name: '提交' }).click();
    await page.locator('[data-field="reason"] .field-error').waitFor();
    await page.locator('#act-reason').fill('应由市政部门处置');
    await page.getByRole('button', { name: '提交' }).click();
    await page.locator('.banner.ok', { hasText: '已发送' }).waitFor();
    assert.equal((await getCase(c0.id)).state, 'returned');
    // The case has left the department: the page's reload of it is 404.
    await done(rec, 'return', { statuses: [404] });
  });
});

// ---- patrol ------------------------------------------------------------------------

describe('patrol', () => {
  test('a shift started, the track posted every 30 s, the shift ended', async () => {
    const rec = await phone('inspector');
    const { page, context } = rec;
    // The page's clock runs 90 s behind and is moved on by hand: the
    // 30 s posts without waiting, and no time the page sends is ahead
    // of the server's.  The shift must lie in one day of the city
    // (UTC+8), the day asked for below and the beat's: within 90 s of
    // the city's midnight the test waits until it has passed.
    const cityDay = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 10);
    let t0 = Date.now() - 90000;
    if (cityDay(t0) !== cityDay(t0 + 180000)) {
      await new Promise((r) => { setTimeout(r, Date.parse(`${cityDay(t0 + 180000)}T00:00:00+08:00`) + 91000 - Date.now()); });
      t0 = Date.now() - 90000;
    }
    // The inspector's beat (assigned by the shift leader): the grids of
    // the three positions walked below and one far from them, so the
    // coverage expected is the walked grids over all four.
    const gridAt = async (lon, lat) => (await api('inspector').get(`/api/v1/locate?lon=${lon}&lat=${lat}`)).json.grid.code;
    const walked = new Set();
    for (const dLat of [0.0005, 0.0010, 0.0015]) walked.add(await gridAt(POINT.lon, POINT.lat + dLat));
    const far = await gridAt(POINT.lon - 0.004, POINT.lat - 0.003);
    assert.ok(!walked.has(far), far);
    const me0 = (await api('inspector').get('/api/v1/session')).json.user;
    const beat = await api('shift_leader').post('/api/v1/patrol/beats',
      { inspector: me0.id, grids: [...walked, far], from: cityDay(t0) });
    assert.equal(beat.status, 201, beat.text);
    await page.clock.install({ time: t0 });
    await page.locator('#nav-patrol').click();
    await page.locator('#shift-start').click();
    await page.locator('#shift-end').waitFor();
    const posts = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/v1/patrol/track')) posts.push(r.postDataJSON());
    });
    for (const dLat of [0.0005, 0.0010, 0.0015]) {
      await context.setGeolocation({ latitude: POINT.lat + dLat, longitude: POINT.lon });
      await page.waitForTimeout(300);
      await page.clock.runFor(30000);
    }
    await page.locator('#shift-end').click();
    await page.locator('#shift-start').waitFor();
    // One post per 30 s, each with the positions of its half minute.
    assert.ok(posts.length >= 3, JSON.stringify(posts));
    assert.ok(posts.every((b) => b.crs === 'wgs84' && b.points.every((p) => p.t && p.accuracy >= 0)));
    const lats = posts.flatMap((b) => b.points.map((p) => p.lat));
    for (const dLat of [0.0005, 0.0010, 0.0015]) assert.ok(lats.some((l) => Math.abs(l - POINT.lat - dLat) < 1e-9), lats.join());
    // The city's day, not this machine's (it may run in UTC: from 16:00
    // UTC the city is a day ahead).
    const me = await api('inspector').get(`/api/v1/patrol/me?date=${cityDay(t0)}`);
    assert.equal(me.status, 200, me.text);
    assert.ok(me.json.figures.distance_m > 100 && me.json.figures.distance_m < 130, me.text);
    assert.ok(me.json.figures.on_shift_s > 0, me.text);
    assert.equal(me.json.figures.assigned, walked.size + 1, me.text);
    assert.equal(me.json.figures.visited, walked.size, me.text);
    assert.ok(Math.abs(me.json.figures.coverage - walked.size / (walked.size + 1)) < 1e-9, me.text);
    assert.equal(me.json.shift.ended_at !== null, true, me.text);
    await done(rec, 'patrol');
  });
});

// ---- every page at 375 px --------------------------------------------------------

describe('375 px', () => {
  test('every page of the inspector and the handler fits the screen', async () => {
    const c0 = await dispatched('宽度检查：一段很长的描述'.repeat(8), { handled: true });
    for (const [who, pages] of [['inspector', ['tasks', 'report', 'patrol', 'outbox', `case/${c0.id}`]],
      ['handler', ['work', 'outbox']]]) {
      const rec = await phone(who);
      for (const p of pages) {
        await rec.page.goto(suite.server.url(`/m/#/${p}`));
        await rec.page.locator('main h1').first().waitFor();
        await rec.page.waitForLoadState('networkidle');
        await assertFits(rec.page, `${who} #/${p}`);
      }
      await done(rec, who);
    }
  });
});

// ---- words -----------------------------------------------------------------------------

describe('words', () => {
  test('English switch; both catalogues have the same keys and every word the pages use', async () => {
    const text = (f) => readFileSync(join(ROOT, f), 'utf8');
    const block = (src, name) => new Set([...src.split(`export const ${name} = {`)[1].split('\n};')[0]
      .matchAll(/^ {2}'([^']+)':/gm)].map((m) => m[1]));
    const own = text('web/field/src/lang.js');
    assert.deepEqual([...block(own, 'zh')].sort(), [...block(own, 'en')].sort());
    // The shared words come from the console's catalogue, by prefix.
    const shared = [...block(text('web/console/src/lang.js'), 'zh')]
      .filter((k) => /^(login|password|common|time|light|state|role|lang|action|need|urgency)\./.test(k));
    const known = new Set([...block(own, 'zh'), ...shared]);
    const used = new Set();
    for (const f of ['cases.js', 'main.js', 'outbox.js', 'patrol.js', 'report.js']) {
      for (const m of text(`web/field/src/${f}`).matchAll(/\bt\('([a-z_.-]+)'/g)) used.add(m[1]);
    }
    for (const m of text('web/field/index.html').matchAll(/data-i18n[a-z-]*="([^"]+)"/g)) used.add(m[1]);
    assert.deepEqual([...used].filter((k) => !known.has(k)), [], 'used but in no catalogue');
    const rec = await phone('inspector');
    const { page } = rec;
    await page.locator('h1', { hasText: '我的任务' }).waitFor();
    await page.locator('#lang-toggle').click();
    await page.locator('h1', { hasText: 'My tasks' }).waitFor();
    await page.locator('#nav-report').click();
    await page.locator('h1', { hasText: 'Report a problem' }).waitFor();
    await done(rec, 'english');
  });
});

// pages.test.mjs - the public pages in a real browser (headless chromium)
// against the real binary with a fresh demo city: they load with no
// request leaving loopback and no console error, nothing is wider than a
// 375 px phone, a citizen reports a problem end to end (category, map pin,
// photo) and follows it by token and by ID, the language switch works and
// is remembered, and errors - the page's own checks and the server's
// 400 - appear next to the field they concern without losing what was
// typed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { loggedIn } from '../http/lib/server.mjs';
import {
  DESKTOP, PHONE, assertClean, assertNoOverflow, demoSuite, openPage, pngImage, screenshot,
} from './lib/browser.mjs';

const suite = demoSuite();

// A point inside the demo's first street (110101001), where the demo
// inspector works (see tests/http/cases.test.mjs).
const STREET = { latitude: 39.9625, longitude: 116.417 };

// Open path in a fresh context and run fn(page, rec) (rec: the recorder
// of browser.mjs); then the page must be clean - no request off loopback,
// no error but the answers with the `statuses` the test provoked - and
// the context is closed whatever happened.
async function onPage(path, opts, fn, { statuses } = {}) {
  const rec = await openPage(suite.browser, opts);
  try {
    await rec.page.goto(suite.server.url(path));
    await fn(rec.page, rec);
    assertClean(rec, { statuses });
  } finally {
    await rec.context.close();
  }
}

// The report page once its categories and grid outlines are in.
async function reportReady(page) {
  await page.locator('#service_code optgroup option').first().waitFor({ state: 'attached' });
  await page.locator('#map .leaflet-overlay-pane path').first().waitFor();
}

// Fill the form with a valid report whose place is a tap on the map.
async function fillReport(page, { description = '东华门大街路边有暴露垃圾' } = {}) {
  const code = await page.locator('#service_code optgroup option').first().getAttribute('value');
  await page.selectOption('#service_code', code);
  await page.fill('#description', description);
  await page.locator('#map').click();
  await page.locator('#pin-status', { hasText: '已标记' }).waitFor();
  return code;
}

describe('the report page', () => {
  for (const [label, viewport] of [['a phone', PHONE], ['a desktop', DESKTOP]]) {
    test(`loads on ${label}: categories, grid outlines, nothing from outside, no errors`, async () => {
      await onPage('/public/', { viewport }, async (page, rec) => {
        await reportReady(page);
        assert.equal(await page.locator('h1').textContent(), '我要举报');
        assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
        assert.ok(await page.locator('#service_code optgroup').count() >= 1, 'categories grouped by 大类');
        // Every control has a name a screen reader can say.
        for (const id of ['service_code', 'description', 'address_string', 'photo', 'name', 'phone']) {
          assert.equal(await page.locator(`label[for="${id}"]`).count(), 1, `label for #${id}`);
        }
        // Leaflet's own files came from the binary too.
        assert.ok(rec.requests.some((u) => u.endsWith('/public/assets/leaflet/leaflet.js')));
        assert.ok(rec.requests.some((u) => u.includes('/open311/v2/services.json?locale=zh')));
        if (viewport === PHONE) {
          await assertNoOverflow(page, 'report page at 375 px');
          await screenshot(page, 'report-375');
        }
      });
    });
  }

  test('a report end to end, then followed by its token and by its ID', async () => {
    await onPage('/public/', {}, async (page) => {
      await reportReady(page);
      await fillReport(page);
      await page.fill('#address_string', '东华门大街 12 号');
      await page.setInputFiles('#photo', { name: 'photo.png', mimeType: 'image/png', buffer: pngImage() });
      await page.locator('#photo-preview img').waitFor();
      assert.equal(await page.locator('#photo-error').isHidden(), true);
      await page.fill('#name', '张三');
      await page.fill('#phone', '13800138000');
      await page.click('#submit');

      const done = page.locator('#done');
      await done.waitFor();
      assert.equal(await page.locator('#report-form').isHidden(), true);
      const number = await page.textContent('#done-number');
      const id = await page.textContent('#done-id');
      const token = await page.textContent('#done-token');
      assert.match(number, /^\d{13}$/);
      assert.match(id, /^\d+$/);
      assert.ok(token.length >= 8, `token ${token}`);
      await assertNoOverflow(page, 'report answer at 375 px');
      await screenshot(page, 'report-done-375');

      // The link carries the token; the follow page looks it up at once.
      await page.click('#done-follow');
      await page.waitForURL((u) => u.pathname === '/public/follow' && u.searchParams.get('token') === token);
      await page.locator('#report').waitFor();
      assert.equal(await page.textContent('#report-number'), number);
      assert.equal(await page.textContent('#report-id'), id);
      assert.equal(await page.textContent('#report-description'), '东华门大街路边有暴露垃圾');
      assert.equal(await page.textContent('#report-status'), '处理中');
      assert.ok(await page.locator('#timeline li').count() >= 1);
      assert.equal(await page.textContent('#timeline li:first-child p'), '提交举报');
      // The photo is shown, and really loads.
      const img = page.locator('#photo-list img').first();
      await img.waitFor();
      await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
      // The small map shows the pin.
      await page.locator('#report-map .leaflet-marker-icon').waitFor();
      await assertNoOverflow(page, 'follow page at 375 px');
      await screenshot(page, 'follow-375');

      // By ID, typed into the form.
      await page.fill('#query', id);
      await page.click('#lookup');
      await page.waitForURL((u) => u.searchParams.get('id') === id);
      assert.equal(await page.textContent('#report-number'), number);
    });
  });

  test('"use my location" pins the phone\'s position', async () => {
    await onPage('/public/', { geolocation: STREET }, async (page) => {
      await reportReady(page);
      await page.click('#locate');
      await page.locator('#pin-status', { hasText: '39.962500' }).waitFor();
      assert.match(await page.textContent('#pin-status'), /116\.417000/);
      await page.locator('#map .leaflet-marker-icon').waitFor();
    });
  });

  test('the page\'s own checks name each field; nothing typed is lost', async () => {
    await onPage('/public/', {}, async (page) => {
      await reportReady(page);
      await page.fill('#name', '李四');
      await page.click('#submit');
      for (const f of ['service_code', 'description', 'location']) {
        assert.equal(await page.locator(`#${f}-error`).isVisible(), true, `${f} error shown`);
      }
      assert.equal(await page.getAttribute('#description', 'aria-invalid'), 'true');
      assert.equal(await page.inputValue('#name'), '李四');
      // A photo of the wrong type is refused before it is sent.
      await page.setInputFiles('#photo', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
      assert.match(await page.textContent('#photo-error'), /JPEG、PNG 或 WebP/);
      await assertNoOverflow(page, 'errors at 375 px');
    });
  });

  test('the server\'s 400 is shown next to the field it names; nothing typed is lost', async () => {
    await onPage('/public/', {}, async (page) => {
      await reportReady(page);
      await fillReport(page, { description: '电话号码写错了' });
      // The page leaves the phone's form to the server, which refuses it.
      await page.fill('#phone', '138 0013 8000 转 2');
      const answer = page.waitForResponse((r) => r.url().endsWith('/public/api/reports'));
      await page.click('#submit');
      const res = await answer;
      assert.equal(res.status(), 400);
      assert.equal((await res.json()).error.field, 'phone');
      const error = page.locator('#phone-error');
      await error.waitFor();
      assert.match(await error.textContent(), /电话号码/);
      assert.equal(await page.getAttribute('#phone', 'aria-invalid'), 'true');
      assert.equal(await page.locator('#form-error').isVisible(), true);
      assert.equal(await page.locator('#done').isHidden(), true);
      // Everything typed is still there; mend the phone and send again.
      assert.equal(await page.inputValue('#description'), '电话号码写错了');
      assert.equal(await page.inputValue('#phone'), '138 0013 8000 转 2');
      assert.match(await page.textContent('#pin-status'), /已标记/);
      await page.fill('#phone', '138 0013 8000');
      await page.click('#submit');
      await page.locator('#done').waitFor();
      await screenshot(page, 'report-again-375');
    }, { statuses: [400] });
  });

  test('a category closed meanwhile: the server\'s refusal shows beside the category', async () => {
    await onPage('/public/', {}, async (page) => {
      await reportReady(page);
      await fillReport(page, { description: '这个类别已停止受理' });
      await page.evaluate(() => {
        const select = document.getElementById('service_code');
        select.append(new Option('已停用的类别', '06999'));
        select.value = '06999';
      });
      await page.click('#submit');
      const error = page.locator('#service_code-error');
      await error.waitFor();
      assert.match(await error.textContent(), /类别/);
      assert.equal(await page.inputValue('#description'), '这个类别已停止受理');
    }, { statuses: [404] });
  });
});

// The staff side of a case, through the JSON API: as each demo account.
async function staff() {
  const clients = {};
  for (const who of ['inspector', 'shift_leader', 'dispatcher', 'handler']) {
    clients[who] = await loggedIn(suite.server, who, suite.demo.passwords[who]);
  }
  return clients;
}

// Take the case filed under `number` from reported to closed.
async function closeCase(number) {
  const as = await staff();
  const list = await as.shift_leader.get(`/api/v1/cases?q=${number}`);
  assert.equal(list.status, 200, list.text);
  assert.equal(list.json.cases.length, 1, list.text);
  let c = list.json.cases[0];
  for (const [who, action, body] of [['inspector', 'verify'], ['shift_leader', 'file'],
    ['dispatcher', 'dispatch', { department: '110101-HW' }], ['handler', 'handle', { note: '已清理干净' }],
    ['inspector', 'check', { passed: true }], ['shift_leader', 'close']]) {
    const r = await as[who].post(`/api/v1/cases/${c.id}/actions/${action}`, { version: c.version, ...body });
    assert.equal(r.status, 200, `${action}: ${r.text}`);
    c = r.json;
  }
  assert.equal(c.state, 'closed');
}

describe('the follow page', () => {
  test('once closed: the history, and a rating by token (not by ID), given once', async () => {
    // A report placed by "use my location" inside the inspector's street.
    await onPage('/public/', { geolocation: STREET }, async (page) => {
      await reportReady(page);
      const code = await page.locator('#service_code optgroup option').first().getAttribute('value');
      await page.selectOption('#service_code', code);
      await page.fill('#description', '小区门口垃圾堆放');
      await page.click('#locate');
      await page.locator('#pin-status', { hasText: '39.962500' }).waitFor();
      await page.click('#submit');
      await page.locator('#done').waitFor();
      const number = await page.textContent('#done-number');
      const id = await page.textContent('#done-id');
      const token = await page.textContent('#done-token');
      await closeCase(number);

      await page.goto(suite.server.url(`/public/follow?token=${encodeURIComponent(token)}`));
      await page.locator('#report').waitFor();
      assert.equal(await page.textContent('#report-status'), '已办结');
      assert.ok(await page.locator('#timeline li').count() >= 3, 'the public history');
      const form = page.locator('#rating-form');
      await form.waitFor();
      assert.equal(await page.locator('#rating-need-token').isHidden(), true);
      // Nothing chosen: said, nothing sent.
      await page.click('#rate');
      assert.equal(await page.locator('#rating-error').isVisible(), true);
      await page.check('input[name="rating"][value="basically_satisfied"]');
      await page.fill('#comment', '处理及时，但现场还有少量垃圾');
      await assertNoOverflow(page, 'follow page with the rating form at 375 px');
      await screenshot(page, 'follow-rating-375');
      await page.click('#rate');
      await page.locator('#rating-done', { hasText: '感谢您的评价' }).waitFor();
      assert.match(await page.textContent('#rating-done'), /基本满意/);
      assert.equal(await form.isHidden(), true);

      // Given once: after a reload it is shown, not asked again.
      await page.reload();
      await page.locator('#rating-done', { hasText: '您的评价：基本满意' }).waitFor();
      assert.equal(await form.isHidden(), true);
      // By ID nobody may rate; the page does not offer it.
      await page.fill('#query', id);
      await page.click('#lookup');
      await page.waitForURL((u) => u.searchParams.get('id') === id);
      assert.equal(await form.isHidden(), true);
      assert.equal(await page.locator('#rating-need-token').isHidden(), true);
      await screenshot(page, 'follow-closed-375');
    });
  });

  test('loads clean at 375 px; an unknown ID or token is said next to the box', async () => {
    await onPage('/public/follow', {}, async (page) => {
      assert.equal(await page.locator('h1').textContent(), '查询进度');
      await assertNoOverflow(page, 'empty follow page at 375 px');
      await screenshot(page, 'follow-empty-375');
      await page.fill('#query', 'no-such-token');
      await page.click('#lookup');
      await page.locator('#query-error', { hasText: '没有找到' }).waitFor();
      assert.equal(await page.locator('#report').isHidden(), true);
      assert.equal(await page.inputValue('#query'), 'no-such-token');
    }, { statuses: [404] });
  });
});

describe('languages', () => {
  test('the switch changes the words in place, keeps what was typed, and is remembered', async () => {
    await onPage('/public/', {}, async (page, rec) => {
      await reportReady(page);
      await page.fill('#description', '保留我输入的内容');
      await page.click('#lang-toggle');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      assert.equal(await page.locator('h1').textContent(), 'Report a problem');
      assert.equal(await page.textContent('#lang-toggle'), '中文');
      assert.equal(await page.inputValue('#description'), '保留我输入的内容');
      // Categories come again in English.
      await page.locator('#service_code option', { hasText: 'Choose a category' }).waitFor({ state: 'attached' });
      assert.ok(rec.requests.some((u) => u.includes('/open311/v2/services.json?locale=en')));
      await assertNoOverflow(page, 'report page in English at 375 px');
      await screenshot(page, 'report-en-375');

      // Remembered: a reload and the other page stay English.
      await page.reload();
      assert.equal(await page.locator('h1').textContent(), 'Report a problem');
      await page.goto(suite.server.url('/public/follow'));
      assert.equal(await page.locator('h1').textContent(), 'Follow a report');
      await assertNoOverflow(page, 'follow page in English at 375 px');
      // ?lang= wins, and is remembered in turn.
      await page.goto(suite.server.url('/public/follow?lang=zh'));
      assert.equal(await page.locator('h1').textContent(), '查询进度');
      await page.goto(suite.server.url('/public/'));
      assert.equal(await page.locator('h1').textContent(), '我要举报');
      await page.goto(suite.server.url('/public/?lang=en'));
      assert.equal(await page.locator('h1').textContent(), 'Report a problem');
      assert.equal(await page.title(), 'Report a problem');
    });
  });
});

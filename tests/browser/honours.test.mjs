// honours.test.mjs - the public red and black lists page (/public/honours)
// in a real browser against the real binary with the demo city and its
// cases: before anything is published it says so; once a leader has
// published lists (through the API) it shows each with its period, area,
// comment and entries, names none of the staff (an inspectors' list is
// published too, and must not appear), loads nothing from another host,
// logs no error, fits a 375 px phone, and switches to English.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { Client, createToken, demoDb, sql } from '../http/lib/server.mjs';
import {
  DESKTOP, PHONE, assertClean, assertNoOverflow, demoSuite, openPage, screenshot,
} from './lib/browser.mjs';

const suite = demoSuite({ makeDb: demoDb });
let leader;
let admin;

before(async () => {
  await suite.ready;
  leader = new Client(suite.server, { bearer: createToken(suite.ws.db, 'leader') });
  admin = new Client(suite.server, { bearer: createToken(suite.ws.db, 'admin') });
});

async function onPage(viewport, fn) {
  const rec = await openPage(suite.browser, { viewport });
  try {
    await rec.page.goto(suite.server.url('/public/honours'));
    await fn(rec.page, rec);
    assertClean(rec);
  } finally {
    await rec.context.close();
  }
}

describe('the red and black lists page', () => {
  test('before any publication: says there is none', async () => {
    await onPage(PHONE, async (page) => {
      await page.locator('#status', { hasText: '尚未发布红黑榜' }).waitFor();
      assert.equal(await page.locator('h1').textContent(), '红黑榜');
      assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
      assert.equal(await page.locator('article.honours-list').count(), 0);
    });
  });

  test('shows the published lists of units, none of the staff, clean at 375 px and on a desktop', async () => {
    // Rules that put the best and the worst on the lists whatever the
    // demo's grades, in force a moment from now: the current year's
    // period ends after it.
    const effective = new Date(Date.now() + 1500 + 8 * 3600e3).toISOString().slice(0, 19) + '+08:00';
    const put = await admin.request('PUT', '/api/v1/assessment/scheme', {
      body: {
        effective,
        honours: {
          red: { grades: '', top: 2, match: 'any' },
          black: { grades: '', bottom: 2, match: 'any', overdue_above: null },
        },
      },
    });
    assert.equal(put.status, 200, put.text);
    await new Promise((r) => setTimeout(r, 1600));
    const year = sql(suite.ws.db, 'SELECT MAX(month) FROM assess_month').slice(0, 4);
    const comment = '本年度街道综合评价红黑榜，请各街道对照整改。'.repeat(3);
    const streets = await leader.post('/api/v1/honours', { kind: 'streets', period: year, comment });
    assert.equal(streets.status, 201, streets.text);
    assert.ok(streets.json.red.length > 0 && streets.json.black.length > 0, streets.text);
    const depts = await leader.post('/api/v1/honours', { kind: 'departments', period: year });
    assert.equal(depts.status, 201, depts.text);
    const people = await leader.post('/api/v1/honours', { kind: 'inspectors', period: year });
    assert.equal(people.status, 201, people.text);
    assert.ok(people.json.red.length + people.json.black.length > 0, 'the inspectors\' list names someone');
    // The demo names its inspectors after their streets: what tells them
    // apart is their account (code), which the page must never show.
    const accounts = [...people.json.red, ...people.json.black].map((e) => e.code);

    for (const viewport of [PHONE, DESKTOP]) {
      await onPage(viewport, async (page) => {
        await page.locator('article.honours-list').first().waitFor();
        assert.equal(await page.locator('article.honours-list').count(), 2, 'streets and departments, not people');
        const first = page.locator('article.honours-list').first();
        // Newest first: the departments', then the streets'.
        const streetsList = page.locator('article.honours-list').nth(1);
        assert.match(await first.locator('h2').textContent(), /专业部门/);
        assert.match(await streetsList.locator('h2').textContent(), /东城区 · 街道/);
        assert.match(await streetsList.locator('.honours-period').textContent(), new RegExp(`评价期：${year}`));
        assert.equal(await streetsList.locator('.honours-comment').textContent(), comment);
        const redNames = await streetsList.locator('.honours-side.red .honours-name').allTextContents();
        assert.deepEqual(redNames, streets.json.red.map((e) => e.name));
        const blackNames = await streetsList.locator('.honours-side.black .honours-name').allTextContents();
        assert.deepEqual(blackNames, streets.json.black.map((e) => e.name));
        const text = await page.locator('main').textContent();
        for (const n of [...accounts, 'leader', '赵领导']) assert.ok(!text.includes(n), `the page names ${n}`);
        for (const h of await page.locator('article.honours-list h2').allTextContents()) {
          assert.match(h, /· (专业部门|网格|社区|街道|区)$/, h);
        }
        if (viewport === PHONE) {
          await assertNoOverflow(page, 'honours page at 375 px');
          await screenshot(page, 'honours-375');
        }
        // In English, in place.
        await page.click('#lang-toggle');
        await page.locator('h1', { hasText: 'Red and black lists' }).waitFor();
        assert.match(await streetsList.locator('.honours-side.red h3').textContent(), /Red list/);
        assert.match(await streetsList.locator('.honours-period').textContent(), new RegExp(`Period: ${year}`));
        if (viewport === PHONE) await assertNoOverflow(page, 'honours page in English at 375 px');
      });
    }
  });
});

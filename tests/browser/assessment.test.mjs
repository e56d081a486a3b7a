// assessment.test.mjs - 综合评价 and 红黑榜 in the console, and the map's
// hot spots, in a real browser against the real binary with the demo
// city and its cases:
//
// - a leader opens the rankings of the streets for the demo's year: the
//   table shows the rows the API gives, in the API's order, with their
//   scores and grades; a period that does not exist is said beside the
//   period field;
// - the leader publishes the drafted red and black lists with a comment:
//   the page lists the new version, and the API has it with the comment;
// - the leader's workspaces offer the page, a dispatcher's do not;
// - a shift leader turns on this week's hot spots on the map: one shape
//   per hot spot the API gives (a spot planted in a grid this week);
// - a leader makes the monthly summary on 四个一报告, downloads it in
//   each format from the page's links, comments on and publishes it;
// - no console error, no request off loopback.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { localMidnight, plantCases, plantWeeks } from '../http/lib/cases.mjs';
import { Client, createToken, demoDb, sql } from '../http/lib/server.mjs';
import {
  DESKTOP, assertClean, demoSuite, logIn, openPage, screenshot,
} from './lib/browser.mjs';

const suite = demoSuite({ makeDb: demoDb });
const token = {};
const api = (who) => new Client(suite.server, { bearer: token[who] });
let year;

before(async () => {
  await suite.ready;
  for (const who of ['leader', 'shift_leader', 'admin']) token[who] = createToken(suite.ws.db, who);
  year = sql(suite.ws.db, 'SELECT MAX(month) FROM assess_month').slice(0, 4);
});

async function desk(who, fn) {
  const rec = await openPage(suite.browser, { viewport: DESKTOP });
  try {
    await logIn(rec, suite.server.url('/console/'), who, suite.demo.passwords[who], '#me');
    await fn(rec.page, rec);
    assertClean(rec, { statuses: [400] });
  } finally {
    await rec.context.close();
  }
}

describe('综合评价 in the console', () => {
  test('a leader reads the streets\' ranking as the API gives it', async () => {
    const want = (await api('leader').get(`/api/v1/assessment/streets?period=${year}`)).json;
    assert.ok(want.rows.length >= 2, 'the demo ranks streets');
    await desk('leader', async (page) => {
      await page.locator('nav a', { hasText: '综合评价' }).click();
      await page.locator('#assess-period').fill(year);
      await page.locator('form.filters button[type=submit]').click();
      const table = page.locator('table.ranking');
      await table.locator('caption', { hasText: ` · ${year} · ` }).waitFor();
      const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => ({
        code: tr.dataset.code,
        cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
      })));
      assert.deepEqual(rows.map((r) => r.code), want.rows.map((r) => r.code));
      for (const [i, r] of want.rows.entries()) {
        assert.equal(rows[i].cells[0], String(r.rank ?? '—'));
        assert.equal(rows[i].cells[1], r.score === null ? '—' : r.score.toFixed(1));
        assert.equal(rows[i].cells[2], r.grade ?? '—');
      }
      await screenshot(page, 'console-assessment');

      // A month that does not exist: said beside the field, nothing drawn.
      await page.locator('#assess-period').fill(`${year}-13`);
      await page.locator('form.filters button[type=submit]').click();
      await page.locator('#assess-period-error:not([hidden])').waitFor();
      assert.match(await page.locator('#assess-period-error').textContent(), /period/);
      assert.equal(await page.locator('table.ranking').count(), 0);
    });
  });

  test('a leader publishes the red and black lists; the version is listed and kept', async () => {
    const comment = `请各街道对照整改 ${Date.now()}`;
    await desk('leader', async (page) => {
      await page.goto(suite.server.url(`/console/#/ws/assessment?kind=streets&period=${year}`));
      await page.locator('section.honours').waitFor();
      assert.equal(await page.locator('.honours-history li').count(), 0);
      const draft = (await api('leader').get(`/api/v1/honours/draft?kind=streets&period=${year}`)).json;
      assert.equal(await page.locator('.honours-red li').count(), draft.red.length);
      assert.equal(await page.locator('.honours-black li').count(), draft.black.length);
      await page.locator('#honours-comment').fill(comment);
      await page.locator('form.honours-publish button[type=submit]').click();
      await page.locator('.honours-history li[data-version="1"]', { hasText: comment }).waitFor();
    });
    const lists = (await api('admin').get(`/api/v1/honours?kind=streets&period=${year}`)).json.lists;
    assert.equal(lists.length, 1);
    assert.equal(lists[0].version, 1);
    assert.equal(lists[0].comment, comment);
    assert.equal(lists[0].published_by, 'leader');
  });

  test('the page is among a leader\'s workspaces, not a dispatcher\'s', async () => {
    await desk('dispatcher', async (page) => {
      await page.locator('nav a').first().waitFor();
      assert.equal(await page.locator('nav a', { hasText: '综合评价' }).count(), 0);
    });
  });
});

describe('hot spots on the map', () => {
  test('a shift leader turns on this week\'s hot spots: one shape per spot', async () => {
    // A spot planted in one grid: two a week for the eight weeks before
    // this one (the city's week, from its Monday), then twelve this week,
    // a minute apart and all in the past: from the week's first minute,
    // or from 15 minutes ago when the week is older than that.
    const grid = sql(suite.ws.db, 'SELECT code FROM grid ORDER BY code LIMIT 1');
    const nowS = Math.floor(Date.now() / 1000);
    const city = new Date((nowS + 8 * 3600) * 1000);
    const monday = new Date(city);
    monday.setUTCDate(city.getUTCDate() - ((city.getUTCDay() + 6) % 7));
    const mondayDay = monday.toISOString().slice(0, 10);
    const first = new Date(monday);
    first.setUTCDate(monday.getUTCDate() - 56);
    plantWeeks(suite.ws.db, grid, '06010', first.toISOString().slice(0, 10), [2, 2, 2, 2, 2, 2, 2, 2], 'BHS');
    const weekStart = localMidnight(mondayDay);
    plantCases(suite.ws.db, {
      grid, category: '06010', n: 12, step: 60, tag: 'BHSnow', at: Math.max(weekStart + 1, nowS - 15 * 60),
    });
    await desk('shift_leader', async (page) => {
      await page.locator('nav a', { hasText: '案件地图' }).click();
      await page.locator('.map.leaflet-container').waitFor();
      await page.locator('#map-hotspots').check();
      const note = page.locator('.hotspot-toggle [role=status]');
      await note.locator('text=/热点 \\d+ 处/').waitFor();
      const [, w, n] = /^(\d{4}-W\d\d) 热点 (\d+) 处$/.exec(await note.textContent());
      const want = (await api('shift_leader').get(`/api/v1/hotspots?period=${w}`)).json;
      assert.equal(Number(n), want.rows.length);
      assert.ok(want.rows.some((r) => r.code === grid && r.category === '06010'), JSON.stringify(want.rows));
      await page.waitForFunction((k) => document.querySelectorAll('path.hotspot').length === k,
        Math.min(50, want.rows.length));
      await page.locator('#map-hotspots').uncheck();
      await page.waitForFunction(() => document.querySelectorAll('path.hotspot').length === 0);
    });
  });
});

describe('四个一报告 in the console', () => {
  test('a leader makes the monthly summary, downloads it in every format, comments and publishes', async () => {
    const month = sql(suite.ws.db, 'SELECT MAX(month) FROM assess_month');
    const period = `${month.slice(0, 4)}-${month.slice(4, 6)}`;
    await desk('leader', async (page) => {
      await page.locator('nav a', { hasText: '四个一报告' }).click();
      await page.locator('#report-kind').selectOption('monthly');
      await page.locator('#report-period').fill(period);
      await page.locator('form.report-make button[type=submit]').click();
      const row = page.locator('table.reports tbody tr').first();
      await row.locator('td', { hasText: period }).waitFor();
      const id = await row.getAttribute('data-id');
      const made = (await api('leader').get(`/api/v1/reports/${id}`)).json;
      assert.equal(made.kind, 'monthly');
      assert.equal(made.period, period);
      assert.equal(made.status, 'draft');
      // The page's links, fetched with the page's own session.
      const want = { html: /^text\/html/, xlsx: /spreadsheetml/, pdf: /^application\/pdf/ };
      for (const [format, type] of Object.entries(want)) {
        const href = await row.locator(`a.download-${format}`).getAttribute('href');
        const res = await page.request.get(suite.server.url(href));
        assert.equal(res.status(), 200, `${format}: ${await res.text()}`);
        assert.match(res.headers()['content-type'], type);
      }
      await row.locator('textarea[name=commentary]').fill('本月各街道总体平稳，请落后街道限期整改。');
      await row.locator('button[name=publish]').click();
      await row.locator('td.status-published').waitFor();
      assert.equal(await row.locator('form.report-draft').count(), 0);
    });
    const reports = (await api('leader').get(`/api/v1/reports?kind=monthly&period=${period}`)).json.reports;
    assert.equal(reports[0].status, 'published');
    assert.equal(reports[0].commentary, '本月各街道总体平稳，请落后街道限期整改。');
    assert.equal(reports[0].published_by, 'leader');
  });
});

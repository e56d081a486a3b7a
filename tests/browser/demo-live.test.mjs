// demo-live.test.mjs - the demo that moves (serve --demo-live,
// docs/demo.md) as someone watching sees it: the command-centre screen
// (/console/screen), open as the leader, lists case events that nobody at
// a keyboard made - new reports and steps taken by the demo's users -
// within seconds; no console error, no request off loopback.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { REAL_DIVISIONS, ugOk } from '../http/lib/server.mjs';
import {
  assertClean, demoSuite, logIn, openPage,
} from './lib/browser.mjs';

let password;
const suite = demoSuite({
  makeDb: (ws) => {
    const out = ugOk(['demo', '--db', ws.db, '--from', REAL_DIVISIONS, '--days', '1']);
    password = /^ {2}leader\s+leader\s+\S+\s+(\S{20})$/m.exec(out)?.[1];
    assert.ok(password, out);
  },
  // Fast, and at any hour: the suite runs at night too.
  flags: ['--demo-live', '--demo-live-rate', '300', '--demo-live-anytime'],
});

test('the screen shows the demo moving: new events arrive by themselves', async () => {
  const rec = await openPage(suite.browser, { viewport: { width: 1920, height: 1080 } });
  await logIn(rec, suite.server.url('/console/screen'), 'leader', password, '.kpi[data-counter="reported"]');
  const { page } = rec;
  const events = () => page.locator('#screen-events li[data-number]')
    .evaluateAll((lis) => lis.map((li) => li.textContent));
  await page.locator('#screen-events li[data-number]').first().waitFor({ timeout: 5000 });
  const first = await events();
  // At 300 moves a minute, more arrive within a few seconds.
  await page.waitForFunction((seen) => {
    const now = [...document.querySelectorAll('#screen-events li[data-number]')].map((li) => li.textContent);
    return now.some((t) => !seen.includes(t));
  }, first, { timeout: 8000 });
  const later = await events();
  assert.ok(later.some((t) => !first.includes(t)), 'no new event on the screen');
  assertClean(rec);
  await rec.context.close();
});

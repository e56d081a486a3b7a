// main.js - the phone pages (/m/): start, the shell (who is logged in,
// the pages of its role, what waits to be sent, the language switch, log
// out), the router and the service worker.  Views are addressed after the
// # (#/tasks, #/report, #/case/12, #/work, #/patrol, #/outbox).  The
// login, the session, the workflow table, the live stream and the words
// shared with the desk are the console's own modules (web/console/src/);
// the offline queue is outbox.js.  Inspectors and handlers have pages
// here; other roles are sent to the console.
import { ApiError } from '../../public/assets/api.js';
import { onLangChange, startI18n, t, translate } from '../../public/assets/i18n-core.js';
import { $, fill, h } from '../../console/src/dom.js';
import { onChange, startLive, stopLive, throttle } from '../../console/src/live.js';
import { renderLogin, renderPassword } from '../../console/src/login.js';
import * as session from '../../console/src/session.js';
import {
  renderCase, renderTasks, renderWork, saying,
} from './cases.js';
import { isDenied, onFix } from './geo.js';
import { useFieldWords } from './lang.js';
import {
  drop, flush, items, onOutbox, retry, sentToday, startSending, stopped,
} from './outbox.js';
import { followShift, myDay, renderPatrol } from './patrol.js';
import { renderReport } from './report.js';

useFieldWords();

const PAGES = {
  inspector: ['tasks', 'report', 'patrol', 'outbox'],
  handler: ['work', 'outbox'],
};

let rerender = null;
let generation = 0;
let viewLive = null;
let said = null;     // what the last report came to (submit()), said by the next page

const pagesOf = () => PAGES[session.user()?.role] ?? [];

async function drawNav() {
  const nav = $('pages');
  const me = session.current();
  if (!me || me.password_change_required) {
    nav.hidden = true;
    $('me').hidden = true;
    return;
  }
  const waiting = (await items()).length;
  const here = window.location.hash;
  fill(nav, pagesOf().map((p) => h('a', {
    href: `#/${p}`, 'aria-current': here.startsWith(`#/${p}`) ? 'page' : false,
    class: p === 'outbox' && waiting ? 'waiting' : null, id: `nav-${p}`,
  }, p === 'outbox' ? t('nav.outbox', { n: waiting }) : t(`nav.${p}`))));
  nav.hidden = false;
  $('me-name').textContent = me.user.display_name || me.user.username;
  $('me').hidden = false;
}

// The line above a list: where the phone is (or why it does not know),
// and, on the inspector's tasks, my numbers today: the server's
// (the assessment counters, GET /api/v1/patrol/me), else what this
// phone sent today, said as such.
function header(page) {
  const geo = h('p', { class: 'muted geo' }, isDenied() ? t('geo.denied') : '');
  let today = null;
  if (page === 'tasks') {
    const n = sentToday();
    today = h('p', { class: 'today', id: 'today' }, t('today.sent', {
      report: n.report ?? 0, verify: n.verify ?? 0, check: n.check ?? 0,
    }));
    myDay().then((me) => {
      const c = me?.counters;
      if (c) {
        today.textContent = t('today.server', {
          report: c.reported ?? 0, verify: c.verified ?? 0, check: c.checked ?? 0,
        });
      }
    }).catch(() => {});
  }
  return h('div', {}, today, navigator.onLine ? null : h('p', { class: 'banner' }, t('tasks.stale')), geo);
}

async function renderOutbox(main) {
  const list = await items();
  const stop = stopped();
  fill(main, h('h1', {}, t('outbox.title')),
    h('p', { class: 'hint' }, t('outbox.limits')),
    list.length ? h('ul', { class: 'outbox' }, list.map((i) => h('li', { dataset: { seq: i.seq } },
      h('strong', {}, i.kind === 'action'
        ? t('outbox.kind.action', { action: t(`action.${i.steps.at(-1).url.split('/').pop()}`), label: i.label })
        : t(`outbox.kind.${i.kind}`, { label: i.label, n: i.label })),
      h('span', { class: 'muted' }, ` ${new Date(i.made_at).toLocaleTimeString()} · ${i.done}/${i.steps.length}`),
      h('p', { class: i.failed ? 'field-error' : 'muted' },
        i.failed ? t('outbox.failed', { message: i.failed }) : t('outbox.waiting')),
      i.failed ? h('button', { type: 'button', onclick: () => drop(i.seq) }, t('outbox.drop')) : null)))
      : h('p', { class: 'muted' }, t('outbox.none')),
    stop ? h('p', { class: 'muted' }, stop.message) : null,
    list.length ? h('button', {
      type: 'button', class: 'big primary', id: 'outbox-retry',
      onclick: async () => {
        for (const i of list) if (i.failed) await retry(i.seq);
        await flush();
      },
    }, t('outbox.retry')) : null);
}

function home() {
  const first = pagesOf()[0];
  return first ? `#/${first}` : '#/none';
}

async function route() {
  const mine = ++generation;
  const main = h('div', { class: 'view' });
  const me = session.current();
  viewLive?.();
  viewLive = null;
  const hash = window.location.hash || '';
  const [, kind, arg] = hash.match(/^#\/([\w-]+)(?:\/(\d+))?/) ?? [];
  if (!me) {
    rerender = () => renderLogin(main, afterLogin);
  } else if (me.password_change_required || kind === 'password') {
    rerender = () => renderPassword(main, { forced: me.password_change_required, done: afterLogin });
  } else if (!pagesOf().length) {
    rerender = () => fill(main, h('p', {}, h('a', { href: '/console/' }, t('field.title'))));
  } else if (kind === 'case' && arg) {
    rerender = (said) => renderCase(main, Number(arg), said);
    // Changes made by others redraw the page; one's own was drawn already.
    viewLive = onChange((ch) => {
      if (ch.case_id === Number(arg) && ch.actor !== session.user()?.username) rerender();
    });
  } else if (pagesOf().includes(kind)) {
    const views = {
      tasks: () => renderTasks(main, header('tasks')),
      work: () => renderWork(main, header('work')),
      report: () => renderReport(main, header('report'), (outcome) => {
        said = outcome;
        window.location.hash = '#/tasks';
      }),
      patrol: () => renderPatrol(main, header('patrol')),
      outbox: () => renderOutbox(main),
    };
    rerender = views[kind];
    if (kind === 'tasks' || kind === 'work') viewLive = onChange(throttle(() => rerender(), 1000));
    if (kind === 'outbox') viewLive = onOutbox(() => rerender());
  } else {
    window.location.replace(home());
    return;
  }
  await drawNav();
  try {
    await rerender();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401 && me) {
      await session.logout().catch(() => {});
      route();
      return;
    }
    fill(main, h('p', { class: 'banner error', role: 'alert' }, t('common.error', { message: e.message })),
      h('button', { type: 'button', onclick: () => route() }, t('common.retry')));
  }
  if (mine !== generation) return;
  if (said) main.prepend(saying(said));
  said = null;
  fill($('main'), main);
}

async function ready() {
  await session.loadWorkflow();
  startLive();
  startSending();
  followShift();
}

async function afterLogin() {
  if (!session.current().password_change_required) {
    await session.refresh();
    if (!session.current().password_change_required) {
      await ready();
      window.location.hash = home();
    }
  }
  route();
}

function registerWorker() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/m/sw.js', { scope: '/m/' }).catch(() => {
    /* not a secure origin, or blocked: the pages work, but not offline */
  });
}

async function start() {
  startI18n();
  registerWorker();
  onLangChange(() => {
    translate();
    drawNav();
    rerender?.();
  });
  onOutbox(throttle(drawNav, 200));
  onFix(() => {}); // ask for the position once, early
  $('logout').addEventListener('click', async () => {
    stopLive();
    await session.logout().catch(() => {});
    navigator.serviceWorker?.controller?.postMessage('forget');
    window.location.hash = '';
    route();
  });
  window.addEventListener('hashchange', route);
  try {
    const me = await session.resume();
    if (me && !me.password_change_required) await ready();
  } catch (e) {
    fill($('main'), h('p', { class: 'banner error', role: 'alert' }, t('common.error', { message: e.message })));
    return;
  }
  route();
}

start();

// main.js - the staff console: start, the shell (who is logged in, the
// workspaces its role opens, the language switch, log out) and the
// router.  Views are addressed after the # (#/ws/dispatch, #/case/12,
// #/password), so the server serves one page and a reload or a shared
// link shows the same view.
import { ApiError } from '../../public/assets/api.js';
import { onLangChange, startI18n, t, translate } from '../../public/assets/i18n-core.js';
import { renderAdmin } from './admin.js';
import { renderAssessment } from './assessment.js';
import { caseChanged, renderCase } from './case.js';
import { $, fill, h } from './dom.js';
import { renderIntake } from './intake.js';
import { useConsoleWords } from './lang.js';
import {
  onChange, startLive, stopLive, throttle,
} from './live.js';
import { renderLogin, renderPassword } from './login.js';
import { renderMap } from './map.js';
import { renderOverview } from './overview.js';
import { refreshQueue, renderQueue } from './queue.js';
import { renderReports } from './reports.js';
import * as session from './session.js';
import {
  SCREEN_ROLES, findWorkspace, followsCases, workspacesOf,
} from './workspaces.js';

useConsoleWords();

let rerender = null; // redraws the current view after a language switch
let generation = 0;  // of route(): a view that finishes late is dropped
let viewLive = null; // stops the current view's live updates

// ---- notices ---------------------------------------------------------------

// What a change says to this user, or null: a case sent to its
// department (or given back to it off hold), a case returned, an
// extension asked, a supervision, a stage gone overdue (to the
// department that holds the case, the shift leader, the leader).  Its
// own steps say nothing.
function noticeFor(ch, me) {
  if (ch.actor === me.username) return null;
  const role = me.role;
  const mine = role === 'handler' && ch.department === me.unit.code;
  if (ch.action === 'dispatch' && mine) return 'notice.dispatched';
  if (ch.action === 'unhang' && mine) return 'notice.unhung';
  if (ch.action === 'overdue' && (mine || ['shift_leader', 'leader'].includes(role))) return 'notice.overdue';
  if (ch.action === 'return' && ['dispatcher', 'shift_leader'].includes(role)) return 'notice.returned';
  if (ch.action === 'extend-request' && role === 'shift_leader') return 'notice.extension';
  if (ch.action === 'supervise') return 'notice.supervised';
  return null;
}

// Once logged in (and past a password change): for the roles whose pages
// show cases, the workflow table and the live stream.  The accounts' and
// the audit's roles read neither.
async function ready() {
  if (!followsCases(session.user().role)) return;
  await session.loadWorkflow();
  startLive();
}

function notify(ch) {
  const me = session.user();
  const key = me && noticeFor(ch, me);
  if (!key) return;
  const list = $('notices');
  list.prepend(h('li', {}, h('a', { href: `#/case/${ch.case_id}` }, t(key, { number: ch.number }))));
  while (list.children.length > 5) list.lastChild.remove();
}

// What a view redraws when a change arrives.
function liveFor(main, w, caseId) {
  if (w?.kind === 'queue') return onChange(throttle(() => refreshQueue(main, w), 500));
  if (w?.id === 'overview') return onChange(throttle(() => renderOverview(main), 1000));
  if (w?.kind === 'map') return onChange(throttle(() => main.querySelector('.map')?.refresh?.(), 2000));
  if (caseId) {
    return onChange((ch) => {
      if (ch.case_id === caseId && ch.actor !== session.user()?.username) caseChanged(main, caseId, ch);
    });
  }
  return null;
}

// ---- the shell -----------------------------------------------------------

function drawShell() {
  const me = session.current();
  const nav = $('workspaces');
  const box = $('me');
  if (!me || me.password_change_required) {
    nav.hidden = true;
    box.hidden = !me;
    if (me) {
      $('me-name').textContent = me.user.display_name || me.user.username;
      $('me-role').textContent = t(`role.${me.user.role}`);
    }
    return;
  }
  const here = window.location.hash;
  fill(nav, workspacesOf(me.user.role).map((w) => {
    const href = `#/ws/${w.id}`;
    return h('a', { href, 'aria-current': here.startsWith(href) ? 'page' : false },
      t(`ws.${w.id}`));
  }), SCREEN_ROLES.includes(me.user.role)
    ? h('a', { href: '/console/screen', class: 'screen-link' }, t('ws.screen')) : null);
  nav.hidden = false;
  $('me-name').textContent = me.user.display_name || me.user.username;
  $('me-role').textContent = `${t(`role.${me.user.role}`)} · ${me.user.unit.name || me.user.unit.code}`;
  box.hidden = false;
}

// ---- the router ----------------------------------------------------------

function home() {
  const me = session.current();
  const first = workspacesOf(me.user.role)[0];
  return first ? `#/ws/${first.id}` : '#/password';
}

// Each view is drawn into a fresh element, put on the page only if no
// newer route() began meanwhile (a slow queue must not cover the case
// page opened after it); the view's own later redraws (after an action)
// go to that element, on the page by then.
async function route() {
  const mine = ++generation;
  const main = h('div', { class: 'view' });
  const me = session.current();
  viewLive?.();
  viewLive = null;
  const hash = window.location.hash || '';
  if (!me) {
    rerender = () => renderLogin(main, afterLogin);
  } else if (me.password_change_required || hash === '#/password') {
    rerender = () => renderPassword(main, { forced: me.password_change_required, done: afterPassword });
  } else {
    const [, kind, arg] = hash.match(/^#\/([\w-]+)(?:\/([\w-]+))?/) ?? [];
    if (kind === 'case' && /^\d+$/.test(arg ?? '')) {
      rerender = () => renderCase(main, Number(arg));
      viewLive = liveFor(main, null, Number(arg));
    } else if (kind === 'ws' && findWorkspace(me.user.role, arg)) {
      const w = findWorkspace(me.user.role, arg);
      const views = {
        intake: renderIntake, overview: renderOverview, assessment: renderAssessment, reports: renderReports,
        departments: renderAdmin, routing: renderAdmin, standards: renderAdmin, calendar: renderAdmin,
        grids: renderAdmin, generate: renderAdmin, components: renderAdmin,
        users: renderAdmin,
        tokens: renderAdmin,
        policy: renderAdmin, audit: renderAdmin,
      };
      rerender = w.kind === 'queue' ? () => renderQueue(main, w)
        : w.kind === 'map' ? () => renderMap(main, w) : () => views[w.id](main, w);
      viewLive = liveFor(main, w, null);
    } else {
      window.location.replace(home());
      return;
    }
  }
  drawShell();
  try {
    await rerender();
  } catch (e) {
    showFailure(main, e);
  }
  if (mine !== generation) return;
  fill($('main'), main);
  (main.querySelector('[autofocus]') ?? $('main')).focus();
}

// A view that could not load: a 401 means the session ended (logged out
// elsewhere, expired): back to the login form.
function showFailure(main, e) {
  if (e instanceof ApiError && e.status === 401 && session.current()) {
    stopLive();
    session.logout().catch(() => {});
    window.location.hash = '';
    route();
    return;
  }
  fill(main, h('p', { class: 'banner error', role: 'alert' },
    t('common.error', { message: e.message })),
  h('button', { type: 'button', onclick: () => route() }, t('common.retry')));
}

async function afterLogin() {
  // Held for a password change, the session reaches nothing else yet.
  if (!session.current().password_change_required) {
    await ready();
    window.location.hash = home();
  }
  route();
}

async function afterPassword() {
  await session.refresh();
  await ready();
  window.location.hash = home();
  route();
}

async function start() {
  startI18n();
  onLangChange(() => {
    translate();
    drawShell();
    rerender?.();
  });
  onChange(notify);
  $('logout').addEventListener('click', async () => {
    stopLive();
    fill($('notices'));
    await session.logout().catch(() => {});
    window.location.hash = '';
    route();
  });
  window.addEventListener('hashchange', route);
  try {
    const me = await session.resume();
    if (me && !me.password_change_required) {
      await ready();
    }
  } catch (e) {
    showFailure($('main'), e);
    return;
  }
  route();
}

start();

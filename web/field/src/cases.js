// cases.js - the phone's case pages: the inspector's tasks (the
// verifications given to me, the checks of my area) and the handler's
// department worklist, nearest first by the phone's position (the
// server's near=lon,lat), each with its deadline and light; one case with
// the actions the server says its user may take now (the case's
// `actions`, their fields from the workflow table's `needs`), each two
// taps: the action (核实, 通过 / 不通过, 处置反馈, …), then 提交 - with
// photos from the camera.  Every action goes through the outbox, so it
// is kept on the phone when there is no network.
import { getJSON } from '../../public/assets/api.js';
import { hasText, t } from '../../public/assets/i18n-core.js';
import {
  announce, clearErrors, fieldError, fill, h,
} from '../../console/src/dom.js';
import { formatTime, light, timeLeft } from '../../console/src/format.js';
import { categoryName, loadCategories } from '../../console/src/reference.js';
import * as session from '../../console/src/session.js';
import { here, metres, nearQuery } from './geo.js';
import { submit } from './outbox.js';

// What a submit() came to, on top of the page that follows it.
export function saying(outcome) {
  if (!outcome) return null;
  return h('p', {
    id: 'said', class: outcome.refused ? 'banner error' : 'banner ok', role: outcome.refused ? 'alert' : 'status',
  }, outcome.text);
}

// What a distance reads: "120 米", "3.4 公里".
export function distance(c) {
  const at = here();
  if (!at || !c.location) return null;
  const m = metres(at, c.location);
  return m < 1000 ? t('dist.m', { n: Math.round(m) }) : t('dist.km', { n: (m / 1000).toFixed(1) });
}

function caseItem(c) {
  return h('li', { class: 'task' },
    h('a', { href: `#/case/${c.id}` },
      h('span', { class: 'task-top' },
        h('strong', {}, categoryName(c.category)),
        distance(c) ? h('span', { class: 'dist' }, distance(c)) : null),
      h('span', { class: 'task-desc' }, c.address || c.description),
      h('span', { class: 'task-due' }, light(c.light), ' ', timeLeft(c.deadline), ' · ',
        t(`state.${c.state}`), ' · ', c.number)));
}

// A list of cases (GET query), nearest first when the phone knows where
// it is, else earliest deadline first; only those offering `action`.
async function caseList(query, action) {
  const r = await getJSON(`/api/v1/cases?${query}&sort=deadline&per_page=100${nearQuery()}`);
  return r.cases.filter((c) => !action || c.actions.includes(action));
}

function section(title, cases, none) {
  return h('section', {},
    h('h2', {}, title),
    cases.length ? h('ul', { class: 'tasks' }, cases.map(caseItem)) : h('p', { class: 'muted' }, none));
}

// The inspector's tasks.
export async function renderTasks(main, header) {
  await loadCategories();
  const [verify, check] = await Promise.all([
    caseList('assignee=me&state=reported', 'verify'),
    caseList('state=handled', 'check'),
  ]);
  fill(main, h('h1', {}, t('tasks.title')), header,
    section(t('tasks.verify'), verify, t('tasks.none')),
    section(t('tasks.check'), check, t('tasks.none')));
}

// The handler's department worklist (the server keeps it to the
// department's cases).
export async function renderWork(main, header) {
  await loadCategories();
  const work = await caseList('state=dispatched,hung', null);
  fill(main, h('h1', {}, t('work.title')), header,
    work.length ? h('ul', { class: 'tasks' }, work.map(caseItem)) : h('p', { class: 'muted' }, t('work.none')));
}

// The kind a photo taken with an action is kept as (docs/api.md,
// attachments): the check's and the handling's have their own.
const PHOTO_KIND = { check: 'check', handle: 'handle' };
// Needs the phone draws; an action needing anything else (a department,
// a merge target, an inspector) is the desk's.
const PHONE_NEEDS = ['reason', 'note', 'hours', 'passed'];

function photoInput(id) {
  return h('input', {
    id, type: 'file', name: 'photos', accept: 'image/*', capture: 'environment', multiple: true,
  });
}

// The buttons of case c: one per action it offers (two for one that
// needs `passed`), each opening its small form.
function actionButtons(c, box, done) {
  const wf = c.actions.map((a) => session.actionInfo(a))
    .filter((a) => a && a.needs.every((n) => PHONE_NEEDS.includes(n)));
  if (!wf.length) return h('p', { class: 'muted' }, t('case.desk'));
  const buttons = [];
  for (const a of wf) {
    const choices = a.needs.includes('passed') ? ['true', 'false'] : [null];
    for (const p of choices) {
      const key = p ? `act.${a.action}.${p}` : `act.${a.action}.true`;
      const text = hasText(key) ? t(key) : (p ? t(`need.passed.${p}`) : t(`action.${a.action}`));
      buttons.push(h('button', {
        type: 'button', class: p === 'false' ? 'big warn' : 'big', dataset: { action: a.action, passed: p ?? '' },
        onclick: () => fill(box, actionForm(c, a, p, done)),
      }, text));
    }
  }
  return h('div', { class: 'actions' }, buttons);
}

function actionForm(c, a, passed, done) {
  const controls = [];
  for (const n of a.needs) {
    if (n === 'reason' || n === 'note') {
      controls.push(h('div', { class: 'field', dataset: { field: n } },
        h('label', { for: `act-${n}` }, t(`need.${n}`)),
        h('textarea', { id: `act-${n}`, name: n, rows: 3, maxlength: 1000 }),
        h('p', { class: 'field-error', hidden: true })));
    } else if (n === 'hours') {
      controls.push(h('div', { class: 'field', dataset: { field: 'hours' } },
        h('label', { for: 'act-hours' }, t('need.hours')),
        h('input', { id: 'act-hours', name: 'hours', type: 'number', min: 1, max: 2000, inputmode: 'numeric' }),
        h('p', { class: 'field-error', hidden: true })));
    }
  }
  const photos = photoInput('act-photos');
  const form = h('form', { class: 'act-form', novalidate: true, dataset: { action: a.action } },
    h('h2', {}, t(`action.${a.action}`), passed ? ` · ${t(`need.passed.${passed}`)}` : ''),
    controls,
    h('div', { class: 'field' }, h('label', { for: 'act-photos' }, t('case.photo.add')), photos),
    h('p', { class: 'banner error', role: 'alert', hidden: true }),
    h('button', { type: 'submit', class: 'big primary' }, t('case.submit')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const body = { version: c.version };
    for (const n of a.needs) {
      if (n === 'passed') {
        body.passed = passed === 'true';
        continue;
      }
      const v = form.elements[n].value.trim();
      if (!v) return fieldError(form, n, t(`need.${n}`));
      body[n] = n === 'hours' ? Number(v) : v;
    }
    const kind = PHOTO_KIND[a.action] ?? 'other';
    const steps = [...photos.files].map((f) => ({
      method: 'POST', url: `/api/v1/cases/${c.id}/attachments?kind=${kind}`, body: f,
    }));
    steps.push({ method: 'POST', url: `/api/v1/cases/${c.id}/actions/${a.action}`, body });
    form.querySelector('button[type=submit]').disabled = true;
    done(await submit({
      kind: 'action', label: c.number, work: a.action, action: a.action, steps,
    }));
  });
  return form;
}

function photosOf(c) {
  const all = Object.values(c.photos ?? {}).flat();
  if (!all.length) return null;
  return h('section', {}, h('h2', {}, t('case.photos')),
    h('div', { class: 'photos' }, all.map((p) => h('img', {
      src: p.url, alt: `${t('case.photos')} ${p.kind}`, loading: 'lazy',
    }))));
}

// One case, with what its user may do on it now.  `said`: what the last
// action came to (submit()), shown on top.
export async function renderCase(main, id, said) {
  await Promise.all([loadCategories(), session.loadWorkflow()]);
  const c = await getJSON(`/api/v1/cases/${id}`);
  const box = h('div', { class: 'act-box' });
  // After the action the case may be out of the user's sight (a handler's
  // return gives it back to the centre): then only what it came to.
  const redraw = (outcome) => renderCase(main, id, outcome).catch(() => {
    fill(main, saying(outcome),
      h('p', {}, h('a', { href: '#/', class: 'back' }, `‹ ${t('case.back')}`)));
  });
  box.append(actionButtons(c, box, (outcome) => {
    announce(outcome.text);
    redraw(outcome);
  }));
  fill(main,
    h('p', {}, h('a', { href: '#/', class: 'back' }, `‹ ${t('case.back')}`)),
    saying(said),
    h('h1', {}, t('case.title', { number: c.number })),
    h('p', {}, light(c.light), ' ', t(`state.${c.state}`), ' · ', categoryName(c.category, { withCode: true })),
    h('dl', { class: 'facts' },
      h('dt', {}, t('case.address')), h('dd', {}, c.address || '—', distance(c) ? ` (${distance(c)})` : ''),
      h('dt', {}, t('case.deadline')), h('dd', {}, c.deadline ? `${formatTime(c.deadline)} · ${timeLeft(c.deadline)}` : '—')),
    h('p', { class: 'desc' }, c.description),
    photosOf(c),
    box);
}

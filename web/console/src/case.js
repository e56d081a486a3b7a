// case.js - one case: what it is, where, the standard it keeps, its
// deadline and light, the photos before and after side by side, the
// timeline, and the buttons for exactly the actions the server says the
// user may take now (the case's `actions`; the fields each needs come
// from the workflow table, GET /api/v1/workflow).  When someone else
// changed the case first (409), the case is loaded again, the page says
// what changed, and what was typed stays in the form.
import { ApiError, getJSON, post } from '../../public/assets/api.js';
import { hasText, t } from '../../public/assets/i18n-core.js';
import {
  announce, clearErrors, field, fill, formError, h,
} from './dom.js';
import { formatTime, light, sayError, timeLeft } from './format.js';
import {
  categoryName, departmentName, loadCategories, loadDepartments,
} from './reference.js';
import { pointMap } from './map.js';
import * as session from './session.js';

const PHOTO_KINDS = ['report', 'handle', 'check', 'other'];

function facts(c) {
  const rows = [
    ['case.category', categoryName(c.category, { withCode: true })],
    ['case.urgency', t(`urgency.${c.urgency}`)],
    ['case.source', t(`source.${c.source}`)],
    ['case.description', c.description],
    ['case.address', c.address],
    ['case.area', [c.street, c.community, c.grid].filter(Boolean).join(' / ') || c.area],
    ['case.location', c.location ? `${c.location.lon.toFixed(6)}, ${c.location.lat.toFixed(6)}` : ''],
    ['case.component', c.component],
    ['case.reporter', [c.reporter?.name, c.reporter?.phone].filter(Boolean).join(' ')],
    ['case.department', c.department ? departmentName(c.department) : ''],
    ['case.assignee', c.assignee ?? ''],
    ['case.standard', t('case.standard_version', { id: c.standard_id })],
    ['case.priority', c.priority ? t('case.priority_n', { n: c.priority }) : ''],
    ['case.rework', c.rework_count ? String(c.rework_count) : ''],
    ['case.extension', c.extension_requested_hours ? t('case.extension_hours', { n: c.extension_requested_hours }) : ''],
    ['case.created', `${formatTime(c.created_at)} · ${c.created_by}`],
  ];
  return h('dl', { class: 'facts' }, rows.filter(([, v]) => v).map(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v)]));
}

// Where it is, over its grids (a case without a point has none).
function place(c) {
  if (!c.location) return null;
  const box = h('div', { class: 'map small', role: 'img', 'aria-label': t('case.place', { grid: c.grid ?? c.area }) });
  pointMap(box, { at: c.location });
  return box;
}

function photos(c) {
  return h('section', { class: 'photos', 'aria-labelledby': 'photos-h' },
    h('h2', { id: 'photos-h' }, t('case.photos')),
    h('div', { class: 'photo-kinds' }, PHOTO_KINDS.map((k) => h('figure', { class: 'photo-kind' },
      h('figcaption', {}, t(`photo.${k}`)),
      c.photos[k].length
        ? c.photos[k].map((p) => h('a', { href: p.url, target: '_blank', rel: 'noopener' },
          h('img', { src: p.url, alt: t('photo.alt', { kind: t(`photo.${k}`), by: p.created_by }), loading: 'lazy' })))
        : h('p', { class: 'muted' }, t('case.no_photos'))))));
}

// The history names actions and roles the console may not know yet (a
// newer server): those show as the server wrote them.
const word = (prefix, v) => (hasText(`${prefix}.${v}`) ? t(`${prefix}.${v}`) : v);

function timeline(c) {
  return h('section', { 'aria-labelledby': 'history-h' },
    h('h2', { id: 'history-h' }, t('case.history')),
    h('ol', { class: 'timeline' }, c.history.map((e) => h('li', {},
      h('time', { datetime: e.at }, formatTime(e.at)), ' ',
      h('strong', {}, word('action', e.action)), ' ',
      h('span', { class: 'muted' }, `${e.actor}${e.actor_role ? ` · ${word('role', e.actor_role)}` : ''}`),
      e.from_state && e.from_state !== e.to_state
        ? h('span', { class: 'muted' }, ` ${t(`state.${e.from_state}`)} → ${t(`state.${e.to_state}`)}`) : null,
      e.note ? h('p', { class: 'note' }, e.note) : null))));
}

// The input for one of an action's needs.  values: what was typed before
// (kept through a 409).
async function needControl(need, c, values) {
  const v = values?.[need] ?? '';
  switch (need) {
  case 'reason':
  case 'note':
    return field(`act-${need}`, t(`need.${need}`),
      h('textarea', { name: need, rows: 3, maxlength: 1000, required: true, value: v }));
  case 'hours':
    return field('act-hours', t('need.hours'),
      h('input', { name: 'hours', type: 'number', min: 1, max: 2000, required: true, value: v }),
      t('need.hours.hint'));
  case 'passed':
    return h('fieldset', { class: 'field', dataset: { field: 'passed' } },
      h('legend', {}, t('need.passed')),
      ['true', 'false'].map((p) => h('label', { class: 'choice' },
        h('input', { type: 'radio', name: 'passed', value: p, checked: (v || 'true') === p }),
        t(`need.passed.${p}`))),
      h('p', { class: 'field-error', hidden: true }));
  case 'rating':
    // 回访: what the reporter said on the phone.
    return h('fieldset', { class: 'field', dataset: { field: 'rating' } },
      h('legend', {}, t('need.rating')),
      ['satisfied', 'basically_satisfied', 'dissatisfied'].map((r) => h('label', { class: 'choice' },
        h('input', { type: 'radio', name: 'rating', value: r, required: true, checked: v === r }),
        t(`need.rating.${r}`))),
      h('p', { class: 'field-error', hidden: true }));
  case 'target':
    return field('act-target', t('need.target'),
      h('input', { name: 'target', inputmode: 'numeric', required: true, value: v }), t('need.target.hint'));
  case 'inspector': {
    // Those who may verify this case: the inspectors of its place.
    const { inspectors } = await getJSON(`/api/v1/cases/${c.id}/inspectors`);
    return field('act-inspector', t('need.inspector'),
      h('select', { name: 'inspector', required: true },
        h('option', { value: '' }, t('need.inspector.choose')),
        inspectors.map((i) => h('option', { value: i.username, selected: i.username === v },
          `${i.display_name} (${i.username}) · ${i.unit_name}`))));
  }
  case 'department': {
    const deps = (await loadDepartments()).filter((d) => !d.disabled && d.kind !== 'centre');
    const chosen = v || c.dispatch_suggestion?.department || '';
    return field('act-department', t('need.department'),
      h('select', { name: 'department', required: true },
        h('option', { value: '' }, t('dispatch.choose')),
        deps.map((d) => h('option', { value: d.code, selected: d.code === chosen }, d.name))),
      c.dispatch_suggestion?.department
        ? t('case.suggested', { name: c.dispatch_suggestion.name, reason: t(`suggest.${c.dispatch_suggestion.reason}`) })
        : null);
  }
  default:
    return null;
  }
}

// The merge target: a case number (13 digits) or an id.
async function targetId(text) {
  const s = text.trim();
  if (/^\d{13}$/.test(s)) {
    const r = await getJSON(`/api/v1/cases?q=${s}&per_page=1`);
    if (!r.cases.length) throw new ApiError(404, 'not_found', t('need.target.unknown', { number: s }), 'target');
    return r.cases[0].id;
  }
  if (/^\d{1,12}$/.test(s)) return Number(s);
  throw new ApiError(400, 'invalid', t('need.target.hint'), 'target');
}

// After-photos go up with the handling (kind "handle"), before it.
async function uploadPhotos(c, files, kind) {
  for (const file of files) {
    await post(`/api/v1/cases/${c.id}/attachments?kind=${kind}`, file);
  }
}

async function actionForm(main, c, name, values) {
  const info = session.actionInfo(name);
  const controls = await Promise.all((info?.needs ?? []).map((n) => needControl(n, c, values)));
  const photo = name === 'handle'
    ? field('act-photos', t('need.photos'),
      h('input', { name: 'photos', type: 'file', accept: 'image/jpeg,image/png,image/webp', multiple: true }),
      t('need.photos.hint'))
    : null;
  const submit = h('button', { type: 'submit', class: 'primary' }, t(`action.${name}`));
  const form = h('form', { class: 'card action-form', novalidate: true, dataset: { action: name } },
    h('h2', {}, t('case.act', { action: t(`action.${name}`) })),
    h('p', { class: 'banner error', role: 'alert', hidden: true }),
    controls, photo,
    h('div', { class: 'buttons' }, submit,
      h('button', { type: 'button', class: 'link', onclick: () => form.remove() }, t('common.cancel'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const data = Object.fromEntries(new FormData(form));
    const body = { version: c.version };
    try {
      for (const n of info?.needs ?? []) {
        const v = typeof data[n] === 'string' ? data[n].trim() : '';
        if (!v) throw new ApiError(400, 'invalid', t('need.required', { what: t(`need.${n}`) }), n);
        if (n === 'hours') body.hours = Number(v);
        else if (n === 'passed') body.passed = v === 'true';
        else if (n === 'target') body.target = await targetId(v);
        else body[n] = v;
      }
      submit.disabled = true;
      if (photo) await uploadPhotos(c, form.querySelector('[name=photos]').files, 'handle');
      await post(`/api/v1/cases/${c.id}/actions/${name}`, body);
      announce(t('case.done', { action: t(`action.${name}`) }));
      await renderCase(main, c.id, { said: t('case.done', { action: t(`action.${name}`) }) });
    } catch (e) {
      submit.disabled = false;
      if (e instanceof ApiError && e.status === 409) {
        // Someone else was first: show the case as it is now, and this
        // form again with what was typed.
        const typed = Object.fromEntries([...new FormData(form)].filter(([k]) => k !== 'photos'));
        await renderCase(main, c.id, { conflict: { action: name, values: typed, was: c } });
        return;
      }
      formError(form, e, sayError);
    }
  });
  return form;
}

// What changed between the case the user saw and the case now.
function changes(was, now) {
  const said = [];
  if (was.state !== now.state) said.push(t('conflict.state', { from: t(`state.${was.state}`), to: t(`state.${now.state}`) }));
  if (was.department !== now.department) said.push(t('conflict.department', { to: now.department ? departmentName(now.department) : '—' }));
  const last = now.history[now.history.length - 1];
  if (last) said.push(t('conflict.last', { action: word('action', last.action), actor: last.actor, at: formatTime(last.at) }));
  return said.join(' ');
}

function dispatchSheet(c) {
  return h('section', { class: 'sheet', 'aria-hidden': 'true' },
    h('h1', {}, t('sheet.title')),
    h('table', {}, h('tbody', {},
      [['sheet.number', c.number], ['case.category', categoryName(c.category, { withCode: true })],
        ['case.urgency', t(`urgency.${c.urgency}`)], ['case.address', c.address || c.area],
        ['case.description', c.description], ['case.department', c.department ? departmentName(c.department) : ''],
        ['case.deadline', formatTime(c.deadline)],
        ['sheet.dispatched', formatTime(c.history.filter((e) => e.action === 'dispatch').pop()?.at)]]
        .map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, t(k)), h('td', {}, v ?? ''))))),
    h('p', { class: 'sheet-sign' }, t('sheet.sign')));
}

export async function renderCase(main, id, { said, conflict } = {}) {
  const [c] = await Promise.all([getJSON(`/api/v1/cases/${id}`), loadCategories(), loadDepartments(),
    session.loadWorkflow()]);
  const actionsBox = h('div', { class: 'actions', role: 'group', 'aria-label': t('case.actions') });
  const formBox = h('div', { class: 'action-box' });
  for (const name of c.actions) {
    actionsBox.append(h('button', {
      type: 'button',
      dataset: { action: name },
      onclick: async () => {
        fill(formBox, await actionForm(main, c, name));
        formBox.querySelector('input, select, textarea, button')?.focus();
      },
    }, t(`action.${name}`)));
  }
  const printable = c.department && ['dispatched', 'hung', 'handled'].includes(c.state);
  fill(main,
    h('p', {}, h('button', { type: 'button', class: 'link back', onclick: () => window.history.back() }, t('case.back'))),
    h('h1', {}, t('case.title', { number: c.number })),
    said ? h('p', { class: 'banner ok', role: 'status' }, said) : null,
    conflict ? h('p', { class: 'banner error', role: 'alert' },
      t('conflict.said'), ' ', changes(conflict.was, c)) : null,
    h('p', { class: 'case-status' },
      h('span', { class: 'state' }, t(`state.${c.state}`)), ' ',
      light(c.light), ' ',
      c.deadline ? h('span', {}, t('case.deadline_at', { at: formatTime(c.deadline) }), ' · ', timeLeft(c.deadline)) : null,
      c.deadline_provisional ? h('span', { class: 'muted' }, ` (${t('case.provisional')})`) : null),
    h('section', { 'aria-labelledby': 'actions-h' },
      h('h2', { id: 'actions-h' }, t('case.actions')),
      c.actions.length ? actionsBox : h('p', { class: 'muted' }, t('case.no_actions')),
      printable ? h('button', { type: 'button', class: 'link', onclick: () => window.print() }, t('sheet.print')) : null,
      formBox),
    h('div', { class: 'case-cols' }, h('div', {}, facts(c), place(c)), timeline(c)),
    photos(c),
    printable ? dispatchSheet(c) : null);
  if (conflict) {
    if (c.actions.includes(conflict.action)) {
      fill(formBox, await actionForm(main, c, conflict.action, conflict.values));
    } else {
      // The action is no longer open; what was typed is still shown.
      const typed = Object.values(conflict.values).filter((v) => typeof v === 'string' && v).join('\n');
      if (typed) {
        fill(formBox, field('kept-text', t('conflict.kept'),
          h('textarea', { name: 'kept', rows: 3, readonly: true, value: typed })));
      }
    }
  }
}

// Someone else changed the case on screen (live.js): with no form open,
// draw it again saying so; with one open, say so and leave the form (its
// submit meets the 409 path if the change was in its way).
export async function caseChanged(main, id, ch) {
  const what = t('live.changed', { actor: ch.actor, action: word('action', ch.action) });
  if (main.querySelector('.action-form')) {
    const box = main.querySelector('.live-banner') ?? h('p', { class: 'banner info live-banner', role: 'status' });
    box.textContent = what;
    main.querySelector('h1')?.after(box);
    return;
  }
  await renderCase(main, id, { said: what });
}

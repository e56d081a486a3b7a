// queue.js - a workspace's queue: the cases of its filter that the user
// sees, earliest deadline first, with the light and the time left,
// filters (state, category, street/community, source, light) and pages
// of 20.  The filters live in the address (#/ws/dispatch?light=red&page=2)
// so a reload or a shared link shows the same page.  The dispatcher's
// queue also dispatches: the routing suggestion pre-selected, each
// department's current load beside its name, one case or many at once.
import { ApiError, getJSON, post } from '../../public/assets/api.js';
import { t } from '../../public/assets/i18n-core.js';
import { announce, fill, h } from './dom.js';
import { formatTime, light, timeLeft } from './format.js';
import {
  categoryName, departmentName, loadCategories, loadDepartments, loadDivision,
} from './reference.js';
import * as session from './session.js';

const PER_PAGE = 20;
const LIGHTS = ['red', 'yellow', 'green', 'none'];

// The filters in the address after '?'.
export function addressFilters() {
  const q = window.location.hash.split('?')[1] ?? '';
  return Object.fromEntries(new URLSearchParams(q));
}

function setAddressFilters(w, filters) {
  const q = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== '' && v != null));
  const s = q.toString();
  window.location.hash = `#/ws/${w.id}${s ? `?${s}` : ''}`;
}

// The query of GET /api/v1/cases for workspace w and the chosen filters.
export function queueQuery(w, f) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(w.query)) q.set(k, String(v));
  if (f.state && w.query.state?.split(',').includes(f.state)) q.set('state', f.state);
  if (f.category) q.set('category', f.category);
  if (f.area) q.set(f.area.length > 9 ? 'community' : 'street', f.area);
  if (f.source) q.set('source', f.source);
  if (f.light && !w.query.light) q.set('light', f.light);
  q.set('sort', 'deadline');
  q.set('page', f.page || '1');
  q.set('per_page', String(PER_PAGE));
  return q.toString();
}

function select(name, label, options, value) {
  const el = h('select', { name, id: `f-${name}` },
    h('option', { value: '' }, t('common.all')),
    options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
  return h('div', { class: 'filter' }, h('label', { for: el.id }, label), el);
}

export async function filterForm(w, f) {
  const me = session.user();
  const wf = await session.loadWorkflow();
  const cats = await loadCategories();
  const parts = [];
  const states = w.query.state?.split(',') ?? [];
  if (states.length > 1) {
    parts.push(select('state', t('filter.state'), states.map((s) => [s, t(`state.${s}`)]), f.state));
  }
  const catInput = h('input', {
    name: 'category', id: 'f-category', list: 'f-category-list', value: f.category ?? '',
    placeholder: t('filter.category.hint'), autocomplete: 'off', size: 18,
  });
  parts.push(h('div', { class: 'filter' },
    h('label', { for: 'f-category' }, t('filter.category')), catInput,
    h('datalist', { id: 'f-category-list' },
      [...cats.keys()].map((code) => h('option', { value: code }, categoryName(code, { withCode: true }))))));
  const div = me.unit.kind === 'division' ? await loadDivision(me.unit.code) : null;
  if (div?.children?.length) {
    parts.push(select('area', t('filter.area'),
      div.children.map((c) => [c.code, c.name]), f.area));
  }
  parts.push(select('source', t('filter.source'),
    wf.sources.map((s) => [s.source, t(`source.${s.source}`)]), f.source));
  if (!w.query.light) {
    parts.push(select('light', t('filter.light'), LIGHTS.map((l) => [l, t(`light.${l}`)]), f.light));
  }
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('filter.label') },
    parts,
    h('button', { type: 'submit' }, t('filter.apply')),
    h('button', { type: 'button', class: 'link', onclick: () => setAddressFilters(w, {}) }, t('filter.clear')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    // "06010 暴露垃圾" picked from the list, or a bare code typed.
    data.category = (data.category ?? '').trim().match(/^\d{5}/)?.[0] ?? '';
    setAddressFilters(w, data);
  });
  return form;
}

function caseRow(c, extra) {
  return h('tr', {},
    extra?.check ?? null,
    h('td', {}, h('a', { href: `#/case/${c.id}` }, c.number)),
    h('td', {}, categoryName(c.category)),
    h('td', {}, c.address || c.area),
    h('td', {}, t(`state.${c.state}`)),
    h('td', {}, light(c.light), ' ', h('span', { class: 'muted' }, timeLeft(c.deadline))),
    h('td', {}, formatTime(c.deadline)),
    extra?.department ?? null);
}

function pager(w, f, total) {
  const page = Number(f.page || 1);
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  const go = (p) => setAddressFilters(w, { ...f, page: String(p) });
  return h('nav', { class: 'pager', 'aria-label': t('common.pages') },
    h('button', { type: 'button', disabled: page <= 1, onclick: () => go(page - 1) }, t('common.prev')),
    h('span', {}, t('common.page', { page, pages, total })),
    h('button', { type: 'button', disabled: page >= pages, onclick: () => go(page + 1) }, t('common.next')));
}

// The dispatcher's columns: a check box, and the department to send to
// (the suggestion - in each case of the list, asked with suggest=1 -
// first, each department with its open cases now).
async function dispatchExtras(cases) {
  const [deps, load] = await Promise.all([
    loadDepartments(),
    getJSON('/api/v1/cases/stats?by=department&state=dispatched,hung'),
  ]);
  const open = (code) => load.counts[code]?.total ?? 0;
  const usable = deps.filter((d) => !d.disabled && d.kind !== 'centre');
  return cases.map((c) => {
    const suggested = c.dispatch_suggestion?.department ?? '';
    const sel = h('select', {
      name: `department-${c.id}`, 'aria-label': t('dispatch.department_for', { number: c.number }),
    },
    h('option', { value: '' }, t('dispatch.choose')),
    usable.map((d) => h('option', { value: d.code, selected: d.code === suggested },
      t('dispatch.option', { name: d.name, n: open(d.code) }))));
    const box = h('input', {
      type: 'checkbox', name: 'pick', value: String(c.id),
      'aria-label': t('dispatch.pick', { number: c.number }),
    });
    return {
      version: c.version,
      check: h('td', {}, box),
      department: h('td', {}, sel),
      box,
      sel,
    };
  });
}

export async function renderQueue(main, w) {
  const f = addressFilters();
  const [form, list] = await Promise.all([
    filterForm(w, f),
    getJSON(`/api/v1/cases?${queueQuery(w, f)}${w.id === 'dispatch' ? '&suggest=1' : ''}`),
  ]);
  const dispatching = w.id === 'dispatch';
  const extras = dispatching ? await dispatchExtras(list.cases) : [];
  const head = h('tr', {},
    dispatching ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('dispatch.pick_col'))) : null,
    [t('col.number'), t('col.category'), t('col.place'), t('col.state'), t('col.light'), t('col.deadline')]
      .map((c) => h('th', { scope: 'col' }, c)),
    dispatching ? h('th', { scope: 'col' }, t('col.department')) : null);
  const rows = list.cases.map((c, i) => caseRow(c, extras[i]));
  const status = h('p', { class: 'queue-status banner', role: 'status', hidden: true });
  const table = list.cases.length
    ? h('table', { class: 'queue' }, h('caption', { class: 'visually-hidden' }, t(`ws.${w.id}`)),
      h('thead', {}, head), h('tbody', {}, rows))
    : h('p', { class: 'empty' }, t('queue.empty'));
  let bulk = null;
  if (dispatching && list.cases.length) {
    bulk = h('button', { type: 'button', class: 'primary' }, t('dispatch.selected'));
    bulk.addEventListener('click', async () => {
      const picked = list.cases.map((c, i) => ({ c, x: extras[i] })).filter(({ x }) => x.box.checked);
      if (!picked.length) {
        status.textContent = t('dispatch.none_picked');
        status.className = 'queue-status banner error';
        status.hidden = false;
        return;
      }
      bulk.disabled = true;
      const failed = [];
      let done = 0;
      for (const { c, x } of picked) {
        if (!x.sel.value) {
          failed.push(t('dispatch.no_department', { number: c.number }));
          continue;
        }
        try {
          await post(`/api/v1/cases/${c.id}/actions/dispatch`, { version: x.version, department: x.sel.value });
          done++;
        } catch (e) {
          failed.push(`${c.number}: ${e instanceof ApiError ? e.message : String(e)}`);
        }
      }
      const said = t('dispatch.done', { n: done, department: done ? departmentName(picked[0].x.sel.value) : '' });
      announce(said);
      await renderQueue(main, w);
      const again = main.querySelector('.queue-status');
      again.textContent = failed.length ? `${said} ${t('dispatch.failed')} ${failed.join('; ')}` : said;
      again.className = `queue-status banner ${failed.length ? 'error' : 'ok'}`;
      again.hidden = false;
    });
  }
  fill(main,
    h('h1', {}, t(`ws.${w.id}`)),
    form,
    status,
    table,
    bulk ? h('div', { class: 'bulk' }, bulk) : null,
    pager(w, f, list.total));
}

// Draw the queue again after a change elsewhere (live.js), keeping what
// the user was doing: the cases ticked, the departments chosen, the
// last result said.
export async function refreshQueue(main, w) {
  const picked = new Set([...main.querySelectorAll('input[name=pick]:checked')].map((b) => b.value));
  const chosen = new Map([...main.querySelectorAll('select[name^="department-"]')].map((s) => [s.name, s.value]));
  const said = main.querySelector('.queue-status:not([hidden])');
  const saidText = said?.textContent;
  const saidClass = said?.className;
  await renderQueue(main, w);
  for (const b of main.querySelectorAll('input[name=pick]')) b.checked = picked.has(b.value);
  for (const s of main.querySelectorAll('select[name^="department-"]')) {
    if (chosen.has(s.name)) s.value = chosen.get(s.name);
  }
  if (saidText) {
    const box = main.querySelector('.queue-status');
    box.textContent = saidText;
    box.className = saidClass;
    box.hidden = false;
  }
}

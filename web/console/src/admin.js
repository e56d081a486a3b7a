// admin.js - the administrators' pages: departments (admin), accounts
// (security admin: 三员分立) and the audit log (auditor).  Each lists what
// the server gives its role and, where the role may write, a form that
// calls the same endpoint as curl would; errors land next to the field
// the server names.
import { ApiError, getJSON, post, send } from '../../public/assets/api.js';
import { t } from '../../public/assets/i18n-core.js';
import {
  announce, clearErrors, field, fieldError, fill, formError, h,
} from './dom.js';
import { formatTime, sayError } from './format.js';
import {
  categoryName, departmentName, forget, loadCategories, loadDepartments, loadDivision,
} from './reference.js';
import * as session from './session.js';

function table(cols, rows) {
  return h('table', { class: 'queue' },
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((v) => h('td', {}, v ?? ''))))));
}

// Draw the page again (draw), then say `text` in its status line; text.
async function redrawSaying(main, draw, text) {
  await draw();
  fill(main.querySelector('[role=status]'), h('p', { class: 'banner ok' }, text));
  return text;
}

// A form whose submit runs `act(formData, form)` and says its result or
// its error (beside the field the server names).
function actForm(children, act) {
  const form = h('form', { class: 'card', novalidate: true },
    h('p', { class: 'banner error', role: 'alert', hidden: true }), children);
  const said = h('div', { role: 'status' });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    try {
      const text = await act(new FormData(form), form);
      fill(said, h('p', { class: 'banner ok' }, text));
      announce(text);
    } catch (e) {
      formError(form, e, sayError);
    }
  });
  return [form, said];
}

// A form that POSTs its fields (shaped by `shape`) to url, titled and
// sent by `title`; ok(answer) says what happened.
function createForm(title, url, fields, ok, shape = (d) => d) {
  return actForm([h('h2', {}, t(title)), fields,
    h('button', { type: 'submit', class: 'primary' }, t(title))], async (d, form) => {
    const answer = await post(url, shape(Object.fromEntries(d)));
    form.reset();
    return ok(answer);
  });
}

const KINDS = ['professional', 'responsible_unit', 'street_team', 'centre'];
const TYPES = ['sanitation', 'municipal', 'landscaping', 'enforcement', 'water', 'power', 'gas',
  'telecom', 'traffic', 'housing', 'centre'];

// The fields of a department a form sets (ids prefixed by `id`), filled
// from `d` when given; `deps` are the candidates for parent.
function departmentFields(id, deps, d = {}) {
  return [
    field(`${id}-name`, t('dept.name'), h('input', { name: 'name', required: true, maxlength: 100, value: d.name })),
    field(`${id}-kind`, t('dept.kind'), h('select', { name: 'kind' },
      KINDS.map((k) => h('option', { value: k, selected: k === d.kind }, t(`dept.kind.${k}`))))),
    field(`${id}-type`, t('dept.type'), h('select', { name: 'type' },
      TYPES.map((k) => h('option', { value: k, selected: k === d.type }, t(`dept.type.${k}`))))),
    field(`${id}-parent`, t('dept.parent'), h('select', { name: 'parent' },
      h('option', { value: '' }, t('common.none')),
      deps.filter((p) => p.code !== d.code).map((p) => h('option', { value: p.code, selected: p.code === d.parent }, p.name)))),
    field(`${id}-areas`, t('dept.areas'), h('input', { name: 'areas', maxlength: 4000, value: d.areas?.join(', ') }),
      t('dept.areas.hint')),
  ];
}

// "110101001, 110101002" as the API's list.
const areaList = (text) => (text ?? '').split(/[\s,，]+/).filter(Boolean);

// A change to a department: its fields filled from the one chosen (the
// row's 修改 button chooses it too); only what differs is sent, and an
// error leaves everything typed where it was.
function departmentEdit(main, w, deps) {
  if (!deps.length) return [null, () => {}];
  const pick = h('select', { name: 'code' }, deps.map((d) => h('option', { value: d.code }, `${d.name} (${d.code})`)));
  const slot = h('div');
  const chosen = () => deps.find((d) => d.code === pick.value);
  const draw = () => fill(slot, departmentFields('de', deps, chosen()));
  pick.addEventListener('change', draw);
  draw();
  const [form] = actForm([h('h2', {}, t('dept.edit')), field('de-code', t('dept.edit.which'), pick), slot,
    h('button', { type: 'submit', class: 'primary' }, t('dept.edit'))], async (f) => {
    const d = chosen();
    const now = {
      name: f.get('name').trim(), kind: f.get('kind'), type: f.get('type'), parent: f.get('parent'),
      areas: areaList(f.get('areas')),
    };
    const was = { ...d, parent: d.parent ?? '' };
    const body = Object.fromEntries(Object.entries(now)
      .filter(([k, v]) => (k === 'areas' ? v.join() !== was.areas.join() : v !== was[k])));
    if (!Object.keys(body).length) return t('dept.edit.nothing', { name: d.name });
    const after = await send('PATCH', `/api/v1/departments/${encodeURIComponent(d.code)}`, body);
    forget();
    return redrawSaying(main, () => departments(main, w), t('dept.edited', { name: after.name }));
  });
  const choose = (code) => {
    pick.value = code;
    draw();
    form.querySelector('#de-name').focus();
  };
  return [form, choose];
}

async function departments(main, w) {
  const deps = await loadDepartments();
  const [form, said] = createForm('dept.add', '/api/v1/departments', [
    field('dep-code', t('dept.code'), h('input', { name: 'code', required: true, maxlength: 32 }), t('dept.code.hint')),
    departmentFields('dep', deps),
  ], (d) => {
    forget();
    setTimeout(() => renderAdmin(main, w), 0);
    return t('dept.added', { name: d.name ?? d.department?.name ?? '' });
  }, (d) => ({
    ...d,
    parent: d.parent || undefined,
    areas: areaList(d.areas),
  }));
  const [editForm, choose] = departmentEdit(main, w, deps);
  const redraw = () => {
    forget();
    return departments(main, w);
  };
  fill(main, h('h1', {}, t('ws.departments')), said, form, editForm,
    table(['dept.code', 'dept.name', 'dept.kind', 'dept.type', 'dept.parent', 'dept.areas', 'dept.state', 'user.actions'],
      deps.map((d) => [d.code, d.name, t(`dept.kind.${d.kind}`), t(`dept.type.${d.type}`), d.parent,
        d.areas.join(', '), d.disabled ? t('dept.disabled') : t('dept.enabled'),
        h('span', { class: 'buttons' },
          h('button', { type: 'button', onclick: () => choose(d.code) }, t('dept.edit_one', { name: d.name })),
          actButton(t(d.disabled ? 'dept.enable' : 'dept.disable', { name: d.name }), main, async () => {
            await send('PATCH', `/api/v1/departments/${encodeURIComponent(d.code)}`, { disabled: !d.disabled });
            return t(d.disabled ? 'dept.enabled_now' : 'dept.disabled_now', { name: d.name });
          }, redraw))])));
}

const URGENCIES = ['urgent', 'pressing', 'normal'];
const STAGES = ['accept', 'verify', 'file', 'dispatch', 'handle', 'check', 'close'];

// The filing and closing standards (立案结案标准), one category at a time:
// the version in force, edited into a new version (cases keep theirs);
// and a local category added under a standard major class.
async function standards(main) {
  const cats = await loadCategories();
  const chosen = new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('category') ?? '';
  const pick = h('input', { id: 's-pick', name: 'category', list: 's-categories', autocomplete: 'off', value: chosen, size: 24 });
  const pickForm = h('form', { class: 'filters', role: 'search', 'aria-label': t('std.pick') },
    h('div', { class: 'filter' }, h('label', { for: 's-pick' }, t('std.category')), pick),
    h('datalist', { id: 's-categories' },
      [...cats.keys()].map((code) => h('option', { value: code }, categoryName(code, { withCode: true })))),
    h('button', { type: 'submit' }, t('std.open')));
  pickForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const code = pick.value.trim().match(/^\d{5}/)?.[0] ?? '';
    window.location.hash = `#/ws/standards${code ? `?category=${code}` : ''}`;
  });
  const [localForm, localSaid] = createForm('std.local', '/api/v1/categories', [
    field('c-code', t('std.local.code'), h('input', { name: 'code', required: true, maxlength: 5, inputmode: 'numeric' }),
      t('std.local.code.hint')),
    field('c-name', t('std.local.name'), h('input', { name: 'name', required: true, maxlength: 30 })),
    field('c-like', t('std.local.like'), h('input', { name: 'like', list: 's-categories', autocomplete: 'off' }),
      t('std.local.like.hint')),
  ], (c) => {
    forget();
    return t('std.local.added', { code: c.code, name: c.name });
  }, (d) => {
    const out = { code: d.code.trim(), name: d.name.trim() };
    const like = (d.like ?? '').trim().match(/^\d{5}/)?.[0];
    if (like) out.like = like;
    return out;
  });
  const parts = [h('h1', {}, t('ws.standards')), h('div', { role: 'status' }), pickForm];
  if (cats.has(chosen)) parts.push(categoryForm(main, cats.get(chosen)), await standardForm(main, chosen));
  parts.push(localSaid, localForm);
  fill(main, ...parts);
}

// A category's name (a local one's: a national class keeps the
// standard's) and whether the public may report it (Open311 services,
// the public pages).  Only what changed is sent.
function categoryForm(main, c) {
  const [form] = actForm([
    h('h2', {}, t('cat.edit', { code: c.code })),
    field('cat-name', t('cat.name'), h('input', { name: 'name', maxlength: 30, value: c.name, readonly: c.standard }),
      c.standard ? t('cat.name.national') : null),
    field('cat-public', t('cat.public'), h('input', { name: 'public', type: 'checkbox', checked: c.public }),
      t('cat.public.hint')),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, t('cat.save'))),
  ], async (d) => {
    const body = {};
    const name = String(d.get('name') ?? '').trim();
    if (!c.standard && name !== c.name) body.name = name;
    if ((d.get('public') === 'on') !== c.public) body.public = d.get('public') === 'on';
    if (!Object.keys(body).length) return t('cat.nothing');
    const after = await send('PATCH', `/api/v1/categories/${c.code}`, body);
    forget();
    return redrawSaying(main, () => standards(main),
      t(after.public ? 'cat.saved.public' : 'cat.saved.staff', { code: after.code, name: after.name }));
  });
  return form;
}

async function standardForm(main, code) {
  const s = await getJSON(`/api/v1/categories/${code}/standard`);
  const cell = (u, st) => {
    const l = s.limits[u][st];
    return h('input', {
      name: `limits.${u}.${st}`, value: `${l.amount}${l.unit}`, size: 5,
      'aria-label': t('std.limit_of', { urgency: t(`urgency.${u}`), stage: t(`stage.${st}`) }),
    });
  };
  const form = h('form', { class: 'card', novalidate: true, dataset: { category: code } },
    h('h2', {}, t('std.title', { name: categoryName(code, { withCode: true }), version: s.version })),
    h('p', { class: 'muted' }, t('std.made', { at: formatTime(s.created_at), by: s.created_by })),
    h('p', { class: 'banner error', role: 'alert', hidden: true }),
    field('s-filing', t('std.filing'), h('textarea', { name: 'filing_condition', rows: 2, value: s.filing_condition })),
    field('s-closing', t('std.closing'), h('textarea', { name: 'closing_condition', rows: 2, value: s.closing_condition })),
    field('s-type', t('std.department_type'), h('select', { name: 'department_type' },
      TYPES.map((k) => h('option', { value: k, selected: k === s.department_type }, t(`dept.type.${k}`))))),
    h('table', { class: 'queue limits' },
      h('caption', {}, t('std.limits')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('case.urgency')),
        STAGES.map((st) => h('th', { scope: 'col' }, t(`stage.${st}`))))),
      h('tbody', {}, URGENCIES.map((u) => h('tr', {}, h('th', { scope: 'row' }, t(`urgency.${u}`)),
        STAGES.map((st) => h('td', { dataset: { field: `limits.${u}.${st}` } }, cell(u, st))))))),
    h('p', { class: 'hint' }, t('std.units')),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, t('std.save'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const d = new FormData(form);
    const limits = {};
    for (const u of URGENCIES) {
      limits[u] = {};
      for (const st of STAGES) limits[u][st] = String(d.get(`limits.${u}.${st}`)).trim();
    }
    try {
      const saved = await send('PUT', `/api/v1/categories/${code}/standard`, {
        filing_condition: d.get('filing_condition'), closing_condition: d.get('closing_condition'),
        department_type: d.get('department_type'), limits,
      });
      await standards(main);
      const box = main.querySelector('[data-category]');
      box.prepend(h('p', { class: 'banner ok', role: 'status' }, t('std.saved', { version: saved.version })));
      announce(t('std.saved', { version: saved.version }));
    } catch (e) {
      const where = e instanceof ApiError && e.field && form.querySelector(`[name="${CSS.escape(e.field)}"]`);
      if (where) {
        where.setAttribute('aria-invalid', 'true');
        where.focus();
      }
      const b = form.querySelector('.banner.error');
      b.textContent = t('common.error', { message: e.message });
      b.hidden = false;
    }
  });
  return form;
}

const WEEK = ['week.mon', 'week.tue', 'week.wed', 'week.thu', 'week.fri', 'week.sat', 'week.sun', 'workday'];


// The working calendar (工作日历): the weekly hours, the status of the
// years around now, their days off and make-up workdays, a holiday notice
// imported from its .ics file, one day entered by hand, a year declared
// official.  Every change recomputes the open deadlines it moves.
async function calendarPage(main) {
  const year = new Date().getFullYear();
  const s = await getJSON(`/api/v1/calendar/settings?from=${year}-01-01&to=${year + 1}-12-31`);
  const redraw = (text) => redrawSaying(main, () => calendarPage(main), text);
  const [hours] = actForm([
    h('h2', {}, t('cal.hours')),
    WEEK.map((k) => field(`cal-${k}`, t(`cal.${k}`), h('input', { name: k, value: s.settings[k], size: 28 }))),
    h('p', { class: 'hint' }, t('cal.hours.hint')),
    h('button', { type: 'submit', class: 'primary' }, t('cal.hours.save')),
  ], async (d) => {
    const changes = {};
    for (const k of WEEK) if (d.get(k) !== s.settings[k]) changes[k] = d.get(k);
    if (!Object.keys(changes).length) return t('cal.nothing');
    await send('PUT', '/api/v1/calendar/settings', changes);
    await redraw(t('cal.hours.saved'));
    return t('cal.hours.saved');
  });
  const [importForm] = actForm([
    h('h2', {}, t('cal.import')),
    field('cal-file', t('cal.import.file'), h('input', { name: 'file', type: 'file', accept: '.ics,text/calendar' }),
      t('cal.import.hint')),
    h('button', { type: 'submit', class: 'primary' }, t('cal.import.go')),
  ], async (d) => {
    const file = d.get('file');
    if (!(file instanceof File) || !file.size) {
      throw new ApiError(400, 'invalid', t('cal.import.none'), 'file');
    }
    const body = new Blob([await file.text()], { type: 'text/calendar' });
    const r = await send('POST', `/api/v1/calendar/import?name=${encodeURIComponent(file.name)}`, body);
    const text = t('cal.import.done', {
      off: r.days_off, work: r.workdays, years: r.official.join(', ') || '—', moved: r.cases_moved,
    });
    await redraw(text);
    return text;
  });
  const [dayForm] = actForm([
    h('h2', {}, t('cal.day')),
    field('cal-date', t('cal.day.date'), h('input', { name: 'date', type: 'date', required: true })),
    field('cal-kind', t('cal.day.kind'), h('select', { name: 'kind' },
      ['off', 'work', 'clear'].map((k) => h('option', { value: k }, t(`cal.kind.${k}`))))),
    field('cal-note', t('cal.day.note'), h('input', { name: 'note', maxlength: 64 })),
    h('button', { type: 'submit', class: 'primary' }, t('cal.day.save')),
  ], async (d) => {
    const body = { kind: d.get('kind') };
    if (d.get('note')) body.note = d.get('note');
    const r = await send('PUT', `/api/v1/calendar/days/${encodeURIComponent(d.get('date'))}`, body);
    const text = t('cal.day.done', { date: d.get('date'), moved: r.cases_moved });
    await redraw(text);
    return text;
  });
  const years = Object.entries(s.years).map(([y, status]) => [y, t(`cal.year.${status}`),
    status === 'provisional'
      ? actButton(t('cal.year.mark', { year: y }), main, async () => {
        const r = await post(`/api/v1/calendar/years/${y}/official`, {});
        return t('cal.year.marked', { year: y, moved: r.cases_moved });
      }, () => calendarPage(main))
      : null]);
  fill(main, h('h1', {}, t('ws.calendar')), h('div', { role: 'status' }),
    s.notice ? h('p', { class: 'banner info' }, s.notice.message) : null,
    table(['cal.year', 'cal.status', 'user.actions'], years),
    h('p', { class: 'hint' }, t('cal.year.hint')),
    importForm, dayForm, hours,
    h('h2', {}, t('cal.days', { from: s.from, to: s.to })),
    table(['cal.day.date', 'cal.day.kind', 'cal.day.note', 'cal.source'],
      s.days.map((d) => [d.date, t(`cal.kind.${d.kind}`), d.note,
        `${t(`cal.from.${d.source}`)}${d.provisional ? ` · ${t('cal.provisional')}` : ''}`])));
}

// Geography from a file - the unit grids (万米单元网格, GeoJSON), the
// components census (部件普查, CSV or GeoJSON), or a community's boundary
// cut into grids (网格生成) - checked first (check=1: the report of what
// is wrong, and what would be added or replaced), applied once the admin
// has read it.
const GRID_PROBLEM = {
  cols: ['grid.kind', 'grid.feature', 'grid.code', 'grid.message'],
  row: (p) => [t(`grid.kind.${p.kind}`), p.feature >= 0 ? String(p.feature + 1) : '', p.code, p.message],
};
const GEOJSON = '.geojson,.json,application/geo+json';
const IMPORTS = {
  grids: {
    url: () => '/api/v1/grids/import', accept: GEOJSON, type: 'application/geo+json', strict: true, ...GRID_PROBLEM,
  },
  components: {
    url: (f) => `/api/v1/components/import?name=${encodeURIComponent(f.name)}`,
    accept: '.csv,.geojson,.json', type: 'text/plain', strict: true,
    cols: ['comp.where', 'grid.message'],
    row: (p) => [String(p.where), p.message],
  },
  // The community and the cell size; the boundary is the file (errors
  // on it name `boundary`).
  generate: {
    url: () => '/api/v1/grids/generate', accept: GEOJSON, type: 'application/geo+json', file: 'boundary',
    apply: 'generate.apply', ...GRID_PROBLEM,
    fields: async () => {
      const list = await communities();
      return [
        field('g-community', t('generate.community'), h('input', {
          name: 'community', list: 'g-communities', autocomplete: 'off', inputmode: 'numeric', maxlength: 12, required: true,
        }), t('generate.community.hint')),
        h('datalist', { id: 'g-communities' }, list.map((c) => h('option', { value: c.code }, c.name))),
        field('g-cell', t('generate.cell'), h('input', { name: 'cell', type: 'number', min: 10, max: 1000, value: 100 }),
          t('generate.cell.hint')),
      ];
    },
    query: (form) => ({ community: form.elements.community.value.trim(), cell: form.elements.cell.value.trim() }),
    said: (r) => ({ ...r, area: Math.round(r.area_m2).toLocaleString() }),
  },
};

// The communities of the user's division (a district's, through its
// streets, or a street's), for the generation's list; none for a wider
// unit, where the code is typed.
async function communities() {
  const me = session.user();
  const top = me.unit.kind === 'division' ? await loadDivision(me.unit.code) : null;
  if (top?.level === 'street') return top.children;
  if (top?.level !== 'district') return [];
  return (await Promise.all(top.children.map((s) => loadDivision(s.code)))).flatMap((s) => s.children);
}

async function importPage(main, kind) {
  const how = IMPORTS[kind];
  const fileName = how.file ?? 'file';
  const file = h('input', { name: fileName, type: 'file', accept: how.accept });
  const crs = h('select', { name: 'crs' }, ['wgs84', 'gcj02', 'bd09'].map((k) => h('option', { value: k }, t(`grid.crs.${k}`))));
  const strict = how.strict ? h('input', { type: 'checkbox', name: 'strict' }) : null;
  const check = h('button', { type: 'submit', class: 'primary' }, t('grid.check'));
  const apply = h('button', { type: 'button', disabled: true }, t(how.apply ?? 'grid.apply'));
  const report = h('div', { id: 'import-report', role: 'status' });
  const form = h('form', { class: 'card', novalidate: true },
    h('p', { class: 'banner error', role: 'alert', hidden: true }),
    how.fields ? await how.fields() : null,
    field('g-file', t(`${kind}.file`), file, t(`${kind}.file.hint`)),
    field('g-crs', t('grid.crs'), crs),
    strict ? h('label', { class: 'choice' }, strict, t('grid.strict')) : null,
    h('div', { class: 'buttons' }, check, apply));
  let chosen = null;
  let text = null;
  const run = async (checkOnly) => {
    clearErrors(form);
    // The check reports every problem (never strict); "import nothing if
    // there is any problem" then keeps the import button off.
    const q = new URLSearchParams({ ...how.query?.(form), check: checkOnly ? '1' : '0', crs: crs.value });
    if (strict) q.set('strict', !checkOnly && strict.checked ? '1' : '0');
    const url = how.url(chosen);
    let r;
    try {
      r = await send('POST', `${url}${url.includes('?') ? '&' : '?'}${q}`, new Blob([text], { type: how.type }));
    } catch (e) {
      formError(form, e, sayError);
      return;
    }
    fill(report,
      h('p', { class: `banner ${r.applied ? 'ok' : 'info'}` },
        t(`${kind}.${r.applied ? 'applied' : 'checked'}`, how.said?.(r.result) ?? r.result)),
      r.problems.length ? table(how.cols, r.problems.map(how.row)) : h('p', { class: 'muted' }, t('grid.no_problems')),
      r.problems_found > r.problems.length ? h('p', { class: 'muted' }, t('grid.more', { n: r.problems_found })) : null);
    apply.disabled = r.applied || !checkOnly || (strict?.checked && r.problems_found > 0);
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    [chosen] = file.files;
    if (!chosen) {
      fieldError(form, fileName, t('grid.file.none'));
      return;
    }
    text = await chosen.text();
    await run(true);
  });
  apply.addEventListener('click', () => run(false));
  // A change to what was checked wants a new check (the strict box is
  // about applying, not about what was checked).
  form.addEventListener('change', (ev) => {
    if (ev.target === strict) return;
    apply.disabled = true;
    fill(report);
  });
  fill(main, h('h1', {}, t(`ws.${kind}`)), how.fields ? h('p', { class: 'hint' }, t(`${kind}.intro`)) : null, form, report);
}

// Routing rules (派遣规则): which department a case of a category in an
// area is suggested to; the most specific rule wins, then priority.
async function routing(main) {
  const [{ rules }, deps, cats] = await Promise.all([
    getJSON('/api/v1/routing-rules'), loadDepartments(), loadCategories()]);
  const [form, said] = createForm('rule.add', '/api/v1/routing-rules', [
    field('r-category', t('rule.category'), h('input', { name: 'category', list: 'r-categories', autocomplete: 'off' }),
      t('rule.category.hint')),
    h('datalist', { id: 'r-categories' },
      [...cats.keys()].map((code) => h('option', { value: code }, categoryName(code, { withCode: true })))),
    field('r-area', t('rule.area'), h('input', { name: 'area', maxlength: 32 }), t('rule.area.hint')),
    field('r-department', t('rule.department'), h('select', { name: 'department', required: true },
      deps.filter((d) => !d.disabled).map((d) => h('option', { value: d.code }, d.name)))),
    field('r-priority', t('rule.priority'), h('input', { name: 'priority', type: 'number', min: -1000, max: 1000, value: 0 })),
  ], (r) => {
    setTimeout(() => routing(main).then(() => {
      fill(main.querySelector('[role=status]'), h('p', { class: 'banner ok' }, t('rule.added', { id: r.id })));
    }), 0);
    return t('rule.added', { id: r.id });
  }, (d) => {
    const out = { department: d.department, priority: Number(d.priority || 0) };
    const code = (d.category ?? '').trim().match(/^\d{5}/)?.[0];
    if (code) out.category = code;
    if (d.area?.trim()) out.area = d.area.trim();
    return out;
  });
  fill(main, h('h1', {}, t('ws.routing')), said, form,
    table(['rule.id', 'rule.category', 'rule.area', 'rule.department', 'rule.priority', 'user.actions'],
      rules.map((r) => [String(r.id), r.category ? categoryName(r.category, { withCode: true }) : t('rule.any'),
        r.area ?? t('rule.anywhere'), departmentName(r.department), String(r.priority),
        actButton(t('rule.delete', { id: r.id }), main, async () => {
          await send('DELETE', `/api/v1/routing-rules/${r.id}`);
          return t('rule.deleted', { id: r.id });
        }, () => routing(main))])));
}

// A button that does `act`, draws the page again (redraw) and says what
// came of it in the page's status line.
function actButton(label, main, act, redraw) {
  const b = h('button', { type: 'button' }, label);
  const say = (p) => fill(main.querySelector('[role=status]'), p);
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      const text = await act();
      await redraw();
      say(h('p', { class: 'banner ok' }, text));
      announce(text);
    } catch (e) {
      b.disabled = false;
      say(h('p', { class: 'banner error', role: 'alert' }, t('common.error', { message: e.message })));
    }
  });
  return b;
}

async function users(main) {
  const [{ users: list }, { roles }] = await Promise.all([getJSON('/api/v1/users'), getJSON('/api/v1/roles')]);
  const me = session.user();
  const [form, said] = createForm('user.add', '/api/v1/users', [
    field('u-username', t('user.username'), h('input', { name: 'username', required: true, maxlength: 64, autocomplete: 'off' })),
    field('u-display', t('user.display_name'), h('input', { name: 'display_name', maxlength: 100 })),
    field('u-role', t('user.role'), h('select', { name: 'role' }, roles.map((r) => h('option', { value: r.role }, t(`role.${r.role}`))))),
    field('u-unit', t('user.unit'), h('input', { name: 'unit', required: true, maxlength: 32 }), t('user.unit.hint')),
  ], (a) => {
    setTimeout(() => users(main).then(() => {
      const box = main.querySelector('[role=status]');
      fill(box, h('p', { class: 'banner ok' }, t('user.added', { username: a.user.username, password: a.password })));
    }), 0);
    return t('user.added', { username: a.user.username, password: a.password });
  }, (d) => {
    const out = { ...d };
    if (!out.display_name) delete out.display_name;
    return out;
  });
  const redraw = () => users(main);
  // A change of role, unit or name: only what is filled in changes.
  const others = list.filter((u) => u.id !== me.id);
  const [editForm] = actForm([
    h('h2', {}, t('user.edit')),
    field('ue-user', t('user.username'), h('select', { name: 'id' },
      others.map((u) => h('option', { value: String(u.id) }, `${u.username} · ${u.display_name}`)))),
    field('ue-role', t('user.role'), h('select', { name: 'role' }, h('option', { value: '' }, t('user.keep')),
      roles.map((r) => h('option', { value: r.role }, t(`role.${r.role}`))))),
    field('ue-unit', t('user.unit'), h('input', { name: 'unit', maxlength: 32 }), t('user.edit.hint')),
    field('ue-display', t('user.display_name'), h('input', { name: 'display_name', maxlength: 100 })),
    h('button', { type: 'submit', class: 'primary' }, t('user.edit')),
  ], async (d) => {
    const body = {};
    for (const k of ['role', 'unit', 'display_name']) if (d.get(k)) body[k] = d.get(k);
    const u = others.find((x) => String(x.id) === d.get('id'));
    await send('PATCH', `/api/v1/users/${d.get('id')}`, body);
    return redrawSaying(main, () => users(main), t('user.edited', { username: u.username }));
  });
  fill(main, h('h1', {}, t('ws.users')), said, form, editForm,
    table(['user.username', 'user.display_name', 'user.role', 'user.unit', 'user.state', 'user.actions'],
      list.map((u) => [u.username, u.display_name, t(`role.${u.role}`), `${u.unit.name} (${u.unit.code})`,
        u.disabled ? t('user.disabled') : t('user.enabled'),
        u.id === me.id ? null : h('span', { class: 'buttons' },
          actButton(t(u.disabled ? 'user.enable' : 'user.disable', { username: u.username }), main,
            async () => {
              await send('PATCH', `/api/v1/users/${u.id}`, { disabled: !u.disabled });
              return t(u.disabled ? 'user.enabled_now' : 'user.disabled_now', { username: u.username });
            }, redraw),
          actButton(t('user.reset', { username: u.username }), main, async () => {
            const r = await post(`/api/v1/users/${u.id}/password`, {});
            return t('user.reset_done', { username: u.username, password: r.password });
          }, redraw))])));
}

async function tokens(main) {
  const { tokens: list } = await getJSON('/api/v1/tokens');
  const [form, said] = createForm('token.add', '/api/v1/tokens', [
    field('t-username', t('token.username'), h('input', { name: 'username', required: true, maxlength: 64, autocomplete: 'off' }),
      t('token.username.hint')),
    field('t-label', t('token.label'), h('input', { name: 'label', maxlength: 100 })),
  ], (a) => {
    setTimeout(() => tokens(main).then(() => {
      fill(main.querySelector('[role=status]'), h('p', { class: 'banner ok' }, t('token.added', { token: a.token })));
    }), 0);
    return t('token.added', { token: a.token });
  });
  const redraw = () => tokens(main);
  fill(main, h('h1', {}, t('ws.tokens')), said, form,
    table(['token.id', 'token.user', 'token.label', 'token.created', 'token.last_used', 'user.actions'],
      list.map((k) => [String(k.id), k.user.username, k.label, formatTime(k.created_at),
        k.last_used_at ? formatTime(k.last_used_at) : t('token.never'),
        actButton(t('token.revoke', { id: k.id }), main, async () => {
          await send('DELETE', `/api/v1/tokens/${k.id}`);
          return t('token.revoked', { id: k.id });
        }, redraw)])));
}

async function policy(main) {
  const p = await getJSON('/api/v1/password-policy');
  const [form, said] = actForm([
    field('p-min_length', t('policy.min_length'), h('input', { name: 'min_length', type: 'number', min: 8, max: 20, value: p.min_length })),
    field('p-min_classes', t('policy.min_classes'), h('input', { name: 'min_classes', type: 'number', min: 1, max: 4, value: p.min_classes }),
      t('policy.min_classes.hint')),
    field('p-max_age_days', t('policy.max_age_days'), h('input', { name: 'max_age_days', type: 'number', min: 0, max: 3650, value: p.max_age_days }),
      t('policy.max_age_days.hint')),
    h('label', { class: 'choice' }, h('input', { type: 'checkbox', name: 'not_username', checked: p.not_username }),
      t('policy.not_username')),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, t('policy.save'))),
  ], async (d) => {
    await send('PUT', '/api/v1/password-policy', {
      min_length: Number(d.get('min_length')), min_classes: Number(d.get('min_classes')),
      max_age_days: Number(d.get('max_age_days')), not_username: d.get('not_username') === 'on',
    });
    return t('policy.saved');
  });
  fill(main, h('h1', {}, t('ws.policy')), said, form);
}

// The audit trail, newest first, 100 a page, filtered by who, what (an
// action or a prefix ending in '.') and to whom; "older" follows `next`.
async function audit(main) {
  const f = Object.fromEntries(new URLSearchParams(window.location.hash.split('?')[1] ?? ''));
  const q = new URLSearchParams({ limit: '100' });
  for (const k of ['actor', 'action', 'subject', 'before']) if (f[k]) q.set(k, f[k]);
  const { events, next } = await getJSON(`/api/v1/audit?${q}`);
  const input = (name) => h('div', { class: 'filter' }, h('label', { for: `a-${name}` }, t(`audit.${name}`)),
    h('input', { id: `a-${name}`, name, value: f[name] ?? '', size: 16 }));
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('filter.label') },
    input('actor'), input('action'), input('subject'),
    h('button', { type: 'submit' }, t('filter.apply')));
  const go = (params) => {
    const s = new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString();
    window.location.hash = `#/ws/audit${s ? `?${s}` : ''}`;
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go(Object.fromEntries(new FormData(form)));
  });
  fill(main, h('h1', {}, t('ws.audit')), form,
    table(['audit.at', 'audit.actor', 'audit.address', 'audit.action', 'audit.subject', 'audit.detail'],
      events.map((e) => [formatTime(e.at), e.actor, e.address, e.action, e.subject,
        typeof e.detail === 'object' ? JSON.stringify(e.detail) : e.detail])),
    next ? h('button', { type: 'button', onclick: () => go({ ...f, before: String(next) }) }, t('audit.older')) : null);
}

export async function renderAdmin(main, w) {
  const pages = {
    departments: () => departments(main, w), routing: () => routing(main),
    standards: () => standards(main), calendar: () => calendarPage(main),
    grids: () => importPage(main, 'grids'), components: () => importPage(main, 'components'),
    generate: () => importPage(main, 'generate'),
    users: () => users(main), tokens: () => tokens(main),
    policy: () => policy(main), audit: () => audit(main),
  };
  return pages[w.id]();
}

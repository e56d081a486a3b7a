// admin.js - the administrators' pages: departments (admin), accounts
// (security admin: 三员分立) and the audit log (auditor).  Each lists what
// the server gives its role and, where the role may write, a form that
// calls the same endpoint as curl would; errors land next to the field
// the server names.
import { ApiError, getJSON, post } from '../../public/assets/api.js';
import { t } from '../../public/assets/i18n-core.js';
import {
  announce, clearErrors, field, fieldError, fill, h,
} from './dom.js';
import { formatTime } from './format.js';
import { forget, loadDepartments } from './reference.js';

function table(cols, rows) {
  return h('table', { class: 'queue' },
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((v) => h('td', {}, v ?? ''))))));
}

// A form that POSTs its fields to url; ok(answer) says what happened.
function createForm(title, url, fields, ok, shape = (d) => d) {
  const form = h('form', { class: 'card', novalidate: true },
    h('h2', {}, t(title)),
    h('p', { class: 'banner error', role: 'alert', hidden: true }),
    fields,
    h('button', { type: 'submit', class: 'primary' }, t(title)));
  const said = h('div', { role: 'status' });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const data = shape(Object.fromEntries(new FormData(form)));
    try {
      const answer = await post(url, data);
      form.reset();
      fill(said, h('p', { class: 'banner ok' }, ok(answer)));
      announce(said.textContent);
    } catch (e) {
      if (!(e instanceof ApiError && e.field && fieldError(form, e.field, e.message))) {
        const b = form.querySelector('.banner.error');
        b.textContent = t('common.error', { message: e.message });
        b.hidden = false;
      }
    }
  });
  return [form, said];
}

const KINDS = ['professional', 'responsible_unit', 'street_team', 'centre'];
const TYPES = ['sanitation', 'municipal', 'landscaping', 'enforcement', 'water', 'power', 'gas',
  'telecom', 'traffic', 'housing', 'centre'];

async function departments(main, w) {
  const deps = await loadDepartments();
  const [form, said] = createForm('dept.add', '/api/v1/departments', [
    field('dep-code', t('dept.code'), h('input', { name: 'code', required: true, maxlength: 32 }), t('dept.code.hint')),
    field('dep-name', t('dept.name'), h('input', { name: 'name', required: true, maxlength: 100 })),
    field('dep-kind', t('dept.kind'), h('select', { name: 'kind' }, KINDS.map((k) => h('option', { value: k }, t(`dept.kind.${k}`))))),
    field('dep-type', t('dept.type'), h('select', { name: 'type' }, TYPES.map((k) => h('option', { value: k }, t(`dept.type.${k}`))))),
    field('dep-parent', t('dept.parent'), h('select', { name: 'parent' },
      h('option', { value: '' }, t('common.none')), deps.map((d) => h('option', { value: d.code }, d.name)))),
    field('dep-areas', t('dept.areas'), h('input', { name: 'areas', maxlength: 4000 }), t('dept.areas.hint')),
  ], (d) => {
    forget();
    setTimeout(() => renderAdmin(main, w), 0);
    return t('dept.added', { name: d.name ?? d.department?.name ?? '' });
  }, (d) => ({
    ...d,
    parent: d.parent || undefined,
    areas: (d.areas ?? '').split(/[\s,，]+/).filter(Boolean),
  }));
  fill(main, h('h1', {}, t('ws.departments')), said, form,
    table(['dept.code', 'dept.name', 'dept.kind', 'dept.type', 'dept.parent', 'dept.areas', 'dept.state'],
      deps.map((d) => [d.code, d.name, t(`dept.kind.${d.kind}`), t(`dept.type.${d.type}`), d.parent,
        d.areas.join(', '), d.disabled ? t('dept.disabled') : t('dept.enabled')])));
}

async function users(main) {
  const [{ users: list }, { roles }] = await Promise.all([getJSON('/api/v1/users'), getJSON('/api/v1/roles')]);
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
  fill(main, h('h1', {}, t('ws.users')), said, form,
    table(['user.username', 'user.display_name', 'user.role', 'user.unit', 'user.state'],
      list.map((u) => [u.username, u.display_name, t(`role.${u.role}`), `${u.unit.name} (${u.unit.code})`,
        u.disabled ? t('user.disabled') : t('user.enabled')])));
}

async function audit(main) {
  const { events } = await getJSON('/api/v1/audit?limit=100');
  fill(main, h('h1', {}, t('ws.audit')),
    table(['audit.at', 'audit.actor', 'audit.address', 'audit.action', 'audit.subject', 'audit.detail'],
      events.map((e) => [formatTime(e.at), e.actor, e.address, e.action, e.subject,
        typeof e.detail === 'object' ? JSON.stringify(e.detail) : e.detail])));
}

export async function renderAdmin(main, w) {
  if (w.id === 'departments') return departments(main, w);
  if (w.id === 'users') return users(main);
  return audit(main);
}

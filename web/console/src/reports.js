// reports.js - the 四个一 reports in the console: make one of a kind and
// period (POST /api/v1/reports), the versions the caller sees (GET
// /api/v1/reports), each downloadable as HTML, XLSX or PDF (GET
// /api/v1/reports/{id}/file), and for a weekly or monthly draft the
// leader's commentary and the publication (PATCH /api/v1/reports/{id}).
// Who may make, comment or publish is the server's decision: a refusal
// is said, nothing is hidden or decided here.
import { getJSON, send, post } from '../../public/assets/api.js';
import { t } from '../../public/assets/i18n-core.js';
import { announce, field, fill, formError, h } from './dom.js';
import { formatTime, sayError } from './format.js';

export const REPORT_KINDS = ['inspection', 'bulletin', 'weekly', 'monthly'];
const FORMATS = ['html', 'xlsx', 'pdf'];

const pad = (n) => String(n).padStart(2, '0');
const dayOf = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

// The period a kind is usually made for, from the browser's today:
// yesterday for the daily kinds, last week, last month.
export function defaultPeriod(kind, now = new Date()) {
  if (kind === 'monthly') {
    const m = new Date(now.getFullYear(), now.getMonth() - 1, 1);
    return `${m.getFullYear()}-${pad(m.getMonth() + 1)}`;
  }
  if (kind === 'weekly') {
    // The ISO week of the day a week ago.
    const d = new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate() - 7));
    d.setUTCDate(d.getUTCDate() + 4 - (d.getUTCDay() || 7));
    const y = d.getUTCFullYear();
    return `${y}-W${pad(Math.ceil(((d - Date.UTC(y, 0, 1)) / 86400e3 + 1) / 7))}`;
  }
  return dayOf(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1));
}

function downloads(r) {
  return h('span', { class: 'downloads' }, FORMATS.filter((f) => r.formats.includes(f)).map((f) => h('a', {
    href: `/api/v1/reports/${r.id}/file?format=${f}`, download: `report-${r.id}.${f}`, class: `download-${f}`,
  }, f.toUpperCase())).flatMap((a, i) => (i ? [' · ', a] : [a])));
}

// A weekly or monthly draft: the commentary and the publication.
function draftForm(r, redraw) {
  const text = h('textarea', { name: 'commentary', rows: 3, maxlength: 4000 }, r.commentary ?? '');
  const form = h('form', { class: 'report-draft', novalidate: true },
    h('p', { class: 'banner error', role: 'alert', hidden: true }),
    field(`commentary-${r.id}`, t('reports.commentary'), text),
    h('button', { type: 'submit', name: 'save' }, t('reports.save')), ' ',
    h('button', { type: 'button', name: 'publish' }, t('reports.publish')));
  const patch = async (body, said) => {
    try {
      const after = await send('PATCH', `/api/v1/reports/${r.id}`, body);
      announce(t(said, { id: after.id }));
      redraw(after);
    } catch (e) {
      formError(form, e, sayError);
    }
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    patch({ commentary: text.value }, 'reports.saved');
  });
  form.querySelector('[name=publish]').addEventListener('click',
    () => patch({ commentary: text.value, publish: true }, 'reports.published'));
  return form;
}

function reportRow(r) {
  const row = h('tr', { dataset: { id: r.id } });
  const draw = (x) => {
    fill(row,
      h('th', { scope: 'row' }, x.kind_name ?? t(`reports.kind.${x.kind}`)),
      h('td', {}, x.period, x.area ? h('span', { class: 'muted' }, ` ${x.area}`) : null),
      h('td', {}, t('reports.number', { year: x.year, number: x.number })),
      h('td', {}, String(x.version)),
      h('td', { class: `status-${x.status}` }, t(`reports.status.${x.status}`)),
      h('td', {}, formatTime(x.created_at), h('span', { class: 'muted' }, ` ${x.created_by}`)),
      h('td', {}, downloads(x),
        x.status === 'draft' && (x.kind === 'weekly' || x.kind === 'monthly') ? draftForm(x, draw) : null));
  };
  draw(r);
  return row;
}

export async function renderReports(main) {
  const list = await getJSON('/api/v1/reports');
  const kind = h('select', { name: 'kind' },
    REPORT_KINDS.map((k) => h('option', { value: k }, t(`reports.kind.${k}`))));
  const period = h('input', { name: 'period', value: defaultPeriod('inspection'), size: 14 });
  kind.addEventListener('change', () => { period.value = defaultPeriod(kind.value); });
  const form = h('form', { class: 'filters report-make', novalidate: true },
    h('p', { class: 'banner error', role: 'alert', hidden: true }),
    field('report-kind', t('reports.kind'), kind),
    field('report-period', t('reports.period'), period, t('reports.period_hint')),
    h('button', { type: 'submit' }, t('reports.make')));
  const body = h('tbody', {}, list.reports.map(reportRow));
  const empty = h('p', { class: 'muted reports-none', hidden: list.reports.length > 0 }, t('reports.none'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const r = await post('/api/v1/reports', { kind: kind.value, period: period.value.trim() });
      body.prepend(reportRow(r));
      empty.hidden = true;
      announce(t('reports.made', { kind: r.kind_name, period: r.period }));
    } catch (e) {
      formError(form, e, sayError);
    } finally {
      button.disabled = false;
    }
  });
  fill(main,
    h('h1', {}, t('ws.reports')),
    form,
    h('table', { class: 'queue reports' },
      h('caption', {}, t('reports.caption')),
      h('thead', {}, h('tr', {}, ['kind', 'period', 'number', 'version', 'status', 'made', 'files']
        .map((c) => h('th', { scope: 'col' }, t(`reports.col.${c}`))))),
      body),
    empty);
}

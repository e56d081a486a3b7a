// assessment.js - 综合评价 in the console: the ranking of a kind for a
// period (GET /api/v1/assessment/{kind}) with each row's score, grade,
// rank and its change against the period before; and, for those the
// server lets draft and publish them (leaders, the admin), the red and
// black lists (红黑榜) of that ranking: the draft as it would be
// published now (GET /api/v1/honours/draft), published with a comment
// (POST /api/v1/honours), and the versions published before
// (GET /api/v1/honours).  What a caller sees is the server's decision:
// the page draws what it is given, and offers the drafting only when
// the draft's request is answered.
import { ApiError, getJSON, post } from '../../public/assets/api.js';
import { t } from '../../public/assets/i18n-core.js';
import { announce, field, fill, formError, h } from './dom.js';
import { formatTime, sayError } from './format.js';

export const KINDS = ['streets', 'communities', 'grids', 'districts', 'departments',
  'inspectors', 'receptionists', 'shift_leaders', 'dispatchers'];
// Lists of units may go public; lists of people stay with the staff.
const UNITS = new Set(['departments', 'grids', 'communities', 'streets', 'districts']);

// The month before today's, "YYYY-MM": what a ranking is read for first.
export function lastMonth(now = new Date()) {
  const d = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

const num = (v, digits = 1) => (v === null || v === undefined ? '—' : Number(v).toFixed(digits));

// The score's change against the period before: ▲ 2.5, ▼ 1.0, or —.
function change(row) {
  const was = row.previous?.score;
  if (was === null || was === undefined || row.score === null) return '—';
  const d = row.score - was;
  if (Math.abs(d) < 0.05) return '＝';
  return `${d > 0 ? '▲' : '▼'} ${Math.abs(d).toFixed(1)}`;
}

function rankingTable(r) {
  // The rates the rows carry, in the server's order: a kind's formulas.
  const rates = [...new Set(r.rows.flatMap((row) => Object.keys(row.rates ?? {})))];
  return h('table', { class: 'numbers ranking', dataset: { kind: r.kind } },
    h('caption', {}, t('assess.caption', {
      kind: t(`assess.kind.${r.kind}`), period: r.period.name, n: r.ranked,
    })),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('assess.rank')),
      h('th', { scope: 'col' }, t('assess.name')),
      h('th', { scope: 'col' }, t('assess.score')),
      h('th', { scope: 'col' }, t('assess.grade')),
      h('th', { scope: 'col' }, t('assess.previous_rank')),
      h('th', { scope: 'col' }, t('assess.change')),
      rates.map((k) => h('th', { scope: 'col' }, t(`rate.${k}`))))),
    h('tbody', {}, r.rows.map((row) => h('tr', { dataset: { code: row.code } },
      h('td', {}, row.rank ?? '—'),
      h('th', { scope: 'row' }, row.name ?? row.code, h('span', { class: 'muted' }, ` ${row.code}`)),
      h('td', {}, num(row.score)),
      h('td', { class: `grade grade-${row.grade ?? 'none'}` }, row.grade ?? '—'),
      h('td', {}, row.previous?.rank ?? '—'),
      h('td', {}, change(row)),
      rates.map((k) => h('td', {}, num(row.rates?.[k])))))));
}

// One list's entries: red or black.
function entries(list, which) {
  const rows = list[which] ?? [];
  return h('section', { class: `honours-${which}` },
    h('h3', {}, t(`honours.${which}`, { n: rows.length })),
    rows.length
      ? h('ol', {}, rows.map((e) => h('li', { dataset: { code: e.code } },
        `${e.name ?? e.code} · ${num(e.score)} · ${e.grade ?? '—'}`,
        h('span', { class: 'muted' }, ` (${e.reasons.map((x) => t(`honours.reason.${x}`)).join('、')})`))))
      : h('p', { class: 'muted' }, t('honours.empty')));
}

function versionItem(list) {
  return h('li', { dataset: { version: list.version } },
    t('honours.version', {
      version: list.version, at: formatTime(list.published_at), by: list.published_by ?? '',
    }),
    list.comment ? h('q', {}, list.comment) : null,
    ` · ${t('honours.counts', { red: list.red.length, black: list.black.length })}`);
}

// The red and black lists of (kind, period): the draft, the form that
// publishes it, the versions published.  Resolves to null when the
// caller may not draft (403/404 from the server): nothing is shown.
async function honoursSection(kind, period) {
  const q = `kind=${encodeURIComponent(kind)}&period=${encodeURIComponent(period)}`;
  let draft;
  try {
    draft = await getJSON(`/api/v1/honours/draft?${q}`);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 403 || e.status === 404)) return null;
    throw e;
  }
  const history = await getJSON(`/api/v1/honours?${q}`);
  const box = h('section', { class: 'honours', 'aria-labelledby': 'honours-h' });
  const comment = h('textarea', { id: 'honours-comment', name: 'comment', maxlength: 500, rows: 2 });
  const form = h('form', { class: 'honours-publish', novalidate: true },
    h('p', { class: 'banner error', role: 'alert', hidden: true }),
    field('honours-comment', t('honours.comment'), comment,
      UNITS.has(kind) ? t('honours.public_hint') : t('honours.staff_hint')),
    h('button', { type: 'submit' }, t('honours.publish')));
  const published = h('ol', { class: 'honours-history', reversed: true }, history.lists.map(versionItem));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      const body = { kind, period };
      if (comment.value.trim()) body.comment = comment.value.trim();
      const list = await post('/api/v1/honours', body);
      published.prepend(versionItem(list));
      comment.value = '';
      announce(t('honours.published', { version: list.version }));
    } catch (e) {
      formError(form, e, sayError);
    } finally {
      button.disabled = false;
    }
  });
  fill(box,
    h('h2', { id: 'honours-h' }, t('honours.title')),
    h('p', { class: 'muted' }, t('honours.draft_note', { version: draft.scheme_version })),
    h('div', { class: 'honours-lists' }, entries(draft, 'red'), entries(draft, 'black')),
    form,
    h('h3', {}, t('honours.history')),
    history.lists.length ? null : h('p', { class: 'muted honours-none' }, t('honours.none')),
    published);
  return box;
}

export async function renderAssessment(main) {
  const params = new URLSearchParams(window.location.hash.split('?')[1] ?? '');
  const kind = KINDS.includes(params.get('kind')) ? params.get('kind') : 'streets';
  const period = params.get('period') || lastMonth();
  const kindSel = h('select', { id: 'assess-kind', name: 'kind' },
    KINDS.map((k) => h('option', { value: k, selected: k === kind }, t(`assess.kind.${k}`))));
  const periodIn = h('input', { id: 'assess-period', name: 'period', value: period, size: 24 });
  const form = h('form', { class: 'filters', novalidate: true },
    h('p', { class: 'banner error', role: 'alert', hidden: true }),
    field('assess-kind', t('assess.kind'), kindSel),
    field('assess-period', t('assess.period'), periodIn, t('assess.period_hint')),
    h('button', { type: 'submit' }, t('assess.show')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams({ kind: kindSel.value, period: periodIn.value.trim() });
    window.location.hash = `#/ws/assessment?${q}`;
  });
  let ranking;
  try {
    ranking = await getJSON(`/api/v1/assessment/${kind}?period=${encodeURIComponent(period)}`);
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 400) throw e;
    fill(main, h('h1', {}, t('ws.assessment')), form);
    formError(form, e, sayError);
    return;
  }
  const honours = await honoursSection(kind, period);
  fill(main,
    h('h1', {}, t('ws.assessment')),
    form,
    ranking.rows.length ? rankingTable(ranking) : h('p', { class: 'muted' }, t('assess.empty')),
    honours);
}

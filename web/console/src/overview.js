// overview.js - a leader's overview of its area (or its department):
// the open cases by state and light now (GET /api/v1/cases/stats), and
// the overdue ones, most overdue first.  Read-only: supervising and
// reminding are on each case's page, as its actions.
import { getJSON } from '../../public/assets/api.js';
import { t } from '../../public/assets/i18n-core.js';
import { fill, h } from './dom.js';
import { formatTime, light, timeLeft } from './format.js';
import { categoryName, loadCategories } from './reference.js';
import { OPEN } from './workspaces.js';

const LIGHTS = ['red', 'yellow', 'green', 'none'];

export async function renderOverview(main) {
  const [stats, overdue] = await Promise.all([
    // The open cases only: the closed ones of every year before are
    // not the leader's today, and counting them costs the server a read
    // of the whole table where the open cases' index suffices.
    getJSON(`/api/v1/cases/stats?state=${OPEN}`),
    getJSON('/api/v1/cases?light=red&sort=deadline&per_page=20'),
    loadCategories(),
  ]);
  const states = Object.keys(stats.counts);
  const sum = (l) => states.reduce((n, s) => n + stats.counts[s][l], 0);
  const table = h('table', { class: 'numbers' },
    h('caption', {}, t('overview.caption', { at: formatTime(stats.at) })),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('col.state')),
      LIGHTS.map((l) => h('th', { scope: 'col' }, light(l))), h('th', { scope: 'col' }, t('overview.total')))),
    h('tbody', {}, states.map((s) => h('tr', {},
      h('th', { scope: 'row' }, t(`state.${s}`)),
      LIGHTS.map((l) => h('td', {}, String(stats.counts[s][l]))),
      h('td', {}, String(stats.counts[s].total))))),
    h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, t('overview.total')),
      LIGHTS.map((l) => h('td', {}, String(sum(l)))),
      h('td', {}, String(sum('total'))))));
  fill(main,
    h('h1', {}, t('ws.overview')),
    table,
    h('h2', {}, t('overview.overdue', { n: overdue.total })),
    overdue.cases.length
      ? h('ul', { class: 'overdue' }, overdue.cases.map((c) => h('li', {},
        h('a', { href: `#/case/${c.id}` }, c.number), ' ', categoryName(c.category), ' · ',
        t(`state.${c.state}`), ' · ', h('span', { class: 'muted' }, timeLeft(c.deadline)))))
      : h('p', { class: 'muted' }, t('queue.empty')));
}

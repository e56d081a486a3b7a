// screen.js - the command-centre screen (指挥大屏, /console/screen): one
// page for a wall display of 1920×1080 — today's numbers, the map of the
// open cases by light, today's reports and steps hour by hour, today's
// reports by category, the month's department and street rankings, and
// the latest events — kept live by the console's event stream (live.js):
// a change redraws what it touches within a second or so.  Every figure
// comes from the API in the viewer's sight (the server decides it):
// GET /api/v1/assessment/hours (today by hour, the same counters as the
// rankings), /api/v1/cases/stats and /points (the open cases now),
// /api/v1/assessment/{departments,streets}?period=MONTH.  A separate
// bundle (tools/build-console.mjs): ECharts stays out of the console's.
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

import { getJSON } from '../../public/assets/api.js';
import {
  currentLang, hasText, onLangChange, startI18n, t, translate,
} from '../../public/assets/i18n-core.js';
import { $, fill, h } from './dom.js';
import { formatTime, light } from './format.js';
import { useConsoleWords } from './lang.js';
import {
  onChange, startLive, throttle,
} from './live.js';
import { renderLogin } from './login.js';
import { casesMap } from './map.js';
import { categoryName, loadCategories } from './reference.js';
import * as session from './session.js';
import { OPEN, SCREEN_ROLES } from './workspaces.js';

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);
useConsoleWords();

const LIGHTS = ['red', 'yellow', 'green', 'none'];
// Today's numbers: the counters of GET /api/v1/assessment/hours.
const NUMBERS = ['reported', 'filed', 'dispatched', 'closed', 'overdue'];
// The hourly trend's lines.
const TREND = ['reported', 'filed', 'dispatched', 'closed'];
const TREND_COLOURS = ['#4fc3f7', '#ffd54f', '#81c784', '#ce93d8'];
const TEXT = '#d7e6f5';
const AXIS = '#3d5a78';
const EVENTS_SHOWN = 12;
const RANKED_SHOWN = 6;

const charts = {};
let data = {};      // the last answers: hours, stats, departments, streets
const events = [];  // the latest changes, newest first

// ---- numbers ---------------------------------------------------------------

// 按时处置率: today's handling steps done within their limit, of all of
// today's handling steps (null: none today).
export function onTimeRate(totals) {
  return totals.handled ? Math.round((totals.handled_on_time / totals.handled) * 1000) / 10 : null;
}

function drawNumbers() {
  const { totals } = data.hours;
  const rate = onTimeRate(totals);
  fill($('screen-numbers'), NUMBERS.map((k) => h('div', { class: `kpi kpi-${k}`, 'data-counter': k },
    h('span', { class: 'kpi-label' }, t(`screen.n.${k}`)),
    h('span', { class: 'kpi-value' }, String(totals[k])))),
  h('div', { class: 'kpi kpi-rate', 'data-counter': 'on_time_rate' },
    h('span', { class: 'kpi-label' }, t('screen.n.on_time_rate')),
    h('span', { class: 'kpi-value' }, rate === null ? '—' : `${rate}%`)));
}

function drawLights() {
  const { counts } = data.stats;
  const sum = (l) => Object.values(counts).reduce((n, c) => n + c[l], 0);
  fill($('screen-lights'), LIGHTS.map((l) => h('li', { 'data-light': l },
    light(l), ' ', h('strong', {}, String(sum(l))))));
}

// ---- charts ----------------------------------------------------------------

function chart(id) {
  charts[id] ??= echarts.init($(id), null, { renderer: 'canvas' });
  return charts[id];
}

const axisStyle = {
  axisLine: { lineStyle: { color: AXIS } },
  axisLabel: { color: TEXT },
  splitLine: { lineStyle: { color: '#1c3550' } },
};

function drawTrend() {
  const { hours, from } = data.hours;
  // Today: the hours so far (of the server's day); another day: all 24.
  const upto = Math.min(24, Math.max(1, Math.floor((Date.now() - Date.parse(from)) / 3600e3) + 1));
  chart('screen-trend').setOption({
    animation: false,
    color: TREND_COLOURS,
    grid: {
      left: 44, right: 16, top: 36, bottom: 28,
    },
    legend: { top: 0, textStyle: { color: TEXT }, data: TREND.map((k) => t(`screen.n.${k}`)) },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: [...Array(upto).keys()].map((k) => `${k}`), ...axisStyle },
    yAxis: { type: 'value', minInterval: 1, ...axisStyle },
    series: TREND.map((k) => ({
      name: t(`screen.n.${k}`), type: 'line', symbolSize: 5, data: hours[k].slice(0, upto),
    })),
  }, true);
}

function drawCategories() {
  const top = data.hours.categories.slice(0, 10).reverse();
  chart('screen-categories').setOption({
    animation: false,
    grid: {
      left: 8, right: 40, top: 8, bottom: 8, containLabel: true,
    },
    tooltip: { trigger: 'item' },
    xAxis: { type: 'value', minInterval: 1, ...axisStyle },
    yAxis: { type: 'category', data: top.map((c) => categoryName(c.code)), ...axisStyle },
    series: [{
      type: 'bar',
      name: t('screen.n.reported'),
      data: top.map((c) => c.reported),
      itemStyle: { color: '#4fc3f7' },
      label: { show: true, position: 'right', color: TEXT },
    }],
  }, true);
  $('screen-categories-empty').hidden = top.length > 0;
}

// ---- rankings and events -----------------------------------------------------

function drawRanking(id, answer) {
  const rows = answer.rows.filter((r) => r.rank !== null).slice(0, RANKED_SHOWN);
  fill($(id), rows.length
    ? h('table', { class: 'ranking' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('screen.rank')),
        h('th', { scope: 'col' }, t('screen.name')),
        h('th', { scope: 'col' }, t('screen.score')),
        h('th', { scope: 'col' }, t('screen.grade')))),
      h('tbody', {}, rows.map((r) => h('tr', { 'data-code': r.code },
        h('td', {}, String(r.rank)),
        h('td', {}, r.name || r.code),
        h('td', {}, r.score.toFixed(1)),
        h('td', { class: `grade grade-${r.grade}` }, r.grade)))))
    : h('p', { class: 'muted' }, t('screen.none')));
}

function drawEvents() {
  fill($('screen-events'), events.length
    ? events.map((e) => h('li', { 'data-number': e.number },
      h('time', { datetime: e.at }, e.at.slice(11, 16)), ' ',
      h('a', { href: `/console/#/case/${e.case_id}` }, e.number), ' ',
      h('strong', {}, word('action', e.action)), ' ',
      h('span', { class: 'muted' }, e.actor)))
    : h('li', { class: 'muted' }, t('screen.events.waiting')));
}

const word = (prefix, v) => (hasText(`${prefix}.${v}`) ? t(`${prefix}.${v}`) : v);

// ---- loading -----------------------------------------------------------------

async function loadToday() {
  const [hours, stats] = await Promise.all([
    getJSON('/api/v1/assessment/hours'),
    getJSON(`/api/v1/cases/stats?state=${OPEN}`),
  ]);
  data.hours = hours;
  data.stats = stats;
  drawNumbers();
  drawLights();
  drawTrend();
  drawCategories();
  $('screen-updated').textContent = t('screen.updated', { at: formatTime(stats.at) });
}

async function loadRankings() {
  // The month of the server's day.
  const month = data.hours.day.slice(0, 7);
  const [departments, streets] = await Promise.all([
    getJSON(`/api/v1/assessment/departments?period=${month}`),
    getJSON(`/api/v1/assessment/streets?period=${month}`),
  ]);
  data.departments = departments;
  data.streets = streets;
  $('screen-month').textContent = month;
  drawRanking('screen-departments', departments);
  drawRanking('screen-streets', streets);
}

function redrawAll() {
  translate();
  if (!data.hours) return;
  drawNumbers();
  drawLights();
  drawTrend();
  drawCategories();
  drawRanking('screen-departments', data.departments);
  drawRanking('screen-streets', data.streets);
  drawEvents();
}

function tick() {
  const now = new Date();
  $('screen-clock').textContent = now.toLocaleString(currentLang() === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });
}

// ---- start ---------------------------------------------------------------------

function layout() {
  const me = session.user();
  return h('div', { class: 'screen-grid' },
    h('section', { class: 'panel numbers', 'aria-labelledby': 'screen-numbers-title' },
      h('h2', { id: 'screen-numbers-title', class: 'visually-hidden' }, t('screen.today')),
      h('div', { id: 'screen-numbers', class: 'kpis' })),
    h('section', { class: 'panel trend', 'aria-labelledby': 'screen-trend-title' },
      h('h2', { id: 'screen-trend-title' }, t('screen.trend')),
      h('div', { id: 'screen-trend', class: 'chart', role: 'img', 'aria-label': t('screen.trend') })),
    h('section', { class: 'panel categories', 'aria-labelledby': 'screen-categories-title' },
      h('h2', { id: 'screen-categories-title' }, t('screen.categories')),
      h('p', { id: 'screen-categories-empty', class: 'muted', hidden: true }, t('screen.none')),
      h('div', { id: 'screen-categories', class: 'chart', role: 'img', 'aria-label': t('screen.categories') })),
    h('section', { class: 'panel casemap', 'aria-labelledby': 'screen-map-title' },
      h('h2', { id: 'screen-map-title' }, t('screen.map'), ' ',
        h('span', { id: 'screen-map-note', class: 'muted', role: 'status' })),
      h('ul', { id: 'screen-lights', class: 'lights' }),
      h('div', { id: 'screen-map', class: 'map', role: 'region', 'aria-label': t('map.label') })),
    h('section', { class: 'panel rankings', 'aria-labelledby': 'screen-rankings-title' },
      h('h2', { id: 'screen-rankings-title' }, t('screen.rankings'), ' ', h('span', { id: 'screen-month', class: 'muted' })),
      h('div', { class: 'two' },
        h('div', {}, h('h3', {}, t('screen.departments')), h('div', { id: 'screen-departments' })),
        h('div', {}, h('h3', {}, t('screen.streets')), h('div', { id: 'screen-streets' })))),
    h('section', { class: 'panel events', 'aria-labelledby': 'screen-events-title' },
      h('h2', { id: 'screen-events-title' }, t('screen.events')),
      h('ol', { id: 'screen-events', class: 'feed', 'aria-live': 'polite' })),
    h('p', { class: 'screen-foot muted' },
      h('span', {}, `${me.display_name || me.username} · ${me.unit.name || me.unit.code}`), ' · ',
      h('span', { id: 'screen-updated' })));
}

async function show() {
  const main = $('main');
  const me = session.current();
  if (!me || me.password_change_required) {
    // Logging in (or changing a held password) is the console's.
    if (me) {
      window.location.href = '/console/#/password';
      return;
    }
    renderLogin(main, show);
    return;
  }
  if (!SCREEN_ROLES.includes(me.user.role)) {
    fill(main, h('p', { class: 'banner info', role: 'status' }, t('screen.not_for_role'), ' ',
      h('a', { href: '/console/' }, t('screen.back'))));
    return;
  }
  $('screen-area').textContent = me.user.unit.name || me.user.unit.code;
  fill(main, layout());
  await Promise.all([loadCategories(), loadToday()]);
  await loadRankings();
  drawEvents();
  casesMap($('screen-map'), $('screen-map-note'), `state=${OPEN}`);
  // The latest changes: the stream replays the last lines in sight
  // (after the newest case's last line less a margin), then goes on.
  startLive(await recentId());
  onChange((ch) => {
    events.unshift(ch);
    events.length = Math.min(events.length, EVENTS_SHOWN);
    drawEvents();
  });
  onChange(throttle(() => loadToday().catch(() => {}), 300));
  onChange(throttle(() => $('screen-map').refresh?.().catch(() => {}), 1000));
  onChange(throttle(() => loadRankings().catch(() => {}), 10000));
  // The hour turns, the day turns: count again each minute.
  setInterval(() => loadToday().catch(() => {}), 60000);
}

// Where the stream of changes starts for the list to be filled at once:
// the last history line of the newest case in sight, less 200 lines
// (those the viewer may not see are skipped by the server).
async function recentId() {
  const newest = await getJSON('/api/v1/cases?per_page=1');
  if (!newest.cases.length) return 0;
  const c = await getJSON(`/api/v1/cases/${newest.cases[0].id}`);
  const last = c.history.reduce((m, e) => Math.max(m, e.id), 0);
  return Math.max(1, last - 200);
}

async function start() {
  startI18n();
  onLangChange(redrawAll);
  tick();
  setInterval(tick, 1000);
  window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));
  try {
    await session.resume();
    await show();
  } catch (e) {
    fill($('main'), h('p', { class: 'banner error', role: 'alert' }, t('common.error', { message: e.message })));
  }
}

start();

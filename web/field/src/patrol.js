// patrol.js - the inspector's shift (定人定岗定责): start and end it, and
// while this page is open on shift, the track: the positions the phone
// gave, posted every 30 s (POST /api/v1/patrol/track, through the
// outbox, so a track made without network is sent late, in order); my
// beat's grids and my figures today (GET /api/v1/patrol/me).  A web page
// cannot post while the phone is locked or the page closed: the track
// then has a gap (docs/field.md).
import { ApiError, getJSON } from '../../public/assets/api.js';
import { t } from '../../public/assets/i18n-core.js';
import { fill, h } from '../../console/src/dom.js';
import { span } from '../../console/src/format.js';
import { pointMap } from '../../console/src/map.js';
import { here, onFix } from './geo.js';
import { saying } from './cases.js';
import { rememberId, submit } from './outbox.js';

const SHIFT = 'field.shift';     // { started } while on shift, localStorage
const EVERY_MS = 30000;

const onShift = () => localStorage.getItem(SHIFT) !== null;
let points = [];  // fixes not yet posted
let timer = null;

function postTrack() {
  const batch = points.length ? points : (here() ? [here()] : []);
  points = [];
  if (!batch.length) return Promise.resolve();
  return submit({
    kind: 'track', work: 'track', label: String(batch.length), steps: [{
      method: 'POST', url: '/api/v1/patrol/track',
      body: {
        crs: 'wgs84',
        points: batch.map((p) => ({ lon: p.lon, lat: p.lat, t: p.t, accuracy: p.accuracy })),
      },
    }],
  });
}

// Record while on shift (and the page open): each new fix is kept, the
// kept ones posted every 30 s.
export function followShift() {
  if (timer || !onShift()) return;
  onFix((f) => {
    if (f && onShift()) points.push(f);
  });
  timer = setInterval(postTrack, EVERY_MS);
}

async function start() {
  const at = new Date().toISOString();
  localStorage.setItem(SHIFT, JSON.stringify({ started: at }));
  followShift();
  return submit({
    kind: 'shift', work: 'shift', label: t('patrol.started'), steps: [
      { method: 'POST', url: '/api/v1/patrol/shifts', body: { at }, saveAs: 'shift', global: true },
    ],
  });
}

async function end() {
  await postTrack();
  clearInterval(timer);
  timer = null;
  localStorage.removeItem(SHIFT);
  return submit({
    kind: 'shift', work: 'shift', label: t('patrol.ended'), steps: [
      { method: 'POST', url: '/api/v1/patrol/shifts/{shift}/end', body: { at: new Date().toISOString() } },
    ],
  });
}

const today = () => new Date().toLocaleDateString('sv'); // YYYY-MM-DD, local

// My day from the server (GET /api/v1/patrol/me, docs/api.md), or null
// where the server has no patrol service or the network is gone; a 401
// is passed on (the session ended).  An open shift there is this
// phone's too (started on another phone, or before the page was
// reloaded).
export async function myDay() {
  try {
    const me = await getJSON(`/api/v1/patrol/me?date=${today()}`);
    if (me.shift && !me.shift.ended_at) {
      if (!onShift()) localStorage.setItem(SHIFT, JSON.stringify({ started: me.shift.started_at }));
      rememberId('shift', me.shift.id);
      followShift();
    }
    return me;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) throw e;
    return null;
  }
}

function figuresOf(me) {
  const f = me.figures ?? {};
  return t('patrol.figures', {
    km: ((f.distance_m ?? 0) / 1000).toFixed(1),
    time: span((f.on_shift_s ?? 0) * 1000),
    visited: f.visited ?? 0,
    assigned: f.assigned ?? 0,
    rate: f.coverage === null || f.coverage === undefined ? '—' : `${Math.round(f.coverage * 100)}%`,
  });
}

// The assessment counters of an inspector's day that the page names
// (docs/assessment.md); the others are the desk's.
const COUNTERS = ['reported', 'valid_reported', 'missed', 'verify_assigned', 'verified',
  'verified_on_time', 'checked', 'checked_on_time'];

export async function renderPatrol(main, header, said) {
  const me = await myDay();
  const redraw = (line) => renderPatrol(main, header, line);
  const button = onShift()
    ? h('button', { type: 'button', class: 'big warn', id: 'shift-end', onclick: async () => redraw(await end()) }, t('patrol.end'))
    : h('button', { type: 'button', class: 'big primary', id: 'shift-start', onclick: async () => redraw(await start()) }, t('patrol.start'));
  const mapBox = h('div', { class: 'map small', id: 'patrol-map' });
  const counters = COUNTERS.filter((k) => k in (me?.counters ?? {}));
  const visited = new Map((me?.figures?.grids ?? []).map((g) => [g.code, g.visited]));
  fill(main, h('h1', {}, t('patrol.title')), header,
    saying(said),
    h('p', { id: 'shift-state' }, onShift() ? t('patrol.on') : t('patrol.off')),
    button,
    me ? h('p', { id: 'patrol-figures' }, figuresOf(me)) : h('p', { class: 'muted' }, t('patrol.unavailable')),
    counters.length ? h('ul', { class: 'counters', id: 'counters' }, counters.map((k) => h('li', {},
      `${t(`counter.${k}`)}: ${me.counters[k]}`))) : null,
    me?.beats?.length ? h('section', {}, h('h2', {}, t('patrol.beat')),
      h('ul', { class: 'beat', id: 'beat' }, me.beats.map((b) => h('li', {},
        b.grid, ' ', visited.get(b.grid) ? t('patrol.visited') : t('patrol.not_visited'))))) : null,
    mapBox);
  pointMap(mapBox, { at: here() });
}

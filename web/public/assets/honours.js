// honours.js - the red and black lists page (honours.html): the last
// version of each published list of units (GET /public/api/honours), each
// with its period, area, comment and the two lists side by side (one
// under the other on a phone).  The server never sends a list that names
// a person; this page only draws what it gets.
import { getJSON } from './api.js';
import { currentLang, onLangChange, startI18n, t } from './i18n.js';

const $ = (id) => document.getElementById(id);
let lists = null; // the answer, once in

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function formatDate(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso ?? '';
  return new Intl.DateTimeFormat(currentLang() === 'en' ? 'en-GB' : 'zh-CN',
    { dateStyle: 'medium' }).format(d);
}

// One side (red or black) of a list.
function side(list, which) {
  const box = el('section', `honours-side ${which}`);
  box.setAttribute('aria-label', t(`honours.${which}`));
  box.append(el('h3', null, t(`honours.${which}`)));
  const entries = list[which];
  if (!entries.length) {
    box.append(el('p', 'hint', t('honours.none')));
    return box;
  }
  const ol = el('ol', 'honours-entries');
  for (const e of entries) {
    const li = el('li');
    li.append(el('span', 'honours-name', e.name || e.code));
    const facts = [];
    if (e.grade) facts.push(t('honours.grade', { grade: e.grade }));
    if (e.score !== null) facts.push(t('honours.score', { score: e.score.toFixed(2) }));
    if (e.reasons.includes('overdue')) facts.push(t('honours.overdue', { n: e.overdue }));
    li.append(el('span', 'honours-facts', facts.join(' · ')));
    ol.append(li);
  }
  box.append(ol);
  return box;
}

function render() {
  const root = $('lists');
  root.replaceChildren();
  if (!lists) return;
  $('status').hidden = lists.length > 0;
  if (!lists.length) $('status').textContent = t('honours.empty');
  for (const l of lists) {
    const art = el('article', 'honours-list');
    const where = l.area?.name || l.area?.code || t('honours.everywhere');
    art.append(el('h2', null, t('honours.heading', { kind: t(`honours.kind.${l.kind}`), where })));
    art.append(el('p', 'honours-period', t('honours.period', {
      name: l.period.name, from: l.period.from, to: l.period.to,
    })));
    art.append(el('p', 'hint', t('honours.published', { date: formatDate(l.published_at), version: l.version })));
    if (l.comment) art.append(el('blockquote', 'honours-comment', l.comment));
    const sides = el('div', 'honours-sides');
    sides.append(side(l, 'red'), side(l, 'black'));
    art.append(sides);
    root.append(art);
  }
}

async function load() {
  try {
    lists = (await getJSON('/public/api/honours')).lists;
    render();
  } catch (e) {
    $('status').textContent = e.status === 0 ? t('common.network') : t('common.failed', { msg: e.message });
  }
}

startI18n();
onLangChange(render);
load();

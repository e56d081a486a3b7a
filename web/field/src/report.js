// report.js - a new report from the street: the phone's point (adjusted
// with a tap on a small map of the grids), the category - searchable by
// name or code, the ones this phone used lately and the ones reported
// most around this point first -, the description, photos from the
// camera, and, for a component (部件) category, the component picked from
// those near the point (GET /api/v1/locate).  Sent through the outbox:
// the case, then each photo on it.
import { getJSON } from '../../public/assets/api.js';
import { t } from '../../public/assets/i18n-core.js';
import {
  clearErrors, fieldError, fill, h,
} from '../../console/src/dom.js';
import { pointMap } from '../../console/src/map.js';
import { categoryName, loadCategories } from '../../console/src/reference.js';
import { fix, metres } from './geo.js';
import { submit } from './outbox.js';

const RECENT = 'field.recent';
const recent = () => {
  try {
    return JSON.parse(localStorage.getItem(RECENT) ?? '[]');
  } catch {
    return [];
  }
};
function used(code) {
  localStorage.setItem(RECENT, JSON.stringify([code, ...recent().filter((c) => c !== code)].slice(0, 6)));
}

// The categories reported most within 500 m of `at` (the open cases the
// user sees around it), most first; [] offline or without a point.
async function nearby(at) {
  if (!at) return [];
  try {
    const r = await getJSON(`/api/v1/cases?near=${at.lon},${at.lat}&per_page=100`);
    const n = new Map();
    for (const c of r.cases) {
      if (c.location && metres(at, c.location) <= 500) n.set(c.category, (n.get(c.category) ?? 0) + 1);
    }
    return [...n.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([code]) => code);
  } catch {
    return [];
  }
}

// The category chooser: a search box over one <select>, whose groups are
// the recent, the nearby-typical and all categories.
function categoryField(cats, typical, onPick) {
  const select = h('select', { id: 'rp-category', name: 'category', size: 1 });
  const search = h('input', {
    id: 'rp-category-search', type: 'search', autocomplete: 'off',
    placeholder: t('report.category.search'), 'aria-label': t('report.category.search'),
  });
  const option = (c) => h('option', { value: c.code }, `${c.code} ${categoryName(c.code)}`);
  function draw() {
    const q = search.value.trim().toLowerCase();
    const match = (c) => !q || c.code.startsWith(q) || c.name.toLowerCase().includes(q)
      || (c.name_en ?? '').toLowerCase().includes(q);
    const all = [...cats.values()].filter(match);
    const group = (label, codes) => {
      const list = codes.map((k) => cats.get(k)).filter((c) => c && match(c));
      return list.length ? h('optgroup', { label }, list.map(option)) : null;
    };
    const was = select.value;
    fill(select, h('option', { value: '' }, t('report.category.need')),
      group(t('report.category.recent'), recent()),
      group(t('report.category.nearby'), typical),
      h('optgroup', { label: t('report.category.all') }, all.map(option)));
    if (q && all.length) select.value = all[0].code;
    else if ([...select.options].some((o) => o.value === was)) select.value = was;
    onPick(select.value);
  }
  search.addEventListener('input', draw);
  select.addEventListener('change', () => onPick(select.value));
  draw();
  return h('div', { class: 'field', dataset: { field: 'category' } },
    h('label', { for: 'rp-category' }, t('report.category')), search, select,
    h('p', { class: 'field-error', hidden: true }));
}

export async function renderReport(main, header, done) {
  const cats = await loadCategories();
  const start = await fix(3000);
  let point = start ? { lon: start.lon, lat: start.lat } : null;
  const typical = await nearby(point);
  const component = h('select', { id: 'rp-component', name: 'component' });
  const componentBox = h('div', { class: 'field', hidden: true },
    h('label', { for: 'rp-component' }, t('report.component')), component);
  let category = '';
  async function components() {
    const cat = cats.get(category);
    componentBox.hidden = !(cat && cat.kind === 'component' && point);
    if (componentBox.hidden) return;
    let list = [];
    try {
      const r = await getJSON(`/api/v1/locate?lon=${point.lon}&lat=${point.lat}&class=${category}&radius=100&limit=20`);
      list = r.components;
    } catch { /* offline, or no grid here: none to pick */ }
    fill(component, h('option', { value: '' }, list.length ? t('report.component.pick') : t('report.component.none')),
      list.map((k) => h('option', { value: k.code }, `${k.code} · ${t('dist.m', { n: Math.round(k.distance_m) })}`)));
  }
  const catField = categoryField(cats, typical, (code) => {
    category = code;
    components();
  });
  const description = h('textarea', { id: 'rp-description', name: 'description', rows: 3, maxlength: 4000 });
  const photos = h('input', {
    id: 'rp-photos', type: 'file', accept: 'image/*', capture: 'environment', multiple: true,
  });
  const urgency = h('select', { id: 'rp-urgency', name: 'urgency' },
    ['normal', 'pressing', 'urgent'].map((u) => h('option', { value: u }, t(`urgency.${u}`))));
  const address = h('input', { id: 'rp-address', name: 'address', maxlength: 256 });
  const mapBox = h('div', { class: 'map small', id: 'rp-map' });
  const pointNote = h('p', { class: 'hint', id: 'rp-point' });
  const sayPoint = () => {
    pointNote.textContent = point ? `${point.lon.toFixed(6)}, ${point.lat.toFixed(6)}`
      + (start?.accuracy ? ` · ${t('geo.accuracy', { m: Math.round(start.accuracy) })}` : '')
      : t('report.point.need');
  };
  sayPoint();
  pointMap(mapBox, {
    at: point,
    pick: (p) => {
      point = p;
      sayPoint();
      components();
    },
  });
  const form = h('form', { class: 'report', novalidate: true },
    h('h1', {}, t('report.title')), header,
    h('p', { class: 'banner error', role: 'alert', hidden: true }),
    catField,
    h('div', { class: 'field', dataset: { field: 'description' } },
      h('label', { for: 'rp-description' }, t('report.description')), description,
      h('p', { class: 'field-error', hidden: true })),
    h('div', { class: 'field' }, h('label', { for: 'rp-photos' }, t('report.photos')), photos),
    h('div', { class: 'field', dataset: { field: 'lon' } },
      h('label', { for: 'rp-map' }, t('report.point')), mapBox, pointNote,
      h('p', { class: 'field-error', hidden: true })),
    componentBox,
    h('div', { class: 'field' }, h('label', { for: 'rp-urgency' }, t('report.urgency')), urgency),
    h('div', { class: 'field' }, h('label', { for: 'rp-address' }, t('report.address')), address),
    h('button', { type: 'submit', class: 'big primary' }, t('report.submit')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!category) return fieldError(form, 'category', t('report.category.need'));
    if (!description.value.trim()) return fieldError(form, 'description', t('report.description.need'));
    if (!point) return fieldError(form, 'lon', t('report.point.need'));
    const body = {
      category, description: description.value.trim(), source: 'inspector', urgency: urgency.value,
      lon: point.lon, lat: point.lat,
    };
    if (address.value.trim()) body.address = address.value.trim();
    if (!componentBox.hidden && component.value) body.component = component.value;
    used(category);
    form.querySelector('button[type=submit]').disabled = true;
    done(await submit({
      kind: 'report', work: 'report', label: categoryName(category), steps: [
        { method: 'POST', url: '/api/v1/cases', body, saveAs: 'case' },
        ...[...photos.files].map((f) => ({
          method: 'POST', url: '/api/v1/cases/{case}/attachments?kind=report', body: f,
        })),
      ],
    }));
  });
  fill(main, form);
}

// intake.js - the receptionist's intake form (受理): a call, a letter, a
// leader's instruction or a media report becomes a case.  The category is
// searched by name or code; the place is a street (or community) of the
// user's area and an address; the caller's name and phone are kept for
// the call back.  The answer lists the likely duplicates (same category,
// close by, recent), each with a one-click merge of the new report into
// it.  Sources offered are those the workflow table allows the role.
import { getJSON, post } from '../../public/assets/api.js';
import { t } from '../../public/assets/i18n-core.js';
import {
  announce, clearErrors, field, fieldError, fill, formError, h,
} from './dom.js';
import {
  categoryName, loadCategories, loadDivision,
} from './reference.js';
import { pointMap } from './map.js';
import { sayError } from './format.js';
import * as session from './session.js';

const URGENCIES = ['normal', 'pressing', 'urgent'];

function resultBox(main, created) {
  const dups = created.likely_duplicates ?? [];
  const box = h('section', { class: 'card', 'aria-labelledby': 'created-h' },
    h('h2', { id: 'created-h' }, t('intake.done', { number: created.number })),
    h('p', {}, h('a', { href: `#/case/${created.id}` }, t('intake.open'))),
    dups.length ? h('div', {},
      h('p', {}, t('intake.duplicates', { n: dups.length })),
      h('ul', { class: 'duplicates' }, dups.map((d) => {
        const merge = h('button', { type: 'button' }, t('intake.merge'));
        merge.addEventListener('click', async () => {
          merge.disabled = true;
          try {
            await post(`/api/v1/cases/${created.id}/actions/merge`, { version: created.version, target: d.id });
            fill(box, h('p', { class: 'banner ok', role: 'status' },
              t('intake.merged', { number: created.number, into: d.number })));
          } catch (e) {
            merge.disabled = false;
            box.append(h('p', { class: 'banner error', role: 'alert' }, t('common.error', { message: e.message })));
          }
        });
        return h('li', {}, h('a', { href: `#/case/${d.id}` }, d.number), ' ',
          t('intake.distance', { m: Math.round(d.distance_m) }), ' ', merge);
      }))) : h('p', { class: 'muted' }, t('intake.no_duplicates')));
  return box;
}

export async function renderIntake(main) {
  const me = session.user();
  const [wf, cats, div] = await Promise.all([
    session.loadWorkflow(), loadCategories(),
    me.unit.kind === 'division' ? loadDivision(me.unit.code) : null,
  ]);
  const sources = wf.sources.filter((s) => s.roles.includes(me.role));
  const category = h('input', {
    name: 'category', list: 'intake-categories', autocomplete: 'off', required: true, autofocus: true,
  });
  const form = h('form', { class: 'card', novalidate: true },
    h('h1', {}, t('ws.intake')),
    h('p', { class: 'banner error', role: 'alert', hidden: true }),
    field('in-category', t('intake.category'), category, t('intake.category.hint')),
    h('datalist', { id: 'intake-categories' },
      [...cats.keys()].map((code) => h('option', { value: `${code} ${categoryName(code)}` }))),
    field('in-description', t('intake.description'),
      h('textarea', { name: 'description', rows: 4, maxlength: 4000, required: true })),
    field('in-source', t('intake.source'),
      h('select', { name: 'source', required: true },
        sources.map((s) => h('option', { value: s.source }, t(`source.${s.source}`))))),
    field('in-urgency', t('intake.urgency'),
      h('select', { name: 'urgency' }, URGENCIES.map((u) => h('option', { value: u }, t(`urgency.${u}`))))),
    div?.children?.length ? field('in-area', t('intake.area'),
      h('select', { name: 'area' },
        h('option', { value: '' }, t('intake.area.own', { name: div.name })),
        div.children.map((c) => h('option', { value: c.code }, c.name)))) : null,
    field('in-address', t('intake.address'), h('input', { name: 'address', maxlength: 256 })),
    h('div', { class: 'field', dataset: { field: 'lon' } },
      h('p', { class: 'label', id: 'in-point-label' }, t('intake.point')),
      h('div', { class: 'map small', id: 'in-point', role: 'region', 'aria-labelledby': 'in-point-label' }),
      h('p', { class: 'hint', id: 'in-point-said' }, t('intake.point.hint')),
      h('button', { type: 'button', class: 'link', id: 'in-point-clear', hidden: true }, t('intake.point.clear')),
      h('p', { class: 'field-error', hidden: true })),
    h('div', { id: 'in-duplicates', role: 'status' }),
    field('in-reporter_name', t('intake.reporter_name'), h('input', { name: 'reporter_name', maxlength: 100, autocomplete: 'off' })),
    field('in-reporter_phone', t('intake.reporter_phone'),
      h('input', { name: 'reporter_phone', type: 'tel', maxlength: 20, autocomplete: 'off' })),
    h('button', { type: 'submit', class: 'primary' }, t('intake.submit')));
  const result = h('div', {});
  // The point, picked on the map; with the category it tells, before the
  // report is sent, which open cases it would likely duplicate.
  let point = null;
  const mapBox = form.querySelector('#in-point');
  const said = form.querySelector('#in-point-said');
  const clear = form.querySelector('#in-point-clear');
  const dupBox = form.querySelector('#in-duplicates');
  const codeOf = () => category.value.trim().match(/^\d{5}/)?.[0];
  const lookDuplicates = async () => {
    const code = codeOf();
    if (!point || !code || !cats.has(code)) {
      fill(dupBox);
      return;
    }
    const r = await getJSON(`/api/v1/cases/duplicates?category=${code}&lon=${point.lon}&lat=${point.lat}`);
    fill(dupBox, r.likely_duplicates.length
      ? h('div', { class: 'banner info' }, t('intake.duplicates.before', { n: r.likely_duplicates.length }), ' ',
        r.likely_duplicates.map((d) => [h('a', { href: `#/case/${d.id}` }, d.number),
          ` (${t('intake.distance', { m: Math.round(d.distance_m) })}) `]))
      : null);
  };
  pointMap(mapBox, {
    pick: (p) => {
      point = p;
      said.textContent = t('intake.point.set', { lon: p.lon.toFixed(6), lat: p.lat.toFixed(6) });
      clear.hidden = false;
      lookDuplicates().catch(() => {});
    },
  });
  clear.addEventListener('click', () => {
    point = null;
    mapBox.clearPoint?.();
    said.textContent = t('intake.point.hint');
    clear.hidden = true;
    fill(dupBox);
  });
  category.addEventListener('change', () => { lookDuplicates().catch(() => {}); });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const data = Object.fromEntries(new FormData(form));
    const code = data.category.trim().match(/^\d{5}/)?.[0]
      ?? [...cats.values()].find((c) => c.name === data.category.trim())?.code;
    if (!code || !cats.has(code)) return fieldError(form, 'category', t('intake.category.unknown'));
    const body = { ...data, category: code };
    for (const k of ['area', 'address', 'reporter_name', 'reporter_phone']) {
      if (!body[k]) delete body[k];
    }
    if (point) {
      body.lon = point.lon;
      body.lat = point.lat;
    }
    try {
      const created = await post('/api/v1/cases', body);
      announce(t('intake.done', { number: created.number }));
      form.reset();
      clear.click();
      fill(result, resultBox(main, created));
      result.querySelector('h2')?.focus?.();
    } catch (e) {
      formError(form, e, sayError);
    }
  });
  fill(main, form, result);
}

// dom.js - building the console's pages: h() makes elements (text is
// always text, never parsed as HTML, so nothing a citizen typed can turn
// into markup), and small helpers for forms and focus.

// h('button', { type: 'button', onclick: fn, class: 'x' }, 'text', child)
// Attributes: `class`, `on<event>` (a listener), `dataset` (an object),
// booleans (true sets the attribute, false/null/undefined leaves it
// out), anything else as an attribute.  Children: strings, nodes,
// arrays of them, or null (skipped).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else if (k === 'value' && 'value' in el) {
      el.value = v;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

export const $ = (id) => document.getElementById(id);

// Replace the contents of el with children.
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// A labelled form field: label, control, hint and an error line tied to
// it for screen readers (aria-describedby), as the public pages do.
export function field(id, label, control, hint) {
  control.id = id;
  const described = [];
  const hintEl = hint ? h('p', { id: `${id}-hint`, class: 'hint' }, hint) : null;
  if (hintEl) described.push(hintEl.id);
  const errEl = h('p', { id: `${id}-error`, class: 'field-error', hidden: true });
  described.push(errEl.id);
  control.setAttribute('aria-describedby', described.join(' '));
  return h('div', { class: 'field', dataset: { field: control.name || id } },
    h('label', { for: id }, label), control, hintEl, errEl);
}

// Show an error next to the field of form that is named `name` (its
// data-field), or return false when the form has no such field.
export function fieldError(form, name, message) {
  const box = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
  if (!box) return false;
  const err = box.querySelector('.field-error');
  const control = box.querySelector('input, select, textarea');
  err.textContent = message;
  err.hidden = false;
  control?.setAttribute('aria-invalid', 'true');
  control?.focus();
  return true;
}

// Say error e on form: beside the field the server names when the form
// has it, else in the form's banner (.banner.error) as `text(e)`.
export function formError(form, e, text) {
  if (e?.field && fieldError(form, e.field, e.message)) return;
  const b = form.querySelector('.banner.error');
  b.textContent = text(e);
  b.hidden = false;
}

export function clearErrors(form) {
  for (const e of form.querySelectorAll('.field-error')) e.hidden = true;
  for (const c of form.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
  const banner = form.querySelector('.banner.error');
  if (banner) banner.hidden = true;
}

// Say something to screen-reader users without moving focus.
export function announce(text) {
  const live = $('live');
  if (live) live.textContent = text;
}

// i18n-core.js - the language switch of every page, public and staff:
// Chinese (the default) or English, words looked up by key in the
// dictionaries the page brings (useDictionaries).
//
// The HTML carries the Chinese text, so a page reads right before any
// script runs; elements marked data-i18n (text), data-i18n-placeholder,
// data-i18n-aria-label, data-i18n-title and data-i18n-alt get the chosen
// language's words.  The choice comes from ?lang=en|zh (which is then
// remembered), else from localStorage, else Chinese.  A key missing from
// a dictionary is logged as a console error, which the browser tests
// treat as a failure.

const STORE_KEY = 'urbangrid.lang';

let dictionaries = { zh: {}, en: {} };
const listeners = [];

// The words of this page: { zh: {key: text}, en: {key: text} }.
export function useDictionaries(d) { dictionaries = d; }

function chooseLang() {
  const asked = new URLSearchParams(window.location.search).get('lang');
  if (asked === 'en' || asked === 'zh') {
    remember(asked);
    return asked;
  }
  try {
    const stored = window.localStorage.getItem(STORE_KEY);
    if (stored === 'en' || stored === 'zh') return stored;
  } catch { /* storage disabled: Chinese */ }
  return 'zh';
}

function remember(l) {
  try { window.localStorage.setItem(STORE_KEY, l); } catch { /* not kept */ }
}

let lang = chooseLang();

// The current language: 'zh' or 'en'.
export function currentLang() { return lang; }

// The words for key with {name} replaced from vars.
export function t(key, vars = {}) {
  let s = dictionaries[lang][key];
  if (s === undefined) {
    console.error(`i18n: no "${key}" in ${lang}`);
    s = key;
  }
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

// Whether the current language has words for key.
export function hasText(key) { return key in dictionaries[lang]; }

// Put the current language's words into root's marked elements.
export function translate(root = document) {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  }
  for (const el of root.querySelectorAll('[data-i18n-alt]')) el.alt = t(el.dataset.i18nAlt);
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  // The switch is written in the language it switches to.
  const toggle = document.getElementById('lang-toggle');
  if (toggle) toggle.lang = lang === 'zh' ? 'en' : 'zh-CN';
}

// Call fn(lang) after every switch of language.
export function onLangChange(fn) { listeners.push(fn); }

function setLang(l) {
  lang = l;
  remember(l);
  // Keep an address with ?lang= truthful, so a reload or a shared link
  // shows what is on screen.
  const url = new URL(window.location.href);
  if (url.searchParams.has('lang')) {
    url.searchParams.set('lang', l);
    window.history.replaceState(null, '', url);
  }
  translate();
  for (const fn of listeners) fn(l);
}

// Translate the page and wire the language button (#lang-toggle).  The
// switch happens in place: nothing typed into a form is lost.
export function startI18n() {
  translate();
  const button = document.getElementById('lang-toggle');
  if (button) {
    button.addEventListener('click', () => setLang(lang === 'zh' ? 'en' : 'zh'));
  }
}

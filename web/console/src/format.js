// format.js - times, the time left on a deadline and the traffic light as
// the console shows them, in the chosen language.
import { currentLang, t } from '../../public/assets/i18n-core.js';
import { h } from './dom.js';

export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(currentLang() === 'en' ? 'en-GB' : 'zh-CN',
    { dateStyle: 'short', timeStyle: 'short' }).format(d);
}

// "3 h 12 min" for a span of ms.
export function span(ms) {
  const min = Math.max(0, Math.round(ms / 60000));
  const d = Math.floor(min / 1440);
  const hr = Math.floor((min % 1440) / 60);
  const m = min % 60;
  const parts = [];
  if (d) parts.push(t('time.d', { n: d }));
  if (hr) parts.push(t('time.h', { n: hr }));
  if (!d && (m || !hr)) parts.push(t('time.m', { n: m }));
  return parts.join(' ');
}

// Time left to the deadline (wall-clock: a working-time limit also stops
// at night and on days off, which the deadline itself already counts).
export function timeLeft(deadline, now = Date.now()) {
  if (!deadline) return '';
  const left = Date.parse(deadline) - now;
  return left >= 0 ? t('time.left', { t: span(left) }) : t('time.over', { t: span(-left) });
}

// The light as a dot with its word (colour is never the only signal).
export function light(name) {
  return h('span', { class: `light light-${name}` }, t(`light.${name}`));
}

// An error as the banner says it.
export const sayError = (e) => t('common.error', { message: e.message });

// w3c.mjs - W3C / ISO 8601 date-times as Open311 uses them: a zone is
// mandatory (Z or ±hh:mm), and we never emit fractional seconds because
// open311-adapter's pattern forbids them (a server may accept them).

const W3C_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/;

const daysIn = (y, m) => new Date(Date.UTC(y, m, 0)).getUTCDate();

// Parse S; returns milliseconds since the epoch, or null when S is not a
// W3C date-time with a zone.  A fraction is refused unless allowFraction.
export function parseW3C(s, { allowFraction = false } = {}) {
  if (typeof s !== 'string') return null;
  const m = W3C_RE.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number);
  if (m[7] && !allowFraction) return null;
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return null;
  if (h > 23 || mi > 59 || se > 59) return null;
  let offset = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[10]), om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offset = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const frac = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  return Date.UTC(y, mo - 1, d, h, mi, se, frac) - offset * 60000;
}

// True when S is a date-time a conformant server may emit.
export const isW3C = (s) => parseW3C(s) !== null;

const pad = (n, w = 2) => String(n).padStart(w, '0');

// Format MS (epoch milliseconds, truncated to the second) as wall-clock
// time at OFFSET minutes east of UTC: 'Z' for 0 unless numericZero.
export function formatW3C(ms, offset = 0, { numericZero = false } = {}) {
  const t = new Date(Math.floor(ms / 1000) * 1000 + offset * 60000);
  const wall = `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`
    + `T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
  if (offset === 0 && !numericZero) return `${wall}Z`;
  const a = Math.abs(offset);
  return `${wall}${offset < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

// outbox.js - what the phone keeps until it is sent: every write of the
// phone pages (a report with its photos, an action with its photos, a
// shift's start and end, the patrol track) is an item of IndexedDB
// first, then sent - at once when there is network, else when it
// returns - in the order made, each exactly once:
//
// - an item is a list of requests (steps); each step has its own
//   Idempotency-Key, a UUID made when the user tapped and kept with the
//   item, so a retry after a lost answer is answered by the server with
//   the first result (docs/api.md) instead of writing twice;
// - after each step the item records how far it got (and the id a step
//   answered, e.g. the new case's, which the photo steps after it need:
//   `{case}` in their address);
// - a network failure (or a session that ended: 401) stops the sending
//   until the network is back or the user retries; a refusal (4xx other
//   than 401) sets the item aside, with the server's words, for the user
//   to retry or delete, and the next items go on.
//
// Photos are kept as Blobs.  Nothing is sent while the page is closed
// (docs/field.md says why).
import { ApiError, send } from '../../public/assets/api.js';
import { t } from '../../public/assets/i18n-core.js';

const DB_NAME = 'urbangrid-field';
const STORE = 'outbox';
const IDS = 'field.ids'; // ids answered for later items ({shift}), localStorage

let dbOpen = null;
function db() {
  dbOpen ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'seq', autoIncrement: true });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return dbOpen;
}

async function tx(mode, fn) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const t = d.transaction(STORE, mode);
    const out = fn(t.objectStore(STORE));
    t.oncomplete = () => resolve(out?.result ?? out);
    t.onerror = () => reject(t.error);
  });
}

export const items = () => tx('readonly', (s) => s.getAll());
const save = (item) => tx('readwrite', (s) => s.put(item));
export const drop = (seq) => tx('readwrite', (s) => s.delete(seq)).then(changed);

const listeners = new Set();
// fn() after every change of the outbox; returns the function that stops it.
export function onOutbox(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
function changed() {
  for (const fn of [...listeners]) fn();
}

// Keep an item: { kind, label, work, steps: [{ method, url, body, saveAs,
// global }] } (label: what the list shows; work: what it counts as
// today - report, verify, check, handle, ...)
// (url may hold `{name}` for an id a step before answered; saveAs names
// the id this step's answer carries).  Each step gets its key now.
// Returns the item as kept.
export async function enqueue({ kind, label, work, steps }) {
  const item = {
    kind, label, work, made_at: new Date().toISOString(), done: 0, ids: {}, failed: null,
    steps: steps.map((s) => ({ ...s, key: crypto.randomUUID() })),
  };
  item.seq = await save(item);
  changed();
  return item;
}

function knownIds() {
  try {
    return JSON.parse(localStorage.getItem(IDS) ?? '{}');
  } catch {
    return {};
  }
}

// Keep an id for the later items' addresses (`{name}`): the shift's.
export function rememberId(name, id) {
  const ids = knownIds();
  ids[name] = id;
  localStorage.setItem(IDS, JSON.stringify(ids));
}

async function sendItem(item) {
  while (item.done < item.steps.length) {
    const step = item.steps[item.done];
    const ids = { ...knownIds(), ...item.ids };
    const url = step.url.replace(/\{(\w+)\}/g, (m, k) => (k in ids ? ids[k] : m));
    // The id comes from an earlier item, which was set aside: so is this.
    if (/\{\w+\}/.test(url)) throw new ApiError(409, 'earlier', t('outbox.earlier'));
    const answer = await send(step.method, url, step.body, { 'Idempotency-Key': step.key });
    if (step.saveAs) {
      item.ids[step.saveAs] = answer.id;
      if (step.global) rememberId(step.saveAs, answer.id);
    }
    item.done += 1;
    await save(item);
  }
}

let sending = null;
let lastStop = null; // why the sending stopped last: null, or an ApiError

export const stopped = () => lastStop;

// Send what waits, in order; resolves when the outbox is empty, or the
// network (or the session) is gone.  One sending at a time.
export function flush() {
  sending ??= run().finally(() => {
    sending = null;
    changed();
  });
  return sending;
}

// The first item not set aside, again after each one: an item kept
// while this sending runs goes with it.
async function run() {
  lastStop = null;
  for (;;) {
    const item = (await items()).find((i) => !i.failed);
    if (!item) return;
    try {
      await sendItem(item);
      await drop(item.seq);
      sent(item);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status === 0 || e.status === 401 || e.status >= 500) {
        lastStop = e;
        return;
      }
      item.failed = e.message;
      await save(item);
      changed();
    }
  }
}

// Keep an item and send what waits at once: what it came to, as the
// page says it - { text, refused }: sent; kept for later; refused, with
// the server's words.
export async function submit(spec) {
  const item = await enqueue(spec);
  await flush();
  const left = (await items()).find((i) => i.seq === item.seq);
  if (!left) return { text: t('case.sent'), refused: false };
  return left.failed ? { text: t('outbox.failed', { message: left.failed }), refused: true }
    : { text: t('case.queued'), refused: false };
}

// Send a set-aside item again (the user's "retry now"), then the rest.
export async function retry(seq) {
  const item = (await items()).find((i) => i.seq === seq);
  if (item?.failed) {
    item.failed = null;
    await save(item);
  }
  return flush();
}

// What this phone sent today, by kind of work (report, verify, check, ...),
// kept in localStorage: the inspector's "my numbers today" when the
// server's own are not available.
const TODAY = 'field.today';
export function sentToday() {
  try {
    const v = JSON.parse(localStorage.getItem(TODAY) ?? '{}');
    return v.day === new Date().toDateString() ? v.counts : {};
  } catch {
    return {};
  }
}
function sent(item) {
  const counts = sentToday();
  const work = item.work ?? item.kind;
  counts[work] = (counts[work] ?? 0) + 1;
  localStorage.setItem(TODAY, JSON.stringify({ day: new Date().toDateString(), counts }));
}

// Whenever the browser says the network is back, and every 30 s while
// something waits (the "online" event does not come everywhere).
export function startSending() {
  window.addEventListener('online', () => flush());
  setInterval(async () => {
    if ((await items()).some((i) => !i.failed)) flush();
  }, 30000);
  flush();
}

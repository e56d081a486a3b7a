// live.js - the console's live stream: GET /api/v1/events (Server-Sent
// Events) brings every change of a case the user sees; the browser
// reconnects by itself and, with the Last-Event-ID it keeps, misses
// nothing.  Views subscribe (onChange) to redraw what the change touches;
// the shell turns the changes that concern the user into notices.
let source = null;
const listeners = new Set();

// after: start after that history line (the stream replays the lines in
// sight since then); else with the next change.
export function startLive(after = 0) {
  if (source) return;
  source = new EventSource(after ? `/api/v1/events?after=${after}` : '/api/v1/events');
  source.addEventListener('case', (ev) => {
    let change;
    try {
      change = JSON.parse(ev.data);
    } catch {
      return;
    }
    for (const fn of [...listeners]) fn(change);
  });
}

export function stopLive() {
  source?.close();
  source = null;
}

// Call fn(change) for each change; returns the function that stops it.
export function onChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// fn at most once per `ms`, the last call winning (a burst of changes
// redraws a queue once).
export function throttle(fn, ms) {
  let timer = null;
  return () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
}

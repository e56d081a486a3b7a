// sw.js - the phone pages' service worker (scope /m/): once the pages
// were opened on a secure origin (https, or the loopback), they open
// without network.
//
// - The page, its script and style and Leaflet's style are kept at
//   install (the build puts their names and a version in: a new build is
//   a new worker, which drops the old files when it takes over).
// - The page itself is asked of the network first (a new binary is seen
//   at once), the kept copy when there is none.
// - GET answers of the API the pages read (who am I, the workflow, the
//   categories, my cases, my numbers) are asked of the network first and
//   kept, so the last lists are shown offline; grid tiles likewise.
// - Nothing else is touched: writes (POST) go to the network as they
//   are - the page's own queue (outbox.js) keeps what could not be sent.
const VERSION = '%VERSION%';
const FILES = ['%FILES%'];
const CACHE = `field-${VERSION}`;

self.addEventListener('install', (ev) => {
  ev.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (ev) => {
  ev.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('field-') && k !== CACHE)
      .map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// Network first, the kept answer when the network fails; a good answer
// is kept for the next time.
async function networkFirst(request, key = request) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(request);
    if (res.ok) await cache.put(key, res.clone());
    return res;
  } catch (e) {
    const kept = await cache.match(key);
    if (kept) return kept;
    throw e;
  }
}

async function cacheFirst(request) {
  const kept = await caches.match(request);
  return kept ?? fetch(request);
}

const KEPT_API = /^\/api\/v1\/(session|workflow|categories|cases|patrol\/me|grids\/tiles\/|map$)/;

self.addEventListener('fetch', (ev) => {
  const { request } = ev;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && url.pathname.startsWith('/m/')) {
    ev.respondWith(networkFirst(request, '/m/'));
  } else if (FILES.includes(url.pathname)) {
    ev.respondWith(cacheFirst(request));
  } else if (KEPT_API.test(url.pathname) && !url.pathname.startsWith('/api/v1/events')) {
    ev.respondWith(networkFirst(request));
  }
});

// The page asks for the kept answers to be dropped at logout.
self.addEventListener('message', (ev) => {
  if (ev.data === 'forget') {
    ev.waitUntil(caches.open(CACHE).then(async (c) => {
      for (const req of await c.keys()) {
        if (new URL(req.url).pathname.startsWith('/api/')) await c.delete(req);
      }
    }));
  }
});

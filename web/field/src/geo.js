// geo.js - where the phone is: the browser's position (navigator.
// geolocation, which gives WGS84 by the W3C specification - the GCJ-02
// shift of Chinese maps is the map's business, web/console/src/map.js),
// followed while a page is open, and distances for the lists.
let last = null;     // { lon, lat, accuracy, t } or null
let denied = false;
let watching = false;
const listeners = new Set();

export const here = () => last;
export const isDenied = () => denied;

// Follow the position; fn(fix) at each new one.  Returns the function
// that stops fn (the watch itself runs while the page is open).
export function onFix(fn) {
  listeners.add(fn);
  if (!watching && 'geolocation' in navigator) {
    watching = true;
    navigator.geolocation.watchPosition((p) => {
      last = {
        lon: p.coords.longitude, lat: p.coords.latitude,
        // When the page got it, by the page's clock - the same clock
        // as the shift's start and end it falls between.
        accuracy: p.coords.accuracy, t: new Date().toISOString(),
      };
      denied = false;
      for (const f of [...listeners]) f(last);
    }, (e) => {
      denied = e.code === e.PERMISSION_DENIED;
      for (const f of [...listeners]) f(null);
    }, { enableHighAccuracy: true, maximumAge: 10000, timeout: 30000 });
  }
  return () => listeners.delete(fn);
}

// The first fix, or null after `ms`.
export function fix(ms = 5000) {
  if (last) return Promise.resolve(last);
  return new Promise((resolve) => {
    const stop = onFix((f) => {
      stop();
      resolve(f);
    });
    setTimeout(() => {
      stop();
      resolve(last);
    }, ms);
  });
}

// Metres between two WGS84 points (haversine).
export function metres(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const s = Math.sin(dLat / 2) ** 2
    + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(s));
}

// "near=lon,lat" for the lists, or '' without a fix.
export const nearQuery = () => (last ? `&near=${last.lon.toFixed(6)},${last.lat.toFixed(6)}` : '');

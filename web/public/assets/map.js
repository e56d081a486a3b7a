// map.js - the city map of the public pages: Leaflet (window.L, bundled
// from npm and served by the binary) showing the unit grids' outlines.
// There is no tile layer: a city's intranet reaches no tile server, and
// the grid outlines are what a citizen recognises streets by here.
import { getJSON } from './api.js';

// Outlines thin out when zoomed out, where hundreds of grids meet.
const gridStyle = (zoom) => ({
  color: '#1d6b57', weight: zoom >= 15 ? 1 : 0.4, opacity: zoom >= 15 ? 0.8 : 0.5,
  fillColor: '#1d6b57', fillOpacity: 0.04,
});

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

// Make a map in el.  view: {lat, lon, zoom} to look at one place (the
// follow page); without it the map shows the whole city, from
// GET /public/api/map.  interactive: false for a picture that does not
// move.  Resolves to { map, setPin(lat, lon), clearPin(), onPick(fn) }:
// in an interactive map a tap or a drag of the pin calls fn(lat, lon).
// Rejects (ApiError) when the city's extent cannot be loaded.
export async function cityMap(el, { view, interactive = true, pinLabel = '' } = {}) {
  const L = window.L;
  const map = L.map(el, {
    zoomControl: interactive,
    dragging: interactive,
    touchZoom: interactive,
    doubleClickZoom: interactive,
    scrollWheelZoom: interactive,
    boxZoom: interactive,
    keyboard: interactive,
    zoomSnap: 0.5,
  });
  map.attributionControl.setPrefix('Leaflet');
  let cityBounds = null;
  if (view) {
    map.setView([view.lat, view.lon], view.zoom ?? 16);
  } else {
    const city = await getJSON('/public/api/map');
    if (Array.isArray(city.bbox) && city.bbox.length === 4) {
      const [w, s, e, n] = city.bbox;
      cityBounds = [[s, w], [n, e]];
      map.fitBounds(cityBounds, { padding: [4, 4] });
    } else {
      map.setView([city.center[1], city.center[0]], 14);
    }
  }

  const grids = L.geoJSON(null, { style: () => gridStyle(map.getZoom()), interactive: false }).addTo(map);
  map.on('zoomend', () => grids.setStyle(gridStyle(map.getZoom())));
  let loading = null;
  async function loadGrids() {
    loading?.abort();
    loading = new AbortController();
    const b = map.getBounds();
    const bbox = [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
      clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)].map((v) => v.toFixed(6)).join(',');
    try {
      const fc = await getJSON(`/public/api/grids.geojson?bbox=${bbox}`, { signal: loading.signal });
      grids.clearLayers();
      if (fc.truncated) {
        // Too many grids in view for one answer: part of them would draw
        // a misleading city, so only its outline until the map zooms in.
        if (cityBounds) grids.addLayer(L.rectangle(cityBounds, { ...gridStyle(16), interactive: false }));
      } else {
        grids.addData(fc);
      }
    } catch (e) {
      // A later move supersedes this load; any other failure leaves the
      // outlines as they were (the pin still works without them).
      if (e.name !== 'AbortError') console.warn('grids:', e.message);
    }
  }
  map.on('moveend', loadGrids);
  loadGrids();

  let pin = null;
  const pickers = [];
  const picked = (ll) => { for (const fn of pickers) fn(ll.lat, ll.lng); };
  function setPin(lat, lon) {
    if (pin) {
      pin.setLatLng([lat, lon]);
    } else {
      pin = L.marker([lat, lon], { draggable: interactive, keyboard: interactive, alt: pinLabel, title: pinLabel });
      pin.on('dragend', () => picked(pin.getLatLng()));
      pin.addTo(map);
    }
  }
  function clearPin() {
    pin?.remove();
    pin = null;
  }
  if (interactive) {
    map.on('click', (ev) => {
      setPin(ev.latlng.lat, ev.latlng.lng);
      picked(ev.latlng);
    });
  }
  return { map, setPin, clearPin, onPick: (fn) => pickers.push(fn) };
}

// map.js - the map of the cases the user sees: Leaflet (npm) with the
// unit grids' outlines as tiles the server draws (every grid at every
// zoom, over the base map and under the points) and the cases as points
// coloured by their light, clustered by supercluster (npm) when they
// crowd; the queue's filters; a click on a case opens it, on a cluster
// zooms in.  The base map is the operator's intranet tile server, if
// any (docs/console.md).  The list views stay the way to reach a case by
// keyboard; the map is the overview.
import gcoord from 'gcoord';
import L from 'leaflet';
import Supercluster from 'supercluster';

import { getJSON } from '../../public/assets/api.js';
import { t } from '../../public/assets/i18n-core.js';
import { fill, h } from './dom.js';
import { addressFilters, filterForm, queueQuery } from './queue.js';

const COLOURS = { red: '#c62828', yellow: '#d49b00', green: '#2e7d32', none: '#78858a' };

// Leaflet (1.9, pinned) cancels a tile it no longer wants by pointing it
// at a data: GIF, which the console's CSP (img-src 'self') refuses with a
// console error each time: these tile layers drop the src instead (the
// element leaves the page all the same).  The two methods follow
// Leaflet 1.9's own: an upgrade of Leaflet must check them again.
const Tiles = L.TileLayer.extend({
  _removeTile(key) {
    if (!this._tiles[key]) return;
    this._tiles[key].el.removeAttribute('src');
    L.GridLayer.prototype._removeTile.call(this, key);
  },
  _abortLoading() {
    for (const [key, { el, coords }] of Object.entries(this._tiles)) {
      if (coords.z === this._tileZoom) continue;
      el.onload = L.Util.falseFn;
      el.onerror = L.Util.falseFn;
      if (!el.complete) {
        el.removeAttribute('src');
        L.DomUtil.remove(el);
        delete this._tiles[key];
        this.fire('tileabort', { tile: el, coords });
      }
    }
  },
});

// The base map the operator named (serve --tiles), asked once: null, or
// { url, crs }.  Our points and grids are WGS84; over GCJ-02 tiles (the
// Chinese map datum) they are drawn shifted the same way, and a point
// picked on such a map is shifted back (gcoord, npm).  One request for
// all the maps of the page, even those opened at once; if it fails, the
// maps draw without a base map.
let tiles;
let tilesAsked;
async function baseMap(map) {
  tilesAsked ??= getJSON('/api/v1/map').then((r) => r.tiles, () => null);
  tiles = await tilesAsked;
  if (tiles) new Tiles(tiles.url, { maxZoom: 19 }).addTo(map);
  return tiles;
}
const gcj = () => tiles?.crs === 'gcj02';
// WGS84 [lon, lat] -> as drawn.
const shown = (lon, lat) => (gcj() ? gcoord.transform([lon, lat], gcoord.WGS84, gcoord.GCJ02) : [lon, lat]);
// As drawn -> WGS84.
const actual = (lon, lat) => (gcj() ? gcoord.transform([lon, lat], gcoord.GCJ02, gcoord.WGS84) : [lon, lat]);

function pointsQuery(w, f) {
  const q = new URLSearchParams(queueQuery(w, f));
  for (const k of ['sort', 'page', 'per_page']) q.delete(k);
  return q.toString();
}

// Resolves once el is on the page (the router draws a view off the page
// and puts it on when it is ready; Leaflet must measure its box).
function attached(el) {
  return new Promise((resolve) => {
    const look = () => (el.isConnected ? resolve() : requestAnimationFrame(look));
    look();
  });
}

export async function renderMap(main, w) {
  const f = addressFilters();
  const [form, data] = await Promise.all([
    filterForm(w, f),
    getJSON(`/api/v1/cases/points?${pointsQuery(w, f)}`),
  ]);
  const box = h('div', { class: 'map', role: 'region', 'aria-label': t('map.label') });
  const note = h('p', { class: 'muted', role: 'status' });
  const hotNote = h('span', { class: 'muted', role: 'status' });
  const hot = h('input', { type: 'checkbox', id: 'map-hotspots' });
  fill(main, h('h1', {}, t('ws.map')), form,
    h('p', { class: 'hotspot-toggle' }, hot, ' ', h('label', { for: 'map-hotspots' }, t('map.hotspots')), ' ', hotNote),
    note, box);
  const drawn = attached(box).then(() => drawMap(box, note, pointsQuery(w, f), data));
  // Switched before the map is drawn: drawn once it is.
  hot.addEventListener('change', () => drawn.then(() => box.showHotspots(hot.checked, hotNote)));
}

// The ISO 8601 week of a local date, "2026-W49": the hot spots' period.
export function isoWeek(now = new Date()) {
  const d = new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);  // the week's Thursday names its year
  const year = d.getUTCFullYear();
  const week = Math.ceil(((d - Date.UTC(year, 0, 1)) / 86400e3 + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

// The hot spots of this week (GET /api/v1/hotspots): each grid drawn in
// its own outline (GET /api/v1/grids over its box, the feature of its
// code), with its category and counts as tooltip.  At most 50 drawn: the
// list comes smallest p first.
async function hotspotLayer(map, note) {
  const week = isoWeek();
  const r = await getJSON(`/api/v1/hotspots?period=${week}`);
  const layer = L.layerGroup();
  // In SVG, not on the map's canvas: each spot an element of its own
  // (class `hotspot`), above the cases' canvas.
  const style = {
    color: '#e65100', weight: 3, fillColor: '#ff9800', fillOpacity: 0.35, className: 'hotspot', renderer: L.svg(),
  };
  const rows = r.rows.slice(0, 50);
  const shapes = await Promise.all(rows.map((row) => getJSON(row.geometry).then(
    (fc) => fc.features.find((g) => g.properties.code === row.code) ?? null, () => null)));
  rows.forEach((row, i) => {
    const tip = t('map.hotspot', { category: row.category_name, count: row.count, expected: Number(row.expected).toFixed(1) });
    const shape = shapes[i]
      ? L.geoJSON(shapes[i], { ...style, style, coordsToLatLng: ([lon, lat]) => L.latLng(shown(lon, lat).reverse()) })
      : L.rectangle([shown(row.bbox[0], row.bbox[1]).reverse(), shown(row.bbox[2], row.bbox[3]).reverse()], style);
    shape.bindTooltip(tip).addTo(layer);
  });
  note.textContent = t('map.hotspots_count', { week, n: r.rows.length });
  return layer;
}

// The map of the open cases matching `query` (GET /api/v1/cases/points)
// drawn into box, its count said in note: the command-centre screen's.
// box.refresh() reads the points again, keeping the view.
export async function casesMap(box, note, query) {
  const data = await getJSON(`/api/v1/cases/points?${query}`);
  await attached(box);
  await drawMap(box, note, query, data);
}

// The unit grids' outlines: tiles the server draws from its index, every
// grid however many (GET /api/v1/grids/tiles/...), shifted like the base
// map over GCJ-02 tiles.  In a pane of their own above the base map and
// below the points, never in the way of a click.  Resolves once the
// first view's tiles are in.
function followGrids(map) {
  const pane = map.createPane('grids');
  pane.style.zIndex = 350;
  pane.style.pointerEvents = 'none';
  const layer = new Tiles(`/api/v1/grids/tiles/{z}/{x}/{y}.png${gcj() ? '?crs=gcj02' : ''}`,
    { pane: 'grids', minZoom: 3, maxZoom: 20 });
  const loaded = new Promise((resolve) => { layer.once('load', resolve); });
  layer.addTo(map);
  return loaded;
}

// Somewhere to start when there is no point to show: the first grid.
async function startView(map, zoom) {
  const any = await getJSON('/api/v1/grids?bbox=-180,-90,180,90&limit=1&tolerance=0.01');
  const g = any.features[0];
  const c = g ? L.geoJSON(g).getBounds().getCenter() : { lng: 116.4, lat: 39.9 };
  const [lon, lat] = shown(c.lng, c.lat);
  map.setView([lat, lon], zoom);
}

// A small map of one place, over its grids: the case page's (at), or the
// intake's, where a click picks the point (pick({lon, lat})).
export function pointMap(box, { at, pick } = {}) {
  attached(box).then(async () => {
    const map = L.map(box, { preferCanvas: true, attributionControl: false, minZoom: 3 });
    let marker = null;
    const put = (ll) => {
      if (marker) marker.setLatLng(ll);
      else marker = L.circleMarker(ll, { radius: 8, color: '#fff', weight: 2, fillColor: '#c62828', fillOpacity: 1 }).addTo(map);
    };
    await baseMap(map);
    if (at) {
      const [lon, lat] = shown(at.lon, at.lat);
      map.setView([lat, lon], 17);
      put([lat, lon]);
    } else {
      await startView(map, 15);
    }
    if (pick) {
      map.on('click', (e) => {
        put(e.latlng);
        const [lon, lat] = actual(e.latlng.lng, e.latlng.lat);
        pick({ lon, lat });
      });
      box.clearPoint = () => {
        marker?.remove();
        marker = null;
      };
    }
    box.leafletMap = map;
    await followGrids(map);
  });
}

async function drawMap(box, note, query, data) {
  const map = L.map(box, { preferCanvas: true, attributionControl: false, minZoom: 3 });
  await baseMap(map);
  const cases = L.layerGroup().addTo(map);
  let index = null;

  function load(points, truncated) {
    index = new Supercluster({ radius: 48, maxZoom: 17 }).load(points.map(([id, lon, lat, light]) => ({
      type: 'Feature', geometry: { type: 'Point', coordinates: shown(lon, lat) }, properties: { id, light },
    })));
    note.textContent = t(truncated ? 'map.truncated' : 'map.count', { n: points.length });
  }

  function drawCases() {
    const b = map.getBounds();
    cases.clearLayers();
    for (const c of index.getClusters([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], map.getZoom())) {
      const [lon, lat] = c.geometry.coordinates;
      if (c.properties.cluster) {
        const n = c.properties.point_count;
        L.circleMarker([lat, lon], {
          radius: 10 + Math.min(16, Math.log2(n) * 2), color: '#1d4f6b', fillColor: '#1d4f6b', fillOpacity: 0.55, weight: 1,
        }).bindTooltip(String(n), { permanent: true, direction: 'center', className: 'cluster-count' })
          .on('click', () => map.setView([lat, lon], index.getClusterExpansionZoom(c.properties.cluster_id)))
          .addTo(cases);
      } else {
        const colour = COLOURS[c.properties.light] ?? COLOURS.none;
        L.circleMarker([lat, lon], { radius: 6, color: '#fff', weight: 1, fillColor: colour, fillOpacity: 0.95 })
          .on('click', () => { window.location.href = `/console/#/case/${c.properties.id}`; })
          .addTo(cases);
      }
    }
  }

  load(data.points, data.truncated);
  if (data.points.length) {
    map.fitBounds(L.latLngBounds(data.points.map(([, lon, lat]) => shown(lon, lat).reverse())).pad(0.05),
      { maxZoom: 16 });
  } else {
    // No case to show: where the grids are.
    await startView(map, 14);
  }
  map.on('moveend', drawCases);
  drawCases();
  await followGrids(map);
  // The browser tests find the points through it.
  box.leafletMap = map;
  let hotspots = null;
  box.showHotspots = async (on, hotNote) => {
    hotspots?.remove();
    hotspots = null;
    hotNote.textContent = '';
    if (!on) return;
    try {
      hotspots = (await hotspotLayer(map, hotNote)).addTo(map);
    } catch (e) {
      hotNote.textContent = t('common.error', { message: e.message });
    }
  };
  // For live.js: the points again, the view kept.
  box.refresh = async () => {
    const again = await getJSON(`/api/v1/cases/points?${query}`);
    load(again.points, again.truncated);
    drawCases();
  };
}

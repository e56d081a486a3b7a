// mock-public-api.mjs - TEMPORARY: answers the public JSON API and Open311
// services.json inside the browser (Playwright routes) until those
// endpoints land on main (issue #6); the pages themselves come from the
// real binary.  Shapes follow the contract the pages are written to.
// Delete this file, and its one use in pages.test.mjs, on the rebase.

const SERVICES = {
  zh: [
    { service_code: '06010', service_name: '暴露垃圾', group: '市容环境类', description: '', type: 'realtime' },
    { service_code: '06020', service_name: '积存垃圾渣土', group: '市容环境类', description: '', type: 'realtime' },
    { service_code: '01001', service_name: '上水井盖', group: '公用设施类', description: '', type: 'realtime' },
  ],
  en: [
    { service_code: '06010', service_name: 'Exposed rubbish', group: 'City appearance', description: '', type: 'realtime' },
    { service_code: '06020', service_name: 'Piled rubbish and spoil', group: 'City appearance', description: '', type: 'realtime' },
    { service_code: '01001', service_name: 'Water manhole cover', group: 'Public facilities', description: '', type: 'realtime' },
  ],
};

const BBOX = [116.38, 39.92, 116.43, 39.97];

function grids() {
  const features = [];
  for (let i = 0; i < 5; i++) {
    for (let j = 0; j < 5; j++) {
      const w = BBOX[0] + i * 0.01;
      const s = BBOX[1] + j * 0.01;
      features.push({
        type: 'Feature',
        properties: { code: `11010100100${i}00${j}` },
        geometry: { type: 'Polygon', coordinates: [[[w, s], [w + 0.01, s], [w + 0.01, s + 0.01], [w, s + 0.01], [w, s]]] },
      });
    }
  }
  return { type: 'FeatureCollection', features };
}

// Multipart fields of a request body (enough for the page's FormData).
function fields(body, type) {
  const boundary = /boundary=(.+)$/.exec(type)[1];
  const out = {};
  for (const part of body.toString('latin1').split(`--${boundary}`)) {
    const m = /name="([^"]+)"(?:; filename="[^"]*")?\r\n(?:Content-Type: [^\r]*\r\n)?\r\n([\s\S]*)\r\n$/.exec(part);
    if (m) out[m[1]] = Buffer.from(m[2], 'latin1').toString('utf8');
  }
  return out;
}

export async function mockPublicApi(context) {
  const reports = [];
  const json = (route, status, body, headers = {}) => route.fulfill({
    status, contentType: 'application/json', body: JSON.stringify(body), headers,
  });
  await context.route(/\/(open311\/v2|public\/api)\//, async (route) => {
    const req = route.request();
    const url = new URL(req.url());
    const path = url.pathname;
    if (path === '/open311/v2/services.json') {
      return json(route, 200, SERVICES[url.searchParams.get('locale') === 'en' ? 'en' : 'zh']);
    }
    if (path === '/public/api/map') return json(route, 200, { bbox: BBOX, center: [116.405, 39.945] });
    if (path === '/public/api/grids.geojson') return json(route, 200, grids());
    if (path === '/public/api/reports' && req.method() === 'POST') {
      const f = fields(req.postDataBuffer(), req.headers()['content-type']);
      if (!SERVICES.zh.some((s) => s.service_code === f.service_code)) {
        return json(route, 400, { error: { code: 'invalid', message: 'unknown service_code', field: 'service_code' } });
      }
      const id = String(100 + reports.length);
      const r = {
        service_request_id: id, token: `tok${id}abcdef`, number: `20261123${String(reports.length + 1).padStart(5, '0')}`,
        status: 'open', status_notes: '已受理，待核实', service_code: f.service_code,
        service_name: SERVICES.zh.find((s) => s.service_code === f.service_code).service_name,
        description: f.description, address: f.address_string ?? null,
        lat: f.lat ? Number(f.lat) : null, long: f.long ? Number(f.long) : null,
        requested_datetime: new Date().toISOString(), updated_datetime: new Date().toISOString(),
        expected_datetime: null, media_url: f.photo ? ['/public/assets/leaflet/images/marker-icon.png'] : [],
        notes: [], rating: null, can_rate: false,
      };
      reports.push(r);
      const { service_request_id, token, number, status, status_notes } = r;
      return json(route, 201, { service_request_id, token, number, status, status_notes });
    }
    const m = /^\/public\/api\/reports\/([^/]+)(\/rating)?$/.exec(path);
    if (m) {
      const key = decodeURIComponent(m[1]);
      const r = reports.find((x) => x.service_request_id === key || x.token === key);
      if (!r) return json(route, 404, { error: { code: 'not_found', message: 'no such report' } });
      if (m[2]) return json(route, 409, { error: { code: 'conflict', message: 'not closed' } });
      const { token, ...shown } = r;
      return json(route, 200, shown);
    }
    return json(route, 404, { error: { code: 'not_found', message: 'mock: no such resource' } });
  });
}

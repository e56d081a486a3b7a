// fixture.mjs - a small in-memory Open311 server for the checker's own
// tests (selftest.test.mjs): the checklist's example documents and rules,
// in XML and JSON, plus named FAULTS that each break one rule so the
// self-test can prove every check is able to fail.  Test code only.
import http from 'node:http';

import { LIST_ITEMS } from './lib/xml.mjs';
import { formatW3C, parseW3C } from './lib/w3c.mjs';

const DAY = 86400000;
const KEY = 'fixture-key';
const JURISDICTION = 'fixture.example';
const BJT = 8 * 60;   // the fixture city writes times at +08:00

export const FIXTURE_KEY = KEY;
export const FIXTURE_JURISDICTION = JURISDICTION;

const SERVICES = [
  { service_code: '001', service_name: 'Pothole', description: 'Hole in road', metadata: true, type: 'realtime', keywords: 'road', group: 'street' },
  { service_code: '002', service_name: 'Graffiti', description: 'Paint on a wall', metadata: false, type: 'realtime', keywords: 'wall', group: 'street' },
];

const DEFINITIONS = {
  '001': {
    service_code: '001',
    attributes: [
      { variable: true, code: 'depth', datatype: 'singlevaluelist', required: true, datatype_description: null, order: 1, description: 'How deep?', values: [{ key: 'S', name: 'Shallow' }, { key: 'D', name: 'Deep' }] },
      { variable: true, code: 'kinds', datatype: 'multivaluelist', required: false, datatype_description: 'any of', order: 2, description: 'What is hit?', values: [{ key: 'car', name: 'Cars' }, { key: 'bike', name: 'Bikes' }, { key: 'foot', name: 'People' }] },
      { variable: false, code: 'note', datatype: 'text', required: false, datatype_description: '', order: 3, description: 'Inspected within 24 hours' },
    ],
  },
};

// ---- output ------------------------------------------------------------

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const ITEM_OF = LIST_ITEMS;

// The XML of VALUE under element NAME, by the Spark rules in reverse.
function toXml(name, value, F) {
  if (Array.isArray(value)) {
    const item = ITEM_OF[name] ?? 'item';
    return `<${name}>${value.map((v) => toXml(item, v, F)).join('')}</${name}>`;
  }
  if (value && typeof value === 'object') {
    return `<${name}>${Object.entries(value).filter(([, v]) => v !== undefined)
      .map(([k, v]) => toXml(k, v, F)).join('')}</${name}>`;
  }
  if (value === null || value === '') return `<${name}/>`;
  return `<${name}>${F.has('xml-unescaped') ? String(value) : esc(value)}</${name}>`;
}

function send(res, status, fmt, root, value, F) {
  if (fmt === 'json') {
    let body = JSON.stringify(value);
    if (F.has('json-null')) body = body.replace(/"status_notes":"[^"]*"/g, '"status_notes":null');
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(body);
  } else {
    res.writeHead(status, { 'Content-Type': 'text/xml' });
    res.end(`<?xml version="1.0" encoding="utf-8"?>\n${toXml(root, value, F)}`);
  }
}

class Refusal extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}
const refuse = (status, message) => { throw new Refusal(status, message); };

// ---- input -------------------------------------------------------------

// Form or multipart body -> { fields: [[k, v]...], files: [{ name, type, data }] }.
function parseBody(req, body) {
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('multipart/form-data')) {
    const b = /boundary=([^;]+)/.exec(type)?.[1];
    if (!b) refuse(400, 'multipart without boundary');
    const fields = [], files = [];
    const sep = Buffer.from(`--${b}`);
    let at = body.indexOf(sep);
    while (at >= 0) {
      const start = at + sep.length;
      if (body.subarray(start, start + 2).toString() === '--') break;
      const next = body.indexOf(sep, start);
      if (next < 0) refuse(400, 'multipart not terminated');
      const part = body.subarray(start + 2, next - 2);
      const split = part.indexOf('\r\n\r\n');
      const head = part.subarray(0, split).toString('utf8');
      const data = part.subarray(split + 4);
      const name = /name="([^"]*)"/.exec(head)?.[1];
      const filename = /filename="([^"]*)"/.exec(head)?.[1];
      const ctype = /Content-Type:\s*(\S+)/i.exec(head)?.[1] ?? 'text/plain';
      if (filename !== undefined) files.push({ name, type: ctype, data });
      else fields.push([name, data.toString('utf8')]);
      at = next;
    }
    return { fields, files };
  }
  return { fields: [...new URLSearchParams(body.toString('utf8'))], files: [] };
}

const getAll = (pairs, k) => pairs.filter(([x]) => x === k).map(([, v]) => v);
const get = (pairs, k) => {
  const v = getAll(pairs, k)[0];
  return v === '' ? undefined : v;   // empty = absent
};

// A query date: W3C with a zone (fraction accepted).  A '+' that arrived
// bare decodes to a space: restore it.
function queryDate(v, name, F) {
  if (v === undefined) return undefined;
  let s = v;
  // plus-local: the fault the checklist warns of, the zone lost and the
  // wall-clock time read as the server's own (UTC here).
  s = F.has('plus-local') ? s.replace(/ \d\d:\d\d$/, 'Z') : s.replace(/ (\d\d:\d\d)$/, '+$1');
  let t = parseW3C(s, { allowFraction: true });
  if (F.has('offset-ignored') && t !== null) t = parseW3C(s.replace(/([+-]\d\d:\d\d|Z)$/, 'Z'));
  if (F.has('date-lenient') && t === null) t = Date.parse(s) || 0;
  if (t === null) refuse(400, `${name} is not a W3C date-time with a zone: ${v}`);
  return t;
}

// ---- the server --------------------------------------------------------

// Start the fixture on a free loopback port.  FAULTS: names of the rules
// to break; BATCH: services are batch (POST answers a token); the limits
// in bytes (the self-test makes them small to run fast).
export async function startFixture({ faults = [], batch = false, photoLimit = 8 * 1024 * 1024, bodyLimit = 10 * 1024 * 1024 } = {}) {
  const PHOTO_LIMIT = photoLimit, BODY_LIMIT = bodyLimit;
  const F = new Set(faults);
  const now = Date.now();
  const requests = [];
  const updates = [];
  const tokens = new Map();
  let nextId = 1000;
  const add = (r) => { requests.push({ status: 'open', ...r }); return r; };
  // Seeded reports: a few days old, open and closed, one too old.
  for (let i = 0; i < 6; i++) {
    add({
      id: String(nextId++), code: i % 2 ? '002' : '001', t: now - (i + 1) * DAY,
      status: i % 3 === 0 ? 'closed' : 'open', description: `Seeded report ${i} & co`, address: '8TH AVE and JUDAH ST',
      lat: 37.762221815, long: -122.4651145, attributes: {},
    });
  }
  add({ id: String(nextId++), code: '001', t: now - 100 * DAY, status: 'closed', description: 'Too old', attributes: {} });
  // Updates at whole seconds (reports above keep milliseconds).
  const sec = (t) => Math.floor(t / 1000) * 1000;
  updates.push({ update_id: '5001', service_request_id: '1000', status: 'CLOSED', t: sec(now - 2 * 3600000), description: 'Fixed', media_url: '' });
  updates.push({ update_id: '5002', service_request_id: '1001', status: 'IN_PROGRESS', t: sec(now - 3 * 3600000), description: 'Crew booked', media_url: '' });
  updates.push({ update_id: '5003', service_request_id: '1002', status: 'OPEN', t: sec(now - 30 * DAY), description: 'Old news', media_url: '' });

  let base = '';

  const shown = (r, ext) => {
    const o = {
      service_request_id: r.id, status: r.status, status_notes: r.status === 'closed' ? 'Fixed' : '',
      service_name: SERVICES.find((s) => s.service_code === r.code)?.service_name, service_code: r.code,
      description: r.description, agency_responsible: 'Roads', requested_datetime: formatW3C(r.t, BJT),
      updated_datetime: formatW3C(r.t, BJT), address: r.address ?? '', lat: r.lat, long: r.long,
      media_url: r.photo ? `${base}media/${r.id}.png` : '',
    };
    if (F.has('privacy-leak')) o.email = r.email ?? '';
    if (F.has('bad-datetime')) o.requested_datetime = formatW3C(r.t, BJT).slice(0, 19);
    if (ext) o.extended_attributes = { attributes: Object.fromEntries(Object.entries(r.attributes).map(([k, v]) => [k, v.join(',')])) };
    return o;
  };

  function listRequests(q) {
    const ids = get(q, 'service_request_id');
    const ext = get(q, 'extensions') === 'true';
    if (ids && !F.has('ids-no-override')) {
      return ids.split(',').map((id) => requests.find((r) => r.id === id)).filter(Boolean).map((r) => shown(r, ext));
    }
    const status = F.has('empty-param-filter') ? getAll(q, 'status')[0] : get(q, 'status');
    const statuses = status?.split(',');
    if (!F.has('status-ignored') && statuses?.some((x) => !['open', 'closed'].includes(x))) refuse(400, `status must be open or closed: ${status}`);
    let codes = get(q, 'service_code')?.split(',');
    if (F.has('code-filter-first')) codes = codes?.slice(0, 1);
    let start = queryDate(get(q, 'start_date'), 'start_date', F);
    let end = queryDate(get(q, 'end_date'), 'end_date', F);
    if (start !== undefined && end !== undefined && end < start && !F.has('order-unchecked')) refuse(400, 'end_date is before start_date');
    if (start === undefined && end === undefined) { end = Date.now(); start = end - 90 * DAY; }
    if (start === undefined) start = end - 90 * DAY;
    if (end === undefined) end = Math.min(Date.now(), start + 90 * DAY);
    if (end - start > 90 * DAY && !F.has('span-unchecked')) refuse(400, 'start_date to end_date spans more than 90 days');
    return requests
      .filter((r) => (F.has('list-old') ? true : r.t >= start && r.t <= end))
      .filter((r) => (F.has('status-ignored') || !statuses ? true : statuses.includes(r.status)))
      .filter((r) => (codes ? codes.includes(r.code) : true))
      .sort((a, b) => a.t - b.t).slice(0, 1000).map((r) => shown(r, ext));
  }

  function checkKey(fields) {
    const key = get(fields, 'api_key');
    if (F.has('key-ignored')) return;
    if (key !== KEY) refuse(403, key ? 'api_key is not valid' : 'api_key was not provided');
  }

  function createRequest(fields, files, rawBody) {
    checkKey(fields);
    const code = get(fields, 'service_code');
    if (!code) refuse(F.has('no-service-code-500') ? 500 : 400, 'service_code was not provided');
    const svc = SERVICES.find((s) => s.service_code === code);
    if (!svc) refuse(F.has('unknown-code-400') ? 400 : 404, `service_code ${code} not found`);
    const lat = get(fields, 'lat'), long = get(fields, 'long');
    const address = get(fields, 'address_string'), addressId = get(fields, 'address_id');
    if (!F.has('lat-unchecked')) {
      if ((lat === undefined) !== (long === undefined)) refuse(400, 'lat and long go together');
      const num = /^-?[0-9]+(\.[0-9]+)?$/;
      if (lat !== undefined && (!num.test(lat) || Math.abs(lat) > 90)) refuse(400, `lat ${lat} is not a latitude`);
      if (long !== undefined && (!num.test(long) || Math.abs(long) > 180)) refuse(400, `long ${long} is not a longitude`);
    }
    if (lat === undefined && !address && !addressId && !F.has('location-optional')) refuse(400, 'a location (lat/long, address_string or address_id) is required');
    const description = get(fields, 'description') ?? '';
    const length = F.has('desc-bytes') ? Buffer.byteLength(description) : [...description].length;
    if (length > 4000 && !F.has('desc-unlimited')) refuse(400, `description is longer than 4000 characters (${length})`);
    // attribute[c], attribute[c][] (repeated); URLSearchParams decoded %5B%5D.
    const attributes = {};
    for (const [k, v] of fields) {
      const m = /^attribute\[([^\]]+)\](\[\])?$/.exec(k);
      if (!m || v === '') continue;
      if (F.has('raw-brackets-only') && rawBody.includes(`attribute%5B${m[1]}%5D`)) continue;
      if (F.has('reject-repeated') && !m[2] && getAll(fields, k).length > 1) refuse(400, `${k} given twice`);
      if (F.has('multi-repeat-last') && !m[2]) attributes[m[1]] = [v];
      else (attributes[m[1]] ??= []).push(v);
    }
    for (const a of DEFINITIONS[code]?.attributes ?? []) {
      if (!a.variable) continue;
      const v = attributes[a.code];
      if (a.required && !v && !F.has('attrs-unchecked')) refuse(400, `attribute ${a.code} is required`);
      if (v && a.values && !F.has('attrs-unchecked')) {
        const bad = v.find((x) => !a.values.some((y) => y.key === x));
        if (bad) refuse(400, `attribute ${a.code}: ${bad} is not one of its keys`);
      }
    }
    let photo;
    for (const f of files) {
      if (f.name !== 'photo1') continue;
      if (f.data.length > PHOTO_LIMIT && !F.has('photo-limit-off')) refuse(413, `photo1 is larger than ${PHOTO_LIMIT} bytes`);
      const png = f.data.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4E, 0x47]));
      const jpeg = f.data[0] === 0xFF && f.data[1] === 0xD8;
      const claims = /^image\/(png|jpeg)$/.test(f.type);
      if (F.has('photo-any-type')) { photo = f.data; continue; }
      if (!claims || (!(png || jpeg) && !F.has('photo-sniff-off'))) refuse(400, 'photo1 is not a JPEG or PNG image');
      photo = f.data;
    }
    const r = add({
      id: String(nextId++), code, t: Date.now(), description, address: address ?? '', attributes,
      lat: lat === undefined ? undefined : Number(lat), long: long === undefined ? undefined : Number(long),
      photo: F.has('media-missing') ? undefined : photo, email: get(fields, 'email'),
    });
    if (F.has('reply-flat')) return { service_request_id: r.id };
    if (batch) {
      const token = `tok-${r.id}`;
      tokens.set(token, { id: r.id, ready: Date.now() + (F.has('token-slow') ? 60000 : 200) });
      return [F.has('post-both') ? { service_request_id: r.id, token } : { token }];
    }
    return [F.has('post-both') ? { service_request_id: r.id, token: `tok-${r.id}`, account_id: '' } : { service_request_id: r.id, service_notice: 'Inspected within 24 hours', account_id: '' }];
  }

  function postUpdate(fields) {
    checkKey(fields);
    for (const k of ['service_request_id', 'update_id', 'status', 'updated_datetime', 'description']) {
      if (!get(fields, k)) refuse(400, `Bad request: ${k}`);
    }
    const id = get(fields, 'service_request_id');
    if (!requests.some((r) => r.id === id) && !F.has('update-unknown-200')) refuse(404, `service request ${id} not found`);
    const uid = get(fields, 'update_id');
    if (updates.some((u) => u.fms_id === uid) && !F.has('update-dup-ok')) refuse(400, 'Bad request: already exists');
    const t = parseW3C(get(fields, 'updated_datetime'), { allowFraction: true });
    if (t === null) refuse(400, 'updated_datetime is not a W3C date-time');
    const u = { update_id: String(6000 + updates.length), fms_id: uid, service_request_id: id, status: get(fields, 'status'), t, description: get(fields, 'description'), media_url: '' };
    updates.push(u);
    return [{ update_id: u.update_id }];
  }

  function listUpdates(q) {
    const start = queryDate(get(q, 'start_date'), 'start_date', F) ?? Date.now() - DAY;
    const end = queryDate(get(q, 'end_date'), 'end_date', F) ?? Date.now();
    return updates
      .filter((u) => F.has('updates-unfiltered') || (F.has('updates-exclusive') ? u.t > start && u.t < end : u.t >= start && u.t <= end))
      .map((u) => ({ update_id: u.update_id, service_request_id: u.service_request_id, status: u.status, updated_datetime: formatW3C(u.t, BJT), description: u.description, media_url: u.media_url }));
  }

  async function handle(req, res, body) {
    const u = new URL(req.url, 'http://x');
    const m = /^\/open311\/v2\/(.+?)(?:\.([a-z]+))?$/.exec(u.pathname);
    const media = /^\/open311\/v2\/media\/(\d+)\.png$/.exec(u.pathname);
    if (media) {
      const r = requests.find((x) => x.id === media[1]);
      if (!r?.photo) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'Content-Type': F.has('media-text') ? 'text/plain' : 'image/png' });
      res.end(r.photo);
      return;
    }
    let fmt = m?.[2] === 'json' ? 'json' : 'xml';
    if (F.has('csv-json') && m?.[2] === 'csv') fmt = 'json';
    const resource = m?.[1];
    const q = [...u.searchParams];
    try {
      if (!m || !['xml', 'json'].includes(m[2])) refuse(404, `no such resource: ${u.pathname}`);
      let fields = q, files = [];
      if (req.method === 'POST') {
        if (body === null) refuse(413, `the body is larger than ${BODY_LIMIT} bytes`);
        ({ fields, files } = parseBody(req, body));
      }
      if (F.has('unknown-param-400') && get(fields, 'foo')) refuse(400, 'unknown parameter foo');
      const j = get(fields, 'jurisdiction_id');
      if (j === undefined && F.has('jurisdiction-required')) refuse(400, 'jurisdiction_id was not provided');
      if (j !== undefined && j !== JURISDICTION && !F.has('jurisdiction-ignored')) refuse(404, `jurisdiction ${j} not found`);
      const one = /^requests?\/([^/]+)$/.exec(resource);
      const def = /^services\/([^/]+)$/.exec(resource);
      const tok = /^tokens\/([^/]+)$/.exec(resource);
      if (req.method === 'GET' && resource === 'discovery') {
        return send(res, 200, fmt, 'discovery', {
          changeset: '2026-01-01T00:00:00Z', contact: 'open311@fixture.example', key_service: 'ask open311@fixture.example',
          endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2', url: base.replace(/\/$/, ''), changeset: '2026-01-01T00:00:00Z', type: 'test', formats: F.has('no-text-xml') ? ['application/json'] : ['text/xml', 'application/json'] }],
        }, F);
      }
      if (req.method === 'GET' && resource === 'services') {
        const list = SERVICES.map((s) => ({ ...s, type: batch ? 'batch' : s.type }))
          .map((s) => (F.has('services-string-metadata') && fmt === 'json' ? { ...s, metadata: String(s.metadata) } : s));
        return send(res, 200, fmt, 'services', list, F);
      }
      if (req.method === 'GET' && def) {
        const d = DEFINITIONS[def[1]];
        if (!d || F.has('nope-200')) {
          if (F.has('nope-200')) return send(res, 200, fmt, 'service_definition', { service_code: def[1], attributes: [] }, F);
          refuse(404, `service_code ${def[1]} not found`);
        }
        const out = F.has('def-dup-order') ? { ...d, attributes: d.attributes.map((a) => ({ ...a, order: 1 })) } : d;
        return send(res, 200, fmt, 'service_definition', out, F);
      }
      if (req.method === 'POST' && resource === 'requests') {
        return send(res, 200, fmt, 'service_requests', createRequest(fields, files, body.toString('latin1')), F);
      }
      if (req.method === 'GET' && resource === 'requests') {
        return send(res, 200, fmt, 'service_requests', listRequests(fields), F);
      }
      if (req.method === 'GET' && one) {
        if (F.has('no-singular') && resource.startsWith('request/')) refuse(404, 'no such resource');
        const r = requests.find((x) => x.id === one[1]);
        if (!r && F.has('unknown-id-empty')) return send(res, 200, fmt, 'service_requests', [], F);
        if (!r) refuse(404, `service request ${one[1]} not found`);
        const o = shown(r, get(fields, 'extensions') === 'true');
        return send(res, 200, fmt, 'service_requests', F.has('request-object') && fmt === 'json' ? o : [o], F);
      }
      if (req.method === 'GET' && tok) {
        const t = tokens.get(tok[1]) ?? (F.has('token-any') ? { id: '', ready: Infinity } : undefined);
        if (!t) refuse(404, `token ${tok[1]} not found`);
        return send(res, 200, fmt, 'service_requests', [{ token: tok[1], service_request_id: Date.now() >= t.ready ? t.id : '' }], F);
      }
      if (resource === 'servicerequestupdates' && !F.has('no-updates')) {
        if (req.method === 'POST') return send(res, 200, fmt, 'service_request_updates', postUpdate(fields), F);
        return send(res, 200, fmt, 'service_request_updates', listUpdates(fields), F);
      }
      refuse(404, `no such resource: ${req.method} ${u.pathname}`);
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      if (F.has('error-json-in-xml') && fmt === 'xml') {
        res.writeHead(e.status, { 'Content-Type': 'text/xml' });
        res.end(JSON.stringify([{ code: e.status, description: e.message }]));
        return;
      }
      send(res, e.status, fmt, 'errors', [{ code: e.status, description: e.message }], F);
    }
  }

  let served = 0;
  const server = http.createServer((req, res) => {
    // rate-limited: every 25th request is told to come back in a second.
    if (F.has('rate-limited') && ++served % 25 === 0) {
      req.resume();
      res.writeHead(429, { 'Retry-After': '1', 'Content-Type': 'application/json' });
      res.end('[{"code":429,"description":"slow down"}]');
      return;
    }
    const len = Number(req.headers['content-length'] ?? 0);
    // Refused before parsing: the body is not even read.
    if (len > BODY_LIMIT && !F.has('body-limit-off')) {
      req.resume();
      handle(req, res, null).catch((e) => { res.writeHead(500); res.end(String(e)); });
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((e) => { res.writeHead(500); res.end(String(e.stack)); });
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}/open311/v2/`;
  return {
    url: base,
    key: KEY,
    jurisdiction: JURISDICTION,
    requests,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

#!/usr/bin/env node
// check.mjs - Open311 GeoReport v2 conformance check that any city can run
// against its own server: the tests of §5 of the implementer's checklist
// (docs/open311-check.md says what each one means), in XML and in JSON,
// one PASS/FAIL/SKIP line per check, exit status 1 on any failure.
//
//   URL=https://host/open311/v2/ KEY=apikey node tests/open311/check.mjs
//
// Importable: runChecks({ url, key, ... }) resolves to the results, so the
// HTTP test suite runs the same checks against our own binary.  Write
// checks post a few reports whose description starts "[open311-check]";
// write: false (WRITE=0) skips every POST.
import { pathToFileURL } from 'node:url';

import { formEncode, multipartEncode, queryEncode, request } from './lib/http.mjs';
import { tinyPng } from './lib/png.mjs';
import { validate } from './lib/schemas.mjs';
import { formatW3C, parseW3C } from './lib/w3c.mjs';
import { checkXml, haveXmllint, sparkMap, xmllintAll } from './lib/xml.mjs';

export const MARK = '[open311-check]';
const FORMATS = ['xml', 'json'];
const DAY = 86400000;
const MIB = 1024 * 1024;
const V2_SPEC = 'http://wiki.open311.org/GeoReport_v2';
// FixMyStreet downloads media_url only when served as one of these.
const IMAGE_TYPES = ['image/jpeg', 'image/pjpeg', 'image/gif', 'image/tiff', 'image/png', 'image/webp'];
// Clock difference we tolerate between this machine and the server.
const SKEW = 10 * 60000;
// An id no server has: long digits, so a numeric id column cannot 400 it.
const NO_SUCH_ID = '987654321098765';

// ---- outcomes ----------------------------------------------------------

class Outcome extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const clip = (s, n = 400) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);

// The request and the answer, for a failure's detail: what a deployer
// (or the server's author) needs to reproduce it.
function describe(res) {
  if (!res?.req) return '';
  const r = res.req;
  let s = `\n    > ${r.method} ${r.url}`;
  if (r.summary) s += `\n    > ${clip(r.summary, 500)}`;
  s += `\n    < ${res.status} ${res.ctype || '(no Content-Type)'} ${clip(JSON.stringify(res.text ?? ''), 500)}`;
  return s;
}

function fail(message, res) {
  throw new Outcome('fail', message + describe(res));
}

function skip(message) {
  throw new Outcome('skip', message);
}

// Deep equality of two JSON values after dropping empty strings and
// nulls (XML writes <x/> where JSON leaves x out).  Returns the path of
// the first difference, or null.
function firstDifference(a, b, path = '') {
  const norm = (v) => (v === '' || v === null ? undefined : v);
  a = norm(a);
  b = norm(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return path || '/';
    if (a.length !== b.length) return `${path}/ (${a.length} vs ${b.length} items)`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}/${i}`);
      if (d) return d;
    }
    return null;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], `${path}/${k}`);
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${path || '/'} (${JSON.stringify(a)} vs ${JSON.stringify(b)})`;
}

// Between two polls of a token: soon at first, then every second, but
// never past UNTIL (the last poll comes at the deadline).
const pause = (n, until) => new Promise((r) => setTimeout(r, Math.max(0, Math.min(n === 0 ? 250 : 1000, until - Date.now()))));

const sameSet = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));
const show = (set) => `{${[...set].slice(0, 8).join(',')}${set.size > 8 ? ',…' : ''}}`;

// ---- configuration -----------------------------------------------------

function configure(o) {
  const url = String(o.url ?? '').trim();
  if (!/^https?:\/\/[^/]/.test(url)) {
    throw new Error('URL must be the endpoint base, e.g. https://host/open311/v2/');
  }
  const write = !(o.write === false || o.write === '0' || o.write === 0);
  const key = o.key ?? '';
  if (write && !key) throw new Error('KEY= (an api_key) is needed for the write checks; WRITE=0 skips them');
  const num = (v) => (v === undefined || v === null || v === '' ? undefined : Number(v));
  const lat = num(o.lat), long = num(o.long);
  if ((lat === undefined) !== (long === undefined) || Number.isNaN(lat) || Number.isNaN(long)) {
    throw new Error('LAT= and LONG= go together, as decimal degrees (WGS84)');
  }
  return {
    base: url.endsWith('/') ? url : `${url}/`,
    key,
    write,
    service: o.service || undefined,
    lat,
    long,
    jurisdiction: o.jurisdiction || undefined,
    addressId: o.addressId || undefined,
    address: o.address || `${MARK} test address, please ignore`,
    photoLimit: num(o.photoLimit) ?? 8 * MIB + 1,
    bodyLimit: num(o.bodyLimit) ?? 10 * MIB + 1,
    charset: o.charset || '',
    media: !(o.media === false || o.media === '0' || o.media === 0),
    anonymous: o.anonymous === true || o.anonymous === '1' || o.anonymous === 1,
    timeout: num(o.timeout) ?? 30000,
    tokenWait: num(o.tokenWait) ?? 10000,
    onResult: o.onResult,
  };
}

// ---- one run: configuration, HTTP, what earlier checks learned ----------

class Session {
  constructor(cfg) {
    this.cfg = cfg;
    this.started = Date.now();
    this.runId = this.started.toString(36);
    this.seq = 0;
    this.current = '';
    this.services = {};            // fmt -> list, as served
    this.service = null;           // the service the write checks post to
    this.defs = new Map();         // service_code -> definition (JSON shape)
    this.defsXml = new Map();      // the same as served in XML (mapped)
    this.created = [];             // { id, token, fmt, code, desc }
    this.tokens = [];              // tokens POST replies gave
    this.refused = [];             // descriptions of posts that must not be stored
    this.bodies = { xml: [], json: [] };
    this.throttled = 0;            // 429 answers waited out
    this.noMedia = cfg.media ? null : 'MEDIA=0: the deployer says the server takes no uploads';
  }

  // A description no other report has: "[open311-check] LABEL run-n".
  marker(label) {
    this.seq += 1;
    return `${MARK} ${label} (run ${this.runId}-${this.seq}, please ignore)`;
  }

  // A digits-only id unique to this run (FixMyStreet's ids are numbers).
  numericId() {
    this.seq += 1;
    return `${this.started}${String(this.seq).padStart(3, '0')}`;
  }

  withJurisdiction(pairs, jurisdiction) {
    if (jurisdiction === false || !this.cfg.jurisdiction) return pairs;
    if (pairs.some(([k]) => k === 'jurisdiction_id')) return pairs;
    return [['jurisdiction_id', this.cfg.jurisdiction], ...pairs];
  }

  // One request.  RESOURCE is e.g. 'requests' or 'services/001', FMT the
  // suffix (null for none).  Options: query (pairs), rawQuery (appended
  // as is), form (pairs; rawBrackets), multipart (parts), body +
  // contentType + summary, jurisdiction (false: do not add it).
  async call(method, resource, fmt, opts = {}) {
    let url = `${this.cfg.base}${resource}${fmt ? `.${fmt}` : ''}`;
    const query = method === 'GET' ? this.withJurisdiction(opts.query ?? [], opts.jurisdiction) : opts.query ?? [];
    let qs = queryEncode(query);
    if (opts.rawQuery) qs = qs ? `${qs}&${opts.rawQuery}` : opts.rawQuery;
    if (qs) url += `?${qs}`;
    const headers = {};
    let body, summary;
    if (opts.form) {
      const form = this.withJurisdiction(opts.form, opts.jurisdiction);
      body = formEncode(form, { rawBrackets: opts.rawBrackets ?? true });
      headers['Content-Type'] = 'application/x-www-form-urlencoded; charset=utf-8';
      summary = body;
    } else if (opts.multipart) {
      const parts = this.withJurisdiction(opts.multipart.map((p) => [p.name, p]), opts.jurisdiction)
        .map(([k, p]) => (typeof p === 'string' ? { name: k, value: p } : p));
      const mp = multipartEncode(parts);
      body = mp.body;
      headers['Content-Type'] = mp.contentType;
      summary = `multipart: ${parts.map((p) => (p.data
        ? `${p.name}=<${p.type} ${p.filename} ${p.data.length} bytes>`
        : `${p.name}=${clip(String(p.value), 60)}`)).join(', ')}`;
    } else if (opts.body !== undefined) {
      body = opts.body;
      headers['Content-Type'] = opts.contentType;
      summary = opts.summary;
    }
    if (summary && this.cfg.key) summary = summary.split(encodeURIComponent(this.cfg.key)).join('KEY');
    const shownUrl = this.cfg.key ? url.split(encodeURIComponent(this.cfg.key)).join('KEY') : url;
    const req = { method, url: shownUrl, summary };
    let raw;
    for (let tries = 1; ; tries++) {
      try {
        raw = await request(method, url, { headers, body, timeout: this.cfg.timeout });
      } catch (e) {
        fail(`${method} ${shownUrl}: ${e.code ?? ''} ${e.message}`.trim());
      }
      // Rate-limited: wait as told, like a polite client, and count it.
      const wait = Number(raw.headers['retry-after']);
      if (raw.status !== 429 || !(wait >= 0) || wait > 120 || tries > 5) break;
      this.throttled += 1;
      await new Promise((r) => setTimeout(r, wait * 1000 + 100));
    }
    let text = '', utf8 = true;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw.bytes);
    } catch {
      utf8 = false;
      text = raw.bytes.toString('latin1');
    }
    return { status: raw.status, headers: raw.headers, ctype: raw.headers['content-type'] ?? '', bytes: raw.bytes, text, utf8, req };
  }

  // Read RES as a FMT document: Content-Type, UTF-8, well-formed XML with
  // ROOT (mapped by the Spark rules) or JSON, then the JSON Schema SCHEMA.
  // Fails with every problem found (plus EXTRA ones from the caller).
  doc(res, fmt, { root, schema, extra = [] } = {}) {
    const problems = [...extra];
    const mt = res.ctype.split(';')[0].trim().toLowerCase();
    const want = fmt === 'json' ? ['application/json'] : ['text/xml', 'application/xml'];
    if (!want.includes(mt)) problems.push(`Content-Type "${res.ctype}" (want ${want.join(' or ')})`);
    const cs = /charset\s*=\s*"?([^";]+)/i.exec(res.ctype);
    if (cs && cs[1].toLowerCase() !== 'utf-8') problems.push(`charset ${cs[1]} (want utf-8)`);
    if (!res.utf8) problems.push('body is not valid UTF-8');
    let data;
    if (fmt === 'xml') {
      const x = checkXml(res.text);
      problems.push(...x.problems);
      if (x.root && root && x.root.name !== root) problems.push(`root element <${x.root.name}> (want <${root}>)`);
      if (x.root) {
        try {
          data = sparkMap(x.root);
        } catch (e) {
          problems.push(`XML does not map to JSON: ${e.message}`);
        }
      }
      // xmllint runs once over every body, in check 23.
      this.bodies.xml.push({ check: this.current, bytes: res.bytes });
    } else {
      try {
        data = JSON.parse(res.text);
      } catch (e) {
        problems.push(`not JSON: ${e.message}`);
      }
    }
    let schemaProblems = null;
    if (data !== undefined && schema) {
      schemaProblems = validate(schema, data);
      if (schemaProblems) problems.push(`${schema}: ${schemaProblems.join('; ')}`);
    }
    if (fmt === 'json') {
      this.bodies.json.push({ check: this.current, ok: data !== undefined && !schemaProblems, schema });
    }
    if (problems.length) fail(problems.join('; '), res);
    return data;
  }

  // RES must be 200 with a FMT document.
  ok(res, fmt, root, schema, what = '') {
    if (res.status !== 200) fail(`${what ? `${what}: ` : ''}answered ${res.status}, want 200`, res);
    return this.doc(res, fmt, { root, schema });
  }

  // RES must have a status among STATUSES and an Open311 errors body in
  // FMT.  Returns the errors list.
  errors(res, fmt, statuses, what = '') {
    if (!statuses.includes(res.status)) {
      fail(`${what ? `${what}: ` : ''}answered ${res.status}, want ${statuses.join(' or ')}`, res);
    }
    return this.doc(res, fmt, { root: 'errors', schema: 'errors.json' });
  }

  // ---- what the write checks post ------------------------------------

  needService() {
    if (!this.service) skip('no service to post to (GET services failed or listed none)');
    return this.service;
  }

  // The definition of service CODE (JSON shape), or null when it has no
  // metadata or cannot be read.  Read leniently: check 03 judges it.
  async definition(code) {
    if (this.defs.has(code)) return this.defs.get(code);
    const svc = [...(this.services.json ?? []), ...(this.services.xml ?? [])].find((x) => x.service_code === code);
    let def = null;
    if (!svc || svc.metadata === true) {
      const res = await this.call('GET', `services/${encodeURIComponent(code)}`, 'json');
      try {
        def = res.status === 200 ? JSON.parse(res.text) : null;
      } catch { def = null; }
    }
    this.defs.set(code, def);
    return def;
  }

  // Attributes of CODE a client must fill in.
  async requiredAttributes(code) {
    const def = await this.definition(code);
    return (def?.attributes ?? []).filter((a) => a && a.variable !== false && a.required === true);
  }

  // A value the server must accept for attribute A.
  static attributeValue(a) {
    switch (a.datatype) {
      case 'singlevaluelist': case 'multivaluelist': return String(a.values?.[0]?.key ?? '');
      case 'number': return '1';
      case 'datetime': return formatW3C(Date.now());
      default: return MARK;
    }
  }

  // Form pairs for a report on service CODE: api_key, service_code, the
  // location LOC ('address' (+ lat/long when configured), 'address_only',
  // 'point', 'address_id', 'none'), description DESC, every required attribute
  // (except those in OMIT), then EXTRA.
  async reportPairs(code, { desc, loc = 'address', omit = [], extra = [], key = this.cfg.key } = {}) {
    const pairs = [];
    if (key !== null) pairs.push(['api_key', key]);
    if (code !== null) pairs.push(['service_code', code]);
    if (loc === 'address' || loc === 'address_only') pairs.push(['address_string', this.cfg.address]);
    if ((loc === 'address' && this.cfg.lat !== undefined) || loc === 'point') {
      pairs.push(['lat', String(this.cfg.lat)], ['long', String(this.cfg.long)]);
    }
    if (loc === 'address_id') pairs.push(['address_id', this.cfg.addressId]);
    if (desc !== undefined) pairs.push(['description', desc]);
    if (code !== null) {
      for (const a of await this.requiredAttributes(code)) {
        if (!omit.includes(a.code)) pairs.push([`attribute[${a.code}]`, Session.attributeValue(a)]);
      }
    }
    return [...pairs, ...extra];
  }

  // POST a report; RES must be 200 with a RequestResponse carrying an id
  // (realtime) or a token (batch), never both.  Records what was created.
  created200(res, fmt, code, desc) {
    const svc = [...(this.services.json ?? []), ...(this.services.xml ?? [])].find((x) => x.service_code === code);
    const type = svc?.type ?? 'realtime';
    if (res.status !== 200) fail(`answered ${res.status}, want 200`, res);
    const reply = this.doc(res, fmt, { root: 'service_requests', schema: type === 'blackbox' ? null : 'post-reply.json' });
    const item = Array.isArray(reply) ? reply[0] ?? {} : {};
    const id = item.service_request_id || undefined;
    const token = item.token || undefined;
    if (type === 'realtime' && !id) fail('the service is realtime but the reply has no service_request_id', res);
    const rec = { id, token, fmt, code, desc };
    this.created.push(rec);
    if (token) this.tokens.push({ token, fmt, rec });
    return rec;
  }

  // The service_request_id of REC, resolving its token: polled for
  // cfg.tokenWait ms (10 s, what FixMyStreet waits), or asked once when
  // WAIT is false.  A token that did not resolve is not polled again.
  async idOf(rec, { wait = true } = {}) {
    if (rec.id) return rec.id;
    if (!rec.token || rec.unresolved) return null;
    const until = Date.now() + (wait ? this.cfg.tokenWait : 0);
    let polls = 0;
    for (;;) {
      const res = await this.call('GET', `tokens/${encodeURIComponent(rec.token)}`, 'json');
      if (res.status === 200) {
        try {
          const id = JSON.parse(res.text)?.[0]?.service_request_id;
          if (id) return (rec.id = String(id));
        } catch { /* judged by check 13 */ }
      }
      if (Date.now() >= until) {
        if (wait) rec.unresolved = true;
        return null;
      }
      await pause(polls++, until);
    }
  }

  // GET requests/{id}.json leniently (the read checks judge it).
  async fetchRequest(id) {
    const res = await this.call('GET', `requests/${encodeURIComponent(id)}`, 'json');
    try {
      return res.status === 200 ? JSON.parse(res.text)?.[0] ?? null : null;
    } catch { return null; }
  }

  // GET requests.FMT with QUERY: a schema-valid list, or fail.
  async list(fmt, query = [], opts = {}) {
    const res = await this.call('GET', 'requests', fmt, { query, ...opts });
    return { res, list: this.ok(res, fmt, 'service_requests', 'requests.json') };
  }

  // N requests to read: the ones this run created, then the newest the
  // server lists.  Each as GET requests returns it.
  async sampleRequests(n) {
    const out = [];
    for (const rec of this.created) {
      if (out.length >= n) break;
      const id = await this.idOf(rec, { wait: false });
      const r = id && await this.fetchRequest(id);
      if (r && !out.some((x) => x.service_request_id === r.service_request_id)) out.push(r);
    }
    if (out.length < n) {
      const res = await this.call('GET', 'requests', 'json');
      let list = [];
      try { list = res.status === 200 ? JSON.parse(res.text) : []; } catch { /* judged by 15 */ }
      for (const r of Array.isArray(list) ? list : []) {
        if (out.length >= n) break;
        if (r?.service_request_id && !out.some((x) => x.service_request_id === r.service_request_id)) out.push(r);
      }
    }
    return out;
  }
}

// ---- the checks --------------------------------------------------------

// Why a report cannot be read back: its token never gave an id.  Check 13
// fails for that; the checks that need the report only say so.
const unresolved = (s, rec) => `token ${rec.token} gave no service_request_id within ${s.cfg.tokenWait / 1000} s (see 13): cannot read the report back`;
// Each returns the detail of a pass, or throws through fail()/skip().

async function checkDiscovery(s, fmt) {
  const res = await s.call('GET', 'discovery', fmt);
  if (res.status !== 200) fail(`answered ${res.status}, want 200`, res);
  const want = (fmt === 'xml' ? 'text/xml' : 'application/json') + (s.cfg.charset ? `; charset=${s.cfg.charset}` : '');
  const extra = [];
  if (res.ctype !== want) {
    extra.push(`Content-Type "${res.ctype}", want exactly "${want}" (the SeeClickFix validator compares the whole header; CHARSET=utf-8 if yours adds a charset)`);
  }
  const d = s.doc(res, fmt, { root: 'discovery', schema: 'discovery.json', extra });
  const problems = [];
  const past = (t) => (parseW3C(t) ?? Infinity) <= Date.now() + SKEW;
  if (!past(d.changeset)) problems.push(`changeset ${d.changeset} is in the future`);
  const v2 = d.endpoints.filter((e) => e.specification === V2_SPEC);
  if (!v2.length) problems.push(`no endpoint with specification ${V2_SPEC}`);
  for (const e of d.endpoints) {
    if (!past(e.changeset)) problems.push(`endpoint ${e.url}: changeset ${e.changeset} is in the future`);
  }
  for (const e of v2) {
    if (!e.formats.includes('text/xml')) problems.push(`v2 endpoint ${e.url} does not list text/xml in formats`);
  }
  if (problems.length) fail(problems.join('; '), res);
  return `${d.endpoints.length} endpoint(s); v2: ${v2.map((e) => `${e.url} (${e.type})`).join(', ')}`;
}

async function checkServices(s, fmt) {
  const res = await s.call('GET', 'services', fmt);
  const list = s.ok(res, fmt, 'services', 'services.json');
  if (!list.length) fail('no services listed (clients need at least one)', res);
  const seen = new Set();
  for (const x of list) {
    if (seen.has(x.service_code)) fail(`service_code ${x.service_code} listed twice`, res);
    seen.add(x.service_code);
  }
  s.services[fmt] = list;
  let note = '';
  if (!s.service) {
    const wanted = s.cfg.service ?? list[0].service_code;
    s.service = list.find((x) => x.service_code === wanted) ?? { service_code: wanted, type: 'realtime', metadata: true };
    note = `; posting to ${wanted}${s.cfg.service && !seen.has(wanted) ? ' (SERVICE is not listed!)' : ''}`;
  }
  if (fmt === 'json' && s.services.xml) {
    const d = firstDifference(s.services.xml, list);
    if (d) fail(`services.xml and services.json differ at ${d}`, res);
  }
  const types = {};
  for (const x of list) types[x.type] = (types[x.type] ?? 0) + 1;
  return `${list.length} services (${Object.entries(types).map(([t, n]) => `${n} ${t}`).join(', ')})${note}`;
}

async function checkDefinitions(s, fmt) {
  const list = s.services[fmt] ?? s.services.xml ?? s.services.json;
  if (!list) skip('GET services failed: no list to take codes from');
  const codes = list.filter((x) => x.metadata === true).map((x) => x.service_code);
  if (!codes.length) skip('no service has metadata=true');
  const failures = [];
  for (const code of codes) {
    try {
      const res = await s.call('GET', `services/${encodeURIComponent(code)}`, fmt);
      const def = s.ok(res, fmt, 'service_definition', 'service-definition.json');
      if (def.service_code !== code) fail(`service_code ${def.service_code}, asked for ${code}`, res);
      const orders = def.attributes.map((a) => a.order);
      const dup = orders.find((o, i) => orders.indexOf(o) !== i);
      if (dup !== undefined) fail(`order ${dup} used twice`, res);
      if (fmt === 'json' && s.defsXml.has(code)) {
        const d = firstDifference(s.defsXml.get(code), def);
        if (d) fail(`services/${code}.xml and .json differ at ${d}`, res);
      }
      (fmt === 'xml' ? s.defsXml : s.defs).set(code, def);
      // Definitions read as XML serve the write checks too.
      if (!s.defs.get(code)) s.defs.set(code, def);
    } catch (e) {
      if (!(e instanceof Outcome)) throw e;
      failures.push(`${code}: ${e.message}`);
    }
  }
  if (failures.length) {
    fail(`${failures.length} of ${codes.length} definitions fail:\n    ${failures.slice(0, 3).join('\n    ')}`);
  }
  return `${codes.length} definitions`;
}

async function checkNoSuchService(s, fmt) {
  const known = new Set([...(s.services.xml ?? []), ...(s.services.json ?? [])].map((x) => x.service_code));
  const code = known.has('NOPE') ? `NOPE-${s.runId}` : 'NOPE';
  const res = await s.call('GET', `services/${code}`, fmt);
  const errs = s.errors(res, fmt, [404]);
  return `404: ${errs[0].code} ${errs[0].description}`;
}

async function checkUnknownSuffix(s) {
  const res = await s.call('GET', 'services.csv', null);
  if (res.status !== 404) fail(`answered ${res.status}, want 404`, res);
  // §2: an unknown suffix answers in XML.
  s.doc(res, 'xml', { root: 'errors', schema: 'errors.json' });
  return '404 with an XML errors body';
}

async function checkPostLocation(s, fmt, loc) {
  const svc = s.needService();
  if (loc === 'point' && s.cfg.lat === undefined) skip('set LAT= and LONG= to a point inside the city');
  if (loc === 'address_id' && !s.cfg.addressId) skip('set ADDRESS_ID= to an address id the server knows');
  const desc = s.marker(`05 ${loc} only`);
  const pairs = await s.reportPairs(svc.service_code, { desc, loc: loc === 'address' ? 'address_only' : loc });
  const res = await s.call('POST', 'requests', fmt, { form: pairs });
  const rec = s.created200(res, fmt, svc.service_code, desc);
  return rec.id ? `service_request_id ${rec.id}` : rec.token ? `token ${rec.token}` : 'blackbox: no id';
}

// Check 06: the POST is refused for SERVICE_CODE or KEY reasons.
async function checkPostRefused(s, fmt, what) {
  const svc = s.needService();
  const desc = s.marker(`06 ${what} (must be refused)`);
  let pairs, status, mention;
  if (what === 'no service_code') {
    pairs = await s.reportPairs(null, { desc });
    status = 400;
    mention = 'service_code';
  } else if (what === 'unknown service_code') {
    pairs = await s.reportPairs(`NOPE-${s.runId}`, { desc });
    status = 404;
  } else if (what === 'no api_key') {
    if (s.cfg.anonymous) skip('ANONYMOUS=1: the server takes reports without a key by choice');
    pairs = await s.reportPairs(svc.service_code, { desc, key: null });
    status = 403;
  } else {
    pairs = await s.reportPairs(svc.service_code, { desc, key: `wrong-${s.runId}` });
    status = 403;
  }
  const res = await s.call('POST', 'requests', fmt, { form: pairs });
  s.refused.push(desc);
  const errs = s.errors(res, fmt, [status]);
  if (mention && !errs.some((e) => e.description.includes(mention))) {
    fail(`no error description names ${mention}`, res);
  }
  return `${res.status}: ${errs[0].description}`;
}

// Check 07: a bad location is refused, even next to a good address.
async function checkBadLocation(s, fmt, variant) {
  const svc = s.needService();
  const desc = s.marker(`07 ${variant} (must be refused)`);
  const lat = String(s.cfg.lat ?? 0), long = String(s.cfg.long ?? 0);
  const loc = {
    'no location': [],
    'lat without long': [['address_string', s.cfg.address], ['lat', lat]],
    'lat=91': [['address_string', s.cfg.address], ['lat', '91'], ['long', long]],
    'long=-181': [['address_string', s.cfg.address], ['lat', lat], ['long', '-181']],
    'lat=abc': [['address_string', s.cfg.address], ['lat', 'abc'], ['long', long]],
    'lat=NaN': [['address_string', s.cfg.address], ['lat', 'NaN'], ['long', long]],
  }[variant];
  const pairs = await s.reportPairs(svc.service_code, { desc, loc: 'none', extra: loc });
  const res = await s.call('POST', 'requests', fmt, { form: pairs });
  s.refused.push(desc);
  const errs = s.errors(res, fmt, [400]);
  return `400: ${errs[0].description}`;
}

// Every (service, attribute) pair the definitions offer that matches PRED.
async function findAttributes(s, pred) {
  const out = [];
  for (const x of s.services.json ?? s.services.xml ?? []) {
    if (x.metadata !== true) continue;
    const def = await s.definition(x.service_code);
    for (const a of def?.attributes ?? []) if (a && a.variable !== false && pred(a)) out.push({ code: x.service_code, a });
  }
  return out;
}

async function checkAttributeRefused(s, fmt, what) {
  if (!s.services.json && !s.services.xml) skip('GET services failed');
  const found = await findAttributes(s, what === 'required missing'
    ? (a) => a.required === true
    : (a) => a.datatype === 'singlevaluelist' && a.values?.length);
  if (!found.length) {
    skip(what === 'required missing' ? 'no service has a required attribute' : 'no service has a singlevaluelist attribute');
  }
  const { code, a } = found[0];
  const desc = s.marker(`08 ${what} (must be refused)`);
  const extra = what === 'required missing' ? [] : [[`attribute[${a.code}]`, `not-a-key-${s.runId}`]];
  const pairs = await s.reportPairs(code, { desc, omit: [a.code], extra });
  const res = await s.call('POST', 'requests', fmt, { form: pairs });
  s.refused.push(desc);
  const errs = s.errors(res, fmt, [400]);
  if (what === 'required missing' && !errs.some((e) => e.description.includes(a.code))) {
    fail(`no error description names the attribute ${a.code}`, res);
  }
  return `service ${code}, attribute ${a.code}: ${errs[0].description}`;
}

// Check 09: the three spellings of a multivaluelist.
const MULTI_FORMS = {
  '[]': { key: (c) => `attribute[${c}][]`, raw: true },
  repeated: { key: (c) => `attribute[${c}]`, raw: true },
  '%5B%5D': { key: (c) => `attribute[${c}][]`, raw: false },
};

async function multiTarget(s) {
  if (!s.services.json && !s.services.xml) skip('GET services failed');
  const found = await findAttributes(s, (a) => a.datatype === 'multivaluelist' && a.values?.length);
  if (!found.length) skip('no service has a multivaluelist attribute');
  return found.find((f) => f.a.values.length >= 2) ?? found[0];
}

async function checkMultiValue(s, fmt, form, good) {
  const { code, a } = await multiTarget(s);
  const keys = a.values.slice(0, 2).map((v) => String(v.key));
  const sent = good ? keys : [keys[0], `not-a-key-${s.runId}`];
  const desc = s.marker(`09 multivaluelist ${form}${good ? '' : ' with a bad key (must be refused)'}`);
  const f = MULTI_FORMS[form];
  const pairs = await s.reportPairs(code, { desc, omit: [a.code], extra: sent.map((k) => [f.key(a.code), k]) });
  const res = await s.call('POST', 'requests', fmt, { form: pairs, rawBrackets: f.raw });
  if (!good) {
    s.refused.push(desc);
    const errs = s.errors(res, fmt, [400]);
    return `400 (so the server reads this spelling): ${errs[0].description}`;
  }
  const rec = s.created200(res, fmt, code, desc);
  rec.multi = { form, attr: a.code, keys: new Set(sent) };
  return `${a.code}=${sent.join(',')} accepted: ${rec.id ?? rec.token}`;
}

// Where a server shows attribute values, if anywhere: an attributes
// map or list (top level or in extended_attributes, with extensions=true).
// Returns the set of values of CODE (empty when the holder lacks it), or
// null when the request shows no attributes at all.
function shownAttribute(r, code) {
  const holders = [r?.attributes, r?.extended_attributes?.attributes].filter((h) => h && typeof h === 'object');
  if (!holders.length) return null;
  for (const holder of holders) {
    let v = Array.isArray(holder) ? holder.find((x) => x?.code === code)?.value : holder[code];
    if (v === undefined) continue;
    if (typeof v === 'string') v = v.split(',');
    return new Set((Array.isArray(v) ? v : [v]).map(String));
  }
  return new Set();
}

async function checkMultiSameSet(s) {
  const recs = s.created.filter((r) => r.multi);
  if (recs.length < 2) skip('fewer than two multivaluelist reports were accepted');
  const seen = [];
  for (const rec of recs) {
    const id = await s.idOf(rec);
    if (!id) skip(`report ${rec.token} has no id yet`);
    const res = await s.call('GET', `requests/${encodeURIComponent(id)}`, 'json', { query: [['extensions', 'true']] });
    let r = null;
    try { r = JSON.parse(res.text)?.[0]; } catch { /* below */ }
    const set = shownAttribute(r, rec.multi.attr);
    if (!set) skip('the server shows no attribute values (not even with extensions=true): the stored sets cannot be compared from outside');
    seen.push({ form: rec.multi.form, set, want: rec.multi.keys });
  }
  for (const x of seen) {
    if (!sameSet(x.set, x.want)) fail(`sent ${show(x.want)} as ${x.form}, stored ${show(x.set)}`);
  }
  return seen.map((x) => `${x.form} → ${show(x.set)}`).join(', ');
}

// A description of exactly N characters (code points) starting with the
// marker, with 2-, 3- and 4-byte UTF-8 characters and a line break.
function descriptionOf(s, n) {
  let d = `${s.marker(`10 ${n} characters`)}\nGrüße 市容 🙂\n`;
  const have = [...d].length;
  if (have > n) throw new Error('marker longer than the description');
  d += '市'.repeat(n - have);
  return d;
}

async function checkDescription(s, fmt, n) {
  const svc = s.needService();
  const desc = descriptionOf(s, n);
  const pairs = await s.reportPairs(svc.service_code, { desc });
  const res = await s.call('POST', 'requests', fmt, { form: pairs });
  if (n > 4000) {
    s.refused.push(desc);
    const errs = s.errors(res, fmt, [400]);
    return `400: ${errs[0].description}`;
  }
  const rec = s.created200(res, fmt, svc.service_code, desc);
  const id = await s.idOf(rec);
  if (!id) skip(unresolved(s, rec));
  const back = await s.call('GET', `requests/${encodeURIComponent(id)}`, fmt);
  const list = s.ok(back, fmt, 'service_requests', 'requests.json', 'reading it back');
  const got = list[0]?.description;
  if (got !== desc) {
    const g = [...(got ?? '')], w = [...desc];
    let i = 0;
    while (i < w.length && g[i] === w[i]) i++;
    fail(`description read back differs: ${g.length} characters (sent ${w.length}), first difference at character ${i}: ${JSON.stringify(g.slice(i, i + 10).join(''))} vs ${JSON.stringify(w.slice(i, i + 10).join(''))}`, back);
  }
  return `4000 characters (${Buffer.byteLength(desc)} bytes) read back unchanged from ${id}`;
}

async function checkUnknownParamsPost(s, fmt) {
  const svc = s.needService();
  const desc = s.marker('11 unknown parameters');
  const pairs = await s.reportPairs(svc.service_code, {
    desc,
    extra: [['deviceid', `open311-check-${s.runId}`], ['title', 'open311-check title'], ['foo', 'bar']],
  });
  const res = await s.call('POST', 'requests', fmt, { form: pairs });
  const rec = s.created200(res, fmt, svc.service_code, desc);
  return `deviceid, title, foo ignored: ${rec.id ?? rec.token}`;
}

// Boston's client also sends its api_key on every GET: ignored there.
async function checkUnknownParamsGet(s, fmt) {
  const { list } = await s.list(fmt, [['deviceid', 'x'], ['title', 'y'], ['foo', 'bar'], ['api_key', `not-a-key-${s.runId}`]]);
  return `${list.length} requests`;
}

// ---- check 12: photos ----------------------------------------------------

async function photoParts(s, code, desc, photo) {
  const pairs = await s.reportPairs(code, { desc });
  return [...pairs.map(([name, value]) => ({ name, value })), photo];
}

async function checkPhotoStored(s, fmt) {
  if (s.noMedia) skip(s.noMedia);
  const svc = s.needService();
  const desc = s.marker('12 photo1 upload');
  const png = tinyPng();
  const parts = await photoParts(s, svc.service_code, desc,
    { name: 'photo1', filename: `${s.runId}.1.full.png`, type: 'image/png', data: png });
  const res = await s.call('POST', 'requests', fmt, { multipart: parts });
  if (res.status === 415) {
    s.noMedia = 'the server answered a multipart POST with 415: no upload support';
    skip(s.noMedia);
  }
  const rec = s.created200(res, fmt, svc.service_code, desc);
  const id = await s.idOf(rec);
  if (!id) skip(unresolved(s, rec));
  const urls = {};
  for (const f of FORMATS) {
    const back = await s.call('GET', `requests/${encodeURIComponent(id)}`, f);
    urls[f] = s.ok(back, f, 'service_requests', 'requests.json', 'reading it back')[0]?.media_url;
    if (!urls[f]) fail(`requests/${id}.${f} shows no media_url for the uploaded photo`, back);
  }
  if (urls.xml !== urls.json) fail(`media_url differs: ${urls.xml} (XML) vs ${urls.json} (JSON)`);
  const got = await fetchAbsolute(s, urls.json);
  const mt = got.ctype.split(';')[0].trim().toLowerCase();
  if (got.status !== 200) fail(`media_url answered ${got.status}`, got);
  if (!IMAGE_TYPES.includes(mt)) fail(`media_url served as "${got.ctype}", not an image type FixMyStreet downloads`, got);
  if (!got.bytes.length) fail('media_url served an empty body', got);
  return `media_url ${urls.json} serves ${mt} (${got.bytes.length} bytes)`;
}

// GET an absolute URL (a media_url may live anywhere).
async function fetchAbsolute(s, url) {
  let raw;
  try {
    raw = await request('GET', url, { timeout: s.cfg.timeout });
  } catch (e) {
    fail(`GET ${url}: ${e.message}`);
  }
  return { status: raw.status, ctype: raw.headers['content-type'] ?? '', bytes: raw.bytes, text: '', req: { method: 'GET', url } };
}

async function checkPhotoRefused(s, fmt, what) {
  if (s.noMedia) skip(s.noMedia);
  const svc = s.needService();
  const desc = s.marker(`12 ${what} (must be refused)`);
  let photo, statuses = [400];
  if (what === 'oversized photo1') {
    photo = { name: 'photo1', filename: `${s.runId}.1.full.png`, type: 'image/png', data: tinyPng({ size: s.cfg.photoLimit }) };
    statuses = [400, 413];
  } else if (what === 'text part as photo1') {
    photo = { name: 'photo1', filename: `${s.runId}.1.full.txt`, type: 'text/plain', data: Buffer.from('this is not an image\n') };
  } else {
    photo = { name: 'photo1', filename: `${s.runId}.1.full.jpeg`, type: 'image/jpeg', data: Buffer.from('this is text, not a JPEG\n') };
  }
  const parts = await photoParts(s, svc.service_code, desc, photo);
  const res = await s.call('POST', 'requests', fmt, { multipart: parts });
  s.refused.push(desc);
  if (res.status === 415 && what !== 'oversized photo1') {
    fail('answered 415: a non-image part must be refused with 400 (Open311 errors are 400/403/404)', res);
  }
  const errs = s.errors(res, fmt, statuses);
  return `${res.status}: ${errs[0].description}`;
}

async function checkBodyLimit(s, fmt) {
  const svc = s.needService();
  const desc = s.marker('12 body over the limit (must be refused)');
  const pairs = await s.reportPairs(svc.service_code, { desc });
  let body = formEncode(s.withJurisdiction(pairs), { rawBrackets: true });
  // Padding in an unknown parameter, which a server must otherwise ignore.
  body += `&foo=${'x'.repeat(Math.max(0, s.cfg.bodyLimit - body.length - 5))}`;
  const res = await s.call('POST', 'requests', fmt, {
    body, contentType: 'application/x-www-form-urlencoded; charset=utf-8',
    summary: `${clip(body, 200)} (${body.length} bytes)`,
  });
  s.refused.push(desc);
  const errs = s.errors(res, fmt, [413, 400]);
  return `${body.length} bytes → ${res.status}: ${errs[0].description}`;
}

// None of the refused posts left a report; a report of this run that was
// accepted shows the query can see them.
async function checkNothingStored(s) {
  if (!s.refused.length) skip('no refused post to look for');
  const control = s.created.find((r) => r.desc);
  if (!control) skip('no report of this run was accepted, so there is no proof the query would see one');
  const query = [['start_date', formatW3C(s.started - 60000)], ['end_date', formatW3C(Date.now() + 60000)]];
  const { res, list } = await s.list('json', query);
  const descs = new Set(list.map((r) => r.description));
  if (!descs.has(control.desc)) {
    skip('reports of this run do not show in GET requests (not public yet?): cannot look for the refused ones');
  }
  const stored = s.refused.filter((d) => descs.has(d));
  if (stored.length) fail(`${stored.length} refused post(s) were stored anyway: ${stored.map((d) => JSON.stringify(d.slice(0, 80))).join(', ')}`, res);
  return `none of ${s.refused.length} refused posts is listed`;
}

// ---- tokens and reading requests ---------------------------------------

async function checkTokenResolves(s, fmt) {
  if (!s.cfg.write) skip('WRITE=0: no fresh token');
  const t = s.tokens.find((x) => x.fmt === fmt) ?? s.tokens[0];
  if (!t) skip('no POST reply carried a token (the server is realtime)');
  const until = Date.now() + s.cfg.tokenWait;
  let res, list, polls = 0;
  for (;;) {
    res = await s.call('GET', `tokens/${encodeURIComponent(t.token)}`, fmt);
    list = s.ok(res, fmt, 'service_requests', 'tokens.json');
    if (list[0].token !== t.token) fail(`token ${list[0].token}, asked for ${t.token}`, res);
    if (list[0].service_request_id) break;
    if (Date.now() >= until) fail(`still pending after ${s.cfg.tokenWait / 1000} s (FixMyStreet gives up after 5 polls 2 s apart)`, res);
    await pause(polls++, until);
  }
  t.rec.id = list[0].service_request_id;
  return `token ${t.token} → ${list[0].service_request_id}`;
}

async function checkNoSuchToken(s, fmt) {
  const res = await s.call('GET', `tokens/no-such-token-${s.runId}`, fmt);
  const errs = s.errors(res, fmt, [404]);
  return `404: ${errs[0].description}`;
}

async function checkOneRequest(s, fmt, spelling) {
  const [r] = await s.sampleRequests(1);
  if (!r) skip('no request to read (none created, none listed)');
  const id = String(r.service_request_id);
  const res = await s.call('GET', `${spelling}/${encodeURIComponent(id)}`, fmt);
  const list = s.ok(res, fmt, 'service_requests', 'requests.json');
  if (list.length !== 1) fail(`${list.length} elements, want a list of one`, res);
  if (list[0].service_request_id !== id) fail(`service_request_id ${list[0].service_request_id}, asked for ${id}`, res);
  if (fmt === 'json' && spelling === 'requests') {
    const x = await s.call('GET', `requests/${encodeURIComponent(id)}`, 'xml');
    const d = firstDifference(s.doc(x, 'xml', { root: 'service_requests', schema: 'requests.json' }), list);
    if (d) fail(`requests/${id}.xml and .json differ at ${d}`, res);
  }
  return `${id}: ${list[0].status}, requested ${list[0].requested_datetime}`;
}

async function checkNoSuchRequest(s, fmt) {
  const res = await s.call('GET', `requests/${NO_SUCH_ID}`, fmt);
  const errs = s.errors(res, fmt, [404]);
  return `404: ${errs[0].description}`;
}

async function checkDefaultList(s, fmt) {
  const { res, list } = await s.list(fmt);
  if (list.length > 1000) fail(`${list.length} requests: more than 1000`, res);
  const oldest = Date.now() - 90 * DAY - SKEW;
  const old = list.find((r) => parseW3C(r.requested_datetime) < oldest);
  if (old) fail(`request ${old.service_request_id} was requested ${old.requested_datetime}, more than 90 days ago`, res);
  if (!list.length) skip('200 and a valid empty list, but no requests in the last 90 days: limits not exercised');
  return `${list.length} requests, none older than 90 days`;
}

async function checkIdsOverride(s, fmt) {
  const sample = await s.sampleRequests(2);
  if (sample.length < 2) skip('fewer than two requests to ask for');
  const ids = sample.map((r) => String(r.service_request_id));
  const statuses = new Set(sample.map((r) => r.status));
  const other = statuses.has('open') ? 'closed' : 'open';
  const { res, list } = await s.list(fmt, [
    ['service_request_id', ids.join(',')], ['status', other],
    ['start_date', '2001-01-01T00:00:00Z'], ['end_date', '2001-01-31T00:00:00Z'],
  ]);
  const got = new Set(list.map((r) => r.service_request_id));
  if (!sameSet(got, new Set(ids))) fail(`asked for ${ids.join(',')} with status=${other} and dates in 2001; got ${show(got)}`, res);
  return `${ids.join(',')} listed despite status=${other} and 2001 dates`;
}

// A window that reports created by this run cannot change: 89 days up to
// the start of the run.
const fixedWindow = (s) => [['start_date', formatW3C(s.started - 89 * DAY)], ['end_date', formatW3C(s.started - 1000)]];

async function checkStatusFilter(s, fmt) {
  const get = async (status) => (await s.list(fmt, [...fixedWindow(s), ['status', status]])).list;
  for (let attempt = 0; ; attempt++) {
    const open = await get('open'), closed = await get('closed'), both = await get('open,closed');
    const wrong = open.find((r) => r.status !== 'open') ?? closed.find((r) => r.status !== 'closed');
    if (wrong) fail(`status filter returned ${wrong.service_request_id} with status ${wrong.status}`);
    const union = new Set([...open, ...closed].map((r) => r.service_request_id));
    const all = new Set(both.map((r) => r.service_request_id));
    const capped = open.length >= 1000 || closed.length >= 1000 || both.length >= 1000;
    if (!capped && !sameSet(union, all)) {
      if (attempt === 0) continue;   // a report may have changed state in between
      fail(`status=open,closed gave ${all.size} requests; open + closed gave ${union.size}`);
    }
    if (!open.length && !closed.length) skip('no requests in the window: status filter not exercised');
    return `${open.length} open + ${closed.length} closed = ${both.length} with status=open,closed`;
  }
}

async function checkCodeFilter(s, fmt) {
  const { list: all } = await s.list(fmt, fixedWindow(s));
  const services = (s.services.json ?? s.services.xml ?? []).map((x) => x.service_code);
  const present = [...new Set(all.map((r) => r.service_code))];
  const pick = [...present, ...services.filter((c) => !present.includes(c))].slice(0, 2);
  if (!pick.length) skip('no service codes known');
  const get = async (codes) => (await s.list(fmt, [...fixedWindow(s), ['service_code', codes]])).list;
  const each = [];
  for (const c of pick) each.push(...await get(c));
  const both = await get(pick.join(','));
  const wrong = both.find((r) => !pick.includes(r.service_code));
  if (wrong) fail(`service_code=${pick.join(',')} returned ${wrong.service_request_id} of service ${wrong.service_code}`);
  const a = new Set(each.map((r) => r.service_request_id)), b = new Set(both.map((r) => r.service_request_id));
  if (both.length < 1000 && !sameSet(a, b)) fail(`service_code=${pick.join(',')} gave ${b.size} requests; one code at a time gave ${a.size}`);
  if (!both.length) skip(`no requests of ${pick.join(',')} in the window: filter not exercised`);
  return `service_code=${pick.join(',')}: ${both.length} requests`;
}

async function checkRefusedQuery(s, fmt, query, what) {
  const res = await s.call('GET', 'requests', fmt, { query });
  const errs = s.errors(res, fmt, [400], what);
  return `400: ${errs[0].description}`;
}

async function checkLongSpan(s, fmt) {
  const start = Date.now() - 120 * DAY, end = Date.now();
  const res = await s.call('GET', 'requests', fmt, { query: [['start_date', formatW3C(start)], ['end_date', formatW3C(end)]] });
  if (res.status === 400) {
    const errs = s.errors(res, fmt, [400]);
    return `refused (400: ${errs[0].description}); docs must say so`;
  }
  const list = s.ok(res, fmt, 'service_requests', 'requests.json', '120-day span');
  const times = list.map((r) => parseW3C(r.requested_datetime));
  const out = list.find((r, i) => times[i] < start - 1000 || times[i] > end + SKEW);
  if (out) fail(`${out.service_request_id} requested ${out.requested_datetime} lies outside the window asked for`, res);
  if (times.length && Math.max(...times) - Math.min(...times) > 90 * DAY) {
    fail('answered 200 with requests more than 90 days apart: neither refused nor clamped', res);
  }
  return `clamped (200, ${list.length} requests within 90 days); docs must say so`;
}

// Check 18: a request R found by a two-second window written at +01:00.
async function offsetTarget(s) {
  const [r] = await s.sampleRequests(1);
  if (!r) skip('no request to look for');
  const t = parseW3C(r.requested_datetime);
  if (t === null) skip(`requested_datetime ${r.requested_datetime} is not W3C (see 14)`);
  return { r, t };
}

async function checkPlusOffset(s, fmt) {
  const { r, t } = await offsetTarget(s);
  const q = (a, b) => [['service_code', r.service_code], ['start_date', formatW3C(a, 60)], ['end_date', formatW3C(b, 60)]];
  const hit = await s.list(fmt, q(t - 1000, t + 1000));
  if (!hit.list.some((x) => x.service_request_id === r.service_request_id)) {
    fail(`${r.service_request_id} (requested ${r.requested_datetime}) not found in a window written at %2B01:00 around it`, hit.res);
  }
  // The same wall-clock times with the offset ignored would include R.
  const miss = await s.list(fmt, q(t - 3600000 - 1000, t - 3600000 + 1000));
  if (miss.list.some((x) => x.service_request_id === r.service_request_id)) {
    fail(`${r.service_request_id} found in a window one hour before it: the +01:00 offset was ignored`, miss.res);
  }
  return `${r.service_request_id} found at ${formatW3C(t, 60)}, not one hour off`;
}

async function checkBarePlus(s, fmt) {
  const { r, t } = await offsetTarget(s);
  const raw = `service_code=${encodeURIComponent(r.service_code)}&start_date=${formatW3C(t - 1000, 60)}&end_date=${formatW3C(t + 1000, 60)}`;
  const res = await s.call('GET', 'requests', fmt, { rawQuery: raw });
  if (res.status === 400) {
    const errs = s.errors(res, fmt, [400]);
    return `refused: 400 ${errs[0].description}`;
  }
  const list = s.ok(res, fmt, 'service_requests', 'requests.json', 'bare +');
  if (!list.some((x) => x.service_request_id === r.service_request_id)) {
    fail(`answered 200 without ${r.service_request_id}: the bare '+' (a space once decoded) was read as some other time; restore it or answer 400`, res);
  }
  return `'+' restored: ${r.service_request_id} found`;
}

async function checkEmptyParams(s, fmt) {
  const base = fixedWindow(s);
  for (let attempt = 0; ; attempt++) {
    const a = (await s.list(fmt, base)).list;
    const empty = [['status', ''], ['service_code', ''], ['service_request_id', '']];
    if (!s.cfg.jurisdiction) empty.push(['jurisdiction_id', '']);
    const { res, list: b } = await s.list(fmt, [...base, ...empty]);
    const A = new Set(a.map((r) => r.service_request_id)), B = new Set(b.map((r) => r.service_request_id));
    if (!sameSet(A, B)) {
      if (attempt === 0) continue;
      fail(`with ${empty.map(([k]) => `${k}=`).join('&')} the list has ${B.size} requests, without ${A.size}`, res);
    }
    return `${empty.map(([k]) => `${k}=`).join('&')} ignored (${B.size} requests either way)`;
  }
}

async function checkUnknownJurisdiction(s, fmt) {
  const res = await s.call('GET', 'services', fmt, { query: [['jurisdiction_id', `no-such-jurisdiction-${s.runId}.invalid`]] });
  const errs = s.errors(res, fmt, [404]);
  return `404: ${errs[0].description}`;
}

async function checkNoJurisdiction(s, fmt) {
  const res = await s.call('GET', 'services', fmt, { jurisdiction: false });
  if (s.cfg.jurisdiction && res.status === 400) {
    const errs = s.errors(res, fmt, [400]);
    return `400 without jurisdiction_id (a server of several jurisdictions): ${errs[0].description}`;
  }
  s.ok(res, fmt, 'services', 'services.json');
  return 'services listed without jurisdiction_id';
}

// ---- updates (mySociety extension) -------------------------------------

async function updatesIn(s, fmt, start, end) {
  const res = await s.call('GET', 'servicerequestupdates', fmt, {
    query: [['start_date', start], ['end_date', end], ['api_key', '']],
  });
  if (res.status === 404 && !/<errors|^\s*\[/.test(res.text)) {
    fail('servicerequestupdates is not served (FixMyStreet needs it to show status changes)', res);
  }
  return { res, list: s.ok(res, fmt, 'service_request_updates', 'request-updates.json') };
}

// FixMyStreet asks for the last 2 hours every few minutes and for 24 hours
// nightly; a server may refuse a window holding more updates than it
// answers (ours does past 1000), so ask what FixMyStreet asks.
async function checkUpdatesWindow(s, fmt) {
  const S = Date.now() - DAY, E = Date.now();
  const { res, list } = await updatesIn(s, fmt, formatW3C(S, 60), formatW3C(E));
  const out = list.find((u) => {
    const t = parseW3C(u.updated_datetime);
    return t < S || t > E + SKEW;
  });
  if (out) fail(`update ${out.update_id} at ${out.updated_datetime} lies outside ${formatW3C(S)} – ${formatW3C(E)}`, res);
  s.someUpdate = s.someUpdate ?? list[0];
  if (!list.length) skip('200 and a valid empty list: no updates in the last 24 hours, window not exercised');
  return `${list.length} updates in the last 24 hours, all inside the window`;
}

async function checkUpdatesBounds(s, fmt) {
  const u = s.someUpdate;
  if (!u) skip('no update to look for');
  // Windows of whole seconds around the emitted time, so a server that
  // keeps sub-second times is judged by what it shows.
  const t = parseW3C(u.updated_datetime);
  const has = async (a, b) => {
    const r = await updatesIn(s, fmt, formatW3C(a, 60), formatW3C(b, 60));
    return { res: r.res, found: r.list.some((x) => x.update_id === u.update_id) };
  };
  const at = await has(t, t + 1000);
  if (!at.found) fail(`update ${u.update_id} (${u.updated_datetime}) missing from a window starting at that second (start_date is inclusive)`, at.res);
  const after = await has(t + 1000, t + 2000);
  if (after.found) fail(`update ${u.update_id} (${u.updated_datetime}) listed in a window starting a second after it`, after.res);
  const before = await has(t - 2000, t - 1000);
  if (before.found) fail(`update ${u.update_id} (${u.updated_datetime}) listed in a window ending a second before it`, before.res);
  return `update ${u.update_id} in [t, t+1 s], not in [t+1 s, t+2 s] nor [t-2 s, t-1 s] (written at %2B01:00)`;
}

async function updatePairs(s, fmt, id, updateId) {
  const svc = s.created.find((r) => r.id === id)?.code ?? s.service?.service_code;
  return [
    ['api_key', s.cfg.key], ['service_request_id', id], ['update_id', updateId],
    ['status', 'OPEN'], ['updated_datetime', formatW3C(Date.now() - 1000, 60)],
    ['description', s.marker(`22 citizen comment ${fmt}`)], ['first_name', 'Open311'], ['last_name', '-'],
    ['email_alerts_requested', 'FALSE'], ['service_code', svc], ['title', 'open311-check'],
  ];
}

async function checkPostUpdate(s, fmt, what) {
  const rec = s.created.find((r) => r.id) ?? s.created.find((r) => r.token);
  const id = rec && await s.idOf(rec);
  if (!id) skip('no request of this run to comment on');
  s.updateIds = s.updateIds ?? {};
  if (what === 'new') {
    const updateId = s.numericId();
    const res = await s.call('POST', 'servicerequestupdates', fmt, { form: await updatePairs(s, fmt, id, updateId) });
    const list = s.ok(res, fmt, 'service_request_updates', 'update-reply.json');
    s.updateIds[fmt] = updateId;
    return `update_id ${updateId} → ${list[0].update_id}`;
  }
  if (what === 'same update_id again') {
    const updateId = s.updateIds[fmt];
    if (!updateId) skip('the first update was not accepted');
    const res = await s.call('POST', 'servicerequestupdates', fmt, { form: await updatePairs(s, fmt, id, updateId) });
    const errs = s.errors(res, fmt, [400]);
    return `400: ${errs[0].description}`;
  }
  const res = await s.call('POST', 'servicerequestupdates', fmt,
    { form: await updatePairs(s, fmt, NO_SUCH_ID, s.numericId()) });
  const errs = s.errors(res, fmt, [404]);
  return `404: ${errs[0].description}`;
}

// ---- 23: escaping and every body ---------------------------------------

async function checkEscaping(s) {
  let id, want;
  if (s.cfg.write) {
    const svc = s.needService();
    want = s.marker('23 escaping: fish & chips; 1 < 2 > 0; "quoted" \'apostrophe\'');
    const res = await s.call('POST', 'requests', 'xml', { form: await s.reportPairs(svc.service_code, { desc: want }) });
    const rec = s.created200(res, 'xml', svc.service_code, want);
    id = await s.idOf(rec);
    if (!id) skip(unresolved(s, rec));
  } else {
    const res = await s.call('GET', 'requests', 'json');
    let list = [];
    try { list = JSON.parse(res.text); } catch { /* judged by 15 */ }
    const r = Array.isArray(list) && list.find((x) => /[&<]/.test(x?.description ?? ''));
    if (!r) skip('WRITE=0 and no listed request has & or < in its description');
    id = r.service_request_id;
    want = r.description;
  }
  const res = await s.call('GET', `requests/${encodeURIComponent(id)}`, 'xml');
  const list = s.ok(res, 'xml', 'service_requests', 'requests.json');
  if (list[0]?.description !== want) {
    fail(`description read back as ${JSON.stringify(list[0]?.description)}, want ${JSON.stringify(want)}`, res);
  }
  return `& < > " ' survive requests/${id}.xml`;
}

function checkXmlBodies(s) {
  const all = s.bodies.xml;
  if (!all.length) skip('no XML body was read');
  if (!haveXmllint()) skip(`xmllint is not installed (apt-get install libxml2-utils); ${all.length} XML bodies were still checked for well-formedness`);
  const lint = xmllintAll(all.map((b) => b.bytes));
  const bad = all.map((b, i) => ({ check: b.check, lint: lint[i] })).filter((b) => b.lint);
  if (bad.length) fail(`${bad.length} of ${all.length} XML bodies fail xmllint --noout: ${bad.slice(0, 5).map((b) => `[${b.check}] ${b.lint}`).join('; ')}`);
  return `${all.length} XML bodies pass xmllint --noout`;
}

function checkJsonBodies(s) {
  const all = s.bodies.json;
  if (!all.length) skip('no JSON body was read');
  const bad = all.filter((b) => !b.ok);
  if (bad.length) fail(`${bad.length} of ${all.length} JSON bodies fail to parse or fail their schema (see those checks): ${[...new Set(bad.map((b) => b.check))].slice(0, 8).join('; ')}`);
  return `${all.length} JSON bodies parse and pass their schemas`;
}

// ---- 24: FixMyStreet's shapes, read the way FixMyStreet reads ----------

// Parse an XML reply the way Perl's XML::Simple does for FixMyStreet:
// root name ignored, the first ITEM element's children as strings.
function fmsRead(res, item) {
  const x = checkXml(res.text);
  if (!x.root) fail(`FixMyStreet cannot parse this: ${x.problems.join('; ')}`, res);
  const el = x.root.children.find((c) => c.name === item);
  if (!el) fail(`no <${item}> under the root`, res);
  const out = {};
  for (const c of el.children) if (c.name) out[c.name] = c.children.map((t) => t.text ?? '').join('');
  return out;
}

async function fmsPairs(s, code, key) {
  const rnd = String(s.started).slice(-7);
  s.fms = s.fms ?? { email: `open311-check+${s.runId}@example.org`, phone: `+44 20 7${rnd}`, last: `Checkperson${s.runId}` };
  const pairs = [['api_key', key], ['service_code', code]];
  if (s.cfg.lat !== undefined) {
    const six = (v) => String(Number(v.toFixed(6)));
    pairs.push(['lat', six(s.cfg.lat)], ['long', six(s.cfg.long)]);
  } else {
    pairs.push(['address_string', s.cfg.address]);
  }
  const desc = s.marker('24 FixMyStreet report');
  pairs.push(
    ['description', `${desc}\n\nPothole & broken kerb by the bus stop\n\nView report on site: https://www.fixmystreet.com/report/1`],
    ['first_name', 'Open311'], ['last_name', s.fms.last], ['email', s.fms.email], ['phone', s.fms.phone],
    ['media_url', 'https://www.example.org/open311-check.jpeg'],
  );
  for (const a of await s.requiredAttributes(code)) pairs.push([`attribute[${a.code}]`, Session.attributeValue(a)]);
  pairs.push(['attribute[uprn]', '100000000001']);
  return { pairs, desc };
}

async function checkFmsPost(s) {
  const svc = s.needService();
  const { pairs, desc } = await fmsPairs(s, svc.service_code, s.cfg.key);
  // FixMyStreet's HTTP library percent-encodes the brackets.
  const res = await s.call('POST', 'requests', 'xml', { form: pairs, rawBrackets: false });
  if (res.status < 200 || res.status > 299) fail(`answered ${res.status}: FixMyStreet records a failed send`, res);
  const r = fmsRead(res, 'request');
  const rec = { id: r.service_request_id || undefined, token: r.token || undefined, fmt: 'xml', code: svc.service_code, desc: pairs.find(([k]) => k === 'description')[1] };
  if (!rec.id && !rec.token) fail('neither service_request_id nor token in request[0]', res);
  s.created.push(rec);
  s.fmsRec = rec;
  if (!await s.idOf(rec)) fail(`token ${rec.token} gave no service_request_id within ${s.cfg.tokenWait / 1000} s: FixMyStreet records a failed send`, res);
  return `${desc.slice(0, 40)}…: request[0] gives service_request_id ${rec.id}`;
}

async function checkFmsPoll(s) {
  const [r] = s.fmsRec?.id ? [{ service_request_id: s.fmsRec.id }] : await s.sampleRequests(1);
  if (!r) skip('no request to poll for');
  const res = await s.call('GET', 'requests', 'xml', { query: [['api_key', ''], ['service_request_id', r.service_request_id]] });
  if (res.status !== 200) fail(`answered ${res.status}`, res);
  const got = fmsRead(res, 'request');
  if (got.service_request_id !== String(r.service_request_id)) fail(`request[0] is ${got.service_request_id}, asked for ${r.service_request_id}`, res);
  if (!['open', 'closed'].includes(got.status)) fail(`status "${got.status}"`, res);
  return `requests.xml?service_request_id=${r.service_request_id}: ${got.status}${got.status_notes ? ` (${got.status_notes})` : ''}`;
}

async function checkFmsError(s) {
  const svc = s.needService();
  const { pairs } = await fmsPairs(s, svc.service_code, `wrong-${s.runId}`);
  const res = await s.call('POST', 'requests', 'xml', { form: pairs, rawBrackets: false });
  s.refused.push(pairs.find(([k]) => k === 'description')[1]);
  if (res.status >= 200 && res.status <= 299) fail(`answered ${res.status} to a wrong api_key`, res);
  const e = fmsRead(res, 'error');
  if (!e.code || !e.description) fail('errors/error lacks code or description: FixMyStreet would log "unknown error"', res);
  return `FixMyStreet logs "${e.code}: ${e.description}"`;
}

async function checkFmsPrivacy(s) {
  const id = s.fmsRec?.id;
  if (!id || !s.fms) skip('the FixMyStreet-shaped report was not created');
  const leaks = [];
  let last;
  for (const fmt of FORMATS) {
    for (const path of [`requests/${id}`, 'requests']) {
      const res = await s.call('GET', path, fmt, path === 'requests' ? { query: [['service_request_id', id]] } : {});
      last = res;
      for (const [what, v] of [['email', s.fms.email], ['phone', s.fms.phone], ['last_name', s.fms.last]]) {
        const variants = [v, v.replace(/\s/g, ''), v.replace(/@/g, '&#64;')];
        if (variants.some((x) => res.text.includes(x))) leaks.push(`${what} in ${path}.${fmt}`);
      }
    }
  }
  if (leaks.length) fail(`personal data in public output: ${leaks.join(', ')}`, last);
  return 'email, phone and name stay out of GET requests (XML and JSON)';
}

// ---- the plan ------------------------------------------------------------

function plan() {
  const P = [];
  const add = (id, fmt, title, run, opts = {}) => P.push({ name: `${id} ${fmt ?? '-'} ${title}`, write: false, ...opts, run });
  const both = (id, title, run, opts) => { for (const fmt of FORMATS) add(id, fmt, title, (s) => run(s, fmt), opts); };
  const W = { write: true };

  both('01', 'GET discovery', checkDiscovery);
  both('02', 'GET services', checkServices);
  both('03', 'GET services/{code} for metadata=true', checkDefinitions);
  both('04', 'GET services/NOPE → 404', checkNoSuchService);
  add('04', null, 'GET services.csv → 404 (XML errors)', checkUnknownSuffix);
  both('05', 'POST with address_string only', (s, f) => checkPostLocation(s, f, 'address'), W);
  both('05', 'POST with lat/long only', (s, f) => checkPostLocation(s, f, 'point'), W);
  both('05', 'POST with address_id only', (s, f) => checkPostLocation(s, f, 'address_id'), W);
  for (const what of ['no service_code', 'unknown service_code', 'no api_key', 'wrong api_key']) {
    const want = { 'no service_code': 400, 'unknown service_code': 404 }[what] ?? 403;
    both('06', `POST with ${what} → ${want}`, (s, f) => checkPostRefused(s, f, what), W);
  }
  for (const v of ['no location', 'lat without long', 'lat=91', 'long=-181', 'lat=abc', 'lat=NaN']) {
    both('07', `POST with ${v} → 400`, (s, f) => checkBadLocation(s, f, v), W);
  }
  both('08', 'POST without a required attribute → 400 naming it', (s, f) => checkAttributeRefused(s, f, 'required missing'), W);
  both('08', 'POST with a singlevaluelist value that is no key → 400', (s, f) => checkAttributeRefused(s, f, 'bad key'), W);
  add('09', 'xml', 'POST multivaluelist as attribute[c][]', (s) => checkMultiValue(s, 'xml', '[]', true), W);
  add('09', 'json', 'POST multivaluelist as repeated attribute[c]', (s) => checkMultiValue(s, 'json', 'repeated', true), W);
  add('09', 'xml', 'POST multivaluelist as attribute%5Bc%5D%5B%5D', (s) => checkMultiValue(s, 'xml', '%5B%5D', true), W);
  add('09', 'json', 'POST attribute[c][] with a bad key → 400', (s) => checkMultiValue(s, 'json', '[]', false), W);
  add('09', 'xml', 'POST repeated attribute[c] with a bad key → 400', (s) => checkMultiValue(s, 'xml', 'repeated', false), W);
  add('09', 'json', 'POST attribute%5Bc%5D%5B%5D with a bad key → 400', (s) => checkMultiValue(s, 'json', '%5B%5D', false), W);
  add('09', 'json', 'the three spellings store the same set', checkMultiSameSet, W);
  both('10', 'POST a 4001-character description → 400', (s, f) => checkDescription(s, f, 4001), W);
  both('10', 'POST a 4000-character multibyte description, read back unchanged', (s, f) => checkDescription(s, f, 4000), W);
  add('11', 'json', 'POST with deviceid, title, foo', (s) => checkUnknownParamsPost(s, 'json'), W);
  both('11', 'GET requests with deviceid, title, foo and a wrong api_key', checkUnknownParamsGet);
  add('12', 'xml', 'POST multipart photo1 (PNG): stored, media_url serves an image', (s) => checkPhotoStored(s, 'xml'), W);
  both('12', 'POST photo1 over PHOTO_LIMIT → 400/413', (s, f) => checkPhotoRefused(s, f, 'oversized photo1'), W);
  both('12', 'POST a text/plain part as photo1 → 400', (s, f) => checkPhotoRefused(s, f, 'text part as photo1'), W);
  add('12', 'json', 'POST text labelled image/jpeg as photo1 → 400', (s) => checkPhotoRefused(s, 'json', 'text labelled image/jpeg'), W);
  add('12', 'json', 'POST a body over BODY_LIMIT → 413/400', (s) => checkBodyLimit(s, 'json'), W);
  add('12', 'json', 'refused posts stored nothing', checkNothingStored, W);
  both('13', 'a fresh token resolves within 10 s', checkTokenResolves, W);
  both('13', 'GET tokens/{unknown} → 404', checkNoSuchToken);
  both('14', 'GET requests/{id}', (s, f) => checkOneRequest(s, f, 'requests'));
  both('14', 'GET request/{id} (singular)', (s, f) => checkOneRequest(s, f, 'request'));
  both('14', 'GET requests/{unknown} → 404', checkNoSuchRequest);
  both('15', 'GET requests without arguments', checkDefaultList);
  both('16', 'service_request_id=a,b overrides status and dates', checkIdsOverride);
  both('16', 'status=open / closed / open,closed', checkStatusFilter);
  both('16', 'service_code=x,y', checkCodeFilter);
  both('16', 'status=pending → 400', (s, f) => checkRefusedQuery(s, f, [['status', 'pending']], 'status=pending'));
  both('17', 'start_date=yesterday → 400', (s, f) => checkRefusedQuery(s, f, [['start_date', 'yesterday']], 'bad date'));
  both('17', 'start_date without a zone → 400', (s, f) => checkRefusedQuery(s, f, [['start_date', formatW3C(Date.now() - DAY).slice(0, 19)]], 'no zone'));
  both('17', 'end_date before start_date → 400', (s, f) => checkRefusedQuery(s, f,
    [['start_date', formatW3C(Date.now() - DAY)], ['end_date', formatW3C(Date.now() - 2 * DAY)]], 'end before start'));
  both('17', 'a 120-day span: refused or clamped', checkLongSpan);
  both('18', '%2B01:00 offsets filter correctly', checkPlusOffset);
  both('18', "a bare '+' is restored or refused", checkBarePlus);
  both('19', 'empty status=&service_code=... act as absent', checkEmptyParams);
  both('20', 'unknown jurisdiction_id → 404', checkUnknownJurisdiction);
  both('20', 'no jurisdiction_id', checkNoJurisdiction);
  both('21', 'GET servicerequestupdates start_date..end_date&api_key=', checkUpdatesWindow);
  both('21', 'updates window: start inclusive, nothing outside', checkUpdatesBounds);
  both('22', 'POST an update shaped like FixMyStreet\'s', (s, f) => checkPostUpdate(s, f, 'new'), W);
  both('22', 'POST the same update_id again → 400', (s, f) => checkPostUpdate(s, f, 'same update_id again'), W);
  both('22', 'POST an update for an unknown request → 404', (s, f) => checkPostUpdate(s, f, 'unknown request'), W);
  add('24', 'xml', 'FixMyStreet report POST, reply read as it reads it', checkFmsPost, W);
  add('24', 'xml', 'FixMyStreet poll requests.xml?service_request_id=', checkFmsPoll);
  add('24', 'xml', 'FixMyStreet reads errors/error from a refused POST', checkFmsError, W);
  add('24', '-', 'personal data of the FixMyStreet report stays private', checkFmsPrivacy, W);
  // Last, so they cover every body the run read.
  add('23', 'xml', 'XML escapes & < > in a description', checkEscaping);
  add('23', 'xml', 'every XML body passes xmllint --noout', checkXmlBodies);
  add('23', 'json', 'every JSON body passes its schema (no null for a string)', checkJsonBodies);
  return P;
}

// Run every check against OPTIONS.url.  Options: url, key, service, lat,
// long, jurisdiction, write (default true), addressId, address,
// photoLimit, bodyLimit, charset, media, anonymous, timeout (ms),
// tokenWait (ms), onResult(result).
// Resolves to [{ name, status: 'pass'|'fail'|'skip', detail }], with
// .throttled the number of 429 answers waited out.  Throws only for bad
// options.
export async function runChecks(options) {
  const cfg = configure(options);
  const s = new Session(cfg);
  const results = [];
  for (const c of plan()) {
    s.current = c.name;
    let result;
    if (c.write && !cfg.write) {
      result = { name: c.name, status: 'skip', detail: 'WRITE=0: posts nothing' };
    } else {
      try {
        result = { name: c.name, status: 'pass', detail: await c.run(s) };
      } catch (e) {
        if (!(e instanceof Outcome)) throw e;
        result = { name: c.name, status: e.status, detail: e.message };
      }
    }
    results.push(result);
    cfg.onResult?.(result);
  }
  results.throttled = s.throttled;
  return results;
}

// ---- command line --------------------------------------------------------

async function main() {
  const env = process.env;
  if (!env.URL || process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stderr.write(`usage: URL=https://host/open311/v2/ KEY=apikey node ${process.argv[1]}
  optional: SERVICE=code  LAT=.. LONG=..  JURISDICTION=id  ADDRESS_ID=id  ADDRESS=text
            WRITE=0 (no POSTs)  MEDIA=0 (no uploads)  PHOTO_LIMIT=bytes  BODY_LIMIT=bytes
            CHARSET=utf-8 (discovery Content-Type carries it)  TIMEOUT=ms
            ANONYMOUS=1 (reports without api_key are accepted on purpose)
`);
    process.exit(2);
  }
  const counts = { pass: 0, fail: 0, skip: 0 };
  let results;
  try {
    results = await runChecks({
      url: env.URL, key: env.KEY, service: env.SERVICE, lat: env.LAT, long: env.LONG,
      jurisdiction: env.JURISDICTION, write: env.WRITE, addressId: env.ADDRESS_ID, address: env.ADDRESS,
      photoLimit: env.PHOTO_LIMIT, bodyLimit: env.BODY_LIMIT, charset: env.CHARSET, media: env.MEDIA,
      timeout: env.TIMEOUT, anonymous: env.ANONYMOUS,
      onResult: (r) => {
        counts[r.status] += 1;
        process.stdout.write(`${r.status.toUpperCase().padEnd(4)} ${r.name}: ${r.detail}\n`);
      },
    });
  } catch (e) {
    process.stderr.write(`open311-check: ${e.message}\n`);
    process.exit(2);
  }
  const waited = results.throttled ? ` (waited out ${results.throttled} rate-limit answers)` : '';
  process.stdout.write(`open311-check: ${results.length} checks, ${counts.pass} passed, ${counts.fail} failed, ${counts.skip} skipped${waited}\n`);
  process.exit(counts.fail ? 1 : 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();

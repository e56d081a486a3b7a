// open311.mjs - requests to the Open311 door, whose answers are XML or
// JSON (not the JSON-only shape server.mjs's client insists on), and the
// XML -> JSON mapping of the standard (lists become arrays even with one
// item), so one assertion serves both formats.
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

// Element names that are list items in GeoReport v2 documents.
const LIST_ITEMS = new Set(['service', 'request', 'endpoint', 'format', 'attribute',
  'value', 'error', 'request_update', 'note']);

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false, // ids stay strings: "001" is not 1
  trimValues: false,
  isArray: (name) => LIST_ITEMS.has(name),
});

// Parse an XML body after checking it is well formed and starts with the
// declaration the standard asks for; returns the Spark-mapped JSON value
// (root dropped, list wrappers as arrays) and the root element's name.
export function fromXml(text) {
  assert.ok(text.startsWith('<?xml version="1.0" encoding="utf-8"?>'), text.slice(0, 80));
  const valid = XMLValidator.validate(text);
  assert.equal(valid, true, `not well-formed XML: ${JSON.stringify(valid)}\n${text}`);
  const doc = parser.parse(text);
  const root = Object.keys(doc).find((k) => k !== '?xml');
  const unwrap = (v) => {
    if (Array.isArray(v)) return v.map(unwrap);
    if (v === null || typeof v !== 'object') return v === undefined ? '' : v;
    const keys = Object.keys(v);
    // A wrapper holding one list (<services><service>…): the list.
    if (keys.length === 1 && LIST_ITEMS.has(keys[0]) && Array.isArray(v[keys[0]])) {
      return v[keys[0]].map(unwrap);
    }
    const out = {};
    for (const k of keys) out[k] = unwrap(v[k]);
    return out;
  };
  let body = doc[root];
  if (body === '') body = {};
  return { root, value: unwrap(body) };
}

// GET/POST base + path; `form` (object or URLSearchParams) is sent
// urlencoded, `multipart` (FormData) as is, `json` as JSON.  Returns
// { status, headers, text, value } with value the JSON body or the
// Spark-mapped XML, and for XML the root's name.
export async function o311(server, method, path, { form, multipart, json, headers = {} } = {}) {
  const h = { ...headers };
  let body;
  if (form !== undefined) {
    body = form instanceof URLSearchParams ? form.toString() : new URLSearchParams(form).toString();
    h['Content-Type'] = 'application/x-www-form-urlencoded';
  } else if (multipart !== undefined) {
    body = multipart;
  } else if (json !== undefined) {
    body = JSON.stringify(json);
    h['Content-Type'] = 'application/json';
  }
  const res = await fetch(server.url(`/open311/v2/${path}`), { method, headers: h, body });
  const text = await res.text();
  assert.match(res.headers.get('x-request-id') ?? '', /^[A-Za-z0-9._-]{1,64}$/);
  const type = res.headers.get('content-type') ?? '';
  let value = null;
  let root = null;
  if (type === 'text/xml') ({ root, value } = fromXml(text));
  else if (type === 'application/json') value = JSON.parse(text);
  else assert.fail(`unexpected Content-Type ${type} for ${path}: ${text}`);
  return { status: res.status, headers: res.headers, text, value, root };
}

// The standard's error answer: status, and a list of {code, description}
// whose first description matches `re`.
export function assertO311Error(r, status, re) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text}`);
  if (r.root !== null) assert.equal(r.root, 'errors', r.text);
  assert.ok(Array.isArray(r.value) && r.value.length >= 1, r.text);
  assert.equal(String(r.value[0].code), String(status), r.text);
  assert.equal(typeof r.value[0].description, 'string');
  if (re) assert.match(r.value[0].description, re);
}

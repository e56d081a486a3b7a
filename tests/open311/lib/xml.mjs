// xml.mjs - Open311 XML bodies: well-formedness (with the rules of the
// checklist's §0 on top: the utf-8 declaration, one root, no namespaces)
// and the "Spark" mapping to the JSON the same endpoint must serve, so
// both formats are validated by the same JSON Schemas.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

// List wrappers and the one element each holds: mapped to arrays, even
// with one item (§0).  The roots are lists too: services, service_requests,
// errors, service_request_updates.  FixMyStreet's <groups><group>,
// Chicago's <notes><note> and <media_urls> are extensions a server may
// send.
export const LIST_ITEMS = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
  service_request_updates: 'request_update',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
  groups: 'group',
  notes: 'note',
  media_urls: 'media_url',   // several photos (the v2.1 draft's media[])
};

// Leaves that are not strings in JSON, by the element that holds them.
// (An attribute's <code> is a string; an error's <code> is a number.)
const TYPED = {
  service: { metadata: 'boolean' },
  attribute: { variable: 'boolean', required: 'boolean', order: 'integer' },
  request: { lat: 'number', long: 'number' },
  error: { code: 'integer' },
};

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,       // strings stay strings: "001" is not 1
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,     // decoded below, strictly (XML's five + &#..;)
  cdataPropName: '#cdata',
  commentPropName: '#comment',
});

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

// Decode XML character and entity references; throws on anything else
// (an HTML entity such as &nbsp; is not XML).
function decodeText(s, where) {
  return s.replace(/&([^;&\s]*);?/g, (all, ref) => {
    if (!all.endsWith(';')) throw new Error(`${where}: '&' not escaped (${all.slice(0, 12)})`);
    if (ENTITIES[ref]) return ENTITIES[ref];
    const m = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
    if (!m) throw new Error(`${where}: unknown entity &${ref};`);
    const cp = m[1] ? parseInt(m[1], 16) : parseInt(m[2], 10);
    const ok = cp === 0x9 || cp === 0xA || cp === 0xD || (cp >= 0x20 && cp <= 0xD7FF)
      || (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
    if (!ok) throw new Error(`${where}: &${ref}; is not an XML character`);
    return String.fromCodePoint(cp);
  });
}

// Turn fast-xml-parser's ordered output into { name, attrs, children }
// elements, or { text } for character data.
function toTree(node, where) {
  const out = [];
  for (const item of node) {
    if ('#text' in item) out.push({ text: decodeText(String(item['#text']), where) });
    else if ('#cdata' in item) out.push({ text: item['#cdata'].map((t) => String(t['#text'] ?? '')).join('') });
    else if ('#comment' in item) continue;
    else {
      const name = Object.keys(item).find((k) => k !== ':@');
      if (name.startsWith('?')) continue;   // processing instruction
      const path = `${where}/${name}`;
      const attrs = item[':@'] ?? {};
      out.push({ name, attrs, children: toTree(item[name], path), path });
    }
  }
  return out;
}

const XML_DECL = /^<\?xml version=(["'])1\.0\1 encoding=(["'])utf-8\2\s*\?>/i;

// Check TEXT as an Open311 XML body.  Returns { problems: [..], root }
// where root is the root element tree (null when not well-formed).
export function checkXml(text) {
  const problems = [];
  if (text.charCodeAt(0) === 0xFEFF) problems.push('starts with a byte-order mark');
  if (!XML_DECL.test(text.replace(/^\uFEFF/, ''))) {
    problems.push(`does not start with <?xml version="1.0" encoding="utf-8"?> (starts ${JSON.stringify(text.slice(0, 40))})`);
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    problems.push(`not well-formed: ${valid.err.msg} (line ${valid.err.line}, col ${valid.err.col})`);
    return { problems, root: null };
  }
  let nodes;
  try {
    nodes = toTree(parser.parse(text), '');
  } catch (e) {
    problems.push(`not well-formed: ${e.message}`);
    return { problems, root: null };
  }
  const elements = nodes.filter((n) => n.name);
  if (nodes.some((n) => n.text !== undefined && n.text.trim() !== '')) problems.push('text outside the root element');
  if (elements.length !== 1) {
    problems.push(`${elements.length} root elements (one expected)`);
    return { problems, root: null };
  }
  const walk = (el) => {
    if (el.name.includes(':')) problems.push(`namespaced element <${el.name}>`);
    for (const a of Object.keys(el.attrs)) {
      if (a === 'xmlns' || a.startsWith('xmlns:')) problems.push(`namespace declaration ${a} on <${el.name}>`);
    }
    for (const c of el.children) if (c.name) walk(c);
  };
  walk(elements[0]);
  return { problems, root: elements[0] };
}

// True when xmllint is installed (checked once).
let xmllintPresent;
export function haveXmllint() {
  if (xmllintPresent === undefined) {
    const r = spawnSync('xmllint', ['--version'], { encoding: 'utf8' });
    xmllintPresent = !r.error && r.status === 0;
  }
  return xmllintPresent;
}

// `xmllint --noout` over BODIES (Buffers) in one run (a process per body
// costs more than the rest of the check).  Returns, per body, null when
// it passes or its first lines of complaint.
export function xmllintAll(bodies) {
  if (!bodies.length) return [];
  const dir = mkdtempSync(join(tmpdir(), 'open311-check-'));
  try {
    const files = bodies.map((b, i) => {
      const f = join(dir, `${i}.xml`);
      writeFileSync(f, b);
      return f;
    });
    const r = spawnSync('xmllint', ['--noout', ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.error) return bodies.map(() => `xmllint did not run: ${r.error.message}`);
    const complaints = bodies.map(() => []);
    for (const line of r.stderr.split('\n')) {
      const m = /^(.*?\/(\d+)\.xml):(.*)$/.exec(line);
      if (m && m[1].startsWith(dir)) complaints[Number(m[2])].push(m[3].trim());
    }
    return complaints.map((c) => (c.length ? c.slice(0, 2).join(' | ') : null));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function leafText(el) {
  return el.children.map((c) => c.text ?? '').join('');
}

function typedLeaf(text, type) {
  if (type === 'boolean') {
    if (text === 'true') return true;
    if (text === 'false') return false;
  } else if (type === 'integer' && /^-?[0-9]+$/.test(text)) {
    return Number(text);
  } else if (type === 'number' && /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/.test(text)) {
    return Number(text);
  }
  // Left a string: the schema then says what is wrong with it.
  return text;
}

// Map element EL to its JSON value by the Spark rules.  Throws an Error
// naming the element path when the XML has a shape JSON cannot take
// (mixed content, a repeated element in an object, a foreign element in
// a list).
function mapElement(el) {
  const kids = el.children.filter((c) => c.name);
  const text = el.children.filter((c) => c.text !== undefined).map((c) => c.text).join('');
  if (kids.length && text.trim() !== '') throw new Error(`${el.path}: text mixed with elements`);
  const item = LIST_ITEMS[el.name];
  if (item) {
    if (!kids.length && text.trim() !== '') throw new Error(`${el.path}: a list holding text`);
    return kids.map((k) => {
      if (k.name !== item) throw new Error(`${k.path}: <${el.name}> may hold only <${item}>`);
      return mapElement(k);
    });
  }
  if (!kids.length) return leafText(el);
  const obj = {};
  const seen = new Set();
  const types = TYPED[el.name] ?? {};
  for (const k of kids) {
    if (seen.has(k.name)) throw new Error(`${k.path}: repeated in one object`);
    seen.add(k.name);
    let v = mapElement(k);
    if (types[k.name] && typeof v === 'string') {
      // An empty typed leaf (<lat/>) is how XML says "absent".
      if (v === '') continue;
      v = typedLeaf(v, types[k.name]);
    }
    obj[k.name] = v;
  }
  return obj;
}

// The JSON value of ROOT (a checkXml root): the root element itself is
// dropped, so a list root gives an array and any other root an object.
export function sparkMap(root) {
  const v = mapElement(root);
  return typeof v === 'string' ? {} : v;
}

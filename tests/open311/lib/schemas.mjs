// schemas.mjs - our JSON Schemas (../schema/*.json) loaded into ajv under
// their file names, so "$ref": "request.json" resolves.  XML bodies are
// validated by the same schemas after the Spark mapping (xml.mjs).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

export const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema');

let ajv;

function load() {
  ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  for (const file of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json')).sort()) {
    ajv.addSchema(JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')), file);
  }
}

// Validate DATA against schema NAME ('requests.json', ...).  Returns null
// when it passes, else up to five messages naming the JSON path.
export function validate(name, data) {
  if (!ajv) load();
  const check = ajv.getSchema(name);
  if (!check) throw new Error(`no schema ${name} in ${SCHEMA_DIR}`);
  if (check(data)) return null;
  // anyOf/oneOf report every branch; keep the messages that say most.
  const msgs = [];
  for (const e of check.errors) {
    if (['anyOf', 'oneOf', 'if'].includes(e.keyword) && check.errors.length > 1) continue;
    const at = e.instancePath || '/';
    const v = valueAt(data, e.instancePath);
    let what = e.message;
    if (e.keyword === 'enum') what += ` (${e.params.allowedValues.join(', ')})`;
    if (e.keyword === 'pattern' && /datetime/.test(e.schemaPath)) {
      what = 'must be a W3C date-time with a zone and no fraction';
    }
    const got = v !== null && typeof v === 'object' ? '' : ` (got ${JSON.stringify(v)?.slice(0, 60)})`;
    const m = `${at} ${what}${got}`;
    if (!msgs.includes(m)) msgs.push(m);
  }
  return msgs.slice(0, 5);
}

function valueAt(data, pointer) {
  let v = data;
  for (const seg of pointer.split('/').slice(1)) v = v?.[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  return v;
}

// Every schema compiles (the self-test calls this).
export function compileAll() {
  if (!ajv) load();
  return readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json')).map((f) => {
    ajv.getSchema(f);
    return f;
  });
}

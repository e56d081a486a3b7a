// build-field.mjs - bundle the phone pages (web/field/, served at /m/)
// for embedding (tools/bundle.mjs), and write their service worker:
// web/field/sw.js with the list of files it keeps for offline use and a
// version (a hash of that list) put in, so a new build installs a new
// worker, which drops the old files.  Budget: 120 KB gzipped for the
// script (Leaflet, gcoord and the console's shared modules included) -
// a phone on a slow street network loads it once, then from its cache.
//
//   node tools/build-field.mjs SRC_DIR OUT_DIR
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { bundle } from './bundle.mjs';

const [src, out] = process.argv.slice(2);
if (!src || !out) {
  console.error('usage: node tools/build-field.mjs SRC_DIR OUT_DIR');
  process.exit(2);
}
const b = await bundle({
  name: 'field', src, out, script: 'src/main.js', style: 'field.css', budget: 120 * 1024,
  marks: { js: '%FIELD_JS%', css: '%FIELD_CSS%' },
});
const keep = ['/m/', '/public/assets/leaflet/leaflet.css', `/m/assets/${b.js}`, `/m/assets/${b.css}`];
const version = createHash('sha256').update(keep.join('\n')).digest('hex').slice(0, 12);
const sw = readFileSync(join(src, 'sw.js'), 'utf8')
  .replace("'%VERSION%'", JSON.stringify(version))
  .replace("['%FILES%']", JSON.stringify(keep));
writeFileSync(join(out, 'sw.js'), sw);
console.log(`field: service worker ${version}, ${keep.length} files kept`);

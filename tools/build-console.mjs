// build-console.mjs - bundle the staff console (web/console/) for
// embedding: esbuild (npm, pinned) bundles src/main.js and console.css,
// minified, into files named by a hash of their content; index.html is
// written with those names, so a browser may cache them for good (the
// server answers them `immutable`) and a new build is never mixed with an
// old one.  Fails when the console's own script is over its budget: 150
// KB gzipped (issue 13; map and chart libraries aside).
//
//   node tools/build-console.mjs SRC_DIR OUT_DIR
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';

import * as esbuild from 'esbuild';

const BUDGET_GZ = 150 * 1024;
const [src, out] = process.argv.slice(2);
if (!src || !out) {
  console.error('usage: node tools/build-console.mjs SRC_DIR OUT_DIR');
  process.exit(2);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });
const result = await esbuild.build({
  entryPoints: { console: join(src, 'src/main.js'), 'console-style': join(src, 'console.css') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome100', 'firefox100', 'safari15'],
  entryNames: '[name]-[hash]',
  outdir: join(out, 'assets'),
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const names = {};
for (const [file, meta] of Object.entries(result.metafile.outputs)) {
  if (!meta.entryPoint) continue;
  names[file.endsWith('.css') ? 'css' : 'js'] = basename(file);
}
const js = readFileSync(join(out, 'assets', names.js));
const gz = gzipSync(js, { level: 9 }).length;
if (gz > BUDGET_GZ) {
  console.error(`console script is ${gz} bytes gzipped, over its budget of ${BUDGET_GZ}`);
  process.exit(1);
}
const html = readFileSync(join(src, 'index.html'), 'utf8')
  .replaceAll('%CONSOLE_JS%', `assets/${names.js}`)
  .replaceAll('%CONSOLE_CSS%', `assets/${names.css}`);
writeFileSync(join(out, 'index.html'), html);
console.log(`console: ${names.js} ${js.length} bytes (${gz} gzipped), ${names.css}`);

// build-console.mjs - bundle the staff console (web/console/) for
// embedding: esbuild (npm, pinned) bundles src/main.js, the
// command-centre screen's src/screen.js (its own bundle: the charts
// library, ECharts, stays out of the console's) and console.css,
// minified, into files named by a hash of their content; index.html and
// screen.html are written with those names, so a browser may cache them
// for good (the server answers them `immutable`) and a new build is never
// mixed with an old one.  Fails when the console's script is over its
// budget, 150 KB gzipped (issue 13), or the screen's over its own, 300 KB
// gzipped (ECharts' line and bar charts, Leaflet and ours).
//
//   node tools/build-console.mjs SRC_DIR OUT_DIR
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';

import * as esbuild from 'esbuild';

const BUDGET_GZ = { js: 150 * 1024, screen: 300 * 1024 };
const [src, out] = process.argv.slice(2);
if (!src || !out) {
  console.error('usage: node tools/build-console.mjs SRC_DIR OUT_DIR');
  process.exit(2);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });
const result = await esbuild.build({
  entryPoints: {
    console: join(src, 'src/main.js'),
    screen: join(src, 'src/screen.js'),
    'console-style': join(src, 'console.css'),
  },
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
  const kind = file.endsWith('.css') ? 'css' : basename(file).startsWith('screen-') ? 'screen' : 'js';
  names[kind] = basename(file);
}
const said = [];
for (const kind of ['js', 'screen']) {
  const js = readFileSync(join(out, 'assets', names[kind]));
  const gz = gzipSync(js, { level: 9 }).length;
  if (gz > BUDGET_GZ[kind]) {
    console.error(`${kind === 'js' ? 'console' : 'screen'} script is ${gz} bytes gzipped, over its budget of ${BUDGET_GZ[kind]}`);
    process.exit(1);
  }
  said.push(`${names[kind]} ${js.length} bytes (${gz} gzipped)`);
}
for (const page of ['index.html', 'screen.html']) {
  const html = readFileSync(join(src, page), 'utf8')
    .replaceAll('%CONSOLE_JS%', `assets/${names.js}`)
    .replaceAll('%SCREEN_JS%', `assets/${names.screen}`)
    .replaceAll('%CONSOLE_CSS%', `assets/${names.css}`);
  writeFileSync(join(out, page), html);
}
console.log(`console: ${said.join(', ')}, ${names.css}`);

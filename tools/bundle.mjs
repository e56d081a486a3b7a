// bundle.mjs - what the console's and the phone pages' builds share:
// esbuild (npm, pinned) bundles a script and a style, minified, into
// files named by a hash of their content under OUT/assets/, and the page
// (index.html) is written with those names, so a browser may cache them
// for good (the server answers them `immutable`) and a new build is never
// mixed with an old one.  Fails when the script is over its budget
// (gzipped bytes).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';

import * as esbuild from 'esbuild';

// { name, src, out, script, style, budget, marks: {js, css} } ->
// { js, css, bytes, gz } (file names under assets/, sizes of the script).
export async function bundle({ name, src, out, script, style, budget, marks }) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'assets'), { recursive: true });
  const result = await esbuild.build({
    entryPoints: { [name]: join(src, script), [`${name}-style`]: join(src, style) },
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
  if (gz > budget) {
    console.error(`${name} script is ${gz} bytes gzipped, over its budget of ${budget}`);
    process.exit(1);
  }
  const html = readFileSync(join(src, 'index.html'), 'utf8')
    .replaceAll(marks.js, `assets/${names.js}`)
    .replaceAll(marks.css, `assets/${names.css}`);
  writeFileSync(join(out, 'index.html'), html);
  console.log(`${name}: ${names.js} ${js.length} bytes (${gz} gzipped), ${names.css}`);
  return { ...names, bytes: js.length, gz };
}

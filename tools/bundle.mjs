// bundle.mjs - what the console's and the phone pages' builds share:
// esbuild (npm, pinned) bundles a script and a style, minified, into
// files named by a hash of their content under OUT/assets/, and the page
// (index.html) is written with those names, so a browser may cache them
// for good (the server answers them `immutable`) and a new build is never
// mixed with an old one.  Fails when the script is over its budget
// (gzipped bytes).  `extra` scripts are bundled beside it, each on a page
// of its own with its own budget (the console's command-centre screen:
// ECharts stays out of the console's script).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';

import * as esbuild from 'esbuild';

// { name, src, out, script, style, budget, marks: {js, css},
//   extra: [{ name, script, budget, page, mark }] } ->
// { js, css, bytes, gz } (file names under assets/, sizes of the script).
// An extra page is written with its script's name for `mark` and the
// style's for marks.css.
export async function bundle({
  name, src, out, script, style, budget, marks, extra = [],
}) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'assets'), { recursive: true });
  const scripts = [{ name, script, budget }, ...extra];
  const result = await esbuild.build({
    entryPoints: {
      ...Object.fromEntries(scripts.map((s) => [s.name, join(src, s.script)])),
      [`${name}-style`]: join(src, style),
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
    const base = basename(file);
    const s = scripts.find((x) => new RegExp(`^${x.name}-[A-Z0-9]+\\.js$`).test(base));
    if (base.endsWith('.css')) names.css = base;
    else if (s) names[s.name] = base;
  }
  const said = [];
  let main;
  for (const s of scripts) {
    const js = readFileSync(join(out, 'assets', names[s.name]));
    const gz = gzipSync(js, { level: 9 }).length;
    if (gz > s.budget) {
      console.error(`${s.name} script is ${gz} bytes gzipped, over its budget of ${s.budget}`);
      process.exit(1);
    }
    main ??= { js: names[s.name], css: names.css, bytes: js.length, gz };
    said.push(`${names[s.name]} ${js.length} bytes (${gz} gzipped)`);
  }
  const write = (page, mark, js) => {
    const html = readFileSync(join(src, page), 'utf8')
      .replaceAll(mark, `assets/${js}`)
      .replaceAll(marks.css, `assets/${names.css}`);
    writeFileSync(join(out, page), html);
  };
  write('index.html', marks.js, names[name]);
  for (const s of extra) write(s.page, s.mark, names[s.name]);
  console.log(`${name}: ${said.join(', ')}, ${names.css}`);
  return main;
}

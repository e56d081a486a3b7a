// build-console.mjs - bundle the staff console (web/console/) for
// embedding (tools/bundle.mjs): src/main.js and console.css into
// fingerprinted files, index.html written with their names.  Fails when
// the console's own script is over its budget: 150 KB gzipped (issue 13;
// map and chart libraries aside).
//
//   node tools/build-console.mjs SRC_DIR OUT_DIR
import { bundle } from './bundle.mjs';

const [src, out] = process.argv.slice(2);
if (!src || !out) {
  console.error('usage: node tools/build-console.mjs SRC_DIR OUT_DIR');
  process.exit(2);
}
await bundle({
  name: 'console', src, out, script: 'src/main.js', style: 'console.css', budget: 150 * 1024,
  marks: { js: '%CONSOLE_JS%', css: '%CONSOLE_CSS%' },
});

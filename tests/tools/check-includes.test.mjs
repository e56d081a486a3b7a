// check-includes.test.mjs - the include-rule check (scripts/check-includes)
// on made-up trees: a clean one passes; each kind of broken rule fails
// with the file, the line and what it may not include; a transitional
// entry that is gone fails too.  So the check in make test can fail.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), '../../scripts/check-includes');

// A tree of src/ files ({ path: text }); runs the check on it.
function check(files, transitional = '') {
  const dir = mkdtempSync(join(tmpdir(), 'ug-includes-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const r = spawnSync('sh', [SCRIPT, dir], {
      encoding: 'utf8', env: { ...process.env, CHECK_INCLUDES_TRANSITIONAL: transitional },
    });
    return { status: r.status, out: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CLEAN = {
  'src/lib/buf.h': '#include <stddef.h>\n',
  'src/store/cases/cases.h': '#include "store/common.h"\n',
  'src/store/sqlite/engine.c': '#include <sqlite3.h>\n#include "store/db_engine.h"\n',
  'src/domain/cases/case.c': '#include "domain/cases/case.h"\n#include "domain/calendar/calendar.h"\n#include "domain/assess/assess.h"\n#include "store/cases/cases.h"\n#include <jansson.h>\n',
  'src/domain/assess/assess.c': '#include "domain/assess/rules.h"\n#include "store/assess/assess.h"\n#include "store/cases/cases.h"\n',
  'src/domain/calendar/workcal.c': '#include "domain/calendar/workcal.h"\n#include "store/calendar/calendar.h"\n',
  'src/api/h_cases.c': '#include "api/handlers.h"\n#include "domain/cases/case.h"\n#include "version.h"\n',
  'src/api/routes.c': '#include "public/handlers.h"\n#include "web/web.h"\n',
  'src/web/web.h': '#include "store/db.h"\n#include "domain/cases/case.h"\n#include "http/http.h"\n',
  'src/ui/pages.c': '#include "web/web.h"\n#include "ui/assets.h"\n',
  'src/http/server.c': '#include <microhttpd.h>\n#include "http/http.h"\n',
  'src/cli/main.c': '#include "store/migrate.h"\n#include "http/http.h"\n',
  'src/doc/pdf.c': '#include <cairo.h>\n#include <cairo-pdf.h>\n#include <pango/pangocairo.h>\n#include "doc/draw.h"\n',
  'src/doc/draw.c': '#include <cairo.h>\n#include <pango/pangocairo.h>\n#include <gdk-pixbuf/gdk-pixbuf.h>\n',
  'src/doc/xlsx.c': '#include <xlsxwriter.h>\n#include "doc/render.h"\n',
};

test('a tree that keeps the rules passes', () => {
  const r = check(CLEAN);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /check-includes: ok/);
});

test('each broken rule is named with its file and line', () => {
  for (const [path, text, says] of [
    ['src/api/h_x.c', '#include "api/handlers.h"\n#include "store/cases/cases.h"\n', /src\/api\/h_x\.c:2: api may not include "store\/cases\/cases\.h"/],
    ['src/ui/pages.c', '#include "store/db.h"\n', /src\/ui\/pages\.c:1: ui may not include "store\/db\.h"/],
    ['src/ui/pages.c', '#include "api/routes.h"\n', /ui may not include "api\/routes\.h"/],
    ['src/public/open311.c', '#include "api/handlers.h"\n', /public may not include "api\/handlers\.h"/],
    ['src/web/dispatch.c', '#include "api/routes.h"\n', /web may not include "api\/routes\.h"/],
    ['src/web/dispatch.c', '#include "store/org/org.h"\n', /web may not include "store\/org\/org\.h"/],
    ['src/domain/calendar/workcal.c', '#include "domain/cases/case.h"\n', /domain\/calendar may not include "domain\/cases\/case\.h"/],
    ['src/domain/assess/rules.c', '#include "domain/cases/case.h"\n', /domain\/assess may not include "domain\/cases\/case\.h"/],
    ['src/domain/org/roles.c', '#include "http/http.h"\n', /domain\/org may not include "http\/http\.h"/],
    ['src/domain/cases/case.c', '#include "store/sqlite/engine.h"\n', /domain\/cases may not include "store\/sqlite\/engine\.h"/],
    ['src/lib/util.c', '#include "domain/org/roles.h"\n', /lib may not include/],
    ['src/http/server.c', '#include "web/web.h"\n', /http may not include "web\/web\.h"/],
    ['src/domain/cases/case.c', '#include <sqlite3.h>\n', /src\/domain\/cases\/case\.c:1: <sqlite3\.h> belongs elsewhere/],
    ['src/api/app.c', '#include <microhttpd.h>\n', /<microhttpd\.h> belongs elsewhere/],
    ['src/domain/spatial/spatial.c', '#include <cairo.h>\n', /spatial\.c:1: <cairo\.h> belongs elsewhere/],
    ['src/doc/xlsx.c', '#include <cairo.h>\n', /xlsx\.c:1: <cairo\.h> belongs elsewhere/],
    ['src/doc/pdf.c', '#include <xlsxwriter.h>\n', /pdf\.c:1: <xlsxwriter\.h> belongs elsewhere/],
    ['src/doc/html.c', '#include <pango/pangocairo.h>\n', /html\.c:1: <pango\/pangocairo\.h> belongs elsewhere/],
    ['src/doc/pdf.c', '#include <gdk-pixbuf/gdk-pixbuf.h>\n', /pdf\.c:1: <gdk-pixbuf\/gdk-pixbuf\.h> belongs elsewhere/],
    ['src/domain/assess/report.c', '#include <cairo-pdf.h>\n', /report\.c:1: <cairo-pdf\.h> belongs elsewhere/],
    ['src/api/h_x.c', '#include "api/handlers.h"\nint f(void) { return store_case_get(0, 0, 0, 0); }\n',
      /src\/api\/h_x\.c:2: api calls the store \(store_case_get\): go through the domain/],
    ['src/public/open311.c', 'static void f(void)\n{\n\tstore_category_list (db);\n}\n', /public calls the store \(store_category_list\)/],
  ]) {
    const r = check({ ...CLEAN, [path]: text });
    assert.equal(r.status, 1, `${path}: ${r.out}`);
    assert.match(r.out, says);
  }
});

test('a transitional include is tolerated while it is there, and must go from the list once gone', () => {
  const tree = { ...CLEAN, 'src/api/h_x.c': '#include "store/spatial/spatial.h"\n' };
  const list = '\nsrc/api/h_x.c store/spatial/spatial.h until the access layer\n';
  assert.equal(check(tree, list).status, 0);
  const r = check(CLEAN, list);
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /"src\/api\/h_x\.c store\/spatial\/spatial\.h" is listed as transitional but is gone/);
});

// reports.test.mjs - the 四个一 reports over HTTP on the demo city: each
// kind made (POST /api/v1/reports) and downloaded as HTML with every
// section of its kind, the numbers of the bulletin's overview against the
// assessment API's hours of the same day; the periods each kind takes and
// the 400s naming kind, period and format (xlsx and pdf are not built in
// this branch); a street's staff see their street's reports alone and
// cannot make one for another street; a regenerated report is a new
// version with the same document number, the old one kept; a leader's
// commentary goes into the weekly document and publishing freezes it;
// the CLI writes the same page; each kind in each format read back by
// independent readers (exceljs, poppler's pdftotext and pdfimages): the
// same sections, tables, charts, map and photos as its HTML.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import ExcelJS from 'exceljs';

import {
  addUser, assertError, Client, createToken, demoDb, serverSet, sleep, sql, staffSuite, ug, ugOk, workspace,
} from './lib/server.mjs';
import { bytesRequest, emptyDemoDb } from './lib/cases.mjs';

const STREET_A = '110101001';
const STREET_B = '110101002';
let day;   // the demo's busiest day, YYYY-MM-DD
let week;  // its ISO week
let month; // its month
const suite = staffSuite({
  makeDb: demoDb,
  roles: ['inspector', 'shift_leader', 'handler', 'leader', 'admin'],
  prepare: ({ ws, token }) => {
    addUser(ws.db, { name: 'leader_a', role: 'leader', unit: STREET_A, password: 'Leader-a-pass-2026' });
    addUser(ws.db, { name: 'insp_b', role: 'inspector', unit: STREET_B, password: 'Insp-b-pass-2026' });
    token.leader_a = createToken(ws.db, 'leader_a');
    token.insp_b = createToken(ws.db, 'insp_b');
    const d = String(sql(ws.db, 'SELECT day FROM assess_day GROUP BY day ORDER BY SUM(events) DESC LIMIT 1'));
    day = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
    month = day.slice(0, 7);
    const t = new Date(`${day}T00:00:00Z`);
    const thursday = new Date(t);
    thursday.setUTCDate(t.getUTCDate() + 3 - ((t.getUTCDay() + 6) % 7));
    const jan4 = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 4));
    const w = 1 + Math.round(((thursday - jan4) / 86400000 - 3 + ((jan4.getUTCDay() + 6) % 7)) / 7);
    week = `${thursday.getUTCFullYear()}-W${String(w).padStart(2, '0')}`;
  },
});
const { ws, servers, token, as: api } = suite;

async function make(who, body, status = 201) {
  const r = await api(who).post('/api/v1/reports', body);
  assert.equal(r.status, status, r.text);
  return r.json;
}

// The download: its text beside what bytesRequest() answers (the error
// body as JSON).
async function file(who, id, format = 'html') {
  const r = await bytesRequest(suite.server, 'GET', `/api/v1/reports/${id}/file?format=${format}`,
    { bearer: token[who] });
  const text = r.bytes.toString('utf8');
  return { ...r, text };
}

const SECTIONS = {
  inspection: ['一、总体情况', '二、分街道督查情况', '三、分网格督查情况', '四、问题类别',
    '五、监督员巡查覆盖', '六、突出问题照片'],
  bulletin: ['一、总体情况', '二、各部门办理情况', '三、各街道案件情况', '四、红黑榜', '五、督办案件'],
  weekly: ['一、本周综合评价', '二、主要问题类别', '三、问题热点与反弹', '四、领导点评'],
  monthly: ['一、综合评价结果', '二、近六个月趋势', '三、问题反弹预警', '四、综合评价等级分布', '五、领导点评'],
};

// The monthly summary's maps, in order: the streets', the grids'.
const MAPS = ['街道综合评价等级分布图', '网格综合评价等级分布图'];

describe('each kind', () => {
  for (const kind of Object.keys(SECTIONS)) {
    test(`${kind}: made, listed, downloaded as HTML with every section`, async () => {
      const period = { inspection: day, bulletin: day, weekly: week, monthly: month }[kind];
      const r = await make('admin', { kind, period });
      assert.equal(r.kind, kind);
      assert.equal(r.period, period);
      assert.equal(r.version, 1);
      assert.equal(r.area, '');
      assert.equal(r.status, kind === 'weekly' || kind === 'monthly' ? 'draft' : 'published');
      const f = await file('admin', r.id);
      assert.equal(f.status, 200, f.text);
      assert.match(f.headers.get('content-type'), /^text\/html; charset=utf-8/);
      for (const s of SECTIONS[kind]) assert.ok(f.text.includes(`<h2>${s}</h2>`), `${kind}: ${s}`);
      assert.ok(!/<script/i.test(f.text));
      assert.ok(f.text.includes(`〔${new Date().getUTCFullYear()}〕${r.number}号`) || kind === 'inspection');
      if (kind !== 'inspection') assert.ok(f.text.includes('class="office"'));
      if (kind === 'weekly') assert.ok(f.text.includes('<rect'), 'the categories\' bars');
      if (kind === 'monthly') {
        assert.ok(f.text.includes('<polyline'), 'the trend');
        assert.ok(f.text.includes('<polygon'), 'the map');
        // The streets' map, then the grids', each titled and captioned.
        const street = f.text.indexOf('<figcaption>街道综合评价等级分布图</figcaption>');
        const grid = f.text.indexOf('<figcaption>网格综合评价等级分布图</figcaption>');
        assert.ok(street > 0 && grid > street, 'the two maps in order');
        assert.ok(f.text.includes('<title>街道综合评价等级分布图</title>'));
      }
      const list = await api('admin').get(`/api/v1/reports?kind=${kind}&period=${period}`);
      assert.equal(list.status, 200);
      assert.ok(list.json.reports.some((x) => x.id === r.id));
      const meta = await api('admin').get(`/api/v1/reports/${r.id}`);
      assert.equal(meta.json.number, r.number);
    });
  }

  test('the bulletin\'s overview holds the day\'s numbers of the assessment API', async () => {
    const hours = await api('admin').get(`/api/v1/assessment/hours?day=${day}`);
    assert.equal(hours.status, 200, hours.text);
    const t = hours.json.totals;
    const r = await make('admin', { kind: 'bulletin', period: day });
    const f = await file('admin', r.id);
    assert.ok(f.text.includes(`新上报问题${t.reported}件，立案${t.filed}件，派遣${t.dispatched}件，`
      + `结案${t.closed}件，超时未处置${t.overdue}件`), f.text.slice(0, 3000));
  });
});

// What the HTML of a report holds, counted from its markup: charts and
// maps are inline SVG (a map draws polygons), photos <img>, tables
// <table>; and its title.
function htmlParts(html) {
  const svgs = html.split('<svg').slice(1).map((x) => x.slice(0, x.indexOf('</svg>')));
  return {
    title: /<h1 class="title">([^<]*)/.exec(html)[1],
    maps: svgs.filter((x) => x.includes('<polygon')).length,
    charts: svgs.filter((x) => !x.includes('<polygon')).length,
    photos: (html.match(/<img /g) ?? []).length,
    tables: (html.match(/<table/g) ?? []).length,
  };
}

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

describe('each kind in each format', () => {
  // The day the demo's photos were taken (its last days have them), so
  // the inspection shows photos; its week and month.
  let photoDay;
  before(() => {
    photoDay = sql(ws.db, `SELECT date(c.created_at + 8 * 3600, 'unixepoch') d FROM attachment a
      JOIN case_file c ON c.id = a.case_id GROUP BY d ORDER BY COUNT(*) DESC, d LIMIT 1`);
  });
  const periodOf = (kind) => {
    if (kind === 'monthly') return photoDay.slice(0, 7);
    if (kind !== 'weekly') return photoDay;
    const t = new Date(`${photoDay}T00:00:00Z`);
    t.setUTCDate(t.getUTCDate() + 3 - ((t.getUTCDay() + 6) % 7)); // its Thursday
    const y = t.getUTCFullYear();
    return `${y}-W${String(1 + Math.floor((t - Date.UTC(y, 0, 1)) / (7 * 86400e3))).padStart(2, '0')}`;
  };

  for (const kind of Object.keys(SECTIONS)) {
    test(`${kind}: the XLSX and the PDF hold what the HTML holds`, async () => {
      const r = await make('admin', { kind, period: periodOf(kind) });
      const html = await file('admin', r.id, 'html');
      assert.equal(html.status, 200);
      const want = htmlParts(html.text);
      if (kind === 'inspection') assert.ok(want.photos > 0, 'the inspection of the photos\' day shows photos');
      if (kind === 'weekly') assert.ok(want.charts > 0, 'the categories\' chart');
      if (kind === 'monthly') assert.ok(want.charts > 0 && want.maps === 2, 'the trend and the two maps');

      // The workbook: a summary with the title, a sheet per table with a
      // frozen bold header row, typed numbers in their formats, a native
      // chart per chart, the map as a PNG, the photos as JPEG.
      const xlsx = await file('admin', r.id, 'xlsx');
      assert.equal(xlsx.status, 200);
      const path = join(ws.dir, `report-${r.id}.xlsx`);
      writeFileSync(path, xlsx.bytes);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(path);
      const sheets = wb.worksheets;
      assert.equal(sheets[0].name, '概要');
      assert.equal(sheets[0].getCell('A1').value, want.title);
      const tables = sheets.filter((w) => !['概要', '图表', '地图', '照片'].includes(w.name));
      assert.equal(tables.length, want.tables, sheets.map((w) => w.name).join());
      const formats = new Set();
      for (const w of tables) {
        assert.equal(w.views[0]?.state, 'frozen', w.name);
        assert.equal(w.views[0].ySplit, 1, w.name);
        assert.equal(w.getCell('A1').font?.bold, true, w.name);
        w.eachRow((row, n) => {
          if (n > 1) row.eachCell((c) => { if (typeof c.value === 'number') formats.add(c.numFmt); });
        });
      }
      assert.ok(formats.has('#,##0'), [...formats].join());
      // The reviews' assessment tables: scores (0.0) and rates (0.0%).
      if (kind === 'weekly' || kind === 'monthly') {
        assert.ok(formats.has('0.0%') && formats.has('0.0'), [...formats].join());
      }
      const parts = run('unzip', ['-l', path]);
      assert.equal((parts.match(/xl\/charts\/chart\d+\.xml/g) ?? []).length, want.charts, parts);
      assert.equal((parts.match(/xl\/media\/image\d+\.png/g) ?? []).length, want.maps, parts);
      assert.equal((parts.match(/xl\/media\/image\d+\.jpeg/g) ?? []).length, want.photos, parts);
      assert.equal(sheets.some((w) => w.name === '照片'), want.photos > 0);

      // The PDF: A4, the CJK title and every section heading in its text,
      // one embedded image per chart, map and photo (photos as JPEG).
      const pdf = await file('admin', r.id, 'pdf');
      assert.equal(pdf.status, 200);
      const pdfPath = join(ws.dir, `report-${r.id}.pdf`);
      writeFileSync(pdfPath, pdf.bytes);
      assert.match(run('pdfinfo', [pdfPath]), /A4/);
      const text = run('pdftotext', [pdfPath, '-']).replace(/\s+/g, '');
      assert.ok(text.includes(want.title.replace(/\s+/g, '')), `title ${want.title}`);
      for (const h of SECTIONS[kind]) assert.ok(text.includes(h), `${kind}: ${h}`);
      if (kind === 'monthly') {
        for (const t of MAPS) assert.ok(text.includes(t), `the PDF's map ${t}`);
        // The workbook's summary lists both maps; its map sheet titles them.
        const said = [];
        sheets[0].eachRow((row) => row.eachCell((c) => said.push(String(c.value))));
        for (const t of MAPS) assert.ok(said.some((v) => v.includes(t)), `the summary's map ${t}`);
        const mapSheet = sheets.find((w) => w.name === '地图');
        const titles = [];
        mapSheet.eachRow((row) => row.eachCell((c) => titles.push(String(c.value))));
        assert.deepEqual(titles.filter((v) => MAPS.includes(v)), MAPS);
      }
      if (kind !== 'inspection') assert.ok(text.includes(`〔${r.year}〕${r.number}号`), 'the document number');
      const images = run('pdfimages', ['-list', pdfPath]).split('\n').slice(2).filter((l) => /\bimage\b/.test(l));
      assert.equal(images.length, want.charts + want.maps + want.photos);
      assert.equal(images.filter((l) => /\bjpeg\b/.test(l)).length, want.photos);
    });
  }

  test('the CLI\'s inspection of a day with tracks counts the same coverage as the server\'s', async () => {
    const section = (html) => {
      const from = html.indexOf('<h2>五、监督员巡查覆盖</h2>');
      assert.ok(from >= 0, 'the coverage section');
      return html.slice(from, html.indexOf('<h2>', from + 4));
    };
    // The day the demo's inspectors walked most.
    const walked = sql(ws.db, `SELECT date(t + 8 * 3600, 'unixepoch') d FROM patrol_point
      GROUP BY d ORDER BY COUNT(*) DESC, d LIMIT 1`);
    assert.match(walked, /^\d{4}-\d\d-\d\d$/, 'the demo walked');
    const r = await make('admin', { kind: 'inspection', period: walked });
    const served = section((await file('admin', r.id, 'html')).text);
    // Distances walked (the grids visited depend on the hour the demo
    // was made: its beats start on the day it is made, its walk may be
    // the day before's).
    assert.match(served, /<td class="n">[1-9][\d.]*<\/td>/, 'kilometres walked');
    const out = join(ws.dir, 'inspection.html');
    ugOk(['report', 'inspection', '--period', walked, '--db', ws.db, '-o', out]);
    assert.equal(section(readFileSync(out, 'utf8')), served);
    // and the PDF and the workbook of it
    for (const [f, magic] of [['pdf', '%PDF-'], ['xlsx', 'PK\x03\x04']]) {
      ugOk(['report', 'inspection', '--period', walked, '--format', f, '--db', ws.db, '-o', `${out}.${f}`]);
      assert.equal(readFileSync(`${out}.${f}`).subarray(0, magic.length).toString('latin1'), magic);
    }
    assert.equal(readFileSync(`${out}.pdf`).subarray(0, 5).toString('latin1'), '%PDF-');
  });
});

describe('input', () => {
  test('400s name kind, period and format', async () => {
    assertError(await api('admin').post('/api/v1/reports', { kind: 'daily', period: day }), 400, 'invalid', 'kind');
    assertError(await api('admin').post('/api/v1/reports', { kind: 'weekly', period: month }), 400, 'invalid', 'period');
    assertError(await api('admin').post('/api/v1/reports', { kind: 'monthly', period: week }), 400, 'invalid', 'period');
    assertError(await api('admin').post('/api/v1/reports', { kind: 'bulletin', period: '2026-02-30' }), 400, 'invalid', 'period');
    assertError(await api('admin').post('/api/v1/reports', { kind: 'bulletin' }), 400, 'invalid', 'period');
    assertError(await api('admin').post('/api/v1/reports', { kind: 'bulletin', period: day, area: 'x1' }), 400, 'invalid', 'area');
    assertError(await api('admin').get('/api/v1/reports?kind=daily'), 400, 'invalid', 'kind');
    assertError(await api('admin').get('/api/v1/reports?period=2026-13'), 400, 'invalid', 'period');
    const r = await make('admin', { kind: 'inspection', period: day });
    assertError(await file('admin', r.id, 'docx'), 400, 'invalid', 'format');
    // xlsx and pdf are files of their formats (tests/http/render.test.mjs
    // reads the renderers' files back in detail)
    for (const [f, magic, type] of [['xlsx', 'PK\x03\x04', /spreadsheetml/], ['pdf', '%PDF-', /application\/pdf/]]) {
      const res = await file('admin', r.id, f);
      assert.equal(res.status, 200, res.text.slice(0, 200));
      assert.match(res.headers.get('content-type'), type);
      assert.equal(res.bytes.subarray(0, magic.length).toString('latin1'), magic);
    }
    assertError(await api('admin').get('/api/v1/reports/999999'), 404, 'not_found', 'id');
  });
});

describe('scope', () => {
  test('a street\'s staff see their street\'s reports alone', async () => {
    const a = await make('leader_a', { kind: 'bulletin', period: day });
    assert.equal(a.area, STREET_A, 'a street leader\'s report covers its street');
    const b = await make('admin', { kind: 'bulletin', period: day, area: STREET_B });
    const city = await make('admin', { kind: 'bulletin', period: day });
    const seen = (await api('insp_b').get('/api/v1/reports?kind=bulletin')).json.reports.map((r) => r.id);
    assert.ok(seen.includes(b.id));
    assert.ok(!seen.includes(a.id));
    assert.ok(!seen.includes(city.id), 'the city\'s report holds other streets');
    assertError(await api('insp_b').get(`/api/v1/reports/${a.id}`), 404, 'not_found', 'id');
    assertError(await file('insp_b', city.id), 404, 'not_found', 'id');
    assert.equal((await file('insp_b', b.id)).status, 200);
    // Its street's report names its street, not the other.
    const fa = await file('leader_a', a.id);
    assert.ok(fa.text.includes('<td>东华门街道</td>'), 'street A\'s row');
    assert.ok(!fa.text.includes('<td>景山街道</td>'), 'no row of street B');
    // Another street's area answers as not there; a department makes none.
    assertError(await api('leader_a').post('/api/v1/reports', { kind: 'bulletin', period: day, area: STREET_B }),
      404, 'not_found', 'area');
    assert.equal((await api('inspector').post('/api/v1/reports', { kind: 'bulletin', period: day })).status, 403);
  });
});

describe('versions, commentary and publication', () => {
  test('a regenerated report is a new version with the same number; the old is kept', async () => {
    const v1 = await make('admin', { kind: 'weekly', period: week, area: STREET_B });
    const v2 = await make('admin', { kind: 'weekly', period: week, area: STREET_B });
    assert.equal(v2.version, v1.version + 1);
    assert.equal(v2.number, v1.number);
    assert.notEqual(v2.id, v1.id);
    assert.equal((await file('admin', v1.id)).status, 200);
    const list = (await api('admin').get(`/api/v1/reports?kind=weekly&period=${week}`)).json.reports;
    assert.ok(list.some((r) => r.id === v1.id) && list.some((r) => r.id === v2.id));
    // Another report of the kind takes the next number.
    const other = await make('admin', { kind: 'weekly', period: week, area: STREET_A });
    assert.equal(other.number, v1.number + 1);
  });

  test('a leader comments a weekly draft, publishes it, and it is fixed then', async () => {
    const r = await make('leader', { kind: 'weekly', period: week });
    const words = '本周处置及时，<请>各街道继续保持。';
    assertError(await api('shift_leader').request('PATCH', `/api/v1/reports/${r.id}`, { body: { commentary: 'x' } }),
      403, 'forbidden');
    let p = await api('leader').request('PATCH', `/api/v1/reports/${r.id}`, { body: { commentary: words } });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.commentary, words);
    assert.equal(p.json.status, 'draft');
    const f = await file('leader', r.id);
    assert.ok(f.text.includes('本周处置及时，&lt;请&gt;各街道继续保持。'));
    assert.ok(!f.text.includes('待领导填写'));
    p = await api('leader').request('PATCH', `/api/v1/reports/${r.id}`, { body: { publish: true } });
    assert.equal(p.json.status, 'published');
    assert.equal(p.json.published_by, 'leader');
    assertError(await api('leader').request('PATCH', `/api/v1/reports/${r.id}`, { body: { commentary: '改' } }),
      409, 'conflict', 'status');
    assertError(await api('leader').request('PATCH', `/api/v1/reports/${r.id}`, { body: {} }),
      400, 'invalid', 'body');
    // A daily report has no commentary.
    const b = await make('leader', { kind: 'bulletin', period: day });
    assert.equal(b.status, 'published');
    const audit = sql(ws.db, "SELECT COUNT(*) FROM audit_event WHERE action IN ('report.edit', 'report.publish')");
    assert.equal(Number(audit), 2);
    // A new version of the published one starts as a draft with its words.
    const again = await make('leader', { kind: 'weekly', period: week });
    assert.equal(again.status, 'draft');
    assert.equal(again.commentary, words);
  });
});

test('the settings: read by the staff, changed by the admin, used by the next report', async () => {
  const put = (who, body) => api(who).request('PUT', '/api/v1/reports/settings', { body });
  assertError(await put('leader', { prefix: '京城管' }), 403, 'forbidden');
  assertError(await put('admin', { at: '8:30' }), 400, 'invalid', 'at');
  assertError(await put('admin', { kinds: 'daily' }), 400, 'invalid', 'kinds');
  assertError(await put('admin', { office: '' }), 400, 'invalid', 'office');
  const r = await put('admin', { prefix: '京城管', copy_to: '市城市管理委员会' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.prefix, '京城管');
  assert.equal(r.json.at, '08:30');
  const got = await api('inspector').get('/api/v1/reports/settings');
  assert.deepEqual(got.json, r.json);
  const made = await make('admin', { kind: 'monthly', period: month, area: STREET_A });
  const f = await file('admin', made.id);
  assert.ok(f.text.includes(`京城管〔${new Date().getUTCFullYear()}〕${made.number}号`));
  assert.ok(f.text.includes('抄送：市城市管理委员会'));
});

test('the CLI writes the page, the workbook and the PDF', () => {
  const out = join(ws.dir, 'bulletin.html');
  ugOk(['report', 'bulletin', '--period', day, '--db', ws.db, '-o', out]);
  const text = readFileSync(out, 'utf8');
  for (const s of SECTIONS.bulletin) assert.ok(text.includes(`<h2>${s}</h2>`), s);
  for (const [f, magic] of [['xlsx', 'PK\x03\x04'], ['pdf', '%PDF-']]) {
    ugOk(['report', 'bulletin', '--period', day, '--format', f, '--db', ws.db, '-o', `${out}.${f}`]);
    assert.equal(readFileSync(`${out}.${f}`).subarray(0, magic.length).toString('latin1'), magic);
  }
  const bad = ug(['report', 'weekly', '--period', day, '--db', ws.db, '-o', out]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /ISO week/);
});

// Two servers on one database, each firing the schedule at start as if at
// 08:31 on Monday 2 November 2026 (serve --report-schedule-at) - a
// working day, the first of its week and of its month: the daily kinds of
// every day since Friday's run (Friday, Saturday, Sunday), the weekly and
// the monthly, each made exactly once, and listed by GET /api/v1/reports
// as scheduled.
describe('the schedule', () => {
  const ws2 = workspace();
  const pair = serverSet(ws2);
  after(() => pair.close());

  test('two servers, one tick each: every due report made once', async () => {
    emptyDemoDb(ws2);
    ugOk(['report', 'settings', '--db', ws2.db, '--at', '08:30']);
    const admin = createToken(ws2.db, 'admin');
    const flags = ['--report-schedule-at', '2026-11-02T08:31:00+08:00'];
    const [one] = await Promise.all([pair.start(flags), pair.start(flags)]);
    const count = () => Number(sql(ws2.db, 'SELECT COUNT(*) FROM report WHERE scheduled = 1'));
    for (let i = 0; i < 100 && count() < 8; i++) await sleep(100);
    await sleep(1500); // the slower server's tick, long done
    const rows = sql(ws2.db, "SELECT kind || ' ' || period || ' ' || version FROM report ORDER BY kind, period")
      .split('\n');
    const want = ['bulletin 2026-10-30 1', 'bulletin 2026-10-31 1', 'bulletin 2026-11-01 1',
      'inspection 2026-10-30 1', 'inspection 2026-10-31 1', 'inspection 2026-11-01 1',
      'monthly 2026-10 1', 'weekly 2026-W44 1'];
    assert.deepEqual(rows, want);
    assert.equal(Number(sql(ws2.db, 'SELECT COUNT(*) FROM report_lease WHERE done = 1')), 8);
    const r = await new Client(one, { bearer: admin }).get('/api/v1/reports');
    assert.equal(r.status, 200, r.text);
    const listed = r.json.reports.filter((x) => x.scheduled)
      .map((x) => `${x.kind} ${x.period} ${x.version}`).sort();
    assert.deepEqual(listed, want);
    for (const x of r.json.reports) assert.equal(x.created_by, 'schedule');
  });
});

// render.test.mjs - the XLSX and PDF renderers (src/doc/xlsx.c, pdf.c)
// read back by independent readers: build/tests/doc_sample (beside
// $UG_BIN) writes the sample report of tests/doc/sample.h; exceljs reads
// the workbook (sheets, frozen header rows, number formats, typed values,
// empty cells), the zip's part names show the native charts and pictures;
// poppler's pdftotext finds the CJK title, every heading and the table
// header repeated on the pages a table runs onto, and pdfimages counts one
// embedded image per chart, map and photo that decodes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import ExcelJS from 'exceljs';
import { BIN } from './lib/server.mjs';

const SAMPLE = join(dirname(BIN), 'tests/doc_sample');
let dir;
let counts;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ug-render-'));
  const r = spawnSync(SAMPLE, [dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${SAMPLE}: ${r.stderr}`);
  counts = JSON.parse(r.stdout);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

const KINDS = ['巡查员', '受理员', '值班长', '派遣员', '部门', '网格', '社区', '街道', '区'];
const HEADINGS = ['一、总体情况', '二、各类评价结果', '三、近期趋势', '四、典型问题',
  '1. 典型问题照片', '五、下一步工作', ...KINDS.map((k) => `${k}综合评价`)];

test('XLSX: a summary, then one sheet per table with typed, formatted cells and a frozen header', async () => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(join(dir, 'sample.xlsx'));
  const names = wb.worksheets.map((w) => w.name);
  assert.deepEqual(names, ['概要', ...KINDS, '地图', '照片']);

  const summary = wb.getWorksheet('概要');
  assert.equal(summary.getCell('A1').value, '关于2026年11月城市管理综合评价情况的通报');
  const lines = [];
  summary.eachRow((row) => lines.push(String(row.getCell(1).value)));
  for (const h of ['一、总体情况', '二、各类评价结果', '五、下一步工作']) assert.ok(lines.includes(h), h);
  assert.ok(lines.indexOf('一、总体情况') < lines.indexOf('五、下一步工作'));
  assert.ok(lines.some((l) => l.includes('城管督〔2026〕15号')));

  const grids = wb.getWorksheet('网格');
  assert.equal(grids.views[0].state, 'frozen');
  assert.equal(grids.views[0].ySplit, 1);
  assert.deepEqual(grids.getRow(1).values.slice(1),
    ['排名', '网格编码', '立案数', '按期处置率', '综合指数', '等级']);
  assert.equal(grids.getCell('A1').font.bold, true);
  assert.equal(grids.getCell('A1').border.bottom.style, 'thin');
  assert.equal(grids.rowCount, 1 + counts.grids);
  const r2 = grids.getRow(2);
  assert.equal(r2.getCell(1).value, 1);
  assert.equal(r2.getCell(2).value, '网格0001');
  assert.equal(typeof r2.getCell(3).value, 'number');
  assert.equal(r2.getCell(3).numFmt, '#,##0');
  assert.equal(r2.getCell(4).numFmt, '0.0%');
  assert.ok(r2.getCell(4).value >= 0 && r2.getCell(4).value <= 1);
  assert.equal(r2.getCell(5).numFmt, '0.0');
  assert.equal(r2.getCell(5).value, 98);
  // row index 3 of each table has no rate: the cell is empty, not "—" or 0
  assert.equal(grids.getRow(5).getCell(4).value, null);
  // printed on A4, a page wide, the header row on every page, the caption on top
  assert.equal(grids.pageSetup.paperSize, 9);
  assert.equal(grids.pageSetup.fitToWidth, 1);
  assert.equal(grids.pageSetup.printTitlesRow, '1:1');
  assert.equal(grids.headerFooter.oddHeader, '&C表6 网格综合评价排名');
  // CJK headers get room: wider than their character count
  assert.ok(grids.getColumn(4).width >= 10, `width ${grids.getColumn(4).width}`);

  // the charts' data are cells their series name
  const streets = wb.getWorksheet('街道');
  const side = streets.getRow(1).values;
  assert.ok(side.includes('立案数') && side.includes('件'), JSON.stringify(side));
});

test('XLSX: native charts, the map and the photos are parts of the zip', () => {
  const zip = readFileSync(join(dir, 'sample.xlsx'));
  assert.equal(zip.subarray(0, 4).toString('binary'), 'PK\x03\x04');
  const z = zip.toString('latin1');
  assert.ok(z.includes('xl/charts/chart1.xml'), 'chart 1');
  assert.ok(z.includes('xl/charts/chart2.xml'), 'chart 2');
  assert.ok(!z.includes('xl/charts/chart3.xml'), 'two charts only');
  // the map (PNG) and the photos that decode (JPEG)
  assert.ok(z.includes('xl/media/image1.png'), 'map');
  const jpegs = (z.match(/xl\/media\/image\d+\.jpeg/g) ?? []);
  assert.equal(new Set(jpegs).size, counts.photos);
  const list = run('unzip', ['-p', join(dir, 'sample.xlsx'), 'xl/charts/chart1.xml']);
  assert.match(list, /<c:barChart>/);
  assert.match(list, /街道'?!\$[A-Z]+\$2:\$[A-Z]+\$18/);
  const line = run('unzip', ['-p', join(dir, 'sample.xlsx'), 'xl/charts/chart2.xml']);
  assert.match(line, /<c:lineChart>/);
});

test('XLSX: the photo that does not decode leaves a placeholder', async () => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(join(dir, 'sample.xlsx'));
  const texts = [];
  wb.getWorksheet('照片').eachRow((row) => texts.push(String(row.getCell(1).value)));
  assert.ok(texts.some((t) => t.includes('照片无法显示') && t.includes('损坏的照片')), texts.join('|'));
});

for (const [file, official] of [['sample.pdf', true], ['plain.pdf', false]]) {
  test(`PDF (${official ? 'official' : 'plain'}): the CJK title, every heading, repeated table headers`, () => {
    const path = join(dir, file);
    assert.equal(readFileSync(path).subarray(0, 5).toString(), '%PDF-');
    const info = run('pdfinfo', [path]);
    assert.match(info, /Page size:\s+595\.276 x 841\.89 pts \(A4\)/);
    const pages = Number(info.match(/Pages:\s+(\d+)/)[1]);
    assert.ok(pages >= 4, `${pages} pages`);
    const text = run('pdftotext', ['-layout', path, '-']);
    const flat = text.replace(/\s+/g, '');
    assert.ok(flat.includes('关于2026年11月城市管理综合评价情况的通报'), 'title');
    for (const h of HEADINGS) assert.ok(flat.includes(h.replace(/\s+/g, '')), h);
    if (official) {
      assert.ok(flat.includes('某某市城市管理监督指挥中心'), 'office');
      assert.ok(flat.includes('城管督〔2026〕15号'), 'number');
      assert.ok(flat.includes('抄送：市政府办公室，市城市管理委员会'), '版记');
      assert.match(text, /—\s*1\s*—/);
    }
    // the grid table runs over pages: its header on each of them
    const byPage = text.split('\f');
    const withHeader = byPage.filter((p) => p.replace(/\s+/g, '').includes('排名网格编码立案数'));
    assert.ok(withHeader.length >= 2, `grid header on ${withHeader.length} pages`);
    const lastRow = byPage.findIndex((p) => p.includes(`网格${String(counts.grids).padStart(4, '0')}`));
    const firstRow = byPage.findIndex((p) => p.includes('网格0001'));
    assert.ok(lastRow > firstRow, 'the table spans pages');
    for (let i = firstRow; i <= lastRow; i++) {
      assert.ok(byPage[i].replace(/\s+/g, '').includes('排名网格编码'), `header on page ${i + 1}`);
    }
    assert.ok(flat.includes('照片无法显示'), 'placeholder for the bad photo');
    // numbers as doc_format_cell writes them
    assert.match(text, /\d,\d{3}/);
    assert.match(text, /\d+\.\d%/);
  });

  test(`PDF (${official ? 'official' : 'plain'}): one embedded image per chart, map and photo`, () => {
    const list = run('pdfimages', ['-list', join(dir, file)]);
    const rows = list.split('\n').slice(2).filter((l) => l.trim());
    const images = rows.filter((l) => /\bimage\b/.test(l));
    assert.equal(images.length, counts.charts + counts.maps + counts.photos, list);
    assert.equal(rows.filter((l) => /\bsmask\b/.test(l)).length, 0, 'no soft masks');
    assert.equal(images.filter((l) => /\bjpeg\b/.test(l)).length, counts.photos, 'photos as JPEG');
  });
}

test('an odd document (control characters, bytes not UTF-8, 60 KB cells, empty charts and maps) reads back', async () => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(join(dir, 'odd.xlsx'));
  // English words; a table name of refused characters only becomes "_"s
  assert.deepEqual(wb.worksheets.map((w) => w.name), ['Summary', '_______', 'Map']);
  const title = String(wb.getWorksheet('Summary').getCell('A1').value);
  assert.equal(title, 'Tab\there, bell , bad \uFFFD\uFFFD UTF-8');
  const sheet = wb.getWorksheet('_______');
  assert.equal(sheet.getCell('A1').value, ' ctl \uFFFD');
  // cut to Excel's 32,767 characters, the last one an ellipsis
  const long = String(sheet.getCell('A2').value);
  assert.equal(long.length, 32767);
  assert.ok(long.startsWith('长文本 long text 长文本') && long.endsWith('…'), long.slice(-20));
  assert.equal(sheet.getCell('B2').value, -12.5);
  const text = run('pdftotext', [join(dir, 'odd.pdf'), '-']);
  assert.match(text.replace(/\s+/g, ' '), /Tab here, bell , bad \uFFFD\uFFFD UTF-8/);
  assert.match(text, /Copy to: x/);
  // the two maps and the chart below zero are pictures; the empty chart is none
  const images = run('pdfimages', ['-list', join(dir, 'odd.pdf')]).split('\n').slice(2).filter((l) => /\bimage\b/.test(l));
  assert.equal(images.length, 4);
});

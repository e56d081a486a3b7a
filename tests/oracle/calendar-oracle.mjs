// calendar-oracle.mjs - what an independent implementation of the Chinese
// calendar (npm lunar-javascript, astronomical, after 寿星万年历) says of
// the lunar months and the solar terms of 1901-2099, written as CSV for
// the unit tests to compare our own computation with (tests/unit/
// test_lunar.c, test_solarterm.c).  Generated at test time, never
// committed: the oracle is the package, not a file we could edit.
//
//   node tests/oracle/calendar-oracle.mjs OUTDIR
//
// OUTDIR/lunar-months.csv  lunar_year,month,leap,first_day,days
// OUTDIR/solar-terms.csv   year,term,local_time   (Beijing time, term 0 =
//                          小寒, the order of domain/calendar/solarterm.h)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Lunar, LunarYear, Solar } = require('lunar-javascript');

const FIRST = 1901;
const LAST = 2099;
const TERMS = ['小寒', '大寒', '立春', '雨水', '惊蛰', '春分', '清明', '谷雨',
  '立夏', '小满', '芒种', '夏至', '小暑', '大暑', '立秋', '处暑',
  '白露', '秋分', '寒露', '霜降', '立冬', '小雪', '大雪', '冬至'];

const out = process.argv[2];
if (!out) {
  console.error('usage: node tests/oracle/calendar-oracle.mjs OUTDIR');
  process.exit(2);
}
mkdirSync(out, { recursive: true });

const months = ['lunar_year,month,leap,first_day,days'];
for (let y = FIRST; y <= LAST; y++) {
  const ly = LunarYear.fromYear(y);
  const leap = ly.getLeapMonth();
  for (let m = 1; m <= 12; m++) {
    for (const isLeap of m === leap ? [0, 1] : [0]) {
      const lm = ly.getMonth(isLeap ? -m : m);
      const first = Solar.fromJulianDay(lm.getFirstJulianDay()).toYmd();
      months.push(`${y},${m},${isLeap},${first},${lm.getDayCount()}`);
    }
  }
}
writeFileSync(join(out, 'lunar-months.csv'), `${months.join('\n')}\n`);

// The terms of Gregorian year y: 小寒 ... 大雪 are in lunar year y's table,
// that year's 冬至 (December) is the one in lunar year y + 1's table.
const terms = ['year,term,local_time'];
for (let y = FIRST; y <= LAST; y++) {
  const table = Lunar.fromYmd(y, 6, 1).getJieQiTable();
  const next = Lunar.fromYmd(y + 1, 6, 1).getJieQiTable();
  TERMS.forEach((name, k) => {
    const s = k === 23 ? next[name] : table[name];
    if (s.getYear() !== y) throw new Error(`${name} of ${y} falls in ${s.toYmd()}`);
    terms.push(`${y},${k},${s.toYmdHms()}`);
  });
}
writeFileSync(join(out, 'solar-terms.csv'), `${terms.join('\n')}\n`);

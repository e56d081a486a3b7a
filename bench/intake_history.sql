-- intake_history.sql - a city's closed history under bench/intake.sh
-- (HISTORY=N): N closed cases over the two years before the run, with
-- points in the box bench/intake.lua reports in, half of them in its six
-- categories and half in twenty others.  Run by the sqlite3 shell on a
-- demo database after `.parameter set @n N`.  Deterministic (no random()).
CREATE TEMP TABLE cats (k INTEGER PRIMARY KEY, code TEXT, sid INTEGER);
INSERT INTO cats (k, code, sid)
SELECT row_number() OVER (ORDER BY code) - 1, code,
  (SELECT MAX(s.id) FROM case_standard s WHERE s.category = c.code)
FROM (SELECT code FROM category WHERE code IN
  ('06010', '09006', '06036', '09009', '07001', '09005')) c;
INSERT INTO cats (k, code, sid)
SELECT 5 + row_number() OVER (ORDER BY code), code,
  (SELECT MAX(s.id) FROM case_standard s WHERE s.category = c.code)
FROM (SELECT code FROM category WHERE code IN (SELECT category FROM case_standard)
  AND code NOT IN ('06010', '09006', '06036', '09009', '07001', '09005')
  ORDER BY code LIMIT 20) c;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @n),
k(i, cat) AS (SELECT i, CASE WHEN i % 2 = 0 THEN (i / 2) % 6 ELSE 6 + (i / 2) % 20 END FROM n)
INSERT INTO case_file (number, version, state, source, category, standard_id,
  urgency, priority, description, address, lon, lat, area, street, district,
  rework_count, created_by, created_at, updated_at, closed_at)
SELECT printf('20%011d', i), 5, 'closed', 'inspector',
  (SELECT code FROM cats WHERE cats.k = k.cat), (SELECT sid FROM cats WHERE cats.k = k.cat),
  'normal', 0, printf('历史案件 %d', i), '',
  116.390 + ((i * 7919) % 100003) / 100003.0 * 0.05,
  39.865 + ((i * 104729) % 99991) / 99991.0 * 0.10,
  '110101001', '110101001', '110101', 0, 'history',
  strftime('%s', 'now') - 2 * 365 * 86400 + i * (2 * 365 * 86400 / @n),
  strftime('%s', 'now') - 2 * 365 * 86400 + i * (2 * 365 * 86400 / @n) + 86400,
  strftime('%s', 'now') - 2 * 365 * 86400 + i * (2 * 365 * 86400 / @n) + 86400
FROM k;
ANALYZE;

-- console_data.sql - the load of bench/console.sh: 100,000 closed cases
-- and 10,000 open ones (2,000 of them waiting for dispatch: filed or
-- returned) spread over the demo district's streets, 12 categories and
-- about a year, with deadlines, yellow points and stages as the case
-- module sets them.  Run on a demo database (schema 10 or later).
-- Deterministic: the same rows every time (no random()).
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 110000),
streets(k, code) AS (SELECT row_number() OVER (ORDER BY code) - 1, code
  FROM division WHERE level = 'street' AND code LIKE '110101%'),
cats(k, code) AS (SELECT row_number() OVER (ORDER BY code) - 1, code FROM
  (SELECT code FROM category WHERE code IN (SELECT category FROM case_standard)
   ORDER BY code LIMIT 12 OFFSET 100))
INSERT INTO case_file (number, version, state, source, category, standard_id, urgency,
  priority, description, address, area, street, district, department, stage,
  stage_started_at, deadline, warn_at, rework_count, created_by, created_at, updated_at,
  closed_at, clock)
SELECT printf('2025%09d', i), 3,
  CASE WHEN i <= 100000 THEN 'closed'
       WHEN i <= 101000 THEN 'filed' WHEN i <= 102000 THEN 'returned'
       WHEN i <= 106000 THEN 'dispatched' WHEN i <= 108000 THEN 'reported'
       ELSE 'handled' END,
  CASE i % 4 WHEN 0 THEN 'inspector' WHEN 1 THEN 'hotline' WHEN 2 THEN 'public' ELSE 'media' END,
  (SELECT code FROM cats WHERE k = i % 12),
  (SELECT MAX(s.id) FROM case_standard s WHERE s.category = (SELECT code FROM cats WHERE k = i % 12)),
  'normal', 0,
  printf('压测案件 %d：路边有暴露垃圾，请尽快处理', i), printf('测试路 %d 号', i % 500),
  (SELECT code FROM streets WHERE k = i % (SELECT COUNT(*) FROM streets)),
  (SELECT code FROM streets WHERE k = i % (SELECT COUNT(*) FROM streets)), '110101',
  CASE WHEN i > 102000 AND i <= 106000 THEN '110101-HW' END,
  CASE WHEN i <= 100000 THEN NULL WHEN i <= 102000 THEN 'dispatch'
       WHEN i <= 106000 THEN 'handle' WHEN i <= 108000 THEN 'file' ELSE 'check' END,
  CASE WHEN i > 100000 THEN 1796000000 - (i % 5000) * 60 END,
  CASE WHEN i > 100000 THEN 1796000000 - (i % 5000) * 60 + 14400 + (i % 97) * 600 END,
  CASE WHEN i > 100000 THEN 1796000000 - (i % 5000) * 60 + 11520 + (i % 97) * 480 END,
  0, 'bench', 1764500000 + i * 280, 1764500000 + i * 280,
  CASE WHEN i <= 100000 THEN 1764500000 + i * 280 + 86400 END,
  CASE WHEN i > 100000 THEN 'working' END
FROM n;
ANALYZE;

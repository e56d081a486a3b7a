-- import_floor.sql - bench/import.sh's second peer: SQLite itself writing
-- the rows `urbangrid import cases` writes for a source row - the case
-- and its four or five history lines (report, file, dispatch when it has
-- an agency, handle and close when closed) - into our own schema, fed
-- from the plain table sqlite3 .import made of the same file (attached
-- as src).  Nothing is checked, mapped or located (every case on one
-- grid, one category), no counters are kept, the lines are made by
-- INSERT ... SELECT inside the engine: the least this schema's rows
-- cost, the way our import writes them: bench/import.sh runs these in one
-- transaction, between dropping the indexes that are not unique and
-- building them again, as src/store/cases/cases.c does.
INSERT INTO case_file (number, version, state, source, category, standard_id, urgency,
  description, address, lon, lat, grid, community, street, district, area, department,
  created_by, created_at, updated_at, closed_at, source_ref)
SELECT printf('%08d%05d', 20210101 + rowid / 100000, rowid % 100000), 4, CASE status WHEN 'closed' THEN 'closed' ELSE 'dispatched' END,
  'public', '01001', 1, 'normal', description, address, lon, lat, '110101001001001', '110101001001',
  '110101001', '110101', '110101001001001', CASE WHEN department <> '' THEN '110101-FG' END, 'import', unixepoch(requested), unixepoch(updated),
  unixepoch(closed), number
FROM src.plain;
INSERT INTO case_event (case_id, at, actor, actor_role, action, from_state, to_state, note, data)
  SELECT id, created_at, 'import', 'import', 'report', '', 'reported', '', '{"area":"110101001001001"}' FROM case_file;
INSERT INTO case_event (case_id, at, actor, actor_role, action, from_state, to_state, note, data)
  SELECT id, created_at, 'import', 'import', 'file', 'reported', 'filed', '', '{}' FROM case_file;
INSERT INTO case_event (case_id, at, actor, actor_role, action, from_state, to_state, note, data)
  SELECT c.id, c.created_at, 'import', 'import', 'dispatch', 'filed', 'dispatched', '', '{"department":"110101-FG"}'
  FROM case_file c WHERE c.department IS NOT NULL;
INSERT INTO case_event (case_id, at, actor, actor_role, action, from_state, to_state, note, data)
  SELECT c.id, c.closed_at, 'import', 'import', 'handle', 'dispatched', 'handled', '', '{}'
  FROM case_file c WHERE c.department IS NOT NULL AND c.state = 'closed';
INSERT INTO case_event (case_id, at, actor, actor_role, action, from_state, to_state, note, data)
  SELECT id, closed_at, 'import', 'import', 'close', 'handled', 'closed', '', '{}' FROM case_file WHERE state = 'closed';

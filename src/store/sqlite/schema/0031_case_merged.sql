-- 0031_case_merged.sql: the merged reports' own index.
--
-- Open311's list of open requests (status=open) also fetches every
-- merged report of the window: a merged report is open or closed as the
-- case it joined (domain/public).  The open cases come from their partial
-- index (0011, 0028); this one gives the merged ones without reading
-- every case of the window (store/cases/cases.c, the public list).  It
-- holds the merged reports alone: nothing at intake, one entry a merge.
CREATE INDEX case_file_merged ON case_file(created_at) WHERE state = 'merged';

-- 0021_reserved.sql: number 21 is a parallel branch's (issue #14,
-- #15, #16 work); this empty step keeps the numbers contiguous on the
-- hotspots branch alone, up to its 0023.  Drop this file when merging the
-- branch that owns 0021.
SELECT 1;

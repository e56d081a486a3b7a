-- 0015_reserved.sql: number 15 is another branch's (issue #14's parallel
-- work); this empty step keeps the numbers contiguous on the patrol
-- branch alone.  Drop this file when merging that branch's 0015.
SELECT 1;

-- 0016_reserved.sql: number 16 is a parallel branch's; this empty step
-- keeps the numbers contiguous on the honours branch alone, up to its
-- 0022.  Drop this file when merging the branch that owns 0016.
SELECT 1;

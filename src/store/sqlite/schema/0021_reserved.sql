-- 0021_reserved.sql: number 21 is a parallel branch's; this empty step
-- keeps the numbers contiguous on the honours branch alone (after main's
-- 0018), up to its 0022.  Drop this file when merging the branch that
-- owns 0021.
SELECT 1;

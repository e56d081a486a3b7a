-- 0030_session_rev.sql: console sessions under the configuration's
-- revision (0029).
--
-- The console's session is read on every call it makes.  The server now
-- keeps it in memory like a token (store/cached.h); a session made
-- (a login) or ended (a logout, a password change, an account's other
-- sessions ended, the expired ones purged) moves the revision on in the
-- same transaction, so the next call sees it.  Sessions are never
-- updated in place; the trigger on UPDATE is there for a hand-written
-- one.  Logins are a few a minute at a shift's start: each costs the
-- other kept rows one read again.
CREATE TRIGGER config_rev_session_insert AFTER INSERT ON session
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_session_update AFTER UPDATE ON session
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_session_delete AFTER DELETE ON session
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;

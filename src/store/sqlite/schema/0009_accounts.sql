-- 0009_accounts.sql: administering accounts, API tokens and the audit
-- trail without the demo (docs/operations.md, "First day").

-- A password set by the security admin must be replaced by its owner at
-- the next login; the password's age counts from password_changed_at
-- (NULL: never changed since the account was made, so created_at).
ALTER TABLE app_user ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE app_user ADD COLUMN password_changed_at INTEGER;

-- API tokens get an id to be listed and revoked by (never the secret).
CREATE TABLE api_token_new (
	id INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	user_id INTEGER NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
	label TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	created_by TEXT NOT NULL DEFAULT '',
	last_used_at INTEGER
);
INSERT INTO api_token_new (token_hash, user_id, label, created_at, created_by)
	SELECT token_hash, user_id, label, created_at, 'cli' FROM api_token
	ORDER BY created_at, token_hash;
DROP TABLE api_token;
ALTER TABLE api_token_new RENAME TO api_token;
CREATE INDEX api_token_user ON api_token(user_id);

-- The audit trail says from where, and what an object was before and
-- after the change (JSON objects; NULL when there is no such side).
ALTER TABLE audit_event ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_event ADD COLUMN before_state TEXT;
ALTER TABLE audit_event ADD COLUMN after_state TEXT;
CREATE INDEX audit_event_actor ON audit_event(actor, at);
CREATE INDEX audit_event_action ON audit_event(action, at);

-- System settings that are not the calendar's: the password policy
-- (password.min_length, password.min_classes, password.not_username,
-- password.max_age_days).  Absent keys take their defaults.
CREATE TABLE setting (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- 0016_idempotency.sql: the answers of writes sent with an
-- Idempotency-Key (docs/api.md), so that a retry from a phone's offline
-- queue answers the first result instead of writing again.
--
-- A row is written in the same transaction as the write it answers
-- (web/idempotency.c): both are kept or neither.  Keys are the caller's
-- own (user_id).  request_hash is the SHA-256 (hex) of the method, path,
-- Content-Type and body: the same key with another request is refused.
-- headers: the answer's headers that a replay repeats, as a JSON object.
-- Rows older than 48 h are removed by serve's housekeeping.
CREATE TABLE idempotency_key (
	user_id INTEGER NOT NULL REFERENCES app_user(id),
	idem_key TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	status INTEGER NOT NULL,
	headers TEXT NOT NULL,
	body BLOB NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (user_id, idem_key)
);
CREATE INDEX idempotency_key_created ON idempotency_key(created_at);

-- 0005_open311.sql: English names of the categories, and the public channel (Open311 GeoReport v2 and the
-- public pages).  A report that came in through it is an ordinary case
-- plus one open311_request row: who sent it, the follow token, the
-- reporter's contact data (never shown publicly) and the citizen's rating.

CREATE TABLE open311_request (
	case_id INTEGER PRIMARY KEY REFERENCES case_file(id),
	-- Secret handed to the reporter: follows the report, resolves to the
	-- service_request_id, and proves the right to rate it.
	token TEXT NOT NULL UNIQUE,
	client TEXT NOT NULL,        -- the api_client account it came through
	client_addr TEXT NOT NULL,
	email TEXT NOT NULL,
	device_id TEXT NOT NULL,
	account_id TEXT NOT NULL,
	media_url TEXT NOT NULL,     -- a photo link given by the client
	attributes TEXT NOT NULL,    -- JSON object: attribute code -> values
	rating TEXT CHECK (rating IN ('satisfied', 'basically_satisfied',
				      'dissatisfied')),
	rating_comment TEXT,
	rated_at INTEGER
);

-- Updates posted by clients (FixMyStreet sends a citizen's comment with its
-- own update_id); each becomes a `comment` event in the case history.  The
-- pair (client, update_id) is unique so a retried post is refused.
CREATE TABLE open311_update (
	id INTEGER PRIMARY KEY,
	client TEXT NOT NULL,
	update_id TEXT NOT NULL,
	case_id INTEGER NOT NULL REFERENCES case_file(id),
	event_id INTEGER NOT NULL REFERENCES case_event(id),
	UNIQUE (client, update_id)
);

-- English names of the classes (data/standard/names_en.csv, loaded by
-- `init`): Open311 answers in English with locale=en.
ALTER TABLE category_major ADD COLUMN name_en TEXT NOT NULL DEFAULT '';
ALTER TABLE category ADD COLUMN name_en TEXT NOT NULL DEFAULT '';

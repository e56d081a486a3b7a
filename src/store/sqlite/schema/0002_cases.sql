-- 0002_cases.sql: classification, filing standards, working calendar,
-- dispatch routing, cases with their append-only history, attachments.

-- 大类 / 小类 of components (部件) and events (事件).  Standard rows come
-- from data/standard/*.csv, loaded by `init`; a city adds local minor
-- classes (standard = 0) under a standard major class.
CREATE TABLE category_major (
	code TEXT PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('component', 'event')),
	name TEXT NOT NULL
);

CREATE TABLE category (
	code TEXT PRIMARY KEY,
	major TEXT NOT NULL REFERENCES category_major(code),
	name TEXT NOT NULL,
	standard INTEGER NOT NULL,
	public INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL
);
CREATE INDEX category_major_idx ON category(major);

-- 立案结案标准, versioned: an edit inserts a new version; a case points at
-- the version in force when it was filed.
CREATE TABLE case_standard (
	id INTEGER PRIMARY KEY,
	category TEXT NOT NULL REFERENCES category(code),
	version INTEGER NOT NULL,
	filing_condition TEXT NOT NULL,
	closing_condition TEXT NOT NULL,
	department_type TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	created_by TEXT NOT NULL,
	UNIQUE (category, version)
);

-- Time limit of one stage for one urgency: amount + unit, where unit is
-- m/h/d (natural) or wm/wh/wd (working time by the calendar).
CREATE TABLE case_standard_limit (
	standard_id INTEGER NOT NULL REFERENCES case_standard(id),
	urgency TEXT NOT NULL CHECK (urgency IN ('urgent', 'pressing', 'normal')),
	stage TEXT NOT NULL,
	amount INTEGER NOT NULL CHECK (amount > 0),
	unit TEXT NOT NULL CHECK (unit IN ('m', 'h', 'd', 'wm', 'wh', 'wd')),
	PRIMARY KEY (standard_id, urgency, stage)
);

-- Working calendar: day overrides (holidays, make-up workdays) and the
-- settings (time zone offset, weekly working periods) as key/value text.
CREATE TABLE calendar_day (
	day TEXT PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('off', 'work')),
	note TEXT NOT NULL
);
CREATE TABLE calendar_setting (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- Dispatch routing: 小类 (or any) x area (a division code prefix, or any)
-- -> department.  The most specific rule wins (longest area, then a
-- category match over none, then priority).
CREATE TABLE routing_rule (
	id INTEGER PRIMARY KEY,
	category TEXT REFERENCES category(code),
	area TEXT,
	department TEXT NOT NULL REFERENCES department(code),
	priority INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL
);

-- Cases.  `version` increases with every change (optimistic locking: an
-- action names the version it saw).  `deadline` is the due time of the
-- current stage (NULL when no clock runs); stage_started_at and `clock`
-- (natural or working time) let the traffic light be computed on read.
CREATE TABLE case_file (
	id INTEGER PRIMARY KEY,
	number TEXT NOT NULL UNIQUE,
	version INTEGER NOT NULL,
	state TEXT NOT NULL,
	source TEXT NOT NULL,
	category TEXT NOT NULL REFERENCES category(code),
	standard_id INTEGER NOT NULL REFERENCES case_standard(id),
	urgency TEXT NOT NULL,
	priority INTEGER NOT NULL DEFAULT 0,
	description TEXT NOT NULL,
	address TEXT NOT NULL,
	lon REAL,
	lat REAL,
	grid TEXT,
	community TEXT,
	street TEXT,
	district TEXT,
	area TEXT NOT NULL,
	component TEXT,
	reporter_name TEXT,
	reporter_phone TEXT,
	department TEXT REFERENCES department(code),
	stage TEXT,
	clock TEXT CHECK (clock IN ('natural', 'working')),
	stage_started_at INTEGER,
	deadline INTEGER,
	rework_count INTEGER NOT NULL DEFAULT 0,
	extension_hours INTEGER,
	merged_into INTEGER REFERENCES case_file(id),
	created_by TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	closed_at INTEGER
);
CREATE INDEX case_file_state ON case_file(state);
CREATE INDEX case_file_deadline ON case_file(deadline);
CREATE INDEX case_file_area ON case_file(area);
CREATE INDEX case_file_department ON case_file(department);
CREATE INDEX case_file_created ON case_file(created_at);
CREATE INDEX case_file_category ON case_file(category, created_at);

-- The append-only history: who did what, when, from which state to which.
-- `data` holds the action's inputs as JSON text.
CREATE TABLE case_event (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES case_file(id),
	at INTEGER NOT NULL,
	actor TEXT NOT NULL,
	actor_role TEXT NOT NULL,
	action TEXT NOT NULL,
	from_state TEXT,
	to_state TEXT NOT NULL,
	note TEXT NOT NULL,
	data TEXT NOT NULL
);
CREATE INDEX case_event_case ON case_event(case_id, id);
CREATE INDEX case_event_at ON case_event(at);

-- Photos, stored content-addressed on disk beside the database.
CREATE TABLE attachment (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES case_file(id),
	event_id INTEGER REFERENCES case_event(id),
	sha256 TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size INTEGER NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('report', 'handle', 'check', 'other')),
	created_by TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX attachment_case ON attachment(case_id);

-- Daily counters for case numbers (YYYYMMDD + 5-digit serial).
CREATE TABLE case_number_counter (
	day TEXT PRIMARY KEY,
	last INTEGER NOT NULL
);

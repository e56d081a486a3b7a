-- 0017_patrol.sql: patrol (定人定岗定责, docs/patrol.md): beats, shifts,
-- tracks.
--
-- patrol_beat: inspector answers for grid from from_at (an instant)
-- until to_at (NULL: still).  from_day / to_day are the local days as
-- given (YYYY-MM-DD, to_day exclusive) for display; the instants are
-- max(local midnight of the day, the moment it was assigned), so that
-- the history of who answered for a grid when is never rewritten (the
-- 漏报 counter reads it: domain/assess).  One open beat per grid.
CREATE TABLE patrol_beat (
	id INTEGER PRIMARY KEY,
	grid TEXT NOT NULL,
	inspector_id INTEGER NOT NULL REFERENCES app_user(id),
	from_day TEXT NOT NULL,
	to_day TEXT,
	from_at INTEGER NOT NULL,
	to_at INTEGER,
	created_by TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX patrol_beat_open ON patrol_beat(grid) WHERE to_at IS NULL;
CREATE INDEX patrol_beat_grid ON patrol_beat(grid, from_at);
CREATE INDEX patrol_beat_inspector ON patrol_beat(inspector_id, from_at);

-- patrol_shift: an inspector on duty from started_at to ended_at (NULL:
-- on shift now).  One open shift per inspector.
CREATE TABLE patrol_shift (
	id INTEGER PRIMARY KEY,
	inspector_id INTEGER NOT NULL REFERENCES app_user(id),
	started_at INTEGER NOT NULL,
	ended_at INTEGER
);
CREATE UNIQUE INDEX patrol_shift_open ON patrol_shift(inspector_id)
	WHERE ended_at IS NULL;
CREATE INDEX patrol_shift_time ON patrol_shift(inspector_id, started_at);

-- patrol_point: where the inspector's phone was at t (WGS84; accuracy
-- in metres, NULL unknown).  One point per inspector and second: a
-- point sent twice is stored once.  Pruned by age (patrol prune).
CREATE TABLE patrol_point (
	inspector_id INTEGER NOT NULL REFERENCES app_user(id),
	t INTEGER NOT NULL,
	lon REAL NOT NULL,
	lat REAL NOT NULL,
	accuracy REAL,
	PRIMARY KEY (inspector_id, t)
);
CREATE INDEX patrol_point_t ON patrol_point(t);

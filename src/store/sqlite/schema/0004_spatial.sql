-- 0004: unit grids (单元网格) and the components census (部件普查).
--
-- Geometry is stored portably: ISO WKB (2D, WGS84 lon/lat) in a BLOB with
-- its bounding box beside it, so the PostgreSQL engine can keep the same
-- bytes in a PostGIS geometry column (ST_GeomFromWKB) and SQLite needs no
-- extension.  `rev` comes from spatial_rev: every write to grid or
-- component takes the next number, so a running server finds what changed
-- since it last looked with one indexed query (no restart after an
-- import).  A deleted grid stays as a row with deleted = 1 for the same
-- reason.

CREATE TABLE spatial_rev (
	name TEXT PRIMARY KEY,          -- 'spatial'
	value INTEGER NOT NULL
);
INSERT INTO spatial_rev (name, value) VALUES ('spatial', 0);

CREATE TABLE grid (
	code TEXT PRIMARY KEY CHECK (length(code) = 15),
	community TEXT NOT NULL,        -- 12-digit division code
	street TEXT NOT NULL,           -- its first 9 digits
	district TEXT NOT NULL,         -- its first 6 digits
	wkb BLOB NOT NULL,
	min_lon REAL NOT NULL,
	min_lat REAL NOT NULL,
	max_lon REAL NOT NULL,
	max_lat REAL NOT NULL,
	area_m2 REAL NOT NULL,
	points INTEGER NOT NULL,
	source TEXT NOT NULL CHECK (source IN ('import', 'generate')),
	deleted INTEGER NOT NULL DEFAULT 0,
	rev INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX grid_rev ON grid(rev);
CREATE INDEX grid_community ON grid(community);
CREATE INDEX grid_bbox ON grid(min_lon, max_lon);

CREATE TABLE component (
	code TEXT PRIMARY KEY CHECK (length(code) = 17),
	class TEXT NOT NULL REFERENCES category(code),
	name TEXT NOT NULL,             -- the class name, or a local name
	lon REAL NOT NULL,
	lat REAL NOT NULL,
	grid TEXT,                      -- located on import; NULL outside grids
	status TEXT NOT NULL
		CHECK (status IN ('完好', '破损', '丢失', '占用', '废弃', '移除')),
	owner TEXT NOT NULL DEFAULT '',     -- 主管部门
	maintainer TEXT NOT NULL DEFAULT '',-- 养护单位
	installed_on TEXT,              -- YYYY-MM-DD
	address TEXT NOT NULL DEFAULT '',
	deleted INTEGER NOT NULL DEFAULT 0,
	rev INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX component_rev ON component(rev);
CREATE INDEX component_grid ON component(grid);
CREATE INDEX component_class ON component(class);

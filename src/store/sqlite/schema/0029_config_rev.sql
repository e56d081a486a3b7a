-- 0029_config_rev.sql: a revision of the rows every request reads.
--
-- Who a token is, a case's category, its standard and the standard's time
-- limits, a division: read by every call (the intake reads them all), and
-- changed a few times a year.  The server keeps copies in memory
-- (store/cached.h) under this revision, read afresh at each use - one row
-- instead of the joins.  Triggers move it on with any change to the
-- tables those rows come from, whoever makes it (this server, another
-- one, the command line, a hand-written UPDATE), in the same transaction:
-- a copy kept under an older value is never used again, and a change
-- rolled back takes its revision with it.
CREATE TABLE config_rev (
	name TEXT PRIMARY KEY,          -- 'config'
	value INTEGER NOT NULL
);
INSERT INTO config_rev (name, value) VALUES ('config', 0);
CREATE TRIGGER config_rev_app_user_insert AFTER INSERT ON app_user
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_app_user_update AFTER UPDATE ON app_user
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_app_user_delete AFTER DELETE ON app_user
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_api_token_insert AFTER INSERT ON api_token
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_api_token_update AFTER UPDATE ON api_token
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_api_token_delete AFTER DELETE ON api_token
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_department_insert AFTER INSERT ON department
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_department_update AFTER UPDATE ON department
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_department_delete AFTER DELETE ON department
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_division_insert AFTER INSERT ON division
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_division_update AFTER UPDATE ON division
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_division_delete AFTER DELETE ON division
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_category_insert AFTER INSERT ON category
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_category_update AFTER UPDATE ON category
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_category_delete AFTER DELETE ON category
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_category_major_insert AFTER INSERT ON category_major
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_category_major_update AFTER UPDATE ON category_major
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_category_major_delete AFTER DELETE ON category_major
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_case_standard_insert AFTER INSERT ON case_standard
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_case_standard_update AFTER UPDATE ON case_standard
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_case_standard_delete AFTER DELETE ON case_standard
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_case_standard_limit_insert AFTER INSERT ON case_standard_limit
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_case_standard_limit_update AFTER UPDATE ON case_standard_limit
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;
CREATE TRIGGER config_rev_case_standard_limit_delete AFTER DELETE ON case_standard_limit
BEGIN UPDATE config_rev SET value = value + 1 WHERE name = 'config'; END;

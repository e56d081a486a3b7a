/*
 * audit.c - SQL for the audit trail and the system settings (see
 * store/org/org.h).
 */
#include <stdio.h>
#include <string.h>

#include "store/org/org.h"

/* ---- audit trail --------------------------------------------------- */

static const char SQL_AUDIT_ADD[] =
	"INSERT INTO audit_event (at, actor, address, action, subject, detail,"
	" before_state, after_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

/* Bind text, or NULL for a NULL pointer. */
static int bind_text_or_null(struct db_stmt *st, int i, const char *v,
			     struct ug_error *err)
{
	return v ? db_bind_text(st, i, v, err) : db_bind_null(st, i, err);
}

int store_audit_add(struct db *db, const struct audit_event *e,
		    struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare(db, SQL_AUDIT_ADD, &st, err)) ||
	    (rc = db_bind_int64(st, 1, e->at, err)) ||
	    (rc = db_bind_text(st, 2, e->actor, err)) ||
	    (rc = db_bind_text(st, 3, e->address ? e->address : "", err)) ||
	    (rc = db_bind_text(st, 4, e->action, err)) ||
	    (rc = db_bind_text(st, 5, e->subject ? e->subject : "", err)) ||
	    (rc = db_bind_text(st, 6, e->detail ? e->detail : "{}", err)) ||
	    (rc = bind_text_or_null(st, 7, e->before, err)) ||
	    (rc = bind_text_or_null(st, 8, e->after, err)))
		return rc;
	rc = db_step(st, err);
	return rc < 0 ? rc : 0;
}

/* Every filter is optional: a NULL/"" text or a 0 time leaves it out.
 * The action matches exactly, or by prefix when it ends in '.' ("user."
 * for user.create, user.edit ...); substr() compares literally, where
 * LIKE would take % and _ in it as wildcards.  Newest first, by id: the
 * page after one ends below its last id. */
static const char SQL_AUDIT_LIST[] =
	"SELECT id, at, actor, address, action, subject, detail, before_state,"
	" after_state FROM audit_event"
	" WHERE (? = '' OR actor = ?)"
	" AND (? = '' OR (substr(?, length(?), 1) = '.' AND"
	"      substr(action, 1, length(?)) = ?) OR action = ?)"
	" AND (? = '' OR subject = ?)"
	" AND (? = '' OR address = ?)"
	" AND (? = 0 OR at >= ?) AND (? = 0 OR at < ?)"
	" AND (? = 0 OR id < ?)"
	" ORDER BY id DESC LIMIT ?";

static void audit_from_row(struct db_stmt *st, struct audit_event *e)
{
	memset(e, 0, sizeof *e);
	e->id = db_column_int64(st, 0);
	e->at = db_column_int64(st, 1);
	e->actor = db_column_text(st, 2);
	e->address = db_column_text(st, 3);
	e->action = db_column_text(st, 4);
	e->subject = db_column_text(st, 5);
	e->detail = db_column_text(st, 6);
	e->before = db_column_is_null(st, 7) ? NULL : db_column_text(st, 7);
	e->after = db_column_is_null(st, 8) ? NULL : db_column_text(st, 8);
}

DB_VISITOR(audit, store_audit_cb, struct audit_event, audit_from_row)

int store_audit_list(struct db *db, const struct audit_filter *f,
		     store_audit_cb cb, void *ctx, struct ug_error *err)
{
	const char *actor = f->actor ? f->actor : "";
	const char *action = f->action ? f->action : "";
	const char *subject = f->subject ? f->subject : "";
	const char *address = f->address ? f->address : "";
	struct audit_event e;
	struct db_stmt *st;
	int rc, i = 1;

	if ((rc = db_prepare(db, SQL_AUDIT_LIST, &st, err)))
		return rc;
	for (int k = 0; k < 2; k++)
		if ((rc = db_bind_text(st, i++, actor, err)))
			return rc;
	/* The action's test takes it seven times: empty?, '.' at the end?
	 * (twice: the text and its length), the prefix (twice), equal. */
	for (int k = 0; k < 6; k++)
		if ((rc = db_bind_text(st, i++, action, err)))
			return rc;
	for (int k = 0; k < 2; k++)
		if ((rc = db_bind_text(st, i++, subject, err)))
			return rc;
	for (int k = 0; k < 2; k++)
		if ((rc = db_bind_text(st, i++, address, err)))
			return rc;
	for (int k = 0; k < 2; k++)
		if ((rc = db_bind_int64(st, i++, f->from, err)))
			return rc;
	for (int k = 0; k < 2; k++)
		if ((rc = db_bind_int64(st, i++, f->to, err)))
			return rc;
	for (int k = 0; k < 2; k++)
		if ((rc = db_bind_int64(st, i++, f->before_id, err)))
			return rc;
	if ((rc = db_bind_int64(st, i++, f->limit, err)))
		return rc;
	return db_each(st, audit_visit, &(struct audit_visit){ cb, ctx, &e }, err);
}

static const char SQL_AUDIT_PRUNE[] = "DELETE FROM audit_event WHERE at < ?";

int store_audit_prune(struct db *db, int64_t before, int64_t *removed,
		      struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_row(db, SQL_AUDIT_PRUNE, DB_ARGS(DB_INT(before)), &st, err);
	if (rc < 0)
		return rc;
	*removed = db_changes(db);
	return 0;
}

/* ---- settings ------------------------------------------------------ */

static const char SQL_SETTING_GET[] = "SELECT value FROM setting WHERE key = ?";

int store_setting_get(struct db *db, const char *key, char *out, size_t size,
		      struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_row_by_key(db, SQL_SETTING_GET, key, key, "setting", &st,
				err)))
		return rc;
	snprintf(out, size, "%s", db_column_text(st, 0));
	db_reset(st);
	return 0;
}

/* The same upsert as calendar_setting's: both engines spell it so. */
static const char SQL_SETTING_PUT[] =
	"INSERT INTO setting (key, value) VALUES (?, ?)"
	" ON CONFLICT (key) DO UPDATE SET value = excluded.value";

int store_setting_put(struct db *db, const char *key, const char *value,
		      struct ug_error *err)
{
	return db_run(db, SQL_SETTING_PUT,
		      DB_ARGS(DB_TEXT(key), DB_TEXT(value)), err);
}

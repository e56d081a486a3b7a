/*
 * attachments.c - SQL for photo attachments of cases (see store.h).  The
 * bytes live on disk, content-addressed (domain/cases/attachment.c).
 */
#include <stdio.h>
#include <string.h>

#include "lib/util.h"
#include "store/cases/cases.h"


static void attachment_from_row(struct db_stmt *st, struct attachment_row *a)
{
	memset(a, 0, sizeof *a);
	a->id = db_column_int64(st, 0);
	a->case_id = db_column_int64(st, 1);
	UG_COPY(a->sha256, db_column_text(st, 2));
	UG_COPY(a->content_type, db_column_text(st, 3));
	a->size = db_column_int64(st, 4);
	UG_COPY(a->kind, db_column_text(st, 5));
	UG_COPY(a->created_by, db_column_text(st, 6));
	a->created_at = db_column_int64(st, 7);
}

#define ATTACHMENT_SELECT                                               \
	"SELECT id, case_id, sha256, content_type, size, kind, created_by," \
	" created_at FROM attachment"

static const char SQL_ATTACHMENT_INSERT[] =
	"INSERT INTO attachment (case_id, sha256, content_type, size, kind,"
	" created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";

int store_attachment_insert(struct db *db, struct attachment_row *a,
			    struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	rc = db_row(db, SQL_ATTACHMENT_INSERT,
		    DB_ARGS(DB_INT(a->case_id), DB_TEXT(a->sha256),
			    DB_TEXT(a->content_type), DB_INT(a->size),
			    DB_TEXT(a->kind), DB_TEXT(a->created_by),
			    DB_INT(a->created_at)), &st, err);
	if (rc < 0)
		return rc;
	a->id = db_column_int64(st, 0);
	db_reset(st);
	return 0;
}

static const char SQL_ATTACHMENT_GET[] = ATTACHMENT_SELECT " WHERE id = ?";

int store_attachment_get(struct db *db, int64_t id, struct attachment_row *a,
			 struct ug_error *err)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_row_by_id(db, SQL_ATTACHMENT_GET, id, "attachment", &st,
			       err)))
		return rc;
	attachment_from_row(st, a);
	db_reset(st);
	return 0;
}

static const char SQL_ATTACHMENTS_OF_CASE[] =
	ATTACHMENT_SELECT " WHERE case_id = ? ORDER BY id";

DB_VISITOR(attachment, store_attachment_cb, struct attachment_row,
	   attachment_from_row)

int store_attachments_of_case(struct db *db, int64_t case_id,
			      store_attachment_cb cb, void *ctx,
			      struct ug_error *err)
{
	struct attachment_row a;

	return db_list(db, SQL_ATTACHMENTS_OF_CASE, DB_ARGS(DB_INT(case_id)),
		       attachment_visit,
		       &(struct attachment_visit){ cb, ctx, &a }, err);
}

/*
 * audit.c - the audit trail (see audit.h).
 */
#include "domain/org/audit.h"

#include <stdio.h>

#include "lib/buf.h"

int audit_write(struct db *db, const struct actor *by, int64_t now,
		const char *action, const char *subject, const char *before,
		const char *after, const char *detail, struct ug_error *err)
{
	struct audit_event e = {
		.at = now,
		.actor = by->user->username,
		.address = by->addr && *by->addr ? by->addr
			   : by->root		  ? "local"
						  : "",
		.action = action,
		.subject = subject,
		.detail = detail,
		.before = before,
		.after = after,
	};

	return store_audit_add(db, &e, err);
}

int audit_write_as(struct db *db, const char *who, const char *address,
		   int64_t now, const char *action, const char *subject,
		   const char *detail, struct ug_error *err)
{
	struct audit_event e = {
		.at = now, .actor = who, .address = address,
		.action = action, .subject = subject, .detail = detail,
	};

	return store_audit_add(db, &e, err);
}

int audit_list(struct db *db, const struct actor *a,
	       const struct audit_filter *f, store_audit_cb cb, void *ctx,
	       struct ug_error *err)
{
	if (!actor_is(a, ROLE_AUDITOR))
		return ug_fail(err, UG_EFORBIDDEN, NULL,
			       "only the auditor reads the audit trail");
	if (f->limit < 1 || f->limit > AUDIT_PAGE_MAX)
		return ug_fail(err, UG_EINVAL, "limit",
			       "limit must be between 1 and %d",
			       AUDIT_PAGE_MAX);
	return store_audit_list(db, f, cb, ctx, err);
}

int audit_prune(struct db *db, const struct actor *a, int64_t before,
		int64_t now, int64_t *removed, struct ug_error *err)
{
	int64_t youngest = now - (int64_t)AUDIT_KEEP_DAYS * 86400;
	char detail[96];
	int rc;

	*removed = 0;
	if (!a->root)
		return ug_fail(err, UG_EFORBIDDEN, NULL,
			       "the audit trail is pruned from the command "
			       "line only");
	if (before > youngest)
		return ug_fail(err, UG_EINVAL, "before",
			       "events are kept at least %d days: before "
			       "must be at most %d days ago",
			       AUDIT_KEEP_DAYS, AUDIT_KEEP_DAYS);
	if ((rc = db_begin_write(db, err)))
		return rc;
	if ((rc = store_audit_prune(db, before, removed, err)) == 0) {
		snprintf(detail, sizeof detail,
			 "{\"before\":%lld,\"removed\":%lld}",
			 (long long)before, (long long)*removed);
		rc = audit_write(db, a, now, "audit.prune", "audit_event",
				 NULL, NULL, detail, err);
	}
	if ((rc = db_end(db, rc, err)))
		*removed = 0;
	return rc;
}

/*
 * audit.h - the audit trail: who did what, from where, to what, and what
 * it was before and after.
 *
 * Every administrative change (accounts, tokens, the password policy,
 * departments, categories and standards, the calendar, routing, grid and
 * component imports) and every login, successful or not, writes one
 * event in the transaction of the change itself: no change without its
 * event, no event without its change.  Only the auditor reads the trail
 * (三员分立: not the admin, not the security admin), and nobody edits it;
 * the operator of the machine may prune what is older than
 * AUDIT_KEEP_DAYS.
 */
#ifndef UG_AUDIT_H
#define UG_AUDIT_H

#include <stdint.h>

#include "domain/org/roles.h"
#include "store/org/org.h"

/* Days an event is kept at least (等保 asks for six months). */
#define AUDIT_KEEP_DAYS 180

/* Write one event done by `by` (its username and address) in the
 * caller's transaction.  before/after: JSON object texts or NULL;
 * detail: a JSON object text or NULL ("{}"). */
int audit_write(struct db *db, const struct actor *by, int64_t now,
		const char *action, const char *subject, const char *before,
		const char *after, const char *detail, struct ug_error *err);

/* The same for an event without an account behind it (a login, which is
 * written under the name tried, from the address it came from). */
int audit_write_as(struct db *db, const char *who, const char *address,
		   int64_t now, const char *action, const char *subject,
		   const char *detail, struct ug_error *err);

/* Most events one page lists. */
#define AUDIT_PAGE_MAX 500

/* The events matching f (limit 1..AUDIT_PAGE_MAX), newest first, to cb:
 * the auditor's (or the command line's) only - anyone else gets
 * UG_EFORBIDDEN.  UG_EINVAL naming "limit" for a limit out of range. */
int audit_list(struct db *db, const struct actor *a,
	       const struct audit_filter *f, store_audit_cb cb, void *ctx,
	       struct ug_error *err);

/* Remove the events older than `before` (seconds): refused with UG_EINVAL
 * naming "before" when that would take one younger than AUDIT_KEEP_DAYS
 * days at `now`.  The pruning is itself an event.  Root only. */
int audit_prune(struct db *db, const struct actor *a, int64_t before,
		int64_t now, int64_t *removed, struct ug_error *err);

#endif

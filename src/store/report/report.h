/*
 * report.h - storage of the 四个一 reports and of the schedule's lease
 * (schema 0022; domain/report/report.h decides who may do what).
 * Conventions in store/common.h.
 */
#ifndef UG_STORE_REPORT_H
#define UG_STORE_REPORT_H

#include "store/common.h"

#define REPORT_PERIOD_MAX 47

struct report_row {
	int64_t id;
	char kind[16];
	char period[REPORT_PERIOD_MAX + 1];
	char area[CODE_MAX + 1];         /* "" the whole city */
	int64_t version, year, number;
	char status[16];                 /* draft | published */
	char *commentary;                /* malloc'ed or NULL */
	char *document;                  /* malloc'ed; NULL when not read */
	char created_by[USERNAME_MAX + 1];
	int64_t created_at;
	char published_by[USERNAME_MAX + 1];
	int64_t published_at;            /* 0 while a draft */
	int scheduled;                   /* made by the server's schedule */
};
/* Free what a row read holds (commentary, document). */
void store_report_row_free(struct report_row *r);
typedef int (*store_report_cb)(void *ctx, const struct report_row *r);

/* Insert r (id set).  In the caller's write transaction. */
int store_report_insert(struct db *db, struct report_row *r,
			struct ug_error *err);

/* The last version of (kind, period, area) into *version with its year
 * and number; 0 in *version when there is none. */
int store_report_last(struct db *db, const char *kind, const char *period,
		      const char *area, int64_t *version, int64_t *year,
		      int64_t *number, char **commentary,
		      struct ug_error *err);

/* The next document number of kind in year: 1 + the highest. */
int store_report_next_number(struct db *db, const char *kind, int64_t year,
			     int64_t *out, struct ug_error *err);

/* Report id with its document (with_document) into *r; UG_ENOTFOUND
 * naming "id". */
int store_report_get(struct db *db, int64_t id, int with_document,
		     struct report_row *r, struct ug_error *err);

/* The reports of kind and period (NULL: any), newest first, without
 * their documents, to cb. */
int store_report_list(struct db *db, const char *kind, const char *period,
		      store_report_cb cb, void *ctx, struct ug_error *err);

/* Set the commentary of draft id (NULL: leave it), and publish it
 * (publish set: by, at).  UG_ENOTFOUND naming "id" when it is no draft. */
int store_report_update(struct db *db, int64_t id, const char *commentary,
			int publish, const char *by, int64_t at,
			struct ug_error *err);

/* Take the lease of `job` for holder until `until`: 1 in *taken when
 * nobody holds it (never taken, or a holder that did not finish and whose
 * lease ran out before `now`), else 0.  In the caller's write
 * transaction. */
int store_report_lease_take(struct db *db, const char *job,
			    const char *holder, int64_t now, int64_t until,
			    int *taken, struct ug_error *err);
/* Mark the job done (its lease then never runs out). */
int store_report_lease_done(struct db *db, const char *job,
			    struct ug_error *err);
/* The greatest rest of the names of the jobs done that begin with
 * `prefix` ("report:bulletin:" -> "2026-11-23") into out (size bytes);
 * "" when none is done. */
int store_report_lease_last(struct db *db, const char *prefix, char *out,
			    size_t size, struct ug_error *err);

#endif

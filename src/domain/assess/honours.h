/*
 * honours.h - the red and black lists (红黑榜) of assessment: drafted from
 * a ranking (rank.h, never recomputed here) by rules that are part of the
 * assessment scheme (eval.h struct assess_honours_rules, versioned with
 * it), published by a leader or an admin with a comment, kept as
 * immutable versions (schema 0021), and read by the staff (their
 * history), by the public (the latest lists of units) and by the
 * bulletins (honours_current()).
 *
 * Who is named where:
 *  - lists of units - departments, grids, communities, streets,
 *    districts - are public once published;
 *  - lists of posts - inspectors, receptionists, shift leaders,
 *    dispatchers - name people: they are drafted and published for the
 *    staff alone, seen by those whose area holds the list's area, and
 *    never by the public read.
 */
#ifndef UG_ASSESS_HONOURS_H
#define UG_ASSESS_HONOURS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "domain/assess/eval.h"
#include "domain/org/roles.h"
#include "lib/period.h"

/* ---- the rules (part of the scheme) ---------------------------------- */

/* The built-in rules: red = grade A and among the top 3; black = grade D
 * or E and among the bottom 3; no overdue threshold. */
void assess_honours_defaults(struct assess_honours_rules *r);

/* Apply JSON `in` ({"red":{"grades","top","match"},"black":{"grades",
 * "bottom","match","overdue_above"}}; each list given is given whole,
 * "match" is "all" or "any", "overdue_above" null or absent is off) to
 * *r.  UG_EINVAL naming the field ("honours.red.top") otherwise; *r
 * unchanged on error. */
int assess_honours_apply(struct assess_honours_rules *r, json_t *in,
			 struct ug_error *err);

/* The rules in the shape assess_honours_apply() reads.  New reference. */
json_t *assess_honours_json(const struct assess_honours_rules *r);

/* ---- drafting (pure) ------------------------------------------------- */

/* Why a row is on a list. */
enum honours_reason {
	HR_GRADE = 1,    /* its grade is one of the list's */
	HR_TOP = 2,      /* among the top N (ties with the N-th included) */
	HR_BOTTOM = 4,   /* among the bottom N (ties included) */
	HR_OVERDUE = 8   /* overdue above the threshold */
};

struct honours_entry {
	char code[ASSESS_PERSON_MAX];
	char name[NAME_MAX_BYTES + 1];
	int scored;
	double score;
	char grade;          /* 0 when not scored */
	int rank;            /* 0 when not ranked */
	int64_t overdue;     /* the counter overdue in the period */
	unsigned reasons;    /* enum honours_reason bits */
};

/* A list: a draft, or a published version. */
struct honours_list {
	enum assess_eval_kind kind;
	struct period period;
	char area[CODE_MAX + 1];          /* the area ranked; "" everything */
	char area_name[NAME_MAX_BYTES + 1];
	int64_t scheme_version;
	struct assess_honours_rules rules;
	size_t ranked;                    /* rows of the ranking */
	struct honours_entry *red, *black;
	size_t n_red, n_black;
	/* Published lists only (0 / "" / NULL for a draft). */
	int64_t id, version, published_at;
	char published_by[ASSESS_PERSON_MAX];
	char *comment;
};
void honours_list_free(struct honours_list *l);

/* Draw the lists from rows in rank order (assess_ranking()'s rows) under
 * rules, into out->red / out->black (the rest of *out untouched):
 *  - red: the scored rows whose grade is in red.grades and/or (match)
 *    whose score is at least the red.count-th row's;
 *  - black: the scored rows whose grade is in black.grades and/or whose
 *    score is at most the black.count-th from the bottom's; and any row
 *    whose overdue counter is above overdue_above (when not -1);
 *  - a row that qualifies for both is on the black list alone;
 *  - a list with no criterion given is empty.
 * Red in rank order, black from the worst up.  UG_ENOMEM only. */
int honours_draw(const struct assess_honours_rules *rules,
		 const struct assess_row *rows, size_t n,
		 struct honours_list *out, struct ug_error *err);

/* 1 for the kinds whose lists are public (units, not people). */
int honours_kind_is_public(enum assess_eval_kind k);

/* ---- the access layer ----------------------------------------------- */

/* The draft of `kind` for `period` in `area` (NULL or "": the caller's
 * own area - its unit for an area's leader, everything for an admin),
 * drawn from assess_ranking() as the actor sees it, into *out (free with
 * honours_list_free()).  Leaders with an area and admins (and root)
 * alone: UG_EFORBIDDEN for the others, and for a department's leader
 * (who sees its own row, not a ranking to draw from).  Errors of
 * assess_ranking() (UG_EINVAL naming kind, period or area; UG_ENOTFOUND
 * naming area). */
int honours_draft(struct db *db, const struct actor *a, int32_t utc_offset,
		  const char *kind, const char *period, const char *area,
		  struct honours_list *out, struct ug_error *err);

/* Publish the draft honours_draft() makes with the same arguments, with
 * `comment` (NULL: none), at `now`: a new version of (kind, period,
 * area) - the first is 1 - written with its audit event
 * ("honours.publish") in one transaction, into *out.  Same errors. */
int honours_publish(struct db *db, const struct actor *a, int32_t utc_offset,
		    const char *kind, const char *period, const char *area,
		    const char *comment, int64_t now, struct honours_list *out,
		    struct ug_error *err);

/* The published lists the actor may see, newest first, filtered by kind
 * and period (each NULL or "": any), to cb (the list lives until it
 * returns; a non-zero answer stops and is returned).  Every version,
 * or - latest set - the last version of each (kind, period, area) only.
 * An actor sees a list of units always (the public does), a list of
 * posts when its area holds the list's area (admins: every list).
 * UG_EINVAL naming kind or period. */
typedef int (*honours_cb)(void *ctx, const struct honours_list *l);
int honours_history(struct db *db, const struct actor *a, const char *kind,
		    const char *period, int latest, honours_cb cb, void *ctx,
		    struct ug_error *err);

/* The public read: the last version of each published list of units,
 * newest first, at most `limit`, to cb. */
int honours_public(struct db *db, size_t limit, honours_cb cb, void *ctx,
		   struct ug_error *err);

/* For the bulletins: the list of `kind` for period p in `area` ("" all)
 * as it stands - the last published version when there is one
 * (*published 1), else the draft (*published 0) - as the actor sees
 * it, into *out (free with honours_list_free()).  A draft needs a
 * caller who may draft (honours_draft()). */
int honours_current(struct db *db, const struct actor *a, int32_t utc_offset,
		    enum assess_eval_kind kind, const struct period *p,
		    const char *area, struct honours_list *out, int *published,
		    struct ug_error *err);

/* The list as JSON: {"kind","period":{"name","from","to"},"area":{"code",
 * "name"},"scheme_version","rules","ranked","red":[entry],"black":[entry],
 * "version","published_at","published_by","comment"} with each entry
 * {"code","name","score","grade","rank","overdue","reasons":[...]}.
 * public set: the public shape - without published_by, rules and
 * scheme_version - and NULL for a list of posts (the public never reads
 * a person's name).  New reference; NULL without memory. */
json_t *honours_list_json(const struct honours_list *l, int32_t utc_offset,
			  int public);

#endif

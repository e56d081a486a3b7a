/*
 * report.h - the 四个一 reports (每天一督查 daily inspection, 每日一通报
 * daily bulletin, 每周一简评 weekly review, 每月一汇总 monthly summary) as
 * document trees (doc/doc.h), built from the domain's own reads - the
 * rankings (assess/rank.h) with their previous period, the red and black
 * lists (assess/honours.h), hot spots and rebounds (assess/hotspot.h),
 * the day's counters by hour and category (assess/hours.h), the patrol's
 * coverage (patrol/patrol.h), the cases and their photos (cases/view.h)
 * and the grids' outlines (spatial/grids.h) - each as the caller sees it:
 * what a report holds is decided by those reads' access layers, never
 * here.  docs/reports.md lists every section and where its numbers come
 * from; the renderers (doc/render.h) turn the tree into HTML, XLSX, PDF.
 *
 * The office's name, the document-number prefix, the addressees, the
 * signer and the copy line are settings (the settings store, keys
 * "report.*"), edited by the admin or the command line.
 */
#ifndef UG_REPORT_H
#define UG_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "doc/doc.h"
#include "doc/render.h"
#include "domain/cases/case.h"
#include "domain/org/roles.h"
#include "lib/period.h"
#include "store/report/report.h"

enum report_kind {
	REPORT_INSPECTION, /* 每天一督查: a day */
	REPORT_BULLETIN,   /* 每日一通报: a day */
	REPORT_WEEKLY,     /* 每周一简评: an ISO week */
	REPORT_MONTHLY,    /* 每月一汇总: a month */
	REPORT_KIND_COUNT
};

/* "inspection", "bulletin", "weekly", "monthly"; and their 中文 names. */
extern const char *const report_kind_names[REPORT_KIND_COUNT];
extern const char *const report_kind_names_zh[REPORT_KIND_COUNT];

/* The kind of `name` into *out; UG_EINVAL naming "kind" otherwise. */
int report_kind_parse(const char *name, enum report_kind *out,
		      struct ug_error *err);

/* The period of a report of kind k: a day "2026-11-23" for the daily
 * kinds, an ISO week "2026-W48" for the weekly review, a month
 * "2026-11" for the monthly summary.  UG_EINVAL naming "period" for text
 * that is no period (period_parse()'s message) or a period of another
 * form (the message names the form the kind takes). */
int report_period_parse(enum report_kind k, const char *text,
			struct period *out, struct ug_error *err);

/* 1 for the kinds a leader comments before publishing (weekly,
 * monthly). */
int report_kind_has_commentary(enum report_kind k);

/* ---- settings ----------------------------------------------------------- */

enum report_setting {
	RSET_OFFICE,      /* 发文机关: "城市管理监督指挥中心" */
	RSET_PREFIX,      /* 发文字号的机关代字: "城管督" */
	RSET_ADDRESSEES,  /* 主送: "各街道办事处、各有关部门：" */
	RSET_SIGNER,      /* 署名: the office by default */
	RSET_COPY_TO,     /* 抄送: "" none */
	RSET_AT,          /* the schedule's time of day: "08:30" */
	RSET_KINDS,       /* the kinds it makes: "inspection,bulletin,
			     weekly,monthly"; "" none */
	RSET_COUNT
};
/* "office", "prefix", "addressees", "signer", "copy_to", "at",
 * "kinds". */
extern const char *const report_setting_names[RSET_COUNT];

#define REPORT_SETTING_MAX 200 /* bytes of a setting's text */

struct report_settings {
	char value[RSET_COUNT][REPORT_SETTING_MAX + 1];
};

/* The settings in force (stored texts over the defaults). */
int report_settings_get(struct db *db, struct report_settings *out,
			struct ug_error *err);

/* Set the settings given (has[k]) to text[k]: the admin's or the command
 * line's (UG_EFORBIDDEN for others); UG_EINVAL naming the setting for a
 * text longer than REPORT_SETTING_MAX bytes, not UTF-8, with a control
 * character, or empty (copy_to and kinds may be empty); "at" must be
 * HH:MM and "kinds" a comma-separated list of kinds.  One transaction
 * with its audit event ("report_settings.edit"); *out the settings
 * after. */
int report_settings_set(struct db *db, const struct actor *a,
			const int has[RSET_COUNT],
			const char *const text[RSET_COUNT], int64_t now,
			struct report_settings *out, struct ug_error *err);

/* The settings as JSON {"office","prefix","addressees","signer",
 * "copy_to","at","kinds"}.  New reference. */
json_t *report_settings_json(const struct report_settings *s);

/* The minutes after midnight of "HH:MM", or -1. */
int report_at_minutes(const char *text);
/* The kinds of "inspection,weekly" as bits (1 << kind), 0 for "", or -1
 * for another text. */
int report_kinds_parse(const char *text);

/* "城管督〔2026〕15号" into out: prefix, year, number. */
void report_number_text(const char *prefix, int year, int64_t number,
			char *out, size_t size);

/* ---- building ----------------------------------------------------------- */

/* What a build reads besides the database. */
struct report_env {
	const struct case_env *cases; /* the city's offset (its days) */
	const char *files_dir;        /* the photos' folder; NULL: no photos */
	int64_t now;                  /* the document's date */
};

/* What one report is: its kind and period, the area it is narrowed to
 * (NULL or "": the caller's whole sight), its number in the year's
 * series of its kind (0: not numbered - an on-demand copy), the leader's
 * commentary (NULL: not yet written). */
struct report_request {
	enum report_kind kind;
	struct period period;
	const char *area;
	int64_t number;
	const char *commentary;
};

/* Build the report into document d (doc_new()ed by the caller, whose
 * arena holds everything), as actor a sees it.  Errors of the reads:
 * UG_EINVAL / UG_ENOTFOUND naming "area" for an area not shaped as a
 * division or outside the caller's sight; UG_EFORBIDDEN for a caller
 * who reads no ranking (ROLES_STAFF do); UG_ENOMEM, UG_EDB, UG_EIO (a
 * photo's file that cannot be read is left out, not an error). */
int report_build(struct db *db, const struct report_env *env,
		 const struct actor *a, const struct report_request *rq,
		 struct doc *d, struct ug_error *err);

/* The monthly summary's maps: a map titled `title` added to d, in the
 * grade classes (A 优秀 .. E 差, then 无数据), of each grid of GeoJSON
 * `features` (grids_geojson_bbox()'s) whose unit - the feature's property
 * `unit`: "code" the grid itself, "street" its street - is a row of
 * ranking r, filled in the class of that row's grade (无数据 when not
 * scored); the grids of units r does not hold (outside the caller's
 * sight) are left out.  NULL without memory. */
struct assess_ranking;
struct doc_map *report_grade_map(struct doc *d, const char *title,
				 const struct assess_ranking *r,
				 json_t *features, const char *unit);

/* Write d in format f to out: the one place that picks the renderer
 * (doc/render.h: HTML, XLSX, PDF); their errors as they give them. */
int report_render(const struct doc *d, enum doc_format f, struct buf *out,
		  struct ug_error *err);

/* ---- stored reports (schema 0022) ----------------------------------------
 *
 * A stored report covers an area: the one asked, else the creator's own
 * division ("" for a creator who sees the whole city).  It is seen by
 * whoever sees that area (actor_sees(): a street's staff see their
 * street's reports, not the district's), and answers as not there to
 * anyone else.  Regenerating (kind, period, area) makes a new version and
 * keeps the old; every version keeps the document number of the first.
 * The daily kinds are published when made; the weekly and monthly are
 * drafts until a leader (or the admin) writes the commentary and
 * publishes them. */

/* Free what a report row read here holds. */
void report_row_free(struct report_row *r);

/* Build and store a report of `kind` for `period` in `area` (NULL or "":
 * the creator's area) as actor a sees it, made at env->now (`scheduled`:
 * by the server's schedule), into *out (free with
 * report_row_free()).  Leaders, shift leaders and the admin (and
 * root): UG_EFORBIDDEN for others and for a department's staff.
 * UG_EINVAL naming "kind", "period" or "area"; UG_ENOTFOUND naming "area"
 * outside the caller's sight; the build's errors.  One write
 * transaction. */
int report_create(struct db *db, const struct report_env *env,
		  const struct actor *a, const char *kind, const char *period,
		  const char *area, int scheduled, struct report_row *out,
		  struct ug_error *err);

/* The stored reports the actor sees, filtered by kind and period (each
 * NULL or "": any), newest first, to cb.  UG_EINVAL naming "kind" or
 * "period" for one that does not parse (a period of any form). */
int report_list(struct db *db, const struct actor *a, const char *kind,
		const char *period, store_report_cb cb, void *ctx,
		struct ug_error *err);

/* Report id's metadata into *out; UG_ENOTFOUND naming "id" when there is
 * none or the actor does not see it. */
int report_get(struct db *db, const struct actor *a, int64_t id,
	       struct report_row *out, struct ug_error *err);

/* Report id rendered in `format` ("html", "xlsx", "pdf"; NULL: html),
 * with its commentary, appended to out; *f the format.  UG_EINVAL
 * naming "format"; UG_ENOTFOUND as report_get(). */
int report_file(struct db *db, const struct actor *a, int64_t id,
		const char *format, struct buf *out, enum doc_format *f,
		struct ug_error *err);

/* Write the commentary of draft id (NULL: unchanged) and/or publish it,
 * at now, by a leader or the admin (UG_EFORBIDDEN otherwise); *out the
 * report after.  UG_EINVAL naming "commentary" for a kind without one
 * (the daily kinds) or a text longer than REPORT_COMMENTARY_MAX bytes or
 * not UTF-8; UG_ECONFLICT naming "status" for a published report;
 * UG_ENOTFOUND as report_get().  Audited ("report.edit",
 * "report.publish"). */
#define REPORT_COMMENTARY_MAX 4000
int report_edit(struct db *db, const struct actor *a, int64_t id,
		const char *commentary, int publish, int64_t now,
		struct report_row *out, struct ug_error *err);

/* The metadata as the API answers it: {"id","kind","kind_name","period",
 * "area","version","number","status","commentary","created_by",
 * "created_at","published_by","published_at" (ISO 8601 at utc_offset),
 * "scheduled","formats"}. */
json_t *report_json(const struct report_row *r, int32_t utc_offset);

/* ---- the schedule --------------------------------------------------------
 *
 * On a working day of the working calendar, from the settings' time of
 * day ("at", local), the server makes: a report of each daily kind for
 * every calendar day not covered yet - the days from the working day
 * before (whose own run covered the days up to the one before it) to
 * yesterday, so Monday's run covers Friday, Saturday and Sunday, and the
 * first working day after a holiday every day of it; from earlier when
 * the schedule's last report of the kind is older (a working day on
 * which no server ran: the days after that report); never more than the
 * REPORT_DAILY_SPAN_MAX days before today.  A first start (no report
 * made by the schedule yet) covers the days since the working day
 * before alone.  On the first working day of an ISO week, the weekly
 * review of the week before (and of the week before that when the week
 * before had no working day: a holiday week); on the first working day
 * of a month, the monthly summary of the month before.  Caught up on any
 * later working day of the week or month when the schedule's last report
 * of the kind is older (no server ran on that first working day) - but
 * never a week or month further back than that first day's own: a
 * week's review is not made once the next week began, a month's summary
 * once the next month began; nor on a first start (nothing made by the
 * schedule yet) after that first day.
 * Each kind only when listed in the settings' "kinds".  A report made
 * on demand for a day or period does not stand in for the scheduled one: the schedule makes its own (a
 * new version when the on-demand one covers the whole city, with its
 * number).  Each (kind, period) is made once across every server on the
 * database: the job's row in report_lease is taken, the report made and
 * the job marked done in one write transaction, so a second server finds
 * the job done, and a failure leaves it for the next tick. */

/* The most days one run's daily kinds cover (a holiday of up to 13 days
 * with the working day before it). */
#define REPORT_DAILY_SPAN_MAX 14
/* The most reports due at one instant: two daily kinds a day, the
 * weeklies of two weeks (after a holiday week) and the monthly. */
#define REPORT_DUE_MAX (2 * REPORT_DAILY_SPAN_MAX + 3)

struct report_due {
	enum report_kind kind;
	struct period period;
};

/* The reports due at `now` under settings s and calendar cal (local days
 * at utc_offset), the schedule having covered the days up to covered[k]
 * (YYYYMMDD: the last day of its last report of kind k) of each kind k
 * (0: none of the kind; covered NULL or all 0: a first start), into
 * out: the daily kinds first, oldest day first, then the weekly and the
 * monthly; how many.  Pure. */
int report_schedule_due(const struct calendar *cal, int32_t utc_offset,
			const struct report_settings *s, int64_t now,
			const int32_t covered[REPORT_KIND_COUNT],
			struct report_due out[REPORT_DUE_MAX]);

/* Make the reports due at env->now not made yet (env->cases->calendar the
 * working calendar), as the schedule (a root actor, the whole city);
 * *made how many this call made.  `holder` names the process in the
 * lease.  The first error is returned; the jobs before it are kept. */
int report_schedule_run(struct db *db, const struct report_env *env,
			const char *holder, int *made, struct ug_error *err);

#endif

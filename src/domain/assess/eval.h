/*
 * eval.h - the evaluation of assessment (综合评价): from the counters of a
 * period (struct assess_counts, domain/assess/rules.c) to rates, a
 * composite score 0-100, an A-E grade and a rank, for the four posts,
 * the departments and the four levels of area, under a scheme of weights,
 * bands and volume scores that an admin edits (domain/assess/rank.c keeps
 * its versions).  Pure: nothing here reads the database or the clock, so
 * every formula is tested on hand-computed numbers (tests/unit/
 * test_eval.c); docs/assessment.md gives the same formulas in words with
 * a worked example.
 *
 * Rules every formula keeps (the vendor formulas of standards.md §7 break
 * each of them):
 *  - a rate is a share: numerator and denominator are counted by the
 *    same kind of history line wherever the counters allow, so it lies in
 *    0..1 (where they do not - closures against checks passed, valid
 *    reports against reports - a flow across the period's edge can pass
 *    1, and the rate is capped at 1, or 0 below);
 *  - higher is better for every term: a share of failures enters as one
 *    minus it (返工 as the checks passed, 漏报 as the problems found);
 *  - a rate whose denominator is 0 is "not scored" (null), and the
 *    weights of the terms scored are rescaled to sum to 1; a row none of
 *    whose rates is scored has no score, no grade and no rank;
 *  - the weights of each group sum to 1 (the scheme refuses others).
 */
#ifndef UG_ASSESS_EVAL_H
#define UG_ASSESS_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "domain/assess/rules.h"
#include "lib/error.h"

/* What is ranked: the API's {kind}. */
enum assess_eval_kind {
	EK_INSPECTORS,
	EK_RECEPTIONISTS,
	EK_SHIFT_LEADERS,
	EK_DISPATCHERS,
	EK_DEPARTMENTS,
	EK_GRIDS,
	EK_COMMUNITIES,
	EK_STREETS,
	EK_DISTRICTS,
	EK_COUNT
};
extern const char *const assess_eval_kind_names[EK_COUNT];
/* enum assess_eval_kind of name, or -1. */
int assess_eval_kind_parse(const char *name);
/* 1 for the four levels of area. */
int assess_eval_kind_is_area(enum assess_eval_kind k);

/* The rates (indicators), each a share of two sums of counters. */
enum assess_rate {
	AR_VALID_REPORT,       /* 有效上报率 */
	AR_FOUND,              /* 发现率 = 1 - 漏报率 */
	AR_VERIFY_ON_TIME,     /* 按时核实率 */
	AR_CHECK_ON_TIME,      /* 按时核查率 */
	AR_VERIFY_SENT_ON_TIME, /* 核实按时派发率 */
	AR_FILED_ON_TIME,      /* 按时立案率 */
	AR_ACCURATE_FILING,    /* 准确立案率 */
	AR_CLOSED_ON_TIME,     /* 按时结案率 */
	AR_DISPATCHED_ON_TIME, /* 按时派遣率 */
	AR_ACCURATE_DISPATCH,  /* 准确派遣率 */
	AR_CLOSURE,            /* 结案率 */
	AR_HANDLED_ON_TIME,    /* 按时处置率 */
	AR_NO_REWORK,          /* 一次核查通过率 = 1 - 返工率 */
	AR_SATISFACTION,       /* 满意率 */
	AR_DISCOVERY,          /* 主动发现率 */
	AR_COUNT
};
/* Rate r's name ("valid_report_rate") and its 中文. */
const char *assess_rate_name(int r);
const char *assess_rate_name_zh(int r);

/* The weight groups of a scheme: one per post and for departments, two
 * for the area indices (监督指数, 处置指数) and one for the areas'
 * composite (综合指数). */
enum assess_group {
	AG_INSPECTORS,
	AG_RECEPTIONISTS,
	AG_SHIFT_LEADERS,
	AG_DISPATCHERS,
	AG_DEPARTMENTS,
	AG_SUPERVISION,
	AG_DISPOSAL,
	AG_AREAS,
	AG_COUNT
};
extern const char *const assess_group_names[AG_COUNT];

/* Parts of a group beyond the rates. */
#define ASSESS_PART_VOLUME AR_COUNT            /* 数量分值 */
#define ASSESS_PART_SUPERVISION (AR_COUNT + 1) /* 监督指数 */
#define ASSESS_PART_DISPOSAL (AR_COUNT + 2)    /* 处置指数 */
#define ASSESS_PARTS_MAX 5

/* The volume scores: receptionists by reports taken, dispatchers by
 * dispatches, areas by cases filed per grid (fewer is better), each
 * counted per 30 days. */
enum assess_volume_kind { AV_RECEPTIONISTS, AV_DISPATCHERS, AV_AREAS,
			  AV_COUNT };
extern const char *const assess_volume_names[AV_COUNT];
#define ASSESS_VOLUME_STEPS_MAX 12

/* Score `score[i]` from `at_least[i]` up to the next step: the first step
 * is at 0, the steps rise. */
struct assess_volume {
	int n;
	double at_least[ASSESS_VOLUME_STEPS_MAX];
	double score[ASSESS_VOLUME_STEPS_MAX];
};

/* Grades A-D from their lowest scores (E below D). */
#define ASSESS_GRADES 5
extern const char assess_grade_letters[ASSESS_GRADES + 1]; /* "ABCDE" */

/* The rules of the red and black lists (红黑榜, domain/assess/honours.h),
 * part of the scheme so that they are versioned with it. */
struct assess_honours_rule {
	char grades[ASSESS_GRADES + 1]; /* the grades that qualify, "ABCDE"
					   order; "" no grade criterion */
	int count;   /* red: the top N, black: the bottom N; 0 none */
	int all;     /* 1: every criterion given must hold; 0: any one */
};
struct assess_honours_rules {
	struct assess_honours_rule red, black;
	int64_t overdue_above; /* black as well: overdue above this; -1 off */
};

struct assess_scheme {
	int64_t version;      /* 0: the built-in defaults */
	int64_t effective_at; /* in force from (seconds, UTC); 0 always */
	char created_by[ASSESS_PERSON_MAX];
	int64_t created_at;
	/* By group, by part in the group's order (assess_group_parts). */
	double weights[AG_COUNT][ASSESS_PARTS_MAX];
	double bands[ASSESS_GRADES - 1]; /* A, B, C, D: the lowest score */
	struct assess_volume volume[AV_COUNT];
	struct assess_honours_rules honours;
};

/* The parts of group g (rates and ASSESS_PART_*) into parts[], their
 * number returned. */
int assess_group_parts(enum assess_group g, const int **parts);
/* The name of part p ("valid_report_rate", "volume", ...). */
const char *assess_part_name(int p);

/* The built-in scheme (version 0): docs/assessment.md lists it. */
void assess_scheme_defaults(struct assess_scheme *s);

/* Apply the changes in JSON object `in` ({"weights":{group:{part:w}},
 * "bands":{"A":..,"D":..}, "volume":{kind:[[at_least, score]..]}}, each
 * key optional; a group, the bands or a volume given is given whole) to
 * *s.  UG_EINVAL naming the field (e.g. "weights.inspectors",
 * "bands.B", "volume.areas") for an unknown key, a missing part, weights
 * that do not sum to 1 (within 1e-6) or lie outside 0..1, bands not
 * falling from A to D inside (0, 100], volume steps not starting at 0 or
 * not rising, scores outside 0..100.  "version", "effective" and
 * "created_by" (what assess_scheme_json() adds) are ignored.  *s is
 * unchanged on error. */
int assess_scheme_apply(struct assess_scheme *s, json_t *in,
			struct ug_error *err);

/* The scheme as JSON: version, effective (ISO 8601 at utc_offset),
 * weights, bands, volume - the shape assess_scheme_apply() reads.  New
 * reference; NULL without memory. */
json_t *assess_scheme_json(const struct assess_scheme *s, int32_t utc_offset);

/* What one row scores. */
struct assess_result {
	int has_rate[AR_COUNT];  /* the rate applies to the kind and its
				    denominator is not 0 */
	double rate[AR_COUNT];   /* 0..1 */
	int has_volume;          /* the kind has a volume part and, for an
				    area, grids */
	double volume_value;     /* the count per 30 days (per grid) */
	double volume_score;     /* 0..100 */
	int has_supervision, has_disposal; /* areas */
	double supervision, disposal;      /* 0..100 */
	int scored;
	double score;            /* 0..100, rounded to 0.01 */
	char grade;              /* 'A'..'E', 0 when not scored */
};

/* Evaluate the counters c of a period of `days` days for a row of kind k
 * under scheme s; `grids`: for an area, how many grids it has (0: the
 * volume part is not scored). */
void assess_evaluate(const struct assess_scheme *s, enum assess_eval_kind k,
		     const struct assess_counts *c, int32_t days,
		     int64_t grids, struct assess_result *out);

/* The grade of a score under s: 'A'..'E'. */
char assess_grade(const struct assess_scheme *s, double score);

/* The rates kind k shows, in order, into rates[] (AR_COUNT at most),
 * their number returned. */
int assess_kind_rates(enum assess_eval_kind k, int rates[AR_COUNT]);

/* A row of a ranking. */
struct assess_row {
	char code[ASSESS_PERSON_MAX];
	char name[NAME_MAX_BYTES + 1];
	char unit[CODE_MAX + 1];   /* a person's unit; "" otherwise */
	int64_t grids;             /* an area's grids */
	struct assess_counts counts;
	struct assess_result r;
	int rank;                  /* 1.. among the scored; 0 unranked */
	int has_previous;          /* the row was in the previous ranking */
	struct assess_result prev;
	int prev_rank;
	int visible;               /* the caller sees the row */
};

/* Order rows by score (highest first), equal scores by code, rows not
 * scored last by code, and number the scored 1..n. */
void assess_rank_rows(struct assess_row *rows, size_t n);

#endif

/*
 * eval.c - the formulas of evaluation (see eval.h): the rates as tables
 * of counters, the groups of weighted parts, the volume steps, the
 * default scheme, its JSON, scores, grades and ranks.
 */
#include "domain/assess/eval.h"
#include "domain/assess/honours.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/iso8601.h"

const char *const assess_eval_kind_names[EK_COUNT] = {
	"inspectors", "receptionists", "shift_leaders", "dispatchers",
	"departments", "grids", "communities", "streets", "districts",
};

/* The index of `name` among n names, or -1. */
static int index_of(const char *const *names, int n, const char *name)
{
	for (int i = 0; name && i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

int assess_eval_kind_parse(const char *name)
{
	return index_of(assess_eval_kind_names, EK_COUNT, name);
}

int assess_eval_kind_is_area(enum assess_eval_kind k)
{
	return k >= EK_GRIDS;
}

/* ---- the rates ---------------------------------------------------------- */

/* A sum of counters, each added (+1) or taken away (-1). */
#define TERMS_MAX 3
struct terms {
	int n;
	enum assess_counter c[TERMS_MAX];
	int sign[TERMS_MAX];
};

struct rate_def {
	const char *name, *zh;
	struct terms num, den;
};

#define T1(a) { 1, { AC_##a }, { 1 } }
#define T2(a, b) { 2, { AC_##a, AC_##b }, { 1, 1 } }
#define T2M(a, b) { 2, { AC_##a, AC_##b }, { 1, -1 } }
#define T3(a, b, c) { 3, { AC_##a, AC_##b, AC_##c }, { 1, 1, 1 } }

/* The definitions: docs/assessment.md is this table in words. */
static const struct rate_def rates[AR_COUNT] = {
	[AR_VALID_REPORT] = { "valid_report_rate", "有效上报率",
			      T1(valid_reported), T1(reported) },
	[AR_FOUND] = { "found_rate", "发现率（1−漏报率）", T1(valid_reported),
		       T2(valid_reported, missed) },
	[AR_VERIFY_ON_TIME] = { "verify_on_time_rate", "按时核实率",
				T1(verified_on_time), T1(verified) },
	[AR_CHECK_ON_TIME] = { "check_on_time_rate", "按时核查率",
			       T1(checked_on_time), T1(checked) },
	[AR_VERIFY_SENT_ON_TIME] = { "verify_sent_on_time_rate",
				     "核实按时派发率",
				     T1(verify_sent_on_time),
				     T1(verify_sent) },
	[AR_FILED_ON_TIME] = { "filed_on_time_rate", "按时立案率",
			       T1(filed_on_time), T1(filed) },
	[AR_ACCURATE_FILING] = { "accurate_filing_rate", "准确立案率",
				 T2M(filed, filed_voided), T1(filed) },
	[AR_CLOSED_ON_TIME] = { "closed_on_time_rate", "按时结案率",
				T1(closed_on_time), T1(closed) },
	[AR_DISPATCHED_ON_TIME] = { "dispatched_on_time_rate", "按时派遣率",
				    T1(dispatched_on_time), T1(dispatched) },
	[AR_ACCURATE_DISPATCH] = { "accurate_dispatch_rate", "准确派遣率",
				   T1(dispatched_correctly),
				   T2(dispatched_correctly, returned) },
	[AR_CLOSURE] = { "closure_rate", "结案率", T1(closed), T1(to_close) },
	[AR_HANDLED_ON_TIME] = { "handled_on_time_rate", "按时处置率",
				 T1(handled_on_time), T1(handled) },
	[AR_NO_REWORK] = { "no_rework_rate", "一次核查通过率（1−返工率）",
			   T1(to_close), T2(to_close, rework) },
	[AR_SATISFACTION] = { "satisfaction_rate", "满意率",
			      T2(satisfied, basically_satisfied),
			      T3(satisfied, basically_satisfied,
				 dissatisfied) },
	[AR_DISCOVERY] = { "discovery_rate", "主动发现率", T1(valid_reported),
			   T2(valid_reported, valid_public) },
};

const char *assess_rate_name(int r)
{
	return rates[r].name;
}

const char *assess_rate_name_zh(int r)
{
	return rates[r].zh;
}

static int64_t sum(const struct terms *t, const struct assess_counts *c)
{
	int64_t v = 0;

	for (int i = 0; i < t->n; i++)
		v += t->sign[i] * c->n[t->c[i]];
	return v;
}

/* ---- groups ------------------------------------------------------------ */

const char *const assess_group_names[AG_COUNT] = {
	"inspectors", "receptionists", "shift_leaders", "dispatchers",
	"departments", "supervision_index", "disposal_index", "areas",
};

static const int group_inspectors[] = { AR_VALID_REPORT, AR_FOUND,
					AR_VERIFY_ON_TIME, AR_CHECK_ON_TIME };
static const int group_receptionists[] = { ASSESS_PART_VOLUME,
					   AR_VERIFY_SENT_ON_TIME };
static const int group_shift_leaders[] = { AR_FILED_ON_TIME,
					   AR_ACCURATE_FILING,
					   AR_CLOSED_ON_TIME };
static const int group_dispatchers[] = { ASSESS_PART_VOLUME,
					 AR_DISPATCHED_ON_TIME,
					 AR_ACCURATE_DISPATCH };
static const int group_departments[] = { AR_CLOSURE, AR_HANDLED_ON_TIME,
					 AR_NO_REWORK, AR_SATISFACTION };
static const int group_supervision[] = { AR_DISCOVERY, AR_VERIFY_ON_TIME,
					 AR_CHECK_ON_TIME };
static const int group_disposal[] = { AR_HANDLED_ON_TIME, AR_CLOSURE,
				      AR_NO_REWORK };
static const int group_areas[] = { ASSESS_PART_SUPERVISION,
				   ASSESS_PART_DISPOSAL, ASSESS_PART_VOLUME };

#define GROUP(a) { a, (int)(sizeof a / sizeof *a) }
static const struct {
	const int *parts;
	int n;
} groups[AG_COUNT] = {
	GROUP(group_inspectors), GROUP(group_receptionists),
	GROUP(group_shift_leaders), GROUP(group_dispatchers),
	GROUP(group_departments), GROUP(group_supervision),
	GROUP(group_disposal), GROUP(group_areas),
};
#undef GROUP

/* The defaults, in each group's order of parts. */
static const double default_weights[AG_COUNT][ASSESS_PARTS_MAX] = {
	[AG_INSPECTORS] = { 0.4, 0.2, 0.2, 0.2 },
	[AG_RECEPTIONISTS] = { 0.25, 0.75 },
	[AG_SHIFT_LEADERS] = { 0.25, 0.40, 0.35 },
	[AG_DISPATCHERS] = { 0.2, 0.4, 0.4 },
	[AG_DEPARTMENTS] = { 0.3, 0.3, 0.3, 0.1 },
	[AG_SUPERVISION] = { 0.5, 0.25, 0.25 },
	[AG_DISPOSAL] = { 0.4, 0.3, 0.3 },
	[AG_AREAS] = { 0.3, 0.5, 0.2 },
};

int assess_group_parts(enum assess_group g, const int **parts)
{
	*parts = groups[g].parts;
	return groups[g].n;
}

const char *assess_part_name(int p)
{
	if (p >= 0 && p < AR_COUNT)
		return rates[p].name;
	return p == ASSESS_PART_VOLUME	    ? "volume"
	       : p == ASSESS_PART_SUPERVISION ? "supervision_index"
	       : p == ASSESS_PART_DISPOSAL    ? "disposal_index"
					      : "";
}

/* The group that scores kind k. */
static enum assess_group group_of(enum assess_eval_kind k)
{
	return k <= EK_DEPARTMENTS ? (enum assess_group)k : AG_AREAS;
}

int assess_kind_rates(enum assess_eval_kind k, int out[AR_COUNT])
{
	/* An area shows the rates of its two indices. */
	enum assess_group from[2] = { group_of(k), group_of(k) };
	int n = 0;

	if (assess_eval_kind_is_area(k)) {
		from[0] = AG_SUPERVISION;
		from[1] = AG_DISPOSAL;
	}
	for (int l = 0; l < 2; l++)
		for (int i = 0; i < groups[from[l]].n; i++) {
			int p = groups[from[l]].parts[i], seen = 0;

			for (int j = 0; j < n; j++)
				seen |= out[j] == p;
			if (p < AR_COUNT && !seen)
				out[n++] = p;
		}
	return n;
}

/* ---- the scheme --------------------------------------------------------- */

const char *const assess_volume_names[AV_COUNT] = {
	"receptionists", "dispatchers", "areas",
};
const char assess_grade_letters[ASSESS_GRADES + 1] = "ABCDE";

static const struct assess_volume default_volume[AV_COUNT] = {
	/* 受理数分值 as the vendor's: more than 2000 reports a month 100,
	 * 1201-2000 90, 501-1200 75, 301-500 60, fewer 0. */
	[AV_RECEPTIONISTS] = { 5, { 0, 301, 501, 1201, 2001 },
			       { 0, 60, 75, 90, 100 } },
	/* 派遣数分值: the vendor's has none; ours on the same shape. */
	[AV_DISPATCHERS] = { 5, { 0, 151, 301, 601, 1001 },
			     { 0, 60, 75, 90, 100 } },
	/* 立案数分值 per grid, fewer is better (the vendor's 一类区域 steps,
	 * read as a mean: under 1 a grid 100). */
	[AV_AREAS] = { 6, { 0, 1, 3, 5, 7, 9 }, { 100, 90, 75, 60, 40, 0 } },
};

void assess_scheme_defaults(struct assess_scheme *s)
{
	memset(s, 0, sizeof *s);
	memcpy(s->weights, default_weights, sizeof s->weights);
	s->bands[0] = 90;
	s->bands[1] = 75;
	s->bands[2] = 60;
	s->bands[3] = 40;
	memcpy(s->volume, default_volume, sizeof s->volume);
	assess_honours_defaults(&s->honours);
	snprintf(s->created_by, sizeof s->created_by, "%s", "default");
}

static int weights_apply(struct assess_scheme *s, json_t *in,
			 struct ug_error *err)
{
	const char *key;
	json_t *v;

	if (!json_is_object(in))
		return ug_fail(err, UG_EINVAL, "weights",
			       "weights must be an object of groups");
	json_object_foreach(in, key, v) {
		int g = index_of(assess_group_names, AG_COUNT, key), n;
		const int *parts;
		double total = 0, w[ASSESS_PARTS_MAX];
		char field[64];

		snprintf(field, sizeof field, "weights.%.40s", key);
		if (g < 0)
			return ug_fail(err, UG_EINVAL, field,
				       "%s: no such group (inspectors, "
				       "receptionists, shift_leaders, "
				       "dispatchers, departments, "
				       "supervision_index, disposal_index, "
				       "areas)", field);
		n = assess_group_parts(g, &parts);
		if (!json_is_object(v) || json_object_size(v) != (size_t)n)
			goto bad;
		for (int i = 0; i < n; i++) {
			json_t *x = json_object_get(v, assess_part_name(parts[i]));

			if (!json_is_number(x))
				goto bad;
			w[i] = json_number_value(x);
			if (!(w[i] >= 0 && w[i] <= 1))
				goto bad;
			total += w[i];
		}
		if (fabs(total - 1) > 1e-6)
			goto bad;
		memcpy(s->weights[g], w, sizeof w[0] * (size_t)n);
		continue;
	bad: {
		char names[160] = "";

		for (int i = 0; i < n; i++) {
			size_t len = strlen(names);

			snprintf(names + len, sizeof names - len, "%s%s",
				 i ? ", " : "", assess_part_name(parts[i]));
		}
		return ug_fail(err, UG_EINVAL, field,
			       "%s must give each of %s a weight from 0 to 1, "
			       "the weights summing to 1", field, names);
	}
	}
	return 0;
}

static int bands_apply(struct assess_scheme *s, json_t *in,
		       struct ug_error *err)
{
	double b[ASSESS_GRADES - 1];
	char field[16];

	if (!json_is_object(in) || json_object_size(in) != ASSESS_GRADES - 1)
		return ug_fail(err, UG_EINVAL, "bands",
			       "bands must give the lowest score of A, B, C "
			       "and D (E is below D)");
	for (int i = 0; i < ASSESS_GRADES - 1; i++) {
		char key[2] = { assess_grade_letters[i], 0 };
		json_t *x = json_object_get(in, key);

		snprintf(field, sizeof field, "bands.%s", key);
		if (!json_is_number(x))
			return ug_fail(err, UG_EINVAL, field,
				       "bands must give the lowest score of A, "
				       "B, C and D (E is below D)");
		b[i] = json_number_value(x);
		if (!(b[i] > 0 && b[i] <= 100) || (i && b[i] >= b[i - 1]))
			return ug_fail(err, UG_EINVAL, field,
				       "%s must be above 0, at most 100 and "
				       "below the grade before it", field);
	}
	memcpy(s->bands, b, sizeof b);
	return 0;
}

static int volume_apply(struct assess_scheme *s, json_t *in,
			struct ug_error *err)
{
	const char *key;
	json_t *v;

	if (!json_is_object(in))
		return ug_fail(err, UG_EINVAL, "volume",
			       "volume must be an object of step lists");
	json_object_foreach(in, key, v) {
		struct assess_volume vol;
		char field[64];
		int k = index_of(assess_volume_names, AV_COUNT, key);

		snprintf(field, sizeof field, "volume.%.40s", key);
		if (k < 0)
			return ug_fail(err, UG_EINVAL, field,
				       "%s: no such volume score "
				       "(receptionists, dispatchers, areas)",
				       field);
		memset(&vol, 0, sizeof vol);
		if (!json_is_array(v) || json_array_size(v) < 1 ||
		    json_array_size(v) > ASSESS_VOLUME_STEPS_MAX)
			goto bad;
		for (size_t i = 0; i < json_array_size(v); i++) {
			json_t *step = json_array_get(v, i);
			json_t *a = json_array_get(step, 0), *b = json_array_get(step, 1);

			if (!json_is_array(step) || json_array_size(step) != 2 ||
			    !json_is_number(a) || !json_is_number(b))
				goto bad;
			vol.at_least[i] = json_number_value(a);
			vol.score[i] = json_number_value(b);
			if ((i == 0 && vol.at_least[0] != 0) ||
			    (i > 0 && !(vol.at_least[i] > vol.at_least[i - 1])) ||
			    !(vol.score[i] >= 0 && vol.score[i] <= 100))
				goto bad;
			vol.n++;
		}
		s->volume[k] = vol;
		continue;
	bad:
		return ug_fail(err, UG_EINVAL, field,
			       "%s must be a list of at most %d steps "
			       "[at_least, score]: the first at 0, rising, "
			       "scores from 0 to 100", field,
			       ASSESS_VOLUME_STEPS_MAX);
	}
	return 0;
}

int assess_scheme_apply(struct assess_scheme *s, json_t *in,
			struct ug_error *err)
{
	struct assess_scheme t = *s;
	const char *key;
	json_t *v;
	int rc = 0;

	if (!json_is_object(in))
		return ug_fail(err, UG_EINVAL, "scheme",
			       "the scheme must be a JSON object");
	json_object_foreach(in, key, v) {
		if (strcmp(key, "weights") == 0)
			rc = weights_apply(&t, v, err);
		else if (strcmp(key, "bands") == 0)
			rc = bands_apply(&t, v, err);
		else if (strcmp(key, "volume") == 0)
			rc = volume_apply(&t, v, err);
		else if (strcmp(key, "honours") == 0)
			rc = assess_honours_apply(&t.honours, v, err);
		/* What the JSON of a scheme also says, read-only, so that
		 * what GET answers can be PUT back edited. */
		else if (strcmp(key, "effective") != 0 &&
			 strcmp(key, "version") != 0 &&
			 strcmp(key, "created_by") != 0)
			rc = ug_fail(err, UG_EINVAL, key,
				     "%.40s: the scheme has weights, bands, "
				     "volume, honours and effective", key);
		if (rc)
			return rc;
	}
	*s = t;
	return 0;
}

json_t *assess_scheme_json(const struct assess_scheme *s, int32_t utc_offset)
{
	json_t *o = json_object(), *w = json_object(), *b = json_object();
	json_t *vol = json_object();
	char when[40];

	for (int g = 0; g < AG_COUNT; g++) {
		const int *parts;
		int n = assess_group_parts(g, &parts);
		json_t *grp = json_object();

		for (int i = 0; i < n; i++)
			json_object_set_new(grp, assess_part_name(parts[i]),
					    json_real(s->weights[g][i]));
		json_object_set_new(w, assess_group_names[g], grp);
	}
	for (int i = 0; i < ASSESS_GRADES - 1; i++) {
		char key[2] = { assess_grade_letters[i], 0 };

		json_object_set_new(b, key, json_real(s->bands[i]));
	}
	for (int k = 0; k < AV_COUNT; k++) {
		json_t *steps = json_array();

		for (int i = 0; i < s->volume[k].n; i++)
			json_array_append_new(
				steps, json_pack("[f, f]", s->volume[k].at_least[i],
						 s->volume[k].score[i]));
		json_object_set_new(vol, assess_volume_names[k], steps);
	}
	json_object_set_new(o, "version", json_integer(s->version));
	json_object_set_new(o, "effective",
			    s->effective_at
				    ? json_string(iso8601_format(s->effective_at,
								 utc_offset, when,
								 sizeof when))
				    : json_null());
	json_object_set_new(o, "created_by", json_string(s->created_by));
	json_object_set_new(o, "weights", w);
	json_object_set_new(o, "bands", b);
	json_object_set_new(o, "volume", vol);
	json_object_set_new(o, "honours", assess_honours_json(&s->honours));
	return o;
}

/* ---- scoring ------------------------------------------------------------- */

char assess_grade(const struct assess_scheme *s, double score)
{
	for (int i = 0; i < ASSESS_GRADES - 1; i++)
		if (score >= s->bands[i])
			return assess_grade_letters[i];
	return assess_grade_letters[ASSESS_GRADES - 1];
}

static double volume_score(const struct assess_volume *v, double value)
{
	double score = v->n ? v->score[0] : 0;

	for (int i = 1; i < v->n; i++)
		if (value >= v->at_least[i])
			score = v->score[i];
	return score;
}

/* The weighted mean 0..1 of the parts of group g that are scored
 * (part_value < 0: not scored), its weights rescaled to sum to 1; -1
 * when none of its rates is (the volume alone scores nothing). */
static double weighted(const struct assess_scheme *s, enum assess_group g,
		       const double *part_value)
{
	const int *parts;
	int n = assess_group_parts(g, &parts), rated = 0;
	double total = 0, weight = 0;

	for (int i = 0; i < n; i++) {
		if (part_value[i] < 0)
			continue;
		rated |= parts[i] != ASSESS_PART_VOLUME;
		total += s->weights[g][i] * part_value[i];
		weight += s->weights[g][i];
	}
	if (!rated)
		return -1;
	/* Every part scored but with weight 0: the plain mean. */
	if (weight <= 0) {
		int m = 0;

		total = 0;
		for (int i = 0; i < n; i++)
			if (part_value[i] >= 0) {
				total += part_value[i];
				m++;
			}
		return total / m;
	}
	return total / weight;
}

/* The values 0..1 of group g's parts (-1: not scored). */
static double group_value(const struct assess_scheme *s, enum assess_group g,
			  const struct assess_result *r)
{
	const int *parts;
	int n = assess_group_parts(g, &parts);
	double v[ASSESS_PARTS_MAX];

	for (int i = 0; i < n; i++) {
		int p = parts[i];

		if (p < AR_COUNT)
			v[i] = r->has_rate[p] ? r->rate[p] : -1;
		else if (p == ASSESS_PART_VOLUME)
			v[i] = r->has_volume ? r->volume_score / 100 : -1;
		else if (p == ASSESS_PART_SUPERVISION)
			v[i] = r->has_supervision ? r->supervision / 100 : -1;
		else
			v[i] = r->has_disposal ? r->disposal / 100 : -1;
	}
	return weighted(s, g, v);
}

static double round2(double x)
{
	return floor(x * 100 + 0.5) / 100;
}

void assess_evaluate(const struct assess_scheme *s, enum assess_eval_kind k,
		     const struct assess_counts *c, int32_t days,
		     int64_t grids, struct assess_result *out)
{
	int shown[AR_COUNT], n = assess_kind_rates(k, shown);
	double per30 = days > 0 ? 30.0 / days : 1, v;
	enum assess_group g = group_of(k);

	memset(out, 0, sizeof *out);
	for (int i = 0; i < n; i++) {
		const struct rate_def *d = &rates[shown[i]];
		int64_t den = sum(&d->den, c), num = sum(&d->num, c);

		if (den <= 0)
			continue;
		out->has_rate[shown[i]] = 1;
		v = (double)num / (double)den;
		out->rate[shown[i]] = v < 0 ? 0 : v > 1 ? 1 : v;
	}
	if (k == EK_RECEPTIONISTS || k == EK_DISPATCHERS) {
		enum assess_volume_kind vk = k == EK_RECEPTIONISTS
						     ? AV_RECEPTIONISTS
						     : AV_DISPATCHERS;

		out->has_volume = 1;
		out->volume_value =
			(double)c->n[k == EK_RECEPTIONISTS ? AC_reported
							   : AC_dispatched] *
			per30;
		out->volume_score = volume_score(&s->volume[vk],
						 out->volume_value);
	} else if (assess_eval_kind_is_area(k) && grids > 0) {
		out->has_volume = 1;
		out->volume_value = (double)c->n[AC_filed] * per30 /
				    (double)grids;
		out->volume_score = volume_score(&s->volume[AV_AREAS],
						 out->volume_value);
	}
	if (assess_eval_kind_is_area(k)) {
		if ((v = group_value(s, AG_SUPERVISION, out)) >= 0) {
			out->has_supervision = 1;
			out->supervision = 100 * v;
		}
		if ((v = group_value(s, AG_DISPOSAL, out)) >= 0) {
			out->has_disposal = 1;
			out->disposal = 100 * v;
		}
	}
	if ((v = group_value(s, g, out)) < 0)
		return;
	out->scored = 1;
	out->score = round2(100 * v);
	out->grade = assess_grade(s, out->score);
}

/* ---- ranking ------------------------------------------------------------- */

static int row_order(const void *pa, const void *pb)
{
	const struct assess_row *a = pa, *b = pb;

	if (a->r.scored != b->r.scored)
		return a->r.scored ? -1 : 1;
	if (a->r.scored && a->r.score != b->r.score)
		return a->r.score > b->r.score ? -1 : 1;
	return strcmp(a->code, b->code);
}

void assess_rank_rows(struct assess_row *rows, size_t n)
{
	if (n > 1)
		qsort(rows, n, sizeof *rows, row_order);
	for (size_t i = 0; i < n; i++)
		rows[i].rank = rows[i].r.scored ? (int)i + 1 : 0;
}

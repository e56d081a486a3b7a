/*
 * report.c - the report kinds, their periods and the settings of the
 * official documents (see report.h); the building of the four kinds is
 * build.c's.
 */
#include "domain/report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "domain/org/audit.h"
#include "lib/buf.h"
#include "lib/util.h"
#include "store/org/org.h"

const char *const report_kind_names[REPORT_KIND_COUNT] = {
	"inspection", "bulletin", "weekly", "monthly",
};

const char *const report_kind_names_zh[REPORT_KIND_COUNT] = {
	"每天一督查", "每日一通报", "每周一简评", "每月一汇总",
};

/* The form of period each kind takes, and its name in messages. */
static const struct {
	enum period_form form;
	const char *says;
} kind_period[REPORT_KIND_COUNT] = {
	[REPORT_INSPECTION] = { PERIOD_DAY, "a day (2026-11-23)" },
	[REPORT_BULLETIN] = { PERIOD_DAY, "a day (2026-11-23)" },
	[REPORT_WEEKLY] = { PERIOD_WEEK, "an ISO week (2026-W48)" },
	[REPORT_MONTHLY] = { PERIOD_MONTH, "a month (2026-11)" },
};

int report_kind_parse(const char *name, enum report_kind *out,
		      struct ug_error *err)
{
	for (int k = 0; k < REPORT_KIND_COUNT; k++)
		if (name && strcmp(name, report_kind_names[k]) == 0) {
			*out = (enum report_kind)k;
			return 0;
		}
	return ug_fail(err, UG_EINVAL, "kind",
		       "kind must be inspection, bulletin, weekly or monthly");
}

int report_period_parse(enum report_kind k, const char *text,
			struct period *out, struct ug_error *err)
{
	int rc = period_parse(text ? text : "", out, err);

	if (rc)
		return rc;
	if (out->form != kind_period[k].form)
		return ug_fail(err, UG_EINVAL, "period",
			       "the period of a %s report is %s",
			       report_kind_names[k], kind_period[k].says);
	return 0;
}

int report_kind_has_commentary(enum report_kind k)
{
	return k == REPORT_WEEKLY || k == REPORT_MONTHLY;
}

/* ---- settings ----------------------------------------------------------- */

const char *const report_setting_names[RSET_COUNT] = {
	"office", "prefix", "addressees", "signer", "copy_to", "at", "kinds",
};

static const char *const setting_defaults[RSET_COUNT] = {
	"城市管理监督指挥中心", "城管督", "各街道办事处、各有关部门：",
	"城市管理监督指挥中心", "", "08:30", "inspection,bulletin,weekly,monthly",
};

/* The settings key of k: "report.office" ... */
static void key_of(int k, char out[32])
{
	snprintf(out, 32, "report.%s", report_setting_names[k]);
}

int report_settings_get(struct db *db, struct report_settings *out,
			struct ug_error *err)
{
	char key[32];

	for (int k = 0; k < RSET_COUNT; k++) {
		key_of(k, key);
		int rc = store_setting_get(db, key, out->value[k],
					   sizeof out->value[k], err);
		if (rc == -UG_ENOTFOUND) {
			ug_error_clear(err);
			snprintf(out->value[k], sizeof out->value[k], "%s",
				 setting_defaults[k]);
		} else if (rc) {
			return rc;
		}
	}
	return 0;
}

int report_at_minutes(const char *text)
{
	int h, m, n = 0;

	if (!text || sscanf(text, "%2d:%2d%n", &h, &m, &n) != 2 || n != 5 ||
	    text[n] || h < 0 || h > 23 || m < 0 || m > 59)
		return -1;
	return h * 60 + m;
}

int report_kinds_parse(const char *text)
{
	int bits = 0;

	while (text && *text) {
		size_t n = strcspn(text, ",");
		int k = 0;

		while (k < REPORT_KIND_COUNT &&
		       (strlen(report_kind_names[k]) != n ||
			strncmp(text, report_kind_names[k], n) != 0))
			k++;
		if (k == REPORT_KIND_COUNT)
			return -1;
		bits |= 1 << k;
		text += n;
		if (*text == ',' && !*++text)
			return -1;
	}
	return bits;
}

static int setting_check(int k, const char *text, struct ug_error *err)
{
	const char *name = report_setting_names[k];
	size_t n = text ? strlen(text) : 0;

	if (n > REPORT_SETTING_MAX)
		return ug_fail(err, UG_EINVAL, name,
			       "%s must be at most %d bytes", name,
			       REPORT_SETTING_MAX);
	if (k == RSET_AT && report_at_minutes(text) < 0)
		return ug_fail(err, UG_EINVAL, name,
			       "at is a time of day HH:MM (08:30)");
	if (k == RSET_KINDS && report_kinds_parse(text) < 0)
		return ug_fail(err, UG_EINVAL, name,
			       "kinds is a comma-separated list of inspection, "
			       "bulletin, weekly and monthly (or empty)");
	if (n == 0 && k != RSET_COPY_TO && k != RSET_KINDS)
		return ug_fail(err, UG_EINVAL, name, "%s must not be empty",
			       name);
	if (!ug_utf8_valid(text ? text : "", n))
		return ug_fail(err, UG_EINVAL, name, "%s is not UTF-8", name);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			return ug_fail(err, UG_EINVAL, name,
				       "%s must be one line of text", name);
	return 0;
}

json_t *report_settings_json(const struct report_settings *s)
{
	json_t *j = json_object();

	for (int k = 0; j && k < RSET_COUNT; k++)
		json_object_set_new(j, report_setting_names[k],
				    json_string(s->value[k]));
	return j;
}

static void settings_json(const struct report_settings *s, struct buf *b)
{
	json_t *j = report_settings_json(s);
	char *text;

	text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	buf_puts(b, text ? text : "{}");
	free(text);
	json_decref(j);
}

int report_settings_set(struct db *db, const struct actor *a,
			const int has[RSET_COUNT],
			const char *const text[RSET_COUNT], int64_t now,
			struct report_settings *out, struct ug_error *err)
{
	struct report_settings before;
	struct buf was = BUF_INIT, after = BUF_INIT;
	char key[32];
	int rc;

	if (!actor_is(a, ROLE_ADMIN))
		return ug_fail(err, UG_EFORBIDDEN, NULL,
			       "only the admin sets the reports' settings");
	for (int k = 0; k < RSET_COUNT; k++)
		if (has[k] && (rc = setting_check(k, text[k], err)))
			return rc;
	if ((rc = db_begin_write(db, err)))
		return rc;
	if ((rc = report_settings_get(db, &before, err)))
		goto end;
	*out = before;
	for (int k = 0; k < RSET_COUNT; k++) {
		if (!has[k])
			continue;
		snprintf(out->value[k], sizeof out->value[k], "%s", text[k]);
		key_of(k, key);
		if ((rc = store_setting_put(db, key, text[k], err)))
			goto end;
	}
	settings_json(&before, &was);
	settings_json(out, &after);
	rc = audit_write(db, a, now, "report_settings.edit", "report",
			 buf_str(&was), buf_str(&after), NULL, err);
end:
	rc = db_end(db, rc, err);
	buf_free(&was);
	buf_free(&after);
	return rc;
}

void report_number_text(const char *prefix, int year, int64_t number,
			char *out, size_t size)
{
	snprintf(out, size, "%s〔%d〕%lld号", prefix, year, (long long)number);
}

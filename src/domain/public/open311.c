/*
 * open311.c - the public channel in domain terms (see open311.h).
 */
#include "domain/public/open311.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "domain/cases/attachment.h"
#include "domain/cases/workflow.h"
#include "lib/util.h"

static const struct open311_value urgency_values[] = {
	{ "normal", "一般", "Normal" },
	{ "pressing", "较急", "Pressing" },
	{ "urgent", "紧急（危及安全）", "Urgent (a danger to people)" },
	{ NULL, NULL, NULL },
};

static const struct open311_value impact_values[] = {
	{ "pedestrians", "影响行人通行", "Blocks pedestrians" },
	{ "traffic", "影响车辆通行", "Blocks traffic" },
	{ "sanitation", "影响环境卫生", "Unsanitary" },
	{ "safety", "存在安全隐患", "Safety hazard" },
	{ NULL, NULL, NULL },
};

const struct open311_attribute open311_attributes[] = {
	{ "urgency", "singlevaluelist", 0, 1, "紧急程度",
	  "How urgent is it?", urgency_values, 0 },
	{ "impact", "multivaluelist", 0, 2, "造成的影响（可多选）",
	  "What does it affect? (any that apply)", impact_values, 0 },
	{ "component", "string", 0, 3,
	  "部件标识码（井盖、灯杆等设施上喷涂的编号，如有）",
	  "Identifier painted on the object (manhole cover, lamp post), "
	  "if any",
	  NULL, 1 },
};
const size_t open311_attribute_count =
	sizeof open311_attributes / sizeof open311_attributes[0];

const char *open311_status(const char *state)
{
	int s = case_state_parse(state);

	return s >= 0 && case_state_terminal(s) ? "closed" : "open";
}

const char *open311_update_status(const char *state)
{
	switch (case_state_parse(state)) {
	case CS_REPORTED: return "OPEN";
	case CS_VERIFIED: return "INVESTIGATING";
	case CS_FILED: return "ACTION_SCHEDULED";
	case CS_DISPATCHED: return "IN_PROGRESS";
	case CS_RETURNED: return "INTERNAL_REFERRAL";
	case CS_HUNG: return "ACTION_SCHEDULED";
	case CS_HANDLED: return "IN_PROGRESS";
	case CS_CHECKED: return "FIXED";
	case CS_CLOSED: return "FIXED";
	case CS_REJECTED: return "NOT_COUNCILS_RESPONSIBILITY";
	case CS_VOID: return "NO_FURTHER_ACTION";
	case CS_MERGED: return "DUPLICATE";
	default: return "OPEN";
	}
}

/* What a citizen reads for each action of the workflow; NULL: internal. */
struct event_words {
	const char *action;
	const char *zh, *en; /* %s: the department (dispatch) or the reason */
};

static const struct event_words event_words[] = {
	{ "report", "已受理，等待核实", "Report received, to be checked" },
	{ "verify", "监督员已现场核实", "Checked on site by an inspector" },
	{ "file", "已立案", "Accepted for action" },
	{ "dispatch", "已派遣至%s", "Assigned to %s" },
	{ "return", "正在重新派遣", "Being reassigned" },
	{ "handle", "已处置，等待核查", "Work done, to be inspected" },
	{ "hang", "需长期处置，已列入计划", "Long-running work, scheduled" },
	{ "close", "已结案", "Closed" },
	{ "reject", "不予立案：%s", "Not accepted: %s" },
	{ "void", "已作废：%s", "Cancelled: %s" },
	{ "merge", "与同一问题的其他举报合并处理",
	  "Merged with another report of the same problem" },
};

/* The name of the department a dispatch event sent the case to, into
 * name ("" if it cannot be told). */
static void dispatched_to(struct db *db, const struct case_event_row *e,
			  char name[NAME_MAX_BYTES + 1])
{
	json_t *d = json_loads(e->data, 0, NULL);
	const char *code = json_string_value(json_object_get(d, "department"));
	struct department dep;

	name[0] = '\0';
	if (code && store_department_get(db, code, &dep, NULL) == 0)
		snprintf(name, NAME_MAX_BYTES + 1, "%s", dep.name);
	json_decref(d);
}

int open311_event_text(struct db *db, const struct case_event_row *e,
		       enum open311_lang lang, char *out, size_t size)
{
	char department[NAME_MAX_BYTES + 1];
	const char *fmt = NULL, *arg = "";

	if (strcmp(e->action, "check") == 0) {
		/* A failed check sends the work back (state dispatched). */
		int passed = strcmp(e->to_state, "checked") == 0;

		fmt = lang == LANG_EN ? (passed ? "Inspection passed"
						: "Inspection failed, work "
						  "resumed")
				      : (passed ? "核查通过" : "核查未通过，返工");
	}
	for (size_t i = 0; !fmt && i < sizeof event_words / sizeof *event_words;
	     i++)
		if (strcmp(event_words[i].action, e->action) == 0)
			fmt = lang == LANG_EN ? event_words[i].en
					      : event_words[i].zh;
	if (!fmt)
		return 1;
	if (strcmp(e->action, "dispatch") == 0) {
		dispatched_to(db, e, department);
		arg = department[0] ? department
				    : (lang == LANG_EN ? "the department"
						       : "责任单位");
	}
	else if (strcmp(e->action, "reject") == 0 ||
		 strcmp(e->action, "void") == 0)
		arg = e->note;
	/* fmt is one of the constant strings above, with at most one %s. */
	snprintf(out, size, fmt, arg);
	return 0;
}

/* ---- submitting ------------------------------------------------------ */

static const struct open311_attribute *attribute_of(const char *code)
{
	for (size_t i = 0; i < open311_attribute_count; i++)
		if (strcmp(open311_attributes[i].code, code) == 0)
			return &open311_attributes[i];
	return NULL;
}

static int value_known(const struct open311_attribute *a, const char *v)
{
	for (const struct open311_value *x = a->values; x && x->key; x++)
		if (strcmp(x->key, v) == 0)
			return 1;
	return 0;
}

/* Check the attribute values against their definitions and gather them
 * into a JSON object (code -> string, or array for a multivaluelist).
 * Codes we do not define are kept as given: a client may send what its
 * own form asked (FixMyStreet sends attribute[uprn]). */
static int check_attributes(const struct open311_report *in, int component,
			    const char **urgency, const char **ident,
			    json_t **out, struct ug_error *err)
{
	json_t *obj = json_object();
	char field[96];

	if (!obj)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < in->nattrs; i++) {
		const char *code = in->attr_code[i], *v = in->attr_value[i];
		const struct open311_attribute *a = attribute_of(code);
		json_t *have = json_object_get(obj, code);

		snprintf(field, sizeof field, "attribute[%s]", code);
		if (strlen(code) > 64 || ug_utf8_len(v) > 500) {
			json_decref(obj);
			return ug_fail(err, UG_EINVAL, field,
				       "%.80s: attribute codes are at most 64 "
				       "characters and values at most 500",
				       field);
		}
		if (a && a->components_only && !component)
			a = NULL; /* not an attribute of this service */
		if (a && a->values && !value_known(a, v)) {
			json_decref(obj);
			return ug_fail(err, UG_EINVAL, field,
				       "%s: \"%.40s\" is not one of the "
				       "values of the service definition",
				       field, v);
		}
		if (a && strcmp(a->datatype, "multivaluelist") == 0) {
			if (!have) {
				have = json_array();
				json_object_set_new(obj, code, have);
			}
			/* A set: the same value twice counts once. */
			size_t k;
			json_t *x;
			int dup = 0;

			json_array_foreach(have, k, x)
				dup |= strcmp(json_string_value(x), v) == 0;
			if (!dup)
				json_array_append_new(have, json_string(v));
			continue;
		}
		if (have) {
			json_decref(obj);
			return ug_fail(err, UG_EINVAL, field,
				       "%s takes one value", field);
		}
		json_object_set_new(obj, code, json_string(v));
	}
	for (size_t i = 0; i < open311_attribute_count; i++) {
		const struct open311_attribute *a = &open311_attributes[i];

		if (a->required && (!a->components_only || component) &&
		    !json_object_get(obj, a->code)) {
			json_decref(obj);
			snprintf(field, sizeof field, "attribute[%s]", a->code);
			return ug_fail(err, UG_EINVAL, field,
				       "%s is required", field);
		}
	}
	*urgency = json_string_value(json_object_get(obj, "urgency"));
	*ident = component ? json_string_value(json_object_get(obj, "component"))
			   : NULL;
	*out = obj;
	return 0;
}

static int check_email(const char *s, struct ug_error *err)
{
	const char *at = strchr(s, '@');

	if (strlen(s) > EMAIL_MAX_BYTES || !at || at == s || !at[1] ||
	    strchr(at + 1, '@') || strpbrk(s, " \t\r\n<>\""))
		return ug_fail(err, UG_EINVAL, "email",
			       "email must be an address like name@example.org");
	return 0;
}

static int check_phone(const char *p, struct ug_error *err)
{
	size_t n = strlen(p), digits = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			digits++;
		else if (!(p[i] == '-' || p[i] == ' ' || (i == 0 && p[i] == '+')))
			return ug_fail(err, UG_EINVAL, "phone",
				       "phone may hold only digits, spaces, "
				       "'-' and a leading '+'");
	}
	if (digits < 3 || n > 20)
		return ug_fail(err, UG_EINVAL, "phone",
			       "phone must have 3 to 20 characters");
	return 0;
}

static int check_url(const char *s, struct ug_error *err)
{
	if (strlen(s) > MEDIA_URL_MAX_BYTES ||
	    (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0) ||
	    strpbrk(s, " \t\r\n<>\""))
		return ug_fail(err, UG_EINVAL, "media_url",
			       "media_url must be an http or https URL of at "
			       "most %d bytes", MEDIA_URL_MAX_BYTES);
	return 0;
}

static int check_short(const char *s, const char *field, size_t max,
		       struct ug_error *err)
{
	if (s && ug_utf8_len(s) > max)
		return ug_fail(err, UG_EINVAL, field,
			       "%s must be at most %zu characters", field, max);
	return 0;
}

/* What the intake transaction adds for a public report. */
struct submit_tx {
	struct open311_row *row;
	const struct attachment_row *photos;
	size_t nphotos;
	const char *client;
	int64_t now;
};

static int submit_in_tx(struct db *db, const struct case_row *c, void *ctx,
			struct ug_error *err)
{
	struct submit_tx *t = ctx;
	int rc;

	t->row->case_id = c->id;
	if ((rc = store_open311_insert(db, t->row, err)))
		return rc;
	for (size_t i = 0; i < t->nphotos; i++) {
		struct attachment_row a = t->photos[i];

		a.case_id = c->id;
		snprintf(a.kind, sizeof a.kind, "report");
		snprintf(a.created_by, sizeof a.created_by, "%s", t->client);
		a.created_at = t->now;
		if ((rc = store_attachment_insert(db, &a, err)))
			return rc;
	}
	return 0;
}

int open311_submit(struct db *db, const struct open311_env *env,
		   const struct actor *client, const struct open311_report *in,
		   int64_t now, struct case_row *c, struct open311_row *row,
		   struct ug_error *err)
{
	struct attachment_row photos[OPEN311_PHOTOS_MAX];
	struct case_intake ci;
	struct category cat;
	struct submit_tx tx;
	struct buf name = BUF_INIT, address = BUF_INIT, phone = BUF_INIT;
	struct buf links = BUF_INIT;
	const char *urgency = NULL, *ident = NULL;
	json_t *attrs = NULL;
	char *attrs_text = NULL;
	int rc;

	if (!in->service_code)
		return ug_fail(err, UG_EINVAL, "service_code",
			       "service_code was not provided");
	rc = strlen(in->service_code) > CODE_MAX
		     ? -UG_ENOTFOUND
		     : store_category_get(db, in->service_code, &cat, err);
	if (rc == -UG_ENOTFOUND || (rc == 0 && !cat.public_))
		return ug_fail(err, UG_ENOTFOUND, "service_code",
			       "service_code %.40s is not a service of this "
			       "city", in->service_code);
	if (rc)
		return rc;
	if (!in->has_location && !in->address_string && !in->address_id)
		return ug_fail(err, UG_EINVAL, "lat",
			       "a location is required: lat and long, "
			       "address_string or address_id");
	if ((rc = check_short(in->address_string, "address_string", 256,
			      err)) ||
	    (rc = check_short(in->address_id, "address_id", 64, err)) ||
	    (rc = check_short(in->name, "name", 100, err)) ||
	    (rc = check_short(in->first_name, "first_name", 50, err)) ||
	    (rc = check_short(in->last_name, "last_name", 50, err)) ||
	    (rc = check_short(in->device_id, "device_id", 128, err)) ||
	    (rc = check_short(in->account_id, "account_id", 128, err)) ||
	    (in->description && ug_utf8_len(in->description) > 4000 &&
	     (rc = ug_fail(err, UG_EINVAL, "description",
			   "description must be at most 4000 characters"))) ||
	    (in->email && (rc = check_email(in->email, err))) ||
	    (in->phone && (rc = check_phone(in->phone, err))) ||
	    (in->nmedia_urls > OPEN311_PHOTOS_MAX &&
	     (rc = ug_fail(err, UG_EINVAL, "media_url",
			   "at most %d media_url links per report",
			   OPEN311_PHOTOS_MAX))))
		return rc;
	for (size_t i = 0; i < in->nmedia_urls; i++)
		if ((rc = check_url(in->media_url[i], err)))
			return rc;
	if (in->nphotos > OPEN311_PHOTOS_MAX)
		return ug_fail(err, UG_EINVAL, in->photo_field[0],
			       "at most %d photos per report",
			       OPEN311_PHOTOS_MAX);
	if ((rc = check_attributes(in, strcmp(cat.kind, "component") == 0,
				   &urgency, &ident, &attrs, err)))
		return rc;
	/* Photos first, outside the transaction: a file without a row is
	 * harmless (content-addressed, written once), a row without a file
	 * is not. */
	for (size_t i = 0; i < in->nphotos; i++)
		if ((rc = attachment_save_file(env->files_dir, in->photo_field[i],
					       in->photo[i], in->photo_len[i],
					       env->photo_limit, &photos[i],
					       err)))
			goto out;
	memset(row, 0, sizeof *row);
	ug_random_hex(row->token, OPEN311_TOKEN_LEN / 2);
	snprintf(row->client, sizeof row->client, "%s",
		 client->user->username);
	snprintf(row->client_addr, sizeof row->client_addr, "%s",
		 in->client_addr ? in->client_addr : "");
	snprintf(row->email, sizeof row->email, "%s",
		 in->email ? in->email : "");
	snprintf(row->device_id, sizeof row->device_id, "%s",
		 in->device_id ? in->device_id : "");
	snprintf(row->account_id, sizeof row->account_id, "%s",
		 in->account_id ? in->account_id : "");
	for (size_t i = 0; i < in->nmedia_urls; i++)
		buf_printf(&links, "%s%s", i ? "\n" : "", in->media_url[i]);
	if (links.len > MEDIA_URL_MAX_BYTES) {
		rc = ug_fail(err, UG_EINVAL, "media_url",
			     "the media_url links are longer than %d bytes "
			     "altogether", MEDIA_URL_MAX_BYTES);
		goto out;
	}
	snprintf(row->media_url, sizeof row->media_url, "%s", buf_str(&links));
	attrs_text = json_dumps(attrs, JSON_COMPACT);
	if (!attrs_text || strlen(attrs_text) > ATTRIBUTES_MAX_BYTES) {
		rc = ug_fail(err, UG_EINVAL, "attribute",
			     "the attributes are too long altogether");
		goto out;
	}
	snprintf(row->attributes, sizeof row->attributes, "%s", attrs_text);
	if (in->name)
		buf_puts(&name, in->name);
	else if (in->first_name || in->last_name)
		buf_printf(&name, "%s%s%s", in->first_name ? in->first_name : "",
			   in->first_name && in->last_name ? " " : "",
			   in->last_name ? in->last_name : "");
	if (in->address_string)
		buf_puts(&address, in->address_string);
	else if (in->address_id)
		buf_printf(&address, "address_id %s", in->address_id);
	memset(&ci, 0, sizeof ci);
	ci.category = cat.code;
	ci.description = in->description ? in->description : cat.name;
	ci.source = "public";
	ci.urgency = urgency ? urgency : "normal";
	ci.address = buf_str(&address);
	ci.component = ident;
	ci.reporter_name = buf_str(&name);
	/* Spaces are how people write numbers, not part of them. */
	for (const char *p = in->phone; p && *p; p++)
		if (*p != ' ')
			buf_putc(&phone, *p);
	ci.reporter_phone = in->phone ? buf_str(&phone) : NULL;
	ci.has_location = in->has_location;
	ci.lon = in->lon;
	ci.lat = in->lat;
	tx.row = row;
	tx.photos = photos;
	tx.nphotos = in->nphotos;
	tx.client = client->user->username;
	tx.now = now;
	ci.in_transaction = submit_in_tx;
	ci.in_transaction_ctx = &tx;
	rc = case_intake(db, env->cases, client, &ci, now, c, NULL, err);
	/* The case module names its own fields; say them as the client
	 * sent them. */
	if (rc == -UG_EINVAL && strcmp(err->field, "lon") == 0)
		snprintf(err->field, sizeof err->field, "long");
	else if (rc == -UG_EINVAL && strcmp(err->field, "reporter_phone") == 0)
		snprintf(err->field, sizeof err->field, "phone");
	else if (rc == -UG_EINVAL && strcmp(err->field, "component") == 0)
		snprintf(err->field, sizeof err->field, "attribute[component]");
out:
	json_decref(attrs);
	free(attrs_text);
	buf_free(&name);
	buf_free(&address);
	buf_free(&phone);
	buf_free(&links);
	return rc;
}

/* ---- reading ---------------------------------------------------------- */

/* The version is asked at every public read, and reading it is a read
 * transaction of its own (the file locks of SQLite's shared memory): a
 * seventh of a cached read's time.  Each thread keeps the last one it
 * read with the count of this process's writes then (db_writes()): while
 * nothing was written here since, and for at most
 * OPEN311_VERSION_RECHECK_US, it is still the version.  So a change made
 * through this server shows at once; one made by another process on the
 * same database (another app server, the command line) within that
 * bound. */
#define OPEN311_VERSION_RECHECK_US 100000

int open311_answers_version(struct db *db, int64_t out[3],
			    struct ug_error *err)
{
	static _Thread_local struct {
		int known;
		uint64_t writes;
		int64_t read_at_us;
		int64_t v[3];
	} last;
	uint64_t writes = db_writes();
	int64_t now = ug_monotonic_us();
	int rc;

	if (last.known && last.writes == writes &&
	    now - last.read_at_us < OPEN311_VERSION_RECHECK_US) {
		memcpy(out, last.v, sizeof last.v);
		return 0;
	}
	/* The count is taken before the read: a write between them makes
	 * the next call read again. */
	if ((rc = store_open311_version(db, out, err)))
		return rc;
	last.known = 1;
	last.writes = writes;
	last.read_at_us = now;
	memcpy(last.v, out, sizeof last.v);
	return 0;
}

int open311_find(struct db *db, const char *id, struct case_row *c,
		 struct ug_error *err)
{
	struct category cat;
	int rc;

	if (strlen(id) >= sizeof c->number || !ug_is_digits(id, 0))
		return ug_fail(err, UG_ENOTFOUND, "service_request_id",
			       "no service request %.40s", id);
	rc = store_case_by_number(db, id, c, err);
	if (rc == 0 && (rc = store_category_get(db, c->category, &cat, err)) ==
			       0 &&
	    !cat.public_)
		rc = -UG_ENOTFOUND;
	if (rc == -UG_ENOTFOUND)
		return ug_fail(err, UG_ENOTFOUND, "service_request_id",
			       "no service request %s", id);
	return rc;
}

int open311_find_token(struct db *db, const char *token, struct case_row *c,
		       struct open311_row *row, struct ug_error *err)
{
	int rc;

	if (strlen(token) != OPEN311_TOKEN_LEN)
		return ug_fail(err, UG_ENOTFOUND, "token", "no such token");
	rc = store_open311_by_token(db, token, row, err);
	if (rc == 0)
		rc = store_case_get(db, row->case_id, c, err);
	if (rc == -UG_ENOTFOUND)
		return ug_fail(err, UG_ENOTFOUND, "token", "no such token");
	return rc;
}

int open311_id_released(const struct open311_env *env,
			const struct case_row *c)
{
	return !env->ids_after_verify || strcmp(c->state, "reported") != 0;
}

/* Words for the state a case is in, when no event says more. */
static const char *state_words(const char *state, enum open311_lang lang)
{
	static const struct {
		const char *state, *zh, *en;
	} w[] = {
		{ "reported", "已受理，等待核实", "Received, to be checked" },
		{ "verified", "已核实，等待立案", "Checked, to be accepted" },
		{ "filed", "已立案，等待派遣", "Accepted, to be assigned" },
		{ "dispatched", "处置中", "In progress" },
		{ "returned", "正在重新派遣", "Being reassigned" },
		{ "hung", "需长期处置，已列入计划", "Long-running work, scheduled" },
		{ "handled", "已处置，等待核查", "Work done, to be inspected" },
		{ "checked", "核查通过，等待结案", "Inspected, to be closed" },
		{ "closed", "已结案", "Closed" },
		{ "rejected", "不予立案", "Not accepted" },
		{ "void", "已作废", "Cancelled" },
		{ "merged", "已合并", "Merged" },
	};

	for (size_t i = 0; i < sizeof w / sizeof *w; i++)
		if (strcmp(w[i].state, state) == 0)
			return lang == LANG_EN ? w[i].en : w[i].zh;
	return state;
}

struct last_event {
	const char *state;
	struct case_event_row *e;
	int found;
};

static int keep_last_into(void *ctx, const struct case_event_row *e)
{
	struct last_event *l = ctx;

	/* The event that moved the case into its state: not one that left
	 * the state as it was (a locate, a deadline recomputed). */
	if (strcmp(e->to_state, l->state) == 0 &&
	    strcmp(e->from_state, e->to_state) != 0) {
		*l->e = *e;
		l->found = 1;
	}
	return 0;
}

/* status_notes: what the event that put the case in its state says
 * (with its reason or department), else the state's words. */
static int notes_of(struct db *db, const struct case_row *c,
		    enum open311_lang lang, char *out,
		    size_t size, struct ug_error *err)
{
	struct case_event_row *e;
	struct last_event l = { c->state, NULL, 0 };
	int rc;

	/* Only these states have more to say than their words: the reason,
	 * the department.  The others need no look at the history. */
	if (strcmp(c->state, "rejected") && strcmp(c->state, "void") &&
	    strcmp(c->state, "dispatched")) {
		snprintf(out, size, "%s", state_words(c->state, lang));
		return 0;
	}
	e = l.e = malloc(sizeof *e);
	if (!e)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	rc = store_case_events(db, c->id, keep_last_into, &l, err);
	if (rc == 0 &&
	    !(l.found && open311_event_text(db, e, lang, out, size) == 0))
		snprintf(out, size, "%s", state_words(c->state, lang));
	free(e);
	return rc;
}

struct photo_ctx {
	struct open311_view *v;
};

static int add_photo(void *ctx, const struct attachment_row *a)
{
	struct open311_view *v = ctx;

	/* Before and after photos are the reporter's and the department's;
	 * inspectors' check photos stay inside. */
	if (v->nphotos < OPEN311_PHOTOS_MAX &&
	    (strcmp(a->kind, "report") == 0 || strcmp(a->kind, "handle") == 0))
		v->photo[v->nphotos++] = a->id;
	return 0;
}

int open311_view(struct db *db, const struct case_row *c,
		 enum open311_lang lang, struct open311_view *v,
		 struct ug_error *err)
{
	struct category cat;
	struct department dep;
	struct open311_row *row = malloc(sizeof *row);
	struct case_row *target = NULL;
	char kind[16];
	int rc;

	if (!row)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	memset(v, 0, sizeof *v);
	if ((rc = store_category_get(db, c->category, &cat, err)) ||
	    (rc = store_category_major_get(db, cat.major, kind, v->group,
					   err)))
		goto out;
	snprintf(v->service_name, sizeof v->service_name, "%s",
		 lang == LANG_EN && cat.name_en[0] ? cat.name_en : cat.name);
	if (lang == LANG_EN && cat.major_name_en[0])
		snprintf(v->group, sizeof v->group, "%s", cat.major_name_en);
	if (c->department[0] &&
	    store_department_get(db, c->department, &dep, NULL) == 0)
		snprintf(v->agency, sizeof v->agency, "%s", dep.name);
	snprintf(v->status, sizeof v->status, "%s", open311_status(c->state));
	if ((rc = notes_of(db, c, lang, v->status_notes,
			   sizeof v->status_notes, err)))
		goto out;
	v->updated = c->closed_at ? c->closed_at : c->updated_at;
	v->expected = case_state_terminal(case_state_parse(c->state))
			      ? 0
			      : c->deadline;
	if (c->merged_into) {
		/* A merged report is followed through the case it joined. */
		char joined[sizeof v->status_notes];

		target = malloc(sizeof *target);
		if (!target) {
			rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
			goto out;
		}
		if ((rc = store_case_get(db, c->merged_into, target, err)) ||
		    (rc = store_category_get(db, target->category, &cat,
					     err)) ||
		    (rc = notes_of(db, target, lang, joined, sizeof joined,
				   err)))
			goto out;
		snprintf(v->status, sizeof v->status, "%s",
			 open311_status(target->state));
		/* The case joined may be of a class the public does not see:
		 * then only whether it is open or closed is told. */
		if (cat.public_) {
			snprintf(v->parent, sizeof v->parent, "%s",
				 target->number);
			snprintf(v->status_notes, sizeof v->status_notes,
				 lang == LANG_EN ? "Merged into %s: %s"
						 : "已合并到案件 %s：%s",
				 target->number, joined);
		} else {
			snprintf(v->status_notes, sizeof v->status_notes, "%s",
				 lang == LANG_EN
					 ? "Merged with another report"
					 : "已与其他举报合并处理");
		}
		v->expected = case_state_terminal(case_state_parse(
				      target->state))
				      ? 0
				      : target->deadline;
		if (target->updated_at > v->updated)
			v->updated = target->closed_at ? target->closed_at
						       : target->updated_at;
	}
	if ((rc = store_attachments_of_case(db, c->id, add_photo, v, err)))
		goto out;
	/* The case's rating, a callback's or the reporter's (one per
	 * case; the reporter's is also on the Open311 row, read below,
	 * which a row read before the rating lacks). */
	v->has_rating = c->rating[0] != '\0';
	snprintf(v->rating, sizeof v->rating, "%s", c->rating);
	rc = store_open311_get(db, c->id, row, err);
	if (rc == 0) {
		snprintf(v->media_url, sizeof v->media_url, "%s", row->media_url);
		if (!v->has_rating && row->rating[0]) {
			v->has_rating = 1;
			snprintf(v->rating, sizeof v->rating, "%s", row->rating);
		}
	} else if (rc == -UG_ENOTFOUND) {
		rc = 0;
		ug_error_clear(err);
	}
out:
	free(row);
	free(target);
	return rc;
}

struct notes_ctx {
	struct db *db;
	enum open311_lang lang;
	open311_note_cb cb;
	void *ctx;
	int rc;
	struct ug_error *err;
};

static int note_of_event(void *ctx, const struct case_event_row *e)
{
	struct notes_ctx *n = ctx;
	char text[1024];

	if (open311_event_text(n->db, e, n->lang, text, sizeof text))
		return 0;
	return n->cb(n->ctx, e->at, e->action, text);
}

int open311_notes(struct db *db, const struct case_row *c,
		  enum open311_lang lang, open311_note_cb cb, void *ctx,
		  struct ug_error *err)
{
	struct notes_ctx n = { db, lang, cb, ctx, 0, err };

	return store_case_events(db, c->id, note_of_event, &n, err);
}

/* ---- what citizens send afterwards ------------------------------------ */

int open311_comment(struct db *db, const struct actor *client,
		    const char *service_request_id, const char *update_id,
		    const char *description, int64_t now, int64_t *event_id,
		    struct ug_error *err)
{
	struct case_row *c;
	int rc;

	if (!update_id || !*update_id)
		return ug_fail(err, UG_EINVAL, "update_id",
			       "update_id was not provided");
	if (strlen(update_id) > 64)
		return ug_fail(err, UG_EINVAL, "update_id",
			       "update_id must be at most 64 characters");
	if (!description || !*description)
		return ug_fail(err, UG_EINVAL, "description",
			       "description was not provided");
	if (ug_utf8_len(description) > 2000)
		return ug_fail(err, UG_EINVAL, "description",
			       "description must be at most 2000 characters");
	if (!service_request_id)
		return ug_fail(err, UG_EINVAL, "service_request_id",
			       "service_request_id was not provided");
	c = malloc(sizeof *c);
	if (!c)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	if ((rc = open311_find(db, service_request_id, c, err)))
		goto out;
	/* A client speaks for its own area, as when it files reports (the
	 * request itself is public: saying it lies elsewhere tells nothing
	 * the public pages do not). */
	if (client->scope.kind == SCOPE_AREA &&
	    !scope_covers_area(&client->scope, c->area)) {
		rc = ug_fail(err, UG_EFORBIDDEN, "service_request_id",
			     "service request %s lies outside this client's "
			     "area", c->number);
		goto out;
	}
	if ((rc = db_begin_write(db, err)))
		goto out;
	if ((rc = case_annotate(db, NULL, client, c, "comment", description,
				NULL, now, event_id, err)) ||
	    (rc = store_open311_update_insert(db, client->user->username,
					      update_id,
					      c->id, *event_id, err)) ||
	    (rc = db_commit(db, err)))
		db_rollback(db);
out:
	free(c);
	return rc;
}

int open311_rate(struct db *db, const struct case_env *cases,
		 const char *token, const char *rating, const char *comment,
		 int64_t now, struct ug_error *err)
{
	struct case_row *c;
	struct open311_row *row;
	struct user client;
	struct actor who;
	struct buf note = BUF_INIT;
	json_t *data = NULL;
	int rc, r = case_rating_parse(rating);

	if (r < 0)
		return ug_fail(err, UG_EINVAL, "rating",
			       "rating must be satisfied, basically_satisfied "
			       "or dissatisfied");
	if (comment && ug_utf8_len(comment) > 500)
		return ug_fail(err, UG_EINVAL, "comment",
			       "comment must be at most 500 characters");
	c = malloc(sizeof *c);
	row = malloc(sizeof *row);
	data = json_pack("{s:s}", "rating", case_ratings[r]);
	if (!c || !row || !data) {
		rc = ug_fail(err, UG_ENOMEM, NULL, "out of memory");
		goto out;
	}
	/* The token is the credential; the history names the account the
	 * report came through. */
	if ((rc = open311_find_token(db, token, c, row, err)) ||
	    (rc = store_user_by_name(db, row->client, &client, NULL, err)))
		goto out;
	actor_of(&client, "", &who);
	if (strcmp(c->state, "closed") != 0) {
		rc = ug_fail(err, UG_ECONFLICT, "rating",
			     "a report can be rated once it is closed (now: "
			     "%s)", state_words(c->state, LANG_ZH));
		goto out;
	}
	/* One rating per case: a receptionist may have called back. */
	if (c->rating[0]) {
		rc = ug_fail(err, UG_ECONFLICT, "rating",
			     "this report has been rated already");
		goto out;
	}
	buf_printf(&note, "%s%s%s", case_ratings_zh[r],
		   comment && *comment ? "：" : "", comment ? comment : "");
	if ((rc = db_begin_write(db, err)))
		goto out;
	if ((rc = store_open311_rate(db, c->id, case_ratings[r], comment, now,
				     err)) ||
	    (rc = store_case_set_rating(db, c->id, case_ratings[r], err)) ||
	    (rc = case_annotate(db, cases, &who, c, "rate", buf_str(&note),
				data, now, NULL, err)) ||
	    (rc = db_commit(db, err)))
		db_rollback(db);
out:
	buf_free(&note);
	json_decref(data);
	free(c);
	free(row);
	return rc;
}

/* ---- what the public may read ------------------------------------------ */

struct public_only {
	store_category_cb cb;
	void *ctx;
};

static int public_category(void *ctx, const struct category *c)
{
	struct public_only *p = ctx;

	return c->public_ ? p->cb(p->ctx, c) : 0;
}

int open311_services(struct db *db, store_category_cb cb, void *ctx,
		     struct ug_error *err)
{
	struct public_only p = { cb, ctx };

	return store_category_list(db, public_category, &p, err);
}

int open311_service(struct db *db, const char *code, struct category *out,
		    struct ug_error *err)
{
	int rc = !code || strlen(code) > CODE_MAX
			 ? -UG_ENOTFOUND
			 : store_category_get(db, code, out, err);

	if (rc == -UG_ENOTFOUND || (rc == 0 && !out->public_))
		return ug_fail(err, UG_ENOTFOUND, "service_code",
			       "service_code is not a service of this city");
	return rc;
}

int open311_requests(struct db *db, const char *categories,
		     const char *states, int64_t from, int64_t to,
		     int64_t limit, int64_t offset, store_case_cb cb,
		     void *ctx, struct ug_error *err)
{
	return store_case_list_public(db, categories, states, from, to, limit,
				      offset, cb, ctx, err);
}

int open311_updates(struct db *db, int64_t from, int64_t to, int64_t limit,
		    store_public_event_cb cb, void *ctx,
		    struct ug_error *err)
{
	return store_case_events_public(db, from, to, limit, cb, ctx, err);
}

int open311_photo(struct db *db, int64_t id, struct attachment_row *out,
		  struct ug_error *err)
{
	struct case_row *c = malloc(sizeof *c);
	struct ug_error why;
	int rc;

	if (!c)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	ug_error_clear(&why);
	rc = store_attachment_get(db, id, out, &why);
	if (rc == 0 && strcmp(out->kind, "report") && strcmp(out->kind, "handle"))
		rc = -UG_ENOTFOUND;
	if (rc == 0)
		rc = store_case_get(db, out->case_id, c, &why);
	if (rc == 0)
		rc = open311_find(db, c->number, c, &why);
	free(c);
	if (rc == -UG_ENOTFOUND || rc == -UG_EINVAL)
		return ug_fail(err, UG_ENOTFOUND, "id", "no such photo");
	if (rc && err)
		*err = why;
	return rc;
}

/*
 * h_cases.c - case intake, lists, one case with its history, actions, and
 * the "when is this due?" calculator.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "domain/cases/attachment.h"
#include "domain/cases/case.h"
#include "domain/cases/routing.h"
#include "domain/cases/view.h"
#include "lib/iso8601.h"
#include "lib/util.h"

json_t *json_local(const struct web_ctx *c, int64_t t)
{
	char buf[40];

	if (!t)
		return json_null();
	iso8601_format(t, c->cases.utc_offset, buf, sizeof buf);
	return json_string(buf);
}

/* The history and photos of one case (case_view's callbacks). */
struct history_ctx {
	const struct web_ctx *c;
	json_t *list;
	json_t *photos; /* by kind */
};

static int add_event(void *ctx, const struct case_event_row *e)
{
	struct history_ctx *h = ctx;
	json_error_t jerr;
	json_t *data = json_loads(e->data, 0, &jerr);

	json_array_append_new(
		h->list,
		json_pack("{s:I, s:o, s:s, s:s, s:s, s:o, s:s, s:s, s:o}", "id",
			  (json_int_t)e->id, "at", json_local(h->c, e->at),
			  "actor", e->actor,
			  "actor_role", e->actor_role, "action", e->action,
			  "from_state",
			  e->from_state[0] ? json_string(e->from_state)
					   : json_null(),
			  "to_state", e->to_state, "note", e->note, "data",
			  data ? data : json_object()));
	return 0;
}

/* The actions the caller may take on the case now, by their API names
 * in the workflow table's order. */
static json_t *json_actions(const struct actor *a, const struct case_row *r)
{
	unsigned allowed = case_actions_allowed(a, r);
	json_t *list = json_array();

	for (int i = 0; i < CA_COUNT; i++)
		if (allowed & CA_BIT(case_transitions[i].action))
			json_array_append_new(
				list, json_string(case_transitions[i].name));
	return list;
}

/* A case as the API shows it; r comes from the access layer, redacted
 * for the caller already. */
json_t *json_case(const struct web_ctx *c, const struct case_row *r)
{
	int state = case_state_parse(r->state);
	int src = case_source_parse(r->source);
	int urg = urgency_parse(r->urgency);
	json_t *o;
	o = json_pack(
		"{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s,"
		" s:i, s:s, s:s}",
		"id", (json_int_t)r->id, "number", r->number, "version",
		(json_int_t)r->version, "state", r->state, "state_name",
		state >= 0 ? case_states[state].name_zh : "", "source",
		r->source, "source_name", src >= 0 ? case_source_names_zh[src] : "",
		"category", r->category, "standard_id",
		(json_int_t)r->standard_id, "urgency", r->urgency,
		"urgency_name", urg >= 0 ? urgency_names_zh[urg] : "",
		"description", r->description, "priority", r->priority,
		"address", r->address, "area", r->area);
	if (!o)
		return NULL;
	json_object_set_new(o, "location",
			    r->has_location
				    ? json_pack("{s:f, s:f}", "lon", r->lon,
						"lat", r->lat)
				    : json_null());
#define OPT(key, v) json_object_set_new(o, key, (v)[0] ? json_string(v) : json_null())
	OPT("grid", r->grid);
	OPT("community", r->community);
	OPT("street", r->street);
	OPT("district", r->district);
	OPT("component", r->component);
	OPT("department", r->department);
	OPT("stage", r->stage);
	OPT("assignee", r->assignee);
	OPT("rating", r->rating);
#undef OPT
	json_object_set_new(o, "reporter",
			    json_pack("{s:s, s:s}", "name", r->reporter_name,
				      "phone", r->reporter_phone));
	json_object_set_new(o, "deadline", json_local(c, r->deadline));
	json_object_set_new(o, "deadline_provisional",
			    json_boolean(case_deadline_provisional(&c->cases,
								   r)));
	json_object_set_new(o, "stage_started_at",
			    json_local(c, r->stage_started_at));
	json_object_set_new(o, "light",
			    json_string(case_light(&c->cases, r,
						   ug_now_s())));
	json_object_set_new(o, "rework_count", json_integer(r->rework_count));
	json_object_set_new(o, "extension_requested_hours",
			    r->extension_hours ? json_integer(r->extension_hours)
					       : json_null());
	json_object_set_new(o, "merged_into",
			    r->merged_into ? json_integer(r->merged_into)
					   : json_null());
	json_object_set_new(o, "created_by", json_string(r->created_by));
	json_object_set_new(o, "created_at", json_local(c, r->created_at));
	json_object_set_new(o, "updated_at", json_local(c, r->updated_at));
	json_object_set_new(o, "closed_at", json_local(c, r->closed_at));
	json_object_set_new(o, "actions", json_actions(&c->actor, r));
	return o;
}

/* Names of the role bits set in `roles`, in the role table's order. */
static json_t *json_role_names(unsigned roles)
{
	json_t *list = json_array();

	for (int r = 0; r < ROLE_COUNT; r++)
		if (roles & ROLE_BIT(r))
			json_array_append_new(list,
					      json_string(role_table[r].name));
	return list;
}

/* GET /api/v1/workflow: the workflow table itself (domain/cases/
 * workflow.c), for clients that draw forms and buttons from it - the
 * console among them - rather than keep a copy. */
void h_workflow(struct web_ctx *c)
{
	json_t *states = json_array(), *actions = json_array();
	json_t *stages = json_array(), *sources = json_array();

	for (int i = 0; i < STAGE_COUNT; i++)
		json_array_append_new(stages,
				      json_pack("{s:s, s:s}", "stage",
						case_stages[i].name, "name",
						case_stages[i].name_zh));
	for (int i = 0; i < CS_COUNT; i++) {
		int st = case_states[i].stage;

		json_array_append_new(
			states,
			json_pack("{s:s, s:s, s:o, s:b}", "state",
				  case_states[i].name, "name",
				  case_states[i].name_zh, "stage",
				  st >= 0 ? json_string(case_stages[st].name)
					  : json_null(),
				  "terminal", case_state_terminal(i)));
	}
	for (int i = 0; i < CA_COUNT; i++) {
		const struct case_transition *t = &case_transitions[i];
		json_t *from = json_array(), *needs = json_array();

		for (int s = 0; s < CS_COUNT; s++)
			if (t->from & CS_BIT(s))
				json_array_append_new(
					from, json_string(case_states[s].name));
		for (int n = 0; n < NEED_COUNT; n++)
			if (t->needs & (1u << n))
				json_array_append_new(
					needs, json_string(case_need_names[n]));
		json_array_append_new(
			actions,
			json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o}",
				  "action", t->name, "name", t->name_zh,
				  "from", from, "to",
				  t->to >= 0 ? json_string(case_states[t->to].name)
					     : json_null(),
				  "to_failed",
				  t->to_failed >= 0
					  ? json_string(
						    case_states[t->to_failed].name)
					  : json_null(),
				  "roles", json_role_names(t->roles), "needs",
				  needs));
	}
	for (int i = 0; i < SRC_COUNT; i++)
		json_array_append_new(
			sources,
			json_pack("{s:s, s:s, s:o}", "source",
				  case_source_names[i], "name",
				  case_source_names_zh[i], "roles",
				  json_role_names(case_source_roles[i])));
	reply_json(c, 200,
		   json_pack("{s:o, s:o, s:o, s:o}", "stages", stages, "states",
			     states, "actions", actions, "sources", sources));
}

/* [{id, number, distance_m}] of likely duplicates. */
static json_t *json_duplicates(const struct case_duplicates *d)
{
	json_t *list = json_array();

	for (int i = 0; i < d->n; i++)
		json_array_append_new(
			list, json_pack("{s:I, s:s, s:f}", "id",
					(json_int_t)d->id[i], "number",
					d->number[i], "distance_m",
					d->distance_m[i]));
	return list;
}

const struct field_spec case_create_body[11] = {
	{ "category", FIELD_STRING, 1, 1, CODE_MAX },
	{ "description", FIELD_STRING, 1, 1, 4000 },
	{ "source", FIELD_STRING, 1, 1, 16 },
	{ "urgency", FIELD_STRING, 1, 1, 16 },
	{ "lon", FIELD_NUMBER, 0, -180, 180 },
	{ "lat", FIELD_NUMBER, 0, -90, 90 },
	{ "address", FIELD_STRING, 0, 0, 256 },
	{ "area", FIELD_STRING, 0, 1, CODE_MAX },
	{ "component", FIELD_STRING, 0, 0, CODE_MAX },
	{ "reporter_name", FIELD_STRING, 0, 0, 100 },
	{ "reporter_phone", FIELD_STRING, 0, 0, 20 },
};

void h_cases_create(struct web_ctx *c)
{
	const struct field_spec *spec = case_create_body;
	enum { CAT, DESC, SRC, URG, LON, LAT, ADDR, AREA, COMP, RNAME, RPHONE };
	struct field_value v[11];
	struct case_intake in;
	struct case_duplicates dups;
	struct case_row *row;
	struct ug_error err;
	json_t *root, *body;

	if (api_decode(c, spec, 11, v, &root))
		return;
	ug_error_clear(&err);
	if (v[LON].present != v[LAT].present) {
		ug_fail(&err, UG_EINVAL, v[LON].present ? "lat" : "lon",
			"lon and lat go together");
		json_decref(root);
		reply_ug_error(c, &err);
		return;
	}
	memset(&in, 0, sizeof in);
	in.category = v[CAT].str;
	in.description = v[DESC].str;
	in.source = v[SRC].str;
	in.urgency = v[URG].str;
	in.has_location = v[LON].present;
	in.lon = v[LON].num;
	in.lat = v[LAT].num;
	in.address = v[ADDR].present ? v[ADDR].str : NULL;
	in.area = v[AREA].present ? v[AREA].str : NULL;
	in.component = v[COMP].present ? v[COMP].str : NULL;
	in.reporter_name = v[RNAME].present ? v[RNAME].str : NULL;
	in.reporter_phone = v[RPHONE].present ? v[RPHONE].str : NULL;
	row = malloc(sizeof *row);
	if (!row || case_intake(c->db, &c->cases, &c->actor, &in, ug_now_s(),
				row, &dups, &err)) {
		if (!row)
			ug_fail(&err, UG_ENOMEM, NULL, "out of memory");
		free(row);
		json_decref(root);
		reply_ug_error(c, &err);
		return;
	}
	json_decref(root);
	case_redact(&c->actor, row);
	body = json_case(c, row);
	json_object_set_new(body, "likely_duplicates", json_duplicates(&dups));
	free(row);
	reply_json(c, 201, body);
}

struct list_ctx {
	struct web_ctx *c;
	json_t *items;
	int suggest;              /* ?suggest=1: the dispatch suggestion too */
	struct ug_error *err;
};

static json_t *json_suggestion(const struct routing_suggestion *sug)
{
	return json_pack("{s:o, s:o, s:s}", "department",
			 sug->department[0] ? json_string(sug->department)
					    : json_null(),
			 "name",
			 sug->department[0] ? json_string(sug->name)
					    : json_null(),
			 "reason", sug->reason);
}

static int add_case(void *ctx, const struct case_row *r)
{
	struct list_ctx *l = ctx;
	json_t *o = json_case(l->c, r);
	struct routing_suggestion sug;
	int rc;

	if (l->suggest &&
	    (rc = case_suggestion(l->c->db, r, &sug, l->err)) != 0) {
		if (rc < 0) {
			json_decref(o);
			return rc;
		}
		json_object_set_new(o, "dispatch_suggestion",
				    json_suggestion(&sug));
	}
	json_array_append_new(l->items, o);
	return 0;
}

/* Index of word w in list, or -1. */
static int word_index(const char *w, const char *const *list, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(w, list[i]) == 0)
			return i;
	return -1;
}

/* The filters of GET /api/v1/cases (and of its counts) from the query
 * into *f; 0, or UG_EINVAL naming the parameter. */
static int case_filter_parse(struct web_ctx *c, struct case_filter *f,
			     struct ug_error *err)
{
	static const char *const filters[] = { "q", "category", "district",
					       "street", "community", "grid",
					       "department", "assignee" };
	static const char *const lights[] = { "red", "yellow", "green",
					      "none" };
	const char *state = http_query(c->req, "state");
	int64_t overdue, extension, supervised;
	int n = 0;

	memset(f, 0, sizeof *f);
	if (query_int(c, "overdue", 0, 1, 0, &overdue, err) ||
	    query_int(c, "extension", 0, 1, 0, &extension, err) ||
	    query_int(c, "supervised", 0, 1, 0, &supervised, err) ||
	    query_time(c, "from", &f->from, err) ||
	    query_time(c, "to", &f->to, err))
		return -err->code;
	for (size_t i = 0; i < sizeof filters / sizeof *filters; i++) {
		const char *v = http_query(c->req, filters[i]);

		if (v && strlen(v) > (i == 0 ? 200 : CODE_MAX))
			return ug_fail(err, UG_EINVAL, filters[i],
				       "%s is too long", filters[i]);
	}
	if (state && *state) {
		char *save = NULL, *tok;
		char *states = arena_strndup(&c->req->arena, state,
					     strlen(state));

		for (tok = strtok_r(states, ",", &save); tok && n < 15;
		     tok = strtok_r(NULL, ",", &save)) {
			if (case_state_parse(tok) < 0)
				return ug_fail(err, UG_EINVAL, "state",
					       "unknown state %s", tok);
			f->states[n++] = tok;
		}
	}
	f->source = http_query(c->req, "source");
	if (f->source && *f->source && case_source_parse(f->source) < 0)
		return ug_fail(err, UG_EINVAL, "source",
			       "unknown source %.40s", f->source);
	f->light = http_query(c->req, "light");
	if (f->light && *f->light && word_index(f->light, lights, 4) < 0)
		return ug_fail(err, UG_EINVAL, "light",
			       "light is red, yellow, green or none");
	f->category = http_query(c->req, "category");
	/* The most precise area filter given wins (codes nest). */
	for (size_t i = 5; i >= 2 && !(f->area_prefix && *f->area_prefix); i--)
		f->area_prefix = http_query(c->req, filters[i]);
	f->department = http_query(c->req, "department");
	/* assignee=me: the caller's own verification tasks. */
	f->assignee = http_query(c->req, "assignee");
	if (f->assignee && strcmp(f->assignee, "me") == 0)
		f->assignee = c->user->username;
	f->q = http_query(c->req, "q");
	f->overdue = (int)overdue;
	f->extension_pending = (int)extension;
	f->supervised = (int)supervised;
	f->now = ug_now_s();
	return 0;
}

/* near=lon,lat (WGS84): the list nearest first to that point (the
 * domain checks the range).  0, or UG_EINVAL naming "near". */
static int near_parse(struct web_ctx *c, struct case_filter *f,
		      struct ug_error *err)
{
	const char *near = http_query(c->req, "near");
	char *end = NULL;

	if (!near)
		return 0;
	errno = 0;
	f->near_lon = strtod(near, &end);
	if (end == near || *end != ',' || errno)
		goto bad;
	near = end + 1;
	f->near_lat = strtod(near, &end);
	if (end == near || *end || errno)
		goto bad;
	f->near = 1;
	return 0;
bad:
	return ug_fail(err, UG_EINVAL, "near", "near is lon,lat (WGS84)");
}

void h_cases_list(struct web_ctx *c)
{
	struct case_filter f;
	struct ug_error err;
	struct list_ctx l = { c, NULL, 0, &err };
	int64_t page, per_page, total = 0, suggest;
	const char *sort = http_query(c->req, "sort");

	ug_error_clear(&err);
	if (case_filter_parse(c, &f, &err) ||
	    query_int(c, "page", 1, 1000000, 1, &page, &err) ||
	    query_int(c, "per_page", 1, 200, 50, &per_page, &err) ||
	    query_int(c, "suggest", 0, 1, 0, &suggest, &err))
		goto fail;
	l.suggest = (int)suggest;
	if (sort && strcmp(sort, "deadline") != 0 &&
	    strcmp(sort, "newest") != 0) {
		ug_fail(&err, UG_EINVAL, "sort", "sort is deadline or newest");
		goto fail;
	}
	f.by_deadline = sort && strcmp(sort, "deadline") == 0;
	if (near_parse(c, &f, &err))
		goto fail;
	f.limit = per_page;
	f.offset = (page - 1) * per_page;
	l.items = json_array();
	if (case_list(c->db, &c->actor, &f, add_case, &l, &total, &err)) {
		json_decref(l.items);
		goto fail;
	}
	reply_json(c, 200, json_pack("{s:o, s:I, s:I, s:I}", "cases", l.items,
				     "total", (json_int_t)total, "page",
				     (json_int_t)page, "per_page",
				     (json_int_t)per_page));
	return;
fail:
	reply_ug_error(c, &err);
}

struct points_ctx {
	json_t *list;
	int64_t n;
};

static int add_point(void *ctx, int64_t id, double lon, double lat,
		     const char *light)
{
	struct points_ctx *p = ctx;

	json_array_append_new(p->list, json_pack("[I, f, f, s]", (json_int_t)id,
						 lon, lat, light));
	p->n++;
	return 0;
}

/* GET /api/v1/cases/points: the located cases the caller sees (with the
 * list's filters) as [id, lon, lat, light] - compact, for the map, which
 * clusters them itself.  At most `limit` (1-50,000, default 20,000);
 * "truncated" says there were more. */
void h_cases_points(struct web_ctx *c)
{
	struct points_ctx p = { json_array(), 0 };
	struct case_filter f;
	struct ug_error err;
	int64_t limit;

	ug_error_clear(&err);
	if (case_filter_parse(c, &f, &err) ||
	    query_int(c, "limit", 1, 50000, 20000, &limit, &err) ||
	    case_points(c->db, &c->actor, &f, limit + 1, add_point, &p, &err)) {
		json_decref(p.list);
		reply_ug_error(c, &err);
		return;
	}
	if (p.n > limit)
		json_array_remove(p.list, json_array_size(p.list) - 1);
	reply_json(c, 200, json_pack("{s:o, s:b}", "points", p.list,
				     "truncated", p.n > limit));
}

/* One (key, light) count into {key: {light: n, ..., total: n}}. */
static int add_stat(void *ctx, const char *key, const char *light,
		    int64_t n)
{
	json_t *counts = ctx, *row = json_object_get(counts, key);

	if (!row) {
		row = json_pack("{s:i, s:i, s:i, s:i, s:i}", "red", 0,
				"yellow", 0, "green", 0, "none", 0, "total", 0);
		json_object_set_new(counts, key, row);
	}
	json_object_set_new(row, light, json_integer(n));
	json_object_set_new(
		row, "total",
		json_integer(json_integer_value(json_object_get(row, "total")) +
			     n));
	return 0;
}

/* GET /api/v1/cases/stats: the cases the caller sees (with the list's
 * filters) by state, or by department (by=department), and light - the
 * numbers of a leader's overview, the loads a dispatcher weighs. */
void h_cases_stats(struct web_ctx *c)
{
	const char *by = http_query(c->req, "by");
	struct case_filter f;
	struct ug_error err;
	json_t *counts = json_object();
	int by_department;

	ug_error_clear(&err);
	if (by && strcmp(by, "state") != 0 && strcmp(by, "department") != 0) {
		ug_fail(&err, UG_EINVAL, "by", "by is state or department");
		goto fail;
	}
	by_department = by && strcmp(by, "department") == 0;
	if (case_filter_parse(c, &f, &err) ||
	    case_stats(c->db, &c->actor, &f, by_department, add_stat, counts,
		       &err))
		goto fail;
	reply_json(c, 200, json_pack("{s:o, s:s, s:o}", "at",
				     json_local(c, f.now), "by",
				     by_department ? "department" : "state",
				     "counts", counts));
	return;
fail:
	json_decref(counts);
	reply_ug_error(c, &err);
}

/* The case id from the path; answers 400/404 and returns -1 if bad. */
static int64_t path_case_id(struct web_ctx *c)
{
	struct ug_error err;
	int64_t id;

	ug_error_clear(&err);
	if (path_id(c, "id", "case", &id, &err)) {
		reply_ug_error(c, &err);
		return -1;
	}
	return id;
}

static json_t *json_attachment(const struct attachment_row *a);

static int add_photo(void *ctx, const struct attachment_row *a)
{
	struct history_ctx *h = ctx;

	json_array_append_new(json_object_get(h->photos, a->kind),
			      json_attachment(a));
	return 0;
}

void h_case_get(struct web_ctx *c)
{
	struct case_view *v = malloc(sizeof *v);
	struct case_view_cb cb = { add_event, add_photo, NULL };
	struct history_ctx h = { c, json_array(), NULL };
	struct ug_error err;
	int64_t id = path_case_id(c);
	json_t *body;

	ug_error_clear(&err);
	if (id < 0 || !v) {
		if (!v && id >= 0)
			reply_error(c, 500, "out_of_memory",
				    "out of memory", NULL);
		goto out;
	}
	/* Photos in before/after pairs: what was reported, what was done,
	 * what the check saw. */
	h.photos = json_pack("{s:[], s:[], s:[], s:[]}", "report", "handle",
			     "check", "other");
	cb.ctx = &h;
	if (case_view(c->db, &c->actor, id, v, &cb, &err)) {
		reply_ug_error(c, &err);
		goto out;
	}
	body = json_case(c, &v->c);
	json_object_set(body, "history", h.list);
	json_object_set(body, "photos", h.photos);
	if (v->has_outcome) {
		int ts = case_state_parse(v->outcome_state);

		json_object_set_new(
			body, "outcome",
			json_pack("{s:I, s:s, s:s, s:s, s:o}", "id",
				  (json_int_t)v->outcome_id, "number",
				  v->outcome_number, "state", v->outcome_state,
				  "state_name",
				  ts >= 0 ? case_states[ts].name_zh : "",
				  "closed_at",
				  v->outcome_closed_at
					  ? json_time(v->outcome_closed_at)
					  : json_null()));
	}
	/* The dispatcher sees where the case would go, and may override. */
	if (v->has_suggestion)
		json_object_set_new(body, "dispatch_suggestion",
				    json_suggestion(&v->suggestion));
	reply_json(c, 200, body);
out:
	json_decref(h.list);
	json_decref(h.photos);
	free(v);
}

/* GET /api/v1/cases/duplicates?category=&lon=&lat=: what a report being
 * written would be a likely duplicate of (the intake's rule), so that
 * the form can say so before it is sent. */
void h_cases_duplicates(struct web_ctx *c)
{
	const char *category = http_query(c->req, "category");
	struct case_duplicates d;
	struct ug_error err;
	double lon, lat;

	ug_error_clear(&err);
	if (!category || !*category || strlen(category) > CODE_MAX) {
		ug_fail(&err, UG_EINVAL, "category", "category is required");
		goto fail;
	}
	if (query_number(c, "lon", 1, -180, 180, 0, &lon, &err) ||
	    query_number(c, "lat", 1, -90, 90, 0, &lat, &err) ||
	    case_duplicates_near(c->db, &c->cases, &c->actor, category, lon,
				 lat, ug_now_s(), &d, &err))
		goto fail;
	reply_json(c, 200, json_pack("{s:o}", "likely_duplicates",
				     json_duplicates(&d)));
	return;
fail:
	reply_ug_error(c, &err);
}

static int add_inspector(void *ctx, const struct user *u)
{
	json_array_append_new(ctx, json_pack("{s:s, s:s, s:s, s:s}", "username",
					     u->username, "display_name",
					     u->display_name, "unit", u->unit_code,
					     "unit_name", u->unit_name));
	return 0;
}

/* GET /api/v1/cases/{id}/inspectors: whom a verification of the case may
 * go to (verify-assign). */
void h_case_inspectors(struct web_ctx *c)
{
	struct ug_error err;
	int64_t id = path_case_id(c);
	json_t *list;

	if (id < 0)
		return;
	ug_error_clear(&err);
	list = json_array();
	if (case_inspectors(c->db, &c->actor, id, add_inspector, list, &err)) {
		json_decref(list);
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200, json_pack("{s:o}", "inspectors", list));
}

const struct field_spec case_action_body[9] = {
	{ "version", FIELD_INT, 1, 1, INT64_MAX },
	{ "reason", FIELD_STRING, 0, 0, 2000 },
	{ "note", FIELD_STRING, 0, 0, 2000 },
	{ "department", FIELD_STRING, 0, 1, CODE_MAX },
	{ "passed", FIELD_BOOL, 0, 0, 0 },
	{ "target", FIELD_INT, 0, 1, INT64_MAX },
	{ "hours", FIELD_INT, 0, 1, 2000 },
	{ "inspector", FIELD_STRING, 0, 1, USERNAME_MAX },
	{ "rating", FIELD_STRING, 0, 1, 24 },
};

void h_case_action(struct web_ctx *c)
{
	const struct field_spec *spec = case_action_body;
	struct field_value v[9];
	struct case_action_input in;
	struct ug_error err;
	struct case_row *r;
	const char *name = api_param(c, "action");
	int64_t id = path_case_id(c);
	int action;
	json_t *root;

	if (id < 0)
		return;
	ug_error_clear(&err);
	action = name ? case_action_parse(name) : -1;
	if (action < 0) {
		reply_error(c, 404, "not_found",
			    "no such action; see docs/api.md", "action");
		return;
	}
	if (api_decode(c, spec, 9, v, &root))
		return;
	memset(&in, 0, sizeof in);
	in.version = v[0].i;
	in.reason = v[1].present ? v[1].str : NULL;
	in.note = v[2].present ? v[2].str : NULL;
	in.department = v[3].present ? v[3].str : NULL;
	in.has_passed = v[4].present;
	in.passed = v[4].b;
	in.target = v[5].present ? v[5].i : 0;
	in.hours = v[6].present ? v[6].i : 0;
	in.inspector = v[7].present ? v[7].str : NULL;
	in.rating = v[8].present ? v[8].str : NULL;
	r = malloc(sizeof *r);
	if (!r || case_act(c->db, &c->cases, &c->actor, id,
			   (enum case_action)action, &in, ug_now_s(), r, &err)) {
		if (!r)
			ug_fail(&err, UG_ENOMEM, NULL, "out of memory");
		free(r);
		json_decref(root);
		reply_ug_error(c, &err);
		return;
	}
	json_decref(root);
	case_redact(&c->actor, r);
	reply_json(c, 200, json_case(c, r));
	free(r);
}

void h_calendar_due(struct web_ctx *c)
{
	static const struct {
		const char *param;
		enum calendar_unit unit;
		int64_t scale;
	} kinds[] = {
		{ "working_hours", CALENDAR_WORKING_SECONDS, 3600 },
		{ "working_minutes", CALENDAR_WORKING_SECONDS, 60 },
		{ "working_days", CALENDAR_WORKING_DAYS, 1 },
		{ "hours", CALENDAR_NATURAL_SECONDS, 3600 },
		{ "days", CALENDAR_NATURAL_DAYS, 1 },
	};
	struct ug_error err;
	int64_t from, amount = 0, due;
	int which = -1;
	char out[40];

	ug_error_clear(&err);
	if (query_time(c, "from", &from, &err))
		goto fail;
	if (!from) {
		ug_fail(&err, UG_EINVAL, "from",
			"from is required: an ISO 8601 time with its offset");
		goto fail;
	}
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		const char *v = http_query(c->req, kinds[i].param);

		if (!v || !*v)
			continue;
		if (which >= 0) {
			ug_fail(&err, UG_EINVAL, kinds[i].param,
				"give one of working_hours, working_minutes, "
				"working_days, hours, days");
			goto fail;
		}
		which = (int)i;
		if (query_int(c, kinds[i].param, 0, 100000, 0, &amount, &err))
			goto fail;
	}
	if (which < 0) {
		ug_fail(&err, UG_EINVAL, "working_hours",
			"give one of working_hours, working_minutes, "
			"working_days, hours, days");
		goto fail;
	}
	if (calendar_due(c->cases.calendar, from,
			 amount * kinds[which].scale, kinds[which].unit, &due,
			 &err))
		goto fail;
	iso8601_format(due, c->cases.utc_offset, out, sizeof out);
	/* Natural time does not depend on holidays. */
	reply_json(c, 200,
		   json_pack("{s:s, s:b}", "due", out, "provisional",
			     (kinds[which].unit == CALENDAR_WORKING_SECONDS ||
			      kinds[which].unit == CALENDAR_WORKING_DAYS) &&
				     calendar_provisional_between(
					     c->cases.calendar, from, due)));
	return;
fail:
	reply_ug_error(c, &err);
}

static json_t *json_attachment(const struct attachment_row *a)
{
	char url[64];

	snprintf(url, sizeof url, "/api/v1/attachments/%lld", (long long)a->id);
	return json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s}", "id",
			 (json_int_t)a->id, "kind", a->kind, "content_type",
			 a->content_type, "size", (json_int_t)a->size, "sha256",
			 a->sha256, "url", url, "created_by", a->created_by);
}

void h_attachment_add(struct web_ctx *c)
{
	struct attachment_row a;
	struct ug_error err;
	const char *kind = http_query(c->req, "kind");
	int64_t id = path_case_id(c);

	if (id < 0)
		return;
	ug_error_clear(&err);
	if (attachment_add(c->db, c->app->files_dir, &c->actor, id,
			   kind && *kind ? kind : "report", c->req->body,
			   c->req->body_len, c->app->photo_limit, ug_now_s(),
			   &a, &err)) {
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 201, json_attachment(&a));
}

void h_attachment_get(struct web_ctx *c)
{
	struct attachment_row a;
	struct ug_error err;
	int64_t id;

	ug_error_clear(&err);
	if (path_id(c, "id", "attachment", &id, &err) == 0)
		attachment_get(c->db, &c->actor, id, &a, &err);
	if (err.code) {
		reply_ug_error(c, &err);
		return;
	}
	/* Content-addressed: the bytes behind this id never change. */
	reply_photo(c, &a, "private, max-age=31536000, immutable");
}

/*
 * h_hotspot.c - hot spots (热点) and rebounds (反弹) of problems per grid
 * × category: the numbers of the query checked here, the rest - the
 * period, the date, the category, the area and what the caller sees -
 * by domain/assess/hotspot.c.  docs/api.md and docs/assessment.md
 * describe the answers.
 */
#include "api/handlers.h"
#include "domain/assess/hotspot.h"

static void reply_list(struct web_ctx *c, int rc, struct hotspot_list *l,
		       struct ug_error *err)
{
	if (rc) {
		reply_ug_error(c, err);
		return;
	}
	reply_json(c, 200, hotspot_list_json(l));
	hotspot_list_free(l);
}

/* GET /api/v1/hotspots?period=2026-W48[&category=&area=] */
void h_hotspots(struct web_ctx *c)
{
	struct hotspot_list l;
	struct ug_error err;

	ug_error_clear(&err);
	reply_list(c,
		   assess_hotspots(c->db, &c->actor, c->cases.utc_offset,
				   http_query(c->req, "period"),
				   http_query(c->req, "category"),
				   http_query(c->req, "area"), NULL, &l, &err),
		   &l, &err);
}

/* GET /api/v1/rebounds?since=2026-09-01[&weeks=8&threshold=80
 * &category=&area=] */
void h_rebounds(struct web_ctx *c)
{
	struct rebound_params rp;
	struct hotspot_list l;
	struct ug_error err;
	int64_t weeks, threshold;
	int rc;

	ug_error_clear(&err);
	rebound_params_default(&rp);
	rc = query_int(c, "weeks", 1, 52, rp.weeks, &weeks, &err);
	if (rc == 0)
		rc = query_int(c, "threshold", 1, 1000,
			       (int64_t)(rp.threshold * 100 + 0.5), &threshold,
			       &err);
	if (rc == 0) {
		rp.weeks = (int)weeks;
		rp.threshold = (double)threshold / 100;
		rc = assess_rebounds(c->db, &c->actor, c->cases.utc_offset,
				     http_query(c->req, "since"), &rp,
				     http_query(c->req, "category"),
				     http_query(c->req, "area"), &l, &err);
	}
	reply_list(c, rc, &l, &err);
}

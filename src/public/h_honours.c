/*
 * h_honours.c - the public read of the red and black lists (红黑榜): the
 * last version of each published list of units, newest first, in the
 * public shape (no person is named: honours_public() passes lists of
 * units alone and honours_list_json() drops who published).  The page
 * /public/honours draws it (web/public/honours.html).
 */
#include "public/handlers.h"
#include "domain/assess/honours.h"

/* Most lists the public read returns. */
#define HONOURS_PUBLIC_MAX 50

struct public_lists {
	json_t *a;
	int32_t utc_offset;
};

static int add_public(void *ctx, const struct honours_list *l)
{
	struct public_lists *ls = ctx;
	json_t *j = honours_list_json(l, ls->utc_offset, 1);

	if (j)
		json_array_append_new(ls->a, j);
	return 0;
}

/* GET /public/api/honours */
void h_public_honours(struct web_ctx *c)
{
	struct public_lists ls = { json_array(), c->cases.utc_offset };
	struct ug_error err;

	ug_error_clear(&err);
	if (honours_public(c->db, HONOURS_PUBLIC_MAX, add_public, &ls, &err)) {
		json_decref(ls.a);
		reply_ug_error(c, &err);
		return;
	}
	reply_json(c, 200, json_pack("{s:o}", "lists", ls.a));
}

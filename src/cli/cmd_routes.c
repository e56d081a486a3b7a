/*
 * cmd_routes.c - `urbangrid routes [--json]`: every route of every door
 * of `serve`, in the order they are asked (cli/doors.h), then the metrics
 * listener's: method, pattern, the roles that may call it and its scope
 * (web/web.h).  The access test
 * reads the JSON and insists on a row of expected answers for each
 * (tests/http/access.test.mjs).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/doors.h"
#include "web/web.h"

static json_t *roles_json(unsigned roles)
{
	json_t *list = json_array();

	for (int i = 0; i < ROLE_COUNT; i++)
		if (roles & ROLE_BIT(i))
			json_array_append_new(list,
					      json_string(role_table[i].name));
	return list;
}

int cmd_routes(struct cli_args *a)
{
	int as_json = cli_get(a, "json") != NULL;
	struct ug_error err;
	json_t *all = json_array();
	const struct web_door *const *const listeners[] = { serve_doors,
							    metrics_doors };
	char *text;

	ug_error_clear(&err);
	for (size_t l = 0; l < 2; l++) {
		if (web_doors_check(listeners[l], &err)) {
			json_decref(all);
			return cli_fail(&err);
		}
	}
	for (size_t l = 0; l < 2; l++)
	for (const struct web_door *const *d = listeners[l]; *d; d++) {
		const char *pre = (*d)->path_prefix ? (*d)->path_prefix : "";
		const char *suf = (*d)->path_suffix ? (*d)->path_suffix : "";

		for (size_t i = 0; i < (*d)->nroutes; i++) {
			const struct web_route *r = &(*d)->routes[i];
			char path[256];

			snprintf(path, sizeof path, "%s%s%s", pre, r->p.pattern,
				 suf);
			if (!as_json) {
				printf("%-8s %-7s %-44s %-9s", (*d)->name,
				       r->p.method, path,
				       route_scope_names[r->scope]);
				for (int k = 0; k < ROLE_COUNT; k++)
					if (r->roles & ROLE_BIT(k))
						printf(" %s", role_table[k].name);
				printf("\n");
				continue;
			}
			json_array_append_new(
				all, json_pack("{s:s, s:s, s:s, s:o, s:s}",
					       "door", (*d)->name, "method",
					       r->p.method, "pattern", path,
					       "roles",
					       roles_json(r->roles), "scope",
					       route_scope_names[r->scope]));
		}
	}
	if (as_json) {
		text = json_dumps(all, JSON_INDENT(1));
		if (text)
			printf("%s\n", text);
		free(text);
	}
	json_decref(all);
	return EXIT_OK;
}

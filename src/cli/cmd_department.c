/*
 * cmd_department.c - department add, edit, disable, enable, list: the
 * units cases are dispatched to, set up from the command line (the same
 * domain calls as POST/PATCH /api/v1/departments; audited as "cli").
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/org/org.h"
#include "lib/buf.h"
#include "lib/util.h"

/* Split "a,b,c" (in place, in `copy`) into areas[]. */
static int split_areas(const char *list, struct buf *copy,
		       const char **areas, size_t *n, struct ug_error *err)
{
	char *p;

	*n = 0;
	buf_puts(copy, list);
	p = copy->data;
	while (p && *p) {
		char *comma = strchr(p, ',');

		if (comma)
			*comma = '\0';
		if (*n == DEPARTMENT_AREAS_MAX)
			return org_department_areas_check(*n + 1, err);
		areas[(*n)++] = p;
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

static void print_result(const char *verb, const struct department_result *r)
{
	printf("%s department %s %s (%s, type %s%s%s) serving %s%s\n", verb,
	       r->d.code, r->d.name, r->d.kind, r->d.type,
	       r->d.parent[0] ? ", under " : "", r->d.parent, r->areas,
	       r->d.disabled ? ", disabled" : "");
	if (r->d.disabled && r->rules)
		printf("%lld routing rule(s) name it and are skipped while it "
		       "is disabled\n", (long long)r->rules);
}

/* add (code from --code) or edit (code = the argument). */
static int change(struct cli_args *a, int add, int has_disabled,
		  int disabled)
{
	const char *areas[DEPARTMENT_AREAS_MAX];
	struct department_input in;
	struct department_result out;
	struct buf copy = BUF_INIT;
	struct cli_run r = { 0 };
	const char *list = cli_get(a, "areas");
	int rc;

	memset(&in, 0, sizeof in);
	if (add) {
		in.code = cli_get(a, "code");
		if (!in.code || !cli_get(a, "name") || !cli_get(a, "kind") ||
		    !cli_get(a, "type") || !list) {
			fprintf(stderr, "urbangrid department add: --code, "
					"--name, --kind, --type and --areas "
					"are required (see --help)\n");
			return EXIT_USAGE;
		}
	}
	if (has_disabled) {
		in.has_disabled = 1;
		in.disabled = disabled;
	} else {
		in.name = cli_get(a, "name");
		in.kind = cli_get(a, "kind");
		in.type = cli_get(a, "type");
		in.parent = cli_get(a, "parent");
		in.has_parent = in.parent != NULL;
		if (list) {
			in.has_areas = 1;
			in.areas = areas;
			if (split_areas(list, &copy, areas, &in.nareas,
					&r.err)) {
				rc = cli_fail(&r.err);
				goto out;
			}
		}
	}
	if ((rc = cli_run_open(a, &r)))
		goto out;
	rc = add ? org_department_add(r.db, &r.as, &in, ug_now_s(), &out,
				      &r.err)
		 : org_department_edit(r.db, &r.as, a->positional[0], &in,
				       ug_now_s(), &out, &r.err);
	if ((rc = cli_run_close(&r, rc)) == 0)
		print_result(add ? "added"
			     : has_disabled && disabled ? "disabled"
			     : has_disabled		? "enabled"
							: "changed",
			     &out);
out:
	buf_free(&copy);
	return rc;
}

int cmd_department_add(struct cli_args *a)
{
	return change(a, 1, 0, 0);
}

int cmd_department_edit(struct cli_args *a)
{
	return change(a, 0, 0, 0);
}

int cmd_department_disable(struct cli_args *a)
{
	return change(a, 0, 1, 1);
}

int cmd_department_enable(struct cli_args *a)
{
	return change(a, 0, 1, 0);
}

/* One line a department: the name last, as its width in a terminal
 * varies with the script. */
static int print_department(void *ctx, const struct department *d,
			    const char *areas)
{
	(void)ctx;
	printf("%-16s %-16s %-14s %-8s %-16s %-20s %s\n", d->code, d->kind,
	       d->type, d->disabled ? "disabled" : "active",
	       d->parent[0] ? d->parent : "-", areas, d->name);
	return 0;
}

int cmd_department_list(struct cli_args *a)
{
	struct ug_error err;
	struct db *db;
	int rc;

	ug_error_clear(&err);
	if ((rc = cli_open_db(a, 0, &db)))
		return rc;
	printf("%-16s %-16s %-14s %-8s %-16s %-20s %s\n", "CODE", "KIND",
	       "TYPE", "STATE", "PARENT", "AREAS", "NAME");
	rc = org_departments(db, print_department, NULL, &err);
	db_close(db);
	return rc ? cli_fail(&err) : EXIT_OK;
}

/*
 * cmd_patrol.c - patrol prune: remove track points past their retention
 * (docs/patrol.md); serve does the same once a minute with
 * --track-retention-days.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "domain/patrol/patrol.h"
#include "lib/util.h"

int cmd_patrol_prune(struct cli_args *a)
{
	const char *keep = cli_get(a, "keep-days");
	char *end = NULL;
	long days = keep ? strtol(keep, &end, 10) : PATROL_KEEP_DAYS;
	int64_t removed;
	struct cli_run r;
	int rc;

	if (keep && (!*keep || *end || days < 1 || days > 36500)) {
		fprintf(stderr, "urbangrid patrol prune: --keep-days must be "
				"1 to 36500\n");
		return EXIT_USAGE;
	}
	if ((rc = cli_run_open(a, &r)))
		return rc;
	rc = patrol_prune(r.db, (int)days, ug_now_s(), &removed, &r.err);
	if ((rc = cli_run_close(&r, rc)))
		return rc;
	printf("removed %lld track point(s) older than %ld days\n",
	       (long long)removed, days);
	return EXIT_OK;
}

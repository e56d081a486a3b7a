/*
 * cmd_coord.c - coord: convert points between coordinate systems, a
 * filter for survey files and map-app exports.  Each line of standard
 * input "x y" or "x,y" gives one line of standard output, so line N of
 * the output always answers line N of the input; a line that fails is
 * reported on stderr with its number and answered with an empty line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "geo/crs.h"

/* Parse one number of the line at *p, which then points past it.
 * Only plain decimal notation: strtod() alone would also take "nan",
 * "inf" and hexadecimal. */
static int coord_number(const char **p, double *v, const char *axis,
			struct ug_error *err)
{
	const char *s = *p;
	size_t n = strspn(s, "0123456789+-.eE");
	size_t token = strcspn(s, " \t,");
	char *end = NULL;

	if (n > 0 && n == token && n <= 64)
		*v = strtod(s, &end);
	if (end != s + token) {
		if (token == 0) /* a stray comma: show what follows */
			token = strlen(s);
		return ug_fail(err, UG_EINVAL, axis, "%s: expected a number, "
			       "got \"%.*s\"", axis,
			       (int)(token > 40 ? 40 : token), s);
	}
	*p = end;
	return 0;
}

/* "x y", "x,y", "x, y", with blanks around: anything else is refused. */
static int coord_parse_line(const char *line, double *x, double *y,
			    struct ug_error *err)
{
	const char *p = line + strspn(line, " \t");
	int rc;

	if ((rc = coord_number(&p, x, "x", err)))
		return rc;
	p += strspn(p, " \t");
	if (*p == ',') {
		p++;
		p += strspn(p, " \t");
	}
	if (!*p)
		return ug_fail(err, UG_EINVAL, "y", "expected two numbers "
			       "\"x y\" or \"x,y\", got one");
	if ((rc = coord_number(&p, y, "y", err)))
		return rc;
	p += strspn(p, " \t");
	if (*p)
		return ug_fail(err, UG_EINVAL, NULL, "expected two numbers "
			       "\"x y\" or \"x,y\", got more: \"%.40s\"", p);
	return 0;
}

/* One point through from -> WGS84 -> to. */
static int coord_convert(struct crs_transform *from, struct crs_transform *to,
			 double x, double y, double *ox, double *oy,
			 struct ug_error *err)
{
	double lon, lat;
	int rc;

	if ((rc = crs_to_wgs84(from, x, y, &lon, &lat, err)))
		return rc;
	return crs_from_wgs84(to, lon, lat, ox, oy, err);
}

static int coord_crs_flag(const struct cli_args *a, const char *flag,
			  struct crs *c)
{
	struct ug_error err;

	ug_error_clear(&err);
	if (crs_parse(cli_get(a, flag), c, &err) == 0)
		return 0;
	fprintf(stderr, "urbangrid coord: --%s: %s\n", flag, err.message);
	return EXIT_USAGE;
}

int cmd_coord(struct cli_args *a)
{
	struct crs_transform *from = NULL, *to = NULL;
	struct crs cfrom, cto;
	struct ug_error err;
	unsigned long lineno = 0, failed = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	const char *fmt;
	int rc;

	ug_error_clear(&err);
	if (!cli_get(a, "from")) {
		fprintf(stderr, "urbangrid coord: --from is required (see "
				"--help)\n");
		return EXIT_USAGE;
	}
	if ((rc = coord_crs_flag(a, "from", &cfrom)) ||
	    (rc = coord_crs_flag(a, "to", &cto)))
		return rc;
	if (crs_transform_new(&cfrom, &from, &err) ||
	    crs_transform_new(&cto, &to, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	/* 1e-9 degree is about 0.1 mm; metres get the same 0.1 mm. */
	fmt = cto.kind == CRS_EPSG ? "%.4f %.4f\n" : "%.9f %.9f\n";
	while ((len = getline(&line, &cap, stdin)) != -1) {
		double x, y, ox, oy;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' ||
				   line[len - 1] == '\r'))
			line[--len] = '\0';
		if (strlen(line) == (size_t)len &&
		    line[strspn(line, " \t")] == '\0') {
			putchar('\n');
			continue;
		}
		if (strlen(line) != (size_t)len) {
			ug_fail(&err, UG_EINVAL, NULL, "NUL byte in the line");
		} else if (coord_parse_line(line, &x, &y, &err) == 0 &&
			   coord_convert(from, to, x, y, &ox, &oy, &err) == 0) {
			printf(fmt, ox, oy);
			continue;
		}
		fprintf(stderr, "urbangrid coord: line %lu: %s\n", lineno,
			err.message);
		putchar('\n');
		failed++;
	}
	if (ferror(stdin)) {
		fprintf(stderr, "urbangrid coord: reading standard input "
				"failed after line %lu\n", lineno);
		rc = EXIT_RUNTIME;
		goto out;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "urbangrid coord: writing standard output "
				"failed\n");
		rc = EXIT_RUNTIME;
		goto out;
	}
	if (failed)
		fprintf(stderr, "urbangrid coord: %lu of %lu lines failed\n",
			failed, lineno);
	rc = failed ? EXIT_RUNTIME : EXIT_OK;
out:
	free(line);
	crs_transform_free(from);
	crs_transform_free(to);
	return rc;
}

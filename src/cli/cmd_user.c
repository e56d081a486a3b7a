/*
 * cmd_user.c - user add, token create.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "domain/org/accounts.h"
#include "lib/buf.h"
#include "lib/util.h"

/* Read one line (the password) from standard input, without its line
 * end. */
static int read_password_stdin(struct buf *out, struct ug_error *err)
{
	int c;

	while ((c = getchar()) != EOF && c != '\n') {
		if (out->len > PASSWORD_MAX)
			return ug_fail(err, UG_EINVAL, "password",
				       "password must be at most %d bytes",
				       PASSWORD_MAX);
		buf_putc(out, (char)c);
	}
	if (out->len && out->data[out->len - 1] == '\r')
		out->data[--out->len] = '\0';
	if (out->len == 0)
		return ug_fail(err, UG_EINVAL, "password",
			       "no password on standard input");
	return 0;
}

int cmd_user_add(struct cli_args *a)
{
	struct account_new acc;
	struct buf pw = BUF_INIT;
	struct ug_error err;
	struct user created;
	char generated[GENERATED_PASSWORD_LEN + 1] = "";
	struct db *db = NULL;
	int rc;

	ug_error_clear(&err);
	memset(&acc, 0, sizeof acc);
	acc.username = cli_get(a, "name");
	acc.display_name = cli_get(a, "display-name");
	acc.role = cli_get(a, "role");
	acc.unit = cli_get(a, "unit");
	if (!acc.username || !acc.role || !acc.unit) {
		fprintf(stderr, "urbangrid user add: --name, --role and --unit "
				"are required (see --help)\n");
		return EXIT_USAGE;
	}
	if (cli_get(a, "password-stdin")) {
		if ((rc = read_password_stdin(&pw, &err))) {
			rc = cli_fail(&err);
			goto out;
		}
		acc.password = buf_str(&pw);
	}
	if ((rc = cli_open_db(a, 0, &db)))
		goto out;
	if (account_create(db, &acc, "cli", ug_now_s(), &created, generated,
			   &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	printf("created user %s (%s, %s %s)\n", created.username, created.role,
	       created.unit_kind, created.unit_code);
	if (generated[0])
		printf("password: %s\n", generated);
	rc = EXIT_OK;
out:
	if (pw.data)
		sodium_memzero(pw.data, pw.cap);
	buf_free(&pw);
	sodium_memzero(generated, sizeof generated);
	db_close(db);
	return rc;
}

int cmd_token_create(struct cli_args *a)
{
	char token[API_TOKEN_LEN + 1];
	struct ug_error err;
	const char *user = cli_get(a, "user");
	struct db *db;
	int rc;

	ug_error_clear(&err);
	if (!user) {
		fprintf(stderr, "urbangrid token create: --user is required\n");
		return EXIT_USAGE;
	}
	if ((rc = cli_open_db(a, 0, &db)))
		return rc;
	rc = auth_token_create(db, user, cli_get(a, "label"), ug_now_s(),
			       token, &err);
	db_close(db);
	if (rc)
		return cli_fail(&err);
	/* The token alone on stdout, so scripts can capture it. */
	printf("%s\n", token);
	sodium_memzero(token, sizeof token);
	return EXIT_OK;
}

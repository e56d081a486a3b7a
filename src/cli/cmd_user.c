/*
 * cmd_user.c - accounts, API tokens, the password policy and the audit
 * trail from the command line: user add|edit|disable|enable|
 * reset-password|list, token create|list|revoke, password-policy,
 * audit list|prune.  The command line is the operator of the machine
 * (actor_cli): it may do what the security admin does, everywhere, and
 * is audited as "cli" from "local".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "domain/org/accounts.h"
#include "domain/org/audit.h"
#include "domain/org/password.h"
#include "domain/org/tokens.h"
#include "lib/buf.h"
#include "lib/iso8601.h"
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

static void wipe(struct buf *b)
{
	if (b->data)
		sodium_memzero(b->data, b->cap);
	buf_free(b);
}

int cmd_user_add(struct cli_args *a)
{
	struct account_new acc;
	struct buf pw = BUF_INIT;
	struct user created;
	char generated[GENERATED_PASSWORD_LEN + 1] = "";
	struct cli_run r = { 0 };
	int rc;

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
		if ((rc = read_password_stdin(&pw, &r.err))) {
			rc = cli_fail(&r.err);
			goto out;
		}
		acc.password = buf_str(&pw);
	}
	if ((rc = cli_run_open(a, &r)))
		goto out;
	rc = account_create(r.db, &r.as, &acc, ug_now_s(), &created, generated,
			    &r.err);
	if ((rc = cli_run_close(&r, rc)))
		goto out;
	printf("created user %s (%s, %s %s)\n", created.username, created.role,
	       created.unit_kind, created.unit_code);
	if (generated[0])
		printf("password: %s\n", generated);
out:
	wipe(&pw);
	sodium_memzero(generated, sizeof generated);
	return rc;
}

static void print_user(const char *verb, const struct user *u)
{
	printf("%s user %s %s (%s, %s %s%s)\n", verb, u->username,
	       u->display_name, u->role, u->unit_kind, u->unit_code,
	       u->disabled ? ", disabled" : "");
}

/* edit (has_disabled 0) / disable / enable user USERNAME. */
static int user_change(struct cli_args *a, int has_disabled, int disabled)
{
	struct account_change ch;
	struct user u;
	struct cli_run r;
	int rc;

	memset(&ch, 0, sizeof ch);
	if (has_disabled) {
		ch.has_disabled = 1;
		ch.disabled = disabled;
	} else {
		ch.display_name = cli_get(a, "display-name");
		ch.role = cli_get(a, "role");
		ch.unit = cli_get(a, "unit");
		if (!ch.display_name && !ch.role && !ch.unit) {
			fprintf(stderr, "urbangrid user edit: give "
					"--display-name, --role or --unit\n");
			return EXIT_USAGE;
		}
	}
	if ((rc = cli_run_open(a, &r)))
		return rc;
	rc = account_get(r.db, &r.as, 0, a->positional[0], &u, &r.err);
	if (rc == 0)
		rc = account_edit(r.db, &r.as, u.id, &ch, ug_now_s(), &u,
				  &r.err);
	if ((rc = cli_run_close(&r, rc)))
		return rc;
	print_user(!has_disabled ? "changed" : disabled ? "disabled" : "enabled",
		   &u);
	return EXIT_OK;
}

int cmd_user_edit(struct cli_args *a)
{
	return user_change(a, 0, 0);
}

int cmd_user_disable(struct cli_args *a)
{
	return user_change(a, 1, 1);
}

int cmd_user_enable(struct cli_args *a)
{
	return user_change(a, 1, 0);
}

int cmd_user_reset_password(struct cli_args *a)
{
	char generated[GENERATED_PASSWORD_LEN + 1] = "";
	struct buf pw = BUF_INIT;
	struct user u;
	struct cli_run r = { 0 };
	int rc;

	if (cli_get(a, "password-stdin") &&
	    read_password_stdin(&pw, &r.err)) {
		rc = cli_fail(&r.err);
		goto out;
	}
	if ((rc = cli_run_open(a, &r)))
		goto out;
	if ((rc = account_get(r.db, &r.as, 0, a->positional[0], &u, &r.err)) ==
	    0)
		rc = account_set_password(r.db, &r.as, u.id, NULL,
					  pw.len ? buf_str(&pw) : NULL, NULL,
					  ug_now_s(), generated, NULL, &r.err);
	if ((rc = cli_run_close(&r, rc)))
		goto out;
	printf("password of %s reset: it must be changed at the next login; "
	       "its sessions ended\n", u.username);
	if (generated[0])
		printf("password: %s\n", generated);
out:
	wipe(&pw);
	sodium_memzero(generated, sizeof generated);
	return rc;
}

static int print_user_row(void *ctx, const struct user *u)
{
	(void)ctx;
	printf("%-6lld %-24s %-15s %-16s %-8s %s\n", (long long)u->id,
	       u->username, u->role, u->unit_code,
	       u->disabled ? "disabled"
	       : u->must_change_password ? "must-change"
					 : "active",
	       u->display_name);
	return 0;
}

int cmd_user_list(struct cli_args *a)
{
	struct cli_run r;
	int rc;

	if ((rc = cli_run_open(a, &r)))
		return rc;
	printf("%-6s %-24s %-15s %-16s %-8s %s\n", "ID", "USERNAME", "ROLE",
	       "UNIT", "STATE", "NAME");
	rc = account_list(r.db, &r.as, print_user_row, NULL, &r.err);
	return cli_run_close(&r, rc);
}

/* ---- tokens ---------------------------------------------------------- */

int cmd_token_create(struct cli_args *a)
{
	char token[API_TOKEN_LEN + 1];
	struct api_token made;
	const char *user = cli_get(a, "user");
	struct cli_run r;
	int rc;

	if (!user) {
		fprintf(stderr, "urbangrid token create: --user is required\n");
		return EXIT_USAGE;
	}
	if ((rc = cli_run_open(a, &r)))
		return rc;
	rc = token_create(r.db, &r.as, user, cli_get(a, "label"), ug_now_s(),
			  token, &made, &r.err);
	if ((rc = cli_run_close(&r, rc)))
		return rc;
	/* The token alone on stdout, so scripts can capture it; its id on
	 * stderr, for `token revoke`. */
	printf("%s\n", token);
	fprintf(stderr, "token %lld for %s\n", (long long)made.id,
		made.username);
	sodium_memzero(token, sizeof token);
	return EXIT_OK;
}

struct token_filter {
	const char *user; /* NULL: all */
};

static int print_token(void *ctx, const struct api_token *t)
{
	const struct token_filter *f = ctx;
	char made[40], used[40];

	if (f->user && strcmp(f->user, t->username) != 0)
		return 0;
	ug_time_format_s(t->created_at, made, sizeof made);
	if (t->last_used_at)
		ug_time_format_s(t->last_used_at, used, sizeof used);
	else
		snprintf(used, sizeof used, "never");
	printf("%-6lld %-24s %-14s %-20s %-20s %-12s %s\n", (long long)t->id,
	       t->username, t->role, made, used, t->created_by, t->label);
	return 0;
}

int cmd_token_list(struct cli_args *a)
{
	struct token_filter f = { cli_get(a, "user") };
	struct cli_run r;
	int rc;

	if ((rc = cli_run_open(a, &r)))
		return rc;
	printf("%-6s %-24s %-14s %-20s %-20s %-12s %s\n", "ID", "USER", "ROLE",
	       "CREATED", "LAST USED", "BY", "LABEL");
	rc = token_list(r.db, &r.as, print_token, &f, &r.err);
	return cli_run_close(&r, rc);
}

int cmd_token_revoke(struct cli_args *a)
{
	const char *s = a->positional[0];
	struct api_token t;
	struct cli_run r;
	int rc;

	if (!ug_is_digits(s, 0) || strlen(s) > 15) {
		fprintf(stderr, "urbangrid token revoke: ID must be a token's "
				"number (see token list)\n");
		return EXIT_USAGE;
	}
	if ((rc = cli_run_open(a, &r)))
		return rc;
	rc = token_revoke(r.db, &r.as, strtoll(s, NULL, 10), ug_now_s(), &t,
			  &r.err);
	if ((rc = cli_run_close(&r, rc)))
		return rc;
	printf("revoked token %lld of %s (%s)\n", (long long)t.id, t.username,
	       t.label);
	return EXIT_OK;
}

/* ---- the password policy ------------------------------------------------ */

static const char *const policy_flags[PASSWORD_KEY_COUNT] = {
	"min-length", "min-classes", "not-username", "max-age-days",
};

int cmd_password_policy(struct cli_args *a)
{
	int has[PASSWORD_KEY_COUNT], value[PASSWORD_KEY_COUNT], any = 0;
	struct password_policy p;
	struct cli_run r;
	int rc;

	for (int k = 0; k < PASSWORD_KEY_COUNT; k++) {
		const char *v = cli_get(a, policy_flags[k]);
		char *end;

		has[k] = v != NULL;
		value[k] = 0;
		if (!v)
			continue;
		any = 1;
		value[k] = (int)strtol(v, &end, 10);
		if (!*v || *end || strlen(v) > 6) {
			fprintf(stderr, "urbangrid password-policy: --%s "
					"must be a whole number\n",
				policy_flags[k]);
			return EXIT_USAGE;
		}
	}
	if ((rc = cli_run_open(a, &r)))
		return rc;
	rc = any ? password_policy_set(r.db, &r.as, has, value, ug_now_s(), &p,
				       &r.err)
		 : password_policy_get(r.db, &p, &r.err);
	if ((rc = cli_run_close(&r, rc)))
		return rc;
	for (int k = 0; k < PASSWORD_KEY_COUNT; k++)
		printf("%s %d\n", password_key_names[k], p.value[k]);
	return EXIT_OK;
}

/* ---- the audit trail ---------------------------------------------------- */

/* A DATE (YYYY-MM-DD, local midnight in the calendar's offset is not
 * known here: taken as +08:00, the country's) or an ISO 8601 time. */
static int parse_when(const char *flag, const char *text, int64_t *out)
{
	char buf[40];

	if (strlen(text) == 10) {
		snprintf(buf, sizeof buf, "%sT00:00:00+08:00", text);
		text = buf;
	}
	if (iso8601_parse(text, out)) {
		fprintf(stderr, "urbangrid audit: --%s must be a date "
				"YYYY-MM-DD or a time such as "
				"2026-12-01T09:00:00+08:00\n", flag);
		return -1;
	}
	return 0;
}

static int print_event(void *ctx, const struct audit_event *e)
{
	char at[40];

	(void)ctx;
	ug_time_format_s(e->at, at, sizeof at);
	printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", (long long)e->id, at,
	       e->actor, e->address, e->action, e->subject, e->detail,
	       e->before ? e->before : "-", e->after ? e->after : "-");
	return 0;
}

int cmd_audit_list(struct cli_args *a)
{
	struct audit_filter f;
	const char *from = cli_get(a, "from"), *to = cli_get(a, "to");
	const char *limit = cli_get(a, "limit");
	struct cli_run r;
	int rc;

	memset(&f, 0, sizeof f);
	f.actor = cli_get(a, "actor");
	f.action = cli_get(a, "action");
	f.subject = cli_get(a, "subject");
	f.limit = strtoll(limit, NULL, 10);
	if ((from && parse_when("from", from, &f.from)) ||
	    (to && parse_when("to", to, &f.to)))
		return EXIT_USAGE;
	if ((rc = cli_run_open(a, &r)))
		return rc;
	printf("ID\tAT\tACTOR\tADDRESS\tACTION\tSUBJECT\tDETAIL\tBEFORE\tAFTER\n");
	rc = audit_list(r.db, &r.as, &f, print_event, NULL, &r.err);
	return cli_run_close(&r, rc);
}

int cmd_audit_prune(struct cli_args *a)
{
	const char *before = cli_get(a, "before");
	int64_t when, removed;
	struct cli_run r;
	int rc;

	if (!before) {
		fprintf(stderr, "urbangrid audit prune: --before is "
				"required\n");
		return EXIT_USAGE;
	}
	if (parse_when("before", before, &when))
		return EXIT_USAGE;
	if ((rc = cli_run_open(a, &r)))
		return rc;
	rc = audit_prune(r.db, &r.as, when, ug_now_s(), &removed, &r.err);
	if ((rc = cli_run_close(&r, rc)))
		return rc;
	printf("removed %lld audit event(s) before %s\n", (long long)removed,
	       before);
	return EXIT_OK;
}

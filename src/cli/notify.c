/*
 * notify.c - the operator's notification hook (see notify.h).
 *
 * The notice a command reads on its standard input (one line of JSON):
 *
 *   {"id":812,"action":"dispatch","case_id":77,"number":"2026120600012",
 *    "state":"dispatched","department":"110101-HW","area":"110101001005",
 *    "actor":"dispatcher","at":"2026-12-06T10:02:11+08:00",
 *    "to":{"department":"110101-HW","area":"110101001005"},
 *    "text":"案件 2026120600012 已派遣至 110101-HW，请及时处置"}
 *
 * and the same in the environment: UG_NOTICE_ACTION, UG_NOTICE_NUMBER,
 * UG_NOTICE_DEPARTMENT, UG_NOTICE_AREA, UG_NOTICE_TEXT.  `to` says whom
 * it concerns (the department that holds the case, the area it lies in);
 * the gateway knows their phones.  `department` is the one the change
 * concerns - dispatched to, returned by - even if the case has moved on
 * by the time the notice is made; `state` is the case's now.
 */
#include "cli/notify.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "domain/cases/view.h"
#include "domain/cases/workflow.h"
#include "lib/buf.h"
#include "lib/iso8601.h"
#include "lib/log.h"
#include "lib/util.h"

extern char **environ;

struct notice {
	char *json;
	char action[24], number[24], department[40], area[40];
	char *text;
};

struct notifier {
	char *command;
	int64_t after;       /* the last history line read */
	int timeout_s;
	int32_t utc_offset;
	struct notice queue[NOTIFY_QUEUE_MAX];
	int head, count;     /* a ring */
	long dropped;
	long stale;          /* overdue lines too old to send */
	pid_t running;       /* 0: none */
	int64_t started_us;
	int killed;
};

struct notifier *notifier_new(const char *command, int64_t after,
			      int timeout_s, int32_t utc_offset)
{
	struct notifier *n = calloc(1, sizeof *n);

	if (!n || !(n->command = strdup(command))) {
		free(n);
		return NULL;
	}
	n->after = after;
	n->timeout_s = timeout_s;
	n->utc_offset = utc_offset;
	return n;
}

static void notice_free(struct notice *x)
{
	free(x->json);
	free(x->text);
	memset(x, 0, sizeof *x);
}

/* The sentence of a notable change, or NULL for one nobody must hear of
 * at once.  department: the one the line concerns; data: the line's. */
static char *notice_text(const struct case_change *ch, const char *department,
			 json_t *data)
{
	const char *stage = json_string_value(json_object_get(data, "stage"));
	const char *due = json_string_value(json_object_get(data, "deadline"));
	int s = stage ? case_stage_parse(stage) : -1;
	struct buf b = BUF_INIT;

	if (strcmp(ch->action, "dispatch") == 0)
		buf_printf(&b, "案件 %s 已派遣至 %s，请及时处置", ch->number,
			   department);
	else if (strcmp(ch->action, "return") == 0)
		buf_printf(&b, "案件 %s 被回退（%s），请重新派遣", ch->number,
			   ch->actor);
	else if (strcmp(ch->action, "supervise") == 0)
		buf_printf(&b, "案件 %s 被督办（%s）", ch->number, ch->actor);
	else if (strcmp(ch->action, "extend-request") == 0)
		buf_printf(&b, "案件 %s 申请延期，请审批", ch->number);
	else if (strcmp(ch->action, "unhang") == 0)
		buf_printf(&b, "案件 %s 已解除挂账，请 %s 继续处置", ch->number,
			   department);
	else if (strcmp(ch->action, "overdue") == 0)
		buf_printf(&b, "案件 %s %s超时（时限 %s），请尽快办理",
			   ch->number, s >= 0 ? case_stages[s].name_zh : "",
			   due ? due : "");
	else
		return NULL;
	return buf_detach(&b);
}

static int take_change(void *ctx, const struct case_change *ch)
{
	struct notifier *n = ctx;
	struct notice *x;
	char at[40], department[40];
	json_t *o, *data = json_loads(ch->data ? ch->data : "{}", 0, NULL);
	const char *dep = json_string_value(json_object_get(data, "department"));
	json_int_t late = json_integer_value(json_object_get(data, "late"));
	char *text;

	/* The department the line concerns - the one dispatched to or
	 * returned by - even when the case has moved on since; else the one
	 * that holds it now. */
	snprintf(department, sizeof department, "%s",
		 dep ? dep : ch->department);
	/* A stage noted overdue long after its deadline (a server that was
	 * down over a holiday, a database upgraded from before overdue was
	 * recorded) is history, not news: recorded, not sent. */
	if (strcmp(ch->action, "overdue") == 0 && late > NOTIFY_OVERDUE_FRESH_S) {
		json_decref(data);
		n->stale++;
		return 0;
	}
	text = notice_text(ch, department, data);
	json_decref(data);
	if (!text)
		return 0;
	if (n->count == NOTIFY_QUEUE_MAX) {
		/* The gateway is far behind: the oldest goes. */
		notice_free(&n->queue[n->head]);
		n->head = (n->head + 1) % NOTIFY_QUEUE_MAX;
		n->count--;
		n->dropped++;
	}
	x = &n->queue[(n->head + n->count) % NOTIFY_QUEUE_MAX];
	iso8601_format(ch->at, n->utc_offset, at, sizeof at);
	o = json_pack("{s:I, s:s, s:I, s:s, s:s, s:s?, s:s, s:s, s:s,"
		      " s:{s:s?, s:s}, s:s}",
		      "id", (json_int_t)ch->id, "action", ch->action, "case_id",
		      (json_int_t)ch->case_id, "number", ch->number, "state",
		      ch->state, "department", *department ? department : NULL,
		      "area", ch->area, "actor", ch->actor, "at", at, "to",
		      "department", *department ? department : NULL, "area",
		      ch->area, "text", text);
	x->json = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!x->json) {
		free(text);
		return -UG_ENOMEM;
	}
	x->text = text;
	snprintf(x->action, sizeof x->action, "%s", ch->action);
	snprintf(x->number, sizeof x->number, "%s", ch->number);
	snprintf(x->department, sizeof x->department, "%s", department);
	snprintf(x->area, sizeof x->area, "%s", ch->area);
	n->count++;
	return 0;
}

/* Start the command for the oldest notice: /bin/sh -c COMMAND, the
 * notice on a pipe to its stdin (a few hundred bytes: the write cannot
 * block), its fields in the environment. */
static void start_next(struct notifier *n)
{
	struct notice *x = &n->queue[n->head];
	posix_spawn_file_actions_t fa;
	char *argv[] = { "sh", "-c", n->command, NULL };
	struct buf env[5] = { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT };
	char **envp;
	size_t nenv = 0;
	int fds[2], rc;
	pid_t pid;

	while (environ[nenv])
		nenv++;
	envp = calloc(nenv + 6, sizeof *envp);
	if (!envp || pipe2(fds, O_CLOEXEC) != 0) {
		free(envp);
		log_warn("notify: cannot start the command: %s",
			 strerror(errno));
		return;
	}
	memcpy(envp, environ, nenv * sizeof *envp);
	buf_printf(&env[0], "UG_NOTICE_ACTION=%s", x->action);
	buf_printf(&env[1], "UG_NOTICE_NUMBER=%s", x->number);
	buf_printf(&env[2], "UG_NOTICE_DEPARTMENT=%s", x->department);
	buf_printf(&env[3], "UG_NOTICE_AREA=%s", x->area);
	buf_printf(&env[4], "UG_NOTICE_TEXT=%s", x->text);
	for (int i = 0; i < 5; i++)
		envp[nenv + (size_t)i] = (char *)buf_str(&env[i]);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
	rc = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[0]);
	if (rc == 0) {
		/* A reader gone early is the command's business, not a
		 * reason to stop the server: SIGPIPE is not ours to take. */
		if (write(fds[1], x->json, strlen(x->json)) < 0 ||
		    write(fds[1], "\n", 1) < 0)
			log_warn("notify: the command of %s %s did not read "
				 "its notice", x->action, x->number);
		n->running = pid;
		n->started_us = ug_monotonic_us();
		n->killed = 0;
		log_info("notify: %s %s", x->action, x->number);
		notice_free(x);
		n->head = (n->head + 1) % NOTIFY_QUEUE_MAX;
		n->count--;
	} else {
		log_warn("notify: cannot start the command: %s", strerror(rc));
	}
	close(fds[1]);
	for (int i = 0; i < 5; i++)
		buf_free(&env[i]);
	free(envp);
}

/* Collect a command that ended; kill one past its time. */
static void reap(struct notifier *n)
{
	int status;
	pid_t r;

	if (!n->running)
		return;
	r = waitpid(n->running, &status, WNOHANG);
	if (r == n->running) {
		if (n->killed)
			log_warn("notify: the command ran past %d s and was "
				 "stopped", n->timeout_s);
		else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			log_warn("notify: the command failed (%s %d)",
				 WIFEXITED(status) ? "exit" : "signal",
				 WIFEXITED(status) ? WEXITSTATUS(status)
						   : WTERMSIG(status));
		n->running = 0;
		return;
	}
	if (!n->killed &&
	    ug_monotonic_us() - n->started_us > (int64_t)n->timeout_s * 1000000) {
		kill(n->running, SIGKILL);
		n->killed = 1;
	}
}

void notifier_tick(struct notifier *n, struct db_pool *pool)
{
	struct ug_error err;
	struct user root;
	struct actor all;
	const struct actor *everything = actor_root(&root, "notify", &all);
	struct db *db;
	int64_t before;

	ug_error_clear(&err);
	if (db_pool_acquire(pool, &db, &err) == 0) {
		do {
			before = n->after;
			if (case_changes(db, everything, n->after, 200,
					 take_change, n, &n->after, &err)) {
				log_warn("notify: %s", err.message);
				break;
			}
		} while (n->after != before);
		db_pool_release(pool, db);
	}
	if (n->stale) {
		log_info("notify: %ld overdue line(s) noted over a day late "
			 "were not sent", n->stale);
		n->stale = 0;
	}
	if (n->dropped) {
		log_warn("notify: %ld notice(s) dropped: the command is too "
			 "slow for the changes", n->dropped);
		n->dropped = 0;
	}
	reap(n);
	if (!n->running && n->count)
		start_next(n);
}

void notifier_free(struct notifier *n, int grace_ms)
{
	int64_t until;

	if (!n)
		return;
	until = ug_monotonic_us() + (int64_t)grace_ms * 1000;
	while (n->running && ug_monotonic_us() < until) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		reap(n);
		if (n->running)
			nanosleep(&ts, NULL);
	}
	if (n->running) {
		kill(n->running, SIGKILL);
		waitpid(n->running, NULL, 0);
	}
	if (n->count)
		log_warn("notify: %d notice(s) not sent at shutdown", n->count);
	while (n->count) {
		notice_free(&n->queue[n->head]);
		n->head = (n->head + 1) % NOTIFY_QUEUE_MAX;
		n->count--;
	}
	free(n->command);
	free(n);
}

/*
 * notify.h - the operator's notification hook (serve --notify-command):
 * the changes people must hear of at once - a case dispatched to a
 * department or given back to it off hold (解除挂账), returned by one,
 * supervised (督办), an extension asked, a stage gone overdue (the server's overdue sweep, case.h) -
 * handed to a command of the city's (its SMS or government-messaging
 * gateway), one at a time, the notice as JSON on its standard input.
 *
 * The notifier follows the cases' history as the live streams do (after
 * the latest line when the server started), from the server's main loop:
 * notifier_tick() reads the new lines, queues the notable ones (at most
 * NOTIFY_QUEUE_MAX waiting; beyond, the oldest are dropped and logged),
 * starts the command for the next one when none runs, and reaps it -
 * killing one that runs past its time.  It never blocks the loop.
 * Nothing leaves the machine unless the operator names a command.
 */
#ifndef UG_NOTIFY_H
#define UG_NOTIFY_H

#include <stdint.h>

#include "store/db.h"

#define NOTIFY_QUEUE_MAX 1000
/* An overdue line noted more than this after its deadline is not sent. */
#define NOTIFY_OVERDUE_FRESH_S (24 * 3600)

struct notifier;

/* A notifier running `command` with /bin/sh, after history line
 * `after`, killing a run past timeout_s seconds; times in the notices are
 * written at utc_offset.  NULL when out of memory. */
struct notifier *notifier_new(const char *command, int64_t after,
			      int timeout_s, int32_t utc_offset);

/* Read what is new, run and reap (see above). */
void notifier_tick(struct notifier *n, struct db_pool *pool);

/* Wait up to grace_ms for a running command, kill it past that, and
 * free; notices still queued are logged as not sent. */
void notifier_free(struct notifier *n, int grace_ms);

#endif

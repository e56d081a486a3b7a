/*
 * metrics.h - the operator's numbers in the Prometheus text format
 * (GET /metrics on `serve --metrics-listen`, docs/operations.md).
 *
 * Every request the dispatcher answers is counted by route and status
 * and its time put in a latency histogram (web_serve() calls
 * metrics_request() at its end); a scrape adds what is read at that
 * moment: the database pool, the live-event connections, the cases by
 * state and the process's memory, CPU time and open files.
 *
 * The counters are atomics in one block allocated at start, one row per
 * route of every door plus one per door for requests no route matched:
 * counting a request takes no lock and allocates nothing.  Thread-safe.
 *
 * The numbers are served on their own listener, never on the public one:
 * they tell nothing of any case but do tell an attacker the load, so they
 * are for the monitoring network (the metrics door below is not among the
 * public doors; `urbangrid routes` lists it, and the access test checks
 * that the public listener answers 404 for it).
 */
#ifndef UG_WEB_METRICS_H
#define UG_WEB_METRICS_H

#include <stdint.h>

#include "lib/buf.h"

struct web_door;
struct web_route;
struct metrics;

/* The counters for the routes of doors (NULL-terminated).  NULL when out
 * of memory. */
struct metrics *metrics_new(const struct web_door *const *doors);
void metrics_free(struct metrics *m); /* NULL accepted */

/* One request answered by `door` (one of those given to metrics_new())
 * with route r (NULL: no route matched), its status and the time it took
 * in microseconds.  A door metrics_new() was not given is not counted. */
void metrics_request(struct metrics *m, const struct web_door *door,
		     const struct web_route *r, int status, int64_t micros);

/* Append the request counters and histograms to out in the text format
 * (version 0.0.4).  0, or UG_ENOMEM. */
int metrics_render_requests(const struct metrics *m, struct buf *out);

/* Append the process's own numbers (process_* as Prometheus names them:
 * resident memory, CPU seconds, open files, start time), read from
 * /proc/self.  0, or UG_ENOMEM; a /proc that cannot be read leaves a
 * number out. */
int metrics_render_process(struct buf *out);

/* The metrics door: GET /metrics, for serve's --metrics-listen server
 * (web/h_metrics.c). */
extern const struct web_door metrics_door;

#endif

/*
 * log.h - one-line log records on standard error.
 *
 * Each record is one line: UTC time, level, request id ("-" outside a
 * request), then the message - or, once log_set_json(1) is called, the
 * same as one JSON object a line, {"time","level","request_id","message"}
 * (request_id null outside a request), for a log collector.  A line is
 * written with one stdio call under the stream lock, so lines from worker
 * threads never interleave.
 */
#ifndef UG_LOG_H
#define UG_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Records below `level` are dropped.  Set once at start-up. */
void log_set_level(enum log_level level);

/* 1: JSON lines from now on; 0: text lines (the default).  Set once at
 * start-up. */
void log_set_json(int on);

/* 1 when records of `level` are written: for a caller that would build
 * a costly line for nothing (the access log of a busy server). */
int log_enabled(enum log_level level);

void log_msg(enum log_level level, const char *request_id, const char *fmt,
	     ...) __attribute__((format(printf, 3, 4)));

#define log_info(...) log_msg(LOG_INFO, NULL, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, NULL, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, NULL, __VA_ARGS__)

#endif

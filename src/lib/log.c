/*
 * log.c - line-oriented logging (see log.h).
 */
#include "lib/log.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/buf.h"
#include "lib/util.h"

/* Written once before threads start; read by all. */
static atomic_int log_level_min = LOG_INFO;
static atomic_int log_json;

void log_set_level(enum log_level level)
{
	atomic_store(&log_level_min, (int)level);
}

void log_set_json(int on)
{
	atomic_store(&log_json, on != 0);
}

/* The record as one JSON object.  A message is text, but it may quote a
 * client's bytes (a path): what is not UTF-8 becomes U+FFFD, so the line
 * is always JSON. */
static void json_line(struct buf *line, const char *ts, const char *level,
		      const char *request_id, struct buf *msg)
{
	json_t *o;
	char *text;

	if (!ug_utf8_valid(buf_str(msg), msg->len)) {
		struct buf clean = BUF_INIT;

		for (size_t i = 0; i < msg->len;) {
			unsigned char c = (unsigned char)msg->data[i];
			size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;

			if (n <= msg->len - i && ug_utf8_valid(msg->data + i, n)) {
				buf_append(&clean, msg->data + i, n);
				i += n;
			} else {
				buf_puts(&clean, "\xEF\xBF\xBD");
				i++;
			}
		}
		buf_free(msg);
		*msg = clean;
	}
	o = json_pack("{s:s, s:s, s:s?, s:s}", "time", ts, "level", level,
		      "request_id", request_id, "message", buf_str(msg));
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	if (text)
		buf_puts(line, text);
	else /* out of memory, or not text after all: the plain line */
		buf_printf(line, "%s %s %s %s", ts, level,
			   request_id ? request_id : "-", buf_str(msg));
	free(text);
	json_decref(o);
}

int log_enabled(enum log_level level)
{
	return (int)level >= atomic_load(&log_level_min);
}

void log_msg(enum log_level level, const char *request_id, const char *fmt,
	     ...)
{
	static const char *const names[] = { "DEBUG", "INFO", "WARN", "ERROR" };
	struct buf line = BUF_INIT, msg = BUF_INIT;
	char ts[40];
	va_list ap;

	if ((int)level < atomic_load(&log_level_min))
		return;
	ug_time_format_us(ug_now_us(), ts, sizeof ts);
	va_start(ap, fmt);
	if (atomic_load(&log_json)) {
		buf_vprintf(&msg, fmt, ap);
		json_line(&line, ts, names[level], request_id, &msg);
		buf_free(&msg);
	} else {
		/* The usual case formats straight into the line. */
		buf_printf(&line, "%s %s %s ", ts, names[level],
			   request_id ? request_id : "-");
		buf_vprintf(&line, fmt, ap);
	}
	va_end(ap);
	buf_putc(&line, '\n');
	flockfile(stderr);
	fwrite(buf_str(&line), 1, line.len, stderr);
	fflush(stderr);
	funlockfile(stderr);
	buf_free(&line);
}

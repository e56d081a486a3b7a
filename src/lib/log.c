/*
 * log.c - line-oriented logging (see log.h).
 */
#include "lib/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

#include "lib/buf.h"
#include "lib/util.h"

/* Written once before threads start; read by all. */
static atomic_int log_level_min = LOG_INFO;

void log_set_level(enum log_level level)
{
	atomic_store(&log_level_min, (int)level);
}

void log_msg(enum log_level level, const char *request_id, const char *fmt,
	     ...)
{
	static const char *const names[] = { "DEBUG", "INFO", "WARN", "ERROR" };
	struct buf line = BUF_INIT;
	char ts[40];
	va_list ap;

	if ((int)level < atomic_load(&log_level_min))
		return;
	ug_time_format_us(ug_now_us(), ts, sizeof ts);
	buf_printf(&line, "%s %s %s ", ts, names[level],
		   request_id ? request_id : "-");
	va_start(ap, fmt);
	buf_vprintf(&line, fmt, ap);
	va_end(ap);
	buf_putc(&line, '\n');
	flockfile(stderr);
	fwrite(buf_str(&line), 1, line.len, stderr);
	fflush(stderr);
	funlockfile(stderr);
	buf_free(&line);
}

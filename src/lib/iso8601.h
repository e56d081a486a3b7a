/*
 * iso8601.h - reading and writing W3C / ISO 8601 date-times with a zone.
 *
 * Accepted: "2026-10-08T09:00:00+08:00", "...Z", a fractional second
 * ("09:00:00.250Z", dropped), "+0800" and "+08" offsets, and a space in
 * place of the 'T'.  A time without a zone is refused: guessing the zone
 * is how deadlines go wrong by eight hours.  Written: seconds, never a
 * fraction, with the given offset ("+08:00", or "Z" for 0).
 */
#ifndef UG_ISO8601_H
#define UG_ISO8601_H

#include <stddef.h>
#include <stdint.h>

/* Parse s into seconds since the epoch (UTC).  Returns 0, or -1 when s is
 * not such a date-time (wrong shape, out-of-range field, no zone). */
int iso8601_parse(const char *s, int64_t *out);

/* Format t at utc_offset seconds east of UTC; out holds at least 26
 * bytes.  Returns out. */
char *iso8601_format(int64_t t, int32_t utc_offset, char *out, size_t size);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t iso8601_days_from_civil(int64_t y, unsigned m, unsigned d);
void iso8601_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

#endif

/*
 * util.h - small helpers without domain knowledge: clock, time formatting,
 * random tokens, string checks.
 */
#ifndef UG_UTIL_H
#define UG_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Wall-clock time in microseconds / seconds since the Unix epoch (UTC).
 *
 * For tests of what depends on the date (the holiday reminder from 1
 * November, deadlines): URBANGRID_TEST_CLOCK=2026-11-02T09:00:00+08:00 in
 * the environment moves the clock so that the program starts at that
 * instant, and time runs on from there.  Read once, at the first call;
 * `serve` says so in its log when it is set. */
int64_t ug_now_us(void);
int64_t ug_now_s(void);

/* 1 when URBANGRID_TEST_CLOCK moved the clock. */
int ug_test_clock(void);

/* Monotonic clock in microseconds, for durations. */
int64_t ug_monotonic_us(void);

/* Format UTC as "2026-11-23T09:10:11Z" / "2026-11-23T09:10:11.123456Z".
 * out must hold at least 32 bytes.  Returns out. */
char *ug_time_format_s(int64_t secs, char *out, size_t size);
char *ug_time_format_us(int64_t us, char *out, size_t size);

/* Fill out with 2*nbytes lower-case hex characters of cryptographically
 * secure random data, NUL-terminated (out holds 2*nbytes+1 bytes). */
void ug_random_hex(char *out, size_t nbytes);

/* A string's hash for in-memory tables (FNV-1a, 64 bits), never 0: 0
 * is left to mean "a free slot". */
uint64_t ug_hash_str(const char *s);

/* The same hash over several pieces: start from UG_HASH_START and feed
 * each piece in turn (h = ug_hash_more(h, piece)); may be 0. */
#define UG_HASH_START 14695981039346656037ULL
uint64_t ug_hash_more(uint64_t h, const char *s);

/* The value of hex digit c (0-9, a-f, A-F), or -1 for any other. */
int ug_hex_digit(int c);

/* 1 if s consists of exactly len ASCII digits (len 0: any length >= 1). */
int ug_is_digits(const char *s, size_t len);

/* 1 if s is valid UTF-8 without NUL bytes among its n bytes. */
int ug_utf8_valid(const char *s, size_t n);

/* The first control character of s's n bytes that text may not hold -
 * C0 other than tab, line feed and carriage return, and DEL - or -1.
 * Refused at input everywhere (fields.c, form.c): XML 1.0 cannot carry
 * them, so JSON and XML answers would otherwise disagree on the same
 * text. */
int ug_text_control(const char *s, size_t n);

/* Number of Unicode code points in a valid UTF-8 string. */
size_t ug_utf8_len(const char *s);

/* Copy src (NULL: "") into dst of `size` bytes, cut to fit, always
 * terminated; returns dst.  What snprintf(dst, size, "%s", src) does,
 * without parsing a format: the store copies every text column of every
 * row it reads so, and the formatting was a fifth of a report's
 * intake. */
char *ug_copy(char *dst, size_t size, const char *src);
/* ug_copy() into a char array, sized by the array. */
#define UG_COPY(dst, src) ug_copy((dst), sizeof(dst), (src))

/* The type of a photo from its first bytes: "image/jpeg", "image/png" or
 * "image/webp", the only ones UrbanGrid keeps and shows; NULL for
 * anything else (the attachments' check, the reports' renderers). */
const char *ug_image_mime(const void *data, size_t len);

#endif

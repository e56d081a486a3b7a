/*
 * util.c - clock, formatting, random tokens (see util.h).
 */
#include "lib/util.h"

#include "lib/iso8601.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The test clock (util.h): how far the program's clock is moved from
 * the system's, set once from URBANGRID_TEST_CLOCK. */
static int64_t clock_shift_us;
static pthread_once_t clock_once = PTHREAD_ONCE_INIT;

static int64_t system_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void clock_init(void)
{
	const char *at = getenv("URBANGRID_TEST_CLOCK");
	int64_t t;

	if (at && *at && iso8601_parse(at, &t) == 0)
		clock_shift_us = t * 1000000 - system_now_us();
}

int64_t ug_now_us(void)
{
	pthread_once(&clock_once, clock_init);
	return system_now_us() + clock_shift_us;
}

int ug_test_clock(void)
{
	pthread_once(&clock_once, clock_init);
	return clock_shift_us != 0;
}

int64_t ug_now_s(void)
{
	return ug_now_us() / 1000000;
}

int64_t ug_monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

char *ug_time_format_s(int64_t secs, char *out, size_t size)
{
	time_t t = (time_t)secs;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return out;
}

char *ug_time_format_us(int64_t us, char *out, size_t size)
{
	int64_t secs = us / 1000000, frac = us % 1000000;
	time_t t;
	struct tm tm;
	char base[24];

	/* C division truncates toward zero; before 1970 the fraction must
	 * still count forward from the second below. */
	if (frac < 0) {
		frac += 1000000;
		secs--;
	}
	t = (time_t)secs;
	gmtime_r(&t, &tm);
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, size, "%s.%06dZ", base, (int)frac);
	return out;
}

uint64_t ug_hash_more(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

uint64_t ug_hash_str(const char *s)
{
	uint64_t h = ug_hash_more(UG_HASH_START, s);

	return h ? h : 1;
}

void ug_random_hex(char *out, size_t nbytes)
{
	unsigned char raw[64];

	/* Tokens here are at most 32 bytes; larger requests are a bug. */
	if (nbytes > sizeof raw)
		nbytes = sizeof raw;
	randombytes_buf(raw, nbytes);
	sodium_bin2hex(out, nbytes * 2 + 1, raw, nbytes);
	sodium_memzero(raw, sizeof raw);
}

int ug_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int ug_is_digits(const char *s, size_t len)
{
	size_t i;

	if (!s || !*s)
		return 0;
	for (i = 0; s[i]; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return len == 0 || i == len;
}

int ug_text_control(const char *s, size_t n)
{
	/* Bytes below 0x80 are whole characters in UTF-8. */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
		    c == 0x7F)
			return c;
	}
	return -1;
}

int ug_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned c = p[i];
		size_t extra;
		unsigned cp;

		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			extra = 1;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			extra = 2;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			extra = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (extra > n - i - 1) /* truncated sequence */
			return 0;
		for (size_t k = 1; k <= extra; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		/* Reject overlong forms, surrogates and values past U+10FFFF. */
		if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
		    (extra == 3 && cp < 0x10000) || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += extra + 1;
	}
	return 1;
}

size_t ug_utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

const char *ug_image_mime(const void *data, size_t len)
{
	const unsigned char *p = data;

	if (len >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return "image/jpeg";
	if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (len >= 12 && memcmp(p, "RIFF", 4) == 0 &&
	    memcmp(p + 8, "WEBP", 4) == 0)
		return "image/webp";
	return NULL;
}

char *ug_copy(char *dst, size_t size, const char *src)
{
	size_t n;

	if (!size)
		return dst;
	n = src ? strnlen(src, size - 1) : 0;
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
	return dst;
}

/*
 * lunar.h - the Chinese lunisolar calendar (农历): which Gregorian date a
 * lunar date falls on and back, for the lunar years 1900-2100 (verified
 * 1901-2099).  The statutory holidays (domain/calendar/holidays.h) need 春节, 除夕,
 * 端午 and 中秋; nothing else here knows of holidays.
 *
 * The months come from a compact table (one 17-bit word per lunar year:
 * the length of each month and where the leap month falls), the form in
 * which the almanac has circulated in software since the 1990s.  It is
 * data, not code.  Four words of the circulating table disagree with the
 * astronomical computation that GB/T 33661-2017 (农历的编算和颁行)
 * prescribes and are corrected here (see lunar.c); the unit test compares
 * every month of 1901-2099 with an independent implementation (npm
 * lunar-javascript).
 *
 * Dates are days since 1970-01-01 (lib/ics.h ics_civil_to_days()), the
 * local calendar date in China.
 */
#ifndef UG_LUNAR_H
#define UG_LUNAR_H

#include <stdint.h>

#define LUNAR_FIRST_YEAR 1900 /* lunar years in the table */
#define LUNAR_LAST_YEAR 2100

struct lunar_date {
	int year;  /* lunar year, named by the Gregorian year it starts in */
	int month; /* 1..12 */
	int leap;  /* 1: the leap month (闰月) that follows `month` */
	int day;   /* 1..30 */
};

/* The leap month of a lunar year (1..12), 0 if it has none or the year is
 * outside the table. */
int lunar_leap_month(int year);

/* Days in a month (29 or 30); 0 for a month that does not exist (a leap
 * month the year does not have, a year outside the table). */
int lunar_month_days(int year, int month, int leap);

/* The date of a lunar date into *out.  Returns 0, or -1 (and *out
 * unchanged) for a date that does not exist or lies outside the table. */
int lunar_to_days(const struct lunar_date *d, int32_t *out);

/* The lunar date of `days` into *out.  Returns 0, or -1 outside the table
 * (before the lunar year 1900 began, 1900-01-31, or after 2100 ended). */
int lunar_from_days(int32_t days, struct lunar_date *out);

/* 正月初一 of lunar year `year` (春节) into *out.  Returns 0, or -1 (and
 * *out unchanged) outside the table. */
int lunar_new_year(int year, int32_t *out);

#endif

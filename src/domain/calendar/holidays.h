/*
 * holidays.h - the statutory public holidays of China by rule, for any
 * year the lunar data covers: what the national rules on public holidays
 * (全国年节及纪念日放假办法) fix, in the version in force that year, with
 * their make-up days (补假).  This is what the working calendar falls back
 * on for a year whose official schedule (the State Council's yearly
 * notice, 国务院办公厅关于某年部分节假日安排的通知) has not been loaded:
 * such days are provisional (domain/calendar/workcal.h).
 *
 * The versions (the decree that set each):
 *   before 2008  国务院令第270号 (1999): 元旦 1 Jan; 春节 正月初一-初三;
 *                劳动节 1-3 May; 国庆节 1-3 Oct.  (Applied to every year
 *                before 2008: the 1949 rules it replaced differ, but no
 *                deadline reaches back that far.)
 *   2008-2013    国务院令第513号 (2007): 元旦; 春节 除夕-正月初二; 清明节;
 *                劳动节 1 May; 端午节 五月初五; 中秋节 八月十五; 国庆节
 *                1-3 Oct.
 *   2014-2024    国务院令第644号 (2013): as 2008, 春节 正月初一-初三.
 *   from 2025    国务院令第795号 (2024): as 2014, 春节 除夕-正月初三,
 *                劳动节 1-2 May.
 * 清明节 is the day of the Qingming solar term (domain/calendar/solarterm.h) in
 * Beijing time; 除夕 is the last day of the twelfth lunar month, the day
 * before 正月初一.
 *
 * Make-up days: the rules say a holiday that falls on a Saturday or a
 * Sunday is made up on a working day.  Each such day gets one make-up
 * day, on the first Monday-Friday after it that is neither a statutory day
 * nor another make-up day, taken in date order (so 国庆节 on Sat, Sun, Mon
 * is made up on Tue and Wed).  Where two holidays fall on the same day
 * (中秋节 on 1-3 October: 2028-10-03, 2031-10-01) the rules are silent;
 * the State Council's notices have always given the day back (2009, 2017
 * and 2020 had eight days), so the shared day is treated like a weekend:
 * one make-up day by the same rule.  Make-up WORKdays (调休上班) are not
 * predicted: they are the notice's choice.
 */
#ifndef UG_HOLIDAYS_H
#define UG_HOLIDAYS_H

#include <stdint.h>

#define HOLIDAYS_FIRST_YEAR 1901 /* the lunar data and the solar term */
#define HOLIDAYS_LAST_YEAR 2099  /* are checked for these years */
#define HOLIDAYS_MAX_DAYS 40     /* statutory days and make-up days in a
				    year: at most 13 + 13 */

enum holiday {
	HOL_NEW_YEAR,    /* 元旦 */
	HOL_SPRING,      /* 春节 */
	HOL_QINGMING,    /* 清明节 */
	HOL_LABOUR,      /* 劳动节 */
	HOL_DRAGON_BOAT, /* 端午节 */
	HOL_MID_AUTUMN,  /* 中秋节 */
	HOL_NATIONAL,    /* 国庆节 */
	HOL_COUNT
};

extern const char *const holiday_names[HOL_COUNT];    /* "元旦" ... */
extern const char *const holiday_names_en[HOL_COUNT]; /* "New Year's Day" */

struct holiday_day {
	int32_t date;          /* days since 1970-01-01 */
	enum holiday holiday;  /* the holiday it is, or makes up for */
	int makeup;            /* 1: a make-up day (补假), 0: the holiday */
};

/* Which version of the rules governs `year`: 1999, 2007, 2013 or 2024
 * (the year its decree was made). */
int holidays_rules(int year);

/*
 * The days off the rules give in `year`, in date order, into out (room
 * for HOLIDAYS_MAX_DAYS); returns how many, or -1 for a year outside
 * HOLIDAYS_FIRST_YEAR..LAST.  A date appears once: where 中秋节 falls
 * inside 国庆节 the date is 国庆节's and the make-up day is 中秋节's.
 */
int holidays_of_year(int year, struct holiday_day *out);

/* "元旦" or "元旦(补假)" for a day of holidays_of_year() into out (at
 * least 32 bytes).  Returns out. */
char *holidays_day_note(const struct holiday_day *d, char *out, int size);

#endif

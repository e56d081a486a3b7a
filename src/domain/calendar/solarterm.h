/*
 * solarterm.h - the 24 solar terms (二十四节气): the instants the Sun's
 * apparent ecliptic longitude reaches a multiple of 15 degrees, and the
 * date that makes in a given time zone.  清明 (Qingming, 15 degrees) is a
 * statutory holiday (domain/calendar/holidays.h); the others are here because the
 * same computation gives them and the test checks them all.
 *
 * Computed, not tabulated: the Earth's heliocentric longitude from the
 * VSOP87 planetary theory (Bretagnon & Francou 1988) truncated as in
 * Meeus, "Astronomical Algorithms" (2nd ed., ch. 32 and appendix III),
 * with the FK5 correction, nutation in longitude (ch. 22, the four main
 * terms) and aberration, then Dynamical Time turned into Universal Time
 * with Espenak & Meeus' polynomials for delta T.  The result is within
 * about a minute of the almanac for 1901-2099; the unit test compares the
 * date of every term of those years with npm lunar-javascript.
 */
#ifndef UG_SOLARTERM_H
#define UG_SOLARTERM_H

#include <stdint.h>

/* In the order they fall in a Gregorian year, 小寒 in early January first.
 * Term k is where the apparent longitude reaches (285 + 15 k) mod 360. */
enum solar_term {
	ST_XIAOHAN, ST_DAHAN, ST_LICHUN, ST_YUSHUI, ST_JINGZHE, ST_CHUNFEN,
	ST_QINGMING, ST_GUYU, ST_LIXIA, ST_XIAOMAN, ST_MANGZHONG, ST_XIAZHI,
	ST_XIAOSHU, ST_DASHU, ST_LIQIU, ST_CHUSHU, ST_BAILU, ST_QIUFEN,
	ST_HANLU, ST_SHUANGJIANG, ST_LIDONG, ST_XIAOXUE, ST_DAXUE, ST_DONGZHI,
	ST_COUNT
};

#define SOLARTERM_FIRST_YEAR 1900 /* delta T is modelled from 1900; */
#define SOLARTERM_LAST_YEAR 2100  /* the dates are checked 1901-2099 */

/* "清明" etc. */
extern const char *const solarterm_names[ST_COUNT];

/* The instant of `term` in Gregorian year `year`, in UTC seconds since
 * the epoch (rounded to the second).  Returns 0, or -1 for a year outside
 * SOLARTERM_FIRST_YEAR..LAST or a term outside the enum. */
int solarterm_instant(int year, int term, int64_t *out);

/* The local date (days since 1970-01-01) of that instant at `utc_offset`
 * seconds east of UTC (China: 8 * 3600).  Returns 0 or -1 as above. */
int solarterm_day(int year, int term, int32_t utc_offset, int32_t *out);

#endif

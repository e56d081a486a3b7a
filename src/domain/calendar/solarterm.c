/*
 * solarterm.c - solar terms from the Sun's apparent longitude (see
 * solarterm.h for the theory and its accuracy).
 *
 * A term's instant is found by Newton's method on the apparent longitude
 * as a function of Dynamical Time, starting from the mean date of the
 * term; three or four steps bring it within a millisecond.  The series
 * below are VSOP87 (version D: heliocentric ecliptic of date) for the
 * Earth, in units of 1e-8 radian (L) and 1e-8 AU (R), each term
 * A cos(B + C tau) with tau in Julian millennia from J2000.0.  Terms
 * smaller than about 0.1" are left out: at the Sun's speed of about 2.5"
 * a minute they shift an instant by seconds.
 */
#include "domain/calendar/solarterm.h"

#include <math.h>
#include <stddef.h>

const char *const solarterm_names[ST_COUNT] = {
	"小寒", "大寒", "立春", "雨水", "惊蛰", "春分", "清明", "谷雨",
	"立夏", "小满", "芒种", "夏至", "小暑", "大暑", "立秋", "处暑",
	"白露", "秋分", "寒露", "霜降", "立冬", "小雪", "大雪", "冬至",
};

struct vsop_term {
	double a, b, c;
};

static const struct vsop_term earth_l0[] = {
	{ 175347046, 0, 0 },
	{ 3341656, 4.6692568, 6283.0758500 },
	{ 34894, 4.62610, 12566.15170 },
	{ 3497, 2.7441, 5753.3849 },
	{ 3418, 2.8289, 3.5231 },
	{ 3136, 3.6277, 77713.7715 },
	{ 2676, 4.4181, 7860.4194 },
	{ 2343, 6.1352, 3930.2097 },
	{ 1324, 0.7425, 11506.7698 },
	{ 1273, 2.0371, 529.6910 },
	{ 1199, 1.1096, 1577.3435 },
	{ 990, 5.233, 5884.927 },
	{ 902, 2.045, 26.298 },
	{ 857, 3.508, 398.149 },
	{ 780, 1.179, 5223.694 },
	{ 753, 2.533, 5507.553 },
	{ 505, 4.583, 18849.228 },
	{ 492, 4.205, 775.523 },
	{ 357, 2.920, 0.067 },
	{ 317, 5.849, 11790.629 },
	{ 284, 1.899, 796.298 },
	{ 271, 0.315, 10977.079 },
	{ 243, 0.345, 5486.778 },
	{ 206, 4.806, 2544.314 },
	{ 205, 1.869, 5573.143 },
	{ 202, 2.458, 6069.777 },
	{ 156, 0.833, 213.299 },
	{ 132, 3.411, 2942.463 },
	{ 126, 1.083, 20.775 },
	{ 115, 0.645, 0.980 },
	{ 103, 0.636, 4694.003 },
	{ 102, 0.976, 15720.839 },
	{ 102, 4.267, 7.114 },
	{ 99, 6.21, 2146.17 },
	{ 98, 0.68, 155.42 },
	{ 86, 5.98, 161000.69 },
	{ 85, 1.30, 6275.96 },
	{ 85, 3.67, 71430.70 },
	{ 80, 1.81, 17260.15 },
	{ 79, 3.04, 12036.46 },
	{ 75, 1.76, 5088.63 },
	{ 74, 3.50, 3154.69 },
	{ 74, 4.68, 801.82 },
	{ 70, 0.83, 9437.76 },
	{ 62, 3.98, 8827.39 },
	{ 61, 1.82, 7084.90 },
	{ 57, 2.78, 6286.60 },
	{ 56, 4.39, 14143.50 },
	{ 56, 3.47, 6279.55 },
	{ 52, 0.19, 12139.55 },
	{ 52, 1.33, 1748.02 },
	{ 51, 0.28, 5856.48 },
	{ 49, 0.49, 1194.45 },
	{ 41, 5.37, 8429.24 },
	{ 41, 2.40, 19651.05 },
	{ 39, 6.17, 10447.39 },
	{ 37, 6.04, 10213.29 },
	{ 37, 2.57, 1059.38 },
	{ 36, 1.71, 2352.87 },
	{ 36, 1.78, 6812.77 },
	{ 33, 0.59, 17789.85 },
	{ 30, 0.44, 83996.85 },
	{ 30, 2.74, 1349.87 },
	{ 25, 3.16, 4690.48 },
};

static const struct vsop_term earth_l1[] = {
	{ 628331966747.0, 0, 0 },
	{ 206059, 2.678235, 6283.075850 },
	{ 4303, 2.6351, 12566.1517 },
	{ 425, 1.590, 3.523 },
	{ 119, 5.796, 26.298 },
	{ 109, 2.966, 1577.344 },
	{ 93, 2.59, 18849.23 },
	{ 72, 1.14, 529.69 },
	{ 68, 1.87, 398.15 },
	{ 67, 4.41, 5507.55 },
	{ 59, 2.89, 5223.69 },
	{ 56, 2.17, 155.42 },
	{ 45, 0.40, 796.30 },
	{ 36, 0.47, 775.52 },
	{ 29, 2.65, 7.11 },
	{ 21, 5.34, 0.98 },
	{ 19, 1.85, 5486.78 },
	{ 19, 4.97, 213.30 },
	{ 17, 2.99, 6275.96 },
	{ 16, 0.03, 2544.31 },
	{ 16, 1.43, 2146.17 },
	{ 15, 1.21, 10977.08 },
	{ 12, 2.83, 1748.02 },
	{ 12, 3.26, 5088.63 },
	{ 12, 5.27, 1194.45 },
	{ 12, 2.08, 4694.00 },
	{ 11, 0.77, 553.57 },
	{ 10, 1.30, 6286.60 },
	{ 10, 4.24, 1349.87 },
	{ 9, 2.70, 242.73 },
	{ 9, 5.64, 951.72 },
	{ 8, 5.30, 2352.87 },
	{ 6, 2.65, 9437.76 },
	{ 6, 4.67, 4690.48 },
};

static const struct vsop_term earth_l2[] = {
	{ 52919, 0, 0 },
	{ 8720, 1.0721, 6283.0758 },
	{ 309, 0.867, 12566.152 },
	{ 27, 0.05, 3.52 },
	{ 16, 5.19, 26.30 },
	{ 16, 3.68, 155.42 },
	{ 10, 0.76, 18849.23 },
	{ 9, 2.06, 77713.77 },
	{ 7, 0.83, 775.52 },
	{ 5, 4.66, 1577.34 },
	{ 4, 1.03, 7.11 },
	{ 4, 3.44, 5573.14 },
	{ 3, 5.14, 796.30 },
	{ 3, 6.05, 5507.55 },
	{ 3, 1.19, 242.73 },
	{ 3, 6.12, 529.69 },
	{ 3, 0.31, 398.15 },
	{ 3, 2.28, 553.57 },
	{ 2, 4.38, 5223.69 },
	{ 2, 3.75, 0.98 },
};

static const struct vsop_term earth_l3[] = {
	{ 289, 5.844, 6283.076 },
	{ 35, 0, 0 },
	{ 17, 5.49, 12566.15 },
	{ 3, 5.20, 155.42 },
	{ 1, 4.72, 3.52 },
	{ 1, 5.30, 18849.23 },
	{ 1, 5.97, 242.73 },
};

static const struct vsop_term earth_l4[] = {
	{ 114, 3.142, 0 },
	{ 8, 4.13, 6283.08 },
	{ 1, 3.84, 12566.15 },
};

static const struct vsop_term earth_l5[] = {
	{ 1, 3.14, 0 },
};

/* The radius vector only scales the aberration (20.5" / R), so its main
 * terms are enough. */
static const struct vsop_term earth_r0[] = {
	{ 100013989, 0, 0 },
	{ 1670700, 3.0984635, 6283.0758500 },
	{ 13956, 3.05525, 12566.15170 },
	{ 3084, 5.1985, 77713.7715 },
	{ 1628, 1.1739, 5753.3849 },
	{ 1576, 2.8469, 7860.4194 },
	{ 925, 5.453, 11506.770 },
	{ 542, 4.564, 3930.210 },
};

static const struct vsop_term earth_r1[] = {
	{ 103019, 1.107490, 6283.075850 },
	{ 1721, 1.0644, 12566.1517 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define PI 3.14159265358979323846
#define DEG (PI / 180.0)
#define ARCSEC (DEG / 3600.0)
#define J2000 2451545.0           /* JD of 2000-01-01 12:00 TT */
#define JD_UNIX_EPOCH 2440587.5   /* JD of 1970-01-01 00:00 UT */
#define TROPICAL_YEAR 365.2421897 /* days */

static double series(const struct vsop_term *t, size_t n, double tau)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += t[i].a * cos(t[i].b + t[i].c * tau);
	return s;
}

static double norm_deg(double x)
{
	x = fmod(x, 360.0);
	return x < 0 ? x + 360.0 : x;
}

/* The Sun's apparent geocentric longitude in degrees at Julian Ephemeris
 * Day jde (Meeus ch. 25, "higher accuracy"). */
static double sun_apparent_longitude(double jde)
{
	double tau = (jde - J2000) / 365250.0, t = tau * 10.0;
	double l, r, omega, lsun, lmoon, dpsi;

	l = (series(earth_l0, N(earth_l0), tau) +
	     series(earth_l1, N(earth_l1), tau) * tau +
	     series(earth_l2, N(earth_l2), tau) * tau * tau +
	     series(earth_l3, N(earth_l3), tau) * tau * tau * tau +
	     series(earth_l4, N(earth_l4), tau) * tau * tau * tau * tau +
	     series(earth_l5, N(earth_l5), tau) * tau * tau * tau * tau *
		     tau) / 1e8;
	r = (series(earth_r0, N(earth_r0), tau) +
	     series(earth_r1, N(earth_r1), tau) * tau) / 1e8;
	/* Geocentric: the Sun is opposite the Earth.  Then to the FK5
	 * system (-0.09033"), nutation in longitude (the four terms of
	 * Meeus ch. 22 good to 0.5") and annual aberration. */
	omega = (125.04452 - 1934.136261 * t) * DEG;
	lsun = (280.4665 + 36000.7698 * t) * DEG;
	lmoon = (218.3165 + 481267.8813 * t) * DEG;
	dpsi = -17.20 * sin(omega) - 1.32 * sin(2 * lsun) -
	       0.23 * sin(2 * lmoon) + 0.21 * sin(2 * omega);
	return norm_deg(l / DEG + 180.0 +
			(-0.09033 + dpsi - 20.4898 / r) / 3600.0);
}

/* TT - UT in seconds for a decimal year from 1900 (Espenak & Meeus, the
 * polynomials of NASA's Five Millennium Canon of Solar Eclipses).  After
 * 2005 they extrapolate: a minute or so of uncertainty by 2100, which
 * moves a term's date only when it falls within that minute of
 * midnight. */
static double delta_t(double y)
{
	double t, u;

	if (y < 1920) {
		t = y - 1900;
		return -2.79 + 1.494119 * t - 0.0598939 * t * t +
		       0.0061966 * t * t * t - 0.000197 * t * t * t * t;
	}
	if (y < 1941) {
		t = y - 1920;
		return 21.20 + 0.84493 * t - 0.076100 * t * t +
		       0.0020936 * t * t * t;
	}
	if (y < 1961) {
		t = y - 1950;
		return 29.07 + 0.407 * t - t * t / 233 + t * t * t / 2547;
	}
	if (y < 1986) {
		t = y - 1975;
		return 45.45 + 1.067 * t - t * t / 260 - t * t * t / 718;
	}
	if (y < 2005) {
		t = y - 2000;
		return 63.86 + 0.3345 * t - 0.060374 * t * t +
		       0.0017275 * t * t * t + 0.000651814 * t * t * t * t +
		       0.00002373599 * pow(t, 5);
	}
	if (y < 2050) {
		t = y - 2000;
		return 62.92 + 0.32217 * t + 0.005589 * t * t;
	}
	u = (y - 1820) / 100;
	return -20 + 32 * u * u - 0.5628 * (2150 - y);
}

/* Julian Day (UT) of Gregorian year/month/day at 0h. */
static double julian_day(int year, int month, int day)
{
	int a, b;

	if (month <= 2) {
		year--;
		month += 12;
	}
	a = year / 100;
	b = 2 - a + a / 4;
	return floor(365.25 * (year + 4716)) + floor(30.6001 * (month + 1)) +
	       day + b - 1524.5;
}

int solarterm_instant(int year, int term, int64_t *out)
{
	double target, jde, ut;

	if (year < SOLARTERM_FIRST_YEAR || year > SOLARTERM_LAST_YEAR ||
	    term < 0 || term >= ST_COUNT)
		return -1;
	target = norm_deg(285.0 + 15.0 * term);
	/* 小寒 falls about 6 January; the terms follow every 1/24 year. */
	jde = julian_day(year, 1, 6) + term * TROPICAL_YEAR / 24.0;
	for (int i = 0; i < 10; i++) {
		double diff = target - sun_apparent_longitude(jde);

		diff = fmod(diff + 540.0, 360.0) - 180.0; /* to [-180, 180) */
		/* The Sun moves 0.953-1.019 degree a day; the mean is close
		 * enough for the steps to shrink by a factor of 30 or more. */
		jde += diff * TROPICAL_YEAR / 360.0;
		if (fabs(diff) < 1e-9)
			break;
	}
	ut = jde - delta_t(year + (jde - julian_day(year, 1, 1)) /
				      TROPICAL_YEAR) / 86400.0;
	*out = (int64_t)llround((ut - JD_UNIX_EPOCH) * 86400.0);
	return 0;
}

int solarterm_day(int year, int term, int32_t utc_offset, int32_t *out)
{
	int64_t t;

	if (solarterm_instant(year, term, &t))
		return -1;
	t += utc_offset;
	*out = (int32_t)(t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
	return 0;
}

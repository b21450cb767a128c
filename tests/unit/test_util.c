/* test_util.c — the time spelling of signed data and the hex helpers.
 *
 * The vector table is the executable form of yzf/time.h: one spelling per
 * instant and zone ("2026-11-27T17:14:54.123+08:00"), milliseconds always,
 * a numeric offset, UTC as "+00:00" only, years 1970..9999. Every vector
 * that passes must also format back to the same bytes. Random round trips
 * are checked against the C library's gmtime_r as an independent oracle.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"
#include "yzf/time.h"
#include "check.h"

struct tvec {
	const char *s;
	int good;     /* 1: must parse to ms/tz and format back to s */
	int64_t ms;
	int32_t tz;
	const char *what; /* for failure messages */
};

#define GOOD(s, ms, tz) { s, 1, ms, tz, s }
#define BAD(s, what) { s, 0, 0, 0, what }

static const struct tvec tvecs[] = {
	/* anchors */
	GOOD("1970-01-01T00:00:00.000+00:00", 0, 0),
	GOOD("1970-01-01T08:00:00.000+08:00", 0, 480),
	GOOD("2026-11-27T17:14:54.123+08:00", 1795770894123LL, 480),
	GOOD("2038-01-19T03:14:08.000+00:00", 2147483648000LL, 0),
	/* leap years: divisible by 4, not by 100 unless by 400 */
	GOOD("2024-02-29T00:00:00.000+00:00", 1709164800000LL, 0),
	GOOD("2024-02-29T23:59:59.999+00:00", 1709251199999LL, 0),
	GOOD("2000-02-29T12:00:00.000+00:00", 951825600000LL, 0),
	/* last millisecond of a day, a year, the range */
	GOOD("2026-12-31T23:59:59.999+00:00", 1798761599999LL, 0),
	GOOD("1999-12-31T23:59:59.999-09:30", 946718999999LL, -570),
	GOOD("9999-12-31T23:59:59.999+00:00", 253402300799999LL, 0),
	/* zones: negative, with minutes, the extremes */
	GOOD("2026-06-15T08:00:00.000-05:30", 1781530200000LL, -330),
	GOOD("2026-03-01T00:00:00.000+05:45", 1772302500000LL, 345),
	GOOD("2026-06-15T08:00:00.000+14:00", 1781460000000LL, 840),
	GOOD("2026-06-15T08:00:00.000-14:00", 1781560800000LL, -840),

	/* dates that do not exist */
	BAD("2100-02-29T00:00:00.000+00:00", "2100 is not a leap year"),
	BAD("1900-02-29T00:00:00.000+00:00", "1900 is not a leap year"),
	BAD("2023-02-29T00:00:00.000+00:00", "2023 is not a leap year"),
	BAD("2024-02-30T00:00:00.000+00:00", "February 30"),
	BAD("2026-04-31T00:00:00.000+00:00", "April 31"),
	BAD("2026-13-01T00:00:00.000+00:00", "month 13"),
	BAD("2026-00-01T00:00:00.000+00:00", "month 0"),
	BAD("2026-01-32T00:00:00.000+00:00", "day 32"),
	BAD("2026-01-00T00:00:00.000+00:00", "day 0"),
	BAD("2026-01-01T24:00:00.000+00:00", "hour 24"),
	BAD("2026-01-01T00:60:00.000+00:00", "minute 60"),
	BAD("2026-12-31T23:59:60.000+00:00", "leap second"),
	/* one spelling of UTC, numeric offsets in range */
	BAD("2026-11-27T09:14:54.123-00:00", "-00:00"),
	BAD("2026-11-27T09:14:54.123Z", "Z"),
	BAD("2026-11-27T09:14:54.123Z00:00", "Z padded to length"),
	BAD("2026-11-27T09:14:54.123+15:00", "offset hour 15"),
	BAD("2026-11-27T09:14:54.123+08:60", "offset minute 60"),
	BAD("2026-11-27T09:14:54.123+14:30", "offset beyond +14:00"),
	BAD("2026-11-27T09:14:54.123-14:01", "offset beyond -14:00"),
	/* years outside 1970..9999 */
	BAD("1969-12-31T23:59:59.999+00:00", "year 1969"),
	BAD("0000-01-01T00:00:00.000+00:00", "year 0"),
	/* wrong lengths */
	BAD("", "empty"),
	BAD("2026-11-27T17:14:54+08:00", "no milliseconds"),
	BAD("2026-11-27T17:14:54.12+08:00", "two fraction digits"),
	BAD("2026-11-27T17:14:54.1234+08:00", "four fraction digits"),
	BAD("2026-11-27T17:14:54.123+0800", "offset without colon"),
	BAD("2026-11-27T17:14:54.123+08", "offset hours only"),
	BAD("2026-11-27T17:14:54.123+08:00 ", "trailing space"),
	BAD(" 2026-11-27T17:14:54.123+08:00", "leading space"),
	BAD("2026-11-27T17:14:54.123+08:000", "30 bytes"),
	BAD("12026-11-27T17:14:54.123+08:0", "five-digit year"),
	BAD("2026-11-27", "date only"),
	/* wrong separators and non-digits */
	BAD("2026-11-27t17:14:54.123+08:00", "lowercase t"),
	BAD("2026-11-27 17:14:54.123+08:00", "space for T"),
	BAD("2026/11/27T17:14:54.123+08:00", "slashes"),
	BAD("2026-11-27T17.14.54.123+08:00", "dots in the time"),
	BAD("2026-11-27T17:14:54,123+08:00", "decimal comma"),
	BAD("2026-11-27T17:14:54.123*08:00", "sign not + or -"),
	BAD("2026-1a-27T17:14:54.123+08:00", "letter in month"),
	BAD("20x6-11-27T17:14:54.123+08:00", "letter in year"),
	BAD("2026-11-27T17:14:54.12a+08:00", "letter in milliseconds"),
	BAD("2026-11-27T17:14:54.123+08:0x", "letter in offset"),
	BAD("2026-11-27T17:14:5 .123+08:00", "space in seconds"),
	BAD("-026-11-27T17:14:54.123+08:00", "sign in year"),
	BAD("+026-11-27T17:14:54.123+08:00", "plus in year"),
	BAD("2026-11-27T-7:14:54.123+08:00", "sign in hour"),
	BAD("2026-11-27T17:14:54.123+-8:00", "sign in offset"),
};

static void test_vectors(void)
{
	for (size_t i = 0; i < sizeof tvecs / sizeof tvecs[0]; i++) {
		const struct tvec *v = &tvecs[i];
		int64_t ms = -12345;
		int32_t tz = -12345;
		bool ok = yzf_time_parse(v->s, strlen(v->s), &ms, &tz);
		if (ok != (bool)v->good) {
			check_fail++;
			fprintf(stderr, "%s:%d: yzf_time_parse(\"%s\") %s, "
				"expected %s (%s)\n", __FILE__, __LINE__,
				v->s, ok ? "accepted" : "refused",
				v->good ? "accepted" : "refused", v->what);
			continue;
		}
		check_pass++;
		if (!v->good)
			continue;
		CHECK_EQ_INT(ms, v->ms);
		CHECK_EQ_INT(tz, v->tz);
		char out[YZF_TIME_LEN + 1];
		memset(out, 'X', sizeof out);
		yzf_time_fmt(v->ms, v->tz, out);
		CHECK_STR(out, v->s);
		CHECK_EQ_INT(strlen(out), YZF_TIME_LEN);
	}
}

/* The parser reads only n bytes: a valid time followed by more bytes in
 * the buffer parses when n stops at the time, and a valid time cut short
 * at any length is refused. */
static void test_lengths(void)
{
	const char *s = "2026-11-27T17:14:54.123+08:00!!!!";
	int64_t ms;
	int32_t tz;
	CHECK(yzf_time_parse(s, YZF_TIME_LEN, &ms, &tz));
	CHECK_EQ_INT(ms, 1795770894123LL);
	for (size_t n = 0; n < YZF_TIME_LEN; n++) {
		char *cut = malloc(n ? n : 1); /* exact size, for ASan */
		memcpy(cut, s, n);
		if (yzf_time_parse(cut, n, &ms, &tz)) {
			check_fail++;
			fprintf(stderr, "%s:%d: time cut to %zu bytes accepted\n",
				__FILE__, __LINE__, n);
		} else {
			check_pass++;
		}
		free(cut);
	}
	CHECK(!yzf_time_parse(s, YZF_TIME_LEN + 1, &ms, &tz));
	/* an embedded NUL is a non-digit like any other */
	CHECK(!yzf_time_parse("2026-11-27T17:14:54.1\0003+08:00", YZF_TIME_LEN,
			      &ms, &tz));
}

/* splitmix64: a fixed, portable sequence so a failure reproduces */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#define MS_END 253402300800000LL /* 10000-01-01T00:00:00.000Z */

/* What yzf_time_fmt must write, computed through gmtime_r instead
 * (out: 96 bytes, room for any int the format could meet). */
static void oracle(int64_t ms, int32_t tz, char *out)
{
	int64_t local = ms + (int64_t)tz * 60000;
	time_t secs = (time_t)(local / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	int off = tz < 0 ? -tz : tz;
	snprintf(out, 96,
		 "%04d-%02d-%02dT%02d:%02d:%02d.%03d%c%02d:%02d",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (int)(local % 1000),
		 tz < 0 ? '-' : '+', off / 60, off % 60);
}

static void test_round_trips(void)
{
	static const int32_t zones[] = { 0, 480, -300, -330, 345, 840, -840,
					 60, -60, 570, -570, 1, -1 };
	int bad = 0, n = 0;
	for (int i = 0; i < 200000; i++) {
		int64_t ms;
		int32_t tz;
		switch (i % 4) {
		case 0: /* anywhere in the range */
			ms = (int64_t)(rnd() % (uint64_t)MS_END);
			break;
		case 1: /* around now */
			ms = 1700000000000LL + (int64_t)(rnd() % 400000000000ULL);
			break;
		case 2: /* near a day boundary */
			ms = (int64_t)(rnd() % 2932896ULL) * 86400000LL +
			     (int64_t)(rnd() % 3) - 1;
			break;
		default: /* near the ends of the range */
			ms = rnd() & 1 ? (int64_t)(rnd() % 86400000ULL * 2)
				       : MS_END - 1 -
						 (int64_t)(rnd() % 86400000ULL * 2);
			break;
		}
		tz = i % 3 ? zones[rnd() % (sizeof zones / sizeof zones[0])]
			   : (int32_t)(rnd() % 1681) - 840;
		int64_t local = ms + (int64_t)tz * 60000;
		if (ms < 0 || local < 0 || local >= MS_END)
			continue; /* written year outside 1970..9999 */
		n++;
		char s[YZF_TIME_LEN + 1], want[96];
		yzf_time_fmt(ms, tz, s);
		oracle(ms, tz, want);
		int64_t ms2 = -1;
		int32_t tz2 = -1;
		bool ok = yzf_time_parse(s, strlen(s), &ms2, &tz2);
		if (strcmp(s, want) != 0 || !ok || ms2 != ms || tz2 != tz) {
			if (bad++ < 10)
				fprintf(stderr, "%s:%d: ms=%lld tz=%d: fmt \"%s\" "
					"(gmtime \"%s\"), parse %s ms=%lld tz=%d\n",
					__FILE__, __LINE__, (long long)ms, tz, s,
					want, ok ? "ok" : "refused",
					(long long)ms2, tz2);
		}
	}
	CHECK(n > 150000);
	CHECK_EQ_INT(bad, 0);
}

struct hvec {
	const char *s;
	size_t n;         /* bytes to decode into */
	int good;
	const char *bytes; /* expected when good */
};

static const struct hvec hvecs[] = {
	{ "", 0, 1, "" },
	{ "00", 1, 1, "\x00" },
	{ "ff", 1, 1, "\xff" },
	{ "0123456789abcdef", 8, 1, "\x01\x23\x45\x67\x89\xab\xcd\xef" },
	{ "a0", 1, 1, "\xa0" },
	{ "FF", 1, 0, NULL },         /* uppercase refused */
	{ "aB", 1, 0, NULL },
	{ "0123456789ABCDEF", 8, 0, NULL },
	{ "abc", 1, 0, NULL },        /* odd length */
	{ "abc", 2, 0, NULL },
	{ "a", 0, 0, NULL },
	{ "abcd", 1, 0, NULL },       /* too long for n */
	{ "ab", 2, 0, NULL },         /* too short for n */
	{ "0g", 1, 0, NULL },         /* not hex */
	{ "g0", 1, 0, NULL },
	{ " 0", 1, 0, NULL },
	{ "0 ", 1, 0, NULL },
	{ "x0", 1, 0, NULL },
	{ "-1", 1, 0, NULL },
	{ "/0", 1, 0, NULL },         /* bytes beside the digit ranges */
	{ ":0", 1, 0, NULL },
	{ "`0", 1, 0, NULL },
	{ "@0", 1, 0, NULL },
	{ "G0", 1, 0, NULL },
};

static void test_hex(void)
{
	for (size_t i = 0; i < sizeof hvecs / sizeof hvecs[0]; i++) {
		const struct hvec *v = &hvecs[i];
		uint8_t out[16];
		bool ok = yzf_unhex(v->s, strlen(v->s), out, v->n);
		if (ok != (bool)v->good) {
			check_fail++;
			fprintf(stderr, "%s:%d: yzf_unhex(\"%s\", n=%zu) %s\n",
				__FILE__, __LINE__, v->s, v->n,
				ok ? "accepted" : "refused");
			continue;
		}
		check_pass++;
		if (!v->good)
			continue;
		CHECK(memcmp(out, v->bytes, v->n) == 0);
		char hex[33];
		yzf_hex(out, v->n, hex);
		CHECK_STR(hex, v->s);
	}

	/* every byte value, both ways */
	uint8_t all[256], back[256];
	char hex[513];
	for (int i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	memset(hex, 'X', sizeof hex);
	yzf_hex(all, 256, hex);
	CHECK_EQ_INT(strlen(hex), 512);
	CHECK(strncmp(hex, "000102", 6) == 0);
	CHECK(strcmp(hex + 506, "fdfeff") == 0);
	CHECK(yzf_unhex(hex, 512, back, 256));
	CHECK(memcmp(all, back, 256) == 0);
	/* any single uppercase digit spoils it */
	int caught = 0;
	for (int i = 0; i < 512; i++) {
		if (hex[i] < 'a')
			continue;
		hex[i] = (char)(hex[i] - 'a' + 'A');
		caught += !yzf_unhex(hex, 512, back, 256);
		hex[i] = (char)(hex[i] - 'A' + 'a');
		caught--;
	}
	CHECK_EQ_INT(caught, 0);
	/* yzf_hex of nothing is the empty string */
	hex[0] = 'X';
	yzf_hex(all, 0, hex);
	CHECK_STR(hex, "");
}

int main(void)
{
	test_vectors();
	test_lengths();
	test_round_trips();
	test_hex();
	return check_done();
}

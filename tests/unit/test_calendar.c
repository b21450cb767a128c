/* The working-day calendar (yzf/calendar.h) on the committed calendar
 * data/calendar/calendar-cn.json (argv[1]): the examples of the deadline
 * rules worked by hand in the issue and in DOMAIN.md §12, the Beijing date
 * of an anchor whatever its zone, provisional counts past the last notice,
 * calendar-day periods and their roll-over, working days late, and a
 * table of documents the reader must refuse, each by a message naming the
 * entry at fault. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "yzf/calendar.h"
#include "yzf/time.h"

static struct yzf_calendar *cal;

/* A yzf time, e.g. "2026-09-30T10:00:00.000+08:00", as ms and zone. */
static int64_t at(const char *s, int32_t *tz)
{
	int64_t ms;
	int32_t z;
	if (!yzf_time_parse(s, strlen(s), &ms, &z)) {
		fprintf(stderr, "bad test time %s\n", s);
		exit(2);
	}
	if (tz)
		*tz = z;
	return ms;
}

static int64_t day(const char *s)
{
	int64_t d;
	if (!yzf_date_parse(s, strlen(s), &d)) {
		fprintf(stderr, "bad test date %s\n", s);
		exit(2);
	}
	return d;
}

static const char *fmt(int64_t date)
{
	static char out[4][YZF_DATE_LEN + 1];
	static int i;
	i = (i + 1) % 4;
	yzf_date_fmt(date, out[i]);
	return out[i];
}

static void load(const char *path)
{
	static uint8_t buf[1 << 20];
	char msg[256];
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
	if (f)
		fclose(f);
	if (!n || yzf_calendar_create(buf, n, &cal, msg, sizeof msg)) {
		fprintf(stderr, "%s: %s\n", path, n ? msg : "cannot read");
		exit(2);
	}
}

static void test_dates(void)
{
	int64_t d;
	CHECK_EQ_INT(day("1970-01-01"), 0);
	CHECK_EQ_INT(day("9999-12-31"), YZF_DATE_MAX);
	CHECK_STR(fmt(day("2026-10-10")), "2026-10-10");
	CHECK_EQ_INT(yzf_date_weekday(day("2026-10-10")), 6);
	CHECK_EQ_INT(yzf_date_weekday(day("2026-09-28")), 1);
	CHECK_EQ_INT(yzf_date_weekday(day("1970-01-01")), 4);
	CHECK(yzf_date_parse("2024-02-29", 10, &d));
	CHECK(!yzf_date_parse("2026-02-29", 10, &d));
	CHECK(!yzf_date_parse("1969-12-31", 10, &d));
	CHECK(!yzf_date_parse("2026-1-01", 9, &d));
	CHECK(!yzf_date_parse("2026-13-01", 10, &d));
	CHECK(!yzf_date_parse("2026/01/01", 10, &d));
	/* 24:00 Beijing is 16:00 UTC the same day. */
	CHECK_EQ_INT(yzf_date_end_ms(day("2026-10-10")),
		     at("2026-10-10T16:00:00.000+00:00", NULL));
	CHECK_EQ_INT(yzf_date_of(at("2026-03-12T15:59:59.999+00:00", NULL)),
		     day("2026-03-12"));
	CHECK_EQ_INT(yzf_date_of(at("2026-03-12T16:00:00.000+00:00", NULL)),
		     day("2026-03-13"));
}

static void test_data(void)
{
	struct yzf_calendar_info in;
	yzf_calendar_info(cal, &in);
	CHECK_EQ_INT(in.version, 1);
	CHECK_STR(in.jurisdiction, "CN-44");
	CHECK_STR(fmt(in.last_notice), "2026-12-31");
	CHECK(in.n > 200);
	/* 2022-12-31 comes from the 2023 notice: the merge is by date. */
	CHECK_STR(yzf_calendar_day_name(cal, day("2022-12-31")), "元旦");
	CHECK(!yzf_calendar_is_working_day(cal, day("2022-12-31")));
	CHECK_STR(yzf_calendar_day_name(cal, day("2026-10-03")), "国庆节");
	CHECK(yzf_calendar_day_name(cal, day("2026-03-07")) == NULL);
	CHECK(!yzf_calendar_is_working_day(cal, day("2026-03-07")));
	CHECK(yzf_calendar_is_working_day(cal, day("2026-03-09")));
	CHECK(yzf_calendar_is_working_day(cal, day("2026-10-10")));
	CHECK(!yzf_calendar_is_working_day(cal, day("2026-10-01")));
	/* 2020-02-03 (a Monday) is listed by the 2020 extension notice as a
	 * working day: no deviation, so not in the document. */
	CHECK(yzf_calendar_day_name(cal, day("2020-02-03")) == NULL);
	CHECK(yzf_calendar_is_working_day(cal, day("2020-02-03")));
}

struct wd_case {
	const char *anchor;
	int64_t n;
	const char *due;
	const char *why;
};

static const struct wd_case wd_cases[] = {
	{ "2026-09-30T10:00:00.000+08:00", 3, "2026-10-10",
	  "Wed +3 ends on the 调休 Saturday" },
	{ "2026-02-13T10:00:00.000+08:00", 3, "2026-02-25",
	  "Fri +3 across 春节, Sat 02-14 worked" },
	{ "2025-12-31T10:00:00.000+08:00", 3, "2026-01-06",
	  "across 元旦 and the year's end" },
	{ "2026-09-18T10:00:00.000+08:00", 3, "2026-09-22",
	  "Fri +3, Sun 09-20 worked" },
	{ "2026-03-08T10:00:00.000+08:00", 1, "2026-03-09",
	  "anchor on a Sunday: Monday is day 1" },
	{ "2026-03-08T10:00:00.000+08:00", 3, "2026-03-11",
	  "anchor on a Sunday, +3" },
	{ "2026-10-04T10:00:00.000+08:00", 1, "2026-10-08",
	  "anchor in 国庆节: the first day back is day 1" },
	{ "2026-09-21T10:00:00.000+08:00", 7, "2026-10-08",
	  "serve the decision: 7 WD over 中秋 and 国庆" },
};

static void test_working_days(void)
{
	for (size_t i = 0; i < sizeof wd_cases / sizeof wd_cases[0]; i++) {
		const struct wd_case *c = &wd_cases[i];
		struct yzf_calendar_due due;
		int32_t tz;
		int64_t ms = at(c->anchor, &tz);
		int rc = yzf_calendar_add_working_days(cal, ms, tz, c->n, &due);
		CHECK_EQ_INT(rc, YZF_OK);
		if (rc)
			continue;
		if (strcmp(fmt(due.date), c->due))
			fprintf(stderr, "case %zu: %s\n", i, c->why);
		CHECK_STR(fmt(due.date), c->due);
		CHECK_EQ_INT(due.end_ms, yzf_date_end_ms(day(c->due)));
		CHECK(!due.provisional);
		CHECK_EQ_INT(due.fixed_holiday, -1);
		CHECK_EQ_INT(due.version, 1);
		/* The due date is n working days after the anchor's date. */
		struct yzf_calendar_span sp;
		CHECK_EQ_INT(yzf_calendar_working_days_between(
			cal, yzf_date_of(ms), due.date, &sp), YZF_OK);
		CHECK_EQ_INT(sp.days, c->n);
	}
	/* The deadline is 24:00 Beijing of 2026-10-10: 16:00 UTC. */
	struct yzf_calendar_due due;
	CHECK_EQ_INT(yzf_calendar_add_working_days(cal,
		at("2026-09-30T10:00:00.000+08:00", NULL), 480, 3, &due),
		YZF_OK);
	CHECK_EQ_INT(due.end_ms, at("2026-10-10T16:00:00.000+00:00", NULL));
}

/* The same instant, 23:59 on Thursday in Beijing, recorded at +08:00 and
 * at +00:00, is one date: Thursday. 23:59 UTC is Friday in Beijing. */
static void test_zones(void)
{
	struct yzf_calendar_due a, b, c;
	int64_t bj = at("2026-03-12T23:59:00.000+08:00", NULL);
	int64_t utc = at("2026-03-12T15:59:00.000+00:00", NULL);
	CHECK_EQ_INT(bj, utc);
	CHECK_EQ_INT(yzf_calendar_add_working_days(cal, bj, 480, 1, &a),
		     YZF_OK);
	CHECK_EQ_INT(yzf_calendar_add_working_days(cal, utc, 0, 1, &b),
		     YZF_OK);
	CHECK_STR(fmt(a.date), "2026-03-13");
	CHECK_STR(fmt(b.date), "2026-03-13");
	CHECK_EQ_INT(a.end_ms, b.end_ms);
	CHECK_EQ_INT(yzf_calendar_add_working_days(cal,
		at("2026-03-12T23:59:00.000+00:00", NULL), 0, 1, &c), YZF_OK);
	CHECK_STR(fmt(c.date), "2026-03-16");
	/* A zone far west does not move the date either. */
	CHECK_EQ_INT(yzf_calendar_add_working_days(cal, bj, -600, 1, &c),
		     YZF_OK);
	CHECK_STR(fmt(c.date), "2026-03-13");
}

/* Past the last notice (2026-12-31) 1 Jan 2027 is not guessed off: the
 * count reaches 2027-01-04 and says it is provisional, naming 01-01. */
static void test_provisional(void)
{
	struct yzf_calendar_due due;
	struct yzf_calendar_span sp;
	int64_t ms = at("2026-12-30T10:00:00.000+08:00", NULL);
	CHECK_EQ_INT(yzf_calendar_add_working_days(cal, ms, 480, 3, &due),
		     YZF_OK);
	CHECK_STR(fmt(due.date), "2027-01-04");
	CHECK(due.provisional);
	CHECK_STR(fmt(due.fixed_holiday), "2027-01-01");
	/* Ending on the last day a notice covers is not provisional. */
	ms = at("2026-12-28T10:00:00.000+08:00", NULL);
	CHECK_EQ_INT(yzf_calendar_add_working_days(cal, ms, 480, 3, &due),
		     YZF_OK);
	CHECK_STR(fmt(due.date), "2026-12-31");
	CHECK(!due.provisional);
	/* Provisional with no fixed holiday passed over. */
	ms = at("2027-01-05T10:00:00.000+08:00", NULL);
	CHECK_EQ_INT(yzf_calendar_add_working_days(cal, ms, 480, 3, &due),
		     YZF_OK);
	CHECK_STR(fmt(due.date), "2027-01-08");
	CHECK(due.provisional);
	CHECK_EQ_INT(due.fixed_holiday, -1);
	/* A calendar-day period ending past the notice, on a Sunday. */
	ms = at("2026-12-19T10:00:00.000+08:00", NULL);
	CHECK_EQ_INT(yzf_calendar_add_natural_days(cal, ms, 480, 15, &due),
		     YZF_OK);
	CHECK_STR(fmt(due.date), "2027-01-04");
	CHECK(due.rolled);
	CHECK(due.provisional);
	CHECK_EQ_INT(yzf_calendar_working_days_between(cal, day("2026-12-30"),
		day("2027-01-04"), &sp), YZF_OK);
	CHECK_EQ_INT(sp.days, 3);
	CHECK(sp.provisional);
	CHECK_EQ_INT(yzf_calendar_working_days_between(cal, day("2026-12-28"),
		day("2026-12-31"), &sp), YZF_OK);
	CHECK(!sp.provisional);
}

static void test_natural_days(void)
{
	struct yzf_calendar_due due;
	/* 90 CD from 立案 (行政处罚法 art.60), ending on a Tuesday. */
	int64_t ms = at("2026-03-04T15:00:00.000+08:00", NULL);
	CHECK_EQ_INT(yzf_calendar_add_natural_days(cal, ms, 480, 90, &due),
		     YZF_OK);
	CHECK_STR(fmt(due.date), "2026-06-02");
	CHECK(!due.rolled);
	CHECK(!due.provisional);
	CHECK_EQ_INT(due.version, 1);
	CHECK_EQ_INT(due.end_ms, yzf_date_end_ms(day("2026-06-02")));
	/* 90 CD ending on Sunday 04-05 in 清明 rolls past the holiday. */
	ms = at("2026-01-05T15:00:00.000+08:00", NULL);
	CHECK_EQ_INT(yzf_calendar_add_natural_days(cal, ms, 480, 90, &due),
		     YZF_OK);
	CHECK_STR(fmt(due.date), "2026-04-07");
	CHECK(due.rolled);
	/* 15 CD payment (art.67) from 09-16 ends on 国庆节 10-01 and rolls
	 * to the first working day after it, 10-08. */
	ms = at("2026-09-16T11:00:00.000+08:00", NULL);
	CHECK_EQ_INT(yzf_calendar_add_natural_days(cal, ms, 480, 15, &due),
		     YZF_OK);
	CHECK_STR(fmt(due.date), "2026-10-08");
	CHECK(due.rolled);
	CHECK(!due.provisional);
	/* Ending on a 调休 Saturday: a working day, no roll. */
	ms = at("2026-09-25T11:00:00.000+08:00", NULL);
	CHECK_EQ_INT(yzf_calendar_add_natural_days(cal, ms, 480, 15, &due),
		     YZF_OK);
	CHECK_STR(fmt(due.date), "2026-10-10");
	CHECK(!due.rolled);
}

/* A paper act on Monday 2026-09-21 must be backfilled within 3 WD: by
 * Thursday 09-24. Backfilled on Tuesday 09-29, past 中秋 (Fri 09-25) and
 * the weekend, it is 2 working days late. */
static void test_late(void)
{
	struct yzf_calendar_due due;
	struct yzf_calendar_span sp;
	int64_t act = at("2026-09-21T16:30:00.000+08:00", NULL);
	int64_t done = at("2026-09-29T09:00:00.000+08:00", NULL);
	CHECK_EQ_INT(yzf_calendar_add_working_days(cal, act, 480, 3, &due),
		     YZF_OK);
	CHECK_STR(fmt(due.date), "2026-09-24");
	CHECK(done > due.end_ms);
	CHECK_EQ_INT(yzf_calendar_working_days_between(cal, due.date,
		yzf_date_of(done), &sp), YZF_OK);
	CHECK_EQ_INT(sp.days, 2);
	CHECK_EQ_INT(sp.version, 1);
	CHECK(!sp.provisional);
	/* Backwards counts are negative; a date with itself is 0. */
	CHECK_EQ_INT(yzf_calendar_working_days_between(cal, yzf_date_of(done),
		due.date, &sp), YZF_OK);
	CHECK_EQ_INT(sp.days, -2);
	CHECK_EQ_INT(yzf_calendar_working_days_between(cal, due.date,
		due.date, &sp), YZF_OK);
	CHECK_EQ_INT(sp.days, 0);
	/* Done on the holiday right after the due date: late, 0 WD. */
	CHECK_EQ_INT(yzf_calendar_working_days_between(cal, due.date,
		day("2026-09-27"), &sp), YZF_OK);
	CHECK_EQ_INT(sp.days, 0);
}

static void test_arguments(void)
{
	struct yzf_calendar_due due;
	struct yzf_calendar_span sp;
	int64_t ms = at("2026-09-30T10:00:00.000+08:00", NULL);
	CHECK_EQ_INT(yzf_calendar_add_working_days(cal, ms, 480, 0, &due),
		     YZF_EINVAL);
	CHECK_EQ_INT(yzf_calendar_add_working_days(cal, ms, 900, 3, &due),
		     YZF_EINVAL);
	CHECK_EQ_INT(yzf_calendar_add_working_days(cal, -1, 0, 3, &due),
		     YZF_EINVAL);
	CHECK_EQ_INT(yzf_calendar_add_working_days(NULL, ms, 480, 3, &due),
		     YZF_EINVAL);
	CHECK_EQ_INT(yzf_calendar_add_natural_days(cal, ms, 480, 3, NULL),
		     YZF_EINVAL);
	CHECK_EQ_INT(yzf_calendar_add_natural_days(cal, ms, 480,
		YZF_MAX_CALENDAR_SPAN + 1, &due), YZF_ERANGE);
	CHECK_EQ_INT(yzf_calendar_add_working_days(cal, ms, 480,
		YZF_MAX_CALENDAR_SPAN, &due), YZF_ERANGE);
	/* Past 9999-12-31 there are no dates to count. */
	ms = at("9999-12-30T10:00:00.000+08:00", NULL);
	CHECK_EQ_INT(yzf_calendar_add_working_days(cal, ms, 480, 1, &due),
		     YZF_OK);
	CHECK_STR(fmt(due.date), "9999-12-31");
	CHECK_EQ_INT(yzf_calendar_add_working_days(cal, ms, 480, 2, &due),
		     YZF_ERANGE);
	CHECK_EQ_INT(yzf_calendar_add_natural_days(cal, ms, 480, 2, &due),
		     YZF_ERANGE);
	CHECK_EQ_INT(yzf_calendar_working_days_between(cal, -1, 5, &sp),
		     YZF_EINVAL);
	CHECK_EQ_INT(yzf_calendar_working_days_between(cal, 0,
		YZF_MAX_CALENDAR_SPAN + 1, &sp), YZF_ERANGE);
}

#define HEAD "{\"v\":1,\"version\":7,\"jurisdiction\":\"CN-44\"," \
	     "\"last_notice\":\"2026-12-31\",\"days\":["
#define D(date, off, name) "{\"date\":\"" date "\",\"off\":" off \
			   ",\"name\":\"" name "\"}"

struct bad_doc {
	const char *doc;
	int rc;
	const char *msg;
};

static const struct bad_doc bad_docs[] = {
	{ HEAD D("2026-01-02", "true", "元旦") "," D("2026-01-01", "true",
	  "元旦") "]}", YZF_EINVAL,
	  "days[1] (2026-01-01): before days[0] (2026-01-02): days must be "
	  "sorted" },
	{ HEAD D("2026-01-01", "true", "元旦") "," D("2026-01-01", "true",
	  "元旦") "]}", YZF_EINVAL,
	  "days[1] (2026-01-01): same date as days[0] (2026-01-01)" },
	{ HEAD D("2026-01-01", "true", "a") "," D("2026-02-30", "true", "b")
	  "]}", YZF_EINVAL,
	  "days[1]: date \"2026-02-30\" is not a date" },
	{ HEAD D("2026-1-1", "true", "a") "]}", YZF_EINVAL,
	  "days[0]: date \"2026-1-1\" is not a date" },
	{ HEAD D("2026-01-01", "true", "a") "," D("2026-01-05", "false", "b")
	  "]}", YZF_EINVAL,
	  "days[1] (2026-01-05): a working Monday to Friday is no deviation" },
	{ HEAD D("2027-01-01", "true", "元旦") "]}", YZF_EINVAL,
	  "days[0] (2027-01-01): after last_notice" },
	{ HEAD D("2026-01-01", "1", "元旦") "]}", YZF_EINVAL,
	  "days[0]: off is not true or false" },
	{ HEAD D("2026-01-01", "true", "\\u0000") "]}", YZF_EINVAL,
	  "days[0] (2026-01-01): name holds U+0000" },
	{ HEAD D("2026-01-01", "true", "") "]}", YZF_EINVAL,
	  "days[0] (2026-01-01): name is empty" },
	{ HEAD D("2026-01-01", "true", "0123456789012345678901234567890123"
	  "456789012345678901234567890123456789") "]}", YZF_ERANGE,
	  "days[0] (2026-01-01): name is 64 bytes or longer" },
	{ HEAD "{\"off\":true,\"date\":\"2026-01-01\",\"name\":\"x\"}]}",
	  YZF_ENONCANON, "days[0]: at byte 78: unexpected key" },
	{ HEAD D("2026-01-01", "true", "a") ", " D("2026-01-03", "true", "b")
	  "]}", YZF_ENONCANON, "days[1]: at byte " },
	{ "{\"v\":2,\"version\":7}", YZF_ENONCANON, "v: at byte 5: " },
	{ "{\"v\":1,\"version\":1,\"jurisdiction\":\"CN\","
	  "\"jurisdiction\":\"CN\"}", YZF_ENONCANON,
	  "last_notice: at byte 39: unexpected key" },
	{ HEAD "{\"date\":\"2026-01-01\",\"name\":\"x\",\"off\":true}]}",
	  YZF_ENONCANON, "days[0]: at byte 98: unexpected key" },
	{ "{\"v\":1,\"version\":0}", YZF_ENONCANON, "version: at byte 17: " },
	{ "{\"v\":1,\"version\":1,\"jurisdiction\":\"cn-44\"}", YZF_EINVAL,
	  "jurisdiction is not [A-Z]{2}" },
	{ "{\"v\":1,\"version\":1,\"jurisdiction\":\"CN-4444\"}", YZF_EINVAL,
	  "jurisdiction is not [A-Z]{2}" },
	{ "{\"v\":1,\"version\":1,\"jurisdiction\":\"CN\","
	  "\"last_notice\":\"2026-12-32\"}", YZF_EINVAL,
	  "last_notice \"2026-12-32\" is not a date" },
	{ "{\"v\":1,\"version\":1,\"jurisdiction\":\"CN\","
	  "\"last_notice\":\"2026-12-31\",\"days\":[],\"x\":1}",
	  YZF_ENONCANON, "document: at byte " },
	{ HEAD "]}\n", YZF_ENONCANON, "trailing bytes" },
	{ "", YZF_ENONCANON, "document: at byte 0" },
};

static void test_refusals(void)
{
	for (size_t i = 0; i < sizeof bad_docs / sizeof bad_docs[0]; i++) {
		const struct bad_doc *b = &bad_docs[i];
		struct yzf_calendar *c = (struct yzf_calendar *)1;
		char msg[256];
		int rc = yzf_calendar_create((const uint8_t *)b->doc,
					     strlen(b->doc), &c, msg,
					     sizeof msg);
		if (rc != b->rc || !strstr(msg, b->msg))
			fprintf(stderr, "bad_docs[%zu]\n", i);
		CHECK_EQ_INT(rc, b->rc);
		CHECK_HAS(msg, b->msg);
		CHECK(c == NULL);
	}
	/* The same table's good neighbours: an empty list, a weekend
	 * working day, a holiday on a weekend. */
	static const char *good[] = {
		HEAD "]}",
		HEAD D("2026-01-01", "true", "元旦") "," D("2026-01-03", "true",
		"元旦") "," D("2026-01-04", "false", "元旦") "]}",
		("{\"v\":1,\"version\":1,\"jurisdiction\":\"CN\","
		 "\"last_notice\":\"1970-01-01\",\"days\":[]}"),
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		struct yzf_calendar *c = NULL;
		char msg[256];
		int rc = yzf_calendar_create((const uint8_t *)good[i],
					     strlen(good[i]), &c, msg,
					     sizeof msg);
		if (rc)
			fprintf(stderr, "good[%zu]: %s\n", i, msg);
		CHECK_EQ_INT(rc, YZF_OK);
		CHECK_STR(msg, "");
		yzf_calendar_destroy(c);
	}
	/* A calendar built from a document keeps its version. */
	struct yzf_calendar *c = NULL;
	struct yzf_calendar_due due;
	const char *doc = good[1];
	CHECK_EQ_INT(yzf_calendar_create((const uint8_t *)doc, strlen(doc), &c,
					 NULL, 0), YZF_OK);
	CHECK_EQ_INT(yzf_calendar_add_working_days(c,
		at("2025-12-31T10:00:00.000+08:00", NULL), 480, 2, &due),
		YZF_OK);
	CHECK_STR(fmt(due.date), "2026-01-04");
	CHECK_EQ_INT(due.version, 7);
	yzf_calendar_destroy(c);
	yzf_calendar_destroy(NULL);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s calendar-cn.json\n", argv[0]);
		return 2;
	}
	load(argv[1]);
	test_dates();
	test_data();
	test_working_days();
	test_zones();
	test_provisional();
	test_natural_days();
	test_late();
	test_arguments();
	test_refusals();
	yzf_calendar_destroy(cal);
	return check_done();
}

/* Paper episodes and their backfill (yzf/paper.h) on a real store with the
 * committed working-day calendar: the grounds of 平台办法第二十二条, the
 * 3-working-day deadline across weekends, holidays and 调休 days, a late
 * entry flagged with how late, a serial entered twice refused naming the
 * first entry, and nothing written by any refusal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "yzf/yzf.h"
#include "yzf_port_sim.h"
#include "terminal.h"

static char dir[] = "/tmp/yzf-test-paper.XXXXXX";
static struct yzf_calendar *cal;
static struct yzf_port *port;
static uint8_t feed[32];

/* Beijing time "2026-09-30T10:00" -> ms. */
static int64_t bj(const char *s)
{
	char t[40];
	int64_t ms;
	int32_t tz;
	snprintf(t, sizeof t, "%s:00.000+08:00", s);
	if (!yzf_time_parse(t, strlen(t), &ms, &tz))
		abort();
	return ms;
}

static int64_t date(const char *s)
{
	int64_t d;
	if (!yzf_date_parse(s, strlen(s), &d))
		abort();
	return d;
}

static int64_t head(struct yzf *y)
{
	int64_t seq;
	uint8_t id[32];
	CHECK_EQ_INT(yzf_head(y, feed, &seq, id), YZF_OK);
	return seq;
}

/* Enter serial no of XCJCBL acted at `act` (Beijing "YYYY-MM-DDTHH:MM")
 * in episode ep, the clock at `now`; the result, warn filled. */
static int enter(struct yzf *y, const char *ep, int64_t no, const char *act,
		 const char *now, char *warn, size_t cap)
{
	char body[600];
	int64_t seq;
	yzf_port_sim_set_time(port, bj(now));
	snprintf(body, sizeof body,
		 "{\"episode\":\"%s\",\"doctype\":\"XCJCBL\",\"serial\":"
		 "{\"year\":2026,\"no\":%lld},\"at\":\"%s:00.000+08:00\","
		 "\"party\":{\"kind\":\"legal_person\",\"name\":\"某公司\"},"
		 "\"facts\":\"现场检查：消防通道堵塞\",\"photos\":[\"%064d\"]}",
		 ep, (long long)no, act, 7);
	return yzf_paper_backfill(y, feed, cal, body, strlen(body), warn, cap,
				  &seq, NULL);
}

static const struct yzf_paper_doc *find(const struct yzf_paper_doc *d,
					size_t n, int64_t no)
{
	for (size_t i = 0; i < n; i++)
		if (d[i].no == no)
			return &d[i];
	return NULL;
}

static void test_start_end(struct yzf *y)
{
	char ep[YZF_PAPER_EPISODE_MAX], ep2[YZF_PAPER_EPISODE_MAX];
	int64_t seq, n = head(y), started;

	yzf_port_sim_set_time(port, bj("2026-09-30T09:00"));
	CHECK_EQ_INT(yzf_paper_start(y, feed, "rain", NULL, NULL, ep, &seq),
		     YZF_EINVAL);
	CHECK_HAS(yzf_errmsg(y), "第二十二条");
	CHECK_EQ_INT(yzf_paper_start(y, feed, "other", "", NULL, ep, &seq),
		     YZF_EINVAL);
	CHECK_HAS(yzf_errmsg(y), "text");
	CHECK_HAS(yzf_errmsg(y), "第四项");
	CHECK_EQ_INT(head(y), n); /* nothing written */
	CHECK_EQ_INT(yzf_paper_open(y, feed, ep, NULL), YZF_ENOTFOUND);

	CHECK_EQ_INT(yzf_paper_start(y, feed, "no_network", "地下车库无信号",
				     "广州市天河区体育西路1号负二层", ep, &seq),
		     YZF_OK);
	CHECK(strncmp(ep, "P-20260930-", 11) == 0);
	CHECK_EQ_INT(yzf_paper_open(y, feed, ep2, &started), YZF_OK);
	CHECK_STR(ep2, ep);
	CHECK(started >= bj("2026-09-30T09:00") &&
	      started < bj("2026-09-30T09:00") + 60000); /* the clock runs */
	n = head(y);
	CHECK_EQ_INT(yzf_paper_start(y, feed, "no_network", NULL, NULL, ep2,
				     &seq), YZF_ESTATE);
	CHECK_HAS(yzf_errmsg(y), ep);
	CHECK_EQ_INT(head(y), n);

	/* the documents made on paper; an act before the episode is refused */
	yzf_port_sim_set_time(port, bj("2026-09-30T11:00"));
	static const char bad[] =
		"[{\"doctype\":\"XCJCBL\",\"serial\":{\"year\":2026,\"no\":101},"
		"\"at\":\"2026-09-30T08:00:00.000+08:00\"}]";
	CHECK_EQ_INT(yzf_paper_end(y, feed, bad, strlen(bad), ep2, &seq),
		     YZF_EINVAL);
	CHECK_HAS(yzf_errmsg(y), "docs[0].at");
	CHECK_EQ_INT(head(y), n);
	static const char docs[] =
		"[{\"doctype\":\"XCJCBL\",\"serial\":{\"year\":2026,\"no\":101},"
		"\"at\":\"2026-09-30T09:30:00.000+08:00\"},"
		"{\"doctype\":\"XCJCBL\",\"serial\":{\"year\":2026,\"no\":102},"
		"\"at\":\"2026-09-30T10:30:00.000+08:00\"}]";
	CHECK_EQ_INT(yzf_paper_end(y, feed, docs, strlen(docs), ep2, &seq),
		     YZF_OK);
	CHECK_STR(ep2, ep);
	CHECK_EQ_INT(yzf_paper_open(y, feed, NULL, NULL), YZF_ENOTFOUND);
	CHECK_EQ_INT(yzf_paper_end(y, feed, NULL, 0, ep2, &seq), YZF_ENOTFOUND);

	/* Both pending: due at the end of Sat 2026-10-10 (3 working days
	 * from Wed 09-30: the National Day holiday, then the 调休 Saturday). */
	struct yzf_paper_doc *d;
	size_t k;
	CHECK_EQ_INT(yzf_paper_docs(y, cal, bj("2026-10-09T12:00"), &d, &k),
		     YZF_OK);
	CHECK_EQ_INT(k, 2);
	const struct yzf_paper_doc *a = find(d, k, 101);
	CHECK(a && a->declared && !a->backfilled && a->due_known);
	CHECK(a && a->due.date == date("2026-10-10") && !a->late);
	CHECK(a && a->due.end_ms == bj("2026-10-11T00:00"));
	free(d);
	/* Pending past the deadline: overdue on Tue 10-13 by 2 working days */
	CHECK_EQ_INT(yzf_paper_docs(y, cal, bj("2026-10-13T09:00"), &d, &k),
		     YZF_OK);
	a = find(d, k, 101);
	CHECK(a && a->late && a->late_wd == 2);
	free(d);

	/* 101 entered in time, on the 调休 Saturday itself */
	char warn[600];
	CHECK_EQ_INT(enter(y, ep, 101, "2026-09-30T09:30", "2026-10-10T16:00",
			   warn, sizeof warn), YZF_OK);
	CHECK(!strstr(warn, "late"));
	/* 102 entered on Tue 10-13: 2 working days late, flagged, written */
	n = head(y);
	CHECK_EQ_INT(enter(y, ep, 102, "2026-09-30T10:30", "2026-10-13T10:00",
			   warn, sizeof warn), YZF_OK);
	CHECK_HAS(warn, "2 working days late");
	CHECK_HAS(warn, "第二十二条");
	CHECK_EQ_INT(head(y), n + 1);
	CHECK_EQ_INT(yzf_paper_docs(y, cal, bj("2026-10-14T09:00"), &d, &k),
		     YZF_OK);
	a = find(d, k, 101);
	CHECK(a && a->backfilled && !a->late && a->entries == 1);
	a = find(d, k, 102);
	CHECK(a && a->backfilled && a->late && a->late_wd == 2);
	free(d);

	/* entered twice: refused, naming the first entry; nothing written */
	n = head(y);
	CHECK_EQ_INT(enter(y, ep, 102, "2026-09-30T10:30", "2026-10-14T10:00",
			   warn, sizeof warn), YZF_EEXIST);
	CHECK_HAS(yzf_errmsg(y), "XCJCBL 2026 No. 102 was entered already");
	CHECK_HAS(yzf_errmsg(y), ep);
	CHECK_HAS(yzf_errmsg(y), "2026-10-13T10:00");
	CHECK_EQ_INT(head(y), n);
	/* an act outside the episode, or in the future: refused */
	CHECK_EQ_INT(enter(y, ep, 103, "2026-09-30T12:00", "2026-10-14T10:00",
			   warn, sizeof warn), YZF_EINVAL);
	CHECK_HAS(yzf_errmsg(y), "at: the paper act lies outside episode");
	CHECK_EQ_INT(enter(y, "P-20261015-0123456789ab", 104, "2026-10-15T10:00",
			   "2026-10-14T10:00", warn, sizeof warn), YZF_EINVAL);
	CHECK_HAS(yzf_errmsg(y), "future");
	CHECK_EQ_INT(head(y), n);
}

/* A colleague's episode (not held here): the deadline still runs from the
 * act, across the Spring Festival and New Year. */
static void test_deadlines(struct yzf *y)
{
	static const struct {
		int64_t no;
		const char *act, *now, *due;
		int64_t late_wd;
	} v[] = {
		/* Fri 02-13: the 02-14 调休 Saturday works, then the holiday */
		{ 201, "2026-02-13T10:00", "2026-02-25T18:00", "2026-02-25", -1 },
		{ 202, "2026-02-13T10:00", "2026-02-27T09:00", "2026-02-25", 2 },
		/* New Year's Eve: 01-01..03 off, 01-04 a 调休 Sunday works */
		{ 203, "2025-12-31T10:00", "2026-01-06T23:59", "2026-01-06", -1 },
		/* a weekend: Fri 2026-09-18 -> Tue 09-22; 09-20 is a 调休 Sunday */
		{ 204, "2026-09-18T17:00", "2026-09-22T08:00", "2026-09-22", -1 },
		{ 205, "2026-11-04T10:00", "2026-11-14T10:00", "2026-11-09", 4 },
		/* entered on the weekend right after the due day: late by 0 */
		{ 206, "2026-11-10T10:00", "2026-11-14T10:00", "2026-11-13", 0 },
	};
	const char *ep = "P-20260101-00000000abcd";
	char warn[600];
	for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
		CHECK_EQ_INT(enter(y, ep, v[i].no, v[i].act, v[i].now, warn,
				   sizeof warn), YZF_OK);
		if (v[i].late_wd < 0)
			CHECK(!strstr(warn, "late"));
	}
	struct yzf_paper_doc *d;
	size_t k;
	CHECK_EQ_INT(yzf_paper_docs(y, cal, bj("2026-11-20T09:00"), &d, &k),
		     YZF_OK);
	for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
		const struct yzf_paper_doc *a = find(d, k, v[i].no);
		CHECK(a != NULL);
		if (!a)
			continue;
		CHECK(a->due.date == date(v[i].due));
		CHECK(a->late == (v[i].late_wd >= 0));
		if (v[i].late_wd >= 0)
			CHECK_EQ_INT(a->late_wd, v[i].late_wd);
		CHECK(!a->declared && a->backfilled);
		CHECK(!a->registered);
	}
	free(d);
}

/* Registered serials: a block of paper forms leased to this terminal. */
static void test_registered(struct yzf *y)
{
	static const char answer[] =
		"{\"ok\":true,\"server_time\":\"2026-11-20T09:00:00.000+08:00\","
		"\"agency\":\"11440106MB2C492807\",\"doc_type\":\"P-XCJCBL\","
		"\"year\":2026,\"first\":300,\"last\":349}";
	int64_t first, last;
	char warn[600];
	CHECK_EQ_INT(yzf_sync_lease_answer(y, feed, 200, (const uint8_t *)answer,
					   strlen(answer), &first, &last),
		     YZF_OK);
	CHECK_EQ_INT(enter(y, "P-20261120-00000000beef", 300, "2026-11-20T10:00",
			   "2026-11-20T11:00", warn, sizeof warn), YZF_OK);
	CHECK(warn[0] == 0);
	CHECK_EQ_INT(enter(y, "P-20261120-00000000beef", 350, "2026-11-20T10:00",
			   "2026-11-20T11:00", warn, sizeof warn), YZF_OK);
	CHECK_HAS(warn, "not in a block of paper forms registered");
	struct yzf_paper_doc *d;
	size_t k;
	CHECK_EQ_INT(yzf_paper_docs(y, cal, bj("2026-11-20T12:00"), &d, &k),
		     YZF_OK);
	CHECK(find(d, k, 300) && find(d, k, 300)->registered);
	CHECK(find(d, k, 350) && !find(d, k, 350)->registered);
	free(d);
	/* no calendar held: accepted, the deadline unknown and said so */
	CHECK_EQ_INT(enter(y, "P-20261120-00000000beef", 301, "2026-11-20T10:00",
			   "2026-11-20T11:00", warn, sizeof warn), YZF_OK);
	struct yzf_calendar *held = cal;
	cal = NULL;
	CHECK_EQ_INT(enter(y, "P-20261120-00000000beef", 302, "2026-11-20T10:00",
			   "2026-11-20T11:00", warn, sizeof warn), YZF_OK);
	CHECK_HAS(warn, "no calendar held");
	cal = held;
}

int main(int argc, char **argv)
{
	char msg[256];
	uint8_t *doc;
	long len;
	FILE *f = argc > 1 ? fopen(argv[1], "rb") : NULL;
	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) || !(doc = malloc((size_t)len)) ||
	    fread(doc, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "usage: test_paper calendar-cn.json\n");
		return 2;
	}
	fclose(f);
	CHECK_EQ_INT(yzf_calendar_create(doc, (size_t)len, &cal, msg,
					 sizeof msg), YZF_OK);
	free(doc);
	if (!mkdtemp(dir))
		return 2;
	struct yzf_sim_opts o = { .start_ms = bj("2026-09-30T08:00") };
	t_authority();
	struct yzf *y = t_terminal(dir, "t", &o, &port, feed, NULL);
	test_start_end(y);
	test_deadlines(y);
	test_registered(y);
	yzf_close(y);
	yzf_port_sim_destroy(port);
	yzf_calendar_destroy(cal);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 2;
	return check_done();
}

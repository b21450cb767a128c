/* The location lock (yzf/loclock.h, 平台办法第二十一条) on a real store:
 * location off without an approval, with one, with one that expired, with
 * one signed by someone who is not the agency head (or of another
 * agency); a stale and a coarse fix; a jump. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "yzf/yzf.h"
#include "yzf_port_sim.h"
#include "terminal.h"

static char dir[] = "/tmp/yzf-test-loclock.XXXXXX";
static struct yzf_port *port;
static uint8_t off1[32], off2[32], head[32], clerk[32], other_head[32];
static const char USCC[] = "11440106MB2C492807";
static const char OTHER_USCC[] = "11440104MB2C50417T";
static int64_t t0;

#define MIN 60000LL

static void at(int64_t ms)
{
	yzf_port_sim_set_time(port, ms);
}

static int64_t head_seq(struct yzf *y, const uint8_t feed[32])
{
	int64_t seq;
	uint8_t id[32];
	CHECK_EQ_INT(yzf_head(y, feed, &seq, id), YZF_OK);
	return seq;
}

static int64_t note(struct yzf *y, const uint8_t feed[32], const char *case_id,
		    const struct yzf_loc *loc)
{
	struct yzf_append a = { .type = "note", .case_id = case_id,
				.body = "{\"text\":\"现场\"}", .body_len = 17,
				.loc = loc };
	int64_t seq = 0;
	int rc = yzf_append(y, feed, &a, 1, &seq);
	if (rc)
		fprintf(stderr, "note: %s\n", yzf_errmsg(y));
	CHECK_EQ_INT(rc, YZF_OK);
	return seq;
}

struct judged {
	size_t n;
	struct yzf_loc_judged r[64];
};

static int keep(void *p, const struct yzf_loc_judged *r)
{
	struct judged *j = p;
	if (j->n < 64)
		j->r[j->n++] = *r;
	return 0;
}

static const struct yzf_loc_judged *judged(struct yzf *y,
					   const uint8_t feed[32],
					   struct judged *j, int64_t seq)
{
	memset(j, 0, sizeof *j);
	if (yzf_loclock_judge(y, feed, keep, j) != YZF_OK)
		fprintf(stderr, "judge: %s\n", yzf_errmsg(y));
	for (size_t i = 0; i < j->n; i++)
		if (j->r[i].seq == seq)
			return &j->r[i];
	return NULL;
}

/* A type's record count on the feed. */
static int count(struct yzf *y, const uint8_t feed[32], const char *type)
{
	struct yzf_iter *it = NULL;
	struct yzf_entry e;
	struct yzf_query q = { .feed = feed, .from = 1 };
	int n = 0, rc = yzf_iter_open(y, &q, &it);
	while (!rc && (rc = yzf_iter_next(it, &e)) == 1) {
		rc = 0;
		n += !strcmp(e.rec.type, type);
	}
	yzf_iter_close(it);
	return n;
}

static void test_unapproved(struct yzf *y)
{
	struct judged j;
	bool ok = true;
	int64_t seq;
	at(t0);
	int64_t before = note(y, off1, "C-1", NULL);
	CHECK_EQ_INT(yzf_loclock_off(y, off1, "", NULL, &ok, &seq), YZF_EINVAL);
	CHECK_EQ_INT(yzf_loclock_off(y, off1, "电池不足", NULL, &ok, &seq),
		     YZF_OK);
	CHECK(!ok);
	CHECK_EQ_INT(count(y, off1, "loc.violation"), 1);
	CHECK_EQ_INT(yzf_loclock_off(y, off1, "again", NULL, &ok, &seq),
		     YZF_ESTATE);
	at(t0 + 5 * MIN);
	int64_t during = note(y, off1, "C-1", NULL);
	CHECK_EQ_INT(yzf_loclock_on(y, off1, &seq), YZF_OK);
	CHECK_EQ_INT(yzf_loclock_on(y, off1, &seq), YZF_ESTATE);
	int64_t after = note(y, off1, "C-1", NULL);
	const struct yzf_loc_judged *r = judged(y, off1, &j, during);
	CHECK(r && !r->loc.fix && !strcmp(r->loc.none, "off"));
	CHECK(r && (r->flags & YZF_LOCF_OFF) && (r->flags & YZF_LOCF_UNAPPROVED));
	r = judged(y, off1, &j, before);
	CHECK(r && !(r->flags & (YZF_LOCF_OFF | YZF_LOCF_UNAPPROVED)));
	CHECK(r && !strcmp(r->loc.none, "no_source") &&
	      (r->flags & YZF_LOCF_NOFIX));
	r = judged(y, off1, &j, after);
	CHECK(r && !(r->flags & YZF_LOCF_OFF));
}

static void test_approved_and_expired(struct yzf *y)
{
	struct judged j;
	bool ok = false;
	int64_t seq, a0 = t0 + 60 * MIN;
	struct yzf_loclock_state st;
	at(a0);
	/* the head approves officer 2 for one hour */
	CHECK_EQ_INT(yzf_loclock_approve(y, head, "44010020230002", NULL, a0,
					 a0 + 60 * MIN, "涉密场所检查", &seq),
		     YZF_OK);
	at(a0 + MIN);
	CHECK_EQ_INT(yzf_loclock_off(y, off2, "涉密场所", NULL, &ok, &seq),
		     YZF_OK);
	CHECK(ok);
	CHECK_EQ_INT(count(y, off2, "loc.violation"), 0);
	CHECK_EQ_INT(yzf_loclock_state(y, off2, a0 + 2 * MIN, &st), YZF_OK);
	CHECK(st.off && st.approved && !memcmp(st.ap_feed, head, 32));
	at(a0 + 30 * MIN);
	int64_t inside = note(y, off2, "C-2", NULL);
	/* still off when the approval runs out: flagged from then on */
	at(a0 + 61 * MIN);
	int64_t outside = note(y, off2, "C-2", NULL);
	CHECK_EQ_INT(yzf_loclock_state(y, off2, a0 + 61 * MIN, &st), YZF_OK);
	CHECK(st.off && !st.approved);
	const struct yzf_loc_judged *r = judged(y, off2, &j, inside);
	CHECK(r && (r->flags & YZF_LOCF_OFF) &&
	      !(r->flags & YZF_LOCF_UNAPPROVED));
	r = judged(y, off2, &j, outside);
	CHECK(r && (r->flags & YZF_LOCF_UNAPPROVED));
	CHECK_EQ_INT(yzf_loclock_on(y, off2, &seq), YZF_OK);
	/* off again after the window: an expired approval does not count */
	at(a0 + 90 * MIN);
	CHECK_EQ_INT(yzf_loclock_off(y, off2, "再次关闭", NULL, &ok, &seq),
		     YZF_OK);
	CHECK(!ok);
	CHECK_EQ_INT(count(y, off2, "loc.violation"), 1);
	CHECK_EQ_INT(yzf_loclock_on(y, off2, &seq), YZF_OK);

	/* a case-scoped approval covers any officer working that case */
	at(a0 + 100 * MIN);
	CHECK_EQ_INT(yzf_loclock_approve(y, head, NULL, "C-9", a0 + 100 * MIN,
					 a0 + 160 * MIN, "地下管廊", &seq),
		     YZF_OK);
	at(a0 + 101 * MIN);
	CHECK_EQ_INT(yzf_loclock_off(y, off1, "管廊内", "C-8", &ok, &seq),
		     YZF_OK);
	CHECK(!ok); /* another case */
	CHECK_EQ_INT(yzf_loclock_on(y, off1, &seq), YZF_OK);
	CHECK_EQ_INT(yzf_loclock_off(y, off1, "管廊内", "C-9", &ok, &seq),
		     YZF_OK);
	CHECK(ok);
	CHECK_EQ_INT(yzf_loclock_on(y, off1, &seq), YZF_OK);
}

static void test_not_the_head(struct yzf *y)
{
	bool ok = true;
	int64_t seq, a0 = t0 + 200 * MIN, n = head_seq(y, clerk);
	at(a0);
	CHECK_EQ_INT(yzf_loclock_approve(y, clerk, "44010020230001", NULL, a0,
					 a0 + 60 * MIN, "自批", &seq),
		     YZF_ECERT);
	CHECK_HAS(yzf_errmsg(y), "第二十一条");
	CHECK_EQ_INT(head_seq(y, clerk), n); /* nothing written */
	/* written anyway, around the check, it approves nothing */
	char body[300];
	snprintf(body, sizeof body, "{\"officer\":\"44010020230001\",\"from\":"
		 "\"2026-01-01T00:00:00.000+08:00\",\"until\":"
		 "\"2030-01-01T00:00:00.000+08:00\",\"reason\":\"自批\"}");
	struct yzf_append a = { .type = "loc.approve",
				.case_id = "L-44010020230001", .body = body,
				.body_len = strlen(body) };
	CHECK_EQ_INT(yzf_append(y, clerk, &a, 1, NULL), YZF_OK);
	/* nor does another agency's head */
	CHECK_EQ_INT(yzf_loclock_approve(y, other_head, "44010020230001", NULL,
					 a0, a0 + 60 * MIN, "他局", &seq),
		     YZF_OK);
	at(a0 + MIN);
	CHECK_EQ_INT(yzf_loclock_off(y, off1, "自行关闭", NULL, &ok, &seq),
		     YZF_OK);
	CHECK(!ok);
	CHECK_EQ_INT(count(y, off1, "loc.violation"), 3);
	CHECK_EQ_INT(yzf_loclock_on(y, off1, &seq), YZF_OK);
}

static void test_fix_quality(struct yzf *y)
{
	struct judged j;
	int64_t a0 = t0 + 300 * MIN;
	struct yzf_loc good = { .fix = true, .src = "gnss", .lat = 231375120,
				.lon = 1133310240, .acc_cm = 450, .age_ms = 800,
				.sats = 9 };
	struct yzf_loc stale = good, coarse = good, far = good;
	stale.age_ms = 95000;
	coarse.acc_cm = 12000;
	far.lat += 900000; /* 10 km north */
	at(a0);
	int64_t s1 = note(y, off2, NULL, &good);
	at(a0 + 10000);
	int64_t s2 = note(y, off2, NULL, &stale);
	at(a0 + 20000);
	int64_t s3 = note(y, off2, NULL, &coarse);
	at(a0 + 21000);
	int64_t s4 = note(y, off2, NULL, &far);  /* 10 km in 1 s */
	at(a0 + 21000 + 3600000);
	int64_t s5 = note(y, off2, NULL, &good); /* back in an hour: fine */
	const struct yzf_loc_judged *r = judged(y, off2, &j, s1);
	CHECK(r && r->flags == 0);
	r = judged(y, off2, &j, s2);
	CHECK(r && r->flags == YZF_LOCF_STALE);
	r = judged(y, off2, &j, s3);
	CHECK(r && r->flags == YZF_LOCF_COARSE);
	r = judged(y, off2, &j, s4);
	CHECK(r && r->flags == YZF_LOCF_JUMP);
	/* 10.0 km in 1 s: the speed named, within a percent */
	CHECK(r && r->speed_mm_s > 9900000 && r->speed_mm_s < 10100000);
	r = judged(y, off2, &j, s5);
	CHECK(r && r->flags == 0 && r->speed_mm_s < 3000);
	/* east-west at 23°N: a degree of longitude is 102.4 km */
	struct yzf_loc east = good;
	east.lon += 10000000;
	at(a0 + 21000 + 7200000);
	int64_t s6 = note(y, off2, NULL, &east);
	r = judged(y, off2, &j, s6);
	/* 102.4 km in an hour: 28.4 m/s, not a jump */
	CHECK(r && r->flags == 0 && r->speed_mm_s > 28200 &&
	      r->speed_mm_s < 28700);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 2;
	int32_t tz;
	const char *t = "2026-11-23T09:00:00.000+08:00";
	if (!yzf_time_parse(t, strlen(t), &t0, &tz))
		return 2;
	struct yzf_sim_opts o = { .start_ms = t0 };
	t_authority();
	/* 张明 (off1) first; the clerk has no head role */
	struct yzf *y = t_terminal(dir, "t", &o, &port, off1, NULL);
	t_enroll_in(y, "135791", "赵六", "44010020230010", USCC,
		    YZF_ROLE_OFFICER, clerk);
	t_enroll_in(y, "135792", "李华", "44010020230002", USCC,
		    YZF_ROLE_OFFICER, off2);
	t_enroll_in(y, "135793", "王刚", "44010020230009", USCC,
		    YZF_ROLE_OFFICER | YZF_ROLE_HEAD, head);
	t_enroll_in(y, "135794", "孙七", "44010020230077", OTHER_USCC,
		    YZF_ROLE_OFFICER | YZF_ROLE_HEAD, other_head);
	test_unapproved(y);
	test_approved_and_expired(y);
	test_not_the_head(y);
	test_fix_quality(y);
	yzf_close(y);
	yzf_port_sim_destroy(port);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 2;
	return check_done();
}

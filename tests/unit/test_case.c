/* test_case.c — the case fold and its legal guards.
 *
 * Each legal path is written out as the records the officers, the reviewer
 * and the head would sign, folded, and checked step by step; each guard is
 * a proposed step the law forbids, with the article the refusal must cite.
 * The property test folds 1,000 random interleavings of one two-officer
 * case, and full shuffles, and demands byte-identical states. Every body
 * is also validated against its schema, so the tests keep the schemas and
 * the fold in step. The calendar here is plain Monday to Friday.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "schema.h"
#include "util.h"
#include "yzf/case.h"
#include "yzf/cert.h"
#include "check.h"

#define DAY 86400000LL
#define HOUR 3600000LL
#define MAXR 64

enum { A, B, H, H2, R, NFEEDS }; /* officers A, B; heads; a reviewer */

static const unsigned feed_roles[NFEEDS] = {
	YZF_ROLE_OFFICER, YZF_ROLE_OFFICER, YZF_ROLE_HEAD, YZF_ROLE_HEAD,
	YZF_ROLE_REVIEWER,
};

static struct yzf_schemas *schemas;

/* A case being written: records in the order they were made. */
struct script {
	struct yzf_case_rec r[MAXR];
	char body[MAXR][640];
	int who[MAXR];
	size_t n;
	int64_t seq[NFEEDS];
};

/* ---- the outside world: a catalogue of one matter, a Mon-Fri week ---- */

static int64_t bj_day(int64_t ms)
{
	return (ms + 8 * HOUR) / DAY; /* tests stay after 1970 */
}

static bool working(int64_t day)
{
	int wd = (int)((day + 4) % 7); /* 1970-01-01 was a Thursday; 0 = Sun */
	return wd >= 1 && wd <= 5;
}

static int add_wd(void *c, int64_t anchor, int n, int64_t *due)
{
	int64_t d = bj_day(anchor);

	(void)c;
	while (n > 0)
		if (working(++d))
			n--;
	*due = (d + 1) * DAY - 8 * HOUR;
	return YZF_OK;
}

static bool is_wd(void *c, int64_t ms)
{
	(void)c;
	return working(bj_day(ms));
}

/* The matter's own 较大数额 (0: none, the configured one applies). */
static int64_t matter_hearing_person, matter_hearing_org;

static int matter(void *c, const char *code, struct yzf_case_matter *m)
{
	static const struct yzf_case_tier tiers[] = {
		{"lighter", 0, 100000},
		{"normal", 100001, 1000000},
		{"heavier", 1000001, 5000000},
	};

	(void)c;
	if (strcmp(code, "SC-FOOD-0101") != 0)
		return YZF_ENOTFOUND;
	memset(m, 0, sizeof *m);
	m->fine_min_fen = 0;
	m->fine_max_fen = 5000000;
	m->ntiers = 3;
	memcpy(m->tiers, tiers, sizeof tiers);
	m->hearing_person_fen = matter_hearing_person;
	m->hearing_org_fen = matter_hearing_org;
	return YZF_OK;
}

static const struct yzf_case_ctx CTX = {
	.version = YZF_CASE_CTX_VERSION,
	.matter = matter,
	.add_working_days = add_wd,
	.is_working_day = is_wd,
	.hearing_fen = 1000000, /* 10,000 yuan */
};

/* Beijing wall time to UTC ms. */
static int64_t bj(int y, int mo, int d, int h, int mi)
{
	int64_t yy = y - (mo <= 2);
	int64_t era = yy / 400, yoe = yy - era * 400;
	int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy -
		       719468;
	return days * DAY + (h - 8) * HOUR + mi * 60000LL;
}

/* Monday 2026-11-23, 10:00 Beijing time, plus whole days. */
static int64_t mon(int plus_days)
{
	return bj(2026, 11, 23, 10, 0) + plus_days * DAY;
}

/* ---- writing records ---- */

static const char OPEN_FMT[] =
	"{\"kind\":\"%s\",\"matter\":\"SC-FOOD-0101\",\"party\":{\"kind\":"
	"\"%s\",\"name\":\"\xe5\xbc\xa0\xe4\xb8\x89\",\"id\":"
	"\"440301199001011234\"}}";

static struct yzf_case_rec make(struct script *s, int who, int64_t at,
				const char *type, const char *body)
{
	struct yzf_case_rec r;
	size_t i = s->n;

	memset(&r, 0, sizeof r);
	memset(r.feed, 0xa0 + who, YZF_KEY_LEN);
	r.seq = s->seq[who] + 1;
	r.roles = feed_roles[who];
	r.at_ms = at;
	r.type = type;
	snprintf(s->body[i], sizeof s->body[i], "%s", body);
	r.body = (const uint8_t *)s->body[i];
	r.body_len = strlen(s->body[i]);
	crypto_generichash(r.id, YZF_ID_LEN, r.body, r.body_len, r.feed,
			   YZF_KEY_LEN);
	r.id[0] ^= (uint8_t)r.seq; /* same body, same feed: still distinct */
	r.id[1] ^= (uint8_t)(at >> 8);
	return r;
}

/* Append a record to the script; its body must fit its schema. */
static size_t add(struct script *s, int who, int64_t at, const char *type,
		  const char *body)
{
	struct yzf_buf canon = {0};
	char msg[256] = "";
	int rc = yzf_schemas_canon(schemas, type, body, strlen(body), &canon,
				   msg, sizeof msg);

	if (rc != YZF_OK)
		fprintf(stderr, "schema %s: %s\n", type, msg);
	CHECK_EQ_INT(rc, YZF_OK);
	yzf_buf_free(&canon);
	s->r[s->n] = make(s, who, at, type, body);
	s->who[s->n] = who;
	s->seq[who]++;
	return s->n++;
}

static size_t cosign(struct script *s, int who, int64_t at, size_t target)
{
	char hex[2 * YZF_ID_LEN + 1], body[128];

	yzf_hex(s->r[target].id, YZF_ID_LEN, hex);
	snprintf(body, sizeof body, "{\"id\":\"%s\"}", hex);
	return add(s, who, at, "case.cosign", body);
}

static void open_case(struct script *s, const char *kind, const char *party,
		      int64_t at)
{
	char body[256];

	snprintf(body, sizeof body, OPEN_FMT, kind, party);
	add(s, A, at, "case.open", body);
}

static void fold(const struct script *s, int64_t now, struct yzf_case *st)
{
	CHECK_EQ_INT(yzf_case_fold(s->r, s->n, &CTX, now, st), YZF_OK);
}

/* Fold what is written so far and check a proposed step against it. */
static int propose(const struct script *s, int who, int64_t at,
		   const char *type, const char *body, char *msg)
{
	static struct yzf_case st;
	struct script tmp;
	struct yzf_case_rec r;

	fold(s, at, &st);
	tmp = *s;
	r = make(&tmp, who, at, type, body);
	return yzf_case_check_step(&st, &r, &CTX, at, msg, 256);
}

/* Every step of a path must pass the guards when it is proposed. */
static size_t step(struct script *s, int who, int64_t at, const char *type,
		   const char *body)
{
	char msg[256];
	int rc = propose(s, who, at, type, body, msg);

	if (rc != YZF_OK || msg[0])
		fprintf(stderr, "%s refused: %s\n", type, msg);
	CHECK_EQ_INT(rc, YZF_OK);
	return add(s, who, at, type, body);
}

static size_t step_cosign(struct script *s, int who, int64_t at,
			  size_t target)
{
	char hex[2 * YZF_ID_LEN + 1], body[128];

	yzf_hex(s->r[target].id, YZF_ID_LEN, hex);
	snprintf(body, sizeof body, "{\"id\":\"%s\"}", hex);
	return step(s, who, at, "case.cosign", body);
}

static bool has_next(const struct yzf_case *st, enum yzf_case_step s)
{
	return st->next & (1u << s);
}

/* ---- the six legal paths ---- */

static void test_inspection_clean(void)
{
	static struct script s;
	static struct yzf_case st;

	open_case(&s, "INSPECTION", "legal_person", mon(0));
	fold(&s, mon(0), &st);
	CHECK(has_next(&st, YZF_STEP_CLOSE));
	CHECK(has_next(&st, YZF_STEP_ORDER_CORRECT));
	CHECK(!has_next(&st, YZF_STEP_DECIDE));
	step(&s, A, mon(0) + HOUR, "case.close",
	     "{\"result\":\"no_violation\"}");
	fold(&s, mon(1), &st);
	CHECK_EQ_INT(st.kind, YZF_CASE_INSPECTION);
	CHECK_EQ_INT(st.stage, YZF_STEP_CLOSE);
	CHECK(st.closed);
	CHECK_STR(st.matter, "SC-FOOD-0101");
	CHECK_STR(st.party_kind, "legal_person");
	CHECK_EQ_INT(st.flags, 0);
	CHECK_EQ_INT(st.nsteps, 2);
	CHECK_EQ_INT(st.next, 0);
}

static void test_inspection_order_correct(void)
{
	static struct script s;
	static struct yzf_case st;

	open_case(&s, "INSPECTION", "sole_trader", mon(0));
	step(&s, A, mon(0) + HOUR, "case.order_correct",
	     "{\"items\":\"\xe4\xb8\x8b\xe6\x9e\xb6\",\"due_days\":7}");
	fold(&s, mon(0) + 2 * HOUR, &st);
	CHECK_EQ_INT(st.stage, YZF_STEP_ORDER_CORRECT);
	CHECK(!st.closed);
	step(&s, A, mon(8), "case.close", "{\"result\":\"corrected\"}");
	fold(&s, mon(9), &st);
	CHECK(st.closed);
	CHECK_EQ_INT(st.nsteps, 3);
	CHECK_EQ_INT(st.steps[1].step, YZF_STEP_ORDER_CORRECT);
	CHECK_EQ_INT(st.flags, 0);
}

#define NOTIFY_SMALL_FINE "{\"penalty\":\"fine\",\"amount_fen\":10000," \
	"\"rights\":[\"statement\",\"defence\"]}"
#define DECIDE_SMALL_FINE "{\"penalty\":\"fine\",\"amount_fen\":10000," \
	"\"tier\":\"lighter\"}"

static void test_simple_penalty(void)
{
	static struct script s;
	static struct yzf_case st;
	size_t d;

	open_case(&s, "PENALTY_SIMPLE", "person", mon(0));
	step(&s, A, mon(0) + 60000, "case.notify",
	     "{\"penalty\":\"fine\",\"amount_fen\":10000,"
	     "\"rights\":[\"statement\",\"defence\"]}");
	d = step(&s, A, mon(0) + 120000, "case.decide",
		 "{\"penalty\":\"fine\",\"amount_fen\":10000,"
		 "\"tier\":\"lighter\"}");
	fold(&s, mon(0) + 130000, &st);
	CHECK(st.flags & YZF_CASE_F_NO_COSIGN);
	step_cosign(&s, B, mon(0) + 150000, d);
	step(&s, A, mon(0) + 180000, "case.serve",
	     "{\"method\":\"on_site\",\"date\":\"2026-11-23\"}");
	/* paid within 15 days of service: served Mon 11-23, the 15th day is
	 * Tue 12-08; unpaid on the 9th, flagged */
	fold(&s, mon(0) + 200000, &st);
	CHECK_EQ_INT(st.pay_by_ms, bj(2026, 12, 9, 0, 0));
	fold(&s, bj(2026, 12, 9, 0, 0) - 1, &st);
	CHECK(!(st.flags & YZF_CASE_F_PAY_OVERDUE));
	fold(&s, bj(2026, 12, 9, 0, 0), &st);
	CHECK(st.flags & YZF_CASE_F_PAY_OVERDUE);
	/* served Fri 11-27: the 15th day is Sat 12-12, the period ends on
	 * Mon 12-14 */
	static struct script f;
	open_case(&f, "PENALTY_SIMPLE", "person", mon(4));
	step(&f, A, mon(4) + 60000, "case.notify", NOTIFY_SMALL_FINE);
	step(&f, A, mon(4) + 120000, "case.decide", DECIDE_SMALL_FINE);
	step(&f, A, mon(4) + 180000, "case.serve",
	     "{\"method\":\"on_site\",\"date\":\"2026-11-27\"}");
	fold(&f, mon(5), &st);
	CHECK_EQ_INT(st.pay_by_ms, bj(2026, 12, 15, 0, 0));
	step(&s, A, mon(1), "case.pay",
	     "{\"amount_fen\":10000,\"method\":\"online\"}");
	step(&s, A, mon(2), "case.close", "{\"result\":\"executed\"}");
	fold(&s, mon(30), &st);
	CHECK_EQ_INT(st.kind, YZF_CASE_PENALTY_SIMPLE);
	CHECK(st.closed);
	CHECK_EQ_INT(st.ndecisions, 1);
	CHECK_EQ_INT(st.decisions[0].amount_fen, 10000);
	CHECK(!st.decisions[0].outside_tier);
	CHECK_EQ_INT(st.paid_fen, 10000);
	CHECK(st.steps[d].cosigned);
	CHECK(!memcmp(st.steps[d].id, s.r[d].id, YZF_ID_LEN));
	CHECK_EQ_INT(st.flags, 0);
}

/* The general procedure with a hearing the party asked for; the records
 * of three feeds (A, B, H). Also the case of the property test. */
static void write_hearing_case(struct script *s)
{
	size_t d;

	open_case(s, "PENALTY_ORDINARY", "legal_person", mon(0));
	step(s, H, mon(1), "case.file", "{\"major\":false}");
	step(s, A, mon(7), "case.notify",
	     "{\"penalty\":\"fine\",\"amount_fen\":2000000,"
	     "\"rights\":[\"statement\",\"defence\",\"hearing\"]}");
	step(s, A, mon(8), "case.hearing_request", "{\"choice\":\"request\"}");
	step(s, B, mon(17), "case.hearing",
	     "{\"outcome\":\"held\",\"presider\":"
	     "\"\xe6\x9d\x8e\xe5\x9b\x9b\"}");
	d = step(s, H, mon(21), "case.decide",
		 "{\"penalty\":\"fine\",\"amount_fen\":2000000,"
		 "\"tier\":\"heavier\"}");
	step_cosign(s, B, mon(21) + HOUR, d);
	step(s, A, mon(22), "case.serve",
	     "{\"method\":\"direct\",\"date\":\"2026-12-15\"}");
	step(s, A, mon(30), "case.pay",
	     "{\"amount_fen\":2000000,\"method\":\"bank\"}");
	step(s, B, mon(31), "case.close", "{\"result\":\"executed\"}");
}

static void test_ordinary_hearing(void)
{
	static struct script s;
	static struct yzf_case st;

	write_hearing_case(&s);
	fold(&s, mon(40), &st);
	CHECK_EQ_INT(st.kind, YZF_CASE_PENALTY_ORDINARY);
	CHECK(st.closed);
	CHECK(st.hearing_offered && st.hearing_requested && st.hearing_held);
	CHECK_EQ_INT(st.proposed_fen, 2000000);
	CHECK_EQ_INT(st.decisions[0].amount_fen, 2000000);
	CHECK_EQ_INT(st.filed_ms, mon(1));
	/* 90 days from 立案, to the end of the 90th Beijing day. */
	CHECK_EQ_INT(st.decide_by_ms, bj(2026, 11, 24, 0, 0) + 91 * DAY);
	/* Decided Mon 12-14: the seventh working day after is Wed 12-23. */
	CHECK_EQ_INT(st.serve_by_ms, bj(2026, 12, 24, 0, 0));
	CHECK_EQ_INT(st.nsteps, 10);
	CHECK_EQ_INT(st.flags, 0);
	CHECK_STR(st.party_name, "\xe5\xbc\xa0\xe4\xb8\x89");
}

static void test_ordinary_review(void)
{
	static struct script s;
	static struct yzf_case st;
	size_t d;

	open_case(&s, "PENALTY_ORDINARY", "other_org", mon(0));
	step(&s, H, mon(1), "case.file", "{\"major\":true}");
	step(&s, R, mon(3), "case.review",
	     "{\"result\":\"return\",\"opinion\":"
	     "\"\xe8\xa1\xa5\xe6\xad\xa3\"}");
	step(&s, R, mon(7), "case.review",
	     "{\"result\":\"pass\",\"opinion\":\"\xe5\x90\x8c\xe6\x84\x8f\"}");
	step(&s, A, mon(8), "case.notify",
	     "{\"penalty\":\"fine\",\"amount_fen\":500000,"
	     "\"rights\":[\"statement\",\"defence\"]}");
	d = step(&s, H, mon(10), "case.decide",
		 "{\"penalty\":\"fine\",\"amount_fen\":500000,"
		 "\"tier\":\"normal\"}");
	step_cosign(&s, A, mon(10) + HOUR, d);
	step(&s, B, mon(11), "case.serve",
	     "{\"method\":\"post\",\"date\":\"2026-12-04\"}");
	step(&s, B, mon(12), "case.close", "{\"result\":\"executed\"}");
	fold(&s, mon(20), &st);
	CHECK(st.major && st.review_passed);
	CHECK(st.closed);
	CHECK_EQ_INT(st.flags, 0);
	CHECK_EQ_INT(st.steps[2].step, YZF_STEP_REVIEW);
	CHECK_EQ_INT(st.steps[2].roles, YZF_ROLE_REVIEWER);
}

/* A whole-process recording of a 查封/扣押 (yzf/recording.h): two segments,
 * back to back or (gap) a minute apart with nothing said of why. */
#define REC_ID "0123456789abcdef0123456789abcdef"
#define SEG1 "1111111111111111111111111111111111111111111111111111111111111111"
#define SEG2 "2222222222222222222222222222222222222222222222222222222222222222"
#define ZERO "0000000000000000000000000000000000000000000000000000000000000000"

static void add_recording(struct script *s, int who, int64_t at, bool gap)
{
	char b[640];
	int64_t off = gap ? 60000 : 0;
	add(s, who, at, "rec.start", "{\"recording\":\"" REC_ID "\","
	    "\"step\":\"case.measure\",\"measure\":\"seize\"}");
	snprintf(b, sizeof b, "{\"recording\":\"" REC_ID "\",\"n\":1,"
		 "\"hash\":\"" SEG1 "\",\"prev\":\"" ZERO "\",\"size\":1000,"
		 "\"media\":\"video/mp4\",\"start_ms\":%lld,\"end_ms\":%lld,"
		 "\"start_mono\":1000,\"end_mono\":11000,\"boot\":"
		 "\"0123456789abcdef\"}", (long long)at, (long long)at + 10000);
	add(s, who, at + 10000, "rec.segment", b);
	snprintf(b, sizeof b, "{\"recording\":\"" REC_ID "\",\"n\":2,"
		 "\"hash\":\"" SEG2 "\",\"prev\":\"" SEG1 "\",\"size\":1000,"
		 "\"media\":\"video/mp4\",\"start_ms\":%lld,\"end_ms\":%lld,"
		 "\"start_mono\":%lld,\"end_mono\":%lld,\"boot\":"
		 "\"0123456789abcdef\"}", (long long)(at + 10000 + off),
		 (long long)(at + 20000 + off), (long long)(11000 + off),
		 (long long)(21000 + off));
	add(s, who, at + 20000 + off, "rec.segment", b);
	add(s, who, at + 21000 + off, "rec.end", "{\"recording\":\"" REC_ID
	    "\",\"segments\":2,\"last\":\"" SEG2 "\"}");
}

static void test_coercion(void)
{
	static struct script s;
	static struct yzf_case st;
	size_t m;

	open_case(&s, "COERCIVE_MEASURE", "legal_person", mon(0));
	m = step(&s, H, mon(0) + HOUR, "case.measure",
		 "{\"measure\":\"seize\",\"term_days\":30,"
		 "\"items\":[\"\xe9\xa5\xbc\xe5\xb9\xb2 6 \xe7\xae\xb1\"]}");
	add_recording(&s, A, mon(0) + HOUR, false);
	step_cosign(&s, A, mon(0) + 2 * HOUR, m);
	fold(&s, mon(10), &st);
	CHECK_EQ_INT(st.measure_until_ms, bj(2026, 12, 24, 0, 0));
	CHECK(has_next(&st, YZF_STEP_EXTEND));
	CHECK(has_next(&st, YZF_STEP_RELEASE));
	CHECK(!has_next(&st, YZF_STEP_CLOSE));
	fold(&s, mon(31), &st);
	CHECK(st.flags & YZF_CASE_F_MEASURE_EXPIRED);
	step(&s, H, mon(28), "case.extend",
	     "{\"of\":\"measure\",\"days\":30,\"reason\":\"\xe6\xa3\x80\xe6"
	     "\xb5\x8b\"}");
	fold(&s, mon(31), &st);
	CHECK_EQ_INT(st.measure_until_ms, bj(2027, 1, 23, 0, 0));
	CHECK_EQ_INT(st.flags, 0);
	step(&s, B, mon(45), "case.release", "{\"reason\":\"no_violation\"}");
	step(&s, B, mon(45) + HOUR, "case.close", "{\"result\":\"released\"}");
	fold(&s, mon(90), &st);
	CHECK(st.closed && st.measure_released);
	CHECK_EQ_INT(st.measure_extensions, 1);
	CHECK_EQ_INT(st.flags, 0);
}

/* 查封/扣押 recorded whole: none, or one with an unexplained gap, is a
 * flagged defect of the case (记录办法); a gap explained is not. */
static void test_recording_defect(void)
{
	static struct script s, g;
	static struct yzf_case st;
	size_t m;

	open_case(&s, "COERCIVE_MEASURE", "legal_person", mon(0));
	m = step(&s, H, mon(0) + HOUR, "case.measure",
		 "{\"measure\":\"seal\",\"term_days\":30,"
		 "\"items\":[\"\xe4\xbb\x93\"]}");
	step_cosign(&s, A, mon(0) + 2 * HOUR, m);
	g = s;
	fold(&s, mon(1), &st);
	CHECK_EQ_INT(st.flags, YZF_CASE_F_RECORDING_GAP);
	CHECK_HAS(st.defect, "case.measure");
	add_recording(&g, A, mon(0) + HOUR, true);
	fold(&g, mon(1), &st);
	CHECK_EQ_INT(st.flags, YZF_CASE_F_RECORDING_GAP);
	CHECK_HAS(st.defect, "unexplained gap after segment 1");
	add(&g, A, mon(0) + 3 * HOUR, "rec.gap", "{\"recording\":\"" REC_ID
	    "\",\"after\":1,\"reason\":\"battery\",\"noticed\":\"officer\"}");
	fold(&g, mon(1), &st);
	CHECK_EQ_INT(st.flags, 0);
}

/* ---- one test per guard ---- */

static void refused(int rc, const char *msg, const char *article)
{
	CHECK_EQ_INT(rc, YZF_ESTATE);
	CHECK_HAS(msg, article);
}

static const char NOTIFY_SMALL[] =
	"{\"penalty\":\"fine\",\"amount_fen\":10000,"
	"\"rights\":[\"statement\",\"defence\"]}";

#define EVID "e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1"
#define DECIDE_EVID "{\"penalty\":\"fine\",\"amount_fen\":10000," \
	"\"tier\":\"lighter\",\"evidence\":[\"" EVID "\"]}"
#define REVIEW(p) "{\"hash\":\"" EVID "\",\"relevance\":{\"pass\":true,\"reason\":\"x\"}," \
	"\"legality\":{\"pass\":" p ",\"reason\":\"x\"}," \
	"\"authenticity\":{\"pass\":true,\"reason\":\"x\"}}"

/* A decision relies only on evidence reviewed as relevant, lawful and
 * authentic, by a reviewer (平台办法第二十六条). */
static void test_guard_evidence(void)
{
	static struct script s;
	char msg[256];

	open_case(&s, "PENALTY_SIMPLE", "person", mon(0));
	step(&s, A, mon(0) + 1, "case.notify", NOTIFY_SMALL);
	refused(propose(&s, A, mon(0) + 2, "case.decide", DECIDE_EVID, msg),
		msg, "第二十六条");
	CHECK_HAS(msg, "is not evidence of this case");
	add(&s, A, mon(0) + 3, "evidence.add", "{\"hash\":\"" EVID "\","
	    "\"size\":5940,\"media\":\"image/jpeg\",\"kind\":\"photo\"}");
	refused(propose(&s, A, mon(0) + 4, "case.decide", DECIDE_EVID, msg),
		msg, "第二十六条");
	CHECK_HAS(msg, "has not been reviewed");
	add(&s, R, mon(0) + 5, "evidence.review", REVIEW("false"));
	refused(propose(&s, A, mon(0) + 6, "case.decide", DECIDE_EVID, msg),
		msg, "第二十六条");
	CHECK_HAS(msg, "failed its review");
	/* an officer's "review" counts for nothing */
	add(&s, B, mon(0) + 7, "evidence.review", REVIEW("true"));
	refused(propose(&s, A, mon(0) + 8, "case.decide", DECIDE_EVID, msg),
		msg, "failed its review");
	add(&s, R, mon(0) + 9, "evidence.review", REVIEW("true"));
	step(&s, A, mon(0) + 10, "case.decide", DECIDE_EVID);

	/* 送达回证: the photo of the signed receipt completes service, on
	 * the date the recipient wrote */
#define RECEIPT "5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d"
#define SERVE_RECEIPT "{\"method\":\"direct\",\"date\":\"2026-11-24\"," \
	"\"receipt\":\"" RECEIPT "\"}"
	static struct yzf_case st;
	refused(propose(&s, A, mon(2), "case.serve", SERVE_RECEIPT, msg), msg,
		"not evidence of this case");
	add(&s, A, mon(2) + 1, "evidence.add", "{\"hash\":\"" RECEIPT "\","
	    "\"size\":91234,\"media\":\"image/jpeg\",\"kind\":\"scan\","
	    "\"note\":\"\xe9\x80\x81\xe8\xbe\xbe\xe5\x9b\x9e\xe8\xaf\x81\"}");
	step(&s, A, mon(2) + 2, "case.serve", SERVE_RECEIPT);
	fold(&s, mon(3), &st);
	CHECK_EQ_INT(st.stage, YZF_STEP_SERVE);
	CHECK(st.served_ms > 0);
	/* recorded on the 25th, served as the receipt says on the 24th */
	CHECK_EQ_INT(st.served_ms, bj(2026, 11, 24, 0, 0));
	CHECK_EQ_INT(st.nevidence, 2);
}


static void test_guard_simple_limit(void)
{
	static struct script s;
	char msg[256];

	open_case(&s, "PENALTY_SIMPLE", "person", mon(0));
	refused(propose(&s, A, mon(0) + 1, "case.notify",
			"{\"penalty\":\"fine\",\"amount_fen\":20001,"
			"\"rights\":[\"statement\",\"defence\"]}", msg),
		msg, "行政处罚法第五十一条");
	step(&s, A, mon(0) + 2, "case.notify", NOTIFY_SMALL);
	refused(propose(&s, A, mon(0) + 3, "case.decide",
			"{\"penalty\":\"fine\",\"amount_fen\":30000,"
			"\"tier\":\"lighter\"}", msg),
		msg, "行政处罚法第五十一条");

	/* An organisation: up to 3,000 yuan. */
	static struct script o;
	open_case(&o, "PENALTY_SIMPLE", "legal_person", mon(0));
	CHECK_EQ_INT(propose(&o, A, mon(0) + 1, "case.notify",
			     "{\"penalty\":\"fine\",\"amount_fen\":300000,"
			     "\"rights\":[\"statement\"]}", msg), YZF_OK);
	refused(propose(&o, A, mon(0) + 1, "case.notify",
			"{\"penalty\":\"fine\",\"amount_fen\":300001,"
			"\"rights\":[\"statement\"]}", msg),
		msg, "行政处罚法第五十一条");
}

static const char DECIDE_BIG[] =
	"{\"penalty\":\"fine\",\"amount_fen\":2000000,\"tier\":\"heavier\"}";
static const char NOTIFY_BIG[] =
	"{\"penalty\":\"fine\",\"amount_fen\":2000000,"
	"\"rights\":[\"statement\",\"defence\",\"hearing\"]}";

/* The exits of the general procedure (行政处罚法第五十四、五十七条):
 * 不予立案 before 立案, 撤销立案 and 移送 after, each the head's; then
 * only 结案, and no 90-day overdue flag. */
#define EXIT(k) "{\"kind\":\"" k "\",\"reason\":\"\xe8\xaf\x81\xe6\x8d\xae\xe4\xb8\x8d\xe8\xb6\xb3\"}"
static void test_exits(void)
{
	static struct script s, w, t;
	static struct yzf_case st;
	char msg[256];

	open_case(&s, "PENALTY_ORDINARY", "legal_person", mon(0));
	refused(propose(&s, A, mon(0) + 1, "case.exit", EXIT("not_filed"), msg),
		msg, "行政处罚法第五十七条");
	refused(propose(&s, H, mon(0) + 1, "case.exit", EXIT("withdrawn"), msg),
		msg, "needs a filed case");
	step(&s, H, mon(0) + 2, "case.exit", EXIT("not_filed"));
	refused(propose(&s, H, mon(0) + 3, "case.file", "{\"major\":false}",
			msg), msg, "only 结案 is left");
	step(&s, A, mon(0) + 4, "case.close", "{\"result\":\"no_violation\"}");
	fold(&s, mon(200), &st);
	CHECK(st.closed);
	CHECK_STR(st.exit_kind, "not_filed");
	CHECK_EQ_INT(st.flags, 0);

	open_case(&w, "PENALTY_ORDINARY", "legal_person", mon(0));
	step(&w, H, mon(1), "case.file", "{\"major\":false}");
	refused(propose(&w, H, mon(2), "case.exit", EXIT("not_filed"), msg),
		msg, "withdraw it");
	step(&w, H, mon(2), "case.exit", EXIT("withdrawn"));
	refused(propose(&w, A, mon(3), "case.notify", NOTIFY_BIG, msg), msg,
		"only 结案 is left");
	fold(&w, mon(200), &st);
	CHECK_EQ_INT(st.flags, 0); /* no decision, yet not overdue */
	CHECK(has_next(&st, YZF_STEP_CLOSE) && !has_next(&st, YZF_STEP_DECIDE));

	open_case(&t, "PENALTY_ORDINARY", "legal_person", mon(0));
	step(&t, H, mon(1), "case.file", "{\"major\":false}");
	refused(propose(&t, H, mon(2), "case.exit", EXIT("transfer"), msg), msg,
		"to: a transfer names where");
	step(&t, H, mon(2), "case.exit", "{\"kind\":\"transfer\",\"reason\":"
	     "\"\xe6\xb6\x89\xe5\xab\x8c\xe7\x8a\xaf\xe7\xbd\xaa\",\"to\":"
	     "\"\xe5\xb9\xbf\xe5\xb7\x9e\xe5\xb8\x82\xe5\x85\xac\xe5\xae\x89"
	     "\xe5\xb1\x80\"}");
	step(&t, A, mon(3), "case.close", "{\"result\":\"transferred\"}");
	fold(&t, mon(4), &st);
	CHECK(st.closed);
	CHECK_STR(st.exit_kind, "transfer");
}


static void test_guard_notify_first(void)
{
	static struct script s;
	static struct yzf_case st;
	char msg[256];

	open_case(&s, "PENALTY_ORDINARY", "legal_person", mon(0));
	step(&s, H, mon(1), "case.file", "{\"major\":false}");
	refused(propose(&s, H, mon(2), "case.decide", DECIDE_BIG, msg), msg,
		"行政处罚法第四十四条、第六十二条");
	fold(&s, mon(2), &st);
	CHECK(!has_next(&st, YZF_STEP_DECIDE));
	CHECK(has_next(&st, YZF_STEP_NOTIFY));

	/* Written anyway (say, on a terminal that skipped the check): kept,
	 * marked and the case flagged with the rule. */
	add(&s, H, mon(2), "case.decide", DECIDE_BIG);
	fold(&s, mon(2), &st);
	CHECK_EQ_INT(st.ndecisions, 1);
	CHECK(st.flags & YZF_CASE_F_IRREGULAR);
	CHECK(st.steps[2].irregular);
	CHECK_HAS(st.irregular, "第四十四条");
}

static void test_guard_hearing_offered(void)
{
	static struct script s;
	char msg[256];

	open_case(&s, "PENALTY_ORDINARY", "legal_person", mon(0));
	step(&s, H, mon(1), "case.file", "{\"major\":false}");
	refused(propose(&s, A, mon(2), "case.notify",
			"{\"penalty\":\"fine\",\"amount_fen\":1000000,"
			"\"rights\":[\"statement\",\"defence\"]}", msg),
		msg, "行政处罚法第六十三条");
	/* Below the threshold no hearing need be offered. */
	CHECK_EQ_INT(propose(&s, A, mon(2), "case.notify",
			     "{\"penalty\":\"fine\",\"amount_fen\":999999,"
			     "\"rights\":[\"statement\",\"defence\"]}", msg),
		     YZF_OK);
}

static void test_guard_hearing_window(void)
{
	static struct script s, w;
	char msg[256];

	open_case(&s, "PENALTY_ORDINARY", "legal_person", mon(0));
	step(&s, H, mon(1), "case.file", "{\"major\":false}");
	step(&s, A, mon(2), "case.notify", NOTIFY_BIG);   /* Wed 11-25 */
	/* Five working days after Wed end with Wed 12-02. */
	refused(propose(&s, H, bj(2026, 12, 2, 23, 0), "case.decide",
			DECIDE_BIG, msg), msg, "行政处罚法第六十四条");
	CHECK_EQ_INT(propose(&s, H, bj(2026, 12, 3, 9, 0), "case.decide",
			     DECIDE_BIG, msg), YZF_OK);
	/* Waived: no need to wait. */
	w = s;
	step(&w, A, mon(3), "case.hearing_request", "{\"choice\":\"waive\"}");
	CHECK_EQ_INT(propose(&w, H, mon(3) + HOUR, "case.decide", DECIDE_BIG,
			     msg), YZF_OK);
	/* Requested: not before it is held, whatever the date. */
	step(&s, A, mon(3), "case.hearing_request", "{\"choice\":\"request\"}");
	refused(propose(&s, H, mon(20), "case.decide", DECIDE_BIG, msg), msg,
		"行政处罚法第六十四条");
}

static void test_guard_review(void)
{
	static struct script s;
	char msg[256];

	open_case(&s, "PENALTY_ORDINARY", "legal_person", mon(0));
	step(&s, H, mon(1), "case.file", "{\"major\":true}");
	step(&s, A, mon(2), "case.notify",
	     "{\"penalty\":\"fine\",\"amount_fen\":500000,"
	     "\"rights\":[\"statement\",\"defence\"]}");
	refused(propose(&s, H, mon(3), "case.decide",
			"{\"penalty\":\"fine\",\"amount_fen\":500000,"
			"\"tier\":\"normal\"}", msg),
		msg, "行政处罚法第五十八条");
	/* Only a reviewer signs the review. */
	refused(propose(&s, A, mon(3), "case.review",
			"{\"result\":\"pass\",\"opinion\":\"ok\"}", msg),
		msg, "行政处罚法第五十八条");
	step(&s, R, mon(3), "case.review",
	     "{\"result\":\"return\",\"opinion\":\"\xe8\xa1\xa5\"}");
	refused(propose(&s, H, mon(4), "case.decide",
			"{\"penalty\":\"fine\",\"amount_fen\":500000,"
			"\"tier\":\"normal\"}", msg),
		msg, "行政处罚法第五十八条");
}

static void test_guard_90_days(void)
{
	static struct script s;
	char msg[256];
	static const char decide[] =
		"{\"penalty\":\"fine\",\"amount_fen\":500000,"
		"\"tier\":\"normal\"}";
	static struct yzf_case st;

	open_case(&s, "PENALTY_ORDINARY", "legal_person", mon(0));
	step(&s, H, mon(0), "case.file", "{\"major\":false}");
	step(&s, A, mon(2), "case.notify",
	     "{\"penalty\":\"fine\",\"amount_fen\":500000,"
	     "\"rights\":[\"statement\",\"defence\"]}");
	/* Filed Mon 11-23: the 90th day is Sun 2027-02-21. */
	CHECK_EQ_INT(propose(&s, H, bj(2027, 2, 21, 23, 59), "case.decide",
			     decide, msg), YZF_OK);
	refused(propose(&s, H, bj(2027, 2, 22, 0, 0), "case.decide", decide,
			msg), msg, "行政处罚法第六十条");
	fold(&s, bj(2027, 2, 22, 0, 0), &st);
	CHECK(st.flags & YZF_CASE_F_OVERDUE);
	/* The head's extension (a sector rule) moves the deadline. */
	refused(propose(&s, A, mon(60), "case.extend",
			"{\"of\":\"decision\",\"days\":30,\"reason\":\"x\"}",
			msg), msg, "行政处罚法第六十条");
	step(&s, H, mon(60), "case.extend",
	     "{\"of\":\"decision\",\"days\":30,\"reason\":\"x\"}");
	CHECK_EQ_INT(propose(&s, H, bj(2027, 2, 22, 9, 0), "case.decide",
			     decide, msg), YZF_OK);
	fold(&s, bj(2027, 2, 22, 0, 0), &st);
	CHECK(!(st.flags & YZF_CASE_F_OVERDUE));
}

static void test_guard_late_service(void)
{
	static struct script s;
	static struct yzf_case st;
	char msg[256];
	size_t d;

	open_case(&s, "PENALTY_SIMPLE", "person", mon(0));
	step(&s, A, mon(0) + 1, "case.notify", NOTIFY_SMALL);
	d = step(&s, A, mon(0) + 2, "case.decide",
		 "{\"penalty\":\"fine\",\"amount_fen\":10000,"
		 "\"tier\":\"lighter\"}");
	cosign(&s, B, mon(0) + 3, d);
	/* Decided Mon 11-23: the seventh working day is Wed 12-02. */
	CHECK_EQ_INT(propose(&s, A, mon(9), "case.serve",
			     "{\"method\":\"post\",\"date\":\"2026-12-02\"}",
			     msg), YZF_OK);
	CHECK_STR(msg, "");
	fold(&s, bj(2026, 12, 3, 0, 0), &st);
	CHECK(st.flags & YZF_CASE_F_LATE_SERVICE);
	/* Late service is allowed, with the warning, and flagged. */
	CHECK_EQ_INT(propose(&s, A, mon(10), "case.serve",
			     "{\"method\":\"post\",\"date\":\"2026-12-03\"}",
			     msg), YZF_OK);
	CHECK_HAS(msg, "行政处罚法第六十一条");
	add(&s, A, mon(10), "case.serve",
	    "{\"method\":\"post\",\"date\":\"2026-12-03\"}");
	fold(&s, mon(11), &st);
	CHECK(st.flags & YZF_CASE_F_LATE_SERVICE);
	CHECK(!(st.flags & YZF_CASE_F_IRREGULAR));
}

static const char MEASURE[] =
	"{\"measure\":\"seal\",\"term_days\":30,\"items\":[\"\xe4\xbb\x93\"]}";

static void test_guard_coercion_term(void)
{
	static struct script s;
	char msg[256];
	size_t m;

	open_case(&s, "COERCIVE_MEASURE", "legal_person", mon(0));
	refused(propose(&s, H, mon(0), "case.measure",
			"{\"measure\":\"seal\",\"term_days\":31,"
			"\"items\":[\"\xe4\xbb\x93\"]}", msg),
		msg, "行政强制法第二十五条");
	m = step(&s, H, mon(0), "case.measure", MEASURE);
	cosign(&s, A, mon(0) + 1, m);
	refused(propose(&s, H, mon(20), "case.extend",
			"{\"of\":\"measure\",\"days\":31,\"reason\":\"x\"}",
			msg), msg, "行政强制法第二十五条");
	refused(propose(&s, A, mon(20), "case.extend",
			"{\"of\":\"measure\",\"days\":30,\"reason\":\"x\"}",
			msg), msg, "行政强制法第二十五条");
	refused(propose(&s, H, mon(31), "case.extend",
			"{\"of\":\"measure\",\"days\":10,\"reason\":\"x\"}",
			msg), msg, "行政强制法第二十五条");
	step(&s, H, mon(20), "case.extend",
	     "{\"of\":\"measure\",\"days\":30,\"reason\":\"x\"}");
	refused(propose(&s, H, mon(40), "case.extend",
			"{\"of\":\"measure\",\"days\":5,\"reason\":\"x\"}",
			msg), msg, "行政强制法第二十五条");
	/* The measure is the head's to approve. */
	static struct script o;
	open_case(&o, "COERCIVE_MEASURE", "legal_person", mon(0));
	refused(propose(&o, A, mon(0), "case.measure", MEASURE, msg), msg,
		"行政强制法第十八条");
}

static void test_guard_night_rest_day(void)
{
	static struct script s;
	char msg[256];

	open_case(&s, "COERCIVE_MEASURE", "legal_person", mon(0));
	refused(propose(&s, H, bj(2026, 11, 24, 22, 0), "case.measure",
			MEASURE, msg), msg, "行政强制法第四十三条");
	refused(propose(&s, H, bj(2026, 11, 25, 5, 59), "case.measure",
			MEASURE, msg), msg, "行政强制法第四十三条");
	CHECK_EQ_INT(propose(&s, H, bj(2026, 11, 25, 6, 0), "case.measure",
			     MEASURE, msg), YZF_OK);
	CHECK_EQ_INT(propose(&s, H, bj(2026, 11, 25, 21, 59), "case.measure",
			     MEASURE, msg), YZF_OK);
	refused(propose(&s, H, bj(2026, 11, 28, 10, 0), "case.measure",
			MEASURE, msg), msg, "行政强制法第四十三条");
	CHECK_HAS(msg, "rest day");
}

static void test_guard_two_officers(void)
{
	static struct script s;
	static struct yzf_case st;
	char msg[256], hex[65], body[128];
	size_t d;

	open_case(&s, "PENALTY_SIMPLE", "person", mon(0));
	step(&s, A, mon(0) + 1, "case.notify", NOTIFY_SMALL);
	d = step(&s, A, mon(0) + 2, "case.decide",
		 "{\"penalty\":\"fine\",\"amount_fen\":10000,"
		 "\"tier\":\"lighter\"}");
	step(&s, A, mon(0) + 3, "case.serve",
	     "{\"method\":\"on_site\",\"date\":\"2026-11-23\"}");
	refused(propose(&s, A, mon(0) + 4, "case.close",
			"{\"result\":\"executed\"}", msg),
		msg, "行政处罚法第四十二条");
	/* The officer who decided cannot co-sign his own decision. */
	yzf_hex(s.r[d].id, YZF_ID_LEN, hex);
	snprintf(body, sizeof body, "{\"id\":\"%s\"}", hex);
	refused(propose(&s, A, mon(0) + 4, "case.cosign", body, msg), msg,
		"行政处罚法第四十二条");
	add(&s, A, mon(0) + 4, "case.cosign", body);
	fold(&s, mon(0) + 5, &st);
	CHECK(st.flags & YZF_CASE_F_NO_COSIGN);
	CHECK(!st.steps[d].cosigned);
	/* By feed and seq, from the second officer. */
	yzf_hex(s.r[d].feed, YZF_KEY_LEN, hex);
	snprintf(body, sizeof body, "{\"feed\":\"%s\",\"seq\":%lld}", hex,
		 (long long)s.r[d].seq);
	step(&s, B, mon(0) + 5, "case.cosign", body);
	fold(&s, mon(0) + 6, &st);
	CHECK(!(st.flags & YZF_CASE_F_NO_COSIGN));
	CHECK(st.steps[d].cosigned);
	CHECK_EQ_INT(propose(&s, A, mon(0) + 6, "case.close",
			     "{\"result\":\"executed\"}", msg), YZF_OK);
}

static void test_guard_signers(void)
{
	static struct script s;
	char msg[256];

	open_case(&s, "PENALTY_ORDINARY", "legal_person", mon(0));
	step(&s, H, mon(1), "case.file", "{\"major\":false}");
	step(&s, A, mon(2), "case.notify",
	     "{\"penalty\":\"fine\",\"amount_fen\":500000,"
	     "\"rights\":[\"statement\",\"defence\"]}");
	refused(propose(&s, A, mon(3), "case.decide",
			"{\"penalty\":\"fine\",\"amount_fen\":500000,"
			"\"tier\":\"normal\"}", msg),
		msg, "行政处罚法第五十七条");
	CHECK_EQ_INT(propose(&s, H, mon(3), "case.decide",
			     "{\"penalty\":\"fine\",\"amount_fen\":500000,"
			     "\"tier\":\"normal\"}", msg), YZF_OK);
}

static void test_guard_catalogue(void)
{
	static struct script s;
	char msg[256];
	int rc = propose(&s, A, mon(0), "case.open",
			 "{\"kind\":\"INSPECTION\",\"matter\":\"XX-9999\","
			 "\"party\":{\"kind\":\"person\",\"name\":\"x\","
			 "\"id\":\"440301199001011234\"}}", msg);

	CHECK_EQ_INT(rc, YZF_ENOTFOUND);
	CHECK_HAS(msg, "《广东省一体化行政执法平台管理办法》第十三条");
	CHECK_HAS(msg, "XX-9999");
}

/* 过罚不当: outside the tier needs a reason; with one it is flagged. */
static void test_guard_tier(void)
{
	static struct script s;
	static struct yzf_case st;
	char msg[256];
	static const char outside[] =
		"{\"penalty\":\"fine\",\"amount_fen\":1500000,"
		"\"tier\":\"normal\"}";
	static const char reasoned[] =
		"{\"penalty\":\"fine\",\"amount_fen\":1500000,"
		"\"tier\":\"normal\",\"reason\":\"\xe5\x88\x9d\xe7\x8a\xaf"
		"\"}";

	open_case(&s, "PENALTY_ORDINARY", "legal_person", mon(0));
	step(&s, H, mon(1), "case.file", "{\"major\":false}");
	step(&s, A, mon(2), "case.notify", NOTIFY_BIG);
	step(&s, A, mon(3), "case.hearing_request", "{\"choice\":\"waive\"}");
	refused(propose(&s, H, mon(4), "case.decide", outside, msg), msg,
		"行政处罚法第三十四条");
	refused(propose(&s, H, mon(4), "case.decide",
			"{\"penalty\":\"fine\",\"amount_fen\":5000001,"
			"\"tier\":\"heavier\",\"reason\":\"x\"}", msg),
		msg, "行政处罚法第四条");
	step(&s, H, mon(4), "case.decide", reasoned);
	fold(&s, mon(4), &st);
	CHECK(st.flags & YZF_CASE_F_DISPROPORTION);
	CHECK(st.decisions[0].outside_tier);
	CHECK_STR(st.decisions[0].reason, "\xe5\x88\x9d\xe7\x8a\xaf");
}

/* Two heads decide the same case offline: both kept, the case flagged,
 * the first in canonical order stays the case's decision. */
static void test_conflict(void)
{
	static struct script s;
	static struct yzf_case st, st2;
	struct yzf_buf d1 = {0}, d2 = {0};
	size_t a, b;

	open_case(&s, "PENALTY_ORDINARY", "legal_person", mon(0));
	step(&s, H, mon(1), "case.file", "{\"major\":false}");
	step(&s, A, mon(2), "case.notify", NOTIFY_BIG);
	step(&s, A, mon(3), "case.hearing_request", "{\"choice\":\"waive\"}");
	a = add(&s, H, mon(4), "case.decide", DECIDE_BIG);
	b = add(&s, H2, mon(4) + 5, "case.decide",
		"{\"penalty\":\"fine\",\"amount_fen\":1200000,"
		"\"tier\":\"heavier\"}");
	fold(&s, mon(5), &st);
	CHECK(st.flags & YZF_CASE_F_CONFLICT);
	CHECK_EQ_INT(st.ndecisions, 2);
	CHECK(!memcmp(st.decisions[0].id, s.r[a].id, YZF_ID_LEN));
	CHECK(!memcmp(st.decisions[1].id, s.r[b].id, YZF_ID_LEN));
	CHECK_EQ_INT(st.decisions[0].amount_fen, 2000000);
	CHECK_EQ_INT(st.decisions[1].amount_fen, 1200000);
	/* Reversed input: the same state. */
	struct yzf_case_rec rev[MAXR];
	for (size_t i = 0; i < s.n; i++)
		rev[i] = s.r[s.n - 1 - i];
	CHECK_EQ_INT(yzf_case_fold(rev, s.n, &CTX, mon(5), &st2), YZF_OK);
	CHECK_EQ_INT(yzf_case_dump(&st, &d1), YZF_OK);
	CHECK_EQ_INT(yzf_case_dump(&st2, &d2), YZF_OK);
	CHECK(d1.len == d2.len && !memcmp(d1.p, d2.p, d1.len));
	yzf_buf_free(&d1);
	yzf_buf_free(&d2);
}

static int no_calendar(void *c, int64_t anchor, int n, int64_t *due)
{
	(void)c;
	(void)anchor;
	(void)n;
	*due = 0;
	return YZF_ENOTFOUND;
}

/* Without a calendar a working-day window never ends early: the decision
 * waits, and an unknown service deadline is never called late. */
static void test_calendar_unknown(void)
{
	static struct script s;
	static struct yzf_case st;
	struct yzf_case_ctx ctx = CTX;
	struct yzf_case_rec r;
	char msg[256];
	size_t d;

	ctx.add_working_days = no_calendar;
	open_case(&s, "PENALTY_ORDINARY", "legal_person", mon(0));
	add(&s, H, mon(1), "case.file", "{\"major\":false}");
	add(&s, A, mon(2), "case.notify", NOTIFY_BIG);
	CHECK_EQ_INT(yzf_case_fold(s.r, s.n, &ctx, mon(80), &st), YZF_OK);
	r = make(&s, H, mon(80), "case.decide", DECIDE_BIG);
	refused(yzf_case_check_step(&st, &r, &ctx, mon(80), msg, sizeof msg),
		msg, "行政处罚法第六十四条");
	add(&s, A, mon(3), "case.hearing_request", "{\"choice\":\"waive\"}");
	d = add(&s, H, mon(4), "case.decide", DECIDE_BIG);
	cosign(&s, B, mon(4) + 1, d);
	add(&s, A, mon(80), "case.serve",
	    "{\"method\":\"post\",\"date\":\"2027-02-11\"}");
	CHECK_EQ_INT(yzf_case_fold(s.r, s.n, &ctx, mon(90), &st), YZF_OK);
	CHECK_EQ_INT(st.flags, 0);
	CHECK(st.served_ms == bj(2027, 2, 11, 0, 0)); /* the date written */
}

/* Bodies that are not valid steps are skipped and flagged; records of
 * other types are no part of the case. */
static void test_bad_records(void)
{
	static struct script s;
	static struct yzf_case st;
	struct yzf_case_rec r;
	char msg[256];

	open_case(&s, "INSPECTION", "person", mon(0));
	s.r[s.n] = make(&s, A, mon(0) + 1, "case.close", "{\"result\":7}");
	s.seq[A]++;
	s.n++;
	s.r[s.n] = make(&s, A, mon(0) + 2, "case.close", "not json");
	s.seq[A]++;
	s.n++;
	add(&s, A, mon(0) + 3, "note", "{\"text\":\"x\"}");
	fold(&s, mon(1), &st);
	CHECK_EQ_INT(st.nsteps, 1);
	CHECK_EQ_INT(st.flags, YZF_CASE_F_BAD_RECORD);
	r = make(&s, A, mon(1), "case.close", "{}");
	CHECK_EQ_INT(yzf_case_check_step(&st, &r, &CTX, mon(1), msg,
					 sizeof msg), YZF_EINVAL);
	CHECK_HAS(msg, "case.close");
	CHECK_EQ_INT(yzf_case_fold(NULL, 1, &CTX, 0, &st), YZF_EINVAL);
}

/* ---- order independence ---- */

static uint64_t rng = 0x2545F4914F6CDD1DULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* A random merge of the feeds, each kept in seq order. */
static void interleave(const struct script *s, struct yzf_case_rec *out)
{
	size_t pos[NFEEDS] = {0}, k = 0;

	while (k < s->n) {
		int f = (int)rnd(NFEEDS);
		size_t seen = 0, i;
		for (i = 0; i < s->n; i++)
			if (s->who[i] == f && seen++ == pos[f])
				break;
		if (i == s->n)
			continue;
		pos[f]++;
		out[k++] = s->r[i];
	}
}

static void test_property_order(void)
{
	static struct script s;
	static struct yzf_case st;
	static struct yzf_case_rec v[MAXR];
	struct yzf_buf ref = {0}, got = {0};
	int same = 0, full = 0;

	write_hearing_case(&s);
	/* The co-signer's clock runs a day behind: the cosign sorts before
	 * the decision it names, and must still count. */
	s.r[6].at_ms -= DAY;
	add(&s, B, mon(31) + HOUR, "note", "{\"text\":\"ignored\"}");
	fold(&s, mon(40), &st);
	CHECK(s.r[6].at_ms < s.r[5].at_ms);
	CHECK_EQ_INT(st.steps[5].step, YZF_STEP_COSIGN);
	CHECK(st.steps[6].step == YZF_STEP_DECIDE && st.steps[6].cosigned);
	CHECK_EQ_INT(st.flags, 0);
	CHECK_EQ_INT(yzf_case_dump(&st, &ref), YZF_OK);
	for (int t = 0; t < 1000; t++) {
		interleave(&s, v);
		yzf_buf_reset(&got);
		CHECK_EQ_INT(yzf_case_fold(v, s.n, &CTX, mon(40), &st),
			     YZF_OK);
		yzf_case_dump(&st, &got);
		same += got.len == ref.len && !memcmp(got.p, ref.p, ref.len);
	}
	CHECK_EQ_INT(same, 1000);
	/* Any order at all, and duplicates, give the same state too. */
	for (int t = 0; t < 200; t++) {
		size_t n = s.n;
		memcpy(v, s.r, n * sizeof *v);
		v[n++] = s.r[rnd((uint32_t)s.n)];
		for (size_t i = n - 1; i > 0; i--) {
			size_t j = rnd((uint32_t)i + 1);
			struct yzf_case_rec x = v[i];
			v[i] = v[j];
			v[j] = x;
		}
		yzf_buf_reset(&got);
		CHECK_EQ_INT(yzf_case_fold(v, n, &CTX, mon(40), &st), YZF_OK);
		yzf_case_dump(&st, &got);
		full += got.len == ref.len && !memcmp(got.p, ref.p, ref.len);
	}
	CHECK_EQ_INT(full, 200);
	/* A copy that claims other roles: whichever comes first, the same
	 * copy is kept. */
	memcpy(v, s.r, s.n * sizeof *v);
	v[s.n] = s.r[5];
	v[s.n].roles |= YZF_ROLE_REVIEWER;
	CHECK_EQ_INT(yzf_case_fold(v, s.n + 1, &CTX, mon(40), &st), YZF_OK);
	yzf_buf_reset(&ref);
	yzf_case_dump(&st, &ref);
	v[s.n] = s.r[5];
	v[5] = s.r[5];
	v[5].roles |= YZF_ROLE_REVIEWER;
	CHECK_EQ_INT(yzf_case_fold(v, s.n + 1, &CTX, mon(40), &st), YZF_OK);
	yzf_buf_reset(&got);
	yzf_case_dump(&st, &got);
	CHECK(got.len == ref.len && !memcmp(got.p, ref.p, ref.len));
	yzf_buf_free(&ref);
	yzf_buf_free(&got);
}

static void test_names(void)
{
	CHECK_EQ_INT(yzf_case_step_of("case.decide"), YZF_STEP_DECIDE);
	CHECK_EQ_INT(yzf_case_step_of("case.nope"), -1);
	CHECK_STR(yzf_case_step_name(YZF_STEP_ORDER_CORRECT),
		  "case.order_correct");
	CHECK(yzf_case_step_name(YZF_STEP_COUNT) == NULL);
	/* Every step type has a schema. */
	for (int i = 0; i < YZF_STEP_COUNT; i++)
		CHECK(yzf_schemas_has(schemas, yzf_case_step_name(i)));
}

/* Deadlines past the last day the calendar's notices cover are
 * provisional, with the calendar's version kept beside them; a newer
 * calendar (a later last notice) makes them final on the next fold. */
static void test_provisional(void)
{
	static struct script s;
	static struct yzf_case st;
	struct yzf_case_ctx c = CTX;

	open_case(&s, "PENALTY_ORDINARY", "legal_person", mon(0));
	step(&s, H, mon(1), "case.file", "{\"major\":false}");
	c.calendar_version = 7;
	c.calendar_through_ms = mon(30);
	CHECK_EQ_INT(yzf_case_fold(s.r, s.n, &c, mon(2), &st), YZF_OK);
	CHECK_EQ_INT(st.calendar_version, 7);
	CHECK(st.decide_by_ms > mon(30));
	CHECK_EQ_INT(st.provisional, YZF_CASE_D_DECIDE);
	c.calendar_version = 8;
	c.calendar_through_ms = mon(400);
	CHECK_EQ_INT(yzf_case_fold(s.r, s.n, &c, mon(2), &st), YZF_OK);
	CHECK_EQ_INT(st.calendar_version, 8);
	CHECK_EQ_INT(st.provisional, 0);
	/* no calendar: nothing can be called provisional */
	CHECK_EQ_INT(yzf_case_fold(s.r, s.n, &CTX, mon(2), &st), YZF_OK);
	CHECK_EQ_INT(st.provisional, 0);
}

/* A matter's own hearing threshold (行政处罚法第六十三条, 较大数额 by
 * sector) comes before the configured one, by the party's kind. */
static void test_guard_matter_threshold(void)
{
	static struct script org, person;
	char msg[256];
	const char *n4000 = "{\"penalty\":\"fine\",\"amount_fen\":400000,"
			    "\"rights\":[\"statement\",\"defence\"]}";
	const char *n2000 = "{\"penalty\":\"fine\",\"amount_fen\":200000,"
			    "\"rights\":[\"statement\",\"defence\"]}";
	const char *n600 = "{\"penalty\":\"fine\",\"amount_fen\":60000,"
			   "\"rights\":[\"statement\",\"defence\"]}";

	matter_hearing_org = 300000;   /* 3,000 yuan */
	matter_hearing_person = 50000; /* 500 yuan */
	open_case(&org, "PENALTY_ORDINARY", "legal_person", mon(0));
	step(&org, H, mon(1), "case.file", "{\"major\":false}");
	CHECK_EQ_INT(propose(&org, A, mon(2), "case.notify", n4000, msg),
		     YZF_ESTATE);
	CHECK_HAS(msg, "行政处罚法第六十三条");
	CHECK_EQ_INT(propose(&org, A, mon(2), "case.notify", n2000, msg),
		     YZF_OK);
	open_case(&person, "PENALTY_ORDINARY", "person", mon(0));
	step(&person, H, mon(1), "case.file", "{\"major\":false}");
	CHECK_EQ_INT(propose(&person, A, mon(2), "case.notify", n600, msg),
		     YZF_ESTATE);
	CHECK_HAS(msg, "行政处罚法第六十三条");
	/* no threshold of its own: the configured 10,000 yuan */
	matter_hearing_org = matter_hearing_person = 0;
	CHECK_EQ_INT(propose(&org, A, mon(2), "case.notify", n4000, msg),
		     YZF_OK);
}

int main(void)
{
	char msg[256];

	if (sodium_init() < 0)
		return 1;
	if (yzf_schemas_create(yzf_record_schemas, &schemas, msg,
			       sizeof msg)) {
		fprintf(stderr, "schemas: %s\n", msg);
		return 1;
	}
	test_names();
	test_inspection_clean();
	test_inspection_order_correct();
	test_simple_penalty();
	test_ordinary_hearing();
	test_ordinary_review();
	test_coercion();
	test_recording_defect();
	test_exits();
	test_guard_evidence();
	test_guard_simple_limit();
	test_guard_notify_first();
	test_guard_hearing_offered();
	test_guard_matter_threshold();
	test_provisional();
	test_guard_hearing_window();
	test_guard_review();
	test_guard_90_days();
	test_guard_late_service();
	test_guard_coercion_term();
	test_guard_night_rest_day();
	test_guard_two_officers();
	test_guard_signers();
	test_guard_catalogue();
	test_guard_tier();
	test_conflict();
	test_calendar_unknown();
	test_bad_records();
	test_property_order();
	yzf_schemas_destroy(schemas);
	return check_done();
}

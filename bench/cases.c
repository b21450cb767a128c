/* bench/cases — what the case fold costs.
 *
 * In one process, with the real working-day calendar
 * (data/calendar/calendar-cn.json, the path given as argv[1]) and a
 * catalogue of one matter:
 *   1. the fold of one 200-record case (a general-procedure case whose
 *      investigation produced 190 notes and photos among its steps), per
 *      fold, against the baseline of parsing the same 200 bodies with
 *      cJSON alone;
 *   2. listing 10,000 cases of 8 steps each with their next deadline:
 *      every case folded and its nearest open deadline picked (goal:
 *      under 200 ms on this machine, issue: cases).
 * Timing never fails the run; exit 1 only when something functional fails.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yzf/yzf.h>

#define HOUR 3600000LL
#define DAY (24 * HOUR)
#define CASES 10000
#define PER_CASE 8
#define BIG 200

static struct yzf_calendar *cal;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int matter(void *ctx, const char *code, struct yzf_case_matter *out)
{
	(void)ctx;
	if (strcmp(code, "SC-FOOD-003") != 0)
		return YZF_ENOTFOUND;
	memset(out, 0, sizeof *out);
	out->fine_min_fen = 5000000;
	out->fine_max_fen = 10000000;
	out->ntiers = 3;
	out->tiers[0] = (struct yzf_case_tier){ "lighter", 5000000, 7499999 };
	out->tiers[1] = (struct yzf_case_tier){ "normal", 7500000, 7500000 };
	out->tiers[2] = (struct yzf_case_tier){ "heavier", 7500001, 10000000 };
	return YZF_OK;
}

static int add_wd(void *ctx, int64_t anchor, int n, int64_t *due)
{
	struct yzf_calendar_due d;
	(void)ctx;
	int rc = yzf_calendar_add_working_days(cal, anchor, YZF_CALENDAR_TZ, n,
					       &d);
	*due = d.end_ms;
	return rc;
}

static bool is_wd(void *ctx, int64_t ms)
{
	(void)ctx;
	return yzf_calendar_is_working_day(cal, yzf_date_of(ms));
}

static const struct yzf_case_ctx CTX = {
	.version = YZF_CASE_CTX_VERSION, .matter = matter,
	.add_working_days = add_wd, .is_working_day = is_wd,
	.hearing_fen = 1000000,
};

struct script {
	struct yzf_case_rec *r;
	char (*body)[160];
	size_t n;
};

static void add(struct script *s, int who, int64_t seq, int64_t at,
		const char *type, const char *body)
{
	struct yzf_case_rec *r = &s->r[s->n];
	memset(r, 0, sizeof *r);
	r->feed[0] = (uint8_t)who;
	r->seq = seq;
	memcpy(r->id, &s->n, sizeof s->n);
	r->id[31] = (uint8_t)who;
	r->roles = who == 2 ? (YZF_ROLE_OFFICER | YZF_ROLE_HEAD)
			    : YZF_ROLE_OFFICER;
	r->at_ms = at;
	r->type = type;
	snprintf(s->body[s->n], sizeof s->body[0], "%s", body);
	r->body = (const uint8_t *)s->body[s->n];
	r->body_len = strlen(s->body[s->n]);
	s->n++;
}

/* One general-procedure case from open to service, starting at t0, with
 * extra notes among the steps (ignored by the fold but read). */
static void write_case(struct script *s, int64_t t0, int notes)
{
	int64_t a = 0, h = 0;
	add(s, 1, ++a, t0, "case.open",
	    "{\"kind\":\"PENALTY_ORDINARY\",\"matter\":\"SC-FOOD-003\","
	    "\"party\":{\"kind\":\"legal_person\",\"name\":\"某公司\","
	    "\"id\":\"91440106MA5ANQ3R3W\"}}");
	add(s, 2, ++h, t0 + DAY, "case.file", "{\"major\":false}");
	for (int i = 0; i < notes; i++)
		add(s, 1, ++a, t0 + DAY + (i + 1) * 60000, "note",
		    "{\"text\":\"现场拍照取证\"}");
	add(s, 1, ++a, t0 + 2 * DAY, "case.notify",
	    "{\"penalty\":\"fine\",\"amount_fen\":6000000,\"rights\":"
	    "[\"statement\",\"defence\",\"hearing\"]}");
	add(s, 1, ++a, t0 + 3 * DAY, "case.hearing_request",
	    "{\"choice\":\"waive\"}");
	add(s, 2, ++h, t0 + 4 * DAY, "case.decide",
	    "{\"penalty\":\"fine\",\"amount_fen\":6000000,\"tier\":"
	    "\"lighter\"}");
	char cos[96];
	snprintf(cos, sizeof cos, "{\"feed\":\"%02x%062d\",\"seq\":%lld}", 2, 0,
		 (long long)h);
	add(s, 1, ++a, t0 + 4 * DAY + HOUR, "case.cosign", cos);
	if (notes == 0)
		return; /* the listing's cases wait for service */
	add(s, 1, ++a, t0 + 5 * DAY, "case.serve",
	    "{\"method\":\"direct\",\"date\":\"2025-12-07\"}");
}

int main(int argc, char **argv)
{
	static struct yzf_case st;
	char msg[300];
	FILE *f = argc > 1 ? fopen(argv[1], "rb") : NULL;
	static uint8_t doc[1 << 20];
	size_t dl = f ? fread(doc, 1, sizeof doc, f) : 0;
	if (f)
		fclose(f);
	if (!dl || yzf_calendar_create(doc, dl, &cal, msg, sizeof msg)) {
		fprintf(stderr, "cases: calendar %s: %s\n",
			argc > 1 ? argv[1] : "(none given)", dl ? msg : "unreadable");
		return 1;
	}
	struct script big = { calloc(BIG, sizeof *big.r),
			       calloc(BIG, sizeof *big.body), 0 };
	struct script all = { calloc((size_t)CASES * PER_CASE, sizeof *all.r),
			      calloc((size_t)CASES * PER_CASE, sizeof *all.body),
			      0 };
	if (!big.r || !big.body || !all.r || !all.body)
		return 1;
	int64_t t0 = 1764640800000LL; /* Tue 2025-12-02 10:00 Beijing */
	write_case(&big, t0, BIG - 8);
	int64_t now = t0 + 10 * DAY;

	/* 1. one 200-record case */
	int reps = 2000, bad = 0;
	double b0 = now_s();
	for (int r = 0; r < reps; r++)
		bad |= yzf_case_fold(big.r, big.n, &CTX, now, &st);
	double fold = (now_s() - b0) / reps;
	if (st.flags != 0 || !st.served_ms) {
		fprintf(stderr, "cases: the 200-record case folds with flags %#x "
			"(%s), served %lld\n", st.flags, st.irregular,
			(long long)st.served_ms);
		bad = 1;
	}
	b0 = now_s();
	for (int r = 0; r < reps; r++)
		for (size_t i = 0; i < big.n; i++) {
			cJSON *j = cJSON_ParseWithLength((const char *)big.r[i].body,
							 big.r[i].body_len);
			bad |= j == NULL;
			cJSON_Delete(j);
		}
	double parse = (now_s() - b0) / reps;

	/* 2. 10,000 cases and their next deadline */
	size_t off[CASES + 1];
	for (int c = 0; c < CASES; c++) {
		off[c] = all.n;
		write_case(&all, t0 + (c % 300) * HOUR, 0);
	}
	off[CASES] = all.n;
	int64_t sum = 0;
	b0 = now_s();
	for (int c = 0; c < CASES; c++) {
		if (yzf_case_fold(all.r + off[c], off[c + 1] - off[c], &CTX, now,
				  &st)) {
			bad = 1;
			break;
		}
		int64_t next = st.served_ms ? 0 : st.serve_by_ms;
		sum += next > 0;
	}
	double list = now_s() - b0;
	if (bad || sum != CASES) {
		fprintf(stderr, "cases: a fold failed or a deadline is missing "
			"(%lld of %d)\n", (long long)sum, CASES);
		return 1;
	}
	printf("case fold benchmark (calendar %s)\n", argv[1]);
	printf("%-50s %10.1f us   baseline cJSON parse of its bodies %.1f us "
	       "(ratio %.2f)\n", "1. fold of a 200-record case", fold * 1e6,
	       parse * 1e6, fold / parse);
	printf("%-50s %10.1f ms   goal < 200 ms: %s\n",
	       "2. 10,000 cases folded, next deadline each", list * 1e3,
	       list < 0.2 ? "met" : "NOT met");
	yzf_calendar_destroy(cal);
	free(big.r);
	free(big.body);
	free(all.r);
	free(all.body);
	return 0;
}

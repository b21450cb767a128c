/* fuzz_case.c — libFuzzer target for the case fold (yzf/case.h) over
 * records of any content: case steps, evidence and recording records with
 * bodies as other feeds may have signed them.
 *
 * Input: records separated by '\n'; each line is one byte choosing the
 * type, one the feed (and with it the roles), one the minutes after the
 * previous record, then the body.
 *
 * Properties checked on every input:
 *  - the fold never reads outside its records (ASan), leaks nothing, and
 *    returns YZF_OK;
 *  - it is deterministic and order-free: the records reversed fold to the
 *    same canonical dump, byte for byte;
 *  - the dump is canonical JSON;
 *  - a further step can be judged against the result.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yzf/canon.h"
#include "yzf/case.h"
#include "yzf/cert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXR 48
#define DAY 86400000LL

static const char *const types[] = {
	"case.open", "case.file", "case.notify", "case.hearing_request",
	"case.hearing", "case.review", "case.decide", "case.serve",
	"case.pay", "case.measure", "case.extend", "case.release",
	"case.cosign", "case.close", "case.order_correct", "case.exit",
	"evidence.add", "evidence.review", "rec.start", "rec.segment",
	"rec.gap", "rec.end", "note",
};

static const unsigned roles[] = {
	YZF_ROLE_OFFICER, YZF_ROLE_OFFICER, YZF_ROLE_HEAD,
	YZF_ROLE_REVIEWER, YZF_ROLE_OFFICER | YZF_ROLE_HEAD,
};

static int matter(void *c, const char *code, struct yzf_case_matter *m)
{
	(void)c;
	if (strcmp(code, "SC-FOOD-003") != 0)
		return YZF_ENOTFOUND;
	memset(m, 0, sizeof *m);
	m->fine_max_fen = 10000000;
	m->ntiers = 1;
	strcpy(m->tiers[0].name, "lighter");
	m->tiers[0].max_fen = 7499999;
	return YZF_OK;
}

/* Mon-Fri, Beijing time. */
static bool is_wd(void *c, int64_t ms)
{
	(void)c;
	int64_t day = (ms + 8 * 3600000LL) / DAY;
	int wd = (int)(((day + 4) % 7 + 7) % 7);
	return wd >= 1 && wd <= 5;
}

static int add_wd(void *c, int64_t anchor, int n, int64_t *due)
{
	int64_t day = (anchor + 8 * 3600000LL) / DAY;
	if (n < 1 || n > 10000)
		return YZF_EINVAL;
	while (n > 0) {
		day++;
		n -= is_wd(c, day * DAY);
	}
	*due = (day + 1) * DAY - 8 * 3600000LL;
	return YZF_OK;
}

static const struct yzf_case_ctx CTX = {
	.version = YZF_CASE_CTX_VERSION,
	.matter = matter,
	.add_working_days = add_wd,
	.is_working_day = is_wd,
	.hearing_fen = 500000,
};

static void dump(const struct yzf_case_rec *r, size_t n, int64_t now,
		 struct yzf_buf *out)
{
	static struct yzf_case st;
	if (yzf_case_fold(r, n, &CTX, now, &st) != YZF_OK)
		abort();
	if (yzf_case_dump(&st, out) != YZF_OK)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct yzf_case_rec recs[MAXR], rev[MAXR];
	static struct yzf_case st;
	struct yzf_buf a = { 0 }, b = { 0 };
	int64_t at = 1795741200000LL; /* 2026-11-27 10:00 +08:00 */
	size_t n = 0, off = 0;
	while (off + 3 <= size && n < MAXR) {
		const uint8_t *end = memchr(data + off, '\n', size - off);
		size_t len = end ? (size_t)(end - (data + off)) : size - off;
		if (len < 3) {
			off += len + 1;
			continue;
		}
		struct yzf_case_rec *r = &recs[n];
		memset(r, 0, sizeof *r);
		r->type = types[data[off] % (sizeof types / sizeof *types)];
		unsigned f = data[off + 1] % (sizeof roles / sizeof *roles);
		r->feed[0] = (uint8_t)(f + 1);
		r->roles = roles[f];
		at += (int64_t)data[off + 2] * 60000;
		r->at_ms = at;
		r->seq = (int64_t)n + 1;
		r->id[0] = (uint8_t)n;
		r->id[1] = (uint8_t)f;
		r->body = data + off + 3;
		r->body_len = len - 3;
		n++;
		off += len + 1;
	}
	dump(recs, n, at + DAY, &a);
	for (size_t i = 0; i < n; i++)
		rev[i] = recs[n - 1 - i];
	dump(rev, n, at + DAY, &b);
	if (a.len != b.len || memcmp(a.p, b.p, a.len) != 0)
		abort(); /* the order of the records changed the case */
	if (yzf_canon_check(a.p, a.len, NULL) != YZF_OK) {
		fwrite(a.p, 1, a.len, stderr);
		abort();
	}
	/* one more step judged against the result */
	if (yzf_case_fold(recs, n, &CTX, at, &st) != YZF_OK)
		abort();
	if (n) {
		char msg[YZF_CASE_MSG_MAX];
		struct yzf_case_rec next = recs[n - 1];
		next.at_ms = at + 60000;
		next.id[2] = 0xff;
		(void)yzf_case_check_step(&st, &next, &CTX, next.at_ms, msg,
					  sizeof msg);
	}
	yzf_buf_free(&a);
	yzf_buf_free(&b);
	return 0;
}

/* test_record.c — the record envelope: encoding, strict parsing, signatures,
 * ids and exchange lines.
 *
 * One fixed record is written out literally below: its bytes are the
 * executable form of the envelope format in yzf/record.h. Every parse
 * failure is a one-substitution edit of those bytes, with the reason the
 * parser must give. Buffers handed to the parser are allocated at their
 * exact length, so a sanitizer build catches any read past the end.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sign.h"
#include "util.h"
#include "yzf/canon.h"
#include "yzf/record.h"
#include "check.h"

/* The fixed record, with attested time, a case and a GNSS fix. */
static const char FIXED[] =
	"{\"v\":1,"
	"\"feed\":\"000102030405060708090a0b0c0d0e0f"
	"101112131415161718191a1b1c1d1e1f\","
	"\"seq\":7,"
	"\"prev\":\"e0e1e2e3e4e5e6e7e8e9eaebecedeeef"
	"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff\","
	"\"at\":\"2026-11-27T17:14:54.123+08:00\","
	"\"mono\":5231007,"
	"\"att\":{\"at\":\"2026-11-27T17:00:00.000+08:00\",\"mono\":4336884},"
	"\"type\":\"inspection.item\","
	"\"case\":\"GD-SZ-2026-000123\","
	"\"loc\":{\"src\":\"gnss\",\"lat\":225431234,\"lon\":1140579012,"
	"\"acc_cm\":350,\"age_ms\":1200,\"sats\":11},"
	"\"body\":{\"item\":\"\xe7\x81\xad\xe7\x81\xab\xe5\x99\xa8\","
	"\"result\":\"compliant\"}}";

/* The same feed, without attested time or case, and with no fix. */
static const char FIXED_NONE[] =
	"{\"v\":1,"
	"\"feed\":\"000102030405060708090a0b0c0d0e0f"
	"101112131415161718191a1b1c1d1e1f\","
	"\"seq\":1,"
	"\"prev\":\"0000000000000000000000000000000000000000000000000000000000000000\","
	"\"at\":\"1970-01-01T00:00:00.000+00:00\","
	"\"mono\":0,"
	"\"att\":null,"
	"\"type\":\"note\","
	"\"case\":null,"
	"\"loc\":{\"none\":\"no_fix\"},"
	"\"body\":{\"text\":\"a\\\"b\\\\c\\n\"}}";

static const char BODY[] =
	"{\"item\":\"\xe7\x81\xad\xe7\x81\xab\xe5\x99\xa8\","
	"\"result\":\"compliant\"}";
static const char BODY_NONE[] = "{\"text\":\"a\\\"b\\\\c\\n\"}";

static void fixed_record(struct yzf_record *r)
{
	memset(r, 0, sizeof *r);
	for (int i = 0; i < 32; i++) {
		r->feed[i] = (uint8_t)i;
		r->prev[i] = (uint8_t)(0xe0 + i);
	}
	r->seq = 7;
	r->at_ms = 1795770894123LL;
	r->at_tz = 480;
	r->mono = 5231007;
	r->has_att = true;
	r->att_ms = 1795770000000LL;
	r->att_tz = 480;
	r->att_mono = 4336884;
	strcpy(r->type, "inspection.item");
	strcpy(r->case_id, "GD-SZ-2026-000123");
	r->loc.fix = true;
	strcpy(r->loc.src, "gnss");
	r->loc.lat = 225431234;
	r->loc.lon = 1140579012;
	r->loc.acc_cm = 350;
	r->loc.age_ms = 1200;
	r->loc.sats = 11;
	r->body = (const uint8_t *)BODY;
	r->body_len = sizeof BODY - 1;
}

static void fixed_none(struct yzf_record *r)
{
	memset(r, 0, sizeof *r);
	for (int i = 0; i < 32; i++)
		r->feed[i] = (uint8_t)i;
	r->seq = 1;
	strcpy(r->type, "note");
	strcpy(r->loc.none, "no_fix");
	r->body = (const uint8_t *)BODY_NONE;
	r->body_len = sizeof BODY_NONE - 1;
}

/* A copy at its exact length (no NUL after it), for ASan. */
static uint8_t *dup_exact(const void *p, size_t n)
{
	uint8_t *d = malloc(n ? n : 1);
	memcpy(d, p, n);
	return d;
}

/* Field-by-field equality; on a difference, names the field. */
static const char *rec_diff(const struct yzf_record *a,
			    const struct yzf_record *b)
{
	if (memcmp(a->feed, b->feed, 32)) return "feed";
	if (a->seq != b->seq) return "seq";
	if (memcmp(a->prev, b->prev, 32)) return "prev";
	if (a->at_ms != b->at_ms) return "at_ms";
	if (a->at_tz != b->at_tz) return "at_tz";
	if (a->mono != b->mono) return "mono";
	if (a->has_att != b->has_att) return "has_att";
	if (a->has_att && (a->att_ms != b->att_ms || a->att_tz != b->att_tz ||
			   a->att_mono != b->att_mono))
		return "att";
	if (strcmp(a->type, b->type)) return "type";
	if (strcmp(a->case_id, b->case_id)) return "case";
	if (a->loc.fix != b->loc.fix) return "loc.fix";
	if (a->loc.fix) {
		if (strcmp(a->loc.src, b->loc.src)) return "loc.src";
		if (a->loc.lat != b->loc.lat) return "loc.lat";
		if (a->loc.lon != b->loc.lon) return "loc.lon";
		if (a->loc.acc_cm != b->loc.acc_cm) return "loc.acc_cm";
		if (a->loc.age_ms != b->loc.age_ms) return "loc.age_ms";
		if (a->loc.sats != b->loc.sats) return "loc.sats";
	} else if (strcmp(a->loc.none, b->loc.none)) {
		return "loc.none";
	}
	if (a->body_len != b->body_len ||
	    memcmp(a->body, b->body, a->body_len))
		return "body";
	return NULL;
}

/* --- Encoding: exact bytes and round trips ------------------------------ */

static void test_fixed_bytes(void)
{
	struct yzf_record r, p;
	struct yzf_buf b = { 0 };
	struct yzf_canon_err e = { 0, NULL };

	fixed_record(&r);
	CHECK_EQ_INT(yzf_record_encode(&r, &b), YZF_OK);
	CHECK_EQ_INT(b.len, sizeof FIXED - 1);
	if (b.len == sizeof FIXED - 1 && memcmp(b.p, FIXED, b.len) != 0) {
		check_fail++;
		fprintf(stderr, "%s:%d: encoded %.*s\n", __FILE__, __LINE__,
			(int)b.len, (const char *)b.p);
	}
	CHECK_EQ_INT(yzf_canon_check(b.p, b.len, NULL), YZF_OK);

	uint8_t *buf = dup_exact(FIXED, sizeof FIXED - 1);
	CHECK_EQ_INT(yzf_record_parse(buf, sizeof FIXED - 1, &p, &e), YZF_OK);
	CHECK(e.why == NULL);
	CHECK_STR(rec_diff(&r, &p) ? rec_diff(&r, &p) : "same", "same");
	/* body points into the parsed bytes */
	const char *bs = strstr(FIXED, "\"body\":") + 7;
	CHECK(p.body == buf + (bs - FIXED));
	CHECK_EQ_INT(p.body_len, sizeof BODY - 1);
	free(buf);

	/* appending keeps what was in the buffer */
	yzf_buf_reset(&b);
	yzf_buf_puts(&b, "xy");
	fixed_none(&r);
	CHECK_EQ_INT(yzf_record_encode(&r, &b), YZF_OK);
	CHECK_EQ_INT(b.len, 2 + sizeof FIXED_NONE - 1);
	CHECK(b.len == 2 + sizeof FIXED_NONE - 1 && memcmp(b.p, "xy", 2) == 0 &&
	      memcmp(b.p + 2, FIXED_NONE, sizeof FIXED_NONE - 1) == 0);
	buf = dup_exact(FIXED_NONE, sizeof FIXED_NONE - 1);
	CHECK_EQ_INT(yzf_record_parse(buf, sizeof FIXED_NONE - 1, &p, &e),
		     YZF_OK);
	CHECK_STR(rec_diff(&r, &p) ? rec_diff(&r, &p) : "same", "same");
	CHECK(!p.has_att && !p.loc.fix && p.case_id[0] == 0);
	free(buf);
	yzf_buf_free(&b);
}

/* encode -> parse -> encode over the eight combinations of att, case and
 * loc, plus range edges. */
static void round_trip(const struct yzf_record *r, const char *what)
{
	struct yzf_buf b = { 0 }, b2 = { 0 };
	struct yzf_record p;
	struct yzf_canon_err e = { 0, NULL };
	int rc = yzf_record_encode(r, &b);
	if (rc != YZF_OK) {
		check_fail++;
		fprintf(stderr, "%s:%d: %s: encode rc %d\n", __FILE__, __LINE__,
			what, rc);
		yzf_buf_free(&b);
		return;
	}
	uint8_t *buf = dup_exact(b.p, b.len);
	rc = yzf_record_parse(buf, b.len, &p, &e);
	if (rc != YZF_OK) {
		check_fail++;
		fprintf(stderr, "%s:%d: %s: parse of own encoding failed: %s at "
			"%zu in %.*s\n", __FILE__, __LINE__, what, e.why, e.off,
			(int)b.len, (const char *)b.p);
	} else {
		const char *d = rec_diff(r, &p);
		if (d) {
			check_fail++;
			fprintf(stderr, "%s:%d: %s: field %s differs after round "
				"trip\n", __FILE__, __LINE__, what, d);
		} else {
			check_pass++;
		}
		CHECK_EQ_INT(yzf_record_encode(&p, &b2), YZF_OK);
		CHECK(b2.len == b.len && memcmp(b2.p, b.p, b.len) == 0);
	}
	free(buf);
	yzf_buf_free(&b);
	yzf_buf_free(&b2);
}

static void test_round_trips(void)
{
	struct yzf_record r;
	char what[64];

	for (int v = 0; v < 8; v++) {
		fixed_record(&r);
		r.has_att = v & 1;
		if (v & 2)
			r.case_id[0] = 0;
		if (v & 4) {
			r.loc.fix = false;
			strcpy(r.loc.none, "no_device");
		}
		snprintf(what, sizeof what, "att=%d case=%d loc=%s", v & 1,
			 !(v & 2), v & 4 ? "none" : "fix");
		round_trip(&r, what);
	}

	/* edges every field can reach */
	fixed_record(&r);
	r.seq = YZF_CANON_INT_MAX;
	r.mono = YZF_CANON_INT_MAX;
	r.att_mono = 0;
	r.loc.lat = YZF_LAT_MAX;
	r.loc.lon = -YZF_LON_MAX;
	r.loc.acc_cm = 1000000000;
	r.loc.age_ms = YZF_CANON_INT_MAX;
	r.loc.sats = 255;
	round_trip(&r, "maxima");
	r.loc.lat = -YZF_LAT_MAX;
	r.loc.lon = YZF_LON_MAX;
	r.loc.acc_cm = 0;
	r.loc.age_ms = 0;
	r.loc.sats = 0;
	r.mono = 0;
	round_trip(&r, "minima");
	memset(r.type, 'a', YZF_TYPE_MAX - 1);
	r.type[YZF_TYPE_MAX - 1] = 0;
	memset(r.case_id, 'Z', YZF_CASE_MAX - 1);
	r.case_id[YZF_CASE_MAX - 1] = 0;
	strcpy(r.loc.src, "abcdefghijklmnop");
	round_trip(&r, "longest type, case and src");
	r.loc.fix = false;
	strcpy(r.loc.none, "abcdefghijklmnopqrstuvwxyz______");
	round_trip(&r, "longest loc.none");
	strcpy(r.case_id, "a.b_c:d-E9");
	strcpy(r.type, "a0.b_1.c");
	r.body = (const uint8_t *)"{}";
	r.body_len = 2;
	round_trip(&r, "empty body");
	r.at_ms = 0;
	r.at_tz = 0;
	r.att_ms = 253402300799999LL;
	r.att_tz = 0;
	round_trip(&r, "first and last ms of the time range");
	r.at_tz = 840;
	r.att_tz = -840;
	r.att_ms = 253402300799999LL - 840 * 60000LL;
	round_trip(&r, "extreme zones inside the range");
}

/* splitmix64 */
static uint64_t rng = 0x243f6a8885a308d3ULL;
static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
static int64_t rnd_in(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}
static void rnd_token(char *out, size_t maxlen, const char *set, int first)
{
	size_t n = (size_t)rnd_in(1, (int64_t)maxlen), k = strlen(set);
	for (size_t i = 0; i < n; i++)
		out[i] = set[rnd() % (i == 0 && first ? (size_t)first : k)];
	out[n] = 0;
}

#define MS_END 253402300800000LL
#define DAY 86400000LL

/* Random records in range encode, parse back to the same fields and
 * encode to the same bytes. Times stay a day away from the ends of the
 * range here; test_time_edges looks at the ends. */
static void test_random_round_trips(void)
{
	static const char *const bodies[] = {
		"{}", "{\"text\":\"x\"}", "{\"a\":[1,2,{\"b\":null}],\"c\":-5}",
		"{\"\xe4\xb8\xad\":\"\\u0001\\t\"}",
	};
	int bad = 0;
	for (int i = 0; i < 20000; i++) {
		struct yzf_record r;
		memset(&r, 0, sizeof r);
		randombytes_buf(r.feed, sizeof r.feed);
		randombytes_buf(r.prev, sizeof r.prev);
		r.seq = i % 2 ? rnd_in(1, 1000) : rnd_in(1, YZF_CANON_INT_MAX);
		r.at_ms = rnd_in(DAY, MS_END - DAY);
		r.at_tz = (int32_t)rnd_in(-840, 840);
		r.mono = rnd_in(0, YZF_CANON_INT_MAX);
		r.has_att = rnd() & 1;
		r.att_ms = rnd_in(DAY, MS_END - DAY);
		r.att_tz = (int32_t)rnd_in(-840, 840);
		r.att_mono = rnd_in(0, YZF_CANON_INT_MAX);
		/* type: one to three dotted segments */
		char seg[3][12];
		int nseg = (int)rnd_in(1, 3);
		r.type[0] = 0;
		for (int s = 0; s < nseg; s++) {
			rnd_token(seg[s], 11, "abcdefghijklmnopqrstuvwxyz0123456789_", 26);
			if (s)
				strcat(r.type, ".");
			strcat(r.type, seg[s]);
		}
		if (rnd() & 1)
			rnd_token(r.case_id, 64, "abcXYZ019.:_-", 0);
		r.loc.fix = rnd() & 1;
		if (r.loc.fix) {
			rnd_token(r.loc.src, 16, "abcdefghijklmnopqrstuvwxyz", 0);
			r.loc.lat = rnd_in(-YZF_LAT_MAX, YZF_LAT_MAX);
			r.loc.lon = rnd_in(-YZF_LON_MAX, YZF_LON_MAX);
			r.loc.acc_cm = rnd_in(0, 1000000000);
			r.loc.age_ms = rnd_in(0, YZF_CANON_INT_MAX);
			r.loc.sats = rnd_in(0, 255);
		} else {
			rnd_token(r.loc.none, 32, "abcxyz_", 0);
		}
		const char *body = bodies[rnd() % 4];
		r.body = (const uint8_t *)body;
		r.body_len = strlen(body);

		struct yzf_buf b = { 0 }, b2 = { 0 };
		struct yzf_record p;
		struct yzf_canon_err e = { 0, NULL };
		int rc = yzf_record_encode(&r, &b);
		const char *d = "encode";
		if (rc == YZF_OK) {
			d = "parse";
			if (yzf_record_parse(b.p, b.len, &p, &e) == YZF_OK) {
				d = rec_diff(&r, &p);
				if (!d && (yzf_record_encode(&p, &b2) != YZF_OK ||
					   b2.len != b.len ||
					   memcmp(b.p, b2.p, b.len)))
					d = "re-encoding";
			}
		}
		if (d && bad++ < 5)
			fprintf(stderr, "%s:%d: random record %d: %s failed "
				"(rc %d, %s): %.*s\n", __FILE__, __LINE__, i, d,
				rc, e.why ? e.why : "-", (int)b.len,
				b.p ? (const char *)b.p : "");
		yzf_buf_free(&b);
		yzf_buf_free(&b2);
	}
	CHECK_EQ_INT(bad, 0);
}

/* Whatever encode accepts, parse must accept: a terminal must never sign
 * a record no verifier will read. At the ends of the time range the local
 * time written can leave the years 1970..9999 that yzf/time.h allows. */
static void test_time_edges(void)
{
	static const struct { int64_t ms; int32_t tz; } edges[] = {
		{ 0, 0 }, { 0, -1 }, { 0, -840 }, { 0, 840 },
		{ MS_END - 1, 0 }, { MS_END - 1, 1 }, { MS_END - 1, 60 },
		{ MS_END - 1, 840 }, { MS_END - 1, -840 },
		{ MS_END - 60000, 1 }, { MS_END - 60001, 1 },
	};
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
		for (int att = 0; att < 2; att++) {
			struct yzf_record r, p;
			struct yzf_buf b = { 0 };
			struct yzf_canon_err e = { 0, NULL };
			fixed_none(&r);
			if (att) {
				r.has_att = true;
				r.att_ms = edges[i].ms;
				r.att_tz = edges[i].tz;
			} else {
				r.at_ms = edges[i].ms;
				r.at_tz = edges[i].tz;
			}
			int rc = yzf_record_encode(&r, &b);
			if (rc != YZF_OK) {
				CHECK_EQ_INT(rc, YZF_EINVAL);
				CHECK_EQ_INT(b.len, 0);
			} else if (yzf_record_parse(b.p, b.len, &p, &e) != YZF_OK ||
				   rec_diff(&r, &p)) {
				check_fail++;
				fprintf(stderr, "%s:%d: %s ms=%lld tz=%d: encode "
					"accepted it but parse gives %s: %.*s\n",
					__FILE__, __LINE__, att ? "att" : "at",
					(long long)edges[i].ms, edges[i].tz,
					e.why ? e.why : "other fields",
					(int)b.len, (const char *)b.p);
			} else {
				check_pass++;
			}
			yzf_buf_free(&b);
		}
	}
}

static void test_encode_refuses(void)
{
	struct yzf_record r;
	struct yzf_buf b = { 0 };
	int n = 0;
#define REFUSE(stmt) do { \
	fixed_record(&r); \
	stmt; \
	yzf_buf_reset(&b); \
	yzf_buf_puts(&b, "keep"); \
	int rc_ = yzf_record_encode(&r, &b); \
	if (rc_ == YZF_EINVAL && b.len == 4) check_pass++; \
	else { check_fail++; fprintf(stderr, "%s:%d: encode with %s: rc %d, " \
		"len %zu\n", __FILE__, __LINE__, #stmt, rc_, b.len); } \
	n++; \
} while (0)
	REFUSE(r.seq = 0);
	REFUSE(r.seq = -1);
	REFUSE(r.seq = YZF_CANON_INT_MAX + 1);
	REFUSE(r.mono = -1);
	REFUSE(r.at_ms = -1);
	REFUSE(r.at_ms = MS_END);
	REFUSE(r.at_tz = 841);
	REFUSE(r.at_tz = -841);
	REFUSE(r.att_ms = -1);
	REFUSE(r.att_tz = 900);
	REFUSE(r.att_mono = -1);
	REFUSE(strcpy(r.type, "Inspection"));
	REFUSE(strcpy(r.type, "a..b"));
	REFUSE(strcpy(r.type, ""));
	REFUSE(strcpy(r.type, "a\""));
	REFUSE(strcpy(r.case_id, "GD SZ"));
	REFUSE(strcpy(r.case_id, "a\"b"));
	REFUSE(r.loc.lat = YZF_LAT_MAX + 1);
	REFUSE(r.loc.lat = -YZF_LAT_MAX - 1);
	REFUSE(r.loc.lon = YZF_LON_MAX + 1);
	REFUSE(r.loc.acc_cm = -1);
	REFUSE(r.loc.acc_cm = 1000000001);
	REFUSE(r.loc.age_ms = -1);
	REFUSE(r.loc.sats = 256);
	REFUSE(r.loc.sats = -1);
	REFUSE(strcpy(r.loc.src, "GNSS"));
	REFUSE(strcpy(r.loc.src, ""));
	REFUSE(strcpy(r.loc.src, "gnss_1"));
	REFUSE((r.loc.fix = false, strcpy(r.loc.none, "")));
	REFUSE((r.loc.fix = false, strcpy(r.loc.none, "No_fix")));
	REFUSE((r.loc.fix = false, strcpy(r.loc.none, "no-fix")));
	REFUSE(r.body = NULL);
	REFUSE((r.body = (const uint8_t *)"[]", r.body_len = 2));
	REFUSE((r.body = (const uint8_t *)"{", r.body_len = 1));
#undef REFUSE
	CHECK_EQ_INT(n, 34);

	/* over YZF_MAX_RECORD_BYTES: ERANGE, buffer as it was */
	size_t big = YZF_MAX_RECORD_BYTES;
	char *body = malloc(big + 16);
	memcpy(body, "{\"text\":\"", 9);
	memset(body + 9, 'x', big - 11);
	memcpy(body + big - 2, "\"}", 2);
	fixed_record(&r);
	r.body = (const uint8_t *)body;
	r.body_len = big;
	yzf_buf_reset(&b);
	yzf_buf_puts(&b, "keep");
	CHECK_EQ_INT(yzf_record_encode(&r, &b), YZF_ERANGE);
	CHECK_EQ_INT(b.len, 4);
	free(body);
	yzf_buf_free(&b);
}

static void test_name_rules(void)
{
	static const char *const types_ok[] = {
		"note", "inspection.item", "a", "a.b.c", "x_1.y2", "a_",
		"abcdefghijklmnopqrstuvwxyz.abcdefghijklmnopqrst", /* 47 */
	};
	static const char *const types_bad[] = {
		"", "Inspection", "inspection.Item", "a..b", ".a", "a.", "1a",
		"a.1b", "_a", "a._b", "a-b", "a b", "a/b", "\xc3\xa9",
		"abcdefghijklmnopqrstuvwxyz.abcdefghijklmnopqrstu", /* 48 */
	};
	static const char *const cases_ok[] = {
		"a", "GD-SZ-2026-000123", "case:1.2_3",
		"0123456789012345678901234567890123456789012345678901234567890123",
	};
	static const char *const cases_bad[] = {
		"", "a b", "a/b", "a\"b", "a\\b", "\xe4\xb8\xad", "a\tb",
		"01234567890123456789012345678901234567890123456789012345678901234",
	};
	for (size_t i = 0; i < sizeof types_ok / sizeof *types_ok; i++)
		CHECK(yzf_record_type_ok(types_ok[i]));
	for (size_t i = 0; i < sizeof types_bad / sizeof *types_bad; i++)
		if (yzf_record_type_ok(types_bad[i])) {
			check_fail++;
			fprintf(stderr, "%s:%d: type \"%s\" accepted\n", __FILE__,
				__LINE__, types_bad[i]);
		} else {
			check_pass++;
		}
	for (size_t i = 0; i < sizeof cases_ok / sizeof *cases_ok; i++)
		CHECK(yzf_record_case_ok(cases_ok[i]));
	for (size_t i = 0; i < sizeof cases_bad / sizeof *cases_bad; i++)
		if (yzf_record_case_ok(cases_bad[i])) {
			check_fail++;
			fprintf(stderr, "%s:%d: case \"%s\" accepted\n", __FILE__,
				__LINE__, cases_bad[i]);
		} else {
			check_pass++;
		}
}

/* --- Parsing failures ---------------------------------------------------- */

#define NOFF ((size_t)-1)

struct pvec {
	const char *base; /* FIXED or FIXED_NONE */
	const char *from, *to; /* first occurrence of from becomes to;
				  from NULL: append to */
	const char *why;  /* substring of err.why; NULL: must be accepted */
	size_t off;       /* err.off, or NOFF */
};

#define ATT "{\"at\":\"2026-11-27T17:00:00.000+08:00\",\"mono\":4336884}"
#define LOC "{\"src\":\"gnss\",\"lat\":225431234,\"lon\":1140579012," \
	"\"acc_cm\":350,\"age_ms\":1200,\"sats\":11}"

static const struct pvec pvecs[] = {
	/* keys out of order */
	{ FIXED, ATT, "{\"mono\":4336884,\"at\":\"2026-11-27T17:00:00.000+08:00\"}",
	  "unexpected key", NOFF },
	{ FIXED, "\"lat\":225431234,\"lon\":1140579012",
	  "\"lon\":1140579012,\"lat\":225431234", "unexpected key", NOFF },
	{ FIXED, "\"type\":\"inspection.item\",\"case\":\"GD-SZ-2026-000123\"",
	  "\"case\":\"GD-SZ-2026-000123\",\"type\":\"inspection.item\"",
	  "unexpected key", NOFF },
	{ FIXED, "{\"v\":1,", "{", "unexpected key", 1 },
	/* white space */
	{ FIXED, "\"seq\":7", "\"seq\": 7", "expected an integer", NOFF },
	{ FIXED, "\"seq\":7,", "\"seq\":7 ,", "expected ','", NOFF },
	{ FIXED, "{\"v\"", "{ \"v\"", "expected a string", 1 },
	{ FIXED, "{\"v\"", "\n{\"v\"", "expected '{'", 0 },
	{ FIXED, "\"item\":", "\"item\": ", "white space", NOFF },
	{ FIXED, "\"body\":{", "\"body\": {", "body", NOFF },
	{ FIXED, NULL, "\n", "trailing bytes", sizeof FIXED - 1 },
	{ FIXED, NULL, " ", "trailing bytes", sizeof FIXED - 1 },
	{ FIXED, "{\"v\"", "\xef\xbb\xbf{\"v\"", "expected '{'", 0 },
	/* missing fields */
	{ FIXED, "\"mono\":5231007,", "", "unexpected key", NOFF },
	{ FIXED, ",\"att\":" ATT, "", "unexpected key", NOFF },
	{ FIXED, "\"case\":\"GD-SZ-2026-000123\",", "", "unexpected key", NOFF },
	{ FIXED, ",\"sats\":11", "", "expected ','", NOFF },
	{ FIXED, ",\"body\":", "}", "expected ','", NOFF },
	{ FIXED_NONE, ",\"att\":null", "", "unexpected key", NOFF },
	/* extra fields */
	{ FIXED, "{\"v\":1,", "{\"v\":1,\"x\":1,", "unexpected key", 7 },
	{ FIXED, "\"seq\":7,", "\"seq\":7,\"seq\":7,", "unexpected key", NOFF },
	{ FIXED, "\"sats\":11}", "\"sats\":11,\"hdop\":9}", "expected '}'", NOFF },
	{ FIXED, "\"mono\":4336884}", "\"mono\":4336884,\"src\":\"ntp\"}",
	  "expected '}'", NOFF },
	{ FIXED, "\"compliant\"}}", "\"compliant\"},\"sig\":\"00\"}",
	  "expected '}'", NOFF },
	{ FIXED_NONE, "{\"none\":\"no_fix\"}",
	  "{\"none\":\"no_fix\",\"src\":\"gnss\"}", "expected '}'", NOFF },
	/* version and integers */
	{ FIXED, "\"v\":1", "\"v\":2", "integer out of range", 5 },
	{ FIXED, "\"v\":1", "\"v\":0", "integer out of range", 5 },
	{ FIXED, "\"v\":1", "\"v\":\"1\"", "expected an integer", 5 },
	{ FIXED, "\"seq\":7", "\"seq\":0", "integer out of range", NOFF },
	{ FIXED, "\"seq\":7", "\"seq\":-7", "integer out of range", NOFF },
	{ FIXED, "\"seq\":7", "\"seq\":07", "leading zero", NOFF },
	{ FIXED, "\"seq\":7", "\"seq\":7.0", "integers", NOFF },
	{ FIXED, "\"seq\":7", "\"seq\":7e0", "integers", NOFF },
	{ FIXED, "\"seq\":7", "\"seq\":9007199254740992", "out of range", NOFF },
	{ FIXED, "\"seq\":7", "\"seq\":9007199254740991", NULL, 0 },
	{ FIXED, "\"mono\":5231007", "\"mono\":-1", "out of range", NOFF },
	{ FIXED, "\"mono\":4336884", "\"mono\":-0", "-0", NOFF },
	/* coordinates and fix quality */
	{ FIXED, "\"lat\":225431234", "\"lat\":900000001", "out of range", NOFF },
	{ FIXED, "\"lat\":225431234", "\"lat\":-900000001", "out of range", NOFF },
	{ FIXED, "\"lat\":225431234", "\"lat\":900000000", NULL, 0 },
	{ FIXED, "\"lat\":225431234", "\"lat\":-900000000", NULL, 0 },
	{ FIXED, "\"lon\":1140579012", "\"lon\":1800000001", "out of range", NOFF },
	{ FIXED, "\"lon\":1140579012", "\"lon\":-1800000000", NULL, 0 },
	{ FIXED, "\"lat\":225431234", "\"lat\":22.5431234", "integers", NOFF },
	{ FIXED, "\"acc_cm\":350", "\"acc_cm\":-1", "out of range", NOFF },
	{ FIXED, "\"sats\":11", "\"sats\":256", "out of range", NOFF },
	{ FIXED, "\"sats\":11", "\"sats\":255", NULL, 0 },
	{ FIXED, "\"src\":\"gnss\"", "\"src\":\"GNSS\"", "loc.src", NOFF },
	{ FIXED, "\"src\":\"gnss\"", "\"src\":\"\"", "loc.src", NOFF },
	{ FIXED, "\"src\":\"gnss\"", "\"src\":\"abcdefghijklmnopq\"",
	  "too long", NOFF },
	{ FIXED, LOC, "{}", "expected a string", NOFF },
	{ FIXED, LOC, "null", "expected '{'", NOFF },
	{ FIXED, LOC, "{\"none\":\"no_fix\"}", NULL, 0 },
	{ FIXED_NONE, "\"no_fix\"", "\"No_fix\"", "loc.none", NOFF },
	{ FIXED_NONE, "\"no_fix\"", "\"no fix\"", "loc.none", NOFF },
	{ FIXED_NONE, "\"no_fix\"", "\"\"", "loc.none", NOFF },
	{ FIXED_NONE, "\"no_fix\"", "null", "expected a string", NOFF },
	/* hex */
	{ FIXED, "0a0b0c", "0A0b0c", "feed: not 64 hex digits", NOFF },
	{ FIXED, "1e1f\"", "1e1\"", "feed: not 64 hex digits", NOFF },
	{ FIXED, "1e1f\"", "1e1f00\"", "feed: not 64 hex digits", NOFF },
	{ FIXED, "\"e0e1", "\"E0e1", "prev: not 64 hex digits", NOFF },
	{ FIXED, "\"e0e1", "\"g0e1", "prev: not 64 hex digits", NOFF },
	{ FIXED, "\"e0e1", "\" 0e1", "prev: not 64 hex digits", NOFF },
	/* times */
	{ FIXED, "\"2026-11-27T17:14:54.123+08:00\"",
	  "\"2026-11-27T09:14:54.123Z\"", "at: not a yzf time", NOFF },
	{ FIXED, "\"2026-11-27T17:14:54.123+08:00\"",
	  "\"2026-11-27T17:14:54+08:00\"", "at: not a yzf time", NOFF },
	{ FIXED, "\"2026-11-27T17:14:54.123+08:00\"", "1795770894123",
	  "expected a string", NOFF },
	{ FIXED, "\"2026-11-27T17:00:00.000+08:00\"",
	  "\"2026-11-27T09:00:00.000-00:00\"", "att.at: not a yzf time", NOFF },
	{ FIXED, "\"2026-11-27T17:00:00.000+08:00\"",
	  "\"2026-11-27T17:00:00.000+15:00\"", "att.at: not a yzf time", NOFF },
	{ FIXED, ATT, "{}", "expected a string", NOFF },
	{ FIXED, ATT, "{\"at\":\"2026-11-27T17:00:00.000+08:00\"}",
	  "expected ','", NOFF },
	{ FIXED, ATT, "false", "expected '{'", NOFF },
	{ FIXED_NONE, "\"1970-01-01T00:00:00.000+00:00\"",
	  "\"1969-12-31T23:59:59.999+00:00\"", "at: not a yzf time", NOFF },
	/* type and case */
	{ FIXED, "\"inspection.item\"", "\"Inspection\"",
	  "type: not a record type name", NOFF },
	{ FIXED, "\"inspection.item\"", "\"a..b\"",
	  "type: not a record type name", NOFF },
	{ FIXED, "\"inspection.item\"", "\"inspection.\"",
	  "type: not a record type name", NOFF },
	{ FIXED, "\"inspection.item\"", "\"\"",
	  "type: not a record type name", NOFF },
	{ FIXED, "\"inspection.item\"", "null", "expected a string", NOFF },
	{ FIXED, "\"inspection.item\"", "\"inspection\\u0000\"", "U+0000", NOFF },
	{ FIXED, "\"inspection.item\"",
	  "\"abcdefghijklmnopqrstuvwxyz.abcdefghijklmnopqrstu\"", "too long",
	  NOFF },
	{ FIXED, "\"inspection.item\"",
	  "\"abcdefghijklmnopqrstuvwxyz.abcdefghijklmnopqrst\"", NULL, 0 },
	{ FIXED, "\"GD-SZ-2026-000123\"", "\"GD SZ 2026 000123\"",
	  "case: not a case id", NOFF },
	{ FIXED, "\"GD-SZ-2026-000123\"", "\"\"", "case: not a case id", NOFF },
	{ FIXED, "\"GD-SZ-2026-000123\"", "\"\xe6\xa1\x88\"",
	  "case: not a case id", NOFF },
	{ FIXED, "\"GD-SZ-2026-000123\"", "42", "expected a string", NOFF },
	{ FIXED, "\"GD-SZ-2026-000123\"", "nul", "expected a string", NOFF },
	/* body */
	{ FIXED, BODY, "[1]", "body: not an object", NOFF },
	{ FIXED, BODY, "\"x\"", "body: not an object", NOFF },
	{ FIXED, BODY, "null", "body: not an object", NOFF },
	{ FIXED, BODY, "{}", NULL, 0 },
	{ FIXED, "\"result\":\"compliant\"", "\"item\":\"x\"", "duplicate key",
	  NOFF },
	{ FIXED, "\"result\":\"compliant\"", "\"result\":1.5", "integers", NOFF },
	{ FIXED, "\"compliant\"", "\"compli\\u0061nt\"", "non-canonical escape",
	  NOFF },
	{ FIXED, "\xe7\x81\xad", "\xc0\xaf", "overlong", NOFF },
	{ FIXED, "\xe7\x81\xad", "\xed\xa0\x80", "surrogate", NOFF },
	{ FIXED, "\"compliant\"}}", "\"compliant\"}", "expected '}'",
	  sizeof FIXED - 2 },
	/* keys spelled otherwise */
	{ FIXED, "{\"v\":1", "{\"\\u0076\":1", "non-canonical escape", NOFF },
	{ FIXED, "\"seq\":", "\"Seq\":", "unexpected key", NOFF },
	{ FIXED, "\"seq\":", "\"seq\"=", "expected ':'", NOFF },
	/* nothing, or not an object */
	{ FIXED, FIXED, "", "expected '{'", 0 },
	{ FIXED, FIXED, "[]", "expected '{'", 0 },
	{ FIXED, FIXED, "{}", "expected a string", 1 },
};

static char *subst(const char *base, const char *from, const char *to,
		   size_t *len)
{
	size_t bl = strlen(base), tl = strlen(to);
	const char *at = from ? strstr(base, from) : base + bl;
	size_t fl = from ? strlen(from) : 0;
	if (!at)
		return NULL;
	*len = bl - fl + tl;
	char *out = malloc(*len ? *len : 1);
	memcpy(out, base, (size_t)(at - base));
	memcpy(out + (at - base), to, tl);
	memcpy(out + (at - base) + tl, at + fl, bl - (size_t)(at - base) - fl);
	return out;
}

static void test_parse_vectors(void)
{
	for (size_t i = 0; i < sizeof pvecs / sizeof pvecs[0]; i++) {
		const struct pvec *v = &pvecs[i];
		size_t len;
		char *in = subst(v->base, v->from, v->to, &len);
		if (!in) {
			check_fail++;
			fprintf(stderr, "%s:%d: vector %zu: \"%s\" not in base\n",
				__FILE__, __LINE__, i, v->from);
			continue;
		}
		struct yzf_record r;
		struct yzf_canon_err e = { 12345, NULL };
		int rc = yzf_record_parse((const uint8_t *)in, len, &r, &e);
		int ok;
		if (!v->why)
			ok = rc == YZF_OK && e.why == NULL;
		else
			ok = rc == YZF_ENONCANON && e.why &&
			     strstr(e.why, v->why) && e.off <= len &&
			     (v->off == NOFF || e.off == v->off);
		if (ok) {
			check_pass++;
		} else {
			check_fail++;
			fprintf(stderr, "%s:%d: vector %zu (%s -> %s): rc %d, why "
				"\"%s\" at %zu; expected %s \"%s\" at %lld\n",
				__FILE__, __LINE__, i, v->from ? v->from : "end",
				v->to, rc, e.why ? e.why : "(none)", e.off,
				v->why ? "failure" : "success",
				v->why ? v->why : "", (long long)v->off);
		}
		/* err may be NULL */
		CHECK_EQ_INT(yzf_record_parse((const uint8_t *)in, len, &r, NULL),
			     rc);
		free(in);
	}
}

/* A record the parser accepts is canonical JSON as a whole, so its line
 * passes yzf_record_unline: nesting counts from the envelope, not from the
 * body. */
static void test_body_depth(void)
{
	for (int depth = 14; depth <= 17; depth++) {
		char body[128] = "", tail[64] = "";
		for (int i = 0; i < depth - 1; i++)
			strcat(body, "{\"a\":");
		strcat(body, "{}");
		for (int i = 0; i < depth - 1; i++)
			strcat(tail, "}");
		strcat(body, tail);
		size_t len;
		char *in = subst(FIXED, BODY, body, &len);
		struct yzf_record r;
		struct yzf_canon_err e1 = { 0, NULL }, e2 = { 0, NULL };
		int prc = yzf_record_parse((const uint8_t *)in, len, &r, &e1);
		int crc = yzf_canon_check((const uint8_t *)in, len, &e2);
		if (prc == YZF_OK && crc != YZF_OK) {
			check_fail++;
			fprintf(stderr, "%s:%d: body %d deep: yzf_record_parse "
				"accepts an envelope yzf_canon_check refuses "
				"(%s)\n", __FILE__, __LINE__, depth, e2.why);
		} else {
			check_pass++;
		}
		if (prc != YZF_OK)
			CHECK_HAS(e1.why, "nested too deeply");
		/* and encoding such a body must not give an unreadable line */
		struct yzf_buf b = { 0 }, line = { 0 };
		const uint8_t *rb;
		size_t rn;
		uint8_t sig[YZF_SIG_LEN] = { 0 };
		struct yzf_record er;
		fixed_record(&er);
		er.body = (const uint8_t *)body;
		er.body_len = strlen(body);
		if (yzf_record_encode(&er, &b) == YZF_OK) {
			CHECK_EQ_INT(yzf_record_line(b.p, b.len, sig, &line),
				     YZF_OK);
			CHECK_EQ_INT(yzf_record_unline(line.p, line.len, &rb, &rn,
						       sig, NULL) == YZF_OK,
				     yzf_record_parse(b.p, b.len, &r, NULL) ==
					     YZF_OK);
		}
		yzf_buf_free(&b);
		yzf_buf_free(&line);
		free(in);
	}
}

/* Every proper prefix of a valid record fails, without reading past it. */
static void test_truncation(void)
{
	const char *const bases[] = { FIXED, FIXED_NONE };
	for (int k = 0; k < 2; k++) {
		size_t full = strlen(bases[k]);
		int bad = 0;
		for (size_t n = 0; n < full; n++) {
			uint8_t *in = dup_exact(bases[k], n);
			struct yzf_record r;
			struct yzf_canon_err e = { 0, NULL };
			int rc = yzf_record_parse(in, n, &r, &e);
			if (rc == YZF_OK || !e.why || e.off > n) {
				if (bad++ < 5)
					fprintf(stderr, "%s:%d: prefix %zu: rc %d "
						"why %s off %zu\n", __FILE__,
						__LINE__, n, rc,
						e.why ? e.why : "(none)", e.off);
			}
			free(in);
		}
		CHECK_EQ_INT(bad, 0);
	}
	struct yzf_record r;
	CHECK(yzf_record_parse(NULL, 0, &r, NULL) != YZF_OK);
	/* over YZF_MAX_RECORD_BYTES */
	size_t big = YZF_MAX_RECORD_BYTES + 1;
	char *in = malloc(big);
	memset(in, ' ', big);
	struct yzf_canon_err e = { 0, NULL };
	CHECK(yzf_record_parse((uint8_t *)in, big, &r, &e) != YZF_OK);
	CHECK_HAS(e.why, "YZF_MAX_RECORD_BYTES");
	free(in);
}

/* --- Signatures and ids -------------------------------------------------- */

static void test_signatures(void)
{
	uint8_t pk[32], sk[64], pk2[32], sk2[64], sig[64], sig2[64];
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);
	size_t len = sizeof FIXED - 1;
	uint8_t *bytes = dup_exact(FIXED, len);

	CHECK_EQ_INT(yzf_record_sign(bytes, len, sk, sig), YZF_OK);
	CHECK(yzf_record_sig_ok(bytes, len, sig, pk));
	/* deterministic (Ed25519) */
	CHECK_EQ_INT(yzf_record_sign(bytes, len, sk, sig2), YZF_OK);
	CHECK(memcmp(sig, sig2, 64) == 0);

	int bad = 0;
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit += 7) {
			bytes[i] ^= (uint8_t)(1u << bit);
			bad += yzf_record_sig_ok(bytes, len, sig, pk);
			bytes[i] ^= (uint8_t)(1u << bit);
		}
	}
	for (size_t i = 0; i < 64; i++) {
		sig[i] ^= 0x01;
		bad += yzf_record_sig_ok(bytes, len, sig, pk);
		sig[i] ^= 0x81;
		bad += yzf_record_sig_ok(bytes, len, sig, pk);
		sig[i] ^= 0x80;
	}
	for (size_t i = 0; i < 32; i++) {
		pk[i] ^= 0x01;
		bad += yzf_record_sig_ok(bytes, len, sig, pk);
		pk[i] ^= 0x01;
	}
	CHECK_EQ_INT(bad, 0);
	CHECK(yzf_record_sig_ok(bytes, len, sig, pk));
	/* a byte more or less */
	CHECK(!yzf_record_sig_ok(bytes, len - 1, sig, pk));
	/* wrong key */
	CHECK(!yzf_record_sig_ok(bytes, len, sig, pk2));
	CHECK_EQ_INT(yzf_record_sign(bytes, len, sk2, sig2), YZF_OK);
	CHECK(!yzf_record_sig_ok(bytes, len, sig2, pk));
	CHECK(yzf_record_sig_ok(bytes, len, sig2, pk2));

	/* Domain separation: the signature is over "yzf-record-v1\0" || bytes
	 * exactly; one over the bare bytes, or under another domain, fails. */
	uint8_t plain[64];
	crypto_sign_detached(plain, NULL, bytes, len, sk);
	CHECK(!yzf_record_sig_ok(bytes, len, plain, pk));
	CHECK(crypto_sign_verify_detached(sig, bytes, len, pk) != 0);
	size_t dl = sizeof YZF_RECORD_DOMAIN; /* with its NUL */
	CHECK_EQ_INT(dl, 14);
	uint8_t *msg = malloc(dl + len);
	memcpy(msg, YZF_RECORD_DOMAIN, dl);
	memcpy(msg + dl, bytes, len);
	CHECK(crypto_sign_verify_detached(sig, msg, dl + len, pk) == 0);
	crypto_sign_detached(plain, NULL, msg, dl + len, sk);
	CHECK(memcmp(plain, sig, 64) == 0);
	/* without the NUL it is another message */
	crypto_sign_detached(plain, NULL, msg, dl - 1, sk);
	memcpy(msg + dl - 1, bytes, len);
	crypto_sign_detached(plain, NULL, msg, dl - 1 + len, sk);
	CHECK(!yzf_record_sig_ok(bytes, len, plain, pk));
	free(msg);
	uint8_t other[64];
	CHECK_EQ_INT(yzf_sign_domain("yzf-cert-v1", bytes, len, sk, other),
		     YZF_OK);
	CHECK(!yzf_record_sig_ok(bytes, len, other, pk));
	CHECK_EQ_INT(yzf_sign_domain("yzf-req-v1", bytes, len, sk, other),
		     YZF_OK);
	CHECK(!yzf_record_sig_ok(bytes, len, other, pk));

	/* a record larger than the signer's stack buffer */
	size_t blen = 10000;
	uint8_t *big = malloc(blen);
	randombytes_buf(big, blen);
	CHECK_EQ_INT(yzf_record_sign(big, blen, sk, sig), YZF_OK);
	CHECK(yzf_record_sig_ok(big, blen, sig, pk));
	big[blen - 1] ^= 1;
	CHECK(!yzf_record_sig_ok(big, blen, sig, pk));
	big[blen - 1] ^= 1;
	big[0] ^= 1;
	CHECK(!yzf_record_sig_ok(big, blen, sig, pk));
	free(big);
	/* empty message still signs and verifies */
	CHECK_EQ_INT(yzf_record_sign(bytes, 0, sk, sig), YZF_OK);
	CHECK(yzf_record_sig_ok(bytes, 0, sig, pk));
	CHECK(!yzf_record_sig_ok(bytes, 1, sig, pk));

	/* id = BLAKE2b-256(bytes || sig) */
	CHECK_EQ_INT(yzf_record_sign(bytes, len, sk, sig), YZF_OK);
	uint8_t id[32], want[32];
	uint8_t *cat = malloc(len + 64);
	memcpy(cat, bytes, len);
	memcpy(cat + len, sig, 64);
	crypto_generichash(want, 32, cat, len + 64, NULL, 0);
	yzf_record_id(bytes, len, sig, id);
	CHECK(memcmp(id, want, 32) == 0);
	free(cat);
	sig[0] ^= 1;
	yzf_record_id(bytes, len, sig, id);
	CHECK(memcmp(id, want, 32) != 0);
	/* known answer: BLAKE2b-256 of 64 zero bytes following empty bytes */
	uint8_t zeros[64] = { 0 };
	char hex[65];
	yzf_record_id(bytes, 0, zeros, id);
	crypto_generichash(want, 32, zeros, 64, NULL, 0);
	CHECK(memcmp(id, want, 32) == 0);
	yzf_hex(id, 32, hex);
	CHECK_EQ_INT(strlen(hex), 64);

	sodium_memzero(sk, sizeof sk);
	sodium_memzero(sk2, sizeof sk2);
	free(bytes);
}

/* --- Exchange lines ------------------------------------------------------ */

static void test_lines(void)
{
	uint8_t pk[32], sk[64], sig[64], sig2[64];
	crypto_sign_keypair(pk, sk);
	size_t len = sizeof FIXED - 1;
	const uint8_t *bytes = (const uint8_t *)FIXED;
	CHECK_EQ_INT(yzf_record_sign(bytes, len, sk, sig), YZF_OK);

	struct yzf_buf line = { 0 };
	CHECK_EQ_INT(yzf_record_line(bytes, len, sig, &line), YZF_OK);
	char hex[129];
	yzf_hex(sig, 64, hex);
	/* {"rec":<bytes>,"sig":"<hex>"} exactly */
	CHECK_EQ_INT(line.len, 7 + len + 8 + 128 + 2);
	CHECK(memcmp(line.p, "{\"rec\":", 7) == 0);
	CHECK(memcmp(line.p + 7, FIXED, len) == 0);
	CHECK(memcmp(line.p + 7 + len, ",\"sig\":\"", 8) == 0);
	CHECK(memcmp(line.p + 15 + len, hex, 128) == 0);
	CHECK(memcmp(line.p + 143 + len, "\"}", 2) == 0);
	CHECK_EQ_INT(yzf_canon_check(line.p, line.len, NULL), YZF_OK);

	uint8_t *l = dup_exact(line.p, line.len);
	const uint8_t *rb = NULL;
	size_t rn = 0;
	struct yzf_canon_err e = { 0, NULL };
	CHECK_EQ_INT(yzf_record_unline(l, line.len, &rb, &rn, sig2, &e), YZF_OK);
	CHECK(rb == l + 7);
	CHECK_EQ_INT(rn, len);
	CHECK(memcmp(sig2, sig, 64) == 0);
	CHECK(yzf_record_sig_ok(rb, rn, sig2, pk));
	struct yzf_record r;
	CHECK_EQ_INT(yzf_record_parse(rb, rn, &r, NULL), YZF_OK);

	/* every proper prefix fails */
	int bad = 0;
	for (size_t n = 0; n < line.len; n++) {
		uint8_t *cut = dup_exact(line.p, n);
		e.why = NULL;
		if (yzf_record_unline(cut, n, &rb, &rn, sig2, &e) == YZF_OK ||
		    !e.why)
			bad++;
		free(cut);
	}
	CHECK_EQ_INT(bad, 0);
	free(l);

	/* failures, by substitution in the line */
	char *ls = malloc(line.len + 1);
	memcpy(ls, line.p, line.len);
	ls[line.len] = 0;
	char upper[129];
	memcpy(upper, hex, 129);
	for (int i = 0; i < 128; i++)
		if (upper[i] >= 'a') {
			upper[i] = (char)(upper[i] - 'a' + 'A');
			break;
		}
	char shorter[128];
	memcpy(shorter, hex, 127);
	shorter[127] = 0;
	char nonhex[129];
	memcpy(nonhex, hex, 129);
	nonhex[64] = 'g';
	static const char *const lfails_fixed[][3] = {
		{ "{\"rec\":", "{ \"rec\":", "bad head" },
		{ "{\"rec\":", "{\"rec\": ", "white space" },
		{ "{\"rec\":", "{\"Rec\":", "bad head" },
		{ "{\"rec\":", "{\"cert\":", "bad head" },
		{ ",\"sig\":\"", ", \"sig\":\"", "bad signature tail" },
		{ ",\"sig\":\"", ",\"sig\": \"", "bad signature tail" },
		{ ",\"sig\":\"", ",\"SIG\":\"", "bad signature tail" },
		{ "\"v\":1", "\"v\": 1", "white space" },
		{ "\"compliant\"}}", "\"compliant\"} }", "expected ',' or '}'" },
		{ "\"compliant\"}}", "\"compliant\"}},\"x\":1", "trailing bytes" },
	};
	struct { const char *from, *to, *why; } lf[16];
	size_t nlf = 0;
	for (size_t i = 0; i < sizeof lfails_fixed / sizeof *lfails_fixed; i++) {
		lf[nlf].from = lfails_fixed[i][0];
		lf[nlf].to = lfails_fixed[i][1];
		lf[nlf++].why = lfails_fixed[i][2];
	}
	lf[nlf].from = hex; lf[nlf].to = upper; lf[nlf++].why = "sig: not 128";
	lf[nlf].from = hex; lf[nlf].to = shorter; lf[nlf++].why = "sig";
	lf[nlf].from = hex; lf[nlf].to = nonhex; lf[nlf++].why = "sig: not 128";
	for (size_t i = 0; i < nlf; i++) {
		size_t n;
		char *in = subst(ls, lf[i].from, lf[i].to, &n);
		e.why = NULL;
		int rc = in ? yzf_record_unline((uint8_t *)in, n, &rb, &rn, sig2,
						&e)
			    : -100;
		if (rc == YZF_ENONCANON && e.why && strstr(e.why, lf[i].why) &&
		    e.off <= n) {
			check_pass++;
		} else {
			check_fail++;
			fprintf(stderr, "%s:%d: line with %s -> %s: rc %d why %s\n",
				__FILE__, __LINE__, lf[i].from, lf[i].to, rc,
				e.why ? e.why : "(none)");
		}
		free(in);
	}
	/* trailing newline is not part of a line */
	{
		size_t n;
		char *in = subst(ls, NULL, "\n", &n);
		CHECK(yzf_record_unline((uint8_t *)in, n, &rb, &rn, sig2, NULL) ==
		      YZF_ENONCANON);
		free(in);
	}
	free(ls);
	yzf_buf_free(&line);
	sodium_memzero(sk, sizeof sk);
}

int main(void)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "sodium_init failed\n");
		return 1;
	}
	test_fixed_bytes();
	test_round_trips();
	test_random_round_trips();
	test_time_edges();
	test_encode_refuses();
	test_name_rules();
	test_parse_vectors();
	test_body_depth();
	test_truncation();
	test_signatures();
	test_lines();
	return check_done();
}

/* test_cert.c — certificates, chains, revocations and enrollment requests.
 *
 * A province root, a city and a feed certificate are made here with fresh
 * libsodium keys. Two certificates are also written out literally, with
 * fixed key bytes: they are the executable form of the format in
 * yzf/cert.h. Every line handed to a parser is allocated at its exact
 * length, so a sanitizer build catches any read past the end.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sign.h"
#include "util.h"
#include "yzf/canon.h"
#include "yzf/cert.h"
#include "yzf/keys.h"
#include "check.h"

#define NB 1767196800000LL /* 2026-01-01T00:00:00.000+08:00 */
#define NA 1861891199999LL /* 2028-12-31T23:59:59.999+08:00 */
#define MS_END 253402300800000LL

static const char FEED_BYTES[] =
	"{\"v\":1,\"kind\":\"feed\","
	"\"serial\":\"000102030405060708090a0b0c0d0e0f\","
	"\"issuer\":\"202122232425262728292a2b2c2d2e2f"
	"303132333435363738393a3b3c3d3e3f\","
	"\"key\":\"404142434445464748494a4b4c4d4e4f"
	"505152535455565758595a5b5c5d5e5f\","
	"\"subject\":{\"officer\":{\"name\":\"张三\",\"no\":\"44030012345\"},"
	"\"agency\":{\"name\":\"深圳市市场监督管理局\","
	"\"uscc\":\"11440106MB2C492807\"},"
	"\"terminal\":\"T-1\",\"roles\":[\"officer\",\"head\"]},"
	"\"not_before\":\"2026-01-01T00:00:00.000+08:00\","
	"\"not_after\":\"2028-12-31T23:59:59.999+08:00\"}";

static const char CITY_BYTES[] =
	"{\"v\":1,\"kind\":\"city\","
	"\"serial\":\"000102030405060708090a0b0c0d0e0f\","
	"\"issuer\":\"202122232425262728292a2b2c2d2e2f"
	"303132333435363738393a3b3c3d3e3f\","
	"\"key\":\"404142434445464748494a4b4c4d4e4f"
	"505152535455565758595a5b5c5d5e5f\","
	"\"subject\":{\"name\":\"深圳市司法局\",\"region\":\"440300\","
	"\"seal\":\"606162636465666768696a6b6c6d6e6f"
	"707172737475767778797a7b7c7d7e7f\"},"
	"\"not_before\":\"2026-01-01T00:00:00.000+08:00\","
	"\"not_after\":\"2028-12-31T23:59:59.999+08:00\"}";

static const char ROOT_BYTES[] =
	"{\"v\":1,\"kind\":\"root\","
	"\"serial\":\"000102030405060708090a0b0c0d0e0f\","
	"\"issuer\":\"202122232425262728292a2b2c2d2e2f"
	"303132333435363738393a3b3c3d3e3f\","
	"\"key\":\"202122232425262728292a2b2c2d2e2f"
	"303132333435363738393a3b3c3d3e3f\","
	"\"subject\":{\"name\":\"广东省司法厅\"},"
	"\"not_before\":\"2026-01-01T00:00:00.000+08:00\","
	"\"not_after\":\"2028-12-31T23:59:59.999+08:00\"}";

struct keys {
	uint8_t root_pk[32], root_sk[64];
	uint8_t city_pk[32], city_sk[64];
	uint8_t feed_pk[32], feed_sk[64];
	uint8_t other_pk[32], other_sk[64];
	uint8_t seal_pk[32], seal_sk[32];
};
static struct keys K;

static void base(struct yzf_cert *c, int kind)
{
	memset(c, 0, sizeof *c);
	c->kind = kind;
	randombytes_buf(c->serial, sizeof c->serial);
	c->not_before = NB;
	c->not_after = NA;
	c->tz = 480;
}

static void root_cert(struct yzf_cert *c)
{
	base(c, YZF_CERT_ROOT);
	memcpy(c->issuer, K.root_pk, 32);
	memcpy(c->key, K.root_pk, 32);
	strcpy(c->name, "广东省司法厅");
}

static void city_cert(struct yzf_cert *c)
{
	base(c, YZF_CERT_CITY);
	memcpy(c->issuer, K.root_pk, 32);
	memcpy(c->key, K.city_pk, 32);
	strcpy(c->name, "深圳市司法局");
	strcpy(c->region, "440300");
	memcpy(c->seal, K.seal_pk, 32);
}

static void feed_cert(struct yzf_cert *c)
{
	base(c, YZF_CERT_FEED);
	memcpy(c->issuer, K.city_pk, 32);
	memcpy(c->key, K.feed_pk, 32);
	strcpy(c->name, "张三");
	strcpy(c->officer_no, "44030012345");
	strcpy(c->agency, "深圳市市场监督管理局");
	strcpy(c->uscc, "11440106MB2C492807");
	strcpy(c->terminal, "T-1");
	c->roles = YZF_ROLE_OFFICER | YZF_ROLE_HEAD;
}

/* The literal certificates' fields: fixed serial and key bytes. */
static void fixed_bytes(struct yzf_cert *c)
{
	for (int i = 0; i < 16; i++)
		c->serial[i] = (uint8_t)i;
	for (int i = 0; i < 32; i++) {
		c->issuer[i] = (uint8_t)(0x20 + i);
		c->key[i] = (uint8_t)(c->kind == YZF_CERT_ROOT ? 0x20 + i
							       : 0x40 + i);
		if (c->kind == YZF_CERT_CITY)
			c->seal[i] = (uint8_t)(0x60 + i);
	}
}

static uint8_t *dup_exact(const void *p, size_t n)
{
	uint8_t *d = malloc(n ? n : 1);
	memcpy(d, p, n);
	return d;
}

static const char *cert_diff(const struct yzf_cert *a, const struct yzf_cert *b)
{
	if (a->kind != b->kind) return "kind";
	if (memcmp(a->serial, b->serial, 16)) return "serial";
	if (memcmp(a->issuer, b->issuer, 32)) return "issuer";
	if (memcmp(a->key, b->key, 32)) return "key";
	if (a->not_before != b->not_before) return "not_before";
	if (a->not_after != b->not_after) return "not_after";
	if (a->tz != b->tz) return "tz";
	if (strcmp(a->name, b->name)) return "name";
	if (a->kind == YZF_CERT_CITY) {
		if (strcmp(a->region, b->region)) return "region";
		if (memcmp(a->seal, b->seal, 32)) return "seal";
	}
	if (a->kind == YZF_CERT_FEED) {
		if (strcmp(a->officer_no, b->officer_no)) return "officer_no";
		if (strcmp(a->agency, b->agency)) return "agency";
		if (strcmp(a->uscc, b->uscc)) return "uscc";
		if (strcmp(a->terminal, b->terminal)) return "terminal";
		if (a->roles != b->roles) return "roles";
	}
	return NULL;
}

static char *subst(const char *base, const char *from, const char *to,
		   size_t *len)
{
	size_t bl = strlen(base), tl = strlen(to);
	const char *at = from ? strstr(base, from) : base + bl;
	size_t fl = from ? strlen(from) : 0;
	if (!at)
		return NULL;
	*len = bl - fl + tl;
	char *out = malloc(*len + 1);
	memcpy(out, base, (size_t)(at - base));
	memcpy(out + (at - base), to, tl);
	memcpy(out + (at - base) + tl, at + fl, bl - (size_t)(at - base) - fl);
	out[*len] = 0;
	return out;
}

/* --- Encoding ------------------------------------------------------------ */

static void expect_bytes(const struct yzf_cert *c, const char *want,
			 const char *what)
{
	struct yzf_buf b = { 0 };
	struct yzf_cert p;
	struct yzf_canon_err e = { 0, NULL };
	CHECK_EQ_INT(yzf_cert_encode(c, &b), YZF_OK);
	if (b.len != strlen(want) || memcmp(b.p, want, b.len) != 0) {
		check_fail++;
		fprintf(stderr, "%s:%d: %s encoded as %.*s\n", __FILE__, __LINE__,
			what, (int)b.len, b.p ? (const char *)b.p : "");
	} else {
		check_pass++;
	}
	uint8_t *in = dup_exact(want, strlen(want));
	CHECK_EQ_INT(yzf_cert_parse(in, strlen(want), &p, &e), YZF_OK);
	const char *d = cert_diff(c, &p);
	CHECK_STR(d ? d : "same", "same");
	free(in);
	yzf_buf_free(&b);
}

static void test_fixed_bytes(void)
{
	struct yzf_cert c;
	feed_cert(&c);
	fixed_bytes(&c);
	expect_bytes(&c, FEED_BYTES, "feed");
	city_cert(&c);
	fixed_bytes(&c);
	expect_bytes(&c, CITY_BYTES, "city");
	root_cert(&c);
	fixed_bytes(&c);
	expect_bytes(&c, ROOT_BYTES, "root");

	/* roles go out in table order, whatever order the bits were set in */
	static const struct { uint32_t roles; const char *json; } rs[] = {
		{ YZF_ROLE_OFFICER, "[\"officer\"]" },
		{ YZF_ROLE_REVIEWER, "[\"reviewer\"]" },
		{ YZF_ROLE_HEAD, "[\"head\"]" },
		{ YZF_ROLE_HEAD | YZF_ROLE_OFFICER, "[\"officer\",\"head\"]" },
		{ YZF_ROLE_HEAD | YZF_ROLE_REVIEWER, "[\"reviewer\",\"head\"]" },
		{ YZF_ROLE_HEAD | YZF_ROLE_REVIEWER | YZF_ROLE_OFFICER,
		  "[\"officer\",\"reviewer\",\"head\"]" },
	};
	for (size_t i = 0; i < sizeof rs / sizeof rs[0]; i++) {
		size_t n;
		char *want = subst(FEED_BYTES, "[\"officer\",\"head\"]", rs[i].json,
				   &n);
		feed_cert(&c);
		fixed_bytes(&c);
		c.roles = rs[i].roles;
		expect_bytes(&c, want, rs[i].json);
		free(want);
	}
}

/* encode -> sign_line -> unline -> parse, for each kind */
static void test_lines(void)
{
	struct yzf_cert c[3];
	const uint8_t *sks[3] = { K.root_sk, K.root_sk, K.city_sk };
	const uint8_t *pks[3] = { K.root_pk, K.root_pk, K.city_pk };
	root_cert(&c[0]);
	city_cert(&c[1]);
	feed_cert(&c[2]);
	for (int i = 0; i < 3; i++) {
		struct yzf_buf bytes = { 0 }, line = { 0 }, again = { 0 };
		struct yzf_signed_cert sc;
		struct yzf_canon_err e = { 0, NULL };
		CHECK_EQ_INT(yzf_cert_encode(&c[i], &bytes), YZF_OK);
		CHECK_EQ_INT(yzf_canon_check(bytes.p, bytes.len, NULL), YZF_OK);
		CHECK_EQ_INT(yzf_cert_sign_line(&c[i], sks[i], &line), YZF_OK);
		CHECK_EQ_INT(yzf_canon_check(line.p, line.len, NULL), YZF_OK);
		CHECK(line.len == 8 + bytes.len + 8 + 128 + 2);
		CHECK(memcmp(line.p, "{\"cert\":", 8) == 0);
		CHECK(memcmp(line.p + 8, bytes.p, bytes.len) == 0);
		CHECK(memcmp(line.p + 8 + bytes.len, ",\"sig\":\"", 8) == 0);
		uint8_t *in = dup_exact(line.p, line.len);
		CHECK_EQ_INT(yzf_cert_unline(in, line.len, &sc, &e), YZF_OK);
		CHECK(sc.bytes == in + 8);
		CHECK_EQ_INT(sc.len, bytes.len);
		const char *d = cert_diff(&c[i], &sc.c);
		CHECK_STR(d ? d : "same", "same");
		CHECK(yzf_cert_sig_ok(&sc, pks[i]));
		CHECK(!yzf_cert_sig_ok(&sc, K.other_pk));
		CHECK(!yzf_cert_sig_ok(&sc, K.feed_pk));
		/* the signature covers "yzf-cert-v1\0" || bytes */
		size_t dl = sizeof YZF_CERT_DOMAIN;
		uint8_t *msg = malloc(dl + bytes.len);
		memcpy(msg, YZF_CERT_DOMAIN, dl);
		memcpy(msg + dl, bytes.p, bytes.len);
		CHECK(crypto_sign_verify_detached(sc.sig, msg, dl + bytes.len,
						  pks[i]) == 0);
		CHECK(crypto_sign_verify_detached(sc.sig, bytes.p, bytes.len,
						  pks[i]) != 0);
		free(msg);
		/* a record-domain signature over the same bytes is no cert sig */
		CHECK_EQ_INT(yzf_sign_domain(YZF_RECORD_DOMAIN, bytes.p, bytes.len,
					     sks[i], sc.sig), YZF_OK);
		CHECK(!yzf_cert_sig_ok(&sc, pks[i]));
		/* re-encoding the parse gives the same bytes */
		CHECK_EQ_INT(yzf_cert_encode(&sc.c, &again), YZF_OK);
		CHECK(again.len == bytes.len &&
		      memcmp(again.p, bytes.p, bytes.len) == 0);
		/* every proper prefix of the line fails */
		int bad = 0;
		for (size_t n = 0; n < line.len; n++) {
			uint8_t *cut = dup_exact(line.p, n);
			e.why = NULL;
			if (yzf_cert_unline(cut, n, &sc, &e) == YZF_OK || !e.why)
				bad++;
			free(cut);
		}
		CHECK_EQ_INT(bad, 0);
		free(in);
		yzf_buf_free(&bytes);
		yzf_buf_free(&line);
		yzf_buf_free(&again);
	}
	/* unline failures carry offsets into the line */
	struct yzf_buf line = { 0 };
	struct yzf_signed_cert sc;
	struct yzf_canon_err e = { 0, NULL };
	struct yzf_cert f;
	feed_cert(&f);
	CHECK_EQ_INT(yzf_cert_sign_line(&f, K.city_sk, &line), YZF_OK);
	char *ls = malloc(line.len + 1);
	memcpy(ls, line.p, line.len);
	ls[line.len] = 0;
	size_t n;
	char *in = subst(ls, "\"v\":1", "\"v\":2", &n);
	CHECK_EQ_INT(yzf_cert_unline((uint8_t *)in, n, &sc, &e), YZF_ENONCANON);
	CHECK_HAS(e.why, "out of range");
	CHECK_EQ_INT(e.off, 13); /* {"cert":{"v": */
	free(in);
	in = subst(ls, "{\"cert\":", "{\"rec\":", &n);
	CHECK_EQ_INT(yzf_cert_unline((uint8_t *)in, n, &sc, &e), YZF_ENONCANON);
	CHECK_HAS(e.why, "bad head");
	free(in);
	in = subst(ls, ",\"sig\":\"", ",\"sig\": \"", &n);
	CHECK_EQ_INT(yzf_cert_unline((uint8_t *)in, n, &sc, &e), YZF_ENONCANON);
	free(in);
	in = subst(ls, NULL, "\n", &n);
	CHECK_EQ_INT(yzf_cert_unline((uint8_t *)in, n, &sc, &e), YZF_ENONCANON);
	free(in);
	free(ls);
	yzf_buf_free(&line);
}

/* Whatever encode accepts, parse must accept. Near the end of the time
 * range the local time written can pass 9999-12-31. */
static void test_time_edges(void)
{
	static const struct { int64_t nb, na; int32_t tz; } v[] = {
		{ 0, 1, 0 },
		{ 0, MS_END - 1, 0 },
		{ NB, MS_END - 1, 480 },
		{ NB, MS_END - 1, 1 },
		{ NB, MS_END - 1, -840 },
		{ 0, NA, -1 },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		struct yzf_cert c, p;
		struct yzf_buf b = { 0 };
		struct yzf_canon_err e = { 0, NULL };
		feed_cert(&c);
		c.not_before = v[i].nb;
		c.not_after = v[i].na;
		c.tz = v[i].tz;
		if (yzf_cert_encode(&c, &b) != YZF_OK) {
			check_pass++;
		} else if (yzf_cert_parse(b.p, b.len, &p, &e) != YZF_OK ||
			   cert_diff(&c, &p)) {
			check_fail++;
			fprintf(stderr, "%s:%d: not_before %lld not_after %lld tz "
				"%d: encoded, but parse gives %s: %.*s\n",
				__FILE__, __LINE__, (long long)v[i].nb,
				(long long)v[i].na, v[i].tz,
				e.why ? e.why : "other fields", (int)b.len,
				(const char *)b.p);
		} else {
			check_pass++;
		}
		yzf_buf_free(&b);
	}
}

/* --- Field checks --------------------------------------------------------- */

static void test_check(void)
{
	struct yzf_cert c;
	char msg[256];
	struct yzf_buf b = { 0 };

	root_cert(&c);
	CHECK_EQ_INT(yzf_cert_check(&c, msg, sizeof msg), YZF_OK);
	city_cert(&c);
	CHECK_EQ_INT(yzf_cert_check(&c, msg, sizeof msg), YZF_OK);
	feed_cert(&c);
	CHECK_EQ_INT(yzf_cert_check(&c, msg, sizeof msg), YZF_OK);
	strcpy(c.uscc, "91350100M000100Y43");
	CHECK_EQ_INT(yzf_cert_check(&c, msg, sizeof msg), YZF_OK);
	/* fields of other kinds are not looked at */
	root_cert(&c);
	strcpy(c.uscc, "x");
	strcpy(c.region, "x");
	CHECK_EQ_INT(yzf_cert_check(&c, msg, sizeof msg), YZF_OK);

#define BADC(make, stmt, field) do { \
	make(&c); \
	stmt; \
	msg[0] = 0; \
	int rc_ = yzf_cert_check(&c, msg, sizeof msg); \
	CHECK_EQ_INT(rc_, YZF_EINVAL); \
	CHECK_HAS(msg, field); \
	yzf_buf_reset(&b); \
	CHECK_EQ_INT(yzf_cert_encode(&c, &b), YZF_EINVAL); \
	CHECK_EQ_INT(b.len, 0); \
	CHECK(yzf_cert_sign_line(&c, K.root_sk, &b) != YZF_OK); \
	CHECK_EQ_INT(b.len, 0); \
} while (0)
	/* 统一社会信用代码 check character */
	BADC(feed_cert, strcpy(c.uscc, "11440106MB2C492808"), "uscc");
	BADC(feed_cert, strcpy(c.uscc, "11440106MB2C49280"), "uscc");
	BADC(feed_cert, strcpy(c.uscc, "11440106MB2C4928070"), "uscc");
	BADC(feed_cert, strcpy(c.uscc, "11440106mb2c492807"), "uscc");
	BADC(feed_cert, strcpy(c.uscc, "11440106IB2C492807"), "uscc"); /* I */
	BADC(feed_cert, strcpy(c.uscc, "11440106OB2C492807"), "uscc"); /* O */
	BADC(feed_cert, strcpy(c.uscc, ""), "uscc");
	/* officer number */
	BADC(feed_cert, strcpy(c.officer_no, "4403 0012345"), "officer_no");
	BADC(feed_cert, strcpy(c.officer_no, ""), "officer_no");
	BADC(feed_cert, strcpy(c.officer_no, "44030012345_"), "officer_no");
	BADC(feed_cert, strcpy(c.officer_no, "粤44030012345"), "officer_no");
	/* roles */
	BADC(feed_cert, c.roles = 0, "roles");
	BADC(feed_cert, c.roles = 8, "roles");
	BADC(feed_cert, c.roles = YZF_ROLE_OFFICER | 16, "roles");
	/* validity window */
	BADC(feed_cert, c.not_after = c.not_before, "not_after");
	BADC(feed_cert, c.not_after = c.not_before - 1, "not_after");
	BADC(root_cert, c.not_before = -1, "not_before");
	BADC(root_cert, c.not_after = MS_END, "not_after");
	BADC(city_cert, c.tz = 841, "not_before");
	BADC(city_cert, c.tz = -841, "not_before");
	/* names and the rest */
	BADC(root_cert, c.kind = 0, "kind");
	BADC(root_cert, c.kind = 4, "kind");
	BADC(root_cert, c.name[0] = 0, "name");
	BADC(feed_cert, c.name[0] = 0, "name");
	BADC(city_cert, strcpy(c.region, "44030"), "region");
	BADC(city_cert, strcpy(c.region, "44030a"), "region");
	BADC(city_cert, strcpy(c.region, ""), "region");
	BADC(feed_cert, c.agency[0] = 0, "agency");
	BADC(feed_cert, strcpy(c.terminal, "T 1"), "terminal");
	BADC(feed_cert, strcpy(c.terminal, ""), "terminal");
	BADC(feed_cert, strcpy(c.terminal, "T/1"), "terminal");
	/* "1 to 96 bytes of UTF-8": bytes that are not UTF-8 are refused with
	 * a message naming the field, not only by the encoder */
	BADC(root_cert, strcpy(c.name, "\xff"), "name");
	BADC(feed_cert, strcpy(c.agency, "\xe6\xb7"), "agency");
#undef BADC
	/* the longest names fit */
	root_cert(&c);
	memset(c.name, 'a', 96);
	c.name[96] = 0;
	CHECK_EQ_INT(yzf_cert_check(&c, msg, sizeof msg), YZF_OK);
	feed_cert(&c);
	memset(c.agency, 'b', 128);
	c.agency[128] = 0;
	memset(c.officer_no, '9', 32);
	c.officer_no[32] = 0;
	memset(c.terminal, 'T', 64);
	c.terminal[64] = 0;
	CHECK_EQ_INT(yzf_cert_check(&c, msg, sizeof msg), YZF_OK);
	struct yzf_cert p;
	yzf_buf_reset(&b);
	CHECK_EQ_INT(yzf_cert_encode(&c, &b), YZF_OK);
	CHECK_EQ_INT(yzf_cert_parse(b.p, b.len, &p, NULL), YZF_OK);
	CHECK(cert_diff(&c, &p) == NULL);
	/* msg may be NULL or tiny */
	c.roles = 0;
	CHECK_EQ_INT(yzf_cert_check(&c, NULL, 0), YZF_EINVAL);
	msg[0] = 'x';
	CHECK_EQ_INT(yzf_cert_check(&c, msg, 1), YZF_EINVAL);
	CHECK_EQ_INT(msg[0], 0);
	yzf_buf_free(&b);

	CHECK_STR(yzf_cert_kind_name(YZF_CERT_ROOT), "root");
	CHECK_STR(yzf_cert_kind_name(YZF_CERT_CITY), "city");
	CHECK_STR(yzf_cert_kind_name(YZF_CERT_FEED), "feed");
	CHECK_STR(yzf_cert_kind_name(0), "unknown");
	CHECK_STR(yzf_role_name(YZF_ROLE_OFFICER), "officer");
	CHECK_STR(yzf_role_name(YZF_ROLE_REVIEWER), "reviewer");
	CHECK_STR(yzf_role_name(YZF_ROLE_HEAD), "head");
	CHECK_STR(yzf_role_name(3), "unknown");
	CHECK_STR(yzf_role_name(0), "unknown");
}

/* --- Parsing failures ------------------------------------------------------ */

struct pvec {
	const char *base, *from, *to, *why; /* why NULL: accepted */
};

static const struct pvec pvecs[] = {
	/* roles: known, once each, in table order, at least one */
	{ FEED_BYTES, "[\"officer\",\"head\"]", "[\"head\",\"officer\"]",
	  "roles: unknown, repeated or out of order" },
	{ FEED_BYTES, "[\"officer\",\"head\"]", "[\"officer\",\"officer\"]",
	  "roles: unknown, repeated or out of order" },
	{ FEED_BYTES, "[\"officer\",\"head\"]", "[\"head\",\"head\"]",
	  "roles: unknown, repeated or out of order" },
	{ FEED_BYTES, "[\"officer\",\"head\"]",
	  "[\"officer\",\"reviewer\",\"head\",\"head\"]",
	  "roles: unknown, repeated or out of order" },
	{ FEED_BYTES, "[\"officer\",\"head\"]", "[\"reviewer\",\"officer\"]",
	  "roles: unknown, repeated or out of order" },
	{ FEED_BYTES, "[\"officer\",\"head\"]", "[\"admin\"]",
	  "roles: unknown, repeated or out of order" },
	{ FEED_BYTES, "[\"officer\",\"head\"]", "[\"Officer\"]",
	  "roles: unknown, repeated or out of order" },
	{ FEED_BYTES, "[\"officer\",\"head\"]", "[]", "expected a string" },
	{ FEED_BYTES, "[\"officer\",\"head\"]", "[\"officer\",]",
	  "expected a string" },
	{ FEED_BYTES, "[\"officer\",\"head\"]", "[\"officer\" ,\"head\"]",
	  "expected ']'" },
	{ FEED_BYTES, "[\"officer\",\"head\"]", "\"officer\"", "expected '['" },
	{ FEED_BYTES, "[\"officer\",\"head\"]", "[1]", "expected a string" },
	{ FEED_BYTES, "[\"officer\",\"head\"]", "[\"officer\",\"reviewer\"]",
	  NULL },
	/* fields checked after parsing, as yzf_cert_check */
	{ FEED_BYTES, "11440106MB2C492807", "11440106MB2C492808",
	  "out of range" },
	{ FEED_BYTES, "44030012345", "4403 0012345", "out of range" },
	{ FEED_BYTES, "\"T-1\"", "\"\"", "out of range" },
	{ FEED_BYTES, "2028-12-31T23:59:59.999+08:00",
	  "2026-01-01T00:00:00.000+08:00", "out of range" },
	{ FEED_BYTES, "2028-12-31T23:59:59.999+08:00",
	  "2028-12-31T15:59:59.999+00:00", "out of range" }, /* two zones */
	{ CITY_BYTES, "\"440300\"", "\"44030X\"", "out of range" },
	{ CITY_BYTES, "\"440300\"", "\"4403000\"", "too long" },
	{ ROOT_BYTES, "\"广东省司法厅\"", "\"\"", "out of range" },
	/* shape and spelling */
	{ FEED_BYTES, "\"v\":1", "\"v\":2", "out of range" },
	{ FEED_BYTES, "\"kind\":\"feed\"", "\"kind\":\"Feed\"", "kind" },
	{ FEED_BYTES, "\"kind\":\"feed\"", "\"kind\":\"city\"", "unexpected key" },
	{ FEED_BYTES, "\"kind\":\"feed\"", "\"kind\":\"feeds_and_more\"",
	  "too long" },
	{ CITY_BYTES, "\"kind\":\"city\"", "\"kind\":\"root\"", "expected '}'" },
	{ ROOT_BYTES, "\"kind\":\"root\"", "\"kind\":\"city\"", "expected ','" },
	{ FEED_BYTES, "0a0b0c0d0e0f\"", "0A0b0c0d0e0f\"", "serial" },
	{ FEED_BYTES, "3e3f\",\"key\"", "3e3F\",\"key\"", "issuer" },
	{ FEED_BYTES, "5e5f\"", "5e5f00\"", "key: not 64" },
	{ CITY_BYTES, "7e7f\"", "7e7\"", "seal" },
	{ FEED_BYTES, "\"name\":\"张三\"", "\"name\": \"张三\"",
	  "expected a string" },
	{ FEED_BYTES, "\"no\":\"44030012345\"},",
	  "\"no\":\"44030012345\",\"rank\":1},", "expected '}'" },
	{ FEED_BYTES, "\"not_before\":\"2026-01-01T00:00:00.000+08:00\"",
	  "\"not_before\":\"2026-01-01T00:00:00.000Z\"", "not a yzf time" },
	{ FEED_BYTES, "\"terminal\":\"T-1\",", "", "unexpected key" },
	{ FEED_BYTES, NULL, "\n", "trailing bytes" },
	{ FEED_BYTES, "\"张三\"", "\"\\u0000\"", "U+0000" },
	{ FEED_BYTES, "\"张三\"", "\"\xe5\xbc\"", "UTF-8" },
};

static void test_parse_vectors(void)
{
	for (size_t i = 0; i < sizeof pvecs / sizeof pvecs[0]; i++) {
		const struct pvec *v = &pvecs[i];
		size_t len;
		char *s = subst(v->base, v->from, v->to, &len);
		if (!s) {
			check_fail++;
			fprintf(stderr, "%s:%d: vector %zu: %s not in base\n",
				__FILE__, __LINE__, i, v->from);
			continue;
		}
		uint8_t *in = dup_exact(s, len);
		struct yzf_cert c;
		struct yzf_canon_err e = { 0, NULL };
		int rc = yzf_cert_parse(in, len, &c, &e);
		bool ok = v->why ? rc == YZF_ENONCANON && e.why &&
					   strstr(e.why, v->why) && e.off <= len
				 : rc == YZF_OK;
		if (ok) {
			check_pass++;
		} else {
			check_fail++;
			fprintf(stderr, "%s:%d: vector %zu (%s -> %s): rc %d why "
				"\"%s\"; expected \"%s\"\n", __FILE__, __LINE__, i,
				v->from ? v->from : "end", v->to, rc,
				e.why ? e.why : "(none)", v->why ? v->why : "OK");
		}
		free(in);
		free(s);
	}
	/* every proper prefix of each literal fails */
	const char *bases[] = { FEED_BYTES, CITY_BYTES, ROOT_BYTES };
	for (int k = 0; k < 3; k++) {
		int bad = 0;
		size_t full = strlen(bases[k]);
		for (size_t n = 0; n < full; n++) {
			uint8_t *in = dup_exact(bases[k], n);
			struct yzf_cert c;
			struct yzf_canon_err e = { 0, NULL };
			if (yzf_cert_parse(in, n, &c, &e) == YZF_OK || !e.why ||
			    e.off > n)
				bad++;
			free(in);
		}
		CHECK_EQ_INT(bad, 0);
	}
	struct yzf_cert c;
	CHECK(yzf_cert_parse(NULL, 0, &c, NULL) != YZF_OK);
}

/* --- Chains ---------------------------------------------------------------- */

struct chain {
	struct yzf_buf line[3];
	struct yzf_signed_cert sc[3];
};

static int make_chain(struct chain *ch, const struct yzf_cert *c,
		      const uint8_t *const sk[3])
{
	int rc = 0;
	for (int i = 0; i < 3; i++) {
		memset(&ch->line[i], 0, sizeof ch->line[i]);
		rc |= yzf_cert_sign_line(&c[i], sk[i], &ch->line[i]);
		rc |= yzf_cert_unline(ch->line[i].p, ch->line[i].len, &ch->sc[i],
				      NULL);
	}
	return rc;
}

static void free_chain(struct chain *ch)
{
	for (int i = 0; i < 3; i++)
		yzf_buf_free(&ch->line[i]);
}

static void expect_chain(const struct yzf_cert *c, const uint8_t *const sk[3],
			 int order[3], bool with_feed, const char *want,
			 int line)
{
	struct chain ch;
	char msg[256] = "";
	if (make_chain(&ch, c, sk) != YZF_OK) {
		check_fail++;
		fprintf(stderr, "%s:%d: could not make the chain\n", __FILE__, line);
		free_chain(&ch);
		return;
	}
	int rc = yzf_cert_chain_ok(&ch.sc[order[0]], &ch.sc[order[1]],
				   with_feed ? &ch.sc[order[2]] : NULL, msg,
				   sizeof msg);
	if (want ? rc == YZF_ECERT && strstr(msg, want) : rc == YZF_OK) {
		check_pass++;
	} else {
		check_fail++;
		fprintf(stderr, "%s:%d: chain_ok rc %d \"%s\", expected \"%s\"\n",
			__FILE__, line, rc, msg, want ? want : "OK");
	}
	free_chain(&ch);
}

static void test_chains(void)
{
	struct yzf_cert c[3];
	const uint8_t *good[3] = { K.root_sk, K.root_sk, K.city_sk };
	int straight[3] = { 0, 1, 2 };
	root_cert(&c[0]);
	city_cert(&c[1]);
	feed_cert(&c[2]);

	expect_chain(c, good, straight, true, NULL, __LINE__);
	expect_chain(c, good, straight, false, NULL, __LINE__);

	/* city signed by a different root: naming it, or naming ours */
	{
		const uint8_t *sk[3] = { K.root_sk, K.other_sk, K.city_sk };
		expect_chain(c, sk, straight, true,
			     "city certificate: not signed by the root", __LINE__);
		struct yzf_cert c2[3];
		memcpy(c2, c, sizeof c2);
		memcpy(c2[1].issuer, K.other_pk, 32);
		expect_chain(c2, sk, straight, false,
			     "city certificate: not signed by the root", __LINE__);
	}
	/* root not self-signed */
	{
		const uint8_t *sk[3] = { K.other_sk, K.root_sk, K.city_sk };
		expect_chain(c, sk, straight, true,
			     "root certificate: not self-signed", __LINE__);
		struct yzf_cert c2[3];
		memcpy(c2, c, sizeof c2);
		memcpy(c2[0].issuer, K.other_pk, 32);
		expect_chain(c2, sk, straight, true,
			     "root certificate: not self-signed", __LINE__);
	}
	/* feed signed by the root instead of the city */
	{
		const uint8_t *sk[3] = { K.root_sk, K.root_sk, K.root_sk };
		expect_chain(c, sk, straight, true,
			     "feed certificate: not signed by the city", __LINE__);
		struct yzf_cert c2[3];
		memcpy(c2, c, sizeof c2);
		memcpy(c2[2].issuer, K.root_pk, 32);
		expect_chain(c2, sk, straight, true,
			     "feed certificate: not signed by the city", __LINE__);
		/* and it is no good without a feed either way */
		expect_chain(c2, sk, straight, false, NULL, __LINE__);
	}
	/* a feed certificate issued by the feed itself */
	{
		const uint8_t *sk[3] = { K.root_sk, K.root_sk, K.feed_sk };
		struct yzf_cert c2[3];
		memcpy(c2, c, sizeof c2);
		memcpy(c2[2].issuer, K.feed_pk, 32);
		expect_chain(c2, sk, straight, true,
			     "feed certificate: not signed by the city", __LINE__);
	}
	/* kinds swapped */
	{
		int o[3] = { 1, 0, 2 };
		expect_chain(c, good, o, true, "root certificate: kind is not root",
			     __LINE__);
		int o2[3] = { 0, 2, 1 };
		expect_chain(c, good, o2, true,
			     "city certificate: kind is not city", __LINE__);
		int o3[3] = { 0, 0, 2 };
		expect_chain(c, good, o3, true,
			     "city certificate: kind is not city", __LINE__);
		int o4[3] = { 0, 1, 1 };
		expect_chain(c, good, o4, true,
			     "feed certificate: kind is not feed", __LINE__);
		int o5[3] = { 0, 1, 0 };
		expect_chain(c, good, o5, true,
			     "feed certificate: kind is not feed", __LINE__);
	}
	/* a city certificate made with the right keys but of kind feed (the
	 * root signing a feed-shaped certificate for the city key) */
	{
		struct yzf_cert c2[3];
		memcpy(c2, c, sizeof c2);
		feed_cert(&c2[1]);
		memcpy(c2[1].issuer, K.root_pk, 32);
		memcpy(c2[1].key, K.city_pk, 32);
		expect_chain(c2, good, straight, true,
			     "city certificate: kind is not city", __LINE__);
	}
	/* a root certificate of kind city that signs itself */
	{
		struct yzf_cert c2[3];
		memcpy(c2, c, sizeof c2);
		city_cert(&c2[0]);
		memcpy(c2[0].key, K.root_pk, 32);
		expect_chain(c2, good, straight, true,
			     "root certificate: kind is not root", __LINE__);
	}

	/* one flipped bit anywhere in any of the three lines: either the line
	 * no longer parses, or the chain no longer holds */
	struct chain ch;
	CHECK_EQ_INT(make_chain(&ch, c, good), YZF_OK);
	int accepted = 0, tried = 0;
	for (int k = 0; k < 3; k++) {
		for (size_t i = 0; i < ch.line[k].len; i++) {
			for (int bit = 0; bit < 8; bit += 5) {
				struct yzf_signed_cert sc[3];
				uint8_t *flipped = dup_exact(ch.line[k].p,
							     ch.line[k].len);
				flipped[i] ^= (uint8_t)(1u << bit);
				bool ok = true;
				for (int j = 0; j < 3 && ok; j++)
					ok = yzf_cert_unline(j == k ? flipped
								    : ch.line[j].p,
							     ch.line[j].len, &sc[j],
							     NULL) == YZF_OK;
				if (ok && yzf_cert_chain_ok(&sc[0], &sc[1], &sc[2],
							    NULL, 0) == YZF_OK) {
					if (accepted++ < 5)
						fprintf(stderr, "%s:%d: cert %d byte "
							"%zu bit %d flipped, still "
							"accepted\n", __FILE__,
							__LINE__, k, i, bit);
				}
				tried++;
				free(flipped);
			}
		}
	}
	CHECK(tried > 1000);
	CHECK_EQ_INT(accepted, 0);
	free_chain(&ch);
}

static void test_covers(void)
{
	struct yzf_cert c;
	feed_cert(&c);
	CHECK(yzf_cert_covers(&c, NB));
	CHECK(yzf_cert_covers(&c, NA));
	CHECK(yzf_cert_covers(&c, NB + 1));
	CHECK(yzf_cert_covers(&c, NA - 1));
	CHECK(yzf_cert_covers(&c, 1795770894123LL));
	CHECK(!yzf_cert_covers(&c, NB - 1));
	CHECK(!yzf_cert_covers(&c, NA + 1));
	CHECK(!yzf_cert_covers(&c, 0));
	CHECK(!yzf_cert_covers(&c, -1));
	CHECK(!yzf_cert_covers(&c, INT64_MIN));
	CHECK(!yzf_cert_covers(&c, INT64_MAX));
	c.not_before = 0;
	c.not_after = 1;
	CHECK(yzf_cert_covers(&c, 0));
	CHECK(yzf_cert_covers(&c, 1));
	CHECK(!yzf_cert_covers(&c, 2));
	CHECK(!yzf_cert_covers(&c, -1));
}

/* --- Revocations ----------------------------------------------------------- */

static void test_revocations(void)
{
	struct yzf_revocation r, p;
	struct yzf_buf line = { 0 };
	struct yzf_canon_err e = { 0, NULL };
	memset(&r, 0, sizeof r);
	for (int i = 0; i < 16; i++)
		r.serial[i] = (uint8_t)(0xf0 + i);
	r.at_ms = 1795770894123LL;
	r.tz = 480;
	strcpy(r.reason, "执法证注销 \"lost\"\n");

	CHECK_EQ_INT(yzf_revocation_sign_line(&r, K.city_sk, &line), YZF_OK);
	static const char head[] =
		"{\"rev\":{\"v\":1,\"serial\":\"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff\","
		"\"at\":\"2026-11-27T17:14:54.123+08:00\","
		"\"reason\":\"执法证注销 \\\"lost\\\"\\n\"},\"sig\":\"";
	CHECK(line.len == sizeof head - 1 + 128 + 2 &&
	      memcmp(line.p, head, sizeof head - 1) == 0);
	CHECK_EQ_INT(yzf_canon_check(line.p, line.len, NULL), YZF_OK);
	uint8_t *in = dup_exact(line.p, line.len);
	CHECK_EQ_INT(yzf_revocation_parse(in, line.len, K.city_pk, &p, &e),
		     YZF_OK);
	CHECK(memcmp(p.serial, r.serial, 16) == 0);
	CHECK_EQ_INT(p.at_ms, r.at_ms);
	CHECK_EQ_INT(p.tz, r.tz);
	CHECK_STR(p.reason, r.reason);
	/* the signature covers "yzf-rev-v1\0" || the rev bytes */
	{
		const uint8_t *b = in + 7;
		size_t n = line.len - 7 - 8 - 128 - 2;
		uint8_t sig[64];
		CHECK(yzf_unhex((const char *)in + line.len - 130, 128, sig, 64));
		uint8_t *msg = malloc(11 + n);
		memcpy(msg, "yzf-rev-v1", 11);
		memcpy(msg + 11, b, n);
		CHECK(crypto_sign_verify_detached(sig, msg, 11 + n, K.city_pk) ==
		      0);
		free(msg);
	}
	/* wrong key */
	e.why = NULL;
	CHECK_EQ_INT(yzf_revocation_parse(in, line.len, K.root_pk, &p, &e),
		     YZF_EBADSIG);
	CHECK_HAS(e.why, "city key");
	CHECK_EQ_INT(yzf_revocation_parse(in, line.len, K.other_pk, &p, NULL),
		     YZF_EBADSIG);
	/* signed by another key */
	struct yzf_buf l2 = { 0 };
	CHECK_EQ_INT(yzf_revocation_sign_line(&r, K.root_sk, &l2), YZF_OK);
	CHECK_EQ_INT(yzf_revocation_parse(l2.p, l2.len, K.city_pk, &p, NULL),
		     YZF_EBADSIG);
	yzf_buf_free(&l2);
	/* any flipped byte fails; every prefix fails */
	int bad = 0;
	for (size_t i = 0; i < line.len; i++) {
		in[i] ^= 1;
		bad += yzf_revocation_parse(in, line.len, K.city_pk, &p, NULL) ==
		       YZF_OK;
		in[i] ^= 1;
	}
	for (size_t n = 0; n < line.len; n++) {
		uint8_t *cut = dup_exact(line.p, n);
		e.why = NULL;
		bad += yzf_revocation_parse(cut, n, K.city_pk, &p, &e) == YZF_OK ||
		       !e.why;
		free(cut);
	}
	CHECK_EQ_INT(bad, 0);
	free(in);

	/* sign_line refuses what it cannot write */
	struct yzf_revocation q = r;
	q.reason[0] = 0;
	yzf_buf_reset(&line);
	CHECK_EQ_INT(yzf_revocation_sign_line(&q, K.city_sk, &line), YZF_EINVAL);
	CHECK_EQ_INT(line.len, 0);
	q = r;
	q.at_ms = -1;
	CHECK_EQ_INT(yzf_revocation_sign_line(&q, K.city_sk, &line), YZF_EINVAL);
	q = r;
	q.tz = 841;
	CHECK_EQ_INT(yzf_revocation_sign_line(&q, K.city_sk, &line), YZF_EINVAL);
	q = r;
	strcpy(q.reason, "\xff");
	CHECK(yzf_revocation_sign_line(&q, K.city_sk, &line) != YZF_OK);
	CHECK_EQ_INT(line.len, 0);
	/* the longest reason round-trips */
	q = r;
	memset(q.reason, 'r', 200);
	q.reason[200] = 0;
	CHECK_EQ_INT(yzf_revocation_sign_line(&q, K.city_sk, &line), YZF_OK);
	CHECK_EQ_INT(yzf_revocation_parse(line.p, line.len, K.city_pk, &p, NULL),
		     YZF_OK);
	CHECK_STR(p.reason, q.reason);

	/* whatever sign_line writes, parse reads back as the same moment */
	static const struct { int64_t ms; int32_t tz; } tv[] = {
		{ 0, 0 }, { MS_END - 1, 0 }, { MS_END - 1, 480 }, { MS_END, 0 },
		{ INT64_MAX / 2, 0 },
	};
	for (size_t i = 0; i < sizeof tv / sizeof tv[0]; i++) {
		q = r;
		q.at_ms = tv[i].ms;
		q.tz = tv[i].tz;
		yzf_buf_reset(&line);
		int rc = yzf_revocation_sign_line(&q, K.city_sk, &line);
		if (rc != YZF_OK) {
			check_pass++;
			continue;
		}
		rc = yzf_revocation_parse(line.p, line.len, K.city_pk, &p, &e);
		if (rc == YZF_OK && p.at_ms == q.at_ms && p.tz == q.tz) {
			check_pass++;
		} else {
			check_fail++;
			fprintf(stderr, "%s:%d: revocation at %lld tz %d signed as "
				"%.*s, read back rc %d at %lld\n", __FILE__,
				__LINE__, (long long)q.at_ms, q.tz, 80,
				(const char *)line.p + 50, rc, (long long)p.at_ms);
		}
	}
	/* and parse reads only what sign_line could have written: a signed
	 * line with a time before 1970 is refused */
	{
		const char body[] = "{\"v\":1,\"serial\":"
			"\"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff\","
			"\"at\":\"1969-12-31T23:59:59.999+00:00\","
			"\"reason\":\"x\"}";
		uint8_t sig[64];
		char hex[129];
		CHECK_EQ_INT(yzf_sign_domain("yzf-rev-v1", (const uint8_t *)body,
					     sizeof body - 1, K.city_sk, sig),
			     YZF_OK);
		yzf_hex(sig, 64, hex);
		struct yzf_buf l = { 0 };
		yzf_buf_puts(&l, "{\"rev\":");
		yzf_buf_puts(&l, body);
		yzf_buf_puts(&l, ",\"sig\":\"");
		yzf_buf_puts(&l, hex);
		yzf_buf_puts(&l, "\"}");
		{
			int rc = yzf_revocation_parse(l.p, l.len, K.city_pk, &p, &e);
			if (rc != YZF_OK) {
				check_pass++;
			} else {
				check_fail++;
				fprintf(stderr, "%s:%d: revocation at 1969 "
					"accepted (at_ms %lld)\n", __FILE__,
					__LINE__, (long long)p.at_ms);
			}
		}
		yzf_buf_free(&l);
	}
	yzf_buf_free(&line);
}

/* --- Enrollment requests (yzf/keys.h) ------------------------------------- */

/* {"req":{"v":1,"kind":"feed-request","feed":HEX,"terminal":T,"at":TIME},
 *  "sig":HEX} signed over "yzf-req-v1\0" || the req bytes, made by hand
 * here with libsodium directly rather than through the library. */
static void make_request(struct yzf_buf *out, const char *body_fmt_feed,
			 const char *terminal, const char *at,
			 const uint8_t sk[64], bool domain)
{
	char body[512];
	snprintf(body, sizeof body,
		 "{\"v\":1,\"kind\":\"feed-request\",\"feed\":\"%s\","
		 "\"terminal\":\"%s\",\"at\":\"%s\"}",
		 body_fmt_feed, terminal, at);
	size_t bl = strlen(body);
	uint8_t msg[600], sig[64];
	size_t ml = 0;
	if (domain) {
		memcpy(msg, "yzf-req-v1", 11);
		ml = 11;
	}
	memcpy(msg + ml, body, bl);
	crypto_sign_detached(sig, NULL, msg, ml + bl, sk);
	char hex[129];
	yzf_hex(sig, 64, hex);
	yzf_buf_puts(out, "{\"req\":");
	yzf_buf_puts(out, body);
	yzf_buf_puts(out, ",\"sig\":\"");
	yzf_buf_puts(out, hex);
	yzf_buf_puts(out, "\"}");
}

static int req(const struct yzf_buf *l, uint8_t feed[32], char term[65],
	       struct yzf_canon_err *e)
{
	uint8_t *in = dup_exact(l->p, l->len);
	int rc = yzf_request_parse(in, l->len, feed, term, e);
	free(in);
	return rc;
}

static void test_requests(void)
{
	char fhex[65];
	yzf_hex(K.feed_pk, 32, fhex);
	const char *at = "2026-11-27T17:14:54.123+08:00";
	struct yzf_buf l = { 0 };
	uint8_t feed[32];
	char term[65];
	struct yzf_canon_err e = { 0, NULL };

	make_request(&l, fhex, "T-1", at, K.feed_sk, true);
	memset(feed, 0, 32);
	CHECK_EQ_INT(req(&l, feed, term, &e), YZF_OK);
	CHECK(memcmp(feed, K.feed_pk, 32) == 0);
	CHECK_STR(term, "T-1");

	/* the proof of possession must be by the key it names */
	yzf_buf_reset(&l);
	make_request(&l, fhex, "T-1", at, K.other_sk, true);
	e.why = NULL;
	CHECK_EQ_INT(req(&l, feed, term, &e), YZF_EBADSIG);
	CHECK_HAS(e.why, "proof of possession");
	/* ... over the domain-separated bytes */
	yzf_buf_reset(&l);
	make_request(&l, fhex, "T-1", at, K.feed_sk, false);
	CHECK_EQ_INT(req(&l, feed, term, NULL), YZF_EBADSIG);
	/* naming another key than the one that signed */
	char ohex[65];
	yzf_hex(K.other_pk, 32, ohex);
	yzf_buf_reset(&l);
	make_request(&l, ohex, "T-1", at, K.feed_sk, true);
	CHECK_EQ_INT(req(&l, feed, term, NULL), YZF_EBADSIG);

	/* malformed requests, validly signed */
	static const struct { const char *feed, *term, *at, *why; } bad[] = {
		{ NULL, "T-1", "2026-11-27T09:14:54.123Z", "at: not a yzf time" },
		{ NULL, "T-1", "2026-13-27T17:14:54.123+08:00", "at" },
		{ "UPPER", "T-1", NULL, "feed: not 64 hex digits" },
		{ "00", "T-1", NULL, "feed: not 64 hex digits" },
		{ NULL, "01234567890123456789012345678901234567890123456789"
			"0123456789012345", NULL, "too long" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char fh[65];
		if (!bad[i].feed) {
			strcpy(fh, fhex);
		} else if (strcmp(bad[i].feed, "UPPER") == 0) {
			strcpy(fh, fhex);
			for (int j = 0; j < 64; j++)
				if (fh[j] >= 'a') {
					fh[j] = (char)(fh[j] - 32);
					break;
				}
		} else {
			strcpy(fh, bad[i].feed);
		}
		yzf_buf_reset(&l);
		make_request(&l, fh, bad[i].term, bad[i].at ? bad[i].at : at,
			     K.feed_sk, true);
		e.why = NULL;
		int rc = req(&l, feed, term, &e);
		if (rc == YZF_ENONCANON && e.why && strstr(e.why, bad[i].why)) {
			check_pass++;
		} else {
			check_fail++;
			fprintf(stderr, "%s:%d: request %zu: rc %d why %s, expected "
				"%s\n", __FILE__, __LINE__, i, rc,
				e.why ? e.why : "(none)", bad[i].why);
		}
	}

	/* structural damage: by substitution in a good line */
	yzf_buf_reset(&l);
	make_request(&l, fhex, "T-1", at, K.feed_sk, true);
	char *ls = malloc(l.len + 1);
	memcpy(ls, l.p, l.len);
	ls[l.len] = 0;
	static const char *const sub[][3] = {
		{ "\"kind\":\"feed-request\"", "\"kind\":\"feed-req\"",
		  "kind: must be feed-request" },
		{ "\"kind\":\"feed-request\"", "\"kind\":\"feed-requests\"",
		  "kind: must be feed-request" },
		{ "\"v\":1", "\"v\":2", "out of range" },
		{ "{\"req\":", "{\"rec\":", "bad head" },
		{ "\"terminal\"", "\"term\"", "unexpected key" },
		{ ",\"at\":", ",\"at\": ", "white space" },
		{ "\"T-1\"", "\"T-1\",\"x\":1", "expected" },
	};
	for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
		size_t n;
		char *s = subst(ls, sub[i][0], sub[i][1], &n);
		struct yzf_buf b = { 0 };
		yzf_buf_put(&b, s, n);
		e.why = NULL;
		int rc = req(&b, feed, term, &e);
		if (rc == YZF_ENONCANON && e.why && strstr(e.why, sub[i][2])) {
			check_pass++;
		} else {
			check_fail++;
			fprintf(stderr, "%s:%d: request with %s: rc %d why %s\n",
				__FILE__, __LINE__, sub[i][1], rc,
				e.why ? e.why : "(none)");
		}
		yzf_buf_free(&b);
		free(s);
	}
	/* every prefix fails; every flipped byte fails */
	int nbad = 0;
	for (size_t n = 0; n < l.len; n++) {
		uint8_t *cut = dup_exact(l.p, n);
		e.why = NULL;
		nbad += yzf_request_parse(cut, n, feed, term, &e) == YZF_OK ||
			!e.why;
		free(cut);
	}
	uint8_t *in = dup_exact(l.p, l.len);
	for (size_t i = 0; i < l.len; i++) {
		in[i] ^= 0x02;
		nbad += yzf_request_parse(in, l.len, feed, term, NULL) == YZF_OK;
		in[i] ^= 0x02;
	}
	CHECK_EQ_INT(nbad, 0);
	free(in);
	free(ls);

	yzf_buf_free(&l);
}

int main(void)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "sodium_init failed\n");
		return 1;
	}
	crypto_sign_keypair(K.root_pk, K.root_sk);
	crypto_sign_keypair(K.city_pk, K.city_sk);
	crypto_sign_keypair(K.feed_pk, K.feed_sk);
	crypto_sign_keypair(K.other_pk, K.other_sk);
	crypto_box_keypair(K.seal_pk, K.seal_sk);

	test_fixed_bytes();
	test_lines();
	test_time_edges();
	test_check();
	test_parse_vectors();
	test_chains();
	test_covers();
	test_revocations();
	test_requests();

	sodium_memzero(&K, sizeof K);
	return check_done();
}

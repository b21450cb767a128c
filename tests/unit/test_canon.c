/* test_canon.c — canonical JSON checker, cursor and writer.
 *
 * The vector table is the executable form of schemas/canonical-json.md:
 * every rule has bytes that pass and bytes that fail, each failure with the
 * reason and offset the checker must report.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "yzf/canon.h"
#include "check.h"

#define NOFF ((size_t)-1)

struct vec {
	const char *in;
	size_t len;
	const char *why; /* NULL: must be accepted; else a substring of why */
	size_t off;      /* where the checker must point, NOFF: don't care */
};

/* The length comes from the literal, so vectors may hold NUL bytes */
#define GOOD(s) { s, sizeof(s) - 1, NULL, 0 }
#define BAD(s, why, off) { s, sizeof(s) - 1, why, off }

static const struct vec vecs[] = {
	/* literals and integers */
	GOOD("0"), GOOD("1"), GOOD("-1"), GOOD("10"), GOOD("true"),
	GOOD("false"), GOOD("null"),
	GOOD("9007199254740991"), GOOD("-9007199254740991"),
	GOOD("1234567890123456"),
	BAD("01", "leading zero", 0),
	BAD("-01", "-0", 0),
	BAD("-0", "-0 is not canonical", 0),
	BAD("1.0", "integers", 1),
	BAD("1.5", "integers", 1),
	BAD("1e3", "integers", 1),
	BAD("1E3", "integers", 1),
	BAD("0.5", "integers", 1),
	BAD("+1", "expected a value", 0),
	BAD("-", "expected a value", 0),
	BAD("--1", "expected a value", 0),
	BAD(".5", "expected a value", 0),
	BAD("0x10", "trailing bytes", 1),
	BAD("9007199254740992", "out of range", 0),
	BAD("-9007199254740992", "out of range", 0),
	BAD("12345678901234567890", "out of range", 0),
	BAD("tru", "bad literal", 0),
	BAD("True", "expected a value", 0),
	BAD("nul", "bad literal", 0),
	BAD("nulll", "trailing bytes", 4),
	BAD("falsey", "trailing bytes", 5),
	/* white space and framing */
	BAD("", "unexpected end", 0),
	BAD(" 1", "white space", 0),
	BAD("1 ", "trailing bytes", 1),
	BAD("1\n", "trailing bytes", 1),
	BAD("[1, 2]", "white space", 3),
	BAD("[1 ,2]", "expected ',' or ']'", 2),
	BAD("[ 1]", "white space", 1),
	BAD("{\"a\": 1}", "white space", 5),
	BAD("{\"a\" :1}", "expected ':'", 4),
	BAD("\xef\xbb\xbf{}", "expected a value", 0),
	BAD("1 2", "trailing bytes", 1),
	BAD("[1][2]", "trailing bytes", 3),
	BAD("{}{}", "trailing bytes", 2),
	/* strings and escapes */
	GOOD("\"\""), GOOD("\"a\""), GOOD("\"\\\"\""), GOOD("\"\\\\\""),
	GOOD("\"\\b\\t\\n\\f\\r\""), GOOD("\"\\u0000\""), GOOD("\"\\u0001\""),
	GOOD("\"\\u000b\""), GOOD("\"\\u000e\""), GOOD("\"\\u001f\""),
	GOOD("\"/\""), GOOD("\"\x7f\""), GOOD("\"'\""),
	BAD("\"\\/\"", "non-canonical escape", 1),
	BAD("\"\\u0041\"", "non-canonical escape", 1),
	BAD("\"\\u000a\"", "non-canonical escape", 1),
	BAD("\"\\u0008\"", "non-canonical escape", 1),
	BAD("\"\\u0009\"", "non-canonical escape", 1),
	BAD("\"\\u000c\"", "non-canonical escape", 1),
	BAD("\"\\u000d\"", "non-canonical escape", 1),
	BAD("\"\\u001F\"", "non-canonical escape", 1),
	BAD("\"\\u00e9\"", "non-canonical escape", 1),
	BAD("\"\\u0020\"", "non-canonical escape", 1),
	BAD("\"\\ud800\"", "non-canonical escape", 1),
	BAD("\"\\U0001\"", "non-canonical escape", 1),
	BAD("\"\\x41\"", "non-canonical escape", 1),
	BAD("\"\\'\"", "non-canonical escape", 1),
	BAD("\"\\u001\"", "non-canonical escape", 1),
	BAD("\"\\u00", "unterminated", 1),
	BAD("\"\\", "unterminated", 1),
	BAD("\"abc", "unterminated", 4),
	BAD("\"", "unterminated", 1),
	BAD("\"a\x01\"", "control", 2),
	BAD("\"\t\"", "control", 1),
	BAD("\"\n\"", "control", 1),
	BAD("\"\x1f\"", "control", 1),
	BAD("\"\0\"", "control", 1),
	BAD("'a'", "expected a value", 0),
	/* UTF-8, one vector per class of malformation */
	GOOD("\"\xc3\xa9\""),                /* U+00E9 */
	GOOD("\"\xc2\x80\""),                /* U+0080, lowest 2-byte */
	GOOD("\"\xdf\xbf\""),                /* U+07FF */
	GOOD("\"\xe0\xa0\x80\""),            /* U+0800, lowest 3-byte */
	GOOD("\"\xe2\x82\xac\""),            /* U+20AC */
	GOOD("\"\xed\x9f\xbf\""),            /* U+D7FF, below surrogates */
	GOOD("\"\xee\x80\x80\""),            /* U+E000, above surrogates */
	GOOD("\"\xef\xbf\xbf\""),            /* U+FFFF */
	GOOD("\"\xf0\x90\x80\x80\""),        /* U+10000, lowest 4-byte */
	GOOD("\"\xf0\x9d\x84\x9e\""),        /* U+1D11E */
	GOOD("\"\xf4\x8f\xbf\xbf\""),        /* U+10FFFF */
	GOOD("\"\xe7\x8e\xb0\xe5\x9c\xba\""), /* 现场 */
	BAD("\"\x80\"", "continuation", 1),
	BAD("\"\xbf\"", "continuation", 1),
	BAD("\"\xc0\x80\"", "overlong", 1),
	BAD("\"\xc1\xbf\"", "overlong", 1),
	BAD("\"\xe0\x80\x80\"", "overlong", 1),
	BAD("\"\xe0\x9f\xbf\"", "overlong", 1),
	BAD("\"\xf0\x80\x80\x80\"", "overlong", 1),
	BAD("\"\xf0\x8f\xbf\xbf\"", "overlong", 1),
	BAD("\"\xed\xa0\x80\"", "surrogate", 1),
	BAD("\"\xed\xbf\xbf\"", "surrogate", 1),
	BAD("\"\xed\xa0\xbd\xed\xb8\x80\"", "surrogate", 1),
	BAD("\"\xf4\x90\x80\x80\"", "beyond U+10FFFF", 1),
	BAD("\"\xf5\x80\x80\x80\"", "beyond U+10FFFF", 1),
	BAD("\"\xfe\"", "beyond U+10FFFF", 1),
	BAD("\"\xff\"", "beyond U+10FFFF", 1),
	BAD("\"\xc3\"", "truncated", 1),
	BAD("\"\xc3", "truncated", 1),
	BAD("\"\xe2\x82\"", "truncated", 1),
	BAD("\"\xe2\x82", "truncated", 1),
	BAD("\"\xf0\x9d\x84\"", "truncated", 1),
	BAD("\"\xe2\x28\xa1\"", "truncated", 1),
	BAD("\"a\xc3\xa9\xc3\"", "truncated", 4),
	/* containers */
	GOOD("[]"), GOOD("{}"), GOOD("[1,2,3]"), GOOD("[[],{}]"),
	GOOD("{\"a\":1,\"b\":[true,null]}"),
	GOOD("{\"b\":1,\"a\":2}"),            /* key order is the schema's */
	GOOD("{\"a\":{\"a\":1}}"),            /* same key, different objects */
	GOOD("[{\"a\":1},{\"a\":2}]"),
	GOOD("{\"ab\":1,\"a\":2,\"abc\":3}"),
	GOOD("{\"a\\\"\":1,\"a\":2}"),
	GOOD("{\"\\n\":1,\"\\u0001\":2,\"\":3}"),
	GOOD("{\"a\":{\"b\":1},\"b\":{\"a\":1}}"),
	GOOD("{\"a\":\"a\",\"b\":\"a\"}"),
	BAD("[", "unexpected end", 1),
	BAD("[1", "unexpected end", 2),
	BAD("[1,]", "expected a value", 3),
	BAD("[,1]", "expected a value", 1),
	BAD("]", "expected a value", 0),
	BAD("[1}", "expected ',' or ']'", 2),
	BAD("{\"a\":1]", "expected ',' or '}'", 6),
	BAD("{\"a\"}", "expected ':'", 4),
	BAD("{\"a\":}", "expected a value", 5),
	BAD("{\"a\":1,}", "expected an object key", 7),
	BAD("{a:1}", "expected an object key", 1),
	BAD("{1:1}", "expected an object key", 1),
	BAD("{\"a\"", "unexpected end", 4),
	BAD("{\"a\":1,\"a\":2}", "duplicate key", 7),
	BAD("{\"a\":1,\"b\":{\"c\":1},\"a\":2}", "duplicate key", 19),
	BAD("{\"a\":[{\"x\":1}],\"b\":\"},\",\"b\":3}", "duplicate key", 24),
	BAD("{\"\\n\":1,\"\\n\":2}", "duplicate key", 8),
	BAD("{\"x\":{\"a\":1,\"a\":1}}", "duplicate key", 12),
	BAD("[{\"a\":1,\"b\":2,\"a\":3}]", "duplicate key", 14),
};

static void test_vectors(void)
{
	size_t i, ngood = 0, nbad = 0;

	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];
		struct yzf_canon_err e = { 99, "unset" };
		int rc = yzf_canon_check((const uint8_t *)v->in, v->len, &e);

		if (!v->why) {
			ngood++;
			if (rc != YZF_OK)
				fprintf(stderr, "vector %zu (%s): refused at %zu: %s\n",
					i, v->in, e.off, e.why);
			CHECK_EQ_INT(rc, YZF_OK);
			CHECK(e.why == NULL);
			continue;
		}
		nbad++;
		if (rc != YZF_ENONCANON)
			fprintf(stderr, "vector %zu (%s): accepted\n", i, v->in);
		CHECK_EQ_INT(rc, YZF_ENONCANON);
		CHECK_HAS(e.why, v->why);
		CHECK(e.off <= v->len);
		if (v->off != NOFF && e.off != v->off)
			fprintf(stderr, "vector %zu (%s): off %zu, expected %zu\n",
				i, v->in, e.off, v->off);
		CHECK(v->off == NOFF || e.off == v->off);
	}
	CHECK(ngood >= 30);
	CHECK(nbad >= 60);
	/* err may be NULL; buf may be NULL only with len 0. */
	CHECK_EQ_INT(yzf_canon_check((const uint8_t *)"1", 1, NULL), YZF_OK);
	CHECK_EQ_INT(yzf_canon_check(NULL, 0, NULL), YZF_ENONCANON);
}

/* Every prefix of every vector, in a heap block of exactly that size, so
 * AddressSanitizer catches any read past len. */
static void test_no_overread(void)
{
	size_t i, n;

	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];

		for (n = 0; n < v->len; n++) {
			uint8_t *p = malloc(n ? n : 1);
			struct yzf_canon_err e;
			int rc;

			memcpy(p, v->in, n);
			rc = yzf_canon_check(p, n, &e);
			CHECK(rc == YZF_OK || (rc == YZF_ENONCANON && e.off <= n));
			free(p);
		}
	}
}

static void nest(char *out, size_t depth)
{
	memset(out, '[', depth);
	out[depth] = '1';
	memset(out + depth + 1, ']', depth);
	out[2 * depth + 1] = '\0';
}

static void test_depth(void)
{
	char buf[128];
	struct yzf_canon_err e;
	struct yzf_canon_cur c;

	nest(buf, YZF_CANON_MAX_DEPTH);
	CHECK_EQ_INT(yzf_canon_check((uint8_t *)buf, strlen(buf), &e), YZF_OK);
	nest(buf, YZF_CANON_MAX_DEPTH + 1);
	CHECK_EQ_INT(yzf_canon_check((uint8_t *)buf, strlen(buf), &e),
		     YZF_ENONCANON);
	CHECK_HAS(e.why, "nested too deeply");
	CHECK_EQ_INT(e.off, YZF_CANON_MAX_DEPTH);

	/* Objects count as levels too. */
	strcpy(buf, "");
	for (int i = 0; i < YZF_CANON_MAX_DEPTH; i++)
		strcat(buf, "{\"a\":");
	strcat(buf, "1");
	for (int i = 0; i < YZF_CANON_MAX_DEPTH; i++)
		strcat(buf, "}");
	CHECK_EQ_INT(yzf_canon_check((uint8_t *)buf, strlen(buf), &e), YZF_OK);
	memmove(buf + 1, buf, strlen(buf) + 1);
	buf[0] = '[';
	strcat(buf, "]");
	CHECK_EQ_INT(yzf_canon_check((uint8_t *)buf, strlen(buf), &e),
		     YZF_ENONCANON);
	CHECK_HAS(e.why, "nested too deeply");

	/* The cursor's value check applies the same limit. */
	nest(buf, YZF_CANON_MAX_DEPTH + 1);
	yzf_canon_cur_init(&c, (uint8_t *)buf, strlen(buf));
	CHECK_EQ_INT(yzf_canon_value(&c, NULL, NULL), YZF_ENONCANON);
	CHECK_HAS(c.err.why, "nested too deeply");
}

/* Many keys defeat the per-object Bloom filter; duplicates must still be
 * found wherever they are. */
static void test_many_keys(void)
{
	struct yzf_buf b = { 0 };
	struct yzf_canon_err e;
	char key[16];
	int i;

	yzf_buf_putc(&b, '{');
	for (i = 0; i < 600; i++) {
		if (i)
			yzf_buf_putc(&b, ',');
		snprintf(key, sizeof(key), "k%d", i);
		CHECK_EQ_INT(yzf_canon_put_key(&b, key), YZF_OK);
		if (i % 7 == 0)
			yzf_buf_puts(&b, "{\"k1\":[\"k2\",{\"k3\":1}]}");
		else
			CHECK_EQ_INT(yzf_canon_put_int(&b, i), YZF_OK);
	}
	yzf_buf_putc(&b, '}');
	CHECK(!b.oom);
	CHECK_EQ_INT(yzf_canon_check(b.p, b.len, &e), YZF_OK);

	/* Same object with a late duplicate of an early key. */
	b.len--;
	yzf_buf_puts(&b, ",\"k5\":0}");
	CHECK_EQ_INT(yzf_canon_check(b.p, b.len, &e), YZF_ENONCANON);
	CHECK_HAS(e.why, "duplicate key");
	CHECK_EQ_INT(e.off, b.len - 7);
	yzf_buf_free(&b);
	CHECK(b.p == NULL && b.len == 0 && b.cap == 0);
}

static void test_writer(void)
{
	struct yzf_buf b = { 0 };
	const char all[] = "a\"\\\b\t\n\f\r\x01\x1f\x7f/\xc3\xa9";
	const char want[] = "\"a\\\"\\\\\\b\\t\\n\\f\\r\\u0001\\u001f\x7f/\xc3\xa9\"";
	size_t before;

	CHECK_EQ_INT(yzf_canon_put_str(&b, all, sizeof(all) - 1), YZF_OK);
	CHECK_EQ_INT(b.len, sizeof(want) - 1);
	CHECK(b.len == sizeof(want) - 1 && memcmp(b.p, want, b.len) == 0);

	yzf_buf_reset(&b);
	CHECK_EQ_INT(yzf_canon_put_str(&b, NULL, 0), YZF_OK);
	CHECK(b.len == 2 && memcmp(b.p, "\"\"", 2) == 0);

	/* Invalid UTF-8 appends nothing. */
	before = b.len;
	CHECK_EQ_INT(yzf_canon_put_str(&b, "a\xc0\x80", 3), YZF_ENONCANON);
	CHECK_EQ_INT(yzf_canon_put_str(&b, "\xed\xa0\x80", 3), YZF_ENONCANON);
	CHECK_EQ_INT(yzf_canon_put_str(&b, "\xf4\x90\x80\x80", 4), YZF_ENONCANON);
	CHECK_EQ_INT(yzf_canon_put_str(&b, "\xe2\x82", 2), YZF_ENONCANON);
	CHECK_EQ_INT(b.len, before);

	yzf_buf_reset(&b);
	CHECK_EQ_INT(yzf_canon_put_int(&b, 0), YZF_OK);
	yzf_buf_putc(&b, ' ');
	CHECK_EQ_INT(yzf_canon_put_int(&b, -7), YZF_OK);
	yzf_buf_putc(&b, ' ');
	CHECK_EQ_INT(yzf_canon_put_int(&b, YZF_CANON_INT_MAX), YZF_OK);
	yzf_buf_putc(&b, ' ');
	CHECK_EQ_INT(yzf_canon_put_int(&b, -YZF_CANON_INT_MAX), YZF_OK);
	before = b.len;
	CHECK_EQ_INT(yzf_canon_put_int(&b, YZF_CANON_INT_MAX + 1), YZF_ERANGE);
	CHECK_EQ_INT(yzf_canon_put_int(&b, -YZF_CANON_INT_MAX - 1), YZF_ERANGE);
	CHECK_EQ_INT(yzf_canon_put_int(&b, INT64_MIN), YZF_ERANGE);
	CHECK_EQ_INT(yzf_canon_put_int(&b, INT64_MAX), YZF_ERANGE);
	CHECK_EQ_INT(b.len, before);
	yzf_buf_putc(&b, '\0');
	CHECK_STR((char *)b.p, "0 -7 9007199254740991 -9007199254740991");

	yzf_buf_reset(&b);
	CHECK_EQ_INT(yzf_canon_put_key(&b, "k\n"), YZF_OK);
	CHECK(b.len == 6 && memcmp(b.p, "\"k\\n\":", 6) == 0);

	/* A failed append sticks until reset: later appends are no-ops and
	 * the writers say so. */
	yzf_buf_reset(&b);
	yzf_buf_putc(&b, 'x');
	b.oom = 1;
	yzf_buf_putc(&b, 'y');
	CHECK_EQ_INT(b.len, 1);
	CHECK_EQ_INT(yzf_canon_put_str(&b, "a", 1), YZF_ENOMEM);
	CHECK_EQ_INT(yzf_canon_put_int(&b, 1), YZF_ENOMEM);
	CHECK_EQ_INT(yzf_canon_put_key(&b, "k"), YZF_ENOMEM);
	CHECK_EQ_INT(b.len, 1);
	yzf_buf_reset(&b);
	CHECK(b.oom == 0 && b.len == 0 && b.p[0] == 0); /* reset wipes */
	yzf_buf_putc(&b, 'z');
	CHECK(b.len == 1 && b.p[0] == 'z');

	/* Growth keeps content across many reallocations. */
	yzf_buf_reset(&b);
	for (int i = 0; i < 5000; i++)
		yzf_buf_putc(&b, (char)('a' + i % 26));
	CHECK_EQ_INT(b.len, 5000);
	CHECK(b.cap >= 5000 && !b.oom);
	CHECK(b.p[0] == 'a' && b.p[4999] == 'a' + 4999 % 26);
	yzf_buf_free(&b);
	yzf_buf_free(&b);   /* idempotent */
	yzf_buf_free(NULL); /* accepts NULL */
}

/* Every string the writer emits passes the checker and reads back equal. */
static void test_round_trip(void)
{
	static const char *const strs[] = {
		"", "plain", "with \"quotes\" and \\", "tab\there", "\x7f",
		"\xe7\x8e\xb0\xe5\x9c\xba\xe6\xa3\x80\xe6\x9f\xa5",
		"\xf0\x9f\x98\x80 emoji", "\xf4\x8f\xbf\xbf", "/slash/", "}{][,:",
	};
	struct yzf_buf b = { 0 };
	struct yzf_canon_err e;
	struct yzf_canon_cur c;
	char ctl[32], out[64];
	size_t i;

	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		yzf_buf_reset(&b);
		CHECK_EQ_INT(yzf_canon_put_str(&b, strs[i], strlen(strs[i])),
			     YZF_OK);
		CHECK_EQ_INT(yzf_canon_check(b.p, b.len, &e), YZF_OK);
		yzf_canon_cur_init(&c, b.p, b.len);
		CHECK_EQ_INT(yzf_canon_str_copy(&c, out, sizeof(out)), YZF_OK);
		CHECK_STR(out, strs[i]);
		CHECK_EQ_INT(yzf_canon_end(&c), YZF_OK);
	}
	/* All 31 non-NUL control characters in one string. */
	for (i = 1; i < 32; i++)
		ctl[i - 1] = (char)i;
	ctl[31] = '\0';
	yzf_buf_reset(&b);
	CHECK_EQ_INT(yzf_canon_put_str(&b, ctl, 31), YZF_OK);
	CHECK_EQ_INT(yzf_canon_check(b.p, b.len, &e), YZF_OK);
	yzf_canon_cur_init(&c, b.p, b.len);
	CHECK_EQ_INT(yzf_canon_str_copy(&c, out, sizeof(out)), YZF_OK);
	CHECK_STR(out, ctl);

	/* A whole object built by the writer. */
	yzf_buf_reset(&b);
	yzf_buf_putc(&b, '{');
	CHECK_EQ_INT(yzf_canon_put_key(&b, "a"), YZF_OK);
	CHECK_EQ_INT(yzf_canon_put_int(&b, -3), YZF_OK);
	yzf_buf_putc(&b, ',');
	CHECK_EQ_INT(yzf_canon_put_key(&b, "b\""), YZF_OK);
	CHECK_EQ_INT(yzf_canon_put_str(&b, "x\ty", 3), YZF_OK);
	yzf_buf_putc(&b, '}');
	CHECK_EQ_INT(yzf_canon_check(b.p, b.len, &e), YZF_OK);
	CHECK(b.len == 21 && memcmp(b.p, "{\"a\":-3,\"b\\\"\":\"x\\ty\"}", 21) == 0);
	yzf_buf_free(&b);
}

static void test_cursor(void)
{
	static const char rec[] =
		"{\"v\":1,\"name\":\"x\\ny\",\"n\":null,\"body\":{\"a\":[1,2]},"
		"\"neg\":-5,\"raw\":\"a\\\\b\",\"k\\\"q\":true}";
	struct yzf_canon_cur c;
	const uint8_t *s;
	size_t n;
	int64_t v = 0;
	char name[16];

	CHECK_EQ_INT(yzf_canon_check((const uint8_t *)rec, sizeof(rec) - 1, NULL),
		     YZF_OK);
	yzf_canon_cur_init(&c, (const uint8_t *)rec, sizeof(rec) - 1);
	CHECK(yzf_canon_peek(&c, '{'));
	CHECK(!yzf_canon_peek(&c, '['));
	CHECK_EQ_INT(yzf_canon_byte(&c, '{'), YZF_OK);
	CHECK_EQ_INT(yzf_canon_key(&c, "v"), YZF_OK);
	CHECK_EQ_INT(yzf_canon_int(&c, 1, 1, &v), YZF_OK);
	CHECK_EQ_INT(v, 1);
	CHECK_EQ_INT(yzf_canon_byte(&c, ','), YZF_OK);
	CHECK_EQ_INT(yzf_canon_key(&c, "name"), YZF_OK);
	CHECK_EQ_INT(yzf_canon_str_copy(&c, name, sizeof(name)), YZF_OK);
	CHECK_STR(name, "x\ny");
	CHECK_EQ_INT(yzf_canon_byte(&c, ','), YZF_OK);
	CHECK_EQ_INT(yzf_canon_key(&c, "n"), YZF_OK);
	CHECK_EQ_INT(yzf_canon_null(&c), YZF_OK);
	CHECK_EQ_INT(yzf_canon_byte(&c, ','), YZF_OK);
	CHECK_EQ_INT(yzf_canon_key(&c, "body"), YZF_OK);
	CHECK_EQ_INT(yzf_canon_null(&c), YZF_ENOTFOUND); /* no failure */
	CHECK(c.err.why == NULL);
	CHECK_EQ_INT(yzf_canon_value(&c, &s, &n), YZF_OK);
	CHECK(n == 11 && memcmp(s, "{\"a\":[1,2]}", 11) == 0);
	CHECK_EQ_INT(yzf_canon_byte(&c, ','), YZF_OK);
	CHECK_EQ_INT(yzf_canon_key(&c, "neg"), YZF_OK);
	CHECK_EQ_INT(yzf_canon_int(&c, -10, 10, &v), YZF_OK);
	CHECK_EQ_INT(v, -5);
	CHECK_EQ_INT(yzf_canon_byte(&c, ','), YZF_OK);
	CHECK_EQ_INT(yzf_canon_key(&c, "raw"), YZF_OK);
	CHECK_EQ_INT(yzf_canon_str(&c, &s, &n), YZF_OK);
	CHECK(n == 4 && memcmp(s, "a\\\\b", 4) == 0); /* still escaped */
	CHECK_EQ_INT(yzf_canon_byte(&c, ','), YZF_OK);
	CHECK_EQ_INT(yzf_canon_key(&c, "k\"q"), YZF_OK);
	CHECK_EQ_INT(yzf_canon_value(&c, &s, &n), YZF_OK);
	CHECK(n == 4 && memcmp(s, "true", 4) == 0);
	CHECK(yzf_canon_peek(&c, '}'));
	CHECK_EQ_INT(yzf_canon_byte(&c, '}'), YZF_OK);
	CHECK_EQ_INT(yzf_canon_end(&c), YZF_OK);
	CHECK(c.err.why == NULL);
}

static void test_cursor_failures(void)
{
	static const char rec[] = "{\"v\":12,\"s\":\"abcdef\"}";
	const size_t len = sizeof(rec) - 1;
	struct yzf_canon_cur c;
	int64_t v = 0;
	char out[4];

	/* Wrong key: the failure sticks and every later call fails. */
	yzf_canon_cur_init(&c, (const uint8_t *)rec, len);
	CHECK_EQ_INT(yzf_canon_byte(&c, '{'), YZF_OK);
	CHECK_EQ_INT(yzf_canon_key(&c, "w"), YZF_ENONCANON);
	CHECK_HAS(c.err.why, "unexpected key");
	CHECK_EQ_INT(c.err.off, 1);
	CHECK_EQ_INT(yzf_canon_key(&c, "v"), YZF_ENONCANON);
	CHECK_EQ_INT(yzf_canon_byte(&c, ','), YZF_ENONCANON);
	CHECK_EQ_INT(yzf_canon_null(&c), YZF_ENONCANON);
	CHECK_EQ_INT(yzf_canon_value(&c, NULL, NULL), YZF_ENONCANON);
	CHECK_EQ_INT(yzf_canon_end(&c), YZF_ENONCANON);
	CHECK(!yzf_canon_peek(&c, '"'));
	CHECK_EQ_INT(c.err.off, 1); /* the first failure is kept */

	/* A key that is a prefix of the one present. */
	yzf_canon_cur_init(&c, (const uint8_t *)"{\"vv\":1}", 8);
	CHECK_EQ_INT(yzf_canon_byte(&c, '{'), YZF_OK);
	CHECK_EQ_INT(yzf_canon_key(&c, "v"), YZF_ENONCANON);

	/* Out of range integer. */
	yzf_canon_cur_init(&c, (const uint8_t *)rec, len);
	CHECK_EQ_INT(yzf_canon_byte(&c, '{'), YZF_OK);
	CHECK_EQ_INT(yzf_canon_key(&c, "v"), YZF_OK);
	CHECK_EQ_INT(yzf_canon_int(&c, 0, 11, &v), YZF_ERANGE);
	CHECK_HAS(c.err.why, "out of range");
	CHECK_EQ_INT(yzf_canon_byte(&c, ','), YZF_ENONCANON);

	/* str_copy too small: ERANGE, nothing partial left behind. */
	yzf_canon_cur_init(&c, (const uint8_t *)rec, len);
	CHECK_EQ_INT(yzf_canon_byte(&c, '{'), YZF_OK);
	CHECK_EQ_INT(yzf_canon_key(&c, "v"), YZF_OK);
	CHECK_EQ_INT(yzf_canon_int(&c, 0, 100, &v), YZF_OK);
	CHECK_EQ_INT(yzf_canon_byte(&c, ','), YZF_OK);
	CHECK_EQ_INT(yzf_canon_key(&c, "s"), YZF_OK);
	memcpy(out, "zzz", 4);
	CHECK_EQ_INT(yzf_canon_str_copy(&c, out, sizeof(out)), YZF_ERANGE);
	CHECK_STR(out, "");
	CHECK_EQ_INT(yzf_canon_end(&c), YZF_ENONCANON);

	/* Exact fit: 6 characters need 7 bytes. */
	{
		char fit[7];
		struct yzf_canon_cur d;

		yzf_canon_cur_init(&d, (const uint8_t *)"\"abcdef\"", 8);
		CHECK_EQ_INT(yzf_canon_str_copy(&d, fit, sizeof(fit)), YZF_OK);
		CHECK_STR(fit, "abcdef");
		yzf_canon_cur_init(&d, (const uint8_t *)"\"abcdef\"", 8);
		CHECK_EQ_INT(yzf_canon_str_copy(&d, fit, 6), YZF_ERANGE);
		yzf_canon_cur_init(&d, (const uint8_t *)"\"\"", 2);
		CHECK_EQ_INT(yzf_canon_str_copy(&d, NULL, 0), YZF_ERANGE);
		yzf_canon_cur_init(&d, (const uint8_t *)"\"a\\u0000b\"", 10);
		CHECK_EQ_INT(yzf_canon_str_copy(&d, fit, sizeof(fit)), YZF_EINVAL);
	}

	/* Non-canonical tokens through the cursor. */
	yzf_canon_cur_init(&c, (const uint8_t *)"01", 2);
	CHECK_EQ_INT(yzf_canon_int(&c, 0, 100, &v), YZF_ENONCANON);
	CHECK_HAS(c.err.why, "leading zero");
	yzf_canon_cur_init(&c, (const uint8_t *)"1.5", 3);
	CHECK_EQ_INT(yzf_canon_int(&c, 0, 100, &v), YZF_ENONCANON);
	yzf_canon_cur_init(&c, (const uint8_t *)"\"a\"", 3);
	CHECK_EQ_INT(yzf_canon_int(&c, 0, 100, &v), YZF_ENONCANON);
	CHECK_HAS(c.err.why, "expected an integer");
	yzf_canon_cur_init(&c, (const uint8_t *)"\"\\/\"", 4);
	CHECK_EQ_INT(yzf_canon_str(&c, NULL, NULL), YZF_ENONCANON);
	yzf_canon_cur_init(&c, (const uint8_t *)"9007199254740991", 16);
	CHECK_EQ_INT(yzf_canon_int(&c, INT64_MIN, INT64_MAX, &v), YZF_OK);
	CHECK_EQ_INT(v, YZF_CANON_INT_MAX);
	yzf_canon_cur_init(&c, (const uint8_t *)"9007199254740992", 16);
	CHECK_EQ_INT(yzf_canon_int(&c, INT64_MIN, INT64_MAX, &v), YZF_ENONCANON);

	/* value() checks in full: duplicate keys, escapes, depth. */
	yzf_canon_cur_init(&c, (const uint8_t *)"[{\"a\":1,\"a\":2}]", 15);
	CHECK_EQ_INT(yzf_canon_byte(&c, '['), YZF_OK);
	CHECK_EQ_INT(yzf_canon_value(&c, NULL, NULL), YZF_ENONCANON);
	CHECK_HAS(c.err.why, "duplicate key");
	CHECK_EQ_INT(c.err.off, 8);
	yzf_canon_cur_init(&c, (const uint8_t *)"[1,\"\\u0041\"]", 12);
	CHECK_EQ_INT(yzf_canon_value(&c, NULL, NULL), YZF_ENONCANON);
	CHECK_EQ_INT(c.err.off, 4);

	/* Truncated input: the cursor never reads past len. */
	yzf_canon_cur_init(&c, (const uint8_t *)"{\"v\":1}", 3);
	CHECK_EQ_INT(yzf_canon_byte(&c, '{'), YZF_OK);
	CHECK_EQ_INT(yzf_canon_key(&c, "v"), YZF_ENONCANON);
	yzf_canon_cur_init(&c, (const uint8_t *)"nul", 3);
	CHECK_EQ_INT(yzf_canon_null(&c), YZF_ENOTFOUND);
	yzf_canon_cur_init(&c, NULL, 0);
	CHECK_EQ_INT(yzf_canon_byte(&c, '{'), YZF_ENONCANON);

	/* end() with bytes left. */
	yzf_canon_cur_init(&c, (const uint8_t *)"1 ", 2);
	CHECK_EQ_INT(yzf_canon_value(&c, NULL, NULL), YZF_OK);
	CHECK_EQ_INT(yzf_canon_end(&c), YZF_ENONCANON);
	CHECK_HAS(c.err.why, "trailing");
	CHECK_EQ_INT(c.err.off, 1);
}

int main(void)
{
	test_vectors();
	test_no_overread();
	test_depth();
	test_many_keys();
	test_writer();
	test_round_trip();
	test_cursor();
	test_cursor_failures();
	return check_done();
}

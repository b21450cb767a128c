/* fuzz_canon.c — libFuzzer target for the canonical JSON codec and the
 * schema canonicaliser.
 *
 * Properties checked on every input:
 *  1. yzf_canon_check and the cursor agree: the checker accepts the bytes
 *     iff yzf_canon_value then yzf_canon_end succeed, with the same span and
 *     the same failure offset.
 *  2. The writer and the checker agree: any bytes yzf_canon_put_str accepts
 *     come out as a canonical string that reads back unchanged.
 *  3. yzf_schemas_canon output is canonical JSON, accepted by
 *     yzf_schemas_check, and a fixed point (canonicalising it again gives
 *     the same bytes).
 * Any violation aborts. The only state kept between runs is the registry,
 * created once and never changed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yzf/canon.h"
#include "schema.h"

static const char s_fuzz[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"s\":{\"type\":\"string\",\"maxLength\":8},"
	"\"p\":{\"type\":\"string\",\"pattern\":\"^[a-z]+$\"},"
	"\"i\":{\"type\":\"integer\",\"minimum\":-1000,\"maximum\":9007199254740991},"
	"\"b\":{\"type\":[\"boolean\",\"null\"]},"
	"\"e\":{\"enum\":[\"x\",1,true,null]},"
	"\"o\":{\"type\":\"object\",\"properties\":{"
	"\"z\":{\"type\":\"integer\"},\"a\":{\"type\":\"string\"}},"
	"\"required\":[\"a\"],\"additionalProperties\":false},"
	"\"l\":{\"type\":\"array\",\"maxItems\":4,\"items\":{\"type\":\"object\","
	"\"properties\":{\"k\":{\"type\":\"string\"}},\"additionalProperties\":false}}"
	"},\"required\":[\"s\"],\"additionalProperties\":false}";

static const struct yzf_embedded fuzz_schemas[] = {
	{ "fuzz", s_fuzz, sizeof(s_fuzz) - 1 },
	{ 0, 0, 0 },
};

#define ASSERT(c) do { \
	if (!(c)) { \
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c); \
		abort(); \
	} \
} while (0)

static const struct yzf_schemas *registry(void)
{
	static struct yzf_schemas *reg;
	char msg[256];

	if (!reg && yzf_schemas_create(fuzz_schemas, &reg, msg, sizeof(msg))) {
		fprintf(stderr, "fuzz schema: %s\n", msg);
		abort();
	}
	return reg;
}

static void check_vs_cursor(const uint8_t *data, size_t size)
{
	struct yzf_canon_err e = { 0, NULL };
	struct yzf_canon_cur c;
	const uint8_t *s = NULL;
	size_t n = 0;
	int ok, cok;

	ok = yzf_canon_check(data, size, &e) == YZF_OK;
	ASSERT(ok ? e.why == NULL : (e.why != NULL && e.off <= size));
	yzf_canon_cur_init(&c, data, size);
	cok = yzf_canon_value(&c, &s, &n) == YZF_OK && yzf_canon_end(&c) == YZF_OK;
	ASSERT(ok == cok);
	if (ok) {
		ASSERT(s == data && n == size && c.err.why == NULL);
	} else {
		ASSERT(c.err.why != NULL && c.err.off == e.off);
		ASSERT(strcmp(c.err.why, e.why) == 0);
	}
}

/* Put the bytes through the writer, then read them back. */
static void writer_round_trip(const uint8_t *data, size_t size)
{
	struct yzf_buf b = { 0 };
	struct yzf_canon_cur c;
	char *back;
	int rc;

	rc = yzf_canon_put_str(&b, (const char *)data, size);
	if (rc == YZF_ENOMEM)
		goto out;
	if (rc) {
		ASSERT(rc == YZF_ENONCANON && b.len == 0);
		goto out;
	}
	ASSERT(yzf_canon_check(b.p, b.len, NULL) == YZF_OK);
	back = malloc(size + 1);
	ASSERT(back);
	yzf_canon_cur_init(&c, b.p, b.len);
	rc = yzf_canon_str_copy(&c, back, size + 1);
	if (memchr(data, 0, size)) {
		ASSERT(rc == YZF_EINVAL);
	} else {
		ASSERT(rc == YZF_OK && memcmp(back, data, size) == 0 &&
		       back[size] == '\0');
		ASSERT(yzf_canon_end(&c) == YZF_OK);
	}
	free(back);
out:
	yzf_buf_free(&b);
}

static void schema_canon(const uint8_t *data, size_t size)
{
	const struct yzf_schemas *reg = registry();
	struct yzf_buf out = { 0 }, again = { 0 };
	char msg[256];
	int rc;

	rc = yzf_schemas_canon(reg, "fuzz", (const char *)data, size, &out, msg,
			       sizeof(msg));
	ASSERT(rc == YZF_OK || rc == YZF_EINVAL || rc == YZF_ENOMEM);
	if (rc) {
		ASSERT(out.len == 0 && msg[0]);
		goto out;
	}
	ASSERT(yzf_canon_check(out.p, out.len, NULL) == YZF_OK);
	rc = yzf_schemas_check(reg, "fuzz", out.p, out.len, msg, sizeof(msg));
	if (rc != YZF_OK) {
		fprintf(stderr, "check refused own output: %s\n", msg);
		abort();
	}
	rc = yzf_schemas_canon(reg, "fuzz", (const char *)out.p, out.len, &again,
			       msg, sizeof(msg));
	ASSERT(rc == YZF_OK && again.len == out.len &&
	       memcmp(again.p, out.p, out.len) == 0);
	/* Canonical input is its own canonical form. */
	if (yzf_canon_check(data, size, NULL) == YZF_OK)
		ASSERT(yzf_schemas_check(reg, "fuzz", data, size, msg, sizeof(msg)) ==
		       (size == out.len && memcmp(data, out.p, size) == 0
			? YZF_OK : YZF_ENONCANON));
out:
	yzf_buf_free(&out);
	yzf_buf_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_vs_cursor(data, size);
	writer_round_trip(data, size);
	schema_canon(data, size);
	return 0;
}

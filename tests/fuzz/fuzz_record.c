/* fuzz_record.c — libFuzzer target for the record envelope and its line.
 *
 * Properties checked on every input:
 *  - yzf_record_parse never reads outside the input (ASan) and, when it
 *    fails, says why at an offset inside the input;
 *  - when it succeeds, the input is canonical JSON as a whole and
 *    yzf_record_encode of the parsed record gives back exactly the input
 *    bytes: a canonical envelope has one spelling, so parse and encode
 *    are inverse;
 *  - yzf_record_unline either fails with a reason, or finds a canonical
 *    span inside the line and a signature that yzf_record_line writes
 *    back to the identical line.
 *
 * Build with meson -Dfuzz=true (clang), or by hand:
 *   clang -fsanitize=fuzzer,address,undefined -std=c11 \
 *     -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Icore/include -Icore/src \
 *     -I/usr/include/cjson tests/fuzz/fuzz_record.c core/src/[a-z]*.c \
 *     build/schemas/[a-z]*.c -lsodium -lsqlite3 -lcjson -o fuzz_record
 *   ./fuzz_record tests/fuzz/corpus/record
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yzf/canon.h"
#include "yzf/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const uint8_t *data, size_t size)
{
	fprintf(stderr, "fuzz_record: %s\ninput (%zu bytes): %.*s\n", what,
		size, (int)(size < 4096 ? size : 4096), (const char *)data);
	abort();
}

static void check_record(const uint8_t *data, size_t size)
{
	struct yzf_record r;
	struct yzf_canon_err e = { 0, NULL };
	int rc = yzf_record_parse(data, size, &r, &e);
	if (rc != YZF_OK) {
		if (rc != YZF_ENONCANON || !e.why || e.off > size)
			die("parse failed without a reason inside the input",
			    data, size);
		return;
	}
	if (!r.body || r.body < data || r.body_len > size ||
	    (size_t)(r.body - data) > size - r.body_len)
		die("body span outside the input", data, size);
	/* A parsed record is canonical JSON as a whole (nesting counted from
	 * the envelope), so its exchange line is readable. */
	if (yzf_canon_check(data, size, &e) != YZF_OK)
		die("parse accepted bytes yzf_canon_check refuses", data, size);

	struct yzf_buf b = { 0 };
	rc = yzf_record_encode(&r, &b);
	if (rc != YZF_OK)
		die("encode refused a parsed record", data, size);
	if (b.len != size || memcmp(b.p, data, size) != 0)
		die("encode(parse(x)) != x", data, size);
	yzf_buf_free(&b);
}

static void check_line(const uint8_t *data, size_t size)
{
	const uint8_t *bytes = NULL;
	size_t n = 0;
	uint8_t sig[YZF_SIG_LEN];
	struct yzf_canon_err e = { 0, NULL };
	int rc = yzf_record_unline(data, size, &bytes, &n, sig, &e);
	if (rc != YZF_OK) {
		if (!e.why || e.off > size)
			die("unline failed without a reason inside the input",
			    data, size);
		return;
	}
	if (!bytes || bytes < data || n > size ||
	    (size_t)(bytes - data) > size - n)
		die("unline span outside the input", data, size);
	if (yzf_canon_check(bytes, n, NULL) != YZF_OK)
		die("unline span not canonical", data, size);
	struct yzf_buf b = { 0 };
	if (yzf_record_line(bytes, n, sig, &b) != YZF_OK || b.len != size ||
	    memcmp(b.p, data, size) != 0)
		die("line(unline(x)) != x", data, size);
	yzf_buf_free(&b);
	/* and the envelope inside, through the same checks */
	check_record(bytes, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_record(data, size);
	check_line(data, size);
	return 0;
}

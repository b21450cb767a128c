/* fuzz_refdata.c — libFuzzer target for reference data lines: snapshot
 * indexes and set headers (yzf/refset.h).
 *
 * Properties checked on every input:
 *  - no parser reads outside the input (ASan), and each failure comes with
 *    a reason at an offset inside the input;
 *  - yzf_refindex_parse (city key fixed) success: the sets are sorted by
 *    name with each name once, expires is not before at, and
 *    yzf_refindex_sign_line rebuilds the identical line (Ed25519
 *    signatures are deterministic);
 *  - yzf_refset_parse (city key fixed) success: yzf_refset_sign_line
 *    rebuilds the identical line.
 *
 * The city key comes from a fixed seed (32 bytes of 0x02), the one the
 * seed corpus in corpus/refdata was made with, so the fuzzer starts from
 * lines that verify.
 */
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yzf/refset.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t pk[YZF_KEY_LEN], sk[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t seed[32];
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	memset(seed, 2, sizeof seed);
	crypto_sign_seed_keypair(pk, sk, seed);
	return 0;
}

static void die(const char *what, const uint8_t *data, size_t size)
{
	fprintf(stderr, "fuzz_refdata: %s\ninput (%zu bytes): %.*s\n", what,
		size, (int)(size < 4096 ? size : 4096), (const char *)data);
	abort();
}

static void check_err(int rc, const struct yzf_canon_err *e, size_t size,
		      const char *what, const uint8_t *data)
{
	if (rc != YZF_OK && (!e->why || e->off > size))
		die(what, data, size);
}

static void check_index(const uint8_t *data, size_t size)
{
	static struct yzf_refindex ix; /* large: off the fuzzer's stack */
	struct yzf_canon_err e = { 0, NULL };
	int rc = yzf_refindex_parse(data, size, pk, &ix, &e);
	check_err(rc, &e, size, "refindex_parse failed without a reason", data);
	if (rc != YZF_OK)
		return;
	if (ix.n > YZF_MAX_REFSETS || ix.expires_ms < ix.at_ms)
		die("parsed index breaks its rules", data, size);
	for (size_t i = 1; i < ix.n; i++)
		if (strcmp(ix.sets[i - 1].name, ix.sets[i].name) >= 0)
			die("parsed index not sorted by name", data, size);
	struct yzf_buf b = { 0 };
	if (yzf_refindex_sign_line(&ix, sk, &b) != YZF_OK || b.len != size ||
	    memcmp(b.p, data, size) != 0)
		die("index sign_line(parse(x)) != x", data, size);
	yzf_buf_free(&b);
}

static void check_set(const uint8_t *data, size_t size)
{
	struct yzf_refset s;
	struct yzf_canon_err e = { 0, NULL };
	int rc = yzf_refset_parse(data, size, pk, &s, &e);
	check_err(rc, &e, size, "refset_parse failed without a reason", data);
	if (rc != YZF_OK)
		return;
	struct yzf_buf b = { 0 };
	if (yzf_refset_sign_line(&s, sk, &b) != YZF_OK || b.len != size ||
	    memcmp(b.p, data, size) != 0)
		die("set sign_line(parse(x)) != x", data, size);
	yzf_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_index(data, size);
	check_set(data, size);
	return 0;
}

/* fuzz_cert.c — libFuzzer target for certificates, certificate lines,
 * enrollment requests and revocation lines.
 *
 * Properties checked on every input:
 *  - no parser reads outside the input (ASan), and each failure comes with
 *    a reason at an offset inside the input;
 *  - yzf_cert_parse success: the certificate passes yzf_cert_check and
 *    yzf_cert_encode gives back exactly the input bytes;
 *  - yzf_cert_unline success: the certificate span lies inside the line;
 *    if the signature verifies under one of the fixed test keys below,
 *    yzf_cert_sign_line with that key rebuilds the identical line
 *    (Ed25519 signatures are deterministic);
 *  - yzf_revocation_parse (city key fixed) success: yzf_revocation_sign_line
 *    rebuilds the identical line;
 *  - yzf_request_parse success: the feed key named signed the request.
 *
 * The keys come from fixed seeds (32 bytes of 0x01 root, 0x02 city, 0x03
 * feed), the same the seed corpus in corpus/cert was made with, so the
 * fuzzer starts from lines that verify.
 */
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yzf/canon.h"
#include "yzf/cert.h"
#include "yzf/keys.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t pk[3][YZF_KEY_LEN], sk[3][64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	for (int i = 0; i < 3; i++) {
		uint8_t seed[32];
		memset(seed, i + 1, sizeof seed);
		crypto_sign_seed_keypair(pk[i], sk[i], seed);
	}
	return 0;
}

static void die(const char *what, const uint8_t *data, size_t size)
{
	fprintf(stderr, "fuzz_cert: %s\ninput (%zu bytes): %.*s\n", what, size,
		(int)(size < 4096 ? size : 4096), (const char *)data);
	abort();
}

static void check_err(int rc, const struct yzf_canon_err *e, size_t size,
		      const char *what, const uint8_t *data)
{
	if (rc != YZF_OK && (!e->why || e->off > size))
		die(what, data, size);
}

static void check_cert(const uint8_t *data, size_t size)
{
	struct yzf_cert c;
	struct yzf_canon_err e = { 0, NULL };
	int rc = yzf_cert_parse(data, size, &c, &e);
	check_err(rc, &e, size, "cert_parse failed without a reason", data);
	if (rc != YZF_OK)
		return;
	char msg[256];
	if (yzf_cert_check(&c, msg, sizeof msg) != YZF_OK)
		die("parsed certificate fails yzf_cert_check", data, size);
	if (yzf_canon_check(data, size, NULL) != YZF_OK)
		die("cert_parse accepted bytes yzf_canon_check refuses", data,
		    size);
	struct yzf_buf b = { 0 };
	if (yzf_cert_encode(&c, &b) != YZF_OK || b.len != size ||
	    memcmp(b.p, data, size) != 0)
		die("encode(parse(x)) != x", data, size);
	yzf_buf_free(&b);
}

static void check_cert_line(const uint8_t *data, size_t size)
{
	struct yzf_signed_cert sc;
	struct yzf_canon_err e = { 0, NULL };
	int rc = yzf_cert_unline(data, size, &sc, &e);
	check_err(rc, &e, size, "cert_unline failed without a reason", data);
	if (rc != YZF_OK)
		return;
	if (!sc.bytes || sc.bytes < data || sc.len > size ||
	    (size_t)(sc.bytes - data) > size - sc.len)
		die("cert span outside the line", data, size);
	for (int i = 0; i < 3; i++) {
		if (!yzf_cert_sig_ok(&sc, pk[i]))
			continue;
		struct yzf_buf b = { 0 };
		if (yzf_cert_sign_line(&sc.c, sk[i], &b) != YZF_OK ||
		    b.len != size || memcmp(b.p, data, size) != 0)
			die("sign_line(unline(x)) != x", data, size);
		yzf_buf_free(&b);
	}
	/* a chain made of this certificate in every position never crashes */
	char msg[128];
	(void)!yzf_cert_chain_ok(&sc, &sc, &sc, msg, sizeof msg);
	(void)!yzf_cert_chain_ok(&sc, &sc, NULL, msg, sizeof msg);
	(void)yzf_cert_covers(&sc.c, 0);
}

static void check_revocation(const uint8_t *data, size_t size)
{
	struct yzf_revocation r;
	struct yzf_canon_err e = { 0, NULL };
	int rc = yzf_revocation_parse(data, size, pk[1], &r, &e);
	check_err(rc, &e, size, "revocation_parse failed without a reason",
		  data);
	if (rc != YZF_OK)
		return;
	struct yzf_buf b = { 0 };
	if (yzf_revocation_sign_line(&r, sk[1], &b) != YZF_OK ||
	    b.len != size || memcmp(b.p, data, size) != 0)
		die("revocation sign_line(parse(x)) != x", data, size);
	yzf_buf_free(&b);
}

static void check_request(const uint8_t *data, size_t size)
{
	uint8_t feed[YZF_KEY_LEN];
	char terminal[65];
	struct yzf_canon_err e = { 0, NULL };
	int rc = yzf_request_parse(data, size, feed, terminal, &e);
	check_err(rc, &e, size, "request_parse failed without a reason", data);
	if (rc == YZF_OK && strlen(terminal) > 64)
		die("terminal longer than 64 bytes", data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_cert(data, size);
	check_cert_line(data, size);
	check_revocation(data, size);
	check_request(data, size);
	return 0;
}

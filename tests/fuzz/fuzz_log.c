/* fuzz_log.c — libFuzzer target for what a terminal reads of the city's
 * log: checkpoint lines, checkpoint answers (consistency proofs) and
 * multiproofs.
 *
 * Input: an older checkpoint line, '\n', a newer answer (JSON), and, after
 * a second '\n', bytes read as a multiproof to verify. Properties:
 *  - nothing reads outside the input (ASan); each refusal has a reason;
 *  - yzf_checkpoint_parse success (city key fixed): yzf_checkpoint_sign
 *    rebuilds the identical line (Ed25519 is deterministic);
 *  - yzf_trust_check_consistency success: the newer checkpoint is no
 *    smaller than the older;
 *  - yzf_merkle_verify_multi never accepts indexes that are not strictly
 *    increasing below the size.
 * The city key comes from the seed 32 x 0x02, the one the corpus in
 * corpus/log was made with.
 */
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "yzf/yzf.h"

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

static void multi(const uint8_t *p, size_t n)
{
	uint8_t leaves[8][32], proof[64][32], root[32];
	uint64_t idx[8];
	if (n < 3 + 32)
		return;
	size_t k = p[0] % 8 + 1;
	uint64_t size = (uint64_t)p[1] | (uint64_t)p[2] << 8;
	p += 3;
	n -= 3;
	memcpy(root, p, 32);
	p += 32;
	n -= 32;
	for (size_t i = 0; i < k; i++) {
		idx[i] = n ? p[i % n] : i;
		memset(leaves[i], (int)i, 32);
	}
	size_t len = n / 32 < 64 ? n / 32 : 64;
	memcpy(proof, p, len * 32);
	int rc = yzf_merkle_verify_multi((const uint8_t(*)[32])leaves, idx, k,
					 size, (const uint8_t(*)[32])proof, len,
					 root);
	bool sorted = true;
	for (size_t i = 0; i < k; i++)
		if (idx[i] >= size || (i && idx[i] <= idx[i - 1]))
			sorted = false;
	if (!sorted && rc != YZF_EINVAL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t ol = nl ? (size_t)(nl - data) : size;
	struct yzf_checkpoint c, n;
	struct yzf_canon_err e;
	char why[256];
	if (yzf_checkpoint_parse(data, ol, pk, &c, &e) == YZF_OK) {
		struct yzf_buf b = { 0 };
		if (yzf_checkpoint_sign(&c, sk, &b) != YZF_OK || b.len != ol ||
		    memcmp(b.p, data, ol) != 0)
			abort();
		yzf_buf_free(&b);
	} else if (!e.why || e.off > ol) {
		abort();
	}
	if (!nl)
		return 0;
	const uint8_t *rest = nl + 1;
	size_t rl = size - ol - 1;
	const uint8_t *nl2 = memchr(rest, '\n', rl);
	size_t nlen = nl2 ? (size_t)(nl2 - rest) : rl;
	why[0] = 0;
	int rc = yzf_trust_check_consistency(pk, data, ol, rest, nlen, &n, why);
	if (rc == YZF_OK && yzf_checkpoint_parse(data, ol, pk, &c, &e) == YZF_OK &&
	    n.size < c.size)
		abort();
	if (rc != YZF_OK && !why[0])
		abort();
	if (nl2)
		multi(nl2 + 1, rl - nlen - 1);
	return 0;
}

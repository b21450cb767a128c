/* test_merkle.c — RFC 9162 Merkle trees against an independent model.
 *
 * The vectors in tests/data/merkle-vectors.json (argv[1]) come from
 * tests/tools/merkle_vectors.py, a Python transcription of the RFC's
 * recursive definitions that shares nothing with core/src/merkle.c: roots
 * of sizes 0..64, every inclusion proof up to size 32, every consistency
 * proof 1 <= m <= n <= 32. Each proof the C code builds must equal the
 * vector and verify; then every proof is mutated (a bit flipped in the
 * first and last byte of each hash, a hash dropped or added, the index,
 * sizes or roots changed) and each mutation must be refused. The RFC 6962
 * test tree (8 leaves, published roots and proofs from the
 * certificate-transparency / Trillian test suites) pins the wire format.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "yzf/merkle.h"
#include "check.h"

#define MAXP 70 /* room for a longest proof plus mutations */
#define MAXLEAF 64

typedef uint8_t hash[32];

static hash lh[MAXLEAF];        /* leaf hashes of the vector tree */
static hash roots[MAXLEAF + 1]; /* roots of sizes 0..64 */

static int unhex(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = s ? strlen(s) : 1;
	if (n % 2 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	*len = n / 2;
	return 0;
}

static void h32(const char *s, hash out)
{
	size_t len = 0;
	if (unhex(s, out, 32, &len) || len != 32) {
		fprintf(stderr, "bad hash \"%s\"\n", s ? s : "(null)");
		exit(2);
	}
}

static size_t proof_of(const cJSON *arr, hash *out)
{
	size_t n = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, arr) {
		if (n == MAXP - 2)
			exit(2);
		h32(cJSON_GetStringValue(e), out[n++]);
	}
	return n;
}

static uint64_t num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!cJSON_IsNumber(v)) {
		fprintf(stderr, "missing \"%s\"\n", k);
		exit(2);
	}
	return (uint64_t)v->valuedouble;
}

static int vincl(const hash leaf, uint64_t i, uint64_t n, const hash *p,
		 size_t len, const hash root)
{
	return yzf_merkle_verify_inclusion(leaf, i, n,
					   (const uint8_t(*)[32])p, len, root);
}

static int vcons(uint64_t m, uint64_t n, const hash a, const hash b,
		 const hash *p, size_t len)
{
	return yzf_merkle_verify_consistency(m, n, a, b,
					     (const uint8_t(*)[32])p, len);
}

/* p without element j (len > 0), or with g inserted at j. */
static size_t drop(const hash *p, size_t len, size_t j, hash *out)
{
	size_t k = 0;
	for (size_t i = 0; i < len; i++)
		if (i != j)
			memcpy(out[k++], p[i], 32);
	return k;
}

static size_t insert(const hash *p, size_t len, size_t j, const hash g,
		     hash *out)
{
	size_t k = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == j)
			memcpy(out[k++], g, 32);
		if (i < len)
			memcpy(out[k++], p[i], 32);
	}
	return k;
}

static int incl_failures;

/* The RFC 9162 verifiers bind a tree size only through the shape of the
 * path: the left/right turns that the recursive definitions (PATH,
 * SUBPROOF) take on the way down. Two sizes with the same turns fold the
 * same hashes the same way, so a proof for one verifies for the other
 * (leaf 0 of a 3-leaf tree and of a 4-leaf tree both fold left, left).
 * That is why a root must come from a checkpoint signed with its size.
 * These spell the turns from the recursions, not from the bit algorithm
 * under test, and decide whether a changed size must be refused. */
static uint64_t split2(uint64_t n)
{
	uint64_t k = 1;
	while (k * 2 < n)
		k *= 2;
	return k;
}

static void incl_shape(uint64_t m, uint64_t n, char *s)
{
	for (; n > 1; s++) {
		uint64_t k = split2(n);
		if (m < k) {
			*s = 'L';
			n = k;
		} else {
			*s = 'R';
			m -= k;
			n -= k;
		}
	}
	*s = 0;
}

static void cons_shape(uint64_t m, uint64_t n, char *s)
{
	int start = 1;
	for (; m != n; s++) {
		uint64_t k = split2(n);
		if (m <= k) {
			*s = 'L';
			n = k;
		} else {
			*s = 'R';
			m -= k;
			n -= k;
			start = 0;
		}
	}
	*s++ = start ? 's' : 'h';
	*s = 0;
}

static int same_shape(int cons, uint64_t m, uint64_t n, uint64_t n2)
{
	char a[80], b[80];
	if (cons) {
		cons_shape(m, n, a);
		cons_shape(m, n2, b);
	} else {
		incl_shape(m, n, a);
		incl_shape(m, n2, b);
	}
	return strcmp(a, b) == 0;
}

static int n_alias, n_refused; /* sizes off by one: same shape or refused */

/* Every mutation of a good inclusion proof must be refused. */
static void incl_negative(uint64_t i, uint64_t n, hash *p, size_t len,
			  const hash root)
{
	hash q[MAXP], bad, garbage;
	const uint8_t *leaf = lh[i];
	int before = check_fail;

	memset(garbage, 0xa5, 32);
	for (size_t j = 0; j < len; j++) {
		for (int pos = 0; pos < 32; pos += 31) {
			p[j][pos] ^= pos ? 0x80 : 0x01;
			CHECK_EQ_INT(vincl(leaf, i, n, p, len, root), YZF_EBADSIG);
			p[j][pos] ^= pos ? 0x80 : 0x01;
		}
	}
	if (len) {
		size_t k = drop(p, len, 0, q);
		CHECK_EQ_INT(vincl(leaf, i, n, q, k, root), YZF_EBADSIG);
		k = drop(p, len, len - 1, q);
		CHECK_EQ_INT(vincl(leaf, i, n, q, k, root), YZF_EBADSIG);
	}
	CHECK_EQ_INT(vincl(leaf, i, n, q, insert(p, len, 0, garbage, q), root),
		     YZF_EBADSIG);
	CHECK_EQ_INT(vincl(leaf, i, n, q, insert(p, len, len, garbage, q), root),
		     YZF_EBADSIG);
	CHECK_EQ_INT(vincl(leaf, i, n, q, insert(p, len, 0, root, q), root),
		     YZF_EBADSIG);
	CHECK_EQ_INT(vincl(leaf, i, n, q, insert(p, len, len, root, q), root),
		     YZF_EBADSIG);
	/* Wrong index: refused, as EINVAL when it falls outside the tree. */
	if (i > 0)
		CHECK_EQ_INT(vincl(leaf, i - 1, n, p, len, root), YZF_EBADSIG);
	CHECK_EQ_INT(vincl(leaf, i + 1, n, p, len, root),
		     i + 1 < n ? YZF_EBADSIG : YZF_EINVAL);
	CHECK_EQ_INT(vincl(leaf, i ^ 2, n, p, len, root),
		     (i ^ 2) < n ? YZF_EBADSIG : YZF_EINVAL);
	CHECK_EQ_INT(vincl(leaf, n, n, p, len, root), YZF_EINVAL);
	CHECK_EQ_INT(vincl(leaf, UINT64_MAX, n, p, len, root), YZF_EINVAL);
	/* Wrong size. */
	CHECK_EQ_INT(vincl(leaf, i, n * 2, p, len, root), YZF_EBADSIG);
	CHECK_EQ_INT(vincl(leaf, i, n / 2, p, len, root),
		     i < n / 2 ? YZF_EBADSIG : YZF_EINVAL);
	CHECK_EQ_INT(vincl(leaf, i, 0, p, len, root), YZF_EINVAL);
	for (uint64_t n2 = n - 1; n2 <= n + 1; n2 += 2) {
		int rc = vincl(leaf, i, n2, p, len, root);
		if (i >= n2) {
			CHECK_EQ_INT(rc, YZF_EINVAL);
			continue;
		}
		CHECK_EQ_INT(rc, same_shape(0, i, n, n2) ? YZF_OK : YZF_EBADSIG);
		rc ? n_refused++ : n_alias++;
	}
	/* Wrong root, wrong leaf. */
	memcpy(bad, root, 32);
	bad[7] ^= 0x10;
	CHECK_EQ_INT(vincl(leaf, i, n, p, len, bad), YZF_EBADSIG);
	CHECK_EQ_INT(vincl(leaf, i, n, p, len, roots[0]), YZF_EBADSIG);
	CHECK_EQ_INT(vincl(lh[(i + 1) % MAXLEAF], i, n, p, len, root),
		     YZF_EBADSIG);
	if (check_fail != before && incl_failures++ < 5)
		fprintf(stderr, "  ^ inclusion index %llu size %llu\n",
			(unsigned long long)i, (unsigned long long)n);
}

/* Every mutation of a good consistency proof (m < n) must be refused. */
static void cons_negative(uint64_t m, uint64_t n, hash *p, size_t len)
{
	hash q[MAXP], bad, garbage;
	const uint8_t *a = roots[m], *b = roots[n];
	int before = check_fail;

	memset(garbage, 0x5a, 32);
	for (size_t j = 0; j < len; j++) {
		for (int pos = 0; pos < 32; pos += 31) {
			p[j][pos] ^= pos ? 0x80 : 0x01;
			CHECK_EQ_INT(vcons(m, n, a, b, p, len), YZF_EBADSIG);
			p[j][pos] ^= pos ? 0x80 : 0x01;
		}
	}
	CHECK_EQ_INT(vcons(m, n, a, b, p, 0), YZF_EBADSIG);
	CHECK_EQ_INT(vcons(m, n, a, b, q, drop(p, len, 0, q)), YZF_EBADSIG);
	CHECK_EQ_INT(vcons(m, n, a, b, q, drop(p, len, len - 1, q)), YZF_EBADSIG);
	CHECK_EQ_INT(vcons(m, n, a, b, q, insert(p, len, 0, garbage, q)),
		     YZF_EBADSIG);
	CHECK_EQ_INT(vcons(m, n, a, b, q, insert(p, len, len, garbage, q)),
		     YZF_EBADSIG);
	CHECK_EQ_INT(vcons(m, n, a, b, q, insert(p, len, 0, p[0], q)),
		     YZF_EBADSIG);
	CHECK_EQ_INT(vcons(m, n, a, b, q, insert(p, len, 0, a, q)), YZF_EBADSIG);
	CHECK_EQ_INT(vcons(m, n, a, b, q, insert(p, len, len, b, q)),
		     YZF_EBADSIG);
	/* Wrong sizes. */
	CHECK_EQ_INT(vcons(m - 1, n, a, b, p, len),
		     m > 1 ? YZF_EBADSIG : YZF_EINVAL);
	CHECK_EQ_INT(vcons(m + 1, n, a, b, p, len), YZF_EBADSIG);
	CHECK_EQ_INT(vcons(m ^ 2, n, a, b, p, len),
		     (m ^ 2) == 0 || (m ^ 2) > n ? YZF_EINVAL : YZF_EBADSIG);
	CHECK_EQ_INT(vcons(m, n * 2, a, b, p, len), YZF_EBADSIG);
	CHECK_EQ_INT(vcons(m, n / 2, a, b, p, len),
		     m <= n / 2 ? YZF_EBADSIG : YZF_EINVAL);
	for (uint64_t n2 = n - 1; n2 <= n + 1; n2 += 2) {
		int rc = vcons(m, n2, a, b, p, len);
		if (m >= n2) { /* m == n2 wants an empty proof */
			CHECK_EQ_INT(rc, m > n2 ? YZF_EINVAL : YZF_EBADSIG);
			continue;
		}
		CHECK_EQ_INT(rc, same_shape(1, m, n, n2) ? YZF_OK : YZF_EBADSIG);
		rc ? n_refused++ : n_alias++;
	}
	CHECK_EQ_INT(vcons(n + 1, n, a, b, p, len), YZF_EINVAL);
	CHECK_EQ_INT(vcons(0, n, a, b, p, len), YZF_EINVAL);
	CHECK_EQ_INT(vcons(0, n, roots[0], b, NULL, 0), YZF_EINVAL);
	/* Wrong roots. */
	memcpy(bad, a, 32);
	bad[0] ^= 0x01;
	CHECK_EQ_INT(vcons(m, n, bad, b, p, len), YZF_EBADSIG);
	memcpy(bad, b, 32);
	bad[31] ^= 0x80;
	CHECK_EQ_INT(vcons(m, n, a, bad, p, len), YZF_EBADSIG);
	CHECK_EQ_INT(vcons(m, n, b, a, p, len), YZF_EBADSIG);
	CHECK_EQ_INT(vcons(m, n, roots[m - 1], b, p, len), YZF_EBADSIG);
	CHECK_EQ_INT(vcons(m, n, a, roots[n - 1], p, len), YZF_EBADSIG);
	if (check_fail != before && incl_failures++ < 5)
		fprintf(stderr, "  ^ consistency m %llu n %llu\n",
			(unsigned long long)m, (unsigned long long)n);
}

/* The array of vector leaf hashes as a proof source. */
static void lh_root(void *ctx, uint64_t lo, uint64_t n, uint8_t out[32])
{
	(void)ctx;
	CHECK_EQ_INT(yzf_merkle_root((const uint8_t(*)[32])lh + lo, n, out),
		     YZF_OK);
}

static int vmulti(const uint64_t *idx, size_t k, uint64_t n, const hash *p,
		  size_t len, const hash root)
{
	hash lv[MAXLEAF];
	for (size_t i = 0; i < k; i++)
		memcpy(lv[i], lh[idx[i]], 32);
	return yzf_merkle_verify_multi((const uint8_t(*)[32])lv, idx, k, n,
				       (const uint8_t(*)[32])p, len, root);
}

/* A multiproof that is right except for one thing is refused: each hash
 * flipped, one missing, one extra, a leaf swapped for another, the wrong
 * size, an index out of order. */
static void multi_negative(const uint64_t *idx, size_t k, uint64_t n,
			   hash *p, size_t len)
{
	hash q[MAXLEAF * 8], g;
	uint64_t id2[MAXLEAF];
	for (size_t j = 0; j < len; j++) {
		p[j][j % 32] ^= 1;
		CHECK_EQ_INT(vmulti(idx, k, n, p, len, roots[n]), YZF_EBADSIG);
		p[j][j % 32] ^= 1;
	}
	if (len) {
		CHECK_EQ_INT(vmulti(idx, k, n, p, len - 1, roots[n]),
			     YZF_EBADSIG);
		memcpy(q, p, 32 * len);
		memset(g, 0x5a, 32);
		memcpy(q[len], g, 32);
		CHECK_EQ_INT(vmulti(idx, k, n, q, len + 1, roots[n]),
			     YZF_EBADSIG);
	} else {
		CHECK_EQ_INT(vmulti(idx, k, n, roots, 1, roots[n]),
			     YZF_EBADSIG);
	}
	/* the same leaves claimed at other positions */
	memcpy(id2, idx, k * sizeof *idx);
	if (k == 1 && n > 1) {
		hash lv[1];
		memcpy(lv[0], lh[(idx[0] + 1) % n], 32);
		CHECK_EQ_INT(yzf_merkle_verify_multi((const uint8_t(*)[32])lv,
						     idx, 1, n,
						     (const uint8_t(*)[32])p,
						     len, roots[n]),
			     YZF_EBADSIG);
	}
	if (k >= 2) {
		uint64_t t = id2[0];
		id2[0] = id2[1];
		id2[1] = t;
		CHECK_EQ_INT(vmulti(id2, k, n, p, len, roots[n]), YZF_EINVAL);
	}
	CHECK_EQ_INT(vmulti(idx, k, n, p, len, roots[n - 1]), YZF_EBADSIG);
	if (idx[k - 1] < n - 1)
		CHECK(vmulti(idx, k, n - 1, p, len, roots[n - 1]) != YZF_OK);
	if (n < MAXLEAF)
		CHECK(vmulti(idx, k, n + 1, p, len, roots[n + 1]) != YZF_OK);
}

static void multi_vectors(const cJSON *doc)
{
	const cJSON *e, *x;
	struct yzf_merkle_src src = { lh_root, NULL };
	int count = 0;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "multi")) {
		uint64_t n = num(e, "size"), idx[MAXLEAF];
		size_t k = 0, glen = 999;
		hash want[MAXLEAF * 8], got[MAXLEAF * 8];
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(e,
								"indexes"))
			idx[k++] = (uint64_t)x->valuedouble;
		size_t wlen = proof_of(cJSON_GetObjectItemCaseSensitive(e, "proof"),
				       want);
		CHECK_EQ_INT(yzf_merkle_multi_proof(&src, n, idx, k, got,
						    MAXLEAF * 8, &glen),
			     YZF_OK);
		CHECK_EQ_INT(glen, wlen);
		CHECK(glen == wlen && memcmp(got, want, 32 * wlen) == 0);
		CHECK_EQ_INT(vmulti(idx, k, n, want, wlen, roots[n]), YZF_OK);
		multi_negative(idx, k, n, want, wlen);
		/* a proof that does not fit says how long it is */
		if (wlen) {
			glen = 0;
			CHECK_EQ_INT(yzf_merkle_multi_proof(&src, n, idx, k, got,
							    wlen - 1, &glen),
				     YZF_ERANGE);
			CHECK_EQ_INT(glen, wlen);
		}
		count++;
	}
	CHECK(count > 1000);
	/* no leaves, or an index past the end, describe no proof */
	uint64_t i0 = 3;
	size_t l0;
	hash p0[4];
	CHECK_EQ_INT(yzf_merkle_multi_proof(&src, 3, &i0, 1, p0, 4, &l0),
		     YZF_EINVAL);
	CHECK_EQ_INT(yzf_merkle_multi_proof(&src, 3, &i0, 0, p0, 4, &l0),
		     YZF_EINVAL);
}

static void vectors(const cJSON *doc)
{
	const cJSON *e;
	size_t i = 0;
	int nroots = 0, nincl = 0, ncons = 0;

	/* Leaves: the documented rule, and yzf_merkle_leaf against Python. */
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "leaves")) {
		uint8_t data[8], want[8];
		size_t len = 0;
		hash h;
		if (i >= MAXLEAF)
			break;
		CHECK(unhex(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
				    e, "data")), data, sizeof data, &len) == 0);
		memset(want, (int)i, sizeof want);
		CHECK(len == i % 7 + 1 && memcmp(data, want, len) == 0);
		yzf_merkle_leaf(data, len, lh[i]);
		h32(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "hash")),
		    h);
		CHECK(memcmp(h, lh[i], 32) == 0);
		i++;
	}
	CHECK_EQ_INT(i, MAXLEAF);

	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "roots")) {
		uint64_t n = num(e, "size");
		hash got;
		if (n > MAXLEAF)
			exit(2);
		h32(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "root")),
		    roots[n]);
		CHECK_EQ_INT(yzf_merkle_root((const uint8_t(*)[32])lh, n, got),
			     YZF_OK);
		CHECK(memcmp(got, roots[n], 32) == 0);
		nroots++;
	}
	CHECK_EQ_INT(nroots, MAXLEAF + 1);

	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "inclusion")) {
		uint64_t idx = num(e, "index"), n = num(e, "size");
		hash want[MAXP], got[MAXP];
		size_t wlen = proof_of(cJSON_GetObjectItemCaseSensitive(e, "proof"),
				       want), glen = 999;
		CHECK_EQ_INT(yzf_merkle_inclusion_proof((const uint8_t(*)[32])lh,
							n, idx, got, MAXP, &glen),
			     YZF_OK);
		CHECK_EQ_INT(glen, wlen);
		CHECK(glen == wlen && memcmp(got, want, 32 * wlen) == 0);
		CHECK_EQ_INT(vincl(lh[idx], idx, n, want, wlen, roots[n]), YZF_OK);
		incl_negative(idx, n, want, wlen, roots[n]);
		nincl++;
	}
	CHECK_EQ_INT(nincl, 32 * 33 / 2);

	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "consistency")) {
		uint64_t m = num(e, "m"), n = num(e, "n");
		hash want[MAXP], got[MAXP];
		size_t wlen = proof_of(cJSON_GetObjectItemCaseSensitive(e, "proof"),
				       want), glen = 999;
		CHECK_EQ_INT(yzf_merkle_consistency_proof((const uint8_t(*)[32])lh,
							  n, m, got, MAXP, &glen),
			     YZF_OK);
		CHECK_EQ_INT(glen, wlen);
		CHECK(glen == wlen && memcmp(got, want, 32 * wlen) == 0);
		CHECK_EQ_INT(vcons(m, n, roots[m], roots[n], want, wlen), YZF_OK);
		if (m == n) {
			CHECK_EQ_INT(wlen, 0);
			CHECK_EQ_INT(vcons(m, n, roots[m], roots[n], roots, 1),
				     YZF_EBADSIG);
			CHECK_EQ_INT(vcons(m, n, roots[m], roots[(n + 1) % 65],
					   NULL, 0), YZF_EBADSIG);
			CHECK_EQ_INT(vcons(m + 1, n, roots[m], roots[n], NULL, 0),
				     YZF_EINVAL);
		} else {
			cons_negative(m, n, want, wlen);
		}
		ncons++;
	}
	CHECK_EQ_INT(ncons, 32 * 33 / 2);
	multi_vectors(doc);
}

/* The RFC 6962 test tree, as published with certificate-transparency and
 * Trillian (merkle/log_verifier_test.go). */
static void known_answers(void)
{
	static const char *data[8] = {
		"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
		"606162636465666768696a6b6c6d6e6f",
	};
	static const char *want_roots[9] = {
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
		"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
		"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
		"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
		"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
		"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
	};
	static const struct {
		int kind; /* 'i': a = index, b = size; 'c': a = m, b = n */
		uint64_t a, b;
		const char *p[3];
	} proofs[] = {
		{ 'i', 0, 8, { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
			       "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
			       "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
		{ 'i', 5, 8, { "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
			       "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
			       "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
		{ 'i', 2, 3, { "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125" } },
		{ 'i', 1, 5, { "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
			       "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
			       "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
		{ 'c', 1, 8, { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
			       "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
			       "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
		{ 'c', 6, 8, { "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
			       "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
			       "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
		{ 'c', 2, 5, { "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
			       "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
	};
	hash kl[8], kr[9], got, want[3], out[MAXP];

	for (int i = 0; i < 8; i++) {
		uint8_t d[16];
		size_t len = 0;
		CHECK(unhex(data[i], d, sizeof d, &len) == 0);
		yzf_merkle_leaf(d, len, kl[i]);
	}
	for (int n = 0; n <= 8; n++) {
		h32(want_roots[n], kr[n]);
		CHECK_EQ_INT(yzf_merkle_root((const uint8_t(*)[32])kl, (uint64_t)n,
					     got), YZF_OK);
		CHECK(memcmp(got, kr[n], 32) == 0);
	}
	CHECK_EQ_INT(yzf_merkle_root(NULL, 0, got), YZF_OK);
	CHECK(memcmp(got, kr[0], 32) == 0);

	for (size_t t = 0; t < sizeof proofs / sizeof proofs[0]; t++) {
		size_t len = 0, glen = 0;
		uint64_t a = proofs[t].a, b = proofs[t].b;
		while (len < 3 && proofs[t].p[len])
			h32(proofs[t].p[len], want[len]), len++;
		if (proofs[t].kind == 'i') {
			CHECK_EQ_INT(yzf_merkle_inclusion_proof(
					     (const uint8_t(*)[32])kl, b, a, out,
					     MAXP, &glen), YZF_OK);
			CHECK_EQ_INT(vincl(kl[a], a, b, want, len, kr[b]), YZF_OK);
		} else {
			CHECK_EQ_INT(yzf_merkle_consistency_proof(
					     (const uint8_t(*)[32])kl, b, a, out,
					     MAXP, &glen), YZF_OK);
			CHECK_EQ_INT(vcons(a, b, kr[a], kr[b], want, len), YZF_OK);
		}
		CHECK(glen == len && memcmp(out, want, 32 * len) == 0);
	}
}

/* Argument checks, short buffers and sizes near 2^64. */
static void edges(void)
{
	hash out[MAXP], g[MAXP];
	size_t len = 0;
	const uint8_t(*l)[32] = (const uint8_t(*)[32])lh;

	CHECK_EQ_INT(yzf_merkle_inclusion_proof(l, 8, 8, out, MAXP, &len),
		     YZF_EINVAL);
	CHECK_EQ_INT(yzf_merkle_inclusion_proof(l, 0, 0, out, MAXP, &len),
		     YZF_EINVAL);
	CHECK_EQ_INT(yzf_merkle_inclusion_proof(l, 1, 0, out, MAXP, &len),
		     YZF_OK);
	CHECK_EQ_INT(len, 0);
	CHECK_EQ_INT(yzf_merkle_inclusion_proof(l, 32, 5, NULL, 0, &len),
		     YZF_ERANGE);
	CHECK_EQ_INT(len, 5);
	CHECK_EQ_INT(yzf_merkle_inclusion_proof(l, 32, 5, out, 4, &len),
		     YZF_ERANGE);
	CHECK_EQ_INT(yzf_merkle_consistency_proof(l, 8, 0, out, MAXP, &len),
		     YZF_EINVAL);
	CHECK_EQ_INT(yzf_merkle_consistency_proof(l, 8, 9, out, MAXP, &len),
		     YZF_EINVAL);
	CHECK_EQ_INT(yzf_merkle_consistency_proof(l, 8, 8, NULL, 0, &len),
		     YZF_OK);
	CHECK_EQ_INT(len, 0);
	CHECK_EQ_INT(yzf_merkle_consistency_proof(l, 7, 3, NULL, 0, &len),
		     YZF_ERANGE);
	CHECK_EQ_INT(len, 4);
	CHECK_EQ_INT(yzf_merkle_root(NULL, 3, out[0]), YZF_EINVAL);

	CHECK_EQ_INT(vincl(lh[0], 0, 1, NULL, 0, lh[0]), YZF_OK);
	CHECK_EQ_INT(vincl(lh[0], 0, 0, NULL, 0, lh[0]), YZF_EINVAL);
	CHECK_EQ_INT(vcons(0, 0, roots[0], roots[0], NULL, 0), YZF_EINVAL);
	CHECK_EQ_INT(vcons(3, 3, roots[3], roots[3], NULL, 0), YZF_OK);
	CHECK_EQ_INT(vcons(3, 2, roots[3], roots[2], NULL, 0), YZF_EINVAL);

	/* Garbage proofs over huge trees end cleanly, without overflow. */
	memset(g, 0x33, sizeof g);
	for (size_t k = 0; k <= MAXP; k += 5) {
		CHECK_EQ_INT(vincl(lh[0], UINT64_MAX - 1, UINT64_MAX, g, k,
				   roots[1]), YZF_EBADSIG);
		CHECK_EQ_INT(vincl(lh[0], 0, UINT64_MAX, g, k, roots[1]),
			     YZF_EBADSIG);
		CHECK_EQ_INT(vcons(UINT64_MAX - 1, UINT64_MAX, roots[1],
				   roots[2], g, k), YZF_EBADSIG);
		CHECK_EQ_INT(vcons(1ull << 63, UINT64_MAX, roots[1], roots[2],
				   g, k), YZF_EBADSIG);
	}
}

int main(int argc, char **argv)
{
	FILE *f;
	char *buf;
	long sz;
	cJSON *doc;

	if (argc < 2) {
		fprintf(stderr, "usage: %s merkle-vectors.json\n", argv[0]);
		return 2;
	}
	if (sodium_init() < 0)
		return 2;
	f = fopen(argv[1], "rb");
	if (!f || fseek(f, 0, SEEK_END) || (sz = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) || !(buf = malloc((size_t)sz + 1)) ||
	    fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
		fprintf(stderr, "cannot read %s\n", argv[1]);
		return 2;
	}
	fclose(f);
	buf[sz] = 0;
	doc = cJSON_ParseWithOpts(buf, NULL, 1);
	free(buf);
	if (!doc) {
		fprintf(stderr, "%s: not JSON\n", argv[1]);
		return 2;
	}
	vectors(doc);
	cJSON_Delete(doc);
	known_answers();
	edges();
	/* Both outcomes must occur, or the shape oracle is idle. */
	CHECK(n_refused > 0 && n_alias > 0);
	printf("sizes off by one: %d refused, %d same-shape aliases\n",
	       n_refused, n_alias);
	return check_done();
}

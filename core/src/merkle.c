/* RFC 9162 §2.1 Merkle trees over SHA-256: roots, proofs and verifiers.
 * Nothing here allocates; the builders keep O(log n) hashes on the stack,
 * the verifiers O(1). */
#include <sodium.h>
#include <stdbool.h>
#include <string.h>

#include "yzf/merkle.h"

#define HLEN YZF_MERKLE_HASH_LEN
/* Deepest path in a tree of at most 2^64 - 1 leaves. */
#define MAX_DEPTH 64

struct range {
	uint64_t lo, n;
};

void yzf_merkle_leaf(const uint8_t *data, size_t len, uint8_t out[32])
{
	static const uint8_t prefix = 0x00;
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &prefix, 1);
	if (len)
		crypto_hash_sha256_update(&st, data, len);
	crypto_hash_sha256_final(&st, out);
}

/* out may alias l or r: it is written only by the final step. */
void yzf_merkle_node(const uint8_t l[32], const uint8_t r[32], uint8_t out[32])
{
	static const uint8_t prefix = 0x01;
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &prefix, 1);
	crypto_hash_sha256_update(&st, l, HLEN);
	crypto_hash_sha256_update(&st, r, HLEN);
	crypto_hash_sha256_final(&st, out);
}

/* The largest power of two strictly less than n, for n >= 2. Written as
 * k < n - k so that it cannot overflow near 2^64. */
static uint64_t split(uint64_t n)
{
	uint64_t k = 1;
	while (k < n - k)
		k <<= 1;
	return k;
}

/* MTH of the n >= 1 leaf hashes lv[0..n), without recursion. Leaves are
 * pushed on a stack of perfect subtrees and two equal-sized tops merged as
 * soon as they exist (after leaf i, as many merges as trailing one bits of
 * i); the stack then holds the perfect subtrees of n in decreasing size,
 * and folding them from the right gives RFC 9162's split at the largest
 * power of two below n. The stack never holds more than 64 entries. */
static void subroot(const uint8_t (*lv)[32], uint64_t n, uint8_t out[32])
{
	uint8_t st[MAX_DEPTH + 1][HLEN];
	size_t d = 0;

	for (uint64_t i = 0; i < n; i++) {
		memcpy(st[d++], lv[i], HLEN);
		for (uint64_t c = i; c & 1; c >>= 1, d--)
			yzf_merkle_node(st[d - 2], st[d - 1], st[d - 2]);
	}
	for (; d > 1; d--)
		yzf_merkle_node(st[d - 2], st[d - 1], st[d - 2]);
	memcpy(out, st[0], HLEN);
}

int yzf_merkle_root(const uint8_t (*leaves)[32], uint64_t n, uint8_t out[32])
{
	if (!out || (n && !leaves))
		return YZF_EINVAL;
	if (n == 0)
		crypto_hash_sha256(out, (const unsigned char *)"", 0);
	else
		subroot(leaves, n, out);
	return YZF_OK;
}

static void array_root(void *ctx, uint64_t lo, uint64_t n, uint8_t out[32])
{
	subroot((const uint8_t (*)[32])ctx + lo, n, out);
}

/* Write the proof: first the subtree at head (if head is not NULL), then
 * the roots of the sibling subtrees sib[cnt-1] .. sib[0]. The walk that
 * found the siblings went from the root down, the RFC lists them from the
 * leaf up, hence the reversal. */
static int emit(const struct yzf_merkle_src *src, const struct range *head,
		const struct range *sib, size_t cnt, uint8_t (*proof)[32],
		size_t cap, size_t *len)
{
	size_t total = cnt + (head != NULL), j = 0;

	*len = total;
	if (total > cap)
		return YZF_ERANGE;
	if (head)
		src->range_root(src->ctx, head->lo, head->n, proof[j++]);
	while (cnt--)
		src->range_root(src->ctx, sib[cnt].lo, sib[cnt].n, proof[j++]);
	return YZF_OK;
}

/* PATH(m, D[n]) of RFC 9162 §2.1.3.1, unrolled: at each level the path
 * goes into the half that holds the leaf and the other half's root joins
 * the proof. */
int yzf_merkle_inclusion_proof(const uint8_t (*leaves)[32], uint64_t n,
			       uint64_t index, uint8_t (*proof)[32], size_t cap,
			       size_t *len)
{
	struct yzf_merkle_src src = { array_root, (void *)leaves };
	if (!leaves)
		return YZF_EINVAL;
	return yzf_merkle_src_inclusion(&src, n, index, proof, cap, len);
}

int yzf_merkle_src_inclusion(const struct yzf_merkle_src *src, uint64_t n,
			     uint64_t index, uint8_t (*proof)[32], size_t cap,
			     size_t *len)
{
	struct range sib[MAX_DEPTH];
	uint64_t lo = 0, sz = n, m = index;
	size_t cnt = 0;

	if (!src || !len || (cap && !proof) || index >= n)
		return YZF_EINVAL;
	while (sz > 1) {
		uint64_t k = split(sz);
		if (m < k) {
			sib[cnt++] = (struct range){ lo + k, sz - k };
			sz = k;
		} else {
			sib[cnt++] = (struct range){ lo, k };
			lo += k;
			m -= k;
			sz -= k;
		}
	}
	return emit(src, NULL, sib, cnt, proof, cap, len);
}

/* SUBPROOF(m, D[n], true) of RFC 9162 §2.1.4.1, unrolled. The walk stops
 * at the subtree that is exactly the old tree's last piece; that subtree's
 * root is in the proof unless it is a left-edge subtree (start flag still
 * set), whose root the verifier already has as the old root. */
int yzf_merkle_consistency_proof(const uint8_t (*leaves)[32], uint64_t n_new,
				 uint64_t m_old, uint8_t (*proof)[32],
				 size_t cap, size_t *len)
{
	struct yzf_merkle_src src = { array_root, (void *)leaves };
	if (!leaves)
		return YZF_EINVAL;
	return yzf_merkle_src_consistency(&src, n_new, m_old, proof, cap, len);
}

int yzf_merkle_src_consistency(const struct yzf_merkle_src *src,
			       uint64_t n_new, uint64_t m_old,
			       uint8_t (*proof)[32], size_t cap, size_t *len)
{
	struct range sib[MAX_DEPTH], head;
	uint64_t lo = 0, sz = n_new, m = m_old;
	size_t cnt = 0;
	bool start = true;

	if (!src || !len || (cap && !proof) || m_old == 0 || m_old > n_new)
		return YZF_EINVAL;
	while (m != sz) {
		uint64_t k = split(sz);
		if (m <= k) {
			sib[cnt++] = (struct range){ lo + k, sz - k };
			sz = k;
		} else {
			sib[cnt++] = (struct range){ lo, k };
			lo += k;
			m -= k;
			sz -= k;
			start = false;
		}
	}
	head = (struct range){ lo, sz };
	return emit(src, start ? NULL : &head, sib, cnt, proof, cap, len);
}

static bool same(const uint8_t a[32], const uint8_t b[32])
{
	return sodium_memcmp(a, b, HLEN) == 0;
}

/* RFC 9162 §2.1.3.2 step by step. fn is the leaf's position and sn the
 * last position at the current level; a hash is consumed per level, and
 * levels where the leaf's subtree is the promoted right edge (fn == sn,
 * fn even) are skipped. sn reaching 0 exactly with the last hash is what
 * rejects proofs that are too long or too short. */
int yzf_merkle_verify_inclusion(const uint8_t leaf[32], uint64_t index,
				uint64_t size, const uint8_t (*proof)[32],
				size_t len, const uint8_t root[32])
{
	uint8_t r[HLEN];
	uint64_t fn = index, sn;

	if (!leaf || !root || (len && !proof) || index >= size)
		return YZF_EINVAL;
	sn = size - 1;
	memcpy(r, leaf, HLEN);
	for (size_t i = 0; i < len; i++) {
		if (sn == 0)
			return YZF_EBADSIG;
		if ((fn & 1) || fn == sn) {
			yzf_merkle_node(proof[i], r, r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			yzf_merkle_node(r, proof[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && same(r, root) ? YZF_OK : YZF_EBADSIG;
}

/* RFC 9162 §2.1.4.2 step by step: fr rebuilds the old root and sr the new
 * one from the same hashes. When m is a power of two the old tree is a
 * single left-edge subtree whose root the proof omits; old_root stands in
 * as the virtual first element rather than copying the proof. */
int yzf_merkle_verify_consistency(uint64_t m, uint64_t n,
				  const uint8_t old_root[32],
				  const uint8_t new_root[32],
				  const uint8_t (*proof)[32], size_t len)
{
	uint8_t fr[HLEN], sr[HLEN];
	uint64_t fn, sn;
	size_t i;

	if (!old_root || !new_root || (len && !proof) || m == 0 || m > n)
		return YZF_EINVAL;
	if (m == n)
		return len == 0 && same(old_root, new_root) ? YZF_OK
							    : YZF_EBADSIG;
	if (len == 0)
		return YZF_EBADSIG;
	if ((m & (m - 1)) == 0) {
		memcpy(fr, old_root, HLEN);
		i = 0;
	} else {
		memcpy(fr, proof[0], HLEN);
		i = 1;
	}
	memcpy(sr, fr, HLEN);
	fn = m - 1;
	sn = n - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < len; i++) {
		if (sn == 0)
			return YZF_EBADSIG;
		if ((fn & 1) || fn == sn) {
			yzf_merkle_node(proof[i], fr, fr);
			yzf_merkle_node(proof[i], sr, sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			yzf_merkle_node(sr, proof[i], sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && same(fr, old_root) && same(sr, new_root)
		       ? YZF_OK
		       : YZF_EBADSIG;
}

/* Multiproofs. The tree over [lo, lo+n) is walked from the root as
 * RFC 9162 splits it; a subtree holding none of the wanted leaves is one
 * proof hash, a single wanted leaf is the verifier's own, anything else is
 * split again. Prover and verifier walk the same way, left before right,
 * so the proof is just the hashes in the order the walk meets them.
 * Recursion depth is at most 64. */

/* How many of the sorted idx[0..k) are below end. */
static size_t below(const uint64_t *idx, size_t k, uint64_t end)
{
	size_t m = 0;
	while (m < k && idx[m] < end)
		m++;
	return m;
}

static void multi(const struct yzf_merkle_src *src, uint64_t lo, uint64_t n,
		  const uint64_t *idx, size_t k, uint8_t (*proof)[32],
		  size_t cap, size_t *len)
{
	if (k == 0) {
		if (*len < cap)
			src->range_root(src->ctx, lo, n, proof[*len]);
		(*len)++;
		return;
	}
	if (n == 1)
		return;
	uint64_t s = split(n);
	size_t m = below(idx, k, lo + s);
	multi(src, lo, s, idx, m, proof, cap, len);
	multi(src, lo + s, n - s, idx + m, k - m, proof, cap, len);
}

static bool sorted_below(const uint64_t *idx, size_t k, uint64_t size)
{
	for (size_t i = 0; i < k; i++)
		if (idx[i] >= size || (i && idx[i] <= idx[i - 1]))
			return false;
	return true;
}

int yzf_merkle_multi_proof(const struct yzf_merkle_src *src, uint64_t size,
			   const uint64_t *idx, size_t k, uint8_t (*proof)[32],
			   size_t cap, size_t *len)
{
	if (!src || !len || (cap && !proof) || (k && !idx) || k == 0 ||
	    !sorted_below(idx, k, size))
		return YZF_EINVAL;
	*len = 0;
	multi(src, 0, size, idx, k, proof, cap, len);
	return *len > cap ? YZF_ERANGE : YZF_OK;
}

struct vwalk {
	const uint8_t (*leaves)[32];
	const uint8_t (*proof)[32];
	size_t len, used;
};

static bool vmulti(struct vwalk *w, uint64_t lo, uint64_t n,
		   const uint64_t *idx, size_t k, size_t first, uint8_t out[32])
{
	uint8_t l[HLEN], r[HLEN];
	if (k == 0) {
		if (w->used == w->len)
			return false;
		memcpy(out, w->proof[w->used++], HLEN);
		return true;
	}
	if (n == 1) {
		memcpy(out, w->leaves[first], HLEN);
		return true;
	}
	uint64_t s = split(n);
	size_t m = below(idx, k, lo + s);
	if (!vmulti(w, lo, s, idx, m, first, l) ||
	    !vmulti(w, lo + s, n - s, idx + m, k - m, first + m, r))
		return false;
	yzf_merkle_node(l, r, out);
	return true;
}

int yzf_merkle_verify_multi(const uint8_t (*leaves)[32], const uint64_t *idx,
			    size_t k, uint64_t size, const uint8_t (*proof)[32],
			    size_t len, const uint8_t root[32])
{
	struct vwalk w = { leaves, proof, len, 0 };
	uint8_t r[HLEN];
	if (!leaves || !idx || !root || (len && !proof) || k == 0 ||
	    !sorted_below(idx, k, size))
		return YZF_EINVAL;
	if (!vmulti(&w, 0, size, idx, k, 0, r) || w.used != len)
		return YZF_EBADSIG;
	return same(r, root) ? YZF_OK : YZF_EBADSIG;
}

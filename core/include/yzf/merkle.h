/* yzf/merkle.h — RFC 9162 Merkle trees: roots, inclusion and consistency
 * proofs, and their verifiers.
 *
 * The tree is the one of RFC 9162 (Certificate Transparency 2.0) §2.1,
 * unchanged from RFC 6962, with SHA-256:
 *   leaf hash   = SHA-256(0x00 || data)
 *   node hash   = SHA-256(0x01 || left || right)
 *   MTH({})     = SHA-256("") = e3b0c442...7852b855
 *   MTH(D[n])   = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of
 *                 two strictly less than n. An odd last leaf is promoted,
 *                 never duplicated.
 * Every hash is 32 bytes (YZF_MERKLE_HASH_LEN); tree sizes and indexes are
 * uint64_t. A proof is an array of hashes, uint8_t (*)[32], in the order
 * the RFC gives (nearest the leaf first).
 *
 * Ownership: nothing here allocates or keeps a pointer. The builders
 * (root, proofs) take the caller's array of leaf hashes and use O(log n)
 * stack; the verifiers use O(1) memory and read only what they are given.
 *
 * Threading: no state; every function may be called from any thread.
 * libsodium must have been initialised (sodium_init(); yzf_open() does).
 *
 * Errors: YZF_OK; YZF_EINVAL for arguments that can describe no tree
 * (index >= size, m > n, m == 0 for a consistency proof, NULL pointers);
 * YZF_ERANGE when a proof does not fit the caller's array; YZF_EBADSIG when
 * a proof does not verify (wrong hash, too many or too few hashes).
 */
#ifndef YZF_MERKLE_H
#define YZF_MERKLE_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define YZF_MERKLE_HASH_LEN 32
/* No proof over a tree of at most 2^64 - 1 leaves is longer than this
 * (an inclusion proof has at most 64 hashes, a consistency proof 65). */
#define YZF_MERKLE_MAX_PROOF 65

/* out = SHA-256(0x00 || data[0..len)). data may be NULL when len is 0.
 * out may not overlap data. */
YZF_API void yzf_merkle_leaf(const uint8_t *data, size_t len,
			     uint8_t out[32]);

/* out = SHA-256(0x01 || l || r). out may be l or r. */
YZF_API void yzf_merkle_node(const uint8_t l[32], const uint8_t r[32],
			     uint8_t out[32]);

/* The root MTH over n leaf HASHES (not leaf data: hash each entry with
 * yzf_merkle_leaf first). n == 0 gives SHA-256(""); leaves may then be
 * NULL. Returns YZF_OK, or YZF_EINVAL for a NULL leaves with n > 0. */
YZF_API int yzf_merkle_root(const uint8_t (*leaves)[32], uint64_t n,
			    uint8_t out[32]);

/* The inclusion proof PATH(index, D[n]) of RFC 9162 §2.1.3.1 for leaf
 * index of the tree over the n leaf hashes leaves[0..n). Writes at most cap
 * hashes to proof and their count to *len (0 for a one-leaf tree).
 * Returns YZF_OK; YZF_EINVAL if index >= n or a pointer is NULL; YZF_ERANGE
 * if the proof needs more than cap hashes (then *len holds the count
 * needed and proof is untouched; cap YZF_MERKLE_MAX_PROOF always fits).
 * proof may be NULL when cap is 0, to ask for the length. */
YZF_API int yzf_merkle_inclusion_proof(const uint8_t (*leaves)[32],
				       uint64_t n, uint64_t index,
				       uint8_t (*proof)[32], size_t cap,
				       size_t *len);

/* The consistency proof PROOF(m, D[n]) of RFC 9162 §2.1.4.1 that the tree
 * of the first m_old leaves is a prefix of the tree of n_new leaves
 * leaves[0..n_new). m_old == n_new gives the empty proof. Returns as
 * yzf_merkle_inclusion_proof, with YZF_EINVAL for m_old == 0 or
 * m_old > n_new (the empty tree needs no proof; a tree cannot shrink). */
YZF_API int yzf_merkle_consistency_proof(const uint8_t (*leaves)[32],
					 uint64_t n_new, uint64_t m_old,
					 uint8_t (*proof)[32], size_t cap,
					 size_t *len);

/* Check that leaf (a leaf HASH) is entry index of the tree of the given
 * size whose root is root, by the algorithm of RFC 9162 §2.1.3.2. proof
 * holds len hashes (may be NULL when len is 0). Returns YZF_OK when it
 * verifies; YZF_EINVAL if index >= size or a pointer is NULL; YZF_EBADSIG
 * otherwise, including a proof with hashes left over or missing.
 * Note: the size is bound only through the shape of the path; the root
 * must come from a signed checkpoint that names this size. */
YZF_API YZF_NODISCARD int yzf_merkle_verify_inclusion(
	const uint8_t leaf[32], uint64_t index, uint64_t size,
	const uint8_t (*proof)[32], size_t len, const uint8_t root[32]);

/* Check that the tree of size m with root old_root is a prefix of the tree
 * of size n with root new_root, by RFC 9162 §2.1.4.2. When m == n the
 * proof must be empty and the roots equal. proof holds len hashes (may be
 * NULL when len is 0). Returns YZF_OK when it verifies; YZF_EINVAL if
 * m == 0, m > n or a pointer is NULL (the caller decides what an empty old
 * tree means); YZF_EBADSIG otherwise, including extra or missing hashes. */
YZF_API YZF_NODISCARD int yzf_merkle_verify_consistency(
	uint64_t m, uint64_t n, const uint8_t old_root[32],
	const uint8_t new_root[32], const uint8_t (*proof)[32], size_t len);

/* Where proof builders find subtree roots when the caller does not hold
 * every leaf hash in one array (a daemon's log keeps the roots of its
 * perfect subtrees). range_root writes MTH of the leaves [lo, lo+n); it is
 * only asked for ranges RFC 9162's splitting produces: n a power of two
 * and lo a multiple of n, or a range ending at the tree's size. */
struct yzf_merkle_src {
	void (*range_root)(void *ctx, uint64_t lo, uint64_t n, uint8_t out[32]);
	void *ctx;
};

/* yzf_merkle_inclusion_proof and yzf_merkle_consistency_proof over a
 * source instead of an array; same results and errors. */
YZF_API int yzf_merkle_src_inclusion(const struct yzf_merkle_src *src,
				     uint64_t n, uint64_t index,
				     uint8_t (*proof)[32], size_t cap,
				     size_t *len);
YZF_API int yzf_merkle_src_consistency(const struct yzf_merkle_src *src,
				       uint64_t n_new, uint64_t m_old,
				       uint8_t (*proof)[32], size_t cap,
				       size_t *len);

/* A multiproof: that the k leaves at the strictly increasing indexes
 * idx[0..k) are in the tree of the given size. The walk splits the tree as
 * RFC 9162 does, from the root; each subtree holding none of the leaves
 * contributes its root, in the order the walk meets them (left before
 * right, depth first). For one leaf it holds the inclusion path's hashes
 * from the root down; for a contiguous run of r leaves at most about
 * 2 log2(size) hashes. k >= 1. Builder: as yzf_merkle_inclusion_proof (the
 * length needed is in *len on YZF_ERANGE; k * 64 always fits). Verifier:
 * leaves[i] is the leaf HASH at idx[i]; YZF_OK, YZF_EINVAL for indexes
 * that are not increasing or not below size, YZF_EBADSIG otherwise,
 * including hashes left over or missing. */
YZF_API int yzf_merkle_multi_proof(const struct yzf_merkle_src *src,
				   uint64_t size, const uint64_t *idx, size_t k,
				   uint8_t (*proof)[32], size_t cap,
				   size_t *len);
YZF_API YZF_NODISCARD int yzf_merkle_verify_multi(
	const uint8_t (*leaves)[32], const uint64_t *idx, size_t k,
	uint64_t size, const uint8_t (*proof)[32], size_t len,
	const uint8_t root[32]);

#ifdef __cplusplus
}
#endif
#endif

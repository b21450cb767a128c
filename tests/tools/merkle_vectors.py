#!/usr/bin/env python3
"""merkle_vectors.py — write tests/data/merkle-vectors.json.

An independent Python model of the RFC 9162 (Certificate Transparency 2.0)
section 2.1 Merkle Tree, written straight from the RFC's recursive
definitions (MTH, PATH, PROOF/SUBPROOF) with hashlib.sha256. It shares no
code with core/src/merkle.c, so tests/unit/test_merkle.c can use it as an
oracle for the C module.

Leaf data rule: leaf i (0-based) is the byte i repeated (i % 7 + 1) times,
    data(i) = bytes([i]) * (i % 7 + 1)
e.g. leaf 0 = 00, leaf 1 = 0101, leaf 8 = 0808, leaf 13 = 0d0d0d0d0d0d0d.
The tree of size n holds leaves 0..n-1.

Contents (all hashes lowercase hex):
  roots        MTH of the trees of size 0..64
  inclusion    PATH(index, D[size]) for every 0 <= index < size <= 32
  consistency  PROOF(m, D[n]) for every 1 <= m <= n <= 32 (m == n: [])
  multi        yzf multiproofs (schemas/sync.md, "The city's log") for
               sets of indexes: every contiguous run in trees up to 16,
               and seeded random sets in trees up to 64

Usage: python3 tests/tools/merkle_vectors.py [OUT]
       (default OUT: tests/data/merkle-vectors.json beside this script)
"""
import functools
import hashlib
import json
import os
import sys

MAX_ROOT = 64
MAX_PROOF = 32


def sha256(b):
    return hashlib.sha256(b).digest()


def leaf_data(i):
    return bytes([i]) * (i % 7 + 1)


def split(n):
    """The largest power of two strictly less than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


LEAVES = [leaf_data(i) for i in range(MAX_ROOT)]


@functools.lru_cache(maxsize=None)
def mth(lo, hi):
    """MTH(D[lo:hi]) as RFC 9162 2.1.1 defines it."""
    n = hi - lo
    if n == 0:
        return sha256(b"")
    if n == 1:
        return sha256(b"\x00" + LEAVES[lo])
    k = split(n)
    return sha256(b"\x01" + mth(lo, lo + k) + mth(lo + k, hi))


def path(m, lo, hi):
    """PATH(m, D[lo:hi]), RFC 9162 2.1.3.1."""
    n = hi - lo
    if n == 1:
        return []
    k = split(n)
    if m < k:
        return path(m, lo, lo + k) + [mth(lo + k, hi)]
    return path(m - k, lo + k, hi) + [mth(lo, lo + k)]


def subproof(m, lo, hi, b):
    """SUBPROOF(m, D[lo:hi], b), RFC 9162 2.1.4.1."""
    n = hi - lo
    if m == n:
        return [] if b else [mth(lo, hi)]
    k = split(n)
    if m <= k:
        return subproof(m, lo, lo + k, b) + [mth(lo + k, hi)]
    return subproof(m - k, lo + k, hi, False) + [mth(lo, lo + k)]


def proof(m, n):
    """PROOF(m, D[n]) for 0 < m <= n."""
    return subproof(m, 0, n, True)


def multi(idx, lo, hi):
    """The yzf multiproof for the leaves at the sorted indexes idx of
    D[lo:hi]: walking down RFC 9162's splits, a subtree holding none of idx
    gives its MTH; a single wanted leaf gives nothing; otherwise the left
    part's proof then the right part's."""
    if not idx:
        return [mth(lo, hi)]
    if hi - lo == 1:
        return []
    k = split(hi - lo)
    left = [i for i in idx if i < lo + k]
    right = [i for i in idx if i >= lo + k]
    return multi(left, lo, lo + k) + multi(right, lo + k, hi)


def multi_sets():
    import random
    rng = random.Random(9162)
    out = []
    for n in range(1, 17):
        for a in range(n):
            for b in range(a + 1, n + 1):
                out.append((n, list(range(a, b))))
    for n in range(2, MAX_ROOT + 1):
        for _ in range(6):
            k = rng.randint(1, n)
            out.append((n, sorted(rng.sample(range(n), k))))
    return out


def hx(bs):
    return [b.hex() for b in bs]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "data", "merkle-vectors.json")
    doc = {
        "about": "RFC 9162 2.1 Merkle tree vectors (SHA-256), written by "
                 "tests/tools/merkle_vectors.py; do not edit by hand",
        "leaf_rule": "leaf i = bytes([i]) * (i % 7 + 1); tree of size n "
                     "holds leaves 0..n-1",
        "leaves": [{"data": d.hex(), "hash": sha256(b"\x00" + d).hex()}
                   for d in LEAVES],
        "roots": [{"size": n, "root": mth(0, n).hex()}
                  for n in range(MAX_ROOT + 1)],
        "inclusion": [{"index": i, "size": n, "proof": hx(path(i, 0, n))}
                      for n in range(1, MAX_PROOF + 1) for i in range(n)],
        "consistency": [{"m": m, "n": n, "proof": hx(proof(m, n))}
                        for n in range(1, MAX_PROOF + 1)
                        for m in range(1, n + 1)],
        "multi": [{"size": n, "indexes": idx, "proof": hx(multi(idx, 0, n))}
                  for n, idx in multi_sets()],
    }
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

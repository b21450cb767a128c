#!/usr/bin/env python3
"""Test vectors for schemas/qr-receipt.md, made independently of the C code:
Ed25519 from RFC 8032's reference algorithm (pure Python), BLAKE2b from
hashlib, Base45 from RFC 9285, the payload laid out from the spec's table.

    python3 tests/tools/qr_vectors.py > tests/data/qr-vectors.json
    python3 tests/tools/qr_vectors.py --check tests/data/qr-vectors.json
"""
import hashlib
import json
import struct
import sys

# --- Ed25519, RFC 8032 section 6 -------------------------------------------
p = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
d = -121665 * pow(121666, p - 2, p) % p
SQRT_M1 = pow(2, (p - 1) // 4, p)


def sha512(b):
    return hashlib.sha512(b).digest()


def point_add(P, Q):
    A = (P[1] - P[0]) * (Q[1] - Q[0]) % p
    B = (P[1] + P[0]) * (Q[1] + Q[0]) % p
    C = 2 * P[3] * Q[3] * d % p
    D = 2 * P[2] * Q[2] % p
    E, F, G, H = B - A, D - C, D + C, B + A
    return (E * F % p, G * H % p, F * G % p, E * H % p)


def point_mul(s, P):
    Q = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            Q = point_add(Q, P)
        P = point_add(P, P)
        s >>= 1
    return Q


def recover_x(y, sign):
    x2 = (y * y - 1) * pow(d * y * y + 1, p - 2, p)
    x = pow(x2, (p + 3) // 8, p)
    if (x * x - x2) % p != 0:
        x = x * SQRT_M1 % p
    if (x & 1) != sign:
        x = p - x
    return x


g_y = 4 * pow(5, p - 2, p) % p
g_x = recover_x(g_y, 0)
G = (g_x, g_y, 1, g_x * g_y % p)


def compress(P):
    zinv = pow(P[2], p - 2, p)
    x = P[0] * zinv % p
    y = P[1] * zinv % p
    return int.to_bytes(y | ((x & 1) << 255), 32, "little")


def expand(seed):
    h = sha512(seed)
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return a, h[32:]


def public_key(seed):
    a, _ = expand(seed)
    return compress(point_mul(a, G))


def sign(seed, msg):
    a, prefix = expand(seed)
    A = compress(point_mul(a, G))
    r = int.from_bytes(sha512(prefix + msg), "little") % L
    R = compress(point_mul(r, G))
    h = int.from_bytes(sha512(R + A + msg), "little") % L
    s = (r + h * a) % L
    return R + int.to_bytes(s, 32, "little")


# --- Base45, RFC 9285 -----------------------------------------------------
B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def b45(data):
    out = []
    for i in range(0, len(data) - 1, 2):
        v = data[i] * 256 + data[i + 1]
        out += [B45[v % 45], B45[v // 45 % 45], B45[v // 2025]]
    if len(data) % 2:
        v = data[-1]
        out += [B45[v % 45], B45[v // 45]]
    return "".join(out)


def blake(*parts):
    h = hashlib.blake2b(digest_size=32)
    for x in parts:
        h.update(x)
    return h.digest()


def officer_tag(no):
    t = struct.unpack("<I", blake(b"yzf-officer-v1\0", no.encode())[:4])[0]
    return t or 1


def digest(record_id, text):
    return blake(b"yzf-qr-text-v1\0", record_id, text.encode())[:16]


KINDS = {"OTHER": 0, "DCCFJD": 1, "SDHZ": 2, "CFJD": 3, "ZLGZ": 4}


def payload(f):
    kind = KINDS[f["kind"]]
    b = bytes([1 << 4 | kind, f["flags"]]) + bytes.fromhex(f["kid"])
    b += struct.pack("<II", f["seq"], f["issued"])
    b += bytes([f["year"] - 2000 if f["year"] else 0])
    b += struct.pack("<I", f["serial"])[:3]
    b += struct.pack("<II", *[officer_tag(o) if o else 0 for o in f["officers"]])
    b += bytes.fromhex(f["prev"]) + digest(bytes.fromhex(f["record_id"]),
                                           f["text"])
    if kind in (1, 3):
        b += struct.pack("<IB", f["amount_fen"], f["penalty"])
    elif kind == 2:
        b += bytes([KINDS[f["ref_kind"]],
                    f["ref_year"] - 2000 if f["ref_year"] else 0])
        b += struct.pack("<I", f["ref_serial"])[:3]
        b += bytes([f["method"], f["relation"]])
    party = f["party"].encode()
    b += bytes([len(party)]) + party
    return b


def vectors():
    seed = bytes(range(32))          # the signer's feed key seed
    other = bytes([0x42] * 32)       # a key the roster does not have
    pk = public_key(seed)
    kid = pk[:8].hex()
    rid = blake(b"record")           # a stand-in record id
    cases = [
        dict(name="dccfjd-fine", kind="DCCFJD", flags=0, seq=7,
             issued=1795741200, year=2026, serial=12,
             officers=["44010020230001", "44010020230002"], prev="00" * 8,
             text="广州市天河区市场监督管理局\n当场行政处罚决定书\n罚款：¥600.00元\n",
             amount_fen=60000, penalty=2, party="张*明"),
        dict(name="dccfjd-reprint-uscc", kind="DCCFJD", flags=4 | 2, seq=9,
             issued=1795744800, year=2026, serial=13,
             officers=["44010020230001", None], prev="0102030405060708",
             text="（补打）\n", amount_fen=200000, penalty=3,
             party="91440106MA59C8XK2Q"),
        dict(name="sdhz-left", kind="SDHZ", flags=8, seq=11,
             issued=1795748400, year=0, serial=0,
             officers=["44010020230001", "44010020230002"], prev="ff" * 8,
             text="送达回证\n", ref_kind="CFJD", ref_year=2026, ref_serial=5,
             method=2, relation=0, party="李*"),
        dict(name="zlgz", kind="ZLGZ", flags=0, seq=3, issued=1795700000,
             year=2026, serial=1, officers=["44010020230001", None],
             prev="00" * 8, text="", party=""),
    ]
    out = []
    for c in cases:
        c["kid"] = kid
        c["record_id"] = rid.hex()
        pl = payload(c)
        sig = sign(seed, b"yzf-qr-v1\0" + pl)
        c["officer_tags"] = [officer_tag(o) if o else 0 for o in c["officers"]]
        c["payload"] = pl.hex()
        c["payload_len"] = len(pl)
        c["signature"] = sig.hex()
        c["qr"] = "ZF1:" + b45(pl + sig)
        c["chain"] = blake(pl + sig)[:8].hex()
        out.append(c)
    forged = payload(cases[0])
    return {
        "seed": seed.hex(), "public_key": pk.hex(),
        "other_seed": other.hex(), "other_public_key": public_key(other).hex(),
        "base45": [["AB", "BB8"], ["Hello!!", "%69 VD92EX0"],
                   ["base-45", "UJCLQE7W581"], ["ietf!", "QED8WEX0"],
                   ["", ""]],
        "receipts": out,
        "unknown_key_qr": "ZF1:" + b45(forged + sign(other, b"yzf-qr-v1\0" + forged)),
    }


def main():
    v = vectors()
    text = json.dumps(v, ensure_ascii=False, indent=1) + "\n"
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        with open(sys.argv[2], encoding="utf-8") as f:
            if f.read() != text:
                sys.exit("qr vectors differ from " + sys.argv[2])
        return
    sys.stdout.write(text)


if __name__ == "__main__":
    main()

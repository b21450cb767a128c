/* yzf/qrpay.h — the signed QR receipt printed on every document.
 *
 * The payload is compact binary (at most YZF_QRPAY_MAX bytes, laid out in
 * schemas/qr-receipt.md): what a party, a court or anyone later needs to
 * tell that the paper in hand is what the officer's terminal signed. It is
 * signed with the officer's feed key, Ed25519 over the domain-separated
 * message "yzf-qr-v1" || 0x00 || payload, and printed as the text
 *   "ZF1:" || Base45(payload || signature)
 * in QR alphanumeric mode. The public key is never in the payload: the
 * verifier finds it by the 8-byte key id in a roster it trusts
 * (yzf/roster.h), so a QR made with any other key proves nothing.
 *
 * Everything here fills caller structs and buffers, never allocates, and
 * uses integers only (fen, Unix seconds). Functions are pure and
 * thread-safe unless they take a struct yzf.
 */
#ifndef YZF_QRPAY_H
#define YZF_QRPAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

struct yzf;
struct yzf_roster;
struct yzf_cert;

#define YZF_QRPAY_VERSION 1
#define YZF_QRPAY_MAX 80       /* bytes of a payload, signature excluded */
#define YZF_QRPAY_MIN 55       /* the common part and an empty party */
#define YZF_QRPAY_KID_LEN 8    /* key id: the first bytes of the feed key */
#define YZF_QRPAY_PARTY_MAX 18 /* bytes of the party (UTF-8 or USCC) */
#define YZF_QRPAY_PREFIX "ZF1:"
/* Characters of the longest QR text: prefix, Base45 of payload and
 * signature, NUL. */
#define YZF_QRPAY_TEXT_MAX (4 + ((YZF_QRPAY_MAX + 64) / 2) * 3 + 2 + 1)
#define YZF_QRPAY_DOMAIN "yzf-qr-v1"

/* Document kinds: the low nibble of byte 0. Codes of the doctypes
 * reference set; a type not listed prints as YZF_QR_OTHER and is named by
 * its record (key id, seq). */
enum yzf_qr_kind {
	YZF_QR_OTHER = 0,
	YZF_QR_DCCFJD = 1, /* 当场行政处罚决定书 */
	YZF_QR_SDHZ = 2,   /* 送达回证 */
	YZF_QR_CFJD = 3,   /* 行政处罚决定书 */
	YZF_QR_ZLGZ = 4,   /* 责令改正通知书 */
	YZF_QR_XCJCBL = 5, /* 现场检查(勘验)笔录 */
	YZF_QR_QZCSJD = 6, /* 实施行政强制措施决定书 */
	YZF_QR_CWQD = 7,   /* 场所/设施/财物清单 */
	YZF_QR_YCQZCS = 8, /* 延长行政强制措施决定书 */
	YZF_QR_JCQZCS = 9, /* 解除行政强制措施决定书 */
	YZF_QR_CFGZ = 10,  /* 行政处罚告知书 */
	YZF_QR_TZTZ = 11,  /* 听证通知书 */
};

enum yzf_qr_flag {
	YZF_QR_REFUSED = 1,     /* the party refused to sign (noted on paper) */
	YZF_QR_CASH = 2,        /* fine collected on the spot (当场收缴) */
	YZF_QR_REPRINT = 4,     /* a reprint (补打), not the first print */
	YZF_QR_LEFT = 8,        /* served by leaving it (留置送达) */
	YZF_QR_ELECTRONIC = 16, /* served electronically, with consent */
};

/* Penalty kinds of decisions. */
enum yzf_qr_penalty {
	YZF_QR_PEN_NONE = 0,
	YZF_QR_PEN_WARNING = 1,      /* 警告 */
	YZF_QR_PEN_FINE = 2,         /* 罚款 */
	YZF_QR_PEN_WARNING_FINE = 3, /* 警告并处罚款 */
	YZF_QR_PEN_CONFISCATE = 4,   /* 没收违法所得、非法财物 */
	YZF_QR_PEN_OTHER = 9,
};

/* Service methods of delivery receipts (DOMAIN.md §7). */
enum yzf_qr_method {
	YZF_QR_DIRECT = 1,  /* 直接送达 */
	YZF_QR_LEAVE = 2,   /* 留置送达 */
	YZF_QR_ENTRUST = 3, /* 委托送达 */
	YZF_QR_POST = 4,    /* 邮寄送达 */
	YZF_QR_NOTICE = 5,  /* 公告送达 */
	YZF_QR_EMAIL = 6,   /* 电子送达 */
};

/* The decoded payload. Every field is an integer or fixed bytes. */
struct yzf_qrpay {
	int kind;                        /* enum yzf_qr_kind, 0..15 */
	uint8_t flags;                   /* enum yzf_qr_flag bits */
	uint8_t kid[YZF_QRPAY_KID_LEN];  /* signer's feed key, first 8 bytes */
	uint32_t seq;                    /* the document's record in that feed */
	uint32_t issued;                 /* record time, Unix seconds UTC */
	uint16_t year;                   /* 文号 year, 0 if unnumbered */
	uint32_t serial;                 /* 文号 serial, < 2^24 */
	uint32_t officer[2];             /* yzf_qrpay_officer_tag, 0: none */
	uint8_t prev[8];                 /* chain value of the previous print */
	uint8_t digest[16];              /* yzf_qrpay_digest of the text */
	/* decisions (DCCFJD, CFJD) */
	uint32_t amount_fen;
	uint8_t penalty;                 /* enum yzf_qr_penalty */
	/* delivery receipts (SDHZ): the served document */
	uint8_t ref_kind;                /* enum yzf_qr_kind */
	uint16_t ref_year;               /* 0 if unnumbered */
	uint32_t ref_serial;
	uint8_t method;                  /* enum yzf_qr_method */
	uint8_t relation;                /* who signed: 0 the recipient, 1 an
					    adult family member, 2 legal
					    representative, 3 agent, 4
					    designated receiver, 5 the
					    unit's mail room */
	/* the party: masked name (张*明) or 统一社会信用代码, UTF-8 */
	uint8_t party_len;
	char party[YZF_QRPAY_PARTY_MAX + 1]; /* NUL-terminated */
};

/* The kind of a doctype code ("DCCFJD" -> YZF_QR_DCCFJD; unknown ->
 * YZF_QR_OTHER) and back (NULL for YZF_QR_OTHER or out of range). */
YZF_API int yzf_qrpay_kind_of(const char *doctype);
YZF_API const char *yzf_qrpay_kind_code(int kind);

/* Encode p into out (cap >= YZF_QRPAY_MAX). *n receives the length.
 * YZF_EINVAL (msg names the field, msg may be NULL) when a field is out
 * of range: kind > 15, year not 0 or 2000..2255, serial >= 2^24, party
 * too long or not NUL-terminated at party_len. */
YZF_API int yzf_qrpay_encode(const struct yzf_qrpay *p, uint8_t *out,
			     size_t cap, size_t *n, char *msg, size_t mcap);
/* Decode payload bytes. YZF_EINVAL with msg saying why: wrong version,
 * too short or long for its kind, a party longer than its bytes or with
 * a NUL. Never reads outside buf. */
YZF_API YZF_NODISCARD int yzf_qrpay_decode(const uint8_t *buf, size_t n,
					   struct yzf_qrpay *p, char *msg,
					   size_t mcap);

/* The message signed: domain, NUL, payload. out needs n + 10 bytes. */
YZF_API size_t yzf_qrpay_message(const uint8_t *payload, size_t n,
				 uint8_t *out);

/* Sign payload bytes with an Ed25519 secret key and write the QR text
 * (NUL-terminated, at most YZF_QRPAY_TEXT_MAX with the NUL) into text.
 * *tlen (may be NULL) receives its length. */
YZF_API int yzf_qrpay_sign(const uint8_t *payload, size_t n,
			   const uint8_t sk[64], char *text, size_t cap,
			   size_t *tlen);
/* The same with the logged-in officer's feed key on the terminal, only
 * while the officer's certificate covers the terminal's time and is not
 * revoked (YZF_ECERT, as for records). */
YZF_API int yzf_qrpay_sign_feed(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
				const uint8_t *payload, size_t n, char *text,
				size_t cap, size_t *tlen);

/* The 8-byte chain value a print leaves for the next one: the first 8
 * bytes of BLAKE2b-256 of its payload and signature. */
YZF_API void yzf_qrpay_chain(const uint8_t *signed_bytes, size_t n,
			     uint8_t out[8]);
/* The text digest: the first 16 bytes of BLAKE2b-256("yzf-qr-text-v1"
 * || 0x00 || record id || printed text). */
YZF_API void yzf_qrpay_digest(const uint8_t id[YZF_ID_LEN], const char *text,
			      size_t len, uint8_t out[16]);
/* An officer's tag: the first 4 bytes (little-endian u32) of
 * BLAKE2b-256("yzf-officer-v1" || 0x00 || 执法证号); never 0 (a 0 hash
 * prefix becomes 1). */
YZF_API uint32_t yzf_qrpay_officer_tag(const char *officer_no);

/* Why a QR was refused (or YZF_QRV_OK). */
enum yzf_qr_reason {
	YZF_QRV_OK = 0,
	YZF_QRV_PREFIX,      /* not "ZF1:" */
	YZF_QRV_BASE45,      /* not Base45 */
	YZF_QRV_LENGTH,      /* too short or long: truncated or padded */
	YZF_QRV_PAYLOAD,     /* the payload does not decode */
	YZF_QRV_UNKNOWN_KEY, /* no key of the roster has this key id */
	YZF_QRV_SIGNATURE,   /* no such key's signature verifies */
	YZF_QRV_NOT_VALID,   /* issued outside the certificate's window */
	YZF_QRV_REVOKED,     /* the certificate was revoked at or before the
				issue time */
};

/* What a verification found. Pointers point into the roster. */
struct yzf_qr_verdict {
	int reason;                     /* enum yzf_qr_reason */
	char why[512];                  /* a sentence: what failed, or who
					   signed what and when */
	struct yzf_qrpay p;             /* decoded, once it decodes */
	const struct yzf_cert *signer;  /* its key verified, once found */
	const struct yzf_cert *officer[2]; /* roster certs whose 执法证号
					   matches the tags, NULL if none */
	int64_t roster_at_ms;           /* when the city signed the roster */
	int64_t roster_age_ms;          /* now_ms minus that */
};

/* Verify a QR text offline against a roster: prefix, Base45, length,
 * payload, a roster key with the key id whose signature verifies, the
 * issue time inside its certificate's window and before any revocation
 * of it. now_ms only ages the roster. Returns YZF_OK when genuine, else
 * YZF_EINVAL (malformed), YZF_ENOTFOUND (unknown key), YZF_EBADSIG or
 * YZF_ECERT; v->reason and v->why say which in any case. */
YZF_API YZF_NODISCARD int yzf_qrpay_verify(const char *text, size_t n,
					   const struct yzf_roster *r,
					   int64_t now_ms,
					   struct yzf_qr_verdict *v);
/* Stable name of a reason ("revoked", ...). */
YZF_API const char *yzf_qrpay_reason_name(int reason);

#ifdef __cplusplus
}
#endif
#endif

/* yzf/verify.h — prove a feed whole, or name its first bad record.
 *
 * yzf_verify_feed reads a feed's stored rows in seq order and checks, for
 * each: the row decrypts under the data key (a changed byte in the
 * ciphertext or nonce fails), the envelope is canonical and its body
 * canonical and valid for its type, the record names this feed and the row's
 * seq, seq has no gap, prev links to the previous record's id, the
 * signature verifies under the feed key, the clear columns (id, type,
 * case, at) equal the signed values, the feed certificate covers the
 * record's time, and finally that the head row and its MAC agree with the
 * last record (a cut tail). It stops at the first bad record and never
 * crashes on a damaged store.
 */
#ifndef YZF_VERIFY_H
#define YZF_VERIFY_H

#include <stdbool.h>
#include <stdint.h>
#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

struct yzf;

enum yzf_verify_reason {
	YZF_V_OK = 0,
	YZF_V_UNREADABLE,   /* the row cannot be read (damaged database) */
	YZF_V_DECRYPT,      /* ciphertext or nonce changed: fails to decrypt */
	YZF_V_NONCANON,     /* envelope or body is not canonical JSON */
	YZF_V_SCHEMA,       /* body breaks its type's schema */
	YZF_V_FEED,         /* record names another feed */
	YZF_V_SEQ,          /* row holds another seq: reordered or moved */
	YZF_V_MISSING,      /* a seq is missing: record removed */
	YZF_V_LINK,         /* prev is not the previous record's id */
	YZF_V_SIGNATURE,    /* signature does not verify under the feed key */
	YZF_V_COLUMN,       /* a clear column disagrees with the signed bytes */
	YZF_V_CERT,         /* certificate missing or not covering the time */
	YZF_V_HEAD,         /* stored head disagrees with the records: tail cut
			       or head rewritten */
};

struct yzf_verify_report {
	bool ok;
	int64_t records;       /* records checked good */
	int64_t bad_seq;       /* first bad seq when !ok */
	int reason;            /* enum yzf_verify_reason */
	char detail[256];      /* human sentence naming what is wrong */
};

/* Verify one feed. Returns YZF_OK when the check ran (r->ok says the
 * verdict), or an error if it could not run (no data key, no such feed). */
YZF_API int yzf_verify_feed(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			    struct yzf_verify_report *r);
/* Stable name of a reason ("signature", "missing", ...). */
YZF_API const char *yzf_verify_reason_name(int reason);

#ifdef __cplusplus
}
#endif
#endif

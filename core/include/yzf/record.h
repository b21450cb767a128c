/* yzf/record.h — the record envelope: one signed fact in a feed.
 *
 * Format (schemas/record.md has the full specification): canonical JSON
 *   {"v":1,"feed":HEX64,"seq":N,"prev":HEX64,"at":TIME,"mono":N,
 *    "att":null|{"at":TIME,"mono":N},"type":TYPE,"case":null|ID,
 *    "loc":{"src":S,"lat":N,"lon":N,"acc_cm":N,"age_ms":N,"sats":N}
 *          |{"none":REASON},
 *    "body":{...}}
 * signed with Ed25519 over "yzf-record-v1\0" || bytes. The record id is
 * BLAKE2b-256(bytes || signature); `prev` is the previous record's id (zeros
 * for seq 1). Coordinates are integer 1e-7 degrees; money integer fen.
 *
 * Nothing here allocates except yzf_record_encode, which appends to a
 * caller-owned yzf_buf. A parsed struct yzf_record points into the bytes it
 * was parsed from (body); those must outlive it.
 */
#ifndef YZF_RECORD_H
#define YZF_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "canon.h"
#include "config.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define YZF_KEY_LEN 32   /* Ed25519 public key, feed id */
#define YZF_SIG_LEN 64   /* Ed25519 signature */
#define YZF_ID_LEN 32    /* BLAKE2b-256 record id */
#define YZF_TYPE_MAX 48  /* bytes of a type name, NUL included */
#define YZF_CASE_MAX 65  /* bytes of a case id, NUL included */
#define YZF_LAT_MAX 900000000LL  /* 90 degrees in 1e-7 */
#define YZF_LON_MAX 1800000000LL /* 180 degrees in 1e-7 */

/* Where the terminal was, or why that is not known. */
struct yzf_loc {
	bool fix;          /* true: the fields below; false: `none` */
	char src[17];      /* "gnss", "network", "manual": [a-z]{1,16} */
	int64_t lat, lon;  /* 1e-7 degrees, WGS-84 */
	int64_t acc_cm;    /* estimated horizontal error, centimetres */
	int64_t age_ms;    /* age of the fix when the record was made */
	int64_t sats;      /* satellites used, 0 if not from GNSS */
	char none[33];     /* when !fix: "no_fix", "off", "no_device" ...:
			      [a-z_]{1,32} */
};

struct yzf_record {
	uint8_t feed[YZF_KEY_LEN];
	int64_t seq;                 /* 1, 2, ... no gaps */
	uint8_t prev[YZF_ID_LEN];
	int64_t at_ms;               /* wall time, ms since epoch UTC */
	int32_t at_tz;               /* its zone, minutes east of UTC */
	int64_t mono;                /* monotonic ms when made */
	bool has_att;                /* server-attested time known */
	int64_t att_ms;              /* last attested time (UTC ms) */
	int32_t att_tz;
	int64_t att_mono;            /* monotonic ms when it was received */
	char type[YZF_TYPE_MAX];
	char case_id[YZF_CASE_MAX];  /* "" when the record names no case */
	struct yzf_loc loc;
	const uint8_t *body;         /* canonical JSON object, in the parsed
				        or encoded bytes */
	size_t body_len;
};

/* Domain-separation prefix of record signatures (with its NUL). */
#define YZF_RECORD_DOMAIN "yzf-record-v1"

/* Whether s is a valid type name / case id per schemas/record.md. */
YZF_API bool yzf_record_type_ok(const char *s);
YZF_API bool yzf_record_case_ok(const char *s);

/* Parse canonical envelope bytes into r. Checks canonical form, field order,
 * every field's range and the body's canonical form (not its schema).
 * Returns YZF_OK or YZF_ENONCANON / YZF_EINVAL with err->off and err->why
 * (err may be NULL). Never reads outside buf. */
YZF_API YZF_NODISCARD int yzf_record_parse(const uint8_t *buf, size_t len,
					   struct yzf_record *r,
					   struct yzf_canon_err *err);

/* Append the canonical envelope of r, with body bytes r->body (already
 * canonical), to out. YZF_EINVAL if a field is out of range. */
YZF_API int yzf_record_encode(const struct yzf_record *r, struct yzf_buf *out);

/* Signature over the domain-separated bytes. */
YZF_API int yzf_record_sign(const uint8_t *bytes, size_t len,
			    const uint8_t sk[64], uint8_t sig[YZF_SIG_LEN]);
YZF_API YZF_NODISCARD bool yzf_record_sig_ok(const uint8_t *bytes, size_t len,
					     const uint8_t sig[YZF_SIG_LEN],
					     const uint8_t pk[YZF_KEY_LEN]);
/* id = BLAKE2b-256(bytes || sig). */
YZF_API void yzf_record_id(const uint8_t *bytes, size_t len,
			   const uint8_t sig[YZF_SIG_LEN],
			   uint8_t id[YZF_ID_LEN]);

/* Exchange line: {"rec":<envelope bytes>,"sig":HEX128} (schemas/record.md).
 * _line appends one (no newline); _unline finds the envelope span and the
 * signature in a line, checking the wrapper is canonical. */
YZF_API int yzf_record_line(const uint8_t *bytes, size_t len,
			    const uint8_t sig[YZF_SIG_LEN], struct yzf_buf *out);
YZF_API YZF_NODISCARD int yzf_record_unline(const uint8_t *line, size_t len,
					    const uint8_t **bytes, size_t *n,
					    uint8_t sig[YZF_SIG_LEN],
					    struct yzf_canon_err *err);

#ifdef __cplusplus
}
#endif
#endif

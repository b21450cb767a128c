/* yzf/refset.h — reference data as signed sets (for now opaque).
 *
 * The city publishes reference data (the matters catalogue, law library,
 * templates, roster, calendar) as named sets, each version a file. A set
 * travels as its content and one header line signed by the city issuing
 * key (Ed25519 over "yzf-set-v1\0" || header bytes):
 *   {"set":{"v":1,"name":NAME,"version":N,"hash":HEX64,"size":N,"at":TIME},
 *    "sig":HEX128}
 * hash is BLAKE2b-256 of the content. A terminal keeps the newest version
 * of each set and refuses an older or equal one (rollback). What a set's
 * content means, and the snapshot index that binds sets together, come
 * with the trust and cases work; the header is fixed here.
 */
#ifndef YZF_REFSET_H
#define YZF_REFSET_H

#include <stddef.h>
#include <stdint.h>
#include "canon.h"
#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

struct yzf;

struct yzf_refset {
	char name[33];          /* [a-z][a-z0-9_-]{0,31} */
	int64_t version;        /* >= 1 */
	uint8_t hash[32];
	int64_t size;
	int64_t at_ms;
	int32_t tz;
};

/* Sign a header for content with the city key; appends the line. */
YZF_API int yzf_refset_sign_line(const struct yzf_refset *s,
				 const uint8_t city_sk[64], struct yzf_buf *out);
/* Parse a header line and check it is signed by city_pk. */
YZF_API YZF_NODISCARD int yzf_refset_parse(const uint8_t *line, size_t len,
					   const uint8_t city_pk[YZF_KEY_LEN],
					   struct yzf_refset *s,
					   struct yzf_canon_err *err);

/* Keep a set on the terminal: the header signed by the pinned city key,
 * the content matching its hash and size, its version newer than the one
 * held (else YZF_ESTATE: "rollback refused"). out (may be NULL) receives
 * the header. */
YZF_API int yzf_refset_store(struct yzf *y, const uint8_t *line, size_t llen,
			     const uint8_t *content, size_t clen,
			     struct yzf_refset *out);

/* The version held of a set, 0 if none. */
YZF_API int yzf_refset_version(struct yzf *y, const char *name,
			       int64_t *version);
/* Name of the i-th set held (sorted) into name (33 bytes) with its
 * version; YZF_ENOTFOUND past the end. */
YZF_API int yzf_refset_list(struct yzf *y, size_t i, char name[33],
			    int64_t *version, int64_t *size);

#ifdef __cplusplus
}
#endif
#endif

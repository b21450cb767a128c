/* yzf/refset.h — reference data: signed sets bound by a snapshot index.
 *
 * The city publishes reference data (the matters catalogue, law library,
 * templates, roster, calendar) as named sets, each version a file. What a
 * set's content means is its consumer's business; this module keeps sets
 * whole, current and consistent, as The Update Framework does.
 *
 * Set header. A set travels as its content and one line signed by the
 * city issuing key (Ed25519 over "yzf-set-v1\0" || header bytes):
 *   {"set":{"v":1,"name":NAME,"version":N,"hash":HEX64,"size":N,"at":TIME},
 *    "sig":HEX128}
 * NAME is [a-z][a-z0-9_-]{0,31}; hash is BLAKE2b-256 of the content.
 *
 * Snapshot index. One line, also signed by the city issuing key (Ed25519
 * over "yzf-index-v1\0" || index bytes), naming the one version of every
 * set that belongs together:
 *   {"index":{"v":1,"version":N,"at":TIME,"expires":TIME,
 *    "sets":[{"name":NAME,"version":N,"hash":HEX64,"size":N},...]},
 *    "sig":HEX128}
 * Canonical JSON in exactly this key order; sets sorted by name (byte
 * order), each name once, at most YZF_MAX_REFSETS; expires not before at.
 * Every publication makes a new index version (the previous plus one).
 *
 * What a terminal accepts (yzf_refdata_apply), all or nothing, judged
 * against what it holds in its store (so every rule holds across
 * restarts):
 *   - the index and every set header verify under the pinned city key
 *     (else "unknown signing key");
 *   - the index is not older than the one held (rollback), and an index
 *     with the version held is byte for byte the one held;
 *   - each set arriving is named by the index at its version, hash and
 *     size (no mix-and-match), its content matches, and it is not older
 *     than the version held (rollback);
 *   - an index past its expires is accepted but flagged expired. Expiry is
 *     judged on attested time (yzf/trust.h: yzf_attested), never on the
 *     raw wall clock, so a clock set back cannot make stale data look
 *     current.
 * A set held that the index does not name, or names at another version
 * or hash, is stale: reported, kept, never used as current.
 *
 * Ownership: every struct here is filled in caller memory; nothing is
 * allocated for the caller. Threading: as struct yzf.
 */
#ifndef YZF_REFSET_H
#define YZF_REFSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "canon.h"
#include "config.h"
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

/* One set as an index names it. */
struct yzf_refentry {
	char name[33];
	int64_t version;
	uint8_t hash[32];
	int64_t size;
};

struct yzf_refindex {
	int64_t version;        /* >= 1 */
	int64_t at_ms;          /* when the city signed it */
	int32_t tz;
	int64_t expires_ms;     /* not before at_ms */
	int32_t expires_tz;
	size_t n;               /* entries in sets */
	struct yzf_refentry sets[YZF_MAX_REFSETS]; /* sorted by name */
};

/* Sign a header for content with the city key; appends the line. */
YZF_API int yzf_refset_sign_line(const struct yzf_refset *s,
				 const uint8_t city_sk[64], struct yzf_buf *out);
/* Parse a header line and check it is signed by city_pk. */
YZF_API YZF_NODISCARD int yzf_refset_parse(const uint8_t *line, size_t len,
					   const uint8_t city_pk[YZF_KEY_LEN],
					   struct yzf_refset *s,
					   struct yzf_canon_err *err);

/* Sign an index with the city key; appends the line to out. YZF_EINVAL
 * (nothing appended) when a field is out of range, expires is before at,
 * or the sets are not sorted by name with each name once. */
YZF_API int yzf_refindex_sign_line(const struct yzf_refindex *ix,
				   const uint8_t city_sk[64],
				   struct yzf_buf *out);
/* Parse an index line and check it is signed by city_pk. YZF_OK,
 * YZF_ENONCANON (err says where and which rule) or YZF_EBADSIG. */
YZF_API YZF_NODISCARD int yzf_refindex_parse(const uint8_t *line, size_t len,
					     const uint8_t city_pk[YZF_KEY_LEN],
					     struct yzf_refindex *ix,
					     struct yzf_canon_err *err);

/* One set as it arrived with an index: the caller's bytes, read only. */
struct yzf_refdata_in {
	const uint8_t *line;    /* its signed header */
	size_t llen;
	const uint8_t *content;
	size_t clen;
	/* out, on YZF_OK: */
	struct yzf_refset set;  /* the header */
	bool stored;            /* false: this very version was held already */
};

/* The reference data a terminal holds, judged against its index. */
struct yzf_refdata_state {
	bool have_index;        /* false: no index held; then index, fresh,
				   expired and missing are unset and every
				   set held counts as stale */
	struct yzf_refindex index;
	bool fresh;             /* yzf_refdata_apply: this index was not held
				   before the call */
	bool expired;           /* now_ms >= index.expires_ms */
	bool attested;          /* now_ms is attested time; false: this
				   terminal was never attested and now_ms is
				   its clock */
	int64_t now_ms;         /* the time expiry was judged on */
	int32_t now_tz;
	size_t held;            /* sets held */
	size_t stale;           /* held, but not as the index names them */
	size_t missing;         /* named by the index, not held */
};

/* Apply an index line and the sets that came with it, in one
 * transaction, by the rules in the top comment. index may not be NULL
 * (sets never come alone). sets[0..n) may be in any order; each set's
 * out fields are filled on success. st (may be NULL) receives the state
 * after the call. On any refusal nothing at all is written and the
 * message names the set, the versions and the rule:
 *   YZF_EBADSIG   a line not signed by the pinned city key
 *   YZF_ENONCANON a line that is not a well-formed index or header
 *   YZF_ECORRUPT  content that does not match its signed hash and size
 *   YZF_EINVAL    a set not as the index names it (mix-and-match), or
 *                 sent twice
 *   YZF_ESTATE    an index or set older than the one held, or with the
 *                 version held but other bytes (rollback)
 * An expired index is not a refusal: st->expired says so. */
YZF_API int yzf_refdata_apply(struct yzf *y, const uint8_t *index, size_t ilen,
			      struct yzf_refdata_in *sets, size_t n,
			      struct yzf_refdata_state *st);

/* The state of the reference data held: the index (verified again under
 * the pinned city key), expiry judged on attested time, counts. */
YZF_API int yzf_refdata_status(struct yzf *y, struct yzf_refdata_state *st);

/* One set held, and how it stands against the index held. */
struct yzf_refheld {
	char name[33];
	int64_t version;
	int64_t size;
	int64_t indexed;        /* the version the index names; 0: not named
				   (or no index held) */
	bool matches;           /* held exactly as the index names it */
};
/* The i-th set held, by name; YZF_ENOTFOUND past the end. */
YZF_API int yzf_refdata_held(struct yzf *y, size_t i, struct yzf_refheld *h);

/* The version held of a set, 0 if none. */
YZF_API int yzf_refset_version(struct yzf *y, const char *name,
			       int64_t *version);
/* Name of the i-th set held (sorted) into name (33 bytes) with its
 * version and size; YZF_ENOTFOUND past the end. */
YZF_API int yzf_refset_list(struct yzf *y, size_t i, char name[33],
			    int64_t *version, int64_t *size);

/* The working-day calendar held: the `calendar` set as the index names
 * it, parsed (yzf/calendar.h). *out is NULL when none is held yet (the
 * caller then says deadlines are unknown); else the caller destroys it
 * with yzf_calendar_destroy. YZF_EINVAL when the held set does not
 * parse. */
struct yzf_calendar;
YZF_API int yzf_refdata_calendar(struct yzf *y, struct yzf_calendar **out);

#ifdef __cplusplus
}
#endif
#endif

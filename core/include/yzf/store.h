/* yzf/store.h — appending to and reading feeds.
 *
 * An append is durable before it returns: it runs in one SQLite
 * transaction (WAL, synchronous=FULL) that first re-reads the feed's
 * stored head and checks it against the head's MAC, so a restored backup
 * or a lost counter cannot silently fork the feed. The record envelope is
 * encrypted at rest with the store's data key (XChaCha20-Poly1305, the
 * feed id as associated data); feed, seq, id, type, case and time
 * are kept in clear columns for indexing, and verify checks them against
 * the signed bytes.
 */
#ifndef YZF_STORE_H
#define YZF_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

struct yzf;

/* One record to append. body is JSON text (any key order or spacing); it
 * is validated against the type's schema and written canonically. */
struct yzf_append {
	const char *type;         /* record type, with a schema in schemas/ */
	const char *case_id;      /* NULL or "" for none */
	const char *body;
	size_t body_len;
	const struct yzf_loc *loc; /* NULL: {"none":"no_source"} */
};

/* Append n records (1..YZF_MAX_BATCH) to the feed in one transaction: all
 * or none. The feed's officer must be logged in. On success *first_seq
 * (may be NULL) is the seq of the first. On invalid input nothing is
 * written and the message names the record index and field. */
YZF_API int yzf_append(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		       const struct yzf_append *recs, size_t n,
		       int64_t *first_seq);

/* The feed's stored head: seq (0 if empty) and id (zeros if empty). */
YZF_API int yzf_head(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		     int64_t *seq, uint8_t id[YZF_ID_LEN]);

/* What to iterate. Exactly one selector: a feed (from seq `from`), a case
 * id, or a type. Results come in (feed, seq) order. */
struct yzf_query {
	const uint8_t *feed;  /* NULL unless by feed */
	int64_t from;         /* first seq, by feed */
	const char *case_id;  /* NULL unless by case */
	const char *type;     /* NULL unless by type */
};

/* A record as read back: decrypted, parsed, with its signature and id.
 * bytes and rec.body point into memory the iterator owns, valid until the
 * next yzf_iter_next or yzf_iter_close. */
struct yzf_entry {
	struct yzf_record rec;
	const uint8_t *bytes;
	size_t len;
	uint8_t sig[YZF_SIG_LEN];
	uint8_t id[YZF_ID_LEN];
};

struct yzf_iter;

/* Needs the data key (a logged-in officer or yzf_unlock_city). Free with
 * yzf_iter_close. */
YZF_API int yzf_iter_open(struct yzf *y, const struct yzf_query *q,
			  struct yzf_iter **out);
/* 1 and e filled; 0 at the end; negative on error (a record that does not
 * decrypt or parse is an error here: yzf_verify_feed says which and why). */
YZF_API int yzf_iter_next(struct yzf_iter *it, struct yzf_entry *e);
/* Accepts NULL. */
YZF_API void yzf_iter_close(struct yzf_iter *it);

/* The feed that the only logged-in officer appends to. YZF_ENOSESSION if
 * none, YZF_ESTATE if several (the caller must choose). */
YZF_API int yzf_current_feed(struct yzf *y, uint8_t feed[YZF_KEY_LEN]);

/* The feeds this store holds (its officers' and imported ones), up to cap;
 * *n receives how many there are. */
YZF_API int yzf_feeds(struct yzf *y, uint8_t (*out)[YZF_KEY_LEN], size_t cap,
		      size_t *n);

/* Name of the i-th record type this build knows (sorted), NULL past the
 * end. Owned by y. */
YZF_API const char *yzf_type_name(const struct yzf *y, size_t i);

#ifdef __cplusplus
}
#endif
#endif

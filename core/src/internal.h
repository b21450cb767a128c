/* internal.h — the context and the helpers every core module shares. */
#ifndef YZF_INTERNAL_H
#define YZF_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "schema.h"
#include "yzf/yzf.h"

/* Prepared statements kept for the life of the context (hot paths). */
enum yzf_stmt_id {
	ST_HEAD_ROW,
	ST_HEAD_FEED,
	ST_INSERT,
	ST_SET_HEAD,
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_ATTESTED,
	ST_ATTEST,
	ST_ID_AT,
	ST_LOC_OFF,  /* loclock.c: the location state, at every append */
	ST_COUNT
};

struct yzf_sess {
	bool used;
	uint8_t feed[YZF_KEY_LEN];
	uint8_t *sk; /* sodium_malloc'd Ed25519 secret key, 64 bytes */
	bool have_validity; /* the feed certificate's window, read once */
	int64_t not_before, not_after; /* not_after: or just before revocation */
	int32_t tz;
	bool revoked;
};

struct yzf {
	const struct yzf_port *port;
	sqlite3 *db;
	struct yzf_schemas *schemas;
	sqlite3_stmt *st[ST_COUNT];
	uint8_t *dk;      /* sodium_malloc'd data key + head MAC key, or NULL */
	struct yzf_sess sess[YZF_MAX_OFFICERS];
	struct yzf_buf body, env, ct; /* scratch for appends */
	char err[512];
};

#define YZF_DK_LEN 32
/* y->dk holds the data key then the head MAC key derived from it. */
#define YZF_HEADKEY(y) ((y)->dk + YZF_DK_LEN)

/* Set y->err from a printf format and return code. */
int yzf_fail(struct yzf *y, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Fail with SQLite's message for the current error. */
int yzf_fail_db(struct yzf *y, const char *what);

/* Port wrappers: the only way the core reaches the platform. */
int yzf_now(struct yzf *y, int64_t *ms, int32_t *tz);
int yzf_mono(struct yzf *y, int64_t *ms);
int yzf_random(struct yzf *y, void *buf, size_t n);
int yzf_secret(struct yzf *y, const char *name, uint8_t out[32], bool create);
int yzf_secret_destroy(struct yzf *y, const char *name);
/* The port's newest fix; YZF_ENOTFOUND without a device or a fix. */
int yzf_location(struct yzf *y, struct yzf_fix *out);
/* Port secret names for a feed: "<prefix>-<first 16 hex of feed>". */
void yzf_secret_name(const char *prefix, const uint8_t feed[YZF_KEY_LEN],
		     char out[32]);

/* Transactions: BEGIN IMMEDIATE so the head is read under the write lock. */
int yzf_begin(struct yzf *y);
int yzf_commit(struct yzf *y);
void yzf_rollback(struct yzf *y);
sqlite3_stmt *yzf_stmt(struct yzf *y, int id, const char *sql);

/* meta table: small named values. get returns YZF_ENOTFOUND if absent;
 * *len in: capacity, out: length. */
int yzf_meta_get(struct yzf *y, const char *k, void *v, size_t *len);
int yzf_meta_set(struct yzf *y, const char *k, const void *v, size_t len);

/* Install the data key (and derive the head key); checks it against the
 * stored dk_check. */
int yzf_set_dk(struct yzf *y, const uint8_t dk[YZF_DK_LEN]);
/* Make sure the data key is loaded, from any live session. */
int yzf_need_dk(struct yzf *y);
/* The feed's session (loads it on first use): its signing key and the
 * cached validity of its certificate. */
int yzf_session(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		struct yzf_sess **s);
int yzf_session_sk(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		   const uint8_t **sk);

/* Whether the feed's officer may sign now: a session, and a certificate
 * that covers the terminal's time and is not revoked (as yzf_append
 * checks before each record). YZF_ECERT with the message otherwise. */
int yzf_may_sign(struct yzf *y, const uint8_t feed[YZF_KEY_LEN]);

/* Wrap sk||dk (96 bytes) for a new session under a fresh port secret
 * "sess-<feed>"; nonce receives 24 bytes, ct 96 + 16. */
int yzf_session_wrap(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		     int64_t expires, const uint8_t *keys, uint8_t *nonce,
		     uint8_t *ct);
/* Drop cached keys of one feed's session, or of all and the data key. */
void yzf_session_forget(struct yzf *y, const uint8_t *feed);

/* Head MAC: binds (feed, seq, id) under the head key. */
void yzf_head_mac(struct yzf *y, const uint8_t feed[YZF_KEY_LEN], int64_t seq,
		  const uint8_t id[YZF_ID_LEN], uint8_t mac[32]);

/* Record envelope encryption at rest. out receives nonce || ciphertext. */
int yzf_seal_record(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		    const uint8_t *pt, size_t n, struct yzf_buf *out);
int yzf_open_record(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		    const uint8_t *nonce, size_t nlen, const uint8_t *ct,
		    size_t clen, struct yzf_buf *out);

/* The time the terminal acts at: the attested time plus the monotonic
 * time since, while that holds (yzf/trust.h), else the wall clock. Records
 * are stamped with it and certificates judged by it, so neither a dead
 * clock battery nor a clock set back moves them. */
int yzf_time_now(struct yzf *y, int64_t *ms, int32_t *tz);
/* The same from an attested reading already taken. */
void yzf_time_of(const struct yzf_attested *a, int64_t *ms, int32_t *tz);

/* The content of the reference set `name` the terminal holds, appended
 * to out with its version, only if it is exactly what the index ix (held,
 * verified) names: a stale set is kept by the store but never used.
 * YZF_ENOTFOUND (not named, or named but not held), YZF_ESTATE (another
 * version held), YZF_ECORRUPT (content not the index's hash and size). */
int yzf_refdata_read(struct yzf *y, const struct yzf_refindex *ix,
		     const char *name, struct yzf_buf *out, int64_t *version);

/* Keep a server-signed time that answered this terminal's own request as
 * the attested time, with the clocks now (yzf/trust.h); an older one than
 * held changes nothing. */
int yzf_attest(struct yzf *y, int64_t at_ms, int32_t tz);

/* Inside the caller's transaction: the "log" object of a city answer
 * (struct cJSON): its checkpoint signed by the pinned city key, echoing
 * nonce when not NULL, and consistent with the checkpoint held. An
 * inconsistent one is written as evidence (YZF_ECORRUPT, *kept true: end
 * the transaction with yzf_log_end so the evidence stays). */
struct cJSON;
int yzf_log_check(struct yzf *y, const uint8_t *nonce, const struct cJSON *log,
		  struct yzf_checkpoint *c, bool *kept);
/* End that transaction: commit when rc is YZF_OK or evidence was kept,
 * else roll back. Returns rc, or the commit's failure. */
int yzf_log_end(struct yzf *y, int rc, bool kept);
/* Inside the caller's transaction: hold c (checked) as the newest
 * checkpoint and, when it answered this terminal's request, its time as
 * the attested time. */
int yzf_log_keep(struct yzf *y, const struct cJSON *log,
		 const struct yzf_checkpoint *c, bool attest);

/* Insert one verified record (bytes, sig, id) as the feed's next; the
 * caller holds a transaction and has checked seq and prev. */
int yzf_store_row(struct yzf *y, const struct yzf_record *r,
		  const uint8_t *bytes, size_t len,
		  const uint8_t sig[YZF_SIG_LEN], const uint8_t id[YZF_ID_LEN]);
/* Read the stored head inside a transaction, checking the head row, the
 * last record and the MAC agree. */
int yzf_read_head(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		  int64_t *seq, uint8_t id[YZF_ID_LEN]);
int yzf_write_head(struct yzf *y, const uint8_t feed[YZF_KEY_LEN], int64_t seq,
		   const uint8_t id[YZF_ID_LEN]);

/* Import exchange lines (yzf_import); sparse accepts records of feeds the
 * store does not append to without the rest of their feed (pull). */
int yzf_import_lines(struct yzf *y, const uint8_t *data, size_t len,
		     bool sparse, struct yzf_import_report *r);

/* Certificates held by the store, by serial or by feed. line receives the
 * stored line; sc points into it. */
int yzf_cert_load(struct yzf *y, const char *sql_where_key, const void *key,
		  size_t klen, struct yzf_buf *line, struct yzf_signed_cert *sc);
int yzf_feed_cert(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		  struct yzf_buf *line, struct yzf_signed_cert *sc);
/* The pinned city certificate's key: what signs revocations, reference
 * data and the log's checkpoints. */
int yzf_city_pk(struct yzf *y, uint8_t pk[YZF_KEY_LEN]);
int yzf_pinned(struct yzf *y, int kind, struct yzf_buf *line,
	       struct yzf_signed_cert *sc);
/* When the certificate with this serial was revoked: YZF_OK with the
 * earliest revocation's time and reason (reason may be NULL, else 201
 * bytes), YZF_ENOTFOUND if it is not. */
int yzf_revoked_at(struct yzf *y, const uint8_t serial[YZF_SERIAL_LEN],
		   int64_t *at, char *reason);

/* Store a certificate line (idempotent). */
int yzf_cert_save(struct yzf *y, const struct yzf_signed_cert *sc,
		  const uint8_t *line, size_t len);

/* loclock.c: the seq of the feed's loc.off in force, 0 when location is
 * on (records made meanwhile carry {"none":"off"}). */
int yzf_loc_off_seq(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		    int64_t *seq);
/* loclock.c: the `loc` of a record the feed makes now (monotonic time
 * mono) that names none: {"none":"off"} while location is off, else the
 * port's newest fix, else why there is none. */
int yzf_loc_here(struct yzf *y, const uint8_t feed[YZF_KEY_LEN], int64_t mono,
		 struct yzf_loc *out);

#endif

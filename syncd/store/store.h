/* store.h — the server store: one SQLite file, one writer, group commit.
 *
 * The store is the city's system of record (schemas/server/001_init.sql):
 * feeds and their heads, records as the signed bytes that arrived, the
 * roster's certificates and revocations, and a quarantine that is never
 * deleted. Records are kept in clear; their protection at rest is the
 * deployment's disk encryption.
 *
 * Writes: a single writer thread owns the write connection. Request
 * threads verify a push (signatures, schema, certificates: the expensive,
 * head-independent checks) into a push_job and submit it; the writer
 * takes every queued job at once, checks each against its feed's current
 * head inside ONE transaction (BEGIN IMMEDIATE ... COMMIT, each job in its
 * own savepoint so one job's failure leaves the others), commits once and
 * wakes every submitter. A job's results are valid, and acknowledged, only
 * after that commit returned. SQLite runs with WAL and synchronous=FULL, so
 * a returned commit is on stable storage. If a commit fails the store
 * stops taking work (it never retries and trusts): restart it.
 *
 * Threading: syncd_store_submit, _drain, _healthy and _now may be called
 * from any thread; syncd_store_open and _close from one thread.
 */
#ifndef YZF_SYNCD_STORE_H
#define YZF_SYNCD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yzf/canon.h>
#include <yzf/record.h>

#include "store_app.h"
#include "roster.h"

/* What one line of a push is, as the request thread found it. */
enum push_item_kind {
	ITEM_RECORD = 1, /* passed every head-independent check */
	ITEM_BAD,        /* a record line that failed one: reason says why */
	ITEM_CERT,       /* a certificate line of the roster */
	ITEM_CERT_BAD,   /* a certificate line that is not: reason */
};

/* What the writer did with it. */
enum push_outcome {
	OUT_NONE = 0,     /* certificate line of the roster: nothing to do */
	OUT_STORED,
	OUT_DUPLICATE,
	OUT_QUARANTINED,
};

struct push_item {
	int kind;                   /* enum push_item_kind */
	size_t lineno;              /* 1-based, in the body */
	const uint8_t *line;        /* the line as it arrived (request body) */
	size_t line_len;
	int64_t seq;                /* the record's seq; 0 if not readable */
	/* ITEM_RECORD: the verified record */
	const uint8_t *bytes;       /* envelope, inside line */
	size_t len;
	uint8_t sig[YZF_SIG_LEN];
	uint8_t id[YZF_ID_LEN];
	uint8_t prev[YZF_ID_LEN];
	char case_id[YZF_CASE_MAX]; /* "" when it names no case */
	bool opens_case;            /* a case.open: its team is indexed */
	bool paper;                 /* a paper.backfill: its serial is too */
	bool approval;              /* a loc.approve: its officer is too */
	size_t flag;                /* SIZE_MAX, or the offset in job->reasons
				       of why its wall time cannot be true */
	/* set by the writer */
	int outcome;                /* enum push_outcome */
	int64_t log_idx;            /* OUT_STORED, OUT_DUPLICATE: its position
				       in the city's log; else -1 */
	size_t reason;              /* offset of a NUL-terminated reason in
				       job->reasons (ITEM_BAD, ITEM_CERT_BAD,
				       OUT_QUARANTINED) */
};

/* One push. The submitter owns the job and everything it points to (items
 * point into the request body), and keeps it alive until syncd_store_submit
 * returns. */
struct push_job {
	uint8_t feed[YZF_KEY_LEN];  /* the authenticated feed */
	struct push_item *items;
	size_t n;
	struct yzf_buf reasons;     /* reason strings, NUL-terminated */
	/* results, set by the writer */
	int status;                 /* 200; 409 (gap or head disagreement:
				       head is the resend point); 500 */
	int64_t head_seq;           /* the stored head after the batch */
	uint8_t head_id[YZF_ID_LEN];
	int64_t stored, duplicates, quarantined;
	bool forked;                /* this batch flagged the feed */
	char msg[256];              /* status != 200: why */
	/* the writer's queue */
	struct push_job *next;
	bool done;
};

/* Append a reason to job->reasons; returns its offset (SIZE_MAX when out
 * of memory: reasons.oom is then set). */
size_t syncd_push_reason(struct push_job *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The reason at an offset. */
static inline const char *syncd_push_reason_at(const struct push_job *j,
						size_t off)
{
	return (const char *)j->reasons.p + off;
}

struct syncd_store;

/* Open (creating if needed) the store at path, apply migrations, load the
 * roster from authority_dir (roster.h) and start the writer. stats receives
 * the ingest counters (must outlive the store). On failure returns a YZF_E…
 * code with msg naming the cause. Free with syncd_store_close. */
int syncd_store_open(const char *path, const char *authority_dir,
		     const struct syncd_hooks *hooks, struct syncd_stats *stats,
		     struct syncd_store **out, char *msg, size_t cap);

/* The roster in force (immutable itself; replaced whole by
 * syncd_store_set_roster, under the caller's write lock). */
const struct syncd_roster *syncd_store_roster(const struct syncd_store *s);
/* Put a newly loaded roster in force and free the old one: the caller
 * holds the lock that keeps request threads out of the old one. */
void syncd_store_set_roster(struct syncd_store *s, struct syncd_roster *r);
/* The city's log (mlog.h): every committed record is in it. */
struct syncd_mlog *syncd_store_mlog(const struct syncd_store *s);
/* The store's file and authority directory (as given to open). */
const char *syncd_store_path(const struct syncd_store *s);
const char *syncd_store_authority(const struct syncd_store *s);

/* The server clock (hooks or CLOCK_REALTIME), ms since the epoch UTC. */
int64_t syncd_store_now(const struct syncd_store *s);

/* Queue a verified job and wait for its commit group. Returns YZF_OK when
 * the job went through the writer (its status says how), YZF_ESTATE when
 * the store is draining or has failed (nothing was done, j->msg says
 * which: answer 503). */
int syncd_store_submit(struct syncd_store *s, struct push_job *j);

/* Stop taking jobs; return once every queued job is committed. */
void syncd_store_drain(struct syncd_store *s);

/* False once a commit failed or the writer stopped. */
bool syncd_store_healthy(struct syncd_store *s);

/* Drain, stop the writer, close the database. Accepts NULL. */
void syncd_store_close(struct syncd_store *s);

/* The city issuing key from dir/city.sk, checked to be the key of the
 * city certificate in dir/trust.ndjson (citykey.c): sodium_malloc'd, the
 * caller frees it with sodium_free. NULL with msg naming the file and the
 * fault. */
uint8_t *syncd_city_sk(const char *dir, char *msg, size_t cap);

/* --- Beside the writer (side.c): each call one short transaction on its
 * own connection to the store file at path. msg (cap bytes) says what
 * failed. --- */

/* Load the roster from the authority directory (for a reload). */
int syncd_store_load_roster(const char *path, const char *dir,
			    struct syncd_roster **out, char *msg, size_t cap);

/* An enrollment code's particulars (only its hash is kept). */
struct syncd_code_row {
	char name[97], officer_no[33], agency[129], uscc[19];
	uint32_t roles;
	int64_t days;
};
int syncd_store_code_add(const char *path, const uint8_t hash[32],
			 const struct syncd_code_row *r, int64_t now,
			 int64_t expires, char *msg, size_t cap);
/* Use a code once: look it up (YZF_ENOTFOUND not issued, YZF_ESTATE used,
 * YZF_ERANGE expired), call issue with its particulars (it must make the
 * certificate durable), then mark the code used by feed; all in one
 * transaction. */
typedef int (*syncd_issue_fn)(void *ctx, const struct syncd_code_row *row,
			      char *msg, size_t cap);
int syncd_store_code_use(const char *path, const uint8_t hash[32], int64_t now,
			 const uint8_t feed[YZF_KEY_LEN], syncd_issue_fn issue,
			 void *ctx, char *msg, size_t cap);

/* Records other feeds made in the cases after the cursor, at most max,
 * appended to out as exchange lines, each feed's certificate line first.
 * The cases are those given of which the feed has a record, then up to
 * SYNCD_TEAM_MAX cases whose case.open names the feed's officer in its
 * team (by case id). *more when some remain: the cursor then names the
 * case to resume in and where; given back, the cases before it (done)
 * are skipped. */
#define SYNCD_TEAM_MAX 64
struct syncd_case_cursor {
	char case_id[YZF_CASE_MAX]; /* "": from the first case */
	uint8_t feed[YZF_KEY_LEN];
	int64_t seq;
};
int syncd_store_case_records(const char *path, const uint8_t feed[YZF_KEY_LEN],
			     const char *const *cases, size_t ncases,
			     struct syncd_case_cursor *cur, size_t max,
			     struct yzf_buf *out, size_t *count, bool *more,
			     char *msg, size_t cap);

/* Every revocation line, oldest first, appended to out. */
int syncd_store_revocation_lines(const char *path, struct yzf_buf *out,
				 char *msg, size_t cap);

/* Lease count document numbers of the type for the feed's agency (uscc
 * receives it) in year: [*first, *last], never leased before. */
int syncd_store_lease(const char *path, const uint8_t feed[YZF_KEY_LEN],
		      const char *doc_type, int year, int64_t count,
		      char uscc[19], int64_t now, int64_t *first, int64_t *last,
		      char *msg, size_t cap);

/* The newest version of every reference data set, to fn in name order,
 * and the newest index line appended to index (nothing appended when none
 * was signed yet), read in one transaction: the index names exactly these
 * versions. */
typedef int (*syncd_set_fn)(void *ctx, const char *name, int64_t version,
			    const uint8_t *line, size_t llen,
			    const uint8_t *content, size_t clen);
int syncd_store_refdata_latest(const char *path, syncd_set_fn fn, void *ctx,
			       struct yzf_buf *index, char *msg, size_t cap);
/* Sign a set's header line for the version chosen inside the
 * transaction. */
typedef int (*syncd_sign_fn)(void *ctx, int64_t version, struct yzf_buf *line,
			     char *msg, size_t cap);
/* Sign the index line of the given version over the newest header line of
 * every set (headers: the lines in name order, each ended by '\n'). */
typedef int (*syncd_index_fn)(void *ctx, int64_t version,
			      const uint8_t *headers, size_t len,
			      struct yzf_buf *line, char *msg, size_t cap);
/* Publish the next version of a set and, in the same transaction, the
 * next index naming it with the newest of every other set: a terminal
 * never sees the one without the other. */
int syncd_store_refdata_publish(const char *path, const char *name,
				syncd_sign_fn sign, syncd_index_fn sign_index,
				void *ctx, const uint8_t *content, size_t clen,
				int64_t now, int64_t *version,
				int64_t *index_version, char *msg, size_t cap);
/* Publish the next index alone (the same sets, a new expiry). */
int syncd_store_refindex_publish(const char *path, syncd_index_fn sign_index,
				 void *ctx, int64_t now, int64_t *index_version,
				 char *msg, size_t cap);

/* Lowercase hex of n bytes into out (2n + 1 bytes). */
void syncd_hex(const uint8_t *in, size_t n, char *out);
/* Exactly 2n lowercase hex digits into out; false otherwise. */
bool syncd_unhex(const char *s, size_t slen, uint8_t *out, size_t n);

#endif

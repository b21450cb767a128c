/* yzf/evidence.h — evidence media: content-addressed, encrypted at rest,
 * linked to its case and reviewed (粤执法平台管理办法 art.26).
 *
 * A blob is the bytes of one photo, scan, file or recording segment, named
 * by BLAKE2b-256 of its plaintext (its "content hash"). The store keeps it
 * as a libsodium secretstream (XChaCha20-Poly1305) in 64 KiB messages,
 * under a key derived from the store's data key, and ends the stream with
 * an empty FINAL message whose associated data is
 * "yzf-evid-v1" || content hash || size: a cut stream, an edited byte,
 * chunks swapped or a stream filed under another hash all fail to open.
 * The signed record that takes the blob (evidence.add, rec.segment)
 * commits to the same content hash, so the chain is record -> hash ->
 * ciphertext (schemas/evidence.md says why the AD is the content hash and
 * not the record id). Deduplicated: the same content stored twice is one
 * blob.
 *
 * Review: an evidence.review record judges relevance, legality and
 * authenticity, each pass or fail with a reason, and only a feed whose
 * certificate has the reviewer role may make one. yzf_evidence_passed is
 * the predicate the case fold uses: a decision may rely only on evidence
 * that passed.
 *
 * Everything here needs the data key (a logged-in officer). Writers and
 * readers are used by one thread, with the struct yzf they came from, and
 * must be closed before it. They hold the derived key in sodium_malloc
 * memory and wipe it when closed.
 */
#ifndef YZF_EVIDENCE_H
#define YZF_EVIDENCE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "record.h"
#ifdef __cplusplus
extern "C" {
#endif

struct yzf;
#define YZF_HASH_LEN 32          /* BLAKE2b-256 content hash */
#define YZF_BLOB_CHUNK 65536     /* plaintext bytes per stored message */

/* ---- blobs: streaming in, streaming out ---- */

struct yzf_blob_writer;
/* Begin a blob. The bytes are encrypted and stored chunk by chunk as they
 * come (each chunk its own short transaction, so a recorder streaming in
 * never holds the store's write lock); the blob exists under its hash only
 * after yzf_blob_finish. Free with _finish or _abort. */
YZF_API int yzf_blob_begin(struct yzf *y, struct yzf_blob_writer **out);
/* Hash, encrypt and store n more bytes. On failure the writer is spent:
 * abort it. */
YZF_API int yzf_blob_write(struct yzf_blob_writer *w, const void *p, size_t n);
/* End the stream, file it under its content hash (hash, size out, may be
 * NULL) and free the writer, also on failure. Content already held is
 * kept once: the new copy is dropped. */
YZF_API int yzf_blob_finish(struct yzf_blob_writer *w,
			    uint8_t hash[YZF_HASH_LEN], uint64_t *size);
/* Drop what was written and free. Accepts NULL. */
YZF_API void yzf_blob_abort(struct yzf_blob_writer *w);

/* Whether the store holds the blob, and its size. YZF_ENOTFOUND if not. */
YZF_API int yzf_blob_stat(struct yzf *y, const uint8_t hash[YZF_HASH_LEN],
			  uint64_t *size);

struct yzf_blob_reader;
/* Open a held blob for reading its plaintext. Free with _close. */
YZF_API int yzf_blob_open(struct yzf *y, const uint8_t hash[YZF_HASH_LEN],
			  struct yzf_blob_reader **out);
/* Read up to cap bytes from offset off (any offset: reading backwards
 * starts the stream again). *n = 0 at the end. Bytes come only from
 * messages that authenticated; the FINAL message, and with it the binding
 * to the content hash, is checked when the end is reached: a blob is only
 * known good once a read returned *n = 0 with YZF_OK. Failures are
 * YZF_ECORRUPT with the chunk named. */
YZF_API YZF_NODISCARD int yzf_blob_read_at(struct yzf_blob_reader *r,
					   uint64_t off, void *buf, size_t cap,
					   size_t *n);
YZF_API uint64_t yzf_blob_size(const struct yzf_blob_reader *r);
/* Accepts NULL. Wipes the key. */
YZF_API void yzf_blob_close(struct yzf_blob_reader *r);

/* What is wrong with a stored blob, as verify names it. */
enum yzf_blob_fault {
	YZF_BLOB_GOOD = 0,
	YZF_BLOB_MISSING,    /* no blob under the hash */
	YZF_BLOB_TRUNCATED,  /* the stream ends before its FINAL message, or
				is shorter than the record says */
	YZF_BLOB_CHANGED,    /* a message does not authenticate (an edited
				byte, chunks swapped), or the content does not
				hash to its name */
	YZF_BLOB_NOT_BOUND,  /* the stream is whole but bound to other content
				(filed under another hash: wrong AD) */
	YZF_BLOB_SIZE,       /* whole and bound, but not the size recorded */
};
/* "missing", "truncated", "changed", "not_bound", "size"; "ok". */
YZF_API const char *yzf_blob_fault_name(int fault);
/* Read a blob through and judge it against what a record says (size, or
 * -1 to skip that check). YZF_OK with *fault set (detail: a sentence
 * naming the chunk or offset, may be NULL); an error only when the check
 * itself could not run. */
YZF_API int yzf_blob_check(struct yzf *y, const uint8_t hash[YZF_HASH_LEN],
			   int64_t size, int *fault, char *detail, size_t cap);
/* Blobs of evidence and recordings not yet acknowledged by the city:
 * up to cap hashes, *n how many there are. */
YZF_API int yzf_blob_unpushed(struct yzf *y, uint8_t (*out)[YZF_HASH_LEN],
			      size_t cap, size_t *n);
/* Note that the city answered the blob complete (sync's blob path). */
YZF_API int yzf_blob_mark_pushed(struct yzf *y,
				 const uint8_t hash[YZF_HASH_LEN]);

/* ---- evidence records ---- */

/* An evidence item to take. hash and size come from yzf_blob_finish: the
 * blob must be held. */
struct yzf_evidence_add {
	const char *case_id;            /* required */
	uint8_t hash[YZF_HASH_LEN];
	uint64_t size;
	const char *media;              /* "image/jpeg" */
	const char *kind;               /* photo scan audio video document file */
	const char *name;               /* NULL or the file name */
	const uint8_t *source;          /* NULL or the id of the record that
					   took it (YZF_ID_LEN bytes) */
	const char *note;               /* NULL or text */
	const struct yzf_loc *loc;      /* NULL: no source */
};
/* Append the evidence.add record. YZF_ENOTFOUND if the blob is not held
 * (the record would promise bytes the store cannot give). */
YZF_API int yzf_evidence_add(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			     const struct yzf_evidence_add *e, int64_t *seq);

/* One criterion of art.26. */
struct yzf_evidence_crit {
	bool pass;
	const char *reason;             /* required, 1..500 characters */
};
/* Append an evidence.review of the item `hash` of case_id: refused with
 * YZF_ECERT (nothing written) unless the feed's certificate has the
 * reviewer role, YZF_ENOTFOUND unless the case holds an evidence.add of
 * that hash. */
YZF_API int yzf_evidence_review(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
				const char *case_id,
				const uint8_t hash[YZF_HASH_LEN],
				const struct yzf_evidence_crit *relevance,
				const struct yzf_evidence_crit *legality,
				const struct yzf_evidence_crit *authenticity,
				int64_t *seq);

/* Review state of an item. */
enum yzf_evidence_state {
	YZF_EVIDENCE_UNREVIEWED = 0,
	YZF_EVIDENCE_PASSED,     /* the latest review passed all three */
	YZF_EVIDENCE_FAILED,     /* the latest review failed one or more */
};
/* The review state of evidence `hash` in case_id: the latest
 * evidence.review of it (by record time, then feed and seq) made by a
 * feed whose certificate has the reviewer role; reviews by other feeds
 * are ignored. why (may be NULL) receives which criterion failed. */
YZF_API int yzf_evidence_state(struct yzf *y, const char *case_id,
			       const uint8_t hash[YZF_HASH_LEN], int *state,
			       char *why, size_t cap);
/* The predicate for the case fold (行政执法决定 may rely only on evidence
 * that passed review, art.26): true only if yzf_evidence_state says
 * PASSED. Any error reads as false. */
YZF_API bool yzf_evidence_passed(struct yzf *y, const char *case_id,
				 const uint8_t hash[YZF_HASH_LEN]);

/* The same judgement over records already in memory (the fold's struct
 * yzf_case_rec array of one case): type, body and roles are read. */
struct yzf_case_rec;
YZF_API int yzf_evidence_state_of(const struct yzf_case_rec *recs, size_t n,
				  const uint8_t hash[YZF_HASH_LEN], int *state,
				  char *why, size_t cap);

/* One evidence item as its evidence.add record says. */
struct yzf_evidence_item {
	uint8_t hash[YZF_HASH_LEN];
	uint64_t size;
	char media[64], kind[16], name[201];
	char case_id[YZF_CASE_MAX];
	bool has_source;
	uint8_t source[YZF_ID_LEN];   /* the record that took it */
	uint8_t feed[YZF_KEY_LEN];    /* the evidence.add record: feed, seq, id */
	int64_t seq;
	uint8_t id[YZF_ID_LEN];
	int64_t at_ms;
	int state;                    /* enum yzf_evidence_state */
	char why[160];                /* when failed: which criterion */
};
/* The evidence items of case_id (NULL: of every case), in (feed, seq)
 * order, with their review state. *out is malloc'd: the caller frees it
 * with free(). */
YZF_API int yzf_evidence_list(struct yzf *y, const char *case_id,
			      struct yzf_evidence_item **out, size_t *n);

/* One thing verify found wrong with evidence or a recording. */
struct yzf_evidence_finding {
	char what[16];     /* "truncated", "changed", "missing", "not_bound",
			      "size" (a blob); "missing", "reordered",
			      "chain", "gap", "uncovered" (a recording) */
	char case_id[YZF_CASE_MAX];
	char recording[33]; /* "" for an evidence item */
	int64_t n;          /* the segment (gap: the one before it); 0 */
	bool has_hash;
	uint8_t hash[YZF_HASH_LEN];
	char why[256];
};
/* Verify the evidence and recordings of case_id (NULL: all held): every
 * blob an evidence.add or rec.segment names is read through and checked
 * against the record (yzf_blob_check), and every recording is checked
 * for numbering, chain and gaps (yzf_rec_check, yzf/recording.h).
 * *out is malloc'd (free()), *n findings, *checked (may be NULL) the
 * blobs read. YZF_OK also when findings were made: they are the answer. */
YZF_API int yzf_evidence_verify(struct yzf *y, const char *case_id,
				struct yzf_evidence_finding **out, size_t *n,
				size_t *checked);

#ifdef __cplusplus
}
#endif
#endif

/* yzf/recording.h — whole-process audio/video recording (全过程记录).
 *
 * 广东省行政执法全过程记录办法 wants on-site work on audio/video, from
 * arrival to departure and without interruption for 查封/扣押 (art.19),
 * every gap explained (art.20) and nothing edited (art.27). Here a
 * recording is a run of signed records in one officer's feed:
 *
 *   rec.start    the case and the step it covers (case.measure ...)
 *   rec.segment  one closed segment: BLAKE2b-256 of its bytes, hashed as
 *                they were written, size, start and end on the wall and
 *                monotonic clocks, the clock's boot, its position n and
 *                the previous segment's hash (a chain)
 *   rec.gap      a break after segment `after`, with its reason: made by
 *                the terminal the moment it notices one (the next segment
 *                does not start where the last ended, or the monotonic
 *                clock's origin changed: a reboot), reason "unknown"
 *                unless the recorder said why; the officer explains an
 *                unknown one with a later rec.gap at the same place
 *   rec.end      departure: how many segments, the last hash
 *
 * The segment bytes are stored as blobs (yzf/evidence.h), so the media are
 * encrypted at rest and upload by the sync blob path. schemas/evidence.md
 * has the formats and the checks.
 *
 * Ownership: a struct yzf_recording belongs to the struct yzf it was made
 * on, is used by one thread and closed before it. Nothing here calls the
 * OS: segments come from the port's recorder (yzf/port.h) or are pushed
 * in by the caller with _segment_begin/_write/_end.
 */
#ifndef YZF_RECORDING_H
#define YZF_RECORDING_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "evidence.h"
#include "port.h"
#include "record.h"
#ifdef __cplusplus
extern "C" {
#endif

struct yzf;
struct yzf_case_rec;

#ifndef YZF_REC_MAX_GAP_MS
/* Two segments follow each other when the next starts at most this long
 * after the last ended (the capture tool closes one file and opens the
 * next); more is a gap. */
#define YZF_REC_MAX_GAP_MS 2000
#endif
#define YZF_REC_ID_HEX 33        /* 32 hex digits and NUL */

/* ---- hashing as written ---- */

/* The streaming BLAKE2b-256 every segment goes through, chunk by chunk as
 * the recorder writes (libsodium crypto_generichash). _init/_final work on
 * memory the caller owns; nothing allocates. */
struct yzf_rec_hash {
	uint64_t len;
	_Alignas(64) unsigned char st[448]; /* crypto_generichash_state */
};
YZF_API void yzf_rec_hash_init(struct yzf_rec_hash *h);
YZF_API void yzf_rec_hash_update(struct yzf_rec_hash *h, const void *p,
				 size_t n);
YZF_API void yzf_rec_hash_final(struct yzf_rec_hash *h,
				uint8_t out[YZF_HASH_LEN]);

/* ---- recording ---- */

struct yzf_recording;
/* Begin a recording: append rec.start for case_id (required) covering
 * `step` (a record type, e.g. "case.measure"), measure "seal"/"seize" or
 * NULL, device NULL or the recorder's name. The feed's officer must be
 * logged in. YZF_ESTATE while the feed has a recording not yet ended (one
 * recorder per officer). Free with yzf_rec_close. */
YZF_API int yzf_rec_start(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			  const char *case_id, const char *step,
			  const char *measure, const char *device,
			  struct yzf_recording **out);
/* The feed's open recording (a rec.start with no rec.end after it), its
 * state rebuilt from its signed records: YZF_ENOTFOUND if none. */
YZF_API int yzf_rec_resume(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			   struct yzf_recording **out);
/* Accepts NULL. Does not end the recording. */
YZF_API void yzf_rec_close(struct yzf_recording *r);
/* The recording's id (32 hex digits) and its case; owned by r. */
YZF_API const char *yzf_rec_id(const struct yzf_recording *r);
YZF_API const char *yzf_rec_case(const struct yzf_recording *r);
/* Segments so far. */
YZF_API int64_t yzf_rec_segments(const struct yzf_recording *r);

/* A segment pushed in by the caller, bytes as they are written: begin
 * with its description (times may be completed at _end), write the bytes
 * (hashed and stored encrypted as they come), end. _end first appends a
 * rec.gap when this segment does not follow the last, then the
 * rec.segment: both in one transaction. On success *n_out (may be NULL)
 * is the segment's n. A failed write or end leaves nothing signed: the
 * next begin starts over. */
YZF_API int yzf_rec_segment_begin(struct yzf_recording *r,
				  const struct yzf_port_segment *seg);
YZF_API int yzf_rec_segment_write(struct yzf_recording *r, const void *p,
				  size_t n);
YZF_API int yzf_rec_segment_end(struct yzf_recording *r,
				const struct yzf_port_segment *seg,
				int64_t *n_out);
YZF_API void yzf_rec_segment_abort(struct yzf_recording *r);

/* Take every segment the port's recorder has ready (waiting up to wait_ms
 * for the first), each through the path above, telling the port each one
 * is stored. *taken (may be NULL) counts them. YZF_EPORT if the port has
 * no recorder. */
YZF_API int yzf_rec_take(struct yzf_recording *r, int wait_ms,
			 size_t *taken);
/* Explain the gap after segment `after` (an unknown one the terminal
 * noticed): a rec.gap by the officer with reason (not "unknown") and
 * text. YZF_ENOTFOUND if the recording has no gap there. */
YZF_API int yzf_rec_explain(struct yzf_recording *r, int64_t after,
			    const char *reason, const char *text);
/* Append rec.end. The struct stays valid (for reading) until closed. */
YZF_API int yzf_rec_end(struct yzf_recording *r);

/* ---- checking ---- */

enum yzf_rec_fault_kind {
	YZF_REC_GAP = 1,       /* a break with no rec.gap, or only an
				  unexplained ("unknown") one */
	YZF_REC_MISSING,       /* a segment n absent between its neighbours,
				  or past the last held while rec.end
				  counts more */
	YZF_REC_REORDERED,     /* segments out of order */
	YZF_REC_CHAIN,         /* prev does not name the previous segment,
				  or rec.end names another last one */
	YZF_REC_UNCOVERED,     /* a coercive step with no recording covering it */
};
/* "gap", "missing", "reordered", "chain", "uncovered". */
YZF_API const char *yzf_rec_fault_name(int kind);

struct yzf_rec_fault {
	int kind;                     /* enum yzf_rec_fault_kind */
	char recording[YZF_REC_ID_HEX];
	int64_t n;                    /* the segment at fault (gap: after) */
	char why[200];                /* a sentence naming both ends */
};

/* Check the recordings among a case's records (the fold's array, in feed
 * and seq order): numbering, hash chain, continuity, gaps and their
 * explanations. Pure: no store, no allocation beyond a scratch array.
 * Up to cap faults into out, *n how many there are. `coercive_only`
 * limits it to recordings whose step is case.measure (查封/扣押), where
 * 全过程记录办法 art.19 wants it uninterrupted, and then also reports a
 * case.measure that no recording covers. */
YZF_API int yzf_rec_check(const struct yzf_case_rec *recs, size_t n,
			  bool coercive_only, struct yzf_rec_fault *out,
			  size_t cap, size_t *nfaults);

/* For the case fold: whether the recording of a 查封/扣押 step of the case
 * (rec.start step "case.measure") has an unexplained gap — a break with no
 * rec.gap or only an "unknown" one, a missing or reordered segment, or no
 * recording at all for a case.measure taken. *defect receives the answer;
 * why (may be NULL) names the first fault. Reads the case's records from
 * the store. */
YZF_API int yzf_rec_coercive_gap(struct yzf *y, const char *case_id,
				 bool *defect, char *why, size_t cap);
/* The same over records in memory (what the fold holds). */
YZF_API bool yzf_rec_coercive_gap_of(const struct yzf_case_rec *recs, size_t n,
				     char *why, size_t cap);

/* ---- listing ---- */

struct yzf_rec_info {
	char id[YZF_REC_ID_HEX];
	char case_id[YZF_CASE_MAX];
	char step[YZF_TYPE_MAX];
	char measure[8];
	uint8_t feed[YZF_KEY_LEN];
	int64_t start_seq;            /* 0 if its rec.start is not held */
	int64_t start_ms;
	int64_t segments, gaps;       /* records held */
	uint64_t bytes;
	bool ended;
};
/* The recordings of case_id (NULL: all held). *out is malloc'd: free(). */
YZF_API int yzf_rec_list(struct yzf *y, const char *case_id,
			 struct yzf_rec_info **out, size_t *n);

struct yzf_rec_seginfo {
	int64_t n;
	uint8_t hash[YZF_HASH_LEN], prev[YZF_HASH_LEN];
	uint64_t size;
	char media[64];
	int64_t start_ms, end_ms, start_mono, end_mono;
	uint64_t boot;
	int64_t seq;                  /* of its rec.segment record */
};
/* The rec.segment records of a recording, in the order signed (not sorted:
 * verify judges the order). *out is malloc'd: free(). YZF_ENOTFOUND if
 * none. */
YZF_API int yzf_rec_segments_of(struct yzf *y, const char *recording,
				struct yzf_rec_seginfo **out, size_t *n);

#ifdef __cplusplus
}
#endif
#endif

/* yzf/loclock.h — the location lock (平台办法第二十一条).
 *
 * An officer's terminal keeps its location on: every record carries the
 * fix it was made with (the envelope's `loc`, schemas/record.md). Location
 * may be off only under an approval the agency head signed (`loc.approve`:
 * scope an officer or a case, a window, a reason). Turning it off is a
 * record (`loc.off`), and so is turning it on (`loc.on`); off without a
 * valid approval is never refused — the officer's work goes on — but a
 * `loc.violation` record follows at once and every record made meanwhile
 * is flagged. A fix too old or too coarse (YZF_LOC_MAX_AGE_MS,
 * YZF_LOC_MAX_ACC_CM in yzf/config.h), a missing fix, and a move between
 * two records faster than YZF_LOC_MAX_SPEED_MM_S are flagged the same way,
 * by yzf_loclock_judge, from the records alone: anyone holding them (the
 * city, an auditor) judges alike.
 *
 * Functions that append need the feed's officer logged in; all need the
 * data key. One struct yzf per thread.
 */
#ifndef YZF_LOCLOCK_H
#define YZF_LOCLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

struct yzf;

/* The head's approval: the feed must be of an officer whose certificate
 * has the head role, else YZF_ECERT citing the article and nothing is
 * written. Exactly one of officer_no (that officer, any case) and case_id
 * (that case, any officer) is given; the window is [from_ms, until_ms).
 * YZF_EINVAL naming the field otherwise. */
YZF_API int yzf_loclock_approve(struct yzf *y,
				const uint8_t head_feed[YZF_KEY_LEN],
				const char *officer_no, const char *case_id,
				int64_t from_ms, int64_t until_ms,
				const char *reason, int64_t *seq);

/* Turn the feed's location off (reason required; case_id, may be NULL,
 * the case worked on, for a case-scoped approval). Written whatever the
 * approvals: *approved (may be NULL) says whether a valid one covered now;
 * if not, a loc.violation follows in the same transaction. YZF_ESTATE
 * when it is off already. */
YZF_API int yzf_loclock_off(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			    const char *reason, const char *case_id,
			    bool *approved, int64_t *seq);

/* Turn it on again: a loc.on naming the loc.off. YZF_ESTATE when on. */
YZF_API int yzf_loclock_on(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			   int64_t *seq);

/* Where the feed stands now. */
struct yzf_loclock_state {
	bool off;
	int64_t off_seq, off_ms;     /* the loc.off in force */
	bool approved;               /* a valid approval covers now */
	uint8_t ap_feed[YZF_KEY_LEN];/* approved: the loc.approve */
	int64_t ap_seq, ap_until_ms;
};
YZF_API int yzf_loclock_state(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			      int64_t now, struct yzf_loclock_state *st);

/* Flags of a record's location (bits). */
enum {
	YZF_LOCF_NOFIX = 1,      /* no fix: no device, no solution */
	YZF_LOCF_STALE = 2,      /* the fix older than YZF_LOC_MAX_AGE_MS */
	YZF_LOCF_COARSE = 4,     /* error above YZF_LOC_MAX_ACC_CM */
	YZF_LOCF_OFF = 8,        /* made while location was off */
	YZF_LOCF_UNAPPROVED = 16,/* ... with no valid approval at its time */
	YZF_LOCF_JUMP = 32,      /* faster than YZF_LOC_MAX_SPEED_MM_S from the
				    previous record with a fix */
};

/* One record of the feed as judged. */
struct yzf_loc_judged {
	int64_t seq;
	int64_t at_ms;
	char type[YZF_TYPE_MAX];
	struct yzf_loc loc;
	unsigned flags;          /* YZF_LOCF_* */
	int64_t speed_mm_s;      /* JUMP: the speed it implies */
};

/* Judge every record of the feed in seq order, calling each (return
 * non-zero to stop; that value is returned). The location records
 * themselves (loc.*) are reported unflagged. */
YZF_API int yzf_loclock_judge(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			      int (*each)(void *ctx,
					  const struct yzf_loc_judged *r),
			      void *ctx);

#ifdef __cplusplus
}
#endif
#endif

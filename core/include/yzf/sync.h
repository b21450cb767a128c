/* yzf/sync.h — the terminal's side of sync, without the transport.
 *
 * A terminal app sends what these functions build over whatever HTTPS stack
 * it has (the yzf CLI uses mbedTLS; an Android app its own), following
 * schemas/sync.md, and hands the server's answers back. The library keeps,
 * per feed, the head the server has acknowledged, so a cut connection
 * resumes from there and a record counts as received by the city only once
 * an answer said so.
 */
#ifndef YZF_SYNC_H
#define YZF_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include "canon.h"
#include "record.h"
#include "exchange.h"

#ifdef __cplusplus
extern "C" {
#endif

struct yzf;

#define YZF_AUTH_MAX 256 /* bytes of an Authorization value, NUL included */

/* The Authorization header value for a request signed by the feed's key
 * (schemas/sync.md): "YZF1 feed=..., at=..., sig=...". The feed's officer
 * must be logged in. */
YZF_API int yzf_sync_auth(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			  const char *method, const char *path,
			  const uint8_t *body, size_t len,
			  char out[YZF_AUTH_MAX]);

/* The body of the next push: exchange lines of the feed's records after
 * the server's acknowledged head, at most max of them. *n receives how many
 * (0: nothing to send). Needs the data key. */
YZF_API int yzf_sync_push_body(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			       size_t max, struct yzf_buf *out, size_t *n);

/* What a push answer means for the terminal. */
struct yzf_sync_result {
	int64_t acked;        /* server head seq after the answer */
	int64_t stored, duplicates;
	int64_t quarantined;  /* records the server refused */
	char first_problem[256];
	int64_t flagged;      /* stored, but their wall time cannot be true */
	char first_flag[256];
	bool conflict;        /* 409: resend from acked + 1 */
};

/* Apply a push answer (HTTP status and JSON body) to the request signed
 * with auth (the Authorization value sent). A 200 answer moves the
 * acknowledged head to the head it names only with the city's proof
 * (yzf/trust.h): a checkpoint signed by the pinned city key echoing the
 * request, consistent with the checkpoint held (else YZF_ECORRUPT, and
 * both are kept as evidence), whose tree holds every newly acknowledged
 * record of this terminal at the positions the answer names (else
 * YZF_EBADSIG: nothing is marked). The checkpoint is then held and its
 * time attested. A 409 answer only says where to resend from. A head id
 * that differs from the terminal's own record is refused (YZF_ECORRUPT:
 * the server holds another record at that seq — a fork — and the message
 * says so). Other statuses return YZF_EINVAL with the server's message.
 * Send pushes to "/v1/push?from=N" with N from yzf_trust_log_size. */
YZF_API int yzf_sync_push_answer(struct yzf *y,
				 const uint8_t feed[YZF_KEY_LEN],
				 const char *auth, int status,
				 const uint8_t *body, size_t len,
				 struct yzf_sync_result *r);

/* Where a pull left off when the answer was cut at its limit. */
struct yzf_pull_cursor {
	bool set;
	char case_id[YZF_CASE_MAX]; /* the case the answer was cut in */
	uint8_t feed[YZF_KEY_LEN];
	int64_t seq;
};

/* The body of a pull for the cases the feed's officer works on (the cases
 * its records name, most recent first, up to 64), from cursor after (may
 * be NULL). */
YZF_API int yzf_sync_pull_body(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			       const struct yzf_pull_cursor *after,
			       struct yzf_buf *out);

/* Apply a pull answer: other officers' records of the shared cases are
 * verified one by one and stored (their feeds marked sparse), or
 * quarantined with the reason; r says what happened to each line. next is
 * set when the server has more. Needs the data key. */
YZF_API int yzf_sync_pull_answer(struct yzf *y, int status,
				 const uint8_t *body, size_t len,
				 struct yzf_import_report *r,
				 struct yzf_pull_cursor *next);

/* Apply a GET /v1/revocations answer: each line must be signed by the
 * pinned city key (else the answer is refused, YZF_EBADSIG, and nothing
 * kept); new ones are stored. From then on the terminal refuses logins and
 * new records under a revoked certificate, and verify judges records made
 * after a revocation invalid (those made before stay valid). *added
 * receives how many were new. */
YZF_API int yzf_sync_revocations_answer(struct yzf *y, int status,
					const uint8_t *body, size_t len,
					size_t *added);

/* Document numbers. The body of a lease request is
 * {"doc_type":TYPE,"count":N}; the answer is applied with
 * yzf_sync_lease_answer, which keeps the block for the feed. */
YZF_API int yzf_sync_lease_answer(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
				  int status, const uint8_t *body, size_t len,
				  int64_t *first, int64_t *last);
/* Take the next document number of the type for the current year (Beijing
 * time) from the feed's leases, durably: it is never handed out again.
 * YZF_ENOTFOUND when none is left (the message says to sync for more). */
YZF_API int yzf_lease_take(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			   const char *doc_type, int *year, int64_t *number);
/* Numbers of the type left for the current year. */
YZF_API int yzf_lease_left(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			   const char *doc_type, int64_t *left);

/* The feed's local head and the server's acknowledged head. */
YZF_API int yzf_sync_state(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			   int64_t *local, int64_t *acked);

#ifdef __cplusplus
}
#endif
#endif

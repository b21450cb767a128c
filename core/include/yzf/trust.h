/* yzf/trust.h — what a terminal trusts the city for, and how it checks:
 * the city's transparency log (signed checkpoints), and attested time.
 *
 * Checkpoint. The city appends every record it accepts to a Merkle log
 * (yzf/merkle.h; the leaf data is the record's 32-byte id) and signs its
 * head with the city issuing key, Ed25519 over "yzf-ckpt-v1\0" || bytes:
 *   {"ckpt":{"v":1,"size":N,"root":HEX64,"at":TIME,"req":null|HEX32},
 *    "sig":HEX128}
 * at is the server's time when it signed; req echoes the nonce of the
 * request it answers (null for a checkpoint printed for auditors), which
 * makes at fresh: the terminal's attested time.
 *
 * Attested time. The newest checkpoint time that answered one of this
 * terminal's own requests, with the terminal's wall and monotonic clocks
 * when it arrived. It never moves back. From it the terminal estimates now
 * without trusting its wall clock: the attested time plus the monotonic
 * time elapsed since while the monotonic clock runs on (no reboot), else
 * the wall clock corrected by the drift seen then, but never earlier than
 * the attested time itself. A reboot whose monotonic clock has already
 * passed the one of the attestation is taken as no reboot: the estimate
 * then lags by the time the terminal was off, until the next sync. Signed
 * requests carry this time, so a terminal whose clock jumped still syncs
 * (and the city flags the records stamped with the wrong time).
 *
 * Threading: as struct yzf (one thread at a time per context).
 */
#ifndef YZF_TRUST_H
#define YZF_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "canon.h"
#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

struct yzf;

#define YZF_NONCE_LEN 16

struct yzf_checkpoint {
	uint64_t size;
	uint8_t root[32];
	int64_t at_ms;
	int32_t tz;
	bool has_req;
	uint8_t req[YZF_NONCE_LEN];
};

/* Sign a checkpoint with the city key; appends the line to out. */
YZF_API int yzf_checkpoint_sign(const struct yzf_checkpoint *c,
				const uint8_t city_sk[64], struct yzf_buf *out);
/* Parse a checkpoint line and check it is signed by city_pk. YZF_OK,
 * YZF_ENONCANON or YZF_EBADSIG with err saying where and why. */
YZF_API YZF_NODISCARD int yzf_checkpoint_parse(const uint8_t *line,
					       size_t len,
					       const uint8_t city_pk[YZF_KEY_LEN],
					       struct yzf_checkpoint *c,
					       struct yzf_canon_err *err);

/* The terminal's time as the city attested it. */
struct yzf_attested {
	bool have;          /* false: never attested; now_ms is the clock */
	int64_t at_ms;      /* the last attested time (UTC ms) */
	int32_t tz;
	int64_t mono_ms;    /* the monotonic clock when it arrived */
	int64_t local_ms;   /* the wall clock when it arrived */
	int64_t now_ms;     /* the best estimate of now, never < at_ms */
	int64_t clock_ms;   /* the wall clock now */
	int32_t clock_tz;   /* and its zone */
	int64_t mono_now_ms; /* the monotonic clock now */
	int64_t drift_ms;   /* clock_ms - now_ms: how far the clock is off */
	bool by_mono;       /* now_ms came from the monotonic clock */
};

YZF_API int yzf_attested(struct yzf *y, struct yzf_attested *a);

/* A fresh nonce for GET /v1/checkpoint?nonce=HEX (port entropy). */
YZF_API int yzf_trust_nonce(struct yzf *y, uint8_t nonce[YZF_NONCE_LEN]);
/* The size of the checkpoint held, 0 if none: send it as ?from=N. */
YZF_API int yzf_trust_log_size(struct yzf *y, uint64_t *size);

/* Apply a GET /v1/checkpoint answer: the checkpoint must be signed by the
 * pinned city key, echo nonce, and prove consistent with the one held
 * (the first one is taken as it is). Then it is held, and its time is the
 * attested time. An inconsistent one is refused (YZF_ECORRUPT) and kept,
 * with the one held and the proof, as evidence. c receives it. */
YZF_API int yzf_trust_checkpoint_answer(struct yzf *y,
					const uint8_t nonce[YZF_NONCE_LEN],
					int status, const uint8_t *body,
					size_t len, struct yzf_checkpoint *c);

struct yzf_trust_status {
	bool have_ckpt;
	struct yzf_checkpoint ckpt;   /* the newest checkpoint held */
	int64_t received_ms;          /* the terminal clock when it came */
	struct yzf_attested att;
	int64_t evidence;             /* inconsistencies kept */
};
YZF_API int yzf_trust_status(struct yzf *y, struct yzf_trust_status *s);
/* The i-th piece of evidence (oldest first): the checkpoint held, the one
 * offered, why they do not agree, when (terminal clock). YZF_ENOTFOUND
 * past the end. */
YZF_API int yzf_trust_evidence(struct yzf *y, size_t i, struct yzf_buf *held,
			       struct yzf_buf *offered, char reason[256],
			       int64_t *detected);

/* For anyone, offline: whether the checkpoint in newer (a GET
 * /v1/checkpoint?from=M answer, or its "log" object) is signed by city_pk
 * and consistent with the checkpoint line older (size M), also signed by
 * it. YZF_OK with c the newer checkpoint; else why (256 bytes) says what
 * failed: YZF_ECORRUPT an inconsistent log, YZF_EBADSIG a signature,
 * YZF_EINVAL or YZF_ENONCANON a malformed input. */
YZF_API int yzf_trust_check_consistency(const uint8_t city_pk[YZF_KEY_LEN],
					const uint8_t *older, size_t olen,
					const uint8_t *newer, size_t nlen,
					struct yzf_checkpoint *c, char why[256]);

#ifdef __cplusplus
}
#endif
#endif

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
 * time elapsed since (same boot), else the wall clock corrected by the
 * drift seen then, but never earlier than the attested time itself.
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
	int64_t drift_ms;   /* clock_ms - now_ms: how far the clock is off */
	bool by_mono;       /* now_ms came from the monotonic clock */
};

YZF_API int yzf_attested(struct yzf *y, struct yzf_attested *a);

#ifdef __cplusplus
}
#endif
#endif

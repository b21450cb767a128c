/* yzf/keys.h — the terminal's trust, officers' keys, PINs and sessions.
 *
 * A terminal is initialised once with its id and the trust bundle (province
 * root and city certificates), which it pins. Each officer enrolls in two
 * steps: yzf_enroll_request makes the feed key pair on the terminal and
 * wraps its secret key, with the store's data key, under
 *   KEK = BLAKE2b-256(key = port secret "slot-<feed>",
 *                     "yzf-kek-v1" || Argon2id(PIN, salt))
 * so neither the PIN alone (a 6-digit PIN falls to an offline search) nor
 * the port secret alone opens it; the city then issues a feed certificate
 * for the request, and yzf_enroll_complete binds it. The store's data key
 * (XChaCha20-Poly1305, encrypts record envelopes at rest) is made with the
 * first enrollment and sealed to the city's X25519 key (crypto_box_seal), so
 * the city can open a wiped or lost terminal's records. Later officers
 * enroll while an enrolled officer is logged in: the data key is only ever
 * unwrapped by an officer's PIN.
 *
 * Wrong PINs are counted durably before the PIN is checked; at the
 * configured limit the officer's key slot is crypto-erased (its port secret
 * destroyed) and the officer is locked out until re-enrolled. A login makes
 * a session: the keys wrapped under a fresh port secret "sess-<feed>" that
 * logout or expiry destroys, so a terminal app process or a CLI invocation
 * can use them until then.
 */
#ifndef YZF_KEYS_H
#define YZF_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "canon.h"
#include "cert.h"

#ifdef __cplusplus
extern "C" {
#endif

struct yzf;

struct yzf_config {
	char terminal[65];         /* terminal id, as feed certificates name it */
	uint32_t max_pin_failures; /* 0: YZF_DEFAULT_MAX_PIN_FAILURES */
	uint64_t kdf_ops;          /* Argon2id opslimit; 0: INTERACTIVE */
	uint64_t kdf_mem;          /* Argon2id memlimit bytes; 0: INTERACTIVE */
	int64_t session_ttl_ms;    /* 0: YZF_DEFAULT_SESSION_TTL_MS */
};

/* Initialise a new store: the terminal id, the limits, and the trust
 * bundle (lines of root and city certificates, yzf/cert.h) which must form
 * a valid chain. YZF_EEXIST if already initialised. */
YZF_API int yzf_init(struct yzf *y, const struct yzf_config *cfg,
		     const uint8_t *trust, size_t len);
/* The stored configuration; YZF_ESTATE if the store is not initialised. */
YZF_API int yzf_config_get(struct yzf *y, struct yzf_config *cfg);

/* Make a feed key pair and a pending key slot wrapped under pin. Appends to
 * req the enrollment request line (schemas/cert.md: the feed key and the
 * terminal id, signed by the feed key as proof of possession) and returns
 * the feed id in feed. */
YZF_API int yzf_enroll_request(struct yzf *y, const char *pin, size_t pinlen,
			       struct yzf_buf *req,
			       uint8_t feed[YZF_KEY_LEN]);
/* Parse an enrollment request line (city side) and check its proof of
 * possession: the signature by the feed key it names. Fills feed and
 * terminal (65 bytes). YZF_ENONCANON / YZF_EBADSIG with err. */
YZF_API YZF_NODISCARD int yzf_request_parse(const uint8_t *line, size_t len,
					    uint8_t feed[YZF_KEY_LEN],
					    char terminal[65],
					    struct yzf_canon_err *err);
/* Bind a feed certificate to its pending slot. bundle holds the root, city
 * and feed certificate lines; root and city must be the pinned ones, the
 * feed certificate must name this terminal and a pending feed key. */
YZF_API int yzf_enroll_complete(struct yzf *y, const uint8_t *bundle,
				size_t len, uint8_t feed[YZF_KEY_LEN]);

/* Abandon a pending enrollment (the city refused it): its key is erased
 * and its slot removed. When that leaves a store with no officer and no
 * record, the data key goes too, so the next enrollment starts afresh.
 * YZF_ESTATE if the feed is not pending. */
YZF_API int yzf_enroll_cancel(struct yzf *y, const uint8_t feed[YZF_KEY_LEN]);

/* Check pin for the feed and open a session. YZF_EAUTH (wrong PIN; the
 * message says how many tries remain), YZF_ELOCKED, YZF_ENOTFOUND. */
YZF_API int yzf_login(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		      const char *pin, size_t pinlen);
/* End the feed's session (destroys its port secret). YZF_OK also if none. */
YZF_API int yzf_logout(struct yzf *y, const uint8_t feed[YZF_KEY_LEN]);
/* Crypto-erase every key slot and session: their port secrets are
 * destroyed and their rows deleted. Records stay, sealed to the city. */
YZF_API int yzf_wipe(struct yzf *y);

/* Open the store's records with its data key, unsealed by the city
 * (crypto_box_seal_open with the city's X25519 key pair). For the city's
 * recovery of a wiped or lost terminal: read and verify only. */
YZF_API int yzf_unlock_city(struct yzf *y, const uint8_t seal_pk[32],
			    const uint8_t seal_sk[32]);

enum yzf_slot_state {
	YZF_SLOT_NONE = 0,
	YZF_SLOT_PENDING,  /* key made, certificate not yet bound */
	YZF_SLOT_ENROLLED,
	YZF_SLOT_LOCKED,   /* erased after too many wrong PINs */
};

struct yzf_officer {
	uint8_t feed[YZF_KEY_LEN];
	int state;                  /* enum yzf_slot_state */
	uint32_t failures;          /* wrong PINs since the last good one */
	bool session;               /* a live session exists */
	int64_t session_expires;    /* ms UTC, when session */
	bool has_cert;
	struct yzf_cert cert;       /* when has_cert */
	int64_t head_seq;           /* records in the feed */
};

/* List the officers enrolled (or pending, or locked) on this terminal, up
 * to cap; *n receives how many there are. */
YZF_API int yzf_officers(struct yzf *y, struct yzf_officer *out, size_t cap,
			 size_t *n);

#ifdef __cplusplus
}
#endif
#endif

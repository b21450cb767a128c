/* enroll.h — online enrollment: one-time codes and /v1/enroll, /v1/trust.
 *
 * City ops make a code for one officer (`yzf-syncd admin enroll-code`); the
 * store keeps only its hash with the officer's particulars. A terminal
 * that knows the city's TLS CA fetches the trust bundle (GET /v1/trust),
 * makes its feed key, and sends the code with its signed enrollment
 * request (POST /v1/enroll, schemas/sync.md). The server checks the code
 * (known, unused, unexpired) and the request's proof of possession, issues
 * the feed certificate with the city issuing key from the authority
 * directory, records it there (issued.ndjson) and in the store, marks the
 * code used, and puts the new roster in force.
 */
#ifndef YZF_SYNCD_ENROLL_H
#define YZF_SYNCD_ENROLL_H

#include <stddef.h>
#include <stdint.h>
#include <yzf/cert.h>

#include "api.h"
#include "store.h"

/* The officer a code is for. */
struct syncd_code_spec {
	char name[97], officer_no[33], agency[129], uscc[19];
	uint32_t roles;      /* enum yzf_role bits; 0: officer */
	unsigned days;       /* certificate validity; 0: 365 */
	unsigned hours;      /* the code's life; 0: 72 */
};

#define SYNCD_CODE_LEN 19 /* "XXXX-XXXX-XXXX-XXXX": 80 random bits */

/* Make a code in the store at store_path (city ops, beside a running
 * daemon: SQLite serialises the writes). code receives it, NUL-terminated.
 * YZF_EINVAL with msg naming the field for bad particulars. */
int syncd_code_create(const char *store_path, const struct syncd_code_spec *c,
		      int64_t now, char code[SYNCD_CODE_LEN + 1], char *msg,
		      size_t cap);

/* POST /v1/enroll and GET /v1/trust. The caller holds no roster lock;
 * swap_roster is called with the new roster while request threads are
 * kept out (the app's write lock). */
struct syncd_enroll {
	struct syncd_store *store;
	void *lock_ctx;
	void (*swap_roster)(void *lock_ctx, struct syncd_roster *r);
};
int syncd_enroll_handle(struct syncd_enroll *e, const struct syncd_request *req,
			struct syncd_response *resp, int64_t now);
int syncd_trust_handle(struct syncd_enroll *e, struct syncd_response *resp,
		       int64_t now);

#endif

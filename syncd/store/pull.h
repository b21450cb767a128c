/* pull.h — POST /v1/pull: the records of other feeds for the cases a feed
 * works on (schemas/sync.md, "Pull"). Read-only: it opens its own
 * connection to the store per request, beside the writer's. */
#ifndef YZF_SYNCD_PULL_H
#define YZF_SYNCD_PULL_H

#include <stdint.h>
#include <yzf/record.h>

#include "api.h"
#include "store.h"

#define SYNCD_PULL_MAX_CASES 64

/* At most `page` records an answer (pull_page in yzf-syncd.ini). */
int syncd_pull_handle(struct syncd_store *s, const uint8_t feed[YZF_KEY_LEN],
		      size_t page, const struct syncd_request *req,
		      struct syncd_response *resp, int64_t now);

/* GET /v1/revocations: every revocation line the city signed, oldest
 * first (terminals verify each against the pinned city key). */
int syncd_revocations_handle(struct syncd_store *s, struct syncd_response *resp,
			     int64_t now);

/* POST /v1/refdata: the newest signed index ("index", null before the
 * first) and the newest version of every published reference data set the
 * terminal does not hold yet ({"have":{NAME:VERSION}}): the versions that
 * index names. */
int syncd_refdata_handle(struct syncd_store *s, const struct syncd_request *req,
			 struct syncd_response *resp, int64_t now);

#endif

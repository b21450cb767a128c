/* lease.h — POST /v1/lease: a block of document numbers for the agency of
 * the authenticated feed (schemas/sync.md, "Leases"). */
#ifndef YZF_SYNCD_LEASE_H
#define YZF_SYNCD_LEASE_H
#include <yzf/record.h>
#include "api.h"
#include "store.h"
int syncd_lease_handle(struct syncd_store *s, const uint8_t feed[YZF_KEY_LEN],
		       const struct syncd_request *req,
		       struct syncd_response *resp, int64_t now);
#endif

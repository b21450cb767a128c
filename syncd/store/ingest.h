/* ingest.h — POST /v1/push (schemas/sync.md) and the JSON answers.
 *
 * syncd_ingest_push runs in the request thread: it splits the body into lines,
 * checks each record as `yzf import` does as far as that needs no stored
 * head (canonical envelope, the authenticated feed, signature, body schema,
 * certificate covering and unrevoked at the record's time), then hands the
 * batch to the store's writer (store.h) for the head checks and the commit,
 * and answers with what the commit did. Signature checks, the expensive
 * part, thus run in parallel in the request threads.
 *
 * Answers are canonical JSON (every /v1 answer carries "server_time"):
 *   {"ok":true,"server_time":T,"feed":HEX64,"head":{"seq":N,"id":HEX64},
 *    "stored":N,"duplicates":N,"quarantined":[{"seq":N,"reason":S},...],
 *    "flagged":[{"seq":N,"reason":S},...] (stored, wall time impossible),
 *    "log":{...}}   (mlog.h: checkpoint, consistency, entries, proof)
 *   {"ok":false,"error":CODE,"message":S,"server_time":T[,"head":{...}]}
 * (schemas/wire/push-response.schema.json). In "quarantined", seq is 0 for
 * a line that names no readable seq (a certificate line, an unreadable
 * line).
 */
#ifndef YZF_SYNCD_INGEST_H
#define YZF_SYNCD_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yzf/record.h>

#include "../api.h"
#include "store.h"

struct yzf_schemas;

#define SYNCD_SERVER_TZ 480 /* server_time is written in Beijing time */

struct syncd_ingest {
	struct syncd_store *store;
	const struct syncd_roster *roster;
	const struct yzf_schemas *schemas; /* record body schemas (shared) */
	size_t max_records;                /* max_push_records */
};

/* Answer a push of the authenticated feed. Returns 0 with resp written
 * (200, 409, 413, 503, or 500 with the store's message), or YZF_ENOMEM. */
int syncd_ingest_push(const struct syncd_ingest *in,
		      const uint8_t feed[YZF_KEY_LEN],
		      const struct syncd_request *req,
		      struct syncd_response *resp);

/* GET /v1/checkpoint?from=N&nonce=HEX32 (public): the city's checkpoint
 * now, echoing the nonce, with the consistency proof from size N. */
int syncd_checkpoint_handle(struct syncd_store *s,
			    const struct syncd_request *req,
			    struct syncd_response *resp, int64_t now);

/* The value of key in a query string ("from=5&nonce=ab"), into out (cap
 * bytes, NUL-terminated); false when absent or too long. */
bool syncd_query_get(const char *query, const char *key, char *out,
		     size_t cap);
/* A decimal value of the query; 0 when absent; false when malformed. */
bool syncd_query_u64(const char *query, const char *key, uint64_t *v);

/* {"ok":false,"error":code,"message":msg,"server_time":now} with status. */
void syncd_answer_error(struct syncd_response *resp, int status,
			const char *code, const char *msg, int64_t now);

#endif

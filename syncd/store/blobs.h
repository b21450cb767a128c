/* blobs.h — evidence files: chunked, resumable, content-addressed upload
 * (schemas/sync.md, "Blobs").
 *
 *   GET  /v1/blobs/<hash>                  how much the server holds
 *   POST /v1/blobs/<hash>/<size>/<offset>  the next chunk (body)
 *
 * A blob is named by the BLAKE2b-256 of its bytes (64 hex). Chunks append
 * to data_dir/blobs/part/<hash> (fsynced before they are acknowledged); the
 * last one makes the server hash the whole file, and only a matching file
 * moves to data_dir/blobs/<first two hex>/<hash> (fsynced, its directory
 * too) and is acknowledged complete. A file that does not match its name
 * moves to data_dir/blobs/quarantine/ with the reason beside it. A blob
 * held already is acknowledged at once (deduplicated). */
#ifndef YZF_SYNCD_BLOBS_H
#define YZF_SYNCD_BLOBS_H

#include <pthread.h>
#include <stdint.h>

#include "api.h"

struct syncd_blobs {
	char dir[4096];          /* data_dir/blobs */
	uint64_t max_size;       /* largest blob accepted */
	pthread_mutex_t mu;      /* one writer per part file at a time */
};

/* Make the directories. YZF_OK or YZF_EIO with msg. */
int syncd_blobs_init(struct syncd_blobs *b, const char *data_dir,
		     uint64_t max_size, char *msg, size_t cap);
void syncd_blobs_finish(struct syncd_blobs *b);
/* Handle a request whose path starts with /v1/blobs/. */
int syncd_blobs_handle(struct syncd_blobs *b, const struct syncd_request *req,
		       struct syncd_response *resp, int64_t now);

#endif

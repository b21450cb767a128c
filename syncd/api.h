/* api.h — the seam between yzf-syncd's two halves.
 *
 * net/ (TLS, HTTP, connections) parses a request, bounds it, and hands the
 * complete request to the application half through a syncd_app; store/
 * (the server store and verified ingest) implements it. The application
 * never sees sockets; net never sees records. Both are called from many
 * connection threads at once: a syncd_app must be thread-safe.
 */
#ifndef YZF_SYNCD_API_H
#define YZF_SYNCD_API_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <yzf/canon.h>

/* One complete HTTP request. Pointers are owned by net/ and valid for the
 * duration of the handle call; strings are NUL-terminated; absent headers
 * are NULL. body is NULL when body_len is 0. */
struct syncd_request {
	const char *method;         /* "GET", "POST" */
	const char *path;           /* "/v1/push" (no query string) */
	const char *query;          /* "from=5&nonce=..." (after '?'), or NULL */
	const char *authorization;  /* the Authorization header */
	const char *content_type;
	const uint8_t *body;
	size_t body_len;
	const char *peer;           /* "127.0.0.1:51234", for logs */
};

/* The answer. The handler sets status (200, 400, ...), content_type (a
 * static string) and appends the body to `body`, which net/ initialised
 * empty and frees after sending. */
struct syncd_response {
	int status;
	const char *content_type;
	struct yzf_buf body;
};

/* Counters the application keeps for /metrics (net/ reads them). */
struct syncd_stats {
	atomic_uint_fast64_t records_ingested;
	atomic_uint_fast64_t records_quarantined;
	atomic_uint_fast64_t feeds_forked;
	atomic_uint_fast64_t push_batches;
	atomic_uint_fast64_t commit_groups;
	atomic_uint_fast64_t store_errors;
};

struct syncd_app {
	void *ctx;
	/* Handle a request whose path starts with "/v1/". Returns 0 when a
	 * response was written (whatever its status), negative on an
	 * internal failure (net/ then answers 500). */
	int (*handle)(void *ctx, const struct syncd_request *req,
		      struct syncd_response *resp);
	/* 0 when the store is healthy, non-zero otherwise (for /healthz). */
	int (*healthy)(void *ctx);
	/* Counters for /metrics; never NULL. */
	struct syncd_stats *(*stats)(void *ctx);
	/* Stop accepting new work and finish what is in flight (SIGTERM):
	 * returns when every acknowledged batch is durable. */
	void (*drain)(void *ctx);
};

#endif

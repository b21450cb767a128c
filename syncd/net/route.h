/* route.h — which answer a request gets.
 *
 *   GET /healthz   200 "ok\n" while serving and app->healthy() == 0;
 *                  503 "draining\n" after SIGTERM, 503 "unhealthy\n"
 *   GET /metrics   Prometheus text (metrics.h)
 *   /v1/...        app->handle(); a failure there becomes 500 JSON
 *   anything else  404 JSON
 *
 * Errors are the JSON of schemas/sync.md:
 *   {"ok":false,"error":CODE,"message":TEXT,"server_time":TIME}
 * Safe from any thread; the router is read-only after set-up.
 */
#ifndef YZF_SYNCD_ROUTE_H
#define YZF_SYNCD_ROUTE_H

#include <stdatomic.h>
#include <stdbool.h>

#include "api.h"
#include "http.h"
#include "metrics.h"

struct syncd_router {
	struct syncd_app *app;
	struct syncd_metrics *metrics;
	const atomic_bool *draining;
};

/* Answer req into resp, whose body the caller initialised empty and frees
 * (yzf_buf_free) afterwards. peer is "addr:port", for the application's
 * logs. */
void syncd_route(const struct syncd_router *r,
		 const struct syncd_http_req *req, const char *peer,
		 struct syncd_response *resp);

/* Replace resp with the JSON error for status (its CODE token follows the
 * status) and message (ASCII, ours: never client text). */
void syncd_route_error(struct syncd_response *resp, int status,
		       const char *message);

#endif

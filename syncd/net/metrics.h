/* metrics.h — the counters net/ keeps, and /metrics in Prometheus text
 * format 0.0.4 (names from schemas/sync.md).
 *
 * Request counts are kept per (path, status) series. Paths come from
 * clients, so the label is bounded: /healthz, /metrics and /v1/ paths the
 * application answered with something other than 404 keep their own
 * label (at most SYNCD_METRICS_SERIES series, each path at most
 * SYNCD_METRICS_PATH bytes of [a-z0-9/_-]); everything else counts as
 * path="other". A scanner therefore cannot grow memory or /metrics.
 *
 * All functions are safe from any thread once syncd_metrics_init returned.
 */
#ifndef YZF_SYNCD_METRICS_H
#define YZF_SYNCD_METRICS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "api.h"

#ifndef SYNCD_METRICS_SERIES
#define SYNCD_METRICS_SERIES 64
#endif
#define SYNCD_METRICS_PATH 40

struct syncd_metrics_series {
	char path[SYNCD_METRICS_PATH];
	int code;
	uint64_t n;
};

struct syncd_metrics {
	pthread_mutex_t lock; /* guards series and nseries */
	struct syncd_metrics_series series[SYNCD_METRICS_SERIES];
	unsigned nseries;
	uint64_t overflow;    /* requests counted when series was full */
	atomic_uint_fast64_t handshakes_full;
	atomic_uint_fast64_t handshakes_resumed;
	atomic_uint_fast64_t handshake_failures;
	atomic_uint_fast64_t connections_open;     /* a gauge */
	atomic_uint_fast64_t connections_total;    /* accepted and served */
	atomic_uint_fast64_t connections_rejected; /* over max_connections */
	atomic_uint_fast64_t timeouts;             /* cut mid-request */
};

/* Returns 0 or -errno. */
int syncd_metrics_init(struct syncd_metrics *m);
void syncd_metrics_finish(struct syncd_metrics *m);

/* Count one answered request. */
void syncd_metrics_request(struct syncd_metrics *m, const char *path,
			   int code);

/* Append the exposition text to out: net's counters, then the
 * application's (st may be NULL). */
void syncd_metrics_render(struct syncd_metrics *m,
			  const struct syncd_stats *st, struct yzf_buf *out);

#endif

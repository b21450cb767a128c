/* metrics.c — see metrics.h. */
#include "metrics.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int syncd_metrics_init(struct syncd_metrics *m)
{
	memset(m, 0, sizeof *m);
	int rc = pthread_mutex_init(&m->lock, NULL);
	return rc ? -rc : 0;
}

void syncd_metrics_finish(struct syncd_metrics *m)
{
	pthread_mutex_destroy(&m->lock);
}

/* Whether path may be a label of its own (see metrics.h). */
static bool own_label(const char *path, int code)
{
	if (!path)
		return false;
	if (strcmp(path, "/healthz") == 0 || strcmp(path, "/metrics") == 0)
		return true;
	if (strncmp(path, "/v1/", 4) != 0 || code == 404 ||
	    strlen(path) >= SYNCD_METRICS_PATH)
		return false;
	return strspn(path, "abcdefghijklmnopqrstuvwxyz0123456789/_-") ==
	       strlen(path);
}

void syncd_metrics_request(struct syncd_metrics *m, const char *path,
			   int code)
{
	const char *label = own_label(path, code) ? path : "other";
	unsigned i;

	pthread_mutex_lock(&m->lock);
	for (i = 0; i < m->nseries; i++)
		if (m->series[i].code == code &&
		    strcmp(m->series[i].path, label) == 0)
			break;
	if (i == m->nseries && i == SYNCD_METRICS_SERIES) {
		m->overflow++; /* every slot taken: one catch-all series */
	} else {
		if (i == m->nseries) {
			snprintf(m->series[i].path, SYNCD_METRICS_PATH, "%s",
				 label);
			m->series[i].code = code;
			m->series[i].n = 0;
			m->nseries++;
		}
		m->series[i].n++;
	}
	pthread_mutex_unlock(&m->lock);
}

static void line(struct yzf_buf *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void line(struct yzf_buf *out, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > 0)
		yzf_buf_put(out, buf, (size_t)n < sizeof buf ? (size_t)n :
			    sizeof buf - 1);
}

static void counter(struct yzf_buf *out, const char *name, const char *help,
		    const char *type, uint64_t v)
{
	line(out, "# HELP %s %s\n# TYPE %s %s\n%s %" PRIu64 "\n", name, help,
	     name, type, name, v);
}

void syncd_metrics_render(struct syncd_metrics *m,
			  const struct syncd_stats *st, struct yzf_buf *out)
{
	line(out, "# HELP yzf_http_requests_total HTTP requests answered, by "
	     "path and status.\n# TYPE yzf_http_requests_total counter\n");
	pthread_mutex_lock(&m->lock);
	for (unsigned i = 0; i < m->nseries; i++)
		line(out, "yzf_http_requests_total{path=\"%s\",code=\"%d\"} %"
		     PRIu64 "\n", m->series[i].path, m->series[i].code,
		     m->series[i].n);
	if (m->overflow)
		line(out, "yzf_http_requests_total{path=\"other\",code=\"other\"}"
		     " %" PRIu64 "\n", m->overflow);
	pthread_mutex_unlock(&m->lock);
	line(out, "# HELP yzf_tls_handshakes_total TLS handshakes completed."
	     "\n# TYPE yzf_tls_handshakes_total counter\n"
	     "yzf_tls_handshakes_total{resumed=\"false\"} %" PRIu64 "\n"
	     "yzf_tls_handshakes_total{resumed=\"true\"} %" PRIu64 "\n",
	     (uint64_t)atomic_load(&m->handshakes_full),
	     (uint64_t)atomic_load(&m->handshakes_resumed));
	counter(out, "yzf_tls_handshake_failures_total",
		"TLS handshakes that failed.", "counter",
		atomic_load(&m->handshake_failures));
	counter(out, "yzf_connections_open", "Connections open now.",
		"gauge", atomic_load(&m->connections_open));
	counter(out, "yzf_connections_total", "Connections accepted.",
		"counter", atomic_load(&m->connections_total));
	counter(out, "yzf_connections_rejected_total",
		"Connections closed at once: max_connections reached.",
		"counter", atomic_load(&m->connections_rejected));
	counter(out, "yzf_request_timeouts_total",
		"Connections cut because a request came too slowly.",
		"counter", atomic_load(&m->timeouts));
	if (!st)
		return;
	counter(out, "yzf_records_ingested_total", "Records stored.",
		"counter", atomic_load(&st->records_ingested));
	counter(out, "yzf_records_quarantined_total",
		"Records refused and quarantined.", "counter",
		atomic_load(&st->records_quarantined));
	counter(out, "yzf_feeds_forked_total", "Feeds found forked.",
		"counter", atomic_load(&st->feeds_forked));
	counter(out, "yzf_push_batches_total", "Push batches handled.",
		"counter", atomic_load(&st->push_batches));
	counter(out, "yzf_commit_groups_total", "Group commits.", "counter",
		atomic_load(&st->commit_groups));
	counter(out, "yzf_store_errors_total", "Store errors.", "counter",
		atomic_load(&st->store_errors));
}

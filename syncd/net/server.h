/* server.h — yzf-syncd's listener, connections and shutdown.
 *
 * The calling thread runs the accept loop; every accepted connection gets
 * a detached thread with a small stack (SYNCD_THREAD_STACK) that does the
 * TLS handshake and then serves requests one after another (keep-alive)
 * until the client closes, idles out or breaks a rule. At most
 * max_connections are open at once, handshakes included; a connection
 * beyond that is accepted and closed at once (counted, and logged at a
 * bounded rate), so a flood costs no thread and the listen queue keeps
 * moving.
 *
 * Deadlines: the handshake and the first request's head within
 * header_timeout of the accept; on a kept-alive connection the next
 * request may wait idle_timeout for its first byte and then has
 * header_timeout for its head; bodies and responses get
 * max(header_timeout, size / SYNCD_MIN_BODY_RATE).
 *
 * SIGTERM or SIGINT (read from a signalfd, no handler, no global): stop
 * accepting and close the listener, answer /healthz with 503, close idle
 * kept-alive connections, let requests in flight finish, then call
 * app->drain. Connections still open after drain_timeout are cut.
 *
 * Logs go through log.h: start, listen address, handshake failures with
 * mbedTLS's text, connection errors, and one line per request:
 *     GET /healthz 200 3B 0ms 127.0.0.1:51234
 */
#ifndef YZF_SYNCD_SERVER_H
#define YZF_SYNCD_SERVER_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api.h"
#include "config.h"
#include "log.h"
#include "metrics.h"
#include "route.h"
#include "tls.h"

#ifndef SYNCD_THREAD_STACK
#define SYNCD_THREAD_STACK (128 * 1024)
#endif

struct syncd_server {
	const struct syncd_config *cfg;
	struct syncd_app *app;
	struct syncd_log log;
	struct syncd_tls tls;
	struct syncd_metrics metrics;
	struct syncd_router router;
	pthread_attr_t attr;
	pthread_mutex_t lock;  /* guards open */
	pthread_cond_t closed; /* a connection ended */
	unsigned open;
	atomic_bool draining;
	int listen_fd, sig_fd;
	int drain_pipe[2];     /* write end closed: idle waits end */
	int stop_pipe[2];      /* write end closed: every wait ends */
	char addr[80];         /* "127.0.0.1:8443", the bound address */
	int64_t reject_sec;    /* rate limit of rejection log lines */
	unsigned reject_logged, reject_quiet;
	unsigned ready;        /* which parts init set up, for finish */
};

/* Block SIGTERM and SIGINT in the calling thread, so every thread started
 * later inherits the mask and only the server's signalfd sees them, and
 * ignore SIGPIPE. Call before starting any thread (the application's
 * too). Returns 0 or -errno. */
int syncd_server_signals(void);

/* Load TLS, bind and listen on cfg's address. cfg and app must outlive
 * the server. Returns 0, or a negative code with a message in err; call
 * syncd_server_finish either way. */
int syncd_server_init(struct syncd_server *s, const struct syncd_config *cfg,
		      struct syncd_app *app, char *err, size_t errlen);

/* Serve until SIGTERM/SIGINT, then drain. Returns 0 when every
 * connection finished (syncd_server_finish and closing the app are then
 * safe), -ETIMEDOUT if some are still running (do neither: exit). */
int syncd_server_run(struct syncd_server *s);

void syncd_server_finish(struct syncd_server *s);

#endif

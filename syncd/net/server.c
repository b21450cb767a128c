/* server.c — see server.h. */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http.h"

#ifndef SYNCD_LINGER_MS
#define SYNCD_LINGER_MS 1000            /* see linger() */
#endif
#define SYNCD_LINGER_BYTES (256 * 1024)

enum {
	READY_TLS = 1, READY_METRICS = 2, READY_SYNC = 4, READY_ATTR = 8,
};

/* One client connection; owned by its thread, freed when it ends. */
struct conn {
	struct syncd_server *srv;
	int fd;
	char peer[64];
	struct syncd_tls_conn tls;
	struct syncd_http http;
};

static int signal_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	return 0;
}

int syncd_server_signals(void)
{
	sigset_t set;
	struct sigaction ign = { .sa_handler = SIG_IGN };
	signal_set(&set);
	int rc = pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (rc)
		return -rc;
	return sigaction(SIGPIPE, &ign, NULL) ? -errno : 0;
}

static void peer_name(const struct sockaddr_storage *sa, socklen_t len,
		      char *out, size_t cap)
{
	char host[INET6_ADDRSTRLEN], port[8];
	if (getnameinfo((const struct sockaddr *)sa, len, host, sizeof host,
			port, sizeof port, NI_NUMERICHOST | NI_NUMERICSERV)) {
		snprintf(out, cap, "?");
		return;
	}
	snprintf(out, cap, sa->ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s",
		 host, port);
}

static int listen_on(struct syncd_server *s, char *err, size_t errlen)
{
	const struct syncd_config *cfg = s->cfg;
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
	}, *ai;
	struct sockaddr_storage sa;
	socklen_t len = sizeof sa;
	char port[8];
	int one = 1, rc;

	snprintf(port, sizeof port, "%u", cfg->port);
	if ((rc = getaddrinfo(cfg->listen, port, &hints, &ai)) != 0) {
		snprintf(err, errlen, "listen %s: %s", cfg->listen,
			 gai_strerror(rc));
		return -EINVAL;
	}
	s->listen_fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (s->listen_fd < 0 ||
	    fcntl(s->listen_fd, F_SETFD, FD_CLOEXEC) ||
	    fcntl(s->listen_fd, F_SETFL, O_NONBLOCK) ||
	    setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one,
		       sizeof one) ||
	    bind(s->listen_fd, ai->ai_addr, ai->ai_addrlen) ||
	    listen(s->listen_fd, 511) ||
	    getsockname(s->listen_fd, (struct sockaddr *)&sa, &len)) {
		rc = -errno;
		snprintf(err, errlen, "listen %s port %u: %s", cfg->listen,
			 cfg->port, strerror(errno));
		freeaddrinfo(ai);
		return rc;
	}
	freeaddrinfo(ai);
	peer_name(&sa, len, s->addr, sizeof s->addr);
	return 0;
}

static int pipe_cloexec(int p[2])
{
	if (pipe(p))
		return -errno;
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

int syncd_server_init(struct syncd_server *s, const struct syncd_config *cfg,
		      struct syncd_app *app, char *err, size_t errlen)
{
	pthread_condattr_t ca;
	sigset_t set;
	int rc;

	memset(s, 0, sizeof *s);
	s->cfg = cfg;
	s->app = app;
	s->log.level = cfg->log_level;
	s->listen_fd = s->sig_fd = -1;
	s->drain_pipe[0] = s->drain_pipe[1] = -1;
	s->stop_pipe[0] = s->stop_pipe[1] = -1;
	atomic_init(&s->draining, false);
	s->router = (struct syncd_router){ app, &s->metrics, &s->draining };

	rc = syncd_tls_init(&s->tls, cfg->tls_cert, cfg->tls_key, err, errlen);
	s->ready |= READY_TLS;
	if (rc)
		return rc;
	if ((rc = syncd_metrics_init(&s->metrics)) != 0)
		goto sys;
	s->ready |= READY_METRICS;
	/* the drain wait counts in CLOCK_MONOTONIC, like every deadline */
	if ((rc = -pthread_condattr_init(&ca)) != 0)
		goto sys;
	rc = -pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (!rc)
		rc = -pthread_cond_init(&s->closed, &ca);
	pthread_condattr_destroy(&ca);
	if (rc)
		goto sys;
	if ((rc = -pthread_mutex_init(&s->lock, NULL)) != 0) {
		pthread_cond_destroy(&s->closed);
		goto sys;
	}
	s->ready |= READY_SYNC;
	if ((rc = -pthread_attr_init(&s->attr)) != 0)
		goto sys;
	s->ready |= READY_ATTR;
	if ((rc = -pthread_attr_setstacksize(&s->attr, SYNCD_THREAD_STACK)) ||
	    (rc = -pthread_attr_setdetachstate(&s->attr,
					       PTHREAD_CREATE_DETACHED)))
		goto sys;
	signal_set(&set);
	s->sig_fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (s->sig_fd < 0 || (rc = pipe_cloexec(s->drain_pipe)) != 0 ||
	    (rc = pipe_cloexec(s->stop_pipe)) != 0) {
		rc = rc ? rc : -errno;
		goto sys;
	}
	return listen_on(s, err, errlen);
sys:
	snprintf(err, errlen, "setting up the server: %s", strerror(-rc));
	return rc;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void syncd_server_finish(struct syncd_server *s)
{
	close_fd(&s->listen_fd);
	close_fd(&s->sig_fd);
	for (int i = 0; i < 2; i++) {
		close_fd(&s->drain_pipe[i]);
		close_fd(&s->stop_pipe[i]);
	}
	if (s->ready & READY_ATTR)
		pthread_attr_destroy(&s->attr);
	if (s->ready & READY_SYNC) {
		pthread_mutex_destroy(&s->lock);
		pthread_cond_destroy(&s->closed);
	}
	if (s->ready & READY_METRICS)
		syncd_metrics_finish(&s->metrics);
	if (s->ready & READY_TLS)
		syncd_tls_finish(&s->tls);
	s->ready = 0;
}

static ssize_t io_read(void *ctx, void *buf, size_t cap, int64_t deadline,
		       bool idle)
{
	return syncd_tls_read(ctx, buf, cap, deadline, idle);
}

static int io_write(void *ctx, const void *buf, size_t n, int64_t deadline)
{
	return syncd_tls_write(ctx, buf, n, deadline);
}

/* The message for a request the reader refused (http.h). */
static const char *refusal(int status)
{
	switch (status) {
	case 405: return "method not allowed: GET and POST only";
	case 411: return "a request body needs Content-Length; chunked "
			 "and other transfer encodings are refused";
	case 413: return "request body larger than max_body";
	case 417: return "only Expect: 100-continue is understood";
	case 431: return "request head over 16 KiB or 64 headers";
	default: return "malformed HTTP request";
	}
}

/* Why a connection ended early, in the log; quiet for ordinary ends. */
static void log_end(struct conn *c, int rc)
{
	struct syncd_server *s = c->srv;
	char why[200];
	if (rc == -ETIMEDOUT) {
		atomic_fetch_add(&s->metrics.timeouts, 1);
		syncd_log(&s->log, SYNCD_LOG_INFO, "%s: request too slow, "
			  "connection cut", c->peer);
	} else if (rc == -EPIPE) {
		syncd_log(&s->log, SYNCD_LOG_INFO, "%s: closed in the middle "
			  "of a request", c->peer);
	} else if (rc != SYNCD_HTTP_DONE && rc != -ECANCELED) {
		syncd_log(&s->log, SYNCD_LOG_WARN, "%s: connection error: %s",
			  c->peer, rc == -EIO ? syncd_tls_strerror(&c->tls,
			  why, sizeof why) : strerror(-rc));
	}
}

/* After refusing a request whose body may be on its way, read and drop
 * what the client still sends for a moment before closing: closing with
 * unread data makes the kernel send a reset, which can destroy the
 * refusal before the client has read it. */
static void linger(int fd)
{
	char buf[4096];
	size_t total = 0;
	int64_t end = syncd_mono_ms() + SYNCD_LINGER_MS;
	shutdown(fd, SHUT_WR);
	while (total < SYNCD_LINGER_BYTES) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = end - syncd_mono_ms();
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n <= 0 && !(n < 0 && (errno == EAGAIN || errno == EINTR)))
			break;
		if (n > 0)
			total += (size_t)n;
	}
}

/* Answer one request (or refusal) and log it. Returns whether the
 * connection may carry another request. */
static bool serve_one(struct conn *c, int rc, const struct syncd_http_req *req)
{
	struct syncd_server *s = c->srv;
	struct syncd_response resp = { 0 };
	char path[128];
	bool keep = false;
	int64_t t0 = syncd_mono_ms();

	if (rc > 0) {
		syncd_route_error(&resp, rc, refusal(rc));
	} else {
		syncd_route(&s->router, req, c->peer, &resp);
		keep = req->keep_alive && !atomic_load(&s->draining);
	}
	int wrc = syncd_http_respond(&c->http, resp.status, resp.content_type,
				     resp.body.p, resp.body.len, keep,
				     resp.status == 405 ?
				     "Allow: GET, POST\r\n" : NULL);
	syncd_metrics_request(&s->metrics, req->path, resp.status);
	syncd_log(&s->log, SYNCD_LOG_INFO, "%s %s %d %zuB %lldms %s%s",
		  req->method ? req->method : "-",
		  req->path ? syncd_log_clean(req->path, path, sizeof path) :
			      "-",
		  resp.status, resp.body.len,
		  (long long)(syncd_mono_ms() - t0), c->peer,
		  wrc ? " (not delivered)" : "");
	yzf_buf_free(&resp.body);
	return keep && wrc == 0;
}

static void *conn_main(void *arg)
{
	struct conn *c = arg;
	struct syncd_server *s = c->srv;
	const struct syncd_config *cfg = s->cfg;
	struct syncd_http_io io = { &c->tls, io_read, io_write };
	int64_t deadline = syncd_mono_ms() + cfg->header_timeout * 1000LL;
	bool resumed;
	char why[200];
	int rc;

	rc = syncd_tls_conn_init(&c->tls, &s->tls, c->fd, s->stop_pipe[0],
				 s->drain_pipe[0]);
	if (!rc)
		rc = syncd_tls_handshake(&c->tls, deadline, &resumed);
	if (rc) {
		atomic_fetch_add(&s->metrics.handshake_failures, 1);
		syncd_log(&s->log, SYNCD_LOG_WARN, "%s: TLS handshake failed: "
			  "%s", c->peer, syncd_tls_strerror(&c->tls, why,
			  sizeof why));
		goto out;
	}
	atomic_fetch_add(resumed ? &s->metrics.handshakes_resumed :
			 &s->metrics.handshakes_full, 1);
	syncd_log(&s->log, SYNCD_LOG_DEBUG, "%s: TLS %s, %s", c->peer,
		  resumed ? "resumed" : "full handshake",
		  mbedtls_ssl_get_ciphersuite(&c->tls.ssl));
	if (syncd_http_init(&c->http, &io, cfg->max_body,
			    cfg->header_timeout * 1000LL,
			    cfg->idle_timeout * 1000LL) != 0) {
		syncd_log(&s->log, SYNCD_LOG_ERROR, "%s: out of memory for "
			  "the connection", c->peer);
	} else {
		struct syncd_http_req req;
		for (;;) {
			rc = syncd_http_read(&c->http, deadline, &req);
			deadline = 0;
			if (rc < 0) {
				log_end(c, rc);
				break;
			}
			if (!serve_one(c, rc, &req) || rc > 0)
				break;
		}
	}
	syncd_http_finish(&c->http);
	syncd_tls_close(&c->tls, syncd_mono_ms() + 1000);
	if (rc > 0)
		linger(c->fd);
out:
	syncd_tls_conn_finish(&c->tls);
	close(c->fd);
	free(c);
	/* last: once open reaches 0 the server may be torn down */
	pthread_mutex_lock(&s->lock);
	s->open--;
	atomic_store(&s->metrics.connections_open, s->open);
	pthread_cond_broadcast(&s->closed);
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* A flood must not become a flood of log lines: at most 10 a second,
 * then one line saying how many went unlogged. */
static void log_reject(struct syncd_server *s, const char *peer)
{
	int64_t sec = syncd_mono_ms() / 1000;
	if (sec != s->reject_sec) {
		if (s->reject_quiet)
			syncd_log(&s->log, SYNCD_LOG_WARN, "%u more connections "
				  "rejected (max_connections)", s->reject_quiet);
		s->reject_sec = sec;
		s->reject_logged = s->reject_quiet = 0;
	}
	if (s->reject_logged++ < 10)
		syncd_log(&s->log, SYNCD_LOG_WARN, "%s: rejected: "
			  "max_connections (%u) reached", peer,
			  s->cfg->max_connections);
	else
		s->reject_quiet++;
}

static void accept_one(struct syncd_server *s)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof sa;
	char peer[64];
	int one = 1, rc;

	int fd = accept(s->listen_fd, (struct sockaddr *)&sa, &len);
	if (fd < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
		    errno == ECONNABORTED || errno == EPROTO)
			return;
		syncd_log(&s->log, SYNCD_LOG_ERROR, "accept: %s",
			  strerror(errno));
		/* out of descriptors or memory: let closing ones free some
		 * rather than spin on the ready listener */
		nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
		return;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	peer_name(&sa, len, peer, sizeof peer);
	pthread_mutex_lock(&s->lock);
	if (s->open >= s->cfg->max_connections) {
		pthread_mutex_unlock(&s->lock);
		close(fd);
		atomic_fetch_add(&s->metrics.connections_rejected, 1);
		log_reject(s, peer);
		return;
	}
	s->open++;
	atomic_store(&s->metrics.connections_open, s->open);
	pthread_mutex_unlock(&s->lock);
	atomic_fetch_add(&s->metrics.connections_total, 1);
	/* requests and answers are small: send each at once */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

	struct conn *c = calloc(1, sizeof *c);
	pthread_t tid;
	rc = c ? 0 : ENOMEM;
	if (c) {
		c->srv = s;
		c->fd = fd;
		memcpy(c->peer, peer, sizeof c->peer);
		rc = pthread_create(&tid, &s->attr, conn_main, c);
	}
	if (rc) {
		syncd_log(&s->log, SYNCD_LOG_ERROR, "%s: no thread for the "
			  "connection: %s", peer, strerror(rc));
		free(c);
		close(fd);
		pthread_mutex_lock(&s->lock);
		s->open--;
		atomic_store(&s->metrics.connections_open, s->open);
		pthread_mutex_unlock(&s->lock);
	}
}

/* Wait until no connection is open or the monotonic time `until`. */
static unsigned wait_closed(struct syncd_server *s, int64_t until)
{
	struct timespec ts = { until / 1000, (until % 1000) * 1000000 };
	pthread_mutex_lock(&s->lock);
	while (s->open > 0 &&
	       pthread_cond_timedwait(&s->closed, &s->lock, &ts) != ETIMEDOUT)
		;
	unsigned open = s->open;
	pthread_mutex_unlock(&s->lock);
	return open;
}

static int drain(struct syncd_server *s)
{
	const struct syncd_config *cfg = s->cfg;
	unsigned open;

	atomic_store(&s->draining, true);
	close_fd(&s->listen_fd);
	close_fd(&s->drain_pipe[1]); /* idle connections wake and close */
	pthread_mutex_lock(&s->lock);
	open = s->open;
	pthread_mutex_unlock(&s->lock);
	syncd_log(&s->log, SYNCD_LOG_INFO, "draining: listener closed, %u "
		  "connection(s) finishing", open);
	open = wait_closed(s, syncd_mono_ms() + cfg->drain_timeout * 1000LL);
	if (open) {
		syncd_log(&s->log, SYNCD_LOG_WARN, "drain_timeout (%us): "
			  "cutting %u connection(s)", cfg->drain_timeout, open);
		close_fd(&s->stop_pipe[1]);
		open = wait_closed(s, syncd_mono_ms() + 5000);
	}
	s->app->drain(s->app->ctx);
	if (open) {
		syncd_log(&s->log, SYNCD_LOG_ERROR, "%u connection(s) still "
			  "busy in the application; exiting anyway", open);
		return -ETIMEDOUT;
	}
	syncd_log(&s->log, SYNCD_LOG_INFO, "drained; exiting");
	return 0;
}

int syncd_server_run(struct syncd_server *s)
{
	const struct syncd_config *cfg = s->cfg;
	syncd_log(&s->log, SYNCD_LOG_INFO, "listening on %s (TLS 1.2; "
		  "max_connections %u, max_body %zu, header_timeout %us, "
		  "idle_timeout %us)", s->addr, cfg->max_connections,
		  cfg->max_body, cfg->header_timeout, cfg->idle_timeout);
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = s->listen_fd, .events = POLLIN },
			{ .fd = s->sig_fd, .events = POLLIN },
		};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			syncd_log(&s->log, SYNCD_LOG_ERROR, "poll: %s",
				  strerror(errno));
			break;
		}
		if (p[1].revents) {
			struct signalfd_siginfo si;
			if (read(s->sig_fd, &si, sizeof si) == sizeof si)
				syncd_log(&s->log, SYNCD_LOG_INFO, "%s received",
					  si.ssi_signo == SIGINT ? "SIGINT" :
					  "SIGTERM");
			break;
		}
		if (p[0].revents)
			accept_one(s);
	}
	return drain(s);
}

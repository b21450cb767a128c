/* faultproxy — a loopback TCP relay that injects faults, for the sync
 * fault test (tests/syncd/faults.sh; TESTING.md item 19: netem is missing
 * from this kernel, so the faults are made here).
 *
 *   faultproxy LISTEN_PORT TARGET_PORT MODE SEED [MAXK]
 *
 * Listens on 127.0.0.1:LISTEN_PORT (0: any free port; the chosen one is
 * printed on the first line of stderr: "faultproxy: listening on
 * 127.0.0.1:PORT ...") and relays every accepted connection to
 * 127.0.0.1:TARGET_PORT, both directions, in one poll loop. Nothing but
 * loopback is ever bound or connected to.
 *
 * One fault per connection, drawn from MODE and a PRNG seeded with SEED
 * (the same SEED and the same order of connections give the same faults):
 *   none     relay faithfully
 *   cut      after K bytes client->server, K uniform in [0, MAXK), reset
 *            both sides (SO_LINGER 0: an RST, no FIN)
 *   cutboth  the same, the direction drawn too: server->client cuts land
 *            in answers, after the server has committed
 *   stall    once K bytes client->server have passed, relay nothing in
 *            either direction for 0.5-3 s, then go on
 *   mixed    any of the above, or none
 * MAXK defaults to 65536. With FAULTPROXY_TRACE set in the environment
 * it also logs every chunk it reads: "conn=N c2s|s2c +BYTES =TOTAL".
 *
 * One line per connection on stderr when it ends:
 *   faultproxy: conn=N c2s=BYTES s2c=BYTES fault=cut|stall|none dir=c2s|s2c
 *     k=K [ms=STALL] applied=0|1 end=reset|eof|peer-reset|...
 * applied=1 when the fault fired (a cut whose K was never reached did
 * not). Exits 0 on SIGTERM or SIGINT. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXCONN 64
#define BUFSZ 16384

enum fault { F_NONE, F_CUT, F_STALL };
static const char *const fault_name[] = { "none", "cut", "stall" };
static const char *const dir_name[] = { "c2s", "s2c" };

/* One direction: bytes read from fd[d], waiting to be written to fd[1-d]. */
struct flow {
	unsigned char buf[BUFSZ];
	size_t len, off;
	unsigned long long count; /* bytes read from the source so far */
	bool eof;                 /* the source sent FIN */
	bool shut;                /* FIN passed on to the destination */
};

struct conn {
	bool used;
	unsigned id;
	int fd[2];             /* [0] the client, [1] the target */
	struct flow f[2];      /* [0] client->server, [1] server->client */
	enum fault fault;
	int dir;               /* the direction K counts in */
	unsigned long long k;
	long stall_ms;
	bool applied;          /* the fault fired */
	bool stalling;
	struct timespec stall_end;
};

static struct conn conns[MAXCONN];
static volatile sig_atomic_t stop;
static bool trace; /* FAULTPROXY_TRACE set: one line per chunk relayed */

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* splitmix64: small, seedable, good enough to spread faults */
static uint64_t rng;
static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static long long now_ms_until(const struct timespec *t)
{
	struct timespec n;
	clock_gettime(CLOCK_MONOTONIC, &n);
	return (long long)(t->tv_sec - n.tv_sec) * 1000 +
	       (t->tv_nsec - n.tv_nsec) / 1000000;
}

static int nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void finish(struct conn *c, bool rst, const char *end)
{
	for (int i = 0; i < 2; i++) {
		if (c->fd[i] < 0)
			continue;
		if (rst) {
			struct linger l = { 1, 0 };
			setsockopt(c->fd[i], SOL_SOCKET, SO_LINGER, &l, sizeof l);
		}
		close(c->fd[i]);
		c->fd[i] = -1;
	}
	fprintf(stderr, "faultproxy: conn=%u c2s=%llu s2c=%llu fault=%s dir=%s "
		"k=%llu", c->id, c->f[0].count, c->f[1].count,
		fault_name[c->fault], dir_name[c->dir], c->k);
	if (c->fault == F_STALL)
		fprintf(stderr, " ms=%ld", c->stall_ms);
	fprintf(stderr, " applied=%d end=%s\n", c->applied, end);
	c->used = false;
}

static void choose(struct conn *c, const char *mode, unsigned long long maxk)
{
	int pick;
	if (!strcmp(mode, "none"))
		pick = 0;
	else if (!strcmp(mode, "cut"))
		pick = 1;
	else if (!strcmp(mode, "cutboth"))
		pick = 1 + (int)(rnd() % 2);
	else if (!strcmp(mode, "stall"))
		pick = 3;
	else /* mixed */
		pick = (int)(rnd() % 4);
	c->fault = pick == 0 ? F_NONE : pick == 3 ? F_STALL : F_CUT;
	c->dir = pick == 2 ? 1 : 0;
	c->k = rnd() % maxk;
	c->stall_ms = c->fault == F_STALL ? 500 + (long)(rnd() % 2501) : 0;
}

/* Has the cut point been reached with everything before it delivered? */
static bool cut_due(const struct conn *c)
{
	const struct flow *f = &c->f[c->dir];
	return c->fault == F_CUT && f->count >= c->k && f->len == 0;
}

static int listen_on(int port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
	    bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 64) ||
	    nonblock(s)) {
		perror("faultproxy: listen");
		exit(2);
	}
	return s;
}

static int connect_target(int port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0)
		return -1;
	/* loopback answers at once: a blocking connect is fine */
	if (connect(s, (struct sockaddr *)&a, sizeof a) || nonblock(s)) {
		close(s);
		return -1;
	}
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return s;
}

static unsigned long long number(const char *s, const char *what,
				 unsigned long long max)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || !*s || v > max) {
		fprintf(stderr, "faultproxy: bad %s: %s\n", what, s);
		exit(1);
	}
	return v;
}

/* Relay what can move on connection c after poll said rev[0], rev[1].
 * Returns false when the connection ended. */
static bool step(struct conn *c, const short rev[2])
{
	for (int d = 0; d < 2; d++) {
		struct flow *f = &c->f[d];
		int src = c->fd[d], dst = c->fd[1 - d];
		if (c->stalling)
			break;
		if (f->len == 0 && !f->eof && (rev[d] & (POLLIN | POLLHUP | POLLERR))) {
			size_t cap = BUFSZ;
			if (c->fault == F_CUT && c->dir == d && c->k - f->count < cap)
				cap = (size_t)(c->k - f->count);
			if (cap > 0) {
				ssize_t n = read(src, f->buf, cap);
				if (n > 0) {
					f->len = (size_t)n;
					f->off = 0;
					f->count += (unsigned long long)n;
					if (trace)
						fprintf(stderr, "faultproxy: conn=%u "
							"%s +%zd =%llu\n", c->id,
							dir_name[d], n, f->count);
				} else if (n == 0) {
					f->eof = true;
				} else if (errno != EAGAIN && errno != EINTR) {
					finish(c, true, errno == ECONNRESET ?
					       "peer-reset" : "read-error");
					return false;
				}
			}
		}
		if (f->len > 0 && (rev[1 - d] & (POLLOUT | POLLHUP | POLLERR))) {
			ssize_t w = send(dst, f->buf + f->off, f->len - f->off,
					 MSG_NOSIGNAL);
			if (w > 0) {
				f->off += (size_t)w;
				if (f->off == f->len)
					f->len = f->off = 0;
			} else if (w < 0 && errno != EAGAIN && errno != EINTR) {
				finish(c, true, errno == ECONNRESET || errno == EPIPE ?
				       "peer-reset" : "write-error");
				return false;
			}
		}
		if (f->eof && f->len == 0 && !f->shut) {
			shutdown(dst, SHUT_WR);
			f->shut = true;
		}
	}
	if (cut_due(c)) {
		c->applied = true;
		finish(c, true, "reset");
		return false;
	}
	if (c->fault == F_STALL && !c->applied && c->f[0].count >= c->k) {
		c->applied = c->stalling = true;
		clock_gettime(CLOCK_MONOTONIC, &c->stall_end);
		c->stall_end.tv_sec += c->stall_ms / 1000;
		c->stall_end.tv_nsec += (c->stall_ms % 1000) * 1000000L;
		if (c->stall_end.tv_nsec >= 1000000000L) {
			c->stall_end.tv_sec++;
			c->stall_end.tv_nsec -= 1000000000L;
		}
	}
	if (c->stalling && now_ms_until(&c->stall_end) <= 0)
		c->stalling = false;
	if (c->f[0].shut && c->f[1].shut) {
		finish(c, false, "eof");
		return false;
	}
	return true;
}

/* What to wait for on c's two sockets. */
static void want(const struct conn *c, short ev[2])
{
	ev[0] = ev[1] = 0;
	if (c->stalling)
		return;
	for (int d = 0; d < 2; d++) {
		const struct flow *f = &c->f[d];
		bool limited = c->fault == F_CUT && c->dir == d &&
			       f->count >= c->k;
		if (f->len == 0 && !f->eof && !limited)
			ev[d] |= POLLIN;
		if (f->len > 0)
			ev[1 - d] |= POLLOUT;
	}
}

int main(int argc, char **argv)
{
	if (argc < 5 || argc > 6) {
		fprintf(stderr, "usage: faultproxy LISTEN_PORT TARGET_PORT "
			"none|cut|cutboth|stall|mixed SEED [MAXK]\n");
		return 1;
	}
	int lport = (int)number(argv[1], "listen port", 65535);
	int tport = (int)number(argv[2], "target port", 65535);
	const char *mode = argv[3];
	if (strcmp(mode, "none") && strcmp(mode, "cut") &&
	    strcmp(mode, "cutboth") && strcmp(mode, "stall") &&
	    strcmp(mode, "mixed")) {
		fprintf(stderr, "faultproxy: unknown mode %s\n", mode);
		return 1;
	}
	rng = number(argv[4], "seed", UINT64_MAX);
	unsigned long long maxk = argc > 5 ? number(argv[5], "MAXK",
						     1ULL << 40) : 65536;
	if (tport == 0 || maxk == 0) {
		fprintf(stderr, "faultproxy: target port and MAXK must be > 0\n");
		return 1;
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	trace = getenv("FAULTPROXY_TRACE") != NULL;

	struct sigaction sa = { 0 };
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL); /* no SA_RESTART: poll returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	int ls = listen_on(lport);
	struct sockaddr_in a;
	socklen_t al = sizeof a;
	getsockname(ls, (struct sockaddr *)&a, &al);
	fprintf(stderr, "faultproxy: listening on 127.0.0.1:%d -> "
		"127.0.0.1:%d mode=%s seed=%s maxk=%llu\n", ntohs(a.sin_port),
		tport, mode, argv[4], maxk);

	unsigned next_id = 0;
	struct pollfd pf[1 + 2 * MAXCONN];
	while (!stop) {
		int n = 0, used = 0;
		long long timeout = 500; /* see stop even if a signal is missed */
		pf[n++] = (struct pollfd){ .fd = ls, .events = POLLIN };
		for (int i = 0; i < MAXCONN; i++) {
			struct conn *c = &conns[i];
			short ev[2] = { 0, 0 };
			if (c->used) {
				used++;
				want(c, ev);
				if (c->stalling) {
					long long t = now_ms_until(&c->stall_end);
					if (t < timeout)
						timeout = t < 0 ? 0 : t;
				}
			}
			for (int j = 0; j < 2; j++)
				pf[n++] = (struct pollfd){
					.fd = c->used && ev[j] ? c->fd[j] : -1,
					.events = ev[j] };
		}
		if (used == MAXCONN)
			pf[0].fd = -1; /* full: leave newcomers in the backlog */
		int r = poll(pf, (nfds_t)n, (int)timeout);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			perror("faultproxy: poll");
			break;
		}
		for (int i = 0; i < MAXCONN; i++) {
			struct conn *c = &conns[i];
			if (!c->used)
				continue;
			short rev[2] = { pf[1 + 2 * i].revents,
					 pf[2 + 2 * i].revents };
			step(c, rev);
		}
		if (pf[0].revents & POLLIN) {
			int cs = accept(ls, NULL, NULL);
			if (cs < 0)
				continue;
			struct conn *c = NULL;
			for (int i = 0; i < MAXCONN && !c; i++)
				if (!conns[i].used)
					c = &conns[i];
			if (!c) { /* cannot happen: not polled when full */
				close(cs);
				continue;
			}
			memset(c, 0, sizeof *c);
			c->used = true;
			c->id = ++next_id;
			c->fd[0] = cs;
			c->fd[1] = -1;
			choose(c, mode, maxk);
			int one = 1;
			setsockopt(cs, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
			if (nonblock(cs) || (c->fd[1] = connect_target(tport)) < 0) {
				finish(c, true, "target-unreachable");
				continue;
			}
			/* a cut at K = 0 fires before any byte passes */
			short none[2] = { 0, 0 };
			step(c, none);
		}
	}
	for (int i = 0; i < MAXCONN; i++)
		if (conns[i].used)
			finish(&conns[i], false, "shutdown");
	close(ls);
	return 0;
}

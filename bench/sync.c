/* bench/sync — what yzf-syncd ingests, holds and handshakes, next to the
 * bare primitives measured in the same run.
 *
 * bench/sync.sh makes a throwaway city (yzf authority init, yzf-syncd
 * init), has this program issue the feed certificates (`sync issue`),
 * starts the daemon on a loopback port and runs `sync run` against it:
 *   1. ingest records/s: T terminals (threads, one keep-alive TLS
 *      connection each) push R records, signed before the clock starts, in
 *      pushes of 100; against the verify-bound, Ed25519 verifications/s on
 *      one core (same-size messages) times the cores;
 *   2. TLS connections held at once: C connections each complete a
 *      handshake and GET /healthz, stay open, and answer again at the end;
 *   3. latency p50/p99 of a 100-record push: with L of the C held
 *      connections pushing at once, and during 1 (T pushing); against the
 *      same push made alone (paced under push_rate);
 *   4. full and resumed TLS handshakes/s against the daemon (sequential, a
 *      new TCP connection each), next to a bare mbedTLS server in this
 *      process with the daemon's certificate, key, suites and groups.
 * A 429 (push_rate) is retried after a pause as a terminal does, and
 * counted. Every connection is to 127.0.0.1. Timing never fails the run:
 * goals are printed as met / NOT met. The exit status is 1 only when
 * something functional fails (a push refused or not stored in full, a
 * setup step), 2 on bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <http_parser.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_cache.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>
#include <sodium.h>
#include <yzf/yzf.h>

#include "tls_bare.h"

#define TZ_MIN 480               /* +08:00 */
#define IO_TIMEOUT_MS 60000      /* any single read or write */
#define THREAD_STACK (256 * 1024)
#define OPENERS 4                /* threads opening the held connections */
#define ALONE 50                 /* pushes timed alone, the latency baseline */
#define ALONE_PACE_MS 60         /* under the default push_rate, 20/s a feed */
#define AUTH_CAP 256
#define HTTP_DOMAIN "yzf-http-v1"
#define USCC "11440106MB2C492807"
#define AGENCY "广州市天河区市场监督管理局"

static const struct yzf_loc fix = {
	.fix = true, .src = "gnss", .lat = 231291234, .lon = 1132644567,
	.acc_cm = 350, .age_ms = 800, .sats = 14,
};

struct opts {
	long terminals, records, batch, conns, pushers, pushes, threads;
	double hs_secs;
	const char *authority, *keys, *ca, *cert, *key, *expect;
	long port, daemon_pid;
};

/* One feed: its keys and its records, as exchange lines ready to send. */
struct feed {
	uint8_t pk[YZF_KEY_LEN], sk[64];
	char hex[2 * YZF_KEY_LEN + 1];
	long nrec, npush;
	struct yzf_buf lines;  /* each line and its '\n' */
	size_t *off;           /* push k is lines.p[off[k] .. off[k + 1]) */
	int rc;
};

/* One client connection. */
struct conn {
	int fd;
	mbedtls_ssl_context ssl;
	bool open;
};

struct resp {
	int status;
	struct yzf_buf body;
	bool done;
};

static struct opts o = {
	.terminals = 50, .records = 1000000, .batch = 100, .conns = 2000,
	.pushers = 200, .pushes = 5, .hs_secs = 2.0,
};
static struct feed *feeds;
static long nfeeds;
static mbedtls_entropy_context entropy;
static mbedtls_ctr_drbg_context drbg;   /* MBEDTLS_THREADING_C: locked */
static mbedtls_ssl_config cconf;        /* every client connection's */
static mbedtls_x509_crt ca;
static atomic_int failures;             /* functional failures */
static atomic_long too_many;            /* 429 answers (push_rate), retried */
static pthread_mutex_t msg_mu = PTHREAD_MUTEX_INITIALIZER;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A functional failure: counted, and the first few said. */
static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;
	if (atomic_fetch_add(&failures, 1) >= 10)
		return;
	pthread_mutex_lock(&msg_mu);
	fputs("sync: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	pthread_mutex_unlock(&msg_mu);
}

static void tls_text(int rc, char *out, size_t cap)
{
	char t[160];
	mbedtls_strerror(rc, t, sizeof t);
	snprintf(out, cap, "%s (-0x%04x)", t, (unsigned)-rc);
}

static int spawn(pthread_t *t, void *(*fn)(void *), void *arg)
{
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, THREAD_STACK);
	int rc = pthread_create(t, &a, fn, arg);
	pthread_attr_destroy(&a);
	if (rc)
		fprintf(stderr, "sync: pthread_create: %s\n", strerror(rc));
	return rc;
}

static int read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (!f || fstat(fileno(f), &st)) {
		fprintf(stderr, "sync: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	*out = malloc((size_t)st.st_size + 1);
	*len = *out ? fread(*out, 1, (size_t)st.st_size, f) : 0;
	fclose(f);
	if (!*out || *len != (size_t)st.st_size) {
		fprintf(stderr, "sync: %s: short read\n", path);
		free(*out);
		return -1;
	}
	(*out)[*len] = 0;
	return 0;
}

/* --- sync issue: feed certificates into the authority directory --------- */

/* T + L feed keys, certificates issued by the city key in AUTHDIR/city.sk
 * as `yzf authority issue` does (appended to issued.ndjson), secret keys
 * to the keys file, one hex line each. The daemon reads issued.ndjson when
 * it starts. */
static int issue(void)
{
	char path[4096], *hex = NULL, *trust = NULL, msg[200];
	size_t hl, tl, got = 0;
	uint8_t city_sk[64];
	struct yzf_signed_cert city;
	struct yzf_canon_err e;
	struct yzf_buf out = { 0 }, keys = { 0 };
	long n = o.terminals + o.pushers;
	int rc = -1;

	snprintf(path, sizeof path, "%s/city.sk", o.authority);
	if (read_file(path, &hex, &hl))
		return -1;
	if (sodium_hex2bin(city_sk, 64, hex, hl, "\n", &got, NULL) || got != 64) {
		fprintf(stderr, "sync: %s: not 64 bytes of hex\n", path);
		goto out;
	}
	/* the city certificate is trust.ndjson's second line */
	snprintf(path, sizeof path, "%s/trust.ndjson", o.authority);
	if (read_file(path, &trust, &tl))
		goto out;
	char *nl = strchr(trust, '\n'), *end = nl ? strchr(nl + 1, '\n') : NULL;
	if (!end || yzf_cert_unline((uint8_t *)nl + 1, (size_t)(end - nl - 1),
				    &city, &e) ||
	    city.c.kind != YZF_CERT_CITY ||
	    memcmp(city.c.key, city_sk + 32, YZF_KEY_LEN) != 0) {
		fprintf(stderr, "sync: %s: no city certificate for city.sk\n",
			path);
		goto out;
	}
	int64_t now = wall_ms();
	for (long i = 0; i < n; i++) {
		struct yzf_cert fc = { .kind = YZF_CERT_FEED,
				       .roles = YZF_ROLE_OFFICER, .tz = TZ_MIN };
		uint8_t sk[64];
		char kh[129];
		randombytes_buf(fc.serial, YZF_SERIAL_LEN);
		memcpy(fc.issuer, city.c.key, YZF_KEY_LEN);
		crypto_sign_keypair(fc.key, sk);
		snprintf(fc.name, sizeof fc.name, "压测执法员%ld", i + 1);
		snprintf(fc.officer_no, sizeof fc.officer_no, "BENCH-%05ld", i + 1);
		snprintf(fc.agency, sizeof fc.agency, AGENCY);
		snprintf(fc.uscc, sizeof fc.uscc, USCC);
		snprintf(fc.terminal, sizeof fc.terminal, "GZ-BENCH-%04ld", i + 1);
		fc.not_before = now - 3600000LL;
		fc.not_after = now + 7 * 86400000LL;
		if (yzf_cert_check(&fc, msg, sizeof msg)) {
			fprintf(stderr, "sync: feed %s\n", msg);
			goto out;
		}
		if (yzf_cert_sign_line(&fc, city_sk, &out)) {
			fprintf(stderr, "sync: signing a feed certificate failed\n");
			goto out;
		}
		yzf_buf_putc(&out, '\n');
		sodium_bin2hex(kh, sizeof kh, sk, 64);
		yzf_buf_puts(&keys, kh);
		yzf_buf_putc(&keys, '\n');
		sodium_memzero(sk, sizeof sk);
	}
	if (out.oom || keys.oom)
		goto out;
	snprintf(path, sizeof path, "%s/issued.ndjson", o.authority);
	FILE *f = fopen(path, "ab");
	if (!f || fwrite(out.p, 1, out.len, f) != out.len || fflush(f) ||
	    fsync(fileno(f))) {
		fprintf(stderr, "sync: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		goto out;
	}
	fclose(f);
	f = fopen(o.keys, "wb");
	if (!f || fchmod(fileno(f), 0600) ||
	    fwrite(keys.p, 1, keys.len, f) != keys.len || fclose(f)) {
		fprintf(stderr, "sync: %s: %s\n", o.keys, strerror(errno));
		goto out;
	}
	printf("issued %ld feed certificates (%ld terminals + %ld pushers) "
	       "into %s/issued.ndjson\n", n, o.terminals, o.pushers,
	       o.authority);
	rc = 0;
out:
	sodium_memzero(city_sk, sizeof city_sk);
	free(hex);
	free(trust);
	yzf_buf_free(&out);
	yzf_buf_free(&keys);
	return rc;
}

/* --- records ------------------------------------------------------------- */

static int load_keys(void)
{
	char *d;
	size_t len;
	if (read_file(o.keys, &d, &len))
		return -1;
	nfeeds = o.terminals + o.pushers;
	feeds = calloc((size_t)nfeeds, sizeof *feeds);
	char *p = d;
	for (long i = 0; feeds && i < nfeeds; i++) {
		size_t got = 0;
		char *nl = strchr(p, '\n');
		if (!nl || sodium_hex2bin(feeds[i].sk, 64, p, (size_t)(nl - p),
					  NULL, &got, NULL) || got != 64) {
			fprintf(stderr, "sync: %s: %ld keys needed (issue with the "
				"same --terminals and --pushers)\n", o.keys, nfeeds);
			free(d);
			return -1;
		}
		memcpy(feeds[i].pk, feeds[i].sk + 32, YZF_KEY_LEN);
		sodium_bin2hex(feeds[i].hex, sizeof feeds[i].hex, feeds[i].pk,
			       YZF_KEY_LEN);
		p = nl + 1;
	}
	sodium_memzero(d, len);
	free(d);
	return feeds ? 0 : -1;
}

/* Record seq of feed fi: a note, in a case, with a GNSS fix. */
static int record_bytes(long fi, long seq, const uint8_t prev[YZF_ID_LEN],
			int64_t at, struct yzf_buf *body, struct yzf_buf *out)
{
	struct yzf_record r = { .seq = seq, .at_ms = at, .at_tz = TZ_MIN,
				.mono = 3600000 + seq * 1500, .loc = fix };
	char text[256];
	memcpy(r.feed, feeds[fi].pk, YZF_KEY_LEN);
	memcpy(r.prev, prev, YZF_ID_LEN);
	snprintf(r.type, sizeof r.type, "note");
	snprintf(r.case_id, sizeof r.case_id, "C-BENCH-%05ld", fi + 1);
	snprintf(text, sizeof text, "第%ld条现场笔记：经营者出示营业执照，"
		 "货架商品明码标价，冷柜温度4℃。", seq);
	yzf_buf_reset(body);
	yzf_buf_puts(body, "{\"text\":");
	if (yzf_canon_put_str(body, text, strlen(text)))
		return -1;
	yzf_buf_putc(body, '}');
	r.body = body->p;
	r.body_len = body->len;
	yzf_buf_reset(out);
	return yzf_record_encode(&r, out) || out->oom || body->oom ? -1 : 0;
}

/* Feed fi's records: n of them, chained, signed, in pushes of o.batch. */
static int make_feed(long fi, long n)
{
	struct feed *f = &feeds[fi];
	struct yzf_buf body = { 0 }, env = { 0 };
	uint8_t prev[YZF_ID_LEN] = { 0 }, sig[YZF_SIG_LEN];
	int64_t at = wall_ms();
	f->nrec = n;
	f->npush = (n + o.batch - 1) / o.batch;
	f->off = calloc((size_t)f->npush + 1, sizeof *f->off);
	if (!f->off)
		return -1;
	for (long s = 1; s <= n; s++) {
		if ((s - 1) % o.batch == 0)
			f->off[(s - 1) / o.batch] = f->lines.len;
		if (record_bytes(fi, s, prev, at + s, &body, &env) ||
		    yzf_record_sign(env.p, env.len, f->sk, sig) ||
		    yzf_record_line(env.p, env.len, sig, &f->lines)) {
			fprintf(stderr, "sync: making record %ld of feed %ld "
				"failed\n", s, fi);
			return -1;
		}
		yzf_buf_putc(&f->lines, '\n');
		yzf_record_id(env.p, env.len, sig, prev);
	}
	f->off[f->npush] = f->lines.len;
	yzf_buf_free(&body);
	yzf_buf_free(&env);
	return f->lines.oom ? -1 : 0;
}

static atomic_long gen_next;

/* Terminals share R; each pusher has P pushes, the first also the ALONE
 * pushes of the latency baseline. */
static long feed_records(long fi)
{
	if (fi == o.terminals)
		return (o.pushes + ALONE) * o.batch;
	if (fi > o.terminals)
		return o.pushes * o.batch;
	return o.records / o.terminals + (fi < o.records % o.terminals);
}

static void *gen_main(void *arg)
{
	(void)arg;
	long fi;
	while ((fi = atomic_fetch_add(&gen_next, 1)) < nfeeds)
		feeds[fi].rc = make_feed(fi, feed_records(fi));
	return NULL;
}

/* --- TLS client ---------------------------------------------------------- */

static int tcp_connect(long port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

enum { E_CONNECT = 1, E_HANDSHAKE = 2, E_HTTP = 3 };

/* Connect to 127.0.0.1:port and complete a handshake, resuming sess if
 * given. Returns 0, or E_CONNECT / E_HANDSHAKE with err set. */
static int conn_open(struct conn *c, long port, const mbedtls_ssl_session *sess,
		     char *err, size_t cap)
{
	int rc;
	memset(c, 0, sizeof *c);
	if ((c->fd = tcp_connect(port)) < 0) {
		snprintf(err, cap, "connect: %s", strerror(errno));
		return E_CONNECT;
	}
	mbedtls_ssl_init(&c->ssl);
	rc = mbedtls_ssl_setup(&c->ssl, &cconf);
	if (!rc)
		rc = mbedtls_ssl_set_hostname(&c->ssl, "localhost");
	if (!rc && sess)
		rc = mbedtls_ssl_set_session(&c->ssl, sess);
	mbedtls_ssl_set_bio(&c->ssl, &c->fd, bio_send, bio_recv, NULL);
	while (!rc && (rc = mbedtls_ssl_handshake(&c->ssl)) != 0)
		if (rc != MBEDTLS_ERR_SSL_WANT_READ &&
		    rc != MBEDTLS_ERR_SSL_WANT_WRITE)
			break;
	if (rc) {
		char t[200];
		tls_text(rc, t, sizeof t);
		snprintf(err, cap, "TLS handshake: %s", t);
		mbedtls_ssl_free(&c->ssl);
		close(c->fd);
		return E_HANDSHAKE;
	}
	c->open = true;
	return 0;
}

static void conn_close(struct conn *c)
{
	if (!c->open)
		return;
	(void)mbedtls_ssl_close_notify(&c->ssl);
	mbedtls_ssl_free(&c->ssl);
	close(c->fd);
	c->open = false;
}

static int write_all(struct conn *c, const void *p, size_t n)
{
	const unsigned char *b = p;
	while (n > 0) {
		int w = mbedtls_ssl_write(&c->ssl, b, n);
		if (w == MBEDTLS_ERR_SSL_WANT_READ ||
		    w == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (w <= 0)
			return w ? w : -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static int on_body(http_parser *p, const char *at, size_t n)
{
	struct resp *r = p->data;
	if (r->body.len + n > (1u << 20))
		return 1;
	yzf_buf_put(&r->body, at, n);
	return 0;
}

static int on_complete(http_parser *p)
{
	struct resp *r = p->data;
	r->status = (int)p->status_code;
	r->done = true;
	return 0;
}

/* One request on an open connection, the whole answer read into r.
 * Returns 0, or -1 with err set (the connection is then unusable). */
static int request(struct conn *c, const char *method, const char *path,
		   const char *auth, const uint8_t *body, size_t len,
		   struct resp *r, char *err, size_t cap)
{
	char head[512];
	int hl, rc;
	if (auth)
		hl = snprintf(head, sizeof head, "%s %s HTTP/1.1\r\nHost: "
			      "localhost\r\nUser-Agent: yzf-bench\r\n"
			      "Authorization: %s\r\nContent-Type: "
			      "application/x-ndjson\r\nContent-Length: %zu\r\n"
			      "\r\n", method, path, auth, len);
	else
		hl = snprintf(head, sizeof head, "%s %s HTTP/1.1\r\nHost: "
			      "localhost\r\nUser-Agent: yzf-bench\r\n\r\n",
			      method, path);
	if (hl <= 0 || (size_t)hl >= sizeof head)
		return snprintf(err, cap, "request head too long"), -1;
	if ((rc = write_all(c, head, (size_t)hl)) ||
	    (len && (rc = write_all(c, body, len)))) {
		char t[200];
		tls_text(rc, t, sizeof t);
		snprintf(err, cap, "sending %s %s: %s", method, path, t);
		return -1;
	}
	http_parser p;
	http_parser_settings s;
	http_parser_settings_init(&s);
	s.on_body = on_body;
	s.on_message_complete = on_complete;
	http_parser_init(&p, HTTP_RESPONSE);
	p.data = r;
	yzf_buf_reset(&r->body);
	r->done = false;
	r->status = 0;
	while (!r->done) {
		unsigned char buf[16384];
		int n = mbedtls_ssl_read(&c->ssl, buf, sizeof buf);
		if (n == MBEDTLS_ERR_SSL_WANT_READ ||
		    n == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (n <= 0) {
			char t[200];
			if (n == 0)
				snprintf(t, sizeof t, "connection closed");
			else
				tls_text(n, t, sizeof t);
			snprintf(err, cap, "reading the answer to %s %s: %s",
				 method, path, t);
			return -1;
		}
		size_t used = http_parser_execute(&p, &s, (const char *)buf,
						  (size_t)n);
		if (used != (size_t)n || HTTP_PARSER_ERRNO(&p) != HPE_OK) {
			snprintf(err, cap, "malformed answer to %s %s: %s",
				 method, path,
				 http_errno_description(HTTP_PARSER_ERRNO(&p)));
			return -1;
		}
	}
	return r->body.oom ? (snprintf(err, cap, "out of memory"), -1) : 0;
}

/* GET /healthz: 200 "ok\n". */
static int healthz(struct conn *c, struct resp *r, char *err, size_t cap)
{
	if (request(c, "GET", "/healthz", NULL, NULL, 0, r, err, cap))
		return -1;
	if (r->status != 200 || r->body.len != 3 ||
	    memcmp(r->body.p, "ok\n", 3) != 0) {
		snprintf(err, cap, "GET /healthz answered %d %.*s", r->status,
			 (int)(r->body.len > 80 ? 80 : r->body.len),
			 r->body.p ? (const char *)r->body.p : "");
		return -1;
	}
	return 0;
}

/* Authorization (schemas/sync.md): Ed25519 by the feed key over
 * "yzf-http-v1" 0x00 METHOD "\n" PATH "\n" at "\n" hex(BLAKE2b-256(body)). */
static void auth_header(const struct feed *f, const uint8_t *body, size_t len,
			char out[AUTH_CAP])
{
	static const char pre[] = HTTP_DOMAIN "\0POST\n/v1/push\n";
	uint8_t h[32], sig[YZF_SIG_LEN], m[sizeof pre + YZF_TIME_LEN + 66];
	char at[YZF_TIME_LEN + 1], sh[2 * YZF_SIG_LEN + 1];
	size_t n = sizeof pre - 1;
	crypto_generichash(h, sizeof h, body, len, NULL, 0);
	yzf_time_fmt(wall_ms(), TZ_MIN, at);
	memcpy(m, pre, n);
	memcpy(m + n, at, YZF_TIME_LEN);
	n += YZF_TIME_LEN;
	m[n++] = '\n';
	sodium_bin2hex((char *)m + n, 65, h, sizeof h);
	n += 64;
	crypto_sign_detached(sig, NULL, m, n, f->sk);
	sodium_bin2hex(sh, sizeof sh, sig, sizeof sig);
	snprintf(out, AUTH_CAP, "YZF1 feed=%s, at=%s, sig=%s", f->hex, at, sh);
}

/* Push k of feed f; *ms receives its latency, from the first attempt to
 * the answer that stored it. A 429 (push_rate) is retried after a pause as
 * a terminal does (0.25 s doubling, with jitter) and counted. Returns 0;
 * -1 for a transport failure; -2 when the daemon refused or did not store
 * it all (reported as a functional failure). */
static int push(struct conn *c, struct feed *f, long k, struct resp *r,
		double *ms)
{
	const uint8_t *body = f->lines.p + f->off[k];
	size_t len = f->off[k + 1] - f->off[k];
	long first = k * o.batch + 1;
	long last = first + o.batch - 1 > f->nrec ? f->nrec : first + o.batch - 1;
	char auth[AUTH_CAP], err[400];
	double t0 = now_s();
	for (int attempt = 0;; attempt++) {
		auth_header(f, body, len, auth);
		if (request(c, "POST", "/v1/push", auth, body, len, r, err,
			    sizeof err)) {
			fail("feed %.16s push of seq %ld..%ld: %s", f->hex, first,
			     last, err);
			return -1;
		}
		if (r->status != 429 || attempt == 6)
			break;
		atomic_fetch_add(&too_many, 1);
		long pause = (250L << attempt) + (long)randombytes_uniform(
			(uint32_t)(125L << attempt));
		nanosleep(&(struct timespec){ pause / 1000,
					      pause % 1000 * 1000000L }, NULL);
	}
	*ms = (now_s() - t0) * 1e3;
	cJSON *j = r->status == 200 ?
		cJSON_ParseWithLength((const char *)r->body.p, r->body.len) : NULL;
	const cJSON *ok = cJSON_GetObjectItemCaseSensitive(j, "ok"),
		    *st = cJSON_GetObjectItemCaseSensitive(j, "stored"),
		    *q = cJSON_GetObjectItemCaseSensitive(j, "quarantined"),
		    *h = cJSON_GetObjectItemCaseSensitive(j, "head"),
		    *hs = cJSON_GetObjectItemCaseSensitive(h, "seq");
	bool good = cJSON_IsTrue(ok) && cJSON_IsNumber(st) &&
		    (long)st->valuedouble == last - first + 1 &&
		    cJSON_IsArray(q) && cJSON_GetArraySize(q) == 0 &&
		    cJSON_IsNumber(hs) && (long)hs->valuedouble == last;
	cJSON_Delete(j);
	if (!good) {
		fail("feed %.16s push of seq %ld..%ld: HTTP %d: %.*s", f->hex,
		     first, last, r->status,
		     (int)(r->body.len > 600 ? 600 : r->body.len),
		     r->body.p ? (const char *)r->body.p : "");
		return -2;
	}
	return 0;
}

static int client_init(void)
{
	int rc = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy,
				       (const unsigned char *)"yzf-bench", 9);
	if (!rc && (rc = mbedtls_x509_crt_parse_file(&ca, o.ca)) != 0) {
		char t[200];
		tls_text(rc, t, sizeof t);
		fprintf(stderr, "sync: %s: %s\n", o.ca, t);
		return -1;
	}
	if (!rc)
		rc = mbedtls_ssl_config_defaults(&cconf, MBEDTLS_SSL_IS_CLIENT,
						 MBEDTLS_SSL_TRANSPORT_STREAM,
						 MBEDTLS_SSL_PRESET_DEFAULT);
	if (rc)
		return -1;
	/* as yzf sync (device/sync.c): TLS 1.2, AEAD suites, the CA pinned */
	mbedtls_ssl_conf_min_version(&cconf, MBEDTLS_SSL_MAJOR_VERSION_3,
				     MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_max_version(&cconf, MBEDTLS_SSL_MAJOR_VERSION_3,
				     MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_ciphersuites(&cconf, suites);
	mbedtls_ssl_conf_authmode(&cconf, MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_ca_chain(&cconf, &ca, NULL);
	mbedtls_ssl_conf_rng(&cconf, mbedtls_ctr_drbg_random, &drbg);
	mbedtls_ssl_conf_renegotiation(&cconf,
				       MBEDTLS_SSL_RENEGOTIATION_DISABLED);
	return 0;
}

/* --- baselines ----------------------------------------------------------- */

/* Ed25519 verifications/s on one thread, messages of msg_len bytes. */
static double verify_rate(size_t msg_len, double secs)
{
	uint8_t pk[32], sk[64], sig[64], *m = malloc(msg_len);
	long n = 0;
	if (!m)
		return 0;
	randombytes_buf(m, msg_len);
	crypto_sign_keypair(pk, sk);
	crypto_sign_detached(sig, NULL, m, msg_len, sk);
	double t0 = now_s(), t;
	do {
		for (int i = 0; i < 256; i++, n++)
			if (crypto_sign_verify_detached(sig, m, msg_len, pk)) {
				fail("Ed25519 baseline: a good signature failed");
				free(m);
				return 0;
			}
	} while ((t = now_s() - t0) < secs);
	free(m);
	return (double)n / t;
}

/* Sequential handshakes to port for secs: each a new TCP connection, a
 * handshake (resuming a saved session when resume), close_notify, close.
 * Returns handshakes/s; *fallback counts resumptions the server refused
 * (answered with a full handshake); *errs failed handshakes. */
static double hs_loop(long port, bool resume, double secs, long *count,
		      long *fallback, long *errs, char *suite, size_t scap)
{
	mbedtls_ssl_session saved;
	struct conn c;
	char err[300] = "";
	long n = 0;
	mbedtls_ssl_session_init(&saved);
	if (resume) {
		if (conn_open(&c, port, NULL, err, sizeof err) ||
		    mbedtls_ssl_get_session(&c.ssl, &saved)) {
			fail("handshake loop on port %ld: %s", port, err);
			if (c.open)
				conn_close(&c);
			return 0;
		}
		conn_close(&c);
	}
	double t0 = now_s(), t;
	do {
		if (conn_open(&c, port, resume ? &saved : NULL, err, sizeof err)) {
			if (++*errs <= 3)
				fprintf(stderr, "sync: handshake on port %ld: %s\n",
					port, err);
		} else {
			n++;
			if (resume && (c.ssl.session->id_len != saved.id_len ||
				       memcmp(c.ssl.session->id, saved.id,
					      saved.id_len) != 0))
				++*fallback;
			if (suite)
				snprintf(suite, scap, "%s",
					 mbedtls_ssl_get_ciphersuite(&c.ssl));
			conn_close(&c);
		}
	} while ((t = now_s() - t0) < secs);
	mbedtls_ssl_session_free(&saved);
	*count += n;
	return (double)n / t;
}

/* CPU seconds (user + system): this process, the daemon (from /proc),
 * and everything on the machine (/proc/stat), at one moment. */
struct cpu {
	double self, daemon, all;
};

static double cpu_pid(long pid)
{
	char path[64], buf[1024];
	unsigned long ut, st;
	if (pid <= 0)
		return NAN;
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	/* after "pid (comm)": state is field 3, utime 14, stime 15 */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
			 "%lu %lu", &ut, &st) != 2)
		return NAN;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static void cpu_now(struct cpu *c)
{
	struct rusage ru;
	unsigned long long v[7] = { 0 };
	getrusage(RUSAGE_SELF, &ru);
	c->self = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		  (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	c->daemon = cpu_pid(o.daemon_pid);
	FILE *f = fopen("/proc/stat", "r");
	/* cpu user nice system idle iowait irq softirq */
	if (!f || fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu", &v[0],
			 &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]) != 7)
		c->all = NAN;
	else
		c->all = (double)(v[0] + v[1] + v[2] + v[5] + v[6]) /
			 (double)sysconf(_SC_CLK_TCK);
	if (f)
		fclose(f);
}

/* --- phase 1: ingest ----------------------------------------------------- */

struct term {
	struct feed *f;
	struct conn *c;        /* a held connection, or NULL: own */
	pthread_barrier_t *start;
	long k0, k1;           /* pushes [k0, k1) of the feed; k1 0: all */
	long pace_ms;          /* at most one push started per pace_ms */
	double *lat;           /* one per push */
	long nlat;
	int rc;
};

static void *term_main(void *arg)
{
	struct term *t = arg;
	struct conn own, *c = t->c ? t->c : &own;
	struct resp r = { 0 };
	char err[300];
	bool ready = true;
	if (!t->c && conn_open(&own, o.port, NULL, err, sizeof err)) {
		fail("terminal %.16s: %s", t->f->hex, err);
		ready = false;
	}
	if (t->start)
		pthread_barrier_wait(t->start);
	t->rc = ready ? 0 : -1;
	long end = t->k1 ? t->k1 : t->f->npush;
	double next = now_s();
	for (long k = t->k0; ready && k < end; k++) {
		double ms, wait = next - now_s();
		if (wait > 0)
			nanosleep(&(struct timespec){ (time_t)wait,
				  (long)((wait - (time_t)wait) * 1e9) }, NULL);
		next = now_s() + t->pace_ms / 1e3;
		if ((t->rc = push(c, t->f, k, &r, &ms)) != 0)
			break;
		t->lat[t->nlat++] = ms;
	}
	if (!t->c && ready)
		conn_close(&own);
	yzf_buf_free(&r.body);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Latencies of every term, sorted into one array; *n their count. */
static double *gather(struct term *t, long nt, long *n)
{
	long total = 0, k = 0;
	for (long i = 0; i < nt; i++)
		total += t[i].nlat;
	double *v = malloc(((size_t)total + 1) * sizeof *v);
	if (!v)
		return NULL;
	for (long i = 0; i < nt; i++)
		for (long j = 0; j < t[i].nlat; j++)
			v[k++] = t[i].lat[j];
	qsort(v, (size_t)total, sizeof *v, cmp_double);
	*n = total;
	return v;
}

static double pct(const double *v, long n, double q)
{
	if (n == 0)
		return NAN;
	long i = (long)ceil(q * (double)n) - 1;
	return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}

/* Run terms [0, nt) at once; returns the wall seconds from the common
 * start to the last one's end. */
static double run_terms(struct term *t, long nt, bool barrier,
			struct cpu *at_start)
{
	pthread_barrier_t start;
	pthread_t *th = calloc((size_t)nt, sizeof *th);
	long started = 0;
	double t0 = 0;
	if (!th || (barrier && pthread_barrier_init(&start, NULL,
						    (unsigned)nt + 1)))
		return fail("threads: out of memory"), 0;
	for (long i = 0; i < nt; i++) {
		t[i].start = barrier ? &start : NULL;
		if (spawn(&th[i], term_main, &t[i]))
			break;
		started++;
	}
	if (started < nt) {
		/* the barrier cannot complete: give up on the run */
		fail("could not start %ld threads", nt);
		exit(1);
	}
	if (barrier)
		pthread_barrier_wait(&start);
	if (at_start)
		cpu_now(at_start);
	t0 = now_s();
	for (long i = 0; i < nt; i++)
		pthread_join(th[i], NULL);
	double el = now_s() - t0;
	if (barrier)
		pthread_barrier_destroy(&start);
	free(th);
	return el;
}

/* --- phase 2 and 3: held connections, pushes among them ------------------ */

struct held {
	struct conn c;
	int state;             /* 0 untried, 1 held, -1 failed */
};

static struct held *held;
static atomic_long open_next;
static atomic_long errs_by[4];
static char first_err[4][300];

static void *opener_main(void *arg)
{
	(void)arg;
	struct resp r = { 0 };
	char err[300];
	long i;
	while ((i = atomic_fetch_add(&open_next, 1)) < o.conns) {
		struct held *h = &held[i];
		int e = conn_open(&h->c, o.port, NULL, err, sizeof err);
		if (!e && healthz(&h->c, &r, err, sizeof err)) {
			conn_close(&h->c);
			e = E_HTTP;
		}
		h->state = e ? -1 : 1;
		if (e && atomic_fetch_add(&errs_by[e], 1) == 0) {
			pthread_mutex_lock(&msg_mu);
			snprintf(first_err[e], sizeof first_err[e], "%s", err);
			pthread_mutex_unlock(&msg_mu);
		}
	}
	yzf_buf_free(&r.body);
	return NULL;
}

/* One GET to a fresh connection; the body, or NULL. */
static char *fetch(const char *path)
{
	struct conn c;
	struct resp r = { 0 };
	char err[300] = "out of memory", *out = NULL;
	if (conn_open(&c, o.port, NULL, err, sizeof err) == 0) {
		if (request(&c, "GET", path, NULL, NULL, 0, &r, err,
			    sizeof err) == 0 && r.status != 200)
			snprintf(err, sizeof err, "HTTP %d", r.status);
		else if (r.status == 200 && (out = malloc(r.body.len + 1))) {
			memcpy(out, r.body.p, r.body.len);
			out[r.body.len] = 0;
		}
		conn_close(&c);
	}
	if (!out)
		fprintf(stderr, "sync: GET %s: %s\n", path, err);
	yzf_buf_free(&r.body);
	return out;
}

/* The value of the metric line starting with name (labels included). */
static double metric(const char *text, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, name, n) == 0 && p[n] == ' ')
			return strtod(p + n + 1, NULL);
	return NAN;
}

/* --- the run ------------------------------------------------------------- */

static void row(const char *what, double v, double base, const char *goal,
		int met)
{
	char b[16] = "-", r[16] = "-";
	if (!isnan(base)) {
		snprintf(b, sizeof b, "%.1f", base);
		if (base > 0)
			snprintf(r, sizeof r, "%.2f", v / base);
	}
	printf("%-50s %11.1f %11s %7s   %-16s %s\n", what, v, b, r, goal,
	       met < 0 ? "" : met ? "met" : "NOT met");
}

static void raise_nofile(long need)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= (rlim_t)need)
		return;
	rlim_t want = (rlim_t)need;
	if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max)
		want = rl.rlim_max;
	rl.rlim_cur = want;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		perror("sync: setrlimit RLIMIT_NOFILE");
	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < (rlim_t)need)
		fprintf(stderr, "sync: only %lu descriptors (hard limit): "
			"fewer than %ld connections can be held\n",
			(unsigned long)rl.rlim_cur, need);
}

static int run(void)
{
	double t_run = now_s(), t0, el;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	struct yzf_buf sb = { 0 }, se = { 0 };
	uint8_t zero[YZF_ID_LEN] = { 0 };
	char suite[96] = "?", ver[64];

	raise_nofile(o.conns + o.terminals + o.pushers + 64);
	if (load_keys() || client_init())
		return -1;
	if (cores < 1)
		cores = 1;

	/* the signed message of one record: its domain prefix and envelope */
	if (record_bytes(0, 1, zero, wall_ms(), &sb, &se))
		return -1;
	size_t env_len = se.len, msg_len = sizeof YZF_RECORD_DOMAIN + se.len;
	yzf_buf_free(&sb);
	yzf_buf_free(&se);
	double vps0 = verify_rate(msg_len, 1.0);

	/* every record made and signed before any clock starts */
	pthread_t *gt = calloc((size_t)o.threads, sizeof *gt);
	t0 = now_s();
	if (!gt)
		return -1;
	for (long i = 0; i < o.threads; i++)
		if (spawn(&gt[i], gen_main, NULL))
			return -1;
	for (long i = 0; i < o.threads; i++)
		pthread_join(gt[i], NULL);
	free(gt);
	long total = 0;
	size_t bytes = 0;
	for (long i = 0; i < nfeeds; i++) {
		if (feeds[i].rc)
			return -1;
		total += feeds[i].nrec;
		bytes += feeds[i].lines.len;
	}
	double gen_s = now_s() - t0;
	if (o.expect) {
		FILE *f = fopen(o.expect, "w");
		if (!f || fprintf(f, "%ld\n", total) < 0 || fclose(f)) {
			perror(o.expect);
			return -1;
		}
	}
	mbedtls_version_get_string_full(ver);
	printf("yzf-syncd sync benchmark: 127.0.0.1:%ld, %s, libsodium %s, "
	       "%ld cores\n", o.port, ver, sodium_version_string(), cores);
	printf("records: note with a case id and a GNSS fix, envelope %zu "
	       "bytes, exchange line %zu bytes; %ld made and signed on %ld "
	       "threads in %.1f s\n", env_len, bytes / (size_t)total, total,
	       o.threads, gen_s);
	fflush(stdout);

	/* 1. ingest: T terminals, connections up before the clock starts */
	struct term *tt = calloc((size_t)o.terminals, sizeof *tt);
	if (!tt)
		return -1;
	for (long i = 0; i < o.terminals; i++) {
		tt[i].f = &feeds[i];
		tt[i].lat = malloc(((size_t)feeds[i].npush + 1) * sizeof(double));
		if (!tt[i].lat)
			return -1;
	}
	struct cpu c0, c1;
	el = run_terms(tt, o.terminals, true, &c0);
	cpu_now(&c1);
	double cpu_c = c1.self - c0.self, cpu_d = c1.daemon - c0.daemon,
	       cpu_o = fmax(0, c1.all - c0.all - cpu_c - cpu_d);
	long n1;
	double *lat1 = gather(tt, o.terminals, &n1);
	long pushed = 0;
	for (long i = 0; i < o.terminals; i++)
		for (long k = 0; k < tt[i].nlat; k++)
			pushed += (k + 1) * o.batch > feeds[i].nrec ?
				  feeds[i].nrec - k * o.batch : o.batch;
	double ingest = (double)pushed / el;
	/* the verify rate again: the machine may have changed meanwhile */
	double vps1 = verify_rate(msg_len, 1.0), vps = (vps0 + vps1) / 2;
	double us_rec = cpu_d * 1e6 / (double)pushed;
	printf("1. %ld records in %.2f s by %ld terminals (%ld pushes); CPU "
	       "meanwhile: daemon %.1f s (%.1f us a record), this client "
	       "%.1f s, others (processes, interrupts) %.1f s, of %.1f s (%ld cores x "
	       "%.1f s)\n", pushed, el, o.terminals, n1, cpu_d, us_rec, cpu_c,
	       cpu_o, cores * el, cores, el);
	fflush(stdout);

	/* 2. connections held at once */
	held = calloc((size_t)o.conns, sizeof *held);
	if (!held)
		return -1;
	pthread_t op[OPENERS];
	t0 = now_s();
	for (int i = 0; i < OPENERS; i++)
		if (spawn(&op[i], opener_main, NULL))
			return -1;
	for (int i = 0; i < OPENERS; i++)
		pthread_join(op[i], NULL);
	double open_s = now_s() - t0;
	long opened = 0;
	for (long i = 0; i < o.conns; i++)
		opened += held[i].state == 1;
	printf("2. %ld of %ld connections opened (handshake + GET /healthz) "
	       "in %.1f s by %d threads; errors: connect %ld, handshake %ld, "
	       "healthz %ld\n", opened, o.conns, open_s, OPENERS,
	       atomic_load(&errs_by[E_CONNECT]),
	       atomic_load(&errs_by[E_HANDSHAKE]),
	       atomic_load(&errs_by[E_HTTP]));
	for (int e = 1; e < 4; e++)
		if (atomic_load(&errs_by[e]))
			printf("   first %s error: %s\n", e == E_CONNECT ?
			       "connect" : e == E_HANDSHAKE ? "handshake" :
			       "healthz", first_err[e]);
	fflush(stdout);

	/* 3. L pushers on held connections (their own when fewer are held) */
	struct term *pt = calloc((size_t)o.pushers + 1, sizeof *pt);
	if (!pt)
		return -1;
	long on_held = 0;
	for (long i = 0, h = 0; i < o.pushers; i++) {
		while (h < o.conns && held[h].state != 1)
			h++;
		pt[i].f = &feeds[o.terminals + i];
		pt[i].c = h < o.conns ? &held[h++].c : NULL;
		on_held += pt[i].c != NULL;
		pt[i].lat = malloc(((size_t)o.pushes + 1) * sizeof(double));
		if (!pt[i].lat)
			return -1;
	}
	/* the baseline: the first pusher's connection, pushing alone */
	struct term alone = { .c = o.pushers ? pt[0].c : NULL, .k1 = ALONE,
			      .pace_ms = ALONE_PACE_MS,
			      .lat = malloc(ALONE * sizeof(double)) };
	long n0 = 0;
	double *lat0 = NULL;
	if (o.pushers) {
		alone.f = pt[0].f;
		pt[0].k0 = ALONE;
		if (!alone.lat)
			return -1;
		run_terms(&alone, 1, false, NULL);
		lat0 = gather(&alone, 1, &n0);
	}
	double el3 = run_terms(pt, o.pushers, true, NULL);
	long n3;
	double *lat3 = gather(pt, o.pushers, &n3);

	/* all still there? each held connection answers once more */
	struct resp r = { 0 };
	char err[300];
	long alive = 0, lost = 0;
	char *mt = fetch("/metrics");
	double server_open = mt ? metric(mt, "yzf_connections_open") : NAN;
	free(mt);
	for (long i = 0; i < o.conns; i++) {
		if (held[i].state != 1)
			continue;
		if (healthz(&held[i].c, &r, err, sizeof err) == 0) {
			alive++;
		} else if (++lost <= 3) {
			fprintf(stderr, "sync: held connection %ld: %s\n", i, err);
		}
	}
	printf("3. %ld pushers (%ld on held connections) pushed %ld x %ld "
	       "records in %.2f s (%.0f records/s); then %ld of %ld held "
	       "connections answered GET /healthz again; the daemon counted "
	       "%.0f open\n", o.pushers, on_held, o.pushes, o.batch, el3,
	       (double)(n3 * o.batch) / el3, alive, opened, server_open);
	for (long i = 0; i < o.conns; i++)
		if (held[i].state == 1)
			conn_close(&held[i].c);
	yzf_buf_free(&r.body);
	fflush(stdout);

	/* 4. handshakes: daemon and bare server, alternating in rounds so
	 * drift and neighbours fall on both alike */
	struct bare bs;
	long dfc = 0, dfr = 0, bfc = 0, bfr = 0, fb_d = 0, fb_b = 0, he = 0;
	double dfull = 0, dres = 0, bfull = 0, bres = 0;
	const int rounds = 2;
	double slot = o.hs_secs / rounds;
	if (bare_start(o.cert, o.key, &drbg, &bs))
		return -1;
	for (int i = 0; i < rounds; i++) {
		dfull += hs_loop(o.port, false, slot, &dfc, &fb_d, &he, suite,
				 sizeof suite) / rounds;
		bfull += hs_loop(bs.port, false, slot, &bfc, &fb_b, &he, NULL,
				 0) / rounds;
		dres += hs_loop(o.port, true, slot, &dfr, &fb_d, &he, NULL, 0) /
			rounds;
		bres += hs_loop(bs.port, true, slot, &bfr, &fb_b, &he, NULL, 0) /
			rounds;
	}
	bare_stop(&bs);
	printf("4. %ld + %ld daemon and %ld + %ld bare handshakes (full + "
	       "resumed), %s; resumptions refused: daemon %ld, bare %ld; "
	       "failed: %ld\n", dfc, dfr, bfc, bfr, suite, fb_d, fb_b, he);

	if (atomic_load(&too_many))
		printf("   429 too_many (push_rate) answers, each retried after a "
		       "pause: %ld\n", atomic_load(&too_many));
	mt = fetch("/metrics");
	if (mt) {
		printf("   daemon /metrics: records_ingested %.0f, "
		       "push_batches %.0f, commit_groups %.0f, quarantined "
		       "%.0f, handshakes full %.0f resumed %.0f, handshake "
		       "failures %.0f, connections rejected %.0f, timeouts "
		       "%.0f\n",
		       metric(mt, "yzf_records_ingested_total"),
		       metric(mt, "yzf_push_batches_total"),
		       metric(mt, "yzf_commit_groups_total"),
		       metric(mt, "yzf_records_quarantined_total"),
		       metric(mt, "yzf_tls_handshakes_total{resumed=\"false\"}"),
		       metric(mt, "yzf_tls_handshakes_total{resumed=\"true\"}"),
		       metric(mt, "yzf_tls_handshake_failures_total"),
		       metric(mt, "yzf_connections_rejected_total"),
		       metric(mt, "yzf_request_timeouts_total"));
		free(mt);
	}

	/* the table */
	char what[96], goal[32];
	printf("\n%-50s %11s %11s %7s   %-16s\n", "measure", "yzf-syncd",
	       "baseline", "ratio", "goal");
	snprintf(what, sizeof what, "1. ingest records/s (%ld, %ld terminals)",
		 pushed, o.terminals);
	row(what, ingest, vps * (double)cores, "ratio >= 0.70",
	    ingest >= 0.7 * vps * (double)cores);
	printf("   baseline: verify-bound = %.1f Ed25519 verifications/s on "
	       "one core (%zu-byte messages; %.0f before 1., %.0f after) x %ld "
	       "cores\n", vps, msg_len, vps0, vps1, cores);
	row("   daemon CPU us per record (vs one verify)", us_rec, 1e6 / vps,
	    "-", -1);
	snprintf(what, sizeof what, "2. TLS connections held at once "
		 "(target %ld)", o.conns);
	snprintf(goal, sizeof goal, ">= %ld", o.conns);
	row(what, (double)alive, NAN, goal, alive >= o.conns);
	snprintf(what, sizeof what, "3. push p50 ms (%ld pushing, %ld held)",
		 o.pushers, alive);
	row(what, pct(lat3, n3, 0.5), pct(lat0, n0, 0.5), "-", -1);
	snprintf(what, sizeof what, "   push p99 ms (%ld pushing, %ld held)",
		 o.pushers, alive);
	row(what, pct(lat3, n3, 0.99), pct(lat0, n0, 0.99), "-", -1);
	printf("   baseline: the same pushes one at a time (%ld, one every "
	       "%d ms, on one of the held connections)\n", n0, ALONE_PACE_MS);
	snprintf(what, sizeof what, "   push p50 ms (%ld terminals, during 1.)",
		 o.terminals);
	row(what, pct(lat1, n1, 0.5), NAN, "-", -1);
	snprintf(what, sizeof what, "   push p99 ms (%ld terminals, during 1.)",
		 o.terminals);
	row(what, pct(lat1, n1, 0.99), NAN, "-", -1);
	row("4. full TLS handshakes/s (sequential; vs bare)", dfull, bfull,
	    "-", -1);
	row("   resumed TLS handshakes/s (session id)", dres, bres, "-", -1);
	printf("   baseline: bare mbedTLS server in this process, the "
	       "daemon's certificate, key, suites and groups, no HTTP\n");
	printf("\nrun took %.1f s (%.1f s making records)\n", now_s() - t_run,
	       gen_s);

	for (long i = 0; i < o.terminals; i++)
		free(tt[i].lat);
	for (long i = 0; i < o.pushers; i++)
		free(pt[i].lat);
	free(tt);
	free(pt);
	for (long i = 0; i < nfeeds; i++) {
		yzf_buf_free(&feeds[i].lines);
		free(feeds[i].off);
	}
	sodium_memzero(feeds, (size_t)nfeeds * sizeof *feeds);
	free(feeds);
	free(lat0);
	free(alone.lat);
	free(lat1);
	free(lat3);
	free(held);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: sync issue --authority DIR --keys FILE [--terminals T] "
		"[--pushers L]\n"
		"       sync run --port P --ca FILE --cert FILE --key FILE "
		"--keys FILE\n"
		"                [--terminals T] [--records R] [--batch B] "
		"[--conns C]\n"
		"                [--pushers L] [--pushes P] [--hs-secs S] "
		"[--threads N]\n"
		"                [--expect FILE] [--daemon-pid PID]\n"
		"bench/sync.sh runs both against a fresh yzf-syncd.\n");
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	const char *cmd = argv[1];
	o.threads = sysconf(_SC_NPROCESSORS_ONLN);
	for (int i = 2; i < argc; i += 2) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		long *n = !strcmp(a, "--terminals") ? &o.terminals
			: !strcmp(a, "--records") ? &o.records
			: !strcmp(a, "--batch") ? &o.batch
			: !strcmp(a, "--conns") ? &o.conns
			: !strcmp(a, "--pushers") ? &o.pushers
			: !strcmp(a, "--pushes") ? &o.pushes
			: !strcmp(a, "--threads") ? &o.threads
			: !strcmp(a, "--port") ? &o.port
			: !strcmp(a, "--daemon-pid") ? &o.daemon_pid : NULL;
		const char **s = !strcmp(a, "--authority") ? &o.authority
			: !strcmp(a, "--keys") ? &o.keys
			: !strcmp(a, "--ca") ? &o.ca
			: !strcmp(a, "--cert") ? &o.cert
			: !strcmp(a, "--key") ? &o.key
			: !strcmp(a, "--expect") ? &o.expect : NULL;
		if (!v)
			usage();
		if (n) {
			char *end;
			*n = strtol(v, &end, 10);
			if (*end || *n < 0)
				usage();
		} else if (s) {
			*s = v;
		} else if (!strcmp(a, "--hs-secs")) {
			o.hs_secs = atof(v);
		} else {
			usage();
		}
	}
	if (o.terminals < 1 || o.batch < 1 || o.pushes < 0 || o.threads < 1 ||
	    o.records < o.terminals || o.hs_secs <= 0)
		usage();
	if (sodium_init() < 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(cmd, "issue")) {
		if (!o.authority || !o.keys)
			usage();
		return issue() ? 1 : 0;
	}
	if (strcmp(cmd, "run") || !o.keys || !o.ca || !o.cert || !o.key ||
	    o.port < 1 || o.port > 65535)
		usage();
	mbedtls_entropy_init(&entropy);
	mbedtls_ctr_drbg_init(&drbg);
	mbedtls_ssl_config_init(&cconf);
	mbedtls_x509_crt_init(&ca);
	int rc = run();
	if (rc)
		fprintf(stderr, "sync: the run stopped: a setup step failed\n");
	int nf = atomic_load(&failures);
	if (nf)
		fprintf(stderr, "sync: %d functional failure(s)\n", nf);
	return rc || nf ? 1 : 0;
}

/* yzf sync — push each logged-in officer's feed to the city over HTTPS.
 *
 * The transport of schemas/sync.md for the CLI: mbedTLS (TLS 1.2 only,
 * ECDHE + AEAD suites, the city CA pinned, hostname checked) and requests
 * parsed with libhttp-parser; what to send and what an answer means come
 * from the library (yzf/sync.h). A cut connection is retried with backoff
 * and resumes from the server's acknowledged head. */
#include <cjson/cJSON.h>
#include <http_parser.h>
#include <sodium.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static const int suites[] = {
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	0,
};

struct conn {
	char host[256], port[8];
	mbedtls_net_context net;
	mbedtls_ssl_context ssl;
	mbedtls_ssl_config conf;
	mbedtls_x509_crt ca;
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_ssl_session saved;  /* for resumption after a cut */
	bool have_session, open;
	int64_t attested_ms;        /* 0: judge certificates by the clock */
};

/* One parsed HTTP response. */
struct resp {
	int status;
	struct yzf_buf body;
	bool done;
};

static int on_body(http_parser *p, const char *at, size_t n)
{
	struct resp *r = p->data;
	if (r->body.len + n > 8 << 20)
		return 1; /* an answer larger than any the protocol sends */
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

static void tls_error(const char *what, int rc)
{
	char buf[160];
	mbedtls_strerror(rc, buf, sizeof buf);
	fprintf(stderr, "yzf sync: %s: %s\n", what, buf);
}

/* An X.509 time (UTC) in ms since the epoch. */
static int64_t x509_ms(const mbedtls_x509_time *t)
{
	int64_t y = t->year - (t->mon <= 2), era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400, m = t->mon;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + t->day - 1;
	int64_t days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy -
		       719468;
	return ((days * 24 + t->hour) * 60 + t->min) * 60000LL + t->sec * 1000LL;
}

/* mbedTLS judges a certificate's validity by the wall clock. A terminal
 * whose clock is wrong (a dead battery, a year back) would lose the city;
 * once the city has attested a time, certificates are judged by that. */
static int verify_time(void *ctx, mbedtls_x509_crt *crt, int depth,
		       uint32_t *flags)
{
	const struct conn *c = ctx;
	(void)depth;
	if (!c->attested_ms)
		return 0;
	*flags &= ~(uint32_t)(MBEDTLS_X509_BADCERT_FUTURE |
			      MBEDTLS_X509_BADCERT_EXPIRED);
	if (x509_ms(&crt->valid_from) > c->attested_ms)
		*flags |= MBEDTLS_X509_BADCERT_FUTURE;
	if (x509_ms(&crt->valid_to) < c->attested_ms)
		*flags |= MBEDTLS_X509_BADCERT_EXPIRED;
	return 0;
}

static int conn_setup(struct conn *c, const char *url, const char *ca,
		      struct yzf *y)
{
	struct yzf_attested att;
	if (y && yzf_attested(y, &att) == YZF_OK && att.have)
		c->attested_ms = att.now_ms;
	const char *h = strncmp(url, "https://", 8) == 0 ? url + 8 : NULL;
	if (!h) {
		fprintf(stderr, "yzf sync: --server must be https://HOST[:PORT]\n");
		return EXIT_USAGE;
	}
	size_t hl = strcspn(h, ":/");
	if (hl == 0 || hl >= sizeof c->host) {
		fprintf(stderr, "yzf sync: bad host in %s\n", url);
		return EXIT_USAGE;
	}
	memcpy(c->host, h, hl);
	c->host[hl] = 0;
	snprintf(c->port, sizeof c->port, "%.6s",
		 h[hl] == ':' ? h + hl + 1 : "443");
	c->port[strcspn(c->port, "/")] = 0;
	mbedtls_x509_crt_init(&c->ca);
	mbedtls_ssl_config_init(&c->conf);
	mbedtls_entropy_init(&c->entropy);
	mbedtls_ctr_drbg_init(&c->drbg);
	mbedtls_ssl_session_init(&c->saved);
	int rc = mbedtls_ctr_drbg_seed(&c->drbg, mbedtls_entropy_func,
				       &c->entropy, (const uint8_t *)"yzf-sync", 8);
	if (!rc && (rc = mbedtls_x509_crt_parse_file(&c->ca, ca)))
		tls_error(ca, rc);
	if (!rc)
		rc = mbedtls_ssl_config_defaults(&c->conf, MBEDTLS_SSL_IS_CLIENT,
						 MBEDTLS_SSL_TRANSPORT_STREAM,
						 MBEDTLS_SSL_PRESET_DEFAULT);
	if (rc)
		return EXIT_SYSTEM;
	/* TLS 1.2 exactly, AEAD suites, only the city's CA, no renegotiation */
	mbedtls_ssl_conf_min_version(&c->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
				     MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_max_version(&c->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
				     MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_ciphersuites(&c->conf, suites);
	mbedtls_ssl_conf_authmode(&c->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_ca_chain(&c->conf, &c->ca, NULL);
	mbedtls_ssl_conf_verify(&c->conf, verify_time, c);
	mbedtls_ssl_conf_rng(&c->conf, mbedtls_ctr_drbg_random, &c->drbg);
	mbedtls_ssl_conf_renegotiation(&c->conf, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
	mbedtls_ssl_conf_read_timeout(&c->conf, 30000);
	return EXIT_OK;
}

static void conn_close(struct conn *c)
{
	if (!c->open)
		return;
	mbedtls_ssl_close_notify(&c->ssl);
	mbedtls_ssl_free(&c->ssl);
	mbedtls_net_free(&c->net);
	c->open = false;
}

static int conn_open(struct conn *c)
{
	mbedtls_net_init(&c->net);
	mbedtls_ssl_init(&c->ssl);
	int rc = mbedtls_net_connect(&c->net, c->host, c->port,
				     MBEDTLS_NET_PROTO_TCP);
	if (rc) {
		tls_error("connect", rc);
		mbedtls_ssl_free(&c->ssl);
		return -1;
	}
	int one = 1;
	setsockopt(c->net.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c->open = true;
	rc = mbedtls_ssl_setup(&c->ssl, &c->conf);
	if (!rc)
		rc = mbedtls_ssl_set_hostname(&c->ssl, c->host);
	if (!rc && c->have_session)
		rc = mbedtls_ssl_set_session(&c->ssl, &c->saved);
	mbedtls_ssl_set_bio(&c->ssl, &c->net, mbedtls_net_send, NULL,
			    mbedtls_net_recv_timeout);
	while (!rc && (rc = mbedtls_ssl_handshake(&c->ssl)) != 0)
		if (rc != MBEDTLS_ERR_SSL_WANT_READ &&
		    rc != MBEDTLS_ERR_SSL_WANT_WRITE)
			break;
	if (rc) {
		uint32_t flags = mbedtls_ssl_get_verify_result(&c->ssl);
		if (flags && flags != (uint32_t)-1) {
			char vb[256];
			mbedtls_x509_crt_verify_info(vb, sizeof vb, "", flags);
			fprintf(stderr, "yzf sync: the server's certificate is not "
				"the city's: %s", vb);
		}
		tls_error("TLS handshake", rc);
		conn_close(c);
		return -1;
	}
	mbedtls_ssl_session_free(&c->saved);
	mbedtls_ssl_session_init(&c->saved);
	c->have_session = mbedtls_ssl_get_session(&c->ssl, &c->saved) == 0;
	return 0;
}

static int write_all(struct conn *c, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n > 0) {
		int w = mbedtls_ssl_write(&c->ssl, b, n);
		if (w == MBEDTLS_ERR_SSL_WANT_READ || w == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One request on the open connection; reads the whole answer. auth may
 * be NULL (enrollment is authenticated by its code instead). */
static int request(struct conn *c, const char *method, const char *path,
		   const char *auth, const char *ctype, const uint8_t *body,
		   size_t len, struct resp *r)
{
	char head[1024];
	int hl = snprintf(head, sizeof head,
			  "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: yzf\r\n"
			  "%s%s%sContent-Type: %s\r\nContent-Length: %zu\r\n\r\n",
			  method, path, c->host, auth ? "Authorization: " : "",
			  auth ? auth : "", auth ? "\r\n" : "", ctype, len);
	if (hl <= 0 || (size_t)hl >= sizeof head || write_all(c, head, (size_t)hl) ||
	    (len && write_all(c, body, len)))
		return -1;
	http_parser p;
	http_parser_settings s;
	http_parser_settings_init(&s);
	s.on_body = on_body;
	s.on_message_complete = on_complete;
	http_parser_init(&p, HTTP_RESPONSE);
	p.data = r;
	yzf_buf_reset(&r->body);
	r->done = false;
	uint8_t buf[16384];
	while (!r->done) {
		int n = mbedtls_ssl_read(&c->ssl, buf, sizeof buf);
		if (n == MBEDTLS_ERR_SSL_WANT_READ || n == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (n <= 0)
			return -1;
		size_t used = http_parser_execute(&p, &s, (const char *)buf,
						  (size_t)n);
		if (used != (size_t)n || HTTP_PARSER_ERRNO(&p) != HPE_OK) {
			fprintf(stderr, "yzf sync: malformed HTTP answer: %s\n",
				http_errno_description(HTTP_PARSER_ERRNO(&p)));
			return -1;
		}
	}
	return 0;
}

static void progress(bool tty, const char *hex, int64_t acked, int64_t local)
{
	if (!tty) {
		printf("feed %.16s: %lld of %lld records at the city\n", hex,
		       (long long)acked, (long long)local);
		return;
	}
	int w = 30, filled = local ? (int)(acked * w / local) : w;
	printf("\rfeed %.16s [", hex);
	for (int i = 0; i < w; i++)
		putchar(i < filled ? '#' : '.');
	printf("] %lld/%lld", (long long)acked, (long long)local);
	if (acked == local)
		putchar('\n');
	fflush(stdout);
}

static void conn_free(struct conn *cn);
static bool read_saved(struct cli *c, const char *name, char *out, size_t cap);

/* The city's address and CA: from the options, else those enroll online
 * kept in the home. false (with a message) when either is missing. */
struct city {
	char server[512], ca[4200];
};
static bool city_of(struct cli *c, struct city *ct, const char *who)
{
	const char *server = cli_opt(c, "server"), *ca = cli_opt(c, "ca");
	char saved[4200];
	ct->server[0] = ct->ca[0] = 0;
	if (server)
		snprintf(ct->server, sizeof ct->server, "%s", server);
	else
		read_saved(c, "server", ct->server, sizeof ct->server);
	snprintf(saved, sizeof saved, "%s/city-ca.pem", c->home);
	if (ca)
		snprintf(ct->ca, sizeof ct->ca, "%s", ca);
	else if (access(saved, R_OK) == 0)
		snprintf(ct->ca, sizeof ct->ca, "%s", saved);
	if (!ct->server[0] || !ct->ca[0]) {
		fprintf(stderr, "yzf %s: --server https://HOST:PORT and --ca FILE "
			"(the city CA) are required (enroll online keeps both)\n",
			who);
		return false;
	}
	return true;
}

/* A request signed by the feed's key on the open (or reopened)
 * connection. 0; 1 when the connection failed (closed: retry); a negative
 * YZF_E code when the request could not be signed (reported). */
static int signed_request_as(struct cli *c, struct conn *cn,
			     const uint8_t *feed, const char *method,
			     const char *path, const char *ctype,
			     const uint8_t *body, size_t len, struct resp *r,
			     char auth[YZF_AUTH_MAX])
{
	/* the signature covers the path without its query (schemas/sync.md) */
	char signed_path[600];
	snprintf(signed_path, sizeof signed_path, "%.*s",
		 (int)strcspn(path, "?"), path);
	int rc = yzf_sync_auth(c->y, feed, method, signed_path, body, len, auth);
	if (rc) {
		cli_fail(c, rc, "sign the request");
		return rc;
	}
	if ((!cn->open && conn_open(cn)) ||
	    request(cn, method, path, auth, ctype, body, len, r)) {
		conn_close(cn);
		return 1;
	}
	return 0;
}

static int signed_request(struct cli *c, struct conn *cn, const uint8_t *feed,
			  const char *method, const char *path,
			  const char *ctype, const uint8_t *body, size_t len,
			  struct resp *r)
{
	char auth[YZF_AUTH_MAX];
	return signed_request_as(c, cn, feed, method, path, ctype, body, len, r,
				 auth);
}

/* A one-line setting saved in the home by enroll online. */
static bool read_saved(struct cli *c, const char *name, char *out, size_t cap)
{
	char path[4200], *d;
	size_t len;
	snprintf(path, sizeof path, "%s/%s", c->home, name);
	if (cli_read_file(path, &d, &len))
		return false;
	d[strcspn(d, "\r\n")] = 0;
	snprintf(out, cap, "%s", d);
	free(d);
	return out[0] != 0;
}

/* Wait before retry n: 0.25 s doubling to 8 s, with jitter so terminals
 * cut off together do not come back together. */
static void backoff(int n, const char *why)
{
	long ms = 250L << (n < 6 ? n - 1 : 5);
	ms += rand() % (ms / 2 + 1);
	fprintf(stderr, "yzf sync: %s; retrying in %ld ms\n", why, ms);
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Push one feed until the city holds all of it. */
static int push_feed(struct cli *c, struct conn *cn, const uint8_t feed[32],
		     size_t batch, int retries)
{
	char hex[65];
	struct resp r = { 0 };
	struct yzf_buf body = { 0 };
	int64_t local, acked;
	int attempt = 0, ec = EXIT_OK;
	bool tty = isatty(STDOUT_FILENO);
	cli_hex(feed, YZF_KEY_LEN, hex);
	for (;;) {
		size_t n;
		int rc = yzf_sync_state(c->y, feed, &local, &acked);
		if (!rc) {
			yzf_buf_reset(&body);
			rc = yzf_sync_push_body(c->y, feed, batch, &body, &n);
		}
		if (rc) {
			ec = cli_fail(c, rc, "sync");
			break;
		}
		progress(tty, hex, acked, local);
		if (n == 0)
			break;
		uint64_t from = 0;
		char path[64], auth[YZF_AUTH_MAX];
		rc = yzf_trust_log_size(c->y, &from);
		if (rc) {
			ec = cli_fail(c, rc, "sync");
			break;
		}
		snprintf(path, sizeof path, "/v1/push?from=%llu",
			 (unsigned long long)from);
		rc = signed_request_as(c, cn, feed, "POST", path,
				       "application/x-ndjson", body.p, body.len,
				       &r, auth);
		if (rc < 0) {
			ec = cli_exit(rc);
			break;
		}
		if (rc) {
			if (++attempt > retries) {
				fprintf(stderr, "yzf sync: giving up after %d "
					"attempts; %lld records wait\n", attempt,
					(long long)(local - acked));
				ec = EXIT_SYSTEM;
				break;
			}
			backoff(attempt, "connection lost");
			continue;
		}
		if (r.status == 429 || r.status == 503) {
			/* the city asks us to slow down or is draining */
			if (++attempt > retries) {
				fprintf(stderr, "yzf sync: the city is busy (HTTP "
					"%d); %lld records wait\n", r.status,
					(long long)(local - acked));
				ec = EXIT_SYSTEM;
				break;
			}
			backoff(attempt, "the city is busy");
			continue;
		}
		attempt = 0;
		struct yzf_sync_result res;
		rc = yzf_sync_push_answer(c->y, feed, auth, r.status, r.body.p,
					  r.body.len, &res);
		if (rc) {
			ec = cli_fail(c, rc, "sync");
			break;
		}
		if (res.flagged)
			fprintf(stderr, "yzf sync: the city flagged the time of "
				"%lld records of feed %.16s (%s): check this "
				"terminal's clock\n", (long long)res.flagged, hex,
				res.first_flag);
		if (res.quarantined) {
			fprintf(stderr, "yzf sync: the city quarantined %lld "
				"records of feed %.16s (%s): they stay here\n",
				(long long)res.quarantined, hex,
				res.first_problem);
			ec = EXIT_VERIFY;
			break;
		}
	}
	yzf_buf_free(&r.body);
	yzf_buf_free(&body);
	return ec;
}

/* The city's checkpoint first: it proves the city still holds what it
 * acknowledged before, and its signed time, echoing our nonce, is the
 * attested time the reference data's expiry is judged on. */
static int check_city_log(struct cli *c, struct conn *cn,
			  const uint8_t feed[32])
{
	struct resp r = { 0 };
	struct yzf_checkpoint ck;
	uint8_t nonce[YZF_NONCE_LEN];
	char path[128], nh[2 * YZF_NONCE_LEN + 1];
	uint64_t from = 0;
	int ec = EXIT_OK;
	int rc = yzf_trust_nonce(c->y, nonce);
	if (!rc)
		rc = yzf_trust_log_size(c->y, &from);
	if (rc)
		return cli_fail(c, rc, "sync: checkpoint");
	cli_hex(nonce, sizeof nonce, nh);
	snprintf(path, sizeof path, "/v1/checkpoint?from=%llu&nonce=%s",
		 (unsigned long long)from, nh);
	rc = signed_request(c, cn, feed, "GET", path, "application/json", NULL,
			    0, &r);
	if (rc == 1) {
		fprintf(stderr, "yzf sync: could not fetch the city's "
			"checkpoint; the next sync retries\n");
	} else if (rc) {
		ec = cli_exit(rc);
	} else if ((rc = yzf_trust_checkpoint_answer(c->y, nonce, r.status,
						     r.body.p, r.body.len,
						     &ck))) {
		ec = cli_fail(c, rc, "sync: the city's log");
	} else if (from == 0) {
		printf("city log: %llu records; the first checkpoint this "
		       "terminal holds\n", (unsigned long long)ck.size);
	} else {
		printf("city log: %llu records, consistent with the %llu this "
		       "terminal held\n", (unsigned long long)ck.size,
		       (unsigned long long)from);
	}
	yzf_buf_free(&r.body);
	return ec;
}

/* The city's revocations first: a revoked colleague's later records must
 * not be trusted here, and a revoked officer stops signing. */
static int pull_revocations(struct cli *c, struct conn *cn,
			    const uint8_t feed[32])
{
	struct resp r = { 0 };
	size_t added = 0;
	int ec = EXIT_OK;
	int rc = signed_request(c, cn, feed, "GET", "/v1/revocations",
				"application/json", NULL, 0, &r);
	if (rc == 1) {
		/* not fatal: the records still go up; the next sync retries */
		fprintf(stderr, "yzf sync: could not fetch revocations; the next "
			"sync retries\n");
	} else if (rc) {
		ec = cli_exit(rc);
	} else if ((rc = yzf_sync_revocations_answer(c->y, r.status, r.body.p,
						     r.body.len, &added))) {
		ec = cli_fail(c, rc, "sync: revocations");
	} else if (added) {
		printf("revocations: %zu new from the city\n", added);
	}
	yzf_buf_free(&r.body);
	return ec;
}

/* {"have":{NAME:VERSION,...}}: the sets held, so the city sends only the
 * ones the terminal lacks. */
static void refdata_body(struct cli *c, struct yzf_buf *body)
{
	char name[33], item[80];
	int64_t version, size;
	yzf_buf_puts(body, "{\"have\":{");
	for (size_t i = 0; yzf_refset_list(c->y, i, name, &version, &size) == 0;
	     i++) {
		snprintf(item, sizeof item, "%s\"%s\":%lld", i ? "," : "", name,
			 (long long)version);
		yzf_buf_puts(body, item);
	}
	yzf_buf_puts(body, "}}");
}

/* The sets of an answer as the library takes them; contents decoded into
 * malloc'd memory the caller frees (in[i].content). false if one arrived
 * damaged. */
static bool refdata_sets(const cJSON *sets, struct yzf_refdata_in *in,
			 size_t *n)
{
	const cJSON *e;
	*n = 0;
	cJSON_ArrayForEach(e, sets) {
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(e, "line");
		const cJSON *b = cJSON_GetObjectItemCaseSensitive(e, "content");
		size_t bl = cJSON_IsString(b) ? strlen(b->valuestring) : 0, len = 0;
		uint8_t *content = malloc(bl / 4 * 3 + 3);
		if (!cJSON_IsString(l) || !content ||
		    sodium_base642bin(content, bl / 4 * 3 + 3, b->valuestring, bl,
				      NULL, &len, NULL,
				      sodium_base64_VARIANT_ORIGINAL) != 0) {
			free(content);
			return false;
		}
		in[*n] = (struct yzf_refdata_in){
			.line = (const uint8_t *)l->valuestring,
			.llen = strlen(l->valuestring),
			.content = content,
			.clen = len,
		};
		(*n)++;
	}
	return true;
}

/* What was taken, and the warnings a stale or expired index deserves. */
static void refdata_report(const struct yzf_refdata_in *in, size_t n,
			   const struct yzf_refdata_state *st)
{
	char t[32];
	if (st->fresh) {
		cli_time(st->index.expires_ms, st->index.expires_tz, t);
		printf("reference data index version %lld (expires %s)\n",
		       (long long)st->index.version, t);
	}
	for (size_t i = 0; i < n; i++)
		if (in[i].stored)
			printf("reference data: %s version %lld (%zu bytes)\n",
			       in[i].set.name, (long long)in[i].set.version,
			       in[i].clen);
	cli_refdata_warn("sync", st);
}

/* The city's snapshot index and the sets the terminal lacks, taken all or
 * nothing by the library's rules (yzf/refset.h). A refusal is reported
 * and returned, but the caller goes on with the push: the next sync
 * retries. */
static int pull_refdata(struct cli *c, struct conn *cn, const uint8_t feed[32])
{
	struct resp r = { 0 };
	struct yzf_buf body = { 0 };
	struct yzf_refdata_in *in = NULL;
	struct yzf_refdata_state st;
	cJSON *j = NULL;
	size_t n = 0;
	int ec = EXIT_OK;
	refdata_body(c, &body);
	int rc = signed_request(c, cn, feed, "POST", "/v1/refdata",
				"application/json", body.p, body.len, &r);
	if (rc) {
		if (rc == 1)
			fprintf(stderr, "yzf sync: could not fetch reference data; "
				"the next sync retries\n");
		ec = rc == 1 ? EXIT_OK : cli_exit(rc);
		goto out;
	}
	j = cJSON_ParseWithLengthOpts((const char *)r.body.p, r.body.len, NULL, 0);
	const cJSON *sets = cJSON_GetObjectItemCaseSensitive(j, "sets");
	const cJSON *ix = cJSON_GetObjectItemCaseSensitive(j, "index");
	if (r.status != 200 || !cJSON_IsArray(sets) ||
	    (!cJSON_IsString(ix) && !cJSON_IsNull(ix))) {
		/* not fatal: the records still go up; the next sync retries */
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");
		fprintf(stderr, "yzf sync: reference data not updated (HTTP %d: "
			"%s)\n", r.status,
			cJSON_IsString(m) ? m->valuestring : "no answer");
		goto out;
	}
	if (cJSON_IsNull(ix) && cJSON_GetArraySize(sets) == 0)
		goto out; /* the city has published nothing yet */
	in = calloc((size_t)cJSON_GetArraySize(sets) + 1, sizeof *in);
	if (!in || !refdata_sets(sets, in, &n)) {
		fprintf(stderr, "yzf sync: a reference data set arrived damaged; "
			"nothing was kept, the next sync retries\n");
		ec = in ? EXIT_VERIFY : EXIT_SYSTEM;
	} else if ((rc = yzf_refdata_apply(c->y, cJSON_IsString(ix)
					   ? (const uint8_t *)ix->valuestring
					   : NULL, cJSON_IsString(ix)
					   ? strlen(ix->valuestring) : 0, in, n,
					   &st))) {
		fprintf(stderr, "yzf sync: reference data refused: %s [%s]; "
			"nothing was kept, the next sync retries\n",
			yzf_errmsg(c->y), yzf_errname(rc));
		ec = cli_exit(rc);
	} else {
		refdata_report(in, n, &st);
	}
out:
	for (size_t i = 0; in && i < n; i++)
		free((void *)in[i].content);
	free(in);
	cJSON_Delete(j);
	yzf_buf_free(&r.body);
	yzf_buf_free(&body);
	return ec;
}

/* Bring in the other officers' records of the cases this feed works on. */
static int pull_feed(struct cli *c, struct conn *cn, const uint8_t feed[32],
		     int retries)
{
	int attempt = 0;
	char hex[65];
	struct resp r = { 0 };
	struct yzf_buf body = { 0 };
	struct yzf_pull_cursor cur = { 0 };
	int64_t stored = 0, held = 0, bad = 0;
	int ec = EXIT_OK;
	cli_hex(feed, YZF_KEY_LEN, hex);
	for (;;) {
		struct yzf_import_report rep;
		yzf_buf_reset(&body);
		int rc = yzf_sync_pull_body(c->y, feed, &cur, &body);
		if (rc) {
			ec = cli_fail(c, rc, "sync pull");
			break;
		}
		rc = signed_request(c, cn, feed, "POST", "/v1/pull",
				    "application/json", body.p, body.len, &r);
		if (rc == 1 && ++attempt <= retries) {
			backoff(attempt, "pull cut off");
			continue; /* the same cursor again: imports are idempotent */
		}
		if (rc == 1)
			fprintf(stderr, "yzf sync: pull cut off; the next sync "
				"resumes it\n");
		if (rc) {
			ec = rc == 1 ? EXIT_SYSTEM : cli_exit(rc);
			break;
		}
		attempt = 0;
		rc = yzf_sync_pull_answer(c->y, r.status, r.body.p, r.body.len,
					  &rep, &cur);
		if (rc) {
			ec = cli_fail(c, rc, "sync pull");
			break;
		}
		stored += rep.stored;
		held += rep.duplicates;
		bad += rep.quarantined;
		if (rep.quarantined)
			fprintf(stderr, "yzf sync: pulled records quarantined: "
				"%s\n", rep.first_problem);
		if (!cur.set)
			break;
	}
	if (ec == EXIT_OK)
		printf("feed %.16s: shared cases: %lld new records from other "
		       "officers, %lld already held%s\n", hex, (long long)stored,
		       (long long)held, bad ? ", some quarantined" : "");
	yzf_buf_free(&r.body);
	yzf_buf_free(&body);
	return ec ? ec : bad ? EXIT_VERIFY : EXIT_OK;
}

static int push_unpushed(struct cli *c, struct conn *cn,
			 const uint8_t feed[32], int retries, size_t *sent);

int cmd_sync(struct cli *c)
{
	const char *bs = cli_opt(c, "batch"), *rs = cli_opt(c, "retries");
	uint8_t feeds[YZF_MAX_OFFICERS][YZF_KEY_LEN];
	size_t n = 0;
	int ec = cli_open(c, false);
	if (ec)
		return ec;
	if (cli_opt(c, "feed") || cli_opt(c, "officer")) {
		if ((ec = cli_feed(c, feeds[0])))
			return ec;
		n = 1;
	} else {
		struct yzf_officer o[YZF_MAX_OFFICERS];
		size_t k;
		int rc = yzf_officers(c->y, o, YZF_MAX_OFFICERS, &k);
		if (rc)
			return cli_fail(c, rc, "sync");
		/* push for the logged-in; report on everyone enrolled */
		bool status = cli_flag(c, "status");
		for (size_t i = 0; i < k && i < YZF_MAX_OFFICERS; i++)
			if (o[i].session ||
			    (status && o[i].state == YZF_SLOT_ENROLLED))
				memcpy(feeds[n++], o[i].feed, YZF_KEY_LEN);
	}
	if (cli_flag(c, "status")) {
		for (size_t i = 0; i < n; i++) {
			int64_t local, acked;
			char hex[65];
			cli_hex(feeds[i], YZF_KEY_LEN, hex);
			int rc = yzf_sync_state(c->y, feeds[i], &local, &acked);
			if (rc)
				return cli_fail(c, rc, "sync --status");
			printf("feed %.16s: %lld records, %lld acknowledged by the "
			       "city, %lld waiting\n", hex, (long long)local,
			       (long long)acked, (long long)(local - acked));
		}
		return EXIT_OK;
	}
	struct city ct;
	if (!city_of(c, &ct, "sync"))
		return EXIT_USAGE;
	if (n == 0) {
		fprintf(stderr, "yzf sync: no officer is logged in\n");
		return EXIT_AUTH;
	}
	struct conn cn = { 0 };
	ec = conn_setup(&cn, ct.server, ct.ca, c->y);
	size_t batch = bs ? (size_t)atol(bs) : 500;
	int retries = rs ? atoi(rs) : 5;
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	if (ec == EXIT_OK)
		ec = check_city_log(c, &cn, feeds[0]);
	if (ec == EXIT_OK)
		ec = pull_revocations(c, &cn, feeds[0]);
	/* reference data refused does not hold the records back: its exit
	 * code is returned once everything else went through */
	int ref_ec = ec == EXIT_OK ? pull_refdata(c, &cn, feeds[0]) : EXIT_OK;
	for (size_t i = 0; i < n && ec == EXIT_OK; i++)
		ec = push_feed(c, &cn, feeds[i], batch ? batch : 500, retries);
	/* the evidence after the records that name it */
	if (ec == EXIT_OK)
		ec = push_unpushed(c, &cn, feeds[0], retries, NULL);
	for (size_t i = 0; i < n && ec == EXIT_OK && !cli_flag(c, "push-only"); i++)
		ec = pull_feed(c, &cn, feeds[i], retries);
	conn_free(&cn);
	return ec ? ec : ref_ec;
}

static void conn_free(struct conn *cn)
{
	conn_close(cn);
	mbedtls_ssl_session_free(&cn->saved);
	mbedtls_x509_crt_free(&cn->ca);
	mbedtls_ssl_config_free(&cn->conf);
	mbedtls_ctr_drbg_free(&cn->drbg);
	mbedtls_entropy_free(&cn->entropy);
}

/* A JSON answer's string member, or NULL; an error answer is printed. */
static cJSON *answer(struct resp *r, const char *what)
{
	cJSON *j = cJSON_ParseWithLengthOpts((const char *)r->body.p, r->body.len,
					     NULL, 0);
	if (r->status != 200 || !j) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");
		fprintf(stderr, "yzf enroll: %s refused (HTTP %d): %s\n", what,
			r->status, cJSON_IsString(m) ? m->valuestring
						     : "no JSON answer");
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

/* yzf enroll online: trust bundle, feed key, code, certificate, in one go
 * over the city's TLS (its CA given once, then kept in the home). */
int cmd_enroll_online(struct cli *c)
{
	const char *server = cli_opt(c, "server"), *ca = cli_opt(c, "ca"),
		   *code = cli_opt(c, "code"), *term = cli_opt(c, "terminal");
	struct conn cn = { 0 };
	struct resp r = { 0 };
	struct yzf_buf req = { 0 }, body = { 0 };
	struct yzf_config cfg;
	cJSON *j = NULL;
	char pin[128], path[4200], hex[65];
	size_t pl;
	uint8_t feed[YZF_KEY_LEN];
	int ec, rc;
	if (!server || !ca || !code) {
		fprintf(stderr, "yzf enroll online: --server https://HOST:PORT "
			"--ca FILE --code CODE [--terminal ID] (PIN on stdin)\n");
		return EXIT_USAGE;
	}
	if ((ec = cli_open(c, true)) || (ec = conn_setup(&cn, server, ca, c->y)))
		goto out;
	ec = EXIT_SYSTEM;
	if (conn_open(&cn))
		goto out;
	if (yzf_config_get(c->y, &cfg) == YZF_ESTATE) {
		/* a fresh terminal: the trust bundle comes over the pinned TLS */
		if (!term) {
			fprintf(stderr, "yzf enroll online: a new terminal needs "
				"--terminal ID\n");
			ec = EXIT_USAGE;
			goto out;
		}
		if (request(&cn, "GET", "/v1/trust", NULL, "application/json",
			    NULL, 0, &r) || !(j = answer(&r, "trust")))
			goto out;
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "trust");
		struct yzf_config nc = { 0 };
		snprintf(nc.terminal, sizeof nc.terminal, "%s", term);
		rc = cJSON_IsString(t) ? yzf_init(c->y, &nc, (uint8_t *)t->valuestring,
						   strlen(t->valuestring))
				       : YZF_EINVAL;
		cJSON_Delete(j);
		j = NULL;
		if (rc) {
			ec = cli_fail(c, rc, "enroll online: init");
			goto out;
		}
	}
	if (cli_read_pin("New PIN: ", pin, sizeof pin, &pl)) {
		fprintf(stderr, "yzf enroll online: no PIN given\n");
		ec = EXIT_USAGE;
		goto out;
	}
	rc = yzf_enroll_request(c->y, pin, pl, &req, feed);
	sodium_memzero(pin, sizeof pin);
	if (rc) {
		ec = cli_fail(c, rc, "enroll online");
		goto out;
	}
	yzf_buf_putc(&req, 0);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "code", code);
	cJSON_AddStringToObject(o, "request", (char *)req.p);
	char *txt = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (txt)
		yzf_buf_puts(&body, txt);
	free(txt);
	if (request(&cn, "POST", "/v1/enroll", NULL, "application/json", body.p,
		    body.len, &r) || !(j = answer(&r, "enrollment"))) {
		/* refused or cut: the pending key would block the next try */
		if (yzf_enroll_cancel(c->y, feed) == YZF_OK)
			fprintf(stderr, "yzf enroll: the new key was erased; "
				"try again with a valid code\n");
		ec = r.status == 403 || r.status == 401 ? EXIT_AUTH
		   : r.status == 400 ? EXIT_INPUT : EXIT_SYSTEM;
		goto out;
	}
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(j, "bundle");
	rc = cJSON_IsString(b) ? yzf_enroll_complete(c->y, (uint8_t *)b->valuestring,
						      strlen(b->valuestring), feed)
			       : YZF_EINVAL;
	if (rc) {
		ec = cli_fail(c, rc, "enroll online: certificate");
		goto out;
	}
	/* keep the city's address and CA for every later sync */
	char *pem;
	size_t pemlen;
	snprintf(path, sizeof path, "%s/city-ca.pem", c->home);
	if (cli_read_file(ca, &pem, &pemlen) == 0) {
		cli_write_file(path, pem, pemlen, 0644);
		free(pem);
	}
	snprintf(path, sizeof path, "%s/server", c->home);
	cli_write_file(path, server, strlen(server), 0644);
	cli_hex(feed, YZF_KEY_LEN, hex);
	printf("enrolled feed %s\n", hex);
	ec = EXIT_OK;
out:
	cJSON_Delete(j);
	conn_free(&cn);
	yzf_buf_free(&r.body);
	yzf_buf_free(&req);
	yzf_buf_free(&body);
	return ec;
}

/* The "have" and "complete" of a blob answer. */
static bool blob_state(const struct resp *r, uint64_t *have, bool *complete)
{
	cJSON *j = cJSON_ParseWithLengthOpts((const char *)r->body.p, r->body.len,
					     NULL, 0);
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(j, "have");
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "complete");
	bool ok = (r->status == 200 || r->status == 409) && cJSON_IsNumber(h);
	if (ok) {
		*have = (uint64_t)h->valuedouble;
		*complete = cJSON_IsTrue(c);
	} else {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");
		fprintf(stderr, "yzf blob: the city refused (HTTP %d): %s\n",
			r->status, cJSON_IsString(m) ? m->valuestring : "?");
	}
	cJSON_Delete(j);
	return ok;
}

/* What a blob upload reads from: a file, or an evidence blob the store
 * holds encrypted (read through its decryption, never written out). */
struct blob_src {
	FILE *f;
	struct yzf_blob_reader *r;
	uint64_t size;
	uint8_t hash[32];
	const char *name;
};

static int src_read(struct cli *c, struct blob_src *s, uint64_t off,
		    uint8_t *buf, size_t cap, size_t *n)
{
	if (s->f) {
		if (fseeko(s->f, (off_t)off, SEEK_SET))
			return EXIT_SYSTEM;
		*n = fread(buf, 1, cap, s->f);
		return ferror(s->f) ? EXIT_SYSTEM : EXIT_OK;
	}
	/* a blob may come in several messages: fill the chunk */
	size_t got = 0, k;
	int rc = YZF_OK;
	while (got < cap &&
	       (rc = yzf_blob_read_at(s->r, off + got, buf + got, cap - got,
				      &k)) == YZF_OK && k)
		got += k;
	*n = got;
	return rc ? cli_fail(c, rc, "blob") : EXIT_OK;
}

/* Upload one blob by its hash, resuming from what the city holds. */
static int blob_push(struct cli *c, struct conn *cn, const uint8_t feed[32],
		     struct blob_src *src, int retries)
{
	uint8_t *chunk = malloc(1 << 20);
	char hex[65], path[160];
	struct resp r = { 0 };
	uint64_t size = src->size, have = 0;
	bool complete = false;
	int ec = EXIT_OK, attempt = 0;
	size_t n;
	if (!chunk)
		return EXIT_SYSTEM;
	sodium_bin2hex(hex, sizeof hex, src->hash, sizeof src->hash);
	for (bool asked = false; !complete;) {
		int rc;
		if (!asked) {
			snprintf(path, sizeof path, "/v1/blobs/%s", hex);
			rc = signed_request(c, cn, feed, "GET", path,
					    "application/json", NULL, 0, &r);
			if (rc == 1)
				goto cut;
		} else {
			if ((ec = src_read(c, src, have, chunk, 1 << 20, &n)))
				break;
			snprintf(path, sizeof path, "/v1/blobs/%s/%llu/%llu", hex,
				 (unsigned long long)size, (unsigned long long)have);
			rc = signed_request(c, cn, feed, "POST", path,
					    "application/octet-stream", chunk, n,
					    &r);
			if (rc == 1)
				goto cut;
		}
		if (rc) {
			ec = cli_exit(rc);
			break;
		}
		if (!blob_state(&r, &have, &complete)) {
			ec = EXIT_VERIFY;
			break;
		}
		asked = true;
		attempt = 0;
		if (!isatty(STDOUT_FILENO) && complete)
			printf("blob %.16s: %llu bytes at the city\n", hex,
			       (unsigned long long)size);
		continue;
	cut:
		conn_close(cn);
		asked = false; /* ask again how much the city holds */
		if (++attempt > retries) {
			fprintf(stderr, "yzf blob: giving up; %llu of %llu bytes at "
				"the city\n", (unsigned long long)have,
				(unsigned long long)size);
			ec = EXIT_SYSTEM;
			break;
		}
		backoff(attempt, "connection lost");
	}
	if (!ec && !src->f && complete)
		ec = yzf_blob_mark_pushed(c->y, src->hash)
			     ? cli_fail(c, YZF_EIO, "blob") : EXIT_OK;
	sodium_memzero(chunk, 1 << 20);
	free(chunk);
	yzf_buf_free(&r.body);
	return ec;
}

/* A file's blob: its hash first, by reading it through. */
static int push_file(struct cli *c, struct conn *cn, const uint8_t feed[32],
		     const char *file, int retries)
{
	struct blob_src s = { .name = file };
	crypto_generichash_state st;
	uint8_t buf[65536];
	size_t n;
	if (!(s.f = fopen(file, "rb"))) {
		perror(file);
		return EXIT_NOTFOUND;
	}
	crypto_generichash_init(&st, NULL, 0, sizeof s.hash);
	while ((n = fread(buf, 1, sizeof buf, s.f)) > 0) {
		crypto_generichash_update(&st, buf, n);
		s.size += n;
	}
	crypto_generichash_final(&st, s.hash, sizeof s.hash);
	int ec = blob_push(c, cn, feed, &s, retries);
	fclose(s.f);
	return ec;
}

/* An evidence blob the store holds: its hash is its name. */
static int push_held(struct cli *c, struct conn *cn, const uint8_t feed[32],
		     const uint8_t hash[32], int retries)
{
	struct blob_src s = { .name = "evidence" };
	memcpy(s.hash, hash, 32);
	int rc = yzf_blob_open(c->y, hash, &s.r);
	if (rc)
		return cli_fail(c, rc, "blob push --evidence");
	s.size = yzf_blob_size(s.r);
	int ec = blob_push(c, cn, feed, &s, retries);
	yzf_blob_close(s.r);
	return ec;
}

/* Every evidence blob the city lacks, sent under the feed's signature;
 * *sent (may be NULL) counts them. */
static int push_unpushed(struct cli *c, struct conn *cn,
			 const uint8_t feed[32], int retries, size_t *sent)
{
	uint8_t (*todo)[32] = NULL;
	size_t n = 0, have = 0;
	int ec = EXIT_OK, rc = yzf_blob_unpushed(c->y, NULL, 0, &n);
	if (sent)
		*sent = 0;
	if (!rc && n && !(todo = calloc(n, sizeof *todo)))
		rc = YZF_ENOMEM;
	if (!rc && n)
		rc = yzf_blob_unpushed(c->y, todo, n, &have);
	if (rc) {
		free(todo);
		return cli_fail(c, rc, "evidence push");
	}
	for (size_t i = 0; i < have && i < n && ec == EXIT_OK; i++) {
		ec = push_held(c, cn, feed, todo[i], retries);
		if (ec == EXIT_OK && sent)
			(*sent)++;
	}
	free(todo);
	return ec;
}

int cmd_blob(struct cli *c)
{
	const char *sub = cli_arg(c, 0), *rs = cli_opt(c, "retries");
	bool evid = cli_flag(c, "evidence");
	struct city ct;
	uint8_t feed[YZF_KEY_LEN];
	struct conn cn = { 0 };
	if (!sub || strcmp(sub, "push") != 0 || (!cli_arg(c, 1) && !evid)) {
		fprintf(stderr, "yzf blob push FILE... | --evidence [HASH...] "
			"[--server URL --ca FILE] [--feed HEX|--officer NO]\n");
		return EXIT_USAGE;
	}
	int ec = cli_open(c, false);
	if (!ec)
		ec = cli_feed(c, feed);
	if (ec)
		return ec;
	/* evidence: the hashes named, else every blob the city lacks */
	uint8_t (*todo)[32] = NULL;
	size_t ntodo = 0;
	if (evid) {
		while (cli_arg(c, (int)ntodo + 1))
			ntodo++;
		if (ntodo) {
			todo = calloc(ntodo, sizeof *todo);
			for (size_t i = 0; todo && i < ntodo; i++) {
				const char *h = cli_arg(c, (int)i + 1);
				if (strlen(h) != 64 ||
				    sodium_hex2bin(todo[i], 32, h, 64, NULL, NULL,
						   NULL)) {
					fprintf(stderr, "yzf blob: %s: not a "
						"64-digit hash\n", h);
					free(todo);
					return EXIT_USAGE;
				}
			}
			if (!todo)
				return EXIT_SYSTEM;
		}
	}
	if (!city_of(c, &ct, "blob") ||
	    (ec = conn_setup(&cn, ct.server, ct.ca, c->y))) {
		free(todo);
		return ec ? ec : EXIT_USAGE;
	}
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	if (evid && !ntodo) {
		size_t sent;
		ec = push_unpushed(c, &cn, feed, rs ? atoi(rs) : 5, &sent);
		if (ec == EXIT_OK && !sent)
			printf("no evidence waits for the city\n");
	} else if (evid)
		for (size_t i = 0; i < ntodo && ec == EXIT_OK; i++)
			ec = push_held(c, &cn, feed, todo[i], rs ? atoi(rs) : 5);
	else
		for (int i = 1; cli_arg(c, i) && ec == EXIT_OK; i++)
			ec = push_file(c, &cn, feed, cli_arg(c, i),
				       rs ? atoi(rs) : 5);
	free(todo);
	conn_free(&cn);
	return ec;
}

/* yzf lease get|take|left --doc-type T: document numbers for offline use. */
int cmd_lease(struct cli *c)
{
	const char *sub = cli_arg(c, 0), *dt = cli_opt(c, "doc-type"),
		   *cs = cli_opt(c, "count");
	uint8_t feed[YZF_KEY_LEN];
	if (!sub || !dt) {
		fprintf(stderr, "yzf lease get|take|left --doc-type TYPE "
			"[--count N]\n");
		return EXIT_USAGE;
	}
	int ec = cli_open(c, false);
	if (!ec)
		ec = cli_feed(c, feed);
	if (ec)
		return ec;
	if (!strcmp(sub, "take")) {
		int year;
		int64_t n;
		int rc = yzf_lease_take(c->y, feed, dt, &year, &n);
		if (rc)
			return cli_fail(c, rc, "lease take");
		printf("%s %d %lld\n", dt, year, (long long)n);
		return EXIT_OK;
	}
	if (!strcmp(sub, "left")) {
		int64_t n;
		int rc = yzf_lease_left(c->y, feed, dt, &n);
		if (rc)
			return cli_fail(c, rc, "lease left");
		printf("%lld %s numbers left\n", (long long)n, dt);
		return EXIT_OK;
	}
	if (strcmp(sub, "get")) {
		fprintf(stderr, "yzf lease: get, take or left\n");
		return EXIT_USAGE;
	}
	char body[128];
	struct city ct;
	if (!city_of(c, &ct, "lease get"))
		return EXIT_USAGE;
	struct conn cn = { 0 };
	struct resp r = { 0 };
	int blen = snprintf(body, sizeof body, "{\"doc_type\":\"%.32s\","
			    "\"count\":%d}", dt, cs ? atoi(cs) : 50);
	int64_t first, last;
	int rc;
	if ((ec = conn_setup(&cn, ct.server, ct.ca, c->y)) == EXIT_OK) {
		rc = signed_request(c, &cn, feed, "POST", "/v1/lease",
				    "application/json", (uint8_t *)body,
				    (size_t)blen, &r);
		if (rc) {
			ec = rc == 1 ? EXIT_SYSTEM : cli_exit(rc);
		} else if ((rc = yzf_sync_lease_answer(c->y, feed, r.status,
							r.body.p, r.body.len,
							&first, &last))) {
			ec = cli_fail(c, rc, "lease");
		} else {
			printf("leased %s numbers %lld..%lld\n", dt,
			       (long long)first, (long long)last);
		}
	}
	conn_free(&cn);
	yzf_buf_free(&r.body);
	return ec;
}

/* tls.c — see tls.h. */
#include "tls.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h> /* error codes only */

#include "log.h"

/* ECDHE-ECDSA with AEAD only: forward secrecy and no CBC padding oracles.
 * Server order: AES-GCM first (AES-NI), CHACHA20 for clients without it. */
static const int suites[] = {
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	0,
};

static const mbedtls_ecp_group_id groups[] = {
	MBEDTLS_ECP_DP_CURVE25519,
	MBEDTLS_ECP_DP_SECP256R1,
	MBEDTLS_ECP_DP_NONE,
};

static const int sig_hashes[] = {
	MBEDTLS_MD_SHA256,
	MBEDTLS_MD_SHA384,
	MBEDTLS_MD_NONE,
};

static const char *alpn[] = { "http/1.1", NULL };

static int fail(char *err, size_t errlen, const char *what, int rc)
{
	char text[160];
	mbedtls_strerror(rc, text, sizeof text);
	snprintf(err, errlen, "%s: %s (-0x%04x)", what, text, (unsigned)-rc);
	return rc;
}

int syncd_tls_init(struct syncd_tls *t, const char *cert_path,
		   const char *key_path, char *err, size_t errlen)
{
	static const char pers[] = "yzf-syncd tls";
	char what[2200]; /* two paths and some words */
	int rc;

	mbedtls_entropy_init(&t->entropy);
	mbedtls_ctr_drbg_init(&t->drbg);
	mbedtls_ssl_config_init(&t->conf);
	mbedtls_ssl_cache_init(&t->cache);
	mbedtls_x509_crt_init(&t->cert);
	mbedtls_pk_init(&t->key);

	rc = mbedtls_ctr_drbg_seed(&t->drbg, mbedtls_entropy_func, &t->entropy,
				   (const unsigned char *)pers, sizeof pers - 1);
	if (rc)
		return fail(err, errlen, "seeding the DRBG", rc);
	snprintf(what, sizeof what, "tls_cert %s", cert_path);
	if ((rc = mbedtls_x509_crt_parse_file(&t->cert, cert_path)) != 0)
		return fail(err, errlen, what, rc < 0 ? rc :
			    MBEDTLS_ERR_X509_INVALID_FORMAT);
	snprintf(what, sizeof what, "tls_key %s", key_path);
	if ((rc = mbedtls_pk_parse_keyfile(&t->key, key_path, NULL)) != 0)
		return fail(err, errlen, what, rc);
	if (mbedtls_pk_get_type(&t->cert.pk) != MBEDTLS_PK_ECKEY ||
	    mbedtls_pk_get_type(&t->key) != MBEDTLS_PK_ECKEY) {
		snprintf(err, errlen, "tls_cert %s: not an ECDSA certificate "
			 "and key (ECDHE-ECDSA suites only)", cert_path);
		return MBEDTLS_ERR_PK_TYPE_MISMATCH;
	}
	snprintf(what, sizeof what, "tls_key %s does not match tls_cert %s",
		 key_path, cert_path);
	if ((rc = mbedtls_pk_check_pair(&t->cert.pk, &t->key)) != 0)
		return fail(err, errlen, what, rc);

	rc = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_SERVER,
					 MBEDTLS_SSL_TRANSPORT_STREAM,
					 MBEDTLS_SSL_PRESET_DEFAULT);
	if (rc)
		return fail(err, errlen, "TLS defaults", rc);
	mbedtls_ssl_conf_min_version(&t->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
				     MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_max_version(&t->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
				     MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_ciphersuites(&t->conf, suites);
	mbedtls_ssl_conf_curves(&t->conf, groups);
	mbedtls_ssl_conf_sig_hashes(&t->conf, sig_hashes);
	mbedtls_ssl_conf_renegotiation(&t->conf,
				       MBEDTLS_SSL_RENEGOTIATION_DISABLED);
	mbedtls_ssl_conf_legacy_renegotiation(&t->conf,
					      MBEDTLS_SSL_LEGACY_NO_RENEGOTIATION);
	/* No ticket callbacks are set, so the server never issues tickets;
	 * this also says so to anyone reading the configuration. */
	mbedtls_ssl_conf_session_tickets(&t->conf,
					 MBEDTLS_SSL_SESSION_TICKETS_DISABLED);
	mbedtls_ssl_conf_extended_master_secret(&t->conf,
						MBEDTLS_SSL_EXTENDED_MS_ENABLED);
	mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_NONE);
	mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &t->drbg);
	mbedtls_ssl_cache_set_max_entries(&t->cache, SYNCD_TLS_CACHE_ENTRIES);
	mbedtls_ssl_cache_set_timeout(&t->cache, SYNCD_TLS_CACHE_SECONDS);
	mbedtls_ssl_conf_session_cache(&t->conf, &t->cache,
				       mbedtls_ssl_cache_get,
				       mbedtls_ssl_cache_set);
	if ((rc = mbedtls_ssl_conf_alpn_protocols(&t->conf, alpn)) != 0)
		return fail(err, errlen, "ALPN", rc);
	if ((rc = mbedtls_ssl_conf_own_cert(&t->conf, &t->cert, &t->key)) != 0)
		return fail(err, errlen, "own certificate", rc);
	return 0;
}

void syncd_tls_finish(struct syncd_tls *t)
{
	mbedtls_ssl_config_free(&t->conf);
	mbedtls_ssl_cache_free(&t->cache);
	mbedtls_x509_crt_free(&t->cert);
	mbedtls_pk_free(&t->key); /* zeroizes the private key */
	mbedtls_ctr_drbg_free(&t->drbg);
	mbedtls_entropy_free(&t->entropy);
}

/* Wait until fd is ready for ev. Returns 0, or -1 with c->why set. */
static int wait_fd(struct syncd_tls_conn *c, short ev)
{
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = c->fd, .events = ev },
			{ .fd = c->stop_fd, .events = POLLIN },
			{ .fd = c->idle ? c->drain_fd : -1, .events = POLLIN },
		};
		int64_t left = c->deadline - syncd_mono_ms();
		if (left <= 0) {
			c->why = -ETIMEDOUT;
			return -1;
		}
		int n = poll(p, 3, left > 60000 ? 60000 : (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			c->why = -errno;
			return -1;
		}
		if (p[1].revents || p[2].revents) {
			c->why = -ECANCELED;
			return -1;
		}
		if (p[0].revents)
			return 0; /* errors and hang-ups show in recv/send */
	}
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct syncd_tls_conn *c = ctx;
	for (;;) {
		if (wait_fd(c, POLLIN))
			return MBEDTLS_ERR_SSL_TIMEOUT;
		ssize_t n = recv(c->fd, buf, len, MSG_DONTWAIT);
		if (n >= 0)
			return (int)n;
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			continue;
		c->why = -errno;
		return errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET :
					     MBEDTLS_ERR_NET_RECV_FAILED;
	}
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct syncd_tls_conn *c = ctx;
	for (;;) {
		if (wait_fd(c, POLLOUT))
			return MBEDTLS_ERR_SSL_TIMEOUT;
		ssize_t n = send(c->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n >= 0)
			return (int)n;
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			continue;
		c->why = -errno;
		return errno == EPIPE || errno == ECONNRESET ?
			MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_SEND_FAILED;
	}
}

int syncd_tls_conn_init(struct syncd_tls_conn *c, const struct syncd_tls *t,
			int fd, int stop_fd, int drain_fd)
{
	memset(c, 0, sizeof *c);
	mbedtls_ssl_init(&c->ssl);
	c->fd = fd;
	c->stop_fd = stop_fd;
	c->drain_fd = drain_fd;
	int rc = mbedtls_ssl_setup(&c->ssl, &t->conf);
	if (rc) {
		c->last = rc;
		c->broken = true;
		return rc;
	}
	mbedtls_ssl_set_bio(&c->ssl, c, bio_send, bio_recv, NULL);
	return 0;
}

void syncd_tls_conn_finish(struct syncd_tls_conn *c)
{
	mbedtls_ssl_free(&c->ssl);
}

/* Stepped by hand rather than mbedtls_ssl_handshake so we can see whether
 * the server sent its certificate: 2.28 has no public "was this resumed"
 * query, and an abbreviated (resumed) handshake goes from ServerHello
 * straight to ChangeCipherSpec. */
int syncd_tls_handshake(struct syncd_tls_conn *c, int64_t deadline,
			bool *resumed)
{
	bool sent_cert = false;
	c->deadline = deadline;
	c->idle = false;
	c->why = 0;
	while (c->ssl.state != MBEDTLS_SSL_HANDSHAKE_OVER) {
		if (c->ssl.state == MBEDTLS_SSL_SERVER_CERTIFICATE)
			sent_cert = true;
		int rc = mbedtls_ssl_handshake_step(&c->ssl);
		if (rc) {
			c->last = rc;
			c->broken = true;
			return rc;
		}
	}
	*resumed = !sent_cert;
	return 0;
}

/* One mapping from mbedTLS results to the -errno codes callers see. */
static int io_error(struct syncd_tls_conn *c, int rc)
{
	c->last = rc;
	c->broken = true;
	if (rc == MBEDTLS_ERR_SSL_TIMEOUT && c->why == -ECANCELED)
		return -ECANCELED;
	if (rc == MBEDTLS_ERR_SSL_TIMEOUT)
		return -ETIMEDOUT;
	return -EIO;
}

ssize_t syncd_tls_read(struct syncd_tls_conn *c, void *buf, size_t cap,
		       int64_t deadline, bool idle)
{
	c->deadline = deadline;
	c->idle = idle;
	c->why = 0;
	for (;;) {
		int rc = mbedtls_ssl_read(&c->ssl, buf, cap);
		if (rc > 0)
			return rc;
		if (rc == 0 || rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY ||
		    rc == MBEDTLS_ERR_SSL_CONN_EOF) {
			c->broken = rc != MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY;
			return 0;
		}
		if (rc == MBEDTLS_ERR_SSL_WANT_READ ||
		    rc == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		return io_error(c, rc);
	}
}

int syncd_tls_write(struct syncd_tls_conn *c, const void *buf, size_t n,
		    int64_t deadline)
{
	const unsigned char *p = buf;
	c->deadline = deadline;
	c->idle = false;
	c->why = 0;
	while (n > 0) {
		int rc = mbedtls_ssl_write(&c->ssl, p, n);
		if (rc == MBEDTLS_ERR_SSL_WANT_READ ||
		    rc == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (rc < 0)
			return io_error(c, rc);
		p += rc;
		n -= (size_t)rc;
	}
	return 0;
}

void syncd_tls_close(struct syncd_tls_conn *c, int64_t deadline)
{
	if (c->broken || c->ssl.state != MBEDTLS_SSL_HANDSHAKE_OVER)
		return;
	c->deadline = deadline;
	c->idle = false;
	(void)mbedtls_ssl_close_notify(&c->ssl);
}

const char *syncd_tls_strerror(const struct syncd_tls_conn *c, char *buf,
			       size_t cap)
{
	if (c->why == -ETIMEDOUT)
		snprintf(buf, cap, "timed out");
	else if (c->why == -ECANCELED)
		snprintf(buf, cap, "server stopping");
	else if (c->last == MBEDTLS_ERR_SSL_CONN_EOF)
		snprintf(buf, cap, "peer closed the connection");
	else if (c->why < 0)
		snprintf(buf, cap, "%s", strerror(-c->why));
	else {
		char text[160];
		mbedtls_strerror(c->last, text, sizeof text);
		snprintf(buf, cap, "%s (-0x%04x)", text, (unsigned)-c->last);
	}
	return buf;
}

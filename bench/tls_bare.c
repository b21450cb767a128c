/* The sync benchmark's TLS baseline and the pieces its clients share
 * (tls_bare.h). */
#include <errno.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tls_bare.h"

/* The daemon's TLS policy (syncd/net/tls.c), for both clients and the
 * bare server. */
const int suites[] = {
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	0,
};
const mbedtls_ecp_group_id groups[] = {
	MBEDTLS_ECP_DP_CURVE25519, MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_ECP_DP_NONE,
};
const int sig_hashes[] = {
	MBEDTLS_MD_SHA256, MBEDTLS_MD_SHA384, MBEDTLS_MD_NONE,
};
const char *alpn[] = { "http/1.1", NULL };

/* Socket I/O with poll(): mbedtls_net_recv_timeout uses select(), which
 * refuses descriptors above FD_SETSIZE (1,024) and so the held ones. */
int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	int fd = *(int *)ctx;
	for (;;) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n >= 0)
			return (int)n;
		if (errno == EINTR)
			continue;
		return errno == EPIPE || errno == ECONNRESET ?
			MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_SEND_FAILED;
	}
}

int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	int fd = *(int *)ctx;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, BIO_TIMEOUT_MS);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			return MBEDTLS_ERR_SSL_TIMEOUT;
		ssize_t n = recv(fd, buf, len, 0);
		if (n >= 0)
			return (int)n;
		if (errno == EINTR)
			continue;
		return errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET :
					     MBEDTLS_ERR_NET_RECV_FAILED;
	}
}

static void *bare_main(void *arg)
{
	struct bare *b = arg;
	while (!atomic_load(&b->stop)) {
		struct pollfd p = { .fd = b->lfd, .events = POLLIN };
		if (poll(&p, 1, 100) <= 0)
			continue;
		int fd = accept(b->lfd, NULL, NULL), one = 1, rc;
		if (fd < 0)
			continue;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		mbedtls_ssl_context ssl;
		mbedtls_ssl_init(&ssl);
		rc = mbedtls_ssl_setup(&ssl, &b->conf);
		mbedtls_ssl_set_bio(&ssl, &fd, bio_send, bio_recv, NULL);
		while (!rc && (rc = mbedtls_ssl_handshake(&ssl)) != 0)
			if (rc != MBEDTLS_ERR_SSL_WANT_READ &&
			    rc != MBEDTLS_ERR_SSL_WANT_WRITE)
				break;
		if (rc) {
			atomic_fetch_add(&b->failed, 1);
		} else {
			unsigned char buf[256];
			/* the client's close_notify, then ours, as the daemon */
			while ((rc = mbedtls_ssl_read(&ssl, buf, sizeof buf)) > 0 ||
			       rc == MBEDTLS_ERR_SSL_WANT_READ)
				;
			if (rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
				(void)mbedtls_ssl_close_notify(&ssl);
			atomic_fetch_add(&b->served, 1);
		}
		mbedtls_ssl_free(&ssl);
		close(fd);
	}
	return NULL;
}

int bare_start(const char *certfile, const char *keyfile,
	       mbedtls_ctr_drbg_context *drbg, struct bare *b)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof sa;
	char t[200];
	int rc, one = 1;
	memset(b, 0, sizeof *b);
	mbedtls_ssl_config_init(&b->conf);
	mbedtls_x509_crt_init(&b->cert);
	mbedtls_pk_init(&b->key);
	mbedtls_ssl_cache_init(&b->cache);
	if ((rc = mbedtls_x509_crt_parse_file(&b->cert, certfile)) ||
	    (rc = mbedtls_pk_parse_keyfile(&b->key, keyfile, NULL))) {
		mbedtls_strerror(rc, t, sizeof t);
		fprintf(stderr, "sync: bare server: %s / %s: %s\n", certfile,
			keyfile, t);
		return -1;
	}
	rc = mbedtls_ssl_config_defaults(&b->conf, MBEDTLS_SSL_IS_SERVER,
					 MBEDTLS_SSL_TRANSPORT_STREAM,
					 MBEDTLS_SSL_PRESET_DEFAULT);
	if (rc)
		return -1;
	/* syncd/net/tls.c's settings, one for one */
	mbedtls_ssl_conf_min_version(&b->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
				     MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_max_version(&b->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
				     MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_ciphersuites(&b->conf, suites);
	mbedtls_ssl_conf_curves(&b->conf, groups);
	mbedtls_ssl_conf_sig_hashes(&b->conf, sig_hashes);
	mbedtls_ssl_conf_renegotiation(&b->conf,
				       MBEDTLS_SSL_RENEGOTIATION_DISABLED);
	mbedtls_ssl_conf_legacy_renegotiation(&b->conf,
					      MBEDTLS_SSL_LEGACY_NO_RENEGOTIATION);
	mbedtls_ssl_conf_session_tickets(&b->conf,
					 MBEDTLS_SSL_SESSION_TICKETS_DISABLED);
	mbedtls_ssl_conf_extended_master_secret(&b->conf,
						MBEDTLS_SSL_EXTENDED_MS_ENABLED);
	mbedtls_ssl_conf_authmode(&b->conf, MBEDTLS_SSL_VERIFY_NONE);
	mbedtls_ssl_conf_rng(&b->conf, mbedtls_ctr_drbg_random, drbg);
	mbedtls_ssl_cache_set_max_entries(&b->cache, 1024);
	mbedtls_ssl_cache_set_timeout(&b->cache, 3600);
	mbedtls_ssl_conf_session_cache(&b->conf, &b->cache,
				       mbedtls_ssl_cache_get,
				       mbedtls_ssl_cache_set);
	if (mbedtls_ssl_conf_alpn_protocols(&b->conf, alpn) ||
	    mbedtls_ssl_conf_own_cert(&b->conf, &b->cert, &b->key))
		return -1;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	b->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (b->lfd < 0 ||
	    setsockopt(b->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
	    bind(b->lfd, (struct sockaddr *)&sa, sizeof sa) ||
	    listen(b->lfd, 128) ||
	    getsockname(b->lfd, (struct sockaddr *)&sa, &sl)) {
		perror("sync: bare server socket");
		return -1;
	}
	b->port = ntohs(sa.sin_port);
	return pthread_create(&b->th, NULL, bare_main, b) ? -1 : 0;
}

void bare_stop(struct bare *b)
{
	atomic_store(&b->stop, true);
	pthread_join(b->th, NULL);
	close(b->lfd);
	mbedtls_ssl_config_free(&b->conf);
	mbedtls_ssl_cache_free(&b->cache);
	mbedtls_x509_crt_free(&b->cert);
	mbedtls_pk_free(&b->key);
}


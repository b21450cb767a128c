/* tls_bare.h — the sync benchmark's TLS pieces shared by its clients and
 * its baseline: the daemon's TLS policy (syncd/net/tls.c, one for one),
 * socket I/O for mbedTLS over poll(), and the bare server the daemon's
 * handshakes are measured against. */
#ifndef YZF_BENCH_TLS_BARE_H
#define YZF_BENCH_TLS_BARE_H

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_cache.h>
#include <mbedtls/x509_crt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#define BIO_TIMEOUT_MS 60000 /* any single read or write */

extern const int suites[];
extern const mbedtls_ecp_group_id groups[];
extern const int sig_hashes[];
extern const char *alpn[];

/* mbedTLS bio callbacks on a socket; ctx points to the int descriptor. */
int bio_send(void *ctx, const unsigned char *buf, size_t len);
int bio_recv(void *ctx, unsigned char *buf, size_t len);

/* The bare server: one thread, a connection at a time, the daemon's
 * certificate, key and TLS settings, a handshake and nothing else, on a
 * free loopback port (b->port). */
struct bare {
	int lfd;
	long port;
	mbedtls_ssl_config conf;
	mbedtls_x509_crt cert;
	mbedtls_pk_context key;
	mbedtls_ssl_cache_context cache;
	pthread_t th;
	atomic_bool stop;
	atomic_long served, failed;
};
int bare_start(const char *certfile, const char *keyfile,
	       mbedtls_ctr_drbg_context *drbg, struct bare *b);
void bare_stop(struct bare *b);

#endif

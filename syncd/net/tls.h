/* tls.h — yzf-syncd's TLS server (mbedTLS 2.28).
 *
 * One struct syncd_tls per process holds the configuration every
 * connection shares: TLS 1.2 exactly (1.0 and 1.1 refused; 2.28 has no
 * 1.3), ECDHE-ECDSA with AEAD only (AES-128-GCM, AES-256-GCM,
 * CHACHA20-POLY1305), groups X25519 and P-256, no renegotiation, no session
 * tickets, resumption through a server-side session cache, ALPN http/1.1,
 * a CTR-DRBG seeded from the entropy collector. The certificate must carry
 * an ECDSA key (the only suites allowed need one) matching the key file.
 * After syncd_tls_init it is only read, so connection threads share it;
 * the DRBG and the session cache lock themselves (MBEDTLS_THREADING_C,
 * which Debian's build enables).
 *
 * A struct syncd_tls_conn is one connection, used by one thread. Its I/O
 * is blocking with deadlines: every read and write waits in poll() until
 * the socket is ready, the deadline (CLOCK_MONOTONIC ms) passes, or the
 * server's stop descriptor (and, while the connection is idle, its drain
 * descriptor) becomes readable. A slow client therefore holds a thread no
 * longer than the deadline the caller chose.
 */
#ifndef YZF_SYNCD_TLS_H
#define YZF_SYNCD_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_cache.h>
#include <mbedtls/x509_crt.h>

#ifndef SYNCD_TLS_CACHE_ENTRIES
#define SYNCD_TLS_CACHE_ENTRIES 1024
#endif
#ifndef SYNCD_TLS_CACHE_SECONDS
#define SYNCD_TLS_CACHE_SECONDS 3600
#endif

struct syncd_tls {
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_ssl_config conf;
	mbedtls_ssl_cache_context cache;
	mbedtls_x509_crt cert;
	mbedtls_pk_context key;
};

/* Load cert_path (PEM chain) and key_path (PEM private key) and build the
 * configuration. Returns 0, or a negative code with a message naming the
 * file and the mbedTLS error in err. Call syncd_tls_finish either way. */
int syncd_tls_init(struct syncd_tls *t, const char *cert_path,
		   const char *key_path, char *err, size_t errlen);
/* Free everything, wiping the key. Safe on a zeroed or failed struct. */
void syncd_tls_finish(struct syncd_tls *t);

struct syncd_tls_conn {
	mbedtls_ssl_context ssl;
	int fd;            /* the accepted socket; not closed here */
	int stop_fd;       /* readable: cut every wait short */
	int drain_fd;      /* readable: cut idle waits short */
	int64_t deadline;  /* of the operation in progress */
	bool idle;         /* the wait may end on drain_fd */
	bool broken;       /* no close_notify: the stream is unusable */
	int why;           /* -ETIMEDOUT, -ECANCELED or -errno of the socket */
	int last;          /* last mbedTLS error, for syncd_tls_strerror */
};

/* Set up c for the socket fd. Returns 0 or a negative mbedTLS code; call
 * syncd_tls_conn_finish either way. */
int syncd_tls_conn_init(struct syncd_tls_conn *c, const struct syncd_tls *t,
			int fd, int stop_fd, int drain_fd);
void syncd_tls_conn_finish(struct syncd_tls_conn *c);

/* Run the handshake until deadline. Returns 0 and sets *resumed (an
 * abbreviated handshake from the session cache), or a negative code; then
 * syncd_tls_strerror says why. */
int syncd_tls_handshake(struct syncd_tls_conn *c, int64_t deadline,
			bool *resumed);

/* Read up to cap bytes of application data. Returns the count, 0 at the
 * end of the stream (close_notify or EOF), or -ETIMEDOUT (deadline),
 * -ECANCELED (server stopping, or draining while idle), -EIO (TLS or
 * socket error: see syncd_tls_strerror). */
ssize_t syncd_tls_read(struct syncd_tls_conn *c, void *buf, size_t cap,
		       int64_t deadline, bool idle);
/* Write all n bytes before deadline. Returns 0 or a code as for read. */
int syncd_tls_write(struct syncd_tls_conn *c, const void *buf, size_t n,
		    int64_t deadline);
/* Send close_notify, waiting at most until deadline; skipped when the
 * connection broke. */
void syncd_tls_close(struct syncd_tls_conn *c, int64_t deadline);

/* Text for the last failure on c ("timed out", an mbedTLS message). */
const char *syncd_tls_strerror(const struct syncd_tls_conn *c, char *buf,
			       size_t cap);

#endif

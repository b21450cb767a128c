/* pki.h — TLS material for a fresh yzf-syncd deployment (`yzf-syncd init`).
 *
 * Makes, with mbedTLS:
 *   ca.crt      a city TLS CA: ECDSA P-256, self-signed, CA:true with
 *               pathlen 0, keyCertSign; terminals trust exactly this file
 *   server.crt  the server certificate: ECDSA P-256, CN=localhost,
 *               SAN DNS:localhost, IP:127.0.0.1 and any extra names
 *               given, serverAuth, signed by the CA
 *   server.key  its private key (PEM, mode 0600)
 *
 * The CA's private key is wiped as soon as it has signed: it is good for
 * this one server certificate, so there is no CA key on the server to
 * steal. New names or a new server key mean a new `init` (and a new
 * ca.crt for the terminals). Both certificates are valid from an hour ago
 * for SYNCD_PKI_DAYS days.
 *
 * This TLS CA has nothing to do with the city's record-signing keys, which
 * `yzf authority init` makes and the daemon reads from authority_dir.
 */
#ifndef YZF_SYNCD_PKI_H
#define YZF_SYNCD_PKI_H

#include <stddef.h>

#ifndef SYNCD_PKI_DAYS
#define SYNCD_PKI_DAYS 3650
#endif
#define SYNCD_PKI_MAX_NAMES 16 /* extra subjectAltNames */

/* Write ca.crt, server.crt and server.key into dir (created with mode
 * 0700 if missing). names[0..n) are extra subjectAltNames: IPv4 or IPv6
 * literals become IP entries, anything else a DNS entry. Refuses
 * (-EEXIST) if any of the three files exists; on any failure removes
 * what it wrote. Returns 0 or a negative code with a message in err. */
int syncd_pki_init(const char *dir, const char *const *names, size_t n,
		   char *err, size_t errlen);

#endif

/* pki.c — see pki.h. */
#include "pki.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/asn1write.h>
#include <mbedtls/bignum.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/x509_crt.h>

#define PEM_CAP 4096

static const char *const files[] = { "ca.crt", "server.crt", "server.key" };

struct pki {
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_pk_context ca, srv;
	char ca_name[64];
	unsigned char ca_pem[PEM_CAP], srv_pem[PEM_CAP], key_pem[PEM_CAP];
	char *err;
	size_t errlen;
};

static int tls_fail(struct pki *k, const char *what, int rc)
{
	char text[128];
	mbedtls_strerror(rc, text, sizeof text);
	snprintf(k->err, k->errlen, "%s: %s", what, text);
	return -EIO;
}

static int gen_key(struct pki *k, mbedtls_pk_context *pk)
{
	int rc = mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
	if (!rc)
		rc = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*pk),
					 mbedtls_ctr_drbg_random, &k->drbg);
	return rc ? tls_fail(k, "making a P-256 key", rc) : 0;
}

/* X.509 times as mbedTLS wants them, "YYYYMMDDhhmmss" in UTC. */
static void x509_time(time_t t, char out[32])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, 32, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* subjectAltName: localhost, 127.0.0.1, then the extra names, encoded
 * back to front as mbedTLS's ASN.1 writer works. mbedTLS 2.28 has no
 * writer for this extension. */
static int san_der(const char *const *names, size_t n, unsigned char *buf,
		   size_t cap, unsigned char **out, size_t *outlen)
{
	unsigned char *p = buf + cap;
	size_t len = 0;
	int ret;

	for (size_t i = n + 2; i-- > 0;) {
		const char *name = i == 0 ? "localhost" : i == 1 ? "127.0.0.1" :
			names[i - 2];
		unsigned char ip[16];
		size_t dlen;
		const unsigned char *data;
		unsigned char tag;
		if (inet_pton(AF_INET, name, ip) == 1) {
			data = ip, dlen = 4;
			tag = MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7;
		} else if (inet_pton(AF_INET6, name, ip) == 1) {
			data = ip, dlen = 16;
			tag = MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7;
		} else {
			dlen = strlen(name);
			if (!dlen || dlen > 253 || strspn(name, "abcdefghijklmn"
			    "opqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			    ".-*") != dlen)
				return MBEDTLS_ERR_X509_BAD_INPUT_DATA;
			data = (const unsigned char *)name;
			tag = MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2;
		}
		MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_raw_buffer(&p, buf,
								     data, dlen));
		MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_len(&p, buf, dlen));
		MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_tag(&p, buf, tag));
	}
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_len(&p, buf, len));
	MBEDTLS_ASN1_CHK_ADD(len, mbedtls_asn1_write_tag(&p, buf,
			     MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE));
	*out = p;
	*outlen = len;
	return 0;
}

/* Sign one certificate for subject's key with issuer's. is_ca selects the
 * CA profile; otherwise the server profile with its names. */
static int make_cert(struct pki *k, mbedtls_pk_context *subject,
		     const char *subject_name, bool is_ca,
		     const char *const *names, size_t n, unsigned char *pem)
{
	/* extKeyUsage = SEQUENCE { id-kp-serverAuth } */
	static const unsigned char eku[] = { 0x30, 0x0a, 0x06, 0x08, 0x2b,
		0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01 };
	mbedtls_x509write_cert w;
	mbedtls_mpi serial;
	unsigned char rnd[16], san[4096], *sp;
	char from[32], to[32];
	size_t slen;
	time_t now = time(NULL);
	int rc;

	mbedtls_x509write_crt_init(&w);
	mbedtls_mpi_init(&serial);
	x509_time(now - 3600, from);
	x509_time(now + (time_t)SYNCD_PKI_DAYS * 86400, to);
	rc = mbedtls_ctr_drbg_random(&k->drbg, rnd, sizeof rnd);
	rnd[0] = (unsigned char)((rnd[0] & 0x7f) | 0x01); /* positive, 16 bytes */
	if (!rc)
		rc = mbedtls_mpi_read_binary(&serial, rnd, sizeof rnd);
	mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&w, subject);
	mbedtls_x509write_crt_set_issuer_key(&w, &k->ca);
	if (!rc)
		rc = mbedtls_x509write_crt_set_serial(&w, &serial);
	if (!rc)
		rc = mbedtls_x509write_crt_set_validity(&w, from, to);
	if (!rc)
		rc = mbedtls_x509write_crt_set_subject_name(&w, subject_name);
	if (!rc)
		rc = mbedtls_x509write_crt_set_issuer_name(&w, k->ca_name);
	if (!rc)
		rc = mbedtls_x509write_crt_set_basic_constraints(&w, is_ca,
								 is_ca ? 0 : -1);
	if (!rc)
		rc = mbedtls_x509write_crt_set_subject_key_identifier(&w);
	if (!rc)
		rc = mbedtls_x509write_crt_set_authority_key_identifier(&w);
	if (!rc)
		rc = mbedtls_x509write_crt_set_key_usage(&w, is_ca ?
			MBEDTLS_X509_KU_KEY_CERT_SIGN | MBEDTLS_X509_KU_CRL_SIGN :
			MBEDTLS_X509_KU_DIGITAL_SIGNATURE);
	if (!rc && !is_ca)
		rc = mbedtls_x509write_crt_set_extension(&w,
			MBEDTLS_OID_EXTENDED_KEY_USAGE,
			MBEDTLS_OID_SIZE(MBEDTLS_OID_EXTENDED_KEY_USAGE), 0,
			eku, sizeof eku);
	if (!rc && !is_ca && (rc = san_der(names, n, san, sizeof san, &sp,
					   &slen)) == 0)
		rc = mbedtls_x509write_crt_set_extension(&w,
			MBEDTLS_OID_SUBJECT_ALT_NAME,
			MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), 0,
			sp, slen);
	if (!rc)
		rc = mbedtls_x509write_crt_pem(&w, pem, PEM_CAP,
					       mbedtls_ctr_drbg_random, &k->drbg);
	mbedtls_x509write_crt_free(&w);
	mbedtls_mpi_free(&serial);
	if (rc == MBEDTLS_ERR_X509_BAD_INPUT_DATA && !is_ca) {
		snprintf(k->err, k->errlen, "--san: a name is neither an IP "
			 "address nor a DNS name");
		return -EINVAL;
	}
	return rc ? tls_fail(k, is_ca ? "signing ca.crt" :
			     "signing server.crt", rc) : 0;
}

/* O_EXCL: a file that appeared since the check is not overwritten. */
static int write_new(const char *dir, const char *name, const void *p,
		     size_t n, mode_t mode, char *err, size_t errlen)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	int rc = fd < 0 ? -errno : 0;
	for (size_t off = 0; !rc && off < n;) {
		ssize_t w = write(fd, (const char *)p + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			rc = w < 0 ? -errno : -EIO;
		else
			off += (size_t)w;
	}
	if (!rc && fsync(fd))
		rc = -errno;
	if (fd >= 0 && close(fd) && !rc)
		rc = -errno;
	if (rc && fd >= 0)
		unlink(path); /* ours, half written */
	if (rc)
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
	return rc;
}

static int prepare_dir(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	char path[4200];
	if (mkdir(dir, 0700) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -errno;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", dir);
		return -ENOTDIR;
	}
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		if (lstat(path, &st) == 0 || errno != ENOENT) {
			snprintf(err, errlen, "%s exists: refusing to replace "
				 "a deployment's TLS material", path);
			return -EEXIST;
		}
	}
	return 0;
}

int syncd_pki_init(const char *dir, const char *const *names, size_t n,
		   char *err, size_t errlen)
{
	static const char pers[] = "yzf-syncd init";
	struct pki *k = NULL;
	unsigned char id[4];
	int rc, written = 0;

	if (n > SYNCD_PKI_MAX_NAMES) {
		snprintf(err, errlen, "at most %d --san names",
			 SYNCD_PKI_MAX_NAMES);
		return -EINVAL;
	}
	if ((rc = prepare_dir(dir, err, errlen)) != 0)
		return rc;
	/* on the heap: three PEM buffers would crowd a small stack */
	if (!(k = calloc(1, sizeof *k)))
		return -ENOMEM;
	k->err = err;
	k->errlen = errlen;
	mbedtls_entropy_init(&k->entropy);
	mbedtls_ctr_drbg_init(&k->drbg);
	mbedtls_pk_init(&k->ca);
	mbedtls_pk_init(&k->srv);
	rc = mbedtls_ctr_drbg_seed(&k->drbg, mbedtls_entropy_func, &k->entropy,
				   (const unsigned char *)pers, sizeof pers - 1);
	if (rc) {
		rc = tls_fail(k, "seeding the DRBG", rc);
		goto out;
	}
	if ((rc = gen_key(k, &k->ca)) || (rc = gen_key(k, &k->srv)))
		goto out;
	if ((rc = mbedtls_ctr_drbg_random(&k->drbg, id, sizeof id)) != 0) {
		rc = tls_fail(k, "random", rc);
		goto out;
	}
	/* a name of its own per deployment, so two cities' CAs differ */
	snprintf(k->ca_name, sizeof k->ca_name,
		 "CN=yzf-syncd TLS CA %02x%02x%02x%02x,O=yzf", id[0], id[1],
		 id[2], id[3]);
	if ((rc = make_cert(k, &k->ca, k->ca_name, true, NULL, 0,
			    k->ca_pem)) ||
	    (rc = make_cert(k, &k->srv, "CN=localhost,O=yzf", false, names, n,
			    k->srv_pem)))
		goto out;
	mbedtls_pk_free(&k->ca); /* the CA key signs nothing else */
	if ((rc = mbedtls_pk_write_key_pem(&k->srv, k->key_pem, PEM_CAP)) != 0) {
		rc = tls_fail(k, "writing server.key", rc);
		goto out;
	}
	const unsigned char *pems[] = { k->ca_pem, k->srv_pem, k->key_pem };
	for (; written < 3; written++)
		if ((rc = write_new(dir, files[written], pems[written],
				    strlen((const char *)pems[written]),
				    written == 2 ? 0600 : 0644, err, errlen)))
			goto out;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd); /* the new names survive a crash too */
		close(dfd);
	}
out:
	if (rc) {
		char path[4200];
		for (int i = 0; i < written; i++) {
			snprintf(path, sizeof path, "%s/%s", dir, files[i]);
			unlink(path);
		}
	}
	mbedtls_pk_free(&k->ca);
	mbedtls_pk_free(&k->srv);
	mbedtls_ctr_drbg_free(&k->drbg);
	mbedtls_entropy_free(&k->entropy);
	mbedtls_platform_zeroize(k, sizeof *k);
	free(k);
	return rc;
}

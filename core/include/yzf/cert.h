/* yzf/cert.h — certificates: province root -> city issuing key -> feeds.
 *
 * A certificate is canonical JSON (schemas/cert.md), signed like a record
 * with Ed25519 over "yzf-cert-v1\0" || bytes by its issuer:
 *   {"v":1,"kind":"root"|"city"|"feed","serial":HEX32,"issuer":HEX64,
 *    "key":HEX64,"subject":{...},"not_before":TIME,"not_after":TIME}
 * The root is self-signed (issuer == key). A city certificate's subject
 * carries the city's X25519 sealing key, to which terminals seal their data
 * keys. A feed certificate binds a terminal-made feed key to an officer
 * (name, 执法证号), an agency (name, 统一社会信用代码), a terminal and roles.
 * On disk and on the wire a certificate travels as one line
 *   {"cert":<certificate bytes>,"sig":HEX128}
 * and a bundle is such lines separated by '\n' (root, city, feed).
 *
 * Nothing here allocates except functions appending to a caller yzf_buf.
 */
#ifndef YZF_CERT_H
#define YZF_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "canon.h"
#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

enum yzf_cert_kind { YZF_CERT_ROOT = 1, YZF_CERT_CITY = 2, YZF_CERT_FEED = 3 };

enum yzf_role {
	YZF_ROLE_OFFICER = 1,  /* 执法人员: field steps */
	YZF_ROLE_REVIEWER = 2, /* 法制审核人员 */
	YZF_ROLE_HEAD = 4,     /* 执法主体负责人: approvals */
};

#define YZF_SERIAL_LEN 16

struct yzf_cert {
	int kind;                      /* enum yzf_cert_kind */
	uint8_t serial[YZF_SERIAL_LEN];
	uint8_t issuer[YZF_KEY_LEN];   /* issuer's Ed25519 public key */
	uint8_t key[YZF_KEY_LEN];      /* subject's Ed25519 public key */
	int64_t not_before, not_after; /* validity, ms since epoch UTC */
	int32_t tz;                    /* zone the times are written in */
	/* root and city: the authority's name; feed: the officer's name */
	char name[97];
	/* city only */
	char region[7];                /* 6-digit administrative code */
	uint8_t seal[32];              /* X25519 public key for sealed boxes */
	/* feed only */
	char officer_no[33];           /* 执法证号 */
	char agency[129];              /* agency name */
	char uscc[19];                 /* 统一社会信用代码 of the agency */
	char terminal[65];             /* terminal id, [A-Za-z0-9._-]{1,64} */
	uint32_t roles;                /* enum yzf_role bits, at least one */
};

/* A certificate with its signed bytes (pointing into the parsed line). */
struct yzf_signed_cert {
	struct yzf_cert c;
	const uint8_t *bytes;
	size_t len;
	uint8_t sig[YZF_SIG_LEN];
};

#define YZF_CERT_DOMAIN "yzf-cert-v1"

/* Append the canonical bytes of c. YZF_EINVAL names nothing: check fields
 * with yzf_cert_check first for a message. */
YZF_API int yzf_cert_encode(const struct yzf_cert *c, struct yzf_buf *out);
/* Check every field of c for its kind; on failure writes which field. */
YZF_API int yzf_cert_check(const struct yzf_cert *c, char *msg, size_t cap);
/* Encode c, sign with the issuer's secret key and append the line. */
YZF_API int yzf_cert_sign_line(const struct yzf_cert *c,
			       const uint8_t issuer_sk[64], struct yzf_buf *out);
/* Parse canonical certificate bytes. YZF_ENONCANON with err on failure. */
YZF_API YZF_NODISCARD int yzf_cert_parse(const uint8_t *buf, size_t len,
					 struct yzf_cert *c,
					 struct yzf_canon_err *err);
/* Parse one line {"cert":...,"sig":...} (without its newline) into sc.
 * Does not verify the signature (the issuer may not be known yet). */
YZF_API YZF_NODISCARD int yzf_cert_unline(const uint8_t *line, size_t len,
					  struct yzf_signed_cert *sc,
					  struct yzf_canon_err *err);
/* Whether sc's signature verifies under issuer_pk. */
YZF_API YZF_NODISCARD bool yzf_cert_sig_ok(const struct yzf_signed_cert *sc,
					   const uint8_t issuer_pk[YZF_KEY_LEN]);
/* Check a chain: root self-signed and of kind root; city issued by root;
 * feed (may be NULL) issued by city; kinds right. YZF_ECERT with msg naming
 * the certificate and rule. Validity windows are judged per record, not
 * here (a record made while a certificate was valid stays valid). */
YZF_API YZF_NODISCARD int yzf_cert_chain_ok(const struct yzf_signed_cert *root,
					    const struct yzf_signed_cert *city,
					    const struct yzf_signed_cert *feed,
					    char *msg, size_t cap);
/* Whether time ms falls inside [not_before, not_after]. */
YZF_API bool yzf_cert_covers(const struct yzf_cert *c, int64_t ms);

/* A revocation: the city withdraws a feed certificate from a moment on
 * (records made before it stay valid). One line
 *   {"rev":{"v":1,"serial":HEX32,"at":TIME,"reason":TEXT},"sig":HEX128}
 * signed by the city issuing key ("yzf-rev-v1"). Terminals apply them with
 * the reference data of a later issue; the format is fixed here. */
struct yzf_revocation {
	uint8_t serial[YZF_SERIAL_LEN];
	int64_t at_ms;
	int32_t tz;
	char reason[201];
};
YZF_API int yzf_revocation_sign_line(const struct yzf_revocation *r,
				     const uint8_t city_sk[64],
				     struct yzf_buf *out);
/* Parse a revocation line and check it is signed by city_pk. */
YZF_API YZF_NODISCARD int yzf_revocation_parse(const uint8_t *line,
					       size_t len,
					       const uint8_t city_pk[YZF_KEY_LEN],
					       struct yzf_revocation *r,
					       struct yzf_canon_err *err);

/* "root", "city", "feed"; role names "officer", "reviewer", "head". */
YZF_API const char *yzf_cert_kind_name(int kind);
YZF_API const char *yzf_role_name(uint32_t role);
/* Role bits of a comma-separated list ("officer,reviewer"); 0 if any
 * name is unknown or the list is empty. */
YZF_API uint32_t yzf_roles_parse(const char *list);

#ifdef __cplusplus
}
#endif
#endif

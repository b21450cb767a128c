/* yzf/roster.h — who may sign, as an offline verifier knows it.
 *
 * A roster is a text file of lines, '\n' after each:
 *   the root certificate line, the city certificate line (a trust bundle,
 *   schemas/cert.md), then any number of feed certificate lines issued by
 *   the city and revocation lines signed by it, and last one set header
 *   (yzf/refset.h) named "roster", signed by the city, whose hash and size
 *   are those of every byte before it.
 * The header's time is when the city vouched for the list: a verifier
 * reports the roster's age from it, since a revocation made later cannot
 * be in it. `yzf authority roster` writes one.
 *
 * The struct is large (YZF_MAX_ROSTER certificates); the caller owns it
 * (heap or static) and nothing here allocates. Parsed certificates copy
 * their fields; they do not point into the text.
 */
#ifndef YZF_ROSTER_H
#define YZF_ROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cert.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef YZF_MAX_ROSTER
#define YZF_MAX_ROSTER 1024 /* feed certificates in one roster */
#endif
#ifndef YZF_MAX_ROSTER_REVS
#define YZF_MAX_ROSTER_REVS 1024 /* revocations in one roster */
#endif

struct yzf_roster {
	struct yzf_cert root, city;
	int64_t at_ms;                  /* when the city signed the roster */
	int32_t tz;
	int64_t version;                /* the roster header's version */
	size_t ncerts;
	struct yzf_cert certs[YZF_MAX_ROSTER];
	size_t nrevs;
	struct yzf_revocation revs[YZF_MAX_ROSTER_REVS];
};

/* Parse and check a roster. root_pk (may be NULL) pins the root key the
 * verifier trusts; NULL accepts the roster's own self-signed root, which
 * proves only that the file is whole. YZF_EBADSIG (a line not signed by
 * its issuer, or a root other than the pinned one), YZF_ENONCANON (a
 * damaged line), YZF_ECORRUPT (the header's hash or size does not match),
 * YZF_ERANGE (too many lines); msg (cap bytes) names the line. */
YZF_API YZF_NODISCARD int yzf_roster_parse(const uint8_t *text, size_t len,
					   const uint8_t *root_pk,
					   struct yzf_roster *r, char *msg,
					   size_t cap);

/* The earliest revocation of certificate serial, or false if none. */
YZF_API bool yzf_roster_revoked(const struct yzf_roster *r,
				const uint8_t serial[YZF_SERIAL_LEN],
				int64_t *at_ms);

#ifdef __cplusplus
}
#endif
#endif

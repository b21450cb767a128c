/* roster.c — an offline verifier's list of signers (yzf/roster.h). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "yzf/refset.h"
#include "yzf/roster.h"

/* One line at a time; the header line must be the last, and everything
 * before it is what its hash covers, so a line added or dropped after the
 * city signed is caught. */
int yzf_roster_parse(const uint8_t *text, size_t len, const uint8_t *root_pk,
		     struct yzf_roster *r, char *msg, size_t cap)
{
	struct yzf_signed_cert sc;
	struct yzf_canon_err e = { 0, NULL };
	size_t off = 0, lineno = 0;
	bool have_city = false, have_root = false, have_header = false;
	memset(r, 0, sizeof *r);
	if (cap)
		msg[0] = '\0';
	while (off < len) {
		const uint8_t *l = text + off, *nl = memchr(l, '\n', len - off);
		size_t n = nl ? (size_t)(nl - l) : len - off;
		size_t next = off + n + (nl ? 1 : 0);
		lineno++;
		if (have_header) {
			snprintf(msg, cap, "line %zu: after the roster header",
				 lineno);
			return YZF_ENONCANON;
		}
		if (!have_root || !have_city) {
			if (yzf_cert_unline(l, n, &sc, &e)) {
				snprintf(msg, cap, "line %zu: not a certificate "
					 "(%s)", lineno, e.why ? e.why : "?");
				return YZF_ENONCANON;
			}
			if (!have_root) {
				if (sc.c.kind != YZF_CERT_ROOT ||
				    !yzf_cert_sig_ok(&sc, sc.c.key) ||
				    (root_pk && memcmp(root_pk, sc.c.key,
						       YZF_KEY_LEN))) {
					snprintf(msg, cap, "line 1: not the "
						 "pinned province root");
					return YZF_EBADSIG;
				}
				r->root = sc.c;
				have_root = true;
			} else {
				if (sc.c.kind != YZF_CERT_CITY ||
				    !yzf_cert_sig_ok(&sc, r->root.key)) {
					snprintf(msg, cap, "line 2: not a city "
						 "certificate signed by the root");
					return YZF_EBADSIG;
				}
				r->city = sc.c;
				have_city = true;
			}
		} else if (n > 8 && !memcmp(l, "{\"cert\":", 8)) {
			if (yzf_cert_unline(l, n, &sc, &e)) {
				snprintf(msg, cap, "line %zu: damaged certificate "
					 "(%s)", lineno, e.why ? e.why : "?");
				return YZF_ENONCANON;
			}
			if (sc.c.kind != YZF_CERT_FEED ||
			    !yzf_cert_sig_ok(&sc, r->city.key)) {
				snprintf(msg, cap, "line %zu: not a feed "
					 "certificate signed by the city",
					 lineno);
				return YZF_EBADSIG;
			}
			if (r->ncerts == YZF_MAX_ROSTER) {
				snprintf(msg, cap, "line %zu: more than %d "
					 "certificates", lineno, YZF_MAX_ROSTER);
				return YZF_ERANGE;
			}
			r->certs[r->ncerts++] = sc.c;
		} else if (n > 7 && !memcmp(l, "{\"rev\":", 7)) {
			if (r->nrevs == YZF_MAX_ROSTER_REVS) {
				snprintf(msg, cap, "line %zu: more than %d "
					 "revocations", lineno,
					 YZF_MAX_ROSTER_REVS);
				return YZF_ERANGE;
			}
			int rc = yzf_revocation_parse(l, n, r->city.key,
						      &r->revs[r->nrevs], &e);
			if (rc) {
				snprintf(msg, cap, "line %zu: revocation: %s",
					 lineno, e.why ? e.why : "?");
				return rc;
			}
			r->nrevs++;
		} else {
			struct yzf_refset s;
			int rc = yzf_refset_parse(l, n, r->city.key, &s, &e);
			if (rc) {
				snprintf(msg, cap, "line %zu: roster header: %s",
					 lineno, e.why ? e.why : "?");
				return rc;
			}
			uint8_t h[32];
			crypto_generichash(h, sizeof h, text, off, NULL, 0);
			if (strcmp(s.name, "roster") || s.size != (int64_t)off ||
			    memcmp(h, s.hash, 32)) {
				snprintf(msg, cap, "line %zu: the header does not "
					 "cover the %zu bytes before it",
					 lineno, off);
				return YZF_ECORRUPT;
			}
			r->at_ms = s.at_ms;
			r->tz = s.tz;
			r->version = s.version;
			have_header = true;
		}
		off = next;
	}
	if (!have_header) {
		snprintf(msg, cap, "no roster header: the list is cut or was "
			 "never signed");
		return YZF_ECORRUPT;
	}
	return YZF_OK;
}

bool yzf_roster_revoked(const struct yzf_roster *r,
			const uint8_t serial[YZF_SERIAL_LEN], int64_t *at_ms)
{
	bool found = false;
	for (size_t i = 0; i < r->nrevs; i++)
		if (!memcmp(r->revs[i].serial, serial, YZF_SERIAL_LEN) &&
		    (!found || r->revs[i].at_ms < *at_ms)) {
			*at_ms = r->revs[i].at_ms;
			found = true;
		}
	return found;
}

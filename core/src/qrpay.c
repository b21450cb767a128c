/* qrpay.c — the QR receipt payload (schemas/qr-receipt.md). */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "sign.h"
#include "yzf/base45.h"
#include "yzf/qrpay.h"
#include "yzf/roster.h"

static const char *const kind_codes[] = {
	NULL, "DCCFJD", "SDHZ", "CFJD", "ZLGZ", "XCJCBL", "QZCSJD", "CWQD",
	"YCQZCS", "JCQZCS", "CFGZ", "TZTZ",
};
#define NKINDS (sizeof kind_codes / sizeof kind_codes[0])

int yzf_qrpay_kind_of(const char *doctype)
{
	for (size_t k = 1; doctype && k < NKINDS; k++)
		if (!strcmp(kind_codes[k], doctype))
			return (int)k;
	return YZF_QR_OTHER;
}

const char *yzf_qrpay_kind_code(int kind)
{
	return kind > 0 && (size_t)kind < NKINDS ? kind_codes[kind] : NULL;
}

static bool is_decision(int kind)
{
	return kind == YZF_QR_DCCFJD || kind == YZF_QR_CFJD;
}

/* Bytes of the kind's own part, between the common part and the party. */
static size_t kind_part(int kind)
{
	return is_decision(kind) ? 5 : kind == YZF_QR_SDHZ ? 7 : 0;
}

static void say(char *msg, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(char *msg, size_t cap, const char *fmt, ...)
{
	if (!msg || !cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, cap, fmt, ap);
	va_end(ap);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
}

static uint32_t get24(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

/* A 文号 as one year byte (years since 2000, 0 for none) and a 24-bit
 * serial: numbers are per agency and type, never near 16 million a year. */
static int number_ok(uint16_t year, uint32_t serial)
{
	if (year == 0)
		return serial == 0;
	return year >= 2001 && year <= 2255 && serial < (1u << 24);
}

int yzf_qrpay_encode(const struct yzf_qrpay *p, uint8_t *out, size_t cap,
		     size_t *n, char *msg, size_t mcap)
{
	if (p->kind < 0 || p->kind > 15) {
		say(msg, mcap, "kind: %d is not 0..15", p->kind);
		return YZF_EINVAL;
	}
	if (!number_ok(p->year, p->serial)) {
		say(msg, mcap, "number: year %u serial %lu out of range",
		    (unsigned)p->year, (unsigned long)p->serial);
		return YZF_EINVAL;
	}
	if (p->kind == YZF_QR_SDHZ && !number_ok(p->ref_year, p->ref_serial)) {
		say(msg, mcap, "ref: year %u serial %lu out of range",
		    (unsigned)p->ref_year, (unsigned long)p->ref_serial);
		return YZF_EINVAL;
	}
	if (p->party_len > YZF_QRPAY_PARTY_MAX ||
	    memchr(p->party, 0, p->party_len) || p->party[p->party_len]) {
		say(msg, mcap, "party: %u bytes, at most %d and no NUL",
		    (unsigned)p->party_len, YZF_QRPAY_PARTY_MAX);
		return YZF_EINVAL;
	}
	size_t len = YZF_QRPAY_MIN - 1 + kind_part(p->kind) + 1 + p->party_len;
	if (cap < len) {
		say(msg, mcap, "payload: %zu bytes do not fit %zu", len, cap);
		return YZF_ERANGE;
	}
	uint8_t *q = out;
	*q++ = (uint8_t)(YZF_QRPAY_VERSION << 4 | p->kind);
	*q++ = p->flags;
	memcpy(q, p->kid, 8);
	q += 8;
	put32(q, p->seq);
	q += 4;
	put32(q, p->issued);
	q += 4;
	*q++ = (uint8_t)(p->year ? p->year - 2000 : 0);
	put24(q, p->serial);
	q += 3;
	put32(q, p->officer[0]);
	put32(q + 4, p->officer[1]);
	q += 8;
	memcpy(q, p->prev, 8);
	q += 8;
	memcpy(q, p->digest, 16);
	q += 16;
	if (is_decision(p->kind)) {
		put32(q, p->amount_fen);
		q[4] = p->penalty;
		q += 5;
	} else if (p->kind == YZF_QR_SDHZ) {
		*q++ = p->ref_kind;
		*q++ = (uint8_t)(p->ref_year ? p->ref_year - 2000 : 0);
		put24(q, p->ref_serial);
		q += 3;
		*q++ = p->method;
		*q++ = p->relation;
	}
	*q++ = p->party_len;
	memcpy(q, p->party, p->party_len);
	q += p->party_len;
	*n = (size_t)(q - out);
	return YZF_OK;
}

int yzf_qrpay_decode(const uint8_t *buf, size_t n, struct yzf_qrpay *p,
		     char *msg, size_t mcap)
{
	memset(p, 0, sizeof *p);
	if (n < 1 || buf[0] >> 4 != YZF_QRPAY_VERSION) {
		say(msg, mcap, "version: %d, this verifier reads version %d",
		    n ? buf[0] >> 4 : -1, YZF_QRPAY_VERSION);
		return YZF_EINVAL;
	}
	p->kind = buf[0] & 15;
	size_t fixed = YZF_QRPAY_MIN - 1 + kind_part(p->kind);
	if (n < fixed + 1) {
		say(msg, mcap, "length: %zu bytes, a %s payload has at least "
		    "%zu", n, yzf_qrpay_kind_code(p->kind) ?
		    yzf_qrpay_kind_code(p->kind) : "kind-0", fixed + 1);
		return YZF_EINVAL;
	}
	const uint8_t *q = buf + 1;
	p->flags = *q++;
	memcpy(p->kid, q, 8);
	q += 8;
	p->seq = get32(q);
	p->issued = get32(q + 4);
	q += 8;
	p->year = *q ? (uint16_t)(2000 + *q) : 0;
	p->serial = get24(q + 1);
	q += 4;
	if (!number_ok(p->year, p->serial)) {
		say(msg, mcap, "number: serial %lu without a year",
		    (unsigned long)p->serial);
		return YZF_EINVAL;
	}
	p->officer[0] = get32(q);
	p->officer[1] = get32(q + 4);
	q += 8;
	memcpy(p->prev, q, 8);
	q += 8;
	memcpy(p->digest, q, 16);
	q += 16;
	if (is_decision(p->kind)) {
		p->amount_fen = get32(q);
		p->penalty = q[4];
		q += 5;
	} else if (p->kind == YZF_QR_SDHZ) {
		p->ref_kind = q[0];
		p->ref_year = q[1] ? (uint16_t)(2000 + q[1]) : 0;
		p->ref_serial = get24(q + 2);
		p->method = q[5];
		p->relation = q[6];
		q += 7;
		if (!number_ok(p->ref_year, p->ref_serial)) {
			say(msg, mcap, "ref: serial without a year");
			return YZF_EINVAL;
		}
	}
	p->party_len = *q++;
	if (p->party_len > YZF_QRPAY_PARTY_MAX ||
	    (size_t)(q - buf) + p->party_len != n) {
		say(msg, mcap, "length: %zu bytes, the party says %zu",
		    n, (size_t)(q - buf) + p->party_len);
		return YZF_EINVAL;
	}
	memcpy(p->party, q, p->party_len);
	if (memchr(p->party, 0, p->party_len)) {
		say(msg, mcap, "party: contains NUL");
		return YZF_EINVAL;
	}
	p->party[p->party_len] = '\0';
	return YZF_OK;
}

size_t yzf_qrpay_message(const uint8_t *payload, size_t n, uint8_t *out)
{
	memcpy(out, YZF_QRPAY_DOMAIN, sizeof YZF_QRPAY_DOMAIN);
	memcpy(out + sizeof YZF_QRPAY_DOMAIN, payload, n);
	return sizeof YZF_QRPAY_DOMAIN + n;
}

int yzf_qrpay_sign(const uint8_t *payload, size_t n, const uint8_t sk[64],
		   char *text, size_t cap, size_t *tlen)
{
	uint8_t both[YZF_QRPAY_MAX + YZF_SIG_LEN];
	size_t len;
	if (n > YZF_QRPAY_MAX || n < YZF_QRPAY_MIN || cap < 5)
		return YZF_ERANGE;
	memcpy(both, payload, n);
	if (yzf_sign_domain(YZF_QRPAY_DOMAIN, payload, n, sk, both + n))
		return YZF_ECRYPTO;
	memcpy(text, YZF_QRPAY_PREFIX, 4);
	int rc = yzf_base45_encode(both, n + YZF_SIG_LEN, text + 4, cap - 4,
				   &len);
	if (rc == YZF_OK && tlen)
		*tlen = len + 4;
	return rc;
}

int yzf_qrpay_sign_feed(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			const uint8_t *payload, size_t n, char *text,
			size_t cap, size_t *tlen)
{
	const uint8_t *sk;
	/* a revoked or expired officer signs no more receipts either */
	int rc = yzf_may_sign(y, feed);
	if (rc)
		return rc;
	if ((rc = yzf_session_sk(y, feed, &sk)))
		return yzf_fail(y, rc, "qr: no session of the signing officer");
	if (memcmp(payload + 2, feed, YZF_QRPAY_KID_LEN))
		return yzf_fail(y, YZF_EINVAL, "qr: kid is not the signing "
				"feed's key id");
	rc = yzf_qrpay_sign(payload, n, sk, text, cap, tlen);
	if (rc)
		return yzf_fail(y, rc, "qr: payload of %zu bytes not signed", n);
	return YZF_OK;
}

void yzf_qrpay_chain(const uint8_t *signed_bytes, size_t n, uint8_t out[8])
{
	uint8_t h[32];
	crypto_generichash(h, sizeof h, signed_bytes, n, NULL, 0);
	memcpy(out, h, 8);
}

void yzf_qrpay_digest(const uint8_t id[YZF_ID_LEN], const char *text,
		      size_t len, uint8_t out[16])
{
	static const char dom[] = "yzf-qr-text-v1";
	crypto_generichash_state st;
	uint8_t h[32];
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const uint8_t *)dom, sizeof dom);
	crypto_generichash_update(&st, id, YZF_ID_LEN);
	crypto_generichash_update(&st, (const uint8_t *)text, len);
	crypto_generichash_final(&st, h, sizeof h);
	memcpy(out, h, 16);
}

uint32_t yzf_qrpay_officer_tag(const char *no)
{
	static const char dom[] = "yzf-officer-v1";
	crypto_generichash_state st;
	uint8_t h[32];
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const uint8_t *)dom, sizeof dom);
	crypto_generichash_update(&st, (const uint8_t *)no, strlen(no));
	crypto_generichash_final(&st, h, sizeof h);
	uint32_t t = get32(h);
	return t ? t : 1;
}

static const char *const reasons[] = {
	"ok", "prefix", "base45", "length", "payload", "unknown_key",
	"signature", "not_valid", "revoked",
};

const char *yzf_qrpay_reason_name(int r)
{
	return r >= 0 && (size_t)r < sizeof reasons / sizeof reasons[0]
		       ? reasons[r] : "?";
}

static int refuse(struct yzf_qr_verdict *v, int reason, int code,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int refuse(struct yzf_qr_verdict *v, int reason, int code,
		  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->why, sizeof v->why, fmt, ap);
	va_end(ap);
	v->reason = reason;
	return code;
}

/* Verification in the order of schemas/qr-receipt.md: every step that
 * needs no key before the roster is consulted, so a damaged text says so
 * rather than "unknown key". */
int yzf_qrpay_verify(const char *text, size_t n, const struct yzf_roster *r,
		     int64_t now_ms, struct yzf_qr_verdict *v)
{
	uint8_t both[YZF_QRPAY_MAX + YZF_SIG_LEN + 2];
	size_t len;
	char msg[160];
	memset(v, 0, sizeof *v);
	v->roster_at_ms = r->at_ms;
	v->roster_age_ms = now_ms - r->at_ms;
	/* scanners append a newline; nothing else is forgiven */
	while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		n--;
	if (n < 4 || memcmp(text, YZF_QRPAY_PREFIX, 4))
		return refuse(v, YZF_QRV_PREFIX, YZF_EINVAL,
			      "not a yzf receipt: it does not start with "
			      "\"" YZF_QRPAY_PREFIX "\"");
	int rc = yzf_base45_decode(text + 4, n - 4, both, sizeof both, &len);
	if (rc == YZF_ERANGE)
		return refuse(v, YZF_QRV_LENGTH, YZF_EINVAL,
			      "length: %zu characters, more than a receipt "
			      "holds", n);
	if (rc)
		return refuse(v, YZF_QRV_BASE45, YZF_EINVAL,
			      "base45: the text is damaged (a character "
			      "outside the alphabet, or a cut group)");
	if (len < YZF_QRPAY_MIN + YZF_SIG_LEN)
		return refuse(v, YZF_QRV_LENGTH, YZF_EINVAL,
			      "length: %zu bytes, a receipt has at least %d: "
			      "truncated", len, YZF_QRPAY_MIN + YZF_SIG_LEN);
	size_t plen = len - YZF_SIG_LEN;
	if (yzf_qrpay_decode(both, plen, &v->p, msg, sizeof msg))
		return refuse(v, YZF_QRV_PAYLOAD, YZF_EINVAL, "payload: %s",
			      msg);
	/* a key may have several certificates (re-issued, moved terminal):
	 * the one that makes the receipt good wins, else the first whose
	 * key verifies says why not */
	const struct yzf_cert *match = NULL;
	size_t candidates = 0;
	int64_t at = (int64_t)v->p.issued * 1000, rat;
	for (size_t i = 0; i < r->ncerts; i++) {
		const struct yzf_cert *c = &r->certs[i];
		if (memcmp(c->key, v->p.kid, YZF_QRPAY_KID_LEN))
			continue;
		candidates++;
		if (!yzf_sig_domain_ok(YZF_QRPAY_DOMAIN, both, plen, both + plen,
				       c->key))
			continue;
		bool good = at >= c->not_before - 999 && at <= c->not_after &&
			    !(yzf_roster_revoked(r, c->serial, &rat) &&
			      rat <= at + 999);
		if (!match || good)
			match = c;
		if (good)
			break;
	}
	char kid[17];
	sodium_bin2hex(kid, sizeof kid, v->p.kid, 8);
	if (!candidates)
		return refuse(v, YZF_QRV_UNKNOWN_KEY, YZF_ENOTFOUND,
			      "unknown key: no certificate in the roster of "
			      "%lld has key id %s (update the roster, or the "
			      "paper is not genuine)", (long long)r->version,
			      kid);
	if (!match)
		return refuse(v, YZF_QRV_SIGNATURE, YZF_EBADSIG,
			      "signature: does not verify under key %s: the "
			      "text was changed or forged", kid);
	v->signer = match;
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; v->p.officer[k] && i < r->ncerts; i++)
			if (yzf_qrpay_officer_tag(r->certs[i].officer_no) ==
			    v->p.officer[k]) {
				v->officer[k] = &r->certs[i];
				break;
			}
	char when[YZF_TIME_LEN + 1], rev[YZF_TIME_LEN + 1];
	yzf_time_fmt(at, match->tz, when);
	if (at < match->not_before - 999 || at > match->not_after)
		return refuse(v, YZF_QRV_NOT_VALID, YZF_ECERT,
			      "not valid: issued %s, outside the certificate "
			      "of %s (%s)", when, match->name,
			      match->officer_no);
	if (yzf_roster_revoked(r, match->serial, &rat) && rat <= at + 999) {
		yzf_time_fmt(rat, match->tz, rev);
		return refuse(v, YZF_QRV_REVOKED, YZF_ECERT,
			      "revoked: the certificate of %s (%s) was "
			      "revoked at %s, before the issue time %s",
			      match->name, match->officer_no, rev, when);
	}
	const char *code = yzf_qrpay_kind_code(v->p.kind);
	snprintf(v->why, sizeof v->why, "%s signed by %s (%s, %s) "
		 "at %s, seq %lu", code ? code : "document", match->name,
		 match->officer_no, match->agency, when,
		 (unsigned long)v->p.seq);
	return YZF_OK;
}

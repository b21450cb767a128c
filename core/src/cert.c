/* Certificates: canonical encoding, strict parsing, signing, chains.
 * Parsing follows the same fixed-order cursor discipline as records, so a
 * certificate also has exactly one accepted spelling. */
#include "yzf/cert.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "sign.h"
#include "util.h"

static const char *const kinds[] = { NULL, "root", "city", "feed" };
static const char *const roles[] = { "officer", "reviewer", "head" };
#define NROLES 3

const char *yzf_cert_kind_name(int kind)
{
	return kind >= YZF_CERT_ROOT && kind <= YZF_CERT_FEED ? kinds[kind]
							       : "unknown";
}

const char *yzf_role_name(uint32_t role)
{
	for (int i = 0; i < NROLES; i++)
		if (role == 1u << i)
			return roles[i];
	return "unknown";
}

uint32_t yzf_roles_parse(const char *list)
{
	uint32_t bits = 0;
	const char *p = list;
	while (*p) {
		size_t n = strcspn(p, ",");
		int i = 0;
		while (i < NROLES && !(strlen(roles[i]) == n &&
				       strncmp(p, roles[i], n) == 0))
			i++;
		if (i == NROLES)
			return 0;
		bits |= 1u << i;
		p += n + (p[n] == ',');
	}
	return bits;
}

static bool utf8_len_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	return n > 0 && n <= max && yzf_utf8_ok(s, n);
}

static bool ascii_id(const char *s, size_t max, const char *extra)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'z') || strchr(extra, s[i])))
			return false;
	return true;
}

/* 统一社会信用代码 (GB 32100-2015): 18 characters from the code set, the
 * last a check character over the first 17. */
static bool uscc_ok(const char *s)
{
	static const char set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	static const int w[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20,
				   29, 25, 13, 8, 24, 10, 30, 28 };
	if (strlen(s) != 18)
		return false;
	int sum = 0;
	for (int i = 0; i < 18; i++) {
		const char *p = strchr(set, s[i]);
		if (!p || !s[i])
			return false;
		if (i < 17)
			sum += (int)(p - set) * w[i];
		else if ((31 - sum % 31) % 31 != (int)(p - set))
			return false;
	}
	return true;
}

int yzf_cert_check(const struct yzf_cert *c, char *msg, size_t cap)
{
	const char *bad = NULL;
	if (c->kind < YZF_CERT_ROOT || c->kind > YZF_CERT_FEED)
		bad = "kind: must be root, city or feed";
	else if (!yzf_time_ok(c->not_before, c->tz) ||
		 !yzf_time_ok(c->not_after, c->tz) ||
		 c->not_after <= c->not_before)
		bad = "not_before/not_after: validity window empty or out of range";
	else if (!utf8_len_ok(c->name, 96))
		bad = "name: 1 to 96 bytes of UTF-8";
	else if (c->kind == YZF_CERT_CITY &&
		 (strlen(c->region) != 6 || !ascii_id(c->region, 6, "") ||
		  strspn(c->region, "0123456789") != 6))
		bad = "region: 6-digit administrative division code";
	else if (c->kind == YZF_CERT_FEED && !ascii_id(c->officer_no, 32, "-"))
		bad = "officer_no: 执法证号, 1 to 32 of [A-Za-z0-9-]";
	else if (c->kind == YZF_CERT_FEED && !utf8_len_ok(c->agency, 128))
		bad = "agency: 1 to 128 bytes of UTF-8";
	else if (c->kind == YZF_CERT_FEED && !uscc_ok(c->uscc))
		bad = "uscc: not a valid 统一社会信用代码 (GB 32100 check character)";
	else if (c->kind == YZF_CERT_FEED && !ascii_id(c->terminal, 64, "._-"))
		bad = "terminal: 1 to 64 of [A-Za-z0-9._-]";
	else if (c->kind == YZF_CERT_FEED &&
		 (c->roles == 0 || c->roles >= 1u << NROLES))
		bad = "roles: at least one of officer, reviewer, head";
	if (bad) {
		if (msg)
			snprintf(msg, cap, "certificate %s", bad);
		return YZF_EINVAL;
	}
	return YZF_OK;
}

static int put_s(struct yzf_buf *b, const char *key, const char *s)
{
	yzf_canon_put_key(b, key);
	return yzf_canon_put_str(b, s, strlen(s));
}

int yzf_cert_encode(const struct yzf_cert *c, struct yzf_buf *out)
{
	if (yzf_cert_check(c, NULL, 0))
		return YZF_EINVAL;
	size_t mark = out->len;
	int rc = 0;
	yzf_buf_puts(out, "{\"v\":1,\"kind\":\"");
	yzf_buf_puts(out, kinds[c->kind]);
	yzf_buf_puts(out, "\",\"serial\":");
	yzf_put_hex(out, c->serial, YZF_SERIAL_LEN);
	yzf_buf_puts(out, ",\"issuer\":");
	yzf_put_hex(out, c->issuer, YZF_KEY_LEN);
	yzf_buf_puts(out, ",\"key\":");
	yzf_put_hex(out, c->key, YZF_KEY_LEN);
	yzf_buf_puts(out, ",\"subject\":{");
	if (c->kind == YZF_CERT_FEED) {
		yzf_buf_puts(out, "\"officer\":{");
		rc |= put_s(out, "name", c->name);
		yzf_buf_putc(out, ',');
		rc |= put_s(out, "no", c->officer_no);
		yzf_buf_puts(out, "},\"agency\":{");
		rc |= put_s(out, "name", c->agency);
		yzf_buf_putc(out, ',');
		rc |= put_s(out, "uscc", c->uscc);
		yzf_buf_puts(out, "},");
		rc |= put_s(out, "terminal", c->terminal);
		yzf_buf_puts(out, ",\"roles\":[");
		bool first = true;
		for (int i = 0; i < NROLES; i++) {
			if (!(c->roles & 1u << i))
				continue;
			if (!first)
				yzf_buf_putc(out, ',');
			first = false;
			yzf_buf_putc(out, '"');
			yzf_buf_puts(out, roles[i]);
			yzf_buf_putc(out, '"');
		}
		yzf_buf_putc(out, ']');
	} else {
		rc |= put_s(out, "name", c->name);
		if (c->kind == YZF_CERT_CITY) {
			yzf_buf_putc(out, ',');
			rc |= put_s(out, "region", c->region);
			yzf_buf_puts(out, ",\"seal\":");
			yzf_put_hex(out, c->seal, 32);
		}
	}
	yzf_buf_puts(out, "},\"not_before\":");
	yzf_put_time(out, c->not_before, c->tz);
	yzf_buf_puts(out, ",\"not_after\":");
	yzf_put_time(out, c->not_after, c->tz);
	yzf_buf_putc(out, '}');
	if (rc || out->oom) {
		out->len = mark;
		return out->oom ? YZF_ENOMEM : YZF_EINVAL;
	}
	return YZF_OK;
}

int yzf_cert_sign_line(const struct yzf_cert *c, const uint8_t issuer_sk[64],
		       struct yzf_buf *out)
{
	struct yzf_buf b = { 0 };
	int rc = yzf_cert_encode(c, &b);
	if (rc == YZF_OK)
		rc = yzf_sign_wrap(YZF_CERT_DOMAIN, "{\"cert\":", b.p, b.len,
				   issuer_sk, out);
	yzf_buf_free(&b);
	return rc;
}

/* A string field; why names it when the value does not fit. */
static void str_field(struct yzf_canon_cur *c, const char *key, char *out,
		      size_t cap, const char *why)
{
	if (!yzf_canon_key(c, key) && yzf_canon_str_copy(c, out, cap))
		yzf_cur_fail(c, why);
}

int yzf_cert_parse(const uint8_t *buf, size_t len, struct yzf_cert *cert,
		   struct yzf_canon_err *err)
{
	struct yzf_canon_cur c;
	int64_t v;
	char kind[8] = "";
	int32_t tz2 = 0;
	memset(cert, 0, sizeof *cert);
	yzf_canon_cur_init(&c, buf, len);
	if (len > YZF_MAX_CERT_BYTES)
		yzf_cur_fail(&c, "certificate larger than YZF_MAX_CERT_BYTES");
	yzf_canon_byte(&c, '{');
	if (!yzf_canon_key(&c, "v"))
		yzf_canon_int(&c, 1, 1, &v);
	yzf_canon_byte(&c, ',');
	str_field(&c, "kind", kind, sizeof kind,
		  "kind: must be root, city or feed");
	for (int k = YZF_CERT_ROOT; k <= YZF_CERT_FEED; k++)
		if (strcmp(kind, kinds[k]) == 0)
			cert->kind = k;
	if (!cert->kind)
		yzf_cur_fail(&c, "kind: must be root, city or feed");
	yzf_canon_byte(&c, ',');
	yzf_cur_hex(&c, "serial", cert->serial, YZF_SERIAL_LEN,
		  "serial: not 32 hex digits");
	yzf_canon_byte(&c, ',');
	yzf_cur_hex(&c, "issuer", cert->issuer, YZF_KEY_LEN,
		  "issuer: not 64 hex digits");
	yzf_canon_byte(&c, ',');
	yzf_cur_hex(&c, "key", cert->key, YZF_KEY_LEN, "key: not 64 hex digits");
	yzf_canon_byte(&c, ',');
	yzf_canon_key(&c, "subject");
	yzf_canon_byte(&c, '{');
	if (cert->kind == YZF_CERT_FEED) {
		yzf_canon_key(&c, "officer");
		yzf_canon_byte(&c, '{');
		str_field(&c, "name", cert->name, sizeof cert->name,
			  "name: longer than 96 bytes");
		yzf_canon_byte(&c, ',');
		str_field(&c, "no", cert->officer_no, sizeof cert->officer_no,
			  "officer no: longer than 32 bytes");
		yzf_canon_byte(&c, '}');
		yzf_canon_byte(&c, ',');
		yzf_canon_key(&c, "agency");
		yzf_canon_byte(&c, '{');
		str_field(&c, "name", cert->agency, sizeof cert->agency,
			  "agency name: longer than 128 bytes");
		yzf_canon_byte(&c, ',');
		str_field(&c, "uscc", cert->uscc, sizeof cert->uscc,
			  "uscc: longer than 18 characters");
		yzf_canon_byte(&c, '}');
		yzf_canon_byte(&c, ',');
		str_field(&c, "terminal", cert->terminal, sizeof cert->terminal,
			  "terminal: longer than 64 bytes");
		yzf_canon_byte(&c, ',');
		yzf_canon_key(&c, "roles");
		yzf_canon_byte(&c, '[');
		int next = 0; /* roles are listed once each, in table order */
		do {
			char role[16] = "";
			if (yzf_canon_str_copy(&c, role, sizeof role))
				break;
			int i = next;
			while (i < NROLES && strcmp(role, roles[i]) != 0)
				i++;
			if (i == NROLES) {
				yzf_cur_fail(&c, "roles: unknown, repeated or "
					     "out of order");
				break;
			}
			cert->roles |= 1u << i;
			next = i + 1;
		} while (yzf_canon_peek(&c, ',') && !yzf_canon_byte(&c, ','));
		yzf_canon_byte(&c, ']');
	} else {
		str_field(&c, "name", cert->name, sizeof cert->name,
			  "name: longer than 96 bytes");
		if (cert->kind == YZF_CERT_CITY) {
			yzf_canon_byte(&c, ',');
			str_field(&c, "region", cert->region,
				  sizeof cert->region, "region: not 6 digits");
			yzf_canon_byte(&c, ',');
			yzf_cur_hex(&c, "seal", cert->seal, 32,
				  "seal: not 64 hex digits");
		}
	}
	yzf_canon_byte(&c, '}');
	yzf_canon_byte(&c, ',');
	yzf_cur_time(&c, "not_before", &cert->not_before, &cert->tz,
		     "not_before: not a yzf time");
	yzf_canon_byte(&c, ',');
	yzf_cur_time(&c, "not_after", &cert->not_after, &tz2,
		     "not_after: not a yzf time");
	yzf_canon_byte(&c, '}');
	yzf_canon_end(&c);
	if (!c.err.why && (tz2 != cert->tz || yzf_cert_check(cert, NULL, 0)))
		yzf_cur_fail(&c, "certificate fields out of range (yzf_cert_check)");
	if (c.err.why) {
		if (err)
			*err = c.err;
		return YZF_ENONCANON;
	}
	return YZF_OK;
}

int yzf_cert_unline(const uint8_t *line, size_t len, struct yzf_signed_cert *sc,
		    struct yzf_canon_err *err)
{
	int rc = yzf_unwrap_signed("{\"cert\":", line, len, &sc->bytes,
				   &sc->len, sc->sig, err);
	if (rc == YZF_OK) {
		rc = yzf_cert_parse(sc->bytes, sc->len, &sc->c, err);
		if (rc && err)
			err->off += 8;
	}
	return rc;
}

bool yzf_cert_sig_ok(const struct yzf_signed_cert *sc,
		     const uint8_t issuer_pk[YZF_KEY_LEN])
{
	return sodium_memcmp(sc->c.issuer, issuer_pk, YZF_KEY_LEN) == 0 &&
	       yzf_sig_domain_ok(YZF_CERT_DOMAIN, sc->bytes, sc->len, sc->sig,
				 issuer_pk);
}

int yzf_cert_chain_ok(const struct yzf_signed_cert *root,
		      const struct yzf_signed_cert *city,
		      const struct yzf_signed_cert *feed, char *msg, size_t cap)
{
	const char *bad = NULL;
	if (root->c.kind != YZF_CERT_ROOT)
		bad = "root certificate: kind is not root";
	else if (!yzf_cert_sig_ok(root, root->c.key))
		bad = "root certificate: not self-signed by its key";
	else if (city->c.kind != YZF_CERT_CITY)
		bad = "city certificate: kind is not city";
	else if (!yzf_cert_sig_ok(city, root->c.key))
		bad = "city certificate: not signed by the root";
	else if (feed && feed->c.kind != YZF_CERT_FEED)
		bad = "feed certificate: kind is not feed";
	else if (feed && !yzf_cert_sig_ok(feed, city->c.key))
		bad = "feed certificate: not signed by the city issuing key";
	if (bad) {
		if (msg)
			snprintf(msg, cap, "%s", bad);
		return YZF_ECERT;
	}
	return YZF_OK;
}

bool yzf_cert_covers(const struct yzf_cert *c, int64_t ms)
{
	return ms >= c->not_before && ms <= c->not_after;
}

#define REV_DOMAIN "yzf-rev-v1"

int yzf_revocation_sign_line(const struct yzf_revocation *r,
			     const uint8_t city_sk[64], struct yzf_buf *out)
{
	struct yzf_buf b = { 0 };
	if (!r->reason[0] || !yzf_utf8_ok(r->reason, strlen(r->reason)) ||
	    !yzf_time_ok(r->at_ms, r->tz))
		return YZF_EINVAL;
	yzf_buf_puts(&b, "{\"v\":1,\"serial\":");
	yzf_put_hex(&b, r->serial, YZF_SERIAL_LEN);
	yzf_buf_puts(&b, ",\"at\":");
	yzf_put_time(&b, r->at_ms, r->tz);
	yzf_buf_putc(&b, ',');
	int rc = put_s(&b, "reason", r->reason);
	yzf_buf_putc(&b, '}');
	if (!rc && b.oom)
		rc = YZF_ENOMEM;
	if (!rc)
		rc = yzf_sign_wrap(REV_DOMAIN, "{\"rev\":", b.p, b.len, city_sk,
				   out);
	yzf_buf_free(&b);
	return rc;
}

int yzf_revocation_parse(const uint8_t *line, size_t len,
			 const uint8_t city_pk[YZF_KEY_LEN],
			 struct yzf_revocation *r, struct yzf_canon_err *err)
{
	const uint8_t *b;
	size_t n;
	uint8_t sig[YZF_SIG_LEN];
	int64_t v;
	struct yzf_canon_cur c;
	memset(r, 0, sizeof *r);
	int rc = yzf_unwrap_signed("{\"rev\":", line, len, &b, &n, sig, err);
	if (rc)
		return rc;
	yzf_canon_cur_init(&c, b, n);
	yzf_canon_byte(&c, '{');
	if (!yzf_canon_key(&c, "v"))
		yzf_canon_int(&c, 1, 1, &v);
	yzf_canon_byte(&c, ',');
	yzf_cur_hex(&c, "serial", r->serial, YZF_SERIAL_LEN,
		  "serial: not 32 hex digits");
	yzf_canon_byte(&c, ',');
	yzf_cur_time(&c, "at", &r->at_ms, &r->tz, "at: not a yzf time");
	yzf_canon_byte(&c, ',');
	str_field(&c, "reason", r->reason, sizeof r->reason,
		  "reason: longer than 200 bytes");
	return yzf_signed_close(&c, 7, REV_DOMAIN, sig, city_pk,
				"signature does not verify under the city key",
				err);
}

/* The record envelope: encoding, strict parsing, signing and ids.
 *
 * The parser walks the bytes once with the canonical cursor, in the fixed
 * key order of schemas/record.md, so a record that verifies has exactly one
 * spelling: nobody re-serializes to verify, and a verifier refuses bytes
 * that are not canonical instead of normalising them. */
#include "yzf/record.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "sign.h"
#include "util.h"

static bool name_chars(const char *s, size_t n, bool dots)
{
	/* [a-z][a-z0-9_]* segments, separated by single dots when allowed */
	bool start = true;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (start) {
			if (c < 'a' || c > 'z')
				return false;
			start = false;
		} else if (c == '.' && dots) {
			start = true;
		} else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			     c == '_')) {
			return false;
		}
	}
	return n > 0 && !start;
}

bool yzf_record_type_ok(const char *s)
{
	size_t n = strlen(s);
	return n < YZF_TYPE_MAX && name_chars(s, n, true);
}

bool yzf_record_case_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= YZF_CASE_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == ':' || c == '-'))
			return false;
	}
	return true;
}

static bool token_ok(const char *s, size_t max, bool underscore)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (underscore && s[i] == '_')))
			return false;
	return true;
}

int yzf_record_encode(const struct yzf_record *r, struct yzf_buf *out)
{
	const struct yzf_loc *l = &r->loc;
	if (r->seq < 1 || r->seq > YZF_CANON_INT_MAX || r->mono < 0 ||
	    r->mono > YZF_CANON_INT_MAX || !yzf_time_ok(r->at_ms, r->at_tz) ||
	    (r->has_att && (!yzf_time_ok(r->att_ms, r->att_tz) || r->att_mono < 0 ||
			    r->att_mono > YZF_CANON_INT_MAX)) ||
	    !yzf_record_type_ok(r->type) ||
	    (r->case_id[0] && !yzf_record_case_ok(r->case_id)) ||
	    !r->body || r->body_len < 2 || r->body[0] != '{')
		return YZF_EINVAL;
	if (l->fix ? (!token_ok(l->src, 16, false) || l->lat < -YZF_LAT_MAX ||
		      l->lat > YZF_LAT_MAX || l->lon < -YZF_LON_MAX ||
		      l->lon > YZF_LON_MAX || l->acc_cm < 0 ||
		      l->acc_cm > 1000000000 || l->age_ms < 0 ||
		      l->age_ms > YZF_CANON_INT_MAX || l->sats < 0 ||
		      l->sats > 255)
		   : !token_ok(l->none, 32, true))
		return YZF_EINVAL;

	size_t mark = out->len;
	yzf_buf_puts(out, "{\"v\":1,\"feed\":");
	yzf_put_hex(out, r->feed, YZF_KEY_LEN);
	yzf_buf_puts(out, ",\"seq\":");
	yzf_canon_put_int(out, r->seq);
	yzf_buf_puts(out, ",\"prev\":");
	yzf_put_hex(out, r->prev, YZF_ID_LEN);
	yzf_buf_puts(out, ",\"at\":");
	yzf_put_time(out, r->at_ms, r->at_tz);
	yzf_buf_puts(out, ",\"mono\":");
	yzf_canon_put_int(out, r->mono);
	yzf_buf_puts(out, ",\"att\":");
	if (r->has_att) {
		yzf_buf_puts(out, "{\"at\":");
		yzf_put_time(out, r->att_ms, r->att_tz);
		yzf_buf_puts(out, ",\"mono\":");
		yzf_canon_put_int(out, r->att_mono);
		yzf_buf_putc(out, '}');
	} else {
		yzf_buf_puts(out, "null");
	}
	yzf_buf_puts(out, ",\"type\":\"");
	yzf_buf_puts(out, r->type);
	yzf_buf_puts(out, "\",\"case\":");
	if (r->case_id[0]) {
		yzf_buf_putc(out, '"');
		yzf_buf_puts(out, r->case_id);
		yzf_buf_putc(out, '"');
	} else {
		yzf_buf_puts(out, "null");
	}
	yzf_buf_puts(out, ",\"loc\":{");
	if (l->fix) {
		yzf_buf_puts(out, "\"src\":\"");
		yzf_buf_puts(out, l->src);
		yzf_buf_puts(out, "\",\"lat\":");
		yzf_canon_put_int(out, l->lat);
		yzf_buf_puts(out, ",\"lon\":");
		yzf_canon_put_int(out, l->lon);
		yzf_buf_puts(out, ",\"acc_cm\":");
		yzf_canon_put_int(out, l->acc_cm);
		yzf_buf_puts(out, ",\"age_ms\":");
		yzf_canon_put_int(out, l->age_ms);
		yzf_buf_puts(out, ",\"sats\":");
		yzf_canon_put_int(out, l->sats);
	} else {
		yzf_buf_puts(out, "\"none\":\"");
		yzf_buf_puts(out, l->none);
		yzf_buf_putc(out, '"');
	}
	yzf_buf_puts(out, "},\"body\":");
	yzf_buf_put(out, r->body, r->body_len);
	yzf_buf_putc(out, '}');
	if (out->oom) {
		out->len = mark;
		return YZF_ENOMEM;
	}
	if (out->len - mark > YZF_MAX_RECORD_BYTES) {
		out->len = mark;
		return YZF_ERANGE;
	}
	return YZF_OK;
}

int yzf_record_parse(const uint8_t *buf, size_t len, struct yzf_record *r,
		     struct yzf_canon_err *err)
{
	struct yzf_canon_cur c;
	int64_t v = 0;
	memset(r, 0, sizeof *r);
	yzf_canon_cur_init(&c, buf, len);
	if (len > YZF_MAX_RECORD_BYTES)
		yzf_cur_fail(&c, "record larger than YZF_MAX_RECORD_BYTES");

	yzf_canon_byte(&c, '{');
	if (!yzf_canon_key(&c, "v") && !yzf_canon_int(&c, 1, 1, &v))
		(void)0;
	yzf_canon_byte(&c, ',');
	yzf_cur_hex(&c, "feed", r->feed, YZF_KEY_LEN, "feed: not 64 hex digits");
	yzf_canon_byte(&c, ',');
	if (!yzf_canon_key(&c, "seq"))
		yzf_canon_int(&c, 1, YZF_CANON_INT_MAX, &r->seq);
	yzf_canon_byte(&c, ',');
	yzf_cur_hex(&c, "prev", r->prev, YZF_ID_LEN, "prev: not 64 hex digits");
	yzf_canon_byte(&c, ',');
	yzf_cur_time(&c, "at", &r->at_ms, &r->at_tz, "at: not a yzf time");
	yzf_canon_byte(&c, ',');
	if (!yzf_canon_key(&c, "mono"))
		yzf_canon_int(&c, 0, YZF_CANON_INT_MAX, &r->mono);
	yzf_canon_byte(&c, ',');
	if (!yzf_canon_key(&c, "att") && yzf_canon_null(&c) != YZF_OK) {
		r->has_att = true;
		yzf_canon_byte(&c, '{');
		yzf_cur_time(&c, "at", &r->att_ms, &r->att_tz,
			   "att.at: not a yzf time");
		yzf_canon_byte(&c, ',');
		if (!yzf_canon_key(&c, "mono"))
			yzf_canon_int(&c, 0, YZF_CANON_INT_MAX, &r->att_mono);
		yzf_canon_byte(&c, '}');
	}
	yzf_canon_byte(&c, ',');
	if (!yzf_canon_key(&c, "type") &&
	    yzf_canon_str_copy(&c, r->type, sizeof r->type) == YZF_OK &&
	    !yzf_record_type_ok(r->type))
		yzf_cur_fail(&c, "type: not a record type name");
	yzf_canon_byte(&c, ',');
	if (!yzf_canon_key(&c, "case") && yzf_canon_null(&c) != YZF_OK &&
	    yzf_canon_str_copy(&c, r->case_id, sizeof r->case_id) == YZF_OK &&
	    !yzf_record_case_ok(r->case_id))
		yzf_cur_fail(&c, "case: not a case id");
	yzf_canon_byte(&c, ',');
	if (!yzf_canon_key(&c, "loc") && !yzf_canon_byte(&c, '{')) {
		struct yzf_loc *l = &r->loc;
		if (c.off + 7 <= len && memcmp(buf + c.off, "\"none\":", 7) == 0) {
			yzf_canon_key(&c, "none");
			if (!yzf_canon_str_copy(&c, l->none, sizeof l->none) &&
			    !token_ok(l->none, 32, true))
				yzf_cur_fail(&c, "loc.none: not a reason token");
		} else {
			l->fix = true;
			if (!yzf_canon_key(&c, "src") &&
			    !yzf_canon_str_copy(&c, l->src, sizeof l->src) &&
			    !token_ok(l->src, 16, false))
				yzf_cur_fail(&c, "loc.src: not a source token");
			yzf_canon_byte(&c, ',');
			if (!yzf_canon_key(&c, "lat"))
				yzf_canon_int(&c, -YZF_LAT_MAX, YZF_LAT_MAX, &l->lat);
			yzf_canon_byte(&c, ',');
			if (!yzf_canon_key(&c, "lon"))
				yzf_canon_int(&c, -YZF_LON_MAX, YZF_LON_MAX, &l->lon);
			yzf_canon_byte(&c, ',');
			if (!yzf_canon_key(&c, "acc_cm"))
				yzf_canon_int(&c, 0, 1000000000, &l->acc_cm);
			yzf_canon_byte(&c, ',');
			if (!yzf_canon_key(&c, "age_ms"))
				yzf_canon_int(&c, 0, YZF_CANON_INT_MAX, &l->age_ms);
			yzf_canon_byte(&c, ',');
			if (!yzf_canon_key(&c, "sats"))
				yzf_canon_int(&c, 0, 255, &l->sats);
		}
		yzf_canon_byte(&c, '}');
	}
	yzf_canon_byte(&c, ',');
	if (!yzf_canon_key(&c, "body")) {
		if (!yzf_canon_peek(&c, '{'))
			yzf_cur_fail(&c, "body: not an object");
		yzf_canon_value(&c, &r->body, &r->body_len);
	}
	yzf_canon_byte(&c, '}');
	yzf_canon_end(&c);
	/* Nesting depth counts from the envelope, not the body: check the
	 * whole so a record that parses is one any canonical checker takes. */
	if (!c.err.why && yzf_canon_check(buf, len, &c.err) != YZF_OK &&
	    !c.err.why)
		c.err.why = "not canonical JSON";

	if (c.err.why) {
		if (err)
			*err = c.err;
		return YZF_ENONCANON;
	}
	return YZF_OK;
}

/* Ed25519 (not Ed25519ph) needs the message in one piece: prefix it with the
 * domain on the stack when small, else on the heap. */
static int with_domain(const char *domain, size_t dlen, const uint8_t *bytes,
		       size_t len, uint8_t **msg, uint8_t *stack, size_t cap)
{
	*msg = dlen + len <= cap ? stack : malloc(dlen + len);
	if (!*msg)
		return YZF_ENOMEM;
	memcpy(*msg, domain, dlen);
	memcpy(*msg + dlen, bytes, len);
	return YZF_OK;
}

int yzf_sign_domain(const char *domain, const uint8_t *bytes, size_t len,
		    const uint8_t sk[64], uint8_t sig[YZF_SIG_LEN])
{
	uint8_t stack[4096], *msg;
	size_t dlen = strlen(domain) + 1;
	int rc = with_domain(domain, dlen, bytes, len, &msg, stack, sizeof stack);
	if (rc)
		return rc;
	rc = crypto_sign_detached(sig, NULL, msg, dlen + len, sk) == 0
		     ? YZF_OK : YZF_ECRYPTO;
	if (msg != stack)
		free(msg);
	return rc;
}

bool yzf_sig_domain_ok(const char *domain, const uint8_t *bytes, size_t len,
		       const uint8_t sig[YZF_SIG_LEN],
		       const uint8_t pk[YZF_KEY_LEN])
{
	uint8_t stack[4096], *msg;
	size_t dlen = strlen(domain) + 1;
	if (with_domain(domain, dlen, bytes, len, &msg, stack, sizeof stack))
		return false;
	bool ok = crypto_sign_verify_detached(sig, msg, dlen + len, pk) == 0;
	if (msg != stack)
		free(msg);
	return ok;
}

#define LINE_HEAD "{\"rec\":"
#define LINE_SIG ",\"sig\":\""
#define LINE_TAIL "\"}"

int yzf_sign_wrap(const char *domain, const char *head, const uint8_t *bytes,
		  size_t len, const uint8_t sk[64], struct yzf_buf *out)
{
	uint8_t sig[YZF_SIG_LEN];
	char hex[2 * YZF_SIG_LEN + 1];
	int rc = yzf_sign_domain(domain, bytes, len, sk, sig);
	if (rc)
		return rc;
	yzf_hex(sig, YZF_SIG_LEN, hex);
	yzf_buf_puts(out, head);
	yzf_buf_put(out, bytes, len);
	yzf_buf_puts(out, LINE_SIG);
	yzf_buf_put(out, hex, 2 * YZF_SIG_LEN);
	yzf_buf_puts(out, LINE_TAIL);
	return out->oom ? YZF_ENOMEM : YZF_OK;
}

int yzf_signed_close(struct yzf_canon_cur *c, size_t head_len,
		     const char *domain, const uint8_t sig[YZF_SIG_LEN],
		     const uint8_t pk[YZF_KEY_LEN], const char *why_sig,
		     struct yzf_canon_err *err)
{
	yzf_canon_byte(c, '}');
	yzf_canon_end(c);
	if (c->err.why) {
		if (err) {
			*err = c->err;
			err->off += head_len;
		}
		return YZF_ENONCANON;
	}
	if (!yzf_sig_domain_ok(domain, c->p, c->len, sig, pk)) {
		if (err) {
			err->off = 0;
			err->why = why_sig;
		}
		return YZF_EBADSIG;
	}
	return YZF_OK;
}

int yzf_record_sign(const uint8_t *bytes, size_t len, const uint8_t sk[64],
		    uint8_t sig[YZF_SIG_LEN])
{
	return yzf_sign_domain(YZF_RECORD_DOMAIN, bytes, len, sk, sig);
}

bool yzf_record_sig_ok(const uint8_t *bytes, size_t len,
		       const uint8_t sig[YZF_SIG_LEN],
		       const uint8_t pk[YZF_KEY_LEN])
{
	return yzf_sig_domain_ok(YZF_RECORD_DOMAIN, bytes, len, sig, pk);
}

void yzf_record_id(const uint8_t *bytes, size_t len,
		   const uint8_t sig[YZF_SIG_LEN], uint8_t id[YZF_ID_LEN])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, YZF_ID_LEN);
	crypto_generichash_update(&st, bytes, len);
	crypto_generichash_update(&st, sig, YZF_SIG_LEN);
	crypto_generichash_final(&st, id, YZF_ID_LEN);
}

/* The exchange wrapper puts the envelope bytes verbatim after a fixed
 * prefix and the signature in a fixed-length tail, so the signed bytes are
 * found by position, never re-serialized. */

int yzf_record_line(const uint8_t *bytes, size_t len,
		    const uint8_t sig[YZF_SIG_LEN], struct yzf_buf *out)
{
	char hex[2 * YZF_SIG_LEN + 1];
	yzf_hex(sig, YZF_SIG_LEN, hex);
	yzf_buf_puts(out, LINE_HEAD);
	yzf_buf_put(out, bytes, len);
	yzf_buf_puts(out, LINE_SIG);
	yzf_buf_put(out, hex, 2 * YZF_SIG_LEN);
	yzf_buf_puts(out, LINE_TAIL);
	return out->oom ? YZF_ENOMEM : YZF_OK;
}

int yzf_unwrap_signed(const char *head, const uint8_t *line, size_t len,
		      const uint8_t **bytes, size_t *n,
		      uint8_t sig[YZF_SIG_LEN], struct yzf_canon_err *err)
{
	size_t hl = strlen(head), sl = sizeof LINE_SIG - 1,
	       tl = sizeof LINE_TAIL - 1, hexl = 2 * YZF_SIG_LEN;
	struct yzf_canon_err e = { 0, NULL };
	if (len < hl + sl + hexl + tl + 2 || memcmp(line, head, hl) != 0) {
		e.why = "not a signed wrapper: bad head";
	} else if (memcmp(line + len - tl - hexl - sl, LINE_SIG, sl) != 0 ||
		   memcmp(line + len - tl, LINE_TAIL, tl) != 0) {
		e.off = len - tl - hexl - sl;
		e.why = "not a signed wrapper: bad signature tail";
	} else if (!yzf_unhex((const char *)line + len - tl - hexl, hexl, sig,
			      YZF_SIG_LEN)) {
		e.off = len - tl - hexl;
		e.why = "sig: not 128 lowercase hex digits";
	} else {
		*bytes = line + hl;
		*n = len - hl - sl - hexl - tl;
		if (yzf_canon_check(*bytes, *n, &e) == YZF_OK)
			return YZF_OK;
		e.off += hl;
	}
	if (err)
		*err = e;
	return YZF_ENONCANON;
}

int yzf_record_unline(const uint8_t *line, size_t len, const uint8_t **bytes,
		      size_t *n, uint8_t sig[YZF_SIG_LEN],
		      struct yzf_canon_err *err)
{
	return yzf_unwrap_signed(LINE_HEAD, line, len, bytes, n, sig, err);
}

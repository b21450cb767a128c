/* What the terminal trusts the city for: signed checkpoints of the city's
 * log, and the time they attest. */
#include <sodium.h>
#include <string.h>

#include "internal.h"
#include "sign.h"
#include "util.h"

#define CKPT_DOMAIN "yzf-ckpt-v1"

int yzf_checkpoint_sign(const struct yzf_checkpoint *c,
			const uint8_t city_sk[64], struct yzf_buf *out)
{
	struct yzf_buf b = { 0 };
	if (c->size > (uint64_t)YZF_CANON_INT_MAX ||
	    !yzf_time_ok(c->at_ms, c->tz))
		return YZF_EINVAL;
	yzf_buf_puts(&b, "{\"v\":1,\"size\":");
	yzf_canon_put_int(&b, (int64_t)c->size);
	yzf_buf_puts(&b, ",\"root\":");
	yzf_put_hex(&b, c->root, 32);
	yzf_buf_puts(&b, ",\"at\":");
	yzf_put_time(&b, c->at_ms, c->tz);
	yzf_buf_puts(&b, ",\"req\":");
	if (c->has_req)
		yzf_put_hex(&b, c->req, YZF_NONCE_LEN);
	else
		yzf_buf_puts(&b, "null");
	yzf_buf_putc(&b, '}');
	int rc = b.oom ? YZF_ENOMEM
		       : yzf_sign_wrap(CKPT_DOMAIN, "{\"ckpt\":", b.p, b.len,
				       city_sk, out);
	yzf_buf_free(&b);
	return rc;
}

int yzf_checkpoint_parse(const uint8_t *line, size_t len,
			 const uint8_t city_pk[YZF_KEY_LEN],
			 struct yzf_checkpoint *c, struct yzf_canon_err *err)
{
	const uint8_t *b;
	size_t n;
	uint8_t sig[YZF_SIG_LEN];
	int64_t v, size = 0;
	struct yzf_canon_cur cur;
	memset(c, 0, sizeof *c);
	int rc = yzf_unwrap_signed("{\"ckpt\":", line, len, &b, &n, sig, err);
	if (rc)
		return rc;
	yzf_canon_cur_init(&cur, b, n);
	yzf_canon_byte(&cur, '{');
	if (!yzf_canon_key(&cur, "v"))
		yzf_canon_int(&cur, 1, 1, &v);
	yzf_canon_byte(&cur, ',');
	if (!yzf_canon_key(&cur, "size"))
		yzf_canon_int(&cur, 0, YZF_CANON_INT_MAX, &size);
	c->size = (uint64_t)size;
	yzf_canon_byte(&cur, ',');
	yzf_cur_hex(&cur, "root", c->root, 32, "root: not 64 hex digits");
	yzf_canon_byte(&cur, ',');
	yzf_cur_time(&cur, "at", &c->at_ms, &c->tz, "at: not a yzf time");
	yzf_canon_byte(&cur, ',');
	if (!yzf_canon_key(&cur, "req") && yzf_canon_null(&cur) != YZF_OK) {
		const uint8_t *h;
		size_t hl;
		c->has_req = true;
		if (!yzf_canon_str(&cur, &h, &hl) &&
		    !yzf_unhex((const char *)h, hl, c->req, YZF_NONCE_LEN))
			yzf_cur_fail(&cur, "req: not 32 hex digits");
	}
	return yzf_signed_close(&cur, 8, CKPT_DOMAIN, sig, city_pk,
				"signature does not verify under the city key",
				err);
}

int yzf_attested(struct yzf *y, struct yzf_attested *a)
{
	int64_t mono;
	int32_t tz;
	memset(a, 0, sizeof *a);
	int rc = yzf_now(y, &a->clock_ms, &tz);
	if (!rc)
		rc = yzf_mono(y, &mono);
	if (rc)
		return rc;
	a->now_ms = a->clock_ms;
	a->tz = tz;
	sqlite3_stmt *st = yzf_stmt(y, ST_ATTESTED, "SELECT at, tz, mono, local "
				    "FROM attested WHERE id = 1");
	if (!st)
		return yzf_fail_db(y, "attested");
	if (sqlite3_step(st) == SQLITE_ROW) {
		a->have = true;
		a->at_ms = sqlite3_column_int64(st, 0);
		a->tz = (int32_t)sqlite3_column_int(st, 1);
		a->mono_ms = sqlite3_column_int64(st, 2);
		a->local_ms = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	if (!a->have)
		return YZF_OK;
	/* The latest of what each clock allows, never before the attested
	 * time: a clock set back (or a monotonic clock that restarted with
	 * a reboot) cannot make reference data look younger than the city
	 * has said it is. */
	int64_t by_clock = a->clock_ms - (a->local_ms - a->at_ms);
	a->now_ms = a->at_ms;
	if (mono >= a->mono_ms && a->at_ms + (mono - a->mono_ms) > a->now_ms) {
		a->now_ms = a->at_ms + (mono - a->mono_ms);
		a->by_mono = true;
	}
	if (by_clock > a->now_ms) {
		a->now_ms = by_clock;
		a->by_mono = false;
	}
	a->drift_ms = a->clock_ms - a->now_ms;
	return YZF_OK;
}

int yzf_attest(struct yzf *y, int64_t at_ms, int32_t tz)
{
	int64_t mono, local;
	int32_t ltz;
	int rc = yzf_now(y, &local, &ltz);
	if (!rc)
		rc = yzf_mono(y, &mono);
	if (rc)
		return rc;
	sqlite3_stmt *st = yzf_stmt(y, ST_ATTEST, "INSERT INTO attested (id, at, "
				    "tz, mono, local) VALUES (1, ?, ?, ?, ?) ON "
				    "CONFLICT (id) DO UPDATE SET at = excluded.at, "
				    "tz = excluded.tz, mono = excluded.mono, local "
				    "= excluded.local WHERE excluded.at >= at");
	if (!st)
		return yzf_fail_db(y, "attested");
	sqlite3_bind_int64(st, 1, at_ms);
	sqlite3_bind_int(st, 2, tz);
	sqlite3_bind_int64(st, 3, mono);
	sqlite3_bind_int64(st, 4, local);
	rc = sqlite3_step(st) == SQLITE_DONE ? YZF_OK
					     : yzf_fail_db(y, "attested");
	sqlite3_reset(st);
	return rc;
}

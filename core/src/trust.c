/* What the terminal trusts the city for: signed checkpoints of the city's
 * log, and the time they attest. */
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
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
	memset(a, 0, sizeof *a);
	int rc = yzf_now(y, &a->clock_ms, &a->clock_tz);
	if (!rc)
		rc = yzf_mono(y, &mono);
	if (rc)
		return rc;
	a->mono_now_ms = mono;
	a->now_ms = a->clock_ms;
	a->tz = a->clock_tz;
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
	/* The attested time plus the monotonic time since, while the
	 * monotonic clock runs on from when it came (no reboot): neither a
	 * wall clock set back nor one set forward moves it. After a reboot
	 * (the monotonic clock restarted below it), the wall clock corrected
	 * by the drift seen then, but never before the attested time: a
	 * clock set back cannot make reference data look younger than the
	 * city has said it is. */
	if (mono >= a->mono_ms) {
		a->now_ms = a->at_ms + (mono - a->mono_ms);
		a->by_mono = true;
	} else {
		int64_t by_clock = a->clock_ms - (a->local_ms - a->at_ms);
		a->now_ms = by_clock > a->at_ms ? by_clock : a->at_ms;
	}
	a->drift_ms = a->clock_ms - a->now_ms;
	return YZF_OK;
}

void yzf_time_of(const struct yzf_attested *a, int64_t *ms, int32_t *tz)
{
	bool att = a->have && a->by_mono;
	*ms = att ? a->now_ms : a->clock_ms;
	*tz = att ? a->tz : a->clock_tz;
}

int yzf_time_now(struct yzf *y, int64_t *ms, int32_t *tz)
{
	struct yzf_attested a;
	int rc = yzf_attested(y, &a);
	if (!rc)
		yzf_time_of(&a, ms, tz);
	return rc;
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

/* ---- the city's log, as the terminal checks it ------------------------ */

static size_t hashes(const cJSON *arr, uint8_t (*out)[32], size_t cap,
		     bool *ok)
{
	size_t n = 0;
	const cJSON *e;
	*ok = arr == NULL || cJSON_IsArray(arr);
	cJSON_ArrayForEach(e, arr) {
		if (n == cap || !cJSON_IsString(e) ||
		    !yzf_unhex(e->valuestring, strlen(e->valuestring), out[n],
			       32)) {
			*ok = false;
			return n;
		}
		n++;
	}
	return n;
}

/* Whether the checkpoint of log (a GET /v1/checkpoint or push answer's
 * "log" object) is signed by city_pk and consistent with the older
 * checkpoint (size m, root): the check anyone can make. why (256 bytes)
 * says what failed: YZF_EBADSIG for a bad signature, YZF_ECORRUPT for an
 * inconsistent log, YZF_EINVAL for an answer that is not one. */
static int check_log(const uint8_t city_pk[YZF_KEY_LEN], const cJSON *log,
		     uint64_t m, const uint8_t root[32],
		     struct yzf_checkpoint *c, char why[256])
{
	const cJSON *line = cJSON_GetObjectItemCaseSensitive(log, "checkpoint");
	const cJSON *from = cJSON_GetObjectItemCaseSensitive(log, "from");
	uint8_t p[YZF_MERKLE_MAX_PROOF][32];
	struct yzf_canon_err e;
	bool ok;
	if (!cJSON_IsObject(log) || !cJSON_IsString(line)) {
		snprintf(why, 256, "the answer carries no checkpoint of the "
			 "city's log");
		return YZF_EINVAL;
	}
	int rc = yzf_checkpoint_parse((const uint8_t *)line->valuestring,
				      strlen(line->valuestring), city_pk, c, &e);
	if (rc) {
		snprintf(why, 256, "checkpoint: %s (byte %zu)", e.why, e.off);
		return rc == YZF_EBADSIG ? rc : YZF_EINVAL;
	}
	if (m == 0)
		return YZF_OK;
	if (c->size < m) {
		snprintf(why, 256, "the city's log shrank from %llu records to "
			 "%llu", (unsigned long long)m,
			 (unsigned long long)c->size);
		return YZF_ECORRUPT;
	}
	size_t n = hashes(cJSON_GetObjectItemCaseSensitive(log, "consistency"),
			  p, YZF_MERKLE_MAX_PROOF, &ok);
	if (!cJSON_IsNumber(from) || from->valuedouble != (double)m || !ok) {
		snprintf(why, 256, "the answer carries no consistency proof from "
			 "the %llu records held", (unsigned long long)m);
		return YZF_EINVAL;
	}
	if (yzf_merkle_verify_consistency(m, c->size, root, c->root,
					  (const uint8_t(*)[32])p, n)) {
		snprintf(why, 256, "the city's log of %llu records is not an "
			 "extension of the %llu it signed before: records it "
			 "acknowledged were removed or changed",
			 (unsigned long long)c->size, (unsigned long long)m);
		return YZF_ECORRUPT;
	}
	return YZF_OK;
}

/* The checkpoint held: size 0 when none. line may be NULL. */
static int held(struct yzf *y, uint64_t *size, uint8_t root[32],
		struct yzf_buf *line)
{
	sqlite3_stmt *st;
	*size = 0;
	if (sqlite3_prepare_v2(y->db, "SELECT size, root, line FROM checkpoint "
			       "WHERE id = 1", -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "checkpoint");
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_bytes(st, 1) == 32) {
		*size = (uint64_t)sqlite3_column_int64(st, 0);
		memcpy(root, sqlite3_column_blob(st, 1), 32);
		if (line)
			yzf_buf_put(line, sqlite3_column_blob(st, 2),
				    (size_t)sqlite3_column_bytes(st, 2));
	}
	sqlite3_finalize(st);
	return YZF_OK;
}

/* Keep an inconsistent checkpoint with the one held and the answer as
 * evidence (the caller commits it: it must survive the refusal). */
static int keep_evidence(struct yzf *y, const cJSON *log, const char *why)
{
	struct yzf_buf hl = { 0 };
	uint8_t root[32];
	uint64_t size;
	int64_t now;
	int32_t tz;
	sqlite3_stmt *st = NULL;
	const cJSON *line = cJSON_GetObjectItemCaseSensitive(log, "checkpoint");
	char *all = cJSON_PrintUnformatted(log);
	int rc = yzf_now(y, &now, &tz);
	if (!rc)
		rc = held(y, &size, root, &hl);
	if (!rc && !all)
		rc = yzf_fail(y, YZF_ENOMEM, "out of memory");
	if (!rc && sqlite3_prepare_v2(y->db, "INSERT INTO log_evidence (detected, "
				      "held, offered, proof, reason) VALUES (?, ?, "
				      "?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		rc = yzf_fail_db(y, "log_evidence");
	if (!rc) {
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_blob(st, 2, hl.p ? hl.p : (const uint8_t *)"",
				  (int)hl.len, SQLITE_STATIC);
		sqlite3_bind_blob(st, 3, line->valuestring,
				  (int)strlen(line->valuestring), SQLITE_STATIC);
		sqlite3_bind_blob(st, 4, all, (int)strlen(all), SQLITE_STATIC);
		sqlite3_bind_text(st, 5, why, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = yzf_fail_db(y, "log_evidence");
	}
	sqlite3_finalize(st);
	free(all);
	yzf_buf_free(&hl);
	return rc;
}

int yzf_log_check(struct yzf *y, const uint8_t *nonce, const cJSON *log,
		  struct yzf_checkpoint *c, bool *kept)
{
	*kept = false;
	uint8_t pk[YZF_KEY_LEN], root[32];
	uint64_t m;
	char why[256];
	int rc = yzf_city_pk(y, pk);
	if (!rc)
		rc = held(y, &m, root, NULL);
	if (rc)
		return rc;
	rc = check_log(pk, log, m, root, c, why);
	if (rc == YZF_ECORRUPT) {
		int erc = keep_evidence(y, log, why);
		*kept = !erc;
		return erc ? erc : yzf_fail(y, rc, "%s; both checkpoints are "
					    "kept as evidence (yzf trust "
					    "status)", why);
	}
	if (rc)
		return yzf_fail(y, rc, "%s", why);
	if (nonce && (!c->has_req ||
		      sodium_memcmp(c->req, nonce, YZF_NONCE_LEN) != 0))
		return yzf_fail(y, YZF_EBADSIG, "checkpoint: it does not answer "
				"this request (req differs): a replayed answer");
	return YZF_OK;
}

int yzf_log_end(struct yzf *y, int rc, bool kept)
{
	if (!rc || kept) {
		int crc = yzf_commit(y);
		return rc ? rc : crc;
	}
	yzf_rollback(y);
	return rc;
}

int yzf_log_keep(struct yzf *y, const cJSON *log,
		 const struct yzf_checkpoint *c, bool attest)
{
	const cJSON *line = cJSON_GetObjectItemCaseSensitive(log, "checkpoint");
	int64_t now;
	int32_t tz;
	sqlite3_stmt *st;
	int rc = yzf_now(y, &now, &tz);
	if (!rc && attest)
		rc = yzf_attest(y, c->at_ms, c->tz);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(y->db, "INSERT INTO checkpoint (id, size, root, at, "
			       "line, received) VALUES (1, ?, ?, ?, ?, ?) ON "
			       "CONFLICT (id) DO UPDATE SET size = excluded.size, "
			       "root = excluded.root, at = excluded.at, line = "
			       "excluded.line, received = excluded.received",
			       -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "checkpoint");
	sqlite3_bind_int64(st, 1, (int64_t)c->size);
	sqlite3_bind_blob(st, 2, c->root, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, c->at_ms);
	sqlite3_bind_blob(st, 4, line->valuestring,
			  (int)strlen(line->valuestring), SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	rc = sqlite3_step(st) == SQLITE_DONE ? YZF_OK
					     : yzf_fail_db(y, "checkpoint");
	sqlite3_finalize(st);
	return rc;
}

int yzf_trust_nonce(struct yzf *y, uint8_t nonce[YZF_NONCE_LEN])
{
	return yzf_random(y, nonce, YZF_NONCE_LEN);
}

int yzf_trust_log_size(struct yzf *y, uint64_t *size)
{
	uint8_t root[32];
	return held(y, size, root, NULL);
}

int yzf_trust_checkpoint_answer(struct yzf *y,
				const uint8_t nonce[YZF_NONCE_LEN], int status,
				const uint8_t *body, size_t len,
				struct yzf_checkpoint *c)
{
	cJSON *j = cJSON_ParseWithLengthOpts((const char *)body, len, NULL, 0);
	int rc;
	if (status != 200 || !cJSON_IsObject(j)) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");
		rc = yzf_fail(y, YZF_EINVAL, "checkpoint: the city answered HTTP "
			      "%d: %.300s", status,
			      cJSON_IsString(m) ? m->valuestring : "no message");
	} else {
		const cJSON *log = cJSON_GetObjectItemCaseSensitive(j, "log");
		bool kept;
		/* check and keep in one transaction: two syncs at once cannot
		 * each check against the same old checkpoint */
		if (!(rc = yzf_begin(y))) {
			rc = yzf_log_check(y, nonce, log, c, &kept);
			if (!rc)
				rc = yzf_log_keep(y, log, c, true);
			rc = yzf_log_end(y, rc, kept);
		}
	}
	cJSON_Delete(j);
	return rc;
}

int yzf_trust_status(struct yzf *y, struct yzf_trust_status *s)
{
	sqlite3_stmt *st;
	struct yzf_canon_err e;
	memset(s, 0, sizeof *s);
	int rc = yzf_attested(y, &s->att);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(y->db, "SELECT line, received FROM checkpoint "
			       "WHERE id = 1", -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "checkpoint");
	if (sqlite3_step(st) == SQLITE_ROW) {
		uint8_t pk[YZF_KEY_LEN];
		rc = yzf_city_pk(y, pk);
		if (!rc && yzf_checkpoint_parse(sqlite3_column_blob(st, 0),
						(size_t)sqlite3_column_bytes(st, 0),
						pk, &s->ckpt, &e))
			rc = yzf_fail(y, YZF_ECORRUPT, "checkpoint held: %s",
				      e.why);
		s->have_ckpt = !rc;
		s->received_ms = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (!rc && sqlite3_prepare_v2(y->db, "SELECT count(*) FROM log_evidence",
				      -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			s->evidence = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return rc;
}

int yzf_trust_evidence(struct yzf *y, size_t i, struct yzf_buf *held_line,
		       struct yzf_buf *offered, char reason[256],
		       int64_t *detected)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(y->db, "SELECT held, offered, reason, detected "
			       "FROM log_evidence ORDER BY n LIMIT 1 OFFSET ?",
			       -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "log_evidence");
	sqlite3_bind_int64(st, 1, (int64_t)i);
	int rc = YZF_ENOTFOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		yzf_buf_put(held_line, sqlite3_column_blob(st, 0),
			    (size_t)sqlite3_column_bytes(st, 0));
		yzf_buf_put(offered, sqlite3_column_blob(st, 1),
			    (size_t)sqlite3_column_bytes(st, 1));
		snprintf(reason, 256, "%s",
			 (const char *)sqlite3_column_text(st, 2));
		*detected = sqlite3_column_int64(st, 3);
		rc = YZF_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

int yzf_trust_check_consistency(const uint8_t city_pk[YZF_KEY_LEN],
				const uint8_t *older, size_t olen,
				const uint8_t *newer, size_t nlen,
				struct yzf_checkpoint *c, char why[256])
{
	struct yzf_checkpoint o;
	struct yzf_canon_err e;
	while (olen && (older[olen - 1] == '\n' || older[olen - 1] == '\r'))
		olen--;
	int rc = yzf_checkpoint_parse(older, olen, city_pk, &o, &e);
	if (rc) {
		snprintf(why, 256, "older checkpoint: %s (byte %zu)", e.why,
			 e.off);
		return rc;
	}
	cJSON *j = cJSON_ParseWithLengthOpts((const char *)newer, nlen, NULL, 0);
	const cJSON *log = cJSON_GetObjectItemCaseSensitive(j, "log");
	rc = check_log(city_pk, log ? log : j, o.size, o.root, c, why);
	cJSON_Delete(j);
	return rc;
}

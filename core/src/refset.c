/* Reference data sets: signed headers, and the newest version of each kept
 * on the terminal, never rolled back. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "sign.h"
#include "util.h"

#define SET_DOMAIN "yzf-set-v1"

static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= 32 && s[0] >= 'a' && s[0] <= 'z' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

int yzf_refset_sign_line(const struct yzf_refset *s, const uint8_t city_sk[64],
			 struct yzf_buf *out)
{
	struct yzf_buf b = { 0 };
	if (!name_ok(s->name) || s->version < 1 || s->version > YZF_CANON_INT_MAX ||
	    s->size < 0 || s->size > YZF_CANON_INT_MAX ||
	    !yzf_time_ok(s->at_ms, s->tz))
		return YZF_EINVAL;
	yzf_buf_puts(&b, "{\"v\":1,\"name\":\"");
	yzf_buf_puts(&b, s->name);
	yzf_buf_puts(&b, "\",\"version\":");
	yzf_canon_put_int(&b, s->version);
	yzf_buf_puts(&b, ",\"hash\":");
	yzf_put_hex(&b, s->hash, 32);
	yzf_buf_puts(&b, ",\"size\":");
	yzf_canon_put_int(&b, s->size);
	yzf_buf_puts(&b, ",\"at\":");
	yzf_put_time(&b, s->at_ms, s->tz);
	yzf_buf_putc(&b, '}');
	int rc = b.oom ? YZF_ENOMEM
		       : yzf_sign_wrap(SET_DOMAIN, "{\"set\":", b.p, b.len,
				       city_sk, out);
	yzf_buf_free(&b);
	return rc;
}

int yzf_refset_parse(const uint8_t *line, size_t len,
		     const uint8_t city_pk[YZF_KEY_LEN], struct yzf_refset *s,
		     struct yzf_canon_err *err)
{
	const uint8_t *b;
	size_t n;
	uint8_t sig[YZF_SIG_LEN];
	int64_t v;
	struct yzf_canon_cur c;
	memset(s, 0, sizeof *s);
	int rc = yzf_unwrap_signed("{\"set\":", line, len, &b, &n, sig, err);
	if (rc)
		return rc;
	yzf_canon_cur_init(&c, b, n);
	yzf_canon_byte(&c, '{');
	if (!yzf_canon_key(&c, "v"))
		yzf_canon_int(&c, 1, 1, &v);
	yzf_canon_byte(&c, ',');
	if (!yzf_canon_key(&c, "name") &&
	    !yzf_canon_str_copy(&c, s->name, sizeof s->name) && !name_ok(s->name))
		yzf_cur_fail(&c, "name: [a-z][a-z0-9_-]{0,31}");
	yzf_canon_byte(&c, ',');
	if (!yzf_canon_key(&c, "version"))
		yzf_canon_int(&c, 1, YZF_CANON_INT_MAX, &s->version);
	yzf_canon_byte(&c, ',');
	yzf_cur_hex(&c, "hash", s->hash, 32, "hash: not 64 hex digits");
	yzf_canon_byte(&c, ',');
	if (!yzf_canon_key(&c, "size"))
		yzf_canon_int(&c, 0, YZF_CANON_INT_MAX, &s->size);
	yzf_canon_byte(&c, ',');
	yzf_cur_time(&c, "at", &s->at_ms, &s->tz, "at: not a yzf time");
	return yzf_signed_close(&c, 7, SET_DOMAIN, sig, city_pk,
				"signature does not verify under the city key",
				err);
}

int yzf_refset_version(struct yzf *y, const char *name, int64_t *version)
{
	sqlite3_stmt *st;
	*version = 0;
	if (sqlite3_prepare_v2(y->db, "SELECT version FROM refdata WHERE name = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "refdata");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		*version = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return YZF_OK;
}

int yzf_refset_store(struct yzf *y, const uint8_t *line, size_t llen,
		     const uint8_t *content, size_t clen, struct yzf_refset *out)
{
	struct yzf_buf cl = { 0 };
	struct yzf_signed_cert city;
	struct yzf_refset s;
	struct yzf_canon_err e;
	uint8_t h[32];
	int64_t held, now;
	int32_t tz;
	sqlite3_stmt *st = NULL;
	int rc = yzf_pinned(y, YZF_CERT_CITY, &cl, &city);
	if (rc)
		goto out;
	rc = yzf_refset_parse(line, llen, city.c.key, &s, &e);
	if (rc) {
		rc = yzf_fail(y, rc, "reference data header: %s (byte %zu)", e.why,
			      e.off);
		goto out;
	}
	crypto_generichash(h, sizeof h, content, clen, NULL, 0);
	if ((int64_t)clen != s.size || sodium_memcmp(h, s.hash, 32) != 0) {
		rc = yzf_fail(y, YZF_ECORRUPT, "reference data %s v%lld: the "
			      "content does not match its signed hash and size",
			      s.name, (long long)s.version);
		goto out;
	}
	rc = yzf_refset_version(y, s.name, &held);
	if (!rc && s.version <= held) {
		rc = yzf_fail(y, YZF_ESTATE, "reference data %s: version %lld is "
			      "not newer than the %lld held: rollback refused",
			      s.name, (long long)s.version, (long long)held);
		goto out;
	}
	if (!rc)
		rc = yzf_now(y, &now, &tz);
	if (!rc && sqlite3_prepare_v2(y->db, "INSERT INTO refdata (name, version, "
				      "line, content, received) VALUES (?, ?, ?, ?, "
				      "?) ON CONFLICT (name) DO UPDATE SET version "
				      "= excluded.version, line = excluded.line, "
				      "content = excluded.content, received = "
				      "excluded.received", -1, &st, NULL) != SQLITE_OK)
		rc = yzf_fail_db(y, "refdata");
	if (!rc) {
		sqlite3_bind_text(st, 1, s.name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, s.version);
		sqlite3_bind_blob(st, 3, line, (int)llen, SQLITE_STATIC);
		sqlite3_bind_blob(st, 4, content, (int)clen, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, now);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = yzf_fail_db(y, "refdata");
	}
	if (!rc && out)
		*out = s;
out:
	sqlite3_finalize(st);
	yzf_buf_free(&cl);
	return rc;
}

int yzf_refset_list(struct yzf *y, size_t i, char name[33], int64_t *version,
		    int64_t *size)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(y->db, "SELECT name, version, length(content) FROM "
			       "refdata ORDER BY name LIMIT 1 OFFSET ?", -1, &st,
			       NULL) != SQLITE_OK)
		return yzf_fail_db(y, "refdata");
	sqlite3_bind_int64(st, 1, (int64_t)i);
	int rc = YZF_ENOTFOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(name, 33, "%s", (const char *)sqlite3_column_text(st, 0));
		*version = sqlite3_column_int64(st, 1);
		*size = sqlite3_column_int64(st, 2);
		rc = YZF_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

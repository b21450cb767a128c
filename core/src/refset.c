/* Reference data: signed set headers, the signed snapshot index that binds
 * them, and the terminal's side: index and sets taken all or nothing by
 * the rules in yzf/refset.h, held in the store so they hold across
 * restarts. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "sign.h"
#include "util.h"

#define SET_DOMAIN "yzf-set-v1"
#define INDEX_DOMAIN "yzf-index-v1"

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

/* --- The snapshot index. ------------------------------------------------ */

#define STR_(x) #x
#define STR(x) STR_(x)

static bool entry_ok(const struct yzf_refentry *e)
{
	return name_ok(e->name) && e->version >= 1 &&
	       e->version <= YZF_CANON_INT_MAX && e->size >= 0 &&
	       e->size <= YZF_CANON_INT_MAX;
}

/* Sorted by name with each name once: the order a terminal binary-searches
 * and the one spelling of a given set of entries. */
static bool entries_ok(const struct yzf_refindex *ix)
{
	if (ix->n > YZF_MAX_REFSETS)
		return false;
	for (size_t i = 0; i < ix->n; i++)
		if (!entry_ok(&ix->sets[i]) ||
		    (i && strcmp(ix->sets[i - 1].name, ix->sets[i].name) >= 0))
			return false;
	return true;
}

static void put_entry(struct yzf_buf *b, const struct yzf_refentry *e)
{
	yzf_buf_puts(b, "{\"name\":\"");
	yzf_buf_puts(b, e->name);
	yzf_buf_puts(b, "\",\"version\":");
	yzf_canon_put_int(b, e->version);
	yzf_buf_puts(b, ",\"hash\":");
	yzf_put_hex(b, e->hash, 32);
	yzf_buf_puts(b, ",\"size\":");
	yzf_canon_put_int(b, e->size);
	yzf_buf_putc(b, '}');
}

int yzf_refindex_sign_line(const struct yzf_refindex *ix,
			   const uint8_t city_sk[64], struct yzf_buf *out)
{
	struct yzf_buf b = { 0 };
	if (ix->version < 1 || ix->version > YZF_CANON_INT_MAX ||
	    !yzf_time_ok(ix->at_ms, ix->tz) ||
	    !yzf_time_ok(ix->expires_ms, ix->expires_tz) ||
	    ix->expires_ms < ix->at_ms || !entries_ok(ix))
		return YZF_EINVAL;
	yzf_buf_puts(&b, "{\"v\":1,\"version\":");
	yzf_canon_put_int(&b, ix->version);
	yzf_buf_puts(&b, ",\"at\":");
	yzf_put_time(&b, ix->at_ms, ix->tz);
	yzf_buf_puts(&b, ",\"expires\":");
	yzf_put_time(&b, ix->expires_ms, ix->expires_tz);
	yzf_buf_puts(&b, ",\"sets\":[");
	for (size_t i = 0; i < ix->n; i++) {
		if (i)
			yzf_buf_putc(&b, ',');
		put_entry(&b, &ix->sets[i]);
	}
	yzf_buf_puts(&b, "]}");
	int rc = b.oom ? YZF_ENOMEM
		       : yzf_sign_wrap(INDEX_DOMAIN, "{\"index\":", b.p, b.len,
				       city_sk, out);
	yzf_buf_free(&b);
	return rc;
}

static void cur_entry(struct yzf_canon_cur *c, struct yzf_refentry *e)
{
	yzf_canon_byte(c, '{');
	if (!yzf_canon_key(c, "name") &&
	    !yzf_canon_str_copy(c, e->name, sizeof e->name) && !name_ok(e->name))
		yzf_cur_fail(c, "sets: name: [a-z][a-z0-9_-]{0,31}");
	yzf_canon_byte(c, ',');
	if (!yzf_canon_key(c, "version"))
		yzf_canon_int(c, 1, YZF_CANON_INT_MAX, &e->version);
	yzf_canon_byte(c, ',');
	yzf_cur_hex(c, "hash", e->hash, 32, "sets: hash: not 64 hex digits");
	yzf_canon_byte(c, ',');
	if (!yzf_canon_key(c, "size"))
		yzf_canon_int(c, 0, YZF_CANON_INT_MAX, &e->size);
	yzf_canon_byte(c, '}');
}

/* "sets":[...]: each entry in name order, each name once. */
static void cur_sets(struct yzf_canon_cur *c, struct yzf_refindex *ix)
{
	if (yzf_canon_key(c, "sets") || yzf_canon_byte(c, '['))
		return;
	while (!c->err.why && !yzf_canon_peek(c, ']')) {
		if (ix->n && yzf_canon_byte(c, ','))
			return;
		if (ix->n == YZF_MAX_REFSETS) {
			yzf_cur_fail(c, "sets: more than " STR(YZF_MAX_REFSETS));
			return;
		}
		size_t at = c->off;
		cur_entry(c, &ix->sets[ix->n]);
		if (!c->err.why && ix->n &&
		    strcmp(ix->sets[ix->n - 1].name, ix->sets[ix->n].name) >= 0) {
			c->off = at;
			yzf_cur_fail(c, "sets: not sorted by name, or a name twice");
		}
		ix->n++;
	}
	yzf_canon_byte(c, ']');
}

int yzf_refindex_parse(const uint8_t *line, size_t len,
		       const uint8_t city_pk[YZF_KEY_LEN],
		       struct yzf_refindex *ix, struct yzf_canon_err *err)
{
	const uint8_t *b;
	size_t n;
	uint8_t sig[YZF_SIG_LEN];
	int64_t v;
	struct yzf_canon_cur c;
	memset(ix, 0, sizeof *ix);
	int rc = yzf_unwrap_signed("{\"index\":", line, len, &b, &n, sig, err);
	if (rc)
		return rc;
	yzf_canon_cur_init(&c, b, n);
	yzf_canon_byte(&c, '{');
	if (!yzf_canon_key(&c, "v"))
		yzf_canon_int(&c, 1, 1, &v);
	yzf_canon_byte(&c, ',');
	if (!yzf_canon_key(&c, "version"))
		yzf_canon_int(&c, 1, YZF_CANON_INT_MAX, &ix->version);
	yzf_canon_byte(&c, ',');
	yzf_cur_time(&c, "at", &ix->at_ms, &ix->tz, "at: not a yzf time");
	yzf_canon_byte(&c, ',');
	yzf_cur_time(&c, "expires", &ix->expires_ms, &ix->expires_tz,
		     "expires: not a yzf time");
	if (!c.err.why && ix->expires_ms < ix->at_ms)
		yzf_cur_fail(&c, "expires: before at");
	yzf_canon_byte(&c, ',');
	cur_sets(&c, ix);
	return yzf_signed_close(&c, 9, INDEX_DOMAIN, sig, city_pk,
				"signature does not verify under the city key",
				err);
}

/* The entry the index has for name, or NULL (entries are sorted). */
static const struct yzf_refentry *named(const struct yzf_refindex *ix,
					const char *name)
{
	size_t lo = 0, hi = ix->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(ix->sets[mid].name, name);
		if (d == 0)
			return &ix->sets[mid];
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* --- On the terminal. ---------------------------------------------------- */

/* The index held, verified again (the store is not trusted to have kept
 * it unaltered); line (may be NULL) receives its bytes. *have is false
 * when none is held. */
static int held_index(struct yzf *y, const uint8_t pk[YZF_KEY_LEN],
		      struct yzf_refindex *ix, struct yzf_buf *line, bool *have)
{
	sqlite3_stmt *st;
	struct yzf_canon_err e;
	int rc = YZF_OK;
	*have = false;
	if (sqlite3_prepare_v2(y->db, "SELECT line FROM refindex WHERE id = 1",
			       -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "refindex");
	if (sqlite3_step(st) == SQLITE_ROW) {
		const uint8_t *l = sqlite3_column_blob(st, 0);
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		*have = true;
		if (yzf_refindex_parse(l, n, pk, ix, &e))
			rc = yzf_fail(y, YZF_ECORRUPT, "reference data index held: "
				      "%s (byte %zu)", e.why, e.off);
		else if (line)
			yzf_buf_put(line, l, n);
	}
	sqlite3_finalize(st);
	if (!rc && line && line->oom)
		rc = YZF_ENOMEM;
	return rc;
}

/* The header of the set held under name, verified again; *have is false
 * when none is held. */
static int held_set(struct yzf *y, const uint8_t pk[YZF_KEY_LEN],
		    const char *name, struct yzf_refset *s, bool *have)
{
	sqlite3_stmt *st;
	struct yzf_canon_err e;
	int rc = YZF_OK;
	*have = false;
	if (sqlite3_prepare_v2(y->db, "SELECT line FROM refdata WHERE name = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "refdata");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*have = true;
		if (yzf_refset_parse(sqlite3_column_blob(st, 0),
				     (size_t)sqlite3_column_bytes(st, 0), pk, s,
				     &e))
			rc = yzf_fail(y, YZF_ECORRUPT, "reference data %s held: "
				      "header: %s (byte %zu)", name, e.why, e.off);
	}
	sqlite3_finalize(st);
	return rc;
}

/* The index offered against the one held: signed by the city, not older,
 * and at the version held only as the very same bytes. *fresh: it is
 * newer than the one held (or the first). */
static int check_index(struct yzf *y, const uint8_t pk[YZF_KEY_LEN],
		       const uint8_t *line, size_t len, struct yzf_refindex *ix,
		       bool *fresh)
{
	struct yzf_refindex held;
	struct yzf_buf hl = { 0 };
	struct yzf_canon_err e;
	bool have;
	int rc = yzf_refindex_parse(line, len, pk, ix, &e);
	if (rc == YZF_EBADSIG)
		return yzf_fail(y, rc, "reference data index: the signature does "
				"not verify under the pinned city key: unknown "
				"signing key");
	if (rc)
		return yzf_fail(y, rc, "reference data index: %s (byte %zu)",
				e.why, e.off);
	rc = held_index(y, pk, &held, &hl, &have);
	*fresh = !rc && (!have || ix->version > held.version);
	if (rc || !have) {
		/* nothing held to compare with */
	} else if (ix->version < held.version) {
		rc = yzf_fail(y, YZF_ESTATE, "reference data index: version %lld "
			      "is older than the version %lld held: rollback "
			      "refused", (long long)ix->version,
			      (long long)held.version);
	} else if (ix->version == held.version &&
		   (hl.len != len || memcmp(hl.p, line, len) != 0)) {
		rc = yzf_fail(y, YZF_ESTATE, "reference data index: version %lld "
			      "differs from the version %lld held: same version, "
			      "different bytes refused", (long long)ix->version,
			      (long long)held.version);
	}
	yzf_buf_free(&hl);
	return rc;
}

/* A set's header parsed and checked with its content: signed by the city
 * and matching its signed hash and size. */
static int check_header(struct yzf *y, const uint8_t pk[YZF_KEY_LEN],
			struct yzf_refdata_in *in)
{
	struct yzf_refset *s = &in->set;
	struct yzf_canon_err e;
	uint8_t h[32];
	int rc = yzf_refset_parse(in->line, in->llen, pk, s, &e);
	if (rc == YZF_EBADSIG)
		return yzf_fail(y, rc, "reference data %s version %lld: the "
				"header signature does not verify under the pinned "
				"city key: unknown signing key", s->name,
				(long long)s->version);
	if (rc)
		return yzf_fail(y, rc, "reference data set header: %s (byte %zu)",
				e.why, e.off);
	crypto_generichash(h, sizeof h, in->content, in->clen, NULL, 0);
	if ((int64_t)in->clen != s->size || sodium_memcmp(h, s->hash, 32) != 0)
		return yzf_fail(y, YZF_ECORRUPT, "reference data %s version %lld: "
				"the content does not match its signed hash and "
				"size", s->name, (long long)s->version);
	return YZF_OK;
}

/* A set arrived as the index names it (no mix-and-match) and not older
 * than the one held (no rollback). in->stored: it is not held already. */
static int check_set(struct yzf *y, const uint8_t pk[YZF_KEY_LEN],
		     const struct yzf_refindex *ix, struct yzf_refdata_in *in)
{
	const struct yzf_refset *s = &in->set;
	struct yzf_refset held;
	bool have;
	int rc = check_header(y, pk, in);
	if (rc)
		return rc;
	const struct yzf_refentry *en = named(ix, s->name);
	if (!en)
		return yzf_fail(y, YZF_EINVAL, "reference data %s: not named by "
				"index version %lld: mix-and-match refused",
				s->name, (long long)ix->version);
	if (en->version != s->version)
		return yzf_fail(y, YZF_EINVAL, "reference data %s: version %lld "
				"is not the version %lld that index version %lld "
				"names: mix-and-match refused", s->name,
				(long long)s->version, (long long)en->version,
				(long long)ix->version);
	if (en->size != s->size || sodium_memcmp(en->hash, s->hash, 32) != 0)
		return yzf_fail(y, YZF_EINVAL, "reference data %s version %lld: "
				"hash or size is not the one index version %lld "
				"names: mix-and-match refused", s->name,
				(long long)s->version, (long long)ix->version);
	if ((rc = held_set(y, pk, s->name, &held, &have)))
		return rc;
	in->stored = !have || s->version > held.version;
	if (have && s->version < held.version)
		return yzf_fail(y, YZF_ESTATE, "reference data %s: version %lld "
				"is older than the version %lld held: rollback "
				"refused", s->name, (long long)s->version,
				(long long)held.version);
	if (have && s->version == held.version &&
	    (s->size != held.size || sodium_memcmp(s->hash, held.hash, 32) != 0))
		return yzf_fail(y, YZF_ESTATE, "reference data %s: version %lld "
				"differs from the version %lld held: same version, "
				"different bytes refused", s->name,
				(long long)s->version, (long long)held.version);
	return YZF_OK;
}

static int write_index(struct yzf *y, const struct yzf_refindex *ix,
		       const uint8_t *line, size_t len, int64_t now)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(y->db, "INSERT INTO refindex (id, version, line, "
			       "expires, received) VALUES (1, ?, ?, ?, ?) ON "
			       "CONFLICT (id) DO UPDATE SET version = "
			       "excluded.version, line = excluded.line, expires = "
			       "excluded.expires, received = excluded.received",
			       -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "refindex");
	sqlite3_bind_int64(st, 1, ix->version);
	sqlite3_bind_blob(st, 2, line, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ix->expires_ms);
	sqlite3_bind_int64(st, 4, now);
	int rc = sqlite3_step(st) == SQLITE_DONE ? YZF_OK
						 : yzf_fail_db(y, "refindex");
	sqlite3_finalize(st);
	return rc;
}

static int write_set(struct yzf *y, const struct yzf_refdata_in *in,
		     int64_t now)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(y->db, "INSERT INTO refdata (name, version, line, "
			       "content, received) VALUES (?, ?, ?, ?, ?) ON "
			       "CONFLICT (name) DO UPDATE SET version = "
			       "excluded.version, line = excluded.line, content = "
			       "excluded.content, received = excluded.received",
			       -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "refdata");
	sqlite3_bind_text(st, 1, in->set.name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, in->set.version);
	sqlite3_bind_blob(st, 3, in->line, (int)in->llen, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, in->content, (int)in->clen, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	int rc = sqlite3_step(st) == SQLITE_DONE ? YZF_OK
						 : yzf_fail_db(y, "refdata");
	sqlite3_finalize(st);
	return rc;
}

/* How a held set stands against the index (ix NULL: none held). */
static void stand(const struct yzf_refindex *ix, const struct yzf_refset *s,
		  struct yzf_refheld *h)
{
	const struct yzf_refentry *en = ix ? named(ix, s->name) : NULL;
	h->indexed = en ? en->version : 0;
	h->matches = en && en->version == s->version && en->size == s->size &&
		     sodium_memcmp(en->hash, s->hash, 32) == 0;
}

/* Count held, stale and missing sets against st->index. */
static int count_sets(struct yzf *y, const uint8_t pk[YZF_KEY_LEN],
		      struct yzf_refdata_state *st)
{
	sqlite3_stmt *q;
	struct yzf_canon_err e;
	size_t named_held = 0;
	int rc = YZF_OK;
	if (sqlite3_prepare_v2(y->db, "SELECT name, line FROM refdata ORDER BY "
			       "name", -1, &q, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "refdata");
	while (!rc && sqlite3_step(q) == SQLITE_ROW) {
		struct yzf_refset s;
		struct yzf_refheld h;
		if (yzf_refset_parse(sqlite3_column_blob(q, 1),
				     (size_t)sqlite3_column_bytes(q, 1), pk, &s,
				     &e)) {
			rc = yzf_fail(y, YZF_ECORRUPT, "reference data %s held: "
				      "header: %s (byte %zu)",
				      (const char *)sqlite3_column_text(q, 0),
				      e.why, e.off);
			break;
		}
		stand(st->have_index ? &st->index : NULL, &s, &h);
		st->held++;
		st->stale += !h.matches;
		named_held += h.indexed != 0;
	}
	sqlite3_finalize(q);
	st->missing = st->have_index ? st->index.n - named_held : 0;
	return rc;
}

/* Expiry on attested time: the city's word on what time it is, carried
 * forward by the terminal's clocks, never earlier than that word; the raw
 * clock only on a terminal the city never attested. */
static int judge_expiry(struct yzf *y, struct yzf_refdata_state *st)
{
	struct yzf_attested a;
	int rc = yzf_attested(y, &a);
	if (rc)
		return rc;
	st->attested = a.have;
	st->now_ms = a.now_ms;
	st->now_tz = a.tz;
	st->expired = st->have_index && a.now_ms >= st->index.expires_ms;
	return YZF_OK;
}

/* The state around an index already in st (st->have_index set). */
static int judge(struct yzf *y, const uint8_t pk[YZF_KEY_LEN],
		 struct yzf_refdata_state *st)
{
	st->held = st->stale = st->missing = 0;
	int rc = count_sets(y, pk, st);
	return rc ? rc : judge_expiry(y, st);
}

/* Every check before the first write, under the write lock, so a refusal
 * leaves the store exactly as it was. */
static int check_all(struct yzf *y, const uint8_t pk[YZF_KEY_LEN],
		     const uint8_t *index, size_t ilen,
		     struct yzf_refdata_in *sets, size_t n,
		     struct yzf_refindex *ix, bool *fresh)
{
	int rc = check_index(y, pk, index, ilen, ix, fresh);
	for (size_t i = 0; i < n && !rc; i++) {
		rc = check_set(y, pk, ix, &sets[i]);
		for (size_t j = 0; j < i && !rc; j++)
			if (strcmp(sets[j].set.name, sets[i].set.name) == 0)
				rc = yzf_fail(y, YZF_EINVAL, "reference data %s: "
					      "sent twice", sets[i].set.name);
	}
	return rc;
}

int yzf_refdata_apply(struct yzf *y, const uint8_t *index, size_t ilen,
		      struct yzf_refdata_in *sets, size_t n,
		      struct yzf_refdata_state *st)
{
	struct yzf_refdata_state local;
	uint8_t pk[YZF_KEY_LEN];
	int64_t now;
	int32_t tz;
	bool fresh = false;
	if (!st)
		st = &local;
	memset(st, 0, sizeof *st);
	if (!index)
		return yzf_fail(y, YZF_EINVAL, "reference data: %zu sets came "
				"without an index: refused", n);
	int rc = yzf_city_pk(y, pk);
	if (!rc)
		rc = yzf_now(y, &now, &tz);
	if (!rc)
		rc = yzf_begin(y);
	if (rc)
		return rc;
	rc = check_all(y, pk, index, ilen, sets, n, &st->index, &fresh);
	if (!rc && fresh)
		rc = write_index(y, &st->index, index, ilen, now);
	for (size_t i = 0; i < n && !rc; i++)
		if (sets[i].stored)
			rc = write_set(y, &sets[i], now);
	if (rc) {
		yzf_rollback(y);
		return rc;
	}
	if ((rc = yzf_commit(y)))
		return rc;
	st->have_index = true;
	st->fresh = fresh;
	return judge(y, pk, st);
}

int yzf_refdata_status(struct yzf *y, struct yzf_refdata_state *st)
{
	uint8_t pk[YZF_KEY_LEN];
	memset(st, 0, sizeof *st);
	int rc = yzf_city_pk(y, pk);
	if (!rc)
		rc = held_index(y, pk, &st->index, NULL, &st->have_index);
	return rc ? rc : judge(y, pk, st);
}

int yzf_refdata_held(struct yzf *y, size_t i, struct yzf_refheld *h)
{
	struct yzf_refindex ix;
	struct yzf_refset s;
	struct yzf_canon_err e;
	uint8_t pk[YZF_KEY_LEN];
	sqlite3_stmt *st = NULL;
	bool have;
	memset(h, 0, sizeof *h);
	int rc = yzf_city_pk(y, pk);
	if (!rc)
		rc = held_index(y, pk, &ix, NULL, &have);
	if (!rc && sqlite3_prepare_v2(y->db, "SELECT name, line, length(content) "
				      "FROM refdata ORDER BY name LIMIT 1 OFFSET "
				      "?", -1, &st, NULL) != SQLITE_OK)
		rc = yzf_fail_db(y, "refdata");
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, (int64_t)i);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = YZF_ENOTFOUND;
	} else if (yzf_refset_parse(sqlite3_column_blob(st, 1),
				    (size_t)sqlite3_column_bytes(st, 1), pk, &s,
				    &e)) {
		rc = yzf_fail(y, YZF_ECORRUPT, "reference data %s held: header: "
			      "%s (byte %zu)",
			      (const char *)sqlite3_column_text(st, 0), e.why,
			      e.off);
	} else {
		snprintf(h->name, sizeof h->name, "%s", s.name);
		h->version = s.version;
		h->size = sqlite3_column_int64(st, 2);
		stand(have ? &ix : NULL, &s, h);
	}
	sqlite3_finalize(st);
	return rc;
}

int yzf_refdata_read(struct yzf *y, const struct yzf_refindex *ix,
		     const char *name, struct yzf_buf *out, int64_t *version)
{
	const struct yzf_refentry *e = NULL;
	uint8_t h[32];
	sqlite3_stmt *st;
	for (size_t i = 0; i < ix->n && !e; i++)
		if (!strcmp(ix->sets[i].name, name))
			e = &ix->sets[i];
	if (!e)
		return yzf_fail(y, YZF_ENOTFOUND, "%s: not named by the "
				"reference data index held (version %lld)", name,
				(long long)ix->version);
	if (sqlite3_prepare_v2(y->db, "SELECT version, content FROM refdata "
			       "WHERE name = ?", -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "refdata");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int rc = YZF_OK;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = yzf_fail(y, YZF_ENOTFOUND, "%s: the index names version "
			      "%lld but none is held (sync)", name,
			      (long long)e->version);
	} else if (sqlite3_column_int64(st, 0) != e->version) {
		rc = yzf_fail(y, YZF_ESTATE, "%s: version %lld held, the index "
			      "names %lld (stale; sync)", name,
			      (long long)sqlite3_column_int64(st, 0),
			      (long long)e->version);
	} else {
		const void *p = sqlite3_column_blob(st, 1);
		size_t n = (size_t)sqlite3_column_bytes(st, 1);
		crypto_generichash(h, sizeof h, p, n, NULL, 0);
		if ((int64_t)n != e->size || sodium_memcmp(h, e->hash, 32))
			rc = yzf_fail(y, YZF_ECORRUPT, "%s: content held does "
				      "not match the index's hash and size",
				      name);
		else if (yzf_buf_put(out, p, n), out->oom)
			rc = yzf_fail(y, YZF_ENOMEM, "out of memory");
		*version = e->version;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Appending to feeds and reading them back. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "util.h"

int yzf_read_head(struct yzf *y, const uint8_t feed[YZF_KEY_LEN], int64_t *seq,
		  uint8_t id[YZF_ID_LEN])
{
	sqlite3_stmt *a = yzf_stmt(y, ST_HEAD_ROW,
		"SELECT seq, id FROM records WHERE feed = ? "
		"ORDER BY seq DESC LIMIT 1");
	sqlite3_stmt *b = yzf_stmt(y, ST_HEAD_FEED,
		"SELECT head_seq, head_id, head_mac FROM feeds WHERE feed = ?");
	if (!a || !b)
		return YZF_EIO;
	int64_t rseq = 0, fseq;
	uint8_t rid[YZF_ID_LEN] = { 0 }, mac[32];
	sqlite3_bind_blob(a, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
	int s = sqlite3_step(a);
	if (s == SQLITE_ROW) {
		rseq = sqlite3_column_int64(a, 0);
		if (sqlite3_column_bytes(a, 1) != YZF_ID_LEN)
			return yzf_fail(y, YZF_ECORRUPT, "head record seq %lld: "
					"id column damaged: run yzf verify",
					(long long)rseq);
		memcpy(rid, sqlite3_column_blob(a, 1), YZF_ID_LEN);
	} else if (s != SQLITE_DONE) {
		return yzf_fail_db(y, "read head");
	}
	sqlite3_reset(a);
	sqlite3_bind_blob(b, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
	s = sqlite3_step(b);
	if (s != SQLITE_ROW) {
		sqlite3_reset(b);
		return s == SQLITE_DONE
			       ? yzf_fail(y, YZF_ENOTFOUND, "feed not held by "
					  "this store")
			       : yzf_fail_db(y, "read head");
	}
	fseq = sqlite3_column_int64(b, 0);
	bool ok = sqlite3_column_bytes(b, 1) == YZF_ID_LEN &&
		  sqlite3_column_bytes(b, 2) == 32 && fseq == rseq &&
		  sodium_memcmp(sqlite3_column_blob(b, 1), rid, YZF_ID_LEN) == 0;
	if (ok) {
		yzf_head_mac(y, feed, fseq, rid, mac);
		ok = sodium_memcmp(sqlite3_column_blob(b, 2), mac, 32) == 0;
	}
	sqlite3_reset(b);
	/* Refuse to extend a feed whose head cannot be trusted: appending
	 * after a cut or restored tail would fork it silently. */
	if (!ok)
		return yzf_fail(y, YZF_ECORRUPT, "stored head of the feed "
				"(seq %lld) disagrees with its last record (seq "
				"%lld) or its MAC: run yzf verify",
				(long long)fseq, (long long)rseq);
	*seq = rseq;
	memcpy(id, rid, YZF_ID_LEN);
	return YZF_OK;
}

int yzf_write_head(struct yzf *y, const uint8_t feed[YZF_KEY_LEN], int64_t seq,
		   const uint8_t id[YZF_ID_LEN])
{
	uint8_t mac[32];
	sqlite3_stmt *st = yzf_stmt(y, ST_SET_HEAD,
		"UPDATE feeds SET head_seq = ?, head_id = ?, head_mac = ? "
		"WHERE feed = ?");
	if (!st)
		return YZF_EIO;
	yzf_head_mac(y, feed, seq, id, mac);
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_blob(st, 2, id, YZF_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, mac, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, feed, YZF_KEY_LEN, SQLITE_STATIC);
	int s = sqlite3_step(st);
	sqlite3_reset(st);
	if (s != SQLITE_DONE || sqlite3_changes(y->db) != 1)
		return yzf_fail_db(y, "write head");
	return YZF_OK;
}

int yzf_store_row(struct yzf *y, const struct yzf_record *r,
		  const uint8_t *bytes, size_t len,
		  const uint8_t sig[YZF_SIG_LEN], const uint8_t id[YZF_ID_LEN])
{
	int rc = yzf_seal_record(y, r->feed, bytes, len, &y->ct);
	if (rc)
		return rc;
	sqlite3_stmt *st = yzf_stmt(y, ST_INSERT,
		"INSERT INTO records (feed, seq, id, type, case_id, at, sig, "
		"nonce, ct) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return YZF_EIO;
	size_t nl = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
	sqlite3_bind_blob(st, 1, r->feed, YZF_KEY_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->seq);
	sqlite3_bind_blob(st, 3, id, YZF_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->type, -1, SQLITE_STATIC);
	if (r->case_id[0])
		sqlite3_bind_text(st, 5, r->case_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, r->at_ms);
	sqlite3_bind_blob(st, 7, sig, YZF_SIG_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 8, y->ct.p, (int)nl, SQLITE_STATIC);
	sqlite3_bind_blob(st, 9, y->ct.p + nl, (int)(y->ct.len - nl),
			  SQLITE_STATIC);
	int s = sqlite3_step(st);
	sqlite3_reset(st);
	return s == SQLITE_DONE ? YZF_OK : yzf_fail_db(y, "insert record");
}

/* Build, sign and store one record after (seq, prev). */
static int append_one(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		      const uint8_t *sk, const struct yzf_append *a, size_t idx,
		      int64_t seq, uint8_t prev[YZF_ID_LEN], int64_t now,
		      int32_t tz, int64_t mono, const struct yzf_attested *att,
		      const struct yzf_loc *here)
{
	struct yzf_record r;
	uint8_t sig[YZF_SIG_LEN];
	char msg[300];
	const char *type = a->type ? a->type : "";

	if (!yzf_record_type_ok(type))
		return yzf_fail(y, YZF_EINVAL, "record %zu: type \"%.48s\" is "
				"not a record type name", idx, type);
	if (a->case_id && a->case_id[0] && !yzf_record_case_ok(a->case_id))
		return yzf_fail(y, YZF_EINVAL, "record %zu: case \"%.70s\" is not "
				"a case id ([A-Za-z0-9._:-], 1 to 64)", idx,
				a->case_id);
	yzf_buf_reset(&y->body);
	int rc = yzf_schemas_canon(y->schemas, type, a->body ? a->body : "",
				   a->body ? a->body_len : 0, &y->body, msg,
				   sizeof msg);
	if (rc)
		return yzf_fail(y, rc == YZF_ENOTFOUND ? YZF_EINVAL : rc,
				"record %zu (%s): %s", idx, type, msg);
	memset(&r, 0, sizeof r);
	memcpy(r.feed, feed, YZF_KEY_LEN);
	r.seq = seq;
	memcpy(r.prev, prev, YZF_ID_LEN);
	r.at_ms = now;
	r.at_tz = tz;
	r.mono = mono;
	/* the last time the city attested, and the monotonic clock then:
	 * what the city judges this record's wall time against */
	r.has_att = att->have;
	r.att_ms = att->at_ms;
	r.att_tz = att->tz;
	r.att_mono = att->mono_ms;
	memcpy(r.type, type, strlen(type) + 1);
	if (a->case_id)
		memcpy(r.case_id, a->case_id, strlen(a->case_id) + 1);
	r.loc = a->loc ? *a->loc : *here;
	r.body = y->body.p;
	r.body_len = y->body.len;
	yzf_buf_reset(&y->env);
	rc = yzf_record_encode(&r, &y->env);
	if (rc)
		return yzf_fail(y, rc, "record %zu (%s): envelope out of range "
				"(loc or time)", idx, type);
	rc = yzf_record_sign(y->env.p, y->env.len, sk, sig);
	if (rc)
		return yzf_fail(y, rc, "signing failed");
	yzf_record_id(y->env.p, y->env.len, sig, prev);
	return yzf_store_row(y, &r, y->env.p, y->env.len, sig, prev);
}

/* An officer whose certificate does not cover now has no authority to act:
 * refuse before signing a record that could never verify. The window is
 * read once per session. */
static int cert_covers_now(struct yzf *y, struct yzf_sess *s, int64_t now)
{
	if (!s->have_validity) {
		struct yzf_buf line = { 0 };
		struct yzf_signed_cert sc;
		int rc = yzf_feed_cert(y, s->feed, &line, &sc);
		yzf_buf_free(&line);
		if (rc)
			return rc;
		s->not_before = sc.c.not_before;
		s->not_after = sc.c.not_after;
		s->tz = sc.c.tz;
		int64_t rev;
		s->revoked = yzf_revoked_at(y, sc.c.serial, &rev, NULL) == YZF_OK;
		if (s->revoked && rev - 1 < s->not_after)
			s->not_after = rev - 1;
		s->have_validity = true;
	}
	int rc = YZF_OK;
	if (s->revoked && now > s->not_after) {
		char at[YZF_TIME_LEN + 1];
		yzf_time_fmt(s->not_after + 1, s->tz, at);
		rc = yzf_fail(y, YZF_ECERT, "the officer's feed certificate was "
			      "revoked at %s: new records are refused", at);
	} else if (now < s->not_before || now > s->not_after) {
		char nb[YZF_TIME_LEN + 1], na[YZF_TIME_LEN + 1];
		yzf_time_fmt(s->not_before, s->tz, nb);
		yzf_time_fmt(s->not_after, s->tz, na);
		rc = yzf_fail(y, YZF_ECERT, "the officer's feed certificate is "
			      "valid %s .. %s, not now: renew it with the city",
			      nb, na);
	}
	return rc;
}

int yzf_may_sign(struct yzf *y, const uint8_t feed[YZF_KEY_LEN])
{
	struct yzf_sess *s;
	int64_t now;
	int32_t tz;
	int rc = yzf_session(y, feed, &s);
	if (rc == YZF_OK)
		rc = yzf_time_now(y, &now, &tz);
	return rc ? rc : cert_covers_now(y, s, now);
}

int yzf_append(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
	       const struct yzf_append *recs, size_t n, int64_t *first_seq)
{
	struct yzf_sess *s;
	struct yzf_attested att;
	struct yzf_loc here;
	int64_t seq, now, mono;
	int32_t tz;
	uint8_t id[YZF_ID_LEN];
	if (n == 0 || n > YZF_MAX_BATCH)
		return yzf_fail(y, YZF_ERANGE, "a batch holds 1 to %d records",
				YZF_MAX_BATCH);
	int rc = yzf_session(y, feed, &s);
	if (rc)
		return rc;
	const uint8_t *sk = s->sk;
	rc = yzf_begin(y);
	if (rc)
		return rc;
	rc = yzf_read_head(y, feed, &seq, id);
	/* one reading of the clocks for the batch, under the write lock */
	if (rc == YZF_OK)
		rc = yzf_attested(y, &att);
	if (rc == YZF_OK) {
		yzf_time_of(&att, &now, &tz);
		mono = att.mono_now_ms;
		rc = cert_covers_now(y, s, now);
	}
	/* where the terminal is, for the records that do not say */
	if (rc == YZF_OK)
		rc = yzf_loc_here(y, feed, mono, &here);
	if (rc == YZF_OK && first_seq)
		*first_seq = seq + 1;
	for (size_t i = 0; i < n && rc == YZF_OK; i++)
		rc = append_one(y, feed, sk, &recs[i], i + 1, ++seq, id, now, tz,
				mono, &att, &here);
	if (rc == YZF_OK)
		rc = yzf_write_head(y, feed, seq, id);
	if (rc == YZF_OK)
		return yzf_commit(y);
	yzf_rollback(y);
	return rc;
}

int yzf_head(struct yzf *y, const uint8_t feed[YZF_KEY_LEN], int64_t *seq,
	     uint8_t id[YZF_ID_LEN])
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(y->db, "SELECT head_seq, head_id FROM feeds "
			       "WHERE feed = ?", -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "head");
	sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
	int rc = yzf_fail(y, YZF_ENOTFOUND, "feed not held by this store");
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_bytes(st, 1) == YZF_ID_LEN) {
		*seq = sqlite3_column_int64(st, 0);
		memcpy(id, sqlite3_column_blob(st, 1), YZF_ID_LEN);
		rc = YZF_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

int yzf_current_feed(struct yzf *y, uint8_t feed[YZF_KEY_LEN])
{
	sqlite3_stmt *st;
	int64_t now;
	int32_t tz;
	int rc = yzf_now(y, &now, &tz), n = 0;
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(y->db, "SELECT feed FROM sessions WHERE "
			       "expires > ?", -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "sessions");
	sqlite3_bind_int64(st, 1, now);
	while (sqlite3_step(st) == SQLITE_ROW)
		if (sqlite3_column_bytes(st, 0) == YZF_KEY_LEN && n++ == 0)
			memcpy(feed, sqlite3_column_blob(st, 0), YZF_KEY_LEN);
	sqlite3_finalize(st);
	if (n == 0)
		return yzf_fail(y, YZF_ENOSESSION, "no officer is logged in");
	if (n > 1)
		return yzf_fail(y, YZF_ESTATE, "%d officers are logged in: "
				"choose the feed", n);
	return YZF_OK;
}

struct yzf_iter {
	struct yzf *y;
	sqlite3_stmt *st;
	struct yzf_buf pt;
};

int yzf_iter_open(struct yzf *y, const struct yzf_query *q,
		  struct yzf_iter **out)
{
	*out = NULL;
	int sel = !!q->feed + !!q->case_id + !!q->type;
	if (sel != 1)
		return yzf_fail(y, YZF_EINVAL, "query: give exactly one of feed, "
				"case, type");
	int rc = yzf_need_dk(y);
	if (rc)
		return rc;
	struct yzf_iter *it = calloc(1, sizeof *it);
	if (!it)
		return yzf_fail(y, YZF_ENOMEM, "out of memory");
	it->y = y;
	const char *sql =
		q->feed ? "SELECT feed, seq, sig, nonce, ct FROM records WHERE "
			  "feed = ?1 AND seq >= ?2 ORDER BY seq"
		: q->case_id ? "SELECT feed, seq, sig, nonce, ct FROM records "
			       "WHERE case_id = ?1 ORDER BY feed, seq"
			     : "SELECT feed, seq, sig, nonce, ct FROM records "
			       "WHERE type = ?1 ORDER BY feed, seq";
	if (sqlite3_prepare_v2(y->db, sql, -1, &it->st, NULL) != SQLITE_OK) {
		rc = yzf_fail_db(y, "query");
		yzf_iter_close(it);
		return rc;
	}
	if (q->feed) {
		sqlite3_bind_blob(it->st, 1, q->feed, YZF_KEY_LEN, SQLITE_TRANSIENT);
		sqlite3_bind_int64(it->st, 2, q->from);
	} else {
		sqlite3_bind_text(it->st, 1, q->case_id ? q->case_id : q->type,
				  -1, SQLITE_TRANSIENT);
	}
	*out = it;
	return YZF_OK;
}

int yzf_iter_next(struct yzf_iter *it, struct yzf_entry *e)
{
	struct yzf *y = it->y;
	int s = sqlite3_step(it->st);
	if (s == SQLITE_DONE)
		return 0;
	if (s != SQLITE_ROW)
		return yzf_fail_db(y, "read records");
	int64_t seq = sqlite3_column_int64(it->st, 1);
	if (sqlite3_column_bytes(it->st, 0) != YZF_KEY_LEN ||
	    sqlite3_column_bytes(it->st, 2) != YZF_SIG_LEN)
		return yzf_fail(y, YZF_ECORRUPT, "record seq %lld: row damaged: "
				"run yzf verify", (long long)seq);
	const uint8_t *feed = sqlite3_column_blob(it->st, 0);
	if (yzf_open_record(y, feed, sqlite3_column_blob(it->st, 3),
			    (size_t)sqlite3_column_bytes(it->st, 3),
			    sqlite3_column_blob(it->st, 4),
			    (size_t)sqlite3_column_bytes(it->st, 4), &it->pt))
		return yzf_fail(y, YZF_ECORRUPT, "record seq %lld does not "
				"decrypt: run yzf verify", (long long)seq);
	struct yzf_canon_err err;
	if (yzf_record_parse(it->pt.p, it->pt.len, &e->rec, &err))
		return yzf_fail(y, YZF_ECORRUPT, "record seq %lld: %s at byte "
				"%zu: run yzf verify", (long long)seq, err.why,
				err.off);
	e->bytes = it->pt.p;
	e->len = it->pt.len;
	memcpy(e->sig, sqlite3_column_blob(it->st, 2), YZF_SIG_LEN);
	yzf_record_id(e->bytes, e->len, e->sig, e->id);
	return 1;
}

void yzf_iter_close(struct yzf_iter *it)
{
	if (!it)
		return;
	sqlite3_finalize(it->st);
	yzf_buf_free(&it->pt);
	free(it);
}

int yzf_feeds(struct yzf *y, uint8_t (*out)[YZF_KEY_LEN], size_t cap, size_t *n)
{
	sqlite3_stmt *st;
	*n = 0;
	if (sqlite3_prepare_v2(y->db, "SELECT feed FROM feeds ORDER BY local DESC, "
			       "feed", -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "feeds");
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != YZF_KEY_LEN)
			continue;
		if (*n < cap)
			memcpy(out[*n], sqlite3_column_blob(st, 0), YZF_KEY_LEN);
		(*n)++;
	}
	sqlite3_finalize(st);
	return YZF_OK;
}

const char *yzf_type_name(const struct yzf *y, size_t i)
{
	return yzf_schemas_name(y->schemas, i);
}

/* Proving a feed whole. Each check names the first bad seq and the reason;
 * the order of checks is chosen so the reason is the most specific one
 * (a record moved to another row is "seq", not "signature"). */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "util.h"

static const char *const reasons[] = {
	"ok", "unreadable", "decrypt", "noncanonical", "schema", "feed",
	"seq", "missing", "link", "signature", "column", "cert", "head",
};

const char *yzf_verify_reason_name(int reason)
{
	return reason >= 0 && reason <= YZF_V_HEAD ? reasons[reason] : "unknown";
}

static int bad(struct yzf_verify_report *r, int64_t seq, int reason,
	       const char *fmt, ...)
{
	va_list ap;
	r->ok = false;
	r->bad_seq = seq;
	r->reason = reason;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof r->detail, fmt, ap);
	va_end(ap);
	return YZF_OK;
}

static bool col_blob(sqlite3_stmt *st, int i, const uint8_t *want, int n)
{
	return sqlite3_column_type(st, i) == SQLITE_BLOB &&
	       sqlite3_column_bytes(st, i) == n &&
	       memcmp(sqlite3_column_blob(st, i), want, (size_t)n) == 0;
}

/* Check one row against the expected position; returns true if good. */
static bool check_row(struct yzf *y, sqlite3_stmt *st,
		      const uint8_t feed[YZF_KEY_LEN], int64_t want,
		      uint8_t prev[YZF_ID_LEN], const struct yzf_cert *cert,
		      bool sparse, struct yzf_buf *pt,
		      struct yzf_verify_report *r)
{
	struct yzf_record rec;
	struct yzf_canon_err e;
	uint8_t sig[YZF_SIG_LEN], id[YZF_ID_LEN];
	char msg[300];
	int64_t seq = sqlite3_column_int64(st, 0);

	if (sqlite3_column_type(st, 0) != SQLITE_INTEGER)
		return bad(r, want, YZF_V_UNREADABLE, "row after seq %lld: seq "
			   "column is not an integer", (long long)(want - 1)), false;
	/* a sparse feed (another officer's records of a shared case) has
	 * gaps by design: the chain is checked where neighbours are held */
	bool linked = seq == want;
	if (seq != want && !(sparse && seq > want))
		return bad(r, want, YZF_V_MISSING, "seq %lld is missing (the next "
			   "stored record is seq %lld): record removed",
			   (long long)want, (long long)seq), false;
	if (sqlite3_column_type(st, 7) != SQLITE_BLOB ||
	    sqlite3_column_bytes(st, 7) != YZF_SIG_LEN)
		return bad(r, seq, YZF_V_SIGNATURE, "seq %lld: signature column "
			   "is not 64 bytes", (long long)seq), false;
	memcpy(sig, sqlite3_column_blob(st, 7), YZF_SIG_LEN);
	if (yzf_open_record(y, feed, sqlite3_column_blob(st, 8),
			    (size_t)sqlite3_column_bytes(st, 8),
			    sqlite3_column_blob(st, 9),
			    (size_t)sqlite3_column_bytes(st, 9), pt))
		return bad(r, seq, YZF_V_DECRYPT, "seq %lld: stored record does "
			   "not decrypt: its ciphertext or nonce was changed",
			   (long long)seq), false;
	if (yzf_record_parse(pt->p, pt->len, &rec, &e))
		return bad(r, seq, YZF_V_NONCANON, "seq %lld: envelope is not "
			   "canonical: %s at byte %zu", (long long)seq, e.why,
			   e.off), false;
	if (memcmp(rec.feed, feed, YZF_KEY_LEN) != 0)
		return bad(r, seq, YZF_V_FEED, "seq %lld: the record belongs to "
			   "another feed", (long long)seq), false;
	if (rec.seq != seq)
		return bad(r, seq, YZF_V_SEQ, "seq %lld: row holds the record "
			   "signed as seq %lld: records reordered or moved",
			   (long long)seq, (long long)rec.seq), false;
	if (!yzf_record_sig_ok(pt->p, pt->len, sig, feed))
		return bad(r, seq, YZF_V_SIGNATURE, "seq %lld: signature does "
			   "not verify under the feed key (changed signature, "
			   "or signed by another key)", (long long)seq), false;
	if (linked && memcmp(rec.prev, prev, YZF_ID_LEN) != 0)
		return bad(r, seq, YZF_V_LINK, "seq %lld: prev does not link to "
			   "the id of seq %lld: record inserted or replaced",
			   (long long)seq, (long long)(seq - 1)), false;
	yzf_record_id(pt->p, pt->len, sig, id);
	const char *col = !col_blob(st, 1, id, YZF_ID_LEN) ? "id"
			: (sqlite3_column_type(st, 3) != SQLITE_TEXT ||
			   strcmp((const char *)sqlite3_column_text(st, 3),
				  rec.type) != 0) ? "type"
			: (rec.case_id[0]
				   ? (sqlite3_column_type(st, 4) != SQLITE_TEXT ||
				      strcmp((const char *)sqlite3_column_text(st, 4),
					     rec.case_id) != 0)
				   : sqlite3_column_type(st, 4) != SQLITE_NULL) ? "case_id"
			: (sqlite3_column_type(st, 5) != SQLITE_INTEGER ||
			   sqlite3_column_int64(st, 5) != rec.at_ms) ? "at"
			: NULL;
	if (col)
		return bad(r, seq, YZF_V_COLUMN, "seq %lld: column %s disagrees "
			   "with the signed record", (long long)seq, col), false;
	int rc = yzf_schemas_check(y->schemas, rec.type, rec.body, rec.body_len,
				   msg, sizeof msg);
	if (rc)
		return bad(r, seq, rc == YZF_ENONCANON ? YZF_V_NONCANON
						       : YZF_V_SCHEMA,
			   "seq %lld (%s): %s", (long long)seq, rec.type, msg),
		       false;
	if (!cert)
		return bad(r, seq, YZF_V_CERT, "seq %lld: the store holds no "
			   "certificate for this feed", (long long)seq), false;
	if (!yzf_cert_covers(cert, rec.at_ms)) {
		char at[YZF_TIME_LEN + 1], nb[YZF_TIME_LEN + 1],
			na[YZF_TIME_LEN + 1];
		yzf_time_fmt(rec.at_ms, rec.at_tz, at);
		yzf_time_fmt(cert->not_before, cert->tz, nb);
		yzf_time_fmt(cert->not_after, cert->tz, na);
		return bad(r, seq, YZF_V_CERT, "seq %lld: made at %s, outside "
			   "the feed certificate's validity %s .. %s (its end "
			   "is the revocation, if revoked)",
			   (long long)seq, at, nb, na), false;
	}
	memcpy(prev, id, YZF_ID_LEN);
	return true;
}

int yzf_verify_feed(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		    struct yzf_verify_report *r)
{
	sqlite3_stmt *st = NULL, *hs = NULL;
	struct yzf_buf pt = { 0 }, line = { 0 };
	struct yzf_signed_cert sc;
	uint8_t prev[YZF_ID_LEN] = { 0 }, mac[32];
	int64_t want = 1;
	memset(r, 0, sizeof *r);
	r->ok = true;
	int rc = yzf_need_dk(y);
	if (rc)
		return rc;
	rc = yzf_feed_cert(y, feed, &line, &sc);
	if (rc == YZF_ENOTFOUND && strncmp(y->err, "feed not held", 13) == 0)
		return rc;
	bool have_cert = rc == YZF_OK;
	/* a record made at or after a revocation is not covered; one made
	 * before it stays valid */
	int64_t rev;
	if (have_cert && yzf_revoked_at(y, sc.c.serial, &rev, NULL) == YZF_OK &&
	    rev - 1 < sc.c.not_after)
		sc.c.not_after = rev - 1;
	bool sparse = false;
	/* never for the terminal's own feeds, whatever the flags say: a
	 * removed record of an officer's own feed must always show */
	if (sqlite3_prepare_v2(y->db, "SELECT flags FROM feeds WHERE feed = ?1 "
			       "AND local = 0 AND NOT EXISTS (SELECT 1 FROM "
			       "keyslots WHERE feed = ?1)", -1,
			       &st, NULL) == SQLITE_OK) {
		sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
		sparse = sqlite3_step(st) == SQLITE_ROW &&
			 (sqlite3_column_int64(st, 0) & 2);
		sqlite3_finalize(st);
		st = NULL;
	}
	if (sqlite3_prepare_v2(y->db, "SELECT seq, id, NULL, type, case_id, at, "
			       "NULL, sig, nonce, ct FROM records WHERE feed = ? "
			       "ORDER BY seq", -1, &st, NULL) != SQLITE_OK) {
		rc = yzf_fail_db(y, "verify");
		goto out;
	}
	rc = YZF_OK;
	sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (!check_row(y, st, feed, want, prev, have_cert ? &sc.c : NULL,
			       sparse, &pt, r))
			goto out;
		r->records++;
		want = sqlite3_column_int64(st, 0) + 1;
	}
	if (s != SQLITE_DONE) {
		bad(r, want, YZF_V_UNREADABLE, "seq %lld: the store cannot be "
		    "read past here: %s", (long long)want, sqlite3_errmsg(y->db));
		goto out;
	}
	/* The head row, MACed under the data key, tells whether records were
	 * cut from the tail. */
	if (sqlite3_prepare_v2(y->db, "SELECT head_seq, head_id, head_mac FROM "
			       "feeds WHERE feed = ?", -1, &hs, NULL) != SQLITE_OK) {
		rc = yzf_fail_db(y, "verify");
		goto out;
	}
	sqlite3_bind_blob(hs, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
	if (sqlite3_step(hs) != SQLITE_ROW) {
		bad(r, want, YZF_V_HEAD, "the feed's head row is missing");
		goto out;
	}
	int64_t hseq = sqlite3_column_int64(hs, 0);
	bool mac_ok = sqlite3_column_bytes(hs, 1) == YZF_ID_LEN &&
		      sqlite3_column_bytes(hs, 2) == 32;
	if (mac_ok) {
		yzf_head_mac(y, feed, hseq, sqlite3_column_blob(hs, 1), mac);
		mac_ok = sodium_memcmp(mac, sqlite3_column_blob(hs, 2), 32) == 0;
	}
	if (!mac_ok)
		bad(r, hseq, YZF_V_HEAD, "the feed's head (seq %lld) fails its "
		    "MAC: head row rewritten", (long long)hseq);
	else if (hseq > want - 1)
		bad(r, want, YZF_V_HEAD, "the head says seq %lld but the feed "
		    "ends at seq %lld: records cut from the tail",
		    (long long)hseq, (long long)(want - 1));
	else if (hseq < want - 1 || !col_blob(hs, 1, prev, YZF_ID_LEN))
		bad(r, hseq + 1, YZF_V_HEAD, "the head (seq %lld) is not the "
		    "last record (seq %lld)", (long long)hseq,
		    (long long)(want - 1));
out:
	sqlite3_finalize(st);
	sqlite3_finalize(hs);
	yzf_buf_free(&pt);
	yzf_buf_free(&line);
	return rc;
}

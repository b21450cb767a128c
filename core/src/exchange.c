/* Export and import of signed feeds (NDJSON). Import verifies everything a
 * store's own verify would, before anything is stored, and keeps what fails
 * in quarantine with its reason. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "util.h"

static int put_cert(struct yzf *y, struct yzf_buf *out, const char *where,
		    const void *key, size_t klen)
{
	struct yzf_buf line = { 0 };
	struct yzf_signed_cert sc;
	int rc = yzf_cert_load(y, where, key, klen, &line, &sc);
	if (!rc) {
		yzf_buf_put(out, line.p, line.len);
		yzf_buf_putc(out, '\n');
	}
	yzf_buf_free(&line);
	return rc;
}

int yzf_export(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
	       struct yzf_buf *out)
{
	struct yzf_buf line = { 0 };
	struct yzf_signed_cert fc;
	struct yzf_iter *it = NULL;
	struct yzf_entry e;
	struct yzf_query q = { .feed = feed, .from = 1 };
	int rc = yzf_feed_cert(y, feed, &line, &fc);
	if (rc)
		goto out;
	/* root, then the feed's issuer, then the feed certificate */
	uint8_t serial[YZF_SERIAL_LEN];
	size_t n = sizeof serial;
	rc = yzf_meta_get(y, "root", serial, &n);
	if (!rc)
		rc = put_cert(y, out, "serial", serial, n);
	if (!rc)
		rc = put_cert(y, out, "key", fc.c.issuer, YZF_KEY_LEN);
	if (rc)
		goto out;
	yzf_buf_put(out, line.p, line.len);
	yzf_buf_putc(out, '\n');
	rc = yzf_iter_open(y, &q, &it);
	while (!rc && (rc = yzf_iter_next(it, &e)) == 1) {
		rc = yzf_record_line(e.bytes, e.len, e.sig, out);
		yzf_buf_putc(out, '\n');
	}
	if (rc == 0 && out->oom)
		rc = yzf_fail(y, YZF_ENOMEM, "out of memory");
out:
	yzf_iter_close(it);
	yzf_buf_free(&line);
	return rc;
}

static int quarantine(struct yzf *y, const uint8_t *feed, int64_t seq,
		      const char *reason, const uint8_t *line, size_t len,
		      struct yzf_import_report *r)
{
	sqlite3_stmt *st;
	int64_t now;
	int32_t tz;
	int rc = yzf_now(y, &now, &tz);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(y->db, "INSERT INTO quarantine (received, source, "
			       "feed, seq, reason, line) VALUES (?, 'import', ?, "
			       "?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "quarantine");
	sqlite3_bind_int64(st, 1, now);
	if (feed)
		sqlite3_bind_blob(st, 2, feed, YZF_KEY_LEN, SQLITE_STATIC);
	if (seq > 0)
		sqlite3_bind_int64(st, 3, seq);
	sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, line, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? YZF_OK
					     : yzf_fail_db(y, "quarantine");
	sqlite3_finalize(st);
	r->quarantined++;
	if (!r->first_problem[0])
		snprintf(r->first_problem, sizeof r->first_problem, "%s", reason);
	return rc;
}

/* A certificate line: kept if it chains to the pinned root. */
static int import_cert(struct yzf *y, const uint8_t *line, size_t len,
		       struct yzf_import_report *r)
{
	struct yzf_signed_cert sc, root, issuer;
	struct yzf_buf rl = { 0 }, il = { 0 };
	struct yzf_canon_err e;
	char why[256];
	int rc;
	if (yzf_cert_unline(line, len, &sc, &e)) {
		snprintf(why, sizeof why, "certificate line not canonical: %s "
			 "(byte %zu)", e.why, e.off);
		return quarantine(y, NULL, 0, why, line, len, r);
	}
	rc = yzf_pinned(y, YZF_CERT_ROOT, &rl, &root);
	if (rc)
		goto out;
	bool ok;
	if (sc.c.kind == YZF_CERT_ROOT)
		ok = sc.len == root.len && !memcmp(sc.bytes, root.bytes, sc.len);
	else if (sc.c.kind == YZF_CERT_CITY)
		ok = yzf_cert_chain_ok(&root, &sc, NULL, NULL, 0) == YZF_OK;
	else
		ok = yzf_cert_load(y, "key", sc.c.issuer, YZF_KEY_LEN, &il,
				   &issuer) == YZF_OK &&
		     yzf_cert_chain_ok(&root, &issuer, &sc, NULL, 0) == YZF_OK;
	if (!ok) {
		rc = quarantine(y, sc.c.kind == YZF_CERT_FEED ? sc.c.key : NULL, 0,
				"certificate does not chain to this terminal's "
				"pinned root", line, len, r);
		goto out;
	}
	rc = yzf_cert_save(y, &sc, line, len);
	if (!rc && sc.c.kind == YZF_CERT_FEED) {
		uint8_t zero[YZF_ID_LEN] = { 0 }, mac[32];
		sqlite3_stmt *st;
		yzf_head_mac(y, sc.c.key, 0, zero, mac);
		if (sqlite3_prepare_v2(y->db, "INSERT OR IGNORE INTO feeds (feed, "
				       "cert_serial, local, head_seq, head_id, "
				       "head_mac) VALUES (?, ?, 0, 0, ?, ?)", -1,
				       &st, NULL) != SQLITE_OK)
			rc = yzf_fail_db(y, "feeds");
		else {
			sqlite3_bind_blob(st, 1, sc.c.key, YZF_KEY_LEN, SQLITE_STATIC);
			sqlite3_bind_blob(st, 2, sc.c.serial, YZF_SERIAL_LEN,
					  SQLITE_STATIC);
			sqlite3_bind_blob(st, 3, zero, YZF_ID_LEN, SQLITE_STATIC);
			sqlite3_bind_blob(st, 4, mac, 32, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = yzf_fail_db(y, "feeds");
			sqlite3_finalize(st);
		}
	}
out:
	yzf_buf_free(&rl);
	yzf_buf_free(&il);
	return rc;
}

static int stored_id(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		     int64_t seq, uint8_t id[YZF_ID_LEN])
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(y->db, "SELECT id FROM records WHERE feed = ? AND "
			       "seq = ?", -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "records");
	sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seq);
	int rc = YZF_ENOTFOUND;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32) {
		memcpy(id, sqlite3_column_blob(st, 0), YZF_ID_LEN);
		rc = YZF_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Whether the store's own officers append to the feed. */
static bool is_local(struct yzf *y, const uint8_t feed[YZF_KEY_LEN])
{
	sqlite3_stmt *st;
	bool local = false;
	if (sqlite3_prepare_v2(y->db, "SELECT local FROM feeds WHERE feed = ?", -1,
			       &st, NULL) == SQLITE_OK) {
		sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
		local = sqlite3_step(st) == SQLITE_ROW &&
			sqlite3_column_int(st, 0) == 1;
		sqlite3_finalize(st);
	}
	return local;
}

/* sparse: records of another officer's feed pulled for a shared case come
 * without the rest of that feed. Each is checked on its own (signature,
 * schema, certificate) and stored where it stands; the chain is checked
 * wherever neighbours are held, and the feed is marked sparse so verify
 * does not count the gaps as removals. A terminal's own feeds are never
 * filled in this way. */
static int import_record(struct yzf *y, const uint8_t *line, size_t len,
			 bool sparse, struct yzf_import_report *r)
{
	const uint8_t *b;
	size_t n;
	uint8_t sig[YZF_SIG_LEN], id[YZF_ID_LEN], have[YZF_ID_LEN],
		head_id[YZF_ID_LEN];
	struct yzf_record rec;
	struct yzf_canon_err e;
	struct yzf_signed_cert fc;
	struct yzf_buf fl = { 0 };
	char why[400], msg[300];
	int64_t head;
	int rc;
	if (yzf_record_unline(line, len, &b, &n, sig, &e) ||
	    yzf_record_parse(b, n, &rec, &e)) {
		snprintf(why, sizeof why, "record not canonical: %s (byte %zu)",
			 e.why, e.off);
		return quarantine(y, NULL, 0, why, line, len, r);
	}
	if (yzf_feed_cert(y, rec.feed, &fl, &fc)) {
		yzf_buf_free(&fl);
		return quarantine(y, rec.feed, rec.seq, "no certificate for the "
				  "record's feed precedes it", line, len, r);
	}
	bool covers = yzf_cert_covers(&fc.c, rec.at_ms);
	yzf_buf_free(&fl);
	if (!yzf_record_sig_ok(b, n, sig, rec.feed))
		return quarantine(y, rec.feed, rec.seq, "signature does not "
				  "verify under the feed key", line, len, r);
	if (yzf_schemas_check(y->schemas, rec.type, rec.body, rec.body_len, msg,
			      sizeof msg)) {
		snprintf(why, sizeof why, "body: %s", msg);
		return quarantine(y, rec.feed, rec.seq, why, line, len, r);
	}
	if (!covers)
		return quarantine(y, rec.feed, rec.seq, "record time outside its "
				  "feed certificate's validity", line, len, r);
	/* the roster in force at the record's time: a record made before
	 * its certificate was revoked stays valid, one made at or after it
	 * does not */
	int64_t rev;
	char reason[201], at[YZF_TIME_LEN + 1];
	if (yzf_revoked_at(y, fc.c.serial, &rev, reason) == YZF_OK &&
	    rec.at_ms >= rev) {
		yzf_time_fmt(rev, fc.c.tz, at);
		snprintf(why, sizeof why, "made after its feed certificate was "
			 "revoked at %s (%s)", at, reason);
		return quarantine(y, rec.feed, rec.seq, why, line, len, r);
	}
	yzf_record_id(b, n, sig, id);
	rc = yzf_read_head(y, rec.feed, &head, head_id);
	if (rc)
		return rc;
	if (rec.seq <= head) {
		rc = stored_id(y, rec.feed, rec.seq, have);
		if (rc == YZF_OK && sodium_memcmp(have, id, YZF_ID_LEN) == 0) {
			r->duplicates++;
			return YZF_OK;
		}
		if (rc == YZF_ENOTFOUND && sparse && !is_local(y, rec.feed)) {
			/* a gap of a sparse feed, filled: the head stays */
			rc = yzf_store_row(y, &rec, b, n, sig, id);
			if (!rc)
				r->stored++;
			return rc;
		}
		/* Same feed and seq, different record: a fork. Both kept,
		 * the feed flagged (Measures art. 62: tampering must show). */
		r->forks++;
		snprintf(why, sizeof why, "fork: differs from the stored record "
			 "at seq %lld", (long long)rec.seq);
		rc = quarantine(y, rec.feed, rec.seq, why, line, len, r);
		if (!rc && sqlite3_exec(y->db, "UPDATE feeds SET flags = flags | 1 "
					"WHERE feed IN (SELECT feed FROM quarantine "
					"WHERE n = last_insert_rowid())", NULL,
					NULL, NULL) != SQLITE_OK)
			rc = yzf_fail_db(y, "flag fork");
		return rc;
	}
	if (rec.seq == head + 1 && memcmp(rec.prev, head_id, YZF_ID_LEN) != 0)
		return quarantine(y, rec.feed, rec.seq, "prev does not link to "
				  "the stored head", line, len, r);
	if (rec.seq != head + 1 && (!sparse || is_local(y, rec.feed))) {
		snprintf(why, sizeof why, "gap: expected seq %lld", (long long)
			 (head + 1));
		return quarantine(y, rec.feed, rec.seq, why, line, len, r);
	}
	rc = yzf_store_row(y, &rec, b, n, sig, id);
	if (!rc)
		rc = yzf_write_head(y, rec.feed, rec.seq, id);
	if (!rc && rec.seq != head + 1) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(y->db, "UPDATE feeds SET flags = flags | 2 "
				       "WHERE feed = ?", -1, &st, NULL) != SQLITE_OK)
			return yzf_fail_db(y, "flag sparse");
		sqlite3_bind_blob(st, 1, rec.feed, YZF_KEY_LEN, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? YZF_OK
						     : yzf_fail_db(y, "flag sparse");
		sqlite3_finalize(st);
	}
	if (!rc)
		r->stored++;
	return rc;
}

int yzf_import_lines(struct yzf *y, const uint8_t *data, size_t len,
		     bool sparse, struct yzf_import_report *r)
{
	memset(r, 0, sizeof *r);
	int rc = yzf_need_dk(y);
	if (rc)
		return rc;
	rc = yzf_begin(y);
	if (rc)
		return rc;
	size_t start = 0;
	while (start < len && !rc) {
		size_t end = start;
		while (end < len && data[end] != '\n')
			end++;
		const uint8_t *line = data + start;
		size_t n = end - start;
		if (n > 0) {
			if (n > 8 && memcmp(line, "{\"cert\":", 8) == 0)
				rc = import_cert(y, line, n, r);
			else if (n > 7 && memcmp(line, "{\"rec\":", 7) == 0)
				rc = import_record(y, line, n, sparse, r);
			else
				rc = quarantine(y, NULL, 0, "line is neither a "
						"certificate nor a record", line,
						n, r);
		}
		start = end + 1;
	}
	if (!rc)
		return yzf_commit(y);
	yzf_rollback(y);
	return rc;
}

int yzf_import(struct yzf *y, const uint8_t *data, size_t len,
	       struct yzf_import_report *r)
{
	return yzf_import_lines(y, data, len, false, r);
}

/* The store beside its writer: short transactions on their own connection
 * for what is not a push — enrollment codes, the records of shared cases,
 * revocations, document-number leases, reference data. With store.c this
 * is all the SQL of the server: a second backend replaces these two files.
 * SQLite serialises these writers with the writer thread (busy timeout). */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store.h"

static sqlite3 *side_open(const char *path, bool write, char *msg, size_t cap)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, write ? SQLITE_OPEN_READWRITE
					     : SQLITE_OPEN_READONLY,
			    NULL) != SQLITE_OK) {
		if (msg)
			snprintf(msg, cap, "store %s: %s (start yzf-syncd once to "
				 "create it)", path,
				 db ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 10000);
	sqlite3_extended_result_codes(db, 1);
	/* durable before anything is handed out */
	if (write)
		sqlite3_exec(db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	return db;
}

static int side_fail(sqlite3 *db, char *msg, size_t cap)
{
	if (msg)
		snprintf(msg, cap, "store: %s", sqlite3_errmsg(db));
	return YZF_EIO;
}

static void side_close(sqlite3 *db)
{
	if (db && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
}

int syncd_store_load_roster(const char *path, const char *dir,
			    struct syncd_roster **out, char *msg, size_t cap)
{
	sqlite3 *db = side_open(path, true, msg, cap);
	if (!db)
		return YZF_EIO;
	int rc = syncd_roster_load(db, dir, out, msg, cap);
	side_close(db);
	return rc;
}

int syncd_store_code_add(const char *path, const uint8_t hash[32],
			 const struct syncd_code_row *r, int64_t now,
			 int64_t expires, char *msg, size_t cap)
{
	sqlite3_stmt *st = NULL;
	sqlite3 *db = side_open(path, true, msg, cap);
	if (!db)
		return YZF_ENOTFOUND;
	int rc = YZF_OK;
	if (sqlite3_prepare_v2(db, "INSERT INTO enroll_codes (code_hash, name, "
			       "officer_no, agency, uscc, roles, days, created, "
			       "expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", -1,
			       &st, NULL) != SQLITE_OK) {
		rc = side_fail(db, msg, cap);
	} else {
		sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, r->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, r->officer_no, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, r->agency, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, r->uscc, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, r->roles);
		sqlite3_bind_int64(st, 7, r->days);
		sqlite3_bind_int64(st, 8, now);
		sqlite3_bind_int64(st, 9, expires);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = side_fail(db, msg, cap);
	}
	sqlite3_finalize(st);
	side_close(db);
	return rc;
}

int syncd_store_code_use(const char *path, const uint8_t hash[32], int64_t now,
			 const uint8_t feed[YZF_KEY_LEN], syncd_issue_fn issue,
			 void *ctx, char *msg, size_t cap)
{
	sqlite3_stmt *st = NULL;
	struct syncd_code_row row = { 0 };
	sqlite3 *db = side_open(path, true, msg, cap);
	int rc;
	if (!db)
		return YZF_EIO;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT name, officer_no, agency, uscc, roles, "
			       "days, expires, used FROM enroll_codes WHERE "
			       "code_hash = ?", -1, &st, NULL) != SQLITE_OK) {
		rc = side_fail(db, msg, cap);
		goto out;
	}
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		snprintf(msg, cap, "code: not issued by this city");
		rc = YZF_ENOTFOUND;
		goto out;
	}
	if (sqlite3_column_type(st, 7) != SQLITE_NULL) {
		snprintf(msg, cap, "code: already used");
		rc = YZF_ESTATE;
		goto out;
	}
	if (sqlite3_column_int64(st, 6) <= now) {
		snprintf(msg, cap, "code: expired; ask for a new one");
		rc = YZF_ERANGE;
		goto out;
	}
	snprintf(row.name, sizeof row.name, "%s", sqlite3_column_text(st, 0));
	snprintf(row.officer_no, sizeof row.officer_no, "%s",
		 sqlite3_column_text(st, 1));
	snprintf(row.agency, sizeof row.agency, "%s", sqlite3_column_text(st, 2));
	snprintf(row.uscc, sizeof row.uscc, "%s", sqlite3_column_text(st, 3));
	row.roles = (uint32_t)sqlite3_column_int64(st, 4);
	row.days = sqlite3_column_int64(st, 5);
	sqlite3_finalize(st);
	st = NULL;
	/* the certificate is made durable (issued.ndjson) before the code is
	 * marked used: a certificate issued but unanswered harms no one */
	if ((rc = issue(ctx, &row, msg, cap)))
		goto out;
	if (sqlite3_prepare_v2(db, "UPDATE enroll_codes SET used = ?, used_feed "
			       "= ? WHERE code_hash = ?", -1, &st,
			       NULL) != SQLITE_OK) {
		rc = side_fail(db, msg, cap);
		goto out;
	}
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_blob(st, 2, feed, YZF_KEY_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, hash, 32, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE &&
			     sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK
		     ? YZF_OK
		     : side_fail(db, msg, cap);
out:
	sqlite3_finalize(st);
	side_close(db);
	return rc;
}

int syncd_store_case_records(const char *path, const uint8_t feed[YZF_KEY_LEN],
			     const char *const *cases, size_t ncases,
			     struct syncd_case_cursor *cur, size_t max,
			     struct yzf_buf *out, size_t *count, bool *more,
			     char *msg, size_t cap)
{
	sqlite3_stmt *mine = NULL, *recs = NULL, *cert = NULL, *team = NULL;
	sqlite3 *db = side_open(path, false, msg, cap);
	int rc = YZF_OK;
	char team_ids[SYNCD_TEAM_MAX][YZF_CASE_MAX];
	const char *todo[2 * SYNCD_TEAM_MAX];
	size_t ntodo = 0, nteam = 0;
	*count = 0;
	*more = false;
	if (!db)
		return YZF_EIO;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM records WHERE case_id = ? AND "
			       "feed = ? LIMIT 1", -1, &mine, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT feed, seq, bytes, sig FROM records "
			       "WHERE case_id = ? AND feed <> ? AND (feed, seq) > "
			       "(?, ?) ORDER BY feed, seq LIMIT ?", -1, &recs,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT line FROM certs WHERE key = ? AND kind "
			       "= 'feed'", -1, &cert, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT DISTINCT t.case_id FROM certs c JOIN "
			       "case_team t ON t.officer = json_extract(CAST("
			       "c.line AS TEXT), '$.cert.subject.officer.no') "
			       "WHERE c.key = ? AND c.kind = 'feed' ORDER BY "
			       "t.case_id LIMIT ?", -1, &team, NULL) != SQLITE_OK) {
		rc = side_fail(db, msg, cap);
		goto out;
	}
	/* the cases given that the feed wrote in, then its team's others */
	for (size_t i = 0; i < ncases && i < SYNCD_TEAM_MAX; i++) {
		sqlite3_reset(mine);
		sqlite3_bind_text(mine, 1, cases[i], -1, SQLITE_STATIC);
		sqlite3_bind_blob(mine, 2, feed, YZF_KEY_LEN, SQLITE_STATIC);
		if (sqlite3_step(mine) == SQLITE_ROW)
			todo[ntodo++] = cases[i];
	}
	sqlite3_bind_blob(team, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
	sqlite3_bind_int(team, 2, SYNCD_TEAM_MAX);
	while (sqlite3_step(team) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(team, 0);
		size_t k = 0;
		if (!id || strlen(id) >= YZF_CASE_MAX)
			continue;
		while (k < ntodo && strcmp(todo[k], id) != 0)
			k++;
		if (k < ntodo)
			continue; /* already asked for */
		memcpy(team_ids[nteam], id, strlen(id) + 1);
		todo[ntodo++] = team_ids[nteam++];
	}
	/* one case at a time, in that order; a cursor resumes inside the case
	 * it names (when that case is gone from the list, from the start) */
	size_t first = 0;
	if (cur->case_id[0]) {
		while (first < ntodo && strcmp(todo[first], cur->case_id) != 0)
			first++;
		if (first == ntodo) {
			first = 0;
			memset(cur, 0, sizeof *cur);
		}
	}
	for (size_t i = first; i < ntodo && !*more; i++) {
		sqlite3_reset(recs);
		sqlite3_bind_text(recs, 1, todo[i], -1, SQLITE_STATIC);
		sqlite3_bind_blob(recs, 2, feed, YZF_KEY_LEN, SQLITE_STATIC);
		sqlite3_bind_blob(recs, 3, cur->feed, YZF_KEY_LEN, SQLITE_STATIC);
		sqlite3_bind_int64(recs, 4, cur->seq);
		sqlite3_bind_int64(recs, 5, (int64_t)(max - *count + 1));
		uint8_t last_feed[YZF_KEY_LEN] = { 0 };
		while (sqlite3_step(recs) == SQLITE_ROW) {
			if (*count == max) {
				*more = true;
				break;
			}
			const uint8_t *f = sqlite3_column_blob(recs, 0);
			if (memcmp(f, last_feed, YZF_KEY_LEN) != 0) {
				/* the feed's certificate before its records */
				sqlite3_reset(cert);
				sqlite3_bind_blob(cert, 1, f, YZF_KEY_LEN,
						  SQLITE_TRANSIENT);
				while (sqlite3_step(cert) == SQLITE_ROW) {
					yzf_buf_put(out, sqlite3_column_blob(cert, 0),
						    (size_t)sqlite3_column_bytes(cert, 0));
					yzf_buf_putc(out, '\n');
				}
				memcpy(last_feed, f, YZF_KEY_LEN);
			}
			yzf_record_line(sqlite3_column_blob(recs, 2),
					(size_t)sqlite3_column_bytes(recs, 2),
					sqlite3_column_blob(recs, 3), out);
			yzf_buf_putc(out, '\n');
			memcpy(cur->feed, f, YZF_KEY_LEN);
			cur->seq = sqlite3_column_int64(recs, 1);
			snprintf(cur->case_id, sizeof cur->case_id, "%s",
				 todo[i]);
			(*count)++;
		}
		if (!*more)
			memset(cur, 0, sizeof *cur); /* the next case from its start */
	}
out:
	sqlite3_finalize(mine);
	sqlite3_finalize(recs);
	sqlite3_finalize(cert);
	sqlite3_finalize(team);
	side_close(db);
	return rc;
}

int syncd_store_revocation_lines(const char *path, struct yzf_buf *out,
				 char *msg, size_t cap)
{
	sqlite3_stmt *st = NULL;
	sqlite3 *db = side_open(path, false, msg, cap);
	if (!db)
		return YZF_EIO;
	int rc = YZF_OK;
	if (sqlite3_prepare_v2(db, "SELECT line FROM revocations ORDER BY at", -1,
			       &st, NULL) != SQLITE_OK)
		rc = side_fail(db, msg, cap);
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		yzf_buf_put(out, sqlite3_column_blob(st, 0),
			    (size_t)sqlite3_column_bytes(st, 0));
		yzf_buf_putc(out, '\n');
	}
	sqlite3_finalize(st);
	side_close(db);
	return rc;
}

/* The agency a feed acts for, from its certificate in the store. */
static bool agency_of(sqlite3 *db, const uint8_t feed[YZF_KEY_LEN],
		      char uscc[19])
{
	sqlite3_stmt *st;
	bool ok = false;
	if (sqlite3_prepare_v2(db, "SELECT line FROM certs WHERE key = ? AND kind "
			       "= 'feed'", -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		struct yzf_signed_cert sc;
		if (yzf_cert_unline(sqlite3_column_blob(st, 0),
				    (size_t)sqlite3_column_bytes(st, 0), &sc,
				    NULL) == YZF_OK) {
			memcpy(uscc, sc.c.uscc, sizeof sc.c.uscc);
			ok = true;
		}
	}
	sqlite3_finalize(st);
	return ok;
}

int syncd_store_lease(const char *path, const uint8_t feed[YZF_KEY_LEN],
		      const char *doc_type, int year, int64_t count,
		      char uscc[19], int64_t now, int64_t *first, int64_t *last,
		      char *msg, size_t cap)
{
	sqlite3_stmt *st = NULL;
	sqlite3 *db = side_open(path, true, msg, cap);
	int rc = YZF_EIO;
	if (!db)
		return rc;
	if (!agency_of(db, feed, uscc)) {
		snprintf(msg, cap, "no certificate for the feed");
		goto out;
	}
	/* read, move and record in one transaction: a number leased once */
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO lease_counters (uscc, "
			       "doc_type, year, next) VALUES (?1, ?2, ?3, 1)", -1,
			       &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, uscc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, doc_type, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, year);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto dberr;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "SELECT next FROM lease_counters WHERE uscc = "
			       "?1 AND doc_type = ?2 AND year = ?3", -1, &st,
			       NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, uscc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, doc_type, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, year);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto dberr;
	*first = sqlite3_column_int64(st, 0);
	*last = *first + count - 1;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "UPDATE lease_counters SET next = ?4 WHERE "
			       "uscc = ?1 AND doc_type = ?2 AND year = ?3", -1,
			       &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, uscc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, doc_type, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, year);
	sqlite3_bind_int64(st, 4, *last + 1);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto dberr;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "INSERT INTO leases (uscc, doc_type, year, "
			       "first, last, feed, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, uscc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, doc_type, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, year);
	sqlite3_bind_int64(st, 4, *first);
	sqlite3_bind_int64(st, 5, *last);
	sqlite3_bind_blob(st, 6, feed, YZF_KEY_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, now);
	if (sqlite3_step(st) != SQLITE_DONE ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	rc = YZF_OK;
	goto out;
dberr:
	rc = side_fail(db, msg, cap);
out:
	sqlite3_finalize(st);
	side_close(db);
	return rc;
}

/* The newest index line, appended to out; nothing when none. */
static int index_latest(sqlite3 *db, struct yzf_buf *out, char *msg,
			size_t cap)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT line FROM refindex ORDER BY version "
			       "DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return side_fail(db, msg, cap);
	if (sqlite3_step(st) == SQLITE_ROW)
		yzf_buf_put(out, sqlite3_column_blob(st, 0),
			    (size_t)sqlite3_column_bytes(st, 0));
	sqlite3_finalize(st);
	return out->oom ? YZF_ENOMEM : YZF_OK;
}

int syncd_store_refdata_latest(const char *path, syncd_set_fn fn, void *ctx,
			       struct yzf_buf *index, char *msg, size_t cap)
{
	sqlite3_stmt *st = NULL;
	sqlite3 *db = side_open(path, false, msg, cap);
	if (!db)
		return YZF_EIO;
	/* one read transaction: the index and the sets of one publication */
	int rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK
			 ? index_latest(db, index, msg, cap)
			 : side_fail(db, msg, cap);
	if (!rc && sqlite3_prepare_v2(db, "SELECT name, version, line, content "
				      "FROM refdata r WHERE version = (SELECT "
				      "max(version) FROM refdata WHERE name = "
				      "r.name) ORDER BY name", -1, &st,
				      NULL) != SQLITE_OK)
		rc = side_fail(db, msg, cap);
	while (!rc && sqlite3_step(st) == SQLITE_ROW)
		rc = fn(ctx, (const char *)sqlite3_column_text(st, 0),
			sqlite3_column_int64(st, 1), sqlite3_column_blob(st, 2),
			(size_t)sqlite3_column_bytes(st, 2),
			sqlite3_column_blob(st, 3),
			(size_t)sqlite3_column_bytes(st, 3));
	sqlite3_finalize(st);
	side_close(db);
	return rc;
}

/* Inside the caller's write transaction: the next index over the newest
 * header of every set, signed by sign and kept. */
static int index_next(sqlite3 *db, syncd_index_fn sign, void *ctx,
		      int64_t now, int64_t *version, char *msg, size_t cap)
{
	sqlite3_stmt *st = NULL;
	struct yzf_buf heads = { 0 }, line = { 0 };
	int rc = YZF_OK;
	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(version), 0) + 1 FROM "
			       "refindex", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto dberr;
	*version = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "SELECT line FROM refdata r WHERE version = "
			       "(SELECT max(version) FROM refdata WHERE name = "
			       "r.name) ORDER BY name", -1, &st,
			       NULL) != SQLITE_OK)
		goto dberr;
	while (sqlite3_step(st) == SQLITE_ROW) {
		yzf_buf_put(&heads, sqlite3_column_blob(st, 0),
			    (size_t)sqlite3_column_bytes(st, 0));
		yzf_buf_putc(&heads, '\n');
	}
	sqlite3_finalize(st);
	st = NULL;
	if (heads.oom) {
		snprintf(msg, cap, "out of memory");
		rc = YZF_ENOMEM;
		goto out;
	}
	if ((rc = sign(ctx, *version, heads.p, heads.len, &line, msg, cap)))
		goto out;
	if (sqlite3_prepare_v2(db, "INSERT INTO refindex (version, line, "
			       "published) VALUES (?, ?, ?)", -1, &st,
			       NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_int64(st, 1, *version);
	sqlite3_bind_blob(st, 2, line.p, (int)line.len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	if (sqlite3_step(st) == SQLITE_DONE)
		goto out;
dberr:
	rc = side_fail(db, msg, cap);
out:
	sqlite3_finalize(st);
	yzf_buf_free(&heads);
	yzf_buf_free(&line);
	return rc;
}

int syncd_store_refdata_publish(const char *path, const char *name,
				syncd_sign_fn sign, syncd_index_fn sign_index,
				void *ctx, const uint8_t *content, size_t clen,
				int64_t now, int64_t *version,
				int64_t *index_version, char *msg, size_t cap)
{
	sqlite3_stmt *st = NULL;
	struct yzf_buf line = { 0 };
	sqlite3 *db = side_open(path, true, msg, cap);
	int rc = YZF_EIO;
	if (!db)
		return rc;
	/* the next version is chosen inside the transaction: never two
	 * publications with one version */
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT coalesce(max(version), 0) FROM refdata "
			       "WHERE name = ?", -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	*version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) + 1
						  : 1;
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = sign(ctx, *version, &line, msg, cap)))
		goto out;
	rc = YZF_EIO;
	if (sqlite3_prepare_v2(db, "INSERT INTO refdata (name, version, line, "
			       "content, published) VALUES (?, ?, ?, ?, ?)", -1,
			       &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, *version);
	sqlite3_bind_blob(st, 3, line.p, (int)line.len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, content, (int)clen, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto dberr;
	if ((rc = index_next(db, sign_index, ctx, now, index_version, msg, cap)))
		goto out;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	rc = YZF_OK;
	goto out;
dberr:
	rc = side_fail(db, msg, cap);
out:
	sqlite3_finalize(st);
	side_close(db);
	yzf_buf_free(&line);
	return rc;
}

int syncd_store_refindex_publish(const char *path, syncd_index_fn sign_index,
				 void *ctx, int64_t now, int64_t *index_version,
				 char *msg, size_t cap)
{
	sqlite3 *db = side_open(path, true, msg, cap);
	int rc;
	if (!db)
		return YZF_EIO;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		rc = side_fail(db, msg, cap);
	else
		rc = index_next(db, sign_index, ctx, now, index_version, msg, cap);
	if (!rc && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = side_fail(db, msg, cap);
	side_close(db);
	return rc;
}

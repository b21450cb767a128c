/* The terminal's side of sync: signed requests, push bodies after the
 * server's acknowledged head, and applying the server's answers. The
 * transport is the caller's (schemas/sync.md). */
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sign.h"
#include "util.h"

#define HTTP_DOMAIN "yzf-http-v1"

int yzf_sync_auth(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		  const char *method, const char *path, const uint8_t *body,
		  size_t len, char out[YZF_AUTH_MAX])
{
	const uint8_t *sk;
	uint8_t h[32], sig[YZF_SIG_LEN];
	char hh[65], at[YZF_TIME_LEN + 1], fh[65], sh[129];
	struct yzf_buf msg = { 0 };
	int64_t now;
	int32_t tz;
	struct yzf_attested att;
	int rc = yzf_session_sk(y, feed, &sk);
	if (!rc)
		rc = yzf_attested(y, &att);
	if (rc)
		return rc;
	/* the city checks `at` against its clock: send the attested
	 * estimate, not a wall clock that may have jumped */
	now = att.now_ms;
	tz = att.tz;
	if (strlen(method) > 16 || strlen(path) > 512 || strchr(path, '\n'))
		return yzf_fail(y, YZF_EINVAL, "sync: method or path too long");
	crypto_generichash(h, sizeof h, body, len, NULL, 0);
	yzf_hex(h, sizeof h, hh);
	yzf_time_fmt(now, tz, at);
	yzf_buf_puts(&msg, method);
	yzf_buf_putc(&msg, '\n');
	yzf_buf_puts(&msg, path);
	yzf_buf_putc(&msg, '\n');
	yzf_buf_puts(&msg, at);
	yzf_buf_putc(&msg, '\n');
	yzf_buf_puts(&msg, hh);
	rc = msg.oom ? yzf_fail(y, YZF_ENOMEM, "out of memory")
		     : yzf_sign_domain(HTTP_DOMAIN, msg.p, msg.len, sk, sig);
	yzf_buf_free(&msg);
	if (rc)
		return rc;
	yzf_hex(feed, YZF_KEY_LEN, fh);
	yzf_hex(sig, YZF_SIG_LEN, sh);
	snprintf(out, YZF_AUTH_MAX, "YZF1 feed=%s, at=%s, sig=%s", fh, at, sh);
	return YZF_OK;
}

/* The acknowledged head; (0, zeros) when the server has nothing yet. */
static int acked_head(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		      int64_t *seq, uint8_t id[YZF_ID_LEN])
{
	sqlite3_stmt *st;
	*seq = 0;
	memset(id, 0, YZF_ID_LEN);
	if (sqlite3_prepare_v2(y->db, "SELECT acked_seq, acked_id FROM "
			       "sync_state WHERE feed = ?", -1, &st,
			       NULL) != SQLITE_OK)
		return yzf_fail_db(y, "sync_state");
	sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_bytes(st, 1) == YZF_ID_LEN) {
		*seq = sqlite3_column_int64(st, 0);
		memcpy(id, sqlite3_column_blob(st, 1), YZF_ID_LEN);
	}
	sqlite3_finalize(st);
	return YZF_OK;
}

int yzf_sync_push_body(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		       size_t max, struct yzf_buf *out, size_t *n)
{
	struct yzf_iter *it = NULL;
	struct yzf_entry e;
	uint8_t id[YZF_ID_LEN];
	int64_t acked;
	*n = 0;
	int rc = acked_head(y, feed, &acked, id);
	struct yzf_query q = { .feed = feed, .from = acked + 1 };
	if (!rc)
		rc = yzf_iter_open(y, &q, &it);
	while (!rc && *n < max && (rc = yzf_iter_next(it, &e)) == 1) {
		rc = yzf_record_line(e.bytes, e.len, e.sig, out);
		yzf_buf_putc(out, '\n');
		(*n)++;
	}
	yzf_iter_close(it);
	if (rc == 1 || rc == 0)
		rc = out->oom ? yzf_fail(y, YZF_ENOMEM, "out of memory") : YZF_OK;
	return rc;
}

static int64_t json_int(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

/* Whether the acknowledged head may move to (seq, id): the terminal holds
 * that very record there, and the head does not move backwards. */
static int ack_ok(struct yzf *y, const uint8_t feed[YZF_KEY_LEN], int64_t seq,
		  const uint8_t id[YZF_ID_LEN])
{
	sqlite3_stmt *st;
	int64_t old, local;
	uint8_t oid[YZF_ID_LEN], lid[YZF_ID_LEN];
	int rc = acked_head(y, feed, &old, oid);
	if (!rc)
		rc = yzf_head(y, feed, &local, lid);
	if (rc)
		return rc;
	if (seq < old)
		return yzf_fail(y, YZF_ECORRUPT, "the server's head (seq %lld) is "
				"behind what it acknowledged before (seq %lld): "
				"the city lost records; keep this terminal's "
				"records as evidence", (long long)seq,
				(long long)old);
	if (seq > local)
		return yzf_fail(y, YZF_ECORRUPT, "the server holds seq %lld of "
				"this feed, beyond this terminal's head (seq "
				"%lld): the terminal was restored from an older "
				"copy", (long long)seq, (long long)local);
	if (seq > 0) {
		if (sqlite3_prepare_v2(y->db, "SELECT id FROM records WHERE feed "
				       "= ? AND seq = ?", -1, &st, NULL) != SQLITE_OK)
			return yzf_fail_db(y, "records");
		sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, seq);
		bool same = sqlite3_step(st) == SQLITE_ROW &&
			    sqlite3_column_bytes(st, 0) == YZF_ID_LEN &&
			    memcmp(sqlite3_column_blob(st, 0), id, YZF_ID_LEN) == 0;
		sqlite3_finalize(st);
		if (!same)
			return yzf_fail(y, YZF_ECORRUPT, "the server holds a "
					"different record at seq %lld: the feed "
					"is forked", (long long)seq);
	}
	return YZF_OK;
}

/* Move the acknowledged head to (seq, id), checked by ack_ok. */
static int ack(struct yzf *y, const uint8_t feed[YZF_KEY_LEN], int64_t seq,
	       const uint8_t id[YZF_ID_LEN])
{
	sqlite3_stmt *st;
	int64_t now;
	int32_t tz;
	int rc = ack_ok(y, feed, seq, id);
	if (!rc)
		rc = yzf_now(y, &now, &tz);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(y->db, "INSERT OR REPLACE INTO sync_state (feed, "
			       "acked_seq, acked_id, updated) VALUES (?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "sync_state");
	sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_blob(st, 3, id, YZF_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	rc = sqlite3_step(st) == SQLITE_DONE ? YZF_OK
					     : yzf_fail_db(y, "sync_state");
	sqlite3_finalize(st);
	return rc;
}

/* The terminal's id of its record at seq. */
static int own_id(struct yzf *y, const uint8_t feed[YZF_KEY_LEN], int64_t seq,
		  uint8_t id[YZF_ID_LEN])
{
	sqlite3_stmt *st = yzf_stmt(y, ST_ID_AT, "SELECT id FROM records WHERE "
				    "feed = ? AND seq = ?");
	if (!st)
		return yzf_fail_db(y, "records");
	sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seq);
	int rc = YZF_ENOTFOUND;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_bytes(st, 0) == YZF_ID_LEN) {
		memcpy(id, sqlite3_column_blob(st, 0), YZF_ID_LEN);
		rc = YZF_OK;
	}
	sqlite3_reset(st);
	return rc;
}

struct entry {
	int64_t seq;
	uint64_t idx;
};

static int by_idx(const void *a, const void *b)
{
	uint64_t x = ((const struct entry *)a)->idx;
	uint64_t y = ((const struct entry *)b)->idx;
	return (x > y) - (x < y);
}

/* That the checkpoint's tree holds, at the positions the answer names,
 * this terminal's own records: every seq from after (the head acknowledged
 * before) to head, by the answer's multiproof. Only then are they the
 * city's. */
static int check_entries(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			 const cJSON *log, const struct yzf_checkpoint *c,
			 int64_t after, int64_t head, int64_t *proven)
{
	*proven = after;
	const cJSON *ents = cJSON_GetObjectItemCaseSensitive(log, "entries");
	const cJSON *pj = cJSON_GetObjectItemCaseSensitive(log, "proof");
	int k = cJSON_GetArraySize(ents), np = cJSON_GetArraySize(pj), i = 0;
	if (head <= after)
		return YZF_OK;
	if (!cJSON_IsArray(ents) || !cJSON_IsArray(pj) || k < 1 ||
	    k > 100000 || np > 64 * k)
		return yzf_fail(y, YZF_EBADSIG, "the city acknowledged seq %lld "
				"to %lld without proving them in its log",
				(long long)after + 1, (long long)head);
	struct entry *e = calloc((size_t)k, sizeof *e);
	uint64_t *idx = calloc((size_t)k, sizeof *idx);
	uint8_t (*lv)[32] = calloc((size_t)k, 32);
	uint8_t (*p)[32] = calloc((size_t)np + 1, 32);
	bool *seen = calloc((size_t)(head - after), 1);
	int rc = e && idx && lv && p && seen ? YZF_OK
		 : yzf_fail(y, YZF_ENOMEM, "out of memory");
	const cJSON *x;
	cJSON_ArrayForEach(x, ents) {
		const cJSON *a = cJSON_GetArrayItem(x, 0), *b = cJSON_GetArrayItem(x, 1);
		if (rc)
			break;
		if (!cJSON_IsNumber(a) || !cJSON_IsNumber(b) ||
		    a->valuedouble < 1 || b->valuedouble < 0 ||
		    b->valuedouble >= (double)c->size)
			rc = yzf_fail(y, YZF_EINVAL, "log entries: [seq, "
				      "position] pairs within the checkpoint "
				      "expected");
		else
			e[i++] = (struct entry){ (int64_t)a->valuedouble,
						 (uint64_t)b->valuedouble };
	}
	if (!rc)
		qsort(e, (size_t)k, sizeof *e, by_idx);
	for (i = 0; !rc && i < k; i++) {
		idx[i] = e[i].idx;
		if (i && idx[i] == idx[i - 1])
			rc = yzf_fail(y, YZF_EINVAL, "log entries: position "
				      "%llu named twice",
				      (unsigned long long)idx[i]);
		else if (own_id(y, feed, e[i].seq, lv[i]) == YZF_OK) {
			yzf_merkle_leaf(lv[i], 32, lv[i]);
			if (e[i].seq > after && e[i].seq <= head)
				seen[e[i].seq - after - 1] = true;
		} else {
			rc = yzf_fail(y, YZF_EINVAL, "log entries: seq %lld is "
				      "not a record of this feed",
				      (long long)e[i].seq);
		}
	}
	/* a resend of records the city held already proves only them: the
	 * head moves as far as the proof reaches without a hole */
	while (!rc && *proven < head && seen[*proven - after])
		(*proven)++;
	if (!rc && *proven == after)
		rc = yzf_fail(y, YZF_EBADSIG, "the city acknowledged seq %lld "
			      "without proving it in its log",
			      (long long)(after + 1));
	bool ok = true;
	if (!rc) {
		i = 0;
		cJSON_ArrayForEach(x, pj) {
			if (!cJSON_IsString(x) ||
			    !yzf_unhex(x->valuestring, strlen(x->valuestring),
				       p[i], 32))
				ok = false;
			i++;
		}
		if (!ok || yzf_merkle_verify_multi((const uint8_t(*)[32])lv, idx,
						   (size_t)k, c->size,
						   (const uint8_t(*)[32])p,
						   (size_t)np, c->root))
			rc = yzf_fail(y, YZF_EBADSIG, "the city's proof does not "
				      "put seq %lld to %lld in its log of %llu "
				      "records: not acknowledged",
				      (long long)after + 1, (long long)*proven,
				      (unsigned long long)c->size);
	}
	free(e);
	free(idx);
	free(lv);
	free(p);
	free(seen);
	return rc;
}

/* The nonce of a signed request: its signature's first 16 bytes. */
static bool auth_nonce(const char *auth, uint8_t out[YZF_NONCE_LEN])
{
	const char *sig = auth ? strstr(auth, "sig=") : NULL;
	return sig && yzf_unhex(sig + 4, 2 * YZF_NONCE_LEN, out, YZF_NONCE_LEN);
}

int yzf_sync_push_answer(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			 const char *auth, int status, const uint8_t *body,
			 size_t len, struct yzf_sync_result *r)
{
	memset(r, 0, sizeof r[0]);
	cJSON *j = cJSON_ParseWithLengthOpts((const char *)body, len, NULL, 0);
	if (!j || !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return yzf_fail(y, YZF_EINVAL, "server answer (HTTP %d) is not a "
				"JSON object", status);
	}
	int rc = YZF_OK;
	if (status != 200 && status != 409) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");
		rc = yzf_fail(y, YZF_EINVAL, "server refused the push (HTTP %d): "
			      "%.300s", status,
			      cJSON_IsString(m) ? m->valuestring : "no message");
		goto out;
	}
	const cJSON *head = cJSON_GetObjectItemCaseSensitive(j, "head");
	const cJSON *hid = cJSON_GetObjectItemCaseSensitive(head, "id");
	uint8_t id[YZF_ID_LEN];
	int64_t seq = json_int(head, "seq");
	if (!cJSON_IsObject(head) || !cJSON_IsString(hid) || seq < 0 ||
	    !yzf_unhex(hid->valuestring, strlen(hid->valuestring), id,
		       YZF_ID_LEN)) {
		rc = yzf_fail(y, YZF_EINVAL, "server answer has no valid head");
		goto out;
	}
	r->acked = seq;
	r->conflict = status == 409;
	r->stored = json_int(j, "stored");
	r->duplicates = json_int(j, "duplicates");
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(j, "quarantined");
	r->quarantined = cJSON_IsArray(q) ? cJSON_GetArraySize(q) : 0;
	if (r->quarantined > 0) {
		const cJSON *first = cJSON_GetArrayItem(q, 0);
		const cJSON *why = cJSON_GetObjectItemCaseSensitive(first, "reason");
		snprintf(r->first_problem, sizeof r->first_problem,
			 "seq %lld: %.200s", (long long)json_int(first, "seq"),
			 cJSON_IsString(why) ? why->valuestring : "?");
	}
	const cJSON *fl = cJSON_GetObjectItemCaseSensitive(j, "flagged");
	r->flagged = cJSON_IsArray(fl) ? cJSON_GetArraySize(fl) : 0;
	if (r->flagged > 0) {
		const cJSON *first = cJSON_GetArrayItem(fl, 0);
		const cJSON *why = cJSON_GetObjectItemCaseSensitive(first, "reason");
		snprintf(r->first_flag, sizeof r->first_flag, "seq %lld: %.200s",
			 (long long)json_int(first, "seq"),
			 cJSON_IsString(why) ? why->valuestring : "?");
	}
	if (status == 409) {
		rc = ack(y, feed, seq, id);
		goto out;
	}
	/* 200: the acknowledgement counts only with the city's signed
	 * checkpoint, consistent with the one held, proving the records */
	const cJSON *log = cJSON_GetObjectItemCaseSensitive(j, "log");
	struct yzf_checkpoint c;
	uint8_t nonce[YZF_NONCE_LEN], oid[YZF_ID_LEN];
	int64_t before;
	if (!auth_nonce(auth, nonce)) {
		rc = yzf_fail(y, YZF_EINVAL, "sync: the request's Authorization "
			      "is needed to check the answer");
		goto out;
	}
	int64_t proven = 0;
	bool kept = false;
	rc = ack_ok(y, feed, seq, id);
	/* check the checkpoint and keep it in one transaction */
	if (!rc && !(rc = yzf_begin(y))) {
		rc = yzf_log_check(y, nonce, log, &c, &kept);
		if (!rc)
			rc = acked_head(y, feed, &before, oid);
		if (!rc)
			rc = check_entries(y, feed, log, &c, before, seq,
					   &proven);
		if (!rc && proven < seq) {
			rc = own_id(y, feed, proven, id);
			r->acked = proven;
		}
		if (!rc)
			rc = yzf_log_keep(y, log, &c, true);
		if (!rc)
			rc = ack(y, feed, proven, id);
		rc = yzf_log_end(y, rc, kept);
	}
out:
	cJSON_Delete(j);
	return rc;
}

int yzf_sync_state(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		   int64_t *local, int64_t *acked)
{
	uint8_t id[YZF_ID_LEN];
	int rc = yzf_head(y, feed, local, id);
	if (!rc)
		rc = acked_head(y, feed, acked, id);
	return rc;
}

int yzf_sync_pull_body(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		       const struct yzf_pull_cursor *after, struct yzf_buf *out)
{
	sqlite3_stmt *st;
	char fh[2 * YZF_KEY_LEN + 1];
	if (sqlite3_prepare_v2(y->db, "SELECT case_id FROM records WHERE feed = ? "
			       "AND case_id IS NOT NULL GROUP BY case_id ORDER BY "
			       "max(seq) DESC LIMIT 64", -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "pull");
	sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
	yzf_buf_puts(out, "{\"cases\":[");
	for (int i = 0; sqlite3_step(st) == SQLITE_ROW; i++) {
		const char *c = (const char *)sqlite3_column_text(st, 0);
		if (i)
			yzf_buf_putc(out, ',');
		/* case ids are checked at append: [A-Za-z0-9._:-] */
		yzf_canon_put_str(out, c ? c : "", c ? strlen(c) : 0);
	}
	sqlite3_finalize(st);
	yzf_buf_puts(out, "],\"after\":");
	if (after && after->set) {
		yzf_hex(after->feed, YZF_KEY_LEN, fh);
		yzf_buf_putc(out, '{');
		if (after->case_id[0]) {
			/* case ids are checked at append and on the way in */
			yzf_buf_puts(out, "\"case\":");
			yzf_canon_put_str(out, after->case_id,
					  strlen(after->case_id));
			yzf_buf_putc(out, ',');
		}
		yzf_buf_puts(out, "\"feed\":\"");
		yzf_buf_puts(out, fh);
		yzf_buf_puts(out, "\",\"seq\":");
		yzf_canon_put_int(out, after->seq);
		yzf_buf_putc(out, '}');
	} else {
		yzf_buf_puts(out, "null");
	}
	yzf_buf_putc(out, '}');
	return out->oom ? yzf_fail(y, YZF_ENOMEM, "out of memory") : YZF_OK;
}

int yzf_sync_pull_answer(struct yzf *y, int status, const uint8_t *body,
			 size_t len, struct yzf_import_report *r,
			 struct yzf_pull_cursor *next)
{
	memset(r, 0, sizeof *r);
	memset(next, 0, sizeof *next);
	cJSON *j = cJSON_ParseWithLengthOpts((const char *)body, len, NULL, 0);
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");
	const cJSON *lines = cJSON_GetObjectItemCaseSensitive(j, "lines");
	const cJSON *nx = cJSON_GetObjectItemCaseSensitive(j, "next");
	int rc;
	if (status != 200 || !cJSON_IsString(lines)) {
		rc = yzf_fail(y, YZF_EINVAL, "server refused the pull (HTTP %d): "
			      "%.300s", status,
			      cJSON_IsString(m) ? m->valuestring : "no JSON answer");
		goto out;
	}
	if (cJSON_IsObject(nx)) {
		const cJSON *f = cJSON_GetObjectItemCaseSensitive(nx, "feed");
		const cJSON *q = cJSON_GetObjectItemCaseSensitive(nx, "seq");
		next->set = cJSON_IsString(f) && cJSON_IsNumber(q) &&
			    yzf_unhex(f->valuestring, strlen(f->valuestring),
				      next->feed, YZF_KEY_LEN);
		next->seq = next->set ? (int64_t)q->valuedouble : 0;
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(nx, "case");
		if (next->set && cJSON_IsString(c) &&
		    strlen(c->valuestring) < sizeof next->case_id &&
		    yzf_record_case_ok(c->valuestring))
			memcpy(next->case_id, c->valuestring,
			       strlen(c->valuestring) + 1);
	}
	rc = yzf_need_dk(y);
	if (!rc)
		rc = yzf_import_lines(y, (const uint8_t *)lines->valuestring,
				      strlen(lines->valuestring), true, r);
out:
	cJSON_Delete(j);
	return rc;
}

int yzf_sync_revocations_answer(struct yzf *y, int status, const uint8_t *body,
				size_t len, size_t *added)
{
	struct yzf_buf cl = { 0 };
	struct yzf_signed_cert city;
	*added = 0;
	cJSON *j = cJSON_ParseWithLengthOpts((const char *)body, len, NULL, 0);
	const cJSON *lines = cJSON_GetObjectItemCaseSensitive(j, "lines");
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");
	int rc;
	if (status != 200 || !cJSON_IsString(lines)) {
		rc = yzf_fail(y, YZF_EINVAL, "server refused the revocations "
			      "(HTTP %d): %.300s", status,
			      cJSON_IsString(m) ? m->valuestring : "no JSON answer");
		goto out;
	}
	rc = yzf_pinned(y, YZF_CERT_CITY, &cl, &city);
	if (!rc)
		rc = yzf_begin(y);
	const uint8_t *p = (const uint8_t *)lines->valuestring;
	size_t n = strlen(lines->valuestring), s = 0, lineno = 0;
	while (!rc && s < n) {
		size_t e = s;
		while (e < n && p[e] != '\n')
			e++;
		lineno++;
		if (e > s) {
			struct yzf_revocation rv;
			struct yzf_canon_err ce;
			sqlite3_stmt *st;
			/* all or nothing: a line the city did not sign means the
			 * answer is not the city's */
			if (yzf_revocation_parse(p + s, e - s, city.c.key, &rv, &ce)) {
				rc = yzf_fail(y, YZF_EBADSIG, "revocation line %zu: "
					      "%s", lineno, ce.why);
				break;
			}
			if (sqlite3_prepare_v2(y->db, "INSERT OR IGNORE INTO "
					       "revocations (serial, at, reason, "
					       "line) VALUES (?, ?, ?, ?)", -1, &st,
					       NULL) != SQLITE_OK) {
				rc = yzf_fail_db(y, "revocations");
				break;
			}
			sqlite3_bind_blob(st, 1, rv.serial, YZF_SERIAL_LEN,
					  SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, rv.at_ms);
			sqlite3_bind_text(st, 3, rv.reason, -1, SQLITE_STATIC);
			sqlite3_bind_blob(st, 4, p + s, (int)(e - s), SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = yzf_fail_db(y, "revocations");
			*added += (size_t)sqlite3_changes(y->db);
			sqlite3_finalize(st);
		}
		s = e + 1;
	}
	if (!rc) {
		rc = yzf_commit(y);
		/* sessions re-read their certificate's window with them */
		for (int i = 0; i < YZF_MAX_OFFICERS; i++)
			y->sess[i].have_validity = false;
	} else {
		yzf_rollback(y);
	}
out:
	yzf_buf_free(&cl);
	cJSON_Delete(j);
	return rc;
}

int yzf_sync_lease_answer(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			  int status, const uint8_t *body, size_t len,
			  int64_t *first, int64_t *last)
{
	cJSON *j = cJSON_ParseWithLengthOpts((const char *)body, len, NULL, 0);
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");
	const cJSON *ag = cJSON_GetObjectItemCaseSensitive(j, "agency");
	const cJSON *dt = cJSON_GetObjectItemCaseSensitive(j, "doc_type");
	int64_t year = json_int(j, "year"), now;
	int32_t tz;
	*first = json_int(j, "first");
	*last = json_int(j, "last");
	sqlite3_stmt *st = NULL;
	int rc;
	if (status != 200 || !cJSON_IsString(ag) || !cJSON_IsString(dt) ||
	    *first < 1 || *last < *first || year < 1970) {
		rc = yzf_fail(y, YZF_EINVAL, "server refused the lease (HTTP %d): "
			      "%.300s", status,
			      cJSON_IsString(m) ? m->valuestring : "no valid lease");
		goto out;
	}
	rc = yzf_now(y, &now, &tz);
	if (!rc && sqlite3_prepare_v2(y->db, "INSERT INTO leases (feed, agency, "
				      "doc_type, year, first, last, next, received) "
				      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", -1, &st,
				      NULL) != SQLITE_OK)
		rc = yzf_fail_db(y, "leases");
	if (!rc) {
		sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, ag->valuestring, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, dt->valuestring, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, year);
		sqlite3_bind_int64(st, 5, *first);
		sqlite3_bind_int64(st, 6, *last);
		sqlite3_bind_int64(st, 7, *first);
		sqlite3_bind_int64(st, 8, now);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = yzf_fail_db(y, "leases");
	}
out:
	sqlite3_finalize(st);
	cJSON_Delete(j);
	return rc;
}

static int this_year(struct yzf *y, int *year)
{
	int64_t now;
	int32_t tz;
	char t[YZF_TIME_LEN + 1];
	int rc = yzf_now(y, &now, &tz);
	if (!rc) {
		yzf_time_fmt(now, 480, t); /* numbers run per year in Beijing */
		*year = atoi(t);
	}
	return rc;
}

int yzf_lease_take(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		   const char *doc_type, int *year, int64_t *number)
{
	sqlite3_stmt *st = NULL;
	int rc = this_year(y, year);
	if (!rc)
		rc = yzf_begin(y);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(y->db, "SELECT first, next FROM leases WHERE feed = "
			       "? AND doc_type = ? AND year = ? AND next <= last "
			       "ORDER BY first LIMIT 1", -1, &st, NULL) != SQLITE_OK) {
		rc = yzf_fail_db(y, "leases");
		goto out;
	}
	sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, doc_type, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, *year);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = yzf_fail(y, YZF_ENOTFOUND, "no %s document numbers left for "
			      "%d: sync to lease more", doc_type, *year);
		goto out;
	}
	int64_t first = sqlite3_column_int64(st, 0);
	*number = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(y->db, "UPDATE leases SET next = next + 1 WHERE "
			       "feed = ? AND doc_type = ? AND year = ? AND first "
			       "= ?", -1, &st, NULL) != SQLITE_OK) {
		rc = yzf_fail_db(y, "leases");
		goto out;
	}
	sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, doc_type, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, *year);
	sqlite3_bind_int64(st, 4, first);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = yzf_fail_db(y, "leases");
out:
	sqlite3_finalize(st);
	/* durable before the number is used */
	if (!rc)
		return yzf_commit(y);
	yzf_rollback(y);
	return rc;
}

int yzf_lease_left(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		   const char *doc_type, int64_t *left)
{
	sqlite3_stmt *st;
	int year;
	int rc = this_year(y, &year);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(y->db, "SELECT coalesce(sum(last - next + 1), 0) "
			       "FROM leases WHERE feed = ? AND doc_type = ? AND "
			       "year = ?", -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "leases");
	sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, doc_type, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, year);
	*left = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return YZF_OK;
}

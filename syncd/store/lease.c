/* Document-number leases: blocks of 文号 per agency, document type and
 * year, each number leased once (schemas/sync.md, "Leases"). */
#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yzf/cert.h>
#include <yzf/time.h>

#include "ingest.h"
#include "lease.h"

#define MAX_BLOCK 500

static bool doc_type_ok(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n <= 32 &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == n;
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

int syncd_lease_handle(struct syncd_store *s, const uint8_t feed[YZF_KEY_LEN],
		       const struct syncd_request *req,
		       struct syncd_response *resp, int64_t now)
{
	char msg[300], uscc[19], t[YZF_TIME_LEN + 1];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int status = 400;
	const char *code = "bad_request";
	cJSON *j = req->body ? cJSON_ParseWithLengthOpts((const char *)req->body,
							 req->body_len, NULL, 0)
			     : NULL;
	const cJSON *dt = cJSON_GetObjectItemCaseSensitive(j, "doc_type");
	const cJSON *cn = cJSON_GetObjectItemCaseSensitive(j, "count");
	if (!cJSON_IsString(dt) || !doc_type_ok(dt->valuestring) ||
	    !cJSON_IsNumber(cn) || cn->valuedouble < 1 ||
	    cn->valuedouble > MAX_BLOCK || cn->valuedouble != (int)cn->valuedouble) {
		snprintf(msg, sizeof msg, "body: {\"doc_type\":[A-Z0-9_-]{1,32}, "
			 "\"count\":1..%d} expected", MAX_BLOCK);
		goto fail;
	}
	int64_t count = (int64_t)cn->valuedouble;
	/* the year in Beijing time: numbers run per calendar year there */
	yzf_time_fmt(now, 480, t);
	int year = atoi(t);
	status = 500, code = "internal";
	if (sqlite3_open_v2(syncd_store_path(s), &db, SQLITE_OPEN_READWRITE,
			    NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_busy_timeout(db, 10000);
	sqlite3_exec(db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	if (!agency_of(db, feed, uscc)) {
		snprintf(msg, sizeof msg, "no certificate for the feed");
		goto fail;
	}
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO lease_counters (uscc, "
			       "doc_type, year, next) VALUES (?, ?, ?, 1)", -1,
			       &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, uscc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, dt->valuestring, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, year);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto dberr;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "SELECT next FROM lease_counters WHERE uscc = ? "
			       "AND doc_type = ? AND year = ?", -1, &st,
			       NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, uscc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, dt->valuestring, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, year);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto dberr;
	int64_t first = sqlite3_column_int64(st, 0), last = first + count - 1;
	sqlite3_finalize(st);
	st = NULL;
	char sql[300];
	snprintf(sql, sizeof sql, "UPDATE lease_counters SET next = %lld WHERE "
		 "uscc = ?1 AND doc_type = ?2 AND year = %d; ", (long long)(last + 1),
		 year);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, uscc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, dt->valuestring, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto dberr;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "INSERT INTO leases (uscc, doc_type, year, "
			       "first, last, feed, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, uscc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, dt->valuestring, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, year);
	sqlite3_bind_int64(st, 4, first);
	sqlite3_bind_int64(st, 5, last);
	sqlite3_bind_blob(st, 6, feed, YZF_KEY_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, now);
	/* durable before the numbers are handed out */
	if (sqlite3_step(st) != SQLITE_DONE ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddTrueToObject(o, "ok");
	cJSON_AddStringToObject(o, "server_time", t);
	cJSON_AddStringToObject(o, "agency", uscc);
	cJSON_AddStringToObject(o, "doc_type", dt->valuestring);
	cJSON_AddNumberToObject(o, "year", year);
	cJSON_AddNumberToObject(o, "first", (double)first);
	cJSON_AddNumberToObject(o, "last", (double)last);
	char *txt = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	resp->status = 200;
	resp->content_type = "application/json";
	if (txt)
		yzf_buf_puts(&resp->body, txt);
	free(txt);
	goto out;
dberr:
	snprintf(msg, sizeof msg, "store: %s", db ? sqlite3_errmsg(db) : "open");
fail:
	syncd_answer_error(resp, status, code, msg, now);
out:
	sqlite3_finalize(st);
	if (db) {
		if (!sqlite3_get_autocommit(db))
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(db);
	}
	cJSON_Delete(j);
	return resp->body.oom ? YZF_ENOMEM : YZF_OK;
}

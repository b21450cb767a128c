/* Pull: what a terminal needs of other officers' feeds. A feed may read the
 * records of a case only if it has itself pushed a record naming that
 * case: an officer sees the cases they work on, not a colleague's others. */
#include <cjson/cJSON.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yzf/time.h>

#include "ingest.h"
#include "pull.h"

static bool case_ok(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n < YZF_CASE_MAX &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789._:-") == n;
}

int syncd_pull_handle(struct syncd_store *s, const uint8_t feed[YZF_KEY_LEN],
		      const struct syncd_request *req,
		      struct syncd_response *resp, int64_t now)
{
	char msg[300], t[YZF_TIME_LEN + 1];
	sqlite3 *db = NULL;
	sqlite3_stmt *mine = NULL, *recs = NULL, *cert = NULL;
	struct yzf_buf lines = { 0 };
	uint8_t after_feed[YZF_KEY_LEN] = { 0 };
	int64_t after_seq = 0, n = 0;
	bool more = false;
	cJSON *j = req->body ? cJSON_ParseWithLengthOpts((const char *)req->body,
							 req->body_len, NULL, 0)
			     : NULL;
	const cJSON *cases = cJSON_GetObjectItemCaseSensitive(j, "cases");
	const cJSON *after = cJSON_GetObjectItemCaseSensitive(j, "after");
	int ncases = cJSON_IsArray(cases) ? cJSON_GetArraySize(cases) : -1;
	if (ncases < 0 || ncases > SYNCD_PULL_MAX_CASES) {
		snprintf(msg, sizeof msg, "body: {\"cases\":[up to %d case ids], "
			 "\"after\":null|{\"feed\":HEX64,\"seq\":N}} expected",
			 SYNCD_PULL_MAX_CASES);
		goto bad;
	}
	if (after && !cJSON_IsNull(after)) {
		const cJSON *af = cJSON_GetObjectItemCaseSensitive(after, "feed");
		const cJSON *as = cJSON_GetObjectItemCaseSensitive(after, "seq");
		if (!cJSON_IsString(af) || !cJSON_IsNumber(as) ||
		    !syncd_unhex(af->valuestring, strlen(af->valuestring),
				 after_feed, YZF_KEY_LEN)) {
			snprintf(msg, sizeof msg, "after: {\"feed\":HEX64,\"seq\":N}");
			goto bad;
		}
		after_seq = (int64_t)as->valuedouble;
	}
	if (sqlite3_open_v2(syncd_store_path(s), &db, SQLITE_OPEN_READONLY,
			    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT 1 FROM records WHERE case_id = ? AND "
			       "feed = ? LIMIT 1", -1, &mine, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT feed, seq, bytes, sig FROM records "
			       "WHERE case_id = ? AND feed <> ? AND (feed, seq) > "
			       "(?, ?) ORDER BY feed, seq LIMIT ?", -1, &recs,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT line FROM certs WHERE key = ? AND kind "
			       "= 'feed'", -1, &cert, NULL) != SQLITE_OK) {
		snprintf(msg, sizeof msg, "store: %s",
			 db ? sqlite3_errmsg(db) : "cannot open");
		syncd_answer_error(resp, 500, "internal", msg, now);
		goto out;
	}
	sqlite3_busy_timeout(db, 10000);
	/* One case at a time, in the order given; the cursor resumes inside
	 * the first case that did not fit. */
	for (int i = 0; i < ncases && !more; i++) {
		const cJSON *c = cJSON_GetArrayItem(cases, i);
		if (!cJSON_IsString(c) || !case_ok(c->valuestring)) {
			snprintf(msg, sizeof msg, "cases[%d]: not a case id", i);
			goto bad;
		}
		sqlite3_reset(mine);
		sqlite3_bind_text(mine, 1, c->valuestring, -1, SQLITE_STATIC);
		sqlite3_bind_blob(mine, 2, feed, YZF_KEY_LEN, SQLITE_STATIC);
		if (sqlite3_step(mine) != SQLITE_ROW)
			continue; /* not this feed's case: nothing, silently */
		sqlite3_reset(recs);
		sqlite3_bind_text(recs, 1, c->valuestring, -1, SQLITE_STATIC);
		sqlite3_bind_blob(recs, 2, feed, YZF_KEY_LEN, SQLITE_STATIC);
		sqlite3_bind_blob(recs, 3, after_feed, YZF_KEY_LEN, SQLITE_STATIC);
		sqlite3_bind_int64(recs, 4, after_seq);
		sqlite3_bind_int64(recs, 5, SYNCD_PULL_MAX_RECORDS - n + 1);
		uint8_t last_feed[YZF_KEY_LEN] = { 0 };
		while (sqlite3_step(recs) == SQLITE_ROW) {
			if (n == SYNCD_PULL_MAX_RECORDS) {
				more = true;
				break;
			}
			const uint8_t *f = sqlite3_column_blob(recs, 0);
			if (memcmp(f, last_feed, YZF_KEY_LEN) != 0) {
				/* the feed's certificate before its records */
				sqlite3_reset(cert);
				sqlite3_bind_blob(cert, 1, f, YZF_KEY_LEN,
						  SQLITE_TRANSIENT);
				while (sqlite3_step(cert) == SQLITE_ROW) {
					yzf_buf_put(&lines, sqlite3_column_blob(cert, 0),
						    (size_t)sqlite3_column_bytes(cert, 0));
					yzf_buf_putc(&lines, '\n');
				}
				memcpy(last_feed, f, YZF_KEY_LEN);
			}
			yzf_record_line(sqlite3_column_blob(recs, 2),
					(size_t)sqlite3_column_bytes(recs, 2),
					sqlite3_column_blob(recs, 3), &lines);
			yzf_buf_putc(&lines, '\n');
			memcpy(after_feed, f, YZF_KEY_LEN);
			after_seq = sqlite3_column_int64(recs, 1);
			n++;
		}
		if (!more) {
			/* the next case starts from the beginning */
			memset(after_feed, 0, sizeof after_feed);
			after_seq = 0;
		}
	}
	yzf_buf_putc(&lines, 0);
	yzf_time_fmt(now, 480, t);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddTrueToObject(o, "ok");
	cJSON_AddStringToObject(o, "server_time", t);
	cJSON_AddNumberToObject(o, "records", (double)n);
	if (more) {
		char fh[2 * YZF_KEY_LEN + 1];
		syncd_hex(after_feed, YZF_KEY_LEN, fh);
		cJSON *nx = cJSON_AddObjectToObject(o, "next");
		cJSON_AddStringToObject(nx, "feed", fh);
		cJSON_AddNumberToObject(nx, "seq", (double)after_seq);
	} else {
		cJSON_AddNullToObject(o, "next");
	}
	cJSON_AddStringToObject(o, "lines", lines.oom ? "" : (char *)lines.p);
	char *txt = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	resp->status = 200;
	resp->content_type = "application/json";
	if (txt)
		yzf_buf_puts(&resp->body, txt);
	free(txt);
	goto out;
bad:
	syncd_answer_error(resp, 400, "bad_request", msg, now);
out:
	sqlite3_finalize(mine);
	sqlite3_finalize(recs);
	sqlite3_finalize(cert);
	sqlite3_close(db);
	yzf_buf_free(&lines);
	cJSON_Delete(j);
	return resp->body.oom ? YZF_ENOMEM : YZF_OK;
}

int syncd_revocations_handle(struct syncd_store *s, struct syncd_response *resp,
			     int64_t now)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	struct yzf_buf lines = { 0 };
	char t[YZF_TIME_LEN + 1];
	if (sqlite3_open_v2(syncd_store_path(s), &db, SQLITE_OPEN_READONLY,
			    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT line FROM revocations ORDER BY at", -1,
			       &st, NULL) != SQLITE_OK) {
		syncd_answer_error(resp, 500, "internal", "store unreadable", now);
		goto out;
	}
	sqlite3_busy_timeout(db, 10000);
	while (sqlite3_step(st) == SQLITE_ROW) {
		yzf_buf_put(&lines, sqlite3_column_blob(st, 0),
			    (size_t)sqlite3_column_bytes(st, 0));
		yzf_buf_putc(&lines, '\n');
	}
	yzf_buf_putc(&lines, 0);
	yzf_time_fmt(now, 480, t);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddTrueToObject(o, "ok");
	cJSON_AddStringToObject(o, "server_time", t);
	cJSON_AddStringToObject(o, "lines", lines.oom ? "" : (char *)lines.p);
	char *txt = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	resp->status = 200;
	resp->content_type = "application/json";
	if (txt)
		yzf_buf_puts(&resp->body, txt);
	free(txt);
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	yzf_buf_free(&lines);
	return resp->body.oom ? YZF_ENOMEM : YZF_OK;
}

int syncd_refdata_handle(struct syncd_store *s, const struct syncd_request *req,
			 struct syncd_response *resp, int64_t now)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char t[YZF_TIME_LEN + 1];
	cJSON *j = req->body ? cJSON_ParseWithLengthOpts((const char *)req->body,
							 req->body_len, NULL, 0)
			     : NULL;
	const cJSON *have = cJSON_GetObjectItemCaseSensitive(j, "have");
	if (!cJSON_IsObject(have)) {
		syncd_answer_error(resp, 400, "bad_request", "body: {\"have\":"
				   "{NAME:VERSION,...}} expected", now);
		goto out;
	}
	if (sqlite3_open_v2(syncd_store_path(s), &db, SQLITE_OPEN_READONLY,
			    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT name, version, line, content FROM "
			       "refdata r WHERE version = (SELECT max(version) "
			       "FROM refdata WHERE name = r.name) ORDER BY name",
			       -1, &st, NULL) != SQLITE_OK) {
		syncd_answer_error(resp, 500, "internal", "store unreadable", now);
		goto out;
	}
	sqlite3_busy_timeout(db, 10000);
	yzf_time_fmt(now, 480, t);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddTrueToObject(o, "ok");
	cJSON_AddStringToObject(o, "server_time", t);
	cJSON *sets = cJSON_AddArrayToObject(o, "sets");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const cJSON *hv = cJSON_GetObjectItemCaseSensitive(have, name);
		if (cJSON_IsNumber(hv) &&
		    (int64_t)hv->valuedouble >= sqlite3_column_int64(st, 1))
			continue; /* the terminal is up to date */
		size_t cl = (size_t)sqlite3_column_bytes(st, 3);
		size_t bl = sodium_base64_encoded_len(cl,
						      sodium_base64_VARIANT_ORIGINAL);
		char *b64 = malloc(bl);
		struct yzf_buf line = { 0 };
		yzf_buf_put(&line, sqlite3_column_blob(st, 2),
			    (size_t)sqlite3_column_bytes(st, 2));
		yzf_buf_putc(&line, 0);
		if (b64 && !line.oom) {
			sodium_bin2base64(b64, bl, sqlite3_column_blob(st, 3), cl,
					  sodium_base64_VARIANT_ORIGINAL);
			cJSON *e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "line", (char *)line.p);
			cJSON_AddStringToObject(e, "content", b64);
			cJSON_AddItemToArray(sets, e);
		}
		free(b64);
		yzf_buf_free(&line);
	}
	char *txt = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	resp->status = 200;
	resp->content_type = "application/json";
	if (txt)
		yzf_buf_puts(&resp->body, txt);
	free(txt);
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	cJSON_Delete(j);
	return resp->body.oom ? YZF_ENOMEM : YZF_OK;
}

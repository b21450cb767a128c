/* Pull: what a terminal needs from the city besides its own feeds — other
 * officers' records of the cases it works on, revocations, reference data.
 * A feed may read the records of a case only if it has itself pushed a
 * record naming that case: an officer sees the cases they work on, not a
 * colleague's others. The queries are the store's (side.c). */
#include <cjson/cJSON.h>
#include <sodium.h>
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

/* {"ok":true,"server_time":...} plus what add puts in, as the answer. */
static void answer(struct syncd_response *resp, cJSON *o, int64_t now)
{
	char t[YZF_TIME_LEN + 1];
	yzf_time_fmt(now, 480, t);
	cJSON_AddTrueToObject(o, "ok");
	cJSON_AddStringToObject(o, "server_time", t);
	char *txt = cJSON_PrintUnformatted(o);
	resp->status = 200;
	resp->content_type = "application/json";
	if (txt)
		yzf_buf_puts(&resp->body, txt);
	else
		resp->body.oom = 1;
	free(txt);
}

int syncd_pull_handle(struct syncd_store *s, const uint8_t feed[YZF_KEY_LEN],
		      size_t page, const struct syncd_request *req,
		      struct syncd_response *resp, int64_t now)
{
	char msg[300];
	const char *cases[SYNCD_PULL_MAX_CASES];
	struct syncd_case_cursor cur = { 0 };
	struct yzf_buf lines = { 0 };
	size_t n = 0;
	bool more = false;
	cJSON *o = NULL;
	cJSON *j = req->body ? cJSON_ParseWithLengthOpts((const char *)req->body,
							 req->body_len, NULL, 0)
			     : NULL;
	const cJSON *jc = cJSON_GetObjectItemCaseSensitive(j, "cases");
	const cJSON *after = cJSON_GetObjectItemCaseSensitive(j, "after");
	int ncases = cJSON_IsArray(jc) ? cJSON_GetArraySize(jc) : -1;
	if (ncases < 0 || ncases > SYNCD_PULL_MAX_CASES) {
		snprintf(msg, sizeof msg, "body: {\"cases\":[up to %d case ids], "
			 "\"after\":null|{\"feed\":HEX64,\"seq\":N}} expected",
			 SYNCD_PULL_MAX_CASES);
		goto bad;
	}
	for (int i = 0; i < ncases; i++) {
		const cJSON *c = cJSON_GetArrayItem(jc, i);
		if (!cJSON_IsString(c) || !case_ok(c->valuestring)) {
			snprintf(msg, sizeof msg, "cases[%d]: not a case id", i);
			goto bad;
		}
		cases[i] = c->valuestring;
	}
	if (after && !cJSON_IsNull(after)) {
		const cJSON *af = cJSON_GetObjectItemCaseSensitive(after, "feed");
		const cJSON *as = cJSON_GetObjectItemCaseSensitive(after, "seq");
		const cJSON *ac = cJSON_GetObjectItemCaseSensitive(after, "case");
		if (!cJSON_IsString(af) || !cJSON_IsNumber(as) ||
		    !syncd_unhex(af->valuestring, strlen(af->valuestring),
				 cur.feed, YZF_KEY_LEN) ||
		    (ac && (!cJSON_IsString(ac) || !case_ok(ac->valuestring)))) {
			snprintf(msg, sizeof msg, "after: {\"case\":ID,"
				 "\"feed\":HEX64,\"seq\":N}");
			goto bad;
		}
		cur.seq = (int64_t)as->valuedouble;
		if (ac)
			snprintf(cur.case_id, sizeof cur.case_id, "%s",
				 ac->valuestring);
	}
	if (syncd_store_case_records(syncd_store_path(s), feed, cases,
				     (size_t)ncases, &cur, page,
				     &lines, &n, &more, msg, sizeof msg)) {
		syncd_answer_error(resp, 500, "internal", msg, now);
		goto out;
	}
	yzf_buf_putc(&lines, 0);
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "records", (double)n);
	if (more) {
		char fh[2 * YZF_KEY_LEN + 1];
		syncd_hex(cur.feed, YZF_KEY_LEN, fh);
		cJSON *nx = cJSON_AddObjectToObject(o, "next");
		cJSON_AddStringToObject(nx, "case", cur.case_id);
		cJSON_AddStringToObject(nx, "feed", fh);
		cJSON_AddNumberToObject(nx, "seq", (double)cur.seq);
	} else {
		cJSON_AddNullToObject(o, "next");
	}
	cJSON_AddStringToObject(o, "lines", lines.oom ? "" : (char *)lines.p);
	answer(resp, o, now);
	goto out;
bad:
	syncd_answer_error(resp, 400, "bad_request", msg, now);
out:
	cJSON_Delete(o);
	yzf_buf_free(&lines);
	cJSON_Delete(j);
	return resp->body.oom ? YZF_ENOMEM : YZF_OK;
}

int syncd_revocations_handle(struct syncd_store *s, struct syncd_response *resp,
			     int64_t now)
{
	struct yzf_buf lines = { 0 };
	char msg[300];
	if (syncd_store_revocation_lines(syncd_store_path(s), &lines, msg,
					 sizeof msg)) {
		syncd_answer_error(resp, 500, "internal", msg, now);
	} else {
		yzf_buf_putc(&lines, 0);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "lines",
					lines.oom ? "" : (char *)lines.p);
		answer(resp, o, now);
		cJSON_Delete(o);
	}
	yzf_buf_free(&lines);
	return resp->body.oom ? YZF_ENOMEM : YZF_OK;
}

struct sets {
	const cJSON *have;
	cJSON *out;
};

/* One published set: sent if the terminal holds an older version or none. */
static int add_set(void *ctx, const char *name, int64_t version,
		   const uint8_t *line, size_t llen, const uint8_t *content,
		   size_t clen)
{
	struct sets *st = ctx;
	const cJSON *hv = cJSON_GetObjectItemCaseSensitive(st->have, name);
	if (cJSON_IsNumber(hv) && (int64_t)hv->valuedouble >= version)
		return YZF_OK; /* up to date */
	size_t bl = sodium_base64_encoded_len(clen, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = malloc(bl), *l = malloc(llen + 1);
	int rc = YZF_ENOMEM;
	if (b64 && l) {
		sodium_bin2base64(b64, bl, content, clen,
				  sodium_base64_VARIANT_ORIGINAL);
		memcpy(l, line, llen);
		l[llen] = 0;
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "line", l);
		cJSON_AddStringToObject(e, "content", b64);
		cJSON_AddItemToArray(st->out, e);
		rc = YZF_OK;
	}
	free(b64);
	free(l);
	return rc;
}

/* The newest index as a string member, null before the first one. */
static void add_index(cJSON *o, struct yzf_buf *index)
{
	if (index->len == 0) {
		cJSON_AddNullToObject(o, "index");
		return;
	}
	yzf_buf_putc(index, 0);
	cJSON_AddStringToObject(o, "index", index->oom ? "" : (char *)index->p);
}

int syncd_refdata_handle(struct syncd_store *s, const struct syncd_request *req,
			 struct syncd_response *resp, int64_t now)
{
	char msg[300];
	struct yzf_buf index = { 0 };
	cJSON *j = req->body ? cJSON_ParseWithLengthOpts((const char *)req->body,
							 req->body_len, NULL, 0)
			     : NULL;
	struct sets st = { .have = cJSON_GetObjectItemCaseSensitive(j, "have") };
	if (!cJSON_IsObject(st.have)) {
		syncd_answer_error(resp, 400, "bad_request", "body: {\"have\":"
				   "{NAME:VERSION,...}} expected", now);
	} else {
		cJSON *o = cJSON_CreateObject();
		st.out = cJSON_AddArrayToObject(o, "sets");
		if (syncd_store_refdata_latest(syncd_store_path(s), add_set, &st,
					       &index, msg, sizeof msg)) {
			syncd_answer_error(resp, 500, "internal", msg, now);
		} else {
			add_index(o, &index);
			answer(resp, o, now);
		}
		cJSON_Delete(o);
	}
	yzf_buf_free(&index);
	cJSON_Delete(j);
	return resp->body.oom ? YZF_ENOMEM : YZF_OK;
}

/* Document-number leases: blocks of 文号 per agency, document type and
 * year, each number leased once (schemas/sync.md, "Leases"). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int syncd_lease_handle(struct syncd_store *s, const uint8_t feed[YZF_KEY_LEN],
		       const struct syncd_request *req,
		       struct syncd_response *resp, int64_t now)
{
	char msg[300], uscc[19], t[YZF_TIME_LEN + 1];
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
	int64_t first, last;
	if (syncd_store_lease(syncd_store_path(s), feed, dt->valuestring, year,
			      count, uscc, now, &first, &last, msg, sizeof msg)) {
		status = 500, code = "internal";
		goto fail;
	}
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
fail:
	syncd_answer_error(resp, status, code, msg, now);
out:
	cJSON_Delete(j);
	return resp->body.oom ? YZF_ENOMEM : YZF_OK;
}

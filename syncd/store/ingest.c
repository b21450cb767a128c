/* Verified ingest of a push: the per-record checks in the request thread,
 * the head checks and the commit in the store's writer, then the answer. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yzf/time.h>

#include "ingest.h"
#include "mlog.h"
#include "schema.h"

static void put_str(struct yzf_buf *b, const char *s)
{
	if (yzf_canon_put_str(b, s, strlen(s)) != YZF_OK)
		yzf_buf_puts(b, "\"(text not UTF-8)\"");
}

static void put_int(struct yzf_buf *b, int64_t v)
{
	(void)yzf_canon_put_int(b, v);
}

static void put_hex(struct yzf_buf *b, const uint8_t *p, size_t n)
{
	char h[2 * 64 + 1];
	syncd_hex(p, n, h);
	yzf_buf_putc(b, '"');
	yzf_buf_puts(b, h);
	yzf_buf_putc(b, '"');
}

static void put_time(struct yzf_buf *b, int64_t now)
{
	char t[YZF_TIME_LEN + 1];
	yzf_time_fmt(now, SYNCD_SERVER_TZ, t);
	yzf_buf_putc(b, '"');
	yzf_buf_puts(b, t);
	yzf_buf_putc(b, '"');
}

static void put_head(struct yzf_buf *b, int64_t seq,
		     const uint8_t id[YZF_ID_LEN])
{
	yzf_buf_puts(b, "\"head\":{\"seq\":");
	put_int(b, seq);
	yzf_buf_puts(b, ",\"id\":");
	put_hex(b, id, YZF_ID_LEN);
	yzf_buf_putc(b, '}');
}

static void error_open(struct syncd_response *resp, int status,
		       const char *code, const char *msg, int64_t now)
{
	resp->status = status;
	resp->content_type = "application/json";
	yzf_buf_reset(&resp->body);
	yzf_buf_puts(&resp->body, "{\"ok\":false,\"error\":");
	put_str(&resp->body, code);
	yzf_buf_puts(&resp->body, ",\"message\":");
	put_str(&resp->body, msg);
	yzf_buf_puts(&resp->body, ",\"server_time\":");
	put_time(&resp->body, now);
}

void syncd_answer_error(struct syncd_response *resp, int status,
			const char *code, const char *msg, int64_t now)
{
	error_open(resp, status, code, msg, now);
	yzf_buf_putc(&resp->body, '}');
}

/* Mark an item refused, with its reason. */
static int refuse(struct push_job *j, struct push_item *it, const char *fmt,
		  ...) __attribute__((format(printf, 3, 4)));
static int refuse(struct push_job *j, struct push_item *it, const char *fmt,
		  ...)
{
	char why[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	it->kind = ITEM_BAD;
	it->reason = syncd_push_reason(j, "%s", why);
	return YZF_OK;
}

/* How far a record's wall time may stray from what the city can know of
 * it before it is flagged: the terminal's clock between attestations,
 * plus the time a record takes to reach the city. */
#define TIME_SLACK_MS (5 * 60 * 1000LL)

/* Whether the record's wall time can be true (DESIGN.md "Clocks lie"):
 * not after the city's clock now, and not off from what the attested
 * time it carries plus the monotonic time since allow. A record that
 * fails is stored all the same, flagged with the reason. */
static size_t time_flag(struct push_job *j, const struct yzf_record *r,
			int64_t now)
{
	if (r->at_ms > now + TIME_SLACK_MS)
		return syncd_push_reason(j, "at is %lld s after the city's clock "
					 "when it arrived",
					 (long long)((r->at_ms - now) / 1000));
	if (!r->has_att)
		return SIZE_MAX;
	if (r->mono >= r->att_mono) {
		int64_t want = r->att_ms + (r->mono - r->att_mono);
		int64_t off = r->at_ms - want;
		if (off > TIME_SLACK_MS || off < -TIME_SLACK_MS)
			return syncd_push_reason(j, "at is %+lld s off the "
						 "attested time it carries plus "
						 "the monotonic time since",
						 (long long)(off / 1000));
	} else if (r->at_ms < r->att_ms - TIME_SLACK_MS) {
		/* the monotonic clock restarted (a reboot): only "not
		 * before the attestation" can be judged */
		return syncd_push_reason(j, "at is %lld s before the attested "
					 "time it carries",
					 (long long)((r->att_ms - r->at_ms) /
						     1000));
	}
	return SIZE_MAX;
}

/* The head-independent checks of one record line, in the order `yzf
 * import` makes them. On failure the item becomes ITEM_BAD with a reason;
 * returns YZF_ENOMEM only when a check could not run. */
static int check_record(const struct syncd_ingest *in,
			const uint8_t feed[YZF_KEY_LEN], struct push_job *j,
			struct push_item *it)
{
	struct yzf_record rec;
	struct yzf_canon_err e;
	char msg[400], h[2 * YZF_KEY_LEN + 1];
	if (it->line_len < 7 || memcmp(it->line, "{\"rec\":", 7) != 0)
		return refuse(j, it, "line %zu is neither a certificate nor a "
			      "record", it->lineno);
	if (yzf_record_unline(it->line, it->line_len, &it->bytes, &it->len,
			      it->sig, &e) ||
	    yzf_record_parse(it->bytes, it->len, &rec, &e))
		return refuse(j, it, "record not canonical: %s (byte %zu of "
			      "line %zu)", e.why, e.off, it->lineno);
	it->seq = rec.seq;
	if (memcmp(rec.feed, feed, YZF_KEY_LEN) != 0) {
		syncd_hex(rec.feed, YZF_KEY_LEN, h);
		return refuse(j, it, "feed: the record is of feed %s, not of "
			      "the feed that signed the request", h);
	}
	if (!yzf_record_sig_ok(it->bytes, it->len, it->sig, rec.feed))
		return refuse(j, it, "signature does not verify under the feed "
			      "key");
	int rc = yzf_schemas_check(in->schemas, rec.type, rec.body,
				   rec.body_len, msg, sizeof msg);
	if (rc == YZF_ENOMEM)
		return rc;
	if (rc ||
	    syncd_roster_check_record(in->roster, rec.feed, rec.at_ms, msg,
				      sizeof msg))
		return refuse(j, it, "%s", msg);
	memcpy(it->prev, rec.prev, YZF_ID_LEN);
	memcpy(it->case_id, rec.case_id, sizeof it->case_id);
	it->opens_case = rec.case_id[0] && !strcmp(rec.type, "case.open");
	it->paper = !strcmp(rec.type, "paper.backfill");
	it->approval = rec.case_id[0] && !strcmp(rec.type, "loc.approve");
	it->flag = time_flag(j, &rec, syncd_store_now(in->store));
	yzf_record_id(it->bytes, it->len, it->sig, it->id);
	it->kind = ITEM_RECORD;
	return YZF_OK;
}

static bool is_cert_line(const uint8_t *p, size_t n)
{
	return n >= 8 && memcmp(p, "{\"cert\":", 8) == 0;
}

/* Split the body into items (non-empty lines) and check each. */
static int build_job(const struct syncd_ingest *in, const uint8_t *body,
		     size_t len, struct push_job *j)
{
	size_t s = 0, lineno = 0;
	char msg[300];
	int rc = YZF_OK;
	while (s < len && !rc) {
		size_t e = s;
		while (e < len && body[e] != '\n')
			e++;
		lineno++;
		struct push_item *it = &j->items[j->n];
		if (e == s) {
			/* empty lines carry nothing */
		} else if (is_cert_line(body + s, e - s)) {
			*it = (struct push_item){ .kind = ITEM_CERT,
						  .lineno = lineno,
						  .line = body + s,
						  .line_len = e - s };
			j->n++;
			if (syncd_roster_check_line(in->roster, it->line,
						    it->line_len, msg,
						    sizeof msg)) {
				it->kind = ITEM_CERT_BAD;
				it->reason = syncd_push_reason(j, "%s", msg);
			}
		} else {
			*it = (struct push_item){ .lineno = lineno,
						  .line = body + s,
						  .line_len = e - s };
			j->n++;
			rc = check_record(in, j->feed, j, it);
		}
		s = e + 1;
	}
	if (!rc && j->reasons.oom)
		rc = YZF_ENOMEM;
	return rc;
}

bool syncd_query_get(const char *query, const char *key, char *out,
		     size_t cap)
{
	size_t kl = strlen(key);
	for (const char *p = query; p && *p;) {
		size_t n = strcspn(p, "&");
		if (n > kl && strncmp(p, key, kl) == 0 && p[kl] == '=' &&
		    n - kl - 1 < cap) {
			memcpy(out, p + kl + 1, n - kl - 1);
			out[n - kl - 1] = 0;
			return true;
		}
		p += n + (p[n] == '&');
	}
	return false;
}

bool syncd_query_u64(const char *query, const char *key, uint64_t *v)
{
	char s[24], *end;
	*v = 0;
	if (!syncd_query_get(query, key, s, sizeof s))
		return true;
	if (!s[0] || s[0] < '0' || s[0] > '9')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !*end && errno == 0;
}

/* A signed request's nonce: the first 16 bytes of its signature, which
 * the checkpoint of the answer echoes (schemas/sync.md). */
static bool auth_nonce(const char *auth, uint8_t out[YZF_NONCE_LEN])
{
	const char *sig = auth ? strstr(auth, "sig=") : NULL;
	return sig && syncd_unhex(sig + 4, 2 * YZF_NONCE_LEN, out,
				  YZF_NONCE_LEN);
}

/* The log part of a push answer: a checkpoint echoing the request, the
 * consistency proof from the size the terminal holds (?from=N), and the
 * positions of the batch's stored and duplicate records with their
 * multiproof. */
static int answer_log(const struct syncd_ingest *in, const struct push_job *j,
		      const struct syncd_request *req, int64_t now,
		      struct yzf_buf *b)
{
	uint8_t nonce[YZF_NONCE_LEN];
	uint64_t from;
	size_t k = 0;
	int64_t *seq = malloc((j->n ? j->n : 1) * sizeof *seq);
	uint64_t *idx = malloc((j->n ? j->n : 1) * sizeof *idx);
	int rc = seq && idx ? YZF_OK : YZF_ENOMEM;
	for (size_t i = 0; !rc && i < j->n; i++)
		if (j->items[i].log_idx >= 0) {
			seq[k] = j->items[i].seq;
			idx[k++] = (uint64_t)j->items[i].log_idx;
		}
	if (!syncd_query_u64(req->query, "from", &from))
		from = 0;
	if (!rc)
		rc = syncd_mlog_answer(syncd_store_mlog(in->store), now,
				      auth_nonce(req->authorization, nonce)
					      ? nonce
					      : NULL,
				      from, seq, idx, k, b);
	free(seq);
	free(idx);
	return rc;
}

static void answer_ok(const struct push_job *j, int64_t now,
		      struct syncd_response *resp)
{
	struct yzf_buf *b = &resp->body;
	resp->status = 200;
	resp->content_type = "application/json";
	yzf_buf_reset(b);
	yzf_buf_puts(b, "{\"ok\":true,\"server_time\":");
	put_time(b, now);
	yzf_buf_puts(b, ",\"feed\":");
	put_hex(b, j->feed, YZF_KEY_LEN);
	yzf_buf_putc(b, ',');
	put_head(b, j->head_seq, j->head_id);
	yzf_buf_puts(b, ",\"stored\":");
	put_int(b, j->stored);
	yzf_buf_puts(b, ",\"duplicates\":");
	put_int(b, j->duplicates);
	yzf_buf_puts(b, ",\"quarantined\":[");
	bool first = true;
	for (size_t i = 0; i < j->n; i++) {
		const struct push_item *it = &j->items[i];
		if (it->outcome != OUT_QUARANTINED)
			continue;
		yzf_buf_puts(b, first ? "{\"seq\":" : ",{\"seq\":");
		first = false;
		put_int(b, it->seq);
		yzf_buf_puts(b, ",\"reason\":");
		put_str(b, syncd_push_reason_at(j, it->reason));
		yzf_buf_putc(b, '}');
	}
	yzf_buf_puts(b, "],\"flagged\":[");
	first = true;
	for (size_t i = 0; i < j->n; i++) {
		const struct push_item *it = &j->items[i];
		if (it->outcome != OUT_STORED || it->flag == SIZE_MAX)
			continue;
		yzf_buf_puts(b, first ? "{\"seq\":" : ",{\"seq\":");
		first = false;
		put_int(b, it->seq);
		yzf_buf_puts(b, ",\"reason\":");
		put_str(b, syncd_push_reason_at(j, it->flag));
		yzf_buf_putc(b, '}');
	}
	yzf_buf_putc(b, ']');
}

int syncd_ingest_push(const struct syncd_ingest *in,
		      const uint8_t feed[YZF_KEY_LEN],
		      const struct syncd_request *req,
		      struct syncd_response *resp)
{
	const uint8_t *body = req->body_len ? req->body : NULL;
	size_t len = body ? req->body_len : 0, lines = 0, records = 0;
	int64_t now = syncd_store_now(in->store);
	char msg[300];
	if (req->content_type &&
	    strncmp(req->content_type, "application/x-ndjson", 20) != 0) {
		snprintf(msg, sizeof msg, "Content-Type: a push is "
			 "application/x-ndjson, not %.100s", req->content_type);
		syncd_answer_error(resp, 400, "bad_request", msg, now);
		return resp->body.oom ? YZF_ENOMEM : YZF_OK;
	}
	for (size_t s = 0; s < len;) {
		const uint8_t *nl = memchr(body + s, '\n', len - s);
		size_t e = nl ? (size_t)(nl - body) : len;
		if (e > s) {
			lines++;
			records += !is_cert_line(body + s, e - s);
		}
		s = e + 1;
	}
	if (records > in->max_records) {
		snprintf(msg, sizeof msg, "the push holds %zu records, more "
			 "than max_push_records (%zu)", records,
			 in->max_records);
		syncd_answer_error(resp, 413, "too_large", msg, now);
		return resp->body.oom ? YZF_ENOMEM : YZF_OK;
	}

	struct push_job j = { 0 };
	memcpy(j.feed, feed, YZF_KEY_LEN);
	j.items = lines ? calloc(lines, sizeof *j.items) : NULL;
	int rc = lines && !j.items ? YZF_ENOMEM : YZF_OK;
	if (!rc)
		rc = build_job(in, body, len, &j);
	if (!rc && syncd_store_submit(in->store, &j) != YZF_OK)
		j.status = 503;
	if (rc)
		goto out;
	now = syncd_store_now(in->store);
	switch (j.status) {
	case 200:
		answer_ok(&j, now, resp);
		yzf_buf_putc(&resp->body, ',');
		rc = answer_log(in, &j, req, now, &resp->body);
		yzf_buf_putc(&resp->body, '}');
		break;
	case 409:
		error_open(resp, 409, "conflict", j.msg, now);
		yzf_buf_putc(&resp->body, ',');
		put_head(&resp->body, j.head_seq, j.head_id);
		yzf_buf_putc(&resp->body, '}');
		break;
	case 503:
		syncd_answer_error(resp, 503, "unavailable", j.msg, now);
		break;
	default:
		syncd_answer_error(resp, 500, "internal",
				   j.msg[0] ? j.msg : "store failure", now);
		break;
	}
	if (resp->body.oom)
		rc = YZF_ENOMEM;
out:
	free(j.items);
	yzf_buf_free(&j.reasons);
	return rc;
}

int syncd_checkpoint_handle(struct syncd_store *s,
			    const struct syncd_request *req,
			    struct syncd_response *resp, int64_t now)
{
	uint8_t nonce[YZF_NONCE_LEN];
	char hex[2 * YZF_NONCE_LEN + 1];
	uint64_t from;
	bool has_nonce = syncd_query_get(req->query, "nonce", hex, sizeof hex);
	if (!syncd_query_u64(req->query, "from", &from)) {
		syncd_answer_error(resp, 400, "bad_request", "from: a log size "
				   "in decimal", now);
		return resp->body.oom ? YZF_ENOMEM : YZF_OK;
	}
	if (has_nonce && !syncd_unhex(hex, strlen(hex), nonce, sizeof nonce)) {
		syncd_answer_error(resp, 400, "bad_request", "nonce: 32 hex "
				   "digits", now);
		return resp->body.oom ? YZF_ENOMEM : YZF_OK;
	}
	struct yzf_buf *b = &resp->body;
	resp->status = 200;
	resp->content_type = "application/json";
	yzf_buf_puts(b, "{\"ok\":true,\"server_time\":");
	put_time(b, now);
	yzf_buf_putc(b, ',');
	int rc = syncd_mlog_answer(syncd_store_mlog(s), now,
				  has_nonce ? nonce : NULL, from, NULL, NULL, 0,
				  b);
	yzf_buf_putc(b, '}');
	return rc ? rc : b->oom ? YZF_ENOMEM : YZF_OK;
}

/* Online enrollment: one-time codes, the trust bundle, and issuing a feed
 * certificate for a terminal that proves it holds the key. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yzf/keys.h>
#include <yzf/time.h>

#include "enroll.h"
#include "ingest.h"
#include "roster.h"

/* Crockford's base32: no I, L, O, U, so a code read aloud or typed on a
 * handheld survives the usual confusions (normalise maps them back). */
static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Uppercase, drop separators, read O as 0 and I/L as 1. false on any
 * other character or a wrong length. */
static bool normalise(const char *in, char out[17])
{
	size_t n = 0;
	for (; *in; in++) {
		char c = *in >= 'a' && *in <= 'z' ? (char)(*in - 32) : *in;
		if (c == '-' || c == ' ')
			continue;
		c = c == 'O' ? '0' : (c == 'I' || c == 'L') ? '1' : c;
		if (!strchr(b32, c) || c == 0 || n == 16)
			return false;
		out[n++] = c;
	}
	out[n] = 0;
	return n == 16;
}

static void code_hash(const char norm[17], uint8_t h[32])
{
	crypto_generichash(h, 32, (const uint8_t *)norm, 16,
			   (const uint8_t *)"yzf-enroll-code", 15);
}

int syncd_code_create(const char *store_path, const struct syncd_code_spec *c,
		      int64_t now, char code[SYNCD_CODE_LEN + 1], char *msg,
		      size_t cap)
{
	struct yzf_cert draft = { .kind = YZF_CERT_FEED, .not_before = now,
				  .not_after = now + 1, .tz = 480 };
	uint8_t raw[10], h[32];
	char norm[17];
	snprintf(draft.name, sizeof draft.name, "%s", c->name);
	snprintf(draft.officer_no, sizeof draft.officer_no, "%s", c->officer_no);
	snprintf(draft.agency, sizeof draft.agency, "%s", c->agency);
	snprintf(draft.uscc, sizeof draft.uscc, "%s", c->uscc);
	strcpy(draft.terminal, "any");
	draft.roles = c->roles ? c->roles : YZF_ROLE_OFFICER;
	if (yzf_cert_check(&draft, msg, cap))
		return YZF_EINVAL; /* names the field */
	randombytes_buf(raw, sizeof raw);
	for (int i = 0; i < 16; i++) { /* 80 bits, 5 at a time */
		int bit = 5 * i, v = 0;
		for (int k = 0; k < 5; k++, bit++)
			v = v << 1 | (raw[bit / 8] >> (7 - bit % 8) & 1);
		norm[i] = b32[v];
	}
	norm[16] = 0;
	snprintf(code, SYNCD_CODE_LEN + 1, "%.4s-%.4s-%.4s-%.4s", norm, norm + 4,
		 norm + 8, norm + 12);
	code_hash(norm, h);
	struct syncd_code_row row = { .roles = draft.roles,
				      .days = c->days ? c->days : 365 };
	memcpy(row.name, draft.name, sizeof row.name);
	memcpy(row.officer_no, draft.officer_no, sizeof row.officer_no);
	memcpy(row.agency, draft.agency, sizeof row.agency);
	memcpy(row.uscc, draft.uscc, sizeof row.uscc);
	int rc = syncd_store_code_add(store_path, h, &row, now,
				      now + (int64_t)(c->hours ? c->hours : 72) *
						    3600000, msg, cap);
	sodium_memzero(norm, sizeof norm);
	return rc;
}

/* The whole of a small file of the authority directory. */
static char *read_file(const char *dir, const char *name, size_t *len)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *p = malloc(1 << 20);
	*len = p ? fread(p, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	if (p)
		p[*len] = 0;
	return p;
}

int syncd_trust_handle(struct syncd_enroll *e, struct syncd_response *resp,
		       int64_t now)
{
	size_t len;
	char *trust = read_file(syncd_store_authority(e->store), "trust.ndjson",
				&len);
	if (!trust) {
		syncd_answer_error(resp, 500, "internal", "trust bundle unreadable",
				   now);
		return YZF_OK;
	}
	char t[YZF_TIME_LEN + 1];
	yzf_time_fmt(now, 480, t);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddTrueToObject(o, "ok");
	cJSON_AddStringToObject(o, "server_time", t);
	cJSON_AddStringToObject(o, "trust", trust);
	char *s = cJSON_PrintUnformatted(o);
	resp->status = 200;
	resp->content_type = "application/json";
	if (s)
		yzf_buf_puts(&resp->body, s);
	free(s);
	cJSON_Delete(o);
	free(trust);
	return YZF_OK;
}

/* Append a line to the authority's issued.ndjson, durably. */
static int append_issued(const char *dir, const struct yzf_buf *line)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/issued.ndjson", dir);
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	ssize_t w = write(fd, line->p, line->len);
	int rc = (w == (ssize_t)line->len && fsync(fd) == 0) ? 0 : -1;
	close(fd);
	return rc;
}

/* Issue the certificate for a checked request; line receives it. */
static int issue(struct syncd_enroll *e, const struct syncd_code_row *row,
		 const uint8_t feed[YZF_KEY_LEN], const char *terminal,
		 int64_t now, struct yzf_buf *line, char *msg, size_t cap)
{
	char why[600];
	struct yzf_cert c = { .kind = YZF_CERT_FEED };
	uint8_t *sk = syncd_city_sk(syncd_store_authority(e->store), why,
				    sizeof why);
	int rc = YZF_EIO;
	if (!sk) {
		snprintf(msg, cap, "the authority directory cannot issue: %s",
			 why);
		return rc;
	}
	randombytes_buf(c.serial, sizeof c.serial);
	memcpy(c.issuer, sk + 32, YZF_KEY_LEN); /* checked: the city's key */
	memcpy(c.key, feed, YZF_KEY_LEN);
	memcpy(c.name, row->name, sizeof c.name);
	memcpy(c.officer_no, row->officer_no, sizeof c.officer_no);
	memcpy(c.agency, row->agency, sizeof c.agency);
	memcpy(c.uscc, row->uscc, sizeof c.uscc);
	snprintf(c.terminal, sizeof c.terminal, "%s", terminal);
	c.roles = row->roles;
	c.not_before = now - 10 * 60000LL; /* slack for a slow terminal clock */
	c.not_after = now + row->days * 86400000LL;
	c.tz = 480;
	if (yzf_cert_check(&c, msg, cap))
		rc = YZF_EINVAL;
	else if (!(rc = yzf_cert_sign_line(&c, sk, line)))
		yzf_buf_putc(line, '\n');
	sodium_free(sk);
	return rc;
}

/* What the code's transaction needs to issue the certificate. */
struct issuing {
	struct syncd_enroll *e;
	const uint8_t *feed;
	const char *terminal;
	int64_t now;
	struct yzf_buf line;
};

/* Inside the code's transaction: sign the certificate and record it in
 * issued.ndjson (durably) before the code is marked used. */
static int issue_cb(void *ctx, const struct syncd_code_row *row, char *msg,
		    size_t cap)
{
	struct issuing *is = ctx;
	int rc = issue(is->e, row, is->feed, is->terminal, is->now, &is->line,
		       msg, cap);
	if (!rc && append_issued(syncd_store_authority(is->e->store), &is->line)) {
		snprintf(msg, cap, "issued.ndjson: %s", strerror(errno));
		rc = YZF_EIO;
	}
	return rc;
}

int syncd_enroll_handle(struct syncd_enroll *e, const struct syncd_request *req,
			struct syncd_response *resp, int64_t now)
{
	char msg[400], norm[17], terminal[65];
	uint8_t feed[YZF_KEY_LEN], h[32];
	struct yzf_canon_err ce;
	struct issuing is = { .e = e, .feed = feed, .terminal = terminal,
			      .now = now };
	int status = 400;
	const char *code = "bad_request";
	cJSON *j = req->body ? cJSON_ParseWithLengthOpts((const char *)req->body,
							 req->body_len, NULL, 0)
			     : NULL;
	const cJSON *jc = cJSON_GetObjectItemCaseSensitive(j, "code");
	const cJSON *jr = cJSON_GetObjectItemCaseSensitive(j, "request");
	if (!cJSON_IsString(jc) || !cJSON_IsString(jr)) {
		snprintf(msg, sizeof msg, "body: {\"code\":..., \"request\":...} "
			 "expected");
		goto fail;
	}
	if (!normalise(jc->valuestring, norm)) {
		snprintf(msg, sizeof msg, "code: 16 characters of the code sheet");
		goto fail;
	}
	if (yzf_request_parse((const uint8_t *)jr->valuestring,
			      strlen(jr->valuestring), feed, terminal, &ce)) {
		snprintf(msg, sizeof msg, "request: %s (byte %zu)", ce.why, ce.off);
		goto fail;
	}
	code_hash(norm, h);
	int rc = syncd_store_code_use(syncd_store_path(e->store), h, now, feed,
				      issue_cb, &is, msg, sizeof msg);
	if (rc == YZF_ENOTFOUND || rc == YZF_ESTATE || rc == YZF_ERANGE) {
		status = 403, code = "forbidden";
		goto fail;
	}
	if (rc) {
		status = 500, code = "internal";
		goto fail;
	}
	/* the new officer may push from now on */
	struct syncd_roster *r = NULL;
	if (syncd_store_load_roster(syncd_store_path(e->store),
				    syncd_store_authority(e->store), &r, msg,
				    sizeof msg)) {
		status = 500, code = "internal";
		goto fail;
	}
	e->swap_roster(e->lock_ctx, r);
	size_t tl;
	char *trust = read_file(syncd_store_authority(e->store), "trust.ndjson",
				&tl);
	char t[YZF_TIME_LEN + 1];
	yzf_time_fmt(now, 480, t);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddTrueToObject(o, "ok");
	cJSON_AddStringToObject(o, "server_time", t);
	struct yzf_buf b = { 0 };
	yzf_buf_puts(&b, trust ? trust : "");
	yzf_buf_put(&b, is.line.p, is.line.len);
	yzf_buf_putc(&b, 0);
	cJSON_AddStringToObject(o, "bundle", b.oom ? "" : (char *)b.p);
	char *s = cJSON_PrintUnformatted(o);
	resp->status = 200;
	resp->content_type = "application/json";
	if (s)
		yzf_buf_puts(&resp->body, s);
	free(s);
	free(trust);
	cJSON_Delete(o);
	yzf_buf_free(&b);
	goto out;
fail:
	syncd_answer_error(resp, status, code, msg, now);
out:
	yzf_buf_free(&is.line);
	cJSON_Delete(j);
	sodium_memzero(norm, sizeof norm);
	return resp->body.oom ? YZF_ENOMEM : YZF_OK;
}

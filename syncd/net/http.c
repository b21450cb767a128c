/* http.c — see http.h. */
#include "http.h"

#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"

enum { CB_NONE, CB_URL, CB_FIELD, CB_VALUE };

/* Room for the head's text plus the NULs that end the URL, names and
 * values; a head that needs more is already over SYNCD_MAX_HEAD_BYTES. */
#define HEAD_CAP (SYNCD_MAX_HEAD_BYTES + 2 * SYNCD_MAX_HEADERS + 8)

static int append(struct syncd_http *h, const char *p, size_t n)
{
	if (n > HEAD_CAP - 1 - h->head_len) {
		h->too_big = true;
		return -1;
	}
	memcpy(h->head + h->head_len, p, n);
	h->head_len += n;
	return 0;
}

/* End the URL, name or value being collected; a name whose value never
 * came (an empty value) gets an empty string. */
static int close_current(struct syncd_http *h)
{
	if (h->last_cb == CB_NONE)
		return 0;
	if (append(h, "", 1))
		return -1;
	if (h->last_cb == CB_FIELD) {
		h->hdr[h->nhdr - 1].value = (uint32_t)h->head_len;
		if (append(h, "", 1))
			return -1;
	}
	h->last_cb = CB_NONE;
	return 0;
}

/* libhttp-parser may hand over the URL, a name or a value in several
 * pieces (one per read); a piece continues the previous one when the
 * same callback ran last. */
static int on_url(http_parser *p, const char *at, size_t n)
{
	struct syncd_http *h = p->data;
	if (h->last_cb != CB_URL) {
		h->url = (uint32_t)h->head_len;
		h->last_cb = CB_URL;
	}
	return append(h, at, n) ? 1 : 0;
}

static int on_field(http_parser *p, const char *at, size_t n)
{
	struct syncd_http *h = p->data;
	if (h->last_cb != CB_FIELD) {
		if (close_current(h))
			return 1;
		if (h->nhdr == SYNCD_MAX_HEADERS) {
			h->too_big = true;
			return 1;
		}
		h->hdr[h->nhdr++].name = (uint32_t)h->head_len;
		h->last_cb = CB_FIELD;
	}
	return append(h, at, n) ? 1 : 0;
}

static int on_value(http_parser *p, const char *at, size_t n)
{
	struct syncd_http *h = p->data;
	if (h->last_cb != CB_VALUE) {
		if (append(h, "", 1))
			return 1;
		h->hdr[h->nhdr - 1].value = (uint32_t)h->head_len;
		h->last_cb = CB_VALUE;
	}
	return append(h, at, n) ? 1 : 0;
}

/* Pausing here stops the parser right after the head, so the limits are
 * checked before a single body byte is taken. */
static int on_headers_complete(http_parser *p)
{
	struct syncd_http *h = p->data;
	if (close_current(h))
		return -1;
	h->head_done = true;
	http_parser_pause(p, 1);
	return 0;
}

static int on_body(http_parser *p, const char *at, size_t n)
{
	struct syncd_http *h = p->data;
	if (n > h->body_cap - h->body_len)
		return 1; /* cannot happen: the parser counts Content-Length */
	memcpy(h->body + h->body_len, at, n);
	h->body_len += n;
	return 0;
}

/* Pausing keeps a pipelined next request's bytes in rbuf. */
static int on_message_complete(http_parser *p)
{
	struct syncd_http *h = p->data;
	h->msg_done = true;
	h->keep_alive = http_should_keep_alive(p) && !p->upgrade;
	http_parser_pause(p, 1);
	return 0;
}

static const http_parser_settings settings = {
	.on_url = on_url,
	.on_header_field = on_field,
	.on_header_value = on_value,
	.on_headers_complete = on_headers_complete,
	.on_body = on_body,
	.on_message_complete = on_message_complete,
};

static void drop_body(struct syncd_http *h)
{
	if (h->body) {
		/* bodies hold records, which may carry personal data; only
		 * what arrived: the rest was never touched (a lying
		 * Content-Length must not make us fault in max_body) */
		sodium_memzero(h->body, h->body_len);
		free(h->body);
	}
	h->body = NULL;
	h->body_len = h->body_cap = 0;
}

int syncd_http_init(struct syncd_http *h, const struct syncd_http_io *io,
		    size_t max_body, int64_t header_ms, int64_t idle_ms)
{
	memset(h, 0, sizeof *h);
	h->io = *io;
	h->max_body = max_body;
	h->header_ms = header_ms;
	h->idle_ms = idle_ms;
	http_parser_init(&h->parser, HTTP_REQUEST);
	h->parser.data = h;
	h->head = malloc(HEAD_CAP);
	return h->head ? 0 : -ENOMEM;
}

void syncd_http_finish(struct syncd_http *h)
{
	drop_body(h);
	free(h->head);
	h->head = NULL;
}

int64_t syncd_http_allowance(const struct syncd_http *h, size_t n)
{
	int64_t ms = (int64_t)(n / SYNCD_MIN_BODY_RATE) * 1000;
	return ms > h->header_ms ? ms : h->header_ms;
}

/* A header's value by name (case-insensitive). *dup is set when the name
 * appears more than once. */
static const char *header(struct syncd_http *h, const char *name, bool *dup)
{
	const char *v = NULL;
	for (unsigned i = 0; i < h->nhdr; i++) {
		if (strcasecmp(h->head + h->hdr[i].name, name) != 0)
			continue;
		if (v)
			*dup = true;
		v = h->head + h->hdr[i].value;
	}
	return v;
}

/* The head is complete: apply the limits and get ready for the body.
 * Returns 0, an HTTP status to refuse with, or -ENOMEM / the io's -errno. */
static int check_head(struct syncd_http *h, struct syncd_http_req *req)
{
	http_parser *p = &h->parser;
	struct http_parser_url u;
	const char *url = h->head + h->url;
	bool dup = false;
	int rc;

	req->method = http_method_str((enum http_method)p->method);
	http_parser_url_init(&u);
	if (h->last_cb == CB_NONE && h->head_len == 0)
		return 400;
	if (http_parser_parse_url(url, strlen(url), p->method == HTTP_CONNECT,
				  &u) == 0 && (u.field_set & (1u << UF_PATH))) {
		char *path = h->head + h->url + u.field_data[UF_PATH].off;
		if (u.field_set & (1u << UF_QUERY)) {
			char *q = h->head + h->url + u.field_data[UF_QUERY].off;
			q[u.field_data[UF_QUERY].len] = '\0';
			req->query = q;
		}
		path[u.field_data[UF_PATH].len] = '\0'; /* drops ?query */
		req->path = path;
	}
	if (p->method != HTTP_GET && p->method != HTTP_POST)
		return 405;
	if (!req->path)
		return 400;
	if (p->uses_transfer_encoding || (p->flags & F_CHUNKED))
		return 411;
	uint64_t cl = p->content_length == ULLONG_MAX ? 0 : p->content_length;
	if (cl > h->max_body)
		return 413;
	req->authorization = header(h, "authorization", &dup);
	req->content_type = header(h, "content-type", &dup);
	const char *expect = header(h, "expect", &dup);
	if (dup)
		return 400; /* two Authorizations: which one was signed? */
	if (expect && strcasecmp(expect, "100-continue") != 0)
		return 417;
	if (cl > 0) {
		if (!(h->body = malloc((size_t)cl)))
			return -ENOMEM;
		h->body_cap = (size_t)cl;
		if (expect) {
			static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
			rc = h->io.write(h->io.ctx, cont, sizeof cont - 1,
					 syncd_mono_ms() + h->header_ms);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static void reset(struct syncd_http *h, struct syncd_http_req *req)
{
	memset(req, 0, sizeof *req);
	drop_body(h);
	h->head_len = h->head_bytes = 0;
	h->url = 0;
	h->nhdr = 0;
	h->last_cb = CB_NONE;
	h->too_big = h->head_done = h->msg_done = h->keep_alive = false;
}

int syncd_http_read(struct syncd_http *h, int64_t first_deadline,
		    struct syncd_http_req *req)
{
	bool waiting = h->rpos == h->rlen; /* no byte of this request yet */
	int64_t deadline;
	int rc;

	reset(h, req);
	if (first_deadline > 0)
		deadline = first_deadline;
	else
		deadline = syncd_mono_ms() + (waiting ? h->idle_ms :
					      h->header_ms);
	for (;;) {
		if (h->rpos == h->rlen) {
			ssize_t n = h->io.read(h->io.ctx, h->rbuf,
					       sizeof h->rbuf, deadline,
					       waiting);
			if (n == 0)
				return waiting ? SYNCD_HTTP_DONE : -EPIPE;
			if (n < 0 && waiting && (n == -ECANCELED ||
			    (n == -ETIMEDOUT && first_deadline == 0)))
				return SYNCD_HTTP_DONE;
			if (n < 0)
				return (int)n;
			h->rpos = 0;
			h->rlen = (size_t)n;
			if (waiting && first_deadline == 0)
				deadline = syncd_mono_ms() + h->header_ms;
			waiting = false;
		}
		bool in_head = !h->head_done;
		size_t used = http_parser_execute(&h->parser, &settings,
						  h->rbuf + h->rpos,
						  h->rlen - h->rpos);
		h->rpos += used;
		if (in_head)
			h->head_bytes += used;
		enum http_errno e = HTTP_PARSER_ERRNO(&h->parser);
		if (e == HPE_PAUSED) {
			http_parser_pause(&h->parser, 0);
			if (h->msg_done) {
				req->body = h->body_len ? h->body : NULL;
				req->body_len = h->body_len;
				req->keep_alive = h->keep_alive;
				return 0;
			}
			if (in_head && h->head_done) {
				if (h->head_bytes > SYNCD_MAX_HEAD_BYTES)
					return 431;
				if ((rc = check_head(h, req)) != 0)
					return rc;
				deadline = syncd_mono_ms() +
					syncd_http_allowance(h, h->body_cap);
			}
			continue;
		}
		if (e != HPE_OK)
			return h->too_big ? 431 : 400;
		if (!h->head_done && h->head_bytes > SYNCD_MAX_HEAD_BYTES)
			return 431;
	}
}

int syncd_http_respond(struct syncd_http *h, int status, const char *ctype,
		       const void *body, size_t len, bool keep_alive,
		       const char *extra)
{
	char buf[2560];
	int n = snprintf(buf, 512,
			 "HTTP/1.1 %d %s\r\n"
			 "Content-Type: %s\r\n"
			 "Content-Length: %zu\r\n"
			 "Cache-Control: no-store\r\n"
			 "X-Content-Type-Options: nosniff\r\n"
			 "Connection: %s\r\n"
			 "%s\r\n",
			 status, http_status_str((enum http_status)status),
			 ctype, len, keep_alive ? "keep-alive" : "close",
			 extra ? extra : "");
	if (n < 0 || n >= 512)
		return -EINVAL;
	int64_t deadline = syncd_mono_ms() +
		syncd_http_allowance(h, (size_t)n + len);
	/* small answers leave in one TLS record */
	if (len <= sizeof buf - (size_t)n) {
		if (len)
			memcpy(buf + n, body, len);
		return h->io.write(h->io.ctx, buf, (size_t)n + len, deadline);
	}
	int rc = h->io.write(h->io.ctx, buf, (size_t)n, deadline);
	return rc ? rc : h->io.write(h->io.ctx, body, len, deadline);
}

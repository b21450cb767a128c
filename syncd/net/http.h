/* http.h — HTTP/1.1 requests in, responses out, for yzf-syncd.
 *
 * Requests are read with libhttp-parser (never by hand) from a byte stream
 * given as callbacks, so this module knows nothing of TLS or sockets and
 * can be driven from memory. It enforces schemas/sync.md's limits before
 * anything is buffered beyond them:
 *
 *   - the head (request line and headers) at most SYNCD_MAX_HEAD_BYTES and
 *     SYNCD_MAX_HEADERS headers (431),
 *   - GET and POST only (405),
 *   - a body only with Content-Length; any Transfer-Encoding is refused
 *     (411),
 *   - Content-Length at most max_body, refused before the body is read
 *     (413),
 *   - anything the parser rejects (400).
 *
 * Deadlines (CLOCK_MONOTONIC ms): the wait for a request's first byte on a
 * kept-alive connection lasts idle_ms and may be cut short by draining;
 * the head must then arrive within header_ms of that byte; the body within
 * max(header_ms, length / SYNCD_MIN_BODY_RATE seconds) of the head. A
 * response gets the same allowance for its size. Bytes after a request
 * (pipelining) are kept for the next one.
 *
 * A struct syncd_http belongs to one connection and one thread.
 */
#ifndef YZF_SYNCD_HTTP_H
#define YZF_SYNCD_HTTP_H

#include <http_parser.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifndef SYNCD_MAX_HEAD_BYTES
#define SYNCD_MAX_HEAD_BYTES 16384
#endif
#ifndef SYNCD_MAX_HEADERS
#define SYNCD_MAX_HEADERS 64
#endif
#ifndef SYNCD_MIN_BODY_RATE
#define SYNCD_MIN_BODY_RATE 16384 /* bytes/s a client must at least manage */
#endif
#define SYNCD_HTTP_READ_CHUNK 4096

/* The byte stream. read returns bytes read (> 0), 0 at end of stream, or
 * -ETIMEDOUT / -ECANCELED / another -errno; idle says the wait may end
 * early when the server drains. write writes all n bytes or fails. */
struct syncd_http_io {
	void *ctx;
	ssize_t (*read)(void *ctx, void *buf, size_t cap, int64_t deadline,
			bool idle);
	int (*write)(void *ctx, const void *buf, size_t n, int64_t deadline);
};

/* A request, valid until the next syncd_http_read or syncd_http_finish.
 * Absent headers are NULL; body is NULL when body_len is 0. */
struct syncd_http_req {
	const char *method;        /* "GET", "POST"; NULL if never parsed */
	const char *path;          /* without the query; NULL if unknown */
	const char *query;         /* after the ?, or NULL */
	const char *authorization;
	const char *content_type;
	const uint8_t *body;
	size_t body_len;
	bool keep_alive;           /* the client allows another request */
};

struct syncd_http_hdr {
	uint32_t name, value;      /* offsets into head */
};

struct syncd_http {
	struct syncd_http_io io;
	size_t max_body;
	int64_t header_ms, idle_ms;
	http_parser parser;
	/* the request being read */
	char *head;                /* URL and headers, NUL-separated */
	size_t head_len;
	size_t head_bytes;         /* raw bytes of the head so far */
	uint32_t url;
	struct syncd_http_hdr hdr[SYNCD_MAX_HEADERS];
	unsigned nhdr;
	int last_cb;               /* which data callback ran last */
	bool too_big;              /* a head limit was crossed */
	bool head_done, msg_done, keep_alive;
	uint8_t *body;
	size_t body_len, body_cap;
	/* bytes read but not yet parsed */
	char rbuf[SYNCD_HTTP_READ_CHUNK];
	size_t rpos, rlen;
};

/* Results of syncd_http_read besides 0 (a request) and an HTTP status to
 * answer (> 0, then close): the connection ends without an answer. */
#define SYNCD_HTTP_DONE (-1000)   /* closed or idle between requests */

/* Set h up. Returns 0 or -ENOMEM; call syncd_http_finish either way. */
int syncd_http_init(struct syncd_http *h, const struct syncd_http_io *io,
		    size_t max_body, int64_t header_ms, int64_t idle_ms);
void syncd_http_finish(struct syncd_http *h);

/* Read the next request into req. first_deadline > 0 is the deadline for
 * the whole head of a connection's first request (no idle wait); 0 means
 * a kept-alive connection waiting idle_ms. Returns
 *   0                a request; answer it,
 *   400..499         a request refused before its body was read: answer
 *                    with this status and close (req has what was known),
 *   SYNCD_HTTP_DONE  the peer closed or idled out between requests, or
 *                    the server is draining: close quietly,
 *   -ETIMEDOUT       the head or body came too slowly: close,
 *   -ECANCELED       the server is stopping: close,
 *   -EPIPE           the peer closed in the middle of a request,
 *   -ENOMEM, -EIO    other failures. */
int syncd_http_read(struct syncd_http *h, int64_t first_deadline,
		    struct syncd_http_req *req);

/* Send a complete response with Content-Length (never chunked). extra is
 * more header lines, each ending in "\r\n", or NULL. Returns 0 or the
 * io's -errno. */
int syncd_http_respond(struct syncd_http *h, int status, const char *ctype,
		       const void *body, size_t len, bool keep_alive,
		       const char *extra);

/* The time a client gets to move n bytes: max(header_ms, n / rate). */
int64_t syncd_http_allowance(const struct syncd_http *h, size_t n);

#endif

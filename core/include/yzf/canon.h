/* yzf/canon.h — canonical JSON: the one encoding of everything yzf signs.
 *
 * The rules are specified in schemas/canonical-json.md. In short: UTF-8 (valid,
 * no BOM, no surrogates, no overlongs), no white space outside strings,
 * integers only (0 or -?[1-9][0-9]*, |n| <= 2^53-1, no -0), strings escape
 * exactly '"' as \", '\' as \\, U+0008/09/0A/0C/0D as \b \t \n \f \r, other
 * U+0000..U+001F as \u00xx (lowercase hex), and nothing else; no duplicate
 * keys in an object; at most YZF_CANON_MAX_DEPTH levels of nesting. Key order
 * is the schema's and is checked by the reader of each format (the record
 * envelope, certificates, record bodies via their JSON Schema), not here.
 *
 * Nothing in this module allocates: the checker and the cursor read a caller
 * buffer, the writer appends to a yzf_buf the caller owns. Safe to use from
 * several threads on different buffers.
 */
#ifndef YZF_CANON_H
#define YZF_CANON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef YZF_CANON_MAX_DEPTH
#define YZF_CANON_MAX_DEPTH 16
#endif
#define YZF_CANON_INT_MAX 9007199254740991LL /* 2^53 - 1 */

/* Where and why bytes are not canonical. why is a static string. */
struct yzf_canon_err {
	size_t off;
	const char *why;
};

/* Check that buf[0..len) is exactly one canonical JSON value (any type),
 * nothing before or after it. Returns YZF_OK or YZF_ENONCANON with err filled
 * (err may be NULL). Never reads outside buf. */
YZF_API YZF_NODISCARD int yzf_canon_check(const uint8_t *buf, size_t len,
					  struct yzf_canon_err *err);

/* --- Cursor: reads a canonical value in a fixed key order. -------------
 * For readers of formats with a schema-fixed shape (record envelope,
 * certificate): each call consumes one token and checks it is canonical.
 * On the first failure the cursor records err and every later call fails
 * too, so a reader may chain calls and test once. */
struct yzf_canon_cur {
	const uint8_t *p;   /* whole buffer */
	size_t len;
	size_t off;         /* next byte to read */
	struct yzf_canon_err err; /* err.why == NULL while no failure */
};

YZF_API void yzf_canon_cur_init(struct yzf_canon_cur *c, const uint8_t *buf,
				size_t len);
/* Consume the single byte ch ('{', '}', ',', ':', '[', ']'). */
YZF_API int yzf_canon_byte(struct yzf_canon_cur *c, char ch);
/* True if the next byte is ch (does not consume, does not fail). */
YZF_API bool yzf_canon_peek(const struct yzf_canon_cur *c, char ch);
/* Consume the object key "name" followed by ':'. */
YZF_API int yzf_canon_key(struct yzf_canon_cur *c, const char *name);
/* Consume an integer in [min, max]. */
YZF_API int yzf_canon_int(struct yzf_canon_cur *c, int64_t min, int64_t max,
			  int64_t *out);
/* Consume a string; *s and *n receive the raw bytes between the quotes
 * (still escaped; for strings with no escapes that is the value). */
YZF_API int yzf_canon_str(struct yzf_canon_cur *c, const uint8_t **s,
			  size_t *n);
/* Consume a string and unescape it into out (NUL-terminated, cap bytes incl.
 * NUL). Fails with YZF_ERANGE if it does not fit. */
YZF_API int yzf_canon_str_copy(struct yzf_canon_cur *c, char *out, size_t cap);
/* Consume `null`; returns YZF_OK if it was null, YZF_ENOTFOUND (and consumes
 * nothing, records no failure) if the next token is not null. */
YZF_API int yzf_canon_null(struct yzf_canon_cur *c);
/* Consume any canonical value (checked in full, duplicates included) and
 * give its span. */
YZF_API int yzf_canon_value(struct yzf_canon_cur *c, const uint8_t **start,
			    size_t *n);
/* Succeeds only if the whole buffer has been consumed. */
YZF_API int yzf_canon_end(struct yzf_canon_cur *c);

/* --- Writer. ------------------------------------------------------------ */

/* A growable byte buffer. Zero-initialise; free with yzf_buf_free (which
 * wipes it: buffers often hold plaintext records). */
struct yzf_buf {
	uint8_t *p;
	size_t len, cap;
	int oom; /* set once an append failed; later appends are no-ops */
};
YZF_API void yzf_buf_free(struct yzf_buf *b);
YZF_API void yzf_buf_reset(struct yzf_buf *b); /* len = 0, keeps memory */
YZF_API void yzf_buf_put(struct yzf_buf *b, const void *p, size_t n);
YZF_API void yzf_buf_puts(struct yzf_buf *b, const char *s);
YZF_API void yzf_buf_putc(struct yzf_buf *b, char ch);

/* Whether s[0..n) is well-formed UTF-8 (RFC 3629: no overlongs, no
 * surrogates, at most U+10FFFF). */
YZF_API bool yzf_utf8_ok(const char *s, size_t n);

/* Append s[0..n) as a canonical JSON string (quotes included). s must be
 * valid UTF-8: returns YZF_ENONCANON otherwise and appends nothing useful. */
YZF_API int yzf_canon_put_str(struct yzf_buf *b, const char *s, size_t n);
/* Append an integer; YZF_ERANGE if |v| > YZF_CANON_INT_MAX. */
YZF_API int yzf_canon_put_int(struct yzf_buf *b, int64_t v);
/* Append "name": (key then colon). */
YZF_API int yzf_canon_put_key(struct yzf_buf *b, const char *name);

#ifdef __cplusplus
}
#endif
#endif

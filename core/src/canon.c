/* canon.c — canonical JSON: checker, cursor reader and writer.
 *
 * The rules are in yzf/canon.h and schemas/canonical-json.md. Everything here
 * reads a caller buffer with explicit bounds and allocates nothing; only the
 * yzf_buf growth functions touch the heap.
 */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "yzf/canon.h"

/* Frames of the checker's explicit stack: one per open '{' or '['. */
struct frame {
	uint8_t kind;        /* '{' or '[' */
	size_t first;        /* offset of the object's first key ('"') */
	uint64_t bloom[16];  /* Bloom filter of this object's keys so far */
};

static int fail(struct yzf_canon_err *err, size_t off, const char *why)
{
	err->off = off;
	err->why = why;
	return YZF_ENONCANON;
}

/* Length of the well-formed UTF-8 sequence at s[0..n), or 0 with *why set.
 * Ranges follow RFC 3629 table 3-7, so overlongs, surrogates and code points
 * above U+10FFFF are refused by the second byte's range alone. */
static size_t utf8_seq(const uint8_t *s, size_t n, const char **why)
{
	uint8_t b = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (b < 0x80)
		return 1;
	if (b < 0xc2) {
		*why = b < 0xc0 ? "UTF-8 continuation byte without a lead byte"
				: "overlong UTF-8 sequence";
		return 0;
	}
	if (b < 0xe0) {
		len = 2;
	} else if (b < 0xf0) {
		len = 3;
		if (b == 0xe0)
			lo = 0xa0;
		else if (b == 0xed)
			hi = 0x9f;
	} else if (b < 0xf5) {
		len = 4;
		if (b == 0xf0)
			lo = 0x90;
		else if (b == 0xf4)
			hi = 0x8f;
	} else {
		*why = "UTF-8 lead byte beyond U+10FFFF";
		return 0;
	}
	if (n < 2) {
		*why = "truncated UTF-8 sequence";
		return 0;
	}
	if (s[1] < lo || s[1] > hi) {
		if (s[1] < 0x80 || s[1] > 0xbf)
			*why = "truncated UTF-8 sequence";
		else if (b == 0xed)
			*why = "UTF-8 encoded surrogate";
		else if (b == 0xf4)
			*why = "UTF-8 sequence beyond U+10FFFF";
		else
			*why = "overlong UTF-8 sequence";
		return 0;
	}
	for (i = 2; i < len; i++) {
		if (i >= n || s[i] < 0x80 || s[i] > 0xbf) {
			*why = "truncated UTF-8 sequence";
			return 0;
		}
	}
	return len;
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1; /* uppercase hex is not canonical */
}

/* The short escape a control or special byte must use, or 0 if it takes
 * \u00xx (controls) or no escape at all (everything else). */
static char short_escape(uint8_t b)
{
	switch (b) {
	case '"': return '"';
	case '\\': return '\\';
	case 0x08: return 'b';
	case 0x09: return 't';
	case 0x0a: return 'n';
	case 0x0c: return 'f';
	case 0x0d: return 'r';
	default: return 0;
	}
}

/* Scan the string whose opening quote is at p[i]; on success *end is just
 * past the closing quote. */
static int scan_str(const uint8_t *p, size_t len, size_t i, size_t *end,
		    struct yzf_canon_err *err)
{
	const char *why = NULL;
	size_t n;

	if (i >= len || p[i] != '"')
		return fail(err, i, "expected a string");
	for (i++;;) {
		if (i >= len)
			return fail(err, i, "unterminated string");
		if (p[i] == '"') {
			*end = i + 1;
			return YZF_OK;
		}
		if (p[i] < 0x20)
			return fail(err, i, "raw control character in string");
		if (p[i] == '\\') {
			if (i + 1 >= len)
				return fail(err, i, "unterminated string");
			switch (p[i + 1]) {
			case '"': case '\\': case 'b': case 't':
			case 'n': case 'f': case 'r':
				i += 2;
				continue;
			case 'u':
				break;
			default:
				return fail(err, i, "non-canonical escape");
			}
			if (len - i < 6)
				return fail(err, i, "unterminated string");
			if (p[i + 2] != '0' || p[i + 3] != '0' ||
			    (p[i + 4] != '0' && p[i + 4] != '1') ||
			    hexval(p[i + 5]) < 0 ||
			    short_escape((uint8_t)((p[i + 4] - '0') * 16 +
						   hexval(p[i + 5]))))
				return fail(err, i, "non-canonical escape");
			i += 6;
			continue;
		}
		n = utf8_seq(p + i, len - i, &why);
		if (!n)
			return fail(err, i, why);
		i += n;
	}
}

/* Scan an integer at p[i]; *v receives its value. */
static int scan_int(const uint8_t *p, size_t len, size_t i, size_t *end,
		    int64_t *v, struct yzf_canon_err *err)
{
	size_t start = i, digits = 0;
	int neg = 0;
	int64_t acc = 0;

	if (i < len && p[i] == '-') {
		neg = 1;
		i++;
	}
	if (i >= len || p[i] < '0' || p[i] > '9')
		return fail(err, start, "expected a value");
	if (p[i] == '0') {
		if (neg)
			return fail(err, start, "-0 is not canonical");
		i++;
		if (i < len && p[i] >= '0' && p[i] <= '9')
			return fail(err, start, "leading zero");
	} else {
		/* 16 digits cannot overflow int64, and 2^53-1 has 16. */
		while (i < len && p[i] >= '0' && p[i] <= '9') {
			if (++digits > 16)
				return fail(err, start, "integer out of range");
			acc = acc * 10 + (p[i] - '0');
			i++;
		}
		if (acc > YZF_CANON_INT_MAX)
			return fail(err, start, "integer out of range");
	}
	if (i < len && (p[i] == '.' || p[i] == 'e' || p[i] == 'E'))
		return fail(err, i, "numbers must be integers");
	*v = neg ? -acc : acc;
	*end = i;
	return YZF_OK;
}

/* Skippers for already validated bytes: used only to rescan an object's
 * earlier members when looking for a duplicate key. Bounded by len anyway. */
static size_t skip_str(const uint8_t *p, size_t len, size_t i)
{
	for (i++; i < len && p[i] != '"'; i++)
		if (p[i] == '\\')
			i++;
	return i < len ? i + 1 : len;
}

static size_t skip_value(const uint8_t *p, size_t len, size_t i)
{
	size_t depth = 0;

	while (i < len) {
		switch (p[i]) {
		case '"':
			i = skip_str(p, len, i);
			break;
		case '{':
		case '[':
			depth++;
			i++;
			break;
		case '}':
		case ']':
			if (depth == 0)
				return i;
			depth--;
			i++;
			break;
		default:
			if (depth == 0) { /* a scalar: runs to its delimiter */
				while (i < len && p[i] != ',' && p[i] != '}' &&
				       p[i] != ']')
					i++;
				return i;
			}
			i++;
			continue;
		}
		if (depth == 0)
			return i;
	}
	return len;
}

static uint32_t key_hash(const uint8_t *s, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	while (n--)
		h = (h ^ *s++) * 16777619u;
	return h;
}

/* Is the key p[ks..ke) (quotes included) already in the object whose first
 * key is at f->first? Canonical escaping is unique, so equal keys have equal
 * bytes. Without allocation an exact answer needs a rescan of the object;
 * a 1024-bit Bloom filter per object (two probes) skips it for nearly every
 * key of objects up to a few hundred keys. Beyond that the cost grows with
 * keys x object size, so callers must bound the size of what they check. */
static bool dup_key(const uint8_t *p, size_t len, struct frame *f, size_t ks,
		    size_t ke)
{
	uint32_t h = key_hash(p + ks, ke - ks), a = h & 1023, b = (h >> 10) & 1023;
	uint64_t ma = (uint64_t)1 << (a & 63), mb = (uint64_t)1 << (b & 63);
	size_t i = f->first, e;

	if (!(f->bloom[a >> 6] & ma) || !(f->bloom[b >> 6] & mb)) {
		f->bloom[a >> 6] |= ma;
		f->bloom[b >> 6] |= mb;
		return false;
	}
	while (i < ks) {
		e = skip_str(p, len, i);
		if (e - i == ke - ks && memcmp(p + i, p + ks, ke - ks) == 0)
			return true;
		i = skip_value(p, len, e + 1) + 1; /* past ':', value, ',' */
	}
	return false;
}

/* Read one object key (with its ':') at p[*i] into frame f. */
static int scan_key(const uint8_t *p, size_t len, size_t *i, struct frame *f,
		    struct yzf_canon_err *err)
{
	size_t ks = *i, ke;
	int rc;

	if (ks >= len || p[ks] != '"')
		return fail(err, ks, ks >= len ? "unexpected end"
					       : "expected an object key");
	rc = scan_str(p, len, ks, &ke, err);
	if (rc)
		return rc;
	if (dup_key(p, len, f, ks, ke))
		return fail(err, ks, "duplicate key");
	if (ke >= len || p[ke] != ':')
		return fail(err, ke, ke >= len ? "unexpected end" : "expected ':'");
	*i = ke + 1;
	return YZF_OK;
}

/* Check the one canonical value starting at p[off] within p[0..len); *end
 * receives the offset just past it. Iterative, so nesting costs a fixed
 * stack of YZF_CANON_MAX_DEPTH frames and no recursion. */
static int check_value(const uint8_t *p, size_t len, size_t off, size_t *end,
		       struct yzf_canon_err *err)
{
	struct frame st[YZF_CANON_MAX_DEPTH];
	size_t depth = 0, i = off;
	struct frame *f;
	int64_t v;
	int rc;

	for (;;) {
		/* A value starts at i. */
		if (i >= len)
			return fail(err, i, "unexpected end");
		switch (p[i]) {
		case '{':
		case '[':
			if (depth == YZF_CANON_MAX_DEPTH)
				return fail(err, i, "nested too deeply");
			f = &st[depth++];
			memset(f, 0, sizeof(*f));
			f->kind = p[i++];
			if (i < len && p[i] == (f->kind == '{' ? '}' : ']')) {
				i++;
				depth--;
				break;
			}
			if (f->kind == '{') {
				f->first = i;
				rc = scan_key(p, len, &i, f, err);
				if (rc)
					return rc;
			}
			continue;
		case '"':
			rc = scan_str(p, len, i, &i, err);
			if (rc)
				return rc;
			break;
		case 't':
		case 'f':
		case 'n': {
			const char *lit = p[i] == 't' ? "true"
					: p[i] == 'f' ? "false" : "null";
			size_t n = strlen(lit);

			if (len - i < n || memcmp(p + i, lit, n) != 0)
				return fail(err, i, "bad literal");
			i += n;
			break;
		}
		case ' ': case '\t': case '\n': case '\r':
			return fail(err, i, "white space outside a string");
		default:
			rc = scan_int(p, len, i, &i, &v, err);
			if (rc)
				return rc;
			break;
		}
		/* A value ended at i: close containers or go to the next member. */
		for (;;) {
			if (depth == 0) {
				*end = i;
				return YZF_OK;
			}
			f = &st[depth - 1];
			if (i >= len)
				return fail(err, i, "unexpected end");
			if (p[i] == (f->kind == '{' ? '}' : ']')) {
				i++;
				depth--;
				continue;
			}
			if (p[i] != ',')
				return fail(err, i, f->kind == '{'
					    ? "expected ',' or '}'"
					    : "expected ',' or ']'");
			i++;
			if (f->kind == '{') {
				rc = scan_key(p, len, &i, f, err);
				if (rc)
					return rc;
			}
			break;
		}
	}
}

int yzf_canon_check(const uint8_t *buf, size_t len, struct yzf_canon_err *err)
{
	struct yzf_canon_err local;
	size_t end = 0;
	int rc;

	if (!err)
		err = &local;
	err->off = 0;
	err->why = NULL;
	if (!buf && len)
		return fail(err, 0, "no buffer");
	rc = check_value(buf, len, 0, &end, err);
	if (rc)
		return rc;
	if (end != len)
		return fail(err, end, "trailing bytes after the value");
	return YZF_OK;
}

/* --- Cursor ------------------------------------------------------------ */

void yzf_canon_cur_init(struct yzf_canon_cur *c, const uint8_t *buf,
			size_t len)
{
	c->p = buf;
	c->len = buf ? len : 0;
	c->off = 0;
	c->err.off = 0;
	c->err.why = NULL;
}

static int cur_fail(struct yzf_canon_cur *c, int rc, size_t off,
		    const char *why)
{
	if (!c->err.why) {
		c->err.off = off;
		c->err.why = why;
	}
	return rc;
}

int yzf_canon_byte(struct yzf_canon_cur *c, char ch)
{
	static const char *const why[] = {
		"expected '{'", "expected '}'", "expected ','", "expected ':'",
		"expected '['", "expected ']'", "expected a structural byte",
	};
	const char *set = "{},:[]";
	const char *at;

	if (c->err.why)
		return YZF_ENONCANON;
	if (c->off < c->len && c->p[c->off] == (uint8_t)ch && ch) {
		c->off++;
		return YZF_OK;
	}
	at = ch ? strchr(set, ch) : NULL;
	return cur_fail(c, YZF_ENONCANON, c->off, why[at ? at - set : 6]);
}

bool yzf_canon_peek(const struct yzf_canon_cur *c, char ch)
{
	return !c->err.why && c->off < c->len && c->p[c->off] == (uint8_t)ch;
}

/* Compare the escaped string body p[s..e) with the canonical escaping of
 * name, without building the escaped form. */
static bool same_escaped(const uint8_t *p, size_t s, size_t e,
			 const char *name)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[6];
	size_t n;

	for (; *name; name++) {
		uint8_t b = (uint8_t)*name;
		char sc = short_escape(b);

		if (sc) {
			tmp[0] = '\\';
			tmp[1] = sc;
			n = 2;
		} else if (b < 0x20) {
			memcpy(tmp, "\\u00", 4);
			tmp[4] = hex[b >> 4];
			tmp[5] = hex[b & 15];
			n = 6;
		} else {
			tmp[0] = (char)b;
			n = 1;
		}
		if (e - s < n || memcmp(p + s, tmp, n) != 0)
			return false;
		s += n;
	}
	return s == e;
}

int yzf_canon_key(struct yzf_canon_cur *c, const char *name)
{
	size_t end;

	if (c->err.why)
		return YZF_ENONCANON;
	if (scan_str(c->p, c->len, c->off, &end, &c->err))
		return YZF_ENONCANON;
	if (!same_escaped(c->p, c->off + 1, end - 1, name))
		return cur_fail(c, YZF_ENONCANON, c->off, "unexpected key");
	if (end >= c->len || c->p[end] != ':')
		return cur_fail(c, YZF_ENONCANON, end, "expected ':'");
	c->off = end + 1;
	return YZF_OK;
}

int yzf_canon_int(struct yzf_canon_cur *c, int64_t min, int64_t max,
		  int64_t *out)
{
	size_t end;
	int64_t v;

	if (c->err.why)
		return YZF_ENONCANON;
	if (c->off >= c->len || (c->p[c->off] != '-' &&
				 (c->p[c->off] < '0' || c->p[c->off] > '9')))
		return cur_fail(c, YZF_ENONCANON, c->off, "expected an integer");
	if (scan_int(c->p, c->len, c->off, &end, &v, &c->err))
		return YZF_ENONCANON;
	if (v < min || v > max)
		return cur_fail(c, YZF_ERANGE, c->off, "integer out of range");
	c->off = end;
	if (out)
		*out = v;
	return YZF_OK;
}

int yzf_canon_str(struct yzf_canon_cur *c, const uint8_t **s, size_t *n)
{
	size_t end;

	if (c->err.why)
		return YZF_ENONCANON;
	if (scan_str(c->p, c->len, c->off, &end, &c->err))
		return YZF_ENONCANON;
	if (s)
		*s = c->p + c->off + 1;
	if (n)
		*n = end - c->off - 2;
	c->off = end;
	return YZF_OK;
}

int yzf_canon_str_copy(struct yzf_canon_cur *c, char *out, size_t cap)
{
	const uint8_t *s;
	size_t n, i, o = 0, start = c->off;
	uint8_t b;

	if (cap)
		out[0] = '\0';
	if (yzf_canon_str(c, &s, &n))
		return YZF_ENONCANON;
	/* The string is canonical, so every escape is one of the forms the
	 * checker admits and needs no further validation. */
	for (i = 0; i < n; i++) {
		b = s[i];
		if (b == '\\') {
			switch (s[++i]) {
			case 'b': b = 0x08; break;
			case 't': b = 0x09; break;
			case 'n': b = 0x0a; break;
			case 'f': b = 0x0c; break;
			case 'r': b = 0x0d; break;
			case 'u':
				b = (uint8_t)(hexval(s[i + 3]) * 16 +
					      hexval(s[i + 4]));
				i += 4;
				break;
			default: b = s[i]; break; /* '"' or '\\' */
			}
			if (b == 0) {
				if (cap)
					out[0] = '\0'; /* no partial value */
				return cur_fail(c, YZF_EINVAL, start,
						"string holds U+0000");
			}
		}
		if (o + 1 >= cap) {
			if (cap)
				out[0] = '\0'; /* no partial value */
			return cur_fail(c, YZF_ERANGE, start,
					"string too long for its buffer");
		}
		out[o++] = (char)b;
	}
	if (cap == 0)
		return cur_fail(c, YZF_ERANGE, start,
				"string too long for its buffer");
	out[o] = '\0';
	return YZF_OK;
}

int yzf_canon_null(struct yzf_canon_cur *c)
{
	if (c->err.why)
		return YZF_ENONCANON;
	if (c->len - c->off >= 4 && memcmp(c->p + c->off, "null", 4) == 0) {
		c->off += 4;
		return YZF_OK;
	}
	return YZF_ENOTFOUND;
}

int yzf_canon_value(struct yzf_canon_cur *c, const uint8_t **start,
		    size_t *n)
{
	size_t end = 0;

	if (c->err.why)
		return YZF_ENONCANON;
	if (check_value(c->p, c->len, c->off, &end, &c->err))
		return YZF_ENONCANON;
	if (start)
		*start = c->p + c->off;
	if (n)
		*n = end - c->off;
	c->off = end;
	return YZF_OK;
}

int yzf_canon_end(struct yzf_canon_cur *c)
{
	if (c->err.why)
		return YZF_ENONCANON;
	if (c->off != c->len)
		return cur_fail(c, YZF_ENONCANON, c->off,
				"trailing bytes after the value");
	return YZF_OK;
}

/* --- Writer ------------------------------------------------------------ */

void yzf_buf_free(struct yzf_buf *b)
{
	if (!b)
		return;
	if (b->p) {
		sodium_memzero(b->p, b->cap);
		free(b->p);
	}
	b->p = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}

/* Wipes what was there: a reused buffer must not leak the previous record
 * into memory that a later, shorter one leaves untouched. */
void yzf_buf_reset(struct yzf_buf *b)
{
	if (b->p)
		sodium_memzero(b->p, b->len);
	b->len = 0;
	b->oom = 0;
}

/* Grows by doubling into fresh memory and wipes the old block, rather than
 * realloc, which may free a copy of the plaintext without wiping it. */
void yzf_buf_put(struct yzf_buf *b, const void *p, size_t n)
{
	uint8_t *np;
	size_t cap;

	if (b->oom || n == 0)
		return;
	if (n > b->cap - b->len) {
		if (n > SIZE_MAX - b->len) {
			b->oom = 1;
			return;
		}
		cap = b->cap ? b->cap : 64;
		while (cap < b->len + n)
			cap = cap > SIZE_MAX / 2 ? b->len + n : cap * 2;
		np = malloc(cap);
		if (!np) {
			b->oom = 1;
			return;
		}
		if (b->p) {
			memcpy(np, b->p, b->len);
			sodium_memzero(b->p, b->cap);
			free(b->p);
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

void yzf_buf_puts(struct yzf_buf *b, const char *s)
{
	yzf_buf_put(b, s, strlen(s));
}

void yzf_buf_putc(struct yzf_buf *b, char ch)
{
	yzf_buf_put(b, &ch, 1);
}

bool yzf_utf8_ok(const char *s, size_t n)
{
	const char *why = NULL;
	for (size_t i = 0, k; i < n; i += k)
		if (!(k = utf8_seq((const uint8_t *)s + i, n - i, &why)))
			return false;
	return true;
}

int yzf_canon_put_str(struct yzf_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *u = (const uint8_t *)s;
	const char *why = NULL;
	size_t i, run, k;
	char esc[6];

	/* Validate first so nothing is appended for bad input. */
	for (i = 0; i < n; i += k) {
		k = utf8_seq(u + i, n - i, &why);
		if (!k)
			return YZF_ENONCANON;
	}
	yzf_buf_putc(b, '"');
	if (n == 0)
		goto out;
	for (i = run = 0; i < n; i++) {
		char sc = short_escape(u[i]);

		if (!sc && u[i] >= 0x20)
			continue;
		yzf_buf_put(b, u + run, i - run);
		run = i + 1;
		esc[0] = '\\';
		if (sc) {
			esc[1] = sc;
			yzf_buf_put(b, esc, 2);
		} else {
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[u[i] >> 4];
			esc[5] = hex[u[i] & 15];
			yzf_buf_put(b, esc, 6);
		}
	}
	yzf_buf_put(b, u + run, n - run);
out:
	yzf_buf_putc(b, '"');
	return b->oom ? YZF_ENOMEM : YZF_OK;
}

int yzf_canon_put_int(struct yzf_buf *b, int64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);
	uint64_t u;

	if (v > YZF_CANON_INT_MAX || v < -YZF_CANON_INT_MAX)
		return YZF_ERANGE;
	u = v < 0 ? (uint64_t)-v : (uint64_t)v;
	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[--i] = '-';
	yzf_buf_put(b, tmp + i, sizeof(tmp) - i);
	return b->oom ? YZF_ENOMEM : YZF_OK;
}

int yzf_canon_put_key(struct yzf_buf *b, const char *name)
{
	int rc = yzf_canon_put_str(b, name, strlen(name));

	if (rc)
		return rc;
	yzf_buf_putc(b, ':');
	return b->oom ? YZF_ENOMEM : YZF_OK;
}

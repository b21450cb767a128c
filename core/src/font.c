/* font.c — Unifont .hex lookup by binary search over the text. */
#include <string.h>

#include "yzf/font.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The line at s (up to end, a trailing CR dropped): its code point, and
 * where its bits start and end; -1 if it is not a glyph line. */
static long line_cp(const char *s, const char *end, const char **bits,
		    const char **bend)
{
	long cp = 0;
	int nd = 0;
	if (end > s && end[-1] == '\r')
		end--;
	while (s < end && *s != ':') {
		int v = hexval(*s++);
		if (v < 0 || ++nd > 6)
			return -1;
		cp = cp * 16 + v;
	}
	if (nd < 4 || s == end)
		return -1;
	*bits = s + 1;
	*bend = end;
	if (end - *bits != 32 && end - *bits != 64)
		return -1;
	for (const char *p = *bits; p < end; p++)
		if (hexval(*p) < 0)
			return -1;
	return cp;
}

/* One pass over the whole file: every line a glyph, code points strictly
 * ascending. What the binary search then relies on is checked once, so a
 * damaged file is refused instead of making each lookup wander. */
int yzf_font_init(struct yzf_font *f, const void *hex, size_t len)
{
	const char *s = hex, *end = s + len, *bits, *bend;
	long prev = -1;
	f->hex = NULL;
	f->len = 0;
	f->bad_line = 0;
	f->glyphs = 0;
	if (len && s[len - 1] == '\n')
		end--; /* the last line's newline */
	for (const char *l = s; l <= end; f->glyphs++) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		if (!nl)
			nl = end;
		long c = line_cp(l, nl, &bits, &bend);
		if (c < 0 || c <= prev) {
			f->bad_line = f->glyphs + 1;
			f->glyphs = 0;
			return YZF_EINVAL;
		}
		prev = c;
		l = nl + 1;
	}
	f->hex = s;
	f->len = len;
	return YZF_OK;
}

int yzf_font_glyph(const struct yzf_font *f, uint32_t cp, uint16_t rows[16],
		   int *width)
{
	size_t lo = 0, hi = f->len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, s = mid, e = mid;
		while (s > lo && f->hex[s - 1] != '\n')
			s--;
		while (e < f->len && f->hex[e] != '\n')
			e++;
		/* init checked every line: read the code point only */
		const char *p = f->hex + s, *bits, *bend = f->hex + e;
		uint32_t c = 0;
		if (s == e)
			return YZF_ENOTFOUND; /* only past the last newline */
		while (*p != ':')
			c = c * 16 + (uint32_t)hexval(*p++);
		bits = p + 1;
		if (bend[-1] == '\r')
			bend--;
		if (c < cp) {
			lo = e + 1;
			continue;
		}
		if (c > cp) {
			hi = s;
			continue;
		}
		int w = bend - bits == 32 ? 8 : 16, per = w / 4;
		for (int r = 0; r < 16; r++) {
			unsigned v = 0;
			for (int k = 0; k < per; k++)
				v = v << 4 | (unsigned)hexval(bits[r * per + k]);
			rows[r] = (uint16_t)(w == 8 ? v << 8 : v);
		}
		*width = w;
		return YZF_OK;
	}
	return YZF_ENOTFOUND;
}

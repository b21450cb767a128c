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

/* Code point of the line at s (up to end); -1 if it is not a glyph line. */
static long line_cp(const char *s, const char *end, const char **bits)
{
	long cp = 0;
	int nd = 0;
	while (s < end && *s != ':') {
		int v = hexval(*s++);
		if (v < 0 || ++nd > 6)
			return -1;
		cp = cp * 16 + v;
	}
	if (nd < 4 || s == end)
		return -1;
	*bits = s + 1;
	return cp;
}

int yzf_font_init(struct yzf_font *f, const void *hex, size_t len)
{
	const char *bits, *s = hex;
	const char *nl = memchr(s, '\n', len);
	f->hex = NULL;
	f->len = 0;
	if (!nl || line_cp(s, nl, &bits) < 0 ||
	    ((nl - bits) != 32 && (nl - bits) != 64))
		return YZF_EINVAL;
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
		const char *bits;
		long c = line_cp(f->hex + s, f->hex + e, &bits);
		if (c < 0)
			return YZF_ENOTFOUND;
		if ((uint32_t)c < cp) {
			lo = e + 1;
			continue;
		}
		if ((uint32_t)c > cp) {
			hi = s;
			continue;
		}
		size_t nb = (size_t)(f->hex + e - bits);
		if (nb != 32 && nb != 64)
			return YZF_ENOTFOUND;
		int w = nb == 32 ? 8 : 16, per = w / 4;
		for (int r = 0; r < 16; r++) {
			unsigned v = 0;
			for (int k = 0; k < per; k++) {
				int d = hexval(bits[r * per + k]);
				if (d < 0)
					return YZF_ENOTFOUND;
				v = v << 4 | (unsigned)d;
			}
			rows[r] = (uint16_t)(w == 8 ? v << 8 : v);
		}
		*width = w;
		return YZF_OK;
	}
	return YZF_ENOTFOUND;
}

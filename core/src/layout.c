/* layout.c — text and QR codes into a 1-bit raster (yzf/layout.h). */
#include <qrencode.h>
#include <string.h>

#include "yzf/layout.h"

#define LINE_UNITS 160 /* units one line can hold: 2048 dots / 8 at most */
#define PLACEHOLDER 0xFFFFFFFFu

int yzf_layout_init(struct yzf_layout *L, const struct yzf_font *f,
		    uint32_t width, uint8_t *bits, size_t cap, char *text,
		    size_t text_cap)
{
	memset(L, 0, sizeof *L);
	L->font = f;
	if (width < 64 || width > 2048 || width % 8)
		return L->err = YZF_EINVAL;
	L->r.bits = bits;
	L->r.width = width;
	L->r.stride = width / 8;
	L->r.cap = bits ? (uint32_t)(cap / L->r.stride) : UINT32_MAX;
	if (bits)
		memset(bits, 0, cap);
	L->margin = 4;
	L->text = text_cap ? text : NULL;
	L->text_cap = text_cap;
	if (L->text)
		L->text[0] = '\0';
	return YZF_OK;
}

int yzf_layout_finish(struct yzf_layout *L)
{
	return L->err;
}

/* Claim rows below what is drawn; false (and the sticky error) when the
 * raster is full. */
static bool rows(struct yzf_layout *L, uint32_t n)
{
	if (L->err)
		return false;
	if (n > L->r.cap - L->r.height) {
		L->err = YZF_ERANGE;
		return false;
	}
	return true;
}

static void dot(struct yzf_layout *L, uint32_t x, uint32_t y)
{
	if (L->r.bits && x < L->r.width && y < L->r.cap)
		L->r.bits[(size_t)y * L->r.stride + x / 8] |=
			(uint8_t)(0x80u >> (x % 8));
}

static void emit_text(struct yzf_layout *L, const char *s, size_t n)
{
	if (!L->text || L->err)
		return;
	if (L->text_len + n + 1 > L->text_cap) {
		L->err = YZF_ERANGE;
		return;
	}
	memcpy(L->text + L->text_len, s, n);
	L->text_len += n;
	L->text[L->text_len] = '\0';
}

/* One code point of UTF-8 at s (n bytes left); *len its bytes. Malformed
 * bytes decode as PLACEHOLDER, one byte each, so they print as a box. */
static uint32_t utf8(const unsigned char *s, size_t n, size_t *len)
{
	uint32_t c = s[0];
	size_t k = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0
		   ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
	*len = 1;
	if (k == 1)
		return c;
	if (k == 0 || k > n)
		return PLACEHOLDER;
	c &= 0x3Fu >> (k - 1);
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return PLACEHOLDER;
		c = c << 6 | (s[i] & 0x3Fu);
	}
	static const uint32_t least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (c < least[k] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return PLACEHOLDER;
	*len = k;
	return c;
}

static bool closing(uint32_t c)
{
	static const uint32_t set[] = {
		0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01, 0xFF09,
		0x300B, 0x300D, 0x300F, 0x3011, 0x201D, 0x2019, 0x2026, 0x2014,
		0x3009, 0xFF05, ',', '.', ';', ':', '?', '!', ')', ']', '%',
		0x00B7, 0xFF5E,
	};
	for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
		if (set[i] == c)
			return true;
	return false;
}

static bool opening(uint32_t c)
{
	static const uint32_t set[] = {
		0xFF08, 0x300A, 0x300C, 0x300E, 0x3010, 0x201C, 0x2018, 0x3008,
		0x3014, '(', '[', 0xFFE5, 0x00A5,
	};
	for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
		if (set[i] == c)
			return true;
	return false;
}

/* Latin letters and digits that stay together in a word. */
static bool wordch(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       (c >= 'a' && c <= 'z') || c == '-' || c == '.' || c == '_' ||
	       c == '/' || c == '@';
}

/* Units after a number that stay with it: 2026年11月27日, 103号, 09时40分. */
static bool numunit(uint32_t c)
{
	return c == 0x5E74 || c == 0x6708 || c == 0x65E5 || c == 0x53F7 ||
	       c == 0x65F6 || c == 0x5206 || c == 0x5143 || c == 0x6761 ||
	       c == 0x6B3E || c == 0x9879;
}

/* Advance of one code point at scale 1: its glyph's width, 16 for a box. */
static uint32_t advance(struct yzf_layout *L, uint32_t cp)
{
	uint16_t g[16];
	int w;
	if (cp != PLACEHOLDER && L->font &&
	    yzf_font_glyph(L->font, cp, g, &w) == YZF_OK)
		return (uint32_t)w;
	return 16;
}

static void draw_glyph(struct yzf_layout *L, uint32_t cp, uint32_t x0,
		       uint32_t y0, int scale, bool count)
{
	uint16_t g[16];
	int w;
	if (cp == PLACEHOLDER || !L->font ||
	    yzf_font_glyph(L->font, cp, g, &w) != YZF_OK) {
		if (count) {
			if (L->missing < YZF_LAYOUT_MISSING_KEEP)
				L->missing_cp[L->missing] = cp;
			L->missing++;
		}
		/* a box with a diagonal: plainly not a character */
		w = 16;
		for (int r = 0; r < 16; r++)
			g[r] = (r == 1 || r == 14) ? 0x7FFE
			       : (r > 1 && r < 14) ? (uint16_t)(0x4002 |
							       (0x8000 >> r))
			       : 0;
	}
	if (!L->r.bits)
		return;
	for (int r = 0; r < 16; r++)
		for (int c = 0; c < w; c++)
			if (g[r] & (0x8000u >> c))
				for (int dy = 0; dy < scale; dy++)
					for (int dx = 0; dx < scale; dx++)
						dot(L, x0 + (uint32_t)(c * scale + dx),
						    y0 + (uint32_t)(r * scale + dy));
}

struct unit {
	size_t off, len;   /* bytes of the unit in the paragraph */
	uint32_t first, last; /* first and last code points */
	uint32_t w;        /* dots at scale 1 */
	bool space;
};

/* The next unit at s: a Latin word, one space, or one other character. */
static size_t next_unit(struct yzf_layout *L, const char *s, size_t n,
			struct unit *u)
{
	size_t k;
	uint32_t c = utf8((const unsigned char *)s, n, &k);
	u->len = k;
	u->first = u->last = c;
	u->w = advance(L, c);
	u->space = c == ' ';
	if (wordch(c)) {
		while (u->len < n) {
			uint32_t d = utf8((const unsigned char *)s + u->len,
					  n - u->len, &k);
			if (!wordch(d) && !(numunit(d) && u->last >= '0' &&
					     u->last <= '9'))
				break;
			u->len += k;
			u->last = d;
			u->w += advance(L, d);
		}
	}
	return u->len;
}

/* Draw units[0..n) of one line at row y, x from left. */
static void draw_line(struct yzf_layout *L, const char *s,
		      const struct unit *u, size_t n, uint32_t x, int scale)
{
	uint32_t y = L->r.height;
	for (size_t i = 0; i < n; i++) {
		size_t off = u[i].off, end = off + u[i].len, k;
		while (off < end) {
			uint32_t c = utf8((const unsigned char *)s + off,
					  end - off, &k);
			uint32_t w = advance(L, c);
			if (c != ' ')
				draw_glyph(L, c, x, y, scale, true);
			x += w * (uint32_t)scale;
			off += k;
		}
	}
	emit_text(L, s + u[0].off, u[n - 1].off + u[n - 1].len - u[0].off);
	emit_text(L, "\n", 1);
}

/* A word wider than the line is split by characters. */
static size_t split_wide(struct yzf_layout *L, const char *s, struct unit *u,
			 uint32_t avail)
{
	size_t off = 0, k;
	uint32_t w = 0;
	while (off < u->len) {
		uint32_t c = utf8((const unsigned char *)s + u->off + off,
				  u->len - off, &k);
		uint32_t a = advance(L, c);
		if (off && w + a > avail)
			break;
		w += a;
		off += k;
	}
	u->len = off;
	u->w = w;
	return off;
}

static void paragraph(struct yzf_layout *L, const char *s, size_t n,
		      int scale, int align, uint32_t indent)
{
	struct unit line[LINE_UNITS];
	uint32_t width = L->r.width - 2 * L->margin - indent;
	uint32_t avail = width / (uint32_t)scale;
	size_t pos = 0;
	if (n == 0) {
		if (rows(L, 16u * (uint32_t)scale + 4)) {
			L->r.height += 16u * (uint32_t)scale + 4;
			emit_text(L, "\n", 1);
		}
		return;
	}
	while (pos < n && !L->err) {
		size_t nu = 0;
		uint32_t w = 0;
		bool full = false;
		size_t at = pos;
		while (at < n) {
			struct unit u;
			next_unit(L, s + at, n - at, &u);
			u.off = at;
			if (w + u.w > avail || nu == LINE_UNITS) {
				if (nu == 0) {
					split_wide(L, s, &u, avail);
					line[nu++] = u;
				}
				full = true;
				break;
			}
			line[nu++] = u;
			w += u.w;
			at += u.len;
		}
		size_t keep = nu;
		if (full) {
			/* the unit that did not fit starts the next line:
			 * closing punctuation may not, so take characters
			 * back with it; nor may a line end in an opening */
			size_t nat = line[nu - 1].off + line[nu - 1].len;
			struct unit nx;
			if (nat < n) {
				next_unit(L, s + nat, n - nat, &nx);
				while (keep > 1 && closing(nx.first))
					nx = line[--keep];
			}
			while (keep > 1 && opening(line[keep - 1].last))
				keep--;
		}
		/* spaces at the ends of a line do not print */
		size_t b = 0, e = keep;
		while (e > b + 1 && line[e - 1].space)
			e--;
		uint32_t lw = 0;
		for (size_t i = b; i < e; i++)
			lw += line[i].w;
		uint32_t x = L->margin + indent;
		if (align == YZF_CENTER && lw * (uint32_t)scale < width)
			x += (width - lw * (uint32_t)scale) / 2;
		else if (align == YZF_RIGHT && lw * (uint32_t)scale < width)
			x += width - lw * (uint32_t)scale;
		uint32_t h = 16u * (uint32_t)scale + 4;
		if (!rows(L, h))
			return;
		draw_line(L, s, line + b, e - b, x, scale);
		L->r.height += h;
		pos = line[keep - 1].off + line[keep - 1].len;
		while (pos < n && s[pos] == ' ')
			pos++;
	}
}

void yzf_layout_text(struct yzf_layout *L, const char *s, int scale,
		     int align, uint32_t indent)
{
	if (scale < 1 || scale > 2 || indent * 2 > L->r.width) {
		if (!L->err)
			L->err = YZF_EINVAL;
		return;
	}
	for (;;) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		paragraph(L, s, n, scale, align, indent);
		if (!nl)
			break;
		s = nl + 1;
	}
}

void yzf_layout_field(struct yzf_layout *L, const char *label,
		      const char *value, int scale)
{
	char buf[4400];
	size_t a = strlen(label), b = strlen(value);
	if (a + b + 4 > sizeof buf) {
		if (!L->err)
			L->err = YZF_ERANGE;
		return;
	}
	memcpy(buf, label, a);
	memcpy(buf + a, "\xEF\xBC\x9A", 3); /* ： */
	memcpy(buf + a + 3, value, b + 1);
	yzf_layout_text(L, buf, scale, YZF_LEFT, 0);
}

void yzf_layout_signline(struct yzf_layout *L, const char *label)
{
	uint32_t w = 0, x = L->margin;
	size_t off = 0, k, n = strlen(label);
	if (!rows(L, 32))
		return;
	L->r.height += 8;
	while (off < n) {
		uint32_t c = utf8((const unsigned char *)label + off, n - off,
				  &k);
		uint32_t a = advance(L, c);
		if (x + a + 48 > L->r.width - L->margin)
			break;
		draw_glyph(L, c, x, L->r.height, 1, true);
		x += a;
		w += a;
		off += k;
	}
	emit_text(L, label, off);
	emit_text(L, "____\n", 5);
	for (uint32_t xx = x + 4; xx < L->r.width - L->margin; xx++)
		dot(L, xx, L->r.height + 15);
	L->r.height += 24;
	(void)w;
}

void yzf_layout_gap(struct yzf_layout *L, uint32_t n)
{
	if (rows(L, n))
		L->r.height += n;
}

void yzf_layout_rule(struct yzf_layout *L, uint32_t thick)
{
	if (!rows(L, thick + 8))
		return;
	for (uint32_t y = 0; y < thick; y++)
		for (uint32_t x = L->margin; x < L->r.width - L->margin; x++)
			dot(L, x, L->r.height + 4 + y);
	L->r.height += thick + 8;
}

void yzf_layout_qr(struct yzf_layout *L, const char *text, uint32_t module)
{
	if (L->err)
		return;
	if (!L->r.bits)
		return; /* measuring: the QR is not part of the text */
	QRinput *in = QRinput_new2(0, QR_ECLEVEL_Q);
	QRcode *q = NULL;
	if (!in || QRinput_append(in, QR_MODE_AN, (int)strlen(text),
				  (const unsigned char *)text) ||
	    !(q = QRcode_encodeInput(in))) {
		QRinput_free(in);
		L->err = YZF_EINVAL;
		return;
	}
	QRinput_free(in);
	uint32_t side = (uint32_t)q->width + 8; /* with the quiet zone */
	while (module > 3 && side * module > L->r.width)
		module--;
	if (side * module > L->r.width || !rows(L, side * module)) {
		QRcode_free(q);
		if (!L->err)
			L->err = YZF_ERANGE;
		return;
	}
	uint32_t x0 = (L->r.width - side * module) / 2 + 4 * module;
	uint32_t y0 = L->r.height + 4 * module;
	for (int r = 0; r < q->width; r++)
		for (int c = 0; c < q->width; c++)
			if (q->data[r * q->width + c] & 1)
				for (uint32_t dy = 0; dy < module; dy++)
					for (uint32_t dx = 0; dx < module; dx++)
						dot(L, x0 + (uint32_t)c * module + dx,
						    y0 + (uint32_t)r * module + dy);
	L->r.height += side * module;
	L->qr_version = q->version;
	L->qr_module = module;
	QRcode_free(q);
}

/* Banker's capitals. Zeros inside a group of four digits, or a whole zero
 * group, write one 零 before the next digit; a group's trailing zeros
 * before 万 or 亿 write none (both forms are accepted, this one is
 * shorter). */
int yzf_amount_capitals(int64_t fen, char *out, size_t cap)
{
	static const char *const dig[] = { "零", "壹", "贰", "叁", "肆",
					   "伍", "陆", "柒", "捌", "玖" };
	static const char *const unit[] = { "", "拾", "佰", "仟" };
	static const char *const big[] = { "", "万", "亿" };
	char buf[256];
	size_t o = 0;
#define PUT(s) do { size_t l_ = strlen(s); memcpy(buf + o, s, l_); o += l_; } while (0)
	if (fen < 0 || fen >= 100000000000000LL)
		return YZF_ERANGE;
	int64_t yuan = fen / 100;
	int jiao = (int)(fen / 10 % 10), f = (int)(fen % 10);
	bool started = false, zero = false;
	for (int g = 2; g >= 0; g--) {
		int64_t div = g == 2 ? 100000000LL : g == 1 ? 10000 : 1;
		int gv = (int)(yuan / div % 10000);
		if (g == 2)
			gv = (int)(yuan / div); /* up to 9999 亿 */
		if (gv == 0) {
			if (started)
				zero = true;
			continue;
		}
		if (started && gv < 1000)
			zero = true;
		for (int k = 3; k >= 0; k--) {
			int d = gv / (k == 3 ? 1000 : k == 2 ? 100 : k == 1 ? 10 : 1) % 10;
			if (d == 0) {
				if (started)
					zero = true;
				continue;
			}
			if (zero && started)
				PUT(dig[0]);
			zero = false;
			PUT(dig[d]);
			PUT(unit[k]);
			started = true;
		}
		PUT(big[g]);
		zero = false;
	}
	if (started)
		PUT("元");
	if (jiao == 0 && f == 0) {
		if (!started)
			PUT("零元");
		PUT("整");
	} else if (jiao) {
		PUT(dig[jiao]);
		PUT("角");
		if (f) {
			PUT(dig[f]);
			PUT("分");
		} else {
			PUT("整");
		}
	} else {
		if (started)
			PUT(dig[0]);
		PUT(dig[f]);
		PUT("分");
	}
#undef PUT
	if (o + 1 > cap)
		return YZF_ERANGE;
	memcpy(out, buf, o);
	out[o] = '\0';
	return YZF_OK;
}

int yzf_amount_parse(const char *s, int64_t *fen)
{
	int64_t v = 0;
	int frac = -1;
	bool any = false;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (frac >= 2)
				continue; /* beyond fen: ignored, not rounded */
			if (v > 100000000000000LL)
				return YZF_EINVAL;
			v = v * 10 + (*s - '0');
			any = true;
			if (frac >= 0)
				frac++;
		} else if (*s == '.' && any && frac < 0) {
			frac = 0;
		} else if (*s == ',' && any && frac < 0) {
			continue;
		} else if (any) {
			break;
		}
	}
	if (!any)
		return YZF_EINVAL;
	if (frac < 0)
		frac = 0;
	for (; frac < 2; frac++)
		v *= 10;
	*fen = v;
	return YZF_OK;
}

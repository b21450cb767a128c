/* yzf/layout.h — text and QR codes into a 1-bit raster for thermal paper.
 *
 * A raster is rows of `width` dots (a multiple of 8: 384 on 58 mm paper,
 * 576 on 80 mm, 512 on 180-dpi 80 mm heads), `stride` = width / 8 bytes a
 * row, the most significant bit the left dot, 1 black: the very bytes
 * ESC/POS `GS v 0` sends (yzf/escpos.h). The caller owns the bits.
 *
 * A layout is a builder: yzf_layout_init, then text, rules, gaps and a QR
 * code appended top down, then yzf_layout_finish for the first error (the
 * calls in between never fail loudly; a raster that fills up stops drawing
 * and finish says YZF_ERANGE). With bits NULL nothing is drawn, only
 * measured: the same calls then give the height and the printed text, so
 * a caller can digest the text before it signs the QR that goes below it.
 *
 * Text is UTF-8, drawn with GNU Unifont (yzf/font.h) at scale 1 (16 dots a
 * line) or 2 (titles and key fields), and broken into lines by the CJK
 * rules: no line starts with closing punctuation (，。、；：？！）》」』】”’
 * …), none ends with opening punctuation (（《「『【“‘); runs of Latin
 * letters and digits break at spaces where they can, and a number keeps
 * its unit (2026年11月27日, 103号, 600元, 09时40分, 30条). A character the font
 * lacks prints as a box and is counted in `missing`, its code point kept,
 * for the caller to log. The printed text (each line and a '\n') goes to
 * the caller's text buffer when there is one.
 *
 * Nothing here allocates, but for the QR code: libqrencode builds its
 * symbol on the heap and it is freed before yzf_layout_qr returns. No
 * floating point. Threading: a layout belongs to one thread.
 */
#ifndef YZF_LAYOUT_H
#define YZF_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "font.h"

#ifdef __cplusplus
extern "C" {
#endif

struct yzf_raster {
	uint8_t *bits;     /* stride * height bytes, or NULL (measuring) */
	uint32_t width;    /* dots, a multiple of 8 */
	uint32_t stride;   /* bytes a row: width / 8 */
	uint32_t height;   /* rows drawn so far */
	uint32_t cap;      /* rows bits can hold */
};

enum yzf_align { YZF_LEFT = 0, YZF_CENTER = 1, YZF_RIGHT = 2 };

#define YZF_LAYOUT_MISSING_KEEP 8

struct yzf_layout {
	const struct yzf_font *font;
	struct yzf_raster r;
	uint32_t margin;               /* dots left and right */
	char *text;                    /* the printed text, or NULL */
	size_t text_cap, text_len;
	int err;                       /* the first error, sticky */
	size_t missing;                /* glyphs the font lacks */
	uint32_t missing_cp[YZF_LAYOUT_MISSING_KEEP];
	int qr_version;                /* of the last QR drawn, 0 if none */
	uint32_t qr_module;            /* its dots per module */
};

/* Start a layout of width dots (a multiple of 8, 64..2048) into bits
 * (cap bytes, may be NULL to measure only), keeping the printed text in
 * text (text_cap bytes, NUL-terminated; may be NULL). The raster is
 * cleared. YZF_EINVAL for a bad width. */
YZF_API int yzf_layout_init(struct yzf_layout *L, const struct yzf_font *f,
			    uint32_t width, uint8_t *bits, size_t cap,
			    char *text, size_t text_cap);

/* Draw UTF-8 text (NUL-terminated) at scale 1 or 2, wrapped to the width
 * less indent dots, '\n' a forced break. */
YZF_API void yzf_layout_text(struct yzf_layout *L, const char *s, int scale,
			     int align, uint32_t indent);
/* "label：value" wrapped as one paragraph. */
YZF_API void yzf_layout_field(struct yzf_layout *L, const char *label,
			      const char *value, int scale);
/* A signature line: label, then a rule to the right edge to sign on. */
YZF_API void yzf_layout_signline(struct yzf_layout *L, const char *label);
/* Blank rows, and a horizontal rule (thick dots high) across. */
YZF_API void yzf_layout_gap(struct yzf_layout *L, uint32_t rows);
YZF_API void yzf_layout_rule(struct yzf_layout *L, uint32_t thick);
/* A QR code of text in alphanumeric mode (the text must be of that
 * alphabet), error correction Q, centred, module dots a module (whole
 * dots; fewer if the symbol and its 4-module quiet zone do not fit the
 * width, never under 3), the quiet zone included. Sets qr_version and
 * qr_module. Measuring draws nothing and encodes nothing. */
YZF_API void yzf_layout_qr(struct yzf_layout *L, const char *text,
			   uint32_t module);
/* The first error of the layout (YZF_ERANGE: the raster or text buffer
 * filled up; YZF_EINVAL: a QR that cannot be encoded), else YZF_OK. */
YZF_API int yzf_layout_finish(struct yzf_layout *L);

/* The amount fen written in Chinese capitals as on a banker's cheque
 * (60000 -> 陆佰元整, 100500 -> 壹仟零伍元整); out (cap bytes) is
 * NUL-terminated. YZF_ERANGE for a negative amount, 10^12 yuan or more,
 * or cap too small. */
YZF_API int yzf_amount_capitals(int64_t fen, char *out, size_t cap);
/* Parse an amount written by an officer ("600", "600元", "600.5",
 * "¥1,200.00") into fen. YZF_EINVAL if there is no such number. */
YZF_API int yzf_amount_parse(const char *s, int64_t *fen);

#ifdef __cplusplus
}
#endif
#endif

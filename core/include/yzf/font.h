/* yzf/font.h — GNU Unifont glyphs from its .hex text, read in place.
 *
 * A .hex font is one glyph a line, "CODEPOINT:BITS\n": 4 to 6 hex digits
 * of code point, then 32 hex digits (8x16) or 64 (16x16), rows top down,
 * the most significant bit the left pixel. Unifont's files are sorted by
 * code point, so a glyph is found by binary search over the text itself:
 * no index, no allocation, about 17 probes among 57,000 glyphs. What that
 * relies on is checked once, when the font is taken: every line a glyph
 * (CRLF ends allowed), code points strictly ascending.
 *
 * The core never opens the file: the caller (a port, the CLI) reads it and
 * hands the bytes over, which must outlive the struct. Lookups are pure
 * and thread-safe.
 */
#ifndef YZF_FONT_H
#define YZF_FONT_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct yzf_font {
	const char *hex;  /* the caller's bytes */
	size_t len;
	size_t glyphs;    /* lines, one glyph each */
	size_t bad_line;  /* on YZF_EINVAL: the first line at fault (1-based) */
};

/* Point f at the .hex text hex[0..len) after checking all of it (one
 * pass: about 10 ms for the 2.2 MB of Unifont's plane 0). YZF_EINVAL, with
 * f->bad_line, for a line that is not "HEX{4,6}:HEX{32|64}", a blank line
 * or a code point not above the one before. */
YZF_API int yzf_font_init(struct yzf_font *f, const void *hex, size_t len);

/* The glyph of code point cp: rows receives 16 rows of 16 bits (bit 15
 * the left pixel; an 8-wide glyph uses bits 15..8) and *width 8 or 16.
 * YZF_ENOTFOUND if the font lacks it (or its line is damaged). */
YZF_API int yzf_font_glyph(const struct yzf_font *f, uint32_t cp,
			   uint16_t rows[16], int *width);

#ifdef __cplusplus
}
#endif
#endif

/* fuzz_font.c — libFuzzer target for the .hex font reader and the text
 * layout over it.
 *
 * The input is a font, a NUL, then UTF-8 text. Properties checked:
 *  - lookups never read outside the font (ASan) and give 8- or 16-wide
 *    glyphs;
 *  - laying the text out (measured and drawn into a small raster) never
 *    writes outside the raster or the text buffer, and ends (no line
 *    without progress), whatever the glyph widths and the text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "yzf/font.h"
#include "yzf/layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t bits[48 * 600];
	static char text[8192], s[4096];
	const uint8_t *nul = memchr(data, 0, size);
	size_t flen = nul ? (size_t)(nul - data) : size;
	size_t tlen = nul ? size - flen - 1 : 0;
	struct yzf_font f;
	struct yzf_layout L;
	uint16_t g[16];
	int w;
	if (tlen >= sizeof s)
		return 0;
	memcpy(s, nul ? (const char *)nul + 1 : "", tlen);
	s[tlen] = '\0';
	if (yzf_font_init(&f, data, flen) != YZF_OK)
		return 0;
	for (uint32_t cp = 0; cp < 0x80; cp++)
		if (yzf_font_glyph(&f, cp, g, &w) == YZF_OK && w != 8 && w != 16)
			abort();
	for (size_t i = 0; i + 2 < flen && i < 64; i += 3) {
		uint32_t cp = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 |
			      data[i + 2];
		if (yzf_font_glyph(&f, cp, g, &w) == YZF_OK && w != 8 && w != 16)
			abort();
	}
	yzf_layout_init(&L, &f, 384, NULL, 0, text, sizeof text);
	yzf_layout_text(&L, s, 1, YZF_LEFT, 0);
	yzf_layout_init(&L, &f, 384, bits, sizeof bits, NULL, 0);
	yzf_layout_text(&L, s, 2, YZF_CENTER, 8);
	yzf_layout_signline(&L, s);
	if (L.r.height > L.r.cap)
		abort();
	return 0;
}

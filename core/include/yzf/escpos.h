/* yzf/escpos.h — a raster as the ESC/POS bytes a thermal printer takes,
 * and those bytes read back.
 *
 * The stream: ESC @ (initialise), the raster as GS v 0 commands of at most
 * band_rows rows each (cheap printers drop or print as text what overflows
 * their buffer, and some misprint bands 48 rows high or a multiple of it,
 * so the default band is 24 rows), then ESC d n to feed the paper past the
 * tear bar and, for printers with a cutter, GS V 66 0 (feed and cut).
 * Printers' own QR commands are not used: the QR is part of the raster.
 *
 * The reader takes such a stream apart command by command (what a test or
 * a fuzzer needs) and can rebuild the raster from it. It accepts exactly
 * the commands the writer makes plus LF and ESC J n feeds, and refuses
 * anything else with the offset, so a stream that would print otherwise
 * than its raster is caught.
 *
 * Caller buffers only; no allocation; pure and thread-safe.
 */
#ifndef YZF_ESCPOS_H
#define YZF_ESCPOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "layout.h"

#ifdef __cplusplus
extern "C" {
#endif

struct yzf_escpos_opts {
	uint32_t band_rows;  /* rows a GS v 0 band, 1..255; 0: 24 */
	uint8_t feed_lines;  /* ESC d n after the raster; 0: none */
	bool cut;            /* GS V 66 0 at the end */
};

/* Bytes the stream of raster r (r->height rows) takes with opts. */
YZF_API size_t yzf_escpos_size(const struct yzf_raster *r,
			       const struct yzf_escpos_opts *o);
/* Write the stream into out (cap bytes, at least yzf_escpos_size).
 * *n receives the bytes written. YZF_ERANGE if cap is short, YZF_EINVAL
 * for a band_rows over 255 or a raster wider than 65535 bytes a row. */
YZF_API int yzf_escpos_encode(const struct yzf_raster *r,
			      const struct yzf_escpos_opts *o, uint8_t *out,
			      size_t cap, size_t *n);

enum yzf_escpos_op {
	YZF_ESCPOS_INIT = 1, /* ESC @ */
	YZF_ESCPOS_RASTER,   /* GS v 0 m xL xH yL yH data */
	YZF_ESCPOS_FEED,     /* LF (1 line), ESC d n (n lines), ESC J n (dots) */
	YZF_ESCPOS_CUT,      /* GS V m [n] */
};

struct yzf_escpos_cmd {
	int op;                /* enum yzf_escpos_op */
	size_t off;            /* where it starts in the stream */
	/* raster: */
	uint8_t mode;          /* m: 0 normal (the only one read) */
	uint32_t xbytes, rows;
	const uint8_t *data;   /* xbytes * rows bytes, in the stream */
	/* feed: lines (LF, ESC d) or dots (ESC J) */
	uint32_t lines, dots;
};

/* The command at in[*off..n): fills c and moves *off past it. Returns 1
 * for a command, 0 at the end, YZF_EINVAL for an unknown or cut command
 * (the offset is *off, unchanged). */
YZF_API int yzf_escpos_next(const uint8_t *in, size_t n, size_t *off,
			    struct yzf_escpos_cmd *c);

/* What a whole stream held besides its raster. */
struct yzf_escpos_info {
	uint32_t inits, bands, band_max, feed_lines, feed_dots, cuts;
};

/* Rebuild the raster of a stream into bits (cap bytes; NULL only counts),
 * described by r: the bands top down, r->width and stride from the first
 * band, r->height the rows. YZF_EINVAL (with *bad the offset)
 * for a command this reader does not take, a band of another width than
 * the first, or raster mode other than 0; YZF_ERANGE if the rows exceed
 * what cap holds. info may be NULL. */
YZF_API int yzf_escpos_parse(const uint8_t *in, size_t n, uint8_t *bits,
			     size_t cap, struct yzf_raster *r,
			     struct yzf_escpos_info *info, size_t *bad);

#ifdef __cplusplus
}
#endif
#endif

/* rasterpng.h — a 1-bit raster as a PNG file and back (libpng). The PNG is
 * exactly the raster: 1-bit grey, one pixel a dot, black where the printer
 * burns; written with fixed settings and no time chunk, so the same raster
 * always gives the same bytes. */
#ifndef YZF_DEVICE_PNG_H
#define YZF_DEVICE_PNG_H
#include <stdint.h>
#include <yzf/layout.h>

/* Write r (r->height rows) to path. 0, or -1 with a message on stderr. */
int png_write_raster(const char *path, const struct yzf_raster *r);
/* Read any PNG into a raster: dots darker than half are black. *bits is
 * malloc'd (the caller frees it), stride = (width + 7) / 8. 0 or -1. */
int png_read_raster(const char *path, uint8_t **bits, uint32_t *width,
		    uint32_t *height);
#endif

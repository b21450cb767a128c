/* rasterpng.c — rasters to and from PNG (rasterpng.h). */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rasterpng.h"

int png_write_raster(const char *path, const struct yzf_raster *r)
{
	FILE *f = fopen(path, "wb");
	png_structp p = NULL;
	png_infop info = NULL;
	uint8_t *row = malloc(r->stride ? r->stride : 1);
	int rc = -1;
	if (!f || !row)
		goto out;
	p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = p ? png_create_info_struct(p) : NULL;
	if (!info || setjmp(png_jmpbuf(p)))
		goto out;
	png_init_io(p, f);
	png_set_compression_level(p, 9);
	png_set_IHDR(p, info, r->width, r->height, 1, PNG_COLOR_TYPE_GRAY,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
		     PNG_FILTER_TYPE_DEFAULT);
	png_write_info(p, info);
	for (uint32_t y = 0; y < r->height; y++) {
		/* PNG grey: 0 is black; the raster: 1 is black */
		for (uint32_t i = 0; i < r->stride; i++)
			row[i] = (uint8_t)~r->bits[(size_t)y * r->stride + i];
		png_write_row(p, row);
	}
	png_write_end(p, NULL);
	rc = 0;
out:
	if (p)
		png_destroy_write_struct(&p, info ? &info : NULL);
	free(row);
	if (f && fclose(f) != 0)
		rc = -1;
	if (rc)
		fprintf(stderr, "yzf: %s: cannot write the PNG\n", path);
	return rc;
}

int png_read_raster(const char *path, uint8_t **bits, uint32_t *width,
		    uint32_t *height)
{
	png_image img;
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	*bits = NULL;
	if (!png_image_begin_read_from_file(&img, path)) {
		fprintf(stderr, "yzf: %s: not a PNG (%s)\n", path, img.message);
		return -1;
	}
	img.format = PNG_FORMAT_GRAY;
	size_t n = PNG_IMAGE_SIZE(img);
	uint8_t *grey = malloc(n);
	uint32_t stride = (img.width + 7) / 8;
	uint8_t *out = calloc((size_t)stride * img.height + 1, 1);
	if (!grey || !out ||
	    !png_image_finish_read(&img, NULL, grey, 0, NULL)) {
		fprintf(stderr, "yzf: %s: cannot read the PNG\n", path);
		png_image_free(&img);
		free(grey);
		free(out);
		return -1;
	}
	for (uint32_t y = 0; y < img.height; y++)
		for (uint32_t x = 0; x < img.width; x++)
			if (grey[(size_t)y * img.width + x] < 128)
				out[(size_t)y * stride + x / 8] |=
					(uint8_t)(0x80u >> (x % 8));
	free(grey);
	*bits = out;
	*width = img.width;
	*height = img.height;
	return 0;
}

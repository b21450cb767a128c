/* escpos.c — raster to ESC/POS and back (yzf/escpos.h). */
#include <string.h>

#include "yzf/escpos.h"

static uint32_t band_of(const struct yzf_escpos_opts *o)
{
	return o && o->band_rows ? o->band_rows : 24;
}

size_t yzf_escpos_size(const struct yzf_raster *r,
		       const struct yzf_escpos_opts *o)
{
	uint32_t b = band_of(o);
	size_t bands = (r->height + b - 1) / b;
	return 2 + bands * 8 + (size_t)r->height * r->stride +
	       (o && o->feed_lines ? 3 : 0) + (o && o->cut ? 4 : 0);
}

int yzf_escpos_encode(const struct yzf_raster *r,
		      const struct yzf_escpos_opts *o, uint8_t *out,
		      size_t cap, size_t *n)
{
	uint32_t b = band_of(o);
	if (b > 255 || r->stride > 65535 || (r->height && !r->bits))
		return YZF_EINVAL;
	if (cap < yzf_escpos_size(r, o))
		return YZF_ERANGE;
	uint8_t *q = out;
	*q++ = 0x1B;
	*q++ = '@';
	for (uint32_t y = 0; y < r->height; y += b) {
		uint32_t h = r->height - y < b ? r->height - y : b;
		*q++ = 0x1D;
		*q++ = 'v';
		*q++ = '0';
		*q++ = 0;
		*q++ = (uint8_t)(r->stride & 0xFF);
		*q++ = (uint8_t)(r->stride >> 8);
		*q++ = (uint8_t)(h & 0xFF);
		*q++ = (uint8_t)(h >> 8);
		memcpy(q, r->bits + (size_t)y * r->stride, (size_t)h * r->stride);
		q += (size_t)h * r->stride;
	}
	if (o && o->feed_lines) {
		*q++ = 0x1B;
		*q++ = 'd';
		*q++ = o->feed_lines;
	}
	if (o && o->cut) {
		*q++ = 0x1D;
		*q++ = 'V';
		*q++ = 66;
		*q++ = 0;
	}
	*n = (size_t)(q - out);
	return YZF_OK;
}

int yzf_escpos_next(const uint8_t *in, size_t n, size_t *off,
		    struct yzf_escpos_cmd *c)
{
	size_t i = *off, left = n - i;
	memset(c, 0, sizeof *c);
	if (i >= n)
		return 0;
	c->off = i;
	if (in[i] == '\n') {
		c->op = YZF_ESCPOS_FEED;
		c->lines = 1;
		*off = i + 1;
		return 1;
	}
	if (left < 2)
		return YZF_EINVAL;
	if (in[i] == 0x1B && in[i + 1] == '@') {
		c->op = YZF_ESCPOS_INIT;
		*off = i + 2;
		return 1;
	}
	if (in[i] == 0x1B && (in[i + 1] == 'd' || in[i + 1] == 'J')) {
		if (left < 3)
			return YZF_EINVAL;
		c->op = YZF_ESCPOS_FEED;
		if (in[i + 1] == 'd')
			c->lines = in[i + 2];
		else
			c->dots = in[i + 2];
		*off = i + 3;
		return 1;
	}
	if (in[i] == 0x1D && in[i + 1] == 'V') {
		/* GS V m: m 0, 1, 48, 49 alone; 65, 66 take n */
		if (left < 3)
			return YZF_EINVAL;
		uint8_t m = in[i + 2];
		c->op = YZF_ESCPOS_CUT;
		if (m == 0 || m == 1 || m == 48 || m == 49) {
			*off = i + 3;
			return 1;
		}
		if ((m == 65 || m == 66) && left >= 4) {
			*off = i + 4;
			return 1;
		}
		return YZF_EINVAL;
	}
	if (in[i] == 0x1D && in[i + 1] == 'v') {
		if (left < 8 || in[i + 2] != '0')
			return YZF_EINVAL;
		c->op = YZF_ESCPOS_RASTER;
		c->mode = in[i + 3];
		c->xbytes = in[i + 4] | (uint32_t)in[i + 5] << 8;
		c->rows = in[i + 6] | (uint32_t)in[i + 7] << 8;
		size_t need = (size_t)c->xbytes * c->rows;
		if (left - 8 < need)
			return YZF_EINVAL;
		c->data = in + i + 8;
		*off = i + 8 + need;
		return 1;
	}
	return YZF_EINVAL;
}

int yzf_escpos_parse(const uint8_t *in, size_t n, uint8_t *bits,
		     size_t cap, struct yzf_raster *r,
		     struct yzf_escpos_info *info, size_t *bad)
{
	struct yzf_escpos_info tmp;
	struct yzf_escpos_cmd c;
	size_t off = 0;
	int rc;
	if (!info)
		info = &tmp;
	memset(info, 0, sizeof *info);
	memset(r, 0, sizeof *r);
	r->bits = bits;
	while ((rc = yzf_escpos_next(in, n, &off, &c)) == 1) {
		switch (c.op) {
		case YZF_ESCPOS_INIT:
			info->inits++;
			break;
		case YZF_ESCPOS_FEED:
			info->feed_lines += c.lines;
			info->feed_dots += c.dots;
			break;
		case YZF_ESCPOS_CUT:
			info->cuts++;
			break;
		case YZF_ESCPOS_RASTER:
			if (c.mode != 0 || c.xbytes == 0 ||
			    (r->stride && c.xbytes != r->stride)) {
				if (bad)
					*bad = c.off;
				return YZF_EINVAL;
			}
			if (!r->stride) {
				r->stride = c.xbytes;
				r->width = c.xbytes * 8;
				r->cap = bits ? (uint32_t)(cap / r->stride)
					      : UINT32_MAX;
			}
			if (c.rows > r->cap - r->height) {
				if (bad)
					*bad = c.off;
				return YZF_ERANGE;
			}
			if (r->bits)
				memcpy(r->bits + (size_t)r->height * r->stride,
				       c.data, (size_t)c.rows * c.xbytes);
			r->height += c.rows;
			info->bands++;
			if (c.rows > info->band_max)
				info->band_max = c.rows;
			break;
		}
	}
	if (rc < 0 && bad)
		*bad = off;
	return rc < 0 ? rc : YZF_OK;
}

/* fuzz_nmea.c — libFuzzer target for the NMEA 0183 parser and the epoch
 * accumulator (yzf/nmea.h).
 *
 * Properties checked on every input:
 *  1. the parser reads only the n bytes it is given (ASan: the input is
 *     not NUL-terminated) and returns one of its documented codes;
 *  2. the framing check agrees with the parser: where yzf_nmea_check
 *     refuses, parse refuses with the same code; a refusal leaves the
 *     sentence of kind OTHER;
 *  3. every value of an accepted sentence is within its documented range;
 *  4. the input split into lines and fed to an accumulator only ever
 *     yields fixes whose values are in range, and a valid fix has a
 *     position and a mode of 2D or 3D.
 * Any violation aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "yzf/nmea.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool in(int64_t v, int64_t lo, int64_t hi)
{
	return v >= lo && v <= hi;
}

static bool opt(int32_t v, int64_t lo, int64_t hi)
{
	return v == YZF_FIX_ABSENT || in(v, lo, hi);
}

static void check_sentence(const struct yzf_nmea_sentence *s)
{
	switch (s->kind) {
	case YZF_NMEA_GGA: {
		const struct yzf_nmea_gga *g = &s->u.gga;
		if (!in(g->time_ms, -1, 86400999) || !in(g->quality, -1, 8) ||
		    !in(g->sats, -1, 99) || !opt(g->hdop_x100, 0, 99999) ||
		    !opt(g->alt_mm, -1000000000, 1000000000))
			abort();
		if (g->has_pos && (!in(g->lat_e7, -900000000, 900000000) ||
				   !in(g->lon_e7, -1800000000, 1800000000)))
			abort();
		break;
	}
	case YZF_NMEA_RMC: {
		const struct yzf_nmea_rmc *r = &s->u.rmc;
		if (!in(r->time_ms, -1, 86400999) ||
		    !opt(r->speed_mm_s, 0, INT32_MAX) ||
		    !opt(r->course_cdeg, 0, 35999))
			abort();
		if (r->has_date && !in(r->day, 3652, 40176)) /* 1980..2079 */
			abort();
		if (r->has_pos && (!in(r->lat_e7, -900000000, 900000000) ||
				   !in(r->lon_e7, -1800000000, 1800000000)))
			abort();
		break;
	}
	case YZF_NMEA_GSA:
		if (!in(s->u.gsa.n_sats, 0, YZF_NMEA_GSA_SATS) ||
		    !in(s->u.gsa.fix_type, -1, 3))
			abort();
		for (int i = 0; i < s->u.gsa.n_sats; i++)
			if (!in(s->u.gsa.sats[i], 1, 999))
				abort();
		break;
	case YZF_NMEA_GSV:
		if (!in(s->u.gsv.n, 0, YZF_NMEA_GSV_SATS) ||
		    s->u.gsv.msg_no > s->u.gsv.total_msgs)
			abort();
		break;
	case YZF_NMEA_GST:
		if (!in(s->u.gst.time_ms, -1, 86400999) ||
		    !opt(s->u.gst.lat_mm, 0, 1000000000) ||
		    !opt(s->u.gst.lon_mm, 0, 1000000000) ||
		    !opt(s->u.gst.orient_cdeg, 0, 36000))
			abort();
		break;
	default:
		abort();
	}
}

static void check_fix(const struct yzf_fix *f)
{
	if (f->source != YZF_FIX_SRC_GNSS_NMEA || f->mode > YZF_FIX_MODE_3D ||
	    f->time_ms < 0 || !opt(f->course_cdeg, 0, 35999) ||
	    !opt(f->accuracy_mm, 0, 1414213563) ||
	    !in(f->lat_e7, -900000000, 900000000) ||
	    !in(f->lon_e7, -1800000000, 1800000000))
		abort();
	if (f->valid && f->mode < YZF_FIX_MODE_2D)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct yzf_nmea_sentence st;
	int rc = yzf_nmea_parse(s, size, &st);
	int frame = yzf_nmea_check(s, size);
	if (rc != YZF_OK && rc != YZF_ECORRUPT && rc != YZF_EINVAL &&
	    rc != YZF_ERANGE && rc != YZF_ENOTFOUND)
		abort();
	if (frame != YZF_OK && rc != frame)
		abort();
	if (rc == YZF_OK)
		check_sentence(&st);
	else if (st.kind != YZF_NMEA_OTHER)
		abort();

	struct yzf_nmea_fix acc;
	struct yzf_fix f;
	bool ready;
	yzf_nmea_fix_init(&acc);
	for (size_t at = 0; at < size;) {
		const char *nl = memchr(s + at, '\n', size - at);
		size_t end = nl ? (size_t)(nl - s) : size;
		(void)yzf_nmea_fix_feed(&acc, s + at, end - at, &f, &ready);
		if (ready)
			check_fix(&f);
		at = end + 1;
	}
	yzf_nmea_fix_flush(&acc, &f, &ready);
	if (ready)
		check_fix(&f);
	return 0;
}

/* The terminal's fix, read through the port. The port's word is checked
 * before anything is built on it: a fix that claims to be valid must lie on
 * the globe, and a port that reports otherwise has failed. */
#include <string.h>

#include "internal.h"

void yzf_fix_clear(struct yzf_fix *f)
{
	memset(f, 0, sizeof *f);
	f->alt_mm = f->hdop_x100 = f->accuracy_mm = YZF_FIX_ABSENT;
	f->speed_mm_s = f->course_cdeg = YZF_FIX_ABSENT;
}

static bool plausible(const struct yzf_fix *f)
{
	return f->lat_e7 >= -900000000 && f->lat_e7 <= 900000000 &&
	       f->lon_e7 >= -1800000000 && f->lon_e7 <= 1800000000 &&
	       f->mode <= YZF_FIX_MODE_3D &&
	       (f->course_cdeg == YZF_FIX_ABSENT ||
		(f->course_cdeg >= 0 && f->course_cdeg < 36000));
}

int yzf_location_current(struct yzf *y, struct yzf_fix *out)
{
	int rc = yzf_location(y, out);
	if (rc)
		return rc;
	if (out->valid && !plausible(out)) {
		yzf_fix_clear(out);
		return yzf_fail(y, YZF_EPORT, "port: location device gave a "
				"fix off the globe");
	}
	return YZF_OK;
}

int yzf_location_age(struct yzf *y, const struct yzf_fix *f, int64_t *age_ms)
{
	int64_t now;
	if (f->source == YZF_FIX_SRC_NONE)
		return yzf_fail(y, YZF_EINVAL, "location: no fix to age");
	int rc = yzf_mono(y, &now);
	if (rc == YZF_OK)
		*age_ms = now - f->mono_ms;
	return rc;
}

/* Clocks: CLOCK_REALTIME for wall time, CLOCK_BOOTTIME for the monotonic
 * counter (it keeps counting through suspend, as a handheld's day does). */
#include <time.h>

#include "yzf_port_linux.h"

int yzf_linux_clock_wall(void *ctx, int64_t *ms, int32_t *tz_min)
{
	struct timespec ts;
	struct tm tm;
	(void)ctx;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return YZF_EPORT;
	*ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	time_t t = ts.tv_sec;
	if (!localtime_r(&t, &tm))
		return YZF_EPORT;
	*tz_min = (int32_t)(tm.tm_gmtoff / 60);
	return YZF_OK;
}

int yzf_linux_clock_mono(void *ctx, int64_t *ms)
{
	struct timespec ts;
	(void)ctx;
	if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0)
		return YZF_EPORT;
	*ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	return YZF_OK;
}

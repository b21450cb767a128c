/* A settable clock in Beijing time. */
#include <time.h>

#include "sim.h"

int64_t sim_real_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int sim_clock_wall(void *ctx, int64_t *ms, int32_t *tz_min)
{
	struct sim_port *p = ctx;
	*tz_min = 480;
	if (p->base_ms == 0) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		*ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		return YZF_OK;
	}
	*ms = p->base_ms + (p->o.frozen ? 0 : sim_real_mono() - p->real_base);
	return YZF_OK;
}

int sim_clock_mono(void *ctx, int64_t *ms)
{
	struct sim_port *p = ctx;
	*ms = p->o.frozen ? ++p->frozen_mono : sim_real_mono();
	return YZF_OK;
}

/* The location device: an NMEA log replayed against the sim clock. The
 * log is read and folded into fixes once, when the port is made; the fix
 * the device reports is the last one whose offset from the log's first
 * dated fix has elapsed on the sim clock since the replay began. So a test
 * that jumps the clock jumps the receiver with it, and past the log's end
 * the last fix stays and grows stale, as a receiver that lost the sky. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yzf/nmea.h>

#include "sim.h"

/* Keep a fix the accumulator handed out, if it is dated: only a dated fix
 * can be placed on the clock. */
static int keep(struct sim_port *p, const struct yzf_fix *fix, size_t *cap)
{
	if (fix->time_ms <= 0)
		return 0;
	if (p->gps_n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 64;
		void *m = realloc(p->gps, ncap * sizeof *fix);
		if (!m)
			return -1;
		p->gps = m;
		*cap = ncap;
	}
	p->gps[p->gps_n++] = *fix;
	return 0;
}

static int load(struct sim_port *p, const char *text, size_t len)
{
	struct yzf_nmea_fix acc;
	struct yzf_fix fix;
	bool ready;
	size_t cap = 0;
	yzf_nmea_fix_init(&acc);
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - text) : len;
		if (yzf_nmea_fix_feed(&acc, text + at, end - at, &fix,
				      &ready) == YZF_OK &&
		    ready && keep(p, &fix, &cap) != 0)
			return -1;
		at = end + 1;
	}
	yzf_nmea_fix_flush(&acc, &fix, &ready);
	return ready ? keep(p, &fix, &cap) : 0;
}

int sim_gps_open(struct sim_port *p, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char *text = NULL;
	size_t len = 0, cap = 0;
	int rc = 0;
	for (;;) {
		if (len == cap) {
			cap = cap ? 2 * cap : 65536;
			char *m = realloc(text, cap);
			if (!m) {
				rc = -1;
				break;
			}
			text = m;
		}
		size_t got = fread(text + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		rc = -1;
	fclose(f);
	if (rc == 0)
		rc = load(p, text, len);
	free(text);
	if (rc == 0 && p->gps_n == 0) {
		errno = EINVAL; /* not a log with a dated fix */
		rc = -1;
	}
	return rc;
}

int sim_location(void *ctx, struct yzf_fix *out)
{
	struct sim_port *p = ctx;
	int64_t now, mono;
	int32_t tz;
	if (p->o.fail_gps_at > 0 && ++p->gps_calls == p->o.fail_gps_at)
		return YZF_EPORT;
	sim_clock_wall(p, &now, &tz);
	int64_t elapsed = now - p->gps_start_ms, t0 = p->gps[0].time_ms;
	if (elapsed < 0)
		return YZF_ENOTFOUND;
	size_t i = 0;
	while (i + 1 < p->gps_n && p->gps[i + 1].time_ms - t0 <= elapsed)
		i++;
	*out = p->gps[i];
	out->source = YZF_FIX_SRC_SIM;
	out->time_ms = p->gps_start_ms + (out->time_ms - t0);
	sim_clock_mono(p, &mono);
	out->mono_ms = mono - (now - out->time_ms);
	return YZF_OK;
}

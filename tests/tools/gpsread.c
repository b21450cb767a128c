/* gpsread — read fixes through the Linux port's location device
 * (ports/linux/gps.c), as a terminal would, for tests/gpsd/gpsd.sh.
 *
 *   gpsread SPEC SECONDS [TIME_MS LAT_E7 LON_E7]
 *
 * SPEC is a YZF_GPS value (gpsd://127.0.0.1:PORT, a device or a file).
 * Prints each new fix as "time_ms lat_e7 lon_e7 alt_mm mode valid source
 * sats" until SECONDS have passed. With a wanted fix, stops as soon as a
 * fix of TIME_MS arrives: exit 0 if its position is LAT_E7, LON_E7 (within
 * one unit), 1 if not; 3 if no such fix came in time. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <yzf/location.h>

#include "yzf_port_linux.h"

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long absdiff(long long a, long long b)
{
	return a > b ? a - b : b - a;
}

int main(int argc, char **argv)
{
	struct yzf_linux_gps *gps;
	struct yzf_fix f, prev = { 0 };
	if (argc != 3 && argc != 6) {
		fprintf(stderr, "usage: gpsread SPEC SECONDS "
			"[TIME_MS LAT_E7 LON_E7]\n");
		return 2;
	}
	if (yzf_linux_gps_create(argv[1], &gps) != YZF_OK) {
		fprintf(stderr, "gpsread: bad location spec %s\n", argv[1]);
		return 2;
	}
	int64_t end = now_ms() + atol(argv[2]) * 1000;
	long long want = argc == 6 ? atoll(argv[3]) : 0;
	int rc = argc == 6 ? 3 : 0, last = YZF_OK;
	while (now_ms() < end) {
		int r = yzf_linux_gps_location(gps, &f);
		if (r != last)
			fprintf(stderr, "gpsread: %s\n", yzf_strerror(r));
		last = r;
		if (r == YZF_OK && (f.time_ms != prev.time_ms ||
				    f.mono_ms != prev.mono_ms)) {
			printf("%lld %d %d %d %d %d %d %d\n", (long long)f.time_ms,
			       f.lat_e7, f.lon_e7, f.alt_mm, f.mode, f.valid,
			       f.source, f.sats_used);
			fflush(stdout);
			prev = f;
			if (want && f.time_ms == want) {
				rc = absdiff(f.lat_e7, atoll(argv[4])) <= 1 &&
					     absdiff(f.lon_e7, atoll(argv[5])) <= 1
				     ? 0 : 1;
				break;
			}
		}
		struct timespec ts = { 0, 50 * 1000000L };
		nanosleep(&ts, NULL);
	}
	yzf_linux_gps_destroy(gps);
	return rc;
}

/* yzf/location.h — the terminal's position, as the rest of the system sees it.
 *
 * A struct yzf_fix is one position report: where, when, how good, and from
 * what. Ports fill it (from gpsd, from an NMEA receiver through
 * yzf/nmea.h, or from a replayed log in the sim), the core reads it through
 * the port's `location` member (yzf/port.h) and records carry it. Integers
 * only: degrees in units of 1e-7, lengths in millimetres, times in
 * milliseconds, so a fix is the same bytes on every platform.
 *
 * The age of a fix is not stored: it changes by the second. A consumer
 * computes it as (its own monotonic clock now) - mono_ms, which a jump of
 * the wall clock does not disturb.
 *
 * Ownership: plain values, no pointers; callers own the struct.
 * Threading: yzf_location_current is used like every call on a struct yzf
 * (one thread at a time).
 */
#ifndef YZF_LOCATION_H
#define YZF_LOCATION_H

#include <stdbool.h>
#include <stdint.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A value the source did not give (altitude, HDOP, accuracy, speed,
 * course). */
#define YZF_FIX_ABSENT INT32_MIN

/* Where a fix came from. */
enum yzf_fix_source {
	YZF_FIX_SRC_NONE = 0,      /* no fix: the struct is empty */
	YZF_FIX_SRC_GNSS_NMEA = 1, /* a receiver's NMEA 0183, parsed here */
	YZF_FIX_SRC_GPSD = 2,      /* gpsd's report (TPV) */
	YZF_FIX_SRC_SIM = 3,       /* the sim port's replayed log */
};

/* What kind of solution the receiver had (gpsd's numbering). */
enum yzf_fix_mode {
	YZF_FIX_MODE_UNKNOWN = 0, /* not reported */
	YZF_FIX_MODE_NONE = 1,    /* receiver reports no fix */
	YZF_FIX_MODE_2D = 2,      /* latitude and longitude only */
	YZF_FIX_MODE_3D = 3,      /* with altitude */
};

/* Constellations used for the fix (bits of struct yzf_fix.systems). The
 * NMEA talker says which: GP GPS, GL GLONASS, GA Galileo, BD or GB BeiDou,
 * GQ QZSS, GI NavIC; GN (combined) is resolved per satellite. */
#define YZF_GNSS_GPS (1u << 0)
#define YZF_GNSS_GLONASS (1u << 1)
#define YZF_GNSS_GALILEO (1u << 2)
#define YZF_GNSS_BEIDOU (1u << 3)
#define YZF_GNSS_QZSS (1u << 4)
#define YZF_GNSS_NAVIC (1u << 5)
#define YZF_GNSS_OTHER (1u << 7) /* a talker or satellite number not known */

struct yzf_fix {
	uint8_t source;   /* enum yzf_fix_source */
	uint8_t mode;     /* enum yzf_fix_mode */
	uint8_t quality;  /* NMEA GGA quality: 0 invalid, 1 GNSS, 2 DGNSS,
			   * 4 RTK fixed, 5 RTK float, 6 dead reckoning ... */
	uint8_t sats_used;
	uint16_t systems; /* YZF_GNSS_* bits; 0 if not known */
	/* The position is usable: the receiver said so (RMC status A, GGA
	 * quality > 0, or gpsd mode 2D/3D) and latitude and longitude are
	 * present and in range. An invalid fix may still carry a time. */
	bool valid;
	int64_t time_ms;  /* UTC ms since the Unix epoch of the fix, as the
			   * receiver gave it; 0 when it gave no date */
	int64_t mono_ms;  /* the port's monotonic clock (yzf/port.h
			   * clock_mono) when the port received the fix */
	int32_t lat_e7;   /* latitude, 1e-7 degrees, north positive */
	int32_t lon_e7;   /* longitude, 1e-7 degrees, east positive */
	int32_t alt_mm;   /* altitude above mean sea level, mm */
	int32_t hdop_x100;   /* horizontal dilution of precision x 100 */
	int32_t accuracy_mm; /* horizontal error the source reported, mm:
			      * gpsd's eph (about 95 %), or from NMEA GST
			      * the 1-sigma latitude and longitude errors
			      * combined */
	int32_t speed_mm_s;  /* speed over ground, mm/s */
	int32_t course_cdeg; /* course over ground, 0.01 degree from true
			      * north, 0..35999 */
};

/* Empty a fix: source NONE, not valid, every optional value absent. */
YZF_API void yzf_fix_clear(struct yzf_fix *f);

struct yzf;

/* The terminal's newest fix, from the port's location device. Returns
 * YZF_OK with *out filled (which may still be !valid: a receiver without
 * a solution), YZF_ENOTFOUND when the port has no location device or no fix
 * has arrived yet, YZF_EPORT when the device failed; on failure *out is
 * cleared and yzf_errmsg(y) says why. Never blocks longer than the port
 * allows (ports say how long in their header). */
YZF_API int yzf_location_current(struct yzf *y, struct yzf_fix *out);

/* How old fix f is now, in ms, by the port's monotonic clock (so a jump of
 * the wall clock changes nothing): now - f->mono_ms. YZF_EINVAL for a fix
 * of source NONE; YZF_EPORT if the clock failed. */
YZF_API int yzf_location_age(struct yzf *y, const struct yzf_fix *f,
			     int64_t *age_ms);

#ifdef __cplusplus
}
#endif
#endif

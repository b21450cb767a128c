/* yzf/config.h — compile-time limits, each overridable with -D. */
#ifndef YZF_CONFIG_H
#define YZF_CONFIG_H

#ifndef YZF_MAX_RECORD_BYTES
#define YZF_MAX_RECORD_BYTES 65536 /* bytes of one canonical record envelope */
#endif
#ifndef YZF_MAX_CERT_BYTES
#define YZF_MAX_CERT_BYTES 4096 /* bytes of one canonical certificate */
#endif
#ifndef YZF_MAX_OFFICERS
#define YZF_MAX_OFFICERS 16 /* officers enrolled on one terminal */
#endif
#ifndef YZF_MAX_BATCH
#define YZF_MAX_BATCH 10000 /* records in one append transaction */
#endif
#ifndef YZF_MAX_REFSETS
#define YZF_MAX_REFSETS 64 /* reference data sets one index names */
#endif
#ifndef YZF_MAX_CALENDAR_NAME
#define YZF_MAX_CALENDAR_NAME 64 /* bytes of a calendar day's name, NUL incl. */
#endif
#ifndef YZF_MAX_CALENDAR_SPAN
#define YZF_MAX_CALENDAR_SPAN 36600 /* days one calendar count may walk */
#endif
#ifndef YZF_DEFAULT_MAX_PIN_FAILURES
#define YZF_DEFAULT_MAX_PIN_FAILURES 5
#endif
#ifndef YZF_DEFAULT_SESSION_TTL_MS
#define YZF_DEFAULT_SESSION_TTL_MS (12LL * 3600 * 1000) /* one shift */
#endif
#ifndef YZF_MAX_NMEA_BYTES
/* bytes of one NMEA sentence, '$' to checksum: the standard says 82, but
 * survey receivers send more digits and newer versions more fields */
#define YZF_MAX_NMEA_BYTES 164
#endif

/* The location lock (yzf/loclock.h): the bounds a record's fix is judged
 * by. */
#ifndef YZF_LOC_MAX_AGE_MS
#define YZF_LOC_MAX_AGE_MS 30000 /* a fix older than this is stale */
#endif
#ifndef YZF_LOC_MAX_ACC_CM
#define YZF_LOC_MAX_ACC_CM 5000 /* 50 m: coarser is not the site */
#endif
#ifndef YZF_LOC_MAX_SPEED_MM_S
#define YZF_LOC_MAX_SPEED_MM_S 55556 /* 200 km/h between two records */
#endif

#endif

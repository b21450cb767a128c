/* yzf/nmea.h — NMEA 0183 sentences from a GNSS receiver, and the fix they
 * add up to.
 *
 * Two layers. yzf_nmea_parse reads one sentence (GGA, RMC, GSA, GSV, GST)
 * into a caller's struct; yzf_nmea_fix_add folds the sentences of one epoch (one
 * measurement, usually once a second) into a struct yzf_fix (yzf/location.h).
 * Nothing allocates, nothing reads a clock, no floating point: degrees in
 * 1e-7, lengths in mm, times in ms, DOPs x 100, all rounded half away from
 * zero from the decimal text. Receivers from China report BeiDou with the BD
 * talker (the national standard) or GB (NMEA 4.11); both are BeiDou here.
 *
 * Ownership: all structs are the caller's; parse keeps no pointer into the
 * input. Threading: no shared state; one accumulator per receiver stream.
 *
 * What the parser refuses, and with which code:
 *   YZF_ECORRUPT   no "*hh" checksum, or it does not match the bytes (a
 *                  sentence without a checksum is refused: a serial line
 *                  corrupts bytes and only the checksum tells);
 *   YZF_EINVAL     not a sentence (no '$', a control byte, a bad address
 *                  field), or a field of a known type that is not what the
 *                  standard says (letters in a number, minutes >= 60, a
 *                  latitude over 90, a month 13, too few fields);
 *   YZF_ERANGE     longer than YZF_MAX_NMEA_BYTES, more than
 *                  YZF_NMEA_MAX_FIELDS fields, or a number too long to hold;
 *   YZF_ENOTFOUND  a well-formed sentence with a good checksum of a type not
 *                  parsed here (GNS, VTG, ZDA, TXT, proprietary $P...): the
 *                  caller skips it. out->kind is YZF_NMEA_OTHER and
 *                  out->talker / out->type name it.
 * Empty fields are not errors: NMEA leaves a field empty when the receiver
 * has no value, so each absent value reads YZF_FIX_ABSENT (or the flag
 * beside it says so).
 */
#ifndef YZF_NMEA_H
#define YZF_NMEA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "error.h"
#include "location.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Data fields of one sentence parse looks at (GSV has 20, GSA 18). */
#define YZF_NMEA_MAX_FIELDS 32

enum yzf_nmea_kind {
	YZF_NMEA_OTHER = 0, /* a type this parser does not read */
	YZF_NMEA_GGA,       /* fix data: time, position, quality, altitude */
	YZF_NMEA_RMC,       /* minimum data: time, date, status, speed, course */
	YZF_NMEA_GSA,       /* DOPs and satellites used */
	YZF_NMEA_GSV,       /* satellites in view */
	YZF_NMEA_GST,       /* the receiver's error estimates */
};

/* The talker: who sent the sentence. */
enum yzf_nmea_talker {
	YZF_TALKER_OTHER = 0, /* any other talker, including proprietary */
	YZF_TALKER_GP,        /* GPS */
	YZF_TALKER_GL,        /* GLONASS */
	YZF_TALKER_GA,        /* Galileo */
	YZF_TALKER_BD,        /* BeiDou, talker BD or GB */
	YZF_TALKER_GQ,        /* QZSS (also QZ) */
	YZF_TALKER_GI,        /* NavIC */
	YZF_TALKER_GN,        /* combined GNSS */
};

struct yzf_nmea_gga {
	int32_t time_ms;   /* ms since UTC midnight, or -1 */
	bool has_pos;
	int32_t lat_e7, lon_e7;
	int quality;       /* 0..8, or -1 if empty */
	int sats;          /* satellites used, or -1 */
	int32_t hdop_x100; /* or YZF_FIX_ABSENT */
	int32_t alt_mm;    /* above mean sea level, or YZF_FIX_ABSENT */
	int32_t geoid_mm;  /* geoid above the ellipsoid, or YZF_FIX_ABSENT */
};

struct yzf_nmea_rmc {
	int32_t time_ms;   /* ms since UTC midnight, or -1 */
	bool valid;        /* status 'A'; 'V' and empty are not valid */
	bool has_pos;
	int32_t lat_e7, lon_e7;
	int32_t speed_mm_s;  /* from knots, or YZF_FIX_ABSENT */
	int32_t course_cdeg; /* or YZF_FIX_ABSENT */
	bool has_date;
	int64_t day;       /* days since 1970-01-01; two-digit years 80..99
			    * are 1980..1999, 00..79 are 2000..2079 */
	char faa_mode;     /* NMEA 2.3 mode: 'A', 'D', 'E', 'N' ...; 0 absent */
};

#define YZF_NMEA_GSA_SATS 12
struct yzf_nmea_gsa {
	char op_mode;      /* 'A' automatic, 'M' manual, 0 empty */
	int fix_type;      /* 1 none, 2 2D, 3 3D, or -1 */
	int n_sats;        /* satellite numbers listed, 0..12 */
	int sats[YZF_NMEA_GSA_SATS];
	int32_t pdop_x100, hdop_x100, vdop_x100; /* or YZF_FIX_ABSENT */
	int system_id;     /* NMEA 4.10 GNSS system id (1 GPS, 2 GLONASS,
			    * 3 Galileo, 4 BeiDou, 5 QZSS, 6 NavIC), or -1 */
};

#define YZF_NMEA_GSV_SATS 4
struct yzf_nmea_gsv {
	int total_msgs, msg_no; /* this is message msg_no of total_msgs */
	int in_view;            /* satellites in view, all messages */
	int n;                  /* satellites in this message, 0..4 */
	struct {
		int prn;
		int elevation;  /* degrees, or -1 */
		int azimuth;    /* degrees, or -1 */
		int snr;        /* dB-Hz, or -1 (not tracked) */
	} sv[YZF_NMEA_GSV_SATS];
};

/* Standard deviations the receiver estimates (1 sigma), mm; each
 * YZF_FIX_ABSENT when empty. */
struct yzf_nmea_gst {
	int32_t time_ms;     /* ms since UTC midnight, or -1 */
	int32_t rms_mm;      /* of the range inputs */
	int32_t major_mm, minor_mm; /* error ellipse semi-axes */
	int32_t orient_cdeg; /* of the semi-major axis from true north */
	int32_t lat_mm, lon_mm, alt_mm;
};

struct yzf_nmea_sentence {
	int kind;          /* enum yzf_nmea_kind */
	int talker;        /* enum yzf_nmea_talker */
	char talker_id[3]; /* as sent, e.g. "GB"; "P" for proprietary */
	char type[8];      /* as sent, e.g. "GSV", "SRFEPE" */
	union {
		struct yzf_nmea_gga gga;
		struct yzf_nmea_rmc rmc;
		struct yzf_nmea_gsa gsa;
		struct yzf_nmea_gsv gsv;
		struct yzf_nmea_gst gst;
	} u;
};

/* Parse one sentence: s[0..n) from '$' to the checksum, a trailing CR
 * and/or LF allowed (leading spaces too, as some receivers send them), no
 * NUL needed. Returns YZF_OK with *out filled, or a code above; *out is
 * zeroed first, so on a refusal its kind is YZF_NMEA_OTHER. */
YZF_API YZF_NODISCARD int yzf_nmea_parse(const char *s, size_t n,
					 struct yzf_nmea_sentence *out);

/* Only the framing and checksum of s[0..n) (as parse checks them): YZF_OK,
 * YZF_ECORRUPT, YZF_EINVAL or YZF_ERANGE. */
YZF_API YZF_NODISCARD int yzf_nmea_check(const char *s, size_t n);

/* The epoch accumulator. GGA and RMC carry the epoch's time of day and
 * start a new epoch when it changes; GSA, GSV and GST join the epoch being
 * built (GST's latitude and longitude errors give the fix's accuracy_mm,
 * their root sum of squares: 1 sigma). A fix is complete when the epoch
 * has both its GGA and its RMC, or when the next epoch begins (a receiver
 * that sends only one of the two), or on yzf_nmea_fix_flush at the end of
 * a stream. RMC's date dates every later epoch until the next RMC, across
 * midnight. A GSA or GST that comes after its epoch completed counts for
 * the next one (DOPs, satellites and error estimates change slowly).
 * Fields are private. */
struct yzf_nmea_fix {
	int32_t tod_ms;      /* time of day of the epoch being built, or -1 */
	int32_t done_tod_ms; /* that of the last epoch handed out, or -1 */
	bool have_day;
	int64_t day;         /* date of the last RMC */
	int32_t day_tod_ms;  /* the time of day that date came with */
	unsigned seen;       /* kinds folded into the epoch (bits) */
	int gsa_sats;        /* satellites listed by this epoch's GSAs */
	int gsa_fix;         /* the best GSA fix type of the epoch, or -1 */
	int32_t gst_mm;      /* GST's horizontal error, or YZF_FIX_ABSENT */
	bool gga_valid, rmc_valid, has_pos;
	struct yzf_fix fix;  /* being built */
};

/* Start an accumulator: no epoch, no date. */
YZF_API void yzf_nmea_fix_init(struct yzf_nmea_fix *acc);

/* Fold sentence s (a YZF_OK result of yzf_nmea_parse). When a fix is
 * complete it is copied to *out (source YZF_FIX_SRC_GNSS_NMEA, mono_ms 0:
 * the caller stamps it) and *ready is true; else *ready is false and *out is
 * untouched. Returns YZF_OK, or YZF_EINVAL if s is of kind OTHER. */
YZF_API int yzf_nmea_fix_add(struct yzf_nmea_fix *acc,
			     const struct yzf_nmea_sentence *s,
			     struct yzf_fix *out, bool *ready);

/* yzf_nmea_parse s[0..n) and fold the sentence when it parsed: a reader's
 * loop in one call. Returns parse's code (YZF_ENOTFOUND for a type that is
 * skipped); *ready and *out as for add, *ready false on any refusal. */
YZF_API int yzf_nmea_fix_feed(struct yzf_nmea_fix *acc, const char *s,
			      size_t n, struct yzf_fix *out, bool *ready);

/* Complete the epoch being built, if it has a GGA or an RMC: *out and
 * *ready as for add. Call at the end of a log. */
YZF_API void yzf_nmea_fix_flush(struct yzf_nmea_fix *acc, struct yzf_fix *out,
				bool *ready);

#ifdef __cplusplus
}
#endif
#endif

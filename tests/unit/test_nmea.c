/* NMEA 0183 (yzf/nmea.h) and the location path (yzf/location.h):
 *  - tables of good sentences (GGA, RMC, GSA, GSV, GST) with every value
 *    they carry, and of bad ones with the code each must get (checksum,
 *    framing, fields, overflow);
 *  - the epoch accumulator: completion, dates across midnight, a receiver
 *    that sends RMC only, GSAs before and after their epoch, GST's error
 *    estimate;
 *  - real receiver captures from gpsd's regression tests (argv[1] is
 *    tests/data/nmea, see its README.md): every sentence of a capture
 *    parses or is a skipped type, and the fixes agree with the TPV reports
 *    gpsd made from the same bytes (time to the ms, latitude and longitude
 *    to 1e-7 degree, altitude to the mm, mode, speed to 1 mm/s);
 *  - a damaged capture, line by line;
 *  - the sim port replaying a capture on its clock, through
 *    yzf_location_current.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "yzf/nmea.h"
#include "yzf/yzf.h"
#include "yzf_port_sim.h"

static const char *datadir;

/* ---- single sentences -------------------------------------------------- */

static int parse(const char *s, struct yzf_nmea_sentence *st)
{
	return yzf_nmea_parse(s, strlen(s), st);
}

static void test_gga(void)
{
	struct yzf_nmea_sentence st;
	CHECK_EQ_INT(parse("$GPGGA,030719.000,3747.0873,S,17518.8938,E,1,08,"
			   "1.1,59.9,M,23.7,M,,0000*7D\r\n", &st), YZF_OK);
	CHECK_EQ_INT(st.kind, YZF_NMEA_GGA);
	CHECK_EQ_INT(st.talker, YZF_TALKER_GP);
	CHECK_STR(st.talker_id, "GP");
	CHECK_STR(st.type, "GGA");
	CHECK_EQ_INT(st.u.gga.time_ms, ((3 * 60 + 7) * 60 + 19) * 1000);
	CHECK(st.u.gga.has_pos);
	/* 37 deg 47.0873 min = 37.784788333.. deg */
	CHECK_EQ_INT(st.u.gga.lat_e7, -377847883);
	CHECK_EQ_INT(st.u.gga.lon_e7, 1753148967);
	CHECK_EQ_INT(st.u.gga.quality, 1);
	CHECK_EQ_INT(st.u.gga.sats, 8);
	CHECK_EQ_INT(st.u.gga.hdop_x100, 110);
	CHECK_EQ_INT(st.u.gga.alt_mm, 59900);
	CHECK_EQ_INT(st.u.gga.geoid_mm, 23700);

	/* No fix yet: empty fields are absent, not errors. */
	CHECK_EQ_INT(parse("$GPGGA,053229.438,,,,,0,00,,,M,0.0,M,,0000*56", &st),
		     YZF_OK);
	CHECK(!st.u.gga.has_pos);
	CHECK_EQ_INT(st.u.gga.quality, 0);
	CHECK_EQ_INT(st.u.gga.hdop_x100, YZF_FIX_ABSENT);
	CHECK_EQ_INT(st.u.gga.alt_mm, YZF_FIX_ABSENT);

	/* Survey digits: 41 deg 34.49821229 min, 93 deg 45.03351845 min W;
	 * negative separation; RTK. */
	CHECK_EQ_INT(parse("$GPGGA,132820.60,4134.49821229,N,09345.03351845,W,"
			   "2,09,1.0,278.020,M,-31.442,M,7.6,0133*7E", &st),
		     YZF_OK);
	CHECK_EQ_INT(st.u.gga.time_ms, ((13 * 60 + 28) * 60 + 20) * 1000 + 600);
	CHECK_EQ_INT(st.u.gga.lat_e7, 415749702);
	CHECK_EQ_INT(st.u.gga.lon_e7, -937505586);
	CHECK_EQ_INT(st.u.gga.geoid_mm, -31442);
	CHECK_EQ_INT(st.u.gga.quality, 2);
}

static void test_rmc(void)
{
	struct yzf_nmea_sentence st;
	CHECK_EQ_INT(parse("$GNRMC,053233.438,A,3114.8821,N,12135.2428,E,0.07,"
			   "167.42,020315,,,A*73", &st), YZF_OK);
	CHECK_EQ_INT(st.kind, YZF_NMEA_RMC);
	CHECK_EQ_INT(st.talker, YZF_TALKER_GN);
	CHECK(st.u.rmc.valid);
	CHECK_EQ_INT(st.u.rmc.lat_e7, 312480350);
	CHECK_EQ_INT(st.u.rmc.lon_e7, 1215873800);
	/* 0.07 knot = 36.01 mm/s */
	CHECK_EQ_INT(st.u.rmc.speed_mm_s, 36);
	CHECK_EQ_INT(st.u.rmc.course_cdeg, 16742);
	CHECK(st.u.rmc.has_date);
	CHECK_EQ_INT(st.u.rmc.day, 16496); /* 2015-03-02 */
	CHECK_EQ_INT(st.u.rmc.faa_mode, 'A');

	CHECK_EQ_INT(parse("$GNRMC,053229.438,V,,,,,,,020315,,,N*56", &st),
		     YZF_OK);
	CHECK(!st.u.rmc.valid);
	CHECK(!st.u.rmc.has_pos);
	CHECK_EQ_INT(st.u.rmc.speed_mm_s, YZF_FIX_ABSENT);

	/* NMEA 4.10 adds a navigational status field; 360.00 is north. */
	CHECK_EQ_INT(parse("$GNRMC,055234.000,A,4739.71890,N,12219.58362,W,0.00,"
			   "286.35,050826,,,A,V*13", &st), YZF_OK);
	CHECK_EQ_INT(st.u.rmc.day, 20670); /* 2026-08-05 */
	CHECK_EQ_INT(st.u.rmc.speed_mm_s, 0);
}

static void test_gsa_gsv(void)
{
	struct yzf_nmea_sentence st;
	CHECK_EQ_INT(parse("$GNGSA,A,3,22,18,14,12,31,24,,,,,,,2.5,1.2,2.2*23",
			   &st), YZF_OK);
	CHECK_EQ_INT(st.kind, YZF_NMEA_GSA);
	CHECK_EQ_INT(st.u.gsa.op_mode, 'A');
	CHECK_EQ_INT(st.u.gsa.fix_type, 3);
	CHECK_EQ_INT(st.u.gsa.n_sats, 6);
	CHECK_EQ_INT(st.u.gsa.sats[0], 22);
	CHECK_EQ_INT(st.u.gsa.sats[5], 24);
	CHECK_EQ_INT(st.u.gsa.pdop_x100, 250);
	CHECK_EQ_INT(st.u.gsa.hdop_x100, 120);
	CHECK_EQ_INT(st.u.gsa.vdop_x100, 220);
	CHECK_EQ_INT(st.u.gsa.system_id, -1);
	/* BD talker, and a DOP where NMEA 4.10 puts the system id. */
	CHECK_EQ_INT(parse("$BDGSA,A,3,02,03,04,,,,,,,,,,5.1,1.3,4.9,3.3*2F", &st),
		     YZF_OK);
	CHECK_EQ_INT(st.talker, YZF_TALKER_BD);
	CHECK_EQ_INT(st.u.gsa.n_sats, 3);
	CHECK_EQ_INT(st.u.gsa.system_id, -1);
	CHECK_EQ_INT(parse("$GNGSA,A,3,13,27,37,,,,,,,,,,1.5,0.9,1.2,4*39", &st),
		     YZF_OK);
	CHECK_EQ_INT(st.u.gsa.system_id, 4);

	CHECK_EQ_INT(parse("$GBGSV,2,2,05,209,07,033,*62", &st), YZF_OK);
	CHECK_EQ_INT(st.kind, YZF_NMEA_GSV);
	CHECK_EQ_INT(st.talker, YZF_TALKER_BD);
	CHECK_STR(st.talker_id, "GB");
	CHECK_EQ_INT(st.u.gsv.total_msgs, 2);
	CHECK_EQ_INT(st.u.gsv.msg_no, 2);
	CHECK_EQ_INT(st.u.gsv.in_view, 5);
	CHECK_EQ_INT(st.u.gsv.n, 1);
	CHECK_EQ_INT(st.u.gsv.sv[0].prn, 209);
	CHECK_EQ_INT(st.u.gsv.sv[0].elevation, 7);
	CHECK_EQ_INT(st.u.gsv.sv[0].azimuth, 33);
	CHECK_EQ_INT(st.u.gsv.sv[0].snr, -1);
	/* NMEA 4.10 signal id after the satellites; an empty elevation. */
	CHECK_EQ_INT(parse("$GPGSV,3,1,12,01,17,083,03,02,20,056,27,07,18,123,25,"
			   "08,,,15,0*58", &st), YZF_OK);
	CHECK_EQ_INT(st.u.gsv.n, 4);
	CHECK_EQ_INT(st.u.gsv.sv[3].elevation, -1);
	CHECK_EQ_INT(st.u.gsv.sv[3].snr, 15);
	CHECK_EQ_INT(parse("$GLGSV,3,3,10,71,23,216,,72,43,277,,0*7A", &st),
		     YZF_OK);
	CHECK_EQ_INT(st.talker, YZF_TALKER_GL);
	CHECK_EQ_INT(st.u.gsv.n, 2);
}

static void test_gst(void)
{
	struct yzf_nmea_sentence st;
	/* The example of the NMEA 0183 GST description. */
	CHECK_EQ_INT(parse("$GPGST,172814.0,0.006,0.023,0.020,273.6,0.023,0.020,"
			   "0.031*6A", &st), YZF_OK);
	CHECK_EQ_INT(st.kind, YZF_NMEA_GST);
	CHECK_EQ_INT(st.u.gst.time_ms, ((17 * 60 + 28) * 60 + 14) * 1000);
	CHECK_EQ_INT(st.u.gst.rms_mm, 6);
	CHECK_EQ_INT(st.u.gst.major_mm, 23);
	CHECK_EQ_INT(st.u.gst.minor_mm, 20);
	CHECK_EQ_INT(st.u.gst.orient_cdeg, 27360);
	CHECK_EQ_INT(st.u.gst.lat_mm, 23);
	CHECK_EQ_INT(st.u.gst.lon_mm, 20);
	CHECK_EQ_INT(st.u.gst.alt_mm, 31);
	CHECK_EQ_INT(parse("$GNGST,055234.000,,,,,,,*52", &st), YZF_OK);
	CHECK_EQ_INT(st.u.gst.lat_mm, YZF_FIX_ABSENT);
}

/* A sentence with its checksum computed here, for bad field contents that
 * must be refused for what they are, not for their checksum. */
static const char *sum(const char *body)
{
	static char buf[512];
	unsigned c = 0;
	for (const char *p = body; *p; p++)
		c ^= (unsigned char)*p;
	snprintf(buf, sizeof buf, "$%s*%02X", body, c);
	return buf;
}

static void test_bad(void)
{
	static const struct {
		const char *s;
		int rc;
		bool raw; /* s is the whole sentence, else sum() it */
	} t[] = {
		/* checksums */
		{ "$GPGGA,030719.000,3747.0873,S,17518.8938,E,1,08,1.1,59.9,M,"
		  "23.7,M,,0000*7E", YZF_ECORRUPT, true },
		{ "$GPGGA,030719.000,3747.0873,S,17518.8938,E,1,08,1.1,59.9,M,"
		  "23.7,M,,0000", YZF_ECORRUPT, true },
		{ "$GPGGA,030719.000,3747.0873,S,17518.8938,E,1,08,1.1,59.9,M,"
		  "23.7,M,,0000*7", YZF_ECORRUPT, true },
		{ "$GPGGA,030719.000,3747.0873,S,17518.8938,E,1,08,1.1,59.9,M,"
		  "23.7,M,,0000*ZZ", YZF_ECORRUPT, true },
		{ "$GPGGA,030719.000,3747.0873,S,17518.8938,E,1,08,1.1,59.9,M,"
		  "23.7,M,,0000*7D7D", YZF_EINVAL, true },
		{ "$GPGGA,030719.000,3747.08", YZF_ECORRUPT, true },
		/* framing */
		{ "", YZF_EINVAL, true },
		{ "\r\n", YZF_EINVAL, true },
		{ "$", YZF_ECORRUPT, true },
		{ "*00", YZF_EINVAL, true },
		{ "GPGGA,030719.000*00", YZF_EINVAL, true },
		{ "x$GPGGA,030719.000*00", YZF_EINVAL, true },
		{ "$GP\x01GA,1*00", YZF_EINVAL, true },
		{ "$GP\xc3GA,1*00", YZF_EINVAL, true },
		{ "$GPGGA,1$GPGGA,2*00", YZF_EINVAL, true },
		{ "$GPGGA,1*00 trailing", YZF_EINVAL, true },
		{ "gpgga,030719.000", YZF_EINVAL, false },
		{ "GPGGAX,030719.000", YZF_EINVAL, false },
		{ "GPGG", YZF_EINVAL, false },
		{ "", YZF_EINVAL, false },
		/* types that are skipped, not errors */
		{ "GNGNS,053229.438,,,,,NNNN,00,,,0.0,,0000", YZF_ENOTFOUND, false },
		{ "PSRFEPE,053229.438,V,,,,,", YZF_ENOTFOUND, false },
		{ "GPTXT,01,01,01,ANTENNA OK", YZF_ENOTFOUND, false },
		{ "XXGGQ,1", YZF_ENOTFOUND, false },
		/* truncated: a good checksum over too few fields */
		{ "GPGGA,030719.000,3747.0873,S,17518.8938,E,1", YZF_EINVAL, false },
		{ "GPRMC,030719.000,A,3747.0873,S", YZF_EINVAL, false },
		{ "GPGSA,A,3,17,28", YZF_EINVAL, false },
		{ "GPGSV,3,1", YZF_EINVAL, false },
		{ "GPGGA", YZF_EINVAL, false },
		/* garbage in fields */
		{ "GPGGA,0307x9.000,3747.0873,S,17518.8938,E,1,08,1.1,59.9,M,23.7,"
		  "M,,0000", YZF_EINVAL, false },
		{ "GPGGA,250719.000,3747.0873,S,17518.8938,E,1,08,1.1,59.9,M,23.7,"
		  "M,,0000", YZF_EINVAL, false },
		{ "GPGGA,0307,3747.0873,S,17518.8938,E,1,08,1.1,59.9,M,23.7,M,,0000",
		  YZF_EINVAL, false },
		{ "GPGGA,030719.000,3767.0873,S,17518.8938,E,1,08,1.1,59.9,M,23.7,"
		  "M,,0000", YZF_EINVAL, false }, /* 67 minutes */
		{ "GPGGA,030719.000,9147.0873,S,17518.8938,E,1,08,1.1,59.9,M,23.7,"
		  "M,,0000", YZF_EINVAL, false }, /* 91 degrees */
		{ "GPGGA,030719.000,9000.0001,N,17518.8938,E,1,08,1.1,59.9,M,23.7,"
		  "M,,0000", YZF_EINVAL, false },
		{ "GPGGA,030719.000,3747.0873,X,17518.8938,E,1,08,1.1,59.9,M,23.7,"
		  "M,,0000", YZF_EINVAL, false },
		{ "GPGGA,030719.000,3747.0873,,17518.8938,E,1,08,1.1,59.9,M,23.7,"
		  "M,,0000", YZF_EINVAL, false },
		{ "GPGGA,030719.000,3747.0873,S,,,1,08,1.1,59.9,M,23.7,M,,0000",
		  YZF_EINVAL, false }, /* latitude without longitude */
		{ "GPGGA,030719.000,37.47.0873,S,17518.8938,E,1,08,1.1,59.9,M,23.7,"
		  "M,,0000", YZF_EINVAL, false },
		{ "GPGGA,030719.000,3747.0873,S,17518.8938,E,9,08,1.1,59.9,M,23.7,"
		  "M,,0000", YZF_EINVAL, false },
		{ "GPGGA,030719.000,3747.0873,S,17518.8938,E,1,-8,1.1,59.9,M,23.7,"
		  "M,,0000", YZF_EINVAL, false },
		{ "GPGGA,030719.000,3747.0873,S,17518.8938,E,1,08,1..1,59.9,M,23.7,"
		  "M,,0000", YZF_EINVAL, false },
		{ "GPGGA,030719.000,3747.0873,S,17518.8938,E,1,08,1.1,-,M,23.7,"
		  "M,,0000", YZF_EINVAL, false },
		{ "GPRMC,030719.000,X,3747.0873,S,17518.8938,E,0.69,181.39,311214,,,A",
		  YZF_EINVAL, false },
		{ "GPRMC,030719.000,A,3747.0873,S,17518.8938,E,0.69,181.39,311314,,,A",
		  YZF_EINVAL, false }, /* month 13 */
		{ "GPRMC,030719.000,A,3747.0873,S,17518.8938,E,0.69,181.39,290215,,,A",
		  YZF_EINVAL, false }, /* 2015 is no leap year */
		{ "GPRMC,030719.000,A,3747.0873,S,17518.8938,E,0.69,181.39,31121,,,A",
		  YZF_EINVAL, false },
		{ "GPRMC,030719.000,A,3747.0873,S,17518.8938,E,-0.69,181.39,311214,,,A",
		  YZF_EINVAL, false },
		{ "GPRMC,030719.000,A,3747.0873,S,17518.8938,E,0.69,361.00,311214,,,A",
		  YZF_ERANGE, false },
		{ "GPGSA,A,4,17,28,06,01,30,20,26,13,,,,,1.8,1.1,1.5", YZF_EINVAL,
		  false },
		{ "GPGSA,X,3,17,28,06,01,30,20,26,13,,,,,1.8,1.1,1.5", YZF_EINVAL,
		  false },
		{ "GPGSA,A,3,17,28,0x,01,30,20,26,13,,,,,1.8,1.1,1.5", YZF_EINVAL,
		  false },
		{ "GPGSV,3,4,12,17,72,207,32", YZF_EINVAL, false }, /* 4 of 3 */
		{ "GPGSV,3,1,12,17,72,207,32,28,59", YZF_EINVAL, false },
		{ "GPGSV,3,1,12,17,91,207,32", YZF_EINVAL, false },
		{ "GPGSV,9,1,99,1,1,1,1,2,2,2,2,3,3,3,3,4,4,4,4,5,5,5,5",
		  YZF_EINVAL, false }, /* five satellites */
		{ "GPGST,172814.0,0.006,0.023,0.020,273.6,-0.023,0.020,0.031",
		  YZF_EINVAL, false }, /* a negative deviation */
		{ "GPGST,172814.0,0.006,0.023,0.020,273.6,0.023", YZF_EINVAL,
		  false },
		/* overflow */
		{ "GPGGA,030719.000,3747.0873,S,17518.8938,E,1,08,1.1,"
		  "99999999999999999999999,M,23.7,M,,0000", YZF_ERANGE, false },
		{ "GPGGA,030719.000,3747.0873,S,17518.8938,E,1,08,1.1,1000001,M,"
		  "23.7,M,,0000", YZF_ERANGE, false },
		{ "GPGGA,030719.000,3747.0873,S,17518.8938,E,1,99999999,1.1,59.9,"
		  "M,23.7,M,,0000", YZF_ERANGE, false },
		{ "GPGGA,030719.000,123747.0873,S,17518.8938,E,1,08,1.1,59.9,M,"
		  "23.7,M,,0000", YZF_ERANGE, false },
		{ "GPRMC,030719.000,A,3747.0873,S,17518.8938,E,9999999,181.39,"
		  "311214,,,A", YZF_ERANGE, false },
		{ "GPGSV,1,1,00,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,", YZF_ERANGE,
		  false }, /* 41 fields */
		{ "GPTXT,01,01,01,0123456789012345678901234567890123456789012345678"
		  "901234567890123456789012345678901234567890123456789012345678901"
		  "2345678901234567890123456789012345678901234567890123456789",
		  YZF_ERANGE, false },
		/* longer than any sentence */
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct yzf_nmea_sentence st;
		const char *s = t[i].raw ? t[i].s : sum(t[i].s);
		int rc = yzf_nmea_parse(s, strlen(s), &st);
		if (rc != t[i].rc)
			fprintf(stderr, "case %zu: %s\n", i, s);
		CHECK_EQ_INT(rc, t[i].rc);
		if (rc != YZF_ENOTFOUND)
			CHECK_EQ_INT(st.kind, YZF_NMEA_OTHER);
		/* The framing alone: the raw cases fail there, the others
		 * only in their fields (or, too long, by their length). */
		int frame_rc = t[i].raw ? t[i].rc
			       : strlen(s) > YZF_MAX_NMEA_BYTES ? YZF_ERANGE
								: YZF_OK;
		CHECK_EQ_INT(yzf_nmea_check(s, strlen(s)), frame_rc);
	}
	/* Skipped types still say what they are. */
	struct yzf_nmea_sentence st;
	const char *s = sum("PSRFEPE,053229.438,V,,,,,");
	CHECK_EQ_INT(yzf_nmea_parse(s, strlen(s), &st), YZF_ENOTFOUND);
	CHECK_STR(st.talker_id, "P");
	CHECK_STR(st.type, "SRFEPE");
	s = sum("GNGNS,053229.438,,,,,NNNN,00,,,0.0,,0000");
	CHECK_EQ_INT(yzf_nmea_parse(s, strlen(s), &st), YZF_ENOTFOUND);
	CHECK_EQ_INT(st.talker, YZF_TALKER_GN);
	CHECK_STR(st.type, "GNS");
	/* The parser reads no byte past n. */
	char exact[80];
	s = "$GPGSA,A,3,17,28,06,01,30,20,26,13,,,,,1.8,1.1,1.5*33";
	memcpy(exact, s, strlen(s));
	CHECK_EQ_INT(yzf_nmea_parse(exact, strlen(s), &st), YZF_OK);
	CHECK_EQ_INT(yzf_nmea_parse(exact, strlen(s) - 1, &st), YZF_ECORRUPT);
}

/* ---- the accumulator --------------------------------------------------- */

static int feed(struct yzf_nmea_fix *acc, const char *body,
		struct yzf_fix *out, bool *ready)
{
	const char *s = sum(body);
	return yzf_nmea_fix_feed(acc, s, strlen(s), out, ready);
}

static void test_epochs(void)
{
	struct yzf_nmea_fix acc;
	struct yzf_fix f;
	bool ready;

	/* GGA, GSA, RMC: complete at RMC. */
	yzf_nmea_fix_init(&acc);
	CHECK_EQ_INT(feed(&acc, "GPGGA,235959.500,3114.8789,N,12135.2442,E,1,06,"
			  "1.2,153.8,M,8.3,M,,0000", &f, &ready), YZF_OK);
	CHECK(!ready);
	CHECK_EQ_INT(feed(&acc, "GPGSA,A,2,22,18,14,,,,,,,,,,2.5,1.2,2.2", &f,
			  &ready), YZF_OK);
	CHECK(!ready);
	CHECK_EQ_INT(feed(&acc, "GPRMC,235959.500,A,3114.8789,N,12135.2442,E,"
			  "1.0,90.0,311226,,,A", &f, &ready), YZF_OK);
	CHECK(ready);
	CHECK(f.valid);
	CHECK_EQ_INT(f.source, YZF_FIX_SRC_GNSS_NMEA);
	CHECK_EQ_INT(f.mode, YZF_FIX_MODE_2D); /* the GSA says 2D */
	CHECK_EQ_INT(f.time_ms, 1798761599500LL); /* 2026-12-31T23:59:59.5Z */
	CHECK_EQ_INT(f.sats_used, 6);
	CHECK_EQ_INT(f.systems, YZF_GNSS_GPS);
	CHECK_EQ_INT(f.hdop_x100, 120);
	CHECK_EQ_INT(f.alt_mm, 153800);
	CHECK_EQ_INT(f.speed_mm_s, 514);
	CHECK_EQ_INT(f.course_cdeg, 9000);
	CHECK_EQ_INT(f.lat_e7, 312479817);

	/* Past midnight, GGA only: dated by the last RMC, a day later; it
	 * completes when the next epoch begins. */
	CHECK_EQ_INT(feed(&acc, "GPGGA,000000.500,3114.8789,N,12135.2442,E,1,06,"
			  "1.2,153.8,M,8.3,M,,0000", &f, &ready), YZF_OK);
	CHECK(!ready);
	CHECK_EQ_INT(feed(&acc, "GPGGA,000001.500,3114.8789,N,12135.2442,E,1,06,"
			  "1.2,153.8,M,8.3,M,,0000", &f, &ready), YZF_OK);
	CHECK(ready);
	CHECK_EQ_INT(f.time_ms, 1798761600500LL);
	CHECK_EQ_INT(f.mode, YZF_FIX_MODE_3D); /* altitude, no GSA */
	CHECK_EQ_INT(f.speed_mm_s, YZF_FIX_ABSENT);
	yzf_nmea_fix_flush(&acc, &f, &ready);
	CHECK(ready);
	CHECK_EQ_INT(f.time_ms, 1798761601500LL);
	yzf_nmea_fix_flush(&acc, &f, &ready);
	CHECK(!ready);

	/* A receiver with RMC only: each completes at the next. */
	yzf_nmea_fix_init(&acc);
	CHECK_EQ_INT(feed(&acc, "GNRMC,010203.000,V,,,,,,,020315,,,N", &f,
			  &ready), YZF_OK);
	CHECK(!ready);
	CHECK_EQ_INT(feed(&acc, "GNRMC,010204.000,A,3114.8821,N,12135.2428,E,"
			  "0.07,167.42,020315,,,A", &f, &ready), YZF_OK);
	CHECK(ready);
	CHECK(!f.valid);
	CHECK_EQ_INT(f.mode, YZF_FIX_MODE_NONE);
	CHECK_EQ_INT(f.time_ms, 1425258123000LL);
	yzf_nmea_fix_flush(&acc, &f, &ready);
	CHECK(ready);
	CHECK(f.valid);
	CHECK_EQ_INT(f.mode, YZF_FIX_MODE_2D);

	/* GGA without a date ever: no time, still a position. A second
	 * talker's GGA for an epoch already out is dropped. */
	yzf_nmea_fix_init(&acc);
	CHECK_EQ_INT(feed(&acc, "GPGGA,000001.000,3114.8789,N,12135.2442,E,1,06,"
			  "1.2,,M,,M,,", &f, &ready), YZF_OK);
	yzf_nmea_fix_flush(&acc, &f, &ready);
	CHECK(ready);
	CHECK_EQ_INT(f.time_ms, 0);
	CHECK(f.valid);
	CHECK_EQ_INT(f.mode, YZF_FIX_MODE_2D);
	CHECK_EQ_INT(feed(&acc, "GLGGA,000001.000,3114.8789,N,12135.2442,E,1,06,"
			  "1.2,,M,,M,,", &f, &ready), YZF_OK);
	yzf_nmea_fix_flush(&acc, &f, &ready);
	CHECK(!ready);

	/* u-blox order: RMC first, GGA completes; the GSAs that follow
	 * belong to the next epoch, and a GN GSA with a system id names its
	 * constellation. Quality 0 is no fix whatever else is there. */
	yzf_nmea_fix_init(&acc);
	feed(&acc, "GNRMC,120000.00,A,3114.8821,N,12135.2428,E,0.0,,020315,,,A",
	     &f, &ready);
	feed(&acc, "GNGGA,120000.00,3114.8821,N,12135.2428,E,1,05,1.0,10.0,M,"
	     "0.0,M,,", &f, &ready);
	CHECK(ready);
	CHECK_EQ_INT(f.systems, 0); /* GN, and no GSA yet */
	feed(&acc, "GNGSA,A,3,02,07,14,,,,,,,,,,1.5,0.9,1.2,1", &f, &ready);
	feed(&acc, "GNGSA,A,3,13,27,,,,,,,,,,,1.5,0.9,1.2,4", &f, &ready);
	feed(&acc, "GNGSA,A,3,73,84,,,,,,,,,,,1.5,0.9,1.2,2", &f, &ready);
	CHECK(!ready);
	feed(&acc, "GNRMC,120001.00,A,3114.8821,N,12135.2428,E,0.0,,020315,,,A",
	     &f, &ready);
	CHECK(!ready);
	feed(&acc, "GNGGA,120001.00,3114.8821,N,12135.2428,E,0,05,1.0,10.0,M,"
	     "0.0,M,,", &f, &ready);
	CHECK(ready);
	CHECK_EQ_INT(f.systems,
		     YZF_GNSS_GPS | YZF_GNSS_BEIDOU | YZF_GNSS_GLONASS);
	CHECK_EQ_INT(f.sats_used, 7);
	CHECK(!f.valid);

	/* GST's errors: 3 m and 4 m, 5 m together; it joins the epoch
	 * being built, even one whose time is not known yet. */
	yzf_nmea_fix_init(&acc);
	feed(&acc, "GPGST,120002.00,0.5,4.0,3.0,10.0,3.0,4.0,6.0", &f, &ready);
	feed(&acc, "GPRMC,120002.00,A,3114.8821,N,12135.2428,E,0.0,,020315,,,A",
	     &f, &ready);
	feed(&acc, "GPGGA,120002.00,3114.8821,N,12135.2428,E,1,05,1.0,10.0,M,"
	     "0.0,M,,", &f, &ready);
	CHECK(ready);
	CHECK_EQ_INT(f.accuracy_mm, 5000);
	feed(&acc, "GPGST,120003.00,0.5,4.0,3.0,10.0,0.001,0.002,6.0", &f,
	     &ready);
	feed(&acc, "GPRMC,120003.00,A,3114.8821,N,12135.2428,E,0.0,,020315,,,A",
	     &f, &ready);
	yzf_nmea_fix_flush(&acc, &f, &ready);
	CHECK(ready);
	CHECK_EQ_INT(f.accuracy_mm, 2); /* sqrt(5) = 2.24 */
	feed(&acc, "GPRMC,120004.00,A,3114.8821,N,12135.2428,E,0.0,,020315,,,A",
	     &f, &ready);
	yzf_nmea_fix_flush(&acc, &f, &ready);
	CHECK_EQ_INT(f.accuracy_mm, YZF_FIX_ABSENT); /* no GST: no estimate */

	/* A kind the accumulator cannot take. */
	struct yzf_nmea_sentence other = { 0 };
	CHECK_EQ_INT(yzf_nmea_fix_add(&acc, &other, &f, &ready), YZF_EINVAL);
}

/* ---- captures ---------------------------------------------------------- */

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", datadir, name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc((size_t)n + 1);
	if (!p || fread(p, 1, (size_t)n, f) != (size_t)n)
		exit(2);
	p[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* Call fn on each line of text (without its LF). */
static void lines(char *text, size_t len,
		  void (*fn)(const char *s, size_t n, void *arg), void *arg)
{
	for (size_t at = 0; at < len;) {
		char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - text) : len;
		fn(text + at, end - at, arg);
		at = end + 1;
	}
}

#define MAX_FIXES 256
struct run {
	struct yzf_nmea_fix acc;
	struct yzf_fix fix[MAX_FIXES];
	int n;
	int ok, skipped, refused;
	unsigned talkers; /* 1 << enum yzf_nmea_talker seen */
	struct {          /* gpsd's last TPV of each time */
		int64_t time_ms;
		double lat, lon, alt, speed;
		int mode;
		bool has_alt, has_speed;
	} tpv[MAX_FIXES];
	int ntpv;
};

static void keep(struct run *r, const struct yzf_fix *f)
{
	if (r->n < MAX_FIXES)
		r->fix[r->n++] = *f;
}

static void on_sentence(const char *s, size_t n, struct run *r)
{
	struct yzf_nmea_sentence st;
	struct yzf_fix f;
	bool ready;
	int rc = yzf_nmea_parse(s, n, &st);
	if (rc == YZF_OK) {
		r->ok++;
		r->talkers |= 1u << st.talker;
		CHECK_EQ_INT(yzf_nmea_fix_add(&r->acc, &st, &f, &ready), YZF_OK);
		if (ready)
			keep(r, &f);
	} else if (rc == YZF_ENOTFOUND) {
		r->skipped++;
	} else {
		r->refused++;
		fprintf(stderr, "refused (%d): %.*s\n", rc, (int)n, s);
	}
}

static int64_t iso_ms(const char *s)
{
	struct tm tm = { 0 };
	int ms = 0;
	if (sscanf(s, "%d-%d-%dT%d:%d:%d.%3dZ", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) != 7)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm) * 1000 + ms;
}

static void on_chk_line(const char *s, size_t n, void *arg)
{
	struct run *r = arg;
	while (n > 0 && (*s == ' '))
		s++, n--;
	if (n > 0 && s[0] == '$') {
		on_sentence(s, n, r);
		return;
	}
	if (n == 0 || s[0] != '{')
		return;
	cJSON *j = cJSON_ParseWithLength(s, n);
	CHECK(j != NULL);
	const cJSON *cls = cJSON_GetObjectItemCaseSensitive(j, "class");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "time");
	const cJSON *lat = cJSON_GetObjectItemCaseSensitive(j, "lat");
	const cJSON *lon = cJSON_GetObjectItemCaseSensitive(j, "lon");
	if (cJSON_IsString(cls) && strcmp(cls->valuestring, "TPV") == 0 &&
	    cJSON_IsString(t) && cJSON_IsNumber(lat) && cJSON_IsNumber(lon)) {
		int64_t ms = iso_ms(t->valuestring);
		int i = r->ntpv;
		if (i > 0 && r->tpv[i - 1].time_ms == ms)
			i--; /* a later report of the same epoch knows more */
		else if (r->ntpv < MAX_FIXES)
			r->ntpv++;
		else
			goto out;
		const cJSON *alt = cJSON_GetObjectItemCaseSensitive(j, "altMSL");
		const cJSON *sp = cJSON_GetObjectItemCaseSensitive(j, "speed");
		const cJSON *tr = cJSON_GetObjectItemCaseSensitive(j, "track");
		const cJSON *mode = cJSON_GetObjectItemCaseSensitive(j, "mode");
		r->tpv[i].time_ms = ms;
		r->tpv[i].lat = lat->valuedouble;
		r->tpv[i].lon = lon->valuedouble;
		r->tpv[i].has_alt = cJSON_IsNumber(alt);
		r->tpv[i].alt = r->tpv[i].has_alt ? alt->valuedouble : 0;
		/* gpsd's speed is the receiver's only once RMC came (track
		 * with it); before, gpsd derives one from positions. */
		r->tpv[i].has_speed = cJSON_IsNumber(sp) && cJSON_IsNumber(tr);
		r->tpv[i].speed = r->tpv[i].has_speed ? sp->valuedouble : 0;
		r->tpv[i].mode = cJSON_IsNumber(mode) ? mode->valueint : 0;
	}
out:
	cJSON_Delete(j);
}

/* Feed a file's lines to fn with a fresh run; the run's fixes include
 * the last epoch, and no sentence may have been refused. Free the run. */
static struct run *run_file(const char *name,
			    void (*fn)(const char *s, size_t n, void *arg))
{
	struct run *r = calloc(1, sizeof *r);
	size_t len;
	char *text = slurp(name, &len);
	struct yzf_fix f;
	bool ready;
	if (!r)
		exit(2);
	yzf_nmea_fix_init(&r->acc);
	lines(text, len, fn, r);
	yzf_nmea_fix_flush(&r->acc, &f, &ready);
	if (ready)
		keep(r, &f);
	CHECK_EQ_INT(r->refused, 0);
	free(text);
	return r;
}

static long long rnd(double x)
{
	return (long long)(x < 0 ? x - 0.5 : x + 0.5);
}

/* Parse the sentences a gpsd .chk carries and compare the fixes with its
 * TPV reports. shift_ms: what gpsd added to the receiver's time; want: how
 * many TPVs must be compared; systems and sats: what every fix must say,
 * when they do not vary over the capture (else ANY). */
#define ANY (-1)
static void compare_chk(const char *name, int64_t shift_ms, int want,
			int systems, int sats)
{
	struct run *r = run_file(name, on_chk_line);
	int matched = 0;
	for (int i = 0; i < r->ntpv; i++) {
		const struct yzf_fix *m = NULL;
		for (int k = 0; k < r->n; k++)
			if (r->fix[k].time_ms + shift_ms == r->tpv[i].time_ms)
				m = &r->fix[k];
		if (!m) {
			fprintf(stderr, "%s: no fix for gpsd's TPV at %lld\n",
				name, (long long)r->tpv[i].time_ms);
			CHECK(m != NULL);
			continue;
		}
		matched++;
		/* gpsd prints 9 decimals: one unit of 1e-7 either way is
		 * rounding. */
		long long dlat = m->lat_e7 - rnd(r->tpv[i].lat * 1e7);
		long long dlon = m->lon_e7 - rnd(r->tpv[i].lon * 1e7);
		CHECK(dlat >= -1 && dlat <= 1);
		CHECK(dlon >= -1 && dlon <= 1);
		if (dlat < -1 || dlat > 1 || dlon < -1 || dlon > 1)
			fprintf(stderr, "%s: %d,%d vs gpsd %.9f,%.9f\n", name,
				m->lat_e7, m->lon_e7, r->tpv[i].lat,
				r->tpv[i].lon);
		CHECK(m->valid);
		CHECK_EQ_INT(m->mode, r->tpv[i].mode);
		if (r->tpv[i].has_alt)
			CHECK_EQ_INT(m->alt_mm, rnd(r->tpv[i].alt * 1e3));
		if (r->tpv[i].has_speed) {
			long long ds = m->speed_mm_s - rnd(r->tpv[i].speed * 1e3);
			CHECK(ds >= -1 && ds <= 1);
		}
		if (systems != ANY)
			CHECK_EQ_INT(m->systems, systems);
		if (sats != ANY)
			CHECK_EQ_INT(m->sats_used, sats);
	}
	if (matched != want)
		fprintf(stderr, "%s: %d of gpsd's fixes compared\n", name,
			matched);
	CHECK_EQ_INT(matched, want);
	free(r);
}

static void on_log_line(const char *s, size_t n, void *arg)
{
	while (n > 0 && *s == ' ')
		s++, n--;
	if (n > 0 && s[0] == '$')
		on_sentence(s, n, arg);
}

/* A whole capture: every sentence parses or is skipped; the talkers and
 * the number of fixes are the capture's. */
static void check_log(const char *name, unsigned talkers, int fixes,
		      int valid)
{
	struct run *r = run_file(name, on_log_line);
	CHECK(r->ok > 0);
	CHECK_EQ_INT(r->talkers, talkers);
	CHECK_EQ_INT(r->n, fixes);
	int v = 0;
	for (int i = 0; i < r->n; i++)
		v += r->fix[i].valid;
	CHECK_EQ_INT(v, valid);
	free(r);
}

#define T(x) (1u << YZF_TALKER_##x)

static void test_captures(void)
{
	check_log("bu353s4.log", T(GP), 25, 25);
	check_log("beidou-bd.log", T(GP) | T(BD) | T(GN), 10, 5);
	check_log("beidou-gb.log", T(GP) | T(BD) | T(GN), 5, 2);
	check_log("nmea-fuzzy-cases.log", T(GP) | T(GN), 7, 7);

	/* gpsd put bu353s4's 2014 date 1024 GPS weeks later. */
	compare_chk("bu353s4.log.chk", 1024LL * 7 * 86400000, 25,
		    YZF_GNSS_GPS, ANY);
	compare_chk("beidou-bd.log.chk", 0, 4,
		    YZF_GNSS_GPS | YZF_GNSS_BEIDOU, 7);
	compare_chk("beidou-gb.log.chk", 0, 1,
		    YZF_GNSS_GPS | YZF_GNSS_BEIDOU, 7);
	compare_chk("nmea-fuzzy-cases.log.chk", 0, 14, ANY, ANY);
}

/* The damaged capture: the code of each line, and the fixes the good
 * lines still make. */
static void test_damaged(void)
{
	static const int want[] = {
		YZF_OK,       YZF_OK,       YZF_OK,       YZF_ECORRUPT,
		YZF_ECORRUPT, YZF_ECORRUPT, YZF_OK,       YZF_EINVAL,
		YZF_EINVAL,   YZF_OK,       YZF_OK,       YZF_ERANGE,
		YZF_EINVAL,   YZF_EINVAL,   YZF_ENOTFOUND, YZF_EINVAL,
		YZF_OK,       YZF_OK,
	};
	size_t len, k = 0;
	char *text = slurp("damaged.log", &len);
	struct yzf_nmea_fix acc;
	struct yzf_fix f, fixes[8];
	int nf = 0;
	bool ready;
	yzf_nmea_fix_init(&acc);
	for (size_t at = 0; at < len;) {
		char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - text) : len;
		if (text[at] != '#') {
			int rc = yzf_nmea_fix_feed(&acc, text + at, end - at, &f,
						   &ready);
			CHECK(k < sizeof want / sizeof want[0]);
			if (k < sizeof want / sizeof want[0]) {
				if (rc != want[k])
					fprintf(stderr, "damaged line %zu\n", k);
				CHECK_EQ_INT(rc, want[k]);
			}
			k++;
			if (ready && nf < 8)
				fixes[nf++] = f;
		}
		at = end + 1;
	}
	CHECK_EQ_INT(k, sizeof want / sizeof want[0]);
	yzf_nmea_fix_flush(&acc, &f, &ready);
	CHECK(!ready);
	CHECK_EQ_INT(nf, 3);
	if (nf == 3) {
		CHECK_EQ_INT(fixes[0].time_ms, 1419995239000LL); /* 03:07:19 */
		CHECK_EQ_INT(fixes[1].time_ms, 1419995241000LL);
		CHECK_EQ_INT(fixes[2].time_ms, 1419995243000LL);
		CHECK_EQ_INT(fixes[1].lat_e7, -377847933);
		CHECK_EQ_INT(fixes[1].lon_e7, 1753148900);
		CHECK(fixes[2].valid);
	}
	free(text);
}

/* ---- the sim port's replay, through the core --------------------------- */

static void test_sim_replay(const char *tmp)
{
	char log[512], home[600], msg[256];
	struct yzf_sim_opts o = { .start_ms = 1764205200000LL, .frozen = true };
	struct yzf_port *p;
	struct yzf *y = NULL;
	struct yzf_fix f;
	snprintf(log, sizeof log, "%s/bu353s4.log", datadir);
	snprintf(home, sizeof home, "%s/sim", tmp);
	o.gps_log = log;
	p = yzf_port_sim_create(home, &o);
	CHECK(p != NULL);
	if (!p)
		return;
	CHECK_EQ_INT(yzf_open(p, YZF_OPEN_CREATE, &y, msg, sizeof msg), YZF_OK);
	if (!y) {
		yzf_port_sim_destroy(p);
		return;
	}
	CHECK_EQ_INT(yzf_location_current(y, &f), YZF_OK);
	CHECK_EQ_INT(f.source, YZF_FIX_SRC_SIM);
	CHECK_EQ_INT(f.time_ms, o.start_ms);
	CHECK_EQ_INT(f.lat_e7, -377847883);
	CHECK(f.valid);
	/* Five seconds on: the log's fix of 03:07:24. */
	yzf_port_sim_set_time(p, o.start_ms + 5400);
	CHECK_EQ_INT(yzf_location_current(y, &f), YZF_OK);
	CHECK_EQ_INT(f.time_ms, o.start_ms + 5000);
	CHECK_EQ_INT(f.lat_e7, -377847967);
	CHECK_EQ_INT(f.lon_e7, 1753148933);
	/* Its age by the monotonic clock is the 400 ms the clock moved past
	 * it (the frozen sim clock's monotonic counter ticks 1 per read). */
	int64_t age;
	CHECK_EQ_INT(yzf_location_age(y, &f, &age), YZF_OK);
	CHECK(age >= 400 && age <= 402);
	/* Past the log's end the last fix stays, and ages. */
	yzf_port_sim_set_time(p, o.start_ms + 3600000);
	CHECK_EQ_INT(yzf_location_current(y, &f), YZF_OK);
	CHECK_EQ_INT(f.time_ms, o.start_ms + 24000);
	/* Before the replay began: nothing yet. */
	yzf_port_sim_set_time(p, o.start_ms - 1);
	CHECK_EQ_INT(yzf_location_current(y, &f), YZF_ENOTFOUND);
	CHECK_EQ_INT(f.source, YZF_FIX_SRC_NONE);
	CHECK_HAS(yzf_errmsg(y), "no fix");
	CHECK_EQ_INT(yzf_location_age(y, &f, &age), YZF_EINVAL);
	yzf_close(y);
	yzf_port_sim_destroy(p);

	/* A failing device is reported as the port's failure. */
	o.fail_gps_at = 1;
	snprintf(home, sizeof home, "%s/sim2", tmp);
	p = yzf_port_sim_create(home, &o);
	CHECK(p != NULL);
	if (p && yzf_open(p, YZF_OPEN_CREATE, &y, msg, sizeof msg) == YZF_OK) {
		CHECK_EQ_INT(yzf_location_current(y, &f), YZF_EPORT);
		CHECK_HAS(yzf_errmsg(y), "location device failed");
		CHECK_EQ_INT(yzf_location_current(y, &f), YZF_OK);
		yzf_close(y);
	}
	yzf_port_sim_destroy(p);

	/* No log: no location device. A log that is not one: no port. */
	o.gps_log = NULL;
	snprintf(home, sizeof home, "%s/sim3", tmp);
	p = yzf_port_sim_create(home, &o);
	if (p && yzf_open(p, YZF_OPEN_CREATE, &y, msg, sizeof msg) == YZF_OK) {
		CHECK_EQ_INT(yzf_location_current(y, &f), YZF_ENOTFOUND);
		yzf_close(y);
	}
	yzf_port_sim_destroy(p);
	snprintf(log, sizeof log, "%s/README.md", datadir);
	o.gps_log = log;
	snprintf(home, sizeof home, "%s/sim4", tmp);
	CHECK(yzf_port_sim_create(home, &o) == NULL);
}

int main(int argc, char **argv)
{
	char tmp[] = "/tmp/nmea-test.XXXXXX", cmd[64];
	if (argc != 2 || !mkdtemp(tmp)) {
		fprintf(stderr, "usage: test_nmea tests/data/nmea\n");
		return 2;
	}
	datadir = argv[1];
	test_gga();
	test_rmc();
	test_gsa_gsv();
	test_gst();
	test_bad();
	test_epochs();
	test_captures();
	test_damaged();
	test_sim_replay(tmp);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp);
	return check_done();
}

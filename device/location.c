/* yzf location: the receiver's current fix, as the core reads it through
 * the port (yzf/location.h). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *source_name(int s)
{
	static const char *names[] = { "none", "gnss-nmea", "gpsd", "sim" };
	return s >= 0 && s <= 3 ? names[s] : "unknown";
}

static const char *mode_name(int m)
{
	static const char *names[] = { "unknown", "no fix", "2d", "3d" };
	return m >= 0 && m <= 3 ? names[m] : "unknown";
}

/* "31.2482383" from 312482383: the fixed point printed as it is held. */
static void e7(int32_t v, char out[16])
{
	long long a = v < 0 ? -(long long)v : v;
	snprintf(out, 16, "%s%lld.%07lld", v < 0 ? "-" : "", a / 10000000,
		 a % 10000000);
}

static void systems(unsigned bits, char *out, size_t cap)
{
	static const struct {
		unsigned bit;
		const char *name;
	} t[] = { { YZF_GNSS_GPS, "GPS" },         { YZF_GNSS_GLONASS, "GLONASS" },
		  { YZF_GNSS_GALILEO, "Galileo" }, { YZF_GNSS_BEIDOU, "BeiDou" },
		  { YZF_GNSS_QZSS, "QZSS" },       { YZF_GNSS_NAVIC, "NavIC" },
		  { YZF_GNSS_OTHER, "other" } };
	size_t n = 0;
	out[0] = 0;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (bits & t[i].bit)
			n += (size_t)snprintf(out + n, n < cap ? cap - n : 0,
					      "%s%s", n ? " " : "", t[i].name);
}

static void print_json(const struct yzf_fix *f, int64_t age, const char *t)
{
	char lat[16], lon[16], sys[96];
	cJSON *o = cJSON_CreateObject();
	e7(f->lat_e7, lat);
	e7(f->lon_e7, lon);
	systems(f->systems, sys, sizeof sys);
	cJSON_AddStringToObject(o, "source", source_name(f->source));
	cJSON_AddBoolToObject(o, "valid", f->valid);
	cJSON_AddStringToObject(o, "mode", mode_name(f->mode));
	cJSON_AddNumberToObject(o, "quality", f->quality);
	if (f->time_ms)
		cJSON_AddStringToObject(o, "time", t);
	cJSON_AddNumberToObject(o, "age_ms", (double)age);
	if (f->valid) {
		cJSON_AddStringToObject(o, "lat", lat);
		cJSON_AddStringToObject(o, "lon", lon);
	}
	/* Absent values are left out, never written as a number. */
	const struct {
		const char *k;
		int32_t v;
	} n[] = { { "alt_mm", f->alt_mm },
		  { "hdop_x100", f->hdop_x100 },
		  { "accuracy_mm", f->accuracy_mm },
		  { "speed_mm_s", f->speed_mm_s },
		  { "course_cdeg", f->course_cdeg } };
	for (size_t i = 0; i < sizeof n / sizeof n[0]; i++)
		if (n[i].v != YZF_FIX_ABSENT)
			cJSON_AddNumberToObject(o, n[i].k, n[i].v);
	cJSON_AddNumberToObject(o, "sats_used", f->sats_used);
	cJSON_AddStringToObject(o, "systems", sys);
	char *s = cJSON_PrintUnformatted(o);
	if (s)
		puts(s);
	free(s);
	cJSON_Delete(o);
}

static void print_text(const struct yzf_fix *f, int64_t age, const char *t)
{
	char lat[16], lon[16], sys[96];
	e7(f->lat_e7, lat);
	e7(f->lon_e7, lon);
	systems(f->systems, sys, sizeof sys);
	printf("fix:        %s, %s (quality %d), from %s\n",
	       f->valid ? "valid" : "NOT VALID", mode_name(f->mode), f->quality,
	       source_name(f->source));
	printf("time:       %s\n", f->time_ms ? t : "(no date from the receiver)");
	printf("age:        %lld.%03lld s\n", (long long)(age / 1000),
	       (long long)((age < 0 ? -age : age) % 1000));
	if (f->valid)
		printf("position:   %s, %s\n", lat, lon);
	if (f->alt_mm != YZF_FIX_ABSENT)
		printf("altitude:   %d mm above sea level\n", f->alt_mm);
	if (f->hdop_x100 != YZF_FIX_ABSENT)
		printf("HDOP:       %d.%02d\n", f->hdop_x100 / 100,
		       f->hdop_x100 % 100);
	if (f->accuracy_mm != YZF_FIX_ABSENT)
		printf("accuracy:   %d mm (reported)\n", f->accuracy_mm);
	printf("satellites: %d used%s%s\n", f->sats_used, *sys ? ", " : "", sys);
	if (f->speed_mm_s != YZF_FIX_ABSENT)
		printf("speed:      %d mm/s\n", f->speed_mm_s);
	if (f->course_cdeg != YZF_FIX_ABSENT)
		printf("course:     %d.%02d deg\n", f->course_cdeg / 100,
		       f->course_cdeg % 100);
}

/* yzf location status: the fix, its age and accuracy. No fix is exit 5
 * (not found); a fix the receiver marks invalid is still printed. */
int cmd_location(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	struct yzf_fix f;
	int64_t age;
	char t[32];
	if (!sub || strcmp(sub, "status") != 0) {
		fprintf(stderr, "usage: yzf location status [--json]\n");
		return EXIT_USAGE;
	}
	int ec = cli_open(c, false);
	if (ec)
		return ec;
	int rc = yzf_location_current(c->y, &f);
	if (rc == YZF_OK)
		rc = yzf_location_age(c->y, &f, &age);
	if (rc)
		return cli_fail(c, rc, "location status");
	yzf_time_fmt(f.time_ms, YZF_CALENDAR_TZ, t); /* Beijing, with ms */
	if (c->json)
		print_json(&f, age, t);
	else
		print_text(&f, age, t);
	return EXIT_OK;
}

/* yzf location: the receiver's fix as the core reads it through the port
 * (yzf/location.h) and the location lock (yzf/loclock.h, 平台办法第二十一条). */
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

/* The receiver's fix, its age and accuracy. No fix is exit 5 (not
 * found); a fix the receiver marks invalid is still printed. */
static int fix_status(struct cli *c)
{
	struct yzf_fix f;
	int64_t age;
	char t[32];
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

static void flags_text(unsigned f, char *out, size_t cap)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ YZF_LOCF_NOFIX, "NO FIX" }, { YZF_LOCF_STALE, "STALE" },
		{ YZF_LOCF_COARSE, "COARSE" }, { YZF_LOCF_OFF, "OFF" },
		{ YZF_LOCF_UNAPPROVED, "UNAPPROVED" }, { YZF_LOCF_JUMP, "JUMP" },
	};
	size_t w = 0;
	out[0] = 0;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if ((f & names[i].bit) && w < cap)
			w += (size_t)snprintf(out + w, cap - w, "%s%s",
					      w ? " " : "", names[i].name);
}

struct log_ctx {
	size_t flagged;
};

static int log_one(void *p, const struct yzf_loc_judged *r)
{
	struct log_ctx *lc = p;
	char t[32], f[96], where[96];
	cli_time(r->at_ms, 480, t);
	flags_text(r->flags, f, sizeof f);
	if (r->loc.fix)
		snprintf(where, sizeof where, "%s %.7f,%.7f ±%lldm %llds old",
			 r->loc.src, (double)r->loc.lat / 1e7,
			 (double)r->loc.lon / 1e7,
			 (long long)(r->loc.acc_cm / 100),
			 (long long)(r->loc.age_ms / 1000));
	else
		snprintf(where, sizeof where, "none: %s", r->loc.none);
	printf("#%-5lld %s  %-18s %-48s %s", (long long)r->seq, t, r->type,
	       where, f);
	if (r->flags & YZF_LOCF_JUMP)
		printf(" (%lld km/h)", (long long)(r->speed_mm_s * 36 / 10000));
	printf("\n");
	lc->flagged += r->flags != 0;
	return 0;
}

static int lock_status(struct cli *c, const uint8_t feed[YZF_KEY_LEN])
{
	struct yzf_loclock_state st;
	int64_t now;
	char t[32], fh[17];
	int rc = cli_now(c, &now);
	if (!rc)
		rc = yzf_loclock_state(c->y, feed, now, &st);
	if (rc)
		return cli_fail(c, rc, "location status");
	if (!st.off) {
		printf("location on\n");
	} else {
		cli_time(st.off_ms, 480, t);
		printf("location OFF since %s (loc.off seq %lld)\n", t,
		       (long long)st.off_seq);
	}
	if (st.approved) {
		cli_hex(st.ap_feed, 8, fh);
		cli_time(st.ap_until_ms, 480, t);
		printf("approval in force: loc.approve %s seq %lld, until %s\n",
		       fh, (long long)st.ap_seq, t);
	} else if (st.off) {
		printf("NO APPROVAL in force: records made now are flagged "
		       "(平台办法第二十一条)\n");
	}
	return EXIT_OK;
}

static int time_opt(struct cli *c, const char *name, int64_t dflt,
		    int64_t *ms)
{
	const char *s = cli_opt(c, name);
	int32_t tz;
	*ms = dflt;
	if (s && !yzf_time_parse(s, strlen(s), ms, &tz)) {
		fprintf(stderr, "yzf location: --%s: not a time like "
			"2026-11-27T09:00:00.000+08:00\n", name);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int approve(struct cli *c, const uint8_t feed[YZF_KEY_LEN])
{
	const char *hours = cli_opt(c, "hours");
	int64_t now, from, until, seq;
	int rc = cli_now(c, &now), ec;
	if (rc)
		return cli_fail(c, rc, "location approve");
	if ((ec = time_opt(c, "from", now, &from)) ||
	    (ec = time_opt(c, "until", from + (hours ? atoll(hours) : 8) *
					      3600000LL, &until)))
		return ec;
	rc = yzf_loclock_approve(c->y, feed, cli_opt(c, "for"),
				 cli_opt(c, "case"), from, until,
				 cli_opt(c, "reason"), &seq);
	if (rc)
		return cli_fail(c, rc, "location approve");
	printf("loc.approve seq %lld\n", (long long)seq);
	return EXIT_OK;
}

int cmd_location(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	uint8_t feed[YZF_KEY_LEN];
	int64_t seq;
	static const char usage[] =
		"yzf location status [--json] | on | off --reason T [--case ID]\n"
		"             | approve (--for OFFICER-NO | --case ID) --reason T\n"
		"                 [--from TIME] [--until TIME | --hours N]\n"
		"             | log\n";
	if (!sub) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	int ec = cli_open(c, false);
	if (ec)
		return ec;
	if (!strcmp(sub, "status")) {
		/* the lock, when it is clear whose: then the receiver */
		bool officer = !cli_opt(c, "feed") && !cli_opt(c, "officer")
				       ? yzf_current_feed(c->y, feed) == YZF_OK
				       : cli_feed(c, feed) == EXIT_OK;
		if (officer && !c->json && (ec = lock_status(c, feed)))
			return ec;
		return fix_status(c);
	}
	if ((ec = cli_feed(c, feed)))
		return ec;
	if (!strcmp(sub, "approve"))
		return approve(c, feed);
	if (!strcmp(sub, "off")) {
		bool ok;
		int rc = yzf_loclock_off(c->y, feed, cli_opt(c, "reason"),
					 cli_opt(c, "case"), &ok, &seq);
		if (rc)
			return cli_fail(c, rc, "location off");
		printf("loc.off seq %lld%s\n", (long long)seq,
		       ok ? ", under the head's approval"
			  : ": NO APPROVAL in force — a loc.violation is "
			    "recorded and the records made meanwhile are "
			    "flagged (平台办法第二十一条)");
		return EXIT_OK;
	}
	if (!strcmp(sub, "on")) {
		int rc = yzf_loclock_on(c->y, feed, &seq);
		if (rc)
			return cli_fail(c, rc, "location on");
		printf("loc.on seq %lld\n", (long long)seq);
		return EXIT_OK;
	}
	if (!strcmp(sub, "log")) {
		struct log_ctx lc = { 0 };
		int rc = yzf_loclock_judge(c->y, feed, log_one, &lc);
		if (rc)
			return cli_fail(c, rc, "location log");
		printf("%zu records flagged\n", lc.flagged);
		return lc.flagged ? EXIT_VERIFY : EXIT_OK;
	}
	fputs(usage, stderr);
	return EXIT_USAGE;
}

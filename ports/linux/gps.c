/* The location device: gpsd through libgps, or NMEA 0183 read straight
 * from a serial device or a file and folded by the core's parser
 * (yzf/nmea.h). Which one, and where, is YZF_GPS (yzf_port_linux.h).
 *
 * Nothing here runs in the background: each location call reads what has
 * arrived since the last and keeps the newest fix, stamped with the
 * monotonic clock when it was read. Only a call made while no fix has
 * arrived yet waits, and then at most wait_ms, so a command that asks once
 * still gets the receiver's first report. */
#include <errno.h>
#include <fcntl.h>
#include <gps.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <yzf/nmea.h>

#include "yzf_port_linux.h"

enum { GPS_NONE, GPS_GPSD, GPS_NMEA };

struct yzf_linux_gps {
	int kind;
	char host[256], service[16];   /* gpsd */
	char path[PATH_MAX];           /* NMEA device or file */
	speed_t baud;                  /* 0: leave the line as configured */
	int wait_ms;
	bool open, have;
	struct yzf_fix last;
	struct gps_data_t g;           /* gpsd */
	int fd;                        /* NMEA */
	bool regular;                  /* a file: its end ends the last epoch */
	struct yzf_nmea_fix acc;
	char line[YZF_MAX_NMEA_BYTES + 2];
	size_t linelen;
	bool overlong;                 /* the line being read is too long */
};

static speed_t baud_of(long b)
{
	static const struct {
		long b;
		speed_t s;
	} t[] = { { 4800, B4800 },     { 9600, B9600 },   { 19200, B19200 },
		  { 38400, B38400 },   { 57600, B57600 }, { 115200, B115200 },
		  { 230400, B230400 }, { 460800, B460800 } };
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i].b == b)
			return t[i].s;
	return 0;
}

int yzf_linux_gps_create(const char *spec, struct yzf_linux_gps **out)
{
	struct yzf_linux_gps *d = calloc(1, sizeof *d);
	const char *v;
	*out = NULL;
	if (!d)
		return YZF_ENOMEM;
	d->fd = -1;
	d->wait_ms = 2000;
	if ((v = getenv("YZF_GPS_WAIT_MS")) && *v) {
		long w = atol(v);
		d->wait_ms = w < 0 ? 0 : w > 60000 ? 60000 : (int)w;
	}
	if (!spec || !*spec || strcmp(spec, "none") == 0) {
		d->kind = GPS_NONE;
	} else if (strcmp(spec, "gpsd") == 0 ||
		   strncmp(spec, "gpsd://", 7) == 0) {
		const char *hp = spec[4] ? spec + 7 : "";
		const char *colon = strrchr(hp, ':');
		size_t hl = colon ? (size_t)(colon - hp) : strlen(hp);
		d->kind = GPS_GPSD;
		snprintf(d->host, sizeof d->host, "%.*s", (int)hl,
			 hl ? hp : "localhost");
		snprintf(d->service, sizeof d->service, "%s",
			 colon && colon[1] ? colon + 1 : DEFAULT_GPSD_PORT);
		if (hl >= sizeof d->host)
			goto bad;
	} else if (spec[0] == '/') {
		const char *at = strrchr(spec, '@');
		size_t pl = at ? (size_t)(at - spec) : strlen(spec);
		d->kind = GPS_NMEA;
		if (pl >= sizeof d->path)
			goto bad;
		memcpy(d->path, spec, pl);
		if (at && !(d->baud = baud_of(atol(at + 1))))
			goto bad;
	} else {
		goto bad;
	}
	*out = d;
	return YZF_OK;
bad:
	free(d);
	return YZF_EINVAL;
}

static void gps_shut(struct yzf_linux_gps *d)
{
	if (!d->open)
		return;
	if (d->kind == GPS_GPSD)
		gps_close(&d->g);
	else
		close(d->fd);
	d->fd = -1;
	d->open = false;
}

void yzf_linux_gps_destroy(struct yzf_linux_gps *d)
{
	if (!d)
		return;
	gps_shut(d);
	free(d);
}

static int64_t mono_now(void)
{
	int64_t ms = 0;
	yzf_linux_clock_mono(NULL, &ms);
	return ms;
}

static int32_t round_to_int32(double x, double scale, double limit)
{
	if (!isfinite(x) || fabs(x) > limit)
		return YZF_FIX_ABSENT;
	double v = x * scale;
	return (int32_t)(v < 0 ? v - 0.5 : v + 0.5);
}

/* gpsd's report (doubles in degrees and metres) into the integer fix.
 * The SKY part (DOP, satellites) is whatever gpsd sent last. */
static void from_gpsd(const struct gps_data_t *g, struct yzf_fix *f)
{
	static const uint8_t quality[] = { 0, 1, 2, 4, 5, 6, 6, 7, 8, 1 };
	static const uint16_t sys[] = { YZF_GNSS_GPS,     YZF_GNSS_GPS,
					YZF_GNSS_GALILEO, YZF_GNSS_BEIDOU,
					YZF_GNSS_OTHER,   YZF_GNSS_QZSS,
					YZF_GNSS_GLONASS, YZF_GNSS_NAVIC };
	yzf_fix_clear(f);
	f->source = YZF_FIX_SRC_GPSD;
	f->mode = (uint8_t)(g->fix.mode >= 0 && g->fix.mode <= 3 ? g->fix.mode
								 : 0);
	f->quality = g->fix.status >= 0 && g->fix.status <= 9
			     ? quality[g->fix.status] : 0;
	if (g->set & TIME_SET)
		f->time_ms = (int64_t)g->fix.time.tv_sec * 1000 +
			     g->fix.time.tv_nsec / 1000000;
	int32_t lat = round_to_int32(g->fix.latitude, 1e7, 90);
	int32_t lon = round_to_int32(g->fix.longitude, 1e7, 180);
	f->valid = g->fix.mode >= MODE_2D && (g->set & LATLON_SET) &&
		   lat != YZF_FIX_ABSENT && lon != YZF_FIX_ABSENT;
	if (f->valid) {
		f->lat_e7 = lat;
		f->lon_e7 = lon;
	}
	if (g->fix.mode >= MODE_3D)
		f->alt_mm = round_to_int32(g->fix.altMSL, 1e3, 1e6);
	f->accuracy_mm = round_to_int32(g->fix.eph, 1e3, 1e6);
	f->speed_mm_s = round_to_int32(g->fix.speed, 1e3, 1e6);
	if (isfinite(g->fix.track) && g->fix.track >= 0 && g->fix.track < 360)
		f->course_cdeg = round_to_int32(g->fix.track, 100, 360) % 36000;
	f->hdop_x100 = round_to_int32(g->dop.hdop, 100, 1e5);
	int used = g->satellites_used > 255 ? 255 : g->satellites_used;
	f->sats_used = (uint8_t)(used > 0 ? used : 0);
	for (int i = 0; i < g->satellites_visible && i < MAXCHANNELS; i++)
		if (g->skyview[i].used)
			f->systems |= g->skyview[i].gnssid < 8
					      ? sys[g->skyview[i].gnssid]
					      : YZF_GNSS_OTHER;
}

/* Read every report gpsd has queued, keeping the newest TPV (MODE_SET
 * marks one); the first call waits up to wait_ms for one. */
static int read_gpsd(struct yzf_linux_gps *d)
{
	if (!d->open) {
		if (gps_open(d->host, d->service, &d->g) != 0)
			return YZF_EPORT;
		d->open = true;
		if (gps_stream(&d->g, WATCH_ENABLE | WATCH_JSON, NULL) != 0) {
			gps_shut(d);
			return YZF_EPORT;
		}
	}
	int64_t deadline = mono_now() + (d->have ? 0 : d->wait_ms);
	for (int n = 0; n < 10000; n++) {
		int64_t left = deadline - mono_now();
		if (!gps_waiting(&d->g, left > 0 ? (int)(left * 1000) : 0))
			break;
		d->g.set = 0;
		if (gps_read(&d->g, NULL, 0) < 0) {
			gps_shut(d); /* gpsd went away: reconnect next call */
			return d->have ? YZF_OK : YZF_EPORT;
		}
		if ((d->g.set & MODE_SET) && d->g.fix.mode >= MODE_NO_FIX) {
			from_gpsd(&d->g, &d->last);
			d->last.mono_ms = mono_now();
			d->have = true;
		}
	}
	return YZF_OK;
}

static int open_nmea(struct yzf_linux_gps *d)
{
	struct stat st;
	d->fd = open(d->path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (d->fd < 0)
		return YZF_EPORT;
	d->regular = fstat(d->fd, &st) == 0 && S_ISREG(st.st_mode);
	if (isatty(d->fd)) {
		struct termios t;
		if (tcgetattr(d->fd, &t) != 0) {
			close(d->fd);
			return YZF_EPORT;
		}
		cfmakeraw(&t);
		if (d->baud) {
			cfsetispeed(&t, d->baud);
			cfsetospeed(&t, d->baud);
		}
		if (tcsetattr(d->fd, TCSANOW, &t) != 0) {
			close(d->fd);
			return YZF_EPORT;
		}
	}
	d->open = true;
	yzf_nmea_fix_init(&d->acc);
	d->linelen = 0;
	d->overlong = false;
	return YZF_OK;
}

static void take(struct yzf_linux_gps *d, const struct yzf_fix *f)
{
	d->last = *f;
	d->last.mono_ms = mono_now();
	d->have = true;
}

/* Bytes into lines, lines into the accumulator. A line longer than any
 * sentence is dropped whole rather than parsed from its tail. */
static void feed(struct yzf_linux_gps *d, const char *p, size_t n)
{
	struct yzf_fix f;
	bool ready;
	for (size_t i = 0; i < n; i++) {
		if (p[i] != '\n') {
			if (d->linelen < sizeof d->line)
				d->line[d->linelen++] = p[i];
			else
				d->overlong = true;
			continue;
		}
		/* A receiver that starts mid-sentence: parse from the
		 * last '$' of the line. */
		size_t s = d->linelen;
		while (s > 0 && d->line[s - 1] != '$')
			s--;
		if (!d->overlong && s > 0 &&
		    yzf_nmea_fix_feed(&d->acc, d->line + s - 1,
				      d->linelen - s + 1, &f, &ready) ==
			    YZF_OK &&
		    ready)
			take(d, &f);
		d->linelen = 0;
		d->overlong = false;
	}
}

static int read_nmea(struct yzf_linux_gps *d)
{
	char buf[4096];
	if (!d->open) {
		int rc = open_nmea(d);
		if (rc)
			return rc;
	}
	int64_t deadline = mono_now() + (d->have ? 0 : d->wait_ms);
	size_t total = 0;
	for (;;) {
		ssize_t got = read(d->fd, buf, sizeof buf);
		if (got > 0) {
			feed(d, buf, (size_t)got);
			total += (size_t)got;
			/* A device that never stops talking: the rest is
			 * read next call. */
			if (!d->regular && total >= 65536 &&
			    mono_now() >= deadline)
				return d->have ? YZF_OK : YZF_ENOTFOUND;
			continue;
		}
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			gps_shut(d);
			return d->have ? YZF_OK : YZF_EPORT;
		}
		if (got == 0 && d->regular) {
			struct yzf_fix f;
			bool ready;
			yzf_nmea_fix_flush(&d->acc, &f, &ready);
			if (ready)
				take(d, &f);
			return YZF_OK; /* a file: what it holds is all */
		}
		int64_t left = deadline - mono_now();
		if (d->have || left <= 0)
			return YZF_OK;
		struct pollfd pfd = { .fd = d->fd, .events = POLLIN };
		if (poll(&pfd, 1, (int)left) <= 0)
			return YZF_OK;
		if (got == 0 && !(pfd.revents & POLLIN))
			return YZF_OK; /* hung up */
	}
}

int yzf_linux_gps_location(struct yzf_linux_gps *d, struct yzf_fix *out)
{
	int rc = YZF_OK;
	switch (d->kind) {
	case GPS_GPSD: rc = read_gpsd(d); break;
	case GPS_NMEA: rc = read_nmea(d); break;
	default: return YZF_ENOTFOUND;
	}
	if (rc)
		return rc;
	if (!d->have)
		return YZF_ENOTFOUND;
	*out = d->last;
	return YZF_OK;
}

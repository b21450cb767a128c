/* NMEA 0183: one sentence into a caller's struct, and the sentences of one
 * epoch into a struct yzf_fix. Integers only; the rules are in yzf/nmea.h. */
#include <string.h>

#include "util.h"
#include "yzf/nmea.h"

struct field {
	const char *p;
	size_t n;
};

#define MS_PER_DAY 86400000

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Find the sentence in s: spaces before '$' and CR/LF after the checksum
 * are line noise some receivers and logs add; anything else around it is
 * not. Every byte between '$' and '*' must be printable ASCII, since a
 * checksum over bytes a serial line mangled into controls proves little. */
static int frame(const char *s, size_t n, const char **body, size_t *len)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	if (n == 0 || s[0] != '$')
		return YZF_EINVAL;
	if (n > YZF_MAX_NMEA_BYTES)
		return YZF_ERANGE;
	unsigned sum = 0;
	size_t i;
	for (i = 1; i < n && s[i] != '*'; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c > 0x7e || c == '$' || c == '!')
			return YZF_EINVAL;
		sum ^= c;
	}
	if (n - i < 3)
		return YZF_ECORRUPT; /* no checksum, or a cut one */
	if (n - i > 3)
		return YZF_EINVAL;   /* bytes after the checksum */
	int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
	if (hi < 0 || lo < 0 || (unsigned)(hi << 4 | lo) != sum)
		return YZF_ECORRUPT;
	*body = s + 1;
	*len = i - 1;
	return YZF_OK;
}

int yzf_nmea_check(const char *s, size_t n)
{
	const char *b;
	size_t len;
	return frame(s, n, &b, &len);
}

/* ---- fields ---------------------------------------------------------- */

/* A decimal number (optional '-', digits, optional '.' and digits) scaled
 * by 10^scale and rounded half away from zero on the next digit; |value|
 * at most max. Empty: *has false. */
static int num(struct field f, int scale, int64_t max, int64_t *out,
	       bool *has)
{
	size_t i = 0;
	bool neg = false, dot = false;
	int64_t v = 0;
	int frac = 0, digits = 0, round = 0;
	*has = false;
	if (f.n == 0)
		return YZF_OK;
	if (f.p[0] == '-') {
		neg = true;
		i++;
	}
	for (; i < f.n; i++) {
		char c = f.p[i];
		if (c == '.' && !dot) {
			dot = true;
			continue;
		}
		if (!is_digit(c))
			return YZF_EINVAL;
		digits++;
		if (dot && frac == scale) {
			if (round == 0 && frac == scale)
				round = c >= '5' ? 1 : -1; /* first digit past */
			continue;
		}
		if (v > (INT64_MAX - 9) / 10 / 1000)
			return YZF_ERANGE;
		v = v * 10 + (c - '0');
		if (dot)
			frac++;
	}
	if (digits == 0)
		return YZF_EINVAL;
	for (; frac < scale; frac++)
		v *= 10;
	if (round > 0)
		v++;
	if (v > max)
		return YZF_ERANGE;
	*out = neg ? -v : v;
	*has = true;
	return YZF_OK;
}

/* A small unsigned integer field in [lo, hi]; empty reads -1. */
static int uint_field(struct field f, int lo, int hi, int *out)
{
	int64_t v;
	bool has;
	int rc = num(f, 0, 1000000, &v, &has);
	if (rc)
		return rc;
	if (!has) {
		*out = -1;
		return YZF_OK;
	}
	for (size_t i = 0; i < f.n; i++)
		if (!is_digit(f.p[i]))
			return YZF_EINVAL; /* no sign, no fraction */
	if (v < lo || v > hi)
		return YZF_EINVAL;
	*out = (int)v;
	return YZF_OK;
}

/* A scaled value into int32, YZF_FIX_ABSENT if empty. */
static int scaled32(struct field f, int scale, int64_t max, int32_t *out)
{
	int64_t v;
	bool has;
	int rc = num(f, scale, max, &v, &has);
	if (rc == YZF_OK)
		*out = has ? (int32_t)v : YZF_FIX_ABSENT;
	return rc;
}

/* "ddmm.mmmm" (latitude) or "dddmm.mmmm" (longitude) and its hemisphere,
 * into 1e-7 degrees. Minutes are kept to ten decimals (survey receivers
 * send eight) so the one division rounds once: 1e-7 degree is 6e-6
 * minute, so minutes x 1e10 / 60000 is 1e-7 degrees. */
static int latlon(struct field v, struct field h, int maxdeg, char pos,
		  char neg, int32_t *out, bool *has)
{
	*has = false;
	if (v.n == 0 && h.n == 0)
		return YZF_OK;
	if (v.n == 0 || h.n != 1 || (h.p[0] != pos && h.p[0] != neg))
		return YZF_EINVAL;
	int64_t ip = 0, fr = 0;
	size_t i = 0;
	int idig = 0, fdig = 0;
	for (; i < v.n && is_digit(v.p[i]); i++, idig++) {
		if (idig >= 5)
			return YZF_ERANGE;
		ip = ip * 10 + (v.p[i] - '0');
	}
	if (idig < 3)
		return YZF_EINVAL; /* at least d + mm */
	if (i < v.n) {
		if (v.p[i++] != '.')
			return YZF_EINVAL;
		for (; i < v.n; i++) {
			if (!is_digit(v.p[i]))
				return YZF_EINVAL;
			if (fdig < 10) {
				fr = fr * 10 + (v.p[i] - '0');
				fdig++;
			}
		}
	}
	for (; fdig < 10; fdig++)
		fr *= 10;
	int64_t deg = ip / 100, min = ip % 100;
	if (min >= 60 || deg > maxdeg)
		return YZF_EINVAL;
	int64_t e7 = deg * 10000000 + (min * 10000000000LL + fr + 30000) / 60000;
	if (e7 > (int64_t)maxdeg * 10000000)
		return YZF_EINVAL;
	*out = (int32_t)(h.p[0] == neg ? -e7 : e7);
	*has = true;
	return YZF_OK;
}

/* "hhmmss[.sss]" into ms since midnight; further fraction digits are cut,
 * not rounded, so 23:59:59.9996 stays in its day. Empty reads -1. */
static int tod(struct field f, int32_t *out)
{
	*out = -1;
	if (f.n == 0)
		return YZF_OK;
	if (f.n < 6)
		return YZF_EINVAL;
	for (size_t i = 0; i < 6; i++)
		if (!is_digit(f.p[i]))
			return YZF_EINVAL;
	int h = (f.p[0] - '0') * 10 + (f.p[1] - '0');
	int m = (f.p[2] - '0') * 10 + (f.p[3] - '0');
	int s = (f.p[4] - '0') * 10 + (f.p[5] - '0');
	if (h > 23 || m > 59 || s > 60) /* 60: a leap second */
		return YZF_EINVAL;
	int ms = 0, k = 0;
	if (f.n > 6) {
		if (f.p[6] != '.')
			return YZF_EINVAL;
		for (size_t i = 7; i < f.n; i++) {
			if (!is_digit(f.p[i]))
				return YZF_EINVAL;
			if (k < 3) {
				ms = ms * 10 + (f.p[i] - '0');
				k++;
			}
		}
	}
	for (; k < 3; k++)
		ms *= 10;
	*out = ((h * 60 + m) * 60 + s) * 1000 + ms;
	return YZF_OK;
}

/* "ddmmyy". Two-digit years pivot at 80: receivers older than 1980 do not
 * exist, and GPS time starts in 1980. */
static int date(struct field f, int64_t *day, bool *has)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31 };
	*has = false;
	if (f.n == 0)
		return YZF_OK;
	if (f.n != 6)
		return YZF_EINVAL;
	for (size_t i = 0; i < 6; i++)
		if (!is_digit(f.p[i]))
			return YZF_EINVAL;
	int d = (f.p[0] - '0') * 10 + (f.p[1] - '0');
	int m = (f.p[2] - '0') * 10 + (f.p[3] - '0');
	int y = (f.p[4] - '0') * 10 + (f.p[5] - '0');
	y += y >= 80 ? 1900 : 2000;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !leap))
		return YZF_EINVAL;
	*day = yzf_days_from_civil(y, m, d);
	*has = true;
	return YZF_OK;
}

/* ---- sentences ------------------------------------------------------- */

#define TRY(x)                         \
	do {                           \
		int rc_ = (x);         \
		if (rc_)               \
			return rc_;    \
	} while (0)

static int parse_gga(const struct field *f, int nf, struct yzf_nmea_gga *g)
{
	bool has;
	if (nf < 14)
		return YZF_EINVAL;
	TRY(tod(f[0], &g->time_ms));
	TRY(latlon(f[1], f[2], 90, 'N', 'S', &g->lat_e7, &g->has_pos));
	TRY(latlon(f[3], f[4], 180, 'E', 'W', &g->lon_e7, &has));
	if (has != g->has_pos)
		return YZF_EINVAL;
	TRY(uint_field(f[5], 0, 8, &g->quality));
	TRY(uint_field(f[6], 0, 99, &g->sats));
	TRY(scaled32(f[7], 2, 99999, &g->hdop_x100));
	TRY(scaled32(f[8], 3, 1000000000, &g->alt_mm));
	TRY(scaled32(f[10], 3, 1000000000, &g->geoid_mm));
	return YZF_OK;
}

static int parse_rmc(const struct field *f, int nf, struct yzf_nmea_rmc *r)
{
	bool has;
	int64_t kn;
	if (nf < 9)
		return YZF_EINVAL;
	TRY(tod(f[0], &r->time_ms));
	if (f[1].n > 1 || (f[1].n == 1 && f[1].p[0] != 'A' && f[1].p[0] != 'V'))
		return YZF_EINVAL;
	r->valid = f[1].n == 1 && f[1].p[0] == 'A';
	TRY(latlon(f[2], f[3], 90, 'N', 'S', &r->lat_e7, &r->has_pos));
	TRY(latlon(f[4], f[5], 180, 'E', 'W', &r->lon_e7, &has));
	if (has != r->has_pos)
		return YZF_EINVAL;
	/* Knots x 1000 to mm/s: a knot is 1852 m an hour. */
	TRY(num(f[6], 3, 2000000000, &kn, &has));
	if (has && kn < 0)
		return YZF_EINVAL;
	r->speed_mm_s = has ? (int32_t)((kn * 1852 + 1800) / 3600)
			    : YZF_FIX_ABSENT;
	TRY(scaled32(f[7], 2, 36000, &r->course_cdeg));
	if (r->course_cdeg != YZF_FIX_ABSENT) {
		if (r->course_cdeg < 0)
			return YZF_EINVAL;
		r->course_cdeg %= 36000;
	}
	TRY(date(f[8], &r->day, &r->has_date));
	if (nf > 11 && f[11].n == 1)
		r->faa_mode = f[11].p[0];
	return YZF_OK;
}

static int parse_gsa(const struct field *f, int nf, struct yzf_nmea_gsa *g)
{
	if (nf < 17)
		return YZF_EINVAL;
	if (f[0].n > 1 || (f[0].n == 1 && f[0].p[0] != 'A' && f[0].p[0] != 'M'))
		return YZF_EINVAL;
	g->op_mode = f[0].n ? f[0].p[0] : 0;
	TRY(uint_field(f[1], 1, 3, &g->fix_type));
	for (int i = 0; i < YZF_NMEA_GSA_SATS; i++) {
		int prn;
		TRY(uint_field(f[2 + i], 1, 999, &prn));
		if (prn > 0)
			g->sats[g->n_sats++] = prn;
	}
	TRY(scaled32(f[14], 2, 99999, &g->pdop_x100));
	TRY(scaled32(f[15], 2, 99999, &g->hdop_x100));
	TRY(scaled32(f[16], 2, 99999, &g->vdop_x100));
	/* Field 18 is the system id since NMEA 4.10; some receivers put a
	 * DOP there. Only a small integer is taken as an id. */
	g->system_id = -1;
	if (nf > 17 && uint_field(f[17], 1, 15, &g->system_id) != YZF_OK)
		g->system_id = -1;
	return YZF_OK;
}

static int parse_gsv(const struct field *f, int nf, struct yzf_nmea_gsv *g)
{
	if (nf < 3)
		return YZF_EINVAL;
	TRY(uint_field(f[0], 1, 99, &g->total_msgs));
	TRY(uint_field(f[1], 1, 99, &g->msg_no));
	TRY(uint_field(f[2], 0, 999, &g->in_view));
	if (g->total_msgs < 1 || g->msg_no < 1 || g->msg_no > g->total_msgs ||
	    g->in_view < 0)
		return YZF_EINVAL;
	/* Groups of four; one field left over is NMEA 4.10's signal id. */
	int groups = (nf - 3) / 4;
	if (groups > YZF_NMEA_GSV_SATS || (nf - 3) % 4 > 1)
		return YZF_EINVAL;
	for (int i = 0; i < groups; i++) {
		const struct field *s = f + 3 + 4 * i;
		int prn, el, az, snr;
		TRY(uint_field(s[0], 1, 999, &prn));
		TRY(uint_field(s[1], 0, 90, &el));
		TRY(uint_field(s[2], 0, 360, &az));
		TRY(uint_field(s[3], 0, 99, &snr));
		if (prn < 0)
			continue; /* padding of the last message */
		g->sv[g->n].prn = prn;
		g->sv[g->n].elevation = el;
		g->sv[g->n].azimuth = az;
		g->sv[g->n].snr = snr;
		g->n++;
	}
	return YZF_OK;
}

static int parse_gst(const struct field *f, int nf, struct yzf_nmea_gst *g)
{
	if (nf < 8)
		return YZF_EINVAL;
	TRY(tod(f[0], &g->time_ms));
	TRY(scaled32(f[1], 3, 1000000000, &g->rms_mm));
	TRY(scaled32(f[2], 3, 1000000000, &g->major_mm));
	TRY(scaled32(f[3], 3, 1000000000, &g->minor_mm));
	TRY(scaled32(f[4], 2, 36000, &g->orient_cdeg));
	TRY(scaled32(f[5], 3, 1000000000, &g->lat_mm));
	TRY(scaled32(f[6], 3, 1000000000, &g->lon_mm));
	TRY(scaled32(f[7], 3, 1000000000, &g->alt_mm));
	const int32_t *v[] = { &g->rms_mm, &g->major_mm, &g->minor_mm,
			       &g->orient_cdeg, &g->lat_mm, &g->lon_mm,
			       &g->alt_mm };
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (*v[i] != YZF_FIX_ABSENT && *v[i] < 0)
			return YZF_EINVAL; /* deviations are not negative */
	return YZF_OK;
}

static int talker_of(const char *id)
{
	static const struct {
		char id[3];
		int talker;
	} t[] = {
		{ "GP", YZF_TALKER_GP }, { "GL", YZF_TALKER_GL },
		{ "GA", YZF_TALKER_GA }, { "BD", YZF_TALKER_BD },
		{ "GB", YZF_TALKER_BD }, { "GQ", YZF_TALKER_GQ },
		{ "QZ", YZF_TALKER_GQ }, { "GI", YZF_TALKER_GI },
		{ "GN", YZF_TALKER_GN },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (id[0] == t[i].id[0] && id[1] == t[i].id[1])
			return t[i].talker;
	return YZF_TALKER_OTHER;
}

int yzf_nmea_parse(const char *s, size_t n, struct yzf_nmea_sentence *out)
{
	static const struct {
		char type[4];
		int kind;
	} kinds[] = { { "GGA", YZF_NMEA_GGA },
		      { "RMC", YZF_NMEA_RMC },
		      { "GSA", YZF_NMEA_GSA },
		      { "GSV", YZF_NMEA_GSV },
		      { "GST", YZF_NMEA_GST } };
	const char *b;
	size_t len, i = 0;
	memset(out, 0, sizeof *out);
	TRY(frame(s, n, &b, &len));

	/* The address field: talker and type, or 'P' and a maker's type. */
	size_t alen = 0;
	while (alen < len && b[alen] != ',')
		alen++;
	for (i = 0; i < alen; i++)
		if (!(b[i] >= 'A' && b[i] <= 'Z') && !is_digit(b[i]))
			return YZF_EINVAL;
	if (alen >= 2 && b[0] == 'P') {
		out->talker_id[0] = 'P';
		memcpy(out->type, b + 1,
		       alen - 1 < sizeof out->type ? alen - 1
						   : sizeof out->type - 1);
		return YZF_ENOTFOUND;
	}
	if (alen != 5)
		return YZF_EINVAL;
	memcpy(out->talker_id, b, 2);
	memcpy(out->type, b + 2, 3);
	out->talker = talker_of(out->talker_id);
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (memcmp(out->type, kinds[i].type, 3) == 0)
			out->kind = kinds[i].kind;
	if (out->kind == YZF_NMEA_OTHER)
		return YZF_ENOTFOUND;

	struct field f[YZF_NMEA_MAX_FIELDS];
	int nf = 0, rc = YZF_OK;
	for (size_t at = alen; at < len && rc == YZF_OK;) {
		size_t start = at + 1, end = start;
		while (end < len && b[end] != ',')
			end++;
		if (nf == YZF_NMEA_MAX_FIELDS)
			rc = YZF_ERANGE;
		else
			f[nf++] = (struct field){ b + start, end - start };
		at = end;
	}
	if (rc == YZF_OK) {
		switch (out->kind) {
		case YZF_NMEA_GGA: rc = parse_gga(f, nf, &out->u.gga); break;
		case YZF_NMEA_RMC: rc = parse_rmc(f, nf, &out->u.rmc); break;
		case YZF_NMEA_GSA: rc = parse_gsa(f, nf, &out->u.gsa); break;
		case YZF_NMEA_GSV: rc = parse_gsv(f, nf, &out->u.gsv); break;
		default: rc = parse_gst(f, nf, &out->u.gst); break;
		}
	}
	if (rc) { /* no half-filled struct; who sent it still shows */
		out->kind = YZF_NMEA_OTHER;
		memset(&out->u, 0, sizeof out->u);
	}
	return rc;
}

/* ---- the epoch accumulator ------------------------------------------ */

enum { SEEN_GGA = 1, SEEN_RMC = 2, SEEN_GSA = 4 };

static unsigned system_of_talker(int talker)
{
	switch (talker) {
	case YZF_TALKER_GP: return YZF_GNSS_GPS;
	case YZF_TALKER_GL: return YZF_GNSS_GLONASS;
	case YZF_TALKER_GA: return YZF_GNSS_GALILEO;
	case YZF_TALKER_BD: return YZF_GNSS_BEIDOU;
	case YZF_TALKER_GQ: return YZF_GNSS_QZSS;
	case YZF_TALKER_GI: return YZF_GNSS_NAVIC;
	case YZF_TALKER_GN: return 0; /* says nothing by itself */
	default: return YZF_GNSS_OTHER;
	}
}

static unsigned system_of_id(int id)
{
	static const unsigned by_id[] = { 0, YZF_GNSS_GPS, YZF_GNSS_GLONASS,
					  YZF_GNSS_GALILEO, YZF_GNSS_BEIDOU,
					  YZF_GNSS_QZSS, YZF_GNSS_NAVIC };
	return id >= 1 && id <= 6 ? by_id[id] : YZF_GNSS_OTHER;
}

/* A GN GSA without a system id lists satellites by the numbering most
 * receivers use: GPS 1-32 (SBAS 33-64 augments GPS), GLONASS 65-96,
 * BeiDou 201-263 or 401-463, Galileo 301-336, QZSS 193-202 clash with
 * BeiDou on some and are left to the talker. */
static unsigned system_of_prn(int prn)
{
	if (prn >= 1 && prn <= 64)
		return YZF_GNSS_GPS;
	if (prn >= 65 && prn <= 96)
		return YZF_GNSS_GLONASS;
	if ((prn >= 201 && prn <= 263) || (prn >= 401 && prn <= 463))
		return YZF_GNSS_BEIDOU;
	if (prn >= 301 && prn <= 336)
		return YZF_GNSS_GALILEO;
	return YZF_GNSS_OTHER;
}

/* sqrt(a^2 + b^2) rounded, by integer Newton steps (no floating point);
 * a and b are at most 1e9, so the square fits in 63 bits. */
static int32_t hypot_mm(int32_t a, int32_t b)
{
	uint64_t n = (uint64_t)a * (uint64_t)a + (uint64_t)b * (uint64_t)b;
	uint64_t x = n, y = (x + 1) / 2;
	if (n == 0)
		return 0;
	while (y < x) {
		x = y;
		y = (x + n / x) / 2;
	}
	/* x = floor(sqrt(n)); round up past the half: x^2 + x < n. */
	if (x * x + x < n)
		x++;
	return x > INT32_MAX ? INT32_MAX : (int32_t)x;
}

static void epoch_reset(struct yzf_nmea_fix *acc)
{
	acc->tod_ms = -1;
	acc->seen = 0;
	acc->gsa_sats = 0;
	acc->gsa_fix = -1;
	acc->gst_mm = YZF_FIX_ABSENT;
	acc->gga_valid = acc->rmc_valid = acc->has_pos = false;
	yzf_fix_clear(&acc->fix);
}

void yzf_nmea_fix_init(struct yzf_nmea_fix *acc)
{
	memset(acc, 0, sizeof *acc);
	acc->done_tod_ms = -1;
	epoch_reset(acc);
}

/* Turn the epoch into a fix and start the next. Mode: the GSA's when one
 * came, else what GGA implies (an altitude means 3D), else 2D from a valid
 * RMC. The date: this epoch's RMC, else the last one, a day later when the
 * time of day went back by more than half a day (midnight passed). */
static void complete(struct yzf_nmea_fix *acc, struct yzf_fix *out,
		     bool *ready)
{
	struct yzf_fix *f = &acc->fix;
	*ready = false;
	if (!(acc->seen & (SEEN_GGA | SEEN_RMC)) || acc->tod_ms < 0)
		return; /* only GSAs so far: they wait for their epoch */
	bool pos = acc->has_pos;
	if (acc->gsa_fix >= 1)
		f->mode = (uint8_t)acc->gsa_fix;
	else if (acc->seen & SEEN_GGA)
		f->mode = !acc->gga_valid || !pos ? YZF_FIX_MODE_NONE
			  : f->alt_mm != YZF_FIX_ABSENT ? YZF_FIX_MODE_3D
							: YZF_FIX_MODE_2D;
	else
		f->mode = acc->rmc_valid && pos ? YZF_FIX_MODE_2D
						: YZF_FIX_MODE_NONE;
	f->valid = pos && f->mode >= YZF_FIX_MODE_2D &&
		   (!(acc->seen & SEEN_GGA) || acc->gga_valid) &&
		   (!(acc->seen & SEEN_RMC) || acc->rmc_valid);
	f->accuracy_mm = acc->gst_mm;
	if (acc->gsa_sats > f->sats_used)
		f->sats_used = (uint8_t)(acc->gsa_sats > 255 ? 255 : acc->gsa_sats);
	if (acc->have_day) {
		int64_t day = acc->day;
		if (acc->tod_ms + MS_PER_DAY / 2 < acc->day_tod_ms)
			day++;
		f->time_ms = day * MS_PER_DAY + acc->tod_ms;
	}
	f->source = YZF_FIX_SRC_GNSS_NMEA;
	f->mono_ms = 0;
	*out = *f;
	*ready = true;
	acc->done_tod_ms = acc->tod_ms;
	epoch_reset(acc);
}

void yzf_nmea_fix_flush(struct yzf_nmea_fix *acc, struct yzf_fix *out,
			bool *ready)
{
	complete(acc, out, ready);
}

/* A timed sentence: a new time of day ends the epoch being built (and
 * hands it out); the first timed sentence of an epoch names its time, so
 * the GSAs that came before it stay in. One more sentence of an epoch
 * already handed out (a second talker's GGA) is dropped: false. */
static bool timed(struct yzf_nmea_fix *acc, int32_t t, struct yzf_fix *out,
		  bool *ready)
{
	if (acc->tod_ms < 0 && t == acc->done_tod_ms)
		return false;
	if (acc->tod_ms >= 0 && acc->tod_ms != t)
		complete(acc, out, ready);
	acc->tod_ms = t;
	return true;
}

int yzf_nmea_fix_add(struct yzf_nmea_fix *acc,
		     const struct yzf_nmea_sentence *s, struct yzf_fix *out,
		     bool *ready)
{
	struct yzf_fix *f = &acc->fix;
	*ready = false;
	switch (s->kind) {
	case YZF_NMEA_GGA: {
		const struct yzf_nmea_gga *g = &s->u.gga;
		if (g->time_ms < 0 || !timed(acc, g->time_ms, out, ready))
			return YZF_OK; /* no epoch to put it in */
		acc->seen |= SEEN_GGA;
		acc->gga_valid = g->quality > 0;
		f->quality = (uint8_t)(g->quality > 0 ? g->quality : 0);
		if (g->has_pos) {
			f->lat_e7 = g->lat_e7;
			f->lon_e7 = g->lon_e7;
			acc->has_pos = true;
		}
		f->alt_mm = g->alt_mm;
		if (g->hdop_x100 != YZF_FIX_ABSENT)
			f->hdop_x100 = g->hdop_x100;
		if (g->sats > f->sats_used)
			f->sats_used = (uint8_t)g->sats;
		if (!(acc->seen & SEEN_GSA))
			f->systems |= (uint16_t)system_of_talker(s->talker);
		break;
	}
	case YZF_NMEA_RMC: {
		const struct yzf_nmea_rmc *r = &s->u.rmc;
		if (r->time_ms < 0 || !timed(acc, r->time_ms, out, ready))
			return YZF_OK;
		acc->seen |= SEEN_RMC;
		acc->rmc_valid = r->valid;
		if (r->has_pos && !acc->has_pos) { /* GGA's when both */
			f->lat_e7 = r->lat_e7;
			f->lon_e7 = r->lon_e7;
			acc->has_pos = true;
		}
		f->speed_mm_s = r->speed_mm_s;
		f->course_cdeg = r->course_cdeg;
		if (r->has_date) {
			acc->have_day = true;
			acc->day = r->day;
			acc->day_tod_ms = r->time_ms;
		}
		if (!(acc->seen & SEEN_GSA))
			f->systems |= (uint16_t)system_of_talker(s->talker);
		break;
	}
	case YZF_NMEA_GSA: {
		const struct yzf_nmea_gsa *g = &s->u.gsa;
		if (!(acc->seen & SEEN_GSA))
			f->systems = 0; /* GSA knows better than talkers */
		acc->seen |= SEEN_GSA;
		if (g->fix_type > acc->gsa_fix)
			acc->gsa_fix = g->fix_type;
		acc->gsa_sats += g->n_sats;
		if (f->hdop_x100 == YZF_FIX_ABSENT)
			f->hdop_x100 = g->hdop_x100;
		unsigned sys = 0;
		if (g->system_id > 0)
			sys = system_of_id(g->system_id);
		else if (s->talker != YZF_TALKER_GN)
			sys = system_of_talker(s->talker);
		else
			for (int i = 0; i < g->n_sats; i++)
				sys |= system_of_prn(g->sats[i]);
		if (g->n_sats > 0)
			f->systems |= (uint16_t)sys;
		break;
	}
	case YZF_NMEA_GSV:
		break; /* satellites in view say nothing about the fix */
	case YZF_NMEA_GST: {
		const struct yzf_nmea_gst *g = &s->u.gst;
		if (g->lat_mm != YZF_FIX_ABSENT && g->lon_mm != YZF_FIX_ABSENT)
			acc->gst_mm = hypot_mm(g->lat_mm, g->lon_mm);
		break;
	}
	default:
		return YZF_EINVAL;
	}
	if ((acc->seen & (SEEN_GGA | SEEN_RMC)) == (SEEN_GGA | SEEN_RMC)) {
		bool done;
		complete(acc, out, &done);
		*ready = *ready || done;
	}
	return YZF_OK;
}

int yzf_nmea_fix_feed(struct yzf_nmea_fix *acc, const char *s, size_t n,
		      struct yzf_fix *out, bool *ready)
{
	struct yzf_nmea_sentence st;
	*ready = false;
	int rc = yzf_nmea_parse(s, n, &st);
	return rc ? rc : yzf_nmea_fix_add(acc, &st, out, ready);
}

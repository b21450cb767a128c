/* Hex and time helpers. Times are formatted by hand rather than through
 * gmtime/strftime: the core makes no OS calls and must give the same bytes
 * on every platform, whatever its locale or zone database. */
#include "util.h"

#include <string.h>

void yzf_hex(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool yzf_unhex(const char *s, size_t slen, uint8_t *out, size_t n)
{
	if (slen != 2 * n)
		return false;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil), valid far beyond any time a record can carry. */
int64_t yzf_days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void yzf_civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = yoe + era * 400 + (*m <= 2);
}

int64_t yzf_floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static char *put_digits(char *p, int64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

bool yzf_time_ok(int64_t ms, int32_t tz_min)
{
	if (tz_min < -840 || tz_min > 840 || ms < 0 || ms >= 253402300800000LL)
		return false;
	int64_t local = ms + (int64_t)tz_min * 60000;
	return local >= 0 && local < 253402300800000LL;
}

void yzf_time_fmt(int64_t ms, int32_t tz_min, char *out)
{
	int64_t local = ms + (int64_t)tz_min * 60000;
	int64_t days = yzf_floordiv(local, 86400000);
	int64_t rem = local - days * 86400000;
	int64_t y, mo, d;
	yzf_civil_from_days(days, &y, &mo, &d);
	int32_t off = tz_min < 0 ? -tz_min : tz_min;
	char *p = out;
	p = put_digits(p, y < 0 ? 0 : y % 10000, 4);
	*p++ = '-';
	p = put_digits(p, mo, 2);
	*p++ = '-';
	p = put_digits(p, d, 2);
	*p++ = 'T';
	p = put_digits(p, rem / 3600000, 2);
	*p++ = ':';
	p = put_digits(p, rem / 60000 % 60, 2);
	*p++ = ':';
	p = put_digits(p, rem / 1000 % 60, 2);
	*p++ = '.';
	p = put_digits(p, rem % 1000, 3);
	*p++ = tz_min < 0 ? '-' : '+';
	p = put_digits(p, off / 60 % 100, 2);
	*p++ = ':';
	p = put_digits(p, off % 60, 2);
	*p = 0;
}

static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool yzf_time_parse(const char *s, size_t n, int64_t *ms, int32_t *tz_min)
{
	int y, mo, d, h, mi, se, frac, oh, om;
	if (n != YZF_TIME_LEN || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != '.' ||
	    (s[23] != '+' && s[23] != '-') || s[26] != ':')
		return false;
	if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) ||
	    !digits(s + 8, 2, &d) || !digits(s + 11, 2, &h) ||
	    !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &se) ||
	    !digits(s + 20, 3, &frac) || !digits(s + 24, 2, &oh) ||
	    !digits(s + 27, 2, &om))
		return false;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || se > 59 ||
	    oh > 14 || om > 59)
		return false;
	int32_t tz = oh * 60 + om;
	if (y < 1970 || tz > 840)
		return false; /* the documented range: 1970..9999, +-14:00 */
	if (s[23] == '-') {
		if (tz == 0)
			return false; /* UTC is written +00:00, one spelling */
		tz = -tz;
	}
	int64_t days = yzf_days_from_civil(y, mo, d);
	*ms = ((days * 24 + h) * 60 + mi) * 60000LL + se * 1000LL + frac -
	      (int64_t)tz * 60000;
	if (*ms < 0)
		return false;
	*tz_min = tz;
	return true;
}

void yzf_put_hex(struct yzf_buf *b, const uint8_t *p, size_t n)
{
	char hex[2 * 64 + 1];
	for (size_t done = 0; done < n;) {
		size_t k = n - done < 64 ? n - done : 64;
		yzf_hex(p + done, k, hex);
		if (done == 0)
			yzf_buf_putc(b, '"');
		yzf_buf_put(b, hex, 2 * k);
		done += k;
	}
	if (n == 0)
		yzf_buf_putc(b, '"');
	yzf_buf_putc(b, '"');
}

void yzf_put_time(struct yzf_buf *b, int64_t ms, int32_t tz)
{
	char t[YZF_TIME_LEN + 1];
	yzf_time_fmt(ms, tz, t);
	yzf_buf_putc(b, '"');
	yzf_buf_put(b, t, YZF_TIME_LEN);
	yzf_buf_putc(b, '"');
}

void yzf_cur_fail(struct yzf_canon_cur *c, const char *why)
{
	if (!c->err.why) {
		c->err.off = c->off;
		c->err.why = why;
	}
}

void yzf_cur_hex(struct yzf_canon_cur *c, const char *key, uint8_t *out,
		 size_t n, const char *why)
{
	const uint8_t *s;
	size_t len;
	if (yzf_canon_key(c, key) || yzf_canon_str(c, &s, &len))
		return;
	if (!yzf_unhex((const char *)s, len, out, n))
		yzf_cur_fail(c, why);
}

void yzf_cur_time(struct yzf_canon_cur *c, const char *key, int64_t *ms,
		  int32_t *tz, const char *why)
{
	const uint8_t *s;
	size_t len;
	if (yzf_canon_key(c, key) || yzf_canon_str(c, &s, &len))
		return;
	if (!yzf_time_parse((const char *)s, len, ms, tz) ||
	    !yzf_time_ok(*ms, *tz))
		yzf_cur_fail(c, why);
}

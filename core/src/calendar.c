/* The working-day calendar: a strict reader of the calendar document and
 * the counts every deadline is made of. The days sit in one sorted array
 * and are found by binary search; every count walks day by day, so each
 * rule (start-exclusive, roll-over, provisional) is one visible step. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yzf/calendar.h"
#include "yzf/canon.h"
#include "yzf/time.h"
#include "util.h"

#define DAY_MS 86400000LL
#define TZ_MS (YZF_CALENDAR_TZ * 60000LL)

struct day {
	int64_t date;
	bool off;
	char name[YZF_MAX_CALENDAR_NAME];
};

struct yzf_calendar {
	struct yzf_calendar_info info;
	struct day days[]; /* info.n of them, sorted by date */
};

/* --- Dates. ------------------------------------------------------------ */

int64_t yzf_date_of(int64_t ms)
{
	return yzf_floordiv(ms + TZ_MS, DAY_MS);
}

int64_t yzf_date_end_ms(int64_t date)
{
	return (date + 1) * DAY_MS - TZ_MS;
}

/* 1970-01-01 was a Thursday (ISO 4). */
int yzf_date_weekday(int64_t date)
{
	return (int)((date % 7 + 10) % 7) + 1;
}

static bool num(const char *s, int n, int *out)
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

bool yzf_date_parse(const char *s, size_t n, int64_t *date)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31 };
	int y, m, d;
	if (n != YZF_DATE_LEN || s[4] != '-' || s[7] != '-' ||
	    !num(s, 4, &y) || !num(s + 5, 2, &m) || !num(s + 8, 2, &d))
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !leap))
		return false;
	*date = yzf_days_from_civil(y, m, d);
	return true;
}

static char *put2(char *p, int64_t v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

void yzf_date_fmt(int64_t date, char *out)
{
	int64_t y, m, d;
	yzf_civil_from_days(date, &y, &m, &d);
	char *p = put2(out, y / 100 % 100);
	p = put2(p, y % 100);
	*p++ = '-';
	p = put2(p, m);
	*p++ = '-';
	p = put2(p, d);
	*p = 0;
}

/* --- Reading the document. --------------------------------------------- */

/* One reading of the document. The reader runs twice: first with cal
 * NULL, to check everything and count the days, then into a calendar of
 * exactly that size, so the days take one allocation and a refused
 * document takes none. */
struct reader {
	struct yzf_canon_cur c;
	struct yzf_calendar *cal;  /* NULL on the first pass */
	struct yzf_calendar_info info;
	const char *field;         /* where the cursor is, for messages */
	bool in_days;              /* then days[n] is where */
	size_t n;                  /* days read */
	int64_t prev;              /* the last date read, -1 before the first */
	int rc;
	char *msg;
	size_t cap;
};

/* Keep the first refusal and its message; later ones only follow it. */
static int refuse(struct reader *r, int rc, const char *fmt, ...)
{
	va_list ap;
	if (r->rc)
		return r->rc;
	r->rc = rc;
	if (r->msg && r->cap) {
		va_start(ap, fmt);
		vsnprintf(r->msg, r->cap, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* Turn a cursor failure into a refusal naming the field or entry. */
static bool cursor_ok(struct reader *r)
{
	if (!r->c.err.why)
		return true;
	if (r->in_days)
		refuse(r, YZF_ENONCANON, "days[%zu]: at byte %zu: %s", r->n,
		       r->c.err.off, r->c.err.why);
	else
		refuse(r, YZF_ENONCANON, "%s: at byte %zu: %s", r->field,
		       r->c.err.off, r->c.err.why);
	return false;
}

/* Move on to the next key; a failure so far belongs to the field before. */
static bool key(struct reader *r, const char *name)
{
	if (!cursor_ok(r))
		return false;
	r->field = name;
	yzf_canon_key(&r->c, name);
	return true;
}

/* A "YYYY-MM-DD" string; the raw text is quoted back when it is not a
 * date (canonical strings hold no raw control bytes). */
static bool read_date(struct reader *r, const char *what, int64_t *date)
{
	const uint8_t *s;
	size_t n;
	yzf_canon_str(&r->c, &s, &n);
	if (!cursor_ok(r))
		return false;
	if (yzf_date_parse((const char *)s, n, date))
		return true;
	if (r->in_days)
		refuse(r, YZF_EINVAL, "days[%zu]: date \"%.*s\" is not a "
		       "date YYYY-MM-DD in 1970..9999", r->n,
		       (int)(n > 32 ? 32 : n), (const char *)s);
	else
		refuse(r, YZF_EINVAL, "%s \"%.*s\" is not a date YYYY-MM-DD "
		       "in 1970..9999", what, (int)(n > 32 ? 32 : n),
		       (const char *)s);
	return false;
}

static bool jurisdiction_ok(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++) {
		bool upper = s[i] >= 'A' && s[i] <= 'Z';
		bool digit = s[i] >= '0' && s[i] <= '9';
		if (i < 2 ? !upper : i == 2 ? s[i] != '-' : !upper && !digit)
			return false;
	}
	return n == 2 || (n >= 4 && n <= 6);
}

static bool read_jurisdiction(struct reader *r)
{
	char *j = r->info.jurisdiction;
	int rc = yzf_canon_str_copy(&r->c, j, sizeof r->info.jurisdiction);
	if (rc == YZF_ENONCANON)
		return cursor_ok(r);
	if (rc || !jurisdiction_ok(j)) {
		refuse(r, YZF_EINVAL, "jurisdiction is not [A-Z]{2} or "
		       "[A-Z]{2}-[A-Z0-9]{1,3}");
		return false;
	}
	return true;
}

static bool read_header(struct reader *r)
{
	struct yzf_calendar_info *in = &r->info;
	int64_t v;
	r->field = "document";
	yzf_canon_byte(&r->c, '{');
	if (!key(r, "v"))
		return false;
	yzf_canon_int(&r->c, 1, 1, &v);
	yzf_canon_byte(&r->c, ',');
	if (!key(r, "version"))
		return false;
	yzf_canon_int(&r->c, 1, YZF_CANON_INT_MAX, &in->version);
	yzf_canon_byte(&r->c, ',');
	if (!key(r, "jurisdiction") || !read_jurisdiction(r))
		return false;
	yzf_canon_byte(&r->c, ',');
	if (!key(r, "last_notice") ||
	    !read_date(r, "last_notice", &in->last_notice))
		return false;
	yzf_canon_byte(&r->c, ',');
	if (!key(r, "days"))
		return false;
	yzf_canon_byte(&r->c, '[');
	return cursor_ok(r);
}

/* "off": the literal true or false. */
static bool read_off(struct reader *r, bool *off)
{
	const uint8_t *s;
	size_t n;
	yzf_canon_value(&r->c, &s, &n);
	if (!cursor_ok(r))
		return false;
	if (n == 4 && memcmp(s, "true", 4) == 0)
		*off = true;
	else if (n == 5 && memcmp(s, "false", 5) == 0)
		*off = false;
	else {
		refuse(r, YZF_EINVAL, "days[%zu]: off is not true or false",
		       r->n);
		return false;
	}
	return true;
}

static bool read_name(struct reader *r, struct day *d, const char *ds)
{
	int rc = yzf_canon_str_copy(&r->c, d->name, sizeof d->name);
	if (rc == YZF_ERANGE) {
		refuse(r, YZF_ERANGE, "days[%zu] (%s): name is %d bytes or "
		       "longer", r->n, ds, YZF_MAX_CALENDAR_NAME);
		return false;
	}
	if (rc == YZF_EINVAL) {
		refuse(r, YZF_EINVAL, "days[%zu] (%s): name holds U+0000",
		       r->n, ds);
		return false;
	}
	if (!cursor_ok(r))
		return false;
	if (!d->name[0]) {
		refuse(r, YZF_EINVAL, "days[%zu] (%s): name is empty", r->n,
		       ds);
		return false;
	}
	return true;
}

/* The rules that make the list the one spelling of a calendar: sorted,
 * each date once, nothing a notice does not cover, only deviations. */
static bool day_ok(struct reader *r, const struct day *d, const char *ds)
{
	char prev[YZF_DATE_LEN + 1];
	if (r->prev >= 0 && d->date <= r->prev) {
		yzf_date_fmt(r->prev, prev);
		refuse(r, YZF_EINVAL, "days[%zu] (%s): %s days[%zu] (%s): "
		       "days must be sorted by date, each date once", r->n, ds,
		       d->date == r->prev ? "same date as" : "before",
		       r->n - 1, prev);
	} else if (d->date > r->info.last_notice) {
		refuse(r, YZF_EINVAL, "days[%zu] (%s): after last_notice",
		       r->n, ds);
	} else if (!d->off && yzf_date_weekday(d->date) <= 5) {
		refuse(r, YZF_EINVAL, "days[%zu] (%s): a working Monday to "
		       "Friday is no deviation", r->n, ds);
	}
	return !r->rc;
}

static bool read_day(struct reader *r)
{
	struct day d = { 0 };
	char ds[YZF_DATE_LEN + 1];
	yzf_canon_byte(&r->c, '{');
	yzf_canon_key(&r->c, "date");
	if (!cursor_ok(r) || !read_date(r, "date", &d.date))
		return false;
	yzf_date_fmt(d.date, ds);
	yzf_canon_byte(&r->c, ',');
	yzf_canon_key(&r->c, "off");
	if (!cursor_ok(r) || !read_off(r, &d.off))
		return false;
	yzf_canon_byte(&r->c, ',');
	yzf_canon_key(&r->c, "name");
	if (!cursor_ok(r) || !read_name(r, &d, ds))
		return false;
	yzf_canon_byte(&r->c, '}');
	if (!cursor_ok(r) || !day_ok(r, &d, ds))
		return false;
	if (r->cal)
		r->cal->days[r->n] = d;
	r->prev = d.date;
	r->n++;
	return true;
}

static int read_doc(struct reader *r, const uint8_t *doc, size_t len)
{
	yzf_canon_cur_init(&r->c, doc, len);
	r->n = 0;
	r->prev = -1;
	r->in_days = false;
	if (!read_header(r))
		return r->rc;
	r->in_days = true;
	while (!yzf_canon_peek(&r->c, ']')) {
		if (r->n)
			yzf_canon_byte(&r->c, ',');
		if (!read_day(r))
			return r->rc;
	}
	r->in_days = false;
	r->field = "document";
	yzf_canon_byte(&r->c, ']');
	yzf_canon_byte(&r->c, '}');
	yzf_canon_end(&r->c);
	cursor_ok(r);
	return r->rc;
}

int yzf_calendar_create(const uint8_t *doc, size_t len,
			struct yzf_calendar **out, char *msg, size_t cap)
{
	struct reader r = { .msg = msg, .cap = cap };
	if (msg && cap)
		msg[0] = 0;
	if (!out)
		return YZF_EINVAL;
	*out = NULL;
	if (!doc)
		return refuse(&r, YZF_EINVAL, "no document");
	if (read_doc(&r, doc, len))
		return r.rc;
	r.cal = calloc(1, sizeof *r.cal + r.n * sizeof r.cal->days[0]);
	if (!r.cal)
		return refuse(&r, YZF_ENOMEM, "out of memory for %zu days",
			      r.n);
	/* The second pass reads bytes the first accepted: it cannot fail. */
	read_doc(&r, doc, len);
	r.cal->info = r.info;
	r.cal->info.n = r.n;
	*out = r.cal;
	return YZF_OK;
}

void yzf_calendar_destroy(struct yzf_calendar *cal)
{
	free(cal);
}

void yzf_calendar_info(const struct yzf_calendar *cal,
		       struct yzf_calendar_info *info)
{
	*info = cal->info;
}

/* --- Counting. --------------------------------------------------------- */

static const struct day *find(const struct yzf_calendar *cal, int64_t date)
{
	size_t lo = 0, hi = cal->info.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cal->days[mid].date < date)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < cal->info.n && cal->days[lo].date == date ? &cal->days[lo]
							      : NULL;
}

bool yzf_calendar_is_working_day(const struct yzf_calendar *cal,
				 int64_t date)
{
	const struct day *d = find(cal, date);
	return d ? !d->off : yzf_date_weekday(date) <= 5;
}

const char *yzf_calendar_day_name(const struct yzf_calendar *cal,
				  int64_t date)
{
	const struct day *d = find(cal, date);
	return d ? d->name : NULL;
}

/* The days of 全国年节及纪念日放假办法 art.2 (as amended 2024, in force
 * 2025) with a fixed Gregorian date: 元旦 1 Jan, 劳动节 1-2 May, 国庆节
 * 1-3 Oct. Past the last notice they are the days most likely to move a
 * count; they are named, never guessed off. */
static bool fixed_holiday(int64_t date)
{
	int64_t y, m, d;
	yzf_civil_from_days(date, &y, &m, &d);
	return (m == 1 && d == 1) || (m == 5 && d <= 2) ||
	       (m == 10 && d <= 3);
}

/* Note a day a result depends on: past the last notice its status is a
 * guess, which makes the result provisional. */
static void rely_on(const struct yzf_calendar *cal, int64_t date,
		    struct yzf_calendar_due *due)
{
	if (date <= cal->info.last_notice)
		return;
	due->provisional = true;
	if (due->fixed_holiday < 0 && fixed_holiday(date))
		due->fixed_holiday = date;
}

/* Check a count's arguments and find the anchor's Beijing date. */
static int start(const struct yzf_calendar *cal, int64_t anchor_ms,
		 int32_t tz, int64_t n, const struct yzf_calendar_due *due,
		 int64_t *date)
{
	if (!cal || !due || n < 1 || !yzf_time_ok(anchor_ms, tz))
		return YZF_EINVAL;
	if (n > YZF_MAX_CALENDAR_SPAN)
		return YZF_ERANGE;
	*date = yzf_date_of(anchor_ms);
	return YZF_OK;
}

/* The next day of a walk from first, unless it leaves the span or the
 * dates a yzf time can carry. */
static bool step(int64_t first, int64_t *d)
{
	if (*d >= YZF_DATE_MAX || *d + 1 - first > YZF_MAX_CALENDAR_SPAN)
		return false;
	++*d;
	return true;
}

static void finish(const struct yzf_calendar *cal, int64_t date,
		   struct yzf_calendar_due *res, struct yzf_calendar_due *due)
{
	res->date = date;
	res->end_ms = yzf_date_end_ms(date);
	res->version = cal->info.version;
	*due = *res;
}

int yzf_calendar_add_working_days(const struct yzf_calendar *cal,
				  int64_t anchor_ms, int32_t tz, int64_t n,
				  struct yzf_calendar_due *due)
{
	struct yzf_calendar_due res = { .fixed_holiday = -1 };
	int64_t first, d, counted = 0;
	int rc = start(cal, anchor_ms, tz, n, due, &first);
	if (rc)
		return rc;
	/* Start-exclusive: the anchor's day is never day 1, whatever it is. */
	for (d = first; counted < n;) {
		if (!step(first, &d))
			return YZF_ERANGE;
		rely_on(cal, d, &res);
		counted += yzf_calendar_is_working_day(cal, d);
	}
	finish(cal, d, &res, due);
	return YZF_OK;
}

int yzf_calendar_add_natural_days(const struct yzf_calendar *cal,
				  int64_t anchor_ms, int32_t tz, int64_t n,
				  struct yzf_calendar_due *due)
{
	struct yzf_calendar_due res = { .fixed_holiday = -1 };
	int64_t first, d;
	int rc = start(cal, anchor_ms, tz, n, due, &first);
	if (rc)
		return rc;
	d = first + n;
	if (d > YZF_DATE_MAX)
		return YZF_ERANGE;
	rely_on(cal, d, &res);
	/* 民事诉讼法 art.85 by analogy: an end on a rest day moves to the
	 * first working day after it. */
	while (!yzf_calendar_is_working_day(cal, d)) {
		if (!step(first, &d))
			return YZF_ERANGE;
		res.rolled = true;
		rely_on(cal, d, &res);
	}
	finish(cal, d, &res, due);
	return YZF_OK;
}

int yzf_calendar_working_days_between(const struct yzf_calendar *cal,
				      int64_t from, int64_t to,
				      struct yzf_calendar_span *out)
{
	if (!cal || !out || from < 0 || from > YZF_DATE_MAX || to < 0 ||
	    to > YZF_DATE_MAX)
		return YZF_EINVAL;
	int64_t lo = from < to ? from : to, hi = from < to ? to : from;
	int64_t count = 0;
	if (hi - lo > YZF_MAX_CALENDAR_SPAN)
		return YZF_ERANGE;
	out->provisional = hi > lo && hi > cal->info.last_notice;
	for (int64_t d = lo + 1; d <= hi; d++)
		count += yzf_calendar_is_working_day(cal, d);
	out->days = to < from ? -count : count;
	out->version = cal->info.version;
	return YZF_OK;
}

/* yzf/calendar.h — the working-day calendar: one engine for every deadline.
 *
 * Every period of the deadline catalogue is counted here: working-day (WD)
 * periods (行政处罚法 art.85, 行政强制法 art.69) and calendar-day (CD)
 * periods with their holiday roll-over. The calendar is the reference set
 * named "calendar" (yzf/refset.h); its content is the canonical JSON
 * document of schemas/calendar.md, built from the State Council holiday
 * notices:
 *   {"v":1,"version":N,"jurisdiction":"CN-44","last_notice":"YYYY-MM-DD",
 *    "days":[{"date":"YYYY-MM-DD","off":true|false,"name":"..."},...]}
 * listing only what differs from a plain Monday-to-Friday week: holidays
 * (off, weekends included so their name is kept) and weekend working days
 * (调休, not off), sorted by date, each date once.
 *
 * Dates. A date is a day number: days since 1970-01-01, 0 ..
 * YZF_DATE_MAX (9999-12-31). Every date here is a Beijing date: the day of
 * an instant is taken at +08:00 (Asia/Shanghai, which has kept +08:00
 * since 1991) whatever zone the instant was recorded in, and a period
 * ends at 24:00 +08:00 of its due date.
 *
 * Counting. A working day is a listed day that is not off, or an unlisted
 * Monday to Friday. N WD from an anchor are start-exclusive: the anchor's
 * own day never counts, and when it is a rest day the next working day is
 * day 1. N CD from an anchor end on the anchor's date + N; when that is a
 * rest day the period rolls to the next working day (民事诉讼法 art.85,
 * applied by analogy: 期间届满的最后一日是法定休假日的，以法定休假日后的
 * 第一日为期间届满的日期). Weekends count as rest days for the roll-over.
 *
 * Past the calendar. Days after last_notice are counted as plain
 * Monday-to-Friday weeks, and any result that relied on such a day is
 * marked provisional: the State Council announces a year's holidays late
 * in the year before. The days with a fixed date in 全国年节及纪念日放假
 * 办法 art.2 (1 Jan; 1-2 May; 1-3 Oct) are not guessed off; the first one
 * a provisional result passed over is named, so a caller can say why it
 * may move. Lunar holidays are not computed.
 *
 * Versions. Each result carries the calendar version it was counted with:
 * store it with the deadline and count again when a newer calendar
 * arrives (next year's notice, a mid-year change).
 *
 * Ownership: yzf_calendar_create allocates one block (the days, in one
 * array) that yzf_calendar_destroy frees; nothing else allocates.
 * Threading: a calendar is never changed after it is created; any number
 * of threads may read it at once.
 */
#ifndef YZF_CALENDAR_H
#define YZF_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define YZF_DATE_MAX 2932896 /* 9999-12-31 */
#define YZF_DATE_LEN 10      /* "YYYY-MM-DD" */
/* Beijing time, minutes east of UTC: the zone of every date here. */
#define YZF_CALENDAR_TZ 480

/* --- Dates. ------------------------------------------------------------ */

/* The Beijing date of the instant ms (ms since the epoch, UTC). */
YZF_API int64_t yzf_date_of(int64_t ms);
/* The end of date: 24:00 Beijing time, as ms since the epoch. */
YZF_API int64_t yzf_date_end_ms(int64_t date);
/* Day of the week, ISO numbering: 1 Monday .. 7 Sunday. */
YZF_API int yzf_date_weekday(int64_t date);
/* Parse exactly "YYYY-MM-DD", a real Gregorian date in 1970..9999. */
YZF_API bool yzf_date_parse(const char *s, size_t n, int64_t *date);
/* Format date (0 .. YZF_DATE_MAX) as "YYYY-MM-DD"; out holds
 * YZF_DATE_LEN + 1 bytes. */
YZF_API void yzf_date_fmt(int64_t date, char *out);

/* --- The calendar. ----------------------------------------------------- */

struct yzf_calendar;

struct yzf_calendar_info {
	int64_t version;        /* the document's version, >= 1 */
	char jurisdiction[8];   /* "CN-44" */
	int64_t last_notice;    /* last date a notice covers */
	size_t n;               /* days listed */
};

/* Parse a calendar document doc[0..len) (read only, not kept) into a new
 * calendar, *out; free it with yzf_calendar_destroy. The document must be
 * canonical JSON in exactly the form above: v 1; version 1 .. 2^53-1;
 * jurisdiction [A-Z]{2} or [A-Z]{2}-[A-Z0-9]{1,3}; last_notice and every
 * date a real date; days sorted by date with each date once and none
 * after last_notice; a weekday that is not off is no deviation and is
 * refused; each name non-empty, shorter than YZF_MAX_CALENDAR_NAME bytes.
 * Returns YZF_OK; YZF_ENONCANON (bytes that are not canonical, keys not
 * in that order, v or version out of range), YZF_EINVAL (another rule
 * above, or doc or out NULL), YZF_ERANGE (a name too long) or
 * YZF_ENOMEM, with *out NULL (unless out is NULL). msg (may be NULL) receives a
 * message naming the entry and the rule, e.g.
 * "days[3] (2026-01-02): not after days[2] (2026-01-03): not sorted". */
YZF_API int yzf_calendar_create(const uint8_t *doc, size_t len,
				struct yzf_calendar **out, char *msg,
				size_t cap);
/* Free a calendar. Accepts NULL. */
YZF_API void yzf_calendar_destroy(struct yzf_calendar *cal);

/* The document's header fields. */
YZF_API void yzf_calendar_info(const struct yzf_calendar *cal,
			       struct yzf_calendar_info *info);

/* Whether date is a working day: as listed, else Monday to Friday. */
YZF_API bool yzf_calendar_is_working_day(const struct yzf_calendar *cal,
					 int64_t date);
/* The name of a listed date ("国庆节"), NULL for an unlisted one. Owned
 * by cal. A listed rest day is a notice holiday; an unlisted one is a
 * plain weekend (行政强制法 art.43 tells them apart). */
YZF_API const char *yzf_calendar_day_name(const struct yzf_calendar *cal,
					  int64_t date);

/* A period's end. */
struct yzf_calendar_due {
	int64_t date;           /* the due date (Beijing) */
	int64_t end_ms;         /* the deadline: 24:00 +08:00 of date */
	int64_t version;        /* the calendar version counted with */
	bool provisional;       /* relied on a day after last_notice */
	int64_t fixed_holiday;  /* provisional: the first 放假办法 art.2 day
				   with a fixed date it treated as ordinary;
				   -1 if none */
	bool rolled;            /* CD only: the end fell on a rest day and
				   moved to the next working day */
};

/* N working days from the instant anchor_ms (ms since the epoch, UTC),
 * recorded in zone tz (minutes east of UTC); the date is taken in Beijing
 * time whatever tz is, tz only has to be valid with anchor_ms
 * (yzf_time_ok). provisional when a day counted lies after last_notice.
 * Returns YZF_OK with *due filled; YZF_EINVAL for an invalid time, n < 1
 * or NULL pointers; YZF_ERANGE when the count would walk more than
 * YZF_MAX_CALENDAR_SPAN days or past 9999-12-31. */
YZF_API int yzf_calendar_add_working_days(const struct yzf_calendar *cal,
					  int64_t anchor_ms, int32_t tz,
					  int64_t n,
					  struct yzf_calendar_due *due);

/* N calendar days from anchor_ms: the anchor's Beijing date + n, rolled
 * to the next working day when that is a rest day (due->rolled).
 * provisional when the end or a day rolled over lies after last_notice.
 * Arguments and results as yzf_calendar_add_working_days. */
YZF_API int yzf_calendar_add_natural_days(const struct yzf_calendar *cal,
					  int64_t anchor_ms, int32_t tz,
					  int64_t n,
					  struct yzf_calendar_due *due);

/* A count of working days. */
struct yzf_calendar_span {
	int64_t days;           /* signed: negative when to < from */
	int64_t version;        /* the calendar version counted with */
	bool provisional;       /* a day counted lies after last_notice */
};

/* The working days after from up to and including to: those in
 * (from, to], or minus those in (to, from] when to < from; 0 when equal.
 * So yzf_calendar_add_working_days's due date is n working days after
 * the anchor's date. For workingDaysLate, from is the due date and to the
 * Beijing date of the act: an act on the rest days right after the due
 * date is late (its time is past end_ms) by 0 working days. Returns
 * YZF_OK; YZF_EINVAL for a date out of 0 .. YZF_DATE_MAX or NULL
 * pointers; YZF_ERANGE when the dates lie more than YZF_MAX_CALENDAR_SPAN
 * days apart. */
YZF_API int yzf_calendar_working_days_between(const struct yzf_calendar *cal,
					      int64_t from, int64_t to,
					      struct yzf_calendar_span *out);

#ifdef __cplusplus
}
#endif
#endif

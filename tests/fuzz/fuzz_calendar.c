/* fuzz_calendar.c — libFuzzer target for the calendar document reader.
 *
 * Properties checked on every input:
 *  - the reader never reads outside the input (ASan) and allocates only
 *    the calendar it returns (LeakSanitizer);
 *  - a refusal leaves *out NULL and a message naming what is wrong;
 *  - an accepted document is canonical JSON, and the calendar agrees with
 *    itself: a listed day's status is its listed status, a short count
 *    from the first listed day succeeds with the document's version, and
 *    the working days between its anchor and due date are the count.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "yzf/calendar.h"
#include "yzf/canon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct yzf_calendar *cal, const uint8_t *data,
		  size_t size)
{
	struct yzf_calendar_info in;
	struct yzf_calendar_due due;
	struct yzf_calendar_span sp;
	int64_t first = 0;
	if (yzf_canon_check(data, size, NULL))
		abort();
	yzf_calendar_info(cal, &in);
	if (in.version < 1 || in.last_notice < 0)
		abort();
	if (in.n && yzf_calendar_day_name(cal, in.last_notice + 1))
		abort();
	for (int64_t d = 0; d <= in.last_notice && d < 30000; d++)
		if (yzf_calendar_day_name(cal, d)) {
			first = d;
			break;
		}
	int64_t ms = yzf_date_end_ms(first) - 1;
	if (yzf_calendar_add_working_days(cal, ms, 480, 5, &due))
		return; /* only near 9999-12-31 */
	if (due.version != in.version || due.date <= first ||
	    !yzf_calendar_is_working_day(cal, due.date))
		abort();
	if (yzf_calendar_working_days_between(cal, first, due.date, &sp) ||
	    sp.days != 5)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct yzf_calendar *cal = NULL;
	char msg[256];
	int rc = yzf_calendar_create(data, size, &cal, msg, sizeof msg);
	if (rc) {
		if (cal || !msg[0])
			abort();
		return 0;
	}
	check(cal, data, size);
	yzf_calendar_destroy(cal);
	return 0;
}

/* yzf/time.h — the one spelling of times in signed data.
 *
 * RFC 3339 as yzf writes it: "2026-11-27T17:14:54.123+08:00", always with
 * milliseconds and a numeric offset (UTC is "+00:00", never "Z" or
 * "-00:00"), years 1970..9999, offsets up to +-14:00; a time
 * before the epoch in UTC is refused too. Formatted by hand, not through the C
 * library, so every platform and locale gives the same bytes. */
#ifndef YZF_TIME_H
#define YZF_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define YZF_TIME_LEN 29

/* Format ms since the epoch (UTC) in zone tz_min (minutes east of UTC);
 * out holds YZF_TIME_LEN + 1 bytes. */
YZF_API void yzf_time_fmt(int64_t ms, int32_t tz_min, char *out);
/* Whether ms in zone tz_min can be written in that form: the UTC instant
 * and the local time both within 1970..9999, |tz_min| <= 840. */
YZF_API bool yzf_time_ok(int64_t ms, int32_t tz_min);
/* Parse exactly that form (and only it); false otherwise. */
YZF_API bool yzf_time_parse(const char *s, size_t n, int64_t *ms,
			    int32_t *tz_min);

#ifdef __cplusplus
}
#endif
#endif

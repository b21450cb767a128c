/* util.h — small helpers shared inside the core (private). */
#ifndef YZF_UTIL_H
#define YZF_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Lowercase hex of n bytes into out (2n+1 bytes, NUL-terminated). */
void yzf_hex(const uint8_t *in, size_t n, char *out);
/* Parse exactly 2n lowercase hex digits; false on anything else. */
bool yzf_unhex(const char *s, size_t slen, uint8_t *out, size_t n);

/* Proleptic Gregorian dates as days since 1970-01-01, both ways, and
 * division rounding towards minus infinity (times before a day's start). */
int64_t yzf_days_from_civil(int64_t y, int64_t m, int64_t d);
void yzf_civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d);
int64_t yzf_floordiv(int64_t a, int64_t b);

#include "yzf/canon.h"
#include "yzf/time.h"

/* Writers and cursor readers for the fields every signed format shares:
 * lowercase hex strings and yzf times. The readers record the first
 * failure on the cursor (why is a static string) and read nothing more. */
void yzf_put_hex(struct yzf_buf *b, const uint8_t *p, size_t n);
void yzf_put_time(struct yzf_buf *b, int64_t ms, int32_t tz);
void yzf_cur_fail(struct yzf_canon_cur *c, const char *why);
void yzf_cur_hex(struct yzf_canon_cur *c, const char *key, uint8_t *out,
		 size_t n, const char *why);
void yzf_cur_time(struct yzf_canon_cur *c, const char *key, int64_t *ms,
		  int32_t *tz, const char *why);

#endif

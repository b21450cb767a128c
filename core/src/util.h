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

#include "yzf/time.h"

#endif

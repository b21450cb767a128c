/* log.c — see log.h. */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <yzf/time.h>

#ifndef SYNCD_LOG_LINE
#define SYNCD_LOG_LINE 1024
#endif

static const char *const level_names[] = { "error", "warn", "info", "debug" };

const char *syncd_log_level_name(enum syncd_log_level lv)
{
	return (unsigned)lv < 4 ? level_names[lv] : "?";
}

int syncd_log_level_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (strcasecmp(s, level_names[i]) == 0)
			return i;
	return -1;
}

int64_t syncd_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t syncd_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *syncd_log_clean(const char *in, char *out, size_t cap)
{
	size_t i = 0;
	if (cap == 0)
		return out;
	for (; in && in[i] && i + 1 < cap; i++) {
		unsigned char ch = (unsigned char)in[i];
		out[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	out[i] = '\0';
	return out;
}

/* The whole line is formatted first and written with one write(2): stderr
 * is unbuffered, and stdio would otherwise split it into several writes
 * that other threads' lines could land between. */
void syncd_log(const struct syncd_log *lg, enum syncd_log_level lv,
	       const char *fmt, ...)
{
	char line[SYNCD_LOG_LINE];
	char when[YZF_TIME_LEN + 1];
	va_list ap;
	size_t n;
	int k;

	if (lg && lv > lg->level)
		return;
	yzf_time_fmt(syncd_wall_ms(), 0, when);
	k = snprintf(line, sizeof line, "%s %s: ", when,
		     syncd_log_level_name(lv));
	n = k > 0 ? (size_t)k : 0;
	va_start(ap, fmt);
	k = vsnprintf(line + n, sizeof line - n, fmt, ap);
	va_end(ap);
	if (k < 0)
		k = 0;
	if ((size_t)k >= sizeof line - n) {
		n = sizeof line - 1;
		memcpy(line + n - 3, "...", 3);
	} else {
		n += (size_t)k;
	}
	/* a message must not be able to start a new line of its own */
	for (size_t i = 0; i < n; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	line[n++] = '\n';
	for (size_t off = 0; off < n;) {
		ssize_t w = write(STDERR_FILENO, line + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		off += (size_t)w;
	}
}

/* log.h — yzf-syncd's log lines and clocks.
 *
 * One line per event on stderr (systemd's journal keeps it), each written
 * with a single write(2) so lines from many connection threads never
 * interleave:
 *
 *     2026-11-27T09:00:00.123+00:00 info: listening on 127.0.0.1:8443
 *
 * Nothing secret is ever passed to these functions: no keys, no
 * Authorization values, no request bodies. Text that came from a client
 * (paths, peers) goes through syncd_log_clean first so it cannot forge
 * lines. A struct syncd_log is set once before threads start and only read
 * afterwards; every function here is safe from any thread.
 */
#ifndef YZF_SYNCD_LOG_H
#define YZF_SYNCD_LOG_H

#include <stddef.h>
#include <stdint.h>

enum syncd_log_level {
	SYNCD_LOG_ERROR = 0,
	SYNCD_LOG_WARN = 1,
	SYNCD_LOG_INFO = 2,
	SYNCD_LOG_DEBUG = 3,
};

struct syncd_log {
	enum syncd_log_level level; /* lines above this level are dropped */
};

/* Write one line at level lv (no trailing newline in fmt). Lines longer
 * than SYNCD_LOG_LINE bytes are cut and end in "...". */
void syncd_log(const struct syncd_log *lg, enum syncd_log_level lv,
	       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Copy at most cap - 1 bytes of untrusted text into out (NUL-terminated),
 * replacing bytes outside printable ASCII with '?'. Returns out. */
char *syncd_log_clean(const char *in, char *out, size_t cap);

/* The level named s ("error", "warn", "info", "debug"); -1 if none. */
int syncd_log_level_parse(const char *s);
const char *syncd_log_level_name(enum syncd_log_level lv);

/* Milliseconds on CLOCK_MONOTONIC: every deadline in yzf-syncd uses it, so
 * a wall-clock step never cuts or stretches a timeout. */
int64_t syncd_mono_ms(void);
/* Milliseconds since the epoch (UTC), for log lines and server_time. */
int64_t syncd_wall_ms(void);

#endif

/* yzf_port_sim.h — the simulated terminal: what tests and demos run on.
 *
 * Clock: starts at a settable time and runs with the real monotonic clock
 * (or stands still), can be jumped; zone +08:00. Entropy: the kernel's, or
 * a deterministic stream from a seed, for reproducible runs. Key store: the
 * Linux file key store under home/keystore, with faults: fail the Nth call,
 * or sleep before each get (to widen a window for kill tests). Location: an
 * NMEA log replayed on the sim clock (ports/sim/gps.c): from the moment the
 * port is made, the fix reported is the last one of the log whose time
 * after the log's first dated fix has elapsed on the sim clock; its
 * time_ms is moved onto the sim clock (replay start + that offset) and its
 * mono_ms set so its age is the sim clock's age of it; source is
 * YZF_FIX_SRC_SIM. Past the log's end the last fix stays, growing stale.
 * Without a log the port has no location device (its location member is
 * NULL).
 *
 * Settings come from the struct below or, for the yzf CLI, from the
 * environment:
 *   YZF_SIM_TIME=2026-11-27T09:00:00.000+08:00   start of the clock
 *   YZF_SIM_FROZEN=1          the clock does not advance by itself
 *   YZF_SIM_SEED=<text>       deterministic entropy
 *   YZF_SIM_KEYSTORE_DELAY_MS=<n>  sleep before each key store read
 *   YZF_SIM_FAIL_KEYSTORE=<n> the nth key store call fails (1-based)
 *   YZF_SIM_GPS=<file>       NMEA log to replay as the location device
 *   YZF_SIM_FAIL_GPS=<n>     the nth location call fails (1-based)
 *   YZF_SIM_RECORDER=<script> the synthetic recorder's segments, stops,
 *                             gaps and reboots (ports/sim/recorder.c)
 *   YZF_SIM_RECORDER_MS=<n>   length of each synthetic segment (10000)
 *   YZF_SIM_FAIL_RECORDER=<n> the nth recorder_next call fails
 *   YZF_SIM_FAIL_PRINTER=<n>  the nth print writes half and fails
 * Printer: the ESC/POS stream goes to a file (home/printer.escpos, or the
 * URI's path).
 */
#ifndef YZF_PORT_SIM_H
#define YZF_PORT_SIM_H
#include <yzf/port.h>

struct yzf_sim_opts {
	int64_t start_ms;        /* 0: now */
	bool frozen;
	const char *seed;        /* NULL: kernel entropy */
	int keystore_delay_ms;
	long fail_keystore_at;   /* 0: never */
	const char *gps_log;     /* NMEA log replayed as the location device;
				  * NULL: none. Read by yzf_port_sim_create,
				  * which fails (NULL, errno) if it cannot */
	long fail_gps_at;        /* the nth location call fails; 0: never */
	const char *recorder;    /* NULL: a recorder with nothing to give */
	long fail_recorder_at;   /* 0: never */
	long fail_printer_at;    /* 0: never */
};

/* Options from the environment variables above. */
void yzf_sim_opts_from_env(struct yzf_sim_opts *o);
struct yzf_port *yzf_port_sim_create(const char *home,
				     const struct yzf_sim_opts *o);
void yzf_port_sim_destroy(struct yzf_port *p);
/* Give the synthetic recorder a script (ports/sim/recorder.c says what it
 * may hold); NULL or "" leaves it with nothing to give. Replaces any
 * script not yet taken. */
int yzf_port_sim_recorder(struct yzf_port *p, const char *script);
/* Move the clock (wall only; the monotonic counter never goes back). */
void yzf_port_sim_set_time(struct yzf_port *p, int64_t ms);
#endif

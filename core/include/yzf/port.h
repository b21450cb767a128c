/* yzf/port.h — what the core needs from a platform.
 *
 * The core makes no OS calls of its own (SQLite, which does its own file
 * I/O, is the one exception): wall and monotonic clocks, entropy, the key
 * store, paths and the location device come through this struct, filled
 * by a port (ports/linux, ports/sim) and handed to yzf_open(). Like
 * sqlite3_vfs it is versioned: members are only ever appended, and a port
 * sets `version` to the YZF_PORT_VERSION it was written against. Optional
 * members may be NULL.
 *
 * Every function returns YZF_OK or a negative YZF_E code; ctx is the port's
 * own pointer, passed back unchanged. The port outlives every struct yzf
 * opened on it. Functions may be called from any thread that uses the
 * struct yzf (one at a time).
 */
#ifndef YZF_PORT_H
#define YZF_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Version 2 appended the location device, the recorder (recorder_next,
 * _read, _done) and the printer. */
#define YZF_PORT_VERSION 2u

struct yzf_fix;

/* Key store secrets are 32 bytes, named by short ASCII strings. */
#define YZF_PORT_SECRET_LEN 32

/* One segment of media the recorder closed, as the port describes it. The
 * times are the port's own readings of the same clocks as clock_wall and
 * clock_mono, so the core can tell whether the next segment follows. */
struct yzf_port_segment {
	int64_t start_ms, end_ms;     /* wall clock, ms since the epoch (UTC) */
	int64_t start_mono, end_mono; /* monotonic ms, clock_mono's clock */
	uint64_t boot;                /* names the monotonic clock's origin:
					 changes when the terminal reboots */
	char media[64];               /* media type, "video/mp4" */
	char stop[33];                /* "" or why the recorder was stopped
					 before this segment, when the port
					 knows: "stopped", "battery",
					 "reboot", "storage" ([a-z_]) */
};

enum yzf_port_path {
	YZF_PATH_STORE = 0, /* the terminal's SQLite store file */
};

struct yzf_port {
	uint32_t version;
	void *ctx;

	/* Wall clock: milliseconds since the Unix epoch (UTC) and the zone
	 * offset in minutes east of UTC to write with it (Beijing: 480). */
	int (*clock_wall)(void *ctx, int64_t *ms, int32_t *tz_min);
	/* Monotonic milliseconds since an arbitrary origin (boot). */
	int (*clock_mono)(void *ctx, int64_t *ms);
	/* Fill buf with n bytes from a cryptographically secure source. */
	int (*entropy)(void *ctx, void *buf, size_t n);

	/* The key store holds 32-byte secrets that never leave the port in
	 * a form stored with the data (hardware keystore, TEE, or a file
	 * apart from the store). get: copy the secret `name` into out; if it
	 * does not exist, create it when `create` is true, else return
	 * YZF_ENOTFOUND. The secret must be durable before get returns. */
	int (*keystore_get)(void *ctx, const char *name,
			    uint8_t out[YZF_PORT_SECRET_LEN], bool create);
	/* Destroy the secret `name` beyond recovery (crypto-erase). Returns
	 * YZF_OK also if it did not exist. */
	int (*keystore_destroy)(void *ctx, const char *name);

	/* Path of a file the core needs (enum yzf_port_path), NUL-terminated,
	 * owned by the port. */
	const char *(*path)(void *ctx, int which);

	/* Since version 2, optional. The newest fix of the location device
	 * (struct yzf_fix, yzf/location.h) into out, with mono_ms set from
	 * clock_mono when the fix reached the port, so its age can be told.
	 * Reads what has arrived and returns: it may wait for a first fix
	 * only as long as the port's header says. Returns YZF_OK (the fix may
	 * be !valid: a receiver without a solution), YZF_ENOTFOUND when no
	 * fix has arrived or no device is configured, YZF_EPORT when the
	 * device failed. */
	int (*location)(void *ctx, struct yzf_fix *out);
	/* Since version 2. The recorder (whole-process recording), optional:
	 * all three NULL on a terminal without one. The core pulls closed
	 * segments in the order they were recorded.
	 * next: YZF_OK with *seg filled when a segment is closed for writing
	 * and ready, YZF_ENOTFOUND if none is within wait_ms (0: do not
	 * wait). Until done is called the same segment is current.
	 * read: the current segment's next bytes, up to cap; *n = 0 at its
	 * end. The port gives the bytes as the capture wrote them.
	 * done: the core is finished with the current segment: stored true
	 * means the core holds it durably (the port may now delete its
	 * copy), false that the next call to next gives it again. */
	int (*recorder_next)(void *ctx, struct yzf_port_segment *seg,
			     int wait_ms);
	int (*recorder_read)(void *ctx, uint8_t *buf, size_t cap, size_t *n);
	int (*recorder_done)(void *ctx, bool stored);
	/* Version 2. Optional (NULL: no printer). Send buf[0..n), an ESC/POS
	 * stream (yzf/escpos.h), to the printer uri names in the port's own
	 * forms (NULL or "": the port's default printer) and return once every
	 * byte is handed over: YZF_OK, YZF_EPORT (no such printer, no
	 * connection) or YZF_EIO (a write failed or came short: the paper may
	 * hold part of the document). */
	int (*printer_write)(void *ctx, const char *uri, const void *buf,
			     size_t n);
};

#ifdef __cplusplus
}
#endif
#endif

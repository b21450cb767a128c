/* store_app.h — the store half of yzf-syncd as a syncd_app (syncd/api.h).
 *
 * syncd_app_open and syncd_app_close, declared by the network half in
 * syncd/net/app.h, are defined here (app.c): open makes the server store at
 * data_dir/store.db (creating data_dir and the store if needed), loads and
 * verifies the authority directory into it, starts the store's writer
 * thread and fills a syncd_app whose handle() serves POST /v1/push
 * (schemas/sync.md) from any number of connection threads at once. close
 * drains and frees everything; it accepts an app that failed to open or
 * was never opened (ctx NULL). This header adds the seams tests use.
 *
 * Threading: handle, healthy, stats and drain may be called concurrently
 * from any thread; open and close from one thread, with no call in flight.
 */
#ifndef YZF_SYNCD_STORE_APP_H
#define YZF_SYNCD_STORE_APP_H

#include <stddef.h>
#include <stdint.h>

#include "net/app.h" /* syncd_app_open, syncd_app_close, syncd_config */

/* Seams for tests; all members may be NULL. */
struct syncd_hooks {
	void *ctx;
	/* The server clock, ms since the epoch UTC (default CLOCK_REALTIME). */
	int64_t (*now_ms)(void *ctx);
	/* Called by the writer thread each time it wakes for work, before it
	 * takes the queued batches as one commit group: a test may hold it
	 * here so that batches queue up. */
	void (*writer_pause)(void *ctx);
};

/* syncd_app_open (net/app.h) returns 0, or a negative YZF_E… code after
 * printing the reason (the file, line and rule at fault) to stderr as
 * "yzf-syncd: ..."; on failure app is left with ctx NULL. This is the same
 * with hooks (may be NULL) and the message in msg instead of stderr. */
int syncd_app_open_with(const struct syncd_config *cfg,
			const struct syncd_hooks *hooks, struct syncd_app *app,
			char *msg, size_t cap);

/* syncd_app_close (net/app.h) drains (finishes queued batches), stops the
 * writer, closes the store and frees the app; it accepts ctx NULL. */

#endif

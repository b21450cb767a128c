/* app.h — how the program gets its application half.
 *
 * syncd/api.h is the seam net/ calls through (struct syncd_app); these two
 * functions make one; syncd/store/ provides them. Both are called from the
 * main thread only: open before the server starts, close after it has
 * drained and every connection thread has ended.
 */
#ifndef YZF_SYNCD_APP_H
#define YZF_SYNCD_APP_H

#include "api.h"
#include "config.h"

/* Open the application for cfg (which outlives it) and fill app's
 * callbacks and ctx. Returns 0, or a negative YZF_E code / -errno after
 * printing why to stderr; app is then unusable and need not be closed. */
int syncd_app_open(const struct syncd_config *cfg, struct syncd_app *app);

/* Release what open made; app->drain has already run. Accepts an app
 * whose ctx is NULL. */
void syncd_app_close(struct syncd_app *app);

#endif

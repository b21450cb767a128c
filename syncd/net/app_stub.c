/* app_stub.c — the application half until syncd/store/ is built.
 *
 * Healthy, counts nothing, and answers every /v1 request with 503
 * {"ok":false,"error":"unavailable","message":"store not built"}, so the
 * network half can be run and tested on its own. Linked only while
 * syncd_store_sources is empty (syncd/net/meson.build).
 */
#include <errno.h>
#include <stdlib.h>

#include "app.h"

struct stub {
	struct syncd_stats stats; /* all zero: there is no store */
};

static int stub_handle(void *ctx, const struct syncd_request *req,
		       struct syncd_response *resp)
{
	(void)ctx;
	(void)req;
	resp->status = 503;
	resp->content_type = "application/json";
	yzf_buf_puts(&resp->body, "{\"ok\":false,\"error\":\"unavailable\","
		     "\"message\":\"store not built\"}");
	return 0;
}

static int stub_healthy(void *ctx)
{
	(void)ctx;
	return 0;
}

static struct syncd_stats *stub_stats(void *ctx)
{
	return &((struct stub *)ctx)->stats;
}

static void stub_drain(void *ctx)
{
	(void)ctx;
}

int syncd_app_open(const struct syncd_config *cfg, struct syncd_app *app)
{
	(void)cfg;
	struct stub *s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	*app = (struct syncd_app){
		.ctx = s,
		.handle = stub_handle,
		.healthy = stub_healthy,
		.stats = stub_stats,
		.drain = stub_drain,
	};
	return 0;
}

void syncd_app_close(struct syncd_app *app)
{
	free(app->ctx);
	app->ctx = NULL;
}

/* route.c — see route.h. */
#include "route.h"

#include <string.h>
#include <yzf/time.h>

#include "log.h"

static const char *const json_type = "application/json";

/* The stable error tokens of schemas/sync.md, by status. */
static const char *error_code(int status)
{
	switch (status) {
	case 401: return "unauthorized";
	case 403: return "forbidden";
	case 404: return "not_found";
	case 413: case 431: return "too_large";
	case 429: return "too_many";
	case 503: return "unavailable";
	default: return status >= 500 ? "internal" : "bad_request";
	}
}

void syncd_route_error(struct syncd_response *resp, int status,
		       const char *message)
{
	char now[YZF_TIME_LEN + 1];
	yzf_buf_reset(&resp->body);
	resp->status = status;
	resp->content_type = json_type;
	yzf_time_fmt(syncd_wall_ms(), 0, now);
	yzf_buf_puts(&resp->body, "{\"ok\":false,\"error\":\"");
	yzf_buf_puts(&resp->body, error_code(status));
	yzf_buf_puts(&resp->body, "\",\"message\":");
	if (yzf_canon_put_str(&resp->body, message, strlen(message)))
		yzf_buf_puts(&resp->body, "\"\"");
	yzf_buf_puts(&resp->body, ",\"server_time\":\"");
	yzf_buf_puts(&resp->body, now);
	yzf_buf_puts(&resp->body, "\"}");
}

static void text(struct syncd_response *resp, int status, const char *s)
{
	resp->status = status;
	resp->content_type = "text/plain; charset=utf-8";
	yzf_buf_puts(&resp->body, s);
}

static void healthz(const struct syncd_router *r, struct syncd_response *resp)
{
	if (atomic_load(r->draining))
		text(resp, 503, "draining\n");
	else if (r->app->healthy(r->app->ctx) != 0)
		text(resp, 503, "unhealthy\n");
	else
		text(resp, 200, "ok\n");
}

static void v1(const struct syncd_router *r, const struct syncd_http_req *req,
	       const char *peer, struct syncd_response *resp)
{
	struct syncd_request q = {
		.method = req->method,
		.path = req->path,
		.query = req->query,
		.authorization = req->authorization,
		.content_type = req->content_type,
		.body = req->body,
		.body_len = req->body_len,
		.peer = peer,
	};
	int rc = r->app->handle(r->app->ctx, &q, resp);
	if (rc < 0 || resp->status < 100 || resp->status > 599 ||
	    resp->body.oom)
		syncd_route_error(resp, 500, "the request could not be "
				  "handled; see the server log");
	else if (!resp->content_type)
		resp->content_type = json_type;
}

void syncd_route(const struct syncd_router *r,
		 const struct syncd_http_req *req, const char *peer,
		 struct syncd_response *resp)
{
	bool get = strcmp(req->method, "GET") == 0;
	if (strncmp(req->path, "/v1/", 4) == 0) {
		v1(r, req, peer, resp);
	} else if (strcmp(req->path, "/healthz") == 0 ||
		   strcmp(req->path, "/metrics") == 0) {
		if (!get)
			syncd_route_error(resp, 405, "this path takes GET");
		else if (req->path[1] == 'h')
			healthz(r, resp);
		else {
			resp->status = 200;
			resp->content_type =
				"text/plain; version=0.0.4; charset=utf-8";
			syncd_metrics_render(r->metrics,
					     r->app->stats(r->app->ctx),
					     &resp->body);
		}
	} else {
		syncd_route_error(resp, 404, "no such path");
	}
	if (resp->body.oom)
		syncd_route_error(resp, 500, "out of memory");
}

/* The Linux port's constructor: paths under one home directory. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "yzf_port_linux.h"

struct linux_port {
	struct yzf_port port;
	char store[PATH_MAX];
	char keystore[PATH_MAX];
	struct yzf_linux_gps *gps;
	struct linux_rec *rec;
};

static int keystore_get(void *ctx, const char *name, uint8_t *out, bool create)
{
	return yzf_linux_keystore_get(((struct linux_port *)ctx)->keystore, name,
				      out, create);
}

static int keystore_destroy(void *ctx, const char *name)
{
	return yzf_linux_keystore_destroy(((struct linux_port *)ctx)->keystore,
					  name);
}

static const char *path(void *ctx, int which)
{
	return which == YZF_PATH_STORE ? ((struct linux_port *)ctx)->store
				       : NULL;
}

static int location(void *ctx, struct yzf_fix *out)
{
	return yzf_linux_gps_location(((struct linux_port *)ctx)->gps, out);
}

static int recorder_next(void *ctx, struct yzf_port_segment *seg, int wait_ms)
{
	return yzf_linux_rec_next(((struct linux_port *)ctx)->rec, seg, wait_ms);
}

static int recorder_read(void *ctx, uint8_t *buf, size_t cap, size_t *n)
{
	return yzf_linux_rec_read(((struct linux_port *)ctx)->rec, buf, cap, n);
}

static int recorder_done(void *ctx, bool stored)
{
	return yzf_linux_rec_done(((struct linux_port *)ctx)->rec, stored);
}

int yzf_port_linux_recorder(struct yzf_port *port, const char *dir)
{
	struct linux_port *p = port->ctx;
	struct linux_rec *r;
	int rc = yzf_linux_recorder_open(dir, &r);
	if (rc)
		return rc;
	yzf_linux_recorder_close(p->rec);
	p->rec = r;
	port->recorder_next = recorder_next;
	port->recorder_read = recorder_read;
	port->recorder_done = recorder_done;
	return YZF_OK;
}

struct yzf_port *yzf_port_linux_create(const char *home)
{
	if (mkdir(home, 0700) != 0 && errno != EEXIST)
		return NULL;
	struct linux_port *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	if ((size_t)snprintf(p->store, sizeof p->store, "%s/store.db", home) >=
		    sizeof p->store ||
	    (size_t)snprintf(p->keystore, sizeof p->keystore, "%s/keystore",
			     home) >= sizeof p->keystore) {
		free(p);
		errno = ENAMETOOLONG;
		return NULL;
	}
	p->port.version = YZF_PORT_VERSION;
	p->port.ctx = p;
	p->port.clock_wall = yzf_linux_clock_wall;
	p->port.clock_mono = yzf_linux_clock_mono;
	p->port.entropy = yzf_linux_entropy;
	p->port.keystore_get = keystore_get;
	p->port.keystore_destroy = keystore_destroy;
	p->port.path = path;
	const char *gps = getenv("YZF_GPS");
	int rc = yzf_linux_gps_create(gps, &p->gps);
	if (rc) {
		free(p);
		errno = rc == YZF_ENOMEM ? ENOMEM : EINVAL;
		return NULL;
	}
	if (gps && *gps && strcmp(gps, "none") != 0)
		p->port.location = location;
	p->port.printer_write = yzf_linux_printer_write;
	return &p->port;
}

void yzf_port_linux_destroy(struct yzf_port *p)
{
	if (!p)
		return;
	struct linux_port *lp = p->ctx;
	yzf_linux_gps_destroy(lp->gps);
	yzf_linux_recorder_close(lp->rec);
	free(lp);
}

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
	p->port.printer_write = yzf_linux_printer_write;
	return &p->port;
}

void yzf_port_linux_destroy(struct yzf_port *p)
{
	free(p ? p->ctx : NULL);
}

/* The Linux file key store with injected faults. */
#include <time.h>

#include "sim.h"
#include "yzf_port_linux.h"

static bool fault(struct sim_port *p)
{
	return p->o.fail_keystore_at > 0 &&
	       ++p->keystore_calls == p->o.fail_keystore_at;
}

int sim_keystore_get(void *ctx, const char *name, uint8_t *out, bool create)
{
	struct sim_port *p = ctx;
	if (p->o.keystore_delay_ms > 0) {
		struct timespec ts = { p->o.keystore_delay_ms / 1000,
				       (long)(p->o.keystore_delay_ms % 1000) *
					       1000000L };
		nanosleep(&ts, NULL);
	}
	if (fault(p))
		return YZF_EPORT;
	return yzf_linux_keystore_get(p->keystore, name, out, create);
}

int sim_keystore_destroy(void *ctx, const char *name)
{
	struct sim_port *p = ctx;
	if (fault(p))
		return YZF_EPORT;
	return yzf_linux_keystore_destroy(p->keystore, name);
}

/* The sim port's constructor and settings. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <yzf/time.h>

#include "sim.h"

static bool parse_time(const char *s, int64_t *ms);

void yzf_sim_opts_from_env(struct yzf_sim_opts *o)
{
	const char *v;
	memset(o, 0, sizeof *o);
	if ((v = getenv("YZF_SIM_TIME")) && *v && !parse_time(v, &o->start_ms))
		fprintf(stderr, "YZF_SIM_TIME: not a time like "
			"2026-11-27T09:00:00.000+08:00; using the real clock\n");
	o->frozen = (v = getenv("YZF_SIM_FROZEN")) && *v == '1';
	o->seed = getenv("YZF_SIM_SEED");
	if ((v = getenv("YZF_SIM_KEYSTORE_DELAY_MS")))
		o->keystore_delay_ms = atoi(v);
	if ((v = getenv("YZF_SIM_FAIL_KEYSTORE")))
		o->fail_keystore_at = atol(v);
	if ((v = getenv("YZF_SIM_GPS")) && *v)
		o->gps_log = v;
	if ((v = getenv("YZF_SIM_FAIL_GPS")))
		o->fail_gps_at = atol(v);
	o->recorder = getenv("YZF_SIM_RECORDER");
	if ((v = getenv("YZF_SIM_FAIL_RECORDER")))
		o->fail_recorder_at = atol(v);
	if ((v = getenv("YZF_SIM_FAIL_PRINTER")))
		o->fail_printer_at = atol(v);
}

static const char *path(void *ctx, int which)
{
	return which == YZF_PATH_STORE ? ((struct sim_port *)ctx)->store : NULL;
}

struct yzf_port *yzf_port_sim_create(const char *home,
				     const struct yzf_sim_opts *o)
{
	if (mkdir(home, 0700) != 0 && errno != EEXIST)
		return NULL;
	struct sim_port *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	if (o)
		p->o = *o;
	snprintf(p->store, sizeof p->store, "%s/store.db", home);
	snprintf(p->keystore, sizeof p->keystore, "%s/keystore", home);
	snprintf(p->printer, sizeof p->printer, "%s/printer.escpos", home);
	p->real_base = sim_real_mono();
	p->base_ms = p->o.start_ms;
	if (p->o.seed) {
		p->seeded = true;
		crypto_generichash(p->seed, sizeof p->seed,
				   (const uint8_t *)p->o.seed, strlen(p->o.seed),
				   NULL, 0);
	}
	p->port.version = YZF_PORT_VERSION;
	p->port.ctx = p;
	p->port.clock_wall = sim_clock_wall;
	p->port.clock_mono = sim_clock_mono;
	p->port.entropy = sim_entropy;
	p->port.keystore_get = sim_keystore_get;
	p->port.keystore_destroy = sim_keystore_destroy;
	p->port.path = path;
	sim_clock_wall(p, &p->gps_start_ms, &(int32_t){ 0 });
	if (p->o.gps_log) {
		if (sim_gps_open(p, p->o.gps_log) != 0) {
			int e = errno;
			yzf_port_sim_destroy(&p->port);
			errno = e;
			return NULL;
		}
		p->port.location = sim_location;
	}
	if (yzf_port_sim_recorder(&p->port, p->o.recorder) != YZF_OK) {
		yzf_port_sim_destroy(&p->port);
		return NULL;
	}
	p->port.printer_write = sim_printer_write;
	return &p->port;
}

void yzf_port_sim_destroy(struct yzf_port *p)
{
	if (p) {
		struct sim_port *s = p->ctx;
		free(s->gps);
		sim_recorder_free(s);
		sodium_memzero(s, sizeof *s);
		free(s);
	}
}

void yzf_port_sim_set_time(struct yzf_port *port, int64_t ms)
{
	struct sim_port *p = port->ctx;
	p->base_ms = ms;
	p->real_base = sim_real_mono();
}

static bool parse_time(const char *s, int64_t *ms)
{
	int32_t tz;
	return yzf_time_parse(s, strlen(s), ms, &tz);
}

/* Private state of the sim port, shared by its device files. */
#ifndef YZF_SIM_PRIV_H
#define YZF_SIM_PRIV_H
#include <limits.h>
#include <sodium.h>
#include "yzf_port_sim.h"

struct sim_port {
	struct yzf_port port;
	struct yzf_sim_opts o;
	char store[PATH_MAX];
	char keystore[PATH_MAX];
	int64_t base_ms;          /* wall time at real_base */
	int64_t real_base;        /* real monotonic ms at start */
	int64_t frozen_mono;      /* advances 1 ms per read when frozen */
	bool seeded;
	uint8_t seed[randombytes_SEEDBYTES];
	uint64_t stream;          /* deterministic entropy counter */
	long keystore_calls;
	char printer[PATH_MAX];   /* the default printer file */
	long printer_calls;
};

int sim_clock_wall(void *ctx, int64_t *ms, int32_t *tz_min);
int sim_clock_mono(void *ctx, int64_t *ms);
int sim_entropy(void *ctx, void *buf, size_t n);
int sim_keystore_get(void *ctx, const char *name, uint8_t *out, bool create);
int sim_keystore_destroy(void *ctx, const char *name);
int64_t sim_real_mono(void);
int sim_printer_write(void *ctx, const char *uri, const void *buf, size_t n);
#endif

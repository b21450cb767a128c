/* Private state of the sim port, shared by its device files. */
#ifndef YZF_SIM_PRIV_H
#define YZF_SIM_PRIV_H
#include <limits.h>
#include <sodium.h>
#include <yzf/location.h>
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
	struct yzf_fix *gps;      /* the replayed log's dated fixes */
	size_t gps_n;
	int64_t gps_start_ms;     /* sim wall time the replay began */
	long gps_calls;
	struct sim_rec *rec;      /* the synthetic recorder's script, or NULL */
	long recorder_calls;
	char printer[PATH_MAX];   /* the default printer file */
	long printer_calls;
};

int sim_clock_wall(void *ctx, int64_t *ms, int32_t *tz_min);
int sim_clock_mono(void *ctx, int64_t *ms);
int sim_entropy(void *ctx, void *buf, size_t n);
int sim_keystore_get(void *ctx, const char *name, uint8_t *out, bool create);
int sim_keystore_destroy(void *ctx, const char *name);
int64_t sim_real_mono(void);
/* Read and fold the NMEA log at path; -1 (errno set) if it cannot be read
 * or holds no dated fix. */
int sim_gps_open(struct sim_port *p, const char *path);
int sim_location(void *ctx, struct yzf_fix *out);
void sim_recorder_free(struct sim_port *p);
void sim_recorder_attach(struct yzf_port *port);
int sim_printer_write(void *ctx, const char *uri, const void *buf, size_t n);
#endif

/* Kernel entropy, or a deterministic ChaCha20 stream from the seed (each
 * request takes the next block of the stream), for reproducible runs. */
#include <string.h>

#include "sim.h"

int sim_entropy(void *ctx, void *buf, size_t n)
{
	struct sim_port *p = ctx;
	if (!p->seeded) {
		randombytes_buf(buf, n);
		return YZF_OK;
	}
	uint8_t seed[randombytes_SEEDBYTES];
	crypto_generichash_state st;
	crypto_generichash_init(&st, p->seed, sizeof p->seed, sizeof seed);
	crypto_generichash_update(&st, (const uint8_t *)&p->stream,
				  sizeof p->stream);
	crypto_generichash_final(&st, seed, sizeof seed);
	p->stream++;
	randombytes_buf_deterministic(buf, n, seed);
	sodium_memzero(seed, sizeof seed);
	return YZF_OK;
}

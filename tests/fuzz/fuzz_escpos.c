/* fuzz_escpos.c — libFuzzer target for the ESC/POS reader.
 *
 * Properties checked on every input:
 *  - the reader never reads outside the stream nor writes outside the
 *    caller's raster (ASan), whatever the bands claim;
 *  - reading with and without a raster agree on the outcome and the
 *    height when the raster is big enough;
 *  - an accepted stream's raster, written again by the encoder and read
 *    back, is the same raster.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "yzf/escpos.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP (1 << 16)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t bits[CAP], back[CAP], stream[CAP * 2];
	struct yzf_raster r, counted, again;
	struct yzf_escpos_info info;
	size_t bad = 0, n;
	int rc = yzf_escpos_parse(data, size, bits, CAP, &r, &info, &bad);
	int rc2 = yzf_escpos_parse(data, size, NULL, 0, &counted, NULL, NULL);
	if (rc != YZF_OK && rc != YZF_EINVAL && rc != YZF_ERANGE)
		abort();
	if (rc != YZF_OK && bad > size)
		abort();
	if (rc == YZF_OK) {
		if (rc2 != YZF_OK || counted.height != r.height ||
		    (size_t)r.height * r.stride > CAP)
			abort();
		if (!r.height)
			return 0;
		struct yzf_escpos_opts o = { .band_rows = 24 };
		if (yzf_escpos_encode(&r, &o, stream, sizeof stream, &n) ||
		    yzf_escpos_parse(stream, n, back, CAP, &again, NULL, NULL) ||
		    again.height != r.height || again.stride != r.stride ||
		    memcmp(back, bits, (size_t)r.height * r.stride))
			abort();
	}
	return 0;
}

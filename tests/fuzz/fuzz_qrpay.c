/* fuzz_qrpay.c — libFuzzer target for the QR receipt readers: Base45, the
 * payload decoder and the whole offline verification.
 *
 * Properties checked on every input:
 *  - nothing reads outside the input or the caller's buffers (ASan);
 *  - Base45 text that decodes encodes back to the same text (the encoding
 *    is one to one), and bytes always survive encode then decode;
 *  - a payload that decodes encodes back to the same bytes;
 *  - verification of the input as a QR text against a roster holding one
 *    key never says genuine (no signature can be found by chance) and
 *    always gives a reason with a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "yzf/base45.h"
#include "yzf/qrpay.h"
#include "yzf/roster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct yzf_roster R;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[512], again[512];
	char text[1100];
	size_t n, m;
	if (size > 340)
		return 0;
	if (yzf_base45_decode((const char *)data, size, out, sizeof out, &n)
	    == YZF_OK) {
		if (yzf_base45_encode(out, n, text, sizeof text, &m) ||
		    m != size || memcmp(text, data, size))
			abort();
	}
	if (yzf_base45_encode(data, size, text, sizeof text, &m) ||
	    yzf_base45_decode(text, m, again, sizeof again, &n) ||
	    n != size || memcmp(again, data, size))
		abort();
	struct yzf_qrpay p;
	char msg[200];
	if (yzf_qrpay_decode(data, size, &p, msg, sizeof msg) == YZF_OK) {
		if (yzf_qrpay_encode(&p, out, sizeof out, &n, msg, sizeof msg) ||
		    n != size || memcmp(out, data, size))
			abort();
	}
	/* one feed certificate whose key id any input can name */
	if (!R.ncerts) {
		R.ncerts = 1;
		R.certs[0].kind = 3;
		memset(R.certs[0].key, 0x30, sizeof R.certs[0].key);
		R.certs[0].not_after = INT64_MAX;
	}
	struct yzf_qr_verdict v;
	int rc = yzf_qrpay_verify((const char *)data, size, &R, 0, &v);
	if (rc == YZF_OK || v.reason == YZF_QRV_OK || !v.why[0])
		abort();
	/* the same with a valid prefix, so the later steps run too */
	memcpy(text, YZF_QRPAY_PREFIX, 4);
	memcpy(text + 4, data, size);
	rc = yzf_qrpay_verify(text, size + 4, &R, 0, &v);
	if (rc == YZF_OK || v.reason == YZF_QRV_OK || !v.why[0])
		abort();
	return 0;
}

/* The city issuing key, read from the authority directory for the few
 * things the daemon signs: feed certificates at enrollment, revocations and
 * reference data (admin), and the log's checkpoints. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yzf/cert.h>

#include "store.h"

/* The city certificate's key: the second line of trust.ndjson. */
static bool city_pk(const char *dir, uint8_t pk[YZF_KEY_LEN])
{
	char path[4200], *d = malloc(1 << 16);
	struct yzf_signed_cert city;
	snprintf(path, sizeof path, "%s/trust.ndjson", dir);
	FILE *f = d ? fopen(path, "rb") : NULL;
	size_t n = f ? fread(d, 1, (1 << 16) - 1, f) : 0;
	if (f)
		fclose(f);
	char *nl = n ? memchr(d, '\n', n) : NULL;
	bool ok = nl && yzf_cert_unline((uint8_t *)nl + 1,
					strcspn(nl + 1, "\n") < (size_t)(d + n - nl - 1)
						? strcspn(nl + 1, "\n")
						: (size_t)(d + n - nl - 1),
					&city, NULL) == YZF_OK &&
		  city.c.kind == YZF_CERT_CITY;
	if (ok)
		memcpy(pk, city.c.key, YZF_KEY_LEN);
	free(d);
	return ok;
}

uint8_t *syncd_city_sk(const char *dir, char *msg, size_t cap)
{
	char path[4200], buf[160];
	uint8_t pk[YZF_KEY_LEN];
	snprintf(path, sizeof path, "%s/city.sk", dir);
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	if (f)
		fclose(f);
	uint8_t *sk = sodium_malloc(64);
	const char *why = NULL;
	if (!sk)
		why = "out of memory";
	else if (n < 128 || sodium_hex2bin(sk, 64, buf, n, "\n", NULL, NULL))
		why = "not a city key (128 hex digits)";
	else if (!city_pk(dir, pk))
		why = "trust.ndjson holds no city certificate to check it by";
	else if (memcmp(sk + 32, pk, YZF_KEY_LEN) != 0)
		why = "not the key of the city certificate in trust.ndjson";
	sodium_memzero(buf, sizeof buf);
	if (why) {
		snprintf(msg, cap, "%s: %s", path, why);
		sodium_free(sk);
		return NULL;
	}
	return sk;
}

/* Entropy from the kernel CSPRNG (getrandom blocks until it is seeded). */
#include <errno.h>
#include <sys/random.h>

#include "yzf_port_linux.h"

int yzf_linux_entropy(void *ctx, void *buf, size_t n)
{
	unsigned char *p = buf;
	(void)ctx;
	while (n > 0) {
		ssize_t got = getrandom(p, n, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return YZF_EPORT;
		}
		p += got;
		n -= (size_t)got;
	}
	return YZF_OK;
}

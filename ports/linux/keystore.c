/* A file key store: each secret a 0600 file of 32 bytes in a 0700
 * directory, created with O_EXCL through a temporary name, fsynced, renamed
 * and the directory fsynced, so a secret is durable before it is used to
 * wrap anything. Destroying overwrites, fsyncs and unlinks. On flash,
 * overwriting is no guarantee of erasure: a terminal should put this
 * directory on hardware-backed storage; the design relies on the secret
 * being apart from the store, not on this overwrite. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yzf_port_linux.h"

static bool name_ok(const char *name)
{
	size_t n = strlen(name);
	return n > 0 && n < 64 && strspn(name, "abcdefghijklmnopqrstuvwxyz"
					       "0123456789-") == n;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static int read_all(int fd, uint8_t *out, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, out + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int yzf_linux_keystore_get(const char *dir, const char *name,
			   uint8_t out[YZF_PORT_SECRET_LEN], bool create)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	uint8_t secret[YZF_PORT_SECRET_LEN];
	int rc = YZF_EPORT, fd;
	if (!name_ok(name))
		return YZF_EINVAL;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		rc = read_all(fd, out, YZF_PORT_SECRET_LEN) ? YZF_EPORT : YZF_OK;
		close(fd);
		return rc;
	}
	if (errno != ENOENT)
		return YZF_EPORT;
	if (!create)
		return YZF_ENOTFOUND;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return YZF_EPORT;
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return YZF_EPORT;
	randombytes_buf(secret, sizeof secret);
	if (write_all(fd, secret, sizeof secret) == 0 && fsync(fd) == 0 &&
	    close(fd) == 0 && rename(tmp, path) == 0 && fsync_dir(dir) == 0) {
		memcpy(out, secret, sizeof secret);
		rc = YZF_OK;
	} else {
		unlink(tmp);
	}
	sodium_memzero(secret, sizeof secret);
	return rc;
}

int yzf_linux_keystore_destroy(const char *dir, const char *name)
{
	char path[PATH_MAX];
	uint8_t junk[YZF_PORT_SECRET_LEN];
	if (!name_ok(name))
		return YZF_EINVAL;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? YZF_OK : YZF_EPORT;
	randombytes_buf(junk, sizeof junk);
	int ok = write_all(fd, junk, sizeof junk) == 0 && fsync(fd) == 0;
	close(fd);
	if (!ok || unlink(path) != 0 || fsync_dir(dir) != 0)
		return YZF_EPORT;
	return YZF_OK;
}

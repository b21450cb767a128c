/* Evidence files over sync: resumable chunks, verified before they count. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yzf/time.h>

#include "blobs.h"
#include "ingest.h"

static int mkdir_p(const char *path)
{
	return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

int syncd_blobs_init(struct syncd_blobs *b, const char *data_dir,
		     uint64_t max_size, char *msg, size_t cap)
{
	char p[4200];
	memset(b, 0, sizeof *b);
	snprintf(b->dir, sizeof b->dir, "%s/blobs", data_dir);
	b->max_size = max_size;
	pthread_mutex_init(&b->mu, NULL);
	snprintf(p, sizeof p, "%s/part", b->dir);
	if (mkdir_p(b->dir) || mkdir_p(p)) {
		snprintf(msg, cap, "blobs: %s: %s", p, strerror(errno));
		return YZF_EIO;
	}
	snprintf(p, sizeof p, "%s/quarantine", b->dir);
	if (mkdir_p(p)) {
		snprintf(msg, cap, "blobs: %s: %s", p, strerror(errno));
		return YZF_EIO;
	}
	return YZF_OK;
}

void syncd_blobs_finish(struct syncd_blobs *b)
{
	pthread_mutex_destroy(&b->mu);
}

static bool hex64(const char *s, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool number(const char *s, size_t n, uint64_t *v)
{
	*v = 0;
	if (n == 0 || n > 15)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return true;
}

static int fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static void answer(struct syncd_response *resp, int status, const char *hash,
		   int64_t size, uint64_t have, bool complete, int64_t now)
{
	char t[YZF_TIME_LEN + 1], buf[400];
	yzf_time_fmt(now, 480, t);
	if (size >= 0)
		snprintf(buf, sizeof buf, "{\"ok\":%s,\"server_time\":\"%s\","
			 "\"hash\":\"%s\",\"size\":%" PRId64 ",\"have\":%" PRIu64
			 ",\"complete\":%s}", status == 200 ? "true" : "false", t,
			 hash, size, have, complete ? "true" : "false");
	else
		snprintf(buf, sizeof buf, "{\"ok\":%s,\"server_time\":\"%s\","
			 "\"hash\":\"%s\",\"size\":null,\"have\":%" PRIu64
			 ",\"complete\":%s}", status == 200 ? "true" : "false", t,
			 hash, have, complete ? "true" : "false");
	resp->status = status;
	resp->content_type = "application/json";
	yzf_buf_puts(&resp->body, buf);
}

/* BLAKE2b-256 of a file, as 64 hex. */
static int hash_file(const char *path, char out[65])
{
	crypto_generichash_state st;
	uint8_t buf[65536], h[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		crypto_generichash_update(&st, buf, (size_t)n);
	close(fd);
	if (n < 0)
		return -1;
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, 65, h, sizeof h);
	return 0;
}

int syncd_blobs_handle(struct syncd_blobs *b, const struct syncd_request *req,
		       struct syncd_response *resp, int64_t now)
{
	const char *rest = req->path + strlen("/v1/blobs/");
	char hash[65], done[4400], part[4300], sub[4200], msg[300];
	size_t hl = strcspn(rest, "/");
	uint64_t size = 0, offset = 0;
	struct stat sb;
	if (!hex64(rest, hl)) {
		syncd_answer_error(resp, 400, "bad_request", "blob: the path names "
				   "it by 64 lowercase hex digits of BLAKE2b-256",
				   now);
		return YZF_OK;
	}
	memcpy(hash, rest, 64);
	hash[64] = 0;
	snprintf(sub, sizeof sub, "%s/%.2s", b->dir, hash);
	snprintf(done, sizeof done, "%s/%s", sub, hash);
	snprintf(part, sizeof part, "%s/part/%s", b->dir, hash);
	bool post = req->method && strcmp(req->method, "POST") == 0;
	if (post) {
		const char *p = rest + 64, *q;
		if (*p != '/' || !(q = strchr(p + 1, '/')) ||
		    !number(p + 1, (size_t)(q - p - 1), &size) ||
		    !number(q + 1, strlen(q + 1), &offset)) {
			syncd_answer_error(resp, 400, "bad_request", "blob: POST "
					   "/v1/blobs/<hash>/<size>/<offset>", now);
			return YZF_OK;
		}
		if (size > b->max_size) {
			snprintf(msg, sizeof msg, "blob: %" PRIu64 " bytes, more "
				 "than the %" PRIu64 " accepted", size, b->max_size);
			syncd_answer_error(resp, 413, "too_large", msg, now);
			return YZF_OK;
		}
	} else if (rest[64] != 0) {
		syncd_answer_error(resp, 404, "not_found", "blob: GET "
				   "/v1/blobs/<hash>", now);
		return YZF_OK;
	}
	pthread_mutex_lock(&b->mu);
	if (stat(done, &sb) == 0) {
		/* held already: deduplicated, nothing to send */
		answer(resp, 200, hash, (int64_t)sb.st_size, (uint64_t)sb.st_size,
		       true, now);
		goto out;
	}
	uint64_t have = stat(part, &sb) == 0 ? (uint64_t)sb.st_size : 0;
	if (!post) {
		answer(resp, 200, hash, -1, have, false, now);
		goto out;
	}
	if (offset != have || offset + req->body_len > size ||
	    (req->body_len == 0 && size != 0)) {
		/* the terminal resends from what the server holds */
		answer(resp, 409, hash, (int64_t)size, have, false, now);
		goto out;
	}
	int fd = open(part, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	bool ok = fd >= 0;
	for (size_t w = 0; ok && w < req->body_len;) {
		ssize_t n = write(fd, req->body + w, req->body_len - w);
		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0;
		w += ok ? (size_t)n : 0;
	}
	/* durable before acknowledged */
	ok = ok && fsync(fd) == 0;
	if (fd >= 0)
		close(fd);
	if (!ok) {
		snprintf(msg, sizeof msg, "blob: cannot store the chunk: %s",
			 strerror(errno));
		syncd_answer_error(resp, 500, "internal", msg, now);
		goto out;
	}
	have = offset + req->body_len;
	if (have < size) {
		answer(resp, 200, hash, (int64_t)size, have, false, now);
		goto out;
	}
	char got[65];
	if (hash_file(part, got)) {
		syncd_answer_error(resp, 500, "internal", "blob: cannot read it "
				   "back", now);
		goto out;
	}
	if (strcmp(got, hash) != 0) {
		/* arrived but is not what it claims: kept aside, with why */
		char q[4400], why[4500];
		snprintf(q, sizeof q, "%s/quarantine/%s.%lld", b->dir, hash,
			 (long long)now);
		snprintf(why, sizeof why, "%s.reason", q);
		rename(part, q);
		FILE *f = fopen(why, "w");
		if (f) {
			fprintf(f, "the bytes hash to %s, not to the name %s\n",
				got, hash);
			fclose(f);
		}
		snprintf(msg, sizeof msg, "blob: the bytes hash to %.16s…, not to "
			 "its name; quarantined: upload it again", got);
		syncd_answer_error(resp, 422, "bad_request", msg, now);
		goto out;
	}
	if (mkdir_p(sub) || rename(part, done) || fsync_dir(sub)) {
		snprintf(msg, sizeof msg, "blob: cannot file it: %s",
			 strerror(errno));
		syncd_answer_error(resp, 500, "internal", msg, now);
		goto out;
	}
	answer(resp, 200, hash, (int64_t)size, size, true, now);
out:
	pthread_mutex_unlock(&b->mu);
	return resp->body.oom ? YZF_ENOMEM : YZF_OK;
}

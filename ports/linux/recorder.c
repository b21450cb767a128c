/* The recorder of a Linux terminal: a capture tool (ffmpeg, gst-launch, a
 * body camera's sync daemon) writes segment files into a folder; this port
 * watches it with inotify and gives each file once the tool has closed it
 * for writing (IN_CLOSE_WRITE, or IN_MOVED_TO for tools that write a
 * temporary name and rename).
 *
 * A segment starts when its file is created (IN_CREATE) and ends when it
 * is closed, both read on this port's clocks (CLOCK_REALTIME and
 * CLOCK_BOOTTIME). Files already in the folder when the watch starts were
 * written while nobody watched: their end is their mtime and their start
 * is unknown (taken as the end). Names starting with "." are ignored (the
 * tool's temporary files). Segments come in the order they were closed;
 * once the core holds one (done with stored true) the file is removed, so
 * no clear copy of the media stays on the terminal. The boot id
 * (/proc/sys/kernel/random/boot_id) names the monotonic clock's origin.
 * A tool must not reopen a file it has closed (muxers write the index
 * before closing): the first closing makes the segment. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yzf_port_linux.h"

struct pending {
	char name[NAME_MAX + 1];
	int64_t start_ms, start_mono;
	int64_t end_ms, end_mono;
	bool closed;
};

struct linux_rec {
	char dir[PATH_MAX];
	int fd;                   /* inotify */
	uint64_t boot;
	struct pending *q;        /* created or closed, in order of closing */
	size_t n, cap;
	FILE *cur;
	size_t cur_i;
	bool has_cur;
};

static uint64_t boot_id(void)
{
	char s[64] = "";
	uint64_t b = 0;
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	if (f) {
		if (!fgets(s, sizeof s, f))
			s[0] = 0;
		fclose(f);
	}
	for (const char *c = s; *c && c < s + 19; c++) {
		int v = *c >= '0' && *c <= '9' ? *c - '0'
		      : *c >= 'a' && *c <= 'f' ? *c - 'a' + 10 : -1;
		if (v >= 0)
			b = b << 4 | (uint64_t)v;
	}
	return b;
}

static void now(int64_t *ms, int64_t *mono)
{
	int32_t tz;
	if (yzf_linux_clock_wall(NULL, ms, &tz))
		*ms = 0;
	if (yzf_linux_clock_mono(NULL, mono))
		*mono = 0;
}

static struct pending *find(struct linux_rec *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->q[i].name, name))
			return &r->q[i];
	return NULL;
}

static struct pending *add(struct linux_rec *r, const char *name)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		void *p = realloc(r->q, cap * sizeof *r->q);
		if (!p)
			return NULL;
		r->q = p;
		r->cap = cap;
	}
	struct pending *e = &r->q[r->n++];
	memset(e, 0, sizeof *e);
	snprintf(e->name, sizeof e->name, "%s", name);
	return e;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct pending *)a)->name,
		      ((const struct pending *)b)->name);
}

/* Files written before the watch began, in name order (capture tools
 * number their segments). */
static int scan(struct linux_rec *r)
{
	DIR *d = opendir(r->dir);
	struct dirent *e;
	int64_t wall, mono;
	if (!d)
		return YZF_EPORT;
	now(&wall, &mono);
	size_t first = r->n;
	while ((e = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", r->dir,
				     e->d_name) >= sizeof path ||
		    stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		struct pending *p = add(r, e->d_name);
		if (!p) {
			closedir(d);
			return YZF_ENOMEM;
		}
		p->end_ms = (int64_t)st.st_mtim.tv_sec * 1000 +
			    st.st_mtim.tv_nsec / 1000000;
		p->end_mono = mono - (wall - p->end_ms);
		if (p->end_mono < 0)
			p->end_mono = 0;
		p->start_ms = p->end_ms;
		p->start_mono = p->end_mono;
		p->closed = true;
	}
	closedir(d);
	qsort(r->q + first, r->n - first, sizeof *r->q, by_name);
	return YZF_OK;
}

/* Read the inotify events waiting (or wait up to wait_ms for some). */
static int drain(struct linux_rec *r, int wait_ms)
{
	_Alignas(struct inotify_event) char buf[8192];
	struct pollfd pf = { .fd = r->fd, .events = POLLIN };
	int k = poll(&pf, 1, wait_ms);
	if (k < 0)
		return errno == EINTR ? YZF_OK : YZF_EPORT;
	if (k == 0)
		return YZF_OK;
	ssize_t len = read(r->fd, buf, sizeof buf);
	if (len < 0)
		return errno == EAGAIN || errno == EINTR ? YZF_OK : YZF_EPORT;
	int64_t wall, mono;
	now(&wall, &mono);
	for (char *p = buf; p < buf + len;) {
		struct inotify_event *ev = (struct inotify_event *)(void *)p;
		p += sizeof *ev + ev->len;
		if (!ev->len || ev->name[0] == '.' || (ev->mask & IN_ISDIR))
			continue;
		struct pending *e = find(r, ev->name);
		if (ev->mask & IN_CREATE) {
			if (!e && !(e = add(r, ev->name)))
				return YZF_ENOMEM;
			e->start_ms = wall;
			e->start_mono = mono;
		}
		if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) {
			if (!e) {
				if (!(e = add(r, ev->name)))
					return YZF_ENOMEM;
				e->start_ms = wall;
				e->start_mono = mono;
			}
			if (!e->closed) {
				/* keep the queue in order of closing */
				struct pending t = *e;
				size_t i = (size_t)(e - r->q);
				memmove(r->q + i, r->q + i + 1,
					(r->n - i - 1) * sizeof *r->q);
				t.end_ms = wall;
				t.end_mono = mono;
				t.closed = true;
				size_t j = 0;
				while (j < r->n - 1 && r->q[j].closed)
					j++;
				memmove(r->q + j + 1, r->q + j,
					(r->n - 1 - j) * sizeof *r->q);
				r->q[j] = t;
			}
		}
	}
	return YZF_OK;
}

static const char *media_of(const char *name)
{
	static const struct { const char *ext, *type; } t[] = {
		{ ".mp4", "video/mp4" }, { ".mkv", "video/x-matroska" },
		{ ".ts", "video/mp2t" }, { ".mov", "video/quicktime" },
		{ ".wav", "audio/wav" }, { ".m4a", "audio/mp4" },
		{ ".aac", "audio/aac" }, { ".jpg", "image/jpeg" },
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof t / sizeof t[0]; i++)
		if (!strcmp(dot, t[i].ext))
			return t[i].type;
	return "application/octet-stream";
}

int yzf_linux_rec_next(struct linux_rec *r, struct yzf_port_segment *seg,
		       int wait_ms)
{
	if (!r)
		return YZF_ENOTFOUND;
	if (r->has_cur) {
		if (r->cur)
			fclose(r->cur);
		r->cur = NULL;
		r->has_cur = false;
	}
	/* wait for a closing, not just any event (a creation, a write) */
	int64_t wall, t, until;
	now(&wall, &t);
	until = t + (wait_ms > 0 ? wait_ms : 0);
	int rc = drain(r, 0);
	while (!rc && !(r->n && r->q[0].closed) && t < until) {
		rc = drain(r, (int)(until - t));
		now(&wall, &t);
	}
	if (rc)
		return rc;
	if (!r->n || !r->q[0].closed)
		return YZF_ENOTFOUND;
	struct pending *e = &r->q[0];
	char path[PATH_MAX + NAME_MAX + 2];
	snprintf(path, sizeof path, "%s/%s", r->dir, e->name);
	if (!(r->cur = fopen(path, "rb")))
		return YZF_EPORT;
	r->has_cur = true;
	memset(seg, 0, sizeof *seg);
	seg->start_ms = e->start_ms;
	seg->end_ms = e->end_ms;
	seg->start_mono = e->start_mono;
	seg->end_mono = e->end_mono;
	seg->boot = r->boot;
	snprintf(seg->media, sizeof seg->media, "%s", media_of(e->name));
	return YZF_OK;
}

int yzf_linux_rec_read(struct linux_rec *r, uint8_t *buf, size_t cap,
		       size_t *n)
{
	*n = 0;
	if (!r || !r->cur)
		return YZF_EPORT;
	*n = fread(buf, 1, cap, r->cur);
	return ferror(r->cur) ? YZF_EIO : YZF_OK;
}

int yzf_linux_rec_done(struct linux_rec *r, bool stored)
{
	if (!r || !r->has_cur)
		return YZF_EPORT;
	if (r->cur)
		fclose(r->cur);
	r->cur = NULL;
	r->has_cur = false;
	if (!stored)
		return YZF_OK;
	char path[PATH_MAX + NAME_MAX + 2];
	snprintf(path, sizeof path, "%s/%s", r->dir, r->q[0].name);
	int rc = unlink(path) && errno != ENOENT ? YZF_EIO : YZF_OK;
	memmove(r->q, r->q + 1, (r->n - 1) * sizeof *r->q);
	r->n--;
	return rc;
}

int yzf_linux_recorder_open(const char *dir, struct linux_rec **out)
{
	struct linux_rec *r = calloc(1, sizeof *r);
	if (!r)
		return YZF_ENOMEM;
	if ((size_t)snprintf(r->dir, sizeof r->dir, "%s", dir) >= sizeof r->dir) {
		free(r);
		return YZF_EINVAL;
	}
	r->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (r->fd < 0 ||
	    inotify_add_watch(r->fd, dir, IN_CREATE | IN_CLOSE_WRITE |
					      IN_MOVED_TO) < 0) {
		if (r->fd >= 0)
			close(r->fd);
		free(r);
		return YZF_EPORT;
	}
	r->boot = boot_id();
	int rc = scan(r);
	if (rc) {
		yzf_linux_recorder_close(r);
		return rc;
	}
	*out = r;
	return YZF_OK;
}

void yzf_linux_recorder_close(struct linux_rec *r)
{
	if (!r)
		return;
	if (r->cur)
		fclose(r->cur);
	if (r->fd >= 0)
		close(r->fd);
	free(r->q);
	free(r);
}

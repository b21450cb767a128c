/* The recorder ports on their own: the sim recorder's script (sizes,
 * deterministic bytes, stops, gaps, reboots, an injected fault) and the
 * Linux recorder watching a folder (a file counts once closed for
 * writing, files already there are taken in name order, temporary names
 * are ignored, a stored file is removed, one not stored is given again). */
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "yzf/port.h"
#include "yzf_port_linux.h"
#include "yzf_port_sim.h"

static char dir[] = "/tmp/rec-test-recorder.XXXXXX";

/* Read the current segment whole: its size and hash. */
static size_t drink(const struct yzf_port *p, uint8_t h[32])
{
	crypto_generichash_state st;
	uint8_t buf[10000];
	size_t n, total = 0;
	crypto_generichash_init(&st, NULL, 0, 32);
	while (p->recorder_read(p->ctx, buf, sizeof buf, &n) == YZF_OK && n) {
		crypto_generichash_update(&st, buf, n);
		total += n;
	}
	crypto_generichash_final(&st, h, 32);
	return total;
}

static void test_sim(void)
{
	char home[300];
	struct yzf_sim_opts o = { .start_ms = 1764205200000LL, .seed = "s" };
	struct yzf_port_segment s[5];
	uint8_t h[5][32], again[32];
	snprintf(home, sizeof home, "%s/sim", dir);
	struct yzf_port *p = yzf_port_sim_create(home, &o);
	CHECK(p != NULL);
	CHECK_EQ_INT(p->version, 2);
	/* nothing scripted: nothing to give */
	CHECK_EQ_INT(p->recorder_next(p->ctx, &s[0], 0), YZF_ENOTFOUND);
	setenv("YZF_SIM_RECORDER_MS", "10000", 1);
	CHECK_EQ_INT(yzf_port_sim_recorder(p, "5000,gap:30000,100,"
					   "stop:battery:60000,70000,reboot,1"),
		     YZF_OK);
	static const size_t size[] = { 5000, 100, 70000, 1 };
	for (int i = 0; i < 4; i++) {
		CHECK_EQ_INT(p->recorder_next(p->ctx, &s[i], 0), YZF_OK);
		CHECK_EQ_INT(drink(p, h[i]), size[i]);
		CHECK_STR(s[i].media, "video/mp4");
		CHECK_EQ_INT(s[i].end_mono - s[i].start_mono, 10000);
		if (i == 1) { /* not stored: the same bytes again */
			CHECK_EQ_INT(p->recorder_done(p->ctx, false), YZF_OK);
			CHECK_EQ_INT(p->recorder_next(p->ctx, &s[i], 0), YZF_OK);
			CHECK_EQ_INT(drink(p, again), size[i]);
			CHECK(memcmp(again, h[i], 32) == 0);
		}
		CHECK_EQ_INT(p->recorder_done(p->ctx, true), YZF_OK);
	}
	CHECK_EQ_INT(p->recorder_next(p->ctx, &s[4], 0), YZF_ENOTFOUND);
	CHECK_EQ_INT(s[1].start_mono - s[0].end_mono, 30000);
	CHECK_STR(s[1].stop, "");
	CHECK_STR(s[2].stop, "battery");
	CHECK_EQ_INT(s[2].start_ms - s[1].end_ms, 60000);
	CHECK(s[3].boot != s[2].boot);
	CHECK(s[0].boot == s[2].boot);
	CHECK_EQ_INT(s[3].start_mono, 5000); /* a new origin */
	CHECK(memcmp(h[0], h[1], 32) != 0);
	/* the whole script ends at the clock's now */
	int64_t wall;
	int32_t tz;
	CHECK_EQ_INT(p->clock_wall(p->ctx, &wall, &tz), YZF_OK);
	CHECK(wall - s[3].end_ms >= 0 && wall - s[3].end_ms < 5000);
	yzf_port_sim_destroy(p);

	/* the same script at the same clock and seed: the same bytes */
	o.frozen = true;
	p = yzf_port_sim_create(home, &o);
	struct yzf_port *q = yzf_port_sim_create(home, &o);
	CHECK_EQ_INT(yzf_port_sim_recorder(p, "3000"), YZF_OK);
	CHECK_EQ_INT(yzf_port_sim_recorder(q, "3000"), YZF_OK);
	CHECK_EQ_INT(p->recorder_next(p->ctx, &s[0], 0), YZF_OK);
	CHECK_EQ_INT(q->recorder_next(q->ctx, &s[1], 0), YZF_OK);
	drink(p, h[0]);
	drink(q, h[1]);
	CHECK(memcmp(h[0], h[1], 32) == 0);
	yzf_port_sim_destroy(p);
	yzf_port_sim_destroy(q);

	/* an injected fault on the first call only */
	o.recorder = "10";
	o.fail_recorder_at = 1;
	p = yzf_port_sim_create(home, &o);
	CHECK_EQ_INT(p->recorder_next(p->ctx, &s[0], 0), YZF_EPORT);
	CHECK_EQ_INT(p->recorder_next(p->ctx, &s[0], 0), YZF_OK);
	yzf_port_sim_destroy(p);
}

static void put(const char *cap, const char *name, size_t n, bool close_it,
		int *fd_out)
{
	char path[400];
	char *buf = malloc(n ? n : 1);
	memset(buf, 'v', n);
	snprintf(path, sizeof path, "%s/%s", cap, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK(write(fd, buf, n) == (ssize_t)n);
	free(buf);
	if (close_it)
		close(fd);
	else
		*fd_out = fd;
}

static void test_linux(void)
{
	char home[300], cap[300], path[400];
	struct yzf_port_segment s;
	uint8_t h[32];
	int open_fd = -1;
	snprintf(home, sizeof home, "%s/linux", dir);
	snprintf(cap, sizeof cap, "%s/capture", dir);
	CHECK_EQ_INT(mkdir(cap, 0700), 0);
	struct yzf_port *p = yzf_port_linux_create(home);
	CHECK(p != NULL);
	CHECK(p->recorder_next == NULL); /* no folder watched yet */
	CHECK_EQ_INT(yzf_port_linux_recorder(p, "/nonexistent/rec-dir"),
		     YZF_EPORT);
	/* written before the watch: taken in name order */
	put(cap, "seg-0002.mp4", 200, true, NULL);
	put(cap, "seg-0001.mp4", 100, true, NULL);
	put(cap, ".seg-0003.mp4.part", 5, true, NULL);
	CHECK_EQ_INT(yzf_port_linux_recorder(p, cap), YZF_OK);
	CHECK_EQ_INT(p->recorder_next(p->ctx, &s, 0), YZF_OK);
	CHECK_EQ_INT(drink(p, h), 100);
	CHECK_STR(s.media, "video/mp4");
	CHECK(s.boot != 0);
	CHECK_EQ_INT(p->recorder_done(p->ctx, true), YZF_OK);
	snprintf(path, sizeof path, "%s/seg-0001.mp4", cap);
	CHECK(access(path, F_OK) != 0); /* stored: removed */
	CHECK_EQ_INT(p->recorder_next(p->ctx, &s, 0), YZF_OK);
	CHECK_EQ_INT(drink(p, h), 200);
	CHECK_EQ_INT(p->recorder_done(p->ctx, false), YZF_OK);
	snprintf(path, sizeof path, "%s/seg-0002.mp4", cap);
	CHECK(access(path, F_OK) == 0); /* not stored: kept, given again */
	CHECK_EQ_INT(p->recorder_next(p->ctx, &s, 0), YZF_OK);
	CHECK_EQ_INT(drink(p, h), 200);
	CHECK_EQ_INT(p->recorder_done(p->ctx, true), YZF_OK);
	CHECK_EQ_INT(p->recorder_next(p->ctx, &s, 0), YZF_ENOTFOUND);

	/* while watching: a file still open is not a segment yet; once
	 * closed it is, timed from its creation to its closing */
	put(cap, "seg-0004.wav", 300, false, &open_fd);
	CHECK_EQ_INT(p->recorder_next(p->ctx, &s, 50), YZF_ENOTFOUND);
	usleep(20000);
	close(open_fd);
	put(cap, "seg-0005.mp4", 10, true, NULL);
	CHECK_EQ_INT(p->recorder_next(p->ctx, &s, 1000), YZF_OK);
	CHECK_STR(s.media, "audio/wav");
	CHECK(s.end_mono - s.start_mono >= 20);
	CHECK(s.end_ms >= s.start_ms);
	CHECK_EQ_INT(drink(p, h), 300);
	CHECK_EQ_INT(p->recorder_done(p->ctx, true), YZF_OK);
	CHECK_EQ_INT(p->recorder_next(p->ctx, &s, 1000), YZF_OK);
	CHECK_EQ_INT(drink(p, h), 10);
	CHECK_EQ_INT(p->recorder_done(p->ctx, true), YZF_OK);
	CHECK_EQ_INT(p->recorder_next(p->ctx, &s, 0), YZF_ENOTFOUND);
	/* renamed in (written elsewhere, moved when done) */
	put(dir, "moved.mp4", 42, true, NULL);
	char from[400];
	snprintf(from, sizeof from, "%s/moved.mp4", dir);
	snprintf(path, sizeof path, "%s/seg-0006.mp4", cap);
	CHECK_EQ_INT(rename(from, path), 0);
	CHECK_EQ_INT(p->recorder_next(p->ctx, &s, 1000), YZF_OK);
	CHECK_EQ_INT(drink(p, h), 42);
	CHECK_EQ_INT(p->recorder_done(p->ctx, true), YZF_OK);
	yzf_port_linux_destroy(p);
}

int main(void)
{
	char cmd[300];
	if (sodium_init() < 0 || !mkdtemp(dir))
		return 2;
	test_sim();
	test_linux();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done();
}

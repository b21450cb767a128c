/* crash_append — kill -9 an appending process at random moments and check
 * that nothing it was told is durable was lost and the feed still verifies.
 *
 * usage: crash_append HOME FEEDHEX RUNS   (sim port, officer logged in)
 * Each run forks a child that appends batches of 1..20 records in a loop
 * and writes the last seq of each batch to a pipe only after yzf_append
 * has returned success. The parent kills it with SIGKILL after a random
 * 1..40 ms, then reopens the store and checks: the feed verifies whole,
 * and its head is at least the highest seq the child reported.
 * Prints "N passed, N failed". */
#include <signal.h>
#include <stdbool.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "yzf/yzf.h"
#include "yzf_port_sim.h"

static struct yzf *open_store(const char *home, struct yzf_port **p)
{
	struct yzf_sim_opts o;
	struct yzf *y = NULL;
	char msg[256];
	yzf_sim_opts_from_env(&o);
	*p = yzf_port_sim_create(home, &o);
	if (!*p || yzf_open(*p, 0, &y, msg, sizeof msg)) {
		fprintf(stderr, "open %s: %s\n", home, msg);
		return NULL;
	}
	return y;
}

static void child(const char *home, const uint8_t feed[32], int fd)
{
	struct yzf_port *p;
	struct yzf *y = open_store(home, &p);
	struct yzf_append a[20];
	char bodies[20][96];
	if (!y)
		_exit(2);
	for (unsigned n = 0;; n++) {
		int k = 1 + (int)randombytes_uniform(20);
		for (int i = 0; i < k; i++) {
			int len = snprintf(bodies[i], sizeof bodies[i],
					   "{\"item\":\"crash %u.%d\",\"result\":"
					   "\"compliant\"}", n, i);
			a[i] = (struct yzf_append){ .type = "inspection.item",
						    .case_id = "C-CRASH",
						    .body = bodies[i],
						    .body_len = (size_t)len };
		}
		int64_t first;
		if (yzf_append(y, feed, a, (size_t)k, &first)) {
			fprintf(stderr, "append: %s\n", yzf_errmsg(y));
			_exit(3);
		}
		int64_t last = first + k - 1;
		if (write(fd, &last, sizeof last) != sizeof last)
			_exit(4);
	}
}

/* The record at seq decrypts, parses and is that seq. */
static bool read_back(struct yzf *y, const uint8_t feed[32], int64_t seq)
{
	struct yzf_query q = { .feed = feed, .from = seq };
	struct yzf_iter *it;
	struct yzf_entry e;
	if (seq == 0)
		return true;
	if (yzf_iter_open(y, &q, &it))
		return false;
	bool ok = yzf_iter_next(it, &e) == 1 && e.rec.seq == seq;
	yzf_iter_close(it);
	return ok;
}

int main(int argc, char **argv)
{
	uint8_t feed[32];
	if (argc != 4 || sodium_init() < 0 ||
	    sodium_hex2bin(feed, 32, argv[2], strlen(argv[2]), NULL, NULL, NULL)) {
		fprintf(stderr, "usage: crash_append HOME FEEDHEX RUNS\n");
		return 1;
	}
	const char *home = argv[1];
	int runs = atoi(argv[3]), pass = 0, fail = 0;
	int64_t max_acked = 0, kills_mid_batch = 0;
	for (int r = 0; r < runs; r++) {
		int fds[2];
		if (pipe(fds))
			return 1;
		pid_t pid = fork();
		if (pid == 0) {
			close(fds[0]);
			child(home, feed, fds[1]);
		}
		close(fds[1]);
		long ms = 1 + (long)randombytes_uniform(40);
		struct timespec ts = { 0, ms * 1000000L };
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		int st;
		waitpid(pid, &st, 0);
		int64_t s;
		while (read(fds[0], &s, sizeof s) == sizeof s)
			if (s > max_acked)
				max_acked = s;
		close(fds[0]);
		if (WIFEXITED(st)) {
			fprintf(stderr, "run %d: child exited %d before the kill\n",
				r, WEXITSTATUS(st));
			fail++;
			continue;
		}
		struct yzf_port *p;
		struct yzf *y = open_store(home, &p);
		struct yzf_verify_report rep;
		int64_t head = 0;
		uint8_t id[32];
		/* A full verify walks the whole feed, which grows by tens of
		 * thousands of records over the runs: do it every 25th run and
		 * after the last; in between, read back the last acknowledged
		 * record and check the head. */
		bool full = r % 25 == 24 || r == runs - 1;
		memset(&rep, 0, sizeof rep);
		rep.ok = true;
		if (!y || (full && yzf_verify_feed(y, feed, &rep)) ||
		    yzf_head(y, feed, &head, id) ||
		    (!full && !read_back(y, feed, max_acked))) {
			fprintf(stderr, "run %d: %s\n", r, y ? yzf_errmsg(y) : "open");
			fail++;
		} else if (!rep.ok) {
			fprintf(stderr, "run %d: feed does not verify: seq %lld %s\n",
				r, (long long)rep.bad_seq, rep.detail);
			fail++;
		} else if (head < max_acked || (full && rep.records != head)) {
			fprintf(stderr, "run %d: head %lld, acknowledged %lld, "
				"verified %lld\n", r, (long long)head,
				(long long)max_acked, (long long)rep.records);
			fail++;
		} else {
			if (head > max_acked)
				kills_mid_batch++;
			pass++;
		}
		yzf_close(y);
		yzf_port_sim_destroy(p);
	}
	fprintf(stderr, "%d kills; %lld records acknowledged; %lld kills left a "
		"committed but unacknowledged batch\n", runs,
		(long long)max_acked, (long long)kills_mid_batch);
	printf("%d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}

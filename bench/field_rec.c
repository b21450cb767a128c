/* bench/field_rec — what hashing a recording as it is written costs.
 *
 * The recorder path hashes each segment through yzf_rec_hash_update, fed
 * in the 4 KiB writes a capture tool makes (the sim recorder's size too);
 * the baseline is libsodium's crypto_generichash (BLAKE2b-256) over each
 * whole segment in one call, on the same bytes, in the same run. The two
 * alternate round by round and the best round of each counts, so a noisy
 * neighbour on a shared machine slows both alike. Goal (issue 6): the
 * recorder path at >= 0.9 of raw BLAKE2b.
 *
 * Then, for scale, the whole path a segment takes on a terminal: hashed,
 * encrypted (secretstream) and stored (SQLite, WAL, synchronous=FULL,
 * a commit per 64 KiB message), its rec.segment signed: 32 MiB through
 * yzf_rec_segment_begin/_write/_end on a simulated terminal in a
 * temporary directory. A body camera writes 1-2 MB/s.
 *
 * bench_field_recorder() prints its lines; bench/field.c (the field
 * benchmarks) calls it after the NMEA section. Timing never fails the
 * run; it returns 1 only if the two hashes disagree.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yzf/yzf.h>

#include "yzf_port_sim.h"
#include "terminal.h"

#define SEG_BYTES (8u << 20)   /* one segment: 8 MiB, ~10 s of 720p */
#define SEGS 8                 /* 64 MiB a round */
#define WRITE 4096             /* the capture tool's write */
#define ROUNDS 5

int bench_field_recorder(void);

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int bad;

/* 32 MiB through the whole recorder path, in the same 4 KiB writes. */
static void stored_path(const uint8_t *p)
{
	char dir[] = "/tmp/rec-bench.XXXXXX", cmd[64];
	struct yzf_port *port = NULL;
	struct yzf_recording *r = NULL;
	uint8_t feed[32];
	const size_t total = 32u << 20;
	if (!mkdtemp(dir))
		return;
	/* the tests' city and terminal, one officer logged in: what the
	 * stored path needs (the data key) */
	struct yzf_sim_opts o = { .start_ms = 1764205200000LL + 3600000 };
	t_authority();
	struct yzf *y = t_terminal(dir, "t", &o, &port, feed, NULL);
	int rc = y ? yzf_rec_start(y, feed, "C-BENCH-0001", "case.measure",
				   "seize", NULL, &r)
		   : YZF_EPORT;
	struct yzf_port_segment seg = { .media = "video/mp4", .boot = 1 };
	double t0 = now_s();
	for (size_t s = 0; !rc && s < total / SEG_BYTES; s++) {
		seg.start_mono = (int64_t)s * 10000;
		seg.end_mono = seg.start_mono + 10000;
		seg.start_ms = 1764205200000LL + seg.start_mono;
		seg.end_ms = seg.start_ms + 10000;
		rc = yzf_rec_segment_begin(r, &seg);
		for (size_t off = 0; !rc && off < SEG_BYTES; off += WRITE)
			rc = yzf_rec_segment_write(r, p + s * SEG_BYTES + off,
						   WRITE);
		if (!rc)
			rc = yzf_rec_segment_end(r, &seg, NULL);
	}
	double t = now_s() - t0;
	if (rc) {
		fprintf(stderr, "field-rec: stored path: %s\n",
			y ? yzf_errmsg(y) : "no terminal");
		bad = 1;
	} else {
		printf("stored recording (hash, secretstream, SQLite FULL, "
		       "rec.segment signed): %.0f MB/s\n", total / 1e6 / t);
	}
	yzf_rec_close(r);
	yzf_close(y);
	yzf_port_sim_destroy(port);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "field-rec: could not remove %s\n", dir);
}

int bench_field_recorder(void)
{
	uint8_t *p = malloc((size_t)SEG_BYTES * SEGS);
	uint8_t h_rec[SEGS][32], h_raw[SEGS][32];
	double best_rec = 1e9, best_raw = 1e9;
	if (!p || sodium_init() < 0) {
		fprintf(stderr, "field-rec: out of memory\n");
		free(p);
		return 1;
	}
	/* media-like bytes: incompressible, deterministic */
	static const uint8_t key[crypto_stream_chacha20_KEYBYTES] = { 1 };
	static const uint8_t nonce[crypto_stream_chacha20_NONCEBYTES] = { 0 };
	crypto_stream_chacha20(p, (unsigned long long)SEG_BYTES * SEGS, nonce,
			       key);
	for (int round = 0; round < ROUNDS; round++) {
		double t0 = now_s();
		for (int s = 0; s < SEGS; s++) {
			const uint8_t *seg = p + (size_t)s * SEG_BYTES;
			struct yzf_rec_hash h;
			yzf_rec_hash_init(&h);
			for (size_t off = 0; off < SEG_BYTES; off += WRITE)
				yzf_rec_hash_update(&h, seg + off, WRITE);
			yzf_rec_hash_final(&h, h_rec[s]);
		}
		double t1 = now_s();
		for (int s = 0; s < SEGS; s++)
			crypto_generichash(h_raw[s], 32, p + (size_t)s * SEG_BYTES,
					   SEG_BYTES, NULL, 0);
		double t2 = now_s();
		if (t1 - t0 < best_rec)
			best_rec = t1 - t0;
		if (t2 - t1 < best_raw)
			best_raw = t2 - t1;
		if (memcmp(h_rec, h_raw, sizeof h_rec) != 0)
			bad = 1;
	}
	double mb = (double)SEG_BYTES * SEGS / 1e6;
	double rec = mb / best_rec, raw = mb / best_raw;
	printf("recorder hashing (yzf_rec_hash, %d-byte writes, %u MiB "
	       "segments): %.0f MB/s\n", WRITE, SEG_BYTES >> 20, rec);
	printf("raw BLAKE2b-256 (crypto_generichash, one call a segment):   "
	       "%.0f MB/s\n", raw);
	printf("ratio recorder/raw: %.3f (goal >= 0.9)%s\n", rec / raw,
	       bad ? "  HASHES DIFFER" : "");
	stored_path(p);
	free(p);
	return bad;
}

/* A synthetic recorder: segments of deterministic bytes laid out on a
 * timeline from a script, with the stops, unexplained gaps and reboots a
 * test needs.
 *
 * Script (YZF_SIM_RECORDER, or yzf_port_sim_recorder): comma-separated
 *   N             a segment of N bytes, YZF_SIM_RECORDER_MS long (10 s)
 *   gap:MS        the next segment starts MS ms after the last ended, and
 *                 the recorder says nothing about why
 *   stop:WHY:MS   the recorder was stopped for MS ms and says why
 *                 (stopped, battery, storage ...)
 *   reboot        the terminal restarts before the next segment: the
 *                 monotonic clock starts again from a new origin
 * The whole script ends at the moment of the first `next`: the segments
 * lie in the past, back to back but for the breaks. Bytes are a ChaCha20
 * keystream keyed by the seed (YZF_SIM_SEED or a fixed one), the
 * segment's wall start and its index: the same script at the same clock
 * gives the same bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define SIM_BOOT 0x51a0000000000001ULL

struct sim_seg {
	struct yzf_port_segment s;
	uint64_t size;
	uint8_t key[crypto_stream_chacha20_KEYBYTES];
};

struct sim_rec {
	struct sim_seg *seg;
	size_t n, cur;
	uint64_t off;
	bool laid;
	char *script;
};

/* Parse the script and lay it on the clocks, ending now. */
static int lay_out(struct sim_port *p, struct sim_rec *r)
{
	int64_t dur = 10000, wall, mono, t = 0;
	int32_t tz;
	const char *v = getenv("YZF_SIM_RECORDER_MS");
	if (v && atoll(v) > 0)
		dur = atoll(v);
	size_t cap = 1;
	for (const char *c = r->script; *c; c++)
		cap += *c == ',';
	r->seg = calloc(cap, sizeof *r->seg);
	if (!r->seg)
		return YZF_ENOMEM;
	/* first pass on a relative timeline starting at 0 */
	char *save = NULL, *tok;
	char stop[33] = "";
	int64_t pending = 0, boots = 0;
	bool rebooted = false;
	int64_t mono_at_boot[64] = { 0 }; /* relative start of each boot */
	for (tok = strtok_r(r->script, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strncmp(tok, "gap:", 4)) {
			pending += atoll(tok + 4);
		} else if (!strncmp(tok, "stop:", 5)) {
			const char *ms = strchr(tok + 5, ':');
			size_t k = ms ? (size_t)(ms - tok - 5) : strlen(tok + 5);
			if (k >= sizeof stop)
				k = sizeof stop - 1;
			memcpy(stop, tok + 5, k);
			stop[k] = 0;
			pending += ms ? atoll(ms + 1) : 0;
		} else if (!strcmp(tok, "reboot")) {
			rebooted = true;
			pending += 30000; /* a restart takes a while */
		} else {
			struct sim_seg *g = &r->seg[r->n];
			t += pending;
			if (rebooted && boots < 63)
				mono_at_boot[++boots] = t;
			g->size = (uint64_t)atoll(tok);
			g->s.start_mono = t; /* relative for now */
			g->s.end_mono = t + dur;
			g->s.boot = SIM_BOOT + (uint64_t)boots;
			snprintf(g->s.media, sizeof g->s.media, "video/mp4");
			memcpy(g->s.stop, stop, sizeof stop);
			t += dur;
			stop[0] = 0;
			pending = 0;
			rebooted = false;
			r->n++;
		}
	}
	sim_clock_wall(p, &wall, &tz);
	sim_clock_mono(p, &mono);
	/* the timeline ends now; after a reboot the monotonic clock counts
	 * from its new origin (5 s after power-on) */
	for (size_t i = 0; i < r->n; i++) {
		struct yzf_port_segment *s = &r->seg[i].s;
		int64_t rel0 = s->start_mono, rel1 = s->end_mono;
		uint64_t b = s->boot - SIM_BOOT;
		s->start_ms = wall - (t - rel0);
		s->end_ms = wall - (t - rel1);
		if (b == 0) {
			s->start_mono = mono - (t - rel0);
			s->end_mono = mono - (t - rel1);
			if (s->start_mono < 0) { /* early in the process: shift */
				s->end_mono -= s->start_mono;
				s->start_mono = 0;
			}
		} else {
			s->start_mono = 5000 + rel0 - mono_at_boot[b];
			s->end_mono = 5000 + rel1 - mono_at_boot[b];
		}
		uint8_t in[16];
		for (int k = 0; k < 8; k++) {
			in[k] = (uint8_t)((uint64_t)s->start_ms >> (8 * k));
			in[8 + k] = (uint8_t)((uint64_t)i >> (8 * k));
		}
		crypto_generichash(r->seg[i].key, sizeof r->seg[i].key, in,
				   sizeof in, p->seeded ? p->seed : NULL,
				   p->seeded ? sizeof p->seed : 0);
	}
	r->laid = true;
	return YZF_OK;
}

static int rec_next(void *ctx, struct yzf_port_segment *seg, int wait_ms)
{
	struct sim_port *p = ctx;
	struct sim_rec *r = p->rec;
	(void)wait_ms;
	if (!r)
		return YZF_ENOTFOUND;
	if (!r->laid && lay_out(p, r))
		return YZF_ENOMEM;
	if (p->o.fail_recorder_at && ++p->recorder_calls == p->o.fail_recorder_at)
		return YZF_EPORT;
	if (r->cur >= r->n)
		return YZF_ENOTFOUND;
	*seg = r->seg[r->cur].s;
	r->off = 0;
	return YZF_OK;
}

/* The keystream of the current segment from r->off, in pieces no bigger
 * than a recorder's write. */
static int rec_read(void *ctx, uint8_t *buf, size_t cap, size_t *n)
{
	struct sim_port *p = ctx;
	struct sim_rec *r = p->rec;
	*n = 0;
	if (!r || r->cur >= r->n)
		return YZF_EPORT;
	struct sim_seg *g = &r->seg[r->cur];
	uint64_t left = g->size - r->off;
	size_t k = left < cap ? (size_t)left : cap;
	if (k > 4096)
		k = 4096;
	if (!k)
		return YZF_OK;
	/* keystream at a 64-byte block boundary, then cut to the offset */
	uint8_t ks[4096 + 64], nonce[crypto_stream_chacha20_NONCEBYTES] = { 0 };
	uint64_t blk = r->off / 64;
	size_t skip = (size_t)(r->off % 64);
	static const uint8_t zero[4096 + 64];
	crypto_stream_chacha20_xor_ic(ks, zero, skip + k, nonce, blk, g->key);
	memcpy(buf, ks + skip, k);
	r->off += k;
	*n = k;
	return YZF_OK;
}

static int rec_done(void *ctx, bool stored)
{
	struct sim_port *p = ctx;
	struct sim_rec *r = p->rec;
	if (r && r->cur < r->n && stored)
		r->cur++;
	return YZF_OK;
}

int yzf_port_sim_recorder(struct yzf_port *port, const char *script)
{
	struct sim_port *p = port->ctx;
	sim_recorder_free(p);
	sim_recorder_attach(port);
	if (!script || !*script)
		return YZF_OK;
	struct sim_rec *r = calloc(1, sizeof *r);
	if (!r || !(r->script = strdup(script))) {
		free(r);
		return YZF_ENOMEM;
	}
	p->rec = r;
	return YZF_OK;
}

/* The recorder is always there; without a script it has nothing. */
void sim_recorder_attach(struct yzf_port *port)
{
	port->recorder_next = rec_next;
	port->recorder_read = rec_read;
	port->recorder_done = rec_done;
}

void sim_recorder_free(struct sim_port *p)
{
	struct sim_rec *r = p->rec;
	if (!r)
		return;
	free(r->seg);
	free(r->script);
	free(r);
	p->rec = NULL;
}

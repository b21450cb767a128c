/* Whole-process recording: segments hashed as written and chained in
 * signed records, gaps recorded when noticed, and the checks that find a
 * cut, a missing or reordered segment or an unexplained gap. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "held.h"
#include "util.h"
#include "yzf/recording.h"

_Static_assert(sizeof(crypto_generichash_state) <=
		       sizeof(((struct yzf_rec_hash *)0)->st),
	       "struct yzf_rec_hash too small for crypto_generichash_state");

static const uint8_t zeros[YZF_HASH_LEN];

void yzf_rec_hash_init(struct yzf_rec_hash *h)
{
	h->len = 0;
	crypto_generichash_init((crypto_generichash_state *)(void *)h->st, NULL,
				0, YZF_HASH_LEN);
}

void yzf_rec_hash_update(struct yzf_rec_hash *h, const void *p, size_t n)
{
	crypto_generichash_update((crypto_generichash_state *)(void *)h->st, p,
				  n);
	h->len += n;
}

void yzf_rec_hash_final(struct yzf_rec_hash *h, uint8_t out[YZF_HASH_LEN])
{
	crypto_generichash_final((crypto_generichash_state *)(void *)h->st, out,
				 YZF_HASH_LEN);
}

/* ---- the bodies, read back ---- */

struct seg {
	char rec[YZF_REC_ID_HEX];
	int64_t n;
	uint8_t hash[YZF_HASH_LEN], prev[YZF_HASH_LEN];
	int64_t size, start_ms, end_ms, start_mono, end_mono;
	uint64_t boot;
	size_t order;             /* index in the records given */
};

static bool rec_id_of(const cJSON *o, char out[YZF_REC_ID_HEX])
{
	const char *s = yzf_jstr(o, "recording");
	if (!s || strlen(s) != YZF_REC_ID_HEX - 1)
		return false;
	memcpy(out, s, YZF_REC_ID_HEX);
	return true;
}

static bool parse_seg(const struct yzf_case_rec *r, struct seg *s)
{
	cJSON *o = cJSON_ParseWithLength((const char *)r->body, r->body_len);
	uint8_t boot[8];
	bool ok = o && rec_id_of(o, s->rec) &&
		  yzf_jhex(o, "hash", s->hash, YZF_HASH_LEN) &&
		  yzf_jhex(o, "prev", s->prev, YZF_HASH_LEN) &&
		  yzf_jhex(o, "boot", boot, sizeof boot);
	if (ok) {
		s->n = yzf_jint(o, "n");
		s->size = yzf_jint(o, "size");
		s->start_ms = yzf_jint(o, "start_ms");
		s->end_ms = yzf_jint(o, "end_ms");
		s->start_mono = yzf_jint(o, "start_mono");
		s->end_mono = yzf_jint(o, "end_mono");
		s->boot = 0;
		for (int i = 0; i < 8; i++)
			s->boot = s->boot << 8 | boot[i];
	}
	cJSON_Delete(o);
	return ok;
}

/* ---- the recording ---- */

struct yzf_recording {
	struct yzf *y;
	uint8_t feed[YZF_KEY_LEN];
	char id[YZF_REC_ID_HEX];
	char case_id[YZF_CASE_MAX];
	char step[YZF_TYPE_MAX];
	int64_t start_seq;
	int64_t n;                 /* segments so far */
	uint8_t last[YZF_HASH_LEN];
	int64_t last_end_ms, last_end_mono;
	uint64_t last_boot;
	bool ended;
	struct yzf_blob_writer *w; /* the segment being written */
	struct yzf_port_segment cur;
};

static int append_body(struct yzf_recording *r, const char *type,
		       struct yzf_buf *b, int64_t *seq)
{
	if (b->oom)
		return yzf_fail(r->y, YZF_ENOMEM, "out of memory");
	struct yzf_append a = { .type = type, .case_id = r->case_id,
				.body = (const char *)b->p, .body_len = b->len };
	return yzf_append(r->y, r->feed, &a, 1, seq);
}

static void put_kstr(struct yzf_buf *b, const char *k, const char *v)
{
	yzf_canon_put_str(b, k, strlen(k));
	yzf_buf_putc(b, ':');
	yzf_canon_put_str(b, v, strlen(v));
}

static void put_kint(struct yzf_buf *b, const char *k, int64_t v)
{
	yzf_buf_putc(b, ',');
	yzf_canon_put_str(b, k, strlen(k));
	yzf_buf_putc(b, ':');
	yzf_canon_put_int(b, v);
}

static void put_khex(struct yzf_buf *b, const char *k, const uint8_t *p,
		     size_t n)
{
	yzf_buf_putc(b, ',');
	yzf_canon_put_str(b, k, strlen(k));
	yzf_buf_putc(b, ':');
	yzf_put_hex(b, p, n); /* quoted */
}

int yzf_rec_start(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		  const char *case_id, const char *step, const char *measure,
		  const char *device, struct yzf_recording **out)
{
	struct yzf_buf b = { 0 };
	uint8_t rid[16];
	*out = NULL;
	if (!case_id || !*case_id)
		return yzf_fail(y, YZF_EINVAL, "rec.start: case: required (a "
				"recording covers a step of a case)");
	if (!step || !yzf_record_type_ok(step))
		return yzf_fail(y, YZF_EINVAL, "rec.start: step: a record type "
				"such as case.measure");
	/* one recorder per officer: an open recording ends first */
	struct yzf_recording *open = NULL;
	int rc = yzf_rec_resume(y, feed, &open);
	if (rc == YZF_OK) {
		rc = yzf_fail(y, YZF_ESTATE, "recording %s of case %s is still "
			      "open: end it first", open->id, open->case_id);
		yzf_rec_close(open);
		return rc;
	}
	if (rc != YZF_ENOTFOUND)
		return rc;
	struct yzf_recording *r = calloc(1, sizeof *r);
	if (!r)
		return yzf_fail(y, YZF_ENOMEM, "out of memory");
	r->y = y;
	memcpy(r->feed, feed, YZF_KEY_LEN);
	snprintf(r->case_id, sizeof r->case_id, "%s", case_id);
	snprintf(r->step, sizeof r->step, "%s", step);
	rc = yzf_random(y, rid, sizeof rid);
	if (rc) {
		free(r);
		return rc;
	}
	yzf_hex(rid, sizeof rid, r->id);
	yzf_buf_putc(&b, '{');
	put_kstr(&b, "recording", r->id);
	yzf_buf_putc(&b, ',');
	put_kstr(&b, "step", step);
	if (measure) {
		yzf_buf_putc(&b, ',');
		put_kstr(&b, "measure", measure);
	}
	if (device) {
		yzf_buf_putc(&b, ',');
		put_kstr(&b, "device", device);
	}
	yzf_buf_putc(&b, '}');
	rc = append_body(r, "rec.start", &b, &r->start_seq);
	yzf_buf_free(&b);
	if (rc) {
		free(r);
		return rc;
	}
	*out = r;
	return YZF_OK;
}

/* Rebuild the state of the feed's last recording from its records: the
 * signed bytes are the truth, so a second process (or a restart) carries
 * on the same chain. */
int yzf_rec_resume(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		   struct yzf_recording **out)
{
	struct yzf_held h;
	*out = NULL;
	int rc = yzf_held_load(y, NULL, "rec.start", &h);
	if (rc)
		return rc;
	const struct yzf_case_rec *last = NULL;
	for (size_t i = 0; i < h.n; i++)
		if (!memcmp(h.r[i].feed, feed, YZF_KEY_LEN) &&
		    (!last || h.r[i].seq > last->seq))
			last = &h.r[i];
	struct yzf_recording *r = last ? calloc(1, sizeof *r) : NULL;
	if (last && r) {
		cJSON *o = cJSON_ParseWithLength((const char *)last->body,
						 last->body_len);
		r->y = y;
		memcpy(r->feed, feed, YZF_KEY_LEN);
		r->start_seq = last->seq;
		if (!rec_id_of(o, r->id))
			rc = yzf_fail(y, YZF_ECORRUPT, "rec.start at seq %lld: "
				      "no recording id", (long long)last->seq);
		snprintf(r->step, sizeof r->step, "%s",
			 yzf_jstr(o, "step") ? yzf_jstr(o, "step") : "");
		cJSON_Delete(o);
	}
	yzf_held_free(&h);
	if (!last)
		return yzf_fail(y, YZF_ENOTFOUND, "no recording in this feed: "
				"start one");
	if (!r)
		return yzf_fail(y, YZF_ENOMEM, "out of memory");
	struct yzf_iter *it = NULL;
	struct yzf_entry en;
	struct yzf_query q = { .feed = feed, .from = r->start_seq };
	if (!rc)
		rc = yzf_iter_open(y, &q, &it);
	while (!rc && (rc = yzf_iter_next(it, &en)) == 1) {
		rc = YZF_OK;
		if (en.rec.seq == r->start_seq)
			snprintf(r->case_id, sizeof r->case_id, "%s",
				 en.rec.case_id);
		bool seg = !strcmp(en.rec.type, "rec.segment"),
		     end = !strcmp(en.rec.type, "rec.end");
		if (!seg && !end)
			continue;
		struct yzf_case_rec cr = { .body = en.rec.body,
					   .body_len = en.rec.body_len };
		struct seg s;
		cJSON *o = cJSON_ParseWithLength((const char *)en.rec.body,
						 en.rec.body_len);
		char id[YZF_REC_ID_HEX];
		bool mine = rec_id_of(o, id) && !strcmp(id, r->id);
		cJSON_Delete(o);
		if (!mine)
			continue;
		if (end)
			r->ended = true;
		else if (parse_seg(&cr, &s)) {
			r->n = s.n;
			memcpy(r->last, s.hash, YZF_HASH_LEN);
			r->last_end_ms = s.end_ms;
			r->last_end_mono = s.end_mono;
			r->last_boot = s.boot;
		}
	}
	yzf_iter_close(it);
	if (rc < 0) {
		free(r);
		return rc;
	}
	if (r->ended) {
		free(r);
		return yzf_fail(y, YZF_ENOTFOUND, "the feed's last recording "
				"has ended: start a new one");
	}
	*out = r;
	return YZF_OK;
}

void yzf_rec_close(struct yzf_recording *r)
{
	if (!r)
		return;
	yzf_blob_abort(r->w);
	free(r);
}

const char *yzf_rec_id(const struct yzf_recording *r)
{
	return r->id;
}

const char *yzf_rec_case(const struct yzf_recording *r)
{
	return r->case_id;
}

int64_t yzf_rec_segments(const struct yzf_recording *r)
{
	return r->n;
}

static bool reason_ok(const char *s)
{
	static const char *const ok[] = { "unknown", "stopped", "battery",
		"reboot", "storage", "device_fault", "other" };
	for (size_t i = 0; s && i < sizeof ok / sizeof ok[0]; i++)
		if (!strcmp(s, ok[i]))
			return true;
	return false;
}

int yzf_rec_segment_begin(struct yzf_recording *r,
			  const struct yzf_port_segment *seg)
{
	if (r->ended)
		return yzf_fail(r->y, YZF_ESTATE, "recording %s has ended", r->id);
	yzf_blob_abort(r->w);
	r->w = NULL;
	r->cur = *seg;
	return yzf_blob_begin(r->y, &r->w);
}

int yzf_rec_segment_write(struct yzf_recording *r, const void *p, size_t n)
{
	if (!r->w)
		return yzf_fail(r->y, YZF_ESTATE, "no segment begun");
	return yzf_blob_write(r->w, p, n);
}

void yzf_rec_segment_abort(struct yzf_recording *r)
{
	yzf_blob_abort(r->w);
	r->w = NULL;
}

/* Whether a segment starting at (boot, start_mono) follows the last one,
 * and if not, why as far as the terminal can tell. */
static const char *break_reason(const struct yzf_recording *r,
				const struct yzf_port_segment *s)
{
	if (!r->n)
		return NULL;
	if (s->boot != r->last_boot)
		return "reboot";
	int64_t d = s->start_mono - r->last_end_mono;
	if (d > YZF_REC_MAX_GAP_MS || d < -YZF_REC_MAX_GAP_MS)
		return "unknown";
	return NULL;
}

int yzf_rec_segment_end(struct yzf_recording *r,
			const struct yzf_port_segment *seg, int64_t *n_out)
{
	struct yzf_buf g = { 0 }, b = { 0 };
	uint8_t hash[YZF_HASH_LEN], boot[8];
	uint64_t size;
	const struct yzf_port_segment *s = seg ? seg : &r->cur;
	if (!r->w)
		return yzf_fail(r->y, YZF_ESTATE, "no segment begun");
	int rc = yzf_blob_finish(r->w, hash, &size);
	r->w = NULL;
	if (rc)
		return rc;
	const char *why = break_reason(r, s);
	if (s->stop[0] && r->n)
		why = reason_ok(s->stop) ? s->stop : "other";
	struct yzf_append a[2];
	size_t na = 0;
	if (why) {
		yzf_buf_putc(&g, '{');
		put_kstr(&g, "recording", r->id);
		put_kint(&g, "after", r->n);
		yzf_buf_putc(&g, ',');
		put_kstr(&g, "reason", why);
		yzf_buf_putc(&g, ',');
		put_kstr(&g, "noticed", "auto");
		put_kint(&g, "from_ms", r->last_end_ms);
		put_kint(&g, "to_ms", s->start_ms);
		if (s->boot == r->last_boot) {
			put_kint(&g, "from_mono", r->last_end_mono);
			put_kint(&g, "to_mono", s->start_mono);
		}
		yzf_buf_putc(&g, '}');
		a[na++] = (struct yzf_append){ .type = "rec.gap",
					       .case_id = r->case_id,
					       .body = (const char *)g.p,
					       .body_len = g.len };
	}
	for (int i = 0; i < 8; i++)
		boot[i] = (uint8_t)(s->boot >> (56 - 8 * i));
	yzf_buf_putc(&b, '{');
	put_kstr(&b, "recording", r->id);
	put_kint(&b, "n", r->n + 1);
	put_khex(&b, "hash", hash, YZF_HASH_LEN);
	put_khex(&b, "prev", r->n ? r->last : zeros, YZF_HASH_LEN);
	put_kint(&b, "size", (int64_t)size);
	yzf_buf_putc(&b, ',');
	put_kstr(&b, "media", s->media[0] ? s->media : "application/octet-stream");
	put_kint(&b, "start_ms", s->start_ms);
	put_kint(&b, "end_ms", s->end_ms);
	put_kint(&b, "start_mono", s->start_mono);
	put_kint(&b, "end_mono", s->end_mono);
	put_khex(&b, "boot", boot, sizeof boot);
	yzf_buf_putc(&b, '}');
	if (g.oom || b.oom)
		rc = yzf_fail(r->y, YZF_ENOMEM, "out of memory");
	if (!rc) {
		a[na++] = (struct yzf_append){ .type = "rec.segment",
					       .case_id = r->case_id,
					       .body = (const char *)b.p,
					       .body_len = b.len };
		rc = yzf_append(r->y, r->feed, a, na, NULL);
	}
	yzf_buf_free(&g);
	yzf_buf_free(&b);
	if (rc)
		return rc;
	r->n++;
	memcpy(r->last, hash, YZF_HASH_LEN);
	r->last_end_ms = s->end_ms;
	r->last_end_mono = s->end_mono;
	r->last_boot = s->boot;
	if (n_out)
		*n_out = r->n;
	return YZF_OK;
}

/* The media pass through buf on their way into the encrypted blob: it is
 * wiped before returning, whatever happened. */
int yzf_rec_take(struct yzf_recording *r, int wait_ms, size_t *taken)
{
	const struct yzf_port *p = r->y->port;
	uint8_t buf[16384];
	size_t got = 0;
	int rc = YZF_OK;
	if (taken)
		*taken = 0;
	if (p->version < 2 || !p->recorder_next || !p->recorder_read ||
	    !p->recorder_done)
		return yzf_fail(r->y, YZF_EPORT, "port: this terminal has no "
				"recorder");
	for (;;) {
		struct yzf_port_segment s;
		memset(&s, 0, sizeof s);
		rc = p->recorder_next(p->ctx, &s, got ? 0 : wait_ms);
		if (rc == YZF_ENOTFOUND) {
			rc = YZF_OK;
			break;
		}
		if (rc) {
			rc = yzf_fail(r->y, YZF_EPORT, "port: recorder failed");
			break;
		}
		rc = yzf_rec_segment_begin(r, &s);
		for (size_t n = 1; !rc && n;) {
			if (p->recorder_read(p->ctx, buf, sizeof buf, &n))
				rc = yzf_fail(r->y, YZF_EPORT, "port: reading "
					      "segment %lld failed",
					      (long long)r->n + 1);
			else if (n)
				rc = yzf_rec_segment_write(r, buf, n);
		}
		if (!rc)
			rc = yzf_rec_segment_end(r, &s, NULL);
		if (rc) {
			yzf_rec_segment_abort(r);
			p->recorder_done(p->ctx, false);
			break;
		}
		if (p->recorder_done(p->ctx, true)) {
			rc = yzf_fail(r->y, YZF_EPORT, "port: recorder failed "
				      "to release segment %lld", (long long)r->n);
			break;
		}
		got++;
		if (taken)
			*taken = got;
	}
	sodium_memzero(buf, sizeof buf);
	return rc;
}

int yzf_rec_explain(struct yzf_recording *r, int64_t after,
		    const char *reason, const char *text)
{
	struct yzf_held h;
	struct yzf_buf b = { 0 };
	if (!reason_ok(reason) || !strcmp(reason, "unknown"))
		return yzf_fail(r->y, YZF_EINVAL, "rec.gap: reason: one of "
				"stopped, battery, reboot, storage, "
				"device_fault, other");
	if (!text || !*text)
		return yzf_fail(r->y, YZF_EINVAL, "rec.gap: text: required when "
				"the officer explains a gap (全过程记录办法 "
				"art.20)");
	int rc = yzf_held_load(r->y, r->case_id, NULL, &h);
	if (rc)
		return rc;
	bool found = false;
	for (size_t i = 0; i < h.n && !found; i++) {
		if (strcmp(h.r[i].type, "rec.gap") != 0)
			continue;
		cJSON *o = cJSON_ParseWithLength((const char *)h.r[i].body,
						 h.r[i].body_len);
		char id[YZF_REC_ID_HEX];
		found = rec_id_of(o, id) && !strcmp(id, r->id) &&
			yzf_jint(o, "after") == after;
		cJSON_Delete(o);
	}
	yzf_held_free(&h);
	if (!found)
		return yzf_fail(r->y, YZF_ENOTFOUND, "recording %s has no gap "
				"after segment %lld", r->id, (long long)after);
	yzf_buf_putc(&b, '{');
	put_kstr(&b, "recording", r->id);
	put_kint(&b, "after", after);
	yzf_buf_putc(&b, ',');
	put_kstr(&b, "reason", reason);
	yzf_buf_putc(&b, ',');
	put_kstr(&b, "noticed", "officer");
	yzf_buf_putc(&b, ',');
	put_kstr(&b, "text", text);
	yzf_buf_putc(&b, '}');
	rc = append_body(r, "rec.gap", &b, NULL);
	yzf_buf_free(&b);
	return rc;
}

int yzf_rec_end(struct yzf_recording *r)
{
	struct yzf_buf b = { 0 };
	if (r->ended)
		return yzf_fail(r->y, YZF_ESTATE, "recording %s has ended", r->id);
	yzf_buf_putc(&b, '{');
	put_kstr(&b, "recording", r->id);
	put_kint(&b, "segments", r->n);
	put_khex(&b, "last", r->n ? r->last : zeros, YZF_HASH_LEN);
	yzf_buf_putc(&b, '}');
	int rc = append_body(r, "rec.end", &b, NULL);
	yzf_buf_free(&b);
	if (!rc)
		r->ended = true;
	return rc;
}

/* ---- checking ---- */

const char *yzf_rec_fault_name(int kind)
{
	switch (kind) {
	case YZF_REC_GAP: return "gap";
	case YZF_REC_MISSING: return "missing";
	case YZF_REC_REORDERED: return "reordered";
	case YZF_REC_CHAIN: return "chain";
	case YZF_REC_UNCOVERED: return "uncovered";
	default: return "?";
	}
}

struct gap {
	char rec[YZF_REC_ID_HEX];
	int64_t after;
	bool known;               /* a reason other than "unknown" */
};

struct end {
	char rec[YZF_REC_ID_HEX];
	int64_t segments;
	uint8_t last[YZF_HASH_LEN];
};

struct checker {
	struct yzf_rec_fault *out;
	size_t cap, n;
};

static void fault(struct checker *c, int kind, const char *rec, int64_t n,
		  const char *fmt, long long a, long long b)
{
	if (c->n < c->cap) {
		struct yzf_rec_fault *f = &c->out[c->n];
		f->kind = kind;
		snprintf(f->recording, sizeof f->recording, "%s", rec);
		f->n = n;
		snprintf(f->why, sizeof f->why, fmt, a, b);
	}
	c->n++;
}

static int by_n(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;
	return x->n < y->n ? -1 : x->n > y->n ? 1
	       : x->order < y->order ? -1 : x->order > y->order;
}

/* A break after segment `after` is explained when some rec.gap there
 * gives a reason; a break with no rec.gap at all, or only "unknown"
 * ones, is not. */
static void judge_break(struct checker *c, const struct gap *g, size_t ng,
			const char *rec, int64_t after, bool broke)
{
	bool any = false, known = false;
	for (size_t i = 0; i < ng; i++)
		if (!strcmp(g[i].rec, rec) && g[i].after == after) {
			any = true;
			known |= g[i].known;
		}
	if (known || (!any && !broke))
		return;
	if (!any)
		fault(c, YZF_REC_GAP, rec, after, "unexplained gap after segment "
		      "%lld: segment %lld does not follow it and no rec.gap "
		      "records the break", (long long)after,
		      (long long)after + 1);
	else
		fault(c, YZF_REC_GAP, rec, after, "unexplained gap after segment "
		      "%lld: noticed by the terminal, no reason given yet "
		      "(rec.gap reason unknown)%.0lld", (long long)after, 0);
}

static void check_one(struct checker *c, const char *rec, struct seg *s,
		      size_t ns, const struct gap *g, size_t ng,
		      const struct end *e)
{
	/* order as signed: a segment after a higher-numbered one */
	for (size_t i = 0; i + 1 < ns; i++)
		if (s[i].n > s[i + 1].n)
			fault(c, YZF_REC_REORDERED, rec, s[i + 1].n,
			      "reordered: segment %lld comes after segment %lld",
			      (long long)s[i + 1].n, (long long)s[i].n);
	qsort(s, ns, sizeof *s, by_n);
	int64_t expect = 1;
	for (size_t i = 0; i < ns; i++) {
		if (s[i].n < expect) /* the same n twice */
			continue;
		if (s[i].n == expect + 1)
			fault(c, YZF_REC_MISSING, rec, expect, "segment %lld "
			      "missing: the recording goes on at segment %lld",
			      (long long)expect, (long long)s[i].n);
		else if (s[i].n > expect)
			fault(c, YZF_REC_MISSING, rec, expect, "segments %lld to "
			      "%lld missing", (long long)expect,
			      (long long)s[i].n - 1);
		bool follows = i > 0 && s[i - 1].n == s[i].n - 1;
		if (s[i].n == 1 ? memcmp(s[i].prev, zeros, YZF_HASH_LEN) != 0
				: follows && memcmp(s[i].prev, s[i - 1].hash,
						    YZF_HASH_LEN) != 0)
			fault(c, YZF_REC_CHAIN, rec, s[i].n, "segment %lld: its "
			      "prev does not name segment %lld's hash",
			      (long long)s[i].n, (long long)s[i].n - 1);
		if (follows) {
			int64_t d = s[i].start_mono - s[i - 1].end_mono;
			bool broke = s[i].boot != s[i - 1].boot ||
				     d > YZF_REC_MAX_GAP_MS ||
				     d < -YZF_REC_MAX_GAP_MS;
			judge_break(c, g, ng, rec, s[i - 1].n, broke);
		}
		expect = s[i].n + 1;
	}
	/* rec.end counts the segments and names the last: a cut tail (the
	 * last segments dropped, records and all) shows here */
	int64_t max = ns ? s[ns - 1].n : 0;
	if (e && e->segments > max)
		fault(c, YZF_REC_MISSING, rec, max + 1, "segment %lld missing: "
		      "rec.end counts %lld segments", (long long)max + 1,
		      (long long)e->segments);
	else if (e && e->segments < max)
		fault(c, YZF_REC_CHAIN, rec, max, "segment %lld after the end: "
		      "rec.end counts %lld segments", (long long)max,
		      (long long)e->segments);
	else if (e && max && memcmp(e->last, s[ns - 1].hash, YZF_HASH_LEN))
		fault(c, YZF_REC_CHAIN, rec, max, "segment %lld: rec.end names "
		      "another last segment%.0lld", (long long)max, 0);
	/* rec.gap records where no pair of segments was judged: a stop
	 * before departure, or next to a missing segment */
	for (size_t i = 0; i < ng; i++) {
		if (strcmp(g[i].rec, rec) != 0)
			continue;
		bool judged = false;
		for (size_t k = 0; k + 1 < ns && !judged; k++)
			judged = s[k].n == g[i].after && s[k + 1].n == s[k].n + 1;
		for (size_t k = 0; k < i && !judged; k++)
			judged = !strcmp(g[k].rec, rec) && g[k].after == g[i].after;
		if (!judged)
			judge_break(c, g, ng, rec, g[i].after, false);
	}
}

int yzf_rec_check(const struct yzf_case_rec *recs, size_t n,
		  bool coercive_only, struct yzf_rec_fault *out, size_t cap,
		  size_t *nfaults)
{
	struct checker c = { .out = out, .cap = cap };
	struct seg *s = calloc(n ? n : 1, sizeof *s);
	struct gap *g = calloc(n ? n : 1, sizeof *g);
	char (*ids)[YZF_REC_ID_HEX] = calloc(n ? n : 1, sizeof *ids);
	bool *coercive = calloc(n ? n : 1, sizeof *coercive);
	struct end *ends = calloc(n ? n : 1, sizeof *ends);
	size_t ns = 0, ng = 0, nid = 0, ne = 0, measures = 0, covering = 0;
	*nfaults = 0;
	if (!s || !g || !ids || !coercive || !ends) {
		free(s);
		free(g);
		free(ids);
		free(coercive);
		free(ends);
		return YZF_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const char *t = recs[i].type;
		if (!strcmp(t, "case.measure")) {
			measures++;
			continue;
		}
		if (strncmp(t, "rec.", 4) != 0)
			continue;
		if (!strcmp(t, "rec.segment")) {
			if (parse_seg(&recs[i], &s[ns])) {
				s[ns].order = i;
				ns++;
			}
			continue;
		}
		cJSON *o = cJSON_ParseWithLength((const char *)recs[i].body,
						 recs[i].body_len);
		char id[YZF_REC_ID_HEX];
		if (o && rec_id_of(o, id)) {
			if (!strcmp(t, "rec.start")) {
				const char *st = yzf_jstr(o, "step");
				memcpy(ids[nid], id, sizeof id);
				coercive[nid] = st && !strcmp(st, "case.measure");
				covering += coercive[nid];
				nid++;
			} else if (!strcmp(t, "rec.gap")) {
				memcpy(g[ng].rec, id, sizeof id);
				g[ng].after = yzf_jint(o, "after");
				const char *why = yzf_jstr(o, "reason");
				g[ng].known = why && strcmp(why, "unknown") != 0;
				ng++;
			} else if (!strcmp(t, "rec.end")) {
				memcpy(ends[ne].rec, id, sizeof id);
				ends[ne].segments = yzf_jint(o, "segments");
				if (yzf_jhex(o, "last", ends[ne].last,
					     YZF_HASH_LEN))
					ne++;
			}
		}
		cJSON_Delete(o);
	}
	/* recordings known only from their segments */
	for (size_t i = 0; i < ns; i++) {
		size_t k = 0;
		while (k < nid && strcmp(ids[k], s[i].rec))
			k++;
		if (k == nid)
			memcpy(ids[nid++], s[i].rec, YZF_REC_ID_HEX);
	}
	struct seg *mine = calloc(ns ? ns : 1, sizeof *mine);
	if (!mine) {
		free(s);
		free(g);
		free(ids);
		free(coercive);
		free(ends);
		return YZF_ENOMEM;
	}
	for (size_t k = 0; k < nid; k++) {
		if (coercive_only && !coercive[k])
			continue;
		size_t m = 0;
		for (size_t i = 0; i < ns; i++)
			if (!strcmp(s[i].rec, ids[k]))
				mine[m++] = s[i];
		const struct end *e = NULL;
		for (size_t i = 0; i < ne && !e; i++)
			if (!strcmp(ends[i].rec, ids[k]))
				e = &ends[i];
		check_one(&c, ids[k], mine, m, g, ng, e);
	}
	if (coercive_only && measures && !covering)
		fault(&c, YZF_REC_UNCOVERED, "", 0, "the case has %lld 查封/扣押 "
		      "step(s) (case.measure) and no recording covers them "
		      "(全过程记录办法 art.19)%.0lld", (long long)measures, 0);
	free(mine);
	free(s);
	free(g);
	free(ids);
	free(coercive);
	free(ends);
	*nfaults = c.n;
	return YZF_OK;
}

bool yzf_rec_coercive_gap_of(const struct yzf_case_rec *recs, size_t n,
			     char *why, size_t cap)
{
	struct yzf_rec_fault f;
	size_t nf = 0;
	if (why && cap)
		why[0] = 0;
	if (yzf_rec_check(recs, n, true, &f, 1, &nf) != YZF_OK)
		return false;
	if (nf && why && cap)
		snprintf(why, cap, "%s%s%s", f.recording,
			 f.recording[0] ? ": " : "", f.why);
	return nf > 0;
}

int yzf_rec_coercive_gap(struct yzf *y, const char *case_id, bool *defect,
			 char *why, size_t cap)
{
	struct yzf_held h;
	int rc = yzf_held_load(y, case_id, NULL, &h);
	if (rc)
		return rc;
	*defect = yzf_rec_coercive_gap_of(h.r, h.n, why, cap);
	yzf_held_free(&h);
	return YZF_OK;
}

/* ---- listing ---- */

/* Add the recordings among one case's records to v. */
static void list_case(const struct yzf_held *h, const char *case_id,
		      struct yzf_rec_info *v, size_t *n)
{
	for (size_t i = 0; i < h->n; i++) {
		const char *t = h->r[i].type;
		if (strncmp(t, "rec.", 4) != 0)
			continue;
		cJSON *o = cJSON_ParseWithLength((const char *)h->r[i].body,
						 h->r[i].body_len);
		char id[YZF_REC_ID_HEX];
		if (!o || !rec_id_of(o, id)) {
			cJSON_Delete(o);
			continue;
		}
		size_t k = 0;
		while (k < *n && strcmp(v[k].id, id))
			k++;
		if (k == *n) {
			memcpy(v[k].id, id, sizeof id);
			memcpy(v[k].feed, h->r[i].feed, YZF_KEY_LEN);
			snprintf(v[k].case_id, sizeof v[k].case_id, "%s",
				 case_id);
			(*n)++;
		}
		if (!strcmp(t, "rec.start")) {
			snprintf(v[k].step, sizeof v[k].step, "%s",
				 yzf_jstr(o, "step") ? yzf_jstr(o, "step") : "");
			snprintf(v[k].measure, sizeof v[k].measure, "%s",
				 yzf_jstr(o, "measure") ? yzf_jstr(o, "measure")
							: "");
			v[k].start_seq = h->r[i].seq;
			v[k].start_ms = h->r[i].at_ms;
		} else if (!strcmp(t, "rec.segment")) {
			v[k].segments++;
			v[k].bytes += (uint64_t)yzf_jint(o, "size");
		} else if (!strcmp(t, "rec.gap")) {
			v[k].gaps++;
		} else if (!strcmp(t, "rec.end")) {
			v[k].ended = true;
		}
		cJSON_Delete(o);
	}
}

int yzf_rec_list(struct yzf *y, const char *case_id, struct yzf_rec_info **out,
		 size_t *n)
{
	char (*ids)[YZF_CASE_ID_MAX] = NULL;
	size_t nids = 1, cap = 0;
	struct yzf_rec_info *v = NULL;
	int rc = YZF_OK;
	*out = NULL;
	*n = 0;
	/* every recording names its case: all of them are the cases' */
	if (!case_id)
		rc = yzf_case_ids(y, &ids, &nids);
	for (size_t c = 0; !rc && c < nids; c++) {
		const char *cid = case_id ? case_id : ids[c];
		struct yzf_held h;
		if ((rc = yzf_held_load(y, cid, NULL, &h)))
			break;
		if (*n + h.n > cap) {
			size_t nc = *n + h.n + 16;
			void *p = realloc(v, nc * sizeof *v);
			if (!p) {
				yzf_held_free(&h);
				rc = yzf_fail(y, YZF_ENOMEM, "out of memory");
				break;
			}
			v = p;
			memset(v + cap, 0, (nc - cap) * sizeof *v);
			cap = nc;
		}
		list_case(&h, cid, v, n);
		yzf_held_free(&h);
	}
	free(ids);
	if (rc) {
		free(v);
		*n = 0;
		return rc;
	}
	*out = v;
	return YZF_OK;
}

int yzf_rec_segments_of(struct yzf *y, const char *recording,
			struct yzf_rec_seginfo **out, size_t *n)
{
	struct yzf_held h;
	*out = NULL;
	*n = 0;
	int rc = yzf_held_load(y, NULL, "rec.segment", &h);
	if (rc)
		return rc;
	struct yzf_rec_seginfo *v = calloc(h.n ? h.n : 1, sizeof *v);
	if (!v) {
		yzf_held_free(&h);
		return yzf_fail(y, YZF_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < h.n; i++) {
		struct seg s;
		if (!parse_seg(&h.r[i], &s) || strcmp(s.rec, recording) != 0)
			continue;
		struct yzf_rec_seginfo *e = &v[(*n)++];
		e->n = s.n;
		memcpy(e->hash, s.hash, YZF_HASH_LEN);
		memcpy(e->prev, s.prev, YZF_HASH_LEN);
		e->size = (uint64_t)s.size;
		e->start_ms = s.start_ms;
		e->end_ms = s.end_ms;
		e->start_mono = s.start_mono;
		e->end_mono = s.end_mono;
		e->boot = s.boot;
		e->seq = h.r[i].seq;
		cJSON *o = cJSON_ParseWithLength((const char *)h.r[i].body,
						 h.r[i].body_len);
		snprintf(e->media, sizeof e->media, "%s",
			 yzf_jstr(o, "media") ? yzf_jstr(o, "media") : "");
		cJSON_Delete(o);
	}
	yzf_held_free(&h);
	if (!*n) {
		free(v);
		return yzf_fail(y, YZF_ENOTFOUND, "recording %s: no segments "
				"held", recording);
	}
	*out = v;
	return YZF_OK;
}

/* ---- verify ---- */

static int finding(struct yzf *y, struct yzf_evidence_finding **v, size_t *n,
		   size_t *cap, struct yzf_evidence_finding *f)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 16;
		void *p = realloc(*v, c * sizeof **v);
		if (!p)
			return yzf_fail(y, YZF_ENOMEM, "out of memory");
		*v = p;
		*cap = c;
	}
	(*v)[(*n)++] = *f;
	return YZF_OK;
}

/* One case: its blobs against their records, then its recordings. */
static int verify_case(struct yzf *y, const char *case_id,
		       struct yzf_evidence_finding **v, size_t *n, size_t *cap,
		       size_t *checked)
{
	struct yzf_held h;
	int rc = yzf_held_load(y, case_id, NULL, &h);
	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < h.n; i++) {
		bool seg = !strcmp(h.r[i].type, "rec.segment");
		if (!seg && strcmp(h.r[i].type, "evidence.add") != 0)
			continue;
		struct yzf_evidence_finding f;
		memset(&f, 0, sizeof f);
		cJSON *o = cJSON_ParseWithLength((const char *)h.r[i].body,
						 h.r[i].body_len);
		f.has_hash = yzf_jhex(o, "hash", f.hash, YZF_HASH_LEN);
		int64_t size = yzf_jint(o, "size");
		if (seg) {
			rec_id_of(o, f.recording);
			f.n = yzf_jint(o, "n");
		}
		cJSON_Delete(o);
		if (!f.has_hash)
			continue;
		int fl;
		char detail[200];
		rc = yzf_blob_check(y, f.hash, size, &fl, detail, sizeof detail);
		(*checked)++;
		if (rc || fl == YZF_BLOB_GOOD)
			continue;
		snprintf(f.what, sizeof f.what, "%s", yzf_blob_fault_name(fl));
		snprintf(f.case_id, sizeof f.case_id, "%s", case_id);
		char hex[65];
		yzf_hex(f.hash, YZF_HASH_LEN, hex);
		if (seg)
			snprintf(f.why, sizeof f.why, "segment %lld (%.16s): %s: "
				 "%s", (long long)f.n, hex, f.what, detail);
		else
			snprintf(f.why, sizeof f.why, "evidence %.16s: %s: %s",
				 hex, f.what, detail);
		rc = finding(y, v, n, cap, &f);
	}
	struct yzf_rec_fault rf[64];
	size_t nf = 0;
	if (!rc && yzf_rec_check(h.r, h.n, false, rf, 64, &nf))
		rc = yzf_fail(y, YZF_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < nf && i < 64; i++) {
		struct yzf_evidence_finding f;
		memset(&f, 0, sizeof f);
		snprintf(f.what, sizeof f.what, "%s",
			 yzf_rec_fault_name(rf[i].kind));
		snprintf(f.case_id, sizeof f.case_id, "%s", case_id);
		memcpy(f.recording, rf[i].recording, sizeof f.recording);
		f.n = rf[i].n;
		snprintf(f.why, sizeof f.why, "%s", rf[i].why);
		rc = finding(y, v, n, cap, &f);
	}
	yzf_held_free(&h);
	return rc;
}

int yzf_evidence_verify(struct yzf *y, const char *case_id,
			struct yzf_evidence_finding **out, size_t *n,
			size_t *checked)
{
	size_t cap = 0, ck = 0;
	int rc = YZF_OK;
	*out = NULL;
	*n = 0;
	if (case_id)
		rc = verify_case(y, case_id, out, n, &cap, &ck);
	else {
		char (*ids)[YZF_CASE_ID_MAX] = NULL;
		size_t nids = 0;
		rc = yzf_case_ids(y, &ids, &nids);
		for (size_t i = 0; !rc && i < nids; i++)
			rc = verify_case(y, ids[i], out, n, &cap, &ck);
		free(ids);
	}
	if (checked)
		*checked = ck;
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* Whole-process recording: the hash fed chunk by chunk is BLAKE2b of the
 * whole; segments from the sim recorder are stored encrypted and chained
 * in signed records; gaps are recorded when noticed (an unexplained one,
 * a stop with its reason, a reboot), explained later, and found by the
 * checks; a removed, reordered or unchained segment is named; the state
 * resumes from the records; recorder faults leave nothing half signed. */
#include <cjson/cJSON.h>

#include "terminal.h"

static char dir[] = "/tmp/rec-test-recording.XXXXXX";
static const struct yzf_sim_opts sim = { .start_ms = 1764205200000LL + 3600000 };
static const char *const case_id = "C-20261127-0002";

static void test_hash(void)
{
	static const size_t len[] = { 0, 1, 127, 128, 129, 4096, 100003 };
	static const size_t chunk[] = { 1, 7, 64, 4096, 65536 };
	uint8_t *p = malloc(100003), want[32], got[32];
	for (size_t i = 0; i < 100003; i++)
		p[i] = (uint8_t)(i * 7 + 3);
	for (size_t i = 0; i < sizeof len / sizeof len[0]; i++)
		for (size_t k = 0; k < sizeof chunk / sizeof chunk[0]; k++) {
			struct yzf_rec_hash h;
			yzf_rec_hash_init(&h);
			for (size_t off = 0; off < len[i]; off += chunk[k])
				yzf_rec_hash_update(&h, p + off,
						    len[i] - off < chunk[k]
							    ? len[i] - off
							    : chunk[k]);
			yzf_rec_hash_final(&h, got);
			crypto_generichash(want, 32, p, len[i], NULL, 0);
			CHECK(memcmp(got, want, 32) == 0);
			CHECK_EQ_INT(h.len, len[i]);
		}
	free(p);
}

/* Bodies of the case's records, in order, as the fold would see them. */
struct held {
	struct yzf_case_rec r[64];
	char *text[64];
	size_t n;
};

static void load(struct yzf *y, struct held *h)
{
	struct yzf_iter *it;
	struct yzf_entry e;
	struct yzf_query q = { .case_id = case_id };
	h->n = 0;
	CHECK_EQ_INT(yzf_iter_open(y, &q, &it), YZF_OK);
	while (h->n < 64 && yzf_iter_next(it, &e) == 1) {
		char *t = malloc(e.rec.body_len + strlen(e.rec.type) + 2);
		strcpy(t, e.rec.type);
		memcpy(t + strlen(t) + 1, e.rec.body, e.rec.body_len);
		h->text[h->n] = t;
		h->r[h->n] = (struct yzf_case_rec){
			.type = t, .body = (const uint8_t *)t + strlen(t) + 1,
			.body_len = e.rec.body_len, .seq = e.rec.seq,
			.roles = YZF_ROLE_OFFICER };
		h->n++;
	}
	yzf_iter_close(it);
}

static void unload(struct held *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->text[i]);
	h->n = 0;
}

/* The i-th record of a type in the case, parsed (caller deletes). */
static cJSON *nth(struct held *h, const char *type, int i)
{
	for (size_t k = 0; k < h->n; k++)
		if (!strcmp(h->r[k].type, type) && i-- == 0)
			return cJSON_ParseWithLength((const char *)h->r[k].body,
						     h->r[k].body_len);
	return NULL;
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static void test_sim(void)
{
	struct yzf_port *p;
	uint8_t a[32];
	struct yzf *y = t_terminal(dir, "s", &sim, &p, a, NULL);
	struct yzf_recording *r;
	struct held h;
	size_t took;
	char why[300];
	bool defect;

	CHECK_EQ_INT(yzf_rec_start(y, a, NULL, "case.measure", NULL, NULL, &r),
		     YZF_EINVAL);
	CHECK_HAS(yzf_errmsg(y), "case");
	CHECK_EQ_INT(yzf_rec_resume(y, a, &r), YZF_ENOTFOUND);
	CHECK_EQ_INT(yzf_rec_start(y, a, case_id, "case.measure", "seize",
				   "sim-recorder", &r), YZF_OK);
	struct yzf_recording *r2;
	CHECK_EQ_INT(yzf_rec_start(y, a, case_id, "case.measure", NULL, NULL,
				   &r2), YZF_ESTATE);
	CHECK_HAS(yzf_errmsg(y), "still open");

	/* one stretch of recording: three segments (one of them several
	 * stored chunks long), then a break the recorder does not explain */
	CHECK_EQ_INT(yzf_port_sim_recorder(p, "3000,70000,3000,1000,gap:30000,"
					   "1000"), YZF_OK);
	CHECK_EQ_INT(yzf_rec_take(r, 0, &took), YZF_OK);
	CHECK_EQ_INT(took, 5);
	CHECK_EQ_INT(yzf_rec_segments(r), 5);
	load(y, &h);
	CHECK_EQ_INT(h.n, 7);
	uint8_t prev[32] = { 0 };
	for (int i = 0; i < 5; i++) {
		cJSON *o = nth(&h, "rec.segment", i);
		uint8_t hash[32], pv[32], got[32];
		CHECK(o != NULL);
		if (!o)
			break;
		CHECK_STR(jstr(o, "recording"), yzf_rec_id(r));
		CHECK_EQ_INT(cJSON_GetObjectItem(o, "n")->valuedouble, i + 1);
		CHECK_EQ_INT(sodium_hex2bin(hash, 32, jstr(o, "hash"), 64, NULL,
					    NULL, NULL), 0);
		CHECK_EQ_INT(sodium_hex2bin(pv, 32, jstr(o, "prev"), 64, NULL,
					    NULL, NULL), 0);
		CHECK(memcmp(pv, prev, 32) == 0); /* the chain */
		memcpy(prev, hash, 32);
		/* the stored blob is what the record hashed */
		struct yzf_blob_reader *br;
		uint8_t buf[8192];
		size_t n;
		uint64_t off = 0;
		crypto_generichash_state st;
		crypto_generichash_init(&st, NULL, 0, 32);
		CHECK_EQ_INT(yzf_blob_open(y, hash, &br), YZF_OK);
		while (yzf_blob_read_at(br, off, buf, sizeof buf, &n) == YZF_OK && n) {
			crypto_generichash_update(&st, buf, n);
			off += n;
		}
		yzf_blob_close(br);
		crypto_generichash_final(&st, got, 32);
		CHECK(memcmp(got, hash, 32) == 0);
		CHECK_EQ_INT(off, i == 1 ? 70000 : i < 3 ? 3000 : 1000);
		cJSON_Delete(o);
	}
	/* the break was noticed when segment 5 came: recorded as unknown,
	 * just before it */
	cJSON *g = nth(&h, "rec.gap", 0);
	CHECK(g != NULL);
	CHECK_STR(jstr(g, "reason"), "unknown");
	CHECK_STR(jstr(g, "noticed"), "auto");
	CHECK_EQ_INT(cJSON_GetObjectItem(g, "after")->valuedouble, 4);
	CHECK_EQ_INT(cJSON_GetObjectItem(g, "to_mono")->valuedouble -
		     cJSON_GetObjectItem(g, "from_mono")->valuedouble, 30000);
	CHECK_STR(h.r[5].type, "rec.gap");
	CHECK_STR(h.r[6].type, "rec.segment");
	cJSON_Delete(g);
	unload(&h);
	/* a defect of the 查封/扣押 until the officer explains it */
	CHECK_EQ_INT(yzf_rec_coercive_gap(y, case_id, &defect, why, sizeof why),
		     YZF_OK);
	CHECK(defect);
	CHECK_HAS(why, "unexplained gap after segment 4");
	CHECK_EQ_INT(yzf_rec_explain(r, 4, "unknown", "x"), YZF_EINVAL);
	CHECK_EQ_INT(yzf_rec_explain(r, 4, "battery", NULL), YZF_EINVAL);
	CHECK_HAS(yzf_errmsg(y), "text");
	CHECK_EQ_INT(yzf_rec_explain(r, 1, "battery", "电池耗尽"), YZF_ENOTFOUND);
	CHECK_EQ_INT(yzf_rec_explain(r, 4, "battery", "电池耗尽，更换电池"),
		     YZF_OK);
	CHECK_EQ_INT(yzf_rec_coercive_gap(y, case_id, &defect, why, sizeof why),
		     YZF_OK);
	CHECK(!defect);

	/* the state comes back from the signed records */
	yzf_rec_close(r);
	CHECK_EQ_INT(yzf_rec_resume(y, a, &r), YZF_OK);
	CHECK_EQ_INT(yzf_rec_segments(r), 5);

	/* a stop the recorder explains, and a reboot: both recorded with
	 * their reasons, neither a defect */
	CHECK_EQ_INT(yzf_port_sim_recorder(p, "stop:battery:60000,1000,reboot,"
					   "1000"), YZF_OK);
	CHECK_EQ_INT(yzf_rec_take(r, 0, &took), YZF_OK);
	CHECK_EQ_INT(took, 2);
	load(y, &h);
	g = nth(&h, "rec.gap", 2);
	CHECK_STR(jstr(g, "reason"), "battery");
	CHECK_EQ_INT(cJSON_GetObjectItem(g, "after")->valuedouble, 5);
	cJSON_Delete(g);
	g = nth(&h, "rec.gap", 3);
	CHECK_STR(jstr(g, "reason"), "reboot");
	CHECK(!cJSON_GetObjectItem(g, "from_mono"));
	cJSON_Delete(g);
	/* the resumed chain: segment 6 follows segment 5 */
	cJSON *s5 = nth(&h, "rec.segment", 4), *s6 = nth(&h, "rec.segment", 5);
	CHECK_STR(jstr(s6, "prev"), jstr(s5, "hash"));
	cJSON_Delete(s5);
	cJSON_Delete(s6);
	unload(&h);
	CHECK_EQ_INT(yzf_rec_coercive_gap(y, case_id, &defect, why, sizeof why),
		     YZF_OK);
	CHECK(!defect);

	/* recorder faults: the failing take signs nothing */
	int64_t before = yzf_rec_segments(r), head;
	uint8_t id[32], id2[32];
	CHECK_EQ_INT(yzf_head(y, a, &head, id), YZF_OK);
	yzf_rec_close(r);
	yzf_close(y);
	yzf_port_sim_destroy(p);
	struct yzf_sim_opts bad = sim;
	bad.recorder = "1000,1000";
	bad.fail_recorder_at = 1;
	char home[300], msg[200];
	snprintf(home, sizeof home, "%s/s", dir);
	p = yzf_port_sim_create(home, &bad);
	CHECK_EQ_INT(yzf_open(p, 0, &y, msg, sizeof msg), YZF_OK);
	CHECK_EQ_INT(yzf_rec_resume(y, a, &r), YZF_OK);
	CHECK_EQ_INT(yzf_rec_segments(r), before);
	CHECK_EQ_INT(yzf_rec_take(r, 0, &took), YZF_EPORT);
	int64_t head2;
	CHECK_EQ_INT(yzf_head(y, a, &head2, id2), YZF_OK);
	CHECK_EQ_INT(head2, head);
	/* the next call works: the segments come and chain on */
	CHECK_EQ_INT(yzf_rec_take(r, 0, &took), YZF_OK);
	CHECK_EQ_INT(took, 2);
	CHECK_EQ_INT(yzf_rec_end(r), YZF_OK);
	CHECK_EQ_INT(yzf_rec_end(r), YZF_ESTATE);
	yzf_rec_close(r);
	CHECK_EQ_INT(yzf_rec_resume(y, a, &r), YZF_ENOTFOUND);

	/* a port without a recorder */
	struct yzf_port bare = *p;
	bare.recorder_next = NULL;
	yzf_close(y);
	CHECK_EQ_INT(yzf_open(&bare, 0, &y, msg, sizeof msg), YZF_OK);
	CHECK_EQ_INT(yzf_rec_start(y, a, case_id, "inspection.start", NULL, NULL,
				   &r), YZF_OK);
	CHECK_EQ_INT(yzf_rec_take(r, 0, &took), YZF_EPORT);
	CHECK_HAS(yzf_errmsg(y), "no recorder");
	yzf_rec_close(r);

	/* every recording of the case, listed */
	struct yzf_rec_info *ri;
	size_t nr;
	CHECK_EQ_INT(yzf_rec_list(y, case_id, &ri, &nr), YZF_OK);
	CHECK_EQ_INT(nr, 2);
	if (nr == 2) {
		CHECK_STR(ri[0].step, "case.measure");
		CHECK_STR(ri[0].measure, "seize");
		CHECK(ri[0].ended);
		CHECK_EQ_INT(ri[0].segments, before + 2);
		CHECK(!ri[1].ended);
	}
	free(ri);
	yzf_close(y);
	yzf_port_sim_destroy(p);
}

/* ---- the checks on records in memory ---- */

struct fake {
	struct yzf_case_rec r[32];
	char body[32][600];
	size_t n;
};

static const char *const RID = "0123456789abcdef0123456789abcdef";

static void hexof(int k, char out[65])
{
	uint8_t h[32] = { 0 };
	if (k)
		memset(h, k, 32);
	sodium_bin2hex(out, 65, h, 32);
}

static void add(struct fake *f, const char *type, const char *body)
{
	snprintf(f->body[f->n], sizeof f->body[0], "%s", body);
	f->r[f->n] = (struct yzf_case_rec){
		.type = type, .body = (const uint8_t *)f->body[f->n],
		.body_len = strlen(f->body[f->n]), .seq = (int64_t)f->n + 1 };
	f->n++;
}

static void start(struct fake *f, const char *step)
{
	char b[200];
	f->n = 0;
	snprintf(b, sizeof b, "{\"recording\":\"%s\",\"step\":\"%s\"}", RID, step);
	add(f, "rec.start", b);
}

/* Segment n, hash n, prev as given, 10 s long from start_mono. */
static void seg(struct fake *f, int n, int prev, long long mono,
		unsigned boot)
{
	char b[600], h[65], p[65];
	hexof(n, h);
	hexof(prev, p);
	snprintf(b, sizeof b, "{\"recording\":\"%s\",\"n\":%d,\"hash\":\"%s\","
		 "\"prev\":\"%s\",\"size\":100,\"media\":\"video/mp4\","
		 "\"start_ms\":%lld,\"end_ms\":%lld,\"start_mono\":%lld,"
		 "\"end_mono\":%lld,\"boot\":\"%016x\"}", RID, n, h, p,
		 1764205200000LL + mono, 1764205200000LL + mono + 10000, mono,
		 mono + 10000, boot);
	add(f, "rec.segment", b);
}

static void gap(struct fake *f, int after, const char *reason)
{
	char b[200];
	snprintf(b, sizeof b, "{\"recording\":\"%s\",\"after\":%d,\"reason\":"
		 "\"%s\",\"noticed\":\"auto\"}", RID, after, reason);
	add(f, "rec.gap", b);
}

static size_t faults(struct fake *f, bool coercive, struct yzf_rec_fault *out)
{
	size_t n = 0;
	CHECK_EQ_INT(yzf_rec_check(f->r, f->n, coercive, out, 8, &n), YZF_OK);
	return n;
}

static void test_check(void)
{
	struct fake f;
	struct yzf_rec_fault o[8];
	char why[300];

	/* whole: 1, 2, 3 back to back */
	start(&f, "case.measure");
	seg(&f, 1, 0, 1000, 1);
	seg(&f, 2, 1, 11000, 1);
	seg(&f, 3, 2, 21500, 1);
	CHECK_EQ_INT(faults(&f, false, o), 0);
	CHECK(!yzf_rec_coercive_gap_of(f.r, f.n, why, sizeof why));

	/* a removed middle segment */
	start(&f, "case.measure");
	seg(&f, 1, 0, 1000, 1);
	seg(&f, 3, 2, 21000, 1);
	seg(&f, 4, 3, 31000, 1);
	CHECK_EQ_INT(faults(&f, false, o), 1);
	CHECK_EQ_INT(o[0].kind, YZF_REC_MISSING);
	CHECK_EQ_INT(o[0].n, 2);
	CHECK_HAS(o[0].why, "segment 2 missing");
	CHECK(yzf_rec_coercive_gap_of(f.r, f.n, why, sizeof why));
	CHECK_HAS(why, "segment 2 missing");

	/* a reordered pair */
	start(&f, "case.measure");
	seg(&f, 1, 0, 1000, 1);
	seg(&f, 3, 2, 21000, 1);
	seg(&f, 2, 1, 11000, 1);
	seg(&f, 4, 3, 31000, 1);
	CHECK_EQ_INT(faults(&f, false, o), 1);
	CHECK_EQ_INT(o[0].kind, YZF_REC_REORDERED);
	CHECK_HAS(o[0].why, "segment 2 comes after segment 3");
	CHECK_STR(yzf_rec_fault_name(o[0].kind), "reordered");

	/* a cut tail: rec.end counts more than are held, or names another
	 * last segment */
	start(&f, "case.measure");
	seg(&f, 1, 0, 1000, 1);
	seg(&f, 2, 1, 11000, 1);
	{
		char b[300], h3[65];
		hexof(3, h3);
		snprintf(b, sizeof b, "{\"recording\":\"%s\",\"segments\":3,"
			 "\"last\":\"%s\"}", RID, h3);
		add(&f, "rec.end", b);
	}
	CHECK_EQ_INT(faults(&f, false, o), 1);
	CHECK_EQ_INT(o[0].kind, YZF_REC_MISSING);
	CHECK_HAS(o[0].why, "segment 3 missing: rec.end counts 3 segments");
	start(&f, "case.measure");
	seg(&f, 1, 0, 1000, 1);
	seg(&f, 2, 1, 11000, 1);
	{
		char b[300], h1[65];
		hexof(1, h1);
		snprintf(b, sizeof b, "{\"recording\":\"%s\",\"segments\":2,"
			 "\"last\":\"%s\"}", RID, h1);
		add(&f, "rec.end", b);
	}
	CHECK_EQ_INT(faults(&f, false, o), 1);
	CHECK_EQ_INT(o[0].kind, YZF_REC_CHAIN);

	/* a prev that names another segment */
	start(&f, "case.measure");
	seg(&f, 1, 0, 1000, 1);
	seg(&f, 2, 9, 11000, 1);
	CHECK_EQ_INT(faults(&f, false, o), 1);
	CHECK_EQ_INT(o[0].kind, YZF_REC_CHAIN);
	CHECK_EQ_INT(o[0].n, 2);

	/* a break with no rec.gap; then an unknown one; then explained */
	start(&f, "case.measure");
	seg(&f, 1, 0, 1000, 1);
	seg(&f, 2, 1, 41000, 1);
	CHECK_EQ_INT(faults(&f, false, o), 1);
	CHECK_EQ_INT(o[0].kind, YZF_REC_GAP);
	CHECK_HAS(o[0].why, "no rec.gap records the break");
	start(&f, "case.measure");
	seg(&f, 1, 0, 1000, 1);
	gap(&f, 1, "unknown");
	seg(&f, 2, 1, 41000, 1);
	CHECK_EQ_INT(faults(&f, false, o), 1);
	CHECK_HAS(o[0].why, "no reason given yet");
	gap(&f, 1, "battery");
	CHECK_EQ_INT(faults(&f, false, o), 0);
	/* a reboot with its rec.gap is explained; without, it is not */
	start(&f, "case.measure");
	seg(&f, 1, 0, 1000, 1);
	seg(&f, 2, 1, 11000, 2);
	CHECK_EQ_INT(faults(&f, false, o), 1);
	gap(&f, 1, "reboot");
	CHECK_EQ_INT(faults(&f, false, o), 0);
	/* a stop before departure, never explained */
	start(&f, "case.measure");
	seg(&f, 1, 0, 1000, 1);
	gap(&f, 1, "unknown");
	CHECK_EQ_INT(faults(&f, false, o), 1);

	/* coercive only: a gap in an inspection's recording is not the
	 * 查封/扣押's; a case.measure with no recording at all is */
	start(&f, "inspection.start");
	seg(&f, 1, 0, 1000, 1);
	seg(&f, 2, 1, 41000, 1);
	CHECK_EQ_INT(faults(&f, false, o), 1);
	CHECK_EQ_INT(faults(&f, true, o), 0);
	add(&f, "case.measure", "{\"measure\":\"seize\",\"term_days\":30,"
	    "\"items\":[\"过期饼干 6 箱\"]}");
	CHECK_EQ_INT(faults(&f, true, o), 1);
	CHECK_EQ_INT(o[0].kind, YZF_REC_UNCOVERED);
	CHECK(yzf_rec_coercive_gap_of(f.r, f.n, why, sizeof why));
	CHECK_HAS(why, "no recording covers");
}

int main(void)
{
	char cmd[300];
	if (sodium_init() < 0 || !mkdtemp(dir))
		return 2;
	t_authority();
	test_hash();
	test_sim();
	test_check();
	yzf_buf_free(&t_trust);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done();
}

/* Evidence: blobs round-trip encrypted (the store file never holds the
 * plaintext), deduplicate, and name every kind of damage (an edited byte,
 * a cut stream, moved chunks, a stream filed under another hash: the wrong
 * associated data); evidence.add refuses a blob not held; review only by
 * the reviewer role, the latest review decides, and the predicate the
 * case fold uses. */
#include <sqlite3.h>

#include "terminal.h"

static char dir[] = "/tmp/rec-test-evidence.XXXXXX";
static const struct yzf_sim_opts sim = { .start_ms = 1764205200000LL + 3600000 };
static const char *const case_id = "C-20261127-0001";

/* Deterministic content with a marker that must never reach the disk. */
static uint8_t *content(size_t n, uint8_t seed)
{
	static const char mark[] = "PLAINTEXT-MARKER-";
	uint8_t *p = malloc(n ? n : 1);
	for (size_t i = 0; p && i < n; i++)
		p[i] = i % 64 < sizeof mark - 1 ? (uint8_t)mark[i % 64]
						: (uint8_t)(i * 131 + seed);
	return p;
}

/* Write content in uneven pieces, as a file or a camera gives it. */
static int put(struct yzf *y, const uint8_t *p, size_t n, uint8_t hash[32],
	       uint64_t *size)
{
	static const size_t piece[] = { 1, 1000, 65536, 3, 100000, 7 };
	struct yzf_blob_writer *w;
	int rc = yzf_blob_begin(y, &w);
	if (rc)
		return rc;
	for (size_t off = 0, k = 0; off < n; k++) {
		size_t m = piece[k % 6] < n - off ? piece[k % 6] : n - off;
		if ((rc = yzf_blob_write(w, p + off, m))) {
			yzf_blob_abort(w);
			return rc;
		}
		off += m;
	}
	return yzf_blob_finish(w, hash, size);
}

static bool file_has(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	size_t cap = 1 << 16, n = 0, k, nl = strlen(needle);
	char *b = malloc(cap);
	bool hit = false;
	while (b && (k = fread(b + n, 1, cap - n, f)) > 0) {
		n += k;
		if (n == cap) {
			char *q = realloc(b, cap *= 2);
			if (!q)
				break;
			b = q;
		}
	}
	for (size_t i = 0; b && i + nl <= n && !hit; i++)
		hit = !memcmp(b + i, needle, nl);
	free(b);
	fclose(f);
	return hit;
}

static void sql(const char *home, const char *q)
{
	char path[400];
	sqlite3 *db;
	snprintf(path, sizeof path, "%s/%s/store.db", dir, home);
	CHECK_EQ_INT(sqlite3_open(path, &db), SQLITE_OK);
	char *err = NULL;
	int rc = sqlite3_exec(db, q, NULL, NULL, &err);
	if (rc)
		fprintf(stderr, "sql: %s: %s\n", q, err ? err : "?");
	CHECK_EQ_INT(rc, SQLITE_OK);
	sqlite3_free(err);
	sqlite3_close(db);
}

static void check_fault(struct yzf *y, const uint8_t h[32], int64_t size,
			int want, const char *says)
{
	int fault = -1;
	char why[200];
	CHECK_EQ_INT(yzf_blob_check(y, h, size, &fault, why, sizeof why), YZF_OK);
	CHECK_STR(yzf_blob_fault_name(fault), yzf_blob_fault_name(want));
	if (says)
		CHECK_HAS(why, says);
}

static void test_blobs(void)
{
	struct yzf_port *p;
	uint8_t a[32], h[32], h2[32], want[32], buf[70000];
	uint64_t size;
	struct yzf *y = t_terminal(dir, "b", &sim, &p, a, NULL);
	const size_t n = 300000;
	uint8_t *pt = content(n, 1);

	/* round trip, named by the plaintext's hash */
	CHECK_EQ_INT(put(y, pt, n, h, &size), YZF_OK);
	CHECK_EQ_INT(size, n);
	crypto_generichash(want, 32, pt, n, NULL, 0);
	CHECK(memcmp(h, want, 32) == 0);
	struct yzf_blob_reader *r;
	CHECK_EQ_INT(yzf_blob_open(y, h, &r), YZF_OK);
	CHECK_EQ_INT(yzf_blob_size(r), n);
	/* any offset, forwards and backwards */
	/* (after the end: back into the last message, then an earlier one) */
	static const uint64_t offs[] = { 0, 65535, 65536, 200001, 10, 299999,
					 300000, 299000, 262144, 300000, 5 };
	for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
		size_t got;
		CHECK_EQ_INT(yzf_blob_read_at(r, offs[i], buf, sizeof buf, &got),
			     YZF_OK);
		CHECK(offs[i] == n ? got == 0 : got > 0);
		CHECK(got == 0 || memcmp(buf, pt + offs[i], got) == 0);
	}
	yzf_blob_close(r);
	check_fault(y, h, (int64_t)n, YZF_BLOB_GOOD, NULL);
	check_fault(y, h, (int64_t)n + 5, YZF_BLOB_TRUNCATED, "says");

	/* the store (and its WAL) never holds the plaintext */
	char path[400];
	snprintf(path, sizeof path, "%s/b/store.db", dir);
	CHECK(!file_has(path, "PLAINTEXT-MARKER-"));
	snprintf(path, sizeof path, "%s/b/store.db-wal", dir);
	CHECK(!file_has(path, "PLAINTEXT-MARKER-"));

	/* the same content twice is one blob; empty content is a blob too */
	CHECK_EQ_INT(put(y, pt, n, h2, NULL), YZF_OK);
	CHECK(memcmp(h, h2, 32) == 0);
	uint8_t he[32];
	CHECK_EQ_INT(put(y, pt, 0, he, &size), YZF_OK);
	CHECK_EQ_INT(size, 0);
	check_fault(y, he, 0, YZF_BLOB_GOOD, NULL);
	size_t cnt;
	CHECK_EQ_INT(yzf_blob_unpushed(y, NULL, 0, &cnt), YZF_OK);
	CHECK_EQ_INT(cnt, 2);
	CHECK_EQ_INT(yzf_blob_mark_pushed(y, he), YZF_OK);
	CHECK_EQ_INT(yzf_blob_unpushed(y, NULL, 0, &cnt), YZF_OK);
	CHECK_EQ_INT(cnt, 1);

	/* a second, smaller blob to swap names with */
	uint8_t *pt2 = content(5000, 2), hs[32];
	CHECK_EQ_INT(put(y, pt2, 5000, hs, NULL), YZF_OK);

	/* wrong associated data: each stream filed under the other's hash
	 * opens message by message, and its FINAL refuses */
	char q[600], hx[65], hsx[65];
	sodium_bin2hex(hx, sizeof hx, h, 32);
	sodium_bin2hex(hsx, sizeof hsx, hs, 32);
	snprintf(q, sizeof q,
		 "UPDATE blobs SET hash = x'00' WHERE hash = x'%s';"
		 "UPDATE blobs SET hash = x'%s' WHERE hash = x'%s';"
		 "UPDATE blobs SET hash = x'%s' WHERE hash = x'00';",
		 hx, hx, hsx, hsx);
	sql("b", q);
	check_fault(y, h, -1, YZF_BLOB_NOT_BOUND, "not bound");
	check_fault(y, hs, -1, YZF_BLOB_NOT_BOUND, "not bound");
	CHECK_EQ_INT(yzf_blob_open(y, hs, &r), YZF_OK);
	size_t got = 1;
	uint64_t off = 0;
	int rc;
	while ((rc = yzf_blob_read_at(r, off, buf, sizeof buf, &got)) == YZF_OK &&
	       got)
		off += got;
	CHECK_EQ_INT(rc, YZF_ECORRUPT); /* decryption fails: wrong AD */
	yzf_blob_close(r);
	sql("b", q); /* swap back */
	check_fault(y, h, (int64_t)n, YZF_BLOB_GOOD, NULL);

	/* an edited byte in chunk 2 (the chunks kept aside to restore) */
	char keep[300], back[300];
	snprintf(keep, sizeof keep, "CREATE TABLE saved AS SELECT * FROM "
		 "blob_chunks WHERE blob = (SELECT id FROM blobs WHERE hash = "
		 "x'%s')", hx);
	snprintf(back, sizeof back, "DELETE FROM blob_chunks WHERE blob = "
		 "(SELECT blob FROM saved LIMIT 1); INSERT INTO blob_chunks "
		 "SELECT * FROM saved");
	sql("b", keep);
	snprintf(q, sizeof q,
		 "UPDATE blob_chunks SET ct = CAST(substr(ct, 1, 99) || "
		 "(CASE WHEN substr(ct, 100, 1) = x'00' THEN x'01' ELSE x'00' END)"
		 " || substr(ct, 101) AS BLOB) WHERE blob = (SELECT id FROM blobs WHERE "
		 "hash = x'%s') AND n = 2", hx);
	sql("b", q);
	check_fault(y, h, (int64_t)n, YZF_BLOB_CHANGED, "chunk 2");
	sql("b", back);
	check_fault(y, h, (int64_t)n, YZF_BLOB_GOOD, NULL);

	/* chunks moved: 0 and 1 swapped */
	snprintf(q, sizeof q,
		 "UPDATE blob_chunks SET n = -1 WHERE n = 0 AND blob = (SELECT id "
		 "FROM blobs WHERE hash = x'%s');"
		 "UPDATE blob_chunks SET n = 0 WHERE n = 1 AND blob = (SELECT id "
		 "FROM blobs WHERE hash = x'%s');"
		 "UPDATE blob_chunks SET n = 1 WHERE n = -1 AND blob = (SELECT id "
		 "FROM blobs WHERE hash = x'%s');", hx, hx, hx);
	sql("b", q);
	check_fault(y, h, (int64_t)n, YZF_BLOB_CHANGED, "chunk 0");
	sql("b", back);
	check_fault(y, h, (int64_t)n, YZF_BLOB_GOOD, NULL);

	/* cut: the FINAL message gone, then a data chunk too */
	snprintf(q, sizeof q,
		 "DELETE FROM blob_chunks WHERE blob = (SELECT id FROM blobs "
		 "WHERE hash = x'%s') AND n = (SELECT MAX(n) FROM blob_chunks "
		 "WHERE blob = (SELECT id FROM blobs WHERE hash = x'%s'))",
		 hx, hx);
	sql("b", q);
	check_fault(y, h, (int64_t)n, YZF_BLOB_TRUNCATED, "before its FINAL");
	sql("b", q);
	check_fault(y, h, (int64_t)n, YZF_BLOB_TRUNCATED, "chunk 4");

	/* missing */
	uint8_t none[32] = { 1 };
	check_fault(y, none, 10, YZF_BLOB_MISSING, NULL);
	CHECK_EQ_INT(yzf_blob_stat(y, none, NULL), YZF_ENOTFOUND);

	/* no officer logged in: no key, nothing to read or write */
	struct yzf_blob_writer *w;
	CHECK_EQ_INT(yzf_logout(y, a), YZF_OK);
	yzf_close(y);
	char msg[200];
	CHECK_EQ_INT(yzf_open(p, 0, &y, msg, sizeof msg), YZF_OK);
	CHECK_EQ_INT(yzf_blob_begin(y, &w), YZF_ENOSESSION);
	CHECK_HAS(yzf_errmsg(y), "logged-in officer");
	CHECK_EQ_INT(yzf_blob_open(y, hs, &r), YZF_ENOSESSION);
	free(pt);
	free(pt2);
	yzf_close(y);
	yzf_port_sim_destroy(p);
}

static void test_records(void)
{
	struct yzf_port *p;
	uint8_t a[32], b[32], h[32], h2[32];
	uint64_t size;
	int64_t seq;
	int state;
	char why[200];
	struct yzf *y = t_terminal(dir, "r", &sim, &p, a, b);
	uint8_t *pt = content(20000, 3);
	CHECK_EQ_INT(put(y, pt, 20000, h, &size), YZF_OK);

	/* evidence.add: only for a held blob of that size, in a case */
	struct yzf_evidence_add e = { .case_id = case_id, .size = size,
				      .media = "image/jpeg", .kind = "photo",
				      .name = "货架.jpg" };
	memcpy(e.hash, h, 32);
	e.size = size + 1;
	CHECK_EQ_INT(yzf_evidence_add(y, a, &e, &seq), YZF_EINVAL);
	CHECK_HAS(yzf_errmsg(y), "size");
	e.size = size;
	e.case_id = NULL;
	CHECK_EQ_INT(yzf_evidence_add(y, a, &e, &seq), YZF_EINVAL);
	CHECK_HAS(yzf_errmsg(y), "case");
	e.case_id = case_id;
	struct yzf_evidence_add ghost = e;
	memset(ghost.hash, 7, 32);
	CHECK_EQ_INT(yzf_evidence_add(y, a, &ghost, &seq), YZF_ENOTFOUND);
	e.kind = "selfie";
	CHECK_EQ_INT(yzf_evidence_add(y, a, &e, &seq), YZF_EINVAL);
	CHECK_HAS(yzf_errmsg(y), "body.kind");
	e.kind = "photo";
	CHECK_EQ_INT(yzf_evidence_add(y, a, &e, &seq), YZF_OK);
	CHECK_EQ_INT(seq, 1);

	/* the case fold's predicate: unreviewed is not passed */
	CHECK(!yzf_evidence_passed(y, case_id, h));
	CHECK_EQ_INT(yzf_evidence_state(y, case_id, h, &state, NULL, 0), YZF_OK);
	CHECK_EQ_INT(state, YZF_EVIDENCE_UNREVIEWED);

	/* review: the officer is refused, with the rule named; nothing
	 * written */
	struct yzf_evidence_crit ok = { true, "与违法事实直接相关" },
				 bad = { false, "取证未出示执法证件" };
	CHECK_EQ_INT(yzf_evidence_review(y, a, case_id, h, &ok, &ok, &ok, &seq),
		     YZF_ECERT);
	CHECK_HAS(yzf_errmsg(y), "reviewer role");
	CHECK_HAS(yzf_errmsg(y), "44010020230001");
	int64_t head;
	uint8_t id[32];
	CHECK_EQ_INT(yzf_head(y, a, &head, id), YZF_OK);
	CHECK_EQ_INT(head, 1);
	/* the reviewer: evidence the case does not hold is refused */
	CHECK_EQ_INT(put(y, pt, 1000, h2, NULL), YZF_OK);
	CHECK_EQ_INT(yzf_evidence_review(y, b, case_id, h2, &ok, &ok, &ok, &seq),
		     YZF_ENOTFOUND);
	CHECK_EQ_INT(yzf_evidence_review(y, b, case_id, h, &ok, &ok, &ok, &seq),
		     YZF_OK);
	CHECK(yzf_evidence_passed(y, case_id, h));
	/* a later review decides: legality fails */
	CHECK_EQ_INT(yzf_evidence_review(y, b, case_id, h, &ok, &bad, &ok, &seq),
		     YZF_OK);
	CHECK(!yzf_evidence_passed(y, case_id, h));
	CHECK_EQ_INT(yzf_evidence_state(y, case_id, h, &state, why, sizeof why),
		     YZF_OK);
	CHECK_EQ_INT(state, YZF_EVIDENCE_FAILED);
	CHECK_HAS(why, "legality failed: 取证未出示执法证件");
	CHECK(!yzf_evidence_passed(y, "C-OTHER", h));

	/* list and verify */
	struct yzf_evidence_item *v;
	size_t n;
	CHECK_EQ_INT(yzf_evidence_list(y, case_id, &v, &n), YZF_OK);
	CHECK_EQ_INT(n, 1);
	if (n) {
		CHECK(memcmp(v[0].hash, h, 32) == 0);
		CHECK_STR(v[0].case_id, case_id);
		CHECK_STR(v[0].name, "货架.jpg");
		CHECK_EQ_INT(v[0].state, YZF_EVIDENCE_FAILED);
	}
	free(v);
	struct yzf_evidence_finding *f;
	size_t checked;
	CHECK_EQ_INT(yzf_evidence_verify(y, NULL, &f, &n, &checked), YZF_OK);
	CHECK_EQ_INT(n, 0);
	CHECK_EQ_INT(checked, 1);
	free(f);
	char hx[65], q[300];
	sodium_bin2hex(hx, sizeof hx, h, 32);
	snprintf(q, sizeof q, "DELETE FROM blob_chunks WHERE blob = (SELECT id "
		 "FROM blobs WHERE hash = x'%s'); DELETE FROM blobs WHERE hash "
		 "= x'%s'", hx, hx);
	sql("r", q);
	CHECK_EQ_INT(yzf_evidence_verify(y, case_id, &f, &n, NULL), YZF_OK);
	CHECK_EQ_INT(n, 1);
	if (n) {
		CHECK_STR(f[0].what, "missing");
		CHECK(f[0].has_hash && memcmp(f[0].hash, h, 32) == 0);
	}
	free(f);
	free(pt);
	yzf_close(y);
	yzf_port_sim_destroy(p);
}

/* The new record types' schemas, as embedded: bad bodies refused with
 * the field named (good ones are appended by the tests above). */
static void test_schemas(void)
{
	static const struct {
		const char *type, *body, *says;
	} bad[] = {
		{ "rec.gap", "{\"recording\":\"0123456789abcdef0123456789abcdef\","
		  "\"after\":1,\"reason\":\"nap\",\"noticed\":\"auto\"}",
		  "body.reason: must be one of" },
		{ "rec.segment", "{\"recording\":\"0123456789abcdef0123456789abcdef\","
		  "\"n\":0}", "body.n: must be at least 1" },
		{ "rec.start", "{\"recording\":\"0123\",\"step\":\"case.measure\"}",
		  "body.recording" },
		{ "evidence.add", "{\"hash\":\"AB\",\"size\":1,\"media\":\"x/y\","
		  "\"kind\":\"photo\"}", "body.hash" },
		{ "evidence.review", "{\"hash\":\"" "0123456789abcdef0123456789abcdef"
		  "0123456789abcdef0123456789abcdef" "\",\"relevance\":{\"pass\":true,"
		  "\"reason\":\"r\"},\"legality\":{\"pass\":true,\"reason\":\"l\"}}",
		  "body.authenticity: required field missing" },
		{ "evidence.review", "{\"hash\":\"" "0123456789abcdef0123456789abcdef"
		  "0123456789abcdef0123456789abcdef" "\",\"relevance\":{\"pass\":1,"
		  "\"reason\":\"r\"},\"legality\":{\"pass\":true,\"reason\":\"l\"},"
		  "\"authenticity\":{\"pass\":true,\"reason\":\"a\"}}",
		  "body.relevance.pass: must be a boolean" },
	};
	struct yzf_port *p;
	uint8_t a[32];
	struct yzf *y = t_terminal(dir, "s", &sim, &p, a, NULL);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct yzf_append ap = { .type = bad[i].type, .case_id = case_id,
					 .body = bad[i].body,
					 .body_len = strlen(bad[i].body) };
		CHECK_EQ_INT(yzf_append(y, a, &ap, 1, NULL), YZF_EINVAL);
		CHECK_HAS(yzf_errmsg(y), bad[i].says);
	}
	yzf_close(y);
	yzf_port_sim_destroy(p);
}

/* The predicate over records in memory: reviews by a feed without the
 * reviewer role do not count, whatever they say. */
static void test_state_of(void)
{
	uint8_t h[32];
	char add[200], rev[400];
	int state;
	memset(h, 0xab, 32);
	snprintf(add, sizeof add, "{\"hash\":\"%s\",\"size\":1,\"media\":"
		 "\"image/jpeg\",\"kind\":\"photo\"}",
		 "abababababababababababababababababababababababababababababababab");
	snprintf(rev, sizeof rev, "{\"hash\":\"%s\",\"relevance\":{\"pass\":true,"
		 "\"reason\":\"r\"},\"legality\":{\"pass\":true,\"reason\":\"l\"},"
		 "\"authenticity\":{\"pass\":true,\"reason\":\"a\"}}",
		 "abababababababababababababababababababababababababababababababab");
	struct yzf_case_rec r[2] = {
		{ .type = "evidence.add", .body = (const uint8_t *)add,
		  .body_len = strlen(add), .roles = YZF_ROLE_OFFICER },
		{ .type = "evidence.review", .body = (const uint8_t *)rev,
		  .body_len = strlen(rev), .roles = YZF_ROLE_OFFICER },
	};
	CHECK_EQ_INT(yzf_evidence_state_of(r, 2, h, &state, NULL, 0), YZF_OK);
	CHECK_EQ_INT(state, YZF_EVIDENCE_UNREVIEWED);
	r[1].roles = YZF_ROLE_REVIEWER;
	CHECK_EQ_INT(yzf_evidence_state_of(r, 2, h, &state, NULL, 0), YZF_OK);
	CHECK_EQ_INT(state, YZF_EVIDENCE_PASSED);
	CHECK_EQ_INT(yzf_evidence_state_of(r + 1, 1, h, &state, NULL, 0),
		     YZF_ENOTFOUND);
}

int main(void)
{
	char cmd[300];
	if (sodium_init() < 0 || !mkdtemp(dir))
		return 2;
	t_authority();
	test_blobs();
	test_records();
	test_schemas();
	test_state_of();
	yzf_buf_free(&t_trust);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done();
}

/* The store, keys, verify and exchange modules through the public API, on
 * the sim port in a temporary directory: init, enrollment, PINs, batch
 * appends (all or nothing), iteration, verify, port faults, wipe and city
 * recovery, export and import. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "yzf/yzf.h"
#include "yzf_port_sim.h"

static uint8_t root_sk[64], city_sk[64], seal_sk[32];
static struct yzf_cert root, city;
static struct yzf_buf trust;
static char dir[] = "/tmp/yzf-test-store.XXXXXX";

static void make_authority(void)
{
	memset(&root, 0, sizeof root);
	root.kind = YZF_CERT_ROOT;
	randombytes_buf(root.serial, sizeof root.serial);
	crypto_sign_keypair(root.key, root_sk);
	memcpy(root.issuer, root.key, 32);
	strcpy(root.name, "广东省人民政府");
	root.not_before = 1700000000000LL;
	root.not_after = 2500000000000LL;
	root.tz = 480;
	city = root;
	city.kind = YZF_CERT_CITY;
	randombytes_buf(city.serial, sizeof city.serial);
	crypto_sign_keypair(city.key, city_sk);
	crypto_box_keypair(city.seal, seal_sk);
	strcpy(city.name, "广州市司法局");
	strcpy(city.region, "440100");
	CHECK_EQ_INT(yzf_cert_sign_line(&root, root_sk, &trust), YZF_OK);
	yzf_buf_putc(&trust, '\n');
	CHECK_EQ_INT(yzf_cert_sign_line(&city, root_sk, &trust), YZF_OK);
	yzf_buf_putc(&trust, '\n');
}

/* Issue a feed certificate for a request line; bundle = trust + feed. */
static void issue(const struct yzf_buf *req, const char *no, const char *term,
		  const uint8_t *signer_sk, struct yzf_buf *bundle)
{
	struct yzf_cert c = { 0 };
	char terminal[65];
	CHECK_EQ_INT(yzf_request_parse(req->p, req->len, c.key, terminal, NULL),
		     YZF_OK);
	c.kind = YZF_CERT_FEED;
	randombytes_buf(c.serial, sizeof c.serial);
	memcpy(c.issuer, city.key, 32);
	strcpy(c.name, "张明");
	strcpy(c.officer_no, no);
	strcpy(c.agency, "广州市天河区市场监督管理局");
	strcpy(c.uscc, "11440106MB2C492807");
	strcpy(c.terminal, term ? term : terminal);
	c.roles = YZF_ROLE_OFFICER;
	c.not_before = 1764205200000LL; /* 2026-11-27T09:00+08:00 - 8h */
	c.not_after = c.not_before + 365LL * 86400000;
	c.tz = 480;
	yzf_buf_reset(bundle);
	yzf_buf_put(bundle, trust.p, trust.len);
	CHECK_EQ_INT(yzf_cert_sign_line(&c, signer_sk, bundle), YZF_OK);
}

static struct yzf *open_at(const char *sub, struct yzf_port **p,
			   const struct yzf_sim_opts *o)
{
	char home[256], msg[256];
	struct yzf *y = NULL;
	snprintf(home, sizeof home, "%s/%s", dir, sub);
	*p = yzf_port_sim_create(home, o);
	CHECK(*p != NULL);
	CHECK_EQ_INT(yzf_open(*p, YZF_OPEN_CREATE, &y, msg, sizeof msg), YZF_OK);
	return y;
}

static const struct yzf_sim_opts sim = { .start_ms = 1764205200000LL + 3600000 };

static void enroll(struct yzf *y, const char *pin, const char *no,
		   uint8_t feed[32])
{
	struct yzf_buf req = { 0 }, bundle = { 0 };
	uint8_t got[32];
	CHECK_EQ_INT(yzf_enroll_request(y, pin, strlen(pin), &req, feed), YZF_OK);
	issue(&req, no, NULL, city_sk, &bundle);
	CHECK_EQ_INT(yzf_enroll_complete(y, bundle.p, bundle.len, got), YZF_OK);
	CHECK(memcmp(got, feed, 32) == 0);
	yzf_buf_free(&req);
	yzf_buf_free(&bundle);
}

/* Keep the lines of an export that are certificates or records with the
 * given seqs, as a pull answer would carry them. */
static void pick(const struct yzf_buf *ex, const int *seqs, size_t n,
		 struct yzf_buf *out, bool damage)
{
	size_t s = 0;
	while (s < ex->len) {
		size_t e = s;
		while (e < ex->len && ex->p[e] != '\n')
			e++;
		bool keep = memcmp(ex->p + s, "{\"cert\":", 8) == 0;
		for (size_t i = 0; i < n && !keep; i++) {
			char want[32];
			int wl = snprintf(want, sizeof want, "\"seq\":%d,", seqs[i]);
			for (size_t k = s; k + (size_t)wl <= e && !keep; k++)
				keep = memcmp(ex->p + k, want, (size_t)wl) == 0;
		}
		if (keep) {
			size_t at = out->len;
			yzf_buf_put(out, ex->p + s, e - s + 1);
			/* change one byte of the last record's body */
			if (damage && ex->p[s + 2] == 'r')
				out->p[at + (e - s) - 150] ^= 1;
		}
		s = e + 1;
	}
	yzf_buf_putc(out, 0);
}

/* Another officer's records of a shared case arrive without the rest of
 * their feed: stored, verified record by record; a damaged one is
 * quarantined; a terminal's own feed is never filled this way. */
static void test_sparse(const struct yzf_buf *ex, const uint8_t a[32],
			const struct yzf_config *base)
{
	struct yzf_port *p;
	struct yzf *y = open_at("t4", &p, &sim);
	struct yzf_config cfg = *base;
	struct yzf_buf req = { 0 }, bundle = { 0 }, lines = { 0 };
	struct yzf_import_report r;
	struct yzf_pull_cursor next;
	struct yzf_verify_report v;
	uint8_t w[32];
	strcpy(cfg.terminal, "GZ-T-4");
	CHECK_EQ_INT(yzf_init(y, &cfg, trust.p, trust.len), YZF_OK);
	CHECK_EQ_INT(yzf_enroll_request(y, "111222", 6, &req, w), YZF_OK);
	issue(&req, "44010020230044", NULL, city_sk, &bundle);
	CHECK_EQ_INT(yzf_enroll_complete(y, bundle.p, bundle.len, w), YZF_OK);
	CHECK_EQ_INT(yzf_login(y, w, "111222", 6), YZF_OK);

	const int some[] = { 7, 3, 20 };
	pick(ex, some, 3, &lines, false);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddTrueToObject(o, "ok");
	cJSON_AddStringToObject(o, "lines", (char *)lines.p);
	cJSON_AddNullToObject(o, "next");
	char *txt = cJSON_PrintUnformatted(o);
	CHECK_EQ_INT(yzf_sync_pull_answer(y, 200, (uint8_t *)txt, strlen(txt), &r,
					  &next), YZF_OK);
	CHECK_EQ_INT(r.stored, 3);
	CHECK_EQ_INT(r.quarantined, 0);
	CHECK(!next.set);
	CHECK_EQ_INT(yzf_verify_feed(y, a, &v), YZF_OK);
	CHECK(v.ok);
	CHECK_EQ_INT(v.records, 3);
	/* the same again: held; a neighbour fills a gap and links */
	CHECK_EQ_INT(yzf_sync_pull_answer(y, 200, (uint8_t *)txt, strlen(txt), &r,
					  &next), YZF_OK);
	CHECK_EQ_INT(r.duplicates, 3);
	free(txt);
	cJSON_Delete(o);
	yzf_buf_reset(&lines);
	const int more[] = { 8 };
	pick(ex, more, 1, &lines, true);
	o = cJSON_CreateObject();
	cJSON_AddTrueToObject(o, "ok");
	cJSON_AddStringToObject(o, "lines", (char *)lines.p);
	txt = cJSON_PrintUnformatted(o);
	CHECK_EQ_INT(yzf_sync_pull_answer(y, 200, (uint8_t *)txt, strlen(txt), &r,
					  &next), YZF_OK);
	CHECK_EQ_INT(r.stored, 0);
	CHECK_EQ_INT(r.quarantined, 1);
	CHECK_HAS(r.first_problem, "signature");
	free(txt);
	cJSON_Delete(o);
	yzf_buf_reset(&lines);
	const int eight[] = { 8 };
	pick(ex, eight, 1, &lines, false);
	o = cJSON_CreateObject();
	cJSON_AddTrueToObject(o, "ok");
	cJSON_AddStringToObject(o, "lines", (char *)lines.p);
	txt = cJSON_PrintUnformatted(o);
	CHECK_EQ_INT(yzf_sync_pull_answer(y, 200, (uint8_t *)txt, strlen(txt), &r,
					  &next), YZF_OK);
	CHECK_EQ_INT(r.stored, 1);
	CHECK_EQ_INT(yzf_verify_feed(y, a, &v), YZF_OK);
	CHECK(v.ok && v.records == 4);
	free(txt);
	cJSON_Delete(o);
	/* a refusal and junk */
	const char *e = "{\"ok\":false,\"error\":\"bad_request\",\"message\":\"cases[0]\"}";
	CHECK_EQ_INT(yzf_sync_pull_answer(y, 400, (uint8_t *)e, strlen(e), &r,
					  &next), YZF_EINVAL);
	CHECK_HAS(yzf_errmsg(y), "cases[0]");
	yzf_close(y);
	yzf_port_sim_destroy(p);
	yzf_buf_free(&req);
	yzf_buf_free(&bundle);
	yzf_buf_free(&lines);
}

static void test_terminal(void)
{
	struct yzf_port *p;
	struct yzf *y = open_at("t1", &p, &sim);
	struct yzf_config cfg = { .terminal = "GZ-T-1", .kdf_ops = 1,
				  .kdf_mem = 8 << 20, .max_pin_failures = 3 };
	struct yzf_buf req = { 0 }, bundle = { 0 };
	uint8_t a[32], b[32], other_sk[64], other_pk[32];

	/* init refuses bad input, then works once */
	struct yzf_config bad = cfg;
	strcpy(bad.terminal, "GZ T 1");
	CHECK_EQ_INT(yzf_init(y, &bad, trust.p, trust.len), YZF_EINVAL);
	CHECK_HAS(yzf_errmsg(y), "terminal");
	CHECK_EQ_INT(yzf_init(y, &cfg, trust.p, trust.len / 2), YZF_EINVAL);
	CHECK_EQ_INT(yzf_init(y, &cfg, trust.p, trust.len), YZF_OK);
	CHECK_EQ_INT(yzf_init(y, &cfg, trust.p, trust.len), YZF_EEXIST);

	/* enrollment: short PIN refused; certificate for another terminal
	 * or from another issuer refused; the good one binds */
	CHECK_EQ_INT(yzf_enroll_request(y, "123", 3, &req, a), YZF_EINVAL);
	CHECK_EQ_INT(yzf_enroll_request(y, "135790", 6, &req, a), YZF_OK);
	issue(&req, "44010020230001", "GZ-T-2", city_sk, &bundle);
	CHECK_EQ_INT(yzf_enroll_complete(y, bundle.p, bundle.len, a), YZF_ECERT);
	CHECK_HAS(yzf_errmsg(y), "GZ-T-2");
	crypto_sign_keypair(other_pk, other_sk);
	issue(&req, "44010020230001", NULL, other_sk, &bundle);
	CHECK_EQ_INT(yzf_enroll_complete(y, bundle.p, bundle.len, a), YZF_ECERT);
	issue(&req, "44010020230001", NULL, city_sk, &bundle);
	CHECK_EQ_INT(yzf_enroll_complete(y, bundle.p, bundle.len, a), YZF_OK);
	CHECK_EQ_INT(yzf_enroll_complete(y, bundle.p, bundle.len, a), YZF_ESTATE);

	/* a second officer needs a logged-in one */
	yzf_buf_reset(&req);
	CHECK_EQ_INT(yzf_enroll_request(y, "246802", 6, &req, b), YZF_ENOSESSION);
	CHECK_EQ_INT(yzf_login(y, a, "000000", 6), YZF_EAUTH);
	CHECK_HAS(yzf_errmsg(y), "2 of 3");
	CHECK_EQ_INT(yzf_login(y, a, "135790", 6), YZF_OK);
	enroll(y, "246802", "44010020230002", b);
	CHECK_EQ_INT(yzf_login(y, b, "246802", 6), YZF_OK);

	/* appends: a batch is all or nothing, and the message names the
	 * record and field */
	struct yzf_append batch[50];
	char bodies[50][80];
	for (int i = 0; i < 50; i++) {
		int n = snprintf(bodies[i], sizeof bodies[i],
				 "{ \"result\" : \"compliant\", \"item\": \"项 %d\" }", i);
		batch[i] = (struct yzf_append){ .type = "inspection.item",
						.case_id = i % 2 ? "C-ODD" : "C-EVEN",
						.body = bodies[i], .body_len = (size_t)n };
	}
	int64_t first = 0, head = -1;
	uint8_t id[32];
	CHECK_EQ_INT(yzf_append(y, a, batch, 50, &first), YZF_OK);
	CHECK_EQ_INT(first, 1);
	CHECK_EQ_INT(yzf_head(y, a, &head, id), YZF_OK);
	CHECK_EQ_INT(head, 50);
	batch[36].body = "{\"item\":\"x\",\"result\":\"bad\"}";
	batch[36].body_len = strlen(batch[36].body);
	CHECK_EQ_INT(yzf_append(y, a, batch, 50, &first), YZF_EINVAL);
	CHECK_HAS(yzf_errmsg(y), "record 37");
	CHECK_HAS(yzf_errmsg(y), "body.result");
	CHECK_EQ_INT(yzf_head(y, a, &head, id), YZF_OK);
	CHECK_EQ_INT(head, 50);
	CHECK_EQ_INT(yzf_append(y, a, batch, 0, &first), YZF_ERANGE);
	/* B's feed is separate and starts at 1 */
	CHECK_EQ_INT(yzf_append(y, b, batch, 2, &first), YZF_OK);
	CHECK_EQ_INT(first, 1);
	/* with two sessions the current feed is ambiguous */
	CHECK_EQ_INT(yzf_current_feed(y, id), YZF_ESTATE);

	/* iteration by feed, case and type; bodies come back canonical */
	struct yzf_iter *it;
	struct yzf_entry e;
	struct yzf_query q = { .feed = a, .from = 10 };
	int n = 0, rc;
	CHECK_EQ_INT(yzf_iter_open(y, &q, &it), YZF_OK);
	while ((rc = yzf_iter_next(it, &e)) == 1)
		CHECK_EQ_INT(e.rec.seq, 10 + n++);
	yzf_iter_close(it);
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(n, 41);
	q = (struct yzf_query){ .case_id = "C-ODD" };
	CHECK_EQ_INT(yzf_iter_open(y, &q, &it), YZF_OK);
	n = 0;
	while (yzf_iter_next(it, &e) == 1) {
		n++;
		CHECK_STR(e.rec.case_id, "C-ODD");
	}
	yzf_iter_close(it);
	CHECK_EQ_INT(n, 25 + 1);
	q = (struct yzf_query){ .type = "inspection.item", .feed = a };
	CHECK_EQ_INT(yzf_iter_open(y, &q, &it), YZF_EINVAL);
	q = (struct yzf_query){ .feed = a, .from = 1 };
	CHECK_EQ_INT(yzf_iter_open(y, &q, &it), YZF_OK);
	CHECK_EQ_INT(yzf_iter_next(it, &e), 1);
	CHECK(e.rec.body_len == strlen("{\"item\":\"项 0\",\"result\":\"compliant\"}") &&
	      memcmp(e.rec.body, "{\"item\":\"项 0\",\"result\":\"compliant\"}",
		     e.rec.body_len) == 0);
	yzf_iter_close(it);

	struct yzf_verify_report r;
	CHECK_EQ_INT(yzf_verify_feed(y, a, &r), YZF_OK);
	CHECK(r.ok);
	CHECK_EQ_INT(r.records, 50);

	/* export A, import into a second terminal, verify there */
	struct yzf_buf ex = { 0 };
	CHECK_EQ_INT(yzf_export(y, a, &ex), YZF_OK);
	struct yzf_port *p2;
	struct yzf *y2 = open_at("t2", &p2, &sim);
	struct yzf_config cfg2 = cfg;
	strcpy(cfg2.terminal, "GZ-T-2");
	uint8_t v[32];
	CHECK_EQ_INT(yzf_init(y2, &cfg2, trust.p, trust.len), YZF_OK);
	struct yzf_import_report ir;
	CHECK_EQ_INT(yzf_import(y2, ex.p, ex.len, &ir), YZF_ENOSESSION);
	yzf_buf_reset(&req);
	CHECK_EQ_INT(yzf_enroll_request(y2, "864200", 6, &req, v), YZF_OK);
	issue(&req, "44010020230009", NULL, city_sk, &bundle);
	CHECK_EQ_INT(yzf_enroll_complete(y2, bundle.p, bundle.len, v), YZF_OK);
	CHECK_EQ_INT(yzf_login(y2, v, "864200", 6), YZF_OK);
	CHECK_EQ_INT(yzf_import(y2, ex.p, ex.len, &ir), YZF_OK);
	CHECK_EQ_INT(ir.stored, 50);
	CHECK_EQ_INT(ir.quarantined, 0);
	CHECK_EQ_INT(yzf_verify_feed(y2, a, &r), YZF_OK);
	CHECK(r.ok && r.records == 50);
	CHECK_EQ_INT(yzf_import(y2, ex.p, ex.len, &ir), YZF_OK);
	CHECK_EQ_INT(ir.duplicates, 50);
	yzf_close(y2);
	yzf_port_sim_destroy(p2);
	test_sparse(&ex, a, &cfg);
	yzf_buf_free(&ex);

	/* wipe: nobody logs in, the records stay, the city opens them */
	CHECK_EQ_INT(yzf_wipe(y), YZF_OK);
	yzf_close(y);
	yzf_port_sim_destroy(p);
	y = open_at("t1", &p, &sim);
	CHECK_EQ_INT(yzf_login(y, a, "135790", 6), YZF_ENOTFOUND);
	CHECK_EQ_INT(yzf_verify_feed(y, a, &r), YZF_ENOSESSION);
	uint8_t wrong_pk[32], wrong_sk[32];
	crypto_box_keypair(wrong_pk, wrong_sk);
	CHECK_EQ_INT(yzf_unlock_city(y, wrong_pk, wrong_sk), YZF_ECRYPTO);
	CHECK_EQ_INT(yzf_unlock_city(y, city.seal, seal_sk), YZF_OK);
	CHECK_EQ_INT(yzf_verify_feed(y, a, &r), YZF_OK);
	CHECK(r.ok && r.records == 50);
	CHECK_EQ_INT(yzf_verify_feed(y, b, &r), YZF_OK);
	CHECK(r.ok && r.records == 2);
	yzf_close(y);
	yzf_port_sim_destroy(p);
	yzf_buf_free(&req);
	yzf_buf_free(&bundle);
}

/* A key store that fails: the attempt is still counted, no session made. */
static void test_port_faults(void)
{
	struct yzf_port *p;
	struct yzf *y = open_at("t3", &p, &sim);
	struct yzf_config cfg = { .terminal = "GZ-T-3", .kdf_ops = 1,
				  .kdf_mem = 8 << 20 };
	uint8_t a[32];
	struct yzf_officer o[4];
	size_t n;
	CHECK_EQ_INT(yzf_init(y, &cfg, trust.p, trust.len), YZF_OK);
	enroll(y, "135790", "44010020230003", a);
	yzf_close(y);
	yzf_port_sim_destroy(p);
	/* calls so far in a fresh port: the login reads the slot secret
	 * first; fail exactly that call */
	struct yzf_sim_opts f = sim;
	f.fail_keystore_at = 1;
	y = open_at("t3", &p, &f);
	CHECK_EQ_INT(yzf_login(y, a, "135790", 6), YZF_EPORT);
	CHECK_EQ_INT(yzf_officers(y, o, 4, &n), YZF_OK);
	CHECK_EQ_INT(n, 1);
	CHECK_EQ_INT(o[0].failures, 1);
	CHECK(!o[0].session);
	CHECK_EQ_INT(yzf_login(y, a, "135790", 6), YZF_OK);
	CHECK_EQ_INT(yzf_officers(y, o, 4, &n), YZF_OK);
	CHECK_EQ_INT(o[0].failures, 0);
	CHECK(o[0].session);
	yzf_close(y);
	yzf_port_sim_destroy(p);
}

int main(void)
{
	char cmd[300];
	if (sodium_init() < 0 || !mkdtemp(dir))
		return 2;
	make_authority();
	test_terminal();
	test_port_faults();
	yzf_buf_free(&trust);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done();
}

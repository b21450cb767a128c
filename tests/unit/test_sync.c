/* The terminal's side of sync (yzf/sync.h): the signed Authorization
 * header, push bodies after the acknowledged head, and what each kind of
 * server answer does to it. No network: answers are written by hand. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "yzf/yzf.h"
#include "yzf_port_sim.h"

static char dir[] = "/tmp/yzf-test-sync.XXXXXX";
static uint8_t city_sk[64]; /* the city issuing key */

/* A terminal with one logged-in officer and n notes. */
static struct yzf *setup(struct yzf_port **p, uint8_t feed[32], int n)
{
	uint8_t root_sk[64], seal_sk[32];
	struct yzf_cert root = { 0 }, city, fc = { 0 };
	struct yzf_buf trust = { 0 }, req = { 0 }, bundle = { 0 };
	struct yzf_sim_opts o = { .start_ms = 1764205200000LL };
	struct yzf_config cfg = { .terminal = "T-1", .kdf_ops = 1,
				  .kdf_mem = 8 << 20 };
	struct yzf *y = NULL;
	char msg[256], term[65];
	root.kind = YZF_CERT_ROOT;
	crypto_sign_keypair(root.key, root_sk);
	memcpy(root.issuer, root.key, 32);
	strcpy(root.name, "省");
	root.not_before = 1700000000000LL;
	root.not_after = 2500000000000LL;
	city = root;
	city.kind = YZF_CERT_CITY;
	city.serial[0] = 1;
	crypto_sign_keypair(city.key, city_sk);
	crypto_box_keypair(city.seal, seal_sk);
	strcpy(city.region, "440100");
	yzf_cert_sign_line(&root, root_sk, &trust);
	yzf_buf_putc(&trust, '\n');
	yzf_cert_sign_line(&city, root_sk, &trust);
	yzf_buf_putc(&trust, '\n');
	*p = yzf_port_sim_create(dir, &o);
	CHECK_EQ_INT(yzf_open(*p, YZF_OPEN_CREATE, &y, msg, sizeof msg), YZF_OK);
	CHECK_EQ_INT(yzf_init(y, &cfg, trust.p, trust.len), YZF_OK);
	CHECK_EQ_INT(yzf_enroll_request(y, "135790", 6, &req, feed), YZF_OK);
	CHECK_EQ_INT(yzf_request_parse(req.p, req.len, fc.key, term, NULL), YZF_OK);
	fc.kind = YZF_CERT_FEED;
	fc.serial[0] = 2;
	memcpy(fc.issuer, city.key, 32);
	strcpy(fc.name, "张明");
	strcpy(fc.officer_no, "1");
	strcpy(fc.agency, "局");
	strcpy(fc.uscc, "11440106MB2C492807");
	strcpy(fc.terminal, term);
	fc.roles = YZF_ROLE_OFFICER;
	fc.not_before = 1700000000000LL;
	fc.not_after = 2000000000000LL;
	yzf_buf_put(&bundle, trust.p, trust.len);
	yzf_cert_sign_line(&fc, city_sk, &bundle);
	CHECK_EQ_INT(yzf_enroll_complete(y, bundle.p, bundle.len, feed), YZF_OK);
	CHECK_EQ_INT(yzf_login(y, feed, "135790", 6), YZF_OK);
	for (int i = 0; i < n; i++) {
		struct yzf_append a = { .type = "note", .body = "{\"text\":\"x\"}",
					.body_len = 12 };
		CHECK_EQ_INT(yzf_append(y, feed, &a, 1, NULL), YZF_OK);
	}
	yzf_buf_free(&trust);
	yzf_buf_free(&req);
	yzf_buf_free(&bundle);
	return y;
}

/* The id of the record at seq, as hex. */
static void id_hex(struct yzf *y, const uint8_t feed[32], int64_t seq,
		   char out[65])
{
	struct yzf_iter *it;
	struct yzf_entry e;
	struct yzf_query q = { .feed = feed, .from = seq };
	CHECK_EQ_INT(yzf_iter_open(y, &q, &it), YZF_OK);
	CHECK_EQ_INT(yzf_iter_next(it, &e), 1);
	sodium_bin2hex(out, 65, e.id, 32);
	yzf_iter_close(it);
}

/* Whether the (not NUL-terminated) buffer holds s. */
static bool has(const struct yzf_buf *b, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i + n <= b->len; i++)
		if (memcmp(b->p + i, s, n) == 0)
			return true;
	return false;
}

static int answer(struct yzf *y, const uint8_t feed[32], int status,
		  int64_t seq, const char *idhex, struct yzf_sync_result *r)
{
	char body[512];
	snprintf(body, sizeof body,
		 "{\"ok\":%s,\"server_time\":\"2026-11-27T09:00:00.000+08:00\","
		 "\"head\":{\"seq\":%lld,\"id\":\"%s\"},\"stored\":3,"
		 "\"duplicates\":0,\"quarantined\":[]}",
		 status == 200 ? "true" : "false", (long long)seq, idhex);
	return yzf_sync_push_answer(y, feed, status, (const uint8_t *)body,
				    strlen(body), r);
}

int main(void)
{
	struct yzf_port *p;
	uint8_t feed[32];
	char auth[YZF_AUTH_MAX], fh[65], id[65];
	int64_t local, acked;
	size_t n;
	struct yzf_buf body = { 0 };
	struct yzf_sync_result r;
	if (sodium_init() < 0 || !mkdtemp(dir))
		return 2;
	struct yzf *y = setup(&p, feed, 7);

	/* Authorization: feed, time and a signature over the documented
	 * message, checked here independently of the library */
	const uint8_t b[] = "{\"rec\":1}\n";
	CHECK_EQ_INT(yzf_sync_auth(y, feed, "POST", "/v1/push", b, sizeof b - 1,
				   auth), YZF_OK);
	sodium_bin2hex(fh, sizeof fh, feed, 32);
	char want[128];
	snprintf(want, sizeof want, "YZF1 feed=%s, at=", fh);
	CHECK(strncmp(auth, want, strlen(want)) == 0);
	const char *at = auth + strlen(want), *sg = strstr(auth, ", sig=");
	CHECK(sg && sg - at == YZF_TIME_LEN && strlen(sg + 6) == 128);
	uint8_t sig[64], h[32];
	char hh[65], msg[256];
	sodium_hex2bin(sig, 64, sg + 6, 128, NULL, NULL, NULL);
	crypto_generichash(h, 32, b, sizeof b - 1, NULL, 0);
	sodium_bin2hex(hh, sizeof hh, h, 32);
	int ml = snprintf(msg, sizeof msg, "yzf-http-v1%cPOST\n/v1/push\n%.*s\n%s",
			  0, YZF_TIME_LEN, at, hh);
	CHECK(crypto_sign_verify_detached(sig, (uint8_t *)msg, (size_t)ml, feed) == 0);
	msg[12] = 'G'; /* another method must not verify */
	CHECK(crypto_sign_verify_detached(sig, (uint8_t *)msg, (size_t)ml, feed) != 0);

	/* push bodies start after the acknowledged head, capped at max */
	CHECK_EQ_INT(yzf_sync_push_body(y, feed, 5, &body, &n), YZF_OK);
	CHECK_EQ_INT(n, 5);
	CHECK(memcmp(body.p, "{\"rec\":{\"v\":1,", 14) == 0);
	CHECK(has(&body, "\"seq\":1,"));
	id_hex(y, feed, 5, id);
	CHECK_EQ_INT(answer(y, feed, 200, 5, id, &r), YZF_OK);
	CHECK_EQ_INT(r.acked, 5);
	CHECK_EQ_INT(yzf_sync_state(y, feed, &local, &acked), YZF_OK);
	CHECK_EQ_INT(local, 7);
	CHECK_EQ_INT(acked, 5);
	yzf_buf_reset(&body);
	CHECK_EQ_INT(yzf_sync_push_body(y, feed, 100, &body, &n), YZF_OK);
	CHECK_EQ_INT(n, 2);
	CHECK(has(&body, "\"seq\":6,"));
	CHECK(!has(&body, "\"seq\":5,"));

	/* a fork: the server names seq 6 with another id */
	CHECK_EQ_INT(answer(y, feed, 200, 6, "00000000000000000000000000000000"
			    "00000000000000000000000000000000", &r), YZF_ECORRUPT);
	CHECK_HAS(yzf_errmsg(y), "forked");
	/* the server went backwards: evidence, not silently accepted */
	id_hex(y, feed, 3, id);
	CHECK_EQ_INT(answer(y, feed, 200, 3, id, &r), YZF_ECORRUPT);
	CHECK_HAS(yzf_errmsg(y), "behind");
	/* the server claims records the terminal does not have */
	CHECK_EQ_INT(answer(y, feed, 200, 9, id, &r), YZF_ECORRUPT);
	CHECK_HAS(yzf_errmsg(y), "beyond");
	CHECK_EQ_INT(yzf_sync_state(y, feed, &local, &acked), YZF_OK);
	CHECK_EQ_INT(acked, 5);
	/* 409 with the agreed head: resend from there */
	id_hex(y, feed, 6, id);
	CHECK_EQ_INT(answer(y, feed, 409, 6, id, &r), YZF_OK);
	CHECK(r.conflict);
	CHECK_EQ_INT(r.acked, 6);
	/* refusals and junk */
	const char *e401 = "{\"ok\":false,\"error\":\"unauthorized\",\"message\":\"feed revoked\"}";
	CHECK_EQ_INT(yzf_sync_push_answer(y, feed, 401, (const uint8_t *)e401,
					  strlen(e401), &r), YZF_EINVAL);
	CHECK_HAS(yzf_errmsg(y), "feed revoked");
	CHECK_EQ_INT(yzf_sync_push_answer(y, feed, 200, (const uint8_t *)"{\"ok\":", 6,
					  &r), YZF_EINVAL);
	CHECK_EQ_INT(yzf_sync_push_answer(y, feed, 200, (const uint8_t *)"{}", 2,
					  &r), YZF_EINVAL);
	CHECK_EQ_INT(yzf_sync_state(y, feed, &local, &acked), YZF_OK);
	CHECK_EQ_INT(acked, 6);

	yzf_buf_free(&body);
	yzf_close(y);
	yzf_port_sim_destroy(p);
	snprintf(msg, sizeof msg, "rm -rf '%s'", dir);
	if (system(msg) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done();
}

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
#include "terminal.h"

static char dir[] = "/tmp/yzf-test-sync.XXXXXX";

/* A terminal with one logged-in officer and n notes. */
static struct yzf *setup(struct yzf_port **p, uint8_t feed[32], int n)
{
	struct yzf_sim_opts o = { .start_ms = 1764205200000LL };
	t_authority();
	struct yzf *y = t_terminal(dir, "t", &o, p, feed, NULL);
	for (int i = 0; i < n; i++) {
		struct yzf_append a = { .type = "note", .body = "{\"text\":\"x\"}",
					.body_len = 12 };
		CHECK_EQ_INT(yzf_append(y, feed, &a, 1, NULL), YZF_OK);
	}
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

/* The city's log as this test keeps it: leaf hashes in order, the
 * terminal's records among other feeds' (pos[seq]). */
static uint8_t city_leaf[64][32];
static uint64_t city_n;
static uint64_t pos[16];
static uint8_t signer_sk[64]; /* signs checkpoints: the city key, or not */
static uint64_t from_size;    /* the consistency proof starts here */

static void city_add(struct yzf *y, const uint8_t feed[32], int64_t seq)
{
	char h[65];
	uint8_t id[32];
	if (seq) {
		id_hex(y, feed, seq, h);
		sodium_hex2bin(id, 32, h, 64, NULL, NULL, NULL);
		pos[seq] = city_n;
	} else {
		randombytes_buf(id, 32); /* another officer's record */
	}
	yzf_merkle_leaf(id, 32, city_leaf[city_n++]);
}

static void put_hashes(struct yzf_buf *b, uint8_t (*h)[32], size_t n)
{
	char x[65];
	yzf_buf_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		sodium_bin2hex(x, sizeof x, h[i], 32);
		yzf_buf_puts(b, i ? ",\"" : "\"");
		yzf_buf_puts(b, x);
		yzf_buf_putc(b, '"');
	}
	yzf_buf_putc(b, ']');
}

static void array_root(void *ctx, uint64_t lo, uint64_t n, uint8_t out[32])
{
	(void)ctx;
	yzf_merkle_root((const uint8_t(*)[32])city_leaf + lo, n, out);
}

/* "log":{...} for the city as it stands, answering auth, with entries for
 * seq lo..hi of the terminal's feed. */
static void log_part(struct yzf_buf *b, const char *auth, int64_t lo,
		     int64_t hi)
{
	struct yzf_checkpoint c = { .size = city_n, .at_ms = 1764205300000LL,
				    .tz = 480, .has_req = true };
	struct yzf_buf line = { 0 };
	struct yzf_merkle_src src = { array_root, NULL };
	uint8_t p[64][32];
	uint64_t idx[16];
	size_t len = 0, k = 0;
	sodium_hex2bin(c.req, 16, strstr(auth, "sig=") + 4, 32, NULL, NULL,
		       NULL);
	yzf_merkle_root((const uint8_t(*)[32])city_leaf, city_n, c.root);
	CHECK_EQ_INT(yzf_checkpoint_sign(&c, signer_sk, &line), YZF_OK);
	yzf_buf_puts(b, "\"log\":{\"checkpoint\":");
	yzf_canon_put_str(b, (const char *)line.p, line.len);
	if (from_size && from_size <= city_n) {
		CHECK_EQ_INT(yzf_merkle_consistency_proof(
				     (const uint8_t(*)[32])city_leaf, city_n,
				     from_size, p, 64, &len), YZF_OK);
		yzf_buf_puts(b, ",\"from\":");
		yzf_canon_put_int(b, (int64_t)from_size);
		yzf_buf_puts(b, ",\"consistency\":");
		put_hashes(b, p, len);
	}
	while (hi >= lo && pos[hi] >= city_n) /* a log that shrank */
		hi--;
	if (hi >= lo) {
		yzf_buf_puts(b, ",\"entries\":[");
		for (int64_t s = lo; s <= hi; s++) {
			char e[64];
			snprintf(e, sizeof e, "%s[%lld,%llu]", s > lo ? "," : "",
				 (long long)s, (unsigned long long)pos[s]);
			yzf_buf_puts(b, e);
			idx[k++] = pos[s];
		}
		yzf_buf_puts(b, "],\"proof\":");
		CHECK_EQ_INT(yzf_merkle_multi_proof(&src, city_n, idx, k, p, 64,
						    &len), YZF_OK);
		put_hashes(b, p, len);
	}
	yzf_buf_putc(b, '}');
	yzf_buf_free(&line);
}

/* A push answer naming head (seq, idhex), with the log part proving seq
 * 1..min(seq, held) when status is 200; auth is a fresh request's. */
static int answer(struct yzf *y, const uint8_t feed[32], int status,
		  int64_t seq, const char *idhex, struct yzf_sync_result *r)
{
	char auth[YZF_AUTH_MAX];
	struct yzf_buf b = { 0 };
	CHECK_EQ_INT(yzf_sync_auth(y, feed, "POST", "/v1/push", NULL, 0, auth),
		     YZF_OK);
	yzf_buf_puts(&b, status == 200 ? "{\"ok\":true" : "{\"ok\":false");
	yzf_buf_puts(&b, ",\"server_time\":\"2026-11-27T09:00:00.000+08:00\","
		     "\"head\":{\"seq\":");
	yzf_canon_put_int(&b, seq);
	yzf_buf_puts(&b, ",\"id\":\"");
	yzf_buf_puts(&b, idhex);
	yzf_buf_puts(&b, "\"},\"stored\":3,\"duplicates\":0,\"quarantined\":[]");
	if (status == 200) {
		yzf_buf_putc(&b, ',');
		log_part(&b, auth, 1, seq < 7 ? seq : 7);
	}
	yzf_buf_putc(&b, '}');
	int rc = yzf_sync_push_answer(y, feed, auth, status, b.p, b.len, r);
	yzf_buf_free(&b);
	return rc;
}

/* The city's log from the terminal's side: what it takes as an
 * acknowledgement, and what it keeps as evidence. Here seq 1..6 are
 * acknowledged under a checkpoint of the whole model log. */
static void test_log(struct yzf *y, const uint8_t feed[32])
{
	struct yzf_sync_result r;
	struct yzf_trust_status ts;
	struct yzf_attested at;
	int64_t local, acked;
	char id[65];
	CHECK_EQ_INT(yzf_trust_status(y, &ts), YZF_OK);
	CHECK(ts.have_ckpt);
	CHECK_EQ_INT(ts.ckpt.size, city_n);
	CHECK_EQ_INT(ts.evidence, 0);
	CHECK_EQ_INT(yzf_attested(y, &at), YZF_OK);
	CHECK(at.have);
	CHECK_EQ_INT(at.at_ms, 1764205300000LL);
	uint64_t held = 0;
	CHECK_EQ_INT(yzf_trust_log_size(y, &held), YZF_OK);
	CHECK_EQ_INT(held, city_n);
	from_size = held;

	/* a checkpoint not signed by the city key */
	id_hex(y, feed, 7, id);
	uint8_t opk[32];
	crypto_sign_keypair(opk, signer_sk);
	CHECK_EQ_INT(answer(y, feed, 200, 7, id, &r), YZF_EBADSIG);
	CHECK_HAS(yzf_errmsg(y), "city key");
	memcpy(signer_sk, t_city_sk, 64);
	/* the city grows; an answer without the proof for seq 7 */
	city_add(y, feed, 0);
	{
		char auth[YZF_AUTH_MAX];
		struct yzf_buf b = { 0 };
		CHECK_EQ_INT(yzf_sync_auth(y, feed, "POST", "/v1/push", NULL, 0,
					   auth), YZF_OK);
		yzf_buf_puts(&b, "{\"ok\":true,\"head\":{\"seq\":7,\"id\":\"");
		yzf_buf_puts(&b, id);
		yzf_buf_puts(&b, "\"},");
		log_part(&b, auth, 1, 6);
		yzf_buf_putc(&b, '}');
		CHECK_EQ_INT(yzf_sync_push_answer(y, feed, auth, 200, b.p, b.len,
						  &r), YZF_EBADSIG);
		CHECK_HAS(yzf_errmsg(y), "seq 7 without proving it");
		/* an answer to another request (replayed) */
		char other[YZF_AUTH_MAX];
		CHECK_EQ_INT(yzf_sync_auth(y, feed, "POST", "/v1/push",
					   (const uint8_t *)"x", 1, other),
			     YZF_OK);
		yzf_buf_reset(&b);
		yzf_buf_puts(&b, "{\"ok\":true,\"head\":{\"seq\":7,\"id\":\"");
		yzf_buf_puts(&b, id);
		yzf_buf_puts(&b, "\"},");
		log_part(&b, other, 1, 7);
		yzf_buf_putc(&b, '}');
		CHECK_EQ_INT(yzf_sync_push_answer(y, feed, auth, 200, b.p, b.len,
						  &r), YZF_EBADSIG);
		CHECK_HAS(yzf_errmsg(y), "replayed");
		/* a proof with a hash changed */
		yzf_buf_reset(&b);
		yzf_buf_puts(&b, "{\"ok\":true,\"head\":{\"seq\":7,\"id\":\"");
		yzf_buf_puts(&b, id);
		yzf_buf_puts(&b, "\"},");
		log_part(&b, auth, 1, 7);
		yzf_buf_putc(&b, '}');
		yzf_buf_putc(&b, 0);
		uint8_t *pr = (uint8_t *)strstr((char *)b.p, "\"proof\":[\"");
		CHECK(pr != NULL);
		if (pr)
			pr[10] = pr[10] == 'a' ? 'b' : 'a';
		CHECK_EQ_INT(yzf_sync_push_answer(y, feed, auth, 200, b.p,
						  b.len - 1, &r), YZF_EBADSIG);
		CHECK_HAS(yzf_errmsg(y), "does not put seq");
		yzf_buf_free(&b);
	}
	CHECK_EQ_INT(yzf_sync_state(y, feed, &local, &acked), YZF_OK);
	CHECK_EQ_INT(acked, 6);
	CHECK_EQ_INT(yzf_trust_log_size(y, &held), YZF_OK);
	CHECK_EQ_INT(held, from_size);

	/* the right answer */
	CHECK_EQ_INT(answer(y, feed, 200, 7, id, &r), YZF_OK);
	CHECK_EQ_INT(yzf_sync_state(y, feed, &local, &acked), YZF_OK);
	CHECK_EQ_INT(acked, 7);
	CHECK_EQ_INT(yzf_trust_log_size(y, &held), YZF_OK);
	CHECK_EQ_INT(held, city_n);
	from_size = held;

	/* the city rewrites an acknowledged record: caught, kept */
	struct yzf_buf hl = { 0 }, ol = { 0 };
	char why[256];
	int64_t when;
	uint8_t saved[32];
	memcpy(saved, city_leaf[pos[2]], 32);
	city_leaf[pos[2]][0] ^= 1;
	city_add(y, feed, 0);
	CHECK_EQ_INT(answer(y, feed, 200, 7, id, &r), YZF_ECORRUPT);
	CHECK_HAS(yzf_errmsg(y), "not an extension");
	CHECK_HAS(yzf_errmsg(y), "evidence");
	CHECK_EQ_INT(yzf_trust_status(y, &ts), YZF_OK);
	CHECK_EQ_INT(ts.evidence, 1);
	CHECK_EQ_INT(ts.ckpt.size, from_size); /* the old one is still held */
	CHECK_EQ_INT(yzf_trust_evidence(y, 0, &hl, &ol, why, &when), YZF_OK);
	CHECK_HAS(why, "removed or changed");
	CHECK(hl.len > 0 && ol.len > 0 && (hl.len != ol.len ||
					   memcmp(hl.p, ol.p, hl.len) != 0));
	CHECK_EQ_INT(yzf_trust_evidence(y, 1, &hl, &ol, why, &when),
		     YZF_ENOTFOUND);
	/* anyone can check the same two checkpoints offline */
	{
		struct yzf_buf b = { 0 };
		struct yzf_checkpoint c;
		struct yzf_buf cl = { 0 };
		char auth[YZF_AUTH_MAX];
		uint8_t city_pk[32];
		crypto_sign_ed25519_sk_to_pk(city_pk, t_city_sk);
		CHECK_EQ_INT(yzf_sync_auth(y, feed, "GET", "/v1/checkpoint",
					   NULL, 0, auth), YZF_OK);
		yzf_buf_putc(&b, '{');
		log_part(&b, auth, 1, 0);
		yzf_buf_putc(&b, '}');
		CHECK_EQ_INT(yzf_trust_check_consistency(city_pk, hl.p, hl.len,
							 b.p, b.len, &c, why),
			     YZF_ECORRUPT);
		memcpy(city_leaf[pos[2]], saved, 32);
		yzf_buf_reset(&b);
		yzf_buf_putc(&b, '{');
		log_part(&b, auth, 1, 0);
		yzf_buf_putc(&b, '}');
		CHECK_EQ_INT(yzf_trust_check_consistency(city_pk, hl.p, hl.len,
							 b.p, b.len, &c, why),
			     YZF_OK);
		CHECK_EQ_INT(c.size, city_n);
		CHECK_EQ_INT(yzf_trust_check_consistency(opk, hl.p, hl.len, b.p,
							 b.len, &c, why),
			     YZF_EBADSIG);
		yzf_buf_free(&b);
		yzf_buf_free(&cl);
	}
	/* a log that shrank */
	city_n -= 3;
	CHECK_EQ_INT(answer(y, feed, 200, 7, id, &r), YZF_ECORRUPT);
	CHECK_HAS(yzf_errmsg(y), "shrank");
	CHECK_EQ_INT(yzf_trust_status(y, &ts), YZF_OK);
	CHECK_EQ_INT(ts.evidence, 2);
	city_n += 3;
	yzf_buf_free(&hl);
	yzf_buf_free(&ol);
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
	memcpy(signer_sk, t_city_sk, 64);
	/* the city's log: other feeds' records around this terminal's */
	city_add(y, feed, 0);
	for (int64_t s = 1; s <= 7; s++) {
		city_add(y, feed, s);
		if (s % 3 == 0)
			city_add(y, feed, 0);
	}

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
	CHECK_EQ_INT(yzf_sync_push_answer(y, feed, auth, 401,
					  (const uint8_t *)e401, strlen(e401),
					  &r), YZF_EINVAL);
	CHECK_HAS(yzf_errmsg(y), "feed revoked");
	CHECK_EQ_INT(yzf_sync_push_answer(y, feed, auth, 200,
					  (const uint8_t *)"{\"ok\":", 6, &r),
		     YZF_EINVAL);
	CHECK_EQ_INT(yzf_sync_push_answer(y, feed, auth, 200,
					  (const uint8_t *)"{}", 2, &r),
		     YZF_EINVAL);
	CHECK_EQ_INT(yzf_sync_state(y, feed, &local, &acked), YZF_OK);
	CHECK_EQ_INT(acked, 6);

	test_log(y, feed);

	yzf_buf_free(&body);
	yzf_close(y);
	yzf_port_sim_destroy(p);
	snprintf(msg, sizeof msg, "rm -rf '%s'", dir);
	if (system(msg) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done();
}

/* yzf-forge — makes damage an SQL edit cannot: records that are signed
 * and encrypted properly but wrong in one way, appended at the feed's next
 * seq with the head updated, as an insider holding the data key would.
 * Used by tests/integration/tamper.sh to check each is caught for the
 * right reason.
 *
 * usage: yzf-forge HOME MODE FEEDHEX      (sim port, officer logged in)
 *   noncanon  canonical bytes with one space added, validly signed
 *   otherkey  a well-formed record for the feed signed by another key
 *   outside   a record dated after the feed certificate expires
 *   schema    a note whose body breaks the note schema
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "yzf_port_sim.h"

static int forge(struct yzf *y, const uint8_t feed[32], const char *mode)
{
	const uint8_t *sk;
	uint8_t other_pk[32], other_sk[64], sig[64], id[32];
	struct yzf_record r;
	struct yzf_buf env = { 0 };
	struct yzf_buf line = { 0 };
	struct yzf_signed_cert sc;
	int64_t head;
	int rc = yzf_session_sk(y, feed, &sk);
	if (!rc)
		rc = yzf_feed_cert(y, feed, &line, &sc);
	if (!rc)
		rc = yzf_begin(y);
	if (!rc)
		rc = yzf_read_head(y, feed, &head, id);
	if (rc)
		return rc;
	memset(&r, 0, sizeof r);
	memcpy(r.feed, feed, 32);
	r.seq = head + 1;
	memcpy(r.prev, id, 32);
	yzf_now(y, &r.at_ms, &r.at_tz);
	r.mono = 1;
	strcpy(r.type, "note");
	strcpy(r.loc.none, "no_source");
	const char *body = "{\"text\":\"forged\"}";
	if (!strcmp(mode, "schema"))
		body = "{\"text\":\"forged\",\"extra\":1}";
	if (!strcmp(mode, "outside"))
		r.at_ms = sc.c.not_after + 86400000LL;
	r.body = (const uint8_t *)body;
	r.body_len = strlen(body);
	rc = yzf_record_encode(&r, &env);
	if (rc)
		return rc;
	if (!strcmp(mode, "noncanon")) {
		/* insert a space after the first colon */
		uint8_t *colon = memchr(env.p, ':', env.len);
		yzf_buf_putc(&env, 0);
		memmove(colon + 2, colon + 1, env.len - 1 - (size_t)(colon + 1 - env.p));
		colon[1] = ' ';
	}
	if (!strcmp(mode, "otherkey")) {
		crypto_sign_keypair(other_pk, other_sk);
		rc = yzf_record_sign(env.p, env.len, other_sk, sig);
	} else {
		rc = yzf_record_sign(env.p, env.len, sk, sig);
	}
	yzf_record_id(env.p, env.len, sig, id);
	if (!rc)
		rc = yzf_store_row(y, &r, env.p, env.len, sig, id);
	if (!rc)
		rc = yzf_write_head(y, feed, r.seq, id);
	if (!rc)
		rc = yzf_commit(y);
	else
		yzf_rollback(y);
	yzf_buf_free(&env);
	yzf_buf_free(&line);
	return rc;
}

int main(int argc, char **argv)
{
	struct yzf_sim_opts o;
	struct yzf *y;
	uint8_t feed[32];
	char msg[256];
	if (argc != 4 || sodium_init() < 0 ||
	    sodium_hex2bin(feed, 32, argv[3], strlen(argv[3]), NULL, NULL, NULL)) {
		fprintf(stderr, "usage: yzf-forge HOME noncanon|otherkey|outside|"
			"schema FEEDHEX\n");
		return 1;
	}
	yzf_sim_opts_from_env(&o);
	struct yzf_port *p = yzf_port_sim_create(argv[1], &o);
	int rc = yzf_open(p, 0, &y, msg, sizeof msg);
	if (!rc) {
		rc = forge(y, feed, argv[2]);
		if (rc)
			fprintf(stderr, "yzf-forge: %s\n", yzf_errmsg(y));
		yzf_close(y);
	} else {
		fprintf(stderr, "yzf-forge: %s\n", msg);
	}
	yzf_port_sim_destroy(p);
	return rc ? 1 : 0;
}

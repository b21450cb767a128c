/* term.h — a terminal for unit tests: a store on the sim port, a trust
 * bundle made here (root and city keys), one enrolled officer logged in.
 * Header-only; each test program includes it once. */
#ifndef YZF_TEST_TERM_H
#define YZF_TEST_TERM_H
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "yzf/yzf.h"
#include "yzf_port_sim.h"

/* The trust bundle and city certificate of the last term_open. */
static struct yzf_buf term_trust;
static struct yzf_cert term_city;
static uint8_t term_serial = 3; /* term_open uses 1 and 2 */

/* Enroll another officer on the terminal and log them in: name, 执法证号,
 * agency USCC, roles; feed receives the new feed. */
static inline void term_officer(struct yzf *y, const uint8_t city_sk[64],
			 const char *name, const char *no, const char *uscc,
			 unsigned roles, uint8_t feed[32])
{
	struct yzf_cert fc = { 0 };
	struct yzf_buf req = { 0 }, bundle = { 0 };
	char term[65], pin[] = "135790";
	CHECK_EQ_INT(yzf_enroll_request(y, pin, 6, &req, feed), YZF_OK);
	CHECK_EQ_INT(yzf_request_parse(req.p, req.len, fc.key, term, NULL), YZF_OK);
	fc.kind = YZF_CERT_FEED;
	fc.serial[0] = term_serial++;
	memcpy(fc.issuer, term_city.key, 32);
	snprintf(fc.name, sizeof fc.name, "%s", name);
	snprintf(fc.officer_no, sizeof fc.officer_no, "%s", no);
	strcpy(fc.agency, "局");
	snprintf(fc.uscc, sizeof fc.uscc, "%s", uscc);
	strcpy(fc.terminal, term);
	fc.roles = roles;
	fc.not_before = 1700000000000LL;
	fc.not_after = 2000000000000LL;
	yzf_buf_put(&bundle, term_trust.p, term_trust.len);
	yzf_cert_sign_line(&fc, city_sk, &bundle);
	CHECK_EQ_INT(yzf_enroll_complete(y, bundle.p, bundle.len, feed), YZF_OK);
	CHECK_EQ_INT(yzf_login(y, feed, pin, 6), YZF_OK);
	yzf_buf_free(&req);
	yzf_buf_free(&bundle);
}

/* Open a new terminal in dir at sim time start_ms with one officer (roles
 * YZF_ROLE_*) logged in; city_sk receives the city issuing key. */
static inline struct yzf *term_open(const char *dir, int64_t start_ms,
			     unsigned roles, struct yzf_port **p,
			     uint8_t feed[32], uint8_t city_sk[64])
{
	uint8_t root_sk[64], seal_sk[32];
	struct yzf_cert root = { 0 }, city, fc = { 0 };
	struct yzf_buf trust = { 0 }, req = { 0 }, bundle = { 0 };
	struct yzf_sim_opts o = { .start_ms = start_ms };
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
	fc.roles = roles;
	fc.not_before = 1700000000000LL;
	fc.not_after = 2000000000000LL;
	yzf_buf_put(&bundle, trust.p, trust.len);
	yzf_cert_sign_line(&fc, city_sk, &bundle);
	CHECK_EQ_INT(yzf_enroll_complete(y, bundle.p, bundle.len, feed), YZF_OK);
	CHECK_EQ_INT(yzf_login(y, feed, "135790", 6), YZF_OK);
	sodium_memzero(root_sk, sizeof root_sk);
	sodium_memzero(seal_sk, sizeof seal_sk);
	yzf_buf_free(&term_trust);
	term_trust = trust;
	term_city = city;
	trust = (struct yzf_buf){ 0 };
	yzf_buf_free(&req);
	yzf_buf_free(&bundle);
	return y;
}
#endif

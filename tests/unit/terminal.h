/* terminal.h — a city authority and a simulated terminal with enrolled,
 * logged-in officers, for the unit tests that need records signed by a
 * real feed (evidence, recording). Static functions: include once. */
#ifndef YZF_TEST_TERMINAL_H
#define YZF_TEST_TERMINAL_H
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "yzf/yzf.h"
#include "yzf_port_sim.h"

static uint8_t t_root_sk[64], t_city_sk[64], t_seal_sk[32];
static struct yzf_cert t_root, t_city;
static struct yzf_buf t_trust;

static inline void t_authority(void)
{
	memset(&t_root, 0, sizeof t_root);
	t_root.kind = YZF_CERT_ROOT;
	randombytes_buf(t_root.serial, sizeof t_root.serial);
	crypto_sign_keypair(t_root.key, t_root_sk);
	memcpy(t_root.issuer, t_root.key, 32);
	strcpy(t_root.name, "广东省人民政府");
	t_root.not_before = 1700000000000LL;
	t_root.not_after = 2500000000000LL;
	t_root.tz = 480;
	t_city = t_root;
	t_city.kind = YZF_CERT_CITY;
	randombytes_buf(t_city.serial, sizeof t_city.serial);
	crypto_sign_keypair(t_city.key, t_city_sk);
	crypto_box_keypair(t_city.seal, t_seal_sk);
	strcpy(t_city.name, "广州市司法局");
	strcpy(t_city.region, "440100");
	CHECK_EQ_INT(yzf_cert_sign_line(&t_root, t_root_sk, &t_trust), YZF_OK);
	yzf_buf_putc(&t_trust, '\n');
	CHECK_EQ_INT(yzf_cert_sign_line(&t_city, t_root_sk, &t_trust), YZF_OK);
	yzf_buf_putc(&t_trust, '\n');
}

/* Enroll an officer of the agency with USCC uscc, with roles, and log
 * in. */
static inline void t_enroll_in(struct yzf *y, const char *pin, const char *name,
			const char *no, const char *uscc, uint32_t roles,
			uint8_t feed[32])
{
	struct yzf_buf req = { 0 }, bundle = { 0 };
	struct yzf_cert c = { 0 };
	char terminal[65];
	uint8_t got[32];
	CHECK_EQ_INT(yzf_enroll_request(y, pin, strlen(pin), &req, feed), YZF_OK);
	CHECK_EQ_INT(yzf_request_parse(req.p, req.len, c.key, terminal, NULL),
		     YZF_OK);
	c.kind = YZF_CERT_FEED;
	randombytes_buf(c.serial, sizeof c.serial);
	memcpy(c.issuer, t_city.key, 32);
	snprintf(c.name, sizeof c.name, "%s", name);
	snprintf(c.officer_no, sizeof c.officer_no, "%s", no);
	strcpy(c.agency, "广州市天河区市场监督管理局");
	snprintf(c.uscc, sizeof c.uscc, "%s", uscc);
	strcpy(c.terminal, terminal);
	c.roles = roles;
	c.not_before = 1700000000000LL; /* 2023 to 2033: any test's clock */
	c.not_after = 2000000000000LL;
	c.tz = 480;
	yzf_buf_put(&bundle, t_trust.p, t_trust.len);
	CHECK_EQ_INT(yzf_cert_sign_line(&c, t_city_sk, &bundle), YZF_OK);
	CHECK_EQ_INT(yzf_enroll_complete(y, bundle.p, bundle.len, got), YZF_OK);
	CHECK_EQ_INT(yzf_login(y, feed, pin, strlen(pin)), YZF_OK);
	yzf_buf_free(&req);
	yzf_buf_free(&bundle);
}

/* An officer of the sample district 市场监督管理局. */
static inline void t_enroll(struct yzf *y, const char *pin, const char *name,
		     const char *no, uint32_t roles, uint8_t feed[32])
{
	t_enroll_in(y, pin, name, no, "11440106MB2C492807", roles, feed);
}

/* A terminal under dir/sub with an officer (feed a) and, when b is not
 * NULL, a reviewer (feed b), both logged in. */
static inline struct yzf *t_terminal(const char *dir, const char *sub,
			      const struct yzf_sim_opts *o,
			      struct yzf_port **p, uint8_t a[32], uint8_t *b)
{
	char home[300], msg[256];
	struct yzf *y = NULL;
	struct yzf_config cfg = { .terminal = "GZ-T-1", .kdf_ops = 1,
				  .kdf_mem = 8 << 20, .max_pin_failures = 3 };
	snprintf(home, sizeof home, "%s/%s", dir, sub);
	*p = yzf_port_sim_create(home, o);
	CHECK(*p != NULL);
	CHECK_EQ_INT(yzf_open(*p, YZF_OPEN_CREATE, &y, msg, sizeof msg), YZF_OK);
	CHECK_EQ_INT(yzf_init(y, &cfg, t_trust.p, t_trust.len), YZF_OK);
	t_enroll(y, "135790", "张明", "44010020230001", YZF_ROLE_OFFICER, a);
	if (b)
		t_enroll(y, "246802", "王审", "44010020230009",
			 YZF_ROLE_REVIEWER, b);
	return y;
}
#endif

/* print_fixture.h — fixed keys, certificates and a roster for the printing
 * tests: everything deterministic, so rendered documents and their QR
 * codes are the same on every run and can be compared with files. The
 * signer's seed is bytes 0..31, as in tests/tools/qr_vectors.py. */
#ifndef PRINT_FIXTURE_H
#define PRINT_FIXTURE_H
#include <sodium.h>
#include <string.h>
#include <yzf/yzf.h>

struct fixture {
	uint8_t root_pk[32], root_sk[64], city_pk[32], city_sk[64];
	uint8_t feed_pk[32], feed_sk[64], feed2_pk[32], feed2_sk[64];
	uint8_t other_pk[32], other_sk[64];
	struct yzf_cert root, city, feed, feed2;
};

/* 2026-01-01T00:00:00+08:00 and 2027-12-31T23:59:59+08:00 */
#define FIX_NB 1767196800000LL
#define FIX_NA 1830268799000LL

static void fix_seed(uint8_t pk[32], uint8_t sk[64], int fill)
{
	uint8_t seed[32];
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)(fill < 0 ? i : fill);
	crypto_sign_seed_keypair(pk, sk, seed);
}

static void fix_cert(struct yzf_cert *c, int kind, const uint8_t *issuer,
		     const uint8_t *key, int serial)
{
	memset(c, 0, sizeof *c);
	c->kind = kind;
	memset(c->serial, serial, sizeof c->serial);
	memcpy(c->issuer, issuer, 32);
	memcpy(c->key, key, 32);
	c->not_before = FIX_NB;
	c->not_after = FIX_NA;
	c->tz = 480;
}

static void fixture_init(struct fixture *f)
{
	fix_seed(f->root_pk, f->root_sk, 1);
	fix_seed(f->city_pk, f->city_sk, 2);
	fix_seed(f->feed_pk, f->feed_sk, -1);
	fix_seed(f->feed2_pk, f->feed2_sk, 3);
	fix_seed(f->other_pk, f->other_sk, 0x42);
	fix_cert(&f->root, YZF_CERT_ROOT, f->root_pk, f->root_pk, 1);
	strcpy(f->root.name, "广东省人民政府");
	fix_cert(&f->city, YZF_CERT_CITY, f->root_pk, f->city_pk, 2);
	strcpy(f->city.name, "广州市司法局");
	strcpy(f->city.region, "440100");
	memset(f->city.seal, 9, 32);
	fix_cert(&f->feed, YZF_CERT_FEED, f->city_pk, f->feed_pk, 3);
	strcpy(f->feed.name, "张明");
	strcpy(f->feed.officer_no, "44010020230001");
	strcpy(f->feed.agency, "广州市天河区市场监督管理局");
	strcpy(f->feed.uscc, "11440106MB2C492807");
	strcpy(f->feed.terminal, "GZ-TH-0042");
	f->feed.roles = YZF_ROLE_OFFICER;
	f->feed2 = f->feed;
	fix_cert(&f->feed2, YZF_CERT_FEED, f->city_pk, f->feed2_pk, 4);
	strcpy(f->feed2.name, "李华");
	strcpy(f->feed2.officer_no, "44010020230002");
	strcpy(f->feed2.agency, f->feed.agency);
	strcpy(f->feed2.uscc, f->feed.uscc);
	strcpy(f->feed2.terminal, "GZ-TH-0043");
	f->feed2.roles = YZF_ROLE_OFFICER;
}

/* A roster signed at at_ms: root, city, both feeds (the first only when
 * with_signer), a revocation of the signer at rev_ms when rev_ms > 0. */
static int fixture_roster(const struct fixture *f, bool with_signer,
			  int64_t rev_ms, int64_t at_ms, struct yzf_buf *out)
{
	int rc = yzf_cert_sign_line(&f->root, f->root_sk, out);
	yzf_buf_putc(out, '\n');
	rc |= yzf_cert_sign_line(&f->city, f->root_sk, out);
	yzf_buf_putc(out, '\n');
	if (with_signer) {
		rc |= yzf_cert_sign_line(&f->feed, f->city_sk, out);
		yzf_buf_putc(out, '\n');
	}
	rc |= yzf_cert_sign_line(&f->feed2, f->city_sk, out);
	yzf_buf_putc(out, '\n');
	if (rev_ms > 0) {
		struct yzf_revocation r = { .at_ms = rev_ms, .tz = 480 };
		memcpy(r.serial, f->feed.serial, 16);
		strcpy(r.reason, "终端遗失");
		rc |= yzf_revocation_sign_line(&r, f->city_sk, out);
		yzf_buf_putc(out, '\n');
	}
	struct yzf_refset s = { .version = 1, .size = (int64_t)out->len,
				.at_ms = at_ms, .tz = 480 };
	strcpy(s.name, "roster");
	crypto_generichash(s.hash, 32, out->p, out->len, NULL, 0);
	rc |= yzf_refset_sign_line(&s, f->city_sk, out);
	yzf_buf_putc(out, '\n');
	return rc;
}
#endif

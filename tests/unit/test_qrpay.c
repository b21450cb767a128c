/* test_qrpay.c — QR receipts against the independent vectors
 * (tests/data/qr-vectors.json), Base45, the roster, each refusal with its
 * reason, and the amount in capitals. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "print_fixture.h"

static struct fixture F;

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc((size_t)len + 1);
	if (p && fread(p, 1, (size_t)len, f) != (size_t)len) {
		free(p);
		p = NULL;
	}
	fclose(f);
	if (p)
		p[len] = '\0';
	*n = (size_t)len;
	return p;
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static long long num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) ? (long long)v->valuedouble : -1;
}

static void hex(const char *h, uint8_t *out, size_t n)
{
	size_t got = 0;
	CHECK(sodium_hex2bin(out, n, h, strlen(h), NULL, &got, NULL) == 0 &&
	      got == n);
}

static void test_base45(const cJSON *v)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(v, "base45")) {
		const char *in = cJSON_GetArrayItem(e, 0)->valuestring;
		const char *want = cJSON_GetArrayItem(e, 1)->valuestring;
		char out[64];
		uint8_t back[64];
		size_t n, m;
		CHECK_EQ_INT(yzf_base45_encode((const uint8_t *)in, strlen(in),
					       out, sizeof out, &n), YZF_OK);
		CHECK_STR(out, want);
		CHECK_EQ_INT(yzf_base45_decode(want, strlen(want), back,
					       sizeof back, &m), YZF_OK);
		CHECK(m == strlen(in) && !memcmp(back, in, m));
	}
	uint8_t b[8];
	size_t n;
	char small[3];
	CHECK_EQ_INT(yzf_base45_decode("GGW", 3, b, sizeof b, &n), YZF_EINVAL);
	CHECK_EQ_INT(yzf_base45_decode("ABCD", 4, b, sizeof b, &n), YZF_EINVAL);
	CHECK_EQ_INT(yzf_base45_decode("ab", 2, b, sizeof b, &n), YZF_EINVAL);
	CHECK_EQ_INT(yzf_base45_decode(":;", 2, b, sizeof b, &n), YZF_EINVAL);
	CHECK_EQ_INT(yzf_base45_decode("::", 2, b, sizeof b, &n), YZF_EINVAL);
	CHECK_EQ_INT(yzf_base45_decode("BB8BB8", 6, b, 3, &n), YZF_ERANGE);
	CHECK_EQ_INT(yzf_base45_encode((const uint8_t *)"AB", 2, small,
				       sizeof small, &n), YZF_ERANGE);
}

/* The C encoder makes the vectors' payload bytes from their fields, and
 * signs them to the same text. */
static void test_receipts(const cJSON *v)
{
	const cJSON *r;
	uint8_t pk[32];
	hex(str(v, "public_key"), pk, 32);
	CHECK(!memcmp(pk, F.feed_pk, 32));
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(v, "receipts")) {
		struct yzf_qrpay p = { 0 }, d;
		uint8_t rid[32], buf[YZF_QRPAY_MAX], want[YZF_QRPAY_MAX];
		char msg[128], text[YZF_QRPAY_TEXT_MAX];
		size_t n, tn;
		p.kind = yzf_qrpay_kind_of(str(r, "kind"));
		p.flags = (uint8_t)num(r, "flags");
		hex(str(r, "kid"), p.kid, 8);
		p.seq = (uint32_t)num(r, "seq");
		p.issued = (uint32_t)num(r, "issued");
		p.year = (uint16_t)num(r, "year");
		p.serial = (uint32_t)num(r, "serial");
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(r, "officers");
		for (int k = 0; k < 2; k++) {
			const cJSON *x = cJSON_GetArrayItem(o, k);
			p.officer[k] = cJSON_IsString(x)
				? yzf_qrpay_officer_tag(x->valuestring) : 0;
			CHECK_EQ_INT(p.officer[k], (long long)cJSON_GetArrayItem(
				cJSON_GetObjectItemCaseSensitive(r, "officer_tags"),
				k)->valuedouble);
		}
		hex(str(r, "prev"), p.prev, 8);
		hex(str(r, "record_id"), rid, 32);
		yzf_qrpay_digest(rid, str(r, "text"), strlen(str(r, "text")),
				 p.digest);
		if (p.kind == YZF_QR_DCCFJD) {
			p.amount_fen = (uint32_t)num(r, "amount_fen");
			p.penalty = (uint8_t)num(r, "penalty");
		}
		if (p.kind == YZF_QR_SDHZ) {
			p.ref_kind = (uint8_t)yzf_qrpay_kind_of(str(r, "ref_kind"));
			p.ref_year = (uint16_t)num(r, "ref_year");
			p.ref_serial = (uint32_t)num(r, "ref_serial");
			p.method = (uint8_t)num(r, "method");
			p.relation = (uint8_t)num(r, "relation");
		}
		snprintf(p.party, sizeof p.party, "%s", str(r, "party"));
		p.party_len = (uint8_t)strlen(p.party);
		CHECK_EQ_INT(yzf_qrpay_encode(&p, buf, sizeof buf, &n, msg,
					      sizeof msg), YZF_OK);
		CHECK_EQ_INT(n, num(r, "payload_len"));
		hex(str(r, "payload"), want, n);
		CHECK(!memcmp(buf, want, n));
		CHECK_EQ_INT(yzf_qrpay_decode(buf, n, &d, msg, sizeof msg),
			     YZF_OK);
		CHECK(!memcmp(&d, &p, sizeof d));
		CHECK_EQ_INT(yzf_qrpay_sign(buf, n, F.feed_sk, text, sizeof text,
					    &tn), YZF_OK);
		CHECK_STR(text, str(r, "qr"));
		CHECK(tn <= 220); /* version 10-Q holds 221 */
		uint8_t both[200], ch[8], wantch[8];
		size_t bn;
		CHECK_EQ_INT(yzf_base45_decode(text + 4, tn - 4, both,
					       sizeof both, &bn), YZF_OK);
		yzf_qrpay_chain(both, bn, ch);
		hex(str(r, "chain"), wantch, 8);
		CHECK(!memcmp(ch, wantch, 8));
		/* every cut of the payload is refused, never read past */
		for (size_t k = 0; k < n; k++)
			CHECK(yzf_qrpay_decode(buf, k, &d, msg, sizeof msg) ==
			      YZF_EINVAL);
	}
}

static int verify(const struct yzf_roster *ro, const char *text,
		  struct yzf_qr_verdict *vd)
{
	return yzf_qrpay_verify(text, strlen(text), ro, FIX_NB + 400LL *
				86400000, vd);
}

static struct yzf_roster *roster(bool signer, int64_t rev)
{
	static struct yzf_roster r;
	struct yzf_buf b = { 0 };
	char msg[200];
	CHECK_EQ_INT(fixture_roster(&F, signer, rev, FIX_NB + 360LL * 86400000,
				    &b), YZF_OK);
	int rc = yzf_roster_parse(b.p, b.len, F.root_pk, &r, msg, sizeof msg);
	CHECK_EQ_INT(rc, YZF_OK);
	if (rc)
		fprintf(stderr, "roster: %s\n", msg);
	/* the roster is whole or refused: one byte changed, a line cut */
	b.p[b.len / 2] ^= 1;
	static struct yzf_roster bad;
	CHECK(yzf_roster_parse(b.p, b.len, F.root_pk, &bad, msg, sizeof msg)
	      != YZF_OK);
	b.p[b.len / 2] ^= 1;
	CHECK_EQ_INT(yzf_roster_parse(b.p, b.len - 1, F.root_pk, &bad, msg,
				      sizeof msg), YZF_OK); /* no last \n */
	CHECK(yzf_roster_parse(b.p, b.len, F.other_pk, &bad, msg, sizeof msg)
	      == YZF_EBADSIG);
	yzf_buf_free(&b);
	return &r;
}

static void test_verify(const cJSON *v)
{
	const cJSON *r0 = cJSON_GetArrayItem(
		cJSON_GetObjectItemCaseSensitive(v, "receipts"), 0);
	const char *qr = str(r0, "qr");
	struct yzf_qr_verdict vd;
	struct yzf_roster *ro = roster(true, 0);
	CHECK_EQ_INT(verify(ro, qr, &vd), YZF_OK);
	CHECK_EQ_INT(vd.reason, YZF_QRV_OK);
	CHECK_HAS(vd.why, "张明");
	CHECK(vd.signer && !strcmp(vd.signer->officer_no, "44010020230001"));
	CHECK(vd.officer[1] && !strcmp(vd.officer[1]->name, "李华"));
	CHECK_EQ_INT(vd.roster_age_ms, 40LL * 86400000);
	CHECK_EQ_INT(vd.p.amount_fen, 60000);
	/* a scanner's newline is forgiven */
	char nl[300];
	snprintf(nl, sizeof nl, "%s\n", qr);
	CHECK_EQ_INT(verify(ro, nl, &vd), YZF_OK);

	/* one changed character, at every position: always refused */
	size_t n = strlen(qr), refused = 0;
	char t[300];
	for (size_t i = 0; i < n; i++) {
		memcpy(t, qr, n + 1);
		t[i] = t[i] == 'A' ? 'B' : 'A';
		if (verify(ro, t, &vd) != YZF_OK && vd.reason != YZF_QRV_OK)
			refused++;
	}
	CHECK_EQ_INT(refused, n);
	memcpy(t, qr, n + 1);
	t[n / 2] = t[n / 2] == '7' ? '8' : '7';
	CHECK(verify(ro, t, &vd) != YZF_OK);
	CHECK(vd.reason == YZF_QRV_SIGNATURE || vd.reason == YZF_QRV_BASE45 ||
	      vd.reason == YZF_QRV_PAYLOAD);
	t[0] = 'X';
	CHECK_EQ_INT(verify(ro, t, &vd), YZF_EINVAL);
	CHECK_EQ_INT(vd.reason, YZF_QRV_PREFIX);

	/* truncated: characters cut by a scanner, bytes cut before the
	 * encoding (a receipt missing its signature's end, or more) */
	memcpy(t, qr, n + 1);
	t[n - 3] = '\0';
	CHECK(verify(ro, t, &vd) == YZF_EINVAL && (vd.reason == YZF_QRV_BASE45
						    || vd.reason == YZF_QRV_PAYLOAD));
	uint8_t all[200];
	size_t bn;
	CHECK_EQ_INT(yzf_base45_decode(qr + 4, n - 4, all, sizeof all, &bn),
		     YZF_OK);
	for (size_t cut = 1; cut < bn; cut++) {
		size_t tn;
		memcpy(t, "ZF1:", 4);
		CHECK_EQ_INT(yzf_base45_encode(all, bn - cut, t + 4,
					       sizeof t - 4, &tn), YZF_OK);
		CHECK(verify(ro, t, &vd) == YZF_EINVAL);
		CHECK(vd.reason == (bn - cut < YZF_QRPAY_MIN + 64
				    ? YZF_QRV_LENGTH : YZF_QRV_PAYLOAD));
		if (bn - cut == 100)
			CHECK_HAS(vd.why, "truncated");
	}

	/* signed by a key not in the roster */
	CHECK_EQ_INT(verify(ro, str(v, "unknown_key_qr"), &vd), YZF_EBADSIG);
	CHECK_EQ_INT(vd.reason, YZF_QRV_SIGNATURE);
	ro = roster(false, 0);
	CHECK_EQ_INT(verify(ro, qr, &vd), YZF_ENOTFOUND);
	CHECK_EQ_INT(vd.reason, YZF_QRV_UNKNOWN_KEY);
	CHECK_HAS(vd.why, "unknown key");

	/* revoked before the issue time (2026-11-27T09:00+08:00): refused;
	 * revoked after it: the document stays genuine */
	int64_t issued = (int64_t)num(r0, "issued") * 1000;
	ro = roster(true, issued - 3600000);
	CHECK_EQ_INT(verify(ro, qr, &vd), YZF_ECERT);
	CHECK_EQ_INT(vd.reason, YZF_QRV_REVOKED);
	CHECK_HAS(vd.why, "before the issue time");
	ro = roster(true, issued + 3600000);
	CHECK_EQ_INT(verify(ro, qr, &vd), YZF_OK);
	/* the key re-certified after the revocation: the new certificate
	 * covers the document, whichever comes first in the roster */
	static struct yzf_roster two;
	two = *roster(true, issued - 3600000);
	two.certs[two.ncerts] = F.feed;
	memset(two.certs[two.ncerts].serial, 5, 16);
	two.ncerts++;
	CHECK_EQ_INT(verify(&two, qr, &vd), YZF_OK);
	CHECK(vd.signer && vd.signer->serial[0] == 5);

	/* issued outside the certificate's window */
	struct fixture keep = F;
	F.feed.not_after = issued - 1000;
	ro = roster(true, 0);
	CHECK_EQ_INT(verify(ro, qr, &vd), YZF_ECERT);
	CHECK_EQ_INT(vd.reason, YZF_QRV_NOT_VALID);
	F = keep;
}

static void test_capitals(void)
{
	static const struct { int64_t fen; const char *s; } t[] = {
		{ 60000, "陆佰元整" },
		{ 0, "零元整" },
		{ 5, "伍分" },
		{ 50, "伍角整" },
		{ 105, "壹元零伍分" },
		{ 1050, "壹拾元伍角整" },
		{ 100500, "壹仟零伍元整" },
		{ 20000000, "贰拾万元整" },
		{ 100005000, "壹佰万零伍拾元整" },
		{ 1000000000, "壹仟万元整" },
		{ 300000, "叁仟元整" },
		{ 1234567, "壹万贰仟叁佰肆拾伍元陆角柒分" },
		{ 10000000005LL, "壹亿元零伍分" },
		{ 10000050000LL, "壹亿零伍佰元整" },
	};
	char out[128];
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		CHECK_EQ_INT(yzf_amount_capitals(t[i].fen, out, sizeof out),
			     YZF_OK);
		CHECK_STR(out, t[i].s);
	}
	CHECK_EQ_INT(yzf_amount_capitals(-1, out, sizeof out), YZF_ERANGE);
	CHECK_EQ_INT(yzf_amount_capitals(60000, out, 4), YZF_ERANGE);
	static const struct { const char *s; int64_t fen; } p[] = {
		{ "600", 60000 }, { "600元", 60000 }, { "¥1,200.00", 120000 },
		{ "罚款600.5元", 60050 }, { "0.05", 5 },
	};
	int64_t fen;
	for (size_t i = 0; i < sizeof p / sizeof p[0]; i++) {
		CHECK_EQ_INT(yzf_amount_parse(p[i].s, &fen), YZF_OK);
		CHECK_EQ_INT(fen, p[i].fen);
	}
	CHECK_EQ_INT(yzf_amount_parse("警告", &fen), YZF_EINVAL);
}

int main(int argc, char **argv)
{
	size_t n;
	if (argc != 2 || sodium_init() < 0)
		return 2;
	char *text = slurp(argv[1], &n);
	cJSON *v = text ? cJSON_ParseWithLength(text, n) : NULL;
	if (!v) {
		fprintf(stderr, "%s: cannot read the vectors\n", argv[1]);
		return 2;
	}
	fixture_init(&F);
	test_base45(v);
	test_receipts(v);
	test_verify(v);
	test_capitals();
	cJSON_Delete(v);
	free(text);
	return check_done();
}

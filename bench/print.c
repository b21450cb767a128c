/* bench/print — one 58 mm 当场行政处罚决定书 (384 dots), end to end as the
 * terminal prints it: layout measured for the text digest, the QR payload
 * encoded and signed, the layout drawn with the QR into the raster, the
 * ESC/POS stream written. Prints documents a second, milliseconds each
 * and by phase, the payload's bytes and the QR version. Baseline, in the
 * same run: what no document can skip — the QR symbol made by libqrencode
 * from the same text, one Ed25519 signature of the same payload, the
 * raster cleared and copied once — and the ratio of the two.
 *
 *   print FONT.hex [N]
 */
#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yzf/yzf.h>

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *p = malloc(16 << 20);
	*n = p ? fread(p, 1, 16 << 20, f) : 0;
	fclose(f);
	return p;
}

int main(int argc, char **argv)
{
	const char *fontp = argc > 1 ? argv[1] : "/usr/share/unifont/unifont.hex";
	int n = argc > 2 ? atoi(argv[2]) : 300;
	size_t flen;
	char *hex = slurp(fontp, &flen);
	struct yzf_font font;
	double f0 = now_ms();
	int frc = hex ? yzf_font_init(&font, hex, flen) : YZF_EINVAL;
	double font_ms = now_ms() - f0;
	if (!hex || sodium_init() < 0 || frc) {
		fprintf(stderr, "print: %s: no Unifont .hex\n", fontp);
		return 1;
	}
	uint8_t pk[32], sk[64], seed[32] = { 7 }, id[32] = { 1 }, prev[8] = { 0 };
	crypto_sign_seed_keypair(pk, sk, seed);
	struct yzf_printdoc doc = {
		.code = "DCCFJD", .title = "当场行政处罚决定书",
		.agency = "广州市天河区市场监督管理局", .year = 2026, .serial = 12,
		.party_signs = true, .issued_ms = 1795741200000LL, .tz = 480,
		.officer_name = "张明", .officer_no = "44010020230001", .seq = 7,
	};
	static const struct yzf_printfield f[] = {
		{ "case_no", "案件编号", "穗天市监简〔2026〕37号" },
		{ "party", "当事人", "张小明" },
		{ "party_id", "统一社会信用代码/身份证件号码", "440106199001011234" },
		{ "facts", "违法事实", "2026年11月27日上午，当事人在广州市天河区"
		  "体育西路103号门前占道经营水果摊位，经现场劝导后仍未改正。" },
		{ "penalty_basis", "处罚依据", "《广州市市容环境卫生管理规定》第二"
		  "十条第二款" },
		{ "penalty", "处罚内容", "警告，并处罚款" },
		{ "fine", "罚款金额", "600元" },
		{ "payment", "缴纳方式和期限", "到指定银行缴纳或在线缴纳" },
		{ "remedy", "救济途径和期限", "向广州市天河区人民政府申请行政复议，"
		  "或者向广州铁路运输法院提起行政诉讼" },
		{ "officers", "执法人员及执法证号", "张明 44010020230001，李华 "
		  "44010020230002" },
		{ "place", "处罚地点", "广州市天河区体育西路103号" },
	};
	doc.nfields = sizeof f / sizeof f[0];
	memcpy(doc.fields, f, sizeof f);
	memcpy(doc.kid, pk, 8);
	size_t cap = 48 * 4000;
	uint8_t *bits = malloc(cap), *stream = malloc(cap + 4096);
	static char text[16384];
	char qr[YZF_QRPAY_TEXT_MAX], msg[128];
	uint8_t pay[YZF_QRPAY_MAX];
	size_t plen = 0, slen = 0;
	struct yzf_layout L;
	struct yzf_qrpay p;
	struct yzf_escpos_opts o = { .band_rows = 24, .feed_lines = 4 };
	double t_text = 0, t_sign = 0, t_draw = 0, t_pos = 0;
	double t0 = now_ms();
	for (int i = 0; i < n; i++) {
		double a = now_ms();
		yzf_layout_init(&L, &font, 384, NULL, 0, text, sizeof text);
		yzf_print_compose(&L, &doc, NULL, 0);
		double b = now_ms();
		if (yzf_layout_finish(&L) ||
		    yzf_print_payload(&doc, id, text, L.text_len, prev, &p) ||
		    yzf_qrpay_encode(&p, pay, sizeof pay, &plen, msg, sizeof msg) ||
		    yzf_qrpay_sign(pay, plen, sk, qr, sizeof qr, NULL))
			return 1;
		double c = now_ms();
		yzf_layout_init(&L, &font, 384, bits, cap, NULL, 0);
		yzf_print_compose(&L, &doc, qr, yzf_print_module(384));
		if (yzf_layout_finish(&L))
			return 1;
		double d = now_ms();
		if (yzf_escpos_encode(&L.r, &o, stream, cap + 4096, &slen))
			return 1;
		double e = now_ms();
		t_text += b - a;
		t_sign += c - b;
		t_draw += d - c;
		t_pos += e - d;
	}
	double total = now_ms() - t0;
	/* the primitives alone, on the same inputs */
	size_t rbytes = (size_t)L.r.height * L.r.stride;
	uint8_t sig[64];
	double b0 = now_ms();
	for (int i = 0; i < n; i++) {
		QRinput *in = QRinput_new2(0, QR_ECLEVEL_Q);
		QRcode *q = NULL;
		if (!in || QRinput_append(in, QR_MODE_AN, (int)strlen(qr),
					  (const unsigned char *)qr) ||
		    !(q = QRcode_encodeInput(in)))
			return 1;
		QRcode_free(q);
		QRinput_free(in);
		crypto_sign_detached(sig, NULL, pay, plen, sk);
		memset(bits, 0, rbytes);
		memcpy(stream, bits, rbytes);
	}
	double base = now_ms() - b0;
	printf("58 mm 当场行政处罚决定书, %d documents\n", n);
	printf("  %.1f documents/s, %.3f ms each\n", n / (total / 1e3),
	       total / n);
	printf("  by phase (ms): text layout %.3f, payload+sign %.3f, "
	       "drawing+QR %.3f, ESC/POS %.3f\n", t_text / n, t_sign / n,
	       t_draw / n, t_pos / n);
	printf("  payload %zu bytes (+64 signature), QR text %zu characters, "
	       "QR version %d at %u dots a module\n", plen, strlen(qr),
	       L.qr_version, (unsigned)L.qr_module);
	printf("  baseline (QR symbol + one signature + raster clear): %.3f ms;"
	       " document / baseline = %.1f\n", base / n, total / base);
	printf("  font checked once per job: %zu glyphs in %.2f ms\n",
	       font.glyphs, font_ms);
	printf("  raster 384 x %u dots, ESC/POS %zu bytes in %u bands of 24 "
	       "rows\n", (unsigned)L.r.height, slen,
	       (unsigned)((L.r.height + 23) / 24));
	free(bits);
	free(stream);
	free(hex);
	return 0;
}

/* test_print.c — documents on paper, against golden files.
 *
 * Each document kind the officer hands over on site (当场行政处罚决定书,
 * 现场检查笔录, 责令改正通知书, 查封扣押清单, 送达回证) is laid out from its
 * template (data/refdata/doctypes.json) with fixed fields, keys and time,
 * at 384 and 576 dots, and compared dot for dot with the PNG committed in
 * tests/data/print/; its ESC/POS stream is read back and compared with the
 * same PNG band by band. Also the CJK line-breaking rules, the placeholder
 * for a missing glyph, and ESC/POS refusals.
 *
 *   test_print FONT DOCTYPES DATADIR [--write]
 * --write makes the golden files (and roster.ndjson, qr.txt, font.sha256)
 * instead. The goldens were drawn with Debian 12's unifont 1:15.0.01-2;
 * with another font version (font.sha256 differs) the dot-for-dot
 * comparison is skipped and said so, everything else still runs.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "print_fixture.h"
#include "rasterpng.h"

static struct fixture F;
static struct yzf_font FONT;
static bool WRITE;
static const char *DIR_;
static char TEXT[16384]; /* the printed text of the last render */
static bool SAME_FONT = true; /* the font the goldens were drawn with */

/* 2026-11-27T09:00:00+08:00 */
#define ISSUED 1795741200000LL
#define MAX_ROWS 8000

static const char *const samples[][2] = {
	{ "case_no", "穗天市监简〔2026〕37号" },
	{ "party", "张小明" },
	{ "party_id", "440106199001011234" },
	{ "facts", "2026年11月27日上午，当事人在广州市天河区体育西路103号"
		   "门前占道经营水果摊位，经现场劝导后仍未改正。" },
	{ "penalty_basis", "《广东省食品安全条例》第三十条第一款，《中华人民共和国"
			   "食品安全法》第一百二十六条第一款第（三）项" },
	{ "penalty", "警告，并处罚款" },
	{ "fine", "600元" },
	{ "payment", "到指定银行缴纳或通过“粤省事”在线缴纳" },
	{ "remedy", "向广州市天河区人民政府申请行政复议，或者向广州铁路运输法院"
		    "提起行政诉讼" },
	{ "officers", "张明 44010020230001，李华 44010020230002" },
	{ "place", "广州市天河区体育西路103号" },
	{ "started", "2026年11月27日09时00分" },
	{ "ended", "2026年11月27日09时40分" },
	{ "findings", "现场货架上有超过保质期的饼干12包（生产日期2026年3月1日，"
		      "保质期6个月），已拍照取证；冷柜温度显示为9℃。" },
	{ "witness", "王五（隔壁商户）" },
	{ "basis", "《中华人民共和国食品安全法》第一百一十条" },
	{ "deadline", "2026年12月11日前" },
	{ "content", "下架并销毁过期食品，建立进货查验记录制度。" },
	{ "decision", "DCCFJD〔2026〕12号" },
	{ "items", "1. 过期饼干 12包（120克/包）\n2. 冷柜 1台（海尔，编号HR-09）" },
	{ "signer", "" },
	{ "document", "当场行政处罚决定书 DCCFJD〔2026〕12号" },
	{ "recipient", "张小明" },
	{ "address", "广州市天河区体育西路103号" },
	{ "method", "直接送达" },
	{ "served_at", "" },
	{ "server", "张明、李华" },
	{ "note", "" },
};

static const char *sample(const char *key)
{
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
		if (!strcmp(samples[i][0], key))
			return samples[i][1];
	return "（示例）";
}

static struct yzf_doctype DT[16];
static size_t NDT;

static bool load_doctypes(const char *path)
{
	static char *text;
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	text = calloc(1, 1 << 20);
	size_t n = fread(text, 1, (1 << 20) - 1, f);
	fclose(f);
	cJSON *j = cJSON_ParseWithLength(text, n), *e, *fl;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(j, "entries")) {
		struct yzf_doctype *d = &DT[NDT++];
		d->code = strdup(cJSON_GetObjectItemCaseSensitive(e, "code")->valuestring);
		d->name = strdup(cJSON_GetObjectItemCaseSensitive(e, "name")->valuestring);
		d->party_signs = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "party_signs"));
		d->numbered = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "numbered"));
		d->template_version = 1;
		cJSON_ArrayForEach(fl, cJSON_GetObjectItemCaseSensitive(e, "fields")) {
			d->fields[d->nfields].key = strdup(cJSON_GetObjectItemCaseSensitive(fl, "key")->valuestring);
			d->fields[d->nfields].label = strdup(cJSON_GetObjectItemCaseSensitive(fl, "label")->valuestring);
			d->nfields++;
		}
		if (NDT == 16)
			break;
	}
	cJSON_Delete(j);
	free(text);
	return NDT > 0;
}

static const struct yzf_doctype *doctype(const char *code)
{
	for (size_t i = 0; i < NDT; i++)
		if (!strcmp(DT[i].code, code))
			return &DT[i];
	return NULL;
}

/* The doc.issue body of a sample document of type d, as doc issue makes
 * it. */
static void body_of(const struct yzf_doctype *d, int serial,
		    struct yzf_buf *b)
{
	yzf_buf_puts(b, "{\"doctype\":");
	yzf_canon_put_str(b, d->code, strlen(d->code));
	yzf_buf_puts(b, ",\"fields\":[");
	for (size_t k = 0; k < d->nfields; k++) {
		const char *v = sample(d->fields[k].key);
		yzf_buf_puts(b, k ? ",{\"key\":" : "{\"key\":");
		yzf_canon_put_str(b, d->fields[k].key, strlen(d->fields[k].key));
		yzf_buf_puts(b, ",\"value\":");
		yzf_canon_put_str(b, v, strlen(v));
		yzf_buf_putc(b, '}');
	}
	char n[64];
	snprintf(n, sizeof n, "],\"number\":{\"serial\":%d,\"year\":2026},"
		 "\"template_version\":1}", serial);
	yzf_buf_puts(b, d->numbered ? n : "],\"template_version\":1}");
}

/* Lay out, sign and draw one document as the terminal does
 * (yzf_print_prepare), with the fixture's key. */
static int render(const char *code, uint32_t width, uint8_t *bits,
		  size_t cap, struct yzf_layout *L, char *qr, size_t *plen,
		  bool reprint)
{
	const struct yzf_doctype *d = doctype(code);
	struct yzf_printdoc doc;
	struct yzf_buf b = { 0 };
	static char store[16384];
	char *text = TEXT;
	char msg[128];
	uint8_t id[32], pay[YZF_QRPAY_MAX], prev[8] = { 0 };
	struct yzf_qrpay p;
	if (!d)
		return YZF_ENOTFOUND;
	body_of(d, 12, &b);
	int rc = yzf_printdoc_parse(d, b.p, b.len, &doc, store, sizeof store,
				    msg, sizeof msg);
	CHECK_EQ_INT(rc, YZF_OK);
	crypto_generichash(id, 32, b.p, b.len, NULL, 0);
	yzf_buf_free(&b);
	doc.agency = F.feed.agency;
	doc.officer_name = F.feed.name;
	doc.officer_no = F.feed.officer_no;
	doc.issued_ms = ISSUED;
	doc.tz = 480;
	doc.reprint = reprint;
	memcpy(doc.kid, F.feed_pk, 8);
	doc.seq = 7;
	yzf_layout_init(L, &FONT, width, NULL, 0, text, sizeof TEXT);
	yzf_print_compose(L, &doc, NULL, 0);
	CHECK_EQ_INT(yzf_layout_finish(L), YZF_OK);
	CHECK_EQ_INT(L->missing, 0);
	CHECK_EQ_INT(yzf_print_payload(&doc, id, text, L->text_len, prev, &p),
		     YZF_OK);
	CHECK_EQ_INT(yzf_qrpay_encode(&p, pay, sizeof pay, plen, msg,
				      sizeof msg), YZF_OK);
	CHECK_EQ_INT(yzf_qrpay_sign(pay, *plen, F.feed_sk, qr,
				    YZF_QRPAY_TEXT_MAX, NULL), YZF_OK);
	CHECK_EQ_INT(yzf_layout_init(L, &FONT, width, bits, cap, NULL, 0),
		     YZF_OK);
	yzf_print_compose(L, &doc, qr, yzf_print_module(width));
	return yzf_layout_finish(L);
}

/* What the QR of a sample document carries, from its fields. */
static void check_payload(const char *code, const char *qr, bool reprint)
{
	uint8_t both[200];
	size_t n;
	struct yzf_qrpay p;
	char msg[128];
	CHECK_EQ_INT(yzf_base45_decode(qr + 4, strlen(qr) - 4, both,
				       sizeof both, &n), YZF_OK);
	CHECK_EQ_INT(yzf_qrpay_decode(both, n - 64, &p, msg, sizeof msg),
		     YZF_OK);
	CHECK_EQ_INT(p.kind, yzf_qrpay_kind_of(code));
	CHECK_EQ_INT(p.flags, reprint ? YZF_QR_REPRINT : 0);
	CHECK(!memcmp(p.kid, F.feed_pk, 8));
	CHECK_EQ_INT(p.seq, 7);
	CHECK_EQ_INT(p.issued, ISSUED / 1000);
	CHECK_EQ_INT(p.officer[0], yzf_qrpay_officer_tag("44010020230001"));
	/* a 清单 names no party: the decision it belongs to does */
	CHECK_STR(p.party, strcmp(code, "CWQD") ? "张*明" : "");
	if (!strcmp(code, "DCCFJD")) {
		CHECK_EQ_INT(p.year, 2026);
		CHECK_EQ_INT(p.serial, 12);
		CHECK_EQ_INT(p.amount_fen, 60000);
		CHECK_EQ_INT(p.penalty, YZF_QR_PEN_WARNING_FINE);
		CHECK_EQ_INT(p.officer[1],
			     yzf_qrpay_officer_tag("44010020230002"));
	}
	if (!strcmp(code, "SDHZ")) {
		CHECK_EQ_INT(p.year, 0);
		CHECK_EQ_INT(p.ref_kind, YZF_QR_DCCFJD);
		CHECK_EQ_INT(p.ref_year, 2026);
		CHECK_EQ_INT(p.ref_serial, 12);
		CHECK_EQ_INT(p.method, YZF_QR_DIRECT);
		CHECK_EQ_INT(p.officer[1], 0);
	}
}

static const char *const kinds[] = { "DCCFJD", "XCJCBL", "ZLGZ", "CWQD",
				     "SDHZ", "CFJD" };

static void test_golden(void)
{
	static const uint32_t widths[] = { 384, 576 };
	size_t cap = 72 * MAX_ROWS;
	uint8_t *bits = malloc(cap);
	char qr[YZF_QRPAY_TEXT_MAX], path[1024];
	FILE *qf = NULL;
	if (WRITE) {
		snprintf(path, sizeof path, "%s/qr.txt", DIR_);
		qf = fopen(path, "w");
	}
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		for (int w = 0; w < 2; w++) {
			struct yzf_layout L;
			size_t plen;
			int rc = render(kinds[k], widths[w], bits, cap, &L, qr,
					&plen, k == 0 && w == 1);
			CHECK_EQ_INT(rc, YZF_OK);
			CHECK(plen <= YZF_QRPAY_MAX);
			CHECK(L.qr_version >= 1 && L.qr_version <= 10);
			CHECK_EQ_INT(L.qr_module, yzf_print_module(widths[w]));
			check_payload(kinds[k], qr, k == 0 && w == 1);
			snprintf(path, sizeof path, "%s/%s-%u.png", DIR_,
				 kinds[k], (unsigned)widths[w]);
			if (WRITE) {
				CHECK_EQ_INT(png_write_raster(path, &L.r), 0);
				if (qf)
					fprintf(qf, "%s-%u %s\n", kinds[k],
						(unsigned)widths[w], qr);
				printf("%s: %u rows, QR version %d, payload %zu "
				       "bytes\n", path, (unsigned)L.r.height,
				       L.qr_version, plen);
				continue;
			}
			uint8_t *gold;
			uint32_t gw, gh;
			if (!SAME_FONT) {
				/* the bands against the raster itself */
				gold = malloc((size_t)L.r.height * L.r.stride + 1);
				memcpy(gold, bits, (size_t)L.r.height * L.r.stride);
				gw = L.r.width;
				gh = L.r.height;
			} else
			CHECK_EQ_INT(png_read_raster(path, &gold, &gw, &gh), 0);
			CHECK_EQ_INT(gw, L.r.width);
			CHECK_EQ_INT(gh, L.r.height);
			bool same = gold && gw == L.r.width && gh == L.r.height &&
				    !memcmp(gold, bits, (size_t)gh * L.r.stride);
			CHECK(same);
			if (!same)
				fprintf(stderr, "%s: the layout no longer matches "
					"the golden file\n", path);
			/* the printer's bytes, read back band by band, are the
			 * PNG's rows */
			struct yzf_escpos_opts o = { .band_rows = 24,
						     .feed_lines = 4, .cut = true };
			size_t n = yzf_escpos_size(&L.r, &o), got, off = 0;
			uint8_t *s = malloc(n);
			CHECK_EQ_INT(yzf_escpos_encode(&L.r, &o, s, n, &got),
				     YZF_OK);
			CHECK_EQ_INT(got, n);
			struct yzf_escpos_cmd c;
			uint32_t row = 0, bands = 0, bad = 0;
			int r;
			while ((r = yzf_escpos_next(s, got, &off, &c)) == 1) {
				if (c.op != YZF_ESCPOS_RASTER)
					continue;
				bands++;
				if (c.rows > 24 || c.xbytes != L.r.stride ||
				    row + c.rows > gh ||
				    memcmp(c.data, gold + (size_t)row * c.xbytes,
					   (size_t)c.rows * c.xbytes))
					bad++;
				row += c.rows;
			}
			CHECK_EQ_INT(r, 0);
			CHECK_EQ_INT(bad, 0);
			CHECK_EQ_INT(row, gh);
			CHECK_EQ_INT(bands, (gh + 23) / 24);
			struct yzf_raster back;
			struct yzf_escpos_info info;
			uint8_t *bb = malloc(cap);
			CHECK_EQ_INT(yzf_escpos_parse(s, got, bb, cap, &back, &info,
						      NULL), YZF_OK);
			CHECK(back.height == gh && !memcmp(bb, gold,
							   (size_t)gh * back.stride));
			CHECK_EQ_INT(info.inits, 1);
			CHECK_EQ_INT(info.cuts, 1);
			CHECK_EQ_INT(info.feed_lines, 4);
			free(bb);
			free(s);
			free(gold);
		}
	if (qf)
		fclose(qf);
	free(bits);
}

/* The roster the zbar test verifies the golden QR codes against. */
static void test_roster_file(void)
{
	struct yzf_buf b = { 0 };
	char path[1024];
	CHECK_EQ_INT(fixture_roster(&F, true, 0, ISSUED - 7LL * 86400000, &b),
		     YZF_OK);
	snprintf(path, sizeof path, "%s/roster.ndjson", DIR_);
	if (WRITE) {
		FILE *f = fopen(path, "wb");
		CHECK(f && fwrite(b.p, 1, b.len, f) == b.len);
		if (f)
			fclose(f);
		yzf_buf_reset(&b);
		yzf_cert_sign_line(&F.root, F.root_sk, &b);
		yzf_buf_putc(&b, '\n');
		yzf_cert_sign_line(&F.city, F.root_sk, &b);
		yzf_buf_putc(&b, '\n');
		snprintf(path, sizeof path, "%s/trust.ndjson", DIR_);
		f = fopen(path, "wb");
		CHECK(f && fwrite(b.p, 1, b.len, f) == b.len);
		if (f)
			fclose(f);
	} else {
		FILE *f = fopen(path, "rb");
		char *have = malloc(b.len + 1);
		CHECK(f && fread(have, 1, b.len + 1, f) == b.len &&
		      !memcmp(have, b.p, b.len));
		if (f)
			fclose(f);
		free(have);
	}
	yzf_buf_free(&b);
}

/* Lines as laid out at a width: the text, one line each. */
static void lines_of(const char *s, uint32_t width, char *text, size_t cap)
{
	struct yzf_layout L;
	yzf_layout_init(&L, &FONT, width, NULL, 0, text, cap);
	yzf_layout_text(&L, s, 1, YZF_LEFT, 0);
	CHECK_EQ_INT(yzf_layout_finish(&L), YZF_OK);
}

static void test_breaking(void)
{
	char text[2048];
	/* 11 full-width characters fit 184 dots (176 + margins): the 12th,
	 * a closing mark, may not start the next line, so 十 goes with it */
	lines_of("一二三四五六七八九十甲。乙丙", 8 * 23, text, sizeof text);
	CHECK_STR(text, "一二三四五六七八九十\n甲。乙丙\n");
	/* an opening mark may not end a line */
	lines_of("一二三四五六七八九十（甲）乙", 8 * 23, text, sizeof text);
	CHECK_STR(text, "一二三四五六七八九十\n（甲）乙\n");
	/* two closing marks in a row move back together */
	lines_of("一二三四五六七八九十甲”。乙", 8 * 23, text, sizeof text);
	CHECK_STR(text, "一二三四五六七八九十\n甲”。乙\n");
	/* Latin words and numbers are not split where a space allows */
	lines_of("罚款金额 12345678 元 ABCDEFGH", 8 * 16, text, sizeof text);
	CHECK_STR(text, "罚款金额\n12345678 元\nABCDEFGH\n");
	/* a date stays whole */
	lines_of("缴款期限至2026年12月11日前", 8 * 19, text, sizeof text);
	CHECK_STR(text, "缴款期限至\n2026年12月11日前\n");
	/* a forced break, and a word wider than the line is cut */
	lines_of("甲\n0123456789012345678901234567890123", 8 * 16, text,
		 sizeof text);
	CHECK_STR(text, "甲\n012345678901234\n567890123456789\n0123\n");
	/* no line of a document starts with closing punctuation or ends
	 * with opening punctuation */
	static const char *const close_[] = { "，", "。", "、", "；", "：",
		"？", "！", "）", "》", "」", "』", "】", "”", "’" };
	static const char *const open_[] = { "（", "《", "「", "『", "【", "“",
					      "‘" };
	uint8_t *bits = malloc(72 * MAX_ROWS);
	struct yzf_layout L;
	char qr[YZF_QRPAY_TEXT_MAX];
	size_t plen, lines = 0, bad = 0;
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		for (uint32_t w = 384; w <= 576; w += 64) {
			render(kinds[k], w, bits, 72 * MAX_ROWS, &L, qr, &plen,
			       false);
			for (char *l = TEXT; *l;) {
				char *nl = strchr(l, '\n');
				size_t n = nl ? (size_t)(nl - l) : strlen(l);
				for (size_t i = 0; i < 14; i++)
					bad += n >= 3 && !memcmp(l, close_[i], 3);
				for (size_t i = 0; i < 7; i++)
					bad += n >= 3 && !memcmp(l + n - 3,
								 open_[i], 3);
				lines++;
				l += n + (nl ? 1 : 0);
			}
		}
	CHECK(lines > 300);
	CHECK_EQ_INT(bad, 0);
	free(bits);
}

static void test_missing_glyph(void)
{
	uint8_t bits[48 * 40];
	struct yzf_layout L;
	/* U+20BB7 𠮷 (Ext B) is not in the BMP font: a box, counted */
	yzf_layout_init(&L, &FONT, 384, bits, sizeof bits, NULL, 0);
	yzf_layout_text(&L, "吉\xF0\xA0\xAE\xB7", 1, YZF_LEFT, 0);
	CHECK_EQ_INT(yzf_layout_finish(&L), YZF_OK);
	CHECK_EQ_INT(L.missing, 1);
	CHECK_EQ_INT(L.missing_cp[0], 0x20BB7);
	/* the box: its top edge is drawn */
	int dots = 0;
	for (int x = 4 + 16; x < 4 + 32; x++)
		dots += !!(bits[1 * 48 + x / 8] & (0x80 >> (x % 8)));
	CHECK(dots >= 12);
	/* malformed UTF-8 prints as boxes too */
	yzf_layout_init(&L, &FONT, 384, bits, sizeof bits, NULL, 0);
	yzf_layout_text(&L, "\xE4\xB8", 1, YZF_LEFT, 0);
	CHECK_EQ_INT(L.missing, 2);
	/* a raster too small is an error, not an overflow */
	yzf_layout_init(&L, &FONT, 384, bits, sizeof bits, NULL, 0);
	yzf_layout_text(&L, "一\n二\n三", 2, YZF_LEFT, 0);
	CHECK_EQ_INT(yzf_layout_finish(&L), YZF_ERANGE);
}

static void test_font(void)
{
	uint16_t g[16];
	int w;
	CHECK_EQ_INT(yzf_font_glyph(&FONT, 'A', g, &w), YZF_OK);
	CHECK_EQ_INT(w, 8);
	CHECK_EQ_INT(yzf_font_glyph(&FONT, 0x9648, g, &w), YZF_OK); /* 陈 */
	CHECK_EQ_INT(w, 16);
	CHECK_EQ_INT(yzf_font_glyph(&FONT, 0x110000, g, &w), YZF_ENOTFOUND);
	static const char small[] = "0041:0000000018242442427E424242420000\n"
				    "1F600:00000000000000000000000000000000"
				    "000000000000000000000000000000FF\n";
	struct yzf_font f;
	CHECK_EQ_INT(yzf_font_init(&f, small, sizeof small - 1), YZF_OK);
	CHECK_EQ_INT(yzf_font_glyph(&f, 0x1F600, g, &w), YZF_OK);
	CHECK_EQ_INT(w, 16);
	CHECK_EQ_INT(g[15], 0x00FF);
	CHECK_EQ_INT(yzf_font_init(&f, "hello\n", 6), YZF_EINVAL);
	/* CRLF ends are fine; a blank, damaged or unsorted line is named */
	static const char crlf[] =
		"0020:00000000000000000000000000000000\r\n"
		"0041:0000000018242442427E424242420000\r\n"
		"4E00:0000000000000000000000000000000000000000000000007FFE000000000000";
	CHECK_EQ_INT(yzf_font_init(&f, crlf, sizeof crlf - 1), YZF_OK);
	CHECK_EQ_INT(f.glyphs, 3);
	static const uint32_t cps[] = { 0x20, 'A', 0x4E00 };
	for (size_t i = 0; i < 3; i++)
		CHECK_EQ_INT(yzf_font_glyph(&f, cps[i], g, &w), YZF_OK);
	CHECK_EQ_INT(yzf_font_glyph(&f, 'C', g, &w), YZF_ENOTFOUND);
	static const char *const bad[] = {
		"0041:0000000018242442427E424242420000\n\n"
		"0042:00000000007C4242427C424242427C00\n",
		"0041:0000000018242442427E424242420000\n"
		"0040:00000000007C4242427C424242427C00\n",
		"0041:0000000018242442427E424242420000\n"
		"0042:00000000007C4242427C424242427C0\n",
		"0041:0000000018242442427E424242420000\n"
		"0042:00000000007C4242427C424242427CXX\n",
	};
	for (size_t i = 0; i < 4; i++) {
		CHECK_EQ_INT(yzf_font_init(&f, bad[i], strlen(bad[i])),
			     YZF_EINVAL);
		CHECK_EQ_INT(f.bad_line, 2);
	}
	CHECK_EQ_INT(FONT.glyphs, 57086);
}

static void test_escpos_refusals(void)
{
	static const uint8_t ok[] = { 0x1B, '@', 0x1D, 'v', '0', 0, 1, 0, 2,
				      0, 0xFF, 0x81, '\n', 0x1B, 'J', 10 };
	uint8_t bits[16];
	struct yzf_raster r;
	struct yzf_escpos_info info;
	size_t bad = 0;
	CHECK_EQ_INT(yzf_escpos_parse(ok, sizeof ok, bits, sizeof bits, &r,
				      &info, &bad), YZF_OK);
	CHECK_EQ_INT(r.height, 2);
	CHECK_EQ_INT(r.width, 8);
	CHECK_EQ_INT(bits[1], 0x81);
	CHECK_EQ_INT(info.feed_dots, 10);
	/* cut raster data, text, a second width, a raster too big */
	CHECK_EQ_INT(yzf_escpos_parse(ok, 11, bits, sizeof bits, &r, NULL,
				      &bad), YZF_EINVAL);
	CHECK_EQ_INT(bad, 2);
	static const uint8_t text[] = { 0x1B, '@', 'A' };
	CHECK_EQ_INT(yzf_escpos_parse(text, sizeof text, bits, sizeof bits, &r,
				      NULL, &bad), YZF_EINVAL);
	CHECK_EQ_INT(bad, 2);
	static const uint8_t two[] = { 0x1D, 'v', '0', 0, 1, 0, 1, 0, 0xFF,
				       0x1D, 'v', '0', 0, 2, 0, 1, 0, 1, 2 };
	CHECK_EQ_INT(yzf_escpos_parse(two, sizeof two, bits, sizeof bits, &r,
				      NULL, &bad), YZF_EINVAL);
	CHECK_EQ_INT(bad, 9);
	CHECK_EQ_INT(yzf_escpos_parse(ok, sizeof ok, bits, 1, &r, NULL, &bad),
		     YZF_ERANGE);
}

int main(int argc, char **argv)
{
	size_t n;
	if (argc < 4 || sodium_init() < 0)
		return 2;
	WRITE = argc > 4 && !strcmp(argv[4], "--write");
	DIR_ = argv[3];
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		fprintf(stderr, "%s: no font (Debian package unifont)\n", argv[1]);
		return 77;
	}
	char *font = malloc(16 << 20);
	n = fread(font, 1, 16 << 20, f);
	fclose(f);
	if (yzf_font_init(&FONT, font, n) || !load_doctypes(argv[2]))
		return 2;
	fixture_init(&F);
	uint8_t h[32];
	char hex[65], want[65] = "", path[1024];
	crypto_hash_sha256(h, (const uint8_t *)font, n);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	snprintf(path, sizeof path, "%s/font.sha256", DIR_);
	FILE *fh = fopen(path, WRITE ? "w" : "r");
	if (fh && WRITE)
		fprintf(fh, "%s\n", hex);
	else if (fh && fscanf(fh, "%64s", want) == 1 && strcmp(want, hex)) {
		SAME_FONT = false;
		fprintf(stderr, "%s: not the font the golden documents were "
			"drawn with: their dot-for-dot comparison is skipped\n",
			argv[1]);
	}
	if (fh)
		fclose(fh);
	test_font();
	test_golden();
	test_roster_file();
	if (!WRITE) {
		test_breaking();
		test_missing_glyph();
		test_escpos_refusals();
	}
	free(font);
	return check_done();
}

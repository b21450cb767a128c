/* print.c — documents laid out with their signed QR receipt
 * (yzf/print.h). */
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "yzf/base45.h"
#include "yzf/print.h"

static char *keep(char *store, size_t cap, size_t *used, const char *s)
{
	size_t n = strlen(s) + 1;
	if (n > cap - *used)
		return NULL;
	char *p = store + *used;
	memcpy(p, s, n);
	*used += n;
	return p;
}

int yzf_printdoc_parse(const struct yzf_doctype *d, const uint8_t *body,
		       size_t len, struct yzf_printdoc *doc, char *store,
		       size_t cap, char *msg, size_t mcap)
{
	cJSON *j = cJSON_ParseWithLength((const char *)body, len), *e;
	size_t used = 0;
	int rc = YZF_OK;
	memset(doc, 0, sizeof *doc);
	const cJSON *dt = cJSON_GetObjectItemCaseSensitive(j, "doctype");
	const cJSON *fs = cJSON_GetObjectItemCaseSensitive(j, "fields");
	if (!cJSON_IsString(dt) || strcmp(dt->valuestring, d->code) ||
	    !cJSON_IsArray(fs)) {
		snprintf(msg, mcap, "doctype: the record is not a %s document",
			 d->code);
		cJSON_Delete(j);
		return YZF_EINVAL;
	}
	doc->code = d->code;
	doc->title = d->name;
	doc->party_signs = d->party_signs;
	const cJSON *num = cJSON_GetObjectItemCaseSensitive(j, "number");
	if (num) {
		const cJSON *yr = cJSON_GetObjectItemCaseSensitive(num, "year");
		const cJSON *sr = cJSON_GetObjectItemCaseSensitive(num, "serial");
		doc->year = cJSON_IsNumber(yr) ? yr->valueint : 0;
		doc->serial = cJSON_IsNumber(sr) ? (int64_t)sr->valuedouble : 0;
	}
	/* in the template's order, whatever order the record has */
	for (size_t k = 0; rc == YZF_OK && k < d->nfields; k++) {
		cJSON_ArrayForEach(e, fs) {
			const cJSON *key = cJSON_GetObjectItemCaseSensitive(e, "key");
			const cJSON *val = cJSON_GetObjectItemCaseSensitive(e, "value");
			if (!cJSON_IsString(key) || !cJSON_IsString(val) ||
			    strcmp(key->valuestring, d->fields[k].key))
				continue;
			struct yzf_printfield *f = &doc->fields[doc->nfields];
			f->key = d->fields[k].key;
			f->label = d->fields[k].label;
			if (!(f->value = keep(store, cap, &used, val->valuestring))) {
				snprintf(msg, mcap, "%s: no room for the text",
					 f->key);
				rc = YZF_ERANGE;
				break;
			}
			doc->nfields++;
			break;
		}
	}
	cJSON_Delete(j);
	return rc;
}

const char *yzf_printdoc_field(const struct yzf_printdoc *doc, const char *key)
{
	for (size_t i = 0; i < doc->nfields; i++)
		if (!strcmp(doc->fields[i].key, key))
			return doc->fields[i].value;
	return NULL;
}

uint32_t yzf_print_module(uint32_t width)
{
	return width >= 576 ? 7 : width >= 512 ? 6 : 5;
}

/* Civil date of a day count since 1970-01-01 (H. Hinnant's algorithm). */
static void civil(int64_t days, int *y, int *m, int *d)
{
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t doe = days - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t local_days(int64_t ms, int32_t tz)
{
	int64_t t = ms + (int64_t)tz * 60000;
	return (t >= 0 ? t : t - 86399999) / 86400000;
}

static void date_cn(int y, int m, int d, char *out, size_t cap)
{
	snprintf(out, cap, "%d年%d月%d日", y, m, d);
}

/* The same day n months later, or the month's last day. */
static void plus_months(int y, int m, int d, int n, int *oy, int *om, int *od)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
				     30, 31 };
	int t = y * 12 + (m - 1) + n;
	*oy = t / 12;
	*om = t % 12 + 1;
	int last = mdays[*om - 1] +
		   (*om == 2 && ((*oy % 4 == 0 && *oy % 100) || *oy % 400 == 0));
	*od = d < last ? d : last;
}

static bool is_decision(const char *code)
{
	return !strcmp(code, "DCCFJD") || !strcmp(code, "CFJD");
}

void yzf_print_compose(struct yzf_layout *L, const struct yzf_printdoc *doc,
		       const char *qr, uint32_t module)
{
	char line[512], cap[256];
	int64_t days = local_days(doc->issued_ms, doc->tz);
	int y, m, d;
	civil(days, &y, &m, &d);
	if (doc->reprint)
		yzf_layout_text(L, "（补打）", 2, YZF_RIGHT, 0);
	if (doc->agency)
		yzf_layout_text(L, doc->agency, 1, YZF_CENTER, 0);
	yzf_layout_text(L, doc->title, 2, YZF_CENTER, 0);
	if (doc->year) {
		snprintf(line, sizeof line, "%s〔%d〕%lld号", doc->code,
			 doc->year, (long long)doc->serial);
		yzf_layout_text(L, line, 1, YZF_CENTER, 0);
	}
	yzf_layout_rule(L, 2);
	for (size_t i = 0; i < doc->nfields; i++) {
		const struct yzf_printfield *f = &doc->fields[i];
		int64_t fen;
		if (!strcmp(f->key, "fine") && yzf_amount_parse(f->value, &fen)
		    == YZF_OK && yzf_amount_capitals(fen, cap, sizeof cap)
		    == YZF_OK) {
			snprintf(line, sizeof line, "¥%lld.%02lld元",
				 (long long)(fen / 100), (long long)(fen % 100));
			yzf_layout_field(L, f->label, line, 2);
			yzf_layout_field(L, "大写", cap, 1);
			continue;
		}
		if (!f->value[0]) /* left blank: a line to fill in by hand */
			yzf_layout_signline(L, f->label);
		else
			yzf_layout_field(L, f->label, f->value, 1);
	}
	if (is_decision(doc->code)) {
		int py, pm, pd, ry, rm, rd, sy, sm, sd;
		char a[40], b[40], c[40];
		civil(days + 15, &py, &pm, &pd);
		civil(days + 60, &ry, &rm, &rd);
		plus_months(y, m, d, 6, &sy, &sm, &sd);
		date_cn(py, pm, pd, a, sizeof a);
		date_cn(ry, rm, rd, b, sizeof b);
		date_cn(sy, sm, sd, c, sizeof c);
		yzf_layout_rule(L, 1);
		snprintf(line, sizeof line, "缴款期限：自收到本决定书之日起十五日内"
			 "（当场交付的，至%s）缴纳罚款，逾期每日按罚款数额的百分之三加处罚款。",
			 a);
		yzf_layout_text(L, line, 1, YZF_LEFT, 0);
		snprintf(line, sizeof line, "如不服本决定，可自收到之日起六十日内"
			 "（至%s）申请行政复议，或者六个月内（至%s）"
			 "依法向人民法院提起行政诉讼。", b, c);
		yzf_layout_text(L, line, 1, YZF_LEFT, 0);
		if (doc->flags & YZF_QR_CASH)
			yzf_layout_text(L, "罚款已当场收缴，另出具省级财政部门统一"
					"制发的专用票据（行政处罚法第七十条）。",
					1, YZF_LEFT, 0);
	}
	if (!strcmp(doc->code, "SDHZ")) {
		yzf_layout_rule(L, 1);
		yzf_layout_signline(L, "代收人及与受送达人关系");
		yzf_layout_signline(L, "拒收事由及日期");
		yzf_layout_signline(L, "见证人签名");
		yzf_layout_text(L, "受送达人在本回证上写明收到日期，签名或者"
				"盖章，签收日期为送达日期；拒收的，送达人注明拒收"
				"事由和日期，由送达人、见证人签名（民事诉讼法第八十"
				"七条至第八十九条）。", 1, YZF_LEFT, 0);
	}
	yzf_layout_rule(L, 1);
	yzf_layout_signline(L, "执法人员签名");
	yzf_layout_signline(L, "执法人员签名");
	if (doc->flags & YZF_QR_REFUSED)
		yzf_layout_text(L, "当事人拒绝签名（执法人员已注明）", 1,
				YZF_LEFT, 0);
	else if (doc->party_signs && strcmp(doc->code, "SDHZ") &&
		 !yzf_printdoc_field(doc, "signer")) { /* else the template's */
		yzf_layout_signline(L, "当事人签名");
		yzf_layout_text(L, "（当事人拒绝签名的，由执法人员注明）", 1,
				YZF_LEFT, 0);
	}
	if (doc->agency) {
		snprintf(line, sizeof line, "%s（印章）", doc->agency);
		yzf_layout_text(L, line, 1, YZF_RIGHT, 0);
	}
	date_cn(y, m, d, line, sizeof line);
	yzf_layout_text(L, line, 1, YZF_RIGHT, 0);
	yzf_layout_gap(L, 8);
	if (qr)
		yzf_layout_qr(L, qr, module);
	char kid[17];
	sodium_bin2hex(kid, sizeof kid, doc->kid, sizeof doc->kid);
	snprintf(line, sizeof line, "扫码离线核验 %s-%lu", kid,
		 (unsigned long)doc->seq);
	yzf_layout_text(L, line, 1, YZF_CENTER, 0);
}

/* 执法证号 in free text: runs of 6 to 32 of [A-Za-z0-9-] with a digit. */
static bool next_officer_no(const char **s, char out[33])
{
	const char *p = *s;
	while (*p) {
		size_t n = 0;
		bool digit = false;
		while ((p[n] >= '0' && p[n] <= '9') || (p[n] >= 'A' && p[n] <= 'Z')
		       || (p[n] >= 'a' && p[n] <= 'z') || p[n] == '-') {
			digit |= p[n] >= '0' && p[n] <= '9';
			n++;
		}
		if (n >= 6 && n <= 32 && digit) {
			memcpy(out, p, n);
			out[n] = '\0';
			*s = p + n;
			return true;
		}
		p += n ? n : 1;
	}
	*s = p;
	return false;
}

static size_t utf8_chars(const char *s, size_t *first_len, size_t *last_off)
{
	size_t n = 0;
	*first_len = 0;
	*last_off = 0;
	for (size_t i = 0; s[i]; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80) {
			if (n == 1)
				*first_len = i;
			*last_off = i;
			n++;
		}
	if (n == 1)
		*first_len = strlen(s);
	return n;
}

static bool uscc_like(const char *s)
{
	if (!s || strlen(s) != 18)
		return false;
	for (int i = 0; i < 18; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return true;
}

/* The party as the QR may carry it: an organisation by its 统一社会信用代码
 * (public), a person by a masked name (first and last character). */
static void party_of(const struct yzf_printdoc *doc, struct yzf_qrpay *p)
{
	const char *name = yzf_printdoc_field(doc, "party");
	if (!name)
		name = yzf_printdoc_field(doc, "recipient");
	const char *id = yzf_printdoc_field(doc, "party_id");
	size_t fl, lo, n = name ? utf8_chars(name, &fl, &lo) : 0;
	if (uscc_like(id) && n > 4) {
		memcpy(p->party, id, 18);
		p->party_len = 18;
	} else if (n >= 1) {
		size_t o = 0;
		memcpy(p->party, name, fl);
		o = fl;
		p->party[o++] = '*';
		if (n >= 3) {
			size_t ll = strlen(name) - lo;
			if (o + ll <= YZF_QRPAY_PARTY_MAX) {
				memcpy(p->party + o, name + lo, ll);
				o += ll;
			}
		}
		if (o > YZF_QRPAY_PARTY_MAX)
			o = 0;
		p->party_len = (uint8_t)o;
	}
	p->party[p->party_len] = '\0';
}

/* A served document named in free text: its kind by code or name, its
 * number by the 〔YEAR〕N form. */
static void served_of(const char *s, struct yzf_qrpay *p)
{
	static const char *const names[][2] = {
		{ "当场行政处罚决定书", "DCCFJD" }, { "行政处罚决定书", "CFJD" },
		{ "责令改正通知书", "ZLGZ" }, { "行政处罚告知书", "CFGZ" },
		{ "听证通知书", "TZTZ" }, { "实施行政强制措施决定书", "QZCSJD" },
		{ "延长行政强制措施决定书", "YCQZCS" },
		{ "解除行政强制措施决定书", "JCQZCS" },
	};
	if (!s)
		return;
	for (int k = 1; k <= 15; k++) {
		const char *c = yzf_qrpay_kind_code(k);
		if (c && strstr(s, c) && (!p->ref_kind ||
		    strlen(c) > strlen(yzf_qrpay_kind_code(p->ref_kind))))
			p->ref_kind = (uint8_t)k;
	}
	for (size_t i = 0; !p->ref_kind && i < sizeof names / sizeof names[0]; i++)
		if (strstr(s, names[i][0]))
			p->ref_kind = (uint8_t)yzf_qrpay_kind_of(names[i][1]);
	const char *b = strstr(s, "〔");
	int y = 0;
	long n = 0;
	if (b && sscanf(b + 3, "%4d", &y) == 1 && y > 2000 && y <= 2255) {
		const char *e = strstr(b, "〕");
		if (e && sscanf(e + 3, "%ld", &n) == 1 && n > 0 && n < (1 << 24)) {
			p->ref_year = (uint16_t)y;
			p->ref_serial = (uint32_t)n;
		}
	}
}

int yzf_print_payload(const struct yzf_printdoc *doc,
		      const uint8_t id[YZF_ID_LEN], const char *text,
		      size_t tlen, const uint8_t prev[8], struct yzf_qrpay *p)
{
	memset(p, 0, sizeof *p);
	p->kind = yzf_qrpay_kind_of(doc->code);
	p->flags = (uint8_t)((doc->reprint ? YZF_QR_REPRINT : 0) |
			     (doc->flags & (YZF_QR_REFUSED | YZF_QR_CASH)));
	memcpy(p->kid, doc->kid, sizeof p->kid);
	p->seq = doc->seq;
	if (doc->issued_ms < 0 || doc->issued_ms / 1000 > UINT32_MAX)
		return YZF_ERANGE;
	p->issued = (uint32_t)(doc->issued_ms / 1000);
	if (doc->year >= 2001 && doc->year <= 2255 && doc->serial > 0 &&
	    doc->serial < (1 << 24)) {
		p->year = (uint16_t)doc->year;
		p->serial = (uint32_t)doc->serial;
	}
	int k = 0;
	if (doc->officer_no && doc->officer_no[0])
		p->officer[k++] = yzf_qrpay_officer_tag(doc->officer_no);
	const char *s = yzf_printdoc_field(doc, "officers");
	char no[33];
	while (k < 2 && s && next_officer_no(&s, no))
		if (!doc->officer_no || strcmp(no, doc->officer_no))
			p->officer[k++] = yzf_qrpay_officer_tag(no);
	if (prev)
		memcpy(p->prev, prev, 8);
	yzf_qrpay_digest(id, text, tlen, p->digest);
	if (p->kind == YZF_QR_DCCFJD || p->kind == YZF_QR_CFJD) {
		const char *fine = yzf_printdoc_field(doc, "fine");
		const char *pen = yzf_printdoc_field(doc, "penalty");
		int64_t fen = 0;
		if (fine && yzf_amount_parse(fine, &fen) == YZF_OK &&
		    fen <= UINT32_MAX)
			p->amount_fen = (uint32_t)fen;
		bool warn = pen && strstr(pen, "警告"),
		     f = (pen && strstr(pen, "罚款")) || p->amount_fen;
		p->penalty = warn && f ? YZF_QR_PEN_WARNING_FINE
			     : warn ? YZF_QR_PEN_WARNING
			     : f ? YZF_QR_PEN_FINE
			     : pen && strstr(pen, "没收") ? YZF_QR_PEN_CONFISCATE
			     : pen ? YZF_QR_PEN_OTHER : YZF_QR_PEN_NONE;
	} else if (p->kind == YZF_QR_SDHZ) {
		static const char *const methods[] = { NULL, "直接", "留置",
			"委托", "邮寄", "公告", "电子" };
		const char *m = yzf_printdoc_field(doc, "method");
		served_of(yzf_printdoc_field(doc, "document"), p);
		for (int i = 1; m && i <= 6; i++)
			if (strstr(m, methods[i])) {
				p->method = (uint8_t)i;
				break;
			}
		if (p->method == YZF_QR_LEAVE)
			p->flags |= YZF_QR_LEFT;
		if (p->method == YZF_QR_EMAIL)
			p->flags |= YZF_QR_ELECTRONIC;
	}
	party_of(doc, p);
	return YZF_OK;
}

/* What the feed's doc.print records say: whether document seq was printed
 * before, and the chain value of the last print. */
static int prints_of(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		     int64_t seq, bool *printed, uint8_t prev[8])
{
	struct yzf_iter *it = NULL;
	struct yzf_entry e;
	struct yzf_query q = { .type = "doc.print" };
	*printed = false;
	memset(prev, 0, 8);
	int rc = yzf_iter_open(y, &q, &it);
	while (rc == YZF_OK && (rc = yzf_iter_next(it, &e)) == 1) {
		rc = YZF_OK;
		if (memcmp(e.rec.feed, feed, YZF_KEY_LEN))
			continue;
		cJSON *j = cJSON_ParseWithLength((const char *)e.rec.body,
						 e.rec.body_len);
		const cJSON *doc = cJSON_GetObjectItemCaseSensitive(j, "doc");
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(doc, "seq");
		const cJSON *qr = cJSON_GetObjectItemCaseSensitive(j, "qr");
		if (cJSON_IsNumber(s) && (int64_t)s->valuedouble == seq)
			*printed = true;
		uint8_t both[YZF_QRPAY_MAX + YZF_SIG_LEN];
		size_t n;
		if (cJSON_IsString(qr) && strlen(qr->valuestring) > 4 &&
		    yzf_base45_decode(qr->valuestring + 4,
				      strlen(qr->valuestring) - 4, both,
				      sizeof both, &n) == YZF_OK)
			yzf_qrpay_chain(both, n, prev);
		cJSON_Delete(j);
	}
	yzf_iter_close(it);
	return rc < 0 ? rc : YZF_OK;
}

int yzf_print_prepare(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		      struct yzf_print_job *j)
{
	struct yzf_iter *it = NULL;
	struct yzf_entry e;
	struct yzf_query q = { .feed = feed, .from = j->seq };
	struct yzf_officer off[YZF_MAX_OFFICERS];
	size_t noff = 0;
	char msg[200];
	uint8_t prev[8];
	bool printed;
	int rc;
	if (j->seq < 1 || j->seq > UINT32_MAX)
		return yzf_fail(y, YZF_EINVAL, "print: seq %lld out of range",
				(long long)j->seq);
	if ((rc = yzf_officers(y, off, YZF_MAX_OFFICERS, &noff)))
		return rc;
	const struct yzf_cert *cert = NULL;
	for (size_t i = 0; i < noff && i < YZF_MAX_OFFICERS; i++)
		if (!memcmp(off[i].feed, feed, YZF_KEY_LEN) && off[i].has_cert)
			cert = &off[i].cert;
	if (!cert)
		return yzf_fail(y, YZF_ENOTFOUND, "print: the feed has no "
				"certificate on this terminal");
	if ((rc = prints_of(y, feed, j->seq, &printed, prev)))
		return rc;
	rc = yzf_iter_open(y, &q, &it);
	if (rc == YZF_OK && (rc = yzf_iter_next(it, &e)) == 0)
		rc = YZF_ENOTFOUND;
	if (rc == 1 && (e.rec.seq != j->seq || strcmp(e.rec.type, "doc.issue")))
		rc = YZF_ENOTFOUND;
	if (rc != 1) {
		yzf_iter_close(it);
		return yzf_fail(y, rc < 0 ? rc : YZF_ENOTFOUND, "print: seq %lld "
				"of this feed is not a doc.issue record",
				(long long)j->seq);
	}
	memcpy(j->id, e.id, YZF_ID_LEN);
	cJSON *b = cJSON_ParseWithLength((const char *)e.rec.body,
					 e.rec.body_len);
	const cJSON *dt = cJSON_GetObjectItemCaseSensitive(b, "doctype");
	const struct yzf_doctype *d = cJSON_IsString(dt)
		? yzf_catalog_doctype(j->cat, dt->valuestring) : NULL;
	cJSON_Delete(b);
	if (!d) {
		yzf_iter_close(it);
		return yzf_fail(y, YZF_ENOTFOUND, "print: seq %lld: its doctype "
				"is not in the catalogue held", (long long)j->seq);
	}
	rc = yzf_printdoc_parse(d, e.rec.body, e.rec.body_len, &j->doc,
				j->store, sizeof j->store, msg, sizeof msg);
	struct yzf_printdoc *doc = &j->doc;
	doc->issued_ms = e.rec.at_ms;
	doc->tz = e.rec.at_tz;
	yzf_iter_close(it);
	if (rc)
		return yzf_fail(y, rc, "print: seq %lld: %s", (long long)j->seq,
				msg);
	/* the signer's strings outlive off[]: keep them in the store */
	size_t used = 0; /* the field values lie one after the other */
	for (size_t i = 0; i < doc->nfields; i++)
		used += strlen(doc->fields[i].value) + 1;
	doc->agency = keep(j->store, sizeof j->store, &used, cert->agency);
	doc->officer_name = keep(j->store, sizeof j->store, &used, cert->name);
	doc->officer_no = keep(j->store, sizeof j->store, &used,
			       cert->officer_no);
	if (!doc->agency || !doc->officer_name || !doc->officer_no)
		return yzf_fail(y, YZF_ERANGE, "print: seq %lld: the document "
				"text is too long", (long long)j->seq);
	doc->reprint = printed;
	doc->flags = j->flags & (YZF_QR_REFUSED | YZF_QR_CASH);
	if ((doc->flags & YZF_QR_CASH) && !is_decision(doc->code))
		return yzf_fail(y, YZF_EINVAL, "print: cash: %s is not a decision "
				"with a fine to collect", doc->code);
	memcpy(doc->kid, feed, YZF_QRPAY_KID_LEN);
	doc->seq = (uint32_t)j->seq;
	/* measure: the text the QR's digest covers */
	uint32_t tw = j->text_width ? j->text_width : j->width;
	if (tw > j->width)
		return yzf_fail(y, YZF_EINVAL, "print: text width %u wider than "
				"the paper", (unsigned)tw);
	if ((rc = yzf_layout_init(&j->layout, j->font, tw, NULL, 0, j->text,
				  sizeof j->text)))
		return yzf_fail(y, rc, "print: text width %u", (unsigned)tw);
	yzf_print_compose(&j->layout, doc, NULL, 0);
	if ((rc = yzf_layout_finish(&j->layout)))
		return yzf_fail(y, rc, "print: seq %lld: the layout failed",
				(long long)j->seq);
	uint8_t pay[YZF_QRPAY_MAX];
	if ((rc = yzf_print_payload(doc, j->id, j->text, j->layout.text_len,
				    prev, &j->pay)) ||
	    (rc = yzf_qrpay_encode(&j->pay, pay, sizeof pay, &j->payload_len,
				   msg, sizeof msg)))
		return yzf_fail(y, rc, "print: seq %lld: QR payload: %s",
				(long long)j->seq, msg);
	if ((rc = yzf_qrpay_sign_feed(y, feed, pay, j->payload_len, j->qr,
				      sizeof j->qr, NULL)))
		return rc;
	if ((rc = yzf_layout_init(&j->layout, j->font, j->width, j->bits,
				  j->cap, NULL, 0)))
		return yzf_fail(y, rc, "print: width %u: 384, 512 or 576",
				(unsigned)j->width);
	if (j->text_width) /* native text: the printer draws the text */
		yzf_layout_qr(&j->layout, j->qr, yzf_print_module(j->width));
	else
		yzf_print_compose(&j->layout, doc, j->qr,
				  yzf_print_module(j->width));
	if ((rc = yzf_layout_finish(&j->layout)))
		return yzf_fail(y, rc, "print: seq %lld: the layout does not fit "
				"the raster", (long long)j->seq);
	return YZF_OK;
}

int yzf_print_log(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		  const struct yzf_print_job *j, const char *printer,
		  int copies, int64_t *seq)
{
	struct yzf_buf b = { 0 };
	char hex[2 * YZF_ID_LEN + 1], dg[33];
	sodium_bin2hex(hex, sizeof hex, j->id, YZF_ID_LEN);
	sodium_bin2hex(dg, sizeof dg, j->pay.digest, 16);
	yzf_buf_puts(&b, "{\"doc\":{\"seq\":");
	yzf_canon_put_int(&b, j->seq);
	yzf_buf_puts(&b, ",\"id\":\"");
	yzf_buf_puts(&b, hex);
	yzf_buf_puts(&b, "\"},\"doctype\":");
	yzf_canon_put_str(&b, j->doc.code, strlen(j->doc.code));
	yzf_buf_puts(&b, ",\"copies\":");
	yzf_canon_put_int(&b, copies);
	yzf_buf_puts(&b, ",\"printer\":");
	yzf_canon_put_str(&b, printer, strlen(printer));
	yzf_buf_puts(&b, ",\"width\":");
	yzf_canon_put_int(&b, j->width);
	yzf_buf_puts(&b, j->doc.reprint ? ",\"reprint\":true" :
		     ",\"reprint\":false");
	if (j->doc.flags & YZF_QR_REFUSED)
		yzf_buf_puts(&b, ",\"refused\":true");
	if (j->doc.flags & YZF_QR_CASH)
		yzf_buf_puts(&b, ",\"cash\":true");
	yzf_buf_puts(&b, ",\"digest\":\"");
	yzf_buf_puts(&b, dg);
	yzf_buf_puts(&b, "\",\"qr\":");
	yzf_canon_put_str(&b, j->qr, strlen(j->qr));
	yzf_buf_putc(&b, '}');
	char case_id[YZF_CASE_MAX] = "";
	struct yzf_iter *it = NULL;
	struct yzf_entry e;
	struct yzf_query q = { .feed = feed, .from = j->seq };
	if (yzf_iter_open(y, &q, &it) == YZF_OK && yzf_iter_next(it, &e) == 1)
		snprintf(case_id, sizeof case_id, "%s", e.rec.case_id);
	yzf_iter_close(it);
	struct yzf_append a = { .type = "doc.print", .case_id = case_id,
				.body = (const char *)b.p, .body_len = b.len };
	int rc = yzf_append(y, feed, &a, 1, seq);
	yzf_buf_free(&b);
	return rc;
}

int yzf_port_printer(struct yzf *y, const char *uri, const void *buf,
		     size_t n)
{
	const struct yzf_port *p = y->port;
	if (p->version < 2 || !p->printer_write)
		return yzf_fail(y, YZF_EPORT, "printer: this port has none");
	int rc = p->printer_write(p->ctx, uri, buf, n);
	if (rc)
		return yzf_fail(y, rc < 0 ? rc : YZF_EPORT, "printer %s: %s",
				uri && *uri ? uri : "(default)",
				rc == YZF_EIO ? "the write failed or came short: "
				"the paper may hold part of the document"
				: "not reachable");
	return YZF_OK;
}

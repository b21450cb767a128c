/* yzf print | preview | verify-qr: documents on paper with their signed
 * QR receipt, a PNG of exactly the raster the printer gets, and the
 * receipt checked offline against a roster. */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "rasterpng.h"

#define MAX_ROWS 30000 /* a document up to 3.7 m of paper */
#define DEFAULT_FONT "/usr/share/unifont/unifont.hex"

struct job {
	struct yzf_catalog *cat;
	char *font_hex;
	size_t font_len;
	struct yzf_font font;
	struct yzf_print_job *j;
	uint8_t feed[YZF_KEY_LEN];
};

static void job_free(struct job *b)
{
	yzf_catalog_close(b->cat);
	free(b->font_hex);
	if (b->j)
		free(b->j->bits);
	free(b->j);
}

static int width_of(struct cli *c, const char *who, uint32_t *w)
{
	const char *s = cli_opt(c, "width");
	*w = s ? (uint32_t)atoi(s) : 384;
	if (*w != 384 && *w != 512 && *w != 576) {
		fprintf(stderr, "yzf %s: --width 384 (58 mm), 512 or 576 "
			"(80 mm)\n", who);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* The font is data the program reads and hands to the core. */
static int font_of(struct cli *c, const char *who, struct job *b)
{
	const char *path = cli_opt(c, "font");
	if (!path)
		path = getenv("YZF_FONT");
	if (!path)
		path = DEFAULT_FONT;
	if (cli_read_file(path, &b->font_hex, &b->font_len)) {
		fprintf(stderr, "yzf %s: %s: %s (GNU Unifont .hex, Debian "
			"package unifont)\n", who, path, strerror(errno));
		return EXIT_NOTFOUND;
	}
	if (yzf_font_init(&b->font, b->font_hex, b->font_len)) {
		fprintf(stderr, "yzf %s: %s: line %zu: not a .hex font line "
			"(CODEPOINT:HEX, code points ascending)\n", who, path,
			b->font.bad_line);
		return EXIT_INPUT;
	}
	return EXIT_OK;
}

/* Open everything a job needs and lay out document DOC (a seq of the
 * officer's feed, as `yzf doc issue` prints it). */
static int prepare(struct cli *c, const char *who, struct job *b)
{
	const char *doc = cli_arg(c, 0);
	uint32_t width;
	int ec, rc;
	if (!doc || atoll(doc) < 1) {
		fprintf(stderr, "yzf %s: DOC is the seq `yzf doc issue` printed\n",
			who);
		return EXIT_USAGE;
	}
	if ((ec = width_of(c, who, &width)) || (ec = cli_open(c, false)) ||
	    (ec = cli_feed(c, b->feed)) || (ec = font_of(c, who, b)))
		return ec;
	if ((rc = yzf_catalog_open(c->y, &b->cat)))
		return cli_fail(c, rc, "the catalogue held");
	b->j = calloc(1, sizeof *b->j);
	if (!b->j || !(b->j->bits = malloc((size_t)width / 8 * MAX_ROWS)))
		return EXIT_SYSTEM;
	b->j->seq = atoll(doc);
	b->j->width = width;
	/* native text: the printer's 24-dot font holds 2/3 of what 16-dot
	 * Unifont does across the same paper */
	if (cli_flag(c, "native"))
		b->j->text_width = width * 2 / 3 / 8 * 8;
	b->j->flags = (uint8_t)((cli_flag(c, "refused") ? YZF_QR_REFUSED : 0) |
				(cli_flag(c, "cash") ? YZF_QR_CASH : 0));
	b->j->font = &b->font;
	b->j->cat = b->cat;
	b->j->cap = (size_t)width / 8 * MAX_ROWS;
	if ((rc = yzf_print_prepare(c->y, b->feed, b->j)))
		return cli_fail(c, rc, who);
	const struct yzf_layout *L = &b->j->layout;
	if (L->missing) {
		fprintf(stderr, "yzf %s: warning: %zu characters the font lacks "
			"print as boxes:", who, L->missing);
		for (size_t i = 0; i < L->missing && i < YZF_LAYOUT_MISSING_KEEP;
		     i++)
			fprintf(stderr, " U+%04lX",
				(unsigned long)L->missing_cp[i]);
		fprintf(stderr, "\n");
	}
	return EXIT_OK;
}

static void summary(const struct job *b)
{
	const struct yzf_print_job *j = b->j;
	printf("%s %s seq %lld%s: %u x %u dots, QR version %d at %u dots a "
	       "module, payload %zu bytes (%zu characters)\n", j->doc.code,
	       j->doc.title, (long long)j->seq, j->doc.reprint ? " (补打)" : "",
	       (unsigned)j->layout.r.width, (unsigned)j->layout.r.height,
	       j->layout.qr_version, (unsigned)j->layout.qr_module,
	       j->payload_len, strlen(j->qr));
}

int cmd_preview(struct cli *c)
{
	const char *png = cli_opt(c, "png"), *txt = cli_opt(c, "text");
	struct job b = { 0 };
	if (!png) {
		fprintf(stderr, "yzf preview DOC --png FILE [--width 384|512|576] "
			"[--text FILE]\n");
		return EXIT_USAGE;
	}
	int ec = prepare(c, "preview", &b);
	if (!ec && png_write_raster(png, &b.j->layout.r))
		ec = EXIT_SYSTEM;
	if (!ec && txt && cli_write_file(txt, b.j->qr, strlen(b.j->qr), 0644))
		ec = EXIT_SYSTEM;
	if (!ec)
		summary(&b);
	job_free(&b);
	return ec;
}

static int native_stream(const struct yzf_print_job *j,
			 const struct yzf_escpos_opts *o, struct yzf_buf *out,
			 size_t *outside);

int cmd_print(struct cli *c)
{
	const char *uri = cli_opt(c, "printer"), *cp = cli_opt(c, "copies"),
		   *band = cli_opt(c, "band");
	struct job b = { 0 };
	int copies = cp ? atoi(cp) : 1;
	if (copies < 1 || copies > 20) {
		fprintf(stderr, "yzf print DOC [--printer URI] [--copies 1..20] "
			"[--width 384|512|576] [--band ROWS] [--cut] [--refused] "
			"[--cash] [--native]\n");
		return EXIT_USAGE;
	}
	int ec = prepare(c, "print", &b);
	if (ec) {
		job_free(&b);
		return ec;
	}
	struct yzf_escpos_opts o = { .band_rows = band ? (uint32_t)atoi(band)
						       : 24,
				     .feed_lines = 4, .cut = cli_flag(c, "cut") };
	size_t n = yzf_escpos_size(&b.j->layout.r, &o), got = 0, outside = 0;
	struct yzf_buf nat = { 0 };
	uint8_t *s = NULL;
	int rc;
	if (b.j->text_width) {
		rc = native_stream(b.j, &o, &nat, &outside);
		if (rc == YZF_OK && nat.oom)
			rc = YZF_ENOMEM;
		s = nat.p;
		got = nat.len;
		nat.p = NULL;
		if (outside)
			fprintf(stderr, "yzf print: warning: %zu characters outside "
				"GBK: the printer's font may lack them (print "
				"without --native)\n", outside);
	} else {
		s = malloc(n);
		rc = s ? yzf_escpos_encode(&b.j->layout.r, &o, s, n, &got)
		       : YZF_ENOMEM;
	}
	yzf_buf_free(&nat);
	int64_t seq = 0;
	/* each copy whole, one after the other: a printer that fails
	 * mid-way is reported and the print is not recorded */
	for (int k = 0; rc == YZF_OK && k < copies; k++)
		rc = yzf_port_printer(c->y, uri, s, got);
	if (rc == YZF_OK)
		rc = yzf_print_log(c->y, b.feed, b.j, uri && *uri ? uri
				   : "(default)", copies, &seq);
	if (rc) {
		ec = cli_fail(c, rc, "print");
	} else {
		summary(&b);
		printf("sent %zu bytes x %d to %s; doc.print seq %lld\n", got,
		       copies, uri && *uri ? uri : "the default printer",
		       (long long)seq);
	}
	free(s);
	job_free(&b);
	return ec;
}

/* Native text mode: the lines in GB18030 between FS & and FS . (the
 * printer's Chinese font), the QR as raster bands, then its caption.
 * *outside receives the characters outside GBK (4-byte GB18030), which
 * many printers' fonts lack. */
static int native_stream(const struct yzf_print_job *j,
			 const struct yzf_escpos_opts *o, struct yzf_buf *out,
			 size_t *outside)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	const char *t = j->text, *last = t;
	struct yzf_escpos_opts bands = { .band_rows = o->band_rows };
	if (cd == (iconv_t)-1)
		return YZF_EPORT;
	*outside = 0;
	for (const char *l = t; *l; l = strchr(l, '\n') + 1)
		last = l; /* every line ends in '\n' */
	yzf_buf_put(out, "\x1b@\x1c&", 4);
	for (const char *l = t; *l;) {
		const char *nl = strchr(l, '\n');
		char gb[2048], *in = (char *)l, *o2 = gb;
		size_t il = (size_t)(nl - l), ol = sizeof gb;
		if (l == last) {
			/* the QR goes before its caption */
			size_t n = yzf_escpos_size(&j->layout.r, &bands), got;
			uint8_t *r = malloc(n);
			if (!r || yzf_escpos_encode(&j->layout.r, &bands, r, n,
						    &got)) {
				free(r);
				iconv_close(cd);
				return YZF_ENOMEM;
			}
			yzf_buf_put(out, "\x1c.", 2);
			yzf_buf_put(out, r + 2, got - 2); /* without its ESC @ */
			yzf_buf_put(out, "\x1c&", 2);
			free(r);
		}
		iconv(cd, NULL, NULL, NULL, NULL);
		if (iconv(cd, &in, &il, &o2, &ol) == (size_t)-1) {
			iconv_close(cd);
			return YZF_EINVAL;
		}
		for (const unsigned char *p = (const unsigned char *)gb;
		     p < (const unsigned char *)o2;)
			if (*p < 0x80) {
				p++;
			} else if (p + 1 < (const unsigned char *)o2 &&
				   p[1] >= 0x30 && p[1] <= 0x39) {
				(*outside)++;
				p += 4;
			} else {
				p += 2;
			}
		yzf_buf_put(out, gb, (size_t)(o2 - gb));
		yzf_buf_putc(out, '\n');
		l = nl + 1;
	}
	yzf_buf_put(out, "\x1c.", 2);
	if (o->feed_lines) {
		uint8_t f[3] = { 0x1b, 'd', o->feed_lines };
		yzf_buf_put(out, f, 3);
	}
	if (o->cut)
		yzf_buf_put(out, "\x1dV\x42\x00", 4);
	iconv_close(cd);
	return YZF_OK;
}

/* zbarimg --raw -q FILE, as a subprocess (no shell): its lines. */
static int scan_png(const char *path, char *out, size_t cap)
{
	int fd[2];
	if (pipe(fd))
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* its chatter (D-Bus, warnings) is not ours: a failure is
		 * reported by the caller as "no QR code found" */
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, 2);
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execlp("zbarimg", "zbarimg", "--raw", "-q", path, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	size_t n = 0;
	ssize_t r;
	while (n + 1 < cap && (r = read(fd[0], out + n, cap - 1 - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		n += (size_t)r;
	}
	out[n] = '\0';
	close(fd[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static const char *const relation_names[] = {
	"受送达人本人", "同住成年家属", "法定代表人", "代理人", "指定代收人",
	"单位收发部门",
};
static const char *const method_names[] = {
	"?", "直接送达", "留置送达", "委托送达", "邮寄送达", "公告送达", "电子送达",
};

static void show_verdict(struct cli *c, const struct yzf_qr_verdict *v,
			 int rc)
{
	const struct yzf_qrpay *p = &v->p;
	char t[YZF_TIME_LEN + 1], kid[17];
	if (c->json) {
		printf("{\"ok\":%s,\"reason\":\"%s\",\"roster_at\":%lld,"
		       "\"roster_age_ms\":%lld}\n", rc ? "false" : "true",
		       yzf_qrpay_reason_name(v->reason),
		       (long long)v->roster_at_ms, (long long)v->roster_age_ms);
		return;
	}
	printf("%s: %s\n", rc ? "REFUSED" : "GENUINE", v->why);
	if (v->signer) { /* facts only once the signature verified */
		const char *code = yzf_qrpay_kind_code(p->kind);
		cli_hex(p->kid, 8, kid);
		printf("  document  %s, key %s seq %lu\n", code ? code : "other",
		       kid, (unsigned long)p->seq);
		yzf_time_fmt((int64_t)p->issued * 1000, 480, t);
		printf("  issued    %s\n", t);
		if (p->year)
			printf("  number    %s〔%u〕%lu号\n", code ? code : "",
			       (unsigned)p->year, (unsigned long)p->serial);
		if (p->kind == YZF_QR_DCCFJD || p->kind == YZF_QR_CFJD) {
			char cap[128] = "";
			yzf_amount_capitals(p->amount_fen, cap, sizeof cap);
			printf("  amount    ¥%lu.%02lu (%s), penalty kind %u\n",
			       (unsigned long)(p->amount_fen / 100),
			       (unsigned long)(p->amount_fen % 100), cap,
			       (unsigned)p->penalty);
		}
		if (p->kind == YZF_QR_SDHZ) {
			const char *rc2 = yzf_qrpay_kind_code(p->ref_kind);
			printf("  served    %s〔%u〕%lu号 by %s, signed by %s\n",
			       rc2 ? rc2 : "?", (unsigned)p->ref_year,
			       (unsigned long)p->ref_serial,
			       p->method <= 6 ? method_names[p->method] : "?",
			       p->relation <= 5 ? relation_names[p->relation]
						: "?");
		}
		printf("  party     %s\n", p->party_len ? p->party : "-");
		char prev[17];
		cli_hex(p->prev, 8, prev);
		printf("  chain     %s (the signer's previous receipt)\n", prev);
		printf("  flags    %s%s%s%s%s%s\n", p->flags ? "" : " -",
		       p->flags & YZF_QR_REFUSED ? " refused-to-sign" : "",
		       p->flags & YZF_QR_CASH ? " cash-collected" : "",
		       p->flags & YZF_QR_REPRINT ? " reprint(补打)" : "",
		       p->flags & YZF_QR_LEFT ? " left(留置)" : "",
		       p->flags & YZF_QR_ELECTRONIC ? " electronic" : "");
		for (int k = 0; k < 2; k++)
			if (v->officer[k])
				printf("  officer   %s %s (%s)\n",
				       v->officer[k]->name,
				       v->officer[k]->officer_no,
				       v->officer[k]->agency);
			else if (p->officer[k])
				printf("  officer   tag %08lx: not in the roster\n",
				       (unsigned long)p->officer[k]);
	}
	yzf_time_fmt(v->roster_at_ms, 480, t);
	printf("  roster    signed %s, %lld days old\n", t,
	       (long long)(v->roster_age_ms / 86400000));
}

int cmd_verify_qr(struct cli *c)
{
	const char *text = cli_arg(c, 0), *png = cli_opt(c, "png"),
		   *rpath = cli_opt(c, "roster"), *tpath = cli_opt(c, "trust"),
		   *now = cli_opt(c, "now");
	char *rtext = NULL, *ttext = NULL, scanned[4096];
	size_t rlen, tlen;
	uint8_t root[YZF_KEY_LEN];
	int ec = EXIT_OK;
	if ((!text == !png) || !rpath) {
		fprintf(stderr, "yzf verify-qr TEXT|--png FILE --roster FILE "
			"[--trust FILE] [--now TIME]\n");
		return EXIT_USAGE;
	}
	struct yzf_roster *r = malloc(sizeof *r);
	if (!r)
		return EXIT_SYSTEM;
	if (cli_read_file(rpath, &rtext, &rlen)) {
		fprintf(stderr, "yzf verify-qr: %s: %s\n", rpath, strerror(errno));
		free(r);
		return EXIT_NOTFOUND;
	}
	/* the root a verifier pins: the trust bundle's first line */
	if (tpath) {
		struct yzf_signed_cert sc;
		struct yzf_canon_err e;
		if (cli_read_file(tpath, &ttext, &tlen)) {
			ec = EXIT_NOTFOUND;
			goto out;
		}
		char *nl = memchr(ttext, '\n', tlen);
		if (!nl || yzf_cert_unline((const uint8_t *)ttext,
					   (size_t)(nl - ttext), &sc, &e)) {
			fprintf(stderr, "yzf verify-qr: %s: not a trust bundle\n",
				tpath);
			ec = EXIT_INPUT;
			goto out;
		}
		memcpy(root, sc.c.key, YZF_KEY_LEN);
	}
	char msg[256];
	int rc = yzf_roster_parse((const uint8_t *)rtext, rlen,
				  tpath ? root : NULL, r, msg, sizeof msg);
	if (rc) {
		fprintf(stderr, "yzf verify-qr: %s: %s\n", rpath, msg);
		ec = EXIT_VERIFY;
		goto out;
	}
	if (!tpath)
		fprintf(stderr, "yzf verify-qr: warning: no --trust: the roster's "
			"own root is taken as it is\n");
	int64_t now_ms;
	int32_t tz;
	if (now ? !yzf_time_parse(now, strlen(now), &now_ms, &tz)
		: (now_ms = (int64_t)time(NULL) * 1000, false)) {
		fprintf(stderr, "yzf verify-qr: --now: a time like "
			"2026-11-27T09:00:00.000+08:00\n");
		ec = EXIT_USAGE;
		goto out;
	}
	if (png) {
		if (scan_png(png, scanned, sizeof scanned)) {
			fprintf(stderr, "yzf verify-qr: %s: no QR code found "
				"(zbarimg, Debian zbar-tools)\n", png);
			ec = EXIT_NOTFOUND;
			goto out;
		}
		text = scanned;
	}
	/* every code found (zbarimg prints one a line) */
	size_t found = 0;
	for (const char *s = text; *s;) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		if (n) {
			struct yzf_qr_verdict v;
			rc = yzf_qrpay_verify(s, n, r, now_ms, &v);
			show_verdict(c, &v, rc);
			if (rc)
				ec = EXIT_VERIFY;
			found++;
		}
		s += n + (nl ? 1 : 0);
	}
	if (!found) {
		fprintf(stderr, "yzf verify-qr: no text\n");
		ec = EXIT_USAGE;
	}
out:
	free(rtext);
	free(ttext);
	free(r);
	return ec;
}

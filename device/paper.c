/* yzf paper: work that went to paper and its backfill within 3 working
 * days (yzf/paper.h, 平台办法第二十二条). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void doc_line(const struct yzf_paper_doc *d, const char *indent)
{
	char act[32], due[40] = "unknown (no calendar held: sync)", entered[32];
	char fh[17];
	cli_time(d->act_ms, 480, act);
	if (d->due_known) {
		yzf_date_fmt(d->due.date, due);
		strcat(due, " 24:00");
	}
	printf("%s%-8s %lld No. %-6lld act %s  due %s%s  ", indent, d->doctype,
	       (long long)d->year, (long long)d->no, act, due,
	       d->due_known && d->due.provisional ? " (provisional)" : "");
	if (d->backfilled) {
		cli_time(d->entered_ms, 480, entered);
		cli_hex(d->feed, 8, fh);
		printf("entered %s by %s seq %lld", entered, fh,
		       (long long)d->seq);
		if (d->late)
			printf("  LATE by %lld working days", (long long)d->late_wd);
		else
			printf("  in time");
	} else {
		if (d->late)
			printf("TO ENTER: OVERDUE by %lld working days",
			       (long long)d->late_wd);
		else
			printf("to enter");
	}
	if (d->entries > 1)
		printf("  ENTERED %zu TIMES", d->entries);
	if (!d->registered)
		printf("  (serial not registered here)");
	printf("  [%s]\n", d->episode);
}

/* The calendar held and the documents, judged now. */
static int load(struct cli *c, struct yzf_calendar **cal,
		struct yzf_paper_doc **docs, size_t *n)
{
	int64_t now;
	int rc = yzf_refdata_calendar(c->y, cal);
	if (!rc)
		rc = cli_now(c, &now);
	if (!rc)
		rc = yzf_paper_docs(c->y, *cal, now, docs, n);
	return rc;
}

size_t paper_reminders(struct cli *c, const char *indent)
{
	struct yzf_calendar *cal = NULL;
	struct yzf_paper_doc *docs = NULL;
	size_t n = 0, pending = 0;
	if (load(c, &cal, &docs, &n) == YZF_OK) {
		for (size_t i = 0; i < n; i++)
			pending += !docs[i].backfilled;
		if (pending)
			printf("%sREMINDER: %zu paper document%s to enter into the "
			       "platform within %d working days of the act "
			       "(平台办法第二十二条):\n", indent, pending,
			       pending == 1 ? "" : "s", YZF_PAPER_BACKFILL_WD);
		for (size_t i = 0; i < n && !docs[i].backfilled; i++)
			doc_line(&docs[i], indent);
	}
	free(docs);
	yzf_calendar_destroy(cal);
	return pending;
}

static int list(struct cli *c)
{
	struct yzf_calendar *cal = NULL;
	struct yzf_paper_doc *docs = NULL;
	size_t n = 0;
	bool pending_only = cli_flag(c, "pending");
	int rc = load(c, &cal, &docs, &n), late = 0;
	if (rc) {
		yzf_calendar_destroy(cal);
		return cli_fail(c, rc, "paper list");
	}
	for (size_t i = 0; i < n; i++) {
		if (pending_only && docs[i].backfilled)
			continue;
		doc_line(&docs[i], "");
		late += docs[i].late;
	}
	if (!n)
		printf("no paper documents\n");
	free(docs);
	yzf_calendar_destroy(cal);
	return late ? EXIT_VERIFY : EXIT_OK;
}

static int start(struct cli *c, const uint8_t feed[YZF_KEY_LEN])
{
	char ep[YZF_PAPER_EPISODE_MAX];
	int64_t seq;
	int rc = yzf_paper_start(c->y, feed, cli_opt(c, "ground"),
				 cli_opt(c, "text"), cli_opt(c, "place"), ep,
				 &seq);
	if (rc)
		return cli_fail(c, rc, "paper start");
	printf("paper episode %s started, seq %lld: enter each document within "
	       "%d working days of its act\n", ep, (long long)seq,
	       YZF_PAPER_BACKFILL_WD);
	return EXIT_OK;
}

static int end(struct cli *c, const uint8_t feed[YZF_KEY_LEN])
{
	const char *file = cli_opt(c, "docs");
	char ep[YZF_PAPER_EPISODE_MAX], *docs = NULL;
	size_t len = 0;
	int64_t seq;
	if (file && cli_read_file(file, &docs, &len)) {
		perror(file);
		return EXIT_NOTFOUND;
	}
	int rc = yzf_paper_end(c->y, feed, docs, len, ep, &seq);
	free(docs);
	if (rc)
		return cli_fail(c, rc, "paper end");
	printf("paper episode %s ended, seq %lld\n", ep, (long long)seq);
	return EXIT_OK;
}

static int backfill(struct cli *c, const uint8_t feed[YZF_KEY_LEN])
{
	const char *file = cli_opt(c, "file");
	char *body, warn[600];
	size_t len;
	int64_t seq;
	struct yzf_paper_doc d;
	struct yzf_calendar *cal = NULL;
	if (cli_read_file(file ? file : "-", &body, &len)) {
		perror(file ? file : "stdin");
		return EXIT_NOTFOUND;
	}
	int rc = yzf_refdata_calendar(c->y, &cal);
	if (!rc)
		rc = yzf_paper_backfill(c->y, feed, cal, body, len, warn,
					sizeof warn, &seq, &d);
	free(body);
	yzf_calendar_destroy(cal);
	if (rc)
		return cli_fail(c, rc, "paper backfill");
	printf("paper.backfill seq %lld: ", (long long)seq);
	doc_line(&d, "");
	if (warn[0])
		fprintf(stderr, "yzf paper: flagged: %s\n", warn);
	return EXIT_OK;
}

int cmd_paper(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	uint8_t feed[YZF_KEY_LEN];
	static const char usage[] =
		"yzf paper start --ground no_network|platform_failure|"
		"devices_forbidden|other [--text T] [--place P]\n"
		"          end [--docs FILE]   (JSON array of {doctype, serial, at})\n"
		"          backfill [--file F] (paper.backfill JSON, stdin)\n"
		"          list [--pending]\n";
	if (!sub) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	int ec = cli_open(c, false);
	if (ec)
		return ec;
	if (!strcmp(sub, "list"))
		return list(c);
	if ((ec = cli_feed(c, feed)))
		return ec;
	if (!strcmp(sub, "start"))
		return start(c, feed);
	if (!strcmp(sub, "end"))
		return end(c, feed);
	if (!strcmp(sub, "backfill"))
		return backfill(c, feed);
	fputs(usage, stderr);
	return EXIT_USAGE;
}

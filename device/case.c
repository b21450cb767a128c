/* yzf case: cases as the fold of their records (yzf/case.h). Every step
 * goes through the legal guards before it is written; refusals cite the
 * article. */
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"


static const char *const kinds[] = { "-", "INSPECTION", "PENALTY_SIMPLE",
				     "PENALTY_ORDINARY", "COERCIVE_MEASURE" };

static int env_open(struct cli *c, struct yzf_case_env **env)
{
	const char *h = cli_opt(c, "hearing-yuan");
	int64_t fen = h ? (int64_t)atoll(h) * 100 : YZF_CASE_HEARING_FEN_DEFAULT;
	int rc = yzf_case_env_open(c->y, fen, env);
	return rc ? cli_fail(c, rc, "case: the catalogue and calendar held")
		  : EXIT_OK;
}

/* A deadline: INT64_MAX is one the calendar held could not tell. */
static void when(int64_t ms, char out[40])
{
	if (ms == INT64_MAX)
		snprintf(out, 40, "unknown (no calendar held: sync)");
	else if (ms)
		cli_time(ms, 480, out);
	else
		snprintf(out, 40, "-");
}

static const char *const flag_names[] = {
	"CONFLICT (two decisions, both kept)",
	"DISPROPORTION (过罚不当: fine outside its benchmark tier)",
	"NO_COSIGN (行政处罚法第四十二条: no second officer)",
	"LATE_SERVICE (行政处罚法第六十一条)",
	"OVERDUE (行政处罚法第六十条: no decision within 90 days)",
	"MEASURE_EXPIRED (行政强制法第二十五条)",
	"IRREGULAR", "FULL", "BAD_RECORD",
	"RECORDING_GAP (查封/扣押 not recorded whole: 全过程记录)",
	"PAY_OVERDUE (行政处罚法第六十七条、第七十二条: unpaid, 3% a day)",
};

static void show_text(const char *id, const struct yzf_case *s)
{
	char t[40], f[20];
	printf("case     %s\nkind     %s\nmatter   %s\nparty    %s %s (%s)\n",
	       id, kinds[s->kind], s->matter, s->party_kind, s->party_name,
	       s->party_id);
	printf("stage    %s%s\n", s->opened ? yzf_case_step_name(s->stage) : "-",
	       s->closed ? " (closed)" : "");
	for (size_t i = 0; i < s->nsteps; i++) {
		const struct yzf_case_taken *k = &s->steps[i];
		cli_time(k->at_ms, 480, t);
		cli_hex(k->feed, 8, f);
		printf("  %s  %-20s feed %s seq %lld%s%s\n", t,
		       yzf_case_step_name(k->step), f, (long long)k->seq,
		       k->cosigned ? "  cosigned" : "",
		       k->irregular ? "  IRREGULAR" : "");
	}
	for (size_t i = 0; i < s->ndecisions; i++)
		printf("decision %s %lld.%02lld yuan, tier %s%s%s\n",
		       s->decisions[i].penalty,
		       (long long)(s->decisions[i].amount_fen / 100),
		       (long long)(s->decisions[i].amount_fen % 100),
		       s->decisions[i].tier[0] ? s->decisions[i].tier : "-",
		       s->decisions[i].outside_tier ? ", outside: " : "",
		       s->decisions[i].outside_tier ? s->decisions[i].reason
						    : "");
	const int64_t due[5] = { s->hearing_until_ms, s->decide_by_ms,
				 s->serve_by_ms, s->measure_until_ms,
				 s->pay_by_ms };
	static const char *const label[5] = { "hearing request window ends",
					       "decide by    ", "serve by     ",
					       "measure until", "pay by       " };
	for (int k = 0; k < 5; k++) {
		when(due[k], t);
		printf("%s  %s%s\n", label[k], t,
		       s->provisional & (1u << k)
			       ? "  PROVISIONAL: past the calendar's last "
				 "notice"
			       : "");
	}
	if (s->calendar_version)
		printf("calendar       version %lld\n",
		       (long long)s->calendar_version);
	for (unsigned b = 0; b < sizeof flag_names / sizeof *flag_names; b++)
		if (s->flags & (1u << b))
			printf("FLAG     %s\n", flag_names[b]);
	if (s->irregular[0])
		printf("first irregular step: %s\n", s->irregular);
	if (s->flags & YZF_CASE_F_RECORDING_GAP)
		printf("RECORDING DEFECT: %s\n", s->defect);
	for (size_t i = 0; i < s->nevidence; i++) {
		static const char *const st[] = { "not reviewed", "passed",
						  "FAILED review" };
		char h[17];
		cli_hex(s->evidence[i].hash, 8, h);
		printf("evidence %s  %s\n", h,
		       s->evidence[i].state >= 0 && s->evidence[i].state <= 2
			       ? st[s->evidence[i].state] : "?");
	}
	printf("next     ");
	for (int k = 0; k < YZF_STEP_COUNT; k++)
		if (s->next & (1u << k))
			printf("%s ", yzf_case_step_name((enum yzf_case_step)k));
	printf("\n");
}

static int show(struct cli *c, const struct yzf_case_ctx *ctx)
{
	const char *id = cli_arg(c, 1);
	struct yzf_case s;
	int64_t now;
	if (!id) {
		fprintf(stderr, "yzf case show CASE-ID\n");
		return EXIT_USAGE;
	}
	int rc = cli_now(c, &now);
	if (!rc)
		rc = yzf_case_load(c->y, id, ctx, now, &s);
	if (rc)
		return cli_fail(c, rc, "case show");
	if (!s.opened && s.nsteps == 0) {
		fprintf(stderr, "yzf case show: no case %s here\n", id);
		return EXIT_NOTFOUND;
	}
	if (c->json) {
		struct yzf_buf b = { 0 };
		if ((rc = yzf_case_dump(&s, &b)) == YZF_OK)
			printf("%.*s\n", (int)b.len, (const char *)b.p);
		yzf_buf_free(&b);
		if (rc)
			return cli_fail(c, rc, "case show");
	} else {
		show_text(id, &s);
	}
	return s.flags ? EXIT_VERIFY : EXIT_OK;
}

/* Append one step through the guards; prints where it went. */
static int write_step(struct cli *c, const struct yzf_case_ctx *ctx,
		      const uint8_t feed[YZF_KEY_LEN], const char *id,
		      const char *type, const char *body, size_t len)
{
	char warn[YZF_CASE_MSG_MAX];
	int64_t seq;
	int rc = yzf_case_append(c->y, feed, id, type, body, len, NULL, ctx,
				 warn, sizeof warn, &seq);
	if (rc)
		return cli_fail(c, rc, "case");
	if (warn[0])
		fprintf(stderr, "yzf case: flagged: %s\n", warn);
	printf("%s seq %lld case %s\n", type, (long long)seq, id);
	return EXIT_OK;
}

/* case new: case.open with a fresh case id; case step TYPE: any step. */
static int step(struct cli *c, const struct yzf_case_ctx *ctx, bool open)
{
	const char *type = open ? "case.open" : cli_arg(c, 1),
		   *id = cli_opt(c, "case"), *file = cli_opt(c, "file");
	uint8_t feed[YZF_KEY_LEN];
	char *body, newid[48];
	size_t len;
	if (!type || (!open && !id)) {
		fprintf(stderr, "yzf case step case.TYPE --case ID (body JSON on "
			"stdin or --file)\n");
		return EXIT_USAGE;
	}
	int ec = cli_feed(c, feed);
	if (ec)
		return ec;
	if (!id) {
		uint8_t r[6];
		char hex[13];
		int64_t now;
		char t[32];
		randombytes_buf(r, sizeof r);
		cli_hex(r, sizeof r, hex);
		cli_now(c, &now);
		cli_time(now, 480, t);
		snprintf(newid, sizeof newid, "C-%.4s%.2s%.2s-%s", t, t + 5, t + 8,
			 hex);
		id = newid;
	}
	if (cli_read_file(file ? file : "-", &body, &len)) {
		perror(file ? file : "stdin");
		return EXIT_NOTFOUND;
	}
	ec = write_step(c, ctx, feed, id, type, body, len);
	free(body);
	return ec;
}

/* case cosign: the second officer co-signs the decision or measure of
 * the case another feed signed and nobody has co-signed yet (行政处罚法
 * 第四十二条); --seq (and --feed) pick one when there are several. */
static int cosign(struct cli *c, const struct yzf_case_ctx *ctx)
{
	const char *id = cli_opt(c, "case"), *want_seq = cli_opt(c, "seq"),
		   *want_feed = cli_opt(c, "feed");
	uint8_t feed[YZF_KEY_LEN];
	struct yzf_case *s = NULL;
	const struct yzf_case_taken *pick = NULL;
	int64_t now;
	size_t found = 0;
	char fh[2 * YZF_KEY_LEN + 1], body[160];
	if (!id) {
		fprintf(stderr, "yzf case cosign --case ID [--seq N [--feed "
			"HEX]]\n");
		return EXIT_USAGE;
	}
	int ec = cli_feed(c, feed);
	if (ec)
		return ec;
	if (!(s = malloc(sizeof *s)))
		return cli_fail(c, YZF_ENOMEM, "case cosign");
	int rc = cli_now(c, &now);
	if (!rc)
		rc = yzf_case_load(c->y, id, ctx, now, s);
	if (rc) {
		free(s);
		return cli_fail(c, rc, "case cosign");
	}
	for (size_t i = 0; i < s->nsteps; i++) {
		const struct yzf_case_taken *k = &s->steps[i];
		if ((k->step != YZF_STEP_DECIDE && k->step != YZF_STEP_MEASURE) ||
		    k->cosigned || !memcmp(k->feed, feed, YZF_KEY_LEN))
			continue;
		cli_hex(k->feed, YZF_KEY_LEN, fh);
		if ((want_seq && atoll(want_seq) != k->seq) ||
		    (want_feed && strcmp(want_feed, fh) != 0))
			continue;
		if (found++ == 0)
			pick = k;
	}
	if (found != 1) {
		if (found)
			fprintf(stderr, "yzf case cosign: %zu steps of case %s "
				"await a co-signature: name one with --seq and "
				"--feed\n", found, id);
		else
			fprintf(stderr, "yzf case cosign: nothing in case %s "
				"awaits a co-signature from this officer\n", id);
		for (size_t i = 0; found && i < s->nsteps; i++) {
			const struct yzf_case_taken *k = &s->steps[i];
			if ((k->step == YZF_STEP_DECIDE ||
			     k->step == YZF_STEP_MEASURE) && !k->cosigned &&
			    memcmp(k->feed, feed, YZF_KEY_LEN) != 0) {
				cli_hex(k->feed, YZF_KEY_LEN, fh);
				fprintf(stderr, "  %s seq %lld feed %s\n",
					yzf_case_step_name(k->step),
					(long long)k->seq, fh);
			}
		}
		free(s);
		return found ? EXIT_USAGE : EXIT_NOTFOUND;
	}
	cli_hex(pick->feed, YZF_KEY_LEN, fh);
	snprintf(body, sizeof body, "{\"feed\":\"%s\",\"seq\":%lld}", fh,
		 (long long)pick->seq);
	free(s);
	return write_step(c, ctx, feed, id, "case.cosign", body, strlen(body));
}

/* Every case held, with its stage and the next deadline; --overdue only
 * those past one. */
static int list(struct cli *c, const struct yzf_case_ctx *ctx, bool deadlines)
{
	char (*ids)[YZF_CASE_ID_MAX] = NULL, t[40];
	struct yzf_case s;
	int64_t now;
	size_t n = 0;
	bool overdue_only = cli_flag(c, "overdue");
	int rc = cli_now(c, &now), ec = EXIT_OK;
	if (!rc)
		rc = yzf_case_ids(c->y, &ids, &n);
	for (size_t i = 0; !rc && i < n; i++) {
		const char *id = ids[i];
		if ((rc = yzf_case_load(c->y, id, ctx, now, &s)))
			break;
		int64_t due[5] = { s.hearing_until_ms, s.decide_by_ms,
				   s.serve_by_ms, s.measure_until_ms,
				   s.pay_by_ms };
		static const char *const what[5] = { "hearing request window",
						     "decision", "service",
						     "measure term", "payment" };
		bool done[5] = { s.hearing_requested || s.decided_ms,
				 s.decided_ms != 0, s.served_ms != 0,
				 s.measure_released,
				 s.ndecisions &&
					 s.paid_fen >= s.decisions[0].amount_fen };
		int next = -1;
		for (int k = 0; k < 5; k++)
			if (due[k] && !done[k] && !s.closed &&
			    (next < 0 || due[k] < due[next]))
				next = k;
		bool late = next >= 0 && due[next] < now;
		if (next >= 0 && due[next] == INT64_MAX)
			next = -1; /* unknown without a calendar */
		if (overdue_only && !late)
			continue;
		if (late)
			ec = EXIT_VERIFY;
		if (next >= 0)
			cli_time(due[next], 480, t);
		printf("%-28s %-18s %-18s %s%s%s\n", id, kinds[s.kind],
		       s.opened ? yzf_case_step_name(s.stage) : "-",
		       next >= 0 ? what[next] : (deadlines ? "no deadline" : ""),
		       next >= 0 ? (late ? " OVERDUE since " : " by ") : "",
		       next >= 0 ? t : "");
	}
	free(ids);
	return rc ? cli_fail(c, rc, "case list") : ec;
}

int cmd_case(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	struct yzf_case_env *env = NULL;
	if (!sub) {
		fprintf(stderr, "yzf case new|step|cosign|show|list|deadlines\n");
		return EXIT_USAGE;
	}
	int ec = cli_open(c, false);
	if (!ec)
		ec = env_open(c, &env);
	if (ec)
		return ec;
	const struct yzf_case_ctx *ctx = yzf_case_env_ctx(env);
	if (!strcmp(sub, "new"))
		ec = step(c, ctx, true);
	else if (!strcmp(sub, "step"))
		ec = step(c, ctx, false);
	else if (!strcmp(sub, "cosign"))
		ec = cosign(c, ctx);
	else if (!strcmp(sub, "show"))
		ec = show(c, ctx);
	else if (!strcmp(sub, "list"))
		ec = list(c, ctx, false);
	else if (!strcmp(sub, "deadlines"))
		ec = list(c, ctx, true);
	else {
		fprintf(stderr, "yzf case new|step|cosign|show|list|deadlines\n");
		ec = EXIT_USAGE;
	}
	yzf_case_env_close(env);
	return ec;
}

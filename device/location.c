/* yzf location: the location lock (yzf/loclock.h, 平台办法第二十一条). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void flags_text(unsigned f, char *out, size_t cap)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ YZF_LOCF_NOFIX, "NO FIX" }, { YZF_LOCF_STALE, "STALE" },
		{ YZF_LOCF_COARSE, "COARSE" }, { YZF_LOCF_OFF, "OFF" },
		{ YZF_LOCF_UNAPPROVED, "UNAPPROVED" }, { YZF_LOCF_JUMP, "JUMP" },
	};
	size_t w = 0;
	out[0] = 0;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if ((f & names[i].bit) && w < cap)
			w += (size_t)snprintf(out + w, cap - w, "%s%s",
					      w ? " " : "", names[i].name);
}

struct log_ctx {
	size_t flagged;
};

static int log_one(void *p, const struct yzf_loc_judged *r)
{
	struct log_ctx *lc = p;
	char t[32], f[96], where[96];
	cli_time(r->at_ms, 480, t);
	flags_text(r->flags, f, sizeof f);
	if (r->loc.fix)
		snprintf(where, sizeof where, "%s %.7f,%.7f ±%lldm %llds old",
			 r->loc.src, (double)r->loc.lat / 1e7,
			 (double)r->loc.lon / 1e7,
			 (long long)(r->loc.acc_cm / 100),
			 (long long)(r->loc.age_ms / 1000));
	else
		snprintf(where, sizeof where, "none: %s", r->loc.none);
	printf("#%-5lld %s  %-18s %-48s %s", (long long)r->seq, t, r->type,
	       where, f);
	if (r->flags & YZF_LOCF_JUMP)
		printf(" (%lld km/h)", (long long)(r->speed_mm_s * 36 / 10000));
	printf("\n");
	lc->flagged += r->flags != 0;
	return 0;
}

static int status(struct cli *c, const uint8_t feed[YZF_KEY_LEN])
{
	struct yzf_loclock_state st;
	int64_t now;
	char t[32], fh[17];
	int rc = cli_now(c, &now);
	if (!rc)
		rc = yzf_loclock_state(c->y, feed, now, &st);
	if (rc)
		return cli_fail(c, rc, "location status");
	if (!st.off) {
		printf("location on\n");
	} else {
		cli_time(st.off_ms, 480, t);
		printf("location OFF since %s (loc.off seq %lld)\n", t,
		       (long long)st.off_seq);
	}
	if (st.approved) {
		cli_hex(st.ap_feed, 8, fh);
		cli_time(st.ap_until_ms, 480, t);
		printf("approval in force: loc.approve %s seq %lld, until %s\n",
		       fh, (long long)st.ap_seq, t);
	} else if (st.off) {
		printf("NO APPROVAL in force: records made now are flagged "
		       "(平台办法第二十一条)\n");
	}
	return EXIT_OK;
}

static int time_opt(struct cli *c, const char *name, int64_t dflt,
		    int64_t *ms)
{
	const char *s = cli_opt(c, name);
	int32_t tz;
	*ms = dflt;
	if (s && !yzf_time_parse(s, strlen(s), ms, &tz)) {
		fprintf(stderr, "yzf location: --%s: not a time like "
			"2026-11-27T09:00:00.000+08:00\n", name);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int approve(struct cli *c, const uint8_t feed[YZF_KEY_LEN])
{
	const char *hours = cli_opt(c, "hours");
	int64_t now, from, until, seq;
	int rc = cli_now(c, &now), ec;
	if (rc)
		return cli_fail(c, rc, "location approve");
	if ((ec = time_opt(c, "from", now, &from)) ||
	    (ec = time_opt(c, "until", from + (hours ? atoll(hours) : 8) *
					      3600000LL, &until)))
		return ec;
	rc = yzf_loclock_approve(c->y, feed, cli_opt(c, "for"),
				 cli_opt(c, "case"), from, until,
				 cli_opt(c, "reason"), &seq);
	if (rc)
		return cli_fail(c, rc, "location approve");
	printf("loc.approve seq %lld\n", (long long)seq);
	return EXIT_OK;
}

int cmd_location(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	uint8_t feed[YZF_KEY_LEN];
	int64_t seq;
	static const char usage[] =
		"yzf location status | on | off --reason T [--case ID]\n"
		"             | approve (--for OFFICER-NO | --case ID) --reason T\n"
		"                 [--from TIME] [--until TIME | --hours N]\n"
		"             | log\n";
	if (!sub) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	int ec = cli_open(c, false);
	if (ec || (ec = cli_feed(c, feed)))
		return ec;
	if (!strcmp(sub, "status"))
		return status(c, feed);
	if (!strcmp(sub, "approve"))
		return approve(c, feed);
	if (!strcmp(sub, "off")) {
		bool ok;
		int rc = yzf_loclock_off(c->y, feed, cli_opt(c, "reason"),
					 cli_opt(c, "case"), &ok, &seq);
		if (rc)
			return cli_fail(c, rc, "location off");
		printf("loc.off seq %lld%s\n", (long long)seq,
		       ok ? ", under the head's approval"
			  : ": NO APPROVAL in force — a loc.violation is "
			    "recorded and the records made meanwhile are "
			    "flagged (平台办法第二十一条)");
		return EXIT_OK;
	}
	if (!strcmp(sub, "on")) {
		int rc = yzf_loclock_on(c->y, feed, &seq);
		if (rc)
			return cli_fail(c, rc, "location on");
		printf("loc.on seq %lld\n", (long long)seq);
		return EXIT_OK;
	}
	if (!strcmp(sub, "log")) {
		struct log_ctx lc = { 0 };
		int rc = yzf_loclock_judge(c->y, feed, log_one, &lc);
		if (rc)
			return cli_fail(c, rc, "location log");
		printf("%zu records flagged\n", lc.flagged);
		return lc.flagged ? EXIT_VERIFY : EXIT_OK;
	}
	fputs(usage, stderr);
	return EXIT_USAGE;
}

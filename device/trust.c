/* yzf trust: what this terminal holds of the city's log and time, the
 * evidence it kept, and the consistency check anyone can run offline. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void age(int64_t ms, char out[48])
{
	int64_t s = ms / 1000;
	if (s < 0)
		snprintf(out, 48, "in the future by %llds", (long long)-s);
	else if (s < 120)
		snprintf(out, 48, "%llds ago", (long long)s);
	else if (s < 7200)
		snprintf(out, 48, "%lld min ago", (long long)(s / 60));
	else if (s < 172800)
		snprintf(out, 48, "%lld h ago", (long long)(s / 3600));
	else
		snprintf(out, 48, "%lld days ago", (long long)(s / 86400));
}

/* The reference data index held, its expiry on attested time, and each
 * set against it. */
static int refdata(struct cli *c, cJSON *o)
{
	struct yzf_refdata_state st;
	struct yzf_refheld h;
	char t[32];
	int rc = yzf_refdata_status(c->y, &st);
	if (rc)
		return rc;
	cJSON *r = o ? cJSON_AddObjectToObject(o, "refdata") : NULL;
	if (st.have_index) {
		cli_time(st.index.expires_ms, st.index.expires_tz, t);
		if (r) {
			cJSON_AddNumberToObject(r, "index", (double)st.index.version);
			cJSON_AddStringToObject(r, "expires", t);
			cJSON_AddBoolToObject(r, "expired", st.expired);
			cJSON_AddBoolToObject(r, "attested", st.attested);
		} else {
			printf("refdata:       index version %lld, %s %s (by the "
			       "%s)\n", (long long)st.index.version,
			       st.expired ? "EXPIRED" : "expires", t,
			       st.attested ? "attested time" : "unchecked clock");
		}
	} else if (!r) {
		printf("refdata:       no index yet (sync)\n");
	}
	cJSON *sets = r ? cJSON_AddArrayToObject(r, "sets") : NULL;
	for (size_t i = 0; yzf_refdata_held(c->y, i, &h) == 0; i++) {
		if (sets) {
			cJSON *e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "name", h.name);
			cJSON_AddNumberToObject(e, "version", (double)h.version);
			cJSON_AddBoolToObject(e, "matches", h.matches);
			cJSON_AddItemToArray(sets, e);
		} else {
			printf("               %-20s version %lld%s\n", h.name,
			       (long long)h.version,
			       h.matches ? "" : "  (not as the index names it)");
		}
	}
	return YZF_OK;
}

static int status(struct cli *c)
{
	struct yzf_trust_status s;
	char t[32], a[48], root[65];
	int rc = yzf_trust_status(c->y, &s);
	if (rc)
		return cli_fail(c, rc, "trust status");
	cJSON *o = c->json ? cJSON_CreateObject() : NULL;
	if (s.have_ckpt) {
		cli_hex(s.ckpt.root, 32, root);
		cli_time(s.ckpt.at_ms, s.ckpt.tz, t);
		age(s.att.now_ms - s.ckpt.at_ms, a);
		if (o) {
			cJSON *k = cJSON_AddObjectToObject(o, "checkpoint");
			cJSON_AddNumberToObject(k, "size", (double)s.ckpt.size);
			cJSON_AddStringToObject(k, "root", root);
			cJSON_AddStringToObject(k, "at", t);
			cJSON_AddNumberToObject(k, "age_ms",
						(double)(s.att.now_ms - s.ckpt.at_ms));
		} else {
			printf("city log:      %llu records, root %.16s…, signed %s "
			       "(%s)\n", (unsigned long long)s.ckpt.size, root, t,
			       a);
		}
	} else if (!o) {
		printf("city log:      no checkpoint yet (sync)\n");
	}
	if (s.att.have) {
		cli_time(s.att.at_ms, s.att.tz, t);
		if (o) {
			cJSON *k = cJSON_AddObjectToObject(o, "attested");
			cJSON_AddStringToObject(k, "at", t);
			cli_time(s.att.now_ms, s.att.tz, t);
			cJSON_AddStringToObject(k, "now", t);
			cJSON_AddNumberToObject(k, "drift_ms", (double)s.att.drift_ms);
			cJSON_AddStringToObject(k, "by", s.att.by_mono ? "monotonic"
								      : "clock");
		} else {
			printf("attested time: %s (last from the city)\n", t);
			cli_time(s.att.now_ms, s.att.tz, t);
			printf("now:           %s by the %s; this terminal's clock "
			       "is off by %+.1f s\n", t,
			       s.att.by_mono ? "monotonic clock since"
					     : "clock corrected by the drift seen",
			       (double)s.att.drift_ms / 1000.0);
		}
	} else if (!o) {
		printf("attested time: none yet (sync): the clock is unchecked\n");
	}
	if (o)
		cJSON_AddNumberToObject(o, "evidence", (double)s.evidence);
	else if (s.evidence)
		printf("EVIDENCE:      %lld inconsistencies of the city's log kept "
		       "(yzf trust evidence)\n", (long long)s.evidence);
	else
		printf("evidence:      none: every checkpoint was consistent\n");
	rc = refdata(c, o);
	if (rc)
		return cli_fail(c, rc, "trust status");
	if (o) {
		char *p = cJSON_PrintUnformatted(o);
		printf("%s\n", p ? p : "{}");
		free(p);
		cJSON_Delete(o);
	}
	return s.evidence ? EXIT_VERIFY : EXIT_OK;
}

static int evidence(struct cli *c)
{
	struct yzf_buf held = { 0 }, offered = { 0 };
	char why[256], t[32];
	int64_t when;
	size_t i = 0;
	for (; yzf_trust_evidence(c->y, i, &held, &offered, why, &when) == 0;
	     i++) {
		cli_time(when, 480, t);
		printf("evidence %zu, detected %s: %s\nheld:    %.*s\noffered: "
		       "%.*s\n", i + 1, t, why, (int)held.len,
		       (const char *)held.p, (int)offered.len,
		       (const char *)offered.p);
		yzf_buf_reset(&held);
		yzf_buf_reset(&offered);
	}
	yzf_buf_free(&held);
	yzf_buf_free(&offered);
	if (i == 0)
		printf("no evidence: every checkpoint was consistent\n");
	return i ? EXIT_VERIFY : EXIT_OK;
}

/* The city key from a trust bundle (root and city certificate lines),
 * the city's checked against the root. */
static int city_key(const char *path, uint8_t pk[YZF_KEY_LEN])
{
	char *d, msg[256];
	size_t len;
	struct yzf_signed_cert root, city;
	if (cli_read_file(path, &d, &len)) {
		fprintf(stderr, "yzf trust consistency: %s: unreadable\n", path);
		return EXIT_NOTFOUND;
	}
	char *nl = memchr(d, '\n', len);
	int ec = EXIT_OK;
	if (!nl || yzf_cert_unline((uint8_t *)d, (size_t)(nl - d), &root, NULL) ||
	    yzf_cert_unline((uint8_t *)nl + 1, strcspn(nl + 1, "\r\n"), &city,
			    NULL) ||
	    yzf_cert_chain_ok(&root, &city, NULL, msg, sizeof msg)) {
		fprintf(stderr, "yzf trust consistency: %s: not a trust bundle "
			"(root and city certificate lines)\n", path);
		ec = EXIT_INPUT;
	} else {
		memcpy(pk, city.c.key, YZF_KEY_LEN);
	}
	free(d);
	return ec;
}

/* yzf trust consistency --trust FILE OLD NEW: OLD a checkpoint line, NEW
 * a GET /v1/checkpoint?from=SIZE-OF-OLD answer (or `yzf-syncd admin
 * checkpoint --from N`). */
static int consistency(struct cli *c)
{
	const char *trust = cli_opt(c, "trust"), *older = cli_arg(c, 1),
		   *newer = cli_arg(c, 2);
	uint8_t pk[YZF_KEY_LEN];
	struct yzf_checkpoint ck;
	char *o = NULL, *n = NULL, why[256], t[32];
	size_t ol, nl;
	if (!trust || !older || !newer) {
		fprintf(stderr, "yzf trust consistency --trust FILE OLD NEW\n");
		return EXIT_USAGE;
	}
	int ec = city_key(trust, pk);
	if (ec)
		return ec;
	if (cli_read_file(older, &o, &ol) || cli_read_file(newer, &n, &nl)) {
		fprintf(stderr, "yzf trust consistency: %s: unreadable\n",
			o ? newer : older);
		free(o);
		return EXIT_NOTFOUND;
	}
	int rc = yzf_trust_check_consistency(pk, (uint8_t *)o, ol, (uint8_t *)n,
					     nl, &ck, why);
	if (rc) {
		fprintf(stderr, "yzf trust consistency: %s\n", why);
		ec = cli_exit(rc);
	} else {
		cli_time(ck.at_ms, ck.tz, t);
		printf("consistent: the city's log of %llu records signed %s "
		       "extends the older checkpoint\n",
		       (unsigned long long)ck.size, t);
	}
	free(o);
	free(n);
	return ec;
}

int cmd_trust(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	if (sub && !strcmp(sub, "consistency"))
		return consistency(c);
	if (!sub || (strcmp(sub, "status") && strcmp(sub, "evidence"))) {
		fprintf(stderr, "yzf trust status|evidence|consistency\n");
		return EXIT_USAGE;
	}
	int ec = cli_open(c, false);
	if (ec)
		return ec;
	return !strcmp(sub, "status") ? status(c) : evidence(c);
}

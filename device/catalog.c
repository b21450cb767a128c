/* yzf catalog: the enforcement matters catalogue the terminal holds —
 * search it, show a matter with its legal basis and benchmark tiers, and
 * tell which tier a proposed fine falls in. Reads only what the terminal
 * holds (yzf/catalog.h); money is printed in yuan, kept in fen in JSON. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* fen as yuan with two decimals and thousands separators: 75,000.00 */
static void yuan(int64_t fen, char out[40])
{
	char digits[24], *o = out;
	int n = snprintf(digits, sizeof digits, "%" PRId64, fen / 100);
	for (int i = 0; i < n; i++) {
		*o++ = digits[i];
		if (i + 1 < n && (n - i - 1) % 3 == 0)
			*o++ = ',';
	}
	snprintf(o, 8, ".%02d", (int)(fen % 100));
}

/* A statutory range as officers read it: "5,000.00–50,000.00 元",
 * "2,000.00 元以下", "无固定数额". */
static void range(const struct yzf_matter *m, char out[96])
{
	char lo[40], hi[40];
	if (m->fine_max_fen == YZF_NO_FEN) {
		snprintf(out, 96, "无固定数额");
		return;
	}
	yuan(m->fine_max_fen, hi);
	if (m->fine_min_fen == YZF_NO_FEN) {
		snprintf(out, 96, "%s 元以下", hi);
		return;
	}
	yuan(m->fine_min_fen, lo);
	snprintf(out, 96, "%s–%s 元", lo, hi);
}

static void print_json(cJSON *o)
{
	char *txt = cJSON_PrintUnformatted(o);
	printf("%s\n", txt ? txt : "{}");
	free(txt);
	cJSON_Delete(o);
}

static void add_fen(cJSON *o, const char *k, int64_t fen)
{
	if (fen == YZF_NO_FEN)
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddNumberToObject(o, k, (double)fen);
}

static void add_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static cJSON *laws_json(const struct yzf_law *const *w, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "id", w[i]->id);
		cJSON_AddStringToObject(e, "name", w[i]->name);
		cJSON_AddStringToObject(e, "article", w[i]->article);
		cJSON_AddStringToObject(e, "text", w[i]->text);
		cJSON_AddStringToObject(e, "effective_from",
					w[i]->effective_from);
		add_str(e, "effective_to", w[i]->effective_to);
		cJSON_AddItemToArray(a, e);
	}
	return a;
}

static cJSON *tier_json(const struct yzf_tier *t)
{
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "tier", t->name);
	cJSON_AddStringToObject(e, "conditions", t->conditions);
	cJSON_AddNumberToObject(e, "min_fen", (double)t->min_fen);
	cJSON_AddNumberToObject(e, "max_fen", (double)t->max_fen);
	return e;
}

static cJSON *benchmark_json(const struct yzf_benchmark *b)
{
	if (!b)
		return cJSON_CreateNull();
	cJSON *o = cJSON_CreateObject(), *t;
	cJSON_AddStringToObject(o, "id", b->id);
	cJSON_AddNumberToObject(o, "version", (double)b->version);
	cJSON_AddStringToObject(o, "model", b->model);
	cJSON_AddStringToObject(o, "issuer", b->issuer);
	cJSON_AddStringToObject(o, "published", b->published);
	cJSON_AddStringToObject(o, "source", b->source);
	t = cJSON_AddArrayToObject(o, "tiers");
	for (size_t i = 0; i < b->ntiers; i++)
		cJSON_AddItemToArray(t, tier_json(&b->tiers[i]));
	return o;
}

static cJSON *strings_json(const char *const *s, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(s[i]));
	return a;
}

static cJSON *matter_json(const struct yzf_matter *m)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "code", m->code);
	add_str(o, "official_code", m->official_code);
	cJSON_AddStringToObject(o, "name", m->name);
	cJSON_AddStringToObject(o, "kind", m->kind);
	cJSON_AddStringToObject(o, "sector", m->sector);
	cJSON_AddItemToObject(o, "agency_kinds",
			      strings_json(m->agency_kinds, m->nagency_kinds));
	cJSON_AddStringToObject(o, "party", m->party);
	cJSON_AddItemToObject(o, "violated", laws_json(m->violated,
						       m->nviolated));
	cJSON_AddItemToObject(o, "penalty", laws_json(m->penalty, m->npenalty));
	add_fen(o, "fine_min_fen", m->fine_min_fen);
	add_fen(o, "fine_max_fen", m->fine_max_fen);
	add_str(o, "fine_note", m->fine_note);
	cJSON_AddItemToObject(o, "penalty_kinds",
			      strings_json(m->penalty_kinds, m->npenalty_kinds));
	add_fen(o, "hearing_person_fen", m->hearing_person_fen);
	add_fen(o, "hearing_org_fen", m->hearing_org_fen);
	cJSON_AddItemToObject(o, "benchmark", benchmark_json(m->benchmark));
	return o;
}

static void laws_text(const char *label, const struct yzf_law *const *w,
		      size_t n)
{
	for (size_t i = 0; i < n; i++) {
		printf("%-11s%s%s\n", i ? "" : label, w[i]->name, w[i]->article);
		printf("           %s\n", w[i]->text);
		if (w[i]->effective_to)
			printf("           (在 %s 至 %s 施行)\n",
			       w[i]->effective_from, w[i]->effective_to);
	}
}

static void join(const char *const *s, size_t n, const char *sep)
{
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? sep : "", s[i]);
}

static void benchmark_text(const struct yzf_benchmark *b)
{
	char lo[40], hi[40];
	if (!b) {
		printf("benchmark: none (no fixed fine amount to tier)\n");
		return;
	}
	printf("benchmark: %s v%lld (%s), %s, published %s\n", b->id,
	       (long long)b->version, b->model, b->issuer, b->published);
	for (size_t i = 0; i < b->ntiers; i++) {
		const struct yzf_tier *t = &b->tiers[i];
		yuan(t->min_fen, lo);
		yuan(t->max_fen, hi);
		printf("  %s  %s–%s 元\n         %s\n", t->name, lo, hi,
		       t->conditions);
	}
}

static void hearing_text(const struct yzf_matter *m)
{
	bool p = m->hearing_person_fen != YZF_NO_FEN;
	bool o = m->hearing_org_fen != YZF_NO_FEN;
	char a[40];
	if (!p && !o)
		return;
	printf("hearing:   from");
	if (p) {
		yuan(m->hearing_person_fen, a);
		printf(" 公民 %s 元", a);
	}
	if (o) {
		yuan(m->hearing_org_fen, a);
		printf("%s 单位 %s 元", p ? "," : "", a);
	}
	printf(" (听证, 行政处罚法第六十三条)\n");
}

static void matter_text(const struct yzf_matter *m)
{
	char r[96];
	printf("%s  %s\n", m->code, m->name);
	printf("kind:      %s · %s · party %s · held by ", m->kind, m->sector,
	       m->party);
	join(m->agency_kinds, m->nagency_kinds, ", ");
	printf("\n");
	if (m->official_code)
		printf("code:      %s (权责清单基本编码)\n", m->official_code);
	laws_text("违法依据:  ", m->violated, m->nviolated);
	laws_text(!strcmp(m->kind, "处罚") ? "处罚依据:  " : "实施依据:  ",
		  m->penalty, m->npenalty);
	if (!strcmp(m->kind, "处罚")) {
		range(m, r);
		printf("fine:      %s\n", r);
		if (m->fine_note)
			printf("           %s\n", m->fine_note);
		printf("penalties: ");
		join(m->penalty_kinds, m->npenalty_kinds, "、");
		printf("\n");
	}
	hearing_text(m);
	if (!strcmp(m->kind, "处罚"))
		benchmark_text(m->benchmark);
}

static int search(struct cli *c, const struct yzf_catalog *cat)
{
	const char *text = cli_arg(c, 1);
	size_t n, cap = yzf_catalog_nmatters(cat);
	const struct yzf_matter **hits = calloc(cap ? cap : 1, sizeof *hits);
	if (!text || !hits) {
		free(hits);
		fprintf(stderr, text ? "yzf catalog: out of memory\n"
				     : "yzf catalog search TEXT\n");
		return text ? EXIT_SYSTEM : EXIT_USAGE;
	}
	if (yzf_catalog_search(cat, text, hits, cap, &n)) {
		free(hits);
		fprintf(stderr, "yzf catalog search: TEXT must be non-empty "
			"UTF-8\n");
		return EXIT_USAGE;
	}
	cJSON *a = c->json ? cJSON_CreateArray() : NULL;
	for (size_t i = 0; i < n; i++) {
		if (a) {
			cJSON *e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "code", hits[i]->code);
			cJSON_AddStringToObject(e, "name", hits[i]->name);
			cJSON_AddStringToObject(e, "kind", hits[i]->kind);
			cJSON_AddItemToArray(a, e);
		} else {
			printf("%-16s %s  %s\n", hits[i]->code, hits[i]->kind,
			       hits[i]->name);
		}
	}
	if (a)
		print_json(a);
	else if (!n)
		printf("no matter matches %s\n", text);
	free(hits);
	return EXIT_OK;
}

static int show(struct cli *c, const struct yzf_catalog *cat)
{
	const char *code = cli_arg(c, 1);
	const struct yzf_matter *m;
	if (!code) {
		fprintf(stderr, "yzf catalog show CODE\n");
		return EXIT_USAGE;
	}
	if (!(m = yzf_catalog_matter(cat, code))) {
		fprintf(stderr, "yzf catalog show: no matter %s in the "
			"catalogue held (matters v%lld)\n", code,
			(long long)yzf_catalog_version(cat, "matters"));
		return EXIT_NOTFOUND;
	}
	if (c->json)
		print_json(matter_json(m));
	else
		matter_text(m);
	return EXIT_OK;
}

/* "1234", "1234.5", "1234.56" yuan into fen; false on anything else. */
static bool parse_yuan(const char *s, int64_t *fen)
{
	char *end;
	int64_t frac = 0;
	errno = 0;
	long long y = strtoll(s, &end, 10);
	if (end == s || *s == '-' || *s == '+' || errno || y > INT64_MAX / 100)
		return false;
	if (*end == '.') {
		int k = 0;
		for (end++; k < 2 && *end >= '0' && *end <= '9'; end++, k++)
			frac = frac * 10 + (*end - '0');
		if (k == 0)
			return false;
		if (k == 1)
			frac *= 10;
	}
	*fen = (int64_t)y * 100 + frac;
	return *end == 0;
}

static int tier(struct cli *c, const struct yzf_catalog *cat)
{
	const char *code = cli_arg(c, 1), *amount = cli_arg(c, 2);
	struct yzf_tier_pick pk;
	int64_t fen;
	char a[40], lo[40], hi[40];
	if (!code || !amount || !parse_yuan(amount, &fen)) {
		fprintf(stderr, "yzf catalog tier CODE YUAN (e.g. 60000 or "
			"1500.50)\n");
		return EXIT_USAGE;
	}
	int rc = yzf_catalog_tier(cat, code, fen, &pk);
	if (rc) {
		fprintf(stderr, "yzf catalog tier: %s %s\n", code,
			pk.matter ? "has no benchmark (no fixed fine amount)"
				  : "is not in the catalogue held");
		return EXIT_NOTFOUND;
	}
	yuan(fen, a);
	yuan(pk.min_fen, lo);
	yuan(pk.max_fen, hi);
	if (c->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "matter", code);
		cJSON_AddStringToObject(o, "benchmark", pk.benchmark->id);
		cJSON_AddNumberToObject(o, "benchmark_version",
					(double)pk.benchmark->version);
		cJSON_AddNumberToObject(o, "amount_fen", (double)fen);
		add_str(o, "tier", pk.tier ? pk.tier->name : NULL);
		cJSON_AddBoolToObject(o, "below_min", pk.below_min);
		cJSON_AddBoolToObject(o, "above_max", pk.above_max);
		cJSON_AddNumberToObject(o, "min_fen", (double)pk.min_fen);
		cJSON_AddNumberToObject(o, "max_fen", (double)pk.max_fen);
		print_json(o);
	} else if (pk.tier) {
		printf("%s 元: %s (%s–%s 元) under %s v%lld%s\n", a,
		       pk.tier->name, lo, hi, pk.benchmark->id,
		       (long long)pk.benchmark->version,
		       pk.below_min ? "; below the statutory minimum" : "");
	} else {
		printf("%s 元: outside every tier; the statutory range is "
		       "%s–%s 元%s\n", a, lo, hi,
		       pk.above_max ? " (above the maximum)" : "");
	}
	return EXIT_OK;
}

int cmd_catalog(struct cli *c)
{
	const char *sub = cli_arg(c, 0);
	struct yzf_catalog *cat;
	if (!sub || (strcmp(sub, "search") && strcmp(sub, "show") &&
		     strcmp(sub, "tier"))) {
		fprintf(stderr, "yzf catalog search TEXT | show CODE | tier "
			"CODE YUAN\n");
		return EXIT_USAGE;
	}
	int ec = cli_open(c, false), rc;
	if (ec)
		return ec;
	if ((rc = yzf_catalog_open(c->y, &cat)))
		return cli_fail(c, rc, "catalog");
	ec = !strcmp(sub, "search") ? search(c, cat)
	     : !strcmp(sub, "show") ? show(c, cat) : tier(c, cat);
	yzf_catalog_close(cat);
	return ec;
}

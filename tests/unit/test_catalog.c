/* The matters catalogue: the sample sets in data/refdata/ valid for their
 * schemas and consistent with one another, delivered to a sim terminal as
 * a signed index and sets, then lookups, search, benchmark tiers, and the
 * refusals of malformed or damaged sets, each naming set, entry and field.
 *
 * usage: test_catalog DATA_DIR (the sample sets) */
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "terminal.h"
#include "embedded.h"
#include "internal.h"
#include "schema.h"
#include "yzf/yzf.h"
#include "yzf_port_sim.h"

static char dir[] = "/tmp/yzf-test-catalog.XXXXXX";

/* 2026-11-27T09:00:00.000+08:00 */
#define T0 1795741200000LL
#define DAY 86400000LL

/* The sets in index order (sorted by name). */
enum { AGENCIES, BENCHMARKS, DOCTYPES, LAWS, MATTERS, NSETS };
static const char *const names[NSETS] = { "agencies", "benchmarks",
					  "doctypes", "laws", "matters" };
static char *sample[NSETS];

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	long n;
	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) || !(p = malloc((size_t)n + 1)) ||
	    fread(p, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	p[n] = 0;
	fclose(f);
	return p;
}

/* A copy of s with the first `from` replaced by `to`; the test fails if
 * `from` is absent, so a changed sample cannot make a case vacuous. */
static char *edit(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	CHECK(at != NULL);
	if (!at)
		return strdup(s);
	size_t a = (size_t)(at - s), f = strlen(from), t = strlen(to);
	char *o = malloc(strlen(s) - f + t + 1);
	memcpy(o, s, a);
	memcpy(o + a, to, t);
	strcpy(o + a + t, at + f);
	return o;
}


static struct yzf *open_term(const char *sub, struct yzf_port **p)
{
	struct yzf_sim_opts o = { .start_ms = T0 };
	struct yzf_config cfg = { .terminal = "T-1", .kdf_ops = 1,
				  .kdf_mem = 8 << 20 };
	char home[256], msg[256];
	struct yzf *y = NULL;
	snprintf(home, sizeof home, "%s/%s", dir, sub);
	*p = yzf_port_sim_create(home, &o);
	CHECK(*p != NULL);
	CHECK_EQ_INT(yzf_open(*p, YZF_OPEN_CREATE, &y, msg, sizeof msg), YZF_OK);
	CHECK_EQ_INT(yzf_init(y, &cfg, t_trust.p, t_trust.len), YZF_OK);
	return y;
}

static void close_term(struct yzf *y, struct yzf_port *p)
{
	yzf_close(y);
	yzf_port_sim_destroy(p);
}

/* Deliver content[i] as set i (NULL: left out) at version 1 with an index
 * naming exactly those, all signed by the city, to a new terminal. */
static struct yzf *deliver(const char *sub, char *const content[NSETS],
			   struct yzf_port **p)
{
	struct yzf_refindex ix = { .version = 1, .at_ms = T0, .tz = 480,
				   .expires_ms = T0 + 30 * DAY,
				   .expires_tz = 480 };
	struct yzf_buf il = { 0 }, hl[NSETS] = { { 0 } };
	struct yzf_refdata_in in[NSETS];
	struct yzf *y = open_term(sub, p);
	for (int s = 0; s < NSETS; s++) {
		if (!content[s])
			continue;
		size_t n = strlen(content[s]);
		struct yzf_refset h = { .version = 1, .at_ms = T0, .tz = 480,
					.size = (int64_t)n };
		struct yzf_refentry *e = &ix.sets[ix.n];
		snprintf(h.name, sizeof h.name, "%s", names[s]);
		crypto_generichash(h.hash, 32, (const uint8_t *)content[s], n,
				   NULL, 0);
		CHECK_EQ_INT(yzf_refset_sign_line(&h, t_city_sk, &hl[ix.n]),
			     YZF_OK);
		snprintf(e->name, sizeof e->name, "%s", names[s]);
		e->version = 1;
		memcpy(e->hash, h.hash, 32);
		e->size = h.size;
		in[ix.n] = (struct yzf_refdata_in){
			.content = (const uint8_t *)content[s], .clen = n };
		ix.n++;
	}
	CHECK_EQ_INT(yzf_refindex_sign_line(&ix, t_city_sk, &il), YZF_OK);
	for (size_t i = 0; i < ix.n; i++) {
		in[i].line = hl[i].p;
		in[i].llen = hl[i].len;
	}
	CHECK_EQ_INT(yzf_refdata_apply(y, il.p, il.len, in, ix.n, NULL), YZF_OK);
	yzf_buf_free(&il);
	for (int s = 0; s < NSETS; s++)
		yzf_buf_free(&hl[s]);
	return y;
}

/* --- The sample files. ----------------------------------------------- */

static void test_schemas(void)
{
	struct yzf_schemas *reg = NULL;
	char msg[512];
	CHECK_EQ_INT(yzf_schemas_create(yzf_refdata_schemas, &reg, msg,
					sizeof msg), YZF_OK);
	for (int s = 0; s < NSETS; s++) {
		struct yzf_buf out = { 0 };
		int rc = yzf_schemas_canon(reg, names[s], sample[s],
					   strlen(sample[s]), &out, msg,
					   sizeof msg);
		if (rc)
			fprintf(stderr, "%s: %s\n", names[s], msg);
		CHECK_EQ_INT(rc, YZF_OK);
		yzf_buf_free(&out);
	}
	/* a set published under another set's name is refused */
	struct yzf_buf out = { 0 };
	CHECK_EQ_INT(yzf_schemas_canon(reg, "laws", sample[MATTERS],
				       strlen(sample[MATTERS]), &out, msg,
				       sizeof msg), YZF_EINVAL);
	yzf_buf_free(&out);
	CHECK_HAS(msg, "body.set");
	yzf_schemas_destroy(reg);
}

/* GB 32100-2015 check character of a 统一社会信用代码. */
static bool uscc_ok(const char *u)
{
	static const char cs[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	static const int w[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25,
				   13, 8, 24, 10, 30, 28 };
	int sum = 0;
	if (strlen(u) != 18)
		return false;
	for (int i = 0; i < 17; i++) {
		const char *at = strchr(cs, u[i]);
		if (!at || !u[i])
			return false;
		sum += (int)(at - cs) * w[i];
	}
	return cs[(31 - sum % 31) % 31] == u[17];
}

/* Every agency's matters exist and are of its kind; every matter is held
 * by some agency. */
static void test_agencies(const struct yzf_catalog *c)
{
	cJSON *j = cJSON_Parse(sample[AGENCIES]), *a;
	size_t held = 0;
	CHECK(j != NULL);
	cJSON_ArrayForEach(a, cJSON_GetObjectItem(j, "entries")) {
		const char *kind = cJSON_GetObjectItem(a, "kind")->valuestring;
		cJSON *code;
		CHECK(uscc_ok(cJSON_GetObjectItem(a, "uscc")->valuestring));
		cJSON_ArrayForEach(code, cJSON_GetObjectItem(a, "matters")) {
			const struct yzf_matter *m =
				yzf_catalog_matter(c, code->valuestring);
			bool of_kind = false;
			CHECK(m != NULL);
			for (size_t k = 0; m && k < m->nagency_kinds; k++)
				of_kind |= !strcmp(m->agency_kinds[k], kind);
			CHECK(of_kind);
			held++;
		}
	}
	CHECK_EQ_INT((int)held, (int)yzf_catalog_nmatters(c));
	CHECK(strstr(sample[AGENCIES], "11440106MB2C492807") != NULL);
	CHECK(strstr(sample[AGENCIES], "11440100MB2D09370Q") != NULL);
	cJSON_Delete(j);
}

/* Every matter with a fine maximum has a benchmark; at least 30 matters. */
static void test_coverage(const struct yzf_catalog *c)
{
	static const char *const docs[] = {
		"现场检查(勘验)笔录", "责令改正通知书", "立案审批表",
		"行政处罚告知书", "听证通知书", "当场行政处罚决定书",
		"行政处罚决定书", "送达回证", "实施行政强制措施决定书",
		"场所/设施/财物清单", "延长行政强制措施决定书",
		"解除行政强制措施决定书", "法制审核表" };
	static const char *const codes[] = {
		"XCJCBL", "ZLGZ", "LASPB", "CFGZ", "TZTZ", "DCCFJD", "CFJD",
		"SDHZ", "QZCSJD", "CWQD", "YCQZCS", "JCQZCS", "FZSHB" };
	CHECK(yzf_catalog_nmatters(c) >= 30);
	for (size_t i = 0; i < yzf_catalog_nmatters(c); i++) {
		const struct yzf_matter *m = yzf_catalog_matter_at(c, i);
		CHECK(m->npenalty >= 1);
		if (m->fine_max_fen != YZF_NO_FEN && !m->benchmark)
			fprintf(stderr, "%s: no benchmark\n", m->code);
		CHECK(m->fine_max_fen == YZF_NO_FEN || m->benchmark != NULL);
	}
	CHECK(yzf_catalog_matter_at(c, yzf_catalog_nmatters(c)) == NULL);
	for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
		const struct yzf_doctype *d = yzf_catalog_doctype(c, codes[i]);
		CHECK(d != NULL);
		if (d)
			CHECK_STR(d->name, docs[i]);
	}
}

/* --- Lookups, search, tiers. ------------------------------------------ */

static void test_lookup(const struct yzf_catalog *c)
{
	const struct yzf_matter *m = yzf_catalog_matter(c, "SC-FOOD-001");
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK_STR(m->kind, "处罚");
	CHECK_EQ_INT((int)m->nviolated, 1);
	CHECK_STR(m->violated[0]->id, "spaq-35");
	CHECK_STR(m->violated[0]->name, "中华人民共和国食品安全法");
	CHECK_STR(m->penalty[0]->article, "第一百二十二条第一款");
	CHECK(m->penalty[0]->effective_to == NULL);
	CHECK(m->fine_min_fen == 5000000 && m->fine_max_fen == 10000000);
	CHECK(m->hearing_person_fen == 500000);
	CHECK(m->official_code == NULL);
	CHECK(m->benchmark && !strcmp(m->benchmark->id, "BM-SC-FOOD-001"));
	CHECK(yzf_catalog_matter(c, "sc-food-001") == NULL);
	CHECK(yzf_catalog_matter(c, "SC-FOOD-999") == NULL);
	/* a law no longer in force says until when */
	const struct yzf_law *w = yzf_catalog_law(c, "fbzd-20");
	CHECK(w && w->effective_to && !strcmp(w->effective_to, "2025-10-14"));
	/* inspection and coercion matters: no fine, no benchmark */
	m = yzf_catalog_matter(c, "SC-FOOD-007");
	CHECK(m && !strcmp(m->kind, "强制") && m->fine_max_fen == YZF_NO_FEN &&
	      !m->benchmark && m->nviolated == 0);
	const struct yzf_doctype *d = yzf_catalog_doctype(c, "SDHZ");
	CHECK(d && d->party_signs && !d->numbered && d->nfields >= 5);
	CHECK(yzf_catalog_doctype(c, "NOPE") == NULL);
	CHECK_EQ_INT((int)yzf_catalog_version(c, "matters"), 1);
	CHECK_EQ_INT((int)yzf_catalog_version(c, "agencies"), 0);
}

static void test_search(const struct yzf_catalog *c)
{
	const struct yzf_matter *out[64];
	size_t n;
	CHECK_EQ_INT(yzf_catalog_search(c, "sc-food", out, 64, &n), YZF_OK);
	CHECK_EQ_INT((int)n, 8);
	CHECK_STR(out[0]->code, "SC-FOOD-001");
	CHECK_EQ_INT(yzf_catalog_search(c, "Gas-002", out, 64, &n), YZF_OK);
	CHECK_EQ_INT((int)n, 2);
	/* Chinese by name, whole characters: 燃气 in three matters */
	CHECK_EQ_INT(yzf_catalog_search(c, "燃气", out, 64, &n), YZF_OK);
	CHECK_EQ_INT((int)n, 3);
	/* more matches than room: the count says so, out holds the first */
	CHECK_EQ_INT(yzf_catalog_search(c, "食品", out, 2, &n), YZF_OK);
	CHECK(n > 8);
	CHECK_STR(out[1]->code, "SC-FOOD-002");
	CHECK_EQ_INT(yzf_catalog_search(c, "无此事项", out, 64, &n), YZF_OK);
	CHECK_EQ_INT((int)n, 0);
	/* half a character is not text */
	CHECK_EQ_INT(yzf_catalog_search(c, "\xe9\xa3", out, 64, &n), YZF_EINVAL);
	CHECK_EQ_INT(yzf_catalog_search(c, "", out, 64, &n), YZF_EINVAL);
}

struct tier_case {
	const char *code;
	int64_t fen;
	const char *tier;       /* NULL: none */
	bool below, above;
};

static void test_tiers(const struct yzf_catalog *c)
{
	static const struct tier_case cases[] = {
		/* range 50,000–100,000 yuan, midpoint 75,000 */
		{ "SC-FOOD-001", 5000000, "从轻", false, false },
		{ "SC-FOOD-001", 7499999, "从轻", false, false },
		{ "SC-FOOD-001", 7500000, "一般", false, false },
		{ "SC-FOOD-001", 7500001, "从重", false, false },
		{ "SC-FOOD-001", 10000000, "从重", false, false },
		{ "SC-FOOD-001", 10000001, NULL, false, true },
		{ "SC-FOOD-001", 1000000, "减轻", true, false },
		{ "SC-FOOD-001", 0, "不予", true, false },
		/* max only, 2,000 yuan: 从轻 ≤ 20%, 一般 ≤ 50% */
		{ "SC-FOOD-005", 1, "从轻", false, false },
		{ "SC-FOOD-005", 40000, "从轻", false, false },
		{ "SC-FOOD-005", 40001, "一般", false, false },
		{ "SC-FOOD-005", 100000, "一般", false, false },
		{ "SC-FOOD-005", 200000, "从重", false, false },
		{ "SC-FOOD-005", 200001, NULL, false, true },
		/* small range, 100–500 yuan */
		{ "CG-WASTE-003-P", 10000, "从轻", false, false },
		{ "CG-WASTE-003-P", 30000, "一般", false, false },
		{ "CG-WASTE-003-P", 50000, "从重", false, false },
		{ "CG-WASTE-003-P", 9999, "减轻", true, false },
	};
	struct yzf_tier_pick pk;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct tier_case *t = &cases[i];
		CHECK_EQ_INT(yzf_catalog_tier(c, t->code, t->fen, &pk), YZF_OK);
		if (t->tier && !pk.tier)
			fprintf(stderr, "%s %lld: no tier\n", t->code,
				(long long)t->fen);
		else if (t->tier)
			CHECK_STR(pk.tier->name, t->tier);
		else
			CHECK(pk.tier == NULL);
		CHECK(pk.below_min == t->below && pk.above_max == t->above);
	}
	CHECK_EQ_INT(yzf_catalog_tier(c, "SC-FOOD-001", 7500000, &pk), YZF_OK);
	CHECK(pk.tier->kind == YZF_TIER_ORDINARY && pk.min_fen == 7500000 &&
	      pk.max_fen == 7500000 && pk.benchmark->version == 1);
	/* outside: no tier, the statutory range reported */
	CHECK_EQ_INT(yzf_catalog_tier(c, "SC-FOOD-001", 20000000, &pk), YZF_OK);
	CHECK(!pk.tier && pk.min_fen == 5000000 && pk.max_fen == 10000000);
	CHECK_EQ_INT(yzf_catalog_tier(c, "SC-FOOD-001", -1, &pk), YZF_EINVAL);
	/* multiples only: no fen range, no benchmark */
	CHECK_EQ_INT(yzf_catalog_tier(c, "SC-PQ-001", 100, &pk), YZF_ENOTFOUND);
	CHECK(pk.matter && !strcmp(pk.matter->code, "SC-PQ-001"));
	CHECK_EQ_INT(yzf_catalog_tier(c, "XX-NONE-001", 100, &pk),
		     YZF_ENOTFOUND);
	CHECK(pk.matter == NULL);
}

static void test_sample(void)
{
	struct yzf_port *p;
	struct yzf_catalog *c = NULL;
	struct yzf *y = deliver("sample", sample, &p);
	int rc = yzf_catalog_open(y, &c);
	if (rc)
		fprintf(stderr, "catalog: %s\n", yzf_errmsg(y));
	CHECK_EQ_INT(rc, YZF_OK);
	if (c) {
		test_agencies(c);
		test_coverage(c);
		test_lookup(c);
		test_search(c);
		test_tiers(c);
	}
	yzf_catalog_close(c);
	yzf_catalog_close(NULL);
	close_term(y, p);
}

/* --- Refusals. -------------------------------------------------------- */

struct bad_case {
	int set;                /* the set edited */
	const char *from, *to;  /* NULL from: the set left out */
	int rc;
	const char *msg;        /* a part of the message */
};

static void test_refusals(void)
{
	static const struct bad_case cases[] = {
		{ MATTERS, "[\"spaq-35\"]", "[\"spaq-99\"]", YZF_EINVAL,
		  "matters: entry SC-FOOD-001 (entries[0]): violated: no law "
		  "spaq-99 in laws" },
		{ MATTERS, "\"kind\": \"处罚\"", "\"kind\": \"罚款\"",
		  YZF_EINVAL,
		  "matters: entry SC-FOOD-001 (entries[0]): kind: must be one "
		  "of" },
		{ MATTERS, "\"fine_max_fen\": 10000000", "\"fine_max_fen\": "
		  "\"十万元\"", YZF_EINVAL,
		  "matters: entry SC-FOOD-001 (entries[0]): fine_max_fen" },
		{ MATTERS, "\"code\": \"SC-FOOD-002\"",
		  "\"code\": \"SC-FOOD-001\"", YZF_EINVAL,
		  "matters: entry SC-FOOD-001 (entries[1]): code: SC-FOOD-001 "
		  "twice" },
		{ MATTERS, "\"benchmark\": \"BM-SC-FOOD-001\"",
		  "\"benchmark\": \"BM-SC-FOOD-009\"", YZF_EINVAL,
		  "matters: entry SC-FOOD-001 (entries[0]): benchmark: no "
		  "benchmark BM-SC-FOOD-009" },
		{ BENCHMARKS, "\"min_fen\": 7500001, \"max_fen\": 10000000",
		  "\"min_fen\": 7500001, \"max_fen\": 10000001", YZF_EINVAL,
		  "benchmarks: entry BM-SC-FOOD-001 (entries[0]): tiers[4]: 从重 "
		  "7500001..10000001 fen outside the statutory range" },
		{ BENCHMARKS, "\"min_fen\": 1, \"max_fen\": 4999999",
		  "\"min_fen\": 1, \"max_fen\": 5000000", YZF_EINVAL,
		  "tiers[1]: 减轻 reaches the statutory minimum" },
		{ BENCHMARKS, "\"matter\": \"SC-FOOD-001\"",
		  "\"matter\": \"SC-FOOD-002\"", YZF_EINVAL,
		  "matters: entry SC-FOOD-001 (entries[0]): benchmark: "
		  "BM-SC-FOOD-001 is for matter SC-FOOD-002" },
		{ LAWS, "\"id\": \"spaq-35\"", "\"id\": \"spaq-34\"", YZF_EINVAL,
		  "laws: entry spaq-34 (entries[1]): id: spaq-34 twice" },
		{ LAWS, "{\"set\"", "{{\"set\"", YZF_EINVAL, "laws: not JSON" },
		{ LAWS, "\"2019-04-23\", \"effective_to\": \"2025-10-14\"",
		  "\"2019-04-23\", \"effective_to\": \"2019-04-22\"", YZF_EINVAL,
		  "laws: entry fbzd-8 (entries[37]): effective_to: 2019-04-22 is "
		  "before effective_from 2019-04-23" },
		{ LAWS, "\"set\": \"laws\"", "\"set\": \"matters\"", YZF_EINVAL,
		  "laws: set: must be" },
		{ DOCTYPES, "\"numbered\": true", "\"numbered\": 1", YZF_EINVAL,
		  "doctypes: entry ZLGZ (entries[1]): numbered" },
		{ MATTERS, NULL, NULL, YZF_ENOTFOUND,
		  "matters: not named by the reference data index held" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct bad_case *b = &cases[i];
		char *sets[NSETS], sub[32];
		struct yzf_port *p;
		struct yzf_catalog *c = (struct yzf_catalog *)&sub;
		memcpy(sets, sample, sizeof sets);
		sets[b->set] = b->from ? edit(sample[b->set], b->from, b->to)
				       : NULL;
		snprintf(sub, sizeof sub, "bad%zu", i);
		struct yzf *y = deliver(sub, sets, &p);
		CHECK_EQ_INT(yzf_catalog_open(y, &c), b->rc);
		CHECK(c == NULL);
		CHECK_HAS(yzf_errmsg(y), b->msg);
		close_term(y, p);
		if (b->from)
			free(sets[b->set]);
	}
}

/* Without benchmarks and doctypes the catalogue still answers matters;
 * without an index it refuses; damaged content held is caught. */
static void test_held(void)
{
	char *sets[NSETS] = { NULL, NULL, NULL, sample[LAWS], sample[MATTERS] };
	struct yzf_catalog *c = NULL;
	struct yzf_tier_pick pk;
	struct yzf_port *p;
	struct yzf *y = deliver("partial", sets, &p);
	CHECK_EQ_INT(yzf_catalog_open(y, &c), YZF_OK);
	CHECK(c && yzf_catalog_matter(c, "CG-GAS-001") != NULL);
	CHECK(c && yzf_catalog_matter(c, "CG-GAS-001")->benchmark == NULL);
	CHECK(c && yzf_catalog_doctype(c, "ZLGZ") == NULL);
	CHECK_EQ_INT(yzf_catalog_tier(c, "CG-GAS-001", 5000000, &pk),
		     YZF_ENOTFOUND);
	yzf_catalog_close(c);
	/* the content held altered behind the index's back */
	CHECK_EQ_INT(sqlite3_exec(y->db, "UPDATE refdata SET content = "
				  "CAST(replace(CAST(content AS TEXT), '一百',"
				  " '二百') AS BLOB) WHERE name = 'laws'",
				  NULL, NULL, NULL), SQLITE_OK);
	CHECK_EQ_INT(yzf_catalog_open(y, &c), YZF_ECORRUPT);
	CHECK_HAS(yzf_errmsg(y), "laws: content held does not match");
	close_term(y, p);
	y = open_term("empty", &p);
	CHECK_EQ_INT(yzf_catalog_open(y, &c), YZF_ENOTFOUND);
	CHECK_HAS(yzf_errmsg(y), "no index held");
	close_term(y, p);
}

int main(int argc, char **argv)
{
	char path[512], cmd[300];
	if (argc != 2 || sodium_init() < 0 || !mkdtemp(dir))
		return 2;
	for (int s = 0; s < NSETS; s++) {
		snprintf(path, sizeof path, "%s/%s.json", argv[1], names[s]);
		sample[s] = slurp(path);
	}
	t_authority();
	test_schemas();
	test_sample();
	test_refusals();
	test_held();
	for (int s = 0; s < NSETS; s++)
		free(sample[s]);
	yzf_buf_free(&t_trust);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done();
}

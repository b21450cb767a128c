/* The matters catalogue: the laws, matters, benchmarks and doctypes sets a
 * terminal holds, read from the store as the index held names them,
 * checked against their schemas and against one another, and answered
 * from memory. The strings handed out point into the parsed sets, which
 * the catalogue keeps for its lifetime. */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "internal.h"
#include "schema.h"

enum { S_LAWS, S_MATTERS, S_BENCH, S_DOCS, S_COUNT };
static const char *const set_names[S_COUNT] = { "laws", "matters",
						 "benchmarks", "doctypes" };
/* A terminal cannot say what a matter means without its laws; benchmarks
 * and document types may come later. */
static const bool set_required[S_COUNT] = { true, true, false, false };

static const char *const tier_names[] = { "不予", "减轻", "从轻", "一般",
					  "从重" };

struct yzf_catalog {
	cJSON *root[S_COUNT];
	int64_t version[S_COUNT];
	struct yzf_law *laws;
	size_t nlaws;
	struct yzf_matter *matters;
	size_t nmatters;
	struct yzf_benchmark *bms;
	size_t nbms;
	struct yzf_doctype *docs;
	size_t ndocs;
};

/* What is being read, so every message names the set, entry and field;
 * rc keeps the first failure and later ones are dropped. */
struct load {
	struct yzf *y;          /* NULL: sets given, errors into msg */
	char *msg;
	size_t cap;
	const struct yzf_setdata *given;
	size_t ngiven;
	struct yzf_catalog *c;
	const char *set;
	const char *entry;      /* code or id, NULL before it is known */
	size_t i;
	int rc;
};

/* yzf_fail on the terminal's context, or the caller's buffer when the
 * sets were given. */
__attribute__((format(printf, 3, 4)))
static int lfail(struct load *l, int code, const char *fmt, ...)
{
	char m[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	if (l->y)
		return yzf_fail(l->y, code, "%s", m);
	if (l->msg && l->cap)
		snprintf(l->msg, l->cap, "%s", m);
	return code;
}

__attribute__((format(printf, 4, 5)))
static void bad(struct load *l, int code, const char *field, const char *fmt,
		...)
{
	char why[256];
	va_list ap;
	if (l->rc)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	l->rc = lfail(l, code, "%s: entry %s (entries[%zu]): %s: %s",
			 l->set, l->entry ? l->entry : "?", l->i, field, why);
}

/* --- Reading fields. The schema has checked types already; these still
 * refuse what they cannot use, so code and schema cannot drift apart
 * silently. ------------------------------------------------------------- */

static const char *str(struct load *l, const cJSON *o, const char *k,
		       bool nullable)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (cJSON_IsString(v))
		return v->valuestring;
	if (!(nullable && cJSON_IsNull(v)))
		bad(l, YZF_EINVAL, k, nullable ? "not a string or null"
					       : "not a string");
	return NULL;
}

/* An integer in 0..2^53-1; YZF_NO_FEN for null where allowed. */
static int64_t num(struct load *l, const cJSON *o, const char *k,
		   bool nullable)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (nullable && cJSON_IsNull(v))
		return YZF_NO_FEN;
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 ||
	    v->valuedouble > (double)YZF_CANON_INT_MAX ||
	    v->valuedouble != (double)(int64_t)v->valuedouble) {
		bad(l, YZF_EINVAL, k, "not a whole number of 0 or more");
		return YZF_NO_FEN;
	}
	return (int64_t)v->valuedouble;
}

static bool flag(struct load *l, const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!cJSON_IsBool(v))
		bad(l, YZF_EINVAL, k, "not true or false");
	return cJSON_IsTrue(v);
}

/* An array of strings into out[0..cap); returns the count. */
static size_t strs(struct load *l, const cJSON *o, const char *k,
		   const char **out, size_t cap)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, k), *v;
	size_t n = 0;
	if (!cJSON_IsArray(a)) {
		bad(l, YZF_EINVAL, k, "not an array");
		return 0;
	}
	cJSON_ArrayForEach(v, a) {
		if (n == cap || !cJSON_IsString(v)) {
			bad(l, YZF_EINVAL, k, n == cap ? "more than %zu items"
				: "item %zu not a string", n == cap ? cap : n);
			return n;
		}
		out[n++] = v->valuestring;
	}
	return n;
}

static const char *entry_name(const cJSON *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "code");
	if (!cJSON_IsString(v))
		v = cJSON_GetObjectItemCaseSensitive(e, "id");
	if (!cJSON_IsString(v))
		v = cJSON_GetObjectItemCaseSensitive(e, "name");
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* --- Fetching and checking a set. -------------------------------------- */

/* The content held of set s into out, as the index names it (an
 * optional set it does not name: *named false). */
static int fetch(struct load *l, const struct yzf_refindex *ix, int s,
		 struct yzf_buf *out, bool *named)
{
	*named = true;
	for (size_t i = 0; i < ix->n; i++)
		if (!strcmp(ix->sets[i].name, set_names[s]))
			return yzf_refdata_read(l->y, ix, set_names[s], out,
						&l->c->version[s]);
	*named = false;
	return set_required[s] ? yzf_refdata_read(l->y, ix, set_names[s], out,
						  &l->c->version[s])
			       : YZF_OK;
}

/* Rewrite the validator's "body.entries[3].code: ..." as
 * "matters: entry SC-FOOD-001 (entries[3]): code: ...". */
static int schema_fail(struct load *l, const struct yzf_buf *b,
		       const char *msg)
{
	const char *rest = strncmp(msg, "body", 4) ? msg : msg + 4;
	const char *name = NULL;
	unsigned long i = 0;
	char *end = NULL;
	cJSON *j = NULL;
	if (!strncmp(rest, ".entries[", 9)) {
		i = strtoul(rest + 9, &end, 10);
		j = cJSON_ParseWithLengthOpts((const char *)b->p, b->len,
					      NULL, 0);
		name = entry_name(cJSON_GetArrayItem(
			cJSON_GetObjectItemCaseSensitive(j, "entries"), (int)i));
	}
	int rc;
	if (end && *end == ']')
		rc = lfail(l, YZF_EINVAL,
			      "%s: entry %s (entries[%lu])%s%s",
			      l->set, name ? name : "?", i,
			      end[1] == '.' ? ": " : "",
			      end[1] == '.' ? end + 2 : end + 1);
	else
		rc = lfail(l, YZF_EINVAL, "%s%s%s", l->set,
			      *rest == '.' ? ": " : "",
			      *rest == '.' ? rest + 1 : rest);
	cJSON_Delete(j);
	return rc;
}

static int parse_set(struct load *l, const struct yzf_schemas *reg, int s,
		     const struct yzf_buf *b)
{
	struct yzf_buf canon = { 0 };
	char msg[512];
	int rc = yzf_schemas_canon(reg, set_names[s], (const char *)b->p, b->len,
				   &canon, msg, sizeof msg);
	yzf_buf_free(&canon);
	if (rc == YZF_ENOMEM)
		return rc;
	if (rc)
		return schema_fail(l, b, msg);
	l->c->root[s] = cJSON_ParseWithLengthOpts((const char *)b->p, b->len,
						  NULL, 0);
	return l->c->root[s] ? YZF_OK : YZF_ENOMEM;
}

/* --- Filling the structs. --------------------------------------------- */

/* The entries of set s, with an array of n structs of size sz for them. */
static const cJSON *entries(struct load *l, int s, void **arr, size_t sz,
			    size_t *n)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(l->c->root[s],
							  "entries");
	l->set = set_names[s];
	*n = (size_t)cJSON_GetArraySize(a);
	*arr = calloc(*n ? *n : 1, sz);
	if (!*arr)
		l->rc = YZF_ENOMEM;
	return a;
}

/* Each entry of the set in turn, naming it for messages. */
#define EACH(l, e, a) \
	for ((l)->i = 0, (e) = (a) ? (a)->child : NULL; \
	     (e) && !(l)->rc && ((l)->entry = entry_name(e), 1); \
	     (e) = (e)->next, (l)->i++)

static void fill_laws(struct load *l)
{
	struct yzf_catalog *c = l->c;
	const cJSON *e, *a = entries(l, S_LAWS, (void **)&c->laws,
				     sizeof *c->laws, &c->nlaws);
	EACH(l, e, a) {
		struct yzf_law *w = &c->laws[l->i];
		w->id = str(l, e, "id", false);
		if (w->id && yzf_catalog_law(c, w->id) != w)
			bad(l, YZF_EINVAL, "id", "%s twice", w->id);
		w->name = str(l, e, "name", false);
		w->article = str(l, e, "article", false);
		w->text = str(l, e, "text", false);
		w->effective_from = str(l, e, "effective_from", false);
		w->effective_to = str(l, e, "effective_to", true);
		if (w->effective_from && w->effective_to &&
		    strcmp(w->effective_to, w->effective_from) < 0)
			bad(l, YZF_EINVAL, "effective_to", "%s is before "
			    "effective_from %s", w->effective_to,
			    w->effective_from);
	}
}

static bool tier_kind(const char *name, enum yzf_tier_kind *k)
{
	for (size_t i = 0; i < sizeof tier_names / sizeof *tier_names; i++)
		if (name && !strcmp(name, tier_names[i])) {
			*k = (enum yzf_tier_kind)i;
			return true;
		}
	return false;
}

static void fill_tiers(struct load *l, const cJSON *e, struct yzf_benchmark *b)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(e, "tiers"), *t;
	cJSON_ArrayForEach(t, a) {
		struct yzf_tier *x;
		if (b->ntiers == YZF_CATALOG_MAX_TIERS) {
			bad(l, YZF_EINVAL, "tiers", "more than %d",
			    YZF_CATALOG_MAX_TIERS);
			return;
		}
		x = &b->tiers[b->ntiers++];
		x->name = str(l, t, "tier", false);
		if (!l->rc && !tier_kind(x->name, &x->kind))
			bad(l, YZF_EINVAL, "tiers", "unknown tier %s", x->name);
		x->conditions = str(l, t, "conditions", false);
		x->min_fen = num(l, t, "min_fen", false);
		x->max_fen = num(l, t, "max_fen", false);
	}
}

static void fill_benchmarks(struct load *l)
{
	struct yzf_catalog *c = l->c;
	const cJSON *e, *a = entries(l, S_BENCH, (void **)&c->bms,
				     sizeof *c->bms, &c->nbms);
	EACH(l, e, a) {
		struct yzf_benchmark *b = &c->bms[l->i];
		b->id = str(l, e, "id", false);
		for (size_t k = 0; b->id && k < l->i; k++)
			if (!strcmp(c->bms[k].id, b->id))
				bad(l, YZF_EINVAL, "id", "%s twice", b->id);
		b->version = num(l, e, "version", false);
		b->matter = str(l, e, "matter", false);
		b->model = str(l, e, "model", false);
		b->issuer = str(l, e, "issuer", false);
		b->published = str(l, e, "published", false);
		b->source = str(l, e, "source", false);
		fill_tiers(l, e, b);
	}
}

/* Law ids into resolved pointers; a missing law names the field. */
static size_t refs(struct load *l, const cJSON *e, const char *k,
		   const struct yzf_law **out)
{
	const char *ids[YZF_CATALOG_MAX_REFS];
	size_t n = strs(l, e, k, ids, YZF_CATALOG_MAX_REFS);
	for (size_t i = 0; i < n && !l->rc; i++)
		if (!(out[i] = yzf_catalog_law(l->c, ids[i])))
			bad(l, YZF_EINVAL, k, "no law %s in laws", ids[i]);
	return n;
}

static void fill_matter(struct load *l, const cJSON *e, struct yzf_matter *m)
{
	m->code = str(l, e, "code", false);
	m->official_code = str(l, e, "official_code", true);
	m->name = str(l, e, "name", false);
	m->kind = str(l, e, "kind", false);
	m->sector = str(l, e, "sector", false);
	m->party = str(l, e, "party", false);
	m->nagency_kinds = strs(l, e, "agency_kinds", m->agency_kinds,
				YZF_CATALOG_MAX_AGENCY_KINDS);
	m->nviolated = refs(l, e, "violated", m->violated);
	m->npenalty = refs(l, e, "penalty", m->penalty);
	m->fine_min_fen = num(l, e, "fine_min_fen", true);
	m->fine_max_fen = num(l, e, "fine_max_fen", true);
	m->fine_note = str(l, e, "fine_note", true);
	m->npenalty_kinds = strs(l, e, "penalty_kinds", m->penalty_kinds,
				 YZF_CATALOG_MAX_KINDS);
	m->hearing_person_fen = num(l, e, "hearing_person_fen", true);
	m->hearing_org_fen = num(l, e, "hearing_org_fen", true);
	if (m->fine_min_fen != YZF_NO_FEN && m->fine_max_fen != YZF_NO_FEN &&
	    m->fine_min_fen > m->fine_max_fen)
		bad(l, YZF_EINVAL, "fine_min_fen", "above fine_max_fen");
}

/* The benchmark a matter names: present, and naming the matter back.
 * Without a benchmarks set there is nothing to resolve. */
static void link_benchmark(struct load *l, const cJSON *e,
			   struct yzf_matter *m)
{
	const char *id = str(l, e, "benchmark", true);
	if (l->rc || !id || !l->c->root[S_BENCH])
		return;
	for (size_t k = 0; k < l->c->nbms; k++)
		if (!strcmp(l->c->bms[k].id, id))
			m->benchmark = &l->c->bms[k];
	if (!m->benchmark)
		bad(l, YZF_EINVAL, "benchmark", "no benchmark %s in benchmarks",
		    id);
	else if (strcmp(m->benchmark->matter, m->code))
		bad(l, YZF_EINVAL, "benchmark", "%s is for matter %s", id,
		    m->benchmark->matter);
}

static void fill_matters(struct load *l)
{
	struct yzf_catalog *c = l->c;
	const cJSON *e, *a = entries(l, S_MATTERS, (void **)&c->matters,
				     sizeof *c->matters, &c->nmatters);
	EACH(l, e, a) {
		struct yzf_matter *m = &c->matters[l->i];
		fill_matter(l, e, m);
		if (!l->rc && yzf_catalog_matter(c, m->code) != m)
			bad(l, YZF_EINVAL, "code", "%s twice", m->code);
		link_benchmark(l, e, m);
	}
}

/* Where DOMAIN §11 puts each tier: 不予 fines nothing, 减轻 lies below the
 * statutory minimum, the others within the statutory range. A benchmark
 * that strays would let a decision look lawful that is not. */
static void check_tier(struct load *l, const struct yzf_matter *m,
		       const struct yzf_tier *t, size_t i)
{
	int64_t lo = m->fine_min_fen == YZF_NO_FEN ? 0 : m->fine_min_fen;
	char f[32];
	snprintf(f, sizeof f, "tiers[%zu]", i);
	if (t->min_fen > t->max_fen)
		bad(l, YZF_EINVAL, f, "%s: min_fen above max_fen", t->name);
	else if (t->kind == YZF_TIER_EXEMPT && t->max_fen != 0)
		bad(l, YZF_EINVAL, f, "不予 with a fine");
	else if (t->kind == YZF_TIER_MITIGATED && t->max_fen >= lo)
		bad(l, YZF_EINVAL, f, "减轻 reaches the statutory minimum %lld "
		    "fen of %s", (long long)lo, m->code);
	else if (t->kind > YZF_TIER_MITIGATED &&
		 (t->min_fen < lo || t->max_fen > m->fine_max_fen))
		bad(l, YZF_EINVAL, f, "%s %lld..%lld fen outside the statutory "
		    "range %lld..%lld of %s", t->name, (long long)t->min_fen,
		    (long long)t->max_fen, (long long)lo,
		    (long long)m->fine_max_fen, m->code);
	for (size_t k = 0; k < i; k++)
		if (l->c->bms[l->i].tiers[k].kind == t->kind)
			bad(l, YZF_EINVAL, f, "%s twice", t->name);
}

/* Every benchmark belongs to a matter with a fine range that names it. */
static void check_benchmarks(struct load *l)
{
	struct yzf_catalog *c = l->c;
	l->set = set_names[S_BENCH];
	for (l->i = 0; l->i < c->nbms && !l->rc; l->i++) {
		const struct yzf_benchmark *b = &c->bms[l->i];
		const struct yzf_matter *m = yzf_catalog_matter(c, b->matter);
		l->entry = b->id;
		if (!m)
			bad(l, YZF_EINVAL, "matter", "no matter %s in matters",
			    b->matter);
		else if (m->benchmark != b)
			bad(l, YZF_EINVAL, "matter", "%s does not name this "
			    "benchmark", b->matter);
		else if (m->fine_max_fen == YZF_NO_FEN)
			bad(l, YZF_EINVAL, "matter", "%s has no statutory fine "
			    "maximum to tier", b->matter);
		for (size_t i = 0; i < b->ntiers && !l->rc; i++)
			check_tier(l, m, &b->tiers[i], i);
	}
}

static void fill_fields(struct load *l, const cJSON *e, struct yzf_doctype *d)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(e, "fields"), *f;
	cJSON_ArrayForEach(f, a) {
		if (d->nfields == YZF_CATALOG_MAX_FIELDS) {
			bad(l, YZF_EINVAL, "fields", "more than %d",
			    YZF_CATALOG_MAX_FIELDS);
			return;
		}
		d->fields[d->nfields].key = str(l, f, "key", false);
		d->fields[d->nfields++].label = str(l, f, "label", false);
	}
}

static void fill_doctypes(struct load *l)
{
	struct yzf_catalog *c = l->c;
	const cJSON *e, *a = entries(l, S_DOCS, (void **)&c->docs,
				     sizeof *c->docs, &c->ndocs);
	EACH(l, e, a) {
		struct yzf_doctype *d = &c->docs[l->i];
		d->code = str(l, e, "code", false);
		if (d->code && yzf_catalog_doctype(c, d->code) != d)
			bad(l, YZF_EINVAL, "code", "%s twice", d->code);
		d->name = str(l, e, "name", false);
		d->stage = str(l, e, "stage", false);
		d->sector = str(l, e, "sector", true);
		d->numbered = flag(l, e, "numbered");
		d->sealed = flag(l, e, "sealed");
		d->party_signs = flag(l, e, "party_signs");
		d->servable = flag(l, e, "servable");
		d->template_version = num(l, e, "template_version", false);
		fill_fields(l, e, d);
	}
}

/* Lookups run while the arrays fill; an entry not yet filled has a NULL
 * code and is skipped. */
static void fill(struct load *l)
{
	fill_laws(l);
	if (!l->rc && l->c->root[S_BENCH])
		fill_benchmarks(l);
	if (!l->rc)
		fill_matters(l);
	if (!l->rc && l->c->root[S_BENCH])
		check_benchmarks(l);
	if (!l->rc && l->c->root[S_DOCS])
		fill_doctypes(l);
	if (l->rc == YZF_ENOMEM)
		lfail(l, YZF_ENOMEM, "%s: out of memory", l->set);
}

/* A given set's content: required ones must be there. */
static int given(struct load *l, int s, struct yzf_buf *out, bool *named)
{
	*named = false;
	for (size_t i = 0; i < l->ngiven; i++)
		if (!strcmp(l->given[i].name, set_names[s])) {
			*named = true;
			l->c->version[s] = l->given[i].version;
			yzf_buf_put(out, l->given[i].content, l->given[i].len);
			return out->oom ? YZF_ENOMEM : YZF_OK;
		}
	return set_required[s] ? lfail(l, YZF_ENOTFOUND, "%s: not published",
				       set_names[s])
			       : YZF_OK;
}

static int load_sets(struct load *l)
{
	struct yzf_refdata_state st = { 0 };
	struct yzf_schemas *reg = NULL;
	struct yzf_buf b = { 0 };
	char msg[256];
	int rc = l->y ? yzf_refdata_status(l->y, &st) : YZF_OK;
	if (!rc && l->y && !st.have_index)
		rc = lfail(l, YZF_ENOTFOUND, "reference data: no index "
			      "held (sync)");
	if (!rc && yzf_schemas_create(yzf_refdata_schemas, &reg, msg,
				      sizeof msg))
		rc = lfail(l, YZF_EINVAL, "reference data schemas: %s",
			      msg);
	for (int s = 0; !rc && s < S_COUNT; s++) {
		bool named;
		yzf_buf_reset(&b);
		l->set = set_names[s];
		rc = l->y ? fetch(l, &st.index, s, &b, &named)
			  : given(l, s, &b, &named);
		if (!rc && named)
			rc = parse_set(l, reg, s, &b);
	}
	yzf_buf_free(&b);
	yzf_schemas_destroy(reg);
	return rc;
}

int yzf_catalog_open(struct yzf *y, struct yzf_catalog **out)
{
	struct load l = { .y = y };
	*out = NULL;
	if (!(l.c = calloc(1, sizeof *l.c)))
		return yzf_fail(y, YZF_ENOMEM, "catalogue: out of memory");
	l.rc = load_sets(&l);
	if (!l.rc)
		fill(&l);
	if (l.rc) {
		if (l.rc == YZF_ENOMEM)
			yzf_fail(y, YZF_ENOMEM, "catalogue: out of memory");
		yzf_catalog_close(l.c);
		return l.rc;
	}
	*out = l.c;
	return YZF_OK;
}

int yzf_catalog_from(const struct yzf_setdata *sets, size_t n,
		     struct yzf_catalog **out, char *msg, size_t cap)
{
	struct load l = { .msg = msg, .cap = cap, .given = sets, .ngiven = n };
	*out = NULL;
	if (!(l.c = calloc(1, sizeof *l.c)))
		return lfail(&l, YZF_ENOMEM, "catalogue: out of memory");
	l.rc = load_sets(&l);
	if (!l.rc)
		fill(&l);
	if (l.rc) {
		if (l.rc == YZF_ENOMEM)
			lfail(&l, YZF_ENOMEM, "catalogue: out of memory");
		yzf_catalog_close(l.c);
		return l.rc;
	}
	*out = l.c;
	return YZF_OK;
}

void yzf_catalog_close(struct yzf_catalog *c)
{
	if (!c)
		return;
	for (int s = 0; s < S_COUNT; s++)
		cJSON_Delete(c->root[s]);
	free(c->laws);
	free(c->matters);
	free(c->bms);
	free(c->docs);
	free(c);
}

int64_t yzf_catalog_version(const struct yzf_catalog *c, const char *set)
{
	for (int s = 0; s < S_COUNT; s++)
		if (!strcmp(set, set_names[s]))
			return c->version[s];
	return 0;
}

size_t yzf_catalog_nmatters(const struct yzf_catalog *c)
{
	return c->nmatters;
}

const struct yzf_matter *yzf_catalog_matter_at(const struct yzf_catalog *c,
					       size_t i)
{
	return i < c->nmatters ? &c->matters[i] : NULL;
}

const struct yzf_matter *yzf_catalog_matter(const struct yzf_catalog *c,
					    const char *code)
{
	for (size_t i = 0; i < c->nmatters; i++)
		if (c->matters[i].code && !strcmp(c->matters[i].code, code))
			return &c->matters[i];
	return NULL;
}

const struct yzf_law *yzf_catalog_law(const struct yzf_catalog *c,
				      const char *id)
{
	for (size_t i = 0; i < c->nlaws; i++)
		if (c->laws[i].id && !strcmp(c->laws[i].id, id))
			return &c->laws[i];
	return NULL;
}

const struct yzf_doctype *yzf_catalog_doctype_at(const struct yzf_catalog *c,
						 size_t i)
{
	return i < c->ndocs ? &c->docs[i] : NULL;
}

const struct yzf_doctype *yzf_catalog_doctype(const struct yzf_catalog *c,
					      const char *code)
{
	for (size_t i = 0; i < c->ndocs; i++)
		if (c->docs[i].code && !strcmp(c->docs[i].code, code))
			return &c->docs[i];
	return NULL;
}

static unsigned char fold(unsigned char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (unsigned char)(ch - 'A' + 'a') : ch;
}

/* Byte search with ASCII folded. On valid UTF-8 a byte match is a match of
 * whole characters: lead and continuation bytes never stand in for one
 * another, and folding touches only ASCII. */
static bool contains(const char *hay, const char *needle, size_t n)
{
	for (; hay && *hay; hay++) {
		size_t k = 0;
		while (k < n && hay[k] && fold((unsigned char)hay[k]) ==
					  fold((unsigned char)needle[k]))
			k++;
		if (k == n)
			return true;
	}
	return false;
}

int yzf_catalog_search(const struct yzf_catalog *c, const char *text,
		       const struct yzf_matter **out, size_t cap, size_t *n)
{
	size_t len = text ? strlen(text) : 0;
	*n = 0;
	if (!len || !yzf_utf8_ok(text, len))
		return YZF_EINVAL;
	for (size_t i = 0; i < c->nmatters; i++) {
		const struct yzf_matter *m = &c->matters[i];
		if (!contains(m->code, text, len) &&
		    !contains(m->official_code, text, len) &&
		    !contains(m->name, text, len))
			continue;
		if (*n < cap)
			out[*n] = m;
		++*n;
	}
	return YZF_OK;
}

int yzf_catalog_tier(const struct yzf_catalog *c, const char *code,
		     int64_t amount_fen, struct yzf_tier_pick *pick)
{
	memset(pick, 0, sizeof *pick);
	if (amount_fen < 0)
		return YZF_EINVAL;
	pick->matter = yzf_catalog_matter(c, code);
	if (!pick->matter || !pick->matter->benchmark)
		return YZF_ENOTFOUND;
	const struct yzf_matter *m = pick->matter;
	const struct yzf_benchmark *b = m->benchmark;
	pick->benchmark = b;
	pick->min_fen = m->fine_min_fen == YZF_NO_FEN ? 0 : m->fine_min_fen;
	pick->max_fen = m->fine_max_fen;
	pick->below_min = amount_fen < pick->min_fen;
	pick->above_max = amount_fen > m->fine_max_fen;
	for (size_t i = 0; i < b->ntiers; i++)
		if (amount_fen >= b->tiers[i].min_fen &&
		    amount_fen <= b->tiers[i].max_fen) {
			pick->tier = &b->tiers[i];
			pick->min_fen = pick->tier->min_fen;
			pick->max_fen = pick->tier->max_fen;
			break;
		}
	return YZF_OK;
}

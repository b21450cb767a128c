/* Reference data bound by a signed snapshot index (yzf/refset.h): the
 * index format, and what a terminal takes and refuses. Every refusal is
 * asserted by its exact message, must leave the store as it was, and must
 * hold again after the store is closed and reopened. Expiry is judged on
 * attested time: a terminal whose clock is a year behind still sees an
 * index expire once the city has attested a later time. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "terminal.h"
#include "internal.h"
#include "sign.h"
#include "yzf/yzf.h"
#include "yzf_port_sim.h"

static char dir[] = "/tmp/yzf-test-refindex.XXXXXX";
static uint8_t other_sk[64];

#define DAY 86400000LL
/* 2026-11-27T09:00:00.000+08:00 */
#define T0 1795741200000LL

/* The tests' city (terminal.h): t_city_sk signs reference data;
 * other_sk is a key the terminal does not know. */
static void make_trust(void)
{
	uint8_t other_pk[32];
	t_authority();
	crypto_sign_keypair(other_pk, other_sk);
}

/* A terminal store under dir/sub on a sim clock starting at start_ms,
 * initialised with the trust bundle when first made. */
static struct yzf *open_term(const char *sub, int64_t start_ms, bool first,
			     struct yzf_port **p)
{
	struct yzf_sim_opts o = { .start_ms = start_ms };
	struct yzf_config cfg = { .terminal = "T-1", .kdf_ops = 1,
				  .kdf_mem = 8 << 20 };
	char home[256], msg[256];
	struct yzf *y = NULL;
	snprintf(home, sizeof home, "%s/%s", dir, sub);
	*p = yzf_port_sim_create(home, &o);
	CHECK(*p != NULL);
	CHECK_EQ_INT(yzf_open(*p, YZF_OPEN_CREATE, &y, msg, sizeof msg), YZF_OK);
	if (first)
		CHECK_EQ_INT(yzf_init(y, &cfg, t_trust.p, t_trust.len), YZF_OK);
	return y;
}

static void close_term(struct yzf *y, struct yzf_port *p)
{
	yzf_close(y);
	yzf_port_sim_destroy(p);
}

/* --- Building what the city signs. ------------------------------------ */

struct set {
	const char *name;
	int64_t version;
	const char *content;
};

static void set_header(const struct set *s, const char *signed_content,
		       const uint8_t *sk, struct yzf_buf *out)
{
	struct yzf_refset h = { .version = s->version, .at_ms = T0, .tz = 480 };
	snprintf(h.name, sizeof h.name, "%s", s->name);
	crypto_generichash(h.hash, 32, (const uint8_t *)signed_content,
			   strlen(signed_content), NULL, 0);
	h.size = (int64_t)strlen(signed_content);
	CHECK_EQ_INT(yzf_refset_sign_line(&h, sk, out), YZF_OK);
}

/* An index of version v naming sets[0..n) (given in name order) at
 * [at, expires], signed by sk. */
static void index_line(int64_t v, int64_t at, int64_t expires,
		       const struct set *sets, size_t n, const uint8_t *sk,
		       struct yzf_buf *out)
{
	struct yzf_refindex ix = { .version = v, .at_ms = at, .tz = 480,
				   .expires_ms = expires, .expires_tz = 480,
				   .n = n };
	for (size_t i = 0; i < n; i++) {
		struct yzf_refentry *e = &ix.sets[i];
		snprintf(e->name, sizeof e->name, "%s", sets[i].name);
		e->version = sets[i].version;
		crypto_generichash(e->hash, 32, (const uint8_t *)sets[i].content,
				   strlen(sets[i].content), NULL, 0);
		e->size = (int64_t)strlen(sets[i].content);
	}
	yzf_buf_reset(out);
	CHECK_EQ_INT(yzf_refindex_sign_line(&ix, sk, out), YZF_OK);
}

/* A delivery: an index line and up to four sets (headers and contents). */
struct delivery {
	struct yzf_buf index;
	struct yzf_buf head[4];
	struct yzf_refdata_in in[4];
	size_t n;
};

static void deliver_set(struct delivery *d, const struct set *s,
			const char *content, const uint8_t *sk)
{
	struct yzf_buf *h = &d->head[d->n];
	yzf_buf_reset(h);
	set_header(s, s->content, sk, h);
	d->in[d->n] = (struct yzf_refdata_in){ .content = (const uint8_t *)content,
					       .clen = strlen(content) };
	d->n++;
}

/* The header pointers only once every buffer stopped growing. */
static int apply(struct yzf *y, struct delivery *d,
		 struct yzf_refdata_state *st)
{
	for (size_t i = 0; i < d->n; i++) {
		d->in[i].line = d->head[i].p;
		d->in[i].llen = d->head[i].len;
	}
	return yzf_refdata_apply(y, d->index.p, d->index.len, d->in, d->n, st);
}

static void delivery_free(struct delivery *d)
{
	yzf_buf_free(&d->index);
	for (size_t i = 0; i < 4; i++)
		yzf_buf_free(&d->head[i]);
}

/* What the terminal holds, read straight from its tables as one
 * comparable string: the index version and the end of its signature, each
 * set's name, version and content. */
static void held(struct yzf *y, char *out, size_t cap)
{
	sqlite3_stmt *q;
	out[0] = 0;
	CHECK_EQ_INT(sqlite3_prepare_v2(y->db, "SELECT 'index ' || coalesce(("
					"SELECT version || ' ' || hex(substr(line, "
					"-12)) FROM refindex), 'none') || ';' || "
					"coalesce((SELECT group_concat(name || ' v' "
					"|| version || ' ' || hex(content), ';') "
					"FROM (SELECT * FROM refdata ORDER BY name)"
					"), '')", -1, &q, NULL), SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW)
		snprintf(out, cap, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
}

/* --- The format. ------------------------------------------------------ */

static const struct set M1 = { "matters", 1, "matters one" };
static const struct set M2 = { "matters", 2, "matters two" };
static const struct set M3 = { "matters", 3, "matters three" };
static const struct set L1 = { "laws", 1, "laws one" };
static const struct set L2 = { "laws", 2, "laws two" };
static const struct set P1 = { "templates", 1, "templates one" };

static void test_format(void)
{
	struct yzf_buf l = { 0 };
	struct yzf_refindex ix;
	struct yzf_canon_err e;
	uint8_t city_pk[32], other_pk[32];
	const struct set two[] = { L1, M2 };
	memcpy(city_pk, t_city_sk + 32, 32);
	memcpy(other_pk, other_sk + 32, 32);

	index_line(7, T0, T0 + 30 * DAY, two, 2, t_city_sk, &l);
	const char *want = "{\"index\":{\"v\":1,\"version\":7,\"at\":\"2026-11-"
			   "27T09:00:00.000+08:00\",\"expires\":\"2026-12-27T09"
			   ":00:00.000+08:00\",\"sets\":[{\"name\":\"laws\",\""
			   "version\":1,\"hash\":\"";
	CHECK(l.len > strlen(want) && memcmp(l.p, want, strlen(want)) == 0);
	CHECK_EQ_INT(yzf_refindex_parse(l.p, l.len, city_pk, &ix, &e), YZF_OK);
	CHECK_EQ_INT(ix.version, 7);
	CHECK_EQ_INT(ix.n, 2);
	CHECK_STR(ix.sets[0].name, "laws");
	CHECK_STR(ix.sets[1].name, "matters");
	CHECK_EQ_INT(ix.sets[1].version, 2);
	CHECK_EQ_INT(ix.sets[1].size, (int64_t)strlen(M2.content));
	CHECK_EQ_INT(ix.expires_ms, T0 + 30 * DAY);
	CHECK_EQ_INT(yzf_refindex_parse(l.p, l.len, other_pk, &ix, &e),
		     YZF_EBADSIG);
	l.p[l.len - 5] ^= 1; /* a signature hex digit */
	CHECK(yzf_refindex_parse(l.p, l.len, city_pk, &ix, &e) != YZF_OK);

	/* the signer refuses what the reader would refuse */
	struct yzf_refindex bad = { .version = 1, .at_ms = T0, .tz = 480,
				    .expires_ms = T0, .expires_tz = 480, .n = 2 };
	strcpy(bad.sets[0].name, "matters");
	strcpy(bad.sets[1].name, "laws");
	bad.sets[0].version = bad.sets[1].version = 1;
	yzf_buf_reset(&l);
	CHECK_EQ_INT(yzf_refindex_sign_line(&bad, t_city_sk, &l), YZF_EINVAL);
	strcpy(bad.sets[1].name, "matters"); /* a name twice */
	CHECK_EQ_INT(yzf_refindex_sign_line(&bad, t_city_sk, &l), YZF_EINVAL);
	strcpy(bad.sets[0].name, "laws");
	bad.expires_ms = T0 - 1;
	CHECK_EQ_INT(yzf_refindex_sign_line(&bad, t_city_sk, &l), YZF_EINVAL);
	bad.expires_ms = T0; /* expires at once: allowed */
	CHECK_EQ_INT(yzf_refindex_sign_line(&bad, t_city_sk, &l), YZF_OK);
	CHECK_EQ_INT(l.len > 0, 1);

	/* and the reader refuses them even when signed: bytes made by hand */
	static const struct {
		const char *body, *why;
	} vec[] = {
		{ "{\"v\":1,\"version\":1,\"at\":\"2026-11-27T09:00:00.000+08:00\","
		  "\"expires\":\"2026-11-27T09:00:00.000+08:00\",\"sets\":[{\"name"
		  "\":\"b\",\"version\":1,\"hash\":\"%s\",\"size\":1},{\"name\":\"a"
		  "\",\"version\":1,\"hash\":\"%s\",\"size\":1}]}",
		  "sets: not sorted by name, or a name twice" },
		{ "{\"v\":1,\"version\":1,\"at\":\"2026-11-27T09:00:00.000+08:00\","
		  "\"expires\":\"2026-11-27T09:00:00.000+08:00\",\"sets\":[{\"name"
		  "\":\"a\",\"version\":1,\"hash\":\"%s\",\"size\":1},{\"name\":\"a"
		  "\",\"version\":2,\"hash\":\"%s\",\"size\":1}]}",
		  "sets: not sorted by name, or a name twice" },
		{ "{\"v\":1,\"version\":1,\"at\":\"2026-11-27T09:00:00.000+08:00\","
		  "\"expires\":\"2026-11-27T08:59:59.999+08:00\",\"sets\":[{\"name"
		  "\":\"a\",\"version\":1,\"hash\":\"%s\",\"size\":1},{\"name\":\"b"
		  "\",\"version\":1,\"hash\":\"%s\",\"size\":1}]}",
		  "expires: before at" },
		{ "{\"v\":1,\"version\":0,\"at\":\"2026-11-27T09:00:00.000+08:00\","
		  "\"expires\":\"2026-11-27T09:00:00.000+08:00\",\"sets\":[{\"name"
		  "\":\"a\",\"version\":1,\"hash\":\"%s\",\"size\":1},{\"name\":\"b"
		  "\",\"version\":1,\"hash\":\"%s\",\"size\":1}]}",
		  NULL },
		{ "{\"v\":1,\"version\":1,\"at\":\"2026-11-27T09:00:00.000+08:00\","
		  "\"expires\":\"2026-11-27T09:00:00.000+08:00\",\"sets\":[{\"name"
		  "\":\"A\",\"version\":1,\"hash\":\"%s\",\"size\":1},{\"name\":\"b"
		  "\",\"version\":1,\"hash\":\"%s\",\"size\":1}]}",
		  "sets: name: [a-z][a-z0-9_-]{0,31}" },
	};
	char hex[65], body[1024];
	memset(hex, 'a', 64);
	hex[64] = 0;
	for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		int n = snprintf(body, sizeof body, vec[i].body, hex, hex);
		yzf_buf_reset(&l);
		CHECK_EQ_INT(yzf_sign_wrap("yzf-index-v1", "{\"index\":",
					   (uint8_t *)body, (size_t)n, t_city_sk, &l),
			     YZF_OK);
		CHECK_EQ_INT(yzf_refindex_parse(l.p, l.len, city_pk, &ix, &e),
			     YZF_ENONCANON);
		if (vec[i].why)
			CHECK_STR(e.why, vec[i].why);
	}
	/* more sets than an index may name */
	struct yzf_buf big = { 0 };
	yzf_buf_puts(&big, "{\"v\":1,\"version\":1,\"at\":\"2026-11-27T09:00:00."
		     "000+08:00\",\"expires\":\"2026-11-27T09:00:00.000+08:00\","
		     "\"sets\":[");
	for (int i = 0; i <= YZF_MAX_REFSETS; i++) {
		snprintf(body, sizeof body, "%s{\"name\":\"s%03d\",\"version\":1,"
			 "\"hash\":\"%s\",\"size\":1}", i ? "," : "", i, hex);
		yzf_buf_puts(&big, body);
	}
	yzf_buf_puts(&big, "]}");
	yzf_buf_reset(&l);
	CHECK_EQ_INT(yzf_sign_wrap("yzf-index-v1", "{\"index\":", big.p, big.len,
				   t_city_sk, &l), YZF_OK);
	CHECK_EQ_INT(yzf_refindex_parse(l.p, l.len, city_pk, &ix, &e),
		     YZF_ENONCANON);
	CHECK_STR(e.why, "sets: more than 64");
	/* an index signature never passes for a set header's, nor back */
	yzf_buf_reset(&l);
	set_header(&M1, M1.content, t_city_sk, &l);
	CHECK_EQ_INT(yzf_refindex_parse(l.p, l.len, city_pk, &ix, &e),
		     YZF_ENONCANON);
	yzf_buf_free(&big);
	yzf_buf_free(&l);
}

/* --- What a terminal takes. ------------------------------------------- */

/* One refusal: the delivery, the code and the exact message. */
struct refusal {
	const char *what;
	int rc;
	const char *msg;
};

/* Build the delivery of refusal case k (against a terminal holding index
 * 2 = {laws 1, matters 2}). */
static void refusal_case(int k, struct delivery *d)
{
	const struct set ix3[] = { L1, M3 };
	const struct set ix3p[] = { L1, M3, P1 };
	const struct set older[] = { L1, M1 };
	const struct set m2o = { "matters", 2, "matters two, other bytes" };
	const struct set same2[] = { L1, m2o };
	const struct set ix2[] = { L1, M2 };
	d->n = 0;
	switch (k) {
	case 0: /* the index of version 1 again */
		index_line(1, T0, T0 + 30 * DAY, &M1, 1, t_city_sk, &d->index);
		break;
	case 1: /* version 2 re-signed with another expiry */
		index_line(2, T0, T0 + 31 * DAY, ix2, 2, t_city_sk, &d->index);
		break;
	case 2: /* an older set than the index names */
		index_line(3, T0, T0 + 30 * DAY, ix3, 2, t_city_sk, &d->index);
		deliver_set(d, &M2, M2.content, t_city_sk);
		break;
	case 3: { /* the version the index names, other bytes */
		const struct set evil = { "matters", 3, "matters THREE" };
		index_line(3, T0, T0 + 30 * DAY, ix3, 2, t_city_sk, &d->index);
		deliver_set(d, &evil, evil.content, t_city_sk);
		break;
	}
	case 4: /* a set the index does not name */
		index_line(3, T0, T0 + 30 * DAY, ix3, 2, t_city_sk, &d->index);
		deliver_set(d, &P1, P1.content, t_city_sk);
		break;
	case 5: /* an index signed by another key */
		index_line(3, T0, T0 + 30 * DAY, ix3, 2, other_sk, &d->index);
		deliver_set(d, &M3, M3.content, t_city_sk);
		break;
	case 6: /* a set signed by another key */
		index_line(3, T0, T0 + 30 * DAY, ix3, 2, t_city_sk, &d->index);
		deliver_set(d, &M3, M3.content, other_sk);
		break;
	case 7: /* the index names an older set, and it comes */
		index_line(3, T0, T0 + 30 * DAY, older, 2, t_city_sk, &d->index);
		deliver_set(d, &M1, M1.content, t_city_sk);
		break;
	case 8: /* the version held, other bytes */
		index_line(3, T0, T0 + 30 * DAY, same2, 2, t_city_sk, &d->index);
		deliver_set(d, &m2o, m2o.content, t_city_sk);
		break;
	case 9: /* content not as its header says */
		index_line(3, T0, T0 + 30 * DAY, ix3, 2, t_city_sk, &d->index);
		deliver_set(d, &M3, "matters four", t_city_sk);
		break;
	case 10: /* a good set first, then a bad one: neither is kept */
		index_line(3, T0, T0 + 30 * DAY, ix3p, 3, t_city_sk, &d->index);
		deliver_set(d, &P1, P1.content, t_city_sk);
		deliver_set(d, &M2, M2.content, t_city_sk);
		break;
	case 11: /* one set twice */
		index_line(3, T0, T0 + 30 * DAY, ix3, 2, t_city_sk, &d->index);
		deliver_set(d, &M3, M3.content, t_city_sk);
		deliver_set(d, &M3, M3.content, t_city_sk);
		break;
	}
}

static const struct refusal refusals[] = {
	{ "index rollback", YZF_ESTATE, "reference data index: version 1 is "
	  "older than the version 2 held: rollback refused" },
	{ "same index version, other bytes", YZF_ESTATE, "reference data "
	  "index: version 2 differs from the version 2 held: same version, "
	  "different bytes refused" },
	{ "mix-and-match: version", YZF_EINVAL, "reference data matters: "
	  "version 2 is not the version 3 that index version 3 names: "
	  "mix-and-match refused" },
	{ "mix-and-match: hash", YZF_EINVAL, "reference data matters version "
	  "3: hash or size is not the one index version 3 names: mix-and-match "
	  "refused" },
	{ "mix-and-match: not named", YZF_EINVAL, "reference data templates: "
	  "not named by index version 3: mix-and-match refused" },
	{ "unknown key: index", YZF_EBADSIG, "reference data index: the "
	  "signature does not verify under the pinned city key: unknown "
	  "signing key" },
	{ "unknown key: set", YZF_EBADSIG, "reference data matters version 3: "
	  "the header signature does not verify under the pinned city key: "
	  "unknown signing key" },
	{ "set rollback", YZF_ESTATE, "reference data matters: version 1 is "
	  "older than the version 2 held: rollback refused" },
	{ "same set version, other bytes", YZF_ESTATE, "reference data "
	  "matters: version 2 differs from the version 2 held: same version, "
	  "different bytes refused" },
	{ "content", YZF_ECORRUPT, "reference data matters version 3: the "
	  "content does not match its signed hash and size" },
	{ "all or nothing", YZF_EINVAL, "reference data matters: version 2 is "
	  "not the version 3 that index version 3 names: mix-and-match "
	  "refused" },
	{ "sent twice", YZF_EINVAL, "reference data matters: sent twice" },
};

static void check_refusals(struct yzf *y, const char *before)
{
	char after[512];
	for (int k = 0; k < (int)(sizeof refusals / sizeof refusals[0]); k++) {
		struct delivery d = { 0 };
		struct yzf_refdata_state st;
		refusal_case(k, &d);
		int rc = apply(y, &d, &st);
		if (rc != refusals[k].rc)
			fprintf(stderr, "case %d (%s):\n", k, refusals[k].what);
		CHECK_EQ_INT(rc, refusals[k].rc);
		CHECK_STR(yzf_errmsg(y), refusals[k].msg);
		held(y, after, sizeof after);
		CHECK_STR(after, before); /* nothing written */
		delivery_free(&d);
	}
	/* sets never come without an index */
	struct yzf_refdata_in in = { .line = (const uint8_t *)"x", .llen = 1 };
	CHECK_EQ_INT(yzf_refdata_apply(y, NULL, 0, &in, 1, NULL), YZF_EINVAL);
	CHECK_STR(yzf_errmsg(y), "reference data: 1 sets came without an index: "
		  "refused");
}

static void test_terminal(void)
{
	struct yzf_port *p;
	struct yzf_refdata_state st;
	struct yzf_refheld h;
	struct delivery d = { 0 };
	char before[512], after[512];
	const struct set ix2[] = { L1, M2 };
	struct yzf *y = open_term("t", T0, true, &p);

	/* index 1 with matters 1, then index 2 with laws 1 and matters 2 */
	index_line(1, T0, T0 + 30 * DAY, &M1, 1, t_city_sk, &d.index);
	deliver_set(&d, &M1, M1.content, t_city_sk);
	CHECK_EQ_INT(apply(y, &d, &st), YZF_OK);
	CHECK(st.fresh && st.have_index && !st.expired);
	CHECK_EQ_INT(st.index.version, 1);
	CHECK(d.in[0].stored);
	d.n = 0;
	index_line(2, T0, T0 + 30 * DAY, ix2, 2, t_city_sk, &d.index);
	deliver_set(&d, &M2, M2.content, t_city_sk);
	deliver_set(&d, &L1, L1.content, t_city_sk);
	CHECK_EQ_INT(apply(y, &d, &st), YZF_OK);
	CHECK_EQ_INT(st.index.version, 2);
	CHECK_EQ_INT(st.held, 2);
	CHECK_EQ_INT(st.stale, 0);
	CHECK_EQ_INT(st.missing, 0);
	CHECK_STR(d.in[0].set.name, "matters");
	/* the same index again, and a set held already: harmless */
	CHECK_EQ_INT(apply(y, &d, &st), YZF_OK);
	CHECK(!st.fresh && !d.in[0].stored && !d.in[1].stored);
	held(y, before, sizeof before);

	/* every refusal, then again after a restart */
	check_refusals(y, before);
	close_term(y, p);
	y = open_term("t", T0, false, &p);
	held(y, after, sizeof after);
	CHECK_STR(after, before);
	check_refusals(y, before);
	/* the store itself keeps the held index from rolling back */
	CHECK(sqlite3_exec(y->db, "UPDATE refindex SET version = 1", NULL, NULL,
			   NULL) != SQLITE_OK);
	CHECK(sqlite3_exec(y->db, "DELETE FROM refindex", NULL, NULL, NULL) !=
	      SQLITE_OK);

	/* index 3 with matters 3 */
	const struct set ix3[] = { L1, M3 };
	d.n = 0;
	index_line(3, T0, T0 + 30 * DAY, ix3, 2, t_city_sk, &d.index);
	deliver_set(&d, &M3, M3.content, t_city_sk);
	CHECK_EQ_INT(apply(y, &d, &st), YZF_OK);
	CHECK(st.fresh);
	held(y, after, sizeof after);
	CHECK(strncmp(after, "index 3 ", 8) == 0);
	CHECK_HAS(after, ";laws v1 ");
	CHECK_HAS(after, ";matters v3 ");

	/* stale and missing: reported, not refused */
	d.n = 0;
	index_line(4, T0, T0 + 30 * DAY, &M3, 1, t_city_sk, &d.index);
	CHECK_EQ_INT(apply(y, &d, &st), YZF_OK); /* laws no longer named */
	CHECK_EQ_INT(st.held, 2);
	CHECK_EQ_INT(st.stale, 1);
	CHECK_EQ_INT(yzf_refdata_held(y, 0, &h), YZF_OK);
	CHECK_STR(h.name, "laws");
	CHECK(!h.matches);
	CHECK_EQ_INT(h.indexed, 0);
	CHECK_EQ_INT(yzf_refdata_held(y, 1, &h), YZF_OK);
	CHECK_STR(h.name, "matters");
	CHECK(h.matches);
	CHECK_EQ_INT(h.indexed, 3);
	CHECK_EQ_INT(yzf_refdata_held(y, 2, &h), YZF_ENOTFOUND);
	const struct set ix5[] = { L2, M3, P1 };
	index_line(5, T0, T0 + 30 * DAY, ix5, 3, t_city_sk, &d.index);
	CHECK_EQ_INT(apply(y, &d, &st), YZF_OK); /* named at another version */
	CHECK_EQ_INT(st.stale, 1);
	CHECK_EQ_INT(st.missing, 1); /* templates */
	CHECK_EQ_INT(yzf_refdata_held(y, 0, &h), YZF_OK);
	CHECK_EQ_INT(h.indexed, 2);
	CHECK(!h.matches);
	close_term(y, p);
	y = open_term("t", T0, false, &p);
	CHECK_EQ_INT(yzf_refdata_status(y, &st), YZF_OK);
	CHECK_EQ_INT(st.index.version, 5);
	CHECK_EQ_INT(st.stale, 1);
	CHECK_EQ_INT(st.missing, 1);
	/* the sets follow: all current again */
	deliver_set(&d, &L2, L2.content, t_city_sk);
	deliver_set(&d, &P1, P1.content, t_city_sk);
	CHECK_EQ_INT(apply(y, &d, &st), YZF_OK);
	CHECK(!st.fresh);
	CHECK_EQ_INT(st.held, 3);
	CHECK_EQ_INT(st.stale, 0);
	CHECK_EQ_INT(st.missing, 0);
	delivery_free(&d);
	close_term(y, p);
}

/* --- Expiry, on attested time. ---------------------------------------- */

static void test_expiry(void)
{
	struct yzf_port *p;
	struct yzf_refdata_state st;
	struct delivery d = { 0 };
	const int64_t expires = T0 + 30 * DAY;

	/* past its expires by the terminal's clock: accepted, flagged */
	struct yzf *y = open_term("old", expires + DAY, true, &p);
	index_line(1, T0, expires, &M1, 1, t_city_sk, &d.index);
	deliver_set(&d, &M1, M1.content, t_city_sk);
	CHECK_EQ_INT(apply(y, &d, &st), YZF_OK);
	CHECK(st.fresh && st.expired && !st.attested);
	int64_t v;
	CHECK_EQ_INT(yzf_refset_version(y, "matters", &v), YZF_OK);
	CHECK_EQ_INT(v, 1);
	close_term(y, p);

	/* a clock a year behind: the index looks current to the clock... */
	y = open_term("behind", expires - 365 * DAY, true, &p);
	CHECK_EQ_INT(apply(y, &d, &st), YZF_OK);
	CHECK(st.fresh && !st.expired && !st.attested);
	CHECK_EQ_INT(yzf_refdata_status(y, &st), YZF_OK);
	CHECK(!st.expired);
	/* ...until the city attests a time after expiry, the clock still a
	 * year behind */
	CHECK_EQ_INT(yzf_attest(y, expires + 3600000, 480), YZF_OK);
	CHECK_EQ_INT(yzf_refdata_status(y, &st), YZF_OK);
	CHECK(st.expired && st.attested);
	CHECK(st.now_ms >= expires + 3600000);
	CHECK(st.now_ms < expires + 3600000 + DAY); /* not the clock either */
	CHECK_EQ_INT(apply(y, &d, &st), YZF_OK); /* the same index: flagged */
	CHECK(!st.fresh && st.expired && st.attested);
	close_term(y, p);
	/* and after a restart, the clock still behind */
	y = open_term("behind", expires - 365 * DAY, false, &p);
	CHECK_EQ_INT(yzf_refdata_status(y, &st), YZF_OK);
	CHECK(st.expired && st.attested);
	/* a renewed index is current again, on the same attested time */
	index_line(2, expires, expires + 30 * DAY, &M1, 1, t_city_sk, &d.index);
	d.n = 0;
	CHECK_EQ_INT(apply(y, &d, &st), YZF_OK);
	CHECK(st.fresh && !st.expired && st.attested);
	delivery_free(&d);
	close_term(y, p);
}

int main(void)
{
	char cmd[300];
	if (sodium_init() < 0 || !mkdtemp(dir))
		return 2;
	make_trust();
	test_format();
	test_terminal();
	test_expiry();
	yzf_buf_free(&t_trust);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done();
}

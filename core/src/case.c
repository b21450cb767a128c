/* case.c — the case fold and the legal guards of each step.
 *
 * The fold sorts the records into one canonical order, so that the state
 * never depends on the order they arrived in, and replays them through the
 * same guards a terminal runs before writing a step: the law is checked by
 * one piece of code whether a step is proposed or already history. History
 * is never refused, only marked. Times are UTC ms; legal days are Beijing
 * days (UTC+8, no daylight saving), the start day excluded.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include <sodium.h>

#include "util.h"
#include "yzf/case.h"
#include "yzf/evidence.h"
#include "yzf/recording.h"
#include "yzf/cert.h"

#define DAY_MS 86400000LL
#define HOUR_MS 3600000LL
#define BJ_OFF_MS (8 * HOUR_MS)
#define WORD_MAX 24

#if defined(__GNUC__) || defined(__clang__)
#define PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF(f, a)
#endif

static const char *const step_names[YZF_STEP_COUNT] = {
	"case.open", "case.file", "case.notify", "case.hearing_request",
	"case.hearing", "case.review", "case.decide", "case.serve",
	"case.pay", "case.measure", "case.extend", "case.release",
	"case.cosign", "case.close", "case.order_correct", "case.exit",
};

static const char *const kind_names[] = {
	"", "INSPECTION", "PENALTY_SIMPLE", "PENALTY_ORDINARY",
	"COERCIVE_MEASURE",
};

/* The article texts the guards cite, once each. */
#define ART_PLATFORM13 "《广东省一体化行政执法平台管理办法》第十三条"
#define ART_PLATFORM26 "《广东省一体化行政执法平台管理办法》第二十六条"
#define ART_PLATFORM33 "《广东省一体化行政执法平台管理办法》第三十三条"
#define ART_PEN4 "行政处罚法第四条"
#define ART_PEN34 "行政处罚法第三十四条"
#define ART_PEN42 "行政处罚法第四十二条"
#define ART_PEN44 "行政处罚法第四十四条、第六十二条"
#define ART_PEN51 "行政处罚法第五十一条"
#define ART_PEN57 "行政处罚法第五十七条"
#define ART_PEN58 "行政处罚法第五十八条"
#define ART_PEN60 "行政处罚法第六十条"
#define ART_PEN61 "行政处罚法第六十一条"
#define ART_PEN63 "行政处罚法第六十三条"
#define ART_PEN64 "行政处罚法第六十四条"
#define ART_COE18 "行政强制法第十八条"
#define ART_COE25 "行政强制法第二十五条"
#define ART_COE43 "行政强制法第四十三条"

/* A step's body, parsed: the union of every type's fields. */
struct body {
	enum yzf_case_kind kind;
	char matter[YZF_CASE_MATTER_MAX];
	char party_kind[16];
	char party_name[YZF_CASE_NAME_MAX];
	char party_id[YZF_CASE_PARTY_ID_MAX];
	bool major;
	char penalty[16];
	int64_t amount;
	bool offers_hearing;
	char word[WORD_MAX]; /* the type's one enum: choice, outcome, ... */
	char tier[YZF_CASE_TIER_NAME_MAX];
	char reason[YZF_CASE_MSG_MAX];
	int64_t days;        /* term_days, extension days, due_days */
	int64_t date_day;    /* case.serve: Beijing day number of `date` */
	bool has_id, has_target;
	uint8_t tid[YZF_ID_LEN];
	uint8_t tfeed[YZF_KEY_LEN];
	int64_t tseq;
	char to[128];        /* case.exit: where a transfer goes */
	size_t nevid;        /* case.decide: the evidence relied on */
	uint8_t evid[YZF_CASE_DECIDE_EVIDENCE_MAX][YZF_ID_LEN];
};

static void msgf(char *msg, size_t cap, const char *fmt, ...) PRINTF(3, 4);
static void msgf(char *msg, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (!msg || !cap)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, cap, fmt, ap);
	va_end(ap);
}

int yzf_case_step_of(const char *type)
{
	if (!type)
		return -1;
	for (int i = 0; i < YZF_STEP_COUNT; i++)
		if (strcmp(type, step_names[i]) == 0)
			return i;
	return -1;
}

const char *yzf_case_step_name(enum yzf_case_step s)
{
	if ((int)s < 0 || s >= YZF_STEP_COUNT)
		return NULL;
	return step_names[s];
}

/* Floor division, so that days before 1970 still count right. */
static int64_t bj_day(int64_t ms)
{
	int64_t t = ms + BJ_OFF_MS;
	return t >= 0 ? t / DAY_MS : -((-t + DAY_MS - 1) / DAY_MS);
}

/* End (exclusive) of a Beijing day, in UTC ms. */
static int64_t day_end(int64_t day)
{
	return (day + 1) * DAY_MS - BJ_OFF_MS;
}

static int bj_hour(int64_t ms)
{
	int64_t t = ms + BJ_OFF_MS - bj_day(ms) * DAY_MS;
	return (int)(t / HOUR_MS);
}

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). */
static int64_t civil_day(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* ---- bodies ---- */

static bool get_str(const cJSON *o, const char *key, char *out, size_t cap,
		    bool required)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	out[0] = '\0';
	if (!v)
		return !required;
	if (!cJSON_IsString(v) || strlen(v->valuestring) >= cap)
		return false;
	memcpy(out, v->valuestring, strlen(v->valuestring) + 1);
	return true;
}

/* Integers only: the schema refuses fractions, and fen are below 2^53. */
static bool get_int(const cJSON *o, const char *key, int64_t *out,
		    bool required)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	*out = 0;
	if (!v)
		return !required;
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 ||
	    v->valuedouble > 9007199254740991.0)
		return false;
	*out = (int64_t)v->valuedouble;
	return (double)*out == v->valuedouble;
}

/* A count of days a term or extension can have: the schemas allow at most
 * 30 and 90; bodies from elsewhere are bounded so that dates added up
 * from them stay dates. */
static bool days_ok(const struct body *b)
{
	return b->days > 0 && b->days <= YZF_MAX_CALENDAR_SPAN;
}

static bool get_bool(const cJSON *o, const char *key, bool *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	*out = cJSON_IsTrue(v);
	return cJSON_IsBool(v);
}

static bool get_hex(const cJSON *o, const char *key, uint8_t out[32],
		    bool *has)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	*has = v != NULL;
	if (!v)
		return true;
	return cJSON_IsString(v) &&
	       yzf_unhex(v->valuestring, strlen(v->valuestring), out, 32);
}

static bool parse_open(const cJSON *o, struct body *b)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "party");
	char kind[24];

	if (!get_str(o, "kind", kind, sizeof kind, true) ||
	    !get_str(o, "matter", b->matter, sizeof b->matter, true) ||
	    !cJSON_IsObject(p) ||
	    !get_str(p, "kind", b->party_kind, sizeof b->party_kind, true) ||
	    !get_str(p, "name", b->party_name, sizeof b->party_name, true) ||
	    !get_str(p, "id", b->party_id, sizeof b->party_id, true))
		return false;
	for (size_t i = 1; i < sizeof kind_names / sizeof *kind_names; i++)
		if (strcmp(kind, kind_names[i]) == 0)
			b->kind = (enum yzf_case_kind)i;
	return b->kind != YZF_CASE_KIND_NONE;
}

static bool parse_notify(const cJSON *o, struct body *b)
{
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(o, "rights"), *e;

	if (!get_str(o, "penalty", b->penalty, sizeof b->penalty, true) ||
	    !get_int(o, "amount_fen", &b->amount, true) || !cJSON_IsArray(r))
		return false;
	cJSON_ArrayForEach(e, r)
		if (cJSON_IsString(e) && strcmp(e->valuestring, "hearing") == 0)
			b->offers_hearing = true;
	return true;
}

static bool parse_decide(const cJSON *o, struct body *b)
{
	const cJSON *ev = cJSON_GetObjectItemCaseSensitive(o, "evidence"), *h;
	cJSON_ArrayForEach(h, ev) {
		if (!cJSON_IsString(h) || strlen(h->valuestring) != 64 ||
		    b->nevid == YZF_CASE_DECIDE_EVIDENCE_MAX ||
		    sodium_hex2bin(b->evid[b->nevid], YZF_ID_LEN, h->valuestring,
				   64, NULL, NULL, NULL) != 0)
			return false;
		b->nevid++;
	}
	return get_str(o, "penalty", b->penalty, sizeof b->penalty, true) &&
	       get_int(o, "amount_fen", &b->amount, true) &&
	       get_str(o, "tier", b->tier, sizeof b->tier, true) &&
	       get_str(o, "reason", b->reason, sizeof b->reason, false);
}

static bool parse_serve(const cJSON *o, struct body *b)
{
	char date[16];
	int y, m, d;
	const cJSON *rc = cJSON_GetObjectItemCaseSensitive(o, "receipt");

	/* the receipt's photo rides in the evidence list: one item */
	if (rc && (!cJSON_IsString(rc) || strlen(rc->valuestring) != 64 ||
		   sodium_hex2bin(b->evid[0], YZF_ID_LEN, rc->valuestring, 64,
				  NULL, NULL, NULL) != 0))
		return false;
	b->nevid = rc ? 1 : 0;

	if (!get_str(o, "method", b->word, sizeof b->word, true) ||
	    !get_str(o, "date", date, sizeof date, true) ||
	    sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	b->date_day = civil_day(y, m, d);
	return true;
}

/* A cosign names its record by id, or by feed and seq. */
static bool parse_cosign(const cJSON *o, struct body *b)
{
	bool has_feed;

	if (!get_hex(o, "id", b->tid, &b->has_id) ||
	    !get_hex(o, "feed", b->tfeed, &has_feed) ||
	    !get_int(o, "seq", &b->tseq, false))
		return false;
	if (has_feed != (b->tseq > 0))
		return false;
	b->has_target = b->has_id || has_feed;
	return b->has_target;
}

static bool parse_step(int step, const cJSON *o, struct body *b)
{
	switch (step) {
	case YZF_STEP_OPEN:
		return parse_open(o, b);
	case YZF_STEP_FILE:
		return get_bool(o, "major", &b->major);
	case YZF_STEP_NOTIFY:
		return parse_notify(o, b);
	case YZF_STEP_HEARING_REQUEST:
		return get_str(o, "choice", b->word, sizeof b->word, true);
	case YZF_STEP_HEARING:
		return get_str(o, "outcome", b->word, sizeof b->word, true);
	case YZF_STEP_REVIEW:
	case YZF_STEP_CLOSE:
		return get_str(o, "result", b->word, sizeof b->word, true);
	case YZF_STEP_DECIDE:
		return parse_decide(o, b);
	case YZF_STEP_SERVE:
		return parse_serve(o, b);
	case YZF_STEP_PAY:
		return get_int(o, "amount_fen", &b->amount, true);
	case YZF_STEP_MEASURE:
		return get_str(o, "measure", b->word, sizeof b->word, true) &&
		       get_int(o, "term_days", &b->days, true) && days_ok(b);
	case YZF_STEP_EXTEND:
		return get_str(o, "of", b->word, sizeof b->word, true) &&
		       get_int(o, "days", &b->days, true) && days_ok(b);
	case YZF_STEP_RELEASE:
		return get_str(o, "reason", b->word, sizeof b->word, true);
	case YZF_STEP_COSIGN:
		return parse_cosign(o, b);
	case YZF_STEP_ORDER_CORRECT:
		return get_int(o, "due_days", &b->days, true) &&
		       b->days <= YZF_MAX_CALENDAR_SPAN;
	case YZF_STEP_EXIT:
		return get_str(o, "kind", b->word, sizeof b->word, true) &&
		       get_str(o, "reason", b->reason, sizeof b->reason, true) &&
		       get_str(o, "to", b->to, sizeof b->to, false);
	}
	return false;
}

static int parse_body(const struct yzf_case_rec *r, int *step,
		      struct body *b)
{
	cJSON *o;
	bool ok;

	memset(b, 0, sizeof *b);
	*step = yzf_case_step_of(r->type);
	if (*step < 0 || !r->body)
		return YZF_EINVAL;
	o = cJSON_ParseWithLength((const char *)r->body, r->body_len);
	if (!o)
		return YZF_EINVAL;
	ok = cJSON_IsObject(o) && parse_step(*step, o, b);
	cJSON_Delete(o);
	return ok ? YZF_OK : YZF_EINVAL;
}

/* ---- order: which step may follow which ---- */

static const char *order_simple(const struct yzf_case *st, int step)
{
	switch (step) {
	case YZF_STEP_NOTIFY:
		return st->ndecisions ? "告知 comes before the decision" : NULL;
	case YZF_STEP_DECIDE:
		return st->notified_ms ? NULL :
		       "refused: no decision before 告知 (" ART_PEN44 ")";
	case YZF_STEP_SERVE:
	case YZF_STEP_PAY:
		return st->ndecisions ? NULL : "there is no decision yet";
	case YZF_STEP_CLOSE:
		return st->served_ms ? NULL : "the decision is not served";
	case YZF_STEP_ORDER_CORRECT:
		return NULL;
	}
	return "not a step of the simple procedure (" ART_PEN51 ")";
}

static const char *order_ordinary(const struct yzf_case *st, int step)
{
	if (st->exit_kind[0])
		return step == YZF_STEP_CLOSE ? NULL :
		       "the case has ended without a penalty (case.exit): "
		       "only 结案 is left";
	if (step == YZF_STEP_EXIT)
		return st->ndecisions ? "the case is already decided" : NULL;
	if (step != YZF_STEP_FILE && step != YZF_STEP_ORDER_CORRECT &&
	    !st->filed_ms)
		return "the case is not filed (立案) yet";
	switch (step) {
	case YZF_STEP_FILE:
		return st->filed_ms ? "the case is already filed" : NULL;
	case YZF_STEP_NOTIFY:
	case YZF_STEP_REVIEW:
	case YZF_STEP_EXTEND:
		return st->ndecisions ? "the case is already decided" : NULL;
	case YZF_STEP_HEARING_REQUEST:
		if (!st->hearing_offered)
			return "no hearing was offered in 告知";
		return st->ndecisions || st->hearing_requested ||
		       st->hearing_waived ? "the hearing request is closed" :
		       NULL;
	case YZF_STEP_HEARING:
		return st->hearing_requested && !st->hearing_held &&
		       !st->ndecisions ? NULL : "no hearing is pending";
	case YZF_STEP_DECIDE:
		return st->notified_ms ? NULL :
		       "refused: no decision before 告知 (" ART_PEN44 ")";
	case YZF_STEP_SERVE:
	case YZF_STEP_PAY:
		return st->ndecisions ? NULL : "there is no decision yet";
	case YZF_STEP_CLOSE:
		return st->served_ms || st->exit_kind[0]
			       ? NULL : "the decision is not served";
	case YZF_STEP_ORDER_CORRECT:
		return NULL;
	}
	return "not a step of the general procedure";
}

static const char *order_coercive(const struct yzf_case *st, int step)
{
	bool active = st->measure_from_ms && !st->measure_released;

	switch (step) {
	case YZF_STEP_MEASURE:
		return st->measure_from_ms ? "the measure is already taken" :
		       NULL;
	case YZF_STEP_EXTEND:
	case YZF_STEP_RELEASE:
		return active ? NULL : "no measure is in force";
	case YZF_STEP_CLOSE:
		return st->measure_released ? NULL :
		       "the measure is not released";
	}
	return "not a step of a coercive measure";
}

static const char *order_inspection(int step)
{
	if (step == YZF_STEP_ORDER_CORRECT || step == YZF_STEP_CLOSE)
		return NULL;
	return "not a step of an inspection; open a penalty or coercion case";
}

/* Why `step` cannot come next, or NULL if its order is right. Time, role
 * and body rules are the guards' (check_body). */
static const char *order(const struct yzf_case *st, int step)
{
	if (!st->opened)
		return step == YZF_STEP_OPEN ? NULL :
		       "the case is not opened (case.open comes first)";
	if (step == YZF_STEP_OPEN)
		return "the case is already opened";
	if (st->closed)
		return "the case is closed";
	if (step == YZF_STEP_COSIGN)
		return NULL;
	switch (st->kind) {
	case YZF_CASE_INSPECTION:
		return order_inspection(step);
	case YZF_CASE_PENALTY_SIMPLE:
		return order_simple(st, step);
	case YZF_CASE_PENALTY_ORDINARY:
		return order_ordinary(st, step);
	case YZF_CASE_COERCIVE_MEASURE:
		return order_coercive(st, step);
	case YZF_CASE_KIND_NONE:
		break;
	}
	return "the case has no kind";
}

/* ---- guards on time, roles and content ---- */

static bool is_person(const struct yzf_case *st)
{
	/* 个体工商户 answers as a natural person (民法典第五十六条). */
	return strcmp(st->party_kind, "person") == 0 ||
	       strcmp(st->party_kind, "sole_trader") == 0;
}

static int guard_simple_limit(const struct yzf_case *st, int64_t fen,
			      char *msg, size_t cap)
{
	int64_t lim = is_person(st) ? YZF_CASE_SIMPLE_PERSON_FEN :
				      YZF_CASE_SIMPLE_ORG_FEN;

	if (st->kind != YZF_CASE_PENALTY_SIMPLE || fen <= lim)
		return YZF_OK;
	msgf(msg, cap, "refused: the simple procedure allows a fine of at "
	     "most %lld yuan for %s, not %lld.%02lld (" ART_PEN51 ")",
	     (long long)(lim / 100), is_person(st) ? "a natural person" :
	     "an organisation", (long long)(fen / 100),
	     (long long)(fen % 100));
	return YZF_ESTATE;
}

static int guard_open(const struct body *b, const struct yzf_case_ctx *ctx,
		      char *msg, size_t cap)
{
	struct yzf_case_matter m;

	if (ctx->matter(ctx->ctx, b->matter, &m) != YZF_OK) {
		msgf(msg, cap, "refused: matter %s is not in the matters "
		     "catalogue (" ART_PLATFORM13 ")", b->matter);
		return YZF_ENOTFOUND;
	}
	return YZF_OK;
}

/* 较大数额: the matter's own threshold for the party's kind when the
 * catalogue names one, else the configured one. */
static int64_t hearing_threshold(const struct yzf_case *st,
				 const struct yzf_case_ctx *ctx)
{
	struct yzf_case_matter m;
	bool person = strcmp(st->party_kind, "person") == 0 ||
		      strcmp(st->party_kind, "sole_trader") == 0;
	memset(&m, 0, sizeof m);
	if (ctx->matter(ctx->ctx, st->matter, &m) == YZF_OK) {
		int64_t t = person ? m.hearing_person_fen : m.hearing_org_fen;
		if (t > 0)
			return t;
	}
	return ctx->hearing_fen;
}

/* A fine at or above the threshold, or a licence taken, must be offered a
 * hearing. */
static int guard_notify(const struct yzf_case *st, const struct body *b,
			const struct yzf_case_ctx *ctx, char *msg, size_t cap)
{
	bool needs;

	if (guard_simple_limit(st, b->amount, msg, cap))
		return YZF_ESTATE;
	needs = st->kind == YZF_CASE_PENALTY_ORDINARY &&
		((strcmp(b->penalty, "fine") == 0 &&
		  b->amount >= hearing_threshold(st, ctx)) ||
		 strcmp(b->penalty, "suspension") == 0 ||
		 strcmp(b->penalty, "revocation") == 0);
	if (needs && !b->offers_hearing) {
		msgf(msg, cap, "refused: the party must be told of the right "
		     "to a hearing (" ART_PEN63 ")");
		return YZF_ESTATE;
	}
	return YZF_OK;
}

static const struct yzf_case_tier *
find_tier(const struct yzf_case_matter *m, const char *name)
{
	for (size_t i = 0; i < m->ntiers && i < YZF_CASE_TIERS_MAX; i++)
		if (strcmp(m->tiers[i].name, name) == 0)
			return &m->tiers[i];
	return NULL;
}

/* Whether the amount lies outside the tier it names. An unknown tier or
 * matter counts as outside: nothing shows the fine is proportionate. */
static bool outside_tier(const struct yzf_case *st, const struct body *b,
			 const struct yzf_case_ctx *ctx)
{
	struct yzf_case_matter m;
	const struct yzf_case_tier *t;

	if (strcmp(b->penalty, "fine") != 0)
		return false;
	memset(&m, 0, sizeof m);
	if (ctx->matter(ctx->ctx, st->matter, &m) != YZF_OK)
		return true;
	t = find_tier(&m, b->tier);
	return !t || b->amount < t->min_fen || b->amount > t->max_fen;
}

/* Above the statutory maximum no tier or reason helps; below the minimum
 * is 减轻处罚 (行政处罚法第三十二条), left to the tier check. */
static int guard_statutory(const struct yzf_case *st, const struct body *b,
			   const struct yzf_case_ctx *ctx, char *msg,
			   size_t cap)
{
	struct yzf_case_matter m;

	memset(&m, 0, sizeof m);
	if (strcmp(b->penalty, "fine") != 0 ||
	    ctx->matter(ctx->ctx, st->matter, &m) != YZF_OK ||
	    b->amount <= m.fine_max_fen)
		return YZF_OK;
	msgf(msg, cap, "refused: the fine exceeds the statutory maximum of "
	     "matter %s (" ART_PEN4 ")", st->matter);
	return YZF_ESTATE;
}

static int guard_hearing(const struct yzf_case *st, int64_t now, char *msg,
			 size_t cap)
{
	if (!st->hearing_offered || st->hearing_waived || st->hearing_held)
		return YZF_OK;
	if (st->hearing_requested) {
		msgf(msg, cap, "refused: the party asked for a hearing; decide "
		     "after it is held (" ART_PEN64 ")");
		return YZF_ESTATE;
	}
	if (now < st->hearing_until_ms) {
		msgf(msg, cap, "refused: the 5-working-day window to ask for "
		     "a hearing is still open (" ART_PEN64 ")");
		return YZF_ESTATE;
	}
	return YZF_OK;
}

static int guard_decide_ordinary(const struct yzf_case *st,
				 const struct yzf_case_rec *r, int64_t now,
				 char *msg, size_t cap)
{
	if (!(r->roles & YZF_ROLE_HEAD)) {
		msgf(msg, cap, "refused: a general-procedure decision is the "
		     "head's (" ART_PEN57 ")");
		return YZF_ESTATE;
	}
	if (now >= st->decide_by_ms) {
		msgf(msg, cap, "refused: more than 90 days since 立案 and no "
		     "extension applies (" ART_PEN60 ")");
		return YZF_ESTATE;
	}
	if (guard_hearing(st, now, msg, cap))
		return YZF_ESTATE;
	if (st->major && !st->review_passed) {
		msgf(msg, cap, "refused: a major case needs a passed legal "
		     "review (法制审核) before the decision (" ART_PEN58 ")");
		return YZF_ESTATE;
	}
	return YZF_OK;
}

/* A decision relies only on evidence whose review passed relevance,
 * legality and authenticity. */
static int guard_evidence(const struct yzf_case *st, const struct body *b,
			  char *msg, size_t cap)
{
	static const char *const states[] = { "has not been reviewed",
					      "passed", "failed its review" };
	for (size_t i = 0; i < b->nevid; i++) {
		int state = -1;
		for (size_t k = 0; k < st->nevidence && state < 0; k++)
			if (!memcmp(st->evidence[k].hash, b->evid[i], YZF_ID_LEN))
				state = st->evidence[k].state;
		if (state == YZF_EVIDENCE_PASSED)
			continue;
		char h[17];
		for (int k = 0; k < 8; k++)
			snprintf(h + 2 * k, 3, "%02x", b->evid[i][k]);
		msgf(msg, cap, "refused: evidence %s %s: a decision relies "
		     "only on evidence reviewed as relevant, lawful and "
		     "authentic (" ART_PLATFORM26 ")", h,
		     state < 0 ? "is not evidence of this case"
			       : states[state]);
		return YZF_ESTATE;
	}
	return YZF_OK;
}

static int guard_decide(const struct yzf_case *st, const struct body *b,
			const struct yzf_case_rec *r,
			const struct yzf_case_ctx *ctx, int64_t now, char *msg,
			size_t cap)
{
	if (st->ndecisions) {
		msgf(msg, cap, "refused: the case is already decided");
		return YZF_ESTATE;
	}
	if (guard_simple_limit(st, b->amount, msg, cap) ||
	    guard_statutory(st, b, ctx, msg, cap))
		return YZF_ESTATE;
	if (st->kind == YZF_CASE_PENALTY_ORDINARY &&
	    guard_decide_ordinary(st, r, now, msg, cap))
		return YZF_ESTATE;
	if (!b->reason[0] && outside_tier(st, b, ctx)) {
		msgf(msg, cap, "refused: a fine outside the benchmark tier "
		     "\"%s\" needs a stated reason (" ART_PEN34 ")", b->tier);
		return YZF_ESTATE;
	}
	return guard_evidence(st, b, msg, cap);
}

/* A service receipt names a photo the case holds as evidence. */
static bool receipt_unknown(const struct yzf_case *st, const struct body *b)
{
	for (size_t k = 0; b->nevid && k < st->nevidence; k++)
		if (!memcmp(st->evidence[k].hash, b->evid[0], YZF_ID_LEN))
			return false;
	return b->nevid > 0;
}

/* Late service is flagged, never refused: the decision stands. */
static void guard_serve(const struct yzf_case *st, const struct body *b,
			char *msg, size_t cap)
{
	if (st->serve_by_ms && st->serve_by_ms != INT64_MAX &&
	    b->date_day > bj_day(st->serve_by_ms - 1))
		msgf(msg, cap, "late: the decision is served after 7 working "
		     "days (" ART_PEN61 ")");
}

/* Coercion is not carried out at night or on rest days. */
static int guard_coercion_time(const struct yzf_case_ctx *ctx, int64_t now,
			       char *msg, size_t cap)
{
	int h = bj_hour(now);

	if (h >= 22 || h < 6) {
		msgf(msg, cap, "refused: no coercive measure at night "
		     "(22:00-06:00 Beijing time) (" ART_COE43 ")");
		return YZF_ESTATE;
	}
	if (!ctx->is_working_day(ctx->ctx, now)) {
		msgf(msg, cap, "refused: no coercive measure on a rest day "
		     "(" ART_COE43 ")");
		return YZF_ESTATE;
	}
	return YZF_OK;
}

static int guard_measure(const struct body *b, const struct yzf_case_rec *r,
			 const struct yzf_case_ctx *ctx, int64_t now,
			 char *msg, size_t cap)
{
	if (!(r->roles & YZF_ROLE_HEAD)) {
		msgf(msg, cap, "refused: a coercive measure needs the head's "
		     "approval (" ART_COE18 ")");
		return YZF_ESTATE;
	}
	if (b->days > YZF_CASE_MEASURE_DAYS) {
		msgf(msg, cap, "refused: 查封/扣押 lasts at most 30 days "
		     "(" ART_COE25 ")");
		return YZF_ESTATE;
	}
	return guard_coercion_time(ctx, now, msg, cap);
}

static int guard_extend_measure(const struct yzf_case *st,
				const struct body *b, int64_t now, char *msg,
				size_t cap)
{
	if (st->measure_extensions > 0 || b->days > YZF_CASE_MEASURE_DAYS) {
		msgf(msg, cap, "refused: the term may be extended once, by at "
		     "most 30 days (" ART_COE25 ")");
		return YZF_ESTATE;
	}
	if (now >= st->measure_until_ms) {
		msgf(msg, cap, "refused: the term has ended; the measure must "
		     "be released (" ART_COE25 ")");
		return YZF_ESTATE;
	}
	return YZF_OK;
}

static int guard_extend(const struct yzf_case *st, const struct body *b,
			const struct yzf_case_rec *r, int64_t now, char *msg,
			size_t cap)
{
	bool measure = strcmp(b->word, "measure") == 0;

	if (measure != (st->kind == YZF_CASE_COERCIVE_MEASURE)) {
		msgf(msg, cap, "refused: a %s case has no %s to extend",
		     kind_names[st->kind], b->word);
		return YZF_ESTATE;
	}
	if (!(r->roles & YZF_ROLE_HEAD)) {
		msgf(msg, cap, "refused: an extension needs the head's "
		     "approval (%s)", measure ? ART_COE25 : ART_PEN60);
		return YZF_ESTATE;
	}
	return measure ? guard_extend_measure(st, b, now, msg, cap) : YZF_OK;
}

static bool needs_cosign(enum yzf_case_step s)
{
	return s == YZF_STEP_DECIDE || s == YZF_STEP_MEASURE;
}

static int guard_close(const struct yzf_case *st, char *msg, size_t cap)
{
	for (size_t i = 0; i < st->nsteps; i++) {
		const struct yzf_case_taken *t = &st->steps[i];
		if (needs_cosign(t->step) && !t->cosigned) {
			msgf(msg, cap, "refused: %s seq %lld has no second "
			     "officer's co-signature (" ART_PEN42 ")",
			     step_names[t->step], (long long)t->seq);
			return YZF_ESTATE;
		}
	}
	return YZF_OK;
}

static const struct yzf_case_taken *
find_target(const struct yzf_case *st, const struct body *b)
{
	for (size_t i = 0; i < st->nsteps; i++) {
		const struct yzf_case_taken *t = &st->steps[i];
		if (b->has_id ? memcmp(t->id, b->tid, YZF_ID_LEN) == 0 :
		    memcmp(t->feed, b->tfeed, YZF_KEY_LEN) == 0 &&
		    t->seq == b->tseq)
			return t;
	}
	return NULL;
}

/* A co-signature counts only from another officer's feed. Its target may
 * not be known yet (clocks differ), so only a known one is compared. */
static int guard_cosign(const struct yzf_case *st, const struct body *b,
			const struct yzf_case_rec *r, char *msg, size_t cap)
{
	const struct yzf_case_taken *t = find_target(st, b);
	bool same = t ? memcmp(t->feed, r->feed, YZF_KEY_LEN) == 0 :
			!b->has_id && memcmp(b->tfeed, r->feed,
					     YZF_KEY_LEN) == 0;

	if (!(r->roles & YZF_ROLE_OFFICER) || same) {
		msgf(msg, cap, "refused: a co-signature must come from a "
		     "second officer's feed (" ART_PEN42 ")");
		return YZF_ESTATE;
	}
	return YZF_OK;
}

static int guard_review(const struct yzf_case_rec *r, char *msg, size_t cap)
{
	if (r->roles & YZF_ROLE_REVIEWER)
		return YZF_OK;
	msgf(msg, cap, "refused: legal review (法制审核) is signed by a "
	     "reviewer (" ART_PEN58 ")");
	return YZF_ESTATE;
}

/* Ending a general-procedure case without a penalty is the head's act,
 * each kind in its place: 不予立案 before 立案, the others after. */
static int guard_exit(const struct yzf_case *st, const struct body *b,
		      const struct yzf_case_rec *r, char *msg, size_t cap)
{
	if (!(r->roles & YZF_ROLE_HEAD)) {
		msgf(msg, cap, "refused: ending a case without a penalty is the "
		     "head's decision (" ART_PEN57 ")");
		return YZF_ESTATE;
	}
	if (!strcmp(b->word, "not_filed") && st->filed_ms) {
		msgf(msg, cap, "refused: the case is filed (立案): withdraw it "
		     "(withdrawn) instead of not filing it");
		return YZF_ESTATE;
	}
	if (strcmp(b->word, "not_filed") != 0 && !st->filed_ms) {
		msgf(msg, cap, "refused: %s needs a filed case (立案 first, or "
		     "not_filed)", b->word);
		return YZF_ESTATE;
	}
	if (!strcmp(b->word, "transfer") && !b->to[0]) {
		msgf(msg, cap, "refused: to: a transfer names where the case "
		     "goes (" ART_PEN57 ")");
		return YZF_ESTATE;
	}
	return YZF_OK;
}

static int check_body(const struct yzf_case *st, int step,
		      const struct body *b, const struct yzf_case_rec *r,
		      const struct yzf_case_ctx *ctx, int64_t now, char *msg,
		      size_t cap)
{
	switch (step) {
	case YZF_STEP_OPEN:
		return guard_open(b, ctx, msg, cap);
	case YZF_STEP_NOTIFY:
		return guard_notify(st, b, ctx, msg, cap);
	case YZF_STEP_REVIEW:
		return guard_review(r, msg, cap);
	case YZF_STEP_DECIDE:
		return guard_decide(st, b, r, ctx, now, msg, cap);
	case YZF_STEP_SERVE:
		if (receipt_unknown(st, b)) {
			msgf(msg, cap, "refused: receipt: the photo of the signed "
			     "送达回证 is not evidence of this case (add it with "
			     "yzf evidence add first)");
			return YZF_ESTATE;
		}
		guard_serve(st, b, msg, cap);
		return YZF_OK;
	case YZF_STEP_MEASURE:
		return guard_measure(b, r, ctx, now, msg, cap);
	case YZF_STEP_EXTEND:
		return guard_extend(st, b, r, now, msg, cap);
	case YZF_STEP_COSIGN:
		return guard_cosign(st, b, r, msg, cap);
	case YZF_STEP_CLOSE:
		return guard_close(st, msg, cap);
	case YZF_STEP_EXIT:
		return guard_exit(st, b, r, msg, cap);
	}
	return YZF_OK;
}

static int check(const struct yzf_case *st, int step, const struct body *b,
		 const struct yzf_case_rec *r, const struct yzf_case_ctx *ctx,
		 int64_t now, char *msg, size_t cap)
{
	const char *why = order(st, step);

	msgf(msg, cap, "%s", "");
	if (why) {
		msgf(msg, cap, "%s%s", strncmp(why, "refused", 7) ?
		     "refused: " : "", why);
		return YZF_ESTATE;
	}
	return check_body(st, step, b, r, ctx, now, msg, cap);
}

static bool ctx_ok(const struct yzf_case_ctx *ctx)
{
	return ctx && ctx->version >= YZF_CASE_CTX_VERSION && ctx->matter &&
	       ctx->add_working_days && ctx->is_working_day;
}

int yzf_case_check_step(const struct yzf_case *st,
			const struct yzf_case_rec *rec,
			const struct yzf_case_ctx *ctx, int64_t now, char *msg,
			size_t cap)
{
	struct body b;
	int step;

	msgf(msg, cap, "%s", "");
	if (!st || !rec || !ctx_ok(ctx))
		return YZF_EINVAL;
	if (parse_body(rec, &step, &b)) {
		msgf(msg, cap, "%s: the body is not a valid step",
		     rec->type ? rec->type : "(null)");
		return YZF_EINVAL;
	}
	return check(st, step, &b, rec, ctx, now, msg, cap);
}

/* ---- applying a step to the state ---- */

/* The working-day deadline, or "never" when the calendar cannot say, so
 * that a missing calendar holds a decision back rather than letting it
 * through early. */
static int64_t wd_due(const struct yzf_case_ctx *ctx, int64_t at, int n)
{
	int64_t due;

	if (ctx->add_working_days(ctx->ctx, at, n, &due) != YZF_OK)
		return INT64_MAX;
	return due;
}

static void apply_open(struct yzf_case *st, const struct body *b)
{
	st->opened = true;
	st->kind = b->kind;
	memcpy(st->matter, b->matter, sizeof st->matter);
	memcpy(st->party_kind, b->party_kind, sizeof st->party_kind);
	memcpy(st->party_name, b->party_name, sizeof st->party_name);
	memcpy(st->party_id, b->party_id, sizeof st->party_id);
}

static void apply_notify(struct yzf_case *st, const struct body *b,
			 const struct yzf_case_ctx *ctx, int64_t at)
{
	st->notified_ms = at;
	st->proposed_fen = b->amount;
	st->hearing_offered = b->offers_hearing;
	st->hearing_until_ms = b->offers_hearing ?
			       wd_due(ctx, at, YZF_CASE_HEARING_WD) : 0;
}

static void apply_hearing(struct yzf_case *st, int step, const char *word)
{
	if (step == YZF_STEP_HEARING_REQUEST) {
		st->hearing_requested = strcmp(word, "request") == 0;
		st->hearing_waived = !st->hearing_requested;
	} else if (strcmp(word, "held") == 0) {
		st->hearing_held = true;
	} else {
		/* No-show counts as waiver (行政处罚法第六十四条). */
		st->hearing_waived = true;
	}
}

/* Every decision is kept; a second one marks the conflict, the first
 * stays the case's. */
static void apply_decide(struct yzf_case *st, const struct body *b,
			 const struct yzf_case_rec *r,
			 const struct yzf_case_ctx *ctx)
{
	struct yzf_case_decision *d;

	if (st->ndecisions) {
		st->flags |= YZF_CASE_F_CONFLICT;
	} else {
		st->decided_ms = r->at_ms;
		st->serve_by_ms = wd_due(ctx, r->at_ms, YZF_CASE_SERVE_WD);
	}
	if (st->ndecisions++ >= YZF_CASE_DECISIONS_MAX) {
		st->flags |= YZF_CASE_F_FULL;
		return;
	}
	d = &st->decisions[st->ndecisions - 1];
	memcpy(d->id, r->id, YZF_ID_LEN);
	d->at_ms = r->at_ms;
	memcpy(d->penalty, b->penalty, sizeof d->penalty);
	d->amount_fen = b->amount;
	memcpy(d->tier, b->tier, sizeof d->tier);
	memcpy(d->reason, b->reason, sizeof d->reason);
	d->outside_tier = outside_tier(st, b, ctx);
	if (d->outside_tier)
		st->flags |= YZF_CASE_F_DISPROPORTION;
}

static void apply_extend(struct yzf_case *st, const struct body *b)
{
	if (strcmp(b->word, "measure") == 0) {
		st->measure_extensions++;
		st->measure_until_ms += b->days * DAY_MS;
	} else if (st->decide_by_ms) {
		st->decide_by_ms += b->days * DAY_MS;
	}
}

static void apply_measure(struct yzf_case *st, const struct body *b,
			  int64_t at)
{
	st->measure_from_ms = at;
	st->measure_until_ms = day_end(bj_day(at) + b->days);
}

/* A fine is paid within 15 days of service (行政处罚法第六十七条); a
 * period ending on a rest day ends on the next working day. */
static void apply_pay_by(struct yzf_case *st, const struct yzf_case_ctx *ctx)
{
	if (!st->ndecisions || st->decisions[0].amount_fen <= 0 || st->pay_by_ms)
		return;
	int64_t day = bj_day(st->served_ms) + YZF_CASE_PAY_DAYS;
	for (int i = 0; i < 60 && !ctx->is_working_day(ctx->ctx,
						       day_end(day) - 1); i++)
		day++;
	st->pay_by_ms = day_end(day);
}

static void apply_fields(struct yzf_case *st, int step, const struct body *b,
			 const struct yzf_case_rec *r,
			 const struct yzf_case_ctx *ctx)
{
	switch (step) {
	case YZF_STEP_OPEN:
		apply_open(st, b);
		break;
	case YZF_STEP_FILE:
		st->filed_ms = r->at_ms;
		st->major = b->major;
		st->decide_by_ms = day_end(bj_day(r->at_ms) +
					   YZF_CASE_DECIDE_DAYS);
		break;
	case YZF_STEP_NOTIFY:
		apply_notify(st, b, ctx, r->at_ms);
		break;
	case YZF_STEP_HEARING_REQUEST:
	case YZF_STEP_HEARING:
		apply_hearing(st, step, b->word);
		break;
	case YZF_STEP_REVIEW:
		st->review_passed = strcmp(b->word, "pass") == 0;
		break;
	case YZF_STEP_DECIDE:
		apply_decide(st, b, r, ctx);
		break;
	case YZF_STEP_EXIT:
		snprintf(st->exit_kind, sizeof st->exit_kind, "%s", b->word);
		break;
	case YZF_STEP_SERVE:
		/* served on the date written (a 送达回证: the recipient's), at
		 * its start in Beijing time; the record's own time if later
		 * dates are impossible to tell */
		st->served_ms = b->date_day * 86400000LL - 8 * 3600000LL;
		if (st->served_ms > r->at_ms || st->served_ms <= 0)
			st->served_ms = r->at_ms;
		apply_pay_by(st, ctx);
		break;
	case YZF_STEP_PAY:
		st->paid_fen += b->amount;
		break;
	case YZF_STEP_MEASURE:
		apply_measure(st, b, r->at_ms);
		break;
	case YZF_STEP_EXTEND:
		apply_extend(st, b);
		break;
	case YZF_STEP_RELEASE:
		st->measure_released = true;
		break;
	case YZF_STEP_CLOSE:
		st->closed = true;
		break;
	}
}

static bool cosigns(const struct yzf_case_taken *c, const struct body *cb,
		    const struct yzf_case_taken *t)
{
	bool named = cb->has_id ? memcmp(cb->tid, t->id, YZF_ID_LEN) == 0 :
		     memcmp(cb->tfeed, t->feed, YZF_KEY_LEN) == 0 &&
		     cb->tseq == t->seq;

	return named && (c->roles & YZF_ROLE_OFFICER) &&
	       memcmp(c->feed, t->feed, YZF_KEY_LEN) != 0;
}

/* Pairs co-signatures with the steps they name, whichever came first in
 * the canonical order: a co-signer's clock may run behind. */
static void link_cosigns(struct yzf_case *st, const struct body *bodies)
{
	for (size_t i = 0; i < st->nsteps; i++) {
		struct yzf_case_taken *t = &st->steps[i];
		if (!needs_cosign(t->step))
			continue;
		for (size_t j = 0; j < st->nsteps && !t->cosigned; j++)
			if (st->steps[j].step == YZF_STEP_COSIGN &&
			    cosigns(&st->steps[j], &bodies[j], t))
				t->cosigned = true;
	}
}

/* ---- the fold ---- */

/* Copies of one record (same id) should be identical; if a caller hands in
 * copies that differ (roles read from two certificates, say), the one kept
 * must still not depend on the input order, so the order is total. */
static int same_id_cmp(const struct yzf_case_rec *x,
		       const struct yzf_case_rec *y)
{
	size_t n = x->body_len < y->body_len ? x->body_len : y->body_len;
	int c;

	if (x->roles != y->roles)
		return x->roles < y->roles ? -1 : 1;
	if ((c = strcmp(x->type ? x->type : "", y->type ? y->type : "")))
		return c;
	if (n && (c = memcmp(x->body, y->body, n)) != 0)
		return c;
	return (x->body_len > y->body_len) - (x->body_len < y->body_len);
}

static int rec_cmp(const void *a, const void *b)
{
	const struct yzf_case_rec *x = a, *y = b;
	int c;

	if (x->at_ms != y->at_ms)
		return x->at_ms < y->at_ms ? -1 : 1;
	if ((c = memcmp(x->feed, y->feed, YZF_KEY_LEN)) != 0)
		return c;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	if ((c = memcmp(x->id, y->id, YZF_ID_LEN)) != 0)
		return c;
	return same_id_cmp(x, y);
}

static void mark_irregular(struct yzf_case *st, struct yzf_case_taken *t,
			   const char *msg)
{
	t->irregular = true;
	if (!(st->flags & YZF_CASE_F_IRREGULAR))
		msgf(st->irregular, sizeof st->irregular, "%s seq %lld: %s",
		     step_names[t->step], (long long)t->seq, msg);
	st->flags |= YZF_CASE_F_IRREGULAR;
}

/* Take one record: judge it as of its own time, keep it whatever the
 * verdict. bodies[] parallels st->steps for the co-signature pass. */
static void take(struct yzf_case *st, const struct yzf_case_rec *r,
		 const struct yzf_case_ctx *ctx, struct body *bodies)
{
	struct yzf_case_taken *t;
	struct body b;
	char msg[YZF_CASE_MSG_MAX];
	int step, rc;

	if (yzf_case_step_of(r->type) < 0)
		return;
	if (parse_body(r, &step, &b)) {
		st->flags |= YZF_CASE_F_BAD_RECORD;
		return;
	}
	if (st->nsteps >= YZF_CASE_STEPS_MAX) {
		st->flags |= YZF_CASE_F_FULL;
		return;
	}
	rc = check(st, step, &b, r, ctx, r->at_ms, msg, sizeof msg);
	t = &st->steps[st->nsteps];
	bodies[st->nsteps++] = b;
	t->step = (enum yzf_case_step)step;
	memcpy(t->feed, r->feed, YZF_KEY_LEN);
	t->seq = r->seq;
	memcpy(t->id, r->id, YZF_ID_LEN);
	t->roles = r->roles;
	t->at_ms = r->at_ms;
	if (rc != YZF_OK)
		mark_irregular(st, t, msg);
	if (step == YZF_STEP_SERVE && rc == YZF_OK && msg[0])
		st->flags |= YZF_CASE_F_LATE_SERVICE;
	/* A second case.open is history too, but never re-opens the case. */
	if (step != YZF_STEP_OPEN || !st->opened)
		apply_fields(st, step, &b, r, ctx);
	if (step != YZF_STEP_COSIGN)
		st->stage = (enum yzf_case_step)step;
	link_cosigns(st, bodies);
}

/* An evidence record: the item's review state as of it, from the records
 * up to and including it. */
static void follow_evidence(struct yzf_case *st, const struct yzf_case_rec *r,
			    size_t n)
{
	cJSON *o = cJSON_ParseWithLength((const char *)r[n - 1].body,
					 r[n - 1].body_len);
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(o, "hash");
	uint8_t hash[YZF_ID_LEN];
	size_t k = 0;
	int state;
	if (!cJSON_IsString(h) || strlen(h->valuestring) != 64 ||
	    sodium_hex2bin(hash, sizeof hash, h->valuestring, 64, NULL, NULL,
			   NULL) != 0) {
		cJSON_Delete(o);
		return;
	}
	cJSON_Delete(o);
	while (k < st->nevidence && memcmp(st->evidence[k].hash, hash, 32))
		k++;
	if (k == st->nevidence) {
		if (k == YZF_CASE_EVIDENCE_MAX) {
			st->flags |= YZF_CASE_F_FULL;
			return;
		}
		memcpy(st->evidence[k].hash, hash, YZF_ID_LEN);
		st->nevidence++;
	}
	if (yzf_evidence_state_of(r, n, hash, &state, NULL, 0) == YZF_OK)
		st->evidence[k].state = state;
}

/* 查封/扣押 are recorded whole (记录办法): a measure taken whose recording
 * has an unexplained gap, a missing or reordered segment, or none at all
 * is a defect of the case. */
static void judge_recording(struct yzf_case *st, const struct yzf_case_rec *r,
			    size_t n)
{
	bool measure = false;
	for (size_t i = 0; i < st->nsteps; i++)
		measure = measure || st->steps[i].step == YZF_STEP_MEASURE;
	if (measure && yzf_rec_coercive_gap_of(r, n, st->defect,
					       sizeof st->defect))
		st->flags |= YZF_CASE_F_RECORDING_GAP;
}

/* Flags that depend on what has not happened by `now`. */
static void judge_now(struct yzf_case *st, int64_t now)
{
	bool open = st->opened && !st->closed;

	if (open && st->kind == YZF_CASE_PENALTY_ORDINARY && st->filed_ms &&
	    !st->ndecisions && !st->exit_kind[0] && now >= st->decide_by_ms)
		st->flags |= YZF_CASE_F_OVERDUE;
	if (open && st->pay_by_ms && now >= st->pay_by_ms &&
	    st->paid_fen < st->decisions[0].amount_fen)
		st->flags |= YZF_CASE_F_PAY_OVERDUE;
	if (st->ndecisions && !st->served_ms && now >= st->serve_by_ms)
		st->flags |= YZF_CASE_F_LATE_SERVICE;
	if (st->measure_from_ms && !st->measure_released &&
	    now >= st->measure_until_ms)
		st->flags |= YZF_CASE_F_MEASURE_EXPIRED;
	for (size_t i = 0; i < st->nsteps; i++)
		if (needs_cosign(st->steps[i].step) && !st->steps[i].cosigned)
			st->flags |= YZF_CASE_F_NO_COSIGN;
	st->next = 0;
	for (int s = 0; s < YZF_STEP_COUNT; s++)
		if (!order(st, s))
			st->next |= 1u << s;
}

/* Which deadlines the calendar's notices do not yet cover: they stand
 * until a newer calendar arrives and the fold computes them again. */
static void mark_provisional(struct yzf_case *st,
			     const struct yzf_case_ctx *ctx)
{
	const int64_t due[5] = { st->hearing_until_ms, st->decide_by_ms,
				 st->serve_by_ms, st->measure_until_ms,
				 st->pay_by_ms };
	st->calendar_version = ctx->calendar_version;
	for (int i = 0; i < 5; i++)
		if (ctx->calendar_through_ms && due[i] &&
		    due[i] > ctx->calendar_through_ms)
			st->provisional |= 1u << i;
}

int yzf_case_fold(const struct yzf_case_rec *recs, size_t n,
		  const struct yzf_case_ctx *ctx, int64_t now,
		  struct yzf_case *out)
{
	struct yzf_case_rec *sorted;
	struct body *bodies;
	size_t m = 0;

	if (!out || (n && !recs) || !ctx_ok(ctx))
		return YZF_EINVAL;
	if (n > SIZE_MAX / sizeof *sorted)
		return YZF_ENOMEM;
	memset(out, 0, sizeof *out);
	sorted = malloc((n ? n : 1) * sizeof *sorted);
	bodies = malloc(YZF_CASE_STEPS_MAX * sizeof *bodies);
	if (!sorted || !bodies) {
		free(sorted);
		free(bodies);
		return YZF_ENOMEM;
	}
	/* the records in canonical order, duplicates dropped: what the steps,
	 * the evidence and the recording judgements read */
	if (n)
		memcpy(sorted, recs, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, rec_cmp);
	for (size_t i = 0; i < n; i++) {
		if (m && !memcmp(sorted[i].id, sorted[m - 1].id, YZF_ID_LEN))
			continue;
		sorted[m++] = sorted[i];
		if (!strncmp(sorted[m - 1].type, "evidence.", 9))
			follow_evidence(out, sorted, m);
		else
			take(out, &sorted[m - 1], ctx, bodies);
	}
	judge_recording(out, sorted, m);
	judge_now(out, now);
	mark_provisional(out, ctx);
	free(sorted);
	free(bodies);
	return YZF_OK;
}

/* ---- canonical serialisation ---- */

static void put_kv_int(struct yzf_buf *o, const char *k, int64_t v)
{
	yzf_buf_putc(o, ',');
	yzf_canon_put_key(o, k);
	if (yzf_canon_put_int(o, v))
		yzf_buf_puts(o, "null"); /* beyond JSON's safe integers */
}

static void put_kv_str(struct yzf_buf *o, const char *k, const char *s)
{
	yzf_buf_putc(o, ',');
	yzf_canon_put_key(o, k);
	if (yzf_canon_put_str(o, s, strlen(s)))
		yzf_buf_puts(o, "null");
}

static void put_kv_hex(struct yzf_buf *o, const char *k, const uint8_t *p,
		       size_t n)
{
	yzf_buf_putc(o, ',');
	yzf_canon_put_key(o, k);
	yzf_put_hex(o, p, n);
}

static void dump_step(struct yzf_buf *o, const struct yzf_case_taken *t)
{
	yzf_buf_puts(o, "{\"step\":");
	yzf_canon_put_str(o, step_names[t->step], strlen(step_names[t->step]));
	put_kv_hex(o, "feed", t->feed, YZF_KEY_LEN);
	put_kv_int(o, "seq", t->seq);
	put_kv_hex(o, "id", t->id, YZF_ID_LEN);
	put_kv_int(o, "roles", t->roles);
	put_kv_int(o, "at", t->at_ms);
	put_kv_int(o, "irregular", t->irregular);
	put_kv_int(o, "cosigned", t->cosigned);
	yzf_buf_putc(o, '}');
}

static void dump_decision(struct yzf_buf *o,
			  const struct yzf_case_decision *d)
{
	yzf_buf_puts(o, "{\"at\":");
	yzf_canon_put_int(o, d->at_ms);
	put_kv_hex(o, "id", d->id, YZF_ID_LEN);
	put_kv_str(o, "penalty", d->penalty);
	put_kv_int(o, "amount_fen", d->amount_fen);
	put_kv_str(o, "tier", d->tier);
	put_kv_int(o, "outside_tier", d->outside_tier);
	put_kv_str(o, "reason", d->reason);
	yzf_buf_putc(o, '}');
}

static void dump_head(struct yzf_buf *o, const struct yzf_case *st)
{
	yzf_buf_puts(o, "{\"kind\":");
	yzf_canon_put_str(o, kind_names[st->kind],
			  strlen(kind_names[st->kind]));
	put_kv_str(o, "stage", step_names[st->stage]);
	put_kv_int(o, "opened", st->opened);
	put_kv_int(o, "closed", st->closed);
	put_kv_str(o, "exit", st->exit_kind);
	put_kv_str(o, "matter", st->matter);
	put_kv_str(o, "party_kind", st->party_kind);
	put_kv_str(o, "party_name", st->party_name);
	put_kv_str(o, "party_id", st->party_id);
	put_kv_int(o, "major", st->major);
	put_kv_int(o, "hearing", st->hearing_offered |
		   st->hearing_requested << 1 | st->hearing_waived << 2 |
		   st->hearing_held << 3);
	put_kv_int(o, "review_passed", st->review_passed);
	put_kv_int(o, "proposed_fen", st->proposed_fen);
	put_kv_int(o, "paid_fen", st->paid_fen);
}

static void dump_times(struct yzf_buf *o, const struct yzf_case *st)
{
	put_kv_int(o, "filed", st->filed_ms);
	put_kv_int(o, "notified", st->notified_ms);
	put_kv_int(o, "decided", st->decided_ms);
	put_kv_int(o, "served", st->served_ms);
	put_kv_int(o, "hearing_until", st->hearing_until_ms);
	put_kv_int(o, "decide_by", st->decide_by_ms);
	put_kv_int(o, "serve_by", st->serve_by_ms);
	put_kv_int(o, "pay_by", st->pay_by_ms);
	put_kv_int(o, "measure_from", st->measure_from_ms);
	put_kv_int(o, "measure_until", st->measure_until_ms);
	put_kv_int(o, "measure_extensions", st->measure_extensions);
	put_kv_int(o, "measure_released", st->measure_released);
	put_kv_int(o, "calendar_version", st->calendar_version);
	put_kv_int(o, "provisional", st->provisional);
}

int yzf_case_dump(const struct yzf_case *st, struct yzf_buf *out)
{
	size_t nd, base;

	if (!st || !out)
		return YZF_EINVAL;
	base = out->len;
	nd = st->ndecisions < YZF_CASE_DECISIONS_MAX ? st->ndecisions :
	     YZF_CASE_DECISIONS_MAX;
	dump_head(out, st);
	dump_times(out, st);
	put_kv_int(out, "flags", st->flags);
	put_kv_str(out, "irregular", st->irregular);
	put_kv_str(out, "defect", st->defect);
	put_kv_int(out, "next", st->next);
	yzf_buf_puts(out, ",\"evidence\":[");
	for (size_t i = 0; i < st->nevidence; i++) {
		yzf_buf_puts(out, i ? ",{\"hash\":" : "{\"hash\":");
		yzf_put_hex(out, st->evidence[i].hash, YZF_ID_LEN);
		put_kv_int(out, "state", st->evidence[i].state);
		yzf_buf_putc(out, '}');
	}
	yzf_buf_putc(out, ']');
	put_kv_int(out, "ndecisions", (int64_t)st->ndecisions);
	yzf_buf_puts(out, ",\"decisions\":[");
	for (size_t i = 0; i < nd; i++) {
		if (i)
			yzf_buf_putc(out, ',');
		dump_decision(out, &st->decisions[i]);
	}
	yzf_buf_puts(out, "],\"steps\":[");
	for (size_t i = 0; i < st->nsteps; i++) {
		if (i)
			yzf_buf_putc(out, ',');
		dump_step(out, &st->steps[i]);
	}
	yzf_buf_puts(out, "]}");
	if (out->oom) {
		out->len = base;
		return YZF_ENOMEM;
	}
	return YZF_OK;
}

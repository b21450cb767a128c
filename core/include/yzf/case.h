/* yzf/case.h — a case as the fold of the records that name it.
 *
 * A case is never a row that is updated: its state is computed from the
 * case.* records of every feed that names it (two officers, a reviewer, the
 * head), by one deterministic function used by terminals and the server
 * alike. schemas/cases.md lists the record types and the law behind each
 * step.
 *
 * Purity: nothing here does I/O or reads a clock. The caller passes `now`
 * (ms since the epoch, UTC) and reaches the outside world only through the
 * callbacks of struct yzf_case_ctx: the matters catalogue and the
 * working-day calendar. The same set of records, in any input order, gives
 * a byte-identical yzf_case_dump(): the fold sorts them canonically (at_ms,
 * then feed, then seq) and drops exact duplicates (same id).
 *
 * Memory: struct yzf_case is a plain value the caller owns; it holds no
 * pointers into the input. yzf_case_fold allocates scratch space only for
 * the duration of the call. Threading: no shared state; callbacks are
 * called on the caller's thread.
 */
#ifndef YZF_CASE_H
#define YZF_CASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "canon.h"
#include "error.h"
#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef YZF_CASE_STEPS_MAX
#define YZF_CASE_STEPS_MAX 64   /* steps kept; more sets YZF_CASE_F_FULL */
#endif
#ifndef YZF_CASE_DECISIONS_MAX
#define YZF_CASE_DECISIONS_MAX 4
#endif
#ifndef YZF_CASE_TIERS_MAX
#define YZF_CASE_TIERS_MAX 8
#endif
#define YZF_CASE_MSG_MAX 256
#define YZF_CASE_MATTER_MAX 33  /* [A-Z0-9-]{4,32} and the NUL */
#define YZF_CASE_NAME_MAX 304   /* 100 code points of UTF-8 and the NUL */
#define YZF_CASE_PARTY_ID_MAX 19
#define YZF_CASE_TIER_NAME_MAX 17

/* Fines above which the simple procedure may not be used, in fen
 * (行政处罚法第五十一条): 200 yuan for a natural person, 3,000 for an
 * organisation. */
#define YZF_CASE_SIMPLE_PERSON_FEN 20000
#define YZF_CASE_SIMPLE_ORG_FEN 300000
#define YZF_CASE_DECIDE_DAYS 90  /* 行政处罚法第六十条 */
#define YZF_CASE_SERVE_WD 7      /* 行政处罚法第六十一条 */
#define YZF_CASE_PAY_DAYS 15     /* 行政处罚法第六十七条 */
#define YZF_CASE_HEARING_WD 5    /* 行政处罚法第六十四条 */
#define YZF_CASE_MEASURE_DAYS 30 /* 行政强制法第二十五条, and once more */
/* Fines at or above this are offered a hearing (行政处罚法第六十三条,
 * 较大数额) unless configured otherwise: Guangdong's sector rules set it;
 * 10,000 yuan is the common figure for organisations. */
#define YZF_CASE_HEARING_FEN_DEFAULT 1000000

enum yzf_case_kind {
	YZF_CASE_KIND_NONE = 0,      /* no case.open yet */
	YZF_CASE_INSPECTION,
	YZF_CASE_PENALTY_SIMPLE,
	YZF_CASE_PENALTY_ORDINARY,
	YZF_CASE_COERCIVE_MEASURE,
};

/* The step types, one per record type "case.<name>" (schemas/cases.md). */
enum yzf_case_step {
	YZF_STEP_OPEN = 0,
	YZF_STEP_FILE,
	YZF_STEP_NOTIFY,
	YZF_STEP_HEARING_REQUEST,
	YZF_STEP_HEARING,
	YZF_STEP_REVIEW,
	YZF_STEP_DECIDE,
	YZF_STEP_SERVE,
	YZF_STEP_PAY,
	YZF_STEP_MEASURE,
	YZF_STEP_EXTEND,
	YZF_STEP_RELEASE,
	YZF_STEP_COSIGN,
	YZF_STEP_CLOSE,
	YZF_STEP_ORDER_CORRECT,
	YZF_STEP_EXIT,          /* case.exit: ends without a penalty */
	YZF_STEP_COUNT
};

/* Case flags: facts supervision must see. None of them rewrites a step.
 *   CONFLICT        two or more decisions: all kept, the first is the case's
 *   DISPROPORTION   过罚不当: a fine outside its benchmark tier, the stated
 *                   reason kept (Measures art.33)
 *   NO_COSIGN       a decision or measure lacks a second officer's
 *                   co-signature (行政处罚法第四十二条)
 *   LATE_SERVICE    served, or still unserved, past 7 working days after
 *                   the decision (第六十一条)
 *   OVERDUE         no decision within 90 days of 立案 plus extensions
 *                   (第六十条)
 *   MEASURE_EXPIRED a measure past its term and not released
 *                   (行政强制法第二十五条)
 *   IRREGULAR       a step the guards would have refused; the first
 *                   reason is in struct yzf_case.irregular
 *   FULL            more steps or decisions than the state holds
 *   BAD_RECORD      a case.* body that is not a valid step (skipped) */
enum yzf_case_flag {
	YZF_CASE_F_CONFLICT = 1u << 0,
	YZF_CASE_F_DISPROPORTION = 1u << 1,
	YZF_CASE_F_NO_COSIGN = 1u << 2,
	YZF_CASE_F_LATE_SERVICE = 1u << 3,
	YZF_CASE_F_OVERDUE = 1u << 4,
	YZF_CASE_F_MEASURE_EXPIRED = 1u << 5,
	YZF_CASE_F_IRREGULAR = 1u << 6,
	YZF_CASE_F_FULL = 1u << 7,
	YZF_CASE_F_BAD_RECORD = 1u << 8,
	/* a 查封/扣押 whose whole-process recording has an unexplained gap,
	 * a missing or reordered segment, or none at all (记录办法; the
	 * reason in `defect`) */
	YZF_CASE_F_RECORDING_GAP = 1u << 9,
	/* a fine not paid in full 15 days after service (行政处罚法第六十七
	 * 条; 3% a day is added from then on, 第七十二条) */
	YZF_CASE_F_PAY_OVERDUE = 1u << 10,
};

/* Deadlines, as bits of struct yzf_case.provisional. */
enum yzf_case_deadline {
	YZF_CASE_D_HEARING = 1u << 0,   /* hearing_until_ms */
	YZF_CASE_D_DECIDE = 1u << 1,    /* decide_by_ms */
	YZF_CASE_D_SERVE = 1u << 2,     /* serve_by_ms */
	YZF_CASE_D_MEASURE = 1u << 3,   /* measure_until_ms */
	YZF_CASE_D_PAY = 1u << 4,       /* pay_by_ms */
};

/* One benchmark tier (行政裁量权基准) of a matter: inclusive fen range. */
struct yzf_case_tier {
	char name[YZF_CASE_TIER_NAME_MAX]; /* "lighter", "normal", ... */
	int64_t min_fen, max_fen;
};

/* What the catalogue says about a matter. */
struct yzf_case_matter {
	int64_t fine_min_fen, fine_max_fen; /* the statutory range */
	/* 较大数额 for this matter (行政处罚法第六十三条), for a natural
	 * person and for an organisation; 0: ctx->hearing_fen. */
	int64_t hearing_person_fen, hearing_org_fen;
	size_t ntiers;
	struct yzf_case_tier tiers[YZF_CASE_TIERS_MAX];
};

/* The outside knowledge the fold needs, as callbacks (cf. sqlite3_vfs).
 * Only appended to; `version` is YZF_CASE_CTX_VERSION. */
#define YZF_CASE_CTX_VERSION 1
struct yzf_case_ctx {
	uint32_t version;
	void *ctx;  /* passed to every callback */
	/* Look a matter code up in the 执法事项库. Fill *out and return
	 * YZF_OK, or YZF_ENOTFOUND if the catalogue does not hold it. */
	int (*matter)(void *ctx, const char *code, struct yzf_case_matter *out);
	/* The end (exclusive: 24:00 Beijing time, in UTC ms) of the n-th
	 * working day after the one holding anchor_ms, the start day excluded
	 * (DOMAIN.md §12). YZF_OK, or a negative code if the calendar cannot
	 * tell (the step is then refused / the deadline left unknown). */
	int (*add_working_days)(void *ctx, int64_t anchor_ms, int n,
				int64_t *due_ms);
	/* Whether the Beijing-time day holding ms is a working day. */
	bool (*is_working_day)(void *ctx, int64_t ms);
	/* Fines at or above this (较大数额, set by sector and region) must be
	 * offered a hearing (行政处罚法第六十三条) when the matter names no
	 * threshold of its own; 0: every fine. */
	int64_t hearing_fen;
	/* The calendar the working days come from: its version, and the end
	 * (UTC ms) of the last day its notices cover; a deadline after that
	 * is provisional (DOMAIN.md §12) until a newer calendar arrives and
	 * the fold computes it again. 0, 0: no calendar. */
	int64_t calendar_version;
	int64_t calendar_through_ms;
};

/* One record of the case, as the caller read it from a feed. Nothing is
 * kept after the call. */
struct yzf_case_rec {
	uint8_t feed[YZF_KEY_LEN];
	int64_t seq;
	uint8_t id[YZF_ID_LEN];
	unsigned roles;     /* YZF_ROLE_* of the feed's certificate */
	int64_t at_ms;      /* the record's `at`, ms UTC */
	const char *type;   /* "case.decide"; other types are ignored */
	const uint8_t *body; /* JSON object text, valid for the type's schema */
	size_t body_len;
};

/* A step taken: which record, by whom, when. */
struct yzf_case_taken {
	enum yzf_case_step step;
	uint8_t feed[YZF_KEY_LEN];
	int64_t seq;
	uint8_t id[YZF_ID_LEN];
	unsigned roles;
	int64_t at_ms;
	bool irregular;     /* the guards would have refused it */
	bool cosigned;      /* decide/measure: a second officer co-signed */
};

struct yzf_case_decision {
	uint8_t id[YZF_ID_LEN];
	int64_t at_ms;
	char penalty[16];
	int64_t amount_fen;
	char tier[YZF_CASE_TIER_NAME_MAX];
	bool outside_tier;
	char reason[YZF_CASE_MSG_MAX]; /* stated reason, truncated */
};

#ifndef YZF_CASE_EVIDENCE_MAX
#define YZF_CASE_EVIDENCE_MAX 32 /* evidence items whose review is followed */
#endif
#define YZF_CASE_DECIDE_EVIDENCE_MAX 16 /* items one decision may name */

/* An evidence item of the case (evidence.add) and its review as of the
 * record being judged (yzf/evidence.h, enum yzf_evidence_state). */
struct yzf_case_evidence {
	uint8_t hash[YZF_ID_LEN];
	int state;
};

struct yzf_case {
	enum yzf_case_kind kind;
	enum yzf_case_step stage;   /* last step taken (not a cosign) */
	bool opened, closed;
	char matter[YZF_CASE_MATTER_MAX];
	char party_kind[16];        /* person, sole_trader, legal_person,
				       other_org */
	char party_name[YZF_CASE_NAME_MAX];
	char party_id[YZF_CASE_PARTY_ID_MAX];
	bool major;                 /* case.file: legal review required */
	char exit_kind[24];         /* case.exit: not_filed, withdrawn,
				       no_penalty, transfer; "" if none */
	bool hearing_offered, hearing_requested, hearing_waived, hearing_held;
	bool review_passed;         /* the last review passed */
	int64_t proposed_fen;       /* from 告知 */
	int64_t paid_fen;
	size_t ndecisions;          /* >1: YZF_CASE_F_CONFLICT */
	struct yzf_case_decision decisions[YZF_CASE_DECISIONS_MAX];
	/* Times, ms UTC; 0 when not (yet) applicable. */
	int64_t filed_ms, notified_ms, decided_ms, served_ms;
	int64_t hearing_until_ms;   /* end of the 5-WD request window */
	int64_t decide_by_ms;       /* 90 days after 立案 plus extensions */
	int64_t serve_by_ms;        /* 7 WD after the decision */
	int64_t pay_by_ms;          /* a fine: 15 days after service, the
				       end rolled past rest days */
	int64_t measure_from_ms, measure_until_ms;
	int measure_extensions;
	bool measure_released;
	int64_t calendar_version;   /* the calendar the deadlines came from */
	unsigned provisional;       /* YZF_CASE_D_* of the deadlines that lie
				       past that calendar's last notice */
	unsigned flags;             /* YZF_CASE_F_* */
	char irregular[YZF_CASE_MSG_MAX]; /* first irregular step's reason */
	char defect[YZF_CASE_MSG_MAX];    /* YZF_CASE_F_RECORDING_GAP: why */
	size_t nevidence;
	struct yzf_case_evidence evidence[YZF_CASE_EVIDENCE_MAX];
	size_t nsteps;
	struct yzf_case_taken steps[YZF_CASE_STEPS_MAX];
	unsigned next;              /* bit (1u << step) for each step whose
				       order is allowed now */
};

/* "case.decide" -> YZF_STEP_DECIDE; -1 if not a case step. */
YZF_API int yzf_case_step_of(const char *type);
/* YZF_STEP_DECIDE -> "case.decide"; NULL out of range. */
YZF_API const char *yzf_case_step_name(enum yzf_case_step s);

/* Fold n records of one case into *out. Records may come from any number
 * of feeds, in any order; other record types are ignored. Each record is
 * judged by the guards of yzf_case_check_step as of its own at_ms: one they
 * would refuse is still taken (it is signed history) but marked irregular
 * and the case flagged. Deadline flags are judged at `now`.
 * Returns YZF_OK, YZF_EINVAL (NULL arguments, ctx->version unknown) or
 * YZF_ENOMEM. A record whose body does not parse sets
 * YZF_CASE_F_BAD_RECORD and is otherwise skipped. */
YZF_API int yzf_case_fold(const struct yzf_case_rec *recs, size_t n,
			  const struct yzf_case_ctx *ctx, int64_t now,
			  struct yzf_case *out);

/* Decide, before anything is written, whether `rec` may be the next step of
 * the case in state `st` at time `now`. Returns:
 *   YZF_OK with msg "" — allowed;
 *   YZF_OK with msg set — allowed but flagged (late service);
 *   YZF_ESTATE — refused; msg says why and cites the article, e.g.
 *     "no decision before 告知 (行政处罚法第四十四条、第六十二条)";
 *   YZF_EINVAL — the body is not a valid step of its type;
 *   YZF_ENOTFOUND — the matter is not in the catalogue (《广东省一体化
 *     行政执法平台管理办法》第十三条).
 * msg (cap bytes, may be NULL) is always NUL-terminated. */
YZF_API YZF_NODISCARD int yzf_case_check_step(const struct yzf_case *st,
					      const struct yzf_case_rec *rec,
					      const struct yzf_case_ctx *ctx,
					      int64_t now, char *msg,
					      size_t cap);

/* Append the canonical JSON serialisation of the state to out: every field,
 * in a fixed order, ids in hex. Two states are the same iff their dumps are
 * byte-identical. YZF_OK or YZF_ENOMEM. */
YZF_API int yzf_case_dump(const struct yzf_case *st, struct yzf_buf *out);

/* ---- On a terminal (casebook.c): the store, the catalogue and the
 * calendar it holds. ---- */

struct yzf;
struct yzf_case_env;

/* The outside knowledge as the terminal holds it: the matters catalogue
 * (yzf/catalog.h) and the `calendar` reference set (yzf/calendar.h; when
 * none is held yet, working days are Mon-Fri and deadlines unknown).
 * hearing_fen as in struct yzf_case_ctx. Close with yzf_case_env_close. */
YZF_API int yzf_case_env_open(struct yzf *y, int64_t hearing_fen,
			      struct yzf_case_env **out);
/* The same from a catalogue and calendar (may be NULL) the caller made,
 * e.g. a city server from its own publication: env takes both, and frees
 * them on failure too. YZF_OK or YZF_ENOMEM. */
struct yzf_catalog;
struct yzf_calendar;
YZF_API int yzf_case_env_make(struct yzf_catalog *cat, struct yzf_calendar *cal,
			      int64_t hearing_fen, struct yzf_case_env **out);
YZF_API const struct yzf_case_ctx *yzf_case_env_ctx(
	const struct yzf_case_env *e);
YZF_API void yzf_case_env_close(struct yzf_case_env *e);

/* Fold the records of the case held here: every feed's, the terminal's own
 * and those pulled for shared cases. Needs the data key. */
YZF_API int yzf_case_load(struct yzf *y, const char *case_id,
			  const struct yzf_case_ctx *ctx, int64_t now,
			  struct yzf_case *out);

/* Every case id the store holds records of, sorted, in one query: *ids
 * is malloc'd (the caller frees it), *n how many. */
#define YZF_CASE_ID_MAX 65
YZF_API int yzf_case_ids(struct yzf *y, char (**ids)[YZF_CASE_ID_MAX],
			 size_t *n);

/* Append a case step to the feed only if yzf_case_check_step allows it
 * now (the terminal's attested time): else nothing is written and the
 * error cites the article. warn (cap bytes, may be NULL) receives a flag
 * the step carries (late service). *seq (may be NULL) its seq. */
YZF_API int yzf_case_append(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			    const char *case_id, const char *type,
			    const char *body, size_t len,
			    const struct yzf_loc *loc,
			    const struct yzf_case_ctx *ctx, char *warn,
			    size_t cap, int64_t *seq);

#ifdef __cplusplus
}
#endif
#endif

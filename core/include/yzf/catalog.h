/* yzf/catalog.h — the enforcement matters catalogue a terminal holds.
 *
 * The city publishes the catalogue as reference data sets (yzf/refset.h;
 * formats in schemas/refdata.md and schemas/refdata/NAME.schema.json):
 *   laws        articles of law, cited by id
 *   matters     执法事项: what an agency may do, on which legal basis, with
 *               the statutory fine range in fen
 *   benchmarks  行政裁量权基准: per matter, the tiers 不予/减轻/从轻/一般/从重
 *   doctypes    the documents (文书) a case produces
 * This module reads them from what the terminal holds (the refdata table,
 * as the index held names them), never from a file, and answers the
 * questions a case needs: a matter with its legal basis and benchmark, a
 * search by name or code, a document type, and which benchmark tier a fine
 * falls in (行政处罚法 art.34; Measures art.33, 过罚不当).
 *
 * yzf_catalog_open checks every set before anything is answered: the
 * content matches the hash the signed index names, each set is valid for
 * its schema, and the sets agree with one another (every law cited exists,
 * every benchmark belongs to a matter and names it back, tiers lie where
 * the statutory range puts them, no code or id twice). laws and matters
 * are required; benchmarks and doctypes may be absent from the index, and
 * then nothing is found in them.
 *
 * Money is integer fen throughout.
 *
 * Ownership: a catalogue owns every struct and string it hands out; they
 * live until yzf_catalog_close. It does not refer to the struct yzf after
 * open, so it may outlive it. Threading: a catalogue is immutable after
 * open and may be read from several threads.
 */
#ifndef YZF_CATALOG_H
#define YZF_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct yzf;
struct yzf_catalog;

/* A fen amount the set leaves null: no statutory minimum, no fixed
 * maximum, no hearing threshold. */
#define YZF_NO_FEN (-1)

/* Bounds the schemas put on a set's lists. */
#define YZF_CATALOG_MAX_REFS 16
#define YZF_CATALOG_MAX_KINDS 13
#define YZF_CATALOG_MAX_AGENCY_KINDS 8
#define YZF_CATALOG_MAX_TIERS 5
#define YZF_CATALOG_MAX_FIELDS 64

/* One article of law (set laws). */
struct yzf_law {
	const char *id;             /* "spaq-122" */
	const char *name;           /* 中华人民共和国食品安全法 */
	const char *article;        /* 第一百二十二条第一款 */
	const char *text;           /* abridged with …… */
	const char *effective_from; /* YYYY-MM-DD */
	const char *effective_to;   /* YYYY-MM-DD, NULL while in force */
};

enum yzf_tier_kind {
	YZF_TIER_EXEMPT,            /* 不予 (行政处罚法 art.33) */
	YZF_TIER_MITIGATED,         /* 减轻: below the minimum (art.32) */
	YZF_TIER_LENIENT,           /* 从轻 */
	YZF_TIER_ORDINARY,          /* 一般 */
	YZF_TIER_SEVERE,            /* 从重 */
};

struct yzf_tier {
	enum yzf_tier_kind kind;
	const char *name;           /* 不予, 减轻, 从轻, 一般 or 从重 */
	const char *conditions;
	int64_t min_fen, max_fen;   /* inclusive */
};

/* A 行政裁量权基准 for one matter (set benchmarks). */
struct yzf_benchmark {
	const char *id;
	int64_t version;            /* a decision records id@version */
	const char *matter;         /* its matter's code */
	const char *model;          /* "range" or "max_only" */
	const char *issuer;
	const char *published;      /* YYYY-MM-DD */
	const char *source;
	size_t ntiers;
	struct yzf_tier tiers[YZF_CATALOG_MAX_TIERS]; /* in the set's order */
};

/* An enforcement matter (set matters), its references resolved. */
struct yzf_matter {
	const char *code;           /* SC-FOOD-001 */
	const char *official_code;  /* 12-digit 基本编码, or NULL */
	const char *name;
	const char *kind;           /* 处罚, 检查 or 强制 */
	const char *sector;
	const char *party;          /* 不限/个人/单位: whom the range binds */
	size_t nagency_kinds;
	const char *agency_kinds[YZF_CATALOG_MAX_AGENCY_KINDS];
	size_t nviolated;           /* 违法依据 */
	const struct yzf_law *violated[YZF_CATALOG_MAX_REFS];
	size_t npenalty;            /* 处罚依据, or 实施依据 for 检查/强制 */
	const struct yzf_law *penalty[YZF_CATALOG_MAX_REFS];
	int64_t fine_min_fen;       /* YZF_NO_FEN: none (…以下) */
	int64_t fine_max_fen;       /* YZF_NO_FEN: no fixed amount */
	const char *fine_note;      /* multiples, 加重档...; or NULL */
	size_t npenalty_kinds;      /* 行政处罚法 art.9 kinds */
	const char *penalty_kinds[YZF_CATALOG_MAX_KINDS];
	int64_t hearing_person_fen; /* 较大数额 for 公民, or YZF_NO_FEN */
	int64_t hearing_org_fen;    /* for 法人或者其他组织, or YZF_NO_FEN */
	const struct yzf_benchmark *benchmark; /* NULL: none */
};

struct yzf_docfield {
	const char *key;            /* [a-z][a-z0-9_]* */
	const char *label;          /* as printed on the form */
};

/* A document type (set doctypes). */
struct yzf_doctype {
	const char *code;           /* ZLGZ; also the number leases' doc-type */
	const char *name;
	const char *stage;          /* 立案, 调查取证, 行政强制, 处罚决定,
				       执行 or 结案 */
	const char *sector;         /* NULL: every sector */
	bool numbered;              /* needs a 文号 */
	bool sealed;                /* needs the agency seal */
	bool party_signs;
	bool servable;              /* served on the party */
	int64_t template_version;
	size_t nfields;
	struct yzf_docfield fields[YZF_CATALOG_MAX_FIELDS];
};

/* Read and check the catalogue the terminal holds. On YZF_OK *out is a
 * catalogue the caller closes with yzf_catalog_close. Otherwise *out is
 * NULL and yzf_errmsg(y) names the set, the entry (by code or id, and
 * index) and the field at fault:
 *   YZF_ENOTFOUND no index held, or laws or matters not named by it, or a
 *                 set named by it but not held (sync)
 *   YZF_ESTATE    a set held at another version than the index names
 *   YZF_ECORRUPT  a set's content does not match the index's hash
 *   YZF_EINVAL    a set breaks its schema, or the sets disagree (a law,
 *                 matter or benchmark cited but absent; a tier outside
 *                 where the statutory range puts it; a code twice)
 *   YZF_ENOMEM */
YZF_API YZF_NODISCARD int yzf_catalog_open(struct yzf *y,
					   struct yzf_catalog **out);
/* One published set's content, as a city server holds it. */
struct yzf_setdata {
	const char *name;
	int64_t version;
	const uint8_t *content;
	size_t len;
};
/* The same catalogue from sets given (the city's newest publication): the
 * same checks and answers as yzf_catalog_open, the message in msg. For the
 * city's own fold of a case, which must judge as every terminal does. */
YZF_API YZF_NODISCARD int yzf_catalog_from(const struct yzf_setdata *sets,
					   size_t n, struct yzf_catalog **out,
					   char *msg, size_t cap);
/* Free the catalogue and everything it handed out. Accepts NULL. */
YZF_API void yzf_catalog_close(struct yzf_catalog *c);

/* The version of a set the catalogue was read from; 0 if it had none. */
YZF_API int64_t yzf_catalog_version(const struct yzf_catalog *c,
				    const char *set);

/* Counts and the i-th entry, in the set's order (NULL past the end). */
YZF_API size_t yzf_catalog_nmatters(const struct yzf_catalog *c);
YZF_API const struct yzf_matter *yzf_catalog_matter_at(
	const struct yzf_catalog *c, size_t i);

/* Lookups by exact code or id; NULL when absent. */
YZF_API const struct yzf_matter *yzf_catalog_matter(
	const struct yzf_catalog *c, const char *code);
YZF_API const struct yzf_law *yzf_catalog_law(const struct yzf_catalog *c,
					      const char *id);
/* The i-th document type, in the set's order; NULL past the end. */
YZF_API const struct yzf_doctype *yzf_catalog_doctype_at(
	const struct yzf_catalog *c, size_t i);
YZF_API const struct yzf_doctype *yzf_catalog_doctype(
	const struct yzf_catalog *c, const char *code);

/* Matters whose code, official code or name contains text, in the set's
 * order. Matching is on whole UTF-8 characters, ASCII letters in either
 * case ("sc-food" finds SC-FOOD-001, 食品 finds every food matter). Fills
 * out[0..min(*n, cap)) and sets *n to the number of matches, which may
 * exceed cap. YZF_EINVAL: text empty or not UTF-8. */
YZF_API int yzf_catalog_search(const struct yzf_catalog *c, const char *text,
			       const struct yzf_matter **out, size_t cap,
			       size_t *n);

/* Where a fine falls in a matter's benchmark. */
struct yzf_tier_pick {
	const struct yzf_matter *matter;
	const struct yzf_benchmark *benchmark;
	const struct yzf_tier *tier; /* the first tier holding the amount;
					NULL: none does */
	bool below_min;             /* under the statutory minimum: only a
				       减轻 may go there (art.32) */
	bool above_max;             /* over the statutory maximum: unlawful */
	int64_t min_fen, max_fen;   /* the tier's range; with no tier, the
				       statutory range (min 0 when none) */
};
/* Which benchmark tier amount_fen falls in for the matter code. YZF_OK
 * with pick filled (tier NULL and above_max when the fine is over the
 * statutory maximum); YZF_ENOTFOUND: no such matter, or it has no
 * benchmark (pick->matter says which); YZF_EINVAL: amount_fen < 0. */
YZF_API int yzf_catalog_tier(const struct yzf_catalog *c, const char *code,
			     int64_t amount_fen, struct yzf_tier_pick *pick);

#ifdef __cplusplus
}
#endif
#endif

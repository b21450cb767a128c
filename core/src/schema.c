/* schema.c — record bodies against their JSON Schema subset.
 *
 * Each schema is parsed once and compiled into a tree of struct node that
 * points into the schema's cJSON tree (kept for names and enum values).
 * A body is parsed by cJSON, then validated and written out in canonical
 * form in one walk driven by the schema. cJSON is looser than JSON (it takes
 * raw control bytes, invalid UTF-8, "01", "1.", a BOM, any byte <= 0x20 as
 * white space) and turns every number into a double, so a strict lexical
 * pass runs first and the numbers written with a fraction or an exponent
 * are marked afterwards; cJSON only builds the tree.
 */
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include <sodium.h>

#include "schema.h"

/* Value types, in the order of type_names[]. */
#define T_NULL 0x01u
#define T_BOOL 0x02u
#define T_INT  0x04u
#define T_STR  0x08u
#define T_OBJ  0x10u
#define T_ARR  0x20u
#define NTYPES 6

/* Nesting of a schema document: about two levels per body level. */
#define SCHEMA_TEXT_DEPTH 64
#define PATH_LEN 256

#if defined(__GNUC__) || defined(__clang__)
#define PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF(f, a)
#endif

struct prop {
	const char *name;    /* in the schema's cJSON tree */
	struct node *schema;
	bool required;
};

struct node {
	unsigned types;      /* T_* a value may have */
	bool typed;          /* "type" given; else enum/const alone decide */
	bool is_const;
	const cJSON *lits;   /* the enum array or the const value, or NULL */
	struct prop *props;
	size_t nprops;
	struct node *items;
	/* minimum, maximum, minLength, maxLength (in code points), minItems,
	 * maxItems; absent ones hold bounds no value can cross. */
	int64_t lim[6];
	const char *pattern; /* source of re, for messages; NULL if none */
	regex_t re;
};

struct entry {
	char *name;
	cJSON *json;
	struct node *root;
};

struct yzf_schemas {
	struct entry *e;
	size_t n;
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

/* --- Lexical pass ------------------------------------------------------ */

static const char deep[] = "nested too deeply";
static const char nul[] = "string holds U+0000";

/* Same ranges as canon.c: no overlongs, surrogates or > U+10FFFF. */
static size_t utf8_seq(const uint8_t *s, size_t n)
{
	uint8_t b = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (b < 0x80)
		return 1;
	if (b < 0xc2 || b > 0xf4)
		return 0;
	len = b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
	if (b == 0xe0)
		lo = 0xa0;
	else if (b == 0xed)
		hi = 0x9f;
	else if (b == 0xf0)
		lo = 0x90;
	else if (b == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

static bool is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(uint8_t c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool in_set(const char *set, uint8_t c)
{
	return c && strchr(set, c);
}

static size_t digits(const uint8_t *t, size_t len, size_t *j)
{
	size_t start = *j;

	while (*j < len && is_digit(t[*j]))
		(*j)++;
	return *j - start;
}

/* JSON's number grammar, stricter than cJSON (which takes "01" and "1."). */
static const char *lex_number(const uint8_t *t, size_t len, size_t *i)
{
	size_t j = *i + (t[*i] == '-'), d = j;

	if (!digits(t, len, &j) || (t[d] == '0' && j - d > 1))
		return "malformed number";
	if (j < len && t[j] == '.') {
		j++;
		if (!digits(t, len, &j))
			return "malformed number";
	}
	if (j < len && (t[j] == 'e' || t[j] == 'E')) {
		j++;
		j += j < len && (t[j] == '+' || t[j] == '-');
		if (!digits(t, len, &j))
			return "malformed number";
	}
	*i = j;
	return j < len && in_set(".eE+-", t[j]) ? "malformed number" : NULL;
}

/* A string at t[*i]: any JSON escape (this is input, not canonical form),
 * valid UTF-8, no raw control bytes, and no U+0000, which cJSON's
 * NUL-terminated strings would silently cut. */
static const char *lex_string(const uint8_t *t, size_t len, size_t *i)
{
	size_t n;

	for ((*i)++; *i < len && t[*i] != '"'; *i += n) {
		if (t[*i] < 0x20)
			return "control character in a string";
		if (t[*i] != '\\') {
			if (!(n = utf8_seq(t + *i, len - *i)))
				return "invalid UTF-8 in a string";
		} else if (len - *i >= 2 && in_set("\"\\/bfnrt", t[*i + 1])) {
			n = 2;
		} else if (len - *i >= 6 && t[*i + 1] == 'u' && is_hex(t[*i + 2]) &&
			   is_hex(t[*i + 3]) && is_hex(t[*i + 4]) &&
			   is_hex(t[*i + 5])) {
			if (memcmp(t + *i + 2, "0000", 4) == 0)
				return nul;
			n = 6;
		} else {
			return "bad escape";
		}
	}
	if (*i >= len)
		return "unterminated string";
	(*i)++;
	return NULL;
}

/* The lexical rules cJSON does not check: white space, strings, numbers,
 * and a nesting limit (cJSON recurses). Structure (brackets, commas,
 * colons, the spelling of literals) is left to cJSON. Returns why the text
 * fails, with *off where, or NULL. */
static const char *lex(const char *text, size_t len, size_t max_depth,
		       size_t *off)
{
	const uint8_t *t = (const uint8_t *)text;
	const char *why = NULL;
	size_t i = 0, depth = 0;

	while (i < len && !why) {
		*off = i;
		if (t[i] == '"') {
			why = lex_string(t, len, &i);
			*off = why ? i : *off;
		} else if (t[i] == '-' || is_digit(t[i])) {
			why = lex_number(t, len, &i);
		} else if (t[i] == '{' || t[i] == '[') {
			why = ++depth > max_depth ? deep : NULL;
			i++;
		} else if (t[i] == '}' || t[i] == ']') {
			depth -= depth > 0;
			i++;
		} else if (in_set(" \t\n\r,:truefalsn", t[i])) {
			i++;
		} else {
			why = "unexpected byte";
		}
	}
	return why;
}

/* Advance *pos past the next number token outside strings; true if it has
 * a fraction or an exponent. Relies on lex() having accepted the text. */
static bool next_number_is_float(const char *text, size_t len, size_t *pos)
{
	size_t i = *pos;
	bool fl = false;

	while (i < len && text[i] != '-' && !is_digit((uint8_t)text[i])) {
		if (text[i] == '"')
			for (i++; i < len && text[i] != '"'; i++)
				i += text[i] == '\\';
		i++;
	}
	for (; i < len && (is_digit((uint8_t)text[i]) ||
			   in_set("+-.eE", (uint8_t)text[i])); i++)
		fl |= in_set(".eE", (uint8_t)text[i]);
	*pos = i;
	return fl;
}

/* cJSON keeps no source text, so numbers written as 1.0 or 1e3 become NaN
 * here and the one integer test later refuses them with the field's path.
 * cJSON lists children in document order, as lex() saw them. */
static void poison_floats(cJSON *v, const char *text, size_t len, size_t *pos)
{
	cJSON *c;

	if (cJSON_IsNumber(v) && next_number_is_float(text, len, pos))
		v->valuedouble = NAN;
	for (c = v->child; c; c = c->next)
		poison_floats(c, text, len, pos);
}

/* Bodies are plaintext records: wipe the tree's strings before freeing it,
 * as yzf_buf_free does for buffers. */
static void wipe_tree(cJSON *v)
{
	cJSON *c;

	for (c = v->child; c; c = c->next)
		wipe_tree(c);
	if (v->valuestring)
		sodium_memzero(v->valuestring, strlen(v->valuestring));
	if (v->string)
		sodium_memzero(v->string, strlen(v->string));
}

/* Parse text[0..len) (not NUL-terminated) into a cJSON tree; what names the
 * text in messages. */
static int parse(const char *what, const char *text, size_t len,
		 size_t max_depth, cJSON **out, char *msg, size_t cap)
{
	const char *why, *end = NULL;
	size_t off = 0, pos = 0;
	char *copy;

	*out = NULL;
	why = lex(text, len, max_depth, &off);
	if (why == deep || why == nul) {
		msgf(msg, cap, "%s: %s (at byte %zu)", what, why, off);
		return YZF_EINVAL;
	}
	if (why) {
		msgf(msg, cap, "%s: not JSON (at byte %zu): %s", what, off, why);
		return YZF_EINVAL;
	}
	/* cJSON wants the NUL inside the length to refuse trailing bytes. */
	if (!(copy = malloc(len + 1))) {
		msgf(msg, cap, "%s: out of memory", what);
		return YZF_ENOMEM;
	}
	if (len)
		memcpy(copy, text, len);
	copy[len] = '\0';
	*out = cJSON_ParseWithLengthOpts(copy, len + 1, &end, 1);
	if (!*out) {
		off = end && end >= copy && end <= copy + len ? (size_t)(end - copy)
							       : len;
		msgf(msg, cap, "%s: not JSON (at byte %zu)", what, off);
	}
	sodium_memzero(copy, len);
	free(copy);
	if (!*out)
		return YZF_EINVAL;
	poison_floats(*out, text, len, &pos);
	return YZF_OK;
}

/* 0: an integer within the canonical range; 1: not an integer (including
 * the poisoned fractions and exponents); 2: an integer out of range. */
static int int_of(const cJSON *v, int64_t *out)
{
	double d = v->valuedouble;

	if (d != d)
		return 1;
	if (d < -(double)YZF_CANON_INT_MAX || d > (double)YZF_CANON_INT_MAX)
		return 2;
	*out = (int64_t)d;
	return (double)*out == d ? 0 : 1;
}

static unsigned type_of(const cJSON *v)
{
	return cJSON_IsNull(v) ? T_NULL : cJSON_IsBool(v) ? T_BOOL
	     : cJSON_IsNumber(v) ? T_INT : cJSON_IsString(v) ? T_STR
	     : cJSON_IsObject(v) ? T_OBJ : T_ARR;
}

/* Enum values in order; a const is a one-value enum. */
static const cJSON *lit_next(const struct node *n, const cJSON *l)
{
	if (!l)
		return n->is_const ? n->lits : n->lits->child;
	return n->is_const ? NULL : l->next;
}

/* --- Loading ----------------------------------------------------------- */

struct load {
	const char *name;  /* schema being loaded */
	char *msg;
	size_t cap;
	char at[PATH_LEN]; /* JSON Pointer of the node within the schema */
};

static int lfail(struct load *ld, const char *fmt, ...) PRINTF(2, 3);
static int lfail(struct load *ld, const char *fmt, ...)
{
	char text[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	msgf(ld->msg, ld->cap, "schema %s%s%s: %s", ld->name,
	     ld->at[0] ? " at " : "", ld->at, text);
	return YZF_EINVAL;
}

static void free_node(struct node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nprops; i++)
		free_node(n->props[i].schema);
	free(n->props);
	free_node(n->items);
	if (n->pattern)
		regfree(&n->re);
	free(n);
}

static const struct {
	const char *name;
	unsigned needs; /* value type the keyword applies to; 0: any */
} keywords[] = {
	{ "$schema", 0 }, { "$id", 0 }, { "title", 0 }, { "description", 0 },
	{ "type", 0 }, { "enum", 0 }, { "const", 0 },
	{ "minimum", T_INT }, { "maximum", T_INT },
	{ "minLength", T_STR }, { "maxLength", T_STR },
	{ "minItems", T_ARR }, { "maxItems", T_ARR },
	{ "pattern", T_STR }, { "items", T_ARR },
	{ "properties", T_OBJ }, { "required", T_OBJ },
	{ "additionalProperties", T_OBJ },
};
/* Indices into keywords[]; K_MIN..K_MAXITEMS match node.lim[]. */
enum { K_SCHEMA, K_ID, K_TITLE, K_DESC, K_TYPE, K_ENUM, K_CONST, K_MIN,
       K_MAX, K_MINLEN, K_MAXLEN, K_MINITEMS, K_MAXITEMS, K_PATTERN,
       K_ITEMS, K_PROPS, K_REQUIRED, K_ADDL, K_COUNT };

static const char *const type_names[NTYPES] = {
	"null", "boolean", "integer", "string", "object", "array",
};

/* The six bounds, in (lower, upper) pairs; lengths and counts are >= 0. */
static int load_lims(struct load *ld, struct node *n, const cJSON **kw)
{
	static const int64_t dflt[6] = { INT64_MIN, INT64_MAX, 0, INT64_MAX, 0,
					 INT64_MAX };
	size_t i;

	for (i = 0; i < 6; i++) {
		const cJSON *v = kw[K_MIN + i];

		n->lim[i] = dflt[i];
		if (v && (!cJSON_IsNumber(v) || int_of(v, &n->lim[i]) != 0 ||
			  (i >= 2 && n->lim[i] < 0)))
			return lfail(ld, "\"%s\" must be an integer%s",
				     keywords[K_MIN + i].name, i >= 2 ? " >= 0" : "");
	}
	for (i = 0; i < 6; i += 2)
		if (n->lim[i] > n->lim[i + 1])
			return lfail(ld, "\"%s\" exceeds \"%s\"",
				     keywords[K_MIN + i].name,
				     keywords[K_MIN + i + 1].name);
	return YZF_OK;
}

/* A schema object with the same key twice would mean two things. */
static int load_no_dups(struct load *ld, const cJSON *obj)
{
	const cJSON *a, *b;

	for (a = obj->child; a; a = a->next)
		for (b = obj->child; b != a; b = b->next)
			if (strcmp(a->string, b->string) == 0)
				return lfail(ld, "key \"%s\" appears twice", a->string);
	return YZF_OK;
}

static int load_node(struct load *ld, const cJSON *j, size_t depth,
		     struct node **out);

static int load_props(struct load *ld, struct node *n, const cJSON *props,
		      const cJSON *req, size_t depth)
{
	size_t at = strlen(ld->at), i;
	const cJSON *c, *r;
	int rc;

	if (!cJSON_IsObject(props))
		return lfail(ld, "\"properties\" must be an object");
	if ((rc = load_no_dups(ld, props)))
		return rc;
	n->nprops = (size_t)cJSON_GetArraySize(props);
	if (!(n->props = calloc(n->nprops ? n->nprops : 1, sizeof(*n->props))))
		return YZF_ENOMEM;
	for (c = props->child, i = 0; c; c = c->next, i++) {
		n->props[i].name = c->string;
		snprintf(ld->at + at, sizeof(ld->at) - at, "/properties/%s",
			 c->string);
		rc = load_node(ld, c, depth, &n->props[i].schema);
		ld->at[at] = '\0';
		if (rc)
			return rc;
	}
	if (req && !cJSON_IsArray(req))
		return lfail(ld, "\"required\" must be an array of strings");
	for (r = req ? req->child : NULL; r; r = r->next) {
		if (!cJSON_IsString(r))
			return lfail(ld, "\"required\" must be an array of strings");
		for (i = 0; i < n->nprops; i++)
			if (strcmp(n->props[i].name, r->valuestring) == 0)
				break;
		if (i == n->nprops)
			return lfail(ld, "required \"%s\" is not in properties",
				     r->valuestring);
		if (n->props[i].required)
			return lfail(ld, "\"%s\" is required twice", r->valuestring);
		n->props[i].required = true;
	}
	return YZF_OK;
}

static int load_type(struct load *ld, struct node *n, const cJSON *t)
{
	const cJSON *one = cJSON_IsArray(t) ? t->child : t;
	size_t i;

	if (!one)
		return lfail(ld, "\"type\" must not be empty");
	for (; one; one = cJSON_IsArray(t) ? one->next : NULL) {
		if (!cJSON_IsString(one))
			return lfail(ld, "\"type\" must be a string or an array of "
				     "strings");
		for (i = 0; i < NTYPES; i++)
			if (strcmp(one->valuestring, type_names[i]) == 0)
				break;
		if (i == NTYPES)
			return lfail(ld, "type \"%s\" is not supported%s",
				     one->valuestring,
				     strcmp(one->valuestring, "number") == 0
				     ? " (bodies hold integers only)" : "");
		if (n->types & (1u << i))
			return lfail(ld, "type \"%s\" listed twice", one->valuestring);
		n->types |= 1u << i;
	}
	n->typed = true;
	return YZF_OK;
}

static int load_lits(struct load *ld, struct node *n, const cJSON *en,
		     const cJSON *cn)
{
	const cJSON *l = NULL;
	unsigned types = 0, t;
	int64_t iv;

	if (en && cn)
		return lfail(ld, "use \"enum\" or \"const\", not both");
	if (en && (!cJSON_IsArray(en) || !en->child))
		return lfail(ld, "\"enum\" must be a non-empty array");
	n->is_const = cn != NULL;
	n->lits = cn ? cn : en;
	while ((l = lit_next(n, l))) {
		t = type_of(l);
		if (t & (T_OBJ | T_ARR) || (t == T_INT && int_of(l, &iv) != 0))
			return lfail(ld, "enum and const values must be strings, "
				     "integers, booleans or null");
		if (n->typed && !(n->types & t))
			return lfail(ld, "an enum or const value is not of the "
				     "schema's type");
		types |= t;
	}
	if (!n->typed)
		n->types = types;
	return YZF_OK;
}

static int load_pattern(struct load *ld, struct node *n, const cJSON *p)
{
	char err[128];
	const char *s;
	int rc;

	if (!cJSON_IsString(p))
		return lfail(ld, "\"pattern\" must be a string");
	/* ASCII only, so matching is the same bytewise in every locale. */
	for (s = p->valuestring; *s; s++)
		if ((uint8_t)*s >= 0x80)
			return lfail(ld, "\"pattern\" must be ASCII");
	rc = regcomp(&n->re, p->valuestring, REG_EXTENDED | REG_NOSUB);
	if (rc) { /* re holds nothing to free after a failure */
		regerror(rc, &n->re, err, sizeof(err));
		return lfail(ld, "\"pattern\" does not compile: %s", err);
	}
	n->pattern = p->valuestring;
	return YZF_OK;
}

/* Compile schema j; *out is set as soon as allocated, so the caller frees a
 * half-built tree on failure. depth counts object and array levels. */
static int load_node(struct load *ld, const cJSON *j, size_t depth,
		     struct node **out)
{
	const cJSON *kw[K_COUNT] = { 0 }, *c;
	size_t i, at = strlen(ld->at);
	struct node *n;
	int rc;

	if (!cJSON_IsObject(j))
		return lfail(ld, "a schema must be an object");
	if ((rc = load_no_dups(ld, j)))
		return rc;
	for (c = j->child; c; c = c->next) {
		for (i = 0; i < K_COUNT; i++)
			if (strcmp(c->string, keywords[i].name) == 0)
				break;
		if (i == K_COUNT)
			return lfail(ld, "unsupported keyword \"%s\"", c->string);
		if (i <= K_DESC && !cJSON_IsString(c))
			return lfail(ld, "\"%s\" must be a string", c->string);
		kw[i] = c;
	}
	if (!(*out = n = calloc(1, sizeof(*n))))
		return YZF_ENOMEM;
	if (kw[K_TYPE] && (rc = load_type(ld, n, kw[K_TYPE])))
		return rc;
	if ((kw[K_ENUM] || kw[K_CONST]) &&
	    (rc = load_lits(ld, n, kw[K_ENUM], kw[K_CONST])))
		return rc;
	if (!n->types)
		return lfail(ld, "needs \"type\", \"enum\" or \"const\"");
	for (i = K_MIN; i < K_COUNT; i++)
		if (kw[i] && !(n->types & keywords[i].needs))
			return lfail(ld, "\"%s\" does not apply to this type",
				     keywords[i].name);
	if ((rc = load_lims(ld, n, kw)))
		return rc;
	if (kw[K_PATTERN] && (rc = load_pattern(ld, n, kw[K_PATTERN])))
		return rc;
	/* The body can nest no deeper than its schema does. */
	if ((n->types & (T_OBJ | T_ARR)) && ++depth > YZF_CANON_MAX_DEPTH)
		return lfail(ld, "nests more than %d levels deep",
			     YZF_CANON_MAX_DEPTH);
	if (n->types & T_ARR) {
		if (!kw[K_ITEMS])
			return lfail(ld, "an array schema needs \"items\"");
		snprintf(ld->at + at, sizeof(ld->at) - at, "/items");
		rc = load_node(ld, kw[K_ITEMS], depth, &n->items);
		ld->at[at] = '\0';
		if (rc)
			return rc;
	}
	if (n->types & T_OBJ) {
		if (!kw[K_PROPS])
			return lfail(ld, "an object schema needs \"properties\"");
		if (!cJSON_IsFalse(kw[K_ADDL]))
			return lfail(ld, "an object schema needs "
				     "\"additionalProperties\": false");
		return load_props(ld, n, kw[K_PROPS], kw[K_REQUIRED], depth);
	}
	return YZF_OK;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name,
		      ((const struct entry *)b)->name);
}

int yzf_schemas_create(const struct yzf_embedded *srcs,
		       struct yzf_schemas **out, char *msg, size_t cap)
{
	struct yzf_schemas *s;
	struct load ld;
	char what[96];
	size_t count = 0, i;
	int rc = YZF_OK;

	if (!out || !srcs) {
		msgf(msg, cap, "no schema table");
		return YZF_EINVAL;
	}
	*out = NULL;
	while (srcs[count].name)
		count++;
	if (!(s = calloc(1, sizeof(*s))) ||
	    !(s->e = calloc(count ? count : 1, sizeof(*s->e)))) {
		free(s);
		msgf(msg, cap, "out of memory");
		return YZF_ENOMEM;
	}
	for (i = 0; i < count && !rc; i++) {
		struct entry *e = &s->e[s->n];

		memset(&ld, 0, sizeof(ld));
		ld.name = srcs[i].name;
		ld.msg = msg;
		ld.cap = cap;
		if (!srcs[i].name[0] || !srcs[i].text) {
			rc = lfail(&ld, "empty name or no text");
			break;
		}
		snprintf(what, sizeof(what), "schema %s", srcs[i].name);
		rc = parse(what, srcs[i].text, srcs[i].len, SCHEMA_TEXT_DEPTH,
			   &e->json, msg, cap);
		if (rc)
			break;
		s->n++;
		e->name = strdup(srcs[i].name);
		rc = e->name ? load_node(&ld, e->json, 0, &e->root) : YZF_ENOMEM;
	}
	if (!rc) {
		qsort(s->e, s->n, sizeof(*s->e), entry_cmp);
		for (i = 1; i < s->n && !rc; i++)
			if (strcmp(s->e[i - 1].name, s->e[i].name) == 0) {
				msgf(msg, cap, "schema %s: defined twice", s->e[i].name);
				rc = YZF_EINVAL;
			}
	}
	if (rc == YZF_ENOMEM)
		msgf(msg, cap, "out of memory loading schemas");
	if (rc) {
		yzf_schemas_destroy(s);
		return rc;
	}
	*out = s;
	return YZF_OK;
}

void yzf_schemas_destroy(struct yzf_schemas *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->e[i].name);
		free_node(s->e[i].root);
		cJSON_Delete(s->e[i].json);
	}
	free(s->e);
	free(s);
}

static const struct entry *find(const struct yzf_schemas *s, const char *type)
{
	struct entry key = { (char *)type, NULL, NULL };

	if (!s || !type || !s->n)
		return NULL;
	return bsearch(&key, s->e, s->n, sizeof(*s->e), entry_cmp);
}

bool yzf_schemas_has(const struct yzf_schemas *s, const char *type)
{
	return find(s, type) != NULL;
}

const char *yzf_schemas_name(const struct yzf_schemas *s, size_t i)
{
	return s && i < s->n ? s->e[i].name : NULL;
}

/* --- Validation and output --------------------------------------------- */

struct run {
	struct yzf_buf *out;
	char *msg;
	size_t cap;
	char path[PATH_LEN]; /* "body.party.kind", "body.items[2]" */
};

static int vfail(struct run *r, const char *fmt, ...) PRINTF(2, 3);
static int vfail(struct run *r, const char *fmt, ...)
{
	char text[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	msgf(r->msg, r->cap, "%s: %s", r->path, text);
	return YZF_EINVAL;
}

/* Append ".key" to the path, control bytes shown as '?' so a hostile key
 * cannot forge lines in a log. Returns the old length, to restore. */
static size_t push_key(struct run *r, const char *key)
{
	size_t at = strlen(r->path), i = at;

	if (i + 1 < sizeof(r->path))
		r->path[i++] = '.';
	for (; *key && i + 1 < sizeof(r->path); key++)
		r->path[i++] = (uint8_t)*key < 0x20 || *key == 0x7f ? '?' : *key;
	r->path[i] = '\0';
	return at;
}

static int must_be_type(struct run *r, unsigned types)
{
	static const char *const words[NTYPES] = {
		"null", "a boolean", "an integer", "a string", "an object",
		"an array",
	};
	char text[96] = "";
	size_t i, len = 0;

	for (i = 1; i <= NTYPES; i++) /* null last: "a string or null" */
		if (types & (1u << (i % NTYPES)))
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s",
						len ? " or " : "", words[i % NTYPES]);
	return vfail(r, "must be %s", text);
}

/* t and iv describe v (iv: integer or 0/1 for booleans); t is 0 for a
 * number that is not a valid integer, which matches nothing. */
static int check_lits(struct run *r, const struct node *n, const cJSON *v,
		      unsigned t, int64_t iv)
{
	const cJSON *l = NULL;
	char list[256] = "";
	size_t len = 0;
	int64_t li = 0;

	while ((l = lit_next(n, l))) {
		unsigned lt = type_of(l);

		if (lt == T_INT)
			int_of(l, &li);
		else if (lt == T_BOOL)
			li = cJSON_IsTrue(l);
		if (lt == t && (t == T_NULL || (t == T_STR
		    ? strcmp(l->valuestring, v->valuestring) == 0 : li == iv)))
			return YZF_OK;
	}
	while ((l = lit_next(n, l)) && len < sizeof(list)) {
		unsigned lt = type_of(l);
		char one[96];

		if (lt == T_INT && int_of(l, &li) == 0)
			snprintf(one, sizeof(one), "%lld", (long long)li);
		else
			snprintf(one, sizeof(one), "%s", lt == T_STR ? l->valuestring
				 : lt == T_NULL ? "null"
				 : cJSON_IsTrue(l) ? "true" : "false");
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
					len ? ", " : "", one);
	}
	return vfail(r, "must be %s%s", n->is_const ? "" : "one of ", list);
}

static int emit(struct run *r, const struct node *n, const cJSON *v);

static int emit_object(struct run *r, const struct node *n, const cJSON *v)
{
	const cJSON *c, *d;
	size_t i, at;
	bool first = true;
	int rc = YZF_OK;

	/* Every key known and none twice. Then there are at most nprops
	 * children, so the quadratic duplicate test is bounded by the schema. */
	for (c = v->child; c; c = c->next) {
		for (i = 0; i < n->nprops; i++)
			if (strcmp(n->props[i].name, c->string) == 0)
				break;
		for (d = v->child; i < n->nprops && d != c; d = d->next)
			if (strcmp(d->string, c->string) == 0)
				break;
		if (i == n->nprops || d != c) {
			push_key(r, c->string);
			return vfail(r, i == n->nprops ? "unknown field"
						       : "duplicate key");
		}
	}
	yzf_buf_putc(r->out, '{');
	for (i = 0; i < n->nprops && !rc; i++) {
		const struct prop *p = &n->props[i];

		c = cJSON_GetObjectItemCaseSensitive(v, p->name);
		at = push_key(r, p->name);
		if (!c && p->required) {
			rc = vfail(r, "required field missing");
		} else if (c) {
			if (!first)
				yzf_buf_putc(r->out, ',');
			first = false;
			rc = yzf_canon_put_key(r->out, p->name);
			if (!rc)
				rc = emit(r, p->schema, c);
		}
		r->path[at] = '\0';
	}
	yzf_buf_putc(r->out, '}');
	return rc;
}

static int emit_array(struct run *r, const struct node *n, const cJSON *v)
{
	const cJSON *c;
	size_t count = 0, at = strlen(r->path);
	int rc = YZF_OK;

	for (c = v->child; c; c = c->next)
		count++;
	if ((int64_t)count < n->lim[4])
		return vfail(r, "must have at least %lld item%s",
			     (long long)n->lim[4], n->lim[4] == 1 ? "" : "s");
	if ((int64_t)count > n->lim[5])
		return vfail(r, "must have at most %lld item%s",
			     (long long)n->lim[5], n->lim[5] == 1 ? "" : "s");
	yzf_buf_putc(r->out, '[');
	for (c = v->child, count = 0; c && !rc; c = c->next, count++) {
		if (count)
			yzf_buf_putc(r->out, ',');
		snprintf(r->path + at, sizeof(r->path) - at, "[%zu]", count);
		rc = emit(r, n->items, c);
		r->path[at] = '\0';
	}
	yzf_buf_putc(r->out, ']');
	return rc;
}

static int emit_string(struct run *r, const struct node *n, const char *s)
{
	size_t len = strlen(s), cps = 0, i;

	for (i = 0; i < len; i++)
		cps += ((uint8_t)s[i] & 0xc0) != 0x80;
	if ((int64_t)cps < n->lim[2])
		return vfail(r, "must have at least %lld character%s",
			     (long long)n->lim[2], n->lim[2] == 1 ? "" : "s");
	if ((int64_t)cps > n->lim[3])
		return vfail(r, "must have at most %lld character%s",
			     (long long)n->lim[3], n->lim[3] == 1 ? "" : "s");
	if (n->pattern && regexec(&n->re, s, 0, NULL, 0) != 0)
		return vfail(r, "must match %s", n->pattern);
	return yzf_canon_put_str(r->out, s, len) == YZF_ENONCANON
	       ? vfail(r, "not valid UTF-8") : YZF_OK;
}

/* Validate v against n and append its canonical form. */
static int emit(struct run *r, const struct node *n, const cJSON *v)
{
	unsigned t = type_of(v);
	int64_t iv = cJSON_IsTrue(v);
	int k;

	if (n->typed && !(n->types & t))
		return must_be_type(r, n->types);
	if (t == T_INT && (k = int_of(v, &iv)) != 0) {
		if (!n->typed)
			return check_lits(r, n, v, 0, 0);
		return vfail(r, k == 1 ? "must be an integer"
				       : "integer out of range");
	}
	if (n->lits && check_lits(r, n, v, t, iv))
		return YZF_EINVAL;
	switch (t) {
	case T_NULL:
	case T_BOOL:
		yzf_buf_puts(r->out, t == T_NULL ? "null" : iv ? "true" : "false");
		return YZF_OK;
	case T_INT:
		if (iv < n->lim[0])
			return vfail(r, "must be at least %lld", (long long)n->lim[0]);
		if (iv > n->lim[1])
			return vfail(r, "must be at most %lld", (long long)n->lim[1]);
		return yzf_canon_put_int(r->out, iv) == YZF_ERANGE
		       ? vfail(r, "integer out of range") : YZF_OK;
	case T_STR:
		return emit_string(r, n, v->valuestring);
	case T_OBJ:
		return emit_object(r, n, v);
	default:
		return emit_array(r, n, v);
	}
}

int yzf_schemas_canon(const struct yzf_schemas *s, const char *type,
		      const char *json, size_t len, struct yzf_buf *out,
		      char *msg, size_t cap)
{
	const struct entry *e = find(s, type);
	size_t saved = out->len;
	struct run r;
	cJSON *root = NULL;
	int rc;

	if (!e) {
		msgf(msg, cap, "no schema for record type \"%s\"",
		     type ? type : "(null)");
		return YZF_ENOTFOUND;
	}
	if (!json && len) {
		msgf(msg, cap, "body: no text");
		return YZF_EINVAL;
	}
	if ((rc = parse("body", json, len, YZF_CANON_MAX_DEPTH, &root, msg, cap)))
		return rc;
	r.out = out;
	r.msg = msg;
	r.cap = cap;
	snprintf(r.path, sizeof(r.path), "body");
	rc = emit(&r, e->root, root);
	if (!rc && out->oom) {
		msgf(msg, cap, "body: out of memory");
		rc = YZF_ENOMEM;
	}
	if (rc && out->p && out->len > saved)
		sodium_memzero(out->p + saved, out->len - saved);
	if (rc)
		out->len = saved;
	wipe_tree(root);
	cJSON_Delete(root);
	return rc;
}

int yzf_schemas_check(const struct yzf_schemas *s, const char *type,
		      const uint8_t *body, size_t len, char *msg, size_t cap)
{
	struct yzf_buf b = { 0 };
	struct yzf_canon_err err;
	size_t i;
	int rc;

	if (!find(s, type)) {
		msgf(msg, cap, "no schema for record type \"%s\"",
		     type ? type : "(null)");
		return YZF_ENOTFOUND;
	}
	if (yzf_canon_check(body, len, &err)) {
		msgf(msg, cap, "body: not canonical JSON (at byte %zu): %s",
		     err.off, err.why);
		return YZF_ENONCANON;
	}
	rc = yzf_schemas_canon(s, type, (const char *)body, len, &b, msg, cap);
	if (!rc && (b.len != len || memcmp(b.p, body, len) != 0)) {
		for (i = 0; i < len && i < b.len && b.p[i] == body[i]; i++)
			;
		msgf(msg, cap, "body: keys not in schema order or not canonical "
		     "(first difference at byte %zu)", i);
		rc = YZF_ENONCANON;
	}
	yzf_buf_free(&b);
	return rc;
}

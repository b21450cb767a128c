/* test_schema.c — record bodies against their JSON Schemas.
 *
 * Inline copies of the schemas in schemas/records (the test reads no files:
 * keep them in sync) plus small schemas for the keywords the real ones do
 * not use. Checks the canonical bytes, every rule's message with its field
 * path, the load-time refusals, and yzf_schemas_check on stored bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "check.h"

/* schemas/records/inspection.end.schema.json */
static const char s_inspection_end[] =
	"{\n"
	"  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n"
	"  \"$id\": \"yzf:record/inspection.end\",\n"
	"  \"title\": \"inspection.end: the inspection closes with its outcome\",\n"
	"  \"type\": \"object\",\n"
	"  \"properties\": {\n"
	"    \"outcome\": {\"enum\": [\"no_issue\", \"order_correction\", \"open_case\", \"coercive_measure\"]},\n"
	"    \"summary\": {\"type\": \"string\", \"minLength\": 1, \"maxLength\": 2000},\n"
	"    \"items\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 10000},\n"
	"    \"party_signed\": {\"type\": \"boolean\"},\n"
	"    \"refusal\": {\"type\": \"string\", \"maxLength\": 200,\n"
	"                \"description\": \"why the party did not sign, as noted on the record\"}\n"
	"  },\n"
	"  \"required\": [\"outcome\", \"summary\", \"items\", \"party_signed\"],\n"
	"  \"additionalProperties\": false\n"
	"}\n";

/* schemas/records/inspection.item.schema.json */
static const char s_inspection_item[] =
	"{\n"
	"  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n"
	"  \"$id\": \"yzf:record/inspection.item\",\n"
	"  \"title\": \"inspection.item: one thing checked during an inspection and what was found\",\n"
	"  \"type\": \"object\",\n"
	"  \"properties\": {\n"
	"    \"item\": {\"type\": \"string\", \"minLength\": 1, \"maxLength\": 200},\n"
	"    \"result\": {\"enum\": [\"compliant\", \"violation\", \"not_applicable\"]},\n"
	"    \"finding\": {\"type\": \"string\", \"maxLength\": 2000},\n"
	"    \"quantity\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 1000000000},\n"
	"    \"value_fen\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 100000000000,\n"
	"                  \"description\": \"money involved, integer fen\"}\n"
	"  },\n"
	"  \"required\": [\"item\", \"result\"],\n"
	"  \"additionalProperties\": false\n"
	"}\n";

/* schemas/records/inspection.start.schema.json */
static const char s_inspection_start[] =
	"{\n"
	"  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n"
	"  \"$id\": \"yzf:record/inspection.start\",\n"
	"  \"title\": \"inspection.start: officers arrive, show credentials and open an on-site inspection (现场检查)\",\n"
	"  \"type\": \"object\",\n"
	"  \"properties\": {\n"
	"    \"kind\": {\"enum\": [\"routine\", \"special\", \"random\", \"complaint\"],\n"
	"             \"description\": \"日常 / 专项 / 双随机 / 投诉举报 (广东省行政检查办法 art.4)\"},\n"
	"    \"matter\": {\"type\": \"string\", \"pattern\": \"^[A-Z0-9-]{4,32}$\",\n"
	"               \"description\": \"code of the enforcement matter in the 执法事项库 (Measures art.13)\"},\n"
	"    \"place\": {\"type\": \"string\", \"minLength\": 1, \"maxLength\": 200},\n"
	"    \"party\": {\n"
	"      \"type\": \"object\",\n"
	"      \"properties\": {\n"
	"        \"kind\": {\"enum\": [\"person\", \"sole_trader\", \"legal_person\", \"other_org\"]},\n"
	"        \"name\": {\"type\": \"string\", \"minLength\": 1, \"maxLength\": 100},\n"
	"        \"uscc\": {\"type\": \"string\", \"pattern\": \"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$\",\n"
	"                 \"description\": \"统一社会信用代码 (GB 32100)\"},\n"
	"        \"id_no\": {\"type\": \"string\", \"pattern\": \"^[0-9]{17}[0-9X]$\"},\n"
	"        \"present\": {\"type\": \"string\", \"maxLength\": 100,\n"
	"                    \"description\": \"who attended for the party\"}\n"
	"      },\n"
	"      \"required\": [\"kind\", \"name\"],\n"
	"      \"additionalProperties\": false\n"
	"    },\n"
	"    \"credentials_shown\": {\"type\": \"boolean\",\n"
	"                          \"description\": \"执法证 shown to the party (行政处罚法 art.55)\"},\n"
	"    \"co_officer\": {\"type\": \"string\", \"pattern\": \"^[0-9a-f]{64}$\",\n"
	"                   \"description\": \"feed of the second officer on site\"}\n"
	"  },\n"
	"  \"required\": [\"kind\", \"matter\", \"place\", \"party\", \"credentials_shown\"],\n"
	"  \"additionalProperties\": false\n"
	"}\n";

/* schemas/records/note.schema.json */
static const char s_note[] =
	"{\n"
	"  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n"
	"  \"$id\": \"yzf:record/note\",\n"
	"  \"title\": \"note: a free-text remark by the officer, tied to a case or not\",\n"
	"  \"type\": \"object\",\n"
	"  \"properties\": {\n"
	"    \"text\": {\"type\": \"string\", \"minLength\": 1, \"maxLength\": 2000}\n"
	"  },\n"
	"  \"required\": [\"text\"],\n"
	"  \"additionalProperties\": false\n"
	"}\n";

#define ENTRY(name, text) { name, text, sizeof(text) - 1 }

static const struct yzf_embedded real[] = {
	ENTRY("inspection.end", s_inspection_end),
	ENTRY("inspection.item", s_inspection_item),
	ENTRY("inspection.start", s_inspection_start),
	ENTRY("note", s_note),
	{ 0, 0, 0 },
};

/* The keywords and shapes the real schemas do not use yet. */
static const char s_misc[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"maxLength\":3},"
	"\"minItems\":1,\"maxItems\":3},"
	"\"opt\":{\"type\":[\"string\",\"null\"]},"
	"\"v\":{\"const\":2},"
	"\"flag\":{\"enum\":[true,1,\"x\",null]},"
	"\"n\":{\"type\":\"integer\",\"minimum\":-5,\"maximum\":9007199254740991},"
	"\"rows\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
	"\"b\":{\"type\":\"integer\"},\"a\":{\"type\":\"integer\"}},"
	"\"required\":[\"a\"],\"additionalProperties\":false}},"
	"\"nul\":{\"type\":\"null\"}"
	"},\"required\":[\"v\"],\"additionalProperties\":false}";

/* Listed out of order: the registry sorts. */
static const struct yzf_embedded misc[] = {
	ENTRY("misc", s_misc),
	ENTRY("a.first", "{\"type\":\"string\"}"),
	{ 0, 0, 0 },
};

struct ccase {
	const char *type;
	const char *in;
	int rc;
	const char *want; /* canonical bytes if rc is YZF_OK, else the message */
};

#define A64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const struct ccase cases[] = {
	/* canonical output: key order, white space, escapes */
	{ "note", "{\"text\":\"hi\"}", YZF_OK, "{\"text\":\"hi\"}" },
	{ "note", " {\n\t\"text\" :\r\n \"hi\" } \n", YZF_OK, "{\"text\":\"hi\"}" },
	{ "note", "{\"text\":\"\\u0041\\/\\u00e9\\ud83d\\ude00\\u001F\\u007f\"}",
	  YZF_OK, "{\"text\":\"A/\xc3\xa9\xf0\x9f\x98\x80\\u001f\x7f\"}" },
	{ "note", "{\"text\":\"\\b\\f\\n\\r\\t\\\"\\\\\"}", YZF_OK,
	  "{\"text\":\"\\b\\f\\n\\r\\t\\\"\\\\\"}" },
	{ "note", "{\"\\u0074ext\":\"k\"}", YZF_OK, "{\"text\":\"k\"}" },
	{ "inspection.start",
	  "{ \"co_officer\": \"" A64 "\",\n"
	  "  \"party\": {\"present\": \"\xe6\x9d\x8e\xe5\x9b\x9b\", \"name\": "
	  "\"\xe5\xbc\xa0\xe4\xb8\x89\", \"kind\": \"sole_trader\","
	  " \"uscc\": \"91350100MA0000001X\"},\n"
	  "  \"credentials_shown\": true, \"place\": \"1 Main St\",\n"
	  "  \"matter\": \"ENV-0042\", \"kind\": \"routine\" }",
	  YZF_OK,
	  "{\"kind\":\"routine\",\"matter\":\"ENV-0042\",\"place\":\"1 Main St\","
	  "\"party\":{\"kind\":\"sole_trader\",\"name\":\"\xe5\xbc\xa0\xe4\xb8\x89\","
	  "\"uscc\":\"91350100MA0000001X\",\"present\":\"\xe6\x9d\x8e\xe5\x9b\x9b\"},"
	  "\"credentials_shown\":true,\"co_officer\":\"" A64 "\"}" },
	{ "inspection.end",
	  "{\"party_signed\":false,\"items\":0,\"summary\":\"ok\",\"outcome\":\"no_issue\"}",
	  YZF_OK,
	  "{\"outcome\":\"no_issue\",\"summary\":\"ok\",\"items\":0,\"party_signed\":false}" },
	{ "inspection.item",
	  "{\"value_fen\":100000000000,\"result\":\"violation\",\"item\":\"fire exits\","
	  "\"quantity\":-1}",
	  YZF_EINVAL, "body.quantity: must be at least 0" },
	{ "inspection.item",
	  "{\"value_fen\":100000000000,\"result\":\"violation\",\"item\":\"x\",\"quantity\":-0}",
	  YZF_OK,
	  "{\"item\":\"x\",\"result\":\"violation\",\"quantity\":0,\"value_fen\":100000000000}" },
	{ "misc",
	  "{\"rows\":[{\"a\":1,\"b\":2},{\"a\":-3}],\"nul\":null,\"flag\":\"x\",\"v\":2,"
	  "\"opt\":null,\"tags\":[\"a\",\"\xe7\x8e\xb0\xe5\x9c\xba\xe6\xa3\x80\"],"
	  "\"n\":9007199254740991}",
	  YZF_OK,
	  "{\"tags\":[\"a\",\"\xe7\x8e\xb0\xe5\x9c\xba\xe6\xa3\x80\"],\"opt\":null,"
	  "\"v\":2,\"flag\":\"x\",\"n\":9007199254740991,"
	  "\"rows\":[{\"b\":2,\"a\":1},{\"a\":-3}],\"nul\":null}" },
	{ "misc", "{\"v\":2,\"flag\":true,\"opt\":\"s\"}", YZF_OK,
	  "{\"opt\":\"s\",\"v\":2,\"flag\":true}" },
	{ "misc", "{\"v\":2,\"flag\":1,\"rows\":[]}", YZF_OK,
	  "{\"v\":2,\"flag\":1,\"rows\":[]}" },
	{ "a.first", "\"x\\ty\"", YZF_OK, "\"x\\ty\"" },

	/* one failure per rule, with its field path */
	{ "inspection.start",
	  "{\"kind\":\"routine\",\"matter\":\"ENV-0042\",\"place\":\"p\","
	  "\"party\":{\"kind\":\"company\",\"name\":\"n\"},\"credentials_shown\":true}",
	  YZF_EINVAL,
	  "body.party.kind: must be one of person, sole_trader, legal_person, other_org" },
	{ "inspection.start",
	  "{\"kind\":\"routine\",\"matter\":\"ENV-0042\",\"place\":\"p\","
	  "\"party\":{\"kind\":\"person\"},\"credentials_shown\":true}",
	  YZF_EINVAL, "body.party.name: required field missing" },
	{ "inspection.start",
	  "{\"kind\":\"routine\",\"matter\":\"env\",\"place\":\"p\","
	  "\"party\":{\"kind\":\"person\",\"name\":\"n\"},\"credentials_shown\":true}",
	  YZF_EINVAL, "body.matter: must match ^[A-Z0-9-]{4,32}$" },
	{ "inspection.start",
	  "{\"kind\":\"routine\",\"matter\":\"ENV-0042\",\"place\":\"p\","
	  "\"party\":{\"kind\":\"person\",\"name\":\"n\",\"uscc\":\"91350100MA000000IO\"},"
	  "\"credentials_shown\":true}",
	  YZF_EINVAL,
	  "body.party.uscc: must match ^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$" },
	{ "inspection.start",
	  "{\"kind\":\"routine\",\"matter\":\"ENV-0042\",\"place\":\"p\","
	  "\"party\":{\"kind\":\"person\",\"name\":\"n\",\"age\":3},\"credentials_shown\":true}",
	  YZF_EINVAL, "body.party.age: unknown field" },
	{ "inspection.start",
	  "{\"kind\":\"routine\",\"matter\":\"ENV-0042\",\"place\":\"p\","
	  "\"party\":{\"kind\":\"person\",\"name\":\"n\",\"name\":\"m\"},\"credentials_shown\":true}",
	  YZF_EINVAL, "body.party.name: duplicate key" },
	{ "inspection.start",
	  "{\"kind\":\"routine\",\"matter\":\"ENV-0042\",\"place\":\"p\","
	  "\"party\":\"n\",\"credentials_shown\":true}",
	  YZF_EINVAL, "body.party: must be an object" },
	{ "inspection.start",
	  "{\"kind\":\"routine\",\"matter\":\"ENV-0042\",\"place\":\"p\","
	  "\"party\":{\"kind\":\"person\",\"name\":\"n\"},\"credentials_shown\":1}",
	  YZF_EINVAL, "body.credentials_shown: must be a boolean" },
	{ "note", "{\"text\":\"a\",\"extra\":1}", YZF_EINVAL, "body.extra: unknown field" },
	{ "note", "{}", YZF_EINVAL, "body.text: required field missing" },
	{ "note", "{\"text\":\"\"}", YZF_EINVAL,
	  "body.text: must have at least 1 character" },
	{ "note", "{\"text\":\"a\",\"text\":\"a\"}", YZF_EINVAL, "body.text: duplicate key" },
	{ "note", "{\"text\":\"a\",\"te\\u0078t\":\"b\"}", YZF_EINVAL,
	  "body.text: duplicate key" },
	{ "note", "{\"text\":null}", YZF_EINVAL, "body.text: must be a string" },
	{ "note", "[\"text\"]", YZF_EINVAL, "body: must be an object" },
	{ "note", "{\"te\\nxt\":1}", YZF_EINVAL, "body.te?xt: unknown field" },
	{ "inspection.end",
	  "{\"outcome\":\"no_issue\",\"summary\":\"s\",\"items\":1.5,\"party_signed\":true}",
	  YZF_EINVAL, "body.items: must be an integer" },
	{ "inspection.end",
	  "{\"outcome\":\"no_issue\",\"summary\":\"s\",\"items\":1.0,\"party_signed\":true}",
	  YZF_EINVAL, "body.items: must be an integer" },
	{ "inspection.end",
	  "{\"outcome\":\"no_issue\",\"summary\":\"s\",\"items\":1e3,\"party_signed\":true}",
	  YZF_EINVAL, "body.items: must be an integer" },
	{ "inspection.end",
	  "{\"outcome\":\"no_issue\",\"summary\":\"s\",\"items\":2E0,\"party_signed\":true}",
	  YZF_EINVAL, "body.items: must be an integer" },
	{ "inspection.end",
	  "{\"outcome\":\"no_issue\",\"summary\":\"s\",\"items\":\"3\",\"party_signed\":true}",
	  YZF_EINVAL, "body.items: must be an integer" },
	{ "inspection.end",
	  "{\"outcome\":\"no_issue\",\"summary\":\"s\",\"items\":10001,\"party_signed\":true}",
	  YZF_EINVAL, "body.items: must be at most 10000" },
	{ "inspection.end",
	  "{\"outcome\":\"no_issue\",\"summary\":\"s\",\"items\":9007199254740993,"
	  "\"party_signed\":true}",
	  YZF_EINVAL, "body.items: integer out of range" },
	{ "inspection.end",
	  "{\"outcome\":1,\"summary\":\"s\",\"items\":1,\"party_signed\":true}",
	  YZF_EINVAL,
	  "body.outcome: must be one of no_issue, order_correction, open_case, coercive_measure" },
	{ "misc", "{\"v\":3}", YZF_EINVAL, "body.v: must be 2" },
	{ "misc", "{\"v\":2.0}", YZF_EINVAL, "body.v: must be 2" },
	{ "misc", "{\"v\":2,\"flag\":false}", YZF_EINVAL,
	  "body.flag: must be one of true, 1, x, null" },
	{ "misc", "{\"v\":2,\"flag\":\"1\"}", YZF_EINVAL,
	  "body.flag: must be one of true, 1, x, null" },
	{ "misc", "{\"v\":2,\"opt\":1}", YZF_EINVAL, "body.opt: must be a string or null" },
	{ "misc", "{\"v\":2,\"tags\":[]}", YZF_EINVAL, "body.tags: must have at least 1 item" },
	{ "misc", "{\"v\":2,\"tags\":[\"a\",\"b\",\"c\",\"d\"]}", YZF_EINVAL,
	  "body.tags: must have at most 3 items" },
	{ "misc", "{\"v\":2,\"tags\":[\"a\",\"abcd\"]}", YZF_EINVAL,
	  "body.tags[1]: must have at most 3 characters" },
	{ "misc", "{\"v\":2,\"rows\":[{\"a\":1},{\"b\":1}]}", YZF_EINVAL,
	  "body.rows[1].a: required field missing" },
	{ "misc", "{\"v\":2,\"rows\":[{\"a\":1,\"c\":1}]}", YZF_EINVAL,
	  "body.rows[0].c: unknown field" },
	{ "misc", "{\"v\":2,\"rows\":{}}", YZF_EINVAL, "body.rows: must be an array" },
	{ "misc", "{\"v\":2,\"nul\":0}", YZF_EINVAL, "body.nul: must be null" },
	{ "misc", "{\"v\":2,\"n\":-6}", YZF_EINVAL, "body.n: must be at least -5" },
	{ "misc", "{\"v\":2,\"n\":9007199254740992}", YZF_EINVAL,
	  "body.n: integer out of range" },

	/* not JSON, or JSON cJSON would take but we do not */
	{ "note", "{\"text\":\"hello\",}", YZF_EINVAL, "body: not JSON (at byte 17)" },
	{ "note", "{\"text\":\"a\"} x", YZF_EINVAL,
	  "body: not JSON (at byte 13): unexpected byte" },
	{ "note", "{\"text\":\"a\"}{}", YZF_EINVAL, "body: not JSON (at byte 12)" },
	{ "note", "", YZF_EINVAL, "body: not JSON (at byte 0)" },
	{ "note", "\xef\xbb\xbf{\"text\":\"a\"}", YZF_EINVAL,
	  "body: not JSON (at byte 0): unexpected byte" },
	{ "note", "{\"text\":\"a\xc3\"}", YZF_EINVAL,
	  "body: not JSON (at byte 10): invalid UTF-8 in a string" },
	{ "note", "{\"text\":\"\xed\xa0\x80\"}", YZF_EINVAL,
	  "body: not JSON (at byte 9): invalid UTF-8 in a string" },
	{ "note", "{\"text\":\"\xc0\xaf\"}", YZF_EINVAL,
	  "body: not JSON (at byte 9): invalid UTF-8 in a string" },
	{ "note", "{\"text\":\"a\tb\"}", YZF_EINVAL,
	  "body: not JSON (at byte 10): control character in a string" },
	{ "note", "{\"text\":\"\\x\"}", YZF_EINVAL,
	  "body: not JSON (at byte 9): bad escape" },
	{ "note", "{\"text\":\"\\u12\"}", YZF_EINVAL,
	  "body: not JSON (at byte 9): bad escape" },
	{ "note", "{\"text\":\"\\ud800\"}", YZF_EINVAL, "body: not JSON (at byte 9)" },
	{ "note", "{\"text\":\"a\\u0000\"}", YZF_EINVAL,
	  "body: string holds U+0000 (at byte 10)" },
	{ "note", "{\"text\":\"abc", YZF_EINVAL,
	  "body: not JSON (at byte 12): unterminated string" },
	{ "note", "{\"text\":01}", YZF_EINVAL, "body: not JSON (at byte 8): malformed number" },
	{ "note", "{\"text\":1.}", YZF_EINVAL, "body: not JSON (at byte 8): malformed number" },
	{ "note", "{\"text\":-}", YZF_EINVAL, "body: not JSON (at byte 8): malformed number" },
	{ "note", "{\"text\":+1}", YZF_EINVAL, "body: not JSON (at byte 8): unexpected byte" },
	{ "note", "\x0c{\"text\":\"a\"}", YZF_EINVAL, "body: not JSON (at byte 0): unexpected byte" },
	{ "note", "{'text':'a'}", YZF_EINVAL, "body: not JSON (at byte 1): unexpected byte" },
	{ "note", "[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]", YZF_EINVAL,
	  "body: nested too deeply (at byte 16)" },
	{ "note", "{\"text\":tru}", YZF_EINVAL, "body: not JSON (at byte 8)" },

	{ "nope", "{}", YZF_ENOTFOUND, "no schema for record type \"nope\"" },
};

static void run_cases(const struct yzf_schemas *s, const char *only)
{
	struct yzf_buf b = { 0 };
	char msg[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ccase *c = &cases[i];
		int rc;

		if ((strcmp(c->type, "misc") == 0 || strcmp(c->type, "a.first") == 0)
		    != (only != NULL))
			continue;
		/* Output is appended: a prefix must survive, failure or not. */
		yzf_buf_reset(&b);
		yzf_buf_puts(&b, "prefix");
		msg[0] = '\0';
		rc = yzf_schemas_canon(s, c->type, c->in, strlen(c->in), &b, msg,
				       sizeof(msg));
		if (rc != c->rc)
			fprintf(stderr, "case %zu: rc %d (%s)\n", i, rc, msg);
		CHECK_EQ_INT(rc, c->rc);
		CHECK(b.len >= 6 && memcmp(b.p, "prefix", 6) == 0);
		if (c->rc != YZF_OK && strcmp(msg, c->want) != 0)
			fprintf(stderr, "case %zu: message differs\n", i);
		if (c->rc == YZF_OK) {
			yzf_buf_putc(&b, '\0');
			CHECK_STR((const char *)b.p + 6, c->want);
			/* Canonical output is canonical JSON and its own form. */
			CHECK_EQ_INT(yzf_canon_check(b.p + 6, b.len - 7, NULL), YZF_OK);
			CHECK_EQ_INT(yzf_schemas_check(s, c->type, b.p + 6, b.len - 7,
						       msg, sizeof(msg)), YZF_OK);
		} else {
			CHECK_EQ_INT(b.len, 6);
			CHECK_STR(msg, c->want);
		}
	}
	yzf_buf_free(&b);
}

/* Code points, not bytes: 2000 three-byte characters fit maxLength 2000. */
static void test_lengths(const struct yzf_schemas *s)
{
	const size_t n = 2001;
	char *in = malloc(3 * n + 32), msg[256];
	struct yzf_buf b = { 0 };
	size_t i, len;

	strcpy(in, "{\"text\":\"");
	len = strlen(in);
	for (i = 0; i < n - 1; i++) {
		memcpy(in + len, "\xe7\x8e\xb0", 3);
		len += 3;
	}
	memcpy(in + len, "\"}", 3);
	CHECK_EQ_INT(yzf_schemas_canon(s, "note", in, strlen(in), &b, msg,
				       sizeof(msg)), YZF_OK);
	CHECK_EQ_INT(b.len, 9 + 3 * 2000 + 2);
	memcpy(in + len, "x\"}", 4);
	CHECK_EQ_INT(yzf_schemas_canon(s, "note", in, strlen(in), &b, msg,
				       sizeof(msg)), YZF_EINVAL);
	CHECK_STR(msg, "body.text: must have at most 2000 characters");
	yzf_buf_free(&b);
	free(in);
}

/* Input is a byte span, not a C string: bytes past len are never read. */
static void test_span(const struct yzf_schemas *s)
{
	static const char in[] = "{\"text\":\"a\"}garbage";
	struct yzf_buf b = { 0 };
	char msg[128];
	char *heap = malloc(12);

	memcpy(heap, in, 12); /* exactly the JSON, no NUL: ASan checks */
	CHECK_EQ_INT(yzf_schemas_canon(s, "note", heap, 12, &b, msg, sizeof(msg)),
		     YZF_OK);
	CHECK(b.len == 12 && memcmp(b.p, in, 12) == 0);
	CHECK_EQ_INT(yzf_schemas_canon(s, "note", in, sizeof(in) - 1, &b, msg,
				       sizeof(msg)), YZF_EINVAL);
	CHECK_EQ_INT(yzf_schemas_canon(s, "note", NULL, 0, &b, msg, sizeof(msg)),
		     YZF_EINVAL);
	CHECK_EQ_INT(b.len, 12);
	/* msg may be NULL or tiny. */
	CHECK_EQ_INT(yzf_schemas_canon(s, "note", "{}", 2, &b, NULL, 0), YZF_EINVAL);
	CHECK_EQ_INT(yzf_schemas_canon(s, "note", "{}", 2, &b, msg, 5), YZF_EINVAL);
	CHECK_STR(msg, "body");
	free(heap);
	yzf_buf_free(&b);
}

static void test_check(const struct yzf_schemas *s)
{
	static const char good[] =
		"{\"outcome\":\"no_issue\",\"summary\":\"ok\",\"items\":0,\"party_signed\":false}";
	static const char swapped[] =
		"{\"summary\":\"ok\",\"outcome\":\"no_issue\",\"items\":0,\"party_signed\":false}";
	static const char spaced[] =
		"{\"outcome\": \"no_issue\",\"summary\":\"ok\",\"items\":0,\"party_signed\":false}";
	static const char invalid[] =
		"{\"outcome\":\"no_issue\",\"summary\":\"ok\",\"items\":-1,\"party_signed\":false}";
	static const char escaped[] = "{\"text\":\"\\u0000\"}";
	char msg[256];

#define CHK(type, bytes) yzf_schemas_check(s, type, (const uint8_t *)(bytes), \
					   sizeof(bytes) - 1, msg, sizeof(msg))
	CHECK_EQ_INT(CHK("inspection.end", good), YZF_OK);
	CHECK_EQ_INT(CHK("inspection.end", swapped), YZF_ENONCANON);
	CHECK_STR(msg, "body: keys not in schema order or not canonical "
		  "(first difference at byte 2)");
	CHECK_EQ_INT(CHK("inspection.end", spaced), YZF_ENONCANON);
	CHECK_STR(msg, "body: not canonical JSON (at byte 11): white space outside a string");
	CHECK_EQ_INT(CHK("inspection.end", invalid), YZF_EINVAL);
	CHECK_STR(msg, "body.items: must be at least 0");
	CHECK_EQ_INT(CHK("note", escaped), YZF_EINVAL);
	CHECK_STR(msg, "body: string holds U+0000 (at byte 9)");
	CHECK_EQ_INT(CHK("note", "{\"text\":\"\\/\"}"), YZF_ENONCANON);
	CHECK_HAS(msg, "non-canonical escape");
	CHECK_EQ_INT(CHK("note", "{\"text\":\"a\",\"text\":\"a\"}"), YZF_ENONCANON);
	CHECK_HAS(msg, "duplicate key");
	CHECK_EQ_INT(CHK("nope", good), YZF_ENOTFOUND);
#undef CHK
}

struct lcase {
	const char *text;
	const char *want; /* substring of the message */
};

static const struct lcase load_cases[] = {
	{ "{\"type\":\"string\",\"format\":\"date\"}",
	  "schema bad: unsupported keyword \"format\"" },
	{ "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"format\":\"x\"}},"
	  "\"additionalProperties\":false}",
	  "schema bad at /properties/a: unsupported keyword \"format\"" },
	{ "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}",
	  "schema bad: an object schema needs \"additionalProperties\": false" },
	{ "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":true}",
	  "\"additionalProperties\": false" },
	{ "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"object\",\"properties\":{}}},"
	  "\"additionalProperties\":false}",
	  "schema bad at /properties/a: an object schema needs \"additionalProperties\"" },
	{ "{\"type\":\"object\",\"additionalProperties\":false}",
	  "needs \"properties\"" },
	{ "{\"type\":\"number\"}", "type \"number\" is not supported" },
	{ "{\"type\":[\"string\",\"string\"]}", "listed twice" },
	{ "{\"type\":[]}", "must not be empty" },
	{ "{\"type\":\"integer\",\"minimum\":1.5}", "\"minimum\" must be an integer" },
	{ "{\"type\":\"integer\",\"minimum\":1.0}", "\"minimum\" must be an integer" },
	{ "{\"type\":\"integer\",\"minimum\":3,\"maximum\":2}", "exceeds" },
	{ "{\"type\":\"string\",\"maxLength\":-1}", "must be an integer >= 0" },
	{ "{\"type\":\"string\",\"minimum\":1}", "\"minimum\" does not apply" },
	{ "{\"type\":\"integer\",\"pattern\":\"a\"}", "\"pattern\" does not apply" },
	{ "{\"type\":\"string\",\"pattern\":\"([\"}", "does not compile" },
	{ "{\"type\":\"string\",\"pattern\":\"\xc3\xa9\"}", "must be ASCII" },
	{ "{\"type\":\"array\"}", "needs \"items\"" },
	{ "{\"enum\":[]}", "non-empty array" },
	{ "{\"enum\":[1.5]}", "must be strings, integers" },
	{ "{\"enum\":[{}]}", "must be strings, integers" },
	{ "{\"type\":\"string\",\"enum\":[1]}", "not of the schema's type" },
	{ "{\"enum\":[1],\"const\":1}", "not both" },
	{ "{\"description\":\"anything\"}", "needs \"type\", \"enum\" or \"const\"" },
	{ "{\"type\":\"string\",\"title\":1}", "\"title\" must be a string" },
	{ "{\"type\":\"string\",\"type\":\"integer\"}", "key \"type\" appears twice" },
	{ "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"null\"}},"
	  "\"required\":[\"b\"],\"additionalProperties\":false}",
	  "required \"b\" is not in properties" },
	{ "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"null\"}},"
	  "\"required\":[\"a\",\"a\"],\"additionalProperties\":false}", "required twice" },
	{ "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"null\"},\"a\":{\"type\":\"null\"}},"
	  "\"additionalProperties\":false}", "key \"a\" appears twice" },
	{ "[]", "a schema must be an object" },
	{ "{\"type\":\"string\",}", "schema bad: not JSON (at byte" },
	{ "{\"type\":\"string\"} x", "schema bad: not JSON (at byte 18): unexpected byte" },
	{ "{\"type\":\"string\",\"$comment\":\"x\"}", "unsupported keyword \"$comment\"" },
	{ "{\"type\":\"string\",\"additionalProperties\":false}", "does not apply" },
};

static void test_load_failures(void)
{
	struct yzf_schemas *s = (struct yzf_schemas *)1;
	char msg[256], deep[2048];
	size_t i;

	for (i = 0; i < sizeof(load_cases) / sizeof(load_cases[0]); i++) {
		struct yzf_embedded t[] = {
			{ "bad", load_cases[i].text, strlen(load_cases[i].text) },
			{ 0, 0, 0 },
		};

		msg[0] = '\0';
		CHECK_EQ_INT(yzf_schemas_create(t, &s, msg, sizeof(msg)), YZF_EINVAL);
		CHECK(s == NULL);
		CHECK_HAS(msg, load_cases[i].want);
	}

	/* Seventeen nested objects cannot give canonical bodies. */
	strcpy(deep, "");
	for (i = 0; i < 17; i++)
		strcat(deep, "{\"type\":\"object\",\"additionalProperties\":false,"
		       "\"properties\":{\"a\":");
	strcat(deep, "{\"type\":\"null\"}");
	for (i = 0; i < 17; i++)
		strcat(deep, "}}");
	{
		struct yzf_embedded t[] = { { "deep", deep, strlen(deep) }, { 0, 0, 0 } };

		CHECK_EQ_INT(yzf_schemas_create(t, &s, msg, sizeof(msg)), YZF_EINVAL);
		CHECK_HAS(msg, "nests more than 16 levels deep");
		CHECK_HAS(msg, "schema deep at /properties/a/properties/a");
		/* Sixteen are fine. */
		deep[strlen(deep) - 2] = '\0';
		memmove(deep, deep + strlen("{\"type\":\"object\",\"additionalProperties\""
					    ":false,\"properties\":{\"a\":"),
			strlen(deep) + 1 - strlen("{\"type\":\"object\",\"additionalProperties\""
						  ":false,\"properties\":{\"a\":"));
		t[0].len = strlen(deep);
		CHECK_EQ_INT(yzf_schemas_create(t, &s, msg, sizeof(msg)), YZF_OK);
		yzf_schemas_destroy(s);
	}

	/* The same name twice; a failure in the second schema names it. */
	{
		struct yzf_embedded t[] = {
			ENTRY("note", s_note), ENTRY("note", s_note), { 0, 0, 0 },
		};
		struct yzf_embedded u[] = {
			ENTRY("note", s_note), ENTRY("other", "{\"type\":\"float\"}"),
			{ 0, 0, 0 },
		};

		CHECK_EQ_INT(yzf_schemas_create(t, &s, msg, sizeof(msg)), YZF_EINVAL);
		CHECK_STR(msg, "schema note: defined twice");
		CHECK_EQ_INT(yzf_schemas_create(u, &s, msg, sizeof(msg)), YZF_EINVAL);
		CHECK_STR(msg, "schema other: type \"float\" is not supported");
	}
	CHECK_EQ_INT(yzf_schemas_create(NULL, &s, msg, sizeof(msg)), YZF_EINVAL);
}

static void test_registry(void)
{
	static const struct yzf_embedded none[] = { { 0, 0, 0 } };
	static const char rows[] = "{\"v\":2,\"rows\":[{\"a\":1,\"b\":2}]}";
	struct yzf_schemas *s = NULL, *m = NULL;
	char msg[256] = "";

	CHECK_EQ_INT(yzf_schemas_create(real, &s, msg, sizeof(msg)), YZF_OK);
	CHECK_STR(msg, "");
	CHECK_STR(yzf_schemas_name(s, 0), "inspection.end");
	CHECK_STR(yzf_schemas_name(s, 1), "inspection.item");
	CHECK_STR(yzf_schemas_name(s, 2), "inspection.start");
	CHECK_STR(yzf_schemas_name(s, 3), "note");
	CHECK(yzf_schemas_name(s, 4) == NULL);
	CHECK(yzf_schemas_has(s, "note"));
	CHECK(!yzf_schemas_has(s, "not"));
	CHECK(!yzf_schemas_has(s, "misc"));

	CHECK_EQ_INT(yzf_schemas_create(misc, &m, msg, sizeof(msg)), YZF_OK);
	CHECK_STR(yzf_schemas_name(m, 0), "a.first");
	CHECK_STR(yzf_schemas_name(m, 1), "misc");

	run_cases(s, NULL);
	run_cases(m, "misc");
	test_lengths(s);
	test_span(s);
	test_check(s);
	/* Key order inside array items is checked too. */
	CHECK_EQ_INT(yzf_schemas_check(m, "misc", (const uint8_t *)"{\"v\":2}", 7,
				       msg, sizeof(msg)), YZF_OK);
	CHECK_EQ_INT(yzf_schemas_check(m, "misc",
				       (const uint8_t *)rows, strlen(rows), msg,
				       sizeof(msg)), YZF_ENONCANON);
	CHECK_STR(msg, "body: keys not in schema order or not canonical "
		  "(first difference at byte 17)");
	yzf_schemas_destroy(s);
	yzf_schemas_destroy(m);

	CHECK_EQ_INT(yzf_schemas_create(none, &s, msg, sizeof(msg)), YZF_OK);
	CHECK(yzf_schemas_name(s, 0) == NULL);
	CHECK(!yzf_schemas_has(s, "note"));
	yzf_schemas_destroy(s);
	yzf_schemas_destroy(NULL);
}

int main(void)
{
	test_registry();
	test_load_failures();
	return check_done();
}

/* schema.h — record bodies against their JSON Schema (private).
 *
 * Each record type has a JSON Schema in schemas/records/, embedded at build
 * time. This module validates a body against it and writes the body's
 * canonical bytes: keys in the order the schema's "properties" lists them
 * (recursively), canonical JSON otherwise (yzf/canon.h). Supported keywords,
 * documented in schemas/README.md: type (string|integer|boolean|object|array|
 * null, or an array of them), properties, required, additionalProperties
 * (must be false for every object: unknown keys are refused), enum, const,
 * minimum, maximum, minLength, maxLength (in code points), pattern (POSIX
 * extended regex, anchored as written), items, minItems, maxItems; and the
 * annotations $schema, $id, title, description, which are ignored. A schema
 * using anything else fails to load, so a format never silently means more
 * than the code checks. Numbers in bodies are integers only.
 *
 * Messages name the field by its path from the body: "body.party.name: ...".
 * A registry is immutable after creation and may be shared between threads.
 */
#ifndef YZF_SCHEMA_H
#define YZF_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "yzf/canon.h"
#include "embedded.h"

struct yzf_schemas;

/* Parse the given schemas (NULL-name terminated). On failure returns
 * YZF_EINVAL and writes which schema and keyword is at fault into msg.
 * The caller frees the registry with yzf_schemas_destroy. */
int yzf_schemas_create(const struct yzf_embedded *srcs,
		       struct yzf_schemas **out, char *msg, size_t cap);
/* Accepts NULL. */
void yzf_schemas_destroy(struct yzf_schemas *s);

/* Whether a schema exists for the record type. */
bool yzf_schemas_has(const struct yzf_schemas *s, const char *type);
/* Name of the i-th type (sorted), or NULL past the end. */
const char *yzf_schemas_name(const struct yzf_schemas *s, size_t i);

/* Validate the JSON text json[0..len) (need not be NUL-terminated, may have
 * white space, any key order) as a body of `type` and append its canonical
 * bytes to out. Returns YZF_OK; YZF_ENOTFOUND for an unknown type;
 * YZF_EINVAL if the text is not JSON or breaks the schema (msg names the
 * field path and rule, e.g. "body.party.kind: must be one of person,
 * sole_trader, legal_person, other_org"); YZF_ENOMEM. On failure out->len is
 * restored to what it was. */
int yzf_schemas_canon(const struct yzf_schemas *s, const char *type,
		      const char *json, size_t len, struct yzf_buf *out,
		      char *msg, size_t cap);

/* Check stored body bytes: valid for `type` and exactly its canonical form.
 * YZF_OK, YZF_ENOTFOUND, YZF_EINVAL (schema) or YZF_ENONCANON (valid but
 * not byte-identical to the canonical form, e.g. keys out of schema order),
 * YZF_ENOMEM. */
int yzf_schemas_check(const struct yzf_schemas *s, const char *type,
		      const uint8_t *body, size_t len, char *msg, size_t cap);

#endif

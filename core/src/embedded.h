/* Formats embedded at build time by schemas/embed.py (private). */
#ifndef YZF_EMBEDDED_H
#define YZF_EMBEDDED_H
#include <stddef.h>

struct yzf_embedded {
	const char *name; /* "inspection.start", "001_init" */
	const char *text; /* file contents, NUL-terminated */
	size_t len;
};

/* JSON Schemas of record bodies, sorted by name; ends with a NULL name. */
extern const struct yzf_embedded yzf_record_schemas[];
/* JSON Schemas of reference data sets (schemas/refdata/), sorted by name;
 * ends with a NULL name. */
extern const struct yzf_embedded yzf_refdata_schemas[];
/* Device store migrations, in order; ends with a NULL name. */
extern const struct yzf_embedded yzf_device_migrations[];

#endif

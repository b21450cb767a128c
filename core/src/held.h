/* held.h — a case's records copied out of the store for a pure check
 * (the case fold, evidence review, recording gaps): casebook.c holds
 * them, evidence.c reads their bodies. Private. */
#ifndef YZF_HELD_H
#define YZF_HELD_H
#include <cjson/cJSON.h>

#include "internal.h"

struct yzf_held {
	struct yzf_case_rec *r;
	size_t n, cap;
	struct yzf_buf text; /* types and bodies, NUL-terminated each */
};

/* The records of case_id (or, with case_id NULL, of record type `type`),
 * in (feed, seq) order, with each feed certificate's roles. Free with
 * yzf_held_free. */
int yzf_held_load(struct yzf *y, const char *case_id, const char *type,
		  struct yzf_held *h);
void yzf_held_free(struct yzf_held *h);
/* The roles (YZF_ROLE_*) of a feed's certificate as the store holds it; 0
 * when it holds none. */
unsigned yzf_feed_roles(struct yzf *y, const uint8_t feed[YZF_KEY_LEN]);

/* Body field readers over cJSON: NULL / false / -1 when absent, of
 * another type, or (integers) beyond 2^53 - 1 in magnitude. */
const char *yzf_jstr(const cJSON *o, const char *key);
int64_t yzf_jint(const cJSON *o, const char *key);
bool yzf_jhex(const cJSON *o, const char *key, uint8_t *out, size_t n);
#endif

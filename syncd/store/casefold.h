/* casefold.h — the city's fold of a case (yzf/case.h) over the records
 * its store holds, with the catalogue and calendar of its newest
 * publication: the state every terminal holding the same records folds
 * to, for supervision and auditors (`yzf-syncd admin case`). */
#ifndef YZF_SYNCD_CASEFOLD_H
#define YZF_SYNCD_CASEFOLD_H

#include <stddef.h>
#include <stdint.h>
#include <yzf/canon.h>

/* Append yzf_case_dump of the case's state at now to dump. YZF_ENOTFOUND
 * when the store holds no record of it; other failures name the store,
 * set or record in msg. */
int syncd_case_fold(const char *store_path, const char *case_id, int64_t now,
		    int64_t hearing_fen, struct yzf_buf *dump, char *msg,
		    size_t cap);

#endif

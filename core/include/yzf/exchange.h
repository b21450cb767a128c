/* yzf/exchange.h — moving signed feeds between stores as NDJSON.
 *
 * An export is the feed's certificate chain (root, city, feed lines) then
 * its records as exchange lines {"rec":...,"sig":...} in seq order: the
 * signed bytes verbatim, so the receiver verifies exactly what was signed.
 * Import checks the chain against the pinned root, then every record
 * (canonical, schema, signature, seq continuing the stored head, prev link,
 * certificate covering its time) and stores the good ones in one
 * transaction. Lines that fail are quarantined with the reason, never
 * dropped; a record that differs from a stored one at the same seq is a
 * fork: quarantined and the feed flagged.
 */
#ifndef YZF_EXCHANGE_H
#define YZF_EXCHANGE_H

#include <stddef.h>
#include <stdint.h>
#include "canon.h"
#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

struct yzf;

/* Append the export of a feed to out. Needs the data key. */
YZF_API int yzf_export(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		       struct yzf_buf *out);

struct yzf_import_report {
	int64_t stored;       /* new records stored */
	int64_t duplicates;   /* already held, identical */
	int64_t quarantined;  /* lines kept aside with a reason */
	int64_t forks;        /* of which forks */
	char first_problem[256];
};

/* Import an export. Needs the data key. Returns YZF_OK if the input was
 * processed (r says what happened to each line). */
YZF_API int yzf_import(struct yzf *y, const uint8_t *data, size_t len,
		       struct yzf_import_report *r);

#ifdef __cplusplus
}
#endif
#endif

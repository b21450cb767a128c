/* fuzz_rec.c — libFuzzer target for the recording check over records of
 * any content (what a terminal may hold of other feeds).
 *
 * The input is records, one a line: TYPE, a tab, then the body text. The
 * check parses every rec.* body itself, so nothing here is validated
 * first. Properties:
 *  - yzf_rec_check never reads outside the bodies (ASan) and frees what
 *    it allocates (LeakSanitizer);
 *  - it reports at most cap faults into out but counts them all, each
 *    with a kind it can name and a NUL-terminated sentence;
 *  - the coercive-only answer is a subset: never more faults than the
 *    whole check, except the one "uncovered" fault it may add;
 *  - yzf_rec_coercive_gap_of agrees with it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "yzf/case.h"
#include "yzf/recording.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum { MAXREC = 64 };
	struct yzf_case_rec r[MAXREC];
	char *copy = malloc(size + 1), *types[MAXREC];
	size_t n = 0;
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = 0;
	for (char *line = copy; line && n < MAXREC;) {
		char *next = strchr(line, '\n'), *tab;
		if (next)
			*next++ = 0;
		if ((tab = strchr(line, '\t'))) {
			*tab = 0;
			types[n] = line;
			memset(&r[n], 0, sizeof r[n]);
			r[n].type = types[n];
			r[n].seq = (int64_t)n + 1;
			/* a body exactly as long as its text, not NUL-ended */
			size_t len = strlen(tab + 1);
			uint8_t *b = malloc(len ? len : 1);
			if (b)
				memcpy(b, tab + 1, len);
			r[n].body = b;
			r[n].body_len = b ? len : 0;
			n++;
		}
		line = next;
	}
	struct yzf_rec_fault all[4], co[4];
	size_t na = 0, nc = 0;
	char why[300];
	if (yzf_rec_check(r, n, false, all, 4, &na) == YZF_OK &&
	    yzf_rec_check(r, n, true, co, 4, &nc) == YZF_OK) {
		for (size_t i = 0; i < na && i < 4; i++)
			if (!strcmp(yzf_rec_fault_name(all[i].kind), "?") ||
			    !memchr(all[i].why, 0, sizeof all[i].why))
				abort();
		if (nc > na + 1)
			abort();
		if (yzf_rec_coercive_gap_of(r, n, why, sizeof why) != (nc > 0))
			abort();
	}
	for (size_t i = 0; i < n; i++)
		free((void *)r[i].body);
	free(copy);
	return 0;
}

/* yzf/paper.h — paper fallback and its backfill (平台办法第二十二条).
 *
 * When work on site must go to paper (no network at the site, a platform
 * failure while enforcement is urgent, devices forbidden on site, another
 * legal ground), the officer records a paper episode: `paper.start` with
 * the ground, `paper.end` with the documents made on paper (type, the
 * form's pre-printed serial, when the act happened). Each document is then
 * entered (`paper.backfill`) within 3 working days of the act — the act,
 * never the entry or the sync, is the anchor (DOMAIN.md §12). A late entry
 * is accepted and flagged with how many working days late; a serial is
 * entered once. Another officer may enter the documents of a colleague's
 * episode on another terminal. The episode id is the records' envelope
 * `case`, so the episode's records travel like a case's. Formats:
 * schemas/paper.md.
 *
 * Every function needs the data key (a logged-in officer); those that
 * append need the feed's officer logged in. Not thread-safe: one struct
 * yzf per thread.
 */
#ifndef YZF_PAPER_H
#define YZF_PAPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "calendar.h"
#include "error.h"
#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

#define YZF_PAPER_BACKFILL_WD 3   /* working days, 平台办法第二十二条 */
#define YZF_PAPER_EPISODE_MAX 24  /* "P-20261128-0123456789ab" + NUL */
#define YZF_PAPER_DOCTYPE_MAX 33

struct yzf;

/* Open a paper episode on the feed. ground: "no_network",
 * "platform_failure", "devices_forbidden" or "other" (text then required:
 * the law or rule relied on); text and place may be NULL. episode
 * receives the new id. YZF_ESTATE when the feed has an episode open (the
 * message names it); YZF_EINVAL for another ground or `other` without
 * text, citing the article. */
YZF_API int yzf_paper_start(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			    const char *ground, const char *text,
			    const char *place,
			    char episode[YZF_PAPER_EPISODE_MAX], int64_t *seq);

/* The feed's open episode: YZF_OK with its id and start time (either may
 * be NULL), or YZF_ENOTFOUND. */
YZF_API int yzf_paper_open(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			   char episode[YZF_PAPER_EPISODE_MAX],
			   int64_t *started_ms);

/* Close the feed's open episode, declaring the documents made on paper:
 * docs is a JSON array (paper.end `docs`; NULL or "[]" for none), each
 * act's time within the episode. YZF_ENOTFOUND when none is open;
 * YZF_EINVAL naming the document and field at fault; nothing written. */
YZF_API int yzf_paper_end(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			  const char *docs, size_t len,
			  char episode[YZF_PAPER_EPISODE_MAX], int64_t *seq);

/* Enter one paper document: body is a paper.backfill JSON object. Refused
 * (nothing written): a serial of the type already entered (YZF_EEXIST, the
 * message names the first entry: feed, seq, episode, when), an act in the
 * future or, when the episode is held here, outside it (YZF_EINVAL naming
 * `at`), a body its schema refuses. Accepted and flagged in warn (cap
 * bytes, may be NULL; "" when nothing to say): entered after the deadline
 * (how many working days late), a serial outside the blocks registered on
 * this terminal, no calendar held (the deadline then unknown). cal may be
 * NULL. out (may be NULL) receives the document as entered and judged. */
struct yzf_paper_doc;
YZF_API int yzf_paper_backfill(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			       const struct yzf_calendar *cal,
			       const char *body, size_t len, char *warn,
			       size_t cap, int64_t *seq,
			       struct yzf_paper_doc *out);

/* One paper document, as the store knows it. */
struct yzf_paper_doc {
	char episode[YZF_PAPER_EPISODE_MAX];
	char doctype[YZF_PAPER_DOCTYPE_MAX];
	int64_t year, no;          /* the pre-printed serial */
	int64_t act_ms;            /* when the paper act happened */
	bool declared;             /* named by the episode's paper.end */
	bool backfilled;
	uint8_t feed[YZF_KEY_LEN]; /* backfilled: the entry's feed, seq, time */
	int64_t seq;
	int64_t entered_ms;
	size_t entries;            /* backfill records of this serial (> 1:
				      entered twice on different terminals) */
	bool due_known;            /* a calendar was held */
	struct yzf_calendar_due due; /* YZF_PAPER_BACKFILL_WD after act_ms */
	bool late;                 /* entered after due.end_ms, or still
				      pending past it at `now` */
	int64_t late_wd;           /* working days late (or overdue) */
	bool registered;           /* the serial lies in a block leased on
				      this terminal (lease type P-<doctype>) */
};

/* Every paper document held: declared or entered, those still to enter
 * first, then by act time. *docs is malloc'd (the caller frees it; NULL
 * when *n is 0). cal may be NULL (due_known false). */
YZF_API int yzf_paper_docs(struct yzf *y, const struct yzf_calendar *cal,
			   int64_t now, struct yzf_paper_doc **docs,
			   size_t *n);

#ifdef __cplusplus
}
#endif
#endif

/* roster.h — who may push: the city's certificates and revocations.
 *
 * The roster is the authority directory (device/authority.c writes it):
 * trust.ndjson (the province root line, then the city line), issued.ndjson
 * (feed certificates the city issued) and revoked.ndjson (revocations
 * signed by the city). syncd_roster_load verifies every line, records it in the
 * server store (idempotently: lines already held are skipped), then builds
 * the in-memory roster from everything the store holds, verified again, so
 * a certificate loaded by an earlier start stays known. A feed is known if
 * a feed certificate for its key is in the store.
 *
 * Loaded once at open (reload is at open only); afterwards a roster is
 * immutable and may be read from any number of threads without locking.
 */
#ifndef YZF_SYNCD_ROSTER_H
#define YZF_SYNCD_ROSTER_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yzf/cert.h>

struct syncd_roster;

/* Load the authority directory `dir` into db (inside one transaction the
 * function opens and commits) and build the roster. Fails on any line that
 * does not verify, naming the file, line and rule in msg: a damaged roster
 * must not silently drop a revocation. Also fails if trust.ndjson names
 * another root than the one the store was first opened with. The caller
 * frees *out with syncd_roster_free. Returns YZF_OK, YZF_ENOTFOUND (no
 * trust.ndjson), YZF_ECERT, YZF_ENONCANON, YZF_EIO, YZF_ENOMEM. */
int syncd_roster_load(sqlite3 *db, const char *dir, struct syncd_roster **out,
		      char *msg, size_t cap);
/* Accepts NULL. */
void syncd_roster_free(struct syncd_roster *r);

/* Number of feed certificates held. */
size_t syncd_roster_feeds(const struct syncd_roster *r);

/* Whether the feed key may sign a request at time ms: YZF_OK when some
 * certificate of the key is not revoked at ms; YZF_ENOTFOUND when the key
 * has no certificate; YZF_ECERT when every one is revoked (msg says which,
 * when and why). */
int syncd_roster_check_request(const struct syncd_roster *r,
			       const uint8_t feed[YZF_KEY_LEN], int64_t ms,
			       char *msg, size_t cap);

/* Whether a record of the feed made at `at` (ms UTC) is covered: some
 * certificate of the key whose window holds `at` and that is not revoked
 * at `at` (a revocation at or before the record's time invalidates it;
 * records made before stay valid). YZF_OK, YZF_ENOTFOUND or YZF_ECERT with
 * msg. */
int syncd_roster_check_record(const struct syncd_roster *r,
			      const uint8_t feed[YZF_KEY_LEN], int64_t at,
			      char *msg, size_t cap);

/* A certificate line that arrived in a push: YZF_OK if it is a line of the
 * roster (byte for byte); otherwise YZF_ENONCANON / YZF_ECERT with msg
 * saying whether it is unreadable, does not chain to the root, or chains
 * but is not in the roster. */
int syncd_roster_check_line(const struct syncd_roster *r, const uint8_t *line,
			    size_t len, char *msg, size_t cap);

#endif

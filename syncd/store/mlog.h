/* mlog.h — the city's transparency log as the daemon keeps it.
 *
 * Every record the store accepts takes the next position of an RFC 9162
 * Merkle log whose leaf data is the record's 32-byte id (yzf/merkle.h,
 * schemas/sync.md "The city's log"). The store's table `log` says which
 * record is at which position; this module holds the tree in memory as
 * the roots of its perfect subtrees, level by level (about 2 x 32 bytes
 * per record), rebuilt from the table and the records' own bytes when the
 * daemon starts, so that what it proves is what the store holds: a record
 * changed or removed behind the daemon's back changes the tree, and every
 * terminal's next consistency check catches it.
 *
 * Checkpoints are signed with the city issuing key (authority city.sk),
 * held in locked memory for the daemon's life.
 *
 * Threading: the writer thread appends (after its commit, before it wakes
 * the submitters); request threads answer concurrently. A rwlock guards
 * the tree.
 */
#ifndef YZF_SYNCD_MLOG_H
#define YZF_SYNCD_MLOG_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yzf/canon.h>
#include <yzf/trust.h>

struct syncd_mlog;

/* Rebuild the tree from the store (db: any connection to it, used only
 * here) and load the city key from authority_dir/city.sk. YZF_ECORRUPT
 * with msg naming the position and record when the store's log does not
 * hold together (a gap, a missing record, bytes that do not hash to the
 * record's id); YZF_EIO when the key is unreadable. */
int syncd_mlog_open(sqlite3 *db, const char *authority_dir,
		   struct syncd_mlog **out, char *msg, size_t cap);
void syncd_mlog_close(struct syncd_mlog *l);

/* Append a committed record's id (writer thread). YZF_ENOMEM on failure:
 * the tree no longer matches the store, and the caller stops. */
int syncd_mlog_append(struct syncd_mlog *l, const uint8_t id[32]);
uint64_t syncd_mlog_size(struct syncd_mlog *l);

/* Append to out the JSON member
 *   "log":{"checkpoint":LINE,"from":M,"consistency":[HEX...],
 *          "entries":[[SEQ,IDX]...],"proof":[HEX...]}
 * for the tree as it is now: a checkpoint signed at now_ms echoing req
 * (NULL: "req":null), the consistency proof from size from (omitted when
 * from is 0 or above the size: the terminal then sees the size and says
 * so), and, when k > 0, the multiproof of the k positions idx (any order,
 * repeats allowed) with entries pairing each seq[i] to idx[i]. */
int syncd_mlog_answer(struct syncd_mlog *l, int64_t now_ms,
		     const uint8_t *req, uint64_t from, const int64_t *seq,
		     const uint64_t *idx, size_t k, struct yzf_buf *out);

/* The checkpoint line alone, req null (for auditors). */
int syncd_mlog_checkpoint(struct syncd_mlog *l, int64_t now_ms,
			 struct yzf_buf *out);

/* For city ops and auditors (yzf-syncd admin checkpoint): rebuild the
 * log of the store at path on a read-only connection and append the
 * current checkpoint line (from 0), or the object {"log":{...}} with the
 * consistency proof from size from, as GET /v1/checkpoint answers it. */
int syncd_mlog_print(const char *store_path, const char *authority_dir,
		    uint64_t from, int64_t now_ms, struct yzf_buf *out,
		    char *msg, size_t cap);

#endif

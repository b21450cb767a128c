/* The server store: the SQLite file, its migrations, and the single writer
 * thread that applies verified pushes in commit groups. */
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "embedded.h"
#include "mlog.h"
#include "store.h"

/* schemas/server/NNN_name.sql, embedded by schemas/embed.py
 * (syncd/store/meson.build) */
extern const struct yzf_embedded syncd_server_migrations[];

enum {
	ST_HEAD,       /* the feed row: head and flags */
	ST_LAST,       /* the last record, to check the head row against */
	ST_ID_AT,      /* a record's id by seq */
	ST_INSERT,
	ST_SET_HEAD,
	ST_QUARANTINE,
	ST_FLAG,
	ST_LOG_ADD,    /* the next position of the log */
	ST_LOG_AT,     /* a stored record's position */
	ST_TIME_FLAG,  /* a record whose wall time cannot be true */
	ST_TEAM,       /* a case.open's team, for pull */
	ST_APPROVAL,   /* a loc.approve's officer, for pull */
	ST_SERIAL_ADD, /* a paper.backfill's serial, the first entry kept */
	ST_SERIAL_AT,  /* the first entry of that serial */
	ST_COUNT
};

static const char *const sql_of[ST_COUNT] = {
	[ST_HEAD] = "SELECT head_seq, head_id, flags FROM feeds WHERE feed = ?",
	[ST_LAST] = "SELECT seq, id FROM records WHERE feed = ? ORDER BY seq "
		    "DESC LIMIT 1",
	[ST_ID_AT] = "SELECT id FROM records WHERE feed = ? AND seq = ?",
	[ST_INSERT] = "INSERT INTO records (feed, seq, id, bytes, sig, "
		      "received, case_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[ST_SET_HEAD] = "UPDATE feeds SET head_seq = ?, head_id = ? WHERE "
			"feed = ?",
	[ST_QUARANTINE] = "INSERT INTO quarantine (received, feed, seq, "
			  "reason, line) VALUES (?, ?, ?, ?, ?)",
	[ST_FLAG] = "UPDATE feeds SET flags = flags | 1 WHERE feed = ?",
	[ST_LOG_ADD] = "INSERT INTO log (idx, feed, seq) VALUES (?, ?, ?)",
	[ST_LOG_AT] = "SELECT idx FROM log WHERE feed = ? AND seq = ?",
	[ST_TIME_FLAG] = "INSERT INTO record_flags (feed, seq, reason) VALUES "
			 "(?, ?, ?)",
	[ST_TEAM] = "INSERT OR IGNORE INTO case_team (officer, case_id) "
		    "SELECT value, ? FROM json_each(CAST(? AS TEXT), "
		    "'$.body.team')",
	[ST_APPROVAL] = "INSERT OR IGNORE INTO case_team (officer, case_id) "
			"SELECT json_extract(b, '$.body.officer'), ? FROM "
			"(SELECT CAST(? AS TEXT) AS b) WHERE json_extract(b, "
			"'$.body.officer') IS NOT NULL",
	[ST_SERIAL_ADD] = "INSERT OR IGNORE INTO paper_serials (doctype, year, "
			  "no, feed, seq) SELECT json_extract(b, "
			  "'$.body.doctype'), json_extract(b, "
			  "'$.body.serial.year'), json_extract(b, "
			  "'$.body.serial.no'), ?, ? FROM (SELECT CAST(? AS "
			  "TEXT) AS b)",
	[ST_SERIAL_AT] = "SELECT p.feed, p.seq, p.doctype, p.year, p.no FROM "
			 "paper_serials p, (SELECT CAST(? AS TEXT) AS b) WHERE "
			 "p.doctype = json_extract(b, '$.body.doctype') AND "
			 "p.year = json_extract(b, '$.body.serial.year') AND "
			 "p.no = json_extract(b, '$.body.serial.no')",
};

struct syncd_store {
	sqlite3 *db;                 /* the write connection: the writer's */
	sqlite3_stmt *st[ST_COUNT];
	struct syncd_roster *roster;
	char path[4096], authority[4096];
	struct syncd_hooks hooks;
	struct syncd_stats *stats;
	struct syncd_mlog *log;       /* the tree; its size is what is committed */
	int64_t log_next;            /* the writer's next position (uncommitted
					rows of the open transaction count) */
	pthread_t writer;
	bool started;
	pthread_mutex_t mu;          /* guards everything below */
	pthread_cond_t work;         /* the writer waits for jobs */
	pthread_cond_t done;         /* submitters and drain wait for groups */
	struct push_job *head, *tail;
	bool busy;                   /* the writer holds a group */
	bool draining, stopping, broken;
};

void syncd_hex(const uint8_t *in, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[in[i] >> 4];
		out[2 * i + 1] = d[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool syncd_unhex(const char *s, size_t slen, uint8_t *out, size_t n)
{
	if (slen != 2 * n)
		return false;
	for (size_t i = 0; i < n; i++) {
		int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

size_t syncd_push_reason(struct push_job *j, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	size_t off = j->reasons.len;
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof tmp) /* cut long reasons, at a character */
		for (n = sizeof tmp - 1; n > 0 && (tmp[n] & 0xC0) == 0x80; n--)
			;
	yzf_buf_put(&j->reasons, tmp, (size_t)n);
	yzf_buf_putc(&j->reasons, '\0');
	return j->reasons.oom ? SIZE_MAX : off;
}

int64_t syncd_store_now(const struct syncd_store *s)
{
	if (s->hooks.now_ms)
		return s->hooks.now_ms(s->hooks.ctx);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const struct syncd_roster *syncd_store_roster(const struct syncd_store *s)
{
	return s->roster;
}

void syncd_store_set_roster(struct syncd_store *s, struct syncd_roster *r)
{
	syncd_roster_free(s->roster);
	s->roster = r;
}

struct syncd_mlog *syncd_store_mlog(const struct syncd_store *s)
{
	return s->log;
}

const char *syncd_store_path(const struct syncd_store *s)
{
	return s->path;
}

const char *syncd_store_authority(const struct syncd_store *s)
{
	return s->authority;
}

static int exec(struct syncd_store *s, const char *sql, char *msg, size_t cap)
{
	char *err = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) == SQLITE_OK)
		return YZF_OK;
	snprintf(msg, cap, "store: %s", err ? err : sqlite3_errmsg(s->db));
	sqlite3_free(err);
	return YZF_EIO;
}

/* Migrations run in order, each in its own transaction with the
 * user_version bump, so a crash leaves the store at a whole version. */
static int migrate(struct syncd_store *s, char *msg, size_t cap)
{
	sqlite3_stmt *st;
	int version = 0, n = 0, rc = YZF_OK;
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK) {
		snprintf(msg, cap, "store: %s", sqlite3_errmsg(s->db));
		return YZF_EIO;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	while (syncd_server_migrations[n].name)
		n++;
	if (version > n) {
		snprintf(msg, cap, "store: schema version %d is newer than "
			 "this build knows (%d)", version, n);
		return YZF_ESTATE;
	}
	for (int i = version; i < n && !rc; i++) {
		char bump[64];
		snprintf(bump, sizeof bump, "PRAGMA user_version = %d", i + 1);
		rc = exec(s, "BEGIN IMMEDIATE", msg, cap);
		if (!rc)
			rc = exec(s, syncd_server_migrations[i].text, msg, cap);
		if (!rc)
			rc = exec(s, bump, msg, cap);
		if (!rc)
			rc = exec(s, "COMMIT", msg, cap);
		else
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
	return rc;
}

static void *writer_main(void *arg);

int syncd_store_open(const char *path, const char *authority_dir,
		     const struct syncd_hooks *hooks, struct syncd_stats *stats,
		     struct syncd_store **out, char *msg, size_t cap)
{
	struct syncd_store *s = calloc(1, sizeof *s);
	int rc = YZF_OK;
	*out = NULL;
	if (!s) {
		snprintf(msg, cap, "out of memory");
		return YZF_ENOMEM;
	}
	if (hooks)
		s->hooks = *hooks;
	s->stats = stats;
	snprintf(s->path, sizeof s->path, "%s", path);
	snprintf(s->authority, sizeof s->authority, "%s", authority_dir);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->work, NULL);
	pthread_cond_init(&s->done, NULL);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		snprintf(msg, cap, "store %s: %s", path,
			 s->db ? sqlite3_errmsg(s->db) : "cannot open");
		rc = YZF_EIO;
	}
	/* WAL with synchronous=FULL: a commit is on stable storage when it
	 * returns (NORMAL may lose a committed transaction on power loss),
	 * and nothing is acknowledged before its commit returned. */
	if (!rc) {
		sqlite3_busy_timeout(s->db, 10000);
		sqlite3_extended_result_codes(s->db, 1);
		rc = exec(s, "PRAGMA journal_mode = WAL; "
			     "PRAGMA synchronous = FULL; "
			     "PRAGMA foreign_keys = ON; "
			     "PRAGMA cell_size_check = ON", msg, cap);
	}
	if (!rc)
		rc = migrate(s, msg, cap);
	if (!rc)
		rc = syncd_roster_load(s->db, authority_dir, &s->roster, msg,
				       cap);
	if (!rc)
		rc = syncd_mlog_open(s->db, authority_dir, &s->log, msg, cap);
	if (!rc)
		s->log_next = (int64_t)syncd_mlog_size(s->log);
	for (int i = 0; !rc && i < ST_COUNT; i++)
		if (sqlite3_prepare_v3(s->db, sql_of[i], -1,
				       SQLITE_PREPARE_PERSISTENT, &s->st[i],
				       NULL) != SQLITE_OK) {
			snprintf(msg, cap, "store: %s", sqlite3_errmsg(s->db));
			rc = YZF_EIO;
		}
	if (!rc) {
		if (pthread_create(&s->writer, NULL, writer_main, s) != 0) {
			snprintf(msg, cap, "cannot start the writer thread");
			rc = YZF_ENOMEM;
		} else {
			s->started = true;
		}
	}
	if (rc) {
		syncd_store_close(s);
		return rc;
	}
	*out = s;
	return YZF_OK;
}

int syncd_store_submit(struct syncd_store *s, struct push_job *j)
{
	j->done = false;
	j->next = NULL;
	pthread_mutex_lock(&s->mu);
	if (s->draining || s->broken || s->stopping) {
		snprintf(j->msg, sizeof j->msg, "%s", s->broken
			 ? "the store failed a commit and takes no more work "
			   "until restarted"
			 : "the server is draining: push again later");
		pthread_mutex_unlock(&s->mu);
		return YZF_ESTATE;
	}
	if (s->tail)
		s->tail->next = j;
	else
		s->head = j;
	s->tail = j;
	pthread_cond_signal(&s->work);
	while (!j->done)
		pthread_cond_wait(&s->done, &s->mu);
	pthread_mutex_unlock(&s->mu);
	return YZF_OK;
}

void syncd_store_drain(struct syncd_store *s)
{
	pthread_mutex_lock(&s->mu);
	s->draining = true;
	while (s->head || s->busy)
		pthread_cond_wait(&s->done, &s->mu);
	pthread_mutex_unlock(&s->mu);
}

bool syncd_store_healthy(struct syncd_store *s)
{
	pthread_mutex_lock(&s->mu);
	bool ok = s->started && !s->broken && !s->stopping;
	pthread_mutex_unlock(&s->mu);
	return ok;
}

void syncd_store_close(struct syncd_store *s)
{
	if (!s)
		return;
	if (s->started) {
		syncd_store_drain(s);
		pthread_mutex_lock(&s->mu);
		s->stopping = true;
		pthread_cond_signal(&s->work);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->writer, NULL);
	}
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	if (s->db)
		sqlite3_close_v2(s->db);
	syncd_roster_free(s->roster);
	syncd_mlog_close(s->log);
	pthread_cond_destroy(&s->work);
	pthread_cond_destroy(&s->done);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/* ---- the writer: one job inside the group's transaction ---------------- */

static sqlite3_stmt *stmt(struct syncd_store *s, int id)
{
	sqlite3_reset(s->st[id]);
	sqlite3_clear_bindings(s->st[id]);
	return s->st[id];
}

/* No statement stays active across a transaction's end. */
static void reset_all(struct syncd_store *s)
{
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_reset(s->st[i]);
}

static int job_fail(struct syncd_store *s, struct push_job *j, const char *what)
{
	snprintf(j->msg, sizeof j->msg, "store: %s: %s", what,
		 sqlite3_errmsg(s->db));
	return YZF_EIO;
}

/* The feed's head, re-read inside the transaction and checked against its
 * last record, so a damaged head row cannot make a fork look like a
 * continuation. */
static int read_head(struct syncd_store *s, struct push_job *j, int64_t *seq,
		     uint8_t id[YZF_ID_LEN], int64_t *flags)
{
	sqlite3_stmt *st = stmt(s, ST_HEAD);
	sqlite3_bind_blob(st, 1, j->feed, YZF_KEY_LEN, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step != SQLITE_ROW) {
		if (step != SQLITE_DONE)
			return job_fail(s, j, "feeds");
		snprintf(j->msg, sizeof j->msg, "store: the feed has no row");
		return YZF_ECORRUPT;
	}
	*seq = sqlite3_column_int64(st, 0);
	*flags = sqlite3_column_int64(st, 2);
	bool ok = sqlite3_column_bytes(st, 1) == YZF_ID_LEN;
	if (ok)
		memcpy(id, sqlite3_column_blob(st, 1), YZF_ID_LEN);
	st = stmt(s, ST_LAST);
	sqlite3_bind_blob(st, 1, j->feed, YZF_KEY_LEN, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		ok = ok && sqlite3_column_int64(st, 0) == *seq &&
		     sqlite3_column_bytes(st, 1) == YZF_ID_LEN &&
		     memcmp(sqlite3_column_blob(st, 1), id, YZF_ID_LEN) == 0;
	else if (step == SQLITE_DONE)
		ok = ok && *seq == 0;
	else
		return job_fail(s, j, "records");
	if (!ok) {
		snprintf(j->msg, sizeof j->msg, "store: the feed's head row "
			 "(seq %lld) disagrees with its last record",
			 (long long)*seq);
		return YZF_ECORRUPT;
	}
	return YZF_OK;
}

/* The stored id at seq (1 <= seq <= head). */
static int id_at(struct syncd_store *s, struct push_job *j, int64_t seq,
		 uint8_t id[YZF_ID_LEN])
{
	if (seq == 0) {
		memset(id, 0, YZF_ID_LEN);
		return YZF_OK;
	}
	sqlite3_stmt *st = stmt(s, ST_ID_AT);
	sqlite3_bind_blob(st, 1, j->feed, YZF_KEY_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seq);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_bytes(st, 0) == YZF_ID_LEN) {
		memcpy(id, sqlite3_column_blob(st, 0), YZF_ID_LEN);
		return YZF_OK;
	}
	snprintf(j->msg, sizeof j->msg, "store: no record at seq %lld below "
		 "the head", (long long)seq);
	return YZF_ECORRUPT;
}

static int quarantine(struct syncd_store *s, struct push_job *j,
		      struct push_item *it, size_t reason, int64_t now)
{
	if (reason == SIZE_MAX) {
		snprintf(j->msg, sizeof j->msg, "out of memory");
		return YZF_ENOMEM;
	}
	sqlite3_stmt *st = stmt(s, ST_QUARANTINE);
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_blob(st, 2, j->feed, YZF_KEY_LEN, SQLITE_STATIC);
	if (it->seq > 0)
		sqlite3_bind_int64(st, 3, it->seq);
	sqlite3_bind_text(st, 4, syncd_push_reason_at(j, reason), -1,
			  SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, it->line, (int)it->line_len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return job_fail(s, j, "quarantine");
	it->outcome = OUT_QUARANTINED;
	it->reason = reason;
	j->quarantined++;
	return YZF_OK;
}

/* Whether the batch cannot start at the head: a gap, or a first record
 * that does not link to the stored head. Sets the 409 answer. */
static bool conflict(struct syncd_store *s, struct push_job *j, int64_t head,
		     const uint8_t head_id[YZF_ID_LEN], int *rc)
{
	const struct push_item *first = NULL;
	for (size_t i = 0; i < j->n && !first; i++)
		if (j->items[i].kind == ITEM_RECORD ||
		    j->items[i].kind == ITEM_BAD)
			first = &j->items[i];
	*rc = YZF_OK;
	if (!first || first->kind != ITEM_RECORD)
		return false;
	if (first->seq > head + 1) {
		snprintf(j->msg, sizeof j->msg, "the batch starts at seq %lld "
			 "but the server holds the feed up to seq %lld: resend "
			 "from seq %lld", (long long)first->seq,
			 (long long)head, (long long)(head + 1));
		j->head_seq = head;
		memcpy(j->head_id, head_id, YZF_ID_LEN);
		return true;
	}
	if (first->seq == head + 1 && head > 0 &&
	    memcmp(first->prev, head_id, YZF_ID_LEN) != 0) {
		/* The terminal's record at the head differs from the
		 * server's: answer the seq before it, where both may agree;
		 * the resend then shows the fork at the head. */
		snprintf(j->msg, sizeof j->msg, "the record at seq %lld does "
			 "not link to the server's record at seq %lld: resend "
			 "from seq %lld", (long long)first->seq,
			 (long long)head, (long long)head);
		j->head_seq = head - 1;
		*rc = id_at(s, j, head - 1, j->head_id);
		return true;
	}
	return false;
}

/* A paper document's serial: the first entry is kept; a later one (from
 * a terminal that could not know) gets *reason naming the first. */
static int paper_serial(struct syncd_store *s, struct push_job *j,
			const struct push_item *it, size_t *reason)
{
	sqlite3_stmt *st = stmt(s, ST_SERIAL_ADD);
	*reason = SIZE_MAX;
	sqlite3_bind_blob(st, 1, j->feed, YZF_KEY_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, it->seq);
	sqlite3_bind_blob(st, 3, it->bytes, (int)it->len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return job_fail(s, j, "paper_serials");
	if (sqlite3_changes(s->db) > 0)
		return YZF_OK;
	st = stmt(s, ST_SERIAL_AT);
	sqlite3_bind_blob(st, 1, it->bytes, (int)it->len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		return job_fail(s, j, "paper_serials");
	char h[2 * YZF_KEY_LEN + 1];
	syncd_hex(sqlite3_column_blob(st, 0), YZF_KEY_LEN, h);
	*reason = syncd_push_reason(j, "paper serial %s %lld No. %lld was "
				    "entered already, by feed %.16s seq %lld",
				    (const char *)sqlite3_column_text(st, 2),
				    (long long)sqlite3_column_int64(st, 3),
				    (long long)sqlite3_column_int64(st, 4), h,
				    (long long)sqlite3_column_int64(st, 1));
	sqlite3_reset(st);
	return YZF_OK;
}

/* Join two flag reasons of one record into one (record_flags holds one). */
static size_t both(struct push_job *j, size_t a, size_t b)
{
	char x[256], y[256];
	if (a == SIZE_MAX || b == SIZE_MAX)
		return a == SIZE_MAX ? b : a;
	/* copies: adding a reason may move the buffer they lie in */
	snprintf(x, sizeof x, "%s", syncd_push_reason_at(j, a));
	snprintf(y, sizeof y, "%s", syncd_push_reason_at(j, b));
	return syncd_push_reason(j, "%s; %s", x, y);
}

/* A verified record that continues the head: insert it, move the head. */
static int append(struct syncd_store *s, struct push_job *j,
		  struct push_item *it, int64_t now, int64_t *head,
		  uint8_t head_id[YZF_ID_LEN])
{
	sqlite3_stmt *st = stmt(s, ST_INSERT);
	sqlite3_bind_blob(st, 1, j->feed, YZF_KEY_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, it->seq);
	sqlite3_bind_blob(st, 3, it->id, YZF_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, it->bytes, (int)it->len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, it->sig, YZF_SIG_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, now);
	if (it->case_id[0])
		sqlite3_bind_text(st, 7, it->case_id, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 7);
	if (sqlite3_step(st) != SQLITE_DONE)
		return job_fail(s, j, "records");
	st = stmt(s, ST_LOG_ADD);
	sqlite3_bind_int64(st, 1, s->log_next);
	sqlite3_bind_blob(st, 2, j->feed, YZF_KEY_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, it->seq);
	if (sqlite3_step(st) != SQLITE_DONE)
		return job_fail(s, j, "log");
	it->log_idx = s->log_next++;
	if (it->paper) {
		size_t dup;
		int rc = paper_serial(s, j, it, &dup);
		if (rc)
			return rc;
		it->flag = both(j, it->flag, dup);
	}
	if (it->flag != SIZE_MAX) {
		st = stmt(s, ST_TIME_FLAG);
		sqlite3_bind_blob(st, 1, j->feed, YZF_KEY_LEN, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, it->seq);
		sqlite3_bind_text(st, 3, syncd_push_reason_at(j, it->flag), -1,
				  SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			return job_fail(s, j, "record_flags");
	}
	if (it->opens_case || it->approval) {
		st = stmt(s, it->opens_case ? ST_TEAM : ST_APPROVAL);
		sqlite3_bind_text(st, 1, it->case_id, -1, SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, it->bytes, (int)it->len, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			return job_fail(s, j, "case_team");
	}
	it->outcome = OUT_STORED;
	j->stored++;
	*head = it->seq;
	memcpy(head_id, it->id, YZF_ID_LEN);
	return YZF_OK;
}

/* A verified record at a seq the store holds: a duplicate, or a fork
 * (same feed and seq, other bytes). A fork keeps both and flags the feed
 * (Measures art. 62: tampering must be evident); *reason is then set. */
static int held(struct syncd_store *s, struct push_job *j,
		struct push_item *it, int64_t *flags, size_t *reason)
{
	uint8_t have[YZF_ID_LEN];
	char h[2 * YZF_ID_LEN + 1];
	int rc = id_at(s, j, it->seq, have);
	if (rc)
		return rc;
	if (memcmp(have, it->id, YZF_ID_LEN) == 0) {
		sqlite3_stmt *st = stmt(s, ST_LOG_AT);
		sqlite3_bind_blob(st, 1, j->feed, YZF_KEY_LEN, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, it->seq);
		if (sqlite3_step(st) != SQLITE_ROW) {
			snprintf(j->msg, sizeof j->msg, "store: seq %lld has no "
				 "position in the log", (long long)it->seq);
			return YZF_ECORRUPT;
		}
		it->log_idx = sqlite3_column_int64(st, 0);
		it->outcome = OUT_DUPLICATE;
		j->duplicates++;
		return YZF_OK;
	}
	syncd_hex(have, YZF_ID_LEN, h);
	*reason = syncd_push_reason(j, "fork: differs from the stored record "
				    "at seq %lld (id %s)", (long long)it->seq,
				    h);
	sqlite3_stmt *st = stmt(s, ST_FLAG);
	sqlite3_bind_blob(st, 1, j->feed, YZF_KEY_LEN, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return job_fail(s, j, "feeds");
	if (!(*flags & 1))
		j->forked = true;
	*flags |= 1;
	return YZF_OK;
}

/* Apply one job against the current head. Everything here is undone with
 * the job's savepoint if it fails. */
static int apply(struct syncd_store *s, struct push_job *j, int64_t now)
{
	int64_t head, flags, blocked_seq = 0;
	size_t blocked_line = 0;
	uint8_t head_id[YZF_ID_LEN];
	int rc = read_head(s, j, &head, head_id, &flags);
	if (rc)
		return rc;
	if (conflict(s, j, head, head_id, &rc)) {
		j->status = rc ? 500 : 409;
		return rc;
	}
	for (size_t i = 0; i < j->n && !rc; i++) {
		struct push_item *it = &j->items[i];
		size_t reason = SIZE_MAX;
		if (it->kind == ITEM_CERT)
			continue;
		if (it->kind == ITEM_CERT_BAD) {
			rc = quarantine(s, j, it, it->reason, now);
			continue;
		}
		/* a chain cannot skip a record: after the first failure,
		 * every later record of the batch waits in quarantine */
		if (blocked_line && blocked_seq > 0)
			reason = syncd_push_reason(j, "follows quarantined "
						   "seq %lld",
						   (long long)blocked_seq);
		else if (blocked_line)
			reason = syncd_push_reason(j, "follows quarantined "
						   "line %zu", blocked_line);
		else if (it->kind == ITEM_BAD)
			reason = it->reason;
		else if (it->seq <= head)
			rc = held(s, j, it, &flags, &reason);
		else if (it->seq > head + 1)
			reason = syncd_push_reason(j, "seq %lld does not "
						   "follow the stored head, "
						   "seq %lld",
						   (long long)it->seq,
						   (long long)head);
		else if (memcmp(it->prev, head_id, YZF_ID_LEN) != 0)
			reason = head == 0
				? syncd_push_reason(j, "prev of seq 1 is not "
						    "64 zeros")
				: syncd_push_reason(j, "prev does not link to "
						    "the stored record at seq "
						    "%lld", (long long)head);
		else
			rc = append(s, j, it, now, &head, head_id);
		if (rc || it->outcome != OUT_NONE)
			continue;
		rc = quarantine(s, j, it, reason, now);
		if (!blocked_line) {
			blocked_seq = it->seq;
			blocked_line = it->lineno;
		}
	}
	if (!rc && j->stored) {
		sqlite3_stmt *st = stmt(s, ST_SET_HEAD);
		sqlite3_bind_int64(st, 1, head);
		sqlite3_bind_blob(st, 2, head_id, YZF_ID_LEN, SQLITE_STATIC);
		sqlite3_bind_blob(st, 3, j->feed, YZF_KEY_LEN, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = job_fail(s, j, "feeds");
	}
	if (!rc) {
		j->status = 200;
		j->head_seq = head;
		memcpy(j->head_id, head_id, YZF_ID_LEN);
	}
	return rc;
}

static void reset_results(struct push_job *j, int status)
{
	j->status = status;
	j->stored = j->duplicates = j->quarantined = 0;
	j->forked = false;
	for (size_t i = 0; i < j->n; i++) {
		j->items[i].outcome = OUT_NONE;
		j->items[i].log_idx = -1;
	}
}

/* After the commit: the tree takes the stored records in the order their
 * positions were given. A tree that cannot grow no longer matches the
 * store: the store then takes no more work. */
static bool grow_log(struct syncd_store *s, struct push_job *group)
{
	for (struct push_job *j = group; j; j = j->next)
		for (size_t i = 0; i < j->n; i++)
			if (j->items[i].outcome == OUT_STORED &&
			    syncd_mlog_append(s->log, j->items[i].id))
				return false;
	return true;
}

/* One commit group: every job in one transaction, each in a savepoint. */
static void run_group(struct syncd_store *s, struct push_job *group)
{
	int64_t now = syncd_store_now(s);
	char msg[256];
	int rc;
	if (s->broken) { /* only this thread sets it */
		for (struct push_job *j = group; j; j = j->next) {
			reset_results(j, 503);
			snprintf(j->msg, sizeof j->msg, "the store failed a "
				 "commit and takes no more work until "
				 "restarted");
		}
		return;
	}
	int64_t group_next = s->log_next;
	bool ok = exec(s, "BEGIN IMMEDIATE", msg, sizeof msg) == YZF_OK;
	for (struct push_job *j = group; j && ok; j = j->next) {
		int64_t job_next = s->log_next;
		reset_results(j, 500);
		if (exec(s, "SAVEPOINT job", j->msg, sizeof j->msg))
			continue;
		rc = apply(s, j, now);
		reset_all(s);
		if (rc) {
			s->log_next = job_next;
			reset_results(j, 500);
			atomic_fetch_add(&s->stats->store_errors, 1);
			sqlite3_exec(s->db, "ROLLBACK TO job", NULL, NULL,
				     NULL);
		}
		sqlite3_exec(s->db, "RELEASE job", NULL, NULL, NULL);
		/* some errors (full disk, I/O) roll the whole transaction
		 * back, and the earlier jobs' work with it */
		if (sqlite3_get_autocommit(s->db)) {
			snprintf(msg, sizeof msg, "store: the commit group was "
				 "rolled back: %s", sqlite3_errmsg(s->db));
			ok = false;
		}
	}
	if (ok && exec(s, "COMMIT", msg, sizeof msg) != YZF_OK) {
		/* Whether the commit reached the disk is unknown: acknowledge
		 * nothing, and take no more work until restarted. */
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		ok = false;
		pthread_mutex_lock(&s->mu);
		s->broken = true;
		pthread_mutex_unlock(&s->mu);
	}
	if (ok && !grow_log(s, group)) {
		snprintf(msg, sizeof msg, "log: out of memory: the store takes "
			 "no more work until restarted");
		ok = false;
		pthread_mutex_lock(&s->mu);
		s->broken = true;
		pthread_mutex_unlock(&s->mu);
	}
	if (!ok) {
		s->log_next = group_next;
		for (struct push_job *j = group; j; j = j->next) {
			reset_results(j, 500);
			snprintf(j->msg, sizeof j->msg, "%s", msg);
		}
		atomic_fetch_add(&s->stats->store_errors, 1);
		return;
	}
	atomic_fetch_add(&s->stats->commit_groups, 1);
	for (struct push_job *j = group; j; j = j->next) {
		atomic_fetch_add(&s->stats->push_batches, 1);
		atomic_fetch_add(&s->stats->records_ingested,
				 (uint64_t)j->stored);
		atomic_fetch_add(&s->stats->records_quarantined,
				 (uint64_t)j->quarantined);
		if (j->forked)
			atomic_fetch_add(&s->stats->feeds_forked, 1);
	}
}

static void *writer_main(void *arg)
{
	struct syncd_store *s = arg;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->head && !s->stopping)
			pthread_cond_wait(&s->work, &s->mu);
		if (!s->head)
			break;
		if (s->hooks.writer_pause) {
			pthread_mutex_unlock(&s->mu);
			s->hooks.writer_pause(s->hooks.ctx);
			pthread_mutex_lock(&s->mu);
		}
		struct push_job *group = s->head;
		s->head = s->tail = NULL;
		s->busy = true;
		pthread_mutex_unlock(&s->mu);
		run_group(s, group);
		pthread_mutex_lock(&s->mu);
		for (struct push_job *j = group, *next; j; j = next) {
			next = j->next;
			/* the submitter may free j from here on */
			j->done = true;
		}
		s->busy = false;
		pthread_cond_broadcast(&s->done);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* bench/append — what a durable, signed, chained, encrypted append costs,
 * next to the same work done with the bare primitives.
 *
 * In a fresh temporary directory, on a sim-port terminal set up in-process
 * (authority keys, init, enrollment, login), one run measures:
 *   1. durable single appends/s against a bare SQLite INSERT per transaction;
 *   2. batched appends/s (1,000 per transaction) against cJSON + BLAKE2b-256
 *      + Ed25519 + one INSERT per record, 1,000 per transaction;
 *   4. peak RSS of a child appending 100,000 records, and of the baseline.
 * Item 3, instructions per record, is bench/run.sh running this program as
 * `append --callgrind yzf|raw` under valgrind.
 *
 * Timing never fails the run: goals are printed as met / NOT met. The exit
 * status is 1 only when something functional fails (an append, a setup
 * step, an INSERT), 2 on bad usage.
 */
#define _XOPEN_SOURCE 700 /* nftw, to remove the temporary directory */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>
#include <sqlite3.h>
#include <yzf/yzf.h>

#include "yzf_port_sim.h"

#ifdef BENCH_HAVE_CALLGRIND_H
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#endif

#define BATCH 1000
#define WARMUP 5 /* batches before the store's timings */
#define ROW_BYTES 400 /* the single-append baseline's row */
#define PIN "246810"
#define TYPE "inspection.item"
#define CASE_ID "440106-2026-000817"
#define ITEM "食品经营许可证 公示"
#define RESULT "violation"
#define FINDING "未在经营场所显著位置悬挂许可证"
/* Keeps run.sh's --toggle-collect=bench_*_batches finding the loops
 * (clang neither clones nor knows noclone). */
#ifdef __clang__
#define MEASURED __attribute__((noinline))
#else
#define MEASURED __attribute__((noinline, noclone))
#endif

static const struct yzf_loc fix = {
	.fix = true, .src = "gnss", .lat = 231291234, .lon = 1132644567,
	.acc_cm = 350, .age_ms = 800, .sats = 14,
};

/* One batch of appends, bodies made once so the loops time yzf_append and
 * not snprintf. Quantity varies so records differ beyond seq and prev. */
struct batch {
	struct yzf_append recs[BATCH];
	char body[BATCH][256];
};

struct term {
	struct yzf_port *port;
	struct yzf *y;
	uint8_t feed[YZF_KEY_LEN];
};

/* The baseline: its own key, chain and table, nothing else. */
struct raw {
	sqlite3 *db;
	sqlite3_stmt *ins;
	uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char feed_hex[65], prev_hex[65];
	int64_t seq;
	size_t bytes; /* JSON bytes made, for the average printed */
};

static const char raw_table[] =
	"CREATE TABLE raw (seq INTEGER PRIMARY KEY, hash BLOB NOT NULL, "
	"sig BLOB NOT NULL, bytes BLOB NOT NULL)";
static const char raw_insert[] =
	"INSERT INTO raw (seq, hash, sig, bytes) VALUES (?, ?, ?, ?)";

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int yfail(struct yzf *y, const char *what, int rc)
{
	fprintf(stderr, "append: %s: %s: %s\n", what, yzf_strerror(rc),
		yzf_errmsg(y));
	return -1;
}

static int dbfail(sqlite3 *db, const char *what)
{
	fprintf(stderr, "append: %s: %s\n", what, sqlite3_errmsg(db));
	return -1;
}

static void batch_fill(struct batch *b)
{
	for (int i = 0; i < BATCH; i++) {
		int n = snprintf(b->body[i], sizeof b->body[i],
				 "{\"item\":\"" ITEM "\",\"result\":\"" RESULT
				 "\",\"finding\":\"" FINDING "\",\"quantity\":%d}",
				 1 + i % 50);
		b->recs[i] = (struct yzf_append){ .type = TYPE, .case_id = CASE_ID,
			.body = b->body[i], .body_len = (size_t)n, .loc = &fix };
	}
}

/* Check c first: yzf_cert_sign_line's failure names no field. */
static int cert_line(const struct yzf_cert *c, const uint8_t sk[64],
		     struct yzf_buf *out)
{
	char msg[200];
	if (yzf_cert_check(c, msg, sizeof msg)) {
		fprintf(stderr, "append: %s certificate: %s\n",
			yzf_cert_kind_name(c->kind), msg);
		return -1;
	}
	return yzf_cert_sign_line(c, sk, out) || out->oom ? -1 : 0;
}

/* Initialise t's new store with a fresh authority's trust bundle (root
 * line "\n" city line, made as device/authority.c makes them), enroll one
 * officer with a feed certificate the city issues for the terminal's
 * request (bundle = trust "\n" feed line), and log in. The authority's
 * keys are throwaway, wiped on the way out. */
static int enroll(struct term *t)
{
	struct yzf_config cfg = { .terminal = "GZ-TH-0042", .kdf_ops = 1,
				  .kdf_mem = 8u << 20 };
	struct yzf_cert root = { .kind = YZF_CERT_ROOT }, city,
			fc = { .kind = YZF_CERT_FEED, .roles = YZF_ROLE_OFFICER };
	struct yzf_buf trust = { 0 }, req = { 0 }, bundle = { 0 };
	struct yzf_canon_err ce;
	uint8_t root_sk[64], city_sk[64], seal_sk[32], feed[YZF_KEY_LEN];
	int rc = -1, e;

	if (t->port->clock_wall(t->port->ctx, &root.not_before, &root.tz))
		goto out;
	randombytes_buf(root.serial, YZF_SERIAL_LEN);
	crypto_sign_keypair(root.key, root_sk);
	memcpy(root.issuer, root.key, YZF_KEY_LEN);
	snprintf(root.name, sizeof root.name, "广东省市场监督管理局");
	root.not_after = root.not_before + 20 * 365 * 86400000LL;
	root.not_before -= 86400000LL;
	city = root;
	city.kind = YZF_CERT_CITY;
	randombytes_buf(city.serial, YZF_SERIAL_LEN);
	crypto_sign_keypair(city.key, city_sk);
	crypto_box_keypair(city.seal, seal_sk);
	snprintf(city.name, sizeof city.name, "广州市市场监督管理局");
	snprintf(city.region, sizeof city.region, "440100");
	if (cert_line(&root, root_sk, &trust) ||
	    (yzf_buf_putc(&trust, '\n'), cert_line(&city, root_sk, &trust)))
		goto out;
	if ((e = yzf_init(t->y, &cfg, trust.p, trust.len)) ||
	    (e = yzf_enroll_request(t->y, PIN, strlen(PIN), &req, feed))) {
		rc = yfail(t->y, "init and enroll", e);
		goto out;
	}
	if (yzf_request_parse(req.p, req.len, fc.key, fc.terminal, &ce)) {
		fprintf(stderr, "append: enrollment request: %s\n", ce.why);
		goto out;
	}
	randombytes_buf(fc.serial, YZF_SERIAL_LEN);
	memcpy(fc.issuer, city.key, YZF_KEY_LEN);
	snprintf(fc.name, sizeof fc.name, "张伟");
	snprintf(fc.officer_no, sizeof fc.officer_no, "44010619001");
	snprintf(fc.agency, sizeof fc.agency, "广州市天河区市场监督管理局");
	snprintf(fc.uscc, sizeof fc.uscc, "11440106MB2C492807");
	fc.not_before = root.not_before;
	fc.not_after = root.not_before + 365 * 86400000LL;
	fc.tz = root.tz;
	yzf_buf_put(&bundle, trust.p, trust.len);
	yzf_buf_putc(&bundle, '\n');
	if (cert_line(&fc, city_sk, &bundle))
		goto out;
	if ((e = yzf_enroll_complete(t->y, bundle.p, bundle.len, t->feed)) ||
	    (e = yzf_login(t->y, t->feed, PIN, strlen(PIN))))
		rc = yfail(t->y, "enroll complete and login", e);
	else
		rc = 0;
out:
	sodium_memzero(root_sk, sizeof root_sk);
	sodium_memzero(city_sk, sizeof city_sk);
	sodium_memzero(seal_sk, sizeof seal_sk);
	yzf_buf_free(&trust);
	yzf_buf_free(&req);
	yzf_buf_free(&bundle);
	return rc;
}

/* Open the terminal in home: a new one (enroll), or with create false one
 * made so earlier whose session is still live, so a child reopens it
 * without paying Argon2id (8 MiB) inside its measured peak RSS. */
static int term_open(struct term *t, const char *home, bool create)
{
	struct yzf_sim_opts o = { 0 };
	char msg[300];
	int e;

	memset(t, 0, sizeof *t);
	if (!(t->port = yzf_port_sim_create(home, &o))) {
		fprintf(stderr, "append: %s: %s\n", home, strerror(errno));
		return -1;
	}
	if ((e = yzf_open(t->port, create ? YZF_OPEN_CREATE : 0, &t->y, msg,
			  sizeof msg))) {
		fprintf(stderr, "append: open %s: %s\n", home, msg);
		return -1;
	}
	if (create)
		return enroll(t);
	e = yzf_current_feed(t->y, t->feed);
	return e ? yfail(t->y, "current feed", e) : 0;
}

static void term_close(struct term *t)
{
	yzf_close(t->y);
	yzf_port_sim_destroy(t->port);
}

static int append(struct term *t, const struct yzf_append *recs, size_t n)
{
	int rc = yzf_append(t->y, t->feed, recs, n, NULL);
	return rc ? yfail(t->y, "append", rc) : 0;
}

MEASURED static int bench_yzf_batches(struct term *t, const struct batch *b,
				      long batches)
{
	for (long i = 0; i < batches; i++)
		if (append(t, b->recs, BATCH))
			return -1;
	return 0;
}

/* Same durability as the store: WAL, synchronous=FULL. */
static int raw_open(struct raw *r, const char *path, const char *table_sql,
		    const char *insert_sql)
{
	memset(r, 0, sizeof *r);
	if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) ||
	    sqlite3_exec(r->db, "PRAGMA journal_mode = WAL; "
			 "PRAGMA synchronous = FULL", NULL, NULL, NULL) ||
	    sqlite3_exec(r->db, table_sql, NULL, NULL, NULL) ||
	    sqlite3_prepare_v3(r->db, insert_sql, -1, SQLITE_PREPARE_PERSISTENT,
			       &r->ins, NULL))
		return dbfail(r->db, path);
	crypto_sign_keypair(r->pk, r->sk);
	sodium_bin2hex(r->feed_hex, sizeof r->feed_hex, r->pk, sizeof r->pk);
	memset(r->prev_hex, '0', 64);
	return 0;
}

static void raw_close(struct raw *r)
{
	sqlite3_finalize(r->ins);
	sqlite3_close_v2(r->db);
	sodium_memzero(r->sk, sizeof r->sk);
}

static int raw_exec(struct raw *r, const char *sql)
{
	return sqlite3_exec(r->db, sql, NULL, NULL, NULL) ? dbfail(r->db, sql) : 0;
}

/* One record with the primitives: the envelope's fields as a cJSON object,
 * printed, hashed, signed, inserted. prev chains the hashes so the bytes,
 * like yzf's, depend on the record before. */
static int raw_record(struct raw *r, long i, const char *at, int64_t mono)
{
	uint8_t hash[32], sig[crypto_sign_BYTES];
	cJSON *o = cJSON_CreateObject(), *loc, *body;

	cJSON_AddNumberToObject(o, "v", 1);
	cJSON_AddStringToObject(o, "feed", r->feed_hex);
	cJSON_AddNumberToObject(o, "seq", (double)++r->seq);
	cJSON_AddStringToObject(o, "prev", r->prev_hex);
	cJSON_AddStringToObject(o, "at", at);
	cJSON_AddNumberToObject(o, "mono", (double)mono);
	cJSON_AddNullToObject(o, "att");
	cJSON_AddStringToObject(o, "type", TYPE);
	cJSON_AddStringToObject(o, "case", CASE_ID);
	loc = cJSON_AddObjectToObject(o, "loc");
	cJSON_AddStringToObject(loc, "src", fix.src);
	cJSON_AddNumberToObject(loc, "lat", (double)fix.lat);
	cJSON_AddNumberToObject(loc, "lon", (double)fix.lon);
	cJSON_AddNumberToObject(loc, "acc_cm", (double)fix.acc_cm);
	cJSON_AddNumberToObject(loc, "age_ms", (double)fix.age_ms);
	cJSON_AddNumberToObject(loc, "sats", (double)fix.sats);
	body = cJSON_AddObjectToObject(o, "body");
	cJSON_AddStringToObject(body, "item", ITEM);
	cJSON_AddStringToObject(body, "result", RESULT);
	cJSON_AddStringToObject(body, "finding", FINDING);
	cJSON_AddNumberToObject(body, "quantity", (double)(1 + i % 50));
	char *txt = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!txt) {
		fprintf(stderr, "append: cJSON: out of memory\n");
		return -1;
	}
	size_t n = strlen(txt);
	crypto_generichash(hash, sizeof hash, (const uint8_t *)txt, n, NULL, 0);
	crypto_sign_detached(sig, NULL, (const uint8_t *)txt, n, r->sk);
	sqlite3_bind_int64(r->ins, 1, r->seq);
	sqlite3_bind_blob(r->ins, 2, hash, sizeof hash, SQLITE_STATIC);
	sqlite3_bind_blob(r->ins, 3, sig, sizeof sig, SQLITE_STATIC);
	sqlite3_bind_blob(r->ins, 4, txt, (int)n, SQLITE_STATIC);
	int s = sqlite3_step(r->ins);
	sqlite3_reset(r->ins);
	free(txt);
	sodium_bin2hex(r->prev_hex, sizeof r->prev_hex, hash, sizeof hash);
	r->bytes += n;
	return s == SQLITE_DONE ? 0 : dbfail(r->db, "insert");
}

/* A batch reads the clocks once, as yzf_append does. */
MEASURED static int bench_raw_batches(struct raw *r, long batches)
{
	char at[YZF_TIME_LEN + 1];
	struct timespec wall, mono;
	for (long b = 0; b < batches; b++) {
		if (raw_exec(r, "BEGIN IMMEDIATE"))
			return -1;
		clock_gettime(CLOCK_REALTIME, &wall);
		clock_gettime(CLOCK_MONOTONIC, &mono);
		yzf_time_fmt((int64_t)wall.tv_sec * 1000 + wall.tv_nsec / 1000000,
			     480, at);
		int64_t ms = (int64_t)mono.tv_sec * 1000 + mono.tv_nsec / 1000000;
		for (long i = 0; i < BATCH; i++)
			if (raw_record(r, i, at, ms)) {
				raw_exec(r, "ROLLBACK");
				return -1;
			}
		if (raw_exec(r, "COMMIT"))
			return -1;
	}
	return 0;
}

/* Bring a fresh database to the store's steady state. A new WAL grows
 * with each commit, and an fdatasync that extends a file also flushes its
 * metadata (12% slower here); one 1,200-page transaction passes
 * wal_autocheckpoint (1,000 pages), so later commits overwrite the WAL, as
 * the store's do after its warm-up. */
static int raw_pad(struct raw *r)
{
	return raw_exec(r, "CREATE TABLE pad (b BLOB); WITH RECURSIVE c(x) AS "
			"(SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1200) "
			"INSERT INTO pad SELECT zeroblob(4000) FROM c");
}

/* The single-append baseline: one ROW_BYTES row per durable transaction. */
static int raw_single(struct raw *r, const uint8_t *row_bytes)
{
	int rc = raw_exec(r, "BEGIN IMMEDIATE");
	sqlite3_bind_int64(r->ins, 1, ++r->seq);
	sqlite3_bind_blob(r->ins, 2, row_bytes, ROW_BYTES, SQLITE_STATIC);
	if (rc == 0 && sqlite3_step(r->ins) != SQLITE_DONE)
		rc = dbfail(r->db, "insert");
	sqlite3_reset(r->ins);
	return rc ? rc : raw_exec(r, "COMMIT");
}

/* --- peak RSS ------------------------------------------------------------- */

/* A child's work: 'S' sets up the store that 'Y' then reopens and fills
 * (so its peak holds appends, not the login's Argon2id); 'R' fills a fresh
 * baseline. */
static int job(const char *dir, int kind, long records)
{
	struct term t = { 0 };
	struct raw r;
	struct batch *b = malloc(sizeof *b);
	char path[4096];
	int rc = -1;
	snprintf(path, sizeof path, "%s/%s", dir,
		 kind == 'R' ? "raw-rss.db" : "rss");
	if (!b)
		return -1;
	batch_fill(b);
	if (kind == 'R') {
		if ((rc = raw_open(&r, path, raw_table, raw_insert)) == 0)
			rc = bench_raw_batches(&r, records / BATCH);
		raw_close(&r);
	} else {
		if ((rc = term_open(&t, path, kind == 'S')) == 0 && kind == 'Y')
			rc = bench_yzf_batches(&t, b, records / BATCH);
		term_close(&t);
	}
	free(b);
	return rc;
}

/* Run job() in a grandchild; *kib receives its peak RSS. The middle child
 * has no other child, so its RUSAGE_CHILDREN is the grandchild's alone
 * (ours is the maximum over every child waited for). */
static int in_child(const char *dir, int kind, long records, long *kib)
{
	int fd[2], st;
	long v = -1;
	pid_t pid;

	fflush(NULL);
	if (pipe(fd) || (pid = fork()) < 0) {
		perror("append: fork");
		return -1;
	}
	if (pid == 0) {
		struct rusage ru;
		pid_t g = fork();
		if (g == 0)
			_exit(job(dir, kind, records) ? 1 : 0);
		if (g < 0 || waitpid(g, &st, 0) != g)
			_exit(1);
		getrusage(RUSAGE_CHILDREN, &ru);
		v = ru.ru_maxrss;
		_exit(write(fd[1], &v, sizeof v) == sizeof v && WIFEXITED(st)
		      ? WEXITSTATUS(st) : 1);
	}
	close(fd[1]);
	if (read(fd[0], &v, sizeof v) != sizeof v)
		v = -1;
	close(fd[0]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	if (kib)
		*kib = v;
	return 0;
}

/* --- the runs ------------------------------------------------------------- */

/* One line of the table; ratio < 0 prints none (the goal is absolute). */
static void row(const char *what, double yzf, double base, double ratio,
		bool met, const char *goal)
{
	char r[16] = "-";
	if (ratio >= 0)
		snprintf(r, sizeof r, "%.2f", ratio);
	printf("%-38s %11.1f %11.1f %7s   %-14s %s\n", what, yzf, base, r, goal,
	       met ? "met" : "NOT met");
}

/* The appends are all there (head seq) and read back (the first record
 * decrypts and parses); returns the envelope's length, or -1. */
static long check_store(struct term *t, int64_t want)
{
	struct yzf_query q = { .feed = t->feed, .from = 1 };
	struct yzf_iter *it = NULL;
	struct yzf_entry e;
	uint8_t id[YZF_ID_LEN];
	int64_t seq = 0;
	long len = -1;
	if (yzf_head(t->y, t->feed, &seq, id) == 0 && seq == want &&
	    yzf_iter_open(t->y, &q, &it) == 0 && yzf_iter_next(it, &e) == 1)
		len = (long)e.len;
	else
		fprintf(stderr, "append: store holds %lld records, expected "
			"%lld, or they do not read back: %s\n", (long long)seq,
			(long long)want, yzf_errmsg(t->y));
	yzf_iter_close(it);
	return len;
}

static int timing(const char *dir, long single, long batched, long rss_n)
{
	struct term t;
	struct raw one, r;
	struct batch *b = malloc(sizeof *b);
	uint8_t row_bytes[ROW_BYTES];
	char home[4096], p1[4096], p2[4096], what[64];
	long rss_yzf, rss_raw, nb = batched / BATCH, env;
	double ys = 0, bs = 0, yb = 0, bb = 0, t0;

	/* Peak RSS first, while this process is still small: a child starts
	 * out counting the parent's resident pages as its own. */
	if (!b || in_child(dir, 'S', 0, NULL) ||
	    in_child(dir, 'Y', rss_n, &rss_yzf) ||
	    in_child(dir, 'R', rss_n, &rss_raw))
		return -1;
	batch_fill(b);
	randombytes_buf(row_bytes, sizeof row_bytes);
	snprintf(home, sizeof home, "%s/term", dir);
	snprintf(p1, sizeof p1, "%s/raw-single.db", dir);
	snprintf(p2, sizeof p2, "%s/raw-batched.db", dir);
	if (term_open(&t, home, true) ||
	    raw_open(&one, p1, "CREATE TABLE t (seq INTEGER PRIMARY KEY, "
		     "bytes BLOB NOT NULL)", "INSERT INTO t VALUES (?, ?)") ||
	    raw_open(&r, p2, raw_table, raw_insert))
		return -1;
	/* Warm each up (5,000 records wrap the store's WAL, raw_pad the
	 * baselines'), then alternate them a round at a time: fsync on this
	 * kind of machine swings 10x within minutes, and alternation puts the
	 * drift (and busy neighbours) on both sides alike. */
	if (bench_yzf_batches(&t, b, WARMUP) || raw_pad(&one) || raw_pad(&r) ||
	    raw_single(&one, row_bytes) || bench_raw_batches(&r, 1))
		return -1;
	for (long i = 0; i < single; i++) {
		t0 = now_s();
		if (append(&t, &b->recs[i % BATCH], 1))
			return -1;
		ys += now_s() - t0;
		t0 = now_s();
		if (raw_single(&one, row_bytes))
			return -1;
		bs += now_s() - t0;
	}
	r.bytes = 0;
	for (long i = 0; i < nb; i++) {
		t0 = now_s();
		if (bench_yzf_batches(&t, b, 1))
			return -1;
		yb += now_s() - t0;
		t0 = now_s();
		if (bench_raw_batches(&r, 1))
			return -1;
		bb += now_s() - t0;
	}
	raw_close(&one);
	raw_close(&r);
	env = check_store(&t, single + (nb + WARMUP) * BATCH);
	term_close(&t);
	free(b);
	if (env < 0)
		return -1;

	printf("libyzf append benchmark: sim port, SQLite %s (WAL, "
	       "synchronous=FULL), libsodium %s, cJSON %s\n",
	       sqlite3_libversion(), sodium_version_string(), cJSON_Version());
	printf("record: %s with a case id and a GNSS fix, envelope %ld bytes; "
	       "baseline JSON %zu bytes, single baseline row %d bytes\n\n",
	       TYPE, env, r.bytes / (size_t)(nb * BATCH), ROW_BYTES);
	printf("%-38s %11s %11s %7s   %-14s\n", "measure", "libyzf", "baseline",
	       "ratio", "goal");
	snprintf(what, sizeof what, "1. durable single appends/s (%ld)", single);
	row(what, single / ys, single / bs, bs / ys, bs / ys >= 0.8,
	    "ratio >= 0.80");
	snprintf(what, sizeof what, "2. batched appends/s (%ld, %d/txn)",
		 nb * BATCH, BATCH);
	row(what, nb * BATCH / yb, nb * BATCH / bb, bb / yb, bb / yb >= 0.8,
	    "ratio >= 0.80");
	snprintf(what, sizeof what, "4. peak RSS MiB (%ld records)", rss_n);
	row(what, rss_yzf / 1024.0, rss_raw / 1024.0, -1, rss_yzf < 16 * 1024,
	    "libyzf < 16");
	printf("3. instructions per batched record: bench/run.sh (callgrind)\n");
	return 0;
}

/* For run.sh under callgrind: set up, warm up one batch, then count only
 * the measured batches. */
static int callgrind(const char *dir, bool yzf, long records)
{
	struct batch *b = malloc(sizeof *b);
	struct term t = { 0 };
	struct raw r;
	char path[4096];
	int rc = -1;

	snprintf(path, sizeof path, "%s/%s", dir, yzf ? "term" : "raw.db");
	if (!b)
		return -1;
	batch_fill(b);
	if (yzf ? term_open(&t, path, true) || bench_yzf_batches(&t, b, 1)
		: raw_open(&r, path, raw_table, raw_insert) ||
		  bench_raw_batches(&r, 1))
		goto out;
	CALLGRIND_START_INSTRUMENTATION;
	rc = yzf ? bench_yzf_batches(&t, b, records / BATCH)
		 : bench_raw_batches(&r, records / BATCH);
	CALLGRIND_STOP_INSTRUMENTATION;
	if (rc == 0)
		printf("records %ld\n", records / BATCH * BATCH);
out:
	if (yzf)
		term_close(&t);
	else
		raw_close(&r);
	free(b);
	return rc;
}

static int rm_one(const char *p, const struct stat *s, int flag, struct FTW *f)
{
	(void)s, (void)flag, (void)f;
	return remove(p);
}

static void usage(void)
{
	fprintf(stderr, "usage: append [--single N] [--batched N] [--rss N]\n"
		"       append --callgrind yzf|raw [--records N]\n"
		"       append --client-requests  (exit 0 if built with "
		"<valgrind/callgrind.h>)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long single = 300, batched = 20000, rss_n = 100000, records = 5000;
	const char *mode = NULL, *tmp = getenv("TMPDIR");
	char dir[1024];

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		long *n = !strcmp(a, "--single") ? &single
			: !strcmp(a, "--batched") ? &batched
			: !strcmp(a, "--rss") ? &rss_n
			: !strcmp(a, "--records") ? &records : NULL;
		if (!strcmp(a, "--client-requests"))
#ifdef BENCH_HAVE_CALLGRIND_H
			return 0;
#else
			return 1;
#endif
		if (!strcmp(a, "--callgrind") && v &&
		    (!strcmp(v, "yzf") || !strcmp(v, "raw")))
			mode = argv[++i];
		else if (n && v && (*n = atol(v)) > 0)
			i++;
		else
			usage();
	}
	if (batched < BATCH || rss_n < BATCH || records < BATCH)
		usage();
	if (sodium_init() < 0)
		return 1;
	snprintf(dir, sizeof dir, "%s/yzf-bench-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror(dir);
		return 1;
	}
	int rc = mode ? callgrind(dir, !strcmp(mode, "yzf"), records)
		      : timing(dir, single, batched, rss_n);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return rc ? 1 : 0;
}

/* The store half of yzf-syncd through its syncd_app, without a network: a
 * temporary city authority, feed keys and signed records made here, and
 * hand-built requests signed as schemas/sync.md says. Push, resend,
 * overlap, gap, forgery, another feed's record, revocation, bad
 * Authorization, fork, malformed lines, oversize, group commit under
 * concurrent pushes, drain, restart, and refusals at open. */
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cjson/cJSON.h>

#include "check.h"
#include "store_app.h"
#include "embedded.h"
#include "schema.h"
#include "yzf/yzf.h"

#define BASE 1795741200000LL /* 2026-11-27T09:00:00.000+08:00 */
#define HOUR 3600000LL
#define MAXREC 128
#define NCONC 8

struct feed {
	uint8_t pk[32], sk[64];
	struct yzf_cert cert;
	struct yzf_buf line[MAXREC + 1]; /* by seq, each ending in '\n' */
	uint8_t id[MAXREC + 1][32];
	char hex[65];
};

static uint8_t root_sk[64], city_sk[64];
static struct yzf_cert root, city;
static struct feed A, B, R, U, T, C[NCONC];
/* What make_record puts in mono and att (0 and none by default). */
static int64_t rec_mono, rec_att_ms, rec_att_mono;
static bool rec_att;
static char dir[] = "/tmp/yzf-test-syncd.XXXXXX";
static char auth_dir[256], data_dir[256];
static _Atomic int64_t clock_ms = BASE + HOUR;
static atomic_int pause_us;
static struct yzf_schemas *wire; /* schemas/wire/push-response.schema.json */
/* The last checkpoint a single-threaded test accepted: later pushes ask
 * for consistency from its size (?from=N) and check the proof. */
static uint64_t held_size;
static uint8_t held_root[32];
static char push_query[64];

static int64_t test_now(void *ctx)
{
	(void)ctx;
	return atomic_load(&clock_ms);
}

static void test_pause(void *ctx)
{
	(void)ctx;
	int us = atomic_load(&pause_us);
	if (us)
		usleep((useconds_t)us);
}

static const struct syncd_hooks hooks = { .now_ms = test_now,
					  .writer_pause = test_pause };

static void write_file(const char *name, const void *p, size_t n,
		       const char *mode)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", auth_dir, name);
	FILE *f = fopen(path, mode);
	CHECK(f != NULL);
	if (f) {
		CHECK_EQ_INT(fwrite(p, 1, n, f), n);
		fclose(f);
	}
}

static void make_authority(void)
{
	struct yzf_buf trust = { 0 };
	root.kind = YZF_CERT_ROOT;
	randombytes_buf(root.serial, sizeof root.serial);
	crypto_sign_keypair(root.key, root_sk);
	memcpy(root.issuer, root.key, 32);
	strcpy(root.name, "广东省人民政府");
	root.not_before = BASE - 400 * 24 * HOUR;
	root.not_after = BASE + 4000 * 24 * HOUR;
	root.tz = 480;
	city = root;
	city.kind = YZF_CERT_CITY;
	randombytes_buf(city.serial, sizeof city.serial);
	crypto_sign_keypair(city.key, city_sk);
	uint8_t seal_sk[32];
	crypto_box_keypair(city.seal, seal_sk);
	strcpy(city.name, "广州市司法局");
	strcpy(city.region, "440100");
	CHECK_EQ_INT(yzf_cert_sign_line(&root, root_sk, &trust), YZF_OK);
	yzf_buf_putc(&trust, '\n');
	CHECK_EQ_INT(yzf_cert_sign_line(&city, root_sk, &trust), YZF_OK);
	yzf_buf_putc(&trust, '\n');
	write_file("trust.ndjson", trust.p, trust.len, "wb");
	yzf_buf_free(&trust);
	char skhex[129];
	sodium_bin2hex(skhex, sizeof skhex, city_sk, 64);
	write_file("city.sk", skhex, 128, "wb");
}

/* A feed key and, when issued, its certificate appended to issued.ndjson. */
static void make_feed(struct feed *f, const char *no, bool issue)
{
	crypto_sign_keypair(f->pk, f->sk);
	sodium_bin2hex(f->hex, sizeof f->hex, f->pk, 32);
	struct yzf_cert *c = &f->cert;
	c->kind = YZF_CERT_FEED;
	randombytes_buf(c->serial, sizeof c->serial);
	memcpy(c->issuer, city.key, 32);
	memcpy(c->key, f->pk, 32);
	strcpy(c->name, "张明");
	strcpy(c->officer_no, no);
	strcpy(c->agency, "广州市天河区市场监督管理局");
	strcpy(c->uscc, "11440106MB2C492807");
	strcpy(c->terminal, "GZ-TH-0042");
	c->roles = YZF_ROLE_OFFICER;
	c->not_before = BASE - 24 * HOUR;
	c->not_after = BASE + 365 * 24 * HOUR;
	c->tz = 480;
	if (issue) {
		struct yzf_buf line = { 0 };
		CHECK_EQ_INT(yzf_cert_sign_line(c, city_sk, &line), YZF_OK);
		yzf_buf_putc(&line, '\n');
		write_file("issued.ndjson", line.p, line.len, "ab");
		yzf_buf_free(&line);
	}
}

/* One signed exchange line of f at seq; its id into id. */
static void make_record(const struct feed *f, int64_t seq,
			const uint8_t prev[32], int64_t at, const char *type,
			const char *body, struct yzf_buf *line, uint8_t id[32])
{
	struct yzf_record r = { 0 };
	struct yzf_buf env = { 0 };
	uint8_t sig[64];
	memcpy(r.feed, f->pk, 32);
	r.seq = seq;
	memcpy(r.prev, prev, 32);
	r.at_ms = at;
	r.at_tz = 480;
	r.mono = rec_mono ? rec_mono : seq * 1000;
	r.has_att = rec_att;
	r.att_ms = rec_att_ms;
	r.att_tz = 480;
	r.att_mono = rec_att_mono;
	strcpy(r.type, type);
	strcpy(r.loc.none, "no_fix");
	r.body = (const uint8_t *)body;
	r.body_len = strlen(body);
	CHECK_EQ_INT(yzf_record_encode(&r, &env), YZF_OK);
	CHECK_EQ_INT(yzf_record_sign(env.p, env.len, f->sk, sig), YZF_OK);
	yzf_record_id(env.p, env.len, sig, id);
	yzf_buf_reset(line);
	CHECK_EQ_INT(yzf_record_line(env.p, env.len, sig, line), YZF_OK);
	yzf_buf_putc(line, '\n');
	yzf_buf_free(&env);
}

/* Records 1..n of f's chain; times from at(seq). */
static void make_chain(struct feed *f, int n, int64_t (*at)(int64_t))
{
	uint8_t zero[32] = { 0 };
	for (int s = 1; s <= n; s++) {
		char body[64];
		snprintf(body, sizeof body, "{\"text\":\"x%d\"}", s);
		make_record(f, s, s == 1 ? zero : f->id[s - 1], at(s), "note",
			    body, &f->line[s], f->id[s]);
	}
}

static int64_t at_normal(int64_t seq)
{
	return BASE + seq * 1000;
}

/* R's records 1..3 before its revocation (BASE + 2h), 4.. after. */
static int64_t at_revoked(int64_t seq)
{
	return seq <= 3 ? BASE + HOUR / 2 + seq : BASE + 3 * HOUR + seq;
}

static void body_of(const struct feed *f, int from, int to, struct yzf_buf *b)
{
	yzf_buf_reset(b);
	for (int s = from; s <= to; s++)
		yzf_buf_put(b, f->line[s].p, f->line[s].len);
}

/* The Authorization value for a request, signed by sk, naming feed pk. */
static void sign_auth(const uint8_t pk[32], const uint8_t sk[64],
		      const char *method, const char *path, const uint8_t *body,
		      size_t len, int64_t at, char out[300])
{
	uint8_t h[32], sig[64];
	char hh[65], ts[YZF_TIME_LEN + 1], fh[65], sh[129];
	struct yzf_buf m = { 0 };
	crypto_generichash(h, 32, body, len, NULL, 0);
	sodium_bin2hex(hh, sizeof hh, h, 32);
	yzf_time_fmt(at, 480, ts);
	yzf_buf_put(&m, "yzf-http-v1", 12);
	yzf_buf_puts(&m, method);
	yzf_buf_putc(&m, '\n');
	yzf_buf_puts(&m, path);
	yzf_buf_putc(&m, '\n');
	yzf_buf_puts(&m, ts);
	yzf_buf_putc(&m, '\n');
	yzf_buf_puts(&m, hh);
	crypto_sign_detached(sig, NULL, m.p, m.len, sk);
	yzf_buf_free(&m);
	sodium_bin2hex(fh, sizeof fh, pk, 32);
	sodium_bin2hex(sh, sizeof sh, sig, 64);
	snprintf(out, 300, "YZF1 feed=%s, at=%s, sig=%s", fh, ts, sh);
}

struct answer {
	int rc, status;
	char *text;  /* the body, NUL-terminated */
	cJSON *j;
};

static void answer_free(struct answer *a)
{
	free(a->text);
	cJSON_Delete(a->j);
	memset(a, 0, sizeof *a);
}

static struct answer request(struct syncd_app *app, const char *method,
			     const char *path, const char *auth,
			     const uint8_t *body, size_t len)
{
	struct syncd_request rq = { .method = method, .path = path,
				    .authorization = auth,
				    .query = push_query[0] ? push_query : NULL,
				    .content_type = "application/x-ndjson",
				    .body = len ? body : NULL, .body_len = len,
				    .peer = "127.0.0.1:1" };
	struct syncd_response rs = { 0 };
	struct answer a = { 0 };
	a.rc = app->handle(app->ctx, &rq, &rs);
	a.status = rs.status;
	a.text = calloc(1, rs.body.len + 1);
	if (rs.body.len)
		memcpy(a.text, rs.body.p, rs.body.len);
	a.j = cJSON_Parse(a.text);
	if (!a.j || !rs.content_type ||
	    strcmp(rs.content_type, "application/json") != 0)
		a.rc = -1000; /* not JSON: every check of the answer fails */
	/* every answer is canonical JSON valid for the wire schema */
	char why[300];
	if (yzf_schemas_check(wire, "push_response", rs.body.p, rs.body.len,
			      why, sizeof why)) {
		fprintf(stderr, "answer breaks push-response.schema.json: "
			"%s\n  %s\n", why, a.text);
		a.rc = -2000;
	}
	if (getenv("YZF_TEST_VERBOSE"))
		printf("%s %s -> %d %s\n", method, path, a.status, a.text);
	yzf_buf_free(&rs.body);
	return a;
}

/* POST /v1/push of body by feed f, signed now by f's key. */
static struct answer push(struct syncd_app *app, const struct feed *f,
			  const struct yzf_buf *body)
{
	char auth[300];
	sign_auth(f->pk, f->sk, "POST", "/v1/push", body->p, body->len,
		  atomic_load(&clock_ms), auth);
	return request(app, "POST", "/v1/push", auth, body->p, body->len);
}

static int64_t jint(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : -1;
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const cJSON *jqs(const cJSON *o)
{
	return cJSON_GetObjectItemCaseSensitive(o, "quarantined");
}

static const cJSON *jq(const cJSON *o, int i)
{
	return cJSON_GetArrayItem(jqs(o), i);
}

static size_t hashes_of(const cJSON *arr, uint8_t (*out)[32], size_t cap)
{
	size_t n = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, arr) {
		CHECK(n < cap && cJSON_IsString(e) &&
		      strlen(e->valuestring) == 64);
		if (n < cap && cJSON_IsString(e))
			sodium_hex2bin(out[n++], 32, e->valuestring, 64, NULL,
				       NULL, NULL);
	}
	return n;
}

/* The log part of a 200 answer: a checkpoint signed by the city key that
 * echoes the request, consistent with the last one held, and a multiproof
 * that puts each of the batch's records (entries = stored + duplicates)
 * at its position in the checkpoint's tree. */
static void check_log(const struct answer *a, const struct feed *f,
		      int64_t entries)
{
	const cJSON *log = cJSON_GetObjectItemCaseSensitive(a->j, "log");
	const char *line = jstr(log, "checkpoint");
	struct yzf_checkpoint c;
	struct yzf_canon_err e;
	static uint8_t leaves[MAXREC][32], proof[MAXREC * 2][32];
	static uint64_t idx[MAXREC];
	size_t k = 0, plen;
	const cJSON *x;
	CHECK(line != NULL);
	if (!line)
		return;
	CHECK_EQ_INT(yzf_checkpoint_parse((const uint8_t *)line, strlen(line),
					  city.key, &c, &e), YZF_OK);
	CHECK(c.has_req);
	CHECK_EQ_INT(yzf_checkpoint_parse((const uint8_t *)line, strlen(line),
					  root.key, &c, &e), YZF_EBADSIG);
	CHECK_EQ_INT(yzf_checkpoint_parse((const uint8_t *)line, strlen(line),
					  city.key, &c, &e), YZF_OK);
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(log, "entries")) {
		int64_t seq = (int64_t)cJSON_GetArrayItem(x, 0)->valuedouble;
		CHECK(k < MAXREC && seq >= 1 && seq <= MAXREC);
		if (k >= MAXREC || seq < 1 || seq > MAXREC)
			return;
		idx[k] = (uint64_t)cJSON_GetArrayItem(x, 1)->valuedouble;
		CHECK(k == 0 || idx[k] > idx[k - 1]);
		yzf_merkle_leaf(f->id[seq], 32, leaves[k++]);
	}
	CHECK_EQ_INT(k, entries);
	plen = hashes_of(cJSON_GetObjectItemCaseSensitive(log, "proof"), proof,
			 MAXREC * 2);
	if (k) {
		CHECK_EQ_INT(yzf_merkle_verify_multi(
				     (const uint8_t(*)[32])leaves, idx, k,
				     c.size, (const uint8_t(*)[32])proof, plen,
				     c.root), YZF_OK);
		leaves[0][0] ^= 1; /* a record the city does not hold */
		CHECK_EQ_INT(yzf_merkle_verify_multi(
				     (const uint8_t(*)[32])leaves, idx, k,
				     c.size, (const uint8_t(*)[32])proof, plen,
				     c.root), YZF_EBADSIG);
	}
	if (held_size && push_query[0]) {
		CHECK_EQ_INT(jint(log, "from"), held_size);
		plen = hashes_of(cJSON_GetObjectItemCaseSensitive(log,
								  "consistency"),
				 proof, MAXREC * 2);
		CHECK_EQ_INT(yzf_merkle_verify_consistency(
				     held_size, c.size, held_root, c.root,
				     (const uint8_t(*)[32])proof, plen),
			     YZF_OK);
	}
	held_size = c.size;
	memcpy(held_root, c.root, 32);
	snprintf(push_query, sizeof push_query, "from=%llu",
		 (unsigned long long)held_size);
}

/* Check a 200 answer's counts and head. */
static void check_ok(const struct answer *a, int64_t stored, int64_t dups,
		     int quarantined, const struct feed *f, int64_t head)
{
	char hid[65];
	CHECK_EQ_INT(a->rc, 0);
	CHECK_EQ_INT(a->status, 200);
	CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a->j, "ok")));
	CHECK_STR(jstr(a->j, "feed"), f->hex);
	CHECK_EQ_INT(jint(a->j, "stored"), stored);
	CHECK_EQ_INT(jint(a->j, "duplicates"), dups);
	CHECK_EQ_INT(cJSON_GetArraySize(jqs(a->j)), quarantined);
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(a->j, "head");
	CHECK_EQ_INT(jint(h, "seq"), head);
	sodium_bin2hex(hid, sizeof hid, f->id[head], 32);
	if (head == 0)
		memset(hid, '0', 64);
	CHECK_STR(jstr(h, "id"), hid);
	if (a->status != 200)
		fprintf(stderr, "  answer: %s\n", a->text);
	check_log(a, f, stored + dups);
}

static void check_q(const struct answer *a, int i, int64_t seq, const char *has)
{
	CHECK_EQ_INT(jint(jq(a->j, i), "seq"), seq);
	CHECK_HAS(jstr(jq(a->j, i), "reason"), has);
}

static void check_refused(const struct answer *a, int status, const char *code,
			  const char *has)
{
	CHECK_EQ_INT(a->rc, 0);
	CHECK_EQ_INT(a->status, status);
	CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(a->j, "ok")));
	CHECK_STR(jstr(a->j, "error"), code);
	CHECK_HAS(jstr(a->j, "message"), has);
	CHECK(jstr(a->j, "server_time") != NULL);
}

static struct syncd_config cfg;

/* Set a string of the config, whether syncd/net/config.h declares it as a
 * pointer (kept: v must outlive cfg) or as an array (copied). */
static void set_str(void *field, size_t size, const char *v)
{
	if (size == sizeof(char *))
		memcpy(field, &v, sizeof v);
	else
		snprintf((char *)field, size, "%s", v);
}
#define SET_STR(member, v) set_str(&(member), sizeof(member), (v))

static void open_app(struct syncd_app *app)
{
	char msg[512] = "";
	int rc = syncd_app_open_with(&cfg, &hooks, app, msg, sizeof msg);
	CHECK_EQ_INT(rc, 0);
	if (rc)
		fprintf(stderr, "  open: %s\n", msg);
}

/* A value from the store file, through a separate read connection. */
static int64_t db_int(const char *sql)
{
	char path[512];
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;
	snprintf(path, sizeof path, "%s/store.db", data_dir);
	CHECK_EQ_INT(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
		     SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else
		fprintf(stderr, "  db: %s: %s\n", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Run SQL on the store file through a separate connection (the damage a
 * broken disk or an operator could do). */
static void db_exec(const char *sql)
{
	char path[512];
	sqlite3 *db;
	snprintf(path, sizeof path, "%s/store.db", data_dir);
	CHECK_EQ_INT(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
		     SQLITE_OK);
	CHECK_EQ_INT(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* Push, resend, overlap, gap, and the exact answers. */
static void test_push(struct syncd_app *app)
{
	struct yzf_buf b = { 0 };
	struct answer a;
	char want[1024], hid[65];

	body_of(&A, 1, 10, &b);
	a = push(app, &A, &b);
	sodium_bin2hex(hid, sizeof hid, A.id[10], 32);
	snprintf(want, sizeof want, "{\"ok\":true,\"server_time\":"
		 "\"2026-11-27T10:00:00.000+08:00\",\"feed\":\"%s\",\"head\":"
		 "{\"seq\":10,\"id\":\"%s\"},\"stored\":10,\"duplicates\":0,"
		 "\"quarantined\":[],\"flagged\":[],\"log\":{\"checkpoint\":",
		 A.hex, hid);
	CHECK(strncmp(a.text, want, strlen(want)) == 0);
	check_ok(&a, 10, 0, 0, &A, 10);
	answer_free(&a);

	/* resending is harmless */
	a = push(app, &A, &b);
	check_ok(&a, 0, 10, 0, &A, 10);
	answer_free(&a);

	/* 5..15 overlaps: 5..10 held, 11..15 new; then 11..20 */
	body_of(&A, 5, 15, &b);
	a = push(app, &A, &b);
	check_ok(&a, 5, 6, 0, &A, 15);
	answer_free(&a);
	body_of(&A, 11, 20, &b);
	a = push(app, &A, &b);
	check_ok(&a, 5, 5, 0, &A, 20);
	answer_free(&a);

	/* a gap: nothing stored, 409 with the head to resend after */
	body_of(&A, 23, 25, &b);
	a = push(app, &A, &b);
	sodium_bin2hex(hid, sizeof hid, A.id[20], 32);
	snprintf(want, sizeof want, "{\"ok\":false,\"error\":\"conflict\","
		 "\"message\":\"the batch starts at seq 23 but the server "
		 "holds the feed up to seq 20: resend from seq 21\","
		 "\"server_time\":"
		 "\"2026-11-27T10:00:00.000+08:00\",\"head\":{\"seq\":20,"
		 "\"id\":\"%s\"}}", hid);
	CHECK_EQ_INT(a.status, 409);
	CHECK_STR(a.text, want);
	answer_free(&a);

	/* an empty push tells the head */
	yzf_buf_reset(&b);
	a = push(app, &A, &b);
	check_ok(&a, 0, 0, 0, &A, 20);
	answer_free(&a);
	CHECK_EQ_INT(db_int("SELECT count(*) FROM records"), 20);
	yzf_buf_free(&b);
}

/* A forged record is quarantined with everything after it; other feeds
 * go on; the genuine records are taken when resent. */
static void test_forgery(struct syncd_app *app)
{
	struct yzf_buf b = { 0 }, forged = { 0 };
	struct answer a;
	body_of(&A, 21, 25, &b);
	/* flip one hex digit of record 22's signature */
	size_t off = A.line[21].len + A.line[22].len - 5;
	b.p[off] = b.p[off] == '0' ? '1' : '0';
	a = push(app, &A, &b);
	check_ok(&a, 1, 0, 4, &A, 21);
	check_q(&a, 0, 22, "signature does not verify under the feed key");
	check_q(&a, 1, 23, "follows quarantined seq 22");
	check_q(&a, 3, 25, "follows quarantined seq 22");
	answer_free(&a);
	CHECK_EQ_INT(db_int("SELECT count(*) FROM quarantine"), 4);
	CHECK_EQ_INT(db_int("SELECT count(*) FROM quarantine WHERE seq = 22 "
			    "AND reason LIKE 'signature%'"), 1);

	body_of(&B, 1, 3, &b);
	a = push(app, &B, &b);
	check_ok(&a, 3, 0, 0, &B, 3);
	answer_free(&a);

	body_of(&A, 22, 25, &b);
	a = push(app, &A, &b);
	check_ok(&a, 4, 0, 0, &A, 25);
	answer_free(&a);

	/* a record of another feed inside A's push */
	yzf_buf_reset(&b);
	yzf_buf_put(&b, A.line[26].p, A.line[26].len);
	yzf_buf_put(&b, B.line[4].p, B.line[4].len);
	yzf_buf_put(&b, A.line[27].p, A.line[27].len);
	a = push(app, &A, &b);
	check_ok(&a, 1, 0, 2, &A, 26);
	check_q(&a, 0, 4, "feed: the record is of feed ");
	check_q(&a, 0, 4, B.hex);
	check_q(&a, 1, 27, "follows quarantined seq 4");
	answer_free(&a);
	/* B's head did not move */
	yzf_buf_reset(&b);
	a = push(app, &B, &b);
	check_ok(&a, 0, 0, 0, &B, 3);
	answer_free(&a);

	/* a body its schema refuses, an unknown type, a time outside the
	 * certificate */
	uint8_t id[32];
	make_record(&A, 27, A.id[26], BASE, "note", "{\"text\":\"\"}", &forged,
		    id);
	a = push(app, &A, &forged);
	check_ok(&a, 0, 0, 1, &A, 26);
	check_q(&a, 0, 27, "body.text");
	answer_free(&a);
	make_record(&A, 27, A.id[26], BASE, "no.such", "{\"text\":\"x\"}",
		    &forged, id);
	a = push(app, &A, &forged);
	check_q(&a, 0, 27, "no schema for record type \"no.such\"");
	answer_free(&a);
	make_record(&A, 27, A.id[26], BASE - 2 * 24 * HOUR, "note",
		    "{\"text\":\"x\"}", &forged, id);
	a = push(app, &A, &forged);
	check_q(&a, 0, 27, "outside its feed certificate's validity");
	answer_free(&a);

	/* the first record not linking to the head: 409 one seq back */
	make_record(&A, 27, A.id[25], BASE, "note", "{\"text\":\"y\"}",
		    &forged, id);
	a = push(app, &A, &forged);
	CHECK_EQ_INT(a.status, 409);
	CHECK_STR(jstr(a.j, "error"), "conflict");
	CHECK_HAS(jstr(a.j, "message"), "does not link");
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(a.j, "head");
	char hid[65];
	sodium_bin2hex(hid, sizeof hid, A.id[25], 32);
	CHECK_EQ_INT(jint(h, "seq"), 25);
	CHECK_STR(jstr(h, "id"), hid);
	answer_free(&a);
	yzf_buf_free(&b);
	yzf_buf_free(&forged);
}

/* Two records at one seq: both kept, the feed flagged. */
static void test_fork(struct syncd_app *app)
{
	struct yzf_buf b = { 0 }, line = { 0 };
	struct answer a;
	uint8_t id[32], id2[32];
	char hid[65];
	struct syncd_stats *stats = app->stats(app->ctx);
	uint64_t forked = atomic_load(&stats->feeds_forked);
	make_record(&A, 5, A.id[4], BASE + 5000, "note", "{\"text\":\"other\"}",
		    &line, id);
	yzf_buf_put(&b, line.p, line.len);
	make_record(&A, 6, id, BASE + 6000, "note", "{\"text\":\"other\"}",
		    &line, id2);
	yzf_buf_put(&b, line.p, line.len);
	a = push(app, &A, &b);
	check_ok(&a, 0, 0, 2, &A, 26);
	sodium_bin2hex(hid, sizeof hid, A.id[5], 32);
	check_q(&a, 0, 5, "fork: differs from the stored record at seq 5 (id ");
	check_q(&a, 0, 5, hid);
	check_q(&a, 1, 6, "follows quarantined seq 5");
	answer_free(&a);
	CHECK_EQ_INT(atomic_load(&stats->feeds_forked), forked + 1);
	CHECK_EQ_INT(db_int("SELECT count(*) FROM feeds WHERE flags & 1"), 1);
	/* again: quarantined again, the feed already flagged */
	a = push(app, &A, &b);
	check_ok(&a, 0, 0, 2, &A, 26);
	answer_free(&a);
	CHECK_EQ_INT(atomic_load(&stats->feeds_forked), forked + 1);
	CHECK_EQ_INT(db_int("SELECT count(*) FROM feeds WHERE flags & 1"), 1);
	CHECK_EQ_INT(db_int("SELECT count(*) FROM quarantine WHERE reason LIKE "
			    "'fork: %'"), 2);
	/* the original is still the record at seq 5 */
	a = push(app, &A, &(struct yzf_buf){ .p = A.line[5].p,
					     .len = A.line[5].len });
	check_ok(&a, 0, 1, 0, &A, 26);
	answer_free(&a);
	yzf_buf_free(&b);
	yzf_buf_free(&line);
}

/* Lines that are not records; certificate lines. */
static void test_lines(struct syncd_app *app)
{
	struct yzf_buf b = { 0 }, cert = { 0 };
	struct answer a;
	yzf_buf_put(&b, A.line[27].p, A.line[27].len);
	yzf_buf_puts(&b, "{not json\n\n");
	yzf_buf_put(&b, A.line[28].p, A.line[28].len);
	yzf_buf_puts(&b, "{\"rec\":{\"v\":1}}\n");
	a = push(app, &A, &b);
	check_ok(&a, 1, 0, 3, &A, 27);
	check_q(&a, 0, 0, "line 2 is neither a certificate nor a record");
	check_q(&a, 1, 28, "follows quarantined line 2");
	check_q(&a, 2, 0, "follows quarantined line 2");
	answer_free(&a);

	yzf_buf_reset(&b);
	yzf_buf_puts(&b, "{\"rec\":{\"v\":1}}\n");
	a = push(app, &A, &b);
	check_ok(&a, 0, 0, 1, &A, 27);
	check_q(&a, 0, 0, "record not canonical");
	answer_free(&a);

	/* the roster's own lines pass; a certificate of another root does
	 * not, and does not stop the records */
	yzf_buf_reset(&b);
	CHECK_EQ_INT(yzf_cert_sign_line(&root, root_sk, &b), YZF_OK);
	yzf_buf_putc(&b, '\n');
	CHECK_EQ_INT(yzf_cert_sign_line(&A.cert, city_sk, &b), YZF_OK);
	yzf_buf_putc(&b, '\n');
	struct yzf_cert other = A.cert;
	uint8_t osk[64], opk[32];
	crypto_sign_keypair(opk, osk);
	memcpy(other.issuer, opk, 32);
	CHECK_EQ_INT(yzf_cert_sign_line(&other, osk, &cert), YZF_OK);
	yzf_buf_put(&b, cert.p, cert.len);
	yzf_buf_putc(&b, '\n');
	yzf_buf_put(&b, A.line[28].p, A.line[28].len);
	a = push(app, &A, &b);
	check_ok(&a, 1, 0, 1, &A, 28);
	check_q(&a, 0, 0, "does not chain to its root");
	answer_free(&a);
	yzf_buf_free(&b);
	yzf_buf_free(&cert);
}

/* Wall times that cannot be true are stored and flagged with the reason
 * (DESIGN.md "Clocks lie"): after the city's clock; off the attested time
 * the record carries plus the monotonic time since; before that attested
 * time after a reboot. Plausible ones are not flagged. */
static void test_times(struct syncd_app *app)
{
	struct yzf_buf b = { 0 };
	uint8_t zero[32] = { 0 };
	int64_t now = atomic_load(&clock_ms);
	struct {
		bool att;
		int64_t at, mono, att_ms, att_mono;
	} r[6] = {
		{ false, now - 1000, 1000, 0, 0 },
		{ true, now - 500, 65000, now - 60000, 5000 },
		{ false, now + 2 * HOUR, 66000, 0, 0 },
		{ true, now - 20 * 60000, 70000, now - 60000, 5000 },
		{ true, now - 11 * 60000, 100, now - 60000, 5000 },
		{ true, now - 58000, 6000, now - 60000, 5000 },
	};
	for (int s = 1; s <= 6; s++) {
		rec_att = r[s - 1].att;
		rec_mono = r[s - 1].mono;
		rec_att_ms = r[s - 1].att_ms;
		rec_att_mono = r[s - 1].att_mono;
		make_record(&T, s, s == 1 ? zero : T.id[s - 1], r[s - 1].at, "note",
			    "{\"text\":\"t\"}", &T.line[s], T.id[s]);
	}
	rec_att = false;
	rec_mono = rec_att_ms = rec_att_mono = 0;
	body_of(&T, 1, 6, &b);
	struct answer a = push(app, &T, &b);
	check_ok(&a, 6, 0, 0, &T, 6);
	const cJSON *fl = cJSON_GetObjectItemCaseSensitive(a.j, "flagged");
	CHECK_EQ_INT(cJSON_GetArraySize(fl), 3);
	CHECK_EQ_INT(jint(cJSON_GetArrayItem(fl, 0), "seq"), 3);
	CHECK_HAS(jstr(cJSON_GetArrayItem(fl, 0), "reason"),
		  "7200 s after the city's clock");
	CHECK_EQ_INT(jint(cJSON_GetArrayItem(fl, 1), "seq"), 4);
	CHECK_HAS(jstr(cJSON_GetArrayItem(fl, 1), "reason"),
		  "-1205 s off the attested time");
	CHECK_EQ_INT(jint(cJSON_GetArrayItem(fl, 2), "seq"), 5);
	CHECK_HAS(jstr(cJSON_GetArrayItem(fl, 2), "reason"),
		  "600 s before the attested time");
	answer_free(&a);
	CHECK_EQ_INT(db_int("SELECT count(*) FROM record_flags"), 3);
	CHECK_EQ_INT(db_int("SELECT count(*) FROM records WHERE feed IN (SELECT "
			    "feed FROM record_flags)"), 6);
	yzf_buf_free(&b);
}

/* A revoked officer: records before the revocation taken, after it
 * quarantined; requests signed after it refused. */
static void test_revoked(struct syncd_app *app)
{
	struct yzf_buf b = { 0 };
	struct answer a;
	body_of(&R, 1, 5, &b);
	a = push(app, &R, &b);
	check_ok(&a, 3, 0, 2, &R, 3);
	check_q(&a, 0, 4, "revoked at 2026-11-27T11:00:00.000+08:00 (lost "
		"terminal); the record was made at "
		"2026-11-27T12:00:00.004+08:00, after it");
	check_q(&a, 1, 5, "follows quarantined seq 4");
	answer_free(&a);
	atomic_store(&clock_ms, BASE + 2 * HOUR + 60000);
	yzf_buf_reset(&b);
	a = push(app, &R, &b);
	check_refused(&a, 401, "unauthorized", "revoked at "
		      "2026-11-27T11:00:00.000+08:00 (lost terminal)");
	answer_free(&a);
	/* other feeds are not affected */
	a = push(app, &B, &b);
	check_ok(&a, 0, 0, 0, &B, 3);
	answer_free(&a);
	atomic_store(&clock_ms, BASE + HOUR);
	yzf_buf_free(&b);
}

/* Authorization refusals, and what is not push. */
static void test_auth(struct syncd_app *app)
{
	struct yzf_buf b = { 0 };
	struct answer a;
	char auth[300], want[512];
	int64_t now = atomic_load(&clock_ms);
	body_of(&B, 4, 5, &b);

	a = request(app, "POST", "/v1/push", NULL, b.p, b.len);
	snprintf(want, sizeof want, "{\"ok\":false,\"error\":\"unauthorized\","
		 "\"message\":\"Authorization: missing\",\"server_time\":"
		 "\"2026-11-27T10:00:00.000+08:00\"}");
	CHECK_STR(a.text, want);
	CHECK_EQ_INT(a.status, 401);
	answer_free(&a);

	a = request(app, "POST", "/v1/push", "Bearer x", b.p, b.len);
	check_refused(&a, 401, "unauthorized", "not \"YZF1 feed=");
	answer_free(&a);

	sign_auth(B.pk, B.sk, "POST", "/v1/push", b.p, b.len, now + 301000,
		  auth);
	a = request(app, "POST", "/v1/push", auth, b.p, b.len);
	check_refused(&a, 401, "unauthorized", "301 s from the server clock, "
		      "more than auth_skew (300 s)");
	answer_free(&a);
	sign_auth(B.pk, B.sk, "POST", "/v1/push", b.p, b.len, now - 299000,
		  auth);
	a = request(app, "POST", "/v1/push", auth, b.p, b.len);
	check_ok(&a, 2, 0, 0, &B, 5);
	answer_free(&a);

	/* B's name, A's key; B's signature over another body or path */
	body_of(&B, 6, 6, &b);
	sign_auth(B.pk, A.sk, "POST", "/v1/push", b.p, b.len, now, auth);
	a = request(app, "POST", "/v1/push", auth, b.p, b.len);
	check_refused(&a, 401, "unauthorized", "signature does not verify");
	answer_free(&a);
	sign_auth(B.pk, B.sk, "POST", "/v1/push", b.p, b.len - 1, now, auth);
	a = request(app, "POST", "/v1/push", auth, b.p, b.len);
	check_refused(&a, 401, "unauthorized", "signature does not verify");
	answer_free(&a);
	sign_auth(B.pk, B.sk, "POST", "/v1/pull", b.p, b.len, now, auth);
	a = request(app, "POST", "/v1/push", auth, b.p, b.len);
	check_refused(&a, 401, "unauthorized", "signature does not verify");
	answer_free(&a);

	/* a feed the city never certified */
	sign_auth(U.pk, U.sk, "POST", "/v1/push", b.p, b.len, now, auth);
	a = request(app, "POST", "/v1/push", auth, b.p, b.len);
	check_refused(&a, 401, "unauthorized", "is unknown");
	check_refused(&a, 401, "unauthorized", U.hex);
	answer_free(&a);

	/* authenticated, but no such endpoint */
	sign_auth(B.pk, B.sk, "GET", "/v1/push", NULL, 0, now, auth);
	a = request(app, "GET", "/v1/push", auth, NULL, 0);
	check_refused(&a, 404, "not_found", "GET /v1/push");
	answer_free(&a);
	yzf_buf_free(&b);
}

/* A damaged head row fails that push alone, and is never overwritten;
 * records and quarantine cannot be changed or deleted. */
static void test_damage(struct syncd_app *app)
{
	struct syncd_stats *st = app->stats(app->ctx);
	uint64_t errors = atomic_load(&st->store_errors);
	struct yzf_buf b = { 0 };
	char sql[300], hid[65];
	struct answer a;
	snprintf(sql, sizeof sql, "UPDATE feeds SET head_id = zeroblob(32) "
		 "WHERE hex(feed) = upper('%s')", R.hex);
	db_exec(sql);
	a = push(app, &R, &b);
	check_refused(&a, 500, "internal", "the feed's head row (seq 3) "
		      "disagrees with its last record");
	answer_free(&a);
	CHECK_EQ_INT(atomic_load(&st->store_errors), errors + 1);
	CHECK_EQ_INT(app->healthy(app->ctx), 0);
	a = push(app, &B, &b);
	check_ok(&a, 0, 0, 0, &B, 5);
	answer_free(&a);
	sodium_bin2hex(hid, sizeof hid, R.id[3], 32);
	snprintf(sql, sizeof sql, "UPDATE feeds SET head_id = X'%s' WHERE "
		 "hex(feed) = upper('%s')", hid, R.hex);
	db_exec(sql);
	a = push(app, &R, &b);
	check_ok(&a, 0, 0, 0, &R, 3);
	answer_free(&a);

	char path[512];
	sqlite3 *db;
	snprintf(path, sizeof path, "%s/store.db", data_dir);
	CHECK_EQ_INT(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
		     SQLITE_OK);
	static const char *const refused[] = {
		"DELETE FROM records",
		"UPDATE records SET sig = zeroblob(64)",
		"DELETE FROM quarantine",
		"UPDATE quarantine SET reason = 'fine'",
		"DELETE FROM certs",
		"DELETE FROM revocations",
		"UPDATE feeds SET head_seq = 0",
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
		CHECK(sqlite3_exec(db, refused[i], NULL, NULL, NULL) !=
		      SQLITE_OK);
	sqlite3_close(db);
}

static void test_oversize(struct syncd_app *app)
{
	struct yzf_buf b = { 0 };
	struct answer a;
	/* max_push_records is 64: 65 records refused before any check,
	 * certificate lines do not count */
	for (int i = 0; i < 65; i++)
		yzf_buf_put(&b, B.line[6].p, B.line[6].len);
	a = push(app, &B, &b);
	check_refused(&a, 413, "too_large", "the push holds 65 records, more "
		      "than max_push_records (64)");
	answer_free(&a);
	yzf_buf_reset(&b);
	CHECK_EQ_INT(yzf_cert_sign_line(&B.cert, city_sk, &b), YZF_OK);
	yzf_buf_putc(&b, '\n');
	for (int s = 6; s < 6 + 64; s++)
		yzf_buf_put(&b, B.line[s].p, B.line[s].len);
	a = push(app, &B, &b);
	check_ok(&a, 64, 0, 0, &B, 69);
	answer_free(&a);
	yzf_buf_free(&b);
}

struct conc {
	struct syncd_app *app;
	struct feed *f;
	int fails;
};

static void *conc_main(void *arg)
{
	struct conc *c = arg;
	struct yzf_buf b = { 0 };
	for (int s = 1; s <= 100; s += 5) {
		body_of(c->f, s, s + 4, &b);
		struct answer a = push(c->app, c->f, &b);
		if (a.rc || a.status != 200 || jint(a.j, "stored") != 5)
			c->fails++;
		answer_free(&a);
	}
	yzf_buf_free(&b);
	return NULL;
}

/* 8 threads, 8 feeds, 20 batches each: everything stored, and batches
 * shared commits. */
static void test_concurrent(struct syncd_app *app)
{
	struct syncd_stats *st = app->stats(app->ctx);
	uint64_t groups = atomic_load(&st->commit_groups);
	uint64_t batches = atomic_load(&st->push_batches);
	uint64_t ingested = atomic_load(&st->records_ingested);
	pthread_t t[NCONC];
	struct conc c[NCONC];
	atomic_store(&pause_us, 2000);
	for (int i = 0; i < NCONC; i++) {
		c[i] = (struct conc){ .app = app, .f = &C[i] };
		CHECK_EQ_INT(pthread_create(&t[i], NULL, conc_main, &c[i]), 0);
	}
	for (int i = 0; i < NCONC; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ_INT(c[i].fails, 0);
	}
	atomic_store(&pause_us, 0);
	groups = atomic_load(&st->commit_groups) - groups;
	batches = atomic_load(&st->push_batches) - batches;
	CHECK_EQ_INT(batches, NCONC * 20);
	CHECK(groups < batches);
	CHECK(groups > 0);
	CHECK_EQ_INT(atomic_load(&st->records_ingested) - ingested,
		     NCONC * 100);
	printf("group commit: %llu batches in %llu commits\n",
	       (unsigned long long)batches, (unsigned long long)groups);
	struct yzf_buf b = { 0 };
	for (int i = 0; i < NCONC; i++) {
		struct answer a = push(app, &C[i], &b);
		check_ok(&a, 0, 0, 0, &C[i], 100);
		answer_free(&a);
	}
}

/* Refusals at open: a damaged roster line, another root. */
static void test_open_refusals(void)
{
	struct syncd_app app;
	struct syncd_config c = cfg;
	char msg[512];
	static char d2[300];
	snprintf(d2, sizeof d2, "%s/data2", dir);
	SET_STR(c.data_dir, d2);
	struct yzf_buf line = { 0 };
	/* a feed certificate signed by someone else */
	struct yzf_cert bad = U.cert;
	uint8_t osk[64], opk[32];
	crypto_sign_keypair(opk, osk);
	CHECK_EQ_INT(yzf_cert_sign_line(&bad, osk, &line), YZF_OK);
	yzf_buf_putc(&line, '\n');
	write_file("issued.ndjson", line.p, line.len, "ab");
	CHECK(syncd_app_open_with(&c, &hooks, &app, msg, sizeof msg) != 0);
	CHECK_HAS(msg, "issued.ndjson line 13: feed certificate: not signed by "
		  "the city issuing key");
	CHECK(app.ctx == NULL);
	syncd_app_close(&app);
	/* restore issued.ndjson: drop the last line */
	char path[512];
	snprintf(path, sizeof path, "%s/issued.ndjson", auth_dir);
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	write_file("issued.ndjson", buf, n - line.len, "wb");
	yzf_buf_free(&line);
	/* checkpoints would be signed by a key terminals do not know */
	char skhex[129];
	sodium_bin2hex(skhex, sizeof skhex, osk, 64);
	write_file("city.sk", skhex, 128, "wb");
	CHECK(syncd_app_open_with(&c, &hooks, &app, msg, sizeof msg) != 0);
	CHECK_HAS(msg, "city.sk: not the key of the city certificate in "
		  "trust.ndjson");
	syncd_app_close(&app);
	sodium_bin2hex(skhex, sizeof skhex, city_sk, 64);
	write_file("city.sk", skhex, 128, "wb");

	/* a damaged revocation stops the start too */
	write_file("revoked.ndjson", "{\"rev\":x}\n", 10, "ab");
	CHECK(syncd_app_open_with(&c, &hooks, &app, msg, sizeof msg) != 0);
	CHECK_HAS(msg, "revoked.ndjson line 2: revocation: ");
	snprintf(path, sizeof path, "%s/revoked.ndjson", auth_dir);
	f = fopen(path, "rb");
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	write_file("revoked.ndjson", buf, n - 10, "wb");

	/* the store was made under one root: another is refused */
	char td[300];
	snprintf(td, sizeof td, "%s/trust.ndjson", auth_dir);
	f = fopen(td, "rb");
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	struct yzf_cert r2 = root, c2 = city;
	uint8_t r2sk[64];
	struct yzf_buf t2 = { 0 };
	crypto_sign_keypair(r2.key, r2sk);
	memcpy(r2.issuer, r2.key, 32);
	randombytes_buf(r2.serial, 16);
	memcpy(c2.issuer, r2.key, 32);
	CHECK_EQ_INT(yzf_cert_sign_line(&r2, r2sk, &t2), YZF_OK);
	yzf_buf_putc(&t2, '\n');
	CHECK_EQ_INT(yzf_cert_sign_line(&c2, r2sk, &t2), YZF_OK);
	yzf_buf_putc(&t2, '\n');
	write_file("trust.ndjson", t2.p, t2.len, "wb");
	SET_STR(c.data_dir, data_dir);
	CHECK(syncd_app_open_with(&c, &hooks, &app, msg, sizeof msg) != 0);
	CHECK_HAS(msg, "another root");
	write_file("trust.ndjson", buf, n, "wb");
	yzf_buf_free(&t2);
	CHECK(syncd_app_open(&(struct syncd_config){ 0 }, &app) != 0);
}

int main(void)
{
	if (sodium_init() < 0 || !mkdtemp(dir))
		return 2;
	struct yzf_embedded src[2] = { { "push_response", NULL, 0 } };
	FILE *sf = fopen(PUSH_RESPONSE_SCHEMA, "rb");
	static char stext[8192];
	src[0].len = sf ? fread(stext, 1, sizeof stext - 1, sf) : 0;
	src[0].text = stext;
	if (sf)
		fclose(sf);
	char smsg[300] = "";
	CHECK_EQ_INT(yzf_schemas_create(src, &wire, smsg, sizeof smsg), YZF_OK);
	if (!wire) {
		fprintf(stderr, "%s: %s\n", PUSH_RESPONSE_SCHEMA, smsg);
		return check_done();
	}
	snprintf(auth_dir, sizeof auth_dir, "%s/authority", dir);
	snprintf(data_dir, sizeof data_dir, "%s/data", dir);
	mkdir(auth_dir, 0700);
	SET_STR(cfg.data_dir, data_dir);
	SET_STR(cfg.authority_dir, auth_dir);
	cfg.max_push_records = 64; /* auth_skew 0: the default, 300 s */
	make_authority();
	make_feed(&A, "44010020230001", true);
	make_feed(&B, "44010020230002", true);
	make_feed(&R, "44010020230003", true);
	make_feed(&U, "44010020230004", false);
	make_feed(&T, "44010020230005", true);
	for (int i = 0; i < NCONC; i++) {
		char no[32];
		snprintf(no, sizeof no, "4401002023010%d", i);
		make_feed(&C[i], no, i < 2);
	}
	make_chain(&A, 40, at_normal);
	make_chain(&B, 80, at_normal);
	make_chain(&R, 5, at_revoked);
	make_chain(&U, 2, at_normal);
	for (int i = 0; i < NCONC; i++)
		make_chain(&C[i], 100, at_normal);
	struct yzf_revocation rv = { .at_ms = BASE + 2 * HOUR, .tz = 480 };
	memcpy(rv.serial, R.cert.serial, 16);
	strcpy(rv.reason, "lost terminal");
	struct yzf_buf line = { 0 };
	CHECK_EQ_INT(yzf_revocation_sign_line(&rv, city_sk, &line), YZF_OK);
	yzf_buf_putc(&line, '\n');
	write_file("revoked.ndjson", line.p, line.len, "wb");
	yzf_buf_free(&line);

	struct syncd_app app;
	open_app(&app);
	if (!app.ctx)
		return check_done();
	CHECK_EQ_INT(app.healthy(app.ctx), 0);
	test_push(&app);
	test_forgery(&app);
	test_fork(&app);
	test_lines(&app);
	test_revoked(&app);
	test_times(&app);
	test_auth(&app);
	test_damage(&app);
	test_oversize(&app);
	syncd_app_close(&app);

	/* C[2..7] were issued after the first start: the roster is reloaded
	 * at open, the store keeps what it had */
	for (int i = 2; i < NCONC; i++) {
		struct yzf_buf l = { 0 };
		CHECK_EQ_INT(yzf_cert_sign_line(&C[i].cert, city_sk, &l),
			     YZF_OK);
		yzf_buf_putc(&l, '\n');
		write_file("issued.ndjson", l.p, l.len, "ab");
		yzf_buf_free(&l);
	}
	open_app(&app);
	if (!app.ctx)
		return check_done();
	/* restart keeps heads */
	struct yzf_buf b = { 0 };
	struct answer a = push(&app, &A, &b);
	check_ok(&a, 0, 0, 0, &A, 28);
	answer_free(&a);
	body_of(&B, 60, 69, &b);
	a = push(&app, &B, &b);
	check_ok(&a, 0, 10, 0, &B, 69);
	answer_free(&a);
	test_concurrent(&app);

	/* drain: what was acknowledged is durable, nothing new is taken */
	app.drain(app.ctx);
	body_of(&A, 29, 29, &b);
	a = push(&app, &A, &b);
	check_refused(&a, 503, "unavailable", "draining");
	answer_free(&a);
	syncd_app_close(&app);
	syncd_app_close(&app); /* twice is harmless */
	yzf_buf_free(&b);

	test_open_refusals();
	/* A 28, B 69, R 3, T 6, C 8 x 100: and each head row agrees */
	CHECK_EQ_INT(db_int("SELECT count(*) FROM records"), 906);
	CHECK_EQ_INT(db_int("SELECT sum(head_seq) FROM feeds"), 906);
	/* every stored record has one position in the city's log, the
	 * positions without a gap, also after concurrent commit groups and
	 * rolled-back jobs */
	CHECK_EQ_INT(db_int("SELECT count(*) FROM log JOIN records USING (feed, "
			    "seq)"), 906);
	CHECK_EQ_INT(db_int("SELECT count(DISTINCT idx) FROM log"), 906);
	CHECK_EQ_INT(db_int("SELECT max(idx) FROM log"), 905);

	struct feed *all[4 + NCONC] = { &A, &B, &R, &U };
	for (int i = 0; i < NCONC; i++)
		all[4 + i] = &C[i];
	for (int s = 0; s <= MAXREC; s++)
		for (int i = 0; i < 4 + NCONC; i++)
			yzf_buf_free(&all[i]->line[s]);
	yzf_schemas_destroy(wire);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done();
}

/* bench/log — what the city's transparency log adds to a push.
 *
 * In a fresh temporary directory, in one process: a city authority, a
 * sim-port terminal with one enrolled officer, and the daemon's store half
 * (syncd_app, no TLS or sockets: those only add to a push's time). Each
 * push sends BATCH records; the run measures
 *   1. a push's total time: the daemon's handling (parse, verify each
 *      record, commit with fsync, log positions, checkpoint, proofs) plus
 *      the terminal's applying of the answer (checks, proofs, ack);
 *   2. the log's share of it, each part measured alone on a tree of
 *      LOG_LEAVES records (a city's year, not the benchmark's few):
 *      a. Merkle append, per record (the daemon's writer, after commit);
 *      b. the answer's log part: signed checkpoint, consistency proof from
 *         the terminal's last size, multiproof of the batch;
 *      c. the terminal's checks: checkpoint signature, consistency proof,
 *         multiproof of the batch's leaves;
 *   3. the daemon's start: rebuilding the tree from the store's records
 *      (read, BLAKE2b id checked, leaf hashed), per record.
 * Goal (issue: trust): a + b + c under 5 % of the push. Timing never fails
 * the run; exit 1 only when something functional fails.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <cjson/cJSON.h>
#include <errno.h>
#include <ftw.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <yzf/yzf.h>

#include "mlog.h"
#include "store_app.h"
#include "yzf_port_sim.h"

#define BATCH 500
#define PUSHES 20
#define LOG_LEAVES 1000000
#define PIN "246810"

static char dir[] = "/tmp/yzf-bench-log.XXXXXX";
static char auth_dir[300], data_dir[300];
static uint8_t city_sk[64];

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int write_file(const char *name, const void *p, size_t n,
		      const char *mode)
{
	char path[400];
	snprintf(path, sizeof path, "%s/%s", auth_dir, name);
	FILE *f = fopen(path, mode);
	int ok = f && fwrite(p, 1, n, f) == n;
	if (f)
		fclose(f);
	return ok ? 0 : -1;
}

/* Authority files (trust.ndjson, city.sk, issued.ndjson) and a terminal
 * enrolled under them. */
static int setup(struct yzf *y, uint8_t feed[YZF_KEY_LEN], int64_t now)
{
	struct yzf_cert root = { .kind = YZF_CERT_ROOT, .tz = 480 }, city,
			fc = { .kind = YZF_CERT_FEED, .tz = 480,
			       .roles = YZF_ROLE_OFFICER };
	struct yzf_buf trust = { 0 }, req = { 0 }, bundle = { 0 }, line = { 0 };
	struct yzf_config cfg = { .terminal = "GZ-TH-0042", .kdf_ops = 1,
				  .kdf_mem = 8 << 20 };
	uint8_t root_sk[64], seal_sk[32];
	char skhex[129];
	int rc = -1;
	randombytes_buf(root.serial, sizeof root.serial);
	crypto_sign_keypair(root.key, root_sk);
	memcpy(root.issuer, root.key, 32);
	strcpy(root.name, "广东省人民政府");
	root.not_before = now - 86400000LL;
	root.not_after = now + 20 * 365 * 86400000LL;
	city = root;
	city.kind = YZF_CERT_CITY;
	randombytes_buf(city.serial, sizeof city.serial);
	crypto_sign_keypair(city.key, city_sk);
	crypto_box_keypair(city.seal, seal_sk);
	strcpy(city.name, "广州市司法局");
	strcpy(city.region, "440100");
	yzf_cert_sign_line(&root, root_sk, &trust);
	yzf_buf_putc(&trust, '\n');
	yzf_cert_sign_line(&city, root_sk, &trust);
	yzf_buf_putc(&trust, '\n');
	sodium_bin2hex(skhex, sizeof skhex, city_sk, 64);
	if (write_file("trust.ndjson", trust.p, trust.len, "wb") ||
	    write_file("city.sk", skhex, 128, "wb") ||
	    yzf_init(y, &cfg, trust.p, trust.len) ||
	    yzf_enroll_request(y, PIN, strlen(PIN), &req, feed) ||
	    yzf_request_parse(req.p, req.len, fc.key, fc.terminal, NULL))
		goto out;
	randombytes_buf(fc.serial, sizeof fc.serial);
	memcpy(fc.issuer, city.key, 32);
	strcpy(fc.name, "张伟");
	strcpy(fc.officer_no, "44010619001");
	strcpy(fc.agency, "广州市天河区市场监督管理局");
	strcpy(fc.uscc, "11440106MB2C492807");
	fc.not_before = root.not_before;
	fc.not_after = now + 365 * 86400000LL;
	yzf_cert_sign_line(&fc, city_sk, &line);
	yzf_buf_putc(&line, '\n');
	yzf_buf_put(&bundle, trust.p, trust.len);
	yzf_buf_put(&bundle, line.p, line.len);
	if (write_file("issued.ndjson", line.p, line.len, "wb") ||
	    yzf_enroll_complete(y, bundle.p, bundle.len, feed) ||
	    yzf_login(y, feed, PIN, strlen(PIN)))
		goto out;
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "log: setup: %s\n", yzf_errmsg(y));
	sodium_memzero(root_sk, sizeof root_sk);
	yzf_buf_free(&trust);
	yzf_buf_free(&req);
	yzf_buf_free(&bundle);
	yzf_buf_free(&line);
	return rc;
}

/* Pushes of BATCH records through the store half and back: seconds spent
 * by the daemon and by the terminal, summed over PUSHES. */
static int pushes(struct yzf *y, const uint8_t feed[32], struct syncd_app *app,
		  double *server, double *terminal)
{
	static const struct yzf_loc fix = { .fix = true, .src = "gnss",
					    .lat = 231291234, .lon = 1132644567,
					    .acc_cm = 350, .age_ms = 800 };
	struct yzf_append a[BATCH];
	struct yzf_buf body = { 0 };
	const char *text = "{\"item\":\"食品经营许可证 公示\",\"result\":"
			   "\"violation\",\"finding\":\"未在经营场所显著位置悬挂"
			   "许可证\"}";
	for (int i = 0; i < BATCH; i++)
		a[i] = (struct yzf_append){ .type = "inspection.item",
					    .case_id = "440106-2026-000817",
					    .body = text,
					    .body_len = strlen(text),
					    .loc = &fix };
	*server = *terminal = 0;
	for (int p = 0; p < PUSHES; p++) {
		char auth[YZF_AUTH_MAX], query[64];
		uint64_t from;
		size_t n;
		struct yzf_sync_result r;
		struct syncd_response resp = { 0 };
		yzf_buf_reset(&body);
		if (yzf_append(y, feed, a, BATCH, NULL) ||
		    yzf_sync_push_body(y, feed, BATCH, &body, &n) || n != BATCH ||
		    yzf_trust_log_size(y, &from) ||
		    yzf_sync_auth(y, feed, "POST", "/v1/push", body.p, body.len,
				  auth)) {
			fprintf(stderr, "log: push %d: %s\n", p, yzf_errmsg(y));
			return -1;
		}
		snprintf(query, sizeof query, "from=%llu",
			 (unsigned long long)from);
		struct syncd_request req = {
			.method = "POST", .path = "/v1/push", .query = query,
			.authorization = auth,
			.content_type = "application/x-ndjson", .body = body.p,
			.body_len = body.len, .peer = "127.0.0.1:1"
		};
		double t0 = now_s();
		int rc = app->handle(app->ctx, &req, &resp);
		double t1 = now_s();
		if (!rc)
			rc = yzf_sync_push_answer(y, feed, auth, resp.status,
						  resp.body.p, resp.body.len, &r);
		double t2 = now_s();
		if (rc || resp.status != 200 || r.acked != (int64_t)(p + 1) * BATCH) {
			fprintf(stderr, "log: push %d: HTTP %d: %s %.*s\n", p,
				resp.status, yzf_errmsg(y), (int)resp.body.len,
				(const char *)resp.body.p);
			yzf_buf_free(&resp.body);
			return -1;
		}
		yzf_buf_free(&resp.body);
		*server += t1 - t0;
		*terminal += t2 - t1;
	}
	yzf_buf_free(&body);
	return 0;
}

static size_t hashes(const cJSON *arr, uint8_t (*out)[32], size_t cap)
{
	size_t n = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, arr)
		if (n < cap)
			sodium_hex2bin(out[n++], 32, e->valuestring, 64, NULL, NULL,
				       NULL);
	return n;
}

/* The log's parts alone, on a tree of LOG_LEAVES: seconds per append,
 * per answer and per check of a BATCH at the end of the tree. */
static int log_parts(double *append, double *answer, double *check,
		     size_t *proof_hashes)
{
	sqlite3 *db;
	struct syncd_mlog *l;
	char msg[300];
	static uint8_t ids[BATCH][32], p[64 * BATCH][32], c2[65][32];
	struct yzf_buf oldline = { 0 };
	struct yzf_checkpoint c, old;
	struct yzf_canon_err e;
	static uint64_t idx[BATCH];
	static int64_t seq[BATCH];
	uint8_t id[32], pk[32];
	int reps = 200, rc = -1;
	crypto_sign_ed25519_sk_to_pk(pk, city_sk);
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, "CREATE TABLE log (idx INTEGER PRIMARY KEY, feed, "
			 "seq); CREATE TABLE records (feed, seq, bytes, sig, id)",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    syncd_mlog_open(db, auth_dir, &l, msg, sizeof msg)) {
		fprintf(stderr, "log: open: %s\n", msg);
		return -1;
	}
	double t0 = now_s();
	for (uint64_t i = 0; i < LOG_LEAVES; i++) {
		memcpy(id, &i, sizeof i);
		memset(id + 8, 0x5a, 24);
		if (i == LOG_LEAVES - BATCH) { /* what the terminal held */
			double t = now_s();
			if (syncd_mlog_checkpoint(l, 1764205200000LL, &oldline) ||
			    yzf_checkpoint_parse(oldline.p, oldline.len, pk, &old,
						 &e))
				goto out;
			t0 += now_s() - t;
		}
		if (syncd_mlog_append(l, id))
			goto out;
		if (i >= LOG_LEAVES - BATCH) {
			uint64_t k = i - (LOG_LEAVES - BATCH);
			idx[k] = i;
			seq[k] = (int64_t)k + 1;
			memcpy(ids[k], id, 32);
		}
	}
	*append = (now_s() - t0) / LOG_LEAVES;
	struct yzf_buf out = { 0 };
	uint8_t nonce[YZF_NONCE_LEN] = { 1 };
	t0 = now_s();
	for (int r = 0; r < reps; r++) {
		yzf_buf_reset(&out);
		yzf_buf_putc(&out, '{');
		if (syncd_mlog_answer(l, 1764205200000LL, nonce,
				     LOG_LEAVES - BATCH, seq, idx, BATCH, &out))
			goto out;
		yzf_buf_putc(&out, '}');
	}
	*answer = (now_s() - t0) / reps;
	cJSON *j = cJSON_ParseWithLengthOpts((const char *)out.p, out.len, NULL,
					     0);
	const cJSON *log = cJSON_GetObjectItemCaseSensitive(j, "log");
	const char *line = cJSON_GetObjectItemCaseSensitive(log,
							    "checkpoint")->valuestring;
	size_t np = hashes(cJSON_GetObjectItemCaseSensitive(log, "proof"), p,
			   64 * BATCH);
	size_t nc = hashes(cJSON_GetObjectItemCaseSensitive(log, "consistency"),
			   c2, 65);
	*proof_hashes = np + nc;
	t0 = now_s();
	int bad = 0;
	for (int r = 0; r < reps; r++) {
		uint8_t lv[BATCH][32];
		bad |= yzf_checkpoint_parse((const uint8_t *)line, strlen(line), pk,
					    &c, &e);
		for (int k = 0; k < BATCH; k++) /* the leaf hashes, from ids */
			yzf_merkle_leaf(ids[k], 32, lv[k]);
		bad |= yzf_merkle_verify_multi((const uint8_t(*)[32])lv, idx,
					       BATCH, c.size,
					       (const uint8_t(*)[32])p, np,
					       c.root);
		bad |= yzf_merkle_verify_consistency(old.size, c.size, old.root,
						     c.root,
						     (const uint8_t(*)[32])c2,
						     nc);
	}
	*check = (now_s() - t0) / reps;
	cJSON_Delete(j);
	yzf_buf_free(&out);
	if (bad) {
		fprintf(stderr, "log: the answer's proofs do not verify\n");
		goto out;
	}
	rc = 0;
out:
	yzf_buf_free(&oldline);
	syncd_mlog_close(l);
	sqlite3_close(db);
	return rc;
}

static int rm_entry(const char *p, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

int main(void)
{
	struct syncd_app app = { 0 };
	struct syncd_config cfg;
	struct yzf_port *port = NULL;
	struct yzf *y = NULL;
	uint8_t feed[32];
	char msg[300], home[300];
	int rc = 1;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (sodium_init() < 0 || !mkdtemp(dir))
		return 1;
	snprintf(auth_dir, sizeof auth_dir, "%s/city", dir);
	snprintf(data_dir, sizeof data_dir, "%s/srv", dir);
	snprintf(home, sizeof home, "%s/t", dir);
	struct yzf_sim_opts o = { .start_ms = now };
	if (mkdir(auth_dir, 0700) || mkdir(data_dir, 0700) ||
	    !(port = yzf_port_sim_create(home, &o)) ||
	    yzf_open(port, YZF_OPEN_CREATE, &y, msg, sizeof msg) ||
	    setup(y, feed, now))
		goto out;
	memset(&cfg, 0, sizeof cfg);
	cfg.max_push_records = 1000;
	cfg.auth_skew = 300;
	cfg.push_rate = 1000000; /* the benchmark is one feed, flat out */
	snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", data_dir);
	snprintf(cfg.authority_dir, sizeof cfg.authority_dir, "%s", auth_dir);
	if (syncd_app_open_with(&cfg, NULL, &app, msg, sizeof msg)) {
		fprintf(stderr, "log: daemon store: %s\n", msg);
		goto out;
	}
	double server, terminal, append, answer, check;
	size_t ph;
	if (pushes(y, feed, &app, &server, &terminal) ||
	    log_parts(&append, &answer, &check, &ph))
		goto out;
	/* the daemon's start: the tree rebuilt from the store's records */
	char store[400];
	struct yzf_buf ck = { 0 };
	snprintf(store, sizeof store, "%s/store.db", data_dir);
	double r0 = now_s();
	if (syncd_mlog_print(store, auth_dir, 0, now, &ck, msg, sizeof msg)) {
		fprintf(stderr, "log: rebuild: %s\n", msg);
		yzf_buf_free(&ck);
		goto out;
	}
	double rebuild = (now_s() - r0) / (PUSHES * BATCH);
	yzf_buf_free(&ck);
	double push = (server + terminal) / PUSHES;
	double part = append * BATCH + answer + check;
	printf("city log benchmark: pushes of %d records, %d pushes in-process "
	       "(no TLS), log parts on a tree of %d records\n", BATCH, PUSHES,
	       LOG_LEAVES);
	printf("%-52s %10.3f ms\n", "push total (daemon + terminal), per push",
	       push * 1e3);
	printf("%-52s %10.3f ms\n", "  daemon: verify, commit, log, proofs",
	       server / PUSHES * 1e3);
	printf("%-52s %10.3f ms\n", "  terminal: apply the answer", terminal /
	       PUSHES * 1e3);
	printf("%-52s %10.3f us  (x %d = %.3f ms)\n",
	       "a. Merkle append, per record", append * 1e6, BATCH,
	       append * BATCH * 1e3);
	printf("%-52s %10.3f ms\n", "b. answer: checkpoint, consistency, "
	       "multiproof", answer * 1e3);
	printf("%-52s %10.3f ms  (%zu proof hashes)\n",
	       "c. terminal: checkpoint, consistency, multiproof", check * 1e3,
	       ph);
	printf("%-52s %10.3f us  (%.1f s per million records)\n",
	       "daemon start: tree rebuilt from the store, per record",
	       rebuild * 1e6, rebuild * 1e6);
	printf("%-52s %10.2f %%   goal < 5 %%: %s\n", "log share of the push "
	       "(a + b + c)", 100 * part / push, part / push < 0.05 ? "met"
								 : "NOT met");
	rc = 0;
out:
	syncd_app_close(&app);
	yzf_close(y);
	yzf_port_sim_destroy(port);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}

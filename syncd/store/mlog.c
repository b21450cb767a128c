/* The city's transparency log in memory: the roots of the perfect
 * subtrees, level by level, and checkpoints signed with the city key. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yzf/merkle.h>
#include <yzf/record.h>

#include "mlog.h"
#include "store.h"

#define LEVELS 65

struct level {
	uint8_t (*h)[32];
	uint64_t n, cap;
};

struct syncd_mlog {
	pthread_rwlock_t lock;
	struct level lv[LEVELS]; /* lv[l].h[i]: MTH of leaves [i 2^l, (i+1) 2^l) */
	uint8_t *sk;             /* the city key, sodium_malloc'd */
};

static int push(struct level *v, const uint8_t h[32])
{
	if (v->n == v->cap) {
		uint64_t cap = v->cap ? v->cap * 2 : 1024;
		void *p = realloc(v->h, cap * 32);
		if (!p)
			return YZF_ENOMEM;
		v->h = p;
		v->cap = cap;
	}
	memcpy(v->h[v->n++], h, 32);
	return YZF_OK;
}

/* Add a leaf hash; each completed pair makes its parent one level up. */
static int add_leaf(struct syncd_mlog *l, const uint8_t leaf[32])
{
	uint8_t h[32];
	memcpy(h, leaf, 32);
	for (int k = 0; k < LEVELS - 1; k++) {
		if (push(&l->lv[k], h))
			return YZF_ENOMEM;
		uint64_t i = l->lv[k].n - 1;
		if (!(i & 1))
			break;
		yzf_merkle_node(l->lv[k].h[i - 1], l->lv[k].h[i], h);
	}
	return YZF_OK;
}

static uint64_t split(uint64_t n)
{
	uint64_t k = 1;
	while (k < n - k)
		k <<= 1;
	return k;
}

/* yzf_merkle_src: a perfect subtree is one lookup; a right edge is split
 * as RFC 9162 splits it. */
static void range_root(void *ctx, uint64_t lo, uint64_t n, uint8_t out[32])
{
	const struct syncd_mlog *l = ctx;
	if ((n & (n - 1)) == 0) {
		int k = __builtin_ctzll(n);
		memcpy(out, l->lv[k].h[lo >> k], 32);
		return;
	}
	uint8_t a[32], b[32];
	uint64_t s = split(n);
	range_root(ctx, lo, s, a);
	range_root(ctx, lo + s, n - s, b);
	yzf_merkle_node(a, b, out);
}

static void root_of(const struct syncd_mlog *l, uint64_t n, uint8_t out[32])
{
	if (n == 0)
		crypto_hash_sha256(out, (const uint8_t *)"", 0);
	else
		range_root((void *)l, 0, n, out);
}

static int load_key(struct syncd_mlog *l, const char *dir, char *msg,
		    size_t cap)
{
	char why[300];
	l->sk = syncd_city_sk(dir, why, sizeof why);
	if (!l->sk) {
		snprintf(msg, cap, "log: checkpoints are signed with the city "
			 "key: %s", why);
		return YZF_EIO;
	}
	return YZF_OK;
}

/* Every position in order, each with its record, each record's bytes
 * hashing to its id: anything else is a store changed behind the
 * daemon's back, and the daemon says where instead of proving it. */
static int rebuild(struct syncd_mlog *l, sqlite3 *db, char *msg, size_t cap)
{
	sqlite3_stmt *st;
	uint64_t want = 0;
	int rc = YZF_OK;
	if (sqlite3_prepare_v2(db, "SELECT l.idx, l.seq, hex(l.feed), r.bytes, "
			       "r.sig, r.id FROM log l LEFT JOIN records r ON "
			       "r.feed = l.feed AND r.seq = l.seq ORDER BY "
			       "l.idx", -1, &st, NULL) != SQLITE_OK) {
		snprintf(msg, cap, "log: %s", sqlite3_errmsg(db));
		return YZF_EIO;
	}
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		int64_t idx = sqlite3_column_int64(st, 0);
		int64_t seq = sqlite3_column_int64(st, 1);
		const char *feed = (const char *)sqlite3_column_text(st, 2);
		const uint8_t *b = sqlite3_column_blob(st, 3);
		int blen = sqlite3_column_bytes(st, 3);
		const uint8_t *sig = sqlite3_column_blob(st, 4);
		const uint8_t *id = sqlite3_column_blob(st, 5);
		uint8_t mine[YZF_ID_LEN], leaf[32];
		if (idx < 0 || (uint64_t)idx != want) {
			snprintf(msg, cap, "log: position %llu is missing (the "
				 "next is %lld): the store was changed outside "
				 "yzf-syncd", (unsigned long long)want,
				 (long long)idx);
			rc = YZF_ECORRUPT;
			break;
		}
		if (!b || !sig || sqlite3_column_bytes(st, 4) != YZF_SIG_LEN ||
		    !id || sqlite3_column_bytes(st, 5) != YZF_ID_LEN) {
			snprintf(msg, cap, "log: position %lld names feed %.16s… "
				 "seq %lld, which the store does not hold: the "
				 "store was changed outside yzf-syncd",
				 (long long)idx, feed, (long long)seq);
			rc = YZF_ECORRUPT;
			break;
		}
		yzf_record_id(b, (size_t)blen, sig, mine);
		if (memcmp(mine, id, YZF_ID_LEN) != 0) {
			snprintf(msg, cap, "log: position %lld: the bytes of feed "
				 "%.16s… seq %lld do not hash to its id: the "
				 "store was changed outside yzf-syncd",
				 (long long)idx, feed, (long long)seq);
			rc = YZF_ECORRUPT;
			break;
		}
		yzf_merkle_leaf(mine, YZF_ID_LEN, leaf);
		rc = add_leaf(l, leaf);
		want++;
	}
	sqlite3_finalize(st);
	if (rc == YZF_ENOMEM)
		snprintf(msg, cap, "log: out of memory at position %llu",
			 (unsigned long long)want);
	return rc;
}

int syncd_mlog_open(sqlite3 *db, const char *authority_dir,
		   struct syncd_mlog **out, char *msg, size_t cap)
{
	struct syncd_mlog *l = calloc(1, sizeof *l);
	*out = NULL;
	if (!l) {
		snprintf(msg, cap, "log: out of memory");
		return YZF_ENOMEM;
	}
	pthread_rwlock_init(&l->lock, NULL);
	int rc = load_key(l, authority_dir, msg, cap);
	if (!rc)
		rc = rebuild(l, db, msg, cap);
	if (rc) {
		syncd_mlog_close(l);
		return rc;
	}
	*out = l;
	return YZF_OK;
}

void syncd_mlog_close(struct syncd_mlog *l)
{
	if (!l)
		return;
	for (int k = 0; k < LEVELS; k++)
		free(l->lv[k].h);
	sodium_free(l->sk);
	pthread_rwlock_destroy(&l->lock);
	free(l);
}

int syncd_mlog_append(struct syncd_mlog *l, const uint8_t id[32])
{
	uint8_t leaf[32];
	yzf_merkle_leaf(id, 32, leaf);
	pthread_rwlock_wrlock(&l->lock);
	int rc = add_leaf(l, leaf);
	pthread_rwlock_unlock(&l->lock);
	return rc;
}

uint64_t syncd_mlog_size(struct syncd_mlog *l)
{
	pthread_rwlock_rdlock(&l->lock);
	uint64_t n = l->lv[0].n;
	pthread_rwlock_unlock(&l->lock);
	return n;
}

static void put_hashes(struct yzf_buf *out, const uint8_t (*h)[32], size_t n)
{
	char hex[65];
	yzf_buf_putc(out, '[');
	for (size_t i = 0; i < n; i++) {
		sodium_bin2hex(hex, sizeof hex, h[i], 32);
		yzf_buf_puts(out, i ? ",\"" : "\"");
		yzf_buf_puts(out, hex);
		yzf_buf_putc(out, '"');
	}
	yzf_buf_putc(out, ']');
}

/* The signed checkpoint of the first n leaves, appended as a JSON string
 * (quote) or as the bare line. */
static int checkpoint(struct syncd_mlog *l, uint64_t n, int64_t now_ms,
		      const uint8_t *req, bool quote, struct yzf_buf *out)
{
	struct yzf_checkpoint c = { .size = n, .at_ms = now_ms, .tz = 480 };
	struct yzf_buf line = { 0 };
	root_of(l, n, c.root);
	if (req) {
		c.has_req = true;
		memcpy(c.req, req, YZF_NONCE_LEN);
	}
	int rc = yzf_checkpoint_sign(&c, l->sk, &line);
	if (!rc && quote)
		rc = yzf_canon_put_str(out, (const char *)line.p, line.len);
	else if (!rc)
		yzf_buf_put(out, line.p, line.len);
	yzf_buf_free(&line);
	return rc;
}

int syncd_mlog_checkpoint(struct syncd_mlog *l, int64_t now_ms,
			 struct yzf_buf *out)
{
	pthread_rwlock_rdlock(&l->lock);
	int rc = checkpoint(l, l->lv[0].n, now_ms, NULL, false, out);
	pthread_rwlock_unlock(&l->lock);
	return rc;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The multiproof of the distinct positions among idx[0..k). */
static int multiproof(struct syncd_mlog *l, uint64_t n, const uint64_t *idx,
		      size_t k, struct yzf_buf *out)
{
	struct yzf_merkle_src src = { range_root, l };
	uint64_t *u = malloc(k * sizeof *u);
	uint8_t (*p)[32] = NULL;
	size_t m = 0, len = 0;
	int rc = YZF_ENOMEM;
	if (!u)
		return rc;
	memcpy(u, idx, k * sizeof *u);
	qsort(u, k, sizeof *u, cmp_u64);
	for (size_t i = 0; i < k; i++)
		if (i == 0 || u[i] != u[m - 1])
			u[m++] = u[i];
	rc = yzf_merkle_multi_proof(&src, n, u, m, NULL, 0, &len);
	if (rc == YZF_ERANGE || (rc == YZF_OK && len == 0)) {
		p = malloc((len ? len : 1) * 32);
		rc = p ? yzf_merkle_multi_proof(&src, n, u, m, p, len, &len)
		       : YZF_ENOMEM;
	}
	if (!rc)
		put_hashes(out, (const uint8_t(*)[32])p, len);
	free(p);
	free(u);
	return rc;
}

int syncd_mlog_answer(struct syncd_mlog *l, int64_t now_ms, const uint8_t *req,
		     uint64_t from, const int64_t *seq, const uint64_t *idx,
		     size_t k, struct yzf_buf *out)
{
	struct yzf_merkle_src src = { range_root, l };
	uint8_t p[YZF_MERKLE_MAX_PROOF][32];
	size_t len = 0;
	pthread_rwlock_rdlock(&l->lock);
	uint64_t n = l->lv[0].n;
	yzf_buf_puts(out, "\"log\":{\"checkpoint\":");
	int rc = checkpoint(l, n, now_ms, req, true, out);
	if (!rc && from > 0 && from <= n) {
		rc = yzf_merkle_src_consistency(&src, n, from, p,
						YZF_MERKLE_MAX_PROOF, &len);
		yzf_buf_puts(out, ",\"from\":");
		yzf_canon_put_int(out, (int64_t)from);
		yzf_buf_puts(out, ",\"consistency\":");
		put_hashes(out, (const uint8_t(*)[32])p, len);
	}
	if (!rc && k > 0) {
		yzf_buf_puts(out, ",\"entries\":[");
		for (size_t i = 0; i < k; i++) {
			yzf_buf_puts(out, i ? ",[" : "[");
			yzf_canon_put_int(out, seq[i]);
			yzf_buf_putc(out, ',');
			yzf_canon_put_int(out, (int64_t)idx[i]);
			yzf_buf_putc(out, ']');
		}
		yzf_buf_puts(out, "],\"proof\":");
		rc = multiproof(l, n, idx, k, out);
	}
	pthread_rwlock_unlock(&l->lock);
	yzf_buf_putc(out, '}');
	return rc ? rc : out->oom ? YZF_ENOMEM : YZF_OK;
}

int syncd_mlog_print(const char *store_path, const char *authority_dir,
		    uint64_t from, int64_t now_ms, struct yzf_buf *out,
		    char *msg, size_t cap)
{
	sqlite3 *db = NULL;
	struct syncd_mlog *l = NULL;
	int rc = YZF_OK;
	if (sqlite3_open_v2(store_path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		snprintf(msg, cap, "store %s: %s", store_path,
			 db ? sqlite3_errmsg(db) : "cannot open");
		rc = YZF_EIO;
	}
	if (!rc) {
		sqlite3_busy_timeout(db, 10000);
		rc = syncd_mlog_open(db, authority_dir, &l, msg, cap);
	}
	if (!rc && from == 0) {
		rc = syncd_mlog_checkpoint(l, now_ms, out);
	} else if (!rc && from > syncd_mlog_size(l)) {
		snprintf(msg, cap, "--from %llu: the log holds %llu records",
			 (unsigned long long)from,
			 (unsigned long long)syncd_mlog_size(l));
		rc = YZF_EINVAL;
	} else if (!rc) {
		yzf_buf_putc(out, '{');
		rc = syncd_mlog_answer(l, now_ms, NULL, from, NULL, NULL, 0, out);
		yzf_buf_putc(out, '}');
	}
	if (!rc && out->oom)
		rc = YZF_ENOMEM;
	syncd_mlog_close(l);
	sqlite3_close_v2(db);
	return rc;
}

/* The context: opening the store, migrations, port wrappers, the data key,
 * sessions, encryption at rest and the certificates the store holds. */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "util.h"

int yzf_fail(struct yzf *y, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(y->err, sizeof y->err, fmt, ap);
	va_end(ap);
	return code;
}

int yzf_fail_db(struct yzf *y, const char *what)
{
	int ec = sqlite3_errcode(y->db);
	int code = ec == SQLITE_NOMEM ? YZF_ENOMEM
		 : (ec == SQLITE_CORRUPT || ec == SQLITE_NOTADB) ? YZF_ECORRUPT
								 : YZF_EIO;
	return yzf_fail(y, code, "%s: %s", what, sqlite3_errmsg(y->db));
}

const char *yzf_errmsg(const struct yzf *y)
{
	return y ? y->err : "";
}

int yzf_now(struct yzf *y, int64_t *ms, int32_t *tz)
{
	int rc = y->port->clock_wall(y->port->ctx, ms, tz);
	return rc ? yzf_fail(y, YZF_EPORT, "port: wall clock failed") : YZF_OK;
}

int yzf_mono(struct yzf *y, int64_t *ms)
{
	int rc = y->port->clock_mono(y->port->ctx, ms);
	return rc ? yzf_fail(y, YZF_EPORT, "port: monotonic clock failed")
		  : YZF_OK;
}

int yzf_random(struct yzf *y, void *buf, size_t n)
{
	int rc = y->port->entropy(y->port->ctx, buf, n);
	return rc ? yzf_fail(y, YZF_EPORT, "port: entropy source failed")
		  : YZF_OK;
}

int yzf_secret(struct yzf *y, const char *name, uint8_t out[32], bool create)
{
	int rc = y->port->keystore_get(y->port->ctx, name, out, create);
	if (rc == YZF_ENOTFOUND)
		return yzf_fail(y, rc, "key store: secret %s does not exist "
				"(wiped or erased)", name);
	return rc ? yzf_fail(y, YZF_EPORT, "key store: reading %s failed", name)
		  : YZF_OK;
}

int yzf_secret_destroy(struct yzf *y, const char *name)
{
	int rc = y->port->keystore_destroy(y->port->ctx, name);
	return rc ? yzf_fail(y, YZF_EPORT, "key store: destroying %s failed",
			     name)
		  : YZF_OK;
}

int yzf_location(struct yzf *y, struct yzf_fix *out)
{
	yzf_fix_clear(out);
	/* a version 1 port's struct ends before the member */
	if (y->port->version < 2 || !y->port->location)
		return yzf_fail(y, YZF_ENOTFOUND, "port: no location device");
	int rc = y->port->location(y->port->ctx, out);
	if (rc == YZF_OK)
		return YZF_OK;
	yzf_fix_clear(out);
	if (rc == YZF_ENOTFOUND)
		return yzf_fail(y, rc, "location: no fix from the receiver yet");
	return yzf_fail(y, YZF_EPORT, "port: location device failed (%s)",
			yzf_strerror(rc));
}

void yzf_secret_name(const char *prefix, const uint8_t feed[YZF_KEY_LEN],
		     char out[32])
{
	char hex[17];
	yzf_hex(feed, 8, hex);
	snprintf(out, 32, "%s-%s", prefix, hex);
}

static int exec(struct yzf *y, const char *sql)
{
	if (sqlite3_exec(y->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return yzf_fail_db(y, sql);
	return YZF_OK;
}

/* Transaction statements stay prepared: an append is one of each. */
static int tx(struct yzf *y, int id, const char *sql)
{
	sqlite3_stmt *st = yzf_stmt(y, id, sql);
	if (!st)
		return YZF_EIO;
	int s = sqlite3_step(st);
	sqlite3_reset(st);
	return s == SQLITE_DONE ? YZF_OK : yzf_fail_db(y, sql);
}

int yzf_begin(struct yzf *y)
{
	return tx(y, ST_BEGIN, "BEGIN IMMEDIATE");
}

int yzf_commit(struct yzf *y)
{
	int rc = tx(y, ST_COMMIT, "COMMIT");
	if (rc)
		yzf_rollback(y);
	return rc;
}

void yzf_rollback(struct yzf *y)
{
	if (!sqlite3_get_autocommit(y->db))
		(void)tx(y, ST_ROLLBACK, "ROLLBACK");
}

sqlite3_stmt *yzf_stmt(struct yzf *y, int id, const char *sql)
{
	if (!y->st[id] &&
	    sqlite3_prepare_v3(y->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
			       &y->st[id], NULL) != SQLITE_OK) {
		yzf_fail_db(y, "prepare");
		return NULL;
	}
	sqlite3_reset(y->st[id]);
	sqlite3_clear_bindings(y->st[id]);
	return y->st[id];
}

int yzf_meta_get(struct yzf *y, const char *k, void *v, size_t *len)
{
	sqlite3_stmt *st;
	int rc = YZF_ENOTFOUND;
	if (sqlite3_prepare_v2(y->db, "SELECT v FROM meta WHERE k = ?", -1,
			       &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "meta");
	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		if (n > *len) {
			rc = yzf_fail(y, YZF_ECORRUPT, "meta %s: %zu bytes, "
				      "expected at most %zu", k, n, *len);
		} else {
			if (n)
				memcpy(v, sqlite3_column_blob(st, 0), n);
			*len = n;
			rc = YZF_OK;
		}
	} else if (s != SQLITE_DONE) {
		rc = yzf_fail_db(y, "meta");
	}
	sqlite3_finalize(st);
	return rc;
}

int yzf_meta_set(struct yzf *y, const char *k, const void *v, size_t len)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(y->db,
			       "INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "meta");
	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, v, (int)len, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? YZF_OK
						 : yzf_fail_db(y, "meta");
	sqlite3_finalize(st);
	return rc;
}

/* Migrations are embedded SQL files applied in order, each in its own
 * transaction with the user_version bump, so a crash leaves the store at
 * a whole version. */
static int migrate(struct yzf *y)
{
	sqlite3_stmt *st;
	int version = 0, rc = YZF_OK;
	if (sqlite3_prepare_v2(y->db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK)
		return yzf_fail_db(y, "open");
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	int n = 0;
	while (yzf_device_migrations[n].name)
		n++;
	if (version > n)
		return yzf_fail(y, YZF_ESTATE, "store schema version %d is newer "
				"than this build knows (%d)", version, n);
	for (int i = version; i < n && rc == YZF_OK; i++) {
		char bump[64];
		snprintf(bump, sizeof bump, "PRAGMA user_version = %d", i + 1);
		rc = yzf_begin(y);
		if (rc == YZF_OK)
			rc = exec(y, yzf_device_migrations[i].text);
		if (rc == YZF_OK)
			rc = exec(y, bump);
		if (rc == YZF_OK)
			rc = yzf_commit(y);
		else
			yzf_rollback(y);
	}
	return rc;
}

int yzf_open(const struct yzf_port *port, unsigned flags, struct yzf **out,
	     char *msg, size_t cap)
{
	*out = NULL;
	if (!port || port->version < 1 || !port->clock_wall ||
	    !port->clock_mono || !port->entropy || !port->keystore_get ||
	    !port->keystore_destroy || !port->path) {
		if (msg)
			snprintf(msg, cap, "port: missing required functions");
		return YZF_EINVAL;
	}
	if (sodium_init() < 0) {
		if (msg)
			snprintf(msg, cap, "libsodium failed to initialise");
		return YZF_ECRYPTO;
	}
	struct yzf *y = calloc(1, sizeof *y);
	if (!y)
		return YZF_ENOMEM;
	y->port = port;
	const char *path = port->path(port->ctx, YZF_PATH_STORE);
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
		     ((flags & YZF_OPEN_CREATE) ? SQLITE_OPEN_CREATE : 0);
	int rc = yzf_schemas_create(yzf_record_schemas, &y->schemas, y->err,
				    sizeof y->err);
	if (rc == YZF_OK && (!path || sqlite3_open_v2(path, &y->db, oflags,
						      NULL) != SQLITE_OK)) {
		rc = (flags & YZF_OPEN_CREATE) ? YZF_EIO : YZF_ENOTFOUND;
		yzf_fail(y, rc, "store %s: %s", path ? path : "(no path)",
			 y->db ? sqlite3_errmsg(y->db) : "cannot open");
	}
	/* WAL with synchronous=FULL: a commit is on stable storage before it
	 * returns (NORMAL may roll back a committed transaction on power
	 * loss). secure_delete so erased key slots do not linger in pages. */
	if (rc == YZF_OK) {
		sqlite3_busy_timeout(y->db, 10000);
		sqlite3_extended_result_codes(y->db, 1);
		rc = exec(y, "PRAGMA journal_mode = WAL; "
			     "PRAGMA synchronous = FULL; "
			     "PRAGMA secure_delete = ON; "
			     "PRAGMA foreign_keys = ON; "
			     "PRAGMA cell_size_check = ON");
	}
	if (rc == YZF_OK)
		rc = migrate(y);
	if (rc) {
		if (msg)
			snprintf(msg, cap, "%s", y->err);
		yzf_close(y);
		return rc;
	}
	*out = y;
	return YZF_OK;
}

static void drop_keys(struct yzf *y)
{
	sodium_free(y->dk);
	y->dk = NULL;
	for (int i = 0; i < YZF_MAX_OFFICERS; i++) {
		sodium_free(y->sess[i].sk);
		memset(&y->sess[i], 0, sizeof y->sess[i]);
	}
}

void yzf_close(struct yzf *y)
{
	if (!y)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(y->st[i]);
	if (y->db)
		sqlite3_close_v2(y->db);
	yzf_schemas_destroy(y->schemas);
	drop_keys(y);
	yzf_buf_free(&y->body);
	yzf_buf_free(&y->env);
	yzf_buf_free(&y->ct);
	sodium_memzero(y, sizeof *y);
	free(y);
}

static void dk_check_value(const uint8_t dk[YZF_DK_LEN], uint8_t out[32])
{
	static const char label[] = "yzf-dk-check-v1";
	crypto_generichash(out, 32, (const uint8_t *)label, sizeof label - 1,
			   dk, YZF_DK_LEN);
}

int yzf_set_dk(struct yzf *y, const uint8_t dk[YZF_DK_LEN])
{
	uint8_t want[32], got[32];
	size_t n = sizeof want;
	int rc = yzf_meta_get(y, "dk_check", want, &n);
	if (rc)
		return rc == YZF_ENOTFOUND
			       ? yzf_fail(y, YZF_ESTATE, "store has no data key yet")
			       : rc;
	dk_check_value(dk, got);
	if (n != 32 || sodium_memcmp(want, got, 32) != 0)
		return yzf_fail(y, YZF_ECRYPTO, "data key does not match this "
				"store's check value");
	if (!y->dk) {
		y->dk = sodium_malloc(2 * YZF_DK_LEN);
		if (!y->dk)
			return yzf_fail(y, YZF_ENOMEM, "sodium_malloc failed");
	}
	memcpy(y->dk, dk, YZF_DK_LEN);
	crypto_kdf_derive_from_key(YZF_HEADKEY(y), 32, 1, "yzf-head", dk);
	return YZF_OK;
}

void yzf_head_mac(struct yzf *y, const uint8_t feed[YZF_KEY_LEN], int64_t seq,
		  const uint8_t id[YZF_ID_LEN], uint8_t mac[32])
{
	crypto_generichash_state st;
	uint8_t s[8];
	for (int i = 0; i < 8; i++)
		s[i] = (uint8_t)((uint64_t)seq >> (56 - 8 * i));
	crypto_generichash_init(&st, YZF_HEADKEY(y), 32, 32);
	crypto_generichash_update(&st, feed, YZF_KEY_LEN);
	crypto_generichash_update(&st, s, sizeof s);
	crypto_generichash_update(&st, id, YZF_ID_LEN);
	crypto_generichash_final(&st, mac, 32);
}

#define AD_REC "yzf-rec-v1"

int yzf_seal_record(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		    const uint8_t *pt, size_t n, struct yzf_buf *out)
{
	uint8_t ad[sizeof AD_REC - 1 + YZF_KEY_LEN];
	size_t need = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + n +
		      crypto_aead_xchacha20poly1305_ietf_ABYTES;
	yzf_buf_reset(out);
	if (out->cap < need) {
		uint8_t *p = realloc(out->p, need);
		if (!p)
			return yzf_fail(y, YZF_ENOMEM, "out of memory");
		out->p = p;
		out->cap = need;
	}
	int rc = yzf_random(y, out->p, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	if (rc)
		return rc;
	memcpy(ad, AD_REC, sizeof AD_REC - 1);
	memcpy(ad + sizeof AD_REC - 1, feed, YZF_KEY_LEN);
	unsigned long long clen;
	crypto_aead_xchacha20poly1305_ietf_encrypt(
		out->p + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen, pt,
		n, ad, sizeof ad, NULL, out->p, y->dk);
	out->len = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + (size_t)clen;
	return YZF_OK;
}

int yzf_open_record(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		    const uint8_t *nonce, size_t nlen, const uint8_t *ct,
		    size_t clen, struct yzf_buf *out)
{
	uint8_t ad[sizeof AD_REC - 1 + YZF_KEY_LEN];
	yzf_buf_reset(out);
	if (nlen != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
	    clen < crypto_aead_xchacha20poly1305_ietf_ABYTES ||
	    clen > YZF_MAX_RECORD_BYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES)
		return YZF_ECRYPTO;
	if (out->cap < clen) {
		uint8_t *p = realloc(out->p, clen);
		if (!p)
			return yzf_fail(y, YZF_ENOMEM, "out of memory");
		out->p = p;
		out->cap = clen;
	}
	memcpy(ad, AD_REC, sizeof AD_REC - 1);
	memcpy(ad + sizeof AD_REC - 1, feed, YZF_KEY_LEN);
	unsigned long long n;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(out->p, &n, NULL, ct,
						       clen, ad, sizeof ad,
						       nonce, y->dk) != 0)
		return YZF_ECRYPTO;
	out->len = (size_t)n;
	return YZF_OK;
}

/* --- sessions ----------------------------------------------------------- */

#define AD_SESS "yzf-sess-v1"

static int sess_slot(struct yzf *y, const uint8_t feed[YZF_KEY_LEN])
{
	int free_i = -1;
	for (int i = 0; i < YZF_MAX_OFFICERS; i++) {
		if (y->sess[i].used &&
		    memcmp(y->sess[i].feed, feed, YZF_KEY_LEN) == 0)
			return i;
		if (!y->sess[i].used && free_i < 0)
			free_i = i;
	}
	return free_i;
}

/* Unwrap a session row into the cache: the feed key and the data key. */
static int load_session(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			int64_t expires, const uint8_t *nonce, size_t nlen,
			const uint8_t *ct, size_t clen)
{
	uint8_t key[32], ad[sizeof AD_SESS - 1 + YZF_KEY_LEN + 8];
	char name[32];
	int rc, i = sess_slot(y, feed);
	uint8_t *pt = sodium_malloc(64 + YZF_DK_LEN);
	if (!pt)
		return yzf_fail(y, YZF_ENOMEM, "sodium_malloc failed");
	yzf_secret_name("sess", feed, name);
	rc = yzf_secret(y, name, key, false);
	if (rc)
		goto out;
	memcpy(ad, AD_SESS, sizeof AD_SESS - 1);
	memcpy(ad + sizeof AD_SESS - 1, feed, YZF_KEY_LEN);
	for (int b = 0; b < 8; b++)
		ad[sizeof AD_SESS - 1 + YZF_KEY_LEN + b] =
			(uint8_t)((uint64_t)expires >> (56 - 8 * b));
	if (nlen != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
	    clen != 64 + YZF_DK_LEN + crypto_aead_xchacha20poly1305_ietf_ABYTES ||
	    crypto_aead_xchacha20poly1305_ietf_decrypt(pt, NULL, NULL, ct, clen,
						       ad, sizeof ad, nonce,
						       key) != 0) {
		rc = yzf_fail(y, YZF_ENOSESSION, "session of feed %s does not "
			      "open: log in again", name + 5);
		goto out;
	}
	rc = yzf_set_dk(y, pt + 64);
	if (rc || i < 0)
		goto out;
	if (!y->sess[i].sk && !(y->sess[i].sk = sodium_malloc(64))) {
		rc = yzf_fail(y, YZF_ENOMEM, "sodium_malloc failed");
		goto out;
	}
	y->sess[i].used = true;
	memcpy(y->sess[i].feed, feed, YZF_KEY_LEN);
	memcpy(y->sess[i].sk, pt, 64);
out:
	sodium_memzero(key, sizeof key);
	sodium_free(pt);
	return rc;
}

/* Wrap sk||dk for a new session under a fresh port secret. nonce gets 24
 * bytes, ct 64 + 32 + 16. */
int yzf_session_wrap(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		     int64_t expires, const uint8_t *keys, uint8_t *nonce,
		     uint8_t *ct)
{
	uint8_t key[32], ad[sizeof AD_SESS - 1 + YZF_KEY_LEN + 8];
	char name[32];
	yzf_secret_name("sess", feed, name);
	int rc = yzf_secret_destroy(y, name);
	if (rc == YZF_OK)
		rc = yzf_secret(y, name, key, true);
	if (rc == YZF_OK)
		rc = yzf_random(y, nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	if (rc == YZF_OK) {
		memcpy(ad, AD_SESS, sizeof AD_SESS - 1);
		memcpy(ad + sizeof AD_SESS - 1, feed, YZF_KEY_LEN);
		for (int b = 0; b < 8; b++)
			ad[sizeof AD_SESS - 1 + YZF_KEY_LEN + b] =
				(uint8_t)((uint64_t)expires >> (56 - 8 * b));
		crypto_aead_xchacha20poly1305_ietf_encrypt(
			ct, NULL, keys, 64 + YZF_DK_LEN, ad, sizeof ad, NULL,
			nonce, key);
	}
	sodium_memzero(key, sizeof key);
	return rc;
}

/* Find live session rows (for one feed, or any when feed is NULL) and load
 * the first that opens. Expired ones are ended on the way. */
static int find_session(struct yzf *y, const uint8_t *feed)
{
	sqlite3_stmt *st;
	int64_t now;
	int32_t tz;
	int rc = yzf_now(y, &now, &tz);
	if (rc)
		return rc;
	const char *sql = feed ? "SELECT feed, expires, nonce, wrapped FROM "
				 "sessions WHERE feed = ?"
			       : "SELECT feed, expires, nonce, wrapped FROM "
				 "sessions ORDER BY expires DESC";
	if (sqlite3_prepare_v2(y->db, sql, -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "sessions");
	if (feed)
		sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
	rc = yzf_fail(y, YZF_ENOSESSION, "no officer is logged in%s",
		      feed ? " for this feed" : "");
	bool expired = false;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != YZF_KEY_LEN)
			continue;
		const uint8_t *f = sqlite3_column_blob(st, 0);
		int64_t exp = sqlite3_column_int64(st, 1);
		if (exp <= now) {
			expired = true;
			continue;
		}
		rc = load_session(y, f, exp, sqlite3_column_blob(st, 2),
				  (size_t)sqlite3_column_bytes(st, 2),
				  sqlite3_column_blob(st, 3),
				  (size_t)sqlite3_column_bytes(st, 3));
		if (rc == YZF_OK)
			break;
	}
	sqlite3_finalize(st);
	if (rc == YZF_ENOSESSION && expired)
		yzf_fail(y, rc, "the session has expired: log in again");
	return rc;
}

int yzf_need_dk(struct yzf *y)
{
	return y->dk ? YZF_OK : find_session(y, NULL);
}

int yzf_session(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		struct yzf_sess **s)
{
	int i = sess_slot(y, feed);
	if (i < 0 || !y->sess[i].used) {
		int rc = find_session(y, feed);
		if (rc)
			return rc;
		i = sess_slot(y, feed);
		if (i < 0 || !y->sess[i].used)
			return yzf_fail(y, YZF_ENOSESSION, "too many sessions");
	}
	*s = &y->sess[i];
	return YZF_OK;
}

int yzf_session_sk(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		   const uint8_t **sk)
{
	struct yzf_sess *s;
	int rc = yzf_session(y, feed, &s);
	if (rc == YZF_OK)
		*sk = s->sk;
	return rc;
}

void yzf_session_forget(struct yzf *y, const uint8_t *feed)
{
	for (int i = 0; i < YZF_MAX_OFFICERS; i++)
		if (y->sess[i].used && (!feed || memcmp(y->sess[i].feed, feed,
							YZF_KEY_LEN) == 0)) {
			sodium_free(y->sess[i].sk);
			memset(&y->sess[i], 0, sizeof y->sess[i]);
		}
	if (!feed) {
		sodium_free(y->dk);
		y->dk = NULL;
	}
}

/* --- certificates held ---------------------------------------------------- */

int yzf_cert_load(struct yzf *y, const char *where, const void *key,
		  size_t klen, struct yzf_buf *line, struct yzf_signed_cert *sc)
{
	sqlite3_stmt *st;
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT line FROM certs WHERE %s = ?", where);
	if (sqlite3_prepare_v2(y->db, sql, -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "certs");
	sqlite3_bind_blob(st, 1, key, (int)klen, SQLITE_STATIC);
	int rc = yzf_fail(y, YZF_ENOTFOUND, "certificate not held");
	if (sqlite3_step(st) == SQLITE_ROW) {
		yzf_buf_reset(line);
		yzf_buf_put(line, sqlite3_column_blob(st, 0),
			    (size_t)sqlite3_column_bytes(st, 0));
		struct yzf_canon_err e;
		rc = line->oom ? YZF_ENOMEM
			       : yzf_cert_unline(line->p, line->len, sc, &e);
		if (rc == YZF_ENONCANON)
			rc = yzf_fail(y, YZF_ECORRUPT, "stored certificate "
				      "damaged at byte %zu: %s", e.off, e.why);
	}
	sqlite3_finalize(st);
	return rc;
}

int yzf_feed_cert(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		  struct yzf_buf *line, struct yzf_signed_cert *sc)
{
	sqlite3_stmt *st;
	uint8_t serial[YZF_SERIAL_LEN];
	if (sqlite3_prepare_v2(y->db, "SELECT cert_serial FROM feeds WHERE feed = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "feeds");
	sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
	int rc = yzf_fail(y, YZF_ENOTFOUND, "feed not held by this store");
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_bytes(st, 0) == YZF_SERIAL_LEN) {
		memcpy(serial, sqlite3_column_blob(st, 0), YZF_SERIAL_LEN);
		rc = YZF_OK;
	}
	sqlite3_finalize(st);
	if (rc == YZF_OK)
		rc = yzf_cert_load(y, "serial", serial, YZF_SERIAL_LEN, line, sc);
	if (rc == YZF_OK && memcmp(sc->c.key, feed, YZF_KEY_LEN) != 0)
		rc = yzf_fail(y, YZF_ECORRUPT, "feed's certificate names "
			      "another key");
	return rc;
}

int yzf_pinned(struct yzf *y, int kind, struct yzf_buf *line,
	       struct yzf_signed_cert *sc)
{
	uint8_t serial[YZF_SERIAL_LEN];
	size_t n = sizeof serial;
	int rc = yzf_meta_get(y, kind == YZF_CERT_ROOT ? "root" : "city", serial,
			      &n);
	if (rc == YZF_ENOTFOUND)
		return yzf_fail(y, YZF_ESTATE, "terminal not initialised: run "
				"yzf init with the trust bundle");
	if (rc == YZF_OK)
		rc = yzf_cert_load(y, "serial", serial, n, line, sc);
	return rc;
}

int yzf_city_pk(struct yzf *y, uint8_t pk[YZF_KEY_LEN])
{
	struct yzf_buf line = { 0 };
	struct yzf_signed_cert city;
	int rc = yzf_pinned(y, YZF_CERT_CITY, &line, &city);
	if (!rc)
		memcpy(pk, city.c.key, YZF_KEY_LEN);
	yzf_buf_free(&line);
	return rc;
}

int yzf_cert_save(struct yzf *y, const struct yzf_signed_cert *sc,
		  const uint8_t *line, size_t len)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(y->db, "INSERT OR IGNORE INTO certs (serial, kind, "
			       "key, line) VALUES (?, ?, ?, ?)", -1, &st,
			       NULL) != SQLITE_OK)
		return yzf_fail_db(y, "certs");
	sqlite3_bind_blob(st, 1, sc->c.serial, YZF_SERIAL_LEN, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, yzf_cert_kind_name(sc->c.kind), -1,
			  SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, sc->c.key, YZF_KEY_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, line, (int)len, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? YZF_OK
						 : yzf_fail_db(y, "certs");
	sqlite3_finalize(st);
	return rc;
}

int yzf_revoked_at(struct yzf *y, const uint8_t serial[YZF_SERIAL_LEN],
		   int64_t *at, char *reason)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(y->db, "SELECT at, reason FROM revocations WHERE "
			       "serial = ? ORDER BY at LIMIT 1", -1, &st,
			       NULL) != SQLITE_OK)
		return yzf_fail_db(y, "revocations");
	sqlite3_bind_blob(st, 1, serial, YZF_SERIAL_LEN, SQLITE_STATIC);
	int rc = YZF_ENOTFOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*at = sqlite3_column_int64(st, 0);
		rc = YZF_OK;
		if (reason)
			snprintf(reason, 201, "%s",
				 (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	return rc;
}

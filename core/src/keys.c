/* Terminal initialisation, enrollment, PINs, sessions and wipe.
 *
 * Every secret passes through sodium_malloc'd memory or stack buffers wiped
 * on the single exit path of each function. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sign.h"
#include "util.h"

#define REQ_DOMAIN "yzf-req-v1"
#define AD_SLOT "yzf-slot-v1"
#define KEYS_LEN (64 + YZF_DK_LEN) /* feed secret key || data key */
#define WRAP_LEN (KEYS_LEN + crypto_aead_xchacha20poly1305_ietf_ABYTES)
#define NONCE_LEN crypto_aead_xchacha20poly1305_ietf_NPUBBYTES

static int meta_int(struct yzf *y, const char *k, int64_t *v)
{
	char s[24];
	size_t n = sizeof s - 1;
	int rc = yzf_meta_get(y, k, s, &n);
	if (rc)
		return rc;
	s[n] = 0;
	*v = strtoll(s, NULL, 10);
	return YZF_OK;
}

static int meta_set_int(struct yzf *y, const char *k, int64_t v)
{
	char s[24];
	int n = snprintf(s, sizeof s, "%lld", (long long)v);
	return yzf_meta_set(y, k, s, (size_t)n);
}

int yzf_config_get(struct yzf *y, struct yzf_config *cfg)
{
	int64_t v;
	size_t n = sizeof cfg->terminal - 1;
	memset(cfg, 0, sizeof *cfg);
	int rc = yzf_meta_get(y, "terminal", cfg->terminal, &n);
	if (rc == YZF_ENOTFOUND)
		return yzf_fail(y, YZF_ESTATE, "terminal not initialised: run "
				"yzf init");
	if (rc)
		return rc;
	cfg->terminal[n] = 0;
	if ((rc = meta_int(y, "max_pin_failures", &v)))
		return rc;
	cfg->max_pin_failures = (uint32_t)v;
	if ((rc = meta_int(y, "kdf_ops", &v)))
		return rc;
	cfg->kdf_ops = (uint64_t)v;
	if ((rc = meta_int(y, "kdf_mem", &v)))
		return rc;
	cfg->kdf_mem = (uint64_t)v;
	if ((rc = meta_int(y, "session_ttl_ms", &v)))
		return rc;
	cfg->session_ttl_ms = v;
	return YZF_OK;
}

/* Split a bundle into certificate lines; lines point into data. */
static int bundle_parse(struct yzf *y, const uint8_t *data, size_t len,
			struct yzf_signed_cert *out, size_t cap, size_t *n)
{
	size_t start = 0, lineno = 0;
	*n = 0;
	while (start < len) {
		size_t end = start;
		while (end < len && data[end] != '\n')
			end++;
		lineno++;
		if (end > start) {
			struct yzf_canon_err e;
			if (*n == cap)
				return yzf_fail(y, YZF_EINVAL, "bundle: more than "
						"%zu certificates", cap);
			if (yzf_cert_unline(data + start, end - start, &out[*n],
					    &e))
				return yzf_fail(y, YZF_EINVAL, "bundle line %zu: "
						"%s (byte %zu)", lineno, e.why,
						e.off);
			(*n)++;
		}
		start = end + 1;
	}
	return YZF_OK;
}

static const struct yzf_signed_cert *find_kind(const struct yzf_signed_cert *c,
					       size_t n, int kind)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].c.kind == kind)
			return &c[i];
	return NULL;
}

int yzf_init(struct yzf *y, const struct yzf_config *cfg, const uint8_t *trust,
	     size_t len)
{
	struct yzf_signed_cert certs[4];
	size_t n;
	char msg[200];
	struct yzf_config old;
	if (yzf_config_get(y, &old) == YZF_OK)
		return yzf_fail(y, YZF_EEXIST, "terminal %s is already "
				"initialised", old.terminal);
	if (!cfg->terminal[0] || strlen(cfg->terminal) > 64 ||
	    strspn(cfg->terminal, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs"
				  "tuvwxyz0123456789._-") != strlen(cfg->terminal))
		return yzf_fail(y, YZF_EINVAL, "terminal: 1 to 64 of "
				"[A-Za-z0-9._-]");
	int rc = bundle_parse(y, trust, len, certs, 4, &n);
	if (rc)
		return rc;
	const struct yzf_signed_cert *root = find_kind(certs, n, YZF_CERT_ROOT),
				     *city = find_kind(certs, n, YZF_CERT_CITY);
	if (!root || !city)
		return yzf_fail(y, YZF_EINVAL, "trust bundle: needs the root and "
				"the city certificate");
	if (yzf_cert_chain_ok(root, city, NULL, msg, sizeof msg))
		return yzf_fail(y, YZF_ECERT, "trust bundle: %s", msg);
	uint64_t ops = cfg->kdf_ops ? cfg->kdf_ops
				    : crypto_pwhash_OPSLIMIT_INTERACTIVE;
	uint64_t mem = cfg->kdf_mem ? cfg->kdf_mem
				    : crypto_pwhash_MEMLIMIT_INTERACTIVE;
	if (ops < crypto_pwhash_OPSLIMIT_MIN || mem < 1024 * 1024 ||
	    mem > crypto_pwhash_MEMLIMIT_MAX)
		return yzf_fail(y, YZF_EINVAL, "kdf: opslimit >= %llu, memlimit "
				">= 1 MiB", (unsigned long long)
				crypto_pwhash_OPSLIMIT_MIN);
	rc = yzf_begin(y);
	if (rc)
		return rc;
	rc = yzf_meta_set(y, "terminal", cfg->terminal, strlen(cfg->terminal));
	if (!rc)
		rc = meta_set_int(y, "max_pin_failures",
				  cfg->max_pin_failures ? cfg->max_pin_failures
							: YZF_DEFAULT_MAX_PIN_FAILURES);
	if (!rc)
		rc = meta_set_int(y, "kdf_ops", (int64_t)ops);
	if (!rc)
		rc = meta_set_int(y, "kdf_mem", (int64_t)mem);
	if (!rc)
		rc = meta_set_int(y, "session_ttl_ms",
				  cfg->session_ttl_ms > 0 ? cfg->session_ttl_ms
							  : YZF_DEFAULT_SESSION_TTL_MS);
	if (!rc)
		rc = yzf_cert_save(y, root, root->bytes - 8,
				   root->len + 8 + 8 + 128 + 2);
	if (!rc)
		rc = yzf_cert_save(y, city, city->bytes - 8,
				   city->len + 8 + 8 + 128 + 2);
	if (!rc)
		rc = yzf_meta_set(y, "root", root->c.serial, YZF_SERIAL_LEN);
	if (!rc)
		rc = yzf_meta_set(y, "city", city->c.serial, YZF_SERIAL_LEN);
	if (!rc)
		return yzf_commit(y);
	yzf_rollback(y);
	return rc;
}

/* Length of a whole certificate line given its parsed view. */
static size_t line_len(const struct yzf_signed_cert *sc)
{
	return 8 + sc->len + 8 + 2 * YZF_SIG_LEN + 2;
}

/* KEK = BLAKE2b-256(key = port secret, "yzf-kek-v1" || Argon2id(PIN)). */
static int derive_kek(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		      const char *pin, size_t pinlen, const uint8_t *salt,
		      uint64_t ops, uint64_t mem, bool create, uint8_t kek[32])
{
	uint8_t secret[32], stretched[32 + 10];
	char name[32];
	yzf_secret_name("slot", feed, name);
	int rc = yzf_secret(y, name, secret, create);
	if (rc)
		goto out;
	memcpy(stretched, "yzf-kek-v1", 10);
	if (crypto_pwhash(stretched + 10, 32, pin, pinlen, salt, ops,
			  (size_t)mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		rc = yzf_fail(y, YZF_ENOMEM, "Argon2id: not enough memory for "
			      "memlimit %llu", (unsigned long long)mem);
		goto out;
	}
	crypto_generichash(kek, 32, stretched, sizeof stretched, secret, 32);
out:
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(stretched, sizeof stretched);
	return rc;
}

static bool pin_ok(const char *pin, size_t n)
{
	if (n < 6 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)pin[i] < 0x20)
			return false;
	return true;
}

int yzf_enroll_request(struct yzf *y, const char *pin, size_t pinlen,
		       struct yzf_buf *req, uint8_t feed[YZF_KEY_LEN])
{
	struct yzf_config cfg;
	struct yzf_buf cl = { 0 }, body = { 0 }, line = { 0 };
	struct yzf_signed_cert city;
	uint8_t *keys = sodium_malloc(KEYS_LEN);
	uint8_t seed[32], salt[crypto_pwhash_SALTBYTES], nonce[NONCE_LEN],
		wrapped[WRAP_LEN], kek[32], ad[sizeof AD_SLOT - 1 + YZF_KEY_LEN];
	uint8_t sealed[YZF_DK_LEN + crypto_box_SEALBYTES], check[32];
	bool first = false;
	int64_t now;
	int32_t tz;
	int rc = keys ? yzf_config_get(y, &cfg)
		      : yzf_fail(y, YZF_ENOMEM, "sodium_malloc failed");
	if (rc)
		goto out;
	if (!pin_ok(pin, pinlen)) {
		rc = yzf_fail(y, YZF_EINVAL, "PIN: 6 to 64 characters");
		goto out;
	}
	rc = yzf_pinned(y, YZF_CERT_CITY, &cl, &city);
	if (rc)
		goto out;
	/* The data key: made by the first enrollment and sealed to the city,
	 * otherwise taken from a logged-in officer's session. */
	size_t n = sizeof sealed;
	rc = yzf_meta_get(y, "dk_sealed", sealed, &n);
	if (rc == YZF_ENOTFOUND) {
		first = true;
		rc = yzf_random(y, keys + 64, YZF_DK_LEN);
	} else if (rc == YZF_OK) {
		rc = yzf_need_dk(y);
		if (rc == YZF_ENOSESSION)
			rc = yzf_fail(y, rc, "another officer is enrolled on this "
				      "terminal: enroll while one of them is "
				      "logged in (the store's data key opens "
				      "only with an officer's PIN)");
		if (rc == YZF_OK)
			memcpy(keys + 64, y->dk, YZF_DK_LEN);
	}
	if (rc)
		goto out;
	rc = yzf_random(y, seed, sizeof seed);
	if (!rc)
		rc = yzf_random(y, salt, sizeof salt);
	if (!rc)
		rc = yzf_random(y, nonce, sizeof nonce);
	if (!rc)
		rc = yzf_now(y, &now, &tz);
	if (rc)
		goto out;
	crypto_sign_seed_keypair(feed, keys, seed);
	rc = derive_kek(y, feed, pin, pinlen, salt, cfg.kdf_ops, cfg.kdf_mem,
			true, kek);
	if (rc)
		goto out;
	memcpy(ad, AD_SLOT, sizeof AD_SLOT - 1);
	memcpy(ad + sizeof AD_SLOT - 1, feed, YZF_KEY_LEN);
	crypto_aead_xchacha20poly1305_ietf_encrypt(wrapped, NULL, keys, KEYS_LEN,
						   ad, sizeof ad, NULL, nonce,
						   kek);
	/* The request: proof that the terminal holds the feed key. */
	char hex[2 * YZF_KEY_LEN + 1], t[YZF_TIME_LEN + 1];
	yzf_hex(feed, YZF_KEY_LEN, hex);
	yzf_time_fmt(now, tz, t);
	yzf_buf_puts(&body, "{\"v\":1,\"kind\":\"feed-request\",\"feed\":\"");
	yzf_buf_puts(&body, hex);
	yzf_buf_puts(&body, "\",\"terminal\":\"");
	yzf_buf_puts(&body, cfg.terminal);
	yzf_buf_puts(&body, "\",\"at\":\"");
	yzf_buf_puts(&body, t);
	yzf_buf_puts(&body, "\"}");
	/* signed now, while the key is in hand; handed out after commit */
	rc = body.oom ? YZF_ENOMEM
		      : yzf_sign_wrap(REQ_DOMAIN, "{\"req\":", body.p, body.len,
				      keys, &line);
	if (rc)
		goto out;

	rc = yzf_begin(y);
	if (rc)
		goto out;
	if (first) {
		crypto_box_seal(sealed, keys + 64, YZF_DK_LEN, city.c.seal);
		rc = yzf_meta_set(y, "dk_sealed", sealed, sizeof sealed);
		static const char label[] = "yzf-dk-check-v1";
		crypto_generichash(check, 32, (const uint8_t *)label,
				   sizeof label - 1, keys + 64, YZF_DK_LEN);
		if (!rc)
			rc = yzf_meta_set(y, "dk_check", check, 32);
	}
	/* The feed's row and head MAC are made now, while the data key is
	 * in hand; the certificate serial stays zero until enrollment
	 * completes. */
	if (!rc && first)
		rc = yzf_set_dk(y, keys + 64);
	if (!rc) {
		uint8_t zero[YZF_ID_LEN] = { 0 }, mac[32];
		sqlite3_stmt *fs = NULL;
		yzf_head_mac(y, feed, 0, zero, mac);
		if (sqlite3_prepare_v2(y->db, "INSERT INTO feeds (feed, "
				       "cert_serial, local, head_seq, head_id, "
				       "head_mac) VALUES (?, ?, 1, 0, ?, ?)", -1,
				       &fs, NULL) != SQLITE_OK) {
			rc = yzf_fail_db(y, "feeds");
		} else {
			sqlite3_bind_blob(fs, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
			sqlite3_bind_zeroblob(fs, 2, YZF_SERIAL_LEN);
			sqlite3_bind_blob(fs, 3, zero, YZF_ID_LEN, SQLITE_STATIC);
			sqlite3_bind_blob(fs, 4, mac, 32, SQLITE_STATIC);
			if (sqlite3_step(fs) != SQLITE_DONE)
				rc = yzf_fail_db(y, "feeds");
			sqlite3_finalize(fs);
		}
	}
	sqlite3_stmt *st = NULL;
	if (!rc && sqlite3_prepare_v2(y->db, "INSERT INTO keyslots (feed, state, "
				      "failures, kdf_ops, kdf_mem, salt, nonce, "
				      "wrapped, created) VALUES (?, 'pending', 0, "
				      "?, ?, ?, ?, ?, ?)", -1, &st,
				      NULL) != SQLITE_OK)
		rc = yzf_fail_db(y, "keyslots");
	if (!rc) {
		sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (int64_t)cfg.kdf_ops);
		sqlite3_bind_int64(st, 3, (int64_t)cfg.kdf_mem);
		sqlite3_bind_blob(st, 4, salt, sizeof salt, SQLITE_STATIC);
		sqlite3_bind_blob(st, 5, nonce, sizeof nonce, SQLITE_STATIC);
		sqlite3_bind_blob(st, 6, wrapped, sizeof wrapped, SQLITE_STATIC);
		sqlite3_bind_int64(st, 7, now);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = yzf_fail_db(y, "keyslots");
	}
	sqlite3_finalize(st);
	if (!rc)
		rc = yzf_commit(y);
	else
		yzf_rollback(y);
	if (!rc) {
		yzf_buf_put(req, line.p, line.len);
		if (req->oom)
			rc = yzf_fail(y, YZF_ENOMEM, "out of memory");
	}
	/* The first officer's data key was only borrowed to MAC the head:
	 * from now on it opens only with a PIN. */
	if (first)
		yzf_session_forget(y, NULL);
out:
	sodium_free(keys);
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(kek, sizeof kek);
	yzf_buf_free(&cl);
	yzf_buf_free(&body);
	yzf_buf_free(&line);
	return rc;
}

int yzf_request_parse(const uint8_t *line, size_t len,
		      uint8_t feed[YZF_KEY_LEN], char terminal[65],
		      struct yzf_canon_err *err)
{
	const uint8_t *b, *s;
	size_t n, sl;
	uint8_t sig[YZF_SIG_LEN];
	int64_t v, ms;
	int32_t tz;
	struct yzf_canon_cur c;
	int rc = yzf_unwrap_signed("{\"req\":", line, len, &b, &n, sig, err);
	if (rc)
		return rc;
	yzf_canon_cur_init(&c, b, n);
	yzf_canon_byte(&c, '{');
	if (!yzf_canon_key(&c, "v"))
		yzf_canon_int(&c, 1, 1, &v);
	yzf_canon_byte(&c, ',');
	if (!yzf_canon_key(&c, "kind") && !yzf_canon_str(&c, &s, &sl) &&
	    (sl != 12 || memcmp(s, "feed-request", 12) != 0))
		yzf_cur_fail(&c, "kind: must be feed-request");
	yzf_canon_byte(&c, ',');
	yzf_cur_hex(&c, "feed", feed, YZF_KEY_LEN, "feed: not 64 hex digits");
	yzf_canon_byte(&c, ',');
	terminal[0] = 0;
	if (!yzf_canon_key(&c, "terminal") &&
	    yzf_canon_str_copy(&c, terminal, 65) == YZF_ERANGE)
		yzf_cur_fail(&c, "terminal: longer than 64 bytes");
	yzf_canon_byte(&c, ',');
	yzf_cur_time(&c, "at", &ms, &tz, "at: not a yzf time");
	if (!c.err.why && (!terminal[0] ||
			   strspn(terminal, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl"
					    "mnopqrstuvwxyz0123456789._-") !=
				   strlen(terminal)))
		yzf_cur_fail(&c, "terminal: 1 to 64 of [A-Za-z0-9._-]");
	return yzf_signed_close(&c, 7, REQ_DOMAIN, sig, feed,
				"proof of possession: signature does not "
				"verify under the requested feed key", err);
}

static int slot_state(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		      int *state, int64_t *failures)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(y->db, "SELECT state, failures FROM keyslots "
			       "WHERE feed = ?", -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "keyslots");
	sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
	int rc = yzf_fail(y, YZF_ENOTFOUND, "no officer with this feed is "
			  "enrolled on this terminal");
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		*state = !s ? YZF_SLOT_NONE
		       : strcmp(s, "pending") == 0 ? YZF_SLOT_PENDING
		       : strcmp(s, "enrolled") == 0 ? YZF_SLOT_ENROLLED
						    : YZF_SLOT_LOCKED;
		*failures = sqlite3_column_int64(st, 1);
		rc = YZF_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

int yzf_enroll_complete(struct yzf *y, const uint8_t *bundle, size_t len,
			uint8_t feed[YZF_KEY_LEN])
{
	struct yzf_signed_cert certs[4], root, city;
	struct yzf_buf rl = { 0 }, cl = { 0 };
	struct yzf_config cfg;
	size_t n;
	char msg[200];
	int state;
	int64_t failures;
	int rc = yzf_config_get(y, &cfg);
	if (!rc)
		rc = bundle_parse(y, bundle, len, certs, 4, &n);
	if (!rc)
		rc = yzf_pinned(y, YZF_CERT_ROOT, &rl, &root);
	if (!rc)
		rc = yzf_pinned(y, YZF_CERT_CITY, &cl, &city);
	if (rc)
		goto out;
	const struct yzf_signed_cert *fc = find_kind(certs, n, YZF_CERT_FEED);
	if (!fc) {
		rc = yzf_fail(y, YZF_EINVAL, "bundle: no feed certificate");
		goto out;
	}
	if (yzf_cert_chain_ok(&root, &city, fc, msg, sizeof msg)) {
		rc = yzf_fail(y, YZF_ECERT, "feed certificate: %s (this "
			      "terminal trusts the city it was initialised "
			      "with)", msg);
		goto out;
	}
	if (strcmp(fc->c.terminal, cfg.terminal) != 0) {
		rc = yzf_fail(y, YZF_ECERT, "feed certificate names terminal %s, "
			      "this is %s", fc->c.terminal, cfg.terminal);
		goto out;
	}
	memcpy(feed, fc->c.key, YZF_KEY_LEN);
	rc = slot_state(y, feed, &state, &failures);
	if (!rc && state != YZF_SLOT_PENDING)
		rc = yzf_fail(y, YZF_ESTATE, "the feed key of this certificate "
			      "is not awaiting enrollment here");
	if (rc)
		goto out;
	rc = yzf_begin(y);
	if (rc)
		goto out;
	rc = yzf_cert_save(y, fc, fc->bytes - 8, line_len(fc));
	const char *sqls[] = {
		"UPDATE feeds SET cert_serial = ?2 WHERE feed = ?1 AND local = 1",
		"UPDATE keyslots SET state = 'enrolled' WHERE feed = ?1",
	};
	for (int i = 0; i < 2 && !rc; i++) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(y->db, sqls[i], -1, &st, NULL) != SQLITE_OK) {
			rc = yzf_fail_db(y, "enroll");
			break;
		}
		sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
		if (i == 0)
			sqlite3_bind_blob(st, 2, fc->c.serial, YZF_SERIAL_LEN,
					  SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE || sqlite3_changes(y->db) != 1)
			rc = yzf_fail(y, YZF_ECORRUPT, "enroll: pending feed row "
				      "missing");
		sqlite3_finalize(st);
	}
	if (!rc)
		rc = yzf_commit(y);
	else
		yzf_rollback(y);
out:
	yzf_buf_free(&rl);
	yzf_buf_free(&cl);
	return rc;
}

static int exec_feed(struct yzf *y, const char *sql,
		     const uint8_t feed[YZF_KEY_LEN])
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(y->db, sql, -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, sql);
	if (feed)
		sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? YZF_OK : yzf_fail_db(y, sql);
	sqlite3_finalize(st);
	return rc;
}

/* Erase a slot beyond recovery: its port secret first (that alone makes
 * the wrapped bytes useless, wherever copies of them linger), then the
 * wrapped bytes and any session. */
static int erase_slot(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		      const char *state_sql)
{
	char name[32];
	yzf_secret_name("slot", feed, name);
	int rc = yzf_secret_destroy(y, name);
	yzf_secret_name("sess", feed, name);
	if (!rc)
		rc = yzf_secret_destroy(y, name);
	if (!rc)
		rc = exec_feed(y, state_sql, feed);
	if (!rc)
		rc = exec_feed(y, "DELETE FROM sessions WHERE feed = ?", feed);
	yzf_session_forget(y, feed);
	return rc;
}

int yzf_enroll_cancel(struct yzf *y, const uint8_t feed[YZF_KEY_LEN])
{
	int state;
	int64_t failures;
	int rc = slot_state(y, feed, &state, &failures);
	if (rc)
		return rc;
	if (state != YZF_SLOT_PENDING)
		return yzf_fail(y, YZF_ESTATE, "only a pending enrollment can be "
				"cancelled");
	rc = yzf_begin(y);
	if (!rc)
		rc = erase_slot(y, feed, "DELETE FROM keyslots WHERE feed = ?");
	if (!rc)
		rc = exec_feed(y, "DELETE FROM feeds WHERE feed = ? AND local = 1 "
			       "AND head_seq = 0", feed);
	/* nobody left who could open the data key, and nothing it protects */
	if (!rc && sqlite3_exec(y->db, "DELETE FROM meta WHERE k IN ('dk_sealed', "
				"'dk_check') AND NOT EXISTS (SELECT 1 FROM keyslots) "
				"AND NOT EXISTS (SELECT 1 FROM records)", NULL, NULL,
				NULL) != SQLITE_OK)
		rc = yzf_fail_db(y, "cancel");
	if (!rc)
		return yzf_commit(y);
	yzf_rollback(y);
	return rc;
}

/* At the limit the slot is crypto-erased: a stolen terminal gets that
 * many guesses in all, whatever else it does (AC-7(2)). */
static int lock_out(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		    int64_t failures)
{
	int rc = erase_slot(y, feed, "UPDATE keyslots SET state = 'locked', "
			    "salt = NULL, nonce = NULL, wrapped = NULL "
			    "WHERE feed = ?");
	if (rc)
		return rc;
	return yzf_fail(y, YZF_ELOCKED, "officer locked out: %lld PIN attempts "
			"failed or were interrupted; the key slot was erased: "
			"re-enroll with the city", (long long)failures);
}

int yzf_login(struct yzf *y, const uint8_t feed[YZF_KEY_LEN], const char *pin,
	      size_t pinlen)
{
	struct yzf_config cfg;
	sqlite3_stmt *st = NULL;
	uint8_t kek[32], salt[crypto_pwhash_SALTBYTES], nonce[NONCE_LEN],
		wrapped[WRAP_LEN], ad[sizeof AD_SLOT - 1 + YZF_KEY_LEN],
		snonce[NONCE_LEN], swrapped[WRAP_LEN];
	uint8_t *keys = sodium_malloc(KEYS_LEN);
	int state;
	int64_t failures, ops = 0, mem = 0, now = 0;
	int32_t tz;
	int rc = keys ? yzf_config_get(y, &cfg)
		      : yzf_fail(y, YZF_ENOMEM, "sodium_malloc failed");
	if (!rc)
		rc = slot_state(y, feed, &state, &failures);
	if (rc)
		goto out;
	if (state == YZF_SLOT_LOCKED) {
		rc = yzf_fail(y, YZF_ELOCKED, "officer locked out after %u wrong "
			      "PINs; the key slot was erased: re-enroll with the "
			      "city", cfg.max_pin_failures);
		goto out;
	}
	if (state == YZF_SLOT_PENDING) {
		rc = yzf_fail(y, YZF_ESTATE, "enrollment not complete: import "
			      "the feed certificate (yzf enroll --bundle)");
		goto out;
	}
	/* A revoked officer may not log in (records made before stay valid). */
	{
		struct yzf_buf cl = { 0 };
		struct yzf_signed_cert sc;
		int64_t rev, t;
		int32_t z;
		char why[201], at[YZF_TIME_LEN + 1];
		bool revoked = yzf_feed_cert(y, feed, &cl, &sc) == YZF_OK &&
			       yzf_revoked_at(y, sc.c.serial, &rev, why) == YZF_OK &&
			       yzf_time_now(y, &t, &z) == YZF_OK && rev <= t;
		yzf_buf_free(&cl);
		if (revoked) {
			yzf_time_fmt(rev, z, at);
			rc = yzf_fail(y, YZF_ECERT, "the officer's certificate was "
				      "revoked at %s (%s): login refused", at, why);
			goto out;
		}
	}
	/* Attempts that were counted but never finished (the process was
	 * killed mid-check) are failures too: no attempt is free. */
	if (failures >= cfg.max_pin_failures) {
		rc = lock_out(y, feed, failures);
		goto out;
	}
	/* Count the attempt durably before checking it, so killing the
	 * process mid-check cannot buy a free guess. */
	rc = yzf_begin(y);
	if (!rc)
		rc = exec_feed(y, "UPDATE keyslots SET failures = failures + 1 "
			       "WHERE feed = ?", feed);
	if (!rc)
		rc = yzf_commit(y);
	else
		yzf_rollback(y);
	if (rc)
		goto out;
	failures++;

	if (sqlite3_prepare_v2(y->db, "SELECT kdf_ops, kdf_mem, salt, nonce, "
			       "wrapped FROM keyslots WHERE feed = ?", -1, &st,
			       NULL) != SQLITE_OK) {
		rc = yzf_fail_db(y, "keyslots");
		goto out;
	}
	sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW ||
	    sqlite3_column_bytes(st, 2) != sizeof salt ||
	    sqlite3_column_bytes(st, 3) != sizeof nonce ||
	    sqlite3_column_bytes(st, 4) != sizeof wrapped) {
		rc = yzf_fail(y, YZF_ECORRUPT, "key slot damaged");
		goto out;
	}
	ops = sqlite3_column_int64(st, 0);
	mem = sqlite3_column_int64(st, 1);
	memcpy(salt, sqlite3_column_blob(st, 2), sizeof salt);
	memcpy(nonce, sqlite3_column_blob(st, 3), sizeof nonce);
	memcpy(wrapped, sqlite3_column_blob(st, 4), sizeof wrapped);
	sqlite3_finalize(st);
	st = NULL;
	if (ops < 1 || mem < 8192) {
		rc = yzf_fail(y, YZF_ECORRUPT, "key slot damaged: KDF limits");
		goto out;
	}
	rc = derive_kek(y, feed, pin, pinlen, salt, (uint64_t)ops,
			(uint64_t)mem, false, kek);
	if (rc)
		goto out;
	memcpy(ad, AD_SLOT, sizeof AD_SLOT - 1);
	memcpy(ad + sizeof AD_SLOT - 1, feed, YZF_KEY_LEN);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(keys, NULL, NULL, wrapped,
						       sizeof wrapped, ad,
						       sizeof ad, nonce,
						       kek) != 0) {
		if (failures >= cfg.max_pin_failures) {
			rc = lock_out(y, feed, failures);
		} else {
			rc = yzf_fail(y, YZF_EAUTH, "wrong PIN: %lld of %u "
				      "attempts left", (long long)
				      (cfg.max_pin_failures - failures),
				      cfg.max_pin_failures);
		}
		goto out;
	}
	rc = yzf_set_dk(y, keys + 64);
	if (!rc)
		rc = yzf_now(y, &now, &tz);
	int64_t expires = now + cfg.session_ttl_ms;
	if (!rc)
		rc = yzf_session_wrap(y, feed, expires, keys, snonce, swrapped);
	if (!rc)
		rc = yzf_begin(y);
	if (!rc)
		rc = exec_feed(y, "UPDATE keyslots SET failures = 0 WHERE feed = ?",
			       feed);
	if (!rc && sqlite3_prepare_v2(y->db, "INSERT OR REPLACE INTO sessions "
				      "(feed, expires, nonce, wrapped) VALUES "
				      "(?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		rc = yzf_fail_db(y, "sessions");
	if (!rc) {
		sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, expires);
		sqlite3_bind_blob(st, 3, snonce, sizeof snonce, SQLITE_STATIC);
		sqlite3_bind_blob(st, 4, swrapped, sizeof swrapped, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = yzf_fail_db(y, "sessions");
	}
	if (!rc)
		rc = yzf_commit(y);
	else
		yzf_rollback(y);
out:
	sqlite3_finalize(st);
	sodium_free(keys);
	sodium_memzero(kek, sizeof kek);
	sodium_memzero(wrapped, sizeof wrapped);
	return rc;
}

int yzf_logout(struct yzf *y, const uint8_t feed[YZF_KEY_LEN])
{
	char name[32];
	yzf_secret_name("sess", feed, name);
	int rc = yzf_secret_destroy(y, name);
	if (!rc)
		rc = exec_feed(y, "DELETE FROM sessions WHERE feed = ?", feed);
	yzf_session_forget(y, feed);
	return rc;
}

int yzf_wipe(struct yzf *y)
{
	sqlite3_stmt *st;
	uint8_t feeds[YZF_MAX_OFFICERS * 2][YZF_KEY_LEN];
	int n = 0, rc = YZF_OK;
	if (sqlite3_prepare_v2(y->db, "SELECT feed FROM keyslots UNION "
			       "SELECT feed FROM sessions", -1, &st,
			       NULL) != SQLITE_OK)
		return yzf_fail_db(y, "wipe");
	while (sqlite3_step(st) == SQLITE_ROW && n < YZF_MAX_OFFICERS * 2)
		if (sqlite3_column_bytes(st, 0) == YZF_KEY_LEN)
			memcpy(feeds[n++], sqlite3_column_blob(st, 0),
			       YZF_KEY_LEN);
	sqlite3_finalize(st);
	for (int i = 0; i < n && !rc; i++)
		rc = erase_slot(y, feeds[i], "DELETE FROM keyslots WHERE feed = ?");
	yzf_session_forget(y, NULL);
	/* Rewrite the freed pages and the WAL so the wrapped bytes do not
	 * outlive their rows in the file. */
	if (!rc && sqlite3_exec(y->db, "PRAGMA wal_checkpoint(TRUNCATE); VACUUM",
				NULL, NULL, NULL) != SQLITE_OK)
		rc = yzf_fail_db(y, "wipe: vacuum");
	return rc;
}

int yzf_unlock_city(struct yzf *y, const uint8_t seal_pk[32],
		    const uint8_t seal_sk[32])
{
	uint8_t sealed[YZF_DK_LEN + crypto_box_SEALBYTES];
	uint8_t *dk = sodium_malloc(YZF_DK_LEN);
	size_t n = sizeof sealed;
	int rc = dk ? yzf_meta_get(y, "dk_sealed", sealed, &n)
		    : yzf_fail(y, YZF_ENOMEM, "sodium_malloc failed");
	if (rc == YZF_ENOTFOUND)
		rc = yzf_fail(y, rc, "this store holds no sealed data key");
	if (!rc && (n != sizeof sealed ||
		    crypto_box_seal_open(dk, sealed, n, seal_pk, seal_sk) != 0))
		rc = yzf_fail(y, YZF_ECRYPTO, "the sealed data key does not open "
			      "with this city key");
	if (!rc)
		rc = yzf_set_dk(y, dk);
	sodium_free(dk);
	return rc;
}

int yzf_officers(struct yzf *y, struct yzf_officer *out, size_t cap, size_t *n)
{
	sqlite3_stmt *st;
	struct yzf_buf line = { 0 };
	int64_t now;
	int32_t tz;
	int rc = yzf_now(y, &now, &tz);
	if (rc)
		return rc;
	*n = 0;
	if (sqlite3_prepare_v2(y->db,
		"SELECT k.feed, k.state, k.failures, s.expires, f.head_seq "
		"FROM keyslots k LEFT JOIN sessions s ON s.feed = k.feed "
		"LEFT JOIN feeds f ON f.feed = k.feed ORDER BY k.created, k.feed",
		-1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "officers");
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != YZF_KEY_LEN)
			continue;
		if (*n < cap) {
			struct yzf_officer *o = &out[*n];
			memset(o, 0, sizeof *o);
			memcpy(o->feed, sqlite3_column_blob(st, 0), YZF_KEY_LEN);
			const char *s = (const char *)sqlite3_column_text(st, 1);
			o->state = !s ? YZF_SLOT_NONE
				 : !strcmp(s, "pending") ? YZF_SLOT_PENDING
				 : !strcmp(s, "enrolled") ? YZF_SLOT_ENROLLED
							  : YZF_SLOT_LOCKED;
			o->failures = (uint32_t)sqlite3_column_int64(st, 2);
			o->session = sqlite3_column_type(st, 3) != SQLITE_NULL &&
				     sqlite3_column_int64(st, 3) > now;
			o->session_expires = sqlite3_column_int64(st, 3);
			o->head_seq = sqlite3_column_int64(st, 4);
			struct yzf_signed_cert sc;
			char save[sizeof y->err];
			memcpy(save, y->err, sizeof save);
			if (yzf_feed_cert(y, o->feed, &line, &sc) == YZF_OK) {
				o->has_cert = true;
				o->cert = sc.c;
			}
			memcpy(y->err, save, sizeof save);
		}
		(*n)++;
	}
	sqlite3_finalize(st);
	yzf_buf_free(&line);
	return YZF_OK;
}

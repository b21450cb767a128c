/* Evidence: blobs encrypted at rest and named by their content, the
 * evidence.add and evidence.review records, and the review predicate. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "held.h"
#include "util.h"
#include "yzf/evidence.h"
#include "yzf/recording.h"

#define AD_EVID "yzf-evid-v1"
#define ADLEN (sizeof AD_EVID - 1)
#define FINAL_ADLEN (ADLEN + YZF_HASH_LEN + 8)
#define SS_HDR crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define SS_ABYTES crypto_secretstream_xchacha20poly1305_ABYTES

/* The final message's associated data: the stream is bound to the content
 * hash and size it claims, so a whole stream filed under another name does
 * not open. */
static void final_ad(const uint8_t hash[YZF_HASH_LEN], uint64_t size,
		     uint8_t ad[FINAL_ADLEN])
{
	memcpy(ad, AD_EVID, ADLEN);
	memcpy(ad + ADLEN, hash, YZF_HASH_LEN);
	for (int i = 0; i < 8; i++)
		ad[ADLEN + YZF_HASH_LEN + i] = (uint8_t)(size >> (8 * i));
}

/* The evidence key: derived from the data key, so whoever opens the store
 * (an officer's PIN, or the city's sealing key after a wipe) opens the
 * evidence too, and nothing else needs keeping. */
static int evid_key(struct yzf *y, uint8_t key[32])
{
	int rc = yzf_need_dk(y);
	if (rc)
		return rc == YZF_ENOSESSION
			       ? yzf_fail(y, rc, "evidence needs a logged-in "
					  "officer (the store's data key)")
			       : rc;
	crypto_kdf_derive_from_key(key, 32, 2, "yzf-evid", y->dk);
	return YZF_OK;
}

/* ---- writer ---- */

struct yzf_blob_writer {
	struct yzf *y;
	int64_t id;
	int64_t chunks;
	uint64_t size;
	size_t fill;
	bool failed;
	struct yzf_rec_hash h;
	crypto_secretstream_xchacha20poly1305_state ss;
	uint8_t key[32];
	uint8_t pt[YZF_BLOB_CHUNK];
	uint8_t ct[YZF_BLOB_CHUNK + SS_ABYTES];
};

static int put_chunk(struct yzf_blob_writer *w, size_t ctlen)
{
	struct yzf *y = w->y;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(y->db, "INSERT INTO blob_chunks (blob, n, ct) "
			       "VALUES (?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "blob_chunks");
	sqlite3_bind_int64(st, 1, w->id);
	sqlite3_bind_int64(st, 2, w->chunks);
	sqlite3_bind_blob(st, 3, w->ct, (int)ctlen, SQLITE_STATIC);
	int s = sqlite3_step(st);
	sqlite3_finalize(st);
	if (s != SQLITE_DONE)
		return yzf_fail_db(y, "blob_chunks");
	w->chunks++;
	return YZF_OK;
}

static int flush_pt(struct yzf_blob_writer *w)
{
	unsigned long long clen;
	crypto_secretstream_xchacha20poly1305_push(
		&w->ss, w->ct, &clen, w->pt, w->fill, (const uint8_t *)AD_EVID,
		ADLEN, crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
	sodium_memzero(w->pt, w->fill);
	w->fill = 0;
	return put_chunk(w, (size_t)clen);
}

int yzf_blob_begin(struct yzf *y, struct yzf_blob_writer **out)
{
	uint8_t hdr[SS_HDR];
	int64_t now;
	int32_t tz;
	*out = NULL;
	struct yzf_blob_writer *w = sodium_malloc(sizeof *w);
	if (!w)
		return yzf_fail(y, YZF_ENOMEM, "sodium_malloc failed");
	memset(w, 0, sizeof *w);
	w->y = y;
	int rc = evid_key(y, w->key);
	if (!rc)
		rc = yzf_now(y, &now, &tz);
	if (rc) {
		sodium_free(w);
		return rc;
	}
	crypto_secretstream_xchacha20poly1305_init_push(&w->ss, hdr, w->key);
	yzf_rec_hash_init(&w->h);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(y->db, "INSERT INTO blobs (header, created) "
			       "VALUES (?, ?)", -1, &st, NULL) != SQLITE_OK) {
		sodium_free(w);
		return yzf_fail_db(y, "blobs");
	}
	sqlite3_bind_blob(st, 1, hdr, sizeof hdr, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	int s = sqlite3_step(st);
	sqlite3_finalize(st);
	if (s != SQLITE_DONE) {
		rc = yzf_fail_db(y, "blobs");
		sodium_free(w);
		return rc;
	}
	w->id = sqlite3_last_insert_rowid(y->db);
	*out = w;
	return YZF_OK;
}

int yzf_blob_write(struct yzf_blob_writer *w, const void *p, size_t n)
{
	const uint8_t *b = p;
	if (w->failed)
		return yzf_fail(w->y, YZF_ESTATE, "blob writer failed before");
	yzf_rec_hash_update(&w->h, b, n);
	w->size += n;
	while (n) {
		size_t k = YZF_BLOB_CHUNK - w->fill;
		if (k > n)
			k = n;
		memcpy(w->pt + w->fill, b, k);
		w->fill += k;
		b += k;
		n -= k;
		if (w->fill == YZF_BLOB_CHUNK) {
			int rc = flush_pt(w);
			if (rc) {
				w->failed = true;
				return rc;
			}
		}
	}
	return YZF_OK;
}

static void drop_blob(struct yzf *y, int64_t id)
{
	sqlite3_stmt *st;
	static const char *const sql[] = {
		"DELETE FROM blob_chunks WHERE blob = ?",
		"DELETE FROM blobs WHERE id = ?",
	};
	for (size_t i = 0; i < 2; i++)
		if (sqlite3_prepare_v2(y->db, sql[i], -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, id);
			sqlite3_step(st);
			sqlite3_finalize(st);
		}
}

void yzf_blob_abort(struct yzf_blob_writer *w)
{
	if (!w)
		return;
	drop_blob(w->y, w->id);
	sodium_free(w);
}

/* File the finished stream under its hash, or drop it when the content is
 * held already: one transaction, so two writers of the same content end
 * with one blob. */
static int file_blob(struct yzf_blob_writer *w, const uint8_t hash[32])
{
	struct yzf *y = w->y;
	sqlite3_stmt *st = NULL;
	int rc = yzf_begin(y), held = 0;
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(y->db, "SELECT 1 FROM blobs WHERE hash = ?", -1,
			       &st, NULL) != SQLITE_OK) {
		rc = yzf_fail_db(y, "blobs");
		goto out;
	}
	sqlite3_bind_blob(st, 1, hash, YZF_HASH_LEN, SQLITE_STATIC);
	held = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	st = NULL;
	if (held) {
		drop_blob(y, w->id);
		goto out;
	}
	if (sqlite3_prepare_v2(y->db, "UPDATE blobs SET hash = ?, size = ?, "
			       "chunks = ? WHERE id = ?", -1, &st,
			       NULL) != SQLITE_OK) {
		rc = yzf_fail_db(y, "blobs");
		goto out;
	}
	sqlite3_bind_blob(st, 1, hash, YZF_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)w->size);
	sqlite3_bind_int64(st, 3, w->chunks);
	sqlite3_bind_int64(st, 4, w->id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = yzf_fail_db(y, "blobs");
out:
	sqlite3_finalize(st);
	if (rc) {
		yzf_rollback(y);
		return rc;
	}
	return yzf_commit(y);
}

int yzf_blob_finish(struct yzf_blob_writer *w, uint8_t hash[YZF_HASH_LEN],
		    uint64_t *size)
{
	uint8_t h[YZF_HASH_LEN], ad[FINAL_ADLEN];
	unsigned long long clen;
	int rc = w->failed ? yzf_fail(w->y, YZF_ESTATE, "blob writer failed "
				      "before")
			   : YZF_OK;
	if (!rc && w->fill)
		rc = flush_pt(w);
	if (rc)
		goto fail;
	yzf_rec_hash_final(&w->h, h);
	final_ad(h, w->size, ad);
	crypto_secretstream_xchacha20poly1305_push(
		&w->ss, w->ct, &clen, NULL, 0, ad, sizeof ad,
		crypto_secretstream_xchacha20poly1305_TAG_FINAL);
	if ((rc = put_chunk(w, (size_t)clen)) || (rc = file_blob(w, h)))
		goto fail;
	if (hash)
		memcpy(hash, h, YZF_HASH_LEN);
	if (size)
		*size = w->size;
	sodium_free(w);
	return YZF_OK;
fail:
	yzf_blob_abort(w);
	return rc;
}

int yzf_blob_stat(struct yzf *y, const uint8_t hash[YZF_HASH_LEN],
		  uint64_t *size)
{
	sqlite3_stmt *st;
	char hex[65];
	if (sqlite3_prepare_v2(y->db, "SELECT size FROM blobs WHERE hash = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "blobs");
	sqlite3_bind_blob(st, 1, hash, YZF_HASH_LEN, SQLITE_STATIC);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW && size)
		*size = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (s == SQLITE_ROW)
		return YZF_OK;
	yzf_hex(hash, YZF_HASH_LEN, hex);
	return yzf_fail(y, YZF_ENOTFOUND, "blob %s: not held", hex);
}

/* ---- reader ---- */

struct yzf_blob_reader {
	struct yzf *y;
	int64_t id;
	uint64_t size;            /* as the blobs row says */
	uint8_t hash[YZF_HASH_LEN];
	uint8_t hdr[SS_HDR];
	int64_t next;             /* next chunk to open */
	uint64_t start;           /* plaintext offset of pt[0] */
	size_t len;               /* bytes in pt */
	uint64_t seen;            /* plaintext bytes opened so far */
	bool final;               /* FINAL opened and bound */
	int fault;                /* enum yzf_blob_fault once one is found */
	struct yzf_rec_hash h;
	crypto_secretstream_xchacha20poly1305_state ss;
	uint8_t key[32];
	uint8_t pt[YZF_BLOB_CHUNK];
};

static void restart(struct yzf_blob_reader *r)
{
	crypto_secretstream_xchacha20poly1305_init_pull(&r->ss, r->hdr, r->key);
	yzf_rec_hash_init(&r->h);
	r->next = 0;
	r->start = r->len = 0;
	r->seen = 0;
	r->final = false;
}

int yzf_blob_open(struct yzf *y, const uint8_t hash[YZF_HASH_LEN],
		  struct yzf_blob_reader **out)
{
	sqlite3_stmt *st;
	char hex[65];
	*out = NULL;
	yzf_hex(hash, YZF_HASH_LEN, hex);
	struct yzf_blob_reader *r = sodium_malloc(sizeof *r);
	if (!r)
		return yzf_fail(y, YZF_ENOMEM, "sodium_malloc failed");
	memset(r, 0, sizeof *r);
	r->y = y;
	memcpy(r->hash, hash, YZF_HASH_LEN);
	int rc = evid_key(y, r->key);
	if (rc) {
		sodium_free(r);
		return rc;
	}
	if (sqlite3_prepare_v2(y->db, "SELECT id, size, header FROM blobs "
			       "WHERE hash = ?", -1, &st, NULL) != SQLITE_OK) {
		sodium_free(r);
		return yzf_fail_db(y, "blobs");
	}
	sqlite3_bind_blob(st, 1, hash, YZF_HASH_LEN, SQLITE_STATIC);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW && sqlite3_column_bytes(st, 2) == SS_HDR) {
		r->id = sqlite3_column_int64(st, 0);
		r->size = (uint64_t)sqlite3_column_int64(st, 1);
		memcpy(r->hdr, sqlite3_column_blob(st, 2), SS_HDR);
		rc = YZF_OK;
	} else if (s == SQLITE_ROW) {
		rc = yzf_fail(y, YZF_ECORRUPT, "blob %s: header is not %d bytes",
			      hex, (int)SS_HDR);
	} else {
		rc = s == SQLITE_DONE
			     ? yzf_fail(y, YZF_ENOTFOUND, "blob %s: not held", hex)
			     : yzf_fail_db(y, "blobs");
	}
	sqlite3_finalize(st);
	if (rc) {
		sodium_free(r);
		return rc;
	}
	restart(r);
	*out = r;
	return YZF_OK;
}

static int bad(struct yzf_blob_reader *r, int fault, const char *fmt,
	       long long a)
{
	char hex[65], why[160];
	yzf_hex(r->hash, YZF_HASH_LEN, hex);
	snprintf(why, sizeof why, fmt, a);
	r->fault = fault;
	return yzf_fail(r->y, YZF_ECORRUPT, "blob %.16s: %s: %s", hex,
			yzf_blob_fault_name(fault), why);
}

/* Open the next stored message into pt. Data messages are never empty;
 * the FINAL one always is, so its length says which associated data to
 * check it under. */
static int open_next(struct yzf_blob_reader *r)
{
	struct yzf *y = r->y;
	sqlite3_stmt *st;
	uint8_t tag, ad[FINAL_ADLEN];
	unsigned long long mlen;
	if (sqlite3_prepare_v2(y->db, "SELECT ct FROM blob_chunks WHERE blob = ? "
			       "AND n = ?", -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "blob_chunks");
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int64(st, 2, r->next);
	int s = sqlite3_step(st);
	if (s != SQLITE_ROW) {
		sqlite3_finalize(st);
		return s == SQLITE_DONE
			       ? bad(r, YZF_BLOB_TRUNCATED, "the stream ends at "
				     "chunk %lld, before its FINAL message",
				     (long long)r->next)
			       : yzf_fail_db(y, "blob_chunks");
	}
	const uint8_t *ct = sqlite3_column_blob(st, 0);
	size_t clen = (size_t)sqlite3_column_bytes(st, 0);
	int rc = YZF_OK;
	if (clen < SS_ABYTES || clen > YZF_BLOB_CHUNK + SS_ABYTES) {
		rc = bad(r, YZF_BLOB_CHANGED, "chunk %lld has an impossible "
			 "length", (long long)r->next);
	} else if (clen == SS_ABYTES) {
		final_ad(r->hash, r->seen, ad);
		if (crypto_secretstream_xchacha20poly1305_pull(
			    &r->ss, r->pt, &mlen, &tag, ct, clen, ad, sizeof ad) ||
		    tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL)
			rc = bad(r, YZF_BLOB_NOT_BOUND, "every message "
				 "authenticates but the FINAL one (chunk %lld) is "
				 "not bound to this content hash and size: the "
				 "stream belongs to other content",
				 (long long)r->next);
		else
			r->final = true; /* pt keeps the last data message */
	} else if (crypto_secretstream_xchacha20poly1305_pull(
			   &r->ss, r->pt, &mlen, &tag, ct, clen,
			   (const uint8_t *)AD_EVID, ADLEN) ||
		   tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
		rc = bad(r, YZF_BLOB_CHANGED, "chunk %lld does not authenticate "
			 "(a byte changed, or chunks moved)", (long long)r->next);
	} else {
		r->start = r->seen;
		r->len = (size_t)mlen;
		r->seen += mlen;
		yzf_rec_hash_update(&r->h, r->pt, r->len);
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	r->next++;
	if (r->final) {
		uint8_t h[YZF_HASH_LEN];
		yzf_rec_hash_final(&r->h, h);
		if (sodium_memcmp(h, r->hash, YZF_HASH_LEN) != 0)
			return bad(r, YZF_BLOB_CHANGED, "the content does not "
				   "hash to its name (%lld bytes)",
				   (long long)r->seen);
	}
	return YZF_OK;
}

int yzf_blob_read_at(struct yzf_blob_reader *r, uint64_t off, void *buf,
		     size_t cap, size_t *n)
{
	*n = 0;
	if (r->fault)
		return YZF_ECORRUPT;
	if (off < r->start)
		restart(r); /* backwards: the stream opens only from its start */
	while (!(off >= r->start && off < r->start + r->len)) {
		if (r->final)
			return YZF_OK; /* at or past the end */
		int rc = open_next(r);
		if (rc)
			return rc;
	}
	size_t k = (size_t)(r->start + r->len - off);
	if (k > cap)
		k = cap;
	memcpy(buf, r->pt + (off - r->start), k);
	*n = k;
	return YZF_OK;
}

uint64_t yzf_blob_size(const struct yzf_blob_reader *r)
{
	return r->size;
}

void yzf_blob_close(struct yzf_blob_reader *r)
{
	if (r)
		sodium_free(r);
}

const char *yzf_blob_fault_name(int fault)
{
	switch (fault) {
	case YZF_BLOB_GOOD: return "ok";
	case YZF_BLOB_MISSING: return "missing";
	case YZF_BLOB_TRUNCATED: return "truncated";
	case YZF_BLOB_CHANGED: return "changed";
	case YZF_BLOB_NOT_BOUND: return "not_bound";
	case YZF_BLOB_SIZE: return "size";
	default: return "?";
	}
}

int yzf_blob_check(struct yzf *y, const uint8_t hash[YZF_HASH_LEN],
		   int64_t size, int *fault, char *detail, size_t cap)
{
	struct yzf_blob_reader *r;
	uint8_t buf[4096];
	size_t n;
	uint64_t off = 0;
	*fault = YZF_BLOB_GOOD;
	if (detail && cap)
		detail[0] = 0;
	int rc = yzf_blob_open(y, hash, &r);
	if (rc == YZF_ENOTFOUND) {
		*fault = YZF_BLOB_MISSING;
		if (detail && cap)
			snprintf(detail, cap, "no blob under this hash");
		return YZF_OK;
	}
	if (rc)
		return rc;
	while ((rc = yzf_blob_read_at(r, off, buf, sizeof buf, &n)) == YZF_OK && n)
		off += n;
	if (rc == YZF_ECORRUPT && r->fault) {
		*fault = r->fault;
		if (detail && cap) {
			const char *m = strstr(yzf_errmsg(y), ": ");
			m = m ? strstr(m + 2, ": ") : NULL;
			snprintf(detail, cap, "%s", m ? m + 2 : yzf_errmsg(y));
		}
		rc = YZF_OK;
	} else if (!rc && size >= 0 && off != (uint64_t)size) {
		*fault = off < (uint64_t)size ? YZF_BLOB_TRUNCATED : YZF_BLOB_SIZE;
		if (detail && cap)
			snprintf(detail, cap, "%llu bytes, the record says %lld",
				 (unsigned long long)off, (long long)size);
	}
	sodium_memzero(buf, sizeof buf);
	yzf_blob_close(r);
	return rc;
}

int yzf_blob_unpushed(struct yzf *y, uint8_t (*out)[YZF_HASH_LEN], size_t cap,
		      size_t *n)
{
	sqlite3_stmt *st;
	*n = 0;
	if (sqlite3_prepare_v2(y->db, "SELECT hash FROM blobs WHERE hash IS NOT "
			       "NULL AND pushed = 0 ORDER BY id", -1, &st,
			       NULL) != SQLITE_OK)
		return yzf_fail_db(y, "blobs");
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n < cap && sqlite3_column_bytes(st, 0) == YZF_HASH_LEN)
			memcpy(out[*n], sqlite3_column_blob(st, 0), YZF_HASH_LEN);
		(*n)++;
	}
	sqlite3_finalize(st);
	return s == SQLITE_DONE ? YZF_OK : yzf_fail_db(y, "blobs");
}

int yzf_blob_mark_pushed(struct yzf *y, const uint8_t hash[YZF_HASH_LEN])
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(y->db, "UPDATE blobs SET pushed = 1 WHERE hash = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "blobs");
	sqlite3_bind_blob(st, 1, hash, YZF_HASH_LEN, SQLITE_STATIC);
	int s = sqlite3_step(st);
	sqlite3_finalize(st);
	return s == SQLITE_DONE ? YZF_OK : yzf_fail_db(y, "blobs");
}

/* ---- body readers ---- */

const char *yzf_jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int64_t yzf_jint(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	/* bodies of other feeds may hold anything: only JSON's safe
	 * integers convert (no overflow, no NaN) */
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= -9007199254740991.0 &&
				    v->valuedouble <= 9007199254740991.0))
		return -1;
	return (int64_t)v->valuedouble;
}

bool yzf_jhex(const cJSON *o, const char *key, uint8_t *out, size_t n)
{
	const char *s = yzf_jstr(o, key);
	return s && yzf_unhex(s, strlen(s), out, n);
}

/* ---- evidence records ---- */

static void put_kstr(struct yzf_buf *b, const char *k, const char *v)
{
	yzf_canon_put_str(b, k, strlen(k));
	yzf_buf_putc(b, ':');
	yzf_canon_put_str(b, v, strlen(v));
}

static void put_khex(struct yzf_buf *b, const char *k, const uint8_t *p,
		     size_t n)
{
	yzf_canon_put_str(b, k, strlen(k));
	yzf_buf_putc(b, ':');
	yzf_put_hex(b, p, n); /* quoted */
}

int yzf_evidence_add(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		     const struct yzf_evidence_add *e, int64_t *seq)
{
	struct yzf_buf b = { 0 };
	uint64_t held;
	if (!e->case_id || !*e->case_id)
		return yzf_fail(y, YZF_EINVAL, "evidence.add: case: required "
				"(evidence belongs to a case)");
	int rc = yzf_blob_stat(y, e->hash, &held);
	if (rc)
		return rc;
	if (held != e->size)
		return yzf_fail(y, YZF_EINVAL, "evidence.add: size %llu, the blob "
				"holds %llu bytes", (unsigned long long)e->size,
				(unsigned long long)held);
	yzf_buf_putc(&b, '{');
	put_khex(&b, "hash", e->hash, YZF_HASH_LEN);
	yzf_buf_puts(&b, ",\"size\":");
	yzf_canon_put_int(&b, (int64_t)e->size);
	yzf_buf_putc(&b, ',');
	put_kstr(&b, "media", e->media ? e->media : "application/octet-stream");
	yzf_buf_putc(&b, ',');
	put_kstr(&b, "kind", e->kind ? e->kind : "file");
	if (e->name) {
		yzf_buf_putc(&b, ',');
		put_kstr(&b, "name", e->name);
	}
	if (e->source) {
		yzf_buf_putc(&b, ',');
		put_khex(&b, "source", e->source, YZF_ID_LEN);
	}
	if (e->note) {
		yzf_buf_putc(&b, ',');
		put_kstr(&b, "note", e->note);
	}
	yzf_buf_putc(&b, '}');
	if (b.oom)
		rc = yzf_fail(y, YZF_ENOMEM, "out of memory");
	else {
		struct yzf_append a = { .type = "evidence.add",
					.case_id = e->case_id,
					.body = (const char *)b.p,
					.body_len = b.len, .loc = e->loc };
		rc = yzf_append(y, feed, &a, 1, seq);
	}
	yzf_buf_free(&b);
	return rc;
}

static bool has_evidence(const struct yzf_case_rec *recs, size_t n,
			 const uint8_t hash[YZF_HASH_LEN])
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(recs[i].type, "evidence.add") != 0 &&
		    strcmp(recs[i].type, "rec.segment") != 0)
			continue;
		cJSON *o = cJSON_ParseWithLength((const char *)recs[i].body,
						 recs[i].body_len);
		uint8_t h[YZF_HASH_LEN];
		bool hit = yzf_jhex(o, "hash", h, sizeof h) &&
			   memcmp(h, hash, YZF_HASH_LEN) == 0;
		cJSON_Delete(o);
		if (hit)
			return true;
	}
	return false;
}

static void put_crit(struct yzf_buf *b, const char *k,
		     const struct yzf_evidence_crit *c)
{
	yzf_canon_put_str(b, k, strlen(k));
	yzf_buf_puts(b, c->pass ? ":{\"pass\":true," : ":{\"pass\":false,");
	put_kstr(b, "reason", c->reason ? c->reason : "");
	yzf_buf_putc(b, '}');
}

int yzf_evidence_review(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			const char *case_id, const uint8_t hash[YZF_HASH_LEN],
			const struct yzf_evidence_crit *relevance,
			const struct yzf_evidence_crit *legality,
			const struct yzf_evidence_crit *authenticity,
			int64_t *seq)
{
	struct yzf_buf line = { 0 }, b = { 0 };
	struct yzf_signed_cert sc;
	struct yzf_held h;
	char hex[65];
	yzf_hex(hash, YZF_HASH_LEN, hex);
	int rc = yzf_feed_cert(y, feed, &line, &sc);
	if (rc) {
		yzf_buf_free(&line);
		return rc;
	}
	if (!(sc.c.roles & YZF_ROLE_REVIEWER)) {
		rc = yzf_fail(y, YZF_ECERT, "evidence.review refused: judging "
			      "evidence (relevance, legality, authenticity; "
			      "粤执法平台管理办法 art.26) is for the reviewer "
			      "role, and the certificate of %s (%s) does not "
			      "have it", sc.c.name, sc.c.officer_no);
		yzf_buf_free(&line);
		return rc;
	}
	yzf_buf_free(&line);
	if ((rc = yzf_held_load(y, case_id, NULL, &h)))
		return rc;
	bool known = has_evidence(h.r, h.n, hash);
	yzf_held_free(&h);
	if (!known)
		return yzf_fail(y, YZF_ENOTFOUND, "evidence.review: case %s holds "
				"no evidence %s", case_id, hex);
	yzf_buf_putc(&b, '{');
	put_khex(&b, "hash", hash, YZF_HASH_LEN);
	yzf_buf_putc(&b, ',');
	put_crit(&b, "relevance", relevance);
	yzf_buf_putc(&b, ',');
	put_crit(&b, "legality", legality);
	yzf_buf_putc(&b, ',');
	put_crit(&b, "authenticity", authenticity);
	yzf_buf_putc(&b, '}');
	if (b.oom)
		rc = yzf_fail(y, YZF_ENOMEM, "out of memory");
	else {
		struct yzf_append a = { .type = "evidence.review",
					.case_id = case_id,
					.body = (const char *)b.p,
					.body_len = b.len };
		rc = yzf_append(y, feed, &a, 1, seq);
	}
	yzf_buf_free(&b);
	return rc;
}

int yzf_evidence_state_of(const struct yzf_case_rec *recs, size_t n,
			  const uint8_t hash[YZF_HASH_LEN], int *state,
			  char *why, size_t cap)
{
	static const char *const crit[] = { "relevance", "legality",
					    "authenticity" };
	const struct yzf_case_rec *best = NULL;
	*state = YZF_EVIDENCE_UNREVIEWED;
	if (why && cap)
		why[0] = 0;
	if (!has_evidence(recs, n, hash))
		return YZF_ENOTFOUND;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(recs[i].type, "evidence.review") != 0 ||
		    !(recs[i].roles & YZF_ROLE_REVIEWER))
			continue;
		cJSON *o = cJSON_ParseWithLength((const char *)recs[i].body,
						 recs[i].body_len);
		uint8_t h[YZF_HASH_LEN];
		bool hit = yzf_jhex(o, "hash", h, sizeof h) &&
			   memcmp(h, hash, YZF_HASH_LEN) == 0;
		cJSON_Delete(o);
		if (hit && (!best || recs[i].at_ms >= best->at_ms))
			best = &recs[i];
	}
	if (!best)
		return YZF_OK;
	cJSON *o = cJSON_ParseWithLength((const char *)best->body,
					 best->body_len);
	if (!o)
		return YZF_ENOMEM;
	*state = YZF_EVIDENCE_PASSED;
	for (size_t k = 0; k < 3; k++) {
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, crit[k]);
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "pass")))
			continue;
		if (*state == YZF_EVIDENCE_PASSED && why && cap)
			snprintf(why, cap, "%s failed: %s", crit[k],
				 yzf_jstr(c, "reason") ? yzf_jstr(c, "reason")
						       : "");
		*state = YZF_EVIDENCE_FAILED;
	}
	cJSON_Delete(o);
	return YZF_OK;
}

int yzf_evidence_state(struct yzf *y, const char *case_id,
		       const uint8_t hash[YZF_HASH_LEN], int *state, char *why,
		       size_t cap)
{
	struct yzf_held h;
	char hex[65];
	int rc = yzf_held_load(y, case_id, NULL, &h);
	if (rc)
		return rc;
	rc = yzf_evidence_state_of(h.r, h.n, hash, state, why, cap);
	yzf_held_free(&h);
	yzf_hex(hash, YZF_HASH_LEN, hex);
	if (rc == YZF_ENOTFOUND)
		return yzf_fail(y, rc, "case %s holds no evidence %s", case_id,
				hex);
	return rc ? yzf_fail(y, rc, "out of memory") : YZF_OK;
}

bool yzf_evidence_passed(struct yzf *y, const char *case_id,
			 const uint8_t hash[YZF_HASH_LEN])
{
	int state;
	return yzf_evidence_state(y, case_id, hash, &state, NULL, 0) == YZF_OK &&
	       state == YZF_EVIDENCE_PASSED;
}

int yzf_evidence_list(struct yzf *y, const char *case_id,
		      struct yzf_evidence_item **out, size_t *n)
{
	struct yzf_held h;
	*out = NULL;
	*n = 0;
	int rc = yzf_held_load(y, case_id, case_id ? NULL : "evidence.add", &h);
	if (rc)
		return rc;
	struct yzf_evidence_item *v = calloc(h.n ? h.n : 1, sizeof *v);
	if (!v) {
		yzf_held_free(&h);
		return yzf_fail(y, YZF_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < h.n; i++) {
		if (strcmp(h.r[i].type, "evidence.add") != 0)
			continue;
		cJSON *o = cJSON_ParseWithLength((const char *)h.r[i].body,
						 h.r[i].body_len);
		struct yzf_evidence_item *e = &v[*n];
		memset(e, 0, sizeof *e);
		if (!yzf_jhex(o, "hash", e->hash, YZF_HASH_LEN)) {
			cJSON_Delete(o);
			continue;
		}
		e->size = (uint64_t)yzf_jint(o, "size");
		snprintf(e->media, sizeof e->media, "%s",
			 yzf_jstr(o, "media") ? yzf_jstr(o, "media") : "");
		snprintf(e->kind, sizeof e->kind, "%s",
			 yzf_jstr(o, "kind") ? yzf_jstr(o, "kind") : "");
		snprintf(e->name, sizeof e->name, "%s",
			 yzf_jstr(o, "name") ? yzf_jstr(o, "name") : "");
		e->has_source = yzf_jhex(o, "source", e->source, YZF_ID_LEN);
		cJSON_Delete(o);
		memcpy(e->feed, h.r[i].feed, YZF_KEY_LEN);
		e->seq = h.r[i].seq;
		memcpy(e->id, h.r[i].id, YZF_ID_LEN);
		e->at_ms = h.r[i].at_ms;
		(*n)++;
	}
	yzf_held_free(&h);
	/* the case each belongs to, and its review state, from the case */
	for (size_t i = 0; i < *n; i++) {
		struct yzf_iter *it = NULL;
		struct yzf_entry en;
		struct yzf_query q = { .feed = v[i].feed, .from = v[i].seq };
		if (!yzf_iter_open(y, &q, &it) && yzf_iter_next(it, &en) == 1)
			snprintf(v[i].case_id, sizeof v[i].case_id, "%s",
				 en.rec.case_id);
		yzf_iter_close(it);
		if (v[i].case_id[0] &&
		    yzf_evidence_state(y, v[i].case_id, v[i].hash, &v[i].state,
				       v[i].why, sizeof v[i].why))
			v[i].state = YZF_EVIDENCE_UNREVIEWED;
	}
	*out = v;
	return YZF_OK;
}

/* The roster: the authority directory verified into the store, and the
 * in-memory index of feed certificates and revocations that request
 * threads read without locks. */
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yzf/time.h>

#include "roster.h"
#include "store.h"

#define MAX_CITIES 16

struct roster_cert {
	uint8_t key[YZF_KEY_LEN];
	uint8_t serial[YZF_SERIAL_LEN];
	uint8_t hash[32];          /* BLAKE2b-256 of the line */
	int64_t not_before, not_after;
	int32_t tz;
	int64_t revoked_at;        /* INT64_MAX: not revoked */
	int32_t rev_tz;
	char reason[201];
};

struct syncd_roster {
	uint8_t root_hash[32];
	size_t ncities;
	uint8_t city_key[MAX_CITIES][YZF_KEY_LEN];
	uint8_t city_hash[MAX_CITIES][32];
	struct roster_cert *certs; /* sorted by key */
	size_t n;
};

/* State of one load: the root and the city certificates held, as lines
 * that their parsed forms point into. */
struct load {
	sqlite3 *db;
	char *msg;
	size_t cap;
	struct yzf_buf root_line;
	struct yzf_signed_cert root;
	struct yzf_buf city_line[MAX_CITIES];
	struct yzf_signed_cert city[MAX_CITIES];
	size_t ncities;
};

static int fail(struct load *l, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct load *l, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->msg, l->cap, fmt, ap);
	va_end(ap);
	return rc;
}

static int fail_db(struct load *l, const char *what)
{
	return fail(l, YZF_EIO, "store: %s: %s", what, sqlite3_errmsg(l->db));
}

/* Prepare sql on the load's connection; NULL, with the message set, if
 * SQLite refuses. */
static sqlite3_stmt *prep(struct load *l, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK) {
		fail_db(l, sql);
		return NULL;
	}
	return st;
}

/* Read a whole file; *data is malloc'd (NUL-terminated), the caller frees.
 * A missing optional file reads as empty. */
static int read_file(struct load *l, const char *dir, const char *name,
		     bool required, char **data, size_t *len)
{
	char path[4096];
	*data = NULL;
	*len = 0;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (errno == ENOENT && !required)
			return YZF_OK;
		return fail(l, errno == ENOENT ? YZF_ENOTFOUND : YZF_EIO,
			    "authority: %s: %s", path, strerror(errno));
	}
	struct yzf_buf b = { 0 };
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		yzf_buf_put(&b, chunk, n);
	int err = ferror(f);
	fclose(f);
	yzf_buf_putc(&b, '\0');
	if (err || b.oom) {
		yzf_buf_free(&b);
		return fail(l, err ? YZF_EIO : YZF_ENOMEM, "authority: %s: %s",
			    path, err ? "read failed" : "out of memory");
	}
	*data = (char *)b.p; /* the buffer's memory is plain malloc */
	*len = b.len - 1;
	return YZF_OK;
}

/* Store a certificate line once; the same serial with other bytes is a
 * damaged or forged roster and stops the load. */
static int save_cert(struct load *l, const struct yzf_signed_cert *sc,
		     const uint8_t *line, size_t len)
{
	int rc = YZF_OK;
	sqlite3_stmt *st = prep(l, "INSERT OR IGNORE INTO certs (serial, kind, "
				"key, line) VALUES (?, ?, ?, ?)");
	if (!st)
		return YZF_EIO;
	sqlite3_bind_blob(st, 1, sc->c.serial, YZF_SERIAL_LEN, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, yzf_cert_kind_name(sc->c.kind), -1,
			  SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, sc->c.key, YZF_KEY_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, line, (int)len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = fail_db(l, "certs");
	sqlite3_finalize(st);
	if (rc || sqlite3_changes(l->db) == 1)
		return rc;
	if (!(st = prep(l, "SELECT line FROM certs WHERE serial = ?")))
		return YZF_EIO;
	sqlite3_bind_blob(st, 1, sc->c.serial, YZF_SERIAL_LEN, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW ||
	    (size_t)sqlite3_column_bytes(st, 0) != len ||
	    memcmp(sqlite3_column_blob(st, 0), line, len) != 0) {
		char sh[2 * YZF_SERIAL_LEN + 1];
		syncd_hex(sc->c.serial, YZF_SERIAL_LEN, sh);
		rc = fail(l, YZF_ECERT, "certificate %s: the store holds other "
			  "bytes under this serial", sh);
	}
	sqlite3_finalize(st);
	return rc;
}

/* trust.ndjson: the root line, then the city line. The root is pinned in
 * meta at the first load; a different root later is refused. */
static int load_trust(struct load *l, const char *dir)
{
	char *d, why[200];
	size_t len;
	struct yzf_signed_cert city;
	int rc = read_file(l, dir, "trust.ndjson", true, &d, &len);
	if (rc)
		return rc;
	const char *nl = memchr(d, '\n', len);
	size_t rl = nl ? (size_t)(nl - d) : len;
	size_t cs = nl ? rl + 1 : len, ce = cs;
	while (ce < len && d[ce] != '\n')
		ce++;
	yzf_buf_put(&l->root_line, d, rl);
	yzf_buf_put(&l->city_line[0], d + cs, ce - cs);
	bool trailing = false;
	for (size_t i = ce; i < len; i++)
		trailing |= d[i] != '\n';
	free(d);
	if (l->root_line.oom || l->city_line[0].oom)
		return fail(l, YZF_ENOMEM, "out of memory");
	struct yzf_canon_err e = { 0, "missing" };
	if (trailing || !nl ||
	    yzf_cert_unline(l->root_line.p, l->root_line.len, &l->root, &e) ||
	    yzf_cert_unline(l->city_line[0].p, l->city_line[0].len, &city, &e))
		return fail(l, YZF_ENONCANON, "authority: trust.ndjson: not a "
			    "root line then a city line (%s)",
			    trailing ? "more than two lines" : e.why);
	if (yzf_cert_chain_ok(&l->root, &city, NULL, why, sizeof why))
		return fail(l, YZF_ECERT, "authority: trust.ndjson: %s", why);

	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(l->db, "SELECT v FROM meta WHERE k = 'root'", -1,
			       &st, NULL) != SQLITE_OK)
		return fail_db(l, "meta");
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (sqlite3_column_bytes(st, 0) != YZF_SERIAL_LEN ||
	     memcmp(sqlite3_column_blob(st, 0), l->root.c.serial,
		    YZF_SERIAL_LEN) != 0))
		rc = fail(l, YZF_ECERT, "authority: trust.ndjson names another "
			  "root than the one this store was created with");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if (!(st = prep(l, "INSERT OR IGNORE INTO meta (k, v) VALUES "
			"('root', ?)")))
		return YZF_EIO;
	sqlite3_bind_blob(st, 1, l->root.c.serial, YZF_SERIAL_LEN,
			  SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = fail_db(l, "meta");
	sqlite3_finalize(st);
	if (!rc)
		rc = save_cert(l, &l->root, l->root_line.p, l->root_line.len);
	if (!rc)
		rc = save_cert(l, &city, l->city_line[0].p,
			       l->city_line[0].len);
	yzf_buf_free(&l->city_line[0]);
	return rc;
}

/* Every city certificate the store holds (the current one and earlier
 * ones), each checked against the root again. */
static int load_cities(struct load *l)
{
	char why[200] = "unreadable";
	int rc = YZF_OK, step;
	sqlite3_stmt *st = prep(l, "SELECT line FROM certs WHERE kind = 'city' "
				"ORDER BY serial");
	if (!st)
		return YZF_EIO;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (l->ncities == MAX_CITIES) {
			rc = fail(l, YZF_ERANGE, "store: more than %d city "
				  "certificates", MAX_CITIES);
			break;
		}
		struct yzf_buf *b = &l->city_line[l->ncities];
		struct yzf_signed_cert *c = &l->city[l->ncities];
		yzf_buf_put(b, sqlite3_column_blob(st, 0),
			    (size_t)sqlite3_column_bytes(st, 0));
		if (b->oom)
			rc = fail(l, YZF_ENOMEM, "out of memory");
		else if (yzf_cert_unline(b->p, b->len, c, NULL) ||
			 yzf_cert_chain_ok(&l->root, c, NULL, why, sizeof why))
			rc = fail(l, YZF_ECERT, "store: a city certificate "
				  "does not chain to the root: %s", why);
		else
			l->ncities++;
	}
	if (!rc && step != SQLITE_DONE)
		rc = fail_db(l, "certs");
	sqlite3_finalize(st);
	return rc;
}

static const struct yzf_signed_cert *city_of(const struct load *l,
					     const uint8_t key[YZF_KEY_LEN])
{
	for (size_t i = 0; i < l->ncities; i++)
		if (memcmp(l->city[i].c.key, key, YZF_KEY_LEN) == 0)
			return &l->city[i];
	return NULL;
}

/* A feed certificate line: issued by a city of this root. */
static int check_feed_line(const struct load *l, const uint8_t *line,
			   size_t len, struct yzf_signed_cert *sc, char *why,
			   size_t cap)
{
	struct yzf_canon_err e;
	if (yzf_cert_unline(line, len, sc, &e)) {
		snprintf(why, cap, "not a certificate line: %s (byte %zu)",
			 e.why, e.off);
		return YZF_ENONCANON;
	}
	if (sc->c.kind != YZF_CERT_FEED) {
		snprintf(why, cap, "a %s certificate, not a feed certificate",
			 yzf_cert_kind_name(sc->c.kind));
		return YZF_ECERT;
	}
	const struct yzf_signed_cert *city = city_of(l, sc->c.issuer);
	if (!city) {
		snprintf(why, cap, "feed certificate: issuer is not a city "
			 "certificate of this root");
		return YZF_ECERT;
	}
	return yzf_cert_chain_ok(&l->root, city, sc, why, cap);
}

static int insert_feed(struct load *l, const struct yzf_signed_cert *sc)
{
	static const uint8_t zero[YZF_ID_LEN];
	int rc = YZF_OK;
	sqlite3_stmt *st = prep(l, "INSERT OR IGNORE INTO feeds (feed, "
				"cert_serial, head_seq, head_id) VALUES "
				"(?, ?, 0, ?)");
	if (!st)
		return YZF_EIO;
	sqlite3_bind_blob(st, 1, sc->c.key, YZF_KEY_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, sc->c.serial, YZF_SERIAL_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, zero, YZF_ID_LEN, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = fail_db(l, "feeds");
	sqlite3_finalize(st);
	return rc;
}

/* A revocation line, signed by one of the city keys. */
static int check_rev_line(const struct load *l, const uint8_t *line,
			  size_t len, struct yzf_revocation *r, char *why,
			  size_t cap)
{
	struct yzf_canon_err e = { 0, "no city certificate" };
	int rc = YZF_EBADSIG;
	for (size_t i = 0; i < l->ncities; i++) {
		rc = yzf_revocation_parse(line, len, l->city[i].c.key, r, &e);
		if (rc != YZF_EBADSIG)
			break;
	}
	if (rc)
		snprintf(why, cap, "revocation: %s", e.why);
	return rc;
}

static int insert_rev(struct load *l, const struct yzf_revocation *r,
		      const uint8_t *line, size_t len)
{
	int rc = YZF_OK;
	sqlite3_stmt *st = prep(l, "INSERT OR IGNORE INTO revocations "
				"(serial, at, reason, line) VALUES "
				"(?, ?, ?, ?)");
	if (!st)
		return YZF_EIO;
	sqlite3_bind_blob(st, 1, r->serial, YZF_SERIAL_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->at_ms);
	sqlite3_bind_text(st, 3, r->reason, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, line, (int)len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = fail_db(l, "revocations");
	sqlite3_finalize(st);
	return rc;
}

/* issued.ndjson or revoked.ndjson, line by line; a bad line stops the
 * load with its file and line number. */
static int load_lines(struct load *l, const char *dir, const char *name,
		      bool revocations)
{
	char *d, why[300];
	size_t len, s = 0, lineno = 0;
	int rc = read_file(l, dir, name, false, &d, &len);
	while (!rc && s < len) {
		size_t e = s;
		while (e < len && d[e] != '\n')
			e++;
		lineno++;
		const uint8_t *line = (const uint8_t *)d + s;
		size_t n = e - s;
		struct yzf_signed_cert sc;
		struct yzf_revocation r;
		s = e + 1;
		if (n == 0)
			continue;
		rc = revocations
			? check_rev_line(l, line, n, &r, why, sizeof why)
			: check_feed_line(l, line, n, &sc, why, sizeof why);
		if (rc)
			rc = fail(l, rc, "authority: %s line %zu: %s", name,
				  lineno, why);
		else if (revocations)
			rc = insert_rev(l, &r, line, n);
		else if (!(rc = save_cert(l, &sc, line, n)))
			rc = insert_feed(l, &sc);
	}
	free(d);
	return rc;
}

static int by_key(const void *a, const void *b)
{
	const struct roster_cert *x = a, *y = b;
	int c = memcmp(x->key, y->key, YZF_KEY_LEN);
	return c ? c : memcmp(x->serial, y->serial, YZF_SERIAL_LEN);
}

/* One feed certificate of the store into the in-memory roster. */
static int add_cert(struct load *l, struct syncd_roster *r, size_t *cap,
		    const uint8_t *line, size_t len)
{
	struct yzf_signed_cert sc;
	char why[300];
	if (check_feed_line(l, line, len, &sc, why, sizeof why))
		return fail(l, YZF_ECERT, "store: a feed certificate fails its "
			    "checks: %s", why);
	if (r->n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 64;
		void *p = realloc(r->certs, ncap * sizeof *r->certs);
		if (!p)
			return fail(l, YZF_ENOMEM, "out of memory");
		r->certs = p;
		*cap = ncap;
	}
	struct roster_cert *c = &r->certs[r->n++];
	memset(c, 0, sizeof *c);
	memcpy(c->key, sc.c.key, YZF_KEY_LEN);
	memcpy(c->serial, sc.c.serial, YZF_SERIAL_LEN);
	crypto_generichash(c->hash, 32, line, len, NULL, 0);
	c->not_before = sc.c.not_before;
	c->not_after = sc.c.not_after;
	c->tz = sc.c.tz;
	c->revoked_at = INT64_MAX;
	return YZF_OK;
}

/* One revocation of the store onto the certificates it names: the
 * earliest revocation of a certificate counts. */
static int add_rev(struct load *l, struct syncd_roster *r,
		   const uint8_t *line, size_t len)
{
	struct yzf_revocation rv;
	char why[300];
	if (check_rev_line(l, line, len, &rv, why, sizeof why))
		return fail(l, YZF_ECERT, "store: %s", why);
	for (size_t i = 0; i < r->n; i++) {
		struct roster_cert *c = &r->certs[i];
		if (memcmp(c->serial, rv.serial, YZF_SERIAL_LEN) != 0 ||
		    rv.at_ms >= c->revoked_at)
			continue;
		c->revoked_at = rv.at_ms;
		c->rev_tz = rv.tz;
		snprintf(c->reason, sizeof c->reason, "%s", rv.reason);
	}
	return YZF_OK;
}

/* Build the in-memory roster from what the store holds, verified again
 * (rows of earlier loads included). */
static int build(struct load *l, struct syncd_roster *r)
{
	static const char *const sql[2] = {
		"SELECT line FROM certs WHERE kind = 'feed'",
		"SELECT line FROM revocations",
	};
	size_t cap = 0;
	int rc = YZF_OK, step = SQLITE_DONE;
	crypto_generichash(r->root_hash, 32, l->root_line.p, l->root_line.len,
			   NULL, 0);
	r->ncities = l->ncities;
	for (size_t i = 0; i < l->ncities; i++) {
		memcpy(r->city_key[i], l->city[i].c.key, YZF_KEY_LEN);
		crypto_generichash(r->city_hash[i], 32, l->city_line[i].p,
				   l->city_line[i].len, NULL, 0);
	}
	/* certificates first: revocations apply to them */
	for (int pass = 0; pass < 2 && !rc; pass++) {
		sqlite3_stmt *st = prep(l, sql[pass]);
		if (!st)
			return YZF_EIO;
		while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
			const uint8_t *line = sqlite3_column_blob(st, 0);
			size_t len = (size_t)sqlite3_column_bytes(st, 0);
			rc = pass == 0 ? add_cert(l, r, &cap, line, len)
				       : add_rev(l, r, line, len);
		}
		if (!rc && step != SQLITE_DONE)
			rc = fail_db(l, sql[pass]);
		sqlite3_finalize(st);
	}
	if (!rc && r->n)
		qsort(r->certs, r->n, sizeof *r->certs, by_key);
	return rc;
}

int syncd_roster_load(sqlite3 *db, const char *dir, struct syncd_roster **out,
		      char *msg, size_t cap)
{
	struct load l = { .db = db, .msg = msg, .cap = cap };
	struct syncd_roster *r = calloc(1, sizeof *r);
	*out = NULL;
	if (!r)
		return fail(&l, YZF_ENOMEM, "out of memory");
	int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) ==
			 SQLITE_OK ? YZF_OK : fail_db(&l, "begin");
	bool began = rc == YZF_OK;
	if (!rc)
		rc = load_trust(&l, dir);
	if (!rc)
		rc = load_cities(&l);
	if (!rc)
		rc = load_lines(&l, dir, "issued.ndjson", false);
	if (!rc)
		rc = load_lines(&l, dir, "revoked.ndjson", true);
	if (!rc)
		rc = build(&l, r);
	if (!rc && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = fail_db(&l, "commit");
	if (rc && began)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	yzf_buf_free(&l.root_line);
	for (size_t i = 0; i < MAX_CITIES; i++)
		yzf_buf_free(&l.city_line[i]);
	if (rc) {
		syncd_roster_free(r);
		return rc;
	}
	*out = r;
	return YZF_OK;
}

void syncd_roster_free(struct syncd_roster *r)
{
	if (!r)
		return;
	free(r->certs);
	free(r);
}

size_t syncd_roster_feeds(const struct syncd_roster *r)
{
	return r->n;
}

/* The certificates of a key: [*first, *first + count). */
static size_t find(const struct syncd_roster *r,
		   const uint8_t key[YZF_KEY_LEN],
		   const struct roster_cert **first)
{
	size_t lo = 0, hi = r->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(r->certs[mid].key, key, YZF_KEY_LEN) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t n = 0;
	while (lo + n < r->n &&
	       memcmp(r->certs[lo + n].key, key, YZF_KEY_LEN) == 0)
		n++;
	*first = r->certs + lo;
	return n;
}

static void say_revoked(const struct roster_cert *c, char *msg, size_t cap)
{
	char sh[2 * YZF_SERIAL_LEN + 1], at[YZF_TIME_LEN + 1];
	syncd_hex(c->serial, YZF_SERIAL_LEN, sh);
	yzf_time_fmt(c->revoked_at, c->rev_tz, at);
	snprintf(msg, cap, "certificate %s revoked at %s (%s)", sh, at,
		 c->reason);
}

int syncd_roster_check_request(const struct syncd_roster *r,
			       const uint8_t feed[YZF_KEY_LEN], int64_t ms,
			       char *msg, size_t cap)
{
	const struct roster_cert *c;
	size_t n = find(r, feed, &c);
	if (n == 0) {
		snprintf(msg, cap, "no certificate of this city for the feed");
		return YZF_ENOTFOUND;
	}
	for (size_t i = 0; i < n; i++)
		if (c[i].revoked_at > ms)
			return YZF_OK;
	say_revoked(&c[n - 1], msg, cap);
	return YZF_ECERT;
}

int syncd_roster_check_record(const struct syncd_roster *r,
			      const uint8_t feed[YZF_KEY_LEN], int64_t at,
			      char *msg, size_t cap)
{
	const struct roster_cert *c;
	size_t n = find(r, feed, &c);
	const struct roster_cert *revoked = NULL;
	if (n == 0) {
		snprintf(msg, cap, "no certificate of this city for the feed");
		return YZF_ENOTFOUND;
	}
	for (size_t i = 0; i < n; i++) {
		if (at < c[i].not_before || at > c[i].not_after)
			continue;
		if (c[i].revoked_at <= at) {
			revoked = &c[i];
			continue;
		}
		return YZF_OK;
	}
	if (revoked) {
		char why[300], t[YZF_TIME_LEN + 1];
		say_revoked(revoked, why, sizeof why);
		yzf_time_fmt(at, revoked->rev_tz, t);
		snprintf(msg, cap, "%s; the record was made at %s, after it",
			 why, t);
	} else {
		char nb[YZF_TIME_LEN + 1], na[YZF_TIME_LEN + 1];
		yzf_time_fmt(c[0].not_before, c[0].tz, nb);
		yzf_time_fmt(c[0].not_after, c[0].tz, na);
		snprintf(msg, cap, "record time outside its feed certificate's "
			 "validity (%s to %s)", nb, na);
	}
	return YZF_ECERT;
}

int syncd_roster_check_line(const struct syncd_roster *r, const uint8_t *line,
			    size_t len, char *msg, size_t cap)
{
	struct yzf_signed_cert sc;
	struct yzf_canon_err e;
	uint8_t h[32];
	if (yzf_cert_unline(line, len, &sc, &e)) {
		snprintf(msg, cap, "certificate line not canonical: %s (byte "
			 "%zu)", e.why, e.off);
		return YZF_ENONCANON;
	}
	crypto_generichash(h, sizeof h, line, len, NULL, 0);
	if (sc.c.kind == YZF_CERT_ROOT &&
	    sodium_memcmp(h, r->root_hash, 32) == 0)
		return YZF_OK;
	for (size_t i = 0; sc.c.kind == YZF_CERT_CITY && i < r->ncities; i++)
		if (sodium_memcmp(h, r->city_hash[i], 32) == 0)
			return YZF_OK;
	if (sc.c.kind == YZF_CERT_FEED) {
		const struct roster_cert *c;
		size_t n = find(r, sc.c.key, &c);
		for (size_t i = 0; i < n; i++)
			if (sodium_memcmp(h, c[i].hash, 32) == 0)
				return YZF_OK;
		for (size_t i = 0; i < r->ncities; i++) {
			if (memcmp(sc.c.issuer, r->city_key[i], YZF_KEY_LEN) ||
			    !yzf_cert_sig_ok(&sc, r->city_key[i]))
				continue;
			snprintf(msg, cap, "feed certificate signed by the "
				 "city but not in its roster");
			return YZF_ECERT;
		}
	}
	snprintf(msg, cap, "%s certificate is not this city's and does not "
		 "chain to its root", yzf_cert_kind_name(sc.c.kind));
	return YZF_ECERT;
}

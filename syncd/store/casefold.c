/* The city's fold of a case: the same function every terminal runs
 * (yzf/case.h), over the records the store holds, with the catalogue and
 * calendar of the city's newest publication, so supervision sees what
 * the officers' terminals see. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yzf/yzf.h>

#include "casefold.h"
#include "store.h"

/* The newest publication, copied out of the store's transaction. */
struct pub {
	struct yzf_setdata sets[16];
	size_t n;
	struct yzf_buf bytes[16];
};

static int take_set(void *ctx, const char *name, int64_t version,
		    const uint8_t *line, size_t llen, const uint8_t *content,
		    size_t clen)
{
	struct pub *p = ctx;
	(void)line;
	(void)llen;
	if (p->n == 16)
		return YZF_ERANGE;
	struct yzf_buf *b = &p->bytes[p->n];
	yzf_buf_puts(b, name);
	yzf_buf_putc(b, 0);
	size_t off = b->len;
	yzf_buf_put(b, content, clen);
	if (b->oom)
		return YZF_ENOMEM;
	p->sets[p->n++] = (struct yzf_setdata){ (const char *)b->p, version,
						b->p + off, clen };
	return YZF_OK;
}

static void pub_free(struct pub *p)
{
	for (size_t i = 0; i < 16; i++)
		yzf_buf_free(&p->bytes[i]);
}

static int env_of(const char *path, int64_t hearing_fen,
		  struct yzf_case_env **env, char *msg, size_t cap)
{
	struct pub p = { 0 };
	struct yzf_buf index = { 0 };
	struct yzf_catalog *cat = NULL;
	struct yzf_calendar *cal = NULL;
	int rc = syncd_store_refdata_latest(path, take_set, &p, &index, msg,
					    cap);
	if (!rc)
		rc = yzf_catalog_from(p.sets, p.n, &cat, msg, cap);
	for (size_t i = 0; !rc && i < p.n; i++)
		if (!strcmp(p.sets[i].name, "calendar"))
			rc = yzf_calendar_create(p.sets[i].content,
						 p.sets[i].len, &cal, msg, cap);
	if (!rc)
		rc = yzf_case_env_make(cat, cal, hearing_fen, env);
	else
		yzf_catalog_close(cat);
	pub_free(&p);
	yzf_buf_free(&index);
	return rc;
}

/* The roles of a feed's certificate in the roster the store holds. */
static unsigned roles_of(sqlite3 *db, const uint8_t *feed)
{
	sqlite3_stmt *st;
	struct yzf_signed_cert sc;
	unsigned roles = 0;
	if (sqlite3_prepare_v2(db, "SELECT line FROM certs WHERE kind = 'feed' "
			       "AND key = ?", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    !yzf_cert_unline(sqlite3_column_blob(st, 0),
			     (size_t)sqlite3_column_bytes(st, 0), &sc, NULL))
		roles = sc.c.roles;
	sqlite3_finalize(st);
	return roles;
}

/* The case's records: envelopes parsed, bodies kept in one buffer. */
static int gather(sqlite3 *db, const char *case_id, struct yzf_case_rec **out,
		  size_t *n, struct yzf_buf *text, char *msg, size_t cap)
{
	sqlite3_stmt *st;
	size_t cnt = 0, room = 0;
	struct yzf_case_rec *r = NULL;
	struct { size_t type, body; } *off = NULL;
	int rc = YZF_OK;
	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT feed, seq, id, bytes FROM records "
			       "WHERE case_id = ? ORDER BY feed, seq", -1, &st,
			       NULL) != SQLITE_OK) {
		snprintf(msg, cap, "store: %s", sqlite3_errmsg(db));
		return YZF_EIO;
	}
	sqlite3_bind_text(st, 1, case_id, -1, SQLITE_STATIC);
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		struct yzf_record rec;
		struct yzf_canon_err e;
		if (cnt == room) {
			room = room ? 2 * room : 64;
			void *a = realloc(r, room * sizeof *r);
			void *b = a ? realloc(off, room * sizeof *off) : NULL;
			if (a)
				r = a;
			if (!b) {
				rc = YZF_ENOMEM;
				break;
			}
			off = b;
		}
		if (yzf_record_parse(sqlite3_column_blob(st, 3),
				     (size_t)sqlite3_column_bytes(st, 3), &rec,
				     &e)) {
			/* stored only after the same checks: a damaged store */
			snprintf(msg, cap, "store: a record of case %s does not "
				 "parse: %s", case_id, e.why);
			rc = YZF_ECORRUPT;
			break;
		}
		struct yzf_case_rec *x = &r[cnt];
		memset(x, 0, sizeof *x);
		memcpy(x->feed, sqlite3_column_blob(st, 0), YZF_KEY_LEN);
		x->seq = sqlite3_column_int64(st, 1);
		memcpy(x->id, sqlite3_column_blob(st, 2), YZF_ID_LEN);
		x->roles = roles_of(db, x->feed);
		x->at_ms = rec.at_ms;
		x->body_len = rec.body_len;
		off[cnt].type = text->len;
		yzf_buf_puts(text, rec.type);
		yzf_buf_putc(text, 0);
		off[cnt].body = text->len;
		yzf_buf_put(text, rec.body, rec.body_len);
		yzf_buf_putc(text, 0);
		cnt++;
	}
	sqlite3_finalize(st);
	if (!rc && text->oom)
		rc = YZF_ENOMEM;
	for (size_t i = 0; !rc && i < cnt; i++) {
		r[i].type = (const char *)text->p + off[i].type;
		r[i].body = text->p + off[i].body;
	}
	free(off);
	if (rc) {
		free(r);
		if (rc == YZF_ENOMEM)
			snprintf(msg, cap, "out of memory");
		return rc;
	}
	*out = r;
	*n = cnt;
	return YZF_OK;
}

int syncd_case_fold(const char *path, const char *case_id, int64_t now,
		    int64_t hearing_fen, struct yzf_buf *dump, char *msg,
		    size_t cap)
{
	struct yzf_case_env *env = NULL;
	struct yzf_case_rec *r = NULL;
	struct yzf_buf text = { 0 };
	struct yzf_case *st = calloc(1, sizeof *st);
	sqlite3 *db = NULL;
	size_t n = 0;
	int rc = st ? env_of(path, hearing_fen, &env, msg, cap) : YZF_ENOMEM;
	if (!rc && sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
			   SQLITE_OK) {
		snprintf(msg, cap, "store %s: cannot open", path);
		rc = YZF_EIO;
	}
	if (!rc)
		rc = gather(db, case_id, &r, &n, &text, msg, cap);
	if (!rc && n == 0) {
		snprintf(msg, cap, "the city holds no record of case %s",
			 case_id);
		rc = YZF_ENOTFOUND;
	}
	if (!rc && (rc = yzf_case_fold(r, n, yzf_case_env_ctx(env), now, st)))
		snprintf(msg, cap, "case %s: the fold failed", case_id);
	if (!rc)
		rc = yzf_case_dump(st, dump);
	free(r);
	free(st);
	yzf_buf_free(&text);
	sqlite3_close_v2(db);
	yzf_case_env_close(env);
	return rc;
}

/* Cases on a terminal: the fold (case.c) over the records the store holds,
 * with the catalogue and the calendar the terminal holds as its outside
 * knowledge, and new steps appended only after the guards allow them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "held.h"
#include "internal.h"

struct yzf_case_env {
	struct yzf_case_ctx ctx;
	struct yzf_catalog *cat;
	struct yzf_calendar *cal;
	int64_t hearing_fen;
};

static int env_matter(void *p, const char *code, struct yzf_case_matter *out)
{
	const struct yzf_case_env *e = p;
	const struct yzf_matter *m = e->cat ? yzf_catalog_matter(e->cat, code)
					    : NULL;
	if (!m)
		return YZF_ENOTFOUND;
	memset(out, 0, sizeof *out);
	out->fine_min_fen = m->fine_min_fen == YZF_NO_FEN ? 0 : m->fine_min_fen;
	out->fine_max_fen = m->fine_max_fen == YZF_NO_FEN ? INT64_MAX
							  : m->fine_max_fen;
	out->hearing_person_fen = m->hearing_person_fen == YZF_NO_FEN
					  ? 0 : m->hearing_person_fen;
	out->hearing_org_fen = m->hearing_org_fen == YZF_NO_FEN
				       ? 0 : m->hearing_org_fen;
	for (size_t i = 0; m->benchmark && i < m->benchmark->ntiers &&
			   out->ntiers < YZF_CASE_TIERS_MAX; i++) {
		const struct yzf_tier *t = &m->benchmark->tiers[i];
		struct yzf_case_tier *o = &out->tiers[out->ntiers++];
		/* case.decide names tiers by these tokens (schemas/cases.md) */
		static const char *const token[] = {
			[YZF_TIER_EXEMPT] = "exempt",
			[YZF_TIER_MITIGATED] = "mitigated",
			[YZF_TIER_LENIENT] = "lighter",
			[YZF_TIER_ORDINARY] = "normal",
			[YZF_TIER_SEVERE] = "heavier",
		};
		snprintf(o->name, sizeof o->name, "%s", token[t->kind]);
		o->min_fen = t->min_fen;
		o->max_fen = t->max_fen;
	}
	return YZF_OK;
}

static int env_add_wd(void *p, int64_t anchor_ms, int n, int64_t *due_ms)
{
	const struct yzf_case_env *e = p;
	struct yzf_calendar_due due;
	if (!e->cal)
		return YZF_ENOTFOUND;
	int rc = yzf_calendar_add_working_days(e->cal, anchor_ms,
					       YZF_CALENDAR_TZ, n, &due);
	if (!rc)
		*due_ms = due.end_ms;
	return rc;
}

static bool env_is_wd(void *p, int64_t ms)
{
	const struct yzf_case_env *e = p;
	int64_t d = yzf_date_of(ms);
	if (e->cal)
		return yzf_calendar_is_working_day(e->cal, d);
	return yzf_date_weekday(d) <= 5; /* no calendar held: Mon-Fri */
}

/* The calendar the terminal holds (reference set `calendar`), as the
 * index held names it. */
int yzf_refdata_calendar(struct yzf *y, struct yzf_calendar **out)
{
	struct yzf_refdata_state st;
	struct yzf_buf b = { 0 };
	int64_t version;
	char msg[300];
	*out = NULL;
	int rc = yzf_refdata_status(y, &st);
	if (!rc && st.have_index)
		rc = yzf_refdata_read(y, &st.index, "calendar", &b, &version);
	else if (!rc)
		rc = YZF_ENOTFOUND;
	if (rc == YZF_ENOTFOUND) {
		yzf_buf_free(&b);
		return YZF_OK; /* not published yet: deadlines stay unknown */
	}
	if (!rc && yzf_calendar_create(b.p, b.len, out, msg, sizeof msg))
		rc = yzf_fail(y, YZF_EINVAL, "reference data calendar v%lld: "
			      "%s", (long long)version, msg);
	yzf_buf_free(&b);
	return rc;
}

int yzf_case_env_make(struct yzf_catalog *cat, struct yzf_calendar *cal,
		      int64_t hearing_fen, struct yzf_case_env **out)
{
	struct yzf_case_env *e = calloc(1, sizeof *e);
	*out = NULL;
	if (!e) {
		yzf_catalog_close(cat);
		yzf_calendar_destroy(cal);
		return YZF_ENOMEM;
	}
	e->cat = cat;
	e->cal = cal;
	e->ctx = (struct yzf_case_ctx){ .version = YZF_CASE_CTX_VERSION,
					.ctx = e, .matter = env_matter,
					.add_working_days = env_add_wd,
					.is_working_day = env_is_wd,
					.hearing_fen = hearing_fen };
	if (cal) {
		struct yzf_calendar_info info;
		yzf_calendar_info(cal, &info);
		e->ctx.calendar_version = info.version;
		e->ctx.calendar_through_ms = yzf_date_end_ms(info.last_notice);
	}
	*out = e;
	return YZF_OK;
}

int yzf_case_env_open(struct yzf *y, int64_t hearing_fen,
		      struct yzf_case_env **out)
{
	struct yzf_catalog *cat = NULL;
	struct yzf_calendar *cal = NULL;
	*out = NULL;
	int rc = yzf_catalog_open(y, &cat);
	if (!rc)
		rc = yzf_refdata_calendar(y, &cal);
	if (rc) {
		yzf_catalog_close(cat);
		return rc;
	}
	rc = yzf_case_env_make(cat, cal, hearing_fen, out);
	return rc ? yzf_fail(y, rc, "out of memory") : YZF_OK;
}

const struct yzf_case_ctx *yzf_case_env_ctx(const struct yzf_case_env *e)
{
	return &e->ctx;
}

void yzf_case_env_close(struct yzf_case_env *e)
{
	if (!e)
		return;
	yzf_catalog_close(e->cat);
	yzf_calendar_destroy(e->cal);
	free(e);
}

/* ---- the records of a case held here, copied out of the iterator for
 * the pure checks (the fold, evidence review, recording gaps) ---- */

static int hold(struct yzf *y, struct yzf_held *h, const struct yzf_entry *en,
		unsigned roles)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 64;
		void *p = realloc(h->r, cap * sizeof *h->r);
		if (!p)
			return yzf_fail(y, YZF_ENOMEM, "out of memory");
		h->r = p;
		h->cap = cap;
	}
	struct yzf_case_rec *r = &h->r[h->n++];
	memset(r, 0, sizeof *r);
	memcpy(r->feed, en->rec.feed, YZF_KEY_LEN);
	r->seq = en->rec.seq;
	memcpy(r->id, en->id, YZF_ID_LEN);
	r->roles = roles;
	r->at_ms = en->rec.at_ms;
	/* offsets for now: the buffer may move while it grows */
	r->type = (const char *)(uintptr_t)h->text.len;
	yzf_buf_puts(&h->text, en->rec.type);
	yzf_buf_putc(&h->text, 0);
	r->body = (const uint8_t *)(uintptr_t)h->text.len;
	r->body_len = en->rec.body_len;
	yzf_buf_put(&h->text, en->rec.body, en->rec.body_len);
	yzf_buf_putc(&h->text, 0);
	return h->text.oom ? yzf_fail(y, YZF_ENOMEM, "out of memory") : YZF_OK;
}

unsigned yzf_feed_roles(struct yzf *y, const uint8_t feed[YZF_KEY_LEN])
{
	struct yzf_buf line = { 0 };
	struct yzf_signed_cert sc;
	unsigned roles = yzf_feed_cert(y, feed, &line, &sc) ? 0 : sc.c.roles;
	yzf_buf_free(&line);
	return roles;
}

int yzf_held_load(struct yzf *y, const char *case_id, const char *type,
		  struct yzf_held *h)
{
	struct yzf_iter *it = NULL;
	struct yzf_entry en;
	struct yzf_query q = { .case_id = case_id, .type = case_id ? NULL : type };
	memset(h, 0, sizeof *h);
	int rc = yzf_iter_open(y, &q, &it);
	while (!rc && (rc = yzf_iter_next(it, &en)) == 1)
		rc = hold(y, h, &en, yzf_feed_roles(y, en.rec.feed));
	yzf_iter_close(it);
	if (rc < 0) {
		yzf_held_free(h);
		return rc;
	}
	for (size_t i = 0; i < h->n; i++) {
		h->r[i].type = (const char *)h->text.p + (uintptr_t)h->r[i].type;
		h->r[i].body = h->text.p + (uintptr_t)h->r[i].body;
	}
	return YZF_OK;
}

void yzf_held_free(struct yzf_held *h)
{
	free(h->r);
	yzf_buf_free(&h->text);
	memset(h, 0, sizeof *h);
}

int yzf_case_load(struct yzf *y, const char *case_id,
		  const struct yzf_case_ctx *ctx, int64_t now,
		  struct yzf_case *out)
{
	struct yzf_held h;
	int rc = yzf_held_load(y, case_id, NULL, &h);
	if (!rc && (rc = yzf_case_fold(h.r, h.n, ctx, now, out)))
		rc = yzf_fail(y, rc, "case %s: %s", case_id,
			      rc == YZF_ENOMEM ? "out of memory"
					       : "the case context is unusable");
	yzf_held_free(&h);
	return rc;
}

int yzf_case_append(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		    const char *case_id, const char *type, const char *body,
		    size_t len, const struct yzf_loc *loc,
		    const struct yzf_case_ctx *ctx, char *warn, size_t cap,
		    int64_t *seq)
{
	struct yzf_case st;
	struct yzf_case_rec r = { .type = type, .body = (const uint8_t *)body,
				  .body_len = len };
	char msg[YZF_CASE_MSG_MAX];
	int64_t now;
	int32_t tz;
	if (warn && cap)
		warn[0] = 0;
	int rc = yzf_time_now(y, &now, &tz);
	if (!rc)
		rc = yzf_case_load(y, case_id, ctx, now, &st);
	if (rc)
		return rc;
	memcpy(r.feed, feed, YZF_KEY_LEN);
	r.roles = yzf_feed_roles(y, feed);
	r.at_ms = now;
	rc = yzf_case_check_step(&st, &r, ctx, now, msg, sizeof msg);
	if (rc)
		return yzf_fail(y, rc, "case %s: %s: %s", case_id, type, msg);
	if (warn && cap)
		snprintf(warn, cap, "%s", msg);
	struct yzf_append a = { .type = type, .case_id = case_id,
				.body = body, .body_len = len, .loc = loc };
	return yzf_append(y, feed, &a, 1, seq);
}

int yzf_case_ids(struct yzf *y, char (**ids)[YZF_CASE_ID_MAX], size_t *n)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	*ids = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(y->db, "SELECT DISTINCT case_id FROM records "
			       "WHERE case_id IS NOT NULL ORDER BY case_id", -1,
			       &st, NULL) != SQLITE_OK)
		return yzf_fail_db(y, "records");
	int rc = YZF_OK, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 256;
			void *p = realloc(*ids, cap * sizeof **ids);
			if (!p) {
				rc = yzf_fail(y, YZF_ENOMEM, "out of memory");
				break;
			}
			*ids = p;
		}
		snprintf((*ids)[(*n)++], YZF_CASE_ID_MAX, "%s",
			 (const char *)sqlite3_column_text(st, 0));
	}
	if (!rc && step != SQLITE_DONE)
		rc = yzf_fail_db(y, "records");
	sqlite3_finalize(st);
	if (rc) {
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	return rc;
}

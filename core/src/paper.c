/* paper.c — paper episodes and the 3-working-day backfill of their
 * documents (平台办法第二十二条). State is never stored apart: it is read
 * back from the paper.* records every feed holds, so a colleague's entry
 * pulled from the city counts like one's own. */
#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yzf/canon.h"
#include "yzf/paper.h"
#include "yzf/store.h"
#include "yzf/time.h"
#include "internal.h"
#include "schema.h"
#include "util.h"

#define ART22 "《广东省一体化行政执法平台管理办法》第二十二条"

struct episode {
	char id[YZF_PAPER_EPISODE_MAX];
	uint8_t feed[YZF_KEY_LEN];
	int64_t start_ms, end_ms; /* end_ms 0: open */
};

struct paper {
	struct episode *ep;
	size_t nep, cap_ep;
	struct yzf_paper_doc *doc;
	size_t ndoc, cap_doc;
};

static void paper_free(struct paper *p)
{
	free(p->ep);
	free(p->doc);
}

static int grow(struct yzf *y, void **arr, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return YZF_OK;
	size_t c = *cap ? 2 * *cap : 16;
	void *q = realloc(*arr, c * size);
	if (!q)
		return yzf_fail(y, YZF_ENOMEM, "out of memory");
	*arr = q;
	*cap = c;
	return YZF_OK;
}

static const char *str_of(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Type, serial and act time of a document object (paper.end `docs[i]`
 * or a paper.backfill body), already schema-valid. */
static bool doc_of(const cJSON *o, struct yzf_paper_doc *d)
{
	const char *t = str_of(o, "doctype"), *at = str_of(o, "at");
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "serial");
	const cJSON *yr = cJSON_GetObjectItemCaseSensitive(s, "year"),
		    *no = cJSON_GetObjectItemCaseSensitive(s, "no");
	int32_t tz;
	if (!t || !at || !cJSON_IsNumber(yr) || !cJSON_IsNumber(no) ||
	    strlen(t) >= sizeof d->doctype ||
	    !yzf_time_parse(at, strlen(at), &d->act_ms, &tz))
		return false;
	memcpy(d->doctype, t, strlen(t) + 1);
	d->year = (int64_t)yr->valuedouble;
	d->no = (int64_t)no->valuedouble;
	return true;
}

static struct yzf_paper_doc *find_doc(struct paper *p, const char *doctype,
				      int64_t year, int64_t no)
{
	for (size_t i = 0; i < p->ndoc; i++)
		if (p->doc[i].year == year && p->doc[i].no == no &&
		    !strcmp(p->doc[i].doctype, doctype))
			return &p->doc[i];
	return NULL;
}

static struct episode *find_ep(struct paper *p, const char *id)
{
	for (size_t i = 0; i < p->nep; i++)
		if (!strcmp(p->ep[i].id, id))
			return &p->ep[i];
	return NULL;
}

/* Take one paper.* record into p. Records come by type, starts first, so
 * an end or an entry finds its episode when it is held. */
static int take(struct yzf *y, struct paper *p, const struct yzf_entry *e)
{
	cJSON *o = cJSON_ParseWithLength((const char *)e->rec.body,
					 e->rec.body_len);
	const char *epi = str_of(o, "episode");
	struct yzf_paper_doc d;
	int rc = YZF_OK;
	if (!o)
		return yzf_fail(y, YZF_ENOMEM, "out of memory");
	if (!epi || strlen(epi) >= YZF_PAPER_EPISODE_MAX)
		goto out; /* the schema makes this impossible */
	if (!strcmp(e->rec.type, "paper.start")) {
		if (find_ep(p, epi) ||
		    (rc = grow(y, (void **)&p->ep, &p->cap_ep, p->nep,
			       sizeof *p->ep)))
			goto out;
		struct episode *ep = &p->ep[p->nep++];
		memset(ep, 0, sizeof *ep);
		memcpy(ep->id, epi, strlen(epi) + 1);
		memcpy(ep->feed, e->rec.feed, YZF_KEY_LEN);
		ep->start_ms = e->rec.at_ms;
	} else if (!strcmp(e->rec.type, "paper.end")) {
		struct episode *ep = find_ep(p, epi);
		const cJSON *docs = cJSON_GetObjectItemCaseSensitive(o, "docs"),
			    *it;
		if (ep && !ep->end_ms)
			ep->end_ms = e->rec.at_ms;
		cJSON_ArrayForEach(it, docs) {
			memset(&d, 0, sizeof d);
			if (!doc_of(it, &d) || find_doc(p, d.doctype, d.year, d.no))
				continue;
			if ((rc = grow(y, (void **)&p->doc, &p->cap_doc, p->ndoc,
				       sizeof *p->doc)))
				goto out;
			memcpy(d.episode, epi, strlen(epi) + 1);
			d.declared = true;
			p->doc[p->ndoc++] = d;
		}
	} else { /* paper.backfill */
		memset(&d, 0, sizeof d);
		if (!doc_of(o, &d))
			goto out;
		struct yzf_paper_doc *have = find_doc(p, d.doctype, d.year,
						      d.no);
		if (!have) {
			if ((rc = grow(y, (void **)&p->doc, &p->cap_doc, p->ndoc,
				       sizeof *p->doc)))
				goto out;
			have = &p->doc[p->ndoc++];
			*have = d;
			memcpy(have->episode, epi, strlen(epi) + 1);
		}
		/* the entry's own act time rules over the declared one: it
		 * is what the signed paper says */
		if (have->entries++ == 0 ||
		    e->rec.at_ms < have->entered_ms) {
			have->backfilled = true;
			have->act_ms = d.act_ms;
			memcpy(have->feed, e->rec.feed, YZF_KEY_LEN);
			have->seq = e->rec.seq;
			have->entered_ms = e->rec.at_ms;
		}
	}
out:
	cJSON_Delete(o);
	return rc;
}

/* Everything paper the store holds, read back from the records. */
static int gather(struct yzf *y, struct paper *p)
{
	static const char *const types[] = { "paper.start", "paper.end",
					     "paper.backfill" };
	int rc = YZF_OK;
	memset(p, 0, sizeof *p);
	for (size_t t = 0; !rc && t < sizeof types / sizeof *types; t++) {
		struct yzf_iter *it = NULL;
		struct yzf_entry e;
		struct yzf_query q = { .type = types[t] };
		rc = yzf_iter_open(y, &q, &it);
		while (!rc && (rc = yzf_iter_next(it, &e)) == 1)
			rc = take(y, p, &e);
		yzf_iter_close(it);
		if (rc > 0)
			rc = YZF_OK;
	}
	if (rc)
		paper_free(p);
	return rc;
}

static const struct episode *open_of(const struct paper *p,
				     const uint8_t feed[YZF_KEY_LEN])
{
	for (size_t i = p->nep; i-- > 0;)
		if (!memcmp(p->ep[i].feed, feed, YZF_KEY_LEN) && !p->ep[i].end_ms)
			return &p->ep[i];
	return NULL;
}

/* Whether the serial lies in a block of paper forms leased here. */
static bool registered(struct yzf *y, const struct yzf_paper_doc *d)
{
	sqlite3_stmt *st;
	char type[YZF_PAPER_DOCTYPE_MAX + 2];
	bool yes = false;
	snprintf(type, sizeof type, "P-%s", d->doctype);
	if (sqlite3_prepare_v2(y->db, "SELECT 1 FROM leases WHERE doc_type = ? "
			       "AND year = ? AND ? BETWEEN first AND last "
			       "LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, d->year);
	sqlite3_bind_int64(st, 3, d->no);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return yes;
}

/* The deadline of a document and, as of `when`, whether it is missed and
 * by how many working days. */
static void judge(const struct yzf_calendar *cal, struct yzf_paper_doc *d,
		  int64_t when)
{
	struct yzf_calendar_span sp;
	d->due_known = cal && !yzf_calendar_add_working_days(
					      cal, d->act_ms, 480,
					      YZF_PAPER_BACKFILL_WD, &d->due);
	d->late = d->due_known && when >= d->due.end_ms;
	d->late_wd = 0;
	if (d->late && !yzf_calendar_working_days_between(
			       cal, d->due.date, yzf_date_of(when), &sp))
		d->late_wd = sp.days;
}

static int put_episode(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		       const char *type, const char *episode,
		       const struct yzf_buf *b, int64_t *seq)
{
	if (b->oom)
		return yzf_fail(y, YZF_ENOMEM, "out of memory");
	struct yzf_append a = { .type = type, .case_id = episode,
				.body = (const char *)b->p, .body_len = b->len };
	return yzf_append(y, feed, &a, 1, seq);
}

int yzf_paper_start(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		    const char *ground, const char *text, const char *place,
		    char episode[YZF_PAPER_EPISODE_MAX], int64_t *seq)
{
	static const char *const grounds[] = { "no_network", "platform_failure",
					       "devices_forbidden", "other" };
	struct paper p;
	struct yzf_buf b = { 0 };
	uint8_t r[6];
	char hex[13], t[32];
	int64_t now;
	int32_t tz;
	size_t g = 0;
	while (g < 4 && ground && strcmp(ground, grounds[g]) != 0)
		g++;
	if (g == 4)
		return yzf_fail(y, YZF_EINVAL, "ground: one of no_network, "
				"platform_failure, devices_forbidden, other "
				"(%s第一款)", ART22);
	if (g == 3 && (!text || !*text))
		return yzf_fail(y, YZF_EINVAL, "text: the ground `other` names "
				"the law or rule that allows paper (%s第一款"
				"第四项)", ART22);
	int rc = gather(y, &p);
	if (rc)
		return rc;
	const struct episode *open = open_of(&p, feed);
	if (open) {
		yzf_time_fmt(open->start_ms, 480, t);
		rc = yzf_fail(y, YZF_ESTATE, "paper episode %s, started %s, is "
			      "still open: end it first", open->id, t);
		paper_free(&p);
		return rc;
	}
	paper_free(&p);
	if ((rc = yzf_time_now(y, &now, &tz)) || (rc = yzf_random(y, r, sizeof r)))
		return rc;
	yzf_hex(r, sizeof r, hex);
	yzf_time_fmt(now, 480, t);
	snprintf(episode, YZF_PAPER_EPISODE_MAX, "P-%.4s%.2s%.2s-%s", t, t + 5,
		 t + 8, hex);
	yzf_buf_puts(&b, "{\"episode\":");
	yzf_canon_put_str(&b, episode, strlen(episode));
	yzf_buf_puts(&b, ",\"ground\":");
	yzf_canon_put_str(&b, grounds[g], strlen(grounds[g]));
	if (text && *text) {
		yzf_buf_puts(&b, ",\"text\":");
		yzf_canon_put_str(&b, text, strlen(text));
	}
	if (place && *place) {
		yzf_buf_puts(&b, ",\"place\":");
		yzf_canon_put_str(&b, place, strlen(place));
	}
	yzf_buf_putc(&b, '}');
	rc = put_episode(y, feed, "paper.start", episode, &b, seq);
	yzf_buf_free(&b);
	return rc;
}

int yzf_paper_open(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		   char episode[YZF_PAPER_EPISODE_MAX], int64_t *started_ms)
{
	struct paper p;
	int rc = gather(y, &p);
	if (rc)
		return rc;
	const struct episode *open = open_of(&p, feed);
	if (!open) {
		rc = YZF_ENOTFOUND;
	} else {
		if (episode)
			memcpy(episode, open->id, YZF_PAPER_EPISODE_MAX);
		if (started_ms)
			*started_ms = open->start_ms;
	}
	paper_free(&p);
	return rc;
}

int yzf_paper_end(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		  const char *docs, size_t len,
		  char episode[YZF_PAPER_EPISODE_MAX], int64_t *seq)
{
	struct paper p;
	struct yzf_buf b = { 0 };
	cJSON *arr = NULL, *it;
	int64_t now;
	int32_t tz;
	int rc = yzf_time_now(y, &now, &tz);
	if (rc || (rc = gather(y, &p)))
		return rc;
	const struct episode *open = open_of(&p, feed);
	if (!open) {
		rc = yzf_fail(y, YZF_ENOTFOUND, "no paper episode is open on "
			      "this feed");
		goto out;
	}
	memcpy(episode, open->id, YZF_PAPER_EPISODE_MAX);
	if (!docs || !len) {
		docs = "[]";
		len = 2;
	}
	arr = cJSON_ParseWithLength(docs, len);
	if (!cJSON_IsArray(arr)) {
		rc = yzf_fail(y, YZF_EINVAL, "docs: a JSON array of {doctype, "
			      "serial, at}");
		goto out;
	}
	int i = 0;
	cJSON_ArrayForEach(it, arr) {
		struct yzf_paper_doc d = { 0 };
		/* the schema names a malformed one when the record is made */
		if (doc_of(it, &d) && (d.act_ms < open->start_ms ||
				       d.act_ms > now)) {
			rc = yzf_fail(y, YZF_EINVAL, "docs[%d].at: the paper act "
				      "must lie within the episode (from its "
				      "start to now)", i);
			goto out;
		}
		i++;
	}
	yzf_buf_puts(&b, "{\"episode\":");
	yzf_canon_put_str(&b, episode, strlen(episode));
	yzf_buf_puts(&b, ",\"docs\":");
	yzf_buf_put(&b, docs, len);
	yzf_buf_putc(&b, '}');
	rc = put_episode(y, feed, "paper.end", episode, &b, seq);
out:
	cJSON_Delete(arr);
	yzf_buf_free(&b);
	paper_free(&p);
	return rc;
}

int yzf_paper_backfill(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		       const struct yzf_calendar *cal, const char *body,
		       size_t len, char *warn, size_t cap, int64_t *seq,
		       struct yzf_paper_doc *out)
{
	struct paper p = { 0 };
	struct yzf_paper_doc d = { 0 };
	char msg[512], t[32], fh[17];
	cJSON *o = NULL;
	int64_t now;
	int32_t tz;
	if (warn && cap)
		warn[0] = 0;
	struct yzf_buf canon = { 0 };
	/* the schema names a bad field before any rule is judged */
	int rc = yzf_schemas_canon(y->schemas, "paper.backfill", body, len,
				   &canon, msg, sizeof msg);
	yzf_buf_free(&canon);
	if (rc)
		return yzf_fail(y, rc, "paper.backfill: %s", msg);
	rc = yzf_time_now(y, &now, &tz);
	if (rc || (rc = gather(y, &p)))
		return rc;
	o = cJSON_ParseWithLength(body, len);
	const char *epi = str_of(o, "episode");
	if (!o || !epi || !doc_of(o, &d)) {
		rc = yzf_fail(y, o ? YZF_EINVAL : YZF_ENOMEM, "paper.backfill: "
			      "at: not a time");
		goto out;
	}
	const struct yzf_paper_doc *have = find_doc(&p, d.doctype, d.year,
						    d.no);
	if (have && have->backfilled) {
		yzf_hex(have->feed, 8, fh);
		yzf_time_fmt(have->entered_ms, 480, t);
		rc = yzf_fail(y, YZF_EEXIST, "serial: %s %lld No. %lld was "
			      "entered already, by feed %s seq %lld in episode "
			      "%s at %s", d.doctype, (long long)d.year,
			      (long long)d.no, fh, (long long)have->seq,
			      have->episode, t);
		goto out;
	}
	if (d.act_ms > now + 5 * 60 * 1000) {
		rc = yzf_fail(y, YZF_EINVAL, "at: the paper act lies in the "
			      "future");
		goto out;
	}
	const struct episode *ep = find_ep(&p, epi);
	if (ep && (d.act_ms < ep->start_ms ||
		   (ep->end_ms && d.act_ms > ep->end_ms))) {
		rc = yzf_fail(y, YZF_EINVAL, "at: the paper act lies outside "
			      "episode %s", epi);
		goto out;
	}
	struct yzf_append a = { .type = "paper.backfill", .case_id = epi,
				.body = body, .body_len = len };
	if ((rc = yzf_append(y, feed, &a, 1, seq)))
		goto out;
	judge(cal, &d, now);
	d.registered = registered(y, &d);
	d.backfilled = true;
	d.entries = 1;
	memcpy(d.episode, epi, strlen(epi) + 1);
	memcpy(d.feed, feed, YZF_KEY_LEN);
	d.seq = seq ? *seq : 0;
	d.entered_ms = now;
	if (out)
		*out = d;
	size_t w = 0;
	if (!d.due_known)
		w += (size_t)snprintf(msg + w, sizeof msg - w, "no calendar held: "
				      "the deadline is unknown; ");
	else if (d.late)
		w += (size_t)snprintf(msg + w, sizeof msg - w, "entered %lld "
				      "working days late (due by the end of "
				      "day %lld after the act: %s); ",
				      (long long)d.late_wd,
				      (long long)YZF_PAPER_BACKFILL_WD, ART22);
	if (w < sizeof msg && !d.registered)
		w += (size_t)snprintf(msg + w, sizeof msg - w, "serial %s %lld "
				      "No. %lld is not in a block of paper "
				      "forms registered on this terminal; ",
				      d.doctype, (long long)d.year,
				      (long long)d.no);
	if (w >= 2 && w < sizeof msg)
		msg[w - 2] = 0;
	if (warn && cap && w)
		snprintf(warn, cap, "%s", msg);
out:
	cJSON_Delete(o);
	paper_free(&p);
	return rc;
}

static int by_urgency(const void *a, const void *b)
{
	const struct yzf_paper_doc *x = a, *z = b;
	if (x->backfilled != z->backfilled)
		return x->backfilled ? 1 : -1;
	return (x->act_ms > z->act_ms) - (x->act_ms < z->act_ms);
}

int yzf_paper_docs(struct yzf *y, const struct yzf_calendar *cal,
		   int64_t now, struct yzf_paper_doc **docs, size_t *n)
{
	struct paper p;
	int rc = gather(y, &p);
	*docs = NULL;
	*n = 0;
	if (rc)
		return rc;
	for (size_t i = 0; i < p.ndoc; i++) {
		struct yzf_paper_doc *d = &p.doc[i];
		judge(cal, d, d->backfilled ? d->entered_ms : now);
		d->registered = registered(y, d);
	}
	if (p.ndoc)
		qsort(p.doc, p.ndoc, sizeof *p.doc, by_urgency);
	*docs = p.doc;
	*n = p.ndoc;
	free(p.ep);
	return YZF_OK;
}

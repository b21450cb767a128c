/* loclock.c — the location lock (平台办法第二十一条): approvals, off and
 * on, and the judgement of each record's fix. Like a case, the state is
 * read back from the records, so the city and an auditor judge alike. */
#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yzf/canon.h"
#include "yzf/cert.h"
#include "yzf/config.h"
#include "yzf/location.h"
#include "yzf/loclock.h"
#include "yzf/store.h"
#include "yzf/time.h"
#include "internal.h"
#include "util.h"

#define ART21 "《广东省一体化行政执法平台管理办法》第二十一条"

/* One loc.approve, with what its signer's certificate says. */
struct approval {
	uint8_t feed[YZF_KEY_LEN];
	int64_t seq, at_ms, from_ms, until_ms;
	char officer[33], case_id[YZF_CASE_MAX], uscc[19];
	bool by_head;
};

struct approvals {
	struct approval *a;
	size_t n;
};

static const char *str_of(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool time_of(const cJSON *o, const char *k, int64_t *ms)
{
	const char *s = str_of(o, k);
	int32_t tz;
	return s && yzf_time_parse(s, strlen(s), ms, &tz);
}

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

/* Every approval held, from any feed (the head's, pulled or imported). */
static int load_approvals(struct yzf *y, struct approvals *out)
{
	struct yzf_iter *it = NULL;
	struct yzf_entry e;
	struct yzf_query q = { .type = "loc.approve" };
	size_t cap = 0;
	int rc = yzf_iter_open(y, &q, &it);
	memset(out, 0, sizeof *out);
	while (!rc && (rc = yzf_iter_next(it, &e)) == 1) {
		rc = YZF_OK;
		cJSON *o = cJSON_ParseWithLength((const char *)e.rec.body,
						 e.rec.body_len);
		struct approval ap = { .seq = e.rec.seq, .at_ms = e.rec.at_ms };
		struct yzf_buf line = { 0 };
		struct yzf_signed_cert sc;
		if (!o || !time_of(o, "from", &ap.from_ms) ||
		    !time_of(o, "until", &ap.until_ms)) {
			cJSON_Delete(o);
			continue; /* the schema makes this impossible */
		}
		memcpy(ap.feed, e.rec.feed, YZF_KEY_LEN);
		copy(ap.officer, sizeof ap.officer, str_of(o, "officer"));
		copy(ap.case_id, sizeof ap.case_id, str_of(o, "case"));
		cJSON_Delete(o);
		if (yzf_feed_cert(y, ap.feed, &line, &sc) == YZF_OK) {
			ap.by_head = (sc.c.roles & YZF_ROLE_HEAD) != 0;
			copy(ap.uscc, sizeof ap.uscc, sc.c.uscc);
		}
		yzf_buf_free(&line);
		if (out->n == cap) {
			size_t c = cap ? 2 * cap : 8;
			void *p = realloc(out->a, c * sizeof *out->a);
			if (!p) {
				rc = yzf_fail(y, YZF_ENOMEM, "out of memory");
				break;
			}
			out->a = p;
			cap = c;
		}
		out->a[out->n++] = ap;
	}
	yzf_iter_close(it);
	if (rc < 0) {
		free(out->a);
		out->a = NULL;
		out->n = 0;
		return rc;
	}
	return YZF_OK;
}

/* The officer a feed belongs to, from its certificate. */
static int officer_of(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		      struct yzf_cert *c)
{
	struct yzf_buf line = { 0 };
	struct yzf_signed_cert sc;
	int rc = yzf_feed_cert(y, feed, &line, &sc);
	if (!rc)
		*c = sc.c;
	yzf_buf_free(&line);
	return rc;
}

/* A valid approval for the officer at time t, for the case worked on:
 * the head of the officer's own agency signed it before t, and t lies in
 * its window. NULL if none. */
static const struct approval *covering(const struct approvals *aps,
				       const struct yzf_cert *officer,
				       const char *case_id, int64_t t)
{
	for (size_t i = 0; i < aps->n; i++) {
		const struct approval *a = &aps->a[i];
		bool scope = a->officer[0]
				     ? !strcmp(a->officer, officer->officer_no)
				     : case_id && *case_id &&
					       !strcmp(a->case_id, case_id);
		if (a->by_head && !strcmp(a->uscc, officer->uscc) && scope &&
		    a->at_ms <= t && a->from_ms <= t && t < a->until_ms)
			return a;
	}
	return NULL;
}

int yzf_loclock_approve(struct yzf *y, const uint8_t head_feed[YZF_KEY_LEN],
			const char *officer_no, const char *case_id,
			int64_t from_ms, int64_t until_ms, const char *reason,
			int64_t *seq)
{
	struct yzf_cert head;
	struct yzf_buf b = { 0 };
	char t[YZF_TIME_LEN + 1], env_case[YZF_CASE_MAX];
	bool by_officer = officer_no && *officer_no, by_case = case_id && *case_id;
	int rc = officer_of(y, head_feed, &head);
	if (rc)
		return rc;
	if (!(head.roles & YZF_ROLE_HEAD))
		return yzf_fail(y, YZF_ECERT, "loc.approve: only the agency head "
				"approves location off (%s); %s's certificate "
				"has no head role", ART21, head.name);
	if (by_officer == by_case)
		return yzf_fail(y, YZF_EINVAL, "loc.approve: scope: one of "
				"officer and case");
	if (until_ms <= from_ms)
		return yzf_fail(y, YZF_EINVAL, "loc.approve: until: must come "
				"after from");
	/* officer-scoped approvals go where the officer's terminal will pull
	 * them (schemas/sync.md); case-scoped ones travel with the case */
	snprintf(env_case, sizeof env_case, "%s%s", by_case ? "" : "L-",
		 by_case ? case_id : officer_no);
	yzf_buf_putc(&b, '{');
	if (by_officer) {
		yzf_buf_puts(&b, "\"officer\":");
		yzf_canon_put_str(&b, officer_no, strlen(officer_no));
	} else {
		yzf_buf_puts(&b, "\"case\":");
		yzf_canon_put_str(&b, case_id, strlen(case_id));
	}
	yzf_time_fmt(from_ms, 480, t);
	yzf_buf_puts(&b, ",\"from\":");
	yzf_canon_put_str(&b, t, strlen(t));
	yzf_time_fmt(until_ms, 480, t);
	yzf_buf_puts(&b, ",\"until\":");
	yzf_canon_put_str(&b, t, strlen(t));
	yzf_buf_puts(&b, ",\"reason\":");
	yzf_canon_put_str(&b, reason ? reason : "", reason ? strlen(reason) : 0);
	yzf_buf_putc(&b, '}');
	if (b.oom) {
		yzf_buf_free(&b);
		return yzf_fail(y, YZF_ENOMEM, "out of memory");
	}
	struct yzf_append a = { .type = "loc.approve", .case_id = env_case,
				.body = (const char *)b.p, .body_len = b.len };
	rc = yzf_append(y, head_feed, &a, 1, seq);
	yzf_buf_free(&b);
	return rc;
}

/* The seq of the feed's loc.off in force, 0 if location is on: the last
 * of its loc.off and loc.on records, read from the clear columns. */
int yzf_loc_off_seq(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		    int64_t *seq)
{
	/* by the type index: a feed's loc.* records are few, its others
	 * many; prepared once (this runs at every append) */
	sqlite3_stmt *st = yzf_stmt(y, ST_LOC_OFF, "SELECT (SELECT max(seq) "
				    "FROM records WHERE type = 'loc.off' AND "
				    "feed = ?1), (SELECT max(seq) FROM records "
				    "WHERE type = 'loc.on' AND feed = ?1)");
	*seq = 0;
	if (!st)
		return YZF_EIO;
	sqlite3_bind_blob(st, 1, feed, YZF_KEY_LEN, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_int64(st, 0) > sqlite3_column_int64(st, 1))
		*seq = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return YZF_OK;
}

int yzf_loc_here(struct yzf *y, const uint8_t feed[YZF_KEY_LEN], int64_t mono,
		 struct yzf_loc *out)
{
	static const char *const src[] = { "none", "gnss", "gpsd", "sim" };
	struct yzf_fix f;
	int64_t off;
	int rc = yzf_loc_off_seq(y, feed, &off);
	memset(out, 0, sizeof *out);
	if (rc)
		return rc;
	if (off) {
		copy(out->none, sizeof out->none, "off");
		return YZF_OK;
	}
	/* the officer's work is never refused for lack of a fix: whatever
	 * the device says becomes the reason, and the judge flags it */
	rc = yzf_location_current(y, &f);
	if (rc || !f.valid || f.source > YZF_FIX_SRC_SIM) {
		copy(out->none, sizeof out->none,
		     rc == YZF_ENOTFOUND ? "no_source"
		     : rc ? "device_error" : "no_fix");
		return YZF_OK;
	}
	out->fix = true;
	copy(out->src, sizeof out->src, src[f.source]);
	out->lat = f.lat_e7;
	out->lon = f.lon_e7;
	/* the error the receiver reported, else HDOP times a 5 m range
	 * error, a receiver's usual figure */
	out->acc_cm = f.accuracy_mm != YZF_FIX_ABSENT ? f.accuracy_mm / 10
		      : f.hdop_x100 != YZF_FIX_ABSENT ? (int64_t)f.hdop_x100 * 5
						       : 1000000000;
	if (out->acc_cm < 0)
		out->acc_cm = 0;
	out->age_ms = mono > f.mono_ms ? mono - f.mono_ms : 0;
	out->sats = f.sats_used;
	return YZF_OK;
}

/* The feed's loc.off in force, if any: its seq, time and case. */
static int off_in_force(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
			int64_t *seq, int64_t *at_ms, char case_id[YZF_CASE_MAX])
{
	struct yzf_iter *it = NULL;
	struct yzf_entry e;
	*at_ms = 0;
	if (case_id)
		case_id[0] = 0;
	int rc = yzf_loc_off_seq(y, feed, seq);
	if (rc || !*seq)
		return rc;
	struct yzf_query q = { .feed = feed, .from = *seq };
	rc = yzf_iter_open(y, &q, &it);
	if (!rc && (rc = yzf_iter_next(it, &e)) == 1) {
		cJSON *o = cJSON_ParseWithLength((const char *)e.rec.body,
						 e.rec.body_len);
		if (case_id)
			copy(case_id, YZF_CASE_MAX, str_of(o, "case"));
		cJSON_Delete(o);
		*at_ms = e.rec.at_ms;
		rc = YZF_OK;
	}
	yzf_iter_close(it);
	return rc;
}

int yzf_loclock_state(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		      int64_t now, struct yzf_loclock_state *st)
{
	struct approvals aps;
	struct yzf_cert officer;
	char c[YZF_CASE_MAX];
	memset(st, 0, sizeof *st);
	int rc = off_in_force(y, feed, &st->off_seq, &st->off_ms, c);
	if (rc || (rc = officer_of(y, feed, &officer)) ||
	    (rc = load_approvals(y, &aps)))
		return rc;
	st->off = st->off_seq > 0;
	const struct approval *a = covering(&aps, &officer, c, now);
	if (a) {
		st->approved = true;
		memcpy(st->ap_feed, a->feed, YZF_KEY_LEN);
		st->ap_seq = a->seq;
		st->ap_until_ms = a->until_ms;
	}
	free(aps.a);
	return YZF_OK;
}

static void put_ref(struct yzf_buf *b, const uint8_t feed[YZF_KEY_LEN],
		    int64_t seq)
{
	char h[2 * YZF_KEY_LEN + 1];
	yzf_hex(feed, YZF_KEY_LEN, h);
	yzf_buf_puts(b, "{\"feed\":\"");
	yzf_buf_puts(b, h);
	yzf_buf_puts(b, "\",\"seq\":");
	yzf_canon_put_int(b, seq);
	yzf_buf_putc(b, '}');
}

int yzf_loclock_off(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		    const char *reason, const char *case_id, bool *approved,
		    int64_t *seq)
{
	struct yzf_loclock_state st;
	struct yzf_buf off = { 0 }, vio = { 0 };
	int64_t now, head;
	int32_t tz;
	uint8_t id[YZF_ID_LEN];
	if (!reason || !*reason)
		return yzf_fail(y, YZF_EINVAL, "loc.off: reason: required");
	int rc = yzf_time_now(y, &now, &tz);
	if (rc || (rc = yzf_loclock_state(y, feed, now, &st)) ||
	    (rc = yzf_head(y, feed, &head, id)))
		return rc;
	if (st.off)
		return yzf_fail(y, YZF_ESTATE, "location is off already (loc.off "
				"seq %lld)", (long long)st.off_seq);
	/* the approval that counts is the one for the case now worked on */
	if (case_id && *case_id && !st.approved) {
		struct approvals aps;
		struct yzf_cert officer;
		if ((rc = officer_of(y, feed, &officer)) ||
		    (rc = load_approvals(y, &aps)))
			return rc;
		const struct approval *a = covering(&aps, &officer, case_id, now);
		if (a) {
			st.approved = true;
			memcpy(st.ap_feed, a->feed, YZF_KEY_LEN);
			st.ap_seq = a->seq;
		}
		free(aps.a);
	}
	yzf_buf_puts(&off, "{\"reason\":");
	yzf_canon_put_str(&off, reason, strlen(reason));
	if (case_id && *case_id) {
		yzf_buf_puts(&off, ",\"case\":");
		yzf_canon_put_str(&off, case_id, strlen(case_id));
	}
	yzf_buf_puts(&off, ",\"approval\":");
	if (st.approved)
		put_ref(&off, st.ap_feed, st.ap_seq);
	else
		yzf_buf_puts(&off, "null");
	yzf_buf_putc(&off, '}');
	yzf_buf_puts(&vio, "{\"off\":");
	put_ref(&vio, feed, head + 1);
	yzf_buf_puts(&vio, ",\"rule\":\"location turned off without an "
		     "approval of the agency head in force (" ART21 ")\"}");
	if (off.oom || vio.oom) {
		rc = yzf_fail(y, YZF_ENOMEM, "out of memory");
		goto out;
	}
	struct yzf_append a[2] = {
		{ .type = "loc.off", .case_id = case_id, .body = (const char *)off.p,
		  .body_len = off.len,
		  .loc = NULL },
		{ .type = "loc.violation", .case_id = case_id,
		  .body = (const char *)vio.p, .body_len = vio.len },
	};
	rc = yzf_append(y, feed, a, st.approved ? 1 : 2, seq);
	if (!rc && approved)
		*approved = st.approved;
out:
	yzf_buf_free(&off);
	yzf_buf_free(&vio);
	return rc;
}

int yzf_loclock_on(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		   int64_t *seq)
{
	struct yzf_buf b = { 0 };
	int64_t off_seq, off_ms;
	int rc = off_in_force(y, feed, &off_seq, &off_ms, NULL);
	if (rc)
		return rc;
	if (!off_seq)
		return yzf_fail(y, YZF_ESTATE, "location is on");
	yzf_buf_puts(&b, "{\"off\":");
	put_ref(&b, feed, off_seq);
	yzf_buf_putc(&b, '}');
	struct yzf_append a = { .type = "loc.on", .body = (const char *)b.p,
				.body_len = b.len };
	rc = b.oom ? yzf_fail(y, YZF_ENOMEM, "out of memory")
		   : yzf_append(y, feed, &a, 1, seq);
	yzf_buf_free(&b);
	return rc;
}

/* Integer square root (the judgement stays exact on every platform). */
static uint64_t isqrt(uint64_t v)
{
	uint64_t r = 0, bit = (uint64_t)1 << 62;
	while (bit > v)
		bit >>= 2;
	while (bit) {
		if (v >= r + bit) {
			v -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

/* Distance in mm between two fixes, equirectangular: at the few
 * kilometres between two records its error is far below a fix's. cos of
 * the latitude in 1/65536 by its Taylor series to x^8 (|lat| <= 90). */
static uint64_t dist_mm(const struct yzf_loc *a, const struct yzf_loc *b)
{
	/* 1e-7 degree of a great circle: 11.1195 mm */
	int64_t mid = (a->lat + b->lat) / 2;
	int64_t x = mid * 65536 / 1800000000LL * 31416 / 10000; /* rad 2^16 */
	int64_t x2 = x * x / 65536, c = 65536, term = 65536;
	for (int k = 1; k <= 4; k++) {
		term = -term * x2 / 65536 / ((2 * k - 1) * (2 * k));
		c += term;
	}
	if (c < 0)
		c = 0;
	int64_t dy = (b->lat - a->lat) * 111195 / 10000;
	int64_t dx = (b->lon - a->lon) * 111195 / 10000 * c / 65536;
	int shift = 0;
	/* half a world apart: scale so the squares cannot overflow */
	while (dx > 2000000000 || dx < -2000000000 || dy > 2000000000 ||
	       dy < -2000000000) {
		dx /= 2;
		dy /= 2;
		shift++;
	}
	return isqrt((uint64_t)(dx * dx) + (uint64_t)(dy * dy)) << shift;
}

int yzf_loclock_judge(struct yzf *y, const uint8_t feed[YZF_KEY_LEN],
		      int (*each)(void *ctx, const struct yzf_loc_judged *r),
		      void *ctx)
{
	struct approvals aps;
	struct yzf_cert officer;
	struct yzf_iter *it = NULL;
	struct yzf_entry e;
	struct yzf_query q = { .feed = feed, .from = 1 };
	struct yzf_loc prev = { 0 };
	int64_t prev_at = 0;
	bool off = false, have_prev = false;
	int stop = 0;
	char off_case[YZF_CASE_MAX] = "";
	int rc = officer_of(y, feed, &officer);
	if (rc || (rc = load_approvals(y, &aps)))
		return rc;
	rc = yzf_iter_open(y, &q, &it);
	while (!rc && (rc = yzf_iter_next(it, &e)) == 1) {
		struct yzf_loc_judged j = { .seq = e.rec.seq,
					    .at_ms = e.rec.at_ms,
					    .loc = e.rec.loc };
		rc = YZF_OK;
		copy(j.type, sizeof j.type, e.rec.type);
		if (!strncmp(e.rec.type, "loc.", 4)) {
			if (!strcmp(e.rec.type, "loc.off")) {
				cJSON *o = cJSON_ParseWithLength(
					(const char *)e.rec.body, e.rec.body_len);
				copy(off_case, sizeof off_case, str_of(o, "case"));
				cJSON_Delete(o);
				off = true;
			} else if (!strcmp(e.rec.type, "loc.on")) {
				off = false;
			}
			stop = each(ctx, &j);
			if (stop)
				break;
			continue;
		}
		if (off) {
			const char *c = e.rec.case_id[0] ? e.rec.case_id : off_case;
			j.flags |= YZF_LOCF_OFF;
			if (!covering(&aps, &officer, c, e.rec.at_ms))
				j.flags |= YZF_LOCF_UNAPPROVED;
		}
		if (!e.rec.loc.fix) {
			if (strcmp(e.rec.loc.none, "off") != 0)
				j.flags |= YZF_LOCF_NOFIX;
		} else {
			if (e.rec.loc.age_ms > YZF_LOC_MAX_AGE_MS)
				j.flags |= YZF_LOCF_STALE;
			if (e.rec.loc.acc_cm > YZF_LOC_MAX_ACC_CM)
				j.flags |= YZF_LOCF_COARSE;
			if (have_prev) {
				int64_t dt = e.rec.at_ms - prev_at;
				uint64_t d = dist_mm(&prev, &e.rec.loc);
				if (dt < 1000)
					dt = 1000; /* two records in one second */
				j.speed_mm_s = (int64_t)(d * 1000 / (uint64_t)dt);
				if (j.speed_mm_s > YZF_LOC_MAX_SPEED_MM_S)
					j.flags |= YZF_LOCF_JUMP;
			}
			prev = e.rec.loc;
			prev_at = e.rec.at_ms;
			have_prev = true;
		}
		if ((stop = each(ctx, &j)))
			break;
	}
	yzf_iter_close(it);
	free(aps.a);
	return stop ? stop : rc < 0 ? rc : YZF_OK;
}

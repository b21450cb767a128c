/* The store half as a syncd_app: open and close, the authentication of
 * /v1 requests (schemas/sync.md, "Authentication") and the routing. */
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yzf/time.h>

#include "store_app.h"
#include "embedded.h"
#include "blobs.h"
#include "enroll.h"
#include "ingest.h"
#include "lease.h"
#include "pull.h"
#include "schema.h"

#define HTTP_DOMAIN "yzf-http-v1"

struct app {
	struct syncd_store *store;
	struct yzf_schemas *schemas;
	/* Request threads read the roster under the read lock; enrollment
	 * swaps in a new one under the write lock. */
	pthread_rwlock_t roster_lock;
	struct syncd_enroll enroll;
	struct syncd_blobs blobs;
	bool blobs_ready;
	struct syncd_ingest in;
	/* per-feed token buckets: a small open-addressed table, replaced
	 * slot by slot when full (an evicted feed just starts a new bucket) */
	pthread_mutex_t rate_mu;
	struct bucket {
		uint8_t feed[8];
		int64_t at;      /* ms of the last refill */
		int64_t milli;   /* tokens x 1000 */
	} buckets[1024];
	int64_t rate;            /* pushes per second */
	size_t pull_page;        /* records in one pull answer */
	/* the authority files as last loaded, checked at most once a second
	 * so `yzf-syncd admin revoke` takes effect on the running daemon */
	_Atomic int64_t roster_checked;
	int64_t roster_sig;      /* written under the roster write lock */
	int64_t skew_ms;
	struct syncd_stats stats;
};

/* "YZF1 feed=<64 hex>, at=<TIME>, sig=<128 hex>", exactly. */
#define AUTH_FEED 10
#define AUTH_AT (AUTH_FEED + 64 + 5)
#define AUTH_SIG (AUTH_AT + YZF_TIME_LEN + 6)
#define AUTH_LEN (AUTH_SIG + 128)

/* Check the Authorization header: well formed, `at` within the skew of
 * the server clock, the feed known, the signature over the request by the
 * feed key, the feed's certificate not revoked at the request's time. On
 * success feed receives the key; otherwise msg says what failed. */
static bool authenticate(const struct app *a, const struct syncd_request *req,
			 int64_t now, uint8_t feed[YZF_KEY_LEN], char *msg,
			 size_t cap)
{
	const char *h = req->authorization;
	uint8_t sig[YZF_SIG_LEN], hash[32];
	int64_t at;
	int32_t tz;
	char why[300], fh[2 * YZF_KEY_LEN + 1];
	if (!h) {
		snprintf(msg, cap, "Authorization: missing");
		return false;
	}
	if (strlen(h) != AUTH_LEN || memcmp(h, "YZF1 feed=", AUTH_FEED) != 0 ||
	    memcmp(h + AUTH_FEED + 64, ", at=", 5) != 0 ||
	    memcmp(h + AUTH_SIG - 6, ", sig=", 6) != 0 ||
	    !syncd_unhex(h + AUTH_FEED, 64, feed, YZF_KEY_LEN) ||
	    !yzf_time_parse(h + AUTH_AT, YZF_TIME_LEN, &at, &tz) ||
	    !syncd_unhex(h + AUTH_SIG, 128, sig, YZF_SIG_LEN)) {
		snprintf(msg, cap, "Authorization: not \"YZF1 feed=<64 hex>, "
			 "at=<time>, sig=<128 hex>\"");
		return false;
	}
	int64_t off = at > now ? at - now : now - at;
	if (off > a->skew_ms) {
		snprintf(msg, cap, "Authorization: at is %lld s from the "
			 "server clock, more than auth_skew (%lld s)",
			 (long long)(off / 1000),
			 (long long)(a->skew_ms / 1000));
		return false;
	}
	syncd_hex(feed, YZF_KEY_LEN, fh);
	/* revoked at the request's time, or by now */
	int rc = syncd_roster_check_request(a->in.roster, feed,
					    at > now ? at : now, why,
					    sizeof why);
	if (rc == YZF_ENOTFOUND) {
		snprintf(msg, cap, "Authorization: feed %s is unknown: %s", fh,
			 why);
		return false;
	}
	struct yzf_buf m = { 0 };
	char hh[65];
	crypto_generichash(hash, sizeof hash, req->body_len ? req->body : NULL,
			   req->body_len, NULL, 0);
	syncd_hex(hash, sizeof hash, hh);
	yzf_buf_put(&m, HTTP_DOMAIN, sizeof HTTP_DOMAIN); /* with its NUL */
	yzf_buf_puts(&m, req->method ? req->method : "");
	yzf_buf_putc(&m, '\n');
	yzf_buf_puts(&m, req->path ? req->path : "");
	yzf_buf_putc(&m, '\n');
	yzf_buf_put(&m, h + AUTH_AT, YZF_TIME_LEN);
	yzf_buf_putc(&m, '\n');
	yzf_buf_puts(&m, hh);
	bool ok = !m.oom &&
		  crypto_sign_verify_detached(sig, m.p, m.len, feed) == 0;
	yzf_buf_free(&m);
	if (!ok) {
		snprintf(msg, cap, "Authorization: signature does not verify "
			 "under the key of feed %s", fh);
		return false;
	}
	if (rc) {
		snprintf(msg, cap, "Authorization: feed %s: %s", fh, why);
		return false;
	}
	return true;
}

static bool is(const struct syncd_request *req, const char *method,
	       const char *path)
{
	return req->method && req->path && strcmp(req->method, method) == 0 &&
	       strcmp(req->path, path) == 0;
}

/* Take one push token for the feed; false when it is over its rate. */
static bool take_token(struct app *a, const uint8_t feed[YZF_KEY_LEN],
		       int64_t now)
{
	size_t n = sizeof a->buckets / sizeof a->buckets[0];
	size_t i = ((size_t)feed[0] << 8 | feed[1]) % n;
	bool ok;
	pthread_mutex_lock(&a->rate_mu);
	struct bucket *b = &a->buckets[i];
	if (memcmp(b->feed, feed, sizeof b->feed) != 0 || b->at == 0) {
		memcpy(b->feed, feed, sizeof b->feed);
		b->at = now;
		b->milli = 2000 * a->rate; /* a full burst */
	}
	int64_t refill = (now - b->at) * a->rate;
	if (refill > 0) {
		b->milli += refill;
		if (b->milli > 2000 * a->rate)
			b->milli = 2000 * a->rate;
		b->at = now;
	}
	ok = b->milli >= 1000;
	if (ok)
		b->milli -= 1000;
	pthread_mutex_unlock(&a->rate_mu);
	return ok;
}

/* A fingerprint of issued.ndjson and revoked.ndjson: sizes and times
 * (unsigned arithmetic: it wraps by design). */
static int64_t authority_sig(const char *dir)
{
	const char *names[] = { "issued.ndjson", "revoked.ndjson" };
	uint64_t sig = 0;
	for (int i = 0; i < 2; i++) {
		char path[4200];
		struct stat sb;
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (stat(path, &sb) == 0)
			sig = sig * 1000003u + (uint64_t)sb.st_size * 7919u +
			      (uint64_t)sb.st_mtim.tv_sec * 1000000007u +
			      (uint64_t)sb.st_mtim.tv_nsec;
	}
	return (int64_t)(sig >> 1);
}

static void swap_roster(void *ctx, struct syncd_roster *r);

/* Reload the roster when the authority's files changed (a revocation or
 * a certificate issued beside the daemon). A roster that fails to load is
 * logged and the one in force stays: never a silent drop. */
static void maybe_reload(struct app *a, int64_t now)
{
	int64_t last = atomic_load(&a->roster_checked);
	if (now - last < 1000 ||
	    !atomic_compare_exchange_strong(&a->roster_checked, &last, now))
		return;
	const char *dir = syncd_store_authority(a->store);
	int64_t sig = authority_sig(dir);
	pthread_rwlock_rdlock(&a->roster_lock);
	bool same = sig == a->roster_sig;
	pthread_rwlock_unlock(&a->roster_lock);
	if (same)
		return;
	struct syncd_roster *r = NULL;
	char msg[400];
	if (syncd_store_load_roster(syncd_store_path(a->store), dir, &r, msg,
				    sizeof msg) == YZF_OK) {
		swap_roster(a, r);
		pthread_rwlock_wrlock(&a->roster_lock);
		a->roster_sig = sig;
		pthread_rwlock_unlock(&a->roster_lock);
		fprintf(stderr, "yzf-syncd: roster reloaded from %s\n", dir);
	} else {
		fprintf(stderr, "yzf-syncd: roster NOT reloaded, the one in force "
			"stays: %s\n", msg);
	}
}

static void swap_roster(void *ctx, struct syncd_roster *r)
{
	struct app *a = ctx;
	pthread_rwlock_wrlock(&a->roster_lock);
	syncd_store_set_roster(a->store, r);
	a->in.roster = r;
	pthread_rwlock_unlock(&a->roster_lock);
}

static int handle(void *ctx, const struct syncd_request *req,
		  struct syncd_response *resp)
{
	struct app *a = ctx;
	int64_t now = syncd_store_now(a->store);
	uint8_t feed[YZF_KEY_LEN];
	char msg[512];
	int rc = YZF_OK;
	maybe_reload(a, now);
	/* enrollment is authenticated by its one-time code instead */
	if (is(req, "GET", "/v1/trust"))
		return syncd_trust_handle(&a->enroll, resp, now);
	if (is(req, "POST", "/v1/enroll"))
		return syncd_enroll_handle(&a->enroll, req, resp, now);
	/* public: signed by the city; a revoked officer's terminal must
	 * learn it too */
	if (is(req, "GET", "/v1/revocations"))
		return syncd_revocations_handle(a->store, resp, now);
	/* public: terminals and auditors check the city's log alike */
	if (is(req, "GET", "/v1/checkpoint"))
		return syncd_checkpoint_handle(a->store, req, resp, now);
	pthread_rwlock_rdlock(&a->roster_lock);
	if (!authenticate(a, req, now, feed, msg, sizeof msg)) {
		syncd_answer_error(resp, 401, "unauthorized", msg, now);
	} else if (is(req, "POST", "/v1/push") && !take_token(a, feed, now)) {
		snprintf(msg, sizeof msg, "feed pushes faster than push_rate "
			 "(%lld/s): back off", (long long)a->rate);
		syncd_answer_error(resp, 429, "too_many", msg, now);
	} else if (is(req, "POST", "/v1/push")) {
		rc = syncd_ingest_push(&a->in, feed, req, resp);
	} else if (is(req, "POST", "/v1/refdata")) {
		rc = syncd_refdata_handle(a->store, req, resp, now);
	} else if (is(req, "POST", "/v1/lease")) {
		rc = syncd_lease_handle(a->store, feed, req, resp, now);
	} else if (is(req, "POST", "/v1/pull")) {
		rc = syncd_pull_handle(a->store, feed, a->pull_page, req, resp,
				       now);
	} else if (req->path && strncmp(req->path, "/v1/blobs/", 10) == 0) {
		rc = syncd_blobs_handle(&a->blobs, req, resp, now);
	} else {
		snprintf(msg, sizeof msg, "no such endpoint: %.16s %.200s",
			 req->method ? req->method : "",
			 req->path ? req->path : "");
		syncd_answer_error(resp, 404, "not_found", msg, now);
	}
	pthread_rwlock_unlock(&a->roster_lock);
	if (rc)
		return rc;
	return resp->body.oom ? YZF_ENOMEM : YZF_OK;
}

/* 0 when healthy, as int functions answer (the net half checks != 0). */
static int healthy(void *ctx)
{
	struct app *a = ctx;
	return syncd_store_healthy(a->store) ? YZF_OK : YZF_EIO;
}

static struct syncd_stats *stats(void *ctx)
{
	struct app *a = ctx;
	return &a->stats;
}

static void drain(void *ctx)
{
	struct app *a = ctx;
	syncd_store_drain(a->store);
}

static void app_free(struct app *a)
{
	if (!a)
		return;
	syncd_store_close(a->store);
	yzf_schemas_destroy(a->schemas);
	if (a->blobs_ready)
		syncd_blobs_finish(&a->blobs);
	pthread_rwlock_destroy(&a->roster_lock);
	pthread_mutex_destroy(&a->rate_mu);
	free(a);
}

int syncd_app_open_with(const struct syncd_config *cfg,
			const struct syncd_hooks *hooks, struct syncd_app *app,
			char *msg, size_t cap)
{
	char path[4096];
	int rc;
	memset(app, 0, sizeof *app);
	/* the config's strings (arrays or pointers there) as pointers */
	const char *data_dir = cfg ? cfg->data_dir : NULL;
	const char *authority_dir = cfg ? cfg->authority_dir : NULL;
	if (!data_dir || !data_dir[0] || !authority_dir || !authority_dir[0]) {
		snprintf(msg, cap, "config: data_dir and authority_dir are "
			 "required");
		return YZF_EINVAL;
	}
	if (sodium_init() < 0) {
		snprintf(msg, cap, "libsodium failed to initialise");
		return YZF_ECRYPTO;
	}
	if (mkdir(data_dir, 0700) != 0 && errno != EEXIST) {
		snprintf(msg, cap, "data_dir %s: %s", data_dir,
			 strerror(errno));
		return YZF_EIO;
	}
	if ((size_t)snprintf(path, sizeof path, "%s/store.db", data_dir) >=
	    sizeof path) {
		snprintf(msg, cap, "data_dir: path too long");
		return YZF_ERANGE;
	}
	struct app *a = calloc(1, sizeof *a);
	if (!a) {
		snprintf(msg, cap, "out of memory");
		return YZF_ENOMEM;
	}
	pthread_rwlock_init(&a->roster_lock, NULL);
	pthread_mutex_init(&a->rate_mu, NULL);
	a->rate = cfg->push_rate > 0 ? (int64_t)cfg->push_rate
				     : SYNCD_DEFAULT_PUSH_RATE;
	a->pull_page = cfg->pull_page > 0 ? cfg->pull_page
					  : SYNCD_DEFAULT_PULL_PAGE;
	atomic_init(&a->stats.records_ingested, 0);
	atomic_init(&a->stats.records_quarantined, 0);
	atomic_init(&a->stats.feeds_forked, 0);
	atomic_init(&a->stats.push_batches, 0);
	atomic_init(&a->stats.commit_groups, 0);
	atomic_init(&a->stats.store_errors, 0);
	int64_t skew = (int64_t)cfg->auth_skew;
	size_t max = (size_t)cfg->max_push_records;
	a->skew_ms = 1000 * (skew > 0 ? skew : SYNCD_DEFAULT_AUTH_SKEW);
	a->in.max_records = max ? max : SYNCD_DEFAULT_MAX_PUSH_RECORDS;
	rc = yzf_schemas_create(yzf_record_schemas, &a->schemas, msg, cap);
	if (!rc) {
		rc = syncd_blobs_init(&a->blobs, data_dir, 1ULL << 32, msg, cap);
		a->blobs_ready = rc == YZF_OK;
	}
	if (!rc)
		rc = syncd_store_open(path, authority_dir, hooks,
				      &a->stats, &a->store, msg, cap);
	if (rc) {
		app_free(a);
		return rc;
	}
	a->in.store = a->store;
	a->in.roster = syncd_store_roster(a->store);
	a->in.schemas = a->schemas;
	a->roster_sig = authority_sig(authority_dir);
	atomic_init(&a->roster_checked, 0);
	a->enroll = (struct syncd_enroll){ .store = a->store, .lock_ctx = a,
					   .swap_roster = swap_roster };
	app->ctx = a;
	app->handle = handle;
	app->healthy = healthy;
	app->stats = stats;
	app->drain = drain;
	return YZF_OK;
}

int syncd_app_open(const struct syncd_config *cfg, struct syncd_app *app)
{
	char msg[512];
	int rc = syncd_app_open_with(cfg, NULL, app, msg, sizeof msg);
	if (rc)
		fprintf(stderr, "yzf-syncd: %s\n", msg);
	return rc;
}

void syncd_app_close(struct syncd_app *app)
{
	if (!app)
		return;
	app_free(app->ctx);
	memset(app, 0, sizeof *app);
}

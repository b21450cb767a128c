/* yzf-syncd admin — city ops' commands beside a running daemon. They work
 * on the store file directly (SQLite serialises them with the daemon). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <time.h>
#include <unistd.h>
#include "../store/store.h"
#include <yzf/case.h>
#include <yzf/cert.h>
#include <yzf/refset.h>
#include <yzf/time.h>

#include "../store/casefold.h"
#include "../store/enroll.h"
#include "../store/mlog.h"
#include "admin.h"
#include "config.h"

static const char *opt(int argc, char **argv, const char *name)
{
	for (int i = 0; i + 1 < argc; i++)
		if (strncmp(argv[i], "--", 2) == 0 && strcmp(argv[i] + 2, name) == 0)
			return argv[i + 1];
	return NULL;
}

static int enroll_code(const struct syncd_config *cfg, int argc, char **argv)
{
	struct syncd_code_spec c = { 0 };
	const char *name = opt(argc, argv, "name"), *no = opt(argc, argv, "officer-no"),
		   *ag = opt(argc, argv, "agency"), *uscc = opt(argc, argv, "uscc"),
		   *roles = opt(argc, argv, "roles"), *days = opt(argc, argv, "days"),
		   *hours = opt(argc, argv, "hours");
	char path[SYNCD_PATH_MAX + 16], code[SYNCD_CODE_LEN + 1], msg[300];
	struct timespec ts;
	if (!name || !no || !ag || !uscc) {
		fprintf(stderr, "yzf-syncd admin enroll-code: --name --officer-no "
			"--agency --uscc are required\n");
		return 1;
	}
	snprintf(c.name, sizeof c.name, "%s", name);
	snprintf(c.officer_no, sizeof c.officer_no, "%s", no);
	snprintf(c.agency, sizeof c.agency, "%s", ag);
	snprintf(c.uscc, sizeof c.uscc, "%s", uscc);
	c.roles = roles ? yzf_roles_parse(roles) : YZF_ROLE_OFFICER;
	if (!c.roles) {
		fprintf(stderr, "yzf-syncd admin enroll-code: --roles is a list of "
			"officer, reviewer, head\n");
		return 1;
	}
	c.days = days ? (unsigned)atoi(days) : 0;
	c.hours = hours ? (unsigned)atoi(hours) : 0;
	snprintf(path, sizeof path, "%s/store.db", cfg->data_dir);
	clock_gettime(CLOCK_REALTIME, &ts);
	int rc = syncd_code_create(path, &c, (int64_t)ts.tv_sec * 1000 +
					     ts.tv_nsec / 1000000, code, msg,
				   sizeof msg);
	if (rc) {
		fprintf(stderr, "yzf-syncd admin enroll-code: %s\n", msg);
		return rc == YZF_EINVAL ? 1 : 2;
	}
	printf("%s\n", code);
	fprintf(stderr, "enrollment code for %s (%s), valid %u hours, once\n",
		c.name, c.officer_no, c.hours ? c.hours : 72);
	return 0;
}

/* The city issuing key from the authority directory, in sodium_malloc'd
 * memory the caller frees with sodium_free; NULL (reported) if absent. */
static uint8_t *city_key(const struct syncd_config *cfg, const char *who)
{
	char msg[600];
	uint8_t *sk = syncd_city_sk(cfg->authority_dir, msg, sizeof msg);
	if (!sk)
		fprintf(stderr, "yzf-syncd admin %s: %s\n", who, msg);
	return sk;
}

/* Revoke a certificate from now on: the line is signed with the city
 * issuing key and appended to the authority's revoked.ndjson, which the
 * running daemon reloads within a second (records made before stay valid). */
static int revoke_cert(const struct syncd_config *cfg, int argc, char **argv)
{
	const char *serial = opt(argc, argv, "serial"),
		   *reason = opt(argc, argv, "reason");
	struct yzf_revocation r = { 0 };
	struct yzf_buf line = { 0 };
	char path[SYNCD_PATH_MAX + 32];
	struct timespec ts;
	if (!serial || !reason || strlen(serial) != 32 ||
	    sodium_hex2bin(r.serial, sizeof r.serial, serial, 32, NULL, NULL,
			   NULL) != 0) {
		fprintf(stderr, "yzf-syncd admin revoke: --serial HEX32 (see yzf "
			"authority show) --reason TEXT\n");
		return 1;
	}
	snprintf(r.reason, sizeof r.reason, "%s", reason);
	clock_gettime(CLOCK_REALTIME, &ts);
	r.at_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	r.tz = 480;
	uint8_t *sk = city_key(cfg, "revoke");
	FILE *f = NULL;
	int rc = 2;
	if (!sk)
		goto out;
	if (yzf_revocation_sign_line(&r, sk, &line)) {
		fprintf(stderr, "yzf-syncd admin revoke: the reason must be "
			"1 to 200 bytes of UTF-8\n");
		rc = 1;
		goto out;
	}
	yzf_buf_putc(&line, '\n');
	snprintf(path, sizeof path, "%s/revoked.ndjson", cfg->authority_dir);
	f = fopen(path, "ab");
	if (!f || fwrite(line.p, 1, line.len, f) != line.len || fflush(f) ||
	    fsync(fileno(f))) {
		fprintf(stderr, "yzf-syncd admin revoke: %s: cannot append\n",
			path);
	} else {
		printf("revoked %s from now: %s\n", serial, reason);
		rc = 0;
	}
	if (f)
		fclose(f);
out:
	sodium_free(sk);
	yzf_buf_free(&line);
	return rc;
}

struct publishing {
	struct yzf_refset rs;
	const uint8_t *sk;
	int64_t now;
	int64_t expires_ms;
	size_t sets;              /* named by the index signed */
};

/* Sign the header for the version the store chose. */
static int sign_set(void *ctx, int64_t version, struct yzf_buf *line,
		    char *msg, size_t cap)
{
	struct publishing *p = ctx;
	p->rs.version = version;
	if (yzf_refset_sign_line(&p->rs, p->sk, line)) {
		snprintf(msg, cap, "--name is [a-z][a-z0-9_-]{0,31}");
		return YZF_EINVAL;
	}
	return YZF_OK;
}

/* One index entry from a header line the store holds, checked against
 * the city key first: the city names only what it signed. */
static int index_entry(const struct publishing *p, const uint8_t *line,
		       size_t len, struct yzf_refentry *e, char *msg,
		       size_t cap)
{
	struct yzf_refset s;
	struct yzf_canon_err err;
	if (yzf_refset_parse(line, len, p->sk + 32, &s, &err)) {
		snprintf(msg, cap, "a set header in the store does not verify "
			 "under the city key (%s): index not signed", err.why);
		return YZF_ECORRUPT;
	}
	snprintf(e->name, sizeof e->name, "%s", s.name);
	e->version = s.version;
	memcpy(e->hash, s.hash, sizeof e->hash);
	e->size = s.size;
	return YZF_OK;
}

/* Sign the index the store numbered over the newest header of every set
 * (one per line, in name order). */
static int sign_index(void *ctx, int64_t version, const uint8_t *headers,
		      size_t len, struct yzf_buf *line, char *msg, size_t cap)
{
	struct publishing *p = ctx;
	struct yzf_refindex ix = { .version = version, .at_ms = p->now,
				   .tz = 480, .expires_ms = p->expires_ms,
				   .expires_tz = 480 };
	for (size_t off = 0; off < len;) {
		const uint8_t *nl = memchr(headers + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - headers) - off : len - off;
		if (ix.n == YZF_MAX_REFSETS) {
			snprintf(msg, cap, "an index names at most %d sets",
				 YZF_MAX_REFSETS);
			return YZF_ERANGE;
		}
		int rc = index_entry(p, headers + off, n, &ix.sets[ix.n++], msg,
				     cap);
		if (rc)
			return rc;
		off += n + 1;
	}
	p->sets = ix.n;
	if (yzf_refindex_sign_line(&ix, p->sk, line)) {
		snprintf(msg, cap, "index version %lld could not be signed",
			 (long long)version);
		return YZF_EINVAL;
	}
	return YZF_OK;
}

/* --expires-days N (default 30; 0 expires at once, for drills and tests):
 * how long terminals take the index as current. */
static bool expiry(int argc, char **argv, const char *who,
		   struct publishing *p)
{
	const char *d = opt(argc, argv, "expires-days");
	struct timespec ts;
	long days = 30;
	if (d) {
		char *end;
		days = strtol(d, &end, 10);
		if (!*d || *end || days < 0 || days > 3650) {
			fprintf(stderr, "yzf-syncd admin %s: --expires-days: a whole "
				"number of days, 0 to 3650\n", who);
			return false;
		}
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	p->now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	p->expires_ms = p->now + days * 86400000LL;
	return true;
}

/* Read a set's file whole (up to 64 MiB) into malloc'd memory. */
static uint8_t *read_set(const char *file, size_t *len)
{
	FILE *f = fopen(file, "rb");
	if (!f) {
		perror(file);
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	long fl = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *content = fl >= 0 && fl < (64L << 20) ? malloc((size_t)fl + 1)
						       : NULL;
	*len = content ? fread(content, 1, (size_t)fl, f) : 0;
	fclose(f);
	if (content && *len == (size_t)fl)
		return content;
	fprintf(stderr, "yzf-syncd admin publish: %s: unreadable or over 64 "
		"MiB\n", file);
	free(content);
	return NULL;
}

static void print_index(int64_t version, const struct publishing *p)
{
	char t[YZF_TIME_LEN + 1];
	yzf_time_fmt(p->expires_ms, 480, t);
	printf("index version %lld names %zu sets, expires %s\n",
	       (long long)version, p->sets, t);
}

/* Publish a new version of a reference data set and the index naming it:
 * both signed with the city issuing key, kept in the store in one
 * transaction; terminals fetch them at their next sync. Versions only go
 * up. */
static int publish(const struct syncd_config *cfg, int argc, char **argv)
{
	const char *name = opt(argc, argv, "name"), *file = opt(argc, argv, "file");
	struct publishing p = { .rs = { .tz = 480 } };
	char path[SYNCD_PATH_MAX + 32], msg[400];
	uint8_t *content = NULL;
	size_t clen = 0;
	int64_t version, index_version;
	int rc = 2;
	if (!name || !file) {
		fprintf(stderr, "yzf-syncd admin publish --name NAME --file FILE "
			"[--expires-days N]\n");
		return 1;
	}
	if (!expiry(argc, argv, "publish", &p))
		return 1;
	if (!(content = read_set(file, &clen)))
		return 1;
	snprintf(p.rs.name, sizeof p.rs.name, "%s", name);
	crypto_generichash(p.rs.hash, sizeof p.rs.hash, content, clen, NULL, 0);
	p.rs.size = (int64_t)clen;
	p.rs.at_ms = p.now;
	if (!(p.sk = city_key(cfg, "publish")))
		goto out;
	snprintf(path, sizeof path, "%s/store.db", cfg->data_dir);
	rc = syncd_store_refdata_publish(path, p.rs.name, sign_set, sign_index,
					 &p, content, clen, p.now, &version,
					 &index_version, msg, sizeof msg);
	if (rc) {
		fprintf(stderr, "yzf-syncd admin publish: %s\n", msg);
		rc = rc == YZF_EINVAL ? 1 : 2;
		goto out;
	}
	printf("published %s version %lld (%zu bytes)\n", p.rs.name,
	       (long long)version, clen);
	print_index(index_version, &p);
out:
	sodium_free((void *)p.sk);
	free(content);
	return rc;
}

/* Sign the next index over the sets as they are: renews its expiry. */
static int publish_index(const struct syncd_config *cfg, int argc,
			 char **argv)
{
	struct publishing p = { 0 };
	char path[SYNCD_PATH_MAX + 32], msg[400];
	int64_t version;
	if (!expiry(argc, argv, "publish-index", &p))
		return 1;
	if (!(p.sk = city_key(cfg, "publish-index")))
		return 2;
	snprintf(path, sizeof path, "%s/store.db", cfg->data_dir);
	int rc = syncd_store_refindex_publish(path, sign_index, &p, p.now,
					      &version, msg, sizeof msg);
	if (rc)
		fprintf(stderr, "yzf-syncd admin publish-index: %s\n", msg);
	else
		print_index(version, &p);
	sodium_free((void *)p.sk);
	return rc ? 2 : 0;
}

/* The city's checkpoint now, for auditors; with --from N the consistency
 * proof from size N, which `yzf trust consistency` checks offline. */
static int checkpoint(const struct syncd_config *cfg, int argc, char **argv)
{
	const char *from = opt(argc, argv, "from");
	char path[SYNCD_PATH_MAX + 16], msg[300], *end = NULL;
	struct yzf_buf out = { 0 };
	struct timespec ts;
	unsigned long long f = from ? strtoull(from, &end, 10) : 0;
	if (from && (!*from || *end)) {
		fprintf(stderr, "yzf-syncd admin checkpoint [--from SIZE]\n");
		return 1;
	}
	snprintf(path, sizeof path, "%s/store.db", cfg->data_dir);
	clock_gettime(CLOCK_REALTIME, &ts);
	int rc = syncd_mlog_print(path, cfg->authority_dir, f,
				 (int64_t)ts.tv_sec * 1000 +
					 ts.tv_nsec / 1000000,
				 &out, msg, sizeof msg);
	if (rc)
		fprintf(stderr, "yzf-syncd admin checkpoint: %s\n", msg);
	else
		printf("%.*s\n", (int)out.len, (const char *)out.p);
	yzf_buf_free(&out);
	return rc == YZF_EINVAL ? 1 : rc ? 2 : 0;
}

/* The city's fold of a case, as JSON (yzf_case_dump): what every terminal
 * holding the same records shows. */
static int case_fold(const struct syncd_config *cfg, int argc, char **argv)
{
	const char *id = argc >= 1 ? argv[0] : NULL,
		   *h = opt(argc, argv, "hearing-yuan");
	char path[SYNCD_PATH_MAX + 16], msg[600];
	struct yzf_buf out = { 0 };
	struct timespec ts;
	if (!id || id[0] == '-') {
		fprintf(stderr, "yzf-syncd admin case ID [--hearing-yuan N]\n");
		return 1;
	}
	snprintf(path, sizeof path, "%s/store.db", cfg->data_dir);
	clock_gettime(CLOCK_REALTIME, &ts);
	int rc = syncd_case_fold(path, id, (int64_t)ts.tv_sec * 1000 +
					       ts.tv_nsec / 1000000,
				 h ? (int64_t)atoll(h) * 100
				   : YZF_CASE_HEARING_FEN_DEFAULT,
				 &out, msg, sizeof msg);
	if (rc)
		fprintf(stderr, "yzf-syncd admin case: %s\n", msg);
	else
		printf("%.*s\n", (int)out.len, (const char *)out.p);
	yzf_buf_free(&out);
	return rc == YZF_ENOTFOUND ? 1 : rc ? 2 : 0;
}

int syncd_admin(const struct syncd_config *cfg, int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "yzf-syncd admin: libsodium failed to start\n");
		return 2;
	}
	if (argc >= 1 && strcmp(argv[0], "enroll-code") == 0)
		return enroll_code(cfg, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "revoke") == 0)
		return revoke_cert(cfg, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "publish") == 0)
		return publish(cfg, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "publish-index") == 0)
		return publish_index(cfg, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "checkpoint") == 0)
		return checkpoint(cfg, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "case") == 0)
		return case_fold(cfg, argc - 1, argv + 1);
	fprintf(stderr, "yzf-syncd admin: enroll-code --name N --officer-no NO "
		"--agency A --uscc CODE [--roles officer,...] [--days N] "
		"[--hours N]\n"
		"                  revoke --serial HEX32 --reason TEXT\n"
		"                  publish --name NAME --file FILE "
		"[--expires-days N]\n"
		"                  publish-index [--expires-days N]\n"
		"                  checkpoint [--from SIZE]\n"
		"                  case ID [--hearing-yuan N]\n");
	return 1;
}

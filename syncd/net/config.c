/* config.c — see config.h. */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { K_STR, K_ADDR, K_UINT, K_SIZE, K_LEVEL };

/* One row per key: where it goes and its bounds. A table, not a chain of
 * strcmp, so the documentation in yzf-syncd.ini can be checked against
 * one list. */
struct key {
	const char *name;
	enum kind kind;
	size_t off, cap;               /* field offset; bytes for strings */
	unsigned long long min, max;   /* for numbers */
};

#define F(f) offsetof(struct syncd_config, f)
#define S(f) sizeof(((struct syncd_config *)0)->f)
static const struct key keys[] = {
	{ "listen", K_ADDR, F(listen), S(listen), 0, 0 },
	{ "port", K_UINT, F(port), 0, 0, 65535 },
	{ "data_dir", K_STR, F(data_dir), S(data_dir), 0, 0 },
	{ "authority_dir", K_STR, F(authority_dir), S(authority_dir), 0, 0 },
	{ "tls_cert", K_STR, F(tls_cert), S(tls_cert), 0, 0 },
	{ "tls_key", K_STR, F(tls_key), S(tls_key), 0, 0 },
	{ "max_connections", K_UINT, F(max_connections), 0, 1, 65536 },
	{ "max_body", K_SIZE, F(max_body), 0, 1024, 1024ull * 1024 * 1024 },
	{ "max_push_records", K_UINT, F(max_push_records), 0, 1, 100000 },
	{ "header_timeout", K_UINT, F(header_timeout), 0, 1, 3600 },
	{ "idle_timeout", K_UINT, F(idle_timeout), 0, 1, 86400 },
	{ "drain_timeout", K_UINT, F(drain_timeout), 0, 1, 3600 },
	{ "auth_skew", K_UINT, F(auth_skew), 0, 1, 86400 },
	{ "push_rate", K_UINT, F(push_rate), 0, 1, 100000 },
	{ "pull_page", K_UINT, F(pull_page), 0, 1, 100000 },
	{ "log_level", K_LEVEL, F(log_level), 0, 0, 0 },
};
#define NKEYS (sizeof keys / sizeof keys[0])

struct load {
	struct syncd_config *cfg;
	bool set[NKEYS];
	char *err;          /* first problem, without the line number */
	size_t errlen;
	bool failed;
};

void syncd_config_defaults(struct syncd_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	snprintf(cfg->listen, sizeof cfg->listen, "%s", SYNCD_DEFAULT_LISTEN);
	cfg->port = SYNCD_DEFAULT_PORT;
	snprintf(cfg->data_dir, sizeof cfg->data_dir, "%s",
		 SYNCD_DEFAULT_DATA_DIR);
	cfg->max_connections = SYNCD_DEFAULT_MAX_CONNECTIONS;
	cfg->max_body = SYNCD_DEFAULT_MAX_BODY;
	cfg->max_push_records = SYNCD_DEFAULT_MAX_PUSH_RECORDS;
	cfg->header_timeout = SYNCD_DEFAULT_HEADER_TIMEOUT;
	cfg->idle_timeout = SYNCD_DEFAULT_IDLE_TIMEOUT;
	cfg->drain_timeout = SYNCD_DEFAULT_DRAIN_TIMEOUT;
	cfg->auth_skew = SYNCD_DEFAULT_AUTH_SKEW;
	cfg->push_rate = SYNCD_DEFAULT_PUSH_RATE;
	cfg->pull_page = SYNCD_DEFAULT_PULL_PAGE;
	cfg->log_level = SYNCD_LOG_INFO;
	/* the paths under data_dir follow it: filled in by derive() */
}

/* Decimal digits only: strtoull alone would take "-1", " 7" or "0x10". */
static bool parse_num(const char *v, unsigned long long *out)
{
	char *end;
	if (*v < '0' || *v > '9')
		return false;
	errno = 0;
	*out = strtoull(v, &end, 10);
	return errno == 0 && *end == '\0';
}

static void fail(struct load *l, const char *section, const char *name,
		 const char *why)
{
	if (l->failed)
		return;
	l->failed = true;
	snprintf(l->err, l->errlen, "[%s] %s: %s", section, name, why);
}

/* Store one value. Returns 0, or -1 after recording why. */
static int set_key(struct load *l, const struct key *k, const char *v)
{
	char *field = (char *)l->cfg + k->off;
	unsigned long long n;
	char why[96];

	switch (k->kind) {
	case K_ADDR:
		/* numeric only: a host name would make the bind address depend
		 * on DNS at start-up */
		if (!*v || strspn(v, "0123456789abcdefABCDEF.:") != strlen(v)) {
			fail(l, "server", k->name, "not a numeric IPv4 or "
			     "IPv6 address");
			return -1;
		}
		/* fall through */
	case K_STR:
		if (!*v) {
			fail(l, "server", k->name, "empty");
			return -1;
		}
		if (strlen(v) >= k->cap) {
			fail(l, "server", k->name, "too long");
			return -1;
		}
		memcpy(field, v, strlen(v) + 1);
		return 0;
	case K_LEVEL: {
		int lv = syncd_log_level_parse(v);
		if (lv < 0) {
			fail(l, "server", k->name, "not one of error, warn, "
			     "info, debug");
			return -1;
		}
		*(enum syncd_log_level *)(void *)field = (enum syncd_log_level)lv;
		return 0;
	}
	case K_UINT:
	case K_SIZE:
		if (!parse_num(v, &n) || n < k->min || n > k->max) {
			snprintf(why, sizeof why, "not an integer in %llu..%llu",
				 k->min, k->max);
			fail(l, "server", k->name, why);
			return -1;
		}
		if (k->kind == K_UINT)
			*(unsigned *)(void *)field = (unsigned)n;
		else
			*(size_t *)(void *)field = (size_t)n;
		return 0;
	}
	return -1;
}

/* inih calls this once per key; returning 0 marks the line as an error,
 * and ini_parse reports the first such line. */
static int on_key(void *user, const char *section, const char *name,
		  const char *value)
{
	struct load *l = user;
	if (strcmp(section, "server") != 0) {
		fail(l, section, name, *section ? "unknown section (only "
		     "[server])" : "key outside a section (put it under "
		     "[server])");
		return 0;
	}
	for (size_t i = 0; i < NKEYS; i++) {
		if (strcmp(name, keys[i].name) != 0)
			continue;
		if (l->set[i]) {
			fail(l, section, name, "set twice");
			return 0;
		}
		l->set[i] = true;
		return set_key(l, &keys[i], value) == 0;
	}
	fail(l, section, name, "unknown setting");
	return 0;
}

/* A path under data_dir, for a setting left unset. */
static int derive(char *out, size_t cap, const char *dir, const char *name)
{
	int n;
	if (out[0])
		return 0;
	n = snprintf(out, cap, "%s/%s", dir, name);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

int syncd_config_load(const char *path, struct syncd_config *cfg, char *err,
		      size_t errlen)
{
	struct load l = { .cfg = cfg };
	char first[256] = "";
	int rc;

	syncd_config_defaults(cfg);
	if (errlen)
		err[0] = '\0';
	if (path) {
		l.err = first;
		l.errlen = sizeof first;
		rc = ini_parse(path, on_key, &l);
		if (rc == -1) {
			rc = errno ? -errno : -ENOENT;
			snprintf(err, errlen, "%s: %s", path, strerror(-rc));
			return rc;
		}
		if (rc == -2) {
			snprintf(err, errlen, "%s: out of memory", path);
			return -ENOMEM;
		}
		if (rc > 0) {
			snprintf(err, errlen, "%s:%d: %s", path, rc, l.failed ?
				 first : "not a `key = value` line, a "
				 "[section] or a comment (lines are at most "
				 "199 bytes)");
			return -EINVAL;
		}
	}
	if (derive(cfg->tls_cert, sizeof cfg->tls_cert, cfg->data_dir,
		   "server.crt") ||
	    derive(cfg->tls_key, sizeof cfg->tls_key, cfg->data_dir,
		   "server.key") ||
	    derive(cfg->authority_dir, sizeof cfg->authority_dir,
		   cfg->data_dir, "authority")) {
		snprintf(err, errlen, "%s: [server] data_dir: too long",
			 path ? path : "defaults");
		return -EINVAL;
	}
	return 0;
}

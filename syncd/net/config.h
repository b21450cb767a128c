/* config.h — yzf-syncd's settings: what both halves of the daemon read.
 *
 * An INI file (libinih) with one section, [server]; syncd/yzf-syncd.ini
 * documents every key with its default. With no file at all the daemon
 * runs on loopback with the defaults below, so a fresh `yzf-syncd init`
 * followed by `yzf-syncd` works. Unknown sections and keys, keys set twice,
 * and values out of range are errors naming the file, line, section and
 * key: a typo must not silently leave a default in force.
 *
 * The struct is plain data the caller owns (no pointers, nothing to free;
 * copying it is fine, and an all-zero one means "nothing set"). After
 * loading it is only read, from any thread. Relative paths are taken from
 * the working directory the daemon was started in.
 */
#ifndef YZF_SYNCD_CONFIG_H
#define YZF_SYNCD_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "log.h"

/* Defaults and bounds, each overridable with -D. */
#ifndef SYNCD_PATH_MAX
#define SYNCD_PATH_MAX 1024
#endif
#define SYNCD_DEFAULT_LISTEN "127.0.0.1"
#define SYNCD_DEFAULT_PORT 8443
#define SYNCD_DEFAULT_DATA_DIR "./yzf-syncd-data"
#ifndef SYNCD_DEFAULT_MAX_CONNECTIONS
#define SYNCD_DEFAULT_MAX_CONNECTIONS 2048
#endif
#ifndef SYNCD_DEFAULT_MAX_BODY
#define SYNCD_DEFAULT_MAX_BODY (4u * 1024 * 1024)
#endif
#ifndef SYNCD_DEFAULT_MAX_PUSH_RECORDS
#define SYNCD_DEFAULT_MAX_PUSH_RECORDS 1000
#endif
#ifndef SYNCD_DEFAULT_AUTH_SKEW
#define SYNCD_DEFAULT_AUTH_SKEW 300     /* seconds */
#endif
#ifndef SYNCD_DEFAULT_PULL_PAGE
#define SYNCD_DEFAULT_PULL_PAGE 1000    /* records in one pull answer */
#endif
#ifndef SYNCD_DEFAULT_PUSH_RATE
#define SYNCD_DEFAULT_PUSH_RATE 20      /* pushes per second per feed */
#endif
#define SYNCD_DEFAULT_HEADER_TIMEOUT 10 /* seconds */
#define SYNCD_DEFAULT_IDLE_TIMEOUT 60   /* seconds */
#define SYNCD_DEFAULT_DRAIN_TIMEOUT 30  /* seconds */

struct syncd_config {
	/* read by the store half (syncd/store/) */
	char data_dir[SYNCD_PATH_MAX];
	char authority_dir[SYNCD_PATH_MAX]; /* made by `yzf authority init` */
	unsigned max_push_records;          /* records in one push */
	unsigned auth_skew;                 /* s: Authorization `at` slack */
	unsigned push_rate;                 /* pushes/s per feed (burst 2x) */
	unsigned pull_page;                 /* records in one pull answer */
	/* read by the network half */
	char listen[64];                    /* numeric IPv4 or IPv6 address */
	unsigned port;                      /* 0: any free port (tests) */
	char tls_cert[SYNCD_PATH_MAX];      /* PEM, server certificate first */
	char tls_key[SYNCD_PATH_MAX];       /* PEM, ECDSA P-256 */
	unsigned max_connections;           /* open at once, handshakes too */
	size_t max_body;                    /* bytes of one request body */
	unsigned header_timeout;            /* s: handshake, request head */
	unsigned idle_timeout;              /* s: keep-alive wait */
	unsigned drain_timeout;             /* s: SIGTERM grace */
	enum syncd_log_level log_level;
};

/* Fill cfg with the defaults (tls_cert, tls_key and authority_dir under
 * data_dir). */
void syncd_config_defaults(struct syncd_config *cfg);

/* Load the settings: the defaults, then path's values when path is not
 * NULL (NULL: defaults only). Returns 0, or -EINVAL (bad contents) or
 * -errno (the file cannot be read) with a one-line message naming file,
 * line, section and key in err (errlen bytes). */
int syncd_config_load(const char *path, struct syncd_config *cfg, char *err,
		      size_t errlen);

#endif

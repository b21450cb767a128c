/* yzf-syncd — the city sync daemon: argument parsing over the net/
 * modules and the application half (app.h). See `yzf-syncd --help`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "admin.h"
#include "config.h"
#include "log.h"
#include "pki.h"
#include "server.h"

#ifndef SYNCD_VERSION
#define SYNCD_VERSION "unknown"
#endif

/* Exit codes, listed in the help text. */
enum {
	EXIT_OK = 0,
	EXIT_USAGE = 1,   /* bad command line or configuration; init refused */
	EXIT_START = 2,   /* could not start: TLS files, address, store */
	EXIT_DRAIN = 3,   /* SIGTERM: connections still busy at the end */
};

static const char usage[] =
	"usage: yzf-syncd [--config FILE] [serve]\n"
	"       yzf-syncd init --dir DIR [--san NAME]...\n"
	"       yzf-syncd [--config FILE] admin enroll-code --name N\n"
	"                 --officer-no NO --agency A --uscc CODE\n"
	"                 [--roles officer,reviewer,head] [--days N] [--hours N]\n"
	"       yzf-syncd [--config FILE] admin revoke --serial HEX32 --reason TEXT\n"
	"       yzf-syncd [--config FILE] admin publish --name NAME --file FILE\n"
	"       yzf-syncd --help | --version\n"
	"\n"
	"serve (the default) runs the city sync daemon: HTTPS (TLS 1.2,\n"
	"ECDHE-ECDSA with AEAD only) on listen:port, /healthz, /metrics and\n"
	"the /v1 API of schemas/sync.md. Without --config every setting has\n"
	"its default (see yzf-syncd.ini): 127.0.0.1:8443, TLS material in\n"
	"./yzf-syncd-data. SIGTERM or SIGINT drains and exits.\n"
	"\n"
	"init makes a new deployment's TLS material in DIR: ca.crt (the city\n"
	"TLS CA terminals trust), server.crt (CN=localhost, DNS:localhost,\n"
	"IP:127.0.0.1, and each --san NAME, a DNS name or IP address) and\n"
	"server.key (mode 0600). The CA key is not kept. It refuses to\n"
	"replace existing files.\n"
	"\n"
	"exit codes: 0 ok; 1 usage, configuration, or init refused; 2 could\n"
	"not start (TLS files, address, store); 3 stopped with connections\n"
	"still busy after drain_timeout.\n";

static int bad_usage(const char *why)
{
	fprintf(stderr, "yzf-syncd: %s\n%s", why, usage);
	return EXIT_USAGE;
}

static int cmd_init(int argc, char **argv)
{
	const char *dir = NULL, *names[SYNCD_PKI_MAX_NAMES + 1];
	size_t n = 0;
	char err[512];

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--san") == 0 && i + 1 < argc) {
			if (n > SYNCD_PKI_MAX_NAMES)
				return bad_usage("too many --san names");
			names[n++] = argv[++i];
		} else
			return bad_usage("init takes --dir DIR and --san NAME");
	}
	if (!dir)
		return bad_usage("init needs --dir DIR");
	int rc = syncd_pki_init(dir, names, n, err, sizeof err);
	if (rc) {
		fprintf(stderr, "yzf-syncd init: %s\n", err);
		return rc == -EEXIST || rc == -EINVAL ? EXIT_USAGE : EXIT_START;
	}
	printf("wrote %s/ca.crt, %s/server.crt, %s/server.key\n"
	       "terminals trust %s/ca.crt; the CA key was not kept\n",
	       dir, dir, dir, dir);
	return EXIT_OK;
}

/* Everything after the configuration is loaded; the caller frees it. */
static int serve(const char *config, struct syncd_config *cfg)
{
	struct syncd_server srv;
	struct syncd_app app = { 0 };
	struct syncd_log lg = { cfg->log_level };
	char err[512];
	int rc;

	/* before any thread exists, the application's included */
	if ((rc = syncd_server_signals()) != 0) {
		syncd_log(&lg, SYNCD_LOG_ERROR, "signals: %s", strerror(-rc));
		return EXIT_START;
	}
	syncd_log(&lg, SYNCD_LOG_INFO, "yzf-syncd %s starting (pid %ld, "
		  "config %s)", SYNCD_VERSION, (long)getpid(),
		  config ? config : "none: defaults");
	syncd_log(&lg, SYNCD_LOG_INFO, "data_dir %s, authority_dir %s, "
		  "tls_cert %s, tls_key %s", cfg->data_dir, cfg->authority_dir,
		  cfg->tls_cert, cfg->tls_key);
	if (syncd_server_init(&srv, cfg, &app, err, sizeof err)) {
		syncd_log(&lg, SYNCD_LOG_ERROR, "%s", err);
		syncd_server_finish(&srv);
		return EXIT_START;
	}
	if ((rc = syncd_app_open(cfg, &app)) != 0) {
		syncd_log(&lg, SYNCD_LOG_ERROR, "the application half did not "
			  "open (%d); not serving", rc);
		syncd_server_finish(&srv);
		return EXIT_START;
	}
	if (syncd_server_run(&srv) == -ETIMEDOUT)
		_exit(EXIT_DRAIN); /* threads may still use srv, app and cfg */
	syncd_app_close(&app);
	syncd_server_finish(&srv);
	return EXIT_OK;
}

static int cmd_serve(const char *config)
{
	struct syncd_config cfg;
	char err[512];
	int rc = EXIT_USAGE;

	if (syncd_config_load(config, &cfg, err, sizeof err))
		fprintf(stderr, "yzf-syncd: %s\n", err);
	else
		rc = serve(config, &cfg);
	return rc;
}

int main(int argc, char **argv)
{
	const char *config = NULL;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("yzf-syncd %s\n", SYNCD_VERSION);
			return EXIT_OK;
		}
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config = argv[++i];
		else
			return bad_usage("unknown option");
	}
	if (i == argc || strcmp(argv[i], "serve") == 0)
		return i + 1 < argc ? bad_usage("serve takes no arguments") :
			cmd_serve(config);
	if (strcmp(argv[i], "admin") == 0) {
		struct syncd_config cfg;
		char err[512];
		if (syncd_config_load(config, &cfg, err, sizeof err)) {
			fprintf(stderr, "yzf-syncd: %s\n", err);
			return EXIT_USAGE;
		}
		return syncd_admin(&cfg, argc - i - 1, argv + i + 1);
	}
	if (strcmp(argv[i], "init") == 0) {
		if (config)
			return bad_usage("init does not read --config");
		return cmd_init(argc - i - 1, argv + i + 1);
	}
	return bad_usage("unknown command");
}

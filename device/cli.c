/* Shared plumbing of the yzf program: opening, options, files, PINs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "yzf_port_linux.h"
#include "yzf_port_sim.h"

int cli_exit(int rc)
{
	switch (rc) {
	case YZF_OK: return EXIT_OK;
	case YZF_EINVAL: case YZF_ENONCANON: return EXIT_INPUT;
	case YZF_EBADSIG: case YZF_ECORRUPT: return EXIT_VERIFY;
	case YZF_EAUTH: case YZF_ELOCKED: case YZF_ENOSESSION: return EXIT_AUTH;
	case YZF_ENOTFOUND: return EXIT_NOTFOUND;
	case YZF_EEXIST: case YZF_ESTATE: case YZF_ECERT: return EXIT_STATE;
	default: return EXIT_SYSTEM;
	}
}

int cli_fail(struct cli *c, int rc, const char *what)
{
	const char *m = c->y ? yzf_errmsg(c->y) : "";
	fprintf(stderr, "yzf: %s: %s [%s]\n", what, *m ? m : yzf_strerror(rc),
		yzf_errname(rc));
	return cli_exit(rc);
}

int cli_open(struct cli *c, bool create)
{
	char msg[512] = "";
	if (strcmp(c->port_name, "sim") == 0) {
		struct yzf_sim_opts o;
		yzf_sim_opts_from_env(&o);
		c->port = yzf_port_sim_create(c->home, &o);
	} else if (strcmp(c->port_name, "linux") == 0) {
		c->port = yzf_port_linux_create(c->home);
	} else {
		fprintf(stderr, "yzf: --port must be sim or linux\n");
		return EXIT_USAGE;
	}
	if (!c->port) {
		fprintf(stderr, "yzf: %s: %s\n", c->home, strerror(errno));
		return EXIT_SYSTEM;
	}
	int rc = yzf_open(c->port, create ? YZF_OPEN_CREATE : 0, &c->y, msg,
			  sizeof msg);
	if (rc) {
		fprintf(stderr, "yzf: open %s: %s [%s]\n", c->home,
			*msg ? msg : yzf_strerror(rc), yzf_errname(rc));
		if (rc == YZF_ENOTFOUND)
			fprintf(stderr, "yzf: no store here: run yzf init first "
				"(or set --home / YZF_HOME)\n");
		return cli_exit(rc);
	}
	return EXIT_OK;
}

void cli_close(struct cli *c)
{
	yzf_close(c->y);
	c->y = NULL;
	if (c->port) {
		if (strcmp(c->port_name, "sim") == 0)
			yzf_port_sim_destroy(c->port);
		else
			yzf_port_linux_destroy(c->port);
	}
	c->port = NULL;
}

const char *cli_opt(struct cli *c, const char *name)
{
	for (int i = 0; i + 1 < c->argc; i++)
		if (c->argv[i][0] == '-' && c->argv[i][1] == '-' &&
		    strcmp(c->argv[i] + 2, name) == 0)
			return c->argv[i + 1];
	return NULL;
}

bool cli_flag(struct cli *c, const char *name)
{
	for (int i = 0; i < c->argc; i++)
		if (c->argv[i][0] == '-' && c->argv[i][1] == '-' &&
		    strcmp(c->argv[i] + 2, name) == 0)
			return true;
	return false;
}

/* Options that take a value; every other --x is a flag. */
static const char *const valued[] = {
	"terminal", "trust", "max-pin-failures", "kdf-ops", "kdf-mem-mib",
	"session-hours", "out", "bundle", "feed", "officer", "case", "file",
	"loc", "from", "type", "dir", "request", "name", "officer-no",
	"agency", "uscc", "roles", "days", "serial", "reason", "root-name",
	"city-name", "region", "years", "at", "store-home", "server", "ca",
	"batch", "retries", "code", "doc-type", "count", "step", "measure",
	"device", "media", "kind", "source", "note", "relevance", "legality",
	"authenticity", "relevance-reason", "legality-reason",
	"authenticity-reason", "recording", "after", "text", "wait", "printer",
	"copies", "width", "band", "png", "font", "roster", "now", "version",
	NULL,
};

static bool takes_value(const char *opt)
{
	for (int i = 0; valued[i]; i++)
		if (strcmp(opt, valued[i]) == 0)
			return true;
	return false;
}

const char *cli_arg(struct cli *c, int n)
{
	for (int i = 0; i < c->argc; i++) {
		const char *a = c->argv[i];
		if (a[0] == '-' && a[1] == '-' && a[2]) {
			if (takes_value(a + 2))
				i++;
			continue;
		}
		if (n-- == 0)
			return a;
	}
	return NULL;
}

int cli_read_file(const char *path, char **out, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 4096, n = 0;
	char *p = malloc(cap + 1);
	if (!f || !p) {
		free(p);
		return -1;
	}
	for (;;) {
		size_t got = fread(p + n, 1, cap - n, f);
		n += got;
		if (n < cap)
			break;
		char *q = realloc(p, 2 * cap + 1);
		if (!q) {
			free(p);
			if (f != stdin)
				fclose(f);
			return -1;
		}
		p = q;
		cap *= 2;
	}
	int err = ferror(f);
	if (f != stdin)
		fclose(f);
	if (err) {
		free(p);
		return -1;
	}
	p[n] = 0;
	*out = p;
	*len = n;
	return 0;
}

int cli_write_file(const char *path, const void *p, size_t len, int mode)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	const char *b = p;
	while (len > 0) {
		ssize_t w = write(fd, b, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			unlink(tmp);
			return -1;
		}
		b += w;
		len -= (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

int cli_read_pin(const char *prompt, char *pin, size_t cap, size_t *len)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	if (tty) {
		fprintf(stderr, "%s", prompt);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	size_t n = 0;
	int ch;
	while ((ch = fgetc(stdin)) != EOF && ch != '\n')
		if (n + 1 < cap)
			pin[n++] = (char)ch;
	if (n > 0 && pin[n - 1] == '\r')
		n--;
	pin[n] = 0;
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	*len = n;
	return n ? 0 : -1;
}

void cli_hex(const uint8_t *p, size_t n, char *out)
{
	sodium_bin2hex(out, 2 * n + 1, p, n);
}

int cli_feed(struct cli *c, uint8_t feed[YZF_KEY_LEN])
{
	const char *hex = cli_opt(c, "feed"), *no = cli_opt(c, "officer");
	if (hex) {
		if (sodium_hex2bin(feed, YZF_KEY_LEN, hex, strlen(hex), NULL, NULL,
				   NULL) != 0 || strlen(hex) != 64) {
			fprintf(stderr, "yzf: --feed: 64 hex digits\n");
			return EXIT_USAGE;
		}
		return EXIT_OK;
	}
	if (no) {
		struct yzf_officer o[YZF_MAX_OFFICERS];
		size_t n;
		int rc = yzf_officers(c->y, o, YZF_MAX_OFFICERS, &n);
		if (rc)
			return cli_fail(c, rc, "officers");
		for (size_t i = 0; i < n && i < YZF_MAX_OFFICERS; i++)
			if (o[i].has_cert && strcmp(o[i].cert.officer_no, no) == 0) {
				memcpy(feed, o[i].feed, YZF_KEY_LEN);
				return EXIT_OK;
			}
		fprintf(stderr, "yzf: no officer %s is enrolled on this "
			"terminal\n", no);
		return EXIT_NOTFOUND;
	}
	int rc = yzf_current_feed(c->y, feed);
	if (rc)
		return cli_fail(c, rc, "choose the officer with --feed or "
				"--officer");
	return EXIT_OK;
}

/* Format a time for people: the signed spelling, minus milliseconds. */
void cli_time(int64_t ms, int32_t tz, char out[32])
{
	char t[YZF_TIME_LEN + 1];
	yzf_time_fmt(ms, tz, t);
	snprintf(out, 32, "%.10s %.8s", t, t + 11);
}

/* Which clock judged expiry, said in so many words: an officer must be able
 * to tell a city attestation from a terminal clock that may be wrong. */
static void judged_on(const struct yzf_refdata_state *st, char *out,
		      size_t cap)
{
	char t[32];
	cli_time(st->now_ms, st->now_tz, t);
	snprintf(out, cap, st->attested ? "attested time now %s"
					: "terminal clock now %s, never "
					  "attested by the city", t);
}

void cli_refdata_warn(const char *who, const struct yzf_refdata_state *st)
{
	char t[32], j[96];
	if (st->have_index && st->expired) {
		cli_time(st->index.expires_ms, st->index.expires_tz, t);
		judged_on(st, j, sizeof j);
		fprintf(stderr, "yzf %s: warning: reference data index version "
			"%lld EXPIRED at %s (%s): the city has not renewed it "
			"and the sets may be out of date\n", who,
			(long long)st->index.version, t, j);
	}
	if (st->have_index && (st->stale || st->missing))
		fprintf(stderr, "yzf %s: warning: %zu reference data sets held "
			"are stale (not as index version %lld names them) and "
			"%zu it names are not held\n", who, st->stale,
			(long long)st->index.version, st->missing);
}

int cli_now(struct cli *c, int64_t *now)
{
	struct yzf_attested a;
	int rc = yzf_attested(c->y, &a);
	*now = a.now_ms;
	return rc;
}

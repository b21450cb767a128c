/* cli.h — what the yzf program's command files share. */
#ifndef YZF_CLI_H
#define YZF_CLI_H
#include <stdbool.h>
#include <stddef.h>
#include <yzf/yzf.h>

/* Exit codes, documented in `yzf --help` and README.md. */
enum {
	EXIT_OK = 0,
	EXIT_USAGE = 1,    /* bad command line */
	EXIT_INPUT = 2,    /* input refused: schema, canonical form, format */
	EXIT_VERIFY = 3,   /* verification found damage or a bad signature */
	EXIT_AUTH = 4,     /* wrong PIN, locked out, not logged in */
	EXIT_NOTFOUND = 5, /* no such store, feed, record or file */
	EXIT_STATE = 6,    /* not allowed now: not initialised, exists, cert */
	EXIT_SYSTEM = 7,   /* I/O, memory, port or crypto failure */
};

struct cli {
	const char *home;
	const char *port_name;   /* "sim" or "linux" */
	bool json;
	struct yzf_port *port;
	struct yzf *y;
	int argc;
	char **argv;
};

/* Map a yzf result code to an exit code. */
int cli_exit(int rc);
/* Print "yzf: <what>: <errmsg>" (or the code's text) and return the exit. */
int cli_fail(struct cli *c, int rc, const char *what);
/* Open the port and the store (create when asked). */
int cli_open(struct cli *c, bool create);
void cli_close(struct cli *c);
/* Option lookup: value of --name, or NULL; flags: present or not. */
const char *cli_opt(struct cli *c, const char *name);
bool cli_flag(struct cli *c, const char *name);
/* The n-th positional argument after the command (0-based), or NULL. */
const char *cli_arg(struct cli *c, int n);
/* Read a whole file ("-" is stdin). Caller frees *out with free(). */
int cli_read_file(const char *path, char **out, size_t *len);
/* Write a whole file atomically (tmp, fsync, rename), with mode. */
int cli_write_file(const char *path, const void *p, size_t len, int mode);
/* Read a PIN: from a terminal without echo, else one line of stdin. The
 * buffer is wiped by the caller. */
int cli_read_pin(const char *prompt, char *pin, size_t cap, size_t *len);
/* Resolve --feed HEX or --officer NO (or the one logged-in officer). */
int cli_feed(struct cli *c, uint8_t feed[YZF_KEY_LEN]);
void cli_hex(const uint8_t *p, size_t n, char *out);
void cli_time(int64_t ms, int32_t tz, char out[32]);
/* Now as the terminal acts: the attested time carried forward. */
int cli_now(struct cli *c, int64_t *now);
/* Warn on stderr ("yzf <who>: warning: ...") when the reference data
 * index held is expired by attested time, or sets are stale or missing. */
void cli_refdata_warn(const char *who, const struct yzf_refdata_state *st);

int cmd_authority(struct cli *c);
int cmd_sync(struct cli *c);
int cmd_enroll_online(struct cli *c);
int cmd_blob(struct cli *c);
int cmd_lease(struct cli *c);
int cmd_trust(struct cli *c);
int cmd_catalog(struct cli *c);
int cmd_case(struct cli *c);
int cmd_doc(struct cli *c);
int cmd_paper(struct cli *c);
int cmd_location(struct cli *c);
/* Status lines for paper documents still to enter (paper.c); the number
 * of them. */
size_t paper_reminders(struct cli *c, const char *indent);
int cmd_evidence(struct cli *c);
int cmd_rec(struct cli *c);
int cmd_print(struct cli *c);
int cmd_preview(struct cli *c);
int cmd_verify_qr(struct cli *c);
/* Status lines for numbered document types with no 文号 left (doc.c). */
void doc_lease_warnings(struct cli *c, const uint8_t feed[YZF_KEY_LEN]);
#endif

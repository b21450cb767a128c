/* yzf_port_linux.h — the Linux port: real clocks, getrandom(2), a key store
 * of 0600 files in a 0700 directory beside the store, paths under a home
 * directory. On a handheld with a hardware keystore (Android Keystore, a
 * TEE) keystore.c is the file to replace.
 *
 * Layout under home: store.db (the SQLite store), keystore/<name> (32-byte
 * secrets). The zone written into records is taken from the environment's
 * local time (TZ), Asia/Shanghai on a Guangdong terminal.
 */
#ifndef YZF_PORT_LINUX_H
#define YZF_PORT_LINUX_H
#include <yzf/port.h>

/* Create the port for home (created 0700 if missing). NULL on failure
 * (errno set). Free with yzf_port_linux_destroy, after every yzf_close. */
struct yzf_port *yzf_port_linux_create(const char *home);
void yzf_port_linux_destroy(struct yzf_port *p);

/* Watch dir for the segment files a capture tool writes (ports/linux/
 * recorder.c): the port's recorder from now on. YZF_OK, or YZF_EPORT when
 * the folder cannot be watched. The files are removed once stored. */
int yzf_port_linux_recorder(struct yzf_port *p, const char *dir);

/* The recorder's state and functions, behind the port's members. */
struct linux_rec;
int yzf_linux_recorder_open(const char *dir, struct linux_rec **out);
void yzf_linux_recorder_close(struct linux_rec *r); /* accepts NULL */
int yzf_linux_rec_next(struct linux_rec *r, struct yzf_port_segment *seg,
		       int wait_ms);
int yzf_linux_rec_read(struct linux_rec *r, uint8_t *buf, size_t cap,
		       size_t *n);
int yzf_linux_rec_done(struct linux_rec *r, bool stored);

/* Shared with ports/sim: the per-device functions of this port. */
int yzf_linux_clock_wall(void *ctx, int64_t *ms, int32_t *tz_min);
int yzf_linux_clock_mono(void *ctx, int64_t *ms);
int yzf_linux_entropy(void *ctx, void *buf, size_t n);
int yzf_linux_keystore_get(const char *dir, const char *name,
			   uint8_t out[YZF_PORT_SECRET_LEN], bool create);
int yzf_linux_keystore_destroy(const char *dir, const char *name);
#endif

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

/* Shared with ports/sim: the per-device functions of this port. */
int yzf_linux_clock_wall(void *ctx, int64_t *ms, int32_t *tz_min);
int yzf_linux_clock_mono(void *ctx, int64_t *ms);
int yzf_linux_entropy(void *ctx, void *buf, size_t n);
int yzf_linux_keystore_get(const char *dir, const char *name,
			   uint8_t out[YZF_PORT_SECRET_LEN], bool create);
int yzf_linux_keystore_destroy(const char *dir, const char *name);
int yzf_linux_printer_write(void *ctx, const char *uri, const void *buf,
			    size_t n);
#endif

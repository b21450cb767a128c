/* yzf_port_linux.h — the Linux port: real clocks, getrandom(2), a key store
 * of 0600 files in a 0700 directory beside the store, paths under a home
 * directory. On a handheld with a hardware keystore (Android Keystore, a
 * TEE) keystore.c is the file to replace.
 *
 * Layout under home: store.db (the SQLite store), keystore/<name> (32-byte
 * secrets). The zone written into records is taken from the environment's
 * local time (TZ), Asia/Shanghai on a Guangdong terminal.
 *
 * Location (gps.c) comes from the receiver YZF_GPS names:
 *   unset or "none"        no location device (the port's location member
 *                          is NULL)
 *   gpsd                   gpsd on localhost:2947, through libgps
 *   gpsd://HOST[:PORT]     gpsd elsewhere (PORT default 2947)
 *   /dev/ttyXXX[@BAUD]     NMEA 0183 from a serial device, set raw 8N1 at
 *                          BAUD (4800..460800; without it the line is left
 *                          as configured)
 *   /path/to/file          NMEA 0183 from a file or FIFO (a file is read to
 *                          its end; its last epoch counts)
 * A location call reads what has arrived and returns the newest fix; while
 * no fix has arrived it waits for one at most YZF_GPS_WAIT_MS milliseconds
 * (default 2000, 0 = never wait, at most 60000). If gpsd or the device goes away the last
 * fix is still returned (its mono_ms shows its age) and the next call
 * reconnects.
 */
#ifndef YZF_PORT_LINUX_H
#define YZF_PORT_LINUX_H
#include <yzf/port.h>

/* Create the port for home (created 0700 if missing). NULL on failure
 * (errno set; EINVAL for a YZF_GPS of none of the forms above). Free with
 * yzf_port_linux_destroy (NULL accepted), after every yzf_close. */
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

/* The location device of gps.c, for this port and for programs that read
 * a receiver without a store. create: spec as YZF_GPS above (NULL: none);
 * YZF_EINVAL for a bad spec; nothing is opened until the first location
 * call. location: as struct yzf_port's. destroy accepts NULL. */
struct yzf_linux_gps;
struct yzf_fix;
int yzf_linux_gps_create(const char *spec, struct yzf_linux_gps **out);
int yzf_linux_gps_location(struct yzf_linux_gps *d, struct yzf_fix *out);
void yzf_linux_gps_destroy(struct yzf_linux_gps *d);
int yzf_linux_printer_write(void *ctx, const char *uri, const void *buf,
			    size_t n);
#endif

/* yzf/yzf.h — libyzf, the field engine of an enforcement terminal.
 *
 * Umbrella header and the context. Everything hangs off one struct yzf,
 * opened on a platform port (yzf/port.h) and the terminal's store; there is
 * no global state. A struct yzf is used by one thread at a time; several
 * processes may open the same store (SQLite serialises writers, and every
 * append re-reads the stored head inside its transaction).
 *
 * Modules: error.h (result codes), port.h (platform), canon.h (canonical
 * JSON), record.h (envelope), cert.h (certificates), keys.h (terminal
 * init, enrollment, PIN, sessions, wipe), store.h (append and read feeds),
 * verify.h (prove feeds whole), exchange.h (export/import), calendar.h
 * (working days and deadlines), case.h (a case as the fold of its
 * records, and the legal guards of each step), location.h (the terminal's
 * fix), nmea.h (NMEA 0183 sentences into a fix), loclock.h (the location
 * lock), paper.h (paper fallback and backfill), evidence.h (evidence media
 * encrypted at rest, review), recording.h (whole-process recording).
 */
#ifndef YZF_YZF_H
#define YZF_YZF_H

#include "canon.h"
#include "cert.h"
#include "config.h"
#include "error.h"
#include "port.h"
#include "record.h"
#include "time.h"

#ifdef __cplusplus
extern "C" {
#endif

struct yzf;

enum yzf_open_flags {
	YZF_OPEN_CREATE = 1, /* create the store file if it does not exist */
};

/* Open the store at the port's YZF_PATH_STORE, applying pending schema
 * migrations (schemas/device/). The port must outlive the context.
 * On failure *out is NULL and, where a context could be made, the reason is
 * in the returned code only; msg (may be NULL) receives a description.
 * Free with yzf_close. */
YZF_API int yzf_open(const struct yzf_port *port, unsigned flags,
		     struct yzf **out, char *msg, size_t cap);
/* Close the store and wipe every secret the context holds. Accepts NULL. */
YZF_API void yzf_close(struct yzf *y);
/* Message of the last failed call on y; "" if none. Owned by y, valid until
 * the next call. */
YZF_API const char *yzf_errmsg(const struct yzf *y);

#ifdef __cplusplus
}
#endif

#include "keys.h"
#include "store.h"
#include "verify.h"
#include "exchange.h"
#include "sync.h"
#include "refset.h"
#include "merkle.h"
#include "trust.h"
#include "calendar.h"
#include "case.h"
#include "catalog.h"
#include "paper.h"
#include "location.h"
#include "nmea.h"
#include "loclock.h"
#include "evidence.h"
#include "recording.h"
#include "base45.h"
#include "qrpay.h"
#include "roster.h"
#include "font.h"
#include "layout.h"
#include "escpos.h"
#include "print.h"

#endif

/* yzf/error.h — the one table of result codes.
 *
 * Every int-returning yzf function returns YZF_OK (0) or one of the negative
 * codes below. A failed call on a context also leaves a human message naming
 * the field, record or rule at fault: yzf_errmsg(). Codes are stable: they
 * appear in the CLI's exit codes and --json output and are only appended.
 */
#ifndef YZF_ERROR_H
#define YZF_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define YZF_NODISCARD __attribute__((warn_unused_result))
#define YZF_API __attribute__((visibility("default")))
#else
#define YZF_NODISCARD
#define YZF_API
#endif

enum yzf_result {
	YZF_OK = 0,
	YZF_EINVAL = -1,      /* bad argument or input that fails its schema */
	YZF_ENOMEM = -2,      /* allocation failed */
	YZF_EIO = -3,         /* storage or device I/O failed */
	YZF_ENOTFOUND = -4,   /* no such feed, record, officer or file */
	YZF_EEXIST = -5,      /* already exists (store, enrollment) */
	YZF_ENONCANON = -6,   /* bytes are not canonical JSON */
	YZF_EBADSIG = -7,     /* a signature does not verify */
	YZF_ECORRUPT = -8,    /* stored data fails its integrity checks */
	YZF_EAUTH = -9,       /* wrong PIN */
	YZF_ELOCKED = -10,    /* too many wrong PINs: officer locked out */
	YZF_ENOSESSION = -11, /* no officer logged in for this feed */
	YZF_ECERT = -12,      /* certificate invalid, expired or not covering */
	YZF_ECRYPTO = -13,    /* a cryptographic primitive failed */
	YZF_ERANGE = -14,     /* a value or size exceeds its limit */
	YZF_EPORT = -15,      /* the platform port failed or lacks a device */
	YZF_ESTATE = -16,     /* operation not allowed in the current state */
};

/* Short English name of a result code ("bad signature"); never NULL. */
YZF_API const char *yzf_strerror(int code);

/* Stable identifier of a code for machine output ("EBADSIG"); never NULL. */
YZF_API const char *yzf_errname(int code);

#ifdef __cplusplus
}
#endif
#endif

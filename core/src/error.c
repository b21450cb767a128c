/* The one table of result codes and their names. */
#include "yzf/error.h"

static const struct {
	int code;
	const char *name;
	const char *text;
} codes[] = {
	{ YZF_OK, "OK", "success" },
	{ YZF_EINVAL, "EINVAL", "invalid input" },
	{ YZF_ENOMEM, "ENOMEM", "out of memory" },
	{ YZF_EIO, "EIO", "storage or I/O error" },
	{ YZF_ENOTFOUND, "ENOTFOUND", "not found" },
	{ YZF_EEXIST, "EEXIST", "already exists" },
	{ YZF_ENONCANON, "ENONCANON", "not canonical JSON" },
	{ YZF_EBADSIG, "EBADSIG", "bad signature" },
	{ YZF_ECORRUPT, "ECORRUPT", "stored data fails integrity checks" },
	{ YZF_EAUTH, "EAUTH", "wrong PIN" },
	{ YZF_ELOCKED, "ELOCKED", "locked out after too many wrong PINs" },
	{ YZF_ENOSESSION, "ENOSESSION", "not logged in" },
	{ YZF_ECERT, "ECERT", "certificate invalid or not covering" },
	{ YZF_ECRYPTO, "ECRYPTO", "cryptographic failure" },
	{ YZF_ERANGE, "ERANGE", "value out of range" },
	{ YZF_EPORT, "EPORT", "platform port failure" },
	{ YZF_ESTATE, "ESTATE", "not allowed in the current state" },
};

const char *yzf_strerror(int code)
{
	for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (codes[i].code == code)
			return codes[i].text;
	return "unknown error";
}

const char *yzf_errname(int code)
{
	for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (codes[i].code == code)
			return codes[i].name;
	return "EUNKNOWN";
}

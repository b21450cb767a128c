/* admin.h — `yzf-syncd admin ...`: city ops' commands. */
#ifndef YZF_SYNCD_ADMIN_H
#define YZF_SYNCD_ADMIN_H
#include "config.h"
/* Run an admin command (argv[0] is its name). Returns the exit code. */
int syncd_admin(const struct syncd_config *cfg, int argc, char **argv);
#endif

/* yzf-syncd admin — city ops' commands beside a running daemon. They work
 * on the store file directly (SQLite serialises them with the daemon). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../store/enroll.h"
#include "admin.h"
#include "config.h"

static const char *opt(int argc, char **argv, const char *name)
{
	for (int i = 0; i + 1 < argc; i++)
		if (strncmp(argv[i], "--", 2) == 0 && strcmp(argv[i] + 2, name) == 0)
			return argv[i + 1];
	return NULL;
}

static uint32_t roles_of(const char *s)
{
	uint32_t r = 0;
	char buf[128];
	snprintf(buf, sizeof buf, "%s", s);
	for (char *save, *t = strtok_r(buf, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		uint32_t bit = !strcmp(t, "officer") ? YZF_ROLE_OFFICER
			     : !strcmp(t, "reviewer") ? YZF_ROLE_REVIEWER
			     : !strcmp(t, "head") ? YZF_ROLE_HEAD : 0;
		if (!bit)
			return 0;
		r |= bit;
	}
	return r;
}

static int enroll_code(const struct syncd_config *cfg, int argc, char **argv)
{
	struct syncd_code_spec c = { 0 };
	const char *name = opt(argc, argv, "name"), *no = opt(argc, argv, "officer-no"),
		   *ag = opt(argc, argv, "agency"), *uscc = opt(argc, argv, "uscc"),
		   *roles = opt(argc, argv, "roles"), *days = opt(argc, argv, "days"),
		   *hours = opt(argc, argv, "hours");
	char path[SYNCD_PATH_MAX + 16], code[SYNCD_CODE_LEN + 1], msg[300];
	struct timespec ts;
	if (!name || !no || !ag || !uscc) {
		fprintf(stderr, "yzf-syncd admin enroll-code: --name --officer-no "
			"--agency --uscc are required\n");
		return 1;
	}
	snprintf(c.name, sizeof c.name, "%s", name);
	snprintf(c.officer_no, sizeof c.officer_no, "%s", no);
	snprintf(c.agency, sizeof c.agency, "%s", ag);
	snprintf(c.uscc, sizeof c.uscc, "%s", uscc);
	c.roles = roles ? roles_of(roles) : YZF_ROLE_OFFICER;
	if (!c.roles) {
		fprintf(stderr, "yzf-syncd admin enroll-code: --roles is a list of "
			"officer, reviewer, head\n");
		return 1;
	}
	c.days = days ? (unsigned)atoi(days) : 0;
	c.hours = hours ? (unsigned)atoi(hours) : 0;
	snprintf(path, sizeof path, "%s/store.db", cfg->data_dir);
	clock_gettime(CLOCK_REALTIME, &ts);
	int rc = syncd_code_create(path, &c, (int64_t)ts.tv_sec * 1000 +
					     ts.tv_nsec / 1000000, code, msg,
				   sizeof msg);
	if (rc) {
		fprintf(stderr, "yzf-syncd admin enroll-code: %s\n", msg);
		return rc == YZF_EINVAL ? 1 : 2;
	}
	printf("%s\n", code);
	fprintf(stderr, "enrollment code for %s (%s), valid %u hours, once\n",
		c.name, c.officer_no, c.hours ? c.hours : 72);
	return 0;
}

int syncd_admin(const struct syncd_config *cfg, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "enroll-code") == 0)
		return enroll_code(cfg, argc - 1, argv + 1);
	fprintf(stderr, "yzf-syncd admin: enroll-code --name N --officer-no NO "
		"--agency A --uscc CODE [--roles officer,...] [--days N] "
		"[--hours N]\n");
	return 1;
}

/* The sim port's printer: the ESC/POS stream goes to a file, for tests to
 * read back (yzf_escpos_parse). The URI is file:PATH or a path; with none,
 * home/printer.escpos. YZF_SIM_FAIL_PRINTER=n makes the nth call write
 * half the bytes and fail, as a printer that drops off mid-page. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"

int sim_printer_write(void *ctx, const char *uri, const void *buf, size_t n)
{
	struct sim_port *p = ctx;
	char path[PATH_MAX + 32];
	if (!uri || !*uri)
		snprintf(path, sizeof path, "%s", p->printer);
	else
		snprintf(path, sizeof path, "%s",
			 strncmp(uri, "file:", 5) ? uri : uri + 5);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return YZF_EPORT;
	bool fail = p->o.fail_printer_at && ++p->printer_calls ==
					    p->o.fail_printer_at;
	size_t want = fail ? n / 2 : n, done = 0;
	while (done < want) {
		ssize_t w = write(fd, (const char *)buf + done, want - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (close(fd) != 0 || done < n)
		return YZF_EIO;
	return YZF_OK;
}

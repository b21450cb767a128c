/* test_printer.c — the ports' printers: the Linux port to a TCP printer
 * (a listening socket here), a file and a missing device; the sim port's
 * file and its injected failure (half written, then an error). */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "yzf_port_linux.h"
#include "yzf_port_sim.h"

static size_t slurp(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, cap) : -1;
	if (fd >= 0)
		close(fd);
	return n < 0 ? 0 : (size_t)n;
}

static void test_linux(const char *dir)
{
	struct yzf_port *p = yzf_port_linux_create(dir);
	char uri[64], buf[8192], path[512];
	static char data[6000];
	CHECK(p && p->version >= 2 && p->printer_write);
	if (!p)
		return;
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (char)(i * 7);
	/* a network printer: the kernel holds what it sends until accepted */
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof a;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(bind(ls, (struct sockaddr *)&a, sizeof a) == 0 &&
	      listen(ls, 1) == 0 &&
	      getsockname(ls, (struct sockaddr *)&a, &al) == 0);
	snprintf(uri, sizeof uri, "tcp://127.0.0.1:%u", ntohs(a.sin_port));
	CHECK_EQ_INT(p->printer_write(p->ctx, uri, data, sizeof data), YZF_OK);
	int cs = accept(ls, NULL, NULL);
	size_t got = 0;
	ssize_t r;
	while (cs >= 0 && (r = read(cs, buf + got, sizeof buf - got)) > 0)
		got += (size_t)r;
	CHECK(got == sizeof data && !memcmp(buf, data, got));
	if (cs >= 0)
		close(cs);
	close(ls);
	/* nobody listening, no host (no name lookup: CI has no DNS), no
	 * such device */
	CHECK_EQ_INT(p->printer_write(p->ctx, uri, data, 1), YZF_EPORT);
	CHECK_EQ_INT(p->printer_write(p->ctx, "tcp://:9100", data, 1),
		     YZF_EPORT);
	CHECK_EQ_INT(p->printer_write(p->ctx, "/nonexistent/lp0", data, 1),
		     YZF_EPORT);
	/* a file, for spooling */
	snprintf(path, sizeof path, "file:%s/spool.escpos", dir);
	CHECK_EQ_INT(p->printer_write(p->ctx, path, data, 100), YZF_OK);
	CHECK_EQ_INT(slurp(path + 5, buf, sizeof buf), 100);
	yzf_port_linux_destroy(p);
}

static void test_sim(const char *dir)
{
	struct yzf_sim_opts o = { .fail_printer_at = 2 };
	struct yzf_port *p = yzf_port_sim_create(dir, &o);
	char buf[256], path[512];
	CHECK(p && p->printer_write);
	if (!p)
		return;
	snprintf(path, sizeof path, "%s/printer.escpos", dir);
	CHECK_EQ_INT(p->printer_write(p->ctx, NULL, "0123456789", 10), YZF_OK);
	CHECK_EQ_INT(slurp(path, buf, sizeof buf), 10);
	/* the second print drops off half way */
	CHECK_EQ_INT(p->printer_write(p->ctx, NULL, "0123456789", 10), YZF_EIO);
	CHECK_EQ_INT(slurp(path, buf, sizeof buf), 5);
	CHECK_EQ_INT(p->printer_write(p->ctx, NULL, "abc", 3), YZF_OK);
	yzf_port_sim_destroy(p);
}

int main(void)
{
	char dir[] = "/tmp/print-ports.XXXXXX";
	if (!mkdtemp(dir))
		return 2;
	test_linux(dir);
	test_sim(dir);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "%s: left behind\n", dir);
	return check_done();
}

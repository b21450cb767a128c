/* The Linux port's printer: a device file (/dev/usb/lp0), a serial or
 * Bluetooth tty (/dev/ttyS0, /dev/rfcomm0: put in raw mode, so no byte of
 * the raster is taken for a control character), a network printer
 * (tcp://host:9100) or a file (file:PATH, for spooling). With no URI,
 * $YZF_PRINTER, else /dev/usb/lp0. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "yzf_port_linux.h"

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return YZF_EIO;
		p += w;
		n -= (size_t)w;
	}
	return YZF_OK;
}

static int tcp_open(const char *hostport)
{
	char host[256];
	const char *colon = strrchr(hostport, ':');
	const char *port = colon ? colon + 1 : "9100";
	size_t hl = colon ? (size_t)(colon - hostport) : strlen(hostport);
	if (hl == 0 || hl >= sizeof host)
		return -1;
	memcpy(host, hostport, hl);
	host[hl] = '\0';
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai, *a;
	if (getaddrinfo(host, port, &hints, &ai))
		return -1;
	int fd = -1;
	for (a = ai; a; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC,
			    a->ai_protocol);
		if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) == 0)
			break;
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

int yzf_linux_printer_write(void *ctx, const char *uri, const void *buf,
			    size_t n)
{
	(void)ctx;
	int fd;
	if (!uri || !*uri)
		uri = getenv("YZF_PRINTER");
	if (!uri || !*uri)
		uri = "/dev/usb/lp0";
	if (!strncmp(uri, "tcp://", 6)) {
		fd = tcp_open(uri + 6);
	} else if (!strncmp(uri, "file:", 5)) {
		fd = open(uri + 5, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0600);
	} else {
		fd = open(uri, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		struct termios t;
		if (fd >= 0 && isatty(fd) && tcgetattr(fd, &t) == 0) {
			cfmakeraw(&t);
			tcsetattr(fd, TCSANOW, &t);
		}
	}
	if (fd < 0)
		return YZF_EPORT;
	int rc = write_all(fd, buf, n);
	if (!strncmp(uri, "tcp://", 6))
		shutdown(fd, SHUT_WR);
	if (close(fd) != 0 && rc == YZF_OK)
		rc = YZF_EIO;
	return rc;
}

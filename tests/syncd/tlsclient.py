#!/usr/bin/env python3
"""tlsclient.py — raw HTTP-over-TLS clients for tests/syncd/net.sh.

curl and openssl cannot send malformed or deliberately slow requests, hold
connections idle, or signal the daemon in the middle of a request; these
do. Every client trusts only the test's ca.crt and talks to localhost.

  request PORT CA DATA [DATA...]   send each DATA (Python escapes such as
                                   \\r\\n allowed) 0.3 s apart, print all
                                   that comes back until the server closes
  slowloris PORT CA                send a request head one byte a second;
                                   print the seconds until the server cut it
  stall PORT CA [DATA]             send DATA (maybe nothing, maybe part of a
                                   request), then wait; print the seconds
                                   until the server closed the connection
  idle PORT HOLD EXTRA             open HOLD plain TCP connections, then
                                   EXTRA more; print how many extras were
                                   closed at once and how many held stayed
  drain PORT CA PID                start a request, SIGTERM PID, finish the
                                   request; print the answer
"""
import os
import select
import signal
import socket
import ssl
import sys
import time


def tls(port, ca, timeout=10):
    ctx = ssl.create_default_context(cafile=ca)
    raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return ctx.wrap_socket(raw, server_hostname="localhost")


def unescape(s):
    return s.encode("utf-8").decode("unicode_escape").encode("latin-1")


def read_all(s, limit=10.0):
    """Everything until the server closes (or limit seconds pass)."""
    out = b""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        s.settimeout(max(0.05, end - time.monotonic()))
        try:
            b = s.recv(65536)
        except (socket.timeout, TimeoutError):
            break
        except (ssl.SSLError, ConnectionError, OSError):
            break
        if not b:
            break
        out += b
    return out


def cmd_request(port, ca, *parts):
    s = tls(int(port), ca)
    for i, p in enumerate(parts):
        if i:
            time.sleep(0.3)
        try:
            s.sendall(unescape(p))
        except (ssl.SSLError, OSError):
            break  # the server may close before everything is sent
    sys.stdout.buffer.write(read_all(s))
    s.close()


def closed(s, wait):
    """Whether the peer closed s within wait seconds."""
    r, _, _ = select.select([s], [], [], wait)
    if not r:
        return False
    try:
        return s.recv(1) == b""
    except (ssl.SSLError, ConnectionError, OSError):
        return True


def cmd_slowloris(port, ca):
    s = tls(int(port), ca)
    head = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"a" * 64
    t0 = time.monotonic()
    for ch in head:
        try:
            s.sendall(bytes([ch]))
        except (ssl.SSLError, OSError):
            break
        if closed(s, 1.0):
            break
        if time.monotonic() - t0 > 30:
            break
    print("%.1f" % (time.monotonic() - t0))


def cmd_stall(port, ca, data=""):
    s = tls(int(port), ca)
    t0 = time.monotonic()
    if data:
        s.sendall(unescape(data))
    end = t0 + 30
    while time.monotonic() < end:
        r, _, _ = select.select([s], [], [], end - time.monotonic())
        if not r:
            break
        try:
            if not s.recv(65536):
                break  # answers (if any) are read and dropped
        except (ssl.SSLError, ConnectionError, OSError):
            break
    print("%.1f" % (time.monotonic() - t0))


def cmd_idle(port, hold, extra):
    port, hold, extra = int(port), int(hold), int(extra)
    held = [socket.create_connection(("127.0.0.1", port)) for _ in range(hold)]
    time.sleep(0.5)  # the daemon has accepted them and counts them open
    extras = [socket.create_connection(("127.0.0.1", port))
              for _ in range(extra)]
    extra_closed = sum(1 for s in extras if closed(s, 1.0))
    held_open = sum(1 for s in held if not closed(s, 0.0))
    print("extra_closed=%d held_open=%d" % (extra_closed, held_open))
    for s in held + extras:
        s.close()


def cmd_drain(port, ca, pid):
    s = tls(int(port), ca)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
    time.sleep(0.3)
    os.kill(int(pid), signal.SIGTERM)
    time.sleep(0.5)
    s.sendall(b"\r\n")
    sys.stdout.buffer.write(read_all(s))
    s.close()


def main():
    cmds = {"request": cmd_request, "slowloris": cmd_slowloris,
            "idle": cmd_idle, "stall": cmd_stall, "drain": cmd_drain}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.stderr.write(__doc__)
        return 2
    cmds[sys.argv[1]](*sys.argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main())

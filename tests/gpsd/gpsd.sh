#!/usr/bin/env bash
# tests/gpsd/gpsd.sh — the Linux port reads fixes from a real gpsd. gpsfake
# (Debian gpsd-clients) starts gpsd on a free loopback port and feeds it a
# receiver capture through a pseudo-terminal; tests/tools/gpsread reads
# fixes through ports/linux/gps.c (libgps), as the yzf program does with
# YZF_GPS=gpsd://..., and must get the capture's last fix: time,
# latitude and longitude as the capture says (and as gpsd's own regression
# output, tests/data/nmea/*.chk, says). Then the port's NMEA reader: a
# BeiDou capture as a file, and through a FIFO as a serial line brings it.
#
# Every wait is bounded: gpsfake runs under timeout(1), gpsread stops by
# itself, and the port's first-fix wait is capped. Needs GPSREAD and
# SRCDIR. Ends with the "N passed, N failed" line; exits 77 (skipped) when
# gpsfake is not installed.
set -u
: "${GPSREAD:?path of tests/tools/gpsread}"
: "${SRCDIR:?source root}"
if ! command -v gpsfake >/dev/null || ! [ -x /usr/sbin/gpsd ]; then
	echo "gpsfake or gpsd not installed (Debian: gpsd gpsd-clients)"
	exit 77
fi
W=$(mktemp -d /tmp/yzf-gpsd.XXXXXX)
FAKE=
cleanup() {
	[ -n "$FAKE" ] && kill "$FAKE" 2>/dev/null && wait "$FAKE" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
PASS=0 FAIL=0
ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*" >&2; }

DATA=$SRCDIR/tests/data/nmea
# gpsd: nmea-fuzzy-cases.log, a Trimble RTK receiver (GP then GN talkers,
# eight decimals of minutes). Its last fix: 13:39:00.900 UTC on 2020-03-18
# at 4134.50180291 N 09345.03586858 W, 280.833 m (gpsd's TPV: 41.575030049,
# -93.750597810). gpsd 3.22 moves two-digit-year dates it finds too old by
# 1024 GPS weeks, as it did to the 2015 BeiDou captures, so the gpsd part
# uses this 2020 one.
GLOG=$DATA/nmea-fuzzy-cases.log
GT=1584538740900 GLAT=415750300 GLON=-937505978
# The NMEA reader: beidou-bd.log, a BeiDou receiver in Shanghai. Its last
# fix, 07:41:59.799 UTC on 2015-02-25, at 3114.8943 N 12135.2444 E (gpsd's
# TPV: 31.248238333, 121.587406667), 196.4 m, 7 satellites.
LOG=$DATA/beidou-bd.log
T=1424850119799 LAT=312482383 LON=1215874067

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# gpsd through gpsfake. -n: gpsd reads the pty before any client comes;
# -c: a pause between sentences, so the replay lasts a few seconds and the
# reader, which connects as soon as gpsd listens, sees its end; -1: once;
# -W: gpsfake gives up soon after the log ends.
PORT=$(free_port)
timeout -k 5 60 gpsfake -1 -q -n -c 0.2 -W 10 -P "$PORT" "$GLOG" \
	>"$W/gpsfake.log" 2>&1 &
FAKE=$!
up=0
for _ in $(seq 1 100); do
	if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then up=1; break; fi
	sleep 0.1
done
if [ "$up" = 1 ]; then ok; else bad "gpsd did not listen on $PORT: $(cat "$W/gpsfake.log")"; fi
YZF_GPS_WAIT_MS=1000 timeout -k 5 40 "$GPSREAD" "gpsd://127.0.0.1:$PORT" 30 \
	"$GT" "$GLAT" "$GLON" >"$W/gpsd.out" 2>"$W/gpsd.err"
rc=$?
if [ "$rc" = 0 ]; then ok; else
	bad "gpsd: the capture's last fix not read (exit $rc): $(tail -5 "$W/gpsd.out") $(cat "$W/gpsd.err")"
fi
# The fix came from gpsd (source 2), 3D, at the capture's altitude.
if grep -q "^$GT $GLAT $GLON 280833 3 1 2 " "$W/gpsd.out"; then ok; else
	bad "gpsd: last fix not as expected: $(tail -3 "$W/gpsd.out")"
fi
n=$(wc -l <"$W/gpsd.out")
if [ "$n" -ge 2 ]; then ok; else bad "gpsd: only $n fixes read"; fi
kill "$FAKE" 2>/dev/null; wait "$FAKE" 2>/dev/null; FAKE=

# No gpsd on a port: the device fails at once, no hang.
start=$(date +%s)
YZF_GPS_WAIT_MS=0 timeout 20 "$GPSREAD" "gpsd://127.0.0.1:$(free_port)" 2 \
	>"$W/none.out" 2>"$W/none.err"
if grep -q "platform port failure" "$W/none.err" && [ ! -s "$W/none.out" ]; then ok; else
	bad "no gpsd: $(cat "$W/none.err")"; fi
if [ $(($(date +%s) - start)) -le 10 ]; then ok; else bad "no gpsd: took too long"; fi

# The NMEA reader of the same port: the capture as a file (its last epoch
# counts at its end), then through a FIFO as a serial line would bring it.
timeout 20 "$GPSREAD" "$LOG" 5 "$T" "$LAT" "$LON" >"$W/file.out" 2>&1
rc=$?
if [ "$rc" = 0 ]; then ok; else bad "file: exit $rc: $(cat "$W/file.out")"; fi
if grep -q "^$T $LAT $LON 196400 3 1 1 7\$" "$W/file.out"; then ok; else
	bad "file: last fix not as expected: $(tail -3 "$W/file.out")"; fi
mkfifo "$W/tty"
YZF_GPS_WAIT_MS=3000 timeout 20 "$GPSREAD" "$W/tty" 10 "$((T - 1000))" \
	312482550 1215873983 >"$W/fifo.out" 2>&1 &
READER=$!
# Write slowly enough that a reader sees the stream arrive in pieces.
timeout 20 bash -c 'while IFS= read -r l; do printf "%s\n" "$l"; sleep 0.01; done' \
	<"$LOG" >"$W/tty"
wait "$READER"
rc=$?
if [ "$rc" = 0 ]; then ok; else bad "fifo: exit $rc: $(cat "$W/fifo.out")"; fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]

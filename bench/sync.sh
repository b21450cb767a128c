#!/usr/bin/env bash
# bench/sync.sh — the sync benchmark: a throwaway city authority and a real
# yzf-syncd on 127.0.0.1 (port chosen by the kernel), then bench/sync
# against it, then the daemon stopped and its store checked.
#
#   bench/sync.sh [--build DIR] [sync options...]    default DIR: build
#
# sync options (bench/sync.c): --terminals T (50) --records R (1000000)
# --batch B (100) --conns C (2000) --pushers L (200) --pushes P (5)
# --hs-secs S (2) --threads N (cores). --records 100000 is a quick run.
# YZF, YZF_SYNCD and YZF_BENCH_SYNC, when set, name the programs (meson's
# `benchmark('sync')` sets them); otherwise they are taken from DIR.
# Builds nothing. Exits 0 whatever the figures; non-zero only when a step
# fails, a push is refused, or the store does not hold every record sent.
set -uo pipefail

start=$(date +%s.%N)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$here/../build
args=()
while [[ $# -gt 0 ]]; do
	if [[ $1 == --build && $# -ge 2 ]]; then
		build=$2
		shift 2
	else
		args+=("$1")
		shift
	fi
done
set -- ${args[@]+"${args[@]}"}
YZF=${YZF:-$build/device/yzf}
YZF_SYNCD=${YZF_SYNCD:-$build/syncd/net/yzf-syncd}
BIN=${YZF_BENCH_SYNC:-$build/bench/sync}
for p in "$YZF" "$YZF_SYNCD" "$BIN"; do
	if [[ ! -x $p ]]; then
		echo "sync.sh: $p: no such program (build it: ninja -C $build)" >&2
		exit 2
	fi
done
command -v sqlite3 >/dev/null || { echo "sync.sh: needs sqlite3" >&2; exit 2; }

# The daemon checks request and record times against the real clock.
unset YZF_PORT YZF_SIM_TIME YZF_HOME
W=$(mktemp -d "${TMPDIR:-/tmp}/yzf-bench-sync.XXXXXX")
PID=
stop_daemon() {
	[[ -n $PID ]] || return 0
	kill -TERM "$PID" 2>/dev/null
	wait "$PID"
	local rc=$?
	PID=
	return $rc
}
trap 'stop_daemon; rm -rf "$W"' EXIT
die() { echo "sync.sh: $*" >&2; exit 1; }

"$YZF" authority init --dir "$W/city" --root-name 广东省人民政府 \
	--city-name 广州市市场监督管理局 --region 440100 >/dev/null ||
	die "yzf authority init failed"
"$YZF_SYNCD" init --dir "$W/srv" >/dev/null || die "yzf-syncd init failed"
# Certificates first: the daemon reads issued.ndjson when it starts.
"$BIN" issue --authority "$W/city" --keys "$W/feeds.key" "$@" ||
	die "issuing feed certificates failed"
cat >"$W/syncd.ini" <<INI
[server]
listen = 127.0.0.1
port = 0
data_dir = $W/srv
authority_dir = $W/city
INI

# A thread and a descriptor per connection: 2,000 held plus the rest.
hard=$(ulimit -Hn)
if [[ $(ulimit -n) != unlimited && $(ulimit -n) -lt 8192 ]]; then
	if [[ $hard == unlimited || $hard -ge 8192 ]]; then
		ulimit -n 8192
	else
		ulimit -n "$hard"
	fi
fi
echo "descriptors: $(ulimit -n) (hard $hard) for the daemon and the client"

"$YZF_SYNCD" --config "$W/syncd.ini" >"$W/syncd.log" 2>&1 &
PID=$!
PORT=
for _ in $(seq 1 100); do
	PORT=$(sed -n 's/.*listening on .*:\([0-9][0-9]*\) .*/\1/p' "$W/syncd.log" | head -1)
	[[ -n $PORT ]] && break
	kill -0 "$PID" 2>/dev/null || break
	sleep 0.1
done
if [[ -z $PORT ]]; then
	cat "$W/syncd.log" >&2
	die "the daemon did not start"
fi

"$BIN" run --port "$PORT" --ca "$W/srv/ca.crt" --cert "$W/srv/server.crt" \
	--key "$W/srv/server.key" --keys "$W/feeds.key" --expect "$W/expect" \
	--daemon-pid "$PID" "$@"
bench=$?

stop_daemon
drc=$?
echo
status=0
if [[ $bench -ne 0 ]]; then
	echo "sync.sh: bench/sync failed (exit $bench)" >&2
	status=1
fi
if [[ $drc -ne 0 ]]; then
	echo "sync.sh: yzf-syncd exited $drc on SIGTERM" >&2
	status=1
fi
# What the daemon said beyond one line per request.
warn=$(grep -c ' warn: ' "$W/syncd.log")
err=$(grep -c ' error: ' "$W/syncd.log")
echo "daemon log: $(wc -l <"$W/syncd.log") lines, $warn warn, $err error"
grep -E ' (warn|error): ' "$W/syncd.log" | head -5 | sed 's/^/  /'
if [[ -s $W/expect ]]; then
	want=$(cat "$W/expect")
	have=$(sqlite3 "$W/srv/store.db" 'SELECT count(*) FROM records')
	quar=$(sqlite3 "$W/srv/store.db" 'SELECT count(*) FROM quarantine')
	echo "store: $have records (expected $want), $quar quarantined"
	if [[ $have != "$want" || $quar != 0 ]]; then
		echo "sync.sh: the store does not hold exactly the records sent" >&2
		status=1
	fi
else
	status=1
fi
echo "sync.sh took $(awk -v s="$start" -v e="$(date +%s.%N)" \
	'BEGIN { printf "%.1f", e - s }') s in all"
exit $status

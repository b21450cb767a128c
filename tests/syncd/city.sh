# tests/syncd/city.sh — a city for the daemon tests, sourced after
# tests/integration/lib.sh: the authority, yzf-syncd's TLS and settings in
# $W, and helpers to start and stop the real daemon on a free loopback
# port ($PORT) and to sync a terminal with it.
: "${YZF_SYNCD:?path of yzf-syncd}"
# The daemon checks request times against its real clock: so do the terminals.
unset YZF_SIM_TIME
S=$W/srv
PID=

# city_up: authority, daemon TLS and syncd.ini (checked)
city_up() {
	check "authority" make_authority
	check "yzf-syncd init" sh -c "'$YZF_SYNCD' init --dir '$S' >/dev/null"
	cat >"$W/syncd.ini" <<INI
[server]
listen = 127.0.0.1
port = 0
data_dir = $S
authority_dir = $W/city
INI
}

# start_daemon: 0 once it listens; 1 if it exits or does not listen
start_daemon() {
	"$YZF_SYNCD" --config "$W/syncd.ini" >"$W/syncd.log" 2>&1 &
	PID=$!
	for _ in $(seq 1 100); do
		PORT=$(sed -n 's/.*listening on .*:\([0-9][0-9]*\).*/\1/p' "$W/syncd.log" 2>/dev/null | head -1)
		[ -n "$PORT" ] && return 0
		kill -0 "$PID" 2>/dev/null || { PID=; return 1; }
		sleep 0.1
	done
	echo "daemon did not start:" >&2; cat "$W/syncd.log" >&2
	return 1
}
stop_daemon() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; PID=; }
trap 'stop_daemon; [ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
server_count() { sqlite3 "$S/store.db" "SELECT count(*) FROM records WHERE feed = X'$1'"; }
sync_to() { "$YZF" --home "$1" sync --server "https://localhost:$PORT" --ca "$S/ca.crt" "${@:2}"; }

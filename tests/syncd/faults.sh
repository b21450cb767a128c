#!/usr/bin/env bash
# tests/syncd/faults.sh — sync through a faulty network (TESTING.md item
# 19). The real yzf-syncd on loopback, tests/syncd/faultproxy.c in front of
# it, one terminal with one officer appending records while `yzf sync`
# pushes them through the proxy round after round. The proxy cuts
# connections (RST) at random byte offsets in the requests, in the answers
# (after the server committed), and stalls them.
#
# Invariants, after every round: the terminal's acknowledged head is a
# record the server holds (same seq, same id) and never beyond what the
# server holds; the server holds at most one batch more than acknowledged.
# At the end: the server holds exactly the terminal's chain (same seqs, same
# ids, no gap, nothing twice), nothing quarantined, every record ingested
# once (resends were duplicates), TLS sessions resumed, the daemon healthy.
#
# Phases (one proxy per round, a fresh seed each, K the cut offset):
#   1 cut      K < 64 KiB client->server, --retries 0, records appended in
#              the background meanwhile
#   2 cut      K < 6 KiB: most cuts land in the handshake or the first
#              requests; small top-ups of records between rounds
#   3 cutboth  K < 6 KiB either way: answers lost after the commit must not
#              be acknowledged, their resend must be harmless
#   4 mixed    K < 8 KiB cuts either way, stalls of 0.5-3 s or nothing,
#              --retries 3: backoff and TLS session resumption within one
#              sync
#   5 blob     an evidence file uploaded through cuts at K < 1.5 MiB,
#              each round resuming from what the city holds
# Each sync also fetches revocations first and pulls shared cases last:
# cuts land in those requests too. A sync must exit 0, or 7 when it gave
# up; any other exit (a quarantine, a refusal, a signal) fails the test.
#
# Needs YZF, YZF_SYNCD, FAULTPROXY, SRCDIR; sqlite3 and curl. FAULT_SEED
# fixes the seeds (printed at the start); FAULT_KEEP=1 keeps the work
# directory. Ends with the "N passed, N failed" line.
. "$SRCDIR/tests/integration/lib.sh"
: "${YZF_SYNCD:?path of yzf-syncd}"
: "${FAULTPROXY:?path of faultproxy}"
# The daemon checks request times against its real clock: so do terminals.
unset YZF_SIM_TIME
S=$W/srv
T=$W/t1
PID=
FPID=
APID=
SEED0=${FAULT_SEED:-$(( ($(date +%s) ^ $$) % 1000000 ))}
START=$SECONDS
BUDGET=${FAULT_BUDGET:-170}   # seconds for the whole test

cleanup() {
	[ -n "$APID" ] && kill "$APID" 2>/dev/null
	[ -n "$FPID" ] && kill "$FPID" 2>/dev/null
	[ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
	wait 2>/dev/null
	if [ -n "${FAULT_KEEP:-}" ]; then echo "kept $W" >&2; else rm -rf "$W"; fi
}
trap cleanup EXIT

start_daemon() {
	"$YZF_SYNCD" --config "$W/syncd.ini" >"$W/syncd.log" 2>&1 &
	PID=$!
	for _ in $(seq 1 100); do
		PORT=$(sed -n 's/.*listening on .*:\([0-9][0-9]*\).*/\1/p' "$W/syncd.log" | head -1)
		[ -n "$PORT" ] && return 0
		sleep 0.1
	done
	echo "daemon did not start:" >&2; cat "$W/syncd.log" >&2
	return 1
}

# start_proxy MODE SEED MAXK: a proxy in front of the daemon, its port in
# PP, its log in FPLOG (a new file each round: never an old proxy's port)
start_proxy() {
	FPLOG=$W/fp.$ROUND.log
	"$FAULTPROXY" 0 "$PORT" "$1" "$2" "$3" 2>"$FPLOG" &
	FPID=$!
	for _ in $(seq 1 300); do
		PP=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$FPLOG" 2>/dev/null)
		[ -n "$PP" ] && return 0
		kill -0 "$FPID" 2>/dev/null || break
		sleep 0.01
	done
	cat "$FPLOG" >&2
	return 1
}
stop_proxy() {
	local rc
	kill -TERM "$FPID" 2>/dev/null
	wait "$FPID"
	rc=$?
	FPID=
	[ "$rc" = 0 ] || bad "round $ROUND: faultproxy exit $rc: $(tail -3 "$FPLOG")"
	sed "s/^/round $ROUND: /" "$FPLOG" >>"$W/proxy.log"
}

server_count() { sqlite3 -cmd ".timeout 10000" "$S/store.db" "SELECT count(*) FROM records WHERE feed = X'$A'"; }
metric() {
	curl -s --max-time 10 --cacert "$S/ca.crt" "https://localhost:$PORT/metrics" |
		awk -v n="$1" '$1 == n { print $2 }'
}

# append_some N: N records, inspection items and notes in turn
NREC=0
append_some() {
	local i
	for i in $(seq 1 "$1"); do
		NREC=$((NREC + 1))
		if [ $((NREC % 3)) = 0 ]; then
			echo "{\"text\":\"现场记录 $NREC：当事人在场，拍照取证\"}" |
				"$YZF" --home "$T" append note --feed "$A" --case "$CASE" >/dev/null
		else
			echo "{\"item\":\"检查项 $NREC\",\"result\":\"compliant\"}" |
				"$YZF" --home "$T" append inspection.item --feed "$A" --case "$CASE" >/dev/null
		fi || { echo "append $NREC failed" >&2; return 1; }
	done
}

# Totals over all rounds, and per phase (P_*)
ROUND=0 CONNS=0 CUT_C2S=0 CUT_S2C=0 STALLS=0 LOST=0 LAST_LOST= ROUNDS_BAD=0
P_CUTS=0 P_STALLS=0 P_LOST=0 P_ROUNDS=0 P_VIOL=0

# observe: the terminal's acknowledged head against the server's store
observe() {
	local line tid sid
	line=$("$YZF" --home "$T" sync --status 2>&1)
	read -r LOCAL ACKED WAITING < <(echo "$line" |
		sed -n 's/.*: \([0-9]*\) records, \([0-9]*\) acknowledged by the city, \([0-9]*\) waiting.*/\1 \2 \3/p')
	if [ -z "${WAITING:-}" ]; then
		bad "round $ROUND: sync --status: $line"; P_VIOL=$((P_VIOL + 1)); WAITING=1; return
	fi
	HELD=$(server_count)
	if [ "$ACKED" -gt "$HELD" ]; then
		bad "round $ROUND: acknowledged $ACKED > held by the server $HELD"
		P_VIOL=$((P_VIOL + 1))
	fi
	if [ $((HELD - ACKED)) -gt 7 ]; then
		bad "round $ROUND: the server holds $HELD, more than one batch beyond the acknowledged $ACKED"
		P_VIOL=$((P_VIOL + 1))
	fi
	# The server committed a batch whose answer never reached the
	# terminal: counted once, however many rounds the resend takes.
	if [ "$HELD" -gt "$ACKED" ] && [ "$ACKED:$HELD" != "$LAST_LOST" ]; then
		LOST=$((LOST + 1)) P_LOST=$((P_LOST + 1)) LAST_LOST=$ACKED:$HELD
	fi
	if [ "$ACKED" -gt 0 ]; then
		tid=$(sqlite3 -cmd ".timeout 10000" "$T/store.db" "SELECT acked_seq || ' ' || hex(acked_id) FROM sync_state WHERE feed = X'$A'")
		sid=$(sqlite3 -cmd ".timeout 10000" "$S/store.db" "SELECT seq || ' ' || hex(id) FROM records WHERE feed = X'$A' AND seq = $ACKED")
		if [ "$tid" != "$sid" ]; then
			bad "round $ROUND: acknowledged head '$tid' is not the server's record '$sid'"
			P_VIOL=$((P_VIOL + 1))
		fi
	fi
}

# round MODE MAXK RETRIES: one yzf sync through a fresh proxy
round() {
	local mode=$1 maxk=$2 retries=$3 rc seed c a b s
	ROUND=$((ROUND + 1))
	P_ROUNDS=$((P_ROUNDS + 1))
	seed=$((SEED0 * 1000 + ROUND))
	if ! start_proxy "$mode" "$seed" "$maxk"; then
		bad "round $ROUND: faultproxy did not start"; WAITING=1; return
	fi
	"$YZF" --home "$T" sync --server "https://localhost:$PP" --ca "$S/ca.crt" \
		--batch 7 --retries "$retries" >"$W/round.out" 2>"$W/round.err"
	rc=$?
	stop_proxy
	sed "s/^/round $ROUND: /" "$W/round.err" >>"$W/sync.err"
	# 0: all sent; 7: gave up after the retries. Anything else (a
	# quarantine, a refused answer, a signal, a sanitizer) is a failure.
	if [ "$rc" != 0 ] && [ "$rc" != 7 ]; then
		ROUNDS_BAD=$((ROUNDS_BAD + 1))
		bad "round $ROUND ($mode, seed $seed, maxk $maxk): yzf sync exit $rc: $(tail -5 "$W/round.err")"
	fi
	read -r c a b s < <(awk '/ fault=/ { n++ }
		/fault=cut dir=c2s/ && /applied=1/ { a++ }
		/fault=cut dir=s2c/ && /applied=1/ { b++ }
		/fault=stall/ && /applied=1/ { s++ }
		END { print n + 0, a + 0, b + 0, s + 0 }' "$FPLOG")
	rm -f "$FPLOG"
	CONNS=$((CONNS + c)) CUT_C2S=$((CUT_C2S + a)) CUT_S2C=$((CUT_S2C + b))
	STALLS=$((STALLS + s)) P_CUTS=$((P_CUTS + a + b)) P_STALLS=$((P_STALLS + s))
	observe
	# the history, for a failure's post-mortem (FAULT_KEEP=1)
	echo "round $ROUND mode=$mode seed=$seed maxk=$maxk retries=$retries rc=$rc local=$LOCAL acked=$ACKED held=$HELD conns=$c cuts=$((a + b)) stalls=$s" >>"$W/rounds.log"
}

# phase NAME MODE MAXK RETRIES SECONDS MIN_CUTS MIN_STALLS MIN_LOST TOPUP
# Rounds until nothing waits and the phase has injected its faults; when
# fewer than TOPUP records wait, TOPUP more are appended between rounds.
phase() {
	local name=$1 mode=$2 maxk=$3 retries=$4 secs=$5 mincuts=$6 minstalls=$7
	local minlost=$8 topup=$9 t0=$SECONDS enough
	P_CUTS=0 P_STALLS=0 P_LOST=0 P_ROUNDS=0 P_VIOL=0
	while :; do
		round "$mode" "$maxk" "$retries"
		enough=0
		[ "$P_CUTS" -ge "$mincuts" ] && [ "$P_STALLS" -ge "$minstalls" ] &&
			[ "$P_LOST" -ge "$minlost" ] && enough=1
		if [ -n "$APID" ] && ! kill -0 "$APID" 2>/dev/null; then
			wait "$APID"; check "background appends" test $? = 0; APID=
		fi
		[ "$enough" = 1 ] && [ -z "$APID" ] && [ "$WAITING" = 0 ] && break
		if [ $((SECONDS - t0)) -ge "$secs" ] || [ $((SECONDS - START)) -ge "$BUDGET" ]; then
			bad "phase $name: out of time after $P_ROUNDS rounds ($P_CUTS cuts, $P_STALLS stalls, $P_LOST answers lost, $WAITING waiting)"
			return
		fi
		# interleave: new records between rounds
		if [ "$enough" = 0 ] && [ "$WAITING" -lt "$topup" ]; then
			append_some "$topup" || bad "phase $name: appending failed"
		elif [ $((ROUND % 5)) = 0 ]; then
			append_some 2 || bad "phase $name: appending failed"
		fi
	done
	check "phase $name: acknowledged head held by the server after each of $P_ROUNDS rounds" test "$P_VIOL" = 0
	echo "phase $name: $P_ROUNDS rounds, $P_CUTS cuts, $P_STALLS stalls, $P_LOST answers lost after the commit, $((SECONDS - t0)) s"
}

echo "faults: seed base $SEED0 (FAULT_SEED=$SEED0 repeats the faults)"
check "authority" make_authority
check "yzf-syncd init" sh -c "'$YZF_SYNCD' init --dir '$S' >/dev/null"
cat >"$W/syncd.ini" <<INI
[server]
listen = 127.0.0.1
port = 0
data_dir = $S
authority_dir = $W/city
; a batch of 7 on loopback pushes hundreds of times a second: the rate
; limit (429) is e2e.sh's subject, not this test's
push_rate = 100000
INI
check "terminal" make_terminal "$T" GZ-T-0101
A=$(enroll "$T" 135790 张明 44010020230001 广州市天河区市场监督管理局 $USCC_SCJG)
check "officer enrolled" test -n "$A"
check "login" login "$T" 135790 "$A"
if start_daemon; then ok; else
	bad "daemon starts"; PID=; done_tests; exit 1
fi
CASE=C-FAULT-0001
echo '{"kind":"routine","matter":"SCJG-0101","place":"天河路385号","party":{"kind":"legal_person","name":"某食品店"},"credentials_shown":true}' |
	"$YZF" --home "$T" append inspection.start --case $CASE >/dev/null
check "first records" append_some 149

# 1: K < 64 KiB, with 450 records appended in the background meanwhile
( append_some 450 ) 2>"$W/appender.err" &
APID=$!
NREC=$((NREC + 450))
phase "1 cut <64KiB" cut 65536 0 45 5 0 0 0

# 2: K < 6 KiB
phase "2 cut <6KiB" cut 6144 0 50 130 0 0 12

# 3: answers cut too, after the server committed. A terminal that took a
# batch as acknowledged before its answer arrived would never show the
# server ahead of it, and the phase would not reach its 10 lost answers.
phase "3 cutboth" cutboth 6144 0 40 60 0 10 40

# 4: cuts, stalls and nothing, with retries: backoff and resumption
phase "4 mixed+retries" mixed 8192 3 60 10 6 0 30

# Everything is at the city: compare the two stores.
"$YZF" --home "$T" sync --status >"$W/status"
contains "$W/status" " 0 waiting" "nothing waits at the end"
sqlite3 -cmd ".timeout 10000" "$T/store.db" "SELECT seq, hex(id) FROM records WHERE feed = X'$A' ORDER BY seq" >"$W/terminal.ids"
sqlite3 -cmd ".timeout 10000" "$S/store.db" "SELECT seq, hex(id) FROM records WHERE feed = X'$A' ORDER BY seq" >"$W/server.ids"
N=$(wc -l <"$W/terminal.ids")
check "terminal holds records 1..$N" test "$(awk -F'|' '$1 != NR' "$W/terminal.ids" | wc -l)" = 0
check "server holds exactly the terminal's $N records (seqs and ids)" cmp -s "$W/terminal.ids" "$W/server.ids"
[ "$(wc -l <"$W/server.ids")" = "$N" ] ||
	echo "server holds $(wc -l <"$W/server.ids") records, the terminal $N" >&2
check "no seq twice on the server" test "$(sqlite3 -cmd ".timeout 10000" "$S/store.db" "SELECT count(*) - count(DISTINCT seq) FROM records WHERE feed = X'$A'")" = 0
check "server head is the terminal's head" test "$(sqlite3 -cmd ".timeout 10000" "$S/store.db" "SELECT head_seq || hex(head_id) FROM feeds WHERE feed = X'$A'")" = "$(tail -1 "$W/terminal.ids" | tr -d ' |')"
check "quarantine is empty" test "$(sqlite3 -cmd ".timeout 10000" "$S/store.db" 'SELECT count(*) FROM quarantine')" = 0
expect_exit 0 "terminal chain verifies" "$YZF" --home "$T" verify

# The daemon is healthy and counted every record once.
check "daemon still running" kill -0 "$PID"
check "healthz 200" test "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$S/ca.crt" "https://localhost:$PORT/healthz")" = 200
ING=$(metric yzf_records_ingested_total)
check "records ingested once each: $ING = $N (resends counted as duplicates)" test "${ING:-x}" = "$N"
check "no record quarantined (metric)" test "$(metric yzf_records_quarantined_total)" = 0
check "no fork" test "$(metric yzf_feeds_forked_total)" = 0
check "no store error" test "$(metric yzf_store_errors_total)" = 0
RESUMED=$(metric 'yzf_tls_handshakes_total{resumed="true"}')
check "TLS sessions resumed after cuts ($RESUMED)" test "${RESUMED:-0}" -gt 0
open=
for _ in $(seq 1 40); do
	open=$(metric yzf_connections_open)
	[ "${open:-9}" -le 1 ] && break
	sleep 0.1
done
check "no connection left open on the daemon ($open)" test "${open:-9}" -le 1

CUTS=$((CUT_C2S + CUT_S2C))
check "at least 200 cuts injected ($CUTS)" test "$CUTS" -ge 200
check "answers lost after the commit ($LOST)" test "$LOST" -ge 10
check "stalls injected ($STALLS)" test "$STALLS" -ge 6
check "every sync exited 0 or 7" test "$ROUNDS_BAD" = 0
RETRIED=$(grep -c 'connection lost; retrying in' "$W/sync.err")
check "the client backed off and retried ($RETRIED)" test "$RETRIED" -gt 0

# Phase 5: evidence through cuts. A 3 MB file in 1 MiB chunks, a new proxy
# each round cutting client->server at K < 1.5 MiB: each round resumes from
# what the city holds, until it holds the file; then the same bytes, no
# part file left, nothing in the blob quarantine.
head -c 3000000 /dev/urandom >"$W/evidence.bin"
H=$(b2sum -l 256 "$W/evidence.bin" | cut -d' ' -f1)
BLOB_CUTS=0 BLOB_ROUNDS=0
while [ "$BLOB_ROUNDS" -lt 60 ]; do
	ROUND=$((ROUND + 1)) BLOB_ROUNDS=$((BLOB_ROUNDS + 1))
	start_proxy cut $((SEED0 + ROUND)) 1572864 || { bad "blob proxy"; break; }
	"$YZF" --home "$T" blob push "$W/evidence.bin" --retries 0 \
		--server "https://localhost:$PP" --ca "$S/ca.crt" >>"$W/blob.out" 2>>"$W/blob.err"
	rc=$?
	BLOB_CUTS=$((BLOB_CUTS + $(grep -c 'applied=1' "$FPLOG")))
	stop_proxy
	[ "$rc" = 0 ] && break
	[ "$rc" = 7 ] || { bad "blob push exit $rc: $(tail -3 "$W/blob.err")"; break; }
done
check "the city holds the evidence, byte for byte, after $BLOB_CUTS cuts" cmp -s "$W/evidence.bin" "$S/blobs/${H:0:2}/$H"
check "cuts hit the upload ($BLOB_CUTS)" test "$BLOB_CUTS" -ge 1
check "no part file left" test ! -e "$S/blobs/part/$H"
check "nothing quarantined among blobs" test -z "$(ls -A "$S/blobs/quarantine")"

kill -TERM "$PID"
wait "$PID"
rc=$?
PID=
check "daemon exits 0 on SIGTERM ($rc)" test "$rc" = 0
for f in "$W/syncd.log" "$W/sync.err" "$W/proxy.log" "$W/appender.err"; do
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$f"; then
		bad "sanitizer report in $(basename "$f"): $(grep -m3 -E 'AddressSanitizer|LeakSanitizer|runtime error' "$f")"
	else ok; fi
done

echo "faults: $ROUND rounds, $CONNS connections, $CUTS cuts ($CUT_C2S client->server, $CUT_S2C server->client), $STALLS stalls, $LOST answers lost after the commit, $RETRIED retries, $RESUMED resumed handshakes, $N records, $((SECONDS - START)) s"
if [ "$FAIL" != 0 ]; then
	echo "--- daemon log (tail)" >&2; tail -20 "$W/syncd.log" >&2
	echo "--- proxy log (tail)" >&2; tail -10 "$W/proxy.log" >&2
	echo "--- sync stderr (tail)" >&2; tail -10 "$W/sync.err" >&2
fi
done_tests

# tests/syncd/net.sh — yzf-syncd's network half, against the real daemon on
# loopback: init, configuration, TLS policy (versions, suites, trust,
# resumption), HTTP limits, slow and surplus clients, metrics, logs and
# SIGTERM. Ends with the "N passed, N failed" line.
#
# Needs YZF_SYNCD (the daemon); YZF (the yzf CLI) makes the authority
# directory the store half reads. Uses curl, openssl and python3.
set -u
: "${YZF_SYNCD:?path of the yzf-syncd program}"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CLIENT=(python3 "$HERE/tlsclient.py")
W=$(mktemp -d /tmp/yzf-syncd-net.XXXXXX)
PID=
PORT=
PASS=0
FAIL=0
cleanup() {
	[ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

# VERBOSE=1 prints every passing check too
ok() { PASS=$((PASS + 1)); [ -z "${VERBOSE:-}" ] || echo "ok: ${1:-}"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*" >&2; }
# check DESCRIPTION COMMAND...: the command must succeed
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
# expect_exit CODE DESCRIPTION COMMAND...
expect_exit() {
	local want=$1 d=$2; shift 2
	"$@" >"$W/out" 2>"$W/err"
	local got=$?
	if [ "$got" = "$want" ]; then ok "$d"; else
		bad "$d: exit $got, expected $want; stderr: $(head -c 600 "$W/err")"; fi
}
# has FILE TEXT DESCRIPTION / lacks FILE TEXT DESCRIPTION
has() { if grep -qF -- "$2" "$1"; then ok "$3"; else bad "$3: '$2' not in: $(head -c 800 "$1")"; fi; }
lacks() { if grep -qF -- "$2" "$1"; then bad "$3: '$2' found"; else ok "$3"; fi; }
done_tests() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" = 0 ]; }

D=$W/data
CA=$D/ca.crt
url() { echo "https://localhost:$PORT$1"; }
# status PATH: the HTTP status curl got (000 when the connection failed)
status() { curl -s -o "$W/body" -w '%{http_code}' --max-time 10 --cacert "$CA" "$(url "$1")"; }
# metric NAME: its value on /metrics (the whole name with labels)
metric() {
	curl -s --max-time 10 --cacert "$CA" "$(url /metrics)" |
		awk -v n="$1" '$1 == n { print $2 }'
}
raw() { "${CLIENT[@]}" request "$PORT" "$CA" "$@" >"$W/raw" 2>"$W/raw.err"; }
first_line() { head -n 1 "$W/raw" | tr -d '\r'; }
# answers: how many responses (status lines) raw got
answers() { grep -o 'HTTP/1\.1 [1-5][0-9][0-9] ' "$W/raw" | grep -vc ' 100 '; }

# start [CONFIG]: run the daemon, wait for its "listening on" line
start() {
	"$YZF_SYNCD" ${1:+--config "$1"} serve 2>"$W/log" &
	PID=$!
	for _ in $(seq 1 100); do
		PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$W/log")
		[ -n "$PORT" ] && return 0
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "daemon did not start:" >&2
	cat "$W/log" >&2
	return 1
}
# stop_daemon: SIGTERM, wait at most 10 s; the exit code in STOP_RC and
# the milliseconds it took in STOP_MS
stop_daemon() {
	local t0 t1
	t0=$(date +%s%N)
	kill -TERM "$PID" 2>/dev/null
	for _ in $(seq 1 100); do
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.05
	done
	t1=$(date +%s%N)
	STOP_MS=$(((t1 - t0) / 1000000))
	if kill -0 "$PID" 2>/dev/null; then
		kill -9 "$PID"
		STOP_RC=timeout
	else
		wait "$PID"
		STOP_RC=$?
	fi
	PID=
}
# clean FILE: no sanitizer report in a daemon log
clean() { if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$1"; then
	bad "sanitizer report in $1: $(grep -E -m3 'Sanitizer|runtime error' "$1")"; else ok "no sanitizer report"; fi; }
authority() {
	[ -n "${YZF:-}" ] || return 0
	"$YZF" authority init --dir "$1" --root-name 广东省人民政府 \
		--city-name 广州市司法局 --region 440100 >/dev/null
}

# --- init -------------------------------------------------------------------
expect_exit 0 "init" "$YZF_SYNCD" init --dir "$D"
for f in ca.crt server.crt server.key; do check "init wrote $f" test -s "$D/$f"; done
check "server.key is 0600" test "$(stat -c %a "$D/server.key")" = 600
cp "$D/server.key" "$W/key.before"
expect_exit 1 "init refuses existing files" "$YZF_SYNCD" init --dir "$D"
has "$W/err" "exists" "init refusal names the file"
check "refused init left the key alone" cmp -s "$D/server.key" "$W/key.before"
openssl x509 -in "$CA" -noout -text >"$W/ca.txt"
has "$W/ca.txt" "CA:TRUE, pathlen:0" "CA basic constraints"
has "$W/ca.txt" "Certificate Sign" "CA key usage"
has "$W/ca.txt" "ecdsa-with-SHA256" "CA signed with ECDSA"
openssl x509 -in "$D/server.crt" -noout -text >"$W/srv.txt"
has "$W/srv.txt" "Subject: CN = localhost" "server CN"
has "$W/srv.txt" "DNS:localhost, IP Address:127.0.0.1" "server SAN"
has "$W/srv.txt" "TLS Web Server Authentication" "server EKU"
has "$W/srv.txt" "CA:FALSE" "server is not a CA"
has "$W/srv.txt" "NIST CURVE: P-256" "server key P-256"
expect_exit 0 "server.crt verifies against ca.crt" \
	openssl verify -CAfile "$CA" -purpose sslserver "$D/server.crt"
expect_exit 0 "init with --san" "$YZF_SYNCD" init --dir "$W/san" --san sync.example.city --san ::1
openssl x509 -in "$W/san/server.crt" -noout -text >"$W/san.txt"
has "$W/san.txt" "DNS:sync.example.city, IP Address:0:0:0:0:0:0:0:1" "extra SANs"
expect_exit 1 "init without --dir" "$YZF_SYNCD" init
authority "$D/authority"

# --- configuration ----------------------------------------------------------
cat >"$W/syncd.ini" <<EOF
; test configuration
[server]
listen = 127.0.0.1
port = 0
data_dir = $D
max_connections = 5
max_body = 65536
header_timeout = 2
idle_timeout = 5
drain_timeout = 5
log_level = debug
EOF
printf '[server]\nport = 0\nbogus = 1\n' >"$W/bad1.ini"
expect_exit 1 "unknown key refused" "$YZF_SYNCD" --config "$W/bad1.ini"
has "$W/err" "bad1.ini:3: [server] bogus: unknown setting" "unknown key names line, section, key"
printf '[other]\nport = 1\n' >"$W/bad2.ini"
expect_exit 1 "unknown section refused" "$YZF_SYNCD" --config "$W/bad2.ini"
has "$W/err" "bad2.ini:2: [other] port: unknown section" "unknown section named"
printf '[server]\nmax_connections = -3\n' >"$W/bad3.ini"
expect_exit 1 "bad number refused" "$YZF_SYNCD" --config "$W/bad3.ini"
has "$W/err" "[server] max_connections: not an integer in 1..65536" "bad number named"
printf '[server]\nport = 1\nport = 2\n' >"$W/bad4.ini"
expect_exit 1 "key set twice refused" "$YZF_SYNCD" --config "$W/bad4.ini"
printf '[server]\nlisten = localhost\n' >"$W/bad5.ini"
expect_exit 1 "host name as listen refused" "$YZF_SYNCD" --config "$W/bad5.ini"
expect_exit 1 "missing config file" "$YZF_SYNCD" --config "$W/none.ini"
expect_exit 0 "--help" "$YZF_SYNCD" --help
has "$W/out" "exit codes" "--help lists exit codes"
expect_exit 1 "unknown command" "$YZF_SYNCD" frobnicate
if [ -n "${SRCDIR:-}" ]; then
	# the shipped example documents every key the parser knows, and parses
	for k in $(sed -n 's/^\t{ "\([a-z_]*\)", K_.*/\1/p' "$SRCDIR/syncd/net/config.c"); do
		check "yzf-syncd.ini documents $k" grep -qE "^(; )?$k = " "$SRCDIR/syncd/yzf-syncd.ini"
	done
	mkdir "$W/empty"
	(cd "$W/empty" && "$YZF_SYNCD" --config "$SRCDIR/syncd/yzf-syncd.ini" >"$W/out" 2>"$W/err")
	check "yzf-syncd.ini parses (then stops at the missing TLS files: exit $?)" test $? = 2
	has "$W/err" "tls_cert ./yzf-syncd-data/server.crt" "yzf-syncd.ini defaults in force"
fi

# --- serving ----------------------------------------------------------------
start "$W/syncd.ini" || { done_tests; exit 1; }
check "healthz 200" test "$(status /healthz)" = 200
check "healthz body" test "$(cat "$W/body")" = ok
check "IP SAN works" test "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" "https://127.0.0.1:$PORT/healthz")" = 200
curl -s --max-time 10 "$(url /healthz)" >/dev/null 2>&1
check "client not trusting ca.crt fails verification (curl 60)" test $? = 60
check "404 for unknown path" test "$(status /nope)" = 404
has "$W/body" '"error":"not_found"' "404 is sync.md JSON"
has "$W/body" '"server_time":"' "errors carry server_time"
code=$(curl -s -o "$W/body" -w '%{http_code}' --cacert "$CA" -X POST \
	-H 'Content-Type: application/x-ndjson' --data-binary '{}' "$(url /v1/push)")
check "/v1 reaches the application (401 store or 503 stand-in, got $code)" \
	test "$code" = 401 -o "$code" = 503
has "$W/body" '"ok":false' "/v1 answer is JSON"

curl -s --cacert "$CA" "$(url /metrics)" >"$W/metrics"
for m in 'yzf_http_requests_total{path="/healthz",code="200"}' \
	'yzf_http_requests_total{path="other",code="404"}' \
	'yzf_tls_handshakes_total{resumed="false"}' \
	'yzf_tls_handshakes_total{resumed="true"}' \
	yzf_tls_handshake_failures_total yzf_connections_open \
	yzf_connections_rejected_total yzf_records_ingested_total \
	yzf_records_quarantined_total yzf_feeds_forked_total \
	yzf_push_batches_total yzf_commit_groups_total yzf_store_errors_total \
	'# TYPE yzf_connections_open gauge'; do
	has "$W/metrics" "$m" "metrics has $m"
done
check "a verification failure counted as handshake failure" \
	test "$(metric yzf_tls_handshake_failures_total)" -ge 1

# --- TLS policy ---------------------------------------------------------------
sc() { timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -servername localhost \
	-CAfile "$CA" "$@" </dev/null >"$W/sc" 2>&1; }
sc -tls1_2
has "$W/sc" "Verify return code: 0 (ok)" "TLS 1.2 verifies"
has "$W/sc" "Cipher is ECDHE-ECDSA-AES128-GCM-SHA256" "AEAD suite chosen"
has "$W/sc" "Server Temp Key: X25519" "X25519 key exchange"
sc
has "$W/sc" "Protocol  : TLSv1.2" "a TLS 1.3-capable client gets TLS 1.2"
for c in ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-ECDSA-CHACHA20-POLY1305; do
	sc -tls1_2 -cipher "$c"
	has "$W/sc" "Cipher is $c" "$c allowed"
done
sc -tls1_2 -curves P-256
has "$W/sc" "Server Temp Key: ECDH, prime256v1" "P-256 key exchange"
f0=$(metric yzf_tls_handshake_failures_total)
# SECLEVEL=0 so that the client really offers the old protocol or suite
for v in -tls1 -tls1_1; do
	sc "$v" -cipher 'DEFAULT:@SECLEVEL=0'
	lacks "$W/sc" "Cipher is ECDHE" "$v refused"
done
for c in ECDHE-ECDSA-AES128-SHA ECDHE-ECDSA-AES128-SHA256 AES128-SHA256 \
	ECDHE-RSA-AES128-GCM-SHA256; do
	sc -tls1_2 -cipher "$c:@SECLEVEL=0"
	lacks "$W/sc" "Cipher is $c" "non-AEAD or non-ECDHE-ECDSA suite $c refused"
done
sc -tls1_2 -curves P-384
lacks "$W/sc" "Cipher is ECDHE" "group outside X25519/P-256 refused"
f1=$(metric yzf_tls_handshake_failures_total)
check "server counted the 7 refused handshakes ($f0 -> $f1)" test "$((f1 - f0))" -ge 7
has "$W/log" "TLS handshake failed: SSL - " "handshake failure logged with mbedTLS text"
timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$CA" -tls1_2 \
	-sess_out "$W/sess" </dev/null >"$W/sc1" 2>&1
timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$CA" -tls1_2 \
	-sess_in "$W/sess" </dev/null >"$W/sc2" 2>&1
has "$W/sc1" "New, TLSv1.2" "first session is new"
has "$W/sc2" "Reused, TLSv1.2" "session resumed from the cache"
check "resumption counted" test "$(metric 'yzf_tls_handshakes_total{resumed="true"}')" -ge 1
lacks "$W/sc1" "TLS session ticket:" "no session tickets"
(echo R; sleep 1) | timeout 10 openssl s_client -connect "127.0.0.1:$PORT" \
	-CAfile "$CA" -tls1_2 >"$W/reneg" 2>&1
has "$W/reneg" "RENEGOTIATING" "client tried to renegotiate"
has "$W/reneg" "no renegotiation" "server refused renegotiation"
check "daemon serves after renegotiation attempt" test "$(status /metrics)" = 200

# --- HTTP rules ---------------------------------------------------------------
raw 'GARBAGE\r\n\r\n'
check "malformed request: 400 ($(first_line))" test "$(first_line)" = "HTTP/1.1 400 Bad Request"
has "$W/raw" '"error":"bad_request"' "400 is sync.md JSON"
raw 'GET / HTTP/1.1\r\nNo colon here\r\n\r\n'
check "malformed header: 400" test "$(first_line)" = "HTTP/1.1 400 Bad Request"
check "daemon serves after malformed requests" test "$(status /metrics)" = 200
raw 'POST /v1/push HTTP/1.1\r\nHost: localhost\r\nContent-Length: 70000\r\n\r\n'
check "Content-Length over max_body: 413 without the body ($(first_line))" \
	test "$(first_line)" = "HTTP/1.1 413 Payload Too Large"
has "$W/raw" '"error":"too_large"' "413 is sync.md JSON"
has "$W/raw" "Connection: close" "413 closes"
body=$(head -c 70000 /dev/zero | tr '\0' b)
raw 'POST /v1/push HTTP/1.1\r\nHost: localhost\r\nContent-Length: 70000\r\n\r\n' "$body"
check "413 reaches a client that sent its body anyway ($(first_line))" \
	test "$(first_line)" = "HTTP/1.1 413 Payload Too Large"
raw 'POST /v1/push HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'
check "chunked body: 411" test "$(first_line)" = "HTTP/1.1 411 Length Required"
raw 'DELETE /v1/push HTTP/1.1\r\nHost: localhost\r\n\r\n'
check "DELETE: 405" test "$(first_line)" = "HTTP/1.1 405 Method Not Allowed"
has "$W/raw" "Allow: GET, POST" "405 says what is allowed"
raw 'POST /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n'
check "POST /healthz: 405" test "$(first_line)" = "HTTP/1.1 405 Method Not Allowed"
hdrs=$(for i in $(seq 1 70); do printf 'X-H%d: v\\r\\n' "$i"; done)
raw "GET /healthz HTTP/1.1\\r\\n${hdrs}\\r\\n"
check "70 headers: 431" test "$(first_line)" = "HTTP/1.1 431 Request Header Fields Too Large"
big=$(head -c 17000 /dev/zero | tr '\0' a)
raw "GET /healthz HTTP/1.1\\r\\nX-Big: ${big}\\r\\n\\r\\n"
check "17 KB head: 431" test "$(first_line)" = "HTTP/1.1 431 Request Header Fields Too Large"
raw 'GET /nope HTTP/1.1\r\nHost: localhost\r\n\r\nGET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'
check "pipelined requests both answered" test "$(answers)" = 2
raw 'GET /nope?x=1 HTTP/1.1\r\nHost: localhost\r\n\r\n' \
	'GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'
check "keep-alive: second request on the same connection" \
	test "$(answers)" = 2
has "$W/raw" "Connection: keep-alive" "keep-alive announced"
has "$W/raw" "Content-Length: " "responses carry Content-Length"
raw 'GET /metrics HTTP/1.0\r\n\r\n'
check "HTTP/1.0 answered and closed" test "$(first_line)" = "HTTP/1.1 200 OK"
has "$W/raw" "Connection: close" "HTTP/1.0 without keep-alive closes"
raw 'POST /v1/push HTTP/1.1\r\nHost: localhost\r\nAuthorization: YZF1 feed=00, at=x, sig=SECRETSIGNATURE\r\nContent-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n' '{}'
has "$W/raw" "HTTP/1.1 100 Continue" "Expect: 100-continue honoured"
lacks "$W/log" "SECRETSIGNATURE" "Authorization never logged"
has "$W/log" "GET /nope 404 " "request log line (path without its query)"

# --- slow and surplus clients ------------------------------------------------
t=$("${CLIENT[@]}" slowloris "$PORT" "$CA")
check "slowloris cut near header_timeout=2s (after ${t}s)" \
	python3 -c "import sys; sys.exit(not 1.5 <= float('$t') <= 4.5)"
check "daemon serves after slowloris" test "$(status /metrics)" = 200
# between(LO, HI, T): LO <= T <= HI seconds
between() { python3 -c "import sys; sys.exit(not $1 <= float('$3') <= $2)"; }
t=$("${CLIENT[@]}" stall "$PORT" "$CA")
check "silent client cut at header_timeout (${t}s)" between 1 3.5 "$t"
t=$("${CLIENT[@]}" stall "$PORT" "$CA" 'POST /v1/push HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n0123456789')
check "stalled body cut at max(header_timeout, size/rate) (${t}s)" between 1.5 3.5 "$t"
t=$("${CLIENT[@]}" stall "$PORT" "$CA" 'GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n')
check "kept-alive connection closed at idle_timeout=5s (${t}s)" between 4.5 7 "$t"
seq 1 40 | xargs -P 40 -I{} curl -s -o /dev/null -w '%{http_code}\n' --max-time 20 \
	--cacert "$CA" "$(url /metrics)" >"$W/burst" 2>/dev/null
check "burst of 40 clients: each served or turned away ($(sort "$W/burst" | uniq -c | tr '\n' ' '))" \
	test "$(grep -cvE '^(200|000)$' "$W/burst")" = 0
check "burst: some served" grep -q '^200$' "$W/burst"
check "daemon serves after the burst" test "$(status /metrics)" = 200
has "$W/log" "request too slow, connection cut" "slow client logged"
sleep 0.5
r0=$(metric yzf_connections_rejected_total)
out=$("${CLIENT[@]}" idle "$PORT" 5 3)
check "over max_connections=5: extras closed, held stay ($out)" \
	test "$out" = "extra_closed=3 held_open=5"
r1=$(metric yzf_connections_rejected_total)
check "rejections counted ($r0 -> $r1)" test "$((r1 - r0))" -ge 3
has "$W/log" "rejected: max_connections (5) reached" "rejection logged"
check "daemon serves after the connection flood" test "$(status /metrics)" = 200

# --- SIGTERM ------------------------------------------------------------------
"${CLIENT[@]}" drain "$PORT" "$CA" "$PID" >"$W/raw" 2>"$W/raw.err"
check "request in flight during drain answered ($(first_line))" \
	test "$(first_line)" = "HTTP/1.1 503 Service Unavailable"
has "$W/raw" "draining" "healthz says draining"
has "$W/raw" "Connection: close" "drain closes the connection"
stop_daemon
check "SIGTERM: exit 0 (got $STOP_RC)" test "$STOP_RC" = 0
check "SIGTERM: exit within 5 s (${STOP_MS} ms)" test "$STOP_MS" -lt 5000
has "$W/log" "drained; exiting" "drain logged"
clean "$W/log"
cp "$W/log" "$W/log.main"

# --- no configuration file at all ----------------------------------------------
mkdir "$W/bare"
(cd "$W/bare" && "$YZF_SYNCD" init --dir yzf-syncd-data >/dev/null && authority yzf-syncd-data/authority)
cd "$W/bare" || exit 1
"$YZF_SYNCD" 2>"$W/log" &
PID=$!
for _ in $(seq 1 50); do
	grep -q "listening on\|Address already in use" "$W/log" && break
	sleep 0.1
done
if grep -q "Address already in use" "$W/log"; then
	echo "SKIP: port 8443 busy; defaults start not tested" >&2
	wait "$PID"
	PID=
else
	has "$W/log" "listening on 127.0.0.1:8443" "no config: defaults on loopback"
	has "$W/log" "config none: defaults" "no config announced"
	PORT=8443
	CA=$W/bare/yzf-syncd-data/ca.crt
	check "no config: healthz 200" test "$(status /healthz)" = 200
	stop_daemon
	check "no config: SIGTERM exit 0 (got $STOP_RC)" test "$STOP_RC" = 0
fi
cd "$W" || exit 1
clean "$W/log"

done_tests

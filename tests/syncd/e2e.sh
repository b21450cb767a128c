#!/usr/bin/env bash
# End to end on loopback: a city authority, the real yzf-syncd over TLS,
# two terminals with an officer each pushing one inspection; resend is
# harmless; a server certificate from another CA is refused; the daemon
# killed with SIGKILL mid-ingest loses nothing it acknowledged; a revoked
# officer's pushes are refused.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/syncd/city.sh"
city_up
check "terminal 1" make_terminal "$W/t1" GZ-T-0101
check "terminal 2" make_terminal "$W/t2" GZ-T-0102
A=$(enroll "$W/t1" 135790 张明 44010020230001 广州市天河区市场监督管理局 $USCC_SCJG)
B=$(enroll "$W/t2" 246802 李华 44010020230002 广州市天河区市场监督管理局 $USCC_SCJG)
login "$W/t1" 135790 "$A" && login "$W/t2" 246802 "$B"
check "daemon starts" start_daemon

CASE=C-E2E-0001
echo '{"kind":"routine","matter":"SCJG-0101","place":"天河路385号","party":{"kind":"legal_person","name":"某食品店"},"credentials_shown":true,"co_officer":"'$B'"}' |
	"$YZF" --home "$W/t1" append inspection.start --case $CASE >/dev/null
append_n "$W/t1" "$A" 3 $CASE
echo '{"text":"现场协助，拍照取证"}' | "$YZF" --home "$W/t2" append note --case $CASE >/dev/null

expect_exit 0 "terminal 1 syncs" sync_to "$W/t1"
expect_exit 0 "terminal 2 syncs" sync_to "$W/t2"
check "server holds A's 4 records" test "$(server_count "$A")" = 4
check "server holds B's record" test "$(server_count "$B")" = 1
contains "$W/out" "4 new records from other officers" "terminal 2 pulled A's records of the case"
# Two officers on one inspection see each other's records.
echo '{"text":"另案"}' | "$YZF" --home "$W/t1" append note --case C-E2E-OTHER >/dev/null
expect_exit 0 "terminal 1 syncs again" sync_to "$W/t1"
contains "$W/out" "1 new records from other officers" "terminal 1 pulled B's note"
expect_exit 0 "the case on terminal 1" "$YZF" --home "$W/t1" log --case $CASE
check "both officers' records of the case on terminal 1" test "$(wc -l <"$W/out")" = 5
expect_exit 0 "terminal 1 verifies B's records too" "$YZF" --home "$W/t1" verify
contains "$W/out" "ok, 1 records" "B's sparse feed verifies"
expect_exit 0 "terminal 2 syncs again" sync_to "$W/t2"
contains "$W/out" "0 new records from other officers, 4 already held" "A's other case stays private"
check "A's other case not on terminal 2" test "$(sqlite3 "$W/t2/store.db" "SELECT count(*) FROM records WHERE case_id = 'C-E2E-OTHER'")" = 0
expect_exit 0 "status" "$YZF" --home "$W/t1" sync --status
contains "$W/out" "5 records, 5 acknowledged by the city, 0 waiting" "nothing waits"

# Resending is harmless; new records go on top.
sqlite3 "$W/t1/store.db" "DELETE FROM sync_state"
append_n "$W/t1" "$A" 2 $CASE
expect_exit 0 "resync from scratch" sync_to "$W/t1" --batch 2
check "server holds 7, none twice" test "$(server_count "$A")" = 7
check "no quarantine" test "$(sqlite3 "$S/store.db" 'SELECT count(*) FROM quarantine')" = 0

# The terminal pins the city's CA: another deployment's certificate fails.
"$YZF_SYNCD" init --dir "$W/other" >/dev/null 2>&1
append_n "$W/t1" "$A" 1 $CASE
expect_exit 7 "foreign CA refused" "$YZF" --home "$W/t1" sync --server "https://localhost:$PORT" --ca "$W/other/ca.crt" --retries 0
contains "$W/err" "TLS handshake" "the handshake fails"
check "nothing sent" test "$(server_count "$A")" = 7

# SIGKILL during ingest: every acknowledged record survives the restart.
append_n "$W/t1" "$A" 300 $CASE
sync_to "$W/t1" --batch 10 --retries 0 >/dev/null 2>&1 &
spid=$!
sleep 0.4
kill -9 "$PID"; wait "$PID" 2>/dev/null; PID=
wait $spid 2>/dev/null
acked=$("$YZF" --home "$W/t1" sync --status | sed -n 's/.*, \([0-9]*\) acknowledged.*/\1/p')
check "daemon restarts" start_daemon
held=$(server_count "$A")
check "acknowledged ($acked) <= held ($held)" test "$acked" -le "$held"
expect_exit 0 "resume after the kill" sync_to "$W/t1"
check "server holds all 308" test "$(server_count "$A")" = 308
contains "$W/out" "308 of 308 records at the city" "progress reaches the head"

# Evidence files: by hash, in chunks, resumed, verified, deduplicated.
head -c 3500000 /dev/urandom >"$W/video.bin"
H=$(b2sum -l 256 "$W/video.bin" | cut -d' ' -f1)
mkdir -p "$S/blobs/part"
head -c 1048576 "$W/video.bin" >"$S/blobs/part/$H"   # a cut upload's first MiB
expect_exit 0 "blob push resumes" "$YZF" --home "$W/t1" blob push "$W/video.bin" --server "https://localhost:$PORT" --ca "$S/ca.crt"
check "the city holds the same bytes" cmp -s "$W/video.bin" "$S/blobs/${H:0:2}/$H"
check "no part file left" test ! -e "$S/blobs/part/$H"
check "only the missing chunks were sent" test "$(grep -c "POST /v1/blobs/$H" "$W/syncd.log")" = 3
expect_exit 0 "a blob held already" "$YZF" --home "$W/t1" blob push "$W/video.bin" --server "https://localhost:$PORT" --ca "$S/ca.crt"
check "deduplicated: nothing sent again" test "$(grep -c "POST /v1/blobs/$H" "$W/syncd.log")" = 3
# Evidence held encrypted goes up the same path, in clear only on the wire
# inside TLS, named by the hash of its content; then nothing waits.
head -c 2500000 /dev/urandom >"$W/photo.bin"
expect_exit 0 "evidence add" "$YZF" --home "$W/t1" evidence add "$W/photo.bin" --case $CASE --media image/jpeg
EH=$(b2sum -l 256 "$W/photo.bin" | cut -d' ' -f1)
expect_exit 0 "blob push --evidence" "$YZF" --home "$W/t1" blob push --evidence --server "https://localhost:$PORT" --ca "$S/ca.crt"
check "the city holds the evidence byte for byte" cmp -s "$W/photo.bin" "$S/blobs/${EH:0:2}/$EH"
expect_exit 0 "nothing waits" "$YZF" --home "$W/t1" blob push --evidence --server "https://localhost:$PORT" --ca "$S/ca.crt"
contains "$W/out" "no evidence waits for the city" "pushed blobs are marked"
# A plain sync sends the evidence too, after the records that name it.
head -c 300000 /dev/urandom >"$W/photo2.bin"
expect_exit 0 "evidence add (second)" "$YZF" --home "$W/t1" evidence add "$W/photo2.bin" --case $CASE --media image/jpeg
EH2=$(b2sum -l 256 "$W/photo2.bin" | cut -d' ' -f1)
expect_exit 0 "sync sends it" sync_to "$W/t1"
check "the city holds it byte for byte" cmp -s "$W/photo2.bin" "$S/blobs/${EH2:0:2}/$EH2"
expect_exit 0 "then nothing waits" "$YZF" --home "$W/t1" blob push --evidence --server "https://localhost:$PORT" --ca "$S/ca.crt"
contains "$W/out" "no evidence waits for the city" "marked sent"

# Reference data: signed sets, newest version, fetched at sync.
printf '{"matters":["SCJG-SP-0101"]}' >"$W/matters.json"
expect_exit 0 "publish v1" "$YZF_SYNCD" --config "$W/syncd.ini" admin publish --name matters --file "$W/matters.json"
contains "$W/out" "published matters version 1" "version 1"
printf '{"matters":["SCJG-SP-0101","SCJG-SP-0102"]}' >"$W/matters.json"
expect_exit 0 "publish v2" "$YZF_SYNCD" --config "$W/syncd.ini" admin publish --name matters --file "$W/matters.json"
expect_exit 0 "sync fetches it" sync_to "$W/t1"
contains "$W/out" "reference data: matters version 2" "the newest only"
expect_exit 0 "held" "$YZF" --home "$W/t1" --json refdata
contains "$W/out" '"name":"matters","version":2' "listed"
expect_exit 0 "sync again" sync_to "$W/t1"
check "not fetched twice" test "$(grep -c "reference data" "$W/out")" = 0

# Document numbers: blocks per agency, type and year, never twice.
expect_exit 0 "lease 3 numbers" "$YZF" --home "$W/t1" lease get --doc-type CF --count 3 --server "https://localhost:$PORT" --ca "$S/ca.crt"
contains "$W/out" "numbers 1..3" "the first block"
expect_exit 0 "B leases the same type of the same agency" "$YZF" --home "$W/t2" lease get --doc-type CF --count 2 --server "https://localhost:$PORT" --ca "$S/ca.crt"
contains "$W/out" "numbers 4..5" "no number twice across terminals"
for k in 1 2 3; do "$YZF" --home "$W/t1" lease take --doc-type CF >>"$W/taken" || bad "take $k"; done
check "taken in order, once" test "$(cut -d' ' -f3 "$W/taken" | tr '\n' ' ')" = "1 2 3 "
expect_exit 5 "none left offline" "$YZF" --home "$W/t1" lease take --doc-type CF
contains "$W/err" "sync to lease more" "says what to do"
expect_exit 2 "a bad lease request" "$YZF" --home "$W/t1" lease get --doc-type "cf lower" --server "https://localhost:$PORT" --ca "$S/ca.crt"

# Online enrollment: city ops make a one-time code; a fresh terminal
# fetches the trust bundle over the pinned TLS, makes its key, enrolls.
expect_exit 0 "enroll-code" "$YZF_SYNCD" --config "$W/syncd.ini" admin enroll-code --name 陈静 --officer-no 44010020230123 --agency 广州市天河区市场监督管理局 --uscc $USCC_SCJG
CODE=$(cat "$W/out")
check "code looks like XXXX-XXXX-XXXX-XXXX" test ${#CODE} = 19

expect_exit 1 "enroll-code checks its input" "$YZF_SYNCD" --config "$W/syncd.ini" admin enroll-code --name 陈静 --officer-no 1 --agency A --uscc 123
contains "$W/err" "uscc" "the field is named"
expect_exit 4 "a wrong code is refused" sh -c "echo 135790 | '$YZF' --home '$W/t3' enroll online --server https://localhost:$PORT --ca '$S/ca.crt' --code 0000-0000-0000-0000 --terminal GZ-T-0103"
contains "$W/err" "not issued by this city" "the refusal says why"
expect_exit 0 "then the right code enrolls" sh -c "echo 135790 | '$YZF' --home '$W/t3' enroll online --server https://localhost:$PORT --ca '$S/ca.crt' --code $CODE --terminal GZ-T-0103"
C=$(sed -n 's/^enrolled feed //p' "$W/out")
expect_exit 4 "a used code is refused" sh -c "echo 246802 | '$YZF' --home '$W/t4' enroll online --server https://localhost:$PORT --ca '$S/ca.crt' --code $CODE --terminal GZ-T-0104"
contains "$W/err" "already used" "reuse named"
login "$W/t3" 135790 "$C"
echo '{"text":"在线注册"}' | "$YZF" --home "$W/t3" append note --case $CASE >/dev/null
expect_exit 0 "the new officer syncs with the saved server and CA" "$YZF" --home "$W/t3" sync
check "server holds C's record" test "$(server_count "$C")" = 1

# Revocation: the city withdraws B's certificate; B's pushes are refused.
serial=$(grep -o '"serial":"[0-9a-f]*"' "$W/bundle.44010020230002" | tail -1 | cut -d'"' -f4)
expect_exit 0 "city ops revoke B, the daemon running" "$YZF_SYNCD" --config "$W/syncd.ini" admin revoke --serial "$serial" --reason "执法证注销"
expect_exit 1 "revoke checks its input" "$YZF_SYNCD" --config "$W/syncd.ini" admin revoke --serial 12 --reason x
sleep 1.2   # the daemon looks at the authority's files at most once a second
echo '{"text":"吊销后"}' | "$YZF" --home "$W/t2" append note --case $CASE >/dev/null
expect_exit 2 "revoked officer refused" sync_to "$W/t2" --retries 0
contains "$W/err" "refused" "the refusal is reported"
contains "$W/out" "revocations: 1 new" "the revoked officer's terminal learned it"
check "the daemon reloaded its roster" grep -q "roster reloaded" "$W/syncd.log"
check "server still holds only B's first record" test "$(server_count "$B")" = 1
expect_exit 6 "the revoked officer's terminal refuses new records" sh -c "echo '{\"text\":\"x\"}' | '$YZF' --home '$W/t2' append note"
contains "$W/err" "revoked" "says why"
# B's terminal made a record after the revocation before it learned of
# it: a terminal that knows the revocation takes B's earlier record and
# quarantines the later one (the roster in force at each record's time).
expect_exit 0 "B's feed exported" "$YZF" --home "$W/t2" export --feed "$B" --out "$W/b.ndjson"
"$YZF" --home "$W/t2" logout --all
expect_exit 6 "and refuses the login" sh -c "echo 246802 | '$YZF' --home '$W/t2' login"
contains "$W/err" "执法证注销" "with the city's reason"
expect_exit 0 "terminal 1 learns the revocation" sync_to "$W/t1"
contains "$W/out" "revocations: 1 new" "revocation reached terminal 1"
expect_exit 0 "B's records made before the revocation stay valid on terminal 1" "$YZF" --home "$W/t1" verify --feed "$B"
"$YZF" --home "$W/t1" import "$W/b.ndjson"; rc=$?
check "terminal 1 imports B's export, quarantining one record (exit 3)" test $rc = 3
check "the record made after the revocation is quarantined, with the reason" \
	test "$(sqlite3 "$W/t1/store.db" "SELECT seq, reason LIKE '%made after its feed certificate was revoked at %(执法证注销)%' FROM quarantine WHERE feed = X'$B'")" = "2|1"
check "B's record made before it is held" test "$(sqlite3 "$W/t1/store.db" "SELECT count(*) FROM records WHERE feed = X'$B'")" = 1
expect_exit 0 "and still verifies" "$YZF" --home "$W/t1" verify --feed "$B"
stop_daemon

# Per-feed rate: a feed pushing faster than push_rate gets 429 and the
# terminal backs off until everything is through.
echo "push_rate = 1" >>"$W/syncd.ini"
check "daemon restarts with push_rate 1" start_daemon
append_n "$W/t1" "$A" 5 $CASE
expect_exit 0 "throttled sync completes" sync_to "$W/t1" --batch 1 --retries 20
contains "$W/err" "the city is busy" "the terminal backed off"
check "server holds all 315 (the two evidence.add among them)" test "$(server_count "$A")" = 315
check "the daemon answered 429" grep -q " 429 " "$W/syncd.log"
stop_daemon
done_tests

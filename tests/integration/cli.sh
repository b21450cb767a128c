#!/usr/bin/env bash
# The yzf program end to end: authority, init, two officers, appends,
# reads, refusals that name the field and write nothing, exit codes.
. "$(dirname "$0")/lib.sh"
T=$W/t1

check "authority init" make_authority
check "terminal init" make_terminal "$T" GZ-T-0001
expect_exit 6 "second init refused" "$YZF" --home "$T" init --terminal X \
	--trust "$W/trust.ndjson"
contains "$W/err" "already initialised" "second init message"

A=$(enroll "$T" 135790 张明 44010020230001 广州市天河区市场监督管理局 $USCC_SCJG)
check "officer A enrolled" test ${#A} = 64
# A second officer needs the store's data key, which only a logged-in
# officer's PIN opens.
echo 246802 | "$YZF" --home "$T" enroll request --out "$W/req.b" 2>"$W/err"
check "second enrollment refused without a session" test $? = 4
contains "$W/err" "logged in" "second enrollment message"
check "officer A logs in" login "$T" 135790 "$A"
B=$(enroll "$T" 246802 李华 44010020230002 广州市天河区市场监督管理局 $USCC_SCJG)
check "officer B enrolled" test ${#B} = 64
check "officer B logs in" login "$T" 246802 "$B"

CASE=C-20261127-0001
start='{"kind":"routine","matter":"SCJG-0101","place":"天河路385号","party":{"kind":"legal_person","name":"广州市某某食品有限公司","uscc":"'$USCC_SCJG'"},"credentials_shown":true,"co_officer":"'$B'"}'
expect_exit 0 "inspection.start" sh -c "echo '$start' | '$YZF' --home '$T' append inspection.start --feed $A --case $CASE --loc 23.1291234,113.3241234,500"
contains "$W/out" "appended seq 1" "first seq"
check "items" append_n "$T" "$A" 3 "$CASE"
echo '{"outcome":"order_correction","summary":"许可证未公示，责令改正","items":3,"party_signed":true}' >"$W/end.json"
expect_exit 0 "inspection.end" "$YZF" --home "$T" append inspection.end --feed "$A" --case "$CASE" --file "$W/end.json"
echo '{"text":"协助检查"}' | "$YZF" --home "$T" append note --feed "$B" --case "$CASE" >/dev/null
check "note by B" test $? = 0

# Refusals: each names the field and nothing is written.
head_before=$("$YZF" --home "$T" --json status | grep -o '"records":[0-9]*' | head -1)
expect_exit 2 "enum violation" sh -c "echo '{\"item\":\"x\",\"result\":\"maybe\"}' | '$YZF' --home '$T' append inspection.item --feed $A"
contains "$W/err" "body.result" "enum message names the field"
expect_exit 2 "missing field" sh -c "echo '{\"item\":\"x\"}' | '$YZF' --home '$T' append inspection.item --feed $A"
contains "$W/err" "body.result" "missing message names the field"
expect_exit 2 "unknown field" sh -c "echo '{\"text\":\"a\",\"extra\":1}' | '$YZF' --home '$T' append note --feed $A"
contains "$W/err" "body.extra" "unknown field named"
expect_exit 2 "float refused" sh -c "echo '{\"item\":\"x\",\"result\":\"compliant\",\"quantity\":1.5}' | '$YZF' --home '$T' append inspection.item --feed $A"
contains "$W/err" "body.quantity" "float message names the field"
expect_exit 2 "bad uscc pattern" sh -c "echo '${start/$USCC_SCJG/123}' | '$YZF' --home '$T' append inspection.start --feed $A"
contains "$W/err" "body.party.uscc" "nested field path"
expect_exit 2 "not JSON" sh -c "echo '{\"text\":' | '$YZF' --home '$T' append note --feed $A"
expect_exit 2 "unknown type" sh -c "echo '{}' | '$YZF' --home '$T' append no.such.type --feed $A"
expect_exit 2 "bad case id" sh -c "echo '{\"text\":\"a\"}' | '$YZF' --home '$T' append note --feed $A --case 'has space'"
expect_exit 1 "bad --loc" sh -c "echo '{\"text\":\"a\"}' | '$YZF' --home '$T' append note --feed $A --loc 91,x"
head_after=$("$YZF" --home "$T" --json status | grep -o '"records":[0-9]*' | head -1)
check "nothing written by refused appends" test "$head_before" = "$head_after"

# Reads.
expect_exit 0 "log by feed" "$YZF" --home "$T" log --feed "$A"
check "five records in A's feed" test "$(wc -l <"$W/out")" = 5
expect_exit 0 "log by case" "$YZF" --home "$T" log --case "$CASE"
check "six records in the case, both feeds" test "$(wc -l <"$W/out")" = 6
expect_exit 0 "log by type" "$YZF" --home "$T" --json log --type inspection.item
check "three items by type" test "$(grep -c '"type":"inspection.item"' "$W/out")" = 3
expect_exit 0 "show" "$YZF" --home "$T" show 1 --feed "$A"
contains "$W/out" "loc   manual 231291234,1133241234" "location in integer 1e-7 degrees"
expect_exit 0 "show --json" "$YZF" --home "$T" --json show 2 --feed "$A"
contains "$W/out" '"seq":2,' "signed bytes shown"
expect_exit 5 "show missing seq" "$YZF" --home "$T" show 99 --feed "$A"
expect_exit 0 "verify all" "$YZF" --home "$T" verify
contains "$W/out" "ok, 5 records" "A verified"
contains "$W/out" "ok, 1 records" "B verified"
expect_exit 0 "status --json" "$YZF" --home "$T" --json status
contains "$W/out" '"officer_no":"44010020230002"' "status lists B"
expect_exit 0 "types" "$YZF" --home "$T" types
contains "$W/out" "inspection.start" "types lists schemas"

# Choosing the officer: two are logged in, so append must be told which.
expect_exit 6 "ambiguous officer" sh -c "echo '{\"text\":\"a\"}' | '$YZF' --home '$T' append note"
expect_exit 0 "by officer number" sh -c "echo '{\"text\":\"a\"}' | '$YZF' --home '$T' append note --officer 44010020230002"
# Logout ends the session: appends and reads need a login again.
check "logout all" "$YZF" --home "$T" logout --all
expect_exit 4 "append after logout" sh -c "echo '{\"text\":\"a\"}' | '$YZF' --home '$T' append note --feed $A"
expect_exit 4 "log after logout" "$YZF" --home "$T" log --feed "$A"
expect_exit 4 "wrong PIN" sh -c "echo 000000 | '$YZF' --home '$T' login --feed $A"
contains "$W/err" "attempts left" "wrong PIN message"
expect_exit 0 "right PIN resets the count" sh -c "echo 135790 | '$YZF' --home '$T' login --feed $A"
expect_exit 0 "status" "$YZF" --home "$T" --json status
contains "$W/out" '"pin_failures":0' "count reset"

# Usage and missing store.
expect_exit 1 "no command" "$YZF"
expect_exit 1 "unknown command" "$YZF" frobnicate
expect_exit 5 "no store" "$YZF" --home "$W/nowhere" status
expect_exit 0 "help" "$YZF" --help
contains "$W/out" "Exit codes" "help documents exit codes"

# An expired certificate: the terminal refuses to sign in its name.
expect_exit 0 "login in 2028" env YZF_SIM_TIME=2028-01-01T09:00:00.000+08:00 sh -c "echo 135790 | '$YZF' --home '$T' login --feed $A"
expect_exit 6 "append after certificate expiry" env YZF_SIM_TIME=2028-01-01T09:00:00.000+08:00 sh -c "echo '{\"text\":\"a\"}' | '$YZF' --home '$T' append note --feed $A"
contains "$W/err" "renew" "expiry message"

# The authority side.
expect_exit 0 "authority show" "$YZF" authority show --dir "$W/city"
contains "$W/out" "44010020230002 李华" "issued certificates listed"
serial=$(grep -o '"serial":"[0-9a-f]*"' "$W/bundle.44010020230002" | tail -1 | cut -d'"' -f4)
expect_exit 0 "revoke" "$YZF" authority revoke --dir "$W/city" --serial "$serial" --reason "执法证注销"
expect_exit 0 "authority show after revoke" "$YZF" authority show --dir "$W/city"
contains "$W/out" "执法证注销" "revocation listed"
expect_exit 0 "authority show --json" "$YZF" --json authority show --dir "$W/city"
contains "$W/out" "\"reason\":\"执法证注销\"" "revocation in json"
contains "$W/out" "\"officer_no\":\"44010020230002\"" "issued in json"
expect_exit 0 "types --json" "$YZF" --home "$T" --json types
contains "$W/out" '"inspection.end"' "types in json"
echo '{"req":{"v":1,"kind":"feed-request","feed":"00","terminal":"x","at":"x"},"sig":"00"}' >"$W/badreq"
expect_exit 2 "forged request refused" "$YZF" authority issue --dir "$W/city" --request "$W/badreq" --name x --officer-no 1 --agency x --uscc $USCC_SCJG

# Location: the sim replays a receiver capture on its clock; without one it
# has no location device.
NMEA=$SRCDIR/tests/data/nmea
expect_exit 5 "location without a receiver" "$YZF" --home "$T" location status
contains "$W/err" "no location device" "no device named"
expect_exit 0 "location from a replayed capture" env YZF_SIM_GPS="$NMEA/bu353s4.log" "$YZF" --home "$T" --json location status
contains "$W/out" '"lat":"-37.7847883","lon":"175.3148967"' "replayed position"
contains "$W/out" '"source":"sim","valid":true,"mode":"3d"' "replayed fix"
contains "$W/out" '"time":"2026-11-27T09:00:00.000+08:00"' "fix on the sim clock"
expect_exit 0 "location in words" env YZF_SIM_GPS="$NMEA/bu353s4.log" "$YZF" --home "$T" location status
contains "$W/out" "satellites: 8 used, GPS" "satellites in words"
expect_exit 7 "a failing receiver" env YZF_SIM_GPS="$NMEA/bu353s4.log" YZF_SIM_FAIL_GPS=1 "$YZF" --home "$T" location status
contains "$W/err" "location device failed" "receiver failure named"
expect_exit 1 "location needs a subcommand" "$YZF" --home "$T" location
# Every record takes the fix of the moment; a failing receiver never stops
# the officer's work: the record says why it has none, and is flagged.
expect_exit 0 "a note with the receiver's fix" env YZF_SIM_GPS="$NMEA/bu353s4.log" sh -c "echo '{\"text\":\"定位\"}' | '$YZF' --home '$T' append note --feed $A"
GSEQ=$(sed -n 's/^appended seq \([0-9]*\).*/\1/p' "$W/out")
expect_exit 0 "show it" "$YZF" --home "$T" show "$GSEQ" --feed $A
contains "$W/out" "loc   sim -377847883,1753148967" "the fix, in 1e-7 degrees"
expect_exit 0 "a note while the receiver fails" env YZF_SIM_GPS="$NMEA/bu353s4.log" YZF_SIM_FAIL_GPS=1 sh -c "echo '{\"text\":\"无定位\"}' | '$YZF' --home '$T' append note --feed $A"
expect_exit 3 "location log flags it" "$YZF" --home "$T" location log --feed $A
# the earlier records were made in Guangzhou the same second: a jump
check "the fix, and the jump from Guangzhou to it flagged" grep -q "^#$GSEQ .*sim -37.7847883,175.3148967 ±5m 0s old *JUMP" "$W/out"
check "the other says why" grep -q "^#$((GSEQ + 1)) .*none: device_error .*NO FIX" "$W/out"

# The Linux port: real clocks, getrandom, the file key store (0700/0600).
L=$W/linux
unset YZF_SIM_TIME
expect_exit 0 "linux port: init" env YZF_PORT=linux "$YZF" --home "$L" init --terminal GZ-L-0001 --trust "$W/trust.ndjson" --kdf-ops 1 --kdf-mem-mib 8
echo 135790 | YZF_PORT=linux "$YZF" --home "$L" enroll request --out "$W/req.l" 2>/dev/null
YZF_PORT=linux "$YZF" authority issue --dir "$W/city" --request "$W/req.l" --name 周敏 --officer-no 44010020230077 --agency 广州市天河区市场监督管理局 --uscc $USCC_SCJG --out "$W/bundle.l" 2>/dev/null
expect_exit 0 "linux port: enroll" env YZF_PORT=linux "$YZF" --home "$L" enroll complete --bundle "$W/bundle.l"
expect_exit 0 "linux port: login" sh -c "echo 135790 | YZF_PORT=linux '$YZF' --home '$L' login"
expect_exit 0 "linux port: append" sh -c "echo '{\"text\":\"linux\"}' | YZF_PORT=linux '$YZF' --home '$L' append note"
expect_exit 0 "linux port: verify" env YZF_PORT=linux "$YZF" --home "$L" verify
contains "$W/out" "ok, 1 records" "linux port record verifies"
check "key store directory is 0700" test "$(stat -c %a "$L/keystore")" = 700
check "key store secrets are 0600" test "$(stat -c %a "$L"/keystore/slot-*)" = 600
# Its location device: NMEA from a file (a BeiDou receiver's capture).
expect_exit 0 "linux port: location from NMEA" env YZF_PORT=linux YZF_GPS="$NMEA/beidou-bd.log" "$YZF" --home "$L" --json location status
contains "$W/out" '"source":"gnss-nmea","valid":true,"mode":"3d"' "linux port: NMEA fix"
contains "$W/out" '"time":"2015-02-25T15:41:59.799+08:00"' "linux port: receiver time"
contains "$W/out" '"lat":"31.2482383","lon":"121.5874067","alt_mm":196400,"hdop_x100":110' "linux port: position"
contains "$W/out" '"sats_used":7,"systems":"GPS BeiDou"' "linux port: BeiDou used"
expect_exit 7 "linux port: a YZF_GPS of no known form" env YZF_PORT=linux YZF_GPS=bogus "$YZF" --home "$L" location status
done_tests

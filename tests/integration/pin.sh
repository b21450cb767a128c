#!/usr/bin/env bash
# PINs and wipe: wrong PINs count toward a lock-out, the count is durable
# before the check (it survives SIGKILL mid-attempt), a locked or wiped
# terminal can no longer log in, no plaintext of a record is on disk, and
# the city opens a wiped terminal's records with its sealing key.
. "$(dirname "$0")/lib.sh"
T=$W/t
make_authority && make_terminal "$T" GZ-T-0011 --max-pin-failures 3 ||
	{ echo "setup failed"; exit 1; }
A=$(enroll "$T" 135790 张明 44010020230001 广州市天河区市场监督管理局 $USCC_SCJG)
check "enrolled" test ${#A} = 64

failures() { "$YZF" --home "$T" --json status | grep -o '"pin_failures":[0-9]*' | head -1 | cut -d: -f2; }
state() { "$YZF" --home "$T" --json status | grep -o '"state":"[a-z]*"' | head -1 | cut -d'"' -f4; }

expect_exit 4 "short PIN at enrollment refused" sh -c "echo 12 | '$YZF' --home '$T' login --feed $A"
check "one failure counted" test "$(failures)" = 1
expect_exit 0 "right PIN" sh -c "echo 135790 | '$YZF' --home '$T' login --feed $A"
check "count reset by a good PIN" test "$(failures)" = 0
expect_exit 4 "wrong PIN 1" sh -c "echo 111111 | '$YZF' --home '$T' login --feed $A"
contains "$W/err" "2 of 3 attempts left" "attempts left"

# Kill two attempts mid-check: the key store read is slowed so the kill
# lands after the count was written and before the PIN was checked.
for i in 1 2; do
	echo 135790 | YZF_SIM_KEYSTORE_DELAY_MS=3000 "$YZF" --home "$T" login --feed "$A" >/dev/null 2>&1 &
	pid=$!
	sleep 1
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
done
check "killed attempts counted (1 wrong + 2 killed = 3)" test "$(failures)" = 3
expect_exit 4 "even the right PIN is refused now" sh -c "echo 135790 | '$YZF' --home '$T' login --feed $A"
contains "$W/err" "locked out" "lock-out message"
check "slot is locked" test "$(state)" = locked
check "slot secret destroyed" test ! -e "$T/keystore/slot-${A:0:16}"
expect_exit 4 "locked stays locked" sh -c "echo 135790 | '$YZF' --home '$T' login --feed $A"

# Wrong PINs without kills also lock out at the limit.
T2=$W/t2
make_terminal "$T2" GZ-T-0012 --max-pin-failures 2
B=$(enroll "$T2" 246802 李华 44010020230002 广州市天河区市场监督管理局 $USCC_SCJG)
expect_exit 4 "wrong 1" sh -c "echo 999999 | '$YZF' --home '$T2' login --feed $B"
expect_exit 4 "wrong 2 locks" sh -c "echo 999999 | '$YZF' --home '$T2' login --feed $B"
contains "$W/err" "locked out" "locked at the limit"

# Wipe: records stay, sealed to the city; nobody can log in.
T3=$W/t3
make_terminal "$T3" GZ-T-0013
C=$(enroll "$T3" 135790 王芳 44010020230003 广州市城市管理和综合执法局 $USCC_CGZF)
login "$T3" 135790 "$C"
secret='{"kind":"complaint","matter":"CGZF-0203","place":"番禺区市桥街光明北路12号","party":{"kind":"person","name":"陈秘密","id_no":"44011319800101123X"},"credentials_shown":true}'
echo "$secret" | "$YZF" --home "$T3" append inspection.start --feed "$C" --case C-WIPE-1 >/dev/null
append_n "$T3" "$C" 4 C-WIPE-1
# No plaintext of the record on disk: body, envelope and WAL are encrypted.
cat "$T3"/store.db* >"$W/disk"
check "party name not on disk in clear" test "$(grep -c -a '陈秘密' "$W/disk")" = 0
check "ID number not on disk in clear" test "$(grep -c -a '44011319800101123X' "$W/disk")" = 0
expect_exit 1 "wipe needs --yes" "$YZF" --home "$T3" wipe
expect_exit 0 "wipe" "$YZF" --home "$T3" wipe --yes
check "no key store secrets left" test -z "$(ls -A "$T3/keystore")"
expect_exit 5 "login after wipe" sh -c "echo 135790 | '$YZF' --home '$T3' login --feed $C"
expect_exit 4 "reading after wipe" "$YZF" --home "$T3" log --feed "$C"
expect_exit 0 "the city opens the wiped store" "$YZF" authority recover --dir "$W/city" --store-home "$T3"
contains "$W/out" "ok, 5 records" "city verifies the records"
# A different city's sealing key does not open it.
"$YZF" authority init --dir "$W/city2" --root-name 某省 --city-name 某市 --region 440300 >/dev/null
expect_exit 7 "another city's key refused" "$YZF" authority recover --dir "$W/city2" --store-home "$T3"
done_tests

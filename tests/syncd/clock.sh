#!/usr/bin/env bash
# Clocks lie (DESIGN.md): terminals whose wall clocks are wrong
# (libfaketime, the monotonic clock left alone). Once the city attested a
# time, a terminal stamps records, judges certificates and signs requests
# with the attested time plus the monotonic time since, whatever its clock
# says; records stamped before that carry the wrong time, and the city
# stores them flagged. Order comes from seq throughout.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/syncd/city.sh"
command -v faketime >/dev/null || { echo "faketime (Debian package faketime) is required" >&2; exit 1; }
# the terminal's wall clock shifted by $1; ASan tolerates the preload
fake() {
	FAKETIME_DONT_FAKE_MONOTONIC=1 \
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		faketime -f "$1" "${@:2}"
}
# append_at HOME FEED SHIFT: an inspection item made with the terminal's
# clock shifted by SHIFT
append_at() {
	echo '{"item":"检查项","result":"compliant"}' |
		fake "$3" "$YZF" --home "$1" append inspection.item --feed "$2" --case C-CLOCK-1 >/dev/null
}
city_up
check "terminal 1" make_terminal "$W/t1" GZ-T-0101
check "terminal 2" make_terminal "$W/t2" GZ-T-0102
A=$(enroll "$W/t1" 135790 张明 44010020230001 广州市天河区市场监督管理局 $USCC_SCJG)
B=$(enroll "$W/t2" 246802 李华 44010020230002 广州市天河区市场监督管理局 $USCC_SCJG)
login "$W/t1" 135790 "$A" && login "$W/t2" 246802 "$B"
check "daemon starts" start_daemon
flags() { sqlite3 "$S/store.db" "SELECT group_concat(seq) FROM record_flags WHERE feed = X'$1' AND reason LIKE '%$2%'"; }
at_of() { "$YZF" --home "$1" show "$2" --feed "$3" | sed -n 's/^at  *//p'; }

# Terminal 2's clock runs 2 h ahead before it ever met the city: its
# first records carry that time and no attestation. Its first sync still
# goes through (the checkpoint comes first, unauthenticated, and attests
# the time the signed requests then carry); the city flags those records.
check "a record made 2 h ahead, never attested" append_at "$W/t2" "$B" +2h
check "another" append_at "$W/t2" "$B" +2h
expect_exit 0 "terminal 2 syncs with its clock 2 h ahead" fake +2h "$YZF" --home "$W/t2" sync --server "https://localhost:$PORT" --ca "$S/ca.crt"
contains "$W/err" "the city flagged the time of 2 records" "and is told of the flags"
check "the city flagged seq 1 and 2 as after its clock" test "$(flags "$B" "s after the city''s clock")" = "1,2"
check "and stored them" test "$(server_count "$B")" = 2
# From now on terminal 2 stamps the attested time, whatever its clock says.
expect_exit 0 "trust status sees the drift" fake +2h "$YZF" --home "$W/t2" trust status
contains "$W/out" "by the monotonic clock since" "now comes from the monotonic clock"
check "the clock is about 7200 s off" grep -Eq "off by \+(719[0-9]|720[0-9])\.[0-9] s" "$W/out"
check "a record made 2 h ahead, now attested" append_at "$W/t2" "$B" +2h
NOW=$(date -u +%s)
AT=$(date -u -d "$(at_of "$W/t2" 3 "$B")" +%s)
check "it carries the true time, not the clock's" test $((AT - NOW)) -lt 60 -a $((NOW - AT)) -lt 60
expect_exit 0 "terminal 2 syncs again" fake +2h "$YZF" --home "$W/t2" sync --server "https://localhost:$PORT" --ca "$S/ca.crt"
check "nothing more flagged" test "$(flags "$B" "")" = "1,2"

# Terminal 1 met the city, then its clock went a year back: it keeps
# working on the attested time (its certificate, not yet valid by that
# clock, is judged by it too), and syncs (TLS certificates as well).
append_n "$W/t1" "$A" 2 C-CLOCK-1
expect_exit 0 "terminal 1 syncs" sync_to "$W/t1"
check "a record made with the clock a year back" append_at "$W/t1" "$A" -365d
AT=$(date -u -d "$(at_of "$W/t1" 3 "$A")" +%s)
NOW=$(date -u +%s)
check "it carries the true time" test $((AT - NOW)) -lt 60 -a $((NOW - AT)) -lt 60
expect_exit 0 "terminal 1 syncs with its clock a year back" fake -365d "$YZF" --home "$W/t1" sync --server "https://localhost:$PORT" --ca "$S/ca.crt"
check "the city holds all 3" test "$(server_count "$A")" = 3
check "and flagged none" test -z "$(flags "$A" "")"
expect_exit 0 "order holds: every feed verifies" "$YZF" --home "$W/t1" verify
stop_daemon
done_tests

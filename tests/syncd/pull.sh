#!/usr/bin/env bash
# Pull in pages (pull_page = 3) across two shared cases: each answer's
# cursor names the case it was cut in, so the next answer resumes there
# and the cases before it are not sent again; the pull ends with every
# record once.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/syncd/city.sh"
city_up
echo "pull_page = 3" >>"$W/syncd.ini"
check "terminal A" make_terminal "$W/ta" GZ-T-0301
check "terminal B" make_terminal "$W/tb" GZ-T-0302
A=$(enroll "$W/ta" 135790 张明 44010020230001 广州市天河区市场监督管理局 $USCC_SCJG)
B=$(enroll "$W/tb" 246802 李华 44010020230002 广州市天河区市场监督管理局 $USCC_SCJG)
login "$W/ta" 135790 "$A" && login "$W/tb" 246802 "$B"
check "daemon starts" start_daemon
# B: 4 records of X1, then 4 of X2; A: one of X1, then one of X2, so A
# asks for X2 first, whose records B made last.
check "B writes in X1" append_n "$W/tb" "$B" 4 C-PULL-X1
check "B writes in X2" append_n "$W/tb" "$B" 4 C-PULL-X2
check "A writes in X1" append_n "$W/ta" "$A" 1 C-PULL-X1
check "A writes in X2" append_n "$W/ta" "$A" 1 C-PULL-X2
expect_exit 0 "B syncs" sync_to "$W/tb"
expect_exit 0 "A syncs, in pages of 3, and the pull ends" timeout 60 "$YZF" --home "$W/ta" sync --server "https://localhost:$PORT" --ca "$S/ca.crt"
contains "$W/out" "8 new records from other officers, 0 already held" "each of B's records once"
check "three answers for A (3, 3, 2), one for B" test "$(grep -c 'POST /v1/pull' "$W/syncd.log")" = 4
stop_daemon
done_tests

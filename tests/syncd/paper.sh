#!/usr/bin/env bash
# Paper fallback across two terminals through the real yzf-syncd (平台办法
# 第二十二条): officer A goes to paper with a ground, declares the documents
# made on paper, is reminded by `yzf status` and at logout; colleague B of
# the same agency enters one of them on another terminal, naming the
# episode written on the form; after syncing, A's terminal knows it was
# entered, and A entering the same serial again is refused naming B's
# entry. Refusals write nothing. Deadlines and lateness on the calendar
# are in tests/unit/test_paper.c.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/syncd/city.sh"
city_up
check "terminal A" make_terminal "$W/ta" GZ-T-0201
check "terminal B" make_terminal "$W/tb" GZ-T-0202
A=$(enroll "$W/ta" 135790 张明 44010020230001 广州市天河区市场监督管理局 $USCC_SCJG)
B=$(enroll "$W/tb" 246802 李华 44010020230002 广州市天河区市场监督管理局 $USCC_SCJG)
login "$W/ta" 135790 "$A" && login "$W/tb" 246802 "$B"
check "daemon starts" start_daemon
check "publish the calendar" sh -c "'$YZF_SYNCD' --config '$W/syncd.ini' admin publish --name calendar --file '$SRCDIR/data/calendar/calendar-cn.json' >/dev/null"
expect_exit 0 "A syncs the calendar" sync_to "$W/ta"
expect_exit 0 "B syncs the calendar" sync_to "$W/tb"
records() { sqlite3 "$1/store.db" "SELECT count(*) FROM records"; }

n=$(records "$W/ta")
expect_exit 2 "a ground the Measures do not give" "$YZF" --home "$W/ta" paper start --ground rain
contains "$W/err" "第二十二条" "cites the article"
expect_exit 2 "another legal ground must be named" "$YZF" --home "$W/ta" paper start --ground other
contains "$W/err" "第四项" "cites item 4"
check "nothing written" test "$(records "$W/ta")" = "$n"
expect_exit 0 "A goes to paper: no network at the site" "$YZF" --home "$W/ta" paper start --ground no_network --text 地下车库无信号 --place 天河路385号负二层
EP=$(sed -n 's/^paper episode \(P-[0-9a-f-]*\) started.*/\1/p' "$W/out")
check "an episode id" test -n "$EP"
expect_exit 6 "a second episode while one is open" "$YZF" --home "$W/ta" paper start --ground no_network
contains "$W/err" "$EP" "names the open one"
sleep 1  # the act, to the second, lies after the start
NOW=$(TZ=Asia/Shanghai date +%Y-%m-%dT%H:%M:%S.000+08:00)
YEAR=$(TZ=Asia/Shanghai date +%Y)
cat >"$W/docs.json" <<JSON
[{"doctype":"XCJCBL","serial":{"year":$YEAR,"no":501},"at":"$NOW"},
 {"doctype":"ZLGZ","serial":{"year":$YEAR,"no":77},"at":"$NOW"}]
JSON
sleep 1
expect_exit 0 "A ends the episode, declaring two paper documents" "$YZF" --home "$W/ta" paper end --docs "$W/docs.json"
contains "$W/out" "paper episode $EP ended" "the episode ended"
expect_exit 0 "status" "$YZF" --home "$W/ta" status
contains "$W/out" "REMINDER: 2 paper documents to enter" "status reminds"
contains "$W/out" "XCJCBL" "names the document"
expect_exit 0 "paper list --pending" "$YZF" --home "$W/ta" paper list --pending
contains "$W/out" "to enter" "pending"
check "with a due time" grep -q "due $(TZ=Asia/Shanghai date +%Y)" "$W/out"

expect_exit 0 "A, back in network, syncs the episode" sync_to "$W/ta"
# B enters the inspection record on B's own terminal, naming the episode
BODY="{\"episode\":\"$EP\",\"doctype\":\"XCJCBL\",\"serial\":{\"year\":$YEAR,\"no\":501},\"at\":\"$NOW\",\"party\":{\"kind\":\"legal_person\",\"name\":\"广州市天河区禾丰食品店有限公司\",\"id\":\"91440106MA5ANQ3R3W\"},\"facts\":\"现场检查笔录（纸质）：货架上有超过保质期的饼干\",\"photos\":[\"$(printf '%064d' 1)\"]}"
expect_exit 0 "B enters A's paper inspection record" sh -c "echo '$BODY' | '$YZF' --home '$W/tb' paper backfill"
contains "$W/out" "in time" "in time"
contains "$W/out" "serial not registered here" "an unregistered serial is flagged"
expect_exit 0 "B syncs" sync_to "$W/tb"
contains "$W/out" "2 new records from other officers" "and receives A's episode"
expect_exit 0 "A syncs" sync_to "$W/ta"
contains "$W/out" "1 new records from other officers" "A receives B's entry"
expect_exit 0 "paper list on A" "$YZF" --home "$W/ta" paper list
check "501 entered by B" grep -q "XCJCBL.*No. 501.*entered .* by ${B:0:16}" "$W/out"
check "77 still to enter" grep -q "ZLGZ.*No. 77.*to enter" "$W/out"
n=$(records "$W/ta")
expect_exit 6 "A enters the same serial again" sh -c "echo '$BODY' | '$YZF' --home '$W/ta' paper backfill"
contains "$W/err" "was entered already, by feed ${B:0:16}" "names B's entry"
check "nothing written" test "$(records "$W/ta")" = "$n"
expect_exit 0 "logout reminds of the one left" sh -c "'$YZF' --home '$W/ta' logout --feed $A"
contains "$W/out" "REMINDER: 1 paper document to enter" "at logout"
login "$W/ta" 135790 "$A"
# Both enter ZLGZ 77 while neither knows of the other's entry: the city
# keeps both, flags the later, naming the first.
Z=$(echo "$BODY" | sed "s/\"XCJCBL\"/\"ZLGZ\"/; s/\"no\":501/\"no\":77/")
expect_exit 0 "B enters ZLGZ 77" sh -c "echo '$Z' | '$YZF' --home '$W/tb' paper backfill"
expect_exit 0 "A enters ZLGZ 77 too, offline" sh -c "echo '$Z' | '$YZF' --home '$W/ta' paper backfill"
expect_exit 0 "B syncs first" sync_to "$W/tb"
expect_exit 0 "A syncs" sync_to "$W/ta"
contains "$W/err" "paper serial ZLGZ $YEAR No. 77 was entered already, by feed ${B:0:16}" "A is told the city flagged it"
check "the city flagged A's entry" test "$(sqlite3 "$S/store.db" "SELECT count(*) FROM record_flags WHERE feed = X'$A' AND reason LIKE 'paper serial ZLGZ%'")" = 1
check "and kept both" test "$(sqlite3 "$S/store.db" "SELECT count(*) FROM records WHERE case_id = '$EP'")" = 5
stop_daemon
done_tests

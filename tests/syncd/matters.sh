#!/usr/bin/env bash
# The matters catalogue end to end, on loopback with the real yzf-syncd:
# the city publishes the sample sets in data/refdata/, a terminal syncs and
# answers from what it holds (search, show with legal basis and tiers,
# the tier of a fine). A later matters version citing a law the laws set
# does not have is signed, so the terminal takes it, but the catalogue
# refuses it, naming the set, the entry and the field.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/syncd/city.sh"
admin() { "$YZF_SYNCD" --config "$W/syncd.ini" admin "$@"; }
cat1() { "$YZF" --home "$W/t1" "$@"; }

city_up
check "terminal" make_terminal "$W/t1" GZ-T-0101
A=$(enroll "$W/t1" 135790 张明 44010020230001 广州市天河区市场监督管理局 $USCC_SCJG)
login "$W/t1" 135790 "$A"
check "daemon starts" start_daemon

expect_exit 5 "catalog before any publication" cat1 catalog show SC-FOOD-001
contains "$W/err" "no index held" "says so"
expect_exit 1 "no subcommand" cat1 catalog
for s in laws matters benchmarks doctypes agencies; do
	expect_exit 0 "publish $s" admin publish --name $s \
		--file "$SRCDIR/data/refdata/$s.json"
done
expect_exit 0 "sync" sync_to "$W/t1"

expect_exit 0 "show" cat1 catalog show SC-FOOD-003
contains "$W/out" "违法依据:  中华人民共和国食品安全法第三十四条" "violated provision"
contains "$W/out" "处罚依据:  中华人民共和国食品安全法第一百二十四条" "penalty provision"
contains "$W/out" "超过保质期的食品" "article text"
contains "$W/out" "fine:      50,000.00–100,000.00 元" "statutory range"
contains "$W/out" "从重  75,000.01–100,000.00 元" "tiers in yuan"
expect_exit 0 "show --json" cat1 --json catalog show CG-GAS-001
contains "$W/out" '"fine_min_fen":5000000,"fine_max_fen":50000000' "fen in JSON"
contains "$W/out" '"benchmark":{"id":"BM-CG-GAS-001","version":1' "benchmark"
expect_exit 5 "an unknown matter" cat1 catalog show SC-NONE-001
contains "$W/err" "no matter SC-NONE-001" "named"

expect_exit 0 "search" cat1 catalog search 燃气
check "three gas matters" test "$(grep -c '^CG-GAS-' "$W/out")" = 3
expect_exit 0 "search by code, any case" cat1 --json catalog search sc-pq
contains "$W/out" '"code":"SC-PQ-002"' "found"
expect_exit 0 "search, no match" cat1 catalog search 无此事项
contains "$W/out" "no matter matches" "says so"

expect_exit 0 "tier" cat1 catalog tier CG-GAS-001 50000
contains "$W/out" "50,000.00 元: 从轻" "at the minimum"
expect_exit 0 "tier at the midpoint" cat1 catalog tier CG-GAS-001 275000
contains "$W/out" "一般" "midpoint"
expect_exit 0 "tier above" cat1 catalog tier CG-GAS-001 500000.01
contains "$W/out" "outside every tier" "outside"
contains "$W/out" "above the maximum" "above"
expect_exit 5 "tier without benchmark" cat1 catalog tier SC-PQ-001 100
expect_exit 1 "tier, not an amount" cat1 catalog tier CG-GAS-001 5万

# A signed but inconsistent matters version: taken, then refused by the
# catalogue with set, entry and field named.
sed 's/"penalty": \["rqgl-45"\]/"penalty": ["rqgl-99"]/' \
	"$SRCDIR/data/refdata/matters.json" >"$W/matters2.json"
check "edited" grep -q rqgl-99 "$W/matters2.json"
expect_exit 0 "publish matters v2" admin publish --name matters --file "$W/matters2.json"
expect_exit 0 "sync v2" sync_to "$W/t1"
expect_exit 2 "catalog refuses" cat1 catalog show CG-GAS-001
contains "$W/err" "matters: entry CG-GAS-001 (entries[38]): penalty: no law rqgl-99 in laws" "set, entry, field"

done_tests

#!/usr/bin/env bash
# Export from one store, import into another on a clean directory, verify
# there; re-import is harmless; damaged and forked lines are quarantined.
. "$(dirname "$0")/lib.sh"
T=$W/t
make_authority && make_terminal "$T" GZ-T-0020 || { echo "setup failed"; exit 1; }
A=$(enroll "$T" 135790 张明 44010020230001 广州市天河区市场监督管理局 $USCC_SCJG)
login "$T" 135790 "$A" && append_n "$T" "$A" 12 C-EXCH-1 || { echo "setup failed"; exit 1; }
expect_exit 0 "export" "$YZF" --home "$T" export --feed "$A" --out "$W/a.ndjson"
check "3 certificates and 12 records exported" test "$(wc -l <"$W/a.ndjson")" = 15

# A reviewer's terminal on a clean directory.
R=$W/reviewer
make_terminal "$R" GZ-T-0021
V=$(enroll "$R" 864200 赵审 44010020230009 广州市天河区市场监督管理局 $USCC_SCJG)
login "$R" 864200 "$V"
expect_exit 0 "import" "$YZF" --home "$R" import "$W/a.ndjson"
contains "$W/out" "12 stored" "all records stored"
expect_exit 0 "verify imported feed" "$YZF" --home "$R" verify --feed "$A"
contains "$W/out" "ok, 12 records" "imported feed verifies"
expect_exit 0 "log imported" "$YZF" --home "$R" log --case C-EXCH-1
check "12 records by case" test "$(wc -l <"$W/out")" = 12
expect_exit 0 "re-import is harmless" "$YZF" --home "$R" import "$W/a.ndjson"
contains "$W/out" "0 stored, 12 already held" "duplicates counted"
# The exported bytes are exactly what was signed: export of the copy
# equals the original.
"$YZF" --home "$R" export --feed "$A" --out "$W/b.ndjson"
check "re-export is byte-identical" cmp -s "$W/a.ndjson" "$W/b.ndjson"

# More records on the terminal: import continues the chain.
cp -a "$T" "$W/backup"
append_n "$T" "$A" 3 C-EXCH-1
"$YZF" --home "$T" export --feed "$A" --out "$W/a2.ndjson"
expect_exit 0 "incremental import" "$YZF" --home "$R" import "$W/a2.ndjson"
contains "$W/out" "3 stored, 12 already held" "only new records stored"

# Damage: a changed byte in a record line is quarantined, not dropped.
R2=$W/r2
make_terminal "$R2" GZ-T-0022
V2=$(enroll "$R2" 864200 赵审 44010020230010 广州市天河区市场监督管理局 $USCC_SCJG)
login "$R2" 864200 "$V2"
sed '6s/检查项 3/检查项 8/' "$W/a.ndjson" >"$W/bad.ndjson"
expect_exit 3 "damaged line quarantined" "$YZF" --home "$R2" import "$W/bad.ndjson"
contains "$W/out" "2 stored" "records before the damage stored"
contains "$W/out" "signature does not verify" "reason given"
check "quarantine holds all 10 refused lines with reasons" test "$(sqlite3 "$R2/store.db" "SELECT count(*) FROM quarantine WHERE reason <> ''")" = 10
# A fork: the terminal restored from a backup taken at 12 records signs a
# different seq 13. Its own store cannot tell (the backup is whole); the
# reviewer's store, which holds the original seq 13, keeps both and flags
# the feed.
expect_exit 0 "backup's different seq 13" sh -c "echo '{\"text\":\"另一条\"}' | '$YZF' --home '$W/backup' append note --feed $A"
"$YZF" --home "$W/backup" export --feed "$A" --out "$W/fork.ndjson"
expect_exit 3 "fork quarantined" "$YZF" --home "$R" import "$W/fork.ndjson"
contains "$W/out" "1 quarantined (1 forks)" "fork counted"
check "feed flagged as forked" test "$(sqlite3 "$R/store.db" "SELECT flags FROM feeds WHERE feed = X'$A'")" = 1
check "fork kept with its reason" test "$(sqlite3 "$R/store.db" "SELECT count(*) FROM quarantine WHERE reason LIKE 'fork:%'")" = 1
expect_exit 0 "original chain still verifies" "$YZF" --home "$R" verify --feed "$A"
done_tests

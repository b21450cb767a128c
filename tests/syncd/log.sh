#!/usr/bin/env bash
# The city's transparency log end to end, on loopback with the real
# yzf-syncd: each sync checks the city's signed checkpoint against the one
# the terminal held; an auditor checks two checkpoints offline; the daemon
# refuses to start on a store changed behind its back; and when a city
# operator rewrites or drops acknowledged records AND makes the store
# self-consistent again, every terminal's next sync catches it and keeps
# both checkpoints as evidence.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/syncd/city.sh"
city_up
db() { sqlite3 "$S/store.db" "$@"; }
check "terminal 1" make_terminal "$W/t1" GZ-T-0101
check "terminal 2" make_terminal "$W/t2" GZ-T-0102
A=$(enroll "$W/t1" 135790 张明 44010020230001 广州市天河区市场监督管理局 $USCC_SCJG)
B=$(enroll "$W/t2" 246802 李华 44010020230002 广州市天河区市场监督管理局 $USCC_SCJG)
login "$W/t1" 135790 "$A" && login "$W/t2" 246802 "$B"
check "daemon starts" start_daemon

expect_exit 0 "trust status before any sync" "$YZF" --home "$W/t1" trust status
contains "$W/out" "no checkpoint yet" "nothing held yet"
append_n "$W/t1" "$A" 4 C-LOG-1
expect_exit 0 "terminal 1 syncs" sync_to "$W/t1"
append_n "$W/t2" "$B" 2 C-LOG-2
expect_exit 0 "terminal 2 syncs" sync_to "$W/t2"
contains "$W/out" "city log: 4 records; the first checkpoint this terminal holds" "terminal 2's first checkpoint"
expect_exit 0 "terminal 1 syncs again" sync_to "$W/t1"
contains "$W/out" "city log: 6 records, consistent with the 4 this terminal held" "consistent from 4 to 6"
expect_exit 0 "trust status" "$YZF" --home "$W/t1" trust status
contains "$W/out" "city log:      6 records" "the checkpoint held"
contains "$W/out" "attested time:" "attested time from the city"
contains "$W/out" "evidence:      none" "no evidence"
expect_exit 0 "trust status --json" "$YZF" --home "$W/t1" --json trust status
contains "$W/out" '"checkpoint":{"size":6' "JSON checkpoint"
check "the city's log holds every record once" test "$(db 'SELECT count(*), count(DISTINCT idx), min(idx), max(idx) FROM log')" = "6|6|0|5"

# An auditor: two checkpoints and the proof between them, checked offline.
expect_exit 0 "admin checkpoint" "$YZF_SYNCD" --config "$W/syncd.ini" admin checkpoint
cp "$W/out" "$W/old.ckpt"
contains "$W/old.ckpt" '{"ckpt":{"v":1,"size":6,' "a signed checkpoint of 6"
append_n "$W/t1" "$A" 2 C-LOG-1
expect_exit 0 "terminal 1 pushes 2 more" sync_to "$W/t1"
expect_exit 0 "admin checkpoint --from 6" "$YZF_SYNCD" --config "$W/syncd.ini" admin checkpoint --from 6
cp "$W/out" "$W/new.json"
expect_exit 0 "the auditor's check" "$YZF" trust consistency --trust "$W/trust.ndjson" "$W/old.ckpt" "$W/new.json"
contains "$W/out" "consistent: the city's log of 8 records" "says so"
expect_exit 1 "admin checkpoint --from beyond the log" "$YZF_SYNCD" --config "$W/syncd.ini" admin checkpoint --from 99
contains "$W/err" "the log holds 8 records" "names the size"
expect_exit 0 "terminal 2 syncs: 6 to 8" sync_to "$W/t2"
stop_daemon
cp "$S/store.db" "$W/honest.db"

# A store changed behind the daemon's back: it will not start on it.
db "DROP TRIGGER records_keep_u; UPDATE records SET bytes = CAST(replace(CAST(bytes AS TEXT), '检查项 2', '检查项 9') AS BLOB) WHERE feed = X'$A' AND seq = 2"
check "the daemon refuses a store whose record bytes changed" test "$(start_daemon; echo $?)" = 1
contains "$W/syncd.log" "do not hash to its id" "names the damage"
contains "$W/syncd.log" "position 1" "and the position"
cp "$W/honest.db" "$S/store.db"; rm -f "$S/store.db-wal" "$S/store.db-shm"

# A city operator rewrites A's record at seq 2 and makes the store agree
# with itself (id recomputed): the daemon starts; terminals catch it.
python3 - "$S/store.db" "$A" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
feed = bytes.fromhex(sys.argv[2])
b, sig = db.execute("SELECT bytes, sig FROM records WHERE feed = ? AND seq = 2", (feed,)).fetchone()
b = bytes(b).replace("检查项 2".encode(), "检查项 7".encode())
rid = hashlib.blake2b(b + bytes(sig), digest_size=32).digest()
db.execute("DROP TRIGGER records_keep_u")
db.execute("UPDATE records SET bytes = ?, id = ? WHERE feed = ? AND seq = 2", (b, rid, feed))
db.commit()
PY
check "the daemon starts on the rewritten store" start_daemon
expect_exit 3 "terminal 1 catches the rewrite" sync_to "$W/t1"
contains "$W/err" "not an extension of the 8 it signed before" "says what the city did"
contains "$W/err" "kept as evidence" "and that it kept evidence"
expect_exit 3 "trust status shows the evidence" "$YZF" --home "$W/t1" trust status
contains "$W/out" "EVIDENCE:      1 inconsistencies" "counted"
contains "$W/out" "city log:      8 records" "the consistent checkpoint is still held"
expect_exit 3 "trust evidence" "$YZF" --home "$W/t1" trust evidence
contains "$W/out" '"size":8' "the checkpoint held"
contains "$W/out" "offered: {\"ckpt\":{\"v\":1,\"size\":8," "and the one offered, both kept"
expect_exit 3 "terminal 1 stays alarmed on the next sync" sync_to "$W/t1"
check "a second piece of evidence" test "$(sqlite3 "$W/t1/store.db" 'SELECT count(*) FROM log_evidence')" = 2
expect_exit 3 "terminal 2 catches it too" sync_to "$W/t2"
"$YZF_SYNCD" --config "$W/syncd.ini" admin checkpoint --from 6 >"$W/bad.json"
expect_exit 3 "the auditor's check fails too" "$YZF" trust consistency --trust "$W/trust.ndjson" "$W/old.ckpt" "$W/bad.json"
contains "$W/err" "removed or changed" "says why"
stop_daemon

# Another operator drops B's acknowledged seq 2 (log position 5) and closes
# the gap: the log shrinks under every terminal that saw it.
cp "$W/honest.db" "$S/store.db"; rm -f "$S/store.db-wal" "$S/store.db-shm"
db "DROP TRIGGER records_keep_d; DROP TRIGGER log_keep_d; DROP TRIGGER log_keep_u; DROP TRIGGER feeds_head_forward;
    DELETE FROM records WHERE feed = X'$B' AND seq = 2; DELETE FROM log WHERE idx = 5;
    UPDATE log SET idx = idx - 1 WHERE idx > 5;
    UPDATE feeds SET head_seq = 1, head_id = (SELECT id FROM records WHERE feed = X'$B' AND seq = 1) WHERE feed = X'$B'"
check "the daemon starts on the shortened store" start_daemon
expect_exit 3 "terminal 2 catches the dropped record" sync_to "$W/t2"
contains "$W/err" "shrank from 8 records to 7" "says so"
check "terminal 2 still counts seq 2 as acknowledged" test "$(sqlite3 "$W/t2/store.db" 'SELECT acked_seq FROM sync_state')" = 2
stop_daemon
done_tests

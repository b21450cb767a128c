#!/usr/bin/env bash
# Tamper suite: every kind of damage to a feed, made with the sqlite3 tool,
# by editing bytes of the file, or with yzf-forge, is found by yzf verify
# with the right first bad seq and reason, and verify never crashes.
. "$(dirname "$0")/lib.sh"
: "${YZF_FORGE:?}"
T=$W/t
make_authority && make_terminal "$T" GZ-T-0009 || { echo "setup failed"; exit 1; }
A=$(enroll "$T" 135790 张明 44010020230001 广州市天河区市场监督管理局 $USCC_SCJG)
login "$T" 135790 "$A" && append_n "$T" "$A" 10 C-TAMPER-1 || { echo "setup failed"; exit 1; }
check "pristine store verifies" "$YZF" --home "$T" verify --feed "$A"
cp -a "$T" "$W/pristine"
DB=store.db

# damage NAME SEQ REASON then a shell snippet run in the copy's directory
damage() {
	local name=$1 seq=$2 reason=$3 snippet=$4
	rm -rf "$W/d" && cp -a "$W/pristine" "$W/d"
	(cd "$W/d" && eval "$snippet") || { bad "$name: could not make the damage"; return; }
	"$YZF" --home "$W/d" --json verify --feed "$A" >"$W/v.json" 2>"$W/v.err"
	local rc=$?
	if [ "$rc" != 3 ]; then bad "$name: verify exit $rc, expected 3 ($(cat "$W/v.json" "$W/v.err"))"; return; fi
	if grep -q "\"bad_seq\":$seq,\"reason\":\"$reason\"" "$W/v.json"; then ok; else
		bad "$name: expected seq $seq reason $reason, got $(cat "$W/v.json")"; fi
}
sql() { sqlite3 "$DB" "$1"; }
# flip COLUMN SEQ NIBBLE: change one hex digit of a blob column of a record
flip() {
	local hex d
	hex=$(sqlite3 "$DB" "SELECT hex($1) FROM records WHERE feed=$F AND seq=$2")
	d=${hex:$3:1}
	[ "$d" = 0 ] && d=1 || d=0
	sql "UPDATE records SET $1 = X'${hex:0:$3}$d${hex:$(($3 + 1))}' WHERE feed=$F AND seq=$2"
}
F="X'$A'"

damage "body byte changed" 3 decrypt "flip ct 3 400"
damage "ciphertext first byte changed" 5 decrypt "flip ct 5 0"
damage "authentication tag changed" 7 decrypt "flip ct 7 \$(( \$(sqlite3 $DB 'SELECT length(ct) FROM records WHERE seq=7') * 2 - 1 ))"
damage "nonce changed" 4 decrypt \
	"sql \"UPDATE records SET nonce = zeroblob(24) WHERE feed=$F AND seq=4\""
damage "signature byte changed" 6 signature "flip sig 6 0"
damage "signature last byte changed" 8 signature "flip sig 8 127"
damage "type column changed" 2 column \
	"sql \"UPDATE records SET type='note' WHERE feed=$F AND seq=2\""
damage "case column changed" 7 column \
	"sql \"UPDATE records SET case_id='C-OTHER' WHERE feed=$F AND seq=7\""
damage "time column changed" 8 column \
	"sql \"UPDATE records SET at=at+1 WHERE feed=$F AND seq=8\""
damage "id column changed" 9 column \
	"sql \"UPDATE records SET id=zeroblob(32) WHERE feed=$F AND seq=9\""
damage "record removed" 4 missing \
	"sql \"DELETE FROM records WHERE feed=$F AND seq=4\""
damage "records reordered" 3 seq \
	"sql \"UPDATE records SET seq=-3 WHERE feed=$F AND seq=3; UPDATE records SET seq=3 WHERE feed=$F AND seq=4; UPDATE records SET seq=4 WHERE feed=$F AND seq=-3\""
damage "record inserted (copy of seq 2 as seq 11)" 11 seq \
	"sql \"INSERT INTO records SELECT feed, 11, id, type, case_id, at, sig, nonce, ct FROM records WHERE feed=$F AND seq=2; UPDATE feeds SET head_seq=11 WHERE feed=$F\""
damage "record inserted in the middle, later ones renumbered" 4 seq \
	"sql \"UPDATE records SET seq=-seq WHERE feed=$F AND seq>=4; UPDATE records SET seq=1-seq WHERE feed=$F AND seq<0; INSERT INTO records SELECT feed, 4, id, type, case_id, at, sig, nonce, ct FROM records WHERE feed=$F AND seq=2\""
damage "tail cut" 10 head \
	"sql \"DELETE FROM records WHERE feed=$F AND seq=10\""
damage "tail cut and head rewritten" 9 head \
	"sql \"DELETE FROM records WHERE feed=$F AND seq=10; UPDATE feeds SET head_seq=9, head_id=(SELECT id FROM records WHERE feed=$F AND seq=9) WHERE feed=$F\""
damage "signed by another key" 11 signature \
	"'$YZF_FORGE' . otherkey $A"
damage "non-canonical encoding" 11 noncanonical \
	"'$YZF_FORGE' . noncanon $A"
damage "certificate does not cover the time" 11 cert \
	"'$YZF_FORGE' . outside $A"
damage "body breaks its schema" 11 schema \
	"'$YZF_FORGE' . schema $A"
damage "row moved to another feed" 1 missing \
	"sql \"UPDATE records SET feed=zeroblob(32) WHERE feed=$F AND seq=1\""

# The terminal also refuses to append after a cut tail (it would fork).
rm -rf "$W/d" && cp -a "$W/pristine" "$W/d"
sqlite3 "$W/d/$DB" "DELETE FROM records WHERE feed=$F AND seq=10"
expect_exit 3 "append refused on a cut tail" sh -c "echo '{\"text\":\"a\"}' | '$YZF' --home '$W/d' append note --feed $A"
contains "$W/err" "disagrees" "append names the head problem"

# Random byte flips and truncation of the database file: verify reports or
# refuses, and never crashes (no exit by signal, no sanitizer report).
size=$(stat -c %s "$W/pristine/$DB")
crashes=0
for i in $(seq 1 60); do
	rm -rf "$W/d" && cp -a "$W/pristine" "$W/d"
	sqlite3 "$W/d/$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null 2>&1
	size=$(stat -c %s "$W/d/$DB")
	for k in 1 2 3; do
		off=$(( (RANDOM * 32768 + RANDOM) % size ))
		printf "\\x$(printf %02x $((RANDOM % 256)))" |
			dd of="$W/d/$DB" bs=1 seek=$off conv=notrunc status=none
	done
	[ $((i % 10)) = 0 ] && truncate -s $((size / 2)) "$W/d/$DB"
	"$YZF" --home "$W/d" verify --feed "$A" >/dev/null 2>"$W/flip.err"
	rc=$?
	if [ $rc -ge 128 ] || grep -q "Sanitizer" "$W/flip.err"; then
		crashes=$((crashes + 1)); echo "crash on flip round $i (exit $rc)" >&2
		cat "$W/flip.err" >&2
	fi
done
check "no crash on 60 randomly damaged files" test $crashes = 0
done_tests

#!/usr/bin/env bash
# Evidence and whole-process recording through the yzf program: a photo
# stored encrypted by its hash (the store never holds the plaintext) and
# exported back byte for byte; review refused to an officer, made by the
# reviewer; a 查封/扣押 recorded by the sim recorder; then each kind of
# damage, to the exported files and to the store, detected and named:
# a cut, an edited byte, a removed middle segment, a reordered pair, a
# stream filed under another hash, and an unexplained gap.
. "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || { echo "sqlite3 missing"; exit 1; }
T=$W/t1
y() { "$YZF" --home "$T" "$@"; }

check "authority init" make_authority
check "terminal init" make_terminal "$T" GZ-T-0001
A=$(enroll "$T" 135790 张明 44010020230001 广州市天河区市场监督管理局 $USCC_SCJG)
check "officer logs in" login "$T" 135790 "$A"
R=$(enroll "$T" 246802 王审 44010020230009 广州市天河区市场监督管理局 $USCC_SCJG reviewer)
check "reviewer enrolled" test ${#R} = 64
check "reviewer logs in" login "$T" 246802 "$R"
CASE=C-20261127-0007

# A photo: several stored chunks, a marker that must not reach the disk.
python3 -c "import sys; sys.stdout.write('PLAINTEXT-MARKER-0123456789\n' * 9000)" >"$W/photo.jpg"
expect_exit 0 "evidence add" y evidence add "$W/photo.jpg" --case $CASE --feed "$A"
H=$(sed -n 's/^evidence \([0-9a-f]\{64\}\) .*/\1/p' "$W/out")
check "named by the hash of its content" test "$H" = "$(python3 -c "import hashlib,sys; print(hashlib.blake2b(open(sys.argv[1],'rb').read(), digest_size=32).hexdigest())" "$W/photo.jpg")"
if grep -rqa PLAINTEXT-MARKER "$T"; then bad "plaintext found under the terminal's home"; else ok; fi
expect_exit 5 "evidence add: no such file" y evidence add "$W/none.jpg" --case $CASE --feed "$A"
expect_exit 1 "evidence add: no case" y evidence add "$W/photo.jpg" --feed "$A"
expect_exit 0 "evidence list" y evidence list --case $CASE
contains "$W/out" "unreviewed" "listed, unreviewed"
expect_exit 0 "evidence show by prefix" y evidence show "${H:0:12}"
contains "$W/out" "decrypts, hashes to its name" "stored state shown"

# Review (art.26): the officer is refused and nothing is written.
before=$(y --json status | grep -o '"records":[0-9]*' | head -1)
expect_exit 6 "review by a non-reviewer refused" y evidence review "$H" \
	--relevance pass --legality pass --authenticity pass --reason 完整清晰 --feed "$A"
contains "$W/err" "is for the reviewer role" "refusal names the role"
contains "$W/err" "44010020230001" "refusal names the officer"
after=$(y --json status | grep -o '"records":[0-9]*' | head -1)
check "nothing written by the refused review" test "$before" = "$after"
expect_exit 1 "review without a verdict" y evidence review "$H" --relevance pass --feed "$R"
expect_exit 0 "review by the reviewer" y evidence review "$H" --relevance pass \
	--legality pass --authenticity pass --reason 来源合法内容完整 --feed "$R"
contains "$W/out" "review passed" "review passed"
expect_exit 0 "evidence list after review" y --json evidence list --case $CASE
contains "$W/out" '"review":"passed"' "passed in the list"

# A 查封/扣押 recorded whole: four segments, one several chunks long.
expect_exit 0 "rec start" y rec start --case $CASE --step case.measure --measure seize --feed "$A"
RID=$(sed -n 's/^recording \([0-9a-f]*\) started.*/\1/p' "$W/out")
check "recording id" test ${#RID} = 32
expect_exit 0 "rec take" env YZF_SIM_RECORDER=5000,150000,5000,5000 "$YZF" --home "$T" rec take --feed "$A"
contains "$W/out" "took 4 segment(s)" "four segments taken"
expect_exit 0 "rec end" y rec end --feed "$A"
expect_exit 0 "rec show" y rec show "$RID"
contains "$W/out" "4 segment(s), 165000 bytes, 0 gap record(s), ended" "recording shown"
expect_exit 0 "evidence verify: whole" y evidence verify --case $CASE
contains "$W/out" "ok: 5 blob(s)" "every blob checked"

# Export: the decrypted files and a manifest; the photo back byte for byte.
expect_exit 0 "evidence export" y evidence export --case $CASE --out "$W/exp"
check "photo exported byte for byte" cmp -s "$W/exp/$H.jpg" "$W/photo.jpg"
check "manifest written" test -s "$W/exp/manifest.json"
SEG=$W/exp/rec-${RID:0:16}
check "four segment files" test "$(ls "$SEG" | wc -l)" = 4
expect_exit 0 "verify the export" y evidence verify --case $CASE --dir "$W/exp"
contains "$W/out" "exported files match" "export matches the records"

# Damage to an exported copy, each named.
damaged() { rm -rf "$W/bad"; cp -r "$W/exp" "$W/bad"; }
SB=$W/bad/rec-${RID:0:16}
damaged; truncate -s 2000 "$SB/0002.mp4"
expect_exit 3 "cut segment" y evidence verify --case $CASE --dir "$W/bad"
contains "$W/out" "truncated: $CASE ${RID:0:16}: segment 2: file rec-${RID:0:16}/0002.mp4 is cut: 2000 of 150000 bytes" "cut named"
damaged; printf 'Z' | dd of="$SB/0003.mp4" bs=1 seek=777 conv=notrunc 2>/dev/null
expect_exit 3 "edited byte" y evidence verify --case $CASE --dir "$W/bad"
contains "$W/out" "changed: $CASE ${RID:0:16}: segment 3: file rec-${RID:0:16}/0003.mp4 differs from the recorded bytes at offset 777" "edited byte named with its offset"
damaged; rm "$SB/0002.mp4"
expect_exit 3 "removed middle segment" y evidence verify --case $CASE --dir "$W/bad"
contains "$W/out" "missing: $CASE ${RID:0:16}: segment 2: file rec-${RID:0:16}/0002.mp4 is missing" "removed segment named"
damaged; mv "$SB/0002.mp4" "$W/x"; mv "$SB/0003.mp4" "$SB/0002.mp4"; mv "$W/x" "$SB/0003.mp4"
expect_exit 3 "reordered pair" y evidence verify --case $CASE --dir "$W/bad"
contains "$W/out" "reordered: $CASE ${RID:0:16}: segment 2: file rec-${RID:0:16}/0002.mp4 holds segment 3" "reordered pair named (2)"
contains "$W/out" "reordered: $CASE ${RID:0:16}: segment 3: file rec-${RID:0:16}/0003.mp4 holds segment 2" "reordered pair named (3)"
damaged; printf 'Z' | dd of="$W/bad/$H.jpg" bs=1 seek=5 conv=notrunc 2>/dev/null
expect_exit 3 "edited photo" y --json evidence verify --case $CASE --dir "$W/bad"
contains "$W/out" '"what":"changed"' "edited photo named (json)"

# Damage to the store itself, on a copy of the terminal.
T2=$W/t2
z() { "$YZF" --home "$T2" "$@"; }
store_copy() { rm -rf "$T2"; cp -r "$T" "$T2"; }
seg_hash() { # the full hash of segment N, from the export's manifest
	python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print([s['hash'] for s in m['recordings'][0]['segments'] if s['n'] == int(sys.argv[2])][0])" "$W/exp/manifest.json" "$1"
}
F2=$(seg_hash 2); F3=$(seg_hash 3); F4=$(seg_hash 4)
B2="(SELECT id FROM blobs WHERE hash = x'$F2')"
B3="(SELECT id FROM blobs WHERE hash = x'$F3')"
store_copy; sqlite3 "$T2/store.db" "DELETE FROM blob_chunks WHERE blob = $B2 AND n = (SELECT MAX(n) FROM blob_chunks WHERE blob = $B2)"
expect_exit 3 "store: cut segment" z evidence verify --case $CASE
contains "$W/out" "truncated: $CASE ${RID:0:16}: segment 2" "store cut named"
store_copy; sqlite3 "$T2/store.db" "UPDATE blob_chunks SET ct = CAST(substr(ct, 1, 40) || (CASE WHEN substr(ct, 41, 1) = x'00' THEN x'01' ELSE x'00' END) || substr(ct, 42) AS BLOB) WHERE blob = $B2 AND n = 1"
expect_exit 3 "store: edited byte" z evidence verify --case $CASE
contains "$W/out" "changed: $CASE ${RID:0:16}: segment 2" "store edit named"
contains "$W/out" "chunk 1 does not authenticate" "store edit names the chunk"
store_copy; sqlite3 "$T2/store.db" "DELETE FROM blob_chunks WHERE blob = $B3; DELETE FROM blobs WHERE hash = x'$F3'"
expect_exit 3 "store: removed middle segment" z evidence verify --case $CASE
contains "$W/out" "missing: $CASE ${RID:0:16}: segment 3" "store removal named"
# the wrong associated data: two streams swapped under each other's hash
store_copy; sqlite3 "$T2/store.db" "UPDATE blobs SET hash = x'00' WHERE hash = x'$F3'; UPDATE blobs SET hash = x'$F3' WHERE hash = x'$F4'; UPDATE blobs SET hash = x'$F4' WHERE hash = x'00'"
expect_exit 3 "store: streams under each other's hash" z evidence verify --case $CASE
contains "$W/out" "not_bound: $CASE ${RID:0:16}: segment 3" "wrong AD named (3)"
contains "$W/out" "not_bound: $CASE ${RID:0:16}: segment 4" "wrong AD named (4)"
expect_exit 3 "store: export refuses a stream that does not open" z evidence export --recording "$RID" --out "$W/exp2"

# An unexplained gap: the recorder stops without saying why.
expect_exit 0 "rec start (second)" y rec start --case $CASE --step case.measure --measure seal --feed "$A"
RID2=$(sed -n 's/^recording \([0-9a-f]*\) started.*/\1/p' "$W/out")
expect_exit 0 "rec take with a gap" env YZF_SIM_RECORDER=3000,gap:45000,3000,stop:battery:60000,3000 "$YZF" --home "$T" rec take --feed "$A"
contains "$W/err" "2 gap record(s)" "the take warns of the gaps"
expect_exit 3 "unexplained gap found" y evidence verify --case $CASE
contains "$W/out" "gap: $CASE ${RID2:0:16}: unexplained gap after segment 1" "unexplained gap named"
if grep -q "after segment 2" "$W/out"; then bad "the battery stop was explained by the recorder"; else ok; fi
expect_exit 1 "rec gap needs --after" y rec gap --reason battery --text x --feed "$A"
expect_exit 2 "rec gap needs a reason" y rec gap --after 1 --reason unknown --text x --feed "$A"
expect_exit 5 "rec gap where there is none" y rec gap --after 3 --reason battery --text x --feed "$A"
expect_exit 0 "rec gap explained" y rec gap --after 1 --reason storage --text "存储卡已满，更换后继续录像" --feed "$A"
expect_exit 0 "rec end (second)" y rec end --feed "$A"
expect_exit 0 "evidence verify: all explained" y evidence verify --case $CASE
expect_exit 0 "rec list" y rec list --case $CASE
check "two recordings" test "$(wc -l <"$W/out")" = 2

# The Linux recorder: a capture tool's folder watched through the linux
# port (inotify), on a terminal of its own on the real clock (the linux
# port's). A file counts once closed; temporary names are left alone;
# taken files are removed, their bytes now only in the store, encrypted.
L=$W/real
lx() { YZF_SIM_TIME= "$YZF" "$@"; }
mkdir -p "$L/cap"
check "real-clock authority" sh -c "YZF_SIM_TIME= '$YZF' authority init --dir '$L/city' --root-name 广东省人民政府 --city-name 广州市司法局 --region 440100 >/dev/null && YZF_SIM_TIME= '$YZF' authority trust --dir '$L/city' >'$L/trust.ndjson'"
check "linux terminal init" lx --home "$L/t" --port linux init --terminal GZ-T-0003 --trust "$L/trust.ndjson" --kdf-ops 1 --kdf-mem-mib 8
echo 135790 | lx --home "$L/t" --port linux enroll request --out "$L/req" >/dev/null 2>&1
check "linux officer certified" lx authority issue --dir "$L/city" --request "$L/req" --name 张明 --officer-no 44010020230001 --agency 广州市天河区市场监督管理局 --uscc $USCC_SCJG --out "$L/bundle"
LF=$(lx --home "$L/t" --port linux enroll complete --bundle "$L/bundle" | sed -n 's/^enrolled feed //p')
check "linux officer logs in" sh -c "echo 135790 | YZF_SIM_TIME= '$YZF' --home '$L/t' --port linux login --feed $LF >/dev/null"
printf 'segment one, written before the watch' >"$L/cap/0001.mp4"
expect_exit 0 "linux rec start" lx --home "$L/t" --port linux rec start --case C-20261127-0100 --step inspection.start --feed "$LF"
( sleep 0.3; printf 'segment two' >"$L/cap/0002.mp4"; printf 'part' >"$L/cap/.0003.mp4.part" ) &
expect_exit 0 "linux rec take --dir" lx --home "$L/t" --port linux rec take --dir "$L/cap" --wait 2 --feed "$LF"
wait
contains "$W/out" "took 2 segment(s)" "both closed files taken"
check "taken files removed" test ! -e "$L/cap/0001.mp4" -a ! -e "$L/cap/0002.mp4"
check "temporary file left alone" test -e "$L/cap/.0003.mp4.part"
expect_exit 1 "--dir needs the linux port" y rec take --dir "$L/cap" --feed "$A"
expect_exit 0 "linux rec end" lx --home "$L/t" --port linux rec end --feed "$LF"
expect_exit 0 "linux evidence verify" lx --home "$L/t" --port linux evidence verify
contains "$W/out" "ok: 2 blob(s)" "linux segments stored whole"

# The store's own verify still proves every feed whole.
expect_exit 0 "verify feeds" y verify
done_tests

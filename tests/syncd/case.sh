#!/usr/bin/env bash
# A case under the law across two terminals, through the real yzf-syncd:
# officer A (terminal 1) opens a general-procedure penalty case on a
# matter of the catalogue the city published, naming the team head H
# (terminal 2), who receives it without having written in it, files it
# and decides; officer O (terminal 3), not of the team, receives nothing; every step goes through the legal guards
# on the terminal that signs it, refusals cite the article and write
# nothing, and after syncing both terminals fold the case to the same
# state.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/syncd/city.sh"
city_up
check "terminal 1" make_terminal "$W/t1" GZ-T-0101
check "terminal 2" make_terminal "$W/t2" GZ-T-0102
check "terminal 3" make_terminal "$W/t3" GZ-T-0103
A=$(enroll "$W/t1" 135790 张明 44010020230001 广州市天河区市场监督管理局 $USCC_SCJG)
H=$(enroll "$W/t2" 246802 王刚 44010020230009 广州市天河区市场监督管理局 $USCC_SCJG officer,head)
O=$(enroll "$W/t3" 975310 李四 44010020230011 广州市天河区市场监督管理局 $USCC_SCJG)
login "$W/t1" 135790 "$A" && login "$W/t2" 246802 "$H" && login "$W/t3" 975310 "$O"
check "daemon starts" start_daemon
for set in laws matters benchmarks doctypes agencies; do
	check "publish $set" sh -c "'$YZF_SYNCD' --config '$W/syncd.ini' admin publish --name $set --file '$SRCDIR/data/refdata/$set.json' >/dev/null"
done
check "publish the calendar" sh -c "'$YZF_SYNCD' --config '$W/syncd.ini' admin publish --name calendar --file '$SRCDIR/data/calendar/calendar-cn.json' >/dev/null"
expect_exit 0 "terminal 1 syncs the catalogue" sync_to "$W/t1"
expect_exit 0 "terminal 2 syncs the catalogue" sync_to "$W/t2"
records() { sqlite3 "$1/store.db" "SELECT count(*) FROM records"; }
# step HOME CASE TYPE JSON
step() { echo "$4" | "$YZF" --home "$1" case step "$3" --case "$2"; }

# A matter outside the catalogue: refused, nothing written.
n=$(records "$W/t1")
expect_exit 5 "a case on a matter outside the catalogue" sh -c "echo '{\"kind\":\"PENALTY_ORDINARY\",\"matter\":\"XX-NONE-001\",\"party\":{\"kind\":\"legal_person\",\"name\":\"某公司\",\"id\":\"91440106MA5ANQ3R3W\"}}' | '$YZF' --home '$W/t1' case new"
contains "$W/err" "第十三条" "cites Measures art. 13"
check "nothing written" test "$(records "$W/t1")" = "$n"

expect_exit 0 "A opens the case" sh -c "echo '{\"kind\":\"PENALTY_ORDINARY\",\"matter\":\"SC-FOOD-003\",\"party\":{\"kind\":\"legal_person\",\"name\":\"广州市天河区禾丰食品店有限公司\",\"id\":\"91440106MA5ANQ3R3W\"},\"team\":[\"44010020230009\"]}' | '$YZF' --home '$W/t1' case new"
CASE=$(sed -n 's/^case.open seq [0-9]* case //p' "$W/out")
check "a case id" test -n "$CASE"
expect_exit 0 "terminal 1 syncs" sync_to "$W/t1"
# H is of the case's team: the city sends it before H wrote in it.
expect_exit 0 "terminal 2 syncs and pulls the case" sync_to "$W/t2"
contains "$W/out" "1 new records from other officers" "A's case.open reached terminal 2"
expect_exit 0 "terminal 3 syncs" sync_to "$W/t3"
check "an officer outside the team receives nothing of it" test "$(sqlite3 "$W/t3/store.db" "SELECT count(*) FROM records WHERE case_id = '$CASE'")" = 0
expect_exit 0 "H files the case" step "$W/t2" "$CASE" case.file '{"major":false}'
expect_exit 0 "terminal 2 syncs" sync_to "$W/t2"
expect_exit 0 "terminal 1 pulls the filing" sync_to "$W/t1"
expect_exit 0 "A notifies the party, a hearing offered" step "$W/t1" "$CASE" case.notify '{"penalty":"fine","amount_fen":6000000,"rights":["statement","defence","hearing"]}'
expect_exit 0 "terminal 1 syncs" sync_to "$W/t1"
expect_exit 0 "terminal 2 syncs" sync_to "$W/t2"
n=$(records "$W/t2")
expect_exit 6 "H may not decide while the hearing window is open" step "$W/t2" "$CASE" case.decide '{"penalty":"fine","amount_fen":6000000,"tier":"lighter"}'
contains "$W/err" "行政处罚法第六十四条" "cites the article"
check "nothing written" test "$(records "$W/t2")" = "$n"
expect_exit 0 "the party waives the hearing" step "$W/t1" "$CASE" case.hearing_request '{"choice":"waive"}'
expect_exit 0 "terminal 1 syncs" sync_to "$W/t1"
expect_exit 0 "terminal 2 syncs" sync_to "$W/t2"
n=$(records "$W/t1")
expect_exit 6 "A may not decide: the decision is the head's" step "$W/t1" "$CASE" case.decide '{"penalty":"fine","amount_fen":6000000,"tier":"lighter"}'
check "nothing written" test "$(records "$W/t1")" = "$n"
expect_exit 6 "a fine outside its benchmark tier needs a stated reason" step "$W/t2" "$CASE" case.decide '{"penalty":"fine","amount_fen":9000000,"tier":"lighter"}'
contains "$W/err" "第三十四条" "cites the article"
expect_exit 0 "H decides in the 从轻 tier" step "$W/t2" "$CASE" case.decide '{"penalty":"fine","amount_fen":6000000,"tier":"lighter"}'
DSEQ=$(sed -n 's/^case.decide seq \([0-9]*\).*/\1/p' "$W/out")
expect_exit 0 "terminal 2 syncs" sync_to "$W/t2"
expect_exit 0 "terminal 1 syncs" sync_to "$W/t1"
n=$(records "$W/t2")
expect_exit 5 "H has nothing to co-sign: the decision is H's own" "$YZF" --home "$W/t2" case cosign --case "$CASE"
contains "$W/err" "nothing in case" "says so"
check "nothing written" test "$(records "$W/t2")" = "$n"
expect_exit 0 "A co-signs the decision" "$YZF" --home "$W/t1" case cosign --case "$CASE"
contains "$W/out" "case.cosign seq" "a co-signature"
expect_exit 0 "the case's records" "$YZF" --home "$W/t1" log --case "$CASE"
contains "$W/out" "{\"feed\":\"$H\",\"seq\":$DSEQ}" "co-signs H's decision by feed and seq"
expect_exit 0 "A serves it on site" step "$W/t1" "$CASE" case.serve "{\"method\":\"on_site\",\"date\":\"$(TZ=Asia/Shanghai date +%F)\"}"
expect_exit 0 "terminal 1 syncs" sync_to "$W/t1"
expect_exit 0 "terminal 2 syncs" sync_to "$W/t2"
# The decision as a document: its 文号 from the block leased beforehand.
DOC='{"case_no":"穗天市监立〔2026〕8号","party":"广州市天河区禾丰食品店有限公司","facts":"经营超过保质期的饼干 12 包","penalty":"罚款人民币陆万元整"}'
expect_exit 0 "status warns: no 文号 leased yet" "$YZF" --home "$W/t2" status
contains "$W/out" "WARNING: no CFJD (行政处罚决定书) numbers leased" "told before going on site"
n=$(records "$W/t2")
expect_exit 5 "no number left: the document is refused" sh -c "echo '$DOC' | '$YZF' --home '$W/t2' doc issue --case '$CASE' --type CFJD"
contains "$W/err" "sync" "says to sync for more"
check "nothing written" test "$(records "$W/t2")" = "$n"
expect_exit 0 "H leases 5 numbers" "$YZF" --home "$W/t2" lease get --doc-type CFJD --count 5 --server "https://localhost:$PORT" --ca "$S/ca.crt"
expect_exit 2 "a field the template does not have" sh -c "echo '{\"colour\":\"红\"}' | '$YZF' --home '$W/t2' doc issue --case '$CASE' --type CFJD"
contains "$W/err" "colour: not a field of this document type's template" "names the field"
expect_exit 0 "numbers left untouched" "$YZF" --home "$W/t2" lease left --doc-type CFJD
contains "$W/out" "5" "still 5"
expect_exit 0 "H issues the decision document" sh -c "echo '$DOC' | '$YZF' --home '$W/t2' doc issue --case '$CASE' --type CFJD"
contains "$W/out" "issued CFJD 行政处罚决定书 $(TZ=Asia/Shanghai date +%Y) No. 1" "number 1"
expect_exit 0 "a second one takes the next number" sh -c "echo '$DOC' | '$YZF' --home '$W/t2' doc issue --case '$CASE' --type CFJD"
contains "$W/out" "No. 2" "number 2"
PSEQ=$(sed -n 's/^issued .*, seq \([0-9]*\)$/\1/p' "$W/out")
expect_exit 0 "the city's roster" "$YZF" authority roster --dir "$W/city" --out "$W/roster.ndjson"
# The document on paper: a preview of the very raster, a print to the
# sim port's printer (a doc.print record), a second print marked 补打, and
# its QR verified offline against the roster the city signs.
expect_exit 0 "preview the decision at 80 mm" "$YZF" --home "$W/t2" preview "$PSEQ" --png "$W/doc.png" --width 576
contains "$W/out" "QR version" "reports the QR version"
expect_exit 0 "the QR text a print would carry" "$YZF" --home "$W/t2" preview "$PSEQ" --png "$W/doc0.png" --text "$W/qr1.txt"
expect_exit 0 "print it" "$YZF" --home "$W/t2" print "$PSEQ" --printer "file:$W/doc.escpos" --cut
contains "$W/out" "doc.print seq" "the print is a record"
check "the printer got the stream" test -s "$W/doc.escpos"
expect_exit 0 "the QR text the next print would carry" "$YZF" --home "$W/t2" preview "$PSEQ" --png "$W/doc1.png" --text "$W/qr2.txt"
expect_exit 0 "print it again" "$YZF" --home "$W/t2" print "$PSEQ" --printer "file:$W/doc2.escpos"
contains "$W/out" "(补打)" "a reprint is marked"
# each receipt chains to the one printed before it: the first 8 bytes of
# BLAKE2b-256 of its payload and signature
expect_exit 0 "the next receipt" "$YZF" --home "$W/t2" preview "$PSEQ" --png "$W/doc3.png" --text "$W/qr3.txt"
chain() { python3 -c 'import hashlib,sys
A="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
t=open(sys.argv[1]).read()[4:]
b=bytearray()
for i in range(0,len(t),3):
    g=t[i:i+3]; v=sum(A.index(c)*45**k for k,c in enumerate(g))
    b+=v.to_bytes(2 if len(g)==3 else 1,"big")
print(hashlib.blake2b(bytes(b),digest_size=32).digest()[:8].hex())' "$1"; }
check "the chain value computed here" test "$(chain "$W/qr1.txt" | wc -c)" = 17
expect_exit 0 "verify the first print's receipt" "$YZF" verify-qr "$(cat "$W/qr1.txt")" --roster "$W/roster.ndjson" --trust "$W/trust.ndjson"
contains "$W/out" "chain     0000000000000000" "the first print starts the chain"
expect_exit 0 "verify the second print's receipt" "$YZF" verify-qr "$(cat "$W/qr2.txt")" --roster "$W/roster.ndjson" --trust "$W/trust.ndjson"
contains "$W/out" "chain     $(chain "$W/qr1.txt")" "the second chains to the first"
expect_exit 0 "verify the next receipt" "$YZF" verify-qr "$(cat "$W/qr3.txt")" --roster "$W/roster.ndjson" --trust "$W/trust.ndjson"
contains "$W/out" "chain     $(chain "$W/qr2.txt")" "the next chains to the second"
expect_exit 0 "a print noting the party's refusal and the fine taken in cash" "$YZF" --home "$W/t2" preview "$PSEQ" --png "$W/refused.png" --refused --cash
expect_exit 0 "its QR says both" "$YZF" verify-qr --png "$W/refused.png" --roster "$W/roster.ndjson" --trust "$W/trust.ndjson"
contains "$W/out" "refused-to-sign cash-collected reprint(补打)" "flags refused, cash, reprint"
expect_exit 0 "a print in the printer's own font (native text)" "$YZF" --home "$W/t2" print "$PSEQ" --native --printer "file:$W/native.escpos"
check "the title in GB18030 between FS & and FS ." sh -c "xxd -p '$W/native.escpos' | tr -d '\n' | grep -q \"1c26.*\$(printf '行政处罚决定书' | iconv -f UTF-8 -t GB18030 | xxd -p).*1c2e\""
check "the QR as raster bands" sh -c "xxd -p '$W/native.escpos' | tr -d '\n' | grep -q 1d763000"
n=$(records "$W/t2")
expect_exit 7 "a printer that drops off mid-page" env YZF_SIM_FAIL_PRINTER=1 "$YZF" --home "$W/t2" print "$PSEQ"
contains "$W/err" "part of the document" "says the paper may hold part of it"
check "no doc.print for a failed print" test "$(records "$W/t2")" = "$n"
check "the sim printer's default file got half" test -s "$W/t2/printer.escpos"
expect_exit 5 "a record that is not a document" "$YZF" --home "$W/t2" print 1 --printer "file:$W/no.escpos"
expect_exit 0 "the QR verifies offline" "$YZF" verify-qr --png "$W/doc.png" --roster "$W/roster.ndjson" --trust "$W/trust.ndjson"
contains "$W/out" "GENUINE" "genuine"
contains "$W/out" "王刚" "names the signer"
contains "$W/out" "CFJD〔" "and the number"
expect_exit 0 "doc show" "$YZF" --home "$W/t2" doc show --case "$CASE"
check "both documents, as data" test "$(grep -c '"doctype":"CFJD"' "$W/out")" = 2
contains "$W/out" '"number":{"year":' "with their numbers"
expect_exit 0 "terminal 2 syncs" sync_to "$W/t2"
expect_exit 0 "terminal 1 syncs" sync_to "$W/t1"
"$YZF" --home "$W/t1" --json case show "$CASE" >"$W/fold1"; rc1=$?
"$YZF" --home "$W/t2" --json case show "$CASE" >"$W/fold2"; rc2=$?
check "both fold without flags" test "$rc1$rc2" = 00
check "both terminals fold the case to the same state" cmp -s "$W/fold1" "$W/fold2"
expect_exit 0 "the city folds the case it holds" "$YZF_SYNCD" --config "$W/syncd.ini" admin case "$CASE"
cp "$W/out" "$W/fold0"
check "the city's fold equals each terminal's" cmp -s "$W/fold0" "$W/fold1"
expect_exit 1 "a case the city does not hold" "$YZF_SYNCD" --config "$W/syncd.ini" admin case C-NONE
contains "$W/err" "holds no record of case C-NONE" "says so"
contains "$W/fold1" '"amount_fen":6000000' "the decision"
expect_exit 0 "case show" "$YZF" --home "$W/t2" case show "$CASE"
contains "$W/out" "case.decide          feed" "the decision step"
contains "$W/out" "cosigned" "co-signed by a second officer"
contains "$W/out" "calendar       version 1" "deadlines name the calendar they came from"
expect_exit 0 "deadlines" "$YZF" --home "$W/t1" case deadlines
contains "$W/out" "$CASE" "the case listed"

# The simple procedure is for small fines only.
expect_exit 0 "a simple-procedure case" sh -c "echo '{\"kind\":\"PENALTY_SIMPLE\",\"matter\":\"SC-FOOD-003\",\"party\":{\"kind\":\"legal_person\",\"name\":\"某便利店有限公司\",\"id\":\"91440106MA5ANQ3R3W\"}}' | '$YZF' --home '$W/t1' case new"
SIMPLE=$(sed -n 's/^case.open seq [0-9]* case //p' "$W/out")
n=$(records "$W/t1")
expect_exit 6 "a 5,000-yuan fine in the simple procedure" step "$W/t1" "$SIMPLE" case.notify '{"penalty":"fine","amount_fen":500000,"rights":["statement","defence"]}'
contains "$W/err" "行政处罚法第五十一条" "cites the article"
check "nothing written" test "$(records "$W/t1")" = "$n"
# refuse HOME CASE TYPE JSON ARTICLE WHAT: refused citing ARTICLE, nothing written
refuse() {
	local n; n=$(records "$1")
	expect_exit 6 "$6" step "$1" "$2" "$3" "$4"
	contains "$W/err" "$5" "cites $5"
	check "nothing written" test "$(records "$1")" = "$n"
}
refuse "$W/t1" "$SIMPLE" case.decide '{"penalty":"fine","amount_fen":10000,"tier":"lighter"}' "第四十四条" "no decision before the party is told"

# A major case H runs alone on terminal 2: 立案, 告知, no review yet.
expect_exit 0 "H opens a case" sh -c "echo '{\"kind\":\"PENALTY_ORDINARY\",\"matter\":\"SC-FOOD-003\",\"party\":{\"kind\":\"legal_person\",\"name\":\"某超市有限公司\",\"id\":\"91440106MA5ANQ3R3W\"}}' | '$YZF' --home '$W/t2' case new"
MAJOR=$(sed -n 's/^case.open seq [0-9]* case //p' "$W/out")
expect_exit 0 "H files it as major" step "$W/t2" "$MAJOR" case.file '{"major":true}'
refuse "$W/t2" "$MAJOR" case.notify '{"penalty":"fine","amount_fen":10000000,"rights":["statement","defence"]}' "第六十三条" "a 100,000-yuan fine must be told with the right to a hearing"
expect_exit 0 "H notifies, a hearing offered" step "$W/t2" "$MAJOR" case.notify '{"penalty":"fine","amount_fen":10000000,"rights":["statement","defence","hearing"]}'
expect_exit 0 "the party waives the hearing" step "$W/t2" "$MAJOR" case.hearing_request '{"choice":"waive"}'
refuse "$W/t2" "$MAJOR" case.decide '{"penalty":"fine","amount_fen":10000000,"tier":"heavier"}' "第五十八条" "a major case is not decided before its legal review"
# The head approves, on the head's own terminal, A's location off; it
# reaches A's terminal and A turns location off under it.
expect_exit 0 "H approves A's location off for 2 hours" "$YZF" --home "$W/t2" location approve --for 44010020230001 --hours 2 --reason 涉密单位检查
expect_exit 0 "terminal 2 syncs" sync_to "$W/t2"
expect_exit 0 "terminal 1 syncs" sync_to "$W/t1"
expect_exit 0 "A turns location off" "$YZF" --home "$W/t1" location off --reason 涉密单位
contains "$W/out" "under the head's approval" "under H's approval"
expect_exit 5 "status: the lock, then no receiver on this terminal" "$YZF" --home "$W/t1" location status
contains "$W/out" "approval in force: loc.approve ${H:0:16}" "names H's approval"
expect_exit 0 "A turns it on" "$YZF" --home "$W/t1" location on
expect_exit 6 "O is not the head: O's approval is refused" "$YZF" --home "$W/t3" location approve --for 44010020230001 --hours 2 --reason 自批
contains "$W/err" "第二十一条" "cites the article"
refuse "$W/t2" "$CASE" case.cosign "{\"feed\":\"$H\",\"seq\":$DSEQ}" "第四十二条" "an officer does not co-sign their own decision"
# A revoked officer's terminal signs no more receipts; what was printed
# before the revocation stays genuine against the new roster.
serial=$(grep -o '"serial":"[0-9a-f]*"' "$W/bundle.44010020230009" | tail -1 | cut -d'"' -f4)
sleep 1.1   # receipts carry whole seconds: a revocation in the same second counts as before
expect_exit 0 "the city revokes H" "$YZF_SYNCD" --config "$W/syncd.ini" admin revoke --serial "$serial" --reason "执法证注销"
sleep 1.2   # the daemon looks at the authority's files at most once a second
sync_to "$W/t2" --retries 0 >/dev/null 2>&1
expect_exit 6 "H's terminal prints no more receipts" "$YZF" --home "$W/t2" preview "$PSEQ" --png "$W/late.png"
contains "$W/err" "revoked" "says why"
expect_exit 0 "the roster with the revocation" "$YZF" authority roster --dir "$W/city" --out "$W/roster2.ndjson"
expect_exit 0 "the decision printed before stays genuine" "$YZF" verify-qr --png "$W/doc.png" --roster "$W/roster2.ndjson" --trust "$W/trust.ndjson"
contains "$W/out" "GENUINE" "genuine"
stop_daemon
done_tests

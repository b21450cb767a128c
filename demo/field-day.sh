#!/usr/bin/env bash
# The main job: a city authority, its sync daemon (yzf-syncd on loopback,
# TLS 1.2, an embedded SQLite store) and two simulated handheld terminals,
# one per officer, doing a morning's field work end to end, printing what
# happened.
#
#   demo/field-day.sh [BUILD_DIR]      (default: build)
#
# Everything happens in a fresh directory under /tmp (printed at the end)
# with the simulated port (Beijing time, files for the key store) and a
# daemon on a free loopback port. Nothing touches ~/.yzf.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
YZF=$build/device/yzf
[ -x "$YZF" ] || { echo "no $YZF: build first (meson setup build && ninja -C build)"; exit 1; }
W=$(mktemp -d /tmp/yzf-field-day.XXXXXX)
[ -n "${YZF_DEMO_CLEAN:-}" ] && trap 'rm -rf "$W"' EXIT
export YZF_PORT=sim
unset YZF_SIM_TIME  # the city's daemon judges request times by its real clock
SYNCD=$build/syncd/net/yzf-syncd
T=$W/terminal
T2=$W/terminal-2
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*" | sed "s|$SYNCD|yzf-syncd|g; s|$YZF|yzf|g; s|$W/||g; s|${A:-none}|<张明的feed>|g; s|${B:-none}|<李华的feed>|g"; "$@"; }
# A terminal syncs: pushes its feed, pulls what colleagues did in its cases.
synced() { printf '$ yzf --home %s sync   (%s)\n' "$(basename "$1")" "$2"; "$YZF" --home "$1" sync >/dev/null; }

# The terminals' receiver: a BeiDou+GPS fix at 天河路385号, as NMEA 0183
# sentences (checksums computed), replayed by the sim port.
python3 - "$W/tianhe.nmea" <<'PY'
import sys
def line(body):
    c=0
    for ch in body: c^=ord(ch)
    return "$%s*%02X\r\n" % (body, c)
out=[]
for i in range(5):
    t="0100%02d.00" % i
    out.append(line("GNGGA,%s,2308.25072,N,11319.86144,E,1,14,0.7,38.0,M,-6.3,M,," % t))
    out.append(line("GNRMC,%s,A,2308.25072,N,11319.86144,E,0.0,0.0,271126,,,A" % t))
    out.append(line("GNGSA,A,3,02,05,12,15,24,29,,,,,,,1.2,0.7,1.0,1"))
    out.append(line("GNGSA,A,3,201,203,206,208,210,213,216,223,,,,,1.2,0.7,1.0,4"))
open(sys.argv[1],"w").write("".join(out))
PY
export YZF_SIM_GPS=$W/tianhe.nmea

say "City: the province root and Guangzhou's issuing key (in $W/city)"
run "$YZF" authority init --dir "$W/city" --root-name 广东省人民政府 \
	--city-name 广州市司法局 --region 440100
"$YZF" authority trust --dir "$W/city" >"$W/trust.ndjson"

say "The city's sync daemon: TLS 1.2 on loopback, an embedded SQLite store"
run "$SYNCD" init --dir "$W/syncd"
cat >"$W/syncd.ini" <<INI
[server]
listen = 127.0.0.1
port = 0
data_dir = $W/syncd
authority_dir = $W/city
INI
"$SYNCD" --config "$W/syncd.ini" 2>"$W/syncd.log" &
SYNCD_PID=$!
trap 'kill $SYNCD_PID 2>/dev/null' EXIT
[ -n "${YZF_DEMO_CLEAN:-}" ] && trap 'kill $SYNCD_PID 2>/dev/null; rm -rf "$W"' EXIT
for _ in $(seq 1 100); do
	PORT=$(sed -n 's/.*listening on .*:\([0-9][0-9]*\).*/\1/p' "$W/syncd.log" 2>/dev/null | head -1)
	[ -n "$PORT" ] && break
	sleep 0.1
done
URL=https://localhost:$PORT
echo "yzf-syncd listening on 127.0.0.1:$PORT"

say "City ops make one-time enrollment codes for two officers"
code() { "$SYNCD" --config "$W/syncd.ini" admin enroll-code --name "$1" \
	--officer-no "$2" --agency 广州市天河区市场监督管理局 \
	--uscc 11440106MB2C492807 "${@:3}" 2>/dev/null; }
CODE_A=$(code 张明 44010020230001)
CODE_B=$(code 李华 44010020230002 --roles officer,head)
echo "张明 (44010020230001): $CODE_A"
echo "李华 (44010020230002): $CODE_B"

say "Terminal GZ-TH-0042 enrolls 张明 online: trust bundle, key made here, certificate"
echo 135790 | run "$YZF" --home "$T" enroll online --server "$URL" \
	--ca "$W/syncd/ca.crt" --code "$CODE_A" --terminal GZ-TH-0042
A=$("$YZF" --home "$T" --json status | grep -o '"feed":"[0-9a-f]*"' | head -1 | cut -d'"' -f4)
echo 135790 | run "$YZF" --home "$T" login --officer 44010020230001
say "李华 enrolls on her own terminal, GZ-TH-0043"
echo 246802 | run "$YZF" --home "$T2" enroll online --server "$URL" \
	--ca "$W/syncd/ca.crt" --code "$CODE_B" --terminal GZ-TH-0043
B=$("$YZF" --home "$T2" --json status | grep -o '"feed":"[0-9a-f]*"' | head -1 | cut -d'"' -f4)
echo 246802 | run "$YZF" --home "$T2" login --officer 44010020230002

say "On site: 天河路385号, a food shop. Two officers, credentials shown."
CASE=C-20261127-TH-0007
run "$YZF" --home "$T" append inspection.start --officer 44010020230001 --case $CASE \
	--loc 23.1375120,113.3310240,450 <<JSON
{"kind":"routine","matter":"SC-FOOD-008","place":"广州市天河区天河路385号首层",
 "party":{"kind":"legal_person","name":"广州市天河区禾丰食品店有限公司",
          "uscc":"91440106MA5ANQ3R3W","present":"店长 陈某"},
 "credentials_shown":true,"co_officer":"$B"}
JSON
echo '{"item":"食品经营许可证公示","result":"violation","finding":"未在经营场所显著位置公示食品经营许可证"}' |
	run "$YZF" --home "$T" append inspection.item --officer 44010020230001 --case $CASE --loc 23.1375122,113.3310251,380
echo '{"item":"预包装食品保质期","result":"violation","finding":"货架上有超过保质期的饼干","quantity":6,"value_fen":5940}' |
	run "$YZF" --home "$T" append inspection.item --officer 44010020230001 --case $CASE --loc 23.1375119,113.3310245,400
echo '{"item":"从业人员健康证明","result":"compliant"}' |
	run "$YZF" --home "$T" append inspection.item --officer 44010020230001 --case $CASE --loc 23.1375121,113.3310248,410
echo '{"text":"已拍照固定超期饼干6包，当事人在场。"}' |
	run "$YZF" --home "$T2" append note --officer 44010020230002 --case $CASE --loc 23.1375118,113.3310239,520
echo '{"outcome":"order_correction","summary":"责令立即下架超过保质期食品并公示许可证，三日内复查。","items":3,"party_signed":true}' |
	run "$YZF" --home "$T" append inspection.end --officer 44010020230001 --case $CASE --loc 23.1375120,113.3310240,450

say "The officer types a wrong field: refused with the field named, nothing written"
echo '{"item":"索证索票","result":"unclear"}' |
	run "$YZF" --home "$T" append inspection.item --officer 44010020230001 --case $CASE || echo "(exit $?: refused)"

say "One record in full"
run "$YZF" --home "$T" show 3 --officer 44010020230001

say "Every feed proven whole: signatures, chain, seq, certificates, head"
run "$YZF" --home "$T" verify
say "Terminal status"
run "$YZF" --home "$T" status

say "City ops publish the matters catalogue (data/refdata): each set signed, each publication a signed index naming them all"
for set in laws matters benchmarks doctypes agencies; do
	(cd "$here" && run "$SYNCD" --config "$W/syncd.ini" admin publish \
		--name $set --file data/refdata/$set.json)
done
(cd "$here" && run "$SYNCD" --config "$W/syncd.ini" admin publish \
	--name calendar --file data/calendar/calendar-cn.json)

say "Back in network: each terminal sends its officer's feed to the city, trusting only the city's CA"
run "$YZF" --home "$T" sync
run "$YZF" --home "$T2" sync
synced "$T" "张明's terminal receives 李华's note of the inspection they share"
say "The inspection, across both officers' feeds, on 张明's terminal"
run "$YZF" --home "$T" log --case $CASE
say "Reference data held: the city's index, its expiry (judged on attested time), each set"
run "$YZF" --home "$T" refdata
run "$YZF" --home "$T" sync --status
say "Back at the shop's shelf: which matter, on what legal basis, and where a fine would fall"
run "$YZF" --home "$T" catalog search 保质期
run "$YZF" --home "$T" catalog show SC-FOOD-003
run "$YZF" --home "$T" catalog tier SC-FOOD-003 60000
echo "city store: $(sqlite3 "$W/syncd/store.db" 'SELECT count(*) FROM records') records from $(sqlite3 "$W/syncd/store.db" 'SELECT count(*) FROM feeds WHERE head_seq > 0') feeds"
say "The expired biscuits: a general-procedure penalty case on matter SC-FOOD-003, 张明 and 李华 (who also heads the team) its officers"
printf '$ yzf --home terminal case new --officer 44010020230001 <<JSON (case.open)\n'
PEN=$("$YZF" --home "$T" case new --officer 44010020230001 <<JSON | sed -n 's/^case.open seq [0-9]* case //p'
{"kind":"PENALTY_ORDINARY","matter":"SC-FOOD-003",
 "party":{"kind":"legal_person","name":"广州市天河区禾丰食品店有限公司","id":"91440106MA5ANQ3R3W"},
 "team":["44010020230002"]}
JSON
)
echo "opened case $PEN"
synced "$T" "the case goes to the city"
synced "$T2" "the city sends it to 李华, named in its team"
echo '{"major":false,"summary":"经营超过保质期的饼干 12 包"}' | run "$YZF" --home "$T2" case step case.file --case "$PEN" --officer 44010020230002
synced "$T2" "立案 goes up"; synced "$T" "and reaches 张明"
echo '{"penalty":"fine","amount_fen":6000000,"rights":["statement","defence","hearing"]}' |
	run "$YZF" --home "$T" case step case.notify --case "$PEN" --officer 44010020230001
synced "$T" "the notice goes up"; synced "$T2" "and reaches 李华"
say "A decision the same day is refused: the party has 5 working days to ask for a hearing"
echo '{"penalty":"fine","amount_fen":6000000,"tier":"lighter"}' |
	run "$YZF" --home "$T2" case step case.decide --case "$PEN" --officer 44010020230002 || true
say "The party waives the hearing in writing; 李华 decides (从轻 tier of the benchmark), 张明 co-signs on his terminal"
echo '{"choice":"waive"}' | run "$YZF" --home "$T" case step case.hearing_request --case "$PEN" --officer 44010020230001
synced "$T" "the waiver goes up"; synced "$T2" "and reaches 李华"
echo '{"penalty":"fine","amount_fen":6000000,"tier":"lighter"}' |
	run "$YZF" --home "$T2" case step case.decide --case "$PEN" --officer 44010020230002
say "The decision as a document (data now, printed later): its 文号 from a block leased before going on site"
run "$YZF" --home "$T2" lease get --doc-type CFJD --count 10 --officer 44010020230002
echo '{"party":"广州市天河区禾丰食品店有限公司","party_id":"91440106MA5ANQ3R3W","facts":"经营超过保质期的饼干 12 包（保质期至 2026-11-20）","violated":"《中华人民共和国食品安全法》第三十四条第十项","penalty_basis":"《中华人民共和国食品安全法》第一百二十四条第一款","penalty":"罚款人民币陆万元整（从轻）","fine":"60000元"}' |
	run "$YZF" --home "$T2" doc issue --case "$PEN" --type CFJD --officer 44010020230002 | tee "$W/doc.out"
DOCSEQ=$(sed -n 's/^issued .*, seq \([0-9]*\)$/\1/p' "$W/doc.out")
say "The decision on paper: a PNG preview of exactly the raster, then ESC/POS to the (simulated) 58 mm printer; the print is a record"
run "$YZF" --home "$T2" preview "$DOCSEQ" --png "$W/decision.png" --officer 44010020230002
run "$YZF" --home "$T2" print "$DOCSEQ" --printer "file:$W/decision.escpos" --officer 44010020230002
say "Anyone can check the paper offline: the QR read from the PNG, against the roster the city signs"
"$YZF" authority roster --dir "$W/city" --out "$W/roster.ndjson"
run "$YZF" verify-qr --png "$W/decision.png" --roster "$W/roster.ndjson" --trust "$W/trust.ndjson"
synced "$T2" "the decision and its print go up"; synced "$T" "and reach 张明"
run "$YZF" --home "$T" case cosign --case "$PEN" --officer 44010020230001
say "Service (送达): 张明 prints a 送达回证; the signed receipt, photographed, is evidence and completes service on the date the recipient wrote"
echo '{"document":"行政处罚决定书 CFJD〔2026〕1号","recipient":"广州市天河区禾丰食品店有限公司","address":"广州市天河区天河路385号首层","method":"直接送达","server":"张明 44010020230001"}' |
	run "$YZF" --home "$T" doc issue --case "$PEN" --type SDHZ --officer 44010020230001 | tee "$W/sdhz.out"
SDHZ=$(sed -n 's/^issued .*, seq \([0-9]*\)$/\1/p' "$W/sdhz.out")
run "$YZF" --home "$T" print "$SDHZ" --printer "file:$W/receipt.escpos" --officer 44010020230001
run "$YZF" --home "$T" preview "$SDHZ" --png "$W/receipt.png" --officer 44010020230001 >/dev/null
head -c 600000 /dev/urandom >"$W/IMG_0044-signed-receipt.jpg"
run "$YZF" --home "$T" evidence add "$W/IMG_0044-signed-receipt.jpg" --case "$PEN" --kind scan --note 送达回证 --officer 44010020230001 | tee "$W/receipt.out"
RECEIPT=$(sed -n 's/^evidence \([0-9a-f]*\) .*/\1/p' "$W/receipt.out")
echo "{\"method\":\"direct\",\"date\":\"$(TZ=Asia/Shanghai date +%F)\",\"receipt\":\"$RECEIPT\"}" |
	run "$YZF" --home "$T" case step case.serve --case "$PEN" --officer 44010020230001
echo '{"amount_fen":6000000,"method":"bank"}' | run "$YZF" --home "$T" case step case.pay --case "$PEN" --officer 44010020230001
synced "$T" "co-signature, service and payment go up"; synced "$T2" "and reach 李华"
echo '{"result":"executed"}' | run "$YZF" --home "$T2" case step case.close --case "$PEN" --officer 44010020230002
synced "$T2" "结案 goes up"; synced "$T" "and reaches 张明"
run "$YZF" --home "$T" case show "$PEN"
run "$YZF" --home "$T" case deadlines
say "Both terminals and the city fold the same records to the same case, byte for byte"
"$YZF" --home "$T" --json case show "$PEN" >"$W/case-T.json"
"$YZF" --home "$T2" --json case show "$PEN" >"$W/case-T2.json"
"$SYNCD" --config "$W/syncd.ini" admin case "$PEN" >"$W/case-city.json"
cmp "$W/case-T.json" "$W/case-T2.json" && cmp "$W/case-T.json" "$W/case-city.json" &&
	echo "GZ-TH-0042, GZ-TH-0043 and the city: $(wc -c <"$W/case-T.json") identical bytes, stage $(sed -n 's/.*"stage":"\([a-z_.]*\)".*/\1/p' "$W/case-T.json")"
say "A petrol station's pump area: devices are forbidden there, so the inspection goes to paper (平台办法第二十二条)"
run "$YZF" --home "$T2" lease get --doc-type P-XCJCBL --count 50 --officer 44010020230002
run "$YZF" --home "$T2" paper start --ground devices_forbidden --text "加油区禁止使用移动电子设备" --place "广州市天河区中山大道西加油站" --officer 44010020230002 | tee "$W/paper-start.out"
EP=$(sed -n 's/^paper episode \(P-[0-9a-f-]*\) started.*/\1/p' "$W/paper-start.out")
sleep 1
ACT=$(TZ=Asia/Shanghai date +%Y-%m-%dT%H:%M:%S.000+08:00); YEAR=${ACT:0:4}
echo "[{\"doctype\":\"XCJCBL\",\"serial\":{\"year\":$YEAR,\"no\":8},\"at\":\"$ACT\"}]" >"$W/paper-docs.json"
run "$YZF" --home "$T2" paper end --docs "$W/paper-docs.json" --officer 44010020230002
say "Back at the car: the status reminds her what is to be entered, and by when"
run "$YZF" --home "$T2" status
say "She enters the paper record with a photo of the signed form: in time"
head -c 300000 /dev/urandom >"$W/paper-form-8.jpg"
FORM=$(b2sum -l 256 "$W/paper-form-8.jpg" | cut -d' ' -f1)
echo "{\"episode\":\"$EP\",\"doctype\":\"XCJCBL\",\"serial\":{\"year\":$YEAR,\"no\":8},\"at\":\"$ACT\",\"party\":{\"kind\":\"legal_person\",\"name\":\"广州市天河区某加油站有限公司\",\"id\":\"91440106MA5ANQ3R3W\"},\"facts\":\"加油区消防器材配备齐全，未发现违法行为\",\"photos\":[\"$FORM\"]}" |
	run "$YZF" --home "$T2" paper backfill --officer 44010020230002
say "张明 enters a form from last week's platform outage, never recorded then: accepted, flagged late"
OLD_ACT=$(TZ=Asia/Shanghai date -d '8 days ago' +%Y-%m-%dT10:00:00.000+08:00)
OLD_EP="P-$(TZ=Asia/Shanghai date -d '8 days ago' +%Y%m%d)-00000000a001"
echo "{\"episode\":\"$OLD_EP\",\"doctype\":\"ZLGZ\",\"serial\":{\"year\":${OLD_ACT:0:4},\"no\":31},\"at\":\"$OLD_ACT\",\"party\":{\"kind\":\"sole_trader\",\"name\":\"天河区某五金店\"},\"facts\":\"占道经营，责令当日改正\",\"photos\":[\"$FORM\"]}" |
	run "$YZF" --home "$T" paper backfill --officer 44010020230001
run "$YZF" --home "$T2" blob push "$W/paper-form-8.jpg" --officer 44010020230002 >/dev/null
"$YZF" --home "$T" sync >/dev/null; "$YZF" --home "$T2" sync >/dev/null
run "$YZF" --home "$T" paper list || true
say "Location stays on (平台办法第二十一条): at a classified unit 李华, as head, approves location off for that inspection only"
SECRET=C-$(TZ=Asia/Shanghai date +%Y%m%d)-TH-0011
echo '{"kind":"special","matter":"SC-FOOD-008","place":"天河区某涉密单位食堂","party":{"kind":"legal_person","name":"某涉密单位","uscc":"91440106MA5ANQ3R3W","present":"后勤主任"},"credentials_shown":true}' |
	run "$YZF" --home "$T" append inspection.start --case "$SECRET" --officer 44010020230001
synced "$T" "the inspection goes up"
run "$YZF" --home "$T2" location approve --case "$SECRET" --hours 2 --reason "涉密单位内部检查" --officer 44010020230002
synced "$T2" "the approval goes up"; synced "$T" "and reaches 张明, who works that case"
run "$YZF" --home "$T" location off --case "$SECRET" --reason "进入涉密区域" --officer 44010020230001
echo '{"text":"食堂检查完毕，未发现问题"}' | run "$YZF" --home "$T" append note --case "$SECRET" --officer 44010020230001
run "$YZF" --home "$T" location on --officer 44010020230001
say "Later he turns it off with no approval: it is still written, a violation is recorded, what he does meanwhile is flagged"
run "$YZF" --home "$T" location off --reason "手机发热" --officer 44010020230001
echo '{"text":"路边巡查"}' | run "$YZF" --home "$T" append note --case C-20261127-TH-0007 --officer 44010020230001
run "$YZF" --home "$T" location on --officer 44010020230001
run "$YZF" --home "$T" location log --officer 44010020230001 | tail -10 || true
say "Whole-process recording (全过程记录) of the food-shop inspection: segments hashed as written, chained, signed"
run "$YZF" --home "$T" rec start --case C-20261127-TH-0007 --step inspection.item --officer 44010020230001
YZF_SIM_RECORDER=400000,400000,stop:battery:40000,400000 run "$YZF" --home "$T" rec take --officer 44010020230001 || true
run "$YZF" --home "$T" rec gap --after 2 --reason battery --text "执法记录仪电量耗尽，更换电池" --officer 44010020230001
run "$YZF" --home "$T" rec end --officer 44010020230001
say "The photo of the expired biscuits as evidence: stored encrypted by its hash, linked to the case"
head -c 800000 /dev/urandom >"$W/IMG_0043.jpg"
run "$YZF" --home "$T" evidence add "$W/IMG_0043.jpg" --case C-20261127-TH-0007 --kind photo --officer 44010020230001
run "$YZF" --home "$T" evidence verify --case C-20261127-TH-0007
run "$YZF" --home "$T" blob push --evidence --officer 44010020230001 | tail -1
say "The city signed what it holds: a Merkle log checkpoint, checked by the terminal"
run "$YZF" --home "$T" trust status
"$SYNCD" --config "$W/syncd.ini" admin checkpoint >"$W/audit-old.ckpt"
say "A photo of the expired biscuits goes up as evidence, by hash, resumable"
head -c 1500000 /dev/urandom >"$W/IMG_0042.jpg"
run "$YZF" --home "$T2" blob push "$W/IMG_0042.jpg" --officer 44010020230002
say "Document numbers for offline printing: a block leased, one taken"
run "$YZF" --home "$T" lease get --doc-type ZLGZ --count 20 --officer 44010020230001
run "$YZF" --home "$T" lease take --doc-type ZLGZ --officer 44010020230001

say "An auditor kept the city's checkpoint of that morning; later, offline, the city only grew"
OLD_SIZE=$(sed -n 's/.*"size":\([0-9]*\).*/\1/p' "$W/audit-old.ckpt")
echo '{"text":"复查：已整改"}' | "$YZF" --home "$T" append note --case "$CASE" --officer 44010020230001 >/dev/null
"$YZF" --home "$T" sync >/dev/null
"$SYNCD" --config "$W/syncd.ini" admin checkpoint --from "$OLD_SIZE" >"$W/audit-new.json"
run "$YZF" trust consistency --trust "$W/trust.ndjson" "$W/audit-old.ckpt" "$W/audit-new.json"
say "Someone edits the store behind the terminal's back"
sqlite3 "$T/store.db" "UPDATE records SET type = 'note' WHERE feed = X'$A' AND seq = 2"
run "$YZF" --home "$T" verify || echo "(exit $?: damage found and named)"
sqlite3 "$T/store.db" "UPDATE records SET type = 'inspection.item' WHERE feed = X'$A' AND seq = 2"

say "A reviewer's terminal receives the signed feed and verifies it independently"
R=$W/reviewer
"$YZF" --home "$R" init --terminal GZ-TH-0050 --trust "$W/trust.ndjson" >/dev/null
echo 864200 | "$YZF" --home "$R" enroll request --out "$W/req.r" 2>/dev/null
"$YZF" authority issue --dir "$W/city" --request "$W/req.r" --name 赵审 \
	--officer-no 44010020230009 --agency 广州市天河区市场监督管理局 \
	--uscc 11440106MB2C492807 --roles officer,reviewer --out "$W/bundle.r" 2>/dev/null
V=$("$YZF" --home "$R" enroll complete --bundle "$W/bundle.r" | sed -n 's/^enrolled feed //p')
echo 864200 | "$YZF" --home "$R" login --feed "$V" >/dev/null
run "$YZF" --home "$T" export --officer 44010020230001 --out "$W/feed-A.ndjson"
run "$YZF" --home "$R" import "$W/feed-A.ndjson"
run "$YZF" --home "$R" verify --feed "$A"

say "End of shift: the terminal is lost; the city wipes it remotely (here: locally)"
run "$YZF" --home "$T" wipe --yes
echo 135790 | run "$YZF" --home "$T" login --officer 44010020230001 || echo "(exit $?: no keys left)"
say "The city alone can still open and verify what the terminal held"
run "$YZF" authority recover --dir "$W/city" --store-home "$T"
echo
echo "All state is in $W"

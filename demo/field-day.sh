#!/usr/bin/env bash
# The main job: a city authority and a simulated handheld terminal doing a
# morning's field work, end to end, printing what happened.
#
#   demo/field-day.sh [BUILD_DIR]      (default: build)
#
# Everything happens in a fresh directory under /tmp (printed at the start)
# with the simulated port: a settable clock in Beijing time, files for the
# key store. Nothing touches ~/.yzf.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
YZF=$build/device/yzf
[ -x "$YZF" ] || { echo "no $YZF: build first (meson setup build && ninja -C build)"; exit 1; }
W=$(mktemp -d /tmp/yzf-field-day.XXXXXX)
[ -n "${YZF_DEMO_CLEAN:-}" ] && trap 'rm -rf "$W"' EXIT
export YZF_PORT=sim YZF_SIM_TIME=2026-11-27T09:00:00.000+08:00
T=$W/terminal
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*" | sed "s|$YZF|yzf|g; s|$W/||g; s|${A:-none}|<张明的feed>|g"; "$@"; }

say "City: the province root and Guangzhou's issuing key (in $W/city)"
run "$YZF" authority init --dir "$W/city" --root-name 广东省人民政府 \
	--city-name 广州市司法局 --region 440100
"$YZF" authority trust --dir "$W/city" >"$W/trust.ndjson"

say "Terminal GZ-TH-0042 pins the city's trust bundle"
run "$YZF" --home "$T" init --terminal GZ-TH-0042 --trust "$W/trust.ndjson" \
	--max-pin-failures 5

enroll() { # PIN NAME NO
	echo "$1" | "$YZF" --home "$T" enroll request --out "$W/req.$3" 2>/dev/null
	run "$YZF" authority issue --dir "$W/city" --request "$W/req.$3" >&2 \
		--name "$2" --officer-no "$3" --agency 广州市天河区市场监督管理局 \
		--uscc 11440106MB2C492807 --out "$W/bundle.$3" 2>&1
	"$YZF" --home "$T" enroll complete --bundle "$W/bundle.$3" |
		sed -n 's/^enrolled feed //p'
}
say "Officer 张明 makes his feed key on the terminal; the city certifies it"
A=$(enroll 135790 张明 44010020230001)
echo "feed $A"
echo 135790 | run "$YZF" --home "$T" login --officer 44010020230001
say "Officer 李华 enrolls while 张明 is logged in (the store's data key opens only with a PIN)"
B=$(enroll 246802 李华 44010020230002)
echo "feed $B"
echo 246802 | run "$YZF" --home "$T" login --officer 44010020230002

say "On site: 天河路385号, a food shop. Two officers, credentials shown."
CASE=C-20261127-TH-0007
at() { export YZF_SIM_TIME=2026-11-27T$1.000+08:00; }
at 09:12:00
run "$YZF" --home "$T" append inspection.start --officer 44010020230001 --case $CASE \
	--loc 23.1375120,113.3310240,450 <<JSON
{"kind":"routine","matter":"SCJG-SP-0101","place":"广州市天河区天河路385号首层",
 "party":{"kind":"legal_person","name":"广州市天河区禾丰食品店有限公司",
          "uscc":"91440106MA5ANQ3R3W","present":"店长 陈某"},
 "credentials_shown":true,"co_officer":"$B"}
JSON
at 09:18:30
echo '{"item":"食品经营许可证公示","result":"violation","finding":"未在经营场所显著位置公示食品经营许可证"}' |
	run "$YZF" --home "$T" append inspection.item --officer 44010020230001 --case $CASE --loc 23.1375122,113.3310251,380
at 09:24:10
echo '{"item":"预包装食品保质期","result":"violation","finding":"货架上有超过保质期的饼干","quantity":6,"value_fen":5940}' |
	run "$YZF" --home "$T" append inspection.item --officer 44010020230001 --case $CASE --loc 23.1375119,113.3310245,400
at 09:27:45
echo '{"item":"从业人员健康证明","result":"compliant"}' |
	run "$YZF" --home "$T" append inspection.item --officer 44010020230001 --case $CASE --loc 23.1375121,113.3310248,410
at 09:31:00
echo '{"text":"已拍照固定超期饼干6包，当事人在场。"}' |
	run "$YZF" --home "$T" append note --officer 44010020230002 --case $CASE --loc 23.1375118,113.3310239,520
at 09:40:20
echo '{"outcome":"order_correction","summary":"责令立即下架超过保质期食品并公示许可证，三日内复查。","items":3,"party_signed":true}' |
	run "$YZF" --home "$T" append inspection.end --officer 44010020230001 --case $CASE --loc 23.1375120,113.3310240,450

say "The officer types a wrong field: refused with the field named, nothing written"
at 09:41:00
echo '{"item":"索证索票","result":"unclear"}' |
	run "$YZF" --home "$T" append inspection.item --officer 44010020230001 --case $CASE || echo "(exit $?: refused)"

say "The case, across both officers' feeds"
run "$YZF" --home "$T" log --case $CASE
say "One record in full"
run "$YZF" --home "$T" show 3 --officer 44010020230001

say "Every feed proven whole: signatures, chain, seq, certificates, head"
run "$YZF" --home "$T" verify
say "Terminal status"
run "$YZF" --home "$T" status

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

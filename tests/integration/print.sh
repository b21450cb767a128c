#!/usr/bin/env bash
# The QR codes of the golden documents (tests/data/print, made by
# test_print) read by a real decoder, zbarimg, and verified offline by
# `yzf verify-qr` against the roster alone: as printed, and as a phone
# camera sees thermal paper (blurred by 1.5 dots, then at half the
# resolution, ImageMagick). Then the refusals, each with its reason.
. "$SRCDIR/tests/integration/lib.sh"
D=$SRCDIR/tests/data/print
NOW=2026-11-28T10:00:00.000+08:00
verify() { "$YZF" verify-qr "$@" --roster "$D/roster.ndjson" --trust "$D/trust.ndjson" --now "$NOW"; }
command -v zbarimg >/dev/null || { echo "zbarimg missing (Debian zbar-tools)"; exit 77; }
command -v convert >/dev/null || { echo "convert missing (Debian imagemagick)"; exit 77; }

for png in "$D"/*.png; do
	name=$(basename "$png" .png)
	want=$(sed -n "s/^$name //p" "$D/qr.txt")
	got=$(zbarimg --raw -q "$png" 2>/dev/null)
	check "$name: zbarimg reads exactly the signed text" test "$got" = "$want"
	expect_exit 0 "$name: verifies from the PNG" verify --png "$png"
	contains "$W/out" "GENUINE" "$name: genuine"
	contains "$W/out" "张明" "$name: names the signer"
	contains "$W/out" "roster    signed 2026-11-20" "$name: says the roster's date"
	contains "$W/out" "8 days old" "$name: and its age"
	convert "$png" -blur 0x1.5 -resize 50% "$W/cam.png" 2>/dev/null
	expect_exit 0 "$name: verifies blurred and at half resolution" verify --png "$W/cam.png"
	contains "$W/out" "GENUINE" "$name: genuine as a camera sees it"
done

QR=$(sed -n 's/^DCCFJD-384 //p' "$D/qr.txt")
expect_exit 0 "the decision's text" verify "$QR"
contains "$W/out" "amount    ¥600.00 (陆佰元整)" "the amount in figures and capitals"
contains "$W/out" "officer   李华 44010020230002" "the second officer, from the roster"
contains "$W/out" "party     张*明" "the party masked"
REPRINT=$(sed -n 's/^DCCFJD-576 //p' "$D/qr.txt")
expect_exit 0 "the reprint's text" verify "$REPRINT"
contains "$W/out" "reprint(补打)" "says it is a reprint"

# one changed character
BAD=$(echo "$QR" | sed 's/^\(ZF1:.\{40\}\)./\1Q/')
[ "$BAD" != "$QR" ] || BAD=$(echo "$QR" | sed 's/^\(ZF1:.\{40\}\)./\1R/')
expect_exit 3 "one changed character" verify "$BAD"
contains "$W/out" "REFUSED: signature" "refused: the signature"
# truncated
expect_exit 3 "a truncated text (whole groups)" verify "${QR:0:121}"
contains "$W/out" "REFUSED: length" "refused: the length"
contains "$W/out" "truncated" "says truncated"
expect_exit 3 "not a receipt" verify "HC1:NCFOXN%TS3DH"
contains "$W/out" "REFUSED: not a yzf receipt" "refused: the prefix"
# a roster that is not the city's, or damaged
sed 's/张明/张朋/' "$D/roster.ndjson" >"$W/forged.ndjson"
expect_exit 3 "a changed roster" "$YZF" verify-qr "$QR" --roster "$W/forged.ndjson" --trust "$D/trust.ndjson"
head -n 3 "$D/roster.ndjson" >"$W/cut.ndjson"
expect_exit 3 "a cut roster" "$YZF" verify-qr "$QR" --roster "$W/cut.ndjson" --trust "$D/trust.ndjson"
contains "$W/err" "no roster header" "says why"
done_tests

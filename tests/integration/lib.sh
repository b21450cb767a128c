# Shared set-up for the integration tests: a city authority, a simulated
# terminal and enrolled officers, all in a temporary directory. Each test
# counts its checks and ends with the "N passed, N failed" line.
set -u
: "${YZF:?path of the yzf program}"
export YZF_PORT=sim
export YZF_SIM_TIME=${YZF_SIM_TIME:-2026-11-27T09:00:00.000+08:00}
W=$(mktemp -d /tmp/yzf-test.XXXXXX)
trap 'rm -rf "$W"' EXIT
PASS=0
FAIL=0

ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*" >&2; }
# check DESCRIPTION COMMAND...: the command must succeed
check() { local d=$1; shift; if "$@"; then ok; else bad "$d"; fi; }
# expect_exit CODE DESCRIPTION COMMAND...
expect_exit() {
	local want=$1 d=$2; shift 2
	"$@" >"$W/out" 2>"$W/err"
	local got=$?
	if [ "$got" = "$want" ]; then ok; else
		bad "$d: exit $got, expected $want; stderr: $(cat "$W/err")"; fi
}
# contains FILE TEXT DESCRIPTION
contains() { if grep -qF -- "$2" "$1"; then ok; else bad "$3: '$2' not in $(cat "$1")"; fi; }
done_tests() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" = 0 ]; }

# Valid 统一社会信用代码 (GB 32100 check characters computed).
USCC_SCJG=11440106MB2C492807   # a district 市场监督管理局
USCC_CGZF=11440100MB2D09370Q   # a 城市管理综合执法局

# make_authority: city authority in $W/city, trust bundle in $W/trust.ndjson
make_authority() {
	"$YZF" authority init --dir "$W/city" --root-name 广东省人民政府 \
		--city-name 广州市司法局 --region 440100 >/dev/null &&
	"$YZF" authority trust --dir "$W/city" >"$W/trust.ndjson"
}

# make_terminal HOME ID [extra init args]
make_terminal() {
	local home=$1 id=$2; shift 2
	"$YZF" --home "$home" init --terminal "$id" --trust "$W/trust.ndjson" \
		--kdf-ops 1 --kdf-mem-mib 8 "$@" >/dev/null
}

# enroll HOME PIN NAME NO AGENCY USCC [ROLES]: prints the feed id
enroll() {
	local home=$1 pin=$2 name=$3 no=$4 agency=$5 uscc=$6 roles=${7:-}
	echo "$pin" | "$YZF" --home "$home" enroll request --out "$W/req.$no" \
		2>/dev/null || return 1
	"$YZF" authority issue --dir "$W/city" --request "$W/req.$no" \
		--name "$name" --officer-no "$no" --agency "$agency" \
		--uscc "$uscc" ${roles:+--roles "$roles"} --out "$W/bundle.$no" \
		2>/dev/null || return 1
	"$YZF" --home "$home" enroll complete --bundle "$W/bundle.$no" |
		sed -n 's/^enrolled feed //p'
}

login() { echo "$2" | "$YZF" --home "$1" login --feed "$3" >/dev/null; }

# append_n HOME FEED N CASE: N inspection items
append_n() {
	local i
	for i in $(seq 1 "$3"); do
		echo "{\"item\":\"检查项 $i\",\"result\":\"compliant\"}" |
			"$YZF" --home "$1" append inspection.item --feed "$2" \
				--case "$4" >/dev/null || return 1
	done
}

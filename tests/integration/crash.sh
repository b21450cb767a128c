#!/usr/bin/env bash
# Crash test: 200 SIGKILLs at random moments of appending; afterwards the
# feed verifies and every acknowledged record is present.
. "$(dirname "$0")/lib.sh"
: "${CRASH_APPEND:?}"
T=$W/t
make_authority && make_terminal "$T" GZ-T-0010 || { echo "setup failed"; exit 1; }
A=$(enroll "$T" 135790 张明 44010020230001 广州市天河区市场监督管理局 $USCC_SCJG)
login "$T" 135790 "$A" || { echo "login failed"; exit 1; }
"$CRASH_APPEND" "$T" "$A" "${CRASH_RUNS:-200}"

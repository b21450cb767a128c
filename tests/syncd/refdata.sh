#!/usr/bin/env bash
# Reference data end to end, on loopback with the real yzf-syncd: the city
# publishes sets, each publication a new signed snapshot index; terminals
# take the index and its sets all or nothing. A city store rolled back,
# an index re-signed under a version already given out, and a set that is
# not the one the index names are refused with the rule named, nothing
# kept, while the records still go up. An expired index is flagged, and
# judged on the city's attested time: a terminal clock set a year back
# (libfaketime) does not make it current again.
. "$SRCDIR/tests/integration/lib.sh"
. "$SRCDIR/tests/syncd/city.sh"
admin() { "$YZF_SYNCD" --config "$W/syncd.ini" admin "$@"; }
db() { sqlite3 "$S/store.db" "$@"; }
held_index() { sqlite3 "$1/store.db" "SELECT coalesce((SELECT version FROM refindex), 0)"; }
# A terminal's wall clock a year back (libfaketime); with an ASan build the
# preloaded library comes before the sanitizer's, which ASan must accept.
a_year_back() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		faketime -f '-1y' "$@"
}

city_up
check "terminal 1" make_terminal "$W/t1" GZ-T-0101
check "terminal 2" make_terminal "$W/t2" GZ-T-0102
A=$(enroll "$W/t1" 135790 张明 44010020230001 广州市天河区市场监督管理局 $USCC_SCJG)
B=$(enroll "$W/t2" 246802 李华 44010020230002 广州市天河区市场监督管理局 $USCC_SCJG)
login "$W/t1" 135790 "$A" && login "$W/t2" 246802 "$B"
check "daemon starts" start_daemon

# Nothing published yet: nothing to take, nothing to warn about.
expect_exit 0 "sync before any publication" sync_to "$W/t1"
check "no reference data mentioned" test "$(grep -c "reference data" "$W/out" "$W/err" | awk -F: '{s += $2} END {print s}')" = 0
expect_exit 0 "refdata before any" "$YZF" --home "$W/t1" refdata
contains "$W/out" "no reference data index held" "says so"

# Publish v1 and v2: each publication is a new index.
printf '{"matters":["SCJG-SP-0101"]}' >"$W/matters.json"
expect_exit 0 "publish matters v1" admin publish --name matters --file "$W/matters.json"
contains "$W/out" "published matters version 1" "version 1"
contains "$W/out" "index version 1 names 1 sets" "index 1"
printf '{"matters":["SCJG-SP-0101","SCJG-SP-0102"]}' >"$W/matters.json"
expect_exit 0 "publish matters v2" admin publish --name matters --file "$W/matters.json"
contains "$W/out" "index version 2 names 1 sets, expires" "index 2"
expect_exit 1 "a bad expiry is refused" admin publish --name matters --file "$W/matters.json" --expires-days -1
contains "$W/err" "--expires-days: a whole number of days, 0 to 3650" "the option is named"
expect_exit 1 "a bad set name is refused" admin publish --name Matters --file "$W/matters.json"
contains "$W/err" "--name is [a-z][a-z0-9_-]{0,31}" "the rule is named"
check "nothing published by the refusals" test "$(db 'SELECT count(*) FROM refdata'),$(db 'SELECT max(version) FROM refindex')" = "2,2"

expect_exit 0 "terminal 1 syncs" sync_to "$W/t1"
contains "$W/out" "reference data index version 2 (expires" "the index taken"
contains "$W/out" "reference data: matters version 2" "the newest set only"
check "terminal 1 holds index 2" test "$(held_index "$W/t1")" = 2
expect_exit 0 "refdata" "$YZF" --home "$W/t1" refdata
contains "$W/out" "index version 2, signed" "the index shown"
contains "$W/out" ": valid (attested time now" "current, on attested time"
contains "$W/out" "as the index names it" "the set matches"
check "no warning" test ! -s "$W/err"
expect_exit 0 "refdata --json" "$YZF" --home "$W/t1" --json refdata
contains "$W/out" '"index":{"version":2,' "JSON index"
contains "$W/out" '"expired":false,"judged_on":"attested"' "JSON expiry and its clock"
contains "$W/out" '"name":"matters","version":2,' "JSON set"
contains "$W/out" '"index_version":2,"matches_index":true' "JSON set against the index"
expect_exit 0 "sync again" sync_to "$W/t1"
check "nothing taken twice" test "$(grep -c "reference data" "$W/out")" = 0

# Another set: only it travels.
printf 'law text' >"$W/laws.txt"
expect_exit 0 "publish laws v1" admin publish --name laws --file "$W/laws.txt"
contains "$W/out" "index version 3 names 2 sets" "index 3 names both"
expect_exit 0 "terminal 1 takes index 3" sync_to "$W/t1"
contains "$W/out" "reference data: laws version 1" "laws"
check "matters not sent again" test "$(grep -c "reference data: matters" "$W/out")" = 0
check "terminal 1 holds index 3" test "$(held_index "$W/t1")" = 3

# The city's store rolled back to index 2 (an operator or an attacker
# restoring an old copy): refused, nothing kept, the records still go up.
db "DROP TRIGGER refindex_keep_d; DELETE FROM refindex WHERE version = 3"
append_n "$W/t1" "$A" 2 C-REF-1
expect_exit 6 "rollback refused" sync_to "$W/t1"
contains "$W/err" "reference data refused: reference data index: version 2 is older than the version 3 held: rollback refused [ESTATE]; nothing was kept, the next sync retries" "the rule and versions named"
check "the push went on" test "$(server_count "$A")" = 2
check "terminal 1 still holds index 3" test "$(held_index "$W/t1")" = 3
expect_exit 6 "refused again on the next sync" sync_to "$W/t1"
contains "$W/err" "rollback refused" "retried and refused"

# The city signs another index 3 (the same version, other bytes): the
# terminal that holds the first one refuses it.
expect_exit 0 "publish-index" admin publish-index
contains "$W/out" "index version 3 names 2 sets" "a second index 3"
expect_exit 6 "same version, other bytes refused" sync_to "$W/t1"
contains "$W/err" "reference data index: version 3 differs from the version 3 held: same version, different bytes refused" "named"
expect_exit 0 "publish-index renews" admin publish-index
contains "$W/out" "index version 4 names 2 sets" "index 4"
expect_exit 0 "terminal 1 takes index 4" sync_to "$W/t1"
contains "$W/out" "reference data index version 4" "taken"
check "terminal 1 holds index 4" test "$(held_index "$W/t1")" = 4

# laws v2 published, then its row lost from the city's store: index 5
# names laws v2 but the city can only send laws v1.
printf 'law text, amended' >"$W/laws.txt"
expect_exit 0 "publish laws v2" admin publish --name laws --file "$W/laws.txt"
contains "$W/out" "index version 5" "index 5"
db "DROP TRIGGER refdata_keep_d; DELETE FROM refdata WHERE name = 'laws' AND version = 2"
expect_exit 2 "mix-and-match refused on a fresh terminal" sync_to "$W/t2"
contains "$W/err" "reference data laws: version 1 is not the version 2 that index version 5 names: mix-and-match refused [EINVAL]" "named"
check "terminal 2 kept nothing, not even matters" test "$(held_index "$W/t2"),$(sqlite3 "$W/t2/store.db" 'SELECT count(*) FROM refdata')" = "0,0"
# terminal 1 holds laws v1 already: index 5 is taken, laws flagged stale
expect_exit 0 "terminal 1 takes index 5" sync_to "$W/t1"
contains "$W/err" "warning: 1 reference data sets held are stale (not as index version 5 names them)" "stale warned"
expect_exit 0 "refdata shows the stale set" "$YZF" --home "$W/t1" refdata
contains "$W/out" "STALE: the index names version 2" "stale named"
# the city publishes laws again (v2 is taken): both terminals current
expect_exit 0 "publish laws again" admin publish --name laws --file "$W/laws.txt"
contains "$W/out" "published laws version 2" "the lost version is published again"
expect_exit 0 "terminal 2 takes everything" sync_to "$W/t2"
contains "$W/out" "reference data: laws version 2" "laws"
contains "$W/out" "reference data: matters version 2" "matters"
expect_exit 0 "terminal 1 catches up" sync_to "$W/t1"
check "no warning left" test "$(grep -c warning "$W/err")" = 0

# Expiry: an index signed to expire at once. The sync flags it on the
# city's attested time; a clock set a year back changes nothing.
expect_exit 0 "publish-index --expires-days 0" admin publish-index --expires-days 0
IX=$(db 'SELECT max(version) FROM refindex')
expect_exit 0 "the sync takes it and warns" sync_to "$W/t1"
contains "$W/err" "yzf sync: warning: reference data index version $IX EXPIRED at" "the sync warns"
contains "$W/err" "(attested time now" "on attested time"
expect_exit 0 "refdata flags it" "$YZF" --home "$W/t1" refdata
contains "$W/out" "index version $IX, signed" "the index held"
contains "$W/out" ": EXPIRED (attested time now" "expired on attested time"
contains "$W/err" "yzf refdata: warning: reference data index version $IX EXPIRED" "warned"
if command -v faketime >/dev/null; then
	this_year=$(date +%Y)
	check "faketime sets the clock a year back" test "$(a_year_back date +%Y)" = $((this_year - 1))
	# The wall clock set back, the monotonic clock running on (what an
	# officer changing the date does): now is the attested time carried
	# forward, this year, not the clock's.
	expect_exit 0 "refdata with the clock a year back" \
		a_year_back env FAKETIME_DONT_FAKE_MONOTONIC=1 "$YZF" --home "$W/t1" --json refdata
	contains "$W/out" '"expired":true,"judged_on":"attested"' "still expired, on attested time"
	contains "$W/out" "\"now\":\"$this_year-" "attested now is this year, not the clock's"
	expect_exit 0 "trust status with the clock a year back" \
		a_year_back env FAKETIME_DONT_FAKE_MONOTONIC=1 "$YZF" --home "$W/t1" trust status
	contains "$W/out" "refdata:       index version $IX, EXPIRED" "shows the index expired"
	contains "$W/out" "(by the attested time)" "judged on attested time"
	contains "$W/out" "attested time: $this_year-" "and the attested time"
	# faketime's default also moves the monotonic clock (to the faked
	# wall time): a jump that can only make the index look older.
	expect_exit 0 "refdata with both clocks faked" a_year_back "$YZF" --home "$W/t1" refdata
	contains "$W/out" ": EXPIRED (attested time now" "expired"
	contains "$W/err" "yzf refdata: warning: reference data index version $IX EXPIRED" "warned"
else
	bad "faketime is not installed (Debian package faketime, .ci/packages)"
fi
# renewed: current again
expect_exit 0 "publish-index renews" admin publish-index --expires-days 30
expect_exit 0 "the renewed index is taken" sync_to "$W/t1"
check "no warning" test "$(grep -c warning "$W/err")" = 0
expect_exit 0 "refdata" "$YZF" --home "$W/t1" refdata
contains "$W/out" ": valid (attested time now" "valid again"
stop_daemon
done_tests

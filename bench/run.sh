#!/usr/bin/env bash
# bench/run.sh — the append benchmark: the timing table, then instructions
# per batched record under callgrind, for libyzf and for the raw primitives
# (cJSON + BLAKE2b + Ed25519 + one INSERT). Builds nothing.
#
#   bench/run.sh [path/to/append]        default build/bench/append
#
# Instruction counts, unlike times, do not drift with the disk or with
# neighbours on the machine, so they are the figure to compare across
# commits. BENCH_CG_RECORDS (default 5000) sets the records counted after a
# warm-up of 1,000; BENCH_CG_DIR keeps the callgrind.out files there (for
# callgrind_annotate). Exits 0 whatever the figures; non-zero only if a run
# fails.
set -euo pipefail

bin=${1:-build/bench/append}
records=${BENCH_CG_RECORDS:-5000}
if [[ ! -x $bin ]]; then
	echo "run.sh: $bin: no such program (build it: ninja -C build)" >&2
	exit 2
fi

"$bin"
echo

if ! command -v valgrind >/dev/null; then
	echo "3. instructions per batched record: valgrind not installed, skipped"
	exit 0
fi
if [[ -n ${BENCH_CG_DIR:-} ]]; then
	out=$BENCH_CG_DIR
	mkdir -p "$out"
else
	out=$(mktemp -d)
	trap 'rm -rf "$out"' EXIT
fi

# Collect only inside the measured loop, bench_<mode>_batches. When the
# program was built with <valgrind/callgrind.h> it also switches
# instrumentation on only around that loop, which spares the set-up
# (Argon2id, the warm-up) the slow instrumented run.
instr=()
if "$bin" --client-requests; then
	instr=(--instr-atstart=no)
fi

# Prints the Ir counted for one mode.
count() {
	local mode=$1 f="$out/callgrind.out.$1"
	if ! valgrind --tool=callgrind "${instr[@]}" --collect-atstart=no \
		--toggle-collect="bench_${mode}_batches*" --callgrind-out-file="$f" \
		"$bin" --callgrind "$mode" --records "$records" \
		>"$out/log.$mode" 2>&1; then
		echo "run.sh: callgrind run of $mode failed:" >&2
		cat "$out/log.$mode" >&2
		return 1
	fi
	grep -q "^records $records\$" "$out/log.$mode" || {
		echo "run.sh: $mode did not report $records records" >&2
		return 1
	}
	# totals: is what was collected; summary: can be 0 when collection is
	# toggled (it covers only the span before the first toggle).
	local ir
	ir=$(awk '/^totals:/ { t = $2 } /^summary:/ { s = $2 }
		END { print (t != "" ? t : s) + 0 }' "$f")
	if [[ $ir -eq 0 ]]; then
		echo "run.sh: callgrind counted nothing for $mode ($f)" >&2
		return 1
	fi
	echo "$ir"
}

yzf=$(count yzf)
raw=$(count raw)
awk -v y="$yzf" -v r="$raw" -v n="$records" 'BEGIN {
	ratio = y / r
	printf "%-38s %11s %11s %7s   %-14s\n", "measure", "libyzf", "raw",
		"ratio", "goal"
	printf "%-38s %11.0f %11.0f %7.2f   %-14s %s\n",
		"3. instructions per batched record", y / n, r / n, ratio,
		"ratio <= 1.30", ratio <= 1.3 ? "met" : "NOT met"
	printf "   (callgrind Ir over %d records in batches of 1,000, after a " \
		"warm-up of 1,000)\n", n
}'
if [[ -n ${BENCH_CG_DIR:-} ]]; then
	echo "   callgrind files in $out: callgrind_annotate" \
		"$out/callgrind.out.yzf"
fi

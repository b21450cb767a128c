#!/usr/bin/env bash
# Run one libFuzzer target briefly: first replay every committed input
# (seeds and past finds) once, then fuzz for SECONDS on a scratch copy of
# the corpus, so the source tree is never written.
#   run.sh FUZZER CORPUS_DIR SECONDS
set -eu
fuzzer=$1 corpus=$2 secs=$3
scratch=$(mktemp -d /tmp/yzf-fuzz.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
if [ -d "$corpus" ] && [ -n "$(ls -A "$corpus")" ]; then
	"$fuzzer" -runs=0 "$corpus"/*
	cp "$corpus"/* "$scratch"/
fi
"$fuzzer" -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$scratch/" "$scratch"

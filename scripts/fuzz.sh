#!/usr/bin/env bash
# Run the libFuzzer targets of fuzz/ (fuzz/README.md), one at a time, each for a set
# time over a copy of its seed corpus (fuzz/corpus/<name>/ never grows here).
#
#   scripts/fuzz.sh [--seconds N] [--build-dir DIR] [NAME...]
#
# N: seconds per fuzzer (default 60; `make fuzz` 60, `make fuzz-ci` 10). NAMEs:
# some of the fuzzers (default all, the names of fuzz/CMakeLists.txt). DIR: the
# build with the fuzzers (default build/asan; `cmake --preset asan` makes it,
# `make fuzz` builds them). Each fuzzer works in DIR/run/<name>/ (corpus/: the copy, grown by
# the run; crashes/: what it found; log). A finding is a crash, a sanitizer
# report, an uncaught exception, an input taking over 2 s (-timeout=2), over
# 2048 MB (-rss_limit_mb, -malloc_limit_mb) or a leak. Prints per fuzzer the
# executions, seconds, executions per second and crashes; exits 1 when any
# fuzzer found one, naming the input it kept (copy it to fuzz/regressions/<name>/
# once the code is fixed: ctest fuzz_replay_<name> replays it).
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=60
build=build/asan
names=()
while [ $# -gt 0 ]; do
    case "$1" in
    --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
    --build-dir) build="${2:?--build-dir needs a folder}"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) names+=("$1"); shift ;;
    esac
done
case "$seconds" in ''|*[!0-9]*) echo "fuzz.sh: --seconds expects a whole number, got \"$seconds\"" >&2; exit 2 ;; esac
if [ ${#names[@]} -eq 0 ]; then
    for d in fuzz/corpus/*/; do names+=("$(basename "$d")"); done
fi

status=0
rows=()
for name in "${names[@]}"; do
    bin="$build/bin/${name}_fuzz"
    if [ ! -x "$bin" ] || [ ! -d "fuzz/corpus/$name" ]; then
        echo "fuzz.sh: no fuzzer \"$name\" ($bin, fuzz/corpus/$name/); build with: cmake --preset asan && cmake --build $build --target ${name}_fuzz" >&2
        exit 2
    fi
    work="$build/run/$name"
    rm -rf "$work"
    mkdir -p "$work/corpus" "$work/crashes"
    cp -R "fuzz/corpus/$name/." "$work/corpus/"
    echo "== $name: $seconds s (log: $work/log)"
    start=$(date +%s)
    # Each input has a fresh process state only in the sense of libFuzzer's; the
    # sanitizers stop at the first report (-fno-sanitize-recover, halt_on_error).
    ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}" \
    UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
        "$bin" -max_total_time="$seconds" -timeout=2 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$work/crashes/" "$work/corpus" >"$work/log" 2>&1
    rc=$?
    elapsed=$(( $(date +%s) - start ))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)
    if [ -z "$execs" ]; then # a crash ends the run before the final stats
        execs=$(grep -oE '^#[0-9]+' "$work/log" | tail -1 | tr -d '#')
    fi
    execs=${execs:-0}
    [ -n "$rate" ] || rate=$(( elapsed > 0 ? execs / elapsed : execs ))
    crashes=$(find "$work/crashes" -type f | wc -l)
    if [ "$rc" -ne 0 ] || [ "$crashes" -gt 0 ]; then
        status=1
        [ "$crashes" -gt 0 ] || crashes="?"
        echo "   FOUND (exit $rc): $(grep -m1 -E 'ERROR: |runtime error|==ERROR|deadly signal|uncaught' "$work/log" | cut -c1-200)"
        for f in "$work/crashes"/*; do [ -e "$f" ] && echo "   kept: $f"; done
    fi
    rows+=("$(printf '%-14s %12s %8s %10s %8s' "$name" "$execs" "$elapsed" "$rate" "$crashes")")
done

printf '\n%-14s %12s %8s %10s %8s\n' fuzzer executions seconds "exec/s" crashes
printf '%s\n' "${rows[@]}"
exit $status

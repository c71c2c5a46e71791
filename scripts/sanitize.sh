#!/usr/bin/env bash
# The sanitizer runs of CI (.ci/run), on their own build trees (CMakePresets.json):
#   scripts/sanitize.sh asan   every target under AddressSanitizer + UndefinedBehaviorSanitizer
#                              (clang-14; the fuzzers of fuzz/ too), then the whole ctest (build/asan)
#   scripts/sanitize.sh tsan   the programs of the tests that run cases in parallel (ctest label
#                              "parallel": every `sockconf run` of the suites, its worker pool of
#                              32 jobs, the process driver's IUTs) under ThreadSanitizer, then
#                              those tests (build/tsan)
# A finding fails the test it happened in (the presets' *SAN_OPTIONS halt on the first report);
# ctest prints its output. Prints how long the build and the tests took.
# Environment: JOBS (default: nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-}"
jobs="${JOBS:-$(nproc)}"
case "$kind" in
  asan) targets=(all); select=() ;;
  # Every program a "parallel" test runs.
  tsan) targets=(sockconf sockconf-ref-adapter); select=(-L parallel) ;;
  -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "usage: scripts/sanitize.sh asan|tsan (see --help)" >&2; exit 2 ;;
esac

t0=$(date +%s)
cmake --preset "$kind" >/dev/null
cmake --build --preset "$kind" -j "$jobs" --target "${targets[@]}"
t1=$(date +%s)
echo "sanitize $kind: built in $((t1 - t0)) s"
status=0
ctest --preset "$kind" -j "$jobs" "${select[@]}" || status=$?
t2=$(date +%s)
echo "sanitize $kind: ctest in $((t2 - t1)) s (exit $status); $((t2 - t0)) s in all"
exit "$status"

#!/usr/bin/env bash
# Mutation check of the suites: break the reference on purpose, one documented rule at
# a time (scripts/mutants/NN-name.patch), rebuild `sockconf`, run the suites, and check
# that at least one case fails. Prints one line per mutant:
#   NN-name  KILLED by <case ids>     a case FAILed (or ERROR/TIMEOUT) that passes unmutated; each
#                                     case with the check that decided it: [file#pointer] or [INV-…]
#   NN-name  SURVIVED                 every case still conforms (a case whose grade only moved,
#                                     e.g. PASS -> NON-STRICT, is named in parentheses)
#   NN-name  BUILD FAILED / DOES NOT APPLY
# Exit: 0 every mutant killed, 1 one survived (or did not build/apply), 2 usage or the
# unmutated reference does not pass.
#
# Usage: scripts/mutants.sh [--build-dir DIR] [--jobs N] [--home DIR] [--suites PATH ...] [MUTANT ...]
#   MUTANT: a patch path, its file name, its number (07) or its name (slot-kept-after-local-close);
#   none: every scripts/mutants/*.patch.
#   --build-dir DIR  work folder (default /tmp/sockconf-mutants): DIR/src is a copy of the tree
#                    that the patches are applied to, DIR/build its CMake build, DIR/runs the
#                    reports and logs. Reused between runs (only what a patch touches recompiles).
#   --jobs N         passed to `sockconf run --jobs`.
#   --home DIR       specs/ and suites/ to run (default: this tree), e.g. a copy with proposed clauses.
#   --suites PATH    only these case files (repeatable; the patches' filters are then ignored):
#                    checks that a proposed case passes unmutated and kills the mutant.
# Environment: MUTANTS_BUILD_JOBS (2), MUTANTS_CXX_FLAGS ("-O1 -DNDEBUG": about half the compile
# time of -O2 -g), MUTANTS_RUN_TIMEOUT (600 s per sockconf run), MUTANTS_BUILD_TIMEOUT (1800 s).
#
# Patch header: lines before the first `diff --git` (git apply ignores them):
#   # mutant: what the broken reference does        # rule: clause id (seed, quote)
#   # profile: wechat | path/to/profile.json        (one line per profile to run; default wechat)
#   # filter: glob[,glob]                           (optional, for every profile)
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MUT_DIR=$ROOT/scripts/mutants
WORK=/tmp/sockconf-mutants
RUN_JOBS=""
HOME_DIR=""
SUITES=()
BUILD_JOBS=${MUTANTS_BUILD_JOBS:-2}
CXX_FLAGS=${MUTANTS_CXX_FLAGS:--O1 -DNDEBUG}
RUN_TIMEOUT=${MUTANTS_RUN_TIMEOUT:-600}
BUILD_TIMEOUT=${MUTANTS_BUILD_TIMEOUT:-1800}

usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-2}"; }

names=()
while [ $# -gt 0 ]; do
  case $1 in
    --build-dir) WORK=${2:?--build-dir needs a folder}; shift 2 ;;
    --jobs) RUN_JOBS=${2:?--jobs needs a number}; shift 2 ;;
    --home) HOME_DIR=$(cd "${2:?--home needs a folder}" && pwd) || exit 2; shift 2 ;;
    --suites) SUITES+=("$(cd "$(dirname "${2:?--suites needs a path}")" && pwd)/$(basename "$2")") || exit 2; shift 2 ;;
    -h|--help) usage 0 ;;
    -*) echo "mutants: unknown option $1" >&2; usage ;;
    *) names+=("$1"); shift ;;
  esac
done

# ---- which patches -----------------------------------------------------------
patches=()
if [ ${#names[@]} -eq 0 ]; then
  for p in "$MUT_DIR"/*.patch; do [ -e "$p" ] && patches+=("$p"); done
else
  for n in "${names[@]}"; do
    if [ -f "$n" ]; then patches+=("$(cd "$(dirname "$n")" && pwd)/$(basename "$n")"); continue; fi
    n=${n%.patch}
    found=$(ls "$MUT_DIR"/"$n".patch "$MUT_DIR"/"$n"-*.patch "$MUT_DIR"/[0-9][0-9]-"$n".patch 2>/dev/null | head -1)
    [ -n "$found" ] || { echo "mutants: no patch named $n in $MUT_DIR" >&2; exit 2; }
    patches+=("$found")
  done
fi
[ ${#patches[@]} -gt 0 ] || { echo "mutants: no patches in $MUT_DIR" >&2; exit 2; }

SRC=$WORK/src
BLD=$WORK/build
RUNS=$WORK/runs
mkdir -p "$SRC" "$BLD" "$RUNS"
exec 9>"$WORK/.lock"
flock -n 9 || { echo "mutants: $WORK is in use by another run" >&2; exit 2; }

t_start=$(date +%s)
applied=""
revert() {
  if [ -n "$applied" ]; then
    (cd "$SRC" && git apply -R "$applied") || echo "mutants: could not revert $applied in $SRC (the next run re-syncs it)" >&2
    applied=""
  fi
}
trap 'revert; echo "mutants: interrupted" >&2; exit 130' INT TERM

# The copy: every tracked file of the tree as it is now (uncommitted edits included).
# Only files that differ are copied (with a new mtime), so only they recompile.
sync_src() {
  local n=0
  while IFS= read -r -d '' f; do
    [ -f "$ROOT/$f" ] || continue
    if ! cmp -s "$ROOT/$f" "$SRC/$f"; then
      mkdir -p "$SRC/$(dirname "$f")" && cp "$ROOT/$f" "$SRC/$f" && n=$((n + 1))
    fi
  done < <(git -C "$ROOT" ls-files -z)
  echo "$n"
}

build() { # log file
  if [ ! -f "$BLD/build.ninja" ]; then
    timeout "$BUILD_TIMEOUT" cmake -S "$SRC" -B "$BLD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_CXX_FLAGS_RELEASE="$CXX_FLAGS" -DSOCKCONF_BUILD_TESTS=OFF >"$1" 2>&1 || return 1
  fi
  timeout "$BUILD_TIMEOUT" cmake --build "$BLD" -j "$BUILD_JOBS" --target sockconf >>"$1" 2>&1
}

profile_arg() { # a profile id, or a file path relative to the tree
  if [ -f "$ROOT/$1" ]; then echo "$ROOT/$1"; else echo "$1"; fi
}

# Run the suites; writes DIR/log, DIR/report.json, DIR/statuses ("id STATUS" per case);
# returns sockconf's exit code (124: timed out).
run_suites() { # dir profile filter
  local dir=$1 args=(run --home "${HOME_DIR:-$ROOT}" --profile "$(profile_arg "$2")" --report-dir "$1")
  local s
  for s in ${SUITES[@]+"${SUITES[@]}"}; do args+=(--suites "$s"); done
  [ -n "$3" ] && [ ${#SUITES[@]} -eq 0 ] && args+=(--filter "$3")
  [ -n "$RUN_JOBS" ] && args+=(--jobs "$RUN_JOBS")
  rm -rf "$dir" && mkdir -p "$dir"
  timeout "$RUN_TIMEOUT" "$BLD/bin/sockconf" "${args[@]}" >"$dir/log" 2>&1
  local rc=$?
  sed -nE 's/^\[ *[0-9]+\/[0-9]+\] ([A-Z-]+) +([a-z0-9.-]+) \(.*/\2 \1/p' "$dir/log" | sort >"$dir/statuses"
  return $rc
}

join() { local IFS=,; local s="$*"; echo "${s//,/, }"; }

# "id [the check that decided it]" for each killer id, from the mutant's report.json files.
with_checks() { # out-dir id...
  local out=$1; shift
  node -e '
    const fs = require("fs"), path = require("path");
    const [dir, root, ...ids] = process.argv.slice(1);
    const where = {};
    for (const run of fs.readdirSync(dir).filter((d) => d.startsWith("run-"))) {
      const file = path.join(dir, run, "report.json");
      if (!fs.existsSync(file)) continue;
      for (const c of JSON.parse(fs.readFileSync(file, "utf8")).cases)
        if (!where[c.id] && c.failure) where[c.id] = c.failure.where.split(root + "/").join("").replace(/^\.\//, "");
    }
    console.log(ids.map((id) => id + (where[id] ? " [" + where[id] + "]" : "")).join(", "));
  ' "$out" "${HOME_DIR:-$ROOT}" "$@"
}

header() { # patch key -> values, one per line
  sed -n '/^diff --git /q; p' "$1" | sed -nE "s/^# *$2: *(.*[^ ]) *$/\1/p"
}

# ---- the unmutated reference --------------------------------------------------
echo "mutants: ${#patches[@]} mutant(s); work folder $WORK"
changed=$(sync_src)
echo "mutants: copy in sync ($changed file(s) updated); building the unmutated reference"
if ! build "$RUNS/build-baseline.log"; then
  echo "mutants: the unmutated tree does not build; see $RUNS/build-baseline.log" >&2
  exit 2
fi

declare -A baseline_dir=()
combo_n=0
baseline() { # profile filter -> sets base (the baseline folder)
  local key="$1|$2"
  if [ -z "${baseline_dir[$key]:-}" ]; then
    combo_n=$((combo_n + 1))
    local dir="$RUNS/baseline-$combo_n"
    run_suites "$dir" "$1" "$2"
    local rc=$?
    echo "$key" >"$dir/combo"
    if [ $rc -ne 0 ] || grep -qE ' (FAIL|ERROR|TIMEOUT)$' "$dir/statuses"; then
      echo "mutants: the unmutated reference does not pass under profile $1${2:+ filter $2} (exit $rc); see $dir/log" >&2
      exit 2
    fi
    baseline_dir[$key]=$dir
  fi
  base=${baseline_dir[$key]}
}

combos() { # patch -> "profile<TAB>filter" lines
  local filter profiles
  filter=$(header "$1" filter | head -1)
  [ ${#SUITES[@]} -eq 0 ] || filter="" # --suites: the patches' filters do not apply
  profiles=$(header "$1" profile)
  [ -n "$profiles" ] || profiles=wechat
  while IFS= read -r p; do printf '%s\t%s\n' "$p" "$filter"; done <<<"$profiles"
}

for p in "${patches[@]}"; do
  while IFS=$'\t' read -r prof filt; do baseline "$prof" "$filt"; done < <(combos "$p")
done
echo "mutants: the unmutated reference passes ($combo_n profile/filter combination(s)); $(( $(date +%s) - t_start )) s so far"

# ---- the mutants --------------------------------------------------------------
summary=$RUNS/summary.txt
: >"$summary"
survived=0
bad=0
for p in "${patches[@]}"; do
  name=$(basename "$p" .patch)
  t0=$(date +%s)
  out="$RUNS/$name"
  rm -rf "$out" && mkdir -p "$out"
  if ! (cd "$SRC" && git apply --check "$p" 2>"$out/apply.log"); then
    line="DOES NOT APPLY (see $out/apply.log)"
    bad=$((bad + 1))
  else
    (cd "$SRC" && git apply "$p")
    applied=$p
    if ! build "$out/build.log"; then
      line="BUILD FAILED (see $out/build.log)"
      bad=$((bad + 1))
    else
      killers=() moved=() notes=() i=0
      while IFS=$'\t' read -r prof filt; do
        i=$((i + 1))
        baseline "$prof" "$filt"
        run_suites "$out/run-$i" "$prof" "$filt"
        rc=$?
        case $rc in
          0|1) ;;
          124) notes+=("sockconf timed out after ${RUN_TIMEOUT}s under $prof") ;;
          *) notes+=("sockconf exited $rc under $prof") ;;
        esac
        # Cases that pass unmutated and now do not conform (killers) or only changed grade.
        while read -r id st; do
          bst=$(awk -v id="$id" '$1 == id { print $2 }' "$base/statuses")
          [ "$st" = "$bst" ] && continue
          case $st in
            FAIL|ERROR|TIMEOUT) killers+=("$id") ;;
            *) moved+=("$id ${bst:-?}->$st") ;;
          esac
        done <"$out/run-$i/statuses"
      done < <(combos "$p")
      mapfile -t killers < <(printf '%s\n' "${killers[@]}" | grep . | sort -u)
      if [ ${#killers[@]} -gt 0 ] || [ ${#notes[@]} -gt 0 ]; then
        line="KILLED by $(with_checks "$out" "${killers[@]}")${notes[*]:+ (${notes[*]})}"
      else
        line="SURVIVED${moved[*]:+ (grade only: $(join "${moved[@]}"))}"
        survived=$((survived + 1))
      fi
    fi
    revert
  fi
  printf '%-40s %s  [%ss]\n' "$name" "$line" "$(( $(date +%s) - t0 ))" | tee -a "$summary"
done

total=$(( $(date +%s) - t_start ))
echo "mutants: ${#patches[@]} mutant(s), $((${#patches[@]} - survived - bad)) killed, $survived survived, $bad did not apply/build; ${total} s; summary in $summary"
[ $survived -eq 0 ] && [ $bad -eq 0 ]

#!/usr/bin/env bash
# Regenerates the committed compliance reports of the browser platforms and of the
# reference: reports/platforms/<name>/{report.json,report.md}, and the side-by-side
# matrix reports/platforms/README.md.
#
#   scripts/platform-reports.sh [--update] [NAME...]     (default: every platform below)
#
# Needs a build (make build) and chromium (scripts/setup.sh). Each platform runs in headless
# chromium against its profile; its expectations file (reports/platforms/<name>/expectations.json)
# records what it is known to do differently, and is written on the first run; --update rewrites
# it from this run (keeping the reasons written by hand): after the cases changed, review its diff.
# Exit status: 0 when every platform did what its expectations say, 1 otherwise (the reports are
# written anyway).
set -uo pipefail
cd "$(dirname "$0")/.."

declare -A profile_of=([reference]=wechat [taro-h5]=taro [uni-h5]=uni-h5 [mpx]=mpx [taro-rn]=taro-rn)
update=0
if [ "${1:-}" = --update ]; then update=1; shift; fi
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(reference taro-h5 uni-h5 mpx taro-rn)

[ -x build/bin/sockconf ] || { echo "platform-reports: build first (make build)" >&2; exit 2; }
node adapters/browser/build.mjs >/dev/null || { echo "platform-reports: bundling failed" >&2; exit 2; }

status=0
for name in "${names[@]}"; do
  profile=${profile_of[$name]:-}
  [ -n "$profile" ] || { echo "platform-reports: unknown platform $name (${!profile_of[*]})" >&2; exit 2; }
  dir=reports/platforms/$name
  mkdir -p "$dir"
  out=$(mktemp -d)
  iut=(--browser chromium --iut-page "adapters/browser/$name")
  [ "$name" = reference ] && iut=()
  expect=()
  [ -f "$dir/expectations.json" ] && expect=(--expectations "$dir/expectations.json")
  if [ $update -eq 1 ] || [ ! -f "$dir/expectations.json" ]; then
    expect+=(--update-expectations "$dir/expectations.json")
  fi
  echo "== $name (profile $profile)"
  timeout 900 build/bin/sockconf run "${iut[@]}" --profile "$profile" "${expect[@]}" --report-dir "$out" \
    | grep -E '^(unexpected|[0-9]+ (PASS|passed|unexpected)|wrote .*expectations)'
  rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] || status=1
  cp "$out/report.json" "$out/report.md" "$dir/" 2>/dev/null || { echo "platform-reports: $name wrote no report" >&2; status=1; }
  rm -rf "$out"
done
node scripts/platform-matrix.mjs reports/platforms > reports/platforms/README.md
echo "wrote reports/platforms/README.md"
exit $status

#!/usr/bin/env bash
# The parts of sockconf depend one way. From the bottom:
#
#   common < echo-servers, reference-impl < reports < harness < bench < cli
#
# (echo-servers and reference-impl side by side.) A part may include and link the
# parts below it, never a part above it: harness never includes anything of bench
# (sockconf/bench/...) nor links a sockconf_bench* target; only cli, at the top,
# has the command line. Run by ctest (dependency_rule). Exit 1, naming each file
# and line that breaks the order.
set -uo pipefail
cd "$(dirname "$0")/.."

# part  rank  include folder (sockconf/NAME/)  library targets (a regex)
parts=(
  "common          0 common   sockconf_(common|net|version)"
  "echo-servers    1 echo     sockconf_echo"
  "reference-impl  1 ref      sockconf_ref"
  "reports         2 reports  sockconf_reports"
  "harness         3 harness  sockconf_harness"
  "bench           4 bench    sockconf_bench[a-z_]*"
  "cli             5 cli      sockconf_cli"
)

status=0
order="common < echo-servers, reference-impl < reports < harness < bench < cli"
for below in "${parts[@]}"; do
  read -r part rank _ _ <<<"$below"
  [ -d "$part" ] || { echo "dependency_rule: no folder $part/" >&2; status=1; continue; }
  for above in "${parts[@]}"; do
    read -r other other_rank inc libs <<<"$above"
    [ "$other_rank" -gt "$rank" ] || continue
    # Sources: an #include of the part above.
    while IFS= read -r hit; do
      echo "dependency_rule: $hit: $part includes $other (sockconf/$inc/), a part above it ($order)" >&2
      status=1
    done < <(grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]sockconf/$inc/" "$part" \
               --include='*.cpp' --include='*.hpp' --include='*.h' --include='*.in' 2>/dev/null)
    # CMake: a target of the part above, outside comments (links, dependencies).
    while IFS= read -r hit; do
      echo "dependency_rule: $hit: $part's CMake names $other's target, a part above it ($order)" >&2
      status=1
    done < <(find "$part" -name CMakeLists.txt -print0 2>/dev/null |
               xargs -0 -r grep -nHE "^[^#]*\\b$libs\\b" 2>/dev/null)
  done
done
[ $status -eq 0 ] && echo "dependency_rule: ok ($order)"
exit $status

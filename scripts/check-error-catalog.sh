#!/usr/bin/env bash
# Every E-* id the code uses is listed in docs/errors.md, and every id listed there is used.
# Run by ctest (error_catalog). Exit 1, naming the ids, when they differ.
set -uo pipefail
cd "$(dirname "$0")/.."
used=$(grep -rhoE '"E-[A-Z0-9-]*[A-Z0-9]' --include='*.cpp' --include='*.hpp' \
         common harness reports echo-servers bench cli reference-impl adapters 2>/dev/null |
       grep -v '/test/' | tr -d '"' | sed 's/-$//' | sort -u)
# ids built in messages ("E-ADAPTER-EXIT: ...") as well as literals of their own
used=$(printf '%s\n' "$used" $(grep -rhoE 'E-[A-Z]+-[A-Z]+:' harness/src | tr -d ':') | sort -u)
listed=$(grep -oE '^\| `E-[A-Z0-9-]+`' docs/errors.md | grep -oE 'E-[A-Z0-9-]+' | sort -u)
missing=$(comm -23 <(printf '%s\n' "$used") <(printf '%s\n' "$listed"))
unused=$(comm -13 <(printf '%s\n' "$used") <(printf '%s\n' "$listed"))
status=0
[ -z "$missing" ] || { echo "error_catalog: used but not in docs/errors.md:" $missing >&2; status=1; }
[ -z "$unused" ] || { echo "error_catalog: in docs/errors.md but used nowhere:" $unused >&2; status=1; }
[ $status -eq 0 ] && echo "error_catalog: $(printf '%s\n' "$listed" | wc -l) ids, all listed and used"
exit $status

#!/usr/bin/env bash
# The error ids the code uses are exactly the ids of the error catalog,
# common/include/sockconf/common/error_catalog.hpp: an id used in code that the catalog
# lacks fails, and so does a catalog entry used nowhere. A document (*.md) may name only
# catalog ids. Run by ctest (error_catalog); exit 1 naming the ids and files, 0 when they agree.
#
# "Used" means written anywhere in the tree's code (C++, JavaScript, shell, Python; tests,
# node_modules, bundles and build output aside): as a literal ("E-TYPE"), written into a
# message (an adapter error starts with its id and a colon), or named in a comment. An id is
# E- and upper-case words joined by '-', not part of a longer name (clause ids hold such
# words) and not a family written with a trailing '-*'.
set -uo pipefail
cd "$(dirname "$0")/.."
catalog=common/include/sockconf/common/error_catalog.hpp
id_re='(?<![A-Za-z0-9_-])E-[A-Z0-9]+(?:-[A-Z0-9]+)*(?![A-Za-z0-9_*-])'

tree_files() { # tree_files NAME-PATTERN...: the tree's files of those names, outside tests and output
    local names=() n
    for n in "$@"; do names+=(-o -name "$n"); done
    find . \( -path ./build -o -path ./.git -o -name node_modules -o -name dist -o -name test -o -name tests \
              -o -path ./sockconf-report \) -prune -o -type f \( "${names[@]:1}" \) -print
}

# id<TAB>file, for each use
uses=$(tree_files '*.cpp' '*.hpp' '*.h' '*.in' '*.js' '*.mjs' '*.cjs' '*.sh' '*.py' |
       grep -vxF "./$catalog" | sort | xargs -r grep -oP "$id_re" /dev/null |
       awk -F: '{ print $2 "\t" substr($1, 3) }' | sort -u)
used=$(printf '%s\n' "$uses" | cut -f1 | grep . | sort -u)
listed=$(grep -oP 'error_entry\{"\KE-[A-Z0-9-]+(?=", error_area::)' "$catalog" | sort -u)
named=$(tree_files '*.md' | sort | xargs -r grep -oP "$id_re" /dev/null |
        awk -F: '{ print $2 "\t" substr($1, 3) }' | sort -u)

where() { # where "ID<TAB>FILE lines" ID...: each id with the files it stands in, on stderr
    local lines=$1 id; shift
    for id in "$@"; do
        printf '  %s  (%s)\n' "$id" "$(printf '%s\n' "$lines" | awk -F'\t' -v id="$id" '$1 == id { print $2 }' | paste -sd' ')" >&2
    done
}

[ -n "$listed" ] || { echo "error_catalog: no entries read from $catalog" >&2; exit 1; }
status=0
missing=$(comm -23 <(printf '%s\n' "$used") <(printf '%s\n' "$listed"))
if [ -n "$missing" ]; then
    echo "error_catalog: ids used in code but not in $catalog (add an entry there, then make errors-doc):" >&2
    where "$uses" $missing
    status=1
fi
unused=$(comm -13 <(printf '%s\n' "$used") <(printf '%s\n' "$listed"))
if [ -n "$unused" ]; then
    echo "error_catalog: ids in $catalog that no code uses (remove their entries, then make errors-doc):" $unused >&2
    status=1
fi
unknown=$(comm -23 <(printf '%s\n' "$named" | cut -f1 | grep . | sort -u) <(printf '%s\n' "$listed"))
if [ -n "$unknown" ]; then
    echo "error_catalog: documents name ids the catalog does not list:" >&2
    where "$named" $unknown
    status=1
fi
[ $status -eq 0 ] && echo "error_catalog: $(printf '%s\n' "$listed" | wc -l) ids in $catalog, each used in code; code and documents use no other"
exit $status

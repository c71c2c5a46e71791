#!/usr/bin/env bash
# docs/errors.md is generated from the error catalog (common/include/sockconf/common/error_catalog.hpp):
# the committed page must be what the generator prints. Run by ctest (error_catalog_doc) with the
# generator's path; exit 1 with the difference and the command that regenerates the page.
set -uo pipefail
cd "$(dirname "$0")/.."
gen=${1:-build/bin/sockconf-errors-md}
[ -x "$gen" ] || { echo "error_catalog_doc: no generator at $gen (cmake --build build --target sockconf-errors-md)" >&2; exit 1; }
generated=$("$gen") || { echo "error_catalog_doc: $gen failed" >&2; exit 1; }
if ! diff -u --label docs/errors.md --label "docs/errors.md as generated" docs/errors.md <(printf '%s\n' "$generated") >&2; then
    echo "error_catalog_doc: docs/errors.md is not what the catalog generates; regenerate it with" >&2
    echo "  make errors-doc      (or: $gen > docs/errors.md)" >&2
    exit 1
fi
echo "error_catalog_doc: docs/errors.md is what $gen prints"

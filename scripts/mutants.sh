#!/usr/bin/env bash
# The mutation check of the suites: each scripts/mutants/NN-name.patch breaks the reference in one
# documented way; a sockconf with that break must be caught by the cases at the grade the broken
# clause's level asks for (MUST: FAIL, SHOULD: NON-STRICT). scripts/mutants.mjs does the work;
# `scripts/mutants.sh --help` prints its usage, scripts/README.md describes it.
exec node "$(dirname "$0")/mutants.mjs" "$@"

#!/bin/sh
# On-demand install of the benchmark peers (npm `uwebsockets`, about 257 MB, `ws`
# and `bufferutil`) into bench/peers/node_modules. Not part of scripts/setup.sh or
# `make test`: the peers are for comparing, never a dependency of sockconf.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
command -v npm >/dev/null || { echo "bench/peers/setup.sh: npm is missing (scripts/setup.sh installs it)" >&2; exit 1; }
npm ci --prefix "$here" --no-audit --no-fund

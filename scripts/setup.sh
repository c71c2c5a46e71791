#!/usr/bin/env bash
# Installs everything sockconf needs to build and test, from Debian's packages and npm.
# Idempotent and non-interactive: a second run only checks, and installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(
  cmake ninja-build g++ pkg-config
  ccache                # CMakeLists.txt uses it when present: second build trees (asan, tsan) and rebuilds
  clang-14 libclang-rt-14-dev  # libFuzzer (fuzz/) and its sanitizers
  libboost1.81-dev      # Asio, Beast, URL
  nlohmann-json3-dev    # JSON everywhere
  libcli11-dev libfmt-dev
  libgtest-dev libbenchmark-dev
  libssl-dev            # wss:// (TLS) in the echo servers and the reference
  libxml2-utils         # xmllint: junit.xml checked against the JUnit schema
  dpkg-dev              # dpkg-shlibdeps: the Depends of the .deb (make package, ctest package_deb)
  mmdebstrap            # a throwaway Debian 12 root for `make package-chroot-test` (packaging/README.md)
  nodejs npm            # the `ws` client that checks our echo server
  chromium              # the browser IUTs (adapters/browser/launch.mjs, headless)
  firefox-esr           # the same pages in Firefox (--browser firefox: WebDriver BiDi, headless)
  libnss3-tools         # certutil: the Firefox profile trusts the echo servers' CA for wss://
)

missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A machine image may ship node/npm outside dpkg: accept them if they work.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<< "${missing[*]:-}"

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: Debian packages present"
fi

# JS side: exact versions from package-lock.json (.npmrc: legacy-peer-deps, so that the
# platforms' React Native/Expo peers are not installed). The browser platforms' bundles are
# built on demand: npm run build:browser (adapters/browser/README.md).
if [ ! -d node_modules/ws ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/puppeteer-core ] ||
   [ ! -d node_modules/esbuild ] ||
   [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  # puppeteer-core drives Debian's firefox-esr: it must never download a browser.
  export PUPPETEER_SKIP_DOWNLOAD=1
  npm ci --no-audit --no-fund --loglevel=error
else
  echo "setup: node_modules present"
fi

#!/usr/bin/env bash
# ctests package_deb_build and package_deb (packaging/README.md): the .deb as a user gets it.
#   --phase build (package_deb_build, the fixture): cpack builds sockconf_<version>_amd64.deb
#     into BUILD/package-deb-test/;
#   --phase check (package_deb, which holds the suites' port lock only for this part):
#   2. its Depends are checked against this machine (each installed, at the version asked);
#   3. dpkg -x unpacks it into a throwaway root, whose files are listed and checked (programs,
#      data, built browser bundles, the vendored npm packages; no headers or libraries);
#   4. from a folder outside the source tree, with SOCKCONF_HOME unset and, where a mount
#      namespace can be had, the source tree hidden under an empty tmpfs (so that the
#      compiled-in fallback to it cannot be what works), it runs `sockconf run` (every suite),
#      `sockconf lint`, `serve --json`, `bench --quick`, `run --iut` through the packaged
#      ref adapter and the packaged Node runner, and `--iut-page ws-browser --browser chromium`
#      (when chromium is installed). One case title of the unpacked copy is
#      marked: the report must show the mark, so the run read the packaged data.
# Everything is printed and kept in --log (the build phase starts it, the check phase adds to
# it). Exit 0 pass, 1 fail, 77 skipped (no cpack or dpkg-deb).
#
#   deb_test.sh --phase build|check --build-dir DIR --source-dir DIR --version X.Y.Z --log FILE
set -uo pipefail

phase="" build="" src="" version="" log=""
while [ $# -gt 0 ]; do
  case "$1" in
    --phase) phase="$2"; shift 2 ;;
    --build-dir) build="$2"; shift 2 ;;
    --source-dir) src="$2"; shift 2 ;;
    --version) version="$2"; shift 2 ;;
    --log) log="$2"; shift 2 ;;
    *) echo "deb_test.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ $phase =~ ^(build|check)$ ]] && [ -n "$build" ] && [ -n "$src" ] && [ -n "$version" ] && [ -n "$log" ] || {
  echo "usage: deb_test.sh --phase build|check --build-dir DIR --source-dir DIR --version X.Y.Z --log FILE" >&2; exit 2; }
if [ "$phase" = build ]; then exec > >(tee "$log") 2>&1; else exec > >(tee -a "$log") 2>&1; fi

for tool in cpack dpkg-deb dpkg-query; do
  command -v "$tool" >/dev/null || { echo "package_deb: skipped: $tool not found (Debian's dpkg-dev and cmake)"; exit 77; }
done

fail() { echo "package_deb: FAIL: $*"; exit 1; }
pkg="$build/package-deb-test"
deb="$pkg/sockconf_${version}_amd64.deb"

if [ "$phase" = build ]; then
  echo "== 1. cpack -G DEB"
  rm -rf "$pkg"
  t0=$(date +%s)
  timeout 200 cpack -G DEB --config "$build/CPackConfig.cmake" -B "$pkg" > "$pkg.cpack.log" 2>&1 ||
    { cat "$pkg.cpack.log"; fail "cpack failed"; }
  grep -E "CPack: (Create package|- package:)" "$pkg.cpack.log"
  rm -rf "$pkg/_CPack_Packages" "$pkg.cpack.log"
  [ -f "$deb" ] || { ls -l "$pkg"; fail "no $(basename "$deb") written"; }
  echo "built $(basename "$deb"): $(du -h "$deb" | cut -f1) in $(( $(date +%s) - t0 )) s"
  exit 0
fi

[ -f "$deb" ] || fail "no $deb: ctest runs package_deb_build first (ctest -R package_deb)"
tmp=$(mktemp -d /tmp/sockconf-deb-test.XXXXXX)
cleanup() { rm -rf "$tmp" "$pkg"; }
trap cleanup EXIT
case "$tmp/" in "$src"/*) fail "the temporary folder $tmp is inside the source tree $src" ;; esac

dpkg-deb --field "$deb" Package Version Architecture Depends Recommends Suggests

echo "== 2. Depends, on this machine"
depends=$(dpkg-deb --field "$deb" Depends)
# The other relations: Node for the JS side, at the version adapters/package.json's engines
# says (both were measured on Debian 12's nodejs 18: make package-chroot-test); the browsers
# and certutil (Firefox's CA for wss://) suggested.
recommends=$(dpkg-deb --field "$deb" Recommends) suggests=$(dpkg-deb --field "$deb" Suggests)
engines=$(sed -n 's/^ *"node": *">=\([0-9]*\)".*/\1/p' "$src/adapters/package.json")
[ -n "$engines" ] || fail "adapters/package.json has no engines.node \">=N\""
[[ $recommends == *"nodejs (>= $engines)"* ]] ||
  fail "Recommends \"$recommends\" does not ask for nodejs (>= $engines), the Node adapters/package.json's engines names"
for s in chromium firefox-esr libnss3-tools; do
  grep -qE "(^|, )$s(,|$| )" <<<"$suggests" || fail "Suggests \"$suggests\" lacks $s"
done
echo "  Recommends nodejs (>= $engines) = adapters/package.json engines; Suggests $suggests"
for lib in libc6 libstdc++6 libssl3 libfmt9; do
  grep -qE "(^|, )${lib//+/\\+}( |,|$)" <<<"$depends" || fail "Depends lacks $lib (dpkg-shlibdeps should have found it): $depends"
done
IFS=',' read -ra deps <<<"$depends"
for dep in "${deps[@]}"; do
  found=""
  IFS='|' read -ra alternatives <<<"$dep"
  for alt in "${alternatives[@]}"; do
    alt=$(echo "$alt" | sed 's/^ *//; s/ *$//')
    name=${alt%% *}; name=${name%%:*}
    op="" want=""
    if [[ $alt =~ \(([\<\>=]+)\ *([^\)]+)\) ]]; then op=${BASH_REMATCH[1]}; want=${BASH_REMATCH[2]}; fi
    info=$(dpkg-query -W -f='${Status}|${Version}' "$name" 2>/dev/null) || continue
    [ "${info%%|*}" = "install ok installed" ] || continue
    have=${info#*|}
    if [ -n "$op" ] && ! dpkg --compare-versions "$have" "$op" "$want"; then continue; fi
    found="$name $have"
    break
  done
  [ -n "$found" ] || fail "Depends \"$dep\" is not satisfied on this machine"
  echo "  $(echo "$dep" | sed 's/^ *//'): installed ($found)"
done

# What `apt install ./sockconf_*.deb` would pull in on a bare Debian (apt simulating with an
# empty dpkg status), from this machine's package lists; skipped when it has none.
if command -v apt-get >/dev/null && [[ $(apt-cache policy libc6 2>/dev/null) == *"Candidate: "[0-9]* ]]; then
  : > "$tmp/empty-status"
  apt-get -s -o Dir::State::status="$tmp/empty-status" install "$deb" > "$tmp/apt.log" 2>&1 < /dev/null ||
    { tail -20 "$tmp/apt.log"; fail "apt cannot install the package on a bare system from this machine's package lists"; }
  echo "apt install on a bare system (simulated): $(grep -c '^Inst ' "$tmp/apt.log") packages, among them:"
  for dep in sockconf "${deps[@]}" nodejs; do # nodejs: the Recommends, which apt installs by default
    name=$(echo "$dep" | sed 's/^ *//; s/[ |].*//')
    line=$(grep -F "Inst $name (" "$tmp/apt.log") || fail "apt would not install $name on a bare system"
    echo "  $line"
  done
else
  echo "(no apt package lists here: what apt would pull in on a bare system is not simulated)"
fi

echo "== 3. dpkg -x into a throwaway root"
root="$tmp/root"
dpkg -x "$deb" "$root" || fail "dpkg -x failed"
share="$root/usr/share/sockconf"
echo "installed paths (of $(dpkg-deb -c "$deb" | grep -vc '/$') files):"
( cd "$root" && find usr/bin usr/share/sockconf/adapters/browser -type f \( -path 'usr/bin/*' -o -name bundle.mjs \) | sort | sed 's|^|  /|' )
( cd "$root" && for d in usr/share/sockconf/*/ usr/share/sockconf/adapters/*/ usr/share/sockconf/node_modules/*/; do
    echo "  /${d%/} ($(find "$d" -type f | wc -l) files)"; done )
for f in usr/bin/sockconf usr/bin/sockconf-ref-adapter usr/bin/sockconf-load usr/bin/sockconf-sink; do
  [ -x "$root/$f" ] || fail "/$f is missing or not executable"
done
for f in specs/api.json specs/settings.json specs/profiles/wechat.json specs/schemas/case.schema.json \
         suites/websocket suites/tcp adapters/js/shim.mjs adapters/node/sockconf-node.mjs \
         adapters/node/examples/wx-on-ws.mjs adapters/browser/launch.mjs adapters/browser/page.html \
         node_modules/ws/package.json \
         node_modules/puppeteer-core/package.json node_modules/puppeteer-core/puppeteer-core.mjs \
         node_modules/puppeteer-core/THIRD_PARTY_LICENSES.md; do
  [ -e "$share/$f" ] || fail "/usr/share/sockconf/$f is missing"
done
for entry in "$src"/adapters/browser/*/entry.mjs; do
  platform=$(basename "$(dirname "$entry")")
  [ -f "$share/adapters/browser/$platform/dist/bundle.mjs" ] ||
    fail "/usr/share/sockconf/adapters/browser/$platform/dist/bundle.mjs (the built page bundle) is missing"
done
for unwanted in usr/include usr/lib usr/share/sockconf/adapters/node/test usr/share/sockconf/suites/CMakeLists.txt; do
  [ ! -e "$root/$unwanted" ] || fail "/$unwanted should not be in the package"
done
echo "  programs, data, bundles and npm packages present; no headers, libraries or tests"

# The mark: the first case title of one packaged suite file, in the unpacked copy only.
marked="$share/suites/websocket/connect.json"
sed -i '0,/"title": "/s//"title": "[packaged copy] /' "$marked"
grep -q '\[packaged copy\]' "$marked" || fail "could not mark a case title in $marked"

# The npm packages the JS side imports, resolved as launch.mjs and the Node runner resolve them:
# from a module in the unpacked adapters/, each must load from the unpacked node_modules/.
cat > "$share/adapters/browser/resolve-probe.mjs" <<'EOF'
import { fileURLToPath } from "node:url";
const [share] = process.argv.slice(2);
const wanted = {
  "puppeteer-core": (m) => typeof m.default?.connect === "function" && typeof m.default?.launch === "function", // --browser chromium|firefox
  ws: (m) => typeof (m.WebSocket ?? m.default) === "function", // the Node runner
};
for (const [name, ok] of Object.entries(wanted)) {
  try {
    const m = await import(name);
    if (!ok(m)) throw new Error("it lacks what sockconf calls");
    const where = import.meta.resolve ? fileURLToPath(import.meta.resolve(name)) : "?";
    if (import.meta.resolve && !where.startsWith(`${share}/node_modules/`)) throw new Error(`it came from ${where}`);
    console.log(`  import("${name}") -> ${where}`);
  } catch (e) {
    console.log(`package_deb: FAIL: import("${name}") from the packaged adapters: ${e.message.split("\n")[0]}`);
    process.exitCode = 1;
  }
}
EOF
if command -v node >/dev/null; then
  echo "the vendored npm packages, imported from the packaged adapters/browser/ (node $(node --version)):"
  ( unset NODE_PATH; timeout 60 node "$share/adapters/browser/resolve-probe.mjs" "$share" ) || fail "a vendored npm package does not load (above)"
  rm -f "$share/adapters/browser/resolve-probe.mjs"
fi

echo "== 4. the programs, from outside the source tree"
work="$tmp/work"
mkdir -p "$work"
cat > "$tmp/inside.sh" <<EOF
set -uo pipefail
fail() { echo "package_deb: FAIL: \$*"; exit 1; }
hide="\$1"
if [ "\$hide" = yes ]; then
  mount -t tmpfs -o size=1m,mode=0755 sockconf-hidden "$src" || fail "cannot mount a tmpfs over $src"
  [ ! -e "$src/specs/api.json" ] || fail "the source tree is still visible"
  echo "source tree $src hidden (an empty tmpfs in this mount namespace)"
fi
unset SOCKCONF_HOME SOCKCONF_DATA_DIR
cd "$work" || exit 1
echo "cwd: \$(pwd)"
bin="$root/usr/bin"

echo "--- sockconf run"
t0=\$(date +%s)
timeout 120 "\$bin/sockconf" run > run.out 2>&1; rc=\$?
grep -E "^[0-9]+ passed|^wrote " run.out
echo "exit \$rc in \$(( \$(date +%s) - t0 )) s"
[ \$rc -eq 0 ] || { tail -40 run.out; fail "sockconf run exited \$rc"; }
[ -s sockconf-report/report.json ] || fail "no sockconf-report/report.json in \$(pwd)"
grep -q '\[packaged copy\]' sockconf-report/report.json ||
  fail "the report lacks the packaged copy's marked title: the run did not read /usr/share/sockconf"
echo "report: \$(pwd)/sockconf-report/report.json has the packaged copy's marked title"

echo "--- sockconf lint"
timeout 60 "\$bin/sockconf" lint > lint.out 2>&1 || { cat lint.out; fail "sockconf lint failed on the packaged data"; }
tail -1 lint.out

echo "--- sockconf serve --json"
timeout 20 "\$bin/sockconf" serve --json > serve.out 2> serve.err &
pid=\$!
for _ in \$(seq 1 100); do [ -s serve.out ] && break; sleep 0.1; done
kill \$pid 2>/dev/null; wait \$pid 2>/dev/null
head -1 serve.out | sed 's/"ca_pem":"[^"]*",/"ca_pem":"…",/'
head -1 serve.out | grep -q '^{.*"ws' || { cat serve.err; fail "serve --json printed no JSON line with its URLs in 10 s"; }

echo "--- sockconf bench --quick (echo, ws binary 16 B)"
timeout 90 "\$bin/sockconf" bench --quick --scenario echo --transport ws --payload binary --size 16 --out bench.json \
  > bench.out 2>&1 || { tail -20 bench.out; fail "sockconf bench failed"; }
tail -3 bench.out
[ -s bench.json ] || fail "bench wrote no bench.json"

echo "--- sockconf run --iut sockconf-ref-adapter (ws.connect.*)"
timeout 90 "\$bin/sockconf" run --iut "\$bin/sockconf-ref-adapter" --filter 'ws.connect.*' --report-dir report-ref-adapter \
  > ref-adapter.out 2>&1 || { tail -30 ref-adapter.out; fail "run --iut sockconf-ref-adapter failed"; }
grep -E "^[0-9]+ passed" ref-adapter.out

if command -v node >/dev/null; then
  echo "--- sockconf run --iut node .../sockconf-node.mjs (ws.connect.*), node \$(node --version)"
  iut="node $share/adapters/node/sockconf-node.mjs --module $share/adapters/node/examples/wx-on-ws.mjs"
  timeout 90 "\$bin/sockconf" run --iut "\$iut" --filter 'ws.connect.*' --report-dir report-node > node.out 2>&1; rc=\$?
  grep -E "^[0-9]+ passed" node.out
  grep -q '"host": *"node"' report-node/report.json || { tail -30 node.out; fail "the Node runner did not say hello (exit \$rc)"; }
  grep -q 'sockconf-node: no global WebSocket' node.out && fail "the Node runner did not find the packaged npm package ws"
  [ \$rc -eq 0 ] || { tail -30 node.out; fail "run --iut (Node runner) exited \$rc"; }
else
  echo "--- node not found: --iut through the Node runner not tried (nodejs is a Recommends)"
fi

if command -v node >/dev/null && command -v firefox-esr >/dev/null && command -v certutil >/dev/null; then
  echo "--- sockconf run --iut-page ws-browser --browser firefox (ws.connect.*, ws.wss.echo-text): the packaged bundle, launcher, puppeteer-core"
  timeout 150 "\$bin/sockconf" run --iut-page ws-browser --browser firefox --pages 4 --filter 'ws.connect.*,ws.wss.echo-text' \
    --report-dir report-firefox > firefox.out 2>&1; rc=\$?
  grep -E "^[0-9]+ passed" firefox.out
  [ \$rc -eq 0 ] || { tail -30 firefox.out; fail "run --iut-page ws-browser --browser firefox exited \$rc"; }
  grep -q '"host": *"browser"' report-firefox/report.json || fail "no Firefox page said hello"
else
  echo "--- node, firefox-esr or certutil not found: --iut-page with --browser firefox not tried (firefox-esr and libnss3-tools are Suggests)"
fi

if command -v node >/dev/null && command -v chromium >/dev/null; then
  echo "--- sockconf run --iut-page ws-browser --browser chromium (ws.connect.*): the packaged bundle, launcher, puppeteer-core"
  timeout 90 "\$bin/sockconf" run --iut-page ws-browser --browser chromium --pages 4 --filter 'ws.connect.*' \
    --report-dir report-browser > browser.out 2>&1; rc=\$?
  grep -E "^[0-9]+ passed" browser.out
  [ \$rc -eq 0 ] || { tail -30 browser.out; fail "run --iut-page ws-browser --browser chromium exited \$rc"; }
  grep -q '"host": *"browser"' report-browser/report.json || fail "no browser page said hello"
else
  echo "--- node or chromium not found: --iut-page with --browser chromium not tried (chromium is a Suggests)"
fi
EOF

hide=no
runner=(bash)
if unshare --mount true 2>/dev/null; then
  hide=yes; runner=(unshare --mount bash)
elif unshare --map-root-user --mount true 2>/dev/null; then
  hide=yes; runner=(unshare --map-root-user --mount bash)
else
  echo "no mount namespace here (unshare --mount failed): the source tree stays visible; the marked title still shows which data the run read"
fi
"${runner[@]}" "$tmp/inside.sh" "$hide" || exit 1
echo "package_deb: ok ($(basename "$deb"), run from $work)"

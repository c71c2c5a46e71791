#!/usr/bin/env bash
# `make package-chroot-test` (packaging/README.md): the .deb installed by apt on a clean Debian 12
# and used there as a user would. Not a ctest: it needs root and Debian's mirror, and CI stays
# on loopback. Every step is under `timeout`; every mount is made in a mount namespace of its
# own (gone with it on any exit) and unmounted by a trap as well.
#
#   1. a minimal bookworm root (mmdebstrap --variant=minbase, mirror deb.debian.org), kept as
#      WORK/bookworm-minbase.tar and reused (--fresh makes it again), unpacked afresh each run;
#   2. inside it (chroot): apt-get update, `apt-get install -y ./sockconf_*.deb` (apt installs
#      the Recommends, so Debian's own nodejs 18 comes with it); the installed paths and what
#      apt pulled in are printed; then, with --browsers, `apt-get install firefox-esr
#      libnss3-tools` (and chromium);
#   3. in a network namespace with loopback only, as an ordinary user in ~/work (nothing of the
#      source tree exists in the root): `sockconf run` (every suite, exit 0, none failed),
#      `serve --json` (its first line), `bench --quick`, `run --iut` through the packaged Node
#      runner and its example module on Debian's node, and `run --iut-page ws-browser
#      --browser B` on a few cases for each browser asked for;
#   4. the same Node-runner run on this machine's node (the .deb unpacked with dpkg -x, as user
#      nobody, also on loopback only), compared per case (compare_node_runs.mjs): the cases
#      whose status differs in that one run each are run 5 more times on both sides, and a
#      case fails the test when its statuses on one Node never occur on the other.
# Log: --log (make: build/package_chroot.log). Exit 0 pass, 1 fail, 2 usage or not root.
#
#   chroot_install_test.sh --deb FILE --work DIR --log FILE [--browsers "firefox chromium"|none]
#                          [--fresh] [--mirror URL] [--keep]
set -uo pipefail

deb="" work="" log="" browsers="firefox" fresh=no keep=no
mirror="http://deb.debian.org/debian" security="http://deb.debian.org/debian-security"
usage="usage: chroot_install_test.sh --deb FILE --work DIR --log FILE [--browsers LIST|none] [--fresh] [--mirror URL] [--keep]"
while [ $# -gt 0 ]; do
  case "$1" in
    --deb) deb="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --log) log="$2"; shift 2 ;;
    --browsers) browsers="$2"; shift 2 ;;
    --mirror) mirror="$2"; shift 2 ;;
    --fresh) fresh=yes; shift ;;
    --keep) keep=yes; shift ;;
    *) echo "chroot_install_test.sh: unknown argument $1" >&2; echo "$usage" >&2; exit 2 ;;
  esac
done
[ -n "$deb" ] && [ -n "$work" ] && [ -n "$log" ] || { echo "$usage" >&2; exit 2; }
[ "$browsers" = none ] && browsers=""
for b in $browsers; do
  [[ $b =~ ^(firefox|chromium)$ ]] || { echo "chroot_install_test.sh: --browsers takes firefox, chromium or none, not $b" >&2; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "chroot_install_test.sh: needs root (chroot, mounts, namespaces)" >&2; exit 2; }
[ -f "$deb" ] || { echo "chroot_install_test.sh: no $deb (make package)" >&2; exit 2; }
mkdir -p "$work" "$(dirname "$log")"
deb=$(realpath "$deb"); work=$(realpath "$work")
exec > >(tee "$log") 2>&1

fail() { echo "package_chroot: FAIL: $*"; exit 1; }
for tool in mmdebstrap unshare chroot ip dpkg-deb node; do
  command -v "$tool" >/dev/null || fail "$tool not found (scripts/setup.sh installs mmdebstrap)"
done
step() { echo; echo "== $*"; }
started=$(date +%s)

step "1. a minimal Debian 12 root"
base="$work/bookworm-minbase.tar"
if [ "$fresh" = yes ] || [ ! -s "$base" ]; then
  rm -f "$base"
  timeout 1200 mmdebstrap --variant=minbase --mode=root bookworm "$work/bookworm-minbase.partial.tar" \
    "deb $mirror bookworm main" "deb $mirror bookworm-updates main" "deb $security bookworm-security main" \
    > "$work/mmdebstrap.log" 2>&1 || { tail -30 "$work/mmdebstrap.log"; fail "mmdebstrap failed (log: $work/mmdebstrap.log)"; }
  mv "$work/bookworm-minbase.partial.tar" "$base"
  echo "made $base: $(grep -o 'success in .*' "$work/mmdebstrap.log")"
else
  echo "reusing $base of $(date -r "$base" '+%F %T') (--fresh makes it again; apt-get update below brings the package lists up to date)"
fi
root=$(mktemp -d "$work/root.XXXXXX")
chmod 755 "$root"
status="$work/inner.status" # what steps 3 and 4 wrote: "3 ok", "4 ok"
rm -f "$status"
here=$(cd "$(dirname "$0")" && pwd)
cleanup() {
  # The mounts were made in the namespace of step 2-3, which is gone by now; refuse to remove
  # anything that is still a mount point rather than delete through it.
  if findmnt -rn -o TARGET | grep -q "^$root"; then
    echo "package_chroot: mounts remain under $root; not removing it:"; findmnt -rn -o TARGET | grep "^$root"
    return
  fi
  if [ "$keep" = yes ]; then echo "kept $root"; else rm -rf --one-file-system "$root"; fi
}
trap cleanup EXIT
timeout 300 tar --numeric-owner -xpf "$base" -C "$root" || fail "cannot unpack $base into $root"
cp "$deb" "$root/tmp/" && chmod 644 "$root/tmp/$(basename "$deb")"
cp /etc/resolv.conf "$root/etc/resolv.conf" # apt inside reaches the mirror by name
# A minbase root has no /etc/hosts (debian-installer writes one, a container runtime mounts one,
# netbase's postinst makes one; minbase has none of them), and on loopback only "localhost"
# then resolves nowhere: the suites' tcp.connect.hostname-localhost and
# loopback-allowed-by-switch failed so here. The installer's file:
[ -e "$root/etc/hosts" ] || printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d" && chmod 755 "$root/usr/sbin/policy-rc.d" # no daemons start
echo "root: $root ($(. "$root/etc/os-release" && echo "$PRETTY_NAME"), $(du -sh "$root" | cut -f1))"
cat "$root/etc/apt/sources.list"

# ---------------------------------------------------------------- inside: apt, then the runs
cat > "$root/tmp/runs.sh" <<'EOF'
# As the user "tester", in ~/work, in a network namespace with loopback only.
set -uo pipefail
fail() { echo "package_chroot: FAIL: $*"; exit 1; }
cd "$HOME/work" || exit 1
echo "cwd: $(pwd) (user $(id -un), open files at most $(ulimit -n)); sockconf is $(command -v sockconf); node $(node --version 2>/dev/null || echo missing)"
case "$(pwd)" in /usr/share/sockconf*) fail "running inside /usr/share/sockconf" ;; esac

echo "--- sockconf run (every suite, the built-in reference)"
t0=$(date +%s)
timeout 600 sockconf run > run.out 2>&1; rc=$?
grep -E "^[0-9]+ passed" run.out
echo "exit $rc in $(( $(date +%s) - t0 )) s; report $(ls sockconf-report/report.json 2>/dev/null)"
[ $rc -eq 0 ] || { tail -40 run.out; fail "sockconf run exited $rc"; }
grep -qE "^[0-9]+ passed, 0 failed" run.out || fail "sockconf run: failures (above)"
[ -s sockconf-report/report.json ] || fail "no sockconf-report/report.json"
# The skips the profile does not explain: what this root or user lacks.
node -e 'for (const c of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).cases)
  if (c.status === "SKIP" && !/^not for profile/.test(c.message ?? "")) console.log(`  SKIP ${c.id}: ${c.message}`);' \
  sockconf-report/report.json

echo "--- sockconf serve --json"
timeout 30 sockconf serve --json > serve.out 2> serve.err &
pid=$!
for _ in $(seq 1 100); do [ -s serve.out ] && break; sleep 0.1; done
kill $pid 2>/dev/null; wait $pid 2>/dev/null
head -1 serve.out | sed 's/"ca_pem":"[^"]*",/"ca_pem":"…",/'
head -1 serve.out | grep -q '^{.*"ws' || { cat serve.err; fail "serve --json printed no JSON line with its URLs in 10 s"; }

echo "--- sockconf bench --quick"
t0=$(date +%s)
timeout 600 sockconf bench --quick --out bench.json > bench.out 2>&1; rc=$?
tail -4 bench.out
echo "exit $rc in $(( $(date +%s) - t0 )) s"
[ $rc -eq 0 ] && [ -s bench.json ] || { tail -30 bench.out; fail "sockconf bench --quick failed"; }

echo "--- sockconf run --iut \"node …/sockconf-node.mjs --module …/wx-on-ws.mjs\" (every suite), node $(node --version)"
share=/usr/share/sockconf
t0=$(date +%s)
timeout 900 sockconf run --iut "node $share/adapters/node/sockconf-node.mjs --module $share/adapters/node/examples/wx-on-ws.mjs" \
  --report-dir report-node --format json,md > node.out 2>&1; rc=$?
grep -E "^[0-9]+ passed" node.out
echo "exit $rc in $(( $(date +%s) - t0 )) s (the example is not written to pass every case: its header lists what it lacks)"
grep -q '"host": *"node"' report-node/report.json 2>/dev/null || { tail -40 node.out; fail "the Node runner did not say hello"; }
grep -q 'sockconf-node: no global WebSocket' node.out && fail "the Node runner did not find the packaged npm package ws"
[ $rc -le 1 ] || { tail -40 node.out; fail "run --iut (Node runner) exited $rc: not a verdict"; }

failed=""
for b in $BROWSERS; do
  echo "--- sockconf run --iut-page ws-browser --browser $b (ws.connect.*, ws.wss.echo-text)"
  t0=$(date +%s)
  timeout 300 sockconf run --iut-page ws-browser --browser "$b" --pages 4 --filter 'ws.connect.*,ws.wss.echo-text' \
    --report-dir "report-$b" --format json > "$b.out" 2>&1; rc=$?
  grep -E "^[0-9]+ passed" "$b.out"
  echo "exit $rc in $(( $(date +%s) - t0 )) s"
  if [ $rc -ne 0 ] || ! grep -q '"host": *"browser"' "report-$b/report.json" 2>/dev/null; then
    tail -20 "$b.out"
    # The launcher's own words: why no page said hello.
    blog=$(grep -o 'browser log: [^)]*' "$b.out" | head -1 | cut -d' ' -f3)
    [ -n "$blog" ] && [ -f "$blog" ] && { echo "  $blog:"; tail -25 "$blog" | sed 's/^/    /'; }
    echo "package_chroot: FAIL: run --iut-page ws-browser --browser $b exited $rc"
    failed="$failed $b"
    continue
  fi
  grep -E '"(engine|user_agent)": *"[^"]*"' "report-$b/report.json" | head -2 | sed 's/^ */  /'
done
[ -z "$failed" ] || fail "--iut-page with --browser$failed (above)"
EOF

cat > "$work/inner.sh" <<EOF
# In a mount and PID namespace of its own: the mounts and every process started here end with it.
set -uo pipefail
root="$root"
fail() { echo "package_chroot: FAIL: \$*"; exit 1; }
mounted=()
unmount() { for ((i = \${#mounted[@]} - 1; i >= 0; i--)); do umount -l "\${mounted[i]}" 2>/dev/null; done; }
trap unmount EXIT
mnt() { local at="\${@: -1}"; mount "\$@" && mounted+=("\$at") || fail "mount \$*"; }
mnt -t proc proc "\$root/proc"
mnt -t tmpfs -o mode=1777,size=1g shm "\$root/dev/shm"
mnt -t devpts -o newinstance,ptmxmode=0666 devpts "\$root/dev/pts"
mnt --bind -o ro /sys "\$root/sys"
# apt's download cache only (not its lists nor dpkg's state), kept between runs: a run after
# the first downloads only what changed on the mirror
mkdir -p "$work/apt-archives/partial"
mnt --bind "$work/apt-archives" "\$root/var/cache/apt/archives"
# (an array, not a function: timeout runs it)
in_root=(chroot "\$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive)

echo; echo "== 2. apt inside the root"
timeout 300 "\${in_root[@]}" apt-get update -q > "$work/apt-update.log" 2>&1 || { tail -20 "$work/apt-update.log"; fail "apt-get update"; }
echo "apt-get update: \$(grep -c '^\(Get\|Hit\)' "$work/apt-update.log") lists"
echo "\$ apt-get install -y ./$(basename "$deb")    (in /tmp of the root)"
timeout 900 "\${in_root[@]}" sh -c 'cd /tmp && apt-get install -y ./$(basename "$deb")' > "$work/apt-install.log" 2>&1 ||
  { tail -40 "$work/apt-install.log"; fail "apt-get install ./$(basename "$deb")"; }
sed -n '/^The following NEW packages will be installed:/,/^[0-9]* upgraded/p' "$work/apt-install.log"
awk '/^(Recommended|Suggested) packages:/ {p = 1; print; next} /^ / {if (p) print; next} {p = 0}' "$work/apt-install.log"
echo "\$ dpkg -s sockconf (relations)"; "\${in_root[@]}" dpkg -s sockconf | grep -E '^(Version|Depends|Recommends|Suggests):'
echo "\$ dpkg -L sockconf | head -20"; "\${in_root[@]}" dpkg -L sockconf | head -20
echo "(\$("\${in_root[@]}" dpkg -L sockconf | wc -l) paths)"
echo "nodejs: \$("\${in_root[@]}" dpkg-query -W -f='\${Version}' nodejs 2>/dev/null || echo 'not installed'); node \$("\${in_root[@]}" node --version 2>/dev/null || echo missing)"
"\${in_root[@]}" node --version >/dev/null 2>&1 || fail "apt did not install nodejs (the Recommends)"
browser_debs=""
for b in $browsers; do
  case \$b in firefox) browser_debs="\$browser_debs firefox-esr libnss3-tools" ;; chromium) browser_debs="\$browser_debs chromium" ;; esac
done
if [ -n "\$browser_debs" ]; then
  echo "\$ apt-get install -y\$browser_debs    (the Suggests)"
  timeout 900 "\${in_root[@]}" apt-get install -y \$browser_debs > "$work/apt-browsers.log" 2>&1 ||
    { tail -40 "$work/apt-browsers.log"; fail "apt-get install\$browser_debs"; }
  grep -E "^[0-9]+ upgraded, [0-9]+ newly installed" "$work/apt-browsers.log"
  for p in \$browser_debs; do echo "  \$p \$("\${in_root[@]}" dpkg-query -W -f='\${Version}' \$p)"; done
fi
"\${in_root[@]}" useradd -m -s /bin/bash tester || fail "useradd tester"
"\${in_root[@]}" runuser -u tester -- mkdir /home/tester/work

echo; echo "== 3. as user tester in ~/work, loopback only (a network namespace of its own)"
timeout 2400 unshare --net bash -c '
  ip link set lo up || exit 1
  chroot "\$0" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 /usr/sbin/runuser -u tester -- \
    /usr/bin/env HOME=/home/tester BROWSERS="$browsers" bash /tmp/runs.sh' "\$root" && echo "3 ok" >> "$status"
[ -s "\$root/home/tester/work/report-node/report.json" ] || fail "no report of the Node runner's run (above)"

echo; echo "== 4. the same Node-runner run on this machine's node \$(node --version) (the .deb unpacked with dpkg -x)"
bash "$work/compare.sh" "\$root" "$deb" "$here" && echo "4 ok" >> "$status"
EOF

# Step 4, in the namespace of steps 2-3 (the root's /proc is still mounted).
cat > "$work/compare.sh" <<'EOF'
set -uo pipefail
root=$1 deb=$2 here=$3
fail() { echo "package_chroot: FAIL: $*"; exit 1; }
runner=adapters/node/sockconf-node.mjs module=adapters/node/examples/wx-on-ws.mjs
host=$(mktemp -d /tmp/sockconf-chroot-host.XXXXXX) || exit 1
trap 'rm -rf "$host"' EXIT
chmod 755 "$host"
dpkg -x "$deb" "$host/root" || fail "dpkg -x $deb"
mkdir "$host/work" && chown 65534:65534 "$host/work"
# on_debian|on_here DIR [flags]: the Node runner's run into DIR, as an ordinary user (tester in
# the root, nobody here: a port below 1024 is refused to both), loopback only.
on_debian() {
  local dir=$1; shift
  timeout 900 unshare --net bash -c 'ip link set lo up && exec "$@"' - \
    chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin LANG=C.UTF-8 /usr/sbin/runuser -u tester -- \
    /usr/bin/env HOME=/home/tester bash -c 'cd ~/work && exec "$@"' - sockconf run \
    --iut "node /usr/share/sockconf/$runner --module /usr/share/sockconf/$module" --report-dir "$dir" --format json "$@"
}
on_here() {
  local dir=$1 share=$host/root/usr/share/sockconf; shift
  ( cd "$host/work" && timeout 900 unshare --net bash -c 'ip link set lo up && exec "$@"' - \
    setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/env -i PATH="$PATH" HOME="$host/work" LANG=C.UTF-8 \
    "$host/root/usr/bin/sockconf" run --iut "node $share/$runner --module $share/$module" --report-dir "$dir" --format json "$@" )
}
echo "as user nobody in $host/work"
on_here report-node > "$host/node.out" 2>&1
grep -E "^[0-9]+ passed" "$host/node.out"
[ -s "$host/work/report-node/report.json" ] || { tail -30 "$host/node.out"; fail "no report from the run on this machine's node"; }
debian=$root/home/tester/work
node "$here/compare_node_runs.mjs" diff "$debian/report-node/report.json" "$host/work/report-node/report.json" > "$host/diff.out" ||
  { cat "$host/diff.out"; fail "compare_node_runs.mjs diff"; }
sed '/^differ:$/,$d' "$host/diff.out"
ids=$(sed '1,/^differ:$/d' "$host/diff.out" | paste -sd, -)
if [ -n "$ids" ]; then
  for i in 1 2 3 4 5; do # one side after the other, so that both run under the same load
    on_debian "rerun-$i" --filter "$ids" > /dev/null 2>&1
    on_here "rerun-$i" --filter "$ids" > /dev/null 2>&1
  done
fi
node "$here/compare_node_runs.mjs" judge "$debian" "$host/work" ||
  fail "the Node runner's results differ between Debian's node and this machine's (above)"
EOF
timeout 5400 unshare --mount --propagation private --pid --fork bash "$work/inner.sh"
grep -q "^3 ok" "$status" || fail "as user tester in the root (step 3, above)"
grep -q "^4 ok" "$status" || fail "Debian's node against this machine's (step 4, above)"
echo; echo "package_chroot: ok ($(basename "$deb") on a clean Debian 12, $(( $(date +%s) - started )) s)"

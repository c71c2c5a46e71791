#!/usr/bin/env bash
# ctest tcp_lan_peer: the TCP cases that need a network of their own, run against
# the reference in network namespaces this script creates (nothing touches the
# host's own network):
#
#   iut  (10.77.0.1/24) --veth-- peer (10.77.0.2/24)
#   sockconf run                 sockconf serve --host 10.77.0.2 --control
#
# 1. tcp.connect.lan-non-local (TCP-CONNECT-LAN-NON-LOCAL-ALLOWED) with
#    --lan-peer 10.77.0.2:PORT: a non-local LAN address, under the wechat profile
#    and under a strict one (tcp_allow_loopback false: loopback refused, the LAN
#    still allowed); then the peer's wire log must show both connections, from
#    10.77.0.1, with the bytes the case wrote.
# 2. The ::1 cases (tcp.create.type-ipv6, tcp.create.default-ipv4-not-ipv6) pass
#    in the iut namespace, whose lo has ::1; with IPv6 switched off there
#    (net.ipv6.conf.lo.disable_ipv6=1) they are SKIP, with a reason naming ::1.
#
# Needs root or CAP_NET_ADMIN and CAP_SYS_ADMIN (ip netns): without them it exits
# 77 (ctest: skipped) saying why. The namespaces (unique per run: the PID) and
# the veth pair in them are deleted on every exit, failure included.
#
# Usage: scripts/lan-peer-test.sh [path/to/sockconf]   (default: build/bin/sockconf)
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/bin/sockconf}
ns_iut="sockconf-lan-$$-iut"
ns_peer="sockconf-lan-$$-peer"
iut_ip=10.77.0.1
peer_ip=10.77.0.2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sockconf-lan-XXXXXX")
serve_pid=""

skip() { echo "skipped: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  # Deleting a namespace deletes the veth end in it, and with it the pair.
  ip netns del "$ns_iut" 2>/dev/null
  ip netns del "$ns_peer" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

[ -x "$bin" ] || skip "no sockconf binary at $bin (build first)"
command -v ip >/dev/null || skip "iproute2's ip is not installed"
if ! err=$(ip netns add "$ns_iut" 2>&1); then
  skip "cannot create a network namespace (needs root, or CAP_NET_ADMIN and CAP_SYS_ADMIN): $err"
fi
ip netns add "$ns_peer" || fail "ip netns add $ns_peer"

# The veth pair is created inside the two namespaces, never in the host's.
ip -n "$ns_iut" link add lan0 type veth peer name lan0 netns "$ns_peer" || fail "creating the veth pair"
for ns in "$ns_iut" "$ns_peer"; do
  ip -n "$ns" link set lo up || fail "lo up in $ns"
done
ip -n "$ns_iut" addr add "$iut_ip/24" dev lan0 && ip -n "$ns_iut" link set lan0 up || fail "addressing $ns_iut"
ip -n "$ns_peer" addr add "$peer_ip/24" dev lan0 && ip -n "$ns_peer" link set lan0 up || fail "addressing $ns_peer"

# The peer: sockconf serve on the LAN address, announcing its ports as one JSON line.
ip netns exec "$ns_peer" "$bin" serve --json --control --host "$peer_ip" >"$tmp/serve.out" 2>"$tmp/serve.err" &
serve_pid=$!
for _ in $(seq 1 100); do
  grep -q '"tcp"' "$tmp/serve.out" 2>/dev/null && break
  kill -0 "$serve_pid" 2>/dev/null || fail "sockconf serve in $ns_peer ended: $(cat "$tmp/serve.err")"
  sleep 0.1
done
line=$(head -n 1 "$tmp/serve.out")
tcp_port=$(printf '%s' "$line" | grep -o '"tcp":{"host":"[^"]*","port":[0-9]*' | grep -o '[0-9]*$')
control=$(printf '%s' "$line" | grep -o '"control":"http://[^"]*"' | sed 's/.*http:\/\/\([^"]*\)"/\1/')
[ -n "$tcp_port" ] && [ -n "$control" ] || fail "sockconf serve announced no TCP port or control address: $line"
echo "peer: sockconf serve in $ns_peer, TCP echo $peer_ip:$tcp_port, control $control"

# One `sockconf run` in the iut namespace; $1: report dir name, the rest: its arguments.
run_in_iut() {
  local name=$1
  shift
  timeout 120 ip netns exec "$ns_iut" "$bin" run --home "$root" --report-dir "$tmp/$name" "$@" >"$tmp/$name.out" 2>&1
  local rc=$?
  cat "$tmp/$name.out"
  return $rc
}

# The status of case $2 in run $1, from its progress line: "[1/2] PASS          ID (12 ms)".
status_of() {
  sed -n "s/^\[ *[0-9]*\/[0-9]*\] \([A-Z-]*\) *$2 (.*/\1/p" "$tmp/$1.out"
}

expect_status() { # dir case want
  local got
  got=$(status_of "$1" "$2")
  [ "$got" = "$3" ] || fail "$2 in run $1: expected $3, got ${got:-no result}"
  echo "ok: $2 in run $1 is $3"
}

# 1. A non-local LAN address, under the shipped profile and a strict one.
run_in_iut lan --filter tcp.connect.lan-non-local --lan-peer "$peer_ip:$tcp_port" || fail "sockconf run (lan) exited $?"
expect_status lan tcp.connect.lan-non-local PASS
run_in_iut lan-strict --profile "$root/harness/test/fixtures/profiles/wechat-tcp-strict.json" \
  --filter 'tcp.connect.lan-non-local,tcp.connect.local-ip-refused' --lan-peer "$peer_ip:$tcp_port" ||
  fail "sockconf run (lan, strict profile) exited $?"
expect_status lan-strict tcp.connect.lan-non-local PASS
expect_status lan-strict tcp.connect.local-ip-refused PASS

# The peer's own record of those connections: they came across the veth pair.
wire=$(ip netns exec "$ns_iut" timeout 10 bash -c '
  exec 3<>"/dev/tcp/${1%:*}/${1#*:}" || exit 1
  printf "GET /wire?tag= HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" "$1" >&3
  cat <&3' _ "$control") || fail "reading the peer's wire log at $control"
from_iut=$(printf '%s' "$wire" | grep -o "\"remote_address\":\"$iut_ip\"" | wc -l)
echoed=$(printf '%s' "$wire" | grep -o '"bytes_received":14,' | wc -l)
[ "$from_iut" -eq 2 ] && [ "$echoed" -eq 2 ] ||
  fail "the peer's wire log should hold 2 connections from $iut_ip of 14 bytes each, got $from_iut from $iut_ip, $echoed of 14 bytes: $wire"
echo "ok: the peer saw 2 connections from $iut_ip, 14 bytes each"

# 2. ::1: there in a fresh namespace, then switched off.
v6='tcp.create.type-ipv6,tcp.create.default-ipv4-not-ipv6'
ip netns exec "$ns_iut" ip -6 addr show dev lo | grep -q '::1' || fail "no ::1 on lo in $ns_iut"
run_in_iut v6 --filter "$v6" || fail "sockconf run (::1) exited $?"
expect_status v6 tcp.create.type-ipv6 PASS
expect_status v6 tcp.create.default-ipv4-not-ipv6 PASS
ip netns exec "$ns_iut" sysctl -qw net.ipv6.conf.lo.disable_ipv6=1 || fail "switching IPv6 off on lo in $ns_iut"
ip netns exec "$ns_iut" ip -6 addr show dev lo | grep -q '::1' && fail "::1 still on lo in $ns_iut"
run_in_iut no-v6 --filter "$v6" || fail "sockconf run (no ::1) exited $?"
expect_status no-v6 tcp.create.type-ipv6 SKIP
expect_status no-v6 tcp.create.default-ipv4-not-ipv6 SKIP
grep -q 'cannot listen on \[::1\]' "$tmp/no-v6.out" || fail "the SKIP does not say that ::1 cannot be listened on"
echo "ok: without ::1 both cases SKIP, naming ::1"
echo "passed"

#!/bin/sh
# Regenerates the neighbour and FDB state captures in this directory from the running kernel: one neighbour in
# each NUD state that `ip neigh replace` can set (a DELAY entry has turned PROBE by the time it is read), and
# VXLAN FDB entries added as permanent, static and dynamic.
# Needs root and iproute2. Everything happens inside a throwaway network namespace that is deleted on every exit
# path; the root namespace is never touched.
set -eu
OUT=$(cd "$(dirname "$0")" && pwd)
NS="kpt-states-$$"
cleanup() { ip netns del "$NS" 2>/dev/null || true; }
trap cleanup EXIT INT TERM HUP
ip netns add "$NS"
n() { ip netns exec "$NS" "$@"; }
n ip link set lo up
n ip link add eth0 type veth peer name eth0-peer
n ip addr add 10.0.0.35/24 dev eth0
n ip link set eth0 up
n ip link set eth0-peer up
n ip link add flannel.1 type vxlan id 1 dstport 8472 nolearning local 10.0.0.35 dev eth0
n ip link set flannel.1 address 36:70:76:ea:39:b8
n ip addr add 172.17.89.0/32 dev flannel.1
n ip link set flannel.1 up
i=1
for state in permanent noarp reachable stale delay probe; do
  n ip neigh replace 10.0.0.$((100 + i)) lladdr 02:00:00:00:00:0$i dev eth0 nud $state
  i=$((i + 1))
done
n ip neigh replace 10.0.0.120 dev eth0 nud incomplete 2>/dev/null || true
n ip neigh replace 10.0.0.121 dev eth0 nud failed 2>/dev/null || true
n bridge fdb append 2a:2c:21:3a:58:21 dev flannel.1 dst 10.0.0.36 self permanent
n bridge fdb append b2:83:33:7b:fd:37 dev flannel.1 dst 10.0.0.33 self static
n bridge fdb append 4e:11:22:33:44:55 dev flannel.1 dst 10.0.0.34 self dynamic

n ip neigh show nud all > "$OUT/ip-neigh.txt"
n ip -j neigh show nud all > "$OUT/ip-j-neigh.json"
n bridge fdb show > "$OUT/bridge-fdb.txt"
n bridge -j fdb show > "$OUT/bridge-j-fdb.json"
uname -r > "$OUT/kernel.txt"
ip -V >> "$OUT/kernel.txt" 2>&1

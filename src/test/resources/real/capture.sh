#!/bin/sh
# Regenerates the golden inputs in this directory from the running kernel.
# Needs root, iproute2 (ip, bridge); nft is used when present. Everything happens inside a throwaway
# network namespace that is deleted on every exit path; the root namespace is never touched.
set -eu
OUT=$(cd "$(dirname "$0")" && pwd)
NS="kpt-ingest-$$"
cleanup() { ip netns del "$NS" 2>/dev/null || true; }
trap cleanup EXIT INT TERM HUP
ip netns add "$NS"
n() { ip netns exec "$NS" "$@"; }
n ip link set lo up
# underlay: a veth pair inside the namespace stands in for eth0
n ip link add eth0 type veth peer name eth0-peer
n ip addr add 10.0.0.35/24 dev eth0
n ip link set eth0 up
n ip link set eth0-peer up
n ip route add default via 10.0.0.254 dev eth0 metric 100
# docker0 bridge with one container veth
n ip link add docker0 type bridge
n ip link set docker0 mtu 1450
n ip addr add 172.17.89.1/24 dev docker0
n ip link add veth1a2b3c type veth peer name vethpod
n ip link set veth1a2b3c master docker0
n ip link set veth1a2b3c up
n ip link set vethpod up
n ip link set docker0 up
# flannel's VXLAN device the way flanneld makes it
n ip link add flannel.1 type vxlan id 1 dstport 8472 nolearning local 10.0.0.35 dev eth0
n ip link set flannel.1 address 36:70:76:ea:39:b8
n ip link set flannel.1 mtu 1450
n ip addr add 172.17.89.0/32 dev flannel.1
n ip link set flannel.1 up
n ip route add 172.17.9.0/24 via 172.17.9.0 dev flannel.1 onlink
n ip route add 172.17.83.0/24 via 172.17.83.0 dev flannel.1 onlink
n ip neigh replace 172.17.9.0 lladdr 2a:2c:21:3a:58:21 dev flannel.1 nud permanent
n ip neigh replace 172.17.83.0 lladdr b2:83:33:7b:fd:37 dev flannel.1 nud permanent
n bridge fdb append 2a:2c:21:3a:58:21 dev flannel.1 dst 10.0.0.36 self permanent
n bridge fdb append b2:83:33:7b:fd:37 dev flannel.1 dst 10.0.0.33 self permanent
# kube-proxy's IPVS dummy device
# (skipped where the kernel lacks the dummy driver)
if n ip link add kube-ipvs0 type dummy 2>/dev/null; then
  n ip addr add 10.2.0.155/32 dev kube-ipvs0
  n ip addr add 10.2.0.1/32 dev kube-ipvs0
fi
n ip route add 10.9.0.0/16 via 10.0.0.1 dev eth0 proto static metric 5 src 10.0.0.35

n ip addr > "$OUT/ip-addr.txt"
n ip -j addr > "$OUT/ip-j-addr.json"
n ip route > "$OUT/ip-route.txt"
n ip route show table all > "$OUT/ip-route-table-all.txt"
n ip -j route > "$OUT/ip-j-route.json"
n ip -j route show table all > "$OUT/ip-j-route-table-all.json"
n ip -d link > "$OUT/ip-d-link.txt"
n ip -d -j link > "$OUT/ip-d-j-link.json"
n ip neigh > "$OUT/ip-neigh.txt"
n ip -j neigh > "$OUT/ip-j-neigh.json"
n bridge fdb show > "$OUT/bridge-fdb.txt"
n bridge -j fdb show > "$OUT/bridge-j-fdb.json"
if command -v nft >/dev/null 2>&1; then
  n nft add table ip nat
  n nft add chain ip nat POSTROUTING '{ type nat hook postrouting priority 100; }'
  n nft add rule ip nat POSTROUTING ip saddr 172.17.0.0/16 ip daddr != 172.17.0.0/16 masquerade
  n nft list ruleset > "$OUT/nft-ruleset.txt"
fi
if command -v iptables-save >/dev/null 2>&1; then
  n iptables-save > "$OUT/iptables-save.txt" || true
fi
uname -r > "$OUT/kernel.txt"
ip -V >> "$OUT/kernel.txt" 2>&1

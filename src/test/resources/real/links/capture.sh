#!/bin/sh
# Regenerates the link state captures in this directory from the running kernel: devices in the states a flannel
# node's devices go through (up with carrier, up without carrier because the far end of a veth is down, down, a
# bridge whose only port is down, VXLAN and loopback without carrier detection), printed in every form a bundle's
# link.txt / addr.txt may hold. kernel.txt names the kernel and iproute2 that printed them.
# Needs root and iproute2; ifconfig (net-tools) when present. Everything happens inside a throwaway network
# namespace that is deleted on every exit path; the root namespace is never touched.
set -eu
OUT=$(cd "$(dirname "$0")" && pwd)
NS="kpt-links-$$"
cleanup() { ip netns del "$NS" 2>/dev/null || true; }
trap cleanup EXIT INT TERM HUP
ip netns add "$NS"
n() { ip netns exec "$NS" "$@"; }
n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
n ip link set lo up
# eth0: up, its far end up (state UP)
n ip link add eth0 address 00:50:56:9a:54:21 type veth peer name wire address 02:00:00:00:00:01
n ip addr add 10.0.0.35/24 dev eth0
n ip link set wire up
n ip link set eth0 up
# flannel.1: VXLAN, up; no carrier detection (state UNKNOWN)
n ip link add flannel.1 address 36:70:76:ea:39:b8 type vxlan id 1 dstport 8472 nolearning local 10.0.0.35 dev eth0
n ip addr add 172.17.89.0/32 dev flannel.1
n ip link set flannel.1 up
# flannel.2: VXLAN, left down (state DOWN)
n ip link add flannel.2 address 36:70:76:ea:39:b9 type vxlan id 2 dstport 8472 nolearning local 10.0.0.35 dev eth0
# docker0: bridge, up, with one port whose pod end is down: the port has no carrier, so neither has the bridge
n ip link add docker0 address 02:42:5c:6b:a1:3e type bridge
n ip addr add 172.17.89.1/24 dev docker0
n ip link add veth1a2b3c address 02:00:00:00:00:02 type veth peer name vethpod address 02:00:00:00:00:03
n ip link set veth1a2b3c master docker0
n ip link set veth1a2b3c up
n ip link set docker0 up
# cni0: bridge, up, no port at all
n ip link add cni0 address 02:42:5c:6b:a1:3f type bridge
n ip addr add 10.244.1.1/24 dev cni0
n ip link set cni0 up
# kube-ipvs0: as the lab makes it (a bridge left down holding the ClusterIPs)
n ip link add kube-ipvs0 address 02:00:00:00:00:04 type bridge
n ip addr add 10.96.0.1/32 dev kube-ipvs0
sleep 1 # link state changes are applied by the kernel's linkwatch shortly after
n ip -j -d link show > "$OUT/ip-j-d-link.json"
n ip -j addr show > "$OUT/ip-j-addr.json"
n ip -d link show > "$OUT/ip-d-link.txt"
n ip addr show > "$OUT/ip-addr.txt"
n ip -br link show > "$OUT/ip-br-link.txt"
n ip -br addr show > "$OUT/ip-br-addr.txt"
if command -v ifconfig >/dev/null; then n ifconfig -a > "$OUT/ifconfig-a.txt"; fi
uname -r > "$OUT/kernel.txt"
ip -V >> "$OUT/kernel.txt" 2>&1

#!/bin/sh
# Captures `traceroute -n` (traceroute 2.1) across two namespaces built like flannel nodes joined by VXLAN: node05
# (eth0 10.0.0.35, flannel.1 172.17.89.0/32) and node06 (eth0 10.0.0.36, flannel.1 172.17.9.0/32, docker0 172.17.9.1/24
# with a pod at 172.17.9.2), each with the route, neighbour and FDB entries flanneld writes for the other. Then once
# more with node06's FORWARD chain dropping the pod's traffic, and once to an address with no route. Namespaces have
# a unique prefix and are removed on every exit path. Needs root, iptables.
#
#   sudo sh scripts/capture-traceroute-goldens.sh src/test/resources/shell/traceroute
set -eu
out=${1:?usage: capture-traceroute-goldens.sh OUTDIR}
p="kptr$$"
a="$p-05"; b="$p-06"; pod="$p-pod"
cleanup() { for ns in "$a" "$b" "$pod"; do ip netns del "$ns" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
for ns in "$a" "$b" "$pod"; do
  ip netns add "$ns"
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$ns" link set lo up
done
ip link add eth0 netns "$a" type veth peer name eth0 netns "$b"
ip -n "$a" addr add 10.0.0.35/24 dev eth0; ip -n "$a" link set eth0 up
ip -n "$b" addr add 10.0.0.36/24 dev eth0; ip -n "$b" link set eth0 up
ip -n "$a" link add flannel.1 address 4a:16:fa:b6:02:8f type vxlan id 1 local 10.0.0.35 dev eth0 dstport 8472 nolearning
ip -n "$b" link add flannel.1 address b2:83:33:7b:fd:37 type vxlan id 1 local 10.0.0.36 dev eth0 dstport 8472 nolearning
ip -n "$a" addr add 172.17.89.0/32 dev flannel.1; ip -n "$a" link set flannel.1 mtu 1450 up
ip -n "$b" addr add 172.17.9.0/32 dev flannel.1; ip -n "$b" link set flannel.1 mtu 1450 up
ip -n "$a" route add 172.17.9.0/24 via 172.17.9.0 dev flannel.1 onlink
ip -n "$a" neigh add 172.17.9.0 lladdr b2:83:33:7b:fd:37 dev flannel.1 nud permanent
ip netns exec "$a" bridge fdb add b2:83:33:7b:fd:37 dev flannel.1 dst 10.0.0.36 self permanent
ip -n "$b" route add 172.17.89.0/24 via 172.17.89.0 dev flannel.1 onlink
ip -n "$b" neigh add 172.17.89.0 lladdr 4a:16:fa:b6:02:8f dev flannel.1 nud permanent
ip netns exec "$b" bridge fdb add 4a:16:fa:b6:02:8f dev flannel.1 dst 10.0.0.35 self permanent
ip -n "$b" link add docker0 type bridge
ip -n "$b" addr add 172.17.9.1/24 dev docker0; ip -n "$b" link set docker0 up
ip link add veth0 netns "$b" type veth peer name eth0 netns "$pod"
ip -n "$b" link set veth0 master docker0 up
ip -n "$pod" addr add 172.17.9.2/24 dev eth0; ip -n "$pod" link set eth0 up
ip -n "$pod" route add default via 172.17.9.1
ip netns exec "$b" sysctl -qw net.ipv4.ip_forward=1
sleep 1

run() { echo "\$ $1"; ip netns exec "$a" $2 2>&1 || true; }
{
  # -w 0.3: probes that get no answer give up sooner; the lines printed are traceroute's defaults otherwise
  run "traceroute -n 172.17.9.2" "traceroute -n -w 0.3 172.17.9.2"
  run "traceroute -n 172.17.9.0" "traceroute -n -w 0.3 172.17.9.0"
  ip netns exec "$b" iptables -A FORWARD -d 172.17.9.2 -j DROP
  sleep 6 # the ICMP rate limit (a burst of 6 per peer, one a second) refills after the runs above
  run "traceroute -n 172.17.9.2 (node06's FORWARD chain drops it)" "traceroute -n -w 0.3 172.17.9.2"
  run "traceroute -n 192.168.77.7" "traceroute -n -w 0.3 192.168.77.7"
} > "$out/commands.txt"
echo "captured into $out"

#!/bin/sh
# Captures `ip -s link` as iproute2 prints it for links that have carried no packet (the simulation counts none), on
# a namespace built like a flannel node (eth0, docker0 with a pod's veth, flannel.1) with IPv6 off, so that no
# neighbour discovery moves a counter. Namespaces have a unique prefix and are removed on every exit path. Needs root.
#
#   sudo sh scripts/capture-link-stats-goldens.sh src/test/resources/shell/linkstats
#
# Writes OUT/hosts/mcwk8s05/{link,addr,route}.txt (the host's state in the bundle's formats) and OUT/commands.txt.
set -eu
out=${1:?usage: capture-link-stats-goldens.sh OUTDIR}
p="kpls$$"
host="$p-host"; peer="$p-peer"; pod="$p-pod"
cleanup() { for ns in "$host" "$peer" "$pod"; do ip netns del "$ns" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
for ns in "$host" "$peer" "$pod"; do
  ip netns add "$ns"
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
h() { ip -n "$host" "$@"; }
ip link add eth0 netns "$host" address 00:50:56:9a:54:21 type veth peer name lan netns "$peer"
h link set lo up
h addr add 10.0.0.35/24 brd 10.0.0.255 dev eth0
h link set eth0 up
ip -n "$peer" link set lan up
h link add docker0 address 02:42:5c:6b:a1:3e type bridge
h addr add 172.17.89.1/24 dev docker0
h link set docker0 up
h link add flannel.1 address 4a:16:fa:b6:02:8f type vxlan id 1 local 10.0.0.35 dev eth0 dstport 8472 nolearning
h link set flannel.1 mtu 1450
h addr add 172.17.89.0/32 dev flannel.1
h link set flannel.1 up
sleep 1

d="$out/hosts/mcwk8s05"
mkdir -p "$d"
h addr > "$d/addr.txt"
h route show table all > "$d/route.txt"
h -d link > "$d/link.txt"
{
  # flannel.1 and lo only: eth0 names the peer namespace (a name unique to the run) and the empty docker0 counts the
  # packets it dropped for want of a carrier
  for cmd in "ip -s link show flannel.1" "ip -s -d link show flannel.1" "ip -s link show lo" "ip -s -s link show lo"; do
    echo "\$ $cmd"
    # shellcheck disable=SC2086
    ip netns exec "$host" $cmd 2>&1 || true
  done
} > "$out/commands.txt"
echo "captured into $out"

#!/bin/sh
# Captures what the real iproute2 prints for the commands `kubepath shell` answers, on a host built like a flannel
# VXLAN node of the seed cluster (mcwk8s05 after the fix: eth0 10.0.0.35/24, docker0 172.17.89.1/24 with one pod,
# flannel.1 VNI 1 with 172.17.89.0/32, onlink routes, neighbour and FDB entries to two peers), in network namespaces
# with a unique prefix that are removed on every exit path. Needs root, iproute2 and bridge.
#
#   sudo sh scripts/capture-shell-goldens.sh src/test/resources/shell/iproute2
#
# Writes OUT/hosts/mcwk8s05/{addr,route,neigh,fdb,link,sysctl}.txt (the host's state, in the bundle's formats, which the
# test reads into a simulated host) and OUT/commands.txt (each command after "$ ", then what it printed).
set -eu
out=${1:?usage: capture-shell-goldens.sh OUTDIR}
p="kpgold$$"
host="$p-host"; peer="$p-peer"; pod="$p-pod"
cleanup() { for ns in "$host" "$peer" "$pod"; do ip netns del "$ns" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
ip netns add "$host"; ip netns add "$peer"; ip netns add "$pod"
h() { ip -n "$host" "$@"; }

# underlay: eth0 to a peer namespace standing for the rest of the LAN (the gateway 10.0.0.254 and mcwk8s03)
ip link add eth0 netns "$host" address 00:50:56:9a:54:21 type veth peer name lan netns "$peer"
h link set lo up
h addr add 10.0.0.35/24 brd 10.0.0.255 dev eth0
h link set eth0 up
ip -n "$peer" addr add 10.0.0.254/24 dev lan
ip -n "$peer" addr add 10.0.0.33/24 dev lan
ip -n "$peer" link set lan up
h route add default via 10.0.0.254 dev eth0 metric 100
# docker0 with one pod's veth on it
h link add docker0 address 02:42:5c:6b:a1:3e type bridge
h addr add 172.17.89.1/24 dev docker0
h link set docker0 up
ip link add veth8f1e2d3 netns "$host" address 7e:11:22:33:44:55 type veth peer name eth0 netns "$pod"
h link set veth8f1e2d3 master docker0 up
ip -n "$pod" addr add 172.17.89.10/24 dev eth0
ip -n "$pod" link set eth0 up
# flannel.1 as flanneld creates it, and the entries it writes for its two peers
h link add flannel.1 address 4a:16:fa:b6:02:8f type vxlan id 1 local 10.0.0.35 dev eth0 dstport 8472 nolearning
h link set flannel.1 mtu 1450
h addr add 172.17.89.0/32 dev flannel.1
h link set flannel.1 up
h route add 172.17.9.0/24 via 172.17.9.0 dev flannel.1 onlink
h route add 172.17.83.0/24 via 172.17.83.0 dev flannel.1 onlink
h neigh add 172.17.9.0 lladdr 6e:9c:c8:0d:53:08 dev flannel.1 nud permanent
h neigh add 172.17.83.0 lladdr 3a:95:e9:ee:13:43 dev flannel.1 nud permanent
ip netns exec "$host" bridge fdb add 6e:9c:c8:0d:53:08 dev flannel.1 dst 10.0.0.36 self permanent
ip netns exec "$host" bridge fdb add 3a:95:e9:ee:13:43 dev flannel.1 dst 10.0.0.33 self permanent
h route add blackhole 192.168.66.0/24
h route add unreachable 192.168.77.0/24
h route add prohibit 192.168.88.0/24
h route add 192.168.99.0/24 via 10.0.0.33 dev eth0 src 172.17.89.1
h neigh replace 10.0.0.254 lladdr 00:50:56:9a:00:fe dev eth0 nud permanent
ip netns exec "$host" sysctl -qw net.ipv4.ip_forward=1
sleep 1 # let the kernel finish bringing links up (carrier, DAD) before the state is read

mkdir -p "$out/hosts/mcwk8s05"
d="$out/hosts/mcwk8s05"
h addr > "$d/addr.txt"
h route show table all > "$d/route.txt"
h neigh > "$d/neigh.txt"
ip netns exec "$host" bridge fdb show > "$d/fdb.txt"
h -d link > "$d/link.txt"
ip netns exec "$host" sysctl net.ipv4.ip_forward > "$d/sysctl.txt"

{
  for cmd in \
      "ip route get 172.17.9.5" \
      "ip route get 172.17.83.7" \
      "ip route get 172.17.89.10" \
      "ip route get 10.0.0.33" \
      "ip route get 10.0.0.35" \
      "ip route get 172.17.89.0" \
      "ip route get 127.0.0.1" \
      "ip route get 8.8.8.8" \
      "ip route get 10.0.0.255" \
      "ip route get 172.17.89.255" \
      "ip route get 192.168.66.1" \
      "ip route get 192.168.77.1" \
      "ip route get 192.168.88.1" \
      "ip route get 192.168.99.1" \
      "ip route get 172.17.9.5 from 172.17.89.1" \
      "ip route get 172.17.9.5 from 10.0.0.35" \
      "ip route get 172.17.9.5 from 10.9.9.9" \
      "ip route get 172.17.9.5 iif docker0" \
      "ip route get 172.17.9.5 from 10.0.0.35 iif docker0" \
      "ip route get 172.17.9.5 from 172.17.89.10 iif nosuchdev" \
      "ip route get 8.8.8.8 from 172.17.89.10 iif docker0" \
      "ip route get 172.17.9.5 from 172.17.89.10 iif docker0" \
      "ip route get 172.17.89.1 from 172.17.89.10 iif docker0" \
      "ip route get 192.168.66.1 from 172.17.89.10 iif docker0" \
      "ip route get 172.17.89.10 from 172.17.9.4 iif flannel.1" \
      "ip route get 10.0.0.33 from 172.17.89.10 iif docker0" \
      "ip -br addr" \
      "ip -br link" \
      "ip neigh show dev flannel.1" \
      "ip neigh show dev eth0" \
      "bridge fdb show dev flannel.1" \
      "ip -d link show flannel.1" \
      "ip link show flannel.1" \
      "ip link show nosuchdev" \
      "ip route get 300.1.1.1" \
      "ip foo" \
      "ip -z route" \
      "ip route foo" ; do
    echo "\$ $cmd"
    # shellcheck disable=SC2086
    ip netns exec "$host" $cmd 2>&1 || true
  done
  ip netns exec "$host" sysctl -qw net.ipv4.ip_forward=0
  for cmd in \
      "ip route get 172.17.9.5 from 172.17.89.10 iif docker0" ; do
    echo "\$ sysctl -w net.ipv4.ip_forward=0; $cmd"
    # shellcheck disable=SC2086
    ip netns exec "$host" $cmd 2>&1 || true
  done
} > "$out/commands.txt"
echo "captured into $out"

#!/bin/sh
# Captures tcpdump 4.99 (`tcpdump -ni DEV`) and conntrack 1.4 (`conntrack -L`) across two namespaces built like the
# seed's flannel nodes joined by VXLAN (as capture-traceroute-goldens.sh builds them): node05 (eth0 10.0.0.35,
# flannel.1 172.17.89.0/32) and node06 (eth0 10.0.0.36, flannel.1 172.17.9.0/32, docker0 172.17.9.1/24 with a pod at
# 172.17.9.2 running python's http.server on port 80). Probes go from node05: ping, curl -I to the pod, to a port
# nothing listens on, through a NodePort-like DNAT on node06 (with kube-proxy's MASQUERADE), and with node06's
# FORWARD chain dropping the pod's traffic. Each capture is taken while the probe runs, then tcpdump gets SIGINT.
# Namespaces have a unique prefix and are removed on every exit path. Needs root, iptables, tcpdump, conntrack, curl.
#
#   sudo sh scripts/capture-packet-goldens.sh src/test/resources/shell/tcpdump
set -eu
out=${1:?usage: capture-packet-goldens.sh OUTDIR}
p="kptd$$"
a="$p-05"; b="$p-06"; pod="$p-pod"
tmp=$(mktemp -d)
cleanup() {
  for pid in $(cat "$tmp"/*.pid 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  for ns in "$a" "$b" "$pod"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$tmp"
}
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
ip -n "$b" addr add 172.17.9.1/24 dev docker0; ip -n "$b" link set docker0 mtu 1450 up
ip link add veth0 netns "$b" type veth peer name eth0 netns "$pod"
ip -n "$b" link set veth0 master docker0 up
ip -n "$pod" addr add 172.17.9.2/24 dev eth0; ip -n "$pod" link set eth0 mtu 1450 up
ip -n "$b" link set veth0 mtu 1450
ip -n "$pod" route add default via 172.17.9.1
ip netns exec "$b" sysctl -qw net.ipv4.ip_forward=1
# the neighbours of the underlay and the bridge resolved before any capture: the captures hold the probe's packets only
ip -n "$a" neigh replace 10.0.0.36 lladdr "$(ip -n "$b" -br link show eth0 | awk '{print $3}')" dev eth0 nud permanent
ip -n "$b" neigh replace 10.0.0.35 lladdr "$(ip -n "$a" -br link show eth0 | awk '{print $3}')" dev eth0 nud permanent
ip -n "$b" neigh replace 172.17.9.2 lladdr "$(ip -n "$pod" -br link show eth0 | awk '{print $3}')" dev docker0 nud permanent
ip -n "$pod" neigh replace 172.17.9.1 lladdr "$(ip -n "$b" -br link show docker0 | awk '{print $3}')" dev eth0 nud permanent
mkdir -p "$tmp/www"
(cd "$tmp/www" && ip netns exec "$pod" python3 -m http.server 80 >/dev/null 2>&1 & echo $! > "$tmp/http.pid")
# the NodePort of kube-proxy's iptables mode, reduced to its effect: DNAT to the pod and MASQUERADE (mark 0x4000)
ip netns exec "$b" iptables -t nat -A PREROUTING -d 10.0.0.36/32 -p tcp --dport 30080 -j MARK --set-xmark 0x4000/0x4000
ip netns exec "$b" iptables -t nat -A PREROUTING -d 10.0.0.36/32 -p tcp --dport 30080 -j DNAT --to-destination 172.17.9.2:80
ip netns exec "$b" iptables -t nat -A POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE
# kube-proxy's MASQUERADE rule on node05 too: with a nat rule the namespace's connection tracking is on, as on a node
ip netns exec "$a" iptables -t nat -A POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE
sleep 2

# capture NAME NS DEV PROBE: tcpdump -ni DEV in NS while node05 runs PROBE; tcpdump's own lines (stderr) and the packets
capture() {
  name=$1; ns=$2; dev=$3; shift 3
  ip netns exec "$ns" tcpdump -ni "$dev" >"$tmp/td.out" 2>"$tmp/td.err" &
  echo $! > "$tmp/td.pid"
  sleep 1
  ip netns exec "$a" "$@" >/dev/null 2>&1 || true
  sleep 1
  kill -INT "$(cat "$tmp/td.pid")"; wait "$(cat "$tmp/td.pid")" || true
  rm -f "$tmp/td.pid"
  echo "\$ tcpdump -ni $dev ($name)"
  head -n 2 "$tmp/td.err"
  cat "$tmp/td.out"
  tail -n +3 "$tmp/td.err"
}
ct() { echo "\$ conntrack $1 ($2)"; ip netns exec "$3" conntrack $1 2>&1 || true; }
{
  capture "node05, ping -c 2 172.17.9.2" "$a" eth0 ping -c 2 172.17.9.2
  capture "node05, ping -c 2 172.17.9.2" "$a" flannel.1 ping -c 2 172.17.9.2
  capture "node06, ping -c 2 172.17.9.2" "$b" docker0 ping -c 2 172.17.9.2
  capture "node05, curl -I 172.17.9.2" "$a" eth0 curl -sI http://172.17.9.2/
  capture "node05, curl -I 172.17.9.2" "$a" flannel.1 curl -sI http://172.17.9.2/
  capture "node06, curl -I 172.17.9.2" "$b" docker0 curl -sI http://172.17.9.2/
  capture "node05, curl -I 172.17.9.2:81" "$a" flannel.1 curl -sI http://172.17.9.2:81/
  ct "-L" "node05, after ping -c 2, curl -I and curl -I :81 to 172.17.9.2" "$a"
  ct "-L" "node06, after ping -c 2, curl -I and curl -I :81 to 172.17.9.2" "$b"
  ip netns exec "$a" conntrack -F 2>/dev/null; ip netns exec "$b" conntrack -F 2>/dev/null
  capture "node06, curl -I 10.0.0.36:30080" "$b" eth0 curl -sI http://10.0.0.36:30080/
  capture "node06, curl -I 10.0.0.36:30080" "$b" docker0 curl -sI http://10.0.0.36:30080/
  ct "-L" "node06, after curl -I 10.0.0.36:30080" "$b"
  ct "-L -p tcp" "node06, after curl -I 10.0.0.36:30080" "$b"
  ct "-L -d 10.0.0.36" "node06, after curl -I 10.0.0.36:30080" "$b"
  ct "-L -p tcp" "node05, after curl -I 10.0.0.36:30080" "$a"
  ip netns exec "$a" conntrack -F 2>/dev/null; ip netns exec "$b" conntrack -F 2>/dev/null
  ip netns exec "$a" curl -s --max-time 1 -I http://10.0.0.36:30080/ >/dev/null 2>&1 &
  ip netns exec "$b" iptables -I FORWARD -d 172.17.9.2 -j DROP
  ip netns exec "$a" curl -s --max-time 1 -I http://10.0.0.36:30080/ >/dev/null 2>&1 || true
  ct "-L -p tcp" "node06, a curl -I 10.0.0.36:30080 whose SYN its FORWARD chain drops" "$b"
  ip netns exec "$b" iptables -D FORWARD -d 172.17.9.2 -j DROP
  ct "-L -p udp" "node06" "$b"
  ct "-L --bogus" "node06" "$b"
  ct "-L -p" "node06" "$b"
  ct "-L -d 10.0.0" "node06" "$b"
  ct "-L -d bogus" "node06" "$b"
  ct "-L -p sctpx" "node06" "$b"
  ct "-Z" "node06" "$b"
  ip netns exec "$b" iptables -I FORWARD -d 172.17.9.2 -j DROP
  capture "node05, curl -I 172.17.9.2 (node06's FORWARD chain drops it)" "$a" eth0 curl -sI --max-time 4 http://172.17.9.2/
  capture "node06, curl -I 172.17.9.2 (node06's FORWARD chain drops it)" "$b" docker0 curl -sI --max-time 4 http://172.17.9.2/
  echo "\$ tcpdump -ni nosuch0"; ip netns exec "$a" tcpdump -ni nosuch0 2>&1 || true
  echo "\$ tcpdump -ni eth0 -k"; ip netns exec "$a" tcpdump -ni eth0 -k 2>&1 | grep -v '^OpenSSL' || true
  echo "\$ tcpdump -ni eth0 -c x"; ip netns exec "$a" tcpdump -ni eth0 -c x 2>&1 || true
  echo "\$ tcpdump -ni eth0 bogus"; ip netns exec "$a" timeout 2 tcpdump -ni eth0 bogus 2>&1 || true
} > "$out/commands.txt"
echo "captured into $out"

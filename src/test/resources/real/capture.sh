#!/bin/sh
# Regenerates the golden inputs in this directory from the running kernel.
# Needs root, iproute2 (ip, bridge); nft, net-tools (route, netstat, arp), iptables and ipset are used when present. Everything happens inside a throwaway
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
# net-tools, ip -br, iptables, ipset: the host formats operators paste (net-*.txt). Each is skipped where its tool is
# missing. A neighbour that stays incomplete and a route to a name from /etc/networks show those forms too.
n ip neigh replace 10.0.0.99 dev eth0 nud incomplete 2>/dev/null || true
n ip route add 169.254.0.0/16 dev eth0 metric 1000
if command -v route >/dev/null 2>&1; then
  n route > "$OUT/net-route.txt"
  n netstat -rn > "$OUT/net-netstat-rn.txt"
  n arp -an > "$OUT/net-arp-an.txt"
  n arp -n > "$OUT/net-arp-n.txt"
fi
n ip -br addr > "$OUT/net-ip-br-addr.txt"
n ip -br link > "$OUT/net-ip-br-link.txt"
n bridge fdb show dev flannel.1 > "$OUT/net-bridge-fdb-dev.txt"
if command -v ipset >/dev/null 2>&1 && command -v iptables >/dev/null 2>&1; then
  n nft delete table ip nat 2>/dev/null || true   # the nft example's table; iptables-nft makes its own
  # kube-proxy's IPVS-mode rules (v1.28 shapes): ipset matches, --or-mark, ! --mark, ! --ctstate, -m recent
  n ipset create KUBE-CLUSTER-IP hash:ip,port
  n ipset add KUBE-CLUSTER-IP 10.2.0.155,tcp:2024
  n ipset add KUBE-CLUSTER-IP 10.2.0.1,tcp:443
  n ipset create KUBE-NODE-PORT-TCP bitmap:port range 0-65535
  n ipset add KUBE-NODE-PORT-TCP 30080
  n ipset create KUBE-LOOP-BACK hash:ip,port,ip
  n ipset add KUBE-LOOP-BACK 172.17.89.10,tcp:20000,172.17.89.10
  n iptables -P FORWARD DROP
  n iptables -N KUBE-FORWARD
  n iptables -A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
  n iptables -A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
  n iptables -A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
  n iptables -A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
  n iptables -A FORWARD -s 172.17.0.0/16 -m conntrack ! --ctstate INVALID -j ACCEPT
  n iptables -t nat -N KUBE-SERVICES
  n iptables -t nat -N KUBE-MARK-MASQ
  n iptables -t nat -N KUBE-POSTROUTING
  n iptables -t nat -N KUBE-NODE-PORT
  n iptables -t nat -N KUBE-SVC-DEMO
  n iptables -t nat -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
  n iptables -t nat -A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
  n iptables -t nat -A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
  n iptables -t nat -A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE
  n iptables -t nat -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
  n iptables -t nat -A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
  n iptables -t nat -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
  n iptables -t nat -A KUBE-SERVICES ! -s 172.17.0.0/16 -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ
  n iptables -t nat -A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT
  n iptables -t nat -A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port for masquerade purpose" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ
  n iptables -t nat -A KUBE-SVC-DEMO -m recent --name KUBE-SEP-DEMO --mask 255.255.255.255 --rsource --rcheck --seconds 10800 --reap -j KUBE-MARK-MASQ
  n ipset list > "$OUT/net-ipset-list.txt"
  n ipset save > "$OUT/net-ipset-save.txt"
  n iptables -L -n -v > "$OUT/net-iptables-l-n-v.txt"
  n iptables -t nat -L -n -v > "$OUT/net-iptables-t-nat-l-n-v.txt"
  n iptables -S > "$OUT/net-iptables-s.txt"
  n iptables -t nat -S > "$OUT/net-iptables-t-nat-s.txt"
  n iptables-save | grep -- '-A KUBE-' > "$OUT/net-iptables-save-grep.txt"
  n iptables-save > "$OUT/net-iptables-save.txt"
fi
uname -r > "$OUT/kernel.txt"
ip -V >> "$OUT/kernel.txt" 2>&1
{ iptables -V; ipset -v; } >> "$OUT/kernel.txt" 2>&1 || true

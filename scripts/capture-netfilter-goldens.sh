#!/bin/sh
# Captures what the real iptables (legacy, as on the seed's CentOS 7 hosts) and ipset print for the commands
# `kubepath shell` answers from a host's rules: every rule form kube-proxy 1.15 (iptables and IPVS modes), flannel and
# docker write in the simulation is loaded with iptables-restore into a network namespace with a unique prefix, which
# is removed on every exit path (the root namespace's firewall is never touched). Needs root, iptables, ipset.
#
#   sudo sh scripts/capture-netfilter-goldens.sh src/test/resources/shell/netfilter
#
# Writes OUT/hosts/mcwk8s05/{iptables,ipset}.txt (the namespace's state as iptables-save and ipset list print it,
# which the test reads into a host with the bundle parsers) and OUT/commands.txt (each command after "$ ", then what it
# printed). The namespace has seen no traffic, so every counter is 0, as the simulation's are.
set -eu
out=${1:?usage: capture-netfilter-goldens.sh OUTDIR}
p="kpnf$$"
ns="$p-host"
cleanup() { ip netns del "$ns" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
ip netns add "$ns"
x() { ip netns exec "$ns" "$@"; }

x ipset create KUBE-CLUSTER-IP hash:ip,port
x ipset add KUBE-CLUSTER-IP 10.2.0.1,tcp:443
x ipset add KUBE-CLUSTER-IP 10.2.0.155,tcp:2024
x ipset create KUBE-NODE-PORT-TCP bitmap:port range 0-65535
x ipset add KUBE-NODE-PORT-TCP 30080

# the nat chains are declared out of order, so the captured listings show the order iptables gives them
x iptables-legacy-restore <<'RULES'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-SVC-XJ6MXCSM3LA5NAZX - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-NODE-PORT - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SEP-6JRAKVMEBKZOK4XA - [0:0]
:KUBE-SEP-IFZ3L7Y3V4ZHUIBZ - [0:0]
:KUBE-SEP-Q7LZC2BYNNGFBN4Y - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-NPX46M4PTMTKRN6Y - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A POSTROUTING -s 172.17.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port for masquerade purpose" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ
-A KUBE-NODEPORTS -p tcp -m comment --comment "default/mcwtest-svc:" -m tcp --dport 30080 -j KUBE-MARK-MASQ
-A KUBE-NODEPORTS -p tcp -m comment --comment "default/mcwtest-svc:" -m tcp --dport 30080 -j KUBE-SVC-XJ6MXCSM3LA5NAZX
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE
-A KUBE-SEP-6JRAKVMEBKZOK4XA -s 172.17.89.10/32 -m comment --comment "default/mcwtest-svc:" -j KUBE-MARK-MASQ
-A KUBE-SEP-6JRAKVMEBKZOK4XA -p tcp -m comment --comment "default/mcwtest-svc:" -m tcp -j DNAT --to-destination 172.17.89.10:80
-A KUBE-SEP-IFZ3L7Y3V4ZHUIBZ -s 172.17.9.4/32 -m comment --comment "default/mcwtest-svc:" -j KUBE-MARK-MASQ
-A KUBE-SEP-IFZ3L7Y3V4ZHUIBZ -p tcp -m comment --comment "default/mcwtest-svc:" -m tcp -j DNAT --to-destination 172.17.9.4:80
-A KUBE-SEP-Q7LZC2BYNNGFBN4Y -s 10.0.0.33/32 -m comment --comment "default/kubernetes:https" -j KUBE-MARK-MASQ
-A KUBE-SEP-Q7LZC2BYNNGFBN4Y -p tcp -m comment --comment "default/kubernetes:https" -m recent --set --name KUBE-SEP-Q7LZC2BYNNGFBN4Y --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.0.0.33:6443
-A KUBE-SERVICES ! -s 172.17.0.0/16 -d 10.2.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-MARK-MASQ
-A KUBE-SERVICES -d 10.2.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y
-A KUBE-SERVICES ! -s 172.17.0.0/16 -d 10.2.0.155/32 -p tcp -m comment --comment "default/mcwtest-svc: cluster IP" -m tcp --dport 2024 -j KUBE-MARK-MASQ
-A KUBE-SERVICES -d 10.2.0.155/32 -p tcp -m comment --comment "default/mcwtest-svc: cluster IP" -m tcp --dport 2024 -j KUBE-SVC-XJ6MXCSM3LA5NAZX
-A KUBE-SERVICES ! -s 172.17.0.0/16 -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ
-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-SVC-NPX46M4PTMTKRN6Y -m comment --comment "default/kubernetes:https" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-Q7LZC2BYNNGFBN4Y --mask 255.255.255.255 --rsource -j KUBE-SEP-Q7LZC2BYNNGFBN4Y
-A KUBE-SVC-NPX46M4PTMTKRN6Y -m comment --comment "default/kubernetes:https" -j KUBE-SEP-Q7LZC2BYNNGFBN4Y
-A KUBE-SVC-XJ6MXCSM3LA5NAZX -m comment --comment "default/mcwtest-svc:" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-6JRAKVMEBKZOK4XA
-A KUBE-SVC-XJ6MXCSM3LA5NAZX -m comment --comment "default/mcwtest-svc:" -j KUBE-SEP-IFZ3L7Y3V4ZHUIBZ
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-SERVICES - [0:0]
-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i docker0 ! -o docker0 -j ACCEPT
-A FORWARD -i docker0 -o docker0 -j ACCEPT
-A FORWARD -s 172.17.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT
-A FORWARD -d 172.17.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT
-A FORWARD -m mark ! --mark 0x8000/0x8000 -j RETURN
-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "default/empty-svc: has no endpoints" -m addrtype --dst-type LOCAL -m tcp --dport 30090 -j REJECT --reject-with icmp-port-unreachable
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -s 172.17.0.0/16 -m comment --comment "kubernetes forwarding conntrack pod source rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A KUBE-SERVICES -d 10.2.0.200/32 -p tcp -m comment --comment "default/empty-svc: has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable
COMMIT
RULES

mkdir -p "$out/hosts/mcwk8s05"
x iptables-legacy-save | grep -v '^#' > "$out/hosts/mcwk8s05/iptables.txt"
x ipset list > "$out/hosts/mcwk8s05/ipset.txt"

{
  for cmd in \
      "iptables -L -n" \
      "iptables -t nat -L -n" \
      "iptables -L -n -v" \
      "iptables -t nat -L -n -v" \
      "iptables -L -n --line-numbers" \
      "iptables -t nat -L -n -v --line-numbers" \
      "iptables -L FORWARD -n" \
      "iptables -t nat -L KUBE-SERVICES -n" \
      "iptables -t nat -L KUBE-SVC-XJ6MXCSM3LA5NAZX -n -v" \
      "iptables -nvL FORWARD" \
      "iptables -t nat -nL POSTROUTING --line-numbers" \
      "iptables -S" \
      "iptables -t nat -S" \
      "iptables -S FORWARD" \
      "iptables -t nat -S KUBE-SEP-6JRAKVMEBKZOK4XA" \
      "iptables -t mangle -L -n" \
      "iptables -t raw -S" \
      "iptables -L NOSUCH -n" \
      "iptables -S NOSUCH" \
      "iptables -t nosuch -L -n" \
      "iptables -L -n --foo" \
      "iptables -L -n -z" \
      "iptables -n" \
      "iptables -t nat -L KUBE-SVC-NPX46M4PTMTKRN6Y -n --line-numbers" \
      "ipset list" \
      "ipset list KUBE-NODE-PORT-TCP" \
      "ipset list NOSUCH" ; do
    echo "\$ $cmd"
    # shellcheck disable=SC2086
    set -- $cmd
    tool=$1; shift
    [ "$tool" = iptables ] && tool=iptables-legacy
    x "$tool" "$@" 2>&1 || true
  done
} > "$out/commands.txt"
echo "captured into $out"

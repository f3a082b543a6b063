#!/bin/sh
# Captures what the real dig and nslookup (bind9 9.18, Debian's dnsutils) print for the queries `kubepath shell`
# answers, against a DNS responder standing for CoreDNS (src/main/resources/dev/kubepath/lab/dns_responder.py: aa,
# ttl 30, NXDOMAIN with the zone's SOA), in a network namespace with a unique prefix removed on every exit path.
# The namespace's /etc/resolv.conf is a pod's as the kubelet writes it (/etc/netns/NS/resolv.conf, which ip netns exec
# mounts). 10.96.0.10 answers, 10.96.0.11 takes queries and never answers (a timeout), on 10.96.0.12 nothing listens
# (ICMP port unreachable), 10.96.1.1 is behind an unreachable route (host unreachable). Needs root, iproute2, python3, dig and nslookup.
#
#   sudo sh scripts/capture-dns-goldens.sh src/test/resources/shell/dns
#
# Writes OUT/commands.txt: each command after "$ ", then what it printed, then "[exit N]".
set -eu
out=${1:?usage: capture-dns-goldens.sh OUTDIR}
here=$(cd "$(dirname "$0")/.." && pwd)
ns="kpdns$$"
pids=""
ready=$(mktemp)
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "/etc/netns/$ns" "$ready"
}
trap cleanup EXIT INT TERM
ip netns add "$ns"
mkdir -p "/etc/netns/$ns"
printf 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n' > "/etc/netns/$ns/resolv.conf"
ip -n "$ns" link set lo up
for a in 10.96.0.10 10.96.0.11 10.96.0.12; do ip -n "$ns" addr add "$a/32" dev lo; done
ip -n "$ns" route add unreachable 10.96.1.0/24
ip netns exec "$ns" python3 "$here/src/main/resources/dev/kubepath/lab/dns_responder.py" 10.96.0.10 53 cluster.local \
    kubernetes.default.svc.cluster.local=10.96.0.1 kube-dns.kube-system.svc.cluster.local=10.96.0.10 \
    web.default.svc.cluster.local=10.96.45.7 > "$ready" &
pids="$pids $!"
ip netns exec "$ns" python3 -c 'import socket,time
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("10.96.0.11",53))
while True: s.recvfrom(4096)' &
pids="$pids $!"
for i in 1 2 3 4 5 6 7 8 9 10; do grep -q ready "$ready" 2>/dev/null && break; sleep 0.5; done
mkdir -p "$out"
: > "$out/commands.txt"
run() {
    printf '$ %s\n' "$*" >> "$out/commands.txt"
    set +e
    ip netns exec "$ns" "$@" >> "$out/commands.txt" 2>&1
    rc=$?
    set -e
    printf '[exit %s]\n' "$rc" >> "$out/commands.txt"
}
run nslookup kubernetes.default
run nslookup web.default.svc.cluster.local 10.96.0.10
run nslookup nosuch.default
run nslookup kubernetes.default 10.96.0.11
run nslookup kubernetes.default 10.96.0.12
run dig kubernetes.default.svc.cluster.local
run dig +short web.default.svc.cluster.local @10.96.0.10
run dig nosuch.default.svc.cluster.local
run dig +short kubernetes.default.svc.cluster.local @10.96.0.11
run dig kubernetes.default.svc.cluster.local @10.96.0.11
run dig kubernetes.default.svc.cluster.local @10.96.0.12
run dig +short kubernetes.default.svc.cluster.local @10.96.0.12
run nslookup kubernetes.default 10.96.1.1
run dig +short kubernetes.default.svc.cluster.local @10.96.1.1

#!/bin/sh
# Regenerates the etcdctl outputs in this directory from a real etcd (Debian etcd-server 3.4, v2 API enabled)
# started on a free loopback port with a throwaway data directory, removed on every exit path.
# The leases are written the way flanneld writes them: v2 keys with a TTL, v3 keys bound to an etcd lease.
set -eu
OUT=$(cd "$(dirname "$0")" && pwd)
DATA=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$DATA"; }
trap cleanup EXIT INT TERM HUP
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
C=$(free_port); P=$(free_port)
EP="http://127.0.0.1:$C"
etcd --name capture --data-dir "$DATA/etcd" --enable-v2=true --log-level error \
  --listen-client-urls "$EP" --advertise-client-urls "$EP" \
  --listen-peer-urls "http://127.0.0.1:$P" --initial-advertise-peer-urls "http://127.0.0.1:$P" \
  --initial-cluster "capture=http://127.0.0.1:$P" >"$DATA/etcd.log" 2>&1 &
PID=$!
i=0; until ETCDCTL_API=3 etcdctl --endpoints "$EP" endpoint health >/dev/null 2>&1; do
  i=$((i+1)); [ $i -lt 100 ] || { cat "$DATA/etcd.log"; exit 1; }; sleep 0.1; done
v2() { ETCDCTL_API=2 etcdctl --endpoints "$EP" "$@"; }
v3() { ETCDCTL_API=3 etcdctl --endpoints "$EP" "$@"; }
K=/coreos.com/network
CONFIG='{"Network":"10.244.0.0/16","Backend":{"Type":"vxlan"}}'
L1='{"PublicIP":"192.168.56.11","BackendType":"vxlan","BackendData":{"VtepMAC":"5e:0b:33:a6:71:2c"}}'
L2='{"PublicIP":"192.168.56.12","BackendType":"vxlan","BackendData":{"VtepMAC":"9a:41:c7:02:e8:5f"}}'
L3='{"PublicIP":"192.168.56.13","BackendType":"host-gw","BackendData":null}'
v2 set $K/config "$CONFIG" >/dev/null
v2 set --ttl 86400 $K/subnets/10.244.1.0-24 "$L1" >/dev/null
v2 set --ttl 86400 $K/subnets/10.244.2.0-24 "$L2" >/dev/null
v2 set --ttl 86400 $K/subnets/10.244.3.0-24 "$L3" >/dev/null
v3 put $K/config "$CONFIG" >/dev/null
LEASE=$(v3 lease grant 86400 | awk '{print $2}')
v3 put --lease="$LEASE" $K/subnets/10.244.1.0-24 "$L1" >/dev/null
v3 put --lease="$LEASE" $K/subnets/10.244.2.0-24 "$L2" >/dev/null
v3 put --lease="$LEASE" $K/subnets/10.244.3.0-24 "$L3" >/dev/null
# each file: the command as typed, then what etcdctl printed (stdout and stderr)
run() { f=$1; shift; { echo "\$ $*"; env "$@" 2>&1 || true; } | sed "s#$EP#http://127.0.0.1:2379#g" >"$OUT/$f"; }
E="--endpoints=$EP"
run v2-ls.txt ETCDCTL_API=2 etcdctl "$E" ls $K/subnets
run v2-get.txt ETCDCTL_API=2 etcdctl "$E" get $K/subnets/10.244.2.0-24
# a v2 session without ls: one get per key, one of them for a lease that has expired
{ for s in 10.244.1.0-24 10.244.3.0-24 10.244.9.0-24; do
    echo "\$ ETCDCTL_API=2 etcdctl $E get $K/subnets/$s"; v2 get $K/subnets/$s 2>&1 || true; done; } \
  | sed "s#$EP#http://127.0.0.1:2379#g" >"$OUT/v2-get-several.txt"
run v2-get-missing.txt ETCDCTL_API=2 etcdctl "$E" get $K/subnets/10.244.9.0-24
run v3-get-prefix.txt ETCDCTL_API=3 etcdctl "$E" get --prefix $K/subnets
run v3-get-prefix-values.txt ETCDCTL_API=3 etcdctl "$E" get --prefix --print-value-only $K/subnets
run v3-get-prefix-keys.txt ETCDCTL_API=3 etcdctl "$E" get --prefix --keys-only $K/subnets
run v3-get-prefix-json.txt ETCDCTL_API=3 etcdctl "$E" get --prefix -w json $K/subnets
run v3-get-prefix-json-keys.txt ETCDCTL_API=3 etcdctl "$E" get --prefix -w json --keys-only $K/subnets
run v3-get-prefix-limit-json.txt ETCDCTL_API=3 etcdctl "$E" get --prefix -w json --limit=2 $K/subnets
run v3-get-prefix-empty.txt ETCDCTL_API=3 etcdctl "$E" get --prefix /atomic.io/network/subnets

#!/bin/sh
# Captures what etcdctl (3.4, both APIs) prints when the etcd at its endpoint cannot be reached: what the shell
# prints when the cluster's etcd is down or --endpoints names another address. Port 1 on loopback is closed.
#
#   sh scripts/capture-etcdctl-goldens.sh src/test/resources/shell/etcdctl
set -eu
out=${1:?usage: capture-etcdctl-goldens.sh OUTDIR}
{
  echo '$ etcdctl --endpoints http://127.0.0.1:1 ls /coreos.com/network/subnets'
  ETCDCTL_API=2 etcdctl --endpoints http://127.0.0.1:1 ls /coreos.com/network/subnets 2>&1 || true
  echo '$ ETCDCTL_API=3 etcdctl --endpoints http://127.0.0.1:1 get --prefix /coreos.com/network/subnets'
  ETCDCTL_API=3 etcdctl --endpoints http://127.0.0.1:1 --dial-timeout 1s get --prefix /coreos.com/network/subnets 2>&1 || true
} > "$out/commands.txt"
echo "captured into $out"

#!/usr/bin/env bash
# Runs kubepath's whole test suite. As root on a fresh Debian machine it first installs what the tests use for
# real: etcd (the registry tests start their own server on loopback), iproute2, nftables, ping, curl, tcpdump and
# python3 (the lab tests build network namespaces with an HTTP server in every pod), and Chromium (the report's
# page test).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

need=()
command -v etcd >/dev/null || need+=(etcd-server)
command -v etcdctl >/dev/null || need+=(etcd-client)
command -v ip >/dev/null || need+=(iproute2)
command -v nft >/dev/null || need+=(nftables)
command -v ping >/dev/null || need+=(iputils-ping)
command -v curl >/dev/null || need+=(curl)
command -v tcpdump >/dev/null || need+=(tcpdump)
command -v chromium >/dev/null || need+=(chromium)
command -v mvn >/dev/null || need+=(maven)
[ -x /usr/bin/python3 ] || need+=(python3)   # the lab's pods serve HTTP with it
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "kubepath test: installing ${need[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "kubepath test: missing ${need[*]}; the tests that need them will be skipped (run as root to install)" >&2
  fi
fi

source "$here/scripts/jdk.sh"
cd "$here"
exec mvn -B -ntp verify "$@"

#!/bin/sh
# kubepath collector: writes what kubepath needs to diagnose a cluster network as a bundle (docs/bundle-format.md).
#
#   sh collect.sh [--host NAME] OUTDIR        this host's network state into OUTDIR/hosts/NAME/ (default: hostname)
#   sh collect.sh --cluster [--etcd-prefix P] [--etcd-api 2|3] [--etcd-endpoints URLS] OUTDIR
#                                             cluster objects (kubectl) and flannel's leases (etcdctl) into OUTDIR/cluster/
#
# Read-only: it runs only show/list/get commands (ip ... show, bridge fdb show, ipvsadm -Ln, iptables-save, ipset
# list, nft list ruleset, sysctl NAME, systemctl is-active/show, kubectl get, etcdctl ls/get) and changes nothing. Secrets stay on the node: no
# environment values (pods are listed as a table, never as JSON with their env), no tokens, no certificates or keys
# (etcdctl and kubectl use their own configuration; nothing of it is written), and subnet.env keeps only FLANNEL_*.
# A tool that is missing is skipped: its file is left out, so kubepath treats that state as unknown, not empty.
set -eu

usage() { echo "usage: sh collect.sh [--host NAME] OUTDIR | sh collect.sh --cluster [--etcd-prefix P] [--etcd-api 2|3] [--etcd-endpoints URLS] OUTDIR" >&2; exit 2; }

cluster=0
host=""
prefix="/coreos.com/network"
api="${ETCDCTL_API:-2}"
endpoints=""
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --cluster) cluster=1 ;;
    --host) [ $# -ge 2 ] || usage; host="$2"; shift ;;
    --etcd-prefix) [ $# -ge 2 ] || usage; prefix="$2"; shift ;;
    --etcd-api) [ $# -ge 2 ] || usage; api="$2"; shift ;;
    --etcd-endpoints) [ $# -ge 2 ] || usage; endpoints="$2"; shift ;;
    -h|--help) usage ;;
    -*) echo "collect.sh: unknown option $1" >&2; usage ;;
    *) [ -z "$out" ] || usage; out="$1" ;;
  esac
  shift
done
[ -n "$out" ] || usage

have() { command -v "$1" >/dev/null 2>&1; }

# run CMD... > FILE, keeping the file only when the command worked (a failed tool leaves its facet unknown)
save() {
  file="$1"; shift
  if "$@" > "$file.tmp" 2>/dev/null; then mv "$file.tmp" "$file"; else rm -f "$file.tmp"; echo "collect.sh: skipped $(basename "$file"): '$*' failed" >&2; fi
}

collect_host() {
  [ -n "$host" ] || host=$(hostname 2>/dev/null || uname -n)
  dir="$out/hosts/$host"
  mkdir -p "$dir"
  save "$dir/addr.txt" ip addr show
  save "$dir/link.txt" ip -d link show
  save "$dir/route.txt" ip route show table all
  save "$dir/neigh.txt" ip neigh show
  if have bridge; then save "$dir/fdb.txt" bridge fdb show; fi
  if have ipvsadm; then save "$dir/ipvs.txt" ipvsadm -Ln; fi
  if have iptables-save; then save "$dir/iptables.txt" iptables-save; fi
  if have ipset; then save "$dir/ipset.txt" ipset list; fi   # the sets kube-proxy's IPVS-mode rules match
  if have nft; then save "$dir/nft.txt" nft list ruleset; fi  # kube-proxy's nftables mode, iptables-nft's tables
  # the kubelet's failed pod sandboxes (a CNI ADD that failed: cni0's address, subnet.env), and nothing else of its log
  if have journalctl; then
    save "$dir/kubelet.log" sh -c 'journalctl -u kubelet -u k3s -u k3s-agent --no-pager -n 20000 | grep -F "CreatePodSandbox" | tail -n 200; true'
  fi
  if have sysctl; then
    : > "$dir/sysctl.txt"
    # rp_filter of every device too (the kernel takes the larger of all's and the device's; sysctl names flannel.1's
    # key net.ipv4.conf.flannel/1.rp_filter); bridge-nf-call-iptables is absent when br_netfilter is not loaded
    rp=$(ls /proc/sys/net/ipv4/conf 2>/dev/null | grep -v '^all$' | tr . / | sed 's/.*/net.ipv4.conf.&.rp_filter/')
    for k in net.ipv4.ip_forward net.ipv4.conf.all.rp_filter $rp net.bridge.bridge-nf-call-iptables net.ipv4.vs.conntrack; do
      sysctl "$k" 2>/dev/null >> "$dir/sysctl.txt" || true
    done
    [ -s "$dir/sysctl.txt" ] || rm -f "$dir/sysctl.txt"
  fi
  if have systemctl && systemctl list-units >/dev/null 2>&1; then
    : > "$dir/units.txt"
    for u in flanneld docker kubelet kube-proxy etcd; do
      load=$(systemctl show -p LoadState --value "$u.service" 2>/dev/null || echo unknown)
      if [ "$load" = "not-found" ]; then state=not-found; else state=$(systemctl is-active "$u.service" 2>/dev/null || true); fi
      case "$state" in active|inactive|failed|not-found|activating|deactivating) echo "$u $state" >> "$dir/units.txt" ;; esac
    done
  fi
  if [ -r /run/flannel/subnet.env ]; then grep '^FLANNEL_' /run/flannel/subnet.env > "$dir/subnet.env" || rm -f "$dir/subnet.env"; fi
  # docker's --bip/--mtu as mk-docker-opts.sh wrote them (the first file that exists; only its DOCKER_* lines)
  for f in /run/flannel/docker /run/flannel/docker_opts.env /run/docker_opts.env; do
    if [ -r "$f" ]; then grep '^DOCKER_' "$f" > "$dir/docker-opts.txt" || rm -f "$dir/docker-opts.txt"; break; fi
  done
}

# etcdctl with the chosen API and endpoints (TLS flags come from the operator's ETCDCTL_* environment, never written)
ectl() {
  if [ -n "$endpoints" ]; then ETCDCTL_API="$api" etcdctl --endpoints "$endpoints" "$@"; else ETCDCTL_API="$api" etcdctl "$@"; fi
}

etcd_get_value() { # KEY: the value only
  if [ "$api" = 3 ]; then ectl get --print-value-only "$1"; else ectl get "$1"; fi
}

# etcdctl v2 ls, then get of every key, as the operator types them; any failing etcdctl fails it all, so that a
# failure never leaves a listing with its header only (which would read as "no lease at all")
etcd_v2_leases() {
  keys=$(ectl ls "$prefix/subnets") || return 1
  echo "\$ etcdctl ls $prefix/subnets"
  echo "$keys"
  for k in $keys; do
    value=$(ectl get "$k") || return 1
    echo "\$ etcdctl get $k"
    echo "$value"
  done
}

collect_cluster() {
  dir="$out/cluster"
  mkdir -p "$dir"
  if have kubectl; then
    save "$dir/nodes.json" kubectl get nodes -o json
    # a table, not JSON: a pod's JSON carries its containers' environment values
    save "$dir/pods.txt" kubectl get pods -A -o wide
    save "$dir/services.json" kubectl get services -A -o json
    save "$dir/endpoints.json" kubectl get endpoints -A -o json
    save "$dir/events.txt" kubectl get events -A --field-selector reason=FailedCreatePodSandBox
    # flannel with --kube-subnet-mgr: net-conf.json is in this ConfigMap (the leases are the nodes' annotations,
    # already in nodes.json); kube-flannel.yml puts it in kube-flannel, older manifests in kube-system
    if kubectl -n kube-flannel get cm kube-flannel-cfg >/dev/null 2>&1; then
      save "$dir/kube-flannel-cfg.json" kubectl -n kube-flannel get cm kube-flannel-cfg -o json
    elif kubectl -n kube-system get cm kube-flannel-cfg >/dev/null 2>&1; then
      save "$dir/kube-flannel-cfg.json" kubectl -n kube-system get cm kube-flannel-cfg -o json
    fi
  else
    echo "collect.sh: kubectl not found: cluster objects not collected" >&2
  fi
  if have etcdctl; then
    if [ "$api" = 3 ]; then
      save "$dir/leases.txt" ectl get --prefix "$prefix/subnets"
    else
      save "$dir/leases.txt" etcd_v2_leases
    fi
    save "$dir/flannel-config.json" etcd_get_value "$prefix/config"
  else
    echo "collect.sh: etcdctl not found: leases not collected" >&2
  fi
}

if [ "$cluster" = 1 ]; then collect_cluster; else collect_host; fi

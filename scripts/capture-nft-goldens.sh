#!/bin/sh
# Captures what the real nft prints for the ruleset the lab programs: `kubepath lab up seed` builds the seed
# incident (with its deployment and NodePort service) in network namespaces (kube-proxy's services realised in `table ip kube-proxy`, the iptables filter
# table in `table ip kubepath-filter`), then `nft list ruleset` runs in each host's namespace. The lab is taken down
# on every exit path. Needs root, nft and a built kubepath (run from the checkout).
#
#   sudo sh scripts/capture-nft-goldens.sh src/test/resources/real/nft
#
# KUBEPATH names the kubepath to run (default ./kubepath; a copy of the jar keeps a rebuild from replacing it
# under the lab's supervisor).
#
# Writes OUT/HOST/nft.txt for each host of the seed; NftRoundTripTest reads them back and compares them with the
# services and filter chains the same scenario gives in the simulation (the control plane both run).
# Before the lab, in a namespace of its own: OUT/forward-drop.txt and OUT/forward-drop-flannel.txt, a native
# `table inet filter` whose forward chain has policy drop (as a distribution's firewall writes it), alone and with
# the two accepts flannel's nftables mode adds for the pod network (172.17.0.0/16, the seed's).
set -eu
out=${1:?usage: capture-nft-goldens.sh OUTDIR}
kp=${KUBEPATH:-./kubepath}
command -v nft >/dev/null || { echo "capture-nft-goldens.sh: nft not installed" >&2; exit 1; }
ns="kpnft$$"
cleanup() { ip netns del "$ns" 2>/dev/null || true; $kp lab down >/dev/null 2>&1 || true; }
trap cleanup EXIT INT TERM
mkdir -p "$out"
ip netns add "$ns"
ip netns exec "$ns" nft -f - <<'RULES'
table inet filter {
  chain input { type filter hook input priority 0; policy accept; }
  chain forward { type filter hook forward priority 0; policy drop; ct state established,related accept; iifname "lo" accept; }
  chain output { type filter hook output priority 0; policy accept; }
}
RULES
ip netns exec "$ns" nft list ruleset > "$out/forward-drop.txt"
ip netns exec "$ns" nft -f - <<'RULES'
table ip flannel-ipv4 {
  chain forward {
    comment "chain to accept flannel traffic"
    type filter hook forward priority filter; policy accept;
    ip saddr 172.17.0.0/16 accept
    ip daddr 172.17.0.0/16 accept
  }
}
add rule inet filter forward ip saddr 172.17.0.0/16 accept
add rule inet filter forward ip daddr 172.17.0.0/16 accept
RULES
ip netns exec "$ns" nft list ruleset > "$out/forward-drop-flannel.txt"
ip netns del "$ns"
$kp lab up seed --registry embedded >/dev/null
for h in mcwk8s03 mcwk8s05 mcwk8s06; do
  mkdir -p "$out/$h"
  $kp lab exec "$h" -- nft list ruleset > "$out/$h/nft.txt"
done
echo "captured into $out"

package dev.kubepath.host.linux;

import dev.kubepath.ingest.NftFacts;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;
import dev.kubepath.net.SocketAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * IPVS virtual servers realised with nftables, because this kernel has no IPVS. The shape follows kube-proxy's
 * nftables mode, in a table of its own name, {@code ip kubepath-ipvs}, so that neither it nor a collected ruleset
 * is mistaken for kube-proxy's nftables mode (table {@code ip kube-proxy}, which the lab programs as it is); chain {@code services} holds one rule per virtual server,
 * {@code ip daddr VIP tcp dport PORT dnat to numgen inc mod N map {i : real . port}} (round robin like IPVS rr; every
 * real has weight 1), for every source, hooked at prerouting (dstnat) and output (-100); before it, a rule marking
 * for masquerade the packets kube-proxy's IPVS mode marks: to a ClusterIP from outside --cluster-cidr (KUBE-SERVICES'
 * {@code ! -s CIDR ... -j KUBE-MARK-MASQ}), to a NodePort from anywhere (KUBE-NODE-PORT);
 * {@code postrouting} masquerades packets carrying mark 0x4000, as kube-proxy's KUBE-POSTROUTING does for Masq, and a
 * pod's packets its service sent back to itself (KUBE-LOOP-BACK);
 * chain {@code no-endpoints}, hooked at filter input/output/forward, answers a virtual server without real
 * servers with a TCP reset (ICMP port unreachable for UDP), which is what a client of an empty IPVS service sees.
 * The scheduler name is kept as the rule's comment, so the table read back (by the bundle's nft parser, NftFacts)
 * yields the virtual servers applied.
 */
final class NftServiceProxy {
    static final String TABLE = NftFacts.LAB_IPVS_TABLE;
    static final int MASQ_MARK = 0x4000;

    private NftServiceProxy() {}

    /**
     * The nft script replacing the whole table atomically (nft -f applies a file as one transaction).
     * {@code clusterCidr} (may be null) exempts pod-to-service traffic from masquerade, as kube-proxy's
     * --cluster-cidr does; null masquerades everything (kube-proxy's masquerade-all). {@code nodeAddresses}: the
     * host's own addresses (not on kube-ipvs0), whose virtual servers are NodePorts, masqueraded from every source.
     * The match on the source is a rule of its own: on the DNAT rule it skipped the DNAT itself for pods, and a pod's
     * curl of a ClusterIP was refused by the host (the ClusterIP is local on kube-ipvs0, where nothing listens).
     */
    static String script(List<VirtualServer> servers, Prefix clusterCidr, Set<Ipv4> nodeAddresses) {
        StringBuilder sb = new StringBuilder();
        sb.append("table ip ").append(TABLE).append('\n');
        sb.append("delete table ip ").append(TABLE).append('\n');
        if (servers.isEmpty()) return sb.toString();
        sb.append("table ip ").append(TABLE).append(" {\n");
        hook(sb, "nat-prerouting", "nat", "prerouting", "dstnat", "jump services");
        hook(sb, "nat-output", "nat", "output", "-100", "jump services");
        hook(sb, "nat-postrouting", "nat", "postrouting", "srcnat",
                "meta mark & " + hex(MASQ_MARK) + " == " + hex(MASQ_MARK) + " masquerade" + loopBack(servers));
        hook(sb, "filter-input", "filter", "input", "0", "jump no-endpoints");
        hook(sb, "filter-forward", "filter", "forward", "0", "jump no-endpoints");
        hook(sb, "filter-output", "filter", "output", "0", "jump no-endpoints");
        sb.append("  chain services {\n");
        for (VirtualServer v : servers) {
            if (v.reals().isEmpty()) continue;
            String mark = " meta mark set meta mark | " + hex(MASQ_MARK);
            boolean markAll = clusterCidr == null || nodeAddresses.contains(v.address().ip());
            if (!markAll) sb.append("    ").append(match(v)).append(" ip saddr != ").append(clusterCidr).append(mark).append('\n');
            sb.append("    ").append(match(v)).append(markAll ? mark : "")
                    .append(" dnat to numgen inc mod ").append(v.reals().size()).append(" map { ");
            for (int i = 0; i < v.reals().size(); i++) {
                SocketAddress r = v.reals().get(i).address();
                if (i > 0) sb.append(", ");
                sb.append(i).append(" : ").append(r.ip()).append(" . ").append(r.port());
            }
            sb.append(" }").append(comment(v)).append('\n');
        }
        sb.append("  }\n  chain no-endpoints {\n");
        for (VirtualServer v : servers) {
            if (!v.reals().isEmpty()) continue;
            sb.append("    ").append(match(v)).append(v.protocol() == Protocol.TCP ? " reject with tcp reset" : " reject")
                    .append(comment(v)).append('\n');
        }
        sb.append("  }\n}\n");
        return sb.toString();
    }

    /**
     * kube-proxy's KUBE-LOOP-BACK (ipset hash:ip,port,ip; {@code -m set --match-set KUBE-LOOP-BACK dst,dst,src -j
     * MASQUERADE}): a pod whose call of a service was sent to itself is masqueraded, else it gets a SYN from its own
     * address on eth0, which its kernel drops as a martian (the seed pod's curl of its own ClusterIP timed out).
     */
    private static String loopBack(List<VirtualServer> servers) {
        java.util.Set<String> rules = new java.util.LinkedHashSet<>();
        for (VirtualServer v : servers) {
            for (VirtualServer.RealServer r : v.reals()) {
                SocketAddress a = r.address();
                rules.add("\n    ip daddr " + a.ip() + " " + v.protocol().lower() + " dport " + a.port() + " ip saddr " + a.ip() + " masquerade");
            }
        }
        return String.join("", rules);
    }

    private static void hook(StringBuilder sb, String chain, String type, String hook, String priority, String rule) {
        sb.append("  chain ").append(chain).append(" {\n    type ").append(type).append(" hook ").append(hook)
                .append(" priority ").append(priority).append("; policy accept;\n    ").append(rule).append("\n  }\n");
    }

    private static String match(VirtualServer v) {
        if (v.protocol() == Protocol.ICMP) throw new IllegalArgumentException(v.describe() + ": a virtual server serves TCP or UDP");
        return "ip daddr " + v.address().ip() + " " + v.protocol().lower() + " dport " + v.address().port();
    }

    private static String comment(VirtualServer v) {
        if (!v.scheduler().matches("[a-z]{1,8}")) throw new IllegalArgumentException(v.describe() + ": scheduler '" + v.scheduler() + "' is not an IPVS scheduler name");
        return " comment \"" + v.scheduler() + "\"";
    }

    private static String hex(int v) {
        return "0x" + Integer.toHexString(v);
    }
}

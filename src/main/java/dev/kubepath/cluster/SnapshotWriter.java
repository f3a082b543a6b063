package dev.kubepath.cluster;

import dev.kubepath.flannel.NetworkConfigs;
import dev.kubepath.flannel.registry.LeaseJson;
import dev.kubepath.model.Chain;
import dev.kubepath.model.Cluster;
import dev.kubepath.model.Container;
import dev.kubepath.model.Host;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Node;
import dev.kubepath.model.Pod;
import dev.kubepath.model.Rule;
import dev.kubepath.model.Service;
import dev.kubepath.model.Snapshot;
import dev.kubepath.model.Socket;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.proxy.IptablesSave;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes a snapshot as a {@code kind: Snapshot} file (docs/scenario-format.md), the form {@code ingest.SnapshotFile}
 * reads: every value in the line form of the tool that prints it, so trace, doctor, matrix, diff and report read a
 * simulated moment exactly as they read a hand-written scenario.
 */
public final class SnapshotWriter {
    private SnapshotWriter() {}

    public static String write(Snapshot s, String comment) {
        StringBuilder sb = new StringBuilder();
        for (String line : comment.lines().toList()) sb.append("# ").append(line).append('\n');
        sb.append("kind: Snapshot\nname: ").append(q(s.name())).append("\n\ncluster:\n");
        cluster(sb, s.cluster());
        sb.append("\nhosts:\n");
        for (Host h : s.hosts()) host(sb, h);
        return sb.toString();
    }

    private static void cluster(StringBuilder sb, Cluster c) {
        if (c.flannel() != null) sb.append("  flannel: ").append(q(NetworkConfigs.render(c.flannel()))).append('\n');
        if (c.serviceCidr() != null) sb.append("  serviceCidr: ").append(c.serviceCidr()).append('\n');
        if (c.leases() != null) {
            sb.append("  leases:").append(c.leases().isEmpty() ? " ''\n" : "\n");
            for (Lease l : c.leases()) {
                sb.append("    /coreos.com/network/subnets/").append(l.subnet().keyForm()).append(": ").append(q(LeaseJson.render(l))).append('\n');
            }
        }
        sb.append("  nodes:").append(c.nodes().isEmpty() ? " []\n" : "\n");
        for (Node n : c.nodes()) {
            sb.append("    - {name: ").append(q(n.name())).append(", internalIP: ").append(n.internalIp()).append(", ready: ").append(n.ready());
            if (n.podCidr() != null) sb.append(", podCIDR: ").append(n.podCidr());
            if (n.kubeletVersion() != null) sb.append(", version: ").append(q(n.kubeletVersion()));
            sb.append("}\n");
        }
        sb.append("  services:").append(c.services().isEmpty() ? " []\n" : "\n");
        for (Service s : c.services()) {
            sb.append("    - {namespace: ").append(q(s.namespace())).append(", name: ").append(q(s.name())).append(", type: ").append(s.type())
                    .append(", clusterIP: ").append(s.clusterIp() == null ? "None" : s.clusterIp().toString())
                    .append(", ports: [").append(s.ports().stream().map(SnapshotWriter::port).map(SnapshotWriter::q).collect(Collectors.joining(", ")))
                    .append("], selector: ").append(map(s.selector())).append("}\n");
        }
        sb.append("  pods:").append(c.pods().isEmpty() ? " []\n" : "\n");
        for (Pod p : c.pods()) {
            sb.append("    - {namespace: ").append(q(p.namespace())).append(", name: ").append(q(p.name()));
            if (p.node() != null) sb.append(", node: ").append(q(p.node()));
            if (p.ip() != null) sb.append(", ip: ").append(p.ip());
            sb.append(", labels: ").append(map(p.labels())).append(", ports: ").append(p.containerPorts())
                    .append(", phase: ").append(q(p.phase())).append("}\n");
        }
    }

    /** kubectl's PORT(S) column plus the target: {@code [NAME ]PORT[:NODEPORT]/PROTO -> TARGET}. */
    private static String port(Service.Port p) {
        return (p.name() == null || p.name().isEmpty() ? "" : p.name() + " ") + p.port() + (p.nodePort() > 0 ? ":" + p.nodePort() : "") + "/"
                + p.protocol().name().toUpperCase(Locale.ROOT) + " -> " + p.targetPort();
    }

    private static void host(StringBuilder sb, Host h) {
        sb.append("  ").append(h.name()).append(":\n");
        // the model's maps are Map.copyOf, whose iteration order changes from one JVM run to the next: a snapshot
        // written twice from the same run must be the same bytes, so the writer fixes the order (daemons as Daemon lists them)
        sb.append("    daemons: {").append(new java.util.EnumMap<>(h.daemons()).entrySet().stream().map(e -> e.getKey().unit() + ": " + e.getValue().word())
                .collect(Collectors.joining(", "))).append("}\n");
        sb.append("    sysctls: ").append(map(h.sysctls())).append('\n');
        list(sb, "links", h.links().stream().map(SnapshotWriter::link).toList());
        list(sb, "addresses", h.addresses().stream().map(a -> a.ip() + "/" + a.prefixLength() + " dev " + a.dev()).toList());
        list(sb, "routes", h.routes().stream().map(r -> r.describe()).toList());
        list(sb, "neighbours", h.neighbours().stream().map(n -> n.describe()).toList());
        list(sb, "fdb", h.fdb().stream().map(f -> f.describe()).toList());
        list(sb, "ipvs", h.virtualServers().stream().flatMap(v -> ipvs(v).stream()).toList());
        list(sb, "sockets", h.sockets().stream().map(SnapshotWriter::socket).toList());
        list(sb, "pods", h.containers().stream().map(SnapshotWriter::pod).toList());
        // each rule in the form the model evaluates: an ipset rule is held as one rule per member (proxy.IpvsState),
        // whose original '-m set' text no snapshot reader evaluates
        List<Chain> chains = h.chains().stream().map(c -> new Chain(c.table(), c.name(), c.policy(),
                c.rules().stream().map(r -> new Rule(r.chain(), r.match(), r.target(), r.comment(), null)).toList())).toList();
        if (!chains.isEmpty()) {
            sb.append("    iptables: |\n");
            for (String line : IptablesSave.render(chains).lines().toList()) sb.append("      ").append(line).append('\n');
        }
        if (!h.nftables().isEmpty()) { // kube-proxy's nftables mode, as nft list ruleset prints it
            sb.append("    nftables: |\n");
            for (String line : dev.kubepath.model.NftListing.render(h.nftables()).lines().toList()) sb.append("      ").append(line).append('\n');
        }
    }

    private static String link(Link l) {
        StringBuilder sb = new StringBuilder(l.name()).append(' ').append(l.kind().typeName());
        switch (l.kind()) {
            case LinkKind.Vxlan x -> {
                sb.append(" id ").append(x.vni()).append(" dstport ").append(x.port());
                if (x.local() != null) sb.append(" local ").append(x.local());
                if (x.underlayDev() != null) sb.append(" dev ").append(x.underlayDev());
                if (!x.learning()) sb.append(" nolearning");
            }
            case LinkKind.Veth v when v.peer() != null -> sb.append(" peer ").append(v.peer());
            default -> { }
        }
        sb.append(" mtu ").append(l.mtu());
        if (l.mac() != null) sb.append(" mac ").append(l.mac());
        if (!l.up()) sb.append(" down");
        if (l.master() != null) sb.append(" master ").append(l.master());
        return sb.toString();
    }

    /** {@code ipvsadm -S -n}: the virtual server, then each real server. */
    private static List<String> ipvs(VirtualServer v) {
        String proto = v.protocol().name().equals("UDP") ? "-u" : "-t";
        List<String> out = new java.util.ArrayList<>();
        out.add("-A " + proto + " " + v.address() + " -s " + v.scheduler());
        for (VirtualServer.RealServer r : v.reals()) {
            String fwd = switch (r.forward()) {
                case "Route" -> "-g";
                case "Tunnel" -> "-i";
                default -> "-m";
            };
            out.add("-a " + proto + " " + v.address() + " -r " + r.address() + " " + fwd + " -w " + r.weight());
        }
        return out;
    }

    private static String socket(Socket s) {
        return s.protocol().name().toLowerCase(Locale.ROOT) + " " + s.ip() + ":" + s.port() + " " + s.process();
    }

    private static String pod(Container c) {
        StringBuilder sb = new StringBuilder(c.pod()).append(' ').append(c.ip()).append('/').append(c.prefixLength()).append(" on ").append(c.bridge());
        if (!c.listeners().isEmpty()) {
            sb.append(" listens ").append(c.listeners().stream().map(l -> l.protocol().name().toLowerCase(Locale.ROOT) + "/" + l.port())
                    .collect(Collectors.joining(",")));
        }
        if (c.hairpin() != null) sb.append(" hairpin ").append(c.hairpin() ? "on" : "off");
        if (c.server() != null) sb.append(" server \"").append(c.server()).append('"');
        return sb.toString();
    }

    private static void list(StringBuilder sb, String key, List<String> lines) {
        sb.append("    ").append(key).append(':').append(lines.isEmpty() ? " []\n" : "\n");
        for (String l : lines) sb.append("      - ").append(q(l)).append('\n');
    }

    /** A map in key order (labels, selectors, sysctls): the model's {@code Map.copyOf} has no stable order across runs. */
    private static String map(Map<String, String> m) {
        return "{" + new java.util.TreeMap<>(m).entrySet().stream().map(e -> q(e.getKey()) + ": " + q(e.getValue())).collect(Collectors.joining(", ")) + "}";
    }

    /** A YAML single-quoted scalar: nothing in it is read as YAML syntax. */
    private static String q(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}

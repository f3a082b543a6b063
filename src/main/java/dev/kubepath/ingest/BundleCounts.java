package dev.kubepath.ingest;

import dev.kubepath.model.Chain;
import dev.kubepath.model.Facet;
import dev.kubepath.model.Host;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Node;
import dev.kubepath.model.Snapshot;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Ipv4;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a bundle gave, counted: per host and facet, per cluster object kind, and every problem. A count the bundle
 * does not give (no file for it, or a file that yielded nothing but problems) is null, never 0.
 */
public final class BundleCounts {
    private BundleCounts() {}

    /**
     * One host's counts; null where the facet is unknown. A facet shown only through a filter counts the lines read
     * and is named in {@code filtered} (facet, lower case, to the command that showed it): the count is no total.
     */
    public record HostCounts(Integer addresses, Integer routes, Integer neighbours, Integer fdb, Integer virtualServers,
                             Integer realServers, Integer iptablesRules, Integer nftRules, Integer leases,
                             Map<String, String> filtered) {}

    /**
     * The cluster's counts; null where the bundle has no file for it. A listing shown only in part (through a filter,
     * or narrowed by kubectl) counts what it shows and is named in {@code filtered} (listing, lower case, to how it was cut).
     */
    public record ClusterCounts(Integer nodes, Integer pods, Integer services, Integer endpoints, Integer leases,
                                Map<String, Cut> filtered) {}

    /** How a Kubernetes listing was cut: the command, the namespace it was narrowed to (or null), its file and line. */
    public record Cut(String by, String namespace, String file, int line) {}

    /** The counts and the problems, in the shape of {@code kubepath read --json}. */
    public record Counts(Map<String, HostCounts> hosts, ClusterCounts cluster, List<ParseProblem> problems) {}

    public static Counts of(Path bundle, BundleReader.Result r) {
        Snapshot s = r.snapshot();
        var c = s.cluster();
        Path cl = bundle.resolve("cluster");
        ClusterCounts cc = new ClusterCounts(
                given(cl, "nodes.json", "nodes.txt") ? c.nodes().size() : null,
                given(cl, "pods.json", "pods.txt") ? c.pods().size() : null,
                given(cl, "services.json", "services.txt") ? c.services().size() : null,
                given(cl, "endpoints.json", "endpoints.txt", "endpointslices.json") ? c.endpoints().size() : null,
                c.leases() == null ? null : c.leases().size(), cuts(c));
        Map<String, HostCounts> hosts = new LinkedHashMap<>();
        LeaseOwners owners = new LeaseOwners(s);
        for (Host h : s.hosts()) {
            hosts.put(h.name(), new HostCounts(
                    shown(h, Facet.ADDRESSES) ? h.addresses().size() : null,
                    shown(h, Facet.ROUTES) ? h.routes().size() : null,
                    shown(h, Facet.NEIGHBOURS) ? h.neighbours().size() : null,
                    shown(h, Facet.FDB) ? h.fdb().size() : null,
                    h.knows(Facet.IPVS) ? h.virtualServers().size() : null,
                    h.knows(Facet.IPVS) ? h.virtualServers().stream().mapToInt((VirtualServer v) -> v.reals().size()).sum() : null,
                    shown(h, Facet.IPTABLES) ? h.chains().stream().mapToInt((Chain ch) -> ch.rules().size()).sum() : null,
                    r.nftables().containsKey(h.name()) ? Nftables.rules(r.nftables().get(h.name())) : null,
                    owners.leasesOf(h), filtered(h)));
        }
        return new Counts(hosts, cc, r.problems());
    }

    private static Map<String, Cut> cuts(dev.kubepath.model.Cluster c) {
        Map<String, Cut> out = new LinkedHashMap<>();
        for (var p : c.partial()) out.put(p.kind().name().toLowerCase(java.util.Locale.ROOT), new Cut(p.shownBy(), p.namespace(), p.file(), p.line()));
        return out;
    }

    /** Known, or shown in part through a filter (its lines were read). */
    private static boolean shown(Host h, Facet f) {
        return h.knows(f) || h.filteredBy(f).isPresent();
    }

    private static Map<String, String> filtered(Host h) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Facet f : Facet.values()) h.filteredBy(f).ifPresent(by -> out.put(f.name().toLowerCase(java.util.Locale.ROOT), by));
        return out;
    }

    /** The leases by PublicIP and the nodes' InternalIPs, counted once for all hosts (a bundle may have thousands of each). */
    private static final class LeaseOwners {
        private final Map<Ipv4, Integer> leasesByPublicIp;
        private final Map<String, Ipv4> internalIps = new java.util.HashMap<>();

        LeaseOwners(Snapshot s) {
            List<Lease> leases = s.cluster().leases();
            leasesByPublicIp = leases == null ? null : new java.util.HashMap<>();
            if (leases != null) for (Lease l : leases) if (l.publicIp() != null) leasesByPublicIp.merge(l.publicIp(), 1, Integer::sum);
            for (Node n : s.cluster().nodes()) internalIps.putIfAbsent(n.name(), n.internalIp());
        }

        /** The leases whose PublicIP is one of the host's addresses or its node's InternalIP; null when the registry is unknown. */
        Integer leasesOf(Host h) {
            if (leasesByPublicIp == null) return null;
            java.util.Set<Ipv4> own = new java.util.HashSet<>();
            if (internalIps.get(h.name()) != null) own.add(internalIps.get(h.name()));
            for (var a : h.addresses()) own.add(a.ip());
            int n = 0;
            for (Ipv4 ip : own) n += leasesByPublicIp.getOrDefault(ip, 0);
            return n;
        }
    }

    /** True when one of the files is in the bundle. */
    private static boolean given(Path dir, String... names) {
        for (String n : names) {
            if (Files.isRegularFile(dir.resolve(n))) return true;
        }
        return false;
    }
}

package dev.kubepath.ingest;

import dev.kubepath.model.Facet;
import dev.kubepath.model.Host;
import dev.kubepath.model.Snapshot;

import java.util.EnumSet;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A plain-text account of what a bundle held: per host the facets that are known and how much of each, the
 * cluster objects, then every problem as {@code file:line: message}. Meant for a {@code kubepath ingest BUNDLE}
 * style command, so an operator sees at once what is missing before trusting a diagnosis.
 */
public final class BundleSummary {
    private BundleSummary() {}

    public static String render(BundleReader.Result result) {
        Snapshot s = result.snapshot();
        StringBuilder sb = new StringBuilder();
        var c = s.cluster();
        sb.append(String.format(Locale.ROOT, "bundle %s: %d nodes, %d pods, %d services, %d endpoints, leases %s, flannel config %s%n",
                s.name(), c.nodes().size(), c.pods().size(), c.services().size(), c.endpoints().size(),
                c.leases() == null ? "unknown" : String.valueOf(c.leases().size()), c.flannel() == null ? "unknown" : c.flannel().network()));
        for (Host h : s.hosts()) {
            EnumSet<Facet> unknown = EnumSet.allOf(Facet.class);
            unknown.removeAll(h.known());
            unknown.remove(Facet.SOCKETS);
            unknown.remove(Facet.CONTAINERS); // never in a bundle
            unknown.remove(Facet.NFTABLES); // nft.txt is new: iptables.txt and ipvs.txt tell the service rules of older bundles
            sb.append(String.format(Locale.ROOT, "host %s: %d links, %d addresses, %d routes%s%s%s%s%s%s%n", h.name(),
                    h.links().size(), h.addresses().size(), h.routes().size(),
                    h.knows(Facet.NEIGHBOURS) ? ", " + h.neighbours().size() + " neighbours" : "",
                    h.knows(Facet.FDB) ? ", " + h.fdb().size() + " fdb entries" : "",
                    h.knows(Facet.IPVS) ? ", " + h.virtualServers().size() + " virtual servers" : "",
                    h.knows(Facet.IPTABLES) ? ", " + h.chains().size() + " chains" : "",
                    h.knows(Facet.DAEMONS) ? ", units " + h.daemons().entrySet().stream()
                            .map(e -> e.getKey().unit() + "=" + e.getValue().word()).sorted().collect(Collectors.joining(" ")) : "",
                    unknown.isEmpty() ? "" : "; unknown: " + unknown.stream().map(f -> f.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "))));
        }
        sb.append(result.problems().isEmpty() ? "no problems\n" : result.problems().size() + " problems:\n");
        for (ParseProblem p : result.problems()) sb.append("  ").append(p).append('\n');
        return sb.toString();
    }
}

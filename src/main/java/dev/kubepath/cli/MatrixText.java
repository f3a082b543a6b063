package dev.kubepath.cli;

import dev.kubepath.analysis.matrix.Destination;
import dev.kubepath.analysis.matrix.Flow;
import dev.kubepath.analysis.matrix.ReachabilityMatrix;
import dev.kubepath.analysis.matrix.Summary;
import dev.kubepath.dataplane.EndpointCoverage;
import dev.kubepath.dataplane.Verdict;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/** The matrix for a person: hosts down, destinations across for a small cluster; counts for any. */
final class MatrixText {
    private MatrixText() {}

    static String render(ReachabilityMatrix m, Summary s, boolean table) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%d hosts, %d pod subnets, %d ClusterIPs, %d NodeIP:nodePorts: %,d flows (%,d traced, one per class)%n",
                s.hosts(), s.podSubnets(), s.clusterIps(), s.nodePorts(), s.flows(), s.traced()));
        if (table) {
            List<String> hosts = m.hostNames();
            List<Destination> dests = m.destinations();
            Map<String, Flow> cells = new HashMap<>();
            m.forEachFlow(f -> cells.put(f.from() + "|" + f.to().label(), f));
            int w = 2 + hosts.stream().mapToInt(String::length).max().orElse(4);
            sb.append('\n').append(String.format(Locale.ROOT, "%-24s", "destination"));
            for (String h : hosts) sb.append(String.format(Locale.ROOT, "%-" + w + "s", h));
            sb.append('\n');
            for (Destination d : dests) {
                sb.append(String.format(Locale.ROOT, "%-24s", d.label()));
                for (String h : hosts) sb.append(String.format(Locale.ROOT, "%-" + w + "s", cell(cells.get(h + "|" + d.label()))));
                sb.append("  ").append(d.identity()).append('\n');
            }
            sb.append("\nOK delivered, OK~ delivered by some endpoints only, TIMEOUT / REFUSED / UNREACH / UNKNOWN (insufficient info)\n");
        }
        sb.append('\n');
        s.byKind().forEach((k, c) -> {
            sb.append(String.format(Locale.ROOT, "%-10s %,14d flows:", k, c.total()));
            for (Verdict v : Verdict.values()) if (c.verdict(v) > 0) sb.append(String.format(Locale.ROOT, "  %s %,d", v, c.verdict(v)));
            if (c.endpoints(EndpointCoverage.SOME) > 0) sb.append(String.format(Locale.ROOT, "  (some endpoints only: %,d)", c.endpoints(EndpointCoverage.SOME)));
            sb.append('\n');
        });
        return sb.toString();
    }

    private static String cell(Flow f) {
        if (f == null) return "-";
        return switch (f.verdict()) {
            case DELIVERED -> f.endpoints() == EndpointCoverage.SOME ? "OK~" : "OK";
            case UNREACHABLE -> "UNREACH";
            case INSUFFICIENT_INFO -> "UNKNOWN";
            default -> f.verdict().name();
        };
    }
}

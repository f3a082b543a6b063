package dev.kubepath.cli;

import dev.kubepath.ingest.BundleCounts;
import dev.kubepath.ingest.BundleReader;
import dev.kubepath.ingest.ParseProblem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "read", description = "Show what a bundle (or a pasted session) was read into: per host and facet the counts, "
        + "the cluster's counts, and every line that could not be read, with its file and line (docs/bundle-format.md).")
final class ReadCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "BUNDLE", description = "a bundle directory")
    Path bundle;

    @Option(names = "--transcript", paramLabel = "SESSION.txt", description = "a pasted terminal session, cut into a bundle by its prompts")
    Path transcript;

    @Option(names = "-o", paramLabel = "DIR", description = "with --transcript: write the bundle made from the session here")
    Path out;

    @Option(names = "--json", description = "print the counts as one JSON object")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        BundleCounts.Counts c;
        try (Inputs.Bundle b = Inputs.bundle(bundle, transcript, out, spec)) {
            c = BundleCounts.of(b.dir(), b.result());
        }
        PrintWriter o = spec.commandLine().getOut();
        o.print(json ? Json.write(json(c)) + "\n" : text(c));
        o.flush();
        return 0;
    }

    static Map<String, Object> json(BundleCounts.Counts c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hosts", c.hosts());
        m.put("cluster", c.cluster());
        m.put("problems", c.problems().stream().map(p -> {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("file", p.file());
            pm.put("line", p.line());
            pm.put("message", p.message());
            pm.put("severity", p.message().startsWith("note: ") ? "note" : "problem");
            return pm;
        }).toList());
        return m;
    }

    private static String n(Integer v) {
        return v == null ? "unknown" : v.toString();
    }

    static String text(BundleCounts.Counts c) {
        StringBuilder sb = new StringBuilder();
        var k = c.cluster();
        sb.append(String.format(Locale.ROOT, "cluster: nodes %s, pods %s, services %s, endpoints %s, leases %s%n",
                n(k.nodes()), n(k.pods()), n(k.services()), n(k.endpoints()), n(k.leases())));
        // a Kubernetes listing shown in part: what it lacks is unknown, not absent
        k.filtered().forEach((listing, cut) -> sb.append(String.format(Locale.ROOT, "  %s: known only as `%s` showed them (%s%s)%s%n",
                listing, cut.by(), cut.file(), cut.line() > 0 ? ":" + cut.line() : "",
                cut.namespace() != null ? ": namespace " + cut.namespace() + " only" : "")));
        c.hosts().forEach((name, h) -> sb.append(String.format(Locale.ROOT,
                "host %s: addresses %s, routes %s, neighbours %s, fdb %s, virtual servers %s (real servers %s), iptables rules %s, nft rules %s, leases %s%n",
                name, n(h.addresses()), n(h.routes()), n(h.neighbours()), n(h.fdb()), n(h.virtualServers()), n(h.realServers()),
                n(h.iptablesRules()), n(h.nftRules()), n(h.leases()))));
        // a count read through a filter is no total: say so under the host
        c.hosts().forEach((name, h) -> h.filtered().forEach((facet, by) -> sb.append(String.format(Locale.ROOT,
                "  %s of %s: known only as `%s` showed them%n", facet, name, by))));
        if (c.hosts().isEmpty()) sb.append("no hosts\n");
        sb.append(c.problems().isEmpty() ? "no problems\n" : c.problems().size() + " problems:\n");
        for (ParseProblem p : c.problems()) sb.append("  ").append(p).append('\n');
        return sb.toString();
    }
}

package dev.kubepath.cli;

import dev.kubepath.ingest.InputException;
import dev.kubepath.analysis.matrix.Destination;
import dev.kubepath.analysis.matrix.Flow;
import dev.kubepath.analysis.matrix.ReachabilityMatrix;
import dev.kubepath.analysis.matrix.Summary;
import dev.kubepath.cluster.Snapshots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "matrix", description = "Reachability of every pod subnet and service frontend from every host: the tracer's verdicts, computed by host classes.")
final class MatrixCommand implements Callable<Integer> {
    /** Above this many flows the human form and --json/--csv without --summary would be too long to read. */
    static final long LIST_LIMIT = 2_000_000;
    static final int TABLE_HOSTS = 12;

    @Parameters(index = "0", paramLabel = "SNAPSHOT", description = "a snapshot or Synthetic .yaml")
    Path snapshot;

    @Option(names = "--json", description = "{\"summary\": {...}, \"flows\": [{from, to, verdict, endpoints}, ...]}")
    boolean json;

    @Option(names = "--csv", description = "one line a flow: from,to,verdict,endpoints")
    boolean csv;

    @Option(names = "--summary", description = "counts only, no flows")
    boolean summaryOnly;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (json && csv) throw new InputException("--json and --csv exclude each other");
        ReachabilityMatrix m = ReachabilityMatrix.of(Inputs.snapshot(snapshot, spec));
        Summary sum;
        try (Progress p = Progress.start("matrix", m.hostNames().size())) {
            sum = m.summarize(p::stepTo);
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean list = !summaryOnly && (json || csv);
        if (list && sum.flows() > LIST_LIMIT) {
            throw new InputException(String.format(Locale.ROOT, "%,d flows are too many to list (limit %,d); use --summary", sum.flows(), LIST_LIMIT));
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("summary", sum.toMap());
            if (list) {
                List<Map<String, Object>> flows = new ArrayList<>();
                m.forEachFlow(f -> flows.add(flowMap(f)));
                doc.put("flows", flows);
            }
            out.println(Json.write(doc));
        } else if (csv) {
            if (list) {
                out.println("from,to,kind,verdict,endpoints");
                m.forEachFlow(f -> out.println(f.from() + "," + f.to().label() + "," + kind(f.to()) + "," + f.verdict() + "," + f.endpoints()));
            } else {
                out.println("kind,flows,DELIVERED,REFUSED,TIMEOUT,UNREACHABLE,INSUFFICIENT_INFO,ALL,SOME,NONE");
                sum.byKind().forEach((k, c) -> out.println(k + "," + c.total() + "," + String.join(",", java.util.Arrays.stream(dev.kubepath.dataplane.Verdict.values()).map(v -> "" + c.verdict(v)).toList())
                        + "," + String.join(",", java.util.Arrays.stream(dev.kubepath.dataplane.EndpointCoverage.values()).map(v -> "" + c.endpoints(v)).toList())));
            }
        } else {
            out.print(MatrixText.render(m, sum, !summaryOnly && m.hostNames().size() <= TABLE_HOSTS));
        }
        out.flush();
        return 0;
    }

    static String kind(Destination d) {
        return switch (d) {
            case Destination.PodSubnet p -> "pods";
            case Destination.ClusterIp c -> "clusterIP";
            case Destination.NodePort n -> "nodePort";
        };
    }

    static Map<String, Object> flowMap(Flow f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", f.from());
        m.put("to", f.to().label());
        m.put("kind", kind(f.to()));
        m.put("verdict", f.verdict().name());
        m.put("endpoints", f.endpoints().name());
        return m;
    }
}

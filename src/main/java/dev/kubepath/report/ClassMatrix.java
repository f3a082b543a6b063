package dev.kubepath.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kubepath.analysis.matrix.Destination;
import dev.kubepath.analysis.matrix.Flow;
import dev.kubepath.analysis.matrix.ReachabilityMatrix;
import dev.kubepath.analysis.matrix.Summary;
import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.EndpointCoverage;
import dev.kubepath.dataplane.TraceText;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.model.Snapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The symptom matrix of a cluster too big to show flow by flow, by the matrix's classes: a row is a class of hosts
 * (one signature of {@link ReachabilityMatrix}: hosts holding alike state; hosts the doctor's findings name are
 * classes apart, one per set of findings naming them), and its cells are the flows of its first host, the class's example. A column is a class of
 * destinations to which every row's example gets the same answer: pod subnets (by the class of the host holding
 * them), ClusterIPs, and NodePorts (by the class of the node, for the frontends of one ClusterIP column). Each cell
 * carries the trace of its example flow only: what a person opens. The flow counts come from the doctor (or the
 * matrix's own summary when no doctor ran), so they count every flow, not the examples.
 */
final class ClassMatrix {
    /** Above this many host x frontend cells the report is drawn by classes. */
    static final long CLASS_CELLS = 1_000_000;
    /** Cells whose trace the page carries, failing ones first. */
    static final int MAX_TRACES = 1_500;

    private ClassMatrix() {}

    /** The matrix part of the page (rows, cols, cells, classes) and the traces of its cells. */
    record Result(Map<String, Object> matrix, Map<String, Map<String, Object>> traces, List<Map<String, Object>> principle) {}

    private record Row(int id, String label, String example, List<String> hosts) {}

    /** {@code brief}: the column's header; {@code label} says it in full (and keys its cells' traces). */
    private record Column(String label, String brief, String kind, Destination example, long members, String note) {}

    /** The classes of hosts (rows) and of destinations (columns): what each holds, for the drill-down and the search. */
    private static Map<String, Object> classes(List<Row> rows, List<Column> cols) {
        Map<String, Object> classes = new LinkedHashMap<>();
        classes.put("rows", rows.stream().map(r -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("example", r.example());
            x.put("count", r.hosts().size());
            x.put("hosts", r.hosts());
            return x;
        }).toList());
        classes.put("cols", cols.stream().map(c -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("kind", c.kind());
            x.put("brief", c.brief());
            x.put("example", c.example().label());
            x.put("identity", c.example().identity());
            x.put("members", c.members());
            x.put("note", c.note());
            return x;
        }).toList());
        return classes;
    }

    static Result compute(Snapshot s, JsonNode findings) {
        // hosts named by the same findings (999 hosts routing to one lost lease) are one class; alike hosts named by
        // different findings are classes apart
        Map<String, String> named = new HashMap<>();
        if (findings != null) {
            int i = 0;
            for (JsonNode f : findings.path("findings")) {
                for (JsonNode h : f.path("hosts")) named.merge(h.asText(), i + ",", String::concat);
                i++;
            }
        }
        Set<String> known = new HashSet<>();
        s.hosts().forEach(h -> known.add(h.name()));
        named.keySet().retainAll(known);
        ReachabilityMatrix m = ReachabilityMatrix.labelled(s, named);
        List<Row> rows = rows(m);
        List<Column> cols = new ArrayList<>();
        List<char[]> cells = new ArrayList<>(); // per column, one character per row
        Map<String, Integer> hostRow = new LinkedHashMap<>();
        for (Row r : rows) for (String h : r.hosts()) hostRow.put(h, r.id());

        // pod subnets and ClusterIPs: every destination from every row's example, grouped by what the rows get
        List<Destination.PodSubnet> subnets = m.podSubnets();
        char[][] podCodes = codes(m, rows, subnets);
        group(cols, cells, subnets, podCodes, d -> {
            Integer owner = d.owner() == null ? null : hostRow.get(d.owner());
            return owner == null ? "pod subnets no host holds" : "pods on hosts of " + rows.get(owner).label();
        }, "pods", rows.size());
        List<Destination.ClusterIp> cips = m.clusterIps();
        char[][] cipCodes = codes(m, rows, cips);
        int firstCip = cols.size();
        group(cols, cells, cips, cipCodes, d -> "ClusterIPs", "clusterip", rows.size());
        int lastCip = cols.size();
        nodePortColumns(m, rows, hostRow, cols, cells, firstCip, lastCip);

        StringBuilder grid = new StringBuilder(rows.size() * cols.size());
        for (int r = 0; r < rows.size(); r++) for (char[] col : cells) grid.append(col[r]);
        Map<String, Map<String, Object>> traces = traces(m.dataPlane(), rows, cols, cells);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("summary", summary(m, findings, rows.size(), cols.size()));
        out.put("rows", rows.stream().map(Row::label).toList());
        out.put("cols", cols.stream().map(Column::label).toList());
        out.put("cells", grid.toString());
        Map<String, Object> classes = classes(rows, cols);
        // where each service's ClusterIP went: the search finds a service by name or address
        List<List<Object>> serviceList = new ArrayList<>();
        int[] cipColumn = cipColumns(cipCodes, firstCip);
        for (int i = 0; i < cips.size(); i++) serviceList.add(List.of(cips.get(i).service(), cips.get(i).address().toString(), cipColumn[i]));
        classes.put("services", serviceList);
        out.put("classes", classes);
        return new Result(out, traces, principle(traces.values()));
    }

    /**
     * NodePorts: per class of node, the NodePort of each ClusterIP column's example service (when it has one).
     * They go frontend by frontend, and within one over the nodes in host order: i = frontend x nodes + node.
     */
    private static void nodePortColumns(ReachabilityMatrix m, List<Row> rows, Map<String, Integer> hostRow, List<Column> cols, List<char[]> cells,
                                        int firstCip, int lastCip) {
        List<String> nodeNames = new ArrayList<>();
        long nodePorts = m.nodePortCount();
        for (long i = 0; i < nodePorts; i++) {
            String node = m.nodePort(i).node();
            if (!nodeNames.isEmpty() && nodeNames.get(0).equals(node)) break;
            nodeNames.add(node);
        }
        int nodes = nodeNames.size();
        if (nodes > 0) {
            Map<String, Long> frontendOf = new LinkedHashMap<>();
            for (long i = 0; i < nodePorts; i += nodes) {
                Destination.NodePort np = m.nodePort(i);
                frontendOf.putIfAbsent(np.service() + ":" + np.port(), i / nodes);
            }
            Map<Integer, Integer> exampleNode = new LinkedHashMap<>(), nodesOfRow = new LinkedHashMap<>();
            for (int k = 0; k < nodes; k++) {
                int row = hostRow.get(nodeNames.get(k));
                exampleNode.putIfAbsent(row, k);
                nodesOfRow.merge(row, 1, Integer::sum);
            }
            for (int c = firstCip; c < lastCip; c++) {
                Column cip = cols.get(c);
                Destination.ClusterIp ex = (Destination.ClusterIp) cip.example();
                Long f = frontendOf.get(ex.service() + ":" + ex.address().port());
                if (f == null) continue; // the column's example has no NodePort
                for (var e : exampleNode.entrySet()) {
                    Destination.NodePort np = m.nodePort(f * nodes + e.getValue());
                    char[] col = new char[rows.size()];
                    for (Row r : rows) col[r.id()] = code(m.flow(r.example(), np));
                    int n = nodesOfRow.get(e.getKey());
                    cols.add(new Column(String.format(Locale.ROOT, "NodePorts on %s (%,d node%s x the services of ClusterIP column C%d)",
                            rows.get(e.getKey()).label(), n, n == 1 ? "" : "s", c + 1 - firstCip),
                            String.format(Locale.ROOT, "class %d x C%d", e.getKey() + 1, c + 1 - firstCip), "nodeport", np, (long) n * cip.members(),
                            "the example service's NodePort on the example node stands for every node of the class and every service of the ClusterIP column"));
                    cells.add(col);
                }
            }
        }
    }

    /** The rows: hosts by class, in the order of their first host; named "class N". */
    private static List<Row> rows(ReachabilityMatrix m) {
        Map<Integer, List<String>> byClass = new LinkedHashMap<>();
        for (String h : m.hostNames()) byClass.computeIfAbsent(m.hostClass(h), k -> new ArrayList<>()).add(h);
        List<Row> rows = new ArrayList<>();
        for (List<String> hosts : byClass.values()) {
            int id = rows.size();
            String label = String.format(Locale.ROOT, "class %d: %,d host%s like %s", id + 1, hosts.size(), hosts.size() == 1 ? "" : "s", hosts.get(0));
            rows.add(new Row(id, label, hosts.get(0), List.copyOf(hosts)));
        }
        return rows;
    }

    /** Per destination, the cell character of each row's example (in parallel: 5,000 subnets and 10,000 ClusterIPs). */
    private static <D extends Destination> char[][] codes(ReachabilityMatrix m, List<Row> rows, List<D> ds) {
        char[][] out = new char[ds.size()][];
        IntStream.range(0, ds.size()).parallel().forEach(i -> {
            char[] c = new char[rows.size()];
            for (Row r : rows) c[r.id()] = code(m.flow(r.example(), ds.get(i)));
            out[i] = c;
        });
        return out;
    }

    /** Destinations with the same characters in every row (and the same label) make one column. */
    private static <D extends Destination> void group(List<Column> cols, List<char[]> cells, List<D> ds, char[][] codes,
                                                      java.util.function.Function<D, String> labelOf, String kind, int rows) {
        Map<String, int[]> byKey = new LinkedHashMap<>(); // {how many, the first}
        for (int i = 0; i < ds.size(); i++) {
            int at = i;
            byKey.computeIfAbsent(labelOf.apply(ds.get(i)) + "|" + new String(codes[i]), k -> new int[] {0, at})[0]++;
        }
        for (int[] e : byKey.values()) {
            int i = e[1];
            long n = e[0];
            String base = labelOf.apply(ds.get(i));
            String label = switch (kind) {
                case "pods" -> String.format(Locale.ROOT, "%s (%,d subnet%s like %s)", base, n, n == 1 ? "" : "s", ds.get(i).label());
                default -> String.format(Locale.ROOT, "%s C%d (%,d service port%s like %s %s)", base,
                        cols.stream().filter(x -> x.kind().equals(kind)).count() + 1, n, n == 1 ? "" : "s",
                        ((Destination.ClusterIp) ds.get(i)).service(), ds.get(i).label());
            };
            String brief = switch (kind) {
                case "pods" -> base.startsWith("pods on hosts of class ") ? "class " + base.substring("pods on hosts of class ".length()).split(":")[0] : "no host";
                default -> String.format(Locale.ROOT, "C%d: %,d", cols.stream().filter(x -> x.kind().equals(kind)).count() + 1, n);
            };
            cols.add(new Column(label, brief, kind, ds.get(i), n, "every row's example gets the same answer from each of them"));
            cells.add(codes[i]);
        }
    }

    /** For each ClusterIP, its column: they were made in the order their characters first appear. */
    private static int[] cipColumns(char[][] codes, int firstCip) {
        int[] out = new int[codes.length];
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < codes.length; i++) out[i] = seen.computeIfAbsent(new String(codes[i]), k -> firstCip + seen.size());
        return out;
    }

    /**
     * The working flows the principle view draws, from the cells' traces: one crossing hosts through VXLAN, best
     * with DNAT and masquerade; when that one has no DNAT, also a working service flow.
     */
    private static List<Map<String, Object>> principle(java.util.Collection<Map<String, Object>> traces) {
        Map<String, Object> overlay = best(traces, true), service = null;
        if (overlay == null || !stages(overlay).contains("ipvs") && !stages(overlay).contains("nat")) service = best(traces, false);
        List<Map<String, Object>> out = new ArrayList<>();
        if (service != null) out.add(service);
        if (overlay != null) out.add(overlay);
        return out;
    }

    private static Map<String, Object> best(java.util.Collection<Map<String, Object>> traces, boolean encap) {
        Map<String, Object> best = null;
        int bestScore = Integer.MIN_VALUE;
        for (Map<String, Object> t : traces) {
            if (!"DELIVERED".equals(String.valueOf(t.get("verdict")))) continue;
            List<String> st = stages(t);
            boolean dnat = st.contains("ipvs") || st.contains("nat");
            if (encap ? !st.contains("encap") : !dnat) continue;
            int score = (dnat ? 40 : 0) + (st.contains("snat") ? 20 : 0) - Math.min(st.size(), 40) / 4;
            if (score > bestScore) {
                best = t;
                bestScore = score;
            }
        }
        return best;
    }

    private static List<String> stages(Map<String, Object> trace) {
        List<String> out = new ArrayList<>();
        if (trace.get("steps") instanceof List<?> steps) for (Object s : steps) if (s instanceof Map<?, ?> m) out.add(String.valueOf(m.get("stage")));
        return out;
    }

    static char code(Flow f) {
        char c = switch (f.verdict()) {
            case DELIVERED -> f.endpoints() == EndpointCoverage.SOME ? 's' : 'o';
            case REFUSED -> 'r';
            case TIMEOUT -> 't';
            case UNREACHABLE -> 'u';
            case INSUFFICIENT_INFO -> '?';
        };
        return c != 's' && f.endpoints() != null ? Character.toUpperCase(c) : c;
    }

    /** The example trace of each cell: failing cells first, at most {@link #MAX_TRACES}; traced on every core. */
    private static Map<String, Map<String, Object>> traces(DataPlane dp, List<Row> rows, List<Column> cols, List<char[]> cells) {
        List<int[]> wanted = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            for (int c = 0; c < cols.size(); c++) {
                for (int r = 0; r < rows.size(); r++) {
                    char ch = Character.toLowerCase(cells.get(c)[r]);
                    boolean failing = ch != 'o' && ch != 's';
                    if (failing == (pass == 0) && wanted.size() < MAX_TRACES) wanted.add(new int[] {r, c});
                }
            }
        }
        Map<String, Object>[] json = new Map[wanted.size()];
        IntStream.range(0, wanted.size()).parallel().forEach(i -> {
            Row r = rows.get(wanted.get(i)[0]);
            Column c = cols.get(wanted.get(i)[1]);
            json[i] = TraceText.json(dp.trace(r.example(), c.example().probe()));
        });
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (int i = 0; i < wanted.size(); i++) out.put(FlowMatrix.key(rows.get(wanted.get(i)[0]).label(), cols.get(wanted.get(i)[1]).label()), json[i]);
        return out;
    }

    /**
     * Counts of every flow: the doctor's (it counts each flow by its class) when it ran, else the matrix's summary.
     * Words as the small report's: ok, refused, timeout, unreachable, unknown.
     */
    private static Map<String, Object> summary(ReachabilityMatrix m, JsonNode findings, int rows, int cols) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("hosts", m.hostNames().size());
        out.put("classes", rows);
        out.put("columns", cols);
        JsonNode cov = findings == null ? null : findings.get("flows");
        if (cov != null && cov.has("total")) {
            out.put("flows", cov.path("total").asLong());
            out.put("ok", cov.path("ok").asLong());
            out.put("failing", cov.path("failing").asLong());
            out.put("unknown", cov.path("unknown").asLong());
            out.put("countedBy", "doctor");
            return out;
        }
        Summary sum = m.summarize(ReachabilityMatrix.Progress.NONE);
        long ok = 0, refused = 0, timeout = 0, unreachable = 0, unknown = 0;
        for (Summary.Counts c : sum.byKind().values()) {
            ok += c.verdict(Verdict.DELIVERED);
            refused += c.verdict(Verdict.REFUSED);
            timeout += c.verdict(Verdict.TIMEOUT);
            unreachable += c.verdict(Verdict.UNREACHABLE);
            unknown += c.verdict(Verdict.INSUFFICIENT_INFO);
        }
        out.put("flows", sum.flows());
        out.put("ok", ok);
        out.put("refused", refused);
        out.put("timeout", timeout);
        out.put("unreachable", unreachable);
        out.put("unknown", unknown);
        out.put("countedBy", "matrix");
        return out;
    }
}

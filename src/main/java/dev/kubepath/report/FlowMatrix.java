package dev.kubepath.report;

import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.EndpointCoverage;
import dev.kubepath.dataplane.Stage;
import dev.kubepath.dataplane.Step;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.model.Host;
import dev.kubepath.model.Snapshot;
import dev.kubepath.dataplane.TraceText;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Every host against every frontend: the symptom matrix in the matrix JSON shape
 * ({@code {"summary":{...},"flows":[{"from","to","verdict","endpoints"}]}}), and the trace JSON
 * (docs/trace-json.md) of the cells a reader will want to open. Verdicts are the cell words the report colours:
 * ok, some (load-balanced, some backends answer), refused, timeout, unreachable, unknown (snapshot lacks the facts).
 */
public final class FlowMatrix {
    /** Below this many cells every trace is kept; above it, failing ones (distinct reasons first) and a sample. */
    static final int KEEP_ALL_CELLS = 2_000;
    static final int MAX_FAILING_TRACES = 600;
    static final int WORKING_SAMPLE = 60;

    /** {@code principleTraces}: the working flows the principle view draws (one, or a service flow and a VXLAN flow). */
    public record Result(Map<String, Object> matrix, Map<String, Map<String, Object>> traces, List<Map<String, Object>> principleTraces) {}

    private record Cell(String from, Frontends.Frontend to, Trace trace, String verdict) {}

    private FlowMatrix() {}

    public static Result compute(Snapshot s, List<Frontends.Frontend> columns) {
        DataPlane dp = new DataPlane(s);
        List<Host> hosts = s.hosts();
        // rows in parallel: the data plane is thread-safe and a 200-host cluster has 160,000 cells
        List<List<Cell>> rows = IntStream.range(0, hosts.size()).parallel().mapToObj(i -> {
            String from = hosts.get(i).name();
            List<Cell> row = new ArrayList<>(columns.size());
            for (Frontends.Frontend f : columns) {
                if (from.equals(f.owner()) && f.kind().equals("bridge")) continue; // a host's own gateway is no flow
                Trace t = dp.trace(from, f.probe());
                row.add(new Cell(from, f, t, word(t)));
            }
            return row;
        }).toList();

        List<Cell> cells = rows.stream().flatMap(List::stream).toList();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String w : List.of("ok", "some", "refused", "timeout", "unreachable", "unknown")) counts.put(w, 0);
        List<Map<String, Object>> flows = new ArrayList<>(cells.size());
        for (Cell c : cells) {
            counts.merge(c.verdict(), 1, Integer::sum);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("from", c.from());
            f.put("to", c.to().to());
            f.put("verdict", c.verdict());
            f.put("endpoints", c.trace().coverage() == null ? null : c.trace().coverage().name());
            flows.add(f);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("hosts", hosts.size());
        summary.put("frontends", columns.size());
        summary.put("flows", cells.size());
        summary.putAll(counts);
        Map<String, Object> matrix = new LinkedHashMap<>();
        matrix.put("summary", summary);
        matrix.put("flows", flows);

        Map<String, Map<String, Object>> traces = new LinkedHashMap<>();
        for (Cell c : keep(cells)) traces.put(key(c.from(), c.to().to()), TraceText.json(c.trace()));
        List<Map<String, Object>> principle = new ArrayList<>();
        for (Cell c : principle(cells)) {
            Map<String, Object> json = traces.computeIfAbsent(key(c.from(), c.to().to()), k -> TraceText.json(c.trace()));
            principle.add(json);
        }
        return new Result(matrix, traces, principle);
    }

    public static String key(String from, String to) {
        return from + " -> " + to;
    }

    static String word(Trace t) {
        return switch (t.verdict()) {
            case DELIVERED -> t.coverage() == EndpointCoverage.SOME ? "some" : "ok";
            case REFUSED -> "refused";
            case TIMEOUT -> "timeout";
            case UNREACHABLE -> "unreachable";
            case INSUFFICIENT_INFO -> "unknown";
        };
    }

    /** The cells whose trace the page carries; the others say which command prints theirs. */
    private static List<Cell> keep(List<Cell> cells) {
        if (cells.size() <= KEEP_ALL_CELLS) return cells;
        List<Cell> kept = new ArrayList<>();
        Set<String> reasons = new HashSet<>();
        List<Cell> failing = cells.stream().filter(c -> !c.verdict().equals("ok")).toList();
        for (Cell c : failing) {
            if (kept.size() >= MAX_FAILING_TRACES) break;
            if (reasons.add(c.trace().reason())) kept.add(c);
        }
        for (Cell c : failing) {
            if (kept.size() >= MAX_FAILING_TRACES) break;
            if (!kept.contains(c)) kept.add(c);
        }
        List<Cell> working = cells.stream().filter(c -> c.verdict().equals("ok")).toList();
        int step = Math.max(1, working.size() / WORKING_SAMPLE);
        for (int i = 0; i < working.size() && i / step < WORKING_SAMPLE; i += step) kept.add(working.get(i));
        return kept;
    }

    /**
     * The flows that best show how the overlay works: a delivered one crossing hosts through VXLAN, preferably a
     * curl that IPVS rewrote and that was masqueraded; when that one has no DNAT (the seed before its fix: no
     * service answers across hosts), also a delivered service flow, so the page still shows DNAT and masquerade.
     */
    private static List<Cell> principle(List<Cell> cells) {
        Cell overlay = best(cells, true), service = null;
        if (overlay == null || !has(overlay, Stage.IPVS) && !has(overlay, Stage.NAT)) service = best(cells, false);
        List<Cell> out = new ArrayList<>();
        if (service != null) out.add(service);
        if (overlay != null) out.add(overlay);
        return out;
    }

    private static Cell best(List<Cell> cells, boolean encap) {
        Cell best = null;
        int bestScore = Integer.MIN_VALUE;
        for (Cell c : cells) {
            if (!c.verdict().equals("ok") && !c.verdict().equals("some")) continue;
            EnumMap<Stage, Integer> stages = new EnumMap<>(Stage.class);
            for (Step st : c.trace().steps()) stages.merge(st.stage(), 1, Integer::sum);
            if (encap && !stages.containsKey(Stage.ENCAP)) continue;
            boolean dnat = stages.containsKey(Stage.IPVS) || stages.containsKey(Stage.NAT);
            if (!encap && !dnat) continue;
            int score = (dnat ? 40 : 0) + (stages.containsKey(Stage.SNAT) ? 20 : 0) + (c.to().kind().equals("nodeport") ? 10 : 0)
                    - Math.min(c.trace().steps().size(), 40) / 4;
            if (score > bestScore) {
                best = c;
                bestScore = score;
            }
            if (bestScore >= 60) break; // DNAT, masquerade and a NodePort: good enough, and reading steps costs
        }
        return best;
    }

    private static boolean has(Cell c, Stage stage) {
        for (Step st : c.trace().steps()) if (st.stage() == stage) return true;
        return false;
    }
}

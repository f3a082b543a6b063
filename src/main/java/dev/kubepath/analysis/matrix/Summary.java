package dev.kubepath.analysis.matrix;

import dev.kubepath.dataplane.EndpointCoverage;
import dev.kubepath.dataplane.Verdict;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Flow counts of a matrix by kind of destination, verdict and endpoint coverage, and how many flows were traced
 * to get them (one per equivalence class).
 */
public record Summary(int hosts, int podSubnets, int clusterIps, long nodePorts, Map<String, Counts> byKind,
                      long flows, long traced, double seconds) {

    /** Counts for one kind of destination. */
    public static final class Counts {
        private final EnumMap<Verdict, Long> verdicts = new EnumMap<>(Verdict.class);
        private final EnumMap<EndpointCoverage, Long> endpoints = new EnumMap<>(EndpointCoverage.class);
        /** Per class of failing flows (its outcome, one per class), how many flows: few, whatever the cluster's size. */
        private final Map<Outcome, long[]> failing = new IdentityHashMap<>();
        private long total;

        void add(Outcome o, long n) {
            if (n == 0) return;
            verdicts.merge(o.verdict(), n, Long::sum);
            endpoints.merge(o.endpoints(), n, Long::sum);
            if (!o.verdict().ok()) failing.computeIfAbsent(o, k -> new long[1])[0] += n;
            total += n;
        }

        /** Adds another's counts, {@code times} over (a class of flows counted once and met many times). */
        void merge(Counts o, long times) {
            if (times == 0) return;
            o.verdicts.forEach((k, v) -> verdicts.merge(k, v * times, Long::sum));
            o.endpoints.forEach((k, v) -> endpoints.merge(k, v * times, Long::sum));
            o.failing.forEach((k, v) -> failing.computeIfAbsent(k, x -> new long[1])[0] += v[0] * times);
            total += o.total * times;
        }

        /** The classes of failing flows, each with the flow traced for it and how many flows it stands for. */
        public List<FlowClass> failing() {
            List<FlowClass> out = new ArrayList<>(failing.size());
            failing.forEach((o, n) -> out.add(new FlowClass(o.flow(), n[0])));
            out.sort(Comparator.comparing((FlowClass c) -> c.example().from()).thenComparing(c -> c.example().to().label()));
            return out;
        }

        public long total() {
            return total;
        }

        public long verdict(Verdict v) {
            return verdicts.getOrDefault(v, 0L);
        }

        public long endpoints(EndpointCoverage c) {
            return endpoints.getOrDefault(c, 0L);
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("flows", total);
            Map<String, Long> v = new LinkedHashMap<>();
            for (Verdict x : Verdict.values()) v.put(x.name(), verdict(x));
            m.put("verdicts", v);
            Map<String, Long> e = new LinkedHashMap<>();
            for (EndpointCoverage x : EndpointCoverage.values()) e.put(x.name(), endpoints(x));
            m.put("endpoints", e);
            return m;
        }
    }

    /** A class of flows that end alike: the flow traced for it and how many flows of the matrix it stands for. */
    public record FlowClass(Flow example, long flows) {}

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hosts", hosts);
        m.put("podSubnets", podSubnets);
        m.put("clusterIps", clusterIps);
        m.put("nodePorts", nodePorts);
        m.put("flows", flows);
        m.put("traced", traced);
        Map<String, Object> k = new LinkedHashMap<>();
        byKind.forEach((name, c) -> k.put(name, c.toMap()));
        m.put("byKind", k);
        return m;
    }
}

package dev.kubepath.analysis.matrix;

import dev.kubepath.cluster.Synthetic;
import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.model.Snapshot;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 5,000-node cluster with every kind of fault: sampled flows of its matrix against the tracer. The sample is kept
 * to 400 flows so that CI stays within a minute or so on a loaded machine; {@code kubepath bench matrix} checks
 * 10,000 flows of the 150,000-pod cluster the same way.
 */
@Tag("large")
class LargeMatrixTest {
    @Test
    void sampledFlowsOfAFiveThousandNodeClusterMatchTheTracer() {
        Snapshot s = Synthetic.build(new Synthetic.Spec(5000, 2, 10, 3, 11, new Synthetic.Faults(2, 3, 1, 2, 1)));
        ReachabilityMatrix m = ReachabilityMatrix.of(s);
        Summary sum = m.summarize(ReachabilityMatrix.Progress.NONE);
        assertThat(sum.flows()).isEqualTo(m.flowCount());
        assertThat(sum.traced()).as("flows traced for the whole matrix").isLessThan(2000);
        List<String> hosts = m.hostNames();
        List<Destination> dests = new ArrayList<>(m.podSubnets());
        dests.addAll(m.clusterIps());
        SplittableRandom r = new SplittableRandom(3);
        // the faulty nodes' own flows first, then random ones
        Synthetic.Placement placed = Synthetic.place(new Synthetic.Spec(5000, 2, 10, 3, 11, new Synthetic.Faults(2, 3, 1, 2, 1)));
        List<Integer> faulty = new ArrayList<>();
        for (int f = 0; f < 5; f++) for (int i = 0; i < 5000; i++) if (placed.has(f, i)) faulty.add(i);
        List<String> mismatches = new ArrayList<>();
        DataPlane tracer = null;
        for (int i = 0; i < 400; i++) {
            if (i % 100 == 0) tracer = new DataPlane(s); // bounded per-host indexes
            String from = i < 200 ? Synthetic.hostName(faulty.get(i % faulty.size())) : hosts.get(r.nextInt(hosts.size()));
            Destination d = i % 3 == 2 ? m.nodePort(i < 200 ? faultyNodePort(m, faulty, r) : r.nextLong(m.nodePortCount()))
                    : i < 200 && i % 3 == 0 ? m.podSubnets().get(faulty.get(r.nextInt(faulty.size())))
                    : dests.get(r.nextInt(dests.size()));
            Flow f = m.flow(from, d);
            Trace t = tracer.trace(from, d.probe());
            if (t.verdict() != f.verdict() || MatrixEqualsTracerTest.coverage(t) != f.endpoints()) {
                mismatches.add(from + " -> " + d.label() + ": matrix " + f.verdict() + ", tracer " + t.verdict() + " (" + t.reason() + ")");
            }
        }
        assertThat(mismatches).isEmpty();
        // the faults are visible in the counts: the lost leases' pods time out from everywhere else
        assertThat(sum.byKind().get("podSubnet").verdict(dev.kubepath.dataplane.Verdict.TIMEOUT)).isGreaterThanOrEqualTo(2 * 4999);
    }

    /** A NodePort destination on one of the faulty nodes (every synthetic host is a node, in host order). */
    private static long faultyNodePort(ReachabilityMatrix m, List<Integer> faulty, SplittableRandom r) {
        int nodes = m.hostNames().size();
        long frontend = r.nextLong(m.nodePortCount() / nodes);
        return frontend * nodes + faulty.get(r.nextInt(faulty.size()));
    }
}

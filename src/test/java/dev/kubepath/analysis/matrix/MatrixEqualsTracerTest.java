package dev.kubepath.analysis.matrix;

import dev.kubepath.cluster.Synthetic;
import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.EndpointCoverage;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.model.Host;
import dev.kubepath.model.HostBuilder;
import dev.kubepath.model.Snapshot;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.SocketAddress;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The acceptance test of the matrix: flow for flow, the same verdict and coverage as the per-flow tracer. */
class MatrixEqualsTracerTest {

    static EndpointCoverage coverage(Trace t) {
        return t.coverage() != null ? t.coverage() : t.verdict() == Verdict.DELIVERED ? EndpointCoverage.ALL : EndpointCoverage.NONE;
    }

    /**
     * Flannel entries lost one by one on single hosts (a route here, a neighbour or FDB entry there) and stale real
     * servers on single nodes' virtual servers: faults that differ per pair of hosts or per node, not per signature,
     * so that the per-pair part of the factoring and the per-node IPVS views are put to the test too.
     */
    static Snapshot dropRandomEntries(Snapshot s, SplittableRandom r) {
        List<Host> hosts = new ArrayList<>(s.hosts());
        for (int k = 0; k < 4; k++) {
            int i = r.nextInt(hosts.size());
            HostBuilder b = hosts.get(i).toBuilder();
            switch (r.nextInt(4)) {
                case 0 -> { if (b.routes.size() > 3) b.routes.remove(3 + r.nextInt(b.routes.size() - 3)); }
                case 1 -> { if (!b.neighbours.isEmpty()) b.neighbours.remove(r.nextInt(b.neighbours.size())); }
                case 2 -> { if (!b.fdb.isEmpty()) b.fdb.remove(r.nextInt(b.fdb.size())); }
                default -> {
                    // a stale real server left on one node's virtual server: an address where no pod is (any more)
                    if (b.virtualServers.isEmpty()) break;
                    int v = r.nextInt(b.virtualServers.size());
                    VirtualServer vs = b.virtualServers.get(v);
                    List<VirtualServer.RealServer> reals = new ArrayList<>(vs.reals());
                    reals.add(VirtualServer.RealServer.masq(new SocketAddress(Synthetic.subnet(r.nextInt(hosts.size())).address(200), 8080)));
                    b.virtualServers.set(v, new VirtualServer(vs.protocol(), vs.address(), vs.scheduler(), reals));
                }
            }
            hosts.set(i, b.build());
        }
        return new Snapshot(s.name(), hosts, s.cluster());
    }

    @Test
    void everyFlowOfTwentyRandomFaultyClustersMatchesTheTracer() {
        SplittableRandom r = new SplittableRandom(2026);
        int traced = 0, flows = 0;
        Map<Verdict, Integer> seen = new EnumMap<>(Verdict.class);
        Map<Verdict, Integer> seenUdp = new EnumMap<>(Verdict.class);
        for (int c = 0; c < 20; c++) {
            int nodes = 5 + r.nextInt(8);
            Synthetic.Faults faults = new Synthetic.Faults(r.nextInt(3), r.nextInt(3), r.nextInt(2), r.nextInt(3), r.nextInt(2));
            // every other pair of clusters has cluster DNS: kube-dns's UDP and TCP 53 on one ClusterIP
            Synthetic.Spec spec = new Synthetic.Spec(nodes, 1 + r.nextInt(3), 1 + r.nextInt(4), 1 + r.nextInt(3), r.nextLong(), faults, c % 4 < 2);
            Snapshot s = c % 2 == 0 ? Synthetic.build(spec) : dropRandomEntries(Synthetic.build(spec), r);
            ReachabilityMatrix m = ReachabilityMatrix.of(s);
            DataPlane tracer = new DataPlane(s);
            List<String> mismatches = new ArrayList<>();
            int[] n = new int[1];
            Map<String, Map<Verdict, Long>> tally = new java.util.HashMap<>();
            Map<String, Map<EndpointCoverage, Long>> coverages = new java.util.HashMap<>();
            m.forEachFlow(f -> {
                n[0]++;
                String kind = switch (f.to()) {
                    case Destination.PodSubnet p -> "podSubnet";
                    case Destination.ClusterIp ci -> "clusterIp";
                    case Destination.NodePort np -> "nodePort";
                };
                tally.computeIfAbsent(kind, k -> new EnumMap<>(Verdict.class)).merge(f.verdict(), 1L, Long::sum);
                coverages.computeIfAbsent(kind, k -> new EnumMap<>(EndpointCoverage.class)).merge(f.endpoints(), 1L, Long::sum);
                Trace t = tracer.trace(f.from(), f.to().probe());
                seen.merge(t.verdict(), 1, Integer::sum);
                if (f.to().probe() instanceof dev.kubepath.dataplane.Probe.Udp) seenUdp.merge(t.verdict(), 1, Integer::sum);
                if (t.verdict() != f.verdict() || coverage(t) != f.endpoints()) {
                    mismatches.add(f.from() + " -> " + f.to().label() + ": matrix " + f.verdict() + "/" + f.endpoints()
                            + ", tracer " + t.verdict() + "/" + coverage(t) + " (" + t.reason() + ")");
                }
            });
            assertThat(mismatches).as("cluster %d %s", c, spec).isEmpty();
            assertThat((long) n[0]).isEqualTo(m.flowCount());
            Summary sum = ReachabilityMatrix.of(s).summarize(ReachabilityMatrix.Progress.NONE);
            assertThat(sum.flows()).isEqualTo(m.flowCount());
            // the counts by classes add up to the counts of the flows listed one by one
            for (Map.Entry<String, Map<Verdict, Long>> e : tally.entrySet()) {
                for (Verdict v : Verdict.values()) {
                    assertThat(sum.byKind().get(e.getKey()).verdict(v)).as("%s %s", e.getKey(), v).isEqualTo(e.getValue().getOrDefault(v, 0L));
                }
                for (EndpointCoverage cov : EndpointCoverage.values()) {
                    assertThat(sum.byKind().get(e.getKey()).endpoints(cov)).as("%s %s", e.getKey(), cov).isEqualTo(coverages.get(e.getKey()).getOrDefault(cov, 0L));
                }
            }
            flows += n[0];
            traced += m.traced();
        }
        // the faults show up as failures of every kind the tracer gives, and classes are far fewer than flows
        assertThat(seen.keySet()).contains(Verdict.DELIVERED, Verdict.TIMEOUT, Verdict.REFUSED);
        // UDP flows (DNS queries to kube-dns) are among them, answered and lost
        assertThat(seenUdp.keySet()).contains(Verdict.DELIVERED, Verdict.TIMEOUT);
        assertThat(traced).isLessThan(flows / 2);
    }
}

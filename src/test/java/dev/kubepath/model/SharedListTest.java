package dev.kubepath.model;

import dev.kubepath.analysis.matrix.ReachabilityMatrix;
import dev.kubepath.analysis.matrix.Summary;
import dev.kubepath.cluster.Synthetic;
import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Probe;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.net.SocketAddress;
import dev.kubepath.proxy.Ipvsadm;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A synthetic cluster holds what every node has alike once (shared parts, NodePort servers generated per address);
 * what an operator sees of it must not tell: the same tables, the same traces, the same matrix as the cluster with
 * every host's lists written out in full.
 */
class SharedListTest {
    private static final Synthetic.Spec SPEC = new Synthetic.Spec(600, 2, 40, 3, 5, new Synthetic.Faults(1, 1, 1, 1, 1));

    private static Snapshot writtenOut(Snapshot s) {
        List<Host> hosts = new ArrayList<>();
        for (Host h : s.hosts()) hosts.add(h.toBuilder().build()); // the builder copies every item into its own lists
        return new Snapshot(s.name(), hosts, s.cluster());
    }

    @Test
    void aSharedHostListsWhatAWrittenOutOneLists() {
        Snapshot shared = Synthetic.build(SPEC);
        Snapshot full = writtenOut(shared);
        for (int i : new int[] {0, 255, 256, 599}) {
            Host a = shared.hosts().get(i), b = full.hosts().get(i);
            assertThat(a.routes()).isInstanceOf(SharedList.class);
            assertThat(b.routes()).isNotInstanceOf(SharedList.class);
            assertThat(a.routes()).hasSize(b.routes().size()).containsExactlyElementsOf(b.routes());
            for (int k = 0; k < a.routes().size(); k += 97) assertThat(a.routes().get(k)).isEqualTo(b.routes().get(k));
            assertThat(a.neighbours()).containsExactlyElementsOf(b.neighbours());
            assertThat(a.fdb()).containsExactlyElementsOf(b.fdb());
            assertThat(a.addresses()).containsExactlyElementsOf(b.addresses());
            assertThat(Ipvsadm.listNumeric(a.virtualServers())).isEqualTo(Ipvsadm.listNumeric(b.virtualServers()));
        }
        // no node holds its own subnet's flannel entries, every node holds every other leased one
        Host first = shared.hosts().getFirst();
        assertThat(first.routes()).noneMatch(r -> r.dst().equals(Synthetic.subnet(0)) && "flannel.1".equals(r.dev()));
        assertThat(first.routes().stream().filter(r -> "flannel.1".equals(r.dev())).count()).isGreaterThanOrEqualTo(600 - 1 - 1);
        // a NodePort server on each of a node's three addresses, for every service
        assertThat(first.virtualServers()).hasSize(40 * 4);
    }

    @Test
    void tracesAndTheMatrixAreTheSameOnSharedAndWrittenOutHosts() {
        Snapshot shared = Synthetic.build(SPEC);
        Snapshot full = writtenOut(shared);
        DataPlane a = new DataPlane(shared), b = new DataPlane(full);
        List<Probe> probes = List.of(
                new Probe.Curl(new SocketAddress(Synthetic.hostIp(7), Synthetic.NODE_PORT_BASE + 3)),
                new Probe.Curl(new SocketAddress(shared.cluster().services().get(5).clusterIp(), 80)),
                new Probe.Ping(Synthetic.subnet(300).address(1)));
        for (int from : new int[] {0, 7, 599}) {
            for (Probe p : probes) {
                Trace x = a.trace(Synthetic.hostName(from), p), y = b.trace(Synthetic.hostName(from), p);
                assertThat(x.verdict()).isEqualTo(y.verdict());
                assertThat(x.coverage()).isEqualTo(y.coverage());
                assertThat(x.steps().toString()).isEqualTo(y.steps().toString());
            }
        }
        Summary s1 = ReachabilityMatrix.of(shared).summarize(ReachabilityMatrix.Progress.NONE);
        Summary s2 = ReachabilityMatrix.of(full).summarize(ReachabilityMatrix.Progress.NONE);
        assertThat(s1.toMap()).isEqualTo(s2.toMap());
    }
}

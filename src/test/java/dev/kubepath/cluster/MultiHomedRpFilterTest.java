package dev.kubepath.cluster;

import dev.kubepath.dataplane.Cause;
import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Probe;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Snapshot;
import dev.kubepath.net.Ipv4;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A multi-homed node in the simulator (multi-homed.yaml: n1's flanneld announces eth1, on eth0's segment, whose
 * connected route ranks below eth0's): the other nodes' VXLAN frames arrive on eth1 and n1's route back leaves by
 * eth0, which rp_filter=1 drops. The kernel's verdicts for the same file: LabRpFilterTest.
 */
class MultiHomedRpFilterTest {
    private static final Ipv4 N1_ETH1 = Ipv4.parse("192.168.20.111");

    @Test
    void strictRpFilterOnTheMultiHomedNodeDropsTheFramesThatArriveOnItsSecondNic() {
        ClusterRun run = ClusterRun.simulated(ClusterFile.load(Path.of("src/test/resources/cluster-files/multi-homed.yaml")), e -> { });
        run.boot();
        run.runAll();
        SimCluster c = run.cluster();
        Snapshot s = c.snapshot();
        Lease n1 = s.cluster().leases().stream().filter(l -> l.subnet().toString().equals("10.244.11.0/24")).findFirst().orElseThrow();
        assertThat(n1.publicIp()).as("flanneld --iface eth1").isEqualTo(N1_ETH1);
        assertThat(s.hostsByName().get("n1").routes()).anySatisfy(r -> assertThat(r.describe()).contains("dev eth1").contains("metric 200"));
        Ipv4 n1Bridge = Ipv4.parse("10.244.11.1");
        Trace healthy = new DataPlane(s).trace("n2", new Probe.Ping(n1Bridge));
        assertThat(healthy.verdict()).as(healthy.reason()).isEqualTo(Verdict.DELIVERED);

        c.faults().inject(Fault.parse(List.of("rp-filter", "n1", "1")));
        Trace t = new DataPlane(c.snapshot()).trace("n2", new Probe.Ping(n1Bridge));
        assertThat(t.verdict()).as(t.reason()).isEqualTo(Verdict.TIMEOUT);
        assertThat(t.cause()).isInstanceOfSatisfying(Cause.ReversePathFiltered.class, rp -> {
            assertThat(rp.host()).isEqualTo("n1");
            assertThat(rp.ingress()).isEqualTo("eth1");
            assertThat(rp.reverseDev()).isEqualTo("eth0");
        });
        // n1's own address on eth0 routes back by eth0: the NodePort there still answers
        Trace nodePort = new DataPlane(c.snapshot()).trace("n2", new Probe.Curl(new dev.kubepath.net.SocketAddress(Ipv4.parse("192.168.20.11"), 30080)));
        assertThat(nodePort.backends()).anySatisfy(b -> assertThat(b.verdict()).isEqualTo(Verdict.DELIVERED));

        c.faults().inject(Fault.parse(List.of("rp-filter", "n1", "2")));
        Trace loose = new DataPlane(c.snapshot()).trace("n2", new Probe.Ping(n1Bridge));
        assertThat(loose.verdict()).as("loose: some route back will do. " + loose.reason()).isEqualTo(Verdict.DELIVERED);
    }
}

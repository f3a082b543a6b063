package dev.kubepath.doctor;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.cluster.ClusterRun;
import dev.kubepath.cluster.SnapshotWriter;
import dev.kubepath.dataplane.Basis;
import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Probe;
import dev.kubepath.dataplane.Stage;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.model.Container;
import dev.kubepath.model.Snapshot;
import dev.kubepath.net.SocketAddress;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The doctor on clusters whose nodes sit on two routed underlay subnets (two-subnets.yaml, two-subnets-host-gw.yaml),
 * read back from the snapshot file the simulator writes, as from a real cluster's: with VXLAN the VTEPs of the other
 * subnet are reached via each host's gateway (rule UNDERLAY_VIA_GATEWAY, an assumption about the router, said in the
 * trace) and nothing is found wrong; with host-gw the routes across the router are missing and HOSTGW_NOT_ADJACENT
 * names why.
 */
class RoutedUnderlayDoctorTest {
    static Snapshot snapshotFile(String file) {
        ClusterRun run = ClusterRun.simulated(ClusterFile.load(Path.of("src/test/resources/cluster-files/" + file)), e -> { });
        run.boot();
        run.runAll();
        return dev.kubepath.ingest.SnapshotFile.parse(file, SnapshotWriter.write(run.cluster().snapshot(), "routed underlay"));
    }

    static Container webPodOn(Snapshot s, String host) {
        return s.hostsByName().get(host).containers().stream().filter(x -> x.pod().startsWith("web-")).findFirst().orElseThrow();
    }

    @Test
    void vxlanAcrossTheRouterIsHealthyAndTheTraceSaysItRestsOnTheRouter() {
        Snapshot s = snapshotFile("two-subnets.yaml");
        Trace t = new DataPlane(s).traceFromPod("n1", webPodOn(s, "n1").pod(), new Probe.Curl(new SocketAddress(webPodOn(s, "n4").ip(), 8080)));
        assertThat(t.verdict()).as(t.reason()).isEqualTo(Verdict.DELIVERED);
        assertThat(t.basis()).isEqualTo(Basis.INFERRED);
        assertThat(t.steps()).filteredOn(st -> st.stage() == Stage.UNDERLAY && st.host().equals("n1")).singleElement().satisfies(st -> {
            assertThat(st.basis()).isEqualTo(Basis.INFERRED);
            assertThat(st.decidedBy()).startsWith("default via 172.20.1.1 dev eth0");
            assertThat(st.facts()).singleElement().asString().contains("UNDERLAY_VIA_GATEWAY")
                    .contains("VTEP 172.20.2.24 of n4 reached via gateway 172.20.1.1 on eth0")
                    .contains("assumes the underlay router forwards UDP 8472 between the hosts' subnets");
        });
        Report r = Doctor.examine(s);
        String text = ReportText.human(r);
        assertThat(text).doesNotContain("not a host of this cluster");
        assertThat(r.findings()).as(text).noneMatch(f -> f.severity() == Severity.CRITICAL);
    }

    @Test
    void hostGwAcrossTheRouterIsNamedAsNotAdjacent() {
        Snapshot s = snapshotFile("two-subnets-host-gw.yaml");
        Report r = Doctor.examine(s);
        String text = ReportText.human(r);
        assertThat(r.findings()).as(text).filteredOn(f -> f.code() == Code.HOSTGW_NOT_ADJACENT && f.hosts().equals(java.util.List.of("n1")))
                .singleElement().satisfies(f -> {
                    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
                    assertThat(f.subnets()).containsExactly("10.244.3.0/24", "10.244.4.0/24");
                    assertThat(f.brokenFlows()).as("the failing flows are put down to it").isNotEmpty();
                });
        assertThat(r.findings()).as("a and b's own subnet routes are not missing: no other cause is claimed").noneMatch(f -> f.code() == Code.ROUTE_MISSING);
    }
}

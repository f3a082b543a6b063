package dev.kubepath.doctor;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.cluster.ClusterRun;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * VXLAN with DirectRouting: flanneld routes a peer on its own underlay subnet via eth0 and writes no neighbour or FDB
 * entry for it, so a healthy cluster's doctor finds no VTEP disagreement.
 */
class DirectRoutingDoctorTest {
    @Test
    void peersRoutedViaEth0NeedNoNeighbourOrFdbEntry() {
        ClusterRun run = ClusterRun.simulated(ClusterFile.load(Path.of("src/test/resources/cluster-files/direct-routing.yaml")), e -> { });
        run.boot();
        // the file's cluster does route some peers via eth0: the case under test is there
        assertThat(run.cluster().snapshot().hosts()).anySatisfy(h -> assertThat(h.routes())
                .anyMatch(r -> "eth0".equals(r.dev()) && r.via() != null && r.dst().toString().startsWith("10.")));
        Report r = Doctor.examine(run.cluster().snapshot());
        assertThat(r.findings()).as(ReportText.human(r)).noneMatch(f -> f.code() == Code.VTEP_MISMATCH);
    }
}

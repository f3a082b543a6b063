package dev.kubepath.doctor;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.cluster.ClusterRun;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The doctor on the snapshots of cluster files (docs/scenario-format.md), as `kubepath simulate` writes them. */
class ClusterFileDoctorTest {

    /**
     * two-modes.yaml's batch is a node with {@code kubeProxy: none}: no rule answers its NodePort, so a curl of
     * 192.168.10.23:30080 is refused by its own kernel. The refusal is NO_SERVICE_PROXY's on batch (it showed
     * "refused" with no code).
     */
    @Test
    void aNodePortOfANodeWithoutKubeProxyIsPutDownToNoServiceProxy() {
        ClusterRun run = ClusterRun.simulated(ClusterFile.load(Path.of("src/test/resources/cluster-files/two-modes.yaml")), e -> { });
        run.boot();
        run.runUntil(Duration.ofHours(1));
        Report r = Doctor.examine(run.cluster().snapshot());
        assertThat(r.symptoms()).as(ReportText.human(r)).filteredOn(s -> s.to().equals("192.168.10.23:30080"))
                .isNotEmpty().allSatisfy(s -> {
                    assertThat(s.result()).isEqualTo("refused");
                    assertThat(s.code()).isEqualTo("NO_SERVICE_PROXY");
                });
        assertThat(r.findings(Code.NO_SERVICE_PROXY)).filteredOn(f -> f.hosts().contains("batch")).singleElement()
                .satisfies(f -> assertThat(f.brokenFlows()).contains("web1 -> 192.168.10.23:30080 (default/web): refused"));
    }
}

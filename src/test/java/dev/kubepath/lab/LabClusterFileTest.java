package dev.kubepath.lab;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.flannel.etcd.EtcdProcess;
import dev.kubepath.host.linux.CommandResult;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A cluster file other than the seed, built on namespaces: the kernel and the simulator agree flow by flow. */
class LabClusterFileTest {
    @Test
    void aNonSeedClusterFileComesUpAndAgreesWithTheSimulator() {
        RootOnly.assume();
        ClusterFile f = ClusterFile.load(Path.of("src/test/resources/cluster-files/lab-three.yaml"));
        LabCluster.RegistryKind kind = EtcdProcess.available() ? LabCluster.RegistryKind.ETCD : LabCluster.RegistryKind.EMBEDDED;
        try (LabCluster lab = LabScenario.up(f, kind)) {
            // the file's registry: etcd's v3 key space
            if (kind == LabCluster.RegistryKind.ETCD) assertThat(lab.cluster().registry()).isInstanceOf(dev.kubepath.flannel.etcd.EtcdV3Registry.class);
            // the file's VNI and port on the real device
            CommandResult link = lab.exec("n2", List.of("ip", "-d", "link", "show", "flannel.7"));
            assertThat(link.stdout()).contains("vxlan id 7").contains("dstport 4789");
            LabVerify.Report r = LabVerify.run(lab);
            assertThat(r.disagreements()).as(r.table()).isEmpty();
            // n1 and n2 both carry the NodePort to the web pods, for real
            assertThat(r.rows()).anySatisfy(row -> {
                assertThat(row.to()).isEqualTo("192.168.20.11:30080");
                assertThat(row.real()).isEqualTo(Verdict.DELIVERED);
            });
            assertThat(r.rows()).anySatisfy(row -> {
                assertThat(row.to()).isEqualTo("192.168.20.12:30080");
                assertThat(row.real()).isEqualTo(Verdict.DELIVERED);
            });
        }
    }
}

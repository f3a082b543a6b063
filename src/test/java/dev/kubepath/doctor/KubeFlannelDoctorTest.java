package dev.kubepath.doctor;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.cluster.ClusterRun;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.shell.SimShell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * scenarios/k3s-like.yaml played to its end (agent2's podCIDR changed, the probe pod stuck): the doctor names cni0's
 * old address as BRIDGE_SUBNET_MISMATCH on agent2, cites the kubelet's journal line and the pod event with the
 * bridge plugin's error, and fixes it by deleting cni0, not by restarting docker (there is none).
 */
class KubeFlannelDoctorTest {
    @Test
    void aChangedPodCidrIsCni0KeepingItsOldAddressWithTheCniErrorAsEvidence(@TempDir Path bundle) throws IOException {
        ClusterRun run = ClusterRun.simulated(ClusterFile.load(Path.of("scenarios/k3s-like.yaml")), e -> { });
        run.boot();
        run.runAll();
        SimCluster c = run.cluster();
        c.advance(java.time.Duration.ofMinutes(5));
        // the two files of a bundle this finding cites beyond the kernel's state
        Files.createDirectories(bundle.resolve("hosts/agent2"));
        Files.createDirectories(bundle.resolve("cluster"));
        Files.writeString(bundle.resolve("hosts/agent2/kubelet.log"), String.join("\n", c.podEvents().journal("agent2")) + "\n");
        Files.writeString(bundle.resolve("cluster/events.txt"), new SimShell(c, "server").run("kubectl get events -A"));

        Report r = Doctor.examine(bundle, c.snapshot());
        assertThat(r.findings(Code.BRIDGE_SUBNET_MISMATCH)).as(ReportText.human(r)).singleElement().satisfies(f -> {
            assertThat(f.hosts()).containsExactly("agent2");
            assertThat(f.subnets()).contains("10.42.2.0/24", "10.42.3.0/24");
            assertThat(f.evidence()).anySatisfy(e -> {
                assertThat(e.file()).isEqualTo("hosts/agent2/kubelet.log");
                assertThat(e.line()).isNotNull();
                assertThat(e.text()).contains("\"CreatePodSandbox for pod failed\"").contains("already has an IP address different from 10.42.3.1/24");
            });
            assertThat(f.evidence()).anySatisfy(e -> assertThat(e.file()).isEqualTo("cluster/events.txt"));
            assertThat(f.fix().getFirst()).contains("ip link delete cni0");
            assertThat(String.join("\n", f.fix())).doesNotContain("docker");
        });
        assertThat(r.findings()).filteredOn(f -> f.severity() == Severity.CRITICAL).extracting(Finding::code)
                .as(ReportText.human(r)).isSubsetOf(Set.of(Code.BRIDGE_SUBNET_MISMATCH));
    }

    static SimCluster bootedK3s() {
        ClusterRun run = ClusterRun.simulated(ClusterFile.load(Path.of("scenarios/k3s-like.yaml")), e -> { });
        run.boot();
        return run.cluster();
    }

    static Report withNodesJson(SimCluster c, Path bundle) throws IOException {
        Files.createDirectories(bundle.resolve("cluster"));
        Files.writeString(bundle.resolve("cluster/nodes.json"),
                dev.kubepath.cluster.KubeObjects.nodesJson(c.api(), (dev.kubepath.flannel.kube.KubeNodes) c.registry()));
        return Doctor.examine(bundle, c.snapshot());
    }

    @Test
    void anAnnotationMacOtherThanFlannel1sIsVtepMismatchCitedFromNodesJson(@TempDir Path bundle) throws IOException {
        SimCluster c = bootedK3s();
        var kube = (dev.kubepath.flannel.kube.KubeNodes) c.registry();
        kube.annotate("agent1", dev.kubepath.flannel.kube.KubeAnnotations.BACKEND_DATA, "{\"VNI\":1,\"VtepMAC\":\"de:ad:be:ef:00:01\"}");
        c.settle();
        Report r = withNodesJson(c, bundle);
        assertThat(r.findings(Code.VTEP_MISMATCH)).as(ReportText.human(r)).anySatisfy(f -> {
            assertThat(f.summary()).contains("de:ad:be:ef:00:01");
            assertThat(f.hosts()).contains("agent1");
        });
        assertThat(r.findings()).filteredOn(f -> f.severity() == Severity.CRITICAL).extracting(Finding::code)
                .as(ReportText.human(r)).isSubsetOf(Set.of(Code.VTEP_MISMATCH));
    }

    @Test
    void aPublicIpOverwriteThatIsNotTheNodesAddressIsPublicIpConflict(@TempDir Path bundle) throws IOException {
        SimCluster c = bootedK3s();
        var kube = (dev.kubepath.flannel.kube.KubeNodes) c.registry();
        kube.annotate("agent2", dev.kubepath.flannel.kube.KubeAnnotations.PUBLIC_IP_OVERWRITE, "192.168.30.99");
        c.systemctl("agent2", "restart", "flanneld");
        Report r = withNodesJson(c, bundle);
        assertThat(r.findings(Code.PUBLIC_IP_CONFLICT)).as(ReportText.human(r)).singleElement().satisfies(f -> {
            assertThat(f.hosts()).containsExactly("agent2");
            assertThat(f.summary()).contains("192.168.30.99");
            assertThat(f.evidence()).anySatisfy(e -> assertThat(e.file()).isEqualTo("cluster/nodes.json"));
            assertThat(f.fix().getFirst()).contains("public-ip-overwrite-");
        });
        assertThat(r.findings(Code.LEASE_MISSING)).as("the lease exists, under another address").isEmpty();
        assertThat(r.findings()).filteredOn(f -> f.severity() == Severity.CRITICAL).extracting(Finding::code)
                .as(ReportText.human(r)).isSubsetOf(Set.of(Code.PUBLIC_IP_CONFLICT));
    }
}

package dev.kubepath.shell;

import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubectl get cm -n kube-flannel} and {@code kubectl get endpointslices} as tables, and flannel's ConfigMap
 * with -o yaml|json against kubectl 1.32's own printers (scripts/capture-kubectl-goldens.sh: the ConfigMap of
 * flannel's manifest with the seed's network configuration).
 */
class KubectlFlannelObjectsTest {
    static final Path DIR = Path.of("src/test/resources/shell/kubectl");

    /** The seed with flanneld as flannel's DaemonSet runs it (--kube-subnet-mgr), deployed, a day later. */
    private static SimShell daemonSetSeed() {
        SimCluster cluster = SimCluster.kube(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z")));
        SeedCluster.bootHealthy(cluster);
        SeedCluster.deploy(cluster, SeedCluster.NODE_PORT_BEFORE);
        cluster.advance(Duration.ofHours(25));
        return new SimShell(cluster, SeedCluster.NODE05);
    }

    @Test
    void flannelsConfigMapIsPrintedAsKubectlPrintsIt() throws IOException {
        SimShell shell = daemonSetSeed();
        assertThat(shell.run("kubectl get cm kube-flannel-cfg -n kube-flannel -o yaml")).isEqualTo(Files.readString(DIR.resolve("configmap.yaml.out")));
        assertThat(shell.run("kubectl get configmap kube-flannel-cfg -n kube-flannel -o json")).isEqualTo(Files.readString(DIR.resolve("configmap.json.out")));
    }

    @Test
    void configMapsAreListedWithTheirDataCountAndAge() {
        SimShell shell = daemonSetSeed();
        assertThat(shell.run("kubectl get cm -n kube-flannel")).isEqualTo("""
                NAME               DATA   AGE
                kube-flannel-cfg   2      25h
                """);
        assertThat(shell.run("kubectl get cm -A")).startsWith("NAMESPACE      NAME               DATA   AGE\nkube-flannel   kube-flannel-cfg");
        // where flanneld runs under systemd with etcd there is no such config map; other namespaces' are not simulated
        SimCluster etcdSeed = SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z")));
        SeedCluster.bootHealthy(etcdSeed);
        SimShell onEtcd = new SimShell(etcdSeed, SeedCluster.NODE05);
        assertThat(onEtcd.run("kubectl get cm -n kube-flannel")).isEqualTo("No resources found in kube-flannel namespace.\n");
        assertThat(onEtcd.run("kubectl get cm")).contains("holds no config maps in namespace default");
    }

    /** kubectl's EndpointSlice columns, as in kubeguide/K8sDefinitiveGuide-V6-A-corrigendum#32's paste. */
    @Test
    void endpointSlicesAreListedAsKubectlListsThem() {
        SimShell shell = daemonSetSeed();
        String table = shell.run("kubectl get endpointslices");
        assertThat(table.lines().findFirst().orElseThrow()).matches("NAME +ADDRESSTYPE   PORTS   ENDPOINTS +AGE");
        assertThat(table).containsPattern("\\nmcwtest-svc-[a-z0-9]{5} +IPv4 +20000 +172\\.17\\.\\d+\\.\\d+ +25h\\n")
                .containsPattern("\\nkubernetes +IPv4 +6443 +<unset> +25h\\n"); // the API server is not a simulated endpoint
        assertThat(shell.run("kubectl get endpointslices -n kube-system")).isEqualTo("No resources found in kube-system namespace.\n");
    }
}

package dev.kubepath.shell;

import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubectl describe svc|node} against public pastes of kubectl's own output
 * (src/test/resources/shell/describe/SOURCE.md): the fields in the same order, each value starting at the same
 * column; the values themselves, which differ between the clusters, are masked.
 */
class KubectlDescribeTest {
    static final Path DIR = Path.of("src/test/resources/shell/describe");

    private static SimShell deployedSeed() {
        return deployedSeed(SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z"))));
    }

    private static SimShell deployedSeed(SimCluster cluster) {
        SeedCluster.bootHealthy(cluster);
        SeedCluster.deploy(cluster, SeedCluster.NODE_PORT_BEFORE);
        return new SimShell(cluster, SeedCluster.NODE05);
    }

    /**
     * Each value becomes "V" per word, keeping the label, the padding and the gaps between columns; a run of
     * continuation lines (more labels or annotations under the first) counts once, as the clusters have different
     * numbers of them.
     */
    static List<String> masked(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            int colon = line.startsWith(" ") ? -1 : line.indexOf(':');
            String label = line.substring(0, colon + 1);
            String rest = line.substring(colon + 1);
            String indent = rest.substring(0, rest.length() - rest.stripLeading().length());
            String m = label + indent + rest.stripLeading().replaceAll("\\S+", "V");
            if (out.isEmpty() || !out.getLast().equals(m) || !m.startsWith(" ")) out.add(m);
        }
        return out;
    }

    @Test
    void aNodePortServiceIsLaidOutAsKubectlDescribesOne() throws IOException {
        String ours = deployedSeed().run("kubectl describe svc mcwtest-svc");
        assertThat(masked(ours.lines().toList())).isEqualTo(masked(Files.readAllLines(DIR.resolve("svc-calico-3815.txt"))));
        assertThat(ours).contains("NodePort:                 mcwport  " + SeedCluster.NODE_PORT_BEFORE + "/TCP\n")
                .contains("Endpoints:                172.17.98.13:");
    }

    @Test
    void aNodeIsLaidOutAsKubectlDescribesOne() throws IOException {
        // flanneld with --kube-subnet-mgr, as in the paste: its lease is the node's annotations
        SimShell shell = deployedSeed(SimCluster.kube(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z"))));
        String ours = shell.run("kubectl describe node " + SeedCluster.NODE05);
        List<String> real = new ArrayList<>(Files.readAllLines(DIR.resolve("node-sealer-1542.txt")));
        int lease = real.indexOf("Lease:");
        real.subList(lease, lease + 4).clear(); // kubectl 1.15 has no Lease section (SOURCE.md)
        List<String> top = ours.lines().takeWhile(l -> !l.equals("Conditions:")).toList();
        List<String> withConditions = new ArrayList<>(top);
        withConditions.add("Conditions:");
        assertThat(masked(withConditions)).isEqualTo(masked(real));
        assertThat(ours).contains("flannel.alpha.coreos.com/public-ip: ")
                .contains("  InternalIP:  ")
                .contains("PodCIDR:                     172.17.")
                .contains("Non-terminated Pods:         (1 in total)\n")
                .containsPattern("\n  default +mcwtest-deploy");
    }

    @Test
    void aClusterIpServiceHasNoNodePortNorTrafficPolicyAndNarrowerLabels() {
        SimShell shell = deployedSeed();
        String ours = shell.run("kubectl describe svc kubernetes");
        assertThat(ours).doesNotContain("NodePort:").doesNotContain("External Traffic Policy:")
                .startsWith("Name:              kubernetes\n"); // "Session Affinity:" is then the widest label
    }

    @Test
    void unknownNamesAreRefusedAsTheApiServerRefusesThem() {
        SimShell shell = deployedSeed();
        assertThat(shell.run("kubectl describe svc nope")).isEqualTo("Error from server (NotFound): services \"nope\" not found\n");
        assertThat(shell.run("kubectl describe node nope")).isEqualTo("Error from server (NotFound): nodes \"nope\" not found\n");
        assertThat(shell.run("kubectl describe svc mcwtest-svc -n kube-system"))
                .isEqualTo("Error from server (NotFound): services \"mcwtest-svc\" not found\n");
    }
}

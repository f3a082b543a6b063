package dev.kubepath.lab;

import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.host.linux.ProcessRunner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A lab cluster leaves nothing behind: its namespaces (hosts, pods, underlay), its pods' HTTP servers and its etcd
 * are gone after close and after a failure while it was being built, and the root namespace is never changed.
 */
class LabClusterCleanupTest {
    private final ProcessRunner runner = ProcessRunner.withDefaultTimeout();

    @BeforeEach
    void root() {
        RootOnly.assume();
    }

    private List<String> rootState() {
        return List.of(runner.run(List.of("ip", "-j", "link")).stdout(),
                runner.run(List.of("ip", "-j", "route", "show", "table", "all")).stdout(),
                runner.run(List.of("nft", "list", "ruleset")).stdout());
    }

    @Test
    void theSeedLabLeavesNoNamespaceNoServerAndTheRootNamespaceUnchanged() {
        List<String> before = rootState();
        String prefix;
        List<Long> servers;
        try (LabCluster lab = LabCluster.create(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z")), LabCluster.RegistryKind.defaultKind())) {
            prefix = lab.lab().prefix();
            SeedCluster.bootHealthy(lab.cluster());
            assertThat(Lab.listNamespaces(runner, Pattern.compile(Pattern.quote(prefix) + ".*")))
                    .contains(prefix + "underlay", prefix + "mcwk8s03", prefix + "mcwk8s05", prefix + "mcwk8s06", prefix + "mcwk8s06-p1");
            servers = runner.run(List.of("ip", "netns", "pids", prefix + "mcwk8s06-p1")).stdout().lines().map(String::strip).map(Long::parseLong).toList();
            assertThat(servers).isNotEmpty();
            assertThat(rootState()).isEqualTo(before);
        }
        assertThat(Lab.listNamespaces(runner, Pattern.compile(Pattern.quote(prefix) + ".*"))).isEmpty();
        assertThat(servers).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse());
        assertThat(rootState()).isEqualTo(before);
    }

    @Test
    void aFailureWhileBuildingLeavesNothing() {
        List<String> before = Lab.listNamespaces(runner, Lab.NAME_PATTERN);
        SimCluster.Spec seed = SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z"));
        // two hosts with one name: the second namespace cannot be made
        SimCluster.Spec clash = new SimCluster.Spec(seed.name(), seed.seed(), seed.start(), seed.flannelConfig(), seed.api(), seed.proxyMode(),
                List.of(seed.hosts().get(0), seed.hosts().get(1), seed.hosts().get(0)));
        assertThatThrownBy(() -> LabCluster.create(clash, LabCluster.RegistryKind.EMBEDDED)).isInstanceOf(RuntimeException.class);
        assertThat(Lab.listNamespaces(runner, Lab.NAME_PATTERN)).isSubsetOf(before);
    }
}

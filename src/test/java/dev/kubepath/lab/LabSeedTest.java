package dev.kubepath.lab;

import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.host.linux.CommandResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed incident with real packets: the seed cluster built in network namespaces by the same control plane as
 * the simulation, broken like the seed, then curl and ping run for real from the hosts' namespaces.
 */
class LabSeedTest {
    private static LabCluster lab;

    @BeforeAll
    static void up() {
        RootOnly.assume();
        lab = LabCluster.create(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z")), LabCluster.RegistryKind.defaultKind());
        SimCluster c = lab.cluster();
        SeedCluster.bootHealthy(c);
        SeedCluster.breakLikeTheSeed(c);
        SeedCluster.deploy(c, SeedCluster.NODE_PORT_BEFORE);
    }

    @AfterAll
    static void down() {
        if (lab != null) lab.close();
    }

    private static CommandResult curl(String from, String target) {
        return lab.exec(from, List.of("curl", "-sS", "-I", "--max-time", "2", "http://" + target));
    }

    @Test
    void theNodePortAnswersOnlyOnTheNodeWithThePod() {
        CommandResult on05 = curl(SeedCluster.MASTER, "10.0.0.35:41527");
        assertThat(on05.exit()).as(on05.stderr()).isZero();
        assertThat(on05.stdout()).startsWith("HTTP/1.0 200 OK");
        assertThat(curl(SeedCluster.MASTER, "10.0.0.33:41527").exit()).as("refused").isEqualTo(7);
        assertThat(curl(SeedCluster.MASTER, "10.0.0.36:41527").exit()).as("timed out").isEqualTo(28);
    }
}

package dev.kubepath.lab;

import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.host.linux.CommandResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.List;

import static dev.kubepath.cluster.SeedCluster.MASTER;
import static dev.kubepath.cluster.SeedCluster.NODE05;
import static dev.kubepath.cluster.SeedCluster.NODE06;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed incident with real packets (seed README "What happened"): the seed cluster built in network namespaces
 * by the same control plane as the simulation, with its leases in a real etcd when one is installed, broken like
 * the seed; then the real curl and ping from the hosts' namespaces, the fix through systemctl, and the outcomes
 * the notes report after it. Exit codes are curl's: 7 refused, 28 timed out.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabSeedTest {
    private static LabCluster lab;

    @BeforeAll
    static void up() {
        RootOnly.assume();
        lab = LabScenario.up("seed", LabCluster.RegistryKind.defaultKind());
        lab.machines().underlay().countVxlan();
    }

    @AfterAll
    static void down() {
        if (lab != null) lab.close();
    }

    private static CommandResult curl(String from, String target) {
        return lab.exec(from, List.of("curl", "-sS", "-I", "--max-time", "2", "http://" + target));
    }

    private static CommandResult ping(String from, String to) {
        return lab.exec(from, List.of("ping", "-c1", "-W1", to));
    }

    @Test
    @Order(1)
    void beforeTheFixTheNodePortAnswersOnlyOnTheNodeWithThePod() {
        CommandResult on05 = curl(MASTER, "10.0.0.35:41527");
        assertThat(on05.exit()).as(on05.stderr()).isZero();
        assertThat(on05.stdout()).startsWith("HTTP/1.0 200 OK").contains("Server: SimpleHTTP/0.6 Python/2.7.18");
        assertThat(curl(MASTER, "10.0.0.33:41527").exit()).as("03's NodePort is refused: 03 is not a node").isEqualTo(7);
        assertThat(curl(MASTER, "10.0.0.36:41527").exit()).as("06 forwards to 172.17.98.13, which no lease routes").isEqualTo(28);
        assertThat(curl(MASTER, "10.2.0.155:2024").exit()).as("the master has no IPVS: the ClusterIP goes to the gateway").isEqualTo(28);
    }

    @Test
    @Order(2)
    void beforeTheFix05CannotReachTheOtherDocker0sWhile03And06ReachEachOther() {
        assertThat(ping(NODE05, "172.17.83.1").exit()).isNotZero();
        assertThat(ping(NODE05, "172.17.9.1").exit()).isNotZero();
        assertThat(ping(MASTER, "172.17.9.1").exit()).isZero();
        assertThat(ping(NODE06, "172.17.83.1").exit()).isZero();
    }

    @Test
    @Order(3)
    void afterRestartingFlanneldAndDockerOn05TheNodePortAnswersOnBothNodesThroughVxlan() {
        SimCluster c = lab.cluster();
        SeedCluster.pinTheFix(c);
        c.systemctl(NODE05, "restart", "flanneld");
        c.systemctl(NODE05, "restart", "docker");
        SeedCluster.recreateService(c);

        assertThat(lab.exec(NODE05, List.of("ip", "-4", "addr", "show", "dev", "docker0")).stdout()).contains("inet 172.17.89.1/24");
        long before = lab.machines().underlay().vxlanPackets();
        CommandResult via06 = curl(MASTER, "10.0.0.36:33958");
        assertThat(via06.exit()).as(via06.stderr()).isZero();
        assertThat(via06.stdout()).startsWith("HTTP/1.0 200 OK");
        assertThat(lab.machines().underlay().vxlanPackets()).as("06 -> pod on 05 crossed the underlay as VXLAN").isGreaterThan(before);
        assertThat(curl(MASTER, "10.0.0.35:33958").stdout()).startsWith("HTTP/1.0 200 OK");
        assertThat(curl(MASTER, "10.0.0.33:33958").exit()).isEqualTo(7);
        assertThat(curl(MASTER, "10.2.0.155:2024").exit()).as("still no kube-proxy on the master").isEqualTo(28);
        assertThat(curl(NODE05, "10.2.0.155:2024").stdout()).startsWith("HTTP/1.0 200 OK");
        assertThat(ping(NODE05, "172.17.83.1").exit()).isZero();
        assertThat(ping(NODE05, "172.17.9.1").exit()).isZero();
    }
}

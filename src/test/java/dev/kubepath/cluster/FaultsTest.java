package dev.kubepath.cluster;

import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Probe;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.model.Daemon;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.SocketAddress;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each fault on the healthy seed cluster (pod on mcwk8s05, NodePort 41527 on every node) and what an operator on
 * the master sees through 06's NodePort, which crosses the overlay to 05.
 */
class FaultsTest {
    static final SocketAddress VIA_06 = new SocketAddress(Ipv4.parse("10.0.0.36"), SeedCluster.NODE_PORT_BEFORE);
    static final Prefix SUBNET_05 = Prefix.parse("172.17.98.0/24");
    SimCluster c;

    @BeforeEach
    void healthy() {
        c = SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z")));
        SeedCluster.bootHealthy(c);
        SeedCluster.deploy(c, SeedCluster.NODE_PORT_BEFORE);
        assertThat(curl(VIA_06).verdict()).isEqualTo(Verdict.DELIVERED);
    }

    Trace curl(SocketAddress to) {
        return new DataPlane(c.snapshot()).trace(SeedCluster.MASTER, new Probe.Curl(to));
    }

    @Test
    void aHungFlanneldLosesItsLeaseAfter24HoursAndTheOthersDropTheRoute() {
        c.faults().hangFlanneld(SeedCluster.NODE05);
        c.advance(Duration.ofHours(23));
        assertThat(c.registry().getLease(SUBNET_05)).as("still within its TTL").isPresent();
        c.advance(Duration.ofHours(2));
        assertThat(c.registry().getLease(SUBNET_05)).isEmpty();
        assertThat(c.host(SeedCluster.NODE06).routes()).noneMatch(r -> r.dst().equals(SUBNET_05));
        assertThat(curl(VIA_06).reason()).contains("no route to 172.17.98.0/24");
    }

    @Test
    void healthyAgentsRenewAndKeepTheirLeasesForDays() {
        c.advance(Duration.ofHours(72));
        assertThat(c.registry().getLeases().leases()).hasSize(3);
        assertThat(curl(VIA_06).verdict()).isEqualTo(Verdict.DELIVERED);
    }

    @Test
    void aLeaseDeletedByHandStopsItsFlanneldUntilRestartedWhichTakesTheSubnetBack() {
        c.faults().deleteLease(SUBNET_05);
        assertThat(c.unit(SeedCluster.NODE05, Daemon.FLANNELD)).isEqualTo(Daemon.State.FAILED);
        assertThat(c.journal()).anyMatch(l -> l.contains("Lease has been revoked"));
        assertThat(curl(VIA_06).verdict()).isEqualTo(Verdict.TIMEOUT);
        c.systemctl(SeedCluster.NODE05, "restart", "flanneld");
        assertThat(c.registry().getLease(SUBNET_05)).as("from subnet.env, as flannel does").isPresent();
        assertThat(curl(VIA_06).verdict()).isEqualTo(Verdict.DELIVERED);
    }

    @Test
    void aNewSubnetWithoutADockerRestartLeavesThePodUnreachable() {
        c.faults().hangFlanneld(SeedCluster.NODE05);
        c.advance(Duration.ofHours(25));
        c.pinNextSubnet(SeedCluster.NODE05, Prefix.parse("172.17.89.0/24"));
        c.systemctl(SeedCluster.NODE05, "restart", "flanneld");
        Trace t = curl(VIA_06);
        assertThat(t.verdict()).isEqualTo(Verdict.TIMEOUT);
        assertThat(t.reason()).contains("172.17.98.0/24 (docker0 of mcwk8s05, which no lease holds)");
        c.systemctl(SeedCluster.NODE05, "restart", "docker");
        assertThat(curl(VIA_06).verdict()).isEqualTo(Verdict.DELIVERED);
    }

    @Test
    void ipForwardOffOnThePodsNodeStopsTheAnswerFromLeaving() {
        c.faults().setIpForward(SeedCluster.NODE05, false);
        assertThat(curl(VIA_06).verdict()).isEqualTo(Verdict.TIMEOUT);
        assertThat(curl(VIA_06).reason()).contains("ip_forward=0 on mcwk8s05");
    }

    @Test
    void forwardDropWithoutFlannelsRulesDropsOverlayTrafficToPods() {
        c.faults().dropForward(SeedCluster.NODE05);
        Trace t = curl(VIA_06);
        assertThat(t.verdict()).isEqualTo(Verdict.TIMEOUT);
        assertThat(t.reason()).contains("filter FORWARD drops");
        assertThat(t.last().host()).isEqualTo(SeedCluster.NODE05);
    }

    @Test
    void aWrongVtepMacInTheLeaseIsDroppedByTheOwner() {
        c.faults().corruptVtepMac(SeedCluster.NODE05, Mac.parse("de:ad:be:ef:00:05"));
        Trace t = curl(VIA_06);
        assertThat(t.verdict()).isEqualTo(Verdict.TIMEOUT);
        assertThat(t.reason()).contains("lease's VtepMAC is wrong");
    }

    @Test
    void anUnreachableEtcdLeavesTheDataPlaneAsItIs() {
        c.faults().setRegistryReachable(false);
        c.advance(Duration.ofHours(2));
        assertThat(curl(VIA_06).verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(c.journal()).anyMatch(l -> l.contains("registry unreachable"));
        c.faults().setRegistryReachable(true);
        assertThat(curl(VIA_06).verdict()).isEqualTo(Verdict.DELIVERED);
    }

    @Test
    void aHostWithoutKubeProxyRefusesNodePortsAndCannotReachClusterIps() {
        assertThat(curl(new SocketAddress(Ipv4.parse("10.0.0.33"), SeedCluster.NODE_PORT_BEFORE)).verdict()).isEqualTo(Verdict.REFUSED);
        assertThat(curl(new SocketAddress(SeedCluster.CLUSTER_IP, 2024)).verdict()).isEqualTo(Verdict.TIMEOUT);
    }
}

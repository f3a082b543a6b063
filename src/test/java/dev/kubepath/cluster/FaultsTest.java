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
        // said once, with its cause (it read "registry unreachable (registry unreachable)")
        assertThat(c.journal()).anyMatch(l -> l.contains("registry unreachable: no etcd member answers; keeping routes as they are"))
                .noneMatch(l -> l.indexOf("registry unreachable") != l.lastIndexOf("registry unreachable"));
        c.faults().setRegistryReachable(true);
        assertThat(curl(VIA_06).verdict()).isEqualTo(Verdict.DELIVERED);
    }

    @Test
    void aHostWithoutKubeProxyRefusesNodePortsAndCannotReachClusterIps() {
        assertThat(curl(new SocketAddress(Ipv4.parse("10.0.0.33"), SeedCluster.NODE_PORT_BEFORE)).verdict()).isEqualTo(Verdict.REFUSED);
        assertThat(curl(new SocketAddress(SeedCluster.CLUSTER_IP, 2024)).verdict()).isEqualTo(Verdict.TIMEOUT);
    }

    // ---- faults as real clusters suffer them (written as a cluster file, the shell and what-if write them) ----

    void fault(String text) {
        c.faults().inject(Fault.parse(java.util.List.of(text.split(" "))));
    }

    Trace ping(String from, Ipv4 to, int payload) {
        return new DataPlane(c.snapshot()).trace(from, new Probe.Ping(to, payload));
    }

    Ipv4 podOn05() {
        return c.snapshot().cluster().pods().stream().filter(p -> SeedCluster.NODE05.equals(p.node())).findFirst().orElseThrow().ip();
    }

    @Test
    void aHostFirewallDroppingVxlanFromOneHostCutsOnlyThatHostsOverlayTraffic() {
        fault("underlay-drop mcwk8s06 mcwk8s05");
        Trace t = curl(VIA_06);
        assertThat(t.verdict()).isEqualTo(Verdict.TIMEOUT);
        assertThat(t.cause()).isInstanceOf(dev.kubepath.dataplane.Cause.UnderlayFiltered.class);
        assertThat(t.reason()).isEqualTo("filter INPUT of mcwk8s05 drops VXLAN UDP 8472 from 10.0.0.36 to 10.0.0.35: the overlay between the two hosts is cut");
        assertThat(curl(new SocketAddress(Ipv4.parse("10.0.0.35"), SeedCluster.NODE_PORT_BEFORE)).verdict())
                .as("05's own NodePort reaches its pod without the overlay").isEqualTo(Verdict.DELIVERED);
        assertThat(ping(SeedCluster.MASTER, podOn05(), 56).verdict()).as("the master's VXLAN frames are not filtered").isEqualTo(Verdict.DELIVERED);
    }

    @Test
    void anUnderlayMtuBelowFlannelsPlus50PassesSmallPacketsAndFailsLargeOnes() {
        fault("underlay-mtu mcwk8s05 1400");
        assertThat(curl(VIA_06).verdict()).as("a SYN is small").isEqualTo(Verdict.DELIVERED);
        assertThat(ping(SeedCluster.MASTER, podOn05(), 56).verdict()).isEqualTo(Verdict.DELIVERED);
        Trace in = ping(SeedCluster.MASTER, podOn05(), 1400);
        assertThat(in.verdict()).as("1428 bytes fit flannel.1 (1450), but 1478 do not fit 05's eth0").isEqualTo(Verdict.TIMEOUT);
        assertThat(in.reason()).contains("arrives on eth0 (mtu 1400) of mcwk8s05");
        Ipv4 vtep06 = c.host(SeedCluster.NODE06).addresses().stream().filter(a -> a.dev().equals("flannel.1")).findFirst().orElseThrow().ip();
        Trace out = ping(SeedCluster.NODE05, vtep06, 1400);
        assertThat(out.verdict()).as("the sender's kernel refuses a DF packet it cannot send").isEqualTo(Verdict.UNREACHABLE);
        assertThat(out.reason()).contains("message too long, mtu=1350");
        assertThat(ping(SeedCluster.NODE05, vtep06, 1300).verdict()).isEqualTo(Verdict.DELIVERED);
    }

    @Test
    void aFlanneldAnnouncingANatAddressGetsFramesThatNeverArrive() {
        fault("public-ip mcwk8s05 192.0.2.5");
        var own = c.registry().getLeases().leases().stream().filter(l -> l.publicIp().equals(Ipv4.parse("192.0.2.5"))).toList();
        assertThat(own).as("its lease announces the NAT address").hasSize(1);
        assertThat(c.host(SeedCluster.NODE06).fdb()).anyMatch(e -> Ipv4.parse("192.0.2.5").equals(e.dst()));
        Trace t = ping(SeedCluster.NODE06, own.getFirst().subnet().network(), 56);
        assertThat(t.verdict()).isEqualTo(Verdict.TIMEOUT);
        assertThat(t.reason()).contains("VTEP 192.0.2.5 is not a host of this cluster");
    }

    @Test
    void brNetfilterAndRpFilterAreSysctlsTheSnapshotShows() {
        fault("br-netfilter mcwk8s05 off");
        fault("rp-filter mcwk8s05 1");
        assertThat(c.host(SeedCluster.NODE05).sysctls()).containsEntry("net.bridge.bridge-nf-call-iptables", "0")
                .containsEntry("net.ipv4.conf.all.rp_filter", "1");
        assertThat(curl(VIA_06).verdict()).as("a single-homed node's packets all route back the way they came").isEqualTo(Verdict.DELIVERED);
        assertThat(curl(VIA_06).assumptions()).isEmpty();
    }

    @Test
    void badFaultArgumentsSayWhatWasExpected() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Fault.parse(java.util.List.of("underlay-mtu", "mcwk8s05", "huge")))
                .hasMessage("expected fault underlay-mtu HOST a number from 68 to 65535 (not 'huge')");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Fault.parse(java.util.List.of("underlay-drop", "mcwk8s05")))
                .hasMessage("expected fault underlay-drop FROM TO");
        assertThat(Fault.parseOn("mcwk8s05", java.util.List.of("rp-filter", "2"))).isEqualTo(new Fault.RpFilter("mcwk8s05", 2));
    }
}

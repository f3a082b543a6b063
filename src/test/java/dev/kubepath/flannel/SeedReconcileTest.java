package dev.kubepath.flannel;

import dev.kubepath.flannel.registry.EmbeddedRegistry;
import dev.kubepath.flannel.registry.LeaseJson;
import dev.kubepath.flannel.subnet.SubnetEnv;
import dev.kubepath.flannel.subnet.SubnetManager;
import dev.kubepath.host.SimulatedHost;
import dev.kubepath.model.Lease;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.kubepath.flannel.SeedCluster.RouteRow;
import static org.assertj.core.api.Assertions.assertThat;

/** The seed's fix replayed: flanneld restarts on 05 with the other two leases present, and every host converges. */
class SeedReconcileTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2023-03-01T10:00:00Z"));
    private final EmbeddedRegistry registry = new EmbeddedRegistry(clock);
    private final List<String> log = new ArrayList<>();

    private OverlayAgent agent(SimulatedHost h, Optional<SubnetEnv> previous) {
        return new OverlayAgent(registry, h, OverlayAgent.Settings.flannel("eth0"), clock, new Random(5), previous,
                env -> { }, log::add);
    }

    @Test
    void node05ConvergesToTheSeedsAfterTablesOnAllThreeHosts() throws Exception {
        registry.setConfig(SeedCluster.CONFIG);
        registry.createLease(new Lease(Prefix.parse("172.17.9.0/24"), Ipv4.parse("10.0.0.36"), "vxlan", SeedCluster.MAC06, null), Duration.ofHours(24));
        registry.createLease(new Lease(Prefix.parse("172.17.83.0/24"), Ipv4.parse("10.0.0.33"), "vxlan", SeedCluster.MAC03, null), Duration.ofHours(24));
        SimulatedHost h03 = SeedCluster.host03(), h05 = SeedCluster.host05(), h06 = SeedCluster.host06();
        Map<String, Set<RouteRow>> golden = SeedCluster.goldenTables();

        OverlayAgent a03 = agent(h03, Optional.empty());
        OverlayAgent a06 = agent(h06, Optional.empty());
        a03.step();
        a06.step();
        // 03 and 06 reuse their leases by PublicIP and their tables stay the seed's "before"
        assertThat(SeedCluster.rows(h03.read())).isEqualTo(golden.get("mcwk8s03, before the fix"));
        assertThat(SeedCluster.rows(h06.read())).isEqualTo(golden.get("mcwk8s06, before"));
        assertThat(SeedCluster.rows(h05.read())).isEqualTo(golden.get("mcwk8s05, before"));

        // flanneld restarts on 05; the new subnet is pinned to the one the seed shows (172.17.89.0/24)
        SubnetEnv pinned = new SubnetEnv(Prefix.parse("172.17.0.0/16"), Prefix.parse("172.17.89.0/24"), 1450, false);
        OverlayAgent a05 = agent(h05, Optional.of(pinned));
        a05.step();
        a03.step();
        a06.step();

        assertThat(SeedCluster.rows(h03.read())).isEqualTo(golden.get("mcwk8s03, after"));
        assertThat(SeedCluster.rows(h06.read())).isEqualTo(golden.get("mcwk8s06, after"));
        // docker has not restarted on 05: docker0 keeps 172.17.98.0/24; everything else is the seed's "after"
        Set<RouteRow> want05 = golden.get("mcwk8s05, after").stream().filter(r -> !r.iface().equals("docker0")).collect(Collectors.toSet());
        want05.add(new RouteRow("172.17.98.0/24", "0.0.0.0", "docker0"));
        assertThat(SeedCluster.rows(h05.read())).isEqualTo(want05);

        assertThat(h05.read().addresses()).extracting(Object::toString).contains("172.17.89.0/32 dev flannel.1")
                .doesNotContain("172.17.98.0/32 dev flannel.1");
        assertThat(h03.read().neighbours()).extracting(n -> n.describe()).contains("172.17.89.0 dev flannel.1 lladdr 36:70:76:ea:39:b8 PERMANENT");
        assertThat(h06.read().fdb()).extracting(f -> f.describe()).contains("36:70:76:ea:39:b8 dev flannel.1 dst 10.0.0.35 self permanent");
        assertThat(a05.subnetEnv()).map(SubnetEnv::render).contains(
                "FLANNEL_NETWORK=172.17.0.0/16\nFLANNEL_SUBNET=172.17.89.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=false\n");
        // the lease the registry holds is the seed's etcdctl line for 172.17.89.0-24
        assertThat(registry.getLease(Prefix.parse("172.17.89.0/24")).map(LeaseJson::render))
                .contains("{\"PublicIP\":\"10.0.0.35\",\"BackendType\":\"vxlan\",\"BackendData\":{\"VtepMAC\":\"36:70:76:ea:39:b8\"}}");
        // a second round changes nothing
        SimulatedHost before = new SimulatedHost(h05.read());
        a05.step();
        assertThat(h05.read()).isEqualTo(before.read());
    }

    @Test
    void renewsAtExpiryMinusTheMarginAndStopsWhenItsLeaseIsDeleted() {
        registry.setConfig(SeedCluster.CONFIG);
        SimulatedHost h05 = SeedCluster.host05();
        OverlayAgent a05 = agent(h05, Optional.empty());
        a05.step();
        Lease first = a05.lease().orElseThrow();
        assertThat(first.expiration()).isEqualTo(clock.instant().plus(Duration.ofHours(24)));
        clock.advance(Duration.ofHours(22).plusMinutes(59));
        a05.step();
        assertThat(registry.getLease(first.subnet()).orElseThrow().expiration()).isEqualTo(first.expiration());
        clock.advance(Duration.ofMinutes(1));
        a05.step();
        assertThat(registry.getLease(first.subnet()).orElseThrow().expiration()).isEqualTo(clock.instant().plus(Duration.ofHours(24)));

        registry.deleteLease(first.subnet());
        assertThat(a05.step()).isEqualTo(OverlayAgent.State.STOPPED);
        assertThat(log).anyMatch(l -> l.contains("Lease has been revoked"));
    }

    @Test
    void reclaimModeTakesTheSameSubnetBackOrRenumbersLoudly() {
        registry.setConfig(SeedCluster.CONFIG);
        SimulatedHost h05 = SeedCluster.host05();
        OverlayAgent a05 = new OverlayAgent(registry, h05,
                OverlayAgent.Settings.flannel("eth0").withLease(SubnetManager.Options.FLANNEL.withReclaim(true)),
                clock, new Random(5), Optional.empty(), env -> { }, log::add);
        a05.step();
        Prefix mine = a05.lease().orElseThrow().subnet();
        registry.deleteLease(mine);
        assertThat(a05.step()).isEqualTo(OverlayAgent.State.RUNNING);
        assertThat(a05.lease()).map(Lease::subnet).contains(mine);
        assertThat(registry.getLease(mine)).map(Lease::publicIp).contains(Ipv4.parse("10.0.0.35"));

        // someone else grabs the subnet between the loss and our reaction: we must renumber, and say so
        registry.deleteLease(mine);
        registry.createLease(new Lease(mine, Ipv4.parse("10.0.0.99"), "vxlan", SeedCluster.MAC03, null), Duration.ofHours(24));
        a05.step();
        Prefix now = a05.lease().orElseThrow().subnet();
        assertThat(now).isNotEqualTo(mine);
        assertThat(a05.subnetEnv()).map(SubnetEnv::subnet).contains(now);
        assertThat(log).anyMatch(l -> l.contains("RENUMBERED to " + now) && l.contains("restart docker"));
        assertThat(h05.read().addresses()).extracting(Object::toString).contains(now.network() + "/32 dev flannel.1");
    }

    @Test
    void outageKeepsTheDataPlaneBacksOffLogsOnceAndResyncs() {
        registry.setConfig(SeedCluster.CONFIG);
        SimulatedHost h03 = SeedCluster.host03();
        OverlayAgent a03 = agent(h03, Optional.empty());
        a03.step();
        var before = h03.read();
        registry.createLease(new Lease(Prefix.parse("172.17.9.0/24"), Ipv4.parse("10.0.0.36"), "vxlan", SeedCluster.MAC06, null), Duration.ofHours(24));
        registry.setReachable(false);
        assertThat(a03.step()).isEqualTo(OverlayAgent.State.DISCONNECTED);
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(1));
            a03.step();
        }
        assertThat(log.stream().filter(l -> l.contains("registry unreachable"))).hasSize(1);
        assertThat(SeedCluster.rows(h03.read())).isEqualTo(SeedCluster.rows(before));

        // while away, 06's lease changed hands: after reconnecting the agent re-lists and follows
        registry.setReachable(true);
        registry.deleteLease(Prefix.parse("172.17.9.0/24"));
        registry.createLease(new Lease(Prefix.parse("172.17.10.0/24"), Ipv4.parse("10.0.0.36"), "vxlan", SeedCluster.MAC06, null), Duration.ofHours(24));
        clock.advance(Duration.ofSeconds(10));
        assertThat(a03.step()).isEqualTo(OverlayAgent.State.RUNNING);
        assertThat(log).anyMatch(l -> l.startsWith("mcwk8s03: registry reachable again"));
        assertThat(SeedCluster.rows(h03.read())).contains(new RouteRow("172.17.10.0/24", "172.17.10.0", "flannel.1"))
                .doesNotContain(new RouteRow("172.17.9.0/24", "172.17.9.0", "flannel.1"));
    }
}

package dev.kubepath.flannel;

import dev.kubepath.Prerequisites;
import dev.kubepath.flannel.etcd.EtcdProcess;
import dev.kubepath.flannel.etcd.EtcdV2Registry;
import dev.kubepath.flannel.subnet.SubnetEnv;
import dev.kubepath.host.SimulatedHost;
import dev.kubepath.model.Host;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The agents against a real etcd that stops, loses a lease by hand, or loses a cluster member. */
class EtcdFaultTest {
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    private OverlayAgent agent(EtcdV2Registry registry, SimulatedHost host, String subnet) {
        SubnetEnv pinned = new SubnetEnv(Prefix.parse("172.17.0.0/16"), Prefix.parse(subnet), 1450, false);
        OverlayAgent a = new OverlayAgent(registry, host,
                OverlayAgent.Settings.flannel("eth0").withBackoff(Duration.ofMillis(50), Duration.ofMillis(400)),
                Clock.systemUTC(), new Random(1), Optional.of(pinned), env -> { }, log::add);
        a.startBackground();
        return a;
    }

    private static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(20);
        }
    }

    private static boolean routes(SimulatedHost h, String subnet) {
        return h.read().routes().stream().anyMatch(r -> r.dst().toString().equals(subnet) && "flannel.1".equals(r.dev()));
    }

    private static List<String> flannelRoutes(Host h) {
        return h.routes().stream().filter(r -> "flannel.1".equals(r.dev())).map(Route::describe).sorted().toList();
    }

    private static Lease outsider(String subnet, String ip) {
        return new Lease(Prefix.parse(subnet), Ipv4.parse(ip), "vxlan", Mac.parse("02:00:00:00:00:77"), null);
    }

    @Test
    void etcdStoppedThenRestartedAgentsKeepRoutesAndResume() throws Exception {
        Prerequisites.etcd();
        try (EtcdProcess etcd = EtcdProcess.start();
             EtcdV2Registry registry = new EtcdV2Registry(etcd.clientUrls(), "/coreos.com/network", Duration.ofMillis(500))) {
            registry.setConfig(SeedCluster.CONFIG);
            SimulatedHost h03 = SeedCluster.host03(), h05 = SeedCluster.host05(), h06 = SeedCluster.host06();
            try (OverlayAgent a03 = agent(registry, h03, "172.17.83.0/24");
                 OverlayAgent a06 = agent(registry, h06, "172.17.9.0/24");
                 OverlayAgent a05 = agent(registry, h05, "172.17.89.0/24")) {
                await("03 routes to 89.0", () -> routes(h03, "172.17.89.0/24") && routes(h06, "172.17.89.0/24") && routes(h05, "172.17.9.0/24"));
                List<String> before = flannelRoutes(h03.read());

                etcd.stopAll();
                await("agents notice the outage", () -> a03.state() == OverlayAgent.State.DISCONNECTED
                        && a05.state() == OverlayAgent.State.DISCONNECTED && a06.state() == OverlayAgent.State.DISCONNECTED);
                Thread.sleep(800); // several retries with backoff
                assertThat(flannelRoutes(h03.read())).isEqualTo(before);
                assertThat(log.stream().filter(l -> l.startsWith("mcwk8s03: registry unreachable"))).hasSize(1);

                etcd.restartAll();
                await("agents resume", () -> a03.state() == OverlayAgent.State.RUNNING && a06.state() == OverlayAgent.State.RUNNING);
                registry.createLease(outsider("172.17.120.0/24", "10.0.0.40"), Duration.ofHours(1));
                await("a lease made after the restart reaches every host", () -> routes(h03, "172.17.120.0/24")
                        && routes(h05, "172.17.120.0/24") && routes(h06, "172.17.120.0/24"));
                assertThat(log).anyMatch(l -> l.startsWith("mcwk8s03: registry reachable again"));
            }
        }
    }

    @Test
    void leaseDeletedByHandStopsItsOwnerAndLeavesEveryRoutingTable() throws Exception {
        Prerequisites.etcd();
        try (EtcdProcess etcd = EtcdProcess.start();
             EtcdV2Registry registry = new EtcdV2Registry(etcd.clientUrls())) {
            registry.setConfig(SeedCluster.CONFIG);
            SimulatedHost h03 = SeedCluster.host03(), h05 = SeedCluster.host05(), h06 = SeedCluster.host06();
            try (OverlayAgent a03 = agent(registry, h03, "172.17.83.0/24");
                 OverlayAgent a06 = agent(registry, h06, "172.17.9.0/24");
                 OverlayAgent a05 = agent(registry, h05, "172.17.89.0/24")) {
                await("everyone routes to 89.0", () -> routes(h03, "172.17.89.0/24") && routes(h06, "172.17.89.0/24"));
                registry.deleteLease(Prefix.parse("172.17.89.0/24"));
                // the seed's failure: 05's lease is gone, the others drop their route, 05's flanneld stops
                await("owner stops", () -> a05.state() == OverlayAgent.State.STOPPED);
                await("others drop the route", () -> !routes(h03, "172.17.89.0/24") && !routes(h06, "172.17.89.0/24"));
                assertThat(log).contains("mcwk8s05: Lease has been revoked. Shutting down daemon.");
                assertThat(a03.state()).isEqualTo(OverlayAgent.State.RUNNING);
            }
        }
    }

    @Test
    void threeMemberClusterWithOneMemberKilledKeepsAgentsWorking() throws Exception {
        Prerequisites.etcd();
        try (EtcdProcess etcd = EtcdProcess.cluster(3);
             EtcdV2Registry registry = new EtcdV2Registry(etcd.clientUrls(), "/coreos.com/network", Duration.ofMillis(700))) {
            registry.setConfig(SeedCluster.CONFIG);
            SimulatedHost h03 = SeedCluster.host03(), h05 = SeedCluster.host05(), h06 = SeedCluster.host06();
            try (OverlayAgent a03 = agent(registry, h03, "172.17.83.0/24");
                 OverlayAgent a06 = agent(registry, h06, "172.17.9.0/24");
                 OverlayAgent a05 = agent(registry, h05, "172.17.89.0/24")) {
                await("converged", () -> routes(h03, "172.17.89.0/24") && routes(h06, "172.17.89.0/24") && routes(h05, "172.17.83.0/24"));
                etcd.kill(etcd.members().getFirst());
                // while the survivors elect a new leader (the killed one may have led) writes can time out: retry
                await("the surviving members accept a write", () -> {
                    try {
                        registry.createLease(outsider("172.17.121.0/24", "10.0.0.41"), Duration.ofHours(1));
                        return true;
                    } catch (dev.kubepath.flannel.registry.RegistryUnavailableException e) {
                        return false;
                    }
                });
                await("a new lease reaches every host through the surviving members", () -> routes(h03, "172.17.121.0/24")
                        && routes(h05, "172.17.121.0/24") && routes(h06, "172.17.121.0/24"));
                assertThat(List.of(a03.state(), a05.state(), a06.state())).containsOnly(OverlayAgent.State.RUNNING);
                assertThat(routes(h05, "172.17.9.0/24")).isTrue();
            }
        }
    }

    @Test
    void etcdV3StoppedThenRestartedAgentsKeepRoutesAndResume() throws Exception {
        Prerequisites.etcd();
        try (EtcdProcess etcd = EtcdProcess.start();
             var registry = new dev.kubepath.flannel.etcd.EtcdV3Registry(etcd.clientUrls(), "/coreos.com/network", Duration.ofMillis(800), 1)) {
            // the client's first call opens its channel to a just-started etcd, which can outlast the short timeout the
            // stop and restart below need on a busy machine: retried, as flanneld retries its first read of the config
            await("etcd v3 takes the network config", () -> {
                try {
                    registry.setConfig(SeedCluster.CONFIG);
                    return true;
                } catch (dev.kubepath.flannel.registry.RegistryUnavailableException e) {
                    return false;
                }
            });
            SimulatedHost h03 = SeedCluster.host03(), h05 = SeedCluster.host05();
            SubnetEnv p03 = new SubnetEnv(Prefix.parse("172.17.0.0/16"), Prefix.parse("172.17.83.0/24"), 1450, false);
            SubnetEnv p05 = new SubnetEnv(Prefix.parse("172.17.0.0/16"), Prefix.parse("172.17.89.0/24"), 1450, false);
            var settings = OverlayAgent.Settings.flannel("eth0").withBackoff(Duration.ofMillis(50), Duration.ofMillis(400));
            try (OverlayAgent a03 = new OverlayAgent(registry, h03, settings, Clock.systemUTC(), new Random(1), Optional.of(p03), e -> { }, log::add);
                 OverlayAgent a05 = new OverlayAgent(registry, h05, settings, Clock.systemUTC(), new Random(1), Optional.of(p05), e -> { }, log::add)) {
                a03.startBackground();
                a05.startBackground();
                await("converged", () -> routes(h03, "172.17.89.0/24") && routes(h05, "172.17.83.0/24"));
                List<String> before = flannelRoutes(h03.read());
                etcd.stopAll();
                Thread.sleep(1000);
                assertThat(flannelRoutes(h03.read())).isEqualTo(before);
                etcd.restartAll();
                await("a write succeeds after the restart", () -> {
                    try {
                        registry.createLease(outsider("172.17.122.0/24", "10.0.0.42"), Duration.ofHours(1));
                        return true;
                    } catch (dev.kubepath.flannel.registry.RegistryUnavailableException e) {
                        return false;
                    }
                });
                await("the new lease reaches both hosts", () -> routes(h03, "172.17.122.0/24") && routes(h05, "172.17.122.0/24"));
                assertThat(List.of(a03.state(), a05.state())).containsOnly(OverlayAgent.State.RUNNING);
            }
        }
    }
}

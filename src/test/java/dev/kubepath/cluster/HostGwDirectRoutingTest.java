package dev.kubepath.cluster;

import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Probe;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.model.Pod;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.SocketAddress;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * host-gw and VXLAN DirectRouting on a cluster whose node c is on another L2 subnet than a and b: peers on the
 * same subnet are routed via their underlay address; c is reached through VXLAN with DirectRouting, and not at all
 * with host-gw, whose route the kernel refuses (flannel logs the error and carries on).
 */
class HostGwDirectRoutingTest {
    static final Prefix A = Prefix.parse("10.244.10.0/24"), B = Prefix.parse("10.244.11.0/24"), C = Prefix.parse("10.244.12.0/24");

    static ClusterRun boot(String file, List<String> log) {
        ClusterRun run = ClusterRun.simulated(ClusterFile.load(Path.of("src/test/resources/cluster-files/" + file)),
                e -> log.add(e.host() + ": " + e.what()));
        run.boot();
        return run;
    }

    static Route route(SimCluster c, String host, Prefix to) {
        return c.host(host).routes().stream().filter(r -> r.dst().equals(to) && Route.MAIN.equals(r.table())).findFirst().orElse(null);
    }

    static Verdict curl(SimCluster c, String from, String podNode) {
        Pod p = c.api().podsOn(podNode).stream().filter(x -> x.namespace().equals("default")).findFirst().orElseThrow(); // not CoreDNS's
        return new DataPlane(c.snapshot()).trace(from, new Probe.Curl(new SocketAddress(p.ip(), 8080))).verdict();
    }

    @Test
    void hostGwRoutesViaPeersOnTheSameSubnetAndFailsForTheOneBehindARouter() {
        List<String> log = new ArrayList<>();
        SimCluster c = boot("host-gw.yaml", log).cluster();
        assertThat(c.host("a").link("flannel.1")).isEmpty();
        Route toB = route(c, "a", B);
        assertThat(toB).isNotNull();
        assertThat(toB.via()).isEqualTo(Ipv4.parse("192.168.40.11"));
        assertThat(toB.dev()).isEqualTo("eth0");
        assertThat(route(c, "a", C)).as("the kernel refuses a gateway that is not on-link").isNull();
        assertThat(route(c, "c", A)).isNull();
        assertThat(log).contains("a: Error adding route to 10.244.12.0/24 via 192.168.41.12 dev eth0: network is unreachable");
        assertThat(c.subnetEnv("a").orElseThrow().mtu()).as("nothing is encapsulated").isEqualTo(1500);
        assertThat(curl(c, "a", "b")).isEqualTo(Verdict.DELIVERED);
        assertThat(new DataPlane(c.snapshot()).trace("a", new Probe.Ping(C.address(1))).verdict()).isNotEqualTo(Verdict.DELIVERED);
    }

    @Test
    void directRoutingUsesTheUnderlayOnTheSameSubnetAndVxlanAcrossTheRouter() {
        SimCluster c = boot("direct-routing.yaml", new ArrayList<>()).cluster();
        Route toB = route(c, "a", B);
        assertThat(toB.via()).isEqualTo(Ipv4.parse("192.168.40.11"));
        assertThat(toB.dev()).isEqualTo("eth0");
        Route toC = route(c, "a", C);
        assertThat(toC.dev()).isEqualTo("flannel.1");
        assertThat(c.host("a").fdb()).anyMatch(f -> Ipv4.parse("192.168.41.12").equals(f.dst()));
        assertThat(c.host("a").fdb()).noneMatch(f -> Ipv4.parse("192.168.40.11").equals(f.dst()));
        assertThat(curl(c, "a", "b")).isEqualTo(Verdict.DELIVERED);
    }
}

package dev.kubepath.cluster;

import dev.kubepath.dataplane.Basis;
import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Probe;
import dev.kubepath.dataplane.Stage;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.model.Container;
import dev.kubepath.model.Service;
import dev.kubepath.model.Snapshot;
import dev.kubepath.net.SocketAddress;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cluster on two routed underlay subnets (two-subnets.yaml: n1, n2 on 172.20.1.0/24, n3, n4 on 172.20.2.0/24, each
 * subnet with its gateway): with VXLAN a pod's flows to a pod or a ClusterIP of the other subnet are encapsulated,
 * leave eth0 via the gateway and are delivered, the hop resting on rule UNDERLAY_VIA_GATEWAY; with host-gw (the same
 * file, two-subnets-host-gw.yaml) they fail, since the kernel refuses the routes to peers that are not on the link.
 */
class RoutedUnderlayTest {
    static final Set<String> FIRST_SUBNET = Set.of("n1", "n2");

    static Snapshot boot(String file, List<String> log) {
        ClusterRun run = ClusterRun.simulated(ClusterFile.load(Path.of("src/test/resources/cluster-files/" + file)), e -> log.add(e.host() + ": " + e.what()));
        run.boot();
        run.runAll();
        return run.cluster().snapshot();
    }

    static Container webPodOn(Snapshot s, String host) {
        return s.hostsByName().get(host).containers().stream().filter(x -> x.pod().startsWith("web-")).findFirst().orElseThrow();
    }

    static SocketAddress clusterIp(Snapshot s) {
        Service web = s.cluster().services().stream().filter(x -> x.name().equals("web")).findFirst().orElseThrow();
        return new SocketAddress(web.clusterIp(), 80);
    }

    /** Every pod-to-pod curl between a host of one underlay subnet and a host of the other, both ways. */
    static List<Trace> crossSubnetPodToPod(Snapshot s) {
        List<Trace> traces = new ArrayList<>();
        for (String from : List.of("n1", "n2", "n3", "n4")) {
            for (String to : List.of("n1", "n2", "n3", "n4")) {
                if (FIRST_SUBNET.contains(from) == FIRST_SUBNET.contains(to)) continue;
                Container target = webPodOn(s, to);
                traces.add(new DataPlane(s).traceFromPod(from, webPodOn(s, from).pod(), new Probe.Curl(new SocketAddress(target.ip(), 8080))));
            }
        }
        return traces;
    }

    @Test
    void vxlanDeliversPodToPodAcrossTheRouterViaEachSubnetsGateway() {
        Snapshot s = boot("two-subnets.yaml", new ArrayList<>());
        List<Trace> traces = crossSubnetPodToPod(s);
        assertThat(traces).hasSize(8).allSatisfy(t -> {
            assertThat(t.verdict()).as(t.reason()).isEqualTo(Verdict.DELIVERED);
            assertThat(t.basis()).as("the router between the subnets is the rule's assumption").isEqualTo(Basis.INFERRED);
            assertThat(t.steps()).anySatisfy(st -> {
                assertThat(st.stage()).isEqualTo(Stage.UNDERLAY);
                assertThat(st.detail()).contains(" -> gateway 172.20.");
                assertThat(st.facts()).anySatisfy(f -> assertThat(f).contains("UNDERLAY_VIA_GATEWAY")
                        .contains("assumes the underlay router forwards UDP 8472 between the hosts' subnets"));
            });
        });
        // the outer packet from n1 goes to n4's VTEP through 172.20.1.1, the gateway of n1's subnet
        Trace n1ToN4 = traces.get(1);
        assertThat(n1ToN4.steps()).anySatisfy(st -> assertThat(st.detail()).isEqualTo("eth0 -> gateway 172.20.1.1 -> n4 (172.20.2.24)"));
    }

    @Test
    void vxlanDeliversAPodsClusterIpCurlToEveryEndpointAcrossTheRouter() {
        Snapshot s = boot("two-subnets.yaml", new ArrayList<>());
        Trace t = new DataPlane(s).traceFromPod("n1", webPodOn(s, "n1").pod(), new Probe.Curl(clusterIp(s)));
        assertThat(t.backends()).hasSize(4).allSatisfy(b -> assertThat(b.verdict()).as(b.reason()).isEqualTo(Verdict.DELIVERED));
    }

    @Test
    void hostGwFailsAcrossTheRouterAndWorksOnTheSameSubnet() {
        List<String> log = new ArrayList<>();
        Snapshot s = boot("two-subnets-host-gw.yaml", log);
        assertThat(log).contains("n1: Error adding route to 10.244.3.0/24 via 172.20.2.23 dev eth0: network is unreachable");
        List<Trace> traces = crossSubnetPodToPod(s);
        assertThat(traces).hasSize(8).allSatisfy(t -> {
            assertThat(t.verdict()).as(t.reason()).isNotEqualTo(Verdict.DELIVERED);
            assertThat(t.reason()).as("the pod subnet has no route: the packet goes to the default gateway").contains("default route via 172.20.");
        });
        Trace sameSubnet = new DataPlane(s).traceFromPod("n1", webPodOn(s, "n1").pod(), new Probe.Curl(new SocketAddress(webPodOn(s, "n2").ip(), 8080)));
        assertThat(sameSubnet.verdict()).as(sameSubnet.reason()).isEqualTo(Verdict.DELIVERED);
    }
}

package dev.kubepath.shell;

import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.ingest.KubectlText;
import dev.kubepath.ingest.LeasesText;
import dev.kubepath.ingest.Parsed;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Node;
import dev.kubepath.model.Pod;
import dev.kubepath.model.Service;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the simulated shell's kubectl and etcdctl print reads back, through the bundle parsers, into the facts the
 * simulated API server and registry hold: one test per format.
 */
class KubectlEtcdctlRoundTripTest {
    static SimCluster c;
    static SimShell shell;

    @BeforeAll
    static void seed() {
        c = SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z")));
        SeedCluster.bootHealthy(c);
        SeedCluster.deploy(c, SeedCluster.NODE_PORT_BEFORE);
        shell = new SimShell(c, SeedCluster.MASTER);
    }

    /** The command as a transcript: the shell's prompt line, then what it printed. */
    private static String session(String... commands) {
        StringBuilder sb = new StringBuilder();
        for (String cmd : commands) sb.append("[root@").append(SeedCluster.MASTER).append(" ~]# ").append(cmd).append('\n').append(shell.run(cmd));
        return sb.toString();
    }

    @Test
    void kubectlGetNodesWide() {
        Parsed<List<Node>> p = KubectlText.nodes("nodes.txt", session("kubectl get nodes -o wide"));
        assertThat(p.problems()).isEmpty();
        List<Node> api = c.api().nodes().stream().sorted(Comparator.comparing(Node::name)).toList();
        assertThat(p.value()).hasSize(api.size());
        for (int i = 0; i < api.size(); i++) {
            Node want = api.get(i);
            // the table shows no podCIDR
            assertThat(p.value().get(i)).isEqualTo(new Node(want.name(), want.internalIp(), want.ready(), null, want.kubeletVersion()));
        }
    }

    @Test
    void kubectlGetPodsWide() {
        Parsed<List<Pod>> p = KubectlText.pods("pods.txt", session("kubectl get pods -o wide"));
        assertThat(p.problems()).isEmpty();
        List<Pod> api = c.api().pods().stream().sorted(Comparator.comparing(Pod::name)).toList();
        assertThat(api).isNotEmpty();
        assertThat(p.value()).extracting(x -> x.name() + " " + x.ip() + " " + x.node() + " " + x.phase() + " " + x.restarts())
                .containsExactlyElementsOf(api.stream().map(x -> x.name() + " " + x.ip() + " " + x.node() + " " + x.phase() + " " + x.restarts()).toList());
    }

    @Test
    void kubectlGetSvc() {
        Parsed<List<Service>> p = KubectlText.services("services.txt", session("kubectl get svc"));
        assertThat(p.problems()).isEmpty();
        List<Service> api = c.api().services().stream().sorted(Comparator.comparing(Service::name)).toList();
        assertThat(p.value()).extracting(Service::name).containsExactlyElementsOf(api.stream().map(Service::name).toList());
        for (int i = 0; i < api.size(); i++) {
            Service want = api.get(i), got = p.value().get(i);
            assertThat(got.type()).isEqualTo(want.type());
            assertThat(got.clusterIp()).isEqualTo(want.clusterIp());
            // the table shows port, node port and protocol; not the port name nor the target port
            assertThat(got.ports()).containsExactlyElementsOf(want.ports().stream()
                    .map(x -> new Service.Port(null, x.protocol(), x.port(), 0, x.nodePort())).toList());
        }
    }

    private static List<Lease> registry() {
        return c.registry().getLeases().leases().stream().map(l -> l.withExpiration(null)).toList();
    }

    @Test
    void etcdctlLsThenGetEachKey() {
        StringBuilder text = new StringBuilder(session("etcdctl ls /coreos.com/network/subnets"));
        for (String key : shell.run("etcdctl ls /coreos.com/network/subnets").lines().toList()) text.append(session("etcdctl get " + key));
        Parsed<List<Lease>> p = LeasesText.parse("leases.txt", text.toString());
        assertThat(p.problems()).isEmpty();
        assertThat(registry()).hasSize(3);
        assertThat(p.value()).containsExactlyInAnyOrderElementsOf(registry());
    }

    @Test
    void etcdctlGetWithoutLs() {
        Lease first = registry().getFirst();
        Parsed<List<Lease>> p = LeasesText.parse("leases.txt", session("etcdctl get /coreos.com/network/subnets/" + first.subnet().keyForm()));
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).containsExactly(first);
    }
}

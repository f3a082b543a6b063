package dev.kubepath.lab;

import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.host.HostNetworkException;
import dev.kubepath.host.NetChange;
import dev.kubepath.model.Container;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static dev.kubepath.cluster.SeedCluster.MASTER;
import static dev.kubepath.cluster.SeedCluster.NODE05;
import static dev.kubepath.cluster.SeedCluster.NODE06;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the agents see of a lab host ({@link LabHost#read}, carried over their own changes without reading the
 * namespace again) is what its kernel holds ({@link LabHost#readKernel}): after a lease comes back, after a batch that
 * fails half-way, after a change of a kind the view does not carry over. The healthy seed cluster, with its leases in
 * a real etcd when one is installed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabHostViewTest {
    private static LabCluster lab;

    @BeforeAll
    static void up() {
        RootOnly.assume();
        lab = LabScenario.up("seed-healthy", LabCluster.RegistryKind.defaultKind());
        SeedCluster.deploy(lab.cluster(), SeedCluster.NODE_PORT_BEFORE);
    }

    @AfterAll
    static void down() {
        if (lab != null) lab.close();
    }

    /** The agents' view and the kernel's, taken in that order (reading the kernel drops the view). */
    private record Views(Host seen, Host kernel) {}

    private static Views views(String host) {
        Host seen = lab.host(host).read();
        return new Views(seen, lab.host(host).readKernel());
    }

    private static void assertSameOverlay(String host) {
        Views v = views(host);
        assertThat(Set.copyOf(v.seen().routes())).as(host + " routes").isEqualTo(Set.copyOf(v.kernel().routes()));
        assertThat(Set.copyOf(v.seen().fdb())).as(host + " FDB").isEqualTo(Set.copyOf(v.kernel().fdb()));
        // only flannel.1's neighbours: the kernel learns the others (eth0, docker0) by itself
        assertThat(Set.copyOf(flannelNeighbours(v.seen()))).as(host + " flannel.1 neighbours").isEqualTo(Set.copyOf(flannelNeighbours(v.kernel())));
    }

    private static List<Neighbour> flannelNeighbours(Host h) {
        return h.neighbours().stream().filter(n -> n.dev().equals("flannel.1")).toList();
    }

    private static boolean routes(String host, Prefix subnet) {
        return lab.cluster().host(host).routes().stream().anyMatch(r -> r.dst().equals(subnet));
    }

    @Test
    @Order(1)
    void aLeaseWrittenBackReachesEveryKernelAsTheAgentsSeeIt() throws Exception {
        SimCluster c = lab.cluster();
        Lease lease = c.registry().getLeases().leases().stream().filter(l -> l.publicIp().equals(c.hostSpec(NODE06).ip())).findFirst().orElseThrow();
        Container pod = lab.host(NODE06).readKernel().containers().getFirst();
        c.faults().hangFlanneld(NODE06);
        c.faults().deleteLease(lease.subnet());
        for (String h : List.of(MASTER, NODE05)) {
            assertThat(routes(h, lease.subnet())).as(h + " still routes to the deleted lease").isFalse();
            assertSameOverlay(h);
        }

        c.registry().createLease(new Lease(lease.subnet(), lease.publicIp(), lease.backendType(), lease.vtepMac(), null), Duration.ofHours(24));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!(routes(MASTER, lease.subnet()) && routes(NODE05, lease.subnet())) && System.nanoTime() < deadline) {
            c.settleOverlay(); // a real etcd delivers the watch event on its own thread
            Thread.sleep(5);
        }

        for (String h : List.of(MASTER, NODE05)) {
            assertThat(routes(h, lease.subnet())).as(h + " routes to the lease written back").isTrue();
            assertSameOverlay(h);
            var curl = lab.exec(h, List.of("curl", "-sS", "-o", "/dev/null", "-I", "--max-time", "2", "http://" + pod.ip() + ":" + pod.listeners().getFirst().port()));
            assertThat(curl.exit()).as(h + ": " + curl.stderr()).isZero();
        }
        LabVerify.Report r = LabVerify.run(lab);
        assertThat(r.disagreements()).as(r.table()).isEmpty();
        assertThat(r.rows()).filteredOn(x -> x.to().startsWith(pod.ip() + ":") && !x.from().equals(NODE06))
                .isNotEmpty().allMatch(x -> x.real() == Verdict.DELIVERED);
    }

    @Test
    @Order(2)
    void aBatchThatFailsHalfWayShowsWhatTheKernelKept() {
        LabHost h = lab.host(MASTER);
        h.read();
        Route kept = Route.onlink(Prefix.parse("10.99.0.0/24"), Ipv4.parse("10.99.0.0"), "flannel.1");
        Route refused = Route.direct(Prefix.parse("10.98.0.0/24"), "no-such-device", 0);
        assertThatThrownBy(() -> h.apply(new NetChange.ReplaceRoute(kept), new NetChange.ReplaceRoute(refused)))
                .isInstanceOf(HostNetworkException.class).hasMessageContaining("no-such-device");
        assertThat(h.read().routes()).contains(kept);
        assertSameOverlay(MASTER);

        h.read();
        h.apply(new NetChange.DeleteRoute(kept));
        assertThat(h.read().routes()).doesNotContain(kept);
        assertSameOverlay(MASTER);
    }

    @Test
    @Order(3)
    void anAddressAddedThroughTheHostShowsWithTheRoutesTheKernelMadeForIt() {
        LabHost h = lab.host(NODE05);
        h.read();
        IfAddress extra = new IfAddress("eth0", Ipv4.parse("10.0.1.5"), 24);
        h.apply(new NetChange.AddAddress(extra));
        assertThat(h.read().addresses()).contains(extra);
        assertThat(h.read().routes()).anyMatch(r -> r.dst().equals(Prefix.parse("10.0.1.0/24")));
        assertSameOverlay(NODE05);

        h.apply(new NetChange.DeleteAddress(extra));
        assertThat(h.read().addresses()).doesNotContain(extra);
        assertSameOverlay(NODE05);
    }
}

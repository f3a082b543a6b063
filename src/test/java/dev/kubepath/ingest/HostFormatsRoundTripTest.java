package dev.kubepath.ingest;

import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.model.Chain;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.IpSet;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Route;
import dev.kubepath.model.Snapshot;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.proxy.IptablesSave;
import dev.kubepath.proxy.Ipset;
import dev.kubepath.proxy.Ipvsadm;
import dev.kubepath.proxy.IpvsState;
import dev.kubepath.proxy.ProxyMode;
import dev.kubepath.shell.NetTools;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every host format the simulated host prints reads back into the facts it was printed from: {@code ip addr},
 * {@code route -n}, {@code ip route}, {@code ip neigh}, {@code bridge fdb show}, {@code ifconfig}, {@code ipvsadm -Ln}, {@code iptables-save} and, in IPVS mode, the
 * {@code ipset list} its {@code -m set} rules need. The seed cluster, healthy, with its NodePort service, in both
 * proxy modes.
 */
class HostFormatsRoundTripTest {
    private static Snapshot seed(ProxyMode mode) {
        SimCluster c = SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z"), mode));
        SeedCluster.bootHealthy(c);
        SeedCluster.deploy(c, SeedCluster.NODE_PORT_BEFORE);
        return c.snapshot();
    }

    private static List<String> addresses(List<IfAddress> a) {
        return a.stream().map(IfAddress::toString).sorted().toList();
    }

    private static String link(Link l) {
        return l.name() + " mtu " + l.mtu() + " " + l.mac() + (l.up() ? " up" : " down");
    }

    @ParameterizedTest
    @EnumSource(value = ProxyMode.class, names = {"IPTABLES", "IPVS"})
    void ipAddrReadsBack(ProxyMode mode) {
        for (Host h : seed(mode).hosts()) {
            Parsed<Interfaces> p = AddrFile.parse("addr.txt", NetTools.ipAddr(h));
            assertThat(p.problems()).as(h.name()).isEmpty();
            assertThat(p.value().links().stream().map(HostFormatsRoundTripTest::link).toList()).as(h.name())
                    .isEqualTo(h.links().stream().map(HostFormatsRoundTripTest::link).toList());
            assertThat(addresses(p.value().addresses())).as(h.name()).isEqualTo(addresses(h.addresses()));
            // the vxlan detail line carries flannel.1's VNI and port
            assertThat(p.value().links().stream().filter(Link::isVxlan).map(l -> ((LinkKind.Vxlan) l.kind()).vni()).toList())
                    .isEqualTo(h.links().stream().filter(Link::isVxlan).map(l -> ((LinkKind.Vxlan) l.kind()).vni()).toList());
        }
    }

    @ParameterizedTest
    @EnumSource(value = ProxyMode.class, names = {"IPTABLES", "IPVS"})
    void routeNReadsBack(ProxyMode mode) {
        // route -n shows the main table's unicast routes without scope, source or protocol
        Function<Route, String> shown = r -> r.dst() + " via " + r.via() + " dev " + r.dev() + " metric " + r.metric() + (r.onlink() ? " onlink" : "");
        for (Host h : seed(mode).hosts()) {
            Parsed<List<Route>> p = RouteFile.parse("route.txt", NetTools.routeN(h));
            assertThat(p.problems()).as(h.name()).isEmpty();
            List<String> expected = h.routes().stream().filter(r -> Route.MAIN.equals(r.table()) && r.type() == Route.Type.UNICAST)
                    .map(shown).sorted().toList();
            assertThat(p.value().stream().map(shown).sorted().toList()).as(h.name()).isNotEmpty().isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @EnumSource(value = ProxyMode.class, names = {"IPTABLES", "IPVS"})
    void ipRouteReadsBack(ProxyMode mode) {
        for (Host h : seed(mode).hosts()) {
            Parsed<List<Route>> p = RouteFile.parse("route.txt", NetTools.ipRoute(h));
            assertThat(p.problems()).as(h.name()).isEmpty();
            List<Route> main = h.routes().stream().filter(r -> Route.MAIN.equals(r.table())).toList();
            assertThat(p.value()).as(h.name()).isNotEmpty().containsExactlyInAnyOrderElementsOf(main);
        }
    }

    @ParameterizedTest
    @EnumSource(value = ProxyMode.class, names = {"IPTABLES"})
    void ipNeighAndBridgeFdbReadBack(ProxyMode mode) {
        Snapshot s = seed(mode);
        // flannel's VTEP entries: one neighbour and one FDB entry on flannel.1 per peer
        assertThat(s.hosts()).anyMatch(h -> !h.neighbours().isEmpty() && !h.fdb().isEmpty());
        for (Host h : s.hosts()) {
            Parsed<List<dev.kubepath.model.Neighbour>> n = NeighFile.parse("neigh.txt", NetTools.ipNeigh(h));
            assertThat(n.problems()).as(h.name()).isEmpty();
            assertThat(n.value()).as(h.name()).containsExactlyInAnyOrderElementsOf(h.neighbours());
            Parsed<List<dev.kubepath.model.FdbEntry>> f = BridgeFdbText.parse("fdb.txt", NetTools.bridgeFdb(h));
            assertThat(f.problems()).as(h.name()).isEmpty();
            assertThat(f.value()).as(h.name()).containsExactlyInAnyOrderElementsOf(h.fdb());
        }
    }

    @ParameterizedTest
    @EnumSource(value = ProxyMode.class, names = {"IPTABLES", "IPVS"})
    void ifconfigReadsBack(ProxyMode mode) {
        for (Host h : seed(mode).hosts()) {
            Parsed<Interfaces> p = AddrFile.parse("addr.txt", NetTools.ifconfig(h, null));
            assertThat(p.problems()).as(h.name()).isEmpty();
            List<Link> up = h.links().stream().filter(Link::up).toList(); // ifconfig without -a shows the up devices
            assertThat(p.value().links()).extracting(Link::name, Link::mtu)
                    .containsExactlyElementsOf(up.stream().map(l -> org.assertj.core.groups.Tuple.tuple(l.name(), l.mtu())).toList());
            assertThat(p.value().links().stream().filter(l -> !(l.kind() instanceof LinkKind.Loopback)).map(Link::mac).toList())
                    .isEqualTo(up.stream().filter(l -> !(l.kind() instanceof LinkKind.Loopback)).map(Link::mac).toList());
            List<IfAddress> shown = h.addresses().stream().filter(a -> up.stream().anyMatch(l -> l.name().equals(a.dev()))).toList();
            assertThat(addresses(p.value().addresses())).as(h.name()).isEqualTo(addresses(shown));
        }
    }

    @ParameterizedTest
    @EnumSource(value = ProxyMode.class, names = {"IPVS"})
    void ipvsadmReadsBack(ProxyMode mode) {
        assertThat(seed(mode).hosts()).anyMatch(h -> !h.virtualServers().isEmpty());
        for (Host h : seed(mode).hosts()) {
            Parsed<List<VirtualServer>> p = IpvsadmText.parse("ipvs.txt", Ipvsadm.listNumeric(h.virtualServers()));
            assertThat(p.problems()).as(h.name()).isEmpty();
            Comparator<VirtualServer> order = Comparator.comparing(VirtualServer::protocol).thenComparing(VirtualServer::address);
            assertThat(p.value()).as(h.name()).isEqualTo(h.virtualServers().stream().sorted(order).map(HostFormatsRoundTripTest::sortedReals).toList());
        }
    }

    private static VirtualServer sortedReals(VirtualServer v) {
        return new VirtualServer(v.protocol(), v.address(), v.scheduler(),
                v.reals().stream().sorted(Comparator.comparing(VirtualServer.RealServer::address)).toList());
    }

    private static List<String> facts(List<Chain> chains) {
        return chains.stream().map(c -> c.table() + " " + c.name() + " " + c.policy() + " "
                + c.rules().stream().map(r -> r.match() + " " + r.target() + " " + r.comment()).toList()).sorted().toList();
    }

    @ParameterizedTest
    @EnumSource(value = ProxyMode.class, names = {"IPTABLES", "IPVS"})
    void iptablesSaveReadsBackWithTheIpsetsItsRulesMatch(ProxyMode mode) {
        Snapshot s = seed(mode);
        for (Host h : s.hosts()) {
            List<IpSet> sets = null;
            if (mode == ProxyMode.IPVS) {
                IpvsState state = IpvsState.compute(s.cluster().services(), s.cluster().endpoints(),
                        IpvsState.nodePortAddresses(h), s.cluster().clusterCidr().orElse(null));
                Parsed<List<IpSet>> read = IpSets.parse("ipset.txt", Ipset.list(state.ipsets()));
                assertThat(read.problems()).isEmpty();
                assertThat(read.value()).isEqualTo(state.ipsets());
                sets = read.value();
            }
            String saved = IptablesSave.render(h.chains());
            Parsed<List<Chain>> p = dev.kubepath.ingest.IptablesSave.parse("iptables.txt", saved, sets);
            assertThat(p.problems()).as(h.name()).isEmpty();
            assertThat(facts(p.value())).as(h.name()).isEqualTo(facts(h.chains()));
            if (mode == ProxyMode.IPVS && !h.virtualServers().isEmpty()) assertThat(saved).contains("--match-set KUBE-CLUSTER-IP dst,dst");
        }
    }
}

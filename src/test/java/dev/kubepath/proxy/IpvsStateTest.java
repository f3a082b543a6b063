package dev.kubepath.proxy;

import dev.kubepath.host.NetChange;
import dev.kubepath.host.SimulatedHost;
import dev.kubepath.model.Chain;
import dev.kubepath.model.Endpoints;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Rule;
import dev.kubepath.model.Service;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;
import dev.kubepath.net.SocketAddress;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.kubepath.proxy.IptablesRulesTest.endpoints;
import static dev.kubepath.proxy.IptablesRulesTest.service;
import static org.assertj.core.api.Assertions.assertThat;

class IpvsStateTest {
    static final Service MCWTEST = service("default", "mcwtest-svc", "10.2.0.155", "mcwport", Protocol.TCP, 2024, 20000, 33958);
    static final Endpoints MCWTEST_EPS = endpoints("default", "mcwtest-svc", "mcwport", Protocol.TCP, 20000, "172.17.89.10");

    /** mcwk8s05 after the fix: eth0, docker0, flannel.1, loopback. */
    static Host node05() {
        return Host.builder("mcwk8s05")
                .link(new Link("lo", new LinkKind.Loopback(), 65536, new Mac(0), true, null))
                .link(new Link("eth0", new LinkKind.Ethernet(), 1500, Mac.parse("00:0c:29:00:00:35"), true, null))
                .link(new Link("docker0", new LinkKind.Bridge(), 1450, Mac.parse("02:42:18:e1:e8:fc"), true, null))
                .link(new Link("flannel.1", new LinkKind.Vxlan(1, 8472, Ipv4.parse("10.0.0.35"), "eth0", false), 1450,
                        Mac.parse("36:70:76:ea:39:b8"), true, null))
                .address(new IfAddress("lo", Ipv4.parse("127.0.0.1"), 8))
                .address(new IfAddress("eth0", Ipv4.parse("10.0.0.35"), 24))
                .address(new IfAddress("docker0", Ipv4.parse("172.17.89.1"), 24))
                .address(new IfAddress("flannel.1", Ipv4.parse("172.17.89.0"), 32))
                .chain(new Chain("nat", "PREROUTING", "ACCEPT", List.of(new Rule("PREROUTING",
                        Rule.Match.ANY.withDstTypeLocal(true, false), new Rule.Target.Jump("DOCKER"), null, null))))
                .build();
    }

    @Test
    void nodePortListensOnEveryAddressButLoopbackAndKubeIpvs0() {
        Host h = node05().toBuilder().link(new Link("kube-ipvs0", new LinkKind.Dummy(), 1500, new Mac(1), false, null))
                .address(new IfAddress("kube-ipvs0", Ipv4.parse("10.2.0.1"), 32)).build();
        List<Ipv4> local = IpvsState.nodePortAddresses(h);
        assertThat(local).extracting(Ipv4::toString).containsExactly("10.0.0.35", "172.17.89.0", "172.17.89.1");

        IpvsState s = IpvsState.compute(List.of(MCWTEST), List.of(MCWTEST_EPS), local, Prefix.parse("172.17.0.0/16"));
        assertThat(s.clusterIps()).containsExactly(Ipv4.parse("10.2.0.155"));
        assertThat(s.virtualServers()).extracting(v -> v.address().toString())
                .containsExactly("10.0.0.35:33958", "10.2.0.155:2024", "172.17.89.0:33958", "172.17.89.1:33958");
        assertThat(s.virtualServers()).allSatisfy(v -> {
            assertThat(v.scheduler()).isEqualTo("rr");
            assertThat(v.reals()).containsExactly(VirtualServer.RealServer.masq(SocketAddress.parse("172.17.89.10:20000")));
        });
        String nat = IptablesSave.render(s.rules().chains());
        assertThat(nat).contains("-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000",
                "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -m mark --mark 0x4000/0x4000 -j MASQUERADE",
                "-A KUBE-NODE-PORT -p tcp -m comment --comment \"Kubernetes nodeport TCP port for masquerade purpose\" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ");
    }

    @Test
    void serviceWithoutEndpointsHasVirtualServersWithoutReals() {
        IpvsState s = IpvsState.compute(List.of(MCWTEST), List.of(), List.of(Ipv4.parse("10.0.0.36")), null);
        assertThat(s.virtualServers()).hasSize(2).allSatisfy(v -> assertThat(v.reals()).isEmpty());
    }

    @Test
    void ipvsadmListingMatchesTheSeedOutput() throws IOException {
        List<String> seed;
        try (InputStream in = getClass().getResourceAsStream("/seed/10-ipvs.txt")) {
            seed = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        // The master's empty table: the three header lines as the seed shows them.
        int at = seed.indexOf("[root@mcwk8s03 mcwtest]# ipvsadm -Ln");
        assertThat(Ipvsadm.listNumeric(List.of())).isEqualTo(String.join("\n", seed.subList(at + 1, at + 4)) + "\n");

        IpvsState s = IpvsState.compute(List.of(MCWTEST), List.of(MCWTEST_EPS), IpvsState.nodePortAddresses(node05()), null);
        List<String> lines = Ipvsadm.listNumeric(s.virtualServers()).lines().map(String::stripTrailing).toList();
        int vs = seed.indexOf("TCP  10.2.0.155:2024 rr");
        assertThat(lines).containsSubsequence(seed.get(vs), seed.get(vs + 1));
        assertThat(Ipvsadm.listNumeric(s.virtualServers())).contains("  -> 172.17.89.10:20000           Masq    1      0          0         \n");
    }

    @Test
    void reconcileIsIdempotentAndFollowsServiceChanges() {
        SimulatedHost host = new SimulatedHost(node05());
        ServiceProxy proxy = new ServiceProxy(host, ProxyMode.IPVS, Prefix.parse("172.17.0.0/16"));
        List<NetChange> first = proxy.sync(List.of(MCWTEST), List.of(MCWTEST_EPS));
        assertThat(first).hasAtLeastOneElementOfType(NetChange.AddLink.class);
        Host h = host.read();
        assertThat(h.link("kube-ipvs0")).get().extracting(Link::kind).isInstanceOf(LinkKind.Dummy.class);
        assertThat(h.addresses()).contains(new IfAddress("kube-ipvs0", Ipv4.parse("10.2.0.155"), 32));
        assertThat(h.virtualServers()).hasSize(4);
        // docker's rule in PREROUTING survives; kube-proxy's jump comes first.
        assertThat(h.chain("nat", "PREROUTING").orElseThrow().rules()).extracting(Rule::describe).containsExactly(
                "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
                "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER");

        assertThat(proxy.sync(List.of(MCWTEST), List.of(MCWTEST_EPS))).isEmpty();

        // The service is re-created with a new NodePort and the pod has moved.
        Service recreated = service("default", "mcwtest-svc", "10.2.0.155", "mcwport", Protocol.TCP, 2024, 20000, 41000);
        Endpoints moved = endpoints("default", "mcwtest-svc", "mcwport", Protocol.TCP, 20000, "172.17.9.3");
        proxy.sync(List.of(recreated), List.of(moved));
        assertThat(host.read().virtualServers()).extracting(v -> v.address().port()).containsOnly(2024, 41000);
        assertThat(host.read().virtualServers()).allSatisfy(v ->
                assertThat(v.reals()).extracting(r -> r.address().toString()).containsExactly("172.17.9.3:20000"));

        proxy.sync(List.of(), List.of());
        assertThat(host.read().addresses()).noneMatch(a -> a.dev().equals("kube-ipvs0"));
        assertThat(host.read().virtualServers()).isEmpty();
        assertThat(proxy.sync(List.of(), List.of())).isEmpty();
    }

    @Test
    void iptablesModeRemovesStaleServiceChainsFromTheJumpPath() {
        SimulatedHost host = new SimulatedHost(node05());
        ServiceProxy proxy = new ServiceProxy(host, ProxyMode.IPTABLES, null);
        proxy.sync(List.of(MCWTEST), List.of(MCWTEST_EPS));
        String svcChain = ChainNames.serviceChain("default/mcwtest-svc:mcwport", Protocol.TCP);
        assertThat(host.read().chain("nat", svcChain)).get().extracting(c -> c.rules().size()).isEqualTo(1);
        assertThat(host.read().link("kube-ipvs0")).isEmpty();
        assertThat(proxy.sync(List.of(MCWTEST), List.of(MCWTEST_EPS))).isEmpty();

        proxy.sync(List.of(), List.of());
        assertThat(host.read().chain("nat", svcChain).orElseThrow().rules()).isEmpty();
        assertThat(host.read().chain("nat", "KUBE-SERVICES").orElseThrow().rules()).extracting(Rule::describe)
                .noneMatch(r -> r.contains("KUBE-SVC-"));
    }
}

package dev.kubepath.host.linux;

import dev.kubepath.host.HostNetworkException;
import dev.kubepath.host.NetChange;
import dev.kubepath.lab.Lab;
import dev.kubepath.lab.RootOnly;
import dev.kubepath.model.FdbEntry;
import dev.kubepath.model.Facet;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Neighbour;
import dev.kubepath.model.Route;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;
import dev.kubepath.net.SocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LinuxHostTest {
    private Lab lab;
    private Netns ns;
    private LinuxHost host;

    @BeforeEach
    void setUp() {
        RootOnly.assume();
        lab = new Lab();
        ns = lab.namespace("h");
        // a NIC to hang flannel.1 on: one end of a veth pair whose other end stays in the same namespace
        ns.ip("link", "add", "eth0", "type", "veth", "peer", "name", "wire").orThrow();
        ns.ip("addr", "add", "10.0.0.36/24", "dev", "eth0").orThrow();
        ns.ip("link", "set", "eth0", "up").orThrow();
        ns.ip("link", "set", "wire", "up").orThrow();
        host = new LinuxHost("node36", ns);
    }

    @AfterEach
    void tearDown() {
        if (lab != null) lab.close();
    }

    private static final Mac REMOTE_VTEP = Mac.parse("2a:2c:21:3a:58:21");
    private static final Link FLANNEL = new Link("flannel.1",
            new LinkKind.Vxlan(1, 8472, Ipv4.parse("10.0.0.36"), "eth0", false), 1450, Mac.parse("ce:8a:7b:2b:f1:11"), true, null);

    @Test
    void entriesAddedByHandReadBackWithTheBundleParsersStates() {
        host.apply(List.of(new NetChange.AddLink(FLANNEL)));
        // 'static' is NUD_NOARP: like 'permanent' it never ages out of the VXLAN FDB, so both are permanent
        ns.bridge("fdb", "append", "b2:83:33:7b:fd:37", "dev", "flannel.1", "dst", "10.0.0.33", "self", "static").orThrow();
        ns.bridge("fdb", "append", "4e:11:22:33:44:55", "dev", "flannel.1", "dst", "10.0.0.34", "self", "dynamic").orThrow();
        // a PROBE entry still forwards with its MAC while the kernel re-confirms it: STALE in the model
        ns.ip("neigh", "replace", "10.0.0.105", "lladdr", "02:00:00:00:00:05", "dev", "eth0", "nud", "probe").orThrow();
        Host read = host.read();
        assertThat(read.fdb()).contains(
                new FdbEntry(Mac.parse("b2:83:33:7b:fd:37"), "flannel.1", Ipv4.parse("10.0.0.33"), true),
                new FdbEntry(Mac.parse("4e:11:22:33:44:55"), "flannel.1", Ipv4.parse("10.0.0.34"), false));
        assertThat(read.neighbours()).contains(
                new Neighbour(Ipv4.parse("10.0.0.105"), "eth0", Mac.parse("02:00:00:00:00:05"), Neighbour.State.STALE));
    }

    @Test
    void flannelEntriesReadBackExactlyAsApplied() {
        IfAddress vtepAddress = new IfAddress("flannel.1", Ipv4.parse("172.17.89.0"), 32);
        Route route = Route.onlink(Prefix.parse("172.17.9.0/24"), Ipv4.parse("172.17.9.0"), "flannel.1");
        Neighbour neighbour = new Neighbour(Ipv4.parse("172.17.9.0"), "flannel.1", REMOTE_VTEP, Neighbour.State.PERMANENT);
        FdbEntry fdb = new FdbEntry(REMOTE_VTEP, "flannel.1", Ipv4.parse("10.0.0.37"), true);

        host.apply(List.of(new NetChange.AddLink(FLANNEL), new NetChange.AddAddress(vtepAddress),
                new NetChange.ReplaceNeighbour(neighbour), new NetChange.ReplaceFdb(fdb), new NetChange.ReplaceRoute(route)));
        Host h = host.read();

        assertThat(h.link("flannel.1")).contains(FLANNEL);
        assertThat(h.addresses()).contains(vtepAddress);
        assertThat(h.routes()).contains(route);
        assertThat(h.neighbours()).containsExactly(neighbour);
        assertThat(h.fdb()).containsExactly(fdb);
        assertThat(h.known()).contains(Facet.LINKS, Facet.ADDRESSES, Facet.ROUTES, Facet.NEIGHBOURS, Facet.FDB,
                Facet.SYSCTLS, Facet.IPVS);
    }

    @Test
    void readShowsKernelRoutesOfTheLocalTableAndTheConnectedPrefix() {
        Host h = host.read();
        assertThat(h.routes()).contains(
                new Route("main", Route.Type.UNICAST, Prefix.parse("10.0.0.0/24"), null, "eth0", false, 0, Route.Scope.LINK, Ipv4.parse("10.0.0.36")),
                new Route("local", Route.Type.LOCAL, Prefix.parse("10.0.0.36/32"), null, "eth0", false, 0, Route.Scope.HOST, Ipv4.parse("10.0.0.36")),
                new Route("local", Route.Type.BROADCAST, Prefix.parse("10.0.0.255/32"), null, "eth0", false, 0, Route.Scope.LINK, Ipv4.parse("10.0.0.36")));
        assertThat(h.link("wire").orElseThrow().kind()).isEqualTo(new LinkKind.Veth("eth0"));
        assertThat(h.link("lo").orElseThrow().kind()).isEqualTo(new LinkKind.Loopback());
        assertThat(h.sysctls()).containsEntry(Host.IP_FORWARD, "0");
    }

    @Test
    void aThousandRoutesGoInOneBatchAndReadBack() {
        host.apply(new NetChange.AddLink(FLANNEL));
        List<NetChange> changes = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Prefix subnet = Prefix.of(Ipv4.parse("172.16.0.0").plus(i << 8), 24);
            changes.add(new NetChange.ReplaceRoute(Route.onlink(subnet, subnet.address(0), "flannel.1")));
        }
        host.apply(changes);
        assertThat(host.read().routes().stream().filter(r -> "flannel.1".equals(r.dev()) && r.onlink())).hasSize(1000);
    }

    @Test
    void aFailedBatchNamesTheNamespaceTheLineAndIproute2sMessage() {
        assertThatThrownBy(() -> host.apply(List.of(
                new NetChange.AddAddress(new IfAddress("eth0", Ipv4.parse("10.0.0.99"), 32)),
                new NetChange.ReplaceRoute(Route.direct(Prefix.parse("192.168.5.0/24"), "nosuch", 0)))))
                .isInstanceOf(HostNetworkException.class)
                .hasMessageContaining(ns.name())
                .hasMessageContaining("line 2 'route replace 192.168.5.0/24 dev nosuch'")
                .hasMessageContaining("Cannot find device \"nosuch\"");
    }

    @Test
    void dummyLinksAreRefusedWithAReason() {
        assertThatThrownBy(() -> host.apply(new NetChange.AddLink(new Link("dummy0", new LinkKind.Dummy(), 1500, null, false, null))))
                .isInstanceOf(HostNetworkException.class)
                .hasMessageContaining("dummy links are not available");
    }

    @Test
    void kubeProxysDummyKubeIpvs0IsADownBridgeReadBackAsDummy() {
        host.apply(new NetChange.AddLink(new Link("kube-ipvs0", new LinkKind.Dummy(), 1500, null, false, null)));
        assertThat(ns.ip("-d", "link", "show", "kube-ipvs0").orThrow().stdout()).contains("bridge").doesNotContain(",UP");
        assertThat(host.read().link("kube-ipvs0").orElseThrow().kind()).isEqualTo(new LinkKind.Dummy());
    }

    @Test
    void virtualServersReadBackAndServeThroughNftables() throws Exception {
        // a "pod" namespace behind a bridge serving HTTP on 172.17.89.2:8080
        Netns pod = lab.namespace("pod");
        host.apply(List.of(new NetChange.AddLink(new Link("docker0", new LinkKind.Bridge(), 1500, null, true, null)),
                new NetChange.AddAddress(new IfAddress("docker0", Ipv4.parse("172.17.89.1"), 24)),
                new NetChange.AddLink(new Link("veth0", new LinkKind.Veth(pod.name() + "/eth0"), 1500, null, true, "docker0"))));
        pod.ip("addr", "add", "172.17.89.2/24", "dev", "eth0").orThrow();
        pod.ip("link", "set", "eth0", "up").orThrow();
        pod.ip("route", "add", "default", "via", "172.17.89.1").orThrow();
        // TCPServer, not "python3 -m http.server": the latter resolves its own name (getfqdn) and hangs without DNS
        lab.start(pod, List.of("/usr/bin/python3", "-c", "import http.server,socketserver; socketserver.TCPServer("
                + "('172.17.89.2', 8080), http.server.SimpleHTTPRequestHandler).serve_forever()"));

        VirtualServer web = new VirtualServer(Protocol.TCP, SocketAddress.parse("10.254.0.10:80"), "rr",
                List.of(VirtualServer.RealServer.masq(SocketAddress.parse("172.17.89.2:8080"))));
        VirtualServer empty = new VirtualServer(Protocol.TCP, SocketAddress.parse("10.254.0.11:80"), "rr", List.of());
        VirtualServer dns = new VirtualServer(Protocol.UDP, SocketAddress.parse("10.254.0.2:53"), "rr",
                List.of(VirtualServer.RealServer.masq(SocketAddress.parse("172.17.89.2:53")),
                        VirtualServer.RealServer.masq(SocketAddress.parse("172.17.89.3:53"))));
        host.apply(new NetChange.ReplaceVirtualServers(List.of(web, empty, dns)));

        Host h = host.read();
        assertThat(h.virtualServers()).containsExactlyInAnyOrder(web, empty, dns);
        assertThat(h.addresses()).contains(new IfAddress("kube-ipvs0", Ipv4.parse("10.254.0.10"), 32),
                new IfAddress("kube-ipvs0", Ipv4.parse("10.254.0.11"), 32));

        CommandResult ok = null;
        for (int i = 0; i < 50; i++) { // the server needs a moment to bind
            ok = ns.exec("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", "http://10.254.0.10/");
            if (ok.ok()) break;
            Thread.sleep(100);
        }
        assertThat(ok.stdout()).isEqualTo("200");
        assertThat(new LinuxHost("pod", pod).read().sockets())
                .containsExactly(new dev.kubepath.model.Socket(Protocol.TCP, Ipv4.parse("172.17.89.2"), 8080, null));
        CommandResult refused = ns.exec("curl", "-sS", "--max-time", "2", "http://10.254.0.11/");
        assertThat(refused.exit()).isEqualTo(7); // curl: couldn't connect, i.e. RST, not a timeout (28)
        assertThat(refused.stderr()).contains("Couldn't connect to server");

        host.apply(new NetChange.ReplaceVirtualServers(List.of(web)));
        h = host.read();
        assertThat(h.virtualServers()).containsExactly(web);
        assertThat(h.addresses()).doesNotContain(new IfAddress("kube-ipvs0", Ipv4.parse("10.254.0.11"), 32));
        host.apply(new NetChange.ReplaceVirtualServers(List.of()));
        assertThat(host.read().virtualServers()).isEmpty();
    }

    /**
     * kube-proxy's iptables mode with --cluster-cidr writes filter rules whose iptables-save line is longer than nft's
     * 128-byte comment ("kubernetes forwarding conntrack pod source rule"; a service without endpoints' REJECT): the
     * lab had refused them, so the iptables mode could not run there.
     */
    @Test
    void kubeProxysIptablesModeFilterRulesLongerThanAnNftCommentApplyAndReadBack() {
        var svc = new dev.kubepath.model.Service("default", "idle", "ClusterIP", Ipv4.parse("10.96.0.20"),
                List.of(new dev.kubepath.model.Service.Port("http", Protocol.TCP, 80, 8080, 0)), java.util.Map.of("app", "idle"));
        var rules = dev.kubepath.proxy.IptablesRules.compute(List.of(svc), List.of(), Prefix.parse("10.244.0.0/16"));
        List<dev.kubepath.model.Chain> filter = rules.chains().stream().filter(c -> c.table().equals("filter")).toList();
        assertThat(filter).flatExtracting(dev.kubepath.model.Chain::rules).extracting(dev.kubepath.model.Rule::describe)
                .as("the test needs a line nft cannot hold whole").anyMatch(l -> l.length() > 128);
        host.apply(new NetChange.ReplaceChains("kube-proxy", filter));
        Host read = host.read();
        for (dev.kubepath.model.Chain applied : filter) {
            dev.kubepath.model.Chain back = read.chain("filter", applied.name()).orElseThrow();
            assertThat(back.rules()).extracting(dev.kubepath.model.Rule::match, dev.kubepath.model.Rule::target)
                    .containsExactlyElementsOf(applied.rules().stream().map(r -> org.assertj.core.groups.Tuple.tuple(r.match(), r.target())).toList());
        }
    }

    @Test
    void iptablesModesNatGoesToTheKernelThroughIptablesRestoreAndReadsBackAsApplied() {
        LinuxHost nat = new LinuxHost("node36", ns, null, true);
        List<dev.kubepath.model.Chain> chains = List.of(
                natChain("KUBE-SVC-X", "-A KUBE-SVC-X -m statistic --mode random --probability 0.33333333333 -j KUBE-SEP-A", "-A KUBE-SVC-X -j KUBE-SEP-B"),
                natChain("KUBE-SEP-A", "-A KUBE-SEP-A -p tcp -m tcp -j DNAT --to-destination 10.244.1.2:8080"),
                natChain("KUBE-SEP-B", "-A KUBE-SEP-B -p tcp -m tcp -j DNAT --to-destination 10.244.2.2:8080"));
        nat.apply(List.of(new NetChange.ReplaceChains("kube-proxy", chains)));
        String saved = ns.exec("iptables-save", "-t", "nat").orThrow().stdout();
        // the kernel holds the probability in steps of 2^-31
        assertThat(saved).contains("-A KUBE-SVC-X -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-A")
                .contains("-A KUBE-SEP-B -p tcp -m tcp -j DNAT --to-destination 10.244.2.2:8080");
        for (dev.kubepath.model.Chain applied : chains) {
            assertThat(nat.read().chain("nat", applied.name()).orElseThrow().rules()).extracting(dev.kubepath.model.Rule::describe)
                    .as("read back as applied while the kernel holds it").containsExactlyElementsOf(applied.rules().stream().map(dev.kubepath.model.Rule::describe).toList());
        }
        ns.exec(List.of("iptables-restore", "--noflush"), "*nat\n-I KUBE-SVC-X 1 -j KUBE-SEP-B\nCOMMIT\n").orThrow();
        assertThat(nat.read().chain("nat", "KUBE-SVC-X").orElseThrow().rules()).as("changed behind its back: the kernel's chain").hasSize(3);
    }

    private static dev.kubepath.model.Chain natChain(String name, String... rules) {
        return new dev.kubepath.model.Chain("nat", name, null, java.util.Arrays.stream(rules).map(dev.kubepath.ingest.IptablesSave::parseRule).toList());
    }
}

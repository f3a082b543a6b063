package dev.kubepath.proxy;

import dev.kubepath.model.Chain;
import dev.kubepath.model.Endpoints;
import dev.kubepath.model.Rule;
import dev.kubepath.model.Service;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;
import dev.kubepath.net.SocketAddress;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class IptablesRulesTest {
    static Service service(String ns, String name, String ip, String portName, Protocol proto, int port, int target, int nodePort) {
        return new Service(ns, name, nodePort > 0 ? "NodePort" : "ClusterIP", Ipv4.parse(ip),
                List.of(new Service.Port(portName, proto, port, target, nodePort)), Map.of("app", name));
    }

    static Endpoints endpoints(String ns, String name, String portName, Protocol proto, int port, String... ips) {
        return new Endpoints(ns, name, java.util.Arrays.stream(ips).map(i -> new Endpoints.Address(Ipv4.parse(i), "n1", name + "-pod")).toList(),
                List.of(new Endpoints.Port(portName, proto, port)));
    }

    @Test
    void chainNamesMatchThePublishedKubeProxyNames() {
        assertThat(ChainNames.serviceChain("default/kubernetes:https", Protocol.TCP)).isEqualTo("KUBE-SVC-NPX46M4PTMTKRN6Y");
        assertThat(ChainNames.serviceChain("kube-system/kube-dns:dns", Protocol.UDP)).isEqualTo("KUBE-SVC-TCOU7JCQXEZGVUNU");
        assertThat(ChainNames.serviceChain("kube-system/kube-dns:dns-tcp", Protocol.TCP)).isEqualTo("KUBE-SVC-ERIFXISQEP7F7OF4");
        assertThat(ChainNames.serviceChain("kube-system/kube-dns:metrics", Protocol.TCP)).isEqualTo("KUBE-SVC-JD5MR3NA4I4DYORP");
        assertThat(ChainNames.endpointChain("default/web-svc:nginx-svc-port", Protocol.TCP, SocketAddress.parse("10.64.1.13:80")))
                .isEqualTo("KUBE-SEP-CC3QGOI23D5U3CR7");
        assertThat(ChainNames.endpointChain("kube-system/kube-dns:dns", Protocol.UDP, SocketAddress.parse("10.64.1.7:53")))
                .isEqualTo("KUBE-SEP-TYGHG4DTIAC24P3K");
    }

    @Test
    void renderedRulesContainEveryPublishedLine() throws IOException {
        List<Service> services = List.of(
                service("default", "web-svc", "10.32.0.159", "nginx-svc-port", Protocol.TCP, 8080, 80, 30080),
                service("default", "kubernetes", "10.32.0.1", "https", Protocol.TCP, 443, 6443, 0),
                service("kube-system", "kube-dns", "10.32.0.10", "dns", Protocol.UDP, 53, 53, 0));
        List<Endpoints> eps = List.of(
                endpoints("default", "web-svc", "nginx-svc-port", Protocol.TCP, 80, "10.64.1.13"),
                endpoints("default", "kubernetes", "https", Protocol.TCP, 6443, "172.16.1.35"),
                endpoints("kube-system", "kube-dns", "dns", Protocol.UDP, 53, "10.64.1.7"));
        ProxyRules rules = IptablesRules.compute(services, eps, null);
        List<Chain> all = new java.util.ArrayList<>(rules.chains());
        all.add(new Chain("nat", "PREROUTING", "ACCEPT", rules.hooks().stream()
                .filter(h -> h.table().equals("nat") && h.chain().equals("PREROUTING")).map(ProxyRules.Hook::rule).toList()));
        List<String> rendered = IptablesSave.render(all).lines().toList();
        List<String> golden;
        try (InputStream in = getClass().getResourceAsStream("/proxy/published-iptables-save.txt")) {
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("-A")).toList();
        }
        assertThat(golden).hasSize(13);
        assertThat(rendered).containsAll(golden);
        assertThat(rendered.stream().filter(l -> l.startsWith("-A KUBE-SERVICES")).toList().getLast())
                .isEqualTo("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS");
    }

    @Test
    void nodePortServiceWithTwoEndpointsSplitsTrafficAndMasqueradesNodePorts() {
        Service svc = service("default", "mcwtest-svc", "10.2.0.155", "mcwport", Protocol.TCP, 2024, 20000, 33958);
        Endpoints eps = endpoints("default", "mcwtest-svc", "mcwport", Protocol.TCP, 20000, "172.17.89.10", "172.17.9.5");
        ProxyRules rules = IptablesRules.compute(List.of(svc), List.of(eps), Prefix.parse("172.17.0.0/16"));
        String text = IptablesSave.render(rules.chains());
        String svcChain = ChainNames.serviceChain("default/mcwtest-svc:mcwport", Protocol.TCP);
        String sep1 = ChainNames.endpointChain("default/mcwtest-svc:mcwport", Protocol.TCP, SocketAddress.parse("172.17.89.10:20000"));
        String sep2 = ChainNames.endpointChain("default/mcwtest-svc:mcwport", Protocol.TCP, SocketAddress.parse("172.17.9.5:20000"));
        assertThat(text).startsWith("*nat\n:KUBE-SERVICES - [0:0]\n");
        assertThat(text).contains(":" + svcChain + " - [0:0]", ":" + sep1 + " - [0:0]", ":" + sep2 + " - [0:0]");
        assertThat(text).contains(
                "-A KUBE-SERVICES ! -s 172.17.0.0/16 -d 10.2.0.155/32 -p tcp -m comment --comment \"default/mcwtest-svc:mcwport cluster IP\" -m tcp --dport 2024 -j KUBE-MARK-MASQ\n"
                        + "-A KUBE-SERVICES -d 10.2.0.155/32 -p tcp -m comment --comment \"default/mcwtest-svc:mcwport cluster IP\" -m tcp --dport 2024 -j " + svcChain + "\n",
                "-A KUBE-NODEPORTS -p tcp -m comment --comment \"default/mcwtest-svc:mcwport\" -m tcp --dport 33958 -j KUBE-MARK-MASQ\n"
                        + "-A KUBE-NODEPORTS -p tcp -m comment --comment \"default/mcwtest-svc:mcwport\" -m tcp --dport 33958 -j " + svcChain + "\n",
                "-A " + svcChain + " -m comment --comment \"default/mcwtest-svc:mcwport\" -m statistic --mode random --probability 0.50000000000 -j " + sep1 + "\n"
                        + "-A " + svcChain + " -m comment --comment \"default/mcwtest-svc:mcwport\" -j " + sep2 + "\n",
                "-A " + sep2 + " -p tcp -m comment --comment \"default/mcwtest-svc:mcwport\" -m tcp -j DNAT --to-destination 172.17.9.5:20000\n",
                "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -m mark --mark 0x4000/0x4000 -j MASQUERADE\n");
        assertThat(text).endsWith("COMMIT\n");
        assertThat(text.indexOf("*filter")).isGreaterThan(text.indexOf("*nat"));
    }

    @Test
    void probabilitiesAreTheKernelsFractionsAsIptablesSavePrintsThem() {
        Service svc = service("default", "s", "10.2.0.7", "", Protocol.TCP, 80, 80, 0);
        Endpoints eps = endpoints("default", "s", "", Protocol.TCP, 80, "10.1.0.1", "10.1.0.2", "10.1.0.3");
        Chain svcChain = IptablesRules.compute(List.of(svc), List.of(eps), null).chains().stream()
                .filter(c -> c.name().startsWith("KUBE-SVC-")).findFirst().orElseThrow();
        assertThat(svcChain.rules()).extracting(Rule::describe).satisfiesExactly(
                r -> assertThat(r).contains("--comment \"default/s:\" -m statistic --mode random --probability 0.33332999982 -j KUBE-SEP-"),
                r -> assertThat(r).contains("--probability 0.50000000000 -j KUBE-SEP-"),
                r -> assertThat(r).doesNotContain("statistic"));
    }

    @Test
    void serviceWithoutEndpointsIsRejectedInTheFilterTable() {
        Service svc = service("default", "mcwtest-svc", "10.2.0.155", "mcwport", Protocol.TCP, 2024, 20000, 41527);
        ProxyRules rules = IptablesRules.compute(List.of(svc), List.of(), null);
        String text = IptablesSave.render(rules.chains());
        assertThat(text).contains("-A KUBE-SERVICES -d 10.2.0.155/32 -p tcp -m comment --comment \"default/mcwtest-svc:mcwport has no endpoints\" -m tcp --dport 2024 -j REJECT --reject-with icmp-port-unreachable");
        assertThat(text).contains("-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment \"default/mcwtest-svc:mcwport has no endpoints\" -m addrtype --dst-type LOCAL -m tcp --dport 41527 -j REJECT --reject-with icmp-port-unreachable");
        assertThat(text).doesNotContain("KUBE-SVC-", "DNAT");
    }
}

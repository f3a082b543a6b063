package dev.kubepath.proxy;

import dev.kubepath.model.Endpoints;
import dev.kubepath.model.NftChain;
import dev.kubepath.model.NftListing;
import dev.kubepath.model.NftRule;
import dev.kubepath.model.NftTable;
import dev.kubepath.model.Service;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** kube-proxy's nftables mode: names and structure as pkg/proxy/nftables/proxier.go writes them. */
class NftablesRulesTest {
    static final Service SVC1 = new Service("ns1", "svc1", "NodePort", Ipv4.parse("172.30.0.41"),
            List.of(new Service.Port("p80", Protocol.TCP, 80, 80, 3001)), Map.of());
    static final Service SVC2 = new Service("ns2", "svc2", "ClusterIP", Ipv4.parse("172.30.0.42"),
            List.of(new Service.Port("p80", Protocol.TCP, 80, 80, 0)), Map.of());
    static final Endpoints EP1 = new Endpoints("ns1", "svc1", List.of(new Endpoints.Address(Ipv4.parse("10.180.0.1"), "n", "p")),
            List.of(new Endpoints.Port("p80", Protocol.TCP, 80)));

    static NftTable table() {
        return NftablesRules.compute(List.of(SVC1, SVC2), List.of(EP1), Prefix.parse("10.0.0.0/8"), List.of(Ipv4.parse("192.168.0.2")), null);
    }

    @Test
    void chainNamesCarryKubeProxysHashes() {
        // the examples of servicePortChainNameBase and servicePortEndpointChainNameBase in proxier.go's comments
        NftTable t = table();
        assertThat(t.chain("service-ULMVA6XW-ns1/svc1/tcp/p80")).isPresent();
        assertThat(t.chain("endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80")).isPresent();
        assertThat(t.chain("external-ULMVA6XW-ns1/svc1/tcp/p80")).isPresent();
    }

    @Test
    void servicesAreDispatchedByVerdictMapsAndEndpointsPickedByNumgen() {
        NftTable t = table();
        assertThat(t.set("service-ips").orElseThrow().lookup("172.30.0.41 . tcp . 80").value()).isEqualTo("goto service-ULMVA6XW-ns1/svc1/tcp/p80");
        assertThat(t.set("service-nodeports").orElseThrow().lookup("tcp . 3001").value()).isEqualTo("goto external-ULMVA6XW-ns1/svc1/tcp/p80");
        assertThat(t.set("nodeport-ips").orElseThrow().lookup("192.168.0.2")).isNotNull();
        NftChain svc = t.chain("service-ULMVA6XW-ns1/svc1/tcp/p80").orElseThrow();
        assertThat(svc.rules()).extracting(NftRule::text).containsExactly(
                "ip daddr 172.30.0.41 tcp dport 80 ip saddr != 10.0.0.0/8 jump mark-for-masquerade",
                "numgen random mod 1 vmap { 0 : goto endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 }");
        assertThat(t.chain("endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80").orElseThrow().rules()).extracting(NftRule::text)
                .containsExactly("ip saddr 10.180.0.1 jump mark-for-masquerade", "meta l4proto tcp dnat to 10.180.0.1:80");
    }

    @Test
    void aServiceWithoutEndpointsIsRejectedThroughTheNoEndpointMapAndHasNoChains() {
        NftTable t = table();
        var e = t.set("no-endpoint-services").orElseThrow().lookup("172.30.0.42 . tcp . 80");
        assertThat(e.value()).isEqualTo("goto reject-chain");
        assertThat(e.comment()).isEqualTo("ns2/svc2:p80");
        assertThat(t.set("service-ips").orElseThrow().lookup("172.30.0.42 . tcp . 80")).isNull();
        assertThat(t.chains()).extracting(NftChain::name).noneMatch(n -> n.contains("ns2/svc2"));
        assertThat(NftListing.render(List.of(t))).contains("elements = { 172.30.0.42 . tcp . 80 comment \"ns2/svc2:p80\" : goto reject-chain }");
    }
}

package dev.kubepath.ingest;

import dev.kubepath.model.Endpoints;
import dev.kubepath.model.NftChain;
import dev.kubepath.model.NftListing;
import dev.kubepath.model.NftRule;
import dev.kubepath.model.NftSet;
import dev.kubepath.model.NftTable;
import dev.kubepath.model.Service;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;
import dev.kubepath.proxy.NftablesRules;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** kube-proxy's table listed by nft, read back by the one nft parser, is the structure kube-proxy wrote. */
class NftModelTest {
    @Test
    void aListedKubeProxyTableReadsBackRuleForRuleAndElementForElement() {
        Service web = new Service("default", "web", "NodePort", Ipv4.parse("10.96.0.20"),
                List.of(new Service.Port("http", Protocol.TCP, 80, 8080, 30080)), Map.of());
        Service dns = new Service("kube-system", "kube-dns", "ClusterIP", Ipv4.parse("10.96.0.10"),
                List.of(new Service.Port("dns", Protocol.UDP, 53, 53, 0), new Service.Port("dns-tcp", Protocol.TCP, 53, 53, 0)), Map.of());
        Endpoints webEps = new Endpoints("default", "web", List.of(new Endpoints.Address(Ipv4.parse("10.244.1.5"), "n1", "web-1"),
                new Endpoints.Address(Ipv4.parse("10.244.2.7"), "n2", "web-2")), List.of(new Endpoints.Port("http", Protocol.TCP, 8080)));
        NftTable written = NftablesRules.compute(List.of(web, dns), List.of(webEps), Prefix.parse("10.244.0.0/16"),
                List.of(Ipv4.parse("192.168.1.11")), Prefix.parse("10.96.0.0/12"));
        Parsed<List<Nftables.Table>> parsed = NftText.parse("nft.txt", NftListing.render(List.of(written)));
        assertThat(parsed.problems()).isEmpty();
        assertThat(NftModel.isKubeProxy(parsed.value().getFirst())).isTrue();
        Problems problems = new Problems("nft.txt");
        NftTable read = NftModel.of(parsed.value().getFirst(), problems);
        assertThat(problems.list()).isEmpty();
        assertThat(read.chains()).extracting(NftChain::name).containsExactlyElementsOf(written.chains().stream().map(NftChain::name).toList());
        for (NftChain c : written.chains()) {
            NftChain r = read.chain(c.name()).orElseThrow();
            assertThat(r.rules()).as(c.name()).isEqualTo(c.rules());
            assertThat(r.priorityValue()).as(c.name()).isEqualTo(c.priorityValue());
        }
        for (NftSet s : written.sets()) assertThat(read.set(s.name()).orElseThrow().elements()).as(s.name()).isEqualTo(s.elements());
        assertThat(read.set("no-endpoint-services").orElseThrow().lookup("10.96.0.10 . udp . 53").comment()).isEqualTo("kube-system/kube-dns:dns");
    }

    @Test
    void aRuleOutsideKubeProxysVocabularyIsReportedNotGuessed() {
        Problems problems = new Problems("nft.txt");
        Nftables.Table t = new Nftables.Table("ip", "kube-proxy", 1, List.of(new Nftables.Chain("services", 2, null, null, null, null,
                List.of(new Nftables.Rule(3, "limit rate 10/second meta l4proto . th dport vmap @service-nodeports")))),
                List.of(new Nftables.NamedSet("map", "service-ips", 5, "ipv4_addr . inet_proto . inet_service : verdict", List.of())));
        NftTable read = NftModel.of(t, problems);
        assertThat(read.chain("services").orElseThrow().rules()).isEmpty();
        assertThat(problems.list()).singleElement().asString().contains("nft.txt:3").contains("'limit'");
        // kube-proxy's NodePort rule when --nodeport-addresses matches all addresses
        NftRule all = NftModel.rule("fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports");
        assertThat(all.exprs().getFirst()).isEqualTo(new NftRule.FibDaddrLocal(false));
        assertThat(all.text()).isEqualTo("fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports");
    }
}

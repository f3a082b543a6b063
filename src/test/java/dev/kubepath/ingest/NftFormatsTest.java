package dev.kubepath.ingest;

import dev.kubepath.model.Chain;
import dev.kubepath.model.Facet;
import dev.kubepath.model.Host;
import dev.kubepath.model.Rule;
import dev.kubepath.model.VirtualServer;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.SocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code nft list ruleset} (nft.txt): iptables-nft's own tables pasted in public threads (real-world/net-nft-*,
 * with SOURCE.md), and real nft's output of a native forward chain with policy drop (real/nft/, made by
 * scripts/capture-nft-goldens.sh). The values checked were read off the snippets by hand.
 */
class NftFormatsTest {
    @TempDir
    Path dir;

    @Test
    void iptablesNftFilterTableFromAK3sThreadGivesItsChainsPoliciesAndRules() {
        Parsed<List<Nftables.Table>> p = NftText.parse("nft.txt", Golden.read("real-world/net-nft-iptables-nft-k3s-7219/nft.txt"));
        // the paste ends after FORWARD: the table is not closed, and that is said at the last line shown
        assertThat(p.problems()).singleElement().satisfies(x -> assertThat(x.message()).contains("table ip filter").contains("not closed"));
        Nftables.Table t = p.value().get(0);
        assertThat(t.family() + " " + t.name()).isEqualTo("ip filter");
        assertThat(t.chains()).extracting(Nftables.Chain::name).containsExactly("INPUT", "FORWARD");
        assertThat(t.chain("FORWARD").hook()).isEqualTo("forward");
        assertThat(t.chain("FORWARD").priority()).isEqualTo("filter");
        assertThat(Nftables.rules(p.value())).isEqualTo(13);

        NftFacts.Facts f = NftFacts.of("nft.txt", p.value(), false, false);
        assertThat(f.problems()).isEmpty();
        Chain forward = f.chains().stream().filter(c -> c.name().equals("FORWARD")).findFirst().orElseThrow();
        assertThat(forward.table()).isEqualTo("filter");
        assertThat(forward.policy()).isEqualTo("ACCEPT");
        assertThat(forward.rules()).hasSize(7);
        assertThat(forward.rules().get(1).match().ctstate()).isEqualTo("NEW");
        assertThat(forward.rules().get(1).target()).isEqualTo(new Rule.Target.Jump("KUBE-PROXY-FIREWALL"));
        // kube-router's "mark and 0x20000 == 0x20000 ... accept": the mark match of -m mark --mark 0x20000/0x20000
        Rule last = forward.rules().get(6);
        assertThat(last.match().markValue()).isEqualTo(0x20000);
        assertThat(last.match().markMask()).isEqualTo(0x20000);
        assertThat(last.target()).isInstanceOf(Rule.Target.Accept.class);
    }

    @Test
    void iptablesNftNatTableCountsEveryRuleAndReportsTheMatchesNftCanOnlyShowAsXt() {
        Parsed<List<Nftables.Table>> p = NftText.parse("nft.txt", Golden.read("real-world/net-nft-iptables-nft-nixpkgs-81172/nft.txt"));
        assertThat(p.problems()).singleElement().satisfies(x -> assertThat(x.message()).contains("table ip nat").contains("not closed"));
        assertThat(p.value().get(0).chains()).extracting(Nftables.Chain::name)
                .containsExactly("PREROUTING", "INPUT", "POSTROUTING", "OUTPUT", "nixos-nat-pre", "nixos-nat-post", "nixos-nat-out");
        assertThat(Nftables.rules(p.value())).isEqualTo(9);
        assertThat(p.value().get(0).chain("OUTPUT").priority()).isEqualTo("-100");

        NftFacts.Facts f = NftFacts.of("nft.txt", p.value(), false, false);
        // six rules hold "# xt_...": iptables-nft could not print them in nft's language; each is reported, not guessed
        assertThat(f.problems()).hasSize(6).allSatisfy(x -> assertThat(x.message()).contains("# xt_").contains("left out"));
        assertThat(f.problems()).extracting(ParseProblem::line).containsExactly(5, 14, 21, 25, 29, 30);
        Chain pre = f.chains().stream().filter(c -> c.name().equals("PREROUTING")).findFirst().orElseThrow();
        assertThat(pre.table()).isEqualTo("nat");
        assertThat(pre.rules()).singleElement().satisfies(r -> assertThat(r.target()).isEqualTo(new Rule.Target.Jump("nixos-nat-pre")));
    }

    private Path bundle(String nft) throws IOException {
        Path host = dir.resolve("hosts/mcwk8s05");
        Files.createDirectories(host);
        Files.createDirectories(dir.resolve("cluster"));
        if (nft != null) Files.writeString(host.resolve("nft.txt"), nft);
        return dir;
    }

    private static Host host(BundleReader.Result r) {
        return r.snapshot().hosts().get(0);
    }

    @Test
    void nativeForwardChainWithPolicyDropIsTheFilterForwardPolicyDrop() throws IOException {
        BundleReader.Result r = BundleReader.read(bundle(Golden.read("real/nft/forward-drop.txt")));
        assertThat(r.problems()).noneMatch(p -> p.file().endsWith("nft.txt"));
        Host h = host(r);
        assertThat(h.knows(Facet.IPTABLES)).isTrue();
        Chain forward = h.chain("filter", "FORWARD").orElseThrow();
        assertThat(forward.policy()).isEqualTo("DROP");
        assertThat(forward.rules()).hasSize(2);
        assertThat(forward.rules().get(0).match().ctstate()).isEqualTo("RELATED,ESTABLISHED");
        assertThat(forward.rules().get(1).match().inInterface()).isEqualTo("lo");
        // a forward chain with policy accept (here INPUT/OUTPUT of a native table) gives no chain: not modelled
        assertThat(h.chain("filter", "INPUT")).isEmpty();
        assertThat(BundleCounts.of(dir, r).hosts().get("mcwk8s05").nftRules()).isEqualTo(2);
    }

    @Test
    void flannelsForwardAcceptsInTheDropChainOpenThePodNetwork() throws IOException {
        BundleReader.Result r = BundleReader.read(bundle(Golden.read("real/nft/forward-drop-flannel.txt")));
        Chain forward = host(r).chain("filter", "FORWARD").orElseThrow();
        assertThat(forward.rules()).hasSize(4);
        assertThat(forward.rules().get(3).match().dst()).isEqualTo(Prefix.parse("172.17.0.0/16"));
        assertThat(BundleCounts.of(dir, r).hosts().get("mcwk8s05").nftRules()).isEqualTo(6);
    }

    @Test
    void nftRulesIsUnknownWithoutTheFileAndZeroForAnEmptyRuleset() throws IOException {
        BundleReader.Result none = BundleReader.read(bundle(null));
        assertThat(BundleCounts.of(dir, none).hosts().get("mcwk8s05").nftRules()).isNull();
        BundleReader.Result empty = BundleReader.read(bundle(""));
        assertThat(BundleCounts.of(dir, empty).hosts().get("mcwk8s05").nftRules()).isZero();
    }

    @Test
    void aPastedSessionSendsNftListRulesetToNftTxtOfThePromptsHost() {
        String session = "[root@mcwk8s05 ~]# nft list ruleset\n" + Golden.read("real/nft/forward-drop.txt");
        SessionBundle b = SessionBundle.split("session.txt", session);
        assertThat(b.files()).containsKey("hosts/mcwk8s05/nft.txt");
        // each line written keeps its session line: the forward chain's policy line is line 7 of the output, 8 of the session
        assertThat(b.files().get("hosts/mcwk8s05/nft.txt")).filteredOn(s -> s.text().contains("policy drop"))
                .singleElement().satisfies(s -> assertThat(s.sessionLine()).isEqualTo(8));
        assertThat(b.problems()).isEmpty();
    }

    @Test
    void aRuleOutsideTheIptablesSubsetIsReportedWithItsLine() {
        String text = "table ip filter {\n\tchain FORWARD {\n\t\ttype filter hook forward priority filter; policy drop;\n"
                + "\t\tip saddr @allowed accept\n\t}\n}\n";
        Parsed<List<Nftables.Table>> p = NftText.parse("nft.txt", text);
        assertThat(p.problems()).isEmpty();
        NftFacts.Facts f = NftFacts.of("nft.txt", p.value(), false, false);
        assertThat(f.problems()).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(4);
            assertThat(x.message()).contains("@allowed");
        });
        assertThat(f.chains()).singleElement().satisfies(c -> {
            assertThat(c.policy()).isEqualTo("DROP");
            assertThat(c.rules()).isEmpty();
        });
    }

    @Test
    void kubeProxyNftablesModeListingCutShortGivesTheServicesItShowsAndSaysWhichAreUnknown() {
        Parsed<List<Nftables.Table>> p = NftText.parse("nft.txt", Golden.read("real-world/net-nft-kube-proxy-k8s-training/nft.txt"));
        // nft -a: "# handle N" passed over; the author cut the listing, so the table is not closed
        assertThat(p.problems()).singleElement().satisfies(x -> assertThat(x.message()).contains("table ip kube-proxy").contains("not closed"));
        Nftables.Table t = p.value().get(0);
        assertThat(t.set("service-ips").elements()).hasSize(12);
        assertThat(t.set("cluster-ips").elements()).hasSize(6);
        assertThat(Nftables.rules(p.value())).isEqualTo(14);

        NftFacts.Facts f = NftFacts.of("nft.txt", p.value(), false, false);
        assertThat(f.services()).hasSize(12);
        VirtualServer http = f.services().stream().filter(v -> v.address().equals(SocketAddress.parse("10.255.36.158:8000"))).findFirst().orElseThrow();
        assertThat(http.scheduler()).isEqualTo("random");
        assertThat(http.reals()).extracting(VirtualServer.RealServer::address).containsExactly(SocketAddress.parse("10.244.1.71:8000"),
                SocketAddress.parse("10.244.1.72:8000"), SocketAddress.parse("10.244.1.73:8000"), SocketAddress.parse("10.244.1.76:8000"));
        VirtualServer api = f.services().stream().filter(v -> v.address().equals(SocketAddress.parse("10.255.0.1:443"))).findFirst().orElseThrow();
        assertThat(api.reals()).extracting(VirtualServer.RealServer::address).containsExactly(SocketAddress.parse("10.128.0.16:6443"));
        // the ten entries whose chains the paste does not show: each is said, at the table's line
        assertThat(f.problems()).hasSize(10).allSatisfy(x -> {
            assertThat(x.line()).isEqualTo(2);
            assertThat(x.message()).contains("is not in the output; its endpoints are unknown");
        });
    }

    @Test
    void kubeProxysVirtualServersAreWhatTheDataPlaneEvaluatesNotASecondReadingOfTheText() {
        // an endpoint rule outside kube-proxy's vocabulary: the data plane leaves it out (it never matches), so the
        // virtual server the doctor is told of has no real server behind it either, and the rule is said once
        String text = Golden.read("real-world/net-nft-kube-proxy-k8s-training/nft.txt")
                .replace("meta l4proto tcp dnat to 10.244.1.72:8000", "meta l4proto tcp ct mark 0x1 dnat to 10.244.1.72:8000");
        NftFacts.Facts f = NftFacts.of("nft.txt", NftText.parse("nft.txt", text).value(), false, false);
        assertThat(f.kubeProxy()).singleElement().satisfies(t -> assertThat(t.key()).isEqualTo("ip kube-proxy"));
        VirtualServer http = f.services().stream().filter(v -> v.address().equals(SocketAddress.parse("10.255.36.158:8000"))).findFirst().orElseThrow();
        assertThat(http.reals()).extracting(VirtualServer.RealServer::address).containsExactly(SocketAddress.parse("10.244.1.71:8000"),
                SocketAddress.parse("10.244.1.73:8000"), SocketAddress.parse("10.244.1.76:8000"));
        assertThat(f.problems()).filteredOn(x -> x.message().contains("not read")).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(77);
            assertThat(x.message()).contains("'ct' is not in kube-proxy's nftables vocabulary");
        });
    }

    @Test
    void nftDashAHandlesAreNftsOwnOutputNotCommentsSomeoneAdded() {
        String text = Golden.read("real-world/net-nft-kube-proxy-k8s-training/nft.txt");
        // 29 lines end in "# handle N"; none is a Markdown-debris note, and the rules read are the same without them
        assertThat(Transcript.of(text).notes()).isEmpty();
        assertThat(Nftables.rules(NftText.parse("nft.txt", text.replaceAll(" # handle \\d+", "")).value())).isEqualTo(14);
    }

    @Test
    void kubeProxysOwnTransactionFixtureReadsAsTheTableItBuilds() throws IOException {
        // kube-proxy's proxier_test: the "add ..." lines knftables hands to nft -f, in the order they are applied
        String text = Golden.read("real-world/net-nft-kube-proxy-transaction-k8s-proxier-test/nft.txt");
        Parsed<List<Nftables.Table>> p = NftText.parse("nft.txt", text);
        assertThat(p.problems()).isEmpty();
        Nftables.Table t = p.value().getFirst();
        assertThat(p.value()).hasSize(1);
        assertThat(t.family() + " " + t.name()).isEqualTo("ip kube-proxy");
        assertThat(t.chains()).hasSize(32);
        assertThat(Nftables.rules(p.value())).isEqualTo(57);
        // elements added service by service land in the sets declared at the top
        assertThat(t.set("cluster-ips").elements()).containsExactly("172.30.0.41", "172.30.0.42", "172.30.0.43", "172.30.0.44", "172.30.0.45", "172.30.0.46");
        assertThat(t.set("service-ips").elements()).hasSize(9);
        assertThat(t.set("service-ips").type()).isEqualTo("ipv4_addr . inet_proto . inet_service : verdict");
        assertThat(t.chain("nat-prerouting").hook()).isEqualTo("prerouting");
        assertThat(t.chain("nat-prerouting").priority()).isEqualTo("-100");

        NftFacts.Facts f = NftFacts.of("nft.txt", p.value(), false, false);
        assertThat(f.services()).hasSize(10);
        VirtualServer svc4 = f.services().stream().filter(v -> v.address().equals(SocketAddress.parse("172.30.0.44:80"))).findFirst().orElseThrow();
        assertThat(svc4.reals()).extracting(VirtualServer.RealServer::address)
                .containsExactly(SocketAddress.parse("10.180.0.4:80"), SocketAddress.parse("10.180.0.5:80"));
        VirtualServer lb = f.services().stream().filter(v -> v.address().equals(SocketAddress.parse("1.2.3.4:80"))).findFirst().orElseThrow();
        assertThat(lb.reals()).extracting(VirtualServer.RealServer::address).containsExactly(SocketAddress.parse("10.180.0.2:80"));
        VirtualServer svc6 = f.services().stream().filter(v -> v.address().equals(SocketAddress.parse("172.30.0.46:80"))).findFirst().orElseThrow();
        assertThat(svc6.reals()).isEmpty();
        // nft's input words (mark set mark or 0x4000, ip daddr { 172.30.0.0/16 }) are read; what the data plane does
        // not model (fib saddr, the affinity set's update) is said at its line
        assertThat(f.problems()).filteredOn(x -> x.message().contains("not read")).extracting(ParseProblem::line).containsExactly(73, 74, 134);

        // as kubepath read --json counts it: 57 rules, 10 virtual servers with 11 real servers between them
        BundleReader.Result r = BundleReader.read(bundle(text));
        BundleCounts.HostCounts counts = BundleCounts.of(dir, r).hosts().get("mcwk8s05");
        assertThat(counts.nftRules()).isEqualTo(57);
        assertThat(counts.virtualServers()).isEqualTo(10);
        assertThat(counts.realServers()).isEqualTo(11);
    }

    @Test
    void nftDashFStatementsApplyInOrderAndWhatIsNotReadIsSaid() {
        String text = """
                add table ip t
                add chain ip t c { type filter hook forward priority 0 ; policy drop ; }
                add rule ip t c ct state established accept
                insert rule ip t c iifname "lo" accept
                add rule ip t d drop
                add map ip t m { type ipv4_addr : verdict ; }
                add element ip t m { 10.0.0.1 : drop, 10.0.0.2 : accept }
                delete element ip t m { 10.0.0.1 : drop }
                flush chain ip t d
                delete rule ip t c handle 4
                add table ip gone
                delete table ip gone
                """;
        Parsed<List<Nftables.Table>> p = NftText.parse("nft.txt", text);
        assertThat(p.value()).singleElement().satisfies(t -> {
            assertThat(t.chain("c").policy()).isEqualTo("drop");
            assertThat(t.chain("c").rules()).extracting(Nftables.Rule::text).containsExactly("iifname \"lo\" accept", "ct state established accept");
            assertThat(t.chain("d").rules()).isEmpty();
            assertThat(t.set("m").elements()).containsExactly("10.0.0.2 : accept");
        });
        assertThat(p.problems()).extracting(ParseProblem::line).containsExactly(5, 10);
        assertThat(p.problems().get(0).message()).contains("chain d").contains("not added before");
        assertThat(p.problems().get(1).message()).contains("not read").contains("handle 4");
    }
}

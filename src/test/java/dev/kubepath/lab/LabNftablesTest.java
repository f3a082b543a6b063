package dev.kubepath.lab;

import dev.kubepath.dataplane.Verdict;
import dev.kubepath.host.linux.CommandResult;
import dev.kubepath.host.linux.Netns;
import dev.kubepath.ingest.NftFacts;
import dev.kubepath.ingest.NftText;
import dev.kubepath.ingest.Nftables;
import dev.kubepath.ingest.Parsed;
import dev.kubepath.model.NftTable;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kube-proxy's nftables mode on real nftables: the kernel's listing, read as a bundle's nft.txt is, is the table the
 * simulation holds, real traffic agrees
 * with the simulator flow by flow, and the same cluster in IPVS mode gets the same real verdicts (the lab half of
 * the differential test of the modes).
 */
class LabNftablesTest {
    @Test
    void nftablesModeRunsOnTheKernelAgreesWithTheSimulatorAndWithIpvsMode() {
        RootOnly.assume();
        Map<String, Verdict> nftables;
        try (LabCluster lab = ProxyModeLab.up("nftables")) {
            NftTable held = lab.cluster().host("n1").nftTable("ip", "kube-proxy").orElseThrow();
            CommandResult listed = lab.exec("n1", List.of("nft", "list", "table", "ip", "kube-proxy"));
            assertThat(listed.exit()).isZero();
            assertThat(listed.stdout()).contains("numgen random mod 3 vmap").contains("map service-ips").contains("goto reject-chain");
            // the kernel's listing read by the parsers a bundle's nft.txt goes through: the table applied, as facts
            // (the kernel keeps hashed elements in its own order; the comments are for people)
            Parsed<List<Nftables.Table>> text = NftText.parse("nft.txt", listed.stdout());
            assertThat(text.problems()).isEmpty();
            NftFacts.Facts back = NftFacts.of("nft.txt", text.value(), false, false);
            assertThat(back.problems()).as("nothing unread; NodePorts are only counted").singleElement()
                    .satisfies(x -> assertThat(x.message()).contains("1 NodePort(s) in service-nodeports are not modelled"));
            assertThat(back.kubeProxy()).singleElement().satisfies(t -> assertThat(t.facts()).isEqualTo(held.facts()));
            assertThat(back.services()).as("the NodePort service's three endpoints, and the service without any")
                    .anySatisfy(v -> assertThat(v.reals()).hasSize(3)).anySatisfy(v -> assertThat(v.reals()).isEmpty());
            nftables = ProxyModeLab.verifiedCurls(lab);
            // a pod calling the service without endpoints again and again is refused every time, at once: the
            // kernel's ICMP rate limit (6 a destination, then 1 a second) would have made the 7th a timeout
            Netns pod = lab.host("n1").podNamespaces().values().iterator().next();
            String orphan = ProxyModeLab.clusterIp(lab, "orphan") + ":80";
            assertThat(ProxyModeLab.curlOutcomes(pod, orphan, 12)).as("12 curls of " + orphan).containsOnly(Verdict.REFUSED);
        }
        Map<String, Verdict> ipvs = ProxyModeLab.ipvsCurls();
        assertThat(nftables).as("real verdicts, nftables vs IPVS mode").isEqualTo(ipvs);
    }
}

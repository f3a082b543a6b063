package dev.kubepath.lab;

import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.ingest.NftFacts;
import dev.kubepath.ingest.NftText;
import dev.kubepath.ingest.Nftables;
import dev.kubepath.ingest.Parsed;
import dev.kubepath.model.Chain;
import dev.kubepath.model.Host;
import dev.kubepath.model.VirtualServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real nft's listing of the lab's hosts (src/test/resources/real/nft/HOST/nft.txt, captured by
 * scripts/capture-nft-goldens.sh from `kubepath lab up seed`) reads back into the facts the lab programmed: the same
 * scenario run in the simulation (the control plane both share) gives each host's virtual servers and filter
 * chains, and nft.txt read by the ingest parser gives the same ones.
 */
class NftRoundTripTest {
    private static final Path DIR = Path.of("src/test/resources/real/nft");

    /** The seed scenario as `kubepath lab up seed` builds it (LabScenario), on simulated hosts. */
    private static SimCluster seed() {
        SimCluster c = SimCluster.embedded(SeedCluster.spec(LabScenario.START));
        SeedCluster.incident(c);
        return c;
    }

    private static NftFacts.Facts read(String host) throws IOException {
        Parsed<List<Nftables.Table>> p = NftText.parse("nft.txt", Files.readString(DIR.resolve(host).resolve("nft.txt")));
        assertThat(p.problems()).as(host + ": the lab's listing reads cleanly").isEmpty();
        NftFacts.Facts f = NftFacts.of("nft.txt", p.value(), false, false);
        assertThat(f.problems()).as(host).isEmpty();
        return f;
    }

    private static Set<String> services(List<VirtualServer> vs) {
        return vs.stream().map(v -> v.protocol() + " " + v.address() + " " + v.scheduler() + " -> "
                + v.reals().stream().map(r -> r.address().toString()).sorted().toList()).collect(Collectors.toSet());
    }

    private static Set<String> rules(Chain c) {
        return c.rules().stream().map(r -> r.match() + " " + r.target()).collect(Collectors.toSet());
    }

    @Test
    void eachHostsNftListingGivesTheVirtualServersAndFilterChainsTheLabProgrammed() throws IOException {
        SimCluster c = seed();
        int services = 0;
        for (String name : List.of(SeedCluster.MASTER, SeedCluster.NODE05, SeedCluster.NODE06)) {
            Host expected = c.host(name);
            NftFacts.Facts f = read(name);
            List<VirtualServer> vs = f.services() == null ? List.of() : f.services();
            assertThat(services(vs)).as(name + " virtual servers").isEqualTo(services(expected.virtualServers()));
            services += vs.size();
            List<Chain> filter = expected.chains().stream().filter(x -> x.table().equals("filter")).toList();
            assertThat(f.chains()).as(name).extracting(Chain::name).containsExactlyInAnyOrderElementsOf(filter.stream().map(Chain::name).toList());
            for (Chain want : filter) {
                Chain got = f.chains().stream().filter(x -> x.name().equals(want.name())).findFirst().orElseThrow();
                assertThat(got.policy()).as(name + " " + want.name()).isEqualTo(want.policy());
                assertThat(rules(got)).as(name + " " + want.name()).isEqualTo(rules(want));
            }
        }
        // the NodePort on both nodes' addresses, the ClusterIP, and the kubernetes service without endpoints
        assertThat(services).isGreaterThanOrEqualTo(5);
    }
}

package dev.kubepath.lab;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.flannel.etcd.EtcdProcess;
import dev.kubepath.host.linux.CommandResult;
import dev.kubepath.model.NftListing;
import dev.kubepath.model.NftTable;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kube-proxy's nftables mode on real nftables: the kernel lists the table the simulation holds, real traffic agrees
 * with the simulator flow by flow, and the same cluster in IPVS mode gets the same real verdicts (the lab half of
 * the differential test of the modes).
 */
class LabNftablesTest {
    @Test
    void nftablesModeRunsOnTheKernelAgreesWithTheSimulatorAndWithIpvsMode() {
        RootOnly.assume();
        LabCluster.RegistryKind kind = EtcdProcess.available() ? LabCluster.RegistryKind.ETCD : LabCluster.RegistryKind.EMBEDDED;
        Map<String, Verdict> nftables = new LinkedHashMap<>();
        try (LabCluster lab = LabScenario.up(ClusterFile.load(Path.of("src/test/resources/cluster-files/lab-nftables.yaml")), kind)) {
            NftTable held = lab.cluster().host("n1").nftTable("ip", "kube-proxy").orElseThrow();
            CommandResult listed = lab.exec("n1", List.of("nft", "list", "table", "ip", "kube-proxy"));
            assertThat(listed.exit()).isZero();
            // the kernel keeps hashed elements in its own order: the same lines, possibly in another order
            assertThat(lines(listed.stdout())).isEqualTo(lines(NftListing.render(List.of(held))));
            assertThat(listed.stdout()).contains("numgen random mod 3 vmap").contains("map service-ips").contains("goto reject-chain");
            LabVerify.Report r = LabVerify.run(lab);
            assertThat(r.disagreements()).as(r.table()).isEmpty();
            assertThat(r.rows()).anySatisfy(row -> {
                assertThat(row.to()).isEqualTo("192.168.20.12:30080");
                assertThat(row.real()).isEqualTo(Verdict.DELIVERED);
            });
            assertThat(r.rows()).as("the service without endpoints is rejected for real").anySatisfy(row -> assertThat(row.real()).isEqualTo(Verdict.REFUSED));
            for (LabVerify.Row row : curls(r)) nftables.put(row.from() + " " + row.kind() + " " + row.to(), row.real());
        }
        Map<String, Verdict> ipvs = new LinkedHashMap<>();
        try (LabCluster lab = LabScenario.up(ClusterFile.load(Path.of("src/test/resources/cluster-files/lab-ipvs.yaml")), kind)) {
            for (LabVerify.Row row : curls(LabVerify.run(lab))) ipvs.put(row.from() + " " + row.kind() + " " + row.to(), row.real());
        }
        assertThat(nftables).as("real verdicts, nftables vs IPVS mode").isEqualTo(ipvs);
    }

    /** The curls (services and pods); the pings of docker0 depend on ctl's lease, which each run picks anew. */
    static List<LabVerify.Row> curls(LabVerify.Report r) {
        return r.rows().stream().filter(row -> row.kind().equals("curl")).toList();
    }

    private static TreeSet<String> lines(String listing) {
        TreeSet<String> out = new TreeSet<>();
        for (String l : listing.split("\n")) {
            for (String part : l.replace("elements = {", "").replace("}", "").split(",")) if (!part.isBlank()) out.add(part.strip());
        }
        return out;
    }
}

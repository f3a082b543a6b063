package dev.kubepath.lab;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.net.Ipv4;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * flannel's host-gw and VXLAN DirectRouting backends crossed with kube-proxy's iptables and nftables modes on the
 * kernel (IPVS mode with both backends: LabKubeFlannelTest; plain VXLAN with the three modes: LabIptablesTest,
 * LabNftablesTest): host-gw.yaml and direct-routing.yaml, three hosts with c behind a router, in each mode. lab
 * verify equals the simulation on every flow (curls of the services and pods, the DNS queries, pings of the bridges),
 * the service answers for real from a and b; across the router (the lab's underlay namespace routes between the
 * subnets) a's ping of c's bridge crosses with VXLAN and fails with host-gw, both ways.
 */
class LabBackendProxyModeTest {
    @ParameterizedTest(name = "{0} with kube-proxy in {1} mode")
    @CsvSource({"host-gw, iptables", "host-gw, nftables", "direct-routing, iptables", "direct-routing, nftables"})
    void backendAndProxyModeAgreeWithTheSimulatorOnEveryFlow(String backend, String mode) {
        RootOnly.assume();
        try (LabCluster lab = LabScenario.up(file(backend, mode), LabCluster.RegistryKind.EMBEDDED)) {
            // the backend's route to a peer on the same subnet, and the mode's rules, as the kernel holds them
            assertThat(lab.exec("a", List.of("ip", "route", "show", "10.244.11.0/24")).stdout()).contains("via 192.168.40.11 dev eth0");
            String rules = mode.equals("iptables") ? lab.exec("a", List.of("iptables-save", "-t", "nat")).stdout()
                    : lab.exec("a", List.of("nft", "list", "table", "ip", "kube-proxy")).stdout();
            assertThat(rules).as(mode + " rules on a").contains(mode.equals("iptables") ? "-A KUBE-SERVICES" : "map service-ips");
            LabVerify.Report r = LabVerify.run(lab);
            assertThat(r.disagreements()).as(r.table()).isEmpty();
            Ipv4 web = lab.cluster().api().service("default", "web").orElseThrow().clusterIp();
            assertThat(r.rows()).as(r.table()).filteredOn(row -> row.to().equals(web + ":80") && !row.from().equals("c") && !row.from().startsWith("c/"))
                    .as("from a, b and a pod of each").hasSize(4).allSatisfy(row -> assertThat(row.real()).isEqualTo(Verdict.DELIVERED));
            // c is behind the router: host-gw has no route to its subnet, VXLAN crosses the router (UDP via the gateway)
            Verdict acrossTheRouter = backend.equals("host-gw") ? Verdict.TIMEOUT : Verdict.DELIVERED;
            assertThat(r.rows()).as("a's ping of c's bridge: c is not on a's subnet").filteredOn(row -> row.from().equals("a") && row.kind().equals("ping")
                    && row.to().startsWith("10.244.12.")).singleElement().satisfies(row -> assertThat(row.real()).isEqualTo(acrossTheRouter));
        }
    }

    /** The cluster file with its kubeProxy line set to {@code mode} (both files are written for IPVS mode). */
    static ClusterFile file(String backend, String mode) {
        Path path = Path.of("src/test/resources/cluster-files/" + backend + ".yaml");
        try {
            String text = Files.readString(path);
            assertThat(text).contains("kubeProxy: ipvs\n");
            return ClusterFile.parse(path.toString(), text.replace("kubeProxy: ipvs\n", "kubeProxy: " + mode + "\n"), path.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

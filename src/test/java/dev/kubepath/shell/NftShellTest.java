package dev.kubepath.shell;

import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.proxy.ProxyMode;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code nft list ...} on a simulated node whose kube-proxy runs in nftables mode. */
class NftShellTest {
    @Test
    void nftListsKubeProxysTableOnANodeAndNothingWhereThereIsNone() {
        SimCluster c = SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z"), ProxyMode.NFTABLES));
        SeedCluster.bootHealthy(c);
        SeedCluster.deploy(c, SeedCluster.NODE_PORT_BEFORE);
        SimShell shell = new SimShell(c, SeedCluster.NODE06);
        String ruleset = shell.run("nft list ruleset");
        assertThat(ruleset).startsWith("table ip kube-proxy {\n").contains("\tmap service-ips {\n")
                .contains(SeedCluster.CLUSTER_IP + " . tcp . 2024 : goto service-")
                .contains("tcp . " + SeedCluster.NODE_PORT_BEFORE + " : goto external-")
                .contains("meta l4proto tcp dnat to 172.17.98.13:20000");
        assertThat(shell.run("nft list tables")).isEqualTo("table ip kube-proxy\n");
        assertThat(shell.run("nft list table ip kube-proxy | grep -c 'chain endpoint-'")).isEqualTo("1\n");
        assertThat(shell.run("nft list table ip nat")).startsWith("Error: No such file or directory\nlist table ip nat\n");
        assertThat(shell.status()).isEqualTo(1);
        // the master runs no kube-proxy: an empty ruleset, as nft prints it
        assertThat(new SimShell(c, SeedCluster.MASTER).run("nft list ruleset")).isEmpty();
    }
}

package dev.kubepath.shell;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Host commands of the toolbox whose format has its own golden elsewhere, answered from the simulated hosts. */
class ShellToolboxTest {
    static final String CONFLIST = "/etc/cni/net.d/10-flannel.conflist";

    private static SimShell shell(boolean containerd) {
        return shell(containerd, false);
    }

    /** The healthy seed on mcwk8s05 (kube-proxy in IPVS mode); {@code deployed}: with the seed's service and pod. */
    private static SimShell shell(boolean containerd, boolean deployed) {
        SimCluster cluster = SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z")));
        if (containerd) cluster.useContainerd();
        SeedCluster.bootHealthy(cluster);
        if (deployed) SeedCluster.deploy(cluster, SeedCluster.NODE_PORT_BEFORE);
        return new SimShell(cluster, SeedCluster.NODE05);
    }

    /**
     * Where containerd runs pods through flannel's CNI plugin, the conflist is the cni-conf.json of flannel's own
     * manifest (src/test/resources/shell/cni, SOURCE.md), which install-cni copies; under docker there is none.
     */
    @Test
    void theConflistIsTheOneFlannelsManifestInstalls() throws IOException {
        JsonNode cm = new ObjectMapper(new YAMLFactory()).readTree(Path.of("src/test/resources/shell/cni/kube-flannel-cfg.yaml").toFile());
        assertThat(shell(true).run("cat " + CONFLIST)).isEqualTo(cm.get("data").get("cni-conf.json").asText());
        assertThat(shell(false).run("cat " + CONFLIST)).isEqualTo("cat: " + CONFLIST + ": No such file or directory\n");
    }

    /**
     * {@code ip addr show DEV} prints that device's block of the whole listing, index included, as iproute2 does;
     * an unknown device is iproute2's one line.
     */
    @Test
    void ipAddrShowDevPrintsThatDevicesBlockOnly() {
        SimShell shell = shell(false);
        String all = shell.run("ip addr");
        for (String dev : List.of("flannel.1", "docker0", "eth0")) {
            String one = shell.run("ip addr show " + dev);
            assertThat(one).containsPattern("^\\d+: " + java.util.regex.Pattern.quote(dev) + ": ").contains(" " + dev + "\n");
            assertThat(all).contains(one);
            assertThat(one.lines().filter(l -> l.matches("\\d+: .*")).count()).isEqualTo(1);
            assertThat(shell.run("ip a s dev " + dev)).isEqualTo(one);
            assertThat(shell.run("ip -br addr show " + dev)).startsWith(dev + " ").hasLineCount(1);
        }
        assertThat(shell.run("ip addr show nosuch0")).isEqualTo("Device \"nosuch0\" does not exist.\n");
        assertThat(shell.run("ip addr flush dev eth0")).isEqualTo("Command \"flush\" is unknown, try \"ip address help\".\n");
    }

    /** --stats and --rate list the same services and destinations as -Ln, with ipvsadm's zero counters. */
    @Test
    void ipvsadmStatsListTheServicesOfTheListing() {
        SimShell shell = shell(false);
        long services = shell.run("ipvsadm -Ln").lines().filter(l -> l.startsWith("TCP") || l.startsWith("UDP")).count();
        assertThat(services).isPositive();
        for (String option : new String[]{"--stats", "--rate"}) {
            String out = shell.run("ipvsadm -Ln " + option);
            assertThat(out.lines().filter(l -> l.startsWith("TCP") || l.startsWith("UDP")).count()).as(option).isEqualTo(services);
            assertThat(out.lines().skip(3).toList()).as(option).isNotEmpty()
                    .allMatch(l -> l.length() == 33 + 5 * 9 && l.endsWith("        0        0        0        0        0"));
        }
        assertThat(shell.run("ipvsadm -Ln --rate").lines().skip(1).findFirst().orElseThrow())
                .isEqualTo("Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS");
        assertThat(shell.run("ipvsadm -Lnc")).isEqualTo(Conntrack.IPVS_HEADER); // no probe has made a connection yet
    }

    /**
     * kube-proxy in IPVS mode keeps its ipsets on the node: KUBE-CLUSTER-IP holds every ClusterIP,protocol:port that
     * ipvsadm serves, and follows a deleted service.
     */
    @Test
    void kubeProxysIpsetsFollowItsVirtualServers() {
        SimShell shell = shell(false, true);
        assertThat(clusterIpMembers(shell)).isNotEmpty().isEqualTo(clusterIpServers(shell));
        assertThat(clusterIpMembers(shell)).anyMatch(m -> m.startsWith("10.2.0.1,tcp:443"));
        String gone = clusterIpMembers(shell).stream().filter(m -> !m.startsWith("10.2.0.1,")).findFirst().orElseThrow();
        assertThat(gone).startsWith("10.2.0.155,tcp:2024");
        shell.run("kubectl delete svc mcwtest-svc");
        assertThat(clusterIpMembers(shell)).doesNotContain(gone).isEqualTo(clusterIpServers(shell));
    }

    private static java.util.Set<String> clusterIpMembers(SimShell shell) {
        String out = shell.run("ipset list KUBE-CLUSTER-IP");
        return new java.util.TreeSet<>(out.lines().dropWhile(l -> !l.equals("Members:")).skip(1).filter(l -> !l.isBlank()).toList());
    }

    private static java.util.Set<String> clusterIpServers(SimShell shell) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (String l : shell.run("ipvsadm -Ln").lines().toList()) {
            String[] w = l.split(" +");
            if (!w[0].equals("TCP") && !w[0].equals("UDP") || !w[1].startsWith("10.2.")) continue;
            String[] hp = w[1].split(":");
            out.add(hp[0] + "," + w[0].toLowerCase(java.util.Locale.ROOT) + ":" + hp[1]);
        }
        return out;
    }
}

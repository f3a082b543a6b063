package dev.kubepath.cluster;

import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Probe;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.flannel.kube.KubeAnnotations;
import dev.kubepath.flannel.kube.KubeNodes;
import dev.kubepath.ingest.LeasesText;
import dev.kubepath.ingest.Parsed;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Link;
import dev.kubepath.model.Pod;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.SocketAddress;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * scenarios/k3s-like.yaml run with flanneld --kube-subnet-mgr: the controller manager's podCIDRs are the subnets, the
 * node annotations are the leases, written with flannel's names and values, and read back from
 * {@code kubectl get nodes -o json} by the ingest parser as the same leases.
 */
class KubeSubnetManagerTest {
    static final Path K3S = Path.of("scenarios/k3s-like.yaml");

    static ClusterRun booted() {
        ClusterRun run = ClusterRun.simulated(ClusterFile.load(K3S), e -> { });
        run.boot();
        return run;
    }

    @Test
    void theControllerManagerAllocatesPodCidrsAndFlanneldAnnotatesEachNodeAsFlannelDoes() {
        SimCluster c = booted().cluster();
        KubeNodes kube = (KubeNodes) c.registry();
        assertThat(kube.nodes()).extracting(KubeNodes.NodeObject::podCidr).containsExactly(
                Prefix.parse("10.42.1.0/24"), Prefix.parse("10.42.2.0/24"), Prefix.parse("10.42.0.0/24")); // by name; server registered first
        for (KubeNodes.NodeObject n : kube.nodes()) {
            Link vtep = c.host(n.name()).link("flannel.1").orElseThrow();
            assertThat(n.annotations()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "flannel.alpha.coreos.com/backend-data", "{\"VNI\":1,\"VtepMAC\":\"" + vtep.mac() + "\"}",
                    "flannel.alpha.coreos.com/backend-type", "vxlan",
                    "flannel.alpha.coreos.com/kube-subnet-manager", "true",
                    "flannel.alpha.coreos.com/public-ip", c.hostSpec(n.name()).ip().toString()));
            assertThat(c.subnetEnv(n.name()).orElseThrow().subnet()).as("subnet.env follows the podCIDR").isEqualTo(n.podCidr());
        }
    }

    @Test
    void leasesReadFromKubectlGetNodesJsonEqualWhatTheAgentsWrote() {
        SimCluster c = booted().cluster();
        KubeNodes kube = (KubeNodes) c.registry();
        String json = KubeObjects.nodesJson(c.api(), kube);
        Parsed<List<Lease>> read = LeasesText.parse("nodes.json", json);
        assertThat(read.problems()).isEmpty();
        Comparator<Lease> bySubnet = Comparator.comparing(Lease::subnet);
        assertThat(read.value().stream().sorted(bySubnet).toList())
                .isEqualTo(kube.getLeases().leases().stream().sorted(bySubnet).toList())
                .hasSize(3);
    }

    @Test
    void publicIpOverwriteIsWhatFlanneldAnnouncesAndWhatPeersRouteTo() {
        ClusterRun run = ClusterRun.simulated(ClusterFile.load(K3S), e -> { });
        run.boot();
        SimCluster c = run.cluster();
        KubeNodes kube = (KubeNodes) c.registry();
        kube.annotate("agent2", KubeAnnotations.PUBLIC_IP_OVERWRITE, "192.168.30.99");
        c.systemctl("agent2", "restart", "flanneld");
        assertThat(kube.node("agent2").orElseThrow().annotations()).containsEntry(KubeAnnotations.PUBLIC_IP, "192.168.30.99");
        Prefix sub = kube.node("agent2").orElseThrow().podCidr();
        assertThat(c.host("agent1").fdb()).anyMatch(f -> Ipv4.parse("192.168.30.99").equals(f.dst()));
        assertThat(kube.getLease(sub).orElseThrow().publicIp()).isEqualTo(Ipv4.parse("192.168.30.99"));
    }

    @Test
    void podsAcrossTheOverlayAnswer() {
        SimCluster c = booted().cluster();
        for (Pod p : c.api().pods()) {
            if (!p.namespace().equals("default")) continue; // the web pods; CoreDNS serves 53, not 80
            var trace = new DataPlane(c.snapshot()).trace("server", new Probe.Curl(new SocketAddress(p.ip(), 80)));
            assertThat(trace.verdict()).as(p.key() + " on " + p.node()).isEqualTo(Verdict.DELIVERED);
        }
    }
}

package dev.kubepath.cluster;

import dev.kubepath.host.SimulatedHost;
import dev.kubepath.model.IfAddress;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.proxy.Ipvsadm;
import dev.kubepath.proxy.ProxyMode;
import dev.kubepath.proxy.ServiceProxy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The seed's mcwk8s05 after the fix, built from the control plane: its ipvsadm shows the seed's lines. */
class SeedAfterFixTest {
    @Test
    void controlPlaneRuntimeAndProxyTogetherGiveTheSeedsIpvsTable() {
        ApiServer api = ApiServerTest.seedApi(1);
        List<HasMetadata> objs = ManifestsTest.seedManifests();
        api.createDeployment((io.fabric8.kubernetes.api.model.apps.Deployment) objs.get(0));
        api.createService(ApiServerTest.seedService(objs, "10.2.0.155", 33958));
        String node = api.pods().getFirst().node();
        SimulatedHost host = DockerRuntimeTest.node05();
        DockerRuntime docker = new DockerRuntime(host, ContainerTable.of(host), new Random(5));
        docker.pinAddress(api.pods().getFirst().key(), Ipv4.parse("172.17.89.10"));
        docker.start(BridgeOptions.of("172.17.89.1/24", 1450));
        new Kubelet(node, api, docker).sync();

        ServiceProxy proxy = new ServiceProxy(host, ProxyMode.IPVS, Prefix.parse("172.17.0.0/16"));
        proxy.sync(api.services(), api.endpoints());
        List<String> lines = Ipvsadm.listNumeric(host.read().virtualServers()).lines().map(String::stripTrailing).toList();
        assertThat(lines).containsSubsequence("TCP  10.2.0.155:2024 rr", "  -> 172.17.89.10:20000           Masq    1      0          0");
        assertThat(lines).contains("TCP  10.0.0.35:33958 rr", "TCP  172.17.89.1:33958 rr", "TCP  10.2.0.1:443 rr");
        assertThat(host.read().addresses()).contains(new IfAddress("kube-ipvs0", Ipv4.parse("10.2.0.155"), 32),
                new IfAddress("kube-ipvs0", Ipv4.parse("10.2.0.1"), 32));
    }
}

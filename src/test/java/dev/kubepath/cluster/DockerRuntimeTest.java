package dev.kubepath.cluster;

import dev.kubepath.host.SimulatedHost;
import dev.kubepath.model.Chain;
import dev.kubepath.model.Container;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Link;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Pod;
import dev.kubepath.model.Route;
import dev.kubepath.model.Rule;
import dev.kubepath.model.Socket;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class DockerRuntimeTest {
    static SimulatedHost node05() {
        Prefix net = Prefix.parse("172.17.0.0/16");
        return new SimulatedHost(Host.builder("mcwk8s05")
                .link(new Link("eth0", new LinkKind.Ethernet(), 1500, Mac.parse("00:0c:29:00:00:35"), true, null))
                .address(new IfAddress("eth0", Ipv4.parse("10.0.0.35"), 24))
                // flannel's accept rule is already in FORWARD: docker must keep it.
                .chain(new Chain("filter", "FORWARD", "ACCEPT", List.of(new Rule("FORWARD",
                        Rule.Match.ANY.withSrc(net, false), new Rule.Target.Accept(), null, null))))
                .build());
    }

    static final DockerRuntime.PodSpecOnHost SEED_POD = new DockerRuntime.PodSpecOnHost("default",
            "mcwtest-deploy-6465665557-g9zjd", new Workload(List.of(20000), java.util.Map.of(), Workload.PYTHON2_SERVER));

    @Test
    void startCreatesDocker0FromSubnetEnvAndPodsGetAddressesOnIt() {
        SimulatedHost host = node05();
        DockerRuntime docker = new DockerRuntime(host, ContainerTable.of(host), new Random(1));
        docker.start(BridgeOptions.of("172.17.98.1/24", 1450));
        Host h = host.read();
        Link docker0 = h.link("docker0").orElseThrow();
        assertThat(docker0.kind()).isInstanceOf(LinkKind.Bridge.class);
        assertThat(docker0.mtu()).isEqualTo(1450);
        assertThat(docker0.mac().toString()).startsWith("02:42:");
        assertThat(h.addresses()).contains(new IfAddress("docker0", Ipv4.parse("172.17.98.1"), 24));
        assertThat(h.routes()).extracting(Route::describe).contains("172.17.98.0/24 dev docker0 scope link src 172.17.98.1");
        Chain forward = h.chain("filter", "FORWARD").orElseThrow();
        assertThat(forward.policy()).isEqualTo("DROP");
        assertThat(forward.rules()).extracting(Rule::describe).containsExactly(
                "-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
                "-A FORWARD -i docker0 ! -o docker0 -j ACCEPT",
                "-A FORWARD -i docker0 -o docker0 -j ACCEPT",
                "-A FORWARD -s 172.17.0.0/16 -j ACCEPT");

        docker.pinAddress(SEED_POD.key(), Ipv4.parse("172.17.98.13"));
        Container c = docker.runPod(SEED_POD).orElseThrow();
        assertThat(c.ip()).isEqualTo(Ipv4.parse("172.17.98.13"));
        assertThat(c.mac()).isEqualTo(Mac.parse("02:42:ac:11:62:0d"));
        assertThat(c.listeners()).containsExactly(new Socket(Protocol.TCP, Ipv4.ANY, 20000, "python2"));
        assertThat(c.server()).isEqualTo("SimpleHTTP/0.6 Python/2.7.18");
        assertThat(host.read().containers()).containsExactly(c);

        var other = new DockerRuntime.PodSpecOnHost("default", "other", new Workload(List.of(80), java.util.Map.of(), null));
        assertThat(docker.runPod(other).orElseThrow().ip()).isEqualTo(Ipv4.parse("172.17.98.2"));
    }

    @Test
    void aFullDocker0LeavesTheNextPodWaitingAndAFreedAddressIsTakenAgain() {
        SimulatedHost host = node05();
        DockerRuntime docker = new DockerRuntime(host, ContainerTable.of(host), new Random(1));
        docker.start(BridgeOptions.of("10.244.0.13/30", 1450)); // SubnetLen 30: .13 is docker0's, .14 the one pod's
        assertThat(docker.runPod(pod("a")).orElseThrow().ip()).isEqualTo(Ipv4.parse("10.244.0.14"));
        assertThat(docker.runPod(pod("b"))).isEmpty();
        assertThat(docker.podKeys()).contains("default/b");
        docker.removePod("default/a");
        assertThat(docker.runPod(pod("b")).orElseThrow().ip()).isEqualTo(Ipv4.parse("10.244.0.14"));
    }

    private static DockerRuntime.PodSpecOnHost pod(String name) {
        return new DockerRuntime.PodSpecOnHost("default", name, new Workload(List.of(80), java.util.Map.of(), Workload.PYTHON2_SERVER));
    }

    @Test
    void docker0KeepsItsSubnetUntilDockerRestartsThenPodsMove() {
        SimulatedHost host = node05();
        DockerRuntime docker = new DockerRuntime(host, ContainerTable.of(host), new Random(1));
        docker.start(BridgeOptions.of("172.17.98.1/24", 1450));
        docker.runPod(SEED_POD);
        Mac mac = host.read().link("docker0").orElseThrow().mac();

        // flanneld took a new lease (subnet.env now says 172.17.89.1/24) but docker was not restarted.
        docker.start(BridgeOptions.of("172.17.89.1/24", 1450));
        assertThat(host.read().addresses()).contains(new IfAddress("docker0", Ipv4.parse("172.17.98.1"), 24));
        assertThat(docker.container(SEED_POD.key()).orElseThrow().ip()).isEqualTo(Ipv4.parse("172.17.98.2"));

        docker.pinAddress(SEED_POD.key(), Ipv4.parse("172.17.89.10"));
        docker.restart(BridgeOptions.of("172.17.89.1/24", 1450));
        Host h = host.read();
        assertThat(h.addresses()).filteredOn(a -> a.dev().equals("docker0"))
                .containsExactly(new IfAddress("docker0", Ipv4.parse("172.17.89.1"), 24));
        assertThat(h.routes()).extracting(Route::describe)
                .contains("172.17.89.0/24 dev docker0 scope link src 172.17.89.1")
                .noneMatch(r -> r.startsWith("172.17.98.0/24"));
        assertThat(h.link("docker0").orElseThrow().mac()).isEqualTo(mac);
        assertThat(h.containers()).singleElement().extracting(Container::ip).isEqualTo(Ipv4.parse("172.17.89.10"));
        assertThat(h.chain("filter", "FORWARD").orElseThrow().rules()).as("a restart adds docker's rules once").hasSize(4);
    }

    @Test
    void kubeletMovesEndpointsWhenDockerRecreatesThePod() {
        SimulatedHost host = node05();
        ApiServer api = ApiServerTest.seedApi(11);
        api.removeNode("mcwk8s06");
        api.apply(ManifestsTest.seedManifests());
        DockerRuntime docker = new DockerRuntime(host, ContainerTable.of(host), new Random(2));
        Kubelet kubelet = new Kubelet("mcwk8s05", api, docker);
        docker.start(BridgeOptions.of("172.17.98.1/24", 1450));
        Pod pod = api.pods().getFirst();
        docker.pinAddress(pod.key(), Ipv4.parse("172.17.98.13"));
        kubelet.sync();
        assertThat(ApiServerTest.endpointsOf(api).addresses()).extracting(a -> a.ip().toString()).containsExactly("172.17.98.13");
        assertThat(api.pods().getFirst().phase()).isEqualTo("Running");

        docker.stop();
        kubelet.sync();
        assertThat(ApiServerTest.endpointsOf(api).addresses()).isEmpty();
        assertThat(host.read().containers()).isEmpty();

        docker.pinAddress(pod.key(), Ipv4.parse("172.17.89.10"));
        docker.start(BridgeOptions.of("172.17.89.1/24", 1450));
        kubelet.sync();
        assertThat(ApiServerTest.endpointsOf(api).addresses()).extracting(a -> a.ip().toString()).containsExactly("172.17.89.10");
        assertThat(api.pods().getFirst().restarts()).isEqualTo(1);

        api.deleteDeployment("default", "mcwtest-deploy");
        kubelet.sync();
        assertThat(host.read().containers()).isEmpty();
    }
}

package dev.kubepath.cluster;

import dev.kubepath.model.Endpoints;
import dev.kubepath.model.Node;
import dev.kubepath.model.Pod;
import dev.kubepath.model.Service;
import dev.kubepath.net.Ipv4;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiServerTest {
    static ApiServer seedApi(long seed) {
        ApiServer api = new ApiServer(ApiServer.Config.seedCluster(seed));
        api.addNode(new Node("mcwk8s05", Ipv4.parse("10.0.0.35"), true, null, "v1.15.12"));
        api.addNode(new Node("mcwk8s06", Ipv4.parse("10.0.0.36"), true, null, "v1.15.12"));
        return api;
    }

    static io.fabric8.kubernetes.api.model.Service seedService(List<HasMetadata> objs, String clusterIp, Integer nodePort) {
        io.fabric8.kubernetes.api.model.Service s = new ServiceBuilder((io.fabric8.kubernetes.api.model.Service) objs.get(1))
                .editSpec().withClusterIP(clusterIp).endSpec().build();
        s.getSpec().getPorts().getFirst().setNodePort(nodePort);
        return s;
    }

    @Test
    void applyingTheSeedManifestCreatesOnePodNamedLikeADeploymentsPod() {
        ApiServer api = seedApi(1);
        assertThat(api.apply(ManifestsTest.seedManifests()))
                .containsExactly("deployment.apps/mcwtest-deploy created", "service/mcwtest-svc created");
        assertThat(api.pods()).singleElement().satisfies(p -> {
            assertThat(p.name()).matches("mcwtest-deploy-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}");
            assertThat(p.node()).isEqualTo("mcwk8s05"); // no pods anywhere yet: the first node by name
            assertThat(p.labels()).containsEntry("app", "mcwpython").containsKey("pod-template-hash");
            assertThat(p.phase()).isEqualTo("Pending");
        });
        // Same seed, same names.
        ApiServer again = seedApi(1);
        again.apply(ManifestsTest.seedManifests());
        assertThat(again.pods()).extracting(Pod::name).isEqualTo(api.pods().stream().map(Pod::name).toList());
    }

    @Test
    void clusterIpAllocationKubernetesGetsFirstAndPinsAreHonoured() {
        ApiServer api = seedApi(7);
        assertThat(api.service("default", "kubernetes")).get().extracting(Service::clusterIp).isEqualTo(Ipv4.parse("10.2.0.1"));
        Service pinned = api.createService(seedService(ManifestsTest.seedManifests(), "10.2.0.155", 41527));
        assertThat(pinned.clusterIp()).isEqualTo(Ipv4.parse("10.2.0.155"));
        assertThat(pinned.ports().getFirst().nodePort()).isEqualTo(41527);
        assertThat(pinned.ports().getFirst().targetPort()).isEqualTo(20000);

        var other = new ServiceBuilder().withNewMetadata().withName("other").endMetadata()
                .withNewSpec().addNewPort().withPort(80).withTargetPort(new IntOrString(8080)).endPort()
                .withSelector(java.util.Map.of("app", "x")).endSpec().build();
        Service allocated = api.createService(other);
        assertThat(dev.kubepath.net.Prefix.parse("10.2.0.0/24").contains(allocated.clusterIp())).isTrue();
        assertThat(allocated.clusterIp()).isNotIn(Ipv4.parse("10.2.0.1"), Ipv4.parse("10.2.0.155"), Ipv4.parse("10.2.0.0"), Ipv4.parse("10.2.0.255"));
        assertThat(allocated.ports().getFirst().nodePort()).isZero();

        var clash = new ServiceBuilder(other).editMetadata().withName("clash").endMetadata()
                .editSpec().withClusterIP("10.2.0.155").endSpec().build();
        assertThatThrownBy(() -> api.createService(clash)).hasMessageContaining("provided IP is already allocated");
        var outside = new ServiceBuilder(other).editMetadata().withName("outside").endMetadata()
                .editSpec().withClusterIP("10.3.0.5").endSpec().build();
        assertThatThrownBy(() -> api.createService(outside)).hasMessageContaining("not in the valid range");
    }

    @Test
    void nodePortsComeFromTheConfiguredRangeAndChangeWhenTheServiceIsRecreated() {
        ApiServer api = seedApi(42);
        Service first = api.createService(seedService(ManifestsTest.seedManifests(), "10.2.0.155", null));
        int port1 = first.ports().getFirst().nodePort();
        assertThat(port1).isBetween(30000, 50000);
        api.deleteService("default", "mcwtest-svc");
        Service second = api.createService(seedService(ManifestsTest.seedManifests(), "10.2.0.155", null));
        int port2 = second.ports().getFirst().nodePort();
        assertThat(port2).isBetween(30000, 50000).isNotEqualTo(port1);

        // Reproducible: the same seed and the same steps give the same ports.
        ApiServer replay = seedApi(42);
        assertThat(replay.createService(seedService(ManifestsTest.seedManifests(), "10.2.0.155", null)).ports().getFirst().nodePort()).isEqualTo(port1);

        // The seed's own numbers, pinned: 41527, then 33958 after re-creation.
        ApiServer seed = seedApi(1);
        assertThat(seed.createService(seedService(ManifestsTest.seedManifests(), "10.2.0.155", 41527)).ports().getFirst().nodePort()).isEqualTo(41527);
        var taken = new ServiceBuilder(seedService(ManifestsTest.seedManifests(), null, 41527)).editMetadata().withName("b").endMetadata().build();
        assertThatThrownBy(() -> seed.createService(taken)).hasMessageContaining("spec.ports[0].nodePort: Invalid value: 41527: provided port is already allocated");
        seed.deleteService("default", "mcwtest-svc");
        assertThat(seed.createService(seedService(ManifestsTest.seedManifests(), "10.2.0.155", 33958)).ports().getFirst().nodePort()).isEqualTo(33958);
        assertThatThrownBy(() -> seed.createService(new ServiceBuilder(taken).editMetadata().withName("c").endMetadata().build()
                        .toBuilder().editSpec().editFirstPort().withNodePort(60000).endPort().endSpec().build()))
                .hasMessageContaining("The range of valid ports is 30000-50000");
    }

    @Test
    void schedulingSpreadsByPodCountThenNameAndHonoursPins() {
        ApiServer api = seedApi(3);
        Deployment d = (Deployment) ManifestsTest.seedManifests().getFirst();
        api.createDeployment(new DeploymentBuilder(d).editSpec().withReplicas(3).endSpec().build());
        assertThat(api.pods()).extracting(Pod::node).containsExactly("mcwk8s05", "mcwk8s06", "mcwk8s05");

        api.pinDeployment("default", "mcwtest-deploy", "mcwk8s06");
        assertThat(api.pods()).hasSize(3).extracting(Pod::node).containsOnly("mcwk8s06");

        // A deleted pod is replaced under a new name.
        String gone = api.pods().getFirst().name();
        api.deletePod("default", gone);
        assertThat(api.pods()).hasSize(3).extracting(Pod::name).doesNotContain(gone);
    }

    @Test
    void endpointsFollowReadyPodsAndTheirAddresses() {
        ApiServer api = seedApi(5);
        api.apply(ManifestsTest.seedManifests());
        Pod pod = api.pods().getFirst();
        assertThat(endpointsOf(api)).satisfies(e -> assertThat(e.addresses()).isEmpty());

        api.podStarted(pod.key(), Ipv4.parse("172.17.98.13"));
        assertThat(endpointsOf(api).addresses()).extracting(a -> a.ip().toString()).containsExactly("172.17.98.13");
        assertThat(endpointsOf(api).ports()).containsExactly(new Endpoints.Port("mcwport", dev.kubepath.net.Protocol.TCP, 20000));

        api.podStopped(pod.key());
        assertThat(endpointsOf(api).addresses()).isEmpty();
        api.podStarted(pod.key(), Ipv4.parse("172.17.89.10"));
        assertThat(endpointsOf(api).addresses()).extracting(a -> a.ip().toString()).containsExactly("172.17.89.10");
        assertThat(api.pods().getFirst().restarts()).isEqualTo(1);
    }

    @Test
    void namedTargetPortResolvesThroughContainerPorts() {
        ApiServer api = seedApi(9);
        var pod = new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName("web").addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("nginx").addNewPort().withName("http").withContainerPort(8080).endPort()
                .endContainer().endSpec().build();
        api.createPod(pod);
        api.createService(new ServiceBuilder().withNewMetadata().withName("web").endMetadata().withNewSpec()
                .addNewPort().withName("web").withPort(80).withTargetPort(new IntOrString("http")).endPort()
                .addToSelector("app", "web").endSpec().build());
        api.podStarted("default/web", Ipv4.parse("172.17.9.2"));
        Endpoints e = api.endpoints().stream().filter(x -> x.name().equals("web")).findFirst().orElseThrow();
        assertThat(e.ports()).extracting(Endpoints.Port::port).containsExactly(8080);
        assertThat(api.service("default", "web")).get().extracting(s -> s.ports().getFirst().targetPort()).isEqualTo(8080);
    }

    static Endpoints endpointsOf(ApiServer api) {
        return api.endpoints().stream().filter(e -> e.name().equals("mcwtest-svc")).findFirst().orElseThrow();
    }
}

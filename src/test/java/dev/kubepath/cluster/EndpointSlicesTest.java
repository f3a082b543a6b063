package dev.kubepath.cluster;

import dev.kubepath.ingest.KubectlJson;
import dev.kubepath.ingest.Parsed;
import dev.kubepath.model.Endpoints;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulated cluster's EndpointSlices: one per service with its service-name label and ready conditions, read
 * back by the collector's parser into the endpoints the API server's controller selected.
 */
class EndpointSlicesTest {
    @Test
    void theSlicesJsonReadsBackIntoTheControllersEndpoints() {
        ClusterRun run = ClusterRun.simulated(ClusterFile.load(Path.of("src/test/resources/cluster-files/two-modes.yaml")), e -> {});
        run.boot();
        List<Endpoints> controller = run.cluster().api().endpoints();
        String json = EndpointSlices.json(EndpointSlices.of(controller));
        assertThat(json).contains("\"apiVersion\" : \"discovery.k8s.io/v1\"").contains("\"kubernetes.io/service-name\" : \"web\"")
                .contains("\"ready\" : true").contains("\"addressType\" : \"IPv4\"");
        Parsed<List<Endpoints>> read = KubectlJson.endpointSlices("endpointslices.json", json);
        assertThat(read.problems()).isEmpty();
        // an unnamed port is "name": "" in a slice, as the controller writes it; the model's null
        assertThat(read.value().stream().map(EndpointSlicesTest::unnamed).toList()).containsExactlyInAnyOrderElementsOf(controller);
        Endpoints web = read.value().stream().filter(e -> e.name().equals("web")).findFirst().orElseThrow();
        assertThat(web.addresses()).hasSize(3).allSatisfy(a -> assertThat(a.pod()).startsWith("web-"));
        // kube-proxy programs the ready endpoints of the slices
        assertThat(EndpointSlices.endpoints(EndpointSlices.of(controller))).isEqualTo(controller);
    }

    private static Endpoints unnamed(Endpoints e) {
        return new Endpoints(e.namespace(), e.name(), e.addresses(), e.ports().stream()
                .map(p -> "".equals(p.name()) ? new Endpoints.Port(null, p.protocol(), p.port()) : p).toList());
    }

    @Test
    void aNotReadyEndpointIsPublishedButNotProgrammed() {
        Endpoints.Address a = new Endpoints.Address(dev.kubepath.net.Ipv4.parse("10.244.1.5"), "n1", "web-1");
        Endpoints.Address b = new Endpoints.Address(dev.kubepath.net.Ipv4.parse("10.244.2.5"), "n2", "web-2");
        var slice = new EndpointSlices.Slice("default", "web-abcde", "web", "endpointslice-controller.k8s.io", List.of(a, b),
                List.of(true, false), List.of(new Endpoints.Port("http", dev.kubepath.net.Protocol.TCP, 8080)));
        assertThat(EndpointSlices.endpoints(List.of(slice)).getFirst().addresses()).containsExactly(a);
        Parsed<List<Endpoints>> read = KubectlJson.endpointSlices("endpointslices.json", EndpointSlices.json(List.of(slice)));
        assertThat(read.value().getFirst().addresses()).as("the collector's parser skips ready: false too").containsExactly(a);
    }
}

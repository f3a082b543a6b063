package dev.kubepath.ingest;

import dev.kubepath.model.Cluster;
import dev.kubepath.model.Endpoints;
import dev.kubepath.model.Service;
import dev.kubepath.net.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** EndpointSlices as the source of endpoints, Endpoints for older clusters, and named targetPorts resolved by them. */
class KubeEndpointsTest {
    @TempDir
    Path dir;

    private void write(String rel, String text) throws IOException {
        Path f = dir.resolve("b").resolve(rel);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }

    private BundleReader.Result read() {
        return BundleReader.read(dir.resolve("b"));
    }

    private static final String SLICES = Golden.read("real-world/kube-endpointslices-victoriametrics/endpointslices.json");

    @Test
    void endpointSlicesOfAKindCluster() {
        Parsed<List<Endpoints>> p = KubectlJson.endpointSlices("endpointslices.json", SLICES);
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).extracting(Endpoints::key).containsExactly("default/kubernetes", "kube-system/kube-dns");
        Endpoints dns = p.value().get(1);
        assertThat(dns.addresses()).singleElement().satisfies(a -> {
            assertThat(a.ip()).hasToString("10.244.0.3");
            assertThat(a.pod()).isEqualTo("coredns-66bff467f8-z8czk");
        });
        assertThat(dns.ports()).containsExactly(new Endpoints.Port("metrics", Protocol.TCP, 9153), new Endpoints.Port("dns", Protocol.UDP, 53));
        assertThat(p.value().get(0).ports()).containsExactly(new Endpoints.Port("https", Protocol.TCP, 6443));
    }

    private static final String WATCHED = Golden.read("real-world/kube-endpointslice-watch-superedge-tke/endpointslices.json");

    /** One slice of a managed (TKE) cluster as the API server's watch stream carried it: an ADDED event. */
    @Test
    void aWatchEventOfOneSliceFromAManagedClusterGivesItsPodAndBothPorts() throws IOException {
        Parsed<List<Endpoints>> p = KubectlJson.endpointSlices("endpointslices.json", WATCHED);
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo("kube-system/externalnode-proxy");
            // the cluster names its nodes by their address
            assertThat(e.addresses()).containsExactly(new Endpoints.Address(dev.kubepath.net.Ipv4.parse("172.24.0.7"), "10.0.0.29",
                    "externalnode-proxy-56c4d977d8-zxknh"));
            assertThat(e.ports()).containsExactly(new Endpoints.Port("tcp-80", Protocol.TCP, 80), new Endpoints.Port("tcp-443", Protocol.TCP, 443));
        });
        // as kubepath read --json counts it: one Endpoints object (the slices' service), no problem
        write("cluster/endpointslices.json", WATCHED);
        BundleReader.Result r = read();
        assertThat(BundleCounts.of(dir.resolve("b"), r).cluster().endpoints()).isEqualTo(1);
        assertThat(r.problems()).noneMatch(x -> x.file().contains("endpoint"));
    }

    /** A DELETED event's object is the slice as it was before it went: reported, never read as a current slice. */
    @Test
    void aDeletedWatchEventIsReportedNotRead() {
        String deleted = WATCHED.replace("{\"type\":\"ADDED\"", "{\"type\":\"DELETED\"");
        assertThat(deleted).isNotEqualTo(WATCHED);
        Parsed<List<Endpoints>> p = KubectlJson.endpointSlices("endpointslices.json", deleted);
        assertThat(p.value()).isEmpty();
        assertThat(p.problems()).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(1);
            assertThat(x.message()).contains("kube-system/externalnode-proxy-l28pc").contains("DELETED watch event");
        });
        // a stream of events is read as its first; the rest is reported, not lost silently
        Parsed<List<Endpoints>> stream = KubectlJson.endpointSlices("endpointslices.json", WATCHED + deleted);
        assertThat(stream.value()).extracting(Endpoints::key).containsExactly("kube-system/externalnode-proxy");
        assertThat(stream.problems()).singleElement().satisfies(x -> assertThat(x.message()).contains("2 JSON documents"));
    }

    @Test
    void slicesOfOneServiceAreJoinedAndNotReadyEndpointsLeftOut() {
        String two = """
                {"kind":"EndpointSliceList","items":[
                 {"metadata":{"name":"web-a","namespace":"shop","labels":{"kubernetes.io/service-name":"web"}},"addressType":"IPv4",
                  "endpoints":[{"addresses":["10.244.1.5"],"conditions":{"ready":true},"nodeName":"n1"},
                               {"addresses":["10.244.1.6"],"conditions":{"ready":false},"nodeName":"n1"}],
                  "ports":[{"name":"http","protocol":"TCP","port":8080}]},
                 {"metadata":{"name":"web-b","namespace":"shop","labels":{"kubernetes.io/service-name":"web"}},"addressType":"IPv4",
                  "endpoints":[{"addresses":["10.244.2.7"],"nodeName":"n2"}],
                  "ports":[{"name":"http","protocol":"TCP","port":8080}]},
                 {"metadata":{"name":"web-v6","namespace":"shop","labels":{"kubernetes.io/service-name":"web"}},"addressType":"IPv6",
                  "endpoints":[{"addresses":["fd00::5"]}],"ports":[{"name":"http","protocol":"TCP","port":8080}]}]}
                """;
        Parsed<List<Endpoints>> p = KubectlJson.endpointSlices("endpointslices.json", two);
        assertThat(p.problems()).isEmpty();
        assertThat(p.value()).singleElement().satisfies(e -> {
            assertThat(e.addresses()).extracting(a -> a.ip() + "@" + a.node()).containsExactly("10.244.1.5@n1", "10.244.2.7@n2");
            assertThat(e.ports()).containsExactly(new Endpoints.Port("http", Protocol.TCP, 8080));
        });
    }

    @Test
    void theBundleTakesSlicesFirstAndEndpointsForServicesWithoutSlices() throws IOException {
        write("cluster/endpointslices.json", SLICES);
        write("cluster/endpoints.txt", Golden.read("real-world/kube-get-ep-kubernetic-281/endpoints.txt"));
        Cluster c = read().snapshot().cluster();
        Endpoints dns = c.endpoints().stream().filter(e -> e.key().equals("kube-system/kube-dns")).findFirst().orElseThrow();
        assertThat(dns.addresses()).extracting(a -> a.ip().toString()).containsExactly("10.244.0.3"); // the slice's, not the table's 10.42.0.18
        assertThat(c.endpoints()).hasSize(10); // 2 from slices + the table's 8 other services (of 10)
        assertThat(read().problems()).noneMatch(x -> x.file().contains("endpoint"));
    }

    private static final String SERVICES = """
            {"kind":"List","items":[
             {"metadata":{"name":"web","namespace":"shop"},"spec":{"type":"ClusterIP","clusterIP":"10.96.0.20","selector":{"app":"web"},
              "ports":[{"name":"http","port":80,"protocol":"TCP","targetPort":"http-alt"}]}},
             {"metadata":{"name":"api","namespace":"shop"},"spec":{"type":"ClusterIP","clusterIP":"10.96.0.21","selector":{"app":"api"},
              "ports":[{"port":443,"protocol":"TCP","targetPort":"https"}]}},
             {"metadata":{"name":"lost","namespace":"shop"},"spec":{"type":"ClusterIP","clusterIP":"10.96.0.22","selector":{"app":"lost"},
              "ports":[{"port":80,"protocol":"TCP","targetPort":"web"}]}}]}
            """;

    @Test
    void namedTargetPortsAreResolvedThroughEndpointsOrPodsAndOtherwiseReported() throws IOException {
        write("cluster/services.json", SERVICES);
        // web: its endpoints carry the resolved number under the service port's name
        write("cluster/endpoints.json", """
                {"items":[{"metadata":{"name":"web","namespace":"shop"},"subsets":[{"addresses":[{"ip":"10.244.1.5"}],
                 "ports":[{"name":"http","port":8080,"protocol":"TCP"}]}]}]}
                """);
        // api: no endpoints, but its pods name the container port
        write("cluster/pods.json", """
                {"items":[{"metadata":{"name":"api-1","namespace":"shop","labels":{"app":"api"}},
                 "spec":{"nodeName":"n1","containers":[{"ports":[{"name":"https","containerPort":8443}]}]},
                 "status":{"podIP":"10.244.1.9","phase":"Running"}}]}
                """);
        BundleReader.Result r = read();
        List<Service> s = r.snapshot().cluster().services();
        assertThat(s).extracting(Service::name).containsExactly("web", "api", "lost");
        assertThat(s.get(0).ports()).containsExactly(new Service.Port("http", Protocol.TCP, 80, 8080, 0));
        assertThat(s.get(1).ports().get(0).targetPort()).isEqualTo(8443);
        assertThat(s.get(2).ports().get(0).targetPort()).isZero();
        assertThat(r.problems()).filteredOn(x -> x.file().equals("cluster/services.json")).singleElement()
                .satisfies(x -> assertThat(x.message()).contains("shop/lost port 80").contains("'web'").contains("unknown"));
    }
}

package dev.kubepath.cluster;

import dev.kubepath.flannel.kube.KubeAnnotations;
import dev.kubepath.flannel.kube.KubeNodes;
import dev.kubepath.ingest.LeasesText;
import dev.kubepath.ingest.Parsed;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Link;
import dev.kubepath.model.Route;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * scenarios/k3s-like.yaml with every flanneld in kube subnet manager mode talking to the simulation's API server over
 * HTTP (KubeApiClient -> KubeApiHttp on loopback), as flanneld talks to kube-apiserver: the leases read from the API
 * server's node list equal what each agent wrote, the agents learn each other's leases through the watch, and a
 * node re-registered with a new podCIDR is followed by its agent and by its peers' routes.
 */
class KubeApiHttpTest {
    private static final Comparator<Lease> BY_SUBNET = Comparator.comparing(Lease::subnet);

    /** {@code kubectl get nodes -o json}, as the API server answers it. */
    static String getNodes(URI api) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(api.resolve("/api/v1/nodes")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The lease each host's agent holds, as it wrote it: its subnet.env's subnet, its eth0 address, its flannel.1 MAC. */
    static List<Lease> written(SimCluster c) {
        return c.hostNames().stream().map(h -> new Lease(c.subnetEnv(h).orElseThrow().subnet(), c.hostSpec(h).ip(), "vxlan",
                c.host(h).link("flannel.1").map(Link::mac).orElseThrow(), null)).sorted(BY_SUBNET).toList();
    }

    @Test
    void agentsOverHttpWriteTheLeasesTheApiServersNodeListHoldsAndFollowANewPodCidr() throws Exception {
        ClusterFile f = ClusterFile.load(KubeSubnetManagerTest.K3S);
        SimCluster c = SimCluster.kube(f.spec());
        try (KubeApiHttp http = KubeApiHttp.serve(c)) {
            c.flannelClients(http::clientFor);
            ClusterRun run = new ClusterRun(f, c, e -> { });
            run.boot();

            Parsed<List<Lease>> read = LeasesText.parse("GET /api/v1/nodes", getNodes(http.url()));
            assertThat(read.problems()).isEmpty();
            assertThat(read.value().stream().sorted(BY_SUBNET).toList()).isEqualTo(written(c)).hasSize(3);
            for (String h : c.hostNames()) { // each agent learnt the others' leases from the watch
                for (Lease peer : written(c)) {
                    if (peer.publicIp().equals(c.hostSpec(h).ip())) continue;
                    assertThat(c.host(h).routes()).as(h + " routes").anyMatch(r -> peer.subnet().equals(r.dst()) && "flannel.1".equals(r.dev()));
                }
            }

            Prefix before = c.subnetEnv("agent2").orElseThrow().subnet();
            run.runAll(); // agent2's node re-registers with a new podCIDR
            Prefix after = ((KubeNodes) c.registry()).node("agent2").orElseThrow().podCidr();
            assertThat(after).isNotEqualTo(before);
            assertThat(c.subnetEnv("agent2").orElseThrow().subnet()).isEqualTo(after);
            List<Lease> now = LeasesText.parse("GET /api/v1/nodes", getNodes(http.url())).value();
            assertThat(now.stream().sorted(BY_SUBNET).toList()).isEqualTo(written(c));
            assertThat(c.host("agent1").routes()).extracting(Route::dst).contains(after).doesNotContain(before);
        }
    }

    @Test
    void anAnnotationPatchIsAppliedAndAnyOtherFieldRefused() throws Exception {
        SimCluster c = SimCluster.kube(ClusterFile.load(KubeSubnetManagerTest.K3S).spec());
        c.boot();
        try (KubeApiHttp http = KubeApiHttp.serve(c)) {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> ok = client.send(HttpRequest.newBuilder(http.url().resolve("/api/v1/nodes/agent1"))
                    .header("Content-Type", "application/merge-patch+json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"annotations\":{\"" + KubeAnnotations.PUBLIC_IP_OVERWRITE + "\":\"192.168.30.99\"}}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            assertThat(((KubeNodes) c.registry()).node("agent1").orElseThrow().annotations())
                    .containsEntry(KubeAnnotations.PUBLIC_IP_OVERWRITE, "192.168.30.99");
            HttpResponse<String> refused = client.send(HttpRequest.newBuilder(http.url().resolve("/api/v1/nodes/agent1"))
                    .header("Content-Type", "application/merge-patch+json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"spec\":{\"podCIDR\":\"10.42.9.0/24\"}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(422);
            assertThat(((KubeNodes) c.registry()).node("agent1").orElseThrow().podCidr()).isNotEqualTo(Prefix.parse("10.42.9.0/24"));
        }
    }
}

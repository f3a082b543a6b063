package dev.kubepath.cli;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.cluster.ClusterRun;
import dev.kubepath.flannel.kube.KubeAnnotations;
import dev.kubepath.host.linux.LinuxHost;
import dev.kubepath.ingest.LeasesText;
import dev.kubepath.lab.LabCluster;
import dev.kubepath.lab.RootOnly;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubepath flanneld --kube-subnet-mgr} as a process of its own against the lab's API server: agent1's flanneld
 * is stopped and its annotations removed (kubectl annotate node agent1 flannel.alpha.coreos.com/...-), then our
 * command, in agent1's namespace, annotates the node again; the lease the API server's node list gives equals the one
 * the agent wrote (subnet.env, eth0's address, flannel.1's MAC in the namespace), and pod traffic crosses again.
 */
class FlanneldKubeSubnetMgrTest {
    @Test
    void theAgentAnnotatesItsNodeOnTheLabsApiServerAndTheNodeListGivesBackItsLease(@TempDir Path dir) throws Exception {
        RootOnly.assume();
        ClusterFile f = ClusterFile.load(Path.of("scenarios/k3s-like.yaml"));
        Thread agent = null;
        StringBuilder log = new StringBuilder();
        try (LabCluster lab = LabCluster.create(f.spec(), LabCluster.RegistryKind.KUBE)) {
            new ClusterRun(f, lab.cluster(), e -> { }).boot();
            URI api = lab.kubeApiUrl().orElseThrow();
            lab.cluster().systemctl("agent1", "stop", "flanneld");
            removeFlannelAnnotations(api, "agent1");
            lab.cluster().settleOverlay();
            assertThat(leases(api)).extracting(Lease::publicIp).doesNotContain(Ipv4.parse("192.168.30.11"));

            Path env = dir.resolve("subnet.env");
            String ns = lab.netns("agent1").name();
            agent = new Thread(() -> log.append(Cli.run("flanneld", "--kube-subnet-mgr", "--kube-api-url", api.toString(),
                    "--node-name", "agent1", "--netns", ns, "--subnet-file", env.toString()).err()));
            agent.setDaemon(true);
            agent.start();
            Lease announced = waitForLease(api, Ipv4.parse("192.168.30.11"));
            LinuxHost kernel = new LinuxHost("agent1", lab.netns("agent1"));
            waitForFile(env); // flanneld writes subnet.env after it has annotated the node, as flannel does
            Prefix subnet = Prefix.parse(Files.readAllLines(env).stream().filter(l -> l.startsWith("FLANNEL_SUBNET="))
                    .findFirst().orElseThrow().substring("FLANNEL_SUBNET=".length()));
            assertThat(announced).isEqualTo(new Lease(subnet,
                    Ipv4.parse("192.168.30.11"), "vxlan", kernel.read().link("flannel.1").orElseThrow().mac(), null));

            lab.cluster().settleOverlay(); // the other agents take the lease in from their watch
            assertThat(lab.host("server").readKernel().routes()).extracting(Route::dst).contains(announced.subnet());
            var ping = lab.exec("server", List.of("ping", "-c1", "-W2", announced.subnet().network().plus(1).toString()));
            assertThat(ping.exit()).as(ping.stdout() + ping.stderr() + log).isZero();
        } finally {
            if (agent != null) {
                agent.interrupt();
                agent.join(5000);
            }
        }
    }

    private static List<Lease> leases(URI api) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(api.resolve("/api/v1/nodes")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return LeasesText.parse("GET /api/v1/nodes", r.body()).value();
    }

    private static Lease waitForLease(URI api, Ipv4 publicIp) throws Exception {
        for (int i = 0; i < 100; i++) {
            Optional<Lease> l = leases(api).stream().filter(x -> x.publicIp().equals(publicIp)).findFirst();
            if (l.isPresent()) return l.get();
            Thread.sleep(100);
        }
        throw new AssertionError("no lease for " + publicIp + " on the API server after 10 s");
    }

    private static void waitForFile(Path file) throws InterruptedException {
        for (int i = 0; i < 100 && !Files.exists(file); i++) Thread.sleep(100);
        if (!Files.exists(file)) throw new AssertionError(file.getFileName() + " not written 10 s after the node was annotated");
    }

    private static void removeFlannelAnnotations(URI api, String node) throws Exception {
        String body = "{\"metadata\":{\"annotations\":{\"" + KubeAnnotations.BACKEND_DATA + "\":null,\"" + KubeAnnotations.BACKEND_TYPE
                + "\":null,\"" + KubeAnnotations.KUBE_SUBNET_MANAGER + "\":null,\"" + KubeAnnotations.PUBLIC_IP + "\":null}}}";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(api.resolve("/api/v1/nodes/" + node))
                .header("Content-Type", "application/merge-patch+json").method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}

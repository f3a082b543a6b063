package dev.kubepath.cli;

import dev.kubepath.Prerequisites;
import dev.kubepath.flannel.etcd.EtcdProcess;
import dev.kubepath.host.linux.LinuxHost;
import dev.kubepath.host.linux.Netns;
import dev.kubepath.lab.Lab;
import dev.kubepath.lab.RootOnly;
import dev.kubepath.lab.Underlay;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Two `kubepath flanneld` agents, each in its own namespace, meet through a real etcd and ping over real VXLAN. */
class FlanneldCommandTest {
    @Test
    void twoAgentsBuildAWorkingOverlayBetweenTheirNamespaces(@TempDir Path dir) throws Exception {
        RootOnly.assume();
        Prerequisites.etcd();
        List<Thread> agents = new ArrayList<>();
        List<String> logs = java.util.Collections.synchronizedList(new ArrayList<>());
        try (EtcdProcess etcd = EtcdProcess.start(); Lab lab = new Lab()) {
            etcd.clientUrl();
            String url = etcd.clientUrl().toString();
            putConfig(url);
            Underlay underlay = new Underlay(lab);
            Netns a = lab.namespace("fa"), b = lab.namespace("fb");
            underlay.attach(a, "eth0", Ipv4.parse("10.0.0.1"), 24);
            underlay.attach(b, "eth0", Ipv4.parse("10.0.0.2"), 24);
            for (Netns ns : List.of(a, b)) {
                Thread t = new Thread(() -> logs.add(Cli.run("flanneld", "--netns", ns.name(), "--etcd-endpoints", "etcd-v2:" + url,
                        "--subnet-file", dir.resolve(ns.name() + ".env").toString()).err()));
                t.setDaemon(true);
                t.start();
                agents.add(t);
            }
            Prefix subnetA = waitForSubnet(dir.resolve(a.name() + ".env"));
            Prefix subnetB = waitForSubnet(dir.resolve(b.name() + ".env"));
            // the answer must find its way back too: both agents must have programmed the other's lease
            waitForOverlay(new LinuxHost("a", a), subnetB);
            waitForOverlay(new LinuxHost("b", b), subnetA);
            // each side's entries for the other name the other's real device: its VTEP MAC and its PublicIP
            LinuxHost ha = new LinuxHost("a", a), hb = new LinuxHost("b", b);
            var macB = hb.read().link("flannel.1").orElseThrow().mac();
            var macA = ha.read().link("flannel.1").orElseThrow().mac();
            assertThat(ha.read().neighbours()).anySatisfy(n -> {
                assertThat(n.ip()).isEqualTo(subnetB.network());
                assertThat(n.mac()).isEqualTo(macB);
            });
            assertThat(ha.read().fdb()).anySatisfy(f -> {
                assertThat(f.mac()).isEqualTo(macB);
                assertThat(f.dst()).isEqualTo(Ipv4.parse("10.0.0.2"));
            });
            assertThat(hb.read().neighbours()).anySatisfy(n -> assertThat(n.mac()).isEqualTo(macA));
            assertThat(hb.read().addresses()).anySatisfy(x -> assertThat(x.ip()).isEqualTo(subnetB.network()));
            assertThat(Files.readString(dir.resolve(a.name() + ".env"))).contains("FLANNEL_NETWORK=172.30.0.0/16", "FLANNEL_MTU=1450");
            // and the overlay carries packets: a's flannel.1 address to b's, encapsulated over the underlay
            var ping = a.exec("ping", "-c", "3", "-i", "0.2", "-W", "1", subnetB.network().toString());
            assertThat(ping.exit()).as(ping.stdout() + ping.stderr()).isZero();
            assertThat(ping.stdout()).contains("3 packets transmitted");
        } finally {
            agents.forEach(Thread::interrupt);
            for (Thread t : agents) t.join(5000);
            logs.forEach(System.err::println);
        }
    }

    @Test
    void aMissingNamespaceIsOneLine() {
        Cli r = Cli.run("flanneld", "--netns", "kp-none-at-all");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("kubepath: no network namespace 'kp-none-at-all' (ip netns list shows the ones there are)");
    }

    private static void putConfig(String url) throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/v2/keys/coreos.com/network/config"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("value=" + java.net.URLEncoder.encode(
                        "{\"Network\":\"172.30.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}", java.nio.charset.StandardCharsets.UTF_8)))
                .build();
        assertThat(client.send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isBetween(200, 201);
    }

    private static Prefix waitForSubnet(Path env) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (Files.exists(env)) {
                Optional<String> line = Files.readAllLines(env).stream().filter(l -> l.startsWith("FLANNEL_SUBNET=")).findFirst();
                if (line.isPresent()) return Prefix.parse(line.get().substring("FLANNEL_SUBNET=".length()));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no subnet.env at " + env + " after 10 s");
    }

    /** The route, the neighbour and the FDB entry flannel writes for a remote lease (route first, FDB last). */
    private static void waitForOverlay(LinuxHost host, Prefix subnet) throws Exception {
        for (int i = 0; i < 100; i++) {
            var h = host.read();
            var neigh = h.neighbours().stream().filter(n -> n.ip().equals(subnet.network())).findFirst();
            if (h.routes().stream().map(Route::dst).anyMatch(subnet::equals) && neigh.isPresent()
                    && h.fdb().stream().anyMatch(f -> f.mac().equals(neigh.get().mac()))) return;
            Thread.sleep(100);
        }
        throw new AssertionError(host.name() + ": no flannel entries for " + subnet + " after 10 s");
    }
}

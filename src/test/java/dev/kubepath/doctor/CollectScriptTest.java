package dev.kubepath.doctor;

import dev.kubepath.Prerequisites;
import dev.kubepath.ingest.BundleReader;
import dev.kubepath.ingest.ParseProblem;
import dev.kubepath.model.Facet;
import dev.kubepath.model.Host;
import dev.kubepath.model.LinkKind;
import dev.kubepath.model.Route;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * collect.sh run for real, as root, inside a throwaway network namespace holding a flannel-like host (underlay,
 * docker0, flannel.1 with a route, neighbour and FDB entry): the bundle reader reads back what it wrote.
 */
class CollectScriptTest {
    @TempDir
    Path dir;

    private static boolean rootWithIp() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) return false;
        Process p = new ProcessBuilder("sh", "-c", "command -v ip && command -v bridge").redirectErrorStream(true).start();
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    @Test
    void theCollectorsHostFilesReadBackAsTheNamespacesState() throws Exception {
        Prerequisites.root();
        String ns = "kpdoc-collect-" + ProcessHandle.current().pid();
        Path out = dir.resolve("bundle");
        Path script = dir.resolve("run.sh");
        Files.writeString(script, """
                set -eu
                NS="$1"; OUT="$2"; COLLECT="$3"
                cleanup() { ip netns del "$NS" 2>/dev/null || true; }
                trap cleanup EXIT INT TERM HUP
                ip netns add "$NS"
                n() { ip netns exec "$NS" "$@"; }
                n ip link set lo up
                n ip link add eth0 type veth peer name eth0-peer
                n ip link set eth0-peer up
                n ip addr add 10.9.0.2/24 dev eth0
                n ip link set eth0 up
                n ip link add docker0 type bridge
                n ip link set docker0 mtu 1500
                n ip addr add 172.30.5.1/24 dev docker0
                n ip link set docker0 up
                n ip link add flannel.1 type vxlan id 1 dstport 8472 nolearning local 10.9.0.2 dev eth0
                n ip link set flannel.1 address 0e:00:00:00:00:05
                n ip link set flannel.1 mtu 1450 up
                n ip addr add 172.30.5.0/32 dev flannel.1
                n ip route add 172.30.6.0/24 via 172.30.6.0 dev flannel.1 onlink
                n ip neigh replace 172.30.6.0 lladdr 0e:00:00:00:00:06 dev flannel.1 nud permanent
                n bridge fdb append 0e:00:00:00:00:06 dev flannel.1 dst 10.9.0.3 self permanent
                n sh "$COLLECT" --host lab "$OUT"
                """);
        try {
            Process p = new ProcessBuilder("sh", script.toString(), ns, out.toString(), Path.of("collect.sh").toAbsolutePath().toString())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(log).isZero();
        } finally {
            new ProcessBuilder("ip", "netns", "del", ns).redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(Files.readString(out.resolve("hosts/lab/route.txt"))).contains("172.30.6.0/24 via 172.30.6.0 dev flannel.1 onlink");

        BundleReader.Result r = BundleReader.read(out);
        assertThat(r.problems()).extracting(ParseProblem::file).as("only the cluster/ directory this host run does not write")
                .containsOnly("cluster");
        Host lab = r.snapshot().host("lab").orElseThrow();
        assertThat(lab.known()).contains(Facet.LINKS, Facet.ADDRESSES, Facet.ROUTES, Facet.NEIGHBOURS, Facet.FDB, Facet.SYSCTLS);
        assertThat(lab.link("flannel.1").orElseThrow().kind()).isInstanceOfSatisfying(LinkKind.Vxlan.class, x -> {
            assertThat(x.vni()).isEqualTo(1);
            assertThat(x.port()).isEqualTo(8472);
            assertThat(x.learning()).isFalse();
        });
        assertThat(lab.routes()).anySatisfy(rt -> {
            assertThat(rt.dst().toString()).isEqualTo("172.30.6.0/24");
            assertThat(rt.onlink()).isTrue();
            assertThat(rt.table()).isEqualTo(Route.MAIN);
        });
        assertThat(lab.neighbours()).anySatisfy(nb -> assertThat(nb.mac()).isEqualTo(Mac.parse("0e:00:00:00:00:06")));
        assertThat(lab.fdb()).anySatisfy(e -> assertThat(e.dst()).isEqualTo(Ipv4.parse("10.9.0.3")));
        assertThat(lab.primaryAddress("docker0")).contains(Ipv4.parse("172.30.5.1"));
        assertThat(lab.knows(Facet.SYSCTLS) && !lab.ipForward()).as("a fresh namespace forwards nothing").isTrue();

        Process list = new ProcessBuilder("ip", "netns", "list").start();
        assertThat(new String(list.getInputStream().readAllBytes())).doesNotContain(ns);
    }
}

package dev.kubepath.shell;

import dev.kubepath.cluster.Manifests;
import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code traceroute -n} against traceroute 2.1 across two namespaces built like the seed's mcwk8s05 and mcwk8s06
 * (flannel.1 172.17.89.0 and 172.17.9.0, docker0 172.17.9.1/24 with a pod at 172.17.9.2; the seed's later subnets) joined by VXLAN, captured by
 * scripts/capture-traceroute-goldens.sh. Round-trip times differ on every run and are masked.
 */
class TracerouteGoldenTest {
    static final Path FILE = Path.of("src/test/resources/shell/traceroute/commands.txt");
    static Map<String, String> real;

    @BeforeAll
    static void read() throws IOException {
        real = CapturedCommands.read(FILE);
    }

    static String masked(String s) {
        return s.replaceAll("\\d+\\.\\d{3} ms", "T ms");
    }

    /** Each captured output, read back into its hops, is printed by Traceroute as traceroute printed it. */
    @Test
    void theLinesAreLaidOutAsTraceroutePrintsThem() {
        int compared = 0;
        for (String out : real.values()) {
            List<String> lines = out.lines().toList();
            Ipv4 to = Ipv4.parse(lines.get(0).split(" ")[2]);
            String ours;
            if (lines.get(1).startsWith("connect:")) {
                ours = Traceroute.unreachable(to);
            } else {
                List<Ipv4> answers = new ArrayList<>();
                for (String l : lines.subList(1, lines.size())) answers.add(l.contains("*") ? null : Ipv4.parse(l.strip().split(" +")[1]));
                boolean silent = lines.size() - 1 == Traceroute.MAX_HOPS && answers.getLast() == null;
                while (silent && answers.getLast() == null) answers.removeLast();
                ours = Traceroute.print(to, answers, silent);
            }
            assertThat(masked(ours)).isEqualTo(masked(out));
            compared++;
        }
        assertThat(compared).isEqualTo(4);
    }

    /**
     * The seed cluster booted healthy with the capture's subnets (mcwk8s05 172.17.89.0/24, mcwk8s06 172.17.9.0/24) and
     * the seed's nginx pod on mcwk8s06 at the capture pod's address; the shell on mcwk8s05.
     */
    static SimShell onNode05() {
        SimCluster cluster = SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z")));
        cluster.pinNextSubnet(SeedCluster.MASTER, Prefix.parse("172.17.83.0/24"));
        cluster.pinNextSubnet(SeedCluster.NODE05, Prefix.parse("172.17.89.0/24"));
        cluster.pinNextSubnet(SeedCluster.NODE06, Prefix.parse("172.17.9.0/24"));
        cluster.boot();
        try (InputStream in = SeedCluster.class.getResourceAsStream("/seed/nginx.yaml")) {
            cluster.api().apply(Manifests.load("nginx.yaml", in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var pod = cluster.api().pods().stream().filter(p -> p.name().startsWith("nginx")).findFirst().orElseThrow();
        cluster.docker(SeedCluster.NODE06).pinAddress(pod.key(), Ipv4.parse("172.17.9.2"));
        cluster.settle();
        SimShell shell = new SimShell(cluster, SeedCluster.NODE05);
        assertThat(shell.run("kubectl get pods -o wide")).contains("172.17.9.2").contains("mcwk8s06");
        return shell;
    }

    /**
     * From mcwk8s05 to mcwk8s06's flannel.1 address and to a pod there, the simulation walks the hops the kernel
     * answered in the capture: mcwk8s06 (from its flannel.1 address), then the pod.
     */
    @Test
    void theSimulatedHopsAreTheKernelsAcrossVxlan() {
        SimShell shell = onNode05();
        assertThat(masked(shell.run("traceroute -n 172.17.9.2"))).isEqualTo(masked(real.get("traceroute -n 172.17.9.2")));
        assertThat(masked(shell.run("traceroute -n 172.17.9.0"))).isEqualTo(masked(real.get("traceroute -n 172.17.9.0")));
    }

    /** The kernel checks the TTL before the FORWARD chain: mcwk8s06 still answers for hop 1, nothing after it. */
    @Test
    void aForwardDropOnTheFarNodeStillAnswersItsHop() {
        SimShell shell = onNode05();
        shell.run("fault forward-drop mcwk8s06");
        String want = real.get("traceroute -n 172.17.9.2 (node06's FORWARD chain drops it)");
        assertThat(masked(shell.run("traceroute -n 172.17.9.2"))).isEqualTo(masked(want));
    }

    /** VXLAN dropped on the underlay: mcwk8s06 never sees the inner packet, so no hop answers. */
    @Test
    void anUnderlayDropLeavesEveryHopSilent() {
        SimShell shell = onNode05();
        shell.run("fault underlay-drop mcwk8s05 mcwk8s06");
        String out = shell.run("traceroute -n 172.17.9.2");
        assertThat(out.lines().skip(1).toList()).hasSize(Traceroute.MAX_HOPS).allMatch(l -> l.endsWith("  * * *"));
    }

    @Test
    void errorsAreTraceroutesOwn() {
        SimShell shell = onNode05();
        assertThat(shell.run("traceroute -n")).isEqualTo("Specify \"host\" missing argument.\n");
        assertThat(shell.run("traceroute -y 1.2.3.4")).isEqualTo("Bad option `-y' (argc 1)\n");
        assertThat(shell.run("traceroute -n foo.invalid")).isEqualTo("foo.invalid: Name or service not known\n"
                + "Cannot handle \"host\" cmdline arg `foo.invalid' on position 1 (argc 2)\n");
    }
}

package dev.kubepath.shell;

import dev.kubepath.cli.Main;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `kubepath shell seed --follow-seed --script scenarios/seed-shell.txt` against the seed's outputs 1 to 10, command
 * by command. What differs between any two real runs (counters, dates, ages, pod name hashes, etcd's unordered
 * listing, an interrupted ping's ^C) is masked; everything else must be the seed's text.
 */
class SeedShellTest {
    static SeedTranscript ours;

    @BeforeAll
    static void runTheScript() {
        StringWriter out = new StringWriter();
        var cl = Main.commandLineForTests();
        cl.setOut(new PrintWriter(out, true));
        int code = cl.execute("shell", "seed", "--follow-seed", "--script", "scenarios/seed-shell.txt");
        assertThat(code).isZero();
        ours = SeedTranscript.parse(out.toString());
    }

    static String normalize(String command, String output) {
        String s = SeedTranscript.withoutCounters(output)
                .replaceAll("(?m)^\\^C\\n", "")
                .replaceAll("(?m)[ \\t]+$", "")
                .replaceAll("\\n{2,}", "\n")
                .replaceAll("mcwtest-deploy-[a-z0-9]+-[a-z0-9]+", "mcwtest-deploy-POD")
                .replaceAll("(?m)^\\n", "");
        if (command.startsWith("kubectl get")) s = s.replaceAll("\\s\\d+[smhd]\\s", " AGE ").replaceAll(" {2,}", "  ");
        if (command.startsWith("etcdctl ls")) s = String.join("\n", s.lines().sorted().toList()) + "\n";
        return s.strip();
    }

    /**
     * The seed file's commands, in order, must appear in our transcript in the same order with the same output.
     * Where the seed file runs the same command twice (before and after a restart), order decides which is which;
     * the transcript is searched from every place its first command occurs.
     */
    private static void compareFile(String file, Set<String> skip) {
        List<SeedTranscript.Entry> seed = SeedTranscript.read(file).entries().stream()
                .filter(e -> !skip.contains(e.command()) && !e.output().isBlank()).toList();
        assertThat(seed).as(file + " has commands to compare").isNotEmpty();
        List<SeedTranscript.Entry> all = ours.entries();
        AssertionError last = null;
        for (int start = 0; start < all.size(); start++) {
            if (!same(all.get(start), seed.get(0))) continue;
            try {
                int at = start;
                for (SeedTranscript.Entry want : seed) {
                    while (at < all.size() && !same(all.get(at), want)) at++;
                    assertThat(at).as("%s: our script runs '%s' on %s", file, want.command(), want.host()).isLessThan(all.size());
                    assertThat(normalize(want.command(), all.get(at).output())).as("%s: %s on %s", file, want.command(), want.host())
                            .isEqualTo(normalize(want.command(), want.output()));
                    at++;
                }
                return;
            } catch (AssertionError e) {
                last = e;
            }
        }
        if (last != null) throw last;
        throw new AssertionError(file + ": our script never runs '" + seed.get(0).command() + "' on " + seed.get(0).host());
    }

    private static boolean same(SeedTranscript.Entry a, SeedTranscript.Entry b) {
        return a.host().equals(b.host()) && a.command().equals(b.command());
    }

    /** outputs/9 interleaves before and after per host: each is the first or the last route -n of that host. */
    private static void compareRoutes() {
        for (SeedTranscript.Entry seed : SeedTranscript.read("9-route-n-before-and-after.txt").entries()) {
            List<SeedTranscript.Entry> mine = ours.find(seed.host(), "route -n");
            SeedTranscript.Entry match = seed.heading().contains("after") ? mine.get(mine.size() - 1) : mine.get(0);
            assertThat(normalize("route -n", match.output())).as(seed.heading()).isEqualTo(normalize("route -n", seed.output()));
        }
    }

    @Test
    void symptoms() {
        compareFile("1-mcwk8s03-symptoms.txt", Set.of());
    }

    @Test
    void podAndNodes() {
        compareFile("2-mcwk8s03-pod-and-nodes.txt", Set.of());
    }

    @Test
    void bridgesAndPings() {
        compareFile("3-mcwk8s03-ifconfig-docker0.txt", Set.of());
        compareFile("3-mcwk8s05-ifconfig-docker0-and-ping.txt", Set.of());
        compareFile("3-mcwk8s06-ifconfig-docker0-and-ping.txt", Set.of());
    }

    @Test
    void etcdBeforeAndAfter() {
        compareFile("4-mcwk8s03-etcdctl-before.txt", Set.of());
        compareFile("6-mcwk8s03-etcdctl-after.txt", Set.of("etcdctl get /coreos.com/network/subnets/172.17.89.0-24"));
    }

    @Test
    void theFixOnMcwk8s05() {
        compareFile("5-mcwk8s05-restart-flanneld-then-docker.txt", Set.of());
    }

    @Test
    void afterTheFix() {
        compareFile("7-mcwk8s03-after-fix.txt", Set.of());
    }

    @Test
    void routesBeforeAndAfter() {
        compareRoutes();
    }

    @Test
    void ipvsAndKubeProxy() {
        // 05's grep shows a line of another service (172.17.89.4:9090) the seed cluster ran and ours does not
        compareFile("10-ipvs.txt", Set.of("ipvsadm -Ln|grep -C 1 10.2.0.155"));
        String grep = ours.find("mcwk8s05", "ipvsadm -Ln|grep -C 1 10.2.0.155").get(0).output();
        assertThat(grep.lines().map(String::stripTrailing).toList())
                .containsSubsequence("TCP  10.2.0.155:2024 rr", "  -> 172.17.89.10:20000           Masq    1      0          0");
    }
}

package dev.kubepath.lab;

import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.host.linux.CommandResult;
import dev.kubepath.shell.SimShell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recorded shell session (scenarios/seed-toolbox-shell.txt) up to its first fault, typed into the simulated seed
 * and, for every verdict-bearing command, run for real in the lab's namespaces built to the same state (lab
 * scenario "seed"): curl's exit code (the same curl -sS -I --max-time 2 on both sides), ping's loss, {@code ip route get}'s answer, the routes of {@code ip route} and
 * the permanent entries of {@code ip neigh show dev} and {@code bridge fdb show dev} must agree.
 */
class LabShellAgreementTest {
    private static LabCluster lab;

    @BeforeAll
    static void up() {
        RootOnly.assume();
        lab = LabScenario.up("seed", LabCluster.RegistryKind.defaultKind());
    }

    @AfterAll
    static void down() {
        if (lab != null) lab.close();
    }

    private static SimShell simulatedSeed() {
        SimCluster c = SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z")));
        SeedCluster.incident(c);
        return new SimShell(c, SeedCluster.MASTER);
    }

    @Test
    void everyVerdictBearingLineAgreesWithTheLab() throws IOException {
        SimShell sim = simulatedSeed();
        List<String> disagreements = new ArrayList<>();
        int compared = 0;
        java.util.Set<String> curlExits = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("scenarios/seed-toolbox-shell.txt"))) {
            if (line.startsWith("fault ")) break; // what follows needs the simulation's faults and clock
            String host = sim.host();
            String ours = sim.run(line);
            List<String> argv = Arrays.asList(line.strip().split(" +"));
            if (line.contains("|") || argv.isEmpty()) continue;
            String theirs, mine;
            switch (argv.get(0)) {
                case "curl" -> {
                    // the same curl in both, with the lab's time limit: a timeout is exit 28 on each side, a refusal
                    // or an unreachable host 7, an answer 0 (the seed's curl without a limit says (7) ... timed out)
                    String target = argv.get(argv.size() - 1);
                    List<String> same = List.of("curl", "-sS", "-I", "--max-time", "2", "http://" + target);
                    CommandResult r = lab.exec(host, same);
                    theirs = "exit " + r.exit();
                    sim.run(String.join(" ", same));
                    mine = "exit " + sim.status();
                    curlExits.add(theirs);
                }
                case "ping" -> {
                    List<String> real = new ArrayList<>(List.of("ping", "-W1"));
                    real.addAll(argv.subList(1, argv.size()));
                    CommandResult r = lab.exec(host, real);
                    theirs = loss(r.stdout() + r.stderr());
                    mine = loss(ours);
                }
                case "traceroute" -> {
                    CommandResult r = lab.exec(host, List.of("traceroute", "-n", "-w", "1", argv.get(argv.size() - 1)));
                    mine = hops(ours);
                    theirs = hops(r.stdout() + r.stderr());
                    // where the simulation stops following the probe (it left the cluster), only the hops before count
                    if (ours.contains("kubepath shell: traceroute:")) theirs = theirs.substring(0, Math.min(theirs.length(), mine.length()));
                }
                case "ip", "bridge" -> {
                    if (!line.startsWith("ip route") && !line.contains("show dev")) continue;
                    CommandResult r = lab.exec(host, argv);
                    theirs = entries(line, r.stdout() + r.stderr());
                    mine = entries(line, ours);
                }
                default -> {
                    continue;
                }
            }
            compared++;
            if (!theirs.equals(mine)) disagreements.add(host + "# " + line + "\n  lab: " + theirs + "\n  sim: " + mine);
        }
        assertThat(compared).isGreaterThanOrEqualTo(20);
        assertThat(curlExits).as("the session's curls answered and timed out in the lab").contains("exit 0", "exit 28");
        assertThat(disagreements).isEmpty();
    }

    /** traceroute's hops: each hop's first answering address, or * when none answered. */
    static String hops(String out) {
        StringBuilder sb = new StringBuilder();
        for (String l : out.lines().toList()) {
            if (!l.matches(" ?\\d+  .*")) continue;
            String first = Arrays.stream(l.strip().split(" +")).skip(1).filter(w -> w.matches("[0-9.]+") && w.contains(".") && w.chars().filter(ch -> ch == '.').count() == 3)
                    .findFirst().orElse("*");
            sb.append(first).append(' ');
        }
        return sb.toString();
    }

    /** ping's verdict: its loss, or connect()'s error. */
    static String loss(String out) {
        Matcher m = Pattern.compile("(\\d+)% packet loss").matcher(out);
        if (m.find()) return m.group(1) + "% loss";
        return out.contains("Network is unreachable") ? "Network is unreachable" : "no verdict: " + out.strip();
    }

    /**
     * What a listing decides: {@code ip route get}'s answer line; each route's destination, gateway and device; the
     * permanent neighbour and FDB entries. Kernel annotations the seed's CentOS 7 does not print ({@code proto
     * kernel}) and entries the lab's own traffic leaves (REACHABLE, STALE) are not verdicts.
     */
    static String entries(String command, String out) {
        if (command.startsWith("ip route get")) return out.lines().findFirst().orElse("").strip();
        TreeSet<String> kept = new TreeSet<>();
        for (String l : out.lines().toList()) {
            if (command.startsWith("ip route")) {
                List<String> w = Arrays.asList(l.strip().split(" +"));
                String via = w.contains("via") ? " via " + w.get(w.indexOf("via") + 1) : "";
                String dev = w.contains("dev") ? " dev " + w.get(w.indexOf("dev") + 1) : "";
                kept.add(w.get(0) + via + dev);
            } else if (l.contains("PERMANENT") || l.contains("permanent")) {
                kept.add(l.strip());
            }
        }
        return String.join(" | ", kept);
    }
}

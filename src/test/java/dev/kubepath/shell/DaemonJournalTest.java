package dev.kubepath.shell;

import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.flannel.Klog;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code journalctl -u kube-proxy|docker} and journalctl's options: the lines the simulated kube-proxy and dockerd
 * wrote as things happened, laid out as public logs of the real daemons have them
 * (src/test/resources/shell/journalctl/SOURCE.md).
 */
class DaemonJournalTest {
    static final Path DIR = Path.of("src/test/resources/shell/journalctl");

    private static SimShell shell() {
        SimCluster cluster = SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z")));
        SeedCluster.bootHealthy(cluster);
        SeedCluster.deploy(cluster, SeedCluster.NODE_PORT_BEFORE);
        return new SimShell(cluster, SeedCluster.NODE05);
    }

    @Test
    void kubeProxyLinesAreGlogsAsARealKubeProxyWritesThem() throws IOException {
        for (String line : Files.readAllLines(DIR.resolve("kube-proxy-k8s-66509.txt"))) {
            Matcher m = FlanneldJournalTest.KLOG.matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            Instant at = LocalDateTime.of(2018, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)),
                    Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)), Integer.parseInt(m.group(7)) * 1000).toInstant(ZoneOffset.UTC);
            assertThat(Klog.line(m.group(1).charAt(0), at, Integer.parseInt(m.group(8)), "pkg/proxy/" + m.group(9), m.group(10))).isEqualTo(line);
        }
    }

    @Test
    void kubeProxyLogsItsModeVersionAndEachServicePortAddedAndRemoved() {
        SimShell shell = shell();
        String out = shell.run("journalctl -u kube-proxy");
        Pattern entry = Pattern.compile("(?m)^Jun 0\\d \\d\\d:\\d\\d:\\d\\d mcwk8s05 kube-proxy\\[(\\d+)]: ([IW])\\d{4} [\\d:.]+ +(\\d+) (\\S+)] (.*)$");
        Matcher m = entry.matcher(out);
        List<String> messages = new java.util.ArrayList<>();
        while (m.find()) {
            assertThat(m.group(3)).as("the klog line's pid is the journal's").isEqualTo(m.group(1));
            messages.add(m.group(2) + " " + m.group(4) + " " + m.group(5));
        }
        assertThat(messages).startsWith("I server_others.go:170 Using ipvs Proxier.",
                "W proxier.go:401 IPVS scheduler not specified, use rr by default", "I server.go:534 Version: v1.15.12");
        assertThat(messages).contains("I service.go:309 Adding new service port \"default/mcwtest-svc:mcwport\" at 10.2.0.155:2024/TCP");
        assertThat(messages).noneMatch(s -> s.contains("nginx")); // headless: kube-proxy skips it

        shell.run("sleep 1h");
        shell.run("kubectl delete svc mcwtest-svc");
        assertThat(shell.run("journalctl -u kube-proxy -n 1")).endsWith("service.go:334] Removing service port \"default/mcwtest-svc:mcwport\"\n")
                .contains("\nJun 03 15:00:00 mcwk8s05 kube-proxy[");
        // the master runs no kube-proxy: systemd has no entries for the unit
        shell.run("ssh mcwk8s03");
        assertThat(shell.run("journalctl -u kube-proxy")).endsWith("\n-- No entries --\n");
    }

    @Test
    void dockerdLinesAreLaidOutAsARealJournalOfDockerd() throws IOException {
        List<String> real = Files.readAllLines(DIR.resolve("dockerd-amazon-ecs-ami-121.txt"));
        SimShell shell = shell();
        shell.run("systemctl restart docker");
        String ours = shell.run("journalctl -u docker");
        Pattern dockerd = Pattern.compile("(?m)^([A-Z][a-z]{2} \\d{2} (\\d\\d:\\d\\d:\\d\\d)) mcwk8s05 dockerd\\[\\d+]: time=\"\\d{4}-\\d\\d-\\d\\dT(\\d\\d:\\d\\d:\\d\\d)[.\\dZ]*\" level=info (msg=.*)$");
        Matcher m = dockerd.matcher(ours);
        List<String> fields = new java.util.ArrayList<>();
        while (m.find()) {
            assertThat(m.group(3)).as("logrus's time is the journal's").isEqualTo(m.group(2));
            fields.add(m.group(4));
        }
        // every pasted line of dockerd, but for its version, is one the simulated dockerd writes, in the same layout
        for (String line : real) {
            if (!line.contains(" dockerd[")) continue;
            Matcher r = dockerd.matcher(line.replace("ip-172-31-58-87.us-west-2.compute.internal", "mcwk8s05"));
            assertThat(r.find()).as(line).isTrue();
            String f = r.group(4).replace("commit=6051f14", "commit=3056208").replace("version=20.10.23", "version=20.10.21");
            assertThat(fields).contains(f);
        }
        for (String line : real) {
            if (line.contains(" systemd[1]: ")) assertThat(ours).contains(" mcwk8s05 systemd[1]: " + line.substring(line.indexOf("]: ") + 3) + "\n");
        }
        assertThat(fields).containsSubsequence("msg=\"Processing signal 'terminated'\"", "msg=\"Daemon shutdown complete\"", "msg=\"Starting up\"");
    }

    @Test
    void linesAndSinceSelectTheEntries() {
        SimShell shell = shell();
        String all = shell.run("journalctl -u docker");
        List<String> entries = all.lines().skip(1).toList();
        assertThat(shell.run("journalctl -u docker -n 2").lines().skip(1).toList()).isEqualTo(entries.subList(entries.size() - 2, entries.size()));
        assertThat(shell.run("journalctl -u docker -n2 --no-pager")).isEqualTo(shell.run("journalctl -u docker -n 2"));
        assertThat(shell.run("journalctl -u docker -n 0")).endsWith(". --\n-- No entries --\n");
        shell.run("sleep 2h");
        shell.run("systemctl restart docker");
        String recent = shell.run("journalctl -u docker --since \"1 hour ago\"");
        assertThat(recent.lines().skip(1)).isNotEmpty().allMatch(l -> l.startsWith("Jun 03 16:00:00 mcwk8s05 "));
        assertThat(shell.run("journalctl -u docker --since \"2024-06-03 15:59:59\"")).isEqualTo(recent);
        assertThat(shell.run("journalctl -u docker -S 16:00")).isEqualTo(recent);
        assertThat(shell.run("journalctl -u docker --since=today").lines().count()).isGreaterThan(recent.lines().count());
        assertThat(shell.run("journalctl -u docker --since tomorrow")).endsWith(". --\n-- No entries --\n");
    }

    @Test
    void badOptionsAreRefusedInJournalctlsWords() {
        SimShell shell = shell();
        assertThat(shell.run("journalctl -u docker --since yesterdayish")).isEqualTo("Failed to parse timestamp: yesterdayish\n");
        assertThat(shell.status()).isEqualTo(1);
        assertThat(shell.run("journalctl -u docker --since \"2024-13-01\"")).isEqualTo("Failed to parse timestamp: 2024-13-01\n");
        assertThat(shell.run("journalctl --bogus")).isEqualTo("journalctl: unrecognized option '--bogus'\n");
        assertThat(shell.run("journalctl -z")).isEqualTo("journalctl: invalid option -- 'z'\n");
        assertThat(shell.run("journalctl --since")).isEqualTo("journalctl: option '--since' requires an argument\n");
        assertThat(shell.run("journalctl -u docker --lines=x")).isEqualTo("Failed to parse lines 'x'\n");
        assertThat(shell.run("journalctl -u docker -o json")).startsWith("kubepath shell: journalctl -o is not simulated");
    }

    @Test
    void followInATranscriptPrintsTheLastTenEntriesAndEnds() {
        SimShell shell = shell();
        String follow = shell.run("journalctl -u docker -f");
        assertThat(follow).isEqualTo(shell.run("journalctl -u docker -n 10"));
        shell.run("systemctl restart docker"); // now more than ten entries
        assertThat(shell.run("journalctl -u docker -f").lines().count()).isEqualTo(11);
        assertThat(shell.run("journalctl -u docker -f -n 3")).isEqualTo(shell.run("journalctl -u docker -n 3"));
    }

    @Test
    void followOnATerminalPrintsThenWaitsUntilCtrlC() throws InterruptedException {
        SimShell shell = shell();
        String expected = shell.run("journalctl -u docker -n 10");
        AtomicReference<String> printed = new AtomicReference<>("");
        AtomicReference<String> returned = new AtomicReference<>();
        AtomicReference<Boolean> interrupted = new AtomicReference<>();
        shell.onTerminal(printed::set);
        Thread command = new Thread(() -> {
            returned.set(shell.run("journalctl -u docker -f"));
            interrupted.set(Thread.interrupted());
        });
        command.start();
        for (int i = 0; i < 100 && printed.get().isEmpty(); i++) Thread.sleep(20);
        Thread.sleep(100);
        assertThat(command.isAlive()).as("it follows until Ctrl-C").isTrue();
        assertThat(printed.get()).isEqualTo(expected);
        command.interrupt(); // what the shell's SIGINT handler does
        command.join(5000);
        assertThat(command.isAlive()).isFalse();
        assertThat(returned.get()).isEmpty();
        assertThat(interrupted.get()).as("the shell's loop prints ^C").isTrue();
    }
}

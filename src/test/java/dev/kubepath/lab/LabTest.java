package dev.kubepath.lab;

import dev.kubepath.host.linux.Netns;
import dev.kubepath.host.linux.ProcessRunner;
import dev.kubepath.net.Ipv4;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabTest {
    private final ProcessRunner runner = ProcessRunner.withDefaultTimeout();

    @BeforeEach
    void root() {
        RootOnly.assume();
    }

    private List<String> ours(Lab lab) {
        return Lab.listNamespaces(runner, Pattern.compile(Pattern.quote(lab.prefix()) + ".*"));
    }

    @Test
    void namespacesCarryTheRunPrefixAndAreGoneAfterClose() {
        Lab lab = new Lab();
        try (lab) {
            assertThat(lab.prefix()).matches("kp-[a-z0-9]{6}-");
            Netns a = lab.namespace("a");
            lab.namespace("b");
            assertThat(a.name()).isEqualTo(lab.prefix() + "a");
            assertThat(ours(lab)).containsExactlyInAnyOrder(lab.prefix() + "a", lab.prefix() + "b");
            assertThat(Lab.NAME_PATTERN.matcher(a.name()).matches()).isTrue();
            assertThat(a.exec("cat", "/proc/sys/net/ipv4/ip_forward").stdout().strip()).isEqualTo("0");
        }
        assertThat(ours(lab)).isEmpty();
    }

    @Test
    void aFailingTestStillLeavesNoNamespaceBehind() {
        Lab lab = new Lab();
        assertThatThrownBy(() -> {
            try (lab) {
                lab.namespace("x");
                throw new IllegalStateException("test failure inside the lab");
            }
        }).hasMessageContaining("test failure");
        assertThat(ours(lab)).isEmpty();
    }

    @Test
    void processesStartedInTheLabDieWithIt() throws Exception {
        Process p;
        try (Lab lab = new Lab()) {
            Netns a = lab.namespace("a");
            p = lab.start(a, List.of("sleep", "60"));
            assertThat(p.isAlive()).isTrue();
            assertThat(runner.run(List.of("ip", "netns", "pids", a.name())).stdout()).isNotBlank();
        }
        assertThat(p.isAlive()).isFalse();
    }

    @Test
    void cleanupStaleRemovesWhatACrashedRunLeftIncludingItsProcesses() throws Exception {
        // a crashed run: a namespace with the lab's naming and a process in it, with no Lab object to close it
        String tag = "kp-" + Long.toString(new java.util.Random().nextLong(60466176L, 2176782335L), 36) + "-crashed";
        runner.run(List.of("ip", "netns", "add", tag)).orThrow();
        Process orphan = new ProcessBuilder("ip", "netns", "exec", tag, "sleep", "60").start();
        Thread.sleep(100);
        assertThat(Lab.listNamespaces(runner, Lab.NAME_PATTERN)).contains(tag);
        // and the run's temporary directory (its CoreDNS pods' records)
        java.nio.file.Path files = java.nio.file.Files.createTempDirectory("kubepath-" + tag.substring(0, 10));
        java.nio.file.Files.writeString(files.resolve("dns-records"), "web.default.svc.cluster.local=10.96.0.7\n");

        List<String> removed = Lab.cleanupStale(runner, Pattern.compile(Pattern.quote(tag)));

        assertThat(removed).containsExactly(tag);
        assertThat(Lab.listNamespaces(runner, Lab.NAME_PATTERN)).doesNotContain(tag);
        assertThat(orphan.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(files).doesNotExist();
    }

    @Test
    void aJvmThatExitsWithoutClosingOrIsTerminatedLeavesNothing() throws Exception {
        for (String how : List.of("exit", "sigterm")) {
            String javaBin = ProcessHandle.current().info().command().orElseThrow();
            Process child = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), LabExitProbe.class.getName(), how)
                    .redirectErrorStream(true).start();
            var reader = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()));
            String prefix = reader.readLine();
            assertThat(prefix).as(how).matches("kp-[a-z0-9]{6}-");
            Pattern mine = Pattern.compile(Pattern.quote(prefix) + ".*");
            if (how.equals("sigterm")) {
                assertThat(Lab.listNamespaces(runner, mine)).hasSize(1);
                child.destroy(); // SIGTERM, as Ctrl-C or a CI timeout sends
            }
            assertThat(child.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(Lab.listNamespaces(runner, mine)).as(how).isEmpty();
        }
    }

    @Test
    void buildingATwoHostUnderlayLeavesTheRootNamespaceUnchanged() {
        List<String> before = rootState();
        try (Lab lab = new Lab()) {
            Underlay u = new Underlay(lab);
            Netns a = lab.namespace("a");
            Netns b = lab.namespace("b");
            u.attach(a, "eth0", Ipv4.parse("10.0.0.1"), 24);
            u.attach(b, "eth0", Ipv4.parse("10.0.0.2"), 24);
            a.exec("nft", "add", "table", "ip", "probe").orThrow();
            assertThat(a.exec("ping", "-c1", "-W1", "10.0.0.2").exit()).isZero();
            assertThat(rootState()).isEqualTo(before);
        }
        assertThat(rootState()).isEqualTo(before);
    }

    private List<String> rootState() {
        return List.of(runner.run(List.of("ip", "-j", "link")).stdout(),
                runner.run(List.of("ip", "-j", "route", "show", "table", "all")).stdout(),
                runner.run(List.of("nft", "list", "ruleset")).stdout());
    }
}

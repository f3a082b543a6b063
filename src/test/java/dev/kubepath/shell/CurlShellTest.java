package dev.kubepath.shell;

import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.host.linux.CommandResult;
import dev.kubepath.host.linux.ProcessRunner;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * curl's options in the shell: exit codes 0, 7, 28, 6; {@code -s}, {@code -S}, {@code -o /dev/null -w '%{http_code}'};
 * {@code --max-time}/{@code -m}/{@code --connect-timeout}. The words of option errors are checked against the curl
 * on this machine (they have not changed since 7.29); a timed-out connection's line is curl's as public runs print it
 * ("curl: (28) Connection timed out after 5001 milliseconds" for --connect-timeout 5, Microsoft's Azure VM tutorial and
 * many others); the (7) lines are the seed's curl 7.29.
 */
class CurlShellTest {
    /** The seed as the incident left it: from the master the ClusterIP times out, 03's NodePort is refused; from 05 it answers. */
    private static SimShell seed() {
        SimCluster c = SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z")));
        SeedCluster.incident(c);
        return new SimShell(c, SeedCluster.MASTER);
    }

    @Test
    void exitCodesAreCurlsForEachVerdict() {
        SimShell shell = seed();
        assertThat(shell.run("curl -I 10.2.0.155:2024")).isEqualTo("curl: (7) Failed connect to 10.2.0.155:2024; Connection timed out\n");
        assertThat(shell.status()).isEqualTo(7);
        assertThat(shell.run("curl -I --max-time 2 10.2.0.155:2024")).isEqualTo("curl: (28) Connection timed out after 2001 milliseconds\n");
        assertThat(shell.status()).isEqualTo(28);
        assertThat(shell.run("curl -I -m 0.5 10.2.0.155:2024")).isEqualTo("curl: (28) Connection timed out after 501 milliseconds\n");
        assertThat(shell.run("curl -I --connect-timeout 5 -m 9 10.2.0.155:2024")).isEqualTo("curl: (28) Connection timed out after 5001 milliseconds\n");
        assertThat(shell.run("curl -sSm3 -I 10.2.0.155:2024")).isEqualTo("curl: (28) Connection timed out after 3001 milliseconds\n");
        assertThat(shell.run("curl -I --max-time 2 10.0.0.33:41527")).isEqualTo("curl: (7) Failed connect to 10.0.0.33:41527; Connection refused\n");
        assertThat(shell.status()).isEqualTo(7);
        assertThat(shell.run("curl -I --max-time 2 http://nosuch.default")).startsWith("curl: (6) Could not resolve host: nosuch.default; ");
        assertThat(shell.status()).isEqualTo(6);
        shell.run("ssh mcwk8s05");
        assertThat(shell.run("curl -I -m 2 10.2.0.155:2024")).startsWith("HTTP/1.0 200 OK\n");
        assertThat(shell.status()).isZero();
    }

    @Test
    void silentHidesErrorsShowErrorKeepsThemAndWriteOutPrintsTheCode() {
        SimShell shell = seed();
        assertThat(shell.run("curl -s -I 10.2.0.155:2024")).isEmpty();
        assertThat(shell.status()).isEqualTo(7);
        assertThat(shell.run("curl -sS -I -m 1 10.2.0.155:2024")).isEqualTo("curl: (28) Connection timed out after 1001 milliseconds\n");
        assertThat(shell.run("curl -s -o /dev/null -w '%{http_code}\\n' --max-time 2 10.2.0.155:2024")).isEqualTo("000\n");
        assertThat(shell.status()).isEqualTo(28);
        assertThat(shell.run("curl -s -o /dev/null -w '%{http_code}' 10.0.0.33:41527")).isEqualTo("000");
        assertThat(shell.status()).isEqualTo(7);
        shell.run("ssh mcwk8s05");
        assertThat(shell.run("curl -s -o /dev/null -w '%{http_code}\\n' 10.2.0.155:2024")).isEqualTo("200\n");
        assertThat(shell.status()).isZero();
        assertThat(shell.run("curl -I -o /dev/null 10.2.0.155:2024")).isEmpty();
        // curl's error goes to standard error: a later grep does not filter it
        shell.run("exit");
        assertThat(shell.run("curl -I -m 1 10.2.0.155:2024 | grep nothing")).isEqualTo("curl: (28) Connection timed out after 1001 milliseconds\n");
    }

    @Test
    void optionErrorsAreTheRealCurls() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        SimShell shell = seed();
        for (List<String> args : List.of(List.of("--bogus", "http://127.0.0.1:1"), List.of("--max-time"), List.of("--max-time", "x", "http://127.0.0.1:1"),
                List.of("--connect-timeout", "1s", "http://127.0.0.1:1"), List.of("-m"))) {
            List<String> argv = new java.util.ArrayList<>(List.of("/usr/bin/curl"));
            argv.addAll(args);
            CommandResult real = ProcessRunner.withDefaultTimeout().run(argv);
            assertThat(shell.run("curl " + String.join(" ", args))).as(args.toString()).isEqualTo(real.stdout() + real.stderr());
            assertThat(shell.status()).as(args.toString()).isEqualTo(real.exit());
        }
        // a refused connection to a closed loopback port: -w prints 000 and curl exits 7, as the simulation's refused NodePort
        CommandResult real = ProcessRunner.withDefaultTimeout().run(List.of("/usr/bin/curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "1", "http://127.0.0.1:1/"));
        assertThat(shell.run("curl -s -o /dev/null -w '%{http_code}' --max-time 1 10.0.0.33:41527")).isEqualTo(real.stdout());
        assertThat(shell.status()).isEqualTo(real.exit());
    }
}

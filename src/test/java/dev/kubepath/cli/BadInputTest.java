package dev.kubepath.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The obvious mistakes of a first session (a folder where a file goes, a folder that is no bundle): one line, exit 2. */
class BadInputTest {
    @TempDir
    Path dir;

    private static void oneLineExitTwo(Cli r, String expected) {
        assertThat(r.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err().lines().toList()).as("one line, no warnings or trace before it").hasSize(1);
        assertThat(r.err()).startsWith("kubepath: ").contains(expected).doesNotContain("internal error", "Exception");
    }

    @Test
    void aReportWrittenToADirectoryIsBadInputNotAnInternalError() {
        oneLineExitTwo(Cli.run("report", "scenarios/seed-incident.yaml", "--no-doctor", "-o", dir.toString()),
                "-o " + dir + ": a directory; expected the HTML file to write");
    }

    @Test
    void aShellScriptThatIsADirectoryIsBadInput() {
        oneLineExitTwo(Cli.run("shell", "--script", dir.toString()), dir + ": a directory; expected a script file");
    }

    @Test
    void aDirectoryWithNeitherClusterNorHostsIsNoBundleForAnyCommand() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "not a bundle\n");
        String expected = dir + ": not a bundle directory: neither cluster/ nor hosts/ inside";
        oneLineExitTwo(Cli.run("read", dir.toString()), expected);
        oneLineExitTwo(Cli.run("doctor", dir.toString()), expected);
        oneLineExitTwo(Cli.run("trace", dir.toString(), "--from", "mcwk8s03", "--to", "10.0.0.36:41527"), expected);
        oneLineExitTwo(Cli.run("matrix", dir.toString()), expected);
        oneLineExitTwo(Cli.run("whatif", dir.toString(), "--do", "on mcwk8s05: systemctl restart flanneld"), expected);
    }

    @Test
    void aBundleWithOnlyHostsIsStillReadWithWarnings() throws IOException {
        Files.createDirectories(dir.resolve("hosts/node1"));
        Files.writeString(dir.resolve("hosts/node1/route.txt"), "default via 10.0.0.254 dev eth0\n");
        Cli r = Cli.run("read", dir.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out() + r.err()).contains("cluster directory is missing");
        assertThat(r.out()).contains("host node1:");
    }
}

package dev.kubepath.shell;

import dev.kubepath.cli.Main;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `kubepath shell seed --script scenarios/seed-toolbox-shell.txt` (an on-call session of more than 120 commands over
 * the master and both nodes, with a fault and a day passing) replays byte for byte as it was recorded in
 * src/test/resources/shell/sessions. This guards against regressions only: each format in it is proved against the
 * real tool by its own golden test (IprouteGoldenTest, NetfilterGoldenTest, KubectlGoldenTest, FiltersGoldenTest,
 * EtcdctlShellTest). After a reviewed change of output, record it again with
 * {@code ./kubepath shell seed --script scenarios/seed-toolbox-shell.txt > src/test/resources/shell/sessions/seed-toolbox-shell.out}.
 */
class SessionReplayTest {
    static final Path SCRIPT = Path.of("scenarios/seed-toolbox-shell.txt");
    static final Path RECORDED = Path.of("src/test/resources/shell/sessions/seed-toolbox-shell.out");

    @Test
    void theToolboxSessionReplaysByteForByte() throws IOException {
        long commands = Files.readAllLines(SCRIPT).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).count();
        assertThat(commands).as("commands in the session").isGreaterThanOrEqualTo(120);
        StringWriter out = new StringWriter();
        var cl = Main.commandLineForTests();
        cl.setOut(new PrintWriter(out, true));
        int code = cl.execute("shell", "seed", "--script", SCRIPT.toString());
        assertThat(code).isZero();
        String want = Files.readString(RECORDED);
        String got = out.toString();
        if (!got.equals(want)) {
            // the first line that differs, with its neighbours, says more than two 700-line texts
            String[] g = got.split("\n", -1), w = want.split("\n", -1);
            int i = 0;
            while (i < Math.min(g.length, w.length) && g[i].equals(w[i])) i++;
            assertThat(String.join("\n", java.util.Arrays.copyOfRange(g, Math.max(0, i - 3), Math.min(g.length, i + 3))))
                    .as("the replay from line %d", i + 1)
                    .isEqualTo(String.join("\n", java.util.Arrays.copyOfRange(w, Math.max(0, i - 3), Math.min(w.length, i + 3))));
        }
        assertThat(got).isEqualTo(want);
    }
}

package dev.kubepath.cli;

import dev.kubepath.ingest.InputException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

class MainErrorsTest {
    @CommandLine.Command(name = "fails")
    static final class Fails implements Callable<Integer> {
        RuntimeException thrown;

        @Override
        public Integer call() {
            throw thrown;
        }
    }

    private static Cli run(RuntimeException thrown) {
        Fails fails = new Fails();
        fails.thrown = thrown;
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.addSubcommand(new CommandLine(fails));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Cli(cl.execute("fails"), out.toString(), err.toString());
    }

    @Test
    void aBugThatThrowsIllegalArgumentIsAnInternalErrorNotBadInput() {
        Cli r = run(new IllegalArgumentException("prefix length 33"));
        assertThat(r.exit()).isEqualTo(Main.INTERNAL);
        assertThat(r.err()).startsWith(
                "kubepath: internal error: IllegalArgumentException: prefix length 33 (please report it, with the command line and the trace below)");
        assertThat(r.err()).as("the trace a report needs").contains("java.lang.IllegalArgumentException: prefix length 33\n\tat dev.kubepath.cli.MainErrorsTest");
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo() {
        Cli r = run(new InputException("nodes.txt", 3, "expected NAME STATUS ROLES AGE VERSION"));
        assertThat(r.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).isEqualTo("kubepath: nodes.txt:3: expected NAME STATUS ROLES AGE VERSION" + System.lineSeparator());
    }
}

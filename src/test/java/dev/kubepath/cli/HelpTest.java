package dev.kubepath.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every error line says "see 'kubepath CMD --help'": that help must exist, for every command and subcommand. */
class HelpTest {
    @Test
    void everyCommandAnswersHelpWithItsUsageAndExitCodeZero() {
        List<String> commands = new ArrayList<>();
        collect(Main.commandLine(), List.of(), commands);
        assertThat(commands).contains("trace", "lab verify", "bench");
        for (String command : commands) {
            List<String> args = new ArrayList<>(List.of(command.split(" ")));
            args.add("--help");
            Cli r = Cli.run(args.toArray(String[]::new));
            assertThat(r.exit()).as("kubepath %s --help", command).isZero();
            assertThat(r.out()).as("kubepath %s --help", command).startsWith("Usage: kubepath " + command);
            assertThat(r.err()).as("kubepath %s --help", command).isEmpty();
        }
    }

    @Test
    void aCommandRunAloneAnswersAsAmongAllTheOthers() {
        // a run builds only the command it names: its help, its errors and the usage without one must not change
        List<String> commands = new ArrayList<>();
        collect(Main.commandLine(), List.of(), commands);
        for (String command : commands) {
            String[] args = (command + " --help").split(" ");
            assertThat(Cli.run(args).out()).as("kubepath %s --help", command).isEqualTo(ranAmongAll(args).out());
        }
        for (String[] args : List.of(new String[] {"trace"}, new String[] {"doctor", "--nope"}, new String[] {"trcae"}, new String[] {},
                new String[] {"help", "doctor"}, new String[] {"--version"})) {
            Cli alone = Cli.run(args), all = ranAmongAll(args);
            assertThat(alone).as("kubepath %s", String.join(" ", args)).isEqualTo(all);
        }
    }

    private static Cli ranAmongAll(String... args) {
        java.io.StringWriter out = new java.io.StringWriter(), err = new java.io.StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        return new Cli(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void theMissingArgumentErrorPointsToAHelpThatWorks() {
        Cli wrong = Cli.run("trace");
        assertThat(wrong.exit()).isEqualTo(2);
        assertThat(wrong.err()).contains("(see 'kubepath trace --help')");
        assertThat(Cli.run("trace", "-h").out()).contains("--from", "--to");
    }

    @Test
    void theCommandListsShowEachSummaryWhole() {
        // picocli lists a command by the first line of its description: a line cut at a comma reads as a truncation
        assertThat(Cli.run("--help").out()).contains("  shell       An operator's shell on a simulated cluster, answering in the real");
        List<String> commands = new ArrayList<>();
        collect(Main.commandLine(), List.of(), commands);
        for (String command : commands) {
            CommandLine cl = Main.commandLine();
            for (String name : command.split(" ")) cl = cl.getSubcommands().get(name);
            String summary = cl.getCommandSpec().usageMessage().description()[0];
            assertThat(summary).as("kubepath %s's summary", command).endsWith(".");
        }
    }

    private static void collect(CommandLine cl, List<String> path, List<String> into) {
        cl.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().usageMessage().hidden() || name.equals("help")) return;
            List<String> p = new ArrayList<>(path);
            p.add(name);
            into.add(String.join(" ", p));
            collect(sub, p, into);
        });
    }
}

package dev.kubepath.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: picocli commands only; every command formats what a lower layer computed. */
@Command(name = "kubepath", mixinStandardHelpOptions = true, version = "kubepath 0.1.0",
        description = "Follows packets through a flannel VXLAN + kube-proxy cluster network: simulate, run for real, diagnose.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }
}

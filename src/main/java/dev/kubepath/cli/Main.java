package dev.kubepath.cli;

import dev.kubepath.ingest.InputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;

/** Entry point: picocli commands only; every command formats what a lower layer computed. */
@Command(name = "kubepath", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Follows packets through a flannel VXLAN + kube-proxy cluster network: simulate, run for real, diagnose.")
public final class Main implements Runnable {
    /** The commands, in the order the usage lists them. */
    private static final List<Class<?>> COMMANDS = List.of(DemoCommand.class, ShellCommand.class, SimulateCommand.class,
            TraceCommand.class, DoctorCommand.class, ReadCommand.class, MatrixCommand.class, DiffCommand.class, ReportCommand.class,
            WhatifCommand.class, GenerateCommand.class, FlanneldCommand.class, LabCommand.class, BenchCommand.class,
            StartupCacheCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class);
    /** Commands that speak of the others: the help of a command, the completion script of them all. */
    private static final List<Class<?>> ABOUT_OTHERS = List.of(CompletionCommand.class, CommandLine.HelpCommand.class);

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Without a command: the usage, with the first thing to try. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
        spec.commandLine().getOut().println("\nStart with: kubepath demo");
    }

    /** The version, and the commit and date the build was made from (build.properties, written by the build). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws java.io.IOException {
            java.util.Properties p = new java.util.Properties();
            try (var in = Main.class.getResourceAsStream("/dev/kubepath/build.properties")) {
                if (in != null) p.load(in);
            }
            return new String[] {"kubepath 0.1.0 (commit " + p.getProperty("commit", "unknown") + ", " + p.getProperty("date", "unknown") + ")"};
        }
    }

    /** Exit code for bad input: the command line, a file, a host name. */
    public static final int BAD_INPUT = 2;

    /** Exit code when the Java heap runs out: not bad input, not a bug, a cluster too large for the heap given. */
    public static final int OUT_OF_MEMORY = 4; // 3 is the doctor's "insufficient evidence"

    public static void main(String[] args) {
        // a worker thread (a parallel stream's) that runs out of heap would otherwise print its stack trace
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (e instanceof OutOfMemoryError) outOfMemory();
            else e.printStackTrace();
        });
        int code;
        try {
            code = run(args);
        } catch (OutOfMemoryError e) {
            code = outOfMemory();
        }
        System.exit(code);
    }

    /** Prints the one line and stops at once, whichever thread got there first. */
    private static int outOfMemory() {
        // the work's objects are unreachable once the error has unwound: there is room for one line
        System.err.println(outOfMemory(Runtime.getRuntime().maxMemory()));
        System.err.flush();
        Runtime.getRuntime().halt(OUT_OF_MEMORY);
        return OUT_OF_MEMORY;
    }

    /** The one line printed when the heap runs out: its size and how to raise it. */
    static String outOfMemory(long maxHeapBytes) {
        String heap = maxHeapBytes >= 1L << 30 ? String.format(java.util.Locale.ROOT, "%.1f GB", maxHeapBytes / (double) (1L << 30))
                : (maxHeapBytes >> 20) + " MB";
        return "kubepath: out of memory: the Java heap (" + heap + ") is full; give it more with KUBEPATH_JAVA_OPTS=-Xmx4g (or larger)";
    }

    public static int run(String... args) {
        return commandLine(args).execute(args);
    }

    /** The command line as tests drive it, with the same error handling as the real one. */
    public static CommandLine commandLineForTests() {
        return commandLine();
    }

    /** The whole command line: every command. */
    static CommandLine commandLine() {
        return commandLine(COMMANDS);
    }

    /**
     * The command line that runs {@code args}: when they start with a command's name, that command alone. Picocli
     * reads the annotations of every command it is given, and reading all of them was 0.4 s of each run's start (a
     * third of a second before `kubepath doctor` reads a byte). Without a command's name (the usage, --version, a
     * misspelt command), or for help and completion, every command is there.
     */
    static CommandLine commandLine(String... args) {
        if (args.length == 0) return commandLine();
        for (Class<?> c : COMMANDS) {
            if (!ABOUT_OTHERS.contains(c) && c.getAnnotation(Command.class).name().equals(args[0])) return commandLine(List.of(c));
        }
        return commandLine();
    }

    private static CommandLine commandLine(List<Class<?>> commands) {
        CommandLine cl = new CommandLine(new Main());
        for (Class<?> c : commands) cl.addSubcommand(c);
        cl.getSubcommands().values().forEach(Main::addHelpOption);
        cl.setExecutionExceptionHandler(Main::handle);
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("kubepath: " + ex.getMessage() + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return BAD_INPUT;
        });
        return cl;
    }

    /**
     * Every command and subcommand answers -h/--help with its usage, as the one-line errors tell the operator to try
     * ('see kubepath trace --help'); the version option stays on kubepath itself, where the version is.
     */
    private static void addHelpOption(CommandLine command) {
        if (command.getCommandSpec().optionsMap().get("--help") == null) {
            command.getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Show this help message and exit.").build());
        }
        command.getSubcommands().values().forEach(Main::addHelpOption);
    }

    /** Exit code for a failure of kubepath itself (sysexits' EX_SOFTWARE): a bug to report, never the user's input. */
    public static final int INTERNAL = 70;

    /**
     * Bad input ({@link InputException}) becomes one line and exit code 2. Anything else escaped a command unexpected,
     * whatever its type (an IllegalArgumentException included): it is an internal failure, said as such, with the
     * stack trace the report needs.
     */
    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (e instanceof InputException ie) {
            err.println("kubepath: " + ie.oneLine());
            err.flush();
            return BAD_INPUT;
        }
        InternalFailure failure = e instanceof InternalFailure f ? f : new InternalFailure(e);
        err.println("kubepath: " + failure.getMessage());
        failure.getCause().printStackTrace(err);
        err.flush();
        return INTERNAL;
    }
}

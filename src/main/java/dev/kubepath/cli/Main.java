package dev.kubepath.cli;

import dev.kubepath.ingest.InputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** Entry point: picocli commands only; every command formats what a lower layer computed. */
@Command(name = "kubepath", mixinStandardHelpOptions = true, version = "kubepath 0.1.0",
        description = "Follows packets through a flannel VXLAN + kube-proxy cluster network: simulate, run for real, diagnose.",
        subcommands = {DemoCommand.class, ShellCommand.class, SimulateCommand.class, TraceCommand.class, DoctorCommand.class, ReadCommand.class, MatrixCommand.class, DiffCommand.class,
                ReportCommand.class, GenerateCommand.class, FlanneldCommand.class, LabCommand.class, BenchCommand.class, StartupCacheCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Without a command: the usage, with the first thing to try. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
        spec.commandLine().getOut().println("\nStart with: kubepath demo");
    }

    /** Exit code for bad input: the command line, a file, a host name. */
    public static final int BAD_INPUT = 2;

    /** Exit code when the Java heap runs out: not bad input, not a bug, a cluster too large for the heap given. */
    public static final int OUT_OF_MEMORY = 3;

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
        return commandLine().execute(args);
    }

    /** The command line as tests drive it, with the same error handling as the real one. */
    public static CommandLine commandLineForTests() {
        return commandLine();
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::handle);
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("kubepath: " + ex.getMessage() + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return BAD_INPUT;
        });
        return cl;
    }

    /** Bad input becomes one line and exit code 2; anything else is a bug and keeps its stack trace. */
    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) throws Exception {
        PrintWriter err = cl.getErr();
        switch (e) {
            case InputException ie -> err.println("kubepath: " + ie.oneLine());
            case IllegalArgumentException ia -> err.println("kubepath: " + ia.getMessage());
            default -> throw e;
        }
        err.flush();
        return BAD_INPUT;
    }
}

package dev.kubepath.cli;

import dev.kubepath.cluster.ClusterFile;
import dev.kubepath.cluster.ClusterRun;
import dev.kubepath.ingest.InputException;
import dev.kubepath.cluster.SeedCluster;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.shell.SimShell;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "shell", description = {
        "An operator's shell on a simulated cluster, answering in the real tools' formats.",
        "kubectl, curl, ping, route -n, ip, ifconfig, ipvsadm, iptables-save, etcdctl, systemctl,",
        "cat /run/flannel/subnet.env, sleep 25h, ssh HOST, kubepath trace. Interactive on a terminal;",
        "otherwise it reads commands from --script or standard input and prints each with its prompt, like a transcript."})
final class ShellCommand implements Callable<Integer> {
    @Parameters(index = "0", defaultValue = "seed", paramLabel = "SCENARIO", description = "the cluster: 'seed' (the seed incident; default) or a cluster file (kind: Cluster), run to its timeline's end")
    String scenario;

    @Option(names = "--at", paramLabel = "MOMENT", description = {"the seed: 'healthy' (before anything broke) or 'incident' (default);",
            "a cluster file: a time (e.g. 25h; default: the timeline's end)"})
    String at;

    @Option(names = "--follow-seed", description = "where a random source or flannel would choose, take what the seed shows (flanneld's new subnet 172.17.89.0/24, the pod at .10, NodePort 33958)")
    boolean followSeed;

    @Option(names = "--script", paramLabel = "FILE", description = "run the commands in FILE (one a line; # comments) and exit")
    Path script;

    @Option(names = "--host", paramLabel = "HOST", description = "the host to start on (default: the master)")
    String host;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!scenario.equals("seed")) return onFile();
        SimCluster cluster = SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z")));
        SeedCluster.bootHealthy(cluster);
        switch (at == null ? "incident" : at) {
            case "healthy" -> { }
            case "incident" -> {
                SeedCluster.breakLikeTheSeed(cluster);
                SeedCluster.deploy(cluster, SeedCluster.NODE_PORT_BEFORE);
            }
            default -> throw new InputException("--at '" + at + "': expected healthy or incident");
        }
        if (followSeed) {
            SeedCluster.pinTheFix(cluster);
            cluster.pinService("mcwtest-svc", SeedCluster.CLUSTER_IP, SeedCluster.NODE_PORT_AFTER);
        }
        return run(cluster, SeedCluster.MASTER);
    }

    /** A cluster file: booted, its timeline played to --at (default: its end), then the shell on its first host. */
    private Integer onFile() throws Exception {
        if (followSeed) throw new InputException("--follow-seed is for the seed; a cluster file pins with 'pin' lines in its timeline");
        Path path = Path.of(scenario);
        if (!Files.isRegularFile(path)) {
            throw new InputException("unknown scenario '" + scenario + "' (expected 'seed' or a cluster file; snapshot files are for 'kubepath trace')");
        }
        ClusterFile f = ClusterFiles.load(scenario, spec);
        ClusterRun run = ClusterRun.simulated(f, e -> { });
        run.boot();
        run.runUntil(at == null ? f.end() : ClusterFile.duration(at));
        return run(run.cluster(), f.spec().hosts().getFirst().name());
    }

    private Integer run(SimCluster cluster, String defaultHost) throws Exception {
        SimShell shell = new SimShell(cluster, host != null ? host : defaultHost);
        if (host != null && !cluster.hasHost(host)) throw new InputException("unknown host '" + host + "' (hosts: " + String.join(", ", cluster.hostNames()) + ")");
        PrintWriter out = spec.commandLine().getOut();
        if (script != null) {
            if (Files.isDirectory(script)) throw new InputException(script + ": a directory; expected a script file (one command a line)");
            if (!Files.isReadable(script)) throw new InputException(script + ": cannot read the script");
            List<String> lines;
            try {
                lines = Files.readAllLines(script);
            } catch (java.io.IOException e) {
                throw new InputException(script + ": cannot read the script: " + e.getMessage());
            }
            transcript(shell, lines, out);
        } else if (System.console() != null) {
            interactive(shell, cluster.hostNames());
        } else {
            transcript(shell, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).lines().toList(), out);
        }
        return 0;
    }

    /** Each command printed after its prompt, then its output: what an operator would paste into an incident note. */
    static void transcript(SimShell shell, List<String> lines, PrintWriter out) {
        for (String line : lines) {
            if (line.isBlank()) continue;
            if (line.startsWith("#")) {
                out.println(line);
                continue;
            }
            out.print(shell.prompt() + line + "\n");
            out.print(shell.run(line));
            if (shell.exited()) break;
        }
        out.flush();
    }

    /**
     * The next command: Ctrl-C at the prompt ({@link UserInterruptException}) drops the line typed so far and asks
     * again, as bash does; Ctrl-D on an empty line ({@link EndOfFileException}) gives null, leaving the shell.
     */
    static String next(java.util.function.Function<String, String> readLine, String prompt) {
        while (true) {
            try {
                return readLine.apply(prompt);
            } catch (UserInterruptException e) {
                // the partial line is discarded; JLine has already moved to a fresh line
            } catch (EndOfFileException e) {
                return null;
            }
        }
    }

    private static void interactive(SimShell shell, List<String> hosts) throws Exception {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            // Tab: a command first, then hosts and the current host's devices (asked again at each Tab, as ssh moves)
            org.jline.reader.Completer completer = (r, parsed, candidates) -> {
                List<String> words = parsed.wordIndex() == 0 ? SimShell.COMMANDS : shell.completions();
                for (String w : words) candidates.add(new org.jline.reader.Candidate(w));
            };
            LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("kubepath").completer(completer).build();
            shell.onTerminal(text -> {
                terminal.writer().print(text);
                terminal.writer().flush();
            });
            terminal.writer().println("kubepath shell: a simulated cluster. Hosts: ssh " + String.join("|", hosts) + ". 'exit' or Ctrl-D leaves.");
            // while a command runs the terminal is out of raw mode and Ctrl-C is SIGINT, which would end the JVM and
            // the shell with it: the handler interrupts the command's thread instead, as bash's child gets the signal
            Thread commands = Thread.currentThread();
            terminal.handle(Terminal.Signal.INT, s -> commands.interrupt());
            while (true) {
                String line = next(prompt -> {
                    try {
                        return reader.readLine(prompt);
                    } catch (UserInterruptException e) {
                        terminal.writer().print(shell.interrupt()); // a tcpdump waiting for a probe gets the SIGINT
                        terminal.writer().flush();
                        throw e;
                    }
                }, shell.prompt());
                if (line == null) return;
                String output = shell.run(line);
                if (Thread.interrupted()) output += "^C\n"; // the command ran to its end (none runs long): bash's mark
                terminal.writer().print(output);
                terminal.writer().flush();
                if (shell.exited()) return;
            }
        }
    }
}

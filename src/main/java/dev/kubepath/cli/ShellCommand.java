package dev.kubepath.cli;

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
        "An operator's shell on a simulated cluster: kubectl, curl, ping, route -n, ip, ifconfig, ipvsadm, iptables-save,",
        "etcdctl, systemctl, cat /run/flannel/subnet.env, sleep 25h, ssh HOST, kubepath trace. Interactive on a terminal;",
        "otherwise it reads commands from --script or standard input and prints each with its prompt, like a transcript."})
final class ShellCommand implements Callable<Integer> {
    @Parameters(index = "0", defaultValue = "seed", paramLabel = "SCENARIO", description = "the cluster: 'seed' (the seed incident; default)")
    String scenario;

    @Option(names = "--at", defaultValue = "incident", paramLabel = "MOMENT", description = "where the seed cluster starts: 'healthy' (before anything broke) or 'incident' (default)")
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
        if (!scenario.equals("seed")) {
            throw new InputException("unknown scenario '" + scenario + "' (expected 'seed'; snapshot files are for 'kubepath trace')");
        }
        SimCluster cluster = SimCluster.embedded(SeedCluster.spec(Instant.parse("2024-06-03T14:00:00Z")));
        SeedCluster.bootHealthy(cluster);
        switch (at) {
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
        SimShell shell = new SimShell(cluster, host != null ? host : SeedCluster.MASTER);
        if (host != null && !cluster.hasHost(host)) throw new InputException("unknown host '" + host + "' (hosts: " + String.join(", ", cluster.hostNames()) + ")");
        PrintWriter out = spec.commandLine().getOut();
        if (script != null) {
            if (!Files.isReadable(script)) throw new InputException(script + ": cannot read the script");
            transcript(shell, Files.readAllLines(script), out);
        } else if (System.console() != null) {
            interactive(shell);
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
            if (line.strip().equals("exit")) break;
            out.print(shell.run(line));
        }
        out.flush();
    }

    private static void interactive(SimShell shell) throws Exception {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("kubepath").build();
            terminal.writer().println("kubepath shell: a simulated cluster. Hosts: ssh mcwk8s03|mcwk8s05|mcwk8s06. 'exit' or Ctrl-D leaves.");
            while (true) {
                String line;
                try {
                    line = reader.readLine(shell.prompt());
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    return;
                }
                if (line.strip().equals("exit")) return;
                terminal.writer().print(shell.run(line));
                terminal.writer().flush();
            }
        }
    }
}

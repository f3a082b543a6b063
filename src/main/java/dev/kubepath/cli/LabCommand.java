package dev.kubepath.cli;

import dev.kubepath.ingest.InputException;
import dev.kubepath.host.linux.ProcessRunner;
import dev.kubepath.lab.Lab;
import dev.kubepath.lab.LabCluster;
import dev.kubepath.lab.LabScenario;
import dev.kubepath.lab.LabSupervisor;
import dev.kubepath.lab.LabVerify;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "lab", description = {
        "The cluster on real network namespaces (needs root).",
        "Real VXLAN, bridges, veths, nftables (for IPVS and the filter table),",
        "HTTP servers in the pods, leases in a real etcd. Driven by the same control plane as the simulation."},
        subcommands = {LabCommand.Up.class, LabCommand.Down.class, LabCommand.Exec.class, LabCommand.Collect.class, LabCommand.Status.class,
                LabCommand.Verify.class, LabCommand.Shell.class, LabCommand.Supervise.class})
final class LabCommand {
    static final int NOT_ROOT = 2;

    static boolean isRoot(PrintWriter err) {
        var id = ProcessRunner.withDefaultTimeout().run(List.of("id", "-u"));
        if (id.ok() && id.stdout().strip().equals("0")) return true;
        err.println("kubepath lab: network namespaces need root (run it with sudo); 'kubepath shell' runs the same cluster simulated, without root");
        err.flush();
        return false;
    }

    static LabCluster.RegistryKind registry(String s) {
        return switch (s) {
            case "etcd" -> LabCluster.RegistryKind.ETCD;
            case "embedded" -> LabCluster.RegistryKind.EMBEDDED;
            case "auto" -> LabCluster.RegistryKind.defaultKind();
            default -> throw new InputException("--registry " + s + ": expected etcd, embedded or auto");
        };
    }

    @Command(name = "up", description = "Builds the scenario's cluster in namespaces and returns once it is ready; a supervisor keeps it up.")
    static final class Up implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(index = "0", defaultValue = "seed", description = "scenario: seed (the incident, default), seed-healthy, or a cluster file (kind: Cluster, at most 50 hosts)") String scenario;
        @Option(names = "--registry", defaultValue = "auto", description = "etcd (a real etcd on loopback), embedded, or auto (etcd when installed)") String registry;
        @Option(names = "--timeout", defaultValue = "180", description = "seconds to wait for the lab to be ready") int timeout;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!isRoot(err)) return NOT_ROOT;
            registry(registry);
            if (!scenario.equals("seed") && !scenario.equals("seed-healthy")) {
                ClusterFiles.load(scenario, spec); // a bad file is one line here, not a supervisor's log
                scenario = java.nio.file.Path.of(scenario).toAbsolutePath().toString();
            }
            if (LabSupervisor.isUp()) {
                err.println("kubepath lab: a lab is already up (" + LabSupervisor.STATE + "); 'kubepath lab down' first");
                return 1;
            }
            Files.createDirectories(LabSupervisor.DIR);
            File log = LabSupervisor.DIR.resolve("supervisor.log").toFile();
            List<String> cmd = new ArrayList<>();
            if (new File("/usr/bin/setsid").canExecute()) cmd.add("/usr/bin/setsid");
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "lab", "supervise", scenario, "--registry", registry));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            long deadline = System.nanoTime() + timeout * 1_000_000_000L;
            while (!LabSupervisor.isUp()) {
                if (!p.isAlive() && !LabSupervisor.isUp()) {
                    err.println("kubepath lab: the supervisor exited (" + p.exitValue() + "); its log " + log + ":");
                    err.print(Files.readString(log.toPath()));
                    return 1;
                }
                if (System.nanoTime() > deadline) {
                    err.println("kubepath lab: not ready after " + timeout + " s; see " + log);
                    return 1;
                }
                Thread.sleep(200);
            }
            out.print(LabSupervisor.request("-", "status"));
            out.println("up. 'kubepath lab exec HOST -- CMD', 'kubepath lab shell', 'kubepath lab verify', 'kubepath lab down'");
            return 0;
        }
    }

    @Command(name = "supervise", hidden = true, description = "Holds a lab up and serves cluster-level commands (started by 'lab up').")
    static final class Supervise implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(index = "0", defaultValue = "seed") String scenario;
        @Option(names = "--registry", defaultValue = "auto") String registry;

        @Override
        public Integer call() throws Exception {
            if (!isRoot(spec.commandLine().getErr())) return NOT_ROOT;
            LabCluster lab = LabScenario.up(scenario, registry(registry));
            new LabSupervisor(lab, scenario).serve();
            return 0;
        }
    }

    @Command(name = "down", description = {"Removes this lab (the one in the state file) and what crashed runs left.",
            "Labs whose process is gone count as crashed; other labs still running on this machine are left in place and listed."})
    static final class Down implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Option(names = "--all", description = "remove every kubepath lab on this machine (every kp-* namespace), running or not") boolean all;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if (!isRoot(spec.commandLine().getErr())) return NOT_ROOT;
            String own = LabSupervisor.statePrefix().orElse(null);
            if (LabSupervisor.isUp()) {
                out.print(LabSupervisor.request("-", "down"));
                out.flush();
                for (int i = 0; i < 100 && Files.exists(LabSupervisor.STATE); i++) Thread.sleep(100);
            }
            out.print(Lab.down(ProcessRunner.withDefaultTimeout(), own, all).text());
            Files.deleteIfExists(LabSupervisor.STATE);
            Files.deleteIfExists(LabSupervisor.SOCKET);
            out.println("down.");
            return 0;
        }
    }

    @Command(name = "exec", description = {"Runs CMD in HOST's namespace (curl, ping, ip, nft, tcpdump...).",
            "Cluster-level commands (kubectl, ipvsadm, systemctl, fault, etcdctl, iptables-save) go to the lab's supervisor."})
    static final class Exec implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(index = "0", description = "host") String host;
        @Parameters(index = "1..*", arity = "1..*", description = "command (after --)") List<String> command;

        @Override
        public Integer call() throws Exception {
            if (!isRoot(spec.commandLine().getErr())) return NOT_ROOT;
            return LabCommand.exec(host, String.join(" ", command), command, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
    }

    static int exec(String host, String line, List<String> argv, PrintWriter out, PrintWriter err) throws Exception {
        Map<String, String> hosts = LabSupervisor.hosts();
        if (!LabSupervisor.isUp()) {
            err.println("kubepath lab: no lab is up ('kubepath lab up')");
            return 1;
        }
        String ns = hosts.get(host);
        if (ns == null) throw new InputException("unknown lab host '" + host + "' (hosts: " + String.join(", ", hosts.keySet()) + ")");
        if (LabSupervisor.CLUSTER_COMMANDS.contains(argv.get(0)) || line.startsWith("cat /run/flannel/")) {
            out.print(LabSupervisor.request(host, line));
            out.flush();
            return 0;
        }
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + ns, "--"));
        cmd.addAll(argv);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (var in = p.getInputStream()) {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.print(new String(buf, 0, n, StandardCharsets.UTF_8));
                out.flush();
            }
        }
        return p.waitFor();
    }

    @Command(name = "collect", description = {"Writes a bundle of the lab that is up (docs/bundle-format.md).",
            "collect.sh in every host's namespace, the control plane for units, ipvsadm, iptables-save, kubectl and etcdctl. Then: kubepath doctor OUTDIR."})
    static final class Collect implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "OUTDIR") java.nio.file.Path out;

        @Override
        public Integer call() {
            if (!isRoot(spec.commandLine().getErr())) return NOT_ROOT;
            if (!LabSupervisor.isUp()) {
                spec.commandLine().getErr().println("kubepath lab: no lab is up ('kubepath lab up' first)");
                return 2;
            }
            // the launcher says where kubepath lives; collect.sh sits beside it
            java.nio.file.Path script = java.nio.file.Path.of(System.getenv().getOrDefault("KUBEPATH_HOME", "."), "collect.sh");
            if (!java.nio.file.Files.isReadable(script)) throw new InputException(script + ": collect.sh not found (set KUBEPATH_HOME to the kubepath checkout)");
            spec.commandLine().getOut().print(LabSupervisor.request("-", "collect " + script.toAbsolutePath() + " " + out.toAbsolutePath()));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "status", description = "Lists the lab's hosts, pods and leases.")
    static final class Status implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            if (!isRoot(spec.commandLine().getErr())) return NOT_ROOT;
            if (!LabSupervisor.isUp()) {
                spec.commandLine().getOut().println("no lab is up");
                return 1;
            }
            spec.commandLine().getOut().print(LabSupervisor.request("-", "status"));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "verify", description = {"Runs every check-list flow for real and in the simulated data plane, and compares.",
            "The simulation runs on a snapshot read back from the namespaces; prints both and exits 1 on any disagreement. Uses the lab that is up, else builds SCENARIO and removes it after."})
    static final class Verify implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(index = "0", defaultValue = "seed", description = "scenario when no lab is up: seed (default), seed-healthy or a cluster file") String scenario;
        @Option(names = "--registry", defaultValue = "auto") String registry;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (!isRoot(spec.commandLine().getErr())) return NOT_ROOT;
            String table;
            if (LabSupervisor.isUp()) {
                table = LabSupervisor.request("-", "verify");
            } else {
                try (LabCluster lab = LabScenario.up(scenario, registry(registry))) {
                    table = LabVerify.run(lab).table();
                }
            }
            out.print(table);
            out.flush();
            return table.contains(" 0 disagree") ? 0 : 1;
        }
    }

    @Command(name = "shell", description = {"An operator's shell on the lab that is up.",
            "Commands run for real in the current host's namespace; 'ssh HOST' moves to another host; cluster-level commands go to the supervisor; 'exit' leaves."})
    static final class Shell implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Option(names = "--host", description = "host to start on (default: the first)") String host;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!isRoot(err)) return NOT_ROOT;
            Map<String, String> hosts = LabSupervisor.hosts();
            if (!LabSupervisor.isUp() || hosts.isEmpty()) {
                err.println("kubepath lab: no lab is up ('kubepath lab up')");
                return 1;
            }
            String at = host != null ? host : hosts.keySet().iterator().next();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (true) {
                out.print("[root@" + at + " ~]# ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals("exit")) return 0;
                List<String> argv = List.of(line.strip().split("\\s+"));
                if (line.isBlank()) continue;
                if (argv.get(0).equals("ssh") && argv.size() > 1) {
                    String to = argv.get(1).replaceFirst("^root@", "");
                    if (hosts.containsKey(to)) at = to;
                    else out.println("ssh: Could not resolve hostname " + to + ": Name or service not known");
                    continue;
                }
                try {
                    exec(at, line.strip(), argv, out, err);
                } catch (RuntimeException e) {
                    err.println(e.getMessage());
                }
            }
        }
    }
}

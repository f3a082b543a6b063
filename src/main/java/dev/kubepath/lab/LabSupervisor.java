package dev.kubepath.lab;

import dev.kubepath.shell.SimShell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.Locale;

/**
 * The process that holds a lab up ({@code kubepath lab supervise}): it owns the namespaces, etcd and the control
 * plane, writes its state to /run/kubepath/lab.state once ready and answers cluster-level commands on the Unix
 * socket /run/kubepath/lab.sock, one request per connection: a line {@code HOST<TAB>COMMAND LINE}, answered with
 * the command's output. Cluster-level commands (kubectl, ipvsadm, systemctl, fault, etcdctl, iptables-save, cat of
 * subnet.env) run through the operator shell's code against the lab's cluster, whose hosts read the real kernel;
 * {@code -<TAB>status}, {@code -<TAB>verify} and {@code -<TAB>down} are the lab's own.
 */
public final class LabSupervisor {
    public static final Path DIR = Path.of(System.getenv().getOrDefault("KUBEPATH_RUN", "/run/kubepath"));
    public static final Path SOCKET = DIR.resolve("lab.sock");
    public static final Path STATE = DIR.resolve("lab.state");
    /** What goes to the supervisor rather than running in a namespace. */
    public static final Set<String> CLUSTER_COMMANDS = Set.of("kubectl", "ipvsadm", "systemctl", "fault", "etcdctl", "iptables-save");

    private final LabCluster lab;
    private final String scenario;
    private final Path dir;
    private volatile boolean running = true;

    public LabSupervisor(LabCluster lab, String scenario) {
        this(lab, scenario, DIR);
    }

    /** A supervisor whose state file and socket are in {@code dir} (tests use a temporary directory). */
    public LabSupervisor(LabCluster lab, String scenario, Path dir) {
        this.lab = lab;
        this.scenario = scenario;
        this.dir = dir;
    }

    /** Serves until {@code down}; the lab is closed on the way out. */
    public void serve() throws IOException {
        Path socket = dir.resolve(SOCKET.getFileName());
        Path state = dir.resolve(STATE.getFileName());
        Files.createDirectories(dir);
        Files.deleteIfExists(socket);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            writeState();
            while (running) {
                try (SocketChannel client = server.accept()) {
                    String request = new String(Channels.newInputStream(client).readNBytes(65536), StandardCharsets.UTF_8);
                    String reply;
                    try {
                        reply = handle(request.strip());
                    } catch (RuntimeException e) {
                        reply = "kubepath lab: " + e.getMessage() + "\n";
                    }
                    client.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8)));
                }
            }
        } finally {
            lab.close();
            Files.deleteIfExists(socket);
            Files.deleteIfExists(state);
        }
    }

    private void writeState() throws IOException {
        StringBuilder sb = new StringBuilder("pid " + ProcessHandle.current().pid() + "\nscenario " + scenario + "\nprefix " + lab.lab().prefix() + "\n");
        for (String h : lab.cluster().hostNames()) sb.append("host ").append(h).append(' ').append(lab.netns(h).name()).append('\n');
        Path tmp = dir.resolve("lab.state.tmp");
        Files.writeString(tmp, sb.toString());
        Files.move(tmp, dir.resolve(STATE.getFileName()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    String handle(String request) {
        int tab = request.indexOf('\t');
        if (tab < 0) return "kubepath lab: a request is HOST<TAB>COMMAND\n";
        String host = request.substring(0, tab);
        String line = request.substring(tab + 1);
        if (host.equals("-")) {
            return switch (line) {
                case "status" -> status();
                case "verify" -> LabVerify.run(lab).table();
                case String c when c.startsWith("collect ") -> {
                    // collect SCRIPT OUTDIR: a bundle of the lab as collect.sh and the control plane see it
                    String[] a = c.split(" ", 3);
                    synchronized (lab) {
                        LabCollect.collect(lab, java.nio.file.Path.of(a[1]), java.nio.file.Path.of(a[2]));
                    }
                    yield "bundle written to " + a[2] + "\n";
                }
                case "down" -> {
                    running = false;
                    yield "lab " + lab.lab().prefix() + " going down\n";
                }
                default -> "kubepath lab: unknown request '" + line + "'\n";
            };
        }
        synchronized (lab) {
            String out = new SimShell(lab.cluster(), host).run(line);
            lab.refreshDns(); // a kubectl apply or delete changes what CoreDNS answers
            return out;
        }
    }

    private String status() {
        StringBuilder sb = new StringBuilder("lab " + lab.lab().prefix() + " (scenario " + scenario + ")\nHOSTS\n");
        for (String h : lab.cluster().hostNames()) {
            sb.append(String.format(Locale.ROOT, "  %-10s netns %-24s eth0 %s%n", h, lab.netns(h).name(), lab.cluster().hostSpec(h).ip()));
        }
        sb.append("PODS\n");
        for (String h : lab.cluster().hostNames()) {
            lab.host(h).podNamespaces().forEach((pod, ns) -> sb.append(String.format(Locale.ROOT, "  %-10s %-36s netns %s%n", h, pod, ns.name())));
        }
        lab.kubeApiUrl().ifPresent(u -> sb.append("API SERVER\n  ").append(u)
                .append("  (kubepath flanneld --kube-subnet-mgr --kube-api-url ").append(u).append(" --node-name HOST --netns NS)\n"));
        sb.append("LEASES\n");
        try {
            for (var l : lab.cluster().registry().getLeases().leases()) {
                sb.append(String.format(Locale.ROOT, "  %-16s %-12s %s%n", l.subnet(), l.publicIp(), l.vtepMac()));
            }
        } catch (RuntimeException e) {
            sb.append("  (registry unreachable: ").append(e.getMessage()).append(")\n");
        }
        return sb.toString();
    }

    /** Sends one request to a running supervisor and returns its answer. */
    public static String request(String host, String line) {
        return request(DIR, host, line);
    }

    public static String request(Path dir, String host, String line) {
        Path socket = dir.resolve(SOCKET.getFileName());
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap((host + "\t" + line + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.shutdownOutput();
            return new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("no lab supervisor at " + socket + " (is the lab up? 'kubepath lab up')", e);
        }
    }

    /** The netns of each host of the lab that is up, from the state file; empty when no lab is up. */
    public static java.util.Map<String, String> hosts() {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        if (!Files.exists(STATE)) return out;
        try {
            for (String l : Files.readAllLines(STATE)) {
                String[] f = l.split(" ");
                if (f[0].equals("host") && f.length == 3) out.put(f[1], f[2]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The namespace prefix of the lab in the state file (up, or crashed without removing the file). */
    public static java.util.Optional<String> statePrefix() {
        if (!Files.exists(STATE)) return java.util.Optional.empty();
        try {
            return Files.readAllLines(STATE).stream().filter(l -> l.startsWith("prefix ")).map(l -> l.substring(7).strip()).findFirst();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    public static boolean isUp() {
        if (!Files.exists(STATE)) return false;
        try {
            for (String l : Files.readAllLines(STATE)) {
                if (l.startsWith("pid ")) return ProcessHandle.of(Long.parseLong(l.substring(4).strip())).map(ProcessHandle::isAlive).orElse(false);
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    static List<String> words(String line) {
        return List.of(line.strip().split("\\s+"));
    }
}

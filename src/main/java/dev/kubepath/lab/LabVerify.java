package dev.kubepath.lab;

import dev.kubepath.cluster.ClusterDns;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Probe;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.host.linux.CommandResult;
import dev.kubepath.model.Container;
import dev.kubepath.model.Daemon;
import dev.kubepath.model.Host;
import dev.kubepath.model.HostBuilder;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Node;
import dev.kubepath.model.Service;
import dev.kubepath.model.Snapshot;
import dev.kubepath.model.Socket;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Protocol;
import dev.kubepath.net.SocketAddress;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Locale;

/**
 * {@code kubepath lab verify}: every flow of the check list run twice, for real (curl and ping in the hosts'
 * namespaces, short timeouts) and in the simulated data plane on a snapshot read back from the namespaces (each
 * host's kernel state, the control plane's cluster objects, the leases in the registry). The flows: every host to
 * every service frontend (ClusterIP:port, every node's IP:nodePort), every host to every pod port, every host's
 * ping of every other host's docker0 address. A flow to port 53 (kube-dns and its CoreDNS pods, UDP and TCP) is a
 * real {@code dig} for kube-dns's own name, traced as a UDP datagram or a TCP SYN.
 */
public final class LabVerify {
    /**
     * One flow and what each side saw. {@code backends} holds the simulated verdict through each endpoint when a
     * service has several: the kernel picks one at random (kube-proxy's nftables mode: numgen random), the
     * simulation follows each, so a real verdict that one of the backends gives agrees.
     */
    public record Row(String from, String kind, String to, Verdict real, String realDetail, Verdict simulated, String reason,
                      List<Verdict> backends) {
        public Row {
            backends = List.copyOf(backends);
        }

        public Row(String from, String kind, String to, Verdict real, String realDetail, Verdict simulated, String reason) {
            this(from, kind, to, real, realDetail, simulated, reason, List.of());
        }

        public boolean agree() {
            return real == simulated || backends.contains(real);
        }
    }

    public record Report(List<Row> rows) {
        public List<Row> disagreements() {
            return rows.stream().filter(r -> !r.agree()).toList();
        }

        public String table() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-10s %-5s %-22s %-12s %-12s %s%n", "FROM", "KIND", "TO", "REAL", "SIMULATED", "AGREE"));
            for (Row r : rows) {
                sb.append(String.format(Locale.ROOT, "%-10s %-5s %-22s %-12s %-12s %s", r.from(), r.kind(), r.to(), r.real(), r.simulated(), r.agree() ? "yes" : "NO"));
                if (!r.agree()) sb.append("  real: ").append(r.realDetail()).append("; simulated: ").append(r.reason());
                sb.append('\n');
            }
            long bad = disagreements().size();
            sb.append(rows.size()).append(" flows, ").append(rows.size() - bad).append(" agree, ").append(bad).append(" disagree\n");
            return sb.toString();
        }
    }

    /** A flow sent by host {@code from}, or by its pod {@code pod} (in the pod's namespace) when that is not null. */
    private record Flow(String from, String pod, Probe probe) {
        Flow(String from, Probe probe) {
            this(from, null, probe);
        }

        String label() {
            return pod == null ? from : from + "/" + pod;
        }
    }

    private LabVerify() {}

    public static Report run(LabCluster lab) {
        lab.refreshDns();
        Snapshot snapshot = readBack(lab);
        DataPlane plane = new DataPlane(snapshot);
        List<Flow> flows = flows(snapshot);
        List<Row> rows = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(32, Math.max(1, flows.size())))) {
            List<Future<String[]>> real = new ArrayList<>();
            for (Flow f : flows) real.add(pool.submit(() -> runReal(lab, f)));
            for (int i = 0; i < flows.size(); i++) {
                Flow f = flows.get(i);
                String[] r;
                try {
                    r = real.get(i).get();
                } catch (ExecutionException e) {
                    r = new String[] {"INSUFFICIENT_INFO", e.getCause().toString()};
                } catch (InterruptedException e) {
                    // stop here: closing the pool cancels the flows still running, and the caller sees the interrupt
                    Thread.currentThread().interrupt();
                    throw new CancellationException("lab verify interrupted after " + i + " of " + flows.size() + " flows");
                }
                Trace t = f.pod() == null ? plane.trace(f.from(), f.probe()) : plane.traceFromPod(f.from(), f.pod(), f.probe());
                rows.add(new Row(f.label(), kind(f.probe()), f.probe().toString(),
                        Verdict.valueOf(r[0]), r[1], t.verdict(), t.reason(), t.backends().stream().map(Trace.Backend::verdict).toList()));
            }
        }
        return new Report(rows);
    }

    /** The cluster as the kernel holds it now: every host read from its namespace, with its units and the cluster objects. */
    public static Snapshot readBack(LabCluster lab) {
        SimCluster c = lab.cluster();
        Snapshot control = c.snapshot();
        List<Host> hosts = new ArrayList<>();
        for (String name : c.hostNames()) {
            HostBuilder b = lab.host(name).readKernel().toBuilder();
            for (Daemon d : Daemon.values()) {
                Daemon.State s = c.unit(name, d);
                if (s != null) b.daemon(d, s);
            }
            hosts.add(b.build());
        }
        return new Snapshot(control.name(), hosts, control.cluster());
    }

    static List<Flow> flows(Snapshot s) {
        Set<SocketAddress> frontends = new LinkedHashSet<>(), udpFrontends = new LinkedHashSet<>();
        for (Service svc : s.cluster().services()) {
            for (Service.Port p : svc.ports()) {
                Set<SocketAddress> to = p.protocol() == Protocol.UDP ? udpFrontends : frontends;
                if (svc.clusterIp() != null) to.add(new SocketAddress(svc.clusterIp(), p.port()));
                if (p.nodePort() > 0) for (Node n : s.cluster().nodes()) to.add(new SocketAddress(n.internalIp(), p.nodePort()));
            }
        }
        Set<SocketAddress> pods = new LinkedHashSet<>(), udpPods = new LinkedHashSet<>();
        for (Host h : s.hosts()) {
            for (Container c : h.containers()) {
                for (Socket l : c.listeners()) (l.protocol() == Protocol.UDP ? udpPods : pods).add(new SocketAddress(c.ip(), l.port()));
            }
        }
        List<Flow> flows = new ArrayList<>();
        for (Host from : s.hosts()) {
            for (SocketAddress a : frontends) flows.add(new Flow(from.name(), new Probe.Curl(a)));
            for (SocketAddress a : pods) flows.add(new Flow(from.name(), new Probe.Curl(a)));
            for (SocketAddress a : udpFrontends) flows.add(new Flow(from.name(), new Probe.Udp(a)));
            for (SocketAddress a : udpPods) flows.add(new Flow(from.name(), new Probe.Udp(a)));
            for (Host to : s.hosts()) {
                if (to == from) continue;
                for (IfAddress a : to.addresses()) {
                    if (a.dev().equals("docker0")) flows.add(new Flow(from.name(), new Probe.Ping(a.ip())));
                }
            }
        }
        flows.addAll(podFlows(s, frontends));
        return flows;
    }

    /**
     * From one pod of each host (its first), in the pod's own namespace: every ClusterIP frontend and every port of
     * the pods on other hosts. A pod's traffic enters its host from the bridge, so it meets what a host's own does
     * not: nat PREROUTING (kube-proxy's rules for pod sources) and, for an endpoint on its own bridge, br_netfilter.
     */
    private static List<Flow> podFlows(Snapshot s, Set<SocketAddress> frontends) {
        Set<Ipv4> clusterIps = new LinkedHashSet<>();
        for (Service svc : s.cluster().services()) if (svc.clusterIp() != null) clusterIps.add(svc.clusterIp());
        List<Flow> flows = new ArrayList<>();
        for (Host from : s.hosts()) {
            if (from.containers().isEmpty()) continue;
            Container sender = from.containers().getFirst();
            for (SocketAddress a : frontends) if (clusterIps.contains(a.ip())) flows.add(new Flow(from.name(), sender.pod(), new Probe.Curl(a)));
            for (Host to : s.hosts()) {
                if (to == from) continue;
                for (Container c : to.containers()) {
                    for (Socket l : c.listeners()) {
                        if (l.protocol() == Protocol.TCP) flows.add(new Flow(from.name(), sender.pod(), new Probe.Curl(new SocketAddress(c.ip(), l.port()))));
                    }
                }
            }
        }
        return flows;
    }

    /**
     * {verdict, detail}: curl's exit 0 delivered, 7 refused (or unreachable, by its message), 28 timed out. A flow
     * that does not answer is tried once more with twice the time: with 30 flows in flight on two cores, a first SYN
     * or echo that waits on ARP for a just re-created pod can outlive one second.
     */
    private static String[] runReal(LabCluster lab, Flow f) {
        String[] first = runReal(lab, f, 1);
        return first[0].equals(Verdict.DELIVERED.name()) ? first : runReal(lab, f, 2);
    }

    /** A flow to port 53, UDP or TCP, is a DNS query (dig); other TCP flows are curl's, other UDP flows a bare datagram. */
    private static boolean dns(Probe p) {
        return switch (p) {
            case Probe.Curl c -> c.to().port() == DNS_PORT;
            case Probe.Udp u -> u.to().port() == DNS_PORT;
            case Probe.Ping g -> false;
        };
    }

    private static String kind(Probe p) {
        if (dns(p)) return "dig";
        return switch (p) {
            case Probe.Ping g -> "ping";
            case Probe.Curl c -> "curl";
            case Probe.Udp u -> "udp";
        };
    }

    private static String[] runReal(LabCluster lab, Flow f, int seconds) {
        if (dns(f.probe())) return dig(lab, f, seconds);
        return switch (f.probe()) {
            case Probe.Curl c -> {
                // -v: curl 7.8x says only "Couldn't connect to server" for every failed connect; its verbose lines
                // keep the kernel's reason ("Immediate connect fail for IP: Network is unreachable")
                CommandResult r = exec(lab, f, List.of("curl", "-v", "-sS", "-o", "/dev/null", "-I", "--max-time", String.valueOf(seconds), "http://" + c.to()));
                String verbose = r.stderr();
                String err = verbose.lines().filter(l -> l.startsWith("curl: ")).findFirst().orElse("").strip();
                Verdict v = switch (r.exit()) {
                    case 0 -> Verdict.DELIVERED;
                    case 7 -> verbose.contains("No route to host") || verbose.contains("Network is unreachable") ? Verdict.UNREACHABLE : Verdict.REFUSED;
                    case 28 -> Verdict.TIMEOUT;
                    default -> Verdict.INSUFFICIENT_INFO;
                };
                yield new String[] {v.name(), "curl exit " + r.exit() + (err.isEmpty() ? "" : " (" + err + ")")};
            }
            case Probe.Ping p -> {
                CommandResult r = exec(lab, f, List.of("ping", "-c1", "-W" + seconds, p.target().toString()));
                String out = (r.stdout() + r.stderr());
                Verdict v = r.exit() == 0 ? Verdict.DELIVERED
                        : out.contains("Unreachable") || out.contains("unreachable") ? Verdict.UNREACHABLE : Verdict.TIMEOUT;
                yield new String[] {v.name(), "ping exit " + r.exit()};
            }
            case Probe.Udp u -> {
                CommandResult r = exec(lab, f, List.of(PodServer.PYTHON, "-c", UDP_PROBE, u.to().ip().toString(), String.valueOf(u.to().port()), String.valueOf(seconds)));
                String said = r.stdout().strip();
                Verdict v = switch (said) {
                    case "answered" -> Verdict.DELIVERED;
                    case "refused" -> Verdict.REFUSED;
                    case "timeout" -> Verdict.TIMEOUT;
                    case "unreachable" -> Verdict.UNREACHABLE;
                    default -> Verdict.INSUFFICIENT_INFO;
                };
                yield new String[] {v.name(), "udp probe: " + (said.isEmpty() ? r.stderr().strip() : said)};
            }
        };
    }

    /** Runs a probe in the sending host's namespace, or in its pod's. */
    private static CommandResult exec(LabCluster lab, Flow f, List<String> argv) {
        if (f.pod() == null) return lab.exec(f.from(), argv);
        var ns = lab.host(f.from()).podNamespaces().get(f.pod());
        if (ns == null) throw new IllegalStateException("pod " + f.pod() + " of " + f.from() + " has no namespace now");
        return ns.exec(argv, null);
    }

    private static final int DNS_PORT = 53;
    /** The name every flow to a DNS server asks for: kube-dns's own, which exists wherever cluster DNS does. */
    static final String DNS_NAME = ClusterDns.SERVICE + "." + ClusterDns.NAMESPACE + "." + ClusterDns.SEARCH;

    /**
     * {verdict, detail} of the real dig (bind9's, as an operator runs it), one try, over UDP or with +tcp: exit 0 is an
     * answer (its addresses in the detail); exit 9 says why none came, in bind9's words ("connection refused" for an
     * ICMP port unreachable or a RST, "host unreachable" / "network unreachable", else "timed out").
     */
    private static String[] dig(LabCluster lab, Flow f, int seconds) {
        SocketAddress to = switch (f.probe()) {
            case Probe.Curl c -> c.to();
            case Probe.Udp u -> u.to();
            case Probe.Ping g -> throw new IllegalArgumentException("a ping is not a DNS query");
        };
        List<String> argv = new ArrayList<>(List.of("dig", "+short", "+time=" + seconds, "+tries=1", "@" + to.ip(), "-p", String.valueOf(to.port())));
        if (f.probe() instanceof Probe.Curl) argv.add("+tcp");
        argv.add(DNS_NAME);
        CommandResult r = exec(lab, f, argv);
        String out = (r.stdout() + r.stderr()).strip();
        Verdict v = r.exit() == 0 ? Verdict.DELIVERED
                : r.exit() != 9 ? Verdict.INSUFFICIENT_INFO
                : out.contains("connection refused") ? Verdict.REFUSED
                : out.contains("host unreachable") || out.contains("network unreachable") ? Verdict.UNREACHABLE
                : Verdict.TIMEOUT;
        String said = out.lines().filter(l -> !l.isBlank()).findFirst().orElse("");
        return new String[] {v.name(), "dig exit " + r.exit() + (said.isEmpty() ? "" : ": " + said)};
    }

    /**
     * A DNS query (A kubernetes.default.svc.cluster.local) on a connected UDP socket: the kernel reports an ICMP port
     * unreachable as ECONNREFUSED on the next recv, a host or network unreachable as EHOSTUNREACH / ENETUNREACH.
     */
    private static final String UDP_PROBE = """
            import socket, sys, errno
            ip, port, wait = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
            q = b'\\x12\\x34\\x01\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00'
            for label in 'kubernetes.default.svc.cluster.local'.split('.'):
                q += bytes([len(label)]) + label.encode()
            q += b'\\x00\\x00\\x01\\x00\\x01'
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(wait)
            try:
                s.connect((ip, port))
                s.send(q)
                s.recv(4096)
                print('answered')
            except socket.timeout:
                print('timeout')
            except ConnectionRefusedError:
                print('refused')
            except OSError as e:
                print('unreachable' if e.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH) else 'error ' + str(e))
            """;
}

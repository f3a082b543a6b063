package dev.kubepath.shell;

import dev.kubepath.cluster.Manifests;
import dev.kubepath.cluster.SimCluster;
import dev.kubepath.dataplane.DataPlane;
import dev.kubepath.dataplane.Probe;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.dataplane.TraceText;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.flannel.registry.LeaseJson;
import dev.kubepath.flannel.subnet.SubnetEnv;
import dev.kubepath.model.Container;
import dev.kubepath.model.Host;
import dev.kubepath.model.Lease;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.SocketAddress;
import dev.kubepath.proxy.IptablesSave;
import dev.kubepath.proxy.Ipvsadm;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The operator's shell on a simulated cluster: one command line in, what the real tool would print out. Host
 * commands answer from the current host's simulated kernel; curl and ping from the simulated data plane; kubectl,
 * etcdctl and systemctl from the simulated control plane. {@code ssh HOST} moves between hosts.
 */
public final class SimShell {
    static final String PREFIX = "/coreos.com/network";
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final SimCluster cluster;
    private String host;
    private final KubectlText kubectl;

    public SimShell(SimCluster cluster, String host) {
        this.cluster = cluster;
        this.host = host;
        this.kubectl = new KubectlText(cluster);
    }

    public String host() {
        return host;
    }

    /** The seed's prompt: {@code [root@mcwk8s03 ~]# }. */
    public String prompt() {
        return "[root@" + host + " ~]# ";
    }

    /** Runs one line; the output ends with a newline unless empty. Unknown commands answer as bash does. */
    public String run(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) return "";
        String grep = null;
        int context = 0;
        int bar = trimmed.indexOf('|');
        if (bar >= 0) {
            String[] g = trimmed.substring(bar + 1).strip().split("\\s+");
            trimmed = trimmed.substring(0, bar).strip();
            if (g.length < 2 || !g[0].equals("grep")) return "kubepath shell: only '| grep [-C N] PATTERN' pipes are understood\n";
            int i = 1;
            if (g[i].equals("-C") && g.length > 3) {
                context = Integer.parseInt(g[2]);
                i = 3;
            } else if (g[i].startsWith("-C")) {
                context = Integer.parseInt(g[i].substring(2));
                i++;
            }
            grep = g[i];
        }
        String out = dispatch(trimmed.split("\\s+"));
        return grep == null ? out : Grep.lines(out, grep, context);
    }

    private String dispatch(String[] a) {
        try {
            return switch (a[0]) {
                case "ssh" -> ssh(a);
                case "hostname" -> host + "\n";
                case "route" -> NetTools.routeN(current());
                case "ip" -> ip(a);
                case "bridge" -> NetTools.bridgeFdb(current());
                case "ifconfig" -> NetTools.ifconfig(current(), a.length > 1 ? a[1] : null);
                case "ipvsadm" -> Ipvsadm.listNumeric(current().virtualServers());
                case "iptables-save" -> IptablesSave.render(current().chains());
                case "cat" -> cat(a);
                case "curl" -> curl(a);
                case "ping" -> ping(a);
                case "etcdctl" -> etcdctl(a);
                case "systemctl" -> systemctl(a);
                case "kubectl" -> kubectl(a);
                case "sleep" -> sleep(a);
                case "kubepath" -> kubepathTrace(a);
                case "fault" -> fault(a);
                default -> "-bash: " + a[0] + ": command not found\n";
            };
        } catch (IllegalArgumentException e) {
            return a[0] + ": " + e.getMessage() + "\n";
        }
    }

    private Host current() {
        return cluster.host(host);
    }

    private String ssh(String[] a) {
        if (a.length < 2) return "usage: ssh HOST\n";
        String to = a[1].replaceFirst("^root@", "");
        if (!cluster.hasHost(to)) return "ssh: Could not resolve hostname " + to + ": Name or service not known\n";
        host = to;
        return "";
    }

    private String ip(String[] a) {
        String obj = a.length > 1 ? a[1] : "";
        return switch (obj) {
            case "route", "r", "ro" -> NetTools.ipRoute(current());
            case "addr", "a", "address" -> NetTools.ipAddr(current());
            case "neigh", "n", "neighbour", "neighbor" -> NetTools.ipNeigh(current());
            case "link", "l" -> NetTools.ipAddr(current());
            default -> "Object \"" + obj + "\" is unknown, try \"ip help\".\n";
        };
    }

    private String cat(String[] a) {
        if (a.length > 1 && a[1].equals(SubnetEnv.FILE)) {
            return cluster.subnetEnv(host).map(SubnetEnv::render).orElse("cat: " + SubnetEnv.FILE + ": No such file or directory\n");
        }
        return "cat: " + (a.length > 1 ? a[1] : "") + ": No such file or directory\n";
    }

    private Trace trace(Probe p) {
        return new DataPlane(cluster.snapshot()).trace(host, p);
    }

    private String curl(String[] a) {
        String target = Arrays.stream(a).skip(1).filter(s -> !s.startsWith("-")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no URL specified!"));
        target = target.replaceFirst("^https?://", "").replaceFirst("/.*$", "");
        SocketAddress to = target.contains(":") ? SocketAddress.parse(target) : new SocketAddress(Ipv4.parse(target), 80);
        Trace t = trace(new Probe.Curl(to));
        if (t.verdict() != Verdict.DELIVERED) return TraceText.toolSays(t) + "\n";
        return httpHead(t) + "\n";
    }

    private String httpHead(Trace t) {
        String server = serverOf(t);
        if (server == null) return "curl: (52) Empty reply from server";
        boolean simple = server.startsWith("SimpleHTTP");
        return "HTTP/1.0 200 OK\nServer: " + server + "\nDate: " + HTTP_DATE.format(cluster.clock().instant()) + "\n"
                + (simple ? "Content-type: text/html; charset=ANSI_X3.4-1968\nContent-Length: 816\n" : "Content-Type: text/html\n");
    }

    /** The HTTP server line of the pod that answered, found by its address. */
    private String serverOf(Trace t) {
        String addr = t.backends().isEmpty() ? null : t.backends().stream().filter(b -> b.verdict() == Verdict.DELIVERED).findFirst().map(b -> b.address()).orElse(null);
        for (String h : cluster.hostNames()) {
            for (Container c : cluster.host(h).containers()) {
                if (addr != null ? addr.startsWith(c.ip() + ":") : t.reason().contains(c.pod())) return c.server();
            }
        }
        return null;
    }

    private String ping(String[] a) {
        int count = 1;
        String target = null;
        for (int i = 1; i < a.length; i++) {
            if (a[i].equals("-c") && i + 1 < a.length) count = Integer.parseInt(a[++i]);
            else if (!a[i].startsWith("-")) target = a[i];
        }
        if (target == null) throw new IllegalArgumentException("usage error: Destination address required");
        Ipv4 ip = Ipv4.parse(target);
        return ProbeText.ping(ip, count, trace(new Probe.Ping(ip)));
    }

    private String etcdctl(String[] a) {
        List<String> args = new ArrayList<>(Arrays.asList(a).subList(1, a.length));
        args.removeIf(s -> s.startsWith("--"));
        if (args.isEmpty()) return "etcdctl: expected a command (ls, get)\n";
        List<Lease> leases;
        try {
            leases = cluster.registry().getLeases().leases();
        } catch (RuntimeException e) {
            return "Error:  client: etcd cluster is unavailable or misconfigured; error #0: dial tcp 10.0.0.33:2379: connect: connection refused\n";
        }
        String key = args.size() > 1 ? args.get(1).replaceAll("/+$", "") : "/";
        return switch (args.get(0)) {
            case "ls" -> {
                if (key.equals(PREFIX + "/subnets")) {
                    StringBuilder sb = new StringBuilder();
                    for (Lease l : leases) sb.append(PREFIX).append("/subnets/").append(l.subnet().keyForm()).append('\n');
                    yield sb.toString();
                }
                if (key.equals(PREFIX)) yield PREFIX + "/config\n" + PREFIX + "/subnets\n";
                if (key.equals("/coreos.com")) yield PREFIX + "\n";
                if (key.equals("/")) yield "/coreos.com\n";
                yield "Error:  100: Key not found (" + key + ") [" + leases.size() + "]\n";
            }
            case "get" -> {
                if (key.equals(PREFIX + "/config")) yield cluster.registry().getConfig().orElse("") + "\n";
                if (key.startsWith(PREFIX + "/subnets/")) {
                    Prefix p = LeaseJson.subnetOfKey(key);
                    yield leases.stream().filter(l -> l.subnet().equals(p)).findFirst().map(l -> LeaseJson.render(l) + "\n")
                            .orElse("Error:  100: Key not found (" + key + ") [" + leases.size() + "]\n");
                }
                yield "Error:  100: Key not found (" + key + ") [" + leases.size() + "]\n";
            }
            default -> "etcdctl: unknown command '" + args.get(0) + "' (this shell knows ls and get)\n";
        };
    }

    private String systemctl(String[] a) {
        if (a.length < 3) return "usage: systemctl start|stop|restart|status|is-active UNIT\n";
        String out = cluster.systemctl(host, a[1], a[2]);
        return out.isEmpty() || out.endsWith("\n") ? out : out + "\n";
    }

    private String kubectl(String[] a) {
        if (a.length >= 3 && a[1].equals("apply") && a[2].equals("-f") && a.length > 3) {
            return String.join("\n", cluster.apply(Manifests.load(Path.of(a[3])))) + "\n";
        }
        if (a.length >= 4 && a[1].equals("delete")) {
            String out = kubectl.delete(a[2], a[3]);
            cluster.settle();
            return out;
        }
        if (a.length >= 3 && a[1].equals("get")) {
            boolean wide = Arrays.asList(a).contains("wide") || Arrays.asList(a).contains("-owide");
            return kubectl.get(a[2], wide);
        }
        return "kubectl: this shell knows get nodes|pods|svc [-o wide], apply -f FILE, delete svc|deployment|pod NAME\n";
    }

    static final String FAULTS = String.join("\n",
            "usage: fault KIND ARGS",
            "  fault hang-flanneld HOST      flanneld stays up but stops renewing and watching",
            "  fault delete-lease SUBNET     the lease vanishes from etcd (e.g. 172.17.98.0/24)",
            "  fault ip-forward HOST on|off  net.ipv4.ip_forward",
            "  fault forward-drop HOST       FORWARD policy DROP without flannel's accept rules",
            "  fault vtep-mac HOST MAC       the host's lease gets a wrong VtepMAC",
            "  fault etcd down|up            the registry becomes unreachable / reachable",
            "  fault power-off|power-on HOST the host goes down (kernel state and /run lost) / boots", "");

    /** Injects one of the faults real clusters suffer (docs/simulation.md). */
    private String fault(String[] a) {
        if (a.length < 3) return FAULTS;
        switch (a[1]) {
            case "hang-flanneld" -> cluster.hangFlanneld(a[2]);
            case "delete-lease" -> cluster.deleteLease(Prefix.parse(a[2]));
            case "ip-forward" -> cluster.setIpForward(a[2], a.length > 3 && a[3].equals("on"));
            case "forward-drop" -> cluster.dropForward(a[2]);
            case "vtep-mac" -> {
                if (a.length < 4) return FAULTS;
                cluster.corruptVtepMac(a[2], dev.kubepath.net.Mac.parse(a[3]));
            }
            case "etcd" -> cluster.setRegistryReachable(a[2].equals("up"));
            case "power-off" -> cluster.powerOff(a[2]);
            case "power-on" -> cluster.powerOn(a[2]);
            default -> {
                return FAULTS;
            }
        }
        cluster.settle();
        return "";
    }

    private String sleep(String[] a) {
        if (a.length < 2) return "sleep: missing operand\n";
        cluster.advance(parseDuration(a[1]));
        return "";
    }

    /** sleep's suffixes: s, m, h, d. */
    static Duration parseDuration(String s) {
        Function<Long, Duration> unit = switch (s.charAt(s.length() - 1)) {
            case 'h' -> Duration::ofHours;
            case 'm' -> Duration::ofMinutes;
            case 'd' -> Duration::ofDays;
            default -> Duration::ofSeconds;
        };
        String digits = Character.isDigit(s.charAt(s.length() - 1)) ? s : s.substring(0, s.length() - 1);
        try {
            return unit.apply(Long.parseLong(digits));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid time interval '" + s + "'");
        }
    }

    private String kubepathTrace(String[] a) {
        if (a.length < 2 || !a[1].equals("trace")) return "kubepath: in the shell, 'kubepath trace --to IP[:PORT] [--icmp] [--from HOST]'\n";
        String from = host, to = null;
        boolean icmp = false;
        for (int i = 2; i < a.length; i++) {
            switch (a[i]) {
                case "--from" -> from = a[++i];
                case "--to" -> to = a[++i];
                case "--icmp" -> icmp = true;
                default -> { }
            }
        }
        if (to == null) return "kubepath trace: --to IP[:PORT] is required\n";
        Probe p = icmp ? new Probe.Ping(Ipv4.parse(to.replaceFirst(":.*", "")))
                : new Probe.Curl(to.contains(":") ? SocketAddress.parse(to) : new SocketAddress(Ipv4.parse(to), 80));
        return TraceText.story(new DataPlane(cluster.snapshot()).trace(from, p));
    }
}

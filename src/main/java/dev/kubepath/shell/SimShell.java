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
    private final Filters filters = new Filters(this::file);
    private final List<String> history = new ArrayList<>();
    private final java.util.ArrayDeque<String> visited = new java.util.ArrayDeque<>();
    private boolean exited;
    private boolean terminal;
    private java.util.function.Consumer<String> live;
    private int status;
    /** A tcpdump waiting for the next probe, or null. */
    private Tcpdump.Capture capture;
    /** The connection tracking entries the session's probes left on the hosts. */
    private final Conntrack conntrack = new Conntrack();
    /** What other processes print around a command's output: tcpdump's packets before it, its summary and conntrack's count after. */
    private final StringBuilder before = new StringBuilder(), after = new StringBuilder();

    public SimShell(SimCluster cluster, String host) {
        this.cluster = cluster;
        this.host = host;
        this.kubectl = new KubectlText(cluster);
    }

    public String host() {
        return host;
    }

    SimCluster cluster() {
        return cluster;
    }

    /** The seed's prompt: {@code [root@mcwk8s03 ~]# }. */
    public String prompt() {
        return "[root@" + host + " ~]# ";
    }

    /** The commands this shell answers, for completion. */
    public static final List<String> COMMANDS = List.of("awk", "bridge", "cat", "clear", "conntrack", "curl", "echo", "etcdctl", "exit", "fault",
            "grep", "head", "history", "hostname", "ifconfig", "ip", "ipset", "ipvsadm", "iptables", "iptables-save", "journalctl", "kubectl", "kubepath", "logout", "nft", "ping",
            "route", "sleep", "sort", "ssh", "systemctl", "tail", "tcpdump", "traceroute", "uniq", "wc");

    /** What Tab completes after a command: the cluster's hosts and the current host's devices. */
    public List<String> completions() {
        List<String> words = new ArrayList<>(cluster.hostNames());
        for (var l : current().links()) words.add(l.name());
        words.add(SubnetEnv.FILE);
        words.add(dev.kubepath.cluster.FlannelCni.CONFLIST_PATH);
        return words;
    }

    /** How many {@code ssh} hops the session is away from its first host. */
    int hops() {
        return visited.size();
    }

    /** Whether {@code exit} has left the first host: the session is over. */
    public boolean exited() {
        return exited;
    }

    /** On a terminal, {@code clear} sends the escape sequence that clears it; in a transcript it prints nothing. */
    public void onTerminal(boolean terminal) {
        this.terminal = terminal;
    }

    /**
     * On a terminal, where a command that runs until Ctrl-C ({@code journalctl -f}) prints what it has before it
     * waits; without it (a transcript) such a command ends at once.
     */
    public void onTerminal(java.util.function.Consumer<String> live) {
        this.terminal = true;
        this.live = live;
    }

    /** The exit status of the last command line (of its pipeline's last command, as bash's {@code $?}). */
    public int status() {
        return status;
    }

    /**
     * Runs one line; the output (standard output and error, as a terminal shows them) ends with a newline unless
     * empty. Unknown commands answer as bash does; an internal failure says so in one line, without a stack trace.
     */
    public String run(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) return "";
        history.add(trimmed);
        Words words;
        try {
            words = Words.split(trimmed);
        } catch (Words.Unbalanced | Words.EmptyPipe e) {
            status = 2;
            return e.getMessage();
        }
        StringBuilder errors = new StringBuilder();
        before.setLength(0);
        after.setLength(0);
        String out = "";
        for (int i = 0; i < words.pipeline().size(); i++) {
            List<String> argv = words.pipeline().get(i);
            try {
                int last = status;
                status = 0;
                if (argv.get(0).equals("echo")) status = last; // so that echo $? reads the previous command's
                if (words.pipeline().size() > 1 && (argv.get(0).equals("exit") || argv.get(0).equals("logout"))) {
                    // each command of a pipeline runs in a subshell: exit leaves only that subshell
                    if (argv.get(0).equals("logout")) throw new ToolError("-bash: logout: not login shell: use `exit'\n", 1);
                    out = "";
                    continue;
                }
                out = i > 0 && Filters.knows(argv.get(0)) ? filters.run(argv, out) : dispatch(argv);
            } catch (ToolError e) {
                errors.append(e.getMessage());
                status = e.status;
                out = "";
            }
        }
        return before.toString() + errors + out + after;
    }

    /**
     * Ctrl-C at the prompt: a tcpdump waiting for a probe gets SIGINT and prints its summary (nothing captured);
     * otherwise nothing happens here.
     */
    public String interrupt() {
        if (capture == null) return "";
        capture = null;
        return "^C" + Tcpdump.summary(0);
    }

    private String dispatch(List<String> argv) {
        List<String> words = new ArrayList<>(argv);
        java.util.Map<String, String> env = new java.util.HashMap<>();
        while (!words.isEmpty() && words.get(0).matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
            String w = words.remove(0);
            env.put(w.substring(0, w.indexOf('=')), w.substring(w.indexOf('=') + 1));
        }
        if (words.isEmpty()) return "";
        String[] a = words.toArray(String[]::new);
        try {
            return switch (a[0]) {
                case "ssh" -> ssh(a);
                case "exit", "logout" -> exit();
                case "hostname" -> host + "\n";
                case "clear" -> terminal ? "\033[H\033[2J\033[3J" : "";
                case "history" -> history();
                case "grep", "egrep", "head", "tail", "wc", "sort", "uniq", "awk" -> filters.run(words, "");
                case "route" -> NetTools.routeN(current());
                case "ip" -> new Ip(current()).ip(words.subList(1, words.size()));
                case "bridge" -> new Ip(current()).bridge(words.subList(1, words.size()));
                case "echo" -> {
                    String text = echo(words);
                    status = 0;
                    yield text;
                }
                case "ifconfig" -> NetTools.ifconfig(current(), a.length > 1 ? a[1] : null);
                case "ipvsadm" -> ipvsadm(a);
                case "tcpdump" -> tcpdump(words.subList(1, words.size()));
                case "conntrack" -> conntrack.list(host, words.subList(1, words.size()), cluster.clock().instant(), after);
                case "iptables-save" -> IptablesSave.render(current().chains());
                case "iptables" -> new Iptables(current()).run(words.subList(1, words.size()));
                case "ipset" -> Iptables.ipset(current(), words.subList(1, words.size()));
                case "nft" -> Nft.run(current(), words.subList(1, words.size()));
                case "cat" -> cat(a);
                case "curl" -> curl(a);
                case "nslookup" -> dns().nslookup(words.subList(1, words.size()));
                case "dig" -> dns().dig(words.subList(1, words.size()));
                case "ping" -> ping(a);
                case "traceroute" -> traceroute(a);
                case "journalctl" -> journalctl(a);
                case "etcdctl" -> etcdctl(a, env);
                case "systemctl" -> systemctl(a);
                case "kubectl" -> kubectl(a);
                case "sleep" -> sleep(a);
                case "kubepath" -> kubepathTrace(a);
                case "fault" -> fault(a);
                default -> throw new ToolError("-bash: " + a[0] + ": command not found\n", 127);
            };
        } catch (ToolError e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // our parsers' one-line account of bad input (an address, a host, a duration), after the tool's name
            throw new ToolError(a[0] + ": " + e.getMessage() + "\n", 2);
        } catch (RuntimeException e) {
            throw new ToolError("kubepath shell: internal error while running '" + String.join(" ", words) + "': " + e
                    + " (a bug in kubepath: please report it with this command)\n", 70);
        }
    }

    private String history() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < history.size(); i++) sb.append(String.format(Locale.ROOT, "%5d  %s%n", i + 1, history.get(i)));
        return sb.toString();
    }

    /** Leaves the host {@code ssh} entered, back to where it was typed; on the first host, ends the session. */
    private String exit() {
        if (visited.isEmpty()) {
            exited = true;
            return "logout\n";
        }
        String left = host;
        host = visited.pop();
        return "logout\nConnection to " + left + " closed.\n";
    }

    private Host current() {
        return cluster.host(host);
    }

    private String ssh(String[] a) {
        if (a.length < 2) return "usage: ssh HOST\n";
        String to = a[1].replaceFirst("^root@", "");
        if (!cluster.hasHost(to)) return "ssh: Could not resolve hostname " + to + ": Name or service not known\n";
        visited.push(host);
        host = to;
        return "";
    }

    /** echo's words, with $? (the last status) and $HOSTNAME expanded. */
    private String echo(List<String> words) {
        List<String> out = new ArrayList<>();
        for (String w : words.subList(1, words.size())) out.add(w.replace("$?", String.valueOf(status)).replace("$HOSTNAME", host));
        return String.join(" ", out) + "\n";
    }

    private String cat(String[] a) {
        StringBuilder sb = new StringBuilder();
        StringBuilder missing = new StringBuilder();
        for (int i = 1; i < a.length; i++) {
            java.util.Optional<String> text = file(a[i]);
            if (text.isPresent()) sb.append(text.get());
            else missing.append("cat: ").append(a[i]).append(": No such file or directory\n");
        }
        if (!missing.isEmpty()) throw new ToolError(sb + missing.toString(), 1);
        return sb.toString();
    }

    /** The files of the current host that the shell knows. */
    private java.util.Optional<String> file(String path) {
        if (path.equals(SubnetEnv.FILE)) return cluster.subnetEnv(host).map(SubnetEnv::render);
        if (path.equals(dev.kubepath.cluster.FlannelCni.CONFLIST_PATH)) return cluster.cniConflist(host);
        if (path.equals("/etc/resolv.conf")) return dns().resolvConf();
        return java.util.Optional.empty();
    }

    private DnsTools dns() {
        return new DnsTools(cluster.snapshot(), cluster.clock().instant(), this::trace);
    }

    private Trace trace(Probe p) {
        return new DataPlane(cluster.snapshot()).trace(host, p);
    }

    /** curl (Curl reads its options): the transfer's verdict from the simulated data plane, in curl 7.29's words and exit codes. */
    private String curl(String[] a) {
        Curl c = Curl.parse(Arrays.asList(a).subList(1, a.length));
        String target = c.url().replaceFirst("^https?://", "").replaceFirst("/.*$", "");
        String name = target.replaceFirst(":.*$", "");
        int port = target.contains(":") ? Integer.parseInt(target.substring(target.indexOf(':') + 1)) : 80;
        Ipv4 ip;
        if (name.matches("[0-9.]+")) {
            ip = Ipv4.parse(name);
        } else {
            DnsTools.Resolution r = dns().resolve(name);
            // curl 7.29 (CentOS 7) through glibc: NXDOMAIN is "Name or service not known", a resolver timeout "Unknown error"
            if (r.address() == null) {
                return c.render(null, 0, "curl: (6) Could not resolve host: " + name + "; " + (r.failed() != null && r.failed().verdict() == Verdict.DELIVERED
                        ? "Name or service not known" : "Unknown error"), 6);
            }
            ip = r.address();
        }
        SocketAddress to = new SocketAddress(ip, port);
        DataPlane.OnWire w = new DataPlane(cluster.snapshot()).traceOnWire(host, new Probe.Curl(to));
        Trace t = w.trace();
        String head = t.verdict() == Verdict.DELIVERED ? httpHead(t) : null;
        boolean answered = head != null; // an empty reply (52) too: the connection was made and closed
        boolean reset = t.verdict() == Verdict.REFUSED && w.wire().crossings().stream().anyMatch(x -> x.reply());
        conntrack.add(w.wire(), cluster.clock().instant(), answered, reset, 0);
        if (capture != null) {
            Exchange.Outcome outcome = answered ? Exchange.Outcome.ANSWERED : reset ? Exchange.Outcome.RESET
                    : t.verdict() == Verdict.TIMEOUT ? Exchange.Outcome.SILENT : Exchange.Outcome.ONCE;
            // curl 7.29's request for curl -I, and the answer's header bytes as the server sends them (CRLF, a blank line)
            String request = "HEAD / HTTP/1.1\r\nUser-Agent: curl/7.29.0\r\nHost: " + (port == 80 ? name : name + ":" + port) + "\r\nAccept: */*\r\n\r\n";
            String response = answered && !head.startsWith("curl:") ? head.replace("\n", "\r\n") + "\r\n" : "";
            captured(w, Exchange.curl(outcome, mss(w, false), mss(w, true), request, response, to.hashCode() & 0xffffL, cluster.clock().millis()));
        }
        return switch (t.verdict()) {
            case DELIVERED -> head.startsWith("curl: (52)") ? c.render(null, 0, head, 52) : c.render(head + "\n", 200, null, 0);
            // a time limit ends the wait before the kernel gives up on the SYN
            case TIMEOUT -> c.timeout() != null ? c.render(null, 0, c.timedOut(), 28) : c.render(null, 0, TraceText.toolSays(t), 7);
            case REFUSED, UNREACHABLE -> c.render(null, 0, TraceText.toolSays(t), 7);
            // the simulation cannot tell: said on standard error, and no success status
            case INSUFFICIENT_INFO -> throw new ToolError(TraceText.toolSays(t) + "\n", 1);
        };
    }

    /**
     * {@code tcpdump -ni DEV [expression]}: starts a capture on this host's device, which runs beside the session (as
     * in a second terminal) until the next probe typed ends, or until Ctrl-C at the prompt, or -c's count of packets.
     */
    private String tcpdump(List<String> args) {
        capture = Tcpdump.parse(args, current());
        return Tcpdump.listening(capture.dev());
    }

    /** A probe ran: the capture waiting prints its packets before the probe's output, and its summary after. */
    private void captured(DataPlane.OnWire w, Exchange exchange) {
        List<String> lines = Tcpdump.lines(capture, w.wire().crossings(), exchange, cluster.clock().instant());
        for (String l : lines) before.append(l).append('\n');
        after.append(Tcpdump.summary(lines.size()));
        capture = null;
    }

    /** A side's MSS: its device's MTU less 40, on the first device its packets leave by (1500 where the MTU is unknown). */
    private int mss(DataPlane.OnWire w, boolean reply) {
        for (var x : w.wire().crossings()) {
            if (x.reply() != reply) continue;
            var link = cluster.host(x.host()).links().stream().filter(l -> l.name().equals(x.dev())).findFirst();
            int mtu = link.map(l -> l.mtu()).filter(m -> m > 0 && m != dev.kubepath.model.Link.MTU_UNKNOWN).orElse(1500);
            return mtu - 40;
        }
        return 1460;
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
        DataPlane.OnWire w = new DataPlane(cluster.snapshot()).traceOnWire(host, new Probe.Ping(ip));
        int id = (ip.hashCode() ^ history.size() * 977) & 0x7fff; // ping's id is its process id: any number, the same on a replay
        conntrack.add(w.wire(), cluster.clock().instant(), w.trace().verdict() == Verdict.DELIVERED, false, id);
        if (capture != null) captured(w, Exchange.ping(count, 56, id));
        return ProbeText.ping(ip, count, w.trace());
    }

    /**
     * ipvsadm's listings: {@code -Ln}, {@code -Ln --stats}, {@code -Ln --rate}. The simulation counts no packets, so
     * the counters and rates are 0 (as {@code ip -s link}'s). Short options may be joined ({@code -Lnc}).
     */
    private String ipvsadm(String[] a) {
        boolean stats = false, rate = false, connections = false;
        for (int i = 1; i < a.length; i++) {
            String w = a[i];
            switch (w) {
                case "--stats" -> stats = true;
                case "--rate" -> rate = true;
                case "--connection" -> connections = true;
                case "--list", "--numeric", "--exact" -> { }
                default -> {
                    if (!w.matches("-[Llnc]+")) {
                        throw new ToolError("kubepath shell: ipvsadm " + w + " is not simulated (-L, -n, -c, --stats, --rate are; rules are kube-proxy's to change)\n", 2);
                    }
                    connections |= w.contains("c");
                }
            }
        }
        if (connections) return conntrack.ipvsConnections(host, cluster.clock().instant());
        if (stats || rate) return Ipvsadm.listStats(current().virtualServers(), rate && !stats, x -> Ipvsadm.Counters.ZERO);
        return Ipvsadm.listNumeric(current().virtualServers());
    }

    private boolean kubeFlannel() {
        return cluster.registry() instanceof dev.kubepath.flannel.kube.KubeNodes;
    }

    /**
     * {@code journalctl -u UNIT [-n N] [--since TIME] [-f]}: the lines the simulated daemons wrote on this host as
     * things happened (JournalCtl reads the options, Journal lays the entries out).
     */
    private String journalctl(String[] a) {
        JournalCtl.Options o = JournalCtl.parse(Arrays.asList(a).subList(1, a.length), cluster.clock().instant());
        String name = o.unit().replaceFirst("\\.service$", "");
        List<String> lines = switch (name) {
            // where flannel runs as the kube-flannel DaemonSet (kubeadm's way), flanneld and kube-proxy are pods, no
            // systemd units: systemd has no entries for them (their lines are the pods', kubectl logs)
            case "flanneld" -> kubeFlannel() ? List.of() : cluster.podEvents().unitJournal(host, "flanneld");
            case "kube-proxy" -> {
                if (cluster.hostSpec(host).kubeProxy() && !kubeFlannel() && proxyMode() == dev.kubepath.proxy.ProxyMode.NFTABLES) {
                    throw new ToolError("kubepath shell: journalctl -u " + o.unit() + ": kube-proxy's nftables mode logs in its structured format, which the simulation does not write\n", 1);
                }
                yield kubeFlannel() ? List.of() : cluster.podEvents().unitJournal(host, "kube-proxy");
            }
            case "docker" -> cluster.podEvents().unitJournal(host, "docker");
            case "kubelet" -> {
                List<String> k = cluster.podEvents().journal(host);
                // the real kubelet logs all the time: an empty journal would say it was silent, which nobody knows
                if (k.isEmpty()) throw new ToolError("kubepath shell: journalctl -u " + o.unit() + ": the simulated kubelet on " + host
                        + " wrote nothing (it writes only its pod sandbox failures)\n", 1);
                yield k;
            }
            case "etcd", "containerd" -> throw new ToolError("kubepath shell: journalctl -u " + o.unit() + ": the simulated " + name
                    + " keeps no journal (kubelet's, flanneld's, kube-proxy's and docker's are)\n", 1);
            default -> List.of(); // a unit the host does not have: systemd has no entries for it
        };
        java.time.Instant now = cluster.clock().instant();
        List<Journal.Entry> entries = JournalCtl.select(Journal.entries(host, name, lines, now), o);
        // following, journalctl waits for entries instead of saying there are none
        if (o.follow()) return follow(entries.isEmpty() ? Journal.header(cluster.spec().start(), now) : Journal.render(entries, cluster.spec().start(), now));
        return Journal.render(entries, cluster.spec().start(), now);
    }

    /** The cluster's kube-proxy mode on this host. */
    private dev.kubepath.proxy.ProxyMode proxyMode() {
        SimCluster.ProxySettings p = cluster.hostSpec(host).proxy();
        return p != null ? p.mode() : cluster.spec().proxyMode();
    }

    /**
     * {@code journalctl -f}: after the last entries it waits for new ones. The simulated clock stands still while a
     * command runs (only {@code sleep} moves it), so none can come: on a terminal it waits until Ctrl-C, as a quiet
     * journal does; in a transcript (a script, standard input) it ends at once, as if Ctrl-C were typed straight
     * after, and the session goes on. The entries written by a later {@code sleep} are shown by the next journalctl.
     */
    private String follow(String out) {
        if (live == null) return out;
        live.accept(out);
        try {
            while (true) Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the shell's loop sees it and prints bash's ^C
        }
        return "";
    }

    /**
     * {@code traceroute -n ADDR}: the hops of an ICMP probe (traceroute -I's; the simulation traces ICMP and TCP, and a
     * UDP probe to port 33434 and up meets the same routes and, in the clusters simulated, the same filters).
     */
    private String traceroute(String[] a) {
        boolean numeric = false;
        String target = null;
        int targetAt = 0;
        for (int i = 1; i < a.length; i++) {
            switch (a[i]) {
                case "-n" -> numeric = true;
                case "-I", "-nI", "-In" -> numeric |= a[i].contains("n");
                default -> {
                    if (a[i].matches("-[46dFNrTUDAVeEMOPmfgiqswtzlpx]|--.+")) {
                        throw new ToolError("kubepath shell: traceroute " + a[i] + " is not simulated (-n and -I are)\n", 2);
                    }
                    if (a[i].startsWith("-")) throw new ToolError("Bad option `" + a[i] + "' (argc " + i + ")\n", 2);
                    if (target != null) throw new ToolError("kubepath shell: traceroute's packet length argument is not simulated\n", 2);
                    target = a[i];
                    targetAt = i;
                }
            }
        }
        if (target == null) throw new ToolError("Specify \"host\" missing argument.\n", 2);
        if (!numeric) throw new ToolError("kubepath shell: traceroute without -n would resolve each hop's name, which the simulation does not; use traceroute -n\n", 2);
        if (!Ipv4.isValid(target)) throw new ToolError(target + ": Name or service not known\nCannot handle \"host\" cmdline arg `" + target + "' on position 1 (argc " + targetAt + ")\n", 2);
        Ipv4 ip = Ipv4.parse(target);
        return Traceroute.render(ip, trace(new Probe.Ping(ip)), host, cluster::host);
    }

    /**
     * etcdctl against the cluster's etcd: the v2 API (the seed's etcdctl: ls, get) or, with ETCDCTL_API=3, the v3
     * API (get KEY [--prefix] [--keys-only]). The endpoint is --endpoints, else ETCDCTL_ENDPOINTS, else the cluster's
     * own (its etcd host on port 2379); one that is not the cluster's etcd, or an etcd that is down, is refused in
     * etcdctl's words.
     */
    private String etcdctl(String[] a, java.util.Map<String, String> env) {
        boolean v3 = "3".equals(env.get("ETCDCTL_API"));
        String endpoints = env.getOrDefault("ETCDCTL_ENDPOINTS", etcdEndpoint());
        boolean prefix = false, keysOnly = false;
        List<String> args = new ArrayList<>();
        for (int i = 1; i < a.length; i++) {
            String s = a[i];
            String name = s.contains("=") ? s.substring(0, s.indexOf('=')) : s;
            switch (name) {
                case "--endpoints", "--endpoint", "--peers", "-C" -> {
                    if (s.contains("=")) endpoints = s.substring(s.indexOf('=') + 1);
                    else if (i + 1 < a.length) endpoints = a[++i];
                }
                case "--prefix" -> prefix = true;
                case "--keys-only" -> keysOnly = true;
                case "--dial-timeout", "--command-timeout", "--timeout", "--total-timeout", "-w", "--write-out" -> {
                    if (!s.contains("=")) i++;
                }
                default -> {
                    if (s.startsWith("-")) {
                        if (s.startsWith("--") || v3) continue; // output and TLS options change nothing here
                        throw new ToolError("Incorrect Usage: flag provided but not defined: " + s + "\n", 1);
                    }
                    args.add(s);
                }
            }
        }
        if (args.isEmpty()) return v3 ? "" : "";
        String reached = reachable(endpoints);
        List<Lease> leases;
        try {
            if (reached == null) throw new dev.kubepath.flannel.registry.RegistryUnavailableException("not the cluster's etcd");
            leases = cluster.registry().getLeases().leases();
        } catch (dev.kubepath.flannel.registry.RegistryUnavailableException e) {
            String first = endpoints.split(",")[0].replaceFirst("^https?://", "");
            if (v3) {
                throw new ToolError("{\"level\":\"warn\",\"ts\":\"" + cluster.clock().instant() + "\",\"caller\":\"clientv3/retry_interceptor.go:62\","
                        + "\"msg\":\"retrying of unary invoker failed\",\"target\":\"endpoint://client/" + first + "\",\"attempt\":0,"
                        + "\"error\":\"rpc error: code = DeadlineExceeded desc = latest balancer error: all SubConns are in TransientFailure\"}\n"
                        + "Error: context deadline exceeded\n", 1);
            }
            String dial = "error #0: dial tcp " + first + ": connect: connection refused";
            throw new ToolError("Error:  client: etcd cluster is unavailable or misconfigured; " + dial + "\n\n" + dial + "\n\n", 4);
        }
        return v3 ? etcdV3(args, prefix, keysOnly, leases) : etcdV2(args, leases);
    }

    /** The cluster's etcd: its etcd host's address on etcd's client port. */
    private String etcdEndpoint() {
        return cluster.hostNames().stream().map(cluster::hostSpec).filter(SimCluster.HostSpec::etcd).findFirst()
                .map(h -> "http://" + h.ip() + ":2379").orElse("http://127.0.0.1:2379");
    }

    /** The first of the endpoints that is the cluster's etcd (seen from this host), or null. */
    private String reachable(String endpoints) {
        String ours = etcdEndpoint().replaceFirst("^https?://", "");
        boolean local = cluster.hostSpec(host).etcd();
        for (String e : endpoints.split(",")) {
            String hp = e.strip().replaceFirst("^https?://", "").replaceAll("/+$", "");
            if (hp.equals(ours) || local && (hp.equals("127.0.0.1:2379") || hp.equals("localhost:2379"))) return hp;
        }
        return null;
    }

    private String etcdV2(List<String> args, List<Lease> leases) {
        String key = args.size() > 1 ? args.get(1).replaceAll("/+$", "") : "/";
        if (key.isEmpty()) key = "/";
        String notFound = "Error:  100: Key not found (" + key + ") [" + leases.size() + "]\n";
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
                throw new ToolError(notFound, 4);
            }
            case "get" -> {
                if (key.equals(PREFIX + "/config")) yield cluster.registry().getConfig().orElse("") + "\n";
                Lease l = leaseAt(key, leases);
                if (l == null) throw new ToolError(notFound, 4);
                yield LeaseJson.render(l) + "\n";
            }
            default -> throw new ToolError("kubepath shell: etcdctl " + args.get(0) + " is not simulated (ls and get are)\n", 1);
        };
    }

    /** etcdctl v3's get: each key, then its value (--keys-only: each key, then an empty line). */
    private String etcdV3(List<String> args, boolean prefix, boolean keysOnly, List<Lease> leases) {
        if (!args.get(0).equals("get")) throw new ToolError("kubepath shell: etcdctl (v3) " + args.get(0) + " is not simulated (get is)\n", 1);
        if (args.size() < 2) throw new ToolError("Error: get command needs one argument as key and an optional argument as range_end\n", 1);
        String key = args.get(1);
        java.util.TreeMap<String, String> kv = new java.util.TreeMap<>();
        cluster.registry().getConfig().ifPresent(c -> kv.put(PREFIX + "/config", c));
        for (Lease l : leases) kv.put(PREFIX + "/subnets/" + l.subnet().keyForm(), LeaseJson.render(l));
        StringBuilder sb = new StringBuilder();
        kv.forEach((k, v) -> {
            if (prefix ? k.startsWith(key) : k.equals(key)) sb.append(k).append('\n').append(keysOnly ? "" : v).append('\n');
        });
        return sb.toString();
    }

    private static Lease leaseAt(String key, List<Lease> leases) {
        if (!key.startsWith(PREFIX + "/subnets/")) return null;
        Prefix p;
        try {
            p = LeaseJson.subnetOfKey(key);
        } catch (IllegalArgumentException e) {
            return null; // not a subnet's key: etcd has nothing there
        }
        return leases.stream().filter(l -> l.subnet().equals(p)).findFirst().orElse(null);
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
        if (a.length >= 4 && a[1].equals("describe") && List.of("pod", "pods", "po").contains(a[2])) return kubectl.describePod(a[3]);
        if (a.length >= 4 && a[1].equals("describe") && List.of("svc", "service", "services").contains(a[2])) {
            // the same -n/--namespace parsing as kubectl get (a name and a namespace; other flags are refused there too)
            KubectlText.Get g = KubectlText.parseGet(Arrays.asList(a).subList(2, a.length));
            if (g.name() == null) throw new ToolError("error: resource name may not be empty\n", 1);
            return new KubectlDescribe(cluster).service(g.namespace(), g.name());
        }
        if (a.length >= 4 && a[1].equals("describe") && List.of("node", "nodes", "no").contains(a[2])) return new KubectlDescribe(cluster).node(a[3]);
        if (a.length >= 3 && a[1].equals("get") && List.of("nodes", "node", "no").contains(a[2])
                && cluster.registry() instanceof dev.kubepath.flannel.kube.KubeNodes k
                && (String.join(" ", a).contains("-o json") || Arrays.asList(a).contains("-ojson"))) {
            return dev.kubepath.cluster.KubeObjects.nodesJson(cluster.api(), k); // with flannel's annotations
        }
        if (a.length >= 3 && a[1].equals("get") && a[2].startsWith("endpointslice") && Arrays.asList(a).contains("json")) {
            return dev.kubepath.cluster.EndpointSlices.json(dev.kubepath.cluster.EndpointSlices.of(cluster.api().endpoints()));
        }
        if (a.length >= 2 && a[1].equals("get")) return kubectl.get(Arrays.asList(a).subList(2, a.length));
        if (a.length >= 2 && a[1].equals("logs")) return KubeFlannelPods.logs(cluster, Arrays.asList(a).subList(2, a.length), this::follow);
        return "kubectl: this shell knows get nodes|pods|svc|ep|events [NAME] [-n NS|-A] [-l SELECTOR] [-o wide|json|yaml], "
                + "describe pod|svc|node NAME, logs -n kube-flannel POD|ds/kube-flannel, apply -f FILE, delete svc|deployment|pod NAME\n";
    }

    /** Injects one of the faults real clusters suffer (docs/simulation.md). */
    private String fault(String[] a) {
        dev.kubepath.cluster.Fault f;
        try {
            f = dev.kubepath.cluster.Fault.parse(List.of(a).subList(1, a.length));
        } catch (IllegalArgumentException e) {
            return e.getMessage() + "\n" + dev.kubepath.cluster.Fault.USAGE;
        }
        cluster.faults().inject(f);
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
        String story = TraceText.story(new DataPlane(cluster.snapshot()).trace(from, p));
        return story.endsWith("\n") ? story : story + "\n"; // the prompt that follows starts on a line of its own
    }
}

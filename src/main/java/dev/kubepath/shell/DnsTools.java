package dev.kubepath.shell;

import dev.kubepath.cluster.ClusterDns;
import dev.kubepath.dataplane.Probe;
import dev.kubepath.dataplane.Trace;
import dev.kubepath.dataplane.Verdict;
import dev.kubepath.model.Service;
import dev.kubepath.model.Snapshot;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.SocketAddress;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Name resolution through the simulated data plane: {@code nslookup}, {@code dig} and the resolver behind
 * {@code curl http://NAME}. Every query is a UDP datagram from the current host to the server's port 53, traced like
 * any flow; only when it is delivered does CoreDNS's kubernetes plugin answer (A records of Services, ttl 30, the
 * zone's SOA with NXDOMAIN). A host resolves as a pod of namespace default does (the kubelet's resolv.conf: the
 * kube-dns ClusterIP, search default.svc.cluster.local svc.cluster.local cluster.local, ndots:5): the simulation's
 * nodes are configured with the cluster DNS (docs/shell.md). Texts are bind9 9.18's, captured by
 * scripts/capture-dns-goldens.sh.
 */
final class DnsTools {
    static final String ZONE = ClusterDns.ZONE;
    private static final List<String> SEARCH = List.of("default.svc." + ZONE, "svc." + ZONE, ZONE);
    private static final int NDOTS = 5;
    private static final String VERSION = "9.18.49-1~deb12u3-Debian";
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss 'UTC' yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    /** What a server said for one name: NOERROR with addresses, NXDOMAIN; {@code inZone}: CoreDNS's own (aa, no ra). */
    record Answer(String name, List<Ipv4> addresses, boolean inZone) {
        boolean found() {
            return !addresses.isEmpty();
        }
    }

    private final Snapshot snapshot;
    private final Instant now;
    private final Function<Probe, Trace> tracer;

    DnsTools(Snapshot snapshot, Instant now, Function<Probe, Trace> tracer) {
        this.snapshot = snapshot;
        this.now = now;
        this.tracer = tracer;
    }

    /** The kube-dns ClusterIP, the resolver of resolv.conf; empty when the cluster has no cluster DNS. */
    Optional<Ipv4> clusterDns() {
        return snapshot.cluster().services().stream()
                .filter(s -> s.namespace().equals(ClusterDns.NAMESPACE) && s.name().equals(ClusterDns.SERVICE) && s.clusterIp() != null)
                .map(Service::clusterIp).findFirst();
    }

    /** /etc/resolv.conf as the kubelet writes it for a pod of namespace default (ClusterFirst). */
    Optional<String> resolvConf() {
        return clusterDns().map(ip -> "search " + String.join(" ", SEARCH) + "\nnameserver " + ip + "\noptions ndots:" + NDOTS + "\n");
    }

    /** The names the resolver tries, in order: the search list first when the name has fewer than ndots dots. */
    static List<String> candidates(String name) {
        if (name.endsWith(".")) return List.of(name.substring(0, name.length() - 1));
        List<String> out = new ArrayList<>();
        long dots = name.chars().filter(c -> c == '.').count();
        if (dots < NDOTS) for (String s : SEARCH) out.add(name + "." + s);
        out.add(name);
        return out;
    }

    /** CoreDNS's answer for one fully qualified name (A only): {@link ClusterDns#records}. */
    Answer answer(String fqdn) {
        String name = fqdn.toLowerCase(Locale.ROOT);
        boolean inZone = name.equals(ZONE) || name.endsWith("." + ZONE);
        List<Ipv4> ips = inZone ? records().getOrDefault(name, List.of()) : List.of();
        return new Answer(fqdn, ips, inZone);
    }

    private java.util.Map<String, List<Ipv4>> records;

    private java.util.Map<String, List<Ipv4>> records() {
        if (records == null) records = ClusterDns.records(snapshot.cluster());
        return records;
    }

    /** The query's fate: the trace of a UDP datagram to SERVER:53 from the current host. */
    Trace query(Ipv4 server) {
        return tracer.apply(new Probe.Udp(new SocketAddress(server, 53)));
    }

    /** Resolves as the C library does for curl: through the search list; the answer, or null with the trace that failed. */
    record Resolution(Ipv4 address, Trace failed) {}

    Resolution resolve(String name) {
        Ipv4 server = clusterDns().orElse(null);
        if (server == null) return new Resolution(null, null);
        Trace t = query(server);
        if (t.verdict() != Verdict.DELIVERED) return new Resolution(null, t);
        for (String c : candidates(name)) {
            Answer a = answer(c);
            if (a.found()) return new Resolution(a.addresses().getFirst(), t);
        }
        return new Resolution(null, t);
    }

    // ---- nslookup ---------------------------------------------------------------------------------------------

    String nslookup(List<String> args) {
        List<String> plain = args.stream().filter(a -> !a.startsWith("-")).toList();
        if (plain.isEmpty()) throw new ToolError("nslookup: interactive mode is not simulated (give a name)\n", 1);
        String name = plain.get(0);
        boolean explicit = plain.size() > 1;
        Ipv4 server = explicit ? parseServer(plain.get(1), "nslookup") : defaultServer("nslookup");
        Trace t = query(server);
        if (t.verdict() != Verdict.DELIVERED) throw new ToolError(failure(server, t, name) + "\n", 1);
        StringBuilder warnings = new StringBuilder();
        Answer found = null;
        Answer last = null;
        for (String c : candidates(name)) {
            last = answer(c);
            // nslookup warns of an answer without recursion (CoreDNS's own zone) when it asked the resolv.conf server
            if (!explicit && last.inZone()) warnings.append(";; Got recursion not available from ").append(server).append('\n');
            if (last.found()) {
                found = last;
                break;
            }
        }
        StringBuilder sb = new StringBuilder(warnings);
        sb.append("Server:\t\t").append(server).append("\nAddress:\t").append(server).append("#53\n\n");
        if (found == null) {
            sb.append("** server can't find ").append(name).append(": NXDOMAIN\n\n");
            throw new ToolError(sb.toString(), 1);
        }
        for (Ipv4 ip : found.addresses()) sb.append("Name:\t").append(found.name()).append("\nAddress: ").append(ip).append('\n');
        if (!explicit) sb.append(";; Got recursion not available from ").append(server).append('\n'); // its AAAA query
        return sb.append('\n').toString();
    }

    // ---- dig --------------------------------------------------------------------------------------------------

    String dig(List<String> args) {
        boolean shortForm = false;
        String name = null;
        Ipv4 server = null;
        for (String a : args) {
            if (a.equals("+short")) shortForm = true;
            else if (a.startsWith("@")) server = parseServer(a.substring(1), "dig");
            else if (a.startsWith("+") || a.startsWith("-")) continue; // other options change nothing simulated here
            else if (!a.equalsIgnoreCase("A") && !a.equalsIgnoreCase("IN")) name = a;
        }
        if (server == null) server = defaultServer("dig");
        if (name == null) name = ".";
        String cmd = "\n; <<>> DiG " + VERSION + " <<>> " + String.join(" ", args) + "\n;; global options: +cmd\n";
        Trace t = query(server);
        if (t.verdict() != Verdict.DELIVERED) {
            if (sendFails(t)) throw new ToolError(failure(server, t, name), 9);
            String tries = tries(server, t);
            throw new ToolError(shortForm ? tries + NO_SERVERS : tries + cmd + NO_SERVERS, 9);
        }
        String fqdn = name.endsWith(".") ? name.substring(0, name.length() - 1) : name; // dig does not search (+nosearch)
        Answer a = answer(fqdn);
        if (shortForm) {
            StringBuilder sb = new StringBuilder();
            for (Ipv4 ip : a.addresses()) sb.append(ip).append('\n');
            return sb.toString();
        }
        return cmd + digAnswer(fqdn, a, server);
    }

    // Long on purpose: dig's full answer, section by section in its order, each line as dig prints it.
    private String digAnswer(String fqdn, Answer a, Ipv4 server) {
        String owner = fqdn + ".";
        boolean nx = !a.found();
        int authority = nx && a.inZone() ? 1 : 0;
        StringBuilder sb = new StringBuilder(";; Got answer:\n");
        if (fqdn.equals("local") || fqdn.endsWith(".local")) {
            sb.append(";; WARNING: .local is reserved for Multicast DNS\n;; You are currently testing what happens when an mDNS query is leaked to DNS\n");
        }
        sb.append(";; ->>HEADER<<- opcode: QUERY, status: ").append(nx ? "NXDOMAIN" : "NOERROR").append(", id: ").append(queryId(fqdn)).append('\n');
        sb.append(";; flags: qr ").append(a.inZone() ? "aa rd" : "rd ra").append("; QUERY: 1, ANSWER: ").append(a.addresses().size())
                .append(", AUTHORITY: ").append(authority).append(", ADDITIONAL: 1\n");
        if (a.inZone()) sb.append(";; WARNING: recursion requested but not available\n");
        sb.append("\n;; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232\n;; QUESTION SECTION:\n");
        sb.append(columns(";" + owner, new int[] {32, 40}, "IN", "A")).append("\n\n");
        if (!a.addresses().isEmpty()) {
            sb.append(";; ANSWER SECTION:\n");
            for (Ipv4 ip : a.addresses()) sb.append(columns(owner, new int[] {24, 32, 40, 48}, String.valueOf(ClusterDns.TTL), "IN", "A", ip.toString())).append('\n');
            sb.append('\n');
        }
        if (authority > 0) {
            sb.append(";; AUTHORITY SECTION:\n").append(columns(ZONE + ".", new int[] {24, 32, 40, 48}, String.valueOf(ClusterDns.TTL), "IN", "SOA",
                    SOA_RDATA)).append("\n\n");
        }
        int size = 12 + wireLength(fqdn) + 4 + 16 * a.addresses().size() + (authority > 0 ? SOA_SIZE : 0) + 11;
        sb.append(";; Query time: 0 msec\n;; SERVER: ").append(server).append("#53(").append(server).append(") (UDP)\n");
        sb.append(";; WHEN: ").append(WHEN.format(now)).append('\n');
        sb.append(";; MSG SIZE  rcvd: ").append(size).append("\n\n");
        return sb.toString();
    }

    private static final String SOA_RDATA = "ns.dns." + ZONE + ". hostmaster." + ZONE + ". 1700000000 7200 1800 86400 " + ClusterDns.TTL;
    /** The SOA record on the wire: owner, type/class/ttl/length, two names and five 32-bit numbers. */
    private static final int SOA_SIZE = wireLength(ZONE) + 10 + wireLength("ns.dns." + ZONE) + wireLength("hostmaster." + ZONE) + 20;

    private static int wireLength(String name) {
        return name.isEmpty() || name.equals(".") ? 1 : name.length() + 2;
    }

    /** dig's id is random; here one per name, so a session replays the same. */
    private static int queryId(String fqdn) {
        return Math.floorMod(fqdn.hashCode(), 65536);
    }

    /**
     * dig's master-file style: each field starts at its column (tab stops of 8), or after one space when the text
     * before already reaches it.
     */
    static String columns(String first, int[] stops, String... fields) {
        StringBuilder sb = new StringBuilder(first);
        int col = first.length();
        for (int i = 0; i < fields.length; i++) {
            int target = stops[i];
            if (col >= target) {
                sb.append(' ');
                col++;
            } else {
                while (col < target) {
                    sb.append('\t');
                    col = (col / 8 + 1) * 8;
                }
            }
            sb.append(fields[i]);
            col += fields[i].length();
        }
        return sb.toString();
    }

    private static final String NO_SERVERS = ";; no servers could be reached\n";

    /**
     * A query that failed: three tries (dig's and nslookup's default), then no server. When the sender's own kernel
     * refuses to send (no route, an unreachable route), each try fails at setup and says so on its own.
     */
    private static String failure(Ipv4 server, Trace t, String name) {
        if (sendFails(t)) {
            String why = t.reason().contains("Network is unreachable") ? "network unreachable" : "host unreachable";
            return (";; UDP setup with " + server + "#53(" + server + ") for " + name + " failed: " + why + ".\n" + NO_SERVERS).repeat(3);
        }
        return tries(server, t) + NO_SERVERS;
    }

    /** Unreachable on the sender itself: the send fails before a packet leaves. */
    private static boolean sendFails(Trace t) {
        return t.verdict() == Verdict.UNREACHABLE && t.cause().host().equals(t.from());
    }

    private static String tries(Ipv4 server, Trace t) {
        String why = switch (t.verdict()) {
            case REFUSED -> "connection refused";
            case UNREACHABLE -> t.reason().contains("Network is unreachable") ? "network unreachable" : "host unreachable";
            case INSUFFICIENT_INFO -> throw new ToolError("(cannot tell: " + t.reason() + ")\n", 1);
            default -> "timed out";
        };
        return (";; communications error to " + server + "#53: " + why + "\n").repeat(3);
    }

    private Ipv4 defaultServer(String tool) {
        return clusterDns().orElseThrow(() -> new ToolError(tool + ": this cluster has no cluster DNS (kube-dns), and the host's own resolver is not simulated\n", 1));
    }

    private static Ipv4 parseServer(String text, String tool) {
        try {
            return Ipv4.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ToolError(tool + ": server '" + text + "' is not an IPv4 address (names of servers are not simulated)\n", 1);
        }
    }
}

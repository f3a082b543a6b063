package dev.kubepath.shell;

import dev.kubepath.dataplane.Wire;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Protocol;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The connection tracking entries the session's probes left on each host, with the time each was made: {@code
 * conntrack -L} (conntrack-tools 1.4.7) and, for the connections IPVS scheduled, {@code ipvsadm -Lnc}. Each entry
 * counts down from its state's timeout in simulated time and is gone at 0 (the kernel's defaults: TCP TIME_WAIT and
 * SYN_SENT 120 s, SYN_RECV 60 s, CLOSE 10 s, UDP and ICMP 30 s; IPVS: TIME_WAIT 2 min, SYN_RECV 1 min, CLOSE 10 s,
 * UDP 5 min). Formats checked by ConntrackGoldenTest against the lab's conntrack and a public ipvsadm -Lnc.
 */
final class Conntrack {
    /** An entry: the tuple as the host tracked it, its state and timeout, when it was made, whether IPVS scheduled it. */
    record Entry(Wire.Tracked t, String state, int timeout, boolean assured, Instant made, String ipvsState, int ipvsTimeout, int icmpId) {
        int left(Instant now) {
            return timeout - (int) Duration.between(made, now).toSeconds();
        }
    }

    static final String VERSION = "conntrack v1.4.7 (conntrack-tools): ";
    private final List<Entry> entries = new ArrayList<>();

    /**
     * Keeps what one probe's flow left: each host's entry, in the state the exchange ended in ({@code answered}: the
     * connection completed; {@code reset}: answered by RST), and the VXLAN flows its packets made on the underlay.
     */
    void add(Wire wire, Instant now, boolean answered, boolean reset, int icmpId) {
        for (Wire.Tracked t : wire.tracked()) {
            boolean ipvs = wire.scheduledByIpvs(t.host());
            // the same tuple again (the simulation's curl always sends from one port) is the same entry, made anew
            entries.removeIf(e -> e.t().host().equals(t.host()) && e.t().protocol() == t.protocol() && e.t().src().equals(t.src())
                    && e.t().sport() == t.sport() && e.t().dst().equals(t.dst()) && e.t().dport() == t.dport());
            entries.add(switch (t.protocol()) {
                case TCP -> !t.replied() ? new Entry(t, "SYN_SENT", 120, false, now, "SYN_RECV", 60, 0)
                        : reset ? new Entry(t, "CLOSE", 10, false, now, "CLOSE", 10, 0)
                        : answered ? new Entry(t, "TIME_WAIT", 120, true, now, "TIME_WAIT", 120, 0)
                        : new Entry(t, "SYN_RECV", 60, false, now, "SYN_RECV", 60, 0);
                case UDP -> new Entry(t, null, 30, false, now, "UDP", 300, 0);
                case ICMP -> new Entry(t, null, 30, false, now, "ICMP", 60, icmpId);
            });
            if (!ipvs) entries.set(entries.size() - 1, withoutIpvs(entries.getLast()));
        }
        // the encapsulated packets are UDP datagrams of each host's own: each direction, each outer port, a flow of its own
        for (Wire.Crossing x : wire.crossings()) {
            if (x.outer() == null || !wire.tracks(x.host())) continue;
            Wire.Outer o = x.outer();
            int port = Exchange.outerPort(x, new Exchange.Segment(x.reply(), 0, null, 0, 0, 0, 0, null, null, 0, 0, 0));
            Wire.Tracked u = new Wire.Tracked(x.host(), Protocol.UDP, o.src(), port, o.dst(), o.dport(), o.dst(), o.dport(), o.src(), port, false);
            if (entries.stream().noneMatch(e -> e.t().equals(u))) entries.add(new Entry(u, null, 30, false, now, null, 0, 0));
        }
    }

    private static Entry withoutIpvs(Entry e) {
        return new Entry(e.t(), e.state(), e.timeout(), e.assured(), e.made(), null, 0, e.icmpId());
    }

    /** conntrack's arguments: -L (--dump), -p PROTO, -s/-d ADDR (also --orig-src/--orig-dst). */
    // Long on purpose: conntrack's option table and each option's error, in one place.
    String list(String host, List<String> args, Instant now, StringBuilder stderr) {
        boolean list = false;
        Protocol proto = null;
        Ipv4 src = null, dst = null;
        for (int i = 0; i < args.size(); i++) {
            String w = args.get(i);
            switch (w) {
                case "-L", "--dump" -> list = true;
                case "-n", "-o" -> { }
                case "-p", "--proto", "-s", "--src", "--orig-src", "-d", "--dst", "--orig-dst" -> {
                    if (i + 1 >= args.size() || args.get(i + 1).startsWith("-")) throw error("option `" + w + "' requires an argument");
                    String v = args.get(++i);
                    if (w.equals("-p") || w.equals("--proto")) {
                        proto = switch (v.toLowerCase(Locale.ROOT)) {
                            case "tcp", "6" -> Protocol.TCP;
                            case "udp", "17" -> Protocol.UDP;
                            case "icmp", "1" -> Protocol.ICMP;
                            default -> throw error("`" + v + "' unsupported protocol");
                        };
                    } else {
                        Ipv4 ip = inetAton(v);
                        if (ip == null) throw error("Invalid IP address `" + v + "'");
                        if (w.contains("s")) src = ip;
                        else dst = ip;
                    }
                }
                case "-D", "--delete", "-F", "--flush", "-E", "--event", "-C", "--count", "-S", "--stats", "-I", "--create", "-U", "--update",
                     "-G", "--get" -> throw new ToolError("kubepath shell: conntrack " + w + " is not simulated (-L [-p PROTO] [-s ADDR] [-d ADDR] is)\n", 1);
                default -> throw error("unknown option `" + w + "'");
            }
        }
        if (!list) throw new ToolError("kubepath shell: conntrack without -L is not simulated (-L [-p PROTO] [-s ADDR] [-d ADDR] is)\n", 1);
        entries.removeIf(e -> e.left(now) <= 0);
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (Entry e : entries) {
            Wire.Tracked t = e.t();
            if (!t.host().equals(host) || proto != null && t.protocol() != proto || src != null && !t.src().equals(src)
                    || dst != null && !t.dst().equals(dst)) continue;
            sb.append(line(e, now)).append('\n');
            shown++;
        }
        stderr.append(VERSION).append(shown).append(" flow entries have been shown.\n");
        return sb.toString();
    }

    /** conntrack's line: protocol name and number, seconds left, TCP state, the two tuples, flags, mark and use. */
    static String line(Entry e, Instant now) {
        Wire.Tracked t = e.t();
        int number = switch (t.protocol()) {
            case TCP -> 6;
            case UDP -> 17;
            case ICMP -> 1;
        };
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-8s %d %d ", t.protocol().lower(), number, e.left(now)));
        if (e.state() != null) sb.append(e.state()).append(' ');
        sb.append(tuple(t.protocol(), t.src(), t.dst(), t.sport(), t.dport(), 8, e.icmpId()));
        if (!t.replied()) sb.append("[UNREPLIED] ");
        sb.append(tuple(t.protocol(), t.replySrc(), t.replyDst(), t.replySport(), t.replyDport(), 0, e.icmpId()));
        if (e.assured()) sb.append("[ASSURED] ");
        return sb.append("mark=0 use=1").toString();
    }

    private static String tuple(Protocol p, Ipv4 src, Ipv4 dst, int sport, int dport, int icmpType, int id) {
        String ends = "src=" + src + " dst=" + dst + " ";
        if (p == Protocol.ICMP) return ends + "type=" + icmpType + " code=0 id=" + id + " ";
        return ends + "sport=" + sport + " dport=" + dport + " ";
    }

    /** {@code ipvsadm -Lnc}: IPVS's connection entries on the host (ipvsadm.c's list_conn and print_conn). */
    String ipvsConnections(String host, Instant now) {
        entries.removeIf(e -> e.left(now) <= 0);
        StringBuilder sb = new StringBuilder(IPVS_HEADER);
        for (Entry e : entries) {
            if (e.ipvsState() == null || !e.t().host().equals(host)) continue;
            int left = e.ipvsTimeout() - (int) Duration.between(e.made(), now).toSeconds();
            if (left <= 0) continue;
            Wire.Tracked t = e.t();
            sb.append(ipvsLine(t.protocol().name(), left, e.ipvsState(), t.src() + ":" + t.sport(), t.dst() + ":" + t.dport(),
                    t.replySrc() + ":" + t.replySport()));
        }
        return sb.toString();
    }

    static final String IPVS_HEADER = "IPVS connection entries\n"
            + String.format(Locale.ROOT, "pro expire %-11s %-18s %-18s %s\n", "state", "source", "virtual", "destination");

    /** print_conn's line: the expiry as minutes:seconds, the client, the virtual service, the real server. */
    static String ipvsLine(String protocol, int secondsLeft, String state, String client, String virtual, String real) {
        String expire = String.format(Locale.ROOT, "%02d:%02d", secondsLeft / 60, secondsLeft % 60);
        return String.format(Locale.ROOT, "%-3s %-6s %-11s %-18s %-18s %s\n", protocol, expire, state, client, virtual, real);
    }

    private static ToolError error(String what) {
        return new ToolError(VERSION + what + "\nTry `conntrack -h' or 'conntrack --help' for more information.\n", 2);
    }

    /** inet_aton's reading, as conntrack's: {@code 10.0.0} is 10.0.0.0 (the last part fills the rest). */
    static Ipv4 inetAton(String s) {
        if (!s.matches("\\d+(\\.\\d+){0,3}")) return null;
        String[] parts = s.split("\\.");
        long v = 0;
        try {
            for (int i = 0; i < parts.length - 1; i++) {
                long p = Long.parseLong(parts[i]);
                if (p > 255) return null;
                v = v << 8 | p;
            }
            long last = Long.parseLong(parts[parts.length - 1]);
            int rest = 4 - (parts.length - 1);
            if (last >= 1L << (8 * rest)) return null;
            v = v << (8 * rest) | last;
        } catch (NumberFormatException e) {
            return null;
        }
        return Ipv4.parse(((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255));
    }
}

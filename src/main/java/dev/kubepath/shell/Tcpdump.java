package dev.kubepath.shell;

import dev.kubepath.dataplane.Wire;
import dev.kubepath.model.Host;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Protocol;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * tcpdump 4.99's {@code tcpdump -ni DEV [expression]}: a capture on one device of one host, which prints the packets
 * of the next probe typed in the session as they cross that device (the addresses they carry there, after the NAT
 * done before it), then tcpdump's summary. The packets are the tracer's ({@link Wire}); the exchange of each probe
 * (a ping's echoes, a curl's TCP segments) is laid over them by {@link Exchange}. Format checked against tcpdump 4.99
 * in the lab's namespaces by TcpdumpGoldenTest (scripts/capture-packet-goldens.sh).
 */
final class Tcpdump {
    /** A capture waiting for the next probe: the host and device, -c's count (0: none), the filter. */
    record Capture(String host, String dev, int count, Filter filter) {}

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
    /** The VXLAN port tcpdump decodes as OTV (flannel's 8472); the IANA port 4789 is printed otherwise and not captured here. */
    static final int OTV_PORT = 8472;
    /** Options tcpdump knows (its getopt string) that the simulation does not: refused as not simulated, not as unknown. */
    private static final String KNOWN_OPTIONS = "AbBCdDeEfFGhHIjJKLmMNOpqQrsStTuUvVwWxXyYzZ#";

    private Tcpdump() {}

    static String listening(String dev) {
        return "tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n"
                + "listening on " + dev + ", link-type EN10MB (Ethernet), snapshot length 262144 bytes\n";
    }

    /** What tcpdump prints when it stops (SIGINT, or -c's count reached). */
    static String summary(int packets) {
        return "\n" + packets + " packets captured\n" + packets + " packets received by filter\n0 packets dropped by kernel\n";
    }

    private static ToolError invalidOption(char c, String how) {
        return new ToolError("tcpdump: " + how + " -- '" + c + "'\ntcpdump version 4.99.3\nlibpcap version 1.10.3 (with TPACKET_V3)\n"
                + "Usage: tcpdump [-AbdDefhHIJKlLnNOpqStuUvxX#] [ -B size ] [ -c count ] [--count]\n"
                + "\t\t[ -C file_size ] [ -E algo:secret ] [ -F file ] [ -G seconds ]\n"
                + "\t\t[ -i interface ] [ --immediate-mode ] [ -j tstamptype ]\n"
                + "\t\t[ -M secret ] [ --number ] [ --print ] [ -Q in|out|inout ]\n"
                + "\t\t[ -r file ] [ -s snaplen ] [ -T type ] [ --version ]\n"
                + "\t\t[ -V file ] [ -w file ] [ -W filecount ] [ -y datalinktype ]\n"
                + "\t\t[ --time-stamp-precision precision ] [ --micro ] [ --nano ]\n"
                + "\t\t[ -z postrotate-command ] [ -Z user ] [ expression ]\n", 1);
    }

    /** Reads tcpdump's arguments as its getopt does (options may be joined: {@code -nni eth0}, {@code -c4}). */
    // Long on purpose: getopt's cluster walk, each option's argument and its error, in one place.
    static Capture parse(List<String> args, Host host) {
        boolean numeric = false;
        String dev = null;
        int count = 0;
        List<String> expression = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String w = args.get(i);
            if (w.startsWith("--")) throw new ToolError("kubepath shell: tcpdump " + w + " is not simulated (-n, -i IF, -c N, -l are)\n", 1);
            if (!w.startsWith("-") || w.length() == 1) {
                expression.add(w);
                continue;
            }
            for (int k = 1; k < w.length(); k++) {
                char c = w.charAt(k);
                if (c == 'n' || c == 'l') {
                    numeric |= c == 'n';
                    continue;
                }
                if (c == 'i' || c == 'c') {
                    String value = k + 1 < w.length() ? w.substring(k + 1) : i + 1 < args.size() ? args.get(++i) : null;
                    if (value == null) throw invalidOption(c, "option requires an argument");
                    if (c == 'i') dev = value;
                    else count = packetCount(value);
                    break;
                }
                if (KNOWN_OPTIONS.indexOf(c) >= 0) throw new ToolError("kubepath shell: tcpdump -" + c + " is not simulated (-n, -i IF, -c N, -l are)\n", 1);
                throw invalidOption(c, "invalid option");
            }
        }
        if (!numeric) throw new ToolError("kubepath shell: tcpdump without -n would resolve names, which the simulation does not; use tcpdump -n\n", 1);
        if (dev == null) dev = host.links().stream().map(l -> l.name()).filter(n -> !n.equals("lo")).findFirst().orElse("lo");
        if (dev.equals("any")) throw new ToolError("kubepath shell: tcpdump -i any (Linux cooked capture) is not simulated; name one device\n", 1);
        String name = dev;
        if (host.links().stream().noneMatch(l -> l.name().equals(name))) {
            throw new ToolError("tcpdump: " + dev + ": No such device exists\n(No such device exists)\n", 1);
        }
        return new Capture(host.name(), dev, count, Filter.parse(expression));
    }

    private static int packetCount(String s) {
        try {
            int n = Integer.parseInt(s);
            if (n > 0) return n;
        } catch (NumberFormatException e) {
            // tcpdump's own words follow
        }
        throw new ToolError("tcpdump: invalid packet count " + s + "\n", 1);
    }

    /**
     * The lines of the packets of one exchange that cross the capture's device, in time order, and how many were
     * printed (at most -c's count).
     */
    static List<String> lines(Capture c, List<Wire.Crossing> crossings, Exchange exchange, Instant start) {
        List<String> out = new ArrayList<>();
        Relative relative = new Relative();
        for (Exchange.Segment s : exchange.segments()) {
            for (Wire.Crossing x : crossings) {
                if (!x.host().equals(c.host()) || !x.dev().equals(c.dev()) || x.reply() != s.reply()) continue;
                if (!c.filter().matches(x)) continue;
                Instant at = start.plusNanos(s.micros() * 1000);
                String time = TIME.format(at) + String.format(Locale.ROOT, ".%06d ", at.getNano() / 1000);
                out.add(time + packet(x, s, relative));
                if (c.count() > 0 && out.size() == c.count()) return out;
            }
        }
        return out;
    }

    /** One packet as tcpdump -n prints it: the outer VXLAN line (OTV), then the inner; or the inner alone. */
    private static String packet(Wire.Crossing x, Exchange.Segment s, Relative relative) {
        String inner = "IP " + endpoint(x.src(), x.sport(), x.protocol()) + " > " + endpoint(x.dst(), x.dport(), x.protocol()) + ": "
                + body(x, s, relative);
        if (x.outer() == null) return inner;
        Wire.Outer o = x.outer();
        return "IP " + o.src() + "." + Exchange.outerPort(x, s) + " > " + o.dst() + "." + o.dport() + ": OTV, flags [I] (0x08), overlay 0, instance "
                + o.vni() + "\n" + inner;
    }

    private static String endpoint(Ipv4 ip, int port, Protocol p) {
        return p == Protocol.ICMP ? ip.toString() : ip + "." + port;
    }

    private static String body(Wire.Crossing x, Exchange.Segment s, Relative relative) {
        return switch (x.protocol()) {
            case ICMP -> "ICMP echo " + (s.reply() ? "reply" : "request") + ", id " + s.icmpId() + ", seq " + s.icmpSeq() + ", length " + s.length();
            case UDP -> "UDP, length " + s.length();
            case TCP -> tcp(x, s, relative);
        };
    }

    /**
     * print-tcp.c's line: flags, seq (relative after the first packet with ACK of a conversation tcpdump saw, keyed by
     * the addresses it sees: where NAT makes the two directions differ, it starts over, as it does), ack, win, options,
     * length, and HTTP's first line on port 80.
     */
    private static String tcp(Wire.Crossing x, Exchange.Segment s, Relative relative) {
        long seq = s.seq(), ack = s.ack();
        if (s.flags().contains(".")) {
            long[] r = relative.apply(x, s);
            seq = r[0];
            ack = r[1];
        }
        StringBuilder sb = new StringBuilder("Flags [" + s.flags() + "]");
        if (s.length() > 0 || s.flags().contains("S") || s.flags().contains("F") || s.flags().contains("R")) {
            sb.append(", seq ").append(seq);
            if (s.length() > 0) sb.append(':').append((seq + s.length()) & 0xffffffffL);
        }
        if (s.flags().contains(".")) sb.append(", ack ").append(ack);
        sb.append(", win ").append(s.window());
        if (s.options() != null) sb.append(", options [").append(s.options()).append(']');
        sb.append(", length ").append(s.length());
        if (s.payload() != null && (x.sport() == 80 || x.dport() == 80)) sb.append(": HTTP: ").append(s.payload());
        return sb.toString();
    }

    /** tcpdump's table of conversations for relative sequence numbers (print-tcp.c's tcp_seq_hash). */
    private static final class Relative {
        private final java.util.Map<String, long[]> seen = new java.util.HashMap<>();

        long[] apply(Wire.Crossing x, Exchange.Segment s) {
            String a = x.src() + ":" + x.sport(), b = x.dst() + ":" + x.dport();
            boolean rev = a.compareTo(b) > 0;
            String key = rev ? b + "|" + a : a + "|" + b;
            long[] th = seen.get(key);
            if (th == null || s.flags().contains("S")) {
                th = rev ? new long[] {(s.ack() - 1) & 0xffffffffL, s.seq()} : new long[] {s.seq(), (s.ack() - 1) & 0xffffffffL};
                seen.put(key, th);
                return new long[] {s.seq(), s.ack()};
            }
            long seq = (s.seq() - (rev ? th[1] : th[0])) & 0xffffffffL;
            long ack = (s.ack() - (rev ? th[0] : th[1])) & 0xffffffffL;
            return new long[] {seq, ack};
        }
    }

    /**
     * The filter expression, as far as the simulation reads pcap's language: primitives {@code host A}, {@code src|dst
     * [host] A}, {@code [src|dst] port N}, {@code tcp}, {@code udp}, {@code icmp}, each possibly after {@code not}, joined
     * by {@code and}. It is matched against the headers on the device: on the underlay the outer VXLAN packet's.
     */
    record Filter(List<List<String>> terms) {
        private static final List<String> PCAP_WORDS = List.of("or", "net", "portrange", "ether", "arp", "ip", "ip6", "vlan", "proto", "less",
                "greater", "gateway", "broadcast", "multicast", "inbound", "outbound", "(", ")", "||", "&&", "!", "mask", "len");

        static Filter parse(List<String> words) {
            List<String> flat = new ArrayList<>();
            for (String w : words) for (String part : w.strip().split("\\s+")) if (!part.isEmpty()) flat.add(part);
            List<List<String>> terms = new ArrayList<>();
            List<String> term = new ArrayList<>();
            for (String w : flat) {
                if (w.equals("and")) {
                    if (term.isEmpty()) throw syntax();
                    terms.add(List.copyOf(validated(term)));
                    term = new ArrayList<>();
                } else {
                    term.add(w);
                }
            }
            if (!term.isEmpty()) terms.add(List.copyOf(validated(term)));
            else if (!terms.isEmpty()) throw syntax();
            return new Filter(terms);
        }

        private static ToolError syntax() {
            return new ToolError("tcpdump: can't parse filter expression: syntax error\n", 1);
        }

        private static List<String> validated(List<String> t) {
            List<String> body = t.getFirst().equals("not") ? t.subList(1, t.size()) : t;
            for (String w : body) {
                if (PCAP_WORDS.contains(w)) throw new ToolError("kubepath shell: tcpdump's filter '" + w + "' is not simulated (host, src, dst, port, tcp, udp, icmp, not, and are)\n", 1);
            }
            boolean ok = switch (body.size()) {
                case 1 -> List.of("tcp", "udp", "icmp").contains(body.get(0));
                case 2 -> List.of("host", "src", "dst").contains(body.get(0)) && Ipv4.isValid(body.get(1))
                        || body.get(0).equals("port") && body.get(1).matches("\\d{1,5}");
                case 3 -> List.of("src", "dst").contains(body.get(0)) && (body.get(1).equals("host") && Ipv4.isValid(body.get(2))
                        || body.get(1).equals("port") && body.get(2).matches("\\d{1,5}"));
                default -> false;
            };
            if (!ok) throw syntax();
            return t;
        }

        boolean matches(Wire.Crossing x) {
            for (List<String> t : terms) {
                boolean negate = t.getFirst().equals("not");
                if (primitive(negate ? t.subList(1, t.size()) : t, x) == negate) return false;
            }
            return true;
        }

        private static boolean primitive(List<String> t, Wire.Crossing x) {
            Protocol protocol = x.outer() != null ? Protocol.UDP : x.protocol();
            Ipv4 src = x.outer() != null ? x.outer().src() : x.src(), dst = x.outer() != null ? x.outer().dst() : x.dst();
            int dport = x.outer() != null ? x.outer().dport() : x.dport();
            int sport = x.outer() != null ? -1 : x.sport(); // the outer source port is the kernel's hash: never a port asked for
            String what = t.get(0);
            String value = t.getLast();
            boolean port = t.contains("port");
            if (t.size() == 1) return protocol.lower().equals(what);
            if (port) {
                int n = Integer.parseInt(value);
                boolean hasPorts = protocol != Protocol.ICMP;
                return hasPorts && switch (what) {
                    case "src" -> sport == n;
                    case "dst" -> dport == n;
                    default -> sport == n || dport == n;
                };
            }
            Ipv4 ip = Ipv4.parse(value);
            return switch (what) {
                case "src" -> src.equals(ip);
                case "dst" -> dst.equals(ip);
                default -> src.equals(ip) || dst.equals(ip);
            };
        }
    }
}

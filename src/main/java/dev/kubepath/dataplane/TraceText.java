package dev.kubepath.dataplane;

import java.util.LinkedHashMap;
import java.util.Map;

/** A trace as a short story of the packet, one line a hop, and as the stable JSON of docs/trace-json.md. */
public final class TraceText {
    private TraceText() {}

    public static String story(Trace t) {
        StringBuilder sb = new StringBuilder();
        sb.append(command(t.probe())).append("  (from ").append(t.from()).append(")\n");
        int width = t.steps().stream().mapToInt(s -> s.host().length()).max().orElse(8);
        for (Step s : t.steps()) {
            sb.append("  ").append(pad(s.host(), width)).append("  ").append(pad(s.stage().label(), 9)).append(' ').append(s.detail()).append('\n');
            if (s.decidedBy() != null && !s.detail().contains(s.decidedBy())) {
                for (String line : s.decidedBy().split("\n")) sb.append("  ").append(" ".repeat(width + 12)).append("[").append(line.strip()).append("]\n");
            }
        }
        if (!t.backends().isEmpty()) {
            sb.append("  backends: ").append(t.coverage()).append(" answer");
            for (Trace.Backend b : t.backends()) sb.append("\n    ").append(b.address()).append("  ").append(b.verdict());
            sb.append('\n');
        }
        for (String a : t.assumptions()) sb.append("  assumed: ").append(a).append('\n');
        sb.append(t.verdict()).append(": ").append(t.reason()).append('\n');
        sb.append(toolSays(t));
        return sb.toString();
    }

    public static String command(Probe p) {
        return switch (p) {
            case Probe.Curl c -> "curl -I " + c.to();
            case Probe.Ping g -> "ping -c 1 " + (g.payload() != 56 ? "-M do -s " + g.payload() + " " : "") + g.target();
            case Probe.Udp u -> "dig +tries=1 @" + u.to().ip() + (u.to().port() != 53 ? " -p " + u.to().port() : "") + " kubernetes.default.svc.cluster.local";
        };
    }

    /** What the real tool prints for this verdict (CentOS 7's curl 7.29 and iputils ping). */
    public static String toolSays(Trace t) {
        return switch (t.probe()) {
            case Probe.Curl c -> switch (t.verdict()) {
                case DELIVERED -> t.response() != null ? t.response() : "(connected)";
                case REFUSED -> "curl: (7) Failed connect to " + c.to() + "; Connection refused";
                case TIMEOUT -> "curl: (7) Failed connect to " + c.to() + "; Connection timed out";
                case UNREACHABLE -> "curl: (7) Failed connect to " + c.to() + "; "
                        + (t.reason().contains("Network is unreachable") ? "Network is unreachable" : "No route to host");
                case INSUFFICIENT_INFO -> "(cannot tell: " + t.reason() + ")";
            };
            case Probe.Ping g -> switch (t.verdict()) {
                case DELIVERED -> "1 packets transmitted, 1 received, 0% packet loss";
                case TIMEOUT, REFUSED -> "1 packets transmitted, 0 received, 100% packet loss";
                case UNREACHABLE -> t.reason().contains("message too long") ? "ping: local error: " + t.reason().substring(t.reason().indexOf("message too long"))
                        : t.reason().contains("Network is unreachable") ? "connect: Network is unreachable"
                        : "1 packets transmitted, 0 received, +1 errors, 100% packet loss";
                case INSUFFICIENT_INFO -> "(cannot tell: " + t.reason() + ")";
            };
            case Probe.Udp u -> udpSays(t, u);
        };
    }

    /**
     * dig 9.18's words for one try (+tries=1) of a query that got no answer: a timeout, an ICMP port unreachable, an
     * ICMP unreachable (the lines scripts/capture-dns-goldens.sh captured, there repeated for dig's three tries).
     * DELIVERED is "(answered)": what the answer says is the DNS server's, which the shell's dig and nslookup print.
     */
    private static String udpSays(Trace t, Probe.Udp u) {
        String server = u.to().ip() + "#" + u.to().port();
        return switch (t.verdict()) {
            case DELIVERED -> "(answered)";
            case TIMEOUT -> ";; communications error to " + server + ": timed out\n;; no servers could be reached";
            case REFUSED -> ";; communications error to " + server + ": connection refused\n;; no servers could be reached";
            case UNREACHABLE -> ";; communications error to " + server + ": " + (t.reason().contains("Network is unreachable") ? "network unreachable" : "host unreachable")
                    + "\n;; no servers could be reached";
            case INSUFFICIENT_INFO -> "(cannot tell: " + t.reason() + ")";
        };
    }

    /** The JSON form: field names are a public interface (docs/trace-json.md); add fields, never rename. */
    public static Map<String, Object> json(Trace t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", t.from());
        m.put("to", t.probe().toString());
        m.put("kind", switch (t.probe()) {
            case Probe.Curl c -> "curl";
            case Probe.Ping g -> "ping";
            case Probe.Udp u -> "udp";
        });
        m.put("verdict", t.verdict().name());
        m.put("reason", t.reason());
        m.put("response", t.response());
        m.put("endpoints", t.coverage() == null ? null : t.coverage().name());
        m.put("backends", t.backends().stream().map(b -> Map.of("address", b.address(), "verdict", b.verdict().name(), "reason", b.reason())).toList());
        m.put("steps", t.steps().stream().map(TraceText::stepJson).toList());
        m.put("assumptions", t.assumptions());
        m.put("basis", t.basis().label());
        m.put("cause", t.cause().root().getClass().getSimpleName());
        m.put("says", toolSays(t));
        return m;
    }

    private static Map<String, Object> stepJson(Step s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", s.host());
        m.put("stage", s.stage().label());
        m.put("detail", s.detail());
        m.put("decidedBy", s.decidedBy());
        m.put("basis", s.basis().label());
        m.put("facts", s.facts());
        return m;
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }
}

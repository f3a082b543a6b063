package dev.kubepath.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packet at each hop of one trace, read from the trace JSON (docs/trace-json.md) alone so the picture cannot
 * disagree with the CLI: the inner IP header as IPVS (DNAT) and MASQUERADE rewrite it, and while it crosses the
 * underlay the outer IP/UDP header with the VXLAN VNI that flannel.1 wraps it in.
 */
public final class PacketStory {
    private static final Pattern ENCAP = Pattern.compile("VXLAN VNI (\\d+): inner (\\S+) -> (\\S+) in outer (\\S+) -> (\\S+) UDP (\\d+)(?: \\((\\d+) bytes\\))?");
    private static final Pattern ARROW_TARGET = Pattern.compile("-> (\\d+\\.\\d+\\.\\d+\\.\\d+(?::\\d+)?)");
    private static final Pattern MASQ = Pattern.compile("MASQUERADE (\\S+) -> (\\S+)");
    private static final Pattern SRC = Pattern.compile("\\bsrc (\\d+\\.\\d+\\.\\d+\\.\\d+)");
    private static final Pattern TO = Pattern.compile(" to (\\S+)");
    private static final Pattern REPLY_PORT = Pattern.compile("^reply \\S+ -> \\d+\\.\\d+\\.\\d+\\.\\d+(:\\d+)");

    private PacketStory() {}

    @SuppressWarnings("unchecked")
    public static Map<String, Object> of(Map<String, Object> trace) {
        List<Map<String, Object>> steps = (List<Map<String, Object>>) trace.get("steps");
        String proto = "curl".equals(trace.get("kind")) ? "TCP" : "ICMP";
        Headers headers = new Headers();
        headers.dst = (String) trace.get("to");
        if (proto.equals("TCP") && !headers.dst.contains(":")) headers.dst += ":80";
        headers.src = firstSource(steps);
        List<Map<String, Object>> hops = new ArrayList<>();
        for (Map<String, Object> s : steps) {
            String stage = str(s.get("stage"));
            String change = headers.rewrite(stage, str(s.get("detail")));
            hops.add(hop(s, stage, change, proto, headers));
            // the request's story ends where a socket takes it; the reply is summarised, not drawn
            if (stage.equals("pod") || stage.equals("socket") || stage.equals("local")) break;
        }
        if (proto.equals("TCP")) addSourcePort(hops, steps);
        String reply = null;
        for (Map<String, Object> s : steps) if ("conntrack".equals(s.get("stage"))) reply = str(s.get("detail"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", trace.get("from"));
        out.put("to", trace.get("to"));
        out.put("kind", trace.get("kind"));
        out.put("verdict", trace.get("verdict"));
        out.put("says", trace.get("says"));
        out.put("hops", hops);
        out.put("reply", reply);
        return out;
    }

    /** The source is whatever the first explicit header in the trace says; before that, the route's src. */
    private static String firstSource(List<Map<String, Object>> steps) {
        for (Map<String, Object> s : steps) {
            Matcher e = ENCAP.matcher(str(s.get("detail")));
            Matcher m = MASQ.matcher(str(s.get("detail")));
            if (m.find()) return m.group(1);
            if (e.find()) return e.group(2);
        }
        for (Map<String, Object> s : steps) {
            Matcher m = SRC.matcher(str(s.get("decidedBy")));
            if ("route".equals(s.get("stage")) && m.find()) return m.group(1);
        }
        return null;
    }

    /** The packet's headers as the walk goes: the inner source and destination, and the outer header while encapsulated. */
    private static final class Headers {
        String src;
        String dst;
        Map<String, Object> outer;

        /** Applies one step's rewrite (DNAT, MASQUERADE, VXLAN wrap or unwrap) and says what changed; null for none. */
        String rewrite(String stage, String detail) {
            return switch (stage) {
                case "origin" -> {
                    Matcher m = TO.matcher(detail);
                    if (m.find()) dst = m.group(1);
                    yield null;
                }
                case "ipvs", "nat" -> dnat(stage, detail);
                case "snat" -> masquerade(detail);
                case "encap" -> encapsulate(detail);
                case "decap" -> {
                    outer = null;
                    yield "VXLAN header removed";
                }
                default -> null;
            };
        }

        private String dnat(String stage, String detail) {
            Matcher m = ARROW_TARGET.matcher(detail);
            String last = null;
            while (m.find()) last = m.group(1);
            if (last == null) return null;
            String change = "DNAT " + dst + " -> " + last + (stage.equals("ipvs") ? " (IPVS, kube-proxy)" : " (iptables)");
            dst = last;
            return change;
        }

        private String masquerade(String detail) {
            Matcher m = MASQ.matcher(detail);
            if (!m.find()) return null;
            String port = src != null && src.contains(":") ? src.substring(src.indexOf(':')) : "";
            src = m.group(2) + port;
            return "MASQUERADE source " + m.group(1) + " -> " + m.group(2);
        }

        private String encapsulate(String detail) {
            Matcher m = ENCAP.matcher(detail);
            if (!m.find()) return null;
            src = m.group(2);
            dst = m.group(3);
            outer = new LinkedHashMap<>();
            outer.put("src", m.group(4));
            outer.put("dst", m.group(5));
            outer.put("udpPort", Integer.parseInt(m.group(6)));
            outer.put("vni", Integer.parseInt(m.group(1)));
            outer.put("bytes", m.group(7) == null ? null : Integer.parseInt(m.group(7)));
            return "VXLAN encapsulation: + outer IP " + m.group(4) + " -> " + m.group(5) + ", UDP " + m.group(6) + ", VNI " + m.group(1);
        }
    }

    private static Map<String, Object> hop(Map<String, Object> s, String stage, String change, String proto, Headers headers) {
        Map<String, Object> hop = new LinkedHashMap<>();
        hop.put("host", s.get("host"));
        hop.put("stage", stage);
        hop.put("detail", str(s.get("detail")));
        hop.put("decidedBy", s.get("decidedBy"));
        hop.put("change", change);
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("proto", proto);
        inner.put("src", headers.src);
        inner.put("dst", headers.dst);
        hop.put("inner", inner);
        hop.put("outer", headers.outer == null ? null : new LinkedHashMap<>(headers.outer));
        return hop;
    }

    /** The source port shows first in the VXLAN inner header or the reply: earlier hops had it too. */
    @SuppressWarnings("unchecked")
    private static void addSourcePort(List<Map<String, Object>> hops, List<Map<String, Object>> steps) {
        String port = null;
        for (Map<String, Object> h : hops) {
            String src0 = (String) ((Map<String, Object>) h.get("inner")).get("src");
            if (src0 != null && src0.contains(":")) { port = src0.substring(src0.indexOf(':')); break; }
        }
        if (port == null) {
            for (Map<String, Object> s : steps) {
                Matcher m = REPLY_PORT.matcher(str(s.get("detail")));
                if ("conntrack".equals(s.get("stage")) && m.find()) { port = m.group(1); break; }
            }
        }
        if (port == null) return;
        for (Map<String, Object> h : hops) {
            Map<String, Object> in = (Map<String, Object>) h.get("inner");
            String src0 = (String) in.get("src");
            if (src0 != null && !src0.contains(":")) in.put("src", src0 + port);
        }
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }
}

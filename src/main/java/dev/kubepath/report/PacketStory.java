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

    private PacketStory() {}

    @SuppressWarnings("unchecked")
    public static Map<String, Object> of(Map<String, Object> trace) {
        List<Map<String, Object>> steps = (List<Map<String, Object>>) trace.get("steps");
        String proto = "curl".equals(trace.get("kind")) ? "TCP" : "ICMP";
        String dst = (String) trace.get("to");
        if (proto.equals("TCP") && !dst.contains(":")) dst += ":80";
        String src = null;
        // the source is whatever the first explicit header in the trace says; before that, the route's src
        for (Map<String, Object> s : steps) {
            Matcher e = ENCAP.matcher(str(s.get("detail")));
            Matcher m = MASQ.matcher(str(s.get("detail")));
            if (m.find()) { src = m.group(1); break; }
            if (e.find()) { src = e.group(2); break; }
        }
        if (src == null) {
            for (Map<String, Object> s : steps) {
                Matcher m = SRC.matcher(str(s.get("decidedBy")));
                if ("route".equals(s.get("stage")) && m.find()) { src = m.group(1); break; }
            }
        }
        List<Map<String, Object>> hops = new ArrayList<>();
        Map<String, Object> outer = null;
        for (Map<String, Object> s : steps) {
            String stage = str(s.get("stage"));
            String detail = str(s.get("detail"));
            String change = null;
            switch (stage) {
                case "origin" -> {
                    Matcher m = TO.matcher(detail);
                    if (m.find()) dst = m.group(1);
                }
                case "ipvs", "nat" -> {
                    Matcher m = ARROW_TARGET.matcher(detail);
                    String last = null;
                    while (m.find()) last = m.group(1);
                    if (last != null) {
                        change = "DNAT " + dst + " -> " + last + (stage.equals("ipvs") ? " (IPVS, kube-proxy)" : " (iptables)");
                        dst = last;
                    }
                }
                case "snat" -> {
                    Matcher m = MASQ.matcher(detail);
                    if (m.find()) {
                        String port = src != null && src.contains(":") ? src.substring(src.indexOf(':')) : "";
                        change = "MASQUERADE source " + m.group(1) + " -> " + m.group(2);
                        src = m.group(2) + port;
                    }
                }
                case "encap" -> {
                    Matcher m = ENCAP.matcher(detail);
                    if (m.find()) {
                        src = m.group(2);
                        dst = m.group(3);
                        outer = new LinkedHashMap<>();
                        outer.put("src", m.group(4));
                        outer.put("dst", m.group(5));
                        outer.put("udpPort", Integer.parseInt(m.group(6)));
                        outer.put("vni", Integer.parseInt(m.group(1)));
                        outer.put("bytes", m.group(7) == null ? null : Integer.parseInt(m.group(7)));
                        change = "VXLAN encapsulation: + outer IP " + m.group(4) + " -> " + m.group(5) + ", UDP " + m.group(6) + ", VNI " + m.group(1);
                    }
                }
                case "decap" -> {
                    change = "VXLAN header removed";
                    outer = null;
                }
                default -> { }
            }
            Map<String, Object> hop = new LinkedHashMap<>();
            hop.put("host", s.get("host"));
            hop.put("stage", stage);
            hop.put("detail", detail);
            hop.put("decidedBy", s.get("decidedBy"));
            hop.put("change", change);
            Map<String, Object> inner = new LinkedHashMap<>();
            inner.put("proto", proto);
            inner.put("src", src);
            inner.put("dst", dst);
            hop.put("inner", inner);
            hop.put("outer", outer == null ? null : new LinkedHashMap<>(outer));
            hops.add(hop);
            // the request's story ends where a socket takes it; the reply is summarised, not drawn
            if (stage.equals("pod") || stage.equals("socket") || stage.equals("local")) break;
        }
        // the source port shows first in the VXLAN inner header or the reply: earlier hops had it too
        String port = null;
        for (Map<String, Object> h : hops) {
            String src0 = (String) ((Map<String, Object>) h.get("inner")).get("src");
            if (src0 != null && src0.contains(":")) { port = src0.substring(src0.indexOf(':')); break; }
        }
        if (port == null) {
            for (Map<String, Object> s : steps) {
                Matcher m = Pattern.compile("^reply \\S+ -> \\d+\\.\\d+\\.\\d+\\.\\d+(:\\d+)").matcher(str(s.get("detail")));
                if ("conntrack".equals(s.get("stage")) && m.find()) { port = m.group(1); break; }
            }
        }
        if (port != null && proto.equals("TCP")) {
            for (Map<String, Object> h : hops) {
                Map<String, Object> in = (Map<String, Object>) h.get("inner");
                String src0 = (String) in.get("src");
                if (src0 != null && !src0.contains(":")) in.put("src", src0 + port);
            }
        }
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

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }
}

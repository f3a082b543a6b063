package dev.kubepath.model;

import java.util.Locale;

/** Renders a {@link Rule} the way {@code iptables-save} prints it. */
final class RuleText {
    private RuleText() {}

    static String render(Rule r) {
        StringBuilder sb = new StringBuilder("-A ").append(r.chain());
        Rule.Match m = r.match();
        if (m.src() != null) sb.append(m.notSrc() ? " ! -s " : " -s ").append(m.src());
        if (m.dst() != null) sb.append(m.notDst() ? " ! -d " : " -d ").append(m.dst());
        if (m.inInterface() != null) sb.append(iface("-i", m.inInterface()));
        if (m.outInterface() != null) sb.append(iface("-o", m.outInterface()));
        if (m.protocol() != null) sb.append(" -p ").append(m.protocol().lower());
        if (r.comment() != null) sb.append(" -m comment --comment ").append(quote(r.comment()));
        if (m.dstTypeLocal() || m.notDstTypeLocal()) {
            sb.append(" -m addrtype").append(m.notDstTypeLocal() ? " ! --dst-type LOCAL" : " --dst-type LOCAL");
        }
        if (m.protocol() != null && m.dport() != null) sb.append(" -m ").append(m.protocol().lower()).append(" --dport ").append(m.dport());
        if (m.markValue() != null) sb.append(m.notMark() ? " -m mark ! --mark " : " -m mark --mark ").append(hex(m.markValue())).append('/').append(hex(m.markMask()));
        if (m.ctstate() != null) sb.append(" -m conntrack --ctstate ").append(m.ctstate());
        if (m.recentCheck() != null) sb.append(" -m recent --rcheck --name ").append(m.recentCheck());
        if (m.probability() != null) {
            sb.append(" -m statistic --mode random --probability ").append(String.format(Locale.ROOT, "%.11f", m.probability()));
        }
        sb.append(switch (r.target()) {
            case Rule.Target.Accept a -> " -j ACCEPT";
            case Rule.Target.Drop d -> " -j DROP";
            case Rule.Target.Reject j -> " -j REJECT";
            case Rule.Target.Return x -> " -j RETURN";
            case Rule.Target.Jump j -> " -j " + j.chain();
            case Rule.Target.Dnat d -> " -m " + (m.protocol() != null ? m.protocol().lower() : "tcp") + " -j DNAT --to-destination " + d.to();
            case Rule.Target.Masquerade q -> " -j MASQUERADE";
            case Rule.Target.SetMark s -> " -j MARK --set-xmark " + hex(s.value()) + "/" + hex(s.mask());
        });
        return sb.toString();
    }

    /** iptables-save quotes a string unless it is only letters, digits, '_' and '-' ("default/svc:" is quoted). */
    private static String quote(String s) {
        boolean plain = !s.isEmpty() && s.chars().allMatch(c -> c == '_' || c == '-' || (c >= '0' && c <= '9')
                || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
        return plain ? s : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A leading "!" on an interface name is iptables' negation: {@code ! -o docker0}. */
    private static String iface(String flag, String name) {
        return name.startsWith("!") ? " ! " + flag + " " + name.substring(1) : " " + flag + " " + name;
    }

    private static String hex(int v) {
        return "0x" + Integer.toHexString(v);
    }
}

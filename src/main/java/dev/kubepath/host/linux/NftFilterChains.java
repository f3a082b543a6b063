package dev.kubepath.host.linux;

import dev.kubepath.ingest.NftFacts;
import dev.kubepath.model.Chain;
import dev.kubepath.model.Rule;

import java.util.List;
import java.util.Locale;

/**
 * The iptables filter table (docker's FORWARD DROP and accepts, flannel's forward rules, kube-proxy's
 * KUBE-FORWARD) realised with nftables, because the lab has no iptables binary: one table {@code ip kubepath-filter}
 * whose built-in chains hook input/forward/output at priority 0 with the chain's policy, user chains as regular
 * chains, each rule translated match by match, its iptables comment as its nft comment (as iptables-nft does). The
 * table is read back by the parser a bundle's nft.txt goes through (NftFacts translates each nft rule to the
 * iptables rule it stands for), so the rules read back are those applied only if both translations agree.
 */
final class NftFilterChains {
    static final String TABLE = NftFacts.LAB_FILTER_TABLE;
    private static final int COMMENT_MAX = 128;

    private NftFilterChains() {}

    /** The script replacing the whole table with {@code chains} (all of table filter), as one nft transaction. */
    static String script(List<Chain> chains) {
        StringBuilder sb = new StringBuilder("table ip " + TABLE + "\ndelete table ip " + TABLE + "\n");
        if (chains.isEmpty()) return sb.toString();
        sb.append("table ip ").append(TABLE).append(" {\n");
        for (Chain c : chains) {
            if (!c.table().equals("filter")) throw new IllegalArgumentException(c.table() + "/" + c.name() + ": only filter chains are realised here");
            sb.append("  chain ").append(name(c.name())).append(" {\n");
            if (c.builtIn()) {
                String hook = switch (c.name()) {
                    case "INPUT" -> "input";
                    case "FORWARD" -> "forward";
                    case "OUTPUT" -> "output";
                    default -> throw new IllegalArgumentException("filter/" + c.name() + ": a built-in chain is INPUT, FORWARD or OUTPUT");
                };
                sb.append("    type filter hook ").append(hook).append(" priority 0; policy ")
                        .append(c.policy().toLowerCase(Locale.ROOT)).append(";\n");
            }
            for (Rule r : c.rules()) sb.append("    ").append(rule(r)).append('\n');
            sb.append("  }\n");
        }
        return sb.append("}\n").toString();
    }

    private static String name(String chain) {
        if (!chain.matches("[A-Za-z][A-Za-z0-9_-]{0,60}")) throw new IllegalArgumentException("'" + chain + "' is not a chain name nft accepts");
        return chain;
    }

    static String rule(Rule r) {
        Rule.Match m = r.match();
        StringBuilder sb = new StringBuilder();
        if (m.src() != null) sb.append("ip saddr ").append(m.notSrc() ? "!= " : "").append(m.src()).append(' ');
        if (m.dst() != null) sb.append("ip daddr ").append(m.notDst() ? "!= " : "").append(m.dst()).append(' ');
        if (m.inInterface() != null) sb.append(iface("iifname", m.inInterface()));
        if (m.outInterface() != null) sb.append(iface("oifname", m.outInterface()));
        if (m.protocol() != null) {
            if (m.dport() != null) sb.append(m.protocol().lower()).append(" dport ").append(m.dport()).append(' ');
            else sb.append("meta l4proto ").append(m.protocol().lower()).append(' ');
        }
        if (m.dstTypeLocal()) sb.append("fib daddr type local ");
        if (m.notDstTypeLocal()) sb.append("fib daddr type != local ");
        if (m.markValue() != null) sb.append("meta mark & 0x").append(Integer.toHexString(m.markMask())).append(m.notMark() ? " != 0x" : " == 0x")
                .append(Integer.toHexString(m.markValue())).append(' ');
        if (m.ctstate() != null) sb.append("ct state ").append(m.ctstate().toLowerCase(Locale.ROOT)).append(' ');
        if (m.probability() != null) throw new IllegalArgumentException(r.describe() + ": -m statistic is not realised in the lab's filter table");
        sb.append(switch (r.target()) {
            case Rule.Target.Accept a -> "accept";
            case Rule.Target.Drop d -> "drop";
            case Rule.Target.Reject j -> "reject";
            case Rule.Target.Return x -> "return";
            case Rule.Target.Jump j -> "jump " + name(j.chain());
            case Rule.Target.SetMark s -> "meta mark set meta mark & 0x" + Integer.toHexString(~s.mask()) + " | 0x" + Integer.toHexString(s.value());
            default -> throw new IllegalArgumentException(r.describe() + ": target not valid in table filter");
        });
        String text = commentFor(r);
        return text == null ? sb.toString() : sb.append(" comment \"").append(text).append('"').toString();
    }

    /**
     * The rule's own iptables comment ({@code -m comment --comment}) as its nft comment, as iptables-nft writes it;
     * null for none. nft holds 128 bytes of comment: a longer one is cut, since a comment decides nothing.
     */
    static String commentFor(Rule r) {
        if (r.comment() == null) return null;
        String text = r.comment().replace('"', '\'');
        return text.length() <= COMMENT_MAX ? text : text.substring(0, COMMENT_MAX);
    }

    /** iptables' {@code -i !docker0} and {@code docker0+} as nft's {@code iifname != "docker0"} and {@code "docker0*"}. */
    private static String iface(String key, String spec) {
        boolean not = spec.startsWith("!");
        String name = not ? spec.substring(1) : spec;
        if (name.endsWith("+")) name = name.substring(0, name.length() - 1) + "*";
        if (!name.matches("[A-Za-z0-9_.*-]{1,16}")) throw new IllegalArgumentException("'" + spec + "' is not an interface name");
        return key + (not ? " != " : " ") + "\"" + name + "\" ";
    }
}

package dev.kubepath.host.linux;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kubepath.ingest.IptablesSave;
import dev.kubepath.model.Chain;
import dev.kubepath.model.Rule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The iptables filter table (docker's FORWARD DROP and accepts, flannel's forward rules, kube-proxy's
 * KUBE-FORWARD) realised with nftables, because the lab has no iptables binary: one table {@code ip kubepath-filter}
 * whose built-in chains hook input/forward/output at priority 0 with the chain's policy, user chains as regular
 * chains, each rule translated match by match. Every nft rule carries its iptables-save line as its comment, so the
 * table read back yields the chains applied (double quotes, which nft comments cannot hold, become single quotes).
 */
final class NftFilterChains {
    static final String TABLE = "kubepath-filter";
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
        if (m.markValue() != null) sb.append("meta mark & 0x").append(Integer.toHexString(m.markMask())).append(" == 0x")
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
        if (text.length() > COMMENT_MAX) throw new IllegalArgumentException(r.describe() + ": longer than nft's " + COMMENT_MAX + "-byte comment");
        return sb.append(" comment \"").append(text).append('"').toString();
    }

    /**
     * The rule's iptables-save line as its nft comment. A line over nft's 128 bytes (kube-proxy's REJECT of a service
     * without endpoints, with its "-m comment --comment" and "--reject-with") loses its own iptables comment, which
     * decides nothing, so the rule still reads back as the same match and target.
     */
    static String commentFor(Rule r) {
        String text = r.describe().replace('"', '\'');
        if (text.length() <= COMMENT_MAX) return text;
        return text.replaceFirst(" -m comment --comment ('[^']*'|\\S+)", "");
    }

    /** iptables' {@code -i !docker0} and {@code docker0+} as nft's {@code iifname != "docker0"} and {@code "docker0*"}. */
    private static String iface(String key, String spec) {
        boolean not = spec.startsWith("!");
        String name = not ? spec.substring(1) : spec;
        if (name.endsWith("+")) name = name.substring(0, name.length() - 1) + "*";
        if (!name.matches("[A-Za-z0-9_.*-]{1,16}")) throw new IllegalArgumentException("'" + spec + "' is not an interface name");
        return key + (not ? " != " : " ") + "\"" + name + "\" ";
    }

    /** The chains read back from {@code nft -j list table ip kubepath-filter}, rules from their comments. */
    static List<Chain> parse(JsonNode listing) {
        Map<String, String> policies = new LinkedHashMap<>();
        Map<String, List<Rule>> rules = new LinkedHashMap<>();
        for (JsonNode item : listing.path("nftables")) {
            JsonNode chain = item.path("chain");
            if (!chain.isMissingNode()) {
                String name = chain.path("name").asText();
                policies.put(name, chain.has("policy") ? chain.path("policy").asText().toUpperCase(Locale.ROOT) : null);
                rules.put(name, new ArrayList<>());
            }
            JsonNode rule = item.path("rule");
            if (!rule.isMissingNode()) {
                String comment = rule.path("comment").asText(null);
                if (comment == null) throw new IllegalStateException("table ip " + TABLE + " chain " + rule.path("chain").asText()
                        + ": a rule without its iptables comment was added from outside kubepath");
                Rule r = IptablesSave.parseRule(comment.replace('\'', '"'));
                rules.get(rule.path("chain").asText()).add(new Rule(r.chain(), r.match(), r.target(), r.comment(), null));
            }
        }
        List<Chain> out = new ArrayList<>();
        policies.forEach((name, policy) -> out.add(new Chain("filter", name, policy, rules.get(name))));
        return out;
    }
}

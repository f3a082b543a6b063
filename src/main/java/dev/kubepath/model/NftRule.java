package dev.kubepath.model;

import dev.kubepath.net.SocketAddress;

import java.util.List;
import java.util.Locale;

/**
 * One nftables rule of the subset kube-proxy's nftables mode writes: its expressions in order, matches first, then
 * the statements. {@link #text()} is the rule as {@code nft list} prints it.
 */
public record NftRule(List<Expr> exprs, String comment) {
    public NftRule {
        exprs = List.copyOf(exprs);
    }

    public static NftRule of(Expr... exprs) {
        return new NftRule(List.of(exprs), null);
    }

    public sealed interface Expr {
        String text();
    }

    /**
     * {@code KEY [!=] VALUE}: KEY is {@code ip saddr}, {@code ip daddr}, {@code tcp dport}, {@code udp dport} or
     * {@code meta l4proto}; VALUE an address, a prefix, a number, a protocol name or a named set ({@code @nodeport-ips}).
     */
    public record Match(String key, boolean negated, String value) implements Expr {
        public String text() {
            return key + (negated ? " != " : " ") + value;
        }
    }

    /** {@code fib daddr type local}: the destination is a local address (kube-proxy's NodePorts on every address). */
    public record FibDaddrLocal(boolean negated) implements Expr {
        public String text() {
            return negated ? "fib daddr type != local" : "fib daddr type local";
        }
    }

    /** {@code ct state new} */
    public record CtState(String states) implements Expr {
        public String text() {
            return "ct state " + states;
        }
    }

    /** {@code meta mark & MASK == VALUE} */
    public record MarkMatch(int mask, int value) implements Expr {
        public String text() {
            return "meta mark & " + hex(mask) + " == " + hex(value);
        }
    }

    /** {@code meta mark set meta mark | VALUE} (or {@code ^}, op "|" or "^"). */
    public record MarkSet(String op, int value) implements Expr {
        public String text() {
            return "meta mark set meta mark " + op + " " + hex(value);
        }
    }

    /** A verdict: jump, goto, return, accept, drop, reject ({@code chain} null for the last four). */
    public record Verdict(String kind, String chain) implements Expr {
        public String text() {
            return chain == null ? kind : kind + " " + chain;
        }
    }

    /** {@code ip daddr . meta l4proto . th dport vmap @service-ips}: the packet's key looked up in a named verdict map. */
    public record Vmap(List<String> key, String map) implements Expr {
        public Vmap {
            key = List.copyOf(key);
        }

        public String text() {
            return String.join(" . ", key) + " vmap @" + map;
        }
    }

    /** {@code numgen random mod N vmap { 0 : goto A, 1 : goto B }}: kube-proxy's choice of an endpoint. */
    public record NumgenVmap(List<String> chains) implements Expr {
        public NumgenVmap {
            chains = List.copyOf(chains);
        }

        public String text() {
            StringBuilder sb = new StringBuilder("numgen random mod ").append(chains.size()).append(" vmap { ");
            for (int i = 0; i < chains.size(); i++) sb.append(i > 0 ? ", " : "").append(i).append(" : goto ").append(chains.get(i));
            return sb.append(" }").toString();
        }
    }

    /** {@code dnat to IP:PORT} */
    public record Dnat(SocketAddress to) implements Expr {
        public String text() {
            return "dnat to " + to;
        }
    }

    /** {@code masquerade fully-random} */
    public record Masquerade(boolean fullyRandom) implements Expr {
        public String text() {
            return fullyRandom ? "masquerade fully-random" : "masquerade";
        }
    }

    public String text() {
        StringBuilder sb = new StringBuilder();
        for (Expr e : exprs) sb.append(sb.isEmpty() ? "" : " ").append(e.text());
        if (comment != null) sb.append(" comment \"").append(comment).append('"');
        return sb.toString();
    }

    /** nft prints marks as 32-bit hex with eight digits. */
    static String hex(int v) {
        return String.format(Locale.ROOT, "0x%08x", v);
    }
}

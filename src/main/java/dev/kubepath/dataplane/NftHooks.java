package dev.kubepath.dataplane;

import dev.kubepath.model.NftChain;
import dev.kubepath.model.NftRule;
import dev.kubepath.model.NftSet;
import dev.kubepath.model.NftTable;
import dev.kubepath.net.Prefix;
import dev.kubepath.net.Protocol;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * Evaluates a host's nftables base chains at one hook, the way the kernel runs them: every table's chains of that
 * type and hook in priority order, each rule's expressions left to right (a failing match ends the rule), verdict
 * maps looked up with the packet's key, {@code jump} returning and {@code goto} not. {@code numgen random mod N}
 * is a load-balancing point: the walk's backend choice decides the element, so every endpoint is followed in turn.
 */
final class NftHooks {
    private static final Map<String, Prefix> PREFIXES = new ConcurrentHashMap<>();

    private final HostView host;
    private final Walk walk;

    NftHooks(HostView host, Walk walk) {
        this.host = host;
        this.walk = walk;
    }

    static boolean present(HostView h) {
        return !h.host.nftables().isEmpty();
    }

    /** The base chains of {@code type} on {@code hook} whose priority passes {@code priority}, in the kernel's order. */
    Netfilter.Outcome run(String type, String hook, Packet p, IntPredicate priority) {
        List<Object[]> chains = new ArrayList<>();
        for (NftTable t : host.host.nftables()) {
            for (NftChain c : t.chains()) {
                if (c.base() && type.equals(c.type()) && hook.equals(c.hook()) && priority.test(c.priorityValue())) chains.add(new Object[]{t, c});
            }
        }
        chains.sort(Comparator.comparingInt(o -> ((NftChain) o[1]).priorityValue()));
        boolean dnat = false;
        String rule = null;
        for (Object[] tc : chains) {
            NftChain c = (NftChain) tc[1];
            Netfilter.Outcome o = chain((NftTable) tc[0], c, p, 0);
            if (o.action() == Netfilter.Action.CONTINUE && "drop".equals(c.policy())) {
                return new Netfilter.Outcome(Netfilter.Action.DROP, o.packet(), "chain " + c.name() + " policy drop", false, false);
            }
            if (o.action() == Netfilter.Action.DROP || o.action() == Netfilter.Action.REJECT || o.masquerade()) return o;
            p = o.packet();
            if (o.dnat()) {
                dnat = true;
                rule = o.rule();
            }
        }
        return new Netfilter.Outcome(Netfilter.Action.ACCEPT, p, rule, dnat, false);
    }

    /** One chain: CONTINUE when it falls off its end or returns (the caller goes on), else the decided outcome. */
    private Netfilter.Outcome chain(NftTable t, NftChain c, Packet p, int depth) {
        if (depth > 16) return new Netfilter.Outcome(Netfilter.Action.DROP, p, "nftables chain loop at " + c.name(), false, false);
        for (NftRule r : c.rules()) {
            Netfilter.Outcome o = rule(t, c, r, p, depth);
            if (o == null) continue; // a match failed: next rule
            if (o.action() != Netfilter.Action.CONTINUE) return o;
            p = o.packet();
            if (o.rule() != null && o.rule().equals(RETURN)) return new Netfilter.Outcome(Netfilter.Action.CONTINUE, p, null, false, false);
            if (o.rule() != null && o.rule().equals(GOTO_DONE)) return new Netfilter.Outcome(Netfilter.Action.CONTINUE, p, null, false, false);
        }
        return new Netfilter.Outcome(Netfilter.Action.CONTINUE, p, null, false, false);
    }

    /** Markers for a rule that ended its chain without a verdict for the packet: return, or a goto that came back. */
    private static final String RETURN = "\0return", GOTO_DONE = "\0goto";

    /** One rule: null when a match fails; otherwise what its statements did. */
    private Netfilter.Outcome rule(NftTable t, NftChain c, NftRule r, Packet p, int depth) {
        for (NftRule.Expr e : r.exprs()) {
            switch (e) {
                case NftRule.Match m -> {
                    if (!matches(t, m, p)) return null;
                }
                case NftRule.FibDaddrLocal f -> {
                    if (host.isLocal(p.dst()) == f.negated()) return null;
                }
                case NftRule.CtState s -> {
                    if (walk.isReply() != !s.states().contains("new")) return null;
                }
                case NftRule.MarkMatch m -> {
                    if ((p.mark() & m.mask()) != m.value()) return null;
                }
                case NftRule.MarkSet m -> p = p.withMark("^".equals(m.op()) ? p.mark() ^ m.value() : p.mark() | m.value());
                case NftRule.Vmap v -> {
                    String key = key(v.key(), p);
                    NftSet map = key == null ? null : t.set(v.map()).orElse(null);
                    NftSet.Element hit = map == null ? null : map.lookup(key);
                    if (hit == null) return null;
                    return verdict(t, r, hit.value(), p, depth);
                }
                case NftRule.NumgenVmap n -> {
                    int i = walk.choose(n.chains().size());
                    return verdict(t, r, "goto " + n.chains().get(i), p, depth);
                }
                case NftRule.Verdict v -> {
                    return verdict(t, r, v.text(), p, depth);
                }
                case NftRule.Dnat d -> {
                    return new Netfilter.Outcome(Netfilter.Action.ACCEPT, p.withDst(d.to().ip(), d.to().port()), r.text(), true, false);
                }
                case NftRule.Masquerade q -> {
                    return new Netfilter.Outcome(Netfilter.Action.ACCEPT, p, "chain " + c.name() + ": " + r.text(), false, true);
                }
            }
        }
        return new Netfilter.Outcome(Netfilter.Action.CONTINUE, p, null, false, false);
    }

    private Netfilter.Outcome verdict(NftTable t, NftRule r, String verdict, Packet p, int depth) {
        String[] v = verdict.split(" ", 2);
        return switch (v[0]) {
            case "accept" -> new Netfilter.Outcome(Netfilter.Action.ACCEPT, p, r.text(), false, false);
            case "drop" -> new Netfilter.Outcome(Netfilter.Action.DROP, p, r.text(), false, false);
            case "reject" -> new Netfilter.Outcome(Netfilter.Action.REJECT, p, r.text(), false, false);
            case "return" -> new Netfilter.Outcome(Netfilter.Action.CONTINUE, p, RETURN, false, false);
            case "jump", "goto" -> {
                NftChain sub = t.chain(v[1]).orElse(null);
                if (sub == null) yield new Netfilter.Outcome(Netfilter.Action.CONTINUE, p, null, false, false);
                Netfilter.Outcome o = chain(t, sub, p, depth + 1);
                if (o.action() != Netfilter.Action.CONTINUE) {
                    yield o.action() == Netfilter.Action.REJECT && o.rule() != null && !o.rule().equals(r.text())
                            ? new Netfilter.Outcome(o.action(), o.packet(), r.text() + " -> " + o.rule(), false, false) : o;
                }
                yield new Netfilter.Outcome(Netfilter.Action.CONTINUE, o.packet(), v[0].equals("goto") ? GOTO_DONE : null, false, false);
            }
            default -> new Netfilter.Outcome(Netfilter.Action.CONTINUE, p, null, false, false);
        };
    }

    private boolean matches(NftTable t, NftRule.Match m, Packet p) {
        boolean hit;
        switch (m.key()) {
            case "ip saddr", "ip daddr" -> {
                var ip = m.key().equals("ip saddr") ? p.src() : p.dst();
                if (ip == null) return false; // a local packet before its route picked a source, as the iptables side
                if (m.value().startsWith("@")) {
                    hit = t.set(m.value().substring(1)).map(s -> s.lookup(ip.toString()) != null).orElse(false);
                } else {
                    hit = PREFIXES.computeIfAbsent(m.value(), v -> Prefix.parse(v.contains("/") ? v : v + "/32")).contains(ip);
                }
            }
            case "meta l4proto" -> hit = p.protocol().lower().equals(m.value());
            case "tcp dport", "udp dport" -> hit = p.protocol().lower().equals(m.key().substring(0, 3)) && String.valueOf(p.dport()).equals(m.value());
            default -> hit = false; // an expression this model does not hold never matches
        }
        return hit != m.negated();
    }

    /** The packet's key for a verdict map, as nft prints map keys ("10.96.0.10 . udp . 53"); null without ports. */
    private static String key(List<String> fields, Packet p) {
        if (p.protocol() == Protocol.ICMP) return null;
        StringBuilder sb = new StringBuilder();
        for (String f : fields) {
            if (!sb.isEmpty()) sb.append(" . ");
            switch (f) {
                case "ip daddr" -> sb.append(p.dst());
                case "ip saddr" -> sb.append(p.src());
                case "meta l4proto" -> sb.append(p.protocol().lower());
                case "th dport" -> sb.append(p.dport());
                default -> {
                    return null;
                }
            }
        }
        return sb.toString();
    }
}

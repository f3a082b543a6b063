package dev.kubepath.dataplane;

import dev.kubepath.model.Chain;
import dev.kubepath.model.Rule;

import java.util.List;

/**
 * Evaluates the iptables subset kube-proxy, flannel and docker write. A chain of {@code -m statistic} rules is a
 * load-balancing point: the walk's backend choice decides which of its alternatives matches, so the tracer can
 * follow every endpoint in turn instead of picking one at random.
 */
final class Netfilter {
    enum Action { CONTINUE, ACCEPT, DROP, REJECT }

    /** The result of a chain: what happened to the packet, the rewritten packet, and the deciding rule. */
    record Outcome(Action action, Packet packet, String rule, boolean dnat, boolean masquerade) {}

    private final HostView host;
    private final Walk walk;

    Netfilter(HostView host, Walk walk) {
        this.host = host;
        this.walk = walk;
    }

    Outcome run(String table, String chainName, Packet p, String in, String out) {
        Chain chain = host.host.chain(table, chainName).orElse(null);
        if (chain == null) return new Outcome(Action.ACCEPT, p, null, false, false);
        Outcome o = walkChain(chain, p, in, out, 0);
        if (o.action() == Action.CONTINUE) {
            Action policy = "DROP".equals(chain.policy()) ? Action.DROP : Action.ACCEPT;
            String rule = policy == Action.DROP ? ":" + chainName + " DROP (" + table + " table policy)" : o.rule();
            return new Outcome(policy, o.packet(), rule, o.dnat(), o.masquerade());
        }
        return o;
    }

    private Outcome walkChain(Chain chain, Packet p, String in, String out, int depth) {
        if (depth > 32) return new Outcome(Action.DROP, p, "iptables chain loop at " + chain.name(), false, false);
        List<Rule> rules = chain.rules();
        int alternatives = 1;
        for (Rule r : rules) if (r.match().probability() != null) alternatives++;
        int statIndex = 0;
        int chosen = alternatives > 1 ? walk.choose(alternatives) : 0;
        for (Rule r : rules) {
            if (!matches(r.match(), p, in, out)) continue;
            if (r.match().probability() != null && statIndex++ != chosen) continue;
            switch (r.target()) {
                case Rule.Target.Accept a -> { return new Outcome(Action.ACCEPT, p, r.describe(), false, false); }
                case Rule.Target.Drop d -> { return new Outcome(Action.DROP, p, r.describe(), false, false); }
                case Rule.Target.Reject j -> { return new Outcome(Action.REJECT, p, r.describe(), false, false); }
                case Rule.Target.Return x -> { return new Outcome(Action.CONTINUE, p, null, false, false); }
                case Rule.Target.SetMark m -> p = p.withMark((p.mark() & ~m.mask()) ^ m.value()); // MARK --set-xmark: zero the mask, XOR the value
                case Rule.Target.Dnat d -> {
                    return new Outcome(Action.ACCEPT, p.withDst(d.to().ip(), d.to().port()), r.describe(), true, false);
                }
                case Rule.Target.Masquerade q -> { return new Outcome(Action.ACCEPT, p, r.describe(), false, true); }
                case Rule.Target.Jump j -> {
                    Chain sub = host.host.chain(chain.table(), j.chain()).orElse(null);
                    if (sub == null) continue;
                    Outcome o = walkChain(sub, p, in, out, depth + 1);
                    if (o.action() != Action.CONTINUE) return o;
                    p = o.packet();
                }
            }
        }
        return new Outcome(Action.CONTINUE, p, null, false, false);
    }

    private boolean matches(Rule.Match m, Packet p, String in, String out) {
        if (m.src() != null && (p.src() == null || m.src().contains(p.src()) == m.notSrc())) return false;
        if (m.dst() != null && m.dst().contains(p.dst()) == m.notDst()) return false;
        if (m.protocol() != null && m.protocol() != p.protocol()) return false;
        if (m.dport() != null && m.dport() != p.dport()) return false;
        if (m.inInterface() != null && !ifaceMatches(m.inInterface(), in)) return false;
        if (m.outInterface() != null && !ifaceMatches(m.outInterface(), out)) return false;
        if (m.dstTypeLocal() && !host.isLocal(p.dst())) return false;
        if (m.notDstTypeLocal() && host.isLocal(p.dst())) return false;
        if (m.markValue() != null && ((p.mark() & m.markMask()) != m.markValue()) != m.notMark()) return false;
        if (m.recentCheck() != null) return false; // a first connection: no client is in the recent list yet
        if (m.ctstate() != null) {
            boolean established = walk.isReply();
            boolean wantsEstablished = m.ctstate().contains("ESTABLISHED") || m.ctstate().contains("RELATED");
            boolean wantsNew = m.ctstate().contains("NEW");
            if (!(established ? wantsEstablished : wantsNew)) return false;
        }
        return true;
    }

    /** iptables interface names: "!" negates, a trailing "+" matches any suffix. */
    private static boolean ifaceMatches(String pattern, String iface) {
        boolean negate = pattern.startsWith("!");
        String pat = negate ? pattern.substring(1).trim() : pattern;
        boolean hit = iface != null && (pat.endsWith("+") ? iface.startsWith(pat.substring(0, pat.length() - 1)) : pat.equals(iface));
        return hit != negate;
    }
}

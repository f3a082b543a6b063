package dev.kubepath.proxy;

import dev.kubepath.model.Rule;

/** Small constructors for the rules kube-proxy writes. */
final class Rules {
    static final int MASQ_MARK = 0x4000;
    static final String NAT = "nat";
    static final String FILTER = "filter";
    static final String KUBE_SERVICES = "KUBE-SERVICES";
    static final String KUBE_NODEPORTS = "KUBE-NODEPORTS";
    static final String KUBE_MARK_MASQ = "KUBE-MARK-MASQ";
    static final String KUBE_POSTROUTING = "KUBE-POSTROUTING";
    static final String KUBE_EXTERNAL_SERVICES = "KUBE-EXTERNAL-SERVICES";
    static final String KUBE_FORWARD = "KUBE-FORWARD";

    private Rules() {}

    static Rule rule(String chain, Rule.Match match, Rule.Target target, String comment) {
        return new Rule(chain, match, target, comment, null);
    }

    static Rule jump(String chain, Rule.Match match, String to, String comment) {
        return rule(chain, match, new Rule.Target.Jump(to), comment);
    }

    /** {@code -A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000} */
    static Rule markMasq() {
        return rule(KUBE_MARK_MASQ, Rule.Match.ANY, new Rule.Target.SetMark(MASQ_MARK, MASQ_MARK), null);
    }

    /** {@code -A KUBE-POSTROUTING -m comment --comment "..." -m mark --mark 0x4000/0x4000 -j MASQUERADE} */
    static Rule postroutingMasquerade() {
        return rule(KUBE_POSTROUTING, Rule.Match.ANY.withMark(MASQ_MARK, MASQ_MARK), new Rule.Target.Masquerade(),
                "kubernetes service traffic requiring SNAT");
    }

    /** Rules whose exact iptables-save text carries what the model holds otherwise (an ipset rule per member, reject-with). */
    static Rule withText(Rule r, String text) {
        return new Rule(r.chain(), r.match(), r.target(), r.comment(), text);
    }
}

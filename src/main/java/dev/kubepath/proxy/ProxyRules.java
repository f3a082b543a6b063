package dev.kubepath.proxy;

import dev.kubepath.model.Chain;
import dev.kubepath.model.Rule;

import java.util.List;

/**
 * The iptables half of a proxier's desired state: the chains kube-proxy owns (replaced whole on every sync) and the
 * jumps it ensures at the head of built-in chains (PREROUTING, OUTPUT, POSTROUTING, INPUT, FORWARD), which other
 * agents (docker, flannel) share and which therefore must be merged, never overwritten.
 */
public record ProxyRules(List<Chain> chains, List<Hook> hooks) {
    public ProxyRules {
        chains = List.copyOf(chains);
        hooks = List.copyOf(hooks);
    }

    /** One rule kube-proxy keeps at the head of a built-in chain ({@code iptables -I CHAIN}). */
    public record Hook(String table, Rule rule) {
        public String chain() {
            return rule.chain();
        }
    }
}

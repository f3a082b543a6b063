package dev.kubepath.model;

import java.util.List;

/** An iptables chain of one table. {@code policy} is ACCEPT or DROP for a built-in chain, null for a user chain. */
public record Chain(String table, String name, String policy, List<Rule> rules) {
    public Chain {
        rules = List.copyOf(rules);
    }

    public boolean builtIn() {
        return policy != null;
    }
}

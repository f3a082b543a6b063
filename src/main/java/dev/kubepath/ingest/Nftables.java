package dev.kubepath.ingest;

import java.util.List;

/**
 * What {@code nft list ruleset} shows, as nft prints it: tables, their chains (with the base chains' type, hook,
 * priority and policy) and rules, and their named sets and maps with their elements. Rules are kept as nft prints
 * them (without {@code # handle N}); {@link NftFacts} reads the model's facts out of them.
 */
public final class Nftables {
    private Nftables() {}

    /** {@code table FAMILY NAME { ... }}. */
    public record Table(String family, String name, int line, List<Chain> chains, List<NamedSet> sets) {
        public Table {
            chains = List.copyOf(chains);
            sets = List.copyOf(sets);
        }

        public Chain chain(String name) {
            for (Chain c : chains) if (c.name().equals(name)) return c;
            return null;
        }

        public NamedSet set(String name) {
            for (NamedSet s : sets) if (s.name().equals(name)) return s;
            return null;
        }
    }

    /**
     * A chain; a base chain has a {@code type filter hook forward priority filter; policy drop;} line, a regular
     * chain has none (type, hook, priority and policy null). Policy is lower case as nft prints it; a base chain
     * without one accepts (nft prints {@code policy accept} for it anyway).
     */
    public record Chain(String name, int line, String type, String hook, String priority, String policy, List<Rule> rules) {
        public Chain {
            rules = List.copyOf(rules);
        }

        public boolean base() {
            return hook != null;
        }
    }

    /** One rule as printed, with the line it starts on. */
    public record Rule(int line, String text) {}

    /** A named {@code set} or {@code map} (kind), its {@code type} line and its elements, one string each. */
    public record NamedSet(String kind, String name, int line, String type, List<String> elements) {
        public NamedSet {
            elements = List.copyOf(elements);
        }
    }

    /** The number of rules of all tables. */
    public static int rules(List<Table> tables) {
        int n = 0;
        for (Table t : tables) for (Chain c : t.chains()) n += c.rules().size();
        return n;
    }
}

package dev.kubepath.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One nftables table as {@code nft list ruleset} shows it: its named sets and maps, and its chains. The subset
 * held is what kube-proxy's nftables mode writes (table {@code ip kube-proxy}); {@link NftListing} prints it the
 * way nft 1.0 lists it, and nft reads that text back with {@code nft -f}.
 */
public record NftTable(String family, String name, String comment, List<NftSet> sets, List<NftChain> chains) {
    public NftTable {
        sets = List.copyOf(sets);
        chains = List.copyOf(chains);
    }

    public Optional<NftChain> chain(String chainName) {
        for (NftChain c : chains) if (c.name().equals(chainName)) return Optional.of(c);
        return Optional.empty();
    }

    public Optional<NftSet> set(String setName) {
        for (NftSet s : sets) if (s.name().equals(setName)) return Optional.of(s);
        return Optional.empty();
    }

    /**
     * What the table does to packets: the table without the comments nft keeps for people (a listing read back with
     * NftText passes over some of them) and with set and map elements in key order (the kernel lists hashed elements
     * in its own order). Two tables with equal facts treat every packet alike.
     */
    public NftTable facts() {
        List<NftSet> factSets = new ArrayList<>();
        for (NftSet s : sets) {
            List<NftSet.Element> elements = new ArrayList<>();
            for (NftSet.Element e : s.elements()) elements.add(new NftSet.Element(e.key(), e.value(), null));
            elements.sort(Comparator.comparing(NftSet.Element::key));
            factSets.add(new NftSet(s.name(), s.map(), s.type(), null, elements));
        }
        List<NftChain> factChains = new ArrayList<>();
        for (NftChain c : chains) {
            List<NftRule> rules = new ArrayList<>();
            for (NftRule r : c.rules()) rules.add(new NftRule(r.exprs(), null));
            factChains.add(new NftChain(c.name(), c.type(), c.hook(), c.priority(), c.policy(), null, rules));
        }
        return new NftTable(family, name, null, factSets, factChains);
    }

    /** "ip kube-proxy" */
    public String key() {
        return family + " " + name;
    }
}

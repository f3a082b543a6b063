package dev.kubepath.model;

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

    /** "ip kube-proxy" */
    public String key() {
        return family + " " + name;
    }
}

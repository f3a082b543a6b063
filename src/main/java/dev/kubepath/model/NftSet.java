package dev.kubepath.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A named set ({@code map} false) or verdict map of an nftables table. An element's key is held as nft prints it,
 * the parts of a concatenation joined by {@code " . "} ({@code 10.96.0.10 . udp . 53}); a map element's value is
 * its verdict ({@code goto service-...}, {@code drop}). Lookups by key are what the kernel does with a packet.
 */
public record NftSet(String name, boolean map, String type, String comment, List<Element> elements,
                     Map<String, Element> byKey) {
    public NftSet {
        elements = List.copyOf(elements);
        Map<String, Element> index = new HashMap<>();
        for (Element e : elements) index.putIfAbsent(e.key(), e);
        byKey = Map.copyOf(index);
    }

    public NftSet(String name, boolean map, String type, String comment, List<Element> elements) {
        this(name, map, type, comment, elements, Map.of());
    }

    /** {@code comment} (nft 1.0's per-element comment) may be null, as may {@code value} for a plain set. */
    public record Element(String key, String value, String comment) {}

    public Element lookup(String key) {
        return byKey.get(key);
    }
}

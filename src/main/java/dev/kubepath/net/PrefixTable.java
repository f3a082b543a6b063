package dev.kubepath.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Longest-prefix-match table: one hash map per prefix length, searched from /32 down to /0.
 * Each prefix may hold several values (routes that differ in metric); the caller picks among them.
 * Lookup cost is at most 33 hash probes whatever the table size, which keeps a 5,000-route host fast.
 */
public final class PrefixTable<V> {
    @SuppressWarnings("unchecked")
    private final Map<Integer, List<V>>[] byLength = new Map[33];
    private long lengthsInUse; // bit i set when some prefix of length i is present
    private int size;

    public void put(Prefix prefix, V value) {
        Map<Integer, List<V>> m = byLength[prefix.length()];
        if (m == null) m = byLength[prefix.length()] = new HashMap<>();
        m.computeIfAbsent(prefix.network().bits(), k -> new ArrayList<>(1)).add(value);
        lengthsInUse |= 1L << prefix.length();
        size++;
    }

    /** The values stored under exactly this prefix (empty when none). */
    public List<V> exact(Prefix prefix) {
        Map<Integer, List<V>> m = byLength[prefix.length()];
        if (m == null) return List.of();
        List<V> v = m.get(prefix.network().bits());
        return v == null ? List.of() : v;
    }

    /** The values of the longest prefix containing the address that has any value passing the filter. */
    public List<V> longestMatch(Ipv4 address, Predicate<V> usable) {
        for (int len = 32; len >= 0; len--) {
            if ((lengthsInUse & (1L << len)) == 0) continue;
            List<V> values = byLength[len].get(address.bits() & Prefix.mask(len));
            if (values == null) continue;
            List<V> ok = null;
            for (V v : values) {
                if (usable.test(v)) {
                    if (ok == null) ok = new ArrayList<>(1);
                    ok.add(v);
                }
            }
            if (ok != null) return ok;
        }
        return List.of();
    }

    public List<V> longestMatch(Ipv4 address) {
        return longestMatch(address, v -> true);
    }

    public int size() {
        return size;
    }
}

package dev.kubepath.net;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Longest-prefix-match table. Entries are collected with {@link #put}, then {@link #freeze} (called by whoever
 * builds the table, before sharing it) sorts them into one int array per prefix length: 8 bytes an entry, so 5,000
 * hosts with 5,000 routes each fit in memory, and a lookup costs one binary search per prefix length in use (a
 * flannel host uses four or five). Several values may share a prefix (routes that differ in metric); lookups return
 * all of them. Not thread-safe while being filled; a lookup before freeze() is a bug and throws. Once frozen, the
 * arrays are immutable and published through one volatile field, so concurrent lookups (the parallel streams of the
 * doctor and the matrix) always see them whole.
 */
public final class PrefixTable<V> {
    private int[] pendingLengths = new int[8];
    private int[] pendingNetworks = new int[8];
    private List<Object> pendingValues = new ArrayList<>();
    private volatile Frozen frozen;
    private int size;

    /**
     * @param keys         per length: sorted network addresses (duplicates adjacent)
     * @param values       per length: values in the same order
     * @param lengthsInUse descending
     */
    private record Frozen(int[][] keys, Object[][] values, int[] lengthsInUse) {}

    public void put(Prefix prefix, V value) {
        if (frozen != null) throw new IllegalStateException("table is frozen");
        if (size == pendingLengths.length) {
            pendingLengths = Arrays.copyOf(pendingLengths, size * 2);
            pendingNetworks = Arrays.copyOf(pendingNetworks, size * 2);
        }
        pendingLengths[size] = prefix.length();
        pendingNetworks[size] = prefix.network().bits();
        pendingValues.add(value);
        size++;
    }

    /** Sorts what was put into the lookup arrays; later calls do nothing. */
    public synchronized PrefixTable<V> freeze() {
        if (frozen != null) return this;
        int[] counts = new int[33];
        for (int i = 0; i < size; i++) counts[pendingLengths[i]]++;
        long[][] packed = new long[33][];
        for (int len = 0; len <= 32; len++) packed[len] = new long[counts[len]];
        int[] fill = new int[33];
        for (int i = 0; i < size; i++) {
            int len = pendingLengths[i];
            // high 32 bits: the network with its sign bit flipped, so a signed sort orders networks unsigned;
            // low 32 bits: the insertion index, so equal keys keep their order
            packed[len][fill[len]++] = (((pendingNetworks[i] ^ 0x80000000L) & 0xFFFFFFFFL) << 32) | i;
        }
        int[][] ks = new int[33][];
        Object[][] vs = new Object[33][];
        int used = 0;
        for (int len = 0; len <= 32; len++) {
            long[] p = packed[len];
            if (!sorted(p)) Arrays.sort(p);
            ks[len] = new int[p.length];
            vs[len] = new Object[p.length];
            for (int j = 0; j < p.length; j++) {
                ks[len][j] = (int) (p[j] >>> 32) ^ 0x80000000;
                vs[len][j] = pendingValues.get((int) (p[j] & 0xFFFFFFFFL));
            }
            if (p.length > 0) used++;
        }
        int[] lens = new int[used];
        for (int len = 32, j = 0; len >= 0; len--) if (ks[len].length > 0) lens[j++] = len;
        frozen = new Frozen(ks, vs, lens);
        pendingLengths = null;
        pendingNetworks = null;
        pendingValues = null;
        return this;
    }

    /** The values stored under exactly this prefix (empty when none). */
    public List<V> exact(Prefix prefix) {
        return collect(frozen(), prefix.length(), prefix.network().bits(), v -> true);
    }

    /** The values of the longest prefix containing the address that has any value passing the filter. */
    public List<V> longestMatch(Ipv4 address, Predicate<V> usable) {
        Frozen f = frozen();
        for (int len : f.lengthsInUse()) {
            List<V> found = collect(f, len, address.bits() & Prefix.mask(len), usable);
            if (!found.isEmpty()) return found;
        }
        return List.of();
    }

    public List<V> longestMatch(Ipv4 address) {
        return longestMatch(address, v -> true);
    }

    private Frozen frozen() {
        Frozen f = frozen;
        if (f == null) throw new IllegalStateException("lookup in a table not yet frozen (freeze() it when it is built)");
        return f;
    }

    @SuppressWarnings("unchecked")
    private List<V> collect(Frozen f, int len, int network, Predicate<V> usable) {
        int[] k = f.keys()[len];
        int i = search(k, network);
        if (i < 0) return List.of();
        while (i > 0 && k[i - 1] == network) i--;
        List<V> out = null;
        for (; i < k.length && k[i] == network; i++) {
            V v = (V) f.values()[len][i];
            if (usable.test(v)) {
                if (out == null) out = new ArrayList<>(1);
                out.add(v);
            }
        }
        return out == null ? List.of() : out;
    }

    /** Tables are often filled in order (flannel lists leases by subnet): then there is nothing to sort. */
    private static boolean sorted(long[] a) {
        for (int i = 1; i < a.length; i++) if (a[i - 1] > a[i]) return false;
        return true;
    }

    /** Binary search over unsigned ints. */
    private static int search(int[] a, int key) {
        int lo = 0, hi = a.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Integer.compareUnsigned(a[mid], key);
            if (c < 0) lo = mid + 1;
            else if (c > 0) hi = mid - 1;
            else return mid;
        }
        return -1;
    }

    public int size() {
        return size;
    }
}

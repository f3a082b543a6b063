package dev.kubepath.ingest;

import java.util.Arrays;

/**
 * What a parser made of lines it has read before, by the lines' text: every host of a cluster holds the same flannel
 * routes, so the route files of a bundle repeat the same lines host after host. A line met again gives the value
 * made the first time (the same object: a thousand hosts then hold one copy of it), without reading it again. Only
 * values that are a function of the line's text alone may be kept here. Lines are told apart by their Latin-1 copy,
 * in which every character beyond Latin-1 is '?': a line holding a '?' is never kept.
 * <p>
 * One table per thread (the bundle's hosts are read on several), of bounded size: when it is full it is emptied,
 * so a long-lived thread keeps at most {@link #CAPACITY} lines.
 */
final class RepeatedLines<T> {
    private static final int CAPACITY = 1 << 13;
    private static final int SLOTS = CAPACITY * 2; // a power of two, half full at most: probes stay short

    private final byte[][] keys = new byte[SLOTS][];
    private final Object[] values = new Object[SLOTS];
    private int size;

    /** The value kept for the text {@code chars[from, to)}, or null. */
    @SuppressWarnings("unchecked")
    T get(byte[] chars, int from, int to) {
        int h = hash(chars, from, to);
        if (h == UNKEPT) return null;
        for (int i = h & (SLOTS - 1); keys[i] != null; i = (i + 1) & (SLOTS - 1)) {
            if (Arrays.equals(keys[i], 0, keys[i].length, chars, from, to)) return (T) values[i];
        }
        return null;
    }

    /** Keeps {@code value} for the text {@code chars[from, to)}. */
    void put(byte[] chars, int from, int to, T value) {
        if (size == CAPACITY) {
            Arrays.fill(keys, null);
            Arrays.fill(values, null);
            size = 0;
        }
        int h = hash(chars, from, to);
        if (h == UNKEPT) return;
        int i = h & (SLOTS - 1);
        while (keys[i] != null) {
            if (Arrays.equals(keys[i], 0, keys[i].length, chars, from, to)) return;
            i = (i + 1) & (SLOTS - 1);
        }
        keys[i] = Arrays.copyOfRange(chars, from, to);
        values[i] = value;
        size++;
    }

    /** What {@link #hash} gives for a line that is never kept (it holds a '?'); no kept line's hash is it. */
    private static final int UNKEPT = -1;

    private static int hash(byte[] chars, int from, int to) {
        int h = 1;
        for (int i = from; i < to; i++) {
            if (chars[i] == '?') return UNKEPT;
            h = 31 * h + chars[i];
        }
        h ^= h >>> 16; // the high bits mixed in: the table is indexed by the low ones
        return h == UNKEPT ? 0 : h;
    }
}

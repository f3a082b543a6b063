package dev.kubepath.model;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * An immutable list made of parts that many hosts hold alike: every node of a cluster in IPVS mode has the same
 * ClusterIP virtual servers and the same service addresses on kube-ipvs0. The parts are shared, not copied, so
 * 5,000 hosts x 10,000 services cost one copy; and a reader that indexes a list (the tracer, the matrix) keeps one
 * index per part through {@link Part#memo}, built once however many hosts share the part.
 */
public final class SharedList<T> extends AbstractList<T> implements RandomAccess {
    private final List<Part<T>> parts;
    /** Where each part starts in the whole list, and the size of the whole after the last. */
    private final int[] starts;

    private SharedList(List<Part<T>> parts) {
        this.parts = List.copyOf(parts);
        starts = new int[this.parts.size() + 1];
        long n = 0;
        for (int i = 0; i < this.parts.size(); i++) {
            n += this.parts.get(i).items.size();
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("a list of " + n + " items");
            starts[i + 1] = (int) n;
        }
    }

    @SafeVarargs
    public static <T> SharedList<T> of(Part<T>... parts) {
        return new SharedList<>(List.of(parts));
    }

    /** The list as a host keeps it: a shared list as it is (its parts cannot change), any other list copied. */
    public static <T> List<T> copyOf(List<T> list) {
        return list instanceof SharedList<T> ? list : List.copyOf(list);
    }

    /** The parts of any list: a shared list's own, or the whole list as one part that nobody else holds. */
    public static <T> List<Part<T>> parts(List<T> list) {
        return list instanceof SharedList<T> s ? s.parts : List.of(new Part<>(list));
    }

    @Override
    public T get(int index) {
        Objects.checkIndex(index, size());
        int p = Arrays.binarySearch(starts, index);
        if (p < 0) p = -p - 2; // the last part starting before the index
        while (starts[p + 1] == index) p++; // empty parts start where the next one does
        return parts.get(p).items.get(index - starts[p]);
    }

    @Override
    public int size() {
        return starts[starts.length - 1];
    }

    @Override
    public Spliterator<T> spliterator() {
        return Spliterators.spliterator(iterator(), size(), Spliterator.ORDERED | Spliterator.IMMUTABLE);
    }

    /** Part by part: no search per item. */
    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            private int part = 0, next = 0;

            @Override
            public boolean hasNext() {
                while (part < parts.size() && next == parts.get(part).items.size()) {
                    part++;
                    next = 0;
                }
                return part < parts.size();
            }

            @Override
            public T next() {
                if (!hasNext()) throw new NoSuchElementException();
                return parts.get(part).items.get(next++);
            }
        };
    }

    /** One part: an immutable list, and what readers have worked out from it, kept with it. */
    public static final class Part<T> {
        private final List<T> items;
        private final Map<Object, Object> memo = new ConcurrentHashMap<>();
        /** For a slice: the part it is cut from, and where it starts there. */
        private final Part<T> whole;
        private final int from;

        private Part(List<T> items) {
            this(items, null, 0);
        }

        private Part(List<T> items, Part<T> whole, int from) {
            this.items = items;
            this.whole = whole;
            this.from = from;
        }

        /** Items [from, to) of a part, as a part of their own that knows where it was cut from (no copy). */
        public static <T> Part<T> slice(Part<T> whole, int from, int to) {
            return new Part<>(whole.items.subList(from, to), whole, from);
        }

        /** The part this one is a slice of, or null. */
        public Part<T> whole() {
            return whole;
        }

        /** Where this slice starts in {@link #whole()}. */
        public int offset() {
            return from;
        }

        /** A part holding a copy of the items. */
        public static <T> Part<T> of(List<T> items) {
            return new Part<>(List.copyOf(items));
        }

        /** A part over a list that is immutable already (a view of an immutable list, or a generated one). */
        public static <T> Part<T> ofImmutable(List<T> items) {
            return new Part<>(items);
        }

        public List<T> items() {
            return items;
        }

        /** What {@code compute} makes of the items, computed once per {@code what} (an identity key of the reader's). */
        @SuppressWarnings("unchecked")
        public <R> R memo(Object what, Function<List<T>, R> compute) {
            Object v = memo.get(what);
            if (v == null) v = memo.computeIfAbsent(what, k -> compute.apply(items));
            return (R) v;
        }
    }
}

package dev.kubepath.model;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.RandomAccess;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * One of a {@link HostBuilder}'s lists: it reads the built host's immutable list it started from, and copies it at
 * the first edit. A simulated host is rebuilt for every change a daemon applies (a pod's container, a batch of
 * routes): copying all of its lists each time (1,000 routes, neighbours, FDB entries and kube-ipvs0 addresses a
 * host in a 1,000-node cluster) was a large part of a boot; a list nobody edits is handed to the next host as it is.
 */
final class ListDraft<T> extends AbstractList<T> implements RandomAccess {
    /** The immutable list this started from; null once copied. */
    private List<T> from;
    private ArrayList<T> own;

    ListDraft() {
        own = new ArrayList<>();
    }

    /** A list made of shared parts is written out at once, as a builder always did (SharedListTest compares both). */
    ListDraft(List<T> from) {
        if (from instanceof SharedList<T>) own = new ArrayList<>(from);
        else this.from = from;
    }

    /** The list as it stands: the one it started from when never edited (immutable), else its own copy. */
    List<T> current() {
        return own != null ? own : from;
    }

    private ArrayList<T> edit() {
        if (own == null) {
            own = new ArrayList<>(from);
            from = null;
        }
        return own;
    }

    @Override
    public T get(int index) {
        return current().get(index);
    }

    @Override
    public int size() {
        return current().size();
    }

    @Override
    public int indexOf(Object o) {
        return current().indexOf(o);
    }

    @Override
    public boolean contains(Object o) {
        return current().contains(o);
    }

    @Override
    public T set(int index, T element) {
        return edit().set(index, element);
    }

    @Override
    public boolean add(T element) {
        modCount++;
        return edit().add(element);
    }

    @Override
    public void add(int index, T element) {
        modCount++;
        edit().add(index, element);
    }

    @Override
    public T remove(int index) {
        modCount++;
        return edit().remove(index);
    }

    @Override
    public boolean addAll(Collection<? extends T> items) {
        if (items.isEmpty()) return false;
        modCount++;
        return edit().addAll(items);
    }

    /** Copies only when something goes; the filter sees each item once, as ArrayList's removeIf does. */
    @Override
    public boolean removeIf(Predicate<? super T> filter) {
        if (own != null) {
            boolean removed = own.removeIf(filter);
            if (removed) modCount++;
            return removed;
        }
        int n = from.size(), first = 0;
        while (first < n && !filter.test(from.get(first))) first++;
        if (first == n) return false;
        ArrayList<T> kept = new ArrayList<>(n - 1);
        kept.addAll(from.subList(0, first));
        for (int i = first + 1; i < n; i++) if (!filter.test(from.get(i))) kept.add(from.get(i));
        own = kept;
        from = null;
        modCount++;
        return true;
    }

    @Override
    public void clear() {
        if (isEmpty()) return;
        modCount++;
        own = new ArrayList<>();
        from = null;
    }

    @Override
    public void replaceAll(UnaryOperator<T> operator) {
        modCount++;
        edit().replaceAll(operator);
    }

    @Override
    public void sort(Comparator<? super T> c) {
        modCount++;
        edit().sort(c);
    }
}

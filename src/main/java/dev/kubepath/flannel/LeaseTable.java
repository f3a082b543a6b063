package dev.kubepath.flannel;

import dev.kubepath.model.Lease;
import dev.kubepath.net.Prefix;

import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * An agent's view of everyone's leases, by subnet in ascending order (the order the backends lay out their routes
 * in): the subset of a {@code TreeMap<Prefix, Lease>} an agent uses, kept in sorted blocks of at most {@link #BLOCK}
 * leases. Why not the TreeMap: every agent holds every lease, so a 5,000-node simulation held 25 million tree entries
 * (40 bytes each, 1 GB) for 5,000 leases; here a lease costs a reference in a block. The subnet is the lease's own,
 * so no key is stored.
 */
final class LeaseTable {
    private static final int BLOCK = 64;

    /** Sorted by subnet; no block is empty; each block's leases are below the next block's. */
    private final List<Block> blocks = new ArrayList<>();
    private int size;

    private static final class Block {
        Lease[] leases = new Lease[BLOCK];
        int n;

        Prefix first() {
            return leases[0].subnet();
        }

        /** Arrays.binarySearch's contract: the index, or -(insertion point) - 1. */
        int find(Prefix subnet) {
            int lo = 0, hi = n - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int c = leases[mid].subnet().compareTo(subnet);
                if (c < 0) lo = mid + 1;
                else if (c > 0) hi = mid - 1;
                else return mid;
            }
            return -(lo + 1);
        }
    }

    int size() {
        return size;
    }

    void clear() {
        blocks.clear();
        size = 0;
    }

    /** The block that holds {@code subnet} or would: the last one whose first subnet is not above it (the first block if none). */
    private int blockOf(Prefix subnet) {
        int lo = 0, hi = blocks.size() - 1, at = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (blocks.get(mid).first().compareTo(subnet) <= 0) {
                at = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return at;
    }

    Lease get(Prefix subnet) {
        if (blocks.isEmpty()) return null;
        Block b = blocks.get(blockOf(subnet));
        int i = b.find(subnet);
        return i >= 0 ? b.leases[i] : null;
    }

    boolean containsKey(Prefix subnet) {
        return get(subnet) != null;
    }

    /** Puts {@code lease} under its subnet; the lease it replaced, or null. */
    Lease put(Lease lease) {
        Prefix subnet = lease.subnet();
        if (blocks.isEmpty()) {
            Block b = new Block();
            b.leases[b.n++] = lease;
            blocks.add(b);
            size++;
            return null;
        }
        int bi = blockOf(subnet);
        Block b = blocks.get(bi);
        int i = b.find(subnet);
        if (i >= 0) {
            Lease before = b.leases[i];
            b.leases[i] = lease;
            return before;
        }
        i = -i - 1;
        if (b.n == BLOCK) { // split in two halves, then insert into the half it belongs to
            Block upper = new Block();
            upper.n = BLOCK / 2;
            System.arraycopy(b.leases, BLOCK / 2, upper.leases, 0, BLOCK / 2);
            Arrays.fill(b.leases, BLOCK / 2, BLOCK, null);
            b.n = BLOCK / 2;
            blocks.add(bi + 1, upper);
            if (i > BLOCK / 2) {
                b = upper;
                i -= BLOCK / 2;
            }
        }
        System.arraycopy(b.leases, i, b.leases, i + 1, b.n - i);
        b.leases[i] = lease;
        b.n++;
        size++;
        return null;
    }

    void remove(Prefix subnet) {
        if (blocks.isEmpty()) return;
        int bi = blockOf(subnet);
        Block b = blocks.get(bi);
        int i = b.find(subnet);
        if (i < 0) return;
        System.arraycopy(b.leases, i + 1, b.leases, i, b.n - i - 1);
        b.leases[--b.n] = null;
        size--;
        if (b.n == 0) blocks.remove(bi);
    }

    /** The leases by subnet, ascending; a view, valid until the next change. */
    Collection<Lease> values() {
        return new AbstractCollection<>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Iterator<Lease> iterator() {
                return new Iterator<>() {
                    int bi, i;

                    @Override
                    public boolean hasNext() {
                        return bi < blocks.size();
                    }

                    @Override
                    public Lease next() {
                        if (!hasNext()) throw new NoSuchElementException();
                        Block b = blocks.get(bi);
                        Lease l = b.leases[i++];
                        if (i == b.n) {
                            bi++;
                            i = 0;
                        }
                        return l;
                    }
                };
            }
        };
    }
}

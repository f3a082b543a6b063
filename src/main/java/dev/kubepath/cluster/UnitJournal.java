package dev.kubepath.cluster;

import dev.kubepath.flannel.Klog;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One unit's journal on one node: its entries, oldest first, at most {@code capacity} of them (journald's rotation:
 * the oldest go first). An entry is a time, a process id and a {@link Line}, the text without them; the journald or
 * klog line is laid out only when the journal is read (journalctl, kubectl logs).
 *
 * <p>Why not the lines themselves: every flanneld writes "Subnet added" for every peer and every kube-proxy "Adding
 * new service port" for every service port, the same text on every node. At 5,000 nodes a line each was millions of
 * Strings and no longer fit in a 4 GB heap; an entry here is two references (the text shared between the nodes, see
 * {@link PodEvents}, and the time, shared between the entries of one settle), and the process ids are kept once per
 * run of entries of one process.
 */
final class UnitJournal {
    /**
     * An entry's text without its time and process id, shared between every node that writes it; it lays out the
     * line the unit's journal shows.
     */
    sealed interface Line {
        String render(Instant at, int pid);
    }

    /** A glog/klog line (flanneld, kube-proxy): {@code Lmmdd hh:mm:ss.uuuuuu pid file:line] message}. */
    record KlogLine(char severity, String fileLine, String message) implements Line {
        @Override
        public String render(Instant at, int pid) {
            return Klog.line(severity, at, pid, fileLine, message);
        }
    }

    /** dockerd's logrus line as journald keeps it: {@code INSTANT dockerd[PID]: time="RFC3339Nano" level=info FIELDS}. */
    record DockerdLine(String fields) implements Line {
        @Override
        public String render(Instant at, int pid) {
            return DateTimeFormatter.ISO_INSTANT.format(at) + " dockerd[" + pid + "]: time=\"" + DaemonJournals.rfc3339Nano(at)
                    + "\" level=info " + fields;
        }
    }

    /** systemd's own line in a unit's journal as it starts or stops it: {@code INSTANT systemd[1]: MESSAGE}. */
    record SystemdLine(String message) implements Line {
        @Override
        public String render(Instant at, int pid) {
            return DateTimeFormatter.ISO_INSTANT.format(at) + " systemd[1]: " + message;
        }
    }

    /** A line written whole (the kubelet's rare sandbox failures): its time and pid are already in it. */
    record WholeLine(String text) implements Line {
        @Override
        public String render(Instant at, int pid) {
            return text;
        }
    }

    /** Entries are kept in blocks, so that a journal wastes at most one block however long it grew. */
    private static final int BLOCK = 256;

    private record Block(Line[] lines, Instant[] times) {
        Block() {
            this(new Line[BLOCK], new Instant[BLOCK]);
        }
    }

    /** Entries from {@code from} on (until the next run) were written by process {@code pid}. */
    private record PidRun(long from, int pid) {}

    private final int capacity;
    private final ArrayDeque<Block> blocks = new ArrayDeque<>();
    private final ArrayDeque<PidRun> pids = new ArrayDeque<>();
    /** Sequence numbers of the oldest entry kept and of the next one to write. */
    private long first, end;

    UnitJournal(int capacity) {
        this.capacity = capacity;
    }

    void add(Line line, Instant at, int pid) {
        if (end % BLOCK == 0) blocks.addLast(new Block());
        Block b = blocks.peekLast();
        b.lines()[(int) (end % BLOCK)] = line;
        b.times()[(int) (end % BLOCK)] = at;
        if (pids.isEmpty() || pids.peekLast().pid() != pid) pids.addLast(new PidRun(end, pid));
        end++;
        if (end - first > capacity) dropOldest();
    }

    private void dropOldest() {
        Block front = blocks.peekFirst();
        front.lines()[(int) (first % BLOCK)] = null;
        front.times()[(int) (first % BLOCK)] = null;
        first++;
        if (first % BLOCK == 0) blocks.removeFirst();
        while (pids.size() > 1 && secondRunFrom() <= first) pids.removeFirst();
    }

    private long secondRunFrom() {
        Iterator<PidRun> it = pids.iterator();
        it.next();
        return it.next().from();
    }

    int size() {
        return (int) (end - first);
    }

    /** The lines, oldest first, laid out now. */
    List<String> lines() {
        if (size() == 0) return List.of();
        List<String> out = new ArrayList<>(size());
        Iterator<Block> bs = blocks.iterator();
        Iterator<PidRun> runs = pids.iterator();
        PidRun run = runs.next();
        PidRun next = runs.hasNext() ? runs.next() : null;
        Block b = null;
        for (long seq = first; seq < end; seq++) {
            if (b == null || seq % BLOCK == 0) b = bs.next();
            while (next != null && next.from() <= seq) {
                run = next;
                next = runs.hasNext() ? runs.next() : null;
            }
            int i = (int) (seq % BLOCK);
            out.add(b.lines()[i].render(b.times()[i], run.pid()));
        }
        return out;
    }
}

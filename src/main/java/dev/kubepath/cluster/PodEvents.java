package dev.kubepath.cluster;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kubelet's Warning events on pods (what {@code kubectl describe pod} lists under Events) and the lines it logs
 * to its journal, per node; the other daemons' (flanneld's) journals beside it. Repeats are counted, as the API server aggregates similar events ("x17 over 4m").
 */
public final class PodEvents {
    /** One event: its reason and message, how often it happened, first and last time. */
    public record Event(String podKey, String node, String type, String reason, String message, int count, Instant first, Instant last) {}

    private final Map<String, Event> events = new LinkedHashMap<>();
    private final Map<String, UnitJournal> journals = new LinkedHashMap<>();
    /**
     * The texts of recent entries, each kept once however many nodes write it (a bounded table: a text that left it
     * is only kept twice, not lost). The last time written, for the same reason: a settle writes thousands at one.
     */
    private final Map<UnitJournal.Line, UnitJournal.Line> shared = new LinkedHashMap<>(1 << 12, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UnitJournal.Line, UnitJournal.Line> eldest) {
            return size() > SHARED_LINES;
        }
    };
    private static final int SHARED_LINES = 1 << 16;
    private Instant lastTime;

    /** Events of one pod and reason are one event, counted, with the latest message (each sandbox has its own id). */
    public synchronized void warning(String podKey, String node, String reason, String message, Instant now) {
        String key = podKey + "\u0000" + reason;
        Event e = events.get(key);
        events.put(key, e == null ? new Event(podKey, node, "Warning", reason, message, 1, now, now)
                : new Event(podKey, node, e.type(), reason, message, e.count() + 1, e.first(), now));
    }

    /** Lines kept per unit and node: like journald's rotation, the oldest go first (a day of 1,000 peers renewing is many). */
    static final int JOURNAL_LINES = 10_000;

    public synchronized void journal(String node, String line) {
        write(node, "kubelet", line);
    }

    /** A whole line {@code unit} (the kubelet) wrote on {@code node}, as it happens. */
    public synchronized void write(String node, String unit, String line) {
        append(node, unit, new UnitJournal.WholeLine(line), lastTime == null ? Instant.EPOCH : lastTime, 0);
    }

    /** A klog line (flanneld, kube-proxy) {@code unit} wrote on {@code node} at {@code at} as process {@code pid}. */
    public synchronized void klog(String node, String unit, char severity, Instant at, int pid, String fileLine, String message) {
        append(node, unit, new UnitJournal.KlogLine(severity, fileLine, message), at, pid);
    }

    /** dockerd's logrus fields ({@code msg="..." ...}) written on {@code node} at {@code at} as process {@code pid}. */
    synchronized void dockerd(String node, Instant at, int pid, String fields) {
        append(node, "docker", new UnitJournal.DockerdLine(fields), at, pid);
    }

    /** systemd's own line in {@code unit}'s journal on {@code node}. */
    synchronized void systemd(String node, String unit, Instant at, String message) {
        append(node, unit, new UnitJournal.SystemdLine(message), at, 1);
    }

    private void append(String node, String unit, UnitJournal.Line line, Instant at, int pid) {
        UnitJournal.Line text = line instanceof UnitJournal.WholeLine ? line : shared.putIfAbsent(line, line);
        if (at.equals(lastTime)) at = lastTime;
        else lastTime = at;
        journals.computeIfAbsent(node + "\u0000" + unit, k -> new UnitJournal(JOURNAL_LINES)).add(text == null ? line : text, at, pid);
    }

    public synchronized List<Event> of(String podKey) {
        return events.values().stream().filter(e -> e.podKey().equals(podKey)).toList();
    }

    public synchronized List<Event> all() {
        return List.copyOf(events.values());
    }

    /** The kubelet's journal lines on {@code node}, oldest first. */
    public synchronized List<String> journal(String node) {
        return unitJournal(node, "kubelet");
    }

    /** {@code unit}'s journal lines on {@code node}, oldest first. */
    public synchronized List<String> unitJournal(String node, String unit) {
        UnitJournal j = journals.get(node + "\u0000" + unit);
        return j == null ? List.of() : j.lines();
    }
}

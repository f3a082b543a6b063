package dev.kubepath.cluster;

import java.time.Instant;
import java.util.ArrayList;
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
    private final Map<String, List<String>> journals = new LinkedHashMap<>();

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

    /** A line {@code unit} (kubelet, flanneld) wrote on {@code node}, as it happens. */
    public synchronized void write(String node, String unit, String line) {
        List<String> lines = journals.computeIfAbsent(node + "\u0000" + unit, k -> new ArrayList<>());
        if (lines.size() == JOURNAL_LINES) lines.removeFirst();
        lines.add(line);
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
        return List.copyOf(journals.getOrDefault(node + "\u0000" + unit, List.of()));
    }
}

package dev.kubepath.flannel.registry;

import dev.kubepath.model.Lease;
import dev.kubepath.net.Prefix;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * An in-memory registry with etcd's semantics (revisions, TTLs, create-if-absent, ordered watch). Time comes from
 * the injected clock: TTLs run out when the clock passes them and {@link #expireDue()} (or any operation) runs, so
 * a simulation decides when expiry happens. Watch events are delivered in revision order on the thread that caused
 * them, while the registry is locked, which keeps a simulated run deterministic. {@link #setReachable(boolean)} plays an etcd outage.
 */
public final class EmbeddedRegistry implements SubnetRegistry {
    private static final int HISTORY = 10_000;

    private record Entry(Lease lease, long modRevision) {}

    private record Watcher(Consumer<LeaseEvent> listener, Consumer<RuntimeException> onError) {}

    private final Clock clock;
    private final Map<Prefix, Entry> leases = new TreeMap<>();
    private final Deque<LeaseEvent> history = new ArrayDeque<>();
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    private String config;
    private long revision = 1;
    /** Events up to this revision have dropped out of the history; a watch from before it must re-list. */
    private long forgottenUpTo;
    private volatile boolean reachable = true;

    public EmbeddedRegistry(Clock clock) {
        this.clock = clock;
    }

    public EmbeddedRegistry() {
        this(Clock.systemUTC());
    }

    public Clock clock() {
        return clock;
    }

    /** The cause an outage gives: what stands behind this registry (etcd, by the faults' words) does not answer. */
    static final String DOWN = "no etcd member answers";

    /** Plays an outage: while unreachable every call throws and running watches end with an error. */
    public void setReachable(boolean value) {
        reachable = value;
        if (!value) {
            for (Watcher w : watchers) w.onError().accept(new RegistryUnavailableException(DOWN));
            watchers.clear();
        }
    }

    /** Removes every lease whose TTL has run out by the clock's time, reporting each as expired. */
    public synchronized void expireDue() {
        List<LeaseEvent> events = new ArrayList<>();
        synchronized (this) {
            Instant now = clock.instant();
            var it = leases.values().iterator();
            while (it.hasNext()) {
                Entry e = it.next();
                if (e.lease().expiration() != null && !e.lease().expiration().isAfter(now)) {
                    it.remove();
                    events.add(record(new LeaseEvent.Removed(e.lease(), ++revision, LeaseEvent.Cause.EXPIRED)));
                }
            }
        }
        deliver(events);
    }

    @Override
    public synchronized Optional<String> getConfig() {
        check();
        return Optional.ofNullable(config);
    }

    @Override
    public synchronized void setConfig(String json) {
        check();
        config = json;
        revision++;
    }

    @Override
    public synchronized LeaseSnapshot getLeases() {
        check();
        expireDue();
        synchronized (this) {
            return new LeaseSnapshot(leases.values().stream().map(Entry::lease).toList(), revision);
        }
    }

    @Override
    public synchronized Optional<Lease> getLease(Prefix subnet) {
        check();
        expireDue();
        synchronized (this) {
            return Optional.ofNullable(leases.get(subnet)).map(Entry::lease);
        }
    }

    @Override
    public synchronized Optional<Lease> createLease(Lease lease, Duration ttl) {
        check();
        expireDue();
        LeaseEvent event;
        Lease stored;
        synchronized (this) {
            if (leases.containsKey(lease.subnet())) return Optional.empty();
            stored = lease.withExpiration(clock.instant().plus(ttl));
            leases.put(lease.subnet(), new Entry(stored, ++revision));
            event = record(new LeaseEvent.Added(stored, revision));
        }
        deliver(List.of(event));
        return Optional.of(stored);
    }

    @Override
    public synchronized Lease renewLease(Lease lease, Duration ttl) {
        check();
        expireDue();
        LeaseEvent event;
        Lease stored;
        synchronized (this) {
            if (!leases.containsKey(lease.subnet())) throw new LeaseNotFoundException(lease.subnet());
            stored = lease.withExpiration(clock.instant().plus(ttl));
            leases.put(lease.subnet(), new Entry(stored, ++revision));
            event = record(new LeaseEvent.Added(stored, revision));
        }
        deliver(List.of(event));
        return stored;
    }

    @Override
    public synchronized void deleteLease(Prefix subnet) {
        check();
        expireDue();
        LeaseEvent event;
        synchronized (this) {
            Entry e = leases.remove(subnet);
            if (e == null) throw new LeaseNotFoundException(subnet);
            event = record(new LeaseEvent.Removed(e.lease(), ++revision, LeaseEvent.Cause.DELETED));
        }
        deliver(List.of(event));
    }

    @Override
    public synchronized LeaseWatch watch(long afterRevision, Consumer<LeaseEvent> listener, Consumer<RuntimeException> onError) {
        check();
        List<LeaseEvent> missed;
        Watcher w = new Watcher(listener, onError);
        synchronized (this) {
            if (afterRevision < forgottenUpTo) {
                // like etcd's "index cleared": the caller must re-list
                throw new RegistryUnavailableException("watch from revision " + afterRevision + " is older than the kept history");
            }
            missed = history.stream().filter(e -> e.revision() > afterRevision).toList();
            watchers.add(w);
        }
        missed.forEach(listener);
        return () -> watchers.remove(w);
    }

    @Override
    public void close() {
        watchers.clear();
    }

    private void check() {
        if (!reachable) throw new RegistryUnavailableException(DOWN);
    }

    private LeaseEvent record(LeaseEvent e) {
        history.addLast(e);
        if (history.size() > HISTORY) forgottenUpTo = history.removeFirst().revision();
        return e;
    }

    private void deliver(List<LeaseEvent> events) {
        for (LeaseEvent e : events) for (Watcher w : watchers) w.listener().accept(e);
    }
}

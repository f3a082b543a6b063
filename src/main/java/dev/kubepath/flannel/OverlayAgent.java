package dev.kubepath.flannel;

import dev.kubepath.flannel.registry.LeaseEvent;
import dev.kubepath.flannel.registry.LeaseSnapshot;
import dev.kubepath.flannel.registry.RegistryUnavailableException;
import dev.kubepath.flannel.registry.SubnetRegistry;
import dev.kubepath.flannel.subnet.SubnetEnv;
import dev.kubepath.flannel.subnet.SubnetManager;
import dev.kubepath.flannel.vxlan.DesiredState;
import dev.kubepath.flannel.vxlan.Underlay;
import dev.kubepath.flannel.vxlan.VxlanBackend;
import dev.kubepath.host.HostNetwork;
import dev.kubepath.model.FlannelConfig;
import dev.kubepath.model.Host;
import dev.kubepath.model.IfAddress;
import dev.kubepath.model.Lease;
import dev.kubepath.model.Link;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A flanneld-like agent for one host: the subnet manager keeps our lease, a watch on the registry keeps the view
 * of everyone's leases, and the vxlan backend reconciles the host to it. {@link #step()} does one round of work
 * and is all a simulation needs (with a {@link ManualClock}); {@link #startBackground()} runs rounds on a thread
 * for real use. While the registry is unreachable the data plane is left as it is, the agent retries with
 * exponential backoff, logs once per state change, and re-lists everything when the registry answers again.
 */
public final class OverlayAgent implements AutoCloseable {
    public enum State { STARTING, RUNNING, DISCONNECTED, STOPPED }

    /** How the agent runs: the underlay device, the lease options, ip-masq, and the retry backoff bounds. */
    /** {@code publicIp}: flanneld's --public-ip, the PublicIP its lease announces; null for the underlay device's address. */
    public record Settings(String underlayDev, SubnetManager.Options lease, boolean ipMasq, Duration minBackoff,
                           Duration maxBackoff, Ipv4 publicIp) {
        public Settings(String underlayDev, SubnetManager.Options lease, boolean ipMasq, Duration minBackoff, Duration maxBackoff) {
            this(underlayDev, lease, ipMasq, minBackoff, maxBackoff, null);
        }

        public static Settings flannel(String underlayDev) {
            return new Settings(underlayDev, SubnetManager.Options.FLANNEL, false, Duration.ofMillis(100), Duration.ofSeconds(10));
        }

        public Settings withLease(SubnetManager.Options o) {
            return new Settings(underlayDev, o, ipMasq, minBackoff, maxBackoff, publicIp);
        }

        public Settings withBackoff(Duration min, Duration max) {
            return new Settings(underlayDev, lease, ipMasq, min, max, publicIp);
        }

        public Settings withPublicIp(Ipv4 ip) {
            return new Settings(underlayDev, lease, ipMasq, minBackoff, maxBackoff, ip);
        }
    }

    /** The watch ended with {@code error}; queued among the lease events, after the last one it delivered. */
    private record WatchFailed(RuntimeException error) {}

    private final SubnetRegistry registry;
    private final HostNetwork host;
    private final Settings settings;
    private final Clock clock;
    private final RandomGenerator random;
    private final Consumer<SubnetEnv> subnetEnvSink;
    private final Consumer<String> log;
    /**
     * Lease events ({@link LeaseEvent}) and {@link WatchFailed}, in arrival order, guarded by {@link #signalLock}:
     * the watch delivers them on the registry's threads. A plain deque, swapped for a new one when taken, and not a
     * ConcurrentLinkedQueue of wrappers: at boot each of 5,000 agents queues up to 5,000 events before its first
     * step, 40 bytes each there (half a gigabyte in all), a reference here.
     */
    private ArrayDeque<Object> signals = new ArrayDeque<>();
    private final Object signalLock = new Object();
    private final Semaphore wake = new Semaphore(0);
    private final List<Consumer<LeaseEvent>> leaseListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<DesiredState>> reconcileListeners = new CopyOnWriteArrayList<>();
    private Optional<SubnetEnv> previous;

    private final LeaseTable leases = new LeaseTable();
    private SubnetManager manager;
    private VxlanBackend backend;
    /** The host-gw backend when the network config says {@code "Type":"host-gw"} (then no VXLAN device is made). */
    private dev.kubepath.flannel.hostgw.HostGwBackend hostGw;
    private SubnetRegistry.LeaseWatch watch;
    private volatile State state = State.STARTING;
    private boolean needResync = true;
    private boolean dirty;
    private Instant nextTry = Instant.MIN;
    private Duration backoff;
    private volatile DesiredState lastDesired;
    private SubnetEnv subnetEnv;
    private volatile Thread thread;
    private volatile boolean closed;
    private volatile Klog.Sink klog = (severity, at, pid, fileLine, message) -> {};
    private volatile int pid = 1;
    private volatile boolean kubeSubnetMgr;

    public OverlayAgent(SubnetRegistry registry, HostNetwork host, Settings settings, Clock clock,
                        RandomGenerator random, Optional<SubnetEnv> previous, Consumer<SubnetEnv> subnetEnvSink,
                        Consumer<String> log) {
        this.registry = registry;
        this.host = host;
        this.settings = settings;
        this.clock = clock;
        this.random = random;
        this.previous = previous;
        this.subnetEnvSink = subnetEnvSink;
        this.log = msg -> log.accept(host.name() + ": " + msg);
        this.backoff = settings.minBackoff();
    }

    /**
     * Where flanneld's own log lines go (see {@link Klog}), as process {@code pid}. With the kube subnet manager the
     * registry errors are the API client's, whose texts are not simulated: those lines are left out, not invented.
     */
    public void onKlog(int pid, boolean kubeSubnetMgr, Klog.Sink sink) {
        this.pid = pid;
        this.kubeSubnetMgr = kubeSubnetMgr;
        this.klog = sink;
    }

    private void klog(char severity, String fileLine, String message) {
        klog.line(severity, clock.instant(), pid, fileLine, message);
    }

    public State state() {
        return state;
    }

    public synchronized Optional<Lease> lease() {
        return manager == null ? Optional.empty() : manager.lease();
    }

    public synchronized Map<Prefix, Lease> leases() {
        Map<Prefix, Lease> copy = new java.util.HashMap<>();
        for (Lease l : leases.values()) copy.put(l.subnet(), l);
        return Map.copyOf(copy);
    }

    public DesiredState lastDesired() {
        return lastDesired;
    }

    public synchronized Optional<SubnetEnv> subnetEnv() {
        return Optional.ofNullable(subnetEnv);
    }

    /** Lease events as the agent sees them, after its own view is updated (flannel's subnet manager -> backend). */
    public void addLeaseListener(Consumer<LeaseEvent> l) {
        leaseListeners.add(l);
    }

    /** Called after every reconcile with the state just applied. */
    public void addReconcileListener(Consumer<DesiredState> l) {
        reconcileListeners.add(l);
    }

    /** One round: (re)connect when due, take in lease events, renew when due, reconcile when anything changed. */
    public synchronized State step() {
        if (state == State.STOPPED || clock.instant().isBefore(nextTry)) return state;
        try {
            if (manager == null) start();
            if (needResync) resync();
            takeSignals();
            if (state != State.STOPPED) {
                Optional<Lease> before = manager.lease();
                handle(manager.renewIfDue());
                Optional<Lease> after = manager.lease();
                if (before.isPresent() && after.isPresent() && before.get().subnet().equals(after.get().subnet())
                        && !java.util.Objects.equals(before.get().expiration(), after.get().expiration())) {
                    klog('I', Klog.LEASE_RENEWED, "Lease renewed, new expiration: " + Klog.goTime(after.get().expiration()));
                }
            }
            if (state != State.STOPPED && dirty) reconcile();
            backoff = settings.minBackoff();
        } catch (RegistryUnavailableException e) {
            closeWatch();
            needResync = true;
            // flannel's watch loop logs each failed attempt; the etcd v2 client's error, its detail not simulated
            if (manager != null && !kubeSubnetMgr) klog('E', Klog.WATCH_FAILED, "Watch subnets: client: etcd cluster is unavailable or misconfigured");
            if (state != State.DISCONNECTED) {
                log.accept(unreachable(e) + "; keeping routes as they are, retrying");
                state = State.DISCONNECTED;
            }
            nextTry = clock.instant().plus(backoff);
            backoff = backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : backoff.multipliedBy(2);
        }
        return state;
    }

    /** "registry unreachable", with its cause once: the exception's own message is often those very words. */
    static String unreachable(RegistryUnavailableException e) {
        String why = e.getMessage();
        return why == null || why.isBlank() || why.startsWith("registry unreachable") ? "registry unreachable" : "registry unreachable: " + why;
    }

    private void start() {
        FlannelConfig config = NetworkConfigs.parse(registry.getConfig()
                .orElseThrow(() -> new RegistryUnavailableException("network config not found in the registry yet")));
        Host now = host.read();
        Link under = now.link(settings.underlayDev()).orElseThrow(() ->
                new IllegalStateException(host.name() + ": underlay device " + settings.underlayDev() + " not found"));
        IfAddress addr = now.addresses().stream().filter(a -> a.dev().equals(under.name())).findFirst().orElseThrow(() ->
                new IllegalStateException(host.name() + ": underlay device " + under.name() + " has no IPv4 address"));
        Underlay underlay = new Underlay(under.name(), addr.ip(), addr.prefix(), under.mtu());
        backend = new VxlanBackend(config, underlay);
        hostGw = "host-gw".equals(config.backendType()) ? new dev.kubepath.flannel.hostgw.HostGwBackend(config, underlay, log) : null;
        Mac mac = hostGw != null ? null : backend.vtepMac(now, Mac.randomLocal(random)); // host-gw leases have no BackendData
        Ipv4 announced = settings.publicIp() != null ? settings.publicIp() : addr.ip();
        SubnetManager m = new SubnetManager(registry, config, announced, mac, clock, random, settings.lease(), log);
        m.acquire(previous);
        manager = m;
        writeSubnetEnv();
        klog('I', Klog.LEASE_ACQUIRED, "Lease acquired: " + m.lease().orElseThrow().subnet());
        if (hostGw == null) klog('I', Klog.VXLAN_INITIAL, "Handling initial subnet events");
    }

    private void writeSubnetEnv() {
        FlannelConfig c = manager.config();
        subnetEnv = new SubnetEnv(c.network(), manager.lease().orElseThrow().subnet(),
                hostGw != null ? hostGw.mtu() : backend.deviceLink(null).mtu(), settings.ipMasq());
        previous = Optional.of(subnetEnv);
        subnetEnvSink.accept(subnetEnv);
    }

    private void resync() {
        closeWatch();
        synchronized (signalLock) {
            signals = new ArrayDeque<>();
        }
        LeaseSnapshot snap = registry.getLeases();
        leases.clear();
        for (Lease l : snap.leases()) leases.put(l);
        watch = registry.watch(snap.revision(), this::signal, e -> signal(new WatchFailed(e)));
        needResync = false;
        dirty = true;
        if (state == State.DISCONNECTED) log.accept("registry reachable again; resynced " + leases.size() + " leases");
        state = State.RUNNING;
        Lease own = manager.lease().orElseThrow();
        if (!leases.containsKey(own.subnet())) {
            handle(manager.onOwnLeaseGone());
        }
    }

    private void take(LeaseEvent e) {
        logSubnetEvent(e);
        switch (e) {
            case LeaseEvent.Added a -> {
                Lease before = leases.put(a.lease());
                // a renewal changes only the expiration, which no route, neighbour or FDB entry depends on: with
                // 1,000 agents, reconciling every agent on every renewal made each simulated day cubic in the nodes
                if (before == null || !before.withExpiration(null).equals(a.lease().withExpiration(null))) dirty = true;
            }
            case LeaseEvent.Removed r -> {
                leases.remove(r.lease().subnet());
                dirty = true;
            }
        }
        for (var l : leaseListeners) l.accept(e);
        if (manager.isOwnLoss(e)) handle(manager.onOwnLeaseGone());
    }

    /** flannel's lease watcher drops the events of its own lease; the backend logs the others as it handles them. */
    private void logSubnetEvent(LeaseEvent e) {
        Lease own = manager.lease().orElse(null);
        switch (e) {
            case LeaseEvent.Added a when own == null || !own.subnet().equals(a.lease().subnet()) -> {
                if (hostGw != null) klog('I', Klog.HOSTGW_ADDED, "Subnet added: " + a.lease().subnet() + " via " + a.lease().publicIp());
                else klog('I', Klog.VXLAN_ADDED, "Subnet added: " + a.lease().subnet());
            }
            case LeaseEvent.Removed r when own == null || !own.subnet().equals(r.lease().subnet()) ->
                klog('I', hostGw != null ? Klog.HOSTGW_REMOVED : Klog.VXLAN_REMOVED, "Subnet removed: " + r.lease().subnet());
            default -> { }
        }
    }

    private void handle(SubnetManager.Outcome o) {
        switch (o) {
            case SubnetManager.Outcome.Kept k -> leases.put(k.lease());
            case SubnetManager.Outcome.Revoked r -> {
                klog('W', Klog.LEASE_REVOKED, "Lease has been revoked");
                state = State.STOPPED;
                closeWatch();
            }
            case SubnetManager.Outcome.Reclaimed r -> {
                leases.put(r.lease());
                dirty = true;
            }
            case SubnetManager.Outcome.Renumbered r -> {
                leases.put(r.lease());
                writeSubnetEnv();
                dirty = true;
            }
        }
    }

    /** Computes the desired state from the current view and applies the diff to the host. */
    private void reconcile() {
        Lease own = manager.lease().orElseThrow();
        DesiredState want = hostGw != null ? hostGw.desired(own, leases.values()) : backend.desired(own, leases.values());
        if (hostGw != null) hostGw.reconcile(host, want);
        else backend.reconcile(host, want);
        lastDesired = want;
        dirty = false;
        for (var l : reconcileListeners) l.accept(want);
    }

    private void signal(Object s) {
        synchronized (signalLock) {
            signals.add(s);
            signalLock.notifyAll();
        }
        wake.release();
    }

    /**
     * For a caller that steps this agent itself: waits until a watch event (or a watch failure) is queued for
     * {@link #step()}, or {@code millis} pass; true when one is queued. A caller polling instead wakes up a
     * thousand times a second per host, which on two cores took CPU from the hosts' own route changes.
     */
    public boolean awaitSignal(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        synchronized (signalLock) {
            while (signals.isEmpty()) {
                long left = (end - System.nanoTime()) / 1_000_000L;
                if (left <= 0) return false;
                signalLock.wait(left);
            }
            return true;
        }
    }

    /** Takes in the queued signals in order; those not taken (stopped, or a failure thrown) stay queued, first. */
    private void takeSignals() {
        ArrayDeque<Object> batch;
        synchronized (signalLock) {
            if (signals.isEmpty()) return;
            batch = signals;
            signals = new ArrayDeque<>();
        }
        try {
            Object s;
            while (state != State.STOPPED && (s = batch.poll()) != null) {
                switch (s) {
                    case WatchFailed f -> throw f.error();
                    case LeaseEvent e -> take(e);
                    default -> throw new IllegalStateException("not a signal: " + s);
                }
            }
        } finally {
            if (!batch.isEmpty()) {
                synchronized (signalLock) {
                    batch.addAll(signals);
                    signals = batch;
                }
            }
        }
    }

    /** Runs {@link #step()} on a daemon thread, woken by watch events and by timers (renewal, retry). */
    public void startBackground() {
        thread = Thread.ofPlatform().daemon().name("overlay-agent-" + host.name()).start(() -> {
            while (!closed) {
                State s;
                try {
                    s = step();
                } catch (RuntimeException e) {
                    log.accept("agent error: " + e);
                    s = state;
                }
                if (s == State.STOPPED) return;
                long waitMs = 1000;
                synchronized (this) {
                    Instant now = clock.instant();
                    if (nextTry.isAfter(now)) waitMs = Math.min(waitMs, millisUntil(now, nextTry, waitMs) + 1);
                    if (manager != null && manager.lease().isPresent()) {
                        waitMs = Math.min(waitMs, Math.max(1, millisUntil(now, manager.renewAt(), waitMs)));
                    }
                }
                try {
                    if (wake.tryAcquire(waitMs, TimeUnit.MILLISECONDS)) wake.drainPermits();
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private void closeWatch() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            closeWatch();
        }
    }

    /** Milliseconds from now to then, at most cap: a lease that never expires (the kube subnet manager's) renews at
     *  Instant.MAX, whose distance overflows a long of milliseconds. */
    private static long millisUntil(Instant now, Instant then, long cap) {
        Duration d = Duration.between(now, then);
        return d.compareTo(Duration.ofMillis(cap)) >= 0 ? cap : d.toMillis();
    }
}

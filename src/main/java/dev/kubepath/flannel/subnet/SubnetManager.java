package dev.kubepath.flannel.subnet;

import dev.kubepath.flannel.registry.LeaseEvent;
import dev.kubepath.flannel.registry.LeaseNotFoundException;
import dev.kubepath.flannel.registry.LeaseSnapshot;
import dev.kubepath.flannel.registry.SubnetRegistry;
import dev.kubepath.model.FlannelConfig;
import dev.kubepath.model.Lease;
import dev.kubepath.net.Ipv4;
import dev.kubepath.net.Mac;
import dev.kubepath.net.Prefix;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Decides which subnet this host owns and keeps the lease alive, as flanneld's etcd subnet manager does. It never
 * touches a device: the backend learns about leases only through the events the agent passes on.
 */
public final class SubnetManager {
    /** flannel's lease TTL and {@code --subnet-lease-renew-margin}; {@code reclaim} is our opt-in recovery mode. */
    public record Options(Duration ttl, Duration renewMargin, boolean reclaim) {
        public static final Options FLANNEL = new Options(Duration.ofHours(24), Duration.ofMinutes(60), false);

        public Options withReclaim(boolean value) {
            return new Options(ttl, renewMargin, value);
        }
    }

    /** What happened to our own lease, for whoever must act on it (the agent, docker's restart advice). */
    public sealed interface Outcome {
        record Kept(Lease lease) implements Outcome {}

        /** flannel's default: "Lease has been revoked", the daemon stops. */
        record Revoked(Lease lost) implements Outcome {}

        record Reclaimed(Lease lease) implements Outcome {}

        /** The old subnet was taken: the host now has a new subnet and docker must be restarted to follow. */
        record Renumbered(Lease lost, Lease lease) implements Outcome {}
    }

    private static final int CANDIDATES = 100;

    private final SubnetRegistry registry;
    private final FlannelConfig config;
    private final Ipv4 publicIp;
    private final Clock clock;
    private final RandomGenerator random;
    private final Options options;
    private final Consumer<String> log;
    private Mac vtepMac;
    private Lease lease;

    public SubnetManager(SubnetRegistry registry, FlannelConfig config, Ipv4 publicIp, Mac vtepMac, Clock clock,
                         RandomGenerator random, Options options, Consumer<String> log) {
        this.registry = registry;
        this.config = config;
        this.publicIp = publicIp;
        this.vtepMac = vtepMac;
        this.clock = clock;
        this.random = random;
        this.options = options;
        this.log = log;
    }

    public Optional<Lease> lease() {
        return Optional.ofNullable(lease);
    }

    public FlannelConfig config() {
        return config;
    }

    /**
     * flannel's order: the lease whose PublicIP is ours (renewed with our current VtepMAC); else the subnet of
     * the previous subnet.env when free; else a random one of the first 100 free subnets.
     */
    public Lease acquire(Optional<SubnetEnv> previous) {
        Optional<Prefix> assigned = registry.assignedSubnet();
        if (assigned.isPresent()) { // --kube-subnet-mgr: the controller manager chose; flannel annotates the node
            lease = registry.createLease(mine(assigned.get()), options.ttl()).orElseThrow();
            log.accept("Acquired lease (ip: " + lease.publicIp() + " " + lease.subnet() + ") from node podCIDR");
            return lease;
        }
        for (int attempt = 0; attempt < 10; attempt++) {
            LeaseSnapshot snap = registry.getLeases();
            for (Lease l : snap.leases()) {
                if (publicIp.equals(l.publicIp()) && config.network().contains(l.subnet())) {
                    try {
                        lease = registry.renewLease(mine(l.subnet()), options.ttl());
                        log.accept("Found lease (ip: " + publicIp + " " + l.subnet() + ") for current IP, reusing");
                        return lease;
                    } catch (LeaseNotFoundException gone) {
                        // expired between list and renew: fall through to a fresh choice
                    }
                }
            }
            Set<Prefix> taken = new HashSet<>();
            for (Lease l : snap.leases()) taken.add(l.subnet());
            if (previous.isPresent()) {
                Prefix prev = previous.get().subnet();
                if (prev.length() == config.subnetLen() && config.network().contains(prev) && !taken.contains(prev)) {
                    Optional<Lease> got = registry.createLease(mine(prev), options.ttl());
                    if (got.isPresent()) {
                        lease = got.get();
                        log.accept("Allocated lease (ip: " + publicIp + " " + prev + ") from previous subnet.env");
                        return lease;
                    }
                    continue;
                }
            }
            List<Prefix> free = freeSubnets(taken);
            if (free.isEmpty()) throw new OutOfSubnetsException("out of subnets");
            Prefix pick = free.get(random.nextInt(free.size()));
            Optional<Lease> got = registry.createLease(mine(pick), options.ttl());
            if (got.isPresent()) {
                lease = got.get();
                log.accept("Allocated lease (ip: " + publicIp + " " + pick + ") to current node");
                return lease;
            }
        }
        throw new OutOfSubnetsException("failed to acquire a subnet lease after 10 attempts (every pick was taken concurrently)");
    }

    /** The first {@value #CANDIDATES} free subnets from SubnetMin to SubnetMax, as flannel's allocator scans them. */
    List<Prefix> freeSubnets(Set<Prefix> taken) {
        List<Prefix> free = new ArrayList<>();
        long step = 1L << (32 - config.subnetLen());
        for (long a = config.subnetMin().network().unsigned(); a <= config.subnetMax().network().unsigned() && free.size() < CANDIDATES; a += step) {
            Prefix p = Prefix.of(new Ipv4((int) a), config.subnetLen());
            if (!taken.contains(p)) free.add(p);
        }
        return free;
    }

    /** When the lease must be renewed next: its expiration minus the renew margin. */
    public Instant renewAt() {
        if (lease == null || lease.expiration() == null) return Instant.MAX;
        return lease.expiration().minus(options.renewMargin());
    }

    /** Renews when due; a vanished lease is handled as {@link #onOwnLeaseGone()} does. */
    public Outcome renewIfDue() {
        if (lease == null) throw new IllegalStateException("no lease acquired");
        if (clock.instant().isBefore(renewAt())) return new Outcome.Kept(lease);
        try {
            lease = registry.renewLease(mine(lease.subnet()), options.ttl());
            return new Outcome.Kept(lease);
        } catch (LeaseNotFoundException e) {
            return onOwnLeaseGone();
        }
    }

    /** True when the event says our own lease went away (expired or deleted by hand). */
    public boolean isOwnLoss(LeaseEvent e) {
        return lease != null && e instanceof LeaseEvent.Removed r && r.lease().subnet().equals(lease.subnet());
    }

    /**
     * Our lease is gone. flannel logs "Lease has been revoked" and exits; in reclaim mode we take the same
     * subnet back when nobody else took it, and otherwise renumber and say loudly that docker must follow.
     */
    public Outcome onOwnLeaseGone() {
        Lease lost = lease;
        if (!options.reclaim()) {
            log.accept("Lease has been revoked. Shutting down daemon.");
            lease = null;
            return new Outcome.Revoked(lost);
        }
        Optional<Lease> again = registry.createLease(mine(lost.subnet()), options.ttl());
        if (again.isPresent()) {
            lease = again.get();
            log.accept("Lease for " + lost.subnet() + " vanished; reclaimed the same subnet");
            return new Outcome.Reclaimed(lease);
        }
        lease = null;
        Lease fresh = acquire(Optional.empty());
        log.accept("WARNING: lease for " + lost.subnet() + " vanished and the subnet is now held by "
                + registry.getLease(lost.subnet()).map(l -> l.publicIp().toString()).orElse("another host")
                + "; RENUMBERED to " + fresh.subnet() + ": restart docker so that docker0 and the pods move to the new subnet");
        return new Outcome.Renumbered(lost, fresh);
    }

    public void setVtepMac(Mac mac) {
        this.vtepMac = mac;
    }

    private Lease mine(Prefix subnet) {
        return new Lease(subnet, publicIp, config.backendType(), vtepMac, null);
    }
}

package dev.kubepath.cluster;

import dev.kubepath.flannel.ManualClock;
import dev.kubepath.flannel.registry.LeaseNotFoundException;
import dev.kubepath.flannel.registry.SubnetRegistry;
import dev.kubepath.model.Lease;
import dev.kubepath.net.Prefix;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A real etcd runs its TTLs on the real clock, which simulated time overtakes. Each lease's expiry is carried over
 * into simulated time when it is first seen or renewed (its real expiration changes), and a lease whose simulated
 * expiry has passed is deleted, as etcd would have dropped it by then.
 */
final class RemoteExpiry {
    /** subnet -> {its real expiration as last seen, that expiration in simulated time}. */
    private final Map<Prefix, Instant[]> seen = new HashMap<>();

    void expireDue(SubnetRegistry registry, ManualClock clock) {
        Instant now = clock.instant();
        Instant realNow = Instant.now();
        Set<Prefix> present = new HashSet<>();
        for (Lease l : registry.getLeases().leases()) {
            present.add(l.subnet());
            if (l.expiration() == null) continue;
            Instant[] known = seen.get(l.subnet());
            // renewed when its real expiration moved on (v3 reports it to the second, from the remaining TTL)
            if (known == null || l.expiration().isAfter(known[0].plusSeconds(60))) {
                known = new Instant[] {l.expiration(), now.plus(Duration.between(realNow, l.expiration()))};
                seen.put(l.subnet(), known);
            }
            if (!known[1].isAfter(now)) {
                try {
                    registry.deleteLease(l.subnet());
                } catch (LeaseNotFoundException gone) {
                    // renewed or removed meanwhile
                }
                seen.remove(l.subnet());
            }
        }
        seen.keySet().retainAll(present);
    }
}

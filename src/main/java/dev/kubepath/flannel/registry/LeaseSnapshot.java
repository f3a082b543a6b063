package dev.kubepath.flannel.registry;

import dev.kubepath.model.Lease;

import java.util.List;

/** All leases at one registry revision; a watch started at {@code revision + 1} misses nothing. */
public record LeaseSnapshot(List<Lease> leases, long revision) {
    public LeaseSnapshot {
        leases = List.copyOf(leases);
    }
}

package dev.kubepath.flannel.registry;

import dev.kubepath.model.Lease;

/** A change to the set of leases, as a watch on {@code <prefix>/subnets} reports it. */
public sealed interface LeaseEvent {
    Lease lease();

    /** The registry revision (etcd v2 modifiedIndex / v3 revision) at which it happened. */
    long revision();

    /** A lease was created or renewed (flannel's EventAdded). */
    record Added(Lease lease, long revision) implements LeaseEvent {}

    /** A lease went away (flannel's EventRemoved); {@code cause} says whether its TTL ran out or someone deleted it. */
    record Removed(Lease lease, long revision, Cause cause) implements LeaseEvent {}

    enum Cause { EXPIRED, DELETED }
}

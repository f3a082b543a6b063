package dev.kubepath.flannel.registry;

import dev.kubepath.model.Lease;
import dev.kubepath.net.Prefix;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where flannel keeps its network config and subnet leases (etcd in the field). The subnet manager talks to it;
 * the backend never does. Every operation throws {@link RegistryUnavailableException} when the store cannot be
 * reached, so callers can tell "no answer" from "no lease".
 */
public interface SubnetRegistry extends AutoCloseable {
    /** The raw JSON at {@code <prefix>/config}, or empty when none is set. */
    Optional<String> getConfig();

    void setConfig(String json);

    LeaseSnapshot getLeases();

    /**
     * The subnet this registry assigns to the caller, where the agent does not choose: the kube subnet manager's
     * node {@code spec.podCIDR}. Empty for etcd and the embedded registry, where the agent picks a free subnet.
     */
    default Optional<Prefix> assignedSubnet() {
        return Optional.empty();
    }

    Optional<Lease> getLease(Prefix subnet);

    /**
     * Creates the lease only if no lease holds its subnet (etcd {@code prevExist=false} / a create-if-absent txn).
     * Returns the stored lease with its expiration, or empty when the subnet was already taken.
     */
    Optional<Lease> createLease(Lease lease, Duration ttl);

    /** Renews an existing lease with a fresh TTL; throws {@link LeaseNotFoundException} when it is gone. */
    Lease renewLease(Lease lease, Duration ttl);

    /** Deletes the lease; throws {@link LeaseNotFoundException} when it is already gone. */
    void deleteLease(Prefix subnet);

    /**
     * Delivers every lease change after {@code afterRevision} to the listener, in order, on a registry thread,
     * until the returned handle is closed. When the registry becomes unreachable the watch ends with
     * {@code onError} and the caller starts again from a fresh {@link #getLeases()}.
     */
    LeaseWatch watch(long afterRevision, Consumer<LeaseEvent> listener, Consumer<RuntimeException> onError);

    /** Closes connections; safe to call more than once. */
    @Override
    void close();

    /** A running watch. */
    interface LeaseWatch extends AutoCloseable {
        @Override
        void close();
    }
}

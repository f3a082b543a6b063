package dev.kubepath.host;

import dev.kubepath.model.Host;

import java.util.List;

/**
 * The one interface agents program a host through (flannel's backend, the container runtime, the service proxy).
 * Implementations: {@link SimulatedHost} for the simulation, and a Linux network namespace for the lab.
 */
public interface HostNetwork {
    /** The host's name in the cluster. */
    String name();

    /** The current state, read back from the host (for Linux: from the kernel). */
    Host read();

    /** Applies the changes in order. A change that fails throws {@link HostNetworkException} naming it. */
    void apply(List<NetChange> changes);

    default void apply(NetChange... changes) {
        apply(List.of(changes));
    }
}

package dev.kubepath.cluster;

import dev.kubepath.host.HostNetwork;
import dev.kubepath.model.Host;
import dev.kubepath.net.Mac;

import java.util.function.IntSupplier;

/**
 * Where a cluster's hosts run: in memory ({@link #simulated()}) or as real network namespaces (the lab). The
 * daemons only ever see a {@link HostNetwork} and a {@link ContainerTable}; the few things no daemon does through
 * {@code HostNetwork.apply} (a MAC the scenario fixes, a power cycle) are asked of the machines here.
 */
public interface Machines extends AutoCloseable {
    /** The host freshly booted: {@code fresh} holds its links (lo, eth0), addresses, routes and sysctls. */
    HostNetwork boot(SimCluster.HostSpec spec, Host fresh);

    /** The table docker publishes the host's pods to; {@code mtu} is docker's --mtu at the moment a pod is made. */
    ContainerTable containers(SimCluster.HostSpec spec, HostNetwork host, IntSupplier mtu);

    /** Gives an existing link a fixed MAC address (the seed's docker0 MACs). */
    void setMac(HostNetwork host, String link, Mac mac);

    /** Power off: everything but {@code fresh}'s state is gone from the kernel (devices, entries, tables, pods). */
    void reset(HostNetwork host, Host fresh);

    /** Whether the hosts' daemons may work concurrently (each host's work waits on its own kernel). */
    default boolean concurrent() {
        return false;
    }

    @Override
    default void close() {
    }

    /** The in-memory kernels of the simulation. */
    static Machines simulated() {
        return new SimulatedMachines();
    }
}
